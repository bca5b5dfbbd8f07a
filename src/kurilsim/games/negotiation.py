"""Games built from a negotiation scenario."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_instance, describe
from kurilsim._errors import InvalidModelError, InvalidProfileError
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.games.sequential import Decision, SequentialGame, Terminal
from kurilsim.model.agreements import NO_DEAL, AgreementSpace
from kurilsim.model.protocol import restricted_agreements
from kurilsim.model.scenario import Scenario

__all__ = [
    "NO_PROPOSAL",
    "StrategicNegotiation",
    "objectionable",
    "proposal_game",
    "restricts_objector",
    "stopped",
    "strategic_game",
    "vetoed",
]

#: Action label of the proposer's option not to propose (the status quo).
NO_PROPOSAL = "no proposal"


def _check_scenario(scenario: object) -> None:
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)


def objectionable(scenario: Scenario) -> NDArray[np.bool_]:
    """Which agreements the protocol's objector may object to.

    None if the protocol names no objector; all of them if
    ``protocol.objection_scope == "any"``; else those where the protocol's
    ``objectionable`` rule (a feature of the space, or a product of features)
    is > 0 -- see :meth:`kurilsim.NegotiationProtocol.objectionable_agreements`.

    Examples
    --------
    In the Kuril case the United States may object to the agreements that
    transfer islands with US forces excluded from them:

    >>> import kurilsim
    >>> from kurilsim.games.negotiation import objectionable
    >>> scenario = kurilsim.kuril_scenario()
    >>> scenario.protocol.objectionable
    'islands.any*security.restricts_us'
    >>> int(objectionable(scenario).sum()), len(scenario.space)
    (24, 38)
    """
    _check_scenario(scenario)
    return scenario.protocol.objectionable_agreements(scenario.space)


def restricts_objector(space: AgreementSpace, rule: str) -> NDArray[np.bool_]:
    """Which agreements of ``space`` a restriction rule marks.

    ``rule`` is what ``NegotiationProtocol.objectionable`` holds: a feature of
    the space, or a product of features joined by ``"*"``; an agreement
    restricts the objector's rights when the rule is > 0 there (see
    :func:`kurilsim.model.protocol.restricted_agreements`).

    Raises
    ------
    InvalidModelError
        If ``space`` is not an :class:`~kurilsim.AgreementSpace`, or ``rule`` is
        not a feature expression of it.

    Examples
    --------
    >>> from kurilsim import kuril_space
    >>> from kurilsim.games.negotiation import restricts_objector
    >>> space = kuril_space()
    >>> int(restricts_objector(space, "islands.any*security.restricts_us").sum())
    24
    """
    check_instance(space, AgreementSpace, "space", error=InvalidModelError)
    return restricted_agreements(space, rule)


def vetoed(scenario: Scenario) -> NDArray[np.bool_]:
    """Which agreements some agent of the protocol vetoes (they cannot be concluded).

    See :meth:`kurilsim.NegotiationProtocol.vetoed_agreements`.  The games of
    this module leave them out: the proposer cannot propose them.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.games.negotiation import vetoed
    >>> scenario = kurilsim.kuril_scenario()
    >>> int(vetoed(scenario).sum())
    0
    >>> import dataclasses
    >>> banned = dataclasses.replace(scenario, protocol=dataclasses.replace(
    ...     scenario.protocol, veto={"russia": "islands.any"}))
    >>> int(vetoed(banned).sum()), len(banned.space)
    (36, 38)
    """
    _check_scenario(scenario)
    return scenario.protocol.vetoed_agreements(scenario.space)


def stopped(scenario: Scenario) -> NDArray[np.bool_]:
    """Agreements the veto rules out or the objector's objection would stop.

    The vetoed agreements (:func:`vetoed`), and, if the protocol names an
    objector, the objectionable agreements (:func:`objectionable`) the
    objector values below its status quo, where its objection would stop
    them: always if the protocol's objection blocks, otherwise where the
    objection's payer would rather keep the status quo than pay
    ``protocol.objection_cost``.  This is the proposal game's comparison with
    the status quo, without its tie tolerance; the games over time (the
    ``"dynamic"`` concept, :mod:`kurilsim.solvers.markov` applied to a
    scenario) use it to leave out what the objector would stop, since the
    objector is not a player there.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.games.negotiation import stopped, vetoed
    >>> scenario = kurilsim.load_scenario("2020-constitution")
    >>> bool((stopped(scenario) >= vetoed(scenario)).all())
    True
    """
    _check_scenario(scenario)
    protocol = scenario.protocol
    out = vetoed(scenario)
    if not protocol.objector:
        return out
    names = scenario.agent_names
    table = scenario.utilities()
    status_quo = scenario.status_quo_utilities()
    objector = names.index(protocol.objector)
    objected = objectionable(scenario) & (table[objector] < status_quo[objector])
    if protocol.objection_blocks:
        return np.asarray(out | objected, dtype=bool)
    if protocol.payer in names:
        payer = names.index(protocol.payer)
        withdraws = table[payer] - protocol.objection_cost < status_quo[payer]
        return np.asarray(out | (objected & withdraws), dtype=bool)
    return out


def proposal_game(scenario: Scenario) -> SequentialGame:
    """The sequential proposal game with the objector's consent, as a game tree.

    Moves (the protocol of ``scenario`` names the roles):

    1. The proposer proposes an agreement, or makes no proposal (status
       quo).  Actions are the agreements in space order, then
       ``"no proposal"``; agreements the protocol's ``veto`` rules out
       (see :func:`vetoed`) are not among them.
    2. If the objector may object to the agreement (see :func:`objectionable`:
       any agreement, or those the protocol's ``objectionable`` rule marks)
       the objector consents or objects.  If ``protocol.objection_blocks`` an
       objection ends the negotiation in the status quo; otherwise the
       proposer proceeds or withdraws (status quo, no cost), and the
       objection payer (``protocol.payer``: the proposer unless
       ``protocol.objection_payer`` names another agent) pays
       ``protocol.objection_cost`` if it defies the objection: a payer who
       proposed pays on proceeding, whatever the responder does; a payer
       who responds pays on accepting; any other payer pays when the
       agreement is concluded.
    3. The responder accepts (the agreement is concluded) or rejects (status
       quo).

    In the Kuril case Japan proposes, Russia responds, the United States
    may object to agreements that exclude US forces from transferred islands
    and Japan bears the cost of an objection (the strain on its alliance).

    Action orders make the default tie-break of :func:`kurilsim.solve_spe`
    mean: the responder accepts when indifferent, the objector consents, the
    proposer proceeds, and the proposer prefers an earlier agreement.
    Terminal outcomes are agreement indices, or :data:`kurilsim.NO_DEAL`.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.games.negotiation import proposal_game
    >>> game = proposal_game(kurilsim.kuril_scenario(name="default"))
    >>> game.players
    ('japan', 'russia', 'united_states')
    >>> len(game.children[0])  # 38 agreements + no proposal
    39
    """
    _check_scenario(scenario)
    names = scenario.agent_names
    protocol = scenario.protocol
    utilities = scenario.outcome_utilities()
    status_quo = tuple(float(u) for u in utilities[:, -1])
    proposer = names.index(protocol.proposer)
    payer = names.index(protocol.payer)
    objector = names.index(protocol.objector) if protocol.objector else None
    restricted = objectionable(scenario)
    excluded = vetoed(scenario)
    cost = protocol.objection_cost

    def no_deal() -> Terminal:
        return Terminal(status_quo, outcome=NO_DEAL)

    def respond(index: int, objected: bool = False) -> Decision:
        accept = [float(u) for u in utilities[:, index]]
        reject = list(status_quo)
        if objected:  # the payer defies the objection by accepting or proceeding
            accept[payer] -= cost
            if payer == proposer:
                reject[payer] -= cost
        return Decision(
            protocol.responder,
            (
                ("accept", Terminal(tuple(accept), outcome=index)),
                ("reject", Terminal(tuple(reject), outcome=NO_DEAL)),
            ),
        )

    labels = [f"propose {agreement}" for agreement in scenario.space]
    if len(set(labels)) < len(labels):  # ambiguous option labels: add indices
        labels = [f"propose #{k}: {a}" for k, a in enumerate(scenario.space)]
    moves: list[tuple[str, Any]] = []
    for index, label in enumerate(labels):
        if excluded[index]:
            continue
        subtree: Any = respond(index)
        if objector is not None and restricted[index]:
            if protocol.objection_blocks:
                after_objection: Any = no_deal()
            else:
                after_objection = Decision(
                    protocol.proposer,
                    (
                        ("proceed", respond(index, objected=True)),
                        ("withdraw", no_deal()),
                    ),
                )
            subtree = Decision(
                protocol.objector,
                (("consent", subtree), ("object", after_objection)),
            )
        moves.append((label, subtree))
    moves.append((NO_PROPOSAL, no_deal()))
    return SequentialGame(Decision(protocol.proposer, tuple(moves)), names)


@dataclass(frozen=True, slots=True, eq=False)
class StrategicNegotiation:
    """The negotiation as a simultaneous-move game, with the deal each profile makes.

    Attributes
    ----------
    game : NormalFormGame
        Players in scenario order; labelled strategies.
    outcomes : ndarray of int
        Same shape as the game: the agreement index each pure profile leads
        to, or ``NO_DEAL``.
    scenario : Scenario
    """

    game: NormalFormGame
    outcomes: NDArray[np.intp]
    scenario: Scenario

    def outcome_distribution(self, strategies: Sequence[ArrayLike]) -> dict[int, float]:
        """Probability of each agreement index (and ``NO_DEAL``) under a profile.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.games.negotiation import strategic_game
        >>> sg = strategic_game(kurilsim.kuril_scenario(name="default"))
        >>> result = kurilsim.solve_nash(sg.game, method="pure")
        >>> dist = sg.outcome_distribution(result.equilibria[0].strategies)
        >>> round(sum(dist.values()), 12)
        1.0
        """
        try:
            profile = self.game.validate_profile(strategies)
        except InvalidProfileError as error:
            raise InvalidProfileError(f"strategies: {error}") from None
        probabilities = functools.reduce(np.multiply.outer, profile)
        totals = np.bincount(
            (self.outcomes.ravel() + 1), weights=probabilities.ravel(),
            minlength=len(self.scenario.space) + 1,
        )
        return {
            int(index) - 1: float(p) for index, p in enumerate(totals) if p > 1e-15
        }


def strategic_game(
    scenario: Scenario, *, proposals: Sequence[int] | None = None
) -> StrategicNegotiation:
    """The negotiation as a simultaneous-move (normal-form) game.

    Players choose at once:

    * the proposer its *demand and offer*: an agreement to propose
      (by default every agreement the protocol's ``veto`` leaves available,
      see :func:`vetoed`; ``proposals`` restricts them, by index), or
      ``"no proposal"``;
    * the responder its *concession*: the least favourable (to
      itself) of the proposals it will still accept -- "concede down to X"
      accepts every proposal it values at least as much as X -- or
      ``"concede nothing"``;
    * the objector, if any, its *stance*: ``"consent"`` to the agreements
      it may object to (see :func:`objectionable`), or ``"object"``.  An
      objection blocks such an agreement if ``protocol.objection_blocks``;
      otherwise the agreement stands and the objection payer
      (``protocol.payer``) pays ``protocol.objection_cost`` as in
      :func:`proposal_game`: a proposer-payer whenever it proposes such an
      agreement, any other payer only where the agreement is concluded.

    Any other agents of the scenario get their utility of the outcome without
    moving (they are not players of the game; an objection cost falling on
    such an agent is not part of the game's payoffs).  (In the Kuril case: Japan
    proposes, Russia concedes, the United States takes a stance.)

    Returns
    -------
    StrategicNegotiation
        The :class:`~kurilsim.NormalFormGame` (solvable by every
        :func:`~kurilsim.solve_nash` method that supports its number of
        players) and the outcome of each pure profile.

    Raises
    ------
    InvalidModelError
        If ``proposals`` is not a sequence of distinct agreement indices, or
        names an agreement the protocol's ``veto`` rules out.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.games.negotiation import strategic_game
    >>> sg = strategic_game(kurilsim.kuril_scenario(name="default"), proposals=[0, 14, 21])
    >>> sg.game.shape
    (4, 4, 2)
    >>> sg.game.strategies[1][-1]
    'concede nothing'
    """
    _check_scenario(scenario)
    names = scenario.agent_names
    protocol = scenario.protocol
    space = scenario.space
    utilities = scenario.outcome_utilities()
    excluded = vetoed(scenario)
    if proposals is None:
        offered = np.flatnonzero(~excluded)
    else:
        if (
            isinstance(proposals, str | bytes)
            or not isinstance(proposals, Sequence | np.ndarray)
            or not all(
                isinstance(k, numbers.Integral) and not isinstance(k, bool | np.bool_)
                for k in proposals
            )
        ):
            raise InvalidModelError(
                "proposals must be a sequence of agreement indices (integers), got "
                f"{describe(proposals)}"
            )
        offered = np.array([int(k) for k in proposals], dtype=np.intp)
        if offered.ndim != 1 or offered.size == 0 or np.any(
            (offered < 0) | (offered >= len(space))
        ) or len(set(offered.tolist())) != offered.size:
            raise InvalidModelError(
                f"proposals must be distinct agreement indices in [0, {len(space)}), "
                f"got {proposals!r}"
            )
        banned = offered[excluded[offered]]
        if banned.size:
            raise InvalidModelError(
                f"proposals must not include vetoed agreements (protocol.veto), got "
                f"{banned.tolist()}"
            )
    proposer = names.index(protocol.proposer)
    responder = names.index(protocol.responder)
    payer = names.index(protocol.payer)
    objector = names.index(protocol.objector) if protocol.objector else None
    responder_values = utilities[responder, offered]
    levels = np.unique(responder_values)[::-1]  # from the best for the responder
    # concession k accepts proposals the responder values >= levels[k]
    lowest = [
        offered[np.flatnonzero(responder_values == level)[0]] for level in levels
    ]
    n_prop, n_conc = len(offered) + 1, len(levels) + 1
    accepted = np.zeros((n_prop, n_conc), dtype=bool)
    accepted[:-1, :-1] = responder_values[:, None] >= levels[None, :]
    restricted = np.zeros(n_prop, dtype=bool)
    restricted[:-1] = objectionable(scenario)[offered]
    deal_index = np.append(offered, NO_DEAL)
    stances = ("consent", "object") if objector is not None else ("consent",)
    outcomes = np.full((n_prop, n_conc, len(stances)), NO_DEAL, dtype=np.intp)
    cost = np.zeros((n_prop, n_conc, len(stances)))
    for s, stance in enumerate(stances):
        blocked = restricted & (stance == "object") & protocol.objection_blocks
        deal = accepted & ~blocked[:, None]
        outcomes[:, :, s] = np.where(deal, deal_index[:, None], NO_DEAL)
        if stance == "object" and not protocol.objection_blocks:
            # a proposer-payer pays for proposing, any other payer for a deal
            charged = restricted[:, None] & (deal | (payer == proposer))
            cost[:, :, s] = np.where(charged, protocol.objection_cost, 0.0)
    payoffs = utilities[:, outcomes]  # (n_agents, n_prop, n_conc, n_stances)
    payoffs[payer] -= cost
    labels_prop = [f"propose {space[int(k)]}" for k in offered] + [NO_PROPOSAL]
    if len(set(labels_prop)) < len(labels_prop):
        labels_prop = [f"propose #{int(k)}: {space[int(k)]}" for k in offered]
        labels_prop.append(NO_PROPOSAL)
    labels_conc = [f"concede down to {space[int(k)]}" for k in lowest]
    if len(set(labels_conc)) < len(labels_conc):
        labels_conc = [f"concede down to #{int(k)}" for k in lowest]
    labels_conc.append("concede nothing")
    if objector is None:
        players = [names[proposer], names[responder]]
        arrays = [payoffs[proposer][..., 0], payoffs[responder][..., 0]]
        strategies = [labels_prop, labels_conc]
        outcome_table = outcomes[..., 0]
    else:
        players = [names[proposer], names[responder], names[objector]]
        arrays = [payoffs[proposer], payoffs[responder], payoffs[objector]]
        strategies = [labels_prop, labels_conc, list(stances)]
        outcome_table = outcomes
    game = NormalFormGame(arrays, players=players, strategies=strategies)
    return StrategicNegotiation(
        game=game, outcomes=readonly(outcome_table), scenario=scenario
    )
