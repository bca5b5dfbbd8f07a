"""The logit tracer's inner loops as compiled code (numba, optional).

The tracer of :mod:`kurilsim.solvers.logit` spends nearly all of its time in
three operations, repeated a few hundred times per branch on a game of a
few dozen strategies: the matrix ``C`` of the payoff derivatives
``∂ũ_i(s, σ_-i)/∂σ_j(t)``, the homotopy ``H`` with its Jacobian ``J``, and a
dense ``(M + 1) × (M + 1)`` linear solve (the Newton corrector's
``[J; t^T] δ = [-H; 0]``, and the tangent's ``[J; d^T] v = e``).  On games
this small each numpy or LAPACK call costs more in overhead than in
arithmetic, so :func:`plane_step`, :func:`tangent` and :func:`scaled_regret`
do each of them in one compiled call, for games of two or three players
(the strategic negotiation games; others stay on the numpy path).

They compute what the numpy path computes, the same way (the same
formulas, Gaussian elimination with partial pivoting as LAPACK's ``gesv``,
the tangent by the linear solve the numpy path uses), except for the order
of summation in the matrix products: the two paths agree to round-off, and
the tracer takes its decisions on scales far above it (see the notes of
:mod:`kurilsim.solvers.logit`).

This module is imported only when a logit branch of a two- or three-player
game is traced with numba installed; without numba it still imports (the
decorator is then the identity), so the tests can run its loops as plain
Python.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit

__all__ = ["HAVE_NUMBA", "block_solve", "cross", "lu_solve", "plane_step", "scaled_regret", "tangent"]

#: Whether numba is installed: the loops below are then compiled.
HAVE_NUMBA = have_numba()

#: Status codes of :func:`plane_step`.
OK, DIVERGED, SINGULAR = 0, 1, 2


@jit
def cross(
    P0: NDArray[np.float64],
    P1: NDArray[np.float64],
    P2: NDArray[np.float64],
    x: NDArray[np.float64],
    C: NDArray[np.float64],
) -> None:
    """Fill the off-diagonal blocks of ``C`` for a three-player game.

    ``P0, P1, P2`` are the players' (scaled) payoff arrays, each of shape
    ``(m0, m1, m2)``; ``x`` the stacked (not necessarily normalised) mixed
    strategies.  The diagonal blocks of ``C`` are left alone (zero).
    """
    m0, m1, m2 = P0.shape
    o1 = m0
    o2 = m0 + m1
    for a in range(m0):
        for b in range(m1):
            acc0 = 0.0
            acc1 = 0.0
            for c in range(m2):
                acc0 += P0[a, b, c] * x[o2 + c]
                acc1 += P1[a, b, c] * x[o2 + c]
            C[a, o1 + b] = acc0
            C[o1 + b, a] = acc1
    for a in range(m0):
        for c in range(m2):
            acc0 = 0.0
            acc2 = 0.0
            for b in range(m1):
                acc0 += P0[a, b, c] * x[o1 + b]
                acc2 += P2[a, b, c] * x[o1 + b]
            C[a, o2 + c] = acc0
            C[o2 + c, a] = acc2
    for b in range(m1):
        for c in range(m2):
            acc1 = 0.0
            acc2 = 0.0
            for a in range(m0):
                acc1 += P1[a, b, c] * x[a]
                acc2 += P2[a, b, c] * x[a]
            C[o1 + b, o2 + c] = acc1
            C[o2 + c, o1 + b] = acc2


@jit
def lu_solve(A: NDArray[np.float64], B: NDArray[np.float64]) -> float:
    """Solve ``A Z = B`` in place (``B`` becomes ``Z``, ``A`` its LU factors).

    ``B`` has shape ``(n, k)``: ``k`` right-hand sides.  Gaussian
    elimination with partial pivoting.  Returns the sign of ``det A``
    (``±1``), or 0 if ``A`` is singular or a solution is not finite.
    """
    n = A.shape[0]
    k_rhs = B.shape[1]
    sign = 1.0
    row = np.empty(n)
    for k in range(n):
        p = k
        big = abs(A[k, k])
        for i in range(k + 1, n):
            v = abs(A[i, k])
            if v > big:
                big = v
                p = i
        if not big > 0.0:
            return 0.0
        if p != k:
            for j in range(n):
                tmp = A[k, j]
                A[k, j] = A[p, j]
                A[p, j] = tmp
            for j in range(k_rhs):
                tmp = B[k, j]
                B[k, j] = B[p, j]
                B[p, j] = tmp
            sign = -sign
        pivot = A[k, k]
        if pivot < 0.0:
            sign = -sign
        for j in range(k + 1, n):
            row[j] = A[k, j]
        for i in range(k + 1, n):
            f = A[i, k] / pivot
            if f != 0.0:
                A[i, k] = f
                for j in range(k + 1, n):
                    A[i, j] -= f * row[j]
                for j in range(k_rhs):
                    B[i, j] -= f * B[k, j]
    for k in range(n - 1, -1, -1):
        for j in range(k_rhs):
            acc = B[k, j]
            for q in range(k + 1, n):
                acc -= A[k, q] * B[q, j]
            B[k, j] = acc / A[k, k]
            if not math.isfinite(B[k, j]):
                return 0.0
    return sign


@jit
def block_solve(A: NDArray[np.float64], B: NDArray[np.float64], m: int) -> float:
    """Solve ``A Z = B`` in place (``B`` becomes ``Z``) for ``A = [J; d^T]``.

    ``J`` is a Jacobian of the logit homotopy whose first player has ``m``
    strategies: the leading ``m × m`` block ``D`` of ``A`` is that player's
    sum row ``(x_0 .. x_{m-1})`` over the rows ``e_s - e_0`` (its
    log-probabilities do not enter its own payoffs).  ``D`` is inverted in
    closed form (``z_0 = (b_0 - Σ_{s≥1} x_s b_s) / Σ_s x_s``, ``z_s = z_0 +
    b_s``; ``det D = Σ_s x_s > 0``), so only the Schur complement of ``D``,
    of size ``M + 1 - m``, is factorised (:func:`lu_solve`).  Returns the
    sign of ``det A`` or 0, as :func:`lu_solve`.
    """
    n = A.shape[0]
    k_rhs = B.shape[1]
    K = n - m
    total = 0.0
    for s in range(m):
        total += A[0, s]
    if not total > 0.0:
        return 0.0
    # W = D^{-1} [A[:m, m:] | B[:m]]
    W = np.empty((m, K + k_rhs))
    for c in range(K + k_rhs):
        if c < K:
            acc = A[0, m + c]
            for s in range(1, m):
                acc -= A[0, s] * A[s, m + c]
            z0 = acc / total
            W[0, c] = z0
            for s in range(1, m):
                W[s, c] = z0 + A[s, m + c]
        else:
            j = c - K
            acc = B[0, j]
            for s in range(1, m):
                acc -= A[0, s] * B[s, j]
            z0 = acc / total
            W[0, c] = z0
            for s in range(1, m):
                W[s, c] = z0 + B[s, j]
    # the Schur complement S = A[m:, m:] - A[m:, :m] W[:, :K], and its
    # right-hand sides B[m:] - A[m:, :m] W[:, K:]
    S = np.empty((K, K))
    R = np.empty((K, k_rhs))
    for i in range(K):
        for c in range(K):
            S[i, c] = A[m + i, m + c]
        for j in range(k_rhs):
            R[i, j] = B[m + i, j]
        for s in range(m):
            a = A[m + i, s]
            if a != 0.0:
                for c in range(K):
                    S[i, c] -= a * W[s, c]
                for j in range(k_rhs):
                    R[i, j] -= a * W[s, K + j]
    sign = lu_solve(S, R)
    if sign == 0.0:
        return 0.0
    for i in range(K):
        for j in range(k_rhs):
            B[m + i, j] = R[i, j]
    for s in range(m):
        for j in range(k_rhs):
            acc = W[s, K + j]
            for c in range(K):
                acc -= W[s, c] * R[c, j]
            if not math.isfinite(acc):
                return 0.0
            B[s, j] = acc
    return sign


@jit
def _homotopy(
    y: NDArray[np.float64],
    P0: NDArray[np.float64],
    P1: NDArray[np.float64],
    P2: NDArray[np.float64],
    C: NDArray[np.float64],
    n: int,
    starts: NDArray[np.intp],
    owner: NDArray[np.intp],
    rows: NDArray[np.intp],
    refs: NDArray[np.intp],
    H: NDArray[np.float64],
    A: NDArray[np.float64],
) -> None:
    """``H(y)`` into ``H`` and ``J(y)`` into the first ``M`` rows of ``A``
    (as :meth:`kurilsim.solvers.logit._LogitSystem.evaluate`)."""
    M = y.size - 1
    nu = y[M]
    x = np.exp(y[:M])
    if n == 3:
        cross(P0, P1, P2, x, C)
    dev = np.empty(M)
    for r in range(M):
        acc = 0.0
        for k in range(M):
            acc += C[r, k] * x[k]
        dev[r] = acc / (n - 1)
    for i in range(starts.size):
        H[starts[i]] = -1.0
    for k in range(M):
        H[starts[owner[k]]] += x[k]
    for r in range(M):
        for k in range(M + 1):
            A[r, k] = 0.0
    for k in range(M):
        A[starts[owner[k]], k] = x[k]
    for q in range(rows.size):
        r = rows[q]
        f = refs[q]
        H[r] = y[r] - y[f] - nu * (dev[r] - dev[f])
        A[r, r] = 1.0
        A[r, f] = -1.0
        for k in range(M):
            A[r, k] -= nu * (C[r, k] - C[f, k]) * x[k]
        A[r, M] = dev[f] - dev[r]


@jit
def plane_step(
    u: NDArray[np.float64],
    t: NDArray[np.float64],
    P0: NDArray[np.float64],
    P1: NDArray[np.float64],
    P2: NDArray[np.float64],
    C: NDArray[np.float64],
    n: int,
    starts: NDArray[np.intp],
    owner: NDArray[np.intp],
    rows: NDArray[np.intp],
    refs: NDArray[np.intp],
    max_log: float,
) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """One Newton step in the hyperplane through ``u`` orthogonal to ``t``.

    Solves ``[J(u); t^T] δ = [-H(u); 0]``, and with the same factors
    ``[J(u); t^T] v = e_{M+1}`` (the tangent at ``u`` along ``t``, see
    :func:`tangent`).  Returns a status (``OK``, ``DIVERGED`` if a
    log-probability of ``u`` exceeds ``max_log``, ``SINGULAR`` if the system
    is singular or a solution not finite), ``δ``, ``J(u)`` (shape ``(M, M +
    1)``), the unit tangent and the sign of ``det [J(u); t^T]``.  ``C`` is
    the constant derivative matrix of a two-player game (``n == 2``), or a
    work array that a three-player game's is computed into.
    """
    M = u.size - 1
    A = np.empty((M + 1, M + 1))
    H = np.empty(M)
    B = np.zeros((M + 1, 2))
    for k in range(M):
        if not u[k] <= max_log:
            return DIVERGED, B[:, 0].copy(), A[:M], B[:, 1].copy(), 0.0
    _homotopy(u, P0, P1, P2, C, n, starts, owner, rows, refs, H, A)
    J = A[:M].copy()
    for k in range(M + 1):
        A[M, k] = t[k]
    for k in range(M):
        B[k, 0] = -H[k]
    B[M, 1] = 1.0
    sign = block_solve(A, B, starts[1] if starts.size > 1 else M)
    delta = B[:, 0].copy()
    v = B[:, 1].copy()
    if sign == 0.0:
        return SINGULAR, delta, J, v, 0.0
    norm = 0.0
    for k in range(M + 1):
        norm += v[k] * v[k]
    norm = math.sqrt(norm)
    for k in range(M + 1):
        v[k] /= norm
    return OK, delta, J, v, sign


@jit
def tangent(
    J: NDArray[np.float64], direction: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    """The unit null vector of ``J`` (``M × (M + 1)``) along ``direction``.

    Solves ``[J; d^T] v = e_{M+1}`` and normalises ``v``: ``J v = 0`` and
    ``d · v = 1 > 0``.  Returns the sign of ``det [J; d^T]`` (the
    orientation, which is that of ``det [J; t^T]`` as ``d · t > 0``) and
    the tangent; a sign of 0 means the system is singular.
    """
    M = J.shape[0]
    A = np.empty((M + 1, M + 1))
    A[:M] = J
    for k in range(M + 1):
        A[M, k] = direction[k]
    B = np.zeros((M + 1, 1))
    B[M, 0] = 1.0
    sign = lu_solve(A, B)
    v = B[:, 0].copy()
    if sign == 0.0:
        return 0.0, v
    norm = 0.0
    for k in range(M + 1):
        norm += v[k] * v[k]
    norm = math.sqrt(norm)
    for k in range(M + 1):
        v[k] /= norm
    return sign, v


@jit
def scaled_regret(
    x: NDArray[np.float64],
    P0: NDArray[np.float64],
    P1: NDArray[np.float64],
    P2: NDArray[np.float64],
    C: NDArray[np.float64],
    n: int,
    starts: NDArray[np.intp],
    owner: NDArray[np.intp],
) -> float:
    """The largest deviation gain at the normalised profile ``x``
    (as :meth:`kurilsim.solvers.logit._LogitSystem.scaled_regret`)."""
    M = x.size
    if n == 3:
        cross(P0, P1, P2, x, C)
    players = starts.size
    best = np.full(players, -np.inf)
    mean = np.zeros(players)
    for r in range(M):
        acc = 0.0
        for k in range(M):
            acc += C[r, k] * x[k]
        d = acc / (n - 1)
        i = owner[r]
        best[i] = max(best[i], d)
        mean[i] += d * x[r]
    worst = 0.0
    for i in range(players):
        gain = best[i] - mean[i]
        worst = max(worst, gain)
    return worst
