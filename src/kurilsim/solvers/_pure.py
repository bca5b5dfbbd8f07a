"""Pure-strategy Nash equilibria of n-player games, vectorised over the tensor."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.payoffs import gains_exceed

__all__ = ["pure_equilibria_kernel"]


def pure_equilibria_kernel(
    payoffs: tuple[NDArray[np.float64], ...], *, atol: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Pure strategy profiles at which no player ``i`` gains more than ``atol[i]``.

    For each player ``i`` the gain of every cell of the payoff tensor is
    ``max_{s_i'} u_i(s_i', s_-i) - u_i(s)``, computed for all cells at once
    and judged by :func:`~kurilsim.games.normal_form.gains_exceed`, the rule
    every certifier uses (given the recentred payoffs, the same float
    subtraction as certification performs, so the two agree to the bit);
    equilibria are the cells where no player's gain exceeds its limit.

    Returns
    -------
    ndarray of int, shape (k, n)
        One row of pure actions per equilibrium, in lexicographic order.
    """
    mask = np.ones(payoffs[0].shape, dtype=bool)
    for i, u in enumerate(payoffs):
        gain = np.subtract(u.max(axis=i, keepdims=True), u)
        mask &= ~gains_exceed(gain, atol[i])
    return np.asarray(mask.nonzero(), dtype=np.intp).T  # np.argwhere, without its set-up
