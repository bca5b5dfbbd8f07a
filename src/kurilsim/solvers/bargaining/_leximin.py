"""Lexicographic maxmin along a direction: the engine of Kalai–Smorodinsky and egalitarian.

Both solutions give every player the same gain measured in a unit of their
own -- a share of the ideal gain (Kalai–Smorodinsky) or one utility unit
(egalitarian) -- and refine it lexicographically.  Two players: the exact
exit of a ray from the feasible set; more: linear programs.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import SolverError
from kurilsim._lp import highs_linprog, solve_lp
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _LEVEL_SLACK,
    _certify,
    _polyline_lottery,
)
from kurilsim.solvers.bargaining.solution import BargainingSolution


def _ray_exit_two_players(
    problem: BargainingProblem, direction: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float]:
    """Where the ray ``d + t * direction`` (direction > 0) leaves ``{v <= S, v >= d}``.

    Returns the solution point and the exit parameter ``t``.  If the ray
    leaves through the strong frontier, the point is the exit point; if
    through a flat part (a player's maximum), the nearest end of the
    individually rational frontier -- the leximin refinement along the ray.
    """
    chain = problem.individually_rational_polyline()
    d = problem.disagreement
    if len(chain) == 1:
        return np.array(chain[0]), float(np.min((chain[0] - d) / direction))
    for j in range(len(chain) - 1):
        a, b = chain[j], chain[j + 1]
        E = b - a
        det = direction[1] * E[0] - direction[0] * E[1]  # > 0: E0 > 0 > E1
        r = a - d
        s = (direction[0] * r[1] - direction[1] * r[0]) / det
        if -1e-15 <= s <= 1.0 + 1e-15:
            t = float((E[0] * r[1] - E[1] * r[0]) / det)
            if s <= 0.0:
                return np.array(a), t
            if s >= 1.0:
                return np.array(b), t
            exit_point: NDArray[np.float64] = d + t * direction
            return exit_point, t
    first, last = chain[0], chain[-1]
    # above the first vertex: through the flat top; else through the flat side
    if direction[1] * (first[0] - d[0]) >= direction[0] * (first[1] - d[1]):
        return np.array(first), float((first[1] - d[1]) / direction[1])
    return np.array(last), float((last[0] - d[0]) / direction[0])


def _along_direction(
    problem: BargainingProblem,
    solution: str,
    units: NDArray[np.float64],
    tol: float,
    possible: bool,
    *,
    ray: str,
    leximin: str,
) -> BargainingSolution:
    """The lexicographic maxmin of the gains measured in ``units`` (0: ignored).

    Two players: where the ray ``d + t * units`` leaves the feasible set, in
    closed form; otherwise by linear programs.  Kalai-Smorodinsky measures
    gains in shares of the ideal gains, the egalitarian solution in one unit.
    """
    d = problem.disagreement
    if problem.n_players == 2 and possible:
        u, first = _ray_exit_two_players(problem, units)
        lottery = _polyline_lottery(problem, u)
        how, method = ray, "ray"
    else:
        u, lottery, first = _leximin(problem, units)
        how, method = leximin, "leximin-lp"
    shares = (u - d)[units > 0] / units[units > 0]
    shortfall = max(first - float(np.min(shares)), 0.0)
    return _certify(
        problem,
        solution,
        u,
        lottery,
        tol=tol,
        optimality_gap=shortfall,
        agreement_possible=possible,
        message=how,
        method=method,
    )


def _gain_rows(
    problem: BargainingProblem, units: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gains over ``d`` of the outcomes and ``d`` (rows), scaled per player.

    Player ``i``'s gains are divided by ``min(units_i, range_i)`` (their
    range if ``units_i = 0``), so that linear-programming tolerances are
    relative both to the unit of the common gain and to the player's range.
    Returns the scaled gains and each player's coefficient ``units_i /
    scale_i`` of the common gain ``t``.
    """
    ranges = problem.utility_ranges
    scale = np.where(units > 0, np.minimum(units, ranges), ranges)
    rows: NDArray[np.float64] = (problem.lottery_points - problem.disagreement) / scale
    coef: NDArray[np.float64] = units / scale
    return rows, coef


def _common_gain_lp(
    rows: NDArray[np.float64],
    coef: NDArray[np.float64],
    free: NDArray[np.bool_],
    levels: NDArray[np.float64],
) -> tuple[float, NDArray[np.float64]]:
    """``max t``: some lottery gives each free player a gain of ``t`` units or more.

    ``rows`` and ``coef`` come from :func:`_gain_rows`; fixed players keep
    at least ``levels`` units.  Returns ``t`` and the dual values of the
    players' constraints (nonnegative).
    """
    k = rows.shape[0]
    A_ub = np.hstack([-rows.T, np.where(free, coef, 0.0)[:, None]])
    c = np.zeros(k + 1)
    c[-1] = -1.0
    for slack in _LEVEL_SLACK:  # fixed levels are relaxed by rounding noise
        result = highs_linprog(
            c,
            A_ub=A_ub,
            b_ub=np.where(free, 0.0, -(levels * coef - slack)),
            A_eq=np.hstack([np.ones((1, k)), np.zeros((1, 1))]),
            b_eq=np.ones(1),
            bounds=[(0.0, None)] * k + [(None, None)],
        )
        if result.status != 2:
            break
    if result.status != 0:
        raise SolverError(f"the common-gain linear program failed: {result.message}")
    duals = -np.asarray(result.ineqlin.marginals, dtype=np.float64)
    return float(result.x[-1]), duals


def _leximin(
    problem: BargainingProblem, units: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Lexicographic maxmin of the gains ``(u_i - d_i) / units_i`` over the feasible set.

    Players with ``units_i = 0`` keep ``d_i``.  Each round maximises the
    smallest gain of the players not yet fixed (a linear program); the
    players whose constraints have a positive dual value cannot get more in
    any optimal solution (complementary slackness), so they are fixed at that
    level.  At least one player is fixed per round: at most ``n`` rounds.  A
    last linear program maximises the sum of the (scaled) gains subject to
    every player keeping their level, which removes the rounding slack of
    the rounds and yields the lottery.

    Returns the utility vector, its lottery and the first round's common gain.
    """
    n = problem.n_players
    rows, coef = _gain_rows(problem, units)
    free = units > 0
    levels = np.zeros(n)
    first = math.nan
    while free.any():
        t, duals = _common_gain_lp(rows, coef, free, levels)
        if math.isnan(first):
            first = t
        stuck = free & (duals > 1e-9)
        if not stuck.any():
            stuck = free & (duals == np.max(duals[free]))
        levels[stuck] = t
        free &= ~stuck
    k = rows.shape[0]
    for slack in _LEVEL_SLACK:
        x = solve_lp(
            -rows.sum(axis=1),
            A_ub=-rows.T,
            b_ub=-(levels * coef - slack),
            A_eq=np.ones((1, k)),
            b_eq=np.ones(1),
        )
        if x is not None:
            break
    else:
        raise SolverError("the leximin polishing linear program is infeasible")
    lottery = np.clip(x, 0.0, None)
    lottery /= lottery.sum()
    return problem.expected_utilities(lottery), lottery, first
