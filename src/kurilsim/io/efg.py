"""Reading and writing Gambit ``.efg`` extensive-form files.

Gambit (https://www.gambit-project.org) stores a finite extensive game as a
whitespace-separated text file (format version 2):

.. code-block:: text

    EFG 2 R "A simple poker game" { "Fred" "Alice" }
    "an optional comment"

    c "" 1 "" { "Red" 1/2 "Black" 1/2 } 0
    p "" 1 1 "" { "Raise" "Fold" } 0
    p "" 2 1 "" { "Meet" "Pass" } 0
    t "" 1 "Win Big" { 2, -2 }
    t "" 2 "Win" { 1, -1 }
    t "" 2 "Win" { 1, -1 }
    p "" 1 2 "" { "Raise" "Fold" } 0
    p "" 2 1 0
    t "" 3 "Lose Big" { -2, 2 }
    t "" 2
    t "" 4 "Lose" { -1, 1 }

The prologue (``EFG 2 R`` or ``EFG 2 D``, the title, the player names and an
optional comment) is followed by the nodes of the tree in prefix order (a
node, then the subtrees of its children in action order):

``c "node" event "event name" { "action" probability ... } outcome``
    a chance node;
``p "node" player infoset "infoset name" { "action" ... } outcome``
    a decision node of ``player`` (numbered from 1 in the player list) in its
    information set ``infoset`` (a number unique within the player);
``t "node" outcome``
    a terminal node.

Each ``outcome`` is a number, ``0`` for none, optionally followed by the
outcome's name and one payoff per player (``"Win" { 1, -1 }``; commas are
optional).  Information sets, chance events and outcomes may appear many
times; the description (name and actions, name and probabilities, name and
payoffs) may be given at the first appearance only, and where it is repeated
it must match the first.  Numbers are integers, decimals (``-0.25``,
``2.5e-3``) or rationals (``3/2``).  Labels are double-quoted; inside one,
``\\"`` stands for a quote and ``\\\\`` for a backslash, and a backslash
before any other character stands for itself (``\\wedge``), as in Gambit.

:func:`read_efg` builds an :class:`~kurilsim.ExtensiveFormGame`: the tree,
the player names, the title and the comment, every node's label, every
information set (its player, its number as the set's key, its name and
actions), chance probabilities and terminal payoffs.  A terminal's outcome
name becomes :attr:`Terminal.outcome <kurilsim.Terminal.outcome>` (``None``
when the terminal has no outcome or an unnamed one).  Three things of the
file have no place in the game and are folded or dropped, which leaves the
game -- its tree, sets, labels, payoffs and probabilities -- unchanged:

* an outcome at a decision or chance node pays its payoffs *in addition* to
  those of every terminal below the node (Gambit's incremental payoffs); the
  reader adds them into the terminals' payoffs, and the writer writes every
  payoff at the terminals;
* outcome numbers, and the sharing of one outcome by several terminals: the
  writer numbers outcomes afresh, one per distinct (name, payoffs) pair;
* chance events: nature's information sets, their numbers and names (the
  writer gives every chance node its own event, with the same moves and
  probabilities).

A terminal without an outcome pays zero to everyone.

Like Gambit, the reader makes repeated or empty labels distinct where a game
needs them to be (player names; action labels within one information set or
chance node): a label ``x`` that occurs twice becomes ``x_1`` and ``x_2``,
and a lone empty label becomes ``_1``.

Numbers are read exactly (payoffs summed from several outcomes are summed
exactly) and each is rounded to the nearest float once.  In an ``EFG 2 R``
file (R for rational, the format Gambit writes) they are exact: the game
keeps every value that float64 rounds (``1/3``, ``0.1``,
``10000000000000000001``) beside its float, in
:attr:`~kurilsim.ExtensiveFormGame.exact_terminal_payoffs` and
:attr:`~kurilsim.ExtensiveFormGame.exact_chance_probabilities`
(:attr:`~kurilsim.ExtensiveFormGame.is_float_exact` is then ``False``), as
Gambit does.  In an ``EFG 2 D`` file (D for double) they stand for floats,
and the game keeps the floats only.  Chance probabilities must be
non-negative and sum to one; Gambit demands an exact sum of one, kurilsim
accepts a rounding error up to ``1e-9`` (as :class:`~kurilsim.Chance`
does).

:func:`to_efg` writes a game that keeps exact values as an ``EFG 2 R``
file with those values -- each as its float's shortest text when that is
the exact value (``0.25``, ``0.1`` for one tenth), else as an integer or a
rational ``p/q`` -- so that Gambit and :func:`read_efg` read the game as
given.  A game of floats is written with the shortest text that reads back
as the same float -- ``1/3`` for the float nearest one third, ``0.25`` for a
quarter -- so that Gambit reads the rational the file meant; when some text
does not equal its float exactly (``1/3``, ``0.1``), the header is
``EFG 2 D``, so that :func:`read_efg` reads the same floats back.  Each
chance node's probabilities are written so that they sum to exactly one in
exact arithmetic.  It escapes only the
backslashes that must be escaped (before a quote, a backslash or the end of
a label), because Gambit's reader doubles escaped backslashes.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
)
from kurilsim._io import atomic_output
from kurilsim.games.extensive import CHANCE, DECISION, Choice, ExtensiveFormGame
from kurilsim.games.sequential import Chance, Node, Terminal
from kurilsim.io._gambit import (
    DECIMAL_RE,
    NUMBER_HINT,
    RATIONAL_RE,
    Parser,
    Token,
    decimal_text,
    gambit_distinct,
    parse_players,
    quote,
    rational_text,
    read_text,
)

__all__ = ["DEFAULT_MAX_NODES", "from_efg", "read_efg", "to_efg", "write_efg"]

#: Default budget of :func:`read_efg`: the most nodes a file may hold (a
#: game takes about 1.5 kB per node while it is read, so 750 MB at most).
DEFAULT_MAX_NODES = 500_000

# A file may hold at most this many node-player pairs per node of
# ``max_nodes`` (the game keeps a number per pair, e.g. each player's last
# action on the path to each node).
_PLAYER_ENTRIES = 32
# Decimal exponents beyond this magnitude are refused: they are far outside
# the float range, and an exact value of one would take unbounded memory.
_MAX_EXPONENT = 1000
# Longer digit strings are refused (``int(str)`` refuses more than 4300).
_MAX_DIGITS = 4000
# The largest float, exactly.
_FLOAT_MAX = Fraction(sys.float_info.max)
# Chance probabilities may miss a sum of one by this much (as ``Chance``).
_SUM_TOLERANCE = 1e-9

# ----------------------------------------------------------------- lexing

# (Tokens, labels and number words: see ``kurilsim.io._gambit``.)
_COUNT_RE = re.compile(r"\+?\d+")
_EFG_START_RE = re.compile(r"\s*EFG")


# ---------------------------------------------------------------- numbers


def _number(token: Token, what: str) -> Fraction:
    """The exact value of a number token (integer, decimal or rational)."""

    def fail(got: str) -> InvalidGameError:
        return InvalidGameError(f"{token.where}: expected {what}, got {got}")

    text = token.text
    if token.kind != "word":
        raise fail(f"{token.describe()} {NUMBER_HINT}")
    if len(text) > _MAX_DIGITS:
        raise fail(f"a number of {len(text)} characters (at most {_MAX_DIGITS})")
    if RATIONAL_RE.fullmatch(text):
        numerator, denominator = text.split("/")
        if int(denominator) == 0:
            raise fail(f"{token.describe()} with a zero denominator")
        exact = Fraction(int(numerator), int(denominator))
        if abs(exact) > _FLOAT_MAX:
            raise fail(f"{token.describe()}, outside the range of a float")
        return exact
    if not DECIMAL_RE.fullmatch(text):
        raise fail(f"{token.describe()} {NUMBER_HINT}")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits decimals only
        raise fail(token.describe()) from None
    if value and value.adjusted() > _MAX_EXPONENT:
        raise fail(f"{token.describe()}, outside the range of a float")
    if value and value.adjusted() < -_MAX_EXPONENT:
        raise fail(
            f"{token.describe()}, too close to zero to read (magnitude below "
            f"1e-{_MAX_EXPONENT}; a float holds none below 5e-324)"
        )
    exact = Fraction(value)
    if abs(exact) > _FLOAT_MAX:
        raise fail(f"{token.describe()}, outside the range of a float")
    return exact


def _count(token: Token, what: str) -> int:
    """A non-negative integer (player, information set, event or outcome)."""
    if token.kind != "word" or not _COUNT_RE.fullmatch(token.text):
        raise InvalidGameError(
            f"{token.where}: expected {what} (a non-negative integer), got "
            f"{token.describe()}"
        )
    if len(token.text) > 18:
        raise InvalidGameError(
            f"{token.where}: expected {what}, got {token.describe()}, which is "
            "too large"
        )
    return int(token.text)


def _to_float(value: Fraction, token: Token, what: str) -> float:
    """``float(value)`` for a value the reader checked or summed."""
    try:
        result = float(value)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise InvalidGameError(
            f"{token.where}: {what} is outside the range of a float (magnitude "
            "up to 1.798e308)"
        )
    return result


# ------------------------------------------------------------ the file's tree


@dataclass(slots=True)
class _Outcome:
    name: str
    payoffs: tuple[Fraction, ...]
    token: Token  # where it was defined


@dataclass(slots=True)
class _Infoset:
    name: str
    actions: tuple[str, ...]  # as in the file (before making them distinct)
    probabilities: tuple[Fraction, ...] | None  # chance events only
    token: Token  # where it was defined


@dataclass(slots=True)
class _FileTree:
    """What a file says, in prefix order, before it becomes a game."""

    title: str = ""
    comment: str = ""
    floating: bool = False  # an ``EFG 2 D`` file: numbers stand for floats
    players: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)  # "c", "p" or "t"
    label: list[str] = field(default_factory=list)
    player: list[int] = field(default_factory=list)  # 0-based; -1 chance/terminal
    infoset: list[int] = field(default_factory=list)  # set or event number; -1
    outcome: list[int] = field(default_factory=list)  # outcome number (0: none)
    parent: list[int] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    token: list[Token] = field(default_factory=list)  # the node's letter
    infosets: dict[tuple[int, int], _Infoset] = field(default_factory=dict)
    outcomes: dict[int, _Outcome] = field(default_factory=dict)


def _parse_header(parser: Parser, tree: _FileTree, path_hint: bool) -> None:
    words: list[Token] = []
    while len(words) < 3 and parser.tok.kind == "word":
        words.append(parser.advance())
    ok = (
        len(words) == 3
        and words[0].text == "EFG"
        and words[1].text == "2"
        and words[2].text in ("R", "D")
    )
    if not ok:
        first = words[0] if words else parser.tok
        got = " ".join(t.text for t in words) if words else ""
        if not words and parser.tok.kind != "eof":
            got = parser.tok.describe()
        elif not words:
            got = "an empty text"
        else:
            got = repr(got)
        hint = " (and no file of that name exists)" if path_hint else ""
        raise InvalidGameError(
            f"{first.where}: expected the header 'EFG 2 R' or 'EFG 2 D', got "
            f"{got}{hint}"
        )
    tree.floating = words[2].text == "D"
    tree.title = parser.expect("string", "the quoted title of the game").text
    names = parse_players(parser)
    tree.players = list(gambit_distinct(names))
    if parser.tok.kind == "string":
        tree.comment = parser.advance().text


def _payoffs(n: int) -> str:
    return "1 payoff" if n == 1 else f"{n} payoffs"


def _parse_payoffs(
    parser: Parser, tree: _FileTree, number: int
) -> tuple[Fraction, ...]:
    n = len(tree.players)
    parser.expect("{", f"'{{' opening the payoffs of outcome {number}")
    payoffs: list[Fraction] = []
    for player in tree.players:
        if parser.tok.kind == "}":
            raise parser.fail(
                f"the payoff of player {player!r} in outcome {number} "
                f"({_payoffs(n)}, one per player)"
            )
        payoffs.append(
            _number(
                parser.advance(), f"the payoff of player {player!r} in outcome {number}"
            )
        )
        parser.skip_comma()
    if parser.tok.kind != "}":
        raise parser.fail(
            f"'}}' closing the payoffs of outcome {number} ({_payoffs(n)}, one "
            "per player)"
        )
    parser.advance()
    return tuple(payoffs)


def _parse_outcome(parser: Parser, tree: _FileTree) -> int:
    token = parser.tok
    number = _count(parser.advance(), "the outcome number (0 for none)")
    if parser.tok.kind != "string":
        if number and number not in tree.outcomes:
            raise InvalidGameError(
                f"{token.where}: outcome {number} is used before it is defined: "
                f'expected its name and payoffs (e.g. {number} "name" '
                "{ 1, 2 }) at its first use"
            )
        return number
    if number == 0:
        raise parser.fail(
            "no name or payoffs after the null outcome 0 (a number > 0 for an "
            "outcome with payoffs)"
        )
    name = parser.advance().text
    payoffs = _parse_payoffs(parser, tree, number)
    known = tree.outcomes.get(number)
    if known is None:
        tree.outcomes[number] = _Outcome(name, payoffs, token)
    elif (known.name, known.payoffs) != (name, payoffs):
        raise InvalidGameError(
            f"{token.where}: outcome {number} is redefined as {name!r} "
            f"{_show(payoffs)}, but {known.token.where} defines it as "
            f"{known.name!r} {_show(known.payoffs)} (a repeated description must "
            "match the first)"
        )
    return number


def _show(values: Sequence[Fraction]) -> str:
    return "{ " + ", ".join(str(v) for v in values) + " }"


def _parse_actions(
    parser: Parser, chance: bool, where: str
) -> tuple[tuple[str, ...], tuple[Fraction, ...] | None]:
    parser.expect("{", f"'{{' opening the actions of {where}")
    actions: list[str] = []
    probabilities: list[Fraction] = []
    while parser.tok.kind == "string":
        action = parser.advance().text
        actions.append(action)
        if chance:
            ptoken = parser.advance()
            probability = _number(
                ptoken, f"the probability of action {action!r} of {where}"
            )
            if probability < 0:
                raise InvalidGameError(
                    f"{ptoken.where}: expected a non-negative probability of "
                    f"action {action!r} of {where}, got {probability}"
                )
            probabilities.append(probability)
            parser.skip_comma()
    if parser.tok.kind != "}":
        raise parser.fail(
            "a quoted action label or '}' closing the actions of " + where
            if not chance
            else "a quoted action label (followed by its probability) or '}' "
            "closing the actions of " + where
        )
    if not actions:
        raise parser.fail(f"at least one action of {where}")
    close = parser.advance()
    if not chance:
        return tuple(actions), None
    total = sum(probabilities, Fraction(0))
    if abs(total - 1) > _SUM_TOLERANCE:
        raise InvalidGameError(
            f"{close.where}: expected the probabilities of {where} to sum to 1, "
            f"got {' + '.join(str(p) for p in probabilities)} = {total}"
        )
    return tuple(actions), tuple(probabilities)


def _parse_move(parser: Parser, tree: _FileTree, chance: bool, player: int) -> int:
    """The set or event number of a ``c``/``p`` node, and its description."""
    token = parser.tok
    what = "the chance event number" if chance else "the information set number"
    number = _count(parser.advance(), what)
    key = (player, number)
    where = (
        f"chance event {number}"
        if chance
        else f"information set {number} of player {tree.players[player]!r}"
    )
    known = tree.infosets.get(key)
    if parser.tok.kind != "string":
        if known is None:
            raise InvalidGameError(
                f"{token.where}: {where} is used before it is defined: expected "
                'its name and actions (e.g. "" { "L" "R" }) at its first node'
            )
        return number
    name = parser.advance().text
    actions, probabilities = _parse_actions(parser, chance, where)
    if known is None:
        tree.infosets[key] = _Infoset(name, actions, probabilities, token)
    elif (known.name, known.actions, known.probabilities) != (
        name,
        actions,
        probabilities,
    ):
        raise InvalidGameError(
            f"{token.where}: {where} is redescribed differently from its first "
            f"description at {known.token.where}: "
            f"{_describe_set(known.name, known.actions, known.probabilities)} "
            f"there, {_describe_set(name, actions, probabilities)} here (a "
            "repeated description must match the first)"
        )
    return number


def _describe_set(
    name: str, actions: tuple[str, ...], probabilities: tuple[Fraction, ...] | None
) -> str:
    if probabilities is None:
        listed = " ".join(repr(a) for a in actions)
    else:
        listed = " ".join(
            f"{a!r} {p}" for a, p in zip(actions, probabilities, strict=True)
        )
    return f"{name!r} {{ {listed} }}"


def _parse_tree(text: str, *, path_hint: bool = False, max_nodes: int) -> _FileTree:
    if text.startswith("\ufeff"):  # a byte-order mark read as text
        text = " " + text[1:]
    parser = Parser(text)
    tree = _FileTree()
    _parse_header(parser, tree, path_hint)
    n_players = len(tree.players)
    # (node id, children still to read) for every node whose subtree is open
    stack: list[list[int]] = []
    while True:
        token = parser.tok
        if token.kind != "word" or token.text not in ("c", "p", "t"):
            if not tree.kind:
                expected = "the root node: 'c' (chance), 'p' (player) or 't' (terminal)"
            else:
                parent, _ = stack[-1]
                k = len(tree.children[parent]) + 1
                expected = (
                    f"a node ('c', 'p' or 't') for child {k} of the node at "
                    f"{tree.token[parent].where}"
                )
            raise parser.fail(expected)
        if len(tree.kind) >= max_nodes:
            raise ProblemTooLargeError(
                f"{token.where}: the file holds more than max_nodes={max_nodes} "
                "nodes; pass a larger max_nodes to read it",
                estimate=float(max_nodes + 1),
            )
        if (len(tree.kind) + 1) * n_players > _PLAYER_ENTRIES * max_nodes:
            raise ProblemTooLargeError(
                f"{token.where}: the file holds more than "
                f"{_PLAYER_ENTRIES * max_nodes // n_players} nodes of {n_players} "
                f"players, more than {_PLAYER_ENTRIES} x max_nodes={max_nodes} "
                "node-player pairs (the game stores a number per pair); pass a "
                "larger max_nodes to read it",
                estimate=float((len(tree.kind) + 1) * n_players / _PLAYER_ENTRIES),
            )
        parser.advance()
        label = parser.expect("string", "the quoted label of the node").text
        player = -1
        infoset = -1
        if token.text == "p":
            ptoken = parser.tok
            number = _count(parser.advance(), "the player number")
            if not 1 <= number <= n_players:
                raise InvalidGameError(
                    f"{ptoken.where}: expected a player number from 1 to "
                    f"{n_players}, got {ptoken.describe()}"
                )
            player = number - 1
            infoset = _parse_move(parser, tree, chance=False, player=player)
        elif token.text == "c":
            infoset = _parse_move(parser, tree, chance=True, player=-1)
        outcome = _parse_outcome(parser, tree)
        node = len(tree.kind)
        tree.kind.append(token.text)
        tree.label.append(label)
        tree.player.append(player)
        tree.infoset.append(infoset)
        tree.outcome.append(outcome)
        tree.token.append(token)
        tree.children.append([])
        if stack:
            top = stack[-1]
            tree.parent.append(top[0])
            tree.children[top[0]].append(node)
            top[1] -= 1
            if top[1] == 0:
                stack.pop()
        else:
            tree.parent.append(-1)
        if token.text != "t":
            n_children = len(tree.infosets[(player, infoset)].actions)
            stack.append([node, n_children])
        if not stack:
            break
    if parser.tok.kind != "eof":
        raise parser.fail(
            "the end of the file: the tree is complete after the node at "
            f"{tree.token[-1].where}"
        )
    return tree


# ------------------------------------------------------------ building the game


def _add(
    base: tuple[Fraction, ...] | None, more: tuple[Fraction, ...] | None
) -> tuple[Fraction, ...] | None:
    if base is None:
        return more
    if more is None:
        return base
    return tuple(a + b for a, b in zip(base, more, strict=True))


def _build(tree: _FileTree) -> ExtensiveFormGame:
    """The game of a parsed file (nodes are built children first, no recursion)."""
    n = len(tree.kind)
    n_players = len(tree.players)
    # the actions of each set and event, made distinct as Gambit does
    actions = {key: gambit_distinct(s.actions) for key, s in tree.infosets.items()}
    # the floats, and the exact numbers the game keeps beside them (an
    # ``EFG 2 R`` file) or not (``EFG 2 D``: the numbers stand for floats)
    probabilities = {
        key: tuple(_to_float(p, s.token, "the probability") for p in s.probabilities)
        for key, s in tree.infosets.items()
        if s.probabilities is not None
    }
    # payoffs accumulated from the outcomes on the path (Gambit's incremental
    # payoffs at decision and chance nodes), exactly
    accumulated: list[tuple[Fraction, ...] | None] = [None] * n
    for node in range(n):
        number = tree.outcome[node]
        own = tree.outcomes[number].payoffs if number else None
        parent = tree.parent[node]
        accumulated[node] = _add(accumulated[parent] if parent >= 0 else None, own)
    zero = (0.0,) * n_players
    built: dict[int, Node] = {}
    for node in range(n - 1, -1, -1):
        kind = tree.kind[node]
        label = tree.label[node]
        if kind == "t":
            number = tree.outcome[node]
            total = accumulated[node]
            payoffs = (
                zero
                if total is None
                else tuple(
                    _to_float(v, tree.token[node], "the sum of the payoffs on the path")
                    for v in total
                )
            )
            name = tree.outcomes[number].name if number else ""
            built[node] = Terminal(
                payoffs, name or None, label, _exact=None if tree.floating else total
            )
            continue
        key = (tree.player[node], tree.infoset[node])
        kids = [built.pop(child) for child in tree.children[node]]
        if kind == "c":
            built[node] = Chance(
                tuple(zip(actions[key], probabilities[key], kids, strict=True)),
                label,
                _exact=None if tree.floating else tree.infosets[key].probabilities,
            )
        else:
            built[node] = Choice(
                tree.player[node],
                tree.infoset[node],
                tuple(zip(actions[key], kids, strict=True)),
                label,
                infoset_label=tree.infosets[key].name,
            )
    root = built.pop(0)
    try:
        return ExtensiveFormGame(
            root, tuple(tree.players), title=tree.title, comment=tree.comment
        )
    except InvalidGameError as error:  # pragma: no cover - the parser checks first
        raise InvalidGameError(
            f"the file's tree is not a valid game: {error}"
        ) from None


def _check_max_nodes(max_nodes: object) -> int:
    if (
        isinstance(max_nodes, bool)
        or not isinstance(max_nodes, numbers.Integral)
        or max_nodes < 1
    ):
        raise InvalidArgumentError(
            f"max_nodes must be a positive integer, got {max_nodes!r}"
        )
    return int(max_nodes)


def from_efg(text: str, *, max_nodes: int = DEFAULT_MAX_NODES) -> ExtensiveFormGame:
    """Read a game from the text of a Gambit ``.efg`` file.

    Parameters
    ----------
    text : str
        The text of an ``.efg`` file (never taken as a path).
    max_nodes : int, default DEFAULT_MAX_NODES
        The most nodes the text may hold (see :func:`read_efg`).

    Returns
    -------
    ExtensiveFormGame
        See :func:`read_efg`.

    Raises
    ------
    InvalidGameError
        If the text is not a valid ``.efg`` file; the message names the line
        and column and what was expected there.
    ProblemTooLargeError
        If the text holds more than ``max_nodes`` nodes.
    InvalidArgumentError
        If ``text`` is not a str or ``max_nodes`` not a positive integer.

    Examples
    --------
    >>> from kurilsim.io.efg import from_efg
    >>> game = from_efg('''EFG 2 R "coin" { "me" }
    ... c "" 1 "" { "H" 1/3 "T" 2/3 } 0
    ... t "" 1 "win" { 1 }
    ... t "" 0
    ... ''')
    >>> game.chance_probabilities[0], game.terminal_outcomes
    (array([0.33333333, 0.66666667]), ('win', None))
    """
    limit = _check_max_nodes(max_nodes)
    if not isinstance(text, str):
        raise InvalidArgumentError(
            f"text must be the text of an .efg file (a str), got {type(text).__name__}"
        )
    return _build(_parse_tree(text, max_nodes=limit))


def read_efg(
    source: str | os.PathLike[str], *, max_nodes: int = DEFAULT_MAX_NODES
) -> ExtensiveFormGame:
    """Read a game from a Gambit ``.efg`` file or from the text of one.

    The whole of format version 2 is understood (see :mod:`kurilsim.io.efg`):
    chance, decision and terminal nodes in prefix order, information sets and
    chance events described at their first node (and optionally repeated),
    outcomes defined once and referred to by number, outcomes at decision and
    chance nodes (their payoffs are added to every terminal below), integer,
    decimal and rational numbers, and labels with escaped quotes.

    Parameters
    ----------
    source : str or os.PathLike
        A path to an ``.efg`` file, or the text of one.  A path object is
        always read as a file; a str is read as a file when it names an
        existing file and does not start with ``EFG`` (after leading
        whitespace), and is parsed as the text otherwise.  Files are decoded
        as UTF-8, falling back to Latin-1.
    max_nodes : int, default DEFAULT_MAX_NODES
        The most nodes the file may hold; a larger file is refused as soon as
        its node ``max_nodes + 1`` is reached.  A game of more than 32
        players may hold fewer: at most ``32 * max_nodes`` node-player pairs
        (nodes times players).

    Returns
    -------
    ExtensiveFormGame
        The game, with the file's title, comment, player names, node labels,
        information sets (the file's set numbers as keys, their names as
        labels), action labels, chance probabilities and terminal payoffs
        (from an ``EFG 2 R`` file, with the exact values float64 rounds
        kept in :attr:`~kurilsim.ExtensiveFormGame.exact_terminal_payoffs`
        and :attr:`~kurilsim.ExtensiveFormGame.exact_chance_probabilities`);
        a terminal's outcome name is its
        :attr:`~kurilsim.Terminal.outcome` (``None`` for no outcome or an
        unnamed one).  Player names, and the actions of one information set
        or chance node, that repeat (or are empty) are made distinct as
        Gambit does: ``x``, ``x`` become ``x_1``, ``x_2``; ``""`` becomes
        ``_1``.

    Raises
    ------
    InvalidGameError
        If the text is not a valid ``.efg`` file: a bad header, an unclosed
        string or brace, a number where a label belongs, an outcome, set or
        event used before it is described or described twice differently,
        the wrong number of payoffs, probabilities that are negative or do not
        sum to one, a tree cut short, text after the tree.  The message names
        the line and column (1-based) and what was expected there, e.g.
        ``line 5, column 24: expected '}' closing the payoffs of outcome 2 (2
        payoffs, one per player), got '7'``.
    ProblemTooLargeError
        If the file holds more than ``max_nodes`` nodes (or node-player
        pairs beyond the budget).
    InvalidArgumentError
        If ``source`` is neither a str nor a path object, or ``max_nodes`` is
        not a positive integer.
    OSError
        If ``source`` is a path object naming a file that cannot be read.

    See Also
    --------
    write_efg, to_efg : the inverse operations.
    from_efg : read the text only.

    Notes
    -----
    The file is read token by token, iteratively: the depth of the tree is
    bounded only by ``max_nodes``, and nothing in the file is ever executed.
    Reading takes about 1.5 kB of memory per node at its peak (200 MB for a
    binary tree of 131,071 nodes) and runs at some tens of thousands of
    nodes per second.

    Examples
    --------
    Myerson's one-card poker (Gambit's catalog): player 2 does not see the
    card, so her two decision nodes (2 and 7) form one information set; the
    outcome ``2`` ("Win") is defined once and used three times.

    >>> from kurilsim.io.efg import read_efg
    >>> game = read_efg('''EFG 2 R "A simple Poker game" { "Fred" "Alice" }
    ... c "" 1 "" { "Red" 1/2 "Black" 1/2 } 0
    ... p "" 1 1 "" { "Raise" "Fold" } 0
    ... p "" 2 1 "" { "Meet" "Pass" } 0
    ... t "" 1 "Win Big" { 2, -2 }
    ... t "" 2 "Win" { 1, -1 }
    ... t "" 2
    ... p "" 1 2 "" { "Raise" "Fold" } 0
    ... p "" 2 1 0
    ... t "" 3 "Lose Big" { -2, 2 }
    ... t "" 2
    ... t "" 4 "Lose" { -1, 1 }
    ... ''')
    >>> game.n_nodes, [s.nodes for s in game.infosets]
    (11, [(1,), (2, 7), (6,)])
    >>> game.terminal_outcomes
    ('Win Big', 'Win', 'Win', 'Lose Big', 'Win', 'Lose')
    >>> game.terminal_payoffs[:, 0]
    array([ 2.,  1.,  1., -2.,  1., -1.])
    """
    limit = _check_max_nodes(max_nodes)
    if isinstance(source, os.PathLike):
        return _build(_parse_tree(read_text(source), max_nodes=limit))
    if not isinstance(source, str):
        raise InvalidArgumentError(
            f"source must be a path or the text of an .efg file, got "
            f"{type(source).__name__}"
        )
    if not _EFG_START_RE.match(source):
        if os.path.isfile(source):
            return _build(_parse_tree(read_text(source), max_nodes=limit))
        stripped = source.strip()
        hint = bool(stripped) and "\n" not in stripped
        return _build(_parse_tree(source, path_hint=hint, max_nodes=limit))
    return _build(_parse_tree(source, max_nodes=limit))


# ---------------------------------------------------------------- writing


def _format(value: float) -> tuple[str, Fraction]:
    """A short text that reads back as ``value``, and its exact value.

    The shortest decimal that reads back as ``value``, unless a rational with
    a denominator up to ``10**9`` whose float is ``value`` is shorter and
    differs from that decimal: ``1/3``, not ``0.3333333333333333``, but
    ``0.25``, not ``1/4``.  Gambit then reads the number the file meant.
    """
    text = decimal_text(value)
    exact = Fraction(Decimal(text))
    if "." in text or "e" in text:
        rational = Fraction(value).limit_denominator(10**9)
        if rational != exact and float(rational) == value:
            as_text = f"{rational.numerator}/{rational.denominator}"
            if len(as_text) < len(text):
                return as_text, rational
    return text, exact


def _exact_format(value: Fraction) -> tuple[str, Fraction]:
    """The text of an exact value: its float's text (:func:`_format`) when
    that reads back as exactly ``value``, else an integer or ``p/q``."""
    text, exact = _format(float(value))
    if exact == value:
        return text, value
    return rational_text(value), value


def _probability_texts(
    formatted: list[tuple[str, Fraction]],
) -> list[tuple[str, Fraction]]:
    """A chance node's probability texts (with their exact values), made to
    sum to exactly one.

    If the texts miss one (floats that rounded an irrational split,
    rationals with large denominators, or exact probabilities given within
    ``1e-9`` of a sum of one), the largest probability takes up the
    difference exactly, as a rational; it then reads back within float
    rounding of its value (within ``1e-9`` for exact ones).
    """
    total = sum((exact for _, exact in formatted), Fraction(0))
    if total == 1:
        return formatted
    largest = max(range(len(formatted)), key=lambda k: formatted[k][1])
    fixed = 1 - (total - formatted[largest][1])
    out = list(formatted)
    out[largest] = (rational_text(fixed), fixed)
    return out


def _infoset_numbers(game: ExtensiveFormGame) -> list[int]:
    """The number written for each information set.

    A player's sets keep their keys when all of them are positive integers
    (as read from a file); otherwise they are numbered 1, 2, ... in order.
    """
    numbers_: list[int] = [0] * len(game.infosets)
    for player in range(game.n_players):
        mine = [k for k, s in enumerate(game.infosets) if s.player == player]
        keys = [
            key
            for key in (game.infosets[k].key for k in mine)
            if isinstance(key, int) and not isinstance(key, bool) and key >= 1
        ]
        if len(keys) == len(mine):
            for k, key in zip(mine, keys, strict=True):
                numbers_[k] = key
        else:
            for number, k in enumerate(mine, start=1):
                numbers_[k] = number
    return numbers_


def to_efg(game: ExtensiveFormGame) -> str:
    """A game as the text of a Gambit ``.efg`` file (format version 2).

    Parameters
    ----------
    game : ExtensiveFormGame

    Returns
    -------
    str
        The text: the header with the game's title and player names, its
        comment, then one line per node in prefix order, each information set
        and chance node described in full (Gambit's own style).  Information
        sets keep their keys as numbers when a player's keys are all
        positive integers (as :func:`read_efg` makes them) and are numbered
        1, 2, ... otherwise; every chance node is a chance event of its own.
        Outcomes are numbered afresh, one per distinct (outcome, payoffs)
        pair of the terminals: a terminal's outcome name is ``str(outcome)``
        (empty for ``None``), and a terminal with no outcome and zero payoffs
        gets the null outcome ``0``.  A game that keeps exact values
        (:attr:`~kurilsim.ExtensiveFormGame.is_float_exact` is ``False``) is
        written as ``EFG 2 R`` with those values exactly (integers, decimals
        or rationals ``p/q``); a game of floats with the shortest text that
        reads back as the same float, as ``EFG 2 D`` if some such text is not
        exactly its float (``1/3``, ``0.1``), else as ``EFG 2 R``.  Each
        chance node's probabilities sum to exactly one.
        ``read_efg(to_efg(game)) == game`` (exact values included), with the
        same title and comment, except that outcomes that
        are not strings come back as their ``str``, an empty-string outcome
        comes back as ``None``, empty or repeated action labels come back
        renamed as Gambit names them, and probabilities whose texts do not
        sum to one exactly may come back within float rounding (within
        ``1e-9`` for exact probabilities that were given so).

    Raises
    ------
    InvalidGameError
        If ``game`` is not an :class:`~kurilsim.ExtensiveFormGame`.

    See Also
    --------
    write_efg : write it to a file.
    read_efg : the inverse operation.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from kurilsim import ExtensiveFormGame
    >>> from kurilsim.games.extensive import Chance, Choice, Terminal
    >>> from kurilsim.io.efg import to_efg
    >>> guess = lambda win: Choice("guesser", "guess", [
    ...     ("heads", Terminal((1 if win else -1,), "right" if win else "wrong")),
    ...     ("tails", Terminal((-1 if win else 1,), "wrong" if win else "right"))])
    >>> game = ExtensiveFormGame(
    ...     Chance([("H", Fraction(1, 3), guess(True)), ("T", Fraction(2, 3), guess(False))]),
    ...     players=["guesser"], title="a biased coin")
    >>> print(to_efg(game))
    EFG 2 R "a biased coin" { "guesser" }
    ""
    <BLANKLINE>
    c "" 1 "" { "H" 1/3 "T" 2/3 } 0
    p "" 1 1 "guess" { "heads" "tails" } 0
    t "" 1 "right" { 1 }
    t "" 2 "wrong" { -1 }
    p "" 1 1 "guess" { "heads" "tails" } 0
    t "" 2 "wrong" { -1 }
    t "" 1 "right" { 1 }
    <BLANKLINE>

    With the floats ``1 / 3`` and ``2 / 3`` instead, the same lines follow
    the header ``EFG 2 D``.
    """
    if not isinstance(game, ExtensiveFormGame):
        raise InvalidGameError(
            f"expected an ExtensiveFormGame to write, got {type(game).__name__}"
        )
    players = " ".join(quote(p) for p in game.players)
    lines = ["", quote(game.comment), ""]  # the header is filled in last
    exact = not game.is_float_exact
    # whether some text of a float game reads back as another number than
    # its float (``1/3``, ``0.1``): then the file is written as ``EFG 2 D``
    lossy = False
    set_numbers = _infoset_numbers(game)
    set_texts = [
        f"{game.infosets[k].player + 1} {set_numbers[k]} "
        f"{quote(game.infosets[k].label)} "
        f"{{ {' '.join(quote(a) for a in game.infosets[k].actions)} }}"
        for k in range(len(game.infosets))
    ]
    terminal_row = {int(t): k for k, t in enumerate(game.terminal_nodes)}
    outcome_numbers: dict[tuple[str, tuple[str, ...]], int] = {}
    events = 0
    kinds = game.node_kind.tolist()
    for node, kind in enumerate(kinds):
        label = quote(game.node_labels[node])
        if kind == DECISION:
            infoset = int(game.node_infoset[node])
            lines.append(f"p {label} {set_texts[infoset]} 0")
        elif kind == CHANCE:
            events += 1
            if exact:
                formatted = [
                    _exact_format(p) for p in game.exact_chance_probabilities[node]
                ]
            else:
                formatted = [
                    _format(p) for p in game.chance_probabilities[node].tolist()
                ]
            fixed = _probability_texts(formatted)
            texts = [text for text, _ in fixed]
            if not exact:
                lossy = lossy or any(
                    q != Fraction(p)
                    for (_, q), p in zip(
                        fixed, game.chance_probabilities[node].tolist(), strict=True
                    )
                )
            moves = " ".join(
                f"{quote(a)} {p}"
                for a, p in zip(game.node_actions[node], texts, strict=True)
            )
            lines.append(f'c {label} {events} "" {{ {moves} }} 0')
        else:
            row = terminal_row[node]
            outcome = game.terminal_outcomes[row]
            values = game.terminal_payoffs[row].tolist()
            zero = not any(
                game.exact_terminal_payoffs[row].tolist() if exact else values
            )
            if outcome is None and zero:
                lines.append(f"t {label} 0")
                continue
            name = "" if outcome is None else str(outcome)
            if exact:
                payoffs = tuple(
                    _exact_format(q)[0]
                    for q in game.exact_terminal_payoffs[row].tolist()
                )
            else:
                written = [_format(v) for v in values]
                payoffs = tuple(text for text, _ in written)
                lossy = lossy or any(
                    q != Fraction(v) for (_, q), v in zip(written, values, strict=True)
                )
            number = outcome_numbers.setdefault(
                (name, payoffs), len(outcome_numbers) + 1
            )
            lines.append(f"t {label} {number} {quote(name)} {{ {', '.join(payoffs)} }}")
    lines[0] = f"EFG 2 {'D' if lossy else 'R'} {quote(game.title)} {{ {players} }}"
    return "\n".join(lines) + "\n"


def write_efg(game: ExtensiveFormGame, path: str | os.PathLike[str]) -> None:
    """Write a game to a Gambit ``.efg`` file.

    The file (UTF-8) replaces any existing file at ``path`` only once it is
    complete: it is written beside it and renamed into place, so a failure
    leaves an earlier file untouched.

    Parameters
    ----------
    game : ExtensiveFormGame
    path : str or os.PathLike
        The file to write.

    Raises
    ------
    InvalidGameError
        If ``game`` is not an :class:`~kurilsim.ExtensiveFormGame`.
    OutputError
        If the file cannot be written.

    See Also
    --------
    to_efg : the text written, and what reads back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kurilsim import ExtensiveFormGame
    >>> from kurilsim.games.extensive import Choice, Terminal
    >>> from kurilsim.io.efg import read_efg, write_efg
    >>> game = ExtensiveFormGame(
    ...     Choice("me", 1, [("stop", Terminal((0,))), ("go", Terminal((1,)))]),
    ...     players=["me"])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "game.efg"
    >>> write_efg(game, path)
    >>> read_efg(path) == game
    True
    """
    text = to_efg(game)
    if not isinstance(path, str | os.PathLike):
        raise InvalidArgumentError(
            f"path must be a file path (str or os.PathLike), got {type(path).__name__}"
        )
    with atomic_output(path, newline="") as stream:
        stream.write(text)
