"""The NegMAS bridge (kurilsim.io.negmas) against NegMAS itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kurilsim import (
    STATUS_QUO,
    AgreementSpace,
    InvalidArgumentError,
    Issue,
    kuril_scenario,
)
from kurilsim.io.negmas import (
    agreement_of,
    from_negmas_outcome_space,
    outcome_of,
    to_negmas,
    to_negmas_outcome_space,
)

negmas = pytest.importorskip("negmas")

SMALL = AgreementSpace(
    (
        Issue(name="size", options=("small", "large")),
        Issue(name="bases", options=("yes", "no", "later")),
    )
)


def _outcomes(space: AgreementSpace) -> list[tuple[str, ...]]:
    return [tuple(a[n] for n in space.issue_names) for a in space]


def test_every_agreements_utility_is_the_ufuns_value() -> None:
    scenario = kuril_scenario()
    outcome_space, ufuns = to_negmas(scenario)
    assert list(ufuns) == list(scenario.agent_names)
    utilities = scenario.utilities()
    reserved = scenario.status_quo_utilities()
    for k, name in enumerate(scenario.agent_names):
        ufun = ufuns[name]
        assert ufun.reserved_value == reserved[k]
        for j, agreement in enumerate(scenario.space):
            assert float(ufun(outcome_of(agreement, scenario.space))) == utilities[k, j]
    # combinations the constraints exclude are not outcomes, and worth -inf
    product = itertools.product(*(i.options for i in scenario.space.issues))
    excluded = [o for o in product if o not in set(_outcomes(scenario.space))]
    assert excluded, "the Kuril space has constraints"
    for outcome in excluded:
        assert not outcome_space.is_valid(outcome)
        assert ufuns["japan"](outcome) == float("-inf")


def test_outcome_space_lists_exactly_the_feasible_agreements() -> None:
    scenario = kuril_scenario()
    outcome_space = to_negmas_outcome_space(scenario.space)
    assert outcome_space.cardinality == len(scenario.space)
    assert list(outcome_space.enumerate_or_sample()) == _outcomes(scenario.space)
    assert [i.name for i in outcome_space.issues] == list(scenario.space.issue_names)
    full = to_negmas_outcome_space(SMALL)
    assert isinstance(full, negmas.outcomes.DiscreteCartesianOutcomeSpace)
    assert full.cardinality == 6
    assert sorted(full.enumerate_or_sample()) == sorted(_outcomes(SMALL))


@pytest.mark.parametrize("space", [SMALL, kuril_scenario().space], ids=["product", "kuril"])
def test_round_trip_of_the_space(space: AgreementSpace) -> None:
    back = from_negmas_outcome_space(to_negmas_outcome_space(space))
    assert back.issue_names == space.issue_names
    assert [i.options for i in back.issues] == [i.options for i in space.issues]
    assert _outcomes(back) == _outcomes(space)
    assert len(back) == len(space)


def test_spaces_built_by_negmas_are_read() -> None:
    outcome_space = negmas.make_os(
        [negmas.make_issue(3, name="quota"), negmas.make_issue(["no", "yes"], name="bases")]
    )
    space = from_negmas_outcome_space(outcome_space)
    assert space.issue_names == ("quota", "bases")
    assert space.issue("quota").options == ("0", "1", "2")
    assert len(space) == 6
    assert agreement_of((2, "yes"), space) == space.agreement(quota="2", bases="yes")


def test_outcomes_and_agreements_map_both_ways() -> None:
    space = kuril_scenario().space
    for agreement in space:
        assert agreement_of(outcome_of(agreement, space), space) == agreement
    assert agreement_of(None, space) is STATUS_QUO
    assert outcome_of(STATUS_QUO, space) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: agreement_of(("small",), SMALL), "one value per issue"),
        (lambda: agreement_of(("huge", "yes"), SMALL), "no agreement of the space"),
        (lambda: from_negmas_outcome_space(object()), "expected a NegMAS outcome space"),
        (
            lambda: from_negmas_outcome_space(
                negmas.make_os([negmas.make_issue((0.0, 1.0), name="share")])
            ),
            "is continuous",
        ),
        (
            lambda: from_negmas_outcome_space(
                negmas.make_os([negmas.make_issue([1, "1"], name="x")])
            ),
            "coincide as text",
        ),
    ],
    ids=["short-outcome", "unknown-value", "not-a-space", "continuous", "same-text"],
)
def test_bad_input_names_the_problem(call: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("pair", [("japan", "russia"), ("japan", "united_states")])
def test_a_negmas_negotiation_between_kurilsim_agents_ends_in_the_space(
    pair: tuple[str, str],
) -> None:
    scenario = kuril_scenario()
    outcome_space, ufuns = to_negmas(scenario)
    mechanism = negmas.sao.SAOMechanism(outcome_space=outcome_space, n_steps=40)
    for name in pair:
        mechanism.add(negmas.AspirationNegotiator(name=name), preferences=ufuns[name])
    state = mechanism.run()
    assert state.ended
    rows = [scenario.agent_names.index(name) for name in pair]
    utilities = scenario.utilities()[rows]
    reserved = scenario.status_quo_utilities()[rows]
    rational = np.flatnonzero(np.all(utilities >= reserved[:, None], axis=0))
    if state.agreement is None:
        return
    # an agreement is a feasible deal that neither negotiator values below
    # its reserved value (the status quo)
    deal = agreement_of(state.agreement, scenario.space)
    assert scenario.space.index(deal) in rational
    for name, r in zip(pair, reserved, strict=True):
        assert ufuns[name](state.agreement) >= r


def test_the_us_and_japan_agree() -> None:
    scenario = kuril_scenario()
    outcome_space, ufuns = to_negmas(scenario)
    mechanism = negmas.sao.SAOMechanism(outcome_space=outcome_space, n_steps=40)
    for name in ("japan", "united_states"):
        mechanism.add(negmas.AspirationNegotiator(name=name), preferences=ufuns[name])
    agreement = mechanism.run().agreement
    assert agreement is not None
    assert agreement_of(agreement, scenario.space) in scenario.space


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: to_negmas("2018-singapore"), "scenario must be a Scenario, got '2018"),
        (lambda: to_negmas(None), "scenario must be a Scenario, got None"),
        (lambda: to_negmas(kuril_scenario().space),
         "scenario must be a Scenario, got AgreementSpace"),
        (lambda: agreement_of(5, kuril_scenario().space),
         "outcome must be a NegMAS outcome"),
        (lambda: outcome_of(None, "space"), "space must be a"),
    ],
)
def test_bad_arguments_are_named(call, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgumentError, match=match):
        call()
