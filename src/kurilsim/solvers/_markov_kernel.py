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
import threading
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit, numba_disabled

__all__ = [
    "OneStateSolution",
    "PhasedSolution",
    "solve_one_state_batch",
    "solve_phased_batch",
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
def _hull_point(
    Z: NDArray[np.float64], ids: NDArray[np.int64], valid: NDArray[np.bool_],
    near: bool, ties: bool, out_x: NDArray[np.float64], out_ids: NDArray[np.int64],
    order: NDArray[np.int64], kept: NDArray[np.int64], start: NDArray[np.int64],
    warm: bool,
) -> tuple[int, bool]:
    """One point of :func:`_hull_loop`: the frontier of the columns of ``Z``
    ``(C, 2)`` into ``out_x``, ``out_ids`` (their first ``n`` rows); returns
    ``(n, doubtful)``.  ``order``, ``kept``: work arrays of ``C``; ``start``:
    the insertion order (updated to this point's sorted order with ``warm``)."""
    C = len(valid)
    m = 0
    for i in range(C):
        c = start[i]
        if valid[c]:
            # insertion: by x0 descending, then x1 descending, then column
            x0 = Z[c, 0]
            x1 = Z[c, 1]
            k = m
            while k > 0:
                o = order[k - 1]
                y0 = Z[o, 0]
                y1 = Z[o, 1]
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
            if not valid[c]:
                start[i] = c
                i += 1
    doubtful = False
    if ties:
        for k in range(1, m):
            gap = abs(Z[order[k], 0] - Z[order[k - 1], 0])
            if gap > 0 and gap < 1e-9:
                doubtful = True
    n_kept = 0
    top = -np.inf
    for k in range(m):
        row = order[k]
        x1 = Z[row, 1]
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
            a = out_ids[n - 2]
            b = out_ids[n - 1]
            cross = (Z[b, 0] - Z[a, 0]) * (Z[row, 1] - Z[a, 1]) - (
                Z[b, 1] - Z[a, 1]
            ) * (Z[row, 0] - Z[a, 0])
            if ties and abs(cross + 1e-12) < 1e-14:
                doubtful = True
            if cross < -1e-12:
                n -= 1
            else:
                break
        out_ids[n] = row
        n += 1
    for k in range(n):
        out_x[k, 0] = Z[out_ids[k], 0]
        out_x[k, 1] = Z[out_ids[k], 1]
    if near:
        for c in range(C):
            if not valid[c]:
                continue
            on = False
            for k in range(n):
                if out_ids[k] == c:
                    on = True
            if on:
                continue
            y = Z[c, 1]
            best = -np.inf
            for k in range(n):
                if out_x[k, 1] == y:
                    best = max(best, out_x[k, 0])
                if k + 1 < n:
                    lo = out_x[k, 1]
                    hi = out_x[k + 1, 1]
                    # 0 <= t <= 1 exactly when 0 <= y - lo <= hi - lo (rounded
                    # differences: the rounded quotient of two positive
                    # numbers is at most 1 iff the numerator is at most the
                    # denominator): the division only on those segments
                    # (the frontier's second coordinate increases)
                    if hi < lo or (hi > lo and y - lo >= 0 and y - lo <= hi - lo):
                        t = (y - lo) / (hi - lo)
                        if t >= 0 and t <= 1:
                            v = out_x[k, 0] + t * (out_x[k + 1, 0] - out_x[k, 0])
                            best = max(best, v)
            if best > -np.inf and best - Z[c, 0] < 1e-9:
                doubtful = True
    for k in range(n):
        out_ids[k] = ids[out_ids[k]]
    return n, doubtful


def _hull_loop(
    Z: NDArray[np.float64], ids: NDArray[np.int64], valid: NDArray[np.bool_],
    near: bool, ties: bool, out_x: NDArray[np.float64], out_ids: NDArray[np.int64],
    out_n: NDArray[np.int64], out_doubtful: NDArray[np.bool_], warm: bool = False,
) -> None:
    """Per point: :func:`kurilsim.solvers.markov._frontier_2d` (stable sort by
    ``(-x0, -x1)``, strict Pareto, stack hull popping below ``-_TIE``), the
    near-degeneracy flags of :func:`_frontier` and, if ``near``, of
    :func:`_merge`; written as scalar loops for numba (:func:`_hull_point`).

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
        n, doubtful = _hull_point(Z[p], ids[p], valid[p], near, ties, out_x[p],
                                  out_ids[p], order, kept, start, warm)
        out_n[p] = n
        out_doubtful[p] = doubtful


def _choice_loop(
    x: NDArray[np.float64], n: int, dk: float, dj: float, k: int, width: float,
    out: NDArray[np.float64], row: int,
) -> None:
    """Proposer ``k``'s choice on one point's frontier ``x[:n]`` given the
    delay values ``dk`` (its own) and ``dj`` (the responder's): :func:`_choose`
    for one point, written with scalars.

    ``out[row]`` receives ``(q, offer_k, offer_j, above, below, weight, kind,
    slope, anchor_k, anchor_j, best, doubtful)``.
    """
    j = 1 - k
    c = dj
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
    gap = value - (dk - 1e-12)
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
    ch: NDArray[np.float64], d0: float, d1: float, v0: float, v1: float,
    rho: NDArray[np.float64],
) -> tuple[float, float, float]:
    """``T(V)`` from the choices ``ch`` at the delay values ``(d0, d1)``, and
    ``max |T(V) - V|`` (``V = (v0, v1)``)."""
    tv0 = 0.0
    tv1 = 0.0
    for k in range(2):
        q = ch[k, 0]
        x0 = ch[k, 1] if k == 0 else ch[k, 2]
        x1 = ch[k, 1] if k == 1 else ch[k, 2]
        tv0 += rho[k] * (q * x0 + (1.0 - q) * d0)
        tv1 += rho[k] * (q * x1 + (1.0 - q) * d1)
    return tv0, tv1, max(abs(tv0 - v0), abs(tv1 - v1))


def _solve_point(
    xp: NDArray[np.float64], idp: NDArray[np.int64], n: int, hull_doubtful: bool,
    a0: float, a1: float, b0: float, b1: float, rho: NDArray[np.float64],
    width: float, tol: float, max_newton: int, v0: float, v1: float,
    ch: NDArray[np.float64], again: NDArray[np.float64],
    values: NDArray[np.float64], delay: NDArray[np.float64],
    acceptance: NDArray[np.float64], lottery: NDArray[np.intp],
    weights: NDArray[np.float64], certificate: NDArray[np.float64],
    regular: NDArray[np.bool_], row: int, pieces: NDArray[np.int64], slot: int,
    guess: bool,
) -> bool:
    """One problem of :func:`_solve_loop` (frontier ``xp[:n]`` with ids
    ``idp``, delay values ``a + b V``), Newton's method started at
    ``(v0, v1)``, into row ``row`` of the outputs; returns whether it settled
    on a finite fixed point.  ``ch``, ``again``: ``(2, 12)`` work arrays.
    Written with scalars: no array views in the loop (each costs numba a
    reference count).

    ``pieces[slot]`` ``(2, 3)``: each proposer's piece (kind, above, below)
    at the fixed point, written when the problem settles; with ``guess``, the
    first Newton step is taken on the piece found there (the previous
    problem's), and if the choices at its fixed point are that piece, that
    is the fixed point (the operator is a contraction: it has one, and a
    piece whose own fixed point keeps its choices holds it); otherwise the
    method starts at ``(v0, v1)`` as without a guess."""
    V0 = v0
    V1 = v1
    done = False
    if guess:
        fits = True
        for k in range(2):
            j = 1 - k
            kind = pieces[slot, k, 0]
            hi = pieces[slot, k, 1]
            lo = pieces[slot, k, 2]
            if hi >= n or lo >= n:
                fits = False
                break
            ch[k, 6] = kind
            ch[k, 3] = hi
            ch[k, 4] = lo
            if kind == 1:
                ch[k, 1] = xp[hi, k]
                ch[k, 2] = xp[hi, j]
            elif kind == 2:
                xak = xp[hi, k]
                xaj = xp[hi, j]
                xbk = xp[lo, k]
                xbj = xp[lo, j]
                ch[k, 7] = (xak - xbk) / (xaj - xbj)
                ch[k, 8] = xbk
                ch[k, 9] = xbj
        if fits:
            V0, V1 = _newton_point(ch, a0, a1, b0, b1, rho, v0, v1)
            D0 = a0 + b0 * V0
            D1 = a1 + b1 * V1
            _choice_loop(xp, n, D0, D1, 0, width, again, 0)
            _choice_loop(xp, n, D1, D0, 1, width, again, 1)
            if _same_piece(ch, again):
                for k in range(2):
                    for f in range(12):
                        ch[k, f] = again[k, f]
                done = True
            else:
                V0 = v0
                V1 = v1
    if not done:
        V0, V1, done = _newton_loop(xp, n, a0, a1, b0, b1, rho, width, max_newton,
                                    V0, V1, ch, again)
    D0 = a0 + b0 * V0
    D1 = a1 + b1 * V1
    _, _, residual = _residual_loop(ch, D0, D1, V0, V1, rho)
    gains = 0.0
    for k in range(2):
        dk = D0 if k == 0 else D1
        dj = D1 if k == 0 else D0
        made = ch[k, 0] > 0
        if made:
            gains = max(gains, dj - ch[k, 2])
        value = ch[k, 1] if made else dk
        gains = max(gains, max(dk, ch[k, 10]) - value)
    cert = max(gains, residual)
    odd = ch[0, 11] > 0 or ch[1, 11] > 0
    values[row, 0] = V0
    values[row, 1] = V1
    delay[row, 0] = D0
    delay[row, 1] = D1
    for k in range(2):
        acceptance[row, k] = ch[k, 0]
        lottery[row, k, 0] = idp[int(ch[k, 3])] if n > 0 else -1
        lottery[row, k, 1] = idp[int(ch[k, 4])] if n > 0 else -1
        weights[row, k] = ch[k, 5]
        pieces[slot, k, 0] = int(ch[k, 6])
        pieces[slot, k, 1] = int(ch[k, 3])
        pieces[slot, k, 2] = int(ch[k, 4])
    certificate[row] = cert
    regular[row] = (done and not hull_doubtful and not odd and residual <= 1e-12
                    and cert <= tol)
    return done and np.isfinite(V0) and np.isfinite(V1)


def _same_piece(ch: NDArray[np.float64], again: NDArray[np.float64]) -> bool:
    """Whether two choices are on the same linear piece of the operator."""
    same = True
    for k in range(2):
        if again[k, 6] != ch[k, 6]:
            same = False
        if again[k, 6] > 0 and again[k, 3] != ch[k, 3]:
            same = False
        if again[k, 6] == 2.0 and again[k, 4] != ch[k, 4]:
            same = False
    return same


def _newton_point(
    ch: NDArray[np.float64], a0: float, a1: float, b0: float, b1: float,
    rho: NDArray[np.float64], v0: float, v1: float,
) -> tuple[float, float]:
    """The fixed point of the piece ``ch`` (``T(V) = M V + e``); ``(v0, v1)``
    where it is not finite."""
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
            m00 += r * b0
            m11 += r * b1
            e0 += r * a0
            e1 += r * a1
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
                m11 += r * b1
                e1 += r * a1
                m01 += r * sl * b1
                e0 += r * (ch[k, 8] + sl * (a1 - ch[k, 9]))
            else:
                m00 += r * b0
                e0 += r * a0
                m10 += r * sl * b0
                e1 += r * (ch[k, 8] + sl * (a0 - ch[k, 9]))
    a00 = 1.0 - m00
    a01 = -m01
    a10 = -m10
    a11 = 1.0 - m11
    det = a00 * a11 - a01 * a10
    Vn0 = (a11 * e0 - a01 * e1) / det
    Vn1 = (a00 * e1 - a10 * e0) / det
    if not (np.isfinite(Vn0) and np.isfinite(Vn1)):
        return v0, v1
    return Vn0, Vn1


def _newton_loop(
    xp: NDArray[np.float64], n: int, a0: float, a1: float, b0: float, b1: float,
    rho: NDArray[np.float64], width: float, max_newton: int, V0: float, V1: float,
    ch: NDArray[np.float64], again: NDArray[np.float64],
) -> tuple[float, float, bool]:
    """Newton's method from ``(V0, V1)`` (value-iteration steps where a step
    does not reduce the residual); the values, whether they settled, the
    choices there in ``ch``."""
    done = False
    D0 = a0 + b0 * V0
    D1 = a1 + b1 * V1
    _choice_loop(xp, n, D0, D1, 0, width, ch, 0)
    _choice_loop(xp, n, D1, D0, 1, width, ch, 1)
    TV0, TV1, r0 = _residual_loop(ch, D0, D1, V0, V1, rho)
    for _ in range(max_newton):
        Vn0, Vn1 = _newton_point(ch, a0, a1, b0, b1, rho, V0, V1)
        D0 = a0 + b0 * Vn0
        D1 = a1 + b1 * Vn1
        _choice_loop(xp, n, D0, D1, 0, width, again, 0)
        _choice_loop(xp, n, D1, D0, 1, width, again, 1)
        same = _same_piece(ch, again)
        close = max(abs(Vn0 - V0), abs(Vn1 - V1)) <= 1e-15
        TVn0, TVn1, rn = _residual_loop(again, D0, D1, Vn0, Vn1, rho)
        if same or close or rn < r0:
            V0 = Vn0
            V1 = Vn1
            for k in range(2):  # the choices at the new values
                for f in range(12):
                    ch[k, f] = again[k, f]
            TV0 = TVn0
            TV1 = TVn1
            r0 = rn
        else:
            # a step that does not reduce the residual (Newton cycling
            # between pieces): one value-iteration step instead
            V0 = TV0
            V1 = TV1
            D0 = a0 + b0 * V0
            D1 = a1 + b1 * V1
            _choice_loop(xp, n, D0, D1, 0, width, ch, 0)
            _choice_loop(xp, n, D1, D0, 1, width, ch, 1)
            TV0, TV1, r0 = _residual_loop(ch, D0, D1, V0, V1, rho)
        if same or close or r0 <= 1e-15:
            done = True
            break
    return V0, V1, done


def _solve_loop(
    x: NDArray[np.float64], ids: NDArray[np.intp], nv: NDArray[np.intp],
    doubtful: NDArray[np.bool_], which: NDArray[np.intp], a: NDArray[np.float64],
    b: NDArray[np.float64], rho: NDArray[np.float64], width: float, tol: float,
    max_newton: int, values: NDArray[np.float64], delay: NDArray[np.float64],
    acceptance: NDArray[np.float64], lottery: NDArray[np.intp],
    weights: NDArray[np.float64], certificate: NDArray[np.float64],
    regular: NDArray[np.bool_], warm: bool = False,
) -> None:
    """:func:`_solve_on` point by point, written with scalars (see there and
    :func:`_solve_point`).

    With ``warm``, Newton's method starts from the previous problem's values
    when that problem settled (neighbouring points of a sweep have nearby
    values, so one step usually lands on the fixed point): the operator is a
    contraction, so the fixed point does not depend on the start, and a run
    that ends on its linear piece computes it from that piece alone."""
    P = len(a)
    start = False
    ch = np.empty((2, 12))
    again = np.empty((2, 12))
    pieces = np.zeros((1, 2, 3), dtype=np.int64)
    for p in range(P):
        h = which[p]
        if start:  # the previous problem's values
            v0 = values[p - 1, 0]
            v1 = values[p - 1, 1]
        else:
            v0 = a[p, 0] / (1.0 - b[p, 0])
            v1 = a[p, 1] / (1.0 - b[p, 1])
        settled = _solve_point(x[h], ids[h], nv[h], doubtful[h], a[p, 0], a[p, 1],
                               b[p, 0], b[p, 1], rho, width, tol, max_newton, v0, v1,
                               ch, again, values, delay, acceptance, lottery, weights,
                               certificate, regular, p, pieces, 0, False)
        start = warm and settled


def _phased_loop(
    U: NDArray[np.float64], rows: NDArray[np.int64], stage: NDArray[np.float64],
    bound_lo: NDArray[np.float64], bound_hi: NDArray[np.float64],
    W: NDArray[np.float64], h: float, deltas: NDArray[np.float64],
    available: NDArray[np.bool_], final: NDArray[np.bool_],
    phase_offers: NDArray[np.bool_], phase_ids: NDArray[np.int64], phased: bool,
    rho: NDArray[np.float64], width: float, tol: float, max_newton: int,
    out_values: NDArray[np.float64], out_rates: NDArray[np.float64],
    out_regular: NDArray[np.bool_],
) -> None:
    """:func:`solve_phased_batch` point by point, every step in one loop (see
    there): the scaling, the phase frontier and the phase states' problems,
    the base frontier merged with the phases, the base problem, the
    agreements' rates.  The same steps, the same arithmetic, as the batch
    route of :func:`solve_one_state_batch` with ``extra`` (the frontiers' sort
    and Newton's method warm-started from the previous point's, per frontier
    and per problem)."""
    M = U.shape[1] - 1
    P = U.shape[2]
    V = len(phase_ids)
    Z = np.empty((M + V, 2))
    cols = np.arange(M + V)
    valid = np.empty(M + V, dtype=np.bool_)
    order = np.empty(M + V, dtype=np.int64)
    kept = np.empty(M + V, dtype=np.int64)
    start_phase = np.arange(M)
    start_base = np.arange(M)
    start_merge = np.arange(M + V)
    px = np.empty((M + V, 2))
    pid = np.empty(M + V, dtype=np.int64)
    bx = np.empty((M + V, 2))
    bid = np.empty(M + V, dtype=np.int64)
    mx = np.empty((M + V, 2))
    mid = np.empty(M + V, dtype=np.int64)
    merged = np.empty((M + V, 2))
    merged_ids = np.empty(M + V, dtype=np.int64)
    lo = np.empty(2)
    scale = np.empty(2)
    a = np.empty(2)
    b = np.empty(2)
    a_phase = np.empty((max(V, 1), 2))
    previous = np.empty((max(V, 1) + 1, 2))
    warm_start = np.zeros(max(V, 1) + 1, dtype=np.bool_)
    pieces = np.zeros((max(V, 1) + 1, 2, 3), dtype=np.int64)
    ch = np.empty((2, 12))
    again = np.empty((2, 12))
    nv = max(V, 1)
    values = np.empty((nv, 2))
    delay = np.empty((nv, 2))
    acceptance = np.empty((nv, 2))
    lottery = np.empty((nv, 2, 2), dtype=np.intp)
    weights = np.empty((nv, 2))
    certificate = np.empty(nv)
    regular = np.empty(nv, dtype=np.bool_)
    for i in range(2):
        b[i] = deltas[i] * (1.0 - h)
    for p in range(P):
        # the solver's units: each player's range over the point's agreements,
        # status quo, phase payoffs and the bounds given
        for i in range(2):
            r = rows[i]
            low = np.inf
            high = -np.inf
            for c in range(M + 1):
                u = U[r, c, p]
                low = min(low, u)
                high = max(high, u)
            for v in range(V):
                u = stage[i, v, p]
                low = min(low, u)
                high = max(high, u)
            low = min(low, bound_lo[i])
            high = max(high, bound_hi[i])
            span = high - low
            lo[i] = low
            scale[i] = span if span > 0 else 1.0
            for c in range(M):
                Z[c, i] = (U[r, c, p] - low) / scale[i]
            flow = (U[r, M, p] - low) / scale[i]
            base_w = (W[i, 0] - low) / scale[i]
            a[i] = (1.0 - deltas[i]) * flow + deltas[i] * h * base_w
        ok = True
        if phased:
            for i in range(2):
                for v in range(V):
                    g = (stage[i, v, p] - lo[i]) / scale[i]
                    w = (W[i, 1 + v] - lo[i]) / scale[i]
                    a_phase[v, i] = (1.0 - deltas[i]) * g + deltas[i] * h * w
            for c in range(M):
                valid[c] = available[p, c] and phase_offers[c]
            n, doubtful = _hull_point(Z, cols, valid[:M], False, True, px, pid, order,
                                      kept, start_phase, True)
            if n == 0:
                px[0, 0] = np.nan
                px[0, 1] = np.nan
            for v in range(V):
                if not warm_start[v]:
                    previous[v, 0] = a_phase[v, 0] / (1.0 - b[0])
                    previous[v, 1] = a_phase[v, 1] / (1.0 - b[1])
                warm_start[v] = _solve_point(
                    px, pid, n, doubtful, a_phase[v, 0], a_phase[v, 1], b[0], b[1],
                    rho, width, tol, max_newton, previous[v, 0], previous[v, 1], ch,
                    again, values, delay, acceptance, lottery, weights, certificate,
                    regular, v, pieces, v, warm_start[v],
                )
                previous[v, 0] = values[v, 0]
                previous[v, 1] = values[v, 1]
                ok = ok and regular[v]
        for c in range(M):
            valid[c] = available[p, c] and final[c]
        n, doubtful = _hull_point(Z, cols, valid[:M], False, True, bx, bid, order,
                                  kept, start_base, True)
        if phased:
            # the phases join the base frontier's vertices
            for k in range(n):
                mx[k, 0] = bx[k, 0]
                mx[k, 1] = bx[k, 1]
                mid[k] = bid[k]
                valid[k] = True
            for v in range(V):
                mx[n + v, 0] = delay[v, 0]
                mx[n + v, 1] = delay[v, 1]
                mid[n + v] = phase_ids[v]
                valid[n + v] = available[p, phase_ids[v]]
            for c in range(n + V):
                start_merge[c] = c
            n_m, doubtful_m = _hull_point(mx[: n + V], mid[: n + V], valid[: n + V],
                                          True, True, merged, merged_ids, order, kept,
                                          start_merge, False)
            n = n_m
            doubtful = doubtful or doubtful_m
            for k in range(n):
                bx[k, 0] = merged[k, 0]
                bx[k, 1] = merged[k, 1]
                bid[k] = merged_ids[k]
        if n == 0:
            bx[0, 0] = np.nan
            bx[0, 1] = np.nan
        if not warm_start[nv]:
            previous[nv, 0] = a[0] / (1.0 - b[0])
            previous[nv, 1] = a[1] / (1.0 - b[1])
        warm_start[nv] = _solve_point(
            bx, bid, n, doubtful, a[0], a[1], b[0], b[1], rho, width, tol, max_newton,
            previous[nv, 0], previous[nv, 1], ch, again, values, delay, acceptance,
            lottery, weights, certificate, regular, 0, pieces, nv, warm_start[nv],
        )
        previous[nv, 0] = values[0, 0]
        previous[nv, 1] = values[0, 1]
        out_regular[p] = ok and regular[0]
        for i in range(2):
            out_values[p, i] = lo[i] + scale[i] * values[0, i]
        for c in range(M):
            out_rates[p, c] = 0.0
        for k in range(2):
            # the offer's lottery, cleaned of dust
            w = weights[0, k]
            first = w if w > 1e-14 else 0.0
            second = 1.0 - w if 1.0 - w > 1e-14 else 0.0
            total = first + second
            if not total > 0:
                total = 1.0
            share = rho[k] if acceptance[0, k] > 0 else 0.0
            out_rates[p, max(lottery[0, k, 0], 0)] += share * first / total
            out_rates[p, max(lottery[0, k, 1], 0)] += share * second / total


_HELPERS_LOCK = threading.Lock()


def _helpers() -> bool:
    """:func:`_compile_helpers` once per process (sweeps may run in threads)."""
    with _HELPERS_LOCK:
        return _compile_helpers()


@functools.lru_cache(maxsize=1)
def _compile_helpers() -> bool:
    """Compile the loops' per-point helpers with numba (rebinding the module's
    names, so the compiled loops call the compiled helpers: globals are bound
    when numba compiles a loop); False without numba (or with
    ``KURILSIM_DISABLE_NUMBA`` set)."""
    if numba_disabled() or not have_numba():
        return False
    from numba import njit
    global _choice_loop, _residual_loop, _same_piece, _newton_point, _newton_loop
    global _hull_point, _solve_point
    _choice_loop = njit(cache=True, nogil=True, inline="always")(_choice_loop)
    _residual_loop = njit(cache=True, nogil=True, inline="always")(_residual_loop)
    _same_piece = njit(cache=True, nogil=True, inline="always")(_same_piece)
    _newton_point = njit(cache=True, nogil=True, inline="always")(_newton_point)
    _newton_loop = njit(cache=True, nogil=True)(_newton_loop)
    _hull_point = njit(cache=True, nogil=True)(_hull_point)
    _solve_point = njit(cache=True, nogil=True)(_solve_point)
    return True


@functools.lru_cache(maxsize=1)
def _compiled() -> Any:
    """The compiled :func:`_hull_loop`, or None without numba (or with
    ``KURILSIM_DISABLE_NUMBA`` set)."""
    if not _helpers():
        return None
    return jit(_hull_loop)


@functools.lru_cache(maxsize=1)
def _compiled_solve() -> Any:
    """The compiled :func:`_solve_loop`, or None without numba (or with
    ``KURILSIM_DISABLE_NUMBA`` set)."""
    if not _helpers():
        return None
    return jit(_solve_loop)


@functools.lru_cache(maxsize=1)
def _compiled_phased_loop() -> Any:
    """The compiled :func:`_phased_loop`, or None without numba."""
    if not _helpers():
        return None
    return jit(_phased_loop)


def _compiled_phased() -> Any:
    """:func:`_compiled_phased_loop` when the other loops are compiled too (a
    test that switches them off switches this one off)."""
    if _compiled() is None or _compiled_solve() is None:
        return None
    return _compiled_phased_loop()


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


@dataclass(frozen=True, slots=True)
class PhasedSolution:
    """The base state's solution of a one-state problem with phase columns
    (:func:`solve_phased_batch`), in the utilities' own units.

    Attributes
    ----------
    values : ndarray, shape (P, 2)
        Each player's value at the start of a period of the base state.
    rates : ndarray, shape (P, M)
        The probability that a period of the base state concludes each
        agreement or enters each phase (column ids: agreement indices).
    regular : ndarray of bool, shape (P,)
        Whether every problem of the point is certified and away from every
        switch of the per-point solver's choices.
    """

    values: NDArray[np.float64]
    rates: NDArray[np.float64]
    regular: NDArray[np.bool_]


def solve_phased_batch(
    utilities: NDArray[np.float64],
    rows: tuple[int, int],
    stage: NDArray[np.float64],
    continuation: NDArray[np.float64],
    bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
    exit_probability: float,
    deltas: NDArray[np.float64],
    available: NDArray[np.bool_],
    final: NDArray[np.bool_],
    phase_offers: NDArray[np.bool_],
    phase_ids: NDArray[np.intp],
    *,
    exact: bool = False,
) -> PhasedSolution:
    """A state with phase agreements, at many points at once.

    The base state of two players (discount factors ``deltas``) is left with
    probability ``h = exit_probability`` each period for a state of known
    values ``continuation[:, 0]``; its offers are the ``final`` agreements and
    the phase agreements ``phase_ids``, whose acceptance enters phase state
    ``v``: a one-state problem (flow ``stage[:, v]``, exit values
    ``continuation[:, 1 + v]``) over the agreements ``phase_offers``.  Each
    point is solved in the per-point solver's units (the range of the point's
    payoffs and of ``bounds``), the phase states first, their delay values
    becoming the phase agreements' payoffs in the base state (as
    :func:`solve_one_state_batch` with ``extra``).

    Parameters
    ----------
    utilities : ndarray, shape (n, M + 1, P)
        The agreements' and the status quo's (last) utilities at the points.
    rows : pair of int
        The two players' rows of ``utilities``.
    stage : ndarray, shape (2, V, P)
        The players' flows in each phase state.
    continuation : ndarray, shape (2, blocks)
        The values of the states left to (unscaled); ``blocks == V + 1``
        for the phases to be solved, otherwise only column 0 is read.
    bounds : pair of ndarray, shape (2,)
        The other states' lowest and highest payoffs (for the units).
    exit_probability : float
    deltas : ndarray, shape (2,)
    available : ndarray of bool, shape (P, M)
        The agreements that can be concluded at each point.
    final, phase_offers : ndarray of bool, shape (M,)
        The base state's final agreements and the agreements offered in
        the phase states.
    phase_ids : ndarray of int, shape (V,)
    exact : bool
        As in :func:`solve_one_state_batch`.

    Returns
    -------
    PhasedSolution

    Examples
    --------
    Two agreements and no phase, the state never left: a unit pie split
    evenly between equally patient players.

    >>> import numpy as np
    >>> from kurilsim.solvers._markov_kernel import solve_phased_batch
    >>> U = np.array([[[1.0], [0.0], [0.0]], [[0.0], [1.0], [0.0]]])
    >>> solution = solve_phased_batch(
    ...     U, (0, 1), np.zeros((2, 0, 1)), np.zeros((2, 1)),
    ...     (np.zeros(2), np.ones(2)), 0.0, np.array([0.9, 0.9]),
    ...     np.ones((1, 2), bool), np.ones(2, bool), np.zeros(2, bool),
    ...     np.zeros(0, np.intp))
    >>> solution.values.round(6), solution.rates.round(6)
    (array([[0.5, 0.5]]), array([[0.5, 0.5]]))
    """
    M = utilities.shape[1] - 1
    P = utilities.shape[-1]
    h = float(exit_probability)
    V = len(phase_ids)
    phased = bool(V and continuation.shape[1] > 1)
    rho = np.asarray(_RECOGNITION, dtype=np.float64)
    compiled = None if exact else _compiled_phased()
    if compiled is not None:
        values = np.empty((P, 2))
        rates = np.empty((P, M))
        regular = np.empty(P, dtype=bool)
        compiled(
            np.ascontiguousarray(utilities, dtype=np.float64),
            np.asarray(rows, dtype=np.int64), np.ascontiguousarray(stage, np.float64),
            np.asarray(bounds[0], np.float64), np.asarray(bounds[1], np.float64),
            np.ascontiguousarray(continuation, np.float64), h,
            np.asarray(deltas, np.float64), np.ascontiguousarray(available, np.bool_),
            np.asarray(final if phased else np.ones(M, bool), np.bool_),
            np.asarray(phase_offers, np.bool_),
            np.asarray(phase_ids, np.int64), phased, rho, _TOL / 4.0, _TOL,
            _MAX_NEWTON, values, rates, regular,
        )
        return PhasedSolution(values=values, rates=rates, regular=regular)
    U = utilities[list(rows)]  # (2, M + 1, P)
    lo = np.minimum(np.minimum(U.min(axis=1), stage.min(axis=1, initial=np.inf)),
                    bounds[0][:, None])
    hi = np.maximum(np.maximum(U.max(axis=1), stage.max(axis=1, initial=-np.inf)),
                    bounds[1][:, None])
    spans = hi - lo
    ranges = np.where(spans > 0, spans, 1.0)
    scaled = (U - lo[:, None, :]) / ranges[:, None, :]
    # (P, M, 2) C-contiguous (two 2-d transposes: faster than the 3-d one)
    Z = np.stack([scaled[0, :M].T, scaled[1, :M].T], axis=-1)
    F = scaled[:, M, :].T  # (P, 2)
    W = (continuation[:, :, None] - lo[:, None, :]) / ranges[:, None, :]  # (2, blocks, P)
    b = np.broadcast_to(deltas * (1.0 - h), (P, 2))
    regular = np.ones(P, dtype=bool)
    extra = None
    if phased:
        G = ((stage - lo[:, None, :]) / ranges[:, None, :]).transpose(1, 2, 0)  # (V, P, 2)
        Wp = W[:, 1:, :].transpose(1, 2, 0)  # (V, P, 2)
        a_phase = (1.0 - deltas) * G + deltas * h * Wp
        # every phase state of a point offers the same agreements: one frontier
        hull = _hull_of(Z, np.broadcast_to(np.arange(M), (P, M)),
                        available & phase_offers, exact)
        phase = _solve_on(
            hull, a_phase.reshape(V * P, 2),
            np.broadcast_to(b, (V, P, 2)).reshape(V * P, 2), times=V, plain=exact,
        )
        D_phase = phase.delay.reshape(V, P, 2).transpose(1, 0, 2)  # (P, V, 2)
        regular &= phase.regular.reshape(V, P).all(axis=0)
        extra = (
            np.ascontiguousarray(D_phase),
            np.broadcast_to(phase_ids, (P, V)).astype(np.intp),
            available[:, phase_ids],
        )
        finals = available & final
    else:
        finals = available
    a = (1.0 - deltas) * F + deltas * h * W[:, 0, :].T
    base = solve_one_state_batch(Z, np.arange(M), finals, a, b, extra=extra, exact=exact)
    regular &= base.regular
    return PhasedSolution(values=lo.T + ranges.T * base.values,
                          rates=_lottery_rates(base, M), regular=regular)


def _lottery_rates(
    solution: OneStateSolution, m: int, rho: tuple[float, float] = _RECOGNITION
) -> NDArray[np.float64]:
    """``(P, m)``: the probability that a period concludes each agreement
    (column ids are agreement indices), offers cleaned of dust as the
    per-point solver cleans them."""
    P = len(solution.values)
    rates = np.zeros((P, m))
    rows = np.arange(P)
    for k in (0, 1):
        made = solution.acceptance[:, k] > 0
        w = solution.weights[:, k]
        first = np.where(w > _DUST, w, 0.0)
        second = np.where(1.0 - w > _DUST, 1.0 - w, 0.0)
        total = first + second
        total = np.where(total > 0, total, 1.0)
        scale = np.where(made, rho[k], 0.0)
        above, below = solution.lottery[:, k, 0], solution.lottery[:, k, 1]
        # one point per row in each statement: no repeated index, so a plain
        # indexed add (in the order np.add.at would add)
        rates[rows, np.maximum(above, 0)] += scale * first / total
        rates[rows, np.maximum(below, 0)] += scale * second / total
    return rates


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
