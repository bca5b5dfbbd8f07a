"""Support systems with at most three mixing players, solved by elimination.

Fix a support profile and the pure strategies of the players who do not mix.
When two players ``p`` and ``q`` mix (supports of sizes ``k_p``, ``k_q``),
player ``p``'s indifference conditions are ``k_p - 1`` *linear* equations
``D_p sigma_q = 0`` in ``q``'s mixture, and vice versa.  When a third player
``h`` mixes too, the coefficients of ``D_p`` and ``D_q`` are affine in
``h``'s mixture ``z``, and ``h``'s own conditions are bilinear forms
``sigma_p^T C_c sigma_q = 0``.  Eliminating ``sigma_p`` and ``sigma_q`` leaves
polynomial equations in ``z`` alone:

* ``k_p = k_q = k``: ``sigma_q(z)`` is the generalised cross product of the
  rows of ``D_p(z)`` (its signed maximal minors), a polynomial of degree
  ``k - 1``, and likewise ``sigma_p(z)``; ``h``'s conditions become
  ``P_c(z) = sigma_p(z)^T C_c sigma_q(z) = 0``, of degree ``2(k - 1)``.
* ``k_q = k_p + 1``: ``D_q(z)`` is square and must be singular:
  ``det D_q(z) = 0``; then ``sigma_p`` spans its kernel and ``sigma_q`` is
  fixed by ``D_p`` together with ``h``'s condition (linear in ``sigma_q``).

With ``h`` mixing over two strategies (``z = (1 - t, t)``) these are
univariate; their coefficients come from exact values at Chebyshev points
(interpolation is exact for polynomials of known degree) and their roots are
the eigenvalues of the colleague matrix (Good 1961), polished by Newton's
method.  With ``h`` mixing over three strategies and ``k_p = k_q``, the two
equations ``P_1 = P_2 = 0`` in ``(s, t)`` are reduced to one in ``s`` by the
Sylvester resultant in ``t``, computed the same way (values at Chebyshev
points); each real root ``s`` gives candidate ``t`` as the real roots of
``P_1(s, .)`` and ``P_2(s, .)``, and Newton's method on the pair polishes
them.  The elimination introduces *spurious* roots where ``sigma_p(z)`` or
``sigma_q(z)`` vanishes; they are recognised (the cross product is zero) and
dropped.

Every root of the original system is a root of the eliminated polynomial, so
all solutions are found whenever the eliminated polynomial is not identically
zero.  When it is (or when a root lands where the elimination is singular),
the profile is reported *degenerate* and the caller falls back to certified
subdivision.  The caller also certifies every candidate (regret, including
strategies outside the supports), so a spurious root can never become an
answer.

All functions work on a batch of ``B`` support profiles with the same sizes;
tensors are given in the role order ``(p, q, h)`` and hold payoffs on the
supports only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "AlgebraicOutput",
    "count_start_paths",
    "cross",
    "real_roots_chebyshev",
    "solve_by_homotopy",
    "solve_four_binary",
    "solve_three_mixing",
    "solve_two_mixing",
    "start_assignments",
]

# A real root may leave [0, 1] by this much (it is then a root on the
# boundary of the support, which certification cleans up or rejects).
_MARGIN = 1e-7
# Eigenvalues with a larger imaginary part (relative) are not real roots.  The
# bound is loose on purpose: a cluster of k close real roots is computed only
# to about eps**(1/k), and rounding can split it into complex pairs with
# imaginary parts of 1e-2 (a 3x3x3 game with three full-support equilibria
# close together lost one at 1e-6).  Every start is Newton-polished on the
# original system and every candidate certified, so a spurious start costs
# only a few Newton steps.
_IMAG_TOL = 1e-1
# Relative size below which a polynomial coefficient or minor counts as zero.
_ZERO_REL = 1e-11


@dataclass(frozen=True, slots=True)
class AlgebraicOutput:
    """Candidate mixtures of a batch of support profiles.

    ``owner[c]`` is the profile (row of the batch) candidate ``c`` belongs to;
    ``mixtures[r]`` is ``(C, k_r)`` for role ``r``; ``degenerate[b]`` says the
    elimination was singular for profile ``b`` (its candidates are incomplete).
    """

    owner: NDArray[np.intp]
    mixtures: tuple[NDArray[np.float64], ...]
    degenerate: NDArray[np.bool_]


def cross(D: NDArray[np.float64]) -> NDArray[np.float64]:
    """Generalised cross product of the rows of ``D`` (shape ``(..., r, r+1)``).

    Entry ``j`` is ``(-1)**j`` times the minor without column ``j``, so the
    result is orthogonal to every row, and zero exactly when the rows are
    linearly dependent.

    >>> cross(np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])).tolist()
    [6.0, -3.0, 1.0]
    """
    r = D.shape[-2]
    if r == 0:
        return np.ones((*D.shape[:-2], 1))
    if r == 1:
        return np.stack([D[..., 0, 1], -D[..., 0, 0]], axis=-1)
    if r == 2:
        a, b = D[..., 0, :], D[..., 1, :]
        return np.stack(
            [
                a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
            ],
            axis=-1,
        )
    cols = [
        (-1.0) ** j * np.linalg.det(np.delete(D, j, axis=-1)) for j in range(r + 1)
    ]
    return np.stack(cols, axis=-1)


@cache
def _chebyshev_nodes(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n`` Chebyshev points on ``[0, 1]`` and the matrix mapping values there
    to Chebyshev coefficients (in ``x = 2t - 1``)."""
    x = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    V = np.polynomial.chebyshev.chebvander(x, n - 1)
    return (x + 1.0) / 2.0, np.asarray(np.linalg.inv(V), dtype=np.float64)


@cache
def _monomial_nodes(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n`` Chebyshev points on ``[0, 1]`` and the matrix mapping values there
    to monomial coefficients in ``t`` (ascending)."""
    t, _ = _chebyshev_nodes(n)
    return t, np.asarray(np.linalg.inv(np.vander(t, n, increasing=True)), dtype=np.float64)


def _effective_degree(coeffs: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the last coefficient that is not negligible (-1: all are)."""
    size = np.abs(coeffs)
    big = size > _ZERO_REL * size.max(axis=-1, keepdims=True)
    big &= size > 0
    last = coeffs.shape[-1] - 1 - np.argmax(big[..., ::-1], axis=-1)
    return np.where(big.any(axis=-1), last, -1)


def real_roots_chebyshev(
    coeffs: NDArray[np.float64], lo: float = 0.0, hi: float = 1.0
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.bool_]]:
    """Real roots in ``[lo, hi]`` (plus a margin) of a batch of Chebyshev series.

    ``coeffs`` has shape ``(B, n + 1)``, in ``x = 2t - 1``.  Returns
    ``(owner, t, zero)``: roots ``t`` of series ``owner``, Newton-polished on
    the series, and ``zero[b]`` for series that vanish identically.

    >>> from numpy.polynomial import chebyshev as C
    >>> c = C.poly2cheb(np.polynomial.polynomial.polyfromroots([-0.5, 0.0]))
    >>> owner, t, zero = real_roots_chebyshev(c[None, :])  # (x + .5) x, x = 2t - 1
    >>> sorted(np.round(t, 12).tolist())
    [0.25, 0.5]
    """
    degree = _effective_degree(coeffs)
    owners, xs = [], []
    for d in np.unique(degree):
        if d <= 0:
            continue
        rows = np.flatnonzero(degree == d)
        c = coeffs[rows, : d + 1]
        if d == 1:
            x = (-c[:, 0] / c[:, 1])[:, None].astype(np.complex128)
        else:
            # colleague matrix, scaled as in numpy.polynomial.chebyshev.chebcompanion
            mat = np.zeros((d, d))
            off = np.full(d - 1, 0.5)
            off[0] = np.sqrt(0.5)
            mat[np.arange(d - 1), np.arange(1, d)] = off
            mat[np.arange(1, d), np.arange(d - 1)] = off
            scl = np.ones(d)
            scl[1:] = np.sqrt(0.5)
            mats = np.repeat(mat[None], len(rows), axis=0)
            mats[:, :, -1] -= (c[:, :-1] / c[:, -1:]) * (scl / scl[-1]) * 0.5
            x = np.linalg.eigvals(mats)
        real = np.abs(x.imag) <= _IMAG_TOL * (1.0 + np.abs(x.real))
        xr = x.real
        xlo, xhi = 2.0 * lo - 1.0 - 2 * _MARGIN, 2.0 * hi - 1.0 + 2 * _MARGIN
        keep = real & (xr >= xlo) & (xr <= xhi)
        r_idx, col = np.nonzero(keep)
        owners.append(rows[r_idx])
        xs.append(_polish_chebyshev(c[r_idx], xr[r_idx, col]))
    if not owners:
        return np.zeros(0, dtype=np.intp), np.zeros(0), degree < 0
    owner = np.concatenate(owners)
    t = np.asarray((np.concatenate(xs) + 1.0) / 2.0, dtype=np.float64)
    return owner, t, degree < 0


def _polish_chebyshev(c: NDArray[np.float64], x: NDArray[np.float64], steps: int = 2) -> NDArray[np.float64]:
    """Newton steps on Chebyshev series ``c[r]`` from ``x[r]`` (in ``[-1, 1]`` coords)."""
    cheb = np.polynomial.chebyshev
    coeffs = c.T  # one column per series: chebval evaluates column r at x[r]
    slopes = cheb.chebder(coeffs, axis=0)
    for _ in range(steps):
        f = cheb.chebval(x, coeffs, tensor=False)
        df = cheb.chebval(x, slopes, tensor=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(df != 0.0, f / df, 0.0)
        # keep a step only where it does not run away (a near-double root)
        x = x - np.where(np.abs(step) < 1e-3, step, 0.0)
    return np.asarray(x, dtype=np.float64)


def _normalise(sigma: NDArray[np.float64], scale: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Mixtures from unnormalised kernel vectors; ``ok`` where the vector is
    not (relatively) zero and all its entries share a sign."""
    total = sigma.sum(axis=-1)
    norm = np.abs(sigma).max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mix = sigma / total[..., None]
    ok = (norm > _ZERO_REL * scale) & (np.abs(total) >= 0.5 * norm) & np.all(mix >= -_MARGIN, axis=-1)
    return np.where(ok[..., None], mix, 0.0), ok


def _row_scale(D: NDArray[np.float64]) -> NDArray[np.float64]:
    """Hadamard bound on the minors of ``D``: the product of its row norms."""
    return np.asarray(np.prod(np.linalg.norm(D, axis=-1), axis=-1) + 1e-300, dtype=np.float64)


def _empty(sizes: tuple[int, ...], degenerate: NDArray[np.bool_]) -> AlgebraicOutput:
    """No candidates: every profile either has no solution or is degenerate."""
    return AlgebraicOutput(
        np.zeros(0, dtype=np.intp), tuple(np.zeros((0, k)) for k in sizes), degenerate
    )


def _differences(T: NDArray[np.float64], axis: int) -> NDArray[np.float64]:
    """Payoff of each support strategy after the first, minus the first's,
    along ``axis`` (the player's own axis, counting the batch axis)."""
    first = np.take(T, [0], axis=axis)
    rest = np.take(T, np.arange(1, T.shape[axis]), axis=axis)
    return np.asarray(rest - first, dtype=np.float64)


def solve_two_mixing(Tp: NDArray[np.float64], Tq: NDArray[np.float64]) -> AlgebraicOutput:
    """Supports where exactly two players, ``p`` and ``q``, mix.

    ``Tp``, ``Tq`` have shape ``(B, k_p, k_q)``: each player's payoffs on the
    supports (the other players' pure strategies fixed).  With
    ``k_p == k_q`` each mixture is the cross product of the other player's
    indifference rows; with ``k_p != k_q`` a generic game has no solution and
    a profile is degenerate when the larger player's conditions are
    (relatively) rank deficient.
    """
    _, kp, kq = Tp.shape
    Dp = _differences(Tp, 1)  # (B, kp-1, kq): Dp @ sigma_q = 0
    Dq = np.swapaxes(_differences(Tq, 2), 1, 2)  # (B, kq-1, kp): Dq @ sigma_p = 0
    if kp != kq:
        # The larger player has at least as many equations as the other has
        # probabilities: a solution needs its matrix to have a nonzero kernel.
        big = Dq if kq > kp else Dp
        sv = np.linalg.svd(big, compute_uv=False)
        return _empty((kp, kq), sv[:, -1] <= _ZERO_REL * (sv[:, 0] + 1e-300))
    cq, cp = cross(Dp), cross(Dq)
    scale_q, scale_p = _row_scale(Dp), _row_scale(Dq)
    sq, ok_q = _normalise(cq, scale_q)
    sp, ok_p = _normalise(cp, scale_p)
    degenerate = (np.abs(cq).max(axis=-1) <= _ZERO_REL * scale_q) | (
        np.abs(cp).max(axis=-1) <= _ZERO_REL * scale_p
    )
    keep = np.flatnonzero(ok_p & ok_q)
    return AlgebraicOutput(keep, (sp[keep], sq[keep]), degenerate)


def solve_three_mixing(
    Tp: NDArray[np.float64], Tq: NDArray[np.float64], Th: NDArray[np.float64]
) -> AlgebraicOutput | None:
    """Supports where exactly three players ``p``, ``q``, ``h`` mix.

    Tensors have shape ``(B, k_p, k_q, k_h)``.  Handles ``k_h = 2`` (any
    ``k_p``, ``k_q``) and ``k_h = 3`` with ``|k_p - k_q| <= 1``; returns
    ``None`` for other sizes (the caller subdivides).
    """
    _, kp, kq, kh = Tp.shape
    if kp > kq:
        out = solve_three_mixing(
            np.swapaxes(Tq, 1, 2), np.swapaxes(Tp, 1, 2), np.swapaxes(Th, 1, 2)
        )
        if out is None:
            return None
        return AlgebraicOutput(out.owner, (out.mixtures[1], out.mixtures[0], out.mixtures[2]), out.degenerate)
    # Dp[c] @ sigma_q = 0 and Dq[c] @ sigma_p = 0 when h plays its c-th strategy
    Dp = np.moveaxis(_differences(Tp, 1), 3, 1)  # (B, kh, kp-1, kq)
    Dq = np.moveaxis(np.swapaxes(_differences(Tq, 2), 1, 2), 3, 1)  # (B, kh, kq-1, kp)
    C = np.moveaxis(_differences(Th, 3), 3, 1)  # (B, kh-1, kp, kq)
    if kh == 2 and kq == kp:
        return _univariate_square(Dp, Dq, C)
    if kh == 2 and kq == kp + 1:
        return _univariate_rectangular(Dp, Dq, C)
    if kh == 2 and kq >= kp + 2:
        return _univariate_overdetermined(Dp, Dq)
    if kh == 3 and kq == kp:
        return _bivariate_square(Dp, Dq, C)
    if kh == 3 and kq == kp + 1:
        return _bivariate_rectangular(Dp, Dq, C)
    return None


def _affine(D: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``sum_c z[..., c] D[:, c]`` for a batch: ``D`` is ``(B, kh, r, k)``,
    ``z`` is ``(B, ..., kh)``; returns ``(B, ..., r, k)``."""
    B, kh = D.shape[:2]
    zf = z.reshape(B, int(np.prod(z.shape[1:-1])), kh)
    out = np.einsum("bnc,bcrk->bnrk", zf, D)
    return np.asarray(out.reshape(*z.shape[:-1], *D.shape[2:]), dtype=np.float64)


def _finish(
    owner: NDArray[np.intp],
    z: NDArray[np.float64],
    sp: NDArray[np.float64],
    sq: NDArray[np.float64],
    scale_p: NDArray[np.float64],
    scale_q: NDArray[np.float64],
    degenerate: NDArray[np.bool_],
) -> AlgebraicOutput:
    """Normalise candidate mixtures and keep those that are probabilities."""
    mp, ok_p = _normalise(sp, scale_p)
    mq, ok_q = _normalise(sq, scale_q)
    ok = ok_p & ok_q & np.all(z >= -_MARGIN, axis=-1)
    return AlgebraicOutput(owner[ok], (mp[ok], mq[ok], np.clip(z[ok], 0.0, None)), degenerate)


def _segment(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """``h``'s mixture ``(1 - t, t)`` over two strategies."""
    return np.stack([1.0 - t, t], axis=-1)


def _univariate(
    values: Callable[[NDArray[np.float64]], NDArray[np.float64]], B: int, degree: int
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
    """Real roots ``t`` in ``[0, 1]`` of a batch of polynomials of degree at
    most ``degree``, given by their values ``values(z)`` at mixtures ``z``
    (shape ``(B, n, 2)``) of ``h``.  Returns ``(owner, z, zero, nodes)``: each
    root as ``h``'s mixture, the profiles whose polynomial vanishes
    identically, and the interpolation nodes (as mixtures, ``(B, n, 2)``)."""
    t, to_coeffs = _chebyshev_nodes(degree + 1)
    nodes = np.broadcast_to(_segment(t), (B, degree + 1, 2))
    owner, roots, zero = real_roots_chebyshev(values(nodes) @ to_coeffs.T)
    return owner, _segment(roots), zero, nodes


def _marked(zero: NDArray[np.bool_], owner: NDArray[np.intp], singular: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Profiles whose polynomial vanishes identically or has a singular root."""
    degenerate = zero.copy()
    degenerate[owner[singular]] = True
    return degenerate


def _univariate_square(
    Dp: NDArray[np.float64], Dq: NDArray[np.float64], C: NDArray[np.float64]
) -> AlgebraicOutput:
    """``k_h = 2``, ``k_p = k_q = k``: ``P(t) = sigma_p(t)^T C sigma_q(t)``,
    of degree ``2(k - 1)``."""

    def values(z: NDArray[np.float64]) -> NDArray[np.float64]:
        sq, sp = cross(_affine(Dp, z)), cross(_affine(Dq, z))
        return np.asarray(np.einsum("xna,xab,xnb->xn", sp, C[:, 0], sq), dtype=np.float64)

    owner, z, zero, nodes = _univariate(values, Dp.shape[0], 2 * (Dp.shape[3] - 1))
    sq, sp = cross(_affine(Dp[owner], z)), cross(_affine(Dq[owner], z))
    # scales: the largest Hadamard bound over the nodes
    scale_p = _row_scale(_affine(Dq, nodes)).max(axis=1)[owner]
    scale_q = _row_scale(_affine(Dp, nodes)).max(axis=1)[owner]
    # a root where a cross product vanishes is a singular point of the elimination
    singular = (np.abs(sq).max(axis=-1) <= 1e-8 * scale_q) | (np.abs(sp).max(axis=-1) <= 1e-8 * scale_p)
    return _finish(owner, z, sp, sq, scale_p, scale_q, _marked(zero, owner, singular))


def _univariate_rectangular(
    Dp: NDArray[np.float64], Dq: NDArray[np.float64], C: NDArray[np.float64]
) -> AlgebraicOutput:
    """``k_h = 2``, ``k_q = k_p + 1``: ``det D_q(t) = 0`` (degree ``k_p``), then
    ``sigma_p`` spans the kernel of ``D_q(t)`` and ``sigma_q`` is the cross
    product of ``D_p(t)``'s rows and ``sigma_p^T C``."""
    kp = Dq.shape[3]
    owner, z, zero, _ = _univariate(lambda z: np.linalg.det(_affine(Dq, z)), Dp.shape[0], kp)
    _, sv, Vh = np.linalg.svd(_affine(Dq[owner], z))
    sp = Vh[:, -1, :]
    # a kernel of dimension >= 2 makes sigma_p (and the count) non-isolated
    singular = sv[:, -2] <= 1e-8 * (sv[:, 0] + 1e-300)
    rows = np.concatenate([_affine(Dp[owner], z), np.einsum("ra,rab->rb", sp, C[owner, 0])[:, None, :]], axis=1)
    sq = cross(rows)
    scale_q = _row_scale(rows)
    singular |= np.abs(sq).max(axis=-1) <= 1e-8 * scale_q
    return _finish(owner, z, sp, sq, np.ones(len(owner)), scale_q, _marked(zero, owner, singular))


def _univariate_overdetermined(Dp: NDArray[np.float64], Dq: NDArray[np.float64]) -> AlgebraicOutput:
    """``k_h = 2``, ``k_q >= k_p + 2``: ``D_q(t)`` has more rows than columns and
    must lose rank for ``sigma_p`` to exist, which a generic game never allows.

    The determinant of its top square block must vanish; at each real root
    of that polynomial the whole matrix is checked, and a profile where it
    does lose rank (or the polynomial vanishes identically) is reported
    degenerate.  There are no other candidates.
    """
    kp = Dq.shape[3]
    owner, z, zero, _ = _univariate(lambda z: np.linalg.det(_affine(Dq[:, :, :kp, :], z)), Dp.shape[0], kp)
    sv = np.linalg.svd(_affine(Dq[owner], z), compute_uv=False)
    singular = sv[:, -1] <= 1e-8 * (sv[:, 0] + 1e-300)
    return _empty((kp, Dp.shape[3], 2), _marked(zero, owner, singular))


# Values of a pair of bivariate polynomials on a batch: ``values(rows, s, t)``
# with ``rows`` (R,) indices into the batch and ``s``, ``t`` of shape (R, n)
# returns ``(P, sigmas, scales)``: ``P`` (R, n, 2), and the eliminated
# mixtures (R, n, k) with their scales (R, n), to recognise spurious roots.
Values = Callable[
    [NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]],
    tuple[NDArray[np.float64], tuple[NDArray[np.float64], ...], tuple[NDArray[np.float64], ...]],
]


def _solve_bivariate(
    values: Values, B: int, degrees_t: tuple[int, int], resultant_degree: int
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Real common roots ``(s, t)`` near ``[0, 1]^2`` of ``P_1 = P_2 = 0``.

    ``degrees_t`` bounds each polynomial's degree in ``t`` and
    ``resultant_degree`` the degree in ``s`` of their Sylvester resultant in
    ``t``.  Returns ``(owner, s, t, degenerate)``: Newton-polished roots
    (spurious ones, where an eliminated mixture vanishes, dropped) and the
    batch rows whose resultant vanishes identically.
    """
    d1, d2 = degrees_t
    nt = max(d1, d2) + 1
    s_nodes, s_to_cheb = _chebyshev_nodes(resultant_degree + 1)
    t_nodes, t_to_mono = _monomial_nodes(nt)
    rows = np.arange(B)
    S = np.broadcast_to(np.repeat(s_nodes, nt), (B, len(s_nodes) * nt))
    T = np.broadcast_to(np.tile(t_nodes, len(s_nodes)), S.shape)
    P = values(rows, S, T)[0].reshape(B, len(s_nodes), nt, 2)
    mono = np.einsum("bsnc,mn->bscm", P, t_to_mono)  # ascending in t
    res = np.linalg.det(_sylvester(mono[:, :, 0, : d1 + 1], mono[:, :, 1, : d2 + 1]))
    owner, s_roots, zero = real_roots_chebyshev(res @ s_to_cheb.T)
    # starting t: the real roots of P_1(s, .) and P_2(s, .) at each root s
    Pr = values(owner, np.repeat(s_roots[:, None], nt, axis=1), np.broadcast_to(t_nodes, (len(owner), nt)))[0]
    cheb_r = np.einsum("rnc,mn->rcm", Pr, _chebyshev_nodes(nt)[1]).reshape(-1, nt)
    start_of, t0, _ = real_roots_chebyshev(cheb_r)
    root = start_of // 2
    prof, s0 = owner[root], s_roots[root]
    # Keep starts where both polynomials nearly vanish and neither eliminated
    # mixture does (a spurious root), once each: Newton then takes a step or two.
    # "Nearly" is loose (1e-3 of the grid's scale): a root of the resultant in
    # a cluster of k close roots is only accurate to about eps**(1/k), and a
    # tighter test dropped such starts, so a planted full-support equilibrium
    # of a 3x3x3 game was missed while enumerate reported complete=True.
    # Newton must converge from each start, and every candidate is certified.
    size = np.abs(P).max(axis=(1, 2, 3))  # each profile's scale of P on the grid
    P0, sigmas0, scales0 = values(prof, s0[:, None], t0[:, None])
    good = np.abs(P0[:, 0]).max(axis=-1) <= 1e-3 * size[prof]
    for sigma, scale in zip(sigmas0, scales0, strict=True):
        good &= np.abs(sigma[:, 0]).max(axis=-1) > 1e-5 * scale[:, 0]
    key = np.stack([prof, np.round(s0 * 1e7), np.round(t0 * 1e7)], axis=1)
    _, first = np.unique(key[good], axis=0, return_index=True)
    pick = np.flatnonzero(good)[np.sort(first)]
    prof, s0, t0 = prof[pick], s0[pick], t0[pick]
    s, t, converged = _newton_bivariate(values, prof, s0, t0)
    _, sigmas, scales = values(prof, s[:, None], t[:, None])
    proper = np.ones(len(prof), dtype=bool)
    for sigma, scale in zip(sigmas, scales, strict=True):
        proper &= np.abs(sigma[:, 0]).max(axis=-1) > 1e-7 * scale[:, 0]
    keep = converged & proper
    return prof[keep], s[keep], t[keep], zero


def _newton_bivariate(
    values: Values,
    rows: NDArray[np.intp],
    s: NDArray[np.float64],
    t: NDArray[np.float64],
    iters: int = 12,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Newton's method on ``(P_1, P_2)`` in ``(s, t)``, one start per row, with
    a forward-difference Jacobian (its error ~1e-8 only slows the last steps
    from quadratic to linear with rate ~1e-8).

    A start stops as converged when its step falls below 1e-13, or below
    1e-10 without shrinking (round-off level) or at the last iteration; it
    stops as not converged when it leaves ``[-2, 3]^2`` or meets a singular
    Jacobian.  Certification checks every candidate anyway.
    """
    s, t = s.copy(), t.copy()
    converged = np.zeros(len(s), dtype=bool)
    active = np.arange(len(s))
    last = np.full(len(s), np.inf)
    h = 1e-7
    for it in range(iters):
        if not len(active):
            break
        sa, ta = s[active], t[active]
        P = values(rows[active], np.stack([sa, sa + h, sa], axis=1), np.stack([ta, ta, ta + h], axis=1))[0]
        F = P[:, 0]
        Js, Jt = (P[:, 1] - F) / h, (P[:, 2] - F) / h
        det = Js[:, 0] * Jt[:, 1] - Jt[:, 0] * Js[:, 1]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ds = (Jt[:, 1] * F[:, 0] - Jt[:, 0] * F[:, 1]) / det
            dt = (Js[:, 0] * F[:, 1] - Js[:, 1] * F[:, 0]) / det
        ok = np.isfinite(ds) & np.isfinite(dt)
        s[active] = np.where(ok, sa - ds, sa)
        t[active] = np.where(ok, ta - dt, ta)
        size = np.maximum(np.abs(ds), np.abs(dt))
        # done: a tiny step, or a small one that no longer shrinks (round-off)
        done = ok & ((size <= 1e-13) | ((size <= 1e-10) & ((size >= 0.5 * last[active]) | (it == iters - 1))))
        last[active] = size
        converged[active[done]] = True
        inside = (np.abs(s[active] - 0.5) <= 2.5) & (np.abs(t[active] - 0.5) <= 2.5)
        active = active[ok & ~done & inside]
    return s, t, converged


def _bivariate_square(
    Dp: NDArray[np.float64], Dq: NDArray[np.float64], C: NDArray[np.float64]
) -> AlgebraicOutput:
    """``k_h = 3``, ``k_p = k_q = k``: ``P_c(s, t) = sigma_p^T C_c sigma_q``,
    ``c = 1, 2``, of total degree ``g = 2(k - 1)``, with ``z = (1 - s - t, s, t)``;
    their resultant in ``t`` has degree at most ``g**2`` in ``s``."""

    def values(rows: NDArray[np.intp], s: NDArray[np.float64], t: NDArray[np.float64]) -> Any:
        z = np.stack([1.0 - s - t, s, t], axis=-1)
        Dpz, Dqz = _affine(Dp[rows], z), _affine(Dq[rows], z)
        sq, sp = cross(Dpz), cross(Dqz)
        P = np.einsum("rna,rcak,rnk->rnc", sp, C[rows], sq)
        return P, (sp, sq), (_row_scale(Dqz), _row_scale(Dpz))

    g = 2 * (Dp.shape[3] - 1)
    owner, s, t, degenerate = _solve_bivariate(values, Dp.shape[0], (g, g), g * g)
    _, (sp, sq), (scale_p, scale_q) = values(owner, s[:, None], t[:, None])
    z = np.stack([1.0 - s - t, s, t], axis=-1)
    return _finish(owner, z, sp[:, 0], sq[:, 0], scale_p[:, 0], scale_q[:, 0], degenerate)


def _bivariate_rectangular(
    Dp: NDArray[np.float64], Dq: NDArray[np.float64], C: NDArray[np.float64]
) -> AlgebraicOutput:
    """``k_h = 3``, ``k_q = k_p + 1``: ``D_q(z)`` is square and singular, so
    ``f_1 = det D_q(z) = 0`` (degree ``k_p``); ``sigma_p`` is the cross product
    of its first ``k_p - 1`` rows, and ``sigma_q`` spans the kernel of the
    square matrix ``M(z)`` stacking ``D_p(z)`` and the rows ``sigma_p^T C_c``,
    so ``f_2 = det M(z) = 0`` (degree ``3(k_p - 1)``).  The resultant in ``t``
    has degree at most ``3 k_p (k_p - 1)`` in ``s``."""
    kp = Dq.shape[3]

    def values(rows: NDArray[np.intp], s: NDArray[np.float64], t: NDArray[np.float64]) -> Any:
        z = np.stack([1.0 - s - t, s, t], axis=-1)
        Dqz, Dpz = _affine(Dq[rows], z), _affine(Dp[rows], z)
        sp = cross(Dqz[..., : kp - 1, :])
        M = np.concatenate([Dpz, np.einsum("rna,rcak->rnck", sp, C[rows])], axis=-2)
        sq = cross(M[..., :kp, :])
        P = np.stack([np.linalg.det(Dqz), np.linalg.det(M)], axis=-1)
        return P, (sp, sq), (_row_scale(Dqz[..., : kp - 1, :]), _row_scale(M[..., :kp, :]))

    owner, s, t, degenerate = _solve_bivariate(
        values, Dp.shape[0], (kp, 3 * (kp - 1)), 3 * kp * (kp - 1)
    )
    _, (sp, sq), (scale_p, scale_q) = values(owner, s[:, None], t[:, None])
    z = np.stack([1.0 - s - t, s, t], axis=-1)
    return _finish(owner, z, sp[:, 0], sq[:, 0], scale_p[:, 0], scale_q[:, 0], degenerate)


def solve_four_binary(
    Ta: NDArray[np.float64], Tb: NDArray[np.float64], Tc: NDArray[np.float64], Td: NDArray[np.float64]
) -> AlgebraicOutput:
    """Supports where exactly four players mix, each over two strategies.

    Tensors have shape ``(B, 2, 2, 2, 2)`` in the role order ``(a, b, c, d)``.
    With ``c`` and ``d`` playing ``(1 - s, s)`` and ``(1 - t, t)``, player
    ``a``'s condition is linear in ``sigma_b`` (so ``sigma_b(s, t)`` is the
    cross product of one row bilinear in ``(s, t)``) and ``b``'s in
    ``sigma_a``; ``c``'s and ``d``'s conditions become
    ``sigma_a^T C(t) sigma_b = 0`` (degrees 2 in ``s``, 3 in ``t``) and
    ``sigma_a^T D(s) sigma_b = 0`` (3 in ``s``, 2 in ``t``), whose resultant
    in ``t`` has degree at most ``2*2 + 3*3 = 13`` in ``s``.
    """
    Da = Ta[:, 1] - Ta[:, 0]  # (B, b, c, d)
    Db = Tb[:, :, 1] - Tb[:, :, 0]  # (B, a, c, d)
    Dc = Tc[:, :, :, 1] - Tc[:, :, :, 0]  # (B, a, b, d)
    Dd = Td[..., 1] - Td[..., 0]  # (B, a, b, c)

    def values(rows: NDArray[np.intp], s: NDArray[np.float64], t: NDArray[np.float64]) -> Any:
        zc = np.stack([1.0 - s, s], axis=-1)
        zd = np.stack([1.0 - t, t], axis=-1)
        row_a = np.einsum("rbcd,rnc,rnd->rnb", Da[rows], zc, zd)
        row_b = np.einsum("racd,rnc,rnd->rna", Db[rows], zc, zd)
        sb = np.stack([row_a[..., 1], -row_a[..., 0]], axis=-1)
        sa = np.stack([row_b[..., 1], -row_b[..., 0]], axis=-1)
        Pc = np.einsum("rna,rabd,rnd,rnb->rn", sa, Dc[rows], zd, sb)
        Pd = np.einsum("rna,rabc,rnc,rnb->rn", sa, Dd[rows], zc, sb)
        scale_a = np.linalg.norm(row_b, axis=-1) + 1e-300
        scale_b = np.linalg.norm(row_a, axis=-1) + 1e-300
        return np.stack([Pc, Pd], axis=-1), (sa, sb), (scale_a, scale_b)

    owner, s, t, degenerate = _solve_bivariate(values, Ta.shape[0], (3, 2), 13)
    _, (sa, sb), (scale_a, scale_b) = values(owner, s[:, None], t[:, None])
    ma, ok_a = _normalise(sa[:, 0], scale_a[:, 0])
    mb, ok_b = _normalise(sb[:, 0], scale_b[:, 0])
    st = np.stack([s, t], axis=-1)
    ok = ok_a & ok_b & np.all(st >= -_MARGIN, axis=-1) & np.all(st <= 1.0 + _MARGIN, axis=-1)
    mc = np.clip(np.stack([1.0 - s, s], axis=-1), 0.0, None)
    md = np.clip(np.stack([1.0 - t, t], axis=-1), 0.0, None)
    return AlgebraicOutput(owner[ok], (ma[ok], mb[ok], mc[ok], md[ok]), degenerate)


def _sylvester(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sylvester matrices of ascending coefficient arrays ``a`` (``(..., d1+1)``)
    and ``b`` (``(..., d2+1)``): size ``d1 + d2``."""
    d1, d2 = a.shape[-1] - 1, b.shape[-1] - 1
    M = np.zeros((*a.shape[:-1], d1 + d2, d1 + d2))
    for i in range(d2):
        M[..., i, i : i + d1 + 1] = a[..., ::-1]
    for i in range(d1):
        M[..., d2 + i, i : i + d2 + 1] = b[..., ::-1]
    return M


# ------------------------------------------------------------- homotopy
# Paths whose endpoint has a Jacobian with a larger condition number are not
# trusted (a singular root: a degenerate support system).
_HOMOTOPY_COND = 1e9
# Paths beyond this size (projective coordinates on a random patch) fail.
_HOMOTOPY_HUGE = 1e8


@cache
def count_start_paths(dims: tuple[int, ...]) -> int:
    """The number of paths :func:`solve_by_homotopy` tracks per support
    profile whose roles have ``dims`` free coordinates each.

    >>> count_start_paths((3, 3, 3))
    56
    """
    return len(start_assignments(dims))


@cache
def _start_assignments(dims: tuple[int, ...]) -> NDArray[np.intp]:
    return start_assignments(dims)


def start_assignments(dims: tuple[int, ...]) -> NDArray[np.intp]:
    """Solutions of the linear-product start system of a support system.

    Role ``r`` has ``dims[r]`` equations, each of degree one in every other
    role's block.  A start solution picks, for each equation, one other role
    whose linear factor vanishes, so that each role ``j`` is picked by exactly
    ``dims[j]`` equations.  Returns one row per start solution: the role
    picked by each equation (equations in role order).  Their number is the
    multihomogeneous Bezout number of the system, the largest number of
    isolated solutions a support system of these sizes has (McKelvey and
    McLennan 1997): 10 for three players with three strategies each, 56 with
    four, 9 for four players with two.

    >>> len(start_assignments((2, 2, 2))), len(start_assignments((3, 3, 3)))
    (10, 56)
    >>> len(start_assignments((1, 1, 1, 1)))
    9
    """
    m = len(dims)
    owners = [r for r in range(m) for _ in range(dims[r])]
    out: list[tuple[int, ...]] = []
    need = list(dims)

    def extend(prefix: list[int]) -> None:
        e = len(prefix)
        if e == len(owners):
            out.append(tuple(prefix))
            return
        for j in range(m):
            if j != owners[e] and need[j] > 0:
                need[j] -= 1
                prefix.append(j)
                extend(prefix)
                prefix.pop()
                need[j] += 1

    extend([])
    return np.array(out, dtype=np.intp).reshape(len(out), len(owners))


class _Homotopy:
    """``H(x, t) = (1 - t) gamma G(x) + t F(x)`` for a batch of support systems,
    in projective coordinates.

    The unknowns are each role's unnormalised mixture ``x_j`` (``k_j``
    entries), fixed on a random complex affine patch ``a_j . x_j = 1``
    rather than on ``sum x_j = 1``: solutions with ``sum x_j = 0`` (at
    infinity for probabilities) stay finite, so no path diverges.  ``F`` is
    the support system of each path's profile (role ``r``'s payoff
    differences, multilinear in the others' mixtures, homogeneous in each);
    ``G`` is a start system of the same structure, a product of random
    linear forms (one per other role) in each equation, whose roots solve
    linear systems.
    """

    def __init__(self, tensors: tuple[NDArray[np.float64], ...], rng: np.random.Generator):
        self.m = len(tensors)
        self.k = [int(k) for k in tensors[0].shape[1:]]
        self.dims = [k - 1 for k in self.k]
        self.eq_offsets = np.concatenate([[0], np.cumsum(self.dims)]).astype(int)
        self.x_offsets = np.concatenate([[0], np.cumsum(self.k)]).astype(int)
        self.n_eq = int(self.eq_offsets[-1])
        self.N = int(self.x_offsets[-1])  # unknowns = equations + patches
        # D[r]: (B, d_r, k_j for the other roles j in order): role r's
        # payoff differences, scaled to unit size
        self.D = []
        for r, T in enumerate(tensors):
            diff = np.moveaxis(_differences(T, 1 + r), 1 + r, 1)
            size = np.abs(diff).reshape(len(diff), -1).max(axis=1) + 1e-300
            self.D.append(diff / size.reshape(-1, *([1] * (diff.ndim - 1))))
        self.eq_role = np.array([r for r in range(self.m) for _ in range(self.dims[r])], dtype=np.intp)

        def cnormal(*shape: int) -> NDArray[np.complex128]:
            return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

        self.b = [cnormal(self.n_eq, k) for k in self.k]  # linear forms of G
        self.patch = [cnormal(k) for k in self.k]
        self.gamma = np.exp(2j * np.pi * rng.uniform())
        self.starts = self._start_points()
        # einsum plans: role r's rows contracted with every role but r and j
        letters = "bcdefghijklmnoq"
        self._plans: list[list[tuple[int, str, list[int]]]] = []
        for r in range(self.m):
            plans = []
            D_sub = "pa" + "".join(letters[o] for o in range(self.m) if o != r)
            for j in range(self.m):
                if j != r:
                    others = [o for o in range(self.m) if o not in (r, j)]
                    spec = ",".join([D_sub, *("p" + letters[o] for o in others)]) + "->pa" + letters[j]
                    plans.append((j, spec, others))
            self._plans.append(plans)
        self._own = [self.eq_role == j for j in range(self.m)]
        self._b_masked = [np.where(own[:, None], 0.0, b) for own, b in zip(self._own, self.b, strict=True)]
        self._patch_rows = np.zeros((self.m, self.N), dtype=np.complex128)
        for j in range(self.m):
            self._patch_rows[j, self.x_offsets[j] : self.x_offsets[j + 1]] = self.patch[j]

    def _start_points(self) -> NDArray[np.complex128]:
        assign = _start_assignments(tuple(self.dims))
        out = np.zeros((len(assign), self.N), dtype=np.complex128)
        for row, picks in enumerate(assign):
            for j in range(self.m):
                A = np.concatenate([self.b[j][picks == j], self.patch[j][None]])
                rhs = np.zeros(self.k[j], dtype=np.complex128)
                rhs[-1] = 1.0
                out[row, self.x_offsets[j] : self.x_offsets[j + 1]] = np.linalg.solve(A, rhs)
        return out

    def blocks(self, x: NDArray[Any]) -> list[NDArray[Any]]:
        """Each role's (unnormalised) mixture."""
        return [x[:, self.x_offsets[j] : self.x_offsets[j + 1]] for j in range(self.m)]

    def target(
        self, owner: NDArray[np.intp], x: NDArray[np.complex128]
    ) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """``F`` (``(P, n_eq)``) and its Jacobian (``(P, n_eq, N)``) at ``x``."""
        P = len(x)
        sig = self.blocks(x)
        F = np.empty((P, self.n_eq), dtype=np.complex128)
        J = np.zeros((P, self.n_eq, self.N), dtype=np.complex128)
        for r in range(self.m):
            rows = slice(self.eq_offsets[r], self.eq_offsets[r + 1])
            D = self.D[r][owner]
            for n_plan, (j, spec, others) in enumerate(self._plans[r]):
                X = np.einsum(spec, D, *(sig[o] for o in others))  # (P, d_r, k_j)
                J[:, rows, self.x_offsets[j] : self.x_offsets[j + 1]] = X
                if n_plan == 0:
                    F[:, rows] = np.einsum("pak,pk->pa", X, sig[j])
        return F, J

    def start(self, x: NDArray[np.complex128]) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """``G`` and its Jacobian at ``x``."""
        P = len(x)
        sig = self.blocks(x)
        # factor j of every equation (1 for the equation's own role)
        lin = [np.where(self._own[j][None], 1.0, sig[j] @ self.b[j].T) for j in range(self.m)]
        before = [np.ones((P, self.n_eq), dtype=np.complex128)]
        for j in range(self.m - 1):
            before.append(before[-1] * lin[j])
        after = np.ones((P, self.n_eq), dtype=np.complex128)
        J = np.empty((P, self.n_eq, self.N), dtype=np.complex128)
        for j in reversed(range(self.m)):
            rest = before[j] * after  # product of every factor but j
            J[:, :, self.x_offsets[j] : self.x_offsets[j + 1]] = rest[:, :, None] * self._b_masked[j][None]
            after = after * lin[j]
        return after, J

    def value(
        self, owner: NDArray[np.intp], x: NDArray[np.complex128], t: NDArray[np.float64]
    ) -> tuple[NDArray[np.complex128], NDArray[np.complex128], NDArray[np.complex128]]:
        """``H``, ``dH/dx`` and ``dH/dt`` at ``(x, t)``, patch equations included."""
        P = len(x)
        F, JF = self.target(owner, x)
        G, JG = self.start(x)
        g = self.gamma * G
        tt = t[:, None]
        H = np.empty((P, self.N), dtype=np.complex128)
        Hx = np.empty((P, self.N, self.N), dtype=np.complex128)
        Ht = np.zeros((P, self.N), dtype=np.complex128)
        H[:, : self.n_eq] = (1.0 - tt) * g + tt * F
        H[:, self.n_eq :] = x @ self._patch_rows.T - 1.0
        Hx[:, : self.n_eq] = (1.0 - tt[..., None]) * self.gamma * JG + tt[..., None] * JF
        Hx[:, self.n_eq :] = self._patch_rows[None]
        Ht[:, : self.n_eq] = F - g
        return H, Hx, Ht

    def system(
        self, owner: NDArray[np.intp], x: NDArray[np.complex128]
    ) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """``F`` with the patch equations, and its Jacobian (for polishing)."""
        H, Hx, _ = self.value(owner, x, np.ones(len(x)))
        return H, Hx


def solve_by_homotopy(
    tensors: tuple[NDArray[np.float64], ...], *, seed: int = 20_261_202
) -> AlgebraicOutput:
    """Support systems of any number of mixing players, by polynomial homotopy.

    ``tensors[r]`` has shape ``(B, k_0, ..., k_{m-1})``: role ``r``'s payoffs
    on the supports (every role mixes, ``k_r >= 2``).  The system
    ``F(x) = 0`` (each role's payoff differences, multilinear in the
    others' mixtures) is deformed from a start system ``G`` of the same
    multihomogeneous structure, a product of random complex linear forms
    (one per other role) in each equation, whose roots solve linear systems
    (:func:`start_assignments`): ``H(x, t) = (1 - t) gamma G(x) + t F(x)``,
    in projective coordinates on random patches.  With a random complex
    ``gamma`` every path is smooth for ``t < 1`` and the endpoints at
    ``t = 1`` include every isolated solution of ``F`` (the gamma trick;
    Morgan and Sommese 1987; Sommese and Wampler 2005, ch. 7-8).  All paths
    of all profiles are tracked at once (:func:`_track`); the random numbers
    come from a fixed seed, so results are reproducible.

    Endpoints are polished by Newton's method; the real ones with
    nonnegative mixtures are the candidates.  A profile is *degenerate*
    (its candidates may be incomplete) when an endpoint near the
    probability simplex is singular (a continuum or a multiple root: a
    non-generic game), or when a path fails or two paths end at the same
    point even after tracking again with smaller steps (a path jumped); the
    caller subdivides those.
    """
    hom = _Homotopy(tensors, np.random.default_rng(seed))
    B = tensors[0].shape[0]
    S = len(hom.starts)
    owner = np.repeat(np.arange(B), S)
    x, ok = _track(hom, owner, np.tile(hom.starts, (B, 1)))
    suspect = _suspect_profiles(hom, owner, x, ok)
    if suspect.any():  # track those profiles' paths again, more carefully
        redo = np.flatnonzero(suspect[owner])
        x2, ok2 = _track(
            hom, owner[redo], np.tile(hom.starts, (int(suspect.sum()), 1)),
            max_step=0.05, first_tol=1e-4, contraction=0.05,
        )
        x[redo], ok[redo] = x2, ok2
    failed = _suspect_profiles(hom, owner, x, ok)
    x = _polish(hom, owner, x)
    _, Hx = hom.system(owner, x)
    with np.errstate(all="ignore"):
        cond = np.linalg.cond(Hx)
    sig = hom.blocks(x)
    totals = [s.sum(axis=1) for s in sig]
    finite = np.ones(len(x), dtype=bool)
    for s, tot in zip(sig, totals, strict=True):
        finite &= np.abs(tot) > 1e-8 * np.abs(s).max(axis=1)
    with np.errstate(all="ignore"):
        mixtures = [s / tot[:, None] for s, tot in zip(sig, totals, strict=True)]
        z = np.concatenate(mixtures, axis=1)
        real = finite & (np.abs(z.imag).max(axis=1) <= 1e-7 * (1.0 + np.abs(z.real).max(axis=1)))
        near = real & np.all(z.real >= -0.1, axis=1)
    singular = ~(cond < _HOMOTOPY_COND)
    degenerate = failed.copy()
    degenerate[owner[near & singular]] = True
    keep = near & ~singular & ~degenerate[owner]
    keep &= np.all(z.real >= -_MARGIN, axis=1)
    keep = np.flatnonzero(keep)
    return AlgebraicOutput(
        owner[keep], tuple(np.clip(mx.real[keep], 0.0, None) for mx in mixtures), degenerate
    )


def _suspect_profiles(
    hom: _Homotopy, owner: NDArray[np.intp], x: NDArray[np.complex128], ok: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Profiles with a failed path, or two paths ending at one point.

    Endpoints are compared pairwise (per profile), or, for many paths, each
    with its eight neighbours in the order of a random projection.
    """
    B = int(owner.max()) + 1 if len(owner) else 0
    suspect = np.zeros(B, dtype=bool)
    suspect[owner[~ok]] = True
    S = len(hom.starts)
    direction = np.cos(np.arange(hom.N) + 1.0) + 1j * np.sin(np.arange(hom.N) * 0.7 + 0.3)
    for b in range(B):
        pts = np.nan_to_num(x[b * S : (b + 1) * S])
        scale = 1.0 + np.abs(pts).max()
        if S <= 256:
            gap = np.abs(pts[:, None, :] - pts[None, :, :]).max(axis=2)
            np.fill_diagonal(gap, np.inf)
        else:
            pts = pts[np.argsort((pts @ direction).real)]
            gap = np.stack([
                np.abs(pts[w:] - pts[:-w]).max(axis=1).min(initial=np.inf) for w in range(1, 9)
            ])
        suspect[b] |= bool(np.any(gap < 1e-6 * scale))
    return suspect


def _polish(
    hom: _Homotopy, owner: NDArray[np.intp], x: NDArray[np.complex128], steps: int = 3
) -> NDArray[np.complex128]:
    """Newton steps on ``F`` (with the patches) from each endpoint."""
    for _ in range(steps):
        H, Hx = hom.system(owner, np.nan_to_num(x))
        step = _solve(Hx, H)
        finite = np.asarray(np.isfinite(step).all(axis=1))
        x = np.where(finite[:, None], x - step, x)
    return x


def _track(
    hom: _Homotopy,
    owner: NDArray[np.intp],
    z: NDArray[np.complex128],
    *,
    max_step: float = 0.5,
    first_tol: float = 3e-2,
    contraction: float = 0.25,
    max_steps: int = 2000,
) -> tuple[NDArray[np.complex128], NDArray[np.bool_]]:
    """Track every path from ``t = 0`` to ``t = 1``; returns endpoints and
    whether each path arrived.

    Each step: a fourth-order Runge-Kutta predictor on
    ``dz/dt = -H_z^{-1} H_t``, then two Newton corrections at the new ``t``.
    The step is accepted when the first correction is small (below
    ``first_tol`` of ``1 + |x|``) and the second smaller by the factor
    ``contraction`` (Newton converging) or negligible; the step length
    then grows by 1.6 (at most ``max_step``), else it is halved.  A path
    fails when its step falls below 1e-9.
    """
    P = len(z)
    z = z.astype(np.complex128)
    t = np.zeros(P)
    h = np.full(P, min(0.05, max_step))
    done = np.zeros(P, dtype=bool)
    failed = np.zeros(P, dtype=bool)
    tangent = np.full((P, hom.N), np.nan, dtype=np.complex128)

    def slope(o: NDArray[np.intp], zz: NDArray[np.complex128], tt: NDArray[np.float64]) -> NDArray[np.complex128]:
        _, Hz, Ht = hom.value(o, np.nan_to_num(zz), tt)
        return -_solve(Hz, Ht)

    for _ in range(max_steps):
        act = np.flatnonzero(~done & ~failed)
        if not len(act):
            break
        za, ta, oa = z[act], t[act], owner[act]
        ha = np.minimum(h[act], 1.0 - ta)
        hc = ha[:, None]
        k1 = tangent[act]
        missing = ~np.isfinite(k1).all(axis=1)
        if missing.any():
            k1[missing] = slope(oa[missing], za[missing], ta[missing])
        k2 = slope(oa, za + 0.5 * hc * k1, ta + 0.5 * ha)
        k3 = slope(oa, za + 0.5 * hc * k2, ta + 0.5 * ha)
        t1 = np.where(ha >= 1.0 - ta, 1.0, ta + ha)
        k4 = slope(oa, za + hc * k3, t1)
        z1 = za + hc * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
        sizes = []
        for _it in range(2):
            H, Hz, Ht = hom.value(oa, np.nan_to_num(z1), t1)
            step = _solve(Hz, H)
            z1 = z1 - step
            with np.errstate(invalid="ignore"):
                sizes.append(np.abs(step).max(axis=1) / (1.0 + np.abs(z1).max(axis=1)))
        with np.errstate(invalid="ignore"):
            accepted = (
                np.isfinite(z1).all(axis=1)
                & (sizes[0] < first_tol)
                & ((sizes[1] <= contraction * sizes[0]) | (sizes[1] <= 1e-11))
            )
        ok_idx = act[accepted]
        # the tangent at the corrected point, from the last Newton step's
        # Jacobian (one correction away): the next step's first slope
        tangent[act] = np.nan
        tangent[ok_idx] = -_solve(Hz[accepted], Ht[accepted])
        z[ok_idx] = z1[accepted]
        t[ok_idx] = t1[accepted]
        done[ok_idx] = t1[accepted] >= 1.0
        h[ok_idx] = np.minimum(ha[accepted] * 1.6, max_step)
        bad = act[~accepted]
        h[bad] = ha[~accepted] * 0.5
        failed[bad[h[bad] < 1e-9]] = True
        failed[act] |= np.abs(z[act]).max(axis=1) > _HOMOTOPY_HUGE
    return z, done & ~failed


def _solve(A: NDArray[np.complex128], b: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """Batched ``A x = b``; rows with a singular or non-finite system give ``nan``."""
    try:
        with np.errstate(all="ignore"):
            out = np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:  # some matrix singular: solve row by row
        out = np.full(b.shape, np.nan, dtype=np.complex128)
        for r in range(len(A)):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[r] = np.linalg.solve(A[r], b[r])
    return np.asarray(out, dtype=np.complex128)
