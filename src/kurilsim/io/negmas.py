"""A bridge to NegMAS, the library for automated negotiation.

NegMAS (Mohammad and others, https://github.com/yasserfarouk/negmas) describes
a negotiation by its *issues* (each with a finite set of values), the
*outcome space* they span, and one *utility function* per negotiator with a
*reserved value* (the utility of no agreement).  kurilsim's
:class:`~kurilsim.AgreementSpace` is the same kind of object: issues with
options, cut down by constraints, and a :class:`~kurilsim.Scenario` gives each
agent a utility for every agreement and for the status quo.  This module
converts between the two:

* :func:`to_negmas_outcome_space` -- the agreement space as a NegMAS outcome
  space: one categorical issue per kurilsim issue (values: the option keys);
  a space with constraints becomes NegMAS's
  ``SubsetCartesianOutcomeSpace`` listing exactly the feasible agreements.
* :func:`to_negmas` -- that outcome space and, per agent, a
  ``MappingUtilityFunction`` holding the agent's utility of every agreement,
  with the status quo's utility as the reserved value.
* :func:`from_negmas_outcome_space` -- a discrete NegMAS outcome space as an
  :class:`~kurilsim.AgreementSpace` (values become option keys, as text; a
  subset of the product becomes a constraint).
* :func:`outcome_of` / :func:`agreement_of` -- one agreement and its NegMAS
  outcome (a tuple of option keys in the order of the issues).

NegMAS is optional: ``pip install 'kurilsim[negmas]'``.  It is imported only
inside the functions.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from kurilsim._checks import check_instance
from kurilsim._errors import InvalidArgumentError
from kurilsim.model.agreements import (
    STATUS_QUO,
    Agreement,
    AgreementSpace,
    Issue,
    StatusQuo,
)
from kurilsim.model.scenario import Scenario

__all__ = [
    "agreement_of",
    "from_negmas_outcome_space",
    "outcome_of",
    "to_negmas",
    "to_negmas_outcome_space",
]

#: A NegMAS outcome: one value per issue, in the order of the issues.
Outcome = tuple[Any, ...]


def _negmas(module: str = "negmas") -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            "the NegMAS bridge needs negmas, which is not installed; install it "
            "with pip install 'kurilsim[negmas]'"
        ) from exc


def outcome_of(agreement: Agreement | StatusQuo, space: AgreementSpace) -> Outcome | None:
    """The NegMAS outcome of an agreement of ``space`` (``None`` for the status quo).

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> space = AgreementSpace([Issue(name="size", options=["small", "large"]),
    ...                         Issue(name="bases", options=["yes", "no"])])
    >>> outcome_of(space[1], space)
    ('small', 'no')
    """
    check_instance(space, AgreementSpace, "space")
    if isinstance(agreement, StatusQuo):
        return None
    if agreement not in space:
        raise InvalidArgumentError(f"{agreement!r} is not an agreement of {space!r}")
    return tuple(agreement[name] for name in space.issue_names)


def agreement_of(outcome: Outcome | None, space: AgreementSpace) -> Agreement | StatusQuo:
    """The agreement of ``space`` a NegMAS outcome stands for.

    ``None`` (NegMAS's "no agreement") is the status quo
    :data:`~kurilsim.STATUS_QUO`.  Values are matched to option keys as text.

    Raises
    ------
    InvalidArgumentError
        If the outcome has the wrong length or is not a feasible agreement.

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> space = AgreementSpace([Issue(name="size", options=["small", "large"])])
    >>> str(agreement_of(("large",), space))
    'large'
    >>> agreement_of(None, space)
    STATUS_QUO
    """
    check_instance(space, AgreementSpace, "space")
    if outcome is not None and not isinstance(outcome, (tuple, list)):
        raise InvalidArgumentError(
            f"outcome must be a NegMAS outcome (a tuple of issue values) or None, "
            f"got {outcome!r}"
        )
    if outcome is None:
        return STATUS_QUO
    names = space.issue_names
    if isinstance(outcome, str) or len(outcome) != len(names):
        raise InvalidArgumentError(
            f"a NegMAS outcome of this space has one value per issue {names}, got {outcome!r}"
        )
    choices = {name: str(value) for name, value in zip(names, outcome, strict=True)}
    try:
        agreement = space.agreement(**choices)
    except ValueError as exc:
        raise InvalidArgumentError(
            f"outcome {outcome!r} is no agreement of the space: {exc}"
        ) from None
    if agreement not in space:
        raise InvalidArgumentError(f"outcome {outcome!r} is not a feasible agreement")
    return agreement


def to_negmas_outcome_space(space: AgreementSpace, *, name: str = "") -> Any:
    """The agreement space as a NegMAS discrete outcome space.

    One categorical NegMAS issue per issue (its values are the option keys,
    in order).  Without constraints the space is the full product
    (``DiscreteCartesianOutcomeSpace``); otherwise a
    ``SubsetCartesianOutcomeSpace`` of exactly the feasible agreements, in
    the order of ``space``.

    Raises
    ------
    ImportError
        If negmas is not installed.

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> space = AgreementSpace([Issue(name="size", options=["small", "large"]),
    ...                         Issue(name="bases", options=["yes", "no"])])
    >>> import pytest
    >>> negmas = pytest.importorskip("negmas")  # (skips the example without negmas)
    >>> outcome_space = to_negmas_outcome_space(space)
    >>> outcome_space.cardinality
    4
    """
    check_instance(space, AgreementSpace, "space")
    negmas = _negmas()
    issues = [negmas.make_issue(values=list(i.options), name=i.name) for i in space.issues]
    product = 1
    for issue in space.issues:
        product *= len(issue)
    if len(space) == product:
        return negmas.make_os(issues, name=name or None)
    subset = _negmas("negmas.outcomes").SubsetCartesianOutcomeSpace
    outcomes = [outcome_of(agreement, space) for agreement in space]
    return subset(issues, name=name or None, outcomes=outcomes)


def to_negmas(scenario: Scenario) -> tuple[Any, dict[str, Any]]:
    """A scenario's agreement space and agents' utilities for NegMAS.

    Returns
    -------
    outcome_space : negmas outcome space
        :func:`to_negmas_outcome_space` of ``scenario.space``.
    ufuns : dict of str to negmas.preferences.MappingUtilityFunction
        Per agent (by name), its utility of every agreement
        (:meth:`Scenario.utilities`), with reserved value the utility of the
        status quo (:meth:`Scenario.status_quo_utilities`).  Outcomes outside
        the space have utility ``-inf``.

    Raises
    ------
    ImportError
        If negmas is not installed.

    Examples
    --------
    >>> import pytest
    >>> negmas = pytest.importorskip("negmas")  # (skips the example without negmas)
    >>> from kurilsim import kuril_scenario
    >>> scenario = kuril_scenario()
    >>> space, ufuns = to_negmas(scenario)
    >>> sorted(ufuns)
    ['japan', 'russia', 'united_states']
    >>> deal = scenario.space[0]
    >>> bool(ufuns["japan"](outcome_of(deal, scenario.space)) == scenario.utilities()[0, 0])
    True
    >>> bool(ufuns["japan"].reserved_value == scenario.status_quo_utilities()[0])
    True
    """
    check_instance(scenario, Scenario, "scenario")
    mapping_ufun = _negmas("negmas.preferences").MappingUtilityFunction
    outcome_space = to_negmas_outcome_space(scenario.space, name=scenario.name)
    outcomes = [outcome_of(agreement, scenario.space) for agreement in scenario.space]
    utilities = scenario.utilities()
    reserved = scenario.status_quo_utilities()
    ufuns: dict[str, Any] = {}
    for k, agent in enumerate(scenario.agent_names):
        values: Mapping[Any, float] = dict(
            zip(outcomes, utilities[k].tolist(), strict=True)
        )
        ufuns[agent] = mapping_ufun(
            mapping=values,
            default=float("-inf"),
            reserved_value=float(reserved[k]),
            outcome_space=outcome_space,
            name=agent,
        )
    return outcome_space, ufuns


def from_negmas_outcome_space(outcome_space: Any) -> AgreementSpace:
    """A discrete NegMAS outcome space as an :class:`~kurilsim.AgreementSpace`.

    Each NegMAS issue becomes an :class:`~kurilsim.Issue` of the same name
    whose option keys are the issue's values as text (``str(value)``;
    they must be distinct as text).  When the outcome space lists fewer
    outcomes than the product of its issues (a
    ``SubsetCartesianOutcomeSpace``), the agreement space gets a constraint
    admitting exactly those outcomes (a callable: such a space cannot be
    saved to TOML).

    Raises
    ------
    InvalidArgumentError
        If the outcome space has no issues, a continuous issue, or values
        that coincide as text.

    Examples
    --------
    >>> import pytest
    >>> negmas = pytest.importorskip("negmas")  # (skips the example without negmas)
    >>> os = negmas.make_os([negmas.make_issue(3, name="quota")])
    >>> from_negmas_outcome_space(os)
    AgreementSpace(quota(3); 3 agreements)
    """
    try:
        negmas_issues = list(outcome_space.issues)
    except (AttributeError, TypeError):
        raise InvalidArgumentError(
            f"expected a NegMAS outcome space with issues, got {type(outcome_space).__name__}"
        ) from None
    if not negmas_issues:
        raise InvalidArgumentError("the NegMAS outcome space has no issues")
    issues: list[Issue] = []
    for issue in negmas_issues:
        if not issue.is_discrete():
            raise InvalidArgumentError(
                f"NegMAS issue {issue.name!r} is continuous ({issue!r}); an agreement "
                f"space needs finitely many options (discretize it first)"
            )
        options = [str(v) for v in issue.all]
        if len(set(options)) != len(options):
            raise InvalidArgumentError(
                f"the values of NegMAS issue {issue.name!r} coincide as text: {options!r}"
            )
        issues.append(Issue(name=str(issue.name), options=tuple(options)))
    product = 1
    for issue_ in issues:
        product *= len(issue_)
    cardinality = outcome_space.cardinality
    if cardinality >= product:
        return AgreementSpace(tuple(issues))
    names = tuple(i.name for i in issues)
    allowed = frozenset(
        tuple(str(v) for v in outcome) for outcome in outcome_space.enumerate_or_sample()
    )

    def listed(agreement: Agreement) -> bool:
        return tuple(agreement[n] for n in names) in allowed

    return AgreementSpace(tuple(issues), (listed,))
