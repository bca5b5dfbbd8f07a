"""All equilibria of small n-player games: support enumeration + certified subdivision.

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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.normal_form import NormalFormGame

__all__ = ["EnumerationOutput", "enumerate_kernel"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MARGIN = 1.0 / 1021.0
_SPLIT = 0.4937
_EXCLUDE_TOL = 1e-12
_NEWTON_WIDTH = 0.3
# Strategies dominated by less than this (payoffs normalised to [0, 1]) are
# kept: they may carry equilibria certified within the default tolerance.
_DOMINANCE_MARGIN = 1e-9


@dataclass(frozen=True, slots=True)
class EnumerationOutput:
    """Candidates and bookkeeping of :func:`enumerate_kernel`."""

    candidates: list[tuple[NDArray[np.float64], ...]]
    n_supports: int
    n_pruned: int
    n_boxes: int
    unresolved: list[str]


def _surviving_strategies(payoffs: tuple[NDArray[np.float64], ...]) -> list[NDArray[np.intp]]:
    """Iterated elimination of pure strategies strictly dominated by a pure strategy."""
    n = len(payoffs)
    alive = [np.arange(m) for m in payoffs[0].shape]
    changed = True
    while changed:
        changed = False
        for i in range(n):
            sub = payoffs[i][np.ix_(*alive)]
            flat = np.moveaxis(sub, i, 0).reshape(sub.shape[i], -1)
            dominated = np.any(
                np.all(flat[:, None, :] > flat[None, :, :] + _DOMINANCE_MARGIN, axis=2), axis=0
            )
            if dominated.any():
                alive[i] = alive[i][~dominated]
                changed = True
    return alive


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
    system: _SupportSystem, *, max_depth: int, max_boxes: int
) -> tuple[list[NDArray[np.float64]], int, bool]:
    """Roots of one support system in ``[0, 1]^N``; returns (roots, boxes, resolved).

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
    game: NormalFormGame, *, max_depth: int = 60, max_boxes: int = 20_000
) -> EnumerationOutput:
    """Candidate equilibria of ``game`` from every support profile.

    Steps
    -----
    1. Remove pure strategies that are iteratively strictly dominated.
    2. For each support profile of the survivors, with no strategy in a
       support strictly dominated on the others' supports: solve its
       indifference system by certified subdivision (module docstring).
    3. Map roots back to full profiles (the caller certifies them).
    """
    payoffs = tuple(np.asarray(p, dtype=np.float64) for p in game.payoffs)
    scale = game.payoff_ranges
    # Payoffs in [0, 1] per player, so that the exclusion tolerance below means
    # the same for every game (positive affine maps change no equilibrium).
    payoffs = tuple((p - p.min()) / s for p, s in zip(payoffs, scale, strict=True))
    alive = _surviving_strategies(payoffs)
    per_player = [
        [np.array(c, dtype=np.intp) for k in range(1, len(a) + 1) for c in itertools.combinations(a, k)]
        for a in alive
    ]
    candidates: list[tuple[NDArray[np.float64], ...]] = []
    unresolved: list[str] = []
    n_supports = 0
    n_pruned = 0
    n_boxes = 0
    for supports in itertools.product(*per_player):
        n_supports += 1
        if _conditionally_dominated(payoffs, supports):
            n_pruned += 1
            continue
        system = _SupportSystem(payoffs, supports)
        if system.N == 0:
            excluded = system.ranges(np.zeros((1, 0)), np.zeros((1, 0)))
            if not excluded[0]:
                candidates.append(system.profile(np.zeros(0), game.shape))
            continue
        roots, boxes, resolved = _solve_support(system, max_depth=max_depth, max_boxes=max_boxes)
        n_boxes += boxes
        if not resolved:
            unresolved.append(str(tuple(s.tolist() for s in supports)))
        candidates.extend(system.profile(root, game.shape) for root in roots)
    return EnumerationOutput(candidates, n_supports, n_pruned, n_boxes, unresolved)


def _conditionally_dominated(
    payoffs: tuple[NDArray[np.float64], ...], supports: tuple[NDArray[np.intp], ...]
) -> bool:
    """Whether some strategy in a support is strictly dominated, on the others'
    supports, by another strategy of the same player."""
    n = len(payoffs)
    for i in range(n):
        if len(supports[i]) == 0:
            return True
        index = tuple(
            np.arange(payoffs[i].shape[i]) if j == i else supports[j] for j in range(n)
        )
        sub = np.moveaxis(payoffs[i][np.ix_(*index)], i, 0)
        flat = sub.reshape(sub.shape[0], -1)
        inside = flat[supports[i]]
        if np.any(np.all(flat[:, None, :] > inside[None, :, :] + _DOMINANCE_MARGIN, axis=2)):
            return True
    return False
