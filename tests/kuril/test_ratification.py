"""Domestic ratification (kurilsim.kuril.ratification) and the "two-level" concept."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import NO_DEAL, InvalidModelError, Scenario
from kurilsim.games.negotiation import proposal_game
from kurilsim.kuril import (
    Ratifier,
    kuril_protocol,
    ratification_game,
    ratified_agreements,
    ratifiers,
    win_set,
    win_sets,
)
from kurilsim.sweeps.evaluate import evaluate_chunk
from kurilsim.testing.strategies import sweep_grids
from tests.bad_arguments import Case, call, check_named, params

BUNDLED = kurilsim.list_scenarios()
SCENARIOS = {name: kurilsim.load_scenario(name) for name in BUNDLED}
THRESHOLDS = (
    "japan.diet_threshold",
    "russia.duma_threshold",
    "russia.federation_council_threshold",
)
TWO_LEVEL = kurilsim.concepts.get("two-level")


def _russia_proposes(scenario: Scenario) -> Scenario:
    """The scenario with the roles swapped (kuril_protocol, the rest kept)."""
    p = scenario.protocol
    protocol = kuril_protocol(
        proposer="russia", responder="japan", objector=p.objector,
        objection_cost=p.objection_cost, objection_blocks=p.objection_blocks,
        objection_scope=p.objection_scope, objectionable=p.objectionable,
        discount=p.discount, veto=p.veto, objection_payer=p.objection_payer,
    )
    return dataclasses.replace(scenario, protocol=protocol)


def _outcome(scenario: Scenario, concept: str = "two-level") -> int:
    outcome = kurilsim.solve_scenario(scenario, concept)
    return outcome.agreement_index if outcome.agreement is not None else NO_DEAL


def _gains(scenario: Scenario, party: str) -> np.ndarray:
    row = scenario.outcome_utilities()[scenario.agent_names.index(party)]
    return row[:-1] - row[-1]


# -- the stages -------------------------------------------------------------------------
def test_the_stages_of_each_party_in_order() -> None:
    scenario = SCENARIOS["2020-constitution"]
    stages = ratifiers(scenario)
    assert [s.player for s in stages] == [
        "japan.diet", "russia.state_duma", "russia.federation_council",
        "russia.constitutional_court",
    ]
    assert [s.rule for s in stages] == ["threshold"] * 3 + ["veto"]
    assert [s.parameter for s in stages] == [*THRESHOLDS, ""]
    assert ratifiers(scenario, "russia") == stages[1:]
    assert ratifiers(scenario, "united_states") == ()
    for stage in stages:
        assert stage.source
        assert stage.description
        if stage.parameter:  # a parameter of the party, read by this concept only
            assert scenario.read_by(stage.parameter) == "two-level"
            assert stage.parameter in scenario.priors()
    with pytest.raises(InvalidModelError, match=r"party must be an agent .* 'china'"):
        ratifiers(scenario, "china")


def test_agents_of_other_types_have_no_stages() -> None:
    """A user's model (linear agents) has no ratifiers: two-level is the SPE."""
    space = kurilsim.AgreementSpace((kurilsim.Issue(
        name="price", options=("low", "high"), features={"level": (1.0, 2.0)}),))
    scenario = Scenario(
        name="sale", space=space,
        agents=(kurilsim.LinearAgent(name="buyer", weights={"price.level": -1.0},
                                     status_quo=-3.0),
                kurilsim.LinearAgent(name="seller", weights={"price.level": 1.0})),
        protocol=kurilsim.NegotiationProtocol(proposer="buyer", responder="seller"))
    assert ratifiers(scenario) == ()
    assert win_set(scenario, None).all()
    assert _outcome(scenario) == _outcome(scenario, "spe") == 0
    assert ratification_game(scenario).players == ("buyer", "seller")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "the diet"}, r"Ratifier\.name must be an identifier"),
        ({"party": ""}, r"Ratifier\.party must be an identifier"),
        ({"rule": "majority"}, r"Ratifier\.rule must be 'threshold' or 'veto'"),
        ({"parameter": "russia.duma_threshold"}, r"needs a parameter of its party"),
        ({"parameter": "japan"}, r"needs a parameter of its party"),
        ({"rule": "veto"}, r"a veto stage .* takes no parameter"),
        ({"source": " "}, r"Ratifier\.source must be a non-empty string"),
        ({"description": None}, r"Ratifier\.description must be a non-empty string"),
    ],
)
def test_a_ratifier_is_checked(fields: dict[str, object], message: str) -> None:
    good = {"name": "diet", "party": "japan", "rule": "threshold",
            "parameter": "japan.diet_threshold", "source": "s", "description": "d"}
    Ratifier(**good)  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match=message):
        Ratifier(**{**good, **fields})  # type: ignore[arg-type]


# -- win-sets ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", BUNDLED)
def test_win_sets_on_every_bundled_scenario(name: str) -> None:
    """Recomputed from the definition: a threshold stage accepts iff the gain
    reaches the threshold, the Court rejects what the protocol vetoes."""
    scenario = SCENARIOS[name].with_params(
        {"japan.diet_threshold": 0.1, "russia.duma_threshold": -0.05,
         "russia.federation_council_threshold": 0.02})
    vetoed = scenario.protocol.vetoed_agreements(scenario.space)
    japan = _gains(scenario, "japan") >= 0.1
    russia = (_gains(scenario, "russia") >= 0.02) & ~vetoed
    np.testing.assert_array_equal(win_set(scenario, "japan", tol=0.0), japan)
    np.testing.assert_array_equal(win_set(scenario, "russia", tol=0.0), russia)
    np.testing.assert_array_equal(win_set(scenario, None, tol=0.0), japan & russia)
    assert win_set(scenario, "united_states").all()
    # the default tolerance only admits gains within 1e-12 of the range below
    for party, exact in (("japan", japan), ("russia", russia)):
        loose = win_set(scenario, party)
        assert np.all(loose >= exact)
        assert not np.any(loose & ~exact & ~vetoed & (
            np.abs(_gains(scenario, party) - (0.1 if party == "japan" else 0.02)) > 1e-9))
    # a stricter stage never accepts more
    stricter = scenario.with_params({"japan.diet_threshold": 0.3})
    assert np.all(win_set(stricter, "japan") <= win_set(scenario, "japan"))


def test_the_court_applies_the_protocols_veto_rule() -> None:
    scenario = SCENARIOS["2020-constitution"]
    court = ratifiers(scenario, "russia")[-1]
    assert court.rule == "veto"
    vetoed = scenario.protocol.vetoed_agreements(scenario.space)
    assert vetoed.any()
    assert not np.any(win_set(scenario, "russia") & vetoed)
    # the delimitation exception: the alternative rule of the scenario's notes
    exception = dataclasses.replace(scenario, protocol=dataclasses.replace(
        scenario.protocol, veto={"russia": "islands.beyond_1956|islands.talks"}))
    assert win_set(exception, "russia").sum() >= win_set(scenario, "russia").sum()
    # with no veto at all the Court accepts everything
    free = dataclasses.replace(scenario, protocol=dataclasses.replace(
        scenario.protocol, veto={}))
    np.testing.assert_array_equal(
        win_set(free.with_params({"russia.duma_threshold": -100.0,
                                  "russia.federation_council_threshold": -100.0}),
                "russia"),
        np.ones(len(scenario.space), dtype=bool))


def test_win_sets_at_many_points_equal_win_set_at_each() -> None:
    scenario = SCENARIOS["2018-singapore"]
    values = {"japan.diet_threshold": np.array([-0.1, 0.0, 0.2])[:, None],
              "russia.security_weight": np.array([0.0, 2.0])}
    sets = win_sets(scenario, None, values)
    assert sets.shape == (3, 2, len(scenario.space))
    for i in range(3):
        for j in range(2):
            point = scenario.with_params({
                "japan.diet_threshold": float(values["japan.diet_threshold"][i, 0]),
                "russia.security_weight": float(values["russia.security_weight"][j])})
            np.testing.assert_array_equal(sets[i, j], win_set(point, None))
    table = scenario.outcome_utilities(
        {"russia.duma_threshold": [0.0, 0.1]}, points_last=True)
    np.testing.assert_array_equal(
        ratified_agreements(scenario, table, {"russia.duma_threshold": [0.0, 0.1]}).T,
        win_sets(scenario, None, {"russia.duma_threshold": [0.0, 0.1]}))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: win_set(s, "china"), r"party must be an agent"),
        (lambda s: win_set(s, 3), r"party must be an agent .* got 3 \(int\)"),
        (lambda s: win_set(s, "japan", tol=2.0), r"tol"),
        (lambda s: win_set("2018-singapore", "japan"), r"scenario"),
        (lambda s: win_sets(s, "japan", {"protocol.objection_cost": [0.1]}),
         r"'protocol.objection_cost' is a protocol setting"),
        (lambda s: win_sets(s, "japan", {}), r"values must be a non-empty mapping"),
        (lambda s: win_sets(s, "japan", {"japan.diet_threshold": [0.0, np.inf]}),
         r"Japan\.diet_threshold must be a number"),
        (lambda s: ratified_agreements(s, np.zeros((3, 5, 2))),
         r"utilities must be a float array of shape \(3, 39, 'm'\)"),
        (lambda s: ratified_agreements(
            s, s.outcome_utilities(points_last=True)[:, :, None],
            {"japan.diet_threshold": np.array([np.nan])}),
         r"japan\.diet_threshold must be a finite number, got nan"),
        (lambda s: ratified_agreements(
            s, s.outcome_utilities(points_last=True)[:, :, None],
            {"japan.diet_threshold": np.array(["x"])}),
         r"japan\.diet_threshold must be real numbers"),
        (lambda s: ratified_agreements(
            s, s.outcome_utilities(points_last=True)[:, :, None],
            {"russia.duma_threshold": np.zeros(3)}),
         r"russia\.duma_threshold must have one value or one per point \(1\), "
         + r"got shape \(3,\)"),
    ],
    ids=["party", "party-int", "tol", "scenario", "protocol", "empty", "inf", "shape",
         "nan", "str", "length"],
)
def test_bad_arguments_are_named(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidModelError, match=message):
        call(SCENARIOS["2018-singapore"])


SINGAPORE_TABLE = SCENARIOS["2018-singapore"].outcome_utilities(points_last=True)[
    :, :, None
]

BAD_ARGUMENTS: list[Case] = [
    ("utilities-nan", call(ratified_agreements, SCENARIOS["2018-singapore"],
                           np.where(np.arange(39)[None, :, None] == 5, np.nan,
                                    SINGAPORE_TABLE)),
     InvalidModelError, r"utilities must be finite, got nan at index \(0, 5, 0\)"),
    ("utilities-inf", call(ratified_agreements, SCENARIOS["2018-singapore"],
                           np.full_like(SINGAPORE_TABLE, np.inf)),
     InvalidModelError, r"utilities must be finite, got inf at index \(0, 0, 0\)"),
]


@pytest.mark.parametrize(("thunk", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(thunk, error, pattern) -> None:  # type: ignore[no-untyped-def]
    check_named(thunk, error, pattern)


def test_huge_utilities_that_sum_past_the_floats_are_still_finite() -> None:
    """The finiteness check sums first; a sum that overflows is checked again."""
    table = np.full_like(SINGAPORE_TABLE, 1e308)
    assert ratified_agreements(SCENARIOS["2018-singapore"], table).shape == (38, 1)


# -- the game and the concept -----------------------------------------------------------
def test_the_game_adds_one_vote_per_stage_after_each_yes() -> None:
    scenario = SCENARIOS["2018-singapore"].with_params({"japan.diet_threshold": 0.05})
    base = proposal_game(scenario)
    game = ratification_game(scenario)
    stages = ratifiers(scenario)
    assert game.players == base.players + tuple(s.player for s in stages)
    yeses = sum(
        1 for node in base.decision_nodes
        if base.players[base.player[node]] == "russia" and base.actions[node][0] == "accept"
    )
    votes = [int(np.sum(game.player[game.decision_nodes] == k))
             for k in range(len(base.players), game.n_players)]
    assert votes == [yeses] * len(stages)
    gains = _gains(scenario, "japan")
    diet = game.players.index("japan.diet")
    for node in game.terminal_nodes:
        outcome = game.outcomes[node]
        expected = 0.0 if outcome == NO_DEAL else gains[outcome] - 0.05
        assert game.payoffs[node, diet] == pytest.approx(expected, abs=1e-15)
    # the agents' payoffs where an agreement is concluded are the proposal game's
    for node in game.terminal_nodes:
        if game.outcomes[node] != NO_DEAL:
            assert tuple(game.payoffs[node, :3]) in {
                tuple(base.payoffs[t]) for t in base.terminal_nodes
                if base.outcomes[t] == game.outcomes[node]}


@pytest.mark.parametrize("name", BUNDLED)
def test_two_level_solves_every_bundled_scenario(name: str) -> None:
    scenario = SCENARIOS[name]
    outcome = kurilsim.solve_scenario(scenario, "two-level")
    assert outcome.concept == "two-level"
    assert outcome.certificate <= outcome.tol
    index = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
    assert index == NO_DEAL or win_set(scenario, None)[index]
    # the library's SPE solver on the game gives the concept's outcome
    spe = kurilsim.solve_spe(ratification_game(scenario))
    assert spe.outcome == index
    np.testing.assert_allclose(outcome.utilities, spe.payoffs[: len(scenario.agents)])
    # a deal passes every stage on the path
    if index != NO_DEAL:
        votes = [step for step in spe.path if "." in step.player]
        assert [step.action for step in votes] == ["accept"] * len(ratifiers(scenario))


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("proposer", ["japan", "russia"])
def test_stages_that_accept_everything_give_the_one_level_outcome(
    name: str, proposer: str
) -> None:
    scenario = SCENARIOS[name]
    if proposer == "russia":
        scenario = _russia_proposes(scenario)
    lenient = scenario.with_params(dict.fromkeys(THRESHOLDS, -1e3))
    assert _outcome(lenient) == _outcome(scenario, "spe")
    # the Court's veto is the protocol's, which "spe" leaves out too; without it
    # every stage accepts every agreement
    free = dataclasses.replace(lenient, protocol=dataclasses.replace(
        lenient.protocol, veto={}))
    assert win_set(free, None).all()
    assert _outcome(free) == _outcome(free, "spe")
    np.testing.assert_allclose(kurilsim.solve_scenario(free, "two-level").utilities,
                               kurilsim.solve_scenario(free, "spe").utilities)
    # zero thresholds (the parameters' defaults): stages accept what their
    # governments accept, and a government proposes and accepts only such deals
    zero = scenario.with_params(dict.fromkeys(THRESHOLDS, 0.0))
    assert _outcome(zero) == _outcome(zero, "spe")


@st.composite
def _thresholds(draw: st.DrawFn, scenario: Scenario) -> dict[str, float]:
    """Thresholds in [-0.5, 0.5], or exactly a gain of some agreement (a tie)."""
    values = {}
    for name in THRESHOLDS:
        party = name.partition(".")[0]
        if draw(st.booleans()):
            gains = _gains(scenario, party)
            values[name] = float(gains[draw(st.integers(0, len(gains) - 1))])
        else:
            values[name] = draw(st.floats(-0.5, 0.5, allow_nan=False))
    return values


@settings(max_examples=40)
@given(data=st.data(), name=st.sampled_from(BUNDLED), swap=st.booleans())
def test_a_deal_outside_either_win_set_is_never_concluded(
    data: st.DataObject, name: str, swap: bool
) -> None:
    scenario = SCENARIOS[name]
    scenario = _russia_proposes(scenario) if swap else scenario
    # a random point of the model, then random thresholds at it
    point = data.draw(sweep_grids(scenario, max_parameters=2, max_values=1))
    scenario = scenario.with_params({k: v[0].item() for k, v in point.items()})
    scenario = scenario.with_params(data.draw(_thresholds(scenario)))
    index = _outcome(scenario)
    if index == NO_DEAL:
        return
    for party in ("japan", "russia"):
        assert win_set(scenario, party)[index]
    # and, from the definition: each gain reaches its threshold (within rounding)
    params = scenario.parameters()
    assert _gains(scenario, "japan")[index] >= params["japan.diet_threshold"] - 1e-9
    for name_ in THRESHOLDS[1:]:
        assert _gains(scenario, "russia")[index] >= params[name_] - 1e-9
    assert not scenario.protocol.vetoed_agreements(scenario.space)[index]


# -- Schelling's conjecture -------------------------------------------------------------
def _japan_along(scenario: Scenario, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The agreement at each Diet threshold (increasing), and Japan's utility of it."""
    result = kurilsim.sweep(scenario, {"japan.diet_threshold": thresholds},
                            concept="two-level", design="points")
    agreements = np.asarray(result.agreement).ravel()
    japan = scenario.outcome_utilities()[scenario.agent_names.index("japan")]
    return agreements, japan[agreements]  # NO_DEAL (-1) is the status quo


def _diet_thresholds(scenario: Scenario) -> np.ndarray:
    """An increasing grid with every one of Japan's gains on it (the ties)."""
    return np.unique(np.concatenate([np.linspace(-0.5, 1.0, 61), _gains(scenario, "japan")]))


def _check_responder_gains(scenario: Scenario) -> None:
    thresholds = _diet_thresholds(scenario)
    agreements, japan = _japan_along(scenario, thresholds)
    spread = np.ptp(scenario.outcome_utilities()[0]) or 1.0
    deal = agreements != NO_DEAL
    # once no deal, no deal: the set of deals the Diet accepts only shrinks
    first_none = np.argmax(~deal) if (~deal).any() else len(deal)
    assert not deal[first_none:].any()
    # while a deal is concluded, Japan's utility of it never falls
    assert np.all(np.diff(japan[deal]) >= -1e-9 * spread)


@pytest.mark.parametrize("name", BUNDLED)
def test_a_stricter_diet_helps_japan_when_japan_responds(name: str) -> None:
    """Schelling's conjecture where it holds: Russia proposes, Japan responds
    (complete information, take it or leave it)."""
    _check_responder_gains(_russia_proposes(SCENARIOS[name]))


@settings(max_examples=15)
@given(data=st.data(), name=st.sampled_from(BUNDLED))
def test_a_stricter_diet_helps_japan_when_japan_responds_anywhere(
    data: st.DataObject, name: str
) -> None:
    scenario = _russia_proposes(SCENARIOS[name])
    point = data.draw(sweep_grids(scenario, max_parameters=2, max_values=1))
    scenario = scenario.with_params({k: v[0].item() for k, v in point.items()})
    scenario = scenario.with_params({
        n: data.draw(st.floats(-0.3, 0.3, allow_nan=False)) for n in THRESHOLDS[1:]})
    _check_responder_gains(scenario)


def test_the_conjecture_has_teeth() -> None:
    """On the 1956 Declaration with Russia proposing, a stricter Diet strictly
    improves the deal Japan gets before it ends in no deal."""
    scenario = _russia_proposes(SCENARIOS["1956-declaration"])
    agreements, japan = _japan_along(scenario, _diet_thresholds(scenario))
    deal = agreements != NO_DEAL
    assert len(set(agreements[deal].tolist())) >= 2
    assert japan[deal][-1] > japan[deal][0] + 1e-3


@pytest.mark.parametrize("name", BUNDLED)
def test_a_stricter_diet_never_helps_japan_when_japan_proposes(name: str) -> None:
    """Where the conjecture fails: the proposer already gets its best deal
    among those the other side accepts; its own stricter Diet only removes
    options, so Japan's utility (no deal: the status quo) never rises."""
    scenario = SCENARIOS[name]
    thresholds = _diet_thresholds(scenario)
    _, japan = _japan_along(scenario, thresholds)
    spread = np.ptp(scenario.outcome_utilities()[0]) or 1.0
    assert np.all(np.diff(japan) <= 1e-9 * spread)


# -- the sweep kernel ---------------------------------------------------------------------
def _same_fast_and_slow(scenario: Scenario, names: list[str], values: list[np.ndarray]
                        ) -> None:
    fast = evaluate_chunk(scenario, TWO_LEVEL, names, values, True)
    slow = evaluate_chunk(scenario, TWO_LEVEL, names, values, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)
    assert fast.errors == slow.errors == {}


@pytest.mark.parametrize("name", BUNDLED)
def test_the_kernel_equals_the_solver_at_ties(name: str) -> None:
    """Thresholds exactly equal to a gain: the stage is indifferent, accepts."""
    for scenario in (SCENARIOS[name], _russia_proposes(SCENARIOS[name])):
        japan = np.unique(_gains(scenario, "japan"))[::3]
        russia = np.resize(np.unique(_gains(scenario, "russia")), len(japan))
        names = ["japan.diet_threshold", "russia.federation_council_threshold"]
        _same_fast_and_slow(scenario, names, [japan, russia])


@settings(max_examples=25)
@given(data=st.data(), name=st.sampled_from(BUNDLED), swap=st.booleans())
def test_the_kernel_equals_the_solver_on_random_grids(
    data: st.DataObject, name: str, swap: bool
) -> None:
    scenario = _russia_proposes(SCENARIOS[name]) if swap else SCENARIOS[name]
    grid = data.draw(sweep_grids(scenario, max_parameters=1, max_values=2))
    threshold = data.draw(st.sampled_from(THRESHOLDS))
    grid[threshold] = np.array(
        [data.draw(_thresholds(scenario))[threshold],
         data.draw(st.floats(-0.5, 0.5, allow_nan=False))])
    if data.draw(st.booleans()):
        grid["protocol.objection_cost"] = np.array([0.0, 0.5])
    axes = np.meshgrid(*grid.values(), indexing="ij")
    _same_fast_and_slow(scenario, list(grid), [a.ravel() for a in axes])


def test_a_sweep_over_the_thresholds_is_vectorised() -> None:
    scenario = SCENARIOS["1956-declaration"]
    grid = {"japan.diet_threshold": np.linspace(-0.2, 0.4, 7),
            "russia.duma_threshold": np.linspace(-0.2, 0.2, 5)}
    fast = kurilsim.sweep(scenario, grid, concept="two-level")
    slow = kurilsim.sweep(scenario, grid, concept="two-level", fast=False)
    assert fast.metadata["fast"] is True
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    assert len(np.unique(fast.agreement)) >= 2  # the thresholds matter
