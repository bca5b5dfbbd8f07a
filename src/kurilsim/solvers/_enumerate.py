"""All equilibria of small n-player games: support enumeration, then elimination or
certified subdivision.

The game is first reduced (:mod:`kurilsim.solvers._reduce`: duplicate
strategies merged, strictly dominated ones removed, iterated); its equilibria
are mapped back at the end, each duplicate class's weight on each member in
turn.  Support profiles are pruned by conditional weak dominance and grouped
by their sizes.  Profiles where two or three players mix (or four, each over
two strategies) are solved in batches by elimination to one polynomial, and
the others where three or more players mix (such as the full-support profile
of a 4x4x4 game) by polynomial homotopy continuation
(:mod:`kurilsim.solvers._algebraic`).  A profile whose elimination or
homotopy is singular (a non-generic game) is solved by certified
subdivision, below, with a small budget: its solutions are usually not
isolated, and subdivision only samples them.  Profiles in which a mixing
player earns the same from all its support strategies against all of the
others' (in an extensive game: its moves are not reached) are not sampled at
all, nor are singular profiles once all of them together have used
``_SINGULAR_TOTAL`` boxes; each such profile makes the result incomplete.

For each support profile ``S = (S_1, ..., S_n)`` the equilibria with those
supports solve a square polynomial system in the free coordinates
``z_{i,a} = sigma_i(S_i[a])`` (``a >= 1``; ``sigma_i(S_i[0]) = 1 - sum_a z_{i,a}``):

    F_{i,a}(z) = u_i(S_i[a], sigma_-i) - u_i(S_i[0], sigma_-i) = 0,

subject to ``sigma >= 0`` and ``u_i(t, sigma_-i) <= u_i(S_i[0], sigma_-i)`` for
``t`` outside ``S_i``.  Each ``F`` and each constraint is *multilinear in the
coordinates* (a monomial holds at most one coordinate of each player), so its
exact range over a box is the range of its values at the box's vertices.  That
makes the classical subdivision method rigorous without interval
over-estimation:

1. a box is **excluded** when some equation has one strict sign at all its
   vertices, or some constraint is violated at all of them;
2. a box is **certified** to hold exactly one root when the Krawczyk operator
   maps it into its interior (Krawczyk 1969; Moore 1977) — the interval
   Jacobian is again exact, from vertex values — and Newton's method from its
   centre then converges to that root;
3. any other box is bisected along its widest side.

Every root lies in a box that is never excluded, so when the process ends with
every box excluded or certified, all roots were found.  That happens for every
game whose roots are nonsingular (generic games); otherwise the depth limit
stops it and the result is reported incomplete.  Gambit's ``enumpoly`` uses the
same decomposition (support profiles, then a polynomial solver on a box).
``enumerate_kernel(game, route="subdivision")`` subdivides every profile, an
independent route the tests compare with elimination.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.normal_form import NormalFormGame
from kurilsim.solvers._algebraic import (
    count_start_paths,
    solve_by_homotopy,
    solve_four_binary,
    solve_three_mixing,
    solve_two_mixing,
)
from kurilsim.solvers._reduce import DUPLICATE_TOL, reduce_game

__all__ = ["EnumerationOutput", "enumerate_kernel", "reduced_shape"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MARGIN = 1.0 / 1021.0
_SPLIT = 0.4937
_EXCLUDE_TOL = 1e-12
_NEWTON_WIDTH = 0.3
# Strategies dominated by less than this (payoffs normalised to [0, 1]) are
# kept: they may carry equilibria certified within the default tolerance.
_DOMINANCE_MARGIN = 1e-9
# Boxes subdivision may spend on a support system whose elimination is
# singular: its solutions are not isolated (a degenerate game), so subdivision
# cannot resolve it either and only samples points for certification.
_SINGULAR_BUDGET = 1_000
# Boxes all singular systems of one game may take together; beyond, they are
# reported unresolved without sampling (a degenerate game can have hundreds).
_SINGULAR_TOTAL = 1_500
# Support profiles whose homotopy would track more paths than this (per
# profile) are subdivided instead.
_MAX_PATHS = 2_000


@dataclass(frozen=True, slots=True)
class EnumerationOutput:
    """Candidates and bookkeeping of :func:`enumerate_kernel`.

    ``candidates[i]`` holds player ``i``'s strategy in every candidate (one
    row each); ``n_subdivided`` counts the support profiles solved by
    subdivision and ``n_boxes`` the boxes they took.
    """

    candidates: tuple[NDArray[np.float64], ...]
    n_supports: int
    n_pruned: int
    n_boxes: int
    n_subdivided: int
    unresolved: list[str]
    n_duplicates: int = 0
    n_dominated: int = 0


def _box_vertices(lo: NDArray[np.float64], hi: NDArray[np.float64]) -> NDArray[np.float64]:
    """Probability vectors at the vertices of a block box.

    ``lo``, ``hi`` have shape ``(B, k - 1)``; returns ``(B, 2**(k-1), k)`` with
    coordinate 0 equal to one minus the others.
    """
    _nb, d = lo.shape
    corners = np.array(list(itertools.product((0, 1), repeat=d)), dtype=bool).reshape(2**d, d)
    z = np.where(corners[None, :, :], hi[:, None, :], lo[:, None, :])
    return np.concatenate([1.0 - z.sum(axis=2, keepdims=True), z], axis=2)


def _centre(lo: NDArray[np.float64], hi: NDArray[np.float64]) -> NDArray[np.float64]:
    z = 0.5 * (lo + hi)
    return np.concatenate([1.0 - z.sum(axis=1, keepdims=True), z], axis=1)[:, None, :]


def _contract(
    tensor: NDArray[np.float64], own: int, blocks: dict[int, NDArray[np.float64]]
) -> NDArray[np.float64]:
    """Contract ``tensor`` (one axis per player) with a batch of vectors per player.

    ``blocks[j]`` has shape ``(B, p_j, k_j)``; player ``own``'s axis is kept.
    Returns shape ``(B, k_own, prod p_j)``.  The other players' axes are
    contracted one at a time (two-operand einsums, no path search).
    """
    others = [j for j in range(tensor.ndim) if j != own]
    if not others:
        return tensor[None, :, None]
    work = np.moveaxis(tensor, own, 0)  # (m, k_1, ..., k_r)
    first = blocks[others[0]]
    work = np.einsum("mk...,bpk->bmp...", work, first)  # (B, m, p, k_2, ...)
    for j in others[1:]:
        b, m, p = work.shape[:3]
        work = np.einsum("bmPk...,bqk->bmPq...", work, blocks[j])
        work = work.reshape(b, m, p * blocks[j].shape[1], *work.shape[4:])
    return np.asarray(work, dtype=np.float64)


class _SupportSystem:
    """The polynomial system of one support profile, evaluated on batches of boxes."""

    def __init__(self, payoffs: tuple[NDArray[np.float64], ...], supports: tuple[NDArray[np.intp], ...]):
        self.n = len(payoffs)
        self.supports = supports
        self.k = [len(s) for s in supports]
        self.dims = [k - 1 for k in self.k]
        self.offsets = np.concatenate([[0], np.cumsum(self.dims)]).astype(int)
        self.N = int(self.offsets[-1])
        # Player i's payoffs: own axis over all strategies, others over supports.
        self.tensors = []
        for i in range(self.n):
            index = tuple(
                np.arange(payoffs[i].shape[j]) if j == i else supports[j] for j in range(self.n)
            )
            self.tensors.append(payoffs[i][np.ix_(*index)])
        self._diff = []
        for k in self.k:
            diff = np.zeros((k - 1, k))
            diff[:, 0] = -1.0
            diff[np.arange(k - 1), np.arange(1, k)] = 1.0
            self._diff.append(diff)
        self.outside = [
            np.setdiff1d(np.arange(payoffs[i].shape[i]), supports[i]) for i in range(self.n)
        ]

    def split(self, z: NDArray[np.float64]) -> list[NDArray[np.float64]]:
        return [z[:, self.offsets[i] : self.offsets[i + 1]] for i in range(self.n)]

    def ranges(
        self, lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> NDArray[np.bool_]:
        """Whether each box ``[lo, hi]`` (shape ``(B, N)``) provably holds no
        solution (exact ranges from vertex values)."""
        lo_b, hi_b = self.split(lo), self.split(hi)
        verts = {j: _box_vertices(lo_b[j], hi_b[j]) for j in range(self.n)}
        excluded = np.zeros(len(lo), dtype=bool)
        for i in range(self.n):
            if self.dims[i]:  # sigma_i(S_i[0]) = 1 - sum z_i must be >= 0 somewhere
                excluded |= lo_b[i].sum(axis=1) > 1.0 + 1e-12
            vals = _contract(self.tensors[i], i, verts)  # (B, m_i, P)
            base = vals[:, self.supports[i][0], :]  # (B, P)
            diff_in = vals[:, self.supports[i][1:], :] - base[:, None, :]
            # Exclude only on a margin beyond round-off: a root where a
            # constraint is exactly tight must never be lost to rounding.
            if diff_in.shape[1]:
                excluded |= np.any(diff_in.min(axis=2) > _EXCLUDE_TOL, axis=1)
                excluded |= np.any(diff_in.max(axis=2) < -_EXCLUDE_TOL, axis=1)
            if len(self.outside[i]):
                diff_out = vals[:, self.outside[i], :] - base[:, None, :]
                excluded |= np.any(diff_out.min(axis=2) > _EXCLUDE_TOL, axis=1)
        return excluded

    def _jacobian_range(
        self, verts: dict[int, NDArray[np.float64]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Componentwise min and max of the Jacobian of F over vertex sets.

        ``verts[j]`` holds the probability vectors of player ``j`` at the
        vertices of each box's block (shape ``(B, p_j, k_j)``; ``p_j = 1`` for
        a point).  Entry ``dF_{i,a} / dz_{j,b}`` is F with ``sigma_j``
        replaced by ``e_b - e_0``: multilinear in the remaining blocks, so its
        range is attained at their vertices.
        """
        B = next(iter(verts.values())).shape[0]
        jlo = np.zeros((B, self.N, self.N))
        jhi = np.zeros((B, self.N, self.N))
        for i in range(self.n):
            if self.dims[i] == 0:
                continue
            rows = slice(self.offsets[i], self.offsets[i + 1])
            others = [o for o in range(self.n) if o != i]
            for j in others:
                if self.dims[j] == 0:
                    continue
                blocks = dict(verts)
                blocks[j] = np.broadcast_to(self._diff[j], (B, *self._diff[j].shape))
                vals = _contract(self.tensors[i], i, blocks)  # (B, m_i, prod p)
                p_sizes = [blocks[o].shape[1] for o in others]
                vals = vals.reshape(B, vals.shape[1], *p_sizes)
                vals = np.moveaxis(vals, 2 + others.index(j), 2)
                vals = vals.reshape(B, vals.shape[1], self.dims[j], -1)
                sup = self.supports[i]
                dv = vals[:, sup[1:], :, :] - vals[:, sup[:1], :, :]  # (B, d_i, d_j, P')
                cols = slice(self.offsets[j], self.offsets[j + 1])
                jlo[:, rows, cols] = dv.min(axis=3)
                jhi[:, rows, cols] = dv.max(axis=3)
        return jlo, jhi

    def _interval_jacobian(
        self, lo: NDArray[np.float64], hi: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Exact componentwise bounds of the Jacobian of F over each box."""
        lo_b, hi_b = self.split(lo), self.split(hi)
        return self._jacobian_range({j: _box_vertices(lo_b[j], hi_b[j]) for j in range(self.n)})

    def value_and_jacobian(
        self, z: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """F and its Jacobian at points ``z`` (shape ``(B, N)``)."""
        zb = self.split(z)
        point = {j: _centre(zb[j], zb[j]) for j in range(self.n)}
        jac, _ = self._jacobian_range(point)
        F = np.zeros((len(z), self.N))
        for i in range(self.n):
            if self.dims[i] == 0:
                continue
            vals = _contract(self.tensors[i], i, point)[:, :, 0]
            sup = self.supports[i]
            F[:, self.offsets[i] : self.offsets[i + 1]] = vals[:, sup[1:]] - vals[:, sup[:1]]
        return F, jac

    def profile(self, z: NDArray[np.float64], shape: tuple[int, ...]) -> tuple[NDArray[np.float64], ...]:
        out = []
        for i, block in enumerate(self.split(z[None, :])):
            sigma = np.zeros(shape[i])
            sigma[self.supports[i]] = np.concatenate([[1.0 - block[0].sum()], block[0]])
            out.append(sigma)
        return tuple(out)


def _krawczyk(
    system: _SupportSystem, c: NDArray[np.float64], r: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Krawczyk test on the boxes ``[c - r, c + r]`` (batched).

    Returns ``(unique, empty)``: ``unique[b]`` proves box ``b`` holds exactly
    one root of F (the Krawczyk image lies in its interior), ``empty[b]``
    proves it holds none (the image misses the box).  The interval Jacobian
    is exact (vertex values of multilinear entries).
    """
    F, Jc = system.value_and_jacobian(c)
    jlo, jhi = system._interval_jacobian(c - r, c + r)
    det_ok = np.abs(np.linalg.det(Jc)) > 1e-300
    Y = np.zeros_like(Jc)
    if det_ok.any():
        Y[det_ok] = np.linalg.inv(Jc[det_ok])
    jm, jr = 0.5 * (jlo + jhi), 0.5 * (jhi - jlo)
    M = np.abs(np.eye(system.N) - Y @ jm) + np.abs(Y) @ jr
    step = np.abs(np.einsum("bij,bj->bi", Y, F))
    spread = np.einsum("bij,bj->bi", M, r)
    slack = 1e-12 * (1.0 + np.abs(c))
    unique = det_ok & np.all(step + spread < r - slack, axis=1)
    empty = det_ok & np.any(step - spread > r + slack, axis=1)
    return unique, empty


def _batched_newton(
    system: _SupportSystem, z: NDArray[np.float64], iters: int = 12
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Newton's method from many starts at once; returns (points, converged)."""
    z = z.copy()
    converged = np.zeros(len(z), dtype=bool)
    for _ in range(iters):
        F, J = system.value_and_jacobian(np.nan_to_num(z))
        with np.errstate(all="ignore"):
            ok = np.all(np.isfinite(z), axis=1) & (np.abs(np.linalg.det(J)) > 1e-300)
        step = np.zeros_like(z)
        if ok.any():
            step[ok] = np.linalg.solve(J[ok], F[ok][..., None])[..., 0]
        z = np.where(ok[:, None], z - step, np.nan)
        converged = ok & np.all(np.abs(step) <= 1e-14 * (1.0 + np.abs(z)), axis=1)
        if converged.all() or not np.isfinite(z).any():
            break
    return z, converged & np.all(np.isfinite(z), axis=1)


def _solve_support(
    system: _SupportSystem, *, max_depth: int, max_boxes: int, budget: int | None = None
) -> tuple[list[NDArray[np.float64]], int, bool]:
    """Roots of one support system in ``[0, 1]^N``; returns (roots, boxes, resolved).

    Stops unresolved after ``max_depth`` levels, with more than ``max_boxes``
    live boxes, or after examining more than ``budget`` boxes in all.

    Each level: exclude boxes by exact ranges; certify boxes by the Krawczyk
    test centred at the box, or centred at the root Newton's method finds
    from the box's centre (a box around a root, wide enough to contain the
    whole original box, passes far sooner than one centred elsewhere);
    bisect the rest.
    """
    N = system.N
    # The box reaches slightly beyond [0, 1] and is split off-centre, so that
    # roots at "round" probabilities (0, 1/2, 1/4, ...) never lie on a box face,
    # where the Krawczyk test (which needs the root in the interior) would fail.
    lo = np.full((1, N), -_MARGIN)
    hi = np.full((1, N), 1.0 + _MARGIN)
    roots: list[NDArray[np.float64]] = []
    n_boxes = 0
    for _ in range(max_depth):
        if budget is not None and n_boxes + len(lo) > budget:
            break
        n_boxes += len(lo)
        excluded = system.ranges(lo, hi)
        lo, hi = lo[~excluded], hi[~excluded]
        if not len(lo):
            return roots, n_boxes, True
        c, r = 0.5 * (lo + hi), 0.5 * (hi - lo)
        unique, empty = _krawczyk(system, c, r)
        if unique.any():
            z, converged = _batched_newton(system, c[unique])
            roots.extend(z[converged])
        rest = ~(unique | empty)
        # Root-centred test on small boxes: Newton from the centre; if it
        # lands in the box, the box [z - R, z + R] around the root contains
        # [lo, hi], and passes the Krawczyk test far sooner.
        small = rest & (np.max(hi - lo, axis=1) <= _NEWTON_WIDTH)
        if small.any():
            idx = np.flatnonzero(small)
            z, converged = _batched_newton(system, c[idx], iters=8)
            tol = 1e-9 * (hi[idx] - lo[idx])
            inside = converged & np.all((z >= lo[idx] - tol) & (z <= hi[idx] + tol), axis=1)
            idx, z = idx[inside], z[inside]
            if len(idx):
                R = np.maximum(z - lo[idx], hi[idx] - z) * (1.0 + 1e-6) + 1e-12
                ok, _ = _krawczyk(system, z, R)
                roots.extend(z[ok])
                rest[idx[ok]] = False
        lo, hi = lo[rest], hi[rest]
        if not len(lo):
            return roots, n_boxes, True
        if len(lo) > max_boxes:
            break
        # bisect along the widest side
        widest = np.argmax(hi - lo, axis=1)
        rows = np.arange(len(lo))
        mid = lo[rows, widest] + _SPLIT * (hi[rows, widest] - lo[rows, widest])
        lo2, hi2 = lo.copy(), hi.copy()
        hi[rows, widest] = mid
        lo2[rows, widest] = mid
        lo, hi = np.concatenate([lo, lo2]), np.concatenate([hi, hi2])
    # unresolved boxes: try Newton from their centres, report incompleteness
    z, converged = _batched_newton(system, 0.5 * (lo[:256] + hi[:256]))
    roots.extend(z[converged])
    return roots, n_boxes, False


def enumerate_kernel(
    game: NormalFormGame,
    *,
    route: str = "algebraic",
    max_depth: int = 60,
    max_boxes: int = 20_000,
    reduce: bool = True,
) -> EnumerationOutput:
    """Candidate equilibria of ``game`` from every support profile.

    Steps
    -----
    1. Reduce the game (:func:`kurilsim.solvers._reduce.reduce_game`):
       merge duplicate strategies and remove strictly dominated ones,
       iterated.  ``reduce=False`` removes only the dominated ones (the
       engine before duplicates were merged; the tests compare the two).
    2. Drop every support profile in which some support strategy is weakly
       dominated, on the others' supports, by another strategy of the same
       player: never better, and better by more than a margin against some
       profile of the others' supports (one matrix product per player for
       all profiles; why this loses no equilibrium: :mod:`._reduce`).
    3. Group the remaining profiles by their support sizes and solve each
       group in one batch: pure profiles by a best-reply check; profiles
       with two or three mixing players by elimination, more mixing players
       by polynomial homotopy (:mod:`kurilsim.solvers._algebraic`); any
       profile whose elimination or homotopy is singular by certified
       subdivision (module docstring).  ``route="subdivision"`` subdivides
       every profile (an independent cross-check).
    4. Map roots back to full profiles of the reduced game, then to the
       original game: each duplicate class's weight on each of its members
       in turn (the caller certifies them).

    Examples
    --------
    A 2x2x2 game with a duplicated strategy: its equilibria are those of the
    game without it, with the duplicate's weight on either copy.

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> rng = np.random.default_rng(0)
    >>> base = [rng.standard_normal((2, 2, 2)) for _ in range(3)]
    >>> copied = [np.concatenate([u, u[:1]], axis=0) for u in base]
    >>> out = enumerate_kernel(NormalFormGame(copied))
    >>> out.n_duplicates, out.candidates[0].shape[1]
    (1, 3)
    """
    if route not in ("algebraic", "subdivision"):
        raise ValueError(f"route must be 'algebraic' or 'subdivision', got {route!r}")
    payoffs = tuple(np.asarray(p, dtype=np.float64) for p in game.payoffs)
    scale = game.payoff_ranges
    # Payoffs in [0, 1] per player, so that the exclusion tolerance below means
    # the same for every game (positive affine maps change no equilibrium).
    payoffs = tuple((p - p.min()) / s for p, s in zip(payoffs, scale, strict=True))
    reduced = reduce_game(
        payoffs, margin=_DOMINANCE_MARGIN, duplicate_tol=DUPLICATE_TOL if reduce else None
    )
    found = _enumerate_reduced(
        reduced.payoffs, route=route, max_depth=max_depth, max_boxes=max_boxes
    )
    return EnumerationOutput(
        reduced.expand(found.candidates),
        found.n_supports,
        found.n_pruned,
        found.n_boxes,
        found.n_subdivided,
        found.unresolved,
        reduced.n_duplicates,
        reduced.n_dominated,
    )


def reduced_shape(game: NormalFormGame, *, max_cells: int = 200_000) -> tuple[int, ...]:
    """The shape of the game :func:`enumerate_kernel` enumerates: duplicate
    strategies merged and strictly dominated ones removed (step 1).

    Games of more than ``max_cells`` pure profiles keep their shape (the
    reduction would itself take long there); cost estimates use this.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> u = np.zeros((4, 2, 2))
    >>> u[:, 0, 0] = 1.0  # player 0's four strategies are all alike
    >>> reduced_shape(NormalFormGame([u, u, u]))
    (1, 2, 2)
    """
    if int(np.prod(game.shape)) > max_cells:
        return tuple(game.shape)
    payoffs = tuple(
        (np.asarray(p, dtype=np.float64) - np.min(p)) / s
        for p, s in zip(game.payoffs, game.payoff_ranges, strict=True)
    )
    reduced = reduce_game(payoffs, margin=_DOMINANCE_MARGIN)
    return tuple(int(m) for m in reduced.payoffs[0].shape)


def _enumerate_reduced(
    payoffs: tuple[NDArray[np.float64], ...], *, route: str, max_depth: int, max_boxes: int
) -> EnumerationOutput:
    """Steps 2-4 of :func:`enumerate_kernel` on normalised payoffs."""
    shape = tuple(int(m) for m in payoffs[0].shape)
    n = len(payoffs)
    support_lists = [
        [np.array(c, dtype=np.intp) for k in range(1, m + 1) for c in itertools.combinations(range(m), k)]
        for m in shape
    ]
    masks = []
    for i in range(n):
        mask = np.zeros((len(support_lists[i]), shape[i]), dtype=bool)
        for row, support in enumerate(support_lists[i]):
            mask[row, support] = True
        masks.append(mask)
    keep = _unpruned(payoffs, masks)
    profiles = np.argwhere(keep)
    blocks: list[list[NDArray[np.float64]]] = [[] for _ in range(n)]
    unresolved: list[str] = []
    n_boxes = 0
    # (supports, box budget): full effort for profiles no solver covers, a
    # small one where elimination or homotopy found a singular system (a
    # continuum of solutions, which subdivision cannot resolve either; it
    # only samples it)
    fallback: list[tuple[tuple[NDArray[np.intp], ...], int]] = []
    full = max_depth * max_boxes
    support_sizes = [m.sum(axis=1) for m in masks]
    sizes = np.stack([support_sizes[i][profiles[:, i]] for i in range(n)], axis=1).reshape(-1, n)
    groups = np.unique(sizes, axis=0) if len(profiles) else np.zeros((0, n), dtype=np.intp)
    buckets: dict[tuple[int, ...], list[_Job]] = {}
    for ks in groups:
        rows = profiles[np.all(sizes == ks, axis=1)]
        idx = [np.stack([support_lists[i][r] for r in rows[:, i]]) for i in range(n)]
        if route == "subdivision":
            fallback.extend((sup, full) for sup in zip(*idx, strict=True))
            continue
        job = _job(payoffs, idx)
        buckets.setdefault(job.key, []).append(job)
    for jobs in buckets.values():
        for job, owner, mixtures, degenerate, covered in _solve_bucket(payoffs, jobs):
            if len(owner):
                for i, block in enumerate(_full_blocks(payoffs, job, owner, mixtures)):
                    blocks[i].append(block)
            budget = _SINGULAR_BUDGET if covered else full
            fallback.extend(
                (tuple(s[b] for s in job.idx), budget) for b in np.flatnonzero(degenerate)
            )
    singular_boxes = 0
    for supports, budget in fallback:
        if budget == _SINGULAR_BUDGET and (
            singular_boxes >= _SINGULAR_TOTAL or _indifferent_player(payoffs, supports)
        ):
            # non-isolated by structure (a player's own payoffs do not depend
            # on its support strategies: in an extensive game, its moves are
            # not reached), or the sampling budget is spent: subdivision
            # would only sample a continuum
            unresolved.append(str(tuple(s.tolist() for s in supports)))
            continue
        system = _SupportSystem(payoffs, supports)
        if system.N == 0:
            if not system.ranges(np.zeros((1, 0)), np.zeros((1, 0)))[0]:
                _append(blocks, system.profile(np.zeros(0), shape))
            continue
        roots, boxes, resolved = _solve_support(
            system, max_depth=max_depth, max_boxes=max_boxes, budget=budget
        )
        n_boxes += boxes
        if budget == _SINGULAR_BUDGET:
            singular_boxes += boxes
        if not resolved:
            unresolved.append(str(tuple(s.tolist() for s in supports)))
        for root in roots:
            _append(blocks, system.profile(root, shape))
    candidates = tuple(
        np.concatenate(b) if b else np.zeros((0, m)) for b, m in zip(blocks, shape, strict=True)
    )
    return EnumerationOutput(
        candidates, keep.size, keep.size - len(profiles), n_boxes, len(fallback), unresolved
    )


def _indifferent_player(
    payoffs: tuple[NDArray[np.float64], ...], supports: tuple[NDArray[np.intp], ...]
) -> bool:
    """Whether some player mixing in ``supports`` earns, against every
    profile of the others' supports, the same from each of its support
    strategies (its indifference equations vanish identically, so any
    solution of the support system lies on a continuum)."""
    for i, support in enumerate(supports):
        if len(support) < 2:
            continue
        block = payoffs[i][np.ix_(*supports)]
        spread = block.max(axis=i) - block.min(axis=i)
        if np.all(spread <= _EXCLUDE_TOL):
            return True
    return False


def _append(blocks: list[list[NDArray[np.float64]]], profile: tuple[NDArray[np.float64], ...]) -> None:
    for block, sigma in zip(blocks, profile, strict=True):
        block.append(sigma[None, :])


def _unpruned(payoffs: tuple[NDArray[np.float64], ...], masks: list[NDArray[np.bool_]]) -> NDArray[np.bool_]:
    """Support profiles (one axis per player, indexing ``masks[i]``) in which
    no support strategy is weakly dominated, on the others' supports, by
    another strategy of the same player.

    Strategy ``a'`` dominates ``a`` on a set of the others' pure profiles when
    it is never worse there (compared exactly) and better by the margin at
    one of them at least.  In an equilibrium whose supports are exactly the
    profile's, every such pure profile of the others has positive
    probability, so ``a`` would earn strictly less than ``a'``: no
    equilibrium is lost (:mod:`kurilsim.solvers._reduce`).  For all sets at
    once: count the profiles in each set where ``a'`` is worse, and where it
    is better by the margin (two matrix products), and look for a zero and
    a nonzero count.
    """
    n = len(payoffs)
    keep = np.ones(tuple(len(m) for m in masks), dtype=bool)
    for i in range(n):
        U = np.moveaxis(payoffs[i], i, 0).reshape(payoffs[i].shape[i], -1)
        m = U.shape[0]
        worse = U[:, None, :] < U[None, :, :]  # [a', a, s]
        better = U[:, None, :] > U[None, :, :] + _DOMINANCE_MARGIN
        others = [masks[j] for j in range(n) if j != i]
        sets = others[0].astype(np.float64) if others else np.ones((1, 1))
        for extra in others[1:]:  # indicator of the product set, others in player order
            sets = (sets[:, None, :, None] * extra[None, :, None, :]).reshape(
                sets.shape[0] * extra.shape[0], -1
            )
        n_worse = sets @ worse.reshape(m * m, -1).T.astype(np.float64)  # (sets, m*m)
        n_better = sets @ better.reshape(m * m, -1).T.astype(np.float64)
        dominated = np.any(((n_worse == 0) & (n_better > 0)).reshape(-1, m, m), axis=1)  # (sets, m)
        clash = dominated.astype(np.float64) @ masks[i].T.astype(np.float64)  # (sets, n_i)
        shape = [len(masks[j]) for j in range(n) if j != i] + [len(masks[i])]
        keep &= np.moveaxis(clash.reshape(shape) == 0, -1, i)
    return keep


def _gather(U: NDArray[np.float64], idx: list[NDArray[np.intp]]) -> NDArray[np.float64]:
    """``U`` on each profile's supports: ``(B, k_0, ..., k_{n-1})``."""
    n = len(idx)
    parts = []
    for j, a in enumerate(idx):
        shape = [a.shape[0]] + [1] * n
        shape[1 + j] = a.shape[1]
        parts.append(a.reshape(shape))
    return np.asarray(U[tuple(parts)], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Job:
    """A batch of support profiles with equal sizes, ready for one solver.

    ``roles`` are the mixing players in the order the solver expects
    (:func:`solve_two_mixing`: ``p, q``; :func:`solve_three_mixing`:
    ``p, q, h``), ``tensors`` their payoffs on the supports in that axis
    order (empty when no elimination applies), and ``key`` the bucket of
    jobs that can be solved together.
    """

    key: tuple[int, ...]
    idx: list[NDArray[np.intp]]
    roles: tuple[int, ...]
    tensors: tuple[NDArray[np.float64], ...]


def _job(payoffs: tuple[NDArray[np.float64], ...], idx: list[NDArray[np.intp]]) -> _Job:
    """Roles and role-ordered payoff tensors of a batch of support profiles."""
    n = len(payoffs)
    B = idx[0].shape[0]
    ks = [a.shape[1] for a in idx]
    mixing = [j for j in range(n) if ks[j] >= 2]
    if len(mixing) == 2:
        roles: tuple[int, ...] = tuple(sorted(mixing, key=lambda j: ks[j]))
    elif len(mixing) == 3:
        h = min(reversed(mixing), key=lambda j: ks[j])  # smallest support, last on ties
        p, q = sorted((j for j in mixing if j != h), key=lambda j: ks[j])
        roles = (p, q, h)
    else:
        roles = tuple(mixing)
    elimination = len(mixing) == 2 or (len(mixing) == 4 and all(ks[j] == 2 for j in mixing))
    if len(mixing) == 3:
        p, q, h = roles
        # elimination covers h over two strategies, or three with |k_p - k_q| <= 1
        elimination = ks[h] == 2 or (ks[h] == 3 and ks[q] - ks[p] <= 1)
    homotopy = (
        not elimination
        and len(mixing) >= 3
        and count_start_paths(tuple(ks[j] - 1 for j in mixing)) <= _MAX_PATHS
    )
    if homotopy:
        roles = tuple(mixing)
        tensors = tuple(_gather(payoffs[r], idx).reshape(B, *(ks[j] for j in mixing)) for r in roles)
        key: tuple[int, ...] = (2, *(ks[r] for r in roles))
    elif elimination:
        axes = (0, *(1 + mixing.index(r) for r in roles))
        tensors = tuple(
            np.transpose(_gather(payoffs[r], idx).reshape(B, *(ks[j] for j in mixing)), axes)
            for r in roles
        )
        key = (1, *(ks[r] for r in roles))  # same role sizes: one batch
    else:  # solved on its own (a job holds all profiles of its support sizes)
        tensors = ()
        key = (0, *ks)
    return _Job(key, idx, roles, tensors)


def _solve_bucket(
    payoffs: tuple[NDArray[np.float64], ...], jobs: list[_Job]
) -> list[tuple[_Job, NDArray[np.intp], tuple[NDArray[np.float64], ...], NDArray[np.bool_], bool]]:
    """Solve jobs with equal keys in one batch; per job ``(job, owner,
    mixtures, degenerate, covered)``: candidate rows, the roles' mixtures,
    the profiles left to subdivision, and whether elimination covers the
    job's sizes (if so, its degenerate profiles are singular systems)."""
    n = len(payoffs)
    m = len(jobs[0].roles)
    if jobs[0].tensors:
        tensors = tuple(np.concatenate([job.tensors[r] for job in jobs]) for r in range(m))
        out = (
            solve_by_homotopy(tensors) if jobs[0].key[0] == 2
            else solve_two_mixing(*tensors) if m == 2
            else solve_three_mixing(*tensors) if m == 3
            else solve_four_binary(*tensors)
        )
        sizes = [job.idx[0].shape[0] for job in jobs]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        if out is None:
            return [(job, np.zeros(0, dtype=np.intp), (), np.ones(size, dtype=bool), False)
                    for job, size in zip(jobs, sizes, strict=True)]
        which = np.searchsorted(offsets, out.owner, side="right") - 1
        results = []
        for j, job in enumerate(jobs):
            mine = which == j
            results.append((
                job,
                out.owner[mine] - offsets[j],
                tuple(mix[mine] for mix in out.mixtures),
                out.degenerate[offsets[j] : offsets[j + 1]],
                True,
            ))
        return results
    (job,) = jobs
    idx = job.idx
    B = idx[0].shape[0]
    if m == 0:  # pure profiles: keep those where everyone best-replies
        ok = np.ones(B, dtype=bool)
        for i in range(n):
            own_last = np.moveaxis(payoffs[i], i, -1)
            vals = np.broadcast_to(  # (B, m_i); a one-player game has no others to index by
                own_last[tuple(idx[j][:, 0] for j in range(n) if j != i)], (B, own_last.shape[-1])
            )
            ok &= vals[np.arange(B), idx[i][:, 0]] >= vals.max(axis=1) - _DOMINANCE_MARGIN
        return [(job, np.flatnonzero(ok), (), np.zeros(B, dtype=bool), True)]
    if m == 1:  # one mixer facing pure strategies: generically no solution
        (i,) = job.roles
        T = _gather(payoffs[i], idx).reshape(B, idx[i].shape[1])
        degenerate = np.abs(T[:, 1:] - T[:, :1]).max(axis=1) <= _EXCLUDE_TOL
        return [(job, np.zeros(0, dtype=np.intp), (), degenerate, True)]
    return [(job, np.zeros(0, dtype=np.intp), (), np.ones(B, dtype=bool), False)]


def _full_blocks(
    payoffs: tuple[NDArray[np.float64], ...],
    job: _Job,
    owner: NDArray[np.intp],
    mixtures: tuple[NDArray[np.float64], ...],
) -> list[NDArray[np.float64]]:
    """Full strategy blocks (one ``(C, m_i)`` array per player) of candidates
    ``owner`` of ``job``; players outside ``job.roles`` play their pure strategy."""
    blocks = []
    for j, sup in enumerate(job.idx):
        block = np.zeros((len(owner), payoffs[j].shape[j]))
        if j in job.roles and mixtures:
            np.put_along_axis(block, sup[owner], mixtures[job.roles.index(j)], axis=1)
        else:
            np.put_along_axis(block, sup[owner], 1.0, axis=1)
        blocks.append(block)
    return blocks
