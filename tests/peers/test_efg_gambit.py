"""Cross-check kurilsim's Gambit .efg reader and writer against pygambit.

Every ``.efg`` file of pygambit's catalog is read by both; the games must
agree node for node (kinds, players, labels), in their information sets and
actions, in their chance probabilities (exactly, as rationals) and in their
terminal payoffs (exactly; outcomes at decision and chance nodes summed along
the path, as Gambit defines them).  The text kurilsim writes must read in
pygambit as the same game as the original file, and rationals that no
float holds must travel through Gambit and back exactly.
"""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kurilsim import ExtensiveFormGame
from kurilsim.games.extensive import Chance, Choice, Terminal
from kurilsim.io.efg import from_efg, read_efg, to_efg

pygambit = pytest.importorskip("pygambit")
pytestmark = pytest.mark.peers

CATALOG = Path(pygambit.__file__).parent / "catalog_data"
CATALOG_FILES = sorted(CATALOG.rglob("*.efg"))

# Gambit's own documentation example of outcomes at non-terminal nodes (the
# two-stage Bayesian game bayes2a.efg, shortened), plus incremental payoffs
# at a chance node and rational payoffs.
NON_TERMINAL = """EFG 2 R "General Bayes game, two stages" { "Player 1" "Player 2" }
""
c "" 1 "(0,1)" { "1G" 1/2 "1B" 1/2 } 7 "entry" { 1/3, -1/7 }
p "" 1 1 "(1,1)" { "H" "L" } 0
p "" 2 1 "(2,1)" { "h" "l" } 0
p "" 1 2 "(1,3)" { "H" "L" } 1 "Outcome 1" { 10, 2 }
t "" 1 "Outcome 1" { 10, 2 }
t "" 2 "Outcome 2" { 0, 10 }
t "" 3 "Outcome 3" { 2, 4 }
p "" 2 1 "(2,1)" { "h" "l" } 0
t "" 3
t "" 4 "Outcome 4" { 4, 0 }
p "" 1 1 "(1,1)" { "H" "L" } 0
p "" 2 2 "(2,2)" { "h" "l" } 5 "Outcome 5" { 1/6, 0.5 }
t "" 5
t "" 0
t "" 4
"""


def _exact(value: Any) -> Fraction:
    """pygambit's numbers (Rational, Decimal) as exact fractions."""
    if isinstance(value, Decimal):
        return Fraction(value)
    return Fraction(value)


def _prefix_nodes(game: Any) -> list[tuple[Any, int]]:
    """pygambit's nodes in prefix order (children in action order), each with
    the index of its parent (-1 at the root)."""
    order: list[tuple[Any, int]] = []
    stack = [(game.root, -1)]
    while stack:
        node, parent = stack.pop()
        index = len(order)
        order.append((node, parent))
        stack.extend((child, index) for child in reversed(list(node.children)))
    return order


def _summary(game: Any) -> dict[str, Any]:
    """What a pygambit game says, in a form that compares with ours."""
    nodes = _prefix_nodes(game)
    players = [p.label for p in game.players]
    kinds, movers, labels = [], [], []
    chance: dict[int, list[Fraction]] = {}
    chance_actions: dict[int, list[str]] = {}
    sets: dict[tuple[int, int], list[int]] = {}
    set_info: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
    payoffs: dict[int, tuple[Fraction, ...]] = {}
    outcome_labels: dict[int, str | None] = {}
    accumulated: dict[int, tuple[Fraction, ...]] = {}
    zero = tuple(Fraction(0) for _ in players)
    for k, (node, parent) in enumerate(nodes):
        labels.append(node.label)
        base = accumulated[parent] if parent >= 0 else zero
        own = (
            tuple(_exact(node.outcome[p]) for p in game.players)
            if node.outcome  # a proxy, false when the node has no outcome
            else zero
        )
        accumulated[k] = tuple(a + b for a, b in zip(base, own, strict=True))
        if node.is_terminal:
            kinds.append(0)
            movers.append(-1)
            payoffs[k] = accumulated[k]
            outcome_labels[k] = node.outcome.label if node.outcome else None
            continue
        infoset = node.infoset
        if infoset.player.is_chance:
            kinds.append(1)
            movers.append(-1)
            chance[k] = [_exact(a.prob) for a in infoset.actions]
            chance_actions[k] = [a.label for a in infoset.actions]
            continue
        kinds.append(2)
        player = players.index(infoset.player.label)
        movers.append(player)
        key = (player, infoset.number)
        sets.setdefault(key, []).append(k)
        set_info[key] = (infoset.label, tuple(a.label for a in infoset.actions))
    partition = {
        frozenset(members): (key[0], *set_info[key]) for key, members in sets.items()
    }
    return {
        "title": game.title,
        "players": players,
        "kinds": kinds,
        "movers": movers,
        "labels": labels,
        "partition": partition,
        "chance": chance,
        "chance_actions": chance_actions,
        "payoffs": payoffs,
        "outcome_labels": outcome_labels,
    }


def _assert_matches(
    ours: ExtensiveFormGame, theirs: dict[str, Any], *, exact: bool = True
) -> None:
    """Our game is pygambit's: the same tree, sets, labels, and the same
    probabilities and payoffs as floats and (with ``exact``) as rationals."""
    assert ours.title == theirs["title"]
    assert list(ours.players) == theirs["players"]
    assert ours.node_kind.tolist() == theirs["kinds"]
    assert ours.n_nodes == len(theirs["kinds"])
    assert ours.node_player.tolist() == theirs["movers"]
    assert list(ours.node_labels) == theirs["labels"]
    partition = {
        frozenset(s.nodes): (s.player, s.label, s.actions) for s in ours.infosets
    }
    assert partition == theirs["partition"]
    assert sorted(ours.chance_probabilities) == sorted(theirs["chance"])
    for node, values in theirs["chance"].items():
        assert ours.chance_probabilities[node].tolist() == [float(p) for p in values]
        assert list(ours.node_actions[node]) == theirs["chance_actions"][node]
        if exact:
            assert list(ours.exact_chance_probabilities[node]) == values
    rows = {int(t): k for k, t in enumerate(ours.terminal_nodes)}
    assert sorted(rows) == sorted(theirs["payoffs"])
    for node, values in theirs["payoffs"].items():
        assert ours.terminal_payoffs[rows[node]].tolist() == [float(v) for v in values]
        if exact:
            assert ours.exact_terminal_payoffs[rows[node]].tolist() == list(values)


@pytest.mark.parametrize(
    "path", CATALOG_FILES, ids=[str(p.relative_to(CATALOG)) for p in CATALOG_FILES]
)
def test_catalog_file_reads_as_in_gambit(path: Path) -> None:
    ours = read_efg(path)
    theirs = _summary(pygambit.read_efg(str(path)))
    _assert_matches(ours, theirs)
    assert ours.comment == pygambit.read_efg(str(path)).description
    # outcome names: ours keeps the name, or None where Gambit has none or
    # an unnamed one (which Gambit names "_1", "_2", ...)
    rows = {int(t): k for k, t in enumerate(ours.terminal_nodes)}
    for node, label in theirs["outcome_labels"].items():
        mine = ours.terminal_outcomes[rows[node]]
        if mine is not None:
            assert mine == label
        else:
            assert label is None or label.startswith("_")


def test_catalog_is_complete() -> None:
    # the brief's 32 files of pygambit 16.7's catalog; more are welcome
    assert len(CATALOG_FILES) >= 32


@pytest.mark.parametrize(
    "path", CATALOG_FILES, ids=[str(p.relative_to(CATALOG)) for p in CATALOG_FILES]
)
def test_written_catalog_file_reads_in_gambit_as_the_original(path: Path) -> None:
    original = pygambit.read_efg(str(path))
    written = pygambit.read_efg(io.StringIO(to_efg(read_efg(path))))
    expected, got = _summary(original), _summary(written)
    for key in ("outcome_labels",):
        expected.pop(key), got.pop(key)
    assert got == expected
    assert written.description == original.description
    # named outcomes keep their names
    mine = _summary(written)["outcome_labels"]
    theirs = _summary(original)["outcome_labels"]
    for node, label in theirs.items():
        if label is not None and not label.startswith("_"):
            assert mine[node] == label


def test_non_terminal_outcomes_as_in_gambit() -> None:
    ours = from_efg(NON_TERMINAL)
    theirs = _summary(pygambit.read_efg(io.StringIO(NON_TERMINAL)))
    _assert_matches(ours, theirs)
    # an incremental payoff that is not a float: 1/3 + 10 + 10
    assert theirs["payoffs"][4] == (Fraction(61, 3), Fraction(-1, 7) + 4)
    assert not ours.is_float_exact
    # written with every payoff at the terminals, Gambit reads the same
    # payoffs, exactly
    written = _summary(pygambit.read_efg(io.StringIO(to_efg(ours))))
    assert written["payoffs"] == theirs["payoffs"]
    assert written["partition"] == theirs["partition"]
    assert written["chance"] == theirs["chance"]


# Random games, written by kurilsim and read by Gambit.  Labels avoid what
# Gambit's reader changes (backslashes, empty or repeated labels).
def _random_game(seed: int) -> ExtensiveFormGame:
    rng = np.random.default_rng(seed)
    n_players = int(rng.integers(1, 4))
    players = [f'Player {i} "{i}"' for i in range(n_players)]
    counter = iter(range(10**6))

    def payoff() -> float:
        kind = rng.integers(3)
        if kind == 0:
            return float(rng.integers(-20, 21))
        if kind == 1:
            return float(rng.integers(-20, 21)) / float(rng.integers(1, 13))
        return float(rng.normal(scale=10.0 ** rng.integers(-5, 6)))

    def node(depth: int) -> Any:
        kind = rng.integers(3) if depth < 4 else 0
        label = f"n{next(counter)}, {{x}}"
        if kind == 0:
            outcome = [None, "won", "lost"][int(rng.integers(3))]
            return Terminal(tuple(payoff() for _ in range(n_players)), outcome, label)
        if kind == 1:
            weights = rng.integers(1, 6, size=int(rng.integers(1, 4)))
            probabilities = (weights / weights.sum()).tolist()
            return Chance(
                [(f"c{k}", p, node(depth + 1)) for k, p in enumerate(probabilities)],
                label,
            )
        player = int(rng.integers(n_players))
        number = int(rng.integers(1, 4))
        return Choice(
            player,
            number,
            [(f"a{number}/{k}", node(depth + 1)) for k in range(number)],
            label,
            infoset_label=f"set {player}.{number}",
        )

    return ExtensiveFormGame(node(0), players, title=f"random {seed}")


@pytest.mark.parametrize("seed", range(12))
def test_random_written_games_read_in_gambit_as_ours(seed: int) -> None:
    game = _random_game(seed)
    text = to_efg(game)
    theirs = _summary(pygambit.read_efg(io.StringIO(text)))
    # a game of floats: Gambit reads the rationals the floats stand for
    _assert_matches(game, theirs, exact=False)
    for probabilities in theirs["chance"].values():
        assert sum(probabilities) == 1
    assert from_efg(text) == game


# Exact values: rationals that no float holds, with denominators beyond the
# 10**9 up to which the writer of float games looks for a short rational.
def _exact_game() -> ExtensiveFormGame:
    prior = Fraction(1_000_000_007, 3_000_000_019)
    big = 10**19 + 1  # an integer that float64 rounds

    def respond(bonus: Fraction, deal: str) -> Choice:
        return Choice(
            "receiver",
            1,
            [
                ("accept", Terminal((bonus, Fraction(2, 7_000_000_009)), deal)),
                ("reject", Terminal((Fraction(-1, 3), big), "no deal")),
            ],
        )

    return ExtensiveFormGame(
        Chance(
            [
                ("good", prior, Choice("sender", 1, [("offer", respond(Fraction(5, 3), "good deal")),
                                                     ("wait", Terminal((0, 0)))])),
                ("bad", 1 - prior, Choice("sender", 2, [("offer", respond(Fraction(-7, 11), "bad deal")),
                                                        ("wait", Terminal((0, 0)))])),
            ]
        ),
        ["sender", "receiver"],
        title="exact",
    )


def test_rationals_with_large_denominators_round_trip_exactly_through_gambit() -> None:
    game = _exact_game()
    assert not game.is_float_exact
    text = to_efg(game)
    assert text.startswith("EFG 2 R")
    assert "1000000007/3000000019" in text
    assert "10000000000000000001" in text
    # Gambit reads the values exactly as the game holds them
    theirs = pygambit.read_efg(io.StringIO(text))
    _assert_matches(game, _summary(theirs))
    # and what Gambit writes reads back as the same game, exact values included
    again = from_efg(theirs.to_efg())
    assert again == game
    assert list(again.exact_chance_probabilities[0]) == [
        Fraction(1_000_000_007, 3_000_000_019),
        Fraction(2_000_000_012, 3_000_000_019),
    ]
    assert again.exact_terminal_payoffs[1].tolist() == [Fraction(-1, 3), 10**19 + 1]
    # the float rounding is visible: the floats alone are another game
    floats = from_efg(text.replace("EFG 2 R", "EFG 2 D", 1))
    assert floats.is_float_exact
    assert floats != game
    np.testing.assert_array_equal(floats.terminal_payoffs, game.terminal_payoffs)
