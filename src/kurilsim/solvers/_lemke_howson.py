"""The Lemke–Howson algorithm for bimatrix games, with lexicographic pivoting.

:func:`lemke_howson_kernel` follows one Lemke–Howson path (Lemke & Howson
1964) by complementary pivoting on two tableaux, one per best-response
polytope, exactly as in von Stengel (2007, §3.4–3.5).  Ties in the minimum
ratio test, which occur in degenerate games, are broken by the lexicographic
rule of von Stengel (2007, §3.5.3), so no path can cycle.  The path is
followed in floating point; if rounding makes it go astray (a repeated
basis, a singular basis, or an end point that is not an equilibrium), it is
followed again in exact integer arithmetic (von Stengel 2007, §3.5.2).

:func:`savani_von_stengel_game` builds the "hard-to-solve" games of Savani &
von Stengel (2006), on which every Lemke–Howson path is exponentially long:
a stress test for this kernel and a benchmark for the other solvers.

Engines and speed
-----------------
The floating-point path has two implementations that perform the same
floating-point operations in the same order, so they pivot identically and
return bit-identical strategies (``tests/solvers/test_lh_numba.py``):

* pure numpy (:func:`_numpy_path`), always available: each pivot is about
  twenty numpy calls on the small tableaux, so a path costs tens of
  microseconds per pivot whatever the size;
* numba (:func:`kurilsim.solvers._lh_numba.float_path`, optional: ``pip
  install numba``): the whole path, from the payoffs to the checked
  strategies, is one compiled loop, as fast as QuantEcon's numba-compiled
  ``lemke_howson``.  Compiled on first use and cached on disk
  (``cache=True``; the first compilation takes several seconds, and each new
  process pays for importing numba and loading the cache, a few tenths of a
  second), never at ``import kurilsim``.

``benchmarks/bench_lemke_howson.py`` (random normal games, label 0, one core,
10 games per size, median; on a shared and heavily loaded 2-core machine, so
the absolute times are about three times those of an idle one, while the
ratios, from interleaved runs, hold):

======  ===========  ==========  ==========  =========  =========
size    kernel,      kernel,     QuantEcon   numba /    numpy /
        numba        numpy                   QuantEcon  QuantEcon
======  ===========  ==========  ==========  =========  =========
4x4     28 us        0.91 ms     45 us       0.63       20
6x6     17 us        0.46 ms     21 us       0.79       22
8x8     20 us        0.39 ms     23 us       0.87       17
10x10   25 us        0.86 ms     26 us       0.96       33
12x12   19 us        0.40 ms     25 us       0.77       16
14x14   30 us        0.71 ms     30 us       1.00       23
======  ===========  ==========  ==========  =========  =========

(nashpy's ``lemke_howson`` takes 25-65x QuantEcon's time, and over 2 s on
some 10x10 and 13x13 games.)  The numba
kernel is within 0.6-1.0x of QuantEcon at every size from 4x4 to
14x14 (at most 1.2x in a noisier run); the numpy kernel is 12-33x QuantEcon
and 1.8-2.5x faster than this module's previous implementation (35-50x
QuantEcon).  On the exponentially long paths of
:func:`savani_von_stengel_game` (``d = 12``: 35,392 pivots over its 24
labels) numba takes 0.1 s and numpy 5 s.  ``engine="auto"`` (what
:func:`~kurilsim.solvers.nash.solve_nash` uses) starts with numpy and moves
to numba once the process has spent 0.5 s in numpy paths
(:func:`numba_path`), so a script that solves a few games never
imports numba; set ``KURILSIM_DISABLE_NUMBA=1`` to stay with numpy.  The
whole public call ``solve_nash(game, "lemke-howson")`` takes about 3x
QuantEcon's time with the numba kernel (2.9-3.2x from 4x4 to 14x14 in
interleaved runs; 10-11x before the common two-player path was compiled):
:func:`solve_nash` calls :func:`lemke_howson_path`, this kernel without its
argument checks, and once numba is imported the precision check and the
certification of the end point are compiled loops too
(:mod:`kurilsim.solvers._lh_numba`, used by
:mod:`kurilsim.solvers.results`); the rest is Python: argument checks, the
result objects.

References
----------
.. [LH64] C. E. Lemke and J. T. Howson, Jr., "Equilibrium points of bimatrix
   games", *J. SIAM* 12(2):413–423, 1964.
.. [vS07] B. von Stengel, "Equilibrium computation for two-player games in
   strategic and extensive form", ch. 3 of N. Nisan, T. Roughgarden, É. Tardos
   and V. V. Vazirani (eds.), *Algorithmic Game Theory*, Cambridge University
   Press, 2007.
.. [SvS06] R. Savani and B. von Stengel, "Hard-to-solve bimatrix games",
   *Econometrica* 74(2):397–429, 2006.
.. [vS99] B. von Stengel, "New maximal numbers of equilibria in bimatrix
   games", *Discrete Comput. Geom.* 21:557–568, 1999.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError, InvalidGameError, SolverError
from kurilsim.solvers._numba import have_numba, numba_disabled
from kurilsim.solvers._polytope import positive_scaled

__all__ = [
    "certified_path",
    "lemke_howson_kernel",
    "lemke_howson_path",
    "savani_von_stengel_game",
]

#: Tolerances of the floating-point ratio test, relative to the rounding scale
#: of each tableau row: the rounding error of every entry of row ``i`` is
#: proportional to ``s_i``, the largest magnitude in row ``i`` of the basis
#: inverse.  A pivot-column entry counts as positive if it exceeds
#: ``_PIVOT_RTOL * s_i``; two ratios tie if they agree to within
#: ``_TIE_RTOL * s_i / (pivot entry)``.  Tie detection only needs to absorb
#: the rounding of exact ties (degenerate games); a larger tolerance would
#: merge the nearly equal ratios of ill-conditioned nondegenerate games.
_PIVOT_RTOL = 1e-13
_TIE_RTOL = 1e-15

#: A floating-point end point is accepted if no player can gain more than
#: this by deviating, in the payoffs rescaled to ``[1, 2]``; otherwise the
#: path is recomputed in exact arithmetic.
_ACCEPT_REGRET = 1e-11

#: The floating-point tableaux are recomputed from the original matrices and
#: the current bases after this many pivots.
_REFRESH_EVERY = 10


def _validated_label(initial_label: object, n_labels: int) -> int:
    valid = f"an integer in [0, {n_labels}) (0..{n_labels - 1})"
    if isinstance(initial_label, bool | np.bool_) or not isinstance(
        initial_label, numbers.Integral
    ):
        raise InvalidGameError(
            f"initial_label must be {valid}, got {initial_label!r} "
            f"of type {type(initial_label).__name__}"
        )
    label = int(initial_label)
    if not 0 <= label < n_labels:
        raise InvalidGameError(f"initial_label must be {valid}, got {label}")
    return label


def _too_many_pivots(label: int, max_pivots: int) -> SolverError:
    return SolverError(
        f"Lemke–Howson from initial label {label} did not reach an equilibrium "
        f"within max_pivots={max_pivots} pivots"
    )


# ---------------------------------------------------------------------------
# Floating point: the pure-numpy path (its compiled twin is _lh_numba.float_path)

#: Status codes of a floating-point path (as in :mod:`._lh_numba`).
_OK, _FAILED, _TOO_MANY_PIVOTS, _NOT_FINITE = 0, 1, 2, 3


def _lex_min_ratio_row(table: NDArray[np.float64], col: int, inv_lo: int, inv_hi: int) -> int:
    """Row of the lexicographic minimum ratio test on column ``col``, or ``-1``.

    ``table`` is a tableau ``[rhs | B^-1 M]`` whose columns ``inv_lo ..
    inv_hi - 1`` (those of the initial slack basis) hold the basis inverse.
    Among the rows ``i`` with ``table[i, col] > 0`` choose the one minimising
    ``(rhs[i], inverse[i, 0], inverse[i, 1], ...) / table[i, col]``
    lexicographically (von Stengel 2007, §3.5.3).  The rows of the basis
    inverse are linearly independent, so in exact arithmetic the minimum is
    unique; this is the tableau form of perturbing the right-hand side by
    ``(eps, eps**2, ...)``.  ``-1`` means no entry is positive (an unbounded
    ray, impossible for bounded polytopes: rounding error).

    Tolerances are per row.  Every entry of tableau row ``i`` is the row
    ``inverse[i]`` times a column of the original constraint matrix (entries
    in ``[0, 2]``), so its rounding error is proportional to
    ``s_i = max |inverse[i]|``, however small the entry itself is after
    cancellation.  Hence ``table[i, col]`` counts as positive if it exceeds
    ``_PIVOT_RTOL * s_i``, and two ratios tie if they differ by at most their
    combined uncertainty ``_TIE_RTOL * s_i / table[i, col] * (1 + |ratio|)``.
    """
    column = table[:, col]
    scale = np.abs(table[:, inv_lo:inv_hi]).max(axis=1)
    candidates = (column > _PIVOT_RTOL * scale).nonzero()[0]  # implies > 0
    if candidates.size <= 1:
        return int(candidates[0]) if candidates.size else -1
    pivots, row_scale = column[candidates], scale[candidates]
    for k in range(-1, inv_hi - inv_lo):
        ratios = table[candidates, 0 if k < 0 else inv_lo + k] / pivots
        noise = _TIE_RTOL * row_scale / pivots * (1.0 + np.abs(ratios))
        best = ratios.argmin()
        keep = (ratios - ratios[best] <= noise + noise[best]).nonzero()[0]
        if keep.size == 1:
            return int(candidates[keep[0]])
        if keep.size == 0:  # only with NaN in the tableau
            return -1
        candidates, pivots, row_scale = candidates[keep], pivots[keep], row_scale[keep]
    # Numerically indistinguishable rows (impossible in exact arithmetic):
    # take the largest pivot element, the most stable choice.
    return int(candidates[pivots.argmax()])


def _pivot(table: NDArray[np.float64], row: int, col: int) -> None:
    """Pivot on ``table[row, col]`` in place (one rank-one update)."""
    column = table[:, col].copy()
    pivot_row = table[row] / column[row]
    column[row] = 0.0
    table -= np.multiply.outer(column, pivot_row)
    table[row] = pivot_row


def _refreshed(
    full: NDArray[np.float64], basis: NDArray[np.intp], slack_lo: int
) -> NDArray[np.float64] | None:
    """The tableau of ``basis`` recomputed from the original ``full``; ``None`` if singular.

    Gauss–Jordan elimination from the initial slack basis (variables
    ``slack_lo + i`` in row ``i``): the basic variables that are not slacks
    enter in basis order, each on the largest entry of its column among the
    rows whose slack must leave (partial pivoting); the rows are then put
    in basis order.
    """
    rows = full.shape[0]
    work = full.copy()
    row_var = list(range(slack_lo, slack_lo + rows))
    order = basis.tolist()
    wanted = set(order)
    for var in order:
        if slack_lo <= var < slack_lo + rows:
            continue
        eligible = [i for i in range(rows) if row_var[i] not in wanted]
        sizes = np.abs(work[eligible, 1 + var])
        k = int(np.argmax(sizes))
        if not sizes[k] > 0.0:
            return None
        _pivot(work, eligible[k], 1 + var)
        row_var[eligible[k]] = var
    result: NDArray[np.float64] = work[[row_var.index(v) for v in order]]
    return result


def _normalised(values: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """``values`` clipped at 0 and divided by their (sequential) sum; ``None`` if 0."""
    clipped = np.where(values < 0.0, 0.0, values)
    total = 0.0
    for v in clipped.tolist():  # sequentially, as the compiled path sums
        total += v
    if not total > 0.0:
        return None
    result: NDArray[np.float64] = clipped / total
    return result


def _scaled_regret(
    a_pos: NDArray[np.float64],
    b_pos: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
) -> float:
    ay, xb = a_pos @ y, x @ b_pos
    return max(float(ay.max() - x @ ay), float(xb.max() - xb @ y))


_Path = tuple[int, NDArray[np.float64], NDArray[np.float64], int]


def _numpy_path(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    label: int,
    max_pivots: int,
    accept_regret: float,
) -> _Path:
    """The Lemke–Howson path in floating point, with numpy: ``(status, x, y, pivots)``.

    ``status`` is ``_OK`` (``x, y`` an equilibrium whose regret in the
    rescaled payoffs is at most ``accept_regret``), ``_FAILED`` (rounding
    errors took over: recompute exactly) or ``_TOO_MANY_PIVOTS``.

    Columns are indexed by label: ``P`` has ``[x (0..m-1), r (m..m+n-1)]``,
    ``Q`` has ``[s (0..m-1), y (m..m+n-1)]``; column 0 is the right-hand
    side.  In exact arithmetic the lexicographic path never visits a pair of
    bases twice, so a repeated pair (remembered as bit masks, with the
    tableau that pivots next) proves that rounding errors took over.
    """
    m, n = a.shape
    width = 1 + m + n
    a_pos, b_pos = positive_scaled(a, offset=1.0), positive_scaled(b, offset=1.0)
    full_p = np.zeros((n, width))
    full_p[:, 0] = 1.0
    full_p[:, 1 : 1 + m] = b_pos.T
    full_p.ravel()[1 + m :: width + 1] = 1.0  # the slacks r: identity
    full_q = np.zeros((m, width))
    full_q[:, 0] = 1.0
    full_q.ravel()[1 :: width + 1] = 1.0  # the slacks s: identity
    full_q[:, 1 + m :] = a_pos
    tables = [full_p.copy(), full_q.copy()]
    fulls = (full_p, full_q)
    bases = [np.arange(m, m + n), np.arange(m)]
    slack_lo = (m, 0)
    inverse = ((1 + m, 1 + m + n), (1, 1 + m))
    stale = [0, 0]
    masks = [sum(1 << v for v in range(m, m + n)), (1 << m) - 1]
    seen: set[tuple[int, int, int]] = set()
    empty = np.zeros(0)

    side = 0 if label < m else 1
    entering = label
    n_pivots = 0
    while True:
        if n_pivots >= max_pivots:
            return _TOO_MANY_PIVOTS, empty, empty, n_pivots
        basis = bases[side]
        if stale[side] >= _REFRESH_EVERY:
            fresh = _refreshed(fulls[side], basis, slack_lo[side])
            if fresh is None:
                return _FAILED, empty, empty, n_pivots
            tables[side] = fresh
            stale[side] = 0
        table = tables[side]
        row = _lex_min_ratio_row(table, 1 + entering, *inverse[side])
        if row < 0:
            return _FAILED, empty, empty, n_pivots
        _pivot(table, row, 1 + entering)
        stale[side] += 1
        leaving = int(basis[row])
        basis[row] = entering
        n_pivots += 1
        if leaving == label:
            break
        masks[side] ^= (1 << entering) | (1 << leaving)
        entering = leaving
        side = 1 - side
        state = (masks[0], masks[1], side)
        if state in seen:
            return _FAILED, empty, empty, n_pivots
        seen.add(state)

    basis_p, basis_q = bases
    x, y = np.zeros(m), np.zeros(n)
    rows = basis_p < m
    x[basis_p[rows]] = tables[0][rows, 0]
    rows = basis_q >= m
    y[basis_q[rows] - m] = tables[1][rows, 0]
    x_n, y_n = _normalised(x), _normalised(y)
    if x_n is None or y_n is None:
        return _FAILED, empty, empty, n_pivots
    if not _scaled_regret(a_pos, b_pos, x_n, y_n) <= accept_regret:
        return _FAILED, empty, empty, n_pivots
    return _OK, x_n, y_n, n_pivots


# ---------------------------------------------------------------------------
# Choosing the engine


Engine = Literal["auto", "numba", "numpy"]
_ENGINES = ("auto", "numba", "numpy")

#: ``engine="auto"`` follows paths in numpy until the process has spent this
#: many seconds in them (about what importing numba and loading the compiled
#: path cost), then in the compiled path: see :func:`numba_path`.
NUMPY_SECONDS_BEFORE_NUMBA = 0.5

_UNSET = object()
_loaded: object = _UNSET  # the compiled path, or None if numba is unusable
_env_disabled: bool | None = None  # KURILSIM_DISABLE_NUMBA, read on first use
_numpy_seconds = 0.0  # time spent by engine="auto" in the numpy path


def numba_path() -> Callable[..., _Path] | None:
    """The compiled path that ``engine="auto"`` uses now, or ``None`` for numpy.

    ``None`` if the environment variable ``KURILSIM_DISABLE_NUMBA`` is set
    (to anything but ``""``, ``0``, ``false`` or ``no``; read once, on first
    use), if numba is not installed or unusable, and also until the process
    has spent :data:`NUMPY_SECONDS_BEFORE_NUMBA` seconds in the numpy path
    (unless the compiled path was loaded already, e.g. by
    ``engine="numba"``).  Loading numba costs a few tenths of a second once
    per process, so a script that follows a few short paths never pays it,
    while one that follows many pays it at most once it has spent as much
    in numpy (the break-even rule of ski rental: never worse than twice the
    better choice made in hindsight).
    """
    global _env_disabled
    if _env_disabled is None:
        _env_disabled = numba_disabled()
    if _env_disabled or (_loaded is _UNSET and _numpy_seconds < NUMPY_SECONDS_BEFORE_NUMBA):
        return None
    return _load_numba_path()


def _load_numba_path() -> Callable[..., _Path] | None:
    """:func:`._lh_numba.float_path` compiled, or ``None`` without usable numba.

    On first use this imports numba and compiles the path (or loads it from
    numba's on-disk cache) by solving a 2x2 game; any failure (numba
    missing, or incompatible with this numpy) makes the answer ``None`` for
    the rest of the process.
    """
    global _loaded
    if _loaded is _UNSET:
        _loaded = None
        if have_numba():
            try:
                from kurilsim.solvers import _lh_numba

                if _lh_numba.HAVE_NUMBA:
                    eye = np.eye(2)
                    _lh_numba.float_path(eye, eye, 0, 10, _ACCEPT_REGRET)
                    _loaded = _lh_numba.float_path
            except Exception:  # noqa: BLE001 - any failure: the numpy path instead
                _loaded = None
    return _loaded  # type: ignore[return-value]


def _numba_or_fail() -> Callable[..., _Path]:
    compiled = _load_numba_path()
    if compiled is None:
        raise InvalidArgumentError(
            "engine='numba' needs the numba package (pip install numba), which "
            "is not installed or cannot be imported; use engine='auto' or 'numpy'"
        )
    return compiled


#: Larger pivot limits are passed to the compiled path as this (int64).
_PIVOT_LIMIT = 2**62


# ---------------------------------------------------------------------------
# Exact integer pivoting


def _integer_positive(matrix: NDArray[np.float64]) -> list[list[int]]:
    """Positive integers proportional to :func:`_positive_scaled` ``(matrix)``.

    Every float is a dyadic rational, so ``M - min M + ptp M`` (``ptp M`` times
    the rescaled matrix) is exactly a matrix of integers divided by a power of
    two.  A common positive factor does not change the Lemke–Howson path.
    """
    entries = [[Fraction(float(v)) for v in row] for row in matrix]
    low = min(min(row) for row in entries)
    span = max(max(row) for row in entries) - low
    if span == 0:
        return [[1] * len(row) for row in entries]
    shifted = [[v - low + span for v in row] for row in entries]
    denominator = max(v.denominator for row in shifted for v in row)  # powers of 2
    return [
        [v.numerator * (denominator // v.denominator) for v in row] for row in shifted
    ]


class _IntegerTableau:
    """Exact tableau by integer pivoting (von Stengel 2007, §3.5.2).

    Row ``i`` is ``[rhs, column 0, ..., column m+n-1]`` times the current
    determinant ``det``, all integers; ``slack`` lists the columns of the
    initial identity basis, whose entries are ``det`` times the basis inverse.
    """

    __slots__ = ("basis", "det", "rows", "slack")

    def __init__(self, rows: list[list[int]], slack: list[int]) -> None:
        self.rows = rows
        self.slack = slack
        self.basis = list(slack)
        self.det = 1

    def _lex_min_ratio_row(self, entering: int) -> int | None:
        col = 1 + entering
        keys = [0] + [1 + s for s in self.slack]
        best: int | None = None
        for i, row in enumerate(self.rows):
            if row[col] <= 0:
                continue
            if best is None:
                best = i
                continue
            top = self.rows[best]
            for key in keys:  # compare row[key] / row[col] with top[key] / top[col]
                diff = row[key] * top[col] - top[key] * row[col]
                if diff:
                    if diff < 0:
                        best = i
                    break
        return best

    def pivot(self, entering: int) -> int:
        r = self._lex_min_ratio_row(entering)
        if r is None:  # pragma: no cover - impossible for bounded polytopes
            raise SolverError("Lemke–Howson: unbounded ray in exact arithmetic")
        col = 1 + entering
        pivot_row = self.rows[r]
        pivot = pivot_row[col]
        det = self.det
        for i, row in enumerate(self.rows):
            if i != r:
                factor = row[col]
                self.rows[i] = [
                    (v * pivot - factor * p) // det
                    for v, p in zip(row, pivot_row, strict=True)
                ]
        self.det = pivot
        leaving = self.basis[r]
        self.basis[r] = entering
        return leaving

    def values(self, first: int, stop: int) -> list[Fraction]:
        """Values of the variables ``first .. stop-1`` (times a common factor)."""
        values = [Fraction(0)] * (stop - first)
        for row, var in zip(self.rows, self.basis, strict=True):
            if first <= var < stop:
                values[var - first] = Fraction(row[0], self.det)
        return values


def _complementary_path(
    p_tab: _IntegerTableau, q_tab: _IntegerTableau, label: int, m: int, max_pivots: int
) -> int:
    """Follow the Lemke–Howson path that drops ``label``; return the pivot count.

    Pivots alternate between the two tableaux: the variable that leaves one
    enters the other, until ``label`` itself leaves.
    """
    tableau, other = (p_tab, q_tab) if label < m else (q_tab, p_tab)
    entering = label
    n_pivots = 0
    while True:
        if n_pivots >= max_pivots:
            raise _too_many_pivots(label, max_pivots)
        leaving = tableau.pivot(entering)
        n_pivots += 1
        if leaving == label:
            return n_pivots
        entering = leaving
        tableau, other = other, tableau


def _exact_probabilities(values: list[Fraction]) -> NDArray[np.float64]:
    total = sum(values)
    return np.array([float(v / total) for v in values], dtype=np.float64)


def _exact_path(
    a: NDArray[np.float64], b: NDArray[np.float64], label: int, max_pivots: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """The same lexicographic Lemke–Howson path, in exact integer arithmetic."""
    m, n = a.shape
    a_int, b_int = _integer_positive(a), _integer_positive(b)
    p_rows = [
        [1, *(b_int[i][j] for i in range(m)), *(int(j == c) for c in range(n))]
        for j in range(n)
    ]
    q_rows = [[1, *(int(i == c) for c in range(m)), *a_int[i]] for i in range(m)]
    p_tab = _IntegerTableau(p_rows, list(range(m, m + n)))
    q_tab = _IntegerTableau(q_rows, list(range(m)))
    n_pivots = _complementary_path(p_tab, q_tab, label, m, max_pivots)
    x = _exact_probabilities(p_tab.values(0, m))
    y = _exact_probabilities(q_tab.values(m, m + n))
    return x, y, n_pivots


# ---------------------------------------------------------------------------
# The kernel


def lemke_howson_kernel(
    A: NDArray[np.float64],
    B: NDArray[np.float64],
    initial_label: int,
    *,
    max_pivots: int = 1_000_000,
    engine: Engine = "auto",
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """One Nash equilibrium of the bimatrix game ``(A, B)`` by Lemke–Howson.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Finite payoffs of the row player and of the column player.
    initial_label : int
        The label dropped first: ``0 .. m-1`` are the row player's pure
        strategies, ``m .. m+n-1`` the column player's.
    max_pivots : int, optional
        Limit on the number of pivots (both tableaux together).
    engine : {"auto", "numba", "numpy"}, default "auto"
        Who follows the floating-point path: ``"numba"`` the compiled loop of
        :mod:`kurilsim.solvers._lh_numba` (numba must be installed),
        ``"numpy"`` the pure-numpy code, ``"auto"`` numba if it is installed
        and usable and the environment variable ``KURILSIM_DISABLE_NUMBA`` is
        not set (to ``1``), else numpy.  Both give the same path, pivot for
        pivot, and bit-identical strategies (see Notes).

    Returns
    -------
    x : ndarray, shape (m,)
        The row player's equilibrium strategy (a probability vector).
    y : ndarray, shape (n,)
        The column player's equilibrium strategy.
    n_pivots : int
        The number of pivots performed, i.e. the number of edges of the
        Lemke–Howson path in ``P x Q``.

    Raises
    ------
    InvalidGameError
        If ``initial_label`` is not an integer in ``[0, m + n)``, or ``A`` and
        ``B`` are not finite matrices of one shape with ``m, n >= 1``.
    InvalidArgumentError
        If ``engine`` is not one of the three, or is ``"numba"`` without
        numba.
    SolverError
        If the path needs more than ``max_pivots`` pivots.

    Notes
    -----
    The algorithm (von Stengel 2007, §3.4–3.5):

    1. Replace the payoffs by ``A' = 1 + (A - min A) / ptp(A)`` and likewise
       ``B'`` (entries in ``[1, 2]``; a constant matrix becomes all ones).  This
       does not change the equilibria and makes the best-response polytopes
       ``P = {x >= 0 : B'^T x <= 1}`` and ``Q = {y >= 0 : A' y <= 1}`` bounded.
    2. Write them as the tableaux ``B'^T x + r = 1`` and ``s + A' y = 1`` with
       slacks ``r, s >= 0``.  Variable ``x_i`` and slack ``s_i`` carry label
       ``i``; ``r_j`` and ``y_j`` carry label ``m + j``.  Start at the
       artificial equilibrium ``(0, 0)``: the slacks are basic.
    3. The variable with the dropped label ``k`` enters the basis of its
       tableau (``x_k`` in ``P`` if ``k < m``, else ``y_{k-m}`` in ``Q``).  The
       leaving variable is chosen by the *lexicographic* minimum ratio test:
       rows are compared on ``(rhs, columns of the basis inverse)`` divided by
       the pivot-column entry (§3.5.3).  This simulates a perturbation of the
       right-hand side, so degenerate games cannot make the path cycle.
    4. The leaving variable's label is now duplicate; its complement (the
       variable with the same label in the other tableau) enters next.
       Repeat until the leaving variable has label ``k``: the pair of basic
       solutions is then completely labelled, i.e. a Nash equilibrium.
    5. Read ``x`` and ``y`` off the final bases and normalise them to
       probability vectors (tiny negative rounding errors are clipped to 0).

    Floating point.  Each tableau is one preallocated array; a pivot is one
    rank-one update of it.  Every 10 pivots of a tableau it is recomputed
    from the original matrices and the current basis (Gauss–Jordan
    elimination from the slack basis with partial pivoting), so rounding
    errors do not accumulate along long paths; the strategies are read off
    the final tableaux.  The ratio test compares with tolerances relative to
    the rounding scale of each tableau row (``1e-13`` for the sign of a
    pivot entry, ``1e-15`` for ties), which reproduces the exact
    lexicographic path on degenerate games (ties that are exact in rational
    arithmetic).  In nearly degenerate games rounding can still mislead the
    path; this is detected (a pair of bases repeats, which the exact path
    never does; a basis becomes singular; or the end point is not an
    equilibrium to within ``1e-11`` of the payoff range), and then the path
    is recomputed in exact integer arithmetic (integer pivoting, §3.5.2, on
    the payoffs as the exact dyadic rationals they are), which is slower but
    always right.

    Engines.  The floating-point path is followed either by the pure-numpy
    code of this module or by its scalar twin
    :func:`kurilsim.solvers._lh_numba.float_path`, compiled by numba (an
    optional dependency).  Both perform the same floating-point operations
    in the same order, so they pivot identically and return bit-identical
    strategies; the compiled loop is 15-40 times faster (see the module
    docstring for measured times).  ``engine="auto"`` starts with numpy and
    switches to the compiled path once the process has spent
    :data:`NUMPY_SECONDS_BEFORE_NUMBA` (0.5 s) in numpy paths, since
    importing numba and loading the compiled code costs about that once per
    process; see :func:`numba_path`.

    The equilibrium found depends on ``initial_label``; different labels may
    lead to different equilibria, and not every equilibrium is reachable
    (Shapley 1974).  On the games of :func:`savani_von_stengel_game` every
    path is exponentially long in the dimension.

    References
    ----------
    C. E. Lemke and J. T. Howson, Jr., "Equilibrium points of bimatrix
    games", J. SIAM 12(2):413–423, 1964.

    B. von Stengel, "Equilibrium computation for two-player games in
    strategic and extensive form", ch. 3 of Nisan, Roughgarden, Tardos and
    Vazirani (eds.), Algorithmic Game Theory, Cambridge University Press, 2007.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    >>> B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    >>> x, y, n_pivots = lemke_howson_kernel(A, B, 0)
    >>> x, y, n_pivots
    (array([1., 0., 0.]), array([1., 0.]), 2)
    """
    a = np.ascontiguousarray(A, dtype=np.float64)
    b = np.ascontiguousarray(B, dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape or 0 in a.shape:
        raise InvalidGameError(
            "A and B must be non-empty matrices of the same shape, got shapes "
            f"{np.shape(A)} and {np.shape(B)}"
        )
    m, n = a.shape
    if type(initial_label) is int and 0 <= initial_label < m + n:
        label = initial_label
    else:
        label = _validated_label(initial_label, m + n)
    if engine == "auto":
        return lemke_howson_path(a, b, label, max_pivots)
    if engine == "numba":
        compiled = _numba_or_fail()
    elif engine == "numpy":
        compiled = None
    else:
        raise InvalidArgumentError(
            f"engine must be one of {list(_ENGINES)}, got {engine!r:.40}"
        )
    if compiled is not None:
        limit = min(max_pivots, _PIVOT_LIMIT)
        status, x, y, n_pivots = compiled(a, b, label, limit, _ACCEPT_REGRET)
    elif not (np.isfinite(a).all() and np.isfinite(b).all()):
        status, x, y, n_pivots = _NOT_FINITE, a[0], a[0], 0
    else:
        status, x, y, n_pivots = _numpy_path(a, b, label, max_pivots, _ACCEPT_REGRET)
    return _ended(status, x, y, n_pivots, a, b, label, max_pivots)


def lemke_howson_path(
    a: NDArray[np.float64], b: NDArray[np.float64], label: int, max_pivots: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """:func:`lemke_howson_kernel` with ``engine="auto"`` on checked arguments.

    ``a`` and ``b`` are float64 matrices of one shape, ``label`` a valid
    label: what :func:`~kurilsim.solvers.nash.solve_nash` passes (the
    payoffs of a :class:`~kurilsim.NormalFormGame`, which are finite), so it
    skips the kernel's argument checks.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    >>> B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    >>> x, y, n_pivots = lemke_howson_path(A, B, 0, 100)
    >>> x, y, n_pivots
    (array([1., 0., 0.]), array([1., 0.]), 2)
    """
    compiled = numba_path()
    if compiled is not None:
        limit = min(max_pivots, _PIVOT_LIMIT)
        status, x, y, n_pivots = compiled(a, b, label, limit, _ACCEPT_REGRET)
    elif not (np.isfinite(a).all() and np.isfinite(b).all()):
        status, x, y, n_pivots = _NOT_FINITE, a[0], a[0], 0
    else:
        global _numpy_seconds
        start = time.perf_counter()
        status, x, y, n_pivots = _numpy_path(a, b, label, max_pivots, _ACCEPT_REGRET)
        _numpy_seconds += time.perf_counter() - start
    if status == _OK:
        return x, y, n_pivots
    return _ended(status, x, y, n_pivots, a, b, label, max_pivots)


def certified_path(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    label: int,
    max_pivots: int,
    a_centred: NDArray[np.float64],
    b_centred: NDArray[np.float64],
    limits: tuple[float, float],
    dedupe_atol: float,
) -> tuple[int, NDArray[np.float64], NDArray[np.intp], int] | None:
    """:func:`lemke_howson_path` and the certification of its end point in one
    compiled call (:func:`kurilsim.solvers._lh_numba.certified_path`).

    Returns ``(n_pivots, table, order, n_passed)`` (see
    :func:`~kurilsim.solvers._lh_numba.certify_pairs`) when ``engine="auto"``
    follows paths compiled now (:func:`numba_path`), the compiled
    certification is in use
    (:func:`~kurilsim.solvers.results.compiled_two_player`), the floating-point
    path ended at an equilibrium and it passed certification at ``limits``
    (the gains allowed to the two players); otherwise ``None``, and the
    caller takes the separate steps, which raise the kernel's errors and
    follow a failed path again exactly.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    >>> B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    >>> found = certified_path(A, B, 0, 100, A, B - 1.0, (6e-9, 5e-9), 1e-9)
    >>> found is None or found[1][0, :5].tolist() == [1.0, 0.0, 0.0, 1.0, 0.0]
    True
    """
    compiled = numba_path()
    if compiled is None:
        return None
    from kurilsim.solvers.results import compiled_two_player

    loops = compiled_two_player()
    if loops is None:
        return None
    status, n_pivots, table, order, n_passed = loops.certified_path(
        a, b, label, min(max_pivots, _PIVOT_LIMIT), _ACCEPT_REGRET,
        a_centred, b_centred, limits[0], limits[1], dedupe_atol,
    )
    if status != _OK or not n_passed:
        return None
    return n_pivots, table, order, n_passed


def _ended(
    status: int,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    n_pivots: int,
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    label: int,
    max_pivots: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """The kernel's answer from a floating-point path's ``status``: its end
    point, an error, or the path followed again in exact arithmetic."""
    if status == _OK:
        return x, y, n_pivots
    if status == _TOO_MANY_PIVOTS:
        raise _too_many_pivots(label, max_pivots)
    if status == _NOT_FINITE:
        raise InvalidGameError("payoffs must be finite (no NaN or infinity)")
    return _exact_path(a, b, label, max_pivots)


def _second_player_labels(d: int) -> NDArray[np.intp]:
    """Labels ``l'(k)`` (0-based) of the facets ``k = 0 .. 2d-1`` of the second polytope.

    In the 1-based notation of [SvS06]: ``l'(1) = 1``, ``l'(d) = d``, the pairs
    ``(2, 3), (4, 5), ..., (d-2, d-1)`` and ``(d+1, d+2), ..., (2d-1, 2d)`` are
    swapped.  The first polytope has the identity labelling ``l(k) = k``.
    """
    labels = np.arange(2 * d)
    inner = np.arange(1, d - 1, 2)  # 0-based (1, 2), (3, 4), ..., (d-3, d-2)
    labels[inner], labels[inner + 1] = inner + 1, inner
    outer = np.arange(d, 2 * d, 2)  # 0-based (d, d+1), ..., (2d-2, 2d-1)
    labels[outer], labels[outer + 1] = outer + 1, outer
    return labels


def savani_von_stengel_game(d: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The ``d x d`` "hard-to-solve" bimatrix game of Savani and von Stengel (2006).

    Both best-response polytopes are dual cyclic polytopes in dimension ``d``
    with ``2d`` facets, labelled so that the game has a unique Nash
    equilibrium (completely mixed) and *every* Lemke–Howson path, from each
    of the ``2d`` initial labels, is exponentially long in ``d`` [SvS06].

    Parameters
    ----------
    d : int
        The number of pure strategies of each player; even and ``>= 2``.

    Returns
    -------
    A, B : ndarray, shape (d, d)
        The payoffs of the row player and of the column player.

    Raises
    ------
    InvalidGameError
        If ``d`` is not an even integer ``>= 2``.

    Notes
    -----
    Construction.  Take ``2d`` points ``t_0 < t_1 < ... < t_{2d-1}`` on the
    moment curve.  A polynomial ``f`` of degree ``<= d`` with ``f(t_k) >= 0``
    for all ``k`` is a point of the cone over the dual cyclic polytope; facet
    ``k`` is ``f(t_k) = 0``, and the vertices are the polynomials with ``d``
    roots among the ``t_k`` whose root sets satisfy Gale's evenness condition.

    * ``P`` (row player's ``x``): the vertex ``f = prod_{i<d} (t - t_i)``
      becomes the origin, with coordinates ``x_i = f(t_i)`` (facets ``0..d-1``,
      labels ``0..d-1``); by Lagrange interpolation, facet ``d + j`` (label
      ``d + j``, the column player's strategy ``j``) is the inequality
      ``sum_i x_i (mu_i - 1 / ((t_{d+j} - t_i) w_i)) <= 1`` with
      ``w_i = prod_{k<d, k != i} (t_i - t_k)``, where any constants ``mu_i``
      large enough to keep ``P`` bounded fix the normalisation.  Rescaling
      the coordinate ``x_i`` by ``|w_i|`` (which keeps the combinatorics)
      gives ``B[i, j] = mu'_i + (-1)**i / (t_{d+j} - t_i)``.
    * ``Q`` (column player's ``y``): the same with the roles of the two halves
      swapped: the facets ``d..2d-1`` are ``y >= 0`` and facet ``i < d`` is a
      row of ``A``, so ``A[l'(i), l'(d+j) - d] = (-1)**(j+1) / (t_{d+j} - t_i)``
      where ``l'`` is the labelling of [SvS06]: in 1-based notation
      ``l'(1) = 1``, ``l'(d) = d``, and the label pairs ``(2, 3), (4, 5), ...,
      (d-2, d-1)`` and ``(d+1, d+2), ..., (2d-1, 2d)`` swapped.

    Adding a constant to a row of ``B`` or to a column of ``A`` does not change
    the game (the column player's choice against ``x``, or the row player's
    against ``y``, is unaffected), so the returned payoffs drop ``mu'``.  Any
    increasing ``t`` gives the same combinatorial game (the same labels at
    every vertex, hence the same equilibrium supports and Lemke–Howson path
    lengths); this function uses ``t_k = tan(theta_k / 2)`` with
    ``theta_k = -pi + (2k + 1) pi / (2d)``, points equally spaced on the circle,
    which is far better conditioned in floating point than ``t_k = k``
    (for ``d = 8`` the condition number of ``A`` is about ``5e6`` instead of
    ``1.5e10``).  The conditioning still grows roughly a hundredfold per two
    dimensions: floating-point Lemke–Howson follows the exact paths up to
    ``d = 14`` at least, but very large ``d`` is beyond float64.

    Path lengths.  The number of pivots of :func:`lemke_howson_kernel` per
    initial label ``0 .. 2d-1`` (equal to the lengths of the Lemke–Howson
    paths on the labelled Gale strings):

    ======  ============================================================
    ``d``   pivots per initial label
    ======  ============================================================
    2       4, 4, 4, 4
    4       20, 8, 8, 20, 10, 10, 10, 10
    6       88, 24, 24, 24, 24, 88, 36, 36, 16, 16, 36, 36
    8       376, 92, 92, 40, 40, 92, 92, 376,
            146, 146, 42, 42, 42, 42, 146, 146
    10      shortest 68, longest 1596 (8336 in total)
    12      shortest 176, longest 6764 (35392 in total)
    14      shortest 288, longest 28656 (150016 in total)
    ======  ============================================================

    For ``d = 6`` the unique equilibrium is completely mixed; exact rational
    support enumeration (with ``t_k = k + 1``) confirms there is no other,
    and Gambit's ``enummixed`` finds exactly one equilibrium of the returned
    games for ``d = 6`` and ``d = 8``.

    The labelling is the one of [SvS06] as implemented in B. von Stengel's
    program ``lhpaths`` for Lemke–Howson paths on cyclic polytopes (2003,
    with a correction by R. Savani, 2012); the geometric realisation is the
    standard one of dual cyclic polytopes in best-response form [vS99].

    References
    ----------
    R. Savani and B. von Stengel, "Hard-to-solve bimatrix games",
    Econometrica 74(2):397–429, 2006.

    B. von Stengel, "New maximal numbers of equilibria in bimatrix games",
    Discrete Comput. Geom. 21:557–568, 1999.

    Examples
    --------
    >>> A, B = savani_von_stengel_game(6)
    >>> A.shape, B.shape
    ((6, 6), (6, 6))
    >>> [lemke_howson_kernel(A, B, k)[2] for k in range(12)]
    [88, 24, 24, 24, 24, 88, 36, 36, 16, 16, 36, 36]
    """
    if isinstance(d, bool | np.bool_) or not isinstance(d, numbers.Integral):
        raise InvalidGameError(
            f"d must be an even integer >= 2, got {d!r} of type {type(d).__name__}"
        )
    d = int(d)
    if d < 2 or d % 2:
        raise InvalidGameError(f"d must be an even integer >= 2, got {d}")
    n = 2 * d
    theta = np.pi * (2 * np.arange(n) + 1 - n) / n
    t = np.tan(theta / 2)
    gaps = t[d:][None, :] - t[:d][:, None]  # gaps[i, j] = t_{d+j} - t_i > 0
    sign = np.where(np.arange(d) % 2 == 0, 1.0, -1.0)  # (-1)**k
    b = sign[:, None] / gaps
    labels = _second_player_labels(d)
    a = np.empty((d, d))
    a[np.ix_(labels[:d], labels[d:] - d)] = -sign[None, :] / gaps
    return a, b
