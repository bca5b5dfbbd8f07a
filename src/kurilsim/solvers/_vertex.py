"""All extreme equilibria of a bimatrix game by vertex enumeration.

Algorithm 3.5 of von Stengel (2007), made safe for degenerate games: enumerate
the vertices of both best-response polytopes with *all* their labels (a
degenerate vertex has more labels than dimensions) and return every
completely labelled pair except the artificial ``(0, 0)``.  These are exactly
the extreme points of the equilibrium components (Mangasarian 1964;
Avis, Rosenberg, Savani & von Stengel 2010), the set Gambit's ``enummixed``
returns.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from math import comb

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._polytope import (
    label_keys,
    polytope_vertices,
    positive_scaled,
    refine_vertex,
)

__all__ = ["PARALLEL_BASES", "vertex_enumeration_kernel"]

#: Games with at least this many square subsystems (``binomial(m + n, m)``;
#: 8x8 has 12,870) enumerate the two polytopes in two threads.
PARALLEL_BASES = 10_000

_EXECUTOR: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kurilsim-vertex")
    return _EXECUTOR


def _complete_pairs(
    x_labels: NDArray[np.bool_], y_labels: NDArray[np.bool_], m: int, n: int
) -> NDArray[np.intp]:
    """Index pairs ``(p, q)`` such that ``x_labels[p] | y_labels[q]`` is all true.

    A nondegenerate vertex of ``P`` has exactly ``m`` labels and one of ``Q``
    exactly ``n``, so two nondegenerate vertices are completely labelled only
    when their label sets are complements: those pairs are found by a sorted
    search on packed label keys.  Only pairs involving a degenerate vertex
    (surplus labels) are checked exhaustively, so random games cost
    ``O(k log k)`` and degenerate games stay exact.
    """
    found = []
    x_keys, y_keys = label_keys(~x_labels), label_keys(y_labels)
    if len(y_keys):
        order = np.argsort(y_keys)
        sorted_keys = y_keys[order]
        pos = np.minimum(np.searchsorted(sorted_keys, x_keys), len(y_keys) - 1)
        hit = sorted_keys[pos] == x_keys
        found.append(np.column_stack([np.flatnonzero(hit), order[pos[hit]]]))
    x_deg = np.flatnonzero(x_labels.sum(axis=1) > m)
    y_deg = np.flatnonzero(y_labels.sum(axis=1) > n)
    if len(x_deg):
        ok = np.all(x_labels[x_deg, None, :] | y_labels[None, :, :], axis=2)
        p, q = np.nonzero(ok)
        found.append(np.column_stack([x_deg[p], q]))
    if len(y_deg):
        ok = np.all(x_labels[:, None, :] | y_labels[None, y_deg, :], axis=2)
        p, q = np.nonzero(ok)
        found.append(np.column_stack([p, y_deg[q]]))
    if not found:
        return np.empty((0, 2), dtype=np.intp)
    if len(found) == 1:
        return found[0]
    pairs = np.concatenate(found)
    _, first = np.unique(pairs[:, 0] * len(y_labels) + pairs[:, 1], return_index=True)
    return pairs[np.sort(first)]


def vertex_enumeration_kernel(
    A: NDArray[np.float64], B: NDArray[np.float64], *, route: str = "auto"
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], str]:
    """Extreme equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    Steps
    -----
    1. Replace ``A`` and ``B`` by positive affine copies ``A'``, ``B'``.
    2. Enumerate the vertices of ``P = {x >= 0 : B'^T x <= 1}`` and
       ``Q = {y >= 0 : A' y <= 1}`` with all their labels: label ``i < m``
       of ``x`` means ``x_i = 0``, label ``m + j`` means column ``j`` is a
       best response to ``x``; dually for ``y``.
    3. Keep every pair of nonzero vertices whose labels cover
       ``0 .. m+n-1`` (:func:`_complete_pairs`); re-solve degenerate
       vertices from their tight inequalities.
    4. Normalise to probability vectors.

    Returns the candidate pairs (to be certified by the caller) and the
    polytope route that ran (``"bases"`` or ``"qhull"``).
    """
    m, n = A.shape
    a_pos, b_pos = positive_scaled(A), positive_scaled(B)
    if comb(m + n, m) >= PARALLEL_BASES and route != "bases":
        # Qhull releases the GIL: enumerate P in a worker thread while this
        # thread enumerates Q (about 1.5x faster on two cores at 10x10).
        future = _executor().submit(polytope_vertices, b_pos.T, route=route)
        yv, yzero, ytight, route_q = polytope_vertices(a_pos, route=route)
        xv, xzero, xtight, route_p = future.result()
    else:
        xv, xzero, xtight, route_p = polytope_vertices(b_pos.T, route=route)
        yv, yzero, ytight, route_q = polytope_vertices(a_pos, route=route)
    x_idx = np.flatnonzero(~xzero.all(axis=1))
    x_labels = np.concatenate([xzero, xtight], axis=1)[x_idx]
    y_idx = np.flatnonzero(~yzero.all(axis=1))
    y_labels = np.concatenate([ytight, yzero], axis=1)[y_idx]
    used = route_p if route_p == route_q else f"{route_p}/{route_q}"
    pairs = _complete_pairs(x_labels, y_labels, m, n)
    if not len(pairs):
        return [], used
    i, j = x_idx[pairs[:, 0]], y_idx[pairs[:, 1]]
    X = np.where(xzero[i], 0.0, xv[i])
    Y = np.where(yzero[j], 0.0, yv[j])
    # degenerate vertices (surplus labels): re-solve from their tight inequalities
    for r in np.flatnonzero(x_labels[pairs[:, 0]].sum(axis=1) > m):
        X[r] = np.where(xzero[i[r]], 0.0, refine_vertex(b_pos.T, xzero[i[r]], xtight[i[r]]))
    for r in np.flatnonzero(y_labels[pairs[:, 1]].sum(axis=1) > n):
        Y[r] = np.where(yzero[j[r]], 0.0, refine_vertex(a_pos, yzero[j[r]], ytight[j[r]]))
    X /= X.sum(axis=1, keepdims=True)
    Y /= Y.sum(axis=1, keepdims=True)
    return list(zip(X, Y, strict=True)), used
