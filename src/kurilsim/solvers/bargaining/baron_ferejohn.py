"""Baron and Ferejohn's closed-rule legislative bargaining over lotteries.

:func:`solve_baron_ferejohn` finds a stationary subgame-perfect equilibrium
of the game on a :class:`~kurilsim.games.bargaining.BargainingProblem` and
certifies it; :func:`baron_ferejohn_shares` is the closed form on a unit pie.

The solver, step by step:

1. check the arguments and the work per iteration (:func:`_legislature`,
   :func:`_check_work`);
1a. if every player must consent and weights ``w >= 0`` put every outcome
   clearly below the status quo, return the status quo, certified
   (:func:`_status_quo`; the fixed point is ``v = d``);
2. iterate the continuation values ``v <- T(v)`` from ``v = d``, a proposer
   indifferent between coalitions mixing them uniformly
   (:func:`_fixed_point`); under unanimity, once two iterates share their
   proposals' supports, jump to the fixed point of the affine map ``T`` is
   there (:func:`_affine_jump`, kept only if ``T`` moves it by ``tol`` at
   most);
3. if that iteration cycles, solve for ``v`` and the proposers' mixing
   weights together by Newton's method (:func:`_mixed_equilibrium`, one
   :class:`_MixState` per iterate);
4. measure the certificate (:func:`_optimality_gap`) and describe the
   coalitions (:func:`_describe`).

References
----------
.. [1] D. P. Baron and J. A. Ferejohn, "Bargaining in legislatures", *American
   Political Science Review* 83(4), 1181–1206, 1989.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from itertools import combinations
from typing import Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import check_int, check_real
from kurilsim._errors import InvalidGameError, ProblemTooLargeError, SolverError
from kurilsim._lp import solve_lp
from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _LEVEL_SLACK,
    _agreement_possible,
    _certify,
    _check_delta,
    _check_problem,
    _check_rule,
    _check_tol,
)
from kurilsim.solvers.bargaining.solution import _TITLES, BargainingSolution

__all__ = [
    "baron_ferejohn_shares",
    "solve_baron_ferejohn",
    "status_quo_margin",
    "status_quo_threshold",
]

#: Most players :func:`baron_ferejohn_shares` lays out (8 MB of shares).
_MAX_SHARES: Final = 1_000_000

#: Coalitions whose proposer values differ by less than this (in units of the
#: proposer's utility range) tie; the proposer mixes them uniformly.
_BF_TIE: Final = 1e-10

#: Step of the finite differences of the Newton Jacobian (scaled units).
_STEP: Final = 1e-7

_TITLE: Final = _TITLES["baron-ferejohn"]


def baron_ferejohn_shares(
    n: int, delta: float, rule: str = "majority"
) -> NDArray[np.float64]:
    """Stationary equilibrium shares in Baron and Ferejohn's closed-rule game.

    ``n`` players divide a unit pie; each period a player chosen with
    probability ``1/n`` proposes a division, which passes with ``q`` votes
    (``q = floor(n/2) + 1`` under majority rule, ``n`` under unanimity).  In
    the symmetric stationary equilibrium every player's continuation value
    is ``delta / n``, so the proposer buys the cheapest ``q - 1`` votes at
    that price and keeps ``1 - delta (q - 1) / n`` (Baron and Ferejohn 1989).

    Parameters
    ----------
    n : int
        Number of players, at least 2.
    delta : float
        Common discount factor in [0, 1].
    rule : {"majority", "unanimity"}

    Returns
    -------
    ndarray, shape (n,)
        The proposer's share, then the ``q - 1`` coalition partners' (each
        ``delta / n``), then the excluded players' (0).

    Raises
    ------
    InvalidGameError
        For ``n`` not an integer in [2, 1000000], ``delta`` outside [0, 1]
        or an unknown rule.

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import baron_ferejohn_shares
    >>> baron_ferejohn_shares(3, 1.0)
    array([0.667, 0.333, 0.   ])
    >>> baron_ferejohn_shares(3, 0.9, rule="unanimity")
    array([0.4, 0.3, 0.3])
    """
    n = check_int(n, "n", low=2, high=_MAX_SHARES, error=InvalidGameError)
    delta = _check_delta(delta, "delta")
    quota = _check_rule(rule, n)
    shares = np.zeros(n)
    shares[1:quota] = delta / n
    shares[0] = 1.0 - delta * (quota - 1) / n
    return shares


# ---------------------------------------------------------------------------
# The game and one proposer's options
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Legislature:
    """The checked game: scaled lottery points (``d`` last), ``delta``, quota, rule."""

    Z: NDArray[np.float64]
    delta: float
    quota: int
    rule: str

    @property
    def n(self) -> int:
        return int(self.Z.shape[1])

    def thresholds(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """What each player accepts: ``d + delta (v - d)`` (scaled units)."""
        zd = self.Z[-1]
        result: NDArray[np.float64] = zd + self.delta * (v - zd)
        return result


@dataclass(frozen=True, slots=True)
class _Offer:
    """A proposal: the coalition it buys, the proposer's value, its lottery."""

    coalition: tuple[int, ...]
    value: float
    lottery: NDArray[np.float64]


#: Each proposer's offers, one per coalition some lottery satisfies.
_Options = tuple[tuple[_Offer, ...], ...]


def _best_offer(
    Z: NDArray[np.float64], i: int, coalition: tuple[int, ...], tau: NDArray[np.float64]
) -> _Offer | None:
    """Proposer ``i``'s best lottery that ``coalition`` accepts (scaled units).

    First ``max z_i`` subject to ``z_j >= tau_j`` for the coalition members
    (a linear program over the lottery weights); then, keeping ``z_i`` at its
    maximum, the range-scaled total utility of the other players is
    maximised, which breaks ties in their favour and makes the proposal
    Pareto optimal.  ``None`` if no lottery satisfies the coalition.
    """
    k, n = Z.shape
    members = list(coalition)
    A_ub = -Z[:, members].T
    b_ub = -tau[members]
    A_eq = np.ones((1, k))
    b_eq = np.ones(1)
    x = solve_lp(-Z[:, i], A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq)
    if x is None:
        return None
    best = float(Z[:, i] @ x)
    others = [j for j in range(n) if j != i]
    for slack in _LEVEL_SLACK:
        y = solve_lp(
            -Z[:, others].sum(axis=1),
            A_ub=np.vstack([A_ub, -Z[:, i]]),
            b_ub=np.concatenate([b_ub, [slack - best]]),
            A_eq=A_eq,
            b_eq=b_eq,
        )
        if y is not None:
            x = y
            break
    lottery = np.where(x > 1e-14, x, 0.0)
    return _Offer(coalition, best, lottery / lottery.sum())


def _options(game: _Legislature, v: NDArray[np.float64]) -> _Options:
    """Each proposer's best acceptable offer for each coalition, given ``v``.

    Entry ``[i]`` lists proposer ``i``'s offers to the coalitions of ``quota
    - 1`` other players that some lottery satisfies; if none does, proposer
    ``i`` proposes the disagreement point (coalition ``()``).
    """
    k, n = game.Z.shape
    tau = game.thresholds(v)
    options = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        found = [
            offer
            for coalition in combinations(others, game.quota - 1)
            if (offer := _best_offer(game.Z, i, coalition, tau)) is not None
        ]
        if not found:  # pragma: no cover - tau is feasible whenever v is
            lottery = np.zeros(k)
            lottery[-1] = 1.0
            found.append(_Offer((), float(game.Z[-1, i]), lottery))
        options.append(tuple(found))
    return tuple(options)


def _values(offers: tuple[_Offer, ...]) -> NDArray[np.float64]:
    """The proposer's value of each of its offers."""
    return np.array([offer.value for offer in offers])


def _mix(
    Z: NDArray[np.float64], options: _Options, weights: tuple[NDArray[np.float64], ...]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The proposers' mixed lotteries (rows) and the ex-ante values ``v``."""
    lotteries = np.array(
        [
            np.einsum("c,ck->k", w, np.array([offer.lottery for offer in offers]))
            for offers, w in zip(options, weights, strict=True)
        ]
    )
    values: NDArray[np.float64] = (lotteries @ Z).mean(axis=0)
    return lotteries, values


def _ties(options: _Options) -> tuple[NDArray[np.float64], ...]:
    """Uniform weights over each proposer's best offers (within ``_BF_TIE``)."""
    weights = []
    for offers in options:
        values = _values(offers)
        tied = values >= values.max() - _BF_TIE
        weights.append(tied / tied.sum())
    return tuple(weights)


#: A coalition: the proposer's partners, in increasing order (``()`` for none).
_Coalition = tuple[int, ...]


def _by_coalition(
    options: _Options, weights: tuple[NDArray[np.float64], ...]
) -> tuple[dict[_Coalition, float], ...]:
    """Each proposer's weights keyed by coalition (the offers change with ``v``)."""
    return tuple(
        {offer.coalition: float(p) for offer, p in zip(offers, w, strict=True) if p > 0}
        for offers, w in zip(options, weights, strict=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Stationary:
    """A stationary profile: what each proposer offers, and how it mixes.

    ``weights[i]`` are proposer ``i``'s probabilities of its offers
    ``options[i]``; ``lotteries[i]`` the lottery it proposes on average;
    ``values`` the resulting ex-ante values and ``change`` their distance
    to the values the proposals were computed for (the fixed-point
    residual), after ``iterations`` iterations.
    """

    options: _Options
    weights: tuple[NDArray[np.float64], ...]
    lotteries: NDArray[np.float64]
    values: NDArray[np.float64]
    change: float
    iterations: int
    mixed: bool


# ---------------------------------------------------------------------------
# Fixed-point iteration
# ---------------------------------------------------------------------------
def _fixed_point(game: _Legislature, tol: float, max_iterations: int) -> _Stationary:
    """Iterate ``v <- T(v)`` from ``d``; switch to Newton if the iteration cycles.

    The iteration stalls when a proposer's best coalition depends on ``v``:
    after 40 iterations, if the last 20 changes are all above half the
    smallest earlier one, the equilibrium needs mixed coalitions and
    :func:`_mixed_equilibrium` starts from the average of the last 20
    iterates.
    """
    v = game.Z[-1].copy()
    change = math.inf
    history: list[float] = []
    recent: list[tuple[NDArray[np.float64], tuple[dict[_Coalition, float], ...]]] = []
    unanimity = game.quota == game.n
    last: _Supports | None = None
    tried: set[_Supports] = set()
    extra = 0  # evaluations of T spent on affine jumps
    for iteration in range(1, max_iterations + 1):
        options = _options(game, v)
        weights = _ties(options)
        lotteries, new = _mix(game.Z, options, weights)
        change = float(np.max(np.abs(new - v)))
        if change <= tol:
            return _Stationary(
                options=options,
                weights=weights,
                lotteries=lotteries,
                values=new,
                change=change,
                iterations=iteration + extra,
                mixed=False,
            )
        if unanimity:
            supports = _supports(options)
            if supports == last and supports not in tried:
                tried.add(supports)
                jumped, used = _affine_jump(game, v, options, new, tol)
                extra += used
                if jumped is not None:
                    return dataclasses.replace(
                        jumped, iterations=iteration + extra
                    )
            last = supports
        v = new
        history.append(change)
        recent = [*recent[-19:], (v, _by_coalition(options, weights))]
        if len(history) >= 40 and min(history[-20:]) > 0.5 * min(history[:-20]):
            start_v = np.mean([u for u, _ in recent], axis=0)
            start_w = tuple(
                {
                    c: sum(w.get(c, 0.0) for w in ws) / len(ws)
                    for c in {c for w in ws for c in w}
                }
                for ws in zip(*(w for _, w in recent), strict=True)
            )
            return _mixed_equilibrium(
                game,
                start_v,
                start_w,
                tol,
                budget=max_iterations - iteration,
                spent=iteration,
            )
    raise SolverError(
        f"{_TITLE}: the continuation values did not converge in {max_iterations} "
        f"iterations (last change {change:.3g} of the utility ranges > tol {tol:g})"
    )


# ---------------------------------------------------------------------------
# Unanimity: affine jumps
# ---------------------------------------------------------------------------
#: Each proposer's lottery support (outcome rows), one offer per proposer.
_Supports = tuple[tuple[int, ...], ...]


def _supports(options: _Options) -> _Supports:
    """The outcomes each proposer's (first) offer puts weight on."""
    return tuple(
        tuple(np.flatnonzero(offers[0].lottery).tolist()) for offers in options
    )


def _affine_jump(
    game: _Legislature,
    v: NDArray[np.float64],
    options: _Options,
    image: NDArray[np.float64],
    tol: float,
) -> tuple[_Stationary | None, int]:
    """The fixed point of ``T`` if the proposals keep their supports; and the
    evaluations of ``T`` spent.

    Under unanimity each proposer has one offer, a vertex of its linear
    programs; while the supports (the bases) stay, ``T`` is affine in ``v``,
    ``T(v) = A v + b``, and the iteration ``v <- T(v)`` converges to the
    solution of ``(I - A) v = b`` geometrically (often in a hundred steps).
    ``A`` is measured by forward differences at ``v`` (``image = T(v)``, one
    evaluation per player; ``None`` if a support changes), the fixed point
    solved for and accepted only if ``T`` moves it by at most ``tol``.
    """
    n = game.n
    base = _supports(options)
    A = np.empty((n, n))
    for k in range(n):
        moved = v.copy()
        moved[k] += _STEP
        shifted = _options(game, moved)
        if _supports(shifted) != base:
            return None, k + 1
        _, value = _mix(game.Z, shifted, _ties(shifted))
        A[:, k] = (value - image) / _STEP
    try:
        target: NDArray[np.float64] = np.asarray(
            np.linalg.solve(np.eye(n) - A, image - A @ v), dtype=np.float64
        )
    except np.linalg.LinAlgError:  # pragma: no cover - T contracts
        return None, n
    if not np.all(np.isfinite(target)):  # pragma: no cover - T contracts
        return None, n
    landed = _options(game, target)
    weights = _ties(landed)
    lotteries, values = _mix(game.Z, landed, weights)
    change = float(np.max(np.abs(values - target)))
    if change > tol:
        return None, n + 1
    profile = _Stationary(
        options=landed,
        weights=weights,
        lotteries=lotteries,
        values=values,
        change=change,
        iterations=0,
        mixed=False,
    )
    return profile, n + 1


# ---------------------------------------------------------------------------
# Mixed equilibrium: Newton's method on (v, mixing weights)
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _MixState:
    """One Newton iterate and its residual.

    ``support[i]`` lists the coalitions (member tuples, not positions: the
    offers available change with ``v``) that proposer ``i`` mixes, with
    weights ``mu[i]`` (summing to one); ``rows[i]`` are their positions in
    ``options[i]``, the offers at this ``v``.  ``residual`` stacks the
    fixed-point residual ``v - mean_i sum_c mu_ic P_ic(v)`` and each
    proposer's indifference gaps between the coalitions it mixes;
    ``points[i][r]`` are the scaled utilities of offer ``options[i][r]``.
    """

    v: NDArray[np.float64]
    support: tuple[tuple[_Coalition, ...], ...]
    mu: tuple[NDArray[np.float64], ...]
    residual: NDArray[np.float64]
    options: _Options
    points: tuple[NDArray[np.float64], ...]
    rows: tuple[tuple[int, ...], ...]

    @property
    def norm(self) -> float:
        return float(np.max(np.abs(self.residual)))

    def pack(self) -> NDArray[np.float64]:
        """The unknowns: ``v``, then each proposer's weights but the first."""
        return np.concatenate([self.v, *(m[1:] for m in self.mu)])

    def unpack(
        self, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], tuple[NDArray[np.float64], ...]]:
        """``(v, mu)`` of unknowns ``x`` (the first weights complete the sums to 1)."""
        n = len(self.v)
        out, at = [], n
        for s in self.support:
            free = x[at : at + len(s) - 1]
            at += len(s) - 1
            out.append(np.concatenate([[1.0 - free.sum()], free]))
        return x[:n], tuple(out)


def _rows(
    options: _Options, support: tuple[tuple[_Coalition, ...], ...]
) -> tuple[tuple[int, ...], ...] | None:
    """Positions of each proposer's mixed coalitions among its offers.

    ``None`` if some mixed coalition has no offer (no lottery satisfies it at
    these continuation values: the set of available coalitions changed).
    """
    rows = []
    for offers, coalitions in zip(options, support, strict=True):
        where = {offer.coalition: r for r, offer in enumerate(offers)}
        if any(c not in where for c in coalitions):
            return None
        rows.append(tuple(where[c] for c in coalitions))
    return tuple(rows)


def _evaluate(
    game: _Legislature,
    v: NDArray[np.float64],
    support: tuple[tuple[_Coalition, ...], ...],
    mu: tuple[NDArray[np.float64], ...],
) -> _MixState | None:
    """The iterate ``(v, support, mu)`` with its residual (proposals re-solved at ``v``).

    ``None`` if a mixed coalition can no longer be satisfied at ``v``: the
    callers then step less far, or stop with a :class:`SolverError`.
    """
    options = _options(game, v)
    rows = _rows(options, support)
    if rows is None:
        return None
    points = tuple(
        np.array([game.Z.T @ offer.lottery for offer in offers]) for offers in options
    )
    mix = np.mean(
        [m @ pts[list(r)] for m, pts, r in zip(mu, points, rows, strict=True)],
        axis=0,
    )
    gaps = []
    for offers, r in zip(options, rows, strict=True):
        values = _values(offers)
        gaps.append(values[list(r[1:])] - values[r[0]])
    residual = np.concatenate([v - mix, *gaps])
    return _MixState(v, support, mu, residual, options, points, rows)


def _active_set_changed(state: _MixState, where: str) -> SolverError:
    """The error when the mixed coalitions stop being available near ``state.v``."""
    return SolverError(
        f"{_TITLE}: Newton's method for the mixed equilibrium stopped {where}: a "
        "coalition that a proposer mixes can no longer be satisfied there (the "
        f"available coalitions change at v = {np.round(state.v, 6).tolist()}, "
        f"residual {state.norm:.3g})"
    )


def _grown(game: _Legislature, state: _MixState, tol: float) -> _MixState | None:
    """Add to each proposer's mix an outside offer that beats it; ``None`` if none does.

    A joining offer gets weight one half, the mix keeps the other half.
    """
    support = list(state.support)
    mu = list(state.mu)
    for i, offers in enumerate(state.options):
        value = _values(offers)
        best = int(np.argmax(value))
        worst = value[list(state.rows[i])].min()
        coalition = offers[best].coalition
        if coalition not in support[i] and value[best] > worst + tol:
            support[i] = (*support[i], coalition)
            mu[i] = np.concatenate([0.5 * mu[i], [0.5]])
    if support == list(state.support):
        return None
    grown = _evaluate(game, state.v, tuple(support), tuple(mu))
    if grown is None:  # pragma: no cover - the coalitions are available at state.v
        raise _active_set_changed(state, "adding a coalition")
    return grown


def _newton_direction(game: _Legislature, state: _MixState) -> NDArray[np.float64]:
    """The least-squares Newton step; the Jacobian in ``v`` by finite differences.

    The proposals are re-solved (linear programs) at each perturbed ``v``;
    the residual is linear in the mixing weights, so those columns are exact.
    A forward difference that leaves the set of available coalitions is
    replaced by a backward one; :class:`SolverError` if both leave it.
    """
    n = game.n
    x = state.pack()
    F = state.residual
    J = np.zeros((len(F), len(x)))
    for k in range(n):
        for step in (_STEP, -_STEP):
            shift = np.zeros(n)
            shift[k] = step
            moved = _evaluate(game, state.v + shift, state.support, state.mu)
            if moved is not None:
                J[:, k] = (moved.residual - F) / step
                break
        else:
            raise _active_set_changed(state, "computing its Jacobian")
    col = n
    for pts, r in zip(state.points, state.rows, strict=True):
        for c in r[1:]:
            J[:n, col] = -(pts[c] - pts[r[0]]) / n
            col += 1
    direction = np.linalg.lstsq(J, -F, rcond=None)[0]
    return np.asarray(direction, dtype=np.float64)


def _boundary_fraction(state: _MixState, dx: NDArray[np.float64]) -> float:
    """The largest fraction of ``dx`` (at most 1) that keeps every weight >= 0."""
    x = state.pack()
    t = 1.0
    for m, moved in zip(state.unpack(x)[1], state.unpack(x + dx)[1], strict=True):
        dm = moved - m
        shrinking = dm < 0
        if shrinking.any():
            t = min(t, float(np.min(m[shrinking] / -dm[shrinking])))
    return t


def _line_search(
    game: _Legislature, state: _MixState, dx: NDArray[np.float64]
) -> _MixState:
    """Step along ``dx``: to the simplex boundary if it is near, else halving until
    the residual falls; :class:`SolverError` after 30 halvings.

    A step whose ``v`` leaves the set of available coalitions (a mixed
    coalition can no longer be satisfied) is rejected and halved like one
    that does not reduce the residual.
    """
    x = state.pack()
    t = _boundary_fraction(state, dx)
    boundary = t < 1.0  # a weight reaches 0: step there, the offer leaves
    changed = False
    for _ in range(30):
        v, mu = state.unpack(x + t * dx)
        trial = _evaluate(game, v, state.support, mu)
        if trial is None:
            changed, boundary = True, False
        elif boundary or trial.norm < state.norm:
            return trial
        t *= 0.5
    if changed:
        raise _active_set_changed(state, "in its line search")
    raise SolverError(
        f"{_TITLE}: Newton's method for the mixed equilibrium stalled at residual "
        f"{state.norm:.3g}"
    )


def _drop_vanished(game: _Legislature, state: _MixState) -> _MixState:
    """Remove from each mix the offer whose weight reached 0 (renormalising the rest)."""
    support = list(state.support)
    mu = list(state.mu)
    for i, m in enumerate(state.mu):
        if len(m) > 1 and m.min() <= 1e-12:
            drop = int(np.argmin(m))
            support[i] = support[i][:drop] + support[i][drop + 1 :]
            kept = np.delete(np.clip(m, 0.0, None), drop)
            mu[i] = (
                kept / kept.sum()
                if kept.sum() > 0
                else np.full(len(kept), 1.0 / len(kept))
            )
    if support == list(state.support):
        return state
    dropped = _evaluate(game, state.v, tuple(support), tuple(mu))
    if dropped is None:  # pragma: no cover - the coalitions are available at state.v
        raise _active_set_changed(state, "dropping a coalition")
    return dropped


def _start(
    game: _Legislature,
    v: NDArray[np.float64],
    weights: tuple[dict[_Coalition, float], ...],
) -> _MixState:
    """The first Newton iterate at ``v``.

    Proposer ``i`` mixes the coalitions it used in the stalled cycle
    (``weights[i]``: coalition -> average weight) that are still available
    at ``v``, renormalised; if none is, it mixes its best offers at ``v``.
    """
    options = _options(game, v)
    ties = _ties(options)
    support, mu = [], []
    for offers, used, tied in zip(options, weights, ties, strict=True):
        w = np.array([used.get(offer.coalition, 0.0) for offer in offers])
        if not (w > 0).any():
            w = tied
        keep = np.flatnonzero(w > 0)
        support.append(tuple(offers[r].coalition for r in keep))
        mu.append(w[keep] / w[keep].sum())
    state = _evaluate(game, v, tuple(support), tuple(mu))
    if state is None:  # pragma: no cover - the coalitions are available at v
        raise SolverError(f"{_TITLE}: the offers at v changed between two solves")
    return state


def _mixed_equilibrium(
    game: _Legislature,
    v: NDArray[np.float64],
    weights: tuple[dict[_Coalition, float], ...],
    tol: float,
    *,
    budget: int,
    spent: int,
) -> _Stationary:
    """Mixed stationary equilibrium by Newton's method on ``(v, mixing weights)``.

    The unknowns are the continuation values ``v`` and, for each proposer,
    the weights of the coalitions it mixes (those with ``weights > 0``, from
    the stalled cycle, see :func:`_start`); the equations are the fixed
    point ``v = mean_i sum_c mu_ic P_ic(v)`` and the proposer's indifference
    between the coalitions it mixes.  ``P_ic`` and the proposer's values are
    re-solved by linear programs at every iterate, so the residual is exact.
    Mixed coalitions are identified by their members: a step at which one of
    them can no longer be satisfied is shortened (:func:`_line_search`).  A
    coalition whose weight reaches 0 leaves the mix; once the residual is
    below ``tol / 10``, an outside offer that beats the mix by more than
    ``tol`` joins it.  At most ``budget`` iterations (``spent`` were used
    before, for the count); :class:`SolverError` if it does not converge.
    """
    state = _start(game, v, weights)
    for used in range(1, budget + 1):
        if state.norm <= tol / 10:
            grown = _grown(game, state, tol)
            if grown is None:
                return _stationary_of(game, state, spent + used)
            state = grown
            continue
        state = _line_search(game, state, _newton_direction(game, state))
        state = _drop_vanished(game, state)
    raise SolverError(
        f"{_TITLE}: Newton's method for the mixed equilibrium did not converge "
        f"(residual {state.norm:.3g})"
    )


def _stationary_of(
    game: _Legislature, state: _MixState, iterations: int
) -> _Stationary:
    """The profile of a converged Newton iterate (weights over all offers)."""
    full = []
    for offers, r, m in zip(state.options, state.rows, state.mu, strict=True):
        w = np.zeros(len(offers))
        w[list(r)] = np.clip(m, 0.0, None)
        full.append(w / w.sum())
    weights = tuple(full)
    lotteries, values = _mix(game.Z, state.options, weights)
    return _Stationary(
        options=state.options,
        weights=weights,
        lotteries=lotteries,
        values=values,
        change=float(np.max(np.abs(values - state.v))),
        iterations=iterations,
        mixed=True,
    )


# ---------------------------------------------------------------------------
# Unanimity: the status quo, certified by weights
# ---------------------------------------------------------------------------
def status_quo_threshold(n: int, tol: float) -> float:
    """The margin below the status quo that certifies it (scaled units).

    Under unanimity, weights ``w >= 0`` summing to 1 with ``G_r . w <= -t``
    for every outcome's gain ``G_r = z_r - d`` make the status quo every
    proposer's unique best proposal at ``v = d``.  The iteration's
    tie-breaking program relaxes the proposer's level by ``s = 1e-11``
    (``_LEVEL_SLACK[0]``), which lets it propose deals with probability at
    most ``s w_i / t``: ``s / (n t)`` on average over the ``n`` proposers.
    So at ``t >= s / (n tol)`` the status quo is, to within ``tol`` in deal
    probability and in every scaled utility, what the iteration returns.

    Examples
    --------
    >>> from kurilsim.solvers.bargaining.baron_ferejohn import status_quo_threshold
    >>> round(status_quo_threshold(3, 1e-9), 6)
    0.003333
    """
    return _LEVEL_SLACK[0] / (n * tol)


def status_quo_margin(gains: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """The weights ``w`` maximising ``t = -max_r G_r . w`` over the simplex.

    ``gains`` has shape ``(n, k)``: column ``r`` is outcome ``r``'s gain
    over the status quo (scaled units).  One linear program: ``max t``
    subject to ``G w + t <= 0``, ``sum w = 1``, ``w >= 0``.  ``t > 0`` iff
    no lottery makes every player at least as well off as the status quo
    (and it is not the status quo).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers.bargaining.baron_ferejohn import status_quo_margin
    >>> w, t = status_quo_margin(np.array([[1.0, -1.0], [-3.0, 1.0]]))
    >>> w.round(3).tolist(), round(t, 3)
    ([0.667, 0.333], 0.333)
    """
    n, k = gains.shape
    c = np.zeros(n + 1)
    c[-1] = -1.0
    x = solve_lp(
        c,
        A_ub=np.hstack([gains.T, np.ones((k, 1))]),
        b_ub=np.zeros(k),
        A_eq=np.append(np.ones(n), 0.0)[np.newaxis],
        b_eq=np.ones(1),
        bounds=[(0.0, None)] * n + [(None, None)],
    )
    if x is None:  # pragma: no cover - w = e_1 with t small enough is feasible
        return np.full(n, 1.0 / n), -math.inf
    w = np.clip(x[:n], 0.0, None)
    return w / w.sum(), float(x[-1])


#: The per-point solver certifies the status quo a little below the threshold
#: the sweep kernel uses, so that every point the kernel certifies (with some
#: other point's weights) is certified here too, despite rounding.
_THRESHOLD_RELIEF: Final = 1.0 - 1e-6


def _status_quo(
    problem: BargainingProblem, game: _Legislature, tol: float
) -> BargainingSolution | None:
    """The status quo, if the weights of :func:`status_quo_margin` certify it.

    Only when every player must consent (``quota == n``); ``None`` if the
    margin is below :func:`status_quo_threshold`.
    """
    n = game.n
    if game.quota != n:
        return None
    Z = game.Z
    w, t = status_quo_margin((Z[:-1] - Z[-1]).T)
    if not t >= status_quo_threshold(n, tol) * _THRESHOLD_RELIEF:
        return None
    k = Z.shape[0]
    lottery = np.zeros(k)
    lottery[-1] = 1.0
    everyone = tuple(range(n))
    options = tuple(
        (_Offer(everyone[:i] + everyone[i + 1 :], float(Z[-1, i]), lottery),)
        for i in range(n)
    )
    profile = _Stationary(
        options=options,
        weights=tuple(np.ones(1) for _ in range(n)),
        lotteries=np.tile(lottery, (n, 1)),
        values=Z[-1].copy(),
        change=0.0,
        iterations=0,
        mixed=False,
    )
    players = problem.players
    partners = "; ".join(
        f"{players[i]} with " + "+".join(players[j] for j in offers[0].coalition)
        for i, offers in enumerate(options)
    )
    weights = ", ".join(f"{x:.3g}" for x in w)
    message = (
        f"{game.rule} rule (q = {game.quota}), delta = {game.delta:g}: the status "
        f"quo, certified (weights [{weights}] put every outcome {t:.3g} or more "
        "below it, scaled: no proposer can win everyone's consent for a deal); "
        f"coalitions: {partners}"
    )
    utilities = problem.expected_utilities(lottery)
    return _certify(
        problem,
        "baron-ferejohn",
        utilities,
        lottery,
        tol=tol,
        optimality_gap=_optimality_gap(game, profile),
        agreement_possible=_agreement_possible(problem, tol),
        message=message,
        method="disagreement",
        efficient=False,
        proposals=np.tile(utilities, (n, 1)),
    )


# ---------------------------------------------------------------------------
# Certificate and report
# ---------------------------------------------------------------------------
def _optimality_gap(game: _Legislature, profile: _Stationary) -> float:
    """The largest of the fixed-point residual, the proposers' regret and the
    violation of any acceptance condition, in scaled units.

    Regret: how much better a proposer's best offer is than the worst one it
    uses.  Violation: how far a used offer falls short of a coalition
    member's acceptance threshold, or of the proposer's delay value, at the
    reported values.
    """
    regret = 0.0
    for offers, w in zip(profile.options, profile.weights, strict=True):
        value = _values(offers)
        regret = max(regret, float(value.max() - value[w > 0].min()))
    tau = game.thresholds(profile.values)
    violation = 0.0
    for i, (offers, w) in enumerate(zip(profile.options, profile.weights, strict=True)):
        for offer, p in zip(offers, w, strict=True):
            if p > 0:
                z = game.Z.T @ offer.lottery
                for j in (i, *offer.coalition):
                    violation = max(violation, float(tau[j] - z[j]))
    return max(profile.change, regret, violation, 0.0)


def _describe(
    problem: BargainingProblem, game: _Legislature, profile: _Stationary
) -> str:
    """One line: the rule, the iterations and each proposer's coalition partners."""
    players = problem.players
    partners = "; ".join(
        f"{players[i]} with "
        + " or ".join(
            (f"{p:.3g} × " if p < 1 else "")
            + ("+".join(players[j] for j in offer.coalition) or "nobody")
            for offer, p in zip(offers, w, strict=True)
            if p > 0
        )
        for i, (offers, w) in enumerate(
            zip(profile.options, profile.weights, strict=True)
        )
    )
    mixed = " (mixed coalitions)" if profile.mixed else ""
    return (
        f"{game.rule} rule (q = {game.quota}), delta = {game.delta:g}: fixed point "
        f"after {profile.iterations} iterations{mixed}; coalitions: {partners}"
    )


def check_continuation(delta: object) -> float:
    """``delta`` as the probability that bargaining continues after a
    rejection: a number in [0, 1) (at 1 the stationary equilibrium is not
    unique).

    Raises
    ------
    InvalidGameError
        Naming ``delta``.

    Examples
    --------
    >>> check_continuation(0.9)
    0.9
    >>> check_continuation(1.0)
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidGameError: delta must be below 1 (the probability that bargaining continues after a rejection), got 1.0; with delta = 1 the stationary equilibrium is not unique
    """
    value = _check_delta(delta, "delta")
    if value == 1.0:
        raise InvalidGameError(
            "delta must be below 1 (the probability that bargaining continues "
            f"after a rejection), got {value!r}; with delta = 1 the stationary "
            "equilibrium is not unique"
        )
    return value


def _legislature(
    problem: BargainingProblem, delta: object, rule: object
) -> _Legislature:
    """Check ``delta`` and ``rule``: the game to solve."""
    delta = check_continuation(delta)
    quota = _check_rule(rule, problem.n_players)
    return _Legislature(problem.scaled_lottery_points, delta, quota, str(rule))


def _check_work(game: _Legislature, max_work: object) -> None:
    """:class:`ProblemTooLargeError` if an iteration solves more than ``max_work`` LPs."""
    limit = check_real(
        max_work, "max_work", low=0, low_open=True, error=InvalidGameError
    )
    n = game.n
    work = n * math.comb(n - 1, game.quota - 1)
    if work > limit:
        raise ProblemTooLargeError(
            f"solve_baron_ferejohn with {n} players under {game.rule} rule solves "
            f"about {work:.3g} linear programs per iteration (one per proposer and "
            f"coalition), more than max_work={limit:g}; raise "
            "solve_baron_ferejohn(..., max_work=) to proceed"
        )


def solve_baron_ferejohn(
    problem: BargainingProblem,
    delta: float,
    rule: str = "majority",
    *,
    tol: float = DEFAULT_TOL,
    max_iterations: int = 10_000,
    max_work: float = 1_000,
) -> BargainingSolution:
    """Stationary equilibrium of Baron and Ferejohn's closed-rule bargaining game.

    Every round one player, each with probability ``1/n``, is recognised and
    proposes a feasible point (a lottery over the outcomes and ``d``); it
    passes with ``q`` votes, the proposer's included (``q = floor(n/2) + 1``
    under majority rule, ``n`` under unanimity).  After a rejection the game
    continues with probability ``delta`` and ends in ``d`` otherwise, so
    responder ``j`` accepts iff ``u_j >= d_j + delta (v_j - d_j)``, where
    ``v`` are the ex-ante equilibrium (continuation) values.  In a stationary
    subgame-perfect equilibrium proposer ``i`` picks, over the coalitions of
    ``q - 1`` other players, the feasible point that maximises ``u_i``
    subject to the coalition members' acceptance conditions, and
    ``v`` is the average of the ``n`` proposals (Baron and Ferejohn 1989).

    Parameters
    ----------
    problem : BargainingProblem
    delta : float
        Probability that bargaining continues after a rejection (or common
        discount factor), in [0, 1).
    rule : {"majority", "unanimity"}
        Votes needed: a majority (the textbook game, the default of this
        generic solver) or every player.  Use ``"unanimity"`` wherever a
        player holds a veto: a sovereign cession of territory needs the
        consent of the state that cedes, so majority rule does not apply to
        it (the scenario concept ``"baron-ferejohn"`` uses unanimity unless
        told otherwise).  Under unanimity every proposal gives every player
        at least its disagreement value.
    tol : float
        Relative tolerance of the fixed point and of the certificate.
    max_iterations : int
        Largest number of fixed-point (and Newton) iterations.
    max_work : float
        Largest number of linear programs per iteration (one per proposer
        and coalition: ``n * C(n - 1, q - 1)``) the solver may commit to;
        larger problems are refused at once.  The default admits 9 players
        under majority rule (630 programs, seconds); each further player
        multiplies the work by about 2.

    Returns
    -------
    BargainingSolution
        The *ex-ante* expected outcome: ``utilities`` is ``v`` and
        ``lottery`` the average of the proposers' lotteries.  The realised
        outcome depends on who is recognised: ``proposals[i]`` is what player
        ``i`` proposes (and gets passed), each with probability ``1/n``;
        ``message`` also names each proposer's coalition partners.  Under
        majority rule the solution need not be Pareto optimal or
        individually rational (a majority may impose losses on the others):
        its ``pareto_gap`` and ``ir_gap`` are reported, not required.  Its
        ``certificate`` is the ``optimality_gap``; ``method`` is
        ``"fixed-point"``, or ``"fixed-point+newton"`` when proposers mix
        coalitions, or ``"disagreement"`` when every player must consent
        and weights certify that no lottery can win everyone's consent
        (see Notes).

    Raises
    ------
    InvalidGameError
        For ``delta`` outside [0, 1), an unknown rule, a bad ``tol``,
        ``max_iterations`` or ``max_work``.
    ProblemTooLargeError
        If an iteration would solve more than ``max_work`` linear programs.
    SolverError
        If the iteration does not converge or the certificate fails.

    Notes
    -----
    Each proposer's problem is a linear program over the lottery weights
    (one per coalition; HiGHS); ties between the proposer's optima are
    broken in favour of the other players (a second linear program
    maximising their range-scaled total utility), which makes every proposal
    Pareto optimal, and in the fixed-point iteration a proposer indifferent
    between coalitions mixes them uniformly (the symmetric equilibrium of
    the unit pie).  Whenever
    ``v`` is feasible so is ``d + delta (v - d)``, which meets every
    acceptance condition and gives the proposer at least its delay value:
    an acceptable proposal always exists, and proposing beats delaying.
    ``v`` is found by fixed-point iteration from ``v = d``, until it changes
    by at most ``tol`` times each player's utility range.  Under unanimity
    each proposal is a vertex of its linear programs, so while the
    proposals' supports stay the same ``T`` is affine in ``v``; once two
    iterates share their supports, the solver measures that affine map by
    finite differences and jumps to its fixed point, which it keeps if
    ``T`` moves it by at most ``tol`` (once per set of supports; else the
    iteration goes on).  The jump lands within rounding of the fixed point,
    where the iteration stops up to about ``tol / (1 - delta)`` short of it.  That iteration
    need not converge: where a proposer's best coalition depends on ``v``
    (the cheaper partner becomes the dearer one once bought), it cycles, and
    the equilibrium has that proposer *mix* coalitions so that it is
    indifferent between them.  If the iteration stalls, Newton's method
    solves for ``v`` and the mixing weights together (the fixed point and
    the indifference conditions, started from the cycle's average; a
    coalition whose weight reaches 0 leaves the mix, one that beats the mix
    joins it).  When every player must consent (unanimity, or majority
    with two players), the solver first looks for weights ``w >= 0``
    summing to 1 that put every outcome at least ``t`` below the status
    quo, ``(z_r - d) . w <= -t`` in scaled units (one linear program,
    :func:`status_quo_margin`): then no lottery gives everyone at least its
    status-quo utility but the status quo itself, which is every
    proposer's only acceptable best proposal, and ``v = d``.  With
    ``t >= 1e-11 / (n tol)`` (:func:`status_quo_threshold`) the status quo
    is returned exactly (``method = "disagreement"``); the iteration would
    return it to within ``tol`` (its tie-breaking program, relaxed by
    ``1e-11``, lets deals in with probability at most ``1e-11 / (n t)``).
    The certificate checks that every proposal's lottery
    reproduces it, meets its coalition's acceptance conditions, gives its
    proposer at least the delay value and is, within ``tol``, the
    proposer's best (no coalition is better than a mixed one), and that the
    fixed-point residual is at most ``tol``.  Everything
    is computed in range-scaled units, so the solution is equivariant under
    a positive affine rescaling of any player's utility.  On a unit pie with
    ``d = 0`` the proposals are :func:`baron_ferejohn_shares`.

    Examples
    --------
    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_baron_ferejohn
    >>> pie = BargainingProblem([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0])
    >>> solution = solve_baron_ferejohn(pie, 0.9)
    >>> solution.utilities
    array([0.333, 0.333, 0.333])
    >>> solution.proposals[0]
    array([0.7 , 0.15, 0.15])
    >>> solution.method, solution.certificate <= solution.tol
    ('fixed-point', True)
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    game = _legislature(problem, delta, rule)
    max_iterations = check_int(
        max_iterations, "max_iterations", low=1, error=InvalidGameError
    )
    _check_work(game, max_work)
    settled = _status_quo(problem, game, tol)
    if settled is not None:
        return settled
    profile = _fixed_point(game, tol, int(max_iterations))
    lottery = profile.lotteries.mean(axis=0)
    return _certify(
        problem,
        "baron-ferejohn",
        problem.expected_utilities(lottery),
        lottery,
        tol=tol,
        optimality_gap=_optimality_gap(game, profile),
        agreement_possible=_agreement_possible(problem, tol),
        message=_describe(problem, game, profile),
        method="fixed-point+newton" if profile.mixed else "fixed-point",
        efficient=False,
        proposals=np.array([problem.expected_utilities(x) for x in profile.lotteries]),
    )
