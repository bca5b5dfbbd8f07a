"""The poll table (kurilsim.data.polls): its data, the API, thresholds from polls,
and scenario files that read parameters from polls."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import math
import pickle
import re
import tomllib
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kurilsim
from kurilsim import (
    AgreementSpace,
    InvalidArgumentError,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Scenario,
    ScenarioFileError,
    kuril_scenario,
    kuril_space,
    load_scenario,
)
from kurilsim.data import (
    COUNTRIES,
    DEFAULT_SCALE,
    SCALE_PRIOR,
    Poll,
    PollSource,
    as_dataframe,
    as_records,
    implied_support,
    list_polls,
    poll,
    polls_from_dict,
    support_share,
    threshold_from_poll,
    thresholds_from_poll,
)
from kurilsim.io.scenario_toml import read_scenario, scenario_from_toml
from tests.bad_arguments import NAN, call, check_named, params

#: The shipped table, parsed independently of the module.
RAW: dict[str, Any] = tomllib.loads(
    resources.files("kurilsim.data").joinpath("polls.toml").read_text(encoding="utf-8")
)
ROWS = RAW["polls"]
IDS = [row["id"] for row in ROWS]
SINGAPORE = load_scenario("2018-singapore")
#: The polls about one agreement with a finite threshold (both sides chosen).
READABLE = [
    p
    for p in list_polls()
    if p.maps_to is not None
    and p.support
    and p.oppose
    and 0 < support_share(p) < 1
]


def gain(scenario: Scenario, party: str, index: int) -> float:
    row = scenario.agent_names.index(party)
    return float(scenario.utilities()[row, index] - scenario.status_quo_utilities()[row])


def spread(scenario: Scenario, party: str) -> float:
    row = scenario.agent_names.index(party)
    g = scenario.utilities()[row] - scenario.status_quo_utilities()[row]
    return float(max(g.max(), 0.0) - min(g.min(), 0.0))


# -- the table ------------------------------------------------------------------------
def test_the_table_has_at_least_20_polls_and_8_per_country() -> None:
    assert len(list_polls()) == len(ROWS) >= 20
    for country in COUNTRIES:
        assert len(list_polls(country)) >= 8, country


def test_ids_are_unique_slugs() -> None:
    assert len(set(IDS)) == len(IDS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9+]+)*", i) for i in IDS)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_every_row_is_sourced_and_dated(row: dict[str, Any]) -> None:
    item = poll(row["id"])
    for source in (item.source, *item.see_also):
        assert source.publisher.strip()
        assert re.match(r"https?://\S+$", source.url)
    assert datetime.date(1990, 1, 1) <= item.start <= item.end
    assert item.end <= datetime.date(2026, 12, 31)
    assert item.question.strip()
    assert item.pollster.strip()
    if item.sample_size is not None:
        assert item.sample_size >= 100  # national or island-wide samples


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_shares_recomputed_from_the_file(row: dict[str, Any]) -> None:
    item = poll(row["id"])
    assert dict(item.answers) == {k: float(v) for k, v in row["answers"].items()}
    total = math.fsum(float(v) for v in row["answers"].values())
    assert item.total == pytest.approx(total, abs=1e-12)
    assert 0 < total <= 101.5
    assert all(0 <= v <= 100 for v in row["answers"].values())


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_every_row_validates_alone(row: dict[str, Any]) -> None:
    (built,) = polls_from_dict({"polls": [copy.deepcopy(row)]}, "one row")
    assert built == poll(row["id"])


@pytest.mark.parametrize("item", [p for p in list_polls() if p.maps_to], ids=lambda p: p.id)
def test_maps_to_names_an_agreement_of_the_kuril_space(item: Poll) -> None:
    space = SINGAPORE.space
    for issue, option in item.maps_to.items():
        assert option in space.issue(issue).options
    choices = {i.name: item.maps_to.get(i.name, i.options[0]) for i in space.issues}
    assert space.agreement(choices) in space


def test_month_and_published_precisions_are_consistent() -> None:
    for item in list_polls():
        if item.date_precision == "month":
            assert item.start.day == 1
            assert (item.end + datetime.timedelta(days=1)).day == 1
            assert (item.start.year, item.start.month) == (item.end.year, item.end.month)
        if item.date_precision == "published":
            assert item.start == item.end
            assert item.source.date == item.start


# -- listing and lookup -------------------------------------------------------------------
def test_polls_are_sorted_and_filtered() -> None:
    every = list_polls()
    keys = [(p.end, p.start, p.id) for p in every]
    assert keys == sorted(keys)
    since = datetime.date(2018, 11, 20)
    until = datetime.date(2019, 1, 31)
    chosen = list_polls("japan", since=since, until="2019-01-31")
    assert chosen == tuple(
        p for p in every if p.country == "japan" and since <= p.end <= until
    )
    assert {p.country for p in list_polls("russia")} == {"russia"}
    assert list_polls(since="2030-01-01") == ()


def test_poll_by_id_and_close_matches() -> None:
    assert poll("asahi-2019-01-20").answers["opposed"] == 40.0
    with pytest.raises(InvalidArgumentError, match=r"'asahi-2019-01-20'"):
        poll("asahi-2019-01-21")


def test_records_and_dataframe() -> None:
    records = as_records()
    assert [r["id"] for r in records] == [p.id for p in list_polls()]
    first = records[0]
    assert first["source_url"] == list_polls()[0].source.url
    assert first["answers"] == dict(list_polls()[0].answers)
    first["answers"]["x"] = 1.0  # a copy: the table is untouched
    assert "x" not in list_polls()[0].answers
    pd = pytest.importorskip("pandas")
    frame = as_dataframe(list_polls("russia"))
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["id"]) == [p.id for p in list_polls("russia")]


def test_polls_are_immutable_and_hashable() -> None:
    item = poll("vtsiom-2018-11-26")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.pollster = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        item.answers["support the transfer"] = 50  # type: ignore[index]
    assert {item: 1}[poll("vtsiom-2018-11-26")] == 1
    assert pickle.loads(pickle.dumps(item)) == item
    scenario = pickle.loads(pickle.dumps(SINGAPORE))  # sweeps pickle scenarios
    assert scenario == SINGAPORE
    assert scenario.derived_parameters == SINGAPORE.derived_parameters


# -- the validator on broken copies -------------------------------------------------------
def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data["polls"])
    return data


def _set(index: int, key: str, value: Any) -> Any:
    def change(rows: list[dict[str, Any]]) -> None:
        rows[index][key] = value

    return change


def _drop(index: int, key: str) -> Any:
    def change(rows: list[dict[str, Any]]) -> None:
        del rows[index][key]

    return change


def _answer(index: int, value: Any) -> Any:
    def change(rows: list[dict[str, Any]]) -> None:
        first = next(iter(rows[index]["answers"]))
        rows[index]["answers"][first] = value

    return change


def _duplicate(rows: list[dict[str, Any]]) -> None:
    rows.append(copy.deepcopy(rows[0]))


def _source(key: str, value: Any) -> Any:
    def change(rows: list[dict[str, Any]]) -> None:
        rows[3]["source"][key] = value

    return change


ASAHI = IDS.index("asahi-2019-01-20")
MONTH = IDS.index("mainichi-2013-03")
PUBLISHED = IDS.index("kyodo-2018-12")

BROKEN = [
    ("share-above-100", _answer(0, 120.5), r"120\.5"),
    ("share-negative", _answer(1, -3), r"-3"),
    ("share-nan", _answer(2, NAN), r"nan"),
    ("share-bool", _answer(2, True), r"True"),
    ("shares-sum-above-100", _set(ASAHI, "answers", {"in favour": 60, "opposed": 45}),
     r"sum to 105%"),
    ("start-after-end", _set(0, "start", datetime.date(2009, 1, 1)),
     r"2009-01-01 is after end"),
    ("datetime-not-date", _set(0, "end", datetime.datetime(2008, 10, 19, 12)),
     r"datetime\.datetime\(2008, 10, 19, 12, 0\)"),
    ("future", _set(0, "end", datetime.date(2999, 1, 1)), r"2999-01-01"),
    ("country", _set(0, "country", "china"), r"'china'"),
    ("duplicate-id", _duplicate, r"used twice"),
    ("id-not-slug", _set(0, "id", "Bad ID"), r"'Bad ID'"),
    ("unknown-key", _set(0, "margin", 3.1), r"'margin'"),
    ("missing-answers", _drop(0, "answers"), r"missing 'answers'"),
    ("missing-source", _drop(0, "source"), r"missing 'source'"),
    ("wording-kind", _set(0, "wording_kind", "paraphrase"), r"'paraphrase'"),
    ("precision", _set(0, "date_precision", "week"), r"'week'"),
    ("month-not-whole", _set(MONTH, "end", datetime.date(2013, 3, 30)),
     r"first and last day"),
    ("published-two-dates", _set(PUBLISHED, "start", datetime.date(2018, 12, 15)),
     r"start == end"),
    ("sample-size-zero", _set(0, "sample_size", 0), r"sample_size .* got 0"),
    ("sample-size-float", _set(0, "sample_size", 1826.5), r"1826\.5"),
    ("support-not-an-answer", _set(ASAHI, "support", ["yes"]), r"'yes'"),
    ("support-and-oppose-overlap", _set(ASAHI, "oppose", ["in favour"]),
     r"share answers \['in favour'\]"),
    ("support-without-maps-to", _drop(ASAHI, "maps_to"), r"no maps_to"),
    ("maps-to-option-not-string", _set(ASAHI, "maps_to", {"islands": 2}), r"got 2"),
    ("url", _source("url", "jmh.usembassy.gov/2016"), r"'jmh\.usembassy\.gov/2016'"),
    ("publisher", _source("publisher", " "), r"publisher .* got ' '"),
    ("source-key", _source("page", 3), r"'page'"),
]


@pytest.mark.parametrize(("change", "pattern"), [
    pytest.param(change, pattern, id=name) for name, change, pattern in BROKEN
])
def test_the_validator_rejects_broken_copies(change: Any, pattern: str) -> None:
    with pytest.raises(InvalidModelError, match=pattern) as caught:
        polls_from_dict(_broken(change), "broken copy")
    assert str(caught.value).startswith("broken copy: polls[")


def test_the_validator_rejects_a_broken_file_shape() -> None:
    with pytest.raises(InvalidModelError, match=r"'polls' must be"):
        polls_from_dict({"polls": []}, "empty")
    with pytest.raises(InvalidModelError, match=r"unknown key 'poll'"):
        polls_from_dict({"poll": ROWS}, "typo")
    with pytest.raises(InvalidModelError, match=r"expected a table, got 3"):
        polls_from_dict({"polls": [3]}, "row")


# -- support shares ------------------------------------------------------------------------
def test_support_share_is_among_the_decided() -> None:
    assert support_share("asahi-2019-01-20") == pytest.approx(38 / 78)
    assert support_share("nikkei-2018-11-25") == pytest.approx(51 / 84)
    # the undecided are left out, whatever their number
    assert support_share("levada-2016-05") == pytest.approx(7 / 85)
    # other answers, given explicitly
    assert support_share(
        "fom-2018-11-25",
        support="hand two of the islands to Japan",
        oppose=["Japan should drop its claim: the islands belong to Russia"],
    ) == pytest.approx(8 / 63)


@given(st.floats(0.5, 60), st.floats(0.5, 39))
def test_support_share_grows_with_support(yes: float, no: float) -> None:
    base = poll("asahi-2019-01-20")
    low = dataclasses.replace(base, answers={"in favour": yes, "opposed": no})
    high = dataclasses.replace(base, answers={"in favour": yes + 1, "opposed": no})
    assert support_share(high) > support_share(low)


# -- thresholds ----------------------------------------------------------------------------
@pytest.mark.parametrize("item", READABLE, ids=lambda p: p.id)
@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_probit_round_trip_on_every_bundled_scenario(item: Poll, name: str) -> None:
    scenario = load_scenario(name)
    for scale in (0.05, DEFAULT_SCALE, 1.0):
        tau = threshold_from_poll(item, scenario, scale=scale)
        assert math.isfinite(tau)
        back = implied_support(
            scenario, party=item.country, agreement=item.maps_to, threshold=tau,
            scale=scale,
        )
        assert back == pytest.approx(support_share(item), abs=1e-12)


@pytest.mark.parametrize("item", READABLE, ids=lambda p: p.id)
def test_threshold_recomputed_independently(item: Poll) -> None:
    space = SINGAPORE.space
    # the question as asked: other issues at their first option
    choices = {i.name: item.maps_to.get(i.name, i.options[0]) for i in space.issues}
    index = space.index(space.agreement(choices))
    g = gain(SINGAPORE, item.country, index)
    yes = sum(item.answers[k] for k in item.support)
    no = sum(item.answers[k] for k in item.oppose)
    z = NormalDist().inv_cdf(yes / (yes + no))  # the standard library, not scipy
    expected = g - 0.3 * spread(SINGAPORE, item.country) * z
    assert threshold_from_poll(item, SINGAPORE, scale=0.3) == pytest.approx(
        expected, abs=1e-12
    )


@given(st.floats(1, 40), st.floats(1, 30), st.floats(0.5, 30),
       st.floats(0.01, 2.0))
def test_more_support_gives_a_lower_threshold(
    yes: float, no: float, more: float, scale: float
) -> None:
    base = poll("asahi-2019-01-20")
    low = dataclasses.replace(base, answers={"in favour": yes, "opposed": no})
    high = dataclasses.replace(base, answers={"in favour": yes + more, "opposed": no})
    assert threshold_from_poll(high, SINGAPORE, scale=scale) < threshold_from_poll(
        low, SINGAPORE, scale=scale
    )


def test_majority_puts_the_threshold_below_the_gain() -> None:
    space = SINGAPORE.space
    for item in READABLE:
        choices = {i.name: item.maps_to.get(i.name, i.options[0]) for i in space.issues}
        g = gain(SINGAPORE, item.country, space.index(space.agreement(choices)))
        tau = threshold_from_poll(item, SINGAPORE)
        assert (tau < g) == (support_share(item) > 0.5), item.id


@pytest.mark.parametrize("item", READABLE, ids=lambda p: p.id)
def test_scale_to_zero_limit_is_the_gain(item: Poll) -> None:
    space = SINGAPORE.space
    choices = {i.name: item.maps_to.get(i.name, i.options[0]) for i in space.issues}
    g = gain(SINGAPORE, item.country, space.index(space.agreement(choices)))
    scales = np.geomspace(1.0, 1e-12, 13)
    distance = np.abs(thresholds_from_poll(item, SINGAPORE, scale=scales) - g)
    assert np.all(np.diff(distance) < 0)  # strictly closer as the scale shrinks
    assert distance[-1] < 1e-9


def test_vectorised_twin_equals_the_scalar_function() -> None:
    scales = np.array([[0.05, 0.1], [0.25, 2.0]])
    taus = thresholds_from_poll("asahi-2019-01-20", SINGAPORE, scale=scales)
    assert taus.shape == (2, 2)
    for where, scale in np.ndenumerate(scales):
        assert taus[where] == threshold_from_poll(
            "asahi-2019-01-20", SINGAPORE, scale=float(scale)
        )


def test_a_table_is_completed_with_the_first_options() -> None:
    space = SINGAPORE.space
    explicit = space.agreement(
        islands="H+S+joint", security="us-forces-allowed", economic="none"
    )
    assert threshold_from_poll(
        "asahi-2019-01-20", SINGAPORE, agreement=explicit
    ) == threshold_from_poll("asahi-2019-01-20", SINGAPORE)
    other = space.agreement(islands="H+S+joint", security="no-us-forces",
                            economic="package")
    assert threshold_from_poll(
        "asahi-2019-01-20", SINGAPORE, agreement=other
    ) != threshold_from_poll("asahi-2019-01-20", SINGAPORE)


def test_the_scale_prior_centres_on_the_default() -> None:
    assert SCALE_PRIOR.ppf(0.5) == pytest.approx(DEFAULT_SCALE)
    assert SCALE_PRIOR.support[0] == 0.0


def _toy(gain_of_deal: float) -> Scenario:
    deal = Issue(name="islands", options=("none", "H+S+joint"),
                 features={"joint": (0.0, 1.0)})
    return Scenario(
        name="toy",
        space=AgreementSpace((deal,)),
        agents=(LinearAgent(name="japan", weights={"islands.joint": gain_of_deal}),
                LinearAgent(name="russia", weights={"islands.joint": -1.0})),
        protocol=NegotiationProtocol(proposer="japan", responder="russia"),
    )


def test_known_value_on_a_toy_scenario() -> None:
    # g = 0.4, R = 0.4: tau = 0.4 - 0.25 * 0.4 * Phi^-1(38/78)
    expected = 0.4 - 0.1 * NormalDist().inv_cdf(38 / 78)
    assert threshold_from_poll("asahi-2019-01-20", _toy(0.4)) == pytest.approx(
        expected, abs=1e-14
    )


UNANIMOUS = dataclasses.replace(
    poll("asahi-2019-01-20"), id="asahi-unanimous",
    answers={"in favour": 70.0, "opposed": 0.0},
)
NOBODY = dataclasses.replace(
    poll("asahi-2019-01-20"), id="asahi-nobody",
    answers={"in favour": 0.0, "opposed": 0.0, "no answer": 100.0},
)

BAD_ARGUMENTS = [
    ("unknown-poll", call(threshold_from_poll, "asahi-2019", SINGAPORE),
     InvalidArgumentError, r"no poll 'asahi-2019'"),
    ("poll-not-a-poll", call(threshold_from_poll, 3, SINGAPORE),
     InvalidArgumentError, r"poll must be .* got 3"),
    ("no-maps-to", call(threshold_from_poll, "mainichi-2016-11-06", SINGAPORE),
     InvalidArgumentError, r"'mainichi-2016-11-06' names no agreement"),
    ("no-support-answers", call(threshold_from_poll, "levada-2016-two-islands",
                                SINGAPORE),
     InvalidArgumentError, r"'levada-2016-two-islands' declares no support"),
    ("share-one", call(threshold_from_poll, UNANIMOUS, SINGAPORE),
     InvalidArgumentError, r"support share of 1: .* infinite"),
    ("nobody-decided", call(support_share, NOBODY),
     InvalidArgumentError, r"no respondent of poll 'asahi-nobody'"),
    ("support-label", call(support_share, "asahi-2019-01-20", support="yes"),
     InvalidArgumentError, r"no answer 'yes'"),
    ("support-not-strings", call(support_share, "asahi-2019-01-20", support=[1]),
     InvalidArgumentError, r"support must be .* got \[1\]"),
    ("support-overlaps", call(support_share, "asahi-2019-01-20",
                              support="opposed"),
     InvalidArgumentError, r"share answers \['opposed'\]"),
    ("scale-zero", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE, scale=0),
     InvalidArgumentError, r"scale must be positive .* got 0"),
    ("scale-negative", call(thresholds_from_poll, "asahi-2019-01-20", SINGAPORE,
                            scale=[0.1, -1.0]),
     InvalidArgumentError, r"got \[0\.1, -1\.0\]"),
    ("scale-nan", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE, scale=NAN),
     InvalidArgumentError, r"got nan"),
    ("scale-string", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                          scale="wide"),
     InvalidArgumentError, r"got 'wide'"),
    ("scale-bool", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                        scale=True),
     InvalidArgumentError, r"got True"),
    ("scale-array-to-scalar", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                                   scale=[0.1]),
     InvalidArgumentError, r"thresholds_from_poll\), got \[0\.1\]"),
    ("party", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE, party="china"),
     InvalidArgumentError, r"party 'china' is not an agent"),
    ("scenario", call(threshold_from_poll, "asahi-2019-01-20", "2018-singapore"),
     InvalidArgumentError, r"scenario must be .* got '2018-singapore'"),
    ("issue", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                   agreement={"fisheries": "joint"}),
     InvalidArgumentError, r"issue 'fisheries'"),
    ("option", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                    agreement={"islands": "H+S+lease"}),
     InvalidArgumentError, r"'H\+S\+lease'"),
    ("agreement-type", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                            agreement="H+S"),
     InvalidArgumentError, r"agreement must be .* got 'H\+S'"),
    ("agreement-elsewhere", call(threshold_from_poll, "asahi-2019-01-20", SINGAPORE,
                                 agreement=kuril_space(islands="subsets")[20]),
     InvalidArgumentError, r"is not in the space of scenario '2018-singapore'"),
    ("country-not-an-agent", call(threshold_from_poll, "asahi-2019-01-20",
                                  dataclasses.replace(_toy(0.4), agents=(
                                      LinearAgent(name="tokyo",
                                                  weights={"islands.joint": 1.0}),
                                      LinearAgent(name="russia",
                                                  weights={"islands.joint": -1.0})),
                                      protocol=NegotiationProtocol(
                                          proposer="tokyo", responder="russia"))),
     InvalidArgumentError, r"asked the public of 'japan'.* pass party="),
    ("indifferent-party", call(threshold_from_poll, "asahi-2019-01-20", _toy(0.0)),
     InvalidArgumentError, r"'japan' gains nothing"),
    ("threshold-nan", call(implied_support, SINGAPORE, party="japan",
                           agreement={"islands": "H"}, threshold=NAN),
     InvalidArgumentError, r"threshold must be a finite number, got nan"),
    ("since", call(list_polls, since="last year"),
     InvalidArgumentError, r"since must be .* got 'last year'"),
    ("country", call(list_polls, "Japan"),
     InvalidArgumentError, r"country must be .* got 'Japan'"),
    ("records", call(as_records, ["asahi-2019-01-20"]),
     InvalidArgumentError, r"items must hold Poll objects .* got 'asahi-2019-01-20'"),
    ("records-one-poll", call(as_records, poll("asahi-2019-01-20")),
     InvalidArgumentError, (r"items must be an iterable of Poll objects .*\[poll\]\), "
     r"got Poll\(id='asahi-2019-01-20'")),
    ("records-id", call(as_records, "asahi-2019-01-20"),
     InvalidArgumentError, r"items must be an iterable .* got 'asahi-2019-01-20'"),
    ("records-int", call(as_records, 3),
     InvalidArgumentError, r"items must be an iterable .* got 3"),
    ("support-repeated", call(support_share, "asahi-2019-01-20",
                              support=["in favour", "in favour"]),
     InvalidArgumentError, r"support repeats an answer .*\['in favour', 'in favour'\]"),
    ("scales-bool", call(thresholds_from_poll, "asahi-2019-01-20", SINGAPORE,
                         scale=True),
     InvalidArgumentError, r"thresholds_from_poll: scale must be positive .* got True"),
    ("scales-string", call(thresholds_from_poll, "asahi-2019-01-20", SINGAPORE,
                           scale=["0.5"]),
     InvalidArgumentError, r"scale must be positive .* got \['0\.5'\]"),
    ("scales-overflow", call(thresholds_from_poll, "asahi-2019-01-20", _toy(1e300),
                             scale=1e10),
     InvalidArgumentError, r"scale 10000000000\.0 gives a threshold beyond the floats"),
    ("implied-scale-underflow", call(implied_support, _toy(0.4), party="japan",
                                     agreement={"islands": "H+S+joint"}, threshold=0.1,
                                     scale=5e-324),
     InvalidArgumentError, r"scale 5e-324 times the range .* outside the floats"),
    ("implied-threshold-huge-int", call(implied_support, SINGAPORE, party="japan",
                                        agreement={"islands": "H"}, threshold=10**400),
     InvalidArgumentError, r"threshold must be a finite number, got 1000"),
    ("share-huge-int", call(dataclasses.replace, poll("asahi-2019-01-20"),
                            answers={"in favour": 10**400, "opposed": 40}),
     InvalidModelError, r"answers\['in favour'\] must be a share in percent"),
]


def test_numbers_of_numpy_types_are_numbers() -> None:
    asahi = poll("asahi-2019-01-20")
    assert threshold_from_poll(asahi, SINGAPORE, scale=np.int64(1)) == (
        threshold_from_poll(asahi, SINGAPORE, scale=1.0)
    )
    sized = dataclasses.replace(asahi, sample_size=np.int64(1000))
    assert sized.sample_size == 1000
    assert type(sized.sample_size) is int


def test_a_far_threshold_implies_no_or_full_support() -> None:
    """The probit's tails, without an overflow warning (warnings are errors)."""
    far = {"party": "japan", "agreement": {"islands": "H"}}
    assert implied_support(SINGAPORE, threshold=1e308, **far) == 0.0
    assert implied_support(SINGAPORE, threshold=-1e308, **far) == 1.0
    assert implied_support(SINGAPORE, threshold=0.1, scale=1e-320, **far) in (0.0, 1.0)


def test_see_also_may_be_any_iterable_of_sources() -> None:
    asahi = poll("asahi-2019-01-20")
    source = asahi.source
    assert dataclasses.replace(asahi, see_also=iter([source])).see_also == (source,)


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(call: Any, error: type[Exception], pattern: str) -> None:
    check_named(call, error, pattern)


def test_poll_source_checks_its_fields() -> None:
    with pytest.raises(InvalidModelError, match=r"'ftp://x'"):
        PollSource(publisher="P", url="ftp://x")
    with pytest.raises(InvalidModelError, match=r"date .* got '2019-01-23'"):
        PollSource(publisher="P", url="https://x.org", date="2019-01-23")  # type: ignore[arg-type]


# -- scenario files that read parameters from polls -----------------------------------------
FILE = """
name = "poll-test"

[space]
builtin = "kuril"

[[agents]]
type = "Japan"

[[agents]]
type = "Russia"

[[agents]]
type = "UnitedStates"

[protocol]
proposer = "japan"
responder = "russia"

[thresholds."japan.diet_threshold"]
poll = "asahi-2019-01-20"
scale = 0.1
"""


def _without_thresholds(text: str) -> str:
    return text[: text.index("[thresholds")]


def test_a_scenario_file_reads_a_parameter_from_a_poll(tmp_path: Path) -> None:
    scenario = scenario_from_toml(FILE, "poll-test")
    plain = scenario_from_toml(_without_thresholds(FILE), "plain")
    expected = threshold_from_poll("asahi-2019-01-20", plain, scale=0.1)
    assert scenario.agent("japan").diet_threshold == expected
    assert scenario.agent("japan").diet_threshold != plain.agent("japan").diet_threshold
    assert scenario.notes[-1].startswith(
        f"japan.diet_threshold = {expected:.6g}, read from the poll asahi-2019-01-20"
    )
    assert dict(scenario.derived_parameters) == {
        "japan.diet_threshold": {"poll": "asahi-2019-01-20", "scale": 0.1,
                                 "value": expected, "note": scenario.notes[-1]}
    }
    # round trip: the reference is written back, the number is not
    path = tmp_path / "poll-test.toml"
    text = scenario.to_toml(path)
    assert '[thresholds."japan.diet_threshold"]' in text
    assert 'poll = "asahi-2019-01-20"' in text
    assert "diet_threshold" not in tomllib.loads(text)["agents"][0]
    again = read_scenario(path)
    assert again == scenario
    assert again.notes == scenario.notes  # the note is not repeated
    assert again.to_toml() == text


def test_a_changed_parameter_is_written_as_a_number() -> None:
    scenario = scenario_from_toml(FILE, "poll-test")
    changed = scenario.with_params({"japan.diet_threshold": 0.7})
    text = changed.to_toml()
    assert "[thresholds" not in text
    assert "diet_threshold = 0.7" in text
    # and the note recording the poll's value, which 0.7 contradicts, is dropped
    assert "read from the poll" not in text
    assert scenario_from_toml(text, "again").notes == changed.notes
    assert "Derived from scenario 'poll-test'" in changed.notes[-1]


def test_unquoted_dotted_keys_name_the_same_parameter() -> None:
    quoted = scenario_from_toml(FILE, "quoted")
    for header in ("[thresholds.japan.diet_threshold]\n",
                   ("[thresholds.japan]\ndiet_threshold = { poll = \"asahi-2019-01-20\", "
                   "scale = 0.1 }\n")):
        body = "" if "{" in header else 'poll = "asahi-2019-01-20"\nscale = 0.1\n'
        text = _without_thresholds(FILE) + header + body
        assert scenario_from_toml(text, "unquoted") == quoted


def test_options_of_the_reference_reach_the_threshold() -> None:
    text = FILE.replace(
        'scale = 0.1\n',
        'scale = 0.5\nagreement = { islands = "H+S+talks" }\nsupport = "in favour"\n',
    )
    scenario = scenario_from_toml(text, "options")
    plain = scenario_from_toml(_without_thresholds(FILE), "plain")
    assert scenario.agent("japan").diet_threshold == threshold_from_poll(
        "asahi-2019-01-20", plain, scale=0.5, agreement={"islands": "H+S+talks"},
        support="in favour",
    )


FILE_ERRORS = [
    ("unknown-poll", 'poll = "asahi-2019"', r"thresholds\.japan\.diet_threshold: no poll"),
    ("missing-poll", 'scale = 0.1', r"thresholds\.japan\.diet_threshold\.poll: missing"),
    ("unknown-key", 'poll = "asahi-2019-01-20"\nweight = 2',
     r"thresholds\.japan\.diet_threshold\.weight: unknown key"),
    ("scale-type", 'poll = "asahi-2019-01-20"\nscale = "wide"',
     r"\.scale: expected a number, got 'wide'"),
    ("scale-negative", 'poll = "asahi-2019-01-20"\nscale = -1',
     r"diet_threshold: .*scale must be positive .* got -1"),
    ("support-type", 'poll = "asahi-2019-01-20"\nsupport = 3',
     r"\.support: expected an answer label or an array of them, got 3"),
    ("no-agreement", 'poll = "mainichi-2016-11-06"',
     r"'mainichi-2016-11-06' names no agreement"),
    ("agreement-option", 'poll = "asahi-2019-01-20"\nagreement = { islands = 2 }',
     r"\.agreement\.islands: expected an option"),
    ("other-country", 'poll = "vtsiom-2018-11-26"',
     (r"diet_threshold\.poll: the poll vtsiom-2018-11-26 asked the public of 'russia', "
     r"but japan\.diet_threshold is a parameter of 'japan'")),
    ("support-repeated", 'poll = "asahi-2019-01-20"\nsupport = ["in favour", "in favour"]',
     r"support repeats an answer"),
    ("namespace-empty", None, r"thresholds\.japan: unknown scenario parameter 'japan'"),
]


@pytest.mark.parametrize(("body", "pattern"), [
    pytest.param(body, pattern, id=name) for name, body, pattern in FILE_ERRORS
])
def test_bad_poll_references_are_named(body: str | None, pattern: str) -> None:
    text = _without_thresholds(FILE) + (
        '[thresholds."japan.diet_threshold"]\n' + body if body is not None
        else "[thresholds.japan]\n"
    )
    with pytest.raises(ScenarioFileError, match=pattern) as caught:
        scenario_from_toml(text, "bad.toml")
    assert str(caught.value).startswith("bad.toml: ")


def test_a_parameter_set_twice_or_unknown_is_refused() -> None:
    twice = FILE.replace('type = "Japan"\n', 'type = "Japan"\ndiet_threshold = 0.2\n')
    with pytest.raises(ScenarioFileError, match=r"also set in agents\[0\]"):
        scenario_from_toml(twice, "twice")
    unknown = FILE.replace("japan.diet_threshold", "japan.audience")
    with pytest.raises(ScenarioFileError, match=r"'japan\.audience'"):
        scenario_from_toml(unknown, "unknown")
    protocol = FILE.replace("japan.diet_threshold", "protocol.objection_cost")
    with pytest.raises(ScenarioFileError, match=r"only agent parameters"):
        scenario_from_toml(protocol, "protocol")
    utility = FILE.replace("japan.diet_threshold", "japan.audience_cost")
    with pytest.raises(ScenarioFileError, match=r"japan\.audience_cost enters the agents' "
                       r"utilities; only a parameter that no utility reads"):
        scenario_from_toml(utility, "utility")


def test_the_2018_scenario_reads_the_diet_threshold_from_the_asahi_poll() -> None:
    scenario = load_scenario("2018-singapore")
    references = dict(scenario.derived_parameters)
    assert references["japan.diet_threshold"]["poll"] == "asahi-2019-01-20"
    # recomputed on the scenario without it: the threshold reads no utility
    base = scenario.with_params({"japan.diet_threshold": 0.0})
    value = threshold_from_poll("asahi-2019-01-20", base)
    assert scenario.agent("japan").diet_threshold == value
    assert math.isfinite(value)
    assert scenario.priors()["japan.diet_threshold"].support[0] < value
    assert value < scenario.priors()["japan.diet_threshold"].support[1]
    assert kuril_scenario(name="x").agent("japan").diet_threshold == 0.0


def test_a_poll_reference_is_written_back_only_while_it_reproduces_the_value(
    tmp_path: Path,
) -> None:
    """The bundled 2018 scenario reads japan.diet_threshold from a poll; after a
    change to another of Japan's parameters the poll would give another
    threshold, so the number, not the reference, is written, and the file
    reads back as the same scenario.  A change to Russia's parameters leaves
    the reference (it reads Japan's utilities only)."""
    bundled = kurilsim.load_scenario("2018-singapore")
    assert dict(bundled.derived_parameters)["japan.diet_threshold"]["poll"] == (
        "asahi-2019-01-20")
    for changes, kept in (({"japan.treaty_value": 0.5}, False),
                          ({"russia.security_weight": 2.0}, True)):
        changed = bundled.with_params(changes)
        assert ("japan.diet_threshold" in dict(changed.derived_parameters)) is kept
        path = tmp_path / "changed.toml"
        changed.to_toml(path)
        again = kurilsim.load_scenario(path)
        assert again == changed
        assert again.parameters()["japan.diet_threshold"] == (
            bundled.parameters()["japan.diet_threshold"])
