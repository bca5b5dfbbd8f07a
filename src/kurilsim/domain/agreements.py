"""Issues, agreements and agreement spaces.

An :class:`Issue` is one dimension of a deal with named options (e.g. which
islands are transferred); each option carries numeric *features* (e.g. the
area transferred).  An :class:`AgreementSpace` is the product of issues, cut
down by feasibility :class:`Constraint` s, enumerated once into an indexed
table of :class:`Agreement` s with a feature matrix, so that any agent whose
utility is linear in features evaluates every agreement in one matrix
product.  The status quo (no peace treaty) is the distinguished outcome
:data:`STATUS_QUO`, not an agreement: it is the last row of
:attr:`AgreementSpace.outcome_features`, where the feature ``"treaty"`` is 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._errors import InvalidModelError

__all__ = [
    "NO_DEAL",
    "STATUS_QUO",
    "Agreement",
    "AgreementSpace",
    "Constraint",
    "Issue",
    "StatusQuo",
]

#: Outcome index used for "no deal" (the status quo) in arrays of outcomes.
NO_DEAL: Final = -1

#: Name of the feature that is 1 for every agreement and 0 for the status quo.
TREATY_FEATURE: Final = "treaty"
#: Name of the feature that is 1 for the status quo and 0 for every agreement.
STATUS_QUO_FEATURE: Final = "status_quo"


def _check_name(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidModelError(f"{kind} must be a non-empty string, got {value!r}")
    if any(char in value for char in "=*[]\n"):
        raise InvalidModelError(
            f"{kind} {value!r} must not contain '=', '*', '[', ']' or a newline"
        )
    return value



@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One negotiable dimension of an agreement, with named options.

    Parameters
    ----------
    name : str
        Identifier of the issue (``"islands"``); prefixes its feature names.
    options : sequence of str
        Option keys, unique (``"none"``, ``"H+S"``, ...).
    labels : sequence of str, optional
        Readable option labels used by ``str(agreement)`` (default: the keys).
    features : mapping of str to sequence of float, optional
        Numeric features, one value per option.  In an agreement space feature
        ``f`` of issue ``name`` is the column ``"name.f"``.  Every option also
        gets an indicator column ``"name=key"`` automatically.
    status_quo : mapping of str to float, optional
        Feature values of the status quo (no treaty); features not listed are 0.
    description : str, optional
        What the issue means.

    Raises
    ------
    InvalidModelError
        On empty or duplicate options, labels or feature values of the wrong
        length, non-finite feature values, or status-quo values for unknown
        features.

    Examples
    --------
    >>> from kurilsim import Issue
    >>> fisheries = Issue(
    ...     name="fisheries",
    ...     options=["none", "quota"],
    ...     labels=["no fisheries deal", "Japanese fishing quota"],
    ...     features={"access": [0.0, 1.0]},
    ... )
    >>> fisheries.feature_values("access")
    array([0., 1.])
    >>> fisheries.option_index("Japanese fishing quota")
    1
    """

    name: str
    options: tuple[str, ...]
    labels: tuple[str, ...] = ()
    features: dict[str, tuple[float, ...]] = field(default_factory=dict)
    status_quo: dict[str, float] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("Issue name", self.name)
        if "." in self.name:
            raise InvalidModelError(f"Issue name {self.name!r} must not contain '.'")
        if isinstance(self.options, str) or not isinstance(self.options, Sequence):
            raise InvalidModelError(
                f"Issue {self.name!r}: options must be a sequence of strings, "
                f"got {self.options!r}"
            )
        options = tuple(self.options)
        if not options:
            raise InvalidModelError(f"Issue {self.name!r} needs at least one option")
        for option in options:
            _check_name(f"option of issue {self.name!r}", option)
        repeated = duplicates(options)
        if repeated:
            raise InvalidModelError(
                f"Issue {self.name!r} has duplicate options {repeated}"
            )
        labels = tuple(self.labels) if self.labels else options
        if len(labels) != len(options) or not all(
            isinstance(label, str) for label in labels
        ):
            raise InvalidModelError(
                f"Issue {self.name!r}: expected {len(options)} string labels "
                f"(one per option), got {self.labels!r}"
            )
        features: dict[str, tuple[float, ...]] = {}
        for feature, values in dict(self.features).items():
            _check_name(f"feature of issue {self.name!r}", feature)
            try:
                array = np.asarray(values, dtype=np.float64)
            except (TypeError, ValueError) as error:
                raise InvalidModelError(
                    f"Issue {self.name!r}: feature {feature!r} must be numbers, "
                    f"got {values!r}"
                ) from error
            if array.shape != (len(options),) or not np.all(np.isfinite(array)):
                raise InvalidModelError(
                    f"Issue {self.name!r}: feature {feature!r} needs {len(options)} "
                    f"finite values (one per option), got {values!r}"
                )
            features[feature] = tuple(float(x) for x in array)
        status_quo: dict[str, float] = {}
        for feature, value in dict(self.status_quo).items():
            if feature not in features:
                raise InvalidModelError(
                    f"Issue {self.name!r}: status_quo names unknown feature "
                    f"{feature!r}; features are {sorted(features)}"
                )
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidModelError(
                    f"Issue {self.name!r}: status_quo[{feature!r}] must be a finite "
                    f"number, got {value!r}"
                )
            status_quo[feature] = float(value)
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "features", features)
        object.__setattr__(self, "status_quo", status_quo)

    def __hash__(self) -> int:
        return hash((self.name, self.options))

    def __len__(self) -> int:
        return len(self.options)

    def option_index(self, option: str) -> int:
        """Index of an option given by key or label (case-insensitive)."""
        if option in self.options:
            return self.options.index(option)
        wanted = str(option).strip().lower()
        for index, (key, label) in enumerate(
            zip(self.options, self.labels, strict=True)
        ):
            if wanted in (key.lower(), label.lower()):
                return index
        valid = ", ".join(repr(key) for key in self.options)
        raise InvalidModelError(
            f"issue {self.name!r} has no option {option!r}; expected one of {valid}"
        )

    def feature_values(self, feature: str) -> NDArray[np.float64]:
        """The values of one feature, one per option."""
        if feature not in self.features:
            raise InvalidModelError(
                f"issue {self.name!r} has no feature {feature!r}; "
                f"features are {sorted(self.features)}"
            )
        return np.array(self.features[feature])


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraint:
    """A feasibility rule: *when* some issues take given options, *require* others.

    An agreement violates the constraint if, for every issue in ``when``, its
    option is one of the listed ones, and for some issue in ``require`` its
    option is not one of the listed ones.  This covers "forbid" rules too
    (require the complement).

    Parameters
    ----------
    when : mapping of str to sequence of str
        Issue name to option keys (the condition; all must hold).
    require : mapping of str to sequence of str
        Issue name to allowed option keys.
    description : str, optional
        Why the rule exists.

    Examples
    --------
    A security regime only means something if islands change hands:

    >>> from kurilsim import Constraint
    >>> rule = Constraint(
    ...     when={"islands": ["none"]}, require={"security": ["us-forces-allowed"]}
    ... )
    >>> rule.allows({"islands": "none", "security": "demilitarised"})
    False
    >>> rule.allows({"islands": "H", "security": "demilitarised"})
    True
    """

    when: dict[str, tuple[str, ...]]
    require: dict[str, tuple[str, ...]]
    description: str = ""

    def __post_init__(self) -> None:
        for kind in ("when", "require"):
            raw = getattr(self, kind)
            if not isinstance(raw, Mapping) or not raw:
                raise InvalidModelError(
                    f"Constraint.{kind} must be a non-empty mapping of issue names "
                    f"to option keys, got {raw!r}"
                )
            normalised: dict[str, tuple[str, ...]] = {}
            for issue, options in raw.items():
                if isinstance(options, str):
                    options = (options,)
                normalised[_check_name("issue name", issue)] = tuple(
                    _check_name(f"option of {issue!r}", option) for option in options
                )
            object.__setattr__(self, kind, normalised)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.when)) + tuple(sorted(self.require)))

    def allows(self, choices: Mapping[str, str]) -> bool:
        """Whether an assignment of options (issue name to key) satisfies the rule."""
        if not all(choices.get(issue) in keys for issue, keys in self.when.items()):
            return True
        return all(choices.get(issue) in keys for issue, keys in self.require.items())


#: A constraint is a :class:`Constraint` or any predicate on agreements.
ConstraintLike = Constraint | Callable[["Agreement"], bool]


@dataclass(frozen=True, slots=True, eq=False)
class Agreement:
    """One possible deal: an option for every issue of an agreement space.

    Agreements are hashable and compare equal when they make the same choices,
    whatever the order in which the issues were declared.  ``str()`` joins the
    option labels.  Build them by name with :meth:`AgreementSpace.agreement`.

    Examples
    --------
    >>> from kurilsim import kuril_space
    >>> space = kuril_space()
    >>> deal = space.agreement(islands="H+S", security="no US forces",
    ...                        economic="nagato")
    >>> str(deal)
    'Habomai+Shikotan, no US forces, Nagato-scale package'
    >>> deal["islands"]
    'H+S'
    >>> space[space.index(deal)] == deal
    True
    """

    choices: tuple[tuple[str, str], ...]
    labels: tuple[str, ...] = field(default=(), repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Agreement):
            return NotImplemented
        return frozenset(self.choices) == frozenset(other.choices)

    def __hash__(self) -> int:
        return hash(frozenset(self.choices))

    def __getitem__(self, issue: str) -> str:
        for name, option in self.choices:
            if name == issue:
                return option
        raise KeyError(issue)

    def as_dict(self) -> dict[str, str]:
        """The choices as a dict from issue name to option key."""
        return dict(self.choices)

    def __str__(self) -> str:
        return ", ".join(self.labels or [option for _, option in self.choices])


class StatusQuo:
    """The disagreement outcome: no peace treaty, islands stay Russian.

    There is one instance, :data:`STATUS_QUO`; in outcome arrays it has index
    :data:`NO_DEAL` (``-1``).
    """

    __slots__ = ()
    _instance: StatusQuo | None = None

    def __new__(cls) -> StatusQuo:  # noqa: PYI034 - a singleton
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "STATUS_QUO"

    def __str__(self) -> str:
        return "status quo (no treaty)"

    def __reduce__(self) -> str:
        return "STATUS_QUO"


#: The status quo: no peace treaty (the disagreement point of every scenario).
STATUS_QUO: Final = StatusQuo()


@dataclass(frozen=True, slots=True, eq=False)
class AgreementSpace:
    """The feasible agreements: a product of issues cut down by constraints.

    The space is enumerated once when it is built.  Agreement ``k`` is row
    ``k`` of :attr:`options` (option index per issue) and of :attr:`features`;
    :attr:`outcome_features` appends the status quo as a last row.

    Parameters
    ----------
    issues : sequence of Issue
        The issues, with unique names.
    constraints : sequence of Constraint or callable, optional
        Feasibility rules; a callable gets an :class:`Agreement` and returns
        whether it is feasible (callables cannot be saved to TOML).

    Raises
    ------
    InvalidModelError
        On duplicate issue names, constraints naming unknown issues or
        options, or when no agreement is feasible.

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> size = Issue(name="size", options=["small", "large"],
    ...              features={"km2": [1.0, 10.0]})
    >>> bases = Issue(name="bases", options=["yes", "no"])
    >>> space = AgreementSpace([size, bases])
    >>> len(space)
    4
    >>> [str(deal) for deal in space]
    ['small, yes', 'small, no', 'large, yes', 'large, no']
    >>> space.feature("size.km2")
    array([ 1.,  1., 10., 10.,  0.])
    """

    issues: tuple[Issue, ...]
    constraints: tuple[ConstraintLike, ...] = ()
    options: NDArray[np.intp] = field(init=False, repr=False)
    feature_names: tuple[str, ...] = field(init=False, repr=False)
    outcome_features: NDArray[np.float64] = field(init=False, repr=False)
    agreements: tuple[Agreement, ...] = field(init=False, repr=False)
    _index: dict[Agreement, int] = field(init=False, repr=False)
    _columns: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        issues = tuple(self.issues)
        if not issues or not all(isinstance(issue, Issue) for issue in issues):
            raise InvalidModelError(
                f"an AgreementSpace needs a non-empty sequence of Issue, got {issues!r}"
            )
        names = [issue.name for issue in issues]
        repeated = duplicates(names)
        if repeated:
            raise InvalidModelError(f"duplicate issue names {repeated}")
        constraints = tuple(self.constraints)
        by_name = {issue.name: issue for issue in issues}
        for rule in constraints:
            if isinstance(rule, Constraint):
                for issue_name, keys in (*rule.when.items(), *rule.require.items()):
                    if issue_name not in by_name:
                        raise InvalidModelError(
                            f"constraint names unknown issue {issue_name!r}; "
                            f"issues are {names}"
                        )
                    for key in keys:
                        if key not in by_name[issue_name].options:
                            raise InvalidModelError(
                                f"constraint names unknown option {key!r} of issue "
                                f"{issue_name!r}; options are "
                                f"{list(by_name[issue_name].options)}"
                            )
            elif not callable(rule):
                raise InvalidModelError(
                    f"a constraint must be a Constraint or a callable, got {rule!r}"
                )

        grids = np.meshgrid(*[np.arange(len(issue)) for issue in issues], indexing="ij")
        table = np.stack([grid.ravel() for grid in grids], axis=1).astype(np.intp)
        keep = np.ones(len(table), dtype=bool)
        for rule in constraints:
            if not isinstance(rule, Constraint):
                continue
            condition = np.ones(len(table), dtype=bool)
            for issue_name, keys in rule.when.items():
                where = names.index(issue_name)
                allowed = [by_name[issue_name].options.index(key) for key in keys]
                condition &= np.isin(table[:, where], allowed)
            satisfied = np.ones(len(table), dtype=bool)
            for issue_name, keys in rule.require.items():
                where = names.index(issue_name)
                allowed = [by_name[issue_name].options.index(key) for key in keys]
                satisfied &= np.isin(table[:, where], allowed)
            keep &= ~condition | satisfied
        table = table[keep]
        agreements = [self._make_agreement(issues, row) for row in table]
        predicates = [rule for rule in constraints if not isinstance(rule, Constraint)]
        if predicates:
            mask = np.array(
                [all(bool(rule(deal)) for rule in predicates) for deal in agreements],
                dtype=bool,
            )
            table = table[mask]
            agreements = [deal for deal, ok in zip(agreements, mask, strict=True) if ok]
        if not agreements:
            raise InvalidModelError("the constraints leave no feasible agreement")

        columns: list[str] = []
        values: list[NDArray[np.float64]] = []
        n = len(table)
        for position, issue in enumerate(issues):
            choice = table[:, position]
            for feature, feature_values in issue.features.items():
                columns.append(f"{issue.name}.{feature}")
                column: NDArray[np.float64] = np.empty(n + 1)
                column[:n] = np.asarray(feature_values)[choice]
                column[n] = issue.status_quo.get(feature, 0.0)
                values.append(column)
            for index, key in enumerate(issue.options):
                columns.append(f"{issue.name}={key}")
                column = np.zeros(n + 1)
                column[:n] = choice == index
                values.append(column)
        treaty = np.ones(n + 1)
        treaty[n] = 0.0
        columns += [TREATY_FEATURE, STATUS_QUO_FEATURE]
        values += [treaty, 1.0 - treaty]
        matrix = np.stack(values, axis=1)

        object.__setattr__(self, "issues", issues)
        object.__setattr__(self, "constraints", constraints)
        object.__setattr__(self, "options", readonly(table))
        object.__setattr__(self, "feature_names", tuple(columns))
        object.__setattr__(self, "outcome_features", readonly(matrix))
        object.__setattr__(self, "agreements", tuple(agreements))
        object.__setattr__(
            self, "_index", {deal: k for k, deal in enumerate(agreements)}
        )
        object.__setattr__(self, "_columns", {c: k for k, c in enumerate(columns)})

    @staticmethod
    def _make_agreement(issues: tuple[Issue, ...], row: NDArray[np.intp]) -> Agreement:
        return Agreement(
            tuple(
                (issue.name, issue.options[k])
                for issue, k in zip(issues, row, strict=True)
            ),
            tuple(issue.labels[k] for issue, k in zip(issues, row, strict=True)),
        )

    # -- equality: by issues and constraints, not by the derived tables ---------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgreementSpace):
            return NotImplemented
        return self.issues == other.issues and self.constraints == other.constraints

    def __hash__(self) -> int:
        return hash(self.issues)

    def __repr__(self) -> str:
        issues = ", ".join(f"{issue.name}({len(issue)})" for issue in self.issues)
        return f"AgreementSpace({issues}; {len(self)} agreements)"

    # -- the table --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.agreements)

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self.agreements)

    def __getitem__(self, index: int) -> Agreement:
        return self.agreements[index]

    def __contains__(self, agreement: object) -> bool:
        return agreement in self._index

    @property
    def issue_names(self) -> tuple[str, ...]:
        """The issue names in declaration order."""
        return tuple(issue.name for issue in self.issues)

    @property
    def features(self) -> NDArray[np.float64]:
        """Feature matrix of the agreements, shape ``(len(space), n_features)``."""
        return self.outcome_features[:-1]

    @property
    def status_quo_features(self) -> NDArray[np.float64]:
        """Feature vector of the status quo, shape ``(n_features,)``."""
        row: NDArray[np.float64] = self.outcome_features[-1]
        return row

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise InvalidModelError(
            f"no issue {name!r} in this space; issues are {list(self.issue_names)}"
        )

    def has_feature(self, name: str) -> bool:
        """Whether the space has a feature column called ``name``."""
        return name in self._columns

    def feature(self, name: str, default: float | None = None) -> NDArray[np.float64]:
        """One feature over all outcomes (agreements, then the status quo last).

        Parameters
        ----------
        name : str
            ``"issue.feature"``, ``"issue=option"`` (indicator), ``"treaty"``
            or ``"status_quo"``.
        default : float, optional
            Value for every agreement when the space lacks the feature (the
            status quo then gets 0).  Without it a missing feature is an error.
        """
        column = self._columns.get(name)
        if column is not None:
            values: NDArray[np.float64] = self.outcome_features[:, column]
            return values
        if default is None:
            raise InvalidModelError(
                f"no feature {name!r} in this space; features are "
                f"{list(self.feature_names)}"
            )
        values = np.full(len(self) + 1, float(default))
        values[-1] = 0.0
        return readonly(values)

    def index(self, agreement: Agreement | StatusQuo) -> int:
        """Row of ``agreement`` in the table (``NO_DEAL`` for the status quo)."""
        if isinstance(agreement, StatusQuo):
            return NO_DEAL
        try:
            return self._index[agreement]
        except (KeyError, TypeError):
            raise InvalidModelError(
                f"{agreement!r} is not a feasible agreement of this space"
            ) from None

    def outcome(self, index: int) -> Agreement | StatusQuo:
        """The agreement at ``index``, or :data:`STATUS_QUO` for ``NO_DEAL``."""
        if index == NO_DEAL:
            return STATUS_QUO
        return self.agreements[index]

    def agreement(
        self, choices: Mapping[str, str] | None = None, /, **options: str
    ) -> Agreement:
        """The feasible agreement with the given options (keys or labels).

        Issues may be left out when exactly one feasible agreement matches the
        rest (e.g. the security regime when no island is transferred).

        Raises
        ------
        InvalidModelError
            On unknown issues or options, or when no feasible agreement (or
            more than one) matches.
        """
        wanted = {**(dict(choices) if choices else {}), **options}
        mask = np.ones(len(self), dtype=bool)
        for issue_name, option in wanted.items():
            if issue_name not in self.issue_names:
                raise InvalidModelError(
                    f"no issue {issue_name!r} in this space; issues are "
                    f"{list(self.issue_names)}"
                )
            position = self.issue_names.index(issue_name)
            index = self.issues[position].option_index(option)
            mask &= self.options[:, position] == index
        matches = np.flatnonzero(mask)
        if len(matches) == 1:
            return self.agreements[int(matches[0])]
        if len(matches) == 0:
            raise InvalidModelError(f"no feasible agreement has the options {wanted}")
        missing = [name for name in self.issue_names if name not in wanted]
        raise InvalidModelError(
            f"{len(matches)} feasible agreements match {wanted}; "
            f"also choose an option for {missing}"
        )

    def select(self, **options: str | Sequence[str]) -> NDArray[np.intp]:
        """Indices of the agreements whose options are among the given ones.

        Examples
        --------
        >>> from kurilsim import kuril_space
        >>> space = kuril_space()
        >>> len(space.select(islands="H+S"))
        9
        """
        mask = np.ones(len(self), dtype=bool)
        for issue_name, wanted in options.items():
            position = self.issue_names.index(self.issue(issue_name).name)
            keys = [wanted] if isinstance(wanted, str) else list(wanted)
            allowed = [self.issues[position].option_index(key) for key in keys]
            mask &= np.isin(self.options[:, position], allowed)
        indices: NDArray[np.intp] = np.flatnonzero(mask)
        return indices

    def with_issues(
        self, *issues: Issue, constraints: Sequence[ConstraintLike] = ()
    ) -> AgreementSpace:
        """A new space with extra issues (and extra constraints) appended."""
        return AgreementSpace(
            self.issues + tuple(issues), self.constraints + tuple(constraints)
        )

    def without_issues(self, *names: str) -> AgreementSpace:
        """A new space without the named issues (and the constraints naming them)."""
        for name in names:
            self.issue(name)
        kept_rules = tuple(
            rule
            for rule in self.constraints
            if not isinstance(rule, Constraint)
            or not set(names) & (set(rule.when) | set(rule.require))
        )
        return AgreementSpace(
            tuple(issue for issue in self.issues if issue.name not in names),
            kept_rules,
        )
