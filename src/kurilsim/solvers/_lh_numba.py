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

It also holds the compiled loops of the common two-player path of
:func:`~kurilsim.solvers.nash.solve_nash` (every two-player method):
:func:`smallest_steps` for the precision check, :func:`pure_pairs` for the
pure candidates the exhaustive methods add, and :func:`certify_pairs` for
the certification, each the twin of a NumPy computation in
:mod:`kurilsim.solvers.nash` or :mod:`kurilsim.solvers.results` with the
same rule (:func:`kurilsim.solvers.results.compiled_two_player` hands them
out once numba is imported).

This module is imported only when numba is installed and a Lemke–Howson
path is followed or numba is imported anyway (never by ``import kurilsim``); numba compiles
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

__all__ = [
    "DEDUPE_PAIRS_UP_TO",
    "HAVE_NUMBA",
    "certified_path",
    "certify_pairs",
    "float_path",
    "pure_pairs",
    "smallest_steps",
]

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


# ---------------------------------------------------------------------------
# The common two-player path of solve_nash: precision check and certification


@jit
def _smallest_step(values: NDArray[np.float64]) -> float:
    """Sort ``values`` in place; the smallest positive difference of neighbours.

    Short vectors by insertion sort (numba's ``sort`` costs microseconds of
    set-up per call); ``inf`` if no two values differ.
    """
    count = values.size
    if count <= 32:
        for p in range(1, count):
            current = values[p]
            q = p - 1
            while q >= 0 and values[q] > current:
                values[q + 1] = values[q]
                q -= 1
            values[q + 1] = current
    else:
        values.sort()
    smallest = np.inf
    for p in range(1, count):
        step = values[p] - values[p - 1]
        if step > 0.0 and step < smallest:
            smallest = step
    return smallest


@jit
def smallest_steps(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[float, float]:
    """Per player, the smallest positive difference between two payoffs it compares.

    The row player's payoffs ``a`` are compared down each column (against one
    strategy of the column player), the column player's ``b`` along each row;
    ``inf`` where no two differ.  The numbers that
    ``nash._resolved_two_player`` finds by sorting (differences of sorted
    values, so the same floats).

    Examples
    --------
    >>> import numpy as np
    >>> steps = smallest_steps(np.array([[0.0, 1.0], [3.0, 1.0]]),
    ...                        np.array([[0.0, 0.5], [2.0, 2.0]]))
    >>> [float(step) for step in steps]
    [3.0, 0.5]
    """
    m, n = a.shape
    column = np.empty(m)
    step_a = np.inf
    for j in range(n):
        for i in range(m):
            column[i] = a[i, j]
        step_a = min(step_a, _smallest_step(column))
    row = np.empty(n)
    step_b = np.inf
    for i in range(m):
        for j in range(n):
            row[j] = b[i, j]
        step_b = min(step_b, _smallest_step(row))
    return step_a, step_b


#: Up to this many certified candidates the compiled certification also
#: merges duplicates and sorts (every pair compared, as ``results`` does up
#: to the same count); above it ``results`` does both.
DEDUPE_PAIRS_UP_TO = 32


@jit
def certify_pairs(
    rows: NDArray[np.float64],
    cols: NDArray[np.float64],
    a_centred: NDArray[np.float64],
    b_centred: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    limit_a: float,
    limit_b: float,
    dedupe_atol: float,
) -> tuple[NDArray[np.float64], NDArray[np.intp], int]:
    """The two-player certification of ``results`` as one compiled loop.

    Row ``c`` of ``rows`` and ``cols`` is a candidate ``(x, y)``.  Each is
    cleaned (entries not above ``1e-12``, NaN included, set to zero;
    renormalised), its gains are computed on the recentred payoffs and it
    passes when both gains are at most their limits (``not gain > limit``:
    NaN fails) and both strategies have a positive total.  The payoffs of
    the passing candidates are computed on the payoffs as given.

    Returns ``(table, order, n_passed)``.  Row ``c`` of ``table`` is ``[x | y | gains
    | payoffs]``: the cleaned candidate, its two gains and its two payoffs
    (zero for a failed candidate).  ``order`` lists the passing candidates:
    if at most :data:`DEDUPE_PAIRS_UP_TO` pass, without those within
    ``dedupe_atol`` (largest entry difference) of an earlier kept one and in
    lexicographically decreasing order of ``[x | y]``; otherwise all of
    them, in order.  ``n_passed`` counts the passing candidates before
    duplicates are merged.  (One table rather than four arrays: numba's boxing of
    each returned array costs about a microsecond.)

    Examples
    --------
    >>> import numpy as np
    >>> eye = np.eye(2)
    >>> table, order, n_passed = certify_pairs(
    ...     np.array([[0.5, 0.5], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]]),
    ...     eye, eye, eye, eye, 1e-9, 1e-9, 1e-9)
    >>> order.tolist(), n_passed, table[1].tolist()
    ([1], 1, [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    """
    k, m = rows.shape
    n = cols.shape[1]
    d = m + n
    flat = np.zeros((k, d + 4))  # [x | y | gains | payoffs]
    passed = np.empty(k, np.intp)
    count = 0
    for c in range(k):
        total_x = 0.0
        for i in range(m):
            v = rows[c, i]
            v = v if v > 1e-12 else 0.0
            flat[c, i] = v
            total_x += v
        total_y = 0.0
        for j in range(n):
            v = cols[c, j]
            v = v if v > 1e-12 else 0.0
            flat[c, m + j] = v
            total_y += v
        if total_x > 0.0:
            for i in range(m):
                flat[c, i] /= total_x
        if total_y > 0.0:
            for j in range(n):
                flat[c, m + j] /= total_y
        best_a, value_a = -np.inf, 0.0
        for i in range(m):
            s = 0.0
            for j in range(n):
                s += flat[c, m + j] * a_centred[i, j]
            best_a = max(best_a, s)
            value_a += s * flat[c, i]
        best_b, value_b = -np.inf, 0.0
        for j in range(n):
            s = 0.0
            for i in range(m):
                s += flat[c, i] * b_centred[i, j]
            best_b = max(best_b, s)
            value_b += s * flat[c, m + j]
        gain_a = best_a - value_a
        gain_b = best_b - value_b
        if math.isnan(best_a) or math.isnan(value_a):
            gain_a = np.nan
        if math.isnan(best_b) or math.isnan(value_b):
            gain_b = np.nan
        flat[c, d] = gain_a
        flat[c, d + 1] = gain_b
        if not (gain_a <= limit_a and gain_b <= limit_b and total_x > 0.0 and total_y > 0.0):
            continue
        passed[count] = c
        count += 1
        # the payoffs as given
        pay_a = 0.0
        for i in range(m):
            s = 0.0
            for j in range(n):
                s += flat[c, m + j] * a[i, j]
            pay_a += s * flat[c, i]
        pay_b = 0.0
        for j in range(n):
            s = 0.0
            for i in range(m):
                s += flat[c, i] * b[i, j]
            pay_b += s * flat[c, m + j]
        flat[c, d + 2] = pay_a
        flat[c, d + 3] = pay_b
    if count > DEDUPE_PAIRS_UP_TO:
        return flat, passed[:count].copy(), count
    # duplicates: a candidate goes if within dedupe_atol of an earlier kept one
    keep = np.ones(count, np.bool_)
    for p in range(count):
        if not keep[p]:
            continue
        for q in range(p + 1, count):
            if not keep[q]:
                continue
            close = True
            for e in range(d):
                if abs(flat[passed[p], e] - flat[passed[q], e]) > dedupe_atol:
                    close = False
                    break
            if close:
                keep[q] = False
    order = np.empty(count, np.intp)
    kept = 0
    for p in range(count):
        if keep[p]:
            order[kept] = passed[p]
            kept += 1
    order = order[:kept].copy()
    # stable insertion sort, lexicographically decreasing rows
    for p in range(1, kept):
        current = order[p]
        q = p - 1
        while q >= 0:
            other = order[q]
            before = False  # does current come before other?
            for e in range(d):
                if flat[current, e] != flat[other, e]:
                    before = flat[current, e] > flat[other, e]
                    break
            if not before:
                break
            order[q + 1] = other
            q -= 1
        order[q + 1] = current
    return flat, order, count


@jit
def pure_pairs(
    a_centred: NDArray[np.float64],
    b_centred: NDArray[np.float64],
    limit_a: float,
    limit_b: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The pure profiles whose gains are within the limits, as rows of the identity.

    Cell ``(i, j)`` passes when ``max_k a[k, j] - a[i, j] <= limit_a`` and
    ``max_l b[i, l] - b[i, j] <= limit_b`` (the rule and arithmetic of
    ``nash._pure_blocks``); the passing cells in row-major order, as one
    ``(k, m)`` and one ``(k, n)`` block.

    Examples
    --------
    >>> import numpy as np
    >>> rows, cols = pure_pairs(np.eye(2), np.eye(2), 1e-9, 1e-9)
    >>> rows.tolist(), cols.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    """
    m, n = a_centred.shape
    best_a = np.empty(n)
    for j in range(n):
        best = a_centred[0, j]
        for i in range(1, m):
            best = max(best, a_centred[i, j])
        best_a[j] = best
    cells = np.empty(m * n, np.intp)
    count = 0
    for i in range(m):
        best_b = b_centred[i, 0]
        for j in range(1, n):
            best_b = max(best_b, b_centred[i, j])
        for j in range(n):
            if best_a[j] - a_centred[i, j] <= limit_a and best_b - b_centred[i, j] <= limit_b:
                cells[count] = i * n + j
                count += 1
    rows = np.zeros((count, m))
    cols = np.zeros((count, n))
    for c in range(count):
        rows[c, cells[c] // n] = 1.0
        cols[c, cells[c] % n] = 1.0
    return rows, cols


@jit
def certified_path(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    label: int,
    max_pivots: int,
    accept_regret: float,
    a_centred: NDArray[np.float64],
    b_centred: NDArray[np.float64],
    limit_a: float,
    limit_b: float,
    dedupe_atol: float,
) -> tuple[int, int, NDArray[np.float64], NDArray[np.intp], int]:
    """:func:`float_path` and :func:`certify_pairs` of its end point in one call.

    Returns ``(status, n_pivots, table, order, n_passed)``: the path's
    status and pivots, and (when the status is :data:`OK`) what
    :func:`certify_pairs` returns for the one candidate; otherwise an empty
    table.  One call instead of two saves a few microseconds of numba's
    argument handling on a path that takes about ten.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    >>> B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    >>> status, n_pivots, table, order, n_passed = certified_path(
    ...     A, B, 0, 100, 1e-11, A, B - 1.0, 6e-9, 5e-9, 1e-9)
    >>> status, n_pivots, table[0, :5].tolist(), n_passed
    (0, 2, [1.0, 0.0, 0.0, 1.0, 0.0], 1)
    """
    status, x, y, n_pivots = float_path(a, b, label, max_pivots, accept_regret)
    if status != OK:
        m, n = a.shape
        return status, n_pivots, np.zeros((0, m + n + 4)), np.zeros(0, np.intp), 0
    table, order, n_passed = certify_pairs(
        x.reshape(1, x.size), y.reshape(1, y.size), a_centred, b_centred, a, b,
        limit_a, limit_b, dedupe_atol,
    )
    return status, n_pivots, table, order, n_passed
