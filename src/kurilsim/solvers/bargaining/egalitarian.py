"""The egalitarian bargaining solution with its leximin refinement.

References
----------
.. [1] E. Kalai, "Proportional solutions to bargaining situations: interpersonal
   utility comparisons", *Econometrica* 45(7), 1623–1630, 1977.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _agreement_possible,
    _check_problem,
    _check_tol,
    _twin_problem,
)
from kurilsim.solvers.bargaining._leximin import _along_direction
from kurilsim.solvers.bargaining.solution import BargainingSolution

__all__ = ["egalitarian", "solve_egalitarian"]


def solve_egalitarian(
    problem: BargainingProblem, *, tol: float = DEFAULT_TOL
) -> BargainingSolution:
    """The egalitarian solution with its lexicographic (leximin) refinement.

    First the largest equal gain: ``t* = max t`` such that some feasible
    point gives every player at least ``d_i + t`` (Kalai 1977, in the
    players' own utility units -- so, unlike Nash and Kalai–Smorodinsky, the
    solution changes when one player's utility is rescaled).  If ``d + t*``
    is not Pareto optimal, the players who can gain more do so, the smallest
    of their gains maximised again, and so on (leximin), which makes the
    solution Pareto optimal.

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
    Two players: the exact exit point of the diagonal ray ``d + t (1, 1)``
    from the individually rational set (a 2×2 system per frontier edge; an
    exit through a flat top or side is refined to the end of the frontier).
    More players: one linear program per round of the leximin (at most
    ``n`` rounds; after each, the players whose constraints have a positive
    dual value are fixed) and a last one that maximises the total gain
    subject to the fixed levels.

    Examples
    --------
    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_egalitarian
    >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.0])
    >>> solve_egalitarian(pie).utilities
    array([0.6, 0.4])
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    possible = _agreement_possible(problem, tol)
    # equal gains in the players' own units; measured in the largest range
    scale = float(problem.utility_ranges.max())
    units = np.full(problem.n_players, scale)
    return _along_direction(
        problem,
        "egalitarian",
        units,
        tol,
        possible,
        ray="exact exit of the diagonal ray from the feasible set",
        leximin="leximin by linear programs",
    )


def egalitarian(
    points: ArrayLike, disagreement: ArrayLike, *, tol: float = DEFAULT_TOL
) -> NDArray[np.float64]:
    """The egalitarian (leximin) solution's utilities (twin of :func:`solve_egalitarian`).

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import egalitarian
    >>> egalitarian([[2, 0], [0, 1]], [0, 0])
    array([0.667, 0.667])
    """
    problem = _twin_problem(points, disagreement)
    return solve_egalitarian(problem, tol=tol).utilities
