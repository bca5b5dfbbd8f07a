"""The (weighted) Nash bargaining solution.

:func:`solve_nash_bargaining` maximises the weighted Nash product over the
lotteries of a :class:`~kurilsim.games.bargaining.BargainingProblem` and
returns a certified :class:`~kurilsim.solvers.bargaining.BargainingSolution`;
:func:`nash_bargaining` is its array twin.

References
----------
.. [1] J. F. Nash, "The bargaining problem", *Econometrica* 18(2), 155–162, 1950.
.. [2] E. Kalai, "Proportional solutions to bargaining situations: interpersonal
   utility comparisons", *Econometrica* 45(7), 1623–1630, 1977.
.. [3] K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining solution
   in economic modelling", *RAND Journal of Economics* 17(2), 176–188, 1986.
.. [4] S. Boyd and L. Vandenberghe, *Convex Optimization*, Cambridge University
   Press, 2004 (§11.3, the barrier method).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._errors import InvalidGameError, SolverError
from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _agreement_possible,
    _certify,
    _check_problem,
    _check_tol,
    _disagreement_solution,
    _twin_problem,
)
from kurilsim.solvers.bargaining.solution import BargainingSolution

__all__ = ["nash_bargaining", "solve_nash_bargaining"]

# A candidate: utilities, the lottery realising them, and the method's name.
_Candidate = tuple[NDArray[np.float64], NDArray[np.float64], str]

# What each method does, for BargainingSolution.message.
_MESSAGES = {
    "frontier-edges": "closed form on the edges of the Pareto frontier",
    "facet": "closed form on a Pareto facet of the hull",
    "dual-barrier": "barrier method on the dual, polished by Newton on the optimal face",
}


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
    terms = (problem.lottery_points - u) * (w / gains)
    gap = max(float(terms.sum(axis=1).max()), 0.0)
    return gap / max(1.0, float(np.abs(terms).sum(axis=1).max()))


def _nash_two_players(
    problem: BargainingProblem, w: NDArray[np.float64]
) -> _Candidate | None:
    """Exact Nash solution of two players: the best edge of the frontier.

    On the edge ``u(s) = a + s (b - a)`` the weighted log product is concave
    with stationary point ``s* = -(w1 D1 y + w2 D2 x) / (D1 D2)`` (weights
    summing to one, ``D = b - a``, ``(x, y) = a - d``); ``s*`` is clipped to
    the edge.  Returns ``None`` if no frontier point strictly improves on
    ``d`` for both players.
    """
    chain = problem.pareto_polyline()
    rows = problem.pareto_polyline_outcomes()
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
    return best[1], best[2], "frontier-edges"


def _nash_on_facets(
    problem: BargainingProblem, w: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Closed-form Nash solution on a hull facet with positive normal, if inside it.

    On the hyperplane ``a.z = b`` the weighted Nash product is maximised at
    ``z_i = zd_i + w_i (b - a.zd) / a_i`` (``w`` summing to one).
    """
    reps, rep_rows = problem.distinct_scaled_points()
    n = problem.n_players
    hull = problem.scaled_hull()
    if hull is None:
        return None
    zd = problem.scaled_lottery_points[-1]
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
            return problem.from_scaled(z), lottery / lottery.sum()
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


def _nash_iterative(problem: BargainingProblem, w: NDArray[np.float64]) -> _Candidate:
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
    reps, _ = problem.distinct_scaled_points()
    zd = problem.scaled_lottery_points[-1]
    p, slack = _nash_dual_barrier(reps - zd, w)
    # the primal optimum is z = zd + w / p; its nearest lottery is feasible
    start = zd + w / p
    lottery, _ = problem.nearest_scaled_lottery(start)
    candidates = [(problem.expected_utilities(lottery), lottery)]
    previous = -1
    for eta in (1e-10, 1e-8, 1e-6, 1e-4):
        on_face = slack <= eta
        size = int(on_face.sum())
        if size and size != previous:
            polished = _nash_on_affine_hull(reps[on_face], zd, w, start)
            if polished is not None:
                weights, residual = problem.nearest_scaled_lottery(polished)
                if residual <= 1e-12:
                    candidates.append((problem.from_scaled(polished), weights))
        previous = size
    gaps = [_nash_gap(problem, u, w) for u, _ in candidates]
    best_u, lottery = candidates[int(np.argmin(gaps))]
    return best_u, lottery, "dual-barrier"


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
       are not full-dimensional) a barrier method on the convex dual (``n``
       variables; Boyd and Vandenberghe 2004, §11.3), then Newton's method on
       the affine hull of the optimal face exposed by the dual's active
       constraints.

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
            problem,
            "nash-bargaining",
            tol,
            "no feasible point improves on d for every player",
        )
    found: _Candidate | None
    if problem.n_players == 2:
        found = _nash_two_players(problem, w)
    else:
        facet = _nash_on_facets(problem, w)
        found = _nash_iterative(problem, w) if facet is None else (*facet, "facet")
    if found is None:  # pragma: no cover - the max-min gap said otherwise
        raise SolverError("no frontier point improves on d although the LP says so")
    u, lottery, method = found
    return _certify(
        problem,
        "nash-bargaining",
        u,
        lottery,
        tol=tol,
        optimality_gap=_nash_gap(problem, u, w),
        agreement_possible=True,
        message=_MESSAGES[method],
        method=method,
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
