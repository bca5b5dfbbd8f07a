"""Sweep kernel of the ``"nash"`` concept: the logit-traced equilibrium at many points.

The ``"nash"`` concept solves the scenario's strategic game
(:func:`kurilsim.games.negotiation.strategic_game`) with the logit tracer
(:func:`kurilsim.solvers.logit.logit_solve_kernel`): the limit of the
principal branch of logit quantal response equilibria (QRE), polished and
certified.  Tracing costs from a tenth of a second to seconds per point.
This kernel decides, by comparisons over arrays of points, the points where
a theorem fixes the outcome of *every* Nash equilibrium that the branch can
converge to, and hands every other point to the per-point solver (the
*fallback*), so that it equals the per-point solver: on the decided points
by the theorems below (up to the two differences said at the end),
elsewhere by construction.

The game
--------
Write ``P``, ``R`` and ``O`` for the proposer, the responder and the
objector (if any), ``u_i(p)`` for agent ``i``'s utility of agreement ``p``
and ``s_i`` for its status-quo utility.  The proposer offers one of the
agreements the veto leaves (the *offers*) or nothing; the responder picks a
*concession*: with ``ℓ_0 > ℓ_1 > ... > ℓ_{K-1}`` the distinct values
``u_R(p)`` over the offers, concession ``k < K`` accepts exactly the offers
with ``u_R(p) ≥ ℓ_k`` and concession ``K`` ("concede nothing") accepts none;
the objector consents or objects to the objectionable offers (blocking them,
or making the objection payer pay a cost).  Write ``j(p)`` for the index of
``u_R(p)`` among the levels: the concessions ``0 .. j(p) - 1`` and ``K``
reject ``p``, the others accept it.

The objector
------------
If the objection does not block and the objector does not pay its cost,
its two stances have identical payoffs at every profile, so along the whole
branch it objects with probability 1/2 exactly (the log-ratio equation of
its stances is ``w_1 - w_0 = ν · 0``), and at the limit too.  If the
proposer pays the cost ``c``, an objectionable offer then costs it ``c/2``
whatever the responder does; write ``c_p`` for that expected cost (0 for
other offers, and for every offer when a non-player or the objector pays:
the proposer's and the responder's payoffs do not depend on the objector
then).  The offers a blocking objection may stop stay out of the set ``E``
of rule (U); where the responder pays a cost only rule (N) applies.

Two facts about the game
------------------------
(F1) *Deals in an equilibrium.*  In every Nash equilibrium, an offer ``p``
that the proposer makes with positive probability is concluded with
positive probability only if ``u_P(p) ≥ s_P`` and ``u_R(p) ≥ s_R``.
Proof: the responder's payoff of concession ``k`` is, up to a constant,
``G_k = Σ_{p accepted by k} σ_P(p) (1 - β_p) (u_R(p) - s_R - e_p)`` where
``β_p`` is the probability that an objection blocks ``p`` and ``e_p ≥ 0``
the responder's expected cost.  Lowering the concession past a level below
``s_R`` adds terms ``≤ 0``, negative where an offer of that level is made
and not surely blocked, so no best response concludes such an offer.  The
proposer's payoff of ``p`` is ``s_P + d_p (u_P(p) - s_P) - c_p`` with
``d_p`` the chance of the deal and ``c_p ≥ 0``; with ``u_P(p) < s_P`` and
``d_p > 0`` this is below ``s_P``, what no proposal guarantees, so ``p`` is
not a best response.

(F2) *A floor on acceptance along the branch.*  Let ``p`` be an offer with
``u_R(p) > s_R``, the responder paying no cost.  At every interior profile
(every point of the logit branch: all strategies have positive
probability, no objection blocks surely), concession ``j(p)`` earns
strictly more than each concession that rejects ``p``: every level those
leave out is ``≥ u_R(p) > s_R`` and offered with positive probability.  The
logit response ranks strategies as their payoffs, so each of the
rejecting concessions is less likely than ``j(p)``, whose probability is at
most ``A_p``, the probability that ``p`` is accepted.  With ``r`` rejecting
concessions of positive weight, ``1 - A_p < r A_p``: ``A_p > 1 / (r + 1)``.
Along the branch ``r ≤ j(p) + 1``; at a limit where the proposer offers
``q`` surely (``u_R(q) > s_R``), every concession rejecting ``q`` earns less
than ``j(q)`` by ``u_R(q) - s_R`` and has weight 0, leaving
``r ≤ max(j(p) - j(q), 0)``.

The rules
---------
(N) *No deal.*  If no offer has ``u_P(p) ≥ s_P`` and ``u_R(p) ≥ s_R``,
then by (F1) no equilibrium concludes a deal: the outcome is ``NO_DEAL``
with probability 1.  The proposer's equilibrium payoff is its value, at
least ``s_P`` (no proposal) and at most ``s_P`` (no deal, costs ``≥ 0``);
the other players get their status quo (a cost the proposer does not pay
falls only on a deal).  So every agent's utility is its status-quo utility.

(U) *One possible limit.*  Let ``E`` be the offers with ``u_P(p) > s_P`` and
``u_R(p) > s_R`` that no objection blocks, and
``V = s_P + max_{p ∈ E} ((u_P(p) - s_P) / (j(p) + 2) - c_p)``.  By (F2) the
proposer earns at least ``V`` at the branch's limit, a Nash equilibrium.
If ``V > s_P``, each offer ``q`` in the proposer's support earns ``V`` or
more, so ``d_q > 0``, ``u_R(q) ≥ s_R`` (F1) and ``u_P(q) - c_q ≥ V``: ``q`` is a
*candidate*; no proposal earns ``s_P < V``.  If every candidate is in ``E``
and no two give the proposer the same ``u_P - c`` (within the margin), the
support is one candidate ``q``, which the responder then strictly prefers to
accept: the outcome is ``q`` with probability 1.  The hypothesis "the limit
offers ``q``" requires, by (F2) at the limit, that for every ``p ∈ E``
``u_P(q) - c_q ≥ (u_P(p) - s_P) / (max(j(p) - j(q), 0) + 1) + s_P - c_p``
(for ``j(p) ≤ j(q)`` the responder accepts ``p`` surely).  If exactly one
candidate passes, it is the limit (the branch of a generic game converges,
[Tur05]_); each agent gets ``u_i(q)``, the proposer ``u_P(q) - c_q``.

The comparisons are made with a margin (:data:`MARGIN` times each player's
payoff range), always in the direction that sends a near tie to the
fallback: the per-point solver returns an equilibrium certified to
``1e-10`` times the payoff range, not an exact one, and near a tie that
matters.  Every other point goes to the fallback.  There are many: the
limit depends on the branch's path wherever several candidates pass (at
``japan.demand = 2``, ``russia.security_weight = 0``,
``russia.pledge_credibility = 0`` in "2018-singapore" both agreement 20,
the subgame-perfect outcome, and 21 pass; the branch ends at 21, and no
comparison of payoffs tells which), and tracing a branch costs about as
much in any formulation (about a hundred continuation steps, each a dense
linear solve of the size of the game).  On the headline grid ("2018-singapore"
over ``japan.demand`` x ``russia.security_weight`` x
``russia.pledge_credibility``, 2 x 708 x 708 points) rule (N) decides 49.6%
of the points, rule (U) 9.0%, and 41.4% go to the fallback; these are the
points with the longest branches (about a second each), so the fallback
holds nearly all of a sweep's time.

Where the kernel differs from the per-point solver
--------------------------------------------------
* The probability of a deal at a decided point is exactly 0 or 1; the
  per-point solver's carries its polish's round-off (``1 - 2e-16``, say).
* Where the proposer pays for an objection to the agreement reached, its
  utility here is the branch's limit, ``u_P(q) - c/2``; the per-point
  solver polishes to an equilibrium near the branch whose objector mix may
  be off 1/2 (by up to ``5e-4`` on the headline grid), and so the proposer's
  utility by that times ``c`` (``settle_objections=False`` leaves these
  points to the fallback).
* Where two of a player's payoffs differ by less than float64 resolves, the
  per-point solver may refuse the game (see :func:`nash_sweep_kernel`);
  the rules answer there.

References
----------
.. [MP95] R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for
   normal form games", *Games and Economic Behavior* 10(1):6–38, 1995.
.. [Tur05] T. L. Turocy, "A dynamic homotopy interpretation of the logistic
   quantal response equilibrium correspondence", *Games and Economic
   Behavior* 51(2):243–263, 2005.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import describe
from kurilsim._errors import InvalidArgumentError, InvalidModelError, SolverError
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario

#: The per-point solver's result: a :class:`kurilsim.concepts.Outcome` (not
#: imported: the concepts sit above the solvers).
Outcome = Any

__all__ = [
    "FALLBACK",
    "MARGIN",
    "NO_DEAL_RULE",
    "UNIQUE_RULE",
    "NashSweep",
    "nash_kernel_with_mode",
    "nash_rules",
    "nash_sweep_kernel",
]

#: Relative margin of the rules' comparisons (times each player's payoff
#: range): a closer comparison sends the point to the fallback.
MARGIN: Final = 1e-9

#: Which rule decided a point (:attr:`NashSweep.rule`).
FALLBACK: Final = 0
NO_DEAL_RULE: Final = 1
UNIQUE_RULE: Final = 2


@dataclass(frozen=True, slots=True, eq=False)
class NashSweep:
    """The ``"nash"`` outcome at the points of a sweep chunk.

    Attributes
    ----------
    agreement : ndarray of int
        Shape ``(m,)``: the most likely agreement, ``NO_DEAL`` where no deal
        is at least as likely (as :attr:`kurilsim.Outcome.agreement`).
    probability : ndarray
        Shape ``(m,)``: the probability of a deal.
    utilities : ndarray
        Shape ``(m, n_agents)``: each agent's expected utility.
    mode_probability : ndarray
        Shape ``(m,)``: the probability of ``agreement`` (of no deal where it
        is ``NO_DEAL``).
    rule : ndarray of int
        Shape ``(m,)``: what decided each point: ``1`` rule (N), ``2`` rule
        (U) of the module notes, ``0`` the per-point solver (fallback).
    """

    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    mode_probability: NDArray[np.float64]
    rule: NDArray[np.intp]

    @property
    def fallback_rate(self) -> float:
        """The share of the points that the per-point solver solved."""
        return float(np.mean(self.rule == FALLBACK)) if self.rule.size else 0.0


def _levels_above(values: NDArray[np.float64]) -> NDArray[np.intp]:
    """For each row (offer) and column (point): how many distinct values of
    the column are strictly greater than this one (the level index ``j``)."""
    n, m = values.shape
    rows = np.ascontiguousarray(values.T)  # point x offer: sorts along rows
    order = np.argsort(-rows, axis=1)
    ranked = np.take_along_axis(rows, order, axis=1)
    rank = np.zeros((m, n), dtype=np.intp)
    np.cumsum(ranked[:, 1:] != ranked[:, :-1], axis=1, out=rank[:, 1:])
    out = np.empty((m, n), dtype=np.intp)
    np.put_along_axis(out, order, rank, axis=1)
    return out.T


def nash_rules(
    utilities: NDArray[np.float64],
    *,
    proposer: int,
    responder: int,
    available: NDArray[np.bool_],
    unsettled: NDArray[np.bool_] | None = None,
    cost: NDArray[np.float64] | None = None,
    responder_pays: bool = False,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The rules (N) and (U) of the module notes at many points.

    Parameters
    ----------
    utilities : ndarray
        Shape ``(n_agents, n + 1, m)``: each agent's utility of each
        agreement at each point, the status quo last (the layout of
        :class:`kurilsim.concepts.SweepKernel`).
    proposer, responder : int
        Rows of the proposer and the responder.
    available : ndarray of bool
        Shape ``(n,)``: the agreements the veto leaves (the offers).
    unsettled : ndarray of bool, optional
        Shape ``(n,)``: the offers whose deal an objection may stop (a
        blocking objection); rule (U) does not use them.  Default: none.
    cost : ndarray, optional
        Shape ``(n,)``: the proposer's expected objection cost of each offer
        along the branch (``objection_cost / 2`` for an objectionable offer
        when the objector is indifferent and the proposer pays).  Default 0.
    responder_pays : bool
        Whether the responder pays an objection cost (an objector that does
        not block, paid by the responder); then only rule (N) applies.

    Returns
    -------
    rule : ndarray of int
        Shape ``(m,)``: ``1`` (N), ``2`` (U), ``0`` undecided.
    agreement : ndarray of int
        Shape ``(m,)``: the agreement of rule (U), ``NO_DEAL`` elsewhere.

    Examples
    --------
    Two agreements, both better than the status quo for both players; the
    responder ranks the first higher, so it is accepted with probability
    above 1/2 and the proposer, who gains 1 from it, earns at least 1/2
    there -- more than the second's 0.4:

    >>> import numpy as np
    >>> from kurilsim.solvers._nash_kernel import nash_rules
    >>> table = np.array([[[1.0], [0.4], [0.0]], [[0.5], [0.2], [0.0]]])
    >>> nash_rules(table, proposer=0, responder=1, available=np.ones(2, bool))
    (array([2]), array([0]))
    """
    table = np.asarray(utilities, dtype=np.float64)
    if table.ndim != 3:
        raise InvalidArgumentError(
            f"utilities must have shape (n_agents, n + 1, m), got shape {table.shape}"
        )
    n, m = table.shape[1] - 1, table.shape[-1]
    offers = np.flatnonzero(np.asarray(available, dtype=bool))
    rule = np.zeros(m, dtype=np.intp)
    agreement = np.full(m, NO_DEAL, dtype=np.intp)
    if m == 0:
        return rule, agreement
    if offers.size == 0:
        rule[:] = NO_DEAL_RULE
        return rule, agreement
    P, R = table[proposer], table[responder]
    margin_p = MARGIN * (np.ptp(P, axis=0) + 1e-300)
    margin_r = MARGIN * (np.ptp(R, axis=0) + 1e-300)
    gain_p = P[offers] - P[-1]
    gain_r = R[offers] - R[-1]
    # rule (N): no offer is weakly better for both (within the margin)
    possible = (gain_p >= -margin_p) & (gain_r >= -margin_r)
    rule[~possible.any(axis=0)] = NO_DEAL_RULE
    if responder_pays:
        return rule, agreement
    # rule (U).  The offers it uses (E): better for both, no blocking objection
    paid = np.zeros(n) if cost is None else np.asarray(cost, dtype=np.float64)
    paid = paid[offers, None]
    blocked = np.zeros(n, dtype=bool) if unsettled is None else np.asarray(unsettled)
    clean = (gain_p > margin_p) & (gain_r > margin_r) & ~blocked[offers, None]
    level = _levels_above(R[offers])
    value = gain_p - paid  # the proposer's gain from an offer accepted surely
    floor = np.where(clean, gain_p / (level + 2.0) - paid, -np.inf).max(axis=0)
    candidate = possible & (value >= floor - margin_p)
    open_ = (rule == FALLBACK) & (floor > margin_p)  # V > s_P: some deal
    # every candidate in E, and no two within the margin for the proposer
    open_ &= ~(candidate & ~clean).any(axis=0)
    ranked = np.sort(np.where(candidate, value, -np.inf), axis=0)
    with np.errstate(invalid="ignore"):
        close = (ranked[1:] - ranked[:-1] <= margin_p) & np.isfinite(ranked[:-1])
    open_ &= ~close.any(axis=0)
    # drop each hypothesis "the limit offers c" that a floor contradicts
    at = np.flatnonzero(open_)
    consistent = candidate[:, at]
    level = level[:, at]
    worth = np.where(clean[:, at], gain_p[:, at], np.nan)  # the offers in E
    slack = value[:, at] + margin_p[at]
    for c in np.flatnonzero(consistent.any(axis=1)).tolist():
        gap = np.maximum(level - level[c], 0) + 1.0
        needed = np.fmax.reduce(worth / gap - paid, axis=0)
        consistent[c] &= ~(slack[c] < needed)
    unique = consistent.sum(axis=0) == 1
    rule[at[unique]] = UNIQUE_RULE
    agreement[at[unique]] = offers[np.argmax(consistent, axis=0)[unique]]
    return rule, agreement


def _point_answer(outcome: Outcome) -> tuple[int, float, NDArray[np.float64], float]:
    """What a sweep records of one per-point outcome, as
    :func:`kurilsim.sweeps.evaluate_chunk` does, and the mode's probability."""
    code = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
    if outcome.probability == 0:
        code = NO_DEAL
    mode = outcome.distribution.get(code, 0.0)
    return code, float(outcome.probability), np.asarray(outcome.utilities), float(mode)


def _objection_terms(
    scenario: Scenario, settle: bool
) -> tuple[NDArray[np.float64], NDArray[np.bool_], bool]:
    """What the objector does to the rules: the proposer's expected cost of
    each offer along the branch, the offers rule (U) must leave alone, and
    whether the responder pays a cost (see the module notes)."""
    protocol = scenario.protocol
    n = len(scenario.space)
    cost = np.zeros(n)
    none = np.zeros(n, dtype=bool)
    if not protocol.objector:
        return cost, none, False
    restricted = np.asarray(protocol.objectionable_agreements(scenario.space), dtype=bool)
    if protocol.objection_blocks:
        return cost, restricted, False
    if protocol.objection_cost == 0 or protocol.payer not in (
        protocol.proposer, protocol.responder
    ):
        # the objection changes neither the outcome nor the players' payoffs
        return cost, none, False
    if protocol.payer == protocol.responder:
        return cost, none, True
    # the objector is indifferent: it objects with probability 1/2 exactly
    if not settle:
        return cost, restricted, False
    return np.where(restricted, protocol.objection_cost / 2.0, 0.0), none, False


def nash_sweep_kernel(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
    *,
    solve: Callable[[Scenario], Outcome],
    settle_objections: bool = True,
) -> NashSweep:
    """The ``"nash"`` outcome at many points: the rules, then the fallback.

    Parameters
    ----------
    scenario : Scenario
        The base scenario of the chunk.
    utilities : ndarray
        Shape ``(n_agents, len(scenario.space) + 1, m)``: the outcome
        utilities at the points (see :class:`kurilsim.concepts.SweepKernel`).
    settings : mapping of str to ndarray
        The swept parameters (dotted names) at the points: the fallback
        solves ``scenario.with_params`` of them.
    solve : callable
        The per-point solver, ``solve(scenario) -> Outcome`` (the ``"nash"``
        concept's ``solve``).
    settle_objections : bool
        Whether rule (U) settles points whose agreement is objectionable
        where the objector is indifferent and the proposer pays the
        objection cost (default).  The proposer's utility there is the
        branch's limit, with the objector mixing 1/2; the per-point solver's
        polish may return a nearby equilibrium whose objector mix is off 1/2
        by up to about ``5e-4``, and the proposer's utility by that times
        the cost.  False: those points go to the fallback.

    Returns
    -------
    NashSweep

    Raises
    ------
    InvalidModelError
        If ``utilities`` does not fit the scenario, or a point the fallback
        solves has other utilities than ``settings`` give it.
    KurilsimError
        What ``solve`` raises at a point the rules leave to it: a sweep then
        solves the chunk point by point, recording each point's error.

    Notes
    -----
    Where two of a player's payoffs differ by less than float64 resolves
    (about ``1e-14`` of its range; utilities that are equal in exact
    arithmetic and differ in their last bit are common), the per-point
    solver refuses the game with a :class:`~kurilsim.PrecisionError`, or
    not, depending on how the utilities were rounded -- the sweep's
    vectorised utilities and a scenario's own may differ in the last bits.
    The rules answer there: their comparisons have margins far above
    round-off, so their answer is the same for either rounding.

    Examples
    --------
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim import concepts
    >>> from kurilsim.solvers._nash_kernel import nash_sweep_kernel
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> values = np.array([4.0, 1.0])
    >>> table = scenario.outcome_utilities({"russia.security_weight": values},
    ...                                    points_last=True)
    >>> found = nash_sweep_kernel(scenario, table,
    ...                           {"russia.security_weight": values},
    ...                           solve=concepts.get("nash").solve)
    >>> found.agreement.tolist(), found.rule.tolist()
    ([-1, 2], [1, 2])
    """
    table = np.asarray(utilities, dtype=np.float64)
    n_agents, n = len(scenario.agents), len(scenario.space)
    if table.ndim != 3 or table.shape[:2] != (n_agents, n + 1):
        raise InvalidModelError(
            f"utilities must have shape ({n_agents}, {n + 1}, m) for scenario "
            f"{scenario.name!r}, got {describe(table)} of shape {table.shape}"
        )
    m = table.shape[-1]
    protocol = scenario.protocol
    names = scenario.agent_names
    cost, unsettled, responder_pays = _objection_terms(scenario, settle_objections)
    rule, agreement = nash_rules(
        table,
        proposer=names.index(protocol.proposer),
        responder=names.index(protocol.responder),
        available=~np.asarray(protocol.vetoed_agreements(scenario.space), dtype=bool),
        unsettled=unsettled,
        cost=cost,
        responder_pays=responder_pays,
    )
    columns = np.arange(m)
    # NO_DEAL (-1) picks the status quo, the last outcome
    expected = np.ascontiguousarray(table[:, agreement, columns].T)
    expected[:, names.index(protocol.proposer)] -= np.append(cost, 0.0)[agreement]
    probability = (agreement != NO_DEAL).astype(np.float64)
    mode = np.ones(m)
    for k in np.flatnonzero(rule == FALLBACK).tolist():
        point = scenario.with_params(
            {name: np.asarray(values)[k].item() for name, values in settings.items()}
        )
        own = point.outcome_utilities()
        scale = np.abs(own).max() + 1.0
        if np.any(np.abs(own - table[..., k]) > 1e-9 * scale):
            raise InvalidModelError(
                "the nash kernel was given utilities that its settings do not "
                f"reproduce at point {k} (a swept parameter missing from settings?)"
            )
        try:
            answer = solve(point)
        except SolverError as failure:
            # the sweep records a point's own solver error only on the per-point
            # path: hand the chunk over to it (a SolverError from a kernel stops
            # the sweep, an InvalidModelError sends its chunk point by point)
            raise InvalidModelError(
                f"the nash kernel's per-point fallback failed at point {k} "
                f"({type(failure).__name__}: {failure}); the chunk is solved point "
                "by point, which records the point's error"
            ) from failure
        agreement[k], probability[k], expected[k], mode[k] = _point_answer(answer)
    return NashSweep(
        agreement=readonly(agreement),
        probability=readonly(probability),
        utilities=readonly(expected),
        mode_probability=readonly(mode),
        rule=readonly(rule),
    )


def nash_kernel_with_mode(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
    *,
    solve: Callable[[Scenario], Outcome],
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The ``"nash"`` kernel's triple and the mode's probability.

    :func:`nash_sweep_kernel` as the arrays ``(agreement, probability,
    utilities, mode_probability)``: the triple of
    :class:`kurilsim.concepts.SweepKernel` for a lottery concept, then the
    probability of ``agreement`` at each point (of no deal where it is
    ``NO_DEAL``).

    Examples
    --------
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim import concepts
    >>> from kurilsim.solvers._nash_kernel import nash_kernel_with_mode
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> values = {"russia.security_weight": np.array([4.0, 1.0])}
    >>> table = scenario.outcome_utilities(values, points_last=True)
    >>> agreement, probability, utilities, mode = nash_kernel_with_mode(
    ...     scenario, table, values, solve=concepts.get("nash").solve)
    >>> agreement.tolist(), probability.tolist(), mode.tolist()
    ([-1, 2], [0.0, 1.0], [1.0, 1.0])
    """
    found = nash_sweep_kernel(scenario, utilities, settings, solve=solve)
    return found.agreement, found.probability, found.utilities, found.mode_probability
