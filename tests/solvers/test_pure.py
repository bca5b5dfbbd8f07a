"""The pure-equilibrium kernel (kurilsim.solvers._pure)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kurilsim import NormalFormGame
from kurilsim.solvers._pure import pure_equilibria_kernel


def test_prisoners_dilemma_has_one_pure_equilibrium() -> None:
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    found = pure_equilibria_kernel((A, A.T), atol=np.zeros(2))
    assert found.tolist() == [[1, 1]]


def test_matching_pennies_has_none() -> None:
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    found = pure_equilibria_kernel((A, -A), atol=np.zeros(2))
    assert found.shape == (0, 2)


def test_tolerance_admits_near_best_replies() -> None:
    A = np.array([[1.0, 0.0], [1.0 + 1e-6, 0.0]])  # row 1 beats row 0 by 1e-6
    B = np.zeros((2, 2))
    strict = pure_equilibria_kernel((A, B), atol=np.zeros(2))
    assert [0, 0] not in strict.tolist()
    loose = pure_equilibria_kernel((A, B), atol=np.array([1e-5, 0.0]))
    assert [0, 0] in loose.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_matches_brute_force_on_three_player_games(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (2, 3, 2)
    payoffs = tuple(rng.integers(0, 3, size=shape).astype(float) for _ in range(3))
    game = NormalFormGame(list(payoffs))
    found = pure_equilibria_kernel(payoffs, atol=np.zeros(3))
    brute = [
        list(cell)
        for cell in itertools.product(*(range(m) for m in shape))
        if game.regret(game.pure_profile(list(cell))) == 0
    ]
    assert found.tolist() == brute  # lexicographic order
