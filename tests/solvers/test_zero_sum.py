"""The zero-sum linear-programming kernel (kurilsim.solvers._zero_sum)."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim.solvers._zero_sum import zero_sum_kernel


def test_matching_pennies_value_zero_uniform_play() -> None:
    x, y, value = zero_sum_kernel(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    np.testing.assert_allclose(x, [0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(y, [0.5, 0.5], atol=1e-9)
    assert value == pytest.approx(0.0, abs=1e-12)


def test_value_is_in_payoff_units() -> None:
    A = np.array([[2.0, -1.0], [-1.0, 1.0]])
    for scale, shift in [(1.0, 0.0), (1000.0, 5.0)]:
        x, y, value = zero_sum_kernel(scale * A + shift)
        np.testing.assert_allclose(x, [0.4, 0.6], atol=1e-9)
        np.testing.assert_allclose(y, [0.4, 0.6], atol=1e-9)
        assert value == pytest.approx(scale * 0.2 + shift, rel=1e-9)


def test_saddle_point_and_constant_game() -> None:
    x, y, value = zero_sum_kernel(np.array([[3.0, 5.0], [1.0, 4.0]]))
    np.testing.assert_allclose(x, [1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(y, [1.0, 0.0], atol=1e-9)
    assert value == pytest.approx(3.0)
    x, y, value = zero_sum_kernel(np.full((2, 3), 7.0))
    assert (x.tolist(), y.tolist(), value) == ([0.5, 0.5], [1 / 3] * 3, 7.0)


@pytest.mark.parametrize("seed", range(5))
def test_minimax_on_random_games(seed: int) -> None:
    A = np.random.default_rng(seed).standard_normal((4, 3))
    x, y, value = zero_sum_kernel(A)
    # x guarantees the value against every column, y concedes at most it
    assert (x @ A).min() >= value - 1e-8
    assert (A @ y).max() <= value + 1e-8
