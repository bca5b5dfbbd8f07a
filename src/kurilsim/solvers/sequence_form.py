"""Two-player equilibria from the sequence form, by Lemke's algorithm.

In the sequence form of a two-player extensive game with perfect recall
(Koller, Megiddo and von Stengel 1996; von Stengel 1996) a player's
behaviour strategy is represented by its *realisation plan*: the
probability ``x_s`` with which the player's own moves follow each sequence
``s`` of its actions.  Realisation plans are the vectors ``x >= 0`` with
``E x = e``, where row 0 of ``E`` says that the empty sequence has
probability one and the row of an information set ``h`` says that the
probabilities of the sequences extending the sequence ``s_h`` that leads to
``h`` by one action at ``h`` add up to ``x_{s_h}``.  The expected payoffs
are ``x^T A y`` and ``x^T B y``, where ``A`` and ``B`` (size: sequences by
sequences) add up the chance-weighted payoffs of the leaves each pair of
sequences reaches.  The equilibria are the solutions of the linear
complementarity problem (LCP) of Koller, Megiddo and von Stengel (1996)::

    E x = e,  F y = f,  x >= 0,  y >= 0,
    u = E^T p - A y >= 0,   v = F^T q - B^T x >= 0,
    x^T u = 0,  y^T v = 0          (p, q unconstrained in sign)

of size linear in the game tree.  :func:`sequence_form_lcp` solves it by
Lemke's algorithm: every pivot costs time polynomial in the tree, and the
exponentially larger reduced strategic form is never built.  (The number
of pivots, small on the games we tried -- a few hundred for trees with a
thousand leaves -- can be exponential in the worst case, as for the
Lemke-Howson algorithm: Savani and von Stengel 2006.)

The covering vector
-------------------
Lemke's algorithm adds an artificial variable ``z0`` times a covering vector
``d`` to the inequalities and follows a path of almost complementary bases
from a ray on which ``z0`` is large to a solution with ``z0 = 0``.  Here
each information set has a *default* action (its first), and ``d`` has a
one for every sequence that ends in a non-default action and a zero
elsewhere: for ``z0 = t`` the system is the sequence-form LCP of the game in
which every non-default move costs its player ``t`` (in realisation
probability).  For ``t`` above the payoff range the pure profile of default
actions is the unique equilibrium of that game, which gives the start; the
path follows equilibria of the penalised games until the penalty is zero.
The free variables ``p`` and ``q`` are made basic once and for all at the
start (they never leave the basis), together with the default sequences'
``x`` and the other sequences' slacks ``u``; they are then eliminated, so
the tableau has one row per sequence.  Because realisation plans are
bounded and the dual variables are determined by them, the path cannot end
on a secondary ray (a ray would have to move only ``p`` and ``q``, with
``E^T p >= 0`` and ``e^T p = 0``, which forces ``p = 0``): it ends at an
equilibrium.  This is plain Lemke with a covering vector of zeros and
ones; like the algorithm of von Stengel, van den Elzen and Talman (2002),
whose covering vector comes from a prior, it starts from a given profile,
here the pure profile of default actions.

Degeneracy is resolved by the lexicographic ratio test (the tableau rows of
the initial basis's variables play the role of the basis inverse), so the
path cannot cycle.  The float path is checked at the end (the realisation
plans' regrets, computed by backward induction over the constraint
structure); if rounding made it go astray, or ``exact=True``, the same path
is followed in rational arithmetic (:class:`fractions.Fraction`).

References
----------
.. [KMvS96] D. Koller, N. Megiddo and B. von Stengel, "Efficient computation
   of equilibria for extensive two-person games", *Games and Economic
   Behavior* 14(2):247-259, 1996.
.. [vS96] B. von Stengel, "Efficient computation of behavior strategies",
   *Games and Economic Behavior* 14(2):220-246, 1996.
.. [vSvET02] B. von Stengel, A. van den Elzen and D. Talman, "Computing
   normal form perfect equilibria for extensive two-person games",
   *Econometrica* 70(2):693-715, 2002.
.. [SvS06] R. Savani and B. von Stengel, "Hard-to-solve bimatrix games",
   *Econometrica* 74(2):397-429, 2006.
.. [vS07] B. von Stengel, "Equilibrium computation for two-player games in
   strategic and extensive form", ch. 3 of N. Nisan, T. Roughgarden,
   E. Tardos and V. V. Vazirani (eds.), *Algorithmic Game Theory*, Cambridge
   University Press, 2007 (section 3.10).
"""

from __future__ import annotations

import hashlib
import numbers
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError, InvalidGameError, SolverError

__all__ = ["LCPSolution", "plan_regrets", "sequence_form_lcp"]

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]

#: A pivot-column entry counts as positive if it exceeds this times the
#: largest magnitude of its row among the lexicographic columns (the rounding
#: scale of the row); see ``_lemke_howson._lex_min_ratio_row``.
_PIVOT_RTOL = 1e-11
#: Two ratios tie if they agree to within this relative tolerance.
_TIE_RTOL = 1e-12
#: A float end point is accepted if each player's regret, in the payoffs
#: scaled to at most one in magnitude, is at most this; otherwise the path is
#: followed again in rational arithmetic (when the game is small enough).
_ACCEPT_REGRET = 1e-9
#: The float path recomputes its tableau from the initial one (a sparse LU
#: factorisation of the basis) every this many pivots: first every 250; if
#: rounding still makes it fail, it is followed again with a refresh every 25.
_REFRESH_EVERY = (250, 25)
#: The rational fallback runs only on games with at most this many sequences
#: (both players together); beyond, a failed float path raises SolverError.
EXACT_MAX_SEQUENCES = 400


class LCPSolution(NamedTuple):
    """What :func:`sequence_form_lcp` returns."""

    #: Player 1's realisation plan (one probability per sequence).
    x: Vector
    #: Player 2's realisation plan.
    y: Vector
    #: The number of pivots of Lemke's algorithm (the first, of ``z0``, included).
    n_pivots: int
    #: Whether the path was followed in rational arithmetic.
    exact: bool


class _NumericalFailure(Exception):
    """The float path went astray; follow it again exactly."""


# ---------------------------------------------------------------- structure
@dataclass(frozen=True, slots=True)
class _Plans:
    """The constraint structure ``E x = e`` of one player's realisation plans.

    Row ``r`` of ``E`` has ``+1`` at the sequences ``actions[r]`` and, unless
    it is a root row (``e[r] = 1``), ``-1`` at the sequence ``parent[r]``.
    """

    n_seq: int
    parent: tuple[int, ...]  # -1 for root rows
    actions: tuple[NDArray[np.intp], ...]
    order: tuple[int, ...]  # rows, parents' rows before their children's
    defaults: NDArray[np.intp]  # the first action sequence of each row
    others: NDArray[np.intp]  # the sequences that are not defaults, ascending


def _parse_plans(E: Matrix, e: Vector, name: str) -> _Plans:
    """Check that ``E x = e`` describes realisation plans; return its structure."""
    k, n = E.shape
    if e.shape != (k,):
        raise InvalidGameError(
            f"{name}: the right-hand side must have one entry per row of the "
            f"constraint matrix ({k}), got shape {e.shape}"
        )
    if not np.isin(E, (-1.0, 0.0, 1.0)).all() or not np.isin(e, (0.0, 1.0)).all():
        raise InvalidGameError(
            f"{name}: realisation-plan constraints have entries in {{-1, 0, 1}} "
            "and a right-hand side of zeros and ones"
        )
    owners = (E == 1.0).sum(axis=0)
    if not (owners == 1).all():
        bad = int(np.flatnonzero(owners != 1)[0])
        raise InvalidGameError(
            f"{name}: sequence {bad} must have +1 in exactly one constraint row "
            f"(the row of its information set), got {int(owners[bad])}"
        )
    owner_row = np.argmax(E == 1.0, axis=0)
    parent: list[int] = []
    actions: list[NDArray[np.intp]] = []
    for r in range(k):
        minus = np.flatnonzero(E[r] == -1.0)
        root = e[r] == 1.0
        if len(minus) != (0 if root else 1):
            raise InvalidGameError(
                f"{name}: constraint row {r} must have "
                + ("no -1 entry (right-hand side 1)" if root else
                   "exactly one -1 entry, at the sequence leading to it (right-hand "
                   "side 0)")
                + f", got {len(minus)}"
            )
        parent.append(-1 if root else int(minus[0]))
        acts = np.flatnonzero(E[r] == 1.0)
        if not acts.size:
            raise InvalidGameError(f"{name}: constraint row {r} has no +1 entry")
        actions.append(acts)
    # topological order: a row after the row owning its parent sequence
    order: list[int] = []
    state = [0] * k  # 0 new, 1 on stack, 2 done
    for start in range(k):
        stack = [start]
        while stack:
            r = stack[-1]
            if state[r] == 2:
                stack.pop()
                continue
            p = parent[r]
            above = -1 if p < 0 else int(owner_row[p])
            if above >= 0 and state[above] != 2:
                if state[above] == 1:
                    raise InvalidGameError(
                        f"{name}: the constraint rows are cyclic (row {r})"
                    )
                state[r] = 1
                stack.append(above)
                continue
            state[r] = 2
            order.append(r)
            stack.pop()
    defaults = np.array([int(a[0]) for a in actions], dtype=np.intp)
    others = np.setdiff1d(np.arange(n), defaults).astype(np.intp)
    return _Plans(n, tuple(parent), tuple(actions), tuple(order), defaults, others)


def _best_value(plans: _Plans, values: Vector) -> float:
    """``max c^T x`` over realisation plans ``x``, by backward induction."""
    total = np.array(values, dtype=np.float64)
    result = 0.0
    for r in reversed(plans.order):
        best = float(total[plans.actions[r]].max())
        p = plans.parent[r]
        if p < 0:
            result += best
        else:
            total[p] += best
    return result


def _default_plan(plans: _Plans) -> NDArray[np.int64]:
    """The pure realisation plan that takes every row's default action."""
    x = np.zeros(plans.n_seq, dtype=np.int64)
    for r in plans.order:
        p = plans.parent[r]
        x[plans.defaults[r]] = 1 if p < 0 else x[p]
    return x


def _eliminator(plans: _Plans) -> NDArray[np.int64]:
    """``K = E_d^{-1} E_o``: on realisation plans, ``x_d = x0_d - K x_o``.

    Computed row by row in topological order (no linear solve): a row's
    default sequence has the probability of the sequence leading to the row
    less those of the row's other actions, so ``K`` is an integer matrix.
    """
    position = np.full(plans.n_seq, -1, dtype=np.intp)
    position[plans.others] = np.arange(len(plans.others))
    row_of_default = {int(d): r for r, d in enumerate(plans.defaults.tolist())}
    K = np.zeros((len(plans.defaults), len(plans.others)), dtype=np.int64)
    for r in plans.order:
        p = plans.parent[r]
        if p >= 0:
            if position[p] >= 0:
                K[r, position[p]] = -1
            else:
                K[r] = K[row_of_default[p]]
        others = position[plans.actions[r][1:]]
        K[r, others] += 1
    return K


# --------------------------------------------------------------- the system
@dataclass(frozen=True, slots=True)
class _System:
    """The LCP's initial tableau after the free variables are eliminated.

    Variables are numbered ``0 .. 2n`` (``n`` sequences of both players):
    ``0 .. n-1`` are the initial basic ones (player 1's default ``x`` and
    other ``u``, then player 2's default ``y`` and other ``v``), ``n .. 2n-1``
    their complements in the same order, ``2n`` is ``z0``.  ``table`` is
    ``[rhs | columns of variables 0 .. 2n]`` with one row per initial basic
    variable: ``basic + table[:, 1:] @ nonbasic = table[:, 0]``.
    """

    table: NDArray[Any]
    n: int
    #: the sequence (player 1: 0..n1-1, player 2: n1..) of each of ``0 .. n-1``
    sequence: NDArray[np.intp]
    #: whether variable ``i < n`` is a plan variable (x or y) rather than a slack
    is_plan: NDArray[np.bool_]
    n1: int
    plans: tuple[_Plans, _Plans]
    K: tuple[NDArray[np.int64], NDArray[np.int64]]
    x0: tuple[NDArray[np.int64], NDArray[np.int64]]


def _build_system(
    A: NDArray[Any], B: NDArray[Any], p1: _Plans, p2: _Plans,
    K1: NDArray[np.int64], K2: NDArray[np.int64], exact: bool,
) -> _System:
    """The initial tableau (floats, or :class:`Fraction` objects if ``exact``).

    Player 1's rows (player 2's are the same with ``B^T``), with ``d``/``o``
    the default/other sequences, ``x0`` and ``y0`` the default plans and
    ``D = A_o - K^T A_d`` (the payoff of each other sequence less that of
    the default continuation it replaces)::

        x_d + K x_o                              = x0_d
        u_o - K^T u_d + (D_o - D_d L) y_o - z0   = -D_d y0_d
    """
    n1, n2 = p1.n_seq, p2.n_seq
    n = n1 + n2
    dtype: Any = object if exact else np.float64
    zero: Any = Fraction(0) if exact else 0.0
    one: Any = Fraction(1) if exact else 1.0
    x0 = (_default_plan(p1), _default_plan(p2))
    d1, o1, d2, o2 = p1.defaults, p1.others, p2.defaults, p2.others
    k1, k2 = len(d1), len(d2)
    # positions of the initial basic variables (rows) and of their complements
    rows_xd = np.arange(k1)
    rows_uo = k1 + np.arange(len(o1))
    rows_yd = n1 + np.arange(k2)
    rows_vo = n1 + k2 + np.arange(len(o2))
    col = {  # column (in table, after rhs) of each variable group
        "xd": 1 + rows_xd, "uo": 1 + rows_uo, "yd": 1 + rows_yd, "vo": 1 + rows_vo,
        "ud": 1 + n + rows_xd, "xo": 1 + n + rows_uo,
        "vd": 1 + n + rows_yd, "yo": 1 + n + rows_vo,
    }
    z0 = 1 + 2 * n
    table = np.full((n, 2 * n + 2), zero, dtype=dtype)
    table[np.arange(n), 1 + np.arange(n)] = one

    def conv(m: NDArray[Any]) -> NDArray[Any]:
        if not exact:
            return m.astype(np.float64)
        out = np.empty(m.shape, dtype=object)
        out.ravel()[:] = [Fraction(int(v)) for v in m.ravel().tolist()]
        return out

    K1c, K2c = conv(K1), conv(K2)
    for (rows_d, rows_o, cd, co, cu_d, _cu_o, K, L, P, xd0, yd0, dd, oo, de, oe) in (
        (rows_xd, rows_uo, "xd", "xo", "ud", "uo", K1c, K2c, A, x0[0][d1], x0[1][d2],
         d1, o1, d2, o2),
        (rows_yd, rows_vo, "yd", "yo", "vd", "vo", K2c, K1c, B.T, x0[1][d2], x0[0][d1],
         d2, o2, d1, o1),
    ):
        # plan rows: x_d + K x_o = x0_d
        if len(rows_o):
            table[np.ix_(rows_d, col[co])] = K
        table[rows_d, 0] = conv(xd0)
        if not len(rows_o):
            continue
        # slack rows
        D = P[oo] - K.T @ P[dd]  # (others, opponent sequences)
        D_d, D_o = D[:, de], D[:, oe]
        table[np.ix_(rows_o, col[cu_d])] = -K.T
        if len(oe):
            table[np.ix_(rows_o, col["yo" if cd == "xd" else "xo"])] = D_o - D_d @ L
        table[rows_o, z0] = -one
        table[rows_o, 0] = -(D_d @ conv(yd0))
    sequence = np.concatenate([d1, o1, n1 + d2, n1 + o2]).astype(np.intp)
    is_plan = np.zeros(n, dtype=bool)
    is_plan[rows_xd] = True
    is_plan[rows_yd] = True
    return _System(table, n, sequence, is_plan, n1, (p1, p2), (K1, K2), x0)


def _complement(var: int, n: int) -> int:
    return var + n if var < n else var - n


# ------------------------------------------------------------- float path
def _lex_min_ratio_row(
    column: Vector, rhs: Vector, lex: Matrix
) -> int | None:
    """The row of the lexicographic minimum ratio test (``None``: unbounded).

    Among the rows with ``column[i] > 0`` (relative to the row's rounding
    scale), the one minimising ``(rhs[i], lex[i, 0], lex[i, 1], ...) /
    column[i]`` lexicographically; as in ``_lemke_howson``.  The rounding
    scale of a row (its largest magnitude among the lexicographic columns)
    is computed only for the rows where it matters: entries of the pivot
    column that are small next to the column's largest, and the rows that
    tie (loosely) in the ratio of the right-hand sides.
    """
    candidates = np.flatnonzero(column > 0.0)
    if not candidates.size:
        return None
    pivots = column[candidates]
    small = pivots < 1e-6 * float(pivots.max())
    if small.any():  # possibly rounding noise: test against the row's scale
        rows = candidates[small]
        scale = np.maximum(np.abs(lex[rows]).max(axis=1, initial=0.0), 1.0)
        drop = np.zeros(candidates.size, dtype=bool)
        drop[np.flatnonzero(small)] = pivots[small] <= _PIVOT_RTOL * scale
        candidates, pivots = candidates[~drop], pivots[~drop]
    if candidates.size <= 1:
        return int(candidates[0]) if candidates.size else None
    # the ratios of the right-hand sides first: a loose tie set, then exact noise
    ratios = rhs[candidates] / pivots
    best = int(np.argmin(ratios))
    loose = ratios - ratios[best] <= 1e-6 * (1.0 + np.abs(ratios)) + 1e-6 * (
        1.0 + abs(float(ratios[best]))
    )
    candidates, pivots, ratios = candidates[loose], pivots[loose], ratios[loose]
    if candidates.size == 1:
        return int(candidates[0])
    scale = np.maximum(np.abs(lex[candidates]).max(axis=1, initial=0.0), 1.0)
    noise = _TIE_RTOL * scale / pivots * (1.0 + np.abs(ratios))
    best = int(np.argmin(ratios))
    keep = ratios - ratios[best] <= noise + noise[best]
    candidates, pivots, scale = candidates[keep], pivots[keep], scale[keep]
    # then the lexicographic columns, a chunk at a time, jumping to the first
    # column that separates the remaining rows
    start = 0
    width = lex.shape[1]
    chunk = 32
    while candidates.size > 1 and start < width:
        block = lex[candidates, start : start + chunk] / pivots[:, None]
        noise_rows = _TIE_RTOL * scale / pivots
        low = block.min(axis=0)
        spread = block.max(axis=0) - low
        separating = np.flatnonzero(
            spread > 2.0 * noise_rows.max() * (1.0 + np.abs(low))
        )
        if not separating.size:
            start += chunk
            chunk *= 2
            continue
        k = int(separating[0])
        values = block[:, k]
        slack = noise_rows * (1.0 + np.abs(values))
        best = int(np.argmin(values))
        keep = values - values[best] <= slack + slack[best]
        candidates, pivots, scale = candidates[keep], pivots[keep], scale[keep]
        start += k + 1
    if candidates.size == 1:
        return int(candidates[0])
    # numerically indistinguishable rows (impossible in exact arithmetic)
    return int(candidates[np.argmax(pivots)])


#: Rows per block of the rank-one update (small temporaries, in cache).
_BLOCK_ROWS = 128


def _rank_one_update(table: Matrix, column: Vector, pivot_row: Vector) -> None:
    """``table -= outer(column, pivot_row)`` on the nonzero rows and columns.

    In blocks of rows, so that no temporary the size of the tableau is made
    (the tableau of a tree with a few thousand leaves is a hundred MB).
    """
    rows = np.flatnonzero(column)
    cols = np.flatnonzero(pivot_row)
    if not rows.size or not cols.size:
        return
    sparse_cols = 2 * cols.size < table.shape[1]
    values = pivot_row[cols] if sparse_cols else pivot_row
    for start in range(0, rows.size, _BLOCK_ROWS):
        block = rows[start : start + _BLOCK_ROWS]
        update = np.outer(column[block], values)
        if sparse_cols:
            table[np.ix_(block, cols)] -= update
        else:
            table[block] -= update


def _refreshed(
    sparse_initial: sp.csc_matrix | None, initial: Matrix, basis: NDArray[np.intp]
) -> Matrix:
    """The tableau of ``basis`` recomputed from the initial one.

    ``B^{-1} T0`` with ``B`` the basic columns of the initial tableau ``T0``,
    by a sparse LU factorisation of ``B`` (the initial tableau is sparse:
    its blocks are the tree's constraint and payoff structure).
    """
    if sparse_initial is None:  # pragma: no cover - the caller passes it
        raise _NumericalFailure
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", spla.MatrixRankWarning)
            lu = spla.splu(sparse_initial[:, 1 + basis].tocsc())
            out = np.ascontiguousarray(lu.solve(initial), dtype=np.float64)
    except (RuntimeError, spla.MatrixRankWarning) as exc:
        raise _NumericalFailure from exc
    if not np.all(np.isfinite(out)):
        raise _NumericalFailure
    return out


def _float_path(
    system: _System, max_pivots: int, refresh_every: int = 0
) -> tuple[Vector, int]:
    """Lemke's path in floats; the values of the variables ``0 .. 2n``."""
    n = system.n
    initial = system.table
    table = initial.copy()
    sparse_initial = sp.csc_matrix(initial) if refresh_every else None
    basis = np.arange(n)
    z0 = 2 * n
    if n == 0 or table[:, 0].min() >= 0.0:
        values = np.zeros(2 * n + 1)
        values[:n] = table[:, 0]
        return values, 0
    seen: set[bytes] = set()
    # z0 enters: the row with the lexicographically smallest (rhs, lex row)
    covered = (table[:, 1 + z0] < 0.0).astype(np.float64)
    row = _lex_min_ratio_row(covered, table[:, 0], table[:, 1 : n + 1])
    entering = z0
    n_pivots = 0
    while True:
        if row is None:
            raise _NumericalFailure
        if n_pivots >= max_pivots:
            raise SolverError(
                f"Lemke's algorithm on the sequence form did not reach an "
                f"equilibrium within max_pivots={max_pivots} pivots"
            )
        column = table[:, 1 + entering].copy()
        pivot = column[row]
        pivot_row = table[row] / pivot
        column[row] = 0.0
        _rank_one_update(table, column, pivot_row)
        table[row] = pivot_row
        n_pivots += 1
        leaving = int(basis[row])
        basis[row] = entering
        if leaving == z0:
            break
        state = hashlib.blake2b(np.sort(basis).tobytes(), digest_size=16).digest()
        if state in seen:
            raise _NumericalFailure
        seen.add(state)
        if refresh_every and n_pivots % refresh_every == 0:
            table = _refreshed(sparse_initial, initial, basis)
        entering = _complement(leaving, n)
        column = table[:, 1 + entering]
        if entering == z0:  # pragma: no cover - z0 never leaves except at the end
            raise _NumericalFailure
        # the first pivot made every row feasible; keep the test on all rows
        row = _lex_min_ratio_row(column, table[:, 0], table[:, 1 : n + 1])
    values = np.zeros(2 * n + 1)
    values[basis] = table[:, 0]
    return values, n_pivots


# ------------------------------------------------------------- exact path
def _exact_path(system: _System, max_pivots: int) -> tuple[list[Fraction], int]:
    """Lemke's path in rational arithmetic (rows as lists of Fractions)."""
    n = system.n
    rows: list[list[Fraction]] = [list(r) for r in system.table.tolist()]
    basis = list(range(n))
    z0 = 2 * n
    width = 2 * n + 2
    if n == 0 or min(r[0] for r in rows) >= 0:
        values = [Fraction(0)] * (2 * n + 1)
        for i, r in enumerate(rows):
            values[i] = r[0]
        return values, 0
    lex_cols = [0, *range(1, n + 1)]

    def ratio_row(col: int, covered: list[int] | None = None) -> int | None:
        best: int | None = None
        for i, r in enumerate(rows):
            a = Fraction(1) if covered is not None else r[col]
            if covered is not None and i not in covered:
                continue
            if a <= 0:
                continue
            if best is None:
                best = i
                continue
            b = Fraction(1) if covered is not None else rows[best][col]
            top = rows[best]
            for key in lex_cols:
                diff = r[key] * b - top[key] * a
                if diff:
                    if diff < 0:
                        best = i
                    break
        return best

    covered = {i for i, r in enumerate(rows) if r[1 + z0] < 0}
    row = ratio_row(1 + z0, sorted(covered))
    entering = z0
    n_pivots = 0
    while True:
        if row is None:  # pragma: no cover - impossible: no secondary ray
            raise SolverError("Lemke's algorithm on the sequence form ended on a ray")
        if n_pivots >= max_pivots:
            raise SolverError(
                f"Lemke's algorithm on the sequence form did not reach an "
                f"equilibrium within max_pivots={max_pivots} pivots"
            )
        pr = rows[row]
        c = 1 + entering
        pivot = pr[c]
        pr = [v / pivot if v else v for v in pr]
        nz = [j for j in range(width) if pr[j]]
        for i, r in enumerate(rows):
            if i == row:
                continue
            factor = r[c]
            if factor:
                for j in nz:
                    r[j] -= factor * pr[j]
        rows[row] = pr
        n_pivots += 1
        leaving = basis[row]
        basis[row] = entering
        if leaving == z0:
            break
        entering = _complement(leaving, n)
        row = ratio_row(1 + entering)
    values = [Fraction(0)] * (2 * n + 1)
    for i, r in enumerate(rows):
        values[basis[i]] = r[0]
    return values, n_pivots


# ------------------------------------------------------------------ results
def _plans_from_values(system: _System, values: Any, dtype: Any) -> tuple[Any, Any]:
    """Realisation plans from the variables' values, repaired to ``E x = e``.

    The other sequences' values are taken (clipped at zero) and the default
    ones recomputed from the constraints (``x_d = x0_d - K x_o``), so the
    plans satisfy the constraints exactly up to the rounding of that product.
    """
    n, n1 = system.n, system.n1
    seq_value = np.zeros(n, dtype=dtype)
    plan_vars = np.flatnonzero(system.is_plan)
    seq_value[system.sequence[plan_vars]] = np.asarray(values, dtype=dtype)[plan_vars]
    # the complements of slack variables: the other sequences' plan variables
    slack_vars = np.flatnonzero(~system.is_plan)
    seq_value[system.sequence[slack_vars]] = np.asarray(values, dtype=dtype)[n + slack_vars]
    out = []
    for plans, K, x0, part in (
        (system.plans[0], system.K[0], system.x0[0], seq_value[:n1]),
        (system.plans[1], system.K[1], system.x0[1], seq_value[n1:]),
    ):
        x = part.copy()
        others = x[plans.others]
        if dtype is object:
            others = np.array([max(v, Fraction(0)) for v in others], dtype=object)
            Kc = K.astype(object)
            x[plans.defaults] = x0[plans.defaults].astype(object) - Kc @ others
        else:
            others = np.clip(others.astype(np.float64), 0.0, None)
            x[plans.defaults] = np.clip(
                x0[plans.defaults] - K.astype(np.float64) @ others, 0.0, None
            )
        x[plans.others] = others
        out.append(x)
    return out[0], out[1]


def _regrets(
    A: Matrix, B: Matrix, p1: _Plans, p2: _Plans, x: Vector, y: Vector
) -> tuple[float, float]:
    """Each player's gain from its best realisation plan against the other's."""
    ay = A @ y
    xb = x @ B
    return _best_value(p1, ay) - float(x @ ay), _best_value(p2, xb) - float(xb @ y)


def _as_matrix(value: object, name: str, dtype: Any = np.float64) -> NDArray[Any]:
    try:
        out = np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidGameError(f"{name} must be a numeric matrix: {exc}") from exc
    if out.ndim != 2:
        raise InvalidGameError(f"{name} must be a matrix, got shape {out.shape}")
    if dtype is np.float64 and not np.isfinite(out).all():
        raise InvalidGameError(f"{name} must be finite (no NaN or infinity)")
    return out


def _as_vector(value: object, name: str) -> Vector:
    out = np.array(value, dtype=np.float64)
    if out.ndim != 1:
        raise InvalidGameError(f"{name} must be a vector, got shape {out.shape}")
    return out


def plan_regrets(
    A: object, B: object, E: object, e: object, F: object, f: object,
    x: object, y: object,
) -> tuple[float, float]:
    """Each player's best-response gain against a pair of realisation plans.

    Parameters
    ----------
    A, B, E, e, F, f
        The sequence form, as for :func:`sequence_form_lcp`.
    x, y : array_like
        Realisation plans of player 1 and player 2.

    Returns
    -------
    tuple of float
        ``max_x' x'^T A y - x^T A y`` and ``max_y' x^T B y' - x^T B y``, the
        maxima over realisation plans computed by backward induction over
        the constraint rows (an LP in general, a tree walk here).  Both are
        zero (up to rounding) exactly at an equilibrium.

    Examples
    --------
    Matching pennies as a sequence form (one information set per player,
    no empty sequence):

    >>> import numpy as np
    >>> A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    >>> E = np.ones((1, 2)); e = np.ones(1)
    >>> plan_regrets(A, -A, E, e, E, e, [0.5, 0.5], [0.5, 0.5])
    (0.0, 0.0)
    >>> plan_regrets(A, -A, E, e, E, e, [1.0, 0.0], [0.5, 0.5])
    (0.0, 1.0)
    """
    a, b = _as_matrix(A, "A"), _as_matrix(B, "B")
    Em, Fm = _as_matrix(E, "E"), _as_matrix(F, "F")
    p1 = _parse_plans(Em, _as_vector(e, "e"), "E")
    p2 = _parse_plans(Fm, _as_vector(f, "f"), "F")
    return _regrets(a, b, p1, p2, _as_vector(x, "x"), _as_vector(y, "y"))


def sequence_form_lcp(
    A: object,
    B: object,
    E: object,
    e: object,
    F: object,
    f: object,
    *,
    exact: bool = False,
    max_pivots: int = 1_000_000,
) -> LCPSolution:
    """One equilibrium of a two-player sequence form, by Lemke's algorithm.

    Parameters
    ----------
    A, B : array_like, shape (n1, n2)
        The sequence-form payoff matrices of player 1 and player 2 (chance
        probabilities included): ``x^T A y`` is player 1's expected payoff.
        Entries may be :class:`fractions.Fraction` (kept exactly with
        ``exact=True``).
    E, e : array_like, shapes (k1, n1) and (k1,)
        Player 1's realisation-plan constraints ``E x = e``: per row, ``+1``
        at the sequences that extend, by one action, the sequence at which
        the row has ``-1`` (none in a root row, whose right-hand side is 1).
        The usual form has row 0 ``[1, 0, ..., 0]`` for the empty sequence;
        a normal-form game is ``E = [[1, ..., 1]], e = [1]``.
    F, f : array_like
        Player 2's constraints ``F y = f``, likewise.
    exact : bool, default False
        Follow the path in rational arithmetic (:class:`fractions.Fraction`)
        on the payoffs as given (floats are the exact binary rationals they
        are).  The plans are then returned as object arrays of Fractions.
        Without it, the path is followed in floats and, should rounding make
        it fail (a repeated basis, a ray, or an end point whose regret
        exceeds ``1e-9`` of the payoffs' largest magnitude), again in floats
        with more frequent recomputation of the tableau, then exactly if the
        game has at most ``EXACT_MAX_SEQUENCES = 400`` sequences.
    max_pivots : int, default 1,000,000
        Pivot limit.

    Returns
    -------
    LCPSolution
        ``(x, y, n_pivots, exact)``: the realisation plans of an equilibrium
        (float arrays, exactly satisfying ``E x = e`` up to the rounding of
        the defaults' recomputation; Fractions with ``exact=True``), the
        number of pivots, and whether rational arithmetic was used.

    Raises
    ------
    InvalidGameError
        If the matrices have inconsistent shapes, are not finite, or the
        constraints do not describe realisation plans.
    InvalidArgumentError
        If ``max_pivots`` is not a positive integer or ``exact`` not a bool.
    SolverError
        If the path needs more than ``max_pivots`` pivots, or the float path
        fails on a game too large for the exact fallback.

    Notes
    -----
    The steps (see the module docstring for the LCP and the covering vector):

    1. Parse each player's constraints; the first action of each row is its
       default.  ``K = E_d^{-1} E_o`` expresses the default sequences'
       probabilities through the others' (an integer matrix).
    2. Scale each payoff matrix by its largest magnitude (equilibria are
       invariant).  Eliminate the free dual variables ``p`` and ``q``: the
       tableau has one row per sequence, with the default sequences' plan
       variables and the other sequences' slacks basic, at the pure profile
       of default actions.
    3. ``z0`` enters (the row with the most negative slack leaves, by the
       lexicographic rule); then complementary pivoting, with the
       lexicographic minimum ratio test, until ``z0`` leaves.
    4. Read the plans off the final basis, recompute the defaults from the
       constraints, and check the regrets (:func:`plan_regrets`).

    Each pivot is a rank-one update of the dense ``n x (2n + 2)`` tableau
    (``n`` sequences in all), restricted to its nonzero rows and columns.
    Every 250 pivots the tableau is recomputed from the initial (sparse) one
    and the current basis by a sparse LU factorisation, so that rounding
    errors do not accumulate along long paths.

    Examples
    --------
    Battle of the sexes as a sequence form (Lemke's path from the profile
    of first strategies stops at once: it is an equilibrium):

    >>> import numpy as np
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]]); B = np.array([[2.0, 0.0], [0.0, 3.0]])
    >>> E = np.ones((1, 2)); e = np.ones(1)
    >>> sol = sequence_form_lcp(A, B, E, e, E, e)
    >>> sol.x, sol.y, sol.n_pivots
    (array([1., 0.]), array([1., 0.]), 0)

    Matching pennies needs pivots and mixes:

    >>> sol = sequence_form_lcp([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], E, e, E, e)
    >>> sol.x, sol.y
    (array([0.5, 0.5]), array([0.5, 0.5]))
    >>> [str(v) for v in sequence_form_lcp([[1, -1], [-1, 1]], [[-1, 1], [1, -1]],
    ...                                    E, e, E, e, exact=True).x]
    ['1/2', '1/2']
    """
    if not isinstance(exact, bool | np.bool_):
        raise InvalidArgumentError(f"exact must be True or False, got {exact!r:.60}")
    if (
        isinstance(max_pivots, bool | np.bool_)
        or not isinstance(max_pivots, numbers.Integral)
        or max_pivots < 1
    ):
        raise InvalidArgumentError(
            f"max_pivots must be a positive integer, got {max_pivots!r:.40}"
        )
    a_float, b_float = _as_matrix(A, "A"), _as_matrix(B, "B")
    Em, Fm = _as_matrix(E, "E"), _as_matrix(F, "F")
    ev, fv = _as_vector(e, "e"), _as_vector(f, "f")
    n1, n2 = Em.shape[1], Fm.shape[1]
    if a_float.shape != (n1, n2) or b_float.shape != (n1, n2):
        raise InvalidGameError(
            f"A and B must have shape (n1, n2) = ({n1}, {n2}) (sequences of player 1 "
            f"by sequences of player 2), got {a_float.shape} and {b_float.shape}"
        )
    p1 = _parse_plans(Em, ev, "E")
    p2 = _parse_plans(Fm, fv, "F")
    K1, K2 = _eliminator(p1), _eliminator(p2)
    scale_a = float(np.abs(a_float).max(initial=0.0)) or 1.0
    scale_b = float(np.abs(b_float).max(initial=0.0)) or 1.0
    a_s, b_s = a_float / scale_a, b_float / scale_b
    if not exact:
        system = _build_system(a_s, b_s, p1, p2, K1, K2, exact=False)
        failed = ""
        for refresh in _REFRESH_EVERY:
            try:
                values, n_pivots = _float_path(system, int(max_pivots), refresh)
            except _NumericalFailure:
                failed = "the float path went astray (a repeated basis or a ray)"
                continue
            x, y = _plans_from_values(system, values, np.float64)
            r1, r2 = _regrets(a_s, b_s, p1, p2, x, y)
            if max(r1, r2) <= _ACCEPT_REGRET:
                return LCPSolution(x, y, n_pivots, False)
            failed = f"the float path ended with regret {max(r1, r2):.2g}"
        if n1 + n2 > EXACT_MAX_SEQUENCES:
            raise SolverError(
                f"Lemke's algorithm on the sequence form failed in floating point "
                f"({failed}); the game has {n1 + n2} sequences, more than the "
                f"{EXACT_MAX_SEQUENCES} of the exact fallback (use exact=True)"
            )
    a_exact = _exact_matrix(A, "A")
    b_exact = _exact_matrix(B, "B")
    system = _build_system(a_exact, b_exact, p1, p2, K1, K2, exact=True)
    exact_values, n_pivots = _exact_path(system, int(max_pivots))
    x, y = _plans_from_values(system, exact_values, object)
    if exact:
        x.flags.writeable = False
        y.flags.writeable = False
        return LCPSolution(x, y, n_pivots, True)
    return LCPSolution(x.astype(np.float64), y.astype(np.float64), n_pivots, True)


def _exact_matrix(value: object, name: str) -> NDArray[Any]:
    """The matrix as Fractions (floats exactly, Fractions and integers as given)."""
    raw = np.array(value, dtype=object)
    out = np.empty(raw.shape, dtype=object)
    flat = [Fraction(v) if isinstance(v, numbers.Rational) else Fraction(float(v))
            for v in raw.ravel().tolist()]
    out.ravel()[:] = flat
    return out
