"""All extreme equilibria of a bimatrix game by vertex enumeration.

Algorithm 3.5 of von Stengel (2007), made safe for degenerate games: enumerate
the vertices of both best-response polytopes with *all* their labels (a
degenerate vertex has more labels than dimensions) and return every
completely labelled pair except the artificial ``(0, 0)``.  These are exactly
the extreme points of the equilibrium components (Mangasarian 1964;
Avis, Rosenberg, Savani & von Stengel 2010), the set Gambit's ``enummixed``
returns.

Only one polytope is enumerated when that suffices: a vertex with exactly as
many labels as dimensions determines the labels its partner must have, and
the partner is the solution of one small square system, so the second
polytope's enumeration (as costly as the first) is replaced by one batched
solve.  Whenever anything is degenerate (a vertex with surplus labels, a
singular system, a partner with surplus labels), both polytopes are
enumerated and paired exhaustively instead.

Tiny games (at most :data:`TINY_BASES` label bases per polytope, up to 4x4)
skip both Qhull and the partner systems: every basis of both polytopes is
solved in one batch (in closed form up to ``3x3`` systems, else one LAPACK
call) and the vertices are paired exhaustively (:func:`_tiny_candidates`),
which costs fewer NumPy calls than either.

With numba (optional), small games (:data:`COMPILED_BASES`,
:data:`COMPILED_DIM`: up to 7x7) solve every basis of both polytopes in one
compiled loop instead (:mod:`kurilsim.solvers._vertex_numba`: the tiny
route's algorithm, conditioning test and tolerances, each system solved at
the size of its support and pruned by row dominance), once numba pays for
its loading (:func:`compiled_kernel`).  ``KURILSIM_DISABLE_NUMBA=1`` keeps
the numpy routes, which stay complete and give the same equilibria.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from itertools import combinations
from math import comb
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError
from kurilsim.solvers._numba import have_numba, numba_disabled
from kurilsim.solvers._polytope import (
    LABEL_TOL,
    label_keys,
    merge_duplicates,
    polytope_vertices,
    positive_scaled,
    raw_polytope_vertices,
    refine_vertex,
    vertex_labels,
)

__all__ = [
    "CHOOSE_BASES",
    "COMPILED_BASES",
    "COMPILED_DIM",
    "NUMPY_SECONDS_BEFORE_NUMBA",
    "TINY_BASES",
    "compiled_kernel",
    "vertex_candidates",
    "vertex_enumeration_kernel",
]

#: Games with at most this many label bases per polytope
#: (``binomial(m + n, m)``: 6x6 has 924, 6x7 1716, 5x9 2002), or with no
#: more than :data:`COMPILED_DIM` strategies per player, take the compiled
#: route when numba is used (:func:`compiled_kernel`): every basis of both
#: polytopes in one compiled loop
#: (:func:`kurilsim.solvers._vertex_numba.small_game_candidates`).  Beyond
#: both the loop's work (all bases of both polytopes, even pruned by
#: dominance) grows past the numpy route's (one polytope and partner
#: systems): on random games the compiled loop took 0.2-0.7 of the numpy
#: route's time at 6x7 and 5x9, 0.2-1.05 at 7x7, but up to 5 times it at
#: 6x8 and twice it at 8x8.
COMPILED_BASES = 2002

#: Games with at most this many strategies per player take the compiled
#: route whatever their number of bases (7x7 has 3432): see
#: :data:`COMPILED_BASES`.
COMPILED_DIM = 7

#: ``engine="auto"`` solves small games in numpy until the process has spent
#: this many seconds in them (about what importing numba and loading the
#: compiled loop cost), then in the compiled loop (the rule of
#: ``_lemke_howson.numba_path``).
NUMPY_SECONDS_BEFORE_NUMBA = 0.5

Engine = Literal["auto", "numba", "numpy"]
_ENGINES = ("auto", "numba", "numpy")
_Compiled = Callable[
    [NDArray[np.float64], NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]
]
_UNSET = object()
_loaded: object = _UNSET  # the compiled kernel, or None if numba is unusable
_env_disabled: bool | None = None  # KURILSIM_DISABLE_NUMBA, read on first use
_numpy_seconds = 0.0  # time spent by engine="auto" on small games in numpy

#: Games whose best-response polytopes have at most this many label bases
#: (``binomial(m + n, m)``: 2x2 has 6, 3x3 20, 4x4 70) take the tiny route
#: (:func:`_tiny_candidates`): every basis of both polytopes solved in one
#: batched call, no Qhull set-up and no partner systems.
TINY_BASES = 70

#: Square games with at least this many square subsystems
#: (``binomial(2n, n)``; 10x10 has 184,756) first estimate which polytope has
#: fewer vertices (:func:`_crossings`) and enumerate that one.
CHOOSE_BASES = 50_000

#: Up to this many matrix entries (vertices x dimension^2) the partner
#: systems are solved at full size in one batch (fewest NumPy calls), above
#: it grouped by support size (fewest flops).
_SMALL = 20_000

#: From this many matrix entries (vertices x dimension^2) on, vertices
#: without a partner by row dominance (:func:`_dominated`) are dropped
#: before solving; below it the test costs more than the solves it saves.
_DOMINANCE_MIN = 4_000

#: Fixed cost of one batch of partner systems, in the units of
#: :func:`_size_bins` (one unit: solving one 1x1 system in a batch).
_BATCH_COST = 150.0

#: A doubtful system is singular when its smallest singular value is below
#: this times its largest (as in ``solve_square_systems``).
_RCOND = 1e-11


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


def _solve_ones(matrices: NDArray[np.float64], hadamard: float) -> NDArray[np.float64] | None:
    """Solve ``matrices[b] @ w = 1`` for a stack; ``None`` if any matrix is singular.

    ``hadamard`` bounds the product of the row norms of every matrix (so
    ``|det| <= hadamard``).  As in
    :func:`~kurilsim.solvers._polytope.solve_square_systems`, a matrix whose
    determinant is below ``1e-8`` times that bound is doubtful, and a
    doubtful matrix is singular when its smallest singular value is below
    ``1e-11`` times its largest.
    """
    try:
        w = np.linalg.solve(matrices, np.ones((*matrices.shape[:-1], 1)))[..., 0]
    except np.linalg.LinAlgError:  # exactly singular
        return None
    doubtful = np.flatnonzero(np.abs(np.linalg.det(matrices)) <= 1e-8 * hadamard)
    if len(doubtful):
        sv = np.linalg.svd(matrices[doubtful], compute_uv=False)
        if np.any(sv[:, -1] <= _RCOND * sv[:, 0]):
            return None
    return np.asarray(w, dtype=np.float64)


def _size_bins(counts: list[int]) -> list[int]:
    """Upper ends of at most two bins of system sizes (``counts[s]`` systems of size ``s``).

    Systems are padded to their bin's largest size and solved in one batch
    per bin.  A batch costs a fixed overhead plus, per system, roughly
    ``1 + size**2 / 12`` units (NumPy's batched LAPACK calls; one unit is
    one 1x1 system); one split is made where it saves more than a batch.
    """
    top = len(counts) - 1
    below = np.cumsum(counts).tolist()  # systems of size <= s
    best, split = below[top] * (1.0 + top * top / 12.0), top
    for s in range(1, top):
        c = (_BATCH_COST + below[s] * (1.0 + s * s / 12.0)
             + (below[top] - below[s]) * (1.0 + top * top / 12.0))
        if c < best:
            best, split = c, s
    return [split, top] if split < top else [top]


def _partners(
    matrix: NDArray[np.float64], zero: NDArray[np.bool_], tight: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.float64]] | None:
    """Completely labelled partners of the vertices of one polytope, by solving.

    ``zero`` and ``tight`` are the labels of the vertices of
    ``{z >= 0 : M z <= 1}`` (``M`` of shape ``(r, d)``), the other polytope
    is ``{w >= 0 : matrix @ w <= 1}`` with ``matrix`` of shape ``(d, r)``.
    The partner ``w`` of a nonzero vertex ``z`` with exactly ``d`` labels has
    the complementary labels: inequality ``i`` of ``matrix`` is tight where
    ``z_i > 0`` and ``w_j = 0`` where inequality ``j`` of ``M`` is slack.

    Returns ``(index, W)``: the vertices (indices into ``zero``) that have a
    feasible partner and those partners.  Returns ``None`` if the exhaustive
    pairing is needed: some vertex has surplus labels, some system is
    numerically singular, or some feasible partner has a surplus label
    (a coordinate or slack within ``LABEL_TOL`` of zero).
    """
    d = matrix.shape[0]
    support = ~zero
    size = support.sum(axis=1)
    if not (size == tight.sum(axis=1)).all():
        return None  # a vertex with surplus (or missing) labels
    nonzero = size > 0  # all but the origin
    if len(size) * d * d >= _DOMINANCE_MIN:
        nonzero &= ~_dominated(matrix, support, tight)
    index = np.flatnonzero(nonzero)
    k = len(index)
    if k * d * d <= _SMALL:
        found = _solve_partners_full(matrix, zero[index], tight[index])
    else:
        found = _solve_partners_binned(matrix, support[index], tight[index], size[index])
    if found is None:
        return None
    W, low = found
    # The smallest free coordinate or slack decides: below -tol infeasible,
    # within tol a surplus label, above tol a nondegenerate partner.
    if np.any(np.abs(low) <= LABEL_TOL):
        return None
    keep = low > LABEL_TOL
    return index[keep], W[keep]


def _dominated(
    matrix: NDArray[np.float64], support: NDArray[np.bool_], tight: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Vertices whose partner system has no nonnegative feasible solution, by dominance.

    The partner ``w >= 0`` of vertex ``v`` lives on the tight set ``T`` and
    must make the rows ``i`` of the support tight, ``matrix[i] @ w = 1``,
    while ``matrix[i'] @ w <= 1`` for every row.  If some row ``i'`` exceeds
    row ``i`` by more than ``1e-7`` on every column of ``T``, that is
    impossible (by far more than the feasibility tolerance), whatever the
    rank of the system, so the vertex has no partner.  Rows are compared
    through bit sets of columns.
    """
    d, r = matrix.shape
    dtype = np.uint16 if r <= 16 else np.uint32 if r <= 32 else np.uint64
    if r > 64:
        return np.zeros(len(support), dtype=bool)
    bits = np.left_shift(1, np.arange(r, dtype=np.uint64)).astype(dtype)
    # beats[i, i']: the columns on which row i' exceeds row i
    beats = ((matrix[None, :, :] > matrix[:, None, :] + 1e-7) @ bits).astype(dtype)
    missing = np.bitwise_not(beats)
    have = (tight @ bits).astype(dtype)[:, None]
    dominated = np.zeros(support.shape, dtype=bool)
    for other in range(d):
        dominated |= np.bitwise_and(have, missing[:, other]) == 0
    dominated &= support
    return np.asarray(dominated.any(axis=1), dtype=bool)


def _solve_partners_full(
    matrix: NDArray[np.float64], zero: NDArray[np.bool_], tight: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Partners ``W`` and their smallest free coordinate or slack, as ``d x d`` systems.

    The unknowns are ``w`` and the slacks ``1 - matrix @ w``; the free ones
    (``w_j`` for the tight inequalities ``j``, the slack of row ``i`` where
    ``z_i = 0``) solve ``[matrix | I][:, free] @ x = 1``.  Fewest calls:
    for small polytopes.
    """
    d, r = matrix.shape
    free = np.concatenate([tight, zero], axis=1)
    cols = np.nonzero(free)[1].reshape(len(free), d)
    system = np.concatenate([matrix, np.eye(d)], axis=1)
    hadamard = (1.0 + float(np.max(np.sum(matrix * matrix, axis=1)))) ** (d / 2)
    x = _solve_ones(system[:, cols].transpose(1, 0, 2), hadamard)
    if x is None:
        return None
    full = np.zeros(free.shape)
    full[np.arange(len(free))[:, None], cols] = x
    return full[:, :r], x.min(axis=1, initial=np.inf)


def _solve_partners_binned(
    matrix: NDArray[np.float64],
    support: NDArray[np.bool_],
    tight: NDArray[np.bool_],
    size: NDArray[np.intp],
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Partners ``W`` and their smallest free coordinate or slack, by support size.

    The partner of a vertex with support ``S`` solves
    ``matrix[S, tight] @ w[tight] = 1``, a system of size ``|S|``.  The
    systems are padded with identity blocks to a common size (at most two
    sizes, see :func:`_size_bins`) and solved in batches: fewer flops than
    :func:`_solve_partners_full` for large polytopes.
    """
    d, r = matrix.shape
    bins = _size_bins(np.bincount(size).tolist())
    # matrix bordered by an identity block: padding slot t of a system is
    # row d + t and column r + t, so padded systems are block diagonal
    top = bins[-1]
    bordered = np.zeros((d + top, r + top))
    bordered[:d, :r] = matrix
    bordered[d:, r:] = np.eye(top)
    hadamard = max(1.0, float(np.max(np.sum(matrix * matrix, axis=1)))) ** (top / 2)
    W = np.zeros(tight.shape)
    low = np.empty(len(size))
    lower = 0
    for upper in bins:
        if len(bins) > 1:
            sel = np.flatnonzero((size > lower) & (size <= upper))
            sup, tig, siz = support[sel], tight[sel], size[sel]
        else:
            sel, sup, tig, siz = np.arange(len(size)), support, tight, size
        # the t-th entry of a system's support (tight set) goes to slot t
        v, i = np.nonzero(sup)
        j = np.nonzero(tig)[1]
        slot = np.arange(len(v)) - np.repeat(np.cumsum(siz) - siz, siz)
        rows = np.tile(np.arange(d, d + upper), (len(siz), 1))
        cols = np.tile(np.arange(r, r + upper), (len(siz), 1))
        rows[v, slot] = i
        cols[v, slot] = j
        w = _solve_ones(
            np.take(bordered, rows[:, :, None] * (r + top) + cols[:, None, :]), hadamard
        )
        if w is None:
            return None
        W[sel[v], j] = w[v, slot]
        low[sel] = w.min(axis=1)  # padding solves to exactly 1
        lower = upper
    slack = W @ matrix.T
    np.subtract(1.0, slack, out=slack)
    slack[support] = np.inf  # tight by construction
    np.minimum(low, slack.min(axis=1), out=low)
    return W, low


@lru_cache(maxsize=32)
def _pairs(k: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """All index pairs ``a < b`` below ``k`` (cached, read-only)."""
    a, b = np.triu_indices(k, 1)
    a.flags.writeable = b.flags.writeable = False
    return a, b


def _crossings(matrix: NDArray[np.float64]) -> int:
    """How many pairs of inequalities of ``{z >= 0 : matrix @ z <= 1}`` cross on 2-faces.

    For every pair of coordinates ``(a, b)`` and pair of inequalities, the
    two hyperplanes restricted to ``z_a, z_b`` (other coordinates zero)
    meet in one point; count those in the open positive quadrant.  The more
    crossings, the more vertices the polytope tends to have: a cheap
    predictor of which of two polytopes has fewer (on random 10x10 games
    enumerating the predicted one visits about 13% fewer vertices than
    always enumerating ``P``, within 5% of the best choice).
    """
    a, b = _pairs(matrix.shape[1])
    j, k = _pairs(matrix.shape[0])
    ma, mb = matrix[:, a], matrix[:, b]  # (r, pairs of coordinates)
    ja, jb, ka, kb = ma[j], mb[j], ma[k], mb[k]  # (pairs of rows, pairs of coordinates)
    det = ja * kb - jb * ka
    # Cramer's rule: the crossing is (kb - jb, ja - ka) / det
    return int(np.count_nonzero(((kb - jb) * det > 0) & ((ja - ka) * det > 0)))


def _exhaustive_pairs(
    P: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]],
    Q: tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]],
    a_pos: NDArray[np.float64],
    b_pos: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """All completely labelled pairs of the (merged) vertices of both polytopes."""
    (xv, xzero, xtight), (yv, yzero, ytight) = P, Q
    m, n = a_pos.shape
    x_idx = np.flatnonzero(~xzero.all(axis=1))
    x_labels = np.concatenate([xzero, xtight], axis=1)[x_idx]
    y_idx = np.flatnonzero(~yzero.all(axis=1))
    y_labels = np.concatenate([ytight, yzero], axis=1)[y_idx]
    pairs = _complete_pairs(x_labels, y_labels, m, n)
    i, j = x_idx[pairs[:, 0]], y_idx[pairs[:, 1]]
    X = np.where(xzero[i], 0.0, xv[i])
    Y = np.where(yzero[j], 0.0, yv[j])
    # degenerate vertices (surplus labels): re-solve from their tight inequalities
    for r in np.flatnonzero(x_labels[pairs[:, 0]].sum(axis=1) > m):
        X[r] = np.where(xzero[i[r]], 0.0, refine_vertex(b_pos.T, xzero[i[r]], xtight[i[r]]))
    for r in np.flatnonzero(y_labels[pairs[:, 1]].sum(axis=1) > n):
        Y[r] = np.where(yzero[j[r]], 0.0, refine_vertex(a_pos, yzero[j[r]], ytight[j[r]]))
    return X, Y


class _Tiny(NamedTuple):
    """Cached index structures of the tiny route for one game shape (read-only arrays)."""

    bases: NDArray[np.intp]  # (S, d): the label rows of each basis, P's bases first
    rhs: NDArray[np.float64]  # (S, d): their right-hand sides
    template: NDArray[np.float64]  # the row table, payoff rows zero
    offset: NDArray[np.float64]  # (S, m + n): right-hand side of each label equation
    sign: NDArray[np.float64]  # (S, m + n): -1 on >= constraints, +1 on <=
    dims: NDArray[np.intp]  # (S,): the dimension of the basis's polytope
    origins: NDArray[np.intp]  # the two bases whose solution is the origin
    n_p: int  # how many bases belong to P


@lru_cache(maxsize=64)
def _tiny_structure(m: int, n: int) -> _Tiny:
    """Index structures of the tiny route for ``m x n`` games (cached).

    Both polytopes live in one row table of ``d = max(m, n)`` columns:
    rows ``0 .. m+n-1`` are ``P``'s labels (``x_i = 0``, then the
    inequalities of ``B'^T``), rows ``m+n .. 2(m+n)-1`` are ``Q``'s (the
    inequalities of ``A'``, then ``y_j = 0``), followed by padding rows
    ``e_k`` that fix the unused coordinates of the smaller polytope to zero.
    A basis of ``P`` is ``m`` of its label rows plus ``P``'s padding rows.
    """
    d = max(m, n)
    labels = m + n
    table = np.zeros((2 * labels + 2 * d - m - n, d))
    rhs = np.zeros(len(table))
    table[np.arange(m), np.arange(m)] = 1.0  # P: x_i = 0
    rhs[m:labels] = 1.0  # P: (B'^T x)_j = 1
    rhs[labels : labels + m] = 1.0  # Q: (A' y)_i = 1
    table[labels + m + np.arange(n), np.arange(n)] = 1.0  # Q: y_j = 0
    pad_p = 2 * labels + np.arange(d - m)  # P's coordinates m .. d-1 are zero
    pad_q = 2 * labels + (d - m) + np.arange(d - n)
    table[pad_p, m + np.arange(d - m)] = 1.0
    table[pad_q, n + np.arange(d - n)] = 1.0
    bases_p = np.array(list(combinations(range(labels), m)), dtype=np.intp).reshape(-1, m)
    bases_q = labels + np.array(
        list(combinations(range(labels), n)), dtype=np.intp
    ).reshape(-1, n)
    n_p = len(bases_p)
    bases = np.concatenate([
        np.concatenate([bases_p, np.broadcast_to(pad_p, (n_p, d - m))], axis=1),
        np.concatenate([bases_q, np.broadcast_to(pad_q, (len(bases_q), d - n))], axis=1),
    ])
    in_p = np.arange(len(bases))[:, None] < n_p
    label_rhs = np.where(in_p, rhs[:labels], rhs[labels : 2 * labels])
    coordinate = np.where(in_p, np.arange(labels) < m, np.arange(labels) >= m)
    out = _Tiny(
        bases=bases,
        rhs=rhs[bases],
        template=table,
        offset=label_rhs,
        sign=np.where(coordinate, -1.0, 1.0),
        dims=np.where(in_p[:, 0], m, n),
        # combinations() starts with P's coordinate labels 0..m-1 and ends
        # with Q's, m..m+n-1
        origins=np.array([0, len(bases) - 1], dtype=np.intp),
        n_p=n_p,
    )
    for array in out[:-1]:
        array.flags.writeable = False
    return out


#: Tiny-route systems up to this size are solved by the adjugate
#: (:func:`_det_adjugate`), larger ones by LAPACK.
_CRAMER_MAX = 3


def _det_adjugate(
    systems: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Determinants and adjugates of a stack of ``1x1``, ``2x2`` or ``3x3`` matrices.

    Closed forms (cofactors as cross products of rows), a dozen elementwise
    NumPy calls for the whole stack, where ``np.linalg.det`` and
    ``np.linalg.solve`` set up one LAPACK call per matrix.  Used only for
    systems that pass the conditioning test of
    :func:`~kurilsim.solvers._polytope.solve_square_systems` (determinant
    above ``1e-8`` times Hadamard's bound, or an acceptable smallest
    singular value), where ``adjugate @ b / det`` is accurate to a few
    units of round-off times the condition number, as an LU solve is.
    """
    d = systems.shape[-1]
    if d == 1:
        return systems[:, 0, 0].copy(), np.ones_like(systems)
    if d == 2:
        a, b, c, e = systems[:, 0, 0], systems[:, 0, 1], systems[:, 1, 0], systems[:, 1, 1]
        adjugate = np.stack((e, -b, -c, a), axis=1).reshape(-1, 2, 2)
        return a * e - b * c, adjugate
    # row k of the cofactor matrix is the cross product of rows k+1 and k+2
    # (indices mod 3): read as views of the matrices repeated twice each way
    twice = np.empty((len(systems), 5, 5))
    twice[:, :3, :3] = systems
    twice[:, 3:, :3] = systems[:, :2]
    twice[:, :, 3:] = twice[:, :, :2]
    cofactors = twice[:, 1:4, 1:4] * twice[:, 2:5, 2:5]
    cofactors -= twice[:, 1:4, 2:5] * twice[:, 2:5, 1:4]
    det = np.add.reduce(systems[:, 0] * cofactors[:, 0], axis=1)
    return det, cofactors.transpose(0, 2, 1)


def _tiny_candidates(
    a_pos: NDArray[np.float64], b_pos: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Completely labelled vertex pairs of a tiny game, both polytopes by bases.

    Every vertex of ``P`` (``Q``) is the solution of ``m`` (``n``) of its
    ``m + n`` label equations; all such square systems of both polytopes
    are solved in one batch (padded to ``max(m, n)``; up to ``3x3`` by
    :func:`_det_adjugate`, else by LAPACK), with the
    singularity test of :func:`~kurilsim.solvers._polytope.solve_square_systems`
    and the feasibility and label tolerances of the ``"bases"`` route.  The
    vertices are then paired exhaustively as in :func:`_exhaustive_pairs`
    (a degenerate vertex, the solution of several bases, is merged by its
    labels and taken from its best conditioned basis), so degenerate games
    get every extreme equilibrium.  Returns unnormalised ``(X, Y)``.
    """
    m, n = a_pos.shape
    labels = m + n
    tiny = _tiny_structure(m, n)
    table = tiny.template.copy()
    table[m:labels, :m] = b_pos.T
    table[labels : labels + m, :n] = a_pos
    systems = table[tiny.bases]
    # Hadamard's bound of every system from the norms of the table's rows
    # (the bound solve_square_systems computes, without a norm per system)
    norms = np.sqrt(np.add.reduce(table * table, axis=1))
    bound = np.multiply.reduce(norms[tiny.bases], axis=1)
    # up to 3x3 determinants and solutions in closed form, without LAPACK's
    # set-up per system (a batched elimination in NumPy was measured slower
    # from 4x4 on)
    small = systems.shape[-1] <= _CRAMER_MAX
    if small:
        det, adjugate = _det_adjugate(systems)
    else:
        det = np.linalg.det(systems)
    quality = np.abs(det)
    ok = quality > 1e-8 * bound
    doubtful = np.flatnonzero(~ok)
    if len(doubtful):  # the test of solve_square_systems for doubtful systems
        sv = np.linalg.svd(systems[doubtful], compute_uv=False)
        ok[doubtful] = sv[:, -1] > _RCOND * sv[:, 0]
        systems[~ok] = np.eye(systems.shape[-1])  # singular: solved as I, discarded
    if small:
        scale = det
        if len(doubtful):  # no division by a tiny determinant: redone below
            scale = det.copy()
            scale[doubtful] = 1.0
        z = np.matmul(adjugate, tiny.rhs[..., None])[..., 0]
        z /= scale[:, None]
        if len(doubtful):
            z[~ok] = 0.0  # singular: discarded
            rescue = doubtful[ok[doubtful]]  # small determinant, yet well conditioned
            if len(rescue):
                z[rescue] = np.linalg.solve(
                    systems[rescue], tiny.rhs[rescue][..., None]
                )[..., 0]
    else:
        z = np.linalg.solve(systems, tiny.rhs[..., None])[..., 0]
    quality /= bound
    n_p = tiny.n_p
    # every label equation's value minus its right-hand side, per basis
    if m == n:  # both polytopes in one batched product
        values = np.matmul(
            z.reshape(2, n_p, m), table[: 2 * labels].reshape(2, labels, m).transpose(0, 2, 1)
        ).reshape(len(z), labels)
    else:
        values = np.concatenate(
            [z[:n_p] @ table[:labels].T, z[n_p:] @ table[labels : 2 * labels].T]
        )
    values -= tiny.offset
    # feasible: coordinates >= -tol, inequalities <= 1 + tol; the origin of
    # each polytope (the basis of all its coordinate labels: no other basis
    # solves to zero) is nobody's partner
    tight = np.abs(values) <= LABEL_TOL
    values *= tiny.sign
    keep = np.maximum.reduce(values, axis=1) <= LABEL_TOL
    keep &= ok
    keep[tiny.origins] = False
    if (np.add.reduce(tight, axis=1, dtype=np.intp)[keep] > tiny.dims[keep]).any():
        # a degenerate vertex is the solution of several bases (each exact
        # for it): keep the best conditioned one
        keys = label_keys(tight) + (np.arange(len(tight)) >= n_p) * 2.0**labels
        found = np.flatnonzero(keep)
        order = found[np.lexsort((-quality[found], keys[found]))]
        _, first = np.unique(keys[order], return_index=True)
        keep[:] = False
        keep[order[first]] = True
    ix = np.flatnonzero(keep[:n_p])
    iy = np.flatnonzero(keep[n_p:]) + n_p
    lx, ly = tight[ix], tight[iy]
    p, q = np.nonzero((lx[:, None, :] | ly[None, :, :]).all(axis=2))
    i, j = ix[p], iy[q]
    X = np.where(tight[i, :m], 0.0, z[i, :m])
    Y = np.where(tight[j, m:], 0.0, z[j, :n])
    return X, Y


def compiled_kernel(*, load: bool = False) -> _Compiled | None:
    """The compiled small-game kernel ``engine="auto"`` uses now, or ``None`` for numpy.

    ``None`` if the environment variable ``KURILSIM_DISABLE_NUMBA`` is set
    (read once, on first use), if numba is not installed or unusable, and,
    unless ``load`` is true, until the process has spent
    :data:`NUMPY_SECONDS_BEFORE_NUMBA` seconds on small games in numpy (or
    the kernel was loaded already).  Loading numba costs a few tenths of a
    second once per process: a script that solves a few games never pays
    it, one that solves many pays it at most once it has spent as much in
    numpy.  ``load=True`` loads it now (as ``engine="numba"`` does).

    Examples
    --------
    >>> kernel = compiled_kernel()
    >>> kernel is None or callable(kernel)
    True
    """
    global _env_disabled
    if _env_disabled is None:
        _env_disabled = numba_disabled()
    if _env_disabled or (
        not load and _loaded is _UNSET and _numpy_seconds < NUMPY_SECONDS_BEFORE_NUMBA
    ):
        return None
    return _load_compiled()


def _load_compiled() -> _Compiled | None:
    """:func:`._vertex_numba.small_game_candidates` compiled, or ``None`` without numba.

    On first use this imports numba and compiles the loop (or loads it from
    numba's on-disk cache) on a 2x2 game; any failure makes the answer
    ``None`` for the rest of the process.
    """
    global _loaded
    if _loaded is _UNSET:
        _loaded = None
        if have_numba():
            try:
                from kurilsim.solvers import _vertex_numba

                if _vertex_numba.HAVE_NUMBA:
                    eye = np.eye(2) + 0.01
                    _vertex_numba.small_game_candidates(eye, eye)
                    _loaded = _vertex_numba.small_game_candidates
            except Exception:  # noqa: BLE001 - any failure: the numpy route instead
                _loaded = None
    return _loaded  # type: ignore[return-value]


def _small_game_kernel(engine: str) -> _Compiled | None:
    """The compiled kernel for a small game under ``engine``, ``None`` for numpy."""
    if engine == "numpy":
        return None
    if engine == "numba":
        compiled = _load_compiled()
        if compiled is None:
            raise InvalidArgumentError(
                "engine='numba' needs the numba package (pip install numba), which "
                "is not installed or cannot be imported; use engine='auto' or 'numpy'"
            )
        return compiled
    return compiled_kernel()


def vertex_candidates(
    A: NDArray[np.float64],
    B: NDArray[np.float64],
    *,
    route: str = "auto",
    engine: Engine = "auto",
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Extreme equilibria of the bimatrix game ``(A, B)`` as two stacked arrays.

    Steps
    -----
    1. Replace ``A`` and ``B`` by positive affine copies ``A'``, ``B'``.
    2. Enumerate the vertices of one of ``P = {x >= 0 : B'^T x <= 1}`` and
       ``Q = {y >= 0 : A' y <= 1}`` with all their labels: label ``i < m``
       of ``x`` means ``x_i = 0``, label ``m + j`` means column ``j`` is a
       best response to ``x``; dually for ``y``.  The lower-dimensional one
       is enumerated; for large square games the one predicted to have
       fewer vertices (:data:`CHOOSE_BASES`); else ``P``.
    3. Solve for each vertex's completely labelled partner in the other
       polytope (:func:`_partners`).  If anything is degenerate, enumerate
       the other polytope too and keep every pair of nonzero vertices whose
       labels cover ``0 .. m+n-1`` (:func:`_complete_pairs`), re-solving
       degenerate vertices from their tight inequalities.
    4. Normalise to probability vectors.

    Games with at most :data:`COMPILED_BASES` label bases per polytope
    or :data:`COMPILED_DIM` strategies per player (up to 7x7) solve every basis of both polytopes in one compiled loop when
    numba is used (``engine``, see :func:`compiled_kernel`), with the
    conditioning test and tolerances of the numpy routes; the route is then
    ``"bases (numba)"``.

    ``engine`` is ``"auto"`` (numba once it pays, see
    :func:`compiled_kernel`), ``"numba"`` (the compiled loop for small
    games; :class:`InvalidArgumentError` without numba) or ``"numpy"``.

    Returns ``(X, Y, route)``: row ``c`` of ``X`` and of ``Y`` is candidate
    ``c`` (to be certified by the caller), and ``route`` names the polytope
    route that ran (``"bases"`` or ``"qhull"``, ``"p/q"`` if they differ).

    Examples
    --------
    Battle of the sexes: two pure equilibria and a mixed one.

    >>> import numpy as np
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
    >>> X, Y, route = vertex_candidates(A, A[::-1, ::-1], engine="numpy")
    >>> route, len(X)
    ('bases', 3)
    """
    global _numpy_seconds
    if engine not in _ENGINES:
        raise InvalidArgumentError(f"engine must be one of {_ENGINES}, got {engine!r:.40}")
    m, n = A.shape
    bases = comb(m + n, m)
    small = bases <= COMPILED_BASES or max(m, n) <= COMPILED_DIM
    if route == "auto" and small and m + n <= 62:
        compiled = _small_game_kernel(engine)
        if compiled is not None:  # (it makes the payoffs positive itself)
            # writable C-contiguous copies: one compiled signature for every caller
            X, Y = compiled(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64))
            return X, Y, "bases (numba)"
    a_pos, b_pos = positive_scaled(A), positive_scaled(B)
    if route == "auto" and bases <= TINY_BASES:
        start = time.perf_counter()
        X, Y = _tiny_candidates(a_pos, b_pos)
        X /= X.sum(axis=1, keepdims=True)
        Y /= Y.sum(axis=1, keepdims=True)
        if engine == "auto" and _loaded is _UNSET:
            _numpy_seconds += time.perf_counter() - start
        return X, Y, "bases"
    start = time.perf_counter()
    if m != n or comb(m + n, m) < CHOOSE_BASES:
        swap = m > n  # enumerate Q (dimension n) rather than P (dimension m)
    else:  # enumerate the polytope with fewer vertices, as far as one can tell
        swap = _crossings(a_pos) < _crossings(b_pos.T)
    first, second = (a_pos, b_pos.T) if swap else (b_pos.T, a_pos)
    verts, used = raw_polytope_vertices(first, route=route)
    zero, tight = vertex_labels(first, verts)
    found = _partners(second, zero, tight)
    if found is not None:
        index, W = found
        Z = np.where(zero[index], 0.0, verts[index])
        X, Y = (W, Z) if swap else (Z, W)
    else:
        one = merge_duplicates(verts, zero, tight)
        ov, oz, ot, other_route = polytope_vertices(second, route=route)
        two = (ov, oz, ot)
        if swap:
            X, Y = _exhaustive_pairs(two, one, a_pos, b_pos)
            used = used if used == other_route else f"{other_route}/{used}"
        else:
            X, Y = _exhaustive_pairs(one, two, a_pos, b_pos)
            used = used if used == other_route else f"{used}/{other_route}"
    X /= X.sum(axis=1, keepdims=True)
    Y /= Y.sum(axis=1, keepdims=True)
    if engine == "auto" and _loaded is _UNSET and small:
        _numpy_seconds += time.perf_counter() - start
    return X, Y, used


def vertex_enumeration_kernel(
    A: NDArray[np.float64], B: NDArray[np.float64], *, route: str = "auto"
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], str]:
    """Extreme equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    :func:`vertex_candidates` with the candidates as a list of ``(x, y)``
    pairs.  Returns the candidate pairs (to be certified by the caller) and
    the polytope route that ran (``"bases"`` or ``"qhull"``).
    """
    X, Y, used = vertex_candidates(A, B, route=route)
    return list(zip(X, Y, strict=True)), used
