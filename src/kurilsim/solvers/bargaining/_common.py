"""What the bargaining solvers share: argument checks, certification.

Their linear programs are solved by :mod:`kurilsim._lp`.
"""

from __future__ import annotations

import numbers
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import (
    check_choice,
    check_instance,
    check_real,
    describe,
    real_array,
)
from kurilsim._errors import InvalidGameError, SolverError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining.solution import _TITLES, BargainingSolution

# Relaxations of fixed utility levels in linear programs (in scaled units),
# tried in turn if rounding makes a program infeasible.
_LEVEL_SLACK: Final = (1e-11, 1e-9)


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------
def _check_problem(problem: Any) -> BargainingProblem:
    return check_instance(problem, BargainingProblem, "problem", error=InvalidGameError)


def _twin_problem(points: ArrayLike, disagreement: ArrayLike) -> BargainingProblem:
    """The problem of an array twin's arguments (checked like the class's)."""
    return BargainingProblem(
        real_array(points, "points", finite=False, error=InvalidGameError),
        real_array(disagreement, "disagreement", finite=False, error=InvalidGameError),
    )


def _check_tol(tol: Any) -> float:
    return check_real(
        tol, "tol", low=0, high=1, low_open=True, high_open=True, error=InvalidGameError
    )


def _check_delta(value: Any, name: str) -> float:
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise InvalidGameError(
            f"{name} must be a discount factor in [0, 1], got {describe(value)}"
        )
    return float(value)


def _check_rule(rule: Any, n: int) -> int:
    """The number of votes ``q`` a proposal needs among ``n`` players."""
    quotas = {"majority": n // 2 + 1, "unanimity": n}
    return quotas[check_choice(rule, "rule", quotas, error=InvalidGameError)]


def _agreement_possible(problem: BargainingProblem, tol: float) -> bool:
    return problem.disagreement_gap > tol


# ---------------------------------------------------------------------------
# Lotteries on the two-player frontier
# ---------------------------------------------------------------------------
def _polyline_lottery(
    problem: BargainingProblem, u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The lottery over two adjacent frontier vertices that yields ``u`` (2 players).

    ``u`` must lie on the frontier polyline; it is located by player 1's
    utility.
    """
    chain = problem.pareto_polyline()
    rows = problem.pareto_polyline_outcomes()
    weights = np.zeros(problem.n_outcomes + 1)
    if len(chain) == 1:
        weights[rows[0]] = 1.0
        return weights
    x = float(u[0])
    j = int(
        np.clip(np.searchsorted(chain[:, 0], x, side="right") - 1, 0, len(chain) - 2)
    )
    a, b = chain[j, 0], chain[j + 1, 0]
    s = min(max((x - a) / (b - a), 0.0), 1.0)
    weights[rows[j]] += 1.0 - s
    weights[rows[j + 1]] += s
    return weights


# ---------------------------------------------------------------------------
# Certification
# ---------------------------------------------------------------------------
def _certify(
    problem: BargainingProblem,
    solution: str,
    utilities: NDArray[np.float64],
    lottery: NDArray[np.float64],
    *,
    tol: float,
    optimality_gap: float,
    agreement_possible: bool,
    message: str,
    method: str,
    efficient: bool = True,
    proposals: NDArray[np.float64] | None = None,
) -> BargainingSolution:
    """Check a candidate solution and wrap it; :class:`SolverError` if it fails.

    With ``efficient=False`` the Pareto and IR gaps are reported but not
    required to be at most ``tol``.
    """
    lottery = np.where(lottery > 1e-14, lottery, 0.0)
    lottery = lottery / lottery.sum()
    ranges = problem.utility_ranges
    realised = problem.expected_utilities(lottery)
    residual = float(np.max(np.abs(realised - utilities) / ranges))
    pareto_gap = max(problem.pareto_gap(utilities), 0.0) + 0.0  # no -0.0
    ir_gap = max(float(np.max((problem.disagreement - utilities) / ranges)), 0.0) + 0.0
    failures = [
        f"{name} {value:.3g}"
        for name, value in (
            ("lottery residual", residual),
            ("Pareto gap", pareto_gap if efficient else 0.0),
            ("IR gap", ir_gap if efficient else 0.0),
            ("optimality gap", optimality_gap),
        )
        if not value <= tol
    ]
    if failures:
        raise SolverError(
            f"{_TITLES[solution]}: the candidate {utilities.tolist()} failed its "
            f"certificate ({', '.join(failures)} > tol {tol:g})"
        )
    used = np.flatnonzero(lottery > 0)
    names = (*problem.labels, problem.disagreement_label)
    return BargainingSolution(
        solution,
        readonly(np.array(utilities, dtype=np.float64)),
        readonly(lottery),
        tuple(names[k] for k in used.tolist()),
        players=problem.players,
        agreement_possible=agreement_possible,
        pareto_gap=pareto_gap,
        ir_gap=ir_gap,
        optimality_gap=float(optimality_gap),
        tol=tol,
        message=message,
        method=method,
        proposals=None if proposals is None else readonly(proposals),
    )


def _disagreement_solution(
    problem: BargainingProblem, solution: str, tol: float, why: str
) -> BargainingSolution:
    lottery = np.zeros(problem.n_outcomes + 1)
    lottery[-1] = 1.0
    return _certify(
        problem,
        solution,
        np.array(problem.disagreement),
        lottery,
        tol=tol,
        optimality_gap=0.0,
        agreement_possible=False,
        message=why,
        method="disagreement",
    )
