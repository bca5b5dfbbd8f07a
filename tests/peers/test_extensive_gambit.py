"""Extensive-form equilibria against pygambit on the two-player games of its catalog.

For every two-player game with perfect recall in pygambit's catalog
(``pygambit/catalog_data/**/*.efg``), read with :func:`kurilsim.read_efg`:

* ``"vertex"`` finds the same equilibria as pygambit's ``enummixed_solve``
  on the strategic form, compared as realisation plans (behaviour at the
  sets a player's own plan avoids is immaterial, and several mixed
  equilibria can have one behaviour profile);
* pygambit's ``lcp_solve`` (the sequence form, behaviour strategies) returns
  equilibria that kurilsim's tree regret certifies, and kurilsim's ``"lcp"``
  returns one of the equilibria ``enummixed_solve`` lists (by realisation
  plans) or, in a degenerate game, one that kurilsim certifies with the
  payoffs of one of them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kurilsim import ExtensiveFormGame, read_efg, solve_nash

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers

CATALOG = Path(pygambit.__file__).parent / "catalog_data"
FILES = sorted(CATALOG.rglob("*.efg")) if CATALOG.is_dir() else []


def two_player_games() -> list[Path]:
    keep = []
    for path in FILES:
        game = read_efg(path)
        if game.n_players == 2 and game.perfect_recall:
            keep.append(path)
    return keep


GAMES = two_player_games()


def set_map(game: ExtensiveFormGame, gbt_game: object) -> dict[int, object]:
    """Our information set index -> pygambit's infoset, by walking both trees."""
    found: dict[int, object] = {}
    stack = [(0, gbt_game.root)]  # type: ignore[attr-defined]
    while stack:
        node, theirs = stack.pop()
        children = game.node_children[node]
        if not children:
            continue
        k = int(game.node_infoset[node])
        if k >= 0:
            found.setdefault(k, theirs.infoset)
        stack.extend(zip(children, list(theirs.children), strict=True))
    return found


def behaviour(game: ExtensiveFormGame, mapping: dict[int, object], profile: object) -> tuple[np.ndarray, ...]:
    """A pygambit behaviour profile as ours (uniform where undefined)."""
    out = []
    for k, infoset in enumerate(game.infosets):
        theirs = mapping[k]
        values = np.array(
            [float(profile[action]) for action in theirs.actions],  # type: ignore[attr-defined, index]
            dtype=float,
        )
        if not np.all(np.isfinite(values)) or not math.isclose(values.sum(), 1.0, abs_tol=1e-9):
            values = np.full(infoset.n_actions, 1.0 / infoset.n_actions)
        out.append(values)
    return tuple(out)


def plans(game: ExtensiveFormGame, profile: tuple[np.ndarray, ...]) -> np.ndarray:
    return np.concatenate(game.realisation_from_behaviour(profile))


def distinct(points: list[np.ndarray], atol: float = 1e-6) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for p in points:
        if not any(np.allclose(p, q, atol=atol) for q in out):
            out.append(p)
    return out


@pytest.mark.parametrize("path", GAMES, ids=[str(p.relative_to(CATALOG)) for p in GAMES])
def test_equilibria_match_gambit(path: Path) -> None:
    game = read_efg(path)
    theirs_game = pygambit.read_efg(str(path))
    mapping = set_map(game, theirs_game)
    ranges = np.maximum(game.payoff_ranges, 1e-300)

    # all equilibria: vertex on the reduced strategic form vs enummixed
    ours = solve_nash(game, "vertex")
    assert ours.complete
    assert ours.certificate <= ours.tol
    mine = distinct([plans(game, eq.profile) for eq in ours])
    enummixed = pygambit.nash.enummixed_solve(theirs_game, rational=False)
    theirs = distinct(
        [plans(game, behaviour(game, mapping, eq.as_behavior())) for eq in enummixed.equilibria]
    )
    assert len(mine) == len(theirs)
    for p in theirs:
        assert any(np.allclose(p, q, atol=1e-6) for q in mine)

    # one equilibrium: pygambit's sequence-form LCP is certified by our regret
    for eq in pygambit.nash.lcp_solve(theirs_game, rational=False).equilibria:
        profile = behaviour(game, mapping, eq)
        assert (game.regret(profile) / ranges).max() <= 1e-9

    # ours is an equilibrium, with the payoffs of one that enummixed lists
    lcp = solve_nash(game, "lcp")
    assert lcp.certificate <= lcp.tol
    payoffs = [game.expected_payoffs(behaviour(game, mapping, e.as_behavior()))
               for e in enummixed.equilibria]
    assert any(np.allclose(lcp[0].payoffs, p, atol=1e-7) for p in payoffs) or any(
        np.allclose(plans(game, lcp[0].profile), q, atol=1e-6) for q in theirs
    )


def test_the_catalog_has_two_player_games() -> None:
    # the parametrised test above must not silently run on nothing
    assert len(GAMES) >= 20
