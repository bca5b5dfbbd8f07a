"""NormalFormGame.to_pygambit / from_pygambit against pygambit's own game.

Labels travel both ways; Gambit rationals are kept exactly, decimals are read
as the nearest float (as the ``.nfg`` reader does).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from kurilsim import InvalidGameError, NormalFormGame

gbt = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers


def _labelled_game(seed: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    shape = (2, 3, 4)
    return NormalFormGame(
        [rng.standard_normal(shape) for _ in shape],
        players=["Japan", "Russia", "United States"],
        strategies=[["a", "b"], ["x", "y", "z"], ["p", "q", "r", "s"]],
    )


def test_payoffs_and_labels_are_gambits() -> None:
    game = _labelled_game(0)
    g = game.to_pygambit(title="three parties")
    assert g.title == "three parties"
    players = list(g.players)
    assert [p.label for p in players] == list(game.players)
    assert [[s.label for s in p.strategies] for p in players] == [
        list(row) for row in game.strategies
    ]
    for cell in itertools.product(*map(range, game.shape)):
        outcome = g[cell]
        for i, p in enumerate(players):
            assert float(outcome[p]) == game.payoffs[i][cell]


@pytest.mark.parametrize("seed", range(3))
def test_round_trip_keeps_floats_and_labels(seed: int) -> None:
    game = _labelled_game(seed)
    assert NormalFormGame.from_pygambit(game.to_pygambit()) == game


def test_exact_rationals_travel_both_ways() -> None:
    big = 10**20 + 1
    game = NormalFormGame([[Fraction(1, 3), big], [0.1, 2]], strategies=[["T", "B"], ["L", "R"]])
    g = game.to_pygambit()
    p1 = next(iter(g.players))
    assert g[(0, 0)][p1] == Fraction(1, 3)
    assert g[(0, 1)][p1] == big
    back = NormalFormGame.from_pygambit(g)
    assert back == game
    assert back.exact_payoffs[0][0, 0] == Fraction(1, 3)
    assert back.exact_payoffs[1][0, 1] == -big


def test_from_pygambit_reads_gambit_built_games() -> None:
    A = [[Fraction(1, 3), 2], [3, 4]]
    B = [[0, 1], [1, 0]]
    g = gbt.Game.from_arrays(A, B)
    row, col = g.players
    row.label, col.label = "Row", "Column"
    for strategy, label in zip(row.strategies, ["up", "down"], strict=True):
        strategy.label = label
    game = NormalFormGame.from_pygambit(g)
    assert game.players == ("Row", "Column")
    assert game.strategies == (("up", "down"), ("1", "2"))  # Gambit's defaults kept
    assert game.exact_payoffs[0][0, 0] == Fraction(1, 3)
    np.testing.assert_array_equal(game.payoffs[1], np.array(B, dtype=float))


def test_pure_equilibria_agree_with_gambit() -> None:
    rng = np.random.default_rng(5)
    shape = (3, 3, 2)
    game = NormalFormGame([rng.integers(0, 4, size=shape) for _ in shape])
    g = game.to_pygambit()
    theirs = set()
    for eq in gbt.nash.enumpure_solve(g).equilibria:
        theirs.add(tuple(
            next(k for k, s in enumerate(p.strategies) if eq[s] == 1) for p in g.players
        ))
    ours = {
        cell for cell in itertools.product(*map(range, shape))
        if game.is_nash(game.pure_profile(cell))
    }
    assert ours == theirs


def test_from_pygambit_rejects_trees_and_other_objects() -> None:
    with pytest.raises(InvalidGameError, match="extensive-form tree"):
        NormalFormGame.from_pygambit(gbt.Game.new_tree())
    with pytest.raises(InvalidGameError, match=r"expected a pygambit\.Game"):
        NormalFormGame.from_pygambit(object())  # type: ignore[arg-type]
