"""Domestic ratification: the Kuril negotiation as a two-level game.

A treaty between Japan and Russia binds only once each side has ratified it:
in Japan the Diet approves it, in Russia the State Duma adopts a
ratification law, the Federation Council approves that law and the
Constitutional Court may review the treaty.  Putnam (1988) calls the set of
agreements that would be ratified at home a side's *win-set*; a deal must
lie in both.  This module makes the stages model objects
(:class:`Ratifier`, :func:`ratifiers`), computes win-sets (:func:`win_set`,
vectorised over parameter points by :func:`win_sets` and
:func:`ratified_agreements`) and adds the stages to the proposal game
(:func:`ratification_game`), which the ``"two-level"`` concept solves
(``kurilsim.solve_scenario(scenario, "two-level")``).

The rules
    A *threshold* stage accepts an agreement ``a`` iff its government's gain
    over the status quo is at least the stage's threshold:
    ``u(a) - u(status quo) >= t``, in the party's utility units
    (``japan.diet_threshold``, ``russia.duma_threshold``,
    ``russia.federation_council_threshold``).  This is a reduced form of
    "the median member accepts": the stage shares its government's ranking
    of agreements and differs only in how much a deal must be worth before
    it says yes.  ``t = 0`` (the default, a judgement) is a stage that
    accepts what its government would accept; ``t > 0`` a stricter one --
    the reading suggested by Sacko and Winkley (2020), who find elite
    conditions favourable but popular opposition holding the status quo;
    ``t < 0`` one keener on a treaty than its government.  The thresholds
    are read only by the ``"two-level"`` concept (``read_by="two-level"``),
    so calibration and robustness under other concepts hold them fixed; a
    poll can set them (``kurilsim.data.polls``).

    The *veto* stage is the Russian Constitutional Court, which applies the
    scenario protocol's veto rule for its party (``protocol.veto["russia"]``:
    since 2020 the constitutional ban on ceding territory, with its
    delimitation exception as an alternative rule; none before 2020).  The
    ban is modelled once: the protocol rules those agreements out for every
    concept, and the Court's stage is where the two-level view locates them.

The game
    :func:`ratification_game` is the proposal game
    (:func:`kurilsim.games.negotiation.proposal_game`) in which, after the
    responder accepts, each ratifier of each party (parties in scenario
    order, stages in the order above) votes ``"accept"`` or ``"reject"``; a
    rejection ends in the status quo.  A threshold stage's payoff is
    ``gain - t`` if the agreement is concluded and 0 otherwise, so by
    backward induction it accepts iff the agreement is in its win-set; the
    veto stage's payoff is -1 for concluding an agreement its rule vetoes
    and 0 otherwise.  The agreements the protocol vetoes are not proposed
    (as in the proposal game), so the Court's stage accepts every agreement
    that reaches it.  An objection cost falls as in the proposal game: a
    proposer who proceeds after an objection pays whatever follows, any other
    payer when the agreement is concluded (ratified).

Ties
    As in the proposal game, a mover indifferent within ``tol`` times its
    payoff range over the game's terminals (:func:`kurilsim.solve_spe`)
    takes its first action: a stage accepts, the responder accepts, and the
    proposer prefers the earlier agreement.  So a stage accepts ``a`` iff
    ``(max(d, 0) - d) / scale <= tol`` with ``d = gain(a) - t`` and
    ``scale`` the range of ``d`` over the agreements that can be proposed and
    0 (1 when that range is 0); :func:`win_set` applies the same rule, so
    that its default (``tol = 1e-12``) is the win-set the concept uses.  A
    proposal outside the joint win-set fails in ratification and ends in the
    status quo, just as one the responder rejects: it acts as unavailable,
    like a vetoed one, and among proposals that all leave the proposer at
    the status quo the proposal game's order decides which one is made.

With stages that accept everything the game has the proposal game's outcome;
with thresholds of 0, stages that accept what their governments accept, it
has too (up to ties within the tolerance), since a government responds and
proposes only what it values at least as much as the status quo.  Two properties hold for a stage that
shares its government's ranking (``tests/kuril/test_ratification.py`` checks
them):

* a deal outside either party's win-set is never concluded;
* *Schelling's conjecture* (Schelling 1960; Putnam 1988), in the case where
  it holds: under complete information and a take-it-or-leave-it protocol,
  a stricter ratifier of the *responder* can only move the concluded deal
  toward the responder's preferred agreements, or to no deal -- the
  proposer, who gets its best agreement among those the responder side
  ratifies, must offer more or nothing.  It fails for the *proposer*:
  the proposer already gets its best acceptable deal, and a stricter
  ratifier of its own only removes options, so its utility never rises.
  Under incomplete information about the ratifiers domestic constraints
  may or may not help, and ratification can fail on the path (Iida 1993);
  this model has complete information.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of
two-level games. *International Organization* 42(3), 427-460.
Schelling, T. C. (1960). *The Strategy of Conflict*. Cambridge, MA: Harvard
University Press.
Iida, K. (1993). When and how do domestic constraints matter? Two-level
games with uncertainty. *Journal of Conflict Resolution* 37(3), 403-426.
Sacko, D. and Winkley, M. (2020). All quiet on the eastern front? Japan and
Russia's territorial dispute. *Journal of Indo-Pacific Affairs*, Air
University Press.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._checks import check_instance, check_real, describe
from kurilsim._errors import InvalidModelError
from kurilsim.games.negotiation import proposal_game
from kurilsim.games.sequential import Decision, SequentialGame, Terminal
from kurilsim.kuril.agents import Japan, Russia
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.protocol import restricted_agreements
from kurilsim.model.scenario import Scenario
from kurilsim.solvers.spe import DEFAULT_TOL

__all__ = [
    "RULES",
    "Ratifier",
    "ratification_game",
    "ratified_agreements",
    "ratifiers",
    "win_set",
    "win_sets",
]

#: The rules a ratification stage may apply.
RULES: Final = ("threshold", "veto")

#: A veto stage's payoff for concluding an agreement its rule vetoes.
_VETOED_PAYOFF: Final = -1.0

_JAPAN_CONSTITUTION: Final = (
    "Constitution of Japan, Art. 73(3) (the Cabinet concludes treaties with the "
    "prior or subsequent approval of the Diet) and Art. 61 (applying Art. 60(2): "
    "the House of Representatives' decision prevails)"
)
_TREATY_LAW: Final = (
    "Federal Law No. 101-FZ of 15 Jul 1995 'On International Treaties of the "
    "Russian Federation'"
)

#: The stages of each Kuril agent type: (agent class, ((name, rule, parameter
#: of the agent or "", source, description), ...)), in the order they vote.
_STAGES: Final[tuple[tuple[type, tuple[tuple[str, str, str, str, str], ...]], ...]] = (
    (
        Japan,
        (
            (
                "diet",
                "threshold",
                "diet_threshold",
                _JAPAN_CONSTITUTION,
                "the National Diet approves the treaty",
            ),
        ),
    ),
    (
        Russia,
        (
            (
                "state_duma",
                "threshold",
                "duma_threshold",
                (
                    "Constitution of the Russian Federation, Art. 105 (the State "
                    f"Duma adopts federal laws); {_TREATY_LAW}, Art. 15 (treaties "
                    "subject to ratification)"
                ),
                "the State Duma adopts the federal law ratifying the treaty",
            ),
            (
                "federation_council",
                "threshold",
                "federation_council_threshold",
                (
                    "Constitution of the Russian Federation, Art. 106 (the "
                    "Federation Council must consider federal laws on the "
                    "ratification of international treaties)"
                ),
                "the Federation Council approves the ratification law",
            ),
            (
                "constitutional_court",
                "veto",
                "",
                (
                    f"{_TREATY_LAW}, Art. 34(1)(a) (the Constitutional Court "
                    "decides whether treaties not yet in force conform to the "
                    "Constitution); the rule is the protocol's veto, since 2020 "
                    "Art. 67 § 2.1 of the Constitution (no alienation of "
                    "territory, except delimitation)"
                ),
                (
                    "the Constitutional Court reviews the treaty against the "
                    "Constitution (the scenario protocol's veto rule for its party)"
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ratifier:
    """One domestic ratification stage of a party.

    Attributes
    ----------
    name : str
        The stage (``"diet"``, ``"state_duma"``): an identifier.
    party : str
        The agent whose treaty it ratifies (``"japan"``), as in
        :attr:`kurilsim.Scenario.agent_names`.
    rule : {"threshold", "veto"}
        ``"threshold"``: it accepts an agreement iff the party's gain over the
        status quo is at least the value of ``parameter``.  ``"veto"``: it
        rejects the agreements the scenario protocol's veto rule for
        ``party`` marks (``protocol.veto[party]``), and accepts the others.
    parameter : str
        The dotted agent parameter holding the threshold
        (``"japan.diet_threshold"``) for a threshold stage; ``""`` for a
        veto stage.
    source : str
        The public source of the institution.
    description : str
        What the stage does, in one line.

    Raises
    ------
    InvalidModelError
        For a name or party that is not an identifier, an unknown rule, a
        threshold stage whose parameter is not one of its party's (or a veto
        stage with one), or an empty source or description.

    Examples
    --------
    >>> from kurilsim.kuril.ratification import Ratifier
    >>> diet = Ratifier(name="diet", party="japan", rule="threshold",
    ...                 parameter="japan.diet_threshold",
    ...                 source="Constitution of Japan, Art. 73(3)",
    ...                 description="the Diet approves the treaty")
    >>> diet.player
    'japan.diet'
    >>> Ratifier(name="diet", party="japan", rule="majority", parameter="",
    ...          source="s", description="d")
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidModelError: Ratifier.rule must be 'threshold' or 'veto', got 'majority' (str)
    """

    name: str
    party: str
    rule: str
    parameter: str = ""
    source: str
    description: str

    def __post_init__(self) -> None:
        for field in ("name", "party"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.isidentifier():
                raise InvalidModelError(
                    f"Ratifier.{field} must be an identifier (letters, digits, "
                    f"underscores), got {describe(value)}"
                )
        if not isinstance(self.rule, str) or self.rule not in RULES:
            raise InvalidModelError(
                f"Ratifier.rule must be 'threshold' or 'veto', got {describe(self.rule)}"
            )
        if not isinstance(self.parameter, str):
            raise InvalidModelError(
                f"Ratifier.parameter must be a string, got {describe(self.parameter)}"
            )
        if self.rule == "threshold":
            owner, _, name = self.parameter.partition(".")
            if owner != self.party or not name:
                raise InvalidModelError(
                    f"Ratifier {self.player!r}: a threshold stage needs a parameter "
                    f"of its party, '{self.party}.<name>', got {describe(self.parameter)}"
                )
        elif self.parameter:
            raise InvalidModelError(
                f"Ratifier {self.player!r}: a veto stage reads the protocol's veto "
                f"rule and takes no parameter, got {describe(self.parameter)}"
            )
        for field in ("source", "description"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                raise InvalidModelError(
                    f"Ratifier.{field} must be a non-empty string, got {describe(value)}"
                )

    @property
    def player(self) -> str:
        """The stage's player name in :func:`ratification_game`:
        ``"<party>.<name>"``."""
        return f"{self.party}.{self.name}"


def _check_scenario(scenario: object) -> Scenario:
    return check_instance(scenario, Scenario, "scenario", error=InvalidModelError)


def _check_party(scenario: Scenario, party: object) -> str | None:
    """``party`` if it names an agent of ``scenario`` (None: every party)."""
    if party is None:
        return None
    if not isinstance(party, str) or party not in scenario.agent_names:
        raise InvalidModelError(
            f"party must be an agent of scenario {scenario.name!r} "
            f"({', '.join(scenario.agent_names)}) or None, got {describe(party)}"
        )
    return party


def ratifiers(scenario: Scenario, party: str | None = None) -> tuple[Ratifier, ...]:
    """The ratification stages of ``scenario``, in the order they vote.

    Japan (an agent of type :class:`~kurilsim.kuril.Japan`): the Diet.
    Russia (:class:`~kurilsim.kuril.Russia`): the State Duma, the
    Federation Council and the Constitutional Court.  Other agents (the
    United States, a user's agents) have none: they accept every agreement.

    Parameters
    ----------
    scenario : Scenario
    party : str, optional
        An agent's name: its stages only.  Default: every party's, parties in
        scenario order.

    Returns
    -------
    tuple of Ratifier

    Raises
    ------
    InvalidModelError
        If ``party`` is not an agent of the scenario.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.kuril import ratifiers
    >>> scenario = kurilsim.load_scenario("2020-constitution")
    >>> [(r.player, r.rule) for r in ratifiers(scenario)]  # doctest: +NORMALIZE_WHITESPACE
    [('japan.diet', 'threshold'), ('russia.state_duma', 'threshold'),
     ('russia.federation_council', 'threshold'),
     ('russia.constitutional_court', 'veto')]
    >>> ratifiers(scenario, "united_states")
    ()
    """
    scenario = _check_scenario(scenario)
    only = _check_party(scenario, party)
    found: list[Ratifier] = []
    for agent in scenario.agents:
        if only is not None and agent.name != only:
            continue
        for kind, stages in _STAGES:
            if not isinstance(agent, kind):
                continue
            for name, rule, parameter, source, description in stages:
                found.append(
                    Ratifier(
                        name=name,
                        party=agent.name,
                        rule=rule,
                        parameter=f"{agent.name}.{parameter}" if parameter else "",
                        source=source,
                        description=description,
                    )
                )
    return tuple(found)


def _check_tol(tol: object) -> float:
    return check_real(tol, "tol", low=0, high=1, high_open=True, error=InvalidModelError)


def _thresholds(
    scenario: Scenario, stage: Ratifier, values: Mapping[str, Any], m: int
) -> NDArray[np.float64]:
    """The stage's threshold at each of ``m`` points: from ``values`` if it is
    swept there, else the scenario's value; checked finite."""
    if stage.parameter in values:
        given = np.asarray(values[stage.parameter])
        if given.dtype.kind not in "iuf":
            raise InvalidModelError(
                f"{stage.parameter} must be real numbers, got {reprlib.repr(given)}"
            )
        try:
            threshold = np.broadcast_to(np.asarray(given, dtype=np.float64), (m,))
        except ValueError:
            raise InvalidModelError(
                f"{stage.parameter} must have one value or one per point ({m}), "
                f"got shape {given.shape}"
            ) from None
    else:
        owner, _, name = stage.parameter.partition(".")
        threshold = np.full(m, float(getattr(scenario.agent(owner), name)))
    bad = ~np.isfinite(threshold)
    if np.any(bad):
        raise InvalidModelError(
            f"{stage.parameter} must be a finite number, got "
            f"{threshold[bad][0].item()!r}"
        )
    return threshold


def _payoffs(
    scenario: Scenario,
    stage: Ratifier,
    table: NDArray[np.float64],
    values: Mapping[str, Any],
) -> NDArray[np.float64]:
    """The stage's payoff ``(n_agreements, m)`` for concluding each agreement at
    each point of a points-last utility table ``(n_agents, n + 1, m)``."""
    n, m = table.shape[1] - 1, table.shape[2]
    if stage.rule == "veto":
        rule = scenario.protocol.veto.get(stage.party, "")
        vetoed = (
            restricted_agreements(scenario.space, rule)
            if rule
            else np.zeros(n, dtype=bool)
        )
        return np.broadcast_to(np.where(vetoed, _VETOED_PAYOFF, 0.0)[:, None], (n, m))
    row = table[scenario.agent_names.index(stage.party)]
    gain: NDArray[np.float64] = (row[:n] - row[n]) - _thresholds(scenario, stage, values, m)
    return gain


def _accepts(
    payoff: NDArray[np.float64], proposable: NDArray[np.bool_], tol: float
) -> NDArray[np.bool_]:
    """Whether a stage accepts each agreement at each point, as
    :func:`kurilsim.solve_spe` decides: iff its payoff ``d`` of acceptance
    is within ``tol`` times its payoff range of the best of acceptance and
    rejection (0), ``(max(d, 0) - d) / scale <= tol``; the range is over the
    agreements that can be proposed and 0 (1 where it is 0).  For ``d >= 0``
    both sides accept; for ``d < 0`` the test is ``-d / scale <= tol``, the
    very float operations of the solver."""
    rows = payoff if proposable.all() else payoff[proposable]
    if len(rows):
        spread = np.maximum(rows.max(axis=0), 0.0) - np.minimum(rows.min(axis=0), 0.0)
    else:
        spread = np.zeros(payoff.shape[1])
    scale = np.where(spread > 0, np.maximum(spread, np.finfo(float).tiny), 1.0)
    ratio = np.negative(payoff)
    ratio /= scale
    accepted: NDArray[np.bool_] = ratio <= tol
    return accepted


def _joint(
    scenario: Scenario,
    party: str | None,
    table: NDArray[np.float64],
    values: Mapping[str, Any],
    tol: float,
) -> NDArray[np.bool_]:
    """The agreements (rows) every stage of ``party`` (None: of every party)
    accepts at each point (columns) of a points-last utility table."""
    n, m = table.shape[1] - 1, table.shape[2]
    proposable = ~scenario.protocol.vetoed_agreements(scenario.space)
    accepted = np.ones((n, m), dtype=bool)
    for stage in ratifiers(scenario, party):
        if stage.rule == "veto":  # the same at every point: decided once
            single = _payoffs(scenario, stage, table[:, :, :1], values)
            accepted &= _accepts(single, proposable, tol)
        else:
            accepted &= _accepts(_payoffs(scenario, stage, table, values), proposable, tol)
    return accepted


def win_set(scenario: Scenario, party: str | None, *, tol: float = DEFAULT_TOL
            ) -> NDArray[np.bool_]:
    """The agreements every ratification stage of ``party`` accepts.

    A threshold stage accepts ``a`` iff the party's gain over the status
    quo, ``u(a) - u(status quo)``, is at least its threshold, ties judged as
    :func:`ratification_game` judges them (see the module's notes); the
    Constitutional Court rejects what the protocol's veto rule for the party
    marks.

    Parameters
    ----------
    scenario : Scenario
    party : str or None
        An agent's name (``"japan"``, ``"russia"``); a party without stages
        (``"united_states"``) accepts everything.  ``None``: the joint
        win-set, the agreements every stage of every party accepts.
    tol : float, optional
        Relative tie tolerance (default 1e-12, the ``"two-level"``
        concept's); 0 compares exactly.

    Returns
    -------
    ndarray of bool, shape (len(scenario.space),)

    Raises
    ------
    InvalidModelError
        If ``party`` is not an agent of the scenario, or ``tol`` is not in
        [0, 1).

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> from kurilsim.kuril import win_set
    >>> scenario = kurilsim.load_scenario("1993-tokyo").with_params(
    ...     {"japan.diet_threshold": 0.0})  # the Diet accepts what Japan accepts
    >>> japan = scenario.outcome_utilities()[0]
    >>> bool(np.array_equal(win_set(scenario, "japan"), japan[:-1] >= japan[-1]))
    True
    >>> strict = scenario.with_params({"japan.diet_threshold": 0.3})
    >>> int(win_set(strict, "japan").sum()) < int(win_set(scenario, "japan").sum())
    True
    >>> bool(win_set(scenario, "united_states").all())
    True
    >>> banned = kurilsim.load_scenario("2020-constitution")  # the 2020 ban: a veto
    >>> int(win_set(banned, "russia").sum()), len(banned.space)
    (2, 38)
    """
    scenario = _check_scenario(scenario)
    _check_party(scenario, party)
    tol = _check_tol(tol)
    table = np.asarray(scenario.outcome_utilities())[:, :, np.newaxis]
    result: NDArray[np.bool_] = _joint(scenario, party, table, {}, tol)[:, 0]
    return result


def win_sets(
    scenario: Scenario,
    party: str | None,
    values: Mapping[str, ArrayLike],
    *,
    tol: float = DEFAULT_TOL,
) -> NDArray[np.bool_]:
    """:func:`win_set` at many parameter points at once.

    Parameters
    ----------
    scenario : Scenario
    party : str or None
        As for :func:`win_set`.
    values : mapping of str to array_like
        Dotted agent parameters (thresholds such as
        ``"japan.diet_threshold"`` and any parameter of the utilities) to
        arrays of values that broadcast against each other, as
        :meth:`kurilsim.Scenario.outcome_utilities` takes them.
    tol : float, optional
        As for :func:`win_set`.

    Returns
    -------
    ndarray of bool, shape ``broadcast_shape + (len(scenario.space),)``
        ``result[k]`` is ``win_set`` of the scenario with the values of
        point ``k``.

    Raises
    ------
    InvalidModelError
        For a name that is not an agent parameter of the scenario (a
        protocol setting does not change a win-set: the veto rule is a
        string), values that are not valid or do not broadcast, or a
        ``party`` or ``tol`` as :func:`win_set` refuses.

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> from kurilsim.kuril import win_set, win_sets
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> thresholds = np.array([0.0, 0.2, 0.4])
    >>> sets = win_sets(scenario, "japan", {"japan.diet_threshold": thresholds})
    >>> sets.shape
    (3, 38)
    >>> sets.sum(axis=1).tolist() == sorted(sets.sum(axis=1).tolist(), reverse=True)
    True
    >>> bool(np.array_equal(sets[1], win_set(
    ...     scenario.with_params({"japan.diet_threshold": 0.2}), "japan")))
    True
    """
    scenario = _check_scenario(scenario)
    _check_party(scenario, party)
    tol = _check_tol(tol)
    if not isinstance(values, Mapping) or not values:
        raise InvalidModelError(
            "values must be a non-empty mapping of dotted agent parameters to "
            f"arrays, got {describe(values)}"
        )
    for name in values:
        if scenario.agent_parameter(name) is None:
            raise InvalidModelError(
                f"{name!r} is a protocol setting; win-sets depend on agent "
                "parameters only (the veto rule is the protocol's string)"
            )
    table = scenario.outcome_utilities(values, points_last=True)
    shape = table.shape[2:]
    m = int(np.prod(shape, dtype=np.int64))
    flat = table.reshape((*table.shape[:2], m))
    swept = {
        name: np.broadcast_to(np.asarray(v), shape).reshape(m)
        for name, v in values.items()
    }
    accepted = _joint(scenario, party, flat, swept, tol)
    result: NDArray[np.bool_] = np.moveaxis(accepted, 0, -1).reshape(
        (*shape, accepted.shape[0])
    )
    return result


def ratified_agreements(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    values: Mapping[str, ArrayLike] | None = None,
    *,
    tol: float = DEFAULT_TOL,
) -> NDArray[np.bool_]:
    """The joint win-set at each point of a sweep kernel's utility table.

    The vectorised step of the ``"two-level"`` concept's kernel
    (:class:`kurilsim.concepts.SweepKernel`): the agreements every stage of
    every party accepts.

    Parameters
    ----------
    scenario : Scenario
        The base scenario: the stages, the veto rule, and the thresholds not
        in ``values``.
    utilities : ndarray, shape (n_agents, len(scenario.space) + 1, m)
        Outcome utilities laid out agent x outcome x point (the status quo
        last), as :meth:`kurilsim.Scenario.outcome_utilities` gives them with
        ``points_last=True``.
    values : mapping of str to array_like, optional
        Thresholds swept (``"japan.diet_threshold"``: ``m`` values, or one);
        other names are ignored (a kernel's settings hold them).
    tol : float, optional
        Relative tie tolerance, as for :func:`win_set`.

    Returns
    -------
    ndarray of bool, shape (len(scenario.space), m)

    Raises
    ------
    InvalidModelError
        If ``utilities`` does not have that shape or is not finite, or a
        threshold is not a finite number.

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> from kurilsim.kuril import ratified_agreements, win_set
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> table = scenario.outcome_utilities(
    ...     {"japan.diet_threshold": [0.0, 0.5]}, points_last=True)
    >>> ratified = ratified_agreements(scenario, table,
    ...                                {"japan.diet_threshold": [0.0, 0.5]})
    >>> ratified.shape
    (38, 2)
    >>> strict = scenario.with_params({"japan.diet_threshold": 0.5})
    >>> bool(np.array_equal(ratified[:, 1], win_set(strict, None)))
    True
    """
    scenario = _check_scenario(scenario)
    tol = _check_tol(tol)
    expected = (len(scenario.agents), len(scenario.space) + 1)
    if (
        not isinstance(utilities, np.ndarray)
        or utilities.ndim != 3
        or utilities.shape[:2] != expected
        or utilities.dtype.kind != "f"
    ):
        raise InvalidModelError(
            f"utilities must be a float array of shape {(*expected, 'm')}, got "
            f"{describe(utilities)}"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        total = utilities.sum()  # one pass: finite if every entry is
    if not np.isfinite(total) and not np.isfinite(utilities).all():
        k = np.argwhere(~np.isfinite(utilities))[0]
        raise InvalidModelError(
            f"utilities must be finite, got {utilities[tuple(k)].item()!r} at index "
            f"{tuple(int(v) for v in k)}"
        )
    if values is not None and not isinstance(values, Mapping):
        raise InvalidModelError(
            f"values must be a mapping of dotted parameters to arrays, got "
            f"{describe(values)}"
        )
    return _joint(scenario, None, utilities, values or {}, tol)


def ratification_game(scenario: Scenario) -> SequentialGame:
    """The proposal game with the ratification stages after the responder's yes.

    Moves: those of :func:`kurilsim.games.negotiation.proposal_game` (the
    proposer proposes, the objector may object, the responder accepts or
    rejects); after the responder accepts, each stage of
    :func:`ratifiers` votes ``"accept"`` or ``"reject"`` in order, and a
    rejection ends in the status quo.  Players: the scenario's agents, then
    the stages (:attr:`Ratifier.player`).  A threshold stage's payoff is its
    party's gain over the status quo minus its threshold if the agreement is
    concluded, else 0; a veto stage's is -1 for concluding an agreement its
    rule vetoes, else 0.  The agents' payoffs are those of the proposal
    game; where a rejection by a stage ends the game, each agent gets what
    the responder's rejection would have given it (the status quo, less the
    objection cost a proposer pays for proceeding).  Terminal outcomes are
    agreement indices or :data:`kurilsim.NO_DEAL`.  Action orders make
    :func:`kurilsim.solve_spe`'s default tie-break mean that an indifferent
    stage accepts.

    Raises
    ------
    InvalidModelError
        If a threshold is not a finite number.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.kuril import ratification_game
    >>> scenario = kurilsim.load_scenario("1956-declaration")
    >>> game = ratification_game(scenario)
    >>> game.players  # doctest: +NORMALIZE_WHITESPACE
    ('japan', 'russia', 'united_states', 'japan.diet', 'russia.state_duma',
     'russia.federation_council', 'russia.constitutional_court')
    >>> result = kurilsim.solve_spe(game)
    >>> [str(step) for step in result.path][-3:]  # doctest: +NORMALIZE_WHITESPACE
    ['russia.state_duma: accept', 'russia.federation_council: accept',
     'russia.constitutional_court: accept']
    >>> scenario.agreement_label(result.outcome)  # doctest: +NORMALIZE_WHITESPACE
    'Habomai+Shikotan, talks to continue on Kunashir and Iturup, full
     demilitarisation, no economic package'
    >>> strict = scenario.with_params({"russia.duma_threshold": 1.0})
    >>> kurilsim.solve_spe(ratification_game(strict)).outcome == kurilsim.NO_DEAL
    True
    """
    scenario = _check_scenario(scenario)
    base = proposal_game(scenario)
    stages = ratifiers(scenario)
    if not stages:
        return base
    table = np.asarray(scenario.outcome_utilities())[:, :, np.newaxis]
    # each stage's payoff for concluding each agreement
    concluded = np.stack(
        [_payoffs(scenario, stage, table, {})[:, 0] for stage in stages], axis=1
    ).tolist()
    nothing = (0.0,) * len(stages)
    responder = scenario.protocol.responder

    def extend(leaf: Terminal, outcome: Any) -> Terminal:
        extra = nothing if outcome == NO_DEAL else tuple(concluded[int(outcome)])
        return Terminal(leaf.payoffs + extra, outcome=outcome, label=leaf.label)

    def chain(accept: Terminal, reject: Terminal, k: int) -> Terminal | Decision:
        if k == len(stages):
            return extend(accept, accept.outcome)
        return Decision(
            stages[k].player,
            (
                ("accept", chain(accept, reject, k + 1)),
                ("reject", extend(reject, NO_DEAL)),
            ),
        )

    def rebuild(node: Any) -> Any:
        if isinstance(node, Terminal):
            return extend(node, node.outcome)
        if (
            node.player == responder
            and [action for action, _ in node.moves] == ["accept", "reject"]
        ):
            (_, accept), (_, reject) = node.moves
            return Decision(
                responder,
                (("accept", chain(accept, reject, 0)), ("reject", rebuild(reject))),
                node.label,
            )
        return Decision(
            node.player, tuple((a, rebuild(child)) for a, child in node.moves), node.label
        )

    players = base.players + tuple(stage.player for stage in stages)
    return SequentialGame(rebuild(base.root), players)
