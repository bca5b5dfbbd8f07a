"""Agents: parametrised utility functions over the outcomes of an agreement space.

Every agent's utility is *linear in features*: for an agreement space with
outcome feature table ``X`` (agreements, then the status quo) the agent builds
a term matrix ``F = terms(X)`` of shape ``(n_outcomes, n_terms)`` -- products
and selections of features that do not depend on parameters -- and a
coefficient vector ``c(θ)`` that depends only on parameters.  Utilities are
``F @ c(θ)``.  Because :meth:`ParametricAgent.coefficients` broadcasts over
arrays of parameter values, a sweep evaluates millions of parameter points as
one matrix product ``C @ F.T`` without building an agent per point.

The generic agent classes are :class:`ParametricAgent` (documented, bounded
parameters; subclass it and declare its terms, each a :class:`Term` holding
the term's column of ``F`` and its entry of ``c(θ)`` side by side) and
:class:`LinearAgent` (a weighted sum of features, no code).  Scenario files name agent types registered with
:func:`register_agent_type`; the calibrated case registers its own
(:mod:`kurilsim.kuril.agents`) exactly as a user's package would.
"""

from __future__ import annotations

import importlib.metadata
import math
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, ClassVar, Final, Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    InvalidScenarioError,
    KurilsimError,
)
from kurilsim.model.agreements import AgreementSpace
from kurilsim.model.priors import Prior

__all__ = [
    "AGENT_ENTRY_POINT_GROUP",
    "Agent",
    "LinearAgent",
    "ParameterSpec",
    "ParametricAgent",
    "Term",
    "agent_from_dict",
    "agent_type",
    "agent_type_name",
    "parameter",
    "register_agent_type",
    "registered_agent_types",
]

#: Parameter specifications per agent class (computed once).
_SPECS: dict[type, tuple[Any, ...]] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterSpec:
    """Documentation and bounds of one agent parameter.

    Attributes
    ----------
    name, doc, units : str
        The parameter, its meaning and its units.
    default : float
        Default value.
    bounds : tuple of float
        Closed interval of valid values.
    integer : bool
        Whether only integers are valid.
    linear : bool
        Whether utilities are linear (affine) in this parameter, all others
        fixed: then ``utility_gradient`` gives the exact derivative.
    source : str
        The reasoning or source behind the default.
    prior : Prior or None
        What is known about the parameter's value, as a distribution whose
        support lies within ``bounds`` (a ``discrete`` or ``point`` prior on
        integers for an integer parameter); ``None`` when none is declared.
    shared : bool
        Whether the parameter describes the agreement or the world, not the
        agent (default ``False``): every agent of a scenario that declares a
        shared parameter of the same name holds one value.  An agent's
        coefficients see only its own parameters, so a quantity that enters
        several agents' utilities (the size of a package one pays for and the
        other values) is declared by each, marked shared; a
        :class:`~kurilsim.Scenario` then requires the holders to agree,
        sets them together (:meth:`~kurilsim.Scenario.with_params` and
        :meth:`~kurilsim.Scenario.outcome_utilities` given any holder's dotted
        name), and lists the parameter once in
        :meth:`~kurilsim.Scenario.priors` and
        :meth:`~kurilsim.Scenario.free_parameters`, under its canonical name
        (see :meth:`~kurilsim.Scenario.shared_parameters`).
    read_by : str or None
        The solution concept that reads the parameter when no utility term
        does (e.g. ``"pbe"`` for a clause of the pledge game); ``None`` (the
        default) for a parameter of the agent's utility.  A calibration or a
        robustness analysis under another concept holds it fixed: no outcome
        of that concept depends on it.

    Raises
    ------
    InvalidModelError
        If ``prior`` is neither a :class:`~kurilsim.Prior` nor ``None``, or
        does not fit the bounds (the message names the parameter).
    """

    name: str
    doc: str
    units: str
    default: float
    bounds: tuple[float, float]
    integer: bool
    linear: bool
    source: str
    prior: Prior | None = None
    shared: bool = False
    read_by: str | None = None

    def __post_init__(self) -> None:
        _check_prior(self.name, self.prior, self.bounds, self.integer)
        _check_shared(self.name, self.shared)
        _check_read_by(self.name, self.read_by)


def _check_read_by(name: str, read_by: object) -> None:
    """Refuse a ``read_by`` that is not a concept name or None."""
    if read_by is not None and (not isinstance(read_by, str) or not read_by):
        raise InvalidModelError(
            f"read_by of {name} must be a concept's name or None, got "
            f"{reprlib.repr(read_by)}"
        )


def _check_shared(name: str, shared: object) -> None:
    """Refuse a ``shared`` flag that is not a bool."""
    if not isinstance(shared, bool):
        raise InvalidModelError(
            f"shared of {name} must be True or False, got {reprlib.repr(shared)}"
        )


def _check_prior(
    name: str, prior: object, bounds: tuple[float, float], integer: bool
) -> None:
    """Refuse a prior that is not a :class:`Prior` or leaves the bounds."""
    if prior is None:
        return
    if not isinstance(prior, Prior):
        raise InvalidModelError(
            f"the prior of {name} must be a kurilsim.Prior (or None), got "
            f"{reprlib.repr(prior)}"
        )
    prior.check_within(bounds, integer=integer, name=name)


def parameter(
    default: float,
    *,
    doc: str,
    units: str = "utility",
    bounds: tuple[float, float] = (0.0, math.inf),
    integer: bool = False,
    linear: bool = True,
    source: str,
    prior: Prior | None = None,
    shared: bool = False,
    read_by: str | None = None,
) -> Any:
    """A dataclass field for an agent parameter, with its documentation.

    Parameters
    ----------
    default : float
        The value when none is given (the calibrated point).
    doc : str
        What the parameter means.
    units : str, optional
        Its units (default ``"utility"``).
    bounds : tuple of float, optional
        The closed interval of valid values (default ``(0, inf)``).
    integer : bool, optional
        Whether only integers are valid.
    linear : bool, optional
        Whether utilities are affine in the parameter (see
        :meth:`ParametricAgent.utility_gradient`).
    source : str
        The public source or reasoning behind the default.
    prior : Prior, optional
        What is known about the value, as a distribution (see
        :class:`~kurilsim.Prior`): its support must lie within ``bounds``,
        and an integer parameter needs a ``discrete`` or ``point`` prior on
        integers.  :meth:`kurilsim.Scenario.priors` collects these.
    shared : bool, optional
        The parameter describes the agreement or the world, not the agent
        (default ``False``): every agent of a scenario that declares a shared
        parameter of the same name holds one value.  The scenario refuses
        holders with different values (or different priors), sets them all
        when given any holder's dotted name, and lists the parameter once
        among its priors and free parameters (see
        :meth:`kurilsim.Scenario.shared_parameters`).
    read_by : str, optional
        The solution concept that reads the parameter when no utility term
        does (see :attr:`ParameterSpec.read_by`).

    Raises
    ------
    InvalidModelError
        If ``prior`` is not a :class:`~kurilsim.Prior` or does not fit
        ``bounds``, or ``shared`` is not a bool (checked here, when the class
        body runs).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from kurilsim import ParametricAgent, Prior, Term
    >>> from kurilsim.model.agents import parameter
    >>> @dataclass(frozen=True, slots=True, kw_only=True)
    ... class Buyer(ParametricAgent):
    ...     name: str = "buyer"
    ...     thrift: float = parameter(
    ...         1.0, doc="dislike of a high price", source="illustration",
    ...         prior=Prior.lognormal(1.0, 0.5, reasoning="within a factor e"))
    ...     TERMS = (Term(name="price", column=lambda s: s.feature("price.level"),
    ...                   coefficient=lambda p: -p["thrift"]),)
    >>> Buyer.parameter_specs()[0].prior.describe()
    'LogNormal(1, 0.5) on [0, inf]: within a factor e'

    A parameter of the deal rather than of one agent, declared by both sides
    and marked ``shared`` (a scenario holding both keeps them equal):

    >>> @dataclass(frozen=True, slots=True, kw_only=True)
    ... class Seller(ParametricAgent):
    ...     name: str = "seller"
    ...     volume: float = parameter(1.0, doc="units traded", units="units",
    ...                               source="illustration", shared=True)
    ...     TERMS = (Term(name="sale", column=lambda s: s.feature("price.level"),
    ...                   coefficient=lambda p: p["volume"]),)
    >>> Seller.parameter_specs()[0].shared
    True
    >>> parameter(0.5, doc="a share", bounds=(0.0, 1.0), source="illustration",
    ...           prior=Prior.uniform(0, 2, reasoning="r"))
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: the prior of the parameter 'a share', Uniform(0, 2) on [0, 2], has support [0, 2] outside the parameter's bounds [0, 1]
    """
    _check_prior(f"the parameter {doc!r}", prior, bounds, integer)
    _check_shared(f"the parameter {doc!r}", shared)
    _check_read_by(f"the parameter {doc!r}", read_by)
    return field(
        default=default,
        metadata={
            "doc": doc,
            "units": units,
            "bounds": bounds,
            "integer": integer,
            "linear": linear,
            "source": source,
            "prior": prior,
            "shared": shared,
            "read_by": read_by,
        },
    )


@runtime_checkable
class Agent(Protocol):
    """What kurilsim needs from an agent (implement this for your own agents).

    An agent has a ``name`` (its key in a scenario: ``"japan"``), named numeric
    parameters, and a utility that is linear in features of the agreement
    space: ``outcome_utilities(space) == coefficients() @ utility_terms(space).T``.
    Subclassing :class:`ParametricAgent` provides everything except the terms
    and coefficients; :class:`LinearAgent` needs no code at all.
    """

    @property
    def name(self) -> str: ...

    def parameters(self) -> dict[str, float]: ...

    def with_params(self, changes: Mapping[str, float], /) -> Self: ...

    def term_names(self) -> tuple[str, ...]: ...

    def utility_terms(self, space: AgreementSpace) -> NDArray[np.float64]: ...

    def coefficients(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> NDArray[np.float64]: ...

    def to_dict(self) -> dict[str, Any]: ...


def _check_value(owner: str, spec: ParameterSpec, value: Any) -> None:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged sequences and the like
        array = np.asarray(None)
    if not (
        np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidModelError(
            f"{owner}.{spec.name} must be a number ({spec.doc}), got "
            f"{reprlib.repr(value)}"
        )
    low, high = spec.bounds
    bad = ~np.isfinite(array) | (array < low) | (array > high)
    if spec.integer:
        bad |= array != np.round(array)
    if np.any(bad):
        first = (array[bad].ravel()[0] if array.ndim else array).item()
        kind = "an integer" if spec.integer else "a number"
        raise InvalidModelError(
            f"{owner}.{spec.name} must be {kind} in [{low}, {high}] ({spec.units}), "
            f"got {first!r}"
        )


class _LinearInTerms:
    """Utility arithmetic shared by the built-in agent classes.

    A subclass provides :meth:`utility_terms` (outcomes x terms) and
    :meth:`coefficient_columns` (one coefficient per term, unbroadcast);
    utilities are their product.
    """

    __slots__ = ()

    def utility_terms(self, space: AgreementSpace) -> NDArray[np.float64]:
        raise NotImplementedError

    def coefficient_columns(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> tuple[NDArray[np.float64], ...]:
        raise NotImplementedError

    def coefficients(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> NDArray[np.float64]:
        """Coefficients of the terms, broadcast over arrays of parameter values.

        Parameters
        ----------
        overrides : mapping of str to array_like, optional
            Parameter values replacing the agent's own; arrays broadcast
            against each other, giving coefficients of shape
            ``broadcast_shape + (n_terms,)``.
        """
        columns = self.coefficient_columns(overrides)
        # a parameter no term reads still broadcasts (one row per point)
        given = [np.shape(values) for values in (overrides or {}).values()]
        shape = np.broadcast_shapes(*given, *(np.shape(c) for c in columns))
        return np.stack([np.broadcast_to(c, shape) for c in columns], axis=-1)

    def outcome_utilities(
        self, space: AgreementSpace, overrides: Mapping[str, ArrayLike] | None = None
    ) -> NDArray[np.float64]:
        """Utilities of every outcome (agreements, then the status quo last)."""
        result: NDArray[np.float64] = (
            self.coefficients(overrides) @ self.utility_terms(space).T
        )
        return result

    def utilities(self, space: AgreementSpace) -> NDArray[np.float64]:
        """Utility of every agreement of ``space``, shape ``(len(space),)``."""
        return self.outcome_utilities(space)[..., :-1]

    def status_quo_utility(self, space: AgreementSpace) -> float:
        """Utility of the status quo (the last entry of :meth:`outcome_utilities`)."""
        return float(self.outcome_utilities(space)[-1])


def _check_changes(owner: str, changes: object) -> None:
    if not isinstance(changes, Mapping):
        raise InvalidArgumentError(
            f"{owner}.with_params: changes must be a mapping of parameter names to "
            f"values, got {reprlib.repr(changes)}"
        )


def _isfinite(value: Any) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _finite_number(owner: str, what: str, value: Any) -> float:
    """``value`` as a float, or an error naming it if it is not a finite number."""
    if (
        isinstance(value, bool | np.bool_ | np.complexfloating)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not _isfinite(value)
    ):
        raise InvalidModelError(
            f"{owner}: {what} must be a finite number, got {reprlib.repr(value)}"
        )
    return float(value)


#: A term's column: the term over the outcomes of a space (features only).
TermColumn = Callable[[AgreementSpace], NDArray[np.float64]]
#: A term's coefficient: computed from parameter arrays (parameters only).
TermCoefficient = Callable[
    [Mapping[str, NDArray[np.float64]]], "NDArray[np.float64] | float"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One term of a :class:`ParametricAgent`'s utility: its column and coefficient.

    An agent's utility of an outcome is the sum over its terms of
    ``coefficient(parameters) * column(space)[outcome]``.  Declaring both
    halves in one record is what keeps them in step: a term cannot have a
    column without a coefficient, or the other way round.

    Attributes
    ----------
    name : str
        The term's name, unique within the agent (``"treaty"``,
        ``"territory.kunashir"``); :meth:`ParametricAgent.term_names` lists them.
    column : callable
        ``column(space)``: the term over the outcomes of an
        :class:`~kurilsim.AgreementSpace` (agreements, then the status quo
        last), shape ``(len(space) + 1,)``.  Features only: no parameters.
    coefficient : callable
        ``coefficient(p)``: the term's coefficient from the mapping ``p`` of
        parameter name to value.  Parameters only: no features.  The values
        are NumPy arrays that may hold many parameter points (a sweep), so
        use array arithmetic (``np.where``, not ``if``) and let it broadcast.
    doc : str, optional
        What the term measures.

    Raises
    ------
    InvalidModelError
        If ``name`` is not a non-empty string without surrounding whitespace,
        ``column`` or ``coefficient`` is not callable, or ``doc`` is not a string.

    Examples
    --------
    >>> from kurilsim import Term
    >>> treaty = Term(name="treaty", column=lambda space: space.feature("treaty"),
    ...               coefficient=lambda p: p["treaty_value"],
    ...               doc="any treaty at all")
    >>> treaty.name
    'treaty'
    """

    name: str
    column: TermColumn
    coefficient: TermCoefficient
    doc: str = ""

    def __post_init__(self) -> None:
        if (
            not isinstance(self.name, str)
            or not self.name.strip()
            or self.name != self.name.strip()
        ):
            raise InvalidModelError(
                "Term.name must be a non-empty string without surrounding "
                f"whitespace, got {reprlib.repr(self.name)}"
            )
        for role, value in (("column", self.column), ("coefficient", self.coefficient)):
            if not callable(value):
                raise InvalidModelError(
                    f"term {self.name!r}: {role} must be callable, got "
                    f"{reprlib.repr(value)}"
                )
        if not isinstance(self.doc, str):
            raise InvalidModelError(
                f"term {self.name!r}: doc must be a string, got {reprlib.repr(self.doc)}"
            )


def _check_term_declaration(cls: type) -> None:
    """Refuse, when ``cls`` is defined, a ``TERMS`` that is not a tuple of
    uniquely named :class:`Term` records, and the retired two-method style."""
    retired = [name for name in ("_terms", "_coefficients") if name in cls.__dict__]
    if retired:
        raise InvalidModelError(
            f"{cls.__name__} defines {' and '.join(retired)}, which are no longer "
            "used: declare each term with its column and coefficient together, "
            "TERMS = (Term(name=..., column=..., coefficient=...), ...)"
        )
    if "TERMS" not in cls.__dict__:
        return
    declared = cls.__dict__["TERMS"]
    if not isinstance(declared, tuple) or not all(
        isinstance(term, Term) for term in declared
    ):
        raise InvalidModelError(
            f"{cls.__name__}.TERMS must be a tuple of Term records, got "
            f"{reprlib.repr(declared)}"
        )
    seen: set[str] = set()
    for term in declared:
        if term.name in seen:
            raise InvalidModelError(
                f"{cls.__name__}.TERMS declares the term {term.name!r} more than "
                "once; term names must be unique"
            )
        seen.add(term.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParametricAgent(_LinearInTerms):
    """Base class of agents whose parameters are dataclass fields.

    Subclasses declare parameters with :func:`parameter` and their utility
    terms in one place, the class attribute ``TERMS``: a tuple of
    :class:`Term` records, each giving a term's name, its column over the
    outcomes of a space (features only) and its coefficient computed from
    the parameters (parameters only, broadcast over arrays of values).
    :meth:`term_names`, :meth:`utility_terms`, :meth:`coefficients` and
    :meth:`utility_gradient` all derive from it, so a term's column and
    coefficient cannot drift apart.  A subclass of an agent extends its
    terms with ``TERMS = (*Base.TERMS, Term(...))``.

    Term names must be unique: a repeated name raises
    :class:`~kurilsim.InvalidModelError` when the class is defined.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from kurilsim import AgreementSpace, Issue, Term
    >>> from kurilsim.model.agents import ParametricAgent, parameter
    >>> @dataclass(frozen=True, slots=True, kw_only=True)
    ... class Buyer(ParametricAgent):
    ...     name: str = "buyer"
    ...     thrift: float = parameter(1.0, doc="dislike of a high price",
    ...                               source="illustration")
    ...     TERMS = (
    ...         Term(name="price", column=lambda space: space.feature("price.level"),
    ...              coefficient=lambda p: -p["thrift"]),
    ...         Term(name="status_quo",
    ...              column=lambda space: space.feature("status_quo"),
    ...              coefficient=lambda p: 0.0),
    ...     )
    >>> space = AgreementSpace((Issue(name="price", options=("low", "high"),
    ...                               features={"level": (1.0, 2.0)}),))
    >>> Buyer(thrift=2.0).utilities(space)
    array([-2., -4.])
    >>> Buyer().term_names()
    ('price', 'status_quo')
    """

    name: str = ""
    #: The utility terms, each with its column and coefficient (set by subclasses).
    TERMS: ClassVar[tuple[Term, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super(ParametricAgent, cls).__init_subclass__(**kwargs)
        _check_term_declaration(cls)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise InvalidModelError(
                f"{type(self).__name__}.name must be a non-empty string without "
                f"'.', got {self.name!r}"
            )
        for spec in self.parameter_specs():
            value = getattr(self, spec.name)
            try:
                ndim = np.ndim(value)
            except (TypeError, ValueError):  # e.g. a ragged list
                ndim = -1
            if ndim != 0:
                raise InvalidModelError(
                    f"{type(self).__name__}.{spec.name} must be a single number, got "
                    f"{reprlib.repr(value)} (pass arrays of values to coefficients() "
                    "instead)"
                )
            _check_value(type(self).__name__, spec, value)
            if isinstance(value, np.generic):
                object.__setattr__(self, spec.name, value.item())
        self._check_joint(self.parameters())

    # -- parameters -------------------------------------------------------------
    @classmethod
    def parameter_specs(cls) -> tuple[ParameterSpec, ...]:
        """Documentation, default and bounds of every parameter."""
        cached = _SPECS.get(cls)
        if cached is not None:
            return cached
        specs = []
        for item in fields(cls):
            if "doc" not in item.metadata:
                continue
            default = item.default
            assert default is not MISSING
            specs.append(
                ParameterSpec(name=item.name, default=float(default), **item.metadata)
            )
        _SPECS[cls] = tuple(specs)
        return _SPECS[cls]

    def parameters(self) -> dict[str, float]:
        """Current parameter values by name."""
        return {spec.name: getattr(self, spec.name) for spec in self.parameter_specs()}

    def with_params(self, changes: Mapping[str, float], /) -> Self:
        """A copy with some parameters changed (validated).

        Raises
        ------
        InvalidModelError
            If a name is not a parameter (the message lists the valid ones)
            or a value is out of bounds.
        """
        _check_changes(type(self).__name__, changes)
        valid = {spec.name for spec in self.parameter_specs()}
        unknown = sorted(set(changes) - valid, key=str)
        if unknown:
            raise InvalidModelError(
                f"{type(self).__name__} has no parameter {unknown[0]!r}; valid "
                f"parameters are {sorted(valid)}"
            )
        updates: dict[str, Any] = dict(changes)
        return replace(self, **updates)

    def _check_joint(self, values: Mapping[str, NDArray[np.float64] | float]) -> None:
        """Checks that involve several parameters (override when needed)."""

    # -- utilities --------------------------------------------------------------
    def _declared_terms(self) -> tuple[Term, ...]:
        terms = type(self).TERMS
        if not terms:
            raise InvalidModelError(
                f"{type(self).__name__} declares no utility terms: set the class "
                "attribute TERMS = (Term(name=..., column=..., coefficient=...), ...)"
            )
        return terms

    def term_names(self) -> tuple[str, ...]:
        """Names of the utility terms (of ``TERMS``), in the order of columns and
        coefficients.

        Raises
        ------
        InvalidModelError
            If the class declares no terms.
        """
        return tuple(term.name for term in self._declared_terms())

    def utility_terms(self, space: AgreementSpace) -> NDArray[np.float64]:
        """Term matrix over outcomes, shape ``(len(space) + 1, n_terms)``: the
        columns of ``TERMS``.

        Raises
        ------
        InvalidModelError
            If the class declares no terms, or a column has the wrong shape
            (the message names the term).
        """
        expected = (len(space) + 1,)
        columns = []
        for term in self._declared_terms():
            column = np.asarray(term.column(space), dtype=np.float64)
            if column.shape != expected:
                raise InvalidModelError(
                    f"{type(self).__name__}: the column of term {term.name!r} has "
                    f"shape {column.shape}, expected {expected} (one value per "
                    "agreement, then the status quo)"
                )
            columns.append(column)
        return np.stack(columns, axis=1)

    def coefficient_columns(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> tuple[NDArray[np.float64], ...]:
        """The coefficient of each term of ``TERMS``, *not* broadcast: terms
        that do not depend on the overridden parameters stay 0-d (a sweep
        multiplies only the others per point)."""
        terms = self._declared_terms()
        values: dict[str, NDArray[np.float64]] = {}
        overrides = dict(overrides or {})
        specs = {spec.name: spec for spec in self.parameter_specs()}
        unknown = sorted(set(overrides) - set(specs))
        if unknown:
            raise InvalidModelError(
                f"{type(self).__name__} has no parameter {unknown[0]!r}; valid "
                f"parameters are {sorted(specs)}"
            )
        for name, spec in specs.items():
            if name in overrides:
                _check_value(type(self).__name__, spec, overrides[name])
                values[name] = np.asarray(overrides[name], dtype=np.float64)
            else:
                values[name] = np.asarray(getattr(self, name), dtype=np.float64)
        if overrides:
            self._check_joint(values)
        return tuple(
            np.asarray(term.coefficient(values), dtype=np.float64) for term in terms
        )

    def utility_gradient(self, space: AgreementSpace, name: str) -> NDArray[np.float64]:
        """Exact derivative of the outcome utilities in a *linear* parameter.

        Raises
        ------
        InvalidModelError
            If ``name`` is not a parameter in which utilities are linear.
        """
        specs = {spec.name: spec for spec in self.parameter_specs()}
        linear = sorted(n for n, s in specs.items() if s.linear)
        if name not in linear:
            raise InvalidModelError(
                f"{type(self).__name__}: utilities are not linear in {name!r}; "
                f"linear parameters are {linear}"
            )
        # utilities are affine in a linear parameter: U(1) - U(0) is the slope
        slope = self.coefficients({name: 1.0}) - self.coefficients({name: 0.0})
        gradient: NDArray[np.float64] = slope @ self.utility_terms(space).T
        return gradient

    # -- documentation and serialisation ---------------------------------------------
    @classmethod
    def describe(cls) -> str:
        """A plain-text table of the parameters: meaning, units, default, source."""
        lines = [f"{cls.__name__} parameters:"]
        for spec in cls.parameter_specs():
            low, high = spec.bounds
            lines.append(
                f"  {spec.name} = {spec.default:g} [{spec.units}; "
                f"{low:g}..{high:g}]: {spec.doc} ({spec.source})"
            )
            if spec.prior is not None:
                lines.append(f"      prior: {spec.prior.describe()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict: ``type``, ``name`` and every parameter.

        ``type`` is the name the class is registered under (the class name
        for kurilsim's agents; see :func:`register_agent_type`), or
        ``"module:Class"`` for a class that is not registered.
        """
        return {
            "type": agent_type_name(type(self)),
            "name": self.name,
            **self.parameters(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearAgent(_LinearInTerms):
    """A generic agent: a weighted sum of features, with interaction terms.

    Parameters
    ----------
    name : str
        Key of the agent in a scenario.
    weights : mapping of str to float
        Term to weight.  A term is a feature name of the agreement space
        (``"islands.kunashir"``, ``"security=no-us-forces"``, ``"treaty"``) or
        a product of feature names joined by ``"*"`` (an interaction:
        ``"islands.kunashir*security.us_forces_allowed"``).
    status_quo : float, optional
        Utility of the status quo (no treaty); default 0.
    description : str, optional

    Notes
    -----
    Its parameters are ``status_quo`` and ``w[term]`` for each weight, so a
    scenario parameter reads e.g. ``"fishers.w[fisheries.access]"``.

    Examples
    --------
    >>> from kurilsim import LinearAgent, kuril_space
    >>> space = kuril_space()
    >>> hokkaido = LinearAgent(name="hokkaido", weights={
    ...     "islands.habomai": 1.0,
    ...     "islands.habomai*security.demilitarised": -0.2,
    ... })
    >>> deal = space.agreement(islands="H", security="demilitarised", economic="none")
    >>> float(hokkaido.utilities(space)[space.index(deal)])
    0.8
    >>> hokkaido.with_params({"w[islands.habomai]": 2.0}).weights["islands.habomai"]
    2.0
    """

    name: str
    weights: dict[str, float]
    status_quo: float = 0.0
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise InvalidModelError(
                f"LinearAgent.name must be a non-empty string without '.', "
                f"got {self.name!r}"
            )
        if not isinstance(self.weights, Mapping):
            raise InvalidModelError(
                f"LinearAgent {self.name!r}: weights must map terms to numbers, "
                f"got {self.weights!r}"
            )
        owner = f"LinearAgent {self.name!r}"
        if not isinstance(self.description, str):
            raise InvalidModelError(
                f"{owner}: description must be a string, got "
                f"{reprlib.repr(self.description)}"
            )
        weights = {}
        for term, weight in self.weights.items():
            if not isinstance(term, str) or not term or term == "status_quo":
                raise InvalidModelError(
                    f"{owner}: bad term {term!r} (expected a feature name or a "
                    "'*'-product of feature names)"
                )
            weights[term] = _finite_number(owner, f"weight of {term!r}", weight)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(
            self, "status_quo", _finite_number(owner, "status_quo", self.status_quo)
        )

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.weights))))

    def parameters(self) -> dict[str, float]:
        """``status_quo`` and ``w[term]`` for every weighted term."""
        return {
            "status_quo": self.status_quo,
            **{f"w[{term}]": weight for term, weight in self.weights.items()},
        }

    def with_params(self, changes: Mapping[str, float], /) -> Self:
        """A copy with some parameters changed (only existing terms)."""
        _check_changes(f"LinearAgent {self.name!r}", changes)
        valid = self.parameters()
        unknown = sorted(set(changes) - set(valid), key=str)
        if unknown:
            raise InvalidModelError(
                f"LinearAgent {self.name!r} has no parameter {unknown[0]!r}; valid "
                f"parameters are {sorted(valid)}"
            )
        weights = dict(self.weights)
        status_quo = self.status_quo
        for key, value in changes.items():
            if key == "status_quo":
                status_quo = value
            else:
                weights[key[2:-1]] = value
        return replace(self, weights=weights, status_quo=status_quo)

    def term_names(self) -> tuple[str, ...]:
        """The weighted terms, then ``"status_quo"``."""
        return (*self.weights, "status_quo")

    def utility_terms(self, space: AgreementSpace) -> NDArray[np.float64]:
        """Term matrix over outcomes, shape ``(len(space) + 1, n_terms)``."""
        columns = []
        for term in self.weights:
            column = np.ones(len(space) + 1)
            for feature in term.split("*"):
                column = column * space.feature(feature.strip())
            columns.append(column)
        columns.append(space.feature("status_quo"))
        return np.stack(columns, axis=1)

    def coefficient_columns(
        self, overrides: Mapping[str, ArrayLike] | None = None
    ) -> tuple[NDArray[np.float64], ...]:
        """The weights, then the status-quo utility; overridden ones as arrays
        (see :meth:`coefficients` for the broadcast stack)."""
        values = {
            k: np.asarray(v, dtype=np.float64) for k, v in self.parameters().items()
        }
        for key, value in dict(overrides or {}).items():
            if key not in values:
                raise InvalidModelError(
                    f"LinearAgent {self.name!r} has no parameter {key!r}; valid "
                    f"parameters are {sorted(values)}"
                )
            array = np.asarray(value, dtype=np.float64)
            if not np.all(np.isfinite(array)):
                raise InvalidModelError(
                    f"LinearAgent {self.name!r}: {key} must be finite, got {value!r}"
                )
            values[key] = array
        return (*(values[f"w[{term}]"] for term in self.weights), values["status_quo"])

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict."""
        return {
            "type": agent_type_name(type(self)),
            "name": self.name,
            "status_quo": self.status_quo,
            "description": self.description,
            "weights": dict(self.weights),
        }


#: Entry-point group through which an installed package declares agent types:
#: ``[project.entry-points."kurilsim.agents"] name = "package.module:Class"``.
AGENT_ENTRY_POINT_GROUP: Final = "kurilsim.agents"

#: The generic model's own agent types, by the name a scenario file gives as
#: ``type`` (the calibrated Kuril agents register themselves like any user's).
_BUILT_IN: Final[Mapping[str, Callable[..., Any]]] = MappingProxyType(
    {"LinearAgent": LinearAgent}
)

#: Types registered from Python with :func:`register_agent_type` (these take
#: precedence over the built-ins, which they may replace with ``replace=True``).
_REGISTERED: dict[str, Callable[..., Any]] = {}


def _qualified_name(factory: object) -> str:
    module = getattr(factory, "__module__", None)
    qualname = getattr(factory, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str):
        return f"{module}:{qualname}"
    return repr(factory)


def register_agent_type(
    name: str, factory: Callable[..., Agent], *, replace: bool = False
) -> None:
    """Let scenario files name an agent type: ``type = "<name>"`` in ``[[agents]]``.

    A scenario file never imports or calls anything on its own: its agent
    types are looked up among the generic model's built-in type
    (``"LinearAgent"``), the types registered with this function in the
    running Python session (:mod:`kurilsim.kuril` registers ``"Japan"``,
    ``"Russia"`` and ``"UnitedStates"`` this way), and the entry points of the
    group ``"kurilsim.agents"`` declared by installed packages.

    Parameters
    ----------
    name : str
        The type name files use (non-empty, no surrounding whitespace), e.g.
        ``"RussiaWithStraits"``.  Saving an agent whose class is registered
        writes this name, so the file loads again.
    factory : callable
        Called with the table's other keys as keyword arguments (``name`` and
        the parameters); must return an :class:`Agent`.  Usually the agent
        class itself.
    replace : bool, optional
        Allow replacing a built-in type or a different factory already
        registered under ``name``.  Registering a class again under the same
        name, or a redefinition of it (same module and qualified name, as when
        a notebook cell runs again), needs no ``replace``.

    Raises
    ------
    InvalidArgumentError
        If ``name`` is not a non-empty string, ``factory`` is not callable, or
        ``name`` is taken and ``replace`` is false.

    See Also
    --------
    registered_agent_types : the names files may use.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim import Japan
    >>> class Hawk(Japan):
    ...     pass
    >>> kurilsim.register_agent_type("Hawk", Hawk)
    >>> "Hawk" in kurilsim.registered_agent_types()
    True
    >>> Hawk(demand=4).to_dict()["type"]
    'Hawk'
    >>> kurilsim.register_agent_type("Japan", Hawk)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: agent type 'Japan' is already ...
    """
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise InvalidArgumentError(
            "register_agent_type: name must be a non-empty string without "
            f"surrounding whitespace, got {name!r}"
        )
    if not callable(factory):
        raise InvalidArgumentError(
            f"register_agent_type: factory for {name!r} must be callable (an agent "
            f"class or a function returning an agent), got {factory!r}"
        )
    if not isinstance(replace, bool):
        raise InvalidArgumentError(
            f"register_agent_type: replace must be True or False, got {replace!r}"
        )
    current = _REGISTERED.get(name, _BUILT_IN.get(name))
    if (
        current is not None
        and current is not factory
        and not replace
        and (name in _BUILT_IN or _qualified_name(current) != _qualified_name(factory))
    ):
        kind = "a built-in type" if name in _BUILT_IN else "already registered"
        raise InvalidArgumentError(
            f"agent type {name!r} is already {kind} ({_qualified_name(current)}); "
            f"choose another name or pass replace=True to replace it"
        )
    _REGISTERED[name] = factory


def _agent_entry_points() -> tuple[Any, ...]:
    """The entry points of the ``kurilsim.agents`` group (none is loaded)."""
    return tuple(importlib.metadata.entry_points(group=AGENT_ENTRY_POINT_GROUP))


def registered_agent_types() -> tuple[str, ...]:
    """The agent type names scenario files may use, sorted.

    The built-in types, those registered with :func:`register_agent_type`,
    and the names of the entry points of the group ``"kurilsim.agents"``
    (listed without being loaded).

    Examples
    --------
    >>> import kurilsim
    >>> {"Japan", "LinearAgent", "Russia", "UnitedStates"} <= set(
    ...     kurilsim.registered_agent_types())
    True
    """
    names = set(_BUILT_IN) | set(_REGISTERED)
    names |= {point.name for point in _agent_entry_points()}
    return tuple(sorted(names))


def _unknown_type_message(kind: object) -> str:
    hint = (
        " (files cannot name Python objects; if this is your agent class, register "
        f"it under that name with kurilsim.register_agent_type({kind!r}, cls))"
        if isinstance(kind, str) and ":" in kind
        else ""
    )
    return (
        f"unknown agent type {kind!r}{hint}; registered types are "
        f"{list(registered_agent_types())} (add one with "
        "kurilsim.register_agent_type or the 'kurilsim.agents' entry-point group)"
    )


def agent_type(kind: str) -> Callable[..., Any]:
    """The factory registered for the agent type ``kind``.

    Looks in the types registered from Python first, then kurilsim's built-in
    types, then the ``"kurilsim.agents"`` entry points of installed packages
    (loading only the entry point called ``kind``).  Nothing else is imported.

    Raises
    ------
    InvalidScenarioError
        If no type has that name (the message lists the registered types), or
        its entry point cannot be loaded.
    """
    if not isinstance(kind, str):
        got = "none given" if kind is None else f"got {reprlib.repr(kind)}"
        raise InvalidScenarioError(
            f"an agent table needs a string 'type' ({got}); registered types are "
            f"{list(registered_agent_types())}"
        )
    factory = _REGISTERED.get(kind, _BUILT_IN.get(kind))
    if factory is not None:
        return factory
    for point in _agent_entry_points():
        if point.name != kind:
            continue
        try:
            loaded = point.load()
        except Exception as error:  # any failure of a plugin's import
            raise InvalidScenarioError(
                f"agent type {kind!r}: cannot load entry point {point.value!r} of "
                f"group {AGENT_ENTRY_POINT_GROUP!r}: {type(error).__name__}: {error}"
            ) from error
        if not callable(loaded):
            raise InvalidScenarioError(
                f"agent type {kind!r}: entry point {point.value!r} of group "
                f"{AGENT_ENTRY_POINT_GROUP!r} is not callable"
            )
        return loaded  # type: ignore[no-any-return]
    raise InvalidScenarioError(_unknown_type_message(kind))


def agent_type_name(cls: type) -> str:
    """The type name under which agents of class ``cls`` are saved.

    The name ``cls`` is registered under (from Python, built in, or as an
    entry point whose target is ``cls``'s ``module:qualname``); for a class
    that is not registered, ``"module:qualname"``, which a file can only load
    once that name is registered.
    """
    for name, factory in _REGISTERED.items():
        if factory is cls:
            return name
    for name, factory in _BUILT_IN.items():
        if factory is cls and name not in _REGISTERED:
            return name
    qualified = _qualified_name(cls)
    for point in _agent_entry_points():
        if str(point.value).strip() == qualified:
            return str(point.name)
    return qualified


#: Keys of an agent table that are not numeric parameters.
_TEXT_KEYS = frozenset({"type", "name", "description", "weights"})


def agent_from_dict(data: Mapping[str, Any]) -> Agent:
    """Rebuild an agent from :meth:`to_dict` output (e.g. a TOML table).

    ``type`` names a registered agent type (see :func:`register_agent_type`):
    the built-in ``"LinearAgent"``, a type registered from Python (such as the
    Kuril case's ``"Japan"``, ``"Russia"`` and ``"UnitedStates"``), or an
    entry point of the group ``"kurilsim.agents"``.  Its factory is called with the other
    keys as keyword arguments.  No module is imported and nothing is called
    because the data says so.

    Raises
    ------
    InvalidScenarioError
        On a missing or unknown ``type`` (the message lists the registered
        types).
    InvalidModelError
        On unknown parameters or bad values.
    InvalidArgumentError
        If ``data`` is not a mapping.

    Examples
    --------
    >>> from kurilsim.model.agents import agent_from_dict
    >>> agent_from_dict({"type": "Russia", "security_weight": 2.0}).security_weight
    2.0
    >>> agent_from_dict({"type": "os:makedirs", "name": "/tmp/x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidScenarioError: unknown agent type 'os:makedirs' ...
    """
    if not isinstance(data, Mapping):
        raise InvalidArgumentError(
            f"agent_from_dict: data must be a mapping (an agent table), got {data!r}"
        )
    data = dict(data)
    kind = data.pop("type", None)
    factory = agent_type(kind)
    if isinstance(factory, type) and issubclass(factory, ParametricAgent):
        valid = {spec.name for spec in factory.parameter_specs()} | {"name"}
        unknown = sorted(set(map(str, data)) - valid)
        if unknown:
            raise InvalidModelError(
                f"{kind} has no parameter {unknown[0]!r}; valid parameters are "
                f"{sorted(valid - {'name'})}"
            )
    try:
        agent = factory(**data)
    except KurilsimError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise InvalidModelError(
            f"cannot build a {kind} agent from {reprlib.repr(data)}: {error}"
        ) from None
    if not isinstance(agent, Agent):
        raise InvalidModelError(
            f"agent type {kind!r} gave {reprlib.repr(agent)}, which does not "
            "implement the kurilsim.Agent protocol"
        )
    return agent
