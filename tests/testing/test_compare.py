"""Comparing sets of strategy profiles (``src/kurilsim/testing/compare.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidArgumentError
from kurilsim.testing import compare
from kurilsim.testing.compare import (
    distinct_profiles,
    format_profiles,
    same_profile,
    seeded_gaussian_bimatrix,
    seeded_integer_bimatrix,
    set_difference,
)
from tests.bad_arguments import Case, call, check_named, params

HALF = (np.array([0.5, 0.5]), np.array([0.5, 0.5]))
PURE = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
THIRD = (np.array([1 / 3, 2 / 3]), np.array([0.25, 0.75]))


# -- same_profile ---------------------------------------------------------------------
def test_same_profile_within_atol() -> None:
    assert same_profile(HALF, HALF)
    near = (np.array([0.5, 0.5 + 5e-7]), np.array([0.5, 0.5]))
    assert same_profile(HALF, near)
    far = (np.array([0.5, 0.5 + 2e-6]), np.array([0.5, 0.5]))
    assert not same_profile(HALF, far)
    assert same_profile(HALF, far, atol=1e-5)
    assert not same_profile(HALF, near, atol=0)  # exact comparison
    assert same_profile(HALF, ([0.5, 0.5], [0.5, 0.5]), atol=0)  # lists are fine


def test_same_profile_is_absolute_not_relative() -> None:
    big = (np.array([1e6]),)
    assert not same_profile(big, (np.array([1e6 + 1e-3]),))


def test_same_profile_needs_the_same_shapes() -> None:
    assert not same_profile(HALF, HALF[:1])  # fewer players
    assert not same_profile(HALF, (np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.5])))
    assert not same_profile((np.array([1.0]),), (np.array([[1.0]]),))


@pytest.mark.parametrize(
    ("p", "q", "pattern"),
    [
        (None, HALF, r"^p must be a profile \(a sequence of strategy vectors\), got None$"),
        (HALF, "ab", r"^q must be a profile .*, got 'ab' \(str\)$"),
        (HALF, 3, r"^q must be a profile .*, got 3 \(int\)$"),
    ],
)
def test_same_profile_refuses_non_profiles(p: object, q: object, pattern: str) -> None:
    with pytest.raises(InvalidArgumentError, match=pattern):
        same_profile(p, q)  # type: ignore[arg-type]


@pytest.mark.parametrize("atol", ["x", -1e-9, float("nan"), None, True])
def test_same_profile_refuses_a_bad_atol(atol: object) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^atol must be a finite number >= 0, got "):
        same_profile(HALF, HALF, atol=atol)  # type: ignore[arg-type]


# -- distinct_profiles / set_difference ----------------------------------------------
def test_distinct_profiles_drops_near_duplicates_keeping_the_first() -> None:
    near_half = (np.array([0.5 + 1e-9, 0.5]), np.array([0.5, 0.5]))
    result = distinct_profiles([HALF, PURE, near_half, THIRD, PURE])
    assert len(result) == 3
    assert result[0] is HALF
    assert result[1] is PURE
    assert result[2] is THIRD
    assert distinct_profiles([]) == []
    assert len(distinct_profiles([HALF, near_half], atol=0)) == 2


def test_set_difference_gives_missing_and_extra() -> None:
    missing, extra = set_difference(ours=[HALF, PURE], theirs=[PURE, THIRD])
    assert len(missing) == 1
    assert missing[0] is THIRD
    assert len(extra) == 1
    assert extra[0] is HALF
    assert set_difference([HALF, PURE], [PURE, HALF]) == ([], [])
    nearly = (np.array([0.5, 0.5 + 1e-3]), np.array([0.5, 0.5]))
    assert set_difference([HALF], [nearly], atol=1e-2) == ([], [])
    missing, extra = set_difference([HALF], [nearly])
    assert missing[0] is nearly
    assert extra[0] is HALF


# -- format_profiles -----------------------------------------------------------------
def test_format_profiles_prints_one_indented_line_per_profile() -> None:
    text = format_profiles([HALF, THIRD])
    lines = text.split("\n")
    assert len(lines) == 2
    assert lines[0] == "    ([0.5, 0.5], [0.5, 0.5])"
    assert lines[1] == "    ([0.333333, 0.666667], [0.25, 0.75])"
    assert format_profiles([]) == ""


# -- seeded test games ---------------------------------------------------------------
@pytest.mark.parametrize("make", [seeded_gaussian_bimatrix, seeded_integer_bimatrix])
def test_seeded_games_are_reproducible_and_of_the_requested_shape(make: object) -> None:
    A, B = make(3, 4, 7)  # type: ignore[operator]
    assert A.shape == B.shape == (3, 4)
    again_a, again_b = make(3, 4, 7)  # type: ignore[operator]
    assert np.array_equal(A, again_a)
    assert np.array_equal(B, again_b)
    other_a, _ = make(3, 4, 8)  # type: ignore[operator]
    assert not np.array_equal(A, other_a)
    assert not np.array_equal(A, B)
    assert make(1, 1, 0)[0].shape == (1, 1)  # type: ignore[operator]


def test_seeded_games_depend_on_the_shape_too() -> None:
    # the shape is part of the seed: a 3x3 game is not the corner of a 4x4 one
    small, _ = seeded_gaussian_bimatrix(3, 3, 0)
    large, _ = seeded_gaussian_bimatrix(4, 4, 0)
    assert not np.array_equal(small, large[:3, :3])


def test_gaussian_and_integer_payoffs() -> None:
    A, _B = seeded_gaussian_bimatrix(20, 20, 1)
    assert A.dtype == np.float64
    assert abs(float(A.mean())) < 0.5
    assert 0.5 < float(A.std()) < 1.5
    assert len(np.unique(A)) == A.size  # no ties: nondegenerate almost surely
    C, D = seeded_integer_bimatrix(20, 20, 1)
    assert C.dtype.kind == "i"
    assert set(np.unique(np.concatenate([C.ravel(), D.ravel()]))) == {0, 1, 2}


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("2", 2, 0), r"^m must be an integer in \[1, 10000\], got '2' \(str\)$"),
        ((0, 2, 0), r"^m must be an integer in \[1, 10000\], got 0 \(int\)$"),
        ((2, 10_001, 0), r"^n must be an integer in \[1, 10000\], got 10001 \(int\)$"),
        ((2, 2, -1), r"^seed must be an integer >= 0, got -1 \(int\)$"),
        ((2, 2, 0.5), r"^seed must be an integer >= 0, got 0\.5 \(float\)$"),
        ((2, True, 0), r"^n must be an integer in \[1, 10000\], got True \(bool\)$"),
    ],
)
@pytest.mark.parametrize("make", [seeded_gaussian_bimatrix, seeded_integer_bimatrix])
def test_seeded_games_refuse_bad_sizes_and_seeds(
    make: object, args: tuple[object, ...], pattern: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=pattern):
        make(*args)  # type: ignore[operator]


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("same_profile-p-none", call(compare.same_profile, None, ([1.0],)),
     InvalidArgumentError, r"p must be a profile .* got None"),
    ("same_profile-atol-str", call(compare.same_profile, ([1.0],), ([1.0],), atol="x"),
     InvalidArgumentError, r"atol must be a finite number >= 0, got 'x'"),
    ("seeded_gaussian_bimatrix-m-str", call(compare.seeded_gaussian_bimatrix, "2", 2, 0),
     InvalidArgumentError, r"m must be an integer in \[1, 10000\], got '2' \(str\)"),
    ("seeded_integer_bimatrix-seed-float", call(compare.seeded_integer_bimatrix, 2, 2, 0.5),
     InvalidArgumentError, r"seed must be an integer >= 0, got 0\.5"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    assert compare.same_profile(([1.0],), ([2.0],), atol=10**30)  # was a numpy TypeError
