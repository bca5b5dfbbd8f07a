"""Gambit .nfg interchange: round trips, hand-written files and malformed input."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kurilsim import InvalidGameError, NormalFormGame
from kurilsim.io.nfg import read_nfg, write_nfg

SHAPES = {1: (3,), 2: (2, 3), 3: (2, 3, 2), 4: (2, 2, 3, 2)}

NASTY_LABELS = [
    'say "hi"',
    "back\\slash",
    "ends with backslash\\",
    'quote then backslash "\\"',
    "{ braces } and, commas",
    "NFG 1 R",
    "multi\nline",
    "  padded  ",
    "Кунашир 国後島",
    "3/2",
]


def _labelled_game(payoffs: list[np.ndarray]) -> NormalFormGame:
    n = len(payoffs)
    shape = payoffs[0].shape
    labels = iter(NASTY_LABELS * 4)
    strategies = [
        [f"{i}:{next(labels)}" for _ in range(m)] for i, m in enumerate(shape)
    ]
    for i, row in enumerate(strategies):
        row[0] = f"plain {i}"
    players = [f"P{i} {NASTY_LABELS[i]}" for i in range(n)]
    return NormalFormGame(payoffs, players=players, strategies=strategies)


def _random_game(n: int, seed: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    shape = SHAPES[n]
    return _labelled_game(
        [rng.normal(scale=10.0 ** rng.integers(-3, 4), size=shape) for _ in range(n)]
    )


def _fraction_game(n: int, seed: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    shape = SHAPES[n]
    arrays = []
    for _ in range(n):
        values = [
            float(Fraction(int(p), int(q)))
            for p, q in zip(
                rng.integers(-50, 50, size=np.prod(shape)),
                rng.integers(1, 13, size=np.prod(shape)),
                strict=True,
            )
        ]
        arrays.append(np.array(values).reshape(shape))
    return _labelled_game(arrays)


def _assert_same(read: NormalFormGame, game: NormalFormGame) -> None:
    assert read.players == game.players
    assert read.strategies == game.strategies
    for a, b in zip(read.payoffs, game.payoffs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert read == game


# ------------------------------------------------------------ round trips


@pytest.mark.parametrize("outcome_version", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("make", [_random_game, _fraction_game])
def test_round_trip(make, n: int, outcome_version: bool) -> None:
    game = make(n, seed=n)
    text = write_nfg(game, title='A "title" \\ {x}', outcome_version=outcome_version)
    _assert_same(read_nfg(text), game)


@pytest.mark.parametrize("outcome_version", [False, True])
def test_round_trip_extreme_values(outcome_version: bool) -> None:
    values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        1 / 3,
        -2 / 3,
        1e-300,
        5e-324,
        -5e-324,
        1.7976931348623157e308,
        -1e250,
        2.0**53,
        2.0**53 + 2,
        1e16,
        1e22,
        123456789.123,
        -1e-7,
        2.5e-7,
        np.nextafter(1.0, 2.0),
    ]
    a = np.array(values).reshape(4, 5)
    # (NormalFormGame overflows computing max - min over +-1.8e308 together)
    game = NormalFormGame([a, -a[::-1]])
    text = write_nfg(game, outcome_version=outcome_version)
    assert "e+" not in text  # Gambit rejects exponents with a '+' sign
    _assert_same(read_nfg(text), game)


@pytest.mark.parametrize("outcome_version", [False, True])
@given(data=st.data())
def test_round_trip_any_floats(data: st.DataObject, outcome_version: bool) -> None:
    n = data.draw(st.integers(1, 3), label="n_players")
    shape = data.draw(st.tuples(*[st.integers(1, 3)] * n), label="shape")
    floats = st.floats(-1e300, 1e300)  # NormalFormGame needs finite max - min
    arrays = [
        data.draw(hnp.arrays(np.float64, shape, elements=floats)) for _ in range(n)
    ]
    game = NormalFormGame(arrays)
    _assert_same(read_nfg(write_nfg(game, outcome_version=outcome_version)), game)


def test_write_text_format_payoff_version() -> None:
    game = NormalFormGame(
        [np.array([[3.0, 0.5], [5, 1]]), np.array([[3, 5], [0.5, 1]])],
        players=["Row", 'Col "2"'],
        strategies=[["C", "D"], ["c", "d\\"]],
    )
    text = write_nfg(game, title="PD", comment="a comment")
    assert text == (
        'NFG 1 R "PD" { "Row" "Col \\"2\\"" }\n'
        "\n"
        '{ { "C" "D" }\n'
        '{ "c" "d\\\\" }\n'
        "}\n"
        '"a comment"\n'
        "\n"
        "3 3\n"
        "5 0.5\n"
        "0.5 5\n"
        "1 1\n"
    )


def test_write_text_format_outcome_version_shares_outcomes() -> None:
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    game = NormalFormGame([a, a])
    text = write_nfg(game, outcome_version=True)
    body = text.split('""\n\n', 1)[1]
    assert body == '{\n{ "" 1, 1 }\n{ "" 0, 0 }\n}\n1 2\n2 1\n'
    _assert_same(read_nfg(text), game)


def test_write_to_path_and_read_back(tmp_path: Path) -> None:
    game = _random_game(3, seed=7)
    target = tmp_path / "game.nfg"
    text = write_nfg(game, target, title="Kuril", outcome_version=True)
    assert target.read_text(encoding="utf-8") == text
    _assert_same(read_nfg(target), game)
    _assert_same(read_nfg(str(target)), game)
    other = tmp_path / "other.nfg"
    write_nfg(game, str(other))
    _assert_same(read_nfg(other), game)


def test_write_rejects_bad_arguments() -> None:
    with pytest.raises(InvalidGameError, match="expected a NormalFormGame"):
        write_nfg([np.zeros((2, 2))] * 2)  # type: ignore[arg-type]
    game = NormalFormGame([np.zeros((2, 2))] * 2)
    with pytest.raises(TypeError, match="title must be a str"):
        write_nfg(game, title=3)  # type: ignore[arg-type]


# ---------------------------------------------------- hand-written files

# Profiles listed first player fastest: (0,0,0) (1,0,0) (0,1,0) (1,1,0)
# (0,0,1) (1,0,1) (0,1,1) (1,1,1).  In the k-th profile (k = 1..8) player 1
# gets k, player 2 gets 10k and player 3 gets 100k.
PAYOFF_2X2X2 = """NFG 1 R "2x2x2 ordering" { "P1" "P2" "P3" } { 2 2 2 }

1 10 100
2 20 200
3 30 300
4 40 400
5 50 500
6 60 600
7 70 700
8 80 800
"""

# The same game in the outcome version, outcomes listed in scrambled order.
OUTCOME_2X2X2 = """NFG 1 D "2x2x2 ordering" { "P1" "P2" "P3" }
{ { "a1" "a2" } { "b1" "b2" } { "c1" "c2" } }
"A comment"
{
{ "eighth" 8, 80, 800 }
{ "first" 1 10 100 }
{ "second" 2, 20, 200 }
{ "third" 3, 30, 300 }
{ "fourth" 4, 40, 400 }
{ "fifth" 5, 50, 500 }
{ "sixth" 6, 60, 600 }
{ "seventh" 7, 70, 700 }
}
2 3 4 5
6 7 8 1
"""


def _check_2x2x2(game: NormalFormGame) -> None:
    assert game.shape == (2, 2, 2)
    assert game.players == ("P1", "P2", "P3")
    p1, p2, p3 = game.payoffs
    assert p1[0, 0, 0] == 1
    assert p1[1, 0, 0] == 2  # first player's strategy changes fastest
    assert p1[0, 1, 0] == 3
    assert p1[1, 1, 0] == 4
    assert p1[0, 0, 1] == 5  # last player's strategy changes slowest
    assert p1[1, 0, 1] == 6
    assert p1[0, 1, 1] == 7
    assert p1[1, 1, 1] == 8
    np.testing.assert_array_equal(p2, 10 * p1)
    np.testing.assert_array_equal(p3, 100 * p1)


def test_payoff_version_column_major_order() -> None:
    game = read_nfg(PAYOFF_2X2X2)
    _check_2x2x2(game)
    assert game.strategies == (("s0", "s1"),) * 3  # counts give default labels


def test_outcome_version_column_major_order() -> None:
    game = read_nfg(OUTCOME_2X2X2)
    _check_2x2x2(game)
    assert game.strategies == (("a1", "a2"), ("b1", "b2"), ("c1", "c2"))
    labels = '{ { "a1" "a2" } { "b1" "b2" } { "c1" "c2" } }'
    assert game == read_nfg(PAYOFF_2X2X2.replace("{ 2 2 2 }", labels))


def test_rectangular_2x3_ordering() -> None:
    text = 'NFG 1 R "" { "Row" "Col" } { 2 3 }\n' + " ".join(
        f"{k} {-k}" for k in range(1, 7)
    )
    game = read_nfg(text)
    np.testing.assert_array_equal(game.payoffs[0], [[1, 3, 5], [2, 4, 6]])
    np.testing.assert_array_equal(game.payoffs[1], -game.payoffs[0])


def test_one_player_game() -> None:
    game = read_nfg('NFG 1 R "solo" { "Only" } { { "x" "y" "z" } } 1 2 3')
    assert game.players == ("Only",)
    np.testing.assert_array_equal(game.payoffs[0], [1, 2, 3])


def test_rationals_decimals_and_exponents() -> None:
    tokens = [
        "1/3",
        "-2/4",
        "10/4",
        "0.1",
        ".5",
        "-.25",
        "3.",
        "1e3",
        "1.5E-2",
        "+2",
        "-0",
        "007",
        "2.5e+1",
        "123456789012345678901234567890",
    ]
    expected = [
        1 / 3,
        -0.5,
        2.5,
        0.1,
        0.5,
        -0.25,
        3.0,
        1000.0,
        0.015,
        2.0,
        0.0,
        7.0,
        25.0,
        1.2345678901234568e29,
    ]
    text = f'NFG 1 R "" {{ "A" }} {{ {len(tokens)} }}\n' + "\n".join(tokens)
    game = read_nfg(text)
    assert game.payoffs[0].tolist() == expected
    assert game.payoffs[0][0] == float(Fraction(1, 3))


def test_rational_outcome_payoffs_are_rounded_exactly() -> None:
    text = 'NFG 1 R "" { "A" "B" } { 1 1 } { { "o" 1/10, -7/3 } } 1'
    game = read_nfg(text)
    assert game.payoffs[0][0, 0] == 0.1
    assert game.payoffs[1][0, 0] == float(Fraction(-7, 3))


def test_escaped_quotes_and_backslashes() -> None:
    text = r"""NFG 1 R "The \"best\" game" { "say \"hi\"" "C:\dir" "a\\b" }
{ { "\"" "x\\" } { "y" } { "z" } }
1 2 3 4 5 6
"""
    game = read_nfg(text)
    assert game.players == ('say "hi"', "C:\\dir", "a\\b")
    assert game.strategies[0] == ('"', "x\\")


def test_comment_title_and_labels_may_contain_anything() -> None:
    text = """NFG 1 R "title with { braces } and 1 2 3" { "A" "B" }
{ { "x" } { "y" } }
"A comment
spanning lines, with { braces }, \\"quotes\\" and numbers 1 2 3"

4 5
"""
    game = read_nfg(text)
    assert game.payoffs[0][0, 0] == 4
    assert game.payoffs[1][0, 0] == 5


def test_whitespace_is_not_significant() -> None:
    one_line = 'NFG 1 R "" {"A" "B"} {{"x" "y"}{"z"}} 1 2 3 4'
    spread = '\r\n\t  NFG\n1\nR\n""\n{\n"A"\n"B"\n}\n{{"x"\t"y"}{"z"}}\r\n1\n2\r\n3 4\n'
    assert read_nfg(one_line) == read_nfg(spread)
    assert read_nfg(one_line).payoffs[0].tolist() == [[1], [3]]


def test_outcome_version_null_outcome_and_optional_commas() -> None:
    text = 'NFG 1 R "" { "A" "B" } { 2 2 } "" { { "o1" 1 2 } { "o2" 3, 4 } } 0 1 2 0'
    game = read_nfg(text)
    np.testing.assert_array_equal(game.payoffs[0], [[0, 3], [1, 0]])
    np.testing.assert_array_equal(game.payoffs[1], [[0, 4], [2, 0]])


def test_outcome_version_empty_outcome_list() -> None:
    game = read_nfg('NFG 1 R "" { "A" "B" } { 2 1 } { } 0 0')
    np.testing.assert_array_equal(game.payoffs[0], [[0], [0]])


def test_repeated_labels_are_made_distinct_like_gambit() -> None:
    text = 'NFG 1 R "" { "P" "P" } { { "x" "x" "x_1" } { "" "" } } ' + " ".join(
        ["0"] * 12
    )
    game = read_nfg(text)
    assert game.players == ("P_1", "P_2")
    assert game.strategies == (("x_2", "x_3", "x_1"), ("_1", "_2"))


def test_read_file_with_bom_and_latin1(tmp_path: Path) -> None:
    utf8 = tmp_path / "bom.nfg"
    utf8.write_bytes(b'\xef\xbb\xbfNFG 1 R "" { "A" } { { "\xc3\xa9" } } 1')
    assert read_nfg(utf8).strategies == (("é",),)
    latin1 = tmp_path / "latin1.nfg"
    latin1.write_bytes(b'NFG 1 R "" { "A" } { { "\xe9" } } 1')
    assert read_nfg(latin1).strategies == (("é",),)


def test_str_source_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # A file literally named like NFG text is not read: text starting with NFG
    # is always parsed.
    text = 'NFG 1 R "" { "A" } { 1 } 5'
    (tmp_path / "game.nfg").write_text('NFG 1 R "" { "A" } { 1 } 7')
    assert read_nfg("game.nfg").payoffs[0][0] == 7
    assert read_nfg("  " + text).payoffs[0][0] == 5
    with pytest.raises(InvalidGameError, match="no file of that name exists"):
        read_nfg("missing.nfg")
    with pytest.raises(FileNotFoundError):
        read_nfg(tmp_path / "missing.nfg")
    with pytest.raises(TypeError, match="got bytes"):
        read_nfg(text.encode())  # type: ignore[arg-type]


# ------------------------------------------------------- malformed input

HEAD = 'NFG 1 R "t" { "A" "B" } { 2 2 }\n'

MALFORMED = [
    # header
    ("", r"line 1: expected header 'NFG 1 R' or 'NFG 1 D', got an empty text"),
    ('EFG 2 R "x" { }', r"line 1: expected header .*, got 'EFG 2 R'"),
    ('NFG 2 R "x"', r"line 1: expected header .*got 'NFG 2 R'"),
    ('NFG 1 X "x"', r"line 1: expected header .*got 'NFG 1 X'"),
    ('\n\nNFG 1 "x"', r"line 3: expected header .*got 'NFG 1 \"x\"'"),
    ("NFG 1", r"line 1: expected header .*got 'NFG 1'"),
    # title and players
    ('NFG 1 R { "A" } { 1 } 1', r"line 1: expected a quoted game title, got '\{'"),
    ('NFG 1 R "t"\n"A" { 1 } 1', r"line 2: expected '\{' opening the list of player"),
    ('NFG 1 R "t" { "A" 3 } { 1 } 1', r"line 1: expected a quoted player name or '\}'"),
    ('NFG 1 R "t"\n{ }\n{ } 1', r"line 2: expected at least one quoted player name"),
    ('NFG 1 R "t" { "A"', r"line 1: expected a quoted player name .*end of input"),
    # strategies
    ('NFG 1 R "t" { "A" }\n"x"', r"line 2: expected '\{' opening the list of strat"),
    ('NFG 1 R "t" { "A" }\n{ "x" }', r"line 2: expected strategy counts or '\{'"),
    ('NFG 1 R "t" { "A" "B" }\n{ 2 0 } 1', r"line 2: .*player 'B' to be a positive"),
    ('NFG 1 R "t" { "A" }\n{ 2.5 } 1', r"line 2: .*strategies of player 'A' \(a pos"),
    ('NFG 1 R "t" { "A" "B" }\n{ 2 } 1', r"line 2: .*strategies of player 'B'.*'\}'"),
    ('NFG 1 R "t" { "A" }\n{ 2 2 } 1', r"line 2: expected '\}' closing the strategy c"),
    (
        'NFG 1 R "t" { "A" "B" }\n{ { "x" } }',
        r"line 2: expected '\{' opening the st.*'B'",
    ),
    ('NFG 1 R "t" { "A" }\n{ { } } 1', r"line 2: expected at least one strategy label"),
    ('NFG 1 R "t" { "A" }\n{ { "x" 1 } } 1', r"line 2: expected a quoted strategy lab"),
    (
        'NFG 1 R "t" { "A" }\n{ { "x" } { "y" } } 1',
        r"line 2: expected '\}' closing the",
    ),
    # strings
    ('NFG 1 R "t" { "A" }\n{ { "x\n" "y } } 1', r"line 3: unterminated string"),
    ('NFG 1 R "t" { "A" } { 1 } 1 "unfinished', r"line 1: unterminated string"),
    ('NFG 1 R "unfinished title', r"line 1: unterminated string"),
    ('NFG 1 R "t" { "A" } { 1 } "c\n\n\n" "oops', r"line 4: unterminated string"),
    ('NFG 1 R "t" { "A" } { 1 } "ends in backslash\\"', r"line 1: unterminated str"),
    # body
    (HEAD, r"line 1: expected a list of payoffs or '\{' opening an outcome list"),
    (HEAD + '"comment" "second"', r"line 2: expected a list of payoffs or '\{'"),
    (
        HEAD + "1 2 3 4\n5 6\n7",
        (
            r"line 4: expected 8 payoffs \(2 per strategy profile, "
            r"4 profiles\), found 7"
        ),
    ),
    (HEAD + "1 2 3 4\n5 6\n7 8\n9 10", r"line 5: expected 8 payoffs .*, found 10"),
    (
        HEAD + "1 2\n3 x 5 6 7 8",
        (
            r"line 3: expected a numeric payoff \(player 'B', "
            r"strategy profile 2 of 4\), got 'x'"
        ),
    ),
    (HEAD + "1 2 3 4 5 6 7 1.2.3", r"line 2: expected a numeric payoff.*'1\.2\.3'"),
    (HEAD + "1 2 3 4 5 6 7 inf", r"line 2: expected a numeric payoff.*got 'inf'"),
    (HEAD + "1 2 3 4 5 6 7 nan", r"line 2: expected a numeric payoff.*got 'nan'"),
    (HEAD + "1 2 3 4 5 6,7 8", r"line 2: expected a numeric payoff \(payoff 7 of 8"),
    (HEAD + "1 2 3 4 5 6 7 8,", r"line 2: expected end of input after the 8 payoffs"),
    (HEAD + "1 2 3 4 5 6 7\n1/0", r"line 3: expected a numeric payoff.*zero denominat"),
    (
        HEAD + "1 2 3 4 5 6 7\n1e999",
        r"line 3: expected a numeric payoff.*outside the range of a float",
    ),
    (HEAD + "1 2 3 4 5 6 7\n1/-2", r"line 3: expected a numeric payoff.*got '1/-2'"),
    (HEAD + '1 2 3 4 5 6 7 8\n"x"', r"line 3: expected end of input after the 8 pay"),
    (HEAD + "1 2 3 4 5 6 7 8 }", r"line 2: expected end of input after the 8 payoffs"),
    # outcome version
    (
        HEAD + '{ { "o" 1 2 } }\n1 1 5 1',
        (
            r"line 3: unknown outcome index 5: expected 0 "
            r"\(the null outcome\) or an outcome of the list \(outcome 1 is defined\)"
        ),
    ),
    (
        HEAD + '{ { "o" 1 2 } { "p" 3 4 } }\n1 1\n-1 1',
        (
            r"line 4: unknown outcome "
            r"index -1.*outcomes 1 to 2 are defined"
        ),
    ),
    (
        HEAD + "{ }\n0 1 0 0",
        r"line 3: unknown outcome index 1.*no outcomes are defined",
    ),
    (
        HEAD + '{ { "o" 1 2 } }\n1 1 1.0 1',
        (
            r"line 3: expected an outcome index \(a whole "
            r"number from 0 to 1\), got '1\.0'"
        ),
    ),
    (
        HEAD + '{ { "o" 1 2 } }\n1 1\n1',
        (
            r"line 4: expected 4 outcome indices \(one per "
            r"strategy profile\), found 3"
        ),
    ),
    (
        HEAD + '{ { "o" 1 2 } }\n1 1\n1 1 1',
        r"line 4: expected 4 outcome indices.*found 5",
    ),
    (
        HEAD + '{ { "o" 1 2 } }\n1 1 "x"',
        r"line 3: expected an outcome index \(index 3 of",
    ),
    (
        HEAD + '{ { "o" 1 2 } }\n1 1 1 1 {',
        r"line 3: expected end of input after the 4 o",
    ),
    (HEAD + '{ { "o" 1 2 } }', r"line 2: expected 4 outcome indices.*found 0"),
    (
        HEAD + '{\n{ "o" 1 } }\n1 1 1 1',
        (
            r"line 3: expected a numeric payoff of player 'B' "
            r"in outcome 1 \('o'\), got '\}'"
        ),
    ),
    (
        HEAD + '{\n{ "o" 1 2 3 } }\n1 1 1 1',
        (
            r"line 3: expected '\}' after the 2 payoffs of "
            r"outcome 1 \('o'\), got '3'"
        ),
    ),
    (
        HEAD + "{\n{ 1 2 } }\n1 1 1 1",
        (
            r"line 3: expected a quoted name of outcome 1, "
            r"got '1'"
        ),
    ),
    (
        HEAD + '{ { "o" 1 2 }\n{ "p" 1 abc } }',
        (
            r"line 3: expected a numeric payoff of "
            r"player 'B' in outcome 2 \('p'\).*got 'abc'"
        ),
    ),
    (
        HEAD + '{ { "o" 1 2 }\n"p" 1 2 } 1 1 1 1',
        (
            r"line 3: expected '\{' opening an "
            r"outcome or '\}' closing the outcome list, got string 'p'"
        ),
    ),
    (
        HEAD + '{ { "o" , 1 2 } }',
        r"line 2: expected a numeric payoff of player 'A'.*','",
    ),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_input(text: str, message: str) -> None:
    with pytest.raises(InvalidGameError, match="^" + message) as info:
        read_nfg(text)
    assert isinstance(info.value, ValueError)
    assert re.match(r"line \d+: ", str(info.value))


def test_malformed_file_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.nfg"
    path.write_text(HEAD + "\n\n1 2 3 4 5 6 seven 8\n")
    with pytest.raises(InvalidGameError, match=r"^line 4: expected a numeric payoff"):
        read_nfg(path)


def test_fast_and_token_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lists take a regex fast path; the token-by-token path must agree."""
    from kurilsim.io import nfg

    texts = [
        PAYOFF_2X2X2,
        OUTCOME_2X2X2,
        write_nfg(_fraction_game(3, seed=1)),
        write_nfg(_random_game(4, seed=2), outcome_version=True),
        'NFG 1 R "" { "A" "B" } { 2 2 } { { "x\\"y" 1/2 , 2, } { "" 3 4 } } 0 1 2 0',
        'NFG 1 R "" { "A" } { 3 } 1/3 -2.5e-3 +7',
    ]
    fast = [read_nfg(text) for text in texts]
    monkeypatch.setattr(nfg, "_fast_numbers", lambda text, pos, out, **kw: (0, pos))
    monkeypatch.setattr(nfg, "_fast_outcomes", lambda *args: None)
    for text, expected in zip(texts, fast, strict=True):
        _assert_same(read_nfg(text), expected)
    monkeypatch.undo()
    monkeypatch.setattr(nfg, "_CHUNK", 3)  # many chunks, split anywhere
    for text, expected in zip(texts, fast, strict=True):
        _assert_same(read_nfg(text), expected)


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_malformed_input_small_chunks(
    text: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunked fast path hands every error to the token path unchanged."""
    from kurilsim.io import nfg

    monkeypatch.setattr(nfg, "_CHUNK", 2)
    with pytest.raises(InvalidGameError, match="^" + message):
        read_nfg(text)


# ------------------------------------------------------------ exact payoffs

BIG = 10**19


@pytest.mark.parametrize("outcome_version", [False, True])
def test_rationals_and_huge_integers_are_kept_exactly(outcome_version: bool) -> None:
    if outcome_version:
        text = (
            'NFG 1 R "" { "A" "B" } { 2 2 }\n'
            '{ { "x" 1/3, 0 } { "y" 10000000000000000001, 0.1 } { "z" 1/2, -2/6 } }\n'
            "1 2 3 0\n"
        )
    else:
        text = (
            'NFG 1 R "" { "A" "B" } { 2 2 }\n'
            "1/3 0   10000000000000000001 0.1   1/2 -2/6   0 0\n"
        )
    want = (
        [[Fraction(1, 3), Fraction(1, 2)], [BIG + 1, 0]],
        [[0, Fraction(-1, 3)], [Fraction(0.1), 0]],
    )
    game = read_nfg(text)
    assert not game.is_float_exact
    assert [a.tolist() for a in game.exact_payoffs] == list(want)
    # decimals mean their float; the floats are the rounded exact values
    for a, w in zip(game.payoffs, want, strict=True):
        assert a.tolist() == [[float(v) for v in row] for row in w]


def test_files_float64_holds_keep_no_exact_copy() -> None:
    text = 'NFG 1 R "" { "A" } { 5 }\n0.1 1/2 -3/4 9007199254740992 10000000000000000000\n'
    game = read_nfg(text)
    assert game.is_float_exact
    assert game.payoffs[0].tolist() == [0.1, 0.5, -0.75, 2.0**53, 1e19]


@pytest.mark.parametrize("outcome_version", [False, True])
def test_exact_games_round_trip(outcome_version: bool) -> None:
    A = [[Fraction(1, 3), BIG + 1, 0.1], [-(BIG + 3), Fraction(-2, 7), 2.5]]
    B = [[0, 1, Fraction(10**40 + 1, 3)], [0.25, 1e-300, Fraction(1, 3)]]
    game = _labelled_game([np.array(A, dtype=object), np.array(B, dtype=object)])
    assert not game.is_float_exact
    text = write_nfg(game, outcome_version=outcome_version)
    assert "1/3" in text
    assert "10000000000000000001" in text
    assert "-10000000000000000003" in text
    assert "0.1" in text  # float values keep their shortest form
    read = read_nfg(text)
    _assert_same(read, game)
    assert [a.tolist() for a in read.exact_payoffs] == [
        a.tolist() for a in game.exact_payoffs
    ]


def test_exact_payoffs_fast_and_token_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from kurilsim.io import nfg

    A = np.array([[Fraction(1, 3), BIG + 1], [0.5, -(BIG + 1)]], dtype=object)
    game = NormalFormGame([A, A.T])
    texts = [write_nfg(game), write_nfg(game, outcome_version=True)]
    fast = [read_nfg(text) for text in texts]
    assert all(not g.is_float_exact for g in fast)
    for patch in ("token", "chunks"):
        if patch == "token":
            monkeypatch.setattr(nfg, "_fast_numbers", lambda text, pos, out, **kw: (0, pos))
            monkeypatch.setattr(nfg, "_fast_outcomes", lambda *args: None)
        else:
            monkeypatch.setattr(nfg, "_CHUNK", 3)
        for text, expected in zip(texts, fast, strict=True):
            read = read_nfg(text)
            _assert_same(read, expected)
            assert not read.is_float_exact
        monkeypatch.undo()


exact_numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.fractions(max_denominator=10**9).filter(lambda q: abs(q) < 10**30),
    st.floats(-1e30, 1e30),
)


@pytest.mark.parametrize("outcome_version", [False, True])
@given(data=st.data())
def test_round_trip_any_exact_values(data: st.DataObject, outcome_version: bool) -> None:
    n = data.draw(st.integers(1, 3), label="n_players")
    shape = data.draw(st.tuples(*[st.integers(1, 3)] * n), label="shape")
    size = int(np.prod(shape))
    arrays = [
        np.array(data.draw(st.lists(exact_numbers, min_size=size, max_size=size)), dtype=object)
        .reshape(shape)
        for _ in range(n)
    ]
    game = NormalFormGame(arrays)
    read = read_nfg(write_nfg(game, outcome_version=outcome_version))
    _assert_same(read, game)
    assert read.is_float_exact == game.is_float_exact
    assert [a.tolist() for a in read.exact_payoffs] == [a.tolist() for a in game.exact_payoffs]
