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
from kurilsim.model.agents import Agent, LinearAgent, ParametricAgent
from kurilsim.model.agreements import AgreementSpace
from kurilsim.model.protocol import ROLES, NegotiationProtocol

__all__ = ["Scenario"]


#: Default of the fields a scenario requires (the check names what is missing).
_REQUIRED: Any = None


_NEEDS = {"space": "a space", "agents": "agents", "protocol": "a protocol"}


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Scenario:
    """A negotiation to analyse: agreement space, agents and protocol.

    Scenarios are immutable; change them with :meth:`with_params` (by dotted
    parameter name) or :func:`dataclasses.replace`.  Utilities of every agent
    over every agreement are computed once when the scenario is built.

    The generic model has no default space, agents or protocol; for the
    calibrated Japan-Russia case, :func:`kurilsim.kuril_scenario` fills in
    the Kuril space, agents and protocol for whatever is not given.

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
    space : AgreementSpace
        The agreements on the table (required).
    agents : sequence of Agent
        The agents (required, at least one); names must be unique.
    protocol : NegotiationProtocol
        Who proposes, responds and may object (required); it must name
        agents of the scenario, and its ``objectionable`` rule, when in force,
        features of the space.

    Raises
    ------
    InvalidModelError
        On a missing space, agents or protocol (the message names them),
        duplicate agent names, a protocol naming an absent agent or (in an
        objection rule in force) an absent feature, or agents whose utilities
        are not finite.

    Examples
    --------
    >>> from kurilsim import (AgreementSpace, Issue, LinearAgent,
    ...                       NegotiationProtocol, Scenario)
    >>> price = Issue(name="price", options=("low", "high"),
    ...               features={"level": (1.0, 2.0)})
    >>> scenario = Scenario(
    ...     name="sale",
    ...     space=AgreementSpace((price,)),
    ...     agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
    ...             LinearAgent(name="seller", weights={"price.level": 2.0},
    ...                         status_quo=0.5)),
    ...     protocol=NegotiationProtocol(proposer="buyer", responder="seller"))
    >>> scenario.utilities()
    array([[-1., -2.],
           [ 2.,  4.]])
    >>> scenario.with_params({"seller.w[price.level]": 3.0}).utilities()[1]
    array([3., 6.])
    >>> scenario.with_params({"seller.status": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: unknown scenario parameter 'seller.status' (did you mean 'seller.status_quo'?); valid names are buyer.status_quo, ...
    >>> Scenario(name="x", space=AgreementSpace((price,)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: Scenario 'x' needs agents and a protocol: ...
    """

    name: str
    title: str = ""
    description: str = ""
    notes: tuple[str, ...] = ()
    space: AgreementSpace = _REQUIRED
    agents: tuple[Agent, ...] = _REQUIRED
    protocol: NegotiationProtocol = _REQUIRED
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
        missing = [
            key for key in ("space", "agents", "protocol") if getattr(self, key) is None
        ]
        if missing:
            phrases = [_NEEDS[key] for key in missing]
            what = ", ".join(phrases[:-1]) + " and " * (len(phrases) > 1) + phrases[-1]
            raise InvalidModelError(
                f"Scenario {self.name!r} needs {what}: the generic model has no "
                "defaults (the bundled calibrated case has a builder that fills them "
                "in: see help(kurilsim.Scenario))"
            )
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
        for role in ROLES:
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
        self.protocol.objectionable_agreements(self.space)  # the rule fits the space
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
        self,
        overrides: Mapping[str, ArrayLike] | None = None,
        *,
        points_last: bool = False,
    ) -> NDArray[np.float64]:
        """Utilities over outcomes (agreements, status quo last), vectorised.

        Parameters
        ----------
        overrides : mapping of str to array_like, optional
            Dotted agent parameters (``"russia.security_weight"``) to arrays of
            values that broadcast against each other.
        points_last : bool, optional
            Lay the result out agent x outcome x point: shape
            ``(n_agents, len(space) + 1) + broadcast_shape``, C-contiguous, so
            that ``result[i, j]`` holds agent ``i``'s utility of outcome ``j``
            at every point, in one contiguous block (the layout of the sweep
            kernels, :class:`kurilsim.concepts.SweepKernel`).  The coefficients
            of each agent with overrides are laid out term x point (those that
            do not depend on the overrides are computed once and filled in)
            and multiplied by its term matrix in one matrix product written
            straight into the result, with no broadcast copy and no
            transposition; the utilities of the other agents are copied from
            those computed when the scenario was built.  The values equal the default layout's up to
            rounding: the same terms are summed in the same order, but BLAS
            may round a product differently with the matrix shapes (for
            one-dimensional overrides, the points of a sweep, both layouts
            agree bit for bit with OpenBLAS).

        Returns
        -------
        ndarray
            Shape ``broadcast_shape + (n_agents, len(space) + 1)``, or
            ``(n_agents, len(space) + 1) + broadcast_shape`` with
            ``points_last``; without overrides (or with only scalar ones, for
            which ``broadcast_shape`` is ``()``), ``(n_agents, len(space) + 1)``
            either way.

        Raises
        ------
        InvalidModelError
            If a name is a protocol setting or not an agent parameter, a value
            is invalid (the message names it), or the arrays do not broadcast.

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> overrides = {"russia.security_weight": np.linspace(0, 3, 7)[:, None],
        ...              "japan.demand": np.array([2, 4])}
        >>> grid = scenario.outcome_utilities(overrides)
        >>> grid.shape
        (7, 2, 3, 40)
        >>> rows = scenario.outcome_utilities(overrides, points_last=True)
        >>> rows.shape, rows.flags.c_contiguous
        ((3, 40, 7, 2), True)
        >>> bool(np.allclose(rows, np.moveaxis(grid, (-2, -1), (0, 1)),
        ...                  rtol=1e-15, atol=1e-15))
        True
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
        shapes = {dotted: np.shape(values) for dotted, values in overrides.items()}
        try:
            np.broadcast_shapes(*shapes.values())
        except ValueError:
            raise InvalidModelError(
                "the override arrays must broadcast against each other, got the "
                f"shapes {shapes}"
            ) from None
        if points_last:
            return self._points_last(per_agent)
        rows = [
            agent.coefficients(per_agent.get(agent.name)) @ terms.T
            for agent, terms in zip(self.agents, self._terms, strict=True)
        ]
        return np.stack(np.broadcast_arrays(*rows), axis=-2)

    def _points_last(
        self, per_agent: Mapping[str, Mapping[str, ArrayLike]]
    ) -> NDArray[np.float64]:
        """:meth:`outcome_utilities` laid out agent x outcome x point.

        An agent without overrides has the utilities computed when the scenario
        was built, copied to every point.  For the others, the coefficient
        columns (unbroadcast: those that do not depend on the overrides are
        scalars) fill a term x point block row by row, and one matrix product
        ``terms @ block`` writes the agent's utilities into its slice of the
        result: each utility is the same sum over terms, in the same order, as
        in the default layout's product.
        """
        columns = {
            name: _coefficient_columns(self.agent(name), overrides)
            for name, overrides in per_agent.items()
        }
        shape = np.broadcast_shapes(
            *(c.shape for agent in columns.values() for c in agent)
        )
        size = math.prod(shape)
        table = np.empty((len(self.agents), len(self.space) + 1, size))
        for row, (name, terms) in enumerate(
            zip(self.agent_names, self._terms, strict=True)
        ):
            if name not in columns:
                table[row] = self._outcome_utilities[row, :, np.newaxis]
                continue
            block = np.empty((len(columns[name]), size))  # term x point
            for k, column in enumerate(columns[name]):
                block[k].reshape(shape)[...] = column
            np.matmul(terms, block, out=table[row])
        return table.reshape(table.shape[:2] + shape)

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

    def agent_parameter(self, dotted: str) -> tuple[str, str] | None:
        """Whose parameter ``dotted`` is: an agent's, or the protocol's.

        The names of :meth:`parameters` are of two kinds: agent parameters
        (``"<agent>.<parameter>"``, on which :meth:`outcome_utilities`
        depends) and protocol settings (``"protocol.*"``, on which it does
        not).

        Parameters
        ----------
        dotted : str
            A name of :meth:`parameter_names`.

        Returns
        -------
        tuple of (str, str) or None
            ``(agent name, parameter name)`` for an agent parameter, ``None``
            for a protocol setting.

        Raises
        ------
        InvalidModelError
            If ``dotted`` is neither (the message suggests the closest name).

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="s")
        >>> scenario.agent_parameter("russia.security_weight")
        ('russia', 'security_weight')
        >>> scenario.agent_parameter("protocol.objection_cost") is None
        True
        >>> scenario.agent_parameter("russia.security")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidModelError: unknown scenario parameter 'russia.security' (did you mean 'russia.security_weight'?); ...
        """
        if isinstance(dotted, str):
            owner, _, parameter = dotted.partition(".")
            if owner == "protocol":
                if dotted in self.parameters():
                    return None
            else:
                for agent in self.agents:
                    if agent.name == owner and parameter in agent.parameters():
                        return owner, parameter
        raise InvalidModelError(self._unknown(dotted))

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


def _coefficient_columns(
    agent: Agent, overrides: Mapping[str, ArrayLike] | None
) -> tuple[NDArray[np.float64], ...]:
    """One coefficient array per term of ``agent``, not broadcast against each
    other (the built-in agent classes keep the columns that do not depend on
    the overrides scalar; other agents give views of their stacked
    coefficients)."""
    if isinstance(agent, ParametricAgent | LinearAgent):
        return agent.coefficient_columns(overrides)
    stacked = np.asarray(agent.coefficients(overrides), dtype=np.float64)
    return tuple(np.moveaxis(stacked, -1, 0))
