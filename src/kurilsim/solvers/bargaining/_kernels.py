"""Lottery bargaining at many points at once: the sweep kernels of the concepts
``"nash-bargaining"``, ``"kalai-smorodinsky"`` and ``"rubinstein"``.

At each point of a sweep the protocol's proposer and responder bargain over
the lotteries of the available agreements and the status quo (the
disagreement point), and each of the three solutions is a point of the Pareto
frontier of the convex hull of their utility points: a mix of at most two
agreements on one frontier edge.  :func:`lottery_bargaining_kernel` gives, for
``m`` points at once, what the per-point solvers
(:func:`~kurilsim.solvers.bargaining.solve_nash_bargaining`,
:func:`~kurilsim.solvers.bargaining.solve_kalai_smorodinsky`,
:func:`~kurilsim.solvers.bargaining.solve_rubinstein` with the proposer first)
and :meth:`kurilsim.Outcome.from_distribution` give at each: the most likely
agreement, the probability of a deal, every agent's expected utility and the
probability of the most likely outcome.

The algorithm follows the per-point solvers step by step, on arrays of points
(blocks of :data:`_BLOCK` points, so that the arrays stay in cache):

1. Each party's utilities are scaled to [0, 1] as
   :class:`~kurilsim.games.bargaining.BargainingProblem` scales them; the
   outcomes are sorted by the proposer's scaled utility and Andrew's monotone
   chain runs over them in lock step, with the turn test and tolerance of
   :meth:`~kurilsim.games.bargaining.BargainingProblem.pareto_polyline`.  The
   Pareto frontier is the upper hull from the responder's best point on.
2. Whether an agreement is possible (some lottery gives both parties more
   than ``tol`` times their utility range over the status quo) is read off the
   frontier exactly: the largest common scaled gain is at a vertex or where
   the two gains cross on an edge.
3. Each solution's closed form on the frontier, with the per-point solver's
   own formulas and tie rules: the best vertex or edge stationary point of the
   Nash product; the exit of the ray from the status quo towards the ideal
   point (Kalai-Smorodinsky); the root of Rubinstein's piecewise linear
   indifference equation, bracketed between the breakpoints.  The solution's
   lottery mixes the two ends of the frontier edge that holds it.
4. The lottery is summarised as :meth:`kurilsim.Outcome.from_distribution`
   summarises it.

Points where the per-point solver's answer hinges on rounding or on a linear
program are handed to the per-point solver itself: two outcomes within its
deduplication distance (1e-12 of the scaled range) but not equal at a vertex
of the solution, a largest common gain within :data:`_LP_ACCURACY` of
``tol``, a Kalai-Smorodinsky problem where no lottery improves on the status
quo for both parties but one party can gain (the per-point solver then
maximises by linear programs), and the rare breakdowns of a closed form.  They
are few on real sweeps (none on the bundled scenarios' headline grids).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import check_choice, describe
from kurilsim._errors import InvalidGameError
from kurilsim.games.bargaining import DEFAULT_TOL, MERGE_TOL, BargainingProblem
from kurilsim.model.agreements import NO_DEAL

__all__ = ["SOLUTIONS", "LotterySummary", "lottery_bargaining_kernel"]

#: The bargaining solutions over lotteries that :func:`lottery_bargaining_kernel`
#: computes (the names of their concepts).
SOLUTIONS: Final = ("nash-bargaining", "kalai-smorodinsky", "rubinstein")

Solution = Literal["nash-bargaining", "kalai-smorodinsky", "rubinstein"]

_F = NDArray[np.float64]
_I = NDArray[np.intp]
_B = NDArray[np.bool_]

#: Points per block (the arrays of a block stay in the cache).
_BLOCK: Final = 2048

#: The per-point solvers' tolerance (their default, as in sweeps).
_TOL: Final = DEFAULT_TOL

#: Lottery weights at or below this are dropped when a solution is certified
#: (``kurilsim.solvers.bargaining._common._certify``).
_ZERO: Final = 1e-14

#: Probabilities at or below this are left out of a concept's outcome.
_DUST: Final = 1e-12

#: How far from ``tol`` the per-point linear program's answer to "is an
#: agreement possible" may be off (HiGHS's feasibility tolerance, 1e-10).
_LP_ACCURACY: Final = 1e-10

#: Scaled outcomes closer than this in both coordinates, but not equal, may
#: be merged by the per-point deduplication (``round(z / 1e-12)``).
_NEAR: Final = 2 * MERGE_TOL

#: The ray-exit test of ``_ray_exit_two_players``: an edge is hit when its
#: parameter is within this of [0, 1].
_RAY_SLACK: Final = 1e-15


class LotterySummary(NamedTuple):
    """What a lottery bargaining solution comes to at each of ``m`` points.

    Attributes
    ----------
    agreement : ndarray of int, shape (m,)
        The most likely agreement (the lower index on a tie), or ``NO_DEAL``
        where no deal is at least as likely: :attr:`kurilsim.Outcome.agreement`.
    probability : ndarray, shape (m,)
        The probability of a deal.
    utilities : ndarray, shape (m, n_agents)
        Each agent's expected utility of the lottery.
    mode_probability : ndarray, shape (m,)
        The probability of the most likely outcome, ``agreement`` (that of no
        deal where ``agreement`` is ``NO_DEAL``).
    """

    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    mode_probability: NDArray[np.float64]


def lottery_bargaining_kernel(
    utilities: NDArray[np.float64],
    parties: Sequence[int],
    *,
    solution: Solution,
    available: NDArray[np.intp] | None = None,
    discounts: Sequence[float] = (0.9, 0.9),
) -> LotterySummary:
    """A bargaining solution over lotteries at ``m`` points at once.

    At each point, the solution between ``parties`` (proposer, then
    responder) over the lotteries of the ``available`` agreements and the
    status quo, as the per-point solver computes it with its default
    tolerance, summarised as :meth:`kurilsim.Outcome.from_distribution`
    summarises the solver's lottery.

    Parameters
    ----------
    utilities : ndarray, shape (n_agents, n_agreements + 1, m)
        Every agent's utility of every agreement at every point, the status
        quo last (the layout of :class:`kurilsim.concepts.SweepKernel`); finite.
    parties : sequence of two ints
        The proposer's and the responder's rows of ``utilities``.
    solution : {"nash-bargaining", "kalai-smorodinsky", "rubinstein"}
        The solution (:data:`SOLUTIONS`): the symmetric Nash bargaining
        solution, the Kalai-Smorodinsky solution, or the stationary
        equilibrium of Rubinstein's alternating offers with the proposer
        first.
    available : ndarray of int, optional
        The agreements on the table, increasing (default: all); the others
        (those a veto rules out) are left out.  Empty: no deal anywhere.
    discounts : sequence of two floats
        The proposer's and the responder's discount factors (``"rubinstein"``
        only), in [0, 1] and not both 1.

    Returns
    -------
    LotterySummary
        The most likely agreement, the probability of a deal, the expected
        utilities and the probability of the most likely outcome.

    Raises
    ------
    InvalidGameError
        For ill-shaped or non-finite utilities, bad parties, agreements or
        discounts, an unknown solution, both discount factors 1
        (``"rubinstein"``, with some agreement available: without impatience
        there is no unique equilibrium), or a point where the per-point
        solver, to which the kernel hands the degenerate points, fails (the
        message names the point and its error).

    Notes
    -----
    Exact up to rounding: the kernel runs the per-point solvers' formulas, in
    the same order, on the same frontier, and hands the points where rounding
    or a linear program could decide otherwise to the per-point solver (see
    the module's notes).

    Examples
    --------
    Two agreements and the status quo, at two points: a unit pie split by
    lottery, then the same pie when the responder's status quo is worth 0.6.

    >>> import numpy as np
    >>> from kurilsim.solvers.bargaining._kernels import lottery_bargaining_kernel
    >>> u = np.array([[[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]],    # proposer
    ...               [[0.0, 0.0], [1.0, 1.0], [0.0, 0.6]]])   # responder
    >>> summary = lottery_bargaining_kernel(u, (0, 1), solution="nash-bargaining")
    >>> summary.agreement, summary.probability
    (array([0, 1]), array([1., 1.]))
    >>> summary.utilities
    array([[0.5, 0.5],
           [0.2, 0.8]])
    >>> summary.mode_probability
    array([0.5, 0.8])
    >>> lottery_bargaining_kernel(u, (0, 1), solution="rubinstein",
    ...                           discounts=(0.9, 0.8)).utilities.round(3)
    array([[0.714, 0.286],
           [0.286, 0.714]])
    """
    check_choice(solution, "solution", SOLUTIONS, error=InvalidGameError)
    table = _check_utilities(utilities)
    n_agents, n_outcomes, m = table.shape
    first, second = _check_parties(parties, n_agents)
    keep = _check_available(available, n_outcomes - 1)
    deltas = _check_discounts(discounts)
    outcomes = np.append(keep, n_outcomes - 1).astype(np.intp)
    agreement = np.full(m, NO_DEAL, dtype=np.intp)
    probability = np.zeros(m)
    expected = np.ascontiguousarray(table[:, -1, :].T)  # the status quo
    mode = np.ones(m)
    if len(keep) and m:
        if solution == "rubinstein" and deltas == (1.0, 1.0):
            raise InvalidGameError(
                "both discount factors are 1: without impatience there is no unique "
                "equilibrium; give at least one below 1"
            )
        for start in range(0, m, _BLOCK):
            stop = min(start + _BLOCK, m)
            part = _solve_block(
                table[first, outcomes, start:stop],
                table[second, outcomes, start:stop],
                solution,
                deltas,
            )
            _summarise(
                table[:, :, start:stop], outcomes, part,
                agreement[start:stop], probability[start:stop],
                expected[start:stop], mode[start:stop],
            )
    return LotterySummary(agreement, probability, expected, mode)


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------
def _check_utilities(utilities: object) -> NDArray[np.float64]:
    if (
        not isinstance(utilities, np.ndarray)
        or utilities.dtype.kind != "f"
        or utilities.ndim != 3
        or utilities.shape[0] < 2
        or utilities.shape[1] < 1
    ):
        raise InvalidGameError(
            "utilities must be a float array of shape (n_agents >= 2, "
            f"n_agreements + 1, m), got {describe(utilities)}"
        )
    return np.asarray(utilities, dtype=np.float64)


def _check_parties(parties: object, n_agents: int) -> tuple[int, int]:
    try:
        pair = [int(p) for p in parties]  # type: ignore[attr-defined]
        ok = len(pair) == 2 and all(
            p == q and not isinstance(q, bool)
            for p, q in zip(pair, parties, strict=True)  # type: ignore[call-overload]
        )
    except (TypeError, ValueError):
        ok = False
    if not ok or pair[0] == pair[1] or not all(0 <= p < n_agents for p in pair):
        raise InvalidGameError(
            f"parties must be two distinct agent rows in [0, {n_agents}) (proposer, "
            f"responder), got {describe(parties)}"
        )
    return pair[0], pair[1]


def _check_available(available: object, n: int) -> NDArray[np.intp]:
    if available is None:
        return np.arange(n, dtype=np.intp)
    keep = np.asarray(available)
    if (
        keep.ndim != 1
        or (keep.size and keep.dtype.kind not in "iu")
        or np.any(keep < 0)
        or np.any(keep >= n)
        or np.any(np.diff(keep) <= 0)
    ):
        raise InvalidGameError(
            f"available must be increasing agreement indices in [0, {n}), got "
            f"{describe(available)}"
        )
    return keep.astype(np.intp)


def _check_discounts(discounts: object) -> tuple[float, float]:
    try:
        values = [float(v) for v in discounts]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        values = []
    if (
        isinstance(discounts, str)
        or len(values) != 2
        or any(isinstance(v, bool | np.bool_) for v in discounts)  # type: ignore[attr-defined]
        or not all(0.0 <= v <= 1.0 for v in values)
    ):
        raise InvalidGameError(
            "discounts must be two discount factors in [0, 1] (proposer, responder), "
            f"got {describe(discounts)}"
        )
    return values[0], values[1]


# ---------------------------------------------------------------------------
# One block of points
# ---------------------------------------------------------------------------
class _Lotteries(NamedTuple):
    """The solution's lottery at each point of a block: ``weight_a`` on row
    ``row_a`` and ``weight_b`` on ``row_b`` of the block's outcomes (the
    status quo last), as the per-point solver builds it (before
    certification); ``exact`` holds a whole lottery (outcome rows) for the
    points the per-point solver solved."""

    row_a: _I
    row_b: _I
    weight_a: _F
    weight_b: _F
    exact: dict[int, _F]


class _Frontier(NamedTuple):
    """The Pareto frontier polyline of each point of a block, arrays of shape
    (vertices, points): vertices in the proposer's increasing utility,
    ``size`` of them per point (the rest repeat the last)."""

    x: _F  # proposer's utility
    y: _F  # responder's utility
    zx: _F  # scaled
    zy: _F
    rows: _I  # outcome row of each vertex (the status quo last)
    size: _I
    valid: _B
    close: _B  # points with two outcomes within the merging distance


def _solve_block(
    u1: _F, u2: _F, solution: Solution, deltas: tuple[float, float]
) -> _Lotteries:
    """The lotteries at a block of points: ``u1``, ``u2`` of shape (outcomes,
    points), the status quo last."""
    k, b = u1.shape
    if not (np.isfinite(u1).all() and np.isfinite(u2).all()):
        raise InvalidGameError("the bargaining parties' utilities must be finite")
    d1, d2 = u1[-1], u2[-1]
    ranges = []
    scaled = []
    for u in (u1, u2):
        low = u.min(axis=0)
        span = u.max(axis=0) - low
        r = np.where(span > 0, span, 1.0)
        ranges.append(r)
        scaled.append((u - low) / r)
    z1, z2 = scaled
    frontier = _frontier(u1, u2, z1, z2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = _common_gain(frontier, z1[-1], z2[-1])
        possible = gap > _TOL
        delicate = np.abs(gap - _TOL) <= _LP_ACCURACY
        if solution == "nash-bargaining":
            ja, jb, wa, wb, found = _nash(frontier, d1, d2)
            deal = possible & found
            delicate |= possible & ~found  # the per-point solver raises
        else:
            ir = _clip(_clip(_polyline(frontier), d1, axis=0), d2, axis=1)
            if solution == "kalai-smorodinsky":
                x, deal, hard = _kalai_smorodinsky(ir, d1, d2, ranges, possible)
                delicate |= hard
                ja, jb, wa, wb = _locate(frontier, x)
            else:
                offer = _rubinstein(ir, d1, d2, deltas, ranges)
                deal = possible
                ja, jb, wa, wb = _locate(frontier, offer.x)
                # and where the per-point solver's certificate fails, it raises
                fails = ~(
                    _certificate(frontier, ja, jb, wa, wb, offer, d1, d2, ranges)
                    <= _TOL / 2
                )
                delicate |= possible & (offer.hard | fails)
    cols = np.arange(b)
    row_a = frontier.rows[ja, cols]
    row_b = frontier.rows[jb, cols]
    # the per-point deduplication keeps the first outcome at a point: where
    # two outcomes are that close (next to each other in the proposer's
    # utility), restore the first and hand near ones to the per-point solver
    close = np.flatnonzero(frontier.close & deal)
    if len(close):
        first_a, near_a = _first_equal(z1[:, close], z2[:, close], row_a[close])
        first_b, near_b = _first_equal(z1[:, close], z2[:, close], row_b[close])
        row_a[close], row_b[close] = first_a, first_b
        delicate[close] |= (near_a & (wa[close] > _ZERO)) | (near_b & (wb[close] > _ZERO))
    # no deal: the status quo itself (not an agreement equal to it)
    row_a = np.where(deal, row_a, k - 1)
    row_b = np.where(deal, row_b, k - 1)
    wa = np.where(deal, wa, 1.0)
    wb = np.where(deal, wb, 0.0)
    exact = {
        int(c): _per_point(u1[:, c], u2[:, c], solution, deltas)
        for c in np.flatnonzero(delicate).tolist()
    }
    return _Lotteries(row_a, row_b, wa, wb, exact)


def _frontier(u1: _F, u2: _F, z1: _F, z2: _F) -> _Frontier:
    """The Pareto frontier polylines of a block (outcomes x points), as
    :meth:`BargainingProblem.pareto_polyline` computes each.

    The outcomes are sorted by the proposer's scaled utility; those that a
    later one (of higher or equal proposer utility) weakly dominates are left
    out, and Andrew's monotone chain runs over the others in lock step over
    the points: a middle vertex is dropped unless the turn is strictly to the
    right, by more than the per-point tolerance.  Of outcomes of equal
    proposer utility only the responder's best enters; of equal outcomes one
    does, and the first is restored at the solution's vertices
    (:func:`_first_equal`).
    """
    k, b = z1.shape
    cols = np.arange(b)
    order = np.argsort(z1.T, axis=1).T  # (k, b): the outcome of each rank
    flat = order * b + cols
    sx, sy = z1.ravel()[flat], z2.ravel()[flat]
    # a candidate beats every later outcome for the responder, and of
    # outcomes of equal proposer utility (next to each other) only the first
    # candidate (the responder's best of them) counts
    candidate = np.empty((k, b), dtype=bool)
    best = np.full(b, -np.inf)
    for j in range(k - 1, -1, -1):
        np.greater(sy[j], best, out=candidate[j])
        np.maximum(best, sy[j], out=best)
    tie = sx[1:] == sx[:-1]
    if tie.any():
        taken = candidate[0].copy()
        for j in range(1, k):
            taken &= tie[j - 1]
            first = candidate[j] & ~taken
            taken |= candidate[j]
            candidate[j] = first
    # two outcomes within the merging distance: next to each other here, or
    # with a third between them as close to both for the proposer
    near_x = np.abs(np.diff(sx, axis=0)) <= _NEAR
    near = near_x & (np.abs(np.diff(sy, axis=0)) <= _NEAR)
    close = near.any(axis=0) | (near_x[1:] & near_x[:-1]).any(axis=0)
    # the scan: the hull's ranks, flat (depth, point); its last two vertices
    stack = np.zeros(k * b, dtype=np.intp)
    top = np.zeros(b, dtype=np.intp)
    lx, ly, qx, qy = (np.zeros(b) for _ in range(4))
    sxf, syf = sx.ravel(), sy.ravel()
    for j in range(k):
        push = candidate[j]
        if not push.any():
            continue
        bx, by = sx[j], sy[j]
        cross = (lx - qx) * (by - qy) - (ly - qy) * (bx - qx)
        pop = np.flatnonzero(push & (top >= 2) & (cross >= -MERGE_TOL))
        while len(pop):
            depth = top[pop] - 1
            top[pop] = depth
            px, py = qx[pop], qy[pop]
            lx[pop], ly[pop] = px, py
            below = stack[np.maximum(depth - 2, 0) * b + pop] * b + pop
            ox, oy = sxf[below], syf[below]
            qx[pop], qy[pop] = ox, oy
            cross = (px - ox) * (by[pop] - oy) - (py - oy) * (bx[pop] - ox)
            pop = pop[(depth >= 2) & (cross >= -MERGE_TOL)]
        stack[top * b + cols] = j  # written everywhere, kept where pushed
        np.copyto(qx, lx, where=push)
        np.copyto(qy, ly, where=push)
        np.copyto(lx, bx, where=push)
        np.copyto(ly, by, where=push)
        top += push
    width = int(top.max())
    valid = np.arange(width)[:, None] < top
    at = np.minimum(np.arange(width)[:, None], top - 1) * b + cols  # (width, b)
    ranks = stack[at] * b + cols
    rows = order.ravel()[ranks]
    return _Frontier(
        x=u1.ravel()[rows * b + cols],
        y=u2.ravel()[rows * b + cols],
        zx=sxf[ranks],
        zy=syf[ranks],
        rows=rows,
        size=top,
        valid=valid,
        close=close,
    )


def _first_equal(z1: _F, z2: _F, rows: _I) -> tuple[_I, _B]:
    """The first outcome at each point (column) equal to outcome ``rows``
    (scaled), and whether another outcome is within the per-point merging
    distance of it without being equal (the per-point solver may then merge
    them or not)."""
    cols = np.arange(len(rows))
    x, y = z1[rows, cols], z2[rows, cols]
    equal = (z1 == x) & (z2 == y)
    near = (np.abs(z1 - x) <= _NEAR) & (np.abs(z2 - y) <= _NEAR) & ~equal
    return np.argmax(equal, axis=0).astype(np.intp), near.any(axis=0)


def _common_gain(frontier: _Frontier, zd1: _F, zd2: _F) -> _F:
    """The largest common scaled gain over the status quo, ``max_v min_i (v_i -
    d_i) / r_i`` over the feasible set (the per-point Pareto gap of ``d``, a
    linear program there): at a frontier vertex, or on an edge where the two
    gains cross."""
    g1, g2 = frontier.zx - zd1, frontier.zy - zd2
    valid = frontier.valid
    best = np.where(valid, np.minimum(g1, g2), -np.inf).max(axis=0)
    f = g1 - g2
    crossing = valid[1:] & (f[:-1] < 0) & (f[1:] > 0)
    if crossing.any():
        t = f[:-1] / (f[:-1] - f[1:])
        value = g1[:-1] + t * (g1[1:] - g1[:-1])
        best = np.maximum(best, np.where(crossing, value, -np.inf).max(axis=0))
    result: _F = best
    return result


# ---------------------------------------------------------------------------
# The solutions on the frontier
# ---------------------------------------------------------------------------
def _nash(frontier: _Frontier, d1: _F, d2: _F) -> tuple[_I, _I, _F, _F, _B]:
    """The Nash solution's vertices and weights (``_nash_two_players``): the
    best of the vertices, then of the edges' stationary points, with both
    gains positive (the first best); and whether there is one."""
    x, y, valid = frontier.x, frontier.y, frontier.valid
    gx, gy = x - d1, y - d2
    ok = valid & (gx > 0) & (gy > 0)
    vertex = np.where(ok, 0.5 * np.log(np.where(ok, gx, 1.0))
                      + 0.5 * np.log(np.where(ok, gy, 1.0)), -np.inf)
    D0, D1 = x[1:] - x[:-1], y[1:] - y[:-1]
    gx0, gy0 = gx[:-1], gy[:-1]
    s_low = np.maximum(0.0, -gx0 / D0)
    s_high = np.minimum(1.0, -gy0 / D1)
    s = -(0.5 * D0 * gy0 + 0.5 * D1 * gx0) / (D0 * D1)
    ux, uy = x[:-1] + s * D0, y[:-1] + s * D1
    ex, ey = ux - d1, uy - d2
    good = valid[1:] & (s_low < s_high) & (s > 0.0) & (s < 1.0) & (ex > 0) & (ey > 0)
    edge = np.where(good, 0.5 * np.log(np.where(good, ex, 1.0))
                    + 0.5 * np.log(np.where(good, ey, 1.0)), -np.inf)
    values = np.concatenate([vertex, edge])
    pick = np.argmax(values, axis=0)
    cols = np.arange(len(d1))
    found = np.isfinite(values[pick, cols])
    width = x.shape[0]
    on_edge = pick >= width
    j = np.where(on_edge, pick - width, pick)
    share = np.where(on_edge, s[np.minimum(j, max(width - 2, 0)), cols]
                     if width > 1 else 0.0, 0.0)
    ja = j.astype(np.intp)
    jb = np.where(on_edge, j + 1, j).astype(np.intp)
    wa = np.where(on_edge, 1.0 - share, 1.0)
    wb = np.where(on_edge, share, 0.0)
    return ja, jb, wa, wb, found


class _Polyline(NamedTuple):
    """Polylines of a block, arrays of shape (vertices, points), ``size``
    vertices per point (0: empty)."""

    x: _F
    y: _F
    size: _I

    @property
    def valid(self) -> _B:
        result: _B = np.arange(self.x.shape[0])[:, None] < self.size
        return result


def _polyline(frontier: _Frontier) -> _Polyline:
    return _Polyline(frontier.x, frontier.y, frontier.size)


def _clip(line: _Polyline, level: _F, *, axis: int) -> _Polyline:
    """The part of each polyline with coordinate ``axis`` at least ``level``
    (``_clip_axis``): the proposer's utility increases along it (``axis=0``
    keeps an end), the responder's decreases (``axis=1`` keeps a start); the
    cut is the crossing, unless a kept vertex is on the level."""
    x, y, count = line
    width, b = x.shape
    cols = np.arange(b)
    values = x if axis == 0 else y
    keep = line.valid & (values >= level)
    kept = keep.sum(axis=0)
    cut = (kept > 0) & (kept < count)
    if axis == 0:
        inner = np.minimum(count - kept, width - 1)  # the first kept vertex
        outer = np.maximum(inner - 1, 0)
    else:
        inner = np.maximum(kept - 1, 0)  # the last kept vertex
        outer = np.minimum(kept, width - 1)
    ix, iy, ox, oy = x[inner, cols], y[inner, cols], x[outer, cols], y[outer, cols]
    # a + s (b - a) from the outer (axis 0) or inner (axis 1) vertex, as the
    # per-point clipping walks the polyline in order
    if axis == 0:
        cut &= ix > level
        s = (level - ox) / (ix - ox)
        cx, cy = level, oy + s * (iy - oy)
    else:
        cut &= iy > level
        s = (level - iy) / (oy - iy)
        cx, cy = ix + s * (ox - ix), level
    total = kept + cut
    new = np.arange(width + 1)[:, None]
    if axis == 0:
        source = np.clip(count - kept + new - cut, 0, width - 1)
        at_cut = cut & (new == 0)
    else:
        source = np.minimum(new, width - 1)
        at_cut = cut & (new == kept)
    keep_rows = max(int(total.max()), 2) if b else 2  # an edge, for the shapes
    source, at_cut = source[:keep_rows], at_cut[:keep_rows]
    nx = np.where(at_cut, cx, x[source, cols])
    ny = np.where(at_cut, cy, y[source, cols])
    return _Polyline(nx, ny, total.astype(np.intp))


def _locate(frontier: _Frontier, x: _F) -> tuple[_I, _I, _F, _F]:
    """The lottery over two adjacent frontier vertices that yields the point
    of proposer utility ``x`` (``_polyline_lottery``)."""
    fx, count = frontier.x, frontier.size
    cols = np.arange(len(x))
    below = (frontier.valid & (fx <= x)).sum(axis=0)
    j = np.clip(below - 1, 0, np.maximum(count - 2, 0))
    single = count == 1
    jb = np.where(single, j, j + 1)
    a, b = fx[j, cols], fx[np.minimum(jb, fx.shape[0] - 1), cols]
    s = np.minimum(np.maximum((x - a) / (b - a), 0.0), 1.0)
    s = np.where(single, 0.0, s)
    return j.astype(np.intp), jb.astype(np.intp), 1.0 - s, s


def _certificate(
    frontier: _Frontier,
    ja: _I,
    jb: _I,
    wa: _F,
    wb: _F,
    offer: _Offer,
    d1: _F,
    d2: _F,
    ranges: list[_F],
) -> _F:
    """The larger of the lottery residual, the shortfall below the status quo
    and the optimality gap of Rubinstein's offer, as the per-point solver
    certifies it (``_certify``; its Pareto gap is 0 on the frontier)."""
    cols = np.arange(len(d1))
    pa = np.where(wa > _ZERO, wa, 0.0)
    pb = np.where(wb > _ZERO, wb, 0.0)
    total = pa + pb
    pa, pb = pa / total, pb / total
    fx, fy = frontier.x, frontier.y
    realised_x = pa * fx[ja, cols] + pb * fx[jb, cols]
    realised_y = pa * fy[ja, cols] + pb * fy[jb, cols]
    result: _F = np.maximum.reduce([
        np.abs(realised_x - offer.x) / ranges[0],
        np.abs(realised_y - offer.y) / ranges[1],
        (d1 - offer.x) / ranges[0],
        (d2 - offer.y) / ranges[1],
        offer.gap,
    ])
    return result


def _kalai_smorodinsky(
    ir: _Polyline, d1: _F, d2: _F, ranges: list[_F], possible: _B
) -> tuple[_F, _B, _B]:
    """The proposer's utility at the Kalai-Smorodinsky point
    (``solve_kalai_smorodinsky``, ``_ray_exit_two_players``), where it is a
    deal, and the points left to the per-point solver."""
    x, y, count = ir
    cols = np.arange(len(d1))
    empty = count == 0
    last = np.maximum(count - 1, 0)
    ideal1 = np.maximum(np.where(empty, d1, x[last, cols]), d1)
    ideal2 = np.maximum(np.where(empty, d2, y[0]), d2)
    unit1 = np.where(ideal1 - d1 > _TOL * ranges[0], ideal1 - d1, 0.0)
    unit2 = np.where(ideal2 - d2 > _TOL * ranges[1], ideal2 - d2, 0.0)
    gains = (unit1 > 0) | (unit2 > 0)
    # no lottery gives both more, yet one can gain: linear programs per point
    leximin = gains & ~possible
    agree = gains & possible
    # the ray d + t (unit1, unit2): the first edge it leaves through
    ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
    e0, e1 = bx - ax, by - ay
    det = unit2 * e0 - unit1 * e1
    r0, r1 = ax - d1, ay - d2
    s = (unit1 * r1 - unit2 * r0) / det
    edges = np.arange(x.shape[0] - 1)[:, None] < count - 1
    hit = edges & (s >= -_RAY_SLACK) & (s <= 1.0 + _RAY_SLACK)
    broken = (edges & np.isnan(s)).any(axis=0)
    any_hit = hit.any(axis=0)
    j = np.argmax(hit, axis=0)
    sj, tj = s[j, cols], ((e0 * r1 - e1 * r0) / det)[j, cols]
    inside = d1 + tj * unit1
    exit_x = np.where(sj <= 0.0, ax[j, cols], np.where(sj >= 1.0, bx[j, cols], inside))
    # past every edge: the flat top (first vertex) or the flat side (last)
    fx, fy = x[0], y[0]
    end = np.where(unit2 * (fx - d1) >= unit1 * (fy - d2), fx, x[last, cols])
    result = np.where(count == 1, x[0], np.where(any_hit, exit_x, end))
    return result, agree, leximin | (agree & broken)


def _interp(q: _F, xs: _F, ys: _F, count: _I) -> _F:
    """``np.interp(q, xs, ys)`` per point (columns), with its formula: the
    value at a vertex hit exactly, else ``slope * (q - x_j) + y_j``.  ``xs``
    is +inf past each point's ``count`` vertices."""
    b = q.shape[1]
    cols = np.arange(b)
    small = xs.shape[0] < 255  # counts fit in a byte
    below = np.zeros(q.shape, dtype=np.uint8 if small else np.intp)
    hit = np.empty(q.shape, dtype=bool)
    for i in range(xs.shape[0]):  # the vertices at or left of q
        np.less_equal(xs[i], q, out=hit)
        below += hit.view(np.uint8) if small else hit
    last = count - 1
    j = np.minimum(np.maximum(below.astype(np.intp) - 1, 0), last)
    at = j * b + cols
    xsf, ysf = xs.ravel(), ys.ravel()
    xj, yj = xsf[at], ysf[at]
    ahead = at + b * (j < last)
    slope = (ysf[ahead] - yj) / (xsf[ahead] - xj)
    value = slope * (q - xj) + yj
    value = np.where((j == last) | (xj == q), yj, value)
    value = np.where(q < xs[0], ys[0], value)
    end = last * b + cols
    value = np.where(q > xsf[end], ysf[end], value)
    result: _F = value
    return result


class _Offer(NamedTuple):
    """Rubinstein's first offer at each point of a block (the proposer's and
    the responder's utility), how far the per-point solver's optimality
    certificate finds it from an equilibrium, and the points left to the
    per-point solver."""

    x: _F
    y: _F
    gap: _F
    hard: _B


def _rubinstein(
    ir: _Polyline, d1: _F, d2: _F, deltas: tuple[float, float], ranges: list[_F]
) -> _Offer:
    """The proposer's first offer (``_rubinstein_first_mover``): the largest
    root of ``Phi(s) = G(s) - delta2 G(delta1 s)``, ``G`` the responder's gain
    when the proposer gains ``s``, bracketed between the breakpoints of
    ``Phi``; with the optimality gap of the per-point certificate."""
    delta1, delta2 = deltas
    valid = ir.valid
    xs, ys = np.where(valid, ir.x, np.inf), ir.y
    b = len(d1)
    cols = np.arange(b)
    count = np.maximum(ir.size, 1)  # an empty polyline is no deal (and hard)
    last = count - 1
    span = xs[last, cols] - d1
    kinks = xs - d1
    parts = [np.stack([np.zeros(b), span]), kinks]
    if delta1 > 0:
        parts.append(np.where(kinks <= delta1 * span, kinks / delta1, np.inf))
    grid = np.concatenate(parts)
    finite = np.isfinite(grid)
    grid = np.where(finite, np.minimum(np.maximum(grid, 0.0), span), np.inf)
    grid.sort(axis=0)
    size = finite.sum(axis=0)
    grid = grid[: max(int(size.max()), 1)]
    points = np.where(np.isfinite(grid), grid, 0.0)

    # G at the grid and at delta1 times it, in one pass
    size_grid = grid.shape[0]
    both = _interp(np.concatenate([d1 + points, d1 + delta1 * points]), xs, ys, count)
    gains = both - d2
    values = gains[:size_grid] - delta2 * gains[size_grid:]
    rank = np.arange(grid.shape[0])[:, None]
    nonnegative = (rank < size) & (values >= 0)
    none = ~nonnegative.any(axis=0)
    j = (grid.shape[0] - 1) - np.argmax(nonnegative[::-1], axis=0)
    nxt = np.minimum(j + 1, grid.shape[0] - 1)
    s0, s1 = points[j, cols], points[nxt, cols]
    f0, f1 = values[j, cols], values[nxt, cols]
    s = np.where(j == size - 1, span, s0 + f0 * (s1 - s0) / (f0 - f1))
    at_end = s == span
    x = np.where(at_end, xs[last, cols], d1 + s)
    # the responder's counter-offer, and how far the pair is from indifference
    c1 = np.maximum(d1 + delta1 * s, xs[0])
    at_s, c2 = _interp(np.stack([d1 + s, c1]), xs, ys, count)
    y = np.where(at_end, ys[last, cols], d2 + (at_s - d2))
    accept_x = (d2 + delta2 * (c2 - d2) - y) / ranges[1]
    accept_y = (d1 + delta1 * (x - d1) - c1) / ranges[0]
    slack_x = np.where(at_end, 0.0, np.abs(accept_x))
    slack_y = np.where(c1 == xs[0], 0.0, np.abs(accept_y))
    gap = np.maximum.reduce([accept_x, accept_y, slack_x, slack_y, np.zeros(b)])
    # np.interp's search differs from a count on repeated abscissae
    repeated = (valid[1:] & (xs[1:] == xs[:-1])).any(axis=0)
    return _Offer(x, y, gap, none | repeated | (ir.size == 0))


# ---------------------------------------------------------------------------
# Points left to the per-point solver, and the summary
# ---------------------------------------------------------------------------
def _per_point(
    first: _F, second: _F, solution: Solution, deltas: tuple[float, float]
) -> _F:
    """The per-point solver's lottery at one point (outcomes, status quo last)."""
    from kurilsim.solvers.bargaining.kalai_smorodinsky import solve_kalai_smorodinsky
    from kurilsim.solvers.bargaining.nash import solve_nash_bargaining
    from kurilsim.solvers.bargaining.rubinstein import solve_rubinstein

    problem = BargainingProblem(
        np.stack([first[:-1], second[:-1]], axis=1), np.array([first[-1], second[-1]])
    )
    try:
        if solution == "nash-bargaining":
            result = solve_nash_bargaining(problem)
        elif solution == "kalai-smorodinsky":
            result = solve_kalai_smorodinsky(problem)
        else:
            result = solve_rubinstein(problem, list(deltas), proposer=0)
    except Exception as error:  # the per-point path records it at this point
        raise InvalidGameError(
            f"the per-point {solution} solver fails at the utilities "
            f"{first.tolist()} (proposer) and {second.tolist()} (responder): "
            f"{type(error).__name__}: {error}"
        ) from error
    lottery: _F = np.asarray(result.lottery, dtype=np.float64)
    return lottery


def _summarise(
    table: _F,
    outcomes: _I,
    part: _Lotteries,
    agreement: _I,
    probability: _F,
    expected: _F,
    mode: _F,
) -> None:
    """Fill the block's summary from its lotteries (``table``: the block's
    utilities, agents x outcomes x points; ``outcomes``: each row's column of
    ``table``, the status quo last), as ``Outcome.from_distribution`` does
    after the concept's ``_lottery``."""
    n_rows = len(outcomes)
    cols = np.arange(table.shape[2])
    # the certified lottery: weights above 1e-14, normalised
    wa = np.where(part.weight_a > _ZERO, part.weight_a, 0.0)
    wb = np.where(part.weight_b > _ZERO, part.weight_b, 0.0)
    total = wa + wb
    pa, pb = wa / total, wb / total
    # the outcome: probabilities above 1e-12
    pa = np.where(pa > _DUST, pa, 0.0)
    pb = np.where(pb > _DUST, pb, 0.0)
    deal_a, deal_b = part.row_a < n_rows - 1, part.row_b < n_rows - 1
    index_a, index_b = outcomes[part.row_a], outcomes[part.row_b]
    chance_a = np.where(deal_a, pa, 0.0)
    chance_b = np.where(deal_b, pb, 0.0)
    none = np.where(deal_a, 0.0, pa) + np.where(deal_b, 0.0, pb)
    b_first = (chance_b > chance_a) | ((chance_b == chance_a) & (index_b < index_a))
    best = np.where(b_first, index_b, index_a)
    best_p = np.where(b_first, chance_b, chance_a)
    deal = (best_p > 0) & (best_p >= none)
    agreement[:] = np.where(deal, best, NO_DEAL)
    probability[:] = chance_a + chance_b
    mode[:] = np.where(deal, best_p, none)
    expected[:] = (table[:, index_a, cols] * pa + table[:, index_b, cols] * pb).T
    for c, lottery in part.exact.items():
        _summarise_one(table[:, :, c], outcomes, lottery, c, agreement, probability,
                       expected, mode)


def _summarise_one(
    table: _F,
    outcomes: _I,
    lottery: _F,
    c: int,
    agreement: _I,
    probability: _F,
    expected: _F,
    mode: _F,
) -> None:
    """:func:`_summarise` at one point from a whole lottery (``table``: agents x
    outcomes)."""
    chances: dict[int, float] = {}
    weights = np.zeros(table.shape[1])
    for row, p in enumerate(lottery.tolist()):
        if p > _DUST:
            index = NO_DEAL if row == len(outcomes) - 1 else int(outcomes[row])
            chances[index] = p
            weights[outcomes[row]] += p
    deals = {k: p for k, p in chances.items() if k != NO_DEAL}
    none = chances.get(NO_DEAL, 0.0)
    best = max(deals.items(), key=lambda item: item[1])[0] if deals else NO_DEAL
    deal = best != NO_DEAL and deals[best] >= none
    agreement[c] = best if deal else NO_DEAL
    probability[c] = float(sum(deals.values()))
    mode[c] = deals[best] if deal else none
    expected[c] = table @ weights
