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
(``3/2``).  Decimals are read as the nearest float.  Integers and rationals are
read exactly: when one of them is not a float64 value (``1/3``,
``10000000000000000001``), the game keeps the file's exact values
(:attr:`~kurilsim.NormalFormGame.exact_payoffs`, with every decimal taken as
its float) for ``solve_nash(..., exact=True)``, and :func:`write_nfg` writes
them back.  Text
labels are double-quoted, with ``\\"`` standing for a quote inside a label and
``\\\\`` for a backslash.

Kurilsim keeps player names and strategy labels; a game's title, comment and
outcome names have no place in :class:`~kurilsim.NormalFormGame` and are read
but dropped.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
)
from kurilsim._io import atomic_output
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.io._gambit import (
    DECIMAL,
    DECIMAL_RE,
    NUMBER_HINT,
    RATIONAL,
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

__all__ = ["DEFAULT_MAX_PAYOFFS", "read_nfg", "write_nfg"]

#: Default budget of :func:`read_nfg`: the most payoffs (players x strategy
#: profiles) a file may declare, 800 MB as float64.
DEFAULT_MAX_PAYOFFS = 100_000_000

# ``NormalFormGame`` stacks the payoffs in an array with one axis per player
# plus one; numpy 1.x allows 32 axes.
_MAX_PLAYERS = 31

# Long payoff and index lists are converted chunk by chunk (about this many
# characters each), so that memory stays a small multiple of the file size.
_CHUNK = 1 << 16

# Longer digit strings are converted through ``Decimal``: ``int(str)`` refuses
# more than 4300 digits by default (``sys.set_int_max_str_digits``).
_MAX_INT_DIGITS = 4000

# Integers up to this magnitude are float64 values; a number word whose float
# is this large may be an integer that float64 rounded.
_EXACT_INT_LIMIT = 2.0**53

# Exact values of the numbers float64 rounded, by position in their list.
_ExactValues = dict[int, Fraction]

# ----------------------------------------------------------------- lexing

# (Tokens, labels and number words: see ``kurilsim.io._gambit``.)
_NUMBER = f"{DECIMAL}|{RATIONAL}"
_INTEGER_RE = re.compile(r"[+-]?\d+")
# Whole chunks of valid payoff and outcome-index lists (fast paths).  A chunk
# ends just before whitespace, so no number is split between two chunks.
_NUMBER_CHUNK_RE = re.compile(rf"\s*(?:(?:{_NUMBER})(?:\s+|\Z))*")
_SPACE_RE = re.compile(r"\s")
_NFG_START_RE = re.compile(r"\s*NFG")
# Characters that cannot occur in a list of decimals or integers.  Within
# the others, ``float`` and ``int`` accept exactly the words that ``DECIMAL``
# and ``_INTEGER_RE`` match, so the fast paths need no regex per number.
_NOT_DECIMAL_RE = re.compile(r"[^0-9+\-.eE\s]")
_NOT_INTEGER_RE = re.compile(r"[^0-9+\-\s]")
# One complete outcome ``{ "name" 1, 2 }`` of an outcome list (fast path).
_OUTCOME_RE = re.compile(
    rf"""\s*\{{\s*"(?:[^"\\]|\\.)*"\s*
    (?P<payoffs>(?:{_NUMBER})(?:(?:\s*,\s*|\s+)(?:{_NUMBER}))*)\s*,?\s*\}}""",
    re.VERBOSE | re.DOTALL,
)
_SEPARATOR_RE = re.compile(r"\s*,\s*|\s+")
_CLOSE_RE = re.compile(r"\s*\}")


class _Parser(Parser):
    """The shared parser, with errors located as ``line N``."""

    def __init__(self, text: str, start: int = 0) -> None:
        super().__init__(text, start, columns=False)


def _to_int(text: str) -> int:
    """``int(text)`` for a validated integer string of any length."""
    if len(text) <= _MAX_INT_DIGITS:
        return int(text)
    return int(Decimal(text))


def _to_float(word: str) -> float:
    """The float nearest a validated number word; ``inf`` beyond the range.

    Raises ``ZeroDivisionError`` for a zero denominator.
    """
    if "/" not in word:
        return float(word)
    numerator, denominator = word.split("/")
    try:
        return float(Fraction(_to_int(numerator), _to_int(denominator)))
    except OverflowError:
        return math.inf if numerator.lstrip("+")[:1] != "-" else -math.inf


def _exact_value(word: str, value: float) -> Fraction | None:
    """The exact value of a valid number word whose float ``value`` rounded
    it: an integer or a rational that is not a float64 value (else ``None``;
    decimals are taken to mean their float)."""
    if "/" in word:
        numerator, denominator = word.split("/")
        exact = Fraction(_to_int(numerator), _to_int(denominator))
    elif abs(value) >= _EXACT_INT_LIMIT and _INTEGER_RE.fullmatch(word):
        exact = Fraction(_to_int(word))
    else:
        return None
    if value.as_integer_ratio() == (exact.numerator, exact.denominator):
        return None
    return exact


def _record_exact(
    words: Sequence[str], values: NDArray[np.float64], offset: int, exact: _ExactValues
) -> None:
    """Record in ``exact`` the words of a chunk whose floats rounded them.

    Only rationals and numbers of magnitude ``2**53`` or more can be
    rounded integers or rationals, so plain decimal chunks cost one
    vectorised comparison.
    """
    candidates = np.flatnonzero(np.abs(values) >= _EXACT_INT_LIMIT).tolist()
    candidates += [k for k, w in enumerate(words) if "/" in w]
    for k in candidates:
        value = _exact_value(words[k], float(values[k]))
        if value is not None:
            exact[offset + k] = value


def _parse_number(token: Token, describe: str | Callable[[], str]) -> float:
    """The float value of a numeric word token.

    ``describe`` names the expected number in error messages (a callable is
    only called on error, which keeps long payoff lists fast).
    """

    def fail(got: str) -> InvalidGameError:
        what = describe if isinstance(describe, str) else describe()
        return InvalidGameError(f"line {token.line}: expected {what}, got {got}")

    text = token.text
    if token.kind != "word" or not (
        DECIMAL_RE.fullmatch(text) or RATIONAL_RE.fullmatch(text)
    ):
        raise fail(f"{token.describe()} {NUMBER_HINT}")
    try:
        value = _to_float(text)
    except ZeroDivisionError:
        raise fail(f"{token.describe()} with a zero denominator") from None
    if not math.isfinite(value):
        raise fail(
            f"{token.describe()}, which is outside the range of a float (magnitude up to "
            f"{np.finfo(np.float64).max:.4g})"
        )
    return value


def _parse_count(token: Token, player: str) -> int:
    if token.kind != "word" or not _INTEGER_RE.fullmatch(token.text):
        raise InvalidGameError(
            f"line {token.line}: expected the number of strategies of player "
            f"{player!r} (a positive integer), got {token.describe()}"
        )
    count = _to_int(token.text)
    if count < 1:
        raise InvalidGameError(
            f"line {token.line}: expected the number of strategies of player "
            f"{player!r} to be a positive integer, got {token.describe()}"
        )
    return count


def _parse_header(parser: _Parser, path_hint: bool) -> None:
    words: list[Token] = []
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


def _max_words(text: str, pos: int) -> int:
    """An upper bound on the number of words in ``text[pos:]``.

    Each word but the last is followed by at least one separator; arrays
    sized by this never exceed four times the text (8 bytes per 2 chars).
    """
    return (len(text) - pos + 1) // 2 + 1


def _chunks(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of ``text[pos:]``.

    Each piece is about ``_CHUNK`` characters long and ends at whitespace or
    at the end of the text, so that no word is split.
    """
    size = len(text)
    while pos < size:
        end = pos + _CHUNK
        if end >= size:
            end = size
        else:
            space = _SPACE_RE.search(text, end)
            end = size if space is None else space.start()
        yield pos, end
        pos = end


def _fast_numbers(
    text: str,
    pos: int,
    out: NDArray[np.float64] | NDArray[np.intp],
    *,
    integers: bool = False,
    high: int = 0,
    exact: _ExactValues | None = None,
) -> tuple[int, int]:
    """Convert ``text[pos:]`` into ``out`` chunk by chunk while that is safe.

    This is the fast path of long payoff lists (``integers=False``) and
    outcome-index lists (``integers=True``, values from 0 to ``high``).
    Returns ``(count, resume)``: ``count`` values were stored and the
    token-by-token path must go on at offset ``resume`` with ``count``
    values already read; ``resume == len(text)`` means everything was
    read.  A chunk that holds anything unusual (a non-number, a value out of
    range, too many values, or the last values when there are too few) is
    left to the token-by-token path, which reports the error precisely.
    Payoffs that float64 rounds (integers beyond ``2**53``, rationals such
    as ``1/3``) are recorded in ``exact`` by position.
    """
    count = 0
    last: tuple[int, int] | None = None  # (start, count before) of the last words
    for start, end in _chunks(text, pos):
        piece = text[start:end]
        if integers:
            plain = _NOT_INTEGER_RE.search(piece) is None
        else:
            plain = _NOT_DECIMAL_RE.search(piece) is None
        if not plain and (integers or _NUMBER_CHUNK_RE.fullmatch(piece) is None):
            return count, start
        words = piece.split()
        if not words:
            continue
        if count + len(words) > len(out):
            return count, start
        try:
            if integers:
                values = np.fromiter(map(int, words), dtype=np.intp, count=len(words))
                ok = bool(values.min() >= 0 and values.max() <= high)
            else:
                convert = float if plain else _to_float  # (rationals need _to_float)
                values = np.fromiter(map(convert, words), np.float64, len(words))
                ok = bool(np.isfinite(values).all())
        except (ValueError, OverflowError, ZeroDivisionError):
            ok = False
        if not ok:
            return count, start
        last = (start, count)
        out[count : count + len(words)] = values
        if exact is not None and (
            not plain or float(np.abs(values).max()) >= _EXACT_INT_LIMIT
        ):
            _record_exact(words, np.asarray(values, dtype=np.float64), count, exact)
        count += len(words)
    if count < len(out) and last is not None:
        return last[1], last[0]  # too few: report on the line of the last word
    return count, len(text)


def _parse_payoff_body(
    parser: _Parser, players: Sequence[str], n_profiles: int
) -> tuple[NDArray[np.float64], NDArray[Any] | None]:
    n = len(players)
    expected = n * n_profiles
    text = parser.text
    out = np.empty(min(expected, _max_words(text, parser.tok.start)))
    exact: _ExactValues = {}
    count, resume = _fast_numbers(text, parser.tok.start, out, exact=exact)
    if count == expected and resume == len(text):
        return out.reshape((n_profiles, n)), _exact_table(out, exact, n)
    parser = _Parser(text, resume)
    last = parser.tok
    while parser.tok.kind == "word":
        last = parser.advance()
        if count == expected:
            extra = 1
            while parser.tok.kind == "word":
                parser.advance()
                extra += 1
            raise InvalidGameError(
                f"line {last.line}: expected {expected} payoffs ({n} per strategy "
                f"profile, {n_profiles} profiles), found {expected + extra}"
            )
        value = _parse_number(last, partial(_payoff_what, players, count, n_profiles))
        if count < len(out):
            out[count] = value
            given = _exact_value(last.text, value)
            if given is not None:
                exact[count] = given
        count += 1
    if count < expected:
        if parser.tok.kind != "eof":
            raise parser.fail(f"a numeric payoff (payoff {count + 1} of {expected})")
        raise InvalidGameError(
            f"line {last.line}: expected {expected} payoffs ({n} per strategy "
            f"profile, {n_profiles} profiles), found {count}"
        )
    if parser.tok.kind != "eof":
        raise parser.fail(f"end of input after the {expected} payoffs")
    return out.reshape((n_profiles, n)), _exact_table(out, exact, n)


def _exact_table(
    floats: NDArray[np.float64], exact: _ExactValues, n: int
) -> NDArray[Any] | None:
    """The exact payoffs (``Fraction`` objects, shape ``(-1, n)``) if float64
    rounded any: the recorded exact values, elsewhere the floats'."""
    if not exact:
        return None
    table = np.empty(floats.size, dtype=object)
    table[:] = [Fraction(v) for v in floats.tolist()]
    for k, value in exact.items():
        table[k] = value
    return table.reshape((-1, n))


def _outcome_what(player: str, number: int, name: str) -> str:
    return f"a numeric payoff of player {player!r} in outcome {number} ({name!r})"


def _fast_outcomes(
    parser: _Parser, n: int, outcomes: array[float], exact: _ExactValues
) -> int | None:
    """Append the outcome list to ``outcomes`` if it is valid (fast path).

    Returns the offset after the list, or ``None`` (with ``outcomes``
    unchanged) to send the caller to the token-by-token path, which finds
    and reports any error.  Payoffs that float64 rounds are recorded in
    ``exact`` by position in ``outcomes``.
    """
    text = parser.text
    pos = parser.tok.start
    size = len(outcomes)
    while match := _OUTCOME_RE.match(text, pos):
        words = _SEPARATOR_RE.split(match.group("payoffs"))
        try:
            payoffs = [_to_float(w) for w in words]
        except (ZeroDivisionError, ValueError):
            payoffs = []
        if len(payoffs) != n or not all(map(math.isfinite, payoffs)):
            del outcomes[size:]
            for k in [k for k in exact if k >= size]:
                del exact[k]
            return None
        for w, value in zip(words, payoffs, strict=True):
            given = _exact_value(w, value)
            if given is not None:
                exact[len(outcomes)] = given
            outcomes.append(value)
        pos = match.end()
    close = _CLOSE_RE.match(text, pos)
    if close is None:
        del outcomes[size:]
        for k in [k for k in exact if k >= size]:
            del exact[k]
        return None
    return close.end()


def _parse_outcome_list(
    parser: _Parser, players: Sequence[str], outcomes: array[float], exact: _ExactValues
) -> None:
    """Append the outcomes of the list to ``outcomes``, token by token."""
    n = len(players)
    while parser.tok.kind == "{":
        parser.advance()
        number = len(outcomes) // n
        name = parser.expect("string", f"a quoted name of outcome {number}").text
        for player in players:
            what = partial(_outcome_what, player, number, name)
            if parser.tok.kind != "word":
                raise parser.fail(what())
            token = parser.advance()
            value = _parse_number(token, what)
            given = _exact_value(token.text, value)
            if given is not None:
                exact[len(outcomes)] = given
            outcomes.append(value)
            if parser.tok.kind == ",":
                parser.advance()
        if parser.tok.kind != "}":
            raise parser.fail(
                f"'}}' after the {n} payoffs of outcome {number} ({name!r})"
            )
        parser.advance()
    if parser.tok.kind != "}":
        raise parser.fail("'{' opening an outcome or '}' closing the outcome list")
    parser.advance()


def _parse_outcome_body(
    parser: _Parser, players: Sequence[str], n_profiles: int
) -> tuple[NDArray[np.float64], NDArray[Any] | None]:
    n = len(players)
    parser.expect("{", "'{' opening the outcome list")
    outcomes = array("d", [0.0] * n)  # flat; outcome 0 is the null outcome
    exact: _ExactValues = {}
    after = _fast_outcomes(parser, n, outcomes, exact)
    if after is None:
        _parse_outcome_list(parser, players, outcomes, exact)
    else:
        parser = _Parser(parser.text, after)
    table = np.frombuffer(outcomes, dtype=np.float64).reshape((-1, n)).copy()
    del outcomes
    exact_table = _exact_table(table.ravel(), exact, n)
    n_outcomes = len(table) - 1

    text = parser.text
    chosen = np.empty(min(n_profiles, _max_words(text, parser.tok.start)), np.intp)
    count, resume = _fast_numbers(
        text, parser.tok.start, chosen, integers=True, high=n_outcomes
    )
    if count == n_profiles and resume == len(text):
        return table[chosen], None if exact_table is None else exact_table[chosen]
    parser = _Parser(text, resume)
    last = parser.tok
    report: Token | None = None  # the token whose line a count mismatch is reported on
    while parser.tok.kind == "word":
        last = parser.advance()
        if count == n_profiles and report is None:
            report = last  # the first index too many
        if not _INTEGER_RE.fullmatch(last.text):
            raise InvalidGameError(
                f"line {last.line}: expected an outcome index (a whole number from "
                f"0 to {n_outcomes}), got {last.describe()}"
            )
        index = _to_int(last.text)
        if not 0 <= index <= n_outcomes:
            defined = {0: "no outcomes are defined", 1: "outcome 1 is defined"}.get(
                n_outcomes, f"outcomes 1 to {n_outcomes} are defined"
            )
            shown = str(index) if len(last.text) <= 60 else last.describe()
            raise InvalidGameError(
                f"line {last.line}: unknown outcome index {shown}: expected 0 (the "
                f"null outcome) or an outcome of the list ({defined})"
            )
        if count < len(chosen):
            chosen[count] = index
        count += 1
    if count != n_profiles:
        if count < n_profiles and parser.tok.kind != "eof":
            raise parser.fail(f"an outcome index (index {count + 1} of {n_profiles})")
        line = (report or last).line
        raise InvalidGameError(
            f"line {line}: expected {n_profiles} outcome indices (one per strategy "
            f"profile), found {count}"
        )
    if parser.tok.kind != "eof":
        raise parser.fail(f"end of input after the {n_profiles} outcome indices")
    return table[chosen], None if exact_table is None else exact_table[chosen]


class _Parsed(NamedTuple):
    """What a file says, before it becomes a game."""

    table: NDArray[np.float64]  # table[k, i]: player i's payoff in profile k
    players: list[str]
    counts: list[int]
    labels: list[list[str]] | None
    line: int  # the line on which the payoffs start
    exact: NDArray[Any] | None  # the table's exact values, if float64 rounded any


def _parse(text: str, *, path_hint: bool = False, max_payoffs: int) -> _Parsed:
    parser = _Parser(text)
    _parse_header(parser, path_hint)
    parser.expect("string", "a quoted game title")
    players = parse_players(parser)
    if len(players) > _MAX_PLAYERS:
        raise InvalidGameError(
            f"line {parser.tok.line}: expected at most {_MAX_PLAYERS} players "
            f"(one array axis each), got {len(players)}"
        )
    strategies_line = parser.tok.line
    counts, labels = _parse_strategies(parser, players)
    n_profiles = math.prod(counts)
    n_payoffs = len(players) * n_profiles
    if n_payoffs > max_payoffs:
        dims = " x ".join(map(_show, counts)) if len(counts) <= 8 else "..."
        raise ProblemTooLargeError(
            f"line {strategies_line}: the file declares {len(players)} players and "
            f"{dims} strategies, {_show(n_payoffs)} payoffs ({_show(8 * n_payoffs)} "
            f"bytes as float64), above max_payoffs={max_payoffs:,}; pass a larger "
            f"max_payoffs to read_nfg to read it"
        )
    if parser.tok.kind == "string":  # the optional comment
        parser.advance()
    line = parser.tok.line
    if parser.tok.kind == "{":
        table, exact = _parse_outcome_body(parser, players, n_profiles)
    elif parser.tok.kind == "word":
        table, exact = _parse_payoff_body(parser, players, n_profiles)
    else:
        raise parser.fail("a list of payoffs or '{' opening an outcome list")
    return _Parsed(table, players, counts, labels, line, exact)


def _show(count: int) -> str:
    """A count for a message, in scientific notation when large."""
    if count < 10**6:
        return str(count)
    bits = count.bit_length()
    if bits < 1000:
        return f"{float(count):.3g}"
    return f"about 2**{bits - 1}"


def _build(parsed: _Parsed) -> NormalFormGame:
    table, players, counts, labels, line, exact = parsed
    # ``table[k, i]``: payoff of player i in the k-th profile, first player fastest.
    # (Exact values, where float64 rounded some, go to the game as they are.)
    source = table if exact is None else exact
    stacked = source.T.reshape((len(players), *counts), order="F")
    try:
        return NormalFormGame(
            list(stacked),
            players=list(gambit_distinct(players, rename_empty=False)),
            strategies=None
            if labels is None
            else [list(gambit_distinct(row, rename_empty=False)) for row in labels],
        )
    except InvalidGameError as exc:
        raise InvalidGameError(f"line {line}: {exc}") from None


def read_nfg(
    source: str | os.PathLike[str], *, max_payoffs: int = DEFAULT_MAX_PAYOFFS
) -> NormalFormGame:
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
    max_payoffs : int, default DEFAULT_MAX_PAYOFFS
        The most payoffs (number of players times number of strategy
        profiles) the file may declare; larger games are refused before
        anything is allocated.

    Returns
    -------
    NormalFormGame
        The game, with the file's player names and strategy labels.  When the
        file gives strategy counts (``{ 3 2 }``) instead of labels, the labels
        are kurilsim's defaults ``"s0"``, ``"s1"``, ...  Labels that repeat
        within a player (or player names that repeat) are made distinct as
        Gambit does, by appending ``_1``, ``_2``, ...  The title, the optional
        comment and outcome names are read but not kept.
        Integers and rationals are read exactly and decimals as their nearest
        float; if some integer or rational is not a float64 value (``1/3``,
        ``10000000000000000001``), the game keeps the file's exact values
        (:attr:`~kurilsim.NormalFormGame.exact_payoffs`) beside the rounded
        floats, for ``solve_nash(..., exact=True)``.

    Raises
    ------
    InvalidGameError
        If the text is not a valid ``.nfg`` file; the message names the line
        (1-based) and what was expected there, e.g. ``line 3: expected 12
        payoffs (2 per strategy profile, 6 profiles), found 11``.  Every
        error the reader raises about the content of a file names its line.
    ProblemTooLargeError
        If the strategy counts declare more than ``max_payoffs`` payoffs.
    InvalidArgumentError
        If ``max_payoffs`` is not a positive integer.
    OSError
        If ``source`` is a path object naming a file that cannot be read.
    TypeError
        If ``source`` is neither a str nor a path object.

    See Also
    --------
    write_nfg : the inverse operation.

    Notes
    -----
    Long payoff and outcome-index lists are converted in chunks of about 64k
    characters straight into a preallocated float array, so the peak memory
    is a small multiple of the file's size (about 3.6x for a 34 MB 1600x1600
    file, of which 2.4x is the returned game itself) rather than one Python
    object per number.  Any chunk that is not a plain list of numbers is
    handed to the token-by-token parser, which reports the first error with
    its line.

    Exact values are looked for on the fly at little cost (one vectorised
    comparison per chunk of decimals; a word-by-word look only at chunks
    with rationals or numbers beyond ``2**53``) and kept only when float64
    rounds one: then the game holds a ``Fraction`` per payoff, tens of
    times the file's size, where a file of decimals costs the float arrays
    only.

    Examples
    --------
    The prisoner's dilemma in the payoff version; the profiles are listed in
    the order (C, C), (D, C), (C, D), (D, D):

    >>> from kurilsim.io.nfg import read_nfg
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

    Rationals that float64 cannot hold are kept exactly:

    >>> game = read_nfg('NFG 1 R "" { "Row" "Col" } { 2 1 } 1/3 0 1/2 0')
    >>> game.is_float_exact, [str(v) for v in game.exact_payoffs[0].ravel()]
    (False, ['1/3', '1/2'])
    """
    if (
        isinstance(max_payoffs, bool)
        or not isinstance(max_payoffs, numbers.Integral)
        or max_payoffs < 1
    ):
        raise InvalidArgumentError(
            f"max_payoffs must be a positive integer, got {max_payoffs!r}"
        )
    limit = int(max_payoffs)
    if isinstance(source, os.PathLike):
        text = read_text(source)
        # (the text is released before the game's arrays are built)
        parsed = _parse(text, max_payoffs=limit)
        del text
        return _build(parsed)
    if not isinstance(source, str):
        raise InvalidArgumentError(
            f"source must be a path or the text of an .nfg file, got "
            f"{type(source).__name__}"
        )
    if not _NFG_START_RE.match(source):
        if os.path.isfile(source):
            text = read_text(source)
            parsed = _parse(text, max_payoffs=limit)
            del text
            return _build(parsed)
        stripped = source.strip()
        hint = bool(stripped) and "\n" not in stripped
        return _build(_parse(source, path_hint=hint, max_payoffs=limit))
    return _build(_parse(source, max_payoffs=limit))


# ---------------------------------------------------------------- writing


def _quote_nfg(label: str) -> str:
    # (every backslash is escaped, as this writer always has)
    return quote(label, every_backslash=True)


def _format_exact(value: Fraction) -> str:
    """A payoff the game keeps exactly: as its float when that is exact (the
    shortest text), else as an integer or a rational ``p/q``."""
    as_float = float(value)
    if as_float.as_integer_ratio() == (value.numerator, value.denominator):
        return decimal_text(as_float)
    return rational_text(value)


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
        any existing file only once the new one is complete (written beside
        it and renamed into place; on failure the old file is untouched).
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
        ``read_nfg(write_nfg(game)) == game``.  A game that keeps exact
        payoffs (:attr:`~kurilsim.NormalFormGame.is_float_exact` is
        ``False``) has those that float64 rounded written exactly, as
        integers or rationals ``p/q``, which :func:`read_nfg` reads back
        exactly.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a :class:`~kurilsim.NormalFormGame`.
    InvalidArgumentError
        If ``title`` or ``comment`` is not a str (a :class:`TypeError`).
    OutputError
        If ``path`` cannot be written (an :class:`OSError`); an existing
        file there is left as it was.

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
    >>> from kurilsim.io.nfg import read_nfg, write_nfg
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

    Payoffs kept exactly are written exactly:

    >>> from fractions import Fraction
    >>> exact = NormalFormGame([[[Fraction(1, 3), 10**19 + 1]], [[0.5, 0]]])
    >>> print(write_nfg(exact).splitlines()[-2:])
    ['1/3 0.5', '10000000000000000001 0']
    >>> read_nfg(write_nfg(exact)) == exact
    True
    """
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            f"expected a NormalFormGame to write, got {type(game).__name__}"
        )
    for name, value in (("title", title), ("comment", comment)):
        if not isinstance(value, str):
            raise InvalidArgumentError(
                f"{name} must be a str, got {type(value).__name__}"
            )
    n = game.n_players
    players = " ".join(_quote_nfg(p) for p in game.players)
    strategies = "\n".join(
        "{ " + " ".join(_quote_nfg(s) for s in row) + " }" for row in game.strategies
    )
    lines = [
        f"NFG 1 R {_quote_nfg(title)} {{ {players} }}",
        "",
        "{ " + strategies,
        "}",
        _quote_nfg(comment),
        "",
    ]
    # ``table[k, i]``: payoff of player i in the k-th profile, first player fastest.
    source = game.payoffs if game.is_float_exact else game.exact_payoffs
    table = np.stack(source).reshape((n, -1), order="F").T.tolist()
    formatter: Callable[[Any], str] = (
        decimal_text if game.is_float_exact else _format_exact
    )
    if outcome_version:
        index_of: dict[tuple[Any, ...], int] = {}
        indices: list[int] = []
        lines.append("{")
        for row in table:
            key = tuple(row)
            if key not in index_of:
                index_of[key] = len(index_of) + 1
                payoffs = ", ".join(formatter(v) for v in key)
                lines.append(f'{{ "" {payoffs} }}')
            indices.append(index_of[key])
        lines.append("}")
        width = game.shape[0]
        lines.extend(
            " ".join(str(k) for k in indices[start : start + width])
            for start in range(0, len(indices), width)
        )
    else:
        lines.extend(" ".join(formatter(v) for v in row) for row in table)
    text = "\n".join(lines) + "\n"
    if path is not None:
        with atomic_output(path, newline="") as stream:
            stream.write(text)
    return text
