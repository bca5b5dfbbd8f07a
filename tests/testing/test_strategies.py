"""The hypothesis strategies (``src/kurilsim/testing/strategies.py``) draw valid
objects of the requested shapes.

Every strategy builds its object through the public constructors, which
validate; these tests check, beyond "it builds", that the options are honoured
(sizes, bounds, kinds) and that the objects are usable.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim import (
    AgreementSpace,
    BargainingProblem,
    ExtensiveFormGame,
    Issue,
    Japan,
    LinearAgent,
    NormalFormGame,
    Russia,
    Scenario,
    SequentialGame,
    UnitedStates,
)
from kurilsim.testing.strategies import (
    agreement_spaces,
    bargaining_problems,
    extensive_games,
    generic_games,
    issues,
    japan_agents,
    linear_agents,
    mixed_profiles,
    normal_form_games,
    parameter_values,
    permutations_of,
    point_clouds,
    russia_agents,
    scenarios,
    sequential_games,
    sweep_grids,
    symmetric_bargaining_problems,
    united_states_agents,
)

FEW = settings(max_examples=15, deadline=None)


# -- games ------------------------------------------------------------------------------
def _depth(game: ExtensiveFormGame) -> int:
    deepest = 0
    for node in range(game.n_nodes):
        depth, current = 0, node
        while game.node_parent[current] >= 0:
            depth, current = depth + 1, int(game.node_parent[current])
        deepest = max(deepest, depth)
    return deepest


@FEW
@given(extensive_games(players=(2, 3), max_depth=2))
def test_extensive_games_honour_players_depth_and_recall(game: ExtensiveFormGame) -> None:
    assert game.n_players in (2, 3)
    assert _depth(game) <= 2
    assert game.perfect_recall
    assert game.is_float_exact
    assert set(game.terminal_payoffs.ravel().tolist()) <= set(range(-3, 4))
    for probabilities in game.chance_probabilities.values():
        assert abs(probabilities.sum() - 1.0) <= 1e-15


@FEW
@given(extensive_games(dyadic=True))
def test_dyadic_extensive_games_have_chance_in_eighths(game: ExtensiveFormGame) -> None:
    for probabilities in game.chance_probabilities.values():
        assert np.all(probabilities * 8 == np.round(probabilities * 8))
        assert probabilities.sum() == 1.0


@FEW
@given(extensive_games(exact=True))
def test_exact_extensive_games_keep_fractions(game: ExtensiveFormGame) -> None:
    for probabilities in game.exact_chance_probabilities.values():
        assert sum(probabilities) == 1
    denominators = {v.denominator for v in game.exact_terminal_payoffs.ravel()}
    assert denominators <= {1, 3, 7, 10**9 + 7}
    # the floats are the exact values rounded
    assert game.terminal_payoffs.tolist() == [
        [float(v) for v in row] for row in game.exact_terminal_payoffs.tolist()
    ]


@FEW
@given(normal_form_games(n_players=3, min_strategies=2, max_strategies=3, max_abs=5.0))
def test_normal_form_games_have_the_requested_shape_and_bounds(game: NormalFormGame) -> None:
    assert isinstance(game, NormalFormGame)
    assert game.n_players == 3
    assert all(2 <= m <= 3 for m in game.shape)
    for payoff in game.payoffs:
        assert payoff.shape == game.shape
        assert np.all(np.abs(payoff) <= 5.0)


@FEW
@given(normal_form_games(n_players=[1, 3], max_strategies=2))
def test_normal_form_games_draw_the_number_of_players_from_a_list(
    game: NormalFormGame,
) -> None:
    assert game.n_players in (1, 3)


@FEW
@given(normal_form_games(integer=True, max_abs=2))
def test_integer_games_have_small_integer_payoffs(game: NormalFormGame) -> None:
    for payoff in game.payoffs:
        assert np.array_equal(payoff, np.round(payoff))
        assert set(np.unique(payoff)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}


@FEW
@given(normal_form_games(n_players=3, zero_sum=True))
def test_zero_sum_games_have_two_players_and_opposite_payoffs(game: NormalFormGame) -> None:
    assert game.n_players == 2
    assert np.array_equal(game.payoffs[1], -game.payoffs[0])


@FEW
@given(generic_games(n_players=3, min_strategies=2, max_strategies=3))
def test_generic_games_have_the_requested_shape_and_no_ties(game: NormalFormGame) -> None:
    assert game.n_players == 3
    assert all(2 <= m <= 3 for m in game.shape)
    for payoff in game.payoffs:
        assert len(np.unique(payoff)) == payoff.size


@FEW
@given(st.data())
def test_mixed_profiles_are_probability_vectors_of_the_game(data: st.DataObject) -> None:
    game = data.draw(normal_form_games(n_players=[2, 3], max_strategies=4))
    profile = data.draw(mixed_profiles(game))
    assert [len(s) for s in profile] == list(game.shape)
    for strategy in profile:
        assert np.all(strategy >= 0)
        assert abs(strategy.sum() - 1.0) < 1e-12
    game.validate_profile(profile)  # the game accepts it
    assert game.regret(profile) >= 0.0


@FEW
@given(permutations_of(5))
def test_permutations_of_are_permutations(permutation: np.ndarray) -> None:
    assert permutation.dtype == np.intp
    assert sorted(permutation.tolist()) == [0, 1, 2, 3, 4]


@FEW
@given(sequential_games(n_players=3, max_depth=2, max_actions=2, integer=True, chance=False))
def test_sequential_games_honour_players_depth_width_and_payoffs(game: SequentialGame) -> None:
    assert game.players == ("p0", "p1", "p2")
    chance = set(range(game.n_nodes)) - set(game.decision_nodes) - set(game.terminal_nodes)
    assert not chance
    for node in range(game.n_nodes):
        depth, parent = 0, node
        while game.parent[parent] >= 0:
            parent, depth = int(game.parent[parent]), depth + 1
        assert depth <= 2
        assert len(game.children[node]) <= 2
    terminal = game.payoffs[game.terminal_nodes]
    assert terminal.shape[1] == 3
    assert set(np.unique(terminal)) <= {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0}
    assert all(0 <= game.player[n] < 3 for n in game.decision_nodes)


@FEW
@given(sequential_games(max_depth=3, chance=True))
def test_sequential_games_chance_probabilities_sum_to_one(game: SequentialGame) -> None:
    for node in range(game.n_nodes):
        probabilities = game.probabilities[node]
        if len(probabilities):
            assert abs(probabilities.sum() - 1.0) < 1e-12
            assert np.all(probabilities > 0)


# -- negotiation models ---------------------------------------------------------------
@FEW
@given(issues(min_options=2, max_options=3, max_features=2))
def test_issues_have_the_requested_options_and_features(issue: Issue) -> None:
    assert isinstance(issue, Issue)
    assert 2 <= len(issue.options) <= 3
    assert len(set(issue.options)) == len(issue.options)
    assert len(issue.features) <= 2
    for values in issue.features.values():
        assert len(values) == len(issue.options)
        assert all(abs(v) <= 10.0 for v in values)
    assert set(issue.status_quo) <= set(issue.features)


@FEW
@given(issues(name="fish"))
def test_issues_take_the_given_name(issue: Issue) -> None:
    assert issue.name == "fish"


@FEW
@given(agreement_spaces(min_issues=2, max_issues=2, constraint=True))
def test_agreement_spaces_with_a_constraint_are_not_empty(space: AgreementSpace) -> None:
    assert len(space.issue_names) == 2
    assert len(space.constraints) == 1
    assert len(space) >= 1


@FEW
@given(agreement_spaces(max_issues=3, max_options=2, constraint=False))
def test_agreement_spaces_without_constraint_hold_every_combination(
    space: AgreementSpace,
) -> None:
    assert 1 <= len(space.issue_names) <= 3
    assert space.constraints == ()
    assert len(space) == int(np.prod([len(space.issue(n).options) for n in space.issue_names]))


@FEW
@given(parameter_values(Russia, max_abs=3.0))
def test_parameter_values_respect_each_specs_bounds(values: dict[str, float]) -> None:
    specs = {spec.name: spec for spec in Russia.parameter_specs()}
    assert set(values) == set(specs)
    for name, value in values.items():
        low, high = specs[name].bounds
        low = low if np.isfinite(low) else -3.0  # infinite bounds become ±max_abs
        high = high if np.isfinite(high) else max(3.0, low)
        assert low <= value <= high
        if specs[name].integer:
            assert isinstance(value, int)
    Russia(**values)  # valid


@FEW
@given(japan_agents(), russia_agents(), united_states_agents(name="usa"))
def test_the_kuril_agents_are_valid_and_named(
    japan: Japan, russia: Russia, united_states: UnitedStates
) -> None:
    assert (type(japan), type(russia), type(united_states)) == (Japan, Russia, UnitedStates)
    assert (japan.name, russia.name, united_states.name) == ("japan", "russia", "usa")
    assert any(getattr(japan, key) != 0 for key in Japan.ISLAND_WEIGHTS)


@FEW
@given(st.data())
def test_linear_agents_weigh_features_of_their_space(data: st.DataObject) -> None:
    space = data.draw(agreement_spaces())
    agent = data.draw(linear_agents(space, name="a", max_terms=3))
    assert isinstance(agent, LinearAgent)
    assert agent.name == "a"
    assert len(agent.weights) <= 3
    features = set(space.feature_names) - {"status_quo"}
    for term in agent.weights:
        assert set(term.split("*")) <= features, term


@FEW
@given(scenarios(kind="kuril"))
def test_kuril_scenarios_build_and_give_finite_utilities(scenario: Scenario) -> None:
    assert [type(agent) for agent in scenario.agents] == [Japan, Russia, UnitedStates]
    utilities = scenario.outcome_utilities()
    assert utilities.shape == (3, len(scenario.space) + 1)
    assert np.all(np.isfinite(utilities))


@FEW
@given(scenarios(kind="linear"))
def test_linear_scenarios_build_with_a_valid_protocol(scenario: Scenario) -> None:
    names = scenario.agent_names
    assert 2 <= len(names) <= 3
    assert all(isinstance(agent, LinearAgent) for agent in scenario.agents)
    protocol = scenario.protocol
    assert protocol.proposer in names
    assert protocol.responder in names
    assert protocol.proposer != protocol.responder
    assert protocol.objector in ("", *names)
    utilities = scenario.outcome_utilities()
    assert utilities.shape == (len(names), len(scenario.space) + 1)
    assert np.all(np.isfinite(utilities))


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_sweep_grids_name_parameters_of_the_scenario_within_bounds(
    data: st.DataObject,
) -> None:
    scenario = data.draw(scenarios(kind="kuril"))
    grid = data.draw(sweep_grids(scenario, max_parameters=2, max_values=3))
    assert 1 <= len(grid) <= 2
    specs = {
        f"{agent.name}.{spec.name}": spec
        for agent in scenario.agents
        for spec in agent.parameter_specs()  # type: ignore[attr-defined]
    }
    for name, values in grid.items():
        spec = specs[name]
        assert 1 <= len(values) <= 3
        assert len(np.unique(values)) == len(values)
        low, high = spec.bounds
        assert np.all((values >= low) & (values <= high))
        assert values.dtype == (np.int64 if spec.integer else np.float64)
        utilities = scenario.outcome_utilities({name: values})
        assert utilities.shape == (len(values), 3, len(scenario.space) + 1)


# -- bargaining problems -----------------------------------------------------------
@FEW
@given(point_clouds(n_players=3, max_outcomes=4))
def test_point_clouds_have_the_requested_size_and_coordinates(points: np.ndarray) -> None:
    assert points.shape[1] == 3
    assert 1 <= points.shape[0] <= 4
    assert np.all(np.abs(points) <= 1.0)
    assert np.array_equal(points, np.round(points, 3))


@FEW
@given(bargaining_problems(n_players=3, disagreement="below"))
def test_bargaining_problems_below_have_the_disagreement_below_every_point(
    problem: BargainingProblem,
) -> None:
    assert isinstance(problem, BargainingProblem)
    assert problem.n_players == 3
    assert np.all(problem.disagreement <= problem.points.min(axis=0))


@FEW
@given(bargaining_problems(disagreement="inside"))
def test_bargaining_problems_inside_have_the_disagreement_within_reach(
    problem: BargainingProblem,
) -> None:
    low = problem.points.min(axis=0) - 0.5 - 1e-12
    assert np.all(problem.disagreement >= low)
    assert np.all(problem.disagreement <= problem.points.max(axis=0) + 1e-12)


@FEW
@given(symmetric_bargaining_problems(3))
def test_symmetric_bargaining_problems_are_closed_under_cyclic_permutations(
    problem: BargainingProblem,
) -> None:
    points = problem.points
    rolled = np.roll(points, 1, axis=1)

    def rows(array: np.ndarray) -> list[tuple[float, ...]]:
        return sorted(map(tuple, array.tolist()))

    assert rows(rolled) == rows(points)
    d = problem.disagreement
    assert np.all(d == d[0])
    assert np.all(d <= points.min(axis=0))
