"""Linear programs with HiGHS, as the package solves them (private).

One home for the ``scipy.optimize.linprog`` settings that the bargaining
problem's geometry (:mod:`kurilsim.games.bargaining`) and the bargaining
solvers (:mod:`kurilsim.solvers.bargaining`) share: the dual simplex, which
returns a basic (vertex) solution, and feasibility tolerances tighter than
HiGHS's defaults, since their data are scaled to [0, 1].
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeResult, linprog

from kurilsim._errors import SolverError

__all__ = ["LP_OPTIONS", "highs_linprog", "solve_lp"]

#: HiGHS options: tighter than its defaults (1e-7), the data are scaled to [0, 1].
LP_OPTIONS: Final = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}

#: ``linprog`` status of an infeasible program.
_INFEASIBLE: Final = 2


def highs_linprog(
    c: NDArray[np.float64],
    *,
    A_ub: NDArray[np.float64] | None = None,
    b_ub: NDArray[np.float64] | None = None,
    A_eq: NDArray[np.float64] | None = None,
    b_eq: NDArray[np.float64] | None = None,
    bounds: Any = (0, None),
) -> OptimizeResult:
    """``scipy.optimize.linprog`` with HiGHS dual simplex and tight tolerances.

    The dual simplex returns a basic (vertex) solution, so lotteries read off
    its variables have at most ``n + 1`` outcomes in their support.  The
    result is SciPy's, whatever its status (see :func:`solve_lp` for a
    checked solution).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim._lp import highs_linprog
    >>> result = highs_linprog(np.array([1.0]), A_eq=np.ones((1, 1)), b_eq=-np.ones(1))
    >>> result.status  # infeasible: x >= 0 cannot sum to -1
    2
    """
    return linprog(
        c,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs-ds",
        options=LP_OPTIONS,
    )


def solve_lp(c: NDArray[np.float64], **constraints: Any) -> NDArray[np.float64] | None:
    """Minimise ``c @ x`` subject to ``constraints`` (see :func:`highs_linprog`).

    Returns
    -------
    ndarray or None
        The minimiser, or ``None`` if the program is infeasible.

    Raises
    ------
    SolverError
        If the program is unbounded or HiGHS fails otherwise (the message
        is HiGHS's).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim._lp import solve_lp
    >>> solve_lp(np.array([-1.0, 0.0]), A_eq=np.ones((1, 2)), b_eq=np.ones(1))
    array([1., 0.])
    >>> solve_lp(np.zeros(1), A_eq=np.ones((1, 1)), b_eq=-np.ones(1)) is None
    True
    """
    result = highs_linprog(c, **constraints)
    if result.status == _INFEASIBLE:
        return None
    if result.status != 0 or result.x is None:
        raise SolverError(f"a linear program failed: {result.message}")
    solution: NDArray[np.float64] = np.asarray(result.x, dtype=np.float64)
    return solution
