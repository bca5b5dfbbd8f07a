"""n-player 'enumerate': known games, invariances and completeness flags."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash


def mckelvey_mclennan() -> NormalFormGame:
    """Gambit's contrib/games/2x2x2.nfg: nine equilibria, two totally mixed
    (McKelvey and McLennan 1997)."""
    payoffs = np.zeros((3, 2, 2, 2))
    for cell, values in {
        (0, 0, 0): (9, 8, 12),
        (1, 1, 0): (9, 8, 2),
        (1, 0, 1): (3, 4, 6),
        (0, 1, 1): (3, 4, 6),
    }.items():
        payoffs[(slice(None), *cell)] = values
    return NormalFormGame(list(payoffs))


def three_player_pennies() -> NormalFormGame:
    """Jordan's three-player matching pennies: unique equilibrium, all mix 1/2."""
    shape = (2, 2, 2)
    u = [np.zeros(shape) for _ in range(3)]
    for a, b, c in np.ndindex(*shape):
        u[0][a, b, c] = 1 if a == b else -1
        u[1][a, b, c] = 1 if b == c else -1
        u[2][a, b, c] = 1 if c != a else -1
    return NormalFormGame(u)


def test_mckelvey_mclennan_nine_equilibria() -> None:
    game = mckelvey_mclennan()
    result = solve_nash(game)
    assert result.method == "enumerate"
    assert result.complete
    assert len(result.equilibria) == 9
    totally_mixed = [eq for eq in result.equilibria if all(np.all(s > 0) for s in eq.strategies)]
    assert len(totally_mixed) == 2
    assert sum(eq.is_pure for eq in result.equilibria) == 4
    # one of the totally mixed equilibria, derived from the indifference equations
    assert any(eq.isclose(([0.5, 0.5], [0.4, 0.6], [0.25, 0.75])) for eq in totally_mixed)
    for eq in result.equilibria:
        assert eq.regret <= 1e-8


def test_three_player_matching_pennies_unique_mixed() -> None:
    result = solve_nash(three_player_pennies(), "enumerate")
    assert len(result.equilibria) == 1
    assert result.equilibria[0].isclose(([0.5, 0.5],) * 3)


def test_unique_fully_mixed_2x2x2() -> None:
    """Each player gains by mismatching the next one (cyclically).  Player i is
    indifferent only if player i+1 mixes 1/2, so the unique equilibrium is
    (1/2, 1/2, 1/2).  Player 0 also gets a bonus that depends on player 2's
    action only, which moves its payoffs but not its incentives."""
    shape = (2, 2, 2)
    u = [np.zeros(shape) for _ in range(3)]
    for cell in np.ndindex(*shape):
        for i in range(3):
            u[i][cell] = 1.0 if cell[i] != cell[(i + 1) % 3] else 0.0
    u[0] = u[0] * 2.0 + np.array([[[0.0, 0.5], [0.0, 0.5]], [[0.0, 0.5], [0.0, 0.5]]])
    result = solve_nash(NormalFormGame(u))
    assert result.complete
    assert len(result.equilibria) == 1
    assert result.equilibria[0].isclose(([0.5, 0.5],) * 3, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_enumerate_invariant_under_player_and_strategy_relabelling(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (2, 3, 2)
    payoffs = [rng.standard_normal(shape) for _ in range(3)]
    game = NormalFormGame(payoffs)
    base = solve_nash(game, "enumerate").equilibria
    # permute players (1, 2, 0) and strategies of player 1
    order = (1, 2, 0)
    perm = rng.permutation(3)
    permuted = [np.transpose(payoffs[p], order) for p in order]
    permuted = [np.take(p, perm, axis=0) for p in permuted]
    other = solve_nash(NormalFormGame(permuted), "enumerate").equilibria
    assert len(other) == len(base)
    for eq in other:
        s1 = np.zeros(3)
        s1[perm] = eq.strategies[0]
        mapped = (eq.strategies[2], s1, eq.strategies[1])
        assert any(b.isclose(mapped, atol=1e-7) for b in base)


def test_enumerate_invariant_under_affine_transform() -> None:
    game = mckelvey_mclennan()
    payoffs = list(game.payoffs)
    payoffs[1] = 1e-3 * payoffs[1] - 7.0
    payoffs[2] = 250.0 * payoffs[2] + 3.0
    result = solve_nash(NormalFormGame(payoffs))
    base = solve_nash(game).equilibria
    assert len(result.equilibria) == len(base)
    assert all(any(e.isclose(b, atol=1e-8) for b in base) for e in result.equilibria)


def test_two_player_enumerate_dispatches_to_vertex() -> None:
    game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    assert solve_nash(game, "enumerate").method == "vertex"


@pytest.mark.parametrize("seed", range(4))
def test_generic_games_have_an_odd_number_of_equilibria(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (2, 2, 2, 2) if seed % 2 else (3, 2, 2)
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    result = solve_nash(game, "enumerate")
    assert result.complete
    assert len(result.equilibria) % 2 == 1


def test_logit_answer_is_a_member_of_the_enumerated_set() -> None:
    game = mckelvey_mclennan()
    logit = solve_nash(game, "logit")
    assert logit.method == "logit"
    assert len(logit.equilibria) == 1
    assert logit.equilibria[0].regret <= 1e-10 * game.payoff_range
    assert any(logit.equilibria[0].isclose(eq, atol=1e-7) for eq in solve_nash(game).equilibria)


def test_auto_picks_logit_for_large_games() -> None:
    rng = np.random.default_rng(0)
    shape = (5, 4, 4)  # 31 * 15 * 15 support profiles > AUTO_ENUMERATE_LIMIT
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    result = solve_nash(game)
    assert result.method == "logit"
    assert game.is_nash(result.equilibria[0].strategies, tol=1e-10)


def test_one_player_game_best_strategy_and_a_tie() -> None:
    result = solve_nash(NormalFormGame([np.array([0.3, 0.8, -1.0])]), "enumerate")
    assert [eq.strategies[0].tolist() for eq in result.equilibria] == [[0.0, 1.0, 0.0]]
    assert result.complete
    tie = solve_nash(NormalFormGame([np.array([1.0, 1.0, 0.0])]), "enumerate")
    # every mixture of the first two (duplicate) strategies is optimal: the
    # equilibria are that segment, reported by its two extreme points
    assert tie.complete
    assert {tuple(eq.strategies[0]) for eq in tie.equilibria} == {(1.0, 0.0, 0.0), (0.0, 1.0, 0.0)}


@pytest.mark.parametrize("shape", [(1, 3, 3), (2, 1, 2), (2, 2, 2, 2, 2), (1, 1, 1)])
def test_players_with_one_strategy_and_five_players(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(4)
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    result = solve_nash(game, "enumerate")
    assert result.complete
    assert len(result.equilibria) % 2 == 1
    for eq in result.equilibria:
        assert game.is_nash(eq.strategies, tol=1e-9)
