"""Scenario.derived_from: the origin of a scenario changed by with_params is a
field, not text parsed back out of its name (issue 19, provenance)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kurilsim import InvalidModelError, ScenarioFileError, kuril_scenario, load_scenario
from kurilsim.concepts import _regime_of
from kurilsim.io.scenario_toml import scenario_from_dict, scenario_from_toml

CREDIBLE = {"russia.pledge_credibility": 0.7}


def test_with_params_records_the_origin_in_a_field() -> None:
    base = load_scenario("2018-singapore")
    assert base.derived_from == ""
    assert base.base_name == base.name
    changed = base.with_params(CREDIBLE)
    assert changed.derived_from == "2018-singapore" == changed.base_name
    # a change of a changed scenario keeps the first origin
    again = changed.with_params({"japan.demand": 2})
    assert again.derived_from == "2018-singapore"
    assert again.name == "2018-singapore+russia.pledge_credibility=0.7+japan.demand=2"
    assert again.notes[-1].startswith("Derived from scenario '2018-singapore'")
    # changing nothing derives nothing
    same = base.with_params({"russia.pledge_credibility": base.parameters()[
        "russia.pledge_credibility"]})
    assert same.derived_from == ""
    assert same.name == base.name


def test_a_name_that_looks_derived_is_only_a_name() -> None:
    """The name is text for people: nothing is parsed back out of it."""
    scenario = kuril_scenario(name="talks+japan.demand=4")
    assert scenario.derived_from == ""
    assert scenario.base_name == "talks+japan.demand=4"
    lookalike = dataclasses.replace(load_scenario("1993-tokyo"),
                                    name="1993-tokyo+japan.demand=4")
    assert lookalike.base_name == lookalike.name
    assert _regime_of(lookalike, None) is None  # not entered in 1993's regime


def test_the_origin_survives_a_rename_and_can_be_dropped() -> None:
    changed = load_scenario("1956-declaration").with_params({"japan.treaty_value": 0.3})
    renamed = dataclasses.replace(changed, name="my variant")
    assert renamed.base_name == "1956-declaration"
    assert _regime_of(renamed, None) == _regime_of(changed, None) is not None
    detached = dataclasses.replace(changed, name="my variant", derived_from="")
    assert detached.base_name == "my variant"
    assert _regime_of(detached, None) is None


def test_the_origin_takes_part_in_equality() -> None:
    changed = load_scenario("2018-singapore").with_params(CREDIBLE)
    assert changed == dataclasses.replace(changed)
    assert changed != dataclasses.replace(changed, derived_from="")


def test_the_origin_round_trips_through_toml(tmp_path: Path) -> None:
    changed = load_scenario("2018-singapore").with_params(CREDIBLE)
    text = changed.to_toml(tmp_path / "credible.toml")
    assert 'derived_from = "2018-singapore"' in text
    loaded = load_scenario(tmp_path / "credible.toml")
    assert loaded == changed
    assert loaded.derived_from == "2018-singapore"
    assert scenario_from_toml(text).base_name == "2018-singapore"
    # a scenario not derived writes no such key
    assert "derived_from" not in load_scenario("2018-singapore").to_toml()


def test_a_bad_origin_is_refused_naming_it() -> None:
    with pytest.raises(InvalidModelError, match=r"Scenario\.derived_from must be a "
                                                r"string, got 3"):
        kuril_scenario(name="x", derived_from=3)
    data = load_scenario("2018-singapore").with_params(CREDIBLE).to_dict()
    data["derived_from"] = ["2018-singapore"]
    with pytest.raises(ScenarioFileError, match="derived_from"):
        scenario_from_dict(data, "credible.toml")


def test_changing_a_renamed_copy_appends_to_its_name_and_keeps_the_record() -> None:
    changed = load_scenario("2018-singapore").with_params(CREDIBLE)
    again = dataclasses.replace(changed, name="my variant").with_params(
        {"japan.demand": 2}
    )
    assert again.name == "my variant+japan.demand=2"
    assert again.base_name == "2018-singapore"
    records = [note for note in again.notes if note.startswith("Derived from scenario")]
    assert len(records) == 2
    assert records[0] == changed.notes[-1]  # how the copy came from 2018-singapore
    assert records[1].startswith("Derived from scenario 'my variant'")
    assert "japan.demand = 2" in records[1]
    # a name that only looks derived is kept whole too
    lookalike = kuril_scenario(name="talks+japan.demand=4").with_params(
        {"japan.demand": 2}
    )
    assert lookalike.name == "talks+japan.demand=4+japan.demand=2"
    assert lookalike.base_name == "talks+japan.demand=4"
