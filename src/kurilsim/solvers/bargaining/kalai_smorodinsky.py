"""The Kalai–Smorodinsky bargaining solution.

References
----------
.. [1] E. Kalai and M. Smorodinsky, "Other solutions to Nash's bargaining
   problem", *Econometrica* 43(3), 513–518, 1975.
.. [2] Y. Imai, "Individual monotonicity and lexicographic maxmin solution",
   *Econometrica* 51(2), 389–401, 1983.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _agreement_possible,
    _check_problem,
    _check_tol,
    _disagreement_solution,
    _twin_problem,
)
from kurilsim.solvers.bargaining._leximin import _along_direction
from kurilsim.solvers.bargaining.solution import BargainingSolution

__all__ = ["kalai_smorodinsky", "solve_kalai_smorodinsky"]


def solve_kalai_smorodinsky(
    problem: BargainingProblem, *, tol: float = DEFAULT_TOL
) -> BargainingSolution:
    """The Kalai–Smorodinsky solution.

    The largest point on the segment from ``d`` to the ideal point ``I``
    (:attr:`BargainingProblem.ideal_point`): every player gets the same
    share ``(u_i - d_i) / (I_i - d_i)`` of their ideal gain (Kalai and
    Smorodinsky 1975).

    Parameters
    ----------
    problem : BargainingProblem
    tol : float
        Relative tolerance of the certificate.

    Returns
    -------
    BargainingSolution

    Notes
    -----
    Two players: the exact intersection of the segment with the Pareto
    frontier polyline (a 2×2 linear system per edge); the segment always
    leaves the individually rational set through the frontier.

    More players: the segment can leave the feasible set (which is not
    comprehensive: lotteries cannot throw utility away) below its Pareto
    frontier, and even on comprehensive sets the segment point is only
    weakly Pareto optimal.  kurilsim therefore returns the lexicographic
    maxmin of the shares (Imai 1983): first the largest common share ``t*``
    such that some lottery gives every player at least ``d + t* (I - d)``
    (a linear program), then the players who can get more do so, the
    smallest of their shares maximised again, and so on.  When the segment
    point ``d + t* (I - d)`` is Pareto optimal -- always with two players --
    this is exactly the Kalai–Smorodinsky point.

    Examples
    --------
    On ``T = conv{(0,0), (0,1), (1,0.7), (1,0)}`` the ideal point is (1, 1):

    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_kalai_smorodinsky
    >>> T = BargainingProblem([[0, 1], [1, 0.7], [1, 0]], [0, 0])
    >>> solve_kalai_smorodinsky(T).utilities  # 1 / 1.3
    array([0.76923077, 0.76923077])
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    possible = _agreement_possible(problem, tol)
    d = problem.disagreement
    ideal = problem.ideal_point
    units = np.where(ideal - d > tol * problem.utility_ranges, ideal - d, 0.0)
    if not np.any(units > 0):
        return _disagreement_solution(
            problem,
            "kalai-smorodinsky",
            tol,
            "the ideal point is the disagreement point",
        )
    return _along_direction(
        problem,
        "kalai-smorodinsky",
        units,
        tol,
        possible,
        ray="exact intersection of the segment d–I with the Pareto frontier",
        leximin="lexicographic maxmin of the shares of the ideal gains (linear programs)",
    )


def kalai_smorodinsky(
    points: ArrayLike, disagreement: ArrayLike, *, tol: float = DEFAULT_TOL
) -> NDArray[np.float64]:
    """The Kalai–Smorodinsky solution's utilities (twin of :func:`solve_kalai_smorodinsky`).

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import kalai_smorodinsky
    >>> kalai_smorodinsky([[0, 1], [0.75, 0.75], [1, 0]], [0, 0])
    array([0.75, 0.75])
    """
    problem = _twin_problem(points, disagreement)
    return solve_kalai_smorodinsky(problem, tol=tol).utilities
