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

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._polytope import (
    LABEL_TOL,
    polytope_vertices,
    positive_scaled,
    refine_vertex,
    solve_square_systems,
)

__all__ = ["vertex_enumeration_kernel"]


def _packed(labels: NDArray[np.bool_]) -> NDArray[np.void]:
    keys = np.ascontiguousarray(np.packbits(labels, axis=1))
    return keys.view(np.dtype((np.void, keys.shape[1]))).ravel()


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
    x_keys, y_keys = _packed(~x_labels), _packed(y_labels)
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
    return np.unique(np.concatenate(found), axis=0)


def _partners_by_solving(
    a_pos: NDArray[np.float64], xzero: NDArray[np.bool_], xtight: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.float64]] | None:
    """Complete partners in ``Q`` of nondegenerate vertices of ``P``, by solving.

    A nondegenerate vertex ``x`` with support ``K`` and best responses ``J``
    (``|K| = |J|``) can only be completed by the point ``y`` of ``Q`` with
    ``y_j = 0`` off ``J`` and ``(A' y)_i = 1`` on ``K``: the solution of the
    square system ``A'[K, J] y_J = 1``.  The pair is an equilibrium exactly
    when that ``y`` lies in ``Q``.  Systems of equal size are solved in one
    batched call.  Returns ``None`` if some system is singular (the caller
    then enumerates ``Q`` as well, which is complete in every case).
    """
    m, n = a_pos.shape
    support = ~xzero
    sizes = support.sum(axis=1)
    rows_out: list[NDArray[np.intp]] = []
    ys_out: list[NDArray[np.float64]] = []
    for k in np.unique(sizes):
        idx = np.flatnonzero(sizes == k)
        kk = np.nonzero(support[idx])[1].reshape(len(idx), k)
        jj = np.nonzero(xtight[idx])[1].reshape(len(idx), k)
        sub = a_pos[kk[:, :, None], jj[:, None, :]]
        y_sub, ok = solve_square_systems(sub)
        if not ok.all():
            return None
        y = np.zeros((len(idx), n))
        np.put_along_axis(y, jj, y_sub, axis=1)
        feasible = np.all(y_sub >= -LABEL_TOL, axis=1) & np.all(
            y @ a_pos.T <= 1.0 + LABEL_TOL, axis=1
        )
        rows_out.append(idx[feasible])
        ys_out.append(np.maximum(y[feasible], 0.0))
    if not rows_out:
        return np.empty(0, dtype=np.intp), np.empty((0, n))
    return np.concatenate(rows_out), np.concatenate(ys_out)


def vertex_enumeration_kernel(
    A: NDArray[np.float64], B: NDArray[np.float64], *, route: str = "auto"
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], str]:
    """Extreme equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    Steps
    -----
    1. Replace ``A`` and ``B`` by positive affine copies ``A'``, ``B'``; make
       the row player the one with fewer strategies (cheaper polytope).
    2. Enumerate the vertices of ``P = {x >= 0 : B'^T x <= 1}``; label
       ``i < m`` of ``x`` means ``x_i = 0``, label ``m + j`` means column
       ``j`` is a best response to ``x``.
    3. If every nonzero vertex of ``P`` is nondegenerate, its only possible
       partner is found by one linear solve (:func:`_partners_by_solving`).
       Otherwise (a degenerate game) also enumerate the vertices of
       ``Q = {y >= 0 : A' y <= 1}`` and keep every pair of nonzero vertices
       whose labels cover ``0 .. m+n-1`` (:func:`_complete_pairs`);
       degenerate vertices are re-solved from their tight inequalities.
    4. Normalise to probability vectors.

    Returns the candidate pairs (to be certified by the caller) and the
    polytope route that ran (``"bases"`` or ``"qhull"``).
    """
    if A.shape[0] > A.shape[1]:
        swapped, used = vertex_enumeration_kernel(B.T, A.T, route=route)
        return [(x, y) for y, x in swapped], used
    m, n = A.shape
    a_pos, b_pos = positive_scaled(A), positive_scaled(B)
    xv, xzero, xtight, used = polytope_vertices(b_pos.T, route=route)
    x_idx = np.flatnonzero(~xzero.all(axis=1))
    x_labels = np.concatenate([xzero, xtight], axis=1)[x_idx]
    out = []
    partners = None
    if np.all(x_labels.sum(axis=1) == m):
        partners = _partners_by_solving(a_pos, xzero[x_idx], xtight[x_idx])
    if partners is not None:
        for p, y in zip(*partners, strict=True):
            x = np.where(xzero[x_idx[p]], 0.0, xv[x_idx[p]])
            out.append((x / x.sum(), y / y.sum()))
        return out, used
    yv, yzero, ytight, route_q = polytope_vertices(a_pos, route=route)
    y_idx = np.flatnonzero(~yzero.all(axis=1))
    y_labels = np.concatenate([ytight, yzero], axis=1)[y_idx]
    for p, q in _complete_pairs(x_labels, y_labels, m, n):
        i, j = x_idx[p], y_idx[q]
        x = xv[i] if x_labels[p].sum() == m else refine_vertex(b_pos.T, xzero[i], xtight[i])
        y = yv[j] if y_labels[q].sum() == n else refine_vertex(a_pos, yzero[j], ytight[j])
        x = np.where(xzero[i], 0.0, x)
        y = np.where(yzero[j], 0.0, y)
        out.append((x / x.sum(), y / y.sum()))
    return out, used if used == route_q else f"{used}/{route_q}"
