"""The text format shared by Gambit's ``.nfg`` and ``.efg`` files.

Both are whitespace-separated streams of double-quoted labels (``\\"`` stands
for a quote inside a label and ``\\\\`` for a backslash), the punctuation
``{``, ``}`` and ``,``, and bare words (numbers and symbols such as ``NFG``,
``R`` or ``p``).  This module holds what the two readers and writers share:
the tokens, a parser with one token of lookahead whose errors name where
they are, reading a file's text, quoting labels, Gambit's renaming of
repeated or empty labels, and the number syntax and texts the two agree on.

Errors are located either as ``line L`` (the ``.nfg`` reader) or as
``line L, column C`` (the ``.efg`` reader); both are worked out only for the
tokens an error names.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from kurilsim._errors import InvalidGameError

# Every non-whitespace character starts exactly one of these alternatives, so
# ``finditer`` only ever skips whitespace: a complete quoted label (the loop
# unrolled, which is several times faster than an alternation per
# character), one of ``{``, ``}``, ``,``, a word (numbers and bare symbols
# such as NFG, EFG, R, D, c, p, t), or a lone quote that is never closed.
# The kind of a token is told by its first character.
_TOKEN_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{},]|[^\s{},"]+|"', re.DOTALL)
_ESCAPE_RE = re.compile(r'\\(["\\])')

#: Number words: decimals (``3``, ``-.5``, ``2.5e-3``) and rationals (``3/2``).
DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
RATIONAL = r"[+-]?\d+/\d+"
DECIMAL_RE = re.compile(DECIMAL)
RATIONAL_RE = re.compile(RATIONAL)
#: What a number may be, for messages about a word that is none.
NUMBER_HINT = (
    "(numbers are integers, decimals or rationals such as 3, -0.25, 1e-3 or 3/2)"
)


class Token(NamedTuple):
    kind: str  # "string", "word", "{", "}", ",", or "eof"
    text: str  # unescaped label for strings, the raw text otherwise
    start: int  # offset of the token in ``source``
    source: str  # the whole text (a reference: line and column on demand)

    def describe(self) -> str:
        if self.kind == "eof":
            return "end of input"
        text = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        if self.kind == "string":
            return f"string {text!r}"
        return repr(text)

    @property
    def line(self) -> int:
        """The 1-based line on which the token starts."""
        return self.source.count("\n", 0, self.start) + 1

    @property
    def where(self) -> str:
        """``line L, column C`` (1-based; columns count characters)."""
        return where(self.source, self.start)


def where(text: str, offset: int) -> str:
    """``line L, column C`` of ``offset`` in ``text`` (1-based)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def tokenize(text: str, start: int = 0, *, columns: bool = True) -> Iterator[Token]:
    """The tokens of ``text[start:]``, then one ``"eof"`` token.

    With ``columns`` errors say ``line L, column C`` and the end of input is
    at the end of the text; without, they say ``line L`` and the end of input
    is on the line of the last non-whitespace character.
    """
    # ``tuple.__new__`` skips the named tuple's slower constructor.
    escape = _ESCAPE_RE.sub
    new = tuple.__new__
    for match in _TOKEN_RE.finditer(text, start):
        raw = match.group()
        first = raw[0]
        if first == '"':
            if len(raw) == 1:
                at = match.start()
                located = (
                    where(text, at)
                    if columns
                    else f"line {text.count(chr(10), 0, at) + 1}"
                )
                raise InvalidGameError(
                    f"{located}: unterminated string: expected a closing '\"' for "
                    f"the label starting {text[at : at + 20]!r}"
                )
            label = escape(r"\1", raw[1:-1]) if "\\" in raw else raw[1:-1]
            yield new(Token, ("string", label, match.start(), text))
        elif first in "{},":
            yield new(Token, (raw, raw, match.start(), text))
        else:
            yield new(Token, ("word", raw, match.start(), text))
    end = len(text) if columns else len(text.rstrip())
    yield Token("eof", "", end, text)


class Parser:
    """Token stream with one token of lookahead and located errors.

    ``columns`` chooses how errors are located: ``line L, column C`` (the
    default) or ``line L``.
    """

    def __init__(self, text: str, start: int = 0, *, columns: bool = True) -> None:
        self.text = text
        self.columns = columns
        self._tokens = tokenize(text, start, columns=columns)
        self.tok = next(self._tokens)

    def locate(self, token: Token) -> str:
        """Where ``token`` is, in this parser's form."""
        return token.where if self.columns else f"line {token.line}"

    def advance(self) -> Token:
        current = self.tok
        if current.kind != "eof":
            self.tok = next(self._tokens)
        return current

    def fail(self, expected: str, token: Token | None = None) -> InvalidGameError:
        token = self.tok if token is None else token
        return InvalidGameError(
            f"{self.locate(token)}: expected {expected}, got {token.describe()}"
        )

    def expect(self, kind: str, expected: str) -> Token:
        if self.tok.kind != kind:
            raise self.fail(expected)
        return self.advance()

    def skip_comma(self) -> None:
        if self.tok.kind == ",":
            self.advance()


def parse_players(parser: Parser) -> list[str]:
    """The list ``{ "name" ... }`` of player names (at least one)."""
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


def read_text(path: str | os.PathLike[str]) -> str:
    """A file's text: UTF-8 (with or without a byte-order mark), else Latin-1."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# A backslash needs escaping only before a backslash, a quote or the end of
# the label; Gambit's reader keeps any other backslash as it is (``\wedge``)
# but mangles escaped backslashes.
_BACKSLASH_RE = re.compile(r'\\(?=[\\"]|\Z)')


def quote(label: str, *, every_backslash: bool = False) -> str:
    """``label`` double-quoted, with quotes and backslashes escaped.

    By default only the backslashes that must be escaped are (before a quote,
    a backslash or the end of the label); with ``every_backslash`` all are.
    """
    if every_backslash:
        escaped = label.replace("\\", "\\\\")
    else:
        escaped = _BACKSLASH_RE.sub(r"\\\\", label)
    escaped = escaped.replace('"', '\\"')
    return f'"{escaped}"'


def gambit_distinct(
    labels: Sequence[str], *, rename_empty: bool = True
) -> tuple[str, ...]:
    """Make labels distinct (and, with ``rename_empty``, non-empty) as Gambit does.

    A label that occurs once is kept (unless it is empty and ``rename_empty``);
    the others become ``label_1``, ``label_2``, ... (skipping names already in
    use).

    >>> gambit_distinct(["a", "b", "a", ""])
    ('a_1', 'b', 'a_2', '_1')
    >>> gambit_distinct(["a", ""], rename_empty=False)
    ('a', '')
    """
    counts = Counter(labels)
    empty = rename_empty and "" in counts
    if not empty and all(n == 1 for n in counts.values()):
        return tuple(labels)
    used = set(labels)
    visited: Counter[str] = Counter()
    out: list[str] = []
    for label in labels:
        if counts[label] == 1 and not (rename_empty and label == ""):
            out.append(label)
            continue
        while True:
            visited[label] += 1
            candidate = f"{label}_{visited[label]}"
            if candidate not in used:
                break
        used.add(candidate)
        out.append(candidate)
    return tuple(out)


def decimal_text(value: float) -> str:
    """Shortest decimal text that reads back as exactly ``value``.

    Integral values below 2**53 are written as integers; exponents are written
    without a ``+`` sign or leading zeros, which Gambit's reader rejects.

    >>> decimal_text(3.0), decimal_text(0.1), decimal_text(1e22)
    ('3', '0.1', '1e22')
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


def rational_text(value: Fraction) -> str:
    """An exact value as an integer or a rational ``p/q``."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"
