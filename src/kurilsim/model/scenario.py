"""Scenarios: an agreement space, the agents and the negotiation protocol."""

from __future__ import annotations

import difflib
import math
import os
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.kuril.agents import Japan, Russia, UnitedStates
from kurilsim.kuril.space import kuril_space
from kurilsim.model.agents import Agent
from kurilsim.model.agreements import AgreementSpace

__all__ = ["NegotiationProtocol", "Scenario"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationProtocol:
    """Who moves, who may object, and how patient everyone is.

    Parameters
    ----------
    proposer : str
        Agent that proposes an agreement (default ``"japan"``).
    responder : str
        Agent that accepts or rejects it (default ``"russia"``); rejection
        leaves the status quo.
    objector : str
        Agent that may object to agreements restricting its rights (the
        security regime), or ``""`` for nobody.  Default ``"united_states"``.
    objection_cost : float
        Utility the proposer loses when the objector objects (≥ 0).
    objection_blocks : bool
        Whether an objection blocks the agreement (status quo) instead of
        only costing the proposer.
    objection_scope : {"restrictions", "any"}
        Which agreements the objector may object to: only those restricting
        its rights (islands transferred without US forces; default), or any
        agreement (as when the United States warned Japan in 1956 against
        conceding Kunashir and Iturup).
    discount : mapping of str to float
        Per-round discount factor of each agent, in (0, 1], used by
        alternating-offers bargaining; agents not listed use 0.9.

    Examples
    --------
    >>> from kurilsim import NegotiationProtocol
    >>> NegotiationProtocol(objection_cost=0.3).discount_factor("japan")
    0.9
    """

    proposer: str = "japan"
    responder: str = "russia"
    objector: str = "united_states"
    objection_cost: float = 0.2
    objection_blocks: bool = False
    objection_scope: str = "restrictions"
    discount: dict[str, float] = field(default_factory=dict)

    DEFAULT_DISCOUNT = 0.9

    def __post_init__(self) -> None:
        for name in ("proposer", "responder", "objector"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise InvalidModelError(
                    f"protocol.{name} must be an agent name (a string), got "
                    f"{reprlib.repr(value)}"
                )
        if not self.proposer or not self.responder:
            raise InvalidModelError(
                "protocol.proposer and .responder must name agents, got "
                f"{self.proposer!r} and {self.responder!r}"
            )
        if self.proposer == self.responder:
            raise InvalidModelError(
                f"protocol.proposer and .responder must differ, both are "
                f"{self.proposer!r}"
            )
        cost = self.objection_cost
        if (
            isinstance(cost, bool)
            or not isinstance(cost, int | float | np.integer | np.floating)
            or not _isfinite(cost)
            or cost < 0
        ):
            raise InvalidModelError(
                "protocol.objection_cost must be a finite number >= 0, got "
                f"{reprlib.repr(cost)}"
            )
        object.__setattr__(self, "objection_cost", float(cost))
        if not isinstance(self.objection_blocks, bool):
            raise InvalidModelError(
                f"protocol.objection_blocks must be true or false, got "
                f"{self.objection_blocks!r}"
            )
        if not isinstance(self.objection_scope, str) or self.objection_scope not in (
            "restrictions",
            "any",
        ):
            raise InvalidModelError(
                "protocol.objection_scope must be 'restrictions' or 'any', got "
                f"{reprlib.repr(self.objection_scope)}"
            )
        if not isinstance(self.discount, Mapping):
            raise InvalidModelError(
                "protocol.discount must map agent names to factors in (0, 1], got "
                f"{reprlib.repr(self.discount)}"
            )
        discount = {}
        for agent, delta in self.discount.items():
            if not isinstance(agent, str) or not agent:
                raise InvalidModelError(
                    f"protocol.discount keys must be agent names, got {agent!r}"
                )
            if (
                isinstance(delta, bool)
                or not isinstance(delta, int | float | np.integer | np.floating)
                or not 0 < delta <= 1
            ):
                raise InvalidModelError(
                    f"protocol.discount.{agent} must be in (0, 1], got "
                    f"{reprlib.repr(delta)}"
                )
            discount[agent] = float(delta)
        object.__setattr__(self, "discount", discount)

    def __hash__(self) -> int:
        return hash((self.proposer, self.responder, self.objector))

    def discount_factor(self, agent: str) -> float:
        """The discount factor of ``agent`` (0.9 unless set)."""
        return self.discount.get(agent, self.DEFAULT_DISCOUNT)

    def parameters(self) -> dict[str, Any]:
        """Scalar settings by name (``discount.<agent>`` for discount factors)."""
        values: dict[str, Any] = {
            "proposer": self.proposer,
            "responder": self.responder,
            "objector": self.objector,
            "objection_cost": self.objection_cost,
            "objection_blocks": self.objection_blocks,
            "objection_scope": self.objection_scope,
        }
        values.update({f"discount.{k}": v for k, v in self.discount.items()})
        return values

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict."""
        data = self.parameters()
        data = {k: v for k, v in data.items() if not k.startswith("discount.")}
        data["discount"] = dict(self.discount)
        return data


def _isfinite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _default_agents() -> tuple[Agent, ...]:
    return (Japan(), Russia(), UnitedStates())


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Scenario:
    """A negotiation to analyse: agreement space, agents and protocol.

    Scenarios are immutable; change them with :meth:`with_params` (by dotted
    parameter name) or :func:`dataclasses.replace`.  Utilities of every agent
    over every agreement are computed once when the scenario is built.

    Parameters
    ----------
    name : str
        Identifier (``"2018-singapore"``).
    title : str, optional
        One-line description.
    description : str, optional
        What the scenario represents.
    notes : sequence of str, optional
        Which facts set which parameters (with sources).
    space : AgreementSpace, optional
        Default :func:`kuril_space`.
    agents : sequence of Agent, optional
        Default ``(Japan(), Russia(), UnitedStates())``; names must be unique.
    protocol : NegotiationProtocol, optional

    Raises
    ------
    InvalidModelError
        On duplicate agent names, a protocol naming an absent agent, or
        agents whose utilities are not finite.

    Examples
    --------
    >>> import kurilsim
    >>> scenario = kurilsim.Scenario(name="default")
    >>> scenario.utilities().shape
    (3, 39)
    >>> tougher = scenario.with_params({"japan.demand": 2,
    ...                                 "russia.security_weight": 2.5})
    >>> tougher.agent("russia").security_weight
    2.5
    >>> scenario.with_params({"russia.security": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: unknown scenario parameter 'russia.security' (did you mean 'russia.security_weight'?); valid names are japan.demand, ...
    """

    name: str
    title: str = ""
    description: str = ""
    notes: tuple[str, ...] = ()
    space: AgreementSpace = field(default_factory=kuril_space)
    agents: tuple[Agent, ...] = field(default_factory=_default_agents)
    protocol: NegotiationProtocol = field(default_factory=NegotiationProtocol)
    _terms: tuple[NDArray[np.float64], ...] = field(init=False, repr=False)
    _outcome_utilities: NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidModelError(
                f"a Scenario needs a non-empty name, got {self.name!r}"
            )
        for key in ("title", "description"):
            if not isinstance(getattr(self, key), str):
                raise InvalidModelError(
                    f"Scenario.{key} must be a string, got {getattr(self, key)!r}"
                )
        notes = (self.notes,) if isinstance(self.notes, str) else tuple(self.notes)
        if not all(isinstance(note, str) for note in notes):
            raise InvalidModelError(f"Scenario.notes must be strings, got {notes!r}")
        if not isinstance(self.space, AgreementSpace):
            raise InvalidModelError(
                f"Scenario.space must be an AgreementSpace, got {self.space!r}"
            )
        agents = tuple(self.agents)
        if not agents:
            raise InvalidModelError("a Scenario needs at least one agent")
        for agent in agents:
            if not isinstance(agent, Agent):
                raise InvalidModelError(
                    f"{agent!r} does not implement the kurilsim.Agent protocol"
                )
        names = [agent.name for agent in agents]
        repeated = duplicates(names)
        if repeated:
            raise InvalidModelError(f"duplicate agent names {repeated}")
        if not isinstance(self.protocol, NegotiationProtocol):
            raise InvalidModelError(
                f"Scenario.protocol must be a NegotiationProtocol, got "
                f"{self.protocol!r}"
            )
        for role in ("proposer", "responder", "objector"):
            who = getattr(self.protocol, role)
            if who and who not in names:
                raise InvalidModelError(
                    f"protocol.{role} is {who!r}, which is not an agent of the "
                    f"scenario; agents are {names}"
                )
        for who in self.protocol.discount:
            if who not in names:
                raise InvalidModelError(
                    f"protocol.discount names {who!r}, which is not an agent; "
                    f"agents are {names}"
                )
        terms = []
        rows = []
        expected = (len(self.space) + 1,)
        for agent in agents:
            try:
                matrix = readonly(np.asarray(agent.utility_terms(self.space), float))
                with np.errstate(over="ignore", invalid="ignore"):
                    row = np.asarray(agent.coefficients() @ matrix.T, float)
            except (TypeError, ValueError) as error:
                if isinstance(error, InvalidModelError):
                    raise
                raise InvalidModelError(
                    f"agent {agent.name!r}: its utility terms and coefficients do not "
                    f"fit ({error})"
                ) from None
            if row.shape != expected:
                raise InvalidModelError(
                    f"agent {agent.name!r}: expected {expected[0]} outcome utilities, "
                    f"got an array of shape {row.shape}"
                )
            terms.append(matrix)
            rows.append(row)
        utilities = np.stack(rows)
        finite = np.isfinite(utilities).all(axis=1)
        if not finite.all():
            bad = [agents[k].name for k in np.flatnonzero(~finite)]
            raise InvalidModelError(
                f"the utilities of {bad} are not all finite (overflow?); rescale "
                "their parameters"
            )
        object.__setattr__(self, "notes", notes)
        object.__setattr__(self, "agents", agents)
        object.__setattr__(self, "_terms", tuple(terms))
        object.__setattr__(self, "_outcome_utilities", readonly(utilities))

    # -- identity -------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return (
            self.name == other.name
            and self.title == other.title
            and self.description == other.description
            and self.notes == other.notes
            and self.space == other.space
            and self.agents == other.agents
            and self.protocol == other.protocol
        )

    def __hash__(self) -> int:
        return hash((self.name, self.space))

    def __repr__(self) -> str:
        agents = ", ".join(self.agent_names)
        return (
            f"Scenario(name={self.name!r}, agents=[{agents}], "
            f"{len(self.space)} agreements)"
        )

    # -- agents ---------------------------------------------------------------------
    @property
    def agent_names(self) -> tuple[str, ...]:
        """Agent names, in the order of the rows of :meth:`utilities`."""
        return tuple(agent.name for agent in self.agents)

    def agent(self, name: str) -> Any:
        """The agent called ``name``."""
        for agent in self.agents:
            if agent.name == name:
                return agent
        raise InvalidModelError(
            f"no agent {name!r} in scenario {self.name!r}; agents are "
            f"{list(self.agent_names)}"
        )

    # -- utilities ------------------------------------------------------------------
    def utilities(self) -> NDArray[np.float64]:
        """Utility of each agent (rows) for each agreement (columns).

        The array is computed when the scenario is built and returned
        read-only, so the call costs microseconds.
        """
        result: NDArray[np.float64] = self._outcome_utilities[:, :-1]
        return result

    def status_quo_utilities(self) -> NDArray[np.float64]:
        """Utility of each agent for the status quo (the disagreement point)."""
        result: NDArray[np.float64] = self._outcome_utilities[:, -1]
        return result

    def outcome_utilities(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> NDArray[np.float64]:
        """Utilities over outcomes (agreements, status quo last), vectorised.

        Parameters
        ----------
        overrides : mapping of str to array_like, optional
            Dotted agent parameters (``"russia.security_weight"``) to arrays of
            values that broadcast against each other.

        Returns
        -------
        ndarray
            Shape ``broadcast_shape + (n_agents, len(space) + 1)``; without
            overrides, ``(n_agents, len(space) + 1)``.

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> scenario = kurilsim.Scenario(name="default")
        >>> grid = scenario.outcome_utilities(
        ...     {"russia.security_weight": np.linspace(0, 3, 7)[:, None],
        ...      "japan.demand": np.array([2, 4])})
        >>> grid.shape
        (7, 2, 3, 40)
        """
        if not overrides:
            return self._outcome_utilities
        per_agent: dict[str, dict[str, ArrayLike]] = {}
        for dotted, values in overrides.items():
            agent_name, _, parameter = self._split(dotted)
            if agent_name == "protocol":
                raise InvalidModelError(
                    f"{dotted!r} is a protocol setting; outcome utilities depend "
                    "only on agent parameters"
                )
            self.agent(agent_name)
            per_agent.setdefault(agent_name, {})[parameter] = values
        rows = [
            agent.coefficients(per_agent.get(agent.name)) @ terms.T
            for agent, terms in zip(self.agents, self._terms, strict=True)
        ]
        return np.stack(np.broadcast_arrays(*rows), axis=-2)

    def terms_of(self, agent: str) -> NDArray[np.float64]:
        """The term matrix ``(len(space) + 1, n_terms)`` of one agent (read-only):
        its outcome utilities are ``agent.coefficients() @ terms.T``."""
        return self._terms[self.agent_names.index(self.agent(agent).name)]

    # -- parameters -----------------------------------------------------------------
    def parameters(self) -> dict[str, Any]:
        """Every parameter by dotted name: ``agent.parameter`` and ``protocol.*``."""
        values: dict[str, Any] = {}
        for agent in self.agents:
            values.update(
                {f"{agent.name}.{k}": v for k, v in agent.parameters().items()}
            )
        values.update(
            {f"protocol.{k}": v for k, v in self.protocol.parameters().items()}
        )
        for name in self.agent_names:
            values.setdefault(
                f"protocol.discount.{name}", self.protocol.discount_factor(name)
            )
        return values

    def parameter_names(self) -> tuple[str, ...]:
        """The names :meth:`with_params` accepts."""
        return tuple(self.parameters())

    def _split(self, dotted: str) -> tuple[str, str, str]:
        if not isinstance(dotted, str) or "." not in dotted:
            raise InvalidModelError(self._unknown(dotted))
        owner, _, parameter = dotted.partition(".")
        return owner, ".", parameter

    def _unknown(self, dotted: object) -> str:
        names = self.parameter_names()
        close = difflib.get_close_matches(str(dotted), names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (
            f"unknown scenario parameter {dotted!r}{hint}; valid names are "
            f"{', '.join(names)}"
        )

    def check_parameter_names(self, names: Iterable[str]) -> None:
        """Raise for the first name that is not a parameter of the scenario.

        Raises
        ------
        InvalidModelError
            Naming it, with the closest valid name and the list of valid ones.
        """
        valid = self.parameters()
        for dotted in names:
            if dotted not in valid:
                raise InvalidModelError(self._unknown(dotted))

    def with_params(self, changes: Mapping[str, Any], /) -> Scenario:
        """A copy with parameters changed by dotted name (validated).

        Raises
        ------
        InvalidModelError
            On an unknown name (the message lists the valid ones) or an
            invalid value (out of bounds, or not a number: the message names
            the parameter).
        InvalidArgumentError
            If ``changes`` is not a mapping.
        """
        if not isinstance(changes, Mapping):
            raise InvalidArgumentError(
                "Scenario.with_params: changes must be a mapping of dotted parameter "
                f"names to values, got {reprlib.repr(changes)}"
            )
        self.check_parameter_names(changes)
        per_agent: dict[str, dict[str, Any]] = {}
        protocol_changes: dict[str, Any] = {}
        discount = dict(self.protocol.discount)
        for dotted, value in changes.items():
            owner, _, parameter = self._split(dotted)
            if owner == "protocol":
                if parameter.startswith("discount."):
                    discount[parameter.partition(".")[2]] = value
                else:
                    protocol_changes[parameter] = value
            else:
                per_agent.setdefault(owner, {})[parameter] = value
        agents = tuple(
            agent.with_params(per_agent[agent.name])
            if agent.name in per_agent
            else agent
            for agent in self.agents
        )
        protocol = replace(self.protocol, **protocol_changes, discount=discount)
        return replace(self, agents=agents, protocol=protocol)

    # -- serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready nested dict (see :func:`kurilsim.load_scenario`)."""
        from kurilsim.io.scenario_toml import scenario_to_dict

        return scenario_to_dict(self)

    def to_toml(self, path: str | os.PathLike[str] | None = None) -> str:
        """Write the scenario as TOML to ``path`` (if given); return the text.

        ``load_scenario(path) == scenario`` holds exactly.
        """
        from kurilsim.io.scenario_toml import scenario_to_toml

        return scenario_to_toml(self, path)

    def describe(self) -> str:
        """A readable summary: parameters and the agreement space."""
        lines = [f"{self.name}: {self.title}".rstrip(": ")]
        if self.description:
            lines += ["", self.description.strip()]
        lines += ["", "Parameters:"]
        lines += [f"  {name} = {value!r}" for name, value in self.parameters().items()]
        lines += ["", f"Agreement space: {len(self.space)} agreements"]
        for issue in self.space.issues:
            lines.append(f"  {issue.name}: {', '.join(issue.labels)}")
        if self.notes:
            lines += ["", "Notes:"] + [f"  - {note}" for note in self.notes]
        return "\n".join(lines)
