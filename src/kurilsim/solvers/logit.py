"""Logit quantal response equilibria and the logit path-following solver.

In a logit quantal response equilibrium (QRE) at precision ``λ ≥ 0`` each
player mixes over its pure strategies with probabilities proportional to
``exp(λ u_i(s, σ_-i))`` (McKelvey & Palfrey 1995).  At ``λ = 0`` the unique
QRE is the centroid (uniform mixing); as ``λ → ∞`` QREs approach Nash
equilibria.  Generically the QREs form a one-dimensional manifold, and the
*principal branch*, the component that contains the centroid, is a path
whose limit is a Nash equilibrium, the logit (tracing) solution of the game
(Turocy 2005).  This module follows that branch.

Coordinates and homotopy
------------------------
The unknowns are the log-probabilities ``w_is = log σ_is`` (interior
profiles, however close to the boundary) and ``ν = λ R``, where ``R`` is the
largest payoff range of the game; payoffs are scaled to ``ũ = u / R``, so
``ν ũ = λ u`` and the step lengths mean the same for any payoff units.  For
each player ``i``, with strategy 0 as reference, the homotopy is::

    H_i0(w, ν) = Σ_s exp(w_is) - 1                          = 0
    H_is(w, ν) = w_is - w_i0 - ν (ũ_i(s, σ_-i) - ũ_i(0, σ_-i)) = 0,  s ≥ 1

``M = Σ m_i`` equations in ``M + 1`` unknowns, solved at ``(w, ν) =
(log centroid, 0)``.  The branch is followed by arclength predictor–corrector
continuation (Allgower & Georg 1990):

* the tangent spans the null space of the Jacobian ``J = [H_w | H_ν]``:
  with ``d`` the previous tangent, ``[J; d^T] v = e_{M+1}`` gives ``J v = 0``
  and ``d · v > 0`` (the direction of travel is kept), and the sign of
  ``det [J; d^T]`` is the orientation (below); the last Newton step of the
  corrector factorises exactly that matrix, so the tangent costs one more
  right-hand side (the complete QR factorisation of ``J^T`` is the fallback
  where ``d`` is orthogonal to the path);
* an Euler predictor step along the tangent is corrected by Newton's method
  restricted to the hyperplane orthogonal to the tangent (pseudo-arclength);
* the step length adapts to the size of the first Newton correction, the
  contraction rate of Newton's method and the turning angle of the tangent
  (at most ×1.5 per step by default);
* a step is also rejected if the orientation ``sign det [J; t^T]`` flips:
  it is constant along a regular path, so a flip reveals a jump to a nearby
  branch (two branches pass close to each other).  A flip that persists
  down to a step of ``1e-3 (1 + ν)`` is a bifurcation point, which only
  non-generic games have (symmetric games, e.g. battle of the sexes with
  payoffs (3, 2)/(2, 3)); the path goes straight through it, along the
  branch with the same tangent.

Bifurcations and round-off
--------------------------
In floating point a symmetric game is never exactly symmetric: round-off
perturbs the equations by about ``1e-16`` and unfolds each bifurcation
point into branches that pass within about ``1e-5`` of each other (the cube
root of the perturbation, for a pitchfork).  A tracer that approaches such
a point with ever shorter steps ends up resolving that unfolding, so which
branch it takes, or whether it stalls, depends on the BLAS kernel and the
summation order.  This tracer decides on scales far above round-off
instead: it accepts a crossing once the orientation flip persists at a step
of ``1e-3 (1 + ν)``, and if it stalls (steps below ``1e-6 (1 + ν)``) next to a
singular point it jumps over it with steps of ``2e-3 (1 + ν)`` or longer
(:meth:`_Tracer.jump`).  Games within about ``1e-9`` of a symmetric game
therefore follow the symmetric continuation on every machine.  Payoffs are
shifted to start at zero for each player (and, for Nash solving, divided by
that player's range), so a large common payoff level or unequal payoff
units do not add cancellation error.

The branch may bend back in ``λ`` (Gambit's ``loopback.nfg``); the
continuation follows the arclength, not ``λ``.  The Jacobian is assembled,
with no loop over strategies, from the ``M × M`` matrix of the derivatives
``∂ũ_i(s, σ_-i)/∂σ_j(t)``, one matrix-vector product per pair of players.

With numba installed, games of two or three players (the strategic
negotiation games) take each Newton step -- the derivatives, ``H``, ``J``
and the solve of ``[J; t^T]`` for the correction and the tangent -- in one
compiled call (:mod:`kurilsim.solvers._logit_numba`), which also solves by
eliminating the first player's block in closed form (it is that player's
sum row over ``e_s - e_0`` rows); the steps, and every decision of the
tracer, are the numpy path's, up to round-off.  ``KURILSIM_DISABLE_NUMBA``
keeps the numpy path.

References
----------
.. [MP95] R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for
   normal form games", *Games and Economic Behavior* 10(1):6–38, 1995.
.. [Tur05] T. L. Turocy, "A dynamic homotopy interpretation of the logistic
   quantal response equilibrium correspondence", *Games and Economic
   Behavior* 51(2):243–263, 2005.
.. [AG90] E. L. Allgower and K. Georg, *Numerical Continuation Methods: An
   Introduction*, Springer, 1990.
.. [Gambit] R. D. McKelvey, A. M. McLennan and T. L. Turocy, *Gambit:
   Software Tools for Game Theory*, ``gambit-logit`` (``pygambit.nash.logit_solve``).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import check_int, check_real
from kurilsim._errors import InvalidGameError, InvalidProfileError, SolverError
from kurilsim.games.normal_form import DEFAULT_TOL, NormalFormGame, Profile
from kurilsim.games.payoffs import deviation_gains

__all__ = ["QREPath", "logit_qre", "logit_solve_kernel", "qre_path"]

Vector = NDArray[np.float64]
#: Strategy indices, one array per player.
Support = tuple[NDArray[np.intp], ...]

# --------------------------------------------------------------- step control
#: Largest first Newton correction (Euclidean, scaled units) for which a
#: predictor step is accepted; the step length shrinks as it approaches this.
_MAX_DIST = 0.4
#: Largest accepted contraction rate of the Newton corrector.
_MAX_CONTRACTION = 0.5
#: Smallest accepted cosine between consecutive tangents (about 30 degrees).
_MIN_COS = math.cos(math.pi / 6)
#: Largest deceleration factor of the step length (and the cut on rejection).
_MAX_DECEL = 2.0
#: Relative convergence tolerance of the corrector along the path.
_CORRECTOR_TOL = 1e-10
_CORRECTOR_ITER = 12
#: Smallest step length, relative to ``1 + |ν|``, before tracing gives up.
_MIN_STEP = 1e-13
#: A change of orientation is accepted as a bifurcation crossing once the
#: step length has shrunk to this (relative to ``1 + |ν|``).  The scale is
#: far above round-off: near a bifurcation point, round-off perturbs the
#: equations by about 1e-16 and so unfolds the bifurcation on a scale of
#: about 1e-5 (the cube root, for a pitchfork), where a tracer that
#: approaches it with ever shorter steps ends up following round-off.
_BIFURCATION_STEP = 1e-3
#: A stalled tracer (steps shorter than this, relative to ``1 + |ν|``) next
#: to a singular point jumps over it (see :meth:`_Tracer.jump`).
_STALL_STEP = 1e-6
#: ``[J; t^T]`` counts as nearly singular when its smallest singular value
#: is at most this times its largest.
_SINGULAR = 1e-3
#: Jump lengths tried over a singular point (relative to ``1 + |ν|``): the
#: first, and the factor between successive tries.
_JUMP_FIRST = 2e-3
_JUMP_TRIES = 8
#: Largest ``ν`` (precision times the payoff range) the tracer goes to: far
#: beyond it every probability that is not maximal underflows.
_MAX_NU = 1e15
# A Newton iterate whose log-probability exceeds this (a probability above
# e^30) has left the simplex for good: the step is rejected rather than
# evaluated (``exp`` would overflow).
_MAX_LOG_PROB = 30.0

# ------------------------------------------------------------- Nash polishing
#: The solver tries to polish once the path's regret (relative to the largest
#: payoff range) is at most this.
_POLISH_START = 1e-3
#: The logit solver's answers have regret at most this times the payoff range
#: (or ``tol`` times it, whichever is smaller).
_NASH_TOL = 1e-10

#: The largest QRE residual accepted at the end of a path traced to
#: ``lam_max`` (:attr:`QREPath.certificate`): the largest difference between
#: a probability of the last profile and the logit response to it.
QRE_TOL = 1e-8


@dataclass(frozen=True, slots=True, eq=False)
class QREPath:
    """Points of the principal branch of the logit QRE correspondence.

    Attributes
    ----------
    lam : ndarray
        Shape ``(n_points,)``: the precision ``λ`` of each point, in the
        game's payoff units (``σ_i(s) ∝ exp(λ u_i(s, σ_-i))``), in the order
        of the branch.  It starts at 0 and is not monotone if the branch bends
        back.
    profiles : tuple of ndarray
        One array per player, of shape ``(n_points, m_i)``: row ``k`` is that
        player's mixed strategy at ``lam[k]``.
    certificate : float
        The checked error measure of the path's last point, which depends on
        how the path stopped.  Traced to ``lam_max``: the QRE residual, the
        largest difference between a probability of the last profile and the
        logit response to it at ``lam_max`` (checked against ``tol =
        QRE_TOL = 1e-8``).  Traced to a Nash equilibrium (no ``lam_max``):
        the last profile's largest deviation gain in units of the game's
        largest payoff range (``tol = max_regret``).
    tol : float
        What ``certificate`` was checked against: ``certificate <= tol``.
    message : str
        A one-line account of the path and where it stopped.
    method : str
        ``"logit-qre-path"``.

    Examples
    --------
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.logit import qre_path
    >>> game = NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
    >>> path = qre_path(game, lam_max=2.0)
    >>> float(path.lam[0]), float(path.lam[-1])
    (0.0, 2.0)
    >>> path.profiles[0][0]
    array([0.5, 0.5])
    >>> len(path) == path.lam.size == path.profiles[1].shape[0]
    True
    >>> path.certificate <= path.tol
    True
    """

    lam: Vector
    profiles: tuple[NDArray[np.float64], ...]
    _: KW_ONLY
    certificate: float
    tol: float
    message: str
    method: str = "logit-qre-path"

    def __len__(self) -> int:
        return int(self.lam.size)

    def profile(self, k: int) -> Profile:
        """The mixed-strategy profile at point ``k`` (one vector per player)."""
        return tuple(p[k] for p in self.profiles)

    def __repr__(self) -> str:
        return (
            f"QREPath({len(self)} points, lam from {self.lam[0]:.4g} to "
            f"{self.lam[-1]:.4g}, max lam {self.lam.max():.4g})"
        )


# ============================================================== the homotopy
class _LogitSystem:
    """The homotopy ``H(w, ν)`` of one game, its Jacobian and helpers.

    Strategies are numbered globally ``0 .. M-1`` (player 0's first).  The
    central object is the ``M × M`` matrix ``C`` of the derivatives
    ``∂ũ_i(s, σ_-i)/∂σ_j(t)`` (block ``(i, j)``; zero blocks on the
    diagonal).  As payoffs are multilinear, ``C @ σ / (n - 1)`` is the vector
    of every strategy's payoff against the others' mix.
    """

    def __init__(self, game: NormalFormGame, *, per_player: bool = False) -> None:
        self.game = game
        # Each player's payoffs are shifted to start at 0: the logit response
        # does not change, and the payoff differences the homotopy takes are
        # then computed without cancellation against a large common level.
        # ``per_player`` (for Nash solving) also divides each player's payoffs
        # by its own range, which leaves the Nash equilibria unchanged.
        ranges = np.asarray(game.payoff_ranges, dtype=np.float64)
        self.scale = float(ranges.max())
        units = ranges if per_player else np.full(len(ranges), self.scale)
        #: Each player's payoffs minus their minimum, in the game's units:
        #: deviation gains computed from these do not lose digits to a large
        #: common payoff level (certification uses them).
        self.shifted: tuple[NDArray[np.float64], ...] = tuple(
            np.asarray(p, dtype=np.float64) - float(np.min(p)) for p in game.payoffs
        )
        self.payoffs: tuple[NDArray[np.float64], ...] = tuple(
            p / unit for p, unit in zip(self.shifted, units, strict=True)
        )
        self.ranges = ranges / units
        self.shape = tuple(int(m) for m in game.shape)
        self.n = n = len(self.shape)
        self.starts = np.concatenate([[0], np.cumsum(self.shape)[:-1]]).astype(np.intp)
        self.blocks = tuple(
            slice(int(o), int(o) + m)
            for o, m in zip(self.starts, self.shape, strict=True)
        )
        self.size = M = int(sum(self.shape))
        # owner[k]: the player of global strategy k; ref[k]: that player's
        # reference (first) strategy.
        self.owner = np.repeat(np.arange(n), self.shape)
        ref = self.starts[self.owner]
        # Rows of the log-ratio equations (non-reference strategies), and the
        # reference strategy of each.
        self.rows = np.flatnonzero(np.arange(M) != ref)
        self.refs = ref[self.rows]
        # The part of the Jacobian that does not depend on the point.
        template = np.zeros((M, M + 1))
        template[self.rows, self.rows] = 1.0
        template[self.rows, self.refs] = -1.0
        self._template = template
        # Block (i, j) of C: player i's payoffs, axes ordered (i, j, others...),
        # contracted with the other players' mixed strategies by one einsum.
        self._pairs: list[tuple[slice, slice, Vector, tuple[int, ...]]] = []
        for i in range(n):
            for j in range(n):
                if i != j:
                    others = tuple(k for k in range(n) if k not in (i, j))
                    moved = np.ascontiguousarray(
                        np.transpose(self.payoffs[i], [i, j, *others])
                    )
                    self._pairs.append((self.blocks[i], self.blocks[j], moved, others))
        self._constant: NDArray[np.float64] | None = None
        self.fast: tuple[Any, ...] | None = None
        if n <= 2:
            self._constant = self._cross_matrix(tuple(np.ones(m) for m in self.shape))
        #: The compiled inner loops (:mod:`._logit_numba`) and their fixed
        #: arguments, for two- and three-player games when numba is usable.
        self.fast = _compiled_loops(self)

    # ----------------------------------------------------------- coordinates
    def centroid_point(self) -> Vector:
        w = np.concatenate([np.full(m, -math.log(m)) for m in self.shape])
        return np.append(w, 0.0)

    def split(self, x: Vector) -> Profile:
        return tuple(x[b] for b in self.blocks)

    def profile(self, w: Vector) -> Profile:
        """The normalised profile of the log-probabilities ``w``."""
        x = np.exp(w - np.maximum.reduceat(w, self.starts)[self.owner])
        return self.split(x / np.add.reduceat(x, self.starts)[self.owner])

    def point(self, profile: Profile, lam: float) -> Vector:
        with np.errstate(divide="ignore"):
            w = np.log(np.concatenate(profile))
        return np.append(w, lam * self.scale)

    # ------------------------------------------------------------- payoffs
    def _cross_matrix(self, sigma: Profile) -> NDArray[np.float64]:
        M = self.size
        C = np.zeros((M, M))
        for rows, cols, moved, others in self._pairs:
            # one matrix-vector product: the payoffs, axes (i, j, others...),
            # flattened against the outer product of the others' strategies
            weights = functools.reduce(
                np.multiply.outer, [sigma[k] for k in others], np.ones(())
            )
            block = moved.reshape(rows.stop - rows.start, cols.stop - cols.start, -1)
            C[rows, cols] = block @ np.ravel(weights)
        return C

    def cross(self, sigma: Profile) -> NDArray[np.float64]:
        """The matrix ``C`` of ``∂ũ_i(s, σ_-i)/∂σ_j(t)`` at ``sigma``."""
        if self._constant is not None:
            return self._constant
        if self.fast is not None:
            loops, P0, P1, P2 = self.fast[:4]
            C = np.zeros((self.size, self.size))
            loops.cross(P0, P1, P2, np.concatenate(sigma), C)
            return C
        return self._cross_matrix(sigma)

    def deviation(self, x: Vector, C: NDArray[np.float64]) -> Vector:
        """Scaled payoff of each pure strategy against the others' mix ``x``."""
        if self.n == 1:
            return self.payoffs[0]
        return (C @ x) / (self.n - 1)

    def scaled_regret(self, sigma: Profile) -> float:
        """Largest deviation gain, in units of the largest payoff range.

        Never negative: the average payoff ``dev @ x`` can exceed the best
        one by round-off (at the centroid of a coordination game, say).
        """
        x = np.concatenate(sigma)
        if self.fast is not None:
            loops, P0, P1, P2, C, n = self.fast[:6]
            return float(
                loops.scaled_regret(x, P0, P1, P2, C, n, self.starts, self.owner)
            )
        dev = self.deviation(x, self.cross(sigma))
        best = np.maximum.reduceat(dev, self.starts)
        return max(0.0, float((best - np.add.reduceat(dev * x, self.starts)).max()))

    # ------------------------------------------------------------ homotopy
    def evaluate(self, y: Vector) -> tuple[Vector, NDArray[np.float64]]:
        """``H(y)`` (shape ``(M,)``) and its Jacobian (shape ``(M, M + 1)``)."""
        M = self.size
        w, nu = y[:M], y[M]
        x = np.exp(w)
        C = self.cross(self.split(x))
        dev = self.deviation(x, C)
        rows, refs = self.rows, self.refs
        H = np.empty(M)
        H[self.starts] = np.add.reduceat(x, self.starts) - 1.0
        H[rows] = w[rows] - w[refs] - nu * (dev[rows] - dev[refs])
        J = self._template.copy()
        J[self.starts[self.owner], np.arange(M)] = x
        J[rows, :M] -= nu * (C[rows] - C[refs]) * x
        J[rows, M] = dev[refs] - dev[rows]
        return H, J


def _compiled_loops(system: _LogitSystem) -> tuple[Any, ...] | None:
    """The compiled loops of :mod:`._logit_numba` and the fixed arguments
    they take for ``system``, or ``None``: numba not installed or disabled
    (:data:`kurilsim.solvers._numba.DISABLE_NUMBA_ENV`), or not two or three
    players."""
    from kurilsim.solvers._numba import have_numba, numba_disabled

    if system.n not in (2, 3) or numba_disabled() or not have_numba():
        return None
    try:
        from kurilsim.solvers import _logit_numba as loops
    except ImportError:  # pragma: no cover - a broken numba installation
        return None
    if system.n == 3:
        P0, P1, P2 = (np.ascontiguousarray(p, dtype=np.float64) for p in system.payoffs)
        C = np.zeros((system.size, system.size))
    else:
        P0 = P1 = P2 = np.zeros((0, 0, 0))
        C = np.ascontiguousarray(system.cross(()))
    return (
        loops, P0, P1, P2, C, system.n,
        system.starts.astype(np.intp), system.owner.astype(np.intp),
        system.rows.astype(np.intp), system.refs.astype(np.intp),
    )


# ============================================================== continuation
def _tangent(J: NDArray[np.float64], direction: Vector) -> tuple[Vector, float]:
    """The unit null vector of ``J`` (``M × (M + 1)``) along ``direction``.

    The null vector solves ``[J; direction^T] v = e_{M+1}`` (the last column
    of the complete QR factorisation of ``J^T`` where that system is
    singular); its sign is chosen so that it does not point against
    ``direction``.  Also returns the orientation of the path at the point,
    the sign of ``det [J; t^T]``, which is constant along a regular path.
    """
    # [J; d^T] v = e_{M+1}: J v = 0 and d . v = 1 > 0, so v / |v| is the
    # tangent along d; and det [J; d^T] = (d . t) det [J; t^T] (the last row
    # of a determinant is linear, and its cofactor vector is a multiple of
    # t), so both have the same sign.  One LU factorisation gives both.
    from scipy.linalg import lu_factor, lu_solve

    A = np.vstack([J, direction])
    e = np.zeros(A.shape[0])
    e[-1] = 1.0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an exactly singular A: handled below
        lu, piv = lu_factor(A, check_finite=False)
        v = lu_solve((lu, piv), e, check_finite=False)
    diagonal = np.diagonal(lu)
    norm = float(np.linalg.norm(v))
    if np.all(diagonal != 0) and math.isfinite(norm) and norm > 0:
        swaps = int(np.count_nonzero(piv != np.arange(piv.size)))
        sign = -1.0 if swaps % 2 else 1.0
        return v / norm, sign * float(np.prod(np.sign(diagonal)))
    # [J; d^T] singular (d orthogonal to the tangent): the complete QR
    # factorisation of J^T gives the null vector
    q, _ = np.linalg.qr(J.T, mode="complete")
    t = q[:, -1]
    if float(t @ direction) < 0:
        t = -t
    orientation = float(np.linalg.slogdet(np.vstack([J, t]))[0])
    return t, orientation


def _newton_fixed(
    system: _LogitSystem, w0: Vector, nu: float, *, tol: float, max_iter: int = 60
) -> Vector | None:
    """Solve ``H(w, ν) = 0`` for ``w`` at fixed ``ν`` by Newton's method.

    Stops when the largest correction is at most ``tol * (1 + max |w|)``, or
    when the corrections stop shrinking below ``sqrt(tol)`` times that scale
    (round-off floor); returns ``None`` if it does not converge.
    """
    M = system.size
    w = np.array(w0, dtype=np.float64)
    best = math.inf
    stalls = 0
    for _ in range(max_iter):
        if not float(w.max()) <= _MAX_LOG_PROB:
            return None  # diverged off the simplex
        H, J = system.evaluate(np.append(w, nu))
        A = J[:, :M]
        try:
            step = np.linalg.solve(A, -H)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(A, -H, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            return None
        size = float(np.abs(step).max())
        w = w + step
        scale = 1.0 + float(np.abs(w).max())
        if size <= tol * scale:
            return w
        if size < 0.5 * best:
            best, stalls = size, 0
        else:
            stalls += 1
            if stalls >= 3:
                return w if best <= math.sqrt(tol) * scale else None
    return w if best <= math.sqrt(tol) * (1.0 + float(np.abs(w).max())) else None


class _Tracer:
    """Arclength predictor–corrector continuation of ``H(y) = 0``.

    ``y`` is the current point, ``t`` the unit tangent (direction of travel),
    ``h`` the next step length; ``previous`` holds the state before the last
    accepted step; ``orientation`` is the sign of ``det [J; t^T]``.
    """

    def __init__(
        self,
        system: _LogitSystem,
        y: Vector,
        direction: Vector,
        *,
        first_step: float,
        max_accel: float,
    ) -> None:
        self.system = system
        #: The last compiled plane step's Jacobian, tangent and orientation.
        self._frame: tuple[NDArray[np.float64], Vector, float] | None = None
        self.y = np.asarray(y, dtype=np.float64)
        _, J = system.evaluate(self.y)
        self.t, self.orientation = self._tangent(J, np.asarray(direction, dtype=np.float64))
        self.h = float(first_step)
        self.max_accel = float(max_accel)
        self.previous: tuple[Vector, Vector, float] | None = None
        self.steps = 0
        self._rhs = np.zeros(system.size + 1)

    @property
    def nu(self) -> float:
        return float(self.y[-1])

    def _tangent(self, J: NDArray[np.float64], direction: Vector) -> tuple[Vector, float]:
        """:func:`_tangent`, by the compiled loop when the system has one."""
        frame = self._frame
        if frame is not None and frame[0] is J and direction is self.t:
            return frame[1], frame[2]
        fast = getattr(self.system, "fast", None)
        if fast is not None:
            sign, t = fast[0].tangent(J, direction)
            if sign != 0.0:
                return t, float(sign)
        return _tangent(J, direction)

    def _correct(self, u: Vector) -> tuple[Vector, NDArray[np.float64], float] | None:
        """Newton's method from the predicted point ``u``.

        Each iteration solves ``[J(u); t^T] δ = [-H(u); 0]``: the correction
        stays in the hyperplane through ``u`` orthogonal to the tangent ``t``
        (Keller's pseudo-arclength condition).  Returns the corrected point,
        the Jacobian of the last iteration and the deceleration factor of the
        step length, or ``None`` to reject the step: the first correction is
        too large (the predictor strayed from the path) or Newton's method
        contracts too slowly.
        """
        decel = 1.0 / self.max_accel
        dist_prev = 0.0
        for it in range(_CORRECTOR_ITER):
            step = self._plane_step(u)
            if step is None:
                return None
            delta, J = step
            dist = float(np.linalg.norm(delta))
            threshold = _CORRECTOR_TOL * (1.0 + float(np.abs(u).max()))
            if it == 0:
                if dist > _MAX_DIST:
                    return None
                decel = max(decel, math.sqrt(dist / _MAX_DIST) * _MAX_DECEL)
            else:
                contraction = dist / (dist_prev + 0.1 * threshold)
                if contraction > _MAX_CONTRACTION:
                    return None
                decel = max(
                    decel, math.sqrt(contraction / _MAX_CONTRACTION) * _MAX_DECEL
                )
            u = u + delta
            if dist <= threshold:
                return u, J, decel
            dist_prev = dist
        return None

    def advance(self) -> None:
        """Take one accepted predictor–corrector step along the branch.

        A step is rejected, and retried at half the length, if the corrector
        fails, the tangent turns by more than 30 degrees, ``λ`` becomes
        negative (only the centroid has ``λ = 0`` on the branch), or the
        orientation ``sign det [J; t^T]`` flips.  Along a regular path the
        orientation is constant, so a flip means that the step either jumped
        to a nearby branch or crossed a bifurcation point (which only
        non-generic games have, e.g. symmetric ones).  A flip that persists
        down to a step of ``1e-3 (1 + |ν|)`` is taken as a crossing: the path
        goes straight through the bifurcation point, along the branch with
        the same tangent.  If the steps stall (shorter than ``1e-6 (1 + |ν|)``)
        next to a singular point, the tracer jumps over it
        (:meth:`jump`).  Both decisions are made on scales far above
        round-off, so the branch followed does not depend on the machine.
        """
        jumped = False
        while True:
            scale = 1.0 + abs(self.nu)
            if self.h <= _STALL_STEP * scale and not jumped:
                jumped = True
                if self.jump():
                    return
            if self.h <= _MIN_STEP * scale or not math.isfinite(scale):
                raise SolverError(
                    "logit path following failed: the step length underflowed "
                    f"at lambda = {self.nu / self.system.scale:.6g} after "
                    f"{self.steps} steps"
                )
            result = self._correct(self.y + self.h * self.t)
            if result is None:
                self.h /= _MAX_DECEL
                continue
            u, J, decel = result
            t, orientation = self._tangent(J, self.t)
            if float(t @ self.t) < _MIN_COS or not 0 <= u[-1] < _MAX_NU:
                self.h /= _MAX_DECEL
                continue
            if orientation != self.orientation:
                if self.h > _BIFURCATION_STEP * scale:
                    self.h /= _MAX_DECEL
                    continue
                self.orientation = orientation
            self._accept(u, t, self.h / min(decel, _MAX_DECEL))
            return

    def _accept(self, u: Vector, t: Vector, h: float) -> None:
        self.previous = (self.y, self.t, self.h)
        self.y, self.t = u, t
        self.h = h
        self.steps += 1

    def jump(self) -> bool:
        """Jump over a singular point next to which the tracer has stalled.

        Near a bifurcation point the Jacobian ``[J; t^T]`` is nearly
        singular, Newton's method contracts slowly and ever shorter steps are
        rejected.  Steps of length ``2e-3 (1 + |ν|)``, then twice, four
        times ... that, are tried along the tangent, each corrected by
        Newton's method without the contraction test.  The first whose
        tangent continues the current one (within 30 degrees) is accepted if
        the orientation flipped on the way (a bifurcation point was crossed)
        or ``[J; t^T]`` is nearly singular where the tracer stalled (smallest
        singular value at most ``1e-3`` times the largest: several branches
        meet there and the orientation need not flip).  Returns whether a
        jump was taken.
        """
        _, J = self.system.evaluate(self.y)
        singular = np.linalg.svd(np.vstack([J, self.t]), compute_uv=False)
        near_singular = bool(singular[-1] <= _SINGULAR * singular[0])
        length = _JUMP_FIRST * (1.0 + abs(self.nu))
        for _ in range(_JUMP_TRIES):
            found = self._newton_on_plane(self.y + length * self.t)
            if found is not None:
                u, J_u = found
                t, orientation = self._tangent(J_u, self.t)
                if float(t @ self.t) >= _MIN_COS and 0 <= u[-1] < _MAX_NU:
                    if orientation == self.orientation and not near_singular:
                        return False
                    self.orientation = orientation
                    self._accept(u, t, length)
                    return True
            length *= 2.0
        return False

    def _plane_step(
        self, u: Vector
    ) -> tuple[Vector, NDArray[np.float64]] | None:
        """One Newton step ``δ`` in the hyperplane through ``u`` orthogonal to ``t``.

        Solves ``[J(u); t^T] δ = [-H(u); 0]``; returns ``δ`` and ``J(u)``, or
        ``None`` if ``u`` has diverged (a log-probability above
        ``_MAX_LOG_PROB``), the system is singular or the step is not finite.
        """
        fast = getattr(self.system, "fast", None)
        if fast is not None:
            loops, P0, P1, P2, C, n, starts, owner, rows, refs = fast
            status, delta, J, t, sign = loops.plane_step(
                u, self.t, P0, P1, P2, C, n, starts, owner, rows, refs, _MAX_LOG_PROB
            )
            if status != 0:
                return None
            # the tangent at u along self.t, from the same factors: what
            # _tangent(J, self.t) computes next if this is the last step
            self._frame = (J, t, float(sign))
            return delta, J
        if not float(u[:-1].max()) <= _MAX_LOG_PROB:
            return None
        H, J = self.system.evaluate(u)
        rhs = self._rhs
        rhs[:-1] = -H
        try:
            delta = np.asarray(
                np.linalg.solve(np.vstack([J, self.t]), rhs), dtype=np.float64
            )
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(delta)):
            return None
        return delta, J

    def _newton_on_plane(
        self, u: Vector, max_iter: int = 50
    ) -> tuple[Vector, NDArray[np.float64]] | None:
        """Newton's method on ``H = 0`` in the hyperplane through ``u`` (no step control)."""
        for _ in range(max_iter):
            step = self._plane_step(u)
            if step is None:
                return None
            delta, J = step
            u = u + delta
            if float(np.linalg.norm(delta)) <= _CORRECTOR_TOL * (
                1.0 + float(np.abs(u).max())
            ):
                return u, J
        return None

    def land(self, nu: float, *, tol: float) -> Vector:
        """The point with ``ν = nu`` between the last two accepted points.

        Requires ``previous ν < nu ≤ current ν``.  Newton's method at fixed
        ``ν`` starts from linear interpolation; if it fails (or wanders off the
        segment), the last step is retaken with a quarter of its length.
        """
        for _ in range(40):
            if self.previous is None:  # pragma: no cover - advance() always sets it
                break
            a, t_a, _ = self.previous
            b = self.y
            frac = (nu - a[-1]) / (b[-1] - a[-1])
            start = a[:-1] + frac * (b[:-1] - a[:-1])
            w = _newton_fixed(self.system, start, nu, tol=tol)
            span = float(np.linalg.norm(b - a))
            if w is not None and float(np.linalg.norm(w - start)) <= span:
                return np.append(w, nu)
            # Retake the step from ``a``, shorter, until it crosses ``nu`` again.
            self.y, self.t, self.previous = a, t_a, None
            self.h = span / 4
            while self.nu < nu:
                self.advance()
        raise SolverError(
            "logit path following could not land on lambda = "
            f"{nu / self.system.scale:.6g}"
        )


# ================================================================ validation
def _check_game(game: object, name: str) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            f"{name} expects a NormalFormGame, got {type(game).__name__}"
        )
    return game


def _check_real(value: object, name: str, *, low: float, strict: bool = False) -> float:
    return check_real(value, name, low=low, low_open=strict, error=InvalidGameError)


def _check_steps(max_steps: object) -> int:
    return check_int(max_steps, "max_steps", low=1, error=InvalidGameError)


def _frozen(array: Vector) -> Vector:
    out = np.array(array, dtype=np.float64)
    out.flags.writeable = False
    return out


# ==================================================================== QREs
def qre_path(
    game: NormalFormGame,
    *,
    lam_max: float | None = None,
    max_steps: int = 100_000,
    max_regret: float = 1e-8,
    first_step: float = 0.03,
    max_accel: float = 1.5,
) -> QREPath:
    """Trace the principal branch of the logit QRE correspondence.

    Follows the branch from the centroid at ``λ = 0`` by arclength
    predictor–corrector continuation in log-probability coordinates (see the
    module notes), and returns every accepted point.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    lam_max : float, optional
        Stop where the branch first reaches ``λ = lam_max`` (in payoff
        units); the last point is exactly there.  By default, stop at the
        first point that is a ``max_regret``-Nash equilibrium.
    max_steps : int, default 100_000
        Largest number of continuation steps.
    max_regret : float, default 1e-8
        Without ``lam_max``: stop once no player gains more than
        ``max_regret * game.payoff_range`` by deviating (Gambit's criterion).
    first_step : float, default 0.03
        Arclength of the first step.  Lengths are measured with ``λ`` times
        the largest payoff range, so they mean the same for any payoff scale.
    max_accel : float, default 1.5
        Largest factor by which the step length grows from one step to the
        next (at least 1).

    Returns
    -------
    QREPath
        The points of the branch in order, starting with the centroid.
        Probabilities below about ``1e-308`` underflow to 0 at large ``λ``.

    Raises
    ------
    InvalidGameError
        If an argument is out of range.
    SolverError
        If ``max_steps`` steps do not reach the stopping point, or the step
        length underflows.

    See Also
    --------
    logit_qre : the QRE at one precision.

    Examples
    --------
    In the prisoner's dilemma the probability of defecting grows with ``λ``:

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.logit import qre_path
    >>> game = NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
    >>> path = qre_path(game, lam_max=5.0)
    >>> bool(np.all(np.diff(path.profiles[0][:, 1]) > 0))
    True
    >>> path.profile(-1)[0].round(6)
    array([0.006481, 0.993519])
    """
    game = _check_game(game, "qre_path")
    target = None if lam_max is None else _check_real(lam_max, "lam_max", low=0.0)
    max_steps = _check_steps(max_steps)
    max_regret = _check_real(max_regret, "max_regret", low=0.0, strict=True)
    first_step = _check_real(first_step, "first_step", low=0.0, strict=True)
    max_accel = _check_real(max_accel, "max_accel", low=1.0)

    system = _LogitSystem(game)
    y0 = system.centroid_point()
    points = [y0]
    if target == 0.0:
        return _make_path(system, points, max_regret=None)
    nu_target = None if target is None else target * system.scale
    if (
        nu_target is None
        and system.scaled_regret(system.profile(y0[:-1])) <= max_regret
    ):
        return _make_path(system, points, max_regret=max_regret)
    tracer = _Tracer(
        system, y0, _unit(system.size), first_step=first_step, max_accel=max_accel
    )
    while tracer.steps < max_steps:
        tracer.advance()
        if nu_target is not None and tracer.nu >= nu_target:
            points.append(tracer.land(nu_target, tol=_CORRECTOR_TOL))
            return _make_path(system, points, max_regret=None)
        points.append(tracer.y)
        if nu_target is None:
            regret = system.scaled_regret(system.profile(tracer.y[:-1]))
            if regret <= max_regret:
                return _make_path(system, points, max_regret=max_regret)
    sigma = system.profile(tracer.y[:-1])
    raise SolverError(
        f"qre_path stopped after max_steps = {max_steps} steps at lambda = "
        f"{tracer.nu / system.scale:.6g} (regret "
        f"{system.scaled_regret(sigma) * system.scale:.3g})"
    )


def _unit(size: int) -> Vector:
    e = np.zeros(size + 1)
    e[-1] = 1.0
    return e


def _make_path(
    system: _LogitSystem, points: list[Vector], *, max_regret: float | None
) -> QREPath:
    """The path through ``points``, certified at its last point.

    ``max_regret``: the path stopped at a ``max_regret``-Nash equilibrium
    (its regret is the certificate); ``None``: it stopped at a precision,
    where the QRE residual is the certificate.
    """
    Y = np.array(points)
    profiles = []
    for b in system.blocks:
        W = Y[:, b]
        P = np.exp(W - W.max(axis=1, keepdims=True))
        profiles.append(_frozen(P / P.sum(axis=1, keepdims=True)))
    lam = _frozen(Y[:, -1] / system.scale)
    last = tuple(p[-1] for p in profiles)
    if max_regret is None:
        certificate = _qre_residual(system, last, float(Y[-1, -1]))
        tol = QRE_TOL
        if not certificate <= tol:
            raise SolverError(
                f"the QRE at lambda = {lam[-1]:.6g} failed certification: its "
                f"residual {certificate:.3g} > {tol:g}"
            )
        stop = f"stopped at lambda = {lam[-1]:.6g} (QRE residual {certificate:.2g})"
    else:
        certificate, tol = system.scaled_regret(last), max_regret
        stop = (
            f"stopped at lambda = {lam[-1]:.6g}, a Nash equilibrium within "
            f"{certificate:.2g} of the payoff range"
        )
    return QREPath(
        lam,
        tuple(profiles),
        certificate=certificate,
        tol=tol,
        message=f"{len(points)} points of the principal logit QRE branch; {stop}",
    )


def _qre_residual(system: _LogitSystem, sigma: Profile, nu: float) -> float:
    """Largest ``|σ_i(s) - logit response_i(s)|`` at ``ν = λ R`` (scaled payoffs)."""
    x = np.concatenate(sigma)
    dev = system.deviation(x, system.cross(sigma)) * nu
    z = np.exp(dev - np.maximum.reduceat(dev, system.starts)[system.owner])
    response = z / np.add.reduceat(z, system.starts)[system.owner]
    return float(np.abs(response - x).max())


def logit_qre(
    game: NormalFormGame,
    lam: float,
    *,
    tol: float = 1e-12,
    start: QREPath | None = None,
) -> Profile:
    """The logit QRE at precision ``lam`` on the principal branch.

    The profile ``σ`` with ``σ_i(s) ∝ exp(lam · u_i(s, σ_-i))`` for every
    player ``i`` and strategy ``s`` that lies on the branch through the
    centroid: the branch is traced from ``λ = 0`` (:func:`qre_path`) to its
    first point at ``λ = lam``, which Newton's method then polishes.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    lam : float
        The precision ``λ ≥ 0``, in the game's payoff units (so ``λ u`` is
        unit-free).
    tol : float, default 1e-12
        Newton's method stops when the largest correction of a
        log-probability is at most ``tol * (1 + max |log σ|)``.
    start : QREPath, optional
        A branch of the same game traced earlier by :func:`qre_path`: tracing
        resumes from its last point before it first reaches ``lam`` instead
        of from the centroid.

    Returns
    -------
    tuple of ndarray
        One probability vector per player (all entries positive, unless they
        underflow at very large ``lam``).

    Raises
    ------
    InvalidGameError
        If ``lam`` is negative or not finite, or ``tol`` is not positive.
    InvalidProfileError
        If ``start`` does not fit the game or is not on its logit branch.
    SolverError
        If the continuation fails.

    See Also
    --------
    qre_path : the whole branch.

    Examples
    --------
    Matching pennies: the QRE is the centroid at every precision.

    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.logit import logit_qre
    >>> pennies = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
    >>> logit_qre(pennies, 10.0)
    (array([0.5, 0.5]), array([0.5, 0.5]))

    In the prisoner's dilemma (defect is dominant) both players defect more
    often as ``λ`` grows:

    >>> game = NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
    >>> [float(logit_qre(game, lam)[0][1].round(4)) for lam in (0.0, 0.5, 2.0)]
    [0.5, 0.6614, 0.9002]
    """
    game = _check_game(game, "logit_qre")
    lam = _check_real(lam, "lam", low=0.0)
    tol = _check_real(tol, "tol", low=0.0, strict=True)
    system = _LogitSystem(game)
    if lam == 0.0:
        return tuple(_frozen(np.full(m, 1.0 / m)) for m in system.shape)
    nu = lam * system.scale
    tracer = _resume(system, start, lam) if start is not None else None
    if tracer is None:
        tracer = _Tracer(
            system,
            system.centroid_point(),
            _unit(system.size),
            first_step=0.03,
            max_accel=1.5,
        )
    while tracer.nu < nu:
        if tracer.steps >= 1_000_000:  # pragma: no cover - needs a pathological game
            raise SolverError(f"logit_qre did not reach lambda = {lam!r} in 1e6 steps")
        tracer.advance()
    y = tracer.land(nu, tol=_CORRECTOR_TOL) if tracer.previous is not None else tracer.y
    w = _newton_fixed(system, y[:-1], nu, tol=tol)
    if w is None:
        raise SolverError(
            f"Newton's method did not converge to the QRE at lambda = {lam!r}"
        )
    return tuple(_frozen(s) for s in system.profile(w))


def _resume(system: _LogitSystem, start: object, lam: float) -> _Tracer | None:
    """A tracer at the last point of ``start`` before it first reaches ``lam``."""
    if not isinstance(start, QREPath):
        raise InvalidProfileError(
            f"start must be a QREPath, got {type(start).__name__}"
        )
    shape = tuple(p.shape[1] for p in start.profiles)
    if shape != system.shape:
        raise InvalidProfileError(
            f"start is a path of a game of shape {shape}, not {system.shape}"
        )
    reached = np.flatnonzero(start.lam >= lam)
    k = (int(reached[0]) if reached.size else len(start)) - 1
    # The last usable point: interior (no underflow), with a predecessor.
    while k >= 1 and not all(
        np.all(p[k] > 0) and np.all(p[k - 1] > 0) for p in start.profiles
    ):
        k -= 1
    if k < 1:
        return None
    y = system.point(start.profile(k), float(start.lam[k]))
    before = system.point(start.profile(k - 1), float(start.lam[k - 1]))
    H, _ = system.evaluate(y)
    if float(np.abs(H).max()) > 1e-6 * (1.0 + float(np.abs(y).max())):
        raise InvalidProfileError(
            f"start is not on the logit QRE branch of this game (residual "
            f"{float(np.abs(H).max()):.3g} at lambda = {float(start.lam[k]):.6g})"
        )
    step = float(np.linalg.norm(y - before))
    return _Tracer(system, y, y - before, first_step=max(step, 1e-3), max_accel=1.5)


# ============================================================ Nash solving
def _candidate_supports(y: Vector, system: _LogitSystem) -> list[Support]:
    """Plausible supports of the branch's limit, most plausible first.

    Along the branch ``log σ_is - max_t log σ_it = ν (ũ_i(s) - max_t ũ_i(t))``:
    for strategies in the support of the limit this stays bounded, for the
    others it falls like ``-ν g`` with ``g > 0`` their payoff gap at the limit.
    So the log-probability gaps (pooled over players) split into a bounded
    group and a growing one; the candidate supports are the cuts at the
    largest relative jumps between consecutive gaps (gaps below 1 count as
    1), and the cut at ``max(10, sqrt(ν))``.
    """
    nu = float(y[-1])
    gaps = [y[b].max() - y[b] for b in system.blocks]
    levels = np.unique(np.concatenate(gaps))
    floored = np.maximum(levels, 1.0)
    ratios = floored[1:] / floored[:-1]
    cuts = [
        float(levels[k])
        for k in np.argsort(-ratios, kind="stable")[:2]
        if ratios[k] >= 2.0
    ]
    threshold = max(10.0, math.sqrt(max(nu, 0.0)))
    cuts.append(float(levels[levels <= threshold].max()))
    out: list[Support] = []
    seen: set[tuple[tuple[int, ...], ...]] = set()
    for cut in cuts:
        support = tuple(np.flatnonzero(g <= cut) for g in gaps)
        key = tuple(tuple(int(k) for k in S) for S in support)
        if key not in seen:
            seen.add(key)
            out.append(support)
    return out


def _polish_support(
    system: _LogitSystem, sigma: Profile, support: Support
) -> Profile | None:
    """Newton / least squares on the Nash conditions restricted to ``support``.

    Unknowns: the probabilities on the supports and each player's value
    ``v_i``.  Equations: ``(ũ_i(s, σ_-i) - v_i) / r_i = 0`` for each ``s`` in
    the support of player ``i`` (``r_i`` its payoff range, so every player's
    conditions weigh the same), and each support's probabilities summing to
    one.  Strategies outside the support stay at 0.  Returns the profile, or
    ``None`` if a probability comes out negative.
    """
    n = system.n
    G = np.concatenate([system.starts[i] + S for i, S in enumerate(support)])
    K = G.size
    owner = system.owner[G]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    weight = 1.0 / system.ranges[owner]
    x = np.zeros(system.size)
    p = np.concatenate(sigma)[G]
    x[G] = p / np.add.reduceat(p, starts)[owner]
    dev = system.deviation(x, system.cross(system.split(x)))
    values = np.add.reduceat(dev[G] * x[G], starts)
    z = np.concatenate([x[G], values])
    JF = np.zeros((K + n, K + n))
    JF[np.arange(K), K + owner] = -weight
    JF[K + owner, np.arange(K)] = 1.0
    F = np.empty(K + n)
    previous = math.inf
    for _ in range(15):
        x[G] = z[:K]
        C = system.cross(system.split(x))
        dev = system.deviation(x, C)
        F[:K] = (dev[G] - z[K + owner]) * weight
        F[K:] = np.add.reduceat(z[:K], starts) - 1.0
        JF[:K, :K] = C[np.ix_(G, G)] * weight[:, None]
        step = np.linalg.lstsq(JF, -F, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            return None
        z = z + step
        size = float(np.abs(step).max())
        if size <= 1e-15 or (size < 1e-12 and size > 0.5 * previous):
            break  # converged, or at the round-off floor
        previous = size
    if z[:K].min() < -1e-9:
        return None
    x[:] = 0.0
    x[G] = np.clip(z[:K], 0.0, None)
    totals = np.add.reduceat(x, system.starts)
    if np.any(totals <= 0):
        return None
    return system.split(x / totals[system.owner])


def logit_solve_kernel(
    game: NormalFormGame, *, tol: float = DEFAULT_TOL, max_steps: int = 100_000
) -> tuple[Profile, dict[str, Any]]:
    """One Nash equilibrium: the limit of the principal logit QRE branch.

    The branch traced is that of the game with each player's payoffs mapped
    affinely onto ``[0, 1]`` (the *normalised* logit solution): the answer
    does not depend on any player's payoff units or level, which the logit
    solution of the raw payoffs does when players' payoff ranges differ
    (Gambit's ``logit_solve`` traces the raw payoffs; on the normalised game
    the two agree).  Follows the branch (as :func:`qre_path`) while ``λ``
    grows.  Once the
    regret of the branch's profile is below ``1e-3`` times the largest payoff
    range, the profile suggests supports: strategies whose probability, in
    log scale, stays within a bounded distance of the player's most likely
    strategy belong to the support of the limit, the others fall off like
    ``exp(-λ g)`` (``g`` their payoff gap).  For each candidate support,
    Newton's method (least squares steps) on the Nash conditions of the
    support (indifference among the support strategies, probabilities
    summing to one, zero outside the support) gives a candidate equilibrium.
    It is accepted if its probabilities are non-negative, it lies within
    ``sqrt(regret)`` of the branch's profile, and no player ``i`` gains more
    than ``min(tol, 1e-10) * game.payoff_ranges[i]`` by deviating.  Otherwise
    the branch is followed further and the polish is retried whenever
    ``λ`` has grown by half or the leading candidate support changes.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    tol : float, default 1e-9
        Relative tolerance of the answer; the kernel certifies its answer to
        ``min(tol, 1e-10)`` times each player's payoff range.
    max_steps : int, default 100_000
        Largest number of continuation steps.

    Returns
    -------
    profile : tuple of ndarray
        One probability vector per player.
    info : dict
        ``lam`` (the precision where the polish succeeded, in the units of
        the largest payoff range: player ``i``'s precision is ``lam *
        payoff_range / payoff_ranges[i]``),
        ``steps`` (continuation steps), ``regret`` (largest deviation gain of
        ``profile``), ``path_regret`` (regret of the QRE at ``lam``),
        ``polish_attempts`` and ``support`` (per player).

    Raises
    ------
    InvalidGameError
        If ``tol`` or ``max_steps`` is out of range.
    SolverError
        If ``max_steps`` steps end without a certified equilibrium (the
        message gives the ``λ`` reached and the regret there), or the
        continuation fails.

    Notes
    -----
    In a degenerate game, whose equilibria may form a continuum, the polished
    equilibrium lies in the component that the branch converges to, close to
    the branch, but it need not be the branch's exact limit point.

    Examples
    --------
    A battle of the sexes without symmetry; the branch converges to the pure
    equilibrium in which player 1 gets 4:

    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.logit import logit_solve_kernel
    >>> game = NormalFormGame([[[4, 0], [0, 1]], [[2, 0], [0, 3]]])
    >>> profile, info = logit_solve_kernel(game)
    >>> profile
    (array([1., 0.]), array([1., 0.]))
    >>> info["regret"] <= 1e-10 * game.payoff_range
    True

    The symmetric battle of the sexes has a bifurcation on its principal
    branch (at ``λ ≈ 0.808``); the path continues along the symmetric branch,
    to the mixed equilibrium:

    >>> symmetric = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> logit_solve_kernel(symmetric)[0]
    (array([0.6, 0.4]), array([0.4, 0.6]))
    """
    game = _check_game(game, "logit_solve_kernel")
    tol = check_real(
        tol, "tol", low=0, high=1, low_open=True, high_open=True, error=InvalidGameError
    )
    max_steps = _check_steps(max_steps)
    target = min(float(tol), _NASH_TOL)
    system = _LogitSystem(game, per_player=True)
    accept = target * np.asarray(game.payoff_ranges)
    y = system.centroid_point()
    tracer: _Tracer | None = None
    attempts = 0
    last_nu = -math.inf
    last_first: tuple[tuple[int, ...], ...] | None = None
    while True:
        sigma = system.profile(y[:-1])
        regret = system.scaled_regret(sigma)
        nu = float(y[-1])
        if regret <= _POLISH_START:
            supports = _candidate_supports(y, system)
            first = tuple(tuple(int(k) for k in S) for S in supports[0])
            if first != last_first or nu >= 1.5 * last_nu:
                attempts += 1
                last_first, last_nu = first, nu
                found = _certified(
                    system, sigma, supports, accept, max(math.sqrt(regret), 1e-6)
                )
                if found is not None:
                    candidate, gains = found
                    info = {
                        "lam": nu / system.scale,
                        "steps": 0 if tracer is None else tracer.steps,
                        "regret": float(gains.max()),
                        "path_regret": regret * system.scale,
                        "polish_attempts": attempts,
                        "support": tuple(
                            tuple(int(k) for k in np.flatnonzero(c)) for c in candidate
                        ),
                    }
                    return tuple(_frozen(c) for c in candidate), info
        if tracer is None:
            tracer = _Tracer(
                system, y, _unit(system.size), first_step=0.03, max_accel=1.5
            )
        if tracer.steps >= max_steps:
            raise SolverError(
                f"the logit solver stopped after max_steps = {max_steps} steps at "
                f"lambda = {nu / system.scale:.6g} with regret "
                f"{regret * system.scale:.3g} (no certified equilibrium yet)"
            )
        tracer.advance()
        y = tracer.y


def _certified(
    system: _LogitSystem,
    sigma: Profile,
    supports: list[Support],
    accept: Vector,
    radius: float,
) -> tuple[Profile, Vector] | None:
    """The first polished candidate within ``radius`` of ``sigma`` that passes.

    Deviation gains are computed from each player's payoffs minus their
    minimum (the gains are the same, and are not swamped by the rounding of
    a large common payoff level).
    """
    payoffs = system.shifted
    for support in supports:
        candidate = _polish_support(system, sigma, support)
        if candidate is None:
            continue
        distance = max(
            float(np.abs(c - s).max()) for c, s in zip(candidate, sigma, strict=True)
        )
        if distance > radius:
            continue
        gains = deviation_gains(payoffs, candidate)
        if np.all(gains <= accept):
            return candidate, gains
    # The branch point itself may already be good enough (without the
    # probabilities that have all but underflowed).
    cleaned = tuple(np.where(s > 1e-15, s, 0.0) for s in sigma)
    cleaned = tuple(c / c.sum() for c in cleaned)
    gains = deviation_gains(payoffs, cleaned)
    if np.all(gains <= accept):
        return cleaned, gains
    return None
