"""The text format shared by the Gambit readers (kurilsim.io._gambit)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from kurilsim import InvalidGameError
from kurilsim.io._gambit import (
    Parser,
    decimal_text,
    gambit_distinct,
    parse_players,
    quote,
    rational_text,
    read_text,
    tokenize,
)


def test_tokens_kinds_labels_and_offsets() -> None:
    text = 'EFG { "a \\"b\\" \\\\c" , 1/2 }'
    tokens = list(tokenize(text))
    assert [t.kind for t in tokens] == ["word", "{", "string", ",", "word", "}", "eof"]
    assert tokens[2].text == 'a "b" \\c'
    assert [t.start for t in tokens] == [0, 4, 6, 20, 22, 26, len(text)]


def test_a_lone_backslash_in_a_label_stays() -> None:
    (token, _eof) = tokenize('"\\wedge"')
    assert token.text == "\\wedge"


def test_tokens_from_an_offset_keep_their_lines() -> None:
    text = 'a\nb\n  "c"'
    token = next(tokenize(text, 4))
    assert (token.text, token.line, token.where) == ("c", 3, "line 3, column 3")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (True, "line 2, column 3: unterminated string"),
        (False, "line 2: unterminated string"),
    ],
)
def test_unterminated_string_is_located(columns: bool, expected: str) -> None:
    with pytest.raises(InvalidGameError, match=f"^{expected}: expected a closing"):
        list(tokenize('x\n{ "abc', columns=columns))


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (True, r"^line 2, column 3: expected '\}', got string 'b'"),
        (False, r"^line 2: expected '\}', got string 'b'"),
    ],
)
def test_parser_errors_name_where(columns: bool, expected: str) -> None:
    parser = Parser('"a"\n  "b"', columns=columns)
    assert parser.expect("string", "a label").text == "a"
    with pytest.raises(InvalidGameError, match=expected):
        parser.expect("}", "'}'")


def test_end_of_input_is_located_by_the_form() -> None:
    # with columns at the very end; without, on the last line with content
    assert Parser("x\n\n", 1).tok.where == "line 3, column 1"
    assert Parser("x\n\n", 1, columns=False).tok.line == 1
    parser = Parser("x", columns=False)
    parser.advance()
    with pytest.raises(
        InvalidGameError, match=r"^line 1: expected more, got end of input"
    ):
        parser.expect("word", "more")


def test_advance_stays_at_the_end_and_skip_comma() -> None:
    parser = Parser(", a")
    parser.skip_comma()
    assert parser.advance().text == "a"
    assert parser.advance().kind == parser.advance().kind == "eof"


def test_parse_players() -> None:
    assert parse_players(Parser('{ "A" "B" } rest')) == ["A", "B"]
    with pytest.raises(InvalidGameError, match="at least one quoted player name"):
        parse_players(Parser("{ }"))
    with pytest.raises(InvalidGameError, match="a quoted player name or '}'"):
        parse_players(Parser('{ "A" 3 }'))


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["a", "b"], ("a", "b")),
        (["a", "a", "a_1"], ("a_2", "a_3", "a_1")),
        (["", "x"], ("_1", "x")),
        (["", ""], ("_1", "_2")),
    ],
)
def test_gambit_distinct(labels: list[str], expected: tuple[str, ...]) -> None:
    assert gambit_distinct(labels) == expected


def test_gambit_distinct_may_keep_a_lone_empty_label() -> None:
    assert gambit_distinct(["", "x", "x"], rename_empty=False) == ("", "x_1", "x_2")


@pytest.mark.parametrize(
    "label", ["", "plain", 'q"uote', "back\\slash", "end\\", "\\\\", '\\"']
)
@pytest.mark.parametrize("every", [True, False])
def test_quote_reads_back(label: str, every: bool) -> None:
    (token, _eof) = tokenize(quote(label, every_backslash=every))
    assert (token.kind, token.text) == ("string", label)


def test_quote_escapes_backslashes_only_where_needed_by_default() -> None:
    assert quote("\\wedge") == '"\\wedge"'
    assert quote("\\wedge", every_backslash=True) == '"\\\\wedge"'
    assert quote('a\\"') == '"a\\\\\\""'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (3.0, "3"),
        (0.1, "0.1"),
        (1e22, "1e22"),
        (2.5e-7, "2.5e-7"),
    ],
)
def test_decimal_text(value: float, text: str) -> None:
    assert decimal_text(value) == text
    assert float(text) == value


def test_rational_text() -> None:
    assert rational_text(Fraction(3)) == "3"
    assert rational_text(Fraction(-1, 3)) == "-1/3"


def test_read_text_utf8_bom_and_latin1(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes("\ufeffé".encode())
    assert read_text(path) == "é"
    path.write_bytes("é".encode("latin-1"))
    assert read_text(path) == "é"
