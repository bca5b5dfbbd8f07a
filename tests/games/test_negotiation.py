"""Games built from scenarios: the proposal game, its vectorised SPE, the strategic game."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import (
    NO_DEAL,
    AgreementSpace,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Scenario,
    kuril_scenario,
    solve_nash,
    solve_spe,
    spe_outcomes,
)
from kurilsim.games.negotiation import (
    NO_PROPOSAL,
    objectionable,
    proposal_game,
    restricts_objector,
    strategic_game,
    vetoed,
)
from kurilsim.kuril import kuril_protocol
from kurilsim.solvers.proposal import proposal_spe
from tests.bad_arguments import SCENARIO, Case, call, check_named, params

PARAMETERS = st.fixed_dictionaries(
    {
        "japan.demand": st.integers(0, 4),
        "japan.audience_cost": st.floats(0, 1),
        "japan.alliance_cost": st.floats(0, 0.5),
        "russia.security_weight": st.floats(0, 3),
        "russia.pledge_credibility": st.floats(0, 1),
        "russia.economic_value": st.floats(0, 0.3),
        "russia.constitutional_penalty": st.floats(0, 1),
        "united_states.carveout_cost": st.floats(0, 0.5),
        "united_states.detente_value": st.floats(-0.5, 0.5),
        "protocol.objection_cost": st.floats(0, 0.5),
        "protocol.objection_blocks": st.booleans(),
        "protocol.objection_scope": st.sampled_from(["restrictions", "any"]),
    }
)


def vectorised(scenario: Scenario) -> tuple[int, np.ndarray]:
    names = scenario.agent_names
    protocol = scenario.protocol
    agreement, payoffs = proposal_spe(
        scenario.outcome_utilities(),
        objectionable(scenario),
        proposer=names.index(protocol.proposer),
        responder=names.index(protocol.responder),
        objector=names.index(protocol.objector) if protocol.objector else None,
        objection_cost=protocol.objection_cost,
        objection_blocks=protocol.objection_blocks,
        payer=names.index(protocol.payer),
    )
    return int(agreement), payoffs


def test_proposal_game_structure() -> None:
    scenario = kuril_scenario(name="t")
    game = proposal_game(scenario)
    root_actions = game.actions[0]
    assert len(root_actions) == len(scenario.space) + 1
    assert root_actions[-1] == NO_PROPOSAL
    restricted = objectionable(scenario)
    assert restricted.any()
    np.testing.assert_array_equal(
        restricted, restricts_objector(scenario.space, scenario.protocol.objectionable)
    )
    # the objector moves exactly after the restricted proposals
    for index, child in enumerate(game.children[0][:-1]):
        mover = game.players[game.player[child]]
        assert mover == ("united_states" if restricted[index] else "russia")
    # restricted: islands transferred and US forces excluded
    for index in np.flatnonzero(restricted):
        deal = scenario.space[int(index)]
        assert deal["islands"] != "none"
        assert deal["security"] != "us-forces-allowed"


def test_objection_that_blocks_ends_in_status_quo() -> None:
    scenario = kuril_scenario(name="t").with_params({"protocol.objection_blocks": True})
    game = proposal_game(scenario)
    restricted = int(np.flatnonzero(objectionable(scenario))[0])
    us_node = game.children[0][restricted]
    objected = game.children[us_node][1]
    assert game.outcomes[objected] == NO_DEAL


@settings(max_examples=40, deadline=None)
@given(PARAMETERS)
def test_vectorised_spe_equals_backward_induction(params: dict) -> None:  # type: ignore[type-arg]
    scenario = kuril_scenario(name="t").with_params(params)
    tree = solve_spe(proposal_game(scenario))
    agreement, payoffs = vectorised(scenario)
    assert agreement == tree.outcome
    np.testing.assert_allclose(payoffs, tree.payoffs, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(PARAMETERS)
def test_spe_outcome_is_individually_rational_for_veto_players(params: dict) -> None:  # type: ignore[type-arg]
    scenario = kuril_scenario(name="t").with_params(params)
    result = solve_spe(proposal_game(scenario))
    status_quo = scenario.status_quo_utilities()
    names = scenario.agent_names
    # the proposer can always propose nothing, the responder can always reject
    for role in ("proposer", "responder"):
        who = names.index(getattr(scenario.protocol, role))
        assert result.payoffs[who] >= status_quo[who] - 1e-12
    # a blocking objection gives the US a veto over the agreements restricting it
    outcome = result.outcome
    if (
        scenario.protocol.objection_blocks
        and outcome != NO_DEAL
        and objectionable(scenario)[outcome]
    ):
        us = names.index("united_states")
        assert result.payoffs[us] >= status_quo[us] - 1e-12


def test_vectorised_spe_broadcasts_over_parameter_points() -> None:
    scenario = kuril_scenario(name="t")
    weights = np.linspace(0, 3, 7)
    table = scenario.outcome_utilities({"russia.security_weight": weights})
    names = scenario.agent_names
    agreement, payoffs = proposal_spe(
        table,
        objectionable(scenario),
        proposer=0,
        responder=1,
        objector=2,
        objection_cost=scenario.protocol.objection_cost,
    )
    assert agreement.shape == (7,)
    assert payoffs.shape == (7, len(names))
    for k, weight in enumerate(weights):
        point = scenario.with_params({"russia.security_weight": float(weight)})
        assert agreement[k] == solve_spe(proposal_game(point)).outcome


def test_spe_outcomes_lists_the_tie_alternatives() -> None:
    scenario = kuril_scenario(name="t")
    outcomes = spe_outcomes(proposal_game(scenario))
    chosen = solve_spe(proposal_game(scenario))
    assert any(np.allclose(o.payoffs, chosen.payoffs) for o in outcomes)


def test_strategic_game_outcomes_and_equilibria() -> None:
    scenario = kuril_scenario(name="t")
    negotiation = strategic_game(scenario)
    game = negotiation.game
    assert game.players == ("japan", "russia", "united_states")
    n = len(scenario.space)
    assert game.shape[0] == n + 1
    assert game.shape[2] == 2
    # "no proposal" and "concede nothing" never make a deal
    assert np.all(negotiation.outcomes[-1] == NO_DEAL)
    assert np.all(negotiation.outcomes[:, -1] == NO_DEAL)
    pure = solve_nash(game, method="pure")
    assert len(pure.equilibria) > 0
    for equilibrium in pure.equilibria:
        assert game.is_nash(equilibrium.strategies)
        distribution = negotiation.outcome_distribution(equilibrium.strategies)
        assert sum(distribution.values()) == pytest.approx(1.0)
    # the SPE outcome is a pure Nash equilibrium outcome of the strategic game
    spe = solve_spe(proposal_game(scenario)).outcome
    outcomes = {
        max(negotiation.outcome_distribution(e.strategies).items(), key=lambda kv: kv[1])[0]
        for e in pure.equilibria
    }
    assert spe in outcomes


def test_two_player_strategic_game_solvable_by_two_player_methods() -> None:
    scenario = kuril_scenario(name="t", protocol=kurilsim.kuril.kuril_protocol(objector=""))
    negotiation = strategic_game(scenario, proposals=[0, 12, 14, 21, 30])
    game = negotiation.game
    assert game.n_players == 2
    vertex = solve_nash(game, method="vertex")
    assert len(vertex.equilibria) >= 1
    for method in ("lemke-howson", "pure", "enumerate", "logit"):
        result = solve_nash(game, method=method)
        for equilibrium in result.equilibria:
            assert game.is_nash(equilibrium.strategies)


def test_strategic_game_rejects_bad_proposals() -> None:
    with pytest.raises(kurilsim.InvalidModelError, match="proposals"):
        strategic_game(kuril_scenario(name="t"), proposals=[0, 0])
    with pytest.raises(kurilsim.InvalidModelError, match="proposals"):
        strategic_game(kuril_scenario(name="t"), proposals=[99])


# -- a generic model: the objector objects under the protocol's declared rule ------
PRICE = AgreementSpace(
    (
        Issue(
            name="price",
            options=("fair", "low", "dumping"),
            features={"cut": (0.0, 0.5, 1.0), "below_cost": (0.0, 0.0, 1.0)},
        ),
    )
)
TRADERS = (
    LinearAgent(name="buyer", weights={"price.cut": 1.0}),
    LinearAgent(name="seller", weights={"price.cut": -0.5}, status_quo=-1.0),
    LinearAgent(name="regulator", weights={"price.below_cost": -1.0}),
)


def trade(**protocol: Any) -> Scenario:
    settings = {
        "proposer": "buyer",
        "responder": "seller",
        "objector": "regulator",
        "objection_blocks": True,
        "objection_scope": "restrictions",
        "objectionable": "price.below_cost",
    }
    return Scenario(
        name="trade",
        space=PRICE,
        agents=TRADERS,
        protocol=NegotiationProtocol(**{**settings, **protocol}),
    )


def test_generic_objector_objects_under_the_declared_rule() -> None:
    scenario = trade()
    dumping = PRICE.index(PRICE.agreement(price="dumping"))
    low = PRICE.index(PRICE.agreement(price="low"))
    expected = np.zeros(len(PRICE), dtype=bool)
    expected[dumping] = True
    np.testing.assert_array_equal(objectionable(scenario), expected)
    # the regulator moves after the dumping proposal only, and objects there
    game = proposal_game(scenario)
    for index, child in enumerate(game.children[0][:-1]):
        mover = game.players[game.player[child]]
        assert mover == ("regulator" if index == dumping else "seller")
    result = solve_spe(game)
    assert result.outcome == low
    np.testing.assert_allclose(result.payoffs, [0.5, -0.25, 0.0])
    agreement, payoffs = vectorised(scenario)
    assert agreement == low
    np.testing.assert_allclose(payoffs, result.payoffs, atol=1e-12)
    # the strategic game gives the regulator a stance
    negotiation = strategic_game(scenario)
    assert negotiation.game.players == ("buyer", "seller", "regulator")
    assert negotiation.game.strategies[2] == ("consent", "object")
    # without the objection (nobody objects) the buyer gets its dumping price
    assert solve_spe(proposal_game(trade(objector=""))).outcome == dumping
    # ... and under objection_scope="any" the regulator may object to every price
    anything = trade(objection_scope="any", objectionable="")
    assert objectionable(anything).all()
    assert solve_spe(proposal_game(anything)).outcome == low


def test_scenario_refuses_a_rule_naming_no_feature_of_its_space() -> None:
    with pytest.raises(
        InvalidModelError,
        match=r"protocol\.objectionable: rule 'price\.margin': no feature "
        r"'price\.margin' in this space",
    ):
        trade(objectionable="price.margin")
    with pytest.raises(InvalidModelError, match=r"no feature 'islands\.any'"):
        trade(objectionable="islands.any*security.restricts_us")  # the Kuril rule
    # a rule not in force is not checked against the space
    assert trade(objectionable="price.margin", objector="").protocol.objector == ""


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("objectionable-scenario-str", call(objectionable, "default"),
     InvalidModelError, r"scenario must be a Scenario, got 'default'"),
    ("restricts_objector-space-none", call(restricts_objector, None, "x.y"),
     InvalidModelError, r"space must be an AgreementSpace, got None"),
    ("restricts_objector-rule-none", call(restricts_objector, SCENARIO.space, None),
     InvalidModelError, r"rule must be a feature name .* got None"),
    ("restricts_objector-rule-unknown",
     call(restricts_objector, SCENARIO.space, "islands.any*security.us_free"),
     InvalidModelError,
     r"rule 'islands\.any\*security\.us_free': no feature 'security\.us_free'"),
    ("proposal_game-scenario-dict", call(proposal_game, {"name": "default"}),
     InvalidModelError, r"scenario must be a Scenario, got \{'name': 'default'\}"),
    ("strategic_game-scenario-none", call(strategic_game, None),
     InvalidModelError, r"scenario must be a Scenario, got None"),
    ("strategic_game-proposals-int", call(strategic_game, SCENARIO, proposals=3),
     InvalidModelError, r"proposals must be a sequence of agreement indices .* got 3"),
    ("strategic_game-proposals-str", call(strategic_game, SCENARIO, proposals="0"),
     InvalidModelError, r"proposals must be a sequence .* got '0'"),
    ("strategic_game-proposals-float", call(strategic_game, SCENARIO, proposals=[1.5]),
     InvalidModelError, r"proposals must be a sequence .* got \[1\.5\]"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    game = strategic_game(SCENARIO, proposals=np.array([0, 14]))
    assert game.game.shape[0] == 3


# -- who pays for an objection ---------------------------------------------------------
#: Protocols in which each agent of the Kuril case pays, with either side proposing.
PAYERS = st.fixed_dictionaries(
    {
        "russia_proposes": st.booleans(),
        "payer": st.sampled_from(["", "japan", "russia", "united_states"]),
        "blocks": st.booleans(),
        "scope": st.sampled_from(["restrictions", "any"]),
        "cost": st.floats(0, 1),
        "detente": st.floats(-0.5, 0.5),
        "credibility": st.floats(0, 1),
        "treaty": st.floats(0, 0.5),
    }
)


def with_payer(case: dict[str, Any]) -> Scenario:
    roles = (
        {"proposer": "russia", "responder": "japan"} if case["russia_proposes"] else {}
    )
    protocol = kuril_protocol(
        **roles,
        objection_payer=case["payer"],
        objection_blocks=case["blocks"],
        objection_scope=case["scope"],
        objection_cost=case["cost"],
    )
    return kuril_scenario(name="t", protocol=protocol).with_params(
        {
            "united_states.detente_value": case["detente"],
            "russia.pledge_credibility": case["credibility"],
            "russia.treaty_value": case["treaty"],
        }
    )


@settings(max_examples=60, deadline=None)
@given(PAYERS)
def test_vectorised_spe_equals_backward_induction_for_every_payer(
    case: dict[str, Any],
) -> None:
    """The kernel of the sweeps, the array solver and the game tree agree on
    the outcome whoever pays for an objection."""
    scenario = with_payer(case)
    tree = solve_spe(proposal_game(scenario))
    agreement, payoffs = vectorised(scenario)
    assert agreement == tree.outcome
    np.testing.assert_allclose(payoffs, tree.payoffs, atol=1e-12)
    kernel = kurilsim.concepts.get("spe").kernel
    assert kernel is not None
    utilities = np.ascontiguousarray(scenario.outcome_utilities()[:, :, None])
    codes = kernel(scenario, utilities, {})
    assert int(codes[0]) == tree.outcome


def objected_terminals(scenario: Scenario) -> list[tuple[int, int]]:
    """(agreement, node) of each 'object' move that is followed by a choice."""
    game = proposal_game(scenario)
    found = []
    proposals = game.children[0][:-1]
    for index, child in zip(np.flatnonzero(~vetoed(scenario)), proposals, strict=True):
        if game.players[game.player[child]] == scenario.protocol.objector:
            found.append((int(index), game.children[child][1]))
    return found


def test_the_objection_cost_falls_on_the_payer_in_the_game_tree() -> None:
    base = kuril_scenario(name="t", protocol=kuril_protocol(
        proposer="russia", responder="japan", objection_cost=0.7))
    game = proposal_game(base)
    names = base.agent_names
    japan, russia = names.index("japan"), names.index("russia")
    u = base.outcome_utilities()
    found = objected_terminals(base)
    assert found
    for index, node in found:
        proceed, withdraw = game.children[node]
        assert game.payoffs[withdraw].tolist() == u[:, -1].tolist()
        accept, reject = game.children[proceed]
        # Japan, the responder, pays when it accepts; Russia never pays
        assert game.payoffs[accept][japan] == pytest.approx(u[japan, index] - 0.7)
        assert game.payoffs[accept][russia] == u[russia, index]
        assert game.payoffs[reject].tolist() == u[:, -1].tolist()
    # the generic default: the proposer pays on going ahead, accepted or not
    generic = kuril_scenario(name="t", protocol=kuril_protocol(
        proposer="russia", responder="japan", objection_cost=0.7, objection_payer=""))
    game = proposal_game(generic)
    for index, node in objected_terminals(generic):
        accept, reject = game.children[game.children[node][0]]
        assert game.payoffs[accept][russia] == pytest.approx(u[russia, index] - 0.7)
        assert game.payoffs[reject][russia] == pytest.approx(u[russia, -1] - 0.7)
        assert game.payoffs[accept][japan] == u[japan, index]


@pytest.mark.parametrize("blocks", [False, True])
def test_with_russia_proposing_russias_payoff_ignores_the_objection_cost(
    blocks: bool,
) -> None:
    """The US objection strains the US-Japan alliance: with Russia proposing,
    objection_cost never enters Russia's payoffs -- in equilibrium Russia gets
    its utility of the outcome reached, and its payoffs in the game tree and
    the strategic game are the same whatever the cost.  (The outcome itself
    may change with the cost: Japan, who pays, may then reject.)"""
    def scenario(cost: float) -> Scenario:
        return kuril_scenario(name="t", protocol=kuril_protocol(
            proposer="russia", responder="japan", objection_scope="any",
            objection_blocks=blocks, objection_cost=cost,
        )).with_params({"united_states.detente_value": -0.4})

    russia = scenario(0.0).agent_names.index("russia")
    utilities = scenario(0.0).outcome_utilities()[russia]
    trees = [proposal_game(scenario(c)) for c in (0.0, 0.1, 0.5, 2.0, 10.0)]
    for tree in trees:
        result = solve_spe(tree)
        assert result.payoffs[russia] == utilities[result.outcome]
        np.testing.assert_array_equal(tree.payoffs[:, russia], trees[0].payoffs[:, russia])
    games = [strategic_game(scenario(c)).game for c in (0.0, 0.5, 10.0)]
    first = games[0].players.index("russia")
    for game in games[1:]:
        np.testing.assert_array_equal(game.payoffs[first], games[0].payoffs[first])
    if not blocks:  # ... while Japan's payoffs do
        japan = games[0].players.index("japan")
        assert not np.array_equal(games[2].payoffs[japan], games[0].payoffs[japan])


# -- vetoes ------------------------------------------------------------------------------
def vetoing(rule: str) -> Scenario:
    return kuril_scenario(name="t", protocol=kuril_protocol(veto={"russia": rule}))


@pytest.mark.parametrize(
    "rule", ["islands.any", "islands.beyond_1956", "islands.beyond_1956|islands.talks",
             "treaty"]
)
def test_a_veto_removes_exactly_the_vetoed_agreements(rule: str) -> None:
    scenario = vetoing(rule)
    banned = vetoed(scenario)
    np.testing.assert_array_equal(banned, restricts_objector(scenario.space, rule))
    names = [str(a) for a in scenario.space]
    kept = [f"propose {names[k]}" for k in np.flatnonzero(~banned)]
    assert proposal_game(scenario).actions[0] == (*kept, NO_PROPOSAL)
    strategies = strategic_game(scenario).game.strategies[0]
    assert tuple(strategies) == (*kept, NO_PROPOSAL)
    if banned.any():
        with pytest.raises(InvalidModelError, match="vetoed"):
            strategic_game(scenario, proposals=[int(np.flatnonzero(banned)[0])])
