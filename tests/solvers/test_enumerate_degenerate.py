"""'enumerate' on degenerate strategic forms of extensive games, against
Gambit's enumpoly, and its flags on games with continua."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash
from kurilsim.testing.games import entry_chain, full_strategic_form, selten_horse


def coordination() -> list[np.ndarray]:
    """Three players earn a + 1 each if all pick a (of 3), else nothing."""
    u = np.zeros((3, 3, 3))
    for a in range(3):
        u[a, a, a] = a + 1
    return [u.copy(), u.copy(), u.copy()]


def cases() -> dict[str, list[np.ndarray]]:
    entry = entry_chain()
    return {
        "horse": full_strategic_form(selten_horse()),
        "entry-full": full_strategic_form(entry),
        "entry-reduced": [np.asarray(p) for p in entry.reduced_strategic_form().payoffs],
        "coordination": coordination(),
    }


def brute_regret(arrays: list[np.ndarray], profile: tuple[np.ndarray, ...]) -> float:
    n = len(arrays)
    worst = 0.0
    for i in range(n):
        dev = np.zeros(arrays[i].shape[i])
        for cell in np.ndindex(*arrays[i].shape):
            prob = np.prod([profile[j][cell[j]] for j in range(n) if j != i])
            dev[cell[i]] += prob * arrays[i][cell]
        worst = max(worst, dev.max() - dev @ profile[i])
    return worst


@pytest.mark.parametrize("name", ["horse", "entry-full", "entry-reduced", "coordination"])
def test_every_reported_profile_is_an_equilibrium(name: str) -> None:
    arrays = cases()[name]
    result = solve_nash(NormalFormGame(arrays), "enumerate")
    assert result.equilibria
    for eq in result.equilibria:
        assert brute_regret(arrays, eq.strategies) <= 1e-12


def test_coordination_game_is_complete_with_known_pure_equilibria() -> None:
    """All meet at a (3 profiles) or all pick different points (6 profiles,
    where no single deviation creates a meeting): 9 pure equilibria; the
    mixed ones are isolated, so the enumeration is complete."""
    result = solve_nash(NormalFormGame(coordination()), "enumerate")
    assert result.complete
    pure = {tuple(int(np.argmax(s)) for s in eq.strategies) for eq in result.equilibria if eq.is_pure}
    assert pure == {(a, a, a) for a in range(3)} | set(itertools.permutations(range(3)))
    assert len(result.equilibria) == 13


def test_continua_are_flagged_incomplete() -> None:
    """In the entry chain, once player 1 stays out the others' moves are not
    reached: continua of equilibria, which support enumeration reports by
    their isolated points and flags as incomplete."""
    result = solve_nash(NormalFormGame(cases()["entry-reduced"]), "enumerate")
    assert not result.complete
    assert "non-isolated" in result.message


def test_full_form_equilibria_are_the_reduced_ones_on_each_duplicate() -> None:
    """Player 1's full form has four strategies (in or out, then expand or
    hold); 'out, expand' and 'out, hold' are duplicates, merged into the
    reduced form's 'out'.  Each full-form equilibrium, with the duplicates'
    weights added up, is a reduced-form equilibrium, and each reduced-form
    one with weight on 'out' appears once per duplicate."""
    full = solve_nash(NormalFormGame(cases()["entry-full"]), "enumerate").equilibria
    reduced = solve_nash(NormalFormGame(cases()["entry-reduced"]), "enumerate").equilibria
    # full order: (in, expand), (in, hold), (out, expand), (out, hold);
    # reduced order: (in, expand), (in, hold), (out)
    merge = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    projected = [(eq.strategies[0] @ merge, *eq.strategies[1:]) for eq in full]
    for p in projected:
        assert any(all(np.allclose(a, b, atol=1e-9) for a, b in zip(p, r.strategies, strict=True))
                   for r in reduced)
    expected = sum(2 if r.strategies[0][2] > 0 else 1 for r in reduced)
    assert len(full) == expected


@pytest.mark.peers
@pytest.mark.parametrize("name", ["horse", "entry-full", "entry-reduced", "coordination"])
def test_enumpoly_equilibria_are_all_found(name: str) -> None:
    """Everything Gambit's enumpoly reports, 'enumerate' reports (on the
    coordination game enumpoly, pygambit 16.7, reports 12 of the 13)."""
    pygambit = pytest.importorskip("pygambit")
    arrays = cases()[name]
    game = pygambit.Game.from_arrays(*arrays)
    theirs = [
        np.array([float(eq[s]) for player in game.players for s in player.strategies])
        for eq in pygambit.nash.enumpoly_solve(game).equilibria
    ]
    mine = [
        np.concatenate(eq.strategies)
        for eq in solve_nash(NormalFormGame(arrays), "enumerate").equilibria
    ]
    assert theirs
    for x in theirs:
        assert any(np.allclose(x, y, atol=1e-6) for y in mine)
    assert len(mine) >= len(theirs)
