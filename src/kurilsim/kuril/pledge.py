"""The pledge game: Russia's doubt about US forces as a signalling game.

In the proposal game (:func:`kurilsim.games.negotiation.proposal_game`)
Russia discounts a Japanese no-US-forces pledge by a fixed number,
``russia.pledge_credibility``.  The pledge game makes that number a belief.
Nature draws whether the Japanese government can hold such a pledge against
its ally (type ``"reliable"``) or not (``"unreliable"``), with prior
probability ``russia.pledge_credibility`` of the first.  Japan, informed,
proposes an agreement together with a security clause from a menu, or makes
no proposal; the United States may object as in the proposal game; Russia,
uninformed, updates its belief from the proposal and accepts or rejects.

Types and binding force
    A reliable government's pledge holds for sure.  An unreliable one's
    holds with probability ``b_c``, the binding force of the clause ``c``
    attached to it (0 for a bare verbal assurance).  Russia's utility is
    affine in ``pledge_credibility`` (see :class:`~kurilsim.kuril.Russia`),
    so Russia's utility of an agreement proposed by a reliable government is
    its utility at credibility 1, by an unreliable one its utility at
    credibility ``b_c``, and with belief ``mu`` its expected utility is its
    utility at credibility ``mu + (1 - mu) * b_c``.

Clauses and their costs
    Clauses attach only to agreements that transfer islands under a pledge
    (:attr:`PledgeClause.applies_to`); every agreement can also be proposed
    bare (with a verbal assurance, if it carries a pledge).  A clause costs
    Japan ``kappa_c`` if the agreement is concluded, and an unreliable
    government in addition ``breach_cost * b_c``: it is bound to a pledge it
    cannot hold against its ally.  That extra cost, rising with the binding
    force, is the single-crossing condition that lets a reliable government
    separate itself (Spence 1973; Fearon 1997 calls such a clause *tying
    hands*).

The United States
    The objector may object to the agreements the protocol's
    ``objectionable`` rule marks, as in the proposal game, with the same
    convention (:func:`kurilsim.solvers.proposal.spe_kernel`): it objects
    iff it strictly prefers the status quo to the agreement, Russia would
    accept, and the objection changes the outcome (it blocks, or Japan would
    withdraw rather than pay ``protocol.objection_cost``).  Japan's payoff
    does not depend on its type except through the clause's cost, so
    whether Japan would withdraw is decided with that type's cost: the
    United States is assumed to know Japan's type (the alliance consultation
    is between the allies), while Russia observes the proposal only, not the
    consultation -- Russia's information set is the message.  An objection
    that makes Japan withdraw leads to the status quo, as no proposal would;
    an objection is never paid on the equilibrium path.  So the game folds
    into a two-player signalling game between Japan and Russia, with the
    status quo as the payoff of a blocked deal.

The ``"pbe"`` concept
    ``kurilsim.solve_scenario(scenario, "pbe")`` builds the tables of the
    scenario (:func:`pledge_tables`, default menu), keeps the messages that
    may matter (:meth:`PledgeTables.relevant`: the others are "no proposal"
    by another name) and solves that game with
    :func:`kurilsim.solvers.pbe.solve_pbe`: its ``evidence`` holds every
    pure PBE of it and the selected one (among the pure PBE that survive the
    Intuitive Criterion, the best for Japan ex ante; ties to the lowest
    message indices, so "no proposal", the first message, wins a tie with a
    rejected proposal).  The outcome is a lottery over Nature's draw: each
    type's agreement, weighted by the prior; its ``agreement`` is the most
    likely one (no deal if no deal is at least as likely), as for every
    lottery concept.  Sweeps report the same without building the tables:
    a rejection pays both players the status quo, so each point's game is
    each player's payoff if Russia accepts and the status quo, reduced to
    its relevant messages and selected as above, point by point in one
    compiled loop with numba (``kurilsim.solvers._pbe_kernel.commitment_games``,
    no tables in memory), in vectorised numpy blocks without it.

Regions
    A sweep of ``"pbe"`` reports the most likely agreement and the
    probability of a deal.  :func:`pledge_regions` keeps, over a grid of two
    parameters, what that reduces: the selected equilibrium's kind (pooling
    or separating) and each type's agreement; :func:`kurilsim.plot.pledge_regions`
    draws it (the phase diagram of ``docs/model/pledge-game.md``).

Reduction to the proposal game
    With only verbal assurances (``clauses=()``) both types have the same
    payoffs, Russia's belief after any on-path proposal is the prior, and
    the selected equilibrium pools on the proposal game's subgame-perfect
    agreement at ``pledge_credibility`` equal to the prior; with a prior of
    1 on the reliable type the same holds at credibility 1, whatever the
    menu.  ``tests/kuril/test_pledge.py`` checks both on every bundled
    scenario.

References
----------
Spence, M. (1973). Job market signaling. *Quarterly Journal of Economics*
87(3), 355-374.
Cho, I.-K. and Kreps, D. M. (1987). Signaling games and stable equilibria.
*Quarterly Journal of Economics* 102(2), 179-221.
Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
sinking costs. *Journal of Conflict Resolution* 41(1), 68-90.
Powell, R. (2006). War as a commitment problem. *International Organization*
60(1), 169-203.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_instance, check_int, check_real, describe, real_array
from kurilsim._errors import InvalidModelError
from kurilsim.games.negotiation import (
    NO_PROPOSAL,
    objectionable,
    restricts_objector,
    vetoed,
)
from kurilsim.games.signalling import DEFAULT_TOL, SignallingGame
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario

__all__ = [
    "DEFAULT_CLAUSES",
    "LEASE",
    "PLEDGE_RULE",
    "RESPONSES",
    "TREATY_ARTICLE",
    "TYPES",
    "VERIFIED_DEMILITARISATION",
    "PledgeClause",
    "PledgeRegions",
    "PledgeTables",
    "pledge_game",
    "pledge_regions",
    "pledge_tables",
]

#: Japan's types: can the government hold a no-US-forces pledge or not.
TYPES: Final = ("reliable", "unreliable")

#: Russia's responses, in this order (Russia accepts when indifferent).
RESPONSES: Final = ("accept", "reject")

#: The agreements that carry a no-US-forces pledge: islands transferred under
#: a security regime that restricts US forces (no US forces, or demilitarised).
PLEDGE_RULE: Final = "islands.any*security.restricts_us"

#: Relative tie tolerance of the objector's and Japan's decisions, as in the
#: proposal game's kernel (times the mover's utility range at each point).
_TOL: Final = 1e-12


@dataclass(frozen=True, slots=True, kw_only=True)
class PledgeClause:
    """A security clause Japan may attach to an agreement under a pledge.

    Attributes
    ----------
    name : str
        Readable name (``"treaty article"``); unique within a menu.
    cost : str or float
        Japan's cost of the clause if the agreement is concluded: a dotted
        agent parameter of the scenario (``"japan.article_cost"``, read at
        each point of a sweep) or a number >= 0.
    binding : str or float
        The probability that an unreliable government's pledge holds under
        the clause: a dotted agent parameter (``"russia.article_binding"``)
        or a number in [0, 1].
    applies_to : str
        The agreements the clause can be attached to: a feature of the space
        or a product of features (as the protocol's ``objectionable`` rule),
        an agreement qualifying where it is > 0.  Default: every agreement
        under a no-US-forces pledge (:data:`PLEDGE_RULE`).

    Raises
    ------
    InvalidModelError
        For an empty name, a cost or binding that is neither a dotted name
        nor a number in its range, or an empty ``applies_to``.

    Examples
    --------
    >>> from kurilsim.kuril.pledge import PledgeClause
    >>> PledgeClause(name="lease-back", cost=0.1, binding=0.9).binding
    0.9
    >>> PledgeClause(name="x", cost=-1.0, binding=0.5)
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidModelError: PledgeClause.cost must be a dotted agent parameter name or a finite number in [0, inf), got -1.0 (float)
    """

    name: str
    cost: str | float
    binding: str | float
    applies_to: str = PLEDGE_RULE

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidModelError(
                f"PledgeClause.name must be a non-empty string, got {describe(self.name)}"
            )
        for field, high in (("cost", None), ("binding", 1.0)):
            value = getattr(self, field)
            if isinstance(value, str) and "." in value.strip(". "):
                continue
            number = float("nan")
            if isinstance(value, numbers.Real) and not isinstance(value, bool):
                number = float(value)
            if not (np.isfinite(number) and number >= 0 and (high is None or number <= high)):
                where = "[0, inf)" if high is None else "[0, 1]"
                raise InvalidModelError(
                    f"PledgeClause.{field} must be a dotted agent parameter name or a "
                    f"finite number in {where}, got {describe(value)}"
                )
            object.__setattr__(self, field, number)
        if not isinstance(self.applies_to, str) or not self.applies_to.strip():
            raise InvalidModelError(
                "PledgeClause.applies_to must be a feature rule such as "
                f"{PLEDGE_RULE!r}, got {describe(self.applies_to)}"
            )


#: The pledge written into the treaty as an article (precedent: Art. 5(3) of
#: the Treaty on the Final Settlement with Respect to Germany, 1990).
TREATY_ARTICLE: Final = PledgeClause(
    name="treaty article", cost="japan.article_cost", binding="russia.article_binding"
)

#: Demilitarisation with on-site verification: only for agreements that
#: demilitarise the transferred islands (precedent: the Aland Islands, 1921).
VERIFIED_DEMILITARISATION: Final = PledgeClause(
    name="verified demilitarisation",
    cost="japan.verification_cost",
    binding="russia.verification_binding",
    applies_to="islands.any*security.demilitarised",
)

#: A lease of defence-relevant sites on the transferred islands to Russia for
#: a term: Russian presence keeps US forces out while it lasts (nearest
#: precedent: the transitional Russian administration of the Kawana proposal,
#: April 1998).  Unlike the lease-back option of
#: ``kuril_space(sovereignty=True)``, which leases whole islands and lowers
#: Japan's territorial gain through ``sovereignty.control``, this clause is a
#: guarantee attached to an agreement: it costs Japan ``japan.lease_cost`` and
#: binds with ``russia.lease_binding``.  Same ``applies_to`` as the treaty
#: article.
LEASE: Final = PledgeClause(
    name="lease of defence-relevant sites to Russia",
    cost="japan.lease_cost",
    binding="russia.lease_binding",
)

#: The default menu of costly clauses (a bare verbal assurance, cheap talk,
#: is always available): treaty article, verified demilitarisation, lease.
DEFAULT_CLAUSES: Final = (TREATY_ARTICLE, VERIFIED_DEMILITARISATION, LEASE)


@dataclass(frozen=True, slots=True, eq=False)
class PledgeTables:
    """The pledge game's payoffs at one or many parameter points.

    Leading axes (``...``) index points: none for one point.

    Attributes
    ----------
    sender : ndarray, shape (..., 2, M, 2)
        Japan's payoff by type (:data:`TYPES`), message and Russia's
        response (:data:`RESPONSES`).
    receiver : ndarray, shape (..., 2, M, 2)
        Russia's.
    prior : ndarray, shape (..., 2)
        Probability of each type.
    agreements : ndarray of int, shape (M,)
        The agreement each message proposes (``NO_DEAL`` for no proposal).
    clauses : ndarray of int, shape (M,)
        The index of its clause in the menu, -1 for a bare proposal.
    concluded : ndarray of bool, shape (..., 2, M)
        Whether the agreement is concluded if Russia accepts (false for no
        proposal, and where the objector's objection stops the deal).
    utilities : ndarray, shape (..., n_agents, M, 2, 2)
        Every agent's payoff (scenario order) by message, type and response:
        Japan's and Russia's as in ``sender`` and ``receiver``, the others'
        utility of the outcome.
    outcome_utilities : ndarray, shape (..., n_agents, n_agreements + 1)
        The model's utilities at the points (:meth:`Scenario.outcome_utilities`,
        the responder's at its ``pledge_credibility``), from which the
        tables are built.
    labels : tuple of str
        The messages: ``"no proposal"``, then ``"propose <agreement>"``, each
        bare and then with ``" + <clause>"``.
    clause_names : tuple of str
        The menu.
    players : tuple of str
        The sender's and the receiver's names (the protocol's proposer and
        responder).
    """

    sender: NDArray[np.float64]
    receiver: NDArray[np.float64]
    prior: NDArray[np.float64]
    agreements: NDArray[np.intp]
    clauses: NDArray[np.intp]
    concluded: NDArray[np.bool_]
    utilities: NDArray[np.float64]
    outcome_utilities: NDArray[np.float64]
    labels: tuple[str, ...]
    clause_names: tuple[str, ...]
    players: tuple[str, str]

    def relevant(self, *, tol: float = DEFAULT_TOL) -> NDArray[np.bool_]:
        """The messages that may matter, per point: shape (..., M).

        "No proposal", and every proposal that is worth more than the status
        quo to some type if accepted and that Russia may accept (acceptance
        is a best response, within ``tol`` times Russia's payoff range, to a
        belief concentrated on some type).  Any other proposal gives every
        type the status quo whatever Russia believes -- it is "no proposal"
        by another name: it never tempts a type to deviate, and an
        equilibrium in which a type sends it has a twin in which that type
        makes no proposal, with the same payoffs, the same outcome and the
        same standing under the Intuitive Criterion.  Leaving those
        proposals out changes no equilibrium outcome and keeps the
        enumeration of :func:`kurilsim.solvers.pbe.pure_pbe` small.
        """
        tol = check_real(tol, "tol", low=0, high=1, high_open=True, error=InvalidModelError)
        sq_sender = self.sender[..., :1, :1, 1]
        sq_receiver = self.receiver[..., :1, :1, 1]
        spread = np.ptp(self.receiver.reshape(*self.receiver.shape[:-3], -1), axis=-1)
        eps = tol * np.where(spread > 0, spread, 1.0)[..., None, None]
        better = (self.sender[..., 0] > sq_sender).any(axis=-2)
        acceptable = (self.receiver[..., 0] >= sq_receiver - eps).any(axis=-2)
        keep: NDArray[np.bool_] = np.asarray(better & acceptable)
        keep[..., 0] = True  # no proposal
        return keep

    def game(self, *, messages: ArrayLike | None = None) -> SignallingGame:
        """The signalling game of one point (tables without a leading axis).

        Parameters
        ----------
        messages : array_like of int, optional
            The messages to keep, by index (default: all); e.g.
            ``np.flatnonzero(tables.relevant())``.

        Raises
        ------
        InvalidModelError
            If the tables hold several points.
        """
        if self.sender.ndim != 3:
            raise InvalidModelError(
                f"the tables hold {self.sender.shape[:-3]} points; a signalling game "
                "needs the tables of one point"
            )
        keep = (
            np.arange(len(self.labels))
            if messages is None
            else _indices(messages, "messages", len(self.labels))
        )
        if keep.ndim != 1:
            raise InvalidModelError(
                f"messages must be a 1-D array of message indices, got {describe(messages)}"
            )
        return SignallingGame(
            types=TYPES,
            prior=self.prior,
            messages=tuple(self.labels[k] for k in keep),
            responses=RESPONSES,
            sender_payoffs=self.sender[:, keep],
            receiver_payoffs=self.receiver[:, keep],
            players=self.players,
        )

    def _profile(
        self, messages: ArrayLike, responses: ArrayLike
    ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """``messages`` and ``responses`` as index arrays, if they fit the tables."""
        lead = self.sender.shape[:-3]
        n_messages = len(self.labels)
        checked = []
        for name, value, size, n in (
            ("messages", messages, len(TYPES), n_messages),
            ("responses", responses, n_messages, len(RESPONSES)),
        ):
            array = _indices(value, name, n)
            if array.shape != (*lead, size):
                raise InvalidModelError(
                    f"{name} must have shape {(*lead, size)} (the tables' points, then "
                    f"{'one message per type' if name == 'messages' else 'one response per message'}"
                    f"), got shape {array.shape}"
                )
            checked.append(array)
        return checked[0], checked[1]

    def outcomes(
        self, messages: ArrayLike, responses: ArrayLike
    ) -> NDArray[np.intp]:
        """The agreement each type reaches under a profile (``NO_DEAL`` for none).

        Parameters
        ----------
        messages : array_like of int, shape (..., 2)
            The message of each type.
        responses : array_like of int, shape (..., M)
            Russia's response to each message (index into :data:`RESPONSES`).

        Returns
        -------
        ndarray of int, shape (..., 2)
        """
        sent, answers = self._profile(messages, responses)
        answer = np.take_along_axis(answers, sent, axis=-1)
        done = np.take_along_axis(self.concluded, sent[..., np.newaxis], axis=-1)[..., 0]
        deal = done & (answer == RESPONSES.index("accept"))
        result: NDArray[np.intp] = np.where(deal, self.agreements[sent], NO_DEAL)
        return result

    def expected_utilities(
        self, messages: ArrayLike, responses: ArrayLike
    ) -> NDArray[np.float64]:
        """Each agent's expected payoff under a profile, over Nature's draw.

        Returns
        -------
        ndarray, shape (..., n_agents)
        """
        sent, answers = self._profile(messages, responses)
        answer = np.take_along_axis(answers, sent, axis=-1)
        lead = sent.shape[:-1]
        u = self.utilities  # (..., A, M, 2, 2)
        n_agents = u.shape[-4]
        total = np.zeros((*lead, n_agents))
        for t in range(len(TYPES)):
            m = sent[..., t]
            r = answer[..., t]
            index = np.broadcast_to(m[..., None, None, None, None], (*lead, n_agents, 1, 2, 2))
            per = np.take_along_axis(u, index, axis=-3)[..., 0, t, :]  # (..., A, 2)
            value = np.take_along_axis(
                per, np.broadcast_to(r[..., None, None], (*lead, n_agents, 1)), axis=-1
            )[..., 0]
            total += self.prior[..., t, None] * value
        return total


def _indices(value: object, name: str, n: int) -> NDArray[np.intp]:
    """``value`` as an array of indices in ``[0, n)``, else InvalidModelError."""
    array = np.asarray(value) if not isinstance(value, str | bytes) else np.asarray(None)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.intp)
    if array.dtype.kind not in "iu" or (array.size and (array.min() < 0 or array.max() >= n)):
        raise InvalidModelError(
            f"{name} must be integer indices in [0, {n - 1}], got {describe(value)}"
        )
    return array.astype(np.intp, copy=False)


def _menu(clauses: Sequence[PledgeClause] | None) -> tuple[PledgeClause, ...]:
    if clauses is None:
        return DEFAULT_CLAUSES
    if isinstance(clauses, PledgeClause | str | bytes) or not isinstance(clauses, Sequence):
        raise InvalidModelError(
            f"clauses must be a sequence of PledgeClause, got {describe(clauses)}"
        )
    menu = tuple(clauses)
    for clause in menu:
        check_instance(clause, PledgeClause, "clauses[...]", error=InvalidModelError)
    names = [c.name for c in menu]
    if len(set(names)) != len(names):
        raise InvalidModelError(f"clauses must have distinct names, got {names}")
    return menu


def _value(
    scenario: Scenario, name: str | float, values: Mapping[str, NDArray[Any]], m: int,
    what: str, parameters: Mapping[str, Any] | None = None,
) -> NDArray[np.float64]:
    """A clause's cost or binding at the ``m`` points (``parameters``: the
    scenario's, if already at hand)."""
    if not isinstance(name, str):
        return np.full(m, float(name))
    if scenario.agent_parameter(name) is None:
        raise InvalidModelError(
            f"{what} must name an agent parameter of scenario {scenario.name!r}, got "
            f"{name!r} (a protocol setting)"
        )
    if name in values:
        return np.broadcast_to(np.asarray(values[name], dtype=np.float64), (m,))
    if parameters is None:
        parameters = scenario.parameters()
    return np.full(m, float(parameters[name]))


def _messages(
    scenario: Scenario, menu: tuple[PledgeClause, ...]
) -> tuple[NDArray[np.intp], NDArray[np.intp], tuple[str, ...]]:
    space = scenario.space
    keep = np.flatnonzero(~vetoed(scenario))
    fits = [restricts_objector(space, clause.applies_to) for clause in menu]
    agreements: list[int] = [NO_DEAL]
    clauses: list[int] = [-1]
    for a in keep.tolist():
        agreements.append(a)
        clauses.append(-1)
        for c in range(len(menu)):
            if fits[c][a]:
                agreements.append(a)
                clauses.append(c)
    names = [scenario.agreement_label(k) for k in range(len(space))]
    if len(set(names)) < len(names):
        names = [f"#{k}: {a}" for k, a in enumerate(names)]
    labels = [NO_PROPOSAL] + [
        f"propose {names[a]}" + ("" if c < 0 else f" + {menu[c].name}")
        for a, c in zip(agreements[1:], clauses[1:], strict=True)
    ]
    return (
        np.array(agreements, dtype=np.intp),
        np.array(clauses, dtype=np.intp),
        tuple(labels),
    )


#: The messages of the last few (scenario, menu) pairs, by the scenario's
#: identity (scenarios are immutable; the entry holds the scenario, so its id
#: is not reused while cached): successive sweeps of one scenario skip the
#: agreements' labels (about 1 ms a sweep).
_MESSAGES: dict[int, tuple[Scenario, tuple[PledgeClause, ...],
                           tuple[NDArray[np.intp], NDArray[np.intp], tuple[str, ...]]]] = {}
_MESSAGES_MAX: Final = 8
_MESSAGES_LOCK = threading.Lock()


def _cached_messages(
    scenario: Scenario, menu: tuple[PledgeClause, ...]
) -> tuple[NDArray[np.intp], NDArray[np.intp], tuple[str, ...]]:
    """:func:`_messages`, remembered for the last few scenarios (read-only arrays)."""
    entry = _MESSAGES.get(id(scenario))
    if entry is not None and entry[0] is scenario and entry[1] == menu:
        return entry[2]
    agreements, clause_of, labels = _messages(scenario, menu)
    found = (readonly(agreements), readonly(clause_of), labels)
    with _MESSAGES_LOCK:  # sweeps may run in threads
        if len(_MESSAGES) >= _MESSAGES_MAX:
            _MESSAGES.pop(next(iter(_MESSAGES)))
        _MESSAGES[id(scenario)] = (scenario, menu, found)
    return found


def _roles(scenario: Scenario) -> tuple[int, int, int | None]:
    protocol = scenario.protocol
    names = scenario.agent_names
    if not protocol.proposer or not protocol.responder:
        raise InvalidModelError(
            f"the pledge game needs a proposer and a responder, but the protocol of "
            f"scenario {scenario.name!r} names {protocol.proposer!r} and "
            f"{protocol.responder!r}"
        )
    if (
        protocol.objector
        and not protocol.objection_blocks
        and protocol.payer != protocol.proposer
    ):
        raise InvalidModelError(
            "the pledge game needs the proposer to pay for defying an objection (or "
            f"objections that block), but scenario {scenario.name!r} has "
            f"objection_payer {protocol.payer!r}"
        )
    proposer = names.index(protocol.proposer)
    responder = names.index(protocol.responder)
    objector = names.index(protocol.objector) if protocol.objector else None
    return proposer, responder, objector


def pledge_tables(
    scenario: Scenario,
    *,
    prior: ArrayLike | None = None,
    clauses: Sequence[PledgeClause] | None = None,
    values: Mapping[str, ArrayLike] | None = None,
) -> PledgeTables:
    """The pledge game's payoff tables, at one point or many (vectorised).

    Parameters
    ----------
    scenario : Scenario
        A Kuril scenario (its responder must have ``pledge_credibility``).
    prior : float or array_like, optional
        Probability of the reliable type (default: the responder's
        ``pledge_credibility``, at each point).
    clauses : sequence of PledgeClause, optional
        The menu of costly clauses (default :data:`DEFAULT_CLAUSES`; ``()``:
        verbal assurances only, cheap talk).
    values : mapping of str to array_like, optional
        Parameters at ``m`` points, by dotted name (arrays of length ``m``):
        agent parameters (the clauses' costs and bindings among them) and
        ``"protocol.objection_cost"``.  Without it: one point, the
        scenario's values.

    Returns
    -------
    PledgeTables
        With a leading axis of ``m`` points if ``values`` is given (even
        empty: then one point).

    Raises
    ------
    InvalidModelError
        For a value out of its range, a clause naming no agent parameter, a
        responder without ``pledge_credibility``, or a protocol whose
        objection payer is not the proposer (with non-blocking objections).

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.kuril.pledge import pledge_tables
    >>> tables = pledge_tables(kurilsim.kuril_scenario(name="default"))
    >>> tables.sender.shape, tables.labels[0]
    ((2, 99, 2), 'no proposal')
    >>> import numpy as np
    >>> many = pledge_tables(kurilsim.kuril_scenario(name="default"),
    ...                      values={"japan.article_cost": np.array([0.0, 0.1])})
    >>> many.receiver.shape
    (2, 2, 99, 2)
    """
    inputs = _inputs(scenario, prior, clauses, values)
    m, responder, agent = inputs.m, inputs.responder, inputs.agent
    # the model's utilities; the responder's at credibility 0 and 1 (affine in it)
    table = _utilities(scenario, agent, m)
    low = _utilities(scenario, {**agent, inputs.credibility: np.zeros(m)}, m)[:, responder]
    high = _utilities(scenario, {**agent, inputs.credibility: np.ones(m)}, m)[:, responder]
    japan_accept, russia_accept, concluded, japan_sq, russia_sq = _accepted(
        table, low, high, inputs
    )
    sender, receiver, utilities = _expand(
        table, japan_accept, russia_accept, concluded, japan_sq, russia_sq, inputs
    )
    prior_table = inputs.prior
    if inputs.single:
        sender, receiver, concluded, utilities, prior_table, table = (
            sender[0], receiver[0], concluded[0], utilities[0], prior_table[0], table[0]
        )
    protocol = scenario.protocol
    return PledgeTables(
        sender=readonly(sender),
        receiver=readonly(receiver),
        prior=readonly(np.ascontiguousarray(prior_table)),
        agreements=readonly(inputs.agreements),
        clauses=readonly(inputs.clause_of),
        concluded=readonly(concluded),
        utilities=readonly(utilities),
        outcome_utilities=readonly(np.array(table)),
        labels=inputs.labels,
        clause_names=tuple(c.name for c in inputs.menu),
        players=(protocol.proposer, protocol.responder),
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Inputs:
    """The checked inputs of the pledge game's tables at ``m`` points."""

    m: int
    single: bool
    menu: tuple[PledgeClause, ...]
    proposer: int
    responder: int
    objector: int | None
    blocks: bool
    credibility: str
    agent: dict[str, NDArray[Any]]
    objection_cost: NDArray[np.float64]  # (m,)
    prior: NDArray[np.float64]  # (m, 2)
    agreements: NDArray[np.intp]
    clause_of: NDArray[np.intp]
    labels: tuple[str, ...]
    restricted: NDArray[np.bool_] | None
    costs: NDArray[np.float64]  # (m, clauses)
    bindings: NDArray[np.float64]  # (m, clauses)
    breach: NDArray[np.float64]  # (m,)


def _inputs(
    scenario: Scenario,
    prior: ArrayLike | None,
    clauses: Sequence[PledgeClause] | None,
    values: Mapping[str, ArrayLike] | None,
    *,
    like: _Inputs | None = None,
) -> _Inputs:
    """The checked inputs of :func:`pledge_tables` (its errors are raised here).

    ``like``: the inputs of an earlier call on the same scenario and menu,
    whose messages (and the objector's restricted agreements) are reused.
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    menu = _menu(clauses)
    proposer, responder, objector = _roles(scenario)
    protocol = scenario.protocol
    credibility = f"{protocol.responder}.pledge_credibility"
    parameters = scenario.parameters()
    if credibility not in parameters:
        raise InvalidModelError(
            f"the pledge game needs the responder's pledge_credibility, but scenario "
            f"{scenario.name!r} has no parameter {credibility!r}"
        )
    single = values is None
    if values is not None and not isinstance(values, Mapping):
        raise InvalidModelError(
            f"values must be a mapping of parameter names to arrays, got {describe(values)}"
        )
    given = {
        k: np.atleast_1d(real_array(v, f"values[{k!r}]", finite=False, error=InvalidModelError))
        for k, v in (values or {}).items()
    }
    m = max((v.shape[0] for v in given.values()), default=1)
    for name, v in given.items():
        if v.ndim != 1 or v.shape[0] not in (1, m) or v.shape[0] == 0:
            raise InvalidModelError(
                f"values[{name!r}] must be a 1-D array of length {max(m, 1)}, got shape "
                f"{v.shape}"
            )
    cost = np.broadcast_to(
        np.asarray(given.get("protocol.objection_cost", protocol.objection_cost),
                   dtype=np.float64),
        (m,),
    )
    if np.any(~np.isfinite(cost) | (cost < 0)):
        raise InvalidModelError(
            "protocol.objection_cost must be finite and >= 0, got "
            f"{cost[~np.isfinite(cost) | (cost < 0)][0].item()!r}"
        )
    agent = {k: v for k, v in given.items() if scenario.agent_parameter(k) is not None}
    if prior is None:
        source = f"values[{credibility!r}]" if credibility in agent else credibility
        given_prior = agent.get(credibility, parameters[credibility])
    else:
        source, given_prior = "prior", prior
    belief = real_array(given_prior, source, finite=False, error=InvalidModelError)
    if belief.ndim > 1 or belief.size not in (1, m):
        raise InvalidModelError(
            f"{source} must be a probability (the reliable type's) or one per point "
            f"({m}), got {describe(given_prior)}"
        )
    belief = np.broadcast_to(belief.reshape(-1), (m,))
    if np.any(~np.isfinite(belief) | (belief < 0) | (belief > 1)):
        raise InvalidModelError(
            f"{source} must be a probability in [0, 1], got {describe(given_prior)}"
        )
    if like is not None and like.menu == menu:
        agreements, clause_of, labels = like.agreements, like.clause_of, like.labels
    else:
        agreements, clause_of, labels = _cached_messages(scenario, menu)
    costs = np.stack(
        [_value(scenario, c.cost, agent, m, f"clause {c.name!r} cost", parameters)
         for c in menu]
        or [np.zeros(m)], axis=-1,
    )
    bindings = np.stack(
        [_value(scenario, c.binding, agent, m, f"clause {c.name!r} binding", parameters)
         for c in menu] or [np.zeros(m)], axis=-1,
    )
    for what, values_at, top in (("cost", costs, np.inf), ("binding", bindings, 1.0)):
        bad = ~np.isfinite(values_at) | (values_at < 0) | (values_at > top)
        if np.any(bad):
            point, c = (int(k) for k in np.argwhere(bad)[0])
            named = getattr(menu[c], what)
            raise InvalidModelError(
                f"clause {menu[c].name!r} {what} "
                + (f"({named}) " if isinstance(named, str) else "")
                + ("must be finite and >= 0" if top == np.inf else "must be a probability "
                   "in [0, 1]")
                + f", got {values_at[point, c].item()!r}"
            )
    breach_name = f"{protocol.proposer}.breach_cost"
    if menu and breach_name not in parameters:
        raise InvalidModelError(
            f"the pledge game's clauses need the proposer's breach_cost, but scenario "
            f"{scenario.name!r} has no parameter {breach_name!r}"
        )
    breach = (
        _value(scenario, breach_name, agent, m, "breach_cost", parameters)
        if menu else np.zeros(m)
    )
    if like is not None and like.objector == objector:
        restricted = like.restricted
    else:
        restricted = objectionable(scenario) if objector is not None else None
    return _Inputs(
        m=m, single=single, menu=menu, proposer=proposer, responder=responder,
        objector=objector, blocks=protocol.objection_blocks, credibility=credibility,
        agent=agent, objection_cost=cost, prior=np.stack([belief, 1.0 - belief], axis=-1),
        agreements=agreements, clause_of=clause_of, labels=labels, restricted=restricted,
        costs=costs, bindings=bindings, breach=breach,
    )


def _utilities(
    scenario: Scenario, overrides: Mapping[str, NDArray[Any]], m: int
) -> NDArray[np.float64]:
    """Outcome utilities at ``m`` points, shape (m, n_agents, n + 1)."""
    if not overrides:
        own = scenario.outcome_utilities()
        return np.broadcast_to(own, (m, *own.shape))
    full = {k: np.broadcast_to(np.asarray(v), (m,)) for k, v in overrides.items()}
    result = scenario.outcome_utilities(full)
    # overrides that enter no utility leave the table without a points axis
    return np.broadcast_to(result, (m, *result.shape[-2:]))


def _accepted(
    table: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    inputs: _Inputs,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_],
           NDArray[np.float64], NDArray[np.float64]]:
    """The sender's and the receiver's payoffs if the receiver accepts, (m, 2, M)
    each, whether the deal is then concluded (m, 2, M), and the status quo of
    each, (m,), from the utilities ``table`` (m, n_agents, n + 1) of ``m``
    points and the responder's at credibility 0 and 1, ``low`` and ``high``
    (m, n + 1).  A rejection pays the status quo (what the full tables of
    :func:`_expand` hold in their second response column)."""
    m, _, n_outcomes = table.shape
    sq = n_outcomes - 1
    agreements, clause_of = inputs.agreements, inputs.clause_of
    costs, bindings, breach = inputs.costs, inputs.bindings, inputs.breach
    objection_cost, restricted = inputs.objection_cost, inputs.restricted
    proposal = agreements != NO_DEAL
    row = np.where(proposal, agreements, sq)  # the outcome row of each message
    has = clause_of >= 0
    pick = np.maximum(clause_of, 0)
    kappa = np.where(has, costs[:, pick], 0.0)  # (m, M)
    binding = np.where(has, bindings[:, pick], 0.0)
    # a type's cost of the clause if the deal is concluded: (m, 2, M)
    paid = np.stack([kappa, kappa + breach[:, None] * binding], axis=1)
    japan = table[:, inputs.proposer]
    japan_deal = japan[:, row][:, None, :] - paid  # (m, 2, M)
    japan_sq = japan[:, sq]
    concluded = np.broadcast_to(proposal, (m, 2, len(row))).copy()
    if inputs.objector is not None and restricted is not None:
        us = table[:, inputs.objector]
        spread_us = np.ptp(us, axis=1)
        eps_us = _TOL * np.where(spread_us > 0, spread_us, 1.0)
        worse = us[:, row] - us[:, sq, None] < -eps_us[:, None]  # (m, M)
        marked = proposal & np.append(restricted, False)[np.minimum(row, sq)] & proposal
        objects = worse & marked[None, :]
        if not inputs.blocks:
            # (reductions over one flat axis: numpy's over two axes are slow)
            flat_deal = japan_deal.reshape(m, -1)
            spread_j = np.maximum(japan.max(axis=1), flat_deal.max(axis=1)) - np.minimum(
                japan.min(axis=1), (flat_deal - objection_cost[:, None]).min(axis=1)
            )
            eps_j = _TOL * np.where(spread_j > 0, spread_j, 1.0)
            gain = japan_deal - japan_sq[:, None, None]
            withdraws = gain < objection_cost[:, None, None] - eps_j[:, None, None]
            stops = objects[:, None, :] & withdraws
        else:
            stops = np.broadcast_to(objects[:, None, :], concluded.shape)
        concluded &= ~stops
    # Russia's utility of the agreement by type: credibility 1, or the binding force
    russia_low, russia_high = low[:, row], high[:, row]
    russia_deal = np.stack(
        [russia_high, russia_low + binding * (russia_high - russia_low)], axis=1
    )
    russia_sq = table[:, inputs.responder, sq]
    # in place: the deals' arrays become the accepted payoffs
    np.copyto(japan_deal, japan_sq[:, None, None], where=~concluded)
    np.copyto(russia_deal, russia_sq[:, None, None], where=~concluded)
    return japan_deal, russia_deal, concluded, japan_sq, russia_sq


def _expand(
    table: NDArray[np.float64],
    japan_accept: NDArray[np.float64],
    russia_accept: NDArray[np.float64],
    concluded: NDArray[np.bool_],
    japan_sq: NDArray[np.float64],
    russia_sq: NDArray[np.float64],
    inputs: _Inputs,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Sender and receiver tables (m, 2, M, 2) and every agent's payoffs
    (m, A, M, 2, 2) from :func:`_accepted`."""
    m, n_agents, n_outcomes = table.shape
    sq = n_outcomes - 1
    row = np.where(inputs.agreements != NO_DEAL, inputs.agreements, sq)
    n_messages = len(row)
    sender = np.empty((m, 2, n_messages, 2))
    sender[..., 0] = japan_accept
    sender[..., 1] = japan_sq[:, None, None]
    receiver = np.empty((m, 2, n_messages, 2))
    receiver[..., 0] = russia_accept
    receiver[..., 1] = russia_sq[:, None, None]
    # every agent: (m, A, M, 2 types, 2 responses); accepted, the message's
    # agreement where it is concluded, else the status quo
    utilities = np.empty((m, n_agents, n_messages, 2, 2))
    status_quo = table[:, :, sq, None, None]  # (m, A, 1, 1)
    np.copyto(
        utilities[..., 0],
        np.where(np.swapaxes(concluded, 1, 2)[:, None], table[:, :, row, None], status_quo),
    )
    utilities[..., 1] = status_quo
    utilities[:, inputs.proposer] = np.moveaxis(sender, 1, 2)
    utilities[:, inputs.responder] = np.moveaxis(receiver, 1, 2)
    return sender, receiver, utilities


@dataclass(frozen=True, slots=True, eq=False)
class _SweepBlock:
    """The pledge game at ``m`` points of a sweep, in the compact form the
    ``"pbe"`` kernel selects on (:func:`_sweep_block`): no full tables.

    A rejection pays both players the status quo whatever the type and the
    message, so each player's table is its payoff if Russia accepts,
    ``(m, 2, M)``, and its status quo, ``(m,)``: what
    :class:`PledgeTables` holds in ``sender[..., 0]`` and ``sender[..., 1]``
    (likewise ``receiver``), bit for bit.
    """

    inputs: _Inputs
    table: NDArray[np.float64]  # (m, A, n + 1): the sweep's utilities
    accept_sender: NDArray[np.float64]  # (m, 2, M)
    accept_receiver: NDArray[np.float64]  # (m, 2, M)
    reject_sender: NDArray[np.float64]  # (m,)
    reject_receiver: NDArray[np.float64]  # (m,)
    concluded: NDArray[np.bool_]  # (m, 2, M)

    def relevant(self, *, tol: float = DEFAULT_TOL) -> NDArray[np.bool_]:
        """:meth:`PledgeTables.relevant` of the block's tables, (m, M)."""
        sq_sender = self.reject_sender[:, None]
        sq_receiver = self.reject_receiver
        accept = self.accept_receiver
        flat = accept.reshape(len(accept), -1)
        high = np.maximum(flat.max(axis=1), sq_receiver)
        low = np.minimum(flat.min(axis=1), sq_receiver)
        spread = high - low
        least = (sq_receiver - tol * np.where(spread > 0, spread, 1.0))[:, None]
        sender = self.accept_sender
        keep: NDArray[np.bool_] = (sender[:, 0] > sq_sender) | (sender[:, 1] > sq_sender)
        keep &= (accept[:, 0] >= least) | (accept[:, 1] >= least)
        keep[:, 0] = True  # no proposal
        return keep

    def outcomes(
        self, messages: NDArray[np.intp], responses: NDArray[np.intp]
    ) -> NDArray[np.intp]:
        """:meth:`PledgeTables.outcomes` (indices unchecked), (m, 2)."""
        answer = np.take_along_axis(responses, messages, axis=1)
        done = np.take_along_axis(self.concluded, messages[:, :, None], axis=2)[..., 0]
        deal = done & (answer == RESPONSES.index("accept"))
        result: NDArray[np.intp] = np.where(deal, self.inputs.agreements[messages], NO_DEAL)
        return result

    def expected_utilities(
        self, messages: NDArray[np.intp], responses: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        """:meth:`PledgeTables.expected_utilities` (indices unchecked), (m, A)."""
        inputs = self.inputs
        table = self.table
        sq = table.shape[2] - 1
        answer = np.take_along_axis(responses, messages, axis=1)  # (m, 2)
        accepted = answer == RESPONSES.index("accept")
        done = np.take_along_axis(self.concluded, messages[:, :, None], axis=2)[..., 0]
        row = np.where(inputs.agreements != NO_DEAL, inputs.agreements, sq)[messages]
        reached = np.take_along_axis(table, row[:, None, :], axis=2)  # (m, A, 2)
        status_quo = table[:, :, sq]
        value = np.where((done & accepted)[:, None, :], reached, status_quo[:, :, None])
        for player, accept, reject in (
            (inputs.proposer, self.accept_sender, self.reject_sender),
            (inputs.responder, self.accept_receiver, self.reject_receiver),
        ):
            paid = np.take_along_axis(accept, messages[:, :, None], axis=2)[..., 0]
            value[:, player] = np.where(accepted, paid, reject[:, None])
        prior = inputs.prior
        total: NDArray[np.float64] = prior[:, None, 0] * value[..., 0]
        total += prior[:, None, 1] * value[..., 1]
        return total


def _sweep_inputs(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    utilities: NDArray[np.float64],
    *,
    like: _Inputs | None = None,
) -> tuple[_Inputs, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The pledge game's inputs (default menu) at the ``m`` points of a sweep,
    points last: the checked inputs, the utilities (A, n + 1, m) and the
    responder's at credibility 0 and 1 (n + 1, m).

    ``values``: the points' parameters, as :func:`pledge_tables` takes them;
    ``utilities``: the model's utilities at those points, (A, n + 1, m), the
    sweep's layout (not computed again, not copied: only the responder's at
    credibility 0 and 1 are computed).  ``like``: the inputs of an earlier
    block (messages reused).

    Raises
    ------
    InvalidModelError
        As :func:`pledge_tables`, and if the responder's utilities are not
        the affine function of its ``pledge_credibility`` that ``values``
        give (a swept parameter missing from ``values``).
    """
    inputs = _inputs(scenario, None, None, values, like=like)
    m, responder, credibility = inputs.m, inputs.responder, inputs.credibility
    table = np.asarray(utilities, dtype=np.float64)
    if table.ndim != 3 or table.shape[2] != m:
        raise InvalidModelError(
            f"the utilities must be (agents, outcomes, {m} points), got shape {table.shape}"
        )
    # the responder's utilities at credibility 0 and 1: one evaluation at 2m
    # points (credibility 0, then 1), on the parameters that can enter the
    # responder's utilities (its own, and shared ones under any holder's name)
    shared = {name for group in scenario.shared_parameters().values() for name in group}
    own = f"{credibility.split('.', 1)[0]}."
    overrides = {
        k: np.tile(np.broadcast_to(v, (m,)), 2)
        for k, v in inputs.agent.items() if k.startswith(own) or k in shared
    }
    overrides[credibility] = np.repeat([0.0, 1.0], m)
    ends = scenario.outcome_utilities(overrides, points_last=True)[responder]
    low = np.ascontiguousarray(ends[:, :m])
    high = np.ascontiguousarray(ends[:, m:])
    # the sweep's utilities must be the tables' model: the responder's is
    # affine in its credibility, here the prior
    expected = high - low
    expected *= inputs.prior[:, 0]
    expected += low
    expected -= table[responder]
    np.abs(expected, out=expected)
    scale = np.maximum(table.max(axis=(0, 1)), -table.min(axis=(0, 1)))
    scale += 1.0
    if np.any(expected > 1e-9 * scale):
        raise InvalidModelError(
            "the pbe kernel was given utilities that its settings do not "
            "reproduce (a swept agent parameter missing from settings)"
        )
    return inputs, table, low, high


def _sweep_block(
    scenario: Scenario,
    values: Mapping[str, ArrayLike],
    utilities: NDArray[np.float64],
    *,
    like: _Inputs | None = None,
) -> _SweepBlock:
    """The compact pledge game (default menu) at the ``m`` points of a sweep
    (arguments and errors as :func:`_sweep_inputs`)."""
    inputs, table, low, high = _sweep_inputs(scenario, values, utilities, like=like)
    table = np.ascontiguousarray(np.moveaxis(table, -1, 0))
    accept_sender, accept_receiver, concluded, reject_sender, reject_receiver = _accepted(
        table, np.ascontiguousarray(low.T), np.ascontiguousarray(high.T), inputs
    )
    return _SweepBlock(
        inputs=inputs, table=table, accept_sender=accept_sender,
        accept_receiver=accept_receiver, reject_sender=np.ascontiguousarray(reject_sender),
        reject_receiver=np.ascontiguousarray(reject_receiver), concluded=concluded,
    )


def _commitment_arguments(
    inputs: _Inputs,
    table: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
) -> tuple[Any, ...]:
    """The arguments of the compiled pledge-game selection
    (``kurilsim.solvers._pbe_kernel.commitment_games``) from
    :func:`_sweep_inputs` (points last), up to the selection's tolerance (the relevance's
    and the decisions' included): the same game as :func:`_accepted` builds,
    in the layout that loop reads."""
    sq = table.shape[1] - 1
    # (writeable copies: numba compiles read-only arrays as another type)
    agreements = np.array(inputs.agreements, dtype=np.intp)
    proposal = agreements != NO_DEAL
    row = np.where(proposal, agreements, sq)
    if inputs.restricted is not None:
        marked = proposal & np.append(inputs.restricted, False)[np.minimum(row, sq)]
    else:
        marked = np.zeros(len(agreements), dtype=bool)
    prior = np.ascontiguousarray(inputs.prior)
    return (
        table, low, high, inputs.proposer, inputs.responder,
        -1 if inputs.objector is None else inputs.objector, bool(inputs.blocks),
        agreements, np.array(inputs.clause_of, dtype=np.intp),
        np.ascontiguousarray(marked), np.ascontiguousarray(inputs.costs),
        np.ascontiguousarray(inputs.bindings), np.ascontiguousarray(inputs.breach),
        np.ascontiguousarray(inputs.objection_cost), prior,
        np.ascontiguousarray(prior / prior.sum(axis=1, keepdims=True)),
        DEFAULT_TOL, _TOL,
    )


def pledge_game(
    scenario: Scenario,
    *,
    prior: float | None = None,
    clauses: Sequence[PledgeClause] | None = None,
) -> SignallingGame:
    """The pledge game of a scenario, as a signalling game between Japan and Russia.

    See the module's docstring (:mod:`kurilsim.kuril.pledge`) for the model.
    The sender is the protocol's proposer (Japan), with types :data:`TYPES`;
    its messages are ``"no proposal"``, then the agreements no veto rules
    out, in space order, each bare and then with each clause of the menu
    that applies to it (no proposal comes first, unlike in the proposal
    game, so that the selection's tie-break by lowest message index prefers
    not proposing to proposing something Russia rejects); the receiver is the responder (Russia), with
    responses :data:`RESPONSES`.  The objector's objection is folded into
    the payoffs (a deal it stops is worth the status quo).

    Parameters
    ----------
    scenario : Scenario
    prior : float, optional
        Probability that the government is reliable (default: the scenario's
        ``russia.pledge_credibility``).
    clauses : sequence of PledgeClause, optional
        The menu of costly clauses (default :data:`DEFAULT_CLAUSES`; ``()``
        for verbal assurances only).

    Returns
    -------
    SignallingGame

    Raises
    ------
    InvalidModelError
        See :func:`pledge_tables`.

    Examples
    --------
    >>> import kurilsim
    >>> game = kurilsim.kuril.pledge_game(kurilsim.load_scenario("2018-singapore"))
    >>> game.types, game.responses
    (('reliable', 'unreliable'), ('accept', 'reject'))
    >>> len(game.messages), game.messages[0]
    (99, 'no proposal')
    >>> cheap = kurilsim.kuril.pledge_game(kurilsim.load_scenario("2018-singapore"),
    ...                                    clauses=())
    >>> len(cheap.messages)  # 38 agreements and no proposal
    39
    """
    return pledge_tables(scenario, prior=prior, clauses=clauses).game()


#: What each type gets in a region of :func:`pledge_regions`, by the code
#: ``2 * (deal for the reliable type) + (deal for the unreliable type)``.
_DEAL_PATTERNS: Final = (
    "no deal",
    "deal for the unreliable type only",
    "deal for the reliable type only",
    "deal for both types",
)

#: Points per block of :func:`pledge_regions` (bounds the tables' memory).
_REGION_BLOCK: Final = 2048


@dataclass(frozen=True, slots=True, eq=False)
class PledgeRegions:
    """The selected equilibrium's kind and deals of the pledge game over a 2-D grid.

    What :func:`pledge_regions` returns; :func:`kurilsim.plot.pledge_regions`
    draws it.

    Attributes
    ----------
    scenario : Scenario
        The base scenario (parameters not on the grid keep its values).
    x, y : str
        The dotted names of the two parameters (``x`` varies along the last
        axis of the arrays, ``y`` along the first).
    x_values, y_values : ndarray
        Their values.
    kind : ndarray of int, shape (len(y_values), len(x_values))
        The selected pure PBE's kind, an index into
        :data:`kurilsim.solvers.pbe.KINDS` (``"pooling"``, ``"separating"``);
        -1 where the game has no pure PBE.
    outcomes : ndarray of int, shape (len(y_values), len(x_values), 2)
        The agreement each type (:data:`TYPES`) reaches, ``NO_DEAL`` for none
        (and where there is no pure PBE).
    probability : ndarray, shape (len(y_values), len(x_values))
        The probability of a deal (over Nature's draw), as the ``"pbe"``
        concept reports it.
    """

    scenario: Scenario
    x: str
    y: str
    x_values: NDArray[np.float64]
    y_values: NDArray[np.float64]
    kind: NDArray[np.intp]
    outcomes: NDArray[np.intp]
    probability: NDArray[np.float64]

    def __post_init__(self) -> None:
        check_instance(self.scenario, Scenario, "PledgeRegions.scenario",
                       error=InvalidModelError)
        for name in ("x", "y"):
            check_instance(getattr(self, name), str, f"PledgeRegions.{name}",
                           error=InvalidModelError)
        shape = (np.shape(self.y_values)[:1] or (0,)) + (
            np.shape(self.x_values)[:1] or (0,)
        )
        expected = {
            "x_values": shape[1:],
            "y_values": shape[:1],
            "kind": shape,
            "outcomes": (*shape, len(TYPES)),
            "probability": shape,
        }
        for name, want in expected.items():
            got = np.shape(getattr(self, name))
            if got != want:
                raise InvalidModelError(
                    f"PledgeRegions.{name} must have shape {want} (from the "
                    f"lengths of y_values and x_values), got shape {got}"
                )

    @property
    def region(self) -> NDArray[np.intp]:
        """Region code per point: ``4 * kind + deal pattern``, -1 without a pure PBE.

        The deal pattern is ``2 * (deal for the reliable type) + (deal for
        the unreliable type)``; :meth:`label` names a code.
        """
        deal = (self.outcomes != NO_DEAL).astype(np.intp)
        code = 4 * self.kind + 2 * deal[..., 0] + deal[..., 1]
        result: NDArray[np.intp] = np.where(self.kind < 0, -1, code)
        return result

    @staticmethod
    def label(code: int) -> str:
        """Readable name of a region code (see :attr:`region`).

        Examples
        --------
        >>> from kurilsim.kuril.pledge import PledgeRegions
        >>> PledgeRegions.label(6), PledgeRegions.label(0), PledgeRegions.label(-1)
        ('separating: deal for the reliable type only', 'pooling: no deal', 'no pure PBE')
        """
        from kurilsim.solvers.pbe import KINDS

        code = check_int(code, "code", low=-1, high=4 * len(KINDS) - 1,
                         error=InvalidModelError)
        if code == -1:
            return "no pure PBE"
        return f"{KINDS[code // 4]}: {_DEAL_PATTERNS[code % 4]}"

    def shares(self) -> dict[str, float]:
        """The share of grid points in each region present, largest first.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.kuril import pledge_regions
        >>> regions = pledge_regions(
        ...     kurilsim.load_scenario("2018-singapore"),
        ...     {"japan.article_cost": [0.0, 0.2], "russia.pledge_credibility": [0.3, 1.0]})
        >>> regions.shares()
        {'pooling: deal for both types': 0.5, 'pooling: no deal': 0.25, 'separating: deal for the reliable type only': 0.25}
        """
        codes, counts = np.unique(self.region, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        total = int(self.region.size)
        return {self.label(int(codes[k])): int(counts[k]) / total for k in order}


def pledge_regions(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    *,
    clauses: Sequence[PledgeClause] | None = None,
) -> PledgeRegions:
    """Where the pledge game's selected equilibrium pools or separates, over a 2-D grid.

    At every point of the grid it solves the pledge game as the ``"pbe"``
    concept does (:func:`kurilsim.solvers.pbe.select_pbe` on
    :func:`pledge_tables`: among the pure PBE that survive the Intuitive
    Criterion, the best for the proposer ex ante) and records the
    equilibrium's kind and each type's agreement, which a sweep of
    ``"pbe"`` reduces to the most likely agreement and the probability of a
    deal.  Vectorised: a 201 x 201 grid takes seconds.

    Parameters
    ----------
    scenario : Scenario
        A Kuril scenario (see :func:`pledge_tables`).
    grid : mapping of str to array_like
        Exactly two parameters, by dotted name, each with a 1-D array of
        finite values: the first is ``x``, the second ``y``.  Agent
        parameters (the clauses' costs and binding forces, the responder's
        ``pledge_credibility``, which is the prior) and
        ``"protocol.objection_cost"``.
    clauses : sequence of PledgeClause, optional
        The menu (default :data:`DEFAULT_CLAUSES`).

    Returns
    -------
    PledgeRegions

    Raises
    ------
    InvalidModelError
        For a grid that is not two named parameters of the scenario with
        non-empty 1-D finite values, a parameter only another concept reads
        (a ratification threshold), or a value out of its parameter's range
        (see :func:`pledge_tables`).

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.kuril import pledge_regions
    >>> regions = pledge_regions(
    ...     kurilsim.load_scenario("2018-singapore"),
    ...     {"japan.article_cost": [0.0, 0.05, 0.2], "russia.pledge_credibility": [0.3]})
    >>> [regions.label(code) for code in regions.region[0]]
    ['separating: deal for the reliable type only', 'separating: deal for the reliable type only', 'pooling: no deal']
    """
    from kurilsim.solvers.pbe import select_pbe

    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    if not isinstance(grid, Mapping) or len(grid) != 2:
        raise InvalidModelError(
            "grid must map exactly two parameter names to arrays of values (x first, "
            f"then y), got {describe(grid)}"
        )
    names = list(grid)
    for name in names:
        if not isinstance(name, str):
            raise InvalidModelError(f"grid keys must be dotted names, got {describe(name)}")
        if name != "protocol.objection_cost" and scenario.agent_parameter(name) is None:
            raise InvalidModelError(
                f"the pledge game has no parameter {name!r} to vary: give an agent "
                "parameter of the scenario (e.g. 'japan.article_cost' or "
                "'russia.pledge_credibility') or 'protocol.objection_cost'"
            )
        reader = scenario.read_by(name)
        if reader not in (None, "pbe"):
            raise InvalidModelError(
                f"{name!r} is read by the {reader!r} concept only: the pledge game "
                "does not depend on it, so every point would be the same"
            )
    if scenario.canonical_name(names[0]) == scenario.canonical_name(names[1]):
        raise InvalidModelError(
            f"the grid's two parameters must differ, got {names[0]!r} and {names[1]!r}"
        )
    axes = []
    for name in names:
        values = real_array(grid[name], f"grid[{name!r}]", error=InvalidModelError)
        if values.ndim != 1 or values.size == 0:
            raise InvalidModelError(
                f"grid[{name!r}] must be a non-empty 1-D array of values, got shape "
                f"{values.shape}"
            )
        axes.append(values)
    x_values, y_values = axes
    yy, xx = np.meshgrid(y_values, x_values, indexing="ij")
    flat = {names[0]: xx.ravel(), names[1]: yy.ravel()}
    m = xx.size
    kind = np.empty(m, dtype=np.intp)
    outcomes = np.empty((m, len(TYPES)), dtype=np.intp)
    probability = np.empty(m)
    for start in range(0, m, _REGION_BLOCK):
        stop = min(start + _REGION_BLOCK, m)
        tables = pledge_tables(
            scenario, clauses=clauses, values={k: v[start:stop] for k, v in flat.items()}
        )
        messages, responses, kinds = select_pbe(tables.sender, tables.receiver, tables.prior)
        solved = kinds >= 0
        reached = np.full((stop - start, len(TYPES)), NO_DEAL, dtype=np.intp)
        if np.any(solved):
            reached[solved] = tables.outcomes(messages[solved], responses[solved])
        kind[start:stop] = kinds
        outcomes[start:stop] = reached
        probability[start:stop] = np.sum(
            np.where(reached != NO_DEAL, tables.prior, 0.0), axis=-1
        )
    shape = (len(y_values), len(x_values))
    return PledgeRegions(
        scenario=scenario,
        x=names[0],
        y=names[1],
        x_values=readonly(x_values),
        y_values=readonly(y_values),
        kind=readonly(kind.reshape(shape)),
        outcomes=readonly(outcomes.reshape((*shape, len(TYPES)))),
        probability=readonly(probability.reshape(shape)),
    )
