"""Reading and writing Gambit ``.nfg`` strategic-form files.

Gambit (https://www.gambit-project.org) stores a finite game in strategic form
as a whitespace-separated text file in one of two versions:

*payoff version*
    ::

        NFG 1 R "Matching pennies" { "Row" "Col" } { 2 2 }
        1 -1  -1 1  -1 1  1 -1

    the prologue (header ``NFG 1 R``, title, player names, strategy counts or
    labels, optional comment) is followed by one payoff per player for every
    strategy profile;

*outcome version*
    ::

        NFG 1 R "Matching pennies" { "Row" "Col" }
        { { "H" "T" } { "H" "T" } }
        ""
        { { "Row wins" 1, -1 } { "Col wins" -1, 1 } }
        1 2 2 1

    the prologue is followed by a list of outcomes (a name and one payoff per
    player, optionally separated by commas) and then one outcome index per
    strategy profile, where ``0`` is the null outcome with all payoffs zero.

In both versions the strategy profiles are listed with the *first* player's
strategy changing fastest (column-major or Fortran order over the profile
``(s_1, ..., s_n)``), and within a profile the payoffs follow the player order.
Numbers may be integers, decimals, exponent notation (``2.5e-3``) or rationals
(``3/2``); rationals and decimals are converted to the nearest float.  Text
labels are double-quoted, with ``\\"`` standing for a quote inside a label and
``\\\\`` for a backslash.

Kurilsim keeps player names and strategy labels; a game's title, comment and
outcome names have no place in :class:`~kurilsim.NormalFormGame` and are read
but dropped.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidGameError
from kurilsim.games.normal_form import NormalFormGame

__all__ = ["read_nfg", "write_nfg"]

# ----------------------------------------------------------------- lexing

# Every non-whitespace character starts exactly one of these alternatives, so
# ``finditer`` only ever skips whitespace.
_TOKEN_RE = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*")   # a complete quoted label
    |(?P<open>")                     # a quote that is never closed
    |(?P<punct>[{},])
    |(?P<word>[^\s{},"]+)            # numbers and bare symbols (NFG, R, D)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE_RE = re.compile(r'\\(["\\])')
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # 3, -.5, 2.5e-3
_RATIONAL = r"[+-]?\d+/\d+"  # 3/2
_NUMBER = f"{_DECIMAL}|{_RATIONAL}"
_DECIMAL_RE = re.compile(_DECIMAL)
_RATIONAL_RE = re.compile(_RATIONAL)
_INTEGER_RE = re.compile(r"[+-]?\d+")
# Whole remaining texts of valid payoff and outcome-index lists (fast paths).
_NUMBER_LIST_RE = re.compile(rf"(?:{_NUMBER})(?:\s+(?:{_NUMBER}))*\s*")
_INTEGER_LIST_RE = re.compile(r"[+-]?\d+(?:\s+[+-]?\d+)*\s*")
# One complete outcome ``{ "name" 1, 2 }`` of an outcome list (fast path).
_OUTCOME_RE = re.compile(
    rf"""\s*\{{\s*"(?:[^"\\]|\\.)*"\s*
    (?P<payoffs>(?:{_NUMBER})(?:(?:\s*,\s*|\s+)(?:{_NUMBER}))*)\s*,?\s*\}}""",
    re.VERBOSE | re.DOTALL,
)
_SEPARATOR_RE = re.compile(r"\s*,\s*|\s+")
_CLOSE_RE = re.compile(r"\s*\}")


class _Token(NamedTuple):
    kind: str  # "string", "word", "{", "}", ",", or "eof"
    text: str  # unescaped label for strings, the raw text otherwise
    line: int  # 1-based line on which the token starts
    start: int  # offset of the token in the text

    def describe(self) -> str:
        if self.kind == "eof":
            return "end of input"
        if self.kind == "string":
            return f"string {self.text!r}"
        return repr(self.text)


def _tokenize(text: str, start: int = 0) -> Iterator[_Token]:
    line = 1 + text.count("\n", 0, start)
    pos = start
    for match in _TOKEN_RE.finditer(text, start):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        kind = match.lastgroup
        raw = match.group()
        if kind == "open":
            raise InvalidGameError(
                f"line {line}: unterminated string: expected a closing '\"' for "
                f"the label starting {text[pos : pos + 20]!r}"
            )
        if kind == "string":
            yield _Token("string", _ESCAPE_RE.sub(r"\1", raw[1:-1]), line, pos)
        elif kind == "punct":
            yield _Token(raw, raw, line, pos)
        else:
            yield _Token("word", raw, line, pos)
    yield _Token("eof", "", 1 + text.rstrip().count("\n"), len(text))


# ---------------------------------------------------------------- parsing


class _Parser:
    """Recursive-descent parser over the token stream (one token lookahead)."""

    def __init__(self, text: str, start: int = 0) -> None:
        self.text = text
        self._tokens = _tokenize(text, start)
        self.tok = next(self._tokens)

    def advance(self) -> _Token:
        current = self.tok
        if current.kind != "eof":
            self.tok = next(self._tokens)
        return current

    def fail(self, expected: str, token: _Token | None = None) -> InvalidGameError:
        token = self.tok if token is None else token
        return InvalidGameError(
            f"line {token.line}: expected {expected}, got {token.describe()}"
        )

    def expect(self, kind: str, expected: str) -> _Token:
        if self.tok.kind != kind:
            raise self.fail(expected)
        return self.advance()


def _parse_number(token: _Token, describe: str | Callable[[], str]) -> float:
    """The float value of a numeric word token.

    ``describe`` names the expected number in error messages (a callable is
    only called on error, which keeps long payoff lists fast).
    """

    def fail(got: str) -> InvalidGameError:
        what = describe if isinstance(describe, str) else describe()
        return InvalidGameError(f"line {token.line}: expected {what}, got {got}")

    text = token.text
    if token.kind != "word" or not (
        _DECIMAL_RE.fullmatch(text) or _RATIONAL_RE.fullmatch(text)
    ):
        raise fail(
            f"{token.describe()} (numbers are integers, decimals or rationals "
            f"such as 3, -0.25, 1e-3 or 3/2)"
        )
    if "/" in text:
        numerator, denominator = text.split("/")
        if int(denominator) == 0:
            raise fail(f"{text!r} with a zero denominator")
        try:
            value = float(Fraction(int(numerator), int(denominator)))
        except OverflowError:
            value = math.inf
    else:
        value = float(text)
    if not math.isfinite(value):
        raise fail(
            f"{text!r}, which is outside the range of a float (magnitude up to "
            f"{np.finfo(np.float64).max:.4g})"
        )
    return value


def _parse_count(token: _Token, player: str) -> int:
    if token.kind != "word" or not _INTEGER_RE.fullmatch(token.text):
        raise InvalidGameError(
            f"line {token.line}: expected the number of strategies of player "
            f"{player!r} (a positive integer), got {token.describe()}"
        )
    count = int(token.text)
    if count < 1:
        raise InvalidGameError(
            f"line {token.line}: expected the number of strategies of player "
            f"{player!r} to be a positive integer, got {token.text!r}"
        )
    return count


def _parse_header(parser: _Parser, path_hint: bool) -> None:
    words: list[_Token] = []
    while len(words) < 3 and parser.tok.kind != "eof":
        words.append(parser.advance())
    ok = (
        len(words) == 3
        and all(t.kind == "word" for t in words)
        and words[0].text == "NFG"
        and words[1].text == "1"
        and words[2].text in ("R", "D")
    )
    if not ok:
        line = words[0].line if words else 1
        got = (
            " ".join(f'"{t.text}"' if t.kind == "string" else t.text for t in words)
            if words
            else ""
        )
        got = repr(got) if got else "an empty text"
        hint = " (and no file of that name exists)" if path_hint else ""
        raise InvalidGameError(
            f"line {line}: expected header 'NFG 1 R' or 'NFG 1 D', got {got}{hint}"
        )


def _parse_players(parser: _Parser) -> list[str]:
    parser.expect("{", "'{' opening the list of player names")
    names: list[str] = []
    while parser.tok.kind == "string":
        names.append(parser.advance().text)
    if parser.tok.kind != "}":
        raise parser.fail("a quoted player name or '}' closing the player list")
    if not names:
        raise parser.fail("at least one quoted player name in the player list")
    parser.advance()
    return names


def _parse_strategies(
    parser: _Parser, players: Sequence[str]
) -> tuple[list[int], list[list[str]] | None]:
    """Strategy counts, and labels unless the file gives counts only."""
    parser.expect("{", "'{' opening the list of strategies")
    n = len(players)
    if parser.tok.kind == "word":
        counts = [_parse_count(parser.advance(), player) for player in players]
        if parser.tok.kind != "}":
            raise parser.fail(
                f"'}}' closing the strategy counts (one per player, {n} players)"
            )
        parser.advance()
        return counts, None
    if parser.tok.kind != "{":
        raise parser.fail("strategy counts or '{' opening a list of strategy labels")
    labels: list[list[str]] = []
    for player in players:
        parser.expect("{", f"'{{' opening the strategy labels of player {player!r}")
        row: list[str] = []
        while parser.tok.kind == "string":
            row.append(parser.advance().text)
        if parser.tok.kind != "}":
            raise parser.fail(
                f"a quoted strategy label or '}}' closing the strategies of "
                f"player {player!r}"
            )
        if not row:
            raise parser.fail(f"at least one strategy label for player {player!r}")
        parser.advance()
        labels.append(row)
    if parser.tok.kind != "}":
        raise parser.fail(
            f"'}}' closing the strategy lists (one per player, {n} players)"
        )
    parser.advance()
    return [len(row) for row in labels], labels


def _payoff_what(players: Sequence[str], k: int, n_profiles: int) -> str:
    n = len(players)
    return (
        f"a numeric payoff (player {players[k % n]!r}, strategy profile "
        f"{k // n + 1} of {n_profiles})"
    )


def _rest_as_words(parser: _Parser, pattern: re.Pattern[str], count: int) -> list[str]:
    """The rest of the text split at whitespace, if it is ``count`` valid words.

    This is the fast path of long payoff and index lists; an empty list sends
    the caller to the token-by-token path, which finds and reports any error.
    """
    if parser.tok.kind != "word":
        return []
    rest = parser.text[parser.tok.start :]
    if not pattern.fullmatch(rest):
        return []
    words = rest.split()
    return words if len(words) == count else []


def _fast_payoffs(parser: _Parser, expected: int) -> NDArray[np.float64] | None:
    words = _rest_as_words(parser, _NUMBER_LIST_RE, expected)
    if not words:
        return None
    try:
        values = np.array(
            [float(Fraction(w)) if "/" in w else float(w) for w in words],
            dtype=np.float64,
        )
    except (ZeroDivisionError, OverflowError):
        return None
    return values if np.isfinite(values).all() else None


def _parse_payoff_body(
    parser: _Parser, players: Sequence[str], n_profiles: int
) -> NDArray[np.float64]:
    n = len(players)
    expected = n * n_profiles
    fast = _fast_payoffs(parser, expected)
    if fast is not None:
        return fast.reshape((n_profiles, n))
    values: list[float] = []
    last = parser.tok
    while parser.tok.kind == "word":
        last = parser.advance()
        if len(values) == expected:
            extra = 1
            while parser.tok.kind == "word":
                parser.advance()
                extra += 1
            raise InvalidGameError(
                f"line {last.line}: expected {expected} payoffs ({n} per strategy "
                f"profile, {n_profiles} profiles), found {expected + extra}"
            )
        k = len(values)
        values.append(
            _parse_number(last, partial(_payoff_what, players, k, n_profiles))
        )
    if len(values) < expected:
        if parser.tok.kind != "eof":
            raise parser.fail(
                f"a numeric payoff (payoff {len(values) + 1} of {expected})"
            )
        raise InvalidGameError(
            f"line {last.line}: expected {expected} payoffs ({n} per strategy "
            f"profile, {n_profiles} profiles), found {len(values)}"
        )
    if parser.tok.kind != "eof":
        raise parser.fail(f"end of input after the {expected} payoffs")
    return np.array(values, dtype=np.float64).reshape((n_profiles, n))


def _outcome_what(player: str, number: int, name: str) -> str:
    return f"a numeric payoff of player {player!r} in outcome {number} ({name!r})"


def _fast_outcomes(parser: _Parser, n: int) -> tuple[list[list[float]], int] | None:
    """The outcome list and the offset after it, if it is valid (fast path).

    ``None`` sends the caller to the token-by-token path, which finds and
    reports any error.
    """
    text = parser.text
    pos = parser.tok.start
    outcomes: list[list[float]] = []
    while match := _OUTCOME_RE.match(text, pos):
        words = _SEPARATOR_RE.split(match.group("payoffs"))
        if len(words) != n:
            return None
        try:
            payoffs = [float(Fraction(w)) if "/" in w else float(w) for w in words]
        except (ZeroDivisionError, OverflowError):
            return None
        if not all(map(math.isfinite, payoffs)):
            return None
        outcomes.append(payoffs)
        pos = match.end()
    close = _CLOSE_RE.match(text, pos)
    return None if close is None else (outcomes, close.end())


def _parse_outcome_list(
    parser: _Parser, players: Sequence[str], outcomes: list[list[float]]
) -> None:
    """Append the outcomes of the list to ``outcomes``, token by token."""
    n = len(players)
    while parser.tok.kind == "{":
        parser.advance()
        number = len(outcomes)
        name = parser.expect("string", f"a quoted name of outcome {number}").text
        payoffs: list[float] = []
        for player in players:
            what = partial(_outcome_what, player, number, name)
            if parser.tok.kind != "word":
                raise parser.fail(what())
            payoffs.append(_parse_number(parser.advance(), what))
            if parser.tok.kind == ",":
                parser.advance()
        if parser.tok.kind != "}":
            raise parser.fail(
                f"'}}' after the {n} payoffs of outcome {number} ({name!r})"
            )
        parser.advance()
        outcomes.append(payoffs)
    if parser.tok.kind != "}":
        raise parser.fail("'{' opening an outcome or '}' closing the outcome list")
    parser.advance()


def _parse_outcome_body(
    parser: _Parser, players: Sequence[str], n_profiles: int
) -> NDArray[np.float64]:
    n = len(players)
    parser.expect("{", "'{' opening the outcome list")
    outcomes: list[list[float]] = [[0.0] * n]  # index 0: the null outcome
    fast = _fast_outcomes(parser, n)
    if fast is None:
        _parse_outcome_list(parser, players, outcomes)
    else:
        outcomes.extend(fast[0])
        parser = _Parser(parser.text, fast[1])

    n_outcomes = len(outcomes) - 1
    table = np.array(outcomes, dtype=np.float64)
    words = _rest_as_words(parser, _INTEGER_LIST_RE, n_profiles)
    if words:
        chosen = np.array([int(w) for w in words], dtype=np.intp)
        if chosen.min() >= 0 and chosen.max() <= n_outcomes:
            return table[chosen]
    indices: list[int] = []
    last = parser.tok
    report: _Token | None = None  # the token whose line a count mismatch is reported on
    while parser.tok.kind == "word":
        last = parser.advance()
        if len(indices) == n_profiles and report is None:
            report = last  # the first index too many
        if not _INTEGER_RE.fullmatch(last.text):
            raise InvalidGameError(
                f"line {last.line}: expected an outcome index (a whole number from "
                f"0 to {n_outcomes}), got {last.describe()}"
            )
        index = int(last.text)
        if not 0 <= index <= n_outcomes:
            defined = {0: "no outcomes are defined", 1: "outcome 1 is defined"}.get(
                n_outcomes, f"outcomes 1 to {n_outcomes} are defined"
            )
            raise InvalidGameError(
                f"line {last.line}: unknown outcome index {index}: expected 0 (the "
                f"null outcome) or an outcome of the list ({defined})"
            )
        indices.append(index)
    if len(indices) != n_profiles:
        if len(indices) < n_profiles and parser.tok.kind != "eof":
            raise parser.fail(
                f"an outcome index (index {len(indices) + 1} of {n_profiles})"
            )
        line = (report or last).line
        raise InvalidGameError(
            f"line {line}: expected {n_profiles} outcome indices (one per strategy "
            f"profile), found {len(indices)}"
        )
    if parser.tok.kind != "eof":
        raise parser.fail(f"end of input after the {n_profiles} outcome indices")
    return table[np.array(indices, dtype=np.intp)]


def _distinct(labels: Sequence[str]) -> list[str]:
    """Make repeated labels distinct the way Gambit does (``x`` -> ``x_1``, ``x_2``).

    Labels that occur once are kept as they are; Gambit additionally renames a
    lone empty label to ``_1``.
    """
    counts = Counter(labels)
    used = set(labels)
    visited: Counter[str] = Counter()
    out: list[str] = []
    for label in labels:
        if counts[label] == 1:
            out.append(label)
            continue
        while True:
            visited[label] += 1
            candidate = f"{label}_{visited[label]}"
            if candidate not in used:
                break
        used.add(candidate)
        out.append(candidate)
    return out


def _parse(text: str, *, path_hint: bool = False) -> NormalFormGame:
    parser = _Parser(text)
    _parse_header(parser, path_hint)
    parser.expect("string", "a quoted game title")
    players = _parse_players(parser)
    counts, labels = _parse_strategies(parser, players)
    if parser.tok.kind == "string":  # the optional comment
        parser.advance()
    n_profiles = math.prod(counts)
    if parser.tok.kind == "{":
        table = _parse_outcome_body(parser, players, n_profiles)
    elif parser.tok.kind == "word":
        table = _parse_payoff_body(parser, players, n_profiles)
    else:
        raise parser.fail("a list of payoffs or '{' opening an outcome list")
    # ``table[k, i]``: payoff of player i in the k-th profile, first player fastest.
    stacked = table.T.reshape((len(players), *counts), order="F")
    return NormalFormGame(
        list(stacked),
        players=_distinct(players),
        strategies=None if labels is None else [_distinct(row) for row in labels],
    )


def _read_text(path: str | os.PathLike[str]) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_nfg(source: str | os.PathLike[str]) -> NormalFormGame:
    """Read a game from a Gambit ``.nfg`` file or from the text of one.

    Both versions of the format are understood: the *payoff version*, which
    lists one payoff per player for every strategy profile, and the *outcome
    version*, which lists outcomes and then one outcome index per profile
    (``0`` is the null outcome, whose payoffs are all zero).  Profiles are
    listed with the first player's strategy changing fastest.

    Parameters
    ----------
    source : str or os.PathLike
        A path to an ``.nfg`` file, or the text of one.  A path object is
        always read as a file; a str is read as a file when it names an
        existing file and does not start with ``NFG`` (after leading
        whitespace), and is parsed as the text otherwise.  Files are decoded
        as UTF-8, falling back to Latin-1.

    Returns
    -------
    NormalFormGame
        The game, with the file's player names and strategy labels.  When the
        file gives strategy counts (``{ 3 2 }``) instead of labels, the labels
        are kurilsim's defaults ``"s0"``, ``"s1"``, ...  Labels that repeat
        within a player (or player names that repeat) are made distinct as
        Gambit does, by appending ``_1``, ``_2``, ...  The title, the optional
        comment and outcome names are read but not kept.

    Raises
    ------
    InvalidGameError
        If the text is not a valid ``.nfg`` file; the message names the line
        (1-based) and what was expected there, e.g. ``line 3: expected 12
        payoffs (2 per strategy profile, 6 profiles), found 11``.
    OSError
        If ``source`` is a path object naming a file that cannot be read.
    TypeError
        If ``source`` is neither a str nor a path object.

    See Also
    --------
    write_nfg : the inverse operation.

    Examples
    --------
    The prisoner's dilemma in the payoff version; the profiles are listed in
    the order (C, C), (D, C), (C, D), (D, D):

    >>> from kurilsim.games.nfg import read_nfg
    >>> text = '''NFG 1 R "Prisoner's dilemma" { "Row" "Col" }
    ... { { "C" "D" } { "C" "D" } }
    ... 3 3   5 0   0 5   1 1
    ... '''
    >>> game = read_nfg(text)
    >>> game.players, game.strategies
    (('Row', 'Col'), (('C', 'D'), ('C', 'D')))
    >>> game.payoffs[0]
    array([[3., 0.],
           [5., 1.]])

    The same game in the outcome version, with rational payoffs and the null
    outcome ``0`` for the profile (D, D):

    >>> text = '''NFG 1 R "" { "Row" "Col" } { 2 2 }
    ... { { "reward" 3, 3 } { "temptation" 5/2, 0 } { "sucker" 0, 5/2 } }
    ... 1 2 3 0
    ... '''
    >>> read_nfg(text).payoffs[1]
    array([[3. , 2.5],
           [0. , 0. ]])
    """
    if isinstance(source, os.PathLike):
        return _parse(_read_text(source))
    if not isinstance(source, str):
        raise TypeError(
            f"source must be a path or the text of an .nfg file, got "
            f"{type(source).__name__}"
        )
    if not source.lstrip().startswith("NFG"):
        if os.path.isfile(source):
            return _parse(_read_text(source))
        stripped = source.strip()
        return _parse(source, path_hint=bool(stripped) and "\n" not in stripped)
    return _parse(source)


# ---------------------------------------------------------------- writing


def _quote(label: str) -> str:
    escaped = label.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _format_number(value: float) -> str:
    """Shortest text that reads back as exactly ``value`` (Gambit-compatible).

    Integral values below 2**53 are written as integers; exponents are written
    without a ``+`` sign or leading zeros, which Gambit's reader rejects.
    """
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 2.0**53:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def write_nfg(
    game: NormalFormGame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "",
    comment: str = "",
    outcome_version: bool = False,
) -> str:
    """Write a game in Gambit's ``.nfg`` format.

    Parameters
    ----------
    game : NormalFormGame
        The game to write.
    path : str or os.PathLike, optional
        If given, the text is also written to this file (UTF-8), replacing
        any existing file.
    title : str, default ""
        The game title stored in the file.
    comment : str, default ""
        The optional comment stored after the strategy lists.
    outcome_version : bool, default False
        Write the *outcome version* (a list of outcomes and one outcome index
        per strategy profile) instead of the *payoff version* (the payoffs of
        every profile).  Profiles with equal payoff vectors share one outcome.
        The null outcome ``0`` is not used, even for all-zero payoffs, because
        some readers (e.g. pygambit's ``Game.to_arrays``) fail on it.

    Returns
    -------
    str
        The text of the file.  Player names, strategy labels, the title and
        the comment are quoted, with ``"`` and ``\\`` escaped by a backslash.
        Payoffs are written with the shortest representation that reads back
        as the same float (integral values as integers), so
        ``read_nfg(write_nfg(game)) == game``.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a :class:`~kurilsim.NormalFormGame`.
    TypeError
        If ``title`` or ``comment`` is not a str.
    OSError
        If ``path`` cannot be written.

    See Also
    --------
    read_nfg : the inverse operation.

    Notes
    -----
    The file is valid for any game, but Gambit 16.7 itself accepts only
    player names and strategy labels made of printable ASCII characters with
    no leading, trailing or doubled spaces, and its reader keeps the escaping
    backslash of ``\\\\`` in labels (a title with non-ASCII characters loads
    but pygambit cannot return it).  Keep labels to that subset for files
    meant for Gambit.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.games.nfg import read_nfg, write_nfg
    >>> A = np.array([[3, 0], [5, 1.5]])
    >>> game = NormalFormGame([A, A.T], players=["Row", "Col"],
    ...                       strategies=[["C", "D"], ["C", "D"]])
    >>> text = write_nfg(game, title="Prisoner's dilemma")
    >>> print(text)
    NFG 1 R "Prisoner's dilemma" { "Row" "Col" }
    <BLANKLINE>
    { { "C" "D" }
    { "C" "D" }
    }
    ""
    <BLANKLINE>
    3 3
    5 0
    0 5
    1.5 1.5
    <BLANKLINE>
    >>> read_nfg(text) == game
    True
    >>> print(write_nfg(game, outcome_version=True))
    NFG 1 R "" { "Row" "Col" }
    <BLANKLINE>
    { { "C" "D" }
    { "C" "D" }
    }
    ""
    <BLANKLINE>
    {
    { "" 3, 3 }
    { "" 5, 0 }
    { "" 0, 5 }
    { "" 1.5, 1.5 }
    }
    1 2
    3 4
    <BLANKLINE>
    """
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            f"expected a NormalFormGame to write, got {type(game).__name__}"
        )
    for name, value in (("title", title), ("comment", comment)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    n = game.n_players
    players = " ".join(_quote(p) for p in game.players)
    strategies = "\n".join(
        "{ " + " ".join(_quote(s) for s in row) + " }" for row in game.strategies
    )
    lines = [
        f"NFG 1 R {_quote(title)} {{ {players} }}",
        "",
        "{ " + strategies,
        "}",
        _quote(comment),
        "",
    ]
    # ``table[k, i]``: payoff of player i in the k-th profile, first player fastest.
    table = np.stack(game.payoffs).reshape((n, -1), order="F").T.tolist()
    if outcome_version:
        index_of: dict[tuple[float, ...], int] = {}
        indices: list[int] = []
        lines.append("{")
        for row in table:
            key = tuple(row)
            if key not in index_of:
                index_of[key] = len(index_of) + 1
                payoffs = ", ".join(_format_number(v) for v in key)
                lines.append(f'{{ "" {payoffs} }}')
            indices.append(index_of[key])
        lines.append("}")
        width = game.shape[0]
        lines.extend(
            " ".join(str(k) for k in indices[start : start + width])
            for start in range(0, len(indices), width)
        )
    else:
        lines.extend(" ".join(_format_number(v) for v in row) for row in table)
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
