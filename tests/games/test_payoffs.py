"""Vectorised payoff kernels (kurilsim.games.payoffs)."""

from __future__ import annotations

import itertools

import numpy as np

from kurilsim import NormalFormGame
from kurilsim.games import normal_form, payoffs
from kurilsim.games.payoffs import (
    deviation_gains,
    deviation_payoffs,
    deviation_payoffs_batch,
    gains_exceed,
)


def brute_deviation_payoffs(tensors: list[np.ndarray], sigma: list[np.ndarray]) -> list[np.ndarray]:
    n = len(tensors)
    out = []
    for i in range(n):
        values = np.zeros(tensors[i].shape[i])
        for cell in itertools.product(*(range(m) for m in tensors[i].shape)):
            weight = np.prod([sigma[j][cell[j]] for j in range(n) if j != i])
            values[cell[i]] += weight * tensors[i][cell]
        out.append(values)
    return out


def test_deviation_payoffs_match_brute_force() -> None:
    rng = np.random.default_rng(1)
    shape = (2, 3, 4)
    tensors = [rng.standard_normal(shape) for _ in shape]
    sigma = [rng.dirichlet(np.ones(m)) for m in shape]
    for got, want in zip(deviation_payoffs(tensors, sigma), brute_deviation_payoffs(tensors, sigma), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_batch_is_one_profile_per_row() -> None:
    rng = np.random.default_rng(2)
    shape = (3, 2, 2)
    tensors = [rng.standard_normal(shape) for _ in shape]
    profiles = [[rng.dirichlet(np.ones(m)) for m in shape] for _ in range(5)]
    blocks = [np.stack([p[j] for p in profiles]) for j in range(3)]
    batch = deviation_payoffs_batch(tensors, blocks)
    assert [b.shape for b in batch] == [(5, 3), (5, 2), (5, 2)]
    for c, profile in enumerate(profiles):
        for i, single in enumerate(deviation_payoffs(tensors, profile)):
            np.testing.assert_allclose(batch[i][c], single, atol=1e-12)


def test_one_player_game() -> None:
    (out,) = deviation_payoffs([np.array([1.0, 4.0])], [np.array([0.5, 0.5])])
    assert out.tolist() == [1.0, 4.0]


def test_deviation_gains_are_nonnegative_and_zero_at_equilibrium() -> None:
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    mixed = (np.array([0.6, 0.4]), np.array([0.4, 0.6]))
    np.testing.assert_allclose(deviation_gains((A, B), mixed), [0.0, 0.0], atol=1e-15)
    off = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert deviation_gains((A, B), off).tolist() == [2.0, 2.0]
    game = NormalFormGame([A, B])
    np.testing.assert_allclose(game.gains(off), deviation_gains(game.centred_payoffs, off))


def test_gains_exceed_is_the_one_rule() -> None:
    assert gains_exceed([0.0, 1.0, np.nan], [0.5, 0.5, 0.5]).tolist() == [False, True, True]
    # the old home re-exports it
    assert normal_form.gains_exceed is gains_exceed
    assert set(payoffs.__all__) == {
        "deviation_gains", "deviation_payoffs", "deviation_payoffs_batch", "gains_exceed"
    }
