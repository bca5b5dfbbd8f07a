"""The floating-point Lemke–Howson path as one compiled loop (numba, optional).

:func:`float_path` is the scalar twin of the pure-numpy path in
:mod:`kurilsim.solvers._lemke_howson`: the same tableaux, the same
lexicographic ratio test with the same tolerances, the same refreshes of the
tableaux, the same cycle detection and the same normalisation, written as
loops over scalars that numba compiles to machine code.  Every floating-point
operation that decides the path or the strategies is the same operation, in
the same order, as in the numpy path (element-wise products, differences and
quotients; sums taken sequentially), so both paths pivot identically and
return bit-identical strategies.  Only the regret of the end point (the
acceptance test) is summed in another order than numpy's matrix products;
it can differ in the last bits, which decides nothing unless the regret lies
within rounding of the acceptance threshold.

This module is imported only when numba is installed and a Lemke–Howson
path is followed (never by ``import kurilsim``); numba compiles
:func:`float_path` on its first call and caches the machine code on disk
(``cache=True``), so later processes load it instead of compiling.  Without
numba the module still imports (the decorator is then the identity), which
keeps it importable for doctests and lets the tests run the scalar code as
plain Python.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._lemke_howson import _PIVOT_RTOL, _REFRESH_EVERY, _TIE_RTOL
from kurilsim.solvers._numba import have_numba, jit

__all__ = ["HAVE_NUMBA", "float_path"]

#: Whether numba is installed: the loops below are then compiled.
HAVE_NUMBA = have_numba()


#: Status codes of :func:`float_path` (those of ``_lemke_howson``).
OK, FAILED, TOO_MANY_PIVOTS, NOT_FINITE = 0, 1, 2, 3

#: Bits of a basis mask per word of a cycle-detection key.
_BITS = 62


@jit
def _pivot(table: NDArray[np.float64], row: int, col: int) -> None:
    """Pivot on ``table[row, col]``: the numpy path's rank-one update, element-wise."""
    rows, width = table.shape
    pivot = table[row, col]
    pivot_row = np.empty(width)
    for j in range(width):
        pivot_row[j] = table[row, j] / pivot
    for i in range(rows):
        if i == row:
            continue
        factor = table[i, col]
        for j in range(width):
            table[i, j] -= factor * pivot_row[j]
    for j in range(width):
        table[row, j] = pivot_row[j]


@jit
def _ratio_row(
    table: NDArray[np.float64],
    col: int,
    inv_lo: int,
    inv_hi: int,
    candidates: NDArray[np.intp],
    scales: NDArray[np.float64],
    ratios: NDArray[np.float64],
    noise: NDArray[np.float64],
) -> int:
    """Row of the lexicographic minimum ratio test, or ``-1`` if unbounded.

    See ``_lemke_howson._lex_min_ratio_row``; ``candidates`` .. ``noise`` are
    work arrays with one entry per row.
    """
    rows = table.shape[0]
    count = 0
    for i in range(rows):
        entry = table[i, col]
        if not entry > 0.0:
            continue
        scale = 0.0
        for j in range(inv_lo, inv_hi):
            value = abs(table[i, j])
            if value > scale:  # noqa: PLR1730 - as numpy's max, NaN aside
                scale = value
        if entry > _PIVOT_RTOL * scale:
            candidates[count] = i
            scales[count] = scale
            count += 1
    if count == 0:
        return -1
    if count == 1:
        return int(candidates[0])
    for level in range(-1, inv_hi - inv_lo):
        key = 0 if level < 0 else inv_lo + level
        best = 0
        for c in range(count):
            i = candidates[c]
            pivot = table[i, col]
            ratio = table[i, key] / pivot
            ratios[c] = ratio
            noise[c] = _TIE_RTOL * scales[c] / pivot * (1.0 + abs(ratio))
            if ratio < ratios[best]:
                best = c
        best_ratio, best_noise = ratios[best], noise[best]
        kept = 0
        for c in range(count):
            if ratios[c] - best_ratio <= noise[c] + best_noise:
                candidates[kept] = candidates[c]
                scales[kept] = scales[c]
                kept += 1
        count = kept
        if count == 1:
            return int(candidates[0])
        if count == 0:  # only with NaN in the tableau
            return -1
    # numerically indistinguishable rows: the largest pivot element
    best = 0
    for c in range(1, count):
        if table[candidates[c], col] > table[candidates[best], col]:
            best = c
    return int(candidates[best])


@jit
def _refresh(
    table: NDArray[np.float64],
    full: NDArray[np.float64],
    basis: NDArray[np.intp],
    slack_lo: int,
) -> bool:
    """Recompute ``table`` from the original ``full`` and ``basis``; ``False`` if singular.

    Gauss–Jordan elimination from the initial (slack) basis, bringing in the
    basic variables in basis order, each on the largest eligible entry of
    its column (partial pivoting); then rows are put back in basis order.
    """
    rows, width = table.shape
    work = _copy(full)
    row_var = np.empty(rows, np.intp)
    wanted = np.zeros(width, np.bool_)
    for i in range(rows):
        row_var[i] = slack_lo + i
        wanted[basis[i]] = True
    for k in range(rows):
        var = basis[k]
        if slack_lo <= var < slack_lo + rows:
            continue
        col = 1 + var
        best = -1
        largest = 0.0
        for i in range(rows):
            if wanted[row_var[i]]:
                continue  # its variable stays basic
            value = abs(work[i, col])
            if value > largest:
                best, largest = i, value
        if best < 0:
            return False
        _pivot(work, best, col)
        row_var[best] = var
    for k in range(rows):
        for i in range(rows):
            if row_var[i] == basis[k]:
                for j in range(width):
                    table[k, j] = work[i, j]
                break
    return True


@jit
def _copy(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    rows, cols = matrix.shape
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = matrix[i, j]
    return out


@jit
def _hash_key(key: NDArray[np.int64]) -> int:
    """32-bit FNV-1a over the key's words, two halves per word.

    Every product stays below 2**57, so the hash never overflows: compiled
    and plain-Python runs (numpy scalars warn on overflow) give the same value.
    """
    h = 2166136261
    for w in key:
        h = ((h ^ (w & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
        h = ((h ^ ((w >> 32) & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return h


@jit
def _seen_before(
    keys: NDArray[np.int64], used: NDArray[np.bool_], key: NDArray[np.int64]
) -> int:
    """Look ``key`` up in the open-addressing table; insert it if absent.

    Returns 1 if it was present, 0 if it was inserted, -1 if the table is full.
    """
    capacity = used.size
    slot = _hash_key(key) & (capacity - 1)
    for _ in range(capacity):
        if not used[slot]:
            for w in range(key.size):
                keys[slot, w] = key[w]
            used[slot] = True
            return 0
        same = True
        for w in range(key.size):
            if keys[slot, w] != key[w]:
                same = False
                break
        if same:
            return 1
        slot = (slot + 1) & (capacity - 1)
    return -1


@jit
def _grown(
    keys: NDArray[np.int64], used: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    new_keys = np.zeros((2 * used.size, keys.shape[1]), np.int64)
    new_used = np.zeros(2 * used.size, np.bool_)
    for slot in range(used.size):
        if used[slot]:
            _seen_before(new_keys, new_used, keys[slot])
    return new_keys, new_used


@jit
def _scaled(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """``positive_scaled(matrix, offset=1.0)``, element-wise in the same order."""
    rows, cols = matrix.shape
    low = high = matrix[0, 0]
    for i in range(rows):
        for j in range(cols):
            low = min(low, matrix[i, j])
            high = max(high, matrix[i, j])
    span = high - low
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = 1.0 if span == 0.0 else (matrix[i, j] - low) / span + 1.0
    return out


@jit
def _normalised(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], bool]:
    total = 0.0
    for k in range(values.size):
        if values[k] < 0.0:  # noqa: PLR1730 - keeps -0.0, as np.where does
            values[k] = 0.0
        total += values[k]
    if not total > 0.0:
        return values, False
    for k in range(values.size):
        values[k] = values[k] / total
    return values, True


@jit
def float_path(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    label: int,
    max_pivots: int,
    accept_regret: float,
) -> tuple[int, NDArray[np.float64], NDArray[np.float64], int]:
    """Follow the Lemke–Howson path dropping ``label`` on the game ``(a, b)``.

    Returns ``(status, x, y, n_pivots)``: ``status`` is :data:`OK` (``x``
    and ``y`` are the equilibrium, with scaled regret at most
    ``accept_regret``), :data:`FAILED` (rounding errors took over: recompute
    exactly), :data:`TOO_MANY_PIVOTS` or :data:`NOT_FINITE` (a payoff is
    NaN or infinite).  The tolerances and the refresh interval are those of
    ``_lemke_howson`` (compile-time constants).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    >>> B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    >>> status, x, y, n_pivots = float_path(A, B, 1, 100, 1e-11)
    >>> status, x.round(4), y.round(4), n_pivots
    (0, array([0.    , 0.3333, 0.6667]), array([0.3333, 0.6667]), 4)
    """
    m, n = a.shape
    empty = np.zeros(0)
    for i in range(m):
        for j in range(n):
            if not (math.isfinite(a[i, j]) and math.isfinite(b[i, j])):
                return NOT_FINITE, empty, empty, 0
    labels = m + n
    width = 1 + labels
    a_pos = _scaled(a)
    b_pos = _scaled(b)
    # P (row player's x, n rows): [1 | b_pos.T | I]; Q (m rows): [1 | I | a_pos]
    full_p = np.zeros((n, width))
    full_q = np.zeros((m, width))
    for j in range(n):
        full_p[j, 0] = 1.0
        for i in range(m):
            full_p[j, 1 + i] = b_pos[i, j]
        full_p[j, 1 + m + j] = 1.0
    for i in range(m):
        full_q[i, 0] = 1.0
        full_q[i, 1 + i] = 1.0
        for j in range(n):
            full_q[i, 1 + m + j] = a_pos[i, j]
    tab_p = _copy(full_p)
    tab_q = _copy(full_q)
    basis_p = np.empty(n, np.intp)
    for j in range(n):
        basis_p[j] = m + j
    basis_q = np.empty(m, np.intp)
    for i in range(m):
        basis_q[i] = i
    stale = np.zeros(2, np.intp)
    size = max(m, n)
    candidates = np.empty(size, np.intp)
    scales = np.empty(size)
    ratios = np.empty(size)
    noise = np.empty(size)
    # cycle detection: (basis masks of P and Q, which tableau pivots next)
    words = (labels + _BITS - 1) // _BITS
    key = np.zeros(2 * words + 1, np.int64)
    for v in range(m, m + n):
        key[v // _BITS] |= np.int64(1) << (v % _BITS)
    for v in range(m):
        key[words + v // _BITS] |= np.int64(1) << (v % _BITS)
    keys = np.zeros((64, key.size), np.int64)
    used = np.zeros(64, np.bool_)
    n_seen = 0

    in_p = label < m
    entering = label
    n_pivots = 0
    while True:
        if n_pivots >= max_pivots:
            return TOO_MANY_PIVOTS, empty, empty, n_pivots
        side = 0 if in_p else 1
        table = tab_p if in_p else tab_q
        basis = basis_p if in_p else basis_q
        if stale[side] >= _REFRESH_EVERY:
            if not _refresh(table, full_p if in_p else full_q, basis, m if in_p else 0):
                return FAILED, empty, empty, n_pivots
            stale[side] = 0
        if in_p:
            inv_lo, inv_hi = 1 + m, 1 + m + n
        else:
            inv_lo, inv_hi = 1, 1 + m
        row = _ratio_row(
            table, 1 + entering, inv_lo, inv_hi, candidates, scales, ratios, noise
        )
        if row < 0:
            return FAILED, empty, empty, n_pivots
        _pivot(table, row, 1 + entering)
        stale[side] += 1
        leaving = basis[row]
        basis[row] = entering
        n_pivots += 1
        if leaving == label:
            break
        offset = 0 if in_p else words
        key[offset + entering // _BITS] ^= np.int64(1) << (entering % _BITS)
        key[offset + leaving // _BITS] ^= np.int64(1) << (leaving % _BITS)
        entering = leaving
        in_p = not in_p
        key[2 * words] = 1 if in_p else 0
        if 2 * (n_seen + 1) > used.size:
            keys, used = _grown(keys, used)
        if _seen_before(keys, used, key) != 0:
            return FAILED, empty, empty, n_pivots
        n_seen += 1

    x = np.zeros(m)
    y = np.zeros(n)
    for r in range(n):
        if basis_p[r] < m:
            x[basis_p[r]] = tab_p[r, 0]
    for r in range(m):
        if basis_q[r] >= m:
            y[basis_q[r] - m] = tab_q[r, 0]
    x, ok_x = _normalised(x)
    y, ok_y = _normalised(y)
    if not (ok_x and ok_y):
        return FAILED, empty, empty, n_pivots
    # the scaled regret, as _lemke_howson._scaled_regret
    value_row, best_row = 0.0, -np.inf
    for i in range(m):
        payoff = 0.0
        for j in range(n):
            payoff += a_pos[i, j] * y[j]
        best_row = max(best_row, payoff)
        value_row += x[i] * payoff
    value_col, best_col = 0.0, -np.inf
    for j in range(n):
        payoff = 0.0
        for i in range(m):
            payoff += x[i] * b_pos[i, j]
        best_col = max(best_col, payoff)
        value_col += payoff * y[j]
    regret = max(best_row - value_row, best_col - value_col)
    if not regret <= accept_regret:
        return FAILED, empty, empty, n_pivots
    return OK, x, y, n_pivots
