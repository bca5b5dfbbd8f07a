"""Vectorised sweep kernel of the ``"dynamic"`` concept.

The concept (:mod:`kurilsim.concepts`, ``_solve_dynamic``) solves a stationary
Markov perfect equilibrium of the negotiation over time with
:func:`kurilsim.solvers.markov.solve_markov_bargaining`, about 0.4 s a point
for the chain of regimes.  This module solves many points at once, as arrays,
for the two routes the concept takes:

* the **one-state game** (any scenario that is not a regime's: Rubinstein's
  game with random proposers and a status-quo flow);
* the **chain of regimes** (a scenario of the calibrated case named as a
  regime's bundled scenario), when that regime is *transient*: the chain
  never comes back to it once it has left (the regimes ``pre-1960`` to
  ``2010s``, i.e. the scenarios ``1956-declaration``, ``1960-memorandum``,
  ``1993-tokyo``, ``2001-irkutsk`` and ``2018-singapore``).  The regimes
  after it do not depend on the swept scenario: their equilibrium values are
  solved once (per veto mask) by the per-point solver and cached, and the
  regime's own states (the regime, and one phase state per "two islands
  first" agreement) are each a one-state problem with a known continuation.
  The recurrent regimes (``post-2014``, ``post-2022``: ``2020-constitution``
  and ``2022-suspension``) are not served: the kernel raises
  :class:`~kurilsim.InvalidModelError` and the sweep solves those chunks
  point by point.

The one-state problem, for two players with recognition ``rho`` and delay
values ``D = a + b V`` (``a``, ``b`` per point and player), is solved as the
per-point solver defines it (same scaled units, same tie and ramp rules):

1. each state's offers: the Pareto frontier of the convex hull of the final
   agreements (as :func:`kurilsim.solvers.markov._frontier_2d`, for every
   point), plus the phase agreements, whose payoffs are their target states'
   delay values;
2. the Bellman operator is piecewise linear in ``V``: on a piece (which
   frontier edge each proposer's offer lies on, or a vertex, or no offer) it
   is ``T(V) = M V + e`` with a 2 x 2 matrix ``M`` per point, so a Newton
   step solves the piece's fixed point exactly; steps repeat, with a
   per-point convergence mask, until the piece at the new values is the
   piece used (the fixed point is then exact); a step that does not reduce
   the residual ``|T(V) - V|`` (Newton cycling between pieces) is replaced by
   a value-iteration step;
3. certification: the one-shot deviation gains of the resulting profile
   (proposers: best acceptable offer or delay against what they get;
   responders: rejecting against accepting) and the fixed-point residual.

Steps 1-3 run as numpy arrays over the points, or, when numba is installed,
as compiled loops over them (:func:`_hull_loop`, :func:`_solve_loop`: the same
rules written with scalars, about ten times faster); both give the same
results, and numba is optional.  The compiled loops use that a sweep's
neighbouring points are alike: the frontier's sort starts from the previous
point's order, Newton's method from the previous problem's values (the
results do not depend on either start: the sort's key is total and the
operator a contraction).  Without numba, the few points computed exactly (see
below) run the same loops as plain Python, so they need no per-point solve.

Which points are solved otherwise.  The sweep's utilities may differ from a
point's own in the last bit (BLAS blocks a chunk's matrix product
differently), so where the per-point solver's choice could turn on a tie
between agreements (payoffs within ``1e-9`` of the utility range, a frontier's
cross product within rounding of its threshold, an objection's comparison
within rounding), the point is computed again from its own utilities (bit for
bit the per-point solver's) with the per-point solver's tie rules replayed.
Where the answer could turn on what the vectorised solution does not
reproduce bit for bit -- its iterates -- the point is solved with the
concept's own ``solve``: a responder or proposer within ``1e-9`` of mixing
(the per-point solver's ramps), a phase payoff within ``1e-9`` of the
frontier, two outcomes whose probabilities are within ``1e-9`` (the mode's
tie rule), a Newton run that does not settle, a failed certificate.  On the
headline grid of :file:`benchmarks/bench_sweep.py` (1,002,528 points of
``2018-singapore``) 3 points are computed again and 1 is solved by ``solve``.

References
----------
.. [1] A. Rubinstein, "Perfect equilibrium in a bargaining model",
   *Econometrica* 50(1), 97–109, 1982.
.. [2] A. Merlo and C. Wilson, "A stochastic model of sequential bargaining
   with complete information", *Econometrica* 63, 371–399, 1995.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit, numba_disabled

__all__ = [
    "OneStateSolution",
    "solve_one_state_batch",
]

#: The per-point solver's constants (kurilsim.solvers.markov): ties, dust,
#: the outcome's dust (kurilsim.concepts), the default tolerance.
_TIE: Final = 1e-12
_DUST: Final = 1e-14
_OUTCOME_DUST: Final = 1e-12
_TOL: Final = 1e-9

#: Closer than this (scaled units) to a switch of the per-point solver's
#: choices (mixing ramps, an offer's edge, ties between agreements), a point
#: is solved point by point.
_MARGIN: Final = 1e-9

#: Closer than this to -_TIE, a frontier's cross product could be kept or
#: dropped by the per-point solver under rounding: point by point.
_CROSS_MARGIN: Final = 1e-14

#: Probabilities of the outcome's mode and runner-up (or no deal) closer than
#: this: point by point (the per-point solver's tie rule is index order).
_MODE_MARGIN: Final = 1e-9

#: Most Newton steps per one-state problem.
_MAX_NEWTON: Final = 100

#: A fixed point is accepted when its residual is at most this (scaled).
_RESIDUAL: Final = 1e-12

#: Each party's chance to propose (as the concept's games).
_RECOGNITION: Final = (0.5, 0.5)


# ---------------------------------------------------------------------------
# Frontiers, vectorised over points
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Hull:
    """Each point's frontier vertices, sorted by ``x[..., 0]`` descending
    (``x[..., 1]`` ascending), padded: ``x`` ``(P, K, 2)`` (NaN padding),
    ``ids`` ``(P, K)`` agreement (or column) ids (-1 padding), ``n`` ``(P,)``
    vertex counts, ``doubtful`` ``(P,)`` near-degenerate geometry."""

    x: NDArray[np.float64]
    ids: NDArray[np.intp]
    n: NDArray[np.intp]
    doubtful: NDArray[np.bool_]


def _frontier(
    Z: NDArray[np.float64], ids: NDArray[np.intp], valid: NDArray[np.bool_]
) -> _Hull:
    """The Pareto frontier of the convex hull of each point's valid columns,
    as :func:`kurilsim.solvers.markov._frontier_2d` computes it (stable sort
    by ``(-x0, -x1)``, duplicates once, collinear points kept, a point more
    than ``_TIE`` below a chord dropped).

    ``Z`` ``(P, C, 2)``, ``ids`` ``(P, C)``, ``valid`` ``(P, C)``.
    """
    P, C, _ = Z.shape
    if C == 0:
        return _Hull(np.full((P, 0, 2), np.nan), np.full((P, 0), -1, np.intp),
                     np.zeros(P, np.intp), np.zeros(P, bool))
    k0 = np.where(valid, -Z[..., 0], np.inf)
    k1 = np.where(valid, -Z[..., 1], np.inf)
    order = np.lexsort((k1, k0), axis=-1)
    xs = np.take_along_axis(Z, order[..., None], axis=1)
    vs = np.take_along_axis(valid, order, axis=1)
    ids_s = np.take_along_axis(ids, order, axis=1)
    x1 = np.where(vs, xs[..., 1], -np.inf)
    before = np.maximum.accumulate(x1, axis=1)
    top = np.concatenate([np.full((P, 1), -np.inf), before[:, :-1]], axis=1)
    pareto = vs & (x1 > top)
    # near duplicates along either axis (not exact ones: those are structural
    # and resolved the per-point solver's way, the lowest index first)
    gap0 = np.abs(np.diff(np.where(vs, xs[..., 0], np.nan), axis=1))
    doubtful = ((gap0 > 0) & (gap0 < _MARGIN)).any(axis=1)
    with np.errstate(invalid="ignore"):  # -inf - -inf before the first valid one
        gap1 = x1[:, 1:] - top[:, 1:]
    doubtful |= (vs[:, 1:] & (np.abs(gap1) < _MARGIN) & (gap1 != 0)).any(axis=1)
    # the Pareto points first, in order
    counts = pareto.sum(axis=1)
    K = int(counts.max()) if P else 0
    if K == 0:
        return _Hull(np.full((P, 0, 2), np.nan), np.full((P, 0), -1, np.intp),
                     np.zeros(P, np.intp), doubtful)
    first = np.argsort(~pareto, axis=1, kind="stable")[:, :K]
    px = np.take_along_axis(xs, first[..., None], axis=1)
    pid = np.take_along_axis(ids_s, first, axis=1)
    # the hull: drop, all at once, every point more than _TIE below the chord
    # of its surviving neighbours, until none is (the chain the per-point
    # solver's stack rule keeps; a point strictly below a chord of two others
    # is no vertex of the hull, so dropping them together is safe)
    alive = np.arange(K)[None, :] < counts[:, None]
    index = np.broadcast_to(np.arange(K), (P, K))
    while True:
        prev = np.maximum.accumulate(np.where(alive, index, -1), axis=1)
        prev = np.concatenate([np.full((P, 1), -1), prev[:, :-1]], axis=1)
        nxt = np.minimum.accumulate(np.where(alive, index, K)[:, ::-1], axis=1)[:, ::-1]
        nxt = np.concatenate([nxt[:, 1:], np.full((P, 1), K)], axis=1)
        inner = alive & (prev >= 0) & (nxt < K)
        a = np.take_along_axis(px, np.maximum(prev, 0)[..., None], axis=1)
        c = np.take_along_axis(px, np.minimum(nxt, K - 1)[..., None], axis=1)
        cross = (px[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (
            px[..., 1] - a[..., 1]
        ) * (c[..., 0] - a[..., 0])
        drop = inner & (cross < -_TIE)
        if not drop.any():
            break
        alive &= ~drop
    doubtful |= (inner & (np.abs(cross + _TIE) < _CROSS_MARGIN)).any(axis=1)
    n = alive.sum(axis=1)
    Kh = int(n.max()) if P else 0
    keep = np.argsort(~alive, axis=1, kind="stable")[:, :Kh]
    padded = np.arange(Kh)[None, :] >= n[:, None]
    hx = np.take_along_axis(px, keep[..., None], axis=1)
    hx[padded] = np.nan
    hid = np.where(padded, -1, np.take_along_axis(pid, keep, axis=1))
    return _Hull(hx, hid.astype(np.intp), n, doubtful)


def _merge(hull: _Hull, extra: NDArray[np.float64], extra_ids: NDArray[np.intp],
           extra_valid: NDArray[np.bool_], exact: bool = False) -> _Hull:
    """The frontier of a frontier's vertices and more columns (phases);
    ``exact``: as :func:`_hull_of` (without numba, the loop runs as Python)."""
    on = np.arange(hull.x.shape[1])[None, :] < hull.n[:, None]
    valid = np.concatenate([on, extra_valid], axis=1)
    ids = np.concatenate([hull.ids, extra_ids], axis=1)
    compiled = _compiled()
    if compiled is None and exact:
        compiled = _hull_loop
    if compiled is not None:
        # the loop never reads an invalid column: the padding stays as it is
        Z = np.concatenate([hull.x, extra], axis=1)
        merged = _frontier_compiled(compiled, Z, ids, valid, near=True)
        doubtful = merged.doubtful | hull.doubtful
        return _Hull(merged.x, merged.ids, merged.n, doubtful)
    Z = np.concatenate([np.where(on[..., None], hull.x, 0.0), extra], axis=1)
    merged = _frontier(Z, ids, valid)
    # a column off the merged frontier but within a margin of it could tie
    # with its edges in the per-point solver's search over pairs
    near = _distance_below(merged, Z) < _MARGIN
    on = (ids[:, :, None] == merged.ids[:, None, :]).any(axis=2)
    doubtful = merged.doubtful | hull.doubtful | (valid & ~on & near).any(axis=1)
    return _Hull(merged.x, merged.ids, merged.n, doubtful)


# ---------------------------------------------------------------------------
# The same frontier as one compiled loop (numba, optional)
# ---------------------------------------------------------------------------
def _hull_loop(
    Z: NDArray[np.float64], ids: NDArray[np.int64], valid: NDArray[np.bool_],
    near: bool, ties: bool, out_x: NDArray[np.float64], out_ids: NDArray[np.int64],
    out_n: NDArray[np.int64], out_doubtful: NDArray[np.bool_], warm: bool = False,
) -> None:
    """Per point: :func:`kurilsim.solvers.markov._frontier_2d` (stable sort by
    ``(-x0, -x1)``, strict Pareto, stack hull popping below ``-_TIE``), the
    near-degeneracy flags of :func:`_frontier` and, if ``near``, of
    :func:`_merge`; written as scalar loops for numba.

    The sort is an insertion sort on the key ``(-x0, -x1, column)`` (the
    stable sort's order, whatever order the columns are inserted in); with
    ``warm``, a point's columns are inserted in the previous point's sorted
    order (neighbouring points of a sweep mostly share it, so the sort takes
    about one comparison per column)."""
    P, C = valid.shape
    order = np.empty(C, dtype=np.int64)
    kept = np.empty(C, dtype=np.int64)
    start = np.arange(C)
    for p in range(P):
        m = 0
        for i in range(C):
            c = start[i]
            if valid[p, c]:
                # insertion: by x0 descending, then x1 descending, then column
                x0 = Z[p, c, 0]
                x1 = Z[p, c, 1]
                k = m
                while k > 0:
                    o = order[k - 1]
                    y0 = Z[p, o, 0]
                    y1 = Z[p, o, 1]
                    if y0 > x0 or (y0 == x0 and (y1 > x1 or (y1 == x1 and o < c))):
                        break
                    order[k] = o
                    k -= 1
                order[k] = c
                m += 1
        if warm:
            # the next point starts from this order (its invalid columns last)
            for k in range(m):
                start[k] = order[k]
            i = m
            for c in range(C):
                if not valid[p, c]:
                    start[i] = c
                    i += 1
        doubtful = False
        for k in range(1, m):
            gap = abs(Z[p, order[k], 0] - Z[p, order[k - 1], 0])
            if ties and gap > 0 and gap < 1e-9:
                doubtful = True
        n_kept = 0
        top = -np.inf
        for k in range(m):
            row = order[k]
            x1 = Z[p, row, 1]
            if ties and k > 0 and x1 != top and abs(x1 - top) < 1e-9:
                doubtful = True
            if x1 > top:
                kept[n_kept] = row
                n_kept += 1
                top = x1
        n = 0
        for k in range(n_kept):
            row = kept[k]
            while n >= 2:
                a = out_ids[p, n - 2]
                b = out_ids[p, n - 1]
                cross = (Z[p, b, 0] - Z[p, a, 0]) * (Z[p, row, 1] - Z[p, a, 1]) - (
                    Z[p, b, 1] - Z[p, a, 1]
                ) * (Z[p, row, 0] - Z[p, a, 0])
                if ties and abs(cross + 1e-12) < 1e-14:
                    doubtful = True
                if cross < -1e-12:
                    n -= 1
                else:
                    break
            out_ids[p, n] = row
            n += 1
        out_n[p] = n
        for k in range(n):
            out_x[p, k, 0] = Z[p, out_ids[p, k], 0]
            out_x[p, k, 1] = Z[p, out_ids[p, k], 1]
        if near:
            for c in range(C):
                if not valid[p, c]:
                    continue
                on = False
                for k in range(n):
                    if out_ids[p, k] == c:
                        on = True
                if on:
                    continue
                y = Z[p, c, 1]
                best = -np.inf
                for k in range(n):
                    if out_x[p, k, 1] == y:
                        best = max(best, out_x[p, k, 0])
                    if k + 1 < n:
                        lo = out_x[p, k, 1]
                        hi = out_x[p, k + 1, 1]
                        if hi != lo:
                            t = (y - lo) / (hi - lo)
                            if t >= 0 and t <= 1:
                                v = out_x[p, k, 0] + t * (out_x[p, k + 1, 0] - out_x[p, k, 0])
                                best = max(best, v)
                if best > -np.inf and best - Z[p, c, 0] < 1e-9:
                    doubtful = True
        for k in range(n):
            out_ids[p, k] = ids[p, out_ids[p, k]]
        out_doubtful[p] = doubtful


def _choice_loop(
    x: NDArray[np.float64], n: int, D: NDArray[np.float64], k: int, width: float,
    out: NDArray[np.float64], row: int,
) -> None:
    """Proposer ``k``'s choice on one point's frontier ``x[:n]`` given delay
    values ``D``: :func:`_choose` for one point, written with scalars.

    ``out[row]`` receives ``(q, offer_k, offer_j, above, below, weight, kind,
    slope, anchor_k, anchor_j, best, doubtful)``.
    """
    j = 1 - k
    c = D[j]
    count = 0
    for v in range(n):
        if x[v, j] >= c:
            count += 1
    found = count > 0
    last = n - 1 if n > 0 else 0
    if k == 0:
        hi = n - count if found else 0
        lo = hi - 1
        ideal = 0
        near = last
    else:
        hi = count - 1 if found else 0
        lo = hi + 1
        ideal = last
        near = 0
    ideal_ok = found and hi == ideal
    pair = found and not ideal_ok
    lo_c = min(max(lo, 0), max(n - 1, 0))
    xak = x[hi, k]
    xaj = x[hi, j]
    xbk = x[lo_c, k]
    xbj = x[lo_c, j]
    s = 0.0
    t = 1.0
    value = xak
    offer_j = xaj
    if pair:
        s = (xak - xbk) / (xaj - xbj)
        t = (c - xbj) / (xaj - xbj)
        value = xbk + t * (xak - xbk)
        offer_j = c
    # the per-point solver's ties: a single agreement within _TIE of the best
    # offer (the responder's best of them) before a lottery
    single = -1
    if found:
        for v in range(n):
            tied = x[v, j] >= c and x[v, k] >= value - 1e-12
            if tied and (single < 0 or x[v, j] > x[single, j]):
                single = v
    if single >= 0 and (pair or single != hi):
        pair = False
        hi = single
        value = x[hi, k]
        offer_j = x[hi, j]
    shortfall = c - x[near, j]
    gap = value - (D[k] - 1e-12)
    made = found and gap >= 0
    mixing = (found and gap < 0 and gap > -width) or (not found and shortfall < width)
    edge = abs(gap) < 1e-9 or abs(gap + width) < 1e-9 or abs(shortfall) < width + 1e-9
    out[row, 0] = 1.0 if made else 0.0
    out[row, 1] = value
    out[row, 2] = offer_j
    out[row, 3] = hi if found else last
    out[row, 4] = lo_c if pair else out[row, 3]
    out[row, 5] = t if pair else 1.0
    out[row, 6] = (2.0 if pair else 1.0) if made else 0.0
    out[row, 7] = s if pair else 0.0
    out[row, 8] = xbk
    out[row, 9] = xbj
    out[row, 10] = value if found else -np.inf
    out[row, 11] = 1.0 if (n > 0 and (mixing or edge)) else 0.0


def _residual_loop(
    ch: NDArray[np.float64], D: NDArray[np.float64], V: NDArray[np.float64],
    rho: NDArray[np.float64], TV: NDArray[np.float64],
) -> float:
    """``T(V)`` into ``TV`` from the choices ``ch`` at ``D``; ``max |T(V) - V|``."""
    residual = 0.0
    for i in range(2):
        tv = 0.0
        for k in range(2):
            q = ch[k, 0]
            xi = ch[k, 1] if i == k else ch[k, 2]
            tv += rho[k] * (q * xi + (1.0 - q) * D[i])
        TV[i] = tv
        residual = max(residual, abs(tv - V[i]))
    return residual


def _solve_loop(
    x: NDArray[np.float64], ids: NDArray[np.intp], nv: NDArray[np.intp],
    doubtful: NDArray[np.bool_], which: NDArray[np.intp], a: NDArray[np.float64],
    b: NDArray[np.float64], rho: NDArray[np.float64], width: float, tol: float,
    max_newton: int, values: NDArray[np.float64], delay: NDArray[np.float64],
    acceptance: NDArray[np.float64], lottery: NDArray[np.intp],
    weights: NDArray[np.float64], certificate: NDArray[np.float64],
    regular: NDArray[np.bool_], warm: bool = False,
) -> None:
    """:func:`_solve_on` point by point, written with scalars (see there).

    With ``warm``, Newton's method starts from the previous problem's values
    when that problem settled (neighbouring points of a sweep have nearby
    values, so one step usually lands on the fixed point): the operator is a
    contraction, so the fixed point does not depend on the start, and a run
    that ends on its linear piece computes it from that piece alone."""
    P = len(a)
    previous = np.empty(2)
    start = False
    ch = np.empty((2, 12))
    again = np.empty((2, 12))
    TV = np.empty(2)
    TVn = np.empty(2)
    D = np.empty(2)
    V = np.empty(2)
    Vn = np.empty(2)
    for p in range(P):
        h = which[p]
        n = nv[h]
        xp = x[h]
        for i in range(2):
            V[i] = previous[i] if start else a[p, i] / (1.0 - b[p, i])
        done = False
        for i in range(2):
            D[i] = a[p, i] + b[p, i] * V[i]
        for k in range(2):
            _choice_loop(xp, n, D, k, width, ch, k)
        r0 = _residual_loop(ch, D, V, rho, TV)
        for _ in range(max_newton):
            # the fixed point of the piece: T(V) = M V + e
            m00 = 0.0
            m01 = 0.0
            m10 = 0.0
            m11 = 0.0
            e0 = 0.0
            e1 = 0.0
            for k in range(2):
                r = rho[k]
                kind = ch[k, 6]
                if kind == 0.0:
                    m00 += r * b[p, 0]
                    m11 += r * b[p, 1]
                    e0 += r * a[p, 0]
                    e1 += r * a[p, 1]
                elif kind == 1.0:
                    if k == 0:
                        e0 += r * ch[k, 1]
                        e1 += r * ch[k, 2]
                    else:
                        e1 += r * ch[k, 1]
                        e0 += r * ch[k, 2]
                else:
                    sl = ch[k, 7]
                    if k == 0:  # responder 1 gets D_1, proposer 0 the edge
                        m11 += r * b[p, 1]
                        e1 += r * a[p, 1]
                        m01 += r * sl * b[p, 1]
                        e0 += r * (ch[k, 8] + sl * (a[p, 1] - ch[k, 9]))
                    else:
                        m00 += r * b[p, 0]
                        e0 += r * a[p, 0]
                        m10 += r * sl * b[p, 0]
                        e1 += r * (ch[k, 8] + sl * (a[p, 0] - ch[k, 9]))
            a00 = 1.0 - m00
            a01 = -m01
            a10 = -m10
            a11 = 1.0 - m11
            det = a00 * a11 - a01 * a10
            Vn[0] = (a11 * e0 - a01 * e1) / det
            Vn[1] = (a00 * e1 - a10 * e0) / det
            if not (np.isfinite(Vn[0]) and np.isfinite(Vn[1])):
                Vn[0] = V[0]
                Vn[1] = V[1]
            for i in range(2):
                D[i] = a[p, i] + b[p, i] * Vn[i]
            for k in range(2):
                _choice_loop(xp, n, D, k, width, again, k)
            same = True
            for k in range(2):
                if again[k, 6] != ch[k, 6]:
                    same = False
                if again[k, 6] > 0 and again[k, 3] != ch[k, 3]:
                    same = False
                if again[k, 6] == 2.0 and again[k, 4] != ch[k, 4]:
                    same = False
            close = max(abs(Vn[0] - V[0]), abs(Vn[1] - V[1])) <= 1e-15
            rn = _residual_loop(again, D, Vn, rho, TVn)
            if same or close or rn < r0:
                V[0] = Vn[0]
                V[1] = Vn[1]
                ch[:, :] = again  # the choices at the new values
                TV[:] = TVn
                r0 = rn
            else:
                # a step that does not reduce the residual (Newton cycling
                # between pieces): one value-iteration step instead
                V[0] = TV[0]
                V[1] = TV[1]
                for i in range(2):
                    D[i] = a[p, i] + b[p, i] * V[i]
                for k in range(2):
                    _choice_loop(xp, n, D, k, width, ch, k)
                r0 = _residual_loop(ch, D, V, rho, TV)
            if same or close or r0 <= 1e-15:
                done = True
                break
        for i in range(2):
            D[i] = a[p, i] + b[p, i] * V[i]
        residual = 0.0
        gains = 0.0
        for i in range(2):
            tv = 0.0
            for k in range(2):
                q = ch[k, 0]
                xi = ch[k, 1] if i == k else ch[k, 2]
                tv += rho[k] * (q * xi + (1.0 - q) * D[i])
            residual = max(residual, abs(tv - V[i]))
        for k in range(2):
            j = 1 - k
            made = ch[k, 0] > 0
            if made:
                gains = max(gains, D[j] - ch[k, 2])
            value = ch[k, 1] if made else D[k]
            gains = max(gains, max(D[k], ch[k, 10]) - value)
        cert = max(gains, residual)
        odd = ch[0, 11] > 0 or ch[1, 11] > 0
        for i in range(2):
            values[p, i] = V[i]
            delay[p, i] = D[i]
        for k in range(2):
            acceptance[p, k] = ch[k, 0]
            lottery[p, k, 0] = ids[h, int(ch[k, 3])] if n > 0 else -1
            lottery[p, k, 1] = ids[h, int(ch[k, 4])] if n > 0 else -1
            weights[p, k] = ch[k, 5]
        certificate[p] = cert
        regular[p] = (done and not doubtful[h] and not odd and residual <= 1e-12
                      and cert <= tol)
        start = warm and done and np.isfinite(V[0]) and np.isfinite(V[1])
        previous[0] = V[0]
        previous[1] = V[1]


@functools.lru_cache(maxsize=1)
def _compiled() -> Any:
    """The compiled :func:`_hull_loop`, or None without numba (or with
    ``KURILSIM_DISABLE_NUMBA`` set)."""
    if numba_disabled() or not have_numba():
        return None
    return jit(_hull_loop)


@functools.lru_cache(maxsize=1)
def _compiled_solve() -> Any:
    """The compiled :func:`_solve_loop`, or None without numba (or with
    ``KURILSIM_DISABLE_NUMBA`` set)."""
    if numba_disabled() or not have_numba():
        return None
    from numba import njit
    # the compiled loop calls the compiled helpers (globals are bound when
    # numba compiles it)
    global _choice_loop, _residual_loop
    _choice_loop = njit(cache=True, nogil=True, inline="always")(_choice_loop)
    _residual_loop = njit(cache=True, nogil=True, inline="always")(_residual_loop)
    return njit(cache=True, nogil=True)(_solve_loop)


def _frontier_compiled(
    compiled: Any, Z: NDArray[np.float64], ids: NDArray[np.intp],
    valid: NDArray[np.bool_], *, near: bool = False, ties: bool = True,
    warm: bool = False,
) -> _Hull:
    """:func:`_frontier` (and :func:`_merge`'s flags) by the compiled loop."""
    P, C, _ = Z.shape
    x = np.empty((P, max(C, 1), 2))  # only the first n[p] rows are read
    hid = np.empty((P, max(C, 1)), dtype=np.int64)
    n = np.zeros(P, dtype=np.int64)
    doubtful = np.zeros(P, dtype=bool)
    compiled(np.asarray(Z, dtype=np.float64), np.asarray(ids, dtype=np.int64),
             np.asarray(valid, dtype=np.bool_), near, ties, x, hid, n, doubtful, warm)
    K = int(n.max()) if P else 0
    return _Hull(x[:, :K], hid[:, :K], n, doubtful)


def _distance_below(hull: _Hull, Z: NDArray[np.float64]) -> NDArray[np.float64]:
    """How far each column of ``Z`` ``(P, C, 2)`` lies below the frontier, in
    the first coordinate at its second (inf beyond the frontier's range)."""
    x0 = hull.x[:, None, :, 0]  # (P, 1, K)
    x1 = hull.x[:, None, :, 1]
    y = Z[..., 1][..., None]  # (P, C, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (y - x1[..., :-1]) / (x1[..., 1:] - x1[..., :-1])
        inside = (t >= 0) & (t <= 1)
        value = x0[..., :-1] + t * (x0[..., 1:] - x0[..., :-1])
    value = np.where(inside, value, -np.inf).max(axis=-1, initial=-np.inf)
    at = np.where(x1 == y, x0, -np.inf).max(axis=-1, initial=-np.inf)
    best = np.maximum(value, at)
    result: NDArray[np.float64] = np.where(np.isfinite(best), best - Z[..., 0], np.inf)
    return result


# ---------------------------------------------------------------------------
# One state, many points
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Offers:
    """Each proposer's choice at a batch of points: ``q`` ``(P, 2)`` the
    probability the offer is made and accepted (0 or 1), ``x`` ``(P, 2, 2)``
    the offer's payoffs (proposer, player), ``above``/``below`` ``(P, 2)`` the
    frontier vertices of the offer (the same for a single agreement),
    ``weight`` ``(P, 2)`` the weight of ``above``, ``kind`` ``(P, 2)``
    (0: no offer, 1: a vertex, 2: an edge), ``doubtful`` ``(P,)``; linear
    pieces: ``slope`` ``(P, 2)``, ``anchor`` ``(P, 2, 2)`` (the below vertex)."""

    q: NDArray[np.float64]
    x: NDArray[np.float64]
    above: NDArray[np.intp]
    below: NDArray[np.intp]
    weight: NDArray[np.float64]
    kind: NDArray[np.intp]
    doubtful: NDArray[np.bool_]
    slope: NDArray[np.float64]
    anchor: NDArray[np.float64]
    best: NDArray[np.float64]


def _choose(hull: _Hull, D: NDArray[np.float64], width: float) -> _Offers:
    """Each proposer's best acceptable offer on the frontier given delay values
    ``D`` ``(P, 2)``, by the per-point solver's rules (``_choose_two``)."""
    P = len(D)
    rows = np.arange(P)
    K = hull.x.shape[1]
    n = hull.n
    q = np.zeros((P, 2))
    x = np.zeros((P, 2, 2))
    above = np.zeros((P, 2), dtype=np.intp)
    below = np.zeros((P, 2), dtype=np.intp)
    weight = np.ones((P, 2))
    kind = np.zeros((P, 2), dtype=np.intp)
    slope = np.zeros((P, 2))
    anchor = np.zeros((P, 2, 2))
    best = np.full((P, 2), -np.inf)
    doubtful = np.zeros(P, dtype=bool)
    if K == 0:
        return _Offers(q, x, above, below, weight, kind, doubtful, slope, anchor, best)
    some = n > 0
    last = np.maximum(n - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        for k in (0, 1):
            j = 1 - k
            c = D[:, j]
            xj = hull.x[..., j]
            # vertices acceptable to the responder: a prefix (k = 1) or a
            # suffix (k = 0) of the vertex order
            ok = (xj >= c[:, None]) & (np.arange(K)[None, :] < n[:, None])
            count = ok.sum(axis=1)
            found = count > 0
            ideal: NDArray[np.intp]
            if k == 0:  # vertices with xj >= c are the last `count` ones
                hi = np.where(found, n - count, 0)  # first acceptable vertex
                lo = hi - 1  # the last one below
                ideal = np.zeros(P, dtype=np.intp)
            else:  # the first `count` ones
                hi = np.where(found, count - 1, 0)
                lo = hi + 1
                ideal = last
            ideal_ok = found & (hi == ideal)
            pair = found & ~ideal_ok
            lo_c = np.clip(lo, 0, max(K - 1, 0))
            xa = hull.x[rows, hi]
            xb = hull.x[rows, lo_c]
            s = (xa[:, k] - xb[:, k]) / (xa[:, j] - xb[:, j])
            t = (c - xb[:, j]) / (xa[:, j] - xb[:, j])
            value = np.where(pair, xb[:, k] + t * (xa[:, k] - xb[:, k]), xa[:, k])
            offer = np.empty((P, 2))
            offer[:, k] = value
            offer[:, j] = np.where(pair, c, xa[:, j])
            # nothing acceptable: the responder's best vertex, accepted with a
            # probability falling over the ramp
            near = hull.x[rows, last if k == 0 else 0]
            shortfall = c - near[:, j]
            gap = offer[:, k] - (D[:, k] - _TIE)
            made = found & (gap >= 0)
            mixing = (found & (gap < 0) & (gap > -width)) | (
                ~found & some & (shortfall < width)
            )
            edge = (np.abs(gap) < _MARGIN) | (np.abs(gap + width) < _MARGIN)
            edge |= np.abs(shortfall) < width + _MARGIN
            doubtful |= some & (mixing | (edge & found) | (~found & edge))
            q[:, k] = np.where(made, 1.0, 0.0)
            x[:, k, :] = offer
            above[:, k] = np.where(found, hi, last)
            below[:, k] = np.where(pair, lo_c, above[:, k])
            weight[:, k] = np.where(pair, t, 1.0)
            kind[:, k] = np.where(made, np.where(pair, 2, 1), 0)
            slope[:, k] = np.where(pair, s, 0.0)
            anchor[:, k, :] = xb
            best[:, k] = np.where(found, value, -np.inf)
    return _Offers(q, x, above, below, weight, kind, doubtful, slope, anchor, best)


def _bellman(
    offers: _Offers, D: NDArray[np.float64], rho: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``T(V)`` from the choices at ``D``: each proposer's offer if made, else delay."""
    q = offers.q[..., None]
    outcome = q * offers.x + (1.0 - q) * D[:, None, :]
    result: NDArray[np.float64] = np.einsum("k,pki->pi", rho, outcome)
    return result


def _newton_step(
    offers: _Offers, a: NDArray[np.float64], b: NDArray[np.float64],
    rho: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The fixed point of the linear piece of ``T`` the choices ``offers`` are on."""
    P = len(a)
    M = np.zeros((P, 2, 2))
    e = np.zeros((P, 2))
    for k in (0, 1):
        j = 1 - k
        r = rho[k]
        none = offers.kind[:, k] == 0
        vertex = offers.kind[:, k] == 1
        edge = offers.kind[:, k] == 2
        # no offer: both get their delay values
        for i in (0, 1):
            M[:, i, i] += np.where(none, r * b[:, i], 0.0)
            e[:, i] += np.where(none, r * a[:, i], 0.0)
            e[:, i] += np.where(vertex, r * offers.x[:, k, i], 0.0)
        # an edge: the responder gets its delay value, the proposer the edge there
        M[:, j, j] += np.where(edge, r * b[:, j], 0.0)
        e[:, j] += np.where(edge, r * a[:, j], 0.0)
        s = offers.slope[:, k]
        xb = offers.anchor[:, k]
        M[:, k, j] += np.where(edge, r * s * b[:, j], 0.0)
        e[:, k] += np.where(edge, r * (xb[:, k] + s * (a[:, j] - xb[:, j])), 0.0)
    A = np.eye(2)[None] - M
    det = A[:, 0, 0] * A[:, 1, 1] - A[:, 0, 1] * A[:, 1, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        V = np.stack(
            [
                (A[:, 1, 1] * e[:, 0] - A[:, 0, 1] * e[:, 1]) / det,
                (A[:, 0, 0] * e[:, 1] - A[:, 1, 0] * e[:, 0]) / det,
            ],
            axis=1,
        )
    return V


def _piece(offers: _Offers) -> NDArray[np.intp]:
    return np.concatenate(
        [offers.kind, np.where(offers.kind > 0, offers.above, -1),
         np.where(offers.kind == 2, offers.below, -1)], axis=1
    )


@dataclass(frozen=True, slots=True)
class OneStateSolution:
    """The solution of a one-state problem at many points (scaled units).

    Attributes
    ----------
    values : ndarray, shape (P, 2)
        Each player's value at the start of a period.
    delay : ndarray, shape (P, 2)
        Each player's delay value ``a + b * values``.
    acceptance : ndarray, shape (P, 2)
        Whether each proposer's offer is made and accepted (0 or 1).
    lottery : ndarray, shape (P, 2, 2)
        Each proposer's offer as two column ids ``[..., 0]`` (weight
        ``weights[:, k]``) and ``[..., 1]`` (the rest), the same id for a
        single agreement.
    weights : ndarray, shape (P, 2)
    certificate : ndarray, shape (P,)
        The largest one-shot deviation gain (scaled).
    regular : ndarray of bool, shape (P,)
        Whether the point is certified and away from every switch of the
        per-point solver's choices (see the module's notes).
    """

    values: NDArray[np.float64]
    delay: NDArray[np.float64]
    acceptance: NDArray[np.float64]
    lottery: NDArray[np.intp]
    weights: NDArray[np.float64]
    certificate: NDArray[np.float64]
    regular: NDArray[np.bool_]


def solve_one_state_batch(
    Z: NDArray[np.float64],
    ids: NDArray[np.intp],
    valid: NDArray[np.bool_],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    *,
    extra: tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.bool_]] | None = None,
    rho: tuple[float, float] = _RECOGNITION,
    tol: float = _TOL,
    exact: bool = False,
) -> OneStateSolution:
    """Stationary equilibria of two-player one-state bargaining problems, at
    many points at once.

    At point ``p`` player ``k`` proposes with probability ``rho[k]`` a lottery
    over the final agreements ``Z[p, c]`` (``valid[p, c]``) or the extra
    columns (phases, fixed payoffs); the responder ``j`` accepts iff it gets
    its delay value ``D_j = a_j + b_j V_j`` (``V``: the values at the start of
    a period), as in :func:`kurilsim.solvers.markov.solve_markov_bargaining`
    for one state whose rejection leads back to it with probability
    ``b_j / delta_j`` and otherwise to a state of known value.  All payoffs in
    the scaled units of that solver.

    Parameters
    ----------
    Z : ndarray, shape (P, C, 2)
        Scaled payoffs of the final agreements.
    ids : ndarray of int, shape (P, C) or (C,)
        The columns' ids (agreement indices), reported in ``lottery``.
    valid : ndarray of bool, shape (P, C)
    a, b : ndarray, shape (P, 2)
        Delay values ``D = a + b V``, ``0 <= b < 1``.
    extra : tuple of arrays, optional
        Phase columns ``(payoffs (P, E, 2), ids (P, E), valid (P, E))``.
    rho : pair of float
        Recognition probabilities.
    tol : float
        The per-point solver's tolerance (its final mixing ramp is ``tol / 4``).
    exact : bool
        Whether ``Z`` is bit for bit what the per-point solver sees (then
        near-ties between agreements are resolved by its rules, not flagged).

    Returns
    -------
    OneStateSolution

    Examples
    --------
    A unit pie over its two extreme splits, discount factors 0.9 (``b``), no
    flow, random proposers: player ``k`` gets ``(1 - d_j) / (2 - d_k - d_j)``,
    an even split here.

    >>> import numpy as np
    >>> from kurilsim.solvers._markov_kernel import solve_one_state_batch
    >>> Z = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> solution = solve_one_state_batch(Z, np.array([0, 1]), np.ones((1, 2), bool),
    ...                                  np.zeros((1, 2)), np.full((1, 2), 0.9))
    >>> solution.values.round(6), bool(solution.regular[0])
    (array([[0.5, 0.5]]), True)
    """
    ids = np.broadcast_to(np.asarray(ids, dtype=np.intp), valid.shape)
    hull = _hull_of(Z, ids, valid, exact)
    if extra is not None:
        hull = _merge(hull, *extra, exact=exact)
    return _solve_on(hull, a, b, rho=rho, tol=tol, plain=exact)


def _hull_of(
    Z: NDArray[np.float64], ids: NDArray[np.intp], valid: NDArray[np.bool_],
    exact: bool = False,
) -> _Hull:
    """:func:`_frontier`, compiled when numba is installed.  ``exact``: the
    payoffs are bit for bit the per-point solver's, so its sort, Pareto and
    stack rules are replayed as they are and near-ties between agreements are
    not flagged (by the loop: the numpy elimination is not the stack rule in
    degenerate cases; without numba the loop then runs as plain Python, for
    the few points computed exactly)."""
    compiled = _compiled()
    if compiled is None and exact:
        compiled = _hull_loop
    if compiled is None:
        return _frontier(Z, ids, valid)
    # the columns are the same agreements at every point: warm-started sort
    return _frontier_compiled(compiled, Z, ids, valid, ties=not exact, warm=True)


def _tile(hull: _Hull, times: int) -> _Hull:
    """``hull`` repeated ``times`` times along the points (block-major)."""
    return _Hull(np.tile(hull.x, (times, 1, 1)), np.tile(hull.ids, (times, 1)),
                 np.tile(hull.n, times), np.tile(hull.doubtful, times))


def _solve_on(
    hull: _Hull, a: NDArray[np.float64], b: NDArray[np.float64], *,
    rho: tuple[float, float] = _RECOGNITION, tol: float = _TOL, times: int = 1,
    warm: bool = True, plain: bool = False,
) -> OneStateSolution:
    """:func:`solve_one_state_batch` given each point's frontier; ``times``
    problems per frontier (block-major: problem ``v * P + p`` on frontier ``p``);
    ``warm``: the compiled loop starts each problem from the previous one's
    values (see :func:`_solve_loop`); ``plain``: without numba, run that loop
    as plain Python (for the few points computed exactly) rather than the
    vectorised iteration."""
    P = len(a)
    rho_a = np.asarray(rho, dtype=np.float64)
    width = tol / 4.0
    compiled = _compiled_solve()
    if compiled is None and plain:
        compiled = _solve_loop
    if compiled is None and times > 1:
        hull = _tile(hull, times)
    if compiled is not None:
        out = OneStateSolution(
            values=np.empty((P, 2)), delay=np.empty((P, 2)), acceptance=np.empty((P, 2)),
            lottery=np.empty((P, 2, 2), dtype=np.intp), weights=np.empty((P, 2)),
            certificate=np.empty(P), regular=np.empty(P, dtype=bool),
        )
        K = hull.x.shape[1]
        H = len(hull.n)
        x = hull.x if K else np.full((H, 1, 2), np.nan)
        hid = hull.ids if K else np.full((H, 1), -1, np.intp)
        which = np.tile(np.arange(H), times)
        compiled(x, hid, hull.n, hull.doubtful,
                 which, np.ascontiguousarray(a, dtype=np.float64),
                 np.ascontiguousarray(b, dtype=np.float64), rho_a, width, tol,
                 _MAX_NEWTON, out.values, out.delay, out.acceptance, out.lottery,
                 out.weights, out.certificate, out.regular, warm)
        return out
    V = a / (1.0 - b)
    done = np.zeros(P, dtype=bool)
    active = np.arange(P)
    for _ in range(_MAX_NEWTON):
        if not len(active):
            break
        sub = _Hull(hull.x[active], hull.ids[active], hull.n[active],
                    hull.doubtful[active])
        Va, aa, ba = V[active], a[active], b[active]
        Da = aa + ba * Va
        offers = _choose(sub, Da, width)
        TVa = _bellman(offers, Da, rho_a)
        r0 = np.abs(TVa - Va).max(axis=1)
        Vn = _newton_step(offers, aa, ba, rho_a)
        bad = ~np.isfinite(Vn).all(axis=1)
        Vn[bad] = Va[bad]
        Dn = aa + ba * Vn
        again = _choose(sub, Dn, width)
        rn = np.abs(_bellman(again, Dn, rho_a) - Vn).max(axis=1)
        settled = (_piece(again) == _piece(offers)).all(axis=1) | (
            np.abs(Vn - Va).max(axis=1) <= 1e-15
        )
        # a step that does not reduce the residual (Newton cycling between
        # pieces): one value-iteration step instead
        take = settled | (rn < r0)
        V[active] = np.where(take[:, None], Vn, TVa)
        settled |= ~take & (r0 <= 1e-15)
        done[active[settled]] = True
        active = active[~settled]
    D = a + b * V
    offers = _choose(hull, D, width)
    TV = _bellman(offers, D, rho_a)
    residual = np.abs(TV - V).max(axis=1)
    # the one-shot deviation gains of the profile at these values
    gains = np.zeros(P)
    for k in (0, 1):
        j = 1 - k
        made = offers.q[:, k] > 0
        gains = np.maximum(gains, np.where(made, D[:, j] - offers.x[:, k, j], 0.0))
        value = np.where(made, offers.x[:, k, k], D[:, k])
        best = np.maximum(D[:, k], offers.best[:, k])
        gains = np.maximum(gains, best - value)
    certificate = np.maximum(gains, residual)
    regular = (
        done & ~hull.doubtful & ~offers.doubtful & (residual <= _RESIDUAL)
        & (certificate <= tol)
    )
    if hull.ids.shape[1]:
        lottery = np.stack(
            [np.take_along_axis(hull.ids, offers.above, axis=1),
             np.take_along_axis(hull.ids, offers.below, axis=1)], axis=2
        )
    else:  # nothing to offer anywhere
        lottery = np.full((P, 2, 2), -1, dtype=np.intp)
    return OneStateSolution(
        values=V, delay=D, acceptance=offers.q, lottery=lottery,
        weights=offers.weight, certificate=certificate, regular=regular,
    )
