"""The built-in historical scenarios under every solution concept.

These tests check properties of the concepts on the historical scenarios --
every outcome is certified, the concepts that need the consent of the
proposer and the responder never leave them below the status quo, a veto is
honoured, relaxing a constraint never makes a deal less likely -- and not
which outcome each period gives at its point values: those values are to be
replaced by posterior means (``kurilsim.calibrate``), and what the model says
about each period is reported with its uncertainty, not pinned here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidModelError, compare_concepts, load_scenario
from kurilsim.analysis import solve_scenario
from tests.bad_arguments import SCENARIO, Case, call, check_named, params

COOPERATIVE = ("nash-bargaining", "kalai-smorodinsky", "rubinstein")


def support(outcome: kurilsim.Outcome) -> set[str]:
    return set(outcome.labels.values())


@pytest.fixture(scope="module")
def comparisons() -> dict[str, kurilsim.ConceptComparison]:
    return {name: compare_concepts(load_scenario(name)) for name in kurilsim.list_scenarios()}


#: Concepts in which the proposer and the responder can each block a deal.
CONSENT = ("spe", "nash", *COOPERATIVE, "nash-bargaining-discrete",
           "kalai-smorodinsky-discrete", "baron-ferejohn")


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_every_outcome_is_certified(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    table = comparisons[name]
    assert [o.concept for o in table] == list(kurilsim.CONCEPTS)
    for outcome in table:
        assert outcome.certificate <= max(outcome.tol, 1e-9), outcome
        assert sum(outcome.distribution.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_concepts_needing_consent_leave_proposer_and_responder_no_worse(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """Japan can always propose nothing and Russia can always refuse: under
    every concept that needs their consent (Baron-Ferejohn by default:
    unanimity) neither ends below its status quo utility."""
    table = comparisons[name]
    scenario = table.scenario
    status_quo = scenario.status_quo_utilities()
    parties = [scenario.agent_names.index(p)
               for p in (scenario.protocol.proposer, scenario.protocol.responder)]
    for concept in CONSENT:
        utilities = table[concept].utilities
        assert np.all(utilities[parties] >= status_quo[parties] - 1e-9), table[concept]


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_the_cooperative_concepts_ignore_the_objector(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """Nash bargaining, Kalai-Smorodinsky and Rubinstein are solved between
    the proposer and the responder: the objection cost does not change them."""
    scenario = comparisons[name].scenario
    costly = scenario.with_params({"protocol.objection_cost": 5.0})
    for concept in COOPERATIVE:
        a = kurilsim.solve_scenario(scenario, concept)
        b = kurilsim.solve_scenario(costly, concept)
        assert a.distribution == b.distribution


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_without_the_objector_the_spe_is_no_worse_for_the_proposer(
    name: str, comparisons: dict[str, kurilsim.ConceptComparison]
) -> None:
    """Removing the objector only removes constraints on the proposer, so its
    subgame-perfect payoff cannot fall."""
    table = comparisons[name]
    scenario = table.scenario
    alone = scenario.with_params({"protocol.objector": ""})
    proposer = scenario.agent_names.index(scenario.protocol.proposer)
    assert (
        kurilsim.solve_scenario(alone, "spe").utilities[proposer]
        >= table["spe"].utilities[proposer] - 1e-12
    )


def test_compare_concepts_prints_one_row_per_concept() -> None:
    table = compare_concepts(load_scenario("2018-singapore"))
    text = str(table)
    lines = text.splitlines()
    assert lines[0].startswith("Scenario 2018-singapore")
    assert max(len(line) for line in lines) <= 100
    assert lines[1].startswith("concept")
    assert set(lines[2]) == {"-"}
    # a row per concept with its P(deal), its outcome on the lines below it
    for outcome in table:
        assert any(line.split()[:2] == [outcome.concept, f"{outcome.probability:.3f}"]
                   for line in lines)
    # the note saying what a lottery is closes the table exactly when one is shown
    lottery = any(o.is_lottery for o in table)
    assert lottery  # the 2018 pledge game is a lottery
    assert " ".join(text.split()).endswith(" ".join(kurilsim.concepts.LOTTERY_NOTE.split()))
    # a lottery agrees with no sure outcome, not even its most likely one
    pbe, spe = table["pbe"], table["spe"]
    assert pbe.is_lottery
    assert not spe.is_lottery
    assert not kurilsim.ConceptComparison(table.scenario, (pbe, spe)).agree
    assert kurilsim.ConceptComparison(table.scenario, (spe, spe)).agree
    assert kurilsim.ConceptComparison(table.scenario, (pbe, pbe)).agree
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


# -- the notebook view, the DataFrame and the lottery note (issue 19) ------------------
def test_repr_html_has_one_row_per_concept_and_shows_lotteries() -> None:
    from tests.test_html import parse_view

    table = compare_concepts(SCENARIO, ("spe", "nash-bargaining", "rubinstein"))
    found = parse_view(table._repr_html_())
    assert found.tags.count("tr") == 1 + 3  # the header and one row per concept
    assert found.tags.count("ul") == sum(o.is_lottery for o in table) == 2
    for outcome in table:
        assert outcome.concept in found.cells
        assert f"{outcome.probability:.4g}" in found.cells
    assert "not one treaty" in found.text


def test_repr_html_and_str_say_what_a_lottery_is_only_when_one_is_shown() -> None:
    from tests.test_html import parse_view

    sure = compare_concepts(SCENARIO, ("spe", "nash"))
    assert "lottery" not in parse_view(sure._repr_html_()).text
    assert "lottery" not in str(sure)
    mixed = compare_concepts(SCENARIO, ("spe", "kalai-smorodinsky"))
    flat = " ".join(str(mixed).split())
    assert flat.endswith("Note: " + " ".join(kurilsim.concepts.LOTTERY_NOTE.split()))


def test_to_pandas_has_one_row_per_concept_with_lotteries_spelled_out() -> None:
    pd = pytest.importorskip("pandas")
    table = compare_concepts(SCENARIO, ("spe", "nash-bargaining", "dynamic"))
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["spe", "nash-bargaining", "dynamic"]
    assert frame.index.name == "concept"
    for outcome in table:
        row = frame.loc[outcome.concept]
        assert row["lottery"] == outcome.is_lottery
        assert row["probability"] == outcome.probability
        assert row["mode_probability"] == max(outcome.distribution.values())
        for name, utility in zip(outcome.agents, outcome.utilities, strict=True):
            assert row[f"utility.{name}"] == utility
        assert row["certificate"] == outcome.certificate
        if outcome.is_lottery:  # every outcome of the support, with its weight
            assert row["outcome"].startswith("lottery: ")
            assert row["outcome"].count(";") == len(outcome.distribution) - 1
            for k in outcome.distribution:
                assert outcome.labels[k] in row["outcome"]
        else:
            assert row["outcome"] == outcome.deal
    assert frame.loc["spe", "title"] == "subgame-perfect equilibrium"


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    table = compare_concepts(SCENARIO, ("spe",))
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'kurilsim\[pandas\]'"):
        table.to_pandas()
