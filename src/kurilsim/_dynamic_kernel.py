"""The ``"dynamic"`` concept's sweep kernel: the scenario side.

:mod:`kurilsim.solvers._markov_kernel` solves many one-state stochastic
bargaining problems at once (generic, arrays only); this module turns a chunk
of a sweep into those problems -- the one-state game of a scenario outside the
historical chain, or the chain's regime entered by a bundled Kuril scenario
(:mod:`kurilsim.kuril.history`) with the later regimes solved once per veto
mask -- and assembles the concept's outcome (mode, P(deal), expected
utilities, the mode's probability).  It sits with :mod:`kurilsim.concepts`
(it follows the concept's own routing, ``_regime_of``), above the solvers and
the calibrated case.  See the solver module's docstring for the method, the
routes served and the points sent to the per-point solver.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidModelError
from kurilsim.model.agreements import NO_DEAL
from kurilsim.solvers._markov_kernel import (
    _MARGIN,
    _MODE_MARGIN,
    _OUTCOME_DUST,
    _lottery_rates,
    solve_one_state_batch,
    solve_phased_batch,
)

if TYPE_CHECKING:
    from kurilsim.model.scenario import Scenario

__all__ = ["DynamicSweep", "dynamic_kernel", "dynamic_sweep"]


# ---------------------------------------------------------------------------
# Scenarios: the concept's two routes
# ---------------------------------------------------------------------------
def _scale(
    lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The per-point solver's unit: ``hi - lo``, 1 where it is not positive."""
    ranges = hi - lo
    result: NDArray[np.float64] = np.where(ranges > 0, ranges, 1.0)
    return result


def _points_first(scaled: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(P, M, 2)`` C-contiguous copy of ``(2, M, P)`` payoffs (two 2-d
    transposes: about three times faster than copying the 3-d transpose)."""
    result: NDArray[np.float64] = np.stack([scaled[0].T, scaled[1].T], axis=-1)
    return result


def _open(
    scenario: Scenario, utilities: NDArray[np.float64], exact: bool = False
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """``(open, doubtful)``: the agreements neither vetoed nor stopped by the
    objector's objection at each point (``(P, M)``; as
    :func:`kurilsim.games.negotiation.stopped`), and the points where a
    comparison it makes is within rounding of flipping."""
    from kurilsim.games.negotiation import objectionable

    protocol = scenario.protocol
    M = len(scenario.space)
    P = utilities.shape[-1]
    banned = np.asarray(protocol.vetoed_agreements(scenario.space), dtype=bool)
    out = np.broadcast_to(~banned, (P, M)).copy()  # (P, M): open
    doubtful = np.zeros(P, dtype=bool)
    if protocol.objector:
        names = scenario.agent_names
        objector = utilities[names.index(protocol.objector)]
        # only the objectionable agreements' rows are compared
        rows = np.flatnonzero(np.asarray(objectionable(scenario), dtype=bool)[:M])
        diff = objector[rows] - objector[M]
        objected = diff < 0
        doubtful |= ((diff != 0) & (np.abs(diff) < _MARGIN)).any(axis=0)
        if protocol.objection_blocks:
            out[:, rows] &= ~objected.T
        elif protocol.payer in names:
            payer = utilities[names.index(protocol.payer)]
            gap = payer[rows] - protocol.objection_cost - payer[M]
            out[:, rows] &= ~(objected & (gap < 0)).T
            doubtful |= ((gap != 0) & (np.abs(gap) < _MARGIN)).any(axis=0)
    return out, doubtful & (not exact)


def _one_state(
    scenario: Scenario, utilities: NDArray[np.float64], exact: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """The one-state game: ``(lottery (P, M + 1), values (P, 2), regular)``."""
    from kurilsim.concepts import _check_discounts, _two_parties

    protocol = scenario.protocol
    deltas = np.array(_check_discounts(scenario, (protocol.proposer, protocol.responder)))
    rows = _two_parties(scenario)
    M = len(scenario.space)
    U = utilities[rows]  # (2, M + 1, P)
    lo = U.min(axis=1)  # (2, P): agreements and the status quo
    ranges = _scale(lo, U.max(axis=1))
    scaled = (U - lo[:, None, :]) / ranges[:, None, :]
    Z = _points_first(scaled[:, :M, :])
    F = scaled[:, M, :].T  # (P, 2)
    available, doubtful = _open(scenario, utilities, exact)
    a = (1.0 - deltas) * F
    b = np.broadcast_to(deltas, a.shape)
    solution = solve_one_state_batch(Z, np.arange(M), available, a, b, exact=exact)
    rates = _lottery_rates(solution, M)
    total = rates.sum(axis=1)
    lottery = np.zeros((len(F), M + 1))
    some = total > 0
    lottery[some, :M] = rates[some] / total[some, None]
    lottery[~some, M] = 1.0
    values = lo.T + ranges.T * solution.values
    return lottery, values, solution.regular & ~doubtful


@dataclass(frozen=True, slots=True)
class _Downstream:
    """What the chain of regimes gives a transient regime's states, solved once:
    the values ``W`` ``(2, blocks)`` (unscaled) of the states the regime exits
    to (its next regime in each block), the first-agreement distribution from
    the next regime (``(M + 1,)``) and whether an agreement is certain from
    there, the exit probability ``h``, the other regimes' utility bounds
    ``lo``, ``hi`` ``(2,)``."""

    W: NDArray[np.float64]
    after: NDArray[np.float64]
    reaches: bool
    certain: bool
    h: float
    lo: NDArray[np.float64]
    hi: NDArray[np.float64]


@functools.lru_cache(maxsize=1)
def _chain_space() -> Any:
    """The agreement space of the regimes' scenarios (loaded once)."""
    from kurilsim.kuril.history import REGIMES
    from kurilsim.kuril.scenarios import load_scenario

    return load_scenario(REGIMES[0].scenario).space


def _route(scenario: Scenario) -> str | None:
    """The concept's route for ``scenario``: ``kurilsim.concepts._regime_of``
    without ``regime=`` (the regime whose bundled scenario it is, if it can
    stand for a regime of the calibrated case; None for the one-state game),
    with the regimes' agreement space loaded once rather than per chunk."""
    from kurilsim.kuril.agents import Japan, Russia
    from kurilsim.kuril.history import PLAYERS, REGIMES

    names = scenario.agent_names
    for name, kind in zip(PLAYERS, (Japan, Russia), strict=True):
        if name not in names or not isinstance(scenario.agent(name), kind):
            return None
    if not bool(scenario.space == _chain_space()):
        return None
    return next((r.name for r in REGIMES if r.scenario == scenario.base_name), None)


@functools.lru_cache(maxsize=16)
def _transient(regime: int) -> bool:
    """Whether the chain never returns to ``regime`` once it has left it."""
    from kurilsim.kuril.history import kuril_chain

    edges = kuril_chain() > 0
    reach = edges[regime].copy()
    reach[regime] = False
    for _ in range(len(edges)):
        reach |= (reach[:, None] & edges).any(axis=0)
    return not bool(reach[regime])


@functools.lru_cache(maxsize=32)
def _downstream(regime: str, banned: bytes) -> _Downstream:
    """The chain's part after ``regime`` with the veto mask ``banned``."""
    from kurilsim.kuril.history import REGIMES, kuril_dynamic_game
    from kurilsim.solvers.markov import solve_markov_bargaining

    mask = np.frombuffer(banned, dtype=bool)
    available = {r.name: ~mask for r in REGIMES} if mask.any() else None
    game = kuril_dynamic_game(available=available)
    solution = solve_markov_bargaining(game)
    R = len(REGIMES)
    ri = [r.name for r in REGIMES].index(regime)
    chain = np.asarray(game.transitions)[:R, :R]
    exits = np.flatnonzero((chain[ri] > 0) & (np.arange(R) != ri))
    nxt = int(exits[0]) if len(exits) else ri
    h = float(1.0 - chain[ri, ri])
    S = game.n_states
    blocks = S // R
    W = np.asarray(solution.values)[:, nxt + R * np.arange(blocks)]
    start, Q, _, can = solution._absorbing(nxt, "any")
    certain = not bool((solution._reachable(start, Q) & ~can).any())
    reaches = bool(can[start])
    after = solution.outcome_distribution(start=nxt, until="any")
    own = np.zeros(S, dtype=bool)
    own[ri + R * np.arange(blocks)] = True
    final = np.asarray(game.final)
    lo = np.empty(2)
    hi = np.empty(2)
    for i in range(2):
        u = np.asarray(game.utilities)[i][~own][final[~own]]
        f = np.asarray(game.flows)[i][~own]
        lo[i] = min(u.min(), f.min())
        hi[i] = max(u.max(), f.max())
    return _Downstream(W=W, after=after, reaches=reaches, certain=certain, h=h, lo=lo, hi=hi)


def _phase_stage(
    scenario: Scenario, utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]], firsts: NDArray[np.intp],
) -> NDArray[np.float64]:
    """``(2, V, P)``: the chain's players' utilities of the phase agreements
    ``firsts`` at the points as first stages, without Japan's
    ``talks_prospect`` (as the chain's phase flows).

    Only Japan's utilities depend on ``talks_prospect``: when no swept setting
    is an alias of a shared parameter, Japan's row alone is computed again (the
    same matrix product as the whole table's, so the same values bit for bit)
    and Russia's is taken from ``utilities``."""
    from kurilsim.kuril.history import PLAYERS

    P = utilities.shape[-1]
    names = scenario.agent_names
    rows = [names.index(p) for p in PLAYERS]
    if "japan.talks_prospect" not in scenario.parameter_names():
        table = scenario.outcome_utilities()[rows][:, firsts]
        return np.broadcast_to(table[..., None], (*table.shape, P))
    talks = scenario.canonical_name("japan.talks_prospect")
    overrides: dict[str, Any] = {
        name: values for name, values in settings.items()
        if scenario.agent_parameter(name) is not None
        and scenario.canonical_name(name) != talks
    }
    shared = {alias for aliases in scenario.shared_parameters().values()
              for alias in aliases}
    alone = not (shared & ({talks, "japan.talks_prospect"} | set(overrides)))
    if alone:
        overrides = {name: values for name, values in overrides.items()
                     if (scenario.agent_parameter(name) or ("", ""))[0] == "japan"}
    overrides["japan.talks_prospect"] = np.zeros(P)
    with np.errstate(over="ignore", invalid="ignore"):
        table = scenario.outcome_utilities(overrides, points_last=True)
    if not alone:
        result: NDArray[np.float64] = table[rows][:, firsts, :]
        return result
    stage = np.empty((2, len(firsts), P))
    for i, player in enumerate(PLAYERS):
        source = table if player == "japan" else utilities
        stage[i] = source[names.index(player)][firsts]
    return stage


def _chain(
    scenario: Scenario, regime: str, utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]], exact: bool = False,
    stage: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """The chain of regimes entered in ``regime`` (transient): ``(lottery
    (P, M + 1), values (P, 2), regular)``; ``stage``: the phase utilities
    (:func:`_phase_stage`) when given."""
    from kurilsim.concepts import _check_discounts
    from kurilsim.kuril.history import PLAYERS, REGIMES

    ri = [r.name for r in REGIMES].index(regime)
    if not _transient(ri):
        raise InvalidModelError(
            f"the 'dynamic' kernel serves the one-state game and the transient "
            f"regimes of the chain; regime {regime!r} recurs (scenario "
            f"{scenario.name!r} is solved point by point)"
        )
    deltas = np.array(_check_discounts(scenario, PLAYERS))
    space = scenario.space
    M = len(space)
    P = utilities.shape[-1]
    banned = np.asarray(scenario.protocol.vetoed_agreements(space), dtype=bool)
    down = _downstream(regime, banned.tobytes())
    talks = space.feature("islands.talks", default=0.0)[:M] > 0
    firsts = np.flatnonzero(talks)
    keeps = (
        (space.feature("islands.habomai", default=0.0)[:M] > 0)
        & (space.feature("islands.shikotan", default=0.0)[:M] > 0)
        & ~talks
    )
    names = scenario.agent_names
    rows = (names.index(PLAYERS[0]), names.index(PLAYERS[1]))
    if stage is None:
        stage = _phase_stage(scenario, utilities, settings, firsts)  # (2, V, P)
    available, doubtful = _open(scenario, utilities, exact)
    h = down.h
    base = solve_phased_batch(
        utilities, rows, stage, down.W, (down.lo, down.hi), h, deltas, available,
        ~talks, keeps, firsts, exact=exact,
    )
    regular = base.regular & ~doubtful
    rates = base.rates  # the first agreement: phases count
    total = rates.sum(axis=1)
    stay = 1.0 - total
    denominator = 1.0 - stay * (1.0 - h)
    lottery = np.zeros((P, M + 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        deals = (rates + (stay * h)[:, None] * down.after[None, :M]) / denominator[:, None]
    reachable_after = (total < 1.0) & (h > 0)
    can = (total > 0) | (reachable_after & down.reaches)
    deals = np.where(can[:, None], np.clip(deals, 0.0, None), 0.0)
    sums = deals.sum(axis=1)
    # some reachable state from which no agreement is reachable: the rest is
    # no deal; otherwise an agreement is certain (normalised)
    short = np.where(reachable_after, not down.certain, ~can)
    lottery[:, :M] = np.where(
        short[:, None], deals, deals / np.where(sums > 0, sums, 1.0)[:, None]
    )
    lottery[:, M] = np.where(short, np.maximum(1.0 - sums, 0.0), 0.0)
    return lottery, base.values, regular


# ---------------------------------------------------------------------------
# The kernel
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DynamicSweep:
    """The ``dynamic`` concept at the points of a chunk.

    Attributes
    ----------
    agreement : ndarray of int, shape (P,)
        The most likely first agreement, ``NO_DEAL`` where no deal is at least
        as likely (as :attr:`kurilsim.Outcome.agreement`).
    probability : ndarray, shape (P,)
        P(an agreement is ever concluded).
    utilities : ndarray, shape (P, n_agents)
        The parties' equilibrium values, the other agents' expected utilities.
    mode_probability : ndarray, shape (P,)
        The probability of ``agreement`` (of no deal where it is ``NO_DEAL``).
    per_point : ndarray of bool, shape (P,)
        The points solved point by point (near a switch of the per-point
        solver's choices; see the module's notes).
    """

    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    mode_probability: NDArray[np.float64]
    per_point: NDArray[np.bool_]


def _solve_points(
    scenario: Scenario, settings: Mapping[str, NDArray[Any]], points: NDArray[np.intp],
    sweep: DynamicSweep,
) -> None:
    """Solve ``points`` one by one with the concept's ``solve`` (into ``sweep``)."""
    from kurilsim import concepts

    concept = concepts.get("dynamic")
    for p in points.tolist():
        params = {name: values[p].item() for name, values in settings.items()}
        outcome = concept.solve_checked(
            scenario.with_params(params) if params else scenario, {}
        )
        code = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
        if outcome.probability == 0:
            code = NO_DEAL
        sweep.agreement[p] = code
        sweep.probability[p] = outcome.probability
        sweep.utilities[p] = np.asarray(outcome.utilities)
        chances = outcome.distribution
        sweep.mode_probability[p] = (
            chances.get(NO_DEAL, 0.0) if code == NO_DEAL else chances[code]
        )


def dynamic_sweep(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
) -> DynamicSweep:
    """The ``dynamic`` concept at many points at once.

    Takes the route the concept's ``solve`` takes for ``scenario`` (the base
    scenario of the chunk; :func:`kurilsim.concepts._regime_of`, without
    ``regime=``): the chain of regimes for a scenario of the calibrated case
    named as a regime's bundled scenario, the one-state game otherwise.

    Parameters
    ----------
    scenario : Scenario
        The base scenario of the chunk.
    utilities : ndarray, shape (n_agents, len(scenario.space) + 1, P)
        The outcome utilities at the points (the sweep kernels' layout, see
        :class:`kurilsim.concepts.SweepKernel`).
    settings : mapping of str to ndarray
        The swept agent parameters at the points (for the chain's first
        stages, and for the points solved one by one).

    Returns
    -------
    DynamicSweep

    Raises
    ------
    InvalidModelError
        For a scenario entered in a recurrent regime of the chain
        (``2020-constitution``, ``2022-suspension``), or discount factors of
        1 (the sweep then solves the chunk point by point).
    SolverError
        If a point solved one by one fails.

    Examples
    --------
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim._dynamic_kernel import dynamic_sweep
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> weights = np.array([0.5, 2.0])
    >>> table = scenario.outcome_utilities({"russia.security_weight": weights},
    ...                                    points_last=True)
    >>> result = dynamic_sweep(scenario, table, {"russia.security_weight": weights})
    >>> result.agreement.shape, bool((result.probability <= 1).all())
    ((2,), True)
    """
    P = utilities.shape[-1]
    regime = _route(scenario)
    sweep = _assemble(scenario, regime, utilities, settings, exact=False)
    flagged = np.flatnonzero(sweep.per_point)
    later = flagged[:0]
    if len(flagged):
        # again with each point's utilities computed alone, bit for bit as the
        # per-point solver's: ties between agreements are then resolved by its
        # rules; what still depends on its iterates goes point by point.  The
        # points' tables are computed one by one, then solved as one batch.
        agent_swept = any(scenario.agent_parameter(n) is not None for n in settings)
        firsts = np.flatnonzero(
            scenario.space.feature("islands.talks", default=0.0)[: len(scenario.space)] > 0
        ) if regime is not None else None
        tables = []
        stages = []
        for p in flagged.tolist():
            point = {name: values[p : p + 1] for name, values in settings.items()}
            table = np.ascontiguousarray(
                scenario.outcome_utilities(point, points_last=True)
                if agent_swept
                else scenario.outcome_utilities()[..., None]
            )
            tables.append(table)
            if firsts is not None:
                stages.append(_phase_stage(scenario, table, point, firsts))
        batch = {name: values[flagged] for name, values in settings.items()}
        again = _assemble(
            scenario, regime, np.concatenate(tables, axis=-1), batch, exact=True,
            stage=np.concatenate(stages, axis=-1) if stages else None,
        )
        solved = ~again.per_point
        done = flagged[solved]
        sweep.agreement[done] = again.agreement[solved]
        sweep.probability[done] = again.probability[solved]
        sweep.utilities[done] = again.utilities[solved]
        sweep.mode_probability[done] = again.mode_probability[solved]
        later = flagged[again.per_point]
    per_point = np.zeros(P, dtype=bool)
    per_point[later] = True
    result = DynamicSweep(
        agreement=sweep.agreement, probability=sweep.probability,
        utilities=sweep.utilities, mode_probability=sweep.mode_probability,
        per_point=per_point,
    )
    _solve_points(scenario, settings, later.astype(np.intp), result)
    return result


def _assemble(
    scenario: Scenario, regime: str | None, utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]], *, exact: bool,
    stage: NDArray[np.float64] | None = None,
) -> DynamicSweep:
    """The concept's outcome at the points by the route of ``regime``; the
    points to solve otherwise marked in ``per_point`` (``stage``: the chain's
    phase utilities, :func:`_phase_stage`, when given)."""
    M = len(scenario.space)
    P = utilities.shape[-1]
    if regime is None:
        lottery, values, regular = _one_state(scenario, utilities, exact)
        protocol = scenario.protocol
        players: tuple[str, ...] = (protocol.proposer, protocol.responder)
    else:
        from kurilsim.kuril.history import PLAYERS

        lottery, values, regular = _chain(scenario, regime, utilities, settings, exact,
                                          stage)
        players = PLAYERS
    # the outcome, as kurilsim.concepts._dynamic_outcome and Outcome build it
    chances = np.where(lottery > _OUTCOME_DUST, lottery, 0.0)
    total = chances.sum(axis=1)
    chances = chances / np.where(total > 0, total, 1.0)[:, None]
    names = scenario.agent_names
    expected = np.empty((P, len(names)))
    for i, name in enumerate(names):
        if name in players:
            expected[:, i] = values[:, players.index(name)]
        else:  # the expected utility of the lottery (no delay counted)
            expected[:, i] = np.einsum("op,po->p", utilities[i], chances)
    deals = np.where(chances[:, :M] > _OUTCOME_DUST, chances[:, :M], 0.0)
    probability = deals.sum(axis=1)
    best = np.argmax(deals, axis=1) if M else np.zeros(P, dtype=np.intp)
    top = deals[np.arange(P), best] if M else np.zeros(P)
    none = chances[:, M]
    code = np.where((top > 0) & (top >= none), best, NO_DEAL).astype(np.intp)
    mode = np.where(code == NO_DEAL, none, top)
    # near-ties of the mode: the per-point solver's index order decides
    if M > 1:
        runner = np.partition(deals, M - 2, axis=1)[:, M - 2]
        regular &= ~((top > 0) & (top - runner < _MODE_MARGIN))
    regular &= ~((top > 0) & (np.abs(top - none) < _MODE_MARGIN))
    regular &= np.isfinite(expected).all(axis=1) & np.isfinite(lottery).all(axis=1)
    return DynamicSweep(
        agreement=code, probability=probability, utilities=expected,
        mode_probability=mode, per_point=~regular,
    )


def dynamic_kernel(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """The ``dynamic`` concept's sweep kernel: the triple of
    :class:`kurilsim.concepts.SweepKernel` (agreements, P(deal), utilities).

    See :func:`dynamic_sweep`, which also gives the mode's probability.

    Examples
    --------
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim._dynamic_kernel import dynamic_kernel
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> table = np.repeat(scenario.outcome_utilities()[..., None], 1, axis=-1)
    >>> codes, probability, utilities = dynamic_kernel(scenario, table, {})
    >>> outcome = kurilsim.solve_scenario(scenario, "dynamic")
    >>> bool(np.allclose(utilities[0], outcome.utilities, atol=1e-9))
    True
    """
    result = dynamic_sweep(scenario, utilities, settings)
    return result.agreement, result.probability, result.utilities
