"""Scenarios: an agreement space, the agents and the negotiation protocol."""

from __future__ import annotations

import copy
import difflib
import math
import os
import re
import reprlib
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    InvalidScenarioError,
    PriorExcludesValueWarning,
)
from kurilsim.model.agents import Agent, LinearAgent, ParametricAgent
from kurilsim.model.agreements import NO_DEAL, Agreement, AgreementSpace
from kurilsim.model.priors import Prior
from kurilsim.model.protocol import ROLES, NegotiationProtocol

__all__ = ["PriorExcludesValueWarning", "Scenario"]


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
    prior_overrides : mapping of str to Prior, or (name, Prior) pairs, optional
        Priors of this scenario replacing those its agents' parameters
        declare (:meth:`priors` merges the two), by dotted name; numeric
        protocol settings (``"protocol.objection_cost"``,
        ``"protocol.discount.<agent>"``) may have one too.  Usually set with
        :meth:`with_priors` or a scenario file's ``[priors]`` table; stored
        as ``(name, Prior)`` pairs in the order of :meth:`parameter_names`,
        a shared parameter's under its canonical name.
    derived_parameters : mapping of str to mapping, or (name, mapping) pairs, optional
        Agent parameters whose value was derived from a data reference rather
        than given (a scenario file's ``[thresholds]`` table, which reads a
        threshold from a public-opinion poll: see
        :func:`kurilsim.io.scenario_toml.scenario_from_dict`), by dotted name:
        the reference as written in the file plus ``"value"``, the value it
        gave, and ``"note"``, the note recording it.  :meth:`with_params`
        drops a reference, and its note, once a parameter of its party changes
        (the reference reads the party's utilities, so it would no longer give
        the value).  Kept so that :meth:`to_dict` writes the reference back, as long
        as the parameter still has that value.  Stored as ``(name, table)``
        pairs of copies.
    derived_from : str, optional
        The name of the scenario this one was derived from by
        :meth:`with_params` (which sets it), ``""`` (default) for a scenario
        not derived so; see :attr:`base_name`.  :func:`dataclasses.replace`
        keeps it (a renamed copy keeps its origin); pass
        ``derived_from=""`` to make a copy a scenario of its own.

    Raises
    ------
    InvalidScenarioError
        If the holders of a shared parameter hold different values, or
        declare different priors that no prior override of the scenario
        replaces (the message names both).
    InvalidModelError
        On a missing space, agents or protocol (the message names them),
        duplicate agent names, a protocol naming an absent agent or (in an
        objection rule in force) an absent feature, agents whose utilities
        are not finite, or a prior override naming no numeric parameter or
        whose support leaves the parameter's bounds.

    Notes
    -----
    A parameter declared ``shared`` (:func:`kurilsim.model.agents.parameter`)
    describes the agreement or the world, not the agent: every agent that
    declares a shared parameter of the same name holds one value.  Its
    holders' dotted names (``"japan.package_size"``,
    ``"russia.package_size"``) are aliases: :meth:`with_params` and
    :meth:`outcome_utilities` given any of them set every holder, and
    :meth:`priors` and :meth:`free_parameters` list the parameter once, under
    its canonical name (the first holder in agent order; see
    :meth:`shared_parameters`).

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
    prior_overrides: tuple[tuple[str, Prior], ...] = ()
    derived_parameters: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    derived_from: str = ""
    _shared: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    _terms: tuple[NDArray[np.float64], ...] = field(init=False, repr=False)
    _outcome_utilities: NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidModelError(
                f"a Scenario needs a non-empty name, got {self.name!r}"
            )
        for key in ("title", "description", "derived_from"):
            if not isinstance(getattr(self, key), str):
                raise InvalidModelError(
                    f"Scenario.{key} must be a string, got {getattr(self, key)!r}"
                )
        for key in ("name", "title", "derived_from"):  # one line of printable text
            text = getattr(self, key)
            if any(unicodedata.category(c) == "Cc" for c in text):
                raise InvalidModelError(
                    f"Scenario.{key} must be one line without control characters "
                    f"(newlines, tabs, escapes), got {text!r}"
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
        self.protocol.check_agents(names)  # the objection payer and the vetoes
        self.protocol.vetoed_agreements(self.space)  # the veto rules fit the space
        object.__setattr__(self, "_shared", _shared_holders(agents))
        self._check_shared_values(agents)
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
        object.__setattr__(
            self, "prior_overrides", self._checked_priors(self.prior_overrides)
        )
        object.__setattr__(
            self, "derived_parameters", self._checked_derived(self.derived_parameters)
        )

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
            and dict(self.prior_overrides) == dict(other.prior_overrides)
            and dict(self.derived_parameters) == dict(other.derived_parameters)
            and self.derived_from == other.derived_from
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
            is invalid (the message names it), the arrays do not broadcast, or
            two aliases of a shared parameter are given different values.

        Notes
        -----
        A shared parameter (see :meth:`shared_parameters`) given under any
        holder's name is set for every holder.

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> overrides = {"russia.security_weight": np.linspace(0, 3, 7)[:, None],
        ...              "japan.demand": np.array([2, 4])}
        >>> grid = scenario.outcome_utilities(overrides)
        >>> grid.shape
        (7, 2, 3, 39)
        >>> rows = scenario.outcome_utilities(overrides, points_last=True)
        >>> rows.shape, rows.flags.c_contiguous
        ((3, 39, 7, 2), True)
        >>> bool(np.allclose(rows, np.moveaxis(grid, (-2, -1), (0, 1)),
        ...                  rtol=1e-15, atol=1e-15))
        True
        """
        if not overrides:
            return self._outcome_utilities
        overrides = self._expand_shared(overrides, "outcome_utilities")
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
            broadcast = np.broadcast_shapes(*shapes.values())
        except ValueError:
            raise InvalidModelError(
                "the override arrays must broadcast against each other, got the "
                f"shapes {shapes}"
            ) from None
        if points_last:
            return self._points_last(per_agent, broadcast)
        # a parameter no utility term reads still gives every point its row
        rows = [
            agent.coefficients(per_agent.get(agent.name)) @ terms.T
            for agent, terms in zip(self.agents, self._terms, strict=True)
        ]
        shape = np.broadcast_shapes((*broadcast, 1), *(np.shape(r) for r in rows))
        return np.stack([np.broadcast_to(r, shape) for r in rows], axis=-2)

    def _points_last(
        self,
        per_agent: Mapping[str, Mapping[str, ArrayLike]],
        broadcast: tuple[int, ...] = (),
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
            broadcast, *(c.shape for agent in columns.values() for c in agent)
        )
        size = math.prod(shape)
        table = np.empty((len(self.agents), len(self.space) + 1, size))
        for row, (name, terms) in enumerate(
            zip(self.agent_names, self._terms, strict=True)
        ):
            if name not in columns:
                table[row] = self._outcome_utilities[row, :, np.newaxis]
                continue
            if not any(np.ndim(column) for column in columns[name]):
                # no coefficient varies over the points: the utilities of one
                # point, copied to all.  They are computed as a column of a
                # small block of equal points, so that they round as any point
                # of a wider block (a vector product may round differently)
                few = np.repeat(np.stack(columns[name])[:, np.newaxis], 8, axis=1)
                table[row] = (terms @ few)[:, :1]
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
        """The names :meth:`with_params` accepts.

        Every holder's name of a shared parameter is listed (they are aliases
        of one value: see :meth:`shared_parameters`).
        """
        return tuple(self.parameters())

    def shared_parameters(self) -> dict[str, tuple[str, ...]]:
        """The shared parameters held by more than one agent, and their aliases.

        A parameter declared with ``shared=True``
        (:func:`kurilsim.model.agents.parameter`) describes the agreement or
        the world, not an agent; every agent that declares it holds one value.
        Its canonical name is the first holder's (in agent order); the dotted
        names of all holders are aliases, accepted wherever a parameter name
        is (:meth:`with_params`, :meth:`outcome_utilities`,
        :meth:`with_priors`), while :meth:`priors` and :meth:`free_parameters`
        list the parameter once, under its canonical name.

        Returns
        -------
        dict of str to tuple of str
            Canonical name to the names of every holder, the canonical first.

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="s")
        >>> scenario.shared_parameters()
        {'japan.package_size': ('japan.package_size', 'russia.package_size')}
        >>> scenario.with_params({"russia.package_size": 2.0}).agent(
        ...     "japan").package_size
        2.0
        """
        return {group[0]: group for group in self._shared}

    def canonical_name(self, dotted: str) -> str:
        """The name under which :meth:`priors` lists the parameter ``dotted``.

        For an alias of a shared parameter (see :meth:`shared_parameters`),
        the first holder's name; for any other parameter, ``dotted`` itself.

        Raises
        ------
        InvalidModelError
            If ``dotted`` is not a parameter of the scenario (the message
            suggests the closest name).

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="s")
        >>> scenario.canonical_name("russia.package_size")
        'japan.package_size'
        >>> scenario.canonical_name("russia.security_weight")
        'russia.security_weight'
        """
        self.check_parameter_names((dotted,))
        return self._aliases(dotted)[0]

    def _aliases(self, dotted: str) -> tuple[str, ...]:
        """Every name of the parameter ``dotted`` (canonical first)."""
        for group in self._shared:
            if dotted in group:
                return group
        return (dotted,)

    def _expand_shared(
        self, changes: Mapping[str, Any], caller: str
    ) -> dict[str, Any]:
        """``changes`` with a shared parameter's value given to every holder.

        Raises
        ------
        InvalidModelError
            If two aliases of one shared parameter are given different values.
        """
        if not self._shared:
            return dict(changes)
        expanded = dict(changes)
        given: dict[str, str] = {}  # canonical -> the first alias given
        for dotted, value in changes.items():
            group = self._aliases(dotted)
            if len(group) == 1:
                continue
            first = given.setdefault(group[0], dotted)
            if first != dotted and not _same_values(changes[first], value):
                raise InvalidModelError(
                    f"Scenario.{caller}: {first} = {reprlib.repr(changes[first])} "
                    f"and {dotted} = {reprlib.repr(value)} set one shared "
                    f"parameter ({', '.join(group)} are aliases) to different "
                    "values; give one of them"
                )
            for alias in group:
                expanded.setdefault(alias, changes[first])
        return expanded

    def _check_shared_values(self, agents: tuple[Agent, ...]) -> None:
        """Refuse holders of a shared parameter with different values."""
        for group in self._shared:
            values = []
            for dotted in group:
                owner, _, name = dotted.partition(".")
                agent = next(a for a in agents if a.name == owner)
                values.append((dotted, agent.parameters()[name]))
            first, value = values[0]
            for dotted, other in values[1:]:
                if other != value:
                    raise InvalidScenarioError(
                        f"Scenario {self.name!r}: {first} = {value!r} but {dotted} = "
                        f"{other!r}; they are one shared parameter (declared "
                        "shared=True), so every holder must hold the same value "
                        "(set it with Scenario.with_params under either name)"
                    )

    def read_by(self, dotted: str) -> str | None:
        """The concept that alone reads the parameter ``dotted``, if any.

        ``None`` for a parameter of an agent's utility and for a protocol
        setting; else the concept named by the parameter's
        :attr:`~kurilsim.model.agents.ParameterSpec.read_by` (no utility
        depends on it, so only that concept's outcomes can).

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.kuril_scenario(name="s")
        >>> scenario.read_by("japan.article_cost"), scenario.read_by("japan.demand")
        ('pbe', None)
        """
        owner = self.agent_parameter(dotted)
        if owner is None:
            return None
        agent = self.agent(owner[0])
        specs = getattr(type(agent), "parameter_specs", None)
        if specs is None:
            return None
        for spec in specs():
            if spec.name == owner[1]:
                reader: str | None = spec.read_by
                return reader
        return None

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

        A shared parameter (see :meth:`shared_parameters`) given under any
        holder's name is changed for every holder.  The copy's name lists the
        changes, one note records them, and :attr:`derived_from` names the
        scenario they started from (:attr:`base_name`).

        Raises
        ------
        InvalidModelError
            On an unknown name (the message lists the valid ones), an
            invalid value (out of bounds, or not a number: the message names
            the parameter), or two aliases of a shared parameter given
            different values.
        InvalidArgumentError
            If ``changes`` is not a mapping.
        """
        if not isinstance(changes, Mapping):
            raise InvalidArgumentError(
                "Scenario.with_params: changes must be a mapping of dotted parameter "
                f"names to values, got {reprlib.repr(changes)}"
            )
        self.check_parameter_names(changes)
        changes = self._expand_shared(changes, "with_params")
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
        # a derived parameter's reference reads its party's utilities: once any
        # other parameter of that party changes (or it does), the reference no
        # longer gives the value, which then stands as a plain number
        derived, dropped = [], []
        changed: set[str] = set()
        current = self.parameters()
        if self.derived_parameters:
            changed = {
                dotted.split(".", 1)[0]
                for dotted, value in changes.items()
                if not dotted.startswith("protocol.")
                and not _same_values(current.get(dotted), value)
            }
        for name, table in self.derived_parameters:
            if name.split(".", 1)[0] not in changed:
                derived.append((name, table))
            else:
                dropped.append(table.get("note"))  # the note recording it, if any
        notes = tuple(note for note in self.notes if note not in dropped)
        name, notes = self._record_changes(changes, notes, current)
        return replace(
            self, name=name, agents=agents, protocol=protocol,
            derived_parameters=tuple(derived), notes=notes,
            derived_from=self.base_name if name != self.name else self.derived_from,
            prior_overrides=self._annotated_priors(changes, current),
        )

    def _annotated_priors(
        self, changes: Mapping[str, Any], current: Mapping[str, Any]
    ) -> tuple[tuple[str, Prior], ...]:
        """The prior overrides, with a mark on the reasoning of each whose
        parameter ``changes`` moves.  A scenario's own prior was written for
        that scenario: the bundled ones are located at the period's judged
        value and cite the note stating it, a note :meth:`with_params` drops.
        The distribution is kept (it is still the prior); the mark says the
        value has moved and where the prior came from."""
        moved = {
            self.canonical_name(dotted): value for dotted, value in changes.items()
            if dotted in current and not _same_values(current[dotted], value)
        }
        if not moved:
            return self.prior_overrides
        annotated = []
        for dotted, prior in self.prior_overrides:
            canonical = self.canonical_name(dotted)
            if canonical in moved:
                reasoning = prior.reasoning.split(f" [{_PRIOR_NOTE}", 1)[0] + (
                    f" [{_PRIOR_NOTE} {self.base_name!r} (the notes it cites are "
                    f"that scenario's); Scenario.with_params set {canonical} to "
                    f"{_value_text(moved[canonical])} and kept this prior.]"
                )
                prior = replace(prior, reasoning=reasoning)
            annotated.append((dotted, prior))
        return tuple(annotated)

    @property
    def base_name(self) -> str:
        """The name of the scenario this one was derived from by :meth:`with_params`.

        :meth:`with_params` appends each changed parameter to the name
        (``"2018-singapore+russia.pledge_credibility=0.7"``) and records the
        origin in :attr:`derived_from`; this is that origin, or the whole
        name of a scenario not derived so (nothing is parsed out of a name).
        The ``dynamic`` concept enters a scenario in the regime whose bundled
        scenario has this name, and calibration matches record entries by it.

        Examples
        --------
        >>> import kurilsim
        >>> scenario = kurilsim.load_scenario("2018-singapore")
        >>> changed = scenario.with_params({"russia.pledge_credibility": 0.7})
        >>> changed.name, changed.base_name
        ('2018-singapore+russia.pledge_credibility=0.7', '2018-singapore')
        >>> kurilsim.kuril_scenario(name="talks+japan.demand=4").base_name
        'talks+japan.demand=4'
        """
        return self.derived_from or self.name

    def _record_changes(
        self, changes: Mapping[str, Any], notes: tuple[str, ...],
        current: Mapping[str, Any],
    ) -> tuple[str, tuple[str, ...]]:
        """The name and notes of this scenario with ``changes`` applied (its
        parameters before them: ``current``): the changed parameters appended
        to the name, the notes that state their values or the tested outcome
        dropped, one note recording the changes."""
        new = {
            dotted: value for dotted, value in changes.items()
            if not _same_values(current.get(dotted), value)
        }
        if not new:
            return self.name, notes
        merged = bool(self.derived_from) and self.name.startswith(
            self.derived_from + "+"
        )
        if merged:  # the changes so far, as the name lists them after the origin
            base = self.derived_from
            parts = _CHANGE.split(self.name[len(base):])
            recorded = dict(part.split("=", 1) for part in parts[1:] if "=" in part)
        else:  # not derived, or renamed since: the name is kept whole
            base, recorded = self.name, {}
        for dotted, value in new.items():
            key = self._aliases(dotted)[0] if dotted in current else dotted
            recorded.pop(key, None)  # moved to the end, with its new value
            recorded[key] = _value_text(value)
        name = base + "".join(f"+{k}={v}" for k, v in recorded.items())
        stale: set[str] = set()
        for dotted in new:
            stale.update(self._aliases(dotted) if dotted in current else (dotted,))
            if dotted.startswith("protocol.discount."):
                stale.add("protocol.discount")
        kept = tuple(
            note for note in notes
            # an earlier record is merged into the new one, or kept as history
            if (not merged if note.startswith(_DERIVED_NOTE) else
                not any(key in note for key in stale)
                and "outcome" not in note.lower())
        )
        listed = ", ".join(f"{k} = {v}" for k, v in recorded.items())
        record = (
            f"{_DERIVED_NOTE} {base!r} by Scenario.with_params: {listed}.  The notes "
            "of the base scenario that stated these parameters' values or its "
            "tested outcome were dropped (they no longer hold)."
        )
        return name, (*kept, record)

    def _checked_derived(
        self, derived: object
    ) -> tuple[tuple[str, Mapping[str, Any]], ...]:
        """The derived-parameter references as (name, table) pairs (copies)."""
        if isinstance(derived, Mapping):
            pairs = list(derived.items())
        elif isinstance(derived, tuple | list) and all(
            isinstance(pair, tuple | list) and len(pair) == 2 for pair in derived
        ):
            pairs = [(name, table) for name, table in derived]
        else:
            raise InvalidModelError(
                "Scenario.derived_parameters must map dotted parameter names to "
                f"reference tables, got {reprlib.repr(derived)}"
            )
        checked = []
        for name, table in pairs:
            if not isinstance(name, str) or self.agent_parameter(name) is None:
                raise InvalidModelError(
                    f"Scenario.derived_parameters names {name!r}, which is not an "
                    f"agent parameter of scenario {self.name!r}"
                )
            if not isinstance(table, Mapping) or "value" not in table:
                raise InvalidModelError(
                    f"Scenario.derived_parameters[{name!r}] must be a table with "
                    f"the reference and its 'value', got {reprlib.repr(table)}"
                )
            checked.append((name, copy.deepcopy(dict(table))))  # a copy: picklable
        return tuple(checked)

    # -- priors -----------------------------------------------------------------------
    def _parameter_bounds(self, dotted: str) -> tuple[tuple[float, float], bool, bool]:
        """``(bounds, integer, open_low)`` of a numeric parameter, for its prior.

        Agent parameters of a :class:`ParametricAgent` have the bounds of their
        spec; other agents' parameters are unbounded.  Protocol settings: the
        objection cost is >= 0, a discount factor in (0, 1] (``open_low``).
        """
        owner = self.agent_parameter(dotted)
        if owner is None:
            value = self.parameters()[dotted]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidModelError(
                    f"{dotted!r} is not a numeric parameter (it is "
                    f"{reprlib.repr(value)}), so it cannot have a prior"
                )
            if dotted.startswith("protocol.discount."):
                return (0.0, 1.0), False, True
            return (0.0, math.inf), False, False
        agent = self.agent(owner[0])
        if isinstance(agent, ParametricAgent):
            for spec in agent.parameter_specs():
                if spec.name == owner[1]:
                    return spec.bounds, spec.integer, False
        return (-math.inf, math.inf), False, False

    def _checked_priors(self, overrides: object) -> tuple[tuple[str, Prior], ...]:
        """The prior overrides as (name, Prior) pairs in parameter order, checked."""
        if isinstance(overrides, tuple | list | Mapping) and not overrides:
            self._check_shared_priors({})
            return ()
        if isinstance(overrides, Mapping):
            pairs = list(overrides.items())
        else:
            try:
                pairs = [(name, prior) for name, prior in overrides]  # type: ignore[attr-defined]
            except (TypeError, ValueError):
                raise InvalidModelError(
                    "Scenario.prior_overrides must map dotted parameter names to "
                    f"priors, got {reprlib.repr(overrides)}"
                ) from None
        self.check_parameter_names(dict(pairs))
        given: dict[str, Prior] = {}  # by canonical name
        named: dict[str, str] = {}  # canonical -> the alias the prior was given for
        for dotted, prior in dict(pairs).items():
            if not isinstance(prior, Prior):
                raise InvalidModelError(
                    f"the prior of {dotted} must be a kurilsim.Prior, got "
                    f"{reprlib.repr(prior)}"
                )
            canonical = self._aliases(dotted)[0]
            if canonical in given and given[canonical] != prior:
                raise InvalidScenarioError(
                    f"Scenario {self.name!r}: the priors of {named[canonical]} "
                    f"({_label(given[canonical])}) and {dotted} ({_label(prior)}) "
                    "differ, but they are one shared parameter; give one prior"
                )
            given[canonical] = prior
            named.setdefault(canonical, dotted)
        for canonical, prior in given.items():
            for dotted in self._aliases(canonical):  # within every holder's bounds
                bounds, integer, open_low = self._parameter_bounds(dotted)
                prior.check_within(bounds, integer=integer, name=dotted)
                if open_low and prior.support[0] <= bounds[0]:
                    raise InvalidModelError(
                        f"the prior of {dotted}, {prior.label()}, reaches "
                        f"{prior.support[0]:g}; {dotted} must be > {bounds[0]:g}"
                    )
        self._check_shared_priors(given)
        return tuple(
            (dotted, given[dotted]) for dotted in self.parameter_names() if dotted in given
        )

    def _declared_prior(self, dotted: str) -> Prior | None:
        """The prior the agent's spec declares for ``dotted`` (None: none)."""
        owner, _, name = dotted.partition(".")
        agent = self.agent(owner)
        if isinstance(agent, ParametricAgent):
            for spec in agent.parameter_specs():
                if spec.name == name:
                    return spec.prior
        return None

    def _check_shared_priors(self, overridden: Mapping[str, Prior]) -> None:
        """Refuse holders of a shared parameter declaring different priors,
        unless the scenario gives the parameter its own prior."""
        for group in self._shared:
            if group[0] in overridden:
                continue
            first = self._declared_prior(group[0])
            for dotted in group[1:]:
                other = self._declared_prior(dotted)
                if other != first:
                    raise InvalidScenarioError(
                        f"Scenario {self.name!r}: {group[0]} declares the prior "
                        f"{_label(first)} but {dotted} declares {_label(other)}; "
                        "they are one shared parameter, so give it one prior "
                        f"(Scenario(..., prior_overrides={{{group[0]!r}: ...}}) or "
                        "a [priors] table of a scenario file)"
                    )

    def priors(self) -> dict[str, Prior]:
        """The prior of every parameter that has one, by dotted name.

        The priors the agents' parameters declare
        (:attr:`~kurilsim.model.agents.ParameterSpec.prior`), replaced by
        the scenario's own (:attr:`prior_overrides`: from :meth:`with_priors`
        or a scenario file's ``[priors]`` table), in the order of
        :meth:`parameter_names`.  A parameter with no prior is left out, and a
        shared parameter (see :meth:`shared_parameters`) is listed once, under
        its canonical name.

        Examples
        --------
        >>> from kurilsim import (AgreementSpace, Issue, LinearAgent,
        ...                       NegotiationProtocol, Prior, Scenario)
        >>> scenario = Scenario(
        ...     name="sale",
        ...     space=AgreementSpace((Issue(name="price", options=("low", "high"),
        ...                                 features={"level": (1.0, 2.0)}),)),
        ...     agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
        ...             LinearAgent(name="seller", weights={"price.level": 2.0})),
        ...     protocol=NegotiationProtocol(proposer="buyer", responder="seller"))
        >>> scenario.priors()
        {}
        >>> scenario = scenario.with_priors({
        ...     "seller.w[price.level]": Prior.uniform(1, 3, reasoning="r"),
        ...     "protocol.discount.buyer": Prior.beta(9, 1, low=0.5, high=1,
        ...                                        reasoning="patient")})
        >>> for name, prior in scenario.priors().items():
        ...     print(name, prior.label())
        seller.w[price.level] Uniform(1, 3) on [1, 3]
        protocol.discount.buyer Beta(9, 1) on [0.5, 1]
        """
        aliases = {alias for group in self._shared for alias in group[1:]}
        found: dict[str, Prior] = {}
        for agent in self.agents:
            if isinstance(agent, ParametricAgent):
                for spec in agent.parameter_specs():
                    dotted = f"{agent.name}.{spec.name}"
                    if spec.prior is not None and dotted not in aliases:
                        found[dotted] = spec.prior
        found.update(self.prior_overrides)
        return {name: found[name] for name in self.parameter_names() if name in found}

    def with_priors(self, priors: Mapping[str, Prior | Mapping[str, Any]], /) -> Scenario:
        """A copy whose priors of the named parameters are replaced.

        Parameters
        ----------
        priors : mapping of str to Prior
            Dotted parameter name (as :meth:`with_params` takes) to its new
            prior, a :class:`~kurilsim.Prior` or its :meth:`~kurilsim.Prior.to_dict`
            table.  Agent parameters and the numeric protocol settings
            (``"protocol.objection_cost"``, ``"protocol.discount.<agent>"``)
            may have priors; the others are kept.  A prior given under any
            alias of a shared parameter applies to every holder (it is
            stored under the canonical name: see :meth:`shared_parameters`).

        Raises
        ------
        InvalidModelError
            On an unknown name (the message suggests the closest valid one),
            a setting that is not numeric, a value that is not a prior, or a
            prior whose support leaves the parameter's bounds (or that is not
            discrete on integers, for an integer parameter), or two aliases of
            a shared parameter given different priors.
        InvalidArgumentError
            If ``priors`` is not a mapping.

        Warns
        -----
        PriorExcludesValueWarning
            If a prior excludes the parameter's value in this scenario (the
            value lies outside its support, or is not one of a discrete
            prior's values).

        Notes
        -----
        The scenario's value is usually the point estimate the prior describes
        the uncertainty around, so a prior given here (or in a scenario file's
        ``[priors]`` table) that excludes it is most likely a mistake; it may
        be meant (a robustness analysis or a calibration draws from the prior,
        not the point), hence a warning, not an error.  :meth:`with_params`
        may later move a value outside its prior without a warning: a sweep
        or a what-if explores values the prior does not expect.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim import Prior
        >>> scenario = kurilsim.kuril_scenario(name="s").with_priors(
        ...     {"protocol.objection_cost": Prior.lognormal(0.2, 0.5, reasoning="r")})
        >>> scenario.priors()["protocol.objection_cost"].label()
        'LogNormal(0.2, 0.5) on [0, inf]'
        >>> scenario.with_priors({"protocol.discount.japan": Prior.uniform(
        ...     0, 1, reasoning="r")})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidModelError: the prior of protocol.discount.japan, Uniform(0, 1) on [0, 1], reaches 0; protocol.discount.japan must be > 0
        """
        if not isinstance(priors, Mapping):
            raise InvalidArgumentError(
                "Scenario.with_priors: priors must be a mapping of dotted parameter "
                f"names to priors, got {reprlib.repr(priors)}"
            )
        self.check_parameter_names(priors)
        changes: dict[str, Any] = {}  # by canonical name
        for name, value in priors.items():
            prior = Prior.from_dict(value) if isinstance(value, Mapping) else value
            canonical = self._aliases(name)[0]
            if canonical in changes and changes[canonical] != prior:
                raise InvalidModelError(
                    f"Scenario.with_priors: {name} is an alias of {canonical} (one "
                    "shared parameter), given a different prior; give one prior"
                )
            changes[canonical] = prior
        merged = {**dict(self.prior_overrides), **changes}
        scenario = replace(self, prior_overrides=tuple(merged.items()))  # checks them
        values = self.parameters()
        for canonical, prior in changes.items():
            value = values[canonical]
            if (
                isinstance(prior, Prior)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and not _admits(prior, value)
            ):
                warnings.warn(
                    f"Scenario.with_priors: the prior of {canonical}, "
                    f"{prior.label()}, excludes its value {value!r} in scenario "
                    f"{self.name!r}; set a value the prior admits first "
                    "(with_params) if the prior describes that value's uncertainty",
                    PriorExcludesValueWarning,
                    stacklevel=2,
                )
        return scenario

    def free_parameters(self) -> tuple[str, ...]:
        """The dotted names whose prior is not a point, in parameter order.

        These are the parameters a robustness analysis varies and a
        calibration infers; a parameter without a prior, or with a
        :meth:`~kurilsim.Prior.point` prior (a normalisation), is not free.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim import Prior
        >>> scenario = kurilsim.kuril_scenario(name="s").with_priors({
        ...     "protocol.objection_cost": Prior.uniform(0, 1, reasoning="r"),
        ...     "protocol.discount.japan": Prior.point(0.9, reasoning="r")})
        >>> "protocol.objection_cost" in scenario.free_parameters()
        True
        >>> "protocol.discount.japan" in scenario.free_parameters()
        False
        """
        return tuple(
            name for name, prior in self.priors().items() if not prior.is_point
        )

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

    def agreement_label(
        self, agreement: Agreement | int | None, *, varying: Collection[str] = ()
    ) -> str:
        """The readable label of an agreement, with its parameters' values.

        An option label may name a parameter of the scenario in braces (e.g.
        ``"package of {japan.package_size} x Nagato"``) where the option's
        meaning depends on an agent's or the protocol's value rather than on
        the space; ``str(agreement)`` shows the placeholder, this the value
        in this scenario (3 significant digits).  Braces that name no
        parameter are left as written.

        Parameters
        ----------
        agreement : Agreement, int or None
            An agreement of the space, its index, or ``None`` / ``NO_DEAL``
            (``-1``) for no deal.
        varying : collection of str, optional
            Dotted names of parameters whose value is not one number where
            the label is shown (the axes of a sweep, the parameters a prior
            draws): their placeholders stay as written.  Aliases of a shared
            parameter count as the parameter.

        Returns
        -------
        str
            ``str(agreement)`` with the placeholders filled; ``"no deal"``
            for no deal.

        Raises
        ------
        InvalidArgumentError
            If ``agreement`` is neither an agreement nor an index of the
            space (nor ``None`` / ``NO_DEAL``).

        Examples
        --------
        >>> from kurilsim import (AgreementSpace, Issue, LinearAgent,
        ...                       NegotiationProtocol, Scenario)
        >>> space = AgreementSpace((Issue(
        ...     name="price", options=("low", "high"),
        ...     labels=("low price", "{seller.status_quo} above cost"),
        ...     features={"level": (1.0, 2.0)}),))
        >>> scenario = Scenario(
        ...     name="sale", space=space,
        ...     agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
        ...             LinearAgent(name="seller", weights={"price.level": 1.0},
        ...                         status_quo=1.25)),
        ...     protocol=NegotiationProtocol(proposer="buyer", responder="seller"))
        >>> str(space[1]), scenario.agreement_label(1)
        ('{seller.status_quo} above cost', '1.25 above cost')
        >>> scenario.agreement_label(1, varying=["seller.status_quo"])
        '{seller.status_quo} above cost'
        >>> scenario.agreement_label(None)
        'no deal'
        """
        if agreement is None or (
            isinstance(agreement, int | np.integer)
            and not isinstance(agreement, bool)
            and agreement == NO_DEAL
        ):
            return "no deal"
        if isinstance(agreement, int | np.integer) and not isinstance(agreement, bool):
            if not 0 <= agreement < len(self.space):
                raise InvalidArgumentError(
                    f"Scenario.agreement_label: index {int(agreement)} is not an "
                    f"agreement of {self.name!r} (0 to {len(self.space) - 1}, or "
                    f"NO_DEAL)"
                )
            agreement = self.space[int(agreement)]
        if not isinstance(agreement, Agreement):
            raise InvalidArgumentError(
                "Scenario.agreement_label: expected an Agreement, its index or "
                f"None, got {reprlib.repr(agreement)}"
            )
        text = str(agreement)
        if "{" not in text:
            return text
        values = self.parameters()
        if isinstance(varying, str):
            varying = (varying,)
        kept = {alias for name in varying if name in values for alias in self._aliases(name)}

        def fill(match: re.Match[str]) -> str:
            if match.group(1) in kept:
                return match.group(0)
            value = values.get(match.group(1))
            if isinstance(value, bool) or not isinstance(value, int | float):
                return match.group(0)
            return f"{value:.3g}"

        return _PLACEHOLDER.sub(fill, text)

    def _placeholder_note(self) -> str:
        """What the parameter placeholders in the option labels stand for
        (``""`` if there are none): e.g. ``{japan.package_size} stands for
        that parameter's value (here 1) ...``."""
        values = self.parameters()
        named = []
        for issue in self.space.issues:
            for label in issue.labels:
                for name in _PLACEHOLDER.findall(label):
                    if name in values and name not in named:
                        named.append(name)
        if not named:
            return ""
        here = ", ".join(  # as the labels write it (3 significant digits)
            f"{{{name}}} = {_placeholder_value(values[name])}" for name in named
        )
        return (
            f"a parameter in braces in an option's label stands for that "
            f"parameter's value, here {here}; an outcome's label writes the "
            "value, and keeps the braces where the value varies (a sweep's "
            "axis, a prior's draws)"
        )

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
        placeholders = self._placeholder_note()
        if placeholders:
            lines.append(f"  ({placeholders})")
        priors = self.priors()
        if priors:
            lines += ["", "Priors:"]
            lines += [f"  {name}: {prior.describe()}" for name, prior in priors.items()]
        if self.notes:
            lines += ["", "Notes:"] + [f"  - {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The scenario as an HTML table for notebooks (every text escaped): its
        agents, protocol and issues, with the parameters, priors and notes in
        collapsed sections."""
        from kurilsim._html import bullets, details, paragraph, table, view

        protocol = self.protocol
        roles = [f"{role} {getattr(protocol, role)}" for role in ROLES
                 if getattr(protocol, role, "")]
        rows: list[list[object]] = [
            ["agents", ", ".join(self.agent_names)],
            ["protocol", "; ".join(roles) or "-"],
            ["agreements", len(self.space)],
        ]
        rows += [[f"issue {issue.name}", ", ".join(issue.labels)]
                 for issue in self.space.issues]
        placeholders = self._placeholder_note()
        if placeholders:
            rows.append(["placeholders", placeholders])
        caption = f"Scenario {self.name}" + (f": {self.title}" if self.title else "")
        parameters = self.parameters()
        parts: list[object] = [table(rows, caption=caption, row_headers=True)]
        if self.description:
            parts.append(paragraph(self.description.strip(), small=True))
        parts.append(details(
            f"{len(parameters)} parameters",
            table(([name, _value_text(value)] for name, value in parameters.items()),
                  header=["parameter", "value"]),
        ))
        priors = self.priors()
        if priors:
            parts.append(details(
                f"{len(priors)} priors",
                table(([name, prior.describe()] for name, prior in priors.items()),
                      header=["parameter", "prior"]),
            ))
        if self.notes:
            parts.append(details(f"{len(self.notes)} notes", bullets(self.notes)))
        return view(*parts)


def _shared_holders(agents: tuple[Agent, ...]) -> tuple[tuple[str, ...], ...]:
    """The dotted names of the holders of each shared parameter held by more
    than one agent, in agent order (the first is the canonical name)."""
    holders: dict[str, list[str]] = {}
    for agent in agents:
        if isinstance(agent, ParametricAgent):
            for spec in agent.parameter_specs():
                if spec.shared:
                    holders.setdefault(spec.name, []).append(f"{agent.name}.{spec.name}")
    return tuple(tuple(group) for group in holders.values() if len(group) > 1)


def _same_values(first: Any, second: Any) -> bool:
    """Whether two override values (numbers or arrays) are equal throughout."""
    if first is second:
        return True
    try:
        return bool(np.array_equal(np.asarray(first), np.asarray(second)))
    except (TypeError, ValueError):
        return False


#: Where a parameter change recorded by :meth:`Scenario.with_params` starts in
#: a scenario's name: ``+`` before a dotted name and ``=``.
_CHANGE = re.compile(r"\+(?=[A-Za-z_][\w]*(?:\.[\w]+)+=)")

#: How the note recording :meth:`Scenario.with_params`'s changes starts.
_DERIVED_NOTE = "Derived from scenario"
#: How :meth:`Scenario.with_params` marks the reasoning of a scenario's own
#: prior whose parameter it changed.
_PRIOR_NOTE = "This prior was written for scenario"


def _value_text(value: Any) -> str:
    """A parameter value as written in a derived scenario's name: numbers in
    their shortest round-trip form."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _placeholder_value(value: Any) -> str:
    """A parameter's value as :meth:`Scenario.agreement_label` writes it."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    return f"{value:.3g}"


#: A parameter named in an option label: ``{japan.package_size}``.
_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


def _label(prior: Prior | None) -> str:
    return "none" if prior is None else prior.label()


def _admits(prior: Prior, value: float) -> bool:
    """Whether ``value`` lies in the support of ``prior`` (for a discrete prior:
    is one of its values)."""
    if prior.family == "discrete":
        return float(value) in prior.param("values")  # type: ignore[operator]
    low, high = prior.support
    return low <= value <= high


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
