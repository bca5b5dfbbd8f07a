"""All extreme equilibria of a small bimatrix game as one compiled loop (numba, optional).

:func:`small_game_candidates` is the compiled twin of the numpy tiny route
(``_vertex._tiny_candidates``): every vertex of both best-response
polytopes ``P = {x >= 0 : B'^T x <= 1}`` and ``Q = {y >= 0 : A' y <= 1}``
is the solution of one square label system, and every such system is
solved, tested and labelled in scalar loops.  A system of ``P`` fixes the
coordinates outside a support ``S`` to zero and makes ``|S|`` inequalities
``J`` tight; it is solved as the ``|S| x |S|`` system ``B'^T[J, S] x_S = 1``
(the determinant of the full system, with its unit rows, is the same up to
sign), so the ``binomial(m + n, m)`` systems of an ``m x n`` game cost far
fewer flops than the padded full systems of the numpy route.

Same rules as the numpy route, so that both return the same equilibria:

* conditioning: a system is accepted when its determinant exceeds ``1e-8``
  times Hadamard's bound (the product of the norms of the full rows of its
  label equations), or else when the smallest singular value of the full
  system (unit rows included) exceeds ``1e-11`` times its largest
  (``solve_square_systems``);
* feasibility and labels: coordinates ``>= -LABEL_TOL``, inequalities
  ``<= 1 + LABEL_TOL``; a label is present when its equation holds within
  ``LABEL_TOL``;
* a degenerate vertex (the solution of several systems) is kept once, from
  its best conditioned system (largest determinant over bound, the first
  enumerated on a tie), and the vertices are paired exhaustively by their
  label sets, so degenerate games get every extreme equilibrium;
* the candidates are normalised to probability vectors, coordinates with a
  label set to exactly zero.

This module is imported only when the compiled route is used (never by
``import kurilsim``); without numba it still imports (the decorator is the
identity) and the loops run as plain Python, which the tests use.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit
from kurilsim.solvers._polytope import LABEL_TOL

__all__ = ["HAVE_NUMBA", "small_game_candidates"]

#: Whether numba is installed: the loops below are then compiled.
HAVE_NUMBA = have_numba()

#: A doubtful system is singular when its smallest singular value is below
#: this times its largest (as in ``solve_square_systems``).
_RCOND = 1e-11

#: The offset of the positive copies of the payoffs (``positive_scaled``'s
#: default).
_OFFSET = 0.01

#: An inequality that another exceeds by more than this on every column of
#: a support is never tight at a vertex with that support (as in
#: ``_vertex._dominated``).
_DOMINANCE = 1e-7

#: A system is doubtful when its determinant is at most this times
#: Hadamard's bound.
_DET_RTOL = 1e-8


@jit
def _next_combination(c: NDArray[np.intp], k: int, n: int) -> bool:
    """Advance ``c[:k]`` to the next ``k``-subset of ``range(n)`` (lexicographic)."""
    i = k - 1
    while i >= 0 and c[i] == n - k + i:
        i -= 1
    if i < 0:
        return False
    c[i] += 1
    for j in range(i + 1, k):
        c[j] = c[j - 1] + 1
    return True


@jit
def _lu_solve_ones(sub: NDArray[np.float64], k: int, z: NDArray[np.float64]) -> float:
    """Solve ``sub[:k, :k] @ z[:k] = 1`` in place by LU with partial pivoting.

    Returns the determinant (``0.0``, and ``z`` unusable, if a pivot is
    exactly zero).  ``sub`` is overwritten.
    """
    det = 1.0
    for i in range(k):
        z[i] = 1.0
    for col in range(k):
        best = col
        big = abs(sub[col, col])
        for row in range(col + 1, k):
            if abs(sub[row, col]) > big:
                big = abs(sub[row, col])
                best = row
        if big == 0.0:
            return 0.0
        if best != col:
            for j in range(k):
                t = sub[col, j]
                sub[col, j] = sub[best, j]
                sub[best, j] = t
            t = z[col]
            z[col] = z[best]
            z[best] = t
            det = -det
        pivot = sub[col, col]
        det *= pivot
        for row in range(col + 1, k):
            f = sub[row, col] / pivot
            if f != 0.0:
                for j in range(col + 1, k):
                    sub[row, j] -= f * sub[col, j]
                z[row] -= f * z[col]
    for i in range(k - 1, -1, -1):
        s = z[i]
        for j in range(i + 1, k):
            s -= sub[i, j] * z[j]
        z[i] = s / sub[i, i]
    return det


@jit
def _well_conditioned(
    matrix: NDArray[np.float64],
    support: NDArray[np.intp],
    rows: NDArray[np.intp],
    k: int,
    rcond: float,
) -> bool:
    """The singular-value test of a doubtful system, on the full ``d x d`` system.

    The full system has a unit row ``e_i`` for every coordinate outside the
    support and row ``matrix[j]`` for every tight inequality ``j``.
    """
    d = matrix.shape[1]
    full = np.zeros((d, d))
    inside = np.zeros(d, dtype=np.bool_)
    for a in range(k):
        inside[support[a]] = True
    r = 0
    for i in range(d):
        if not inside[i]:
            full[r, i] = 1.0
            r += 1
    for a in range(k):
        for i in range(d):
            full[r, i] = matrix[rows[a], i]
        r += 1
    low, high = _singular_value_range(full)
    return bool(low > rcond * high)


@jit
def _singular_value_range(matrix: NDArray[np.float64]) -> tuple[float, float]:
    """The smallest and largest singular values of a square matrix (overwritten).

    One-sided Jacobi (Hestenes): plane rotations make the columns mutually
    orthogonal, and the singular values are then their norms, to a few
    units of round-off relative to the largest (as LAPACK's): the same
    verdict as ``np.linalg.svd`` wherever the ratio is not within round-off
    of the threshold, at a few microseconds per small matrix instead of
    LAPACK's set-up (numba's ``svd`` also computes both singular bases).
    """
    d = matrix.shape[0]
    for _ in range(100):
        rotated = False
        for p in range(d - 1):
            for q in range(p + 1, d):
                alpha = 0.0
                beta = 0.0
                gamma = 0.0
                for i in range(d):
                    alpha += matrix[i, p] * matrix[i, p]
                    beta += matrix[i, q] * matrix[i, q]
                    gamma += matrix[i, p] * matrix[i, q]
                if gamma == 0.0 or abs(gamma) <= 1e-15 * math.sqrt(alpha * beta):
                    continue
                rotated = True
                zeta = (beta - alpha) / (2.0 * gamma)
                t = (1.0 if zeta >= 0.0 else -1.0) / (abs(zeta) + math.hypot(1.0, zeta))
                c = 1.0 / math.hypot(1.0, t)
                s = c * t
                for i in range(d):
                    up = matrix[i, p]
                    uq = matrix[i, q]
                    matrix[i, p] = c * up - s * uq
                    matrix[i, q] = s * up + c * uq
        if not rotated:
            break
    low = math.inf
    high = 0.0
    for j in range(d):
        norm = 0.0
        for i in range(d):
            norm += matrix[i, j] * matrix[i, j]
        norm = math.sqrt(norm)
        low = min(low, norm)
        high = max(high, norm)
    return low, high


@jit
def _polytope_vertices(
    matrix: NDArray[np.float64],
    coord_bit: int,
    ineq_bit: int,
    tol: float,
    det_rtol: float,
    rcond: float,
    dominance: float,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """Feasible nonzero vertices of ``{z >= 0 : matrix @ z <= 1}``, one per system.

    Every pair of a support ``S`` (nonempty) and a set ``J`` of as many
    inequalities is one square system.  Returns ``(Z, keys, quality,
    degenerate)`` for the accepted feasible solutions: ``keys`` the label
    bit sets (coordinate ``i`` zero: bit ``coord_bit + i``; inequality
    ``j`` tight: bit ``ineq_bit + j``), ``quality`` the determinant over
    Hadamard's bound, ``degenerate`` whether the vertex has more labels
    than dimensions.
    """
    r, d = matrix.shape
    norms = np.empty(r)
    for j in range(r):
        s = 0.0
        for i in range(d):
            s += matrix[j, i] * matrix[j, i]
        norms[j] = math.sqrt(s)
    total = 0
    for k in range(1, min(r, d) + 1):
        total += _binomial(d, k) * _binomial(r, k)
    Z = np.zeros((total, d))
    keys = np.zeros(total, dtype=np.int64)
    quality = np.zeros(total)
    degenerate = np.zeros(total, dtype=np.bool_)
    found = 0
    sub = np.empty((d, d))
    w = np.empty(d)
    z = np.empty(d)
    support = np.empty(d, dtype=np.intp)
    rows = np.empty(d, dtype=np.intp)
    live = np.empty(r, dtype=np.intp)
    pick = np.empty(d, dtype=np.intp)
    for k in range(1, min(r, d) + 1):
        for a in range(k):
            support[a] = a
        while True:
            n_live = _undominated_rows(matrix, support, k, dominance, live)
            for a in range(k):
                pick[a] = a
            while n_live >= k:
                for a in range(k):
                    rows[a] = live[pick[a]]
                bound = 1.0
                for a in range(k):
                    bound *= norms[rows[a]]
                    for b in range(k):
                        sub[a, b] = matrix[rows[a], support[b]]
                det = _lu_solve_ones(sub, k, w)
                # an exactly zero pivot leaves no solution (the matrix is
                # singular, whatever the singular-value test would say)
                ok = det != 0.0 and (
                    abs(det) > det_rtol * bound
                    or _well_conditioned(matrix, support, rows, k, rcond)
                )
                feasible = ok
                if ok:
                    for a in range(k):
                        if w[a] < -tol:
                            feasible = False
                            break
                key = np.int64(0)
                count = 0
                if feasible:
                    # every inequality at the solution (over the support:
                    # the other coordinates are zero)
                    for j in range(r):
                        s = 0.0
                        for a in range(k):
                            s += w[a] * matrix[j, support[a]]
                        s -= 1.0
                        if s > tol:
                            feasible = False
                            break
                        if abs(s) <= tol:
                            key |= np.int64(1) << (ineq_bit + j)
                            count += 1
                if feasible:
                    for i in range(d):
                        z[i] = 0.0
                    for a in range(k):
                        z[support[a]] = w[a]
                    for i in range(d):
                        if abs(z[i]) <= tol:
                            key |= np.int64(1) << (coord_bit + i)
                            count += 1
                            z[i] = 0.0
                        Z[found, i] = z[i]
                    keys[found] = key
                    quality[found] = abs(det) / bound
                    degenerate[found] = count > d
                    found += 1
                if not _next_combination(pick, k, n_live):
                    break
            if not _next_combination(support, k, d):
                break
    return Z[:found], keys[:found], quality[:found], degenerate[:found]


@jit
def _undominated_rows(
    matrix: NDArray[np.float64],
    support: NDArray[np.intp],
    k: int,
    margin: float,
    live: NDArray[np.intp],
) -> int:
    """The inequalities that can be tight at a vertex with support ``support[:k]``.

    Inequality ``j`` cannot be tight if another one, ``j'``, exceeds it by
    more than ``margin`` on every column of the support: then
    ``matrix[j'] @ z > 1`` wherever ``matrix[j] @ z = 1`` (by far more than
    the label tolerance, the entries being positive), so no system with
    ``j`` among its tight inequalities has a feasible solution (the rule of
    ``_vertex._dominated``).  Writes their indices to ``live`` and returns
    how many there are.
    """
    r = matrix.shape[0]
    n_live = 0
    for j in range(r):
        beaten = False
        for other in range(r):
            if other == j:
                continue
            beaten = True
            for a in range(k):
                if not matrix[other, support[a]] > matrix[j, support[a]] + margin:
                    beaten = False
                    break
            if beaten:
                break
        if not beaten:
            live[n_live] = j
            n_live += 1
    return n_live


@jit
def _binomial(n: int, k: int) -> int:
    out = 1
    for i in range(k):
        out = out * (n - i) // (i + 1)
    return out


@jit
def _distinct(keys: NDArray[np.int64], quality: NDArray[np.float64]) -> NDArray[np.intp]:
    """One index per distinct key: the best quality, the first on a tie (in index order)."""
    n = len(keys)
    keep = np.ones(n, dtype=np.bool_)
    for a in range(n):
        if not keep[a]:
            continue
        for b in range(a + 1, n):
            if keep[b] and keys[b] == keys[a]:
                if quality[b] > quality[a]:
                    keep[a] = False
                    break
                keep[b] = False
    return np.flatnonzero(keep)


@jit
def _positive_scaled(matrix: NDArray[np.float64], offset: float) -> NDArray[np.float64]:
    """``_polytope.positive_scaled`` element by element (the same operations)."""
    rows, cols = matrix.shape
    low = matrix[0, 0]
    high = matrix[0, 0]
    for i in range(rows):
        for j in range(cols):
            low = min(low, matrix[i, j])
            high = max(high, matrix[i, j])
    span = high - low
    out = np.ones((rows, cols))
    if span == 0.0:
        return out
    for i in range(rows):
        for j in range(cols):
            out[i, j] = (matrix[i, j] - low) / span + offset
    return out


@jit
def small_game_candidates(
    A: NDArray[np.float64], B: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Extreme equilibria of the bimatrix game ``(A, B)``, as candidates.

    The payoffs are made positive as by ``_polytope.positive_scaled``; then
    every completely labelled pair of nonzero vertices of ``P`` and ``Q``
    (see the module docstring), normalised: row ``c`` of ``X`` and ``Y`` is
    candidate ``c``.  For ``m + n <= 62``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
    >>> X, Y = small_game_candidates(A, A[::-1, ::-1].copy())
    >>> len(X)
    3
    """
    m, n = A.shape
    a_c = _positive_scaled(A, _OFFSET)
    b_t = np.ascontiguousarray(_positive_scaled(B, _OFFSET).T)
    # P: coordinates are labels 0..m-1, inequalities (columns) m..m+n-1
    xz, xk, xq, xd = _polytope_vertices(b_t, 0, m, LABEL_TOL, _DET_RTOL, _RCOND, _DOMINANCE)
    # Q: inequalities (rows) are labels 0..m-1, coordinates m..m+n-1
    yz, yk, yq, yd = _polytope_vertices(a_c, m, 0, LABEL_TOL, _DET_RTOL, _RCOND, _DOMINANCE)
    ix = _distinct(xk, xq) if xd.any() else np.arange(len(xk))
    iy = _distinct(yk, yq) if yd.any() else np.arange(len(yk))
    full = (np.int64(1) << (m + n)) - 1
    count = 0
    for p in ix:
        for q in iy:
            if (xk[p] | yk[q]) == full:
                count += 1
    X = np.empty((count, m))
    Y = np.empty((count, n))
    c = 0
    for p in ix:
        for q in iy:
            if (xk[p] | yk[q]) == full:
                s = 0.0
                for i in range(m):
                    s += xz[p, i]
                for i in range(m):
                    X[c, i] = xz[p, i] / s
                s = 0.0
                for j in range(n):
                    s += yz[q, j]
                for j in range(n):
                    Y[c, j] = yz[q, j] / s
                c += 1
    return X, Y
