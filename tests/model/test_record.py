"""Tests of kurilsim.model.record: sets of agreements by feature rule, the
observation predicates (vectorised over points) and the record's views."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from kurilsim import AgreementSpace, InvalidArgumentError, InvalidModelError, Issue
from kurilsim.model.record import (
    AgreementSet,
    Citation,
    ObservedOutcome,
    ObservedPreference,
    Record,
)

CITE = Citation(author="A. Historian", title="A chronicle", year=1999, locator="p. 7")

SPACE = AgreementSpace((
    Issue(name="price", options=("low", "mid", "high"),
          features={"level": (1.0, 2.0, 3.0)}),
    Issue(name="delivery", options=("slow", "fast")),
))
AGENTS = ("buyer", "seller")


def preference(**fields):
    defaults = {"scenario": "s", "date": "1999-01-01", "description": "d",
                "source": CITE, "agent": "seller"}
    return ObservedPreference(**{**defaults, **fields})


def utilities(buyer, seller):
    """(agents, outcomes, points) from per-agent (outcomes, points) lists."""
    return np.array([buyer, seller], dtype=float)


# -- agreement sets ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("price.level==2", [2, 3]),
        ("price.level>=2 & delivery=fast", [3, 5]),
        ("price.level != 2", [0, 1, 4, 5]),
        ("price.level<2", [0, 1]),
        ("delivery=fast", [1, 3, 5]),
        ("price.level>3", []),
    ],
)
def test_agreement_sets_select_by_feature(rule, expected):
    assert AgreementSet(rule).indices(SPACE).tolist() == expected


def test_agreement_set_rules_are_parsed_not_evaluated():
    with pytest.raises(InvalidArgumentError, match="cannot read the clause"):
        AgreementSet("__import__('os').system('x')")
    with pytest.raises(InvalidArgumentError, match="cannot read the clause"):
        AgreementSet("price.level == two")
    with pytest.raises(InvalidArgumentError, match="non-empty string"):
        AgreementSet("")
    with pytest.raises(InvalidModelError, match=r"no feature 'price\.margin'"):
        AgreementSet("price.margin>0").mask(SPACE)
    assert AgreementSet("price.level>=2 & delivery=fast").features == (
        "price.level", "delivery=fast")


# -- predicates ----------------------------------------------------------------------------
def test_outcome_predicates():
    codes = np.array([-1, 0, 3, 5])
    none = ObservedOutcome(scenario="s", date="1999-01-01", description="d",
                           source=CITE)
    fast = ObservedOutcome(scenario="s", date="1999-01-01", description="d",
                           source=CITE, deal="delivery=fast")
    table = np.zeros((2, 7, 4))
    assert none.reproduced(SPACE, AGENTS, table, codes).tolist() == [
        True, False, False, False]
    assert fast.reproduced(SPACE, AGENTS, table, codes).tolist() == [
        False, False, True, True]


def test_preference_quantifiers():
    # seller utilities of the 6 agreements and the status quo (last) at 2 points
    seller = [[1, 0], [3, 0], [1, 0], [1, 0], [1, 0], [1, 0], [2, 1]]
    table = utilities(np.zeros((7, 2)), seller)
    some = preference(prefers="price.level==1", quantifier="some")
    every = preference(prefers="price.level==1", quantifier="every")
    assert some.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        True, False]
    assert every.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        False, False]
    refuses_all = preference(prefers=None, to="price.level>=2", quantifier="every")
    assert refuses_all.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        True, True]
    refuses_some = preference(prefers=None, to="price.level==1", quantifier="some")
    assert refuses_some.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        True, True]
    refuses_each = preference(prefers=None, to="price.level==1", quantifier="every")
    assert refuses_each.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        False, True]


def test_preference_between_sets_and_strictness():
    seller = [[2, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [0, 0]]
    table = utilities(np.zeros((7, 2)), seller)
    over = preference(prefers="price.level==1 & delivery=slow", to="price.level>=2",
                      quantifier="some")
    # strictly better than every agreement of the other set: at point 1 a tie
    assert over.reproduced(SPACE, AGENTS, table, np.zeros(2, int)).tolist() == [
        True, False]


def test_empty_sets_follow_the_quantifier():
    table = utilities(np.zeros((7, 1)), np.zeros((7, 1)))
    codes = np.zeros(1, int)
    assert not preference(prefers="price.level>5", quantifier="some").reproduced(
        SPACE, AGENTS, table, codes)[0]
    assert preference(prefers="price.level>5", quantifier="every").reproduced(
        SPACE, AGENTS, table, codes)[0]


def test_observation_checks_name_the_problem():
    with pytest.raises(InvalidModelError, match="no agent 'broker'"):
        preference(agent="broker", prefers="price.level>0").check(SPACE, AGENTS)
    with pytest.raises(InvalidModelError, match=r"price\.margin"):
        preference(prefers="price.margin>0").check(SPACE, AGENTS)
    with pytest.raises(InvalidArgumentError, match="status quo"):
        preference(prefers=None, to=None)
    with pytest.raises(InvalidArgumentError, match="quantifier"):
        preference(prefers="price.level>0", quantifier="most")
    with pytest.raises(InvalidArgumentError, match="ISO date"):
        preference(prefers="price.level>0", date="yesterday")
    with pytest.raises(InvalidArgumentError, match="Citation"):
        preference(prefers="price.level>0", source="somewhere")
    with pytest.raises(InvalidArgumentError, match="year"):
        Citation(author="a", title="t", year=99, locator="p. 1")
    with pytest.raises(InvalidArgumentError, match="locator"):
        Citation(author="a", title="t", year=1999, locator=" ")


def test_describe_predicate():
    assert preference(prefers=None, to="price.level>=2", quantifier="every"
                      ).describe_predicate() == (
        "seller prefers the status quo to every agreement with price.level>=2")
    assert ObservedOutcome(scenario="s", date="1999-01-01", description="d",
                           source=CITE).describe_predicate() == "s: no deal"


# -- the record ----------------------------------------------------------------------------
def test_record_views():
    first = ObservedOutcome(scenario="a", date="1990-05-01", description="x",
                            source=CITE)
    second = preference(scenario="b", date="2005-05-01", prefers="price.level>0")
    record = Record([first, second], title="t")
    assert len(record) == 2
    assert list(record) == [first, second]
    assert record.scenarios == ("a", "b")
    assert record.of("b") == (second,)
    assert record.only(["a"]).observations == (first,)
    assert record.until(datetime.date(2000, 1, 1)).observations == (first,)
    assert record.until("2005-05-01").observations == (first, second)
    assert first.date == datetime.date(1990, 5, 1)
    with pytest.raises(InvalidArgumentError, match="observations"):
        Record(["not an observation"])  # type: ignore[list-item]
    with pytest.raises(InvalidArgumentError, match="sequence"):
        Record(first)  # type: ignore[arg-type]


def test_record_is_immutable_and_comparable():
    record = Record([ObservedOutcome(scenario="a", date="1990-05-01",
                                     description="x", source=CITE)])
    with pytest.raises(AttributeError):
        record.title = "other"  # type: ignore[misc]
    same = Record([ObservedOutcome(scenario="a", date=datetime.date(1990, 5, 1),
                                   description="x", source=CITE)])
    assert record == same


def test_only_takes_one_name_as_a_name():
    first = ObservedOutcome(scenario="ab", date="1990-05-01", description="x",
                            source=CITE)
    record = Record([first])
    assert record.only("ab").observations == (first,)
    with pytest.raises(InvalidArgumentError, match="scenario names"):
        record.only([1])  # type: ignore[list-item]


def test_an_empty_agreement_set_is_refused_by_check():
    with pytest.raises(InvalidModelError, match="selects no agreement"):
        ObservedOutcome(scenario="s", date="1999-01-01", description="d", source=CITE,
                        deal="price.level>=100").check(SPACE, AGENTS)
    with pytest.raises(InvalidModelError, match="selects no agreement"):
        preference(prefers="price.level>5", quantifier="some").check(SPACE, AGENTS)
    with pytest.raises(InvalidModelError, match="selects no agreement"):
        preference(prefers=None, to="price.level>5",
                   quantifier="some").check(SPACE, AGENTS)
    # one agreement is fine; an empty set under "every" is vacuously true
    preference(prefers="price.level>2", quantifier="some").check(SPACE, AGENTS)
    preference(prefers=None, to="price.level>5", quantifier="every").check(SPACE, AGENTS)
