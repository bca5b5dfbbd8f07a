"""Hypothesis properties of extensive-form games (kurilsim.games.extensive).

Random trees (:func:`kurilsim.testing.strategies.extensive_games`) with 1
to 3 players, chance nodes, depth at most 4 and random information sets that
respect perfect recall: a new decision node joins an existing set of its
player only if the player's own (set, action) history and the number of
actions are the same.  The properties check the tree
computations against the reduced strategic form and against an independent
oracle that walks the tree's paths.
"""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kurilsim import (
    DegenerateGameWarning,
    ExtensiveFormGame,
    NormalFormGame,
    PrecisionError,
    ProblemTooLargeError,
    solve_nash,
    solve_spe,
)
from kurilsim.testing.strategies import extensive_games, sequential_games


@st.composite
def behaviour_profiles(
    draw: st.DrawFn, game: ExtensiveFormGame, *, interior: bool = False
) -> tuple[np.ndarray, ...]:
    """A random behaviour profile (pure actions are frequent unless interior)."""
    low = 1 if interior else 0
    out = []
    for infoset in game.infosets:
        weights = np.array(
            [draw(st.integers(low, 4)) for _ in range(infoset.n_actions)], dtype=float
        )
        if weights.sum() == 0:
            weights[draw(st.integers(0, infoset.n_actions - 1))] = 1.0
        out.append(weights / weights.sum())
    return tuple(out)


def strategic_form(game: ExtensiveFormGame, limit: int = 4096) -> NormalFormGame:
    try:
        return game.reduced_strategic_form(max_profiles=limit)
    except ProblemTooLargeError:
        assume(False)
        raise  # unreachable: assume raises


def terminal_probabilities_of_mixed(
    game: ExtensiveFormGame, mixed: tuple[np.ndarray, ...]
) -> np.ndarray:
    """The oracle: each terminal's probability under a mixed profile over
    reduced strategies, by walking each terminal's path."""
    strategies = [game.reduced_strategies(i) for i in range(game.n_players)]
    out = []
    for z in game.terminal_nodes.tolist():
        probability = 1.0
        own: list[dict[int, int]] = [{} for _ in range(game.n_players)]
        node = z
        while game.node_parent[node] >= 0:
            up = int(game.node_parent[node])
            action = int(game.node_action[node])
            if game.node_kind[up] == 1:
                probability *= float(game.chance_probabilities[up][action])
            else:
                own[int(game.node_player[up])][int(game.node_infoset[up])] = action
            node = up
        for i in range(game.n_players):
            probability *= sum(
                float(weight)
                for weight, strategy in zip(mixed[i], strategies[i], strict=True)
                if all(strategy.get(k) == a for k, a in own[i].items())
            )
        out.append(probability)
    return np.array(out)


@st.composite
def mixed_profiles(draw: st.DrawFn, form: NormalFormGame) -> tuple[np.ndarray, ...]:
    out = []
    for m in form.shape:
        weights = np.array([draw(st.integers(0, 3)) for _ in range(m)], dtype=float)
        if weights.sum() == 0:
            weights[0] = 1.0
        out.append(weights / weights.sum())
    return tuple(out)


# ------------------------------------------------------------- properties
@given(st.data())
def test_random_trees_have_perfect_recall(data: st.DataObject) -> None:
    game = data.draw(extensive_games())
    assert game.perfect_recall, game.recall_violations()
    reach = game.realisation_probabilities(data.draw(behaviour_profiles(game)))
    assert reach[0] == 1.0
    assert reach[game.terminal_nodes].sum() == pytest.approx(1.0)


@given(st.data())
def test_behaviour_and_its_mixed_equivalent_agree_on_payoffs_and_regret(
    data: st.DataObject,
) -> None:
    game = data.draw(extensive_games())
    form = strategic_form(game)
    profile = data.draw(behaviour_profiles(game))
    mixed = game.mixed_from_behaviour(profile)
    assert [m.sum() for m in mixed] == pytest.approx([1.0] * game.n_players)
    assert game.expected_payoffs(profile) == pytest.approx(
        form.expected_payoffs(mixed), abs=1e-9
    )
    # the tree's best responses (backward induction over the player's sets)
    # equal the best reduced pure strategies of the strategic form
    assert game.regret(profile) == pytest.approx(form.gains(mixed), abs=1e-9)
    assert game.realisation_probabilities(profile)[game.terminal_nodes] == pytest.approx(
        terminal_probabilities_of_mixed(game, mixed), abs=1e-12
    )


@given(st.data())
def test_behaviour_from_mixed_is_realisation_equivalent(data: st.DataObject) -> None:
    game = data.draw(extensive_games())
    form = strategic_form(game)
    mixed = data.draw(mixed_profiles(form))
    behaviour = game.behaviour_from_mixed(mixed)
    game.check_profile(behaviour)
    expected = terminal_probabilities_of_mixed(game, mixed)
    assert game.realisation_probabilities(behaviour)[game.terminal_nodes] == pytest.approx(
        expected, abs=1e-12
    )
    assert game.expected_payoffs(behaviour) == pytest.approx(
        form.expected_payoffs(mixed), abs=1e-9
    )
    # and back: the mixed equivalent of the behaviour profile reaches the
    # terminals as the original mixed profile does
    again = game.mixed_from_behaviour(behaviour)
    assert terminal_probabilities_of_mixed(game, again) == pytest.approx(expected, abs=1e-12)


@given(st.data())
def test_realisation_plans_satisfy_the_constraints_and_round_trip(
    data: st.DataObject,
) -> None:
    game = data.draw(extensive_games())
    profile = data.draw(behaviour_profiles(game))
    form = game.sequence_form()
    plans = game.realisation_from_behaviour(profile)
    for i, ((matrix, vector), plan) in enumerate(zip(form.constraints, plans, strict=True)):
        sets = game.player_infosets(i)
        assert form.sizes[i] == 1 + sum(game.infosets[k].n_actions for k in sets)
        assert matrix.shape == (1 + len(sets), form.sizes[i])
        assert matrix @ plan == pytest.approx(vector, abs=1e-12)
        assert plan.min() >= 0.0
    # the payoff of the plans is the expected payoff
    if game.n_players == 2:
        a, b = form.payoffs  # type: ignore[misc]
        values = [plans[0] @ a @ plans[1], plans[0] @ b @ plans[1]]
    else:
        table: Any = form.payoffs
        values = sum(
            (
                np.prod([plans[i][s] for i, s in enumerate(cell)]) * payoff
                for cell, payoff in table.items()
            ),
            start=np.zeros(game.n_players),
        )
    assert values == pytest.approx(game.expected_payoffs(profile), abs=1e-9)
    # back to behaviour: equal wherever the player's own plan reaches the set
    back = game.behaviour_from_realisation(plans)
    own = [plans[i] for i in range(game.n_players)]
    for k, infoset in enumerate(game.infosets):
        i = infoset.player
        j = game.player_infosets(i).index(k)
        if own[i][form.parents[i][j]] > 0:
            assert back[k] == pytest.approx(profile[k], abs=1e-12)
        else:
            assert back[k] == pytest.approx(np.full(infoset.n_actions, 1 / infoset.n_actions))


@given(st.data())
def test_equilibria_of_the_reduced_form_have_zero_regret_on_the_tree(
    data: st.DataObject,
) -> None:
    game = data.draw(extensive_games(players=(2,), dyadic=True))
    # at most 100 profiles (10 x 10): all equilibria of a degenerate reduced
    # form by vertex enumeration grow fast with its size (a 20 x 20 form drawn
    # by a random seed once ran for minutes)
    form = strategic_form(game, limit=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        result = solve_nash(form)
    assume(result.equilibria)
    for equilibrium in result.equilibria:
        behaviour = game.behaviour_from_mixed(equilibrium.strategies)
        regret = game.regret(behaviour)
        assert np.all(regret <= 1e-7 * game.payoff_ranges), regret
        assert game.expected_payoffs(behaviour) == pytest.approx(
            equilibrium.payoffs, abs=1e-7
        )


@given(sequential_games(n_players=2, max_depth=4, integer=True))
def test_perfect_information_trees_convert_both_ways(tree: Any) -> None:
    game = ExtensiveFormGame.from_sequential(tree)
    assert game.perfect_recall
    assert ExtensiveFormGame.from_sequential(game.to_sequential()) == game
    spe = solve_spe(tree)
    behaviour = []
    for infoset in game.infosets:
        (node,) = infoset.nodes
        vector = np.zeros(infoset.n_actions)
        vector[int(spe.strategy[node])] = 1.0
        behaviour.append(vector)
    # the subgame-perfect equilibrium is a Nash equilibrium of the tree
    assert game.regret(behaviour) == pytest.approx(np.zeros(2), abs=1e-9)
    assert game.expected_payoffs(behaviour) == pytest.approx(spe.payoffs, abs=1e-9)


@pytest.mark.slow
@given(st.data())
def test_equilibria_of_small_three_player_forms_have_zero_regret(
    data: st.DataObject,
) -> None:
    game = data.draw(extensive_games(players=(3,), max_depth=3, dyadic=True))
    form = strategic_form(game, limit=18)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        try:
            result = solve_nash(form)
        except PrecisionError:
            assume(False)
            raise
    for equilibrium in result.equilibria:
        behaviour = game.behaviour_from_mixed(equilibrium.strategies)
        regret = game.regret(behaviour)
        assert np.all(regret <= 1e-6 * game.payoff_ranges), regret


def below(game: ExtensiveFormGame, node: int, target: int) -> bool:
    while target >= 0:
        if target == node:
            return True
        target = int(game.node_parent[target])
    return False


@given(st.data())
def test_action_values_are_conditional_expected_payoffs(data: st.DataObject) -> None:
    game = data.draw(extensive_games())
    assume(game.infosets)
    profile = data.draw(behaviour_profiles(game, interior=data.draw(st.booleans())))
    values = game.action_values(profile)
    reach = game.realisation_probabilities(profile)
    for k, infoset in enumerate(game.infosets):
        total = reach[list(infoset.nodes)].sum()
        if total <= 0:
            continue
        terminals = [
            j for j, z in enumerate(game.terminal_nodes.tolist())
            if any(below(game, h, z) for h in infoset.nodes)
        ]
        for a in range(infoset.n_actions):
            pure = list(profile)
            pure[k] = np.eye(infoset.n_actions)[a]
            changed = game.realisation_probabilities(pure)[game.terminal_nodes[terminals]]
            expected = changed @ game.terminal_payoffs[terminals, infoset.player] / total
            assert values[k][a] == pytest.approx(expected, abs=1e-9)


def exact_pure_payoffs(
    game: ExtensiveFormGame, profile: tuple[dict[int, int], ...]
) -> list[Fraction]:
    """The oracle in exact arithmetic: a pure profile's expected payoffs, by
    walking each terminal's path with the game's exact values."""
    total = [Fraction(0)] * game.n_players
    for row, z in enumerate(game.terminal_nodes.tolist()):
        weight = Fraction(1)
        node = z
        while game.node_parent[node] >= 0:
            up = int(game.node_parent[node])
            action = int(game.node_action[node])
            if game.node_kind[up] == 1:
                weight *= game.exact_chance_probabilities[up][action]
            elif profile[int(game.node_player[up])].get(int(game.node_infoset[up])) != action:
                weight = Fraction(0)
            node = up
        for i in range(game.n_players):
            total[i] += weight * game.exact_terminal_payoffs[row, i]
    return total


@given(game=extensive_games(exact=True, max_depth=3))
def test_exact_strategic_form_is_the_exact_expectation(game: ExtensiveFormGame) -> None:
    form = strategic_form(game, limit=512)
    strategies = [game.reduced_strategies(i) for i in range(game.n_players)]
    for cell in itertools.product(*(range(len(s)) for s in strategies)):
        profile = tuple(strategies[i][k] for i, k in enumerate(cell))
        expected = exact_pure_payoffs(game, profile)
        assert [form.exact_payoffs[i][cell] for i in range(game.n_players)] == expected
        # the floats are the exact values rounded once
        assert [form.payoffs[i][cell] for i in range(game.n_players)] == [
            float(v) for v in expected
        ]
