"""Gambit .efg interchange: hand-written files, round trips and malformed input."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kurilsim
from kurilsim import (
    Decision,
    ExtensiveFormGame,
    InvalidArgumentError,
    InvalidGameError,
    OutputError,
    ProblemTooLargeError,
    SequentialGame,
)
from kurilsim.games.extensive import Chance, Choice, Terminal
from kurilsim.io.efg import from_efg, read_efg, to_efg, write_efg
from kurilsim.testing.strategies import extensive_games

# Selten's horse as stored in Gambit's catalog
# (pygambit/catalog_data/journals/ijgt/selten1975/fig1.efg, Gambit 16.7), from
# R. Selten (1975), "Reexamination of the perfectness concept for equilibrium
# points in extensive games", International Journal of Game Theory 4, Figure 1.
SELTEN_HORSE = r'''EFG 2 R "Selten's horse (Selten IJGT 1975, Figure 1)" { "Player 1" "Player 2" "Player 3" }
"This is a three-player game presented in :cite:p:`Sel75`, commonly referred
to as \"Selten's horse\" owing to the layout in which it can be drawn.
It is the motivating example for his definition of (trembling-hand)
perfect equilibrium, by showing a game that has an equilibrium which
is \"unreasonable\", but which is not ruled out by subgame perfection because
this game has no proper subgames.
"

p "" 1 1 "" { "R" "L" } 0
p "" 2 1 "" { "R" "L" } 0
t "" 1 "Outcome 1" { 1, 1, 1 }
p "" 3 1 "" { "R" "L" } 0
t "" 2 "Outcome 2" { 4, 4, 0 }
t "" 3 "Outcome 3" { 0, 0, 1 }
p "" 3 1 "" { "R" "L" } 0
t "" 4 "Outcome 4" { 3, 2, 2 }
t "" 5 "Outcome 5" { 0, 0, 0 }
'''

# Every node kind; an outcome defined once and referred to by number; an
# information set described at its first node only, and one described again;
# payoffs with and without commas, as integers, decimals and rationals.
ALL_KINDS = r'''EFG 2 R "all kinds" { "Ann" "Bob" }
"a comment"
c "nature" 1 "draw" { "high" 1/3 "low" 2/3 } 0
p "ann high" 1 1 "ann's set" { "up" "down" } 0
t "win" 1 "A wins" { 3, -3 }
p "bob" 2 7 "bob's set" { "left" "right" } 0
t "" 2 "B wins" { -1.5 1.5 }
t "" 0
p "ann low" 1 2 "" { "up" "down" } 0
t "" 1
p "" 2 7 0
t "" 3 "third" { 1/6, 2.5e-1 }
t "" 2 "B wins" { -1.5, 1.5 }
'''


def _kinds(game: ExtensiveFormGame) -> str:
    return "".join("tcp"[k] for k in game.node_kind.tolist())


# ------------------------------------------------------------ hand-written files


def test_selten_horse() -> None:
    game = from_efg(SELTEN_HORSE)
    assert game.players == ("Player 1", "Player 2", "Player 3")
    assert game.title == "Selten's horse (Selten IJGT 1975, Figure 1)"
    assert game.comment.startswith("This is a three-player game")
    assert '\\"Selten\'s horse\\"' not in game.comment
    assert '"Selten\'s horse"' in game.comment
    assert _kinds(game) == "pptpttptt"
    assert [(s.player, s.nodes, s.actions) for s in game.infosets] == [
        (0, (0,), ("R", "L")),
        (1, (1,), ("R", "L")),
        (2, (3, 6), ("R", "L")),
    ]
    assert game.terminal_nodes.tolist() == [2, 4, 5, 7, 8]
    np.testing.assert_array_equal(
        game.terminal_payoffs,
        [[1, 1, 1], [4, 4, 0], [0, 0, 1], [3, 2, 2], [0, 0, 0]],
    )
    assert game.terminal_outcomes == tuple(f"Outcome {k}" for k in range(1, 6))
    assert game.perfect_recall


def test_all_node_kinds_shared_outcomes_and_sets() -> None:
    game = read_efg(ALL_KINDS)
    assert _kinds(game) == "cptpttptptt"
    assert game.node_labels[:5] == ("nature", "ann high", "win", "bob", "")
    assert game.node_actions[0] == ("high", "low")
    np.testing.assert_array_equal(game.chance_probabilities[0], [1 / 3, 2 / 3])
    assert [(s.player, s.key, s.label, s.nodes) for s in game.infosets] == [
        (0, 1, "ann's set", (1,)),
        (1, 7, "bob's set", (3, 8)),
        (0, 2, "", (6,)),
    ]
    assert game.terminal_outcomes == (
        "A wins", "B wins", None, "A wins", "third", "B wins"
    )
    np.testing.assert_array_equal(
        game.terminal_payoffs,
        [[3, -3], [-1.5, 1.5], [0, 0], [3, -3], [1 / 6, 0.25], [-1.5, 1.5]],
    )
    assert (game.title, game.comment) == ("all kinds", "a comment")


def test_non_terminal_outcomes_add_to_every_terminal_below() -> None:
    # Gambit's incremental payoffs: 1/3 at the root and 1/6 at player 1's node
    # are added exactly before rounding (1/3 + 1/6 + 0 = 1/2 exactly).
    text = """EFG 2 R "stages" { "1" "2" }
    c "" 1 "" { "a" 1/2 "b" 1/2 } 1 "entry" { 1/3, 1 }
    p "" 1 1 "" { "x" "y" } 2 "stage" { 1/6 -2 }
    t "" 0
    t "" 3 "end" { 10 20 }
    t "" 2
    """
    game = from_efg(text)
    np.testing.assert_array_equal(
        game.terminal_payoffs,
        [[0.5, -1.0], [10.5, 19.0], [0.5, -1.0]],
    )
    assert game.terminal_outcomes == (None, "end", "stage")
    # the folded game writes and reads back the same
    assert from_efg(to_efg(game)) == game


def test_rationals_are_read_exactly() -> None:
    text = """EFG 2 D "" { "1" }
    c "" 1 "" { "a" 1/3 "b" 0.3333333333333333333333 "c" 1/3 } 0
    t "" 1 "" { 10000000000000000000001/10000000000000000000000 }
    t "" 2 "" { -.5 }
    t "" 3 "" { +7 }
    """
    game = from_efg(text)
    assert game.chance_probabilities[0].tolist() == [1 / 3, 1 / 3, 1 / 3]
    assert game.terminal_payoffs[:, 0].tolist() == [1.0, -0.5, 7.0]


def test_escaped_and_multiline_strings() -> None:
    text = r'''EFG 2 R "say \"hi\"" { "a \\ b" "c{d}" }
    "two
    lines"
    p "node \"1\"" 1 1 "set, with comma" { "\"" "\\" } 0
    t "" 1 "x\"y" { 1 2 }
    t "" 0
    '''
    game = from_efg(text)
    assert game.title == 'say "hi"'
    assert game.players == ("a \\ b", "c{d}")
    assert game.comment == "two\n    lines"
    assert game.node_labels[0] == 'node "1"'
    assert game.infosets[0].label == "set, with comma"
    assert game.infosets[0].actions == ('"', "\\")
    assert game.terminal_outcomes == ('x"y', None)
    assert from_efg(to_efg(game)) == game
    assert from_efg(to_efg(game)).comment == game.comment


def test_labels_made_distinct_as_gambit_does() -> None:
    text = """EFG 2 R "" { "" "B" "B" }
    p "" 1 1 "" { "" "x" "x" "x_1" } 0
    t "" 0 t "" 0 t "" 0 t "" 0
    """
    game = from_efg(text)
    assert game.players == ("_1", "B_1", "B_2")
    assert game.infosets[0].actions == ("_1", "x_2", "x_3", "x_1")


def test_chance_labels_made_distinct() -> None:
    # von Stengel and Forges (2008), Figure 1, in Gambit's catalog, labels
    # both chance moves "1/2".
    game = from_efg(
        'EFG 2 R "" { "1" } c "" 1 "" { "1/2" 1/2 "1/2" 1/2 } 0 t "" 0 t "" 0'
    )
    assert game.node_actions[0] == ("1/2_1", "1/2_2")


def test_header_forms_and_optional_comment() -> None:
    game = from_efg('EFG 2 D "t" { "only" } t "" 1 "o" { 4 }')
    assert (game.title, game.comment, game.players) == ("t", "", ("only",))
    assert game.terminal_payoffs.tolist() == [[4.0]]
    assert game.terminal_outcomes == ("o",)


def test_repeated_descriptions_that_match_are_accepted() -> None:
    text = """EFG 2 R "" { "1" }
    c "" 4 "e" { "a" 0.5 "b" 1/2 } 0
    c "" 4 "e" { "a" 1/2 "b" 0.50 } 0
    t "" 1 "o" { 1 } t "" 1 "o" { 1.0 }
    c "" 4 0
    t "" 1 t "" 0
    """
    game = from_efg(text)
    assert _kinds(game) == "ccttctt"
    assert game.terminal_payoffs[:, 0].tolist() == [1.0, 1.0, 1.0, 0.0]


def test_read_from_path_object_and_str_path(tmp_path: Path) -> None:
    path = tmp_path / "horse.efg"
    path.write_text(SELTEN_HORSE, encoding="utf-8")
    expected = from_efg(SELTEN_HORSE)
    assert read_efg(path) == expected
    assert read_efg(str(path)) == expected
    assert ExtensiveFormGame.from_efg(path) == expected
    assert kurilsim.read_efg(str(path)) == expected


def test_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.efg"
    path.write_bytes('EFG 2 R "caf\xe9" { "p" } t "" 0'.encode("latin-1"))
    assert read_efg(path).title == "caf\xe9"


# ------------------------------------------------------------ round trips


def test_round_trip_keeps_game_title_comment_and_set_keys() -> None:
    game = from_efg(ALL_KINDS)
    text = to_efg(game)
    again = from_efg(text)
    assert again == game
    assert (again.title, again.comment) == (game.title, game.comment)
    assert [s.key for s in again.infosets] == [1, 7, 2]
    assert to_efg(again) == text


def test_write_text_format() -> None:
    leaf = Terminal
    game = ExtensiveFormGame(
        Chance(
            [
                ("H", 1 / 3, Choice("me", "g", [("x", leaf((1.0, 0.25), "o")),
                                               ("y", leaf((0.0, 0.0)))])),
                ("T", 2 / 3, Choice("me", "g", [("x", leaf((1.0, 0.25), "o")),
                                               ("y", leaf((2 / 3, 1e-7)))])),
            ],
            label="root",
        ),
        players=["me", 'you "2"'],
        title="t",
        comment="c",
    )
    # floats written as the rationals and decimals they stand for: an
    # ``EFG 2 D`` file, whose numbers read back as floats
    assert to_efg(game) == (
        'EFG 2 D "t" { "me" "you \\"2\\"" }\n'
        '"c"\n'
        "\n"
        'c "root" 1 "" { "H" 1/3 "T" 2/3 } 0\n'
        'p "" 1 1 "g" { "x" "y" } 0\n'
        't "" 1 "o" { 1, 0.25 }\n'
        't "" 0\n'
        'p "" 1 1 "g" { "x" "y" } 0\n'
        't "" 1 "o" { 1, 0.25 }\n'
        't "" 2 "" { 2/3, 1e-7 }\n'
    )


def test_probabilities_written_to_sum_to_exactly_one() -> None:
    # three floats whose shortest texts do not sum to one exactly: the
    # largest takes up the difference, as an exact rational
    p = [0.1, 0.2, 0.7000000000000001]
    assert sum(Fraction(str(v)) for v in p) != 1
    game = ExtensiveFormGame(
        Chance([(str(k), v, Terminal((float(k),))) for k, v in enumerate(p)]),
        players=["a"],
    )
    line = to_efg(game).splitlines()[3]
    words = re.findall(r'"\d" (\S+)', line)
    assert sum(Fraction(w) for w in words) == 1
    again = from_efg(to_efg(game)).chance_probabilities[0]
    np.testing.assert_allclose(again, p, rtol=0, atol=2e-16)


def test_outcomes_that_are_not_strings_come_back_as_text() -> None:
    game = ExtensiveFormGame(
        Choice(0, 1, [("a", Terminal((1.0,), outcome=3)),
                      ("b", Terminal((2.0,), outcome=("x", 1)))]),
        players=["p"],
    )
    assert from_efg(to_efg(game)).terminal_outcomes == ("3", "('x', 1)")


def test_sets_keyed_by_strings_are_numbered() -> None:
    game = ExtensiveFormGame(
        Choice("p", "first", [("a", Choice("p", "second", [("c", Terminal((1,)))])),
                              ("b", Terminal((0,)))]),
        players=["p"],
    )
    text = to_efg(game)
    assert 'p "" 1 1 "first" { "a" "b" } 0' in text
    assert 'p "" 1 2 "second" { "c" } 0' in text
    again = from_efg(text)
    assert again == game
    assert [s.label for s in again.infosets] == ["first", "second"]


def test_write_efg_is_atomic(tmp_path: Path) -> None:
    game = from_efg(SELTEN_HORSE)
    path = tmp_path / "horse.efg"
    assert write_efg(game, path) is None
    assert path.read_text(encoding="utf-8") == to_efg(game)
    assert read_efg(path) == game
    kurilsim.write_efg(from_efg(ALL_KINDS), str(path))
    assert read_efg(path) == from_efg(ALL_KINDS)
    assert game.to_efg() == to_efg(game)
    with pytest.raises(OutputError):
        write_efg(game, tmp_path / "missing" / "x.efg")
    assert not list((tmp_path).glob(".*tmp*"))


def test_writer_rejects_non_games(tmp_path: Path) -> None:
    with pytest.raises(InvalidGameError, match="expected an ExtensiveFormGame"):
        to_efg("EFG 2 R")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="path must be a file path"):
        write_efg(from_efg(SELTEN_HORSE), 3)  # type: ignore[arg-type]


# Random trees: up to three players, depth <= 4, information sets merged by a
# key drawn from a small pool per player (their actions follow from the key),
# payoffs any finite floats, chance probabilities rationals k/K as floats.
LABEL_TEXT = st.text(
    alphabet=st.sampled_from(list('ab "\\{},/\n\tЖ1')), max_size=6
)


@st.composite
def labelled_games(draw: st.DrawFn) -> ExtensiveFormGame:
    n_players = draw(st.integers(1, 3))
    players = [f"P{i}{draw(LABEL_TEXT)}" for i in range(n_players)]
    outcome_pool = [None, "o1", 'o "2"', "o\\3"]
    payoff = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from(
        [0.0, 1 / 3, -2 / 7, 1e-300, 0.1]
    )
    string_keys = draw(st.booleans())

    def node(depth: int) -> Any:
        kind = draw(st.sampled_from("tcp") if depth < 4 else st.just("t"))
        label = draw(LABEL_TEXT)
        if kind == "t":
            return Terminal(
                tuple(draw(payoff) for _ in range(n_players)),
                draw(st.sampled_from(outcome_pool)),
                label,
            )
        if kind == "c":
            weights = draw(st.lists(st.integers(0, 5), min_size=1, max_size=3))
            if not any(weights):
                weights[0] = 1
            total = sum(weights)
            return Chance(
                [
                    (f"c{k}{draw(LABEL_TEXT)}", w / total, node(depth + 1))
                    for k, w in enumerate(weights)
                ],
                label,
            )
        player = draw(st.integers(0, n_players - 1))
        number = draw(st.integers(1, 3))
        n_actions = number  # the key fixes the actions
        key: Any = f"set {number}" if string_keys else number
        return Choice(
            player,
            key,
            [(f"a{number}.{k}", node(depth + 1)) for k in range(n_actions)],
            label,
            infoset_label=f"label {player}.{number}",
        )

    return ExtensiveFormGame(
        node(0), players, title=draw(LABEL_TEXT), comment=draw(LABEL_TEXT)
    )


@given(game=labelled_games())
def test_round_trip_random_trees(game: ExtensiveFormGame) -> None:
    text = to_efg(game)
    again = from_efg(text)
    assert again == game
    assert (again.title, again.comment) == (game.title, game.comment)
    assert [s.label for s in again.infosets] == [s.label for s in game.infosets]
    assert to_efg(again) == text


@given(
    weights=st.lists(
        st.floats(1e-6, 1.0, allow_nan=False), min_size=1, max_size=6
    )
)
def test_round_trip_any_float_probabilities(weights: list[float]) -> None:
    total = math.fsum(weights)
    probabilities = [w / total for w in weights]
    game = ExtensiveFormGame(
        Chance([(f"m{k}", p, Terminal((k,))) for k, p in enumerate(probabilities)]),
        players=["p"],
    )
    text = to_efg(game)
    written = re.findall(r'"m\d+" (\S+)', text)
    assert sum(Fraction(w) for w in written) == 1
    # Each written text is within half an ulp (2**-54 below 1) of its float,
    # and each float within half an ulp of w / total: the exact sum misses one
    # by at most n * 2**-53, which the largest probability takes up.
    again = from_efg(text).chance_probabilities[0]
    bound = len(weights) * 2.0**-53 + 2.0**-53
    np.testing.assert_allclose(again, probabilities, rtol=0, atol=bound)


# ------------------------------------------------------------ malformed input

HEAD = 'EFG 2 R "" { "1" "2" }\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", (r"line 1, column 1: expected the header 'EFG 2 R' or 'EFG 2 D', "
             "got an empty text")),
        ("NFG 1 R", r"line 1, column 1: expected the header .*got 'NFG 1 R'"),
        ("EFG 3 R", r"expected the header .*got 'EFG 3 R'"),
        ('EFG 2 R { "1" }', r"line 1, column 9: expected the quoted title"),
        ('EFG 2 R "" "1" }', r"column 12: expected '\{' opening the list of player"),
        ('EFG 2 R "" { }', r"expected at least one quoted player name"),
        ('EFG 2 R "" { "1" 2 }', r"column 18: expected a quoted player name or '\}'"),
        ('EFG 2 R "" { "1" } "unclosed', r"line 1, column 20: unterminated string"),
        (HEAD, r"line 2, column 1: expected the root node: 'c' \(chance\), 'p'"),
        (HEAD + "x", r"line 2, column 1: expected the root node"),
        (HEAD + 't "" 1 "o" { 1 }', (r"line 2, column 16: expected the payoff of "
                                    r"player '2' in outcome 1 \(2 payoffs, one per")),
        (HEAD + 't "" 1 "o" { 1 2 3 }', (r"line 2, column 18: expected '\}' closing "
                                        r"the payoffs of outcome 1 \(2 payoffs")),
        (HEAD + 't "" 1 "o" { 1 x }', (r"column 16: expected the payoff of player '2'"
                                      r" in outcome 1, got 'x' \(numbers are")),
        (HEAD + 't "" 1 "o" { 1 1/0 }', r"got '1/0' with a zero denominator"),
        (HEAD + 't "" 1 "o" { 1 1e999999 }', r"outside the range of a float"),
        (HEAD + 't "" 1 "o" { 1 1e400 }', (r"column 16: expected the payoff of "
                                          r"player '2' in outcome 1, got '1e400', "
                                          "outside the range of a float")),
        (HEAD + 't "" 1 "o" { 1 1e-1001 }', r"got '1e-1001', too close to zero"),
        (HEAD + 't "" 1 "o" 1 2 }', r"column 12: expected '\{' opening the payoffs"),
        (HEAD + 't "" 3', (r"line 2, column 6: outcome 3 is used before it is "
                          "defined")),
        (HEAD + 't "" 0 "x" { 1 2 }', (r"column 8: expected no name or payoffs after"
                                      " the null outcome 0")),
        (HEAD + 't "" -1', (r"column 6: expected the outcome number \(0 for none\) "
                           r"\(a non-negative integer\), got '-1'")),
        (HEAD + 't 0', r"column 3: expected the quoted label of the node, got '0'"),
        (HEAD + 'p "" 3 1 "" { "a" } 0 t "" 0', (r"column 6: expected a player "
                                                "number from 1 to 2, got '3'")),
        (HEAD + 'p "" 0 1 "" { "a" } 0 t "" 0', r"player number from 1 to 2"),
        (HEAD + 'p "" 1 1 0 t "" 0', (r"column 8: information set 1 of player '1' "
                                     "is used before it is defined")),
        (HEAD + 'p "" 1 1 "" { } 0', r"column 15: expected at least one action"),
        (HEAD + 'p "" 1 1 "" { "a" 1 } 0', (r"column 19: expected a quoted action "
                                           r"label or '\}'")),
        (HEAD + 'p "" 1 1 "" "a" } 0', (r"column 13: expected '\{' opening the "
                                       "actions of information set 1")),
        (HEAD + 'p "" 1 1 "" { "a" "b" } 0\nt "" 0',
         (r"line 3, column 7: expected a node \('c', 'p' or 't'\) for child 2 of the "
         "node at line 2, column 1, got end of input")),
        (HEAD + 'p "" 1 1 "" { "a" } 0\nt "" 0\nt "" 0',
         (r"line 4, column 1: expected the end of the file: the tree is complete "
         "after the node at line 3, column 1, got 't'")),
        (HEAD + 't "" 0 }', r"column 8: expected the end of the file"),
        (HEAD + 'c "" 1 "" { "a" 1/2 "b" 1/3 } 0 t "" 0 t "" 0',
         (r"column 29: expected the probabilities of chance event 1 to sum to 1, "
         r"got 1/2 \+ 1/3 = 5/6")),
        (HEAD + 'c "" 1 "" { "a" -1/2 "b" 3/2 } 0 t "" 0 t "" 0',
         (r"column 17: expected a non-negative probability of action 'a' of chance "
         "event 1, got -1/2")),
        (HEAD + 'c "" 1 "" { "a" "b" } 0', (r"column 17: expected the probability "
                                           "of action 'a' of chance event 1")),
        (HEAD + 'c "" 1 0 t "" 0', r"chance event 1 is used before it is defined"),
        (HEAD + 'p "" 1 1 "" { "a" "b" } 0\np "" 1 1 "" { "a" "c" } 0 t "" 0 '
                't "" 0 t "" 0',
         (r"line 3, column 8: information set 1 of player '1' is redescribed "
         r"differently from its first description at line 2, column 8: '' \{ 'a' "
         r"'b' \} there, '' \{ 'a' 'c' \} here")),
        (HEAD + 'p "" 1 1 "x" { "a" } 0\np "" 1 1 "y" { "a" } 0 t "" 0',
         r"information set 1 of player '1' is redescribed differently"),
        (HEAD + 'c "" 1 "" { "a" 1 } 0\nc "" 1 "" { "a" 1/1 } 0\n'
                'c "" 1 "" { "b" 1 } 0 t "" 0',
         r"line 4, column 6: chance event 1 is redescribed differently"),
        (HEAD + 'p "" 1 1 "" { "a" "b" } 0 t "" 1 "o" { 1 2 } t "" 1 "o" { 1 3 }',
         (r"column 51: outcome 1 is redefined as 'o' \{ 1, 3 \}, but line 2, column "
         r"32 defines it as 'o' \{ 1, 2 \}")),
        (HEAD + 'p "" 1 1 "" { "a" "b" } 0 t "" 1 "o" { 1 2 } t "" 1 "p" { 1 2 }',
         r"outcome 1 is redefined as 'p'"),
        (HEAD + 't "" 99999999999999999999', r"too large"),
        (HEAD + 't "" 1 "o" { 1 ' + "9" * 5000 + " }", r"a number of 5000 characters"),
    ],
)
def test_malformed_files_name_line_and_column(text: str, message: str) -> None:
    with pytest.raises(InvalidGameError, match=message):
        from_efg(text)


def test_error_messages_are_one_line() -> None:
    with pytest.raises(InvalidGameError) as caught:
        from_efg(HEAD + 't "" 1 "o" { 1 }')
    assert "\n" not in str(caught.value)


def test_missing_file_hint() -> None:
    with pytest.raises(InvalidGameError, match="and no file of that name exists"):
        read_efg("no/such/game.efg")


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgumentError, match="source must be a path"):
        read_efg(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="text must be the text"):
        from_efg(Path("x.efg"))  # type: ignore[arg-type]
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(InvalidArgumentError, match="max_nodes must be a positive"):
            from_efg(SELTEN_HORSE, max_nodes=bad)  # type: ignore[arg-type]


def test_node_budget() -> None:
    assert from_efg(SELTEN_HORSE, max_nodes=9).n_nodes == 9
    with pytest.raises(ProblemTooLargeError, match=r"line 18, column 1: the file "
                       r"holds more than max_nodes=8 nodes") as caught:
        from_efg(SELTEN_HORSE, max_nodes=8)
    assert caught.value.estimate == 9


def _chain(depth: int) -> str:
    lines = [HEAD]
    for k in range(depth):
        lines.append(f'p "" {k % 2 + 1} {k // 2 + 1} "" {{ "stop" "go" }} 0')
        lines.append(f't "" {k + 1} "" {{ {k}, -{k} }}')
    lines.append('t "" 0')
    return "\n".join(lines)


def test_deep_tree_is_read_without_recursion() -> None:
    # deeper than Python's recursion limit (1000 frames by default)
    game = from_efg(_chain(3000))
    assert game.n_nodes == 6001
    assert game.node_parent[-1] == 5998
    assert game.terminal_payoffs[-2].tolist() == [2999.0, -2999.0]


def test_deep_truncated_tree_is_an_error_not_a_crash() -> None:
    text = _chain(3000).rsplit("\n", 1)[0]
    with pytest.raises(InvalidGameError, match=r"for child 2 of the node at line"):
        from_efg(text)


def test_long_garbage_is_an_error_at_its_start() -> None:
    with pytest.raises(InvalidGameError, match=r"line 1, column 20: expected the "
                       r"root node"):
        from_efg('EFG 2 R "" { "p" } ' + "{" * 200_000)
    with pytest.raises(InvalidGameError, match=r"line 1, column 34: expected '\}' "
                       r"closing the payoffs of outcome 1 \(1 payoff, one per"):
        from_efg('EFG 2 R "" { "p" } t "" 1 "" { ' + "1 " * 200_000 + "}")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1 / 3, "1/3"),
        (-2 / 7, "-2/7"),
        (0.25, "0.25"),
        (0.1, "0.1"),
        (1.01, "1.01"),
        (5.0, "5"),
        (-0.0, "0"),
        (1e-7, "1e-7"),
        (2.0**60, "1.152921504606847e18"),
        (1 / 3 + 2.0**-52, "0.33333333333333354"),
    ],
)
def test_payoffs_written_as_the_number_meant(value: float, text: str) -> None:
    game = ExtensiveFormGame(Terminal((value,), "o"), players=["p"])
    written = to_efg(game)
    assert written.splitlines()[-1] == f't "" 1 "o" {{ {text} }}'
    assert from_efg(written).terminal_payoffs[0, 0] == value


def test_windows_line_ends_tabs_and_byte_order_mark(tmp_path: Path) -> None:
    text = SELTEN_HORSE.replace("\n", "\r\n").replace(" { ", "\t{\t")
    assert from_efg("\ufeff" + text) == from_efg(SELTEN_HORSE)
    path = tmp_path / "horse.efg"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_efg(path) == from_efg(SELTEN_HORSE)
    with pytest.raises(InvalidGameError, match=r"line 3, column 4: expected the "
                       r"quoted label"):
        from_efg('EFG 2 R "" { "p" }\r\n\r\nt\t\t5')


def test_perfect_information_tree_from_a_sequential_game() -> None:
    def respond(offer: int) -> Decision:
        return Decision("responder", {
            "accept": Terminal((2 - offer, offer), outcome=f"split {offer}"),
            "reject": Terminal((0, 0)),
        })

    sequential = SequentialGame(
        Decision("proposer", {f"offer {k}": respond(k) for k in range(3)}),
        players=["proposer", "responder"],
    )
    game = ExtensiveFormGame.from_sequential(sequential)
    text = to_efg(game)
    # every decision node is a set of its own, numbered per player
    assert [line[:10] for line in text.splitlines() if line.startswith("p")] == [
        'p "" 1 1 "', 'p "" 2 1 "', 'p "" 2 2 "', 'p "" 2 3 "'
    ]
    assert from_efg(text) == game


def test_node_player_budget() -> None:
    names = " ".join(f'"p{k}"' for k in range(100))
    text = f'EFG 2 R "" {{ {names} }}\n' + 'p "" 1 1 "" { "a" } 0\n' * 40 + 't "" 0'
    assert from_efg(text, max_nodes=200).n_nodes == 41
    with pytest.raises(ProblemTooLargeError, match=r"line 34, column 1: the file "
                       r"holds more than 32 nodes of 100 players, more than 32 x "
                       r"max_nodes=100 node-player pairs"):
        from_efg(text, max_nodes=100)


# ------------------------------------------------------------ exact values
EXACT_TEXT = """EFG 2 R "exact" { "me" "you" }
""
c "" 1 "" { "a" 1/3 "b" 0.1 "c" 17/30 } 0
t "" 1 "x" { 1/3, 10000000000000000001 }
t "" 2 "y" { 0.1, 1/1000000007 }
t "" 3 "z" { 0.25, -2 }
"""


def test_rational_files_keep_the_exact_values() -> None:
    game = from_efg(EXACT_TEXT)
    assert not game.is_float_exact
    assert game.exact_chance_probabilities[0] == (
        Fraction(1, 3), Fraction(1, 10), Fraction(17, 30)
    )
    assert game.exact_terminal_payoffs.tolist() == [
        [Fraction(1, 3), 10**19 + 1],
        [Fraction(1, 10), Fraction(1, 1_000_000_007)],
        [Fraction(1, 4), -2],
    ]
    assert game.chance_probabilities[0].tolist() == [1 / 3, 0.1, 17 / 30]
    assert game.terminal_payoffs[:, 1].tolist() == [1e19, 1 / 1_000_000_007, -2.0]
    # written back exactly, in Gambit's own layout
    text = to_efg(game)
    assert text == EXACT_TEXT.replace('""\n', '""\n\n', 1)
    assert from_efg(text) == game


def test_double_files_hold_floats() -> None:
    game = from_efg(EXACT_TEXT.replace("EFG 2 R", "EFG 2 D"))
    assert game.is_float_exact
    assert game.terminal_payoffs.tolist() == from_efg(EXACT_TEXT).terminal_payoffs.tolist()
    assert game != from_efg(EXACT_TEXT)
    # a float game whose texts are not its floats exactly is written as D,
    # so that it reads back as the same floats
    text = to_efg(game)
    assert text.startswith("EFG 2 D")
    assert from_efg(text) == game
    # one whose texts are its floats exactly is written as R
    halves = from_efg('EFG 2 D "" { "a" }\nt "" 1 "" { 0.5 }\n')
    assert halves.is_float_exact
    assert to_efg(halves).startswith("EFG 2 R")


def test_exact_values_of_a_float_are_written_as_that_float() -> None:
    # a game keeping exact values, with one payoff given as the float 0.1:
    # its exact value is the float's, not one tenth
    game = ExtensiveFormGame(
        Choice("me", 1, [("a", Terminal((Fraction(1, 3),))), ("b", Terminal((0.1,)))]),
        players=["me"],
    )
    text = to_efg(game)
    assert "{ 1/3 }" in text
    assert f"{{ {Fraction(0.1).numerator}/{Fraction(0.1).denominator} }}" in text
    assert from_efg(text) == game


def test_exact_probabilities_that_miss_one_are_fixed_in_the_text() -> None:
    # within 1e-9 of a sum of one, as Chance accepts; Gambit needs exactly one
    p = [Fraction(1, 3), Fraction(2, 3) + Fraction(1, 10**12)]
    game = ExtensiveFormGame(
        Chance([("a", p[0], Terminal((0,))), ("b", p[1], Terminal((1,)))]),
        players=["me"],
    )
    text = to_efg(game)
    assert '"a" 1/3 "b" 2/3' in text
    np.testing.assert_allclose(
        from_efg(text).chance_probabilities[0], [float(v) for v in p], rtol=1e-11
    )


@given(game=extensive_games(exact=True))
def test_round_trip_exact_random_games(game: ExtensiveFormGame) -> None:
    # the shared strategy of kurilsim.testing, with exact values
    text = to_efg(game)
    assert text.startswith("EFG 2 R")
    again = from_efg(text)
    assert again == game
    assert again.is_float_exact == game.is_float_exact
    assert to_efg(again) == text


@given(game=extensive_games())
def test_round_trip_float_random_games(game: ExtensiveFormGame) -> None:
    text = to_efg(game)
    again = from_efg(text)
    assert again == game
    assert again.is_float_exact
    assert to_efg(again) == text
