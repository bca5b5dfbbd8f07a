"""Tests of kurilsim.kuril.record: the historical record fits the bundled
scenarios and every entry is dated and publicly sourced."""

from __future__ import annotations

import pytest

import kurilsim
from kurilsim.kuril.record import (
    FINAL_TWO_ISLANDS,
    TWO_ISLANDS,
    TWO_ISLANDS_FIRST,
    US_FORCES_ON_TRANSFERRED,
    kuril_record,
)
from kurilsim.model.record import AgreementSet, ObservedOutcome, ObservedPreference

RECORD = kuril_record()


def test_every_period_has_its_outcome():
    outcomes = {o.scenario for o in RECORD if isinstance(o, ObservedOutcome)}
    assert outcomes == set(kurilsim.list_scenarios())
    assert all(o.deal is None for o in RECORD if isinstance(o, ObservedOutcome))


def test_the_offers_and_refusals_of_the_issue_are_there():
    preferences = [(o.scenario, o.agent) for o in RECORD
                   if isinstance(o, ObservedPreference)]
    assert preferences == [
        ("1956-declaration", "japan"), ("1956-declaration", "russia"),
        ("1993-tokyo", "russia"), ("2001-irkutsk", "russia"),
        ("2018-singapore", "japan"), ("2018-singapore", "russia"),
    ]


@pytest.mark.parametrize("observation", RECORD.observations,
                         ids=lambda o: o.description[:40])
def test_each_entry_fits_its_scenario_and_has_a_public_source(observation):
    scenario = kurilsim.load_scenario(observation.scenario)
    observation.check(scenario.space, scenario.agent_names)  # agents and features
    source = observation.source
    assert 1950 <= source.year <= 2026
    assert observation.date.year <= source.year
    assert "brief" not in str(source).lower()
    assert source.locator.strip()


@pytest.mark.parametrize("scenario", kurilsim.list_scenarios())
def test_agreement_sets_are_not_empty_in_the_kuril_space(scenario):
    space = kurilsim.load_scenario(scenario).space
    for rule in (TWO_ISLANDS, FINAL_TWO_ISLANDS, TWO_ISLANDS_FIRST,
                 US_FORCES_ON_TRANSFERRED):
        assert AgreementSet(rule).indices(space).size > 0, rule


def test_rules_select_what_they_say():
    space = kurilsim.kuril_space()
    for index in AgreementSet(TWO_ISLANDS_FIRST).indices(space):
        choices = dict(space[int(index)].choices)
        assert choices["islands"] == "H+S+talks"
    for index in AgreementSet(US_FORCES_ON_TRANSFERRED).indices(space):
        choices = dict(space[int(index)].choices)
        assert choices["islands"] != "none"
        assert choices["security"] == "us-forces-allowed"
    final = set(AgreementSet(FINAL_TWO_ISLANDS).indices(space).tolist())
    first = set(AgreementSet(TWO_ISLANDS_FIRST).indices(space).tolist())
    assert final
    assert first
    assert not final & first
    assert final | first <= set(AgreementSet(TWO_ISLANDS).indices(space).tolist())


def test_held_out_split():
    early = RECORD.only(["1956-declaration", "1960-memorandum", "1993-tokyo",
                         "2001-irkutsk"])
    assert len(early) == 8
    assert max(o.date.year for o in early) == 2001
