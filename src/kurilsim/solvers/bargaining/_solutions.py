"""Bargaining solutions: Nash, Kalai–Smorodinsky, egalitarian, Rubinstein, Baron–Ferejohn.

Every ``solve_*`` function takes a :class:`~kurilsim.games.bargaining.BargainingProblem`
and returns a :class:`BargainingSolution`: the utility vector, a lottery over
the outcomes (and the disagreement point) that realises it, and a checked
certificate -- the solution is feasible, individually rational and Pareto
optimal within ``tol`` and satisfies its concept's defining condition, or
:class:`~kurilsim.SolverError` is raised.  The array twins
(:func:`nash_bargaining`, :func:`kalai_smorodinsky`, :func:`egalitarian`) take
utility points and a disagreement point and return the utility vector only.

References
----------
.. [1] J. F. Nash, "The bargaining problem", *Econometrica* 18(2), 155–162, 1950.
.. [2] E. Kalai and M. Smorodinsky, "Other solutions to Nash's bargaining
   problem", *Econometrica* 43(3), 513–518, 1975.
.. [3] E. Kalai, "Proportional solutions to bargaining situations: interpersonal
   utility comparisons", *Econometrica* 45(7), 1623–1630, 1977.
.. [4] A. Rubinstein, "Perfect equilibrium in a bargaining model",
   *Econometrica* 50(1), 97–109, 1982.
.. [5] K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining solution
   in economic modelling", *RAND Journal of Economics* 17(2), 176–188, 1986.
.. [6] D. P. Baron and J. A. Ferejohn, "Bargaining in legislatures", *American
   Political Science Review* 83(4), 1181–1206, 1989.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import (
    check_choice,
    check_instance,
    check_int,
    check_real,
    describe,
)
from kurilsim._errors import InvalidGameError, ProblemTooLargeError, SolverError
from kurilsim.games.bargaining import (
    DEFAULT_TOL,
    BargainingProblem,
    _as_real_array,
    _frontier_polyline,
    _hull,
    _ir_polyline,
    _linprog,
    _polyline_lottery,
    _solve_lp,
)

__all__ = [
    "BargainingSolution",
    "baron_ferejohn_shares",
    "egalitarian",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein_share",
    "solve_baron_ferejohn",
    "solve_egalitarian",
    "solve_kalai_smorodinsky",
    "solve_nash_bargaining",
    "solve_rubinstein",
]



@dataclass(frozen=True, slots=True, eq=False)
class BargainingSolution:
    """A certified bargaining solution.

    Attributes
    ----------
    concept : str
        ``"nash"``, ``"kalai-smorodinsky"``, ``"egalitarian"``, ``"rubinstein"``
        or ``"baron-ferejohn"``.
    utilities : ndarray, shape (n,)
        Each player's utility at the solution (Baron–Ferejohn: the ex-ante
        expected utilities, before the proposer is drawn).
    lottery : ndarray, shape (m + 1,)
        Probabilities of the outcomes, the disagreement point last, whose
        expected utilities are ``utilities`` (within ``tol``).
    support : tuple of str
        Labels of the outcomes the lottery uses (the problem's
        ``disagreement_label`` for the disagreement point).
    players : tuple of str
    agreement_possible : bool
        Whether some feasible point gives *every* player strictly more than
        the disagreement point (by more than ``tol`` times their utility
        range).  If not, the Nash solution is the disagreement point.
    pareto_gap : float
        The largest uniform improvement on ``utilities`` that a lottery
        offers, in units of each player's utility range (a linear program,
        :meth:`BargainingProblem.pareto_gap`); at most ``tol`` (Baron–Ferejohn:
        reported, not required -- a majority may impose an inefficient deal).
    ir_gap : float
        The largest shortfall of any player below the disagreement point, in
        units of their utility range; at most ``tol`` (Baron–Ferejohn:
        reported, not required -- a majority may impose a loss on the others).
    optimality_gap : float
        How far ``utilities`` is from meeting the concept's defining
        condition; at most ``tol``.  Nash: the Frank–Wolfe gap ``max_v
        sum_i w_i (v_i - u_i) / (u_i - d_i)`` over feasible ``v`` (weights
        summing to one), an upper bound on how much the weighted log Nash
        product could still grow, divided by the largest sum of the absolute
        values of its terms when that exceeds 1 (tiny gains make the terms
        large, and rounding would otherwise dominate).
        Kalai–Smorodinsky: the shortfall of the smallest share ``(u_i -
        d_i) / (I_i - d_i)`` of the ideal gains below the largest share
        ``t*`` that some lottery gives everyone (where the segment from ``d``
        to ``I`` leaves the set).  Egalitarian: the shortfall of the smallest
        gain below the largest equal gain, relative to the largest utility
        range.  Rubinstein: the violation of the acceptance (indifference)
        conditions, relative to the ranges.  Baron–Ferejohn: the largest of
        the fixed-point residual ``|T(v) - v|`` of the continuation values,
        the violation of any coalition member's acceptance condition and of
        any proposer's preference for proposing over delay, relative to the
        ranges.
    tol : float
        The relative tolerance the certificate was checked against.
    message : str
        A one-line account of how the solution was computed.
    proposals : ndarray, shape (n, n), or None
        Baron–Ferejohn only (``None`` otherwise): row ``i`` is the (expected)
        utility vector that player ``i`` proposes when recognised; the
        realised outcome is row ``i`` with probability ``1/n``.
    """

    concept: str
    utilities: NDArray[np.float64]
    lottery: NDArray[np.float64]
    support: tuple[str, ...]
    _: KW_ONLY
    players: tuple[str, ...]
    agreement_possible: bool
    pareto_gap: float
    ir_gap: float
    optimality_gap: float
    tol: float
    message: str = ""
    proposals: NDArray[np.float64] | None = None

    @property
    def agreement_probability(self) -> float:
        """Probability that the lottery ends in an agreement (not in ``d``)."""
        return float(1.0 - self.lottery[-1])

    def __repr__(self) -> str:
        u = np.array2string(self.utilities, precision=6, separator=", ")
        return (
            f"BargainingSolution(concept={self.concept!r}, utilities={u}, "
            f"support={list(self.support)!r}, pareto_gap={self.pareto_gap:.2g})"
        )

    def __str__(self) -> str:
        values = ", ".join(
            f"{name} {u:.6g}"
            for name, u in zip(self.players, self.utilities, strict=True)
        )
        used = np.flatnonzero(self.lottery > 0)
        parts = [
            f"{p:.4g} × {label}"
            for p, label in zip(self.lottery[used], self.support, strict=True)
        ]
        status = "" if self.agreement_possible else " (no agreement benefits everyone)"
        lines = [
            f"{_TITLES.get(self.concept, self.concept)}{status}",
            f"  utilities: {values}",
            f"  lottery:   {', '.join(parts)}",
            (
                f"  certificate: Pareto gap {self.pareto_gap:.2g}, IR gap "
                f"{self.ir_gap:.2g}, optimality gap {self.optimality_gap:.2g} "
                f"(tol {self.tol:.2g})"
            ),
        ]
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)


_TITLES = {
    "nash": "Nash bargaining solution",
    "kalai-smorodinsky": "Kalai–Smorodinsky solution",
    "egalitarian": "Egalitarian (leximin) solution",
    "rubinstein": "Rubinstein alternating-offers equilibrium",
    "baron-ferejohn": "Baron–Ferejohn legislative bargaining (ex-ante expected outcome)",
}


# ---------------------------------------------------------------------------
# Validation and certification
# ---------------------------------------------------------------------------
def _check_problem(problem: Any) -> BargainingProblem:
    return check_instance(
        problem, BargainingProblem, "problem", error=InvalidGameError
    )


def _twin_problem(points: ArrayLike, disagreement: ArrayLike) -> BargainingProblem:
    """The problem of an array twin's arguments (checked like the class's)."""
    return BargainingProblem(
        _as_real_array(points, "points"), _as_real_array(disagreement, "disagreement")
    )


def _check_tol(tol: Any) -> float:
    return check_real(
        tol, "tol", low=0, high=1, low_open=True, high_open=True, error=InvalidGameError
    )


def _check_weights(weights: ArrayLike | None, n: int) -> NDArray[np.float64]:
    if weights is None:
        return np.full(n, 1.0 / n)
    try:
        w = np.array(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidGameError(
            f"weights must be {n} positive numbers, got {weights!r}"
        ) from error
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise InvalidGameError(
            f"weights must be {n} positive finite numbers (one per player), "
            f"got {weights!r}"
        )
    normalised: NDArray[np.float64] = w / w.sum()
    return normalised


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


def _certify(
    problem: BargainingProblem,
    concept: str,
    utilities: NDArray[np.float64],
    lottery: NDArray[np.float64],
    *,
    tol: float,
    optimality_gap: float,
    agreement_possible: bool,
    message: str,
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
            f"{_TITLES[concept]}: the candidate {utilities.tolist()} failed its "
            f"certificate ({', '.join(failures)} > tol {tol:g})"
        )
    used = np.flatnonzero(lottery > 0)
    names = (*problem.labels, problem.disagreement_label)
    return BargainingSolution(
        concept,
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
        proposals=None if proposals is None else readonly(proposals),
    )


def _disagreement_solution(
    problem: BargainingProblem, concept: str, tol: float, why: str
) -> BargainingSolution:
    lottery = np.zeros(problem.n_outcomes + 1)
    lottery[-1] = 1.0
    return _certify(
        problem,
        concept,
        np.array(problem.disagreement),
        lottery,
        tol=tol,
        optimality_gap=0.0,
        agreement_possible=False,
        message=why,
    )


# ---------------------------------------------------------------------------
# Nash bargaining solution
# ---------------------------------------------------------------------------
def _nash_gap(
    problem: BargainingProblem, u: NDArray[np.float64], w: NDArray[np.float64]
) -> float:
    """Relative Frank–Wolfe gap of ``sum w log(u - d)`` at ``u`` (``inf`` if a gain is <= 0).

    The gap ``max_v sum_i w_i (v_i - u_i) / (u_i - d_i)`` over the vertices
    ``v`` bounds how much the objective can still grow (it is concave).  It
    is divided by the largest sum of the absolute terms (at least 1): when
    some gains are tiny the terms are large and cancel, and rounding in the
    gains would otherwise show up as a gap.
    """
    gains = u - problem.disagreement
    if np.any(gains <= 0):
        return math.inf
    terms = (problem._rows() - u) * (w / gains)
    gap = max(float(terms.sum(axis=1).max()), 0.0)
    return gap / max(1.0, float(np.abs(terms).sum(axis=1).max()))


def _nash_two_players(
    problem: BargainingProblem, w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], str] | None:
    """Exact Nash solution of two players: the best edge of the frontier.

    On the edge ``u(s) = a + s (b - a)`` the weighted log product is concave
    with stationary point ``s* = -(w1 D1 y + w2 D2 x) / (D1 D2)`` (weights
    summing to one, ``D = b - a``, ``(x, y) = a - d``); ``s*`` is clipped to
    the edge.  Returns ``None`` if no frontier point strictly improves on
    ``d`` for both players.
    """
    chain, rows = _frontier_polyline(problem)
    d = problem.disagreement
    best: tuple[float, NDArray[np.float64], NDArray[np.float64]] | None = None

    def consider(u: NDArray[np.float64], lottery: NDArray[np.float64]) -> None:
        nonlocal best
        gains = u - d
        if np.all(gains > 0):
            value = float(w @ np.log(gains))
            if best is None or value > best[0]:
                best = (value, u, lottery)

    for j in range(len(chain)):
        lottery = np.zeros(problem.n_outcomes + 1)
        lottery[rows[j]] = 1.0
        consider(chain[j], lottery)
    for j in range(len(chain) - 1):
        a, b = chain[j], chain[j + 1]
        D = b - a
        x, y = a - d
        s_low = max(0.0, -x / D[0])  # player 1's gain is positive for s > -x / D1
        s_high = min(1.0, -y / D[1])  # player 2's gain is positive for s < -y / D2
        if not s_low < s_high:
            continue
        s = -(w[0] * D[0] * y + w[1] * D[1] * x) / (D[0] * D[1])
        if not 0.0 < s < 1.0:
            continue  # the optimum on this edge is a vertex, considered above
        u = a + s * D
        lottery = np.zeros(problem.n_outcomes + 1)
        lottery[rows[j]] += 1.0 - s
        lottery[rows[j + 1]] += s
        consider(u, lottery)
    if best is None:
        return None
    return best[1], best[2], "closed form on the edges of the Pareto frontier"


def _nash_on_facets(
    problem: BargainingProblem, w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Closed-form Nash solution on a hull facet with positive normal, if inside it.

    On the hyperplane ``a.z = b`` the weighted Nash product is maximised at
    ``z_i = zd_i + w_i (b - a.zd) / a_i`` (``w`` summing to one).
    """
    reps, rep_rows, _ = problem._unique()
    n = problem.n_players
    hull = _hull(reps)
    if hull is None:
        return None
    zd = problem._scaled()[-1]
    normals = hull.equations[:, :n]
    offsets = -hull.equations[:, n]
    for f in np.flatnonzero(np.all(normals > 1e-9, axis=1)).tolist():
        a, b = normals[f], offsets[f]
        room = b - a @ zd
        if room <= 0:
            continue
        z = zd + w * room / a
        corners = reps[hull.simplices[f]]
        system = np.vstack([corners.T, np.ones(n)])
        target = np.concatenate([z, [1.0]])
        mu, *_ = np.linalg.lstsq(system, target, rcond=None)
        if np.all(mu >= -1e-12) and np.max(np.abs(system @ mu - target)) <= 1e-12:
            lottery = np.zeros(problem.n_outcomes + 1)
            np.add.at(lottery, rep_rows[hull.simplices[f]], np.clip(mu, 0.0, None))
            return problem._to_utility(z), lottery / lottery.sum()
    return None


def _nash_on_affine_hull(
    face: NDArray[np.float64],
    zd: NDArray[np.float64],
    w: NDArray[np.float64],
    start: NDArray[np.float64],
) -> NDArray[np.float64] | None:
    """Maximise ``sum w log(z - zd)`` on the affine hull of ``face`` (damped Newton)."""
    p0 = face[0]
    if len(face) == 1:
        return p0 if np.all(p0 - zd > 0) else None
    _, singular, vt = np.linalg.svd(face[1:] - p0, full_matrices=False)
    basis = vt[singular > 1e-10 * max(1.0, float(singular[0]))].T  # (n, r)
    y = basis.T @ (start - p0)
    gains = p0 + basis @ y - zd
    if np.any(gains <= 0):
        return None
    value = float(w @ np.log(gains))
    for _ in range(100):
        grad = basis.T @ (w / gains)
        hess = -(basis.T * (w / gains**2)) @ basis
        step = np.linalg.solve(hess, -grad)
        decrement = float(grad @ step)
        if decrement < 1e-12:
            # quadratic convergence: full steps (a line search would stall on
            # rounding noise in the objective)
            trial = p0 + basis @ (y + step) - zd
            if not np.all(trial > 0):
                return None
            y, gains = y + step, trial
            if decrement < 1e-24:
                break
            continue
        alpha = 1.0
        for _ in range(60):
            trial = p0 + basis @ (y + alpha * step) - zd
            if np.all(trial > 0):
                trial_value = float(w @ np.log(trial))
                if trial_value >= value + 0.25 * alpha * decrement:
                    break
            alpha *= 0.5
        else:
            return None
        y, gains, value = y + alpha * step, trial, trial_value
    result: NDArray[np.float64] = p0 + basis @ y
    return result


def _nash_dual_barrier(
    gains: NDArray[np.float64], w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Solve the dual of the Nash problem by a barrier method.

    The primal ``max sum_i w_i log g_i`` over ``g`` in ``conv(rows of gains)``
    (weights summing to one) has the dual ``max sum_i w_i log p_i`` subject
    to ``gains @ p <= 1``, with ``g_i = w_i / p_i`` at the optimum.  Only
    ``n`` variables: the log-barrier method (Boyd and Vandenberghe 2004,
    §11.3) with Newton steps converges in a few dozen steps, to a duality
    gap of about ``1e-10``; the caller polishes the answer.  Returns the
    dual point ``p`` and the constraint slacks ``1 - gains @ p``.
    """
    rows = gains[np.any(gains > 0, axis=1)]
    k = len(rows)
    p = np.full(gains.shape[1], 0.5 / float(np.clip(rows, 0.0, None).sum(axis=1).max()))

    def barrier(point: NDArray[np.float64], t: float) -> float:
        slack = 1.0 - rows @ point
        if np.any(point <= 0) or np.any(slack <= 0):
            return math.inf
        return -t * float(w @ np.log(point)) - float(np.sum(np.log(slack)))

    t = 1.0
    while True:
        for _ in range(200):
            slack = 1.0 - rows @ p
            grad = -t * w / p + rows.T @ (1.0 / slack)
            hess = np.diag(t * w / p**2) + (rows.T / slack**2) @ rows
            try:  # Newton step, with the variables scaled by p for conditioning
                step = p * np.linalg.solve(hess * np.outer(p, p), -grad * p)
            except np.linalg.LinAlgError:
                return p, 1.0 - gains @ p
            decrement = float(-grad @ step)
            if not decrement > 1e-9:
                break
            # largest step keeping p > 0 and the slacks > 0, then backtrack
            alpha = 1.0
            shrink = rows @ step
            limits = np.concatenate(
                [-p[step < 0] / step[step < 0], slack[shrink > 0] / shrink[shrink > 0]]
            )
            if limits.size:
                alpha = min(1.0, 0.99 * float(limits.min()))
            value = barrier(p, t)
            for _ in range(50):
                trial = p + alpha * step
                if barrier(trial, t) <= value - 0.25 * alpha * decrement:
                    break
                alpha *= 0.5
            else:
                break  # no progress left at this precision
            p = trial
        if k / t < 1e-10:
            break
        t *= 50.0
    return p, 1.0 - gains @ p


def _nash_iterative(
    problem: BargainingProblem, w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Nash solution through its convex dual, polished on the optimal face.

    1. The dual (:func:`_nash_dual_barrier`) gives prices ``p`` and the
       primal point ``z = zd + w / p``; its nearest lottery (a linear
       program) is a feasible candidate.
    2. Polish: the optimum maximises the objective on the affine hull of the
       optimal face, which is exposed by the dual's active constraints
       (``p.(z_k - d) = 1``); Newton's method finds that maximiser.  Faces
       are read for a few slack thresholds; the feasible candidate with the
       smallest Frank–Wolfe gap wins.
    """
    reps, _, _ = problem._unique()
    zd = problem._scaled()[-1]
    p, slack = _nash_dual_barrier(reps - zd, w)
    # the primal optimum is z = zd + w / p; its nearest lottery is feasible
    start = zd + w / p
    lottery, _ = problem._nearest_lottery(start)
    candidates = [(problem.expected_utilities(lottery), lottery)]
    previous = -1
    for eta in (1e-10, 1e-8, 1e-6, 1e-4):
        on_face = slack <= eta
        size = int(on_face.sum())
        if size and size != previous:
            polished = _nash_on_affine_hull(reps[on_face], zd, w, start)
            if polished is not None:
                weights, residual = problem._nearest_lottery(polished)
                if residual <= 1e-12:
                    candidates.append((problem._to_utility(polished), weights))
        previous = size
    gaps = [_nash_gap(problem, u, w) for u, _ in candidates]
    best_u, lottery = candidates[int(np.argmin(gaps))]
    return (
        best_u,
        lottery,
        "barrier method on the dual, polished by Newton on the optimal face",
    )


def solve_nash_bargaining(
    problem: BargainingProblem,
    weights: ArrayLike | None = None,
    *,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """The (weighted) Nash bargaining solution.

    Maximises the weighted Nash product ``prod_i (u_i - d_i) ** w_i`` -- that
    is ``sum_i w_i log(u_i - d_i)`` -- over the feasible points that give
    every player strictly more than ``d`` (Nash 1950; asymmetric weights:
    Kalai 1977, Binmore et al. 1986).  The maximiser is unique.

    Parameters
    ----------
    problem : BargainingProblem
    weights : array_like, shape (n,), optional
        Positive bargaining weights (default equal); only their ratios matter.
    tol : float
        Relative tolerance of the certificate.

    Returns
    -------
    BargainingSolution
        With ``agreement_possible=False`` and the disagreement point if no
        feasible point strictly improves on ``d`` for every player.

    Raises
    ------
    InvalidGameError
        For a bad problem, weights or tolerance.
    SolverError
        If the candidate fails its certificate.

    Notes
    -----
    Two players: the maximiser lies on the Pareto frontier, a polyline; on
    each edge the objective is concave with a closed-form stationary point,
    which is clipped to the edge; the best edge wins (exact up to rounding).

    More players:

    1. On a hull facet ``a.u = b`` with strictly positive normal the
       unconstrained maximiser is ``u_i = d_i + w_i (b - a.d) / (a_i sum(w))``;
       if it lies inside the facet it is the solution (the objective
       increases in every ``u_i``, so the halfspace ``a.u <= b``, which
       contains the feasible set, has the same maximiser).
    2. Otherwise (the optimum is on a lower-dimensional face, or the points
       are not full-dimensional) SLSQP over lottery weights, then Newton's
       method on the affine hull of the face exposed by the gradient.

    The optimality certificate is the Frank–Wolfe gap (see
    :class:`BargainingSolution`): ``u`` is optimal if no feasible point
    improves the linearised objective.

    Examples
    --------
    A unit pie with disagreement point ``(0.2, 0.1)``:
    ``x1 = (1 + d1 - d2) / 2``.

    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_nash_bargaining
    >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.1],
    ...                         labels=["all to 1", "all to 2"])
    >>> solution = solve_nash_bargaining(pie)
    >>> solution.utilities
    array([0.55, 0.45])
    >>> print(solution)  # doctest: +ELLIPSIS
    Nash bargaining solution
      utilities: Player 1 0.55, Player 2 0.45
      lottery:   0.55 × all to 1, 0.45 × all to 2
      certificate: Pareto gap 0, IR gap 0, optimality gap ... (tol 1e-09)
      closed form on the edges of the Pareto frontier
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    w = _check_weights(weights, problem.n_players)
    if not _agreement_possible(problem, tol):
        return _disagreement_solution(
            problem, "nash", tol, "no feasible point improves on d for every player"
        )
    found: tuple[NDArray[np.float64], NDArray[np.float64], str] | None
    if problem.n_players == 2:
        found = _nash_two_players(problem, w)
    else:
        facet = _nash_on_facets(problem, w)
        found = (
            _nash_iterative(problem, w)
            if facet is None
            else (*facet, "closed form on a Pareto facet of the hull")
        )
    if found is None:  # pragma: no cover - the max-min gap said otherwise
        raise SolverError("no frontier point improves on d although the LP says so")
    u, lottery, how = found
    return _certify(
        problem,
        "nash",
        u,
        lottery,
        tol=tol,
        optimality_gap=_nash_gap(problem, u, w),
        agreement_possible=True,
        message=how,
    )


def nash_bargaining(
    points: ArrayLike,
    disagreement: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    tol: float = DEFAULT_TOL,
) -> NDArray[np.float64]:
    """The (weighted) Nash bargaining solution's utilities.

    The array twin of :func:`solve_nash_bargaining`: ``points`` of shape
    ``(m, n)`` (utilities of the outcomes) and ``disagreement`` of shape
    ``(n,)`` define the problem.

    Examples
    --------
    With weight ``α = 0.7`` for player 1: ``x1 = d1 + α (1 - d1 - d2)``.

    >>> from kurilsim.solvers.bargaining import nash_bargaining
    >>> nash_bargaining([[1, 0], [0, 1]], [0.2, 0.1], weights=[0.7, 0.3])
    array([0.69, 0.31])
    """
    problem = _twin_problem(points, disagreement)
    return solve_nash_bargaining(problem, weights, tol=tol).utilities


# ---------------------------------------------------------------------------
# Kalai–Smorodinsky and egalitarian: rays from d
# ---------------------------------------------------------------------------
def _ray_exit_two_players(
    problem: BargainingProblem, direction: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float]:
    """Where the ray ``d + t * direction`` (direction > 0) leaves ``{v <= S, v >= d}``.

    Returns the solution point and the exit parameter ``t``.  If the ray
    leaves through the strong frontier, the point is the exit point; if
    through a flat part (a player's maximum), the nearest end of the
    individually rational frontier -- the leximin refinement along the ray.
    """
    chain = _ir_polyline(problem)
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


def _along_direction(
    problem: BargainingProblem,
    concept: str,
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
        how = ray
    else:
        u, lottery, first = _leximin(problem, units)
        how = leximin
    shares = (u - d)[units > 0] / units[units > 0]
    shortfall = max(first - float(np.min(shares)), 0.0)
    return _certify(
        problem,
        concept,
        u,
        lottery,
        tol=tol,
        optimality_gap=shortfall,
        agreement_possible=possible,
        message=how,
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


# Relaxations of the fixed levels in the leximin rounds (in scaled gain units),
# tried in turn if rounding makes a round infeasible.
_LEVEL_SLACK = (1e-11, 1e-9)


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
    rows: NDArray[np.float64] = (problem._rows() - problem.disagreement) / scale
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
        result = _linprog(
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
        x = _solve_lp(
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


# ---------------------------------------------------------------------------
# Alternating offers
# ---------------------------------------------------------------------------
def rubinstein_share(delta1: float, delta2: float) -> float:
    """The first proposer's share of a unit pie in Rubinstein's game.

    In the unique subgame-perfect equilibrium of alternating offers with
    discount factors ``delta1`` (first proposer) and ``delta2``, the first
    offer is accepted and gives the proposer ``(1 - delta2) / (1 - delta1
    delta2)`` (Rubinstein 1982).

    Parameters
    ----------
    delta1, delta2 : float
        Discount factors in [0, 1], not both 1.

    Raises
    ------
    InvalidGameError
        If a factor is outside [0, 1] or both are 1 (no unique equilibrium).

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import rubinstein_share
    >>> rubinstein_share(0.9, 0.9)
    0.526315789
    >>> rubinstein_share(0.9, 0.8)
    0.714285714
    """
    d1 = _check_delta(delta1, "delta1")
    d2 = _check_delta(delta2, "delta2")
    if d1 == 1.0 and d2 == 1.0:
        raise InvalidGameError(
            "delta1 and delta2 are both 1: without impatience every split is an "
            "equilibrium; give at least one discount factor below 1"
        )
    return (1.0 - d2) / (1.0 - d1 * d2)


def _rubinstein_first_mover(
    problem: BargainingProblem, delta1: float, delta2: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Stationary SPE proposals ``(x, y)`` when player 0 proposes first.

    ``G(s)`` is player 2's best gain when player 1 gains ``s`` (concave,
    non-increasing, piecewise linear).  The equilibrium solves
    ``Phi(s) = G(s) - delta2 G(delta1 s) = 0``; ``Phi`` is non-increasing
    (``G`` concave) with ``Phi(0) > 0``, so ``s* = sup {s : Phi(s) >= 0}``.
    ``Phi`` is linear between its breakpoints, so bracketing ``s*`` between
    two breakpoints and solving the linear piece is exact.
    """
    chain = _ir_polyline(problem)
    d = problem.disagreement
    xs, ys = chain[:, 0], chain[:, 1]
    span = float(xs[-1] - d[0])

    def gain2(s: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = np.interp(d[0] + s, xs, ys) - d[1]
        return result

    def phi(s: NDArray[np.float64]) -> NDArray[np.float64]:
        return gain2(s) - delta2 * gain2(delta1 * s)

    kinks = xs - d[0]
    breaks = [np.array([0.0, span]), kinks]
    if delta1 > 0:  # s where delta1 * s reaches a kink
        breaks.append(kinks[kinks <= delta1 * span] / delta1)
    grid = np.unique(np.clip(np.concatenate(breaks), 0.0, span))
    values = phi(grid)
    nonnegative = np.flatnonzero(values >= 0)
    j = int(nonnegative[-1])  # values[0] = (1 - delta2) G(0) >= 0
    if j == len(grid) - 1:
        s = span
    else:
        s0, s1, f0, f1 = grid[j], grid[j + 1], values[j], values[j + 1]
        s = float(s0 + f0 * (s1 - s0) / (f0 - f1))
    x = np.array([d[0] + s, d[1] + float(gain2(np.array([s]))[0])])
    if s == span:
        x = np.array(chain[-1])
    y1 = max(d[0] + delta1 * s, float(xs[0]))
    y = np.array([y1, float(np.interp(y1, xs, ys))])
    ranges = problem.utility_ranges
    accept_x = (d[1] + delta2 * (y[1] - d[1]) - x[1]) / ranges[1]  # <= 0: 2 accepts x
    accept_y = (d[0] + delta1 * (x[0] - d[0]) - y[0]) / ranges[0]  # <= 0: 1 accepts y
    # the proposer leaves no slack unless it already takes its maximum
    slack_x = 0.0 if s == span else abs(accept_x)
    slack_y = 0.0 if y1 == float(xs[0]) else abs(accept_y)
    gap = max(accept_x, accept_y, slack_x, slack_y, 0.0)
    return x, y, gap


def solve_rubinstein(
    problem: BargainingProblem,
    discounts: Sequence[float],
    proposer: int | str = 0,
    *,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """Rubinstein's alternating offers over the feasible set of a two-player problem.

    The players alternate proposals of feasible points (lotteries allowed);
    a rejected proposal costs a period, in which player ``i``'s gain over
    ``d`` shrinks by the factor ``delta_i`` (Binmore et al. 1986).  In the
    stationary subgame-perfect equilibrium player 1 always proposes ``x``
    and player 2 always proposes ``y``, both Pareto optimal, with each
    responder indifferent between accepting and waiting::

        y_1 - d_1 = delta_1 (x_1 - d_1),   x_2 - d_2 = delta_2 (y_2 - d_2)

    (unless a proposer can take their maximum and still be accepted).  The
    first proposal is accepted at once.

    Parameters
    ----------
    problem : BargainingProblem
        A two-player problem.
    discounts : sequence of two floats
        Each player's per-period discount factor in [0, 1], not both 1.
    proposer : int or str
        The player who proposes first (index or name).
    tol : float
        Relative tolerance of the certificate.

    Returns
    -------
    BargainingSolution
        The first proposal and a lottery realising it; ``message`` also
        reports the counter-proposal the other player would make.

    Raises
    ------
    InvalidGameError
        If the problem does not have two players, or for bad discounts.

    Notes
    -----
    On a unit pie with ``d = 0`` the first proposer gets
    :func:`rubinstein_share`; as both discount factors tend to 1 the
    proposals converge to the Nash bargaining solution (with weights
    ``log(delta_j) / (log(delta_1) + log(delta_2))`` for player ``i``,
    ``j != i``, as the period length shrinks).  The equation for ``x_1`` is
    solved exactly: player 2's best gain ``G(s)`` when player 1 gains ``s``
    is concave and piecewise linear, so ``Phi(s) = G(s) - delta2 G(delta1 s)``
    is non-increasing and piecewise linear; ``s* = sup {s : Phi(s) >= 0}`` is
    bracketed between two breakpoints and read off the linear piece.

    Examples
    --------
    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_rubinstein
    >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    >>> solve_rubinstein(pie, [0.9, 0.8]).utilities
    array([0.714, 0.286])
    >>> solve_rubinstein(pie, [0.9, 0.8], proposer=1).utilities
    array([0.643, 0.357])
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    if problem.n_players != 2:
        raise InvalidGameError(
            f"alternating offers need a two-player problem, this one has "
            f"{problem.n_players} players"
        )
    if (
        isinstance(discounts, str)
        or not hasattr(discounts, "__len__")
        or len(discounts) != 2
    ):
        raise InvalidGameError(
            "discounts must be two discount factors (one per player), got "
            f"{describe(discounts)}"
        )
    deltas = [_check_delta(v, f"discounts[{i}]") for i, v in enumerate(discounts)]
    if deltas[0] == 1.0 and deltas[1] == 1.0:
        raise InvalidGameError(
            "both discount factors are 1: without impatience there is no unique "
            "equilibrium; give at least one below 1"
        )
    first = problem._index_of(proposer, "proposer")
    if not _agreement_possible(problem, tol):
        return _disagreement_solution(
            problem,
            "rubinstein",
            tol,
            "no feasible point improves on d for both players",
        )
    if first == 0:
        x, y, gap = _rubinstein_first_mover(problem, deltas[0], deltas[1])
    else:
        swapped = BargainingProblem(
            problem.points[:, ::-1],
            problem.disagreement[::-1],
            labels=problem.labels,
            players=problem.players[::-1],
            disagreement_label=problem.disagreement_label,
        )
        x, y, gap = _rubinstein_first_mover(swapped, deltas[1], deltas[0])
        x, y = x[::-1].copy(), y[::-1].copy()
    other = problem.players[1 - first]
    counter = ", ".join(f"{v:.6g}" for v in y)
    return _certify(
        problem,
        "rubinstein",
        x,
        _polyline_lottery(problem, x),
        tol=tol,
        optimality_gap=gap,
        agreement_possible=True,
        message=(
            f"{problem.players[first]} proposes first; {other}'s counter-proposal "
            f"would be ({counter})"
        ),
    )


# ---------------------------------------------------------------------------
# Legislative bargaining
# ---------------------------------------------------------------------------
def baron_ferejohn_shares(
    n: int, delta: float, rule: str = "majority"
) -> NDArray[np.float64]:
    """Stationary equilibrium shares in Baron and Ferejohn's closed-rule game.

    ``n`` players divide a unit pie; each period a player chosen with
    probability ``1/n`` proposes a division, which passes with ``q`` votes
    (``q = floor(n/2) + 1`` under majority rule, ``n`` under unanimity).  In
    the symmetric stationary equilibrium every player's continuation value
    is ``delta / n``, so the proposer buys the cheapest ``q - 1`` votes at
    that price and keeps ``1 - delta (q - 1) / n`` (Baron and Ferejohn 1989).

    Parameters
    ----------
    n : int
        Number of players, at least 2.
    delta : float
        Common discount factor in [0, 1].
    rule : {"majority", "unanimity"}

    Returns
    -------
    ndarray, shape (n,)
        The proposer's share, then the ``q - 1`` coalition partners' (each
        ``delta / n``), then the excluded players' (0).

    Raises
    ------
    InvalidGameError
        For ``n`` not an integer in [2, 1000000], ``delta`` outside [0, 1]
        or an unknown rule.

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import baron_ferejohn_shares
    >>> baron_ferejohn_shares(3, 1.0)
    array([0.667, 0.333, 0.   ])
    >>> baron_ferejohn_shares(3, 0.9, rule="unanimity")
    array([0.4, 0.3, 0.3])
    """
    n = check_int(n, "n", low=2, high=_MAX_SHARES, error=InvalidGameError)
    delta = _check_delta(delta, "delta")
    quota = _check_rule(rule, n)
    shares = np.zeros(n)
    shares[1:quota] = delta / n
    shares[0] = 1.0 - delta * (quota - 1) / n
    return shares


#: Most players :func:`baron_ferejohn_shares` lays out (8 MB of shares).
_MAX_SHARES = 1_000_000

#: Coalitions whose proposer values differ by less than this (in units of the
#: proposer's utility range) tie; the proposer mixes them uniformly.
_BF_TIE = 1e-10

#: One proposer's options: ``(coalition, proposer's value, lottery)`` per coalition.
_Options = list[tuple[tuple[int, ...], float, NDArray[np.float64]]]


def _bf_best_proposal(
    Z: NDArray[np.float64], i: int, coalition: tuple[int, ...], tau: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]] | None:
    """Proposer ``i``'s best lottery that ``coalition`` accepts (scaled units).

    First ``max z_i`` subject to ``z_j >= tau_j`` for the coalition members
    (a linear program over the lottery weights); then, keeping ``z_i`` at its
    maximum, the range-scaled total utility of the other players is
    maximised, which breaks ties in their favour and makes the proposal
    Pareto optimal.  Returns the proposer's maximum and the lottery, or
    ``None`` if no lottery satisfies the coalition.
    """
    k, n = Z.shape
    members = list(coalition)
    A_ub = -Z[:, members].T
    b_ub = -tau[members]
    A_eq = np.ones((1, k))
    b_eq = np.ones(1)
    x = _solve_lp(-Z[:, i], A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq)
    if x is None:
        return None
    best = float(Z[:, i] @ x)
    others = [j for j in range(n) if j != i]
    for slack in _LEVEL_SLACK:
        y = _solve_lp(
            -Z[:, others].sum(axis=1),
            A_ub=np.vstack([A_ub, -Z[:, i]]),
            b_ub=np.concatenate([b_ub, [slack - best]]),
            A_eq=A_eq,
            b_eq=b_eq,
        )
        if y is not None:
            x = y
            break
    lottery = np.where(x > 1e-14, x, 0.0)
    return best, lottery / lottery.sum()


def _bf_options(
    Z: NDArray[np.float64], v: NDArray[np.float64], delta: float, quota: int
) -> list[_Options]:
    """Each proposer's best acceptable proposal for each coalition, given ``v``.

    Entry ``[i]`` lists ``(coalition, proposer's value, lottery)`` for the
    coalitions of ``quota - 1`` other players that some lottery satisfies;
    if none does, proposer ``i`` proposes the disagreement point (coalition
    ``()``).
    """
    k, n = Z.shape
    zd = Z[-1]
    tau = zd + delta * (v - zd)
    options = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        found = []
        for coalition in combinations(others, quota - 1):
            best = _bf_best_proposal(Z, i, coalition, tau)
            if best is not None:
                found.append((coalition, best[0], best[1]))
        if not found:  # pragma: no cover - tau is feasible whenever v is
            lottery = np.zeros(k)
            lottery[-1] = 1.0
            found.append(((), float(zd[i]), lottery))
        options.append(found)
    return options


def _bf_values(
    found: _Options,
) -> NDArray[np.float64]:
    """The proposer's value of each of its coalitions (an entry of :func:`_bf_options`)."""
    return np.array([value for _, value, _ in found])


def _bf_mix(
    Z: NDArray[np.float64],
    options: list[_Options],
    weights: list[NDArray[np.float64]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The proposers' mixed lotteries (rows) and the ex-ante values ``v``."""
    lotteries = np.array(
        [
            np.einsum("c,ck->k", w, np.array([x for _, _, x in found]))
            for found, w in zip(options, weights, strict=True)
        ]
    )
    values: NDArray[np.float64] = (lotteries @ Z).mean(axis=0)
    return lotteries, values


def _bf_ties(
    options: list[_Options],
) -> list[NDArray[np.float64]]:
    """Uniform weights over each proposer's best coalitions (within ``_BF_TIE``)."""
    weights = []
    for found in options:
        values = _bf_values(found)
        tied = values >= values.max() - _BF_TIE
        weights.append(tied / tied.sum())
    return weights


def _bf_newton(
    Z: NDArray[np.float64],
    delta: float,
    quota: int,
    v: NDArray[np.float64],
    weights: list[NDArray[np.float64]],
    tol: float,
    budget: int,
) -> tuple[
    list[_Options],
    list[NDArray[np.float64]],
    NDArray[np.float64],
    NDArray[np.float64],
    float,
    int,
]:
    """Mixed stationary equilibrium by Newton's method on ``(v, mixing weights)``.

    The unknowns are the continuation values ``v`` and, for each proposer,
    the weights of the coalitions it mixes (those it used in the stalled
    cycle, ``weights > 0``); the equations are the fixed point ``v =
    mean_i sum_c mu_ic P_ic(v)`` and the proposer's indifference between the
    coalitions it mixes.  ``P_ic`` and the proposer's values are re-solved
    by linear programs at every iterate (their derivatives in ``v`` by
    finite differences), so the residual is exact.  A coalition whose weight
    turns negative leaves the support.  Returns the options, weights,
    lotteries and values at the solution, its fixed-point residual and the
    number of iterations used; :class:`SolverError` if it does not converge.
    """
    n = Z.shape[1]
    support = [[int(c) for c in np.flatnonzero(w > 0)] for w in weights]
    mu = [
        np.asarray(w, dtype=np.float64)[s] / w[s].sum()
        for w, s in zip(weights, support, strict=True)
    ]

    def residual(
        v: NDArray[np.float64], mu: list[NDArray[np.float64]]
    ) -> tuple[NDArray[np.float64], Any]:
        options = _bf_options(Z, v, delta, quota)
        points = [np.array([Z.T @ x for _, _, x in found]) for found in options]
        values = [_bf_values(found) for found in options]
        mix = np.mean(
            [m @ pts[s] for m, pts, s in zip(mu, points, support, strict=True)], axis=0
        )
        gaps = [values[i][support[i][1:]] - values[i][support[i][0]] for i in range(n)]
        return np.concatenate([v - mix, *gaps]), (options, points)

    def pack(
        v: NDArray[np.float64], mu: list[NDArray[np.float64]]
    ) -> NDArray[np.float64]:
        return np.concatenate([v, *(m[1:] for m in mu)])

    def unpack(
        x: NDArray[np.float64],
    ) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
        out, at = [], n
        for s in support:
            free = x[at : at + len(s) - 1]
            at += len(s) - 1
            out.append(np.concatenate([[1.0 - free.sum()], free]))
        return x[:n], out

    F, (options, points) = residual(v, mu)
    used = 0
    while used < budget:
        used += 1
        norm = float(np.max(np.abs(F)))
        if norm <= tol / 10:
            # a coalition outside the support that beats the mixed ones joins it
            grown = False
            for i, found in enumerate(options):
                value = _bf_values(found)
                best = int(np.argmax(value))
                worst = value[support[i]].min()
                if best not in support[i] and value[best] > worst + tol:
                    support[i].append(best)
                    mu[i] = np.concatenate([0.5 * mu[i], [0.5]])
                    grown = True
            if not grown:
                break
            F, (options, points) = residual(v, mu)
            continue
        x = pack(v, mu)
        J = np.zeros((len(F), len(x)))
        h = 1e-7
        for k in range(n):
            step = np.zeros(n)
            step[k] = h
            J[:, k] = (residual(v + step, mu)[0] - F) / h
        col = n
        for i, s in enumerate(support):
            for c in s[1:]:
                J[:n, col] = -(points[i][c] - points[i][s[0]]) / n
                col += 1
        dx = np.linalg.lstsq(J, -F, rcond=None)[0]
        # stay inside the simplex of mixing weights (fraction to the boundary)
        t = 1.0
        for m, dm in zip(unpack(x)[1], unpack(x + dx)[1], strict=True):
            dm = dm - m
            shrinking = dm < 0
            if shrinking.any():
                t = min(t, float(np.min(m[shrinking] / -dm[shrinking])))
        boundary = t < 1.0  # a weight reaches 0: step there, the coalition leaves
        for _ in range(30):
            v_try, mu_try = unpack(x + t * dx)
            F_try, extra = residual(v_try, mu_try)
            if boundary or float(np.max(np.abs(F_try))) < norm:
                break
            t *= 0.5
        else:
            raise SolverError(
                f"{_TITLES['baron-ferejohn']}: Newton's method for the mixed "
                f"equilibrium stalled at residual {norm:.3g}"
            )
        v, mu, F, (options, points) = v_try, mu_try, F_try, extra
        for i, m in enumerate(mu):
            if len(m) > 1 and m.min() <= 1e-12:  # drop the coalition, keep the rest
                drop = int(np.argmin(m))
                support[i].pop(drop)
                kept = np.delete(np.clip(m, 0.0, None), drop)
                mu[i] = (
                    kept / kept.sum()
                    if kept.sum() > 0
                    else np.full(len(kept), 1.0 / len(kept))
                )
                F, (options, points) = residual(v, mu)
    else:
        raise SolverError(
            f"{_TITLES['baron-ferejohn']}: Newton's method for the mixed equilibrium "
            f"did not converge (residual {float(np.max(np.abs(F))):.3g})"
        )
    full = []
    for found, s, m in zip(options, support, mu, strict=True):
        w = np.zeros(len(found))
        w[s] = np.clip(m, 0.0, None)
        full.append(w / w.sum())
    lotteries, new = _bf_mix(Z, options, full)
    return options, full, lotteries, new, float(np.max(np.abs(new - v))), used


def solve_baron_ferejohn(
    problem: BargainingProblem,
    delta: float,
    rule: str = "majority",
    *,
    tol: float = DEFAULT_TOL,
    max_iterations: int = 10_000,
    max_work: float = 1_000,
) -> BargainingSolution:
    """Stationary equilibrium of Baron and Ferejohn's closed-rule bargaining game.

    Every round one player, each with probability ``1/n``, is recognised and
    proposes a feasible point (a lottery over the outcomes and ``d``); it
    passes with ``q`` votes, the proposer's included (``q = floor(n/2) + 1``
    under majority rule, ``n`` under unanimity).  After a rejection the game
    continues with probability ``delta`` and ends in ``d`` otherwise, so
    responder ``j`` accepts iff ``u_j >= d_j + delta (v_j - d_j)``, where
    ``v`` are the ex-ante equilibrium (continuation) values.  In a stationary
    subgame-perfect equilibrium proposer ``i`` picks, over the coalitions of
    ``q - 1`` other players, the feasible point that maximises ``u_i``
    subject to the coalition members' acceptance conditions, and
    ``v`` is the average of the ``n`` proposals (Baron and Ferejohn 1989).

    Parameters
    ----------
    problem : BargainingProblem
    delta : float
        Probability that bargaining continues after a rejection (or common
        discount factor), in [0, 1).
    rule : {"majority", "unanimity"}
    tol : float
        Relative tolerance of the fixed point and of the certificate.
    max_iterations : int
        Largest number of fixed-point (and Newton) iterations.
    max_work : float
        Largest number of linear programs per iteration (one per proposer
        and coalition: ``n * C(n - 1, q - 1)``) the solver may commit to;
        larger problems are refused at once.  The default admits 9 players
        under majority rule (630 programs, seconds); each further player
        multiplies the work by about 2.

    Returns
    -------
    BargainingSolution
        The *ex-ante* expected outcome: ``utilities`` is ``v`` and
        ``lottery`` the average of the proposers' lotteries.  The realised
        outcome depends on who is recognised: ``proposals[i]`` is what player
        ``i`` proposes (and gets passed), each with probability ``1/n``;
        ``message`` also names each proposer's coalition partners.  Under
        majority rule the solution need not be Pareto optimal or
        individually rational (a majority may impose losses on the others):
        its ``pareto_gap`` and ``ir_gap`` are reported, not required.

    Raises
    ------
    InvalidGameError
        For ``delta`` outside [0, 1), an unknown rule, a bad ``tol``,
        ``max_iterations`` or ``max_work``.
    ProblemTooLargeError
        If an iteration would solve more than ``max_work`` linear programs.
    SolverError
        If the iteration does not converge or the certificate fails.

    Notes
    -----
    Each proposer's problem is a linear program over the lottery weights
    (one per coalition; HiGHS); ties between the proposer's optima are
    broken in favour of the other players (a second linear program
    maximising their range-scaled total utility), which makes every proposal
    Pareto optimal, and in the fixed-point iteration a proposer indifferent
    between coalitions mixes them uniformly (the symmetric equilibrium of
    the unit pie).  Whenever
    ``v`` is feasible so is ``d + delta (v - d)``, which meets every
    acceptance condition and gives the proposer at least its delay value:
    an acceptable proposal always exists, and proposing beats delaying.
    ``v`` is found by fixed-point iteration from ``v = d``, until it changes
    by at most ``tol`` times each player's utility range.  That iteration
    need not converge: where a proposer's best coalition depends on ``v``
    (the cheaper partner becomes the dearer one once bought), it cycles, and
    the equilibrium has that proposer *mix* coalitions so that it is
    indifferent between them.  If the iteration stalls, Newton's method
    solves for ``v`` and the mixing weights together (the fixed point and
    the indifference conditions, started from the cycle's average; a
    coalition whose weight reaches 0 leaves the mix, one that beats the mix
    joins it).  The certificate checks that every proposal's lottery
    reproduces it, meets its coalition's acceptance conditions, gives its
    proposer at least the delay value and is, within ``tol``, the
    proposer's best (no coalition is better than a mixed one), and that the
    fixed-point residual is at most ``tol``.  Everything
    is computed in range-scaled units, so the solution is equivariant under
    a positive affine rescaling of any player's utility.  On a unit pie with
    ``d = 0`` the proposals are :func:`baron_ferejohn_shares`.

    Examples
    --------
    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_baron_ferejohn
    >>> pie = BargainingProblem([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0])
    >>> solution = solve_baron_ferejohn(pie, 0.9)
    >>> solution.utilities
    array([0.333, 0.333, 0.333])
    >>> solution.proposals[0]
    array([0.7 , 0.15, 0.15])
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    delta = _check_delta(delta, "delta")
    if delta == 1.0:
        raise InvalidGameError(
            "delta must be below 1 (the probability that bargaining continues "
            "after a rejection); with delta = 1 the stationary equilibrium is "
            "not unique"
        )
    n = problem.n_players
    quota = _check_rule(rule, n)
    max_iterations = check_int(
        max_iterations, "max_iterations", low=1, error=InvalidGameError
    )
    max_work = check_real(max_work, "max_work", low=0, low_open=True, error=InvalidGameError)
    work = n * math.comb(n - 1, quota - 1)
    if work > max_work:
        raise ProblemTooLargeError(
            f"solve_baron_ferejohn with {n} players under {rule} rule solves about "
            f"{work:.3g} linear programs per iteration (one per proposer and "
            f"coalition), more than max_work={max_work:g}; raise "
            "solve_baron_ferejohn(..., max_work=) to proceed"
        )
    Z = problem._scaled()
    v = Z[-1].copy()
    change = math.inf
    history: list[float] = []
    recent: list[tuple[NDArray[np.float64], list[NDArray[np.float64]]]] = []
    mixed = False
    iteration = 0
    for iteration in range(1, int(max_iterations) + 1):
        options = _bf_options(Z, v, delta, quota)
        weights = _bf_ties(options)
        lotteries, new = _bf_mix(Z, options, weights)
        change = float(np.max(np.abs(new - v)))
        v = new
        if change <= tol:
            break
        history.append(change)
        recent = [*recent[-19:], (v, weights)]
        if len(history) >= 40 and min(history[-20:]) > 0.5 * min(history[:-20]):
            # the plain iteration stalls (it cycles): some proposer must mix
            # coalitions; solve for the mixed equilibrium from the cycle
            mixed = True
            start_v = np.mean([u for u, _ in recent], axis=0)
            start_w = [
                np.mean(ws, axis=0)
                for ws in zip(*(w for _, w in recent), strict=True)
            ]
            options, weights, lotteries, v, change, used = _bf_newton(
                Z, delta, quota, start_v, start_w, tol, int(max_iterations) - iteration
            )
            iteration += used
            break
    else:
        raise SolverError(
            f"{_TITLES['baron-ferejohn']}: the continuation values did not converge "
            f"in {max_iterations} iterations (last change {change:.3g} of the "
            f"utility ranges > tol {tol:g})"
        )
    regret = 0.0
    for found, w in zip(options, weights, strict=True):
        value = _bf_values(found)
        regret = max(regret, float(value.max() - value[w > 0].min()))
    # certificate at the reported values v: every used proposal is accepted
    # by its coalition and gives its proposer at least the delay value
    zd = Z[-1]
    tau = zd + delta * (v - zd)
    violation = 0.0
    for i, (found, w) in enumerate(zip(options, weights, strict=True)):
        for (coalition, _, x), p in zip(found, w, strict=True):
            if p > 0:
                z = Z.T @ x
                for j in (i, *coalition):
                    violation = max(violation, float(tau[j] - z[j]))
    lottery = lotteries.mean(axis=0)
    proposals = np.array([problem.expected_utilities(x) for x in lotteries])
    partners = "; ".join(
        f"{problem.players[i]} with "
        + " or ".join(
            (f"{p:.3g} × " if p < 1 else "")
            + ("+".join(problem.players[j] for j in coalition) or "nobody")
            for (coalition, _, _), p in zip(found, w, strict=True)
            if p > 0
        )
        for i, (found, w) in enumerate(zip(options, weights, strict=True))
    )
    return _certify(
        problem,
        "baron-ferejohn",
        problem.expected_utilities(lottery),
        lottery,
        tol=tol,
        optimality_gap=max(change, regret, violation, 0.0),
        agreement_possible=_agreement_possible(problem, tol),
        message=(
            f"{rule} rule (q = {quota}), delta = {delta:g}: fixed point after "
            f"{iteration} iterations{' (mixed coalitions)' if mixed else ''}; "
            f"coalitions: {partners}"
        ),
        efficient=False,
        proposals=proposals,
    )
