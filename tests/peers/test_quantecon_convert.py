"""NormalFormGame.to_quantecon / from_quantecon against QuantEcon's own game.

QuantEcon keeps one payoff array per player with that player's axis first and
the others following cyclically; the conversions must transpose accordingly.
A 2x2 game cannot tell a wrong transpose from a right one, so games here
have three players and distinct numbers of strategies.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kurilsim import InvalidGameError, NormalFormGame

qe_gt = pytest.importorskip("quantecon.game_theory")

pytestmark = pytest.mark.peers


def _game(shape: tuple[int, ...], seed: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.integers(-9, 10, size=shape).astype(float) for _ in shape])


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (3, 2, 2, 4)])
def test_every_payoff_is_quantecons_payoff_at_the_same_cell(shape: tuple[int, ...]) -> None:
    game = _game(shape, sum(shape))
    qe_game = game.to_quantecon()
    assert len(shape) == qe_game.N
    assert tuple(qe_game.nums_actions) == shape
    for cell in itertools.product(*map(range, shape)):
        np.testing.assert_array_equal(
            qe_game.payoff_profile_array[cell], [a[cell] for a in game.payoffs]
        )


@pytest.mark.parametrize("seed", range(4))
def test_pure_nash_agrees_with_quantecon_on_three_player_games(seed: int) -> None:
    game = _game((2, 3, 4), seed)
    qe_game = game.to_quantecon()
    found = 0
    for cell in itertools.product(*map(range, game.shape)):
        ours = game.is_nash(game.pure_profile(cell))
        assert ours == qe_game.is_nash(cell), cell
        found += ours
    assert found == len(qe_gt.pure_nash_brute(qe_game))


def test_from_quantecon_reads_a_game_built_by_quantecon() -> None:
    rng = np.random.default_rng(7)
    profile = rng.standard_normal((2, 3, 4, 3))  # cells x players
    qe_game = qe_gt.NormalFormGame(profile)
    game = NormalFormGame.from_quantecon(qe_game)
    assert game.shape == (2, 3, 4)
    for i in range(3):
        np.testing.assert_array_equal(game.payoffs[i], profile[..., i])


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4)])
def test_round_trip(shape: tuple[int, ...]) -> None:
    game = _game(shape, 3)
    assert NormalFormGame.from_quantecon(game.to_quantecon()) == game


def test_from_quantecon_rejects_other_objects() -> None:
    with pytest.raises(InvalidGameError, match="expected a quantecon NormalFormGame"):
        NormalFormGame.from_quantecon(object())  # type: ignore[arg-type]
