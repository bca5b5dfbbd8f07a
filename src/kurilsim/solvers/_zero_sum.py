"""Optimal strategies and value of a two-player zero-sum game by linear programming."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from kurilsim._errors import SolverError

__all__ = ["zero_sum_kernel"]


def _maximin(A: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """Row player's maximin strategy of the matrix game ``A``: max v s.t. x^T A >= v."""
    m, n = A.shape
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-A.T, np.ones((n, 1))])
    a_eq = np.concatenate([np.ones(m), [0.0]])[None, :]
    bounds = [(0.0, None)] * m + [(None, None)]
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n),
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=bounds,
        method="highs-ds",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0:
        raise SolverError(f"linprog failed on the zero-sum game: {res.message}")
    return np.asarray(res.x[:m]), float(res.x[-1])


def zero_sum_kernel(
    A: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Optimal ``(x, y)`` and value ``v`` of the zero-sum game with row payoffs ``A``.

    Solves the row player's maximin LP ``max v s.t. A^T x >= v 1, sum x = 1,
    x >= 0`` and the column player's (the same LP on ``-A^T``) with HiGHS.
    By the minimax theorem both values agree; ``v`` is the row player's.
    The LPs are solved on ``(A - min A) / ptp(A)``, so the solver's absolute
    tolerances mean the same whatever the payoff units.
    """
    low, span = float(A.min()), float(np.ptp(A))
    if span == 0.0:
        m, n = A.shape
        return np.full(m, 1.0 / m), np.full(n, 1.0 / n), low
    scaled = (A - low) / span
    x, v_row = _maximin(scaled)
    y, v_col = _maximin(-scaled.T)
    return x, y, low + span * 0.5 * (v_row - v_col)
