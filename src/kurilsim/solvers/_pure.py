"""Pure-strategy Nash equilibria of n-player games, vectorised over the tensor."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["pure_equilibria_kernel"]


def pure_equilibria_kernel(
    payoffs: tuple[NDArray[np.float64], ...], *, atol: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Pure strategy profiles at which no player ``i`` gains more than ``atol[i]``.

    For each player ``i`` the best-response indicator is
    ``u_i(s) >= max_{s_i'} u_i(s_i', s_-i) - atol[i]``, computed for every cell
    of the payoff tensor at once; equilibria are the cells where every
    player's indicator holds.

    Returns
    -------
    ndarray of int, shape (k, n)
        One row of pure actions per equilibrium, in lexicographic order.
    """
    mask = np.ones(payoffs[0].shape, dtype=bool)
    for i, u in enumerate(payoffs):
        mask &= u >= u.max(axis=i, keepdims=True) - atol[i]
    return np.argwhere(mask)
