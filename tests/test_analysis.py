"""The built-in historical scenarios under every solution concept.

No peace treaty was signed in any period the scenarios describe, so at their
default parameters the non-cooperative concepts -- the subgame-perfect outcome
of the proposal game with US consent, and the logit-selected Nash equilibrium
of the strategic game -- must give no deal.  Each test states the constraint
that binds.  The cooperative concepts (Nash bargaining, Kalai-Smorodinsky,
Rubinstein) ignore the protocol (who proposes, the US objection, the order of
moves) and allow lotteries over agreements, so where Japan and Russia have
agreements both prefer to the status quo they predict a deal: that is where
the concepts disagree, and the tests pin down which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import NO_DEAL, InvalidModelError, compare_concepts, load_scenario
from kurilsim.analysis import solve_scenario
from tests.bad_arguments import SCENARIO, Case, call, check_named, params

NON_COOPERATIVE = ("spe", "nash")
COOPERATIVE = ("nash-bargaining", "kalai-smorodinsky", "rubinstein")


def support(outcome: kurilsim.Outcome) -> set[str]:
    return set(outcome.labels.values())


@pytest.fixture(scope="module")
def comparisons() -> dict[str, kurilsim.ConceptComparison]:
    return {name: compare_concepts(load_scenario(name)) for name in kurilsim.list_scenarios()}


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_no_deal_in_any_historical_period(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """History: no treaty was signed, so neither non-cooperative concept finds one."""
    table = comparisons[name]
    for concept in NON_COOPERATIVE:
        outcome = table[concept]
        assert outcome.agreement is None, f"{name}/{concept}: {outcome}"
        assert outcome.probability == 0.0
        assert outcome.distribution == {NO_DEAL: pytest.approx(1.0)}
        np.testing.assert_allclose(
            outcome.utilities, table.scenario.status_quo_utilities(), atol=1e-12
        )
        assert outcome.certificate <= 1e-9


def test_1956_the_us_objection_binds(comparisons: dict[str, kurilsim.ConceptComparison]) -> None:
    """1956: Russia accepts Habomai+Shikotan (Article 9), and Japan would take it,
    but the United States objects to any deal (Dulles's warning:
    objection_scope = "any") and the objection costs Japan more (0.4) than the
    two islands are worth to it.  Without the objection the SPE is the
    two-island treaty.  The cooperative concepts, which ignore the US, share out
    Habomai+Shikotan and Habomai alone."""
    table = comparisons["1956-declaration"]
    scenario = table.scenario
    without_us = scenario.with_params({"protocol.objection_cost": 0.0})
    spe = kurilsim.solve_scenario(without_us, "spe")
    assert spe.deal == "Habomai+Shikotan, US forces allowed, no economic package"
    for concept in COOPERATIVE:
        assert support(table[concept]) == {
            "Habomai+Shikotan, US forces allowed, no economic package",
            "Habomai, US forces allowed, no economic package",
        }
        assert table[concept].probability == pytest.approx(1.0)


def test_1960_russias_security_condition_binds(
    comparisons: dict[str, kurilsim.ConceptComparison],
) -> None:
    """1960: the memorandum makes any transfer conditional on foreign troops
    leaving Japan -- security weight 2.5, no pledge is credible -- so Russia
    accepts no transfer, and no agreement is better than the status quo for
    both: every concept, cooperative ones included, gives no deal."""
    table = comparisons["1960-memorandum"]
    for outcome in table:
        assert outcome.agreement is None
    relaxed = table.scenario.with_params({"russia.security_weight": 0.0})
    assert kurilsim.solve_scenario(relaxed, "spe").agreement is not None


@pytest.mark.parametrize("name", ["1993-tokyo", "2001-irkutsk"])
def test_1993_and_2001_the_four_island_claim_binds(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """1993 and 2001: Japan's audience cost of settling for less than all four
    islands exceeds what any partial deal is worth to it, while Russia never
    accepts Iturup.  Dropping the audience cost turns the SPE into a deal.
    The cooperative concepts propose a lottery between all four islands and
    Habomai alone -- a deal neither side could sign."""
    table = comparisons[name]
    relaxed = table.scenario.with_params({"japan.audience_cost": 0.0})
    assert kurilsim.solve_scenario(relaxed, "spe").agreement is not None
    for concept in COOPERATIVE:
        assert support(table[concept]) == {
            "Habomai, US forces allowed, larger package",
            "all four islands, full demilitarisation, larger package",
        }


def test_2018_the_credibility_of_the_pledge_binds(
    comparisons: dict[str, kurilsim.ConceptComparison],
) -> None:
    """2018: with Putin's doubts (pledge credibility 0.25) Russia rejects
    Habomai+Shikotan for fear of US forces, and Japan rejects Habomai alone
    (audience cost).  With a credible enough pledge the SPE is the two-island
    deal without US forces: the model says how close Singapore came."""
    table = comparisons["2018-singapore"]
    scenario = table.scenario
    outcomes = {}
    for credibility in np.linspace(0.0, 1.0, 11):
        point = scenario.with_params({"russia.pledge_credibility": float(credibility)})
        outcomes[round(float(credibility), 1)] = kurilsim.solve_scenario(point, "spe").deal
    assert {outcomes[c] for c in (0.0, 0.1, 0.2, 0.3, 0.4)} == {"no deal"}
    assert all(outcomes[c].startswith("Habomai+Shikotan, no US forces") for c in
               (0.5, 0.6, 0.7, 0.8, 0.9, 1.0))
    # where the concepts disagree: the cooperative ones find a lottery deal
    for concept in COOPERATIVE:
        assert table[concept].probability == pytest.approx(1.0)
        assert "Habomai+Shikotan, no US forces, larger package" in support(table[concept])


def test_2018_with_a_credible_pledge_every_concept_includes_the_two_island_deal() -> None:
    """At pledge credibility 0.7 the SPE, the strategic game's equilibrium and
    the Nash bargaining solution all reach Habomai+Shikotan without US forces
    and with the larger package; Kalai-Smorodinsky and Rubinstein mix it with a
    treaty without islands."""
    scenario = load_scenario("2018-singapore").with_params({"russia.pledge_credibility": 0.7})
    table = compare_concepts(scenario)
    deal = "Habomai+Shikotan, no US forces, larger package"
    for concept in ("spe", "nash", "nash-bargaining"):
        assert table[concept].deal == deal
    for concept in ("kalai-smorodinsky", "rubinstein"):
        assert deal in support(table[concept])
    assert table["spe"].utilities[0] > table["rubinstein"].utilities[0]  # first-mover edge


@pytest.mark.parametrize("name", ["2020-constitution", "2022-suspension"])
def test_2020_and_2022_the_constitutional_ban_binds(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """2020 and 2022: the constitutional penalty (1.0) exceeds anything Russia
    gains from a treaty with any island, and Japan gains nothing from a treaty
    without islands: no agreement is better than the status quo for both, so
    every concept that needs Russia's consent gives no deal.  Lifting the
    penalty in 2020 restores the 2018 picture.  Baron-Ferejohn's majority rule
    does not need Russia: in 2020 Japan and the United States outvote it (a
    deal with certainty, Russia below its status quo); in 2022 Russia
    accepts nothing and no majority gains from a deal."""
    table = comparisons[name]
    for outcome in table:
        if outcome.concept != "baron-ferejohn":
            assert outcome.agreement is None
    majority = table["baron-ferejohn"]
    if name == "2020-constitution":
        assert majority.probability == pytest.approx(1.0)
        assert majority.utilities[1] < table.scenario.status_quo_utilities()[1]
    else:
        assert majority.agreement is None
    if name == "2020-constitution":
        lifted = table.scenario.with_params(
            {"russia.constitutional_penalty": 0.0, "russia.pledge_credibility": 0.7}
        )
        assert kurilsim.solve_scenario(lifted, "spe").agreement is not None


def test_compare_concepts_prints_one_row_per_concept() -> None:
    table = compare_concepts(load_scenario("2018-singapore"))
    text = str(table)
    lines = text.splitlines()
    assert lines[0].startswith("Scenario 2018-singapore")
    assert len(lines) == 3 + len(kurilsim.CONCEPTS)
    for concept in kurilsim.CONCEPTS:
        assert any(line.startswith(concept) for line in lines)
    assert not table.agree  # SPE: no deal, bargaining: a deal
    rows = table.rows()
    assert [row["concept"] for row in rows] == list(kurilsim.CONCEPTS)
    assert all(row["certificate"] <= 1e-9 for row in rows)


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("solve_scenario-concept-list", call(solve_scenario, SCENARIO, ["spe"]),
     InvalidModelError, r"concept must be one of 'spe', .* got \['spe'\] \(list\)"),
    ("solve_scenario-concept-case", call(solve_scenario, SCENARIO, "SPE"),
     InvalidModelError, r"concept must be one of .* got 'SPE' \(str\); did you mean 'spe'"),
    ("solve_scenario-scenario-str", call(solve_scenario, "default"),
     InvalidModelError, r"scenario must be a Scenario, got 'default' \(str\)"),
    ("compare_concepts-concepts-int", call(compare_concepts, SCENARIO, 3),
     InvalidModelError, r"concepts must be a sequence of strings or Concepts .*, got 3 \(int\)"),
    ("compare_concepts-concepts-str", call(compare_concepts, SCENARIO, "spe"),
     InvalidModelError, r"concepts must be a sequence of strings or Concepts .*, got 'spe'"),
    ("compare_concepts-concepts-empty", call(compare_concepts, SCENARIO, ()),
     InvalidModelError, r"concepts must name at least one concept"),
    ("compare_concepts-concepts-typo", call(compare_concepts, SCENARIO, ("spe", "nsh")),
     InvalidModelError, r"concepts must be one of .* got 'nsh'"),
    ("compare_concepts-scenario-none", call(compare_concepts, None),
     InvalidModelError, r"scenario must be a Scenario, got None"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(InvalidModelError) as caught:
        compare_concepts(SCENARIO, list(range(1000)))  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200
