"""Sequential games: building game trees (their SPE: tests/solvers/test_spe.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import Chance, Decision, InvalidGameError, SequentialGame, Terminal
from tests.bad_arguments import ULTIMATUM, Case, call, check_named, params


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: SequentialGame(Terminal((1, 2, 3)), players=["a", "b"]), "3 payoffs"),
        (lambda: SequentialGame(Decision("c", {"x": Terminal((1, 2))}), ["a", "b"]),
         "unknown player 'c'"),
        (lambda: SequentialGame(Decision(5, {"x": Terminal((1, 2))}), ["a", "b"]),
         "out of range"),
        (lambda: Decision(0, {}), "at least one move"),
        (lambda: Decision(0, [("x", Terminal((1,))), ("x", Terminal((2,)))]), "duplicate"),
        (lambda: Chance((("x", 0.5, Terminal((1,))),)), "sum to 1"),
        (lambda: Terminal((1.0, float("nan"))), "finite"),
        (lambda: Decision(0, {"x": 3}), "Terminal, Decision or Chance"),
        (lambda: SequentialGame(Terminal((1,)), players=["a", "a"]), "duplicate player"),
    ],
)
def test_bad_trees_raise_clear_errors(build, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidGameError, match=match):
        build()


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
LEAF = Terminal((1.0, 2.0))

BAD_ARGUMENTS: list[Case] = [
    ("Terminal-label-int", call(Terminal, (1, 2), label=3),
     InvalidGameError, r"label must be a string, got 3 \(int\)"),
    ("Terminal-outcome-list", call(Terminal, (1, 2), outcome=[1]),
     InvalidGameError, r"outcome must be hashable .* got \[1\] \(list\)"),
    ("Decision-player-none", call(Decision, None, {"x": LEAF}),
     InvalidGameError, r"player must be a name or an index, got None"),
    ("Decision-player-float", call(Decision, 1.5, {"x": LEAF}),
     InvalidGameError, r"player must be a name or an index, got 1\.5"),
    ("Decision-moves-none", call(Decision, "a", None),
     InvalidGameError, r"moves must be a mapping .* got None"),
    ("Decision-label-list", call(Decision, "a", {"x": LEAF}, ["x"]),
     InvalidGameError, r"label must be a string, got \['x'\]"),
    ("Chance-moves-none", call(Chance, None),
     InvalidGameError, r"Chance node's moves must be .* got None"),
    ("Chance-moves-ints", call(Chance, [1, 2]),
     InvalidGameError, r"Chance node's moves must be .* got \[1, 2\]"),
    ("Chance-probability-str", call(Chance, [("h", "half", LEAF), ("t", 0.5, LEAF)]),
     InvalidGameError, r"chance probabilities must be an array of real numbers"),
    ("SequentialGame-root-none", call(SequentialGame, None, ["a"]),
     InvalidGameError, r"root must be a Terminal, Decision or Chance node, got None"),
    ("SequentialGame-players-none", call(SequentialGame, LEAF, None),
     InvalidGameError, r"players must be a sequence of strings, got None"),
    ("SequentialGame-players-str", call(SequentialGame, LEAF, "ab"),
     InvalidGameError, r"players must be a sequence of strings, got 'ab'"),
    ("node_description-node-str", call(ULTIMATUM.node_description, "root"),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 'root'"),
    ("node_description-node-negative", call(ULTIMATUM.node_description, -1),
     InvalidGameError, r"node must be an integer in \[0, 9\], got -1"),
    ("with_payoffs-payoffs-str", call(ULTIMATUM.with_payoffs, [["a", "b"]] * 6),
     InvalidGameError, r"payoffs must be an array of real numbers"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    assert ULTIMATUM.node_description(np.int64(0)) == "root"
