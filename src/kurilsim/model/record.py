"""Observations of what happened: the data a model is calibrated against.

A :class:`Record` lists dated, sourced observations about scenarios.  Each
observation is a predicate on what the model says at a parameter point, and
is checked for many points at once (vectorised over the last axis):

:class:`ObservedOutcome`
    the outcome of the scenario (under the concept being calibrated) was no
    deal, or a deal in a set of agreements;
:class:`ObservedPreference`
    an agent prefers some (or every) agreement of a set to the status quo,
    or the status quo to every (or some) agreement of a set, or one set to
    another.

Sets of agreements are written as feature rules (:class:`AgreementSet`,
``"islands.count==2 & security.us_forces_allowed==0"``), not as lists of
indices, so that an observation keeps its meaning when the agreement space
gains issues or options.  Nothing here names a particular dispute; the data
of a case live with the case (for the Kuril case,
:func:`kurilsim.kuril.record.kuril_record`).

Examples
--------
>>> import numpy as np
>>> from kurilsim import AgreementSpace, Issue
>>> from kurilsim.model.record import AgreementSet, Citation, ObservedPreference
>>> space = AgreementSpace([Issue(name="price", options=["low", "mid", "high"],
...                               features={"level": [1.0, 2.0, 3.0]})])
>>> AgreementSet("price.level>=2").indices(space)
array([1, 2])
>>> source = Citation(author="A. Author", title="A history", year=1999, locator="p. 1")
>>> seller_refuses_low = ObservedPreference(
...     scenario="sale", date="1999-01-01", description="the seller refused",
...     source=source, agent="seller", prefers=None,
...     to=AgreementSet("price.level<2"), quantifier="every")
>>> seller_refuses_low.describe_predicate()
'seller prefers the status quo to every agreement with price.level<2'
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
import reprlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.model.agreements import NO_DEAL, AgreementSpace

__all__ = [
    "AgreementSet",
    "Citation",
    "Observation",
    "ObservedOutcome",
    "ObservedPreference",
    "Record",
]

#: Comparison operators of a feature rule, longest first (for the parser).
_OPERATORS: Final[dict[str, Callable[[NDArray[np.float64], float], NDArray[np.bool_]]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}

_CLAUSE: Final = re.compile(
    r"^\s*(?P<feature>[A-Za-z_][\w.=+\-]*?)\s*"
    r"(?:(?P<op>==|!=|<=|>=|<|>)\s*(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))?"
    r"\s*$"
)

#: Features are compared with this absolute tolerance (they are stored as floats).
_FEATURE_TOL: Final = 1e-9


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{what} must be a non-empty string, got {value!r}")
    return value


# -- sources ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """A public source a reader can check.

    Attributes
    ----------
    author : str
        Author(s) or issuing body ("Ministry of Foreign Affairs of Japan").
    title : str
        Title of the work or document.
    year : int
        Year of publication.
    locator : str
        Where in it: page(s), chapter, document or article number.
    url : str, optional
        A stable address, when there is one.

    Examples
    --------
    >>> from kurilsim.model.record import Citation
    >>> str(Citation(author="K. Togo", title="The inside story", year=2005,
    ...              locator="pp. 33-35"))
    'K. Togo, The inside story (2005), pp. 33-35'
    """

    author: str
    title: str
    year: int
    locator: str
    url: str = ""

    def __post_init__(self) -> None:
        _text(self.author, "Citation.author")
        _text(self.title, "Citation.title")
        _text(self.locator, "Citation.locator")
        if not isinstance(self.url, str):
            raise InvalidArgumentError(f"Citation.url must be a string, got {self.url!r}")
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not (
            1000 <= self.year <= 9999
        ):
            raise InvalidArgumentError(
                f"Citation.year must be a four-digit integer, got {self.year!r}"
            )

    def __str__(self) -> str:
        url = f" <{self.url}>" if self.url else ""
        return f"{self.author}, {self.title} ({self.year}), {self.locator}{url}"


# -- sets of agreements ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AgreementSet:
    """The agreements of a space that satisfy a feature rule.

    The rule is a conjunction of clauses joined by ``&``; each clause is a
    feature of the space (``"issue.feature"``, ``"issue=option"`` or
    ``"treaty"``, see :meth:`AgreementSpace.feature`), alone (the feature is
    > 0) or compared with a number by ``==``, ``!=``, ``<``, ``<=``, ``>``
    or ``>=`` (equality within 1e-9).  Rules are parsed, never evaluated as
    code.

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> from kurilsim.model.record import AgreementSet
    >>> space = AgreementSpace([
    ...     Issue(name="price", options=["low", "high"], features={"level": [1.0, 2.0]}),
    ...     Issue(name="delivery", options=["slow", "fast"])])
    >>> AgreementSet("price.level==2 & delivery=fast").indices(space)
    array([3])
    >>> AgreementSet("price.margin>0").indices(space)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: agreement set 'price.margin>0': no feature 'price.margin' ...
    """

    rule: str
    _clauses: tuple[tuple[str, str, float], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        rule = _text(self.rule, "AgreementSet.rule")
        clauses = []
        for part in rule.split("&"):
            match = _CLAUSE.match(part)
            if match is None:
                raise InvalidArgumentError(
                    f"agreement set {rule!r}: cannot read the clause {part.strip()!r}; "
                    "expected 'feature', or 'feature OP number' with OP one of "
                    f"{', '.join(_OPERATORS)}, clauses joined by '&'"
                )
            op = match["op"] or ">"
            value = float(match["value"]) if match["value"] is not None else 0.0
            clauses.append((match["feature"], op, value))
        object.__setattr__(self, "_clauses", tuple(clauses))

    @property
    def features(self) -> tuple[str, ...]:
        """The features the rule reads."""
        return tuple(feature for feature, _, _ in self._clauses)

    def mask(self, space: AgreementSpace) -> NDArray[np.bool_]:
        """Which agreements of ``space`` are in the set (a boolean array).

        Raises
        ------
        InvalidModelError
            If the rule names a feature ``space`` lacks (the message names the
            rule and the feature).
        """
        if not isinstance(space, AgreementSpace):
            raise InvalidArgumentError(
                f"space must be an AgreementSpace, got {reprlib.repr(space)}"
            )
        selected = np.ones(len(space), dtype=bool)
        for feature, op, value in self._clauses:
            try:
                column = space.feature(feature)[:-1]
            except InvalidModelError as error:
                raise InvalidModelError(f"agreement set {self.rule!r}: {error}") from None
            if op == "==":
                selected &= np.abs(column - value) <= _FEATURE_TOL
            elif op == "!=":
                selected &= np.abs(column - value) > _FEATURE_TOL
            else:
                selected &= _OPERATORS[op](column, value)
        return selected

    def indices(self, space: AgreementSpace) -> NDArray[np.intp]:
        """The indices of the agreements of ``space`` in the set."""
        found: NDArray[np.intp] = np.flatnonzero(self.mask(space))
        return found

    def __str__(self) -> str:
        return self.rule


def _check_nonempty(rule: AgreementSet, space: AgreementSpace, description: str) -> None:
    """Raise if ``rule`` names a feature ``space`` lacks or selects no agreement
    of it (the observation could then never be reproduced: a typo in the rule)."""
    if not rule.mask(space).any():
        raise InvalidModelError(
            f"observation {description!r}: agreement set {rule.rule!r} selects no "
            f"agreement of the space ({len(space)} agreements), so the observation "
            "can never be reproduced; check the rule"
        )


def _as_set(value: AgreementSet | str | None, what: str) -> AgreementSet | None:
    if value is None or isinstance(value, AgreementSet):
        return value
    if isinstance(value, str):
        return AgreementSet(value)
    raise InvalidArgumentError(
        f"{what} must be an AgreementSet, a rule string or None (the status quo), "
        f"got {reprlib.repr(value)}"
    )


def _as_date(value: object, what: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgumentError(
        f"{what} must be a date or an ISO date string 'YYYY-MM-DD', got {value!r}"
    )


# -- observations ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class _Base:
    scenario: str
    date: _dt.date
    description: str
    source: Citation

    def _check_base(self) -> None:
        _text(self.scenario, f"{type(self).__name__}.scenario")
        _text(self.description, f"{type(self).__name__}.description")
        object.__setattr__(self, "date", _as_date(self.date, f"{type(self).__name__}.date"))
        if not isinstance(self.source, Citation):
            raise InvalidArgumentError(
                f"{type(self).__name__}.source must be a Citation, got "
                f"{reprlib.repr(self.source)}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedOutcome(_Base):
    """The observed outcome of a scenario: no deal, or a deal in a set.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    date : datetime.date
        When (an ISO string is converted).
    description : str
        What happened, in a sentence.
    source : Citation
    deal : AgreementSet or None
        The agreements the observed deal is among, or None for no deal (a
        rule string is converted).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import AgreementSpace, Issue
    >>> from kurilsim.model.record import Citation, ObservedOutcome
    >>> space = AgreementSpace([Issue(name="price", options=["low", "high"])])
    >>> nothing = ObservedOutcome(scenario="sale", date="2001-05-01",
    ...     description="no sale", source=Citation(author="A", title="T",
    ...     year=2001, locator="p. 2"), deal=None)
    >>> codes = np.array([-1, 0, 1])  # no deal, low, high at three points
    >>> nothing.reproduced(space, ("buyer",), np.zeros((1, 3, 3)), codes)
    array([ True, False, False])
    """

    deal: AgreementSet | None = None

    def __post_init__(self) -> None:
        self._check_base()
        object.__setattr__(self, "deal", _as_set(self.deal, "ObservedOutcome.deal"))

    def check(self, space: AgreementSpace, agents: Sequence[str]) -> None:
        """Raise if the observation does not fit a scenario with this space
        and these agents (an unknown feature: :class:`InvalidModelError`)."""
        if self.deal is not None:
            _check_nonempty(self.deal, space, self.description)

    def reproduced(
        self,
        space: AgreementSpace,
        agents: Sequence[str],
        utilities: NDArray[np.float64],
        codes: NDArray[np.intp],
    ) -> NDArray[np.bool_]:
        """Whether the model reproduces the observation at each of ``m`` points.

        Parameters
        ----------
        space : AgreementSpace
        agents : sequence of str
            The agents, in the order of the rows of ``utilities``.
        utilities : ndarray
            ``(n_agents, len(space) + 1, m)``: utilities of each outcome (the
            status quo last) at each point.
        codes : ndarray of int
            ``(m,)``: the agreement reached at each point (``NO_DEAL``: none).
        """
        if self.deal is None:
            result: NDArray[np.bool_] = codes == NO_DEAL
            return result
        return np.isin(codes, self.deal.indices(space))

    def describe_predicate(self) -> str:
        """The observation as a sentence about the model."""
        if self.deal is None:
            return f"{self.scenario}: no deal"
        return f"{self.scenario}: a deal with {self.deal}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedPreference(_Base):
    """An observed offer, acceptance or refusal: an agent's preference.

    ``prefers`` and ``to`` are each a set of agreements or None, the status
    quo (not both None).  ``quantifier`` applies to the set that is compared
    with the status quo; between two sets, to ``prefers``, each of whose
    agreements is then compared with every agreement of ``to``:

    * ``prefers=S, to=None``: the agent strictly prefers some (every)
      agreement of S to the status quo -- an offer or an acceptance;
    * ``prefers=None, to=S``: the agent strictly prefers the status quo to
      every (some) agreement of S -- a refusal;
    * ``prefers=S, to=T``: some (every) agreement of S is strictly preferred
      to every agreement of T.

    An empty set makes "some" false and "every" true (in the space at hand).

    Attributes
    ----------
    scenario, date, description, source
        As for :class:`ObservedOutcome`.
    agent : str
        Whose preference.
    prefers, to : AgreementSet or None
        Rule strings are converted.
    quantifier : {"some", "every"}
    """

    agent: str
    prefers: AgreementSet | None
    to: AgreementSet | None = None
    quantifier: Literal["some", "every"] = "some"

    def __post_init__(self) -> None:
        self._check_base()
        _text(self.agent, "ObservedPreference.agent")
        object.__setattr__(
            self, "prefers", _as_set(self.prefers, "ObservedPreference.prefers")
        )
        object.__setattr__(self, "to", _as_set(self.to, "ObservedPreference.to"))
        if self.prefers is None and self.to is None:
            raise InvalidArgumentError(
                "ObservedPreference needs a set of agreements in prefers or to "
                "(None stands for the status quo, which cannot be on both sides)"
            )
        if self.quantifier not in ("some", "every"):
            raise InvalidArgumentError(
                f"ObservedPreference.quantifier must be 'some' or 'every', got "
                f"{self.quantifier!r}"
            )

    def check(self, space: AgreementSpace, agents: Sequence[str]) -> None:
        """Raise if the observation does not fit a scenario with this space
        and these agents (an unknown agent or feature:
        :class:`InvalidModelError` naming it)."""
        if self.agent not in agents:
            raise InvalidModelError(
                f"observation {self.description!r}: no agent {self.agent!r} in "
                f"scenario {self.scenario!r}; agents are {list(agents)}"
            )
        for side in (self.prefers, self.to):
            if side is not None:
                side.mask(space)
        # an empty set makes "some" false at every point: the observation could
        # never be reproduced (an empty set under "every" is vacuously true)
        if self.quantifier == "some":
            quantified = self.prefers if self.prefers is not None else self.to
            assert quantified is not None
            _check_nonempty(quantified, space, self.description)

    def reproduced(
        self,
        space: AgreementSpace,
        agents: Sequence[str],
        utilities: NDArray[np.float64],
        codes: NDArray[np.intp],
    ) -> NDArray[np.bool_]:
        """Whether the model reproduces the observation at each of ``m`` points
        (arguments as for :meth:`ObservedOutcome.reproduced`)."""
        row = utilities[list(agents).index(self.agent)]  # outcome x point
        every = self.quantifier == "every"
        m = row.shape[-1]
        if self.to is None:  # some/every agreement of `prefers` beats the status quo
            assert self.prefers is not None
            chosen = row[self.prefers.indices(space)]
            if chosen.shape[0] == 0:
                return np.full(m, every)
            better = chosen > row[-1]
            result: NDArray[np.bool_] = better.all(axis=0) if every else better.any(axis=0)
            return result
        worse = row[self.to.indices(space)]
        if self.prefers is None:  # the status quo beats every/some agreement of `to`
            if worse.shape[0] == 0:
                return np.full(m, every)
            beaten = row[-1] > worse
            result = beaten.all(axis=0) if every else beaten.any(axis=0)
            return result
        chosen = row[self.prefers.indices(space)]
        if chosen.shape[0] == 0:
            return np.full(m, every)
        if worse.shape[0] == 0:
            return np.ones(m, dtype=bool)
        best_other = worse.max(axis=0)
        better = chosen > best_other
        result = better.all(axis=0) if every else better.any(axis=0)
        return result

    def describe_predicate(self) -> str:
        """The observation as a sentence about the model."""
        if self.to is None:
            return (
                f"{self.agent} prefers {self.quantifier} agreement with "
                f"{self.prefers} to the status quo"
            )
        if self.prefers is None:
            return (
                f"{self.agent} prefers the status quo to {self.quantifier} agreement "
                f"with {self.to}"
            )
        return (
            f"{self.agent} prefers {self.quantifier} agreement with {self.prefers} "
            f"to every agreement with {self.to}"
        )


#: Any observation of a record.
Observation = ObservedOutcome | ObservedPreference


@dataclass(frozen=True, slots=True)
class Record:
    """Dated, sourced observations about one or more scenarios.

    Attributes
    ----------
    observations : tuple of Observation
        In the order given (a sequence is converted to a tuple).
    title : str, optional

    Examples
    --------
    >>> from kurilsim.model.record import Citation, ObservedOutcome, Record
    >>> cite = Citation(author="A", title="T", year=2000, locator="p. 1")
    >>> record = Record([
    ...     ObservedOutcome(scenario="a", date="1990-01-01", description="no deal",
    ...                     source=cite),
    ...     ObservedOutcome(scenario="b", date="2010-01-01", description="no deal",
    ...                     source=cite)])
    >>> record.scenarios, len(record.until("2000-12-31"))
    (('a', 'b'), 1)
    """

    observations: tuple[Observation, ...]
    title: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.observations, ObservedOutcome | ObservedPreference) or not (
            isinstance(self.observations, Iterable)
        ):
            raise InvalidArgumentError(
                "Record.observations must be a sequence of observations, got "
                f"{reprlib.repr(self.observations)}"
            )
        observations = tuple(self.observations)
        for item in observations:
            if not isinstance(item, ObservedOutcome | ObservedPreference):
                raise InvalidArgumentError(
                    "Record.observations must be ObservedOutcome or ObservedPreference "
                    f"objects, got {reprlib.repr(item)}"
                )
        if not isinstance(self.title, str):
            raise InvalidArgumentError(f"Record.title must be a string, got {self.title!r}")
        object.__setattr__(self, "observations", observations)

    def __len__(self) -> int:
        return len(self.observations)

    def __iter__(self) -> Iterator[Observation]:
        return iter(self.observations)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios observed, in order of first appearance."""
        return tuple(dict.fromkeys(item.scenario for item in self.observations))

    def of(self, scenario: str) -> tuple[Observation, ...]:
        """The observations of one scenario."""
        return tuple(item for item in self.observations if item.scenario == scenario)

    def only(self, scenarios: Iterable[str] | str) -> Record:
        """The observations of the given scenarios (one name, or several)."""
        if isinstance(scenarios, str):
            scenarios = [scenarios]
        if not isinstance(scenarios, Iterable):
            raise InvalidArgumentError(
                f"scenarios must be a scenario name or names, got {reprlib.repr(scenarios)}"
            )
        keep = set(scenarios)
        strange = [name for name in keep if not isinstance(name, str)]
        if strange:
            raise InvalidArgumentError(
                f"scenarios must be scenario names (strings), got {strange[0]!r}"
            )
        return Record(
            tuple(item for item in self.observations if item.scenario in keep),
            self.title,
        )

    def until(self, date: _dt.date | str) -> Record:
        """The observations dated on or before ``date`` (a held-out split)."""
        limit = _as_date(date, "date")
        return Record(
            tuple(item for item in self.observations if item.date <= limit), self.title
        )
