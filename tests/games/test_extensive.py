"""Extensive-form games with information sets: structure, profiles, forms."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    Decision,
    ExtensiveFormGame,
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    NormalFormGame,
    ProblemTooLargeError,
    SequentialGame,
    solve_nash,
)
from kurilsim.games.extensive import (
    CHANCE,
    DECISION,
    TERMINAL,
    Chance,
    Choice,
    InformationSet,
    SequenceForm,
    Terminal,
)
from tests.bad_arguments import INF, NAN, Case, call, check_named, params


# --------------------------------------------------------------- games
def beer_quiche(prior_weak: float | Fraction = 0.1) -> ExtensiveFormGame:
    """Cho and Kreps (1987): the sender gets 1 for the breakfast her type
    prefers (beer if strong, quiche if weak) and 2 if the receiver does not
    duel; the receiver gets 1 for dueling a weak or not dueling a strong
    sender."""

    def sender(kind: str) -> Choice:
        strong = kind == "strong"

        def receiver(message: str) -> Choice:
            preferred = float((message == "beer") == strong)
            return Choice(
                "receiver",
                message,
                [
                    ("duel", Terminal((preferred, float(not strong)))),
                    ("walk", Terminal((2.0 + preferred, float(strong)))),
                ],
            )

        return Choice(
            "sender", kind, [("beer", receiver("beer")), ("quiche", receiver("quiche"))]
        )

    return ExtensiveFormGame(
        Chance(
            [("weak", prior_weak, sender("weak")), ("strong", 1 - prior_weak, sender("strong"))]
        ),
        players=["sender", "receiver"],
        title="Beer-Quiche",
    )


# information sets of beer_quiche(), in order
WEAK, BEER, QUICHE, STRONG = 0, 1, 2, 3
DUEL, WALK = [1.0, 0.0], [0.0, 1.0]
B, Q = [1.0, 0.0], [0.0, 1.0]
POOL_BEER = (B, WALK, DUEL, B)  # pooling on beer; quiche deterred by a duel
SEPARATING = (Q, WALK, DUEL, B)  # weak quiche, strong beer; receiver duels quiche


def battle() -> ExtensiveFormGame:
    """Battle of the sexes, B moving without seeing A's move."""

    def b(left: tuple[float, float], right: tuple[float, float]) -> Choice:
        return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])

    return ExtensiveFormGame(
        Choice("A", "a", [("U", b((3, 1), (0, 0))), ("D", b((0, 0), (1, 3)))]),
        players=["A", "B"],
    )


def absent_minded_driver() -> ExtensiveFormGame:
    """Piccione and Rubinstein (1997): exit at the first junction 0, at the
    second 4, continue past both 1; the driver cannot tell the junctions
    apart."""
    second = Choice("driver", "junction", [("B", Terminal((1,))), ("E", Terminal((4,)))])
    return ExtensiveFormGame(
        Choice("driver", "junction", [("B", second), ("E", Terminal((0,)))]),
        players=["driver"],
    )


def forgetful() -> ExtensiveFormGame:
    """The player forgets her own first action."""

    def later(good: str) -> Choice:
        return Choice(
            "p",
            "later",
            [(a, Terminal((1.0 if a == good else 0.0,))) for a in ("a", "b")],
        )

    return ExtensiveFormGame(
        Choice("p", "first", [("L", later("a")), ("R", later("b"))]), players=["p"]
    )


# ----------------------------------------------------------- structure
def test_flattened_arrays_follow_prefix_order() -> None:
    game = beer_quiche()
    assert game.n_nodes == 15
    assert game.n_players == 2
    assert game.node_kind[0] == CHANCE
    assert game.node_kind.tolist().count(TERMINAL) == 8
    assert game.node_kind.tolist().count(DECISION) == 6
    assert game.node_parent.tolist()[:4] == [-1, 0, 1, 2]
    assert game.node_action.tolist()[:4] == [-1, 0, 0, 0]
    assert game.node_children[0] == (1, 8)
    assert game.node_actions[0] == ("weak", "strong")
    assert game.chance_probabilities[0].tolist() == [0.1, 0.9]
    assert set(game.chance_probabilities) == {0}
    assert [s.key for s in game.infosets] == ["weak", "beer", "quiche", "strong"]
    assert game.infosets[BEER] == InformationSet(
        player=1, key="beer", actions=("duel", "walk"), nodes=(2, 9), label="beer"
    )
    assert game.node_infoset[[2, 9]].tolist() == [BEER, BEER]
    assert game.node_player[[1, 2, 8]].tolist() == [0, 1, 0]
    assert game.player_infosets("receiver") == (BEER, QUICHE)
    assert game.player_infosets(0) == (WEAK, STRONG)
    assert game.terminal_nodes.tolist() == [3, 4, 6, 7, 10, 11, 13, 14]
    assert game.terminal_payoffs[0].tolist() == [0.0, 1.0]  # weak, beer, duel
    assert game.terminal_outcomes == (None,) * 8
    assert game.payoff_ranges.tolist() == [3.0, 1.0]
    assert game.perfect_recall
    assert game.recall_violations() == []


def test_arrays_are_read_only() -> None:
    game = battle()
    with pytest.raises(ValueError, match="read-only"):
        game.node_kind[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        game.terminal_payoffs[0, 0] = 1.0
    with pytest.raises(TypeError):
        game.chance_probabilities[0] = np.ones(1)  # type: ignore[index]


def test_plain_decision_nodes_are_singleton_sets() -> None:
    game = ExtensiveFormGame(
        Decision("a", {"x": Choice("b", 7, {"y": Terminal((1, 2))}), "z": Terminal((0, 0))}),
        players=["a", "b"],
    )
    assert [s.key for s in game.infosets] == [("node", 0), 7]
    assert [s.label for s in game.infosets] == ["", ""]


def test_infoset_labels_are_shared_by_the_set() -> None:
    game = ExtensiveFormGame(
        Choice(
            0,
            1,
            [
                ("L", Choice(1, 1, [("x", Terminal((1, 0)))], infoset_label="after")),
                ("R", Choice(1, 1, [("x", Terminal((0, 1)))])),
            ],
        ),
        players=["p", "q"],
    )
    assert game.infosets[1].label == "after"
    assert game.infoset_description(1) == "information set 'after' of player 'q'"


def test_node_description_names_the_history() -> None:
    game = beer_quiche()
    assert game.node_description(0) == "node 0 (root)"
    assert game.node_description(3) == "node 3 (weak / beer / duel)"


# -------------------------------------------------------- perfect recall
def test_absent_mindedness_is_a_recall_violation() -> None:
    game = absent_minded_driver()
    assert not game.perfect_recall
    (violation,) = game.recall_violations()
    assert "information set 'junction' of player 'driver'" in violation
    assert "absent-mindedness" in violation
    assert "node 0 (root)" in violation
    assert "node 1 (B)" in violation


def test_forgetting_an_own_action_is_a_recall_violation() -> None:
    game = forgetful()
    assert not game.perfect_recall
    (violation,) = game.recall_violations()
    assert "'later' of player 'p'" in violation
    assert "first:L" in violation
    assert "first:R" in violation


def test_forgetting_the_other_players_move_is_perfect_recall() -> None:
    assert battle().perfect_recall
    assert beer_quiche().perfect_recall


@pytest.mark.parametrize(
    "method",
    [
        lambda g: g.sequence_form(),
        lambda g: g.realisation_from_behaviour(g.uniform_profile()),
        lambda g: g.mixed_from_behaviour(g.uniform_profile()),
        lambda g: g.behaviour_from_mixed([[1.0, 0.0, 0.0, 0.0]]),
    ],
)
def test_methods_needing_perfect_recall_refuse_without_it(
    method: Callable[[ExtensiveFormGame], Any],
) -> None:
    with pytest.raises(InvalidGameError, match=r"needs perfect recall.*'later'"):
        method(forgetful())


def test_regret_without_perfect_recall_enumerates_pure_strategies() -> None:
    driver = absent_minded_driver()
    # pure strategies: always exit (0) or always continue (1)
    assert driver.regret(([0.0, 1.0],)).tolist() == [1.0]
    assert driver.regret(([1.0, 0.0],)).tolist() == [0.0]
    # the behaviour strategy "continue with 1/2" earns 1/4 * 4 + 1/4 * 1 = 1.25,
    # more than any pure strategy: no regret
    assert driver.expected_payoffs(([0.5, 0.5],)).tolist() == [1.25]
    assert driver.regret(([0.5, 0.5],)).tolist() == [0.0]
    form = driver.reduced_strategic_form()
    assert form.strategies == (("1", "2"),)
    assert form.payoffs[0].tolist() == [1.0, 0.0]


def test_a_player_without_sets_in_a_game_without_perfect_recall() -> None:
    # the absent-minded driver with a passenger who never moves: the
    # passenger's only (empty) strategy; before the fix enumerating it
    # crashed with a raw "cannot reshape array of size 0" ValueError in
    # regret, reduced_strategic_form and solve_nash
    second = Choice(
        "driver", "junction", [("B", Terminal((1, 0))), ("E", Terminal((4, 0)))]
    )
    game = ExtensiveFormGame(
        Choice("driver", "junction", [("B", second), ("E", Terminal((0, 0)))]),
        players=["driver", "passenger"],
    )
    assert not game.perfect_recall
    assert game.regret(([0.0, 1.0],)).tolist() == [1.0, 0.0]
    form = game.reduced_strategic_form()
    assert form.shape == (2, 1)
    assert sorted(form.payoffs[0].ravel().tolist()) == [0.0, 1.0]


def test_regret_when_forgetting_own_action() -> None:
    game = forgetful()
    # the best pure strategy earns 1 (L then a); mixing at "later" evenly earns 1/2
    assert game.regret(([1.0, 0.0], [0.5, 0.5])).tolist() == [0.5]
    assert game.reduced_strategic_form().shape == (4,)


# ------------------------------------------------------------- profiles
def test_realisation_probabilities_and_payoffs_of_beer_quiche() -> None:
    game = beer_quiche()
    reach = game.realisation_probabilities(POOL_BEER)
    assert reach[[0, 1, 8]].tolist() == [1.0, 0.1, 0.9]
    assert reach[[2, 9, 5, 12]].tolist() == [0.1, 0.9, 0.0, 0.0]
    assert reach[game.terminal_nodes].sum() == pytest.approx(1.0)
    # weak: beer, walk -> 2; strong: beer, walk -> 3
    assert game.expected_payoffs(POOL_BEER) == pytest.approx([0.1 * 2 + 0.9 * 3, 0.9])


def test_beliefs_use_bayes_on_the_path_and_none_off_it() -> None:
    weak, beer, quiche, strong = beer_quiche().beliefs(POOL_BEER)
    assert weak is not None
    assert weak.tolist() == [1.0]
    assert beer is not None
    assert beer == pytest.approx([0.1, 0.9])
    assert quiche is None
    assert strong is not None


def test_action_values_condition_on_the_set() -> None:
    game = beer_quiche()
    values = game.action_values(POOL_BEER)
    # after beer the receiver believes (0.1, 0.9): duel pays 0.1, walking 0.9
    assert values[BEER] == pytest.approx([0.1, 0.9])
    # quiche is off the path because the sender never sends it: with no
    # belief given, the belief is uniform
    assert values[QUICHE] == pytest.approx([0.5, 0.5])
    assert values[WEAK] == pytest.approx([2.0, 1.0])  # beer: walk; quiche: duel
    beliefs = [None, None, [1.0, 0.0], None]
    assert game.action_values(POOL_BEER, beliefs)[QUICHE] == pytest.approx([1.0, 0.0])


def test_action_values_after_an_own_deviation_use_the_others_odds() -> None:
    # chance picks the state, unseen by A; A's second set is unreached when
    # she stops, and she would then believe chance's odds (0.2, 0.8)
    def go_on(state: float) -> Choice:
        return Choice("A", 2, [("x", Terminal((state,))), ("y", Terminal((1 - state,)))])

    def first(state: float) -> Choice:
        return Choice("A", 1, [("stop", Terminal((0.5,))), ("go", go_on(state))])

    game = ExtensiveFormGame(
        Chance([("s1", 0.2, first(1.0)), ("s0", 0.8, first(0.0))]), players=["A"]
    )
    assert game.perfect_recall
    profile = ([1.0, 0.0], [0.5, 0.5])
    assert game.beliefs(profile)[1] is None
    assert game.action_values(profile)[1] == pytest.approx([0.2, 0.8])
    assert game.action_values(profile)[0] == pytest.approx([0.5, 0.5])
    assert game.regret(profile) == pytest.approx([0.8 - 0.5])


def test_regret_of_an_equilibrium_is_zero_and_of_a_non_equilibrium_exact() -> None:
    game = beer_quiche()
    assert game.regret(POOL_BEER).tolist() == [0.0, 0.0]
    # separating: the weak type (prob 0.1) gains 2 - 1 = 1 by mimicking beer
    assert game.regret(SEPARATING) == pytest.approx([0.1, 0.0])
    assert game.best_response_values(SEPARATING) == pytest.approx(
        np.add(game.expected_payoffs(SEPARATING), [0.1, 0.0])
    )
    # uniform: the receiver should duel after nothing (walk pays 0.9 > 0.1)
    uniform = game.uniform_profile()
    assert game.regret(uniform)[1] == pytest.approx(0.9 - 0.5)


def test_regret_matches_the_normal_form_on_battle_of_the_sexes() -> None:
    game = battle()
    form = game.reduced_strategic_form()
    assert form.shape == (2, 2)
    profile = ([0.25, 0.75], [0.6, 0.4])
    assert game.regret(profile) == pytest.approx(form.gains(profile))
    assert game.regret(([0.75, 0.25], [0.25, 0.75])) == pytest.approx([0.0, 0.0])


def test_uniform_and_checked_profiles() -> None:
    game = beer_quiche()
    uniform = game.uniform_profile()
    assert [u.tolist() for u in uniform] == [[0.5, 0.5]] * 4
    checked = game.check_profile([[1, 0], (0.5, 0.5), np.array([0, 1]), [0.25, 0.75]])
    assert all(c.dtype == np.float64 for c in checked)


@pytest.mark.parametrize(
    ("profile", "match"),
    [
        ([[1.0, 0.0]] * 3, r"one probability vector per information set \(4\), got 3"),
        ("xx", "must be a sequence"),
        ([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0]],
         r"'strong' of player 'sender' \(set 3\) must have shape \(2,\)"),
        ([[1.0, 0.0], [-0.5, 1.5], [1.0, 0.0], [1.0, 0.0]],
         r"'beer' of player 'receiver' \(set 1\) is not a probability vector"),
        ([[1.0, 0.0], [0.5, 0.4], [1.0, 0.0], [1.0, 0.0]], r"sum 0\.9"),
        ([[1.0, 0.0], [1.0, 0.0], [np.nan, 1.0], [1.0, 0.0]],
         r"'quiche' .* non-finite entries: \[nan, 1\.0\]"),
        ([[1.0, 0.0], [1.0, 0.0], ["a", "b"], [1.0, 0.0]], "vector of 2 probabilities"),
    ],
)
def test_bad_profiles_name_the_set(profile: Any, match: str) -> None:
    with pytest.raises(InvalidProfileError, match=match):
        beer_quiche().regret(profile)


def test_bad_beliefs_name_the_set() -> None:
    game = beer_quiche()
    with pytest.raises(InvalidProfileError, match=r"belief at information set 'quiche'"):
        game.action_values(POOL_BEER, [None, None, [0.5, 0.6], None])
    with pytest.raises(InvalidProfileError, match="one entry per information set"):
        game.action_values(POOL_BEER, [None])


def test_bad_tolerance_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="tol must be a number >= 0"):
        battle().check_profile(battle().uniform_profile(), tol=-1.0)


# ------------------------------------------------- reduced strategic form
def test_beer_quiche_reduced_strategic_form_is_four_by_four() -> None:
    game = beer_quiche()
    form = game.reduced_strategic_form()
    assert isinstance(form, NormalFormGame)
    assert form.shape == (4, 4)
    assert form.players == ("sender", "receiver")
    assert form.strategies == (("11", "12", "21", "22"), ("11", "12", "21", "22"))
    # sender "11" (beer whatever her type) against receiver "21" (walk after
    # beer, duel after quiche): 0.1 * 2 + 0.9 * 3 and 0.9
    assert form.payoffs[0][0, 2] == pytest.approx(2.9)
    assert form.payoffs[1][0, 2] == pytest.approx(0.9)
    assert game.reduced_strategies("receiver")[2] == {BEER: 1, QUICHE: 0}


def test_reduced_strategies_leave_out_unreachable_sets() -> None:
    game = ExtensiveFormGame(
        Choice(
            "A",
            1,
            [
                ("out", Terminal((2, 2))),
                ("in", Choice("B", 1, [
                    ("fight", Terminal((0, 0))),
                    ("yield", Choice("A", 2, [("a", Terminal((3, 1))), ("b", Terminal((1, 3)))])),
                ])),
            ],
        ),
        players=["A", "B"],
    )
    assert game.reduced_strategies("A") == ({0: 0}, {0: 1, 2: 0}, {0: 1, 2: 1})
    assert game.strategy_labels("A") == ("1*", "21", "22")
    form = game.reduced_strategic_form()
    assert form.payoffs[1].tolist() == [[2.0, 2.0], [0.0, 1.0], [0.0, 3.0]]


def test_a_player_without_moves_has_one_strategy() -> None:
    game = ExtensiveFormGame(
        Choice("a", 1, [("x", Terminal((1, 5))), ("y", Terminal((0, 6)))]),
        players=["a", "bystander"],
    )
    form = game.reduced_strategic_form()
    assert form.shape == (2, 1)
    assert form.strategies[1] == ("-",)
    assert form.payoffs[1].ravel().tolist() == [5.0, 6.0]


def independent_choices(n: int) -> ExtensiveFormGame:
    """Chance picks one of n rooms; in each, a chooses and b, not seeing a's
    choice, chooses: each player has 2**n reduced strategies."""

    def room(k: int) -> Choice:
        def b(first: int) -> Choice:
            return Choice("b", k, [(m, Terminal((first, j))) for j, m in enumerate("uv")])

        return Choice("a", k, [("x", b(0)), ("y", b(1))])

    return ExtensiveFormGame(
        Chance([(f"room {k}", 1 / n, room(k)) for k in range(n)]), players=["a", "b"]
    )


def test_strategic_form_too_large_is_refused_naming_the_count() -> None:
    game = independent_choices(10)
    assert game.perfect_recall
    with pytest.raises(
        ProblemTooLargeError,
        match=r"would have 1048576 strategy profiles \(shape 1024 x 1024\), more than "
        r"max_profiles=1000000",
    ) as info:
        game.reduced_strategic_form()
    assert info.value.estimate == 2.0**20
    small = independent_choices(2)
    assert small.reduced_strategic_form(max_profiles=16).shape == (4, 4)
    with pytest.raises(ProblemTooLargeError, match="max_profiles=15"):
        small.reduced_strategic_form(max_profiles=15)


def test_kuhn_conversions_on_beer_quiche() -> None:
    game = beer_quiche()
    form = game.reduced_strategic_form()
    profile = ([0.3, 0.7], [0.2, 0.8], [0.6, 0.4], [0.9, 0.1])
    mixed = game.mixed_from_behaviour(profile)
    assert [m.sum() for m in mixed] == pytest.approx([1.0, 1.0])
    assert form.expected_payoffs(mixed) == pytest.approx(game.expected_payoffs(profile))
    back = game.behaviour_from_mixed(mixed)
    for b, p in zip(back, profile, strict=True):
        assert b == pytest.approx(p)


def test_behaviour_from_mixed_is_uniform_where_unreached() -> None:
    game = ExtensiveFormGame(
        Choice("A", 1, [
            ("out", Terminal((2, 2))),
            ("in", Choice("A", 2, [("a", Terminal((3, 1))), ("b", Terminal((1, 3)))])),
        ]),
        players=["A", "B"],
    )
    (first, second) = game.behaviour_from_mixed([[1.0, 0.0, 0.0], [1.0]])
    assert first.tolist() == [1.0, 0.0]
    assert second.tolist() == [0.5, 0.5]


def test_bad_mixed_profiles_name_the_player() -> None:
    game = beer_quiche()
    with pytest.raises(InvalidProfileError, match=r"one vector per player \(2\), got 1"):
        game.behaviour_from_mixed([[1.0, 0, 0, 0]])
    with pytest.raises(InvalidProfileError, match=r"player 'receiver' must have shape \(4,\)"):
        game.behaviour_from_mixed([[1.0, 0, 0, 0], [1.0, 0.0]])
    with pytest.raises(InvalidProfileError, match=r"player 'sender' is not a probability"):
        game.behaviour_from_mixed([[1.0, 1.0, 0, 0], [1.0, 0, 0, 0]])


def test_equilibria_of_the_strategic_form_map_to_zero_regret() -> None:
    game = beer_quiche()
    result = solve_nash(game.reduced_strategic_form())
    assert result.equilibria
    for equilibrium in result.equilibria:
        behaviour = game.behaviour_from_mixed(equilibrium.strategies)
        assert game.regret(behaviour) == pytest.approx([0.0, 0.0], abs=1e-9)
        assert game.expected_payoffs(behaviour) == pytest.approx(equilibrium.payoffs)


# ---------------------------------------------------------- sequence form
def test_sequence_form_of_beer_quiche() -> None:
    game = beer_quiche()
    form = game.sequence_form()
    assert isinstance(form, SequenceForm)
    assert form.sizes == (5, 5)  # 1 + 2 sets x 2 actions each
    assert form.sequences[0] == ("", "weak:beer", "weak:quiche", "strong:beer", "strong:quiche")
    assert form.infosets == ((WEAK, STRONG), (BEER, QUICHE))
    matrix, vector = form.constraints[1]
    assert matrix.tolist() == [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [-1.0, 1.0, 1.0, 0.0, 0.0],
        [-1.0, 0.0, 0.0, 1.0, 1.0],
    ]
    assert vector.tolist() == [1.0, 0.0, 0.0]
    assert isinstance(form.payoffs, tuple)
    a, b = form.payoffs
    assert a.shape == b.shape == (5, 5)
    # weak (0.1) drinks beer and the receiver duels: sender 0, receiver 1
    assert a[1, 1] == pytest.approx(0.0)
    assert b[1, 1] == pytest.approx(0.1)
    assert a[3, 2] == pytest.approx(0.9 * 3)
    # payoff of realisation plans = expected payoff
    plans = game.realisation_from_behaviour(POOL_BEER)
    assert plans[0] @ a @ plans[1] == pytest.approx(game.expected_payoffs(POOL_BEER)[0])
    assert plans[0] @ b @ plans[1] == pytest.approx(game.expected_payoffs(POOL_BEER)[1])


def test_sequence_form_sizes_and_constraints_of_a_deeper_game() -> None:
    game = ExtensiveFormGame(
        Choice("A", 1, [
            ("out", Terminal((2, 2))),
            ("in", Choice("B", 1, [
                ("fight", Terminal((0, 0))),
                ("yield", Choice("A", 2, [("a", Terminal((3, 1))), ("b", Terminal((1, 3)))])),
            ])),
        ]),
        players=["A", "B"],
    )
    form = game.sequence_form()
    assert form.sizes == (5, 3)
    assert form.parents[0].tolist() == [0, 2]  # set 2 follows the sequence "in"
    profile = ([0.4, 0.6], [0.3, 0.7], [0.8, 0.2])
    plans = game.realisation_from_behaviour(profile)
    assert plans[0] == pytest.approx([1.0, 0.4, 0.6, 0.48, 0.12])
    for (matrix, vector), plan in zip(form.constraints, plans, strict=True):
        assert matrix @ plan == pytest.approx(vector)
    back = game.behaviour_from_realisation(plans)
    for b, p in zip(back, profile, strict=True):
        assert b == pytest.approx(p)
    # the set after "in" is unreachable if A goes out: uniform there
    out = game.behaviour_from_realisation([[1, 1, 0, 0, 0], [1, 1, 0]])
    assert out[2].tolist() == [0.5, 0.5]
    assert form.terminal_sequences.tolist() == [[1, 0], [2, 1], [3, 2], [4, 2]]


def test_sequence_form_of_three_players_is_a_table() -> None:
    game = ExtensiveFormGame(
        Chance([
            ("h", 0.5, Choice(0, 1, [("x", Choice(1, 1, [("y", Choice(2, 1, [
                ("z", Terminal((1, 2, 3))), ("w", Terminal((0, 0, 0)))]))]))])),
            ("t", 0.5, Terminal((4, 4, 4))),
        ]),
        players=["a", "b", "c"],
    )
    form = game.sequence_form()
    assert form.sizes == (2, 2, 3)
    assert isinstance(form.payoffs, dict) or hasattr(form.payoffs, "keys")
    table = dict(form.payoffs)  # type: ignore[arg-type]
    assert table[(1, 1, 1)] == pytest.approx([0.5, 1.0, 1.5])
    assert table[(0, 0, 0)] == pytest.approx([2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    ("plans", "match"),
    [
        ([[1, 1, 0, 0, 0]], r"one realisation plan per player \(2\), got 1"),
        ([[1, 1, 0, 0], [1, 1, 0]], r"player 'A' must be 5 finite numbers"),
        ([[1, 1, 0, 0, 0], [1, -1, 2]], r"player 'B' must be 3 finite numbers"),
        ([[1, 1, 0, 0, 0], [0.5, 0.5, 0]], "empty sequence 1"),
        ([[1, 0.4, 0.6, 0.1, 0.1], [1, 1, 0]], r"constraint of information set 2"),
        ([[1, 0.4, 0.6, 0.6, np.nan], [1, 1, 0]], "finite numbers"),
    ],
)
def test_bad_realisation_plans_name_the_problem(plans: Any, match: str) -> None:
    game = ExtensiveFormGame(
        Choice("A", 1, [
            ("out", Terminal((2, 2))),
            ("in", Choice("B", 1, [
                ("fight", Terminal((0, 0))),
                ("yield", Choice("A", 2, [("a", Terminal((3, 1))), ("b", Terminal((1, 3)))])),
            ])),
        ]),
        players=["A", "B"],
    )
    with pytest.raises(InvalidProfileError, match=match):
        game.behaviour_from_realisation(plans)


# ------------------------------------------------------------ conversions
def ultimatum() -> SequentialGame:
    def respond(offer: int) -> Decision:
        return Decision(
            "responder",
            {"accept": Terminal((2 - offer, offer), outcome=offer), "reject": Terminal((0, 0))},
        )

    return SequentialGame(
        Decision("proposer", {f"offer {k}": respond(k) for k in range(3)}),
        players=["proposer", "responder"],
    )


def test_from_sequential_keeps_the_tree_and_outcomes() -> None:
    tree = ultimatum()
    game = ExtensiveFormGame.from_sequential(tree)
    assert game.n_nodes == tree.n_nodes == 10
    assert game.terminal_outcomes == (0, None, 1, None, 2, None)
    assert all(len(s.nodes) == 1 for s in game.infosets)
    assert game.perfect_recall
    np.testing.assert_array_equal(game.to_sequential().payoffs, tree.payoffs)
    assert game.to_sequential().outcomes == tree.outcomes
    again = ExtensiveFormGame.from_sequential(game.to_sequential())
    assert again == game


def test_from_sequential_gives_the_spe_payoffs_as_a_zero_regret_profile() -> None:
    tree = ultimatum()
    game = ExtensiveFormGame.from_sequential(tree)
    spe = kurilsim.solve_spe(tree)
    # the SPE as a behaviour profile: at each decision node, its action
    behaviour = []
    for infoset in game.infosets:
        (node,) = infoset.nodes
        vector = np.zeros(infoset.n_actions)
        vector[int(spe.strategy[node])] = 1.0
        behaviour.append(vector)
    assert game.regret(behaviour) == pytest.approx([0.0, 0.0])
    assert game.expected_payoffs(behaviour) == pytest.approx(spe.payoffs)


def test_to_sequential_needs_perfect_information() -> None:
    with pytest.raises(InvalidGameError, match=r"information set 'b' of player 'B' has 2 nodes"):
        battle().to_sequential()
    with pytest.raises(InvalidArgumentError, match="must be a SequentialGame"):
        ExtensiveFormGame.from_sequential(battle())  # type: ignore[arg-type]


def test_chance_nodes_survive_the_round_trip() -> None:
    tree = SequentialGame(
        Chance([("h", 0.25, Decision(0, {"x": Terminal((1,)), "y": Terminal((2,))})),
                ("t", 0.75, Terminal((3,)))]),
        players=["a"],
    )
    game = ExtensiveFormGame.from_sequential(tree)
    assert game.expected_payoffs(([0.0, 1.0],)).tolist() == [0.25 * 2 + 0.75 * 3]
    back = game.to_sequential()
    assert back.probabilities[0].tolist() == [0.25, 0.75]


# ----------------------------------------------------- equality and repr
def test_equality_by_value_ignores_title_and_keys() -> None:
    assert beer_quiche() == beer_quiche()
    assert hash(beer_quiche()) == hash(beer_quiche())
    assert beer_quiche() != beer_quiche(prior_weak=0.2)
    assert beer_quiche() != battle()
    renamed = ExtensiveFormGame(beer_quiche().root, players=["sender", "receiver"], title="x")
    assert renamed == beer_quiche()
    keyed = ExtensiveFormGame(
        Choice("A", 10, [("U", Choice("B", 20, [("l", Terminal((3, 1))), ("r", Terminal((0, 0)))])),
                         ("D", Choice("B", 20, [("l", Terminal((0, 0))), ("r", Terminal((1, 3)))]))]),
        players=["A", "B"],
    )
    assert keyed != battle()  # the labels differ: 'a', 'b' are string keys
    assert [s.label for s in keyed.infosets] == ["", ""]
    assert (battle() == "battle") is False


def test_outcomes_and_node_labels_count_for_equality() -> None:
    def game(outcome: object, label: str) -> ExtensiveFormGame:
        return ExtensiveFormGame(
            Choice(0, 1, [("x", Terminal((1,), outcome=outcome, label=label))]), players=["a"]
        )

    assert game(1, "") == game(1, "")
    assert game(1, "") != game(2, "")
    assert game(1, "") != game(1, "leaf")


def test_repr_is_a_short_summary() -> None:
    text = repr(beer_quiche())
    assert text == (
        "ExtensiveFormGame('Beer-Quiche', players=['sender', 'receiver'], nodes=15, "
        "infosets=4, terminals=8, perfect recall)"
    )
    assert str(absent_minded_driver()).endswith("imperfect recall)")


# ------------------------------------------------------------- bad trees
@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: ExtensiveFormGame(Choice("c", 1, {"x": Terminal((1, 2))}), ["a", "b"]),
         r"node 0 \(root\): unknown player 'c'; players are \['a', 'b'\]"),
        (lambda: ExtensiveFormGame(Choice(2, 1, {"x": Terminal((1, 2))}), ["a", "b"]),
         "player index 2 out of range for 2 players"),
        (lambda: Choice(True, 1, {"x": Terminal((1,))}), "player must be a name or an index"),
        (lambda: Choice(0, [1], {"x": Terminal((1,))}), r"hashable key.*\[1\]"),
        (lambda: Choice(0, 1, {}), "Choice node needs at least one move"),
        (lambda: Choice(0, 1, [("x", Terminal((1,))), ("x", Terminal((2,)))]),
         r"Choice node has duplicate actions \['x'\]"),
        (lambda: Choice(0, 1, {"x": 3}), "Terminal, Decision or Chance"),
        (lambda: Choice(0, 1, {"x": Terminal((1,))}, infoset_label=2), "infoset_label must be"),
        (lambda: Chance([("h", 0.5, Terminal((1,))), ("t", 0.6, Terminal((1,)))]),
         r"sum to 1, got \[0\.5, 0\.6\]"),
        (lambda: Chance([("h", -0.5, Terminal((1,))), ("t", 1.5, Terminal((1,)))]), ">= 0"),
        (lambda: Terminal((1.0, float("inf"))), "finite"),
        (lambda: ExtensiveFormGame(Choice(0, 1, {"x": Terminal((1, 2, 3))}), ["a", "b"]),
         r"node 1 \(x\) has 3 payoffs, expected 2"),
        (lambda: ExtensiveFormGame(Terminal((1,)), ["a", "a"]), "duplicate player"),
        (lambda: ExtensiveFormGame(Terminal((1,)), []), "non-empty sequence of names"),
        (lambda: ExtensiveFormGame(None, ["a"]), "root must be a Choice"),  # type: ignore[arg-type]
        (lambda: ExtensiveFormGame(Terminal((1,)), ["a"], title=3), "title must be a string"),  # type: ignore[arg-type]
    ],
)
def test_bad_trees_raise_clear_errors(build: Callable[[], object], match: str) -> None:
    with pytest.raises(InvalidGameError, match=match):
        build()


def test_nodes_of_one_set_need_the_same_actions() -> None:
    with pytest.raises(
        InvalidGameError,
        match=(
            r"information set 'y' of player 'q': node 3 \(R\) has actions \['b'\] but "
            r"node 1 \(L\) has \['a'\]"
        ),
    ):
        ExtensiveFormGame(
            Choice(0, "x", [("L", Choice(1, "y", [("a", Terminal((1, 0)))])),
                            ("R", Choice(1, "y", [("b", Terminal((1, 0)))]))]),
            players=["p", "q"],
        )


def test_a_set_with_two_labels_is_refused() -> None:
    with pytest.raises(InvalidGameError, match="two labels, 'one' and 'two'"):
        ExtensiveFormGame(
            Choice(0, "x", [
                ("L", Choice(1, "y", [("a", Terminal((1, 0)))], infoset_label="one")),
                ("R", Choice(1, "y", [("a", Terminal((1, 0)))], infoset_label="two")),
            ]),
            players=["p", "q"],
        )


def test_same_key_for_two_players_is_two_sets() -> None:
    game = ExtensiveFormGame(
        Choice(0, 1, [("a", Choice(1, 1, [("b", Terminal((0, 0)))]))]), players=["p", "q"]
    )
    assert len(game.infosets) == 2


def test_bad_player_arguments_are_named() -> None:
    with pytest.raises(InvalidArgumentError, match="unknown player 'nobody'"):
        beer_quiche().player_infosets("nobody")
    with pytest.raises(InvalidArgumentError, match="out of range"):
        beer_quiche().reduced_strategies(5)
    with pytest.raises(InvalidArgumentError, match="max_profiles"):
        beer_quiche().reduced_strategic_form(max_profiles=0)


def test_large_trees_do_not_recurse() -> None:
    # a path of 3000 decision nodes: flattening and every computation are
    # iterative, so Python's recursion limit does not matter
    node: Choice | Terminal = Terminal((1.0,))
    for k in range(3000):
        node = Choice(0, k, [("go", node), ("stop", Terminal((0.0,)))])
    game = ExtensiveFormGame(node, players=["a"])
    assert game.n_nodes == 6001
    profile = tuple(np.array([1.0, 0.0]) for _ in game.infosets)
    assert game.expected_payoffs(profile).tolist() == [1.0]
    assert game.regret(game.uniform_profile())[0] == pytest.approx(1.0 - 0.5**3000 * 1.0)
    assert math.isclose(game.sequence_form().sizes[0], 1 + 6000)


def test_games_pickle() -> None:
    import pickle

    game = beer_quiche()
    game.sequence_form()  # a cache entry travels too
    again = pickle.loads(pickle.dumps(game))
    assert again == game
    assert again.regret(POOL_BEER).tolist() == [0.0, 0.0]
    assert again.chance_probabilities[0].tolist() == [0.1, 0.9]


def test_efg_delegations_round_trip() -> None:
    beer = beer_quiche()
    for game in (beer, absent_minded_driver(), battle()):
        text = game.to_efg()
        # Beer-Quiche's prior 0.1 is a float that the text "0.1" does not
        # equal exactly: a float file (EFG 2 D); the others are exact (R)
        assert text.startswith("EFG 2 D" if game is beer else "EFG 2 R")
        assert ExtensiveFormGame.from_efg(text) == game


def test_public_names() -> None:
    assert kurilsim.ExtensiveFormGame is ExtensiveFormGame
    assert kurilsim.games.Choice is Choice
    assert "ExtensiveFormGame" in kurilsim.__all__


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BQ = beer_quiche()

BAD_ARGUMENTS: list[Case] = [
    # (issue 16 review: the span overflowed to inf in payoff_ranges, with a
    # RuntimeWarning, and every certificate became 0)
    ("ExtensiveFormGame-payoff-span-overflows",
     call(ExtensiveFormGame,
          Choice("a", 1, [("x", Terminal((1e308, 1))), ("y", Terminal((-1e308, 2)))]),
          players=["a", "b"]),
     InvalidGameError, (r"the payoffs of player 'a' span \[-1e\+308, 1e\+308\], more than the "
     r"largest float; rescale them")),
    ("check_profile-tol-str", call(BQ.check_profile, POOL_BEER, tol="x"),
     InvalidArgumentError, r"tol must be a number >= 0, got 'x' \(str\)"),
    ("check_profile-tol-nan", call(BQ.check_profile, POOL_BEER, tol=NAN),
     InvalidArgumentError, r"tol must be a number >= 0, got nan"),
    ("regret-profile-dict", call(BQ.regret, {0: [1.0, 0.0]}),
     InvalidProfileError, r"must be a sequence .* got \{0: \[1\.0, 0\.0\]\} \(dict\)"),
    ("regret-profile-none", call(BQ.regret, None),
     InvalidProfileError, r"must be a sequence .* got None"),
    ("regret-profile-inf", call(BQ.regret, (B, WALK, [INF, 0.0], B)),
     InvalidProfileError, r"'quiche' .* non-finite entries: \[inf, 0\.0\]"),
    ("action_values-beliefs-str", call(BQ.action_values, POOL_BEER, "xx"),
     InvalidProfileError, r"beliefs must be a sequence .* got 'xx' \(str\)"),
    ("reduced_strategic_form-max-float",
     call(BQ.reduced_strategic_form, max_profiles=1.5),
     InvalidArgumentError, r"max_profiles must be an int.* got 1\.5"),
    ("node_description-negative", call(BQ.node_description, -1),
     InvalidArgumentError, r"node must be .*got -1"),
    ("infoset_description-big", call(BQ.infoset_description, 4),
     InvalidArgumentError, r"infoset must be .*got 4"),
    ("player_infosets-float", call(BQ.player_infosets, 1.0),
     InvalidArgumentError, r"a player must be a name or an index, got 1\.0 \(float\)"),
    ("behaviour_from_realisation-str", call(BQ.behaviour_from_realisation, "xy"),
     InvalidProfileError, r"plans must be a sequence .* got 'xy' \(str\)"),
    ("behaviour_from_realisation-tol", call(BQ.behaviour_from_realisation, [[1], [1]], tol=-1),
     InvalidArgumentError, r"tol must be a number >= 0, got -1"),
    ("behaviour_from_mixed-none", call(BQ.behaviour_from_mixed, None),
     InvalidProfileError, r"mixed profile must be a sequence .* got None"),
    ("mixed_from_behaviour-short", call(BQ.mixed_from_behaviour, POOL_BEER[:2]),
     InvalidProfileError, r"one probability vector per information set \(4\), got 2"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


# -- exact values --------------------------------------------------------------
def gamble(p: Any, jackpot: Any = 3, *, bystander: bool = False) -> ExtensiveFormGame:
    """A safe 1 or a gamble paying ``jackpot`` with probability ``p``: with
    p = 1/3 and a jackpot of 3 the two are worth exactly the same.  With
    ``bystander``, a second player who never moves and gets 0."""
    rest = (0,) if bystander else ()
    return ExtensiveFormGame(
        Choice("me", "choose", [
            ("safe", Terminal((1, *rest), "safe")),
            ("gamble", Chance([("win", p, Terminal((jackpot, *rest), "won")),
                               ("lose", 1 - p, Terminal((0, *rest), "lost"))])),
        ]),
        players=["me", "bystander"] if bystander else ["me"],
    )


def test_nodes_keep_exact_values_that_floats_round() -> None:
    leaf = Terminal((Fraction(1, 3), 10**19 + 1, Decimal("0.1"), 2))
    assert leaf.payoffs == (1 / 3, 1e19, 0.1, 2.0)
    assert not leaf.is_float_exact
    assert leaf.exact_payoffs == (Fraction(1, 3), 10**19 + 1, Fraction(1, 10), 2)
    # values that float64 holds leave nothing to keep
    assert Terminal((Fraction(1, 2), 7, Decimal("0.25"))).is_float_exact
    assert Terminal((Fraction(1, 2),)) == Terminal((0.5,))
    assert Terminal((Fraction(1, 3),)) != Terminal((1 / 3,))
    # dataclasses.replace carries the exact values to a copy with the same floats
    assert dataclasses.replace(leaf, label="x").exact_payoffs == leaf.exact_payoffs
    assert dataclasses.replace(leaf, payoffs=(1, 2, 3, 4)).is_float_exact
    node = Chance([("a", Fraction(1, 3), leaf), ("b", Fraction(2, 3), leaf)])
    assert [p for _, p, _ in node.moves] == [1 / 3, 2 / 3]
    assert node.exact_probabilities == (Fraction(1, 3), Fraction(2, 3))
    assert dataclasses.replace(node, label="x").exact_probabilities == (
        Fraction(1, 3), Fraction(2, 3)
    )
    assert Chance([("a", 0.5, leaf), ("b", Fraction(1, 2), leaf)]).is_float_exact


def test_game_exposes_exact_payoffs_and_probabilities() -> None:
    exact = gamble(Fraction(1, 3), jackpot=10**19 + 1)
    assert not exact.is_float_exact
    assert exact.exact_chance_probabilities == {2: (Fraction(1, 3), Fraction(2, 3))}
    payoffs = exact.exact_terminal_payoffs
    assert payoffs.dtype == object
    assert payoffs.shape == exact.terminal_payoffs.shape == (3, 1)
    assert payoffs[:, 0].tolist() == [1, 10**19 + 1, 0]
    assert not payoffs.flags.writeable
    assert exact.chance_probabilities[2].tolist() == [1 / 3, 2 / 3]
    assert exact.terminal_payoffs[:, 0].tolist() == [1.0, 1e19, 0.0]
    # a float game: the floats' own values
    floats = gamble(1 / 3)
    assert floats.is_float_exact
    assert floats.exact_chance_probabilities[2] == (Fraction(1 / 3), Fraction(1 - 1 / 3))
    assert floats.exact_terminal_payoffs[:, 0].tolist() == [1, 3, 0]
    assert all(type(v) is Fraction for v in floats.exact_terminal_payoffs.ravel())


def test_exact_values_count_for_equality_and_survive_pickling() -> None:
    import pickle

    exact, floats = gamble(Fraction(1, 3)), gamble(1 / 3)
    assert exact != floats
    assert exact == gamble(Fraction(1, 3))
    assert hash(exact) == hash(gamble(Fraction(1, 3)))
    assert gamble(Fraction(1, 4)) == gamble(0.25)  # nothing rounded
    again = pickle.loads(pickle.dumps(exact))
    assert again == exact
    assert again != floats
    assert again.exact_chance_probabilities == exact.exact_chance_probabilities
    # and the conversions to and from SequentialGame
    # (information-set labels aside, which a SequentialGame does not keep)
    back = ExtensiveFormGame.from_sequential(exact.to_sequential())
    assert not back.is_float_exact
    assert back.exact_chance_probabilities == exact.exact_chance_probabilities
    assert np.all(back.exact_terminal_payoffs == exact.exact_terminal_payoffs)


def test_reduced_strategic_form_solves_the_game_as_given() -> None:
    # exactly 1/3 of 3 is 1: the two strategies tie; the float nearest 1/3
    # falls short of one third, so in the float game the gamble is worse
    exact = gamble(Fraction(1, 3), bystander=True).reduced_strategic_form()
    assert exact.exact_payoffs[0].tolist() == [[1], [1]]
    floats = gamble(1 / 3, bystander=True).reduced_strategic_form()
    assert floats.exact_payoffs[0].tolist() == [[1], [3 * Fraction(1 / 3)]]
    assert not floats.is_float_exact
    assert floats.exact_payoffs[0][1] < 1
    # solved exactly, the tie makes every mixture an equilibrium; without it
    # only the safe choice is one
    assert len(solve_nash(exact, exact=True).equilibria) == 2
    only = solve_nash(floats, exact=True).equilibria
    assert [[float(v) for v in e.strategies[0]] for e in only] == [[1.0, 0.0]]
    # a game that keeps exact values is solved exactly however large
    big = gamble(Fraction(1, 3), jackpot=10**19 + 1).reduced_strategic_form(
        exact=None, max_profiles=4
    )
    assert big.exact_payoffs[0].tolist() == [1, Fraction(10**19 + 1, 3)]
    # in float64 on request
    rough = gamble(Fraction(1, 3)).reduced_strategic_form(exact=False)
    assert rough.is_float_exact
    np.testing.assert_allclose(rough.payoffs[0], [1.0, 1.0], rtol=1e-15)


def test_large_denominators_are_contracted_exactly() -> None:
    # weights with coprime denominators: their common denominator is the
    # product, not the largest of them
    p, q = Fraction(1, 1_000_000_007), Fraction(1, 998_244_353)
    tree = ExtensiveFormGame(
        Choice("A", 1, [
            ("x", Chance([("h", p, Terminal((q, 1))), ("t", 1 - p, Terminal((2, q)))])),
            ("y", Terminal((q, p))),
        ]),
        players=["A", "B"],
    )
    form = tree.reduced_strategic_form()
    assert form.exact_payoffs[0].tolist() == [[p * q + (1 - p) * 2], [q]]
    assert form.exact_payoffs[1].tolist() == [[p + (1 - p) * q], [p]]


def test_exact_sequence_form() -> None:
    game = gamble(Fraction(1, 3))
    form = game.sequence_form(exact=True)
    assert form.sequences == game.sequence_form().sequences
    assert form.terminal_weights.tolist() == [1, Fraction(1, 3), Fraction(2, 3)]
    assert isinstance(form.payoffs, Mapping)  # one player: a table
    assert form.payoffs[(1,)].tolist() == [1]
    assert form.payoffs[(2,)].tolist() == [1]  # 1/3 * 3 + 2/3 * 0, exactly
    assert game.sequence_form(exact=True) is form  # cached
    two = beer_quiche(Fraction(1, 10))
    A, B = two.sequence_form(exact=True).payoffs
    A_float, B_float = two.sequence_form().payoffs
    assert A.dtype == object
    assert A.shape == A_float.shape
    assert sum(A.ravel()) == sum(
        Fraction(1, 10) * u if k < 4 else Fraction(9, 10) * u
        for k, u in enumerate(two.exact_terminal_payoffs[:, 0].tolist())
    )
    np.testing.assert_allclose(A.astype(float), A_float, rtol=1e-15)
    np.testing.assert_allclose(B.astype(float), B_float, rtol=1e-15)
    with pytest.raises(InvalidArgumentError, match="exact must be True or False"):
        game.sequence_form(exact="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="exact must be True, False or None"):
        game.reduced_strategic_form(exact="yes")  # type: ignore[arg-type]
