"""Two-player Nash equilibria in exact rational arithmetic.

A game's exact payoffs (:attr:`~kurilsim.NormalFormGame.exact_payoffs`: the
values given, such as ``Fraction(1, 3)`` or ``10**19 + 1``, or else the exact
rationals the float64 payoffs are) define an exact problem.  The kernels below
solve it with Python integers (fraction-free Gaussian elimination and integer
pivoting), so nothing is rounded: the answer does not depend on the payoffs'
magnitude or on how close two of them are.  This is the ``rational=True`` mode
of Gambit's solvers for two players.

The bimatrix game ``(A, B)`` (``m`` rows, ``n`` columns) is first replaced by
positive integer matrices ``A' = d_A (A - min A) + 1`` and
``B' = d_B (B - min B) + 1``, where ``d_A`` and ``d_B`` clear the
denominators; a positive affine change of a player's payoffs leaves the
equilibria unchanged.  With positive payoffs the best-response polytopes

.. math::

    P = \\{x \\ge 0 : B'^\\top x \\le 1\\}, \\qquad Q = \\{y \\ge 0 : A' y \\le 1\\}

are bounded.  Label ``i < m`` is row strategy ``i`` (``x_i = 0`` in ``P``,
``(A'y)_i = 1`` in ``Q``) and label ``m + j`` column strategy ``j``
(``(B'^\\top x)_j = 1`` in ``P``, ``y_j = 0`` in ``Q``).  A pair of nonzero
points ``(x, y)`` is a Nash equilibrium, after normalising each to sum 1,
iff every label ``0 .. m+n-1`` is a label of ``x`` or of ``y``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from fractions import Fraction
from itertools import combinations
from typing import Final, Protocol

from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
    SolverError,
)
from kurilsim.games.normal_form import NormalFormGame

__all__ = [
    "DEFAULT_MAX_WORK",
    "ExactKernel",
    "ExactProfile",
    "exact_lemke_howson",
    "exact_pure",
    "exact_support",
    "exact_vertex",
]

#: An exact mixed profile of a two-player game: the row and the column
#: player's probability vectors.
ExactProfile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]

#: Default budget of an exact kernel: the number of exact linear systems
#: (vertex and support enumeration) or pivots (Lemke-Howson) it may solve.
#: About ten seconds of work; a 7x7 vertex enumeration needs 6,864, 8x8
#: 25,740, 9x9 97,240, 10x10 369,512.
DEFAULT_MAX_WORK: Final = 100_000

_Matrix = list[list[int]]
# A point of a polytope with common denominator: (numerators, denominator > 0).
_Point = tuple[tuple[int, ...], int]


class ExactKernel(Protocol):
    """The rational-arithmetic kernel of a method of ``solve_nash``.

    ``kernel(game, max_work=..., initial_label=...)`` returns ``(equilibria,
    complete)``: the exact equilibria of the two-player ``game``, each
    verified exactly and sorted, and whether they are every equilibrium the
    method promises (``NashMethod.exact_kernel`` in
    :mod:`kurilsim.solvers.nash` holds one per method).
    """

    def __call__(
        self, game: NormalFormGame, *, max_work: int = ..., initial_label: int = ...
    ) -> tuple[list[ExactProfile], bool]: ...


def exact_pure(
    game: NormalFormGame, *, max_work: int = DEFAULT_MAX_WORK, initial_label: int = 0
) -> tuple[list[ExactProfile], bool]:
    """Every pure-strategy equilibrium, compared exactly (``complete`` is ``True``).

    ``max_work`` is checked and not used, ``initial_label`` not used.  See
    :func:`exact_vertex` for the payoffs and the errors.

    Examples
    --------
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers._exact import exact_pure
    >>> pennies = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
    >>> exact_pure(pennies)
    ([], True)
    """
    A, B, _ = _prepare(game, max_work)
    return _verified("pure-strategy", A, B, _pure(A, B)), True


def exact_vertex(
    game: NormalFormGame, *, max_work: int = DEFAULT_MAX_WORK, initial_label: int = 0
) -> tuple[list[ExactProfile], bool]:
    """Every extreme equilibrium of a two-player game, in exact rational arithmetic.

    The payoffs are the game's :attr:`~kurilsim.NormalFormGame.exact_payoffs`:
    the values given when float64 could not hold them (Python ints beyond
    ``2**53``, ``Fraction``, ``Decimal``, rationals in ``.nfg`` files), else
    the exact rationals the float payoffs are.  So the result is exact for
    the game as given, however large the payoffs or small their
    differences.  Every equilibrium is verified before it is returned: no
    pure strategy of either player does strictly better, compared exactly.

    This kernel and its siblings :func:`exact_pure`, :func:`exact_support`
    and :func:`exact_lemke_howson` share these parameters, returns and
    errors; ``solve_nash(game, method, exact=True)`` runs the one its
    method's table row names (``NashMethod.exact_kernel``).

    * :func:`exact_vertex`: every extreme equilibrium of any game, degenerate
      ones included, by enumerating the vertices of the two best-response
      polytopes (each candidate basis solved exactly) and pairing the
      completely labelled ones; ``complete`` is ``True``.  Like Gambit's
      ``enummixed_solve(rational=True)``.
    * :func:`exact_support`: support enumeration over pairs of supports of
      equal size, each square system solved exactly.  All equilibria of a
      nondegenerate game; ``complete`` is ``True`` exactly when the game is
      nondegenerate (checked exactly: no vertex of a best-response polytope
      has more labels than its dimension).  Degenerate games can have
      equilibria with supports of unequal size, or continua, which this
      kernel does not look for.
    * :func:`exact_lemke_howson`: one equilibrium by complementary pivoting
      from ``initial_label`` on integer tableaux, with a lexicographic
      minimum-ratio test so that degenerate games do not cycle; ``complete``
      is ``False``.
    * :func:`exact_pure`: every pure-strategy equilibrium; ``complete`` is
      ``True`` (every equilibrium of the kind it promises).

    Parameters
    ----------
    game : NormalFormGame
        A two-player game.
    max_work : int, default DEFAULT_MAX_WORK
        Budget: the number of exact linear systems (vertex and support
        enumeration) or pivots (Lemke-Howson) the call may commit to.
        Vertex enumeration needs ``2 * C(m + n, m)`` systems, support
        enumeration that plus ``C(m + n, m) - 1`` support pairs.
    initial_label : int, default 0
        For :func:`exact_lemke_howson` (the other kernels do not use it):
        the label dropped first, ``0 .. m+n-1`` (``i < m`` is row strategy
        ``i``, ``m + j`` column strategy ``j``).

    Returns
    -------
    equilibria : list of ((Fraction, ...), (Fraction, ...))
        The equilibria, each a pair of exact probability vectors, sorted.
    complete : bool
        Whether the list holds every equilibrium the kernel promises (for
        vertex enumeration: every extreme equilibrium of the game; every
        equilibrium is a convex combination of extreme ones that belong to
        one component).

    Raises
    ------
    InvalidGameError
        If ``game`` is not a two-player :class:`~kurilsim.NormalFormGame`.
    InvalidArgumentError
        If ``max_work`` or ``initial_label`` is out of range.
    ProblemTooLargeError
        If the work estimate exceeds ``max_work`` (refused before any work,
        with the estimate; for Lemke-Howson, when the pivots exceed it).
    SolverError
        If a candidate fails the exact check (a bug).

    See Also
    --------
    kurilsim.solve_nash : float64 solvers with certified regret, and these
        kernels with ``exact=True``.

    Notes
    -----
    Vertex enumeration takes, for each polytope, every choice of ``d``
    tight constraints among its ``m + n`` (``d`` its dimension) and solves
    the ``d`` equations by fraction-free Gaussian elimination (Bareiss); the
    feasible, distinct solutions are the vertices.  This is exact and
    simple, and fast for the game sizes people type in (6x6: 1,848 systems),
    but grows as ``C(m + n, m)``, hence the budget.  In a degenerate game a
    vertex can have more than ``d`` labels; vertices are deduplicated and a
    pair is kept when the union of its labels is complete.

    Lemke-Howson pivots on the tableaux ``B'^T x + s = 1`` and
    ``A' y + r = 1`` with integer entries: after each pivot every entry is a
    minor of the original tableau, so dividing by the previous pivot is
    exact [3]_.

    References
    ----------
    .. [1] B. von Stengel, "Equilibrium computation for two-player games in
       strategic and extensive form", ch. 3 of N. Nisan et al. (eds.),
       *Algorithmic Game Theory*, Cambridge University Press, 2007.
    .. [2] D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel,
       "Enumeration of Nash equilibria for two-player games", *Economic
       Theory* 42:9-37, 2010.
    .. [3] E. H. Bareiss, "Sylvester's identity and multistep
       integer-preserving Gaussian elimination", *Math. Comp.* 22:565-578,
       1968.

    Examples
    --------
    Battle of the sexes has two pure equilibria and one mixed one:

    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers._exact import exact_lemke_howson, exact_vertex
    >>> game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> equilibria, complete = exact_vertex(game)
    >>> complete
    True
    >>> for x, y in equilibria:
    ...     print([str(p) for p in x], [str(q) for q in y])
    ['0', '1'] ['0', '1']
    ['3/5', '2/5'] ['2/5', '3/5']
    ['1', '0'] ['1', '0']

    Payoffs near ``2**63`` that differ by multiples of 2048 (distinct
    float64 values, relative differences about ``1e-16``) are no problem:

    >>> big = 2.0**63
    >>> pennies = NormalFormGame([[[big + 2048, big], [big, big + 2048]],
    ...                           [[big, big + 2048], [big + 2048, big]]])
    >>> exact_lemke_howson(pennies)
    ([((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))], False)

    Payoffs given exactly are solved as given, though float64 rounds them
    (``10**19 + 1`` and ``10**19`` are the same float):

    >>> big = 10**19
    >>> game = NormalFormGame([[[big + 1, big], [big, big + 1]],
    ...                        [[0, 1], [1, 0]]])
    >>> bool(game.payoffs[0][0, 0] == game.payoffs[0][0, 1])
    True
    >>> exact_vertex(game)
    ([((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))], True)
    """
    A, B, budget = _prepare(game, max_work)
    m, n = game.shape
    _check_budget(2 * math.comb(m + n, m), budget, "vertex enumeration", game.shape)
    Ap, Bp = _positive_integer(A), _positive_integer(B)
    vertices_p, vertices_q = _both_polytopes(Ap, Bp)
    candidates = _pair_vertices(vertices_p, vertices_q, m, n)
    return _verified("vertex enumeration", A, B, candidates), True


def exact_support(
    game: NormalFormGame, *, max_work: int = DEFAULT_MAX_WORK, initial_label: int = 0
) -> tuple[list[ExactProfile], bool]:
    """Equilibria with supports of equal size, in exact rational arithmetic.

    ``complete`` is ``True`` exactly when the game is nondegenerate; see
    :func:`exact_vertex` for the parameters and errors.

    Examples
    --------
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers._exact import exact_support
    >>> game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> equilibria, complete = exact_support(game)
    >>> len(equilibria), complete
    (3, True)
    """
    A, B, budget = _prepare(game, max_work)
    m, n = game.shape
    estimate = 3 * math.comb(m + n, m) - 1
    _check_budget(estimate, budget, "support enumeration", game.shape)
    Ap, Bp = _positive_integer(A), _positive_integer(B)
    candidates = _support_enumeration(Ap, Bp)
    vertices_p, vertices_q = _both_polytopes(Ap, Bp)
    complete = not _is_degenerate(vertices_p, vertices_q, m, n)
    return _verified("support enumeration", A, B, candidates), complete


def exact_lemke_howson(
    game: NormalFormGame, *, max_work: int = DEFAULT_MAX_WORK, initial_label: int = 0
) -> tuple[list[ExactProfile], bool]:
    """One equilibrium by exact complementary pivoting from ``initial_label``.

    ``max_work`` bounds the pivots; ``complete`` is ``False``.  See
    :func:`exact_vertex` for the parameters and errors.

    Examples
    --------
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers._exact import exact_lemke_howson
    >>> game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> [[str(p) for p in s] for s in exact_lemke_howson(game, initial_label=1)[0][0]]
    [['0', '1'], ['0', '1']]
    """
    A, B, budget = _prepare(game, max_work)
    m, n = game.shape
    if (
        isinstance(initial_label, bool)
        or not isinstance(initial_label, numbers.Integral)
        or not 0 <= initial_label < m + n
    ):
        raise InvalidArgumentError(
            f"initial_label must be an integer from 0 to {m + n - 1} "
            f"(m + n - 1 for a {m}x{n} game), got {initial_label!r}"
        )
    Ap, Bp = _positive_integer(A), _positive_integer(B)
    candidates = [_lemke_howson(Ap, Bp, int(initial_label), budget)]
    return _verified("Lemke-Howson", A, B, candidates), False


def _prepare(
    game: NormalFormGame, max_work: int
) -> tuple[list[list[Fraction]], list[list[Fraction]], int]:
    """Check the arguments every kernel takes; the exact payoff matrices."""
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            f"the exact kernels expect a NormalFormGame, got {type(game).__name__}"
        )
    if game.n_players != 2:
        raise InvalidGameError(
            f"exact solvers need a two-player game; this game has "
            f"{game.n_players} players"
        )
    if (
        isinstance(max_work, bool)
        or not isinstance(max_work, numbers.Integral)
        or max_work < 1
    ):
        raise InvalidArgumentError(
            f"max_work must be a positive integer, got {max_work!r}"
        )
    A = _exact_matrix(game.exact_payoffs[0].tolist())
    B = _exact_matrix(game.exact_payoffs[1].tolist())
    return A, B, int(max_work)


def _verified(
    algorithm: str,
    A: list[list[Fraction]],
    B: list[list[Fraction]],
    candidates: list[ExactProfile],
) -> list[ExactProfile]:
    """The distinct candidates, sorted, each checked to be an exact equilibrium."""
    equilibria = sorted(set(candidates))
    for x, y in equilibria:
        if not _is_equilibrium(A, B, x, y):
            raise SolverError(
                f"exact {algorithm} produced a profile that is not an equilibrium "
                f"({_format(x)}, {_format(y)}); please report this bug"
            )
    return equilibria


# ------------------------------------------------------------ conversions


def _exact_matrix(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[Fraction(v) for v in row] for row in rows]


def _positive_integer(M: list[list[Fraction]]) -> _Matrix:
    """``d (M - min M) + 1`` with ``d`` clearing all denominators (exact)."""
    low = min(min(row) for row in M)
    d = math.lcm(*(v.denominator for row in M for v in row))
    return [[int((v - low) * d) + 1 for v in row] for row in M]


def _transpose(M: _Matrix) -> _Matrix:
    return [list(col) for col in zip(*M, strict=True)]


def _check_budget(
    estimate: int, max_work: int, algorithm: str, shape: tuple[int, ...]
) -> None:
    if estimate > max_work:
        dims = "x".join(map(str, shape))
        raise ProblemTooLargeError(
            f"exact {algorithm} on a {dims} game needs about {estimate:,} exact "
            f"linear systems, above max_work={max_work:,}; pass a larger "
            f"max_work to allow it, or use a float method",
            estimate=float(estimate),
        )


def _format(v: Sequence[Fraction]) -> str:
    return "(" + ", ".join(str(p) for p in v) + ")"


# ------------------------------------------------------- exact linear algebra


def _solve_ones(M: _Matrix) -> _Point | None:
    """Solve ``M z = 1`` exactly for a square integer ``M``.

    Fraction-free Gauss-Jordan elimination: after the pivot on column ``c``
    every entry is a minor of the augmented matrix, so the division by the
    previous pivot is exact.  Returns ``(numerators, denominator)`` with a
    positive denominator, or ``None`` if ``M`` is singular.
    """
    k = len(M)
    a = [[*row, 1] for row in M]
    prev = 1
    for c in range(k):
        p = c
        while p < k and a[p][c] == 0:
            p += 1
        if p == k:
            return None
        if p != c:
            a[c], a[p] = a[p], a[c]
        pivot_row = a[c]
        piv = pivot_row[c]
        for r in range(k):
            if r != c:
                row = a[r]
                f = row[c]
                if f:
                    a[r] = [
                        (u * piv - v * f) // prev
                        for u, v in zip(row, pivot_row, strict=True)
                    ]
                elif piv != prev:
                    a[r] = [u * piv // prev for u in row]
        prev = piv
    if prev < 0:
        return tuple(-row[k] for row in a), -prev
    return tuple(row[k] for row in a), prev


def _reduce(nums: Sequence[int], den: int) -> _Point:
    g = math.gcd(den, *nums)
    return tuple(v // g for v in nums), den // g


def _polytope_vertices(
    M: _Matrix, var_labels: Sequence[int], row_labels: Sequence[int]
) -> dict[_Point, int]:
    """Nonzero vertices of ``{z >= 0 : M z <= 1}`` and their label bitmasks.

    ``M`` is a positive integer matrix (``r`` rows, ``d`` columns); ``z_k = 0``
    carries label ``var_labels[k]`` and ``(M z)_t = 1`` label ``row_labels[t]``.
    Every choice of ``k`` nonzero coordinates and ``k`` tight rows is solved.
    """
    r, d = len(M), len(M[0])
    vertices: dict[_Point, int] = {}
    for k in range(1, min(d, r) + 1):
        for free in combinations(range(d), k):
            columns = [[row[f] for f in free] for row in M]
            for tight in combinations(range(r), k):
                solved = _solve_ones([columns[t] for t in tight])
                if solved is None:
                    continue
                nums, den = solved
                if min(nums) < 0:
                    continue
                z = [0] * d
                for f, v in zip(free, nums, strict=True):
                    z[f] = v
                point = _reduce(z, den)
                if point in vertices:
                    continue
                sums = [sum(a * b for a, b in zip(row, z, strict=True)) for row in M]
                if max(sums) > den:
                    continue
                mask = 0
                for var in range(d):
                    if z[var] == 0:
                        mask |= 1 << var_labels[var]
                for t in range(r):
                    if sums[t] == den:
                        mask |= 1 << row_labels[t]
                vertices[point] = mask
    return vertices


def _both_polytopes(
    Ap: _Matrix, Bp: _Matrix
) -> tuple[dict[_Point, int], dict[_Point, int]]:
    m, n = len(Ap), len(Ap[0])
    rows, cols = list(range(m)), list(range(m, m + n))
    vertices_p = _polytope_vertices(_transpose(Bp), rows, cols)
    vertices_q = _polytope_vertices(Ap, cols, rows)
    return vertices_p, vertices_q


def _normalise(point: _Point) -> tuple[Fraction, ...]:
    nums, _ = point
    total = sum(nums)
    return tuple(Fraction(v, total) for v in nums)


def _pair_vertices(
    vertices_p: dict[_Point, int], vertices_q: dict[_Point, int], m: int, n: int
) -> list[ExactProfile]:
    full = (1 << (m + n)) - 1
    by_mask: dict[int, list[_Point]] = {}
    for point, mask in vertices_q.items():
        by_mask.setdefault(mask, []).append(point)
    out: list[ExactProfile] = []
    for point_p, mask_p in vertices_p.items():
        for mask_q, points in by_mask.items():
            if mask_p | mask_q == full:
                x = _normalise(point_p)
                out.extend((x, _normalise(point_q)) for point_q in points)
    return out


def _is_degenerate(
    vertices_p: dict[_Point, int], vertices_q: dict[_Point, int], m: int, n: int
) -> bool:
    """Whether some point of ``P`` has more than ``m`` labels (or of ``Q``, ``n``).

    The points with a given set of labels form a face, whose vertices have
    at least those labels, so checking the vertices suffices.
    """
    return any(mask.bit_count() > m for mask in vertices_p.values()) or any(
        mask.bit_count() > n for mask in vertices_q.values()
    )


# ------------------------------------------------------------------ methods


def _pure(A: list[list[Fraction]], B: list[list[Fraction]]) -> list[ExactProfile]:
    m, n = len(A), len(A[0])
    col_best = [max(A[i][j] for i in range(m)) for j in range(n)]
    row_best = [max(B[i]) for i in range(m)]
    out: list[ExactProfile] = []
    for i in range(m):
        for j in range(n):
            if A[i][j] == col_best[j] and B[i][j] == row_best[i]:
                out.append((_unit(m, i), _unit(n, j)))
    return out


def _unit(size: int, k: int) -> tuple[Fraction, ...]:
    return tuple(Fraction(int(t == k)) for t in range(size))


def _support_solution(
    M: _Matrix, support: Sequence[int], tight: Sequence[int]
) -> _Point | None:
    """The point ``z`` of ``{z >= 0: M z <= 1}`` with the given support on
    which the rows ``tight`` are tight, if it exists, is unique and feasible."""
    solved = _solve_ones([[M[t][s] for s in support] for t in tight])
    if solved is None:
        return None
    nums, den = solved
    if min(nums) <= 0:
        return None
    z = [0] * len(M[0])
    for s, v in zip(support, nums, strict=True):
        z[s] = v
    if any(sum(a * b for a, b in zip(row, z, strict=True)) > den for row in M):
        return None
    return tuple(z), den


def _support_enumeration(Ap: _Matrix, Bp: _Matrix) -> list[ExactProfile]:
    """Equilibria whose two supports have equal size (Algorithm 3.4 of [1]).

    For supports ``I`` (rows) and ``J`` (columns) of size ``k``: ``y`` on
    ``J`` makes every row of ``I`` a best response (``A'[I, J] y = 1``) and
    ``x`` on ``I`` every column of ``J`` (``B'[I, J]^T x = 1``), both
    strictly positive on their supports, and no strategy does better.
    """
    m, n = len(Ap), len(Ap[0])
    Bt = _transpose(Bp)
    out: list[ExactProfile] = []
    for k in range(1, min(m, n) + 1):
        for rows in combinations(range(m), k):
            for cols in combinations(range(n), k):
                y = _support_solution(Ap, cols, rows)
                if y is None:
                    continue
                x = _support_solution(Bt, rows, cols)
                if x is None:
                    continue
                out.append((_normalise(x), _normalise(y)))
    return out


class _Tableau:
    """An integer tableau ``M z + s = 1`` for complementary pivoting.

    Columns ``0 .. d-1`` are the variables ``z``, ``d .. d+r-1`` the slacks,
    and the last column the right-hand side.  The basic variable of row
    ``t`` has coefficient ``det`` (the current common denominator), so its
    value is ``T[t][-1] / det``.
    """

    def __init__(self, M: _Matrix, labels: Sequence[int]) -> None:
        r, d = len(M), len(M[0])
        self.rows = [
            [*row, *(int(t == u) for u in range(r)), 1] for t, row in enumerate(M)
        ]
        self.basis = [d + t for t in range(r)]
        self.det = 1
        self.d = d
        self.labels = list(labels)  # label of each variable (column)
        self.column_of_label = {label: c for c, label in enumerate(self.labels)}
        self.lex_columns = [d + r, *range(d, d + r)]  # rhs, then the slacks

    def pivot(self, entering: int) -> int:
        """Bring column ``entering`` into the basis; return the leaving column.

        The leaving row minimises the rows of ``[rhs | slack columns]``
        divided by their entry in the entering column lexicographically,
        which is unique and prevents cycling on degenerate games.
        """
        rows = self.rows
        candidates = [t for t, row in enumerate(rows) if row[entering] > 0]
        if not candidates:
            raise SolverError(
                "exact Lemke-Howson found an unbounded ray; please report this bug"
            )
        for col in self.lex_columns:
            if len(candidates) == 1:
                break
            best = candidates[0]
            keep = [best]
            for t in candidates[1:]:
                # rows[t][col] / rows[t][e] vs rows[best][col] / rows[best][e]
                lhs = rows[t][col] * rows[best][entering]
                rhs = rows[best][col] * rows[t][entering]
                if lhs < rhs:
                    best, keep = t, [t]
                elif lhs == rhs:
                    keep.append(t)
            candidates = keep
        p = candidates[0]
        pivot_row = rows[p]
        piv = pivot_row[entering]
        det = self.det
        for t, row in enumerate(rows):
            if t != p:
                f = row[entering]
                rows[t] = [
                    (u * piv - v * f) // det
                    for u, v in zip(row, pivot_row, strict=True)
                ]
        self.det = piv
        leaving = self.basis[p]
        self.basis[p] = entering
        return leaving

    def point(self) -> _Point:
        z = [0] * self.d
        for t, var in enumerate(self.basis):
            if var < self.d:
                z[var] = self.rows[t][-1]
        return tuple(z), self.det


def _lemke_howson(
    Ap: _Matrix, Bp: _Matrix, initial_label: int, max_pivots: int
) -> ExactProfile:
    """One equilibrium by complementary pivoting (Algorithm 3.5 of [1])."""
    m, n = len(Ap), len(Ap[0])
    # x-tableau: B'^T x + s = 1; x_i has label i, s_j label m + j.
    tab_x = _Tableau(_transpose(Bp), [*range(m), *range(m, m + n)])
    # y-tableau: A' y + r = 1; y_j has label m + j, r_i label i.
    tab_y = _Tableau(Ap, [*range(m, m + n), *range(m)])
    tableaux = (tab_x, tab_y)
    side = 0 if initial_label < m else 1
    entering = tableaux[side].column_of_label[initial_label]
    for _ in _pivots(max_pivots, (m, n)):
        tab = tableaux[side]
        label = tab.labels[tab.pivot(entering)]
        if label == initial_label:
            break
        side = 1 - side
        entering = tableaux[side].column_of_label[label]
    return _normalise(tab_x.point()), _normalise(tab_y.point())


def _pivots(max_pivots: int, shape: tuple[int, int]) -> Iterator[int]:
    yield from range(max_pivots)
    raise ProblemTooLargeError(
        f"exact Lemke-Howson on a {shape[0]}x{shape[1]} game did not end within "
        f"max_work={max_pivots:,} pivots; pass a larger max_work to continue"
    )


# ------------------------------------------------------------ verification


def _is_equilibrium(
    A: list[list[Fraction]],
    B: list[list[Fraction]],
    x: Sequence[Fraction],
    y: Sequence[Fraction],
) -> bool:
    """Exact check: probability vectors, and no pure deviation gains anything."""
    if min(x) < 0 or min(y) < 0 or sum(x) != 1 or sum(y) != 1:
        return False
    row_payoffs = [sum(a * q for a, q in zip(row, y, strict=True)) for row in A]
    col_payoffs = [sum(B[i][j] * x[i] for i in range(len(x))) for j in range(len(y))]
    u = sum(p * v for p, v in zip(x, row_payoffs, strict=True))
    w = sum(q * v for q, v in zip(y, col_payoffs, strict=True))
    return max(row_payoffs) == u and max(col_payoffs) == w
