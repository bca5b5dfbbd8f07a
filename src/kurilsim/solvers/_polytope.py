"""Vertices of the best-response polytopes ``{z >= 0 : M z <= 1}`` of a bimatrix game.

Two enumeration routes share one output format:

* ``"bases"``: every square subsystem ``M[J, K] z_K = 1`` (``|J| = |K|``) is
  solved in one batched LU call per size and the feasible solutions are kept.
  Every vertex, degenerate or not, is the unique solution of some nonsingular
  such subsystem, so this route is complete; it costs
  ``binomial(d + r, d)`` small solves.
* ``"qhull"``: the polar of the polytope (about an interior point) is a convex
  hull whose facets are the polytope's vertices; Qhull finds them (the
  computation of :class:`scipy.spatial.ConvexHull` without its unused volume
  and area pass, see :func:`_hull_equations`).  Triangulated facets of a
  degenerate vertex share one hyperplane, so they are merged afterwards, and
  the labels are recomputed from the original inequalities, which makes the
  answer independent of how Qhull splits a degenerate facet.

In both routes a vertex's labels are read off the inequalities with a
tolerance, never from the route's bookkeeping.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import ConvexHull, QhullError

try:  # the engine behind ConvexHull; used directly to skip its volume/area pass
    from scipy.spatial._qhull import _Qhull
except ImportError:  # pragma: no cover - private API; ConvexHull is the fallback
    _Qhull = None

__all__ = [
    "LABEL_TOL",
    "label_keys",
    "merge_duplicates",
    "polytope_vertices",
    "positive_scaled",
    "raw_polytope_vertices",
    "refine_vertex",
    "solve_square_systems",
    "vertex_labels",
]

#: Slack below which an inequality of the scaled polytope counts as tight.
LABEL_TOL = 1e-9

#: Largest number of square subsystems for which the ``"bases"`` route is used
#: by default (it beats Qhull's fixed overhead on small games).
BASES_LIMIT = 20

_CHUNK = 1 << 17


def positive_scaled(
    matrix: NDArray[np.float64], *, offset: float = 0.01
) -> NDArray[np.float64]:
    """``offset + (M - min M) / ptp(M)``: a positive affine copy (all ones if constant).

    Positive affine transforms of a player's payoffs do not change the
    equilibria; this one makes the best-response polytopes bounded (every
    entry is positive).  The default small offset keeps the square subsystems
    of vertex enumeration well conditioned (entries near a common constant
    would make them nearly rank one); Lemke-Howson uses ``offset=1``.
    """
    low = matrix.min()
    span = float(matrix.max() - low)
    if span == 0.0:
        return np.ones_like(matrix, dtype=np.float64)
    out: NDArray[np.float64] = np.subtract(matrix, low, dtype=np.float64)
    out /= span
    out += offset
    return out


def solve_square_systems(
    matrices: NDArray[np.float64],
    rhs: NDArray[np.float64] | None = None,
    *,
    rcond: float = 1e-11,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Solve ``matrices[b] @ z = rhs[b]`` (default: all ones) for a stack of systems.

    Returns ``(z, ok)``; ``ok[b]`` is false where matrix ``b`` is numerically
    singular: its smallest singular value is below ``rcond`` times its
    largest.  Singular values are only computed for the few matrices whose
    determinant is small against Hadamard's bound (the product of the row
    norms), which every singular matrix's is.
    """
    k = matrices.shape[-1]
    if rhs is None:
        rhs = np.ones(matrices.shape[:-1])
    det = np.linalg.det(matrices)
    bound = np.prod(np.linalg.norm(matrices, axis=-1), axis=-1)
    ok = np.abs(det) > 1e-8 * bound
    doubtful = np.flatnonzero(~ok)
    if len(doubtful):
        sv = np.linalg.svd(matrices[doubtful], compute_uv=False)
        ok[doubtful] = sv[:, -1] > rcond * sv[:, 0]
    safe = np.where(ok[:, None, None], matrices, np.eye(k)) if len(doubtful) else matrices
    z = np.asarray(np.linalg.solve(safe, rhs[..., None])[..., 0], dtype=np.float64)
    return z, np.asarray(ok, dtype=bool)


def _vertices_by_bases(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    r, d = matrix.shape
    found = [np.zeros((1, d))]
    for k in range(1, min(r, d) + 1):
        rows = np.array(list(combinations(range(r), k)), dtype=np.intp)
        cols = np.array(list(combinations(range(d), k)), dtype=np.intp)
        pairs = len(rows) * len(cols)
        for start in range(0, pairs, _CHUNK):
            idx = np.arange(start, min(pairs, start + _CHUNK))
            jr, kc = rows[idx // len(cols)], cols[idx % len(cols)]
            sub = matrix[jr[:, :, None], kc[:, None, :]]
            z_sub, ok = solve_square_systems(sub)
            ok &= np.all(z_sub >= -LABEL_TOL, axis=1)
            if not ok.any():
                continue
            z = np.zeros((int(ok.sum()), d))
            np.put_along_axis(z, kc[ok], z_sub[ok], axis=1)
            ok_feasible = np.all(z @ matrix.T <= 1.0 + LABEL_TOL, axis=1)
            found.append(z[ok_feasible])
    return np.concatenate(found)


def _hull_equations(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """``ConvexHull(points).equations``, without the hull's volume and area.

    :class:`scipy.spatial.ConvexHull` always computes the hull's volume and
    area, about a fifth of its run time on the 10-dimensional hulls of 10x10
    games; vertex enumeration only needs the facet equations.  The same Qhull
    run (mode ``"i"``, options ``"Qt"`` plus ``"Qx"`` from five dimensions,
    exactly ConvexHull's defaults) is made through SciPy's engine class, and
    ConvexHull itself is used should that private interface change.
    """
    if _Qhull is not None:
        try:
            qhull = _Qhull(b"i", points, b"Qx" if points.shape[1] >= 5 else b"",
                           required_options=b"Qt")
        except TypeError:  # pragma: no cover - the private signature changed
            pass
        else:
            try:
                qhull.triangulate()
                equations = np.asarray(qhull.get_simplex_facet_array()[2], dtype=np.float64)
            finally:
                qhull.close()
            if equations.ndim == 2 and equations.shape[1] == points.shape[1] + 1:
                return equations
    return np.asarray(ConvexHull(points).equations, dtype=np.float64)  # pragma: no cover


def _vertices_by_qhull(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    _r, d = matrix.shape
    # Interior point c = t * 1 with equal slack t on every inequality family.
    row_sums = matrix.sum(axis=1)
    t = 1.0 / (1.0 + row_sums.max())
    polar = np.empty((d + len(matrix), d))
    polar[:d] = np.diag(np.full(d, -1.0 / t))
    polar[d:] = matrix / (1.0 - t * row_sums)[:, None]
    eq = _hull_equations(polar)
    # Facet {p : a.p + b = 0} of the polar is the vertex z = -a / b (b < 0).
    verts = eq[:, :-1] / -eq[:, -1:]
    verts += t
    return verts


def raw_polytope_vertices(
    matrix: NDArray[np.float64], *, route: str = "auto"
) -> tuple[NDArray[np.float64], str]:
    """The vertices of ``{z >= 0 : matrix @ z <= 1}`` as the route finds them.

    Same routes as :func:`polytope_vertices`, but without labels and without
    merging: the ``"qhull"`` route lists a degenerate vertex once per
    triangulated piece of its polar facet.  Returns ``(vertices, route)``.
    """
    r, d = matrix.shape
    if route == "auto":
        route = "bases" if d < 2 or comb(r + d, d) <= BASES_LIMIT else "qhull"
    if route == "qhull":
        try:
            return _vertices_by_qhull(matrix), route
        except QhullError:
            route = "bases"
    return _vertices_by_bases(matrix), "bases"


def vertex_labels(
    matrix: NDArray[np.float64], verts: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """``(zero, tight)``: the labels of points of ``{z >= 0 : matrix @ z <= 1}``.

    ``zero[v, i]``: coordinate ``i`` of point ``v`` is zero; ``tight[v, j]``:
    inequality ``j`` is tight; both up to :data:`LABEL_TOL`.
    """
    zero = np.abs(verts) <= LABEL_TOL
    slack = verts @ matrix.T
    slack -= 1.0
    tight = np.abs(slack) <= LABEL_TOL
    return zero, tight


def merge_duplicates(
    verts: NDArray[np.float64], zero: NDArray[np.bool_], tight: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Keep the first of the vertices with equal labels (a vertex is determined by them)."""
    _, first = np.unique(label_keys(np.concatenate([zero, tight], axis=1)), return_index=True)
    first.sort()
    return verts[first], zero[first], tight[first]


def polytope_vertices(
    matrix: NDArray[np.float64], *, route: str = "auto"
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_], str]:
    """All vertices of ``{z in R^d : z >= 0, matrix @ z <= 1}`` for positive ``matrix``.

    Parameters
    ----------
    matrix : ndarray, shape (r, d)
        Positive entries (so the polytope is bounded and full-dimensional).
    route : {"auto", "bases", "qhull"}
        Enumeration route (see the module docstring); ``"auto"`` picks
        ``"bases"`` for small polytopes and ``"qhull"`` otherwise, and falls
        back to ``"bases"`` if Qhull fails.

    Returns
    -------
    vertices : ndarray, shape (k, d)
        Distinct vertices, the origin included.
    zero : ndarray of bool, shape (k, d)
        ``zero[v, i]``: coordinate ``i`` of vertex ``v`` is zero.
    tight : ndarray of bool, shape (k, r)
        ``tight[v, j]``: inequality ``j`` of ``matrix`` is tight at vertex ``v``.
    route : str
        The route that ran.
    """
    verts, route = raw_polytope_vertices(matrix, route=route)
    zero, tight = vertex_labels(matrix, verts)
    # A vertex is determined by its tight inequalities: merge duplicates
    # (Qhull's triangulated pieces of one degenerate facet) by their labels.
    return (*merge_duplicates(verts, zero, tight), route)


def label_keys(labels: NDArray[np.bool_]) -> NDArray[np.float64] | NDArray[np.void]:
    """One sortable key per row of a boolean label matrix.

    Up to 52 labels the key is the bit set as an exact float64 integer (one
    matrix product); wider label sets are packed into bytes.
    """
    width = labels.shape[1]
    if width <= 52:
        weights = np.exp2(np.arange(width, dtype=np.float64))
        return np.asarray(labels.astype(np.float64) @ weights, dtype=np.float64)
    packed = np.ascontiguousarray(np.packbits(labels, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel()


def refine_vertex(
    matrix: NDArray[np.float64], zero: NDArray[np.bool_], tight: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Re-solve a vertex from its tight inequalities (least squares) for accuracy."""
    d = matrix.shape[1]
    support = ~zero
    z = np.zeros(d)
    sub = matrix[np.ix_(tight, support)]
    if sub.size:
        z[support] = np.linalg.lstsq(sub, np.ones(sub.shape[0]), rcond=None)[0]
    return z
