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

import itertools
import math
import reprlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    ProblemTooLargeError,
)

__all__ = [
    "MAX_AGREEMENTS",
    "NO_DEAL",
    "STATUS_QUO",
    "Agreement",
    "AgreementSpace",
    "Constraint",
    "Issue",
    "SpaceBuilder",
    "StatusQuo",
    "register_space_builder",
    "registered_space_builders",
    "space_builder",
]

#: Outcome index used for "no deal" (the status quo) in arrays of outcomes.
NO_DEAL: Final = -1

#: Default budget of :class:`AgreementSpace`: the most candidate agreements (the
#: product of the issues' option counts) it enumerates; above it, building the
#: space raises :class:`~kurilsim.ProblemTooLargeError` at once.  Each agreement
#: costs about 8 bytes per issue and per feature column (roughly 0.5 GB for a
#: million agreements over a dozen issues); raise it with ``max_agreements=``.
MAX_AGREEMENTS: Final = 1_000_000

#: Codes enumerated and filtered at a time while building a space.
_BLOCK: Final = 1 << 16


def _bytes(size: int) -> str:
    """``size`` bytes in readable units."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{value:.3g} {unit}" if unit != "bytes" else f"{size} bytes"
        value /= 1000
    raise AssertionError  # pragma: no cover - the loop always returns


#: Name of the feature that is 1 for every agreement and 0 for the status quo.
TREATY_FEATURE: Final = "treaty"
#: Name of the feature that is 1 for the status quo and 0 for every agreement.
STATUS_QUO_FEATURE: Final = "status_quo"


def _is_finite_number(value: object) -> bool:
    """Whether ``value`` is a real, finite int or float (not a bool or a string)."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _check_name(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidModelError(
            f"{kind} must be a non-empty string, got {reprlib.repr(value)}"
        )
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
        if isinstance(self.labels, str) or not isinstance(self.labels, Sequence):
            raise InvalidModelError(
                f"Issue {self.name!r}: labels must be a sequence of strings, got "
                f"{reprlib.repr(self.labels)}"
            )
        labels = tuple(self.labels) if self.labels else options
        if len(labels) != len(options) or not all(
            isinstance(label, str) for label in labels
        ):
            raise InvalidModelError(
                f"Issue {self.name!r}: expected {len(options)} string labels "
                f"(one per option), got {self.labels!r}"
            )
        for key in ("features", "status_quo"):
            if not isinstance(getattr(self, key), Mapping):
                raise InvalidModelError(
                    f"Issue {self.name!r}: {key} must be a mapping of feature names "
                    f"to numbers, got {reprlib.repr(getattr(self, key))}"
                )
        if not isinstance(self.description, str):
            raise InvalidModelError(
                f"Issue {self.name!r}: description must be a string, got "
                f"{reprlib.repr(self.description)}"
            )
        features: dict[str, tuple[float, ...]] = {}
        for feature, values in self.features.items():
            _check_name(f"feature of issue {self.name!r}", feature)
            if (
                isinstance(values, str)
                or not isinstance(values, Sequence | np.ndarray)
                or len(values) != len(options)
                or not all(_is_finite_number(x) for x in values)
            ):
                raise InvalidModelError(
                    f"Issue {self.name!r}: feature {feature!r} needs {len(options)} "
                    f"finite numbers (one per option), got {reprlib.repr(values)}"
                )
            features[feature] = tuple(float(x) for x in values)
        status_quo: dict[str, float] = {}
        for feature, value in self.status_quo.items():
            if feature not in features:
                raise InvalidModelError(
                    f"Issue {self.name!r}: status_quo names unknown feature "
                    f"{reprlib.repr(feature)}; features are {sorted(features)}"
                )
            if not _is_finite_number(value):
                raise InvalidModelError(
                    f"Issue {self.name!r}: status_quo[{feature!r}] must be a finite "
                    f"number, got {reprlib.repr(value)}"
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
                    f"to option keys, got {reprlib.repr(raw)}"
                )
            normalised: dict[str, tuple[str, ...]] = {}
            for issue, options in raw.items():
                if isinstance(options, str):
                    options = (options,)
                if not isinstance(options, Sequence):
                    raise InvalidModelError(
                        f"Constraint.{kind}[{issue!r}] must be a list of option keys, "
                        f"got {reprlib.repr(options)}"
                    )
                normalised[_check_name("issue name", issue)] = tuple(
                    _check_name(f"option of {issue!r}", option) for option in options
                )
            object.__setattr__(self, kind, normalised)
        if not isinstance(self.description, str):
            raise InvalidModelError(
                "Constraint.description must be a string, got "
                f"{reprlib.repr(self.description)}"
            )

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
    ...                        economic="package")
    >>> str(deal)
    'Habomai+Shikotan, no US forces, package of {japan.package_size} x Nagato (~¥300 bn each)'
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
    """The disagreement outcome: no agreement, things stay as they are.

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
    max_agreements : int, optional
        Budget: the most candidate agreements (the product of the issues'
        option counts) to enumerate; default :data:`MAX_AGREEMENTS`
        (1,000,000).  Spaces derived with :meth:`with_issues` and
        :meth:`without_issues` keep it.

    Raises
    ------
    InvalidModelError
        On duplicate issue names, constraints naming unknown issues or
        options, or when no agreement is feasible.
    ProblemTooLargeError
        Before anything is allocated, if the product of the option counts
        exceeds ``max_agreements`` (the message gives the count, the memory it
        would take and the keyword).

    Notes
    -----
    The product of the issues' options is walked in blocks, each filtered by
    the constraints at once, so memory stays proportional to the feasible
    agreements.  The :class:`Agreement` objects are made on first use of
    :attr:`agreements` (or of iteration or indexing); :meth:`index` and ``in``
    find rows without them.

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

    Thirteen issues of three options are refused at once, before any work:

    >>> many = [Issue(name=f"i{k}", options=["a", "b", "c"]) for k in range(13)]
    >>> AgreementSpace(many)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.ProblemTooLargeError: the agreement space has 1,594,323 ...
    """

    issues: tuple[Issue, ...]
    constraints: tuple[ConstraintLike, ...] = ()
    max_agreements: int | None = field(default=None, kw_only=True, repr=False)
    options: NDArray[np.intp] = field(init=False, repr=False)
    feature_names: tuple[str, ...] = field(init=False, repr=False)
    outcome_features: NDArray[np.float64] = field(init=False, repr=False)
    _codes: NDArray[np.int64] = field(init=False, repr=False)
    _agreements: tuple[Agreement, ...] | None = field(init=False, repr=False)
    _some: dict[int, Agreement] = field(init=False, repr=False)
    _columns: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            issues = tuple(self.issues)
        except TypeError:
            issues = ()
        if not issues or not all(isinstance(issue, Issue) for issue in issues):
            raise InvalidModelError(
                "an AgreementSpace needs a non-empty sequence of Issue, got "
                f"{reprlib.repr(self.issues)}"
            )
        names = [issue.name for issue in issues]
        repeated = duplicates(names)
        if repeated:
            raise InvalidModelError(f"duplicate issue names {repeated}")
        try:
            constraints = tuple(self.constraints)
        except TypeError:
            raise InvalidModelError(
                "AgreementSpace constraints must be a sequence of Constraint or "
                f"callables, got {reprlib.repr(self.constraints)}"
            ) from None
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
        budget = self._check_size(issues)
        codes = self._enumerate(issues, constraints)
        if not len(codes):
            raise InvalidModelError("the constraints leave no feasible agreement")
        counts = tuple(len(issue) for issue in issues)
        table = np.stack(np.unravel_index(codes, counts), axis=1).astype(np.intp)

        # the feature matrix, filled column by column (no per-column copies)
        columns: list[str] = []
        for issue in issues:
            columns += [f"{issue.name}.{feature}" for feature in issue.features]
            columns += [f"{issue.name}={key}" for key in issue.options]
        columns += [TREATY_FEATURE, STATUS_QUO_FEATURE]
        n = len(table)
        matrix = np.zeros((n + 1, len(columns)))
        column = 0
        rows = np.arange(n)
        for position, issue in enumerate(issues):
            choice = table[:, position]
            for feature, feature_values in issue.features.items():
                matrix[:n, column] = np.asarray(feature_values)[choice]
                matrix[n, column] = issue.status_quo.get(feature, 0.0)
                column += 1
            matrix[rows, column + choice] = 1.0
            column += len(issue)
        matrix[:n, column] = 1.0  # treaty
        matrix[n, column + 1] = 1.0  # status quo

        object.__setattr__(self, "issues", issues)
        object.__setattr__(self, "constraints", constraints)
        object.__setattr__(self, "max_agreements", budget)
        object.__setattr__(self, "options", readonly(table))
        object.__setattr__(self, "feature_names", tuple(columns))
        object.__setattr__(self, "outcome_features", readonly(matrix))
        object.__setattr__(self, "_codes", readonly(codes))
        object.__setattr__(self, "_agreements", None)
        object.__setattr__(self, "_some", {})
        object.__setattr__(self, "_columns", {c: k for k, c in enumerate(columns)})

    def _check_size(self, issues: tuple[Issue, ...]) -> int:
        """The budget, after refusing a space whose enumeration would exceed it."""
        budget = MAX_AGREEMENTS if self.max_agreements is None else self.max_agreements
        if (
            isinstance(budget, bool)
            or not isinstance(budget, int | np.integer)
            or budget < 1
        ):
            raise InvalidArgumentError(
                "AgreementSpace: max_agreements must be a positive integer (or None "
                f"for the default {MAX_AGREEMENTS:,}), got {reprlib.repr(budget)}"
            )
        budget = int(budget)
        candidates = math.prod(len(issue) for issue in issues)
        if candidates > budget:
            n_columns = sum(len(i) + len(i.features) for i in issues) + 2
            size = candidates * 8 * (len(issues) + n_columns)
            counts = " x ".join(
                f"{count}" if times == 1 else f"{count}^{times}"
                for count, times in Counter(len(issue) for issue in issues).items()
            )
            raise ProblemTooLargeError(
                f"the agreement space has {candidates:,} candidate agreements "
                f"({len(issues)} issues, {counts} options), about {_bytes(size)} to enumerate, above the "
                f"budget of max_agreements={budget:,}; pass a larger max_agreements= "
                "(to AgreementSpace, to load_scenario for a file, or "
                "--max-agreements on the command line) to build it"
            )
        return budget

    @staticmethod
    def _enumerate(
        issues: tuple[Issue, ...], constraints: tuple[ConstraintLike, ...]
    ) -> NDArray[np.int64]:
        """Codes (row-major flat indices into the product of the issues' options)
        of the feasible agreements, ascending.

        The product is walked in blocks of :data:`_BLOCK` codes and each block
        is filtered at once, so memory stays proportional to the result.
        """
        counts = tuple(len(issue) for issue in issues)
        position = {issue.name: k for k, issue in enumerate(issues)}

        def allowed(rule_part: Mapping[str, tuple[str, ...]]) -> list[tuple[int, Any]]:
            masks = []
            for issue_name, keys in rule_part.items():
                k = position[issue_name]
                masks.append((k, np.array([o in keys for o in issues[k].options])))
            return masks

        rules = [
            (allowed(rule.when), allowed(rule.require))
            for rule in constraints
            if isinstance(rule, Constraint)
        ]
        predicates = [rule for rule in constraints if not isinstance(rule, Constraint)]
        total = math.prod(counts)
        kept: list[NDArray[np.int64]] = []
        for start in range(0, total, _BLOCK):
            codes = np.arange(start, min(start + _BLOCK, total), dtype=np.int64)
            block = np.unravel_index(codes, counts)
            keep = np.ones(len(codes), dtype=bool)
            for when, require in rules:
                condition = np.ones(len(codes), dtype=bool)
                for k, mask in when:
                    condition &= mask[block[k]]
                satisfied = np.ones(len(codes), dtype=bool)
                for k, mask in require:
                    satisfied &= mask[block[k]]
                keep &= ~condition | satisfied
            codes = codes[keep]
            if predicates and len(codes):
                rows = np.stack(np.unravel_index(codes, counts), axis=1)
                feasible = [
                    all(
                        bool(rule(AgreementSpace._make_agreement(issues, row)))
                        for rule in predicates
                    )
                    for row in rows.tolist()
                ]
                codes = codes[np.asarray(feasible, dtype=bool)]
            kept.append(codes)
        return np.concatenate(kept)

    @staticmethod
    def _make_agreement(issues: tuple[Issue, ...], row: Sequence[int]) -> Agreement:
        return Agreement(
            tuple(
                (issue.name, issue.options[k])
                for issue, k in zip(issues, row, strict=True)
            ),
            tuple(issue.labels[k] for issue, k in zip(issues, row, strict=True)),
        )

    @property
    def agreements(self) -> tuple[Agreement, ...]:
        """Every feasible agreement, in table order (built on first use)."""
        cached = self._agreements
        if cached is None:
            # one column of shared (issue, option) pairs and labels per issue,
            # zipped into rows in C
            pairs, labels = [], []
            for issue, column in zip(self.issues, self.options.T.tolist(), strict=True):
                choice = [(issue.name, option) for option in issue.options]
                pairs.append([choice[k] for k in column])
                labels.append([issue.labels[k] for k in column])
            built = list(
                map(Agreement, zip(*pairs, strict=True), zip(*labels, strict=True))
            )
            for row, deal in self._some.items():  # keep the ones handed out
                built[row] = deal
            cached = tuple(built)
            object.__setattr__(self, "_agreements", cached)
        return cached

    def _row(self, agreement: object) -> int | None:
        """Row of a feasible agreement of this space, else None."""
        if not isinstance(agreement, Agreement):
            return None
        try:
            choices = dict(agreement.choices)
        except (TypeError, ValueError):
            return None
        if len(choices) != len(self.issues):
            return None
        code = 0
        for issue in self.issues:
            option = choices.get(issue.name)
            if option not in issue.options:
                return None
            code = code * len(issue) + issue.options.index(option)
        row = int(np.searchsorted(self._codes, code))
        if row < len(self._codes) and self._codes[row] == code:
            return row
        return None

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
        return len(self.options)

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self.agreements)

    def __getitem__(self, index: int) -> Agreement:
        if self._agreements is not None or not isinstance(index, int | np.integer):
            return self.agreements[index]
        # one agreement, without building them all (a sweep labelling results)
        row = self.options[index].tolist()  # IndexError as for a tuple
        position = int(index) % len(self)
        deal = self._some.get(position)
        if deal is None:
            deal = self._some.setdefault(
                position, self._make_agreement(self.issues, row)
            )
        return deal

    def __contains__(self, agreement: object) -> bool:
        return self._row(agreement) is not None

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
        row = self._row(agreement)
        if row is None:
            raise InvalidModelError(
                f"{reprlib.repr(agreement)} is not a feasible agreement of this space"
            )
        return row

    def outcome(self, index: int) -> Agreement | StatusQuo:
        """The agreement at ``index``, or :data:`STATUS_QUO` for ``NO_DEAL``."""
        if index == NO_DEAL:
            return STATUS_QUO
        return self[index]

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
            return self[int(matches[0])]
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
        6
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
            self.issues + tuple(issues),
            self.constraints + tuple(constraints),
            max_agreements=self.max_agreements,
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
            max_agreements=self.max_agreements,
        )


# -- named space builders ------------------------------------------------------------
#: Types an option of a space builder may take (scenario files hold them).
_OPTION_TYPES: Final = (str, bool, int, float)


def _literal(value: Any) -> str:
    """A value as a scenario file spells it (``true``, ``"nested"``, ``3``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SpaceBuilder:
    """A named agreement-space builder that scenario files can refer to.

    A file's ``[space]`` table that says ``builtin = "<name>"`` is built by
    the builder registered under that name (see :func:`register_space_builder`)
    from the table's other keys; saving a scenario whose space one of its
    option combinations builds writes that table again.

    Parameters
    ----------
    name : str
        The name files use.
    build : callable
        Called with the options as keyword arguments; returns an
        :class:`AgreementSpace`.
    options : mapping of str to tuple
        Each option and its allowed values (strings, booleans or numbers);
        the first value is the default.
    description : str, optional

    Raises
    ------
    InvalidArgumentError
        On a bad name, a ``build`` that is not callable, or options that are
        not a mapping of names to non-empty tuples of distinct values.

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> from kurilsim.model.agreements import SpaceBuilder
    >>> def market(*, sizes: int = 2) -> AgreementSpace:
    ...     return AgreementSpace((Issue(name="size", options=tuple(
    ...         f"s{k}" for k in range(sizes))),))
    >>> builder = SpaceBuilder(name="market", build=market,
    ...                        options={"sizes": (2, 3)})
    >>> len(builder.space(sizes=3))
    3
    >>> builder.recognise(market(sizes=3))
    {'sizes': 3}
    >>> builder.space(sizes=4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: space builder 'market': option sizes must be 2 or 3, got 4
    """

    name: str
    build: Callable[..., AgreementSpace]
    options: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    description: str = ""
    _built: dict[tuple[Any, ...], AgreementSpace | None] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or (
            self.name != self.name.strip()
        ):
            raise InvalidArgumentError(
                "a space builder's name must be a non-empty string without "
                f"surrounding whitespace, got {reprlib.repr(self.name)}"
            )
        if not callable(self.build):
            raise InvalidArgumentError(
                f"space builder {self.name!r}: build must be callable (a function "
                f"returning an AgreementSpace), got {reprlib.repr(self.build)}"
            )
        if not isinstance(self.options, Mapping):
            raise InvalidArgumentError(
                f"space builder {self.name!r}: options must map option names to "
                f"tuples of allowed values, got {reprlib.repr(self.options)}"
            )
        options = {}
        for key, choices in self.options.items():
            if not isinstance(key, str) or not key or key == "builtin":
                raise InvalidArgumentError(
                    f"space builder {self.name!r}: bad option name {key!r} (a "
                    "non-empty string other than 'builtin')"
                )
            values = tuple(choices) if isinstance(choices, Sequence) and not (
                isinstance(choices, str)
            ) else ()
            if (
                not values
                or not all(isinstance(v, _OPTION_TYPES) for v in values)
                or len({(type(v), v) for v in values}) < len(values)
            ):
                raise InvalidArgumentError(
                    f"space builder {self.name!r}: option {key!r} needs a non-empty "
                    "sequence of distinct strings, booleans or numbers, got "
                    f"{reprlib.repr(choices)}"
                )
            options[key] = values
        if not isinstance(self.description, str):
            raise InvalidArgumentError(
                f"space builder {self.name!r}: description must be a string, got "
                f"{reprlib.repr(self.description)}"
            )
        object.__setattr__(self, "options", options)

    def accepts(self, option: str, value: Any) -> bool:
        """Whether ``value`` is an allowed value of ``option`` (types must match)."""
        return any(
            type(value) is type(choice) and value == choice
            for choice in self.options.get(option, ())
        )

    def choices(self, option: str) -> str:
        """The allowed values of ``option`` as a file spells them, for messages."""
        return " or ".join(_literal(choice) for choice in self.options[option])

    def space(self, **options: Any) -> AgreementSpace:
        """The space for these options (the others take their defaults).

        Raises
        ------
        InvalidModelError
            On an unknown option or a value that is not allowed (the message
            names it and lists the allowed ones).
        """
        values = self._complete(options)
        key = tuple(values.values())
        built = self._built.get(key)
        if built is None:
            built = self.build(**values)
            if not isinstance(built, AgreementSpace):
                raise InvalidModelError(
                    f"space builder {self.name!r} returned {reprlib.repr(built)}, "
                    "not an AgreementSpace"
                )
            self._built[key] = built
        return built

    def _complete(self, options: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(options) - set(self.options), key=str)
        if unknown:
            raise InvalidModelError(
                f"space builder {self.name!r} has no option {unknown[0]!r}; its "
                f"options are {sorted(self.options)}"
            )
        for option, value in options.items():
            if not self.accepts(option, value):
                raise InvalidModelError(
                    f"space builder {self.name!r}: option {option} must be "
                    f"{self.choices(option)}, got {reprlib.repr(value)}"
                )
        return {
            option: options.get(option, choices[0])
            for option, choices in self.options.items()
        }

    def recognise(self, space: AgreementSpace) -> dict[str, Any] | None:
        """The options that build ``space`` (all of them), or None if none do.

        Every combination of the allowed values is tried, in order; the
        spaces are built once per builder and kept.
        """
        names = tuple(self.options)
        for values in itertools.product(*self.options.values()):
            candidate = self.space(**dict(zip(names, values, strict=True)))
            if candidate == space:
                return dict(zip(names, values, strict=True))
        return None


#: Space builders by name, in registration order.
_SPACE_BUILDERS: dict[str, SpaceBuilder] = {}


def _qualified(factory: object) -> str:
    return f"{getattr(factory, '__module__', '?')}:{getattr(factory, '__qualname__', '?')}"


def register_space_builder(
    name: str,
    build: Callable[..., AgreementSpace],
    *,
    options: Mapping[str, Sequence[Any]] | None = None,
    description: str = "",
    replace: bool = False,
) -> SpaceBuilder:
    """Let scenario files build a space by name: ``[space] builtin = "<name>"``.

    The other keys of the file's ``[space]`` table are the builder's options,
    each restricted to a few allowed values so that saving a scenario can
    recognise a space built this way and write the short table again.  A file
    never calls anything else: only builders registered from Python in the
    running session can be named.

    Parameters
    ----------
    name : str
        The name files use.
    build : callable
        Called with the options as keyword arguments; returns an
        :class:`AgreementSpace`.
    options : mapping of str to sequence, optional
        Each option and its allowed values (strings, booleans or numbers);
        the first is the default.
    description : str, optional
    replace : bool, optional
        Allow replacing a different builder registered under ``name``
        (registering the same function again, or a redefinition of it with
        the same module and qualified name, needs no ``replace``).

    Returns
    -------
    SpaceBuilder
        The registered builder.

    Raises
    ------
    InvalidArgumentError
        On a bad name, options or ``build``, or if ``name`` is taken and
        ``replace`` is false.

    See Also
    --------
    registered_space_builders, space_builder

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim import AgreementSpace, Issue
    >>> def auction(*, lots: int = 2) -> AgreementSpace:
    ...     return AgreementSpace((Issue(name="lots", options=tuple(
    ...         f"lot{k}" for k in range(lots))),))
    >>> builder = kurilsim.register_space_builder(
    ...     "auction", auction, options={"lots": (2, 4)})
    >>> "auction" in kurilsim.registered_space_builders()
    True
    >>> len(kurilsim.space_builder("auction").space(lots=4))
    4
    """
    if not isinstance(replace, bool):
        raise InvalidArgumentError(
            f"register_space_builder: replace must be True or False, got {replace!r}"
        )
    builder = SpaceBuilder(
        name=name,
        build=build,
        options={} if options is None else options,
        description=description,
    )
    current = _SPACE_BUILDERS.get(name)
    if (
        current is not None
        and current.build is not build
        and not replace
        and _qualified(current.build) != _qualified(build)
    ):
        raise InvalidArgumentError(
            f"space builder {name!r} is already registered "
            f"({_qualified(current.build)}); choose another name or pass "
            "replace=True to replace it"
        )
    _SPACE_BUILDERS[name] = builder
    return builder


def registered_space_builders() -> tuple[str, ...]:
    """The names of the registered space builders, in registration order.

    Examples
    --------
    >>> import kurilsim
    >>> "kuril" in kurilsim.registered_space_builders()
    True
    """
    return tuple(_SPACE_BUILDERS)


def space_builder(name: str) -> SpaceBuilder:
    """The space builder registered under ``name``.

    Raises
    ------
    InvalidModelError
        If none is (the message lists the registered names).
    """
    builder = _SPACE_BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        raise InvalidModelError(
            f"no space builder {reprlib.repr(name)}; registered builders are "
            f"{list(_SPACE_BUILDERS)} (add one with kurilsim.register_space_builder)"
        )
    return builder
