"""The .nfg reader on hostile input: fuzzing, size guards, memory, huge tokens."""

from __future__ import annotations

import re
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    KurilsimError,
    NormalFormGame,
    OutputError,
    ProblemTooLargeError,
)
from kurilsim.io.nfg import DEFAULT_MAX_PAYOFFS, read_nfg, write_nfg

VALID = [
    'NFG 1 R "PD" { "Row" "Col" } { { "C" "D" } { "C" "D" } }\n3 3 5 0 0 5 1 1\n',
    'NFG 1 R "" { "A" "B" } { 2 2 }\n1/2 -3 2.5e-3 +7 .5 5. 0 -0\n',
    ('NFG 1 D "t" { "A" "B" "C" } { 2 1 2 }\n"comment"\n1 2 3 4 5 6 7 8 9 10 11 12\n'),
    'NFG 1 R "" { "A" "B" } { 2 2 }\n{ { "x\\"y" 1/2 , 2, } { "" 3 4 } }\n0 1 2 0\n',
    (
        'NFG 1 R "o" { "A" "B" }\n{ { "a" "b" } { "c" "d" } }\n""\n'
        '{ { "w" 1, -1 } { "l" -1, 1 } }\n1 2 2 1\n'
    ),
]

# Characters that matter to the grammar, and a few that should not.
ALPHABET = st.sampled_from(
    [*'NFG 1RD{}",\\/.-+eE0123456789\n\t x', "é", "国", "\x00", "\r", "\xa0"]
)


def _check(source: str | Path) -> None:
    """The reader either returns a game or raises a KurilsimError naming a line."""
    try:
        game = read_nfg(source)
    except KurilsimError as exc:
        error: KurilsimError = exc
    else:
        assert isinstance(game, NormalFormGame)
        return
    assert isinstance(error, InvalidGameError | ProblemTooLargeError), repr(error)
    assert re.match(r"line \d+: ", str(error)), str(error)


@settings(max_examples=300)
@given(st.text(ALPHABET, max_size=120))
def test_fuzz_random_grammar_text(text: str) -> None:
    _check("NFG 1 R " + text)
    _check(text if text.lstrip().startswith("NFG") else "NFG" + text)


@settings(max_examples=100)
@given(st.text(max_size=80))
def test_fuzz_any_unicode_text(text: str) -> None:
    _check("NFG 1 R " + text)


def _mutate(text: str, data: st.DataObject) -> str:
    for _ in range(data.draw(st.integers(1, 4), label="n_mutations")):
        size = len(text)
        i = data.draw(st.integers(0, size), label="at")
        j = data.draw(st.integers(i, min(size, i + 12)), label="to")
        kind = data.draw(
            st.sampled_from(["delete", "insert", "replace", "duplicate", "truncate"])
        )
        piece = data.draw(st.text(ALPHABET, max_size=6), label="piece")
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + piece + text[i:]
        elif kind == "replace":
            text = text[:i] + piece + text[j:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    return text


@settings(max_examples=400)
@given(st.sampled_from(VALID), st.data())
def test_fuzz_mutated_valid_files(text: str, data: st.DataObject) -> None:
    mutated = _mutate(text, data)
    _check(mutated if mutated.lstrip().startswith("NFG") else "NFG" + mutated)


@settings(max_examples=60)
@given(
    st.integers(1, 3).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.integers(1, 3), min_size=n, max_size=n),
            st.booleans(),
        )
    ),
    st.data(),
)
def test_fuzz_mutated_written_files(spec: tuple, data: st.DataObject) -> None:
    n, shape, outcome_version = spec
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    game = NormalFormGame([rng.integers(-9, 10, size=shape) / 4 for _ in range(n)])
    text = write_nfg(game, outcome_version=outcome_version)
    assert read_nfg(text) == game
    mutated = _mutate(text, data)
    _check(mutated if mutated.lstrip().startswith("NFG") else "NFG" + mutated)


@settings(max_examples=60)
@given(st.sampled_from(VALID), st.binary(max_size=40), st.integers(0, 200))
def test_fuzz_bytes_in_files(text: str, junk: bytes, at: int) -> None:
    """Files with arbitrary bytes (invalid UTF-8 falls back to Latin-1)."""
    raw = text.encode("utf-8")
    at = min(at, len(raw))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.nfg"
        path.write_bytes(raw[:at] + junk + raw[at:])
        _check(path)


# ---------------------------------------------------------------- guards


@pytest.mark.parametrize(
    "header",
    [
        'NFG 1 R "" { "A" "B" } { 100000 100000 }\n1 2 3 4\n',
        'NFG 1 R "" { "A" "B" }\n\n{ 100000 100000 }',
        'NFG 1 R "" { "A" "B" "C" } { 1000 1000 1000 } 1',
        'NFG 1 R "" { ' + '"p" ' * 30 + "} { " + "2 " * 30 + "}",
        'NFG 1 R "" { "A" } { ' + "9" * 5000 + " }",
    ],
)
def test_absurd_dimensions_refused_before_allocating(header: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ProblemTooLargeError, match=r"^line \d+: .*max_payoffs="):
            read_nfg(header)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000 + 20 * len(header)


def test_max_payoffs_keyword() -> None:
    text = VALID[0]  # 2 players x 4 profiles = 8 payoffs
    with pytest.raises(ProblemTooLargeError, match=r"max_payoffs=7; pass a larger"):
        read_nfg(text, max_payoffs=7)
    assert read_nfg(text, max_payoffs=8).shape == (2, 2)
    assert DEFAULT_MAX_PAYOFFS >= 10**8
    for bad in (0, -1, 1.5, True, "8", None):
        with pytest.raises(
            InvalidArgumentError, match="max_payoffs must be a positive"
        ):
            read_nfg(text, max_payoffs=bad)  # type: ignore[arg-type]


def test_too_many_players() -> None:
    text = 'NFG 1 R "" { ' + " ".join(f'"p{i}"' for i in range(32)) + " } { "
    text += "1 " * 32 + "} " + "0 " * 32
    with pytest.raises(InvalidGameError, match=r"^line 1: expected at most 31 players"):
        read_nfg(text)
    ok = 'NFG 1 R "" { ' + " ".join(f'"p{i}"' for i in range(31)) + " } { "
    assert read_nfg(ok + "1 " * 31 + "} " + "0 " * 31).n_players == 31


def test_game_errors_name_the_line() -> None:
    """Errors raised when the payoffs become a game also carry a line number."""
    text = 'NFG 1 R "" { "A" } { 2 }\n\n1.7e308 -1.7e308'
    with pytest.raises(
        InvalidGameError, match=r"^line 3: the payoffs of player 0 span"
    ):
        read_nfg(text)


def test_source_type_error() -> None:
    with pytest.raises(InvalidArgumentError, match="got int"):
        read_nfg(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):  # still a TypeError for callers that catch it
        read_nfg(b"NFG")  # type: ignore[arg-type]


# ------------------------------------------------------------ huge tokens

HEAD = 'NFG 1 R "t" { "A" "B" } { 2 2 }\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("1 " * 7 + "1" * 100_000, r"line 2: .*outside the range of a float"),
        ("1 " * 7 + "1" * 5000 + "/3", r"line 2: .*outside the range of a float"),
        ("1 " * 7 + "x" * 100_000, r"line 2: expected a numeric payoff.*'xxx+\.\.\.'"),
        ('"' + "a" * 100_000, r"line 2: unterminated string"),
        ("{" * 100_000, r"line 2: expected a quoted name of outcome 1"),
        ("1 " * 100_001, r"line 2: expected 8 payoffs .*found 100001"),
        ('{ { "o" 1 2 } }\n' + "1 " * 3 + "9" * 5000, r"line 3: unknown outcome index"),
    ],
)
def test_huge_tokens(body: str, message: str) -> None:
    with pytest.raises(InvalidGameError, match="^" + message) as info:
        read_nfg(HEAD + body)
    assert len(str(info.value)) < 400


def test_long_exact_rationals_parse() -> None:
    """Rationals with thousands of digits (beyond int()'s default limit) are exact."""
    big = "7" * 5000
    text = HEAD + f"{big}/{big}0 1 2 3 4 5 6 7"
    assert read_nfg(text).payoffs[0][0, 0] == 0.1


# ---------------------------------------------------------------- memory


def test_memory_is_a_small_multiple_of_the_file(tmp_path: Path) -> None:
    """Peak traced memory stays within 5x the file (the old reader needed ~85x)."""
    rng = np.random.default_rng(1)
    values = np.round(rng.normal(0, 100, size=(300 * 300, 2)), 2)
    path = tmp_path / "big.nfg"
    with path.open("w") as f:
        f.write('NFG 1 R "big" { "A" "B" } { 300 300 }\n\n')
        np.savetxt(f, values, fmt="%.6g")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        game = read_nfg(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(
        game.payoffs[0],
        np.loadtxt(path, skiprows=2)[:, 0].reshape((300, 300), order="F"),
    )
    # the game itself holds 2 float64 arrays (about 2.4x the file here);
    # decimals mean their floats, so no exact copy is kept
    assert game.is_float_exact
    assert peak < 5 * size, peak / size


def test_write_nfg_failure_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kurilsim._io

    target = tmp_path / "game.nfg"
    target.write_text("old content\n", encoding="utf-8")
    game = NormalFormGame([[[1, 2], [3, 4]], [[4, 3], [2, 1]]])

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kurilsim._io.os, "replace", fail)
    with pytest.raises(OutputError, match=r"game\.nfg.*No space left"):
        write_nfg(game, target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game.nfg"]
