"""The argument checks shared by every public function (``src/kurilsim/_checks.py``).

Each helper accepts the valid values (returning them normalised) and refuses
the others with a one-line message that names the argument, shows the value
received and says what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidArgumentError, InvalidGameError, KurilsimError
from kurilsim._checks import (
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_real,
    check_rng,
    check_strings,
    describe,
    finite_real,
    real_array,
)

NAN = float("nan")
INF = float("inf")


def refused(
    call: Callable[[], object], pattern: str, error: type[KurilsimError] = InvalidArgumentError
) -> str:
    """The one-line message of the ``error`` that ``call`` raises, matched."""
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    message = str(caught.value)
    assert "\n" not in message, message
    assert re.search(pattern, message), message
    return message


# -- describe -----------------------------------------------------------------------
def test_describe_shows_the_repr_and_the_type() -> None:
    assert describe("x") == "'x' (str)"
    assert describe(1.5) == "1.5 (float)"
    assert describe(True) == "True (bool)"
    # the type is numpy's (its repr depends on the numpy version)
    assert describe(np.float64(2.0)) == f"{np.float64(2.0)!r} (float64)"
    assert describe(None) == "None"


def test_describe_keeps_long_and_multiline_values_short_and_on_one_line() -> None:
    text = describe(list(range(1000)))
    assert text.endswith(" ... (list)")
    assert len(text) <= 80 + len(" (list)")
    assert text.startswith("[0, 1, 2, 3")
    matrix = describe(np.arange(12.0).reshape(3, 4))
    assert "\n" not in matrix
    assert matrix.endswith("(ndarray)")


def test_describe_survives_a_broken_repr() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert describe(Broken()) == "<Broken object> (Broken)"


# -- check_instance -----------------------------------------------------------------
def test_check_instance_returns_the_value_or_names_the_expected_type() -> None:
    value = [1, 2]
    assert check_instance(value, list, "items") is value
    assert check_instance(3, (int, float), "n") == 3
    refused(lambda: check_instance("3", int, "n"), r"^n must be an int, got '3' \(str\)$")
    refused(
        lambda: check_instance(None, (list, tuple), "items"),
        r"^items must be a list or tuple, got None$",
    )
    refused(
        lambda: check_instance(3, str, "label", what="some text"),
        r"^label must be some text, got 3 \(int\)$",
    )


# -- check_real ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, 0.5), (2, 2.0), (np.float32(0.25), 0.25), (np.int64(-3), -3.0), (1e300, 1e300)],
)
def test_check_real_accepts_real_numbers_and_returns_a_float(
    value: object, expected: float
) -> None:
    result = check_real(value, "x")
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(False), "1", None, [1.0], np.array([1.0]), 1 + 0j, NAN, INF, -INF,
     10**400, -(10**400)],
    ids=repr,
)
def test_check_real_refuses_non_numbers_non_finite_and_huge_values(value: object) -> None:
    message = refused(lambda: check_real(value, "tol"), r"^tol must be a finite number, got ")
    assert describe(value) in message


def test_check_real_bounds_closed_by_default() -> None:
    assert check_real(0, "tol", low=0) == 0.0
    assert check_real(1, "tol", high=1) == 1.0
    assert check_real(0, "tol", low=0, high=1) == 0.0
    refused(lambda: check_real(-1e-12, "tol", low=0), r"^tol must be a finite number >= 0, got")
    refused(lambda: check_real(1.5, "p", high=1), r"^p must be a finite number <= 1, got 1\.5")
    refused(
        lambda: check_real(2, "p", low=0, high=1),
        r"^p must be a finite number in \[0, 1\], got 2 \(int\)$",
    )


def test_check_real_open_bounds_exclude_the_endpoints() -> None:
    assert check_real(1e-300, "lam", low=0, low_open=True) == 1e-300
    refused(lambda: check_real(0, "lam", low=0, low_open=True), r"^lam must be a finite number > 0")
    refused(lambda: check_real(1, "d", high=1, high_open=True), r"^d must be a finite number < 1")
    refused(
        lambda: check_real(1.0, "d", low=0, high=1, high_open=True),
        r"^d must be a finite number in \[0, 1\), got 1\.0",
    )
    refused(
        lambda: check_real(0.0, "d", low=0, high=1, low_open=True, high_open=True),
        r"^d must be a finite number in \(0, 1\), got 0\.0",
    )
    assert check_real(0.5, "d", low=0, high=1, low_open=True, high_open=True) == 0.5


def test_check_real_refuses_nan_even_without_bounds_and_inf_within_infinite_ones() -> None:
    refused(lambda: check_real(NAN, "x", low=-INF), r"^x must be a finite number >= -inf")
    refused(lambda: check_real(INF, "x", high=INF), r"got inf \(float\)")


# -- finite_real ---------------------------------------------------------------------
def test_finite_real_gives_none_instead_of_raising() -> None:
    assert finite_real(0.5) == 0.5
    assert finite_real(np.int64(3)) == 3.0
    assert type(finite_real(3)) is float
    for bad in (10**400, NAN, INF, True, np.bool_(True), "1", None, [1.0], 1j):
        assert finite_real(bad) is None, bad


# -- check_int ------------------------------------------------------------------------
def test_check_int_accepts_integers_and_returns_a_python_int() -> None:
    for value in (3, np.int64(3), np.uint8(3)):
        result = check_int(value, "n", low=1, high=5)
        assert result == 3
        assert type(result) is int
    assert check_int(10**400, "n") == 10**400  # integers are exact: no overflow
    assert check_int(1, "n", low=1) == 1  # bounds are inclusive
    assert check_int(5, "n", high=5) == 5


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 3.0, "3", None, 3.5, NAN],
                         ids=repr)
def test_check_int_refuses_bools_floats_and_strings(value: object) -> None:
    message = refused(lambda: check_int(value, "n"), r"^n must be an integer, got ")
    assert describe(value) in message


def test_check_int_names_its_bounds() -> None:
    refused(lambda: check_int(0, "n", low=1), r"^n must be an integer >= 1, got 0 \(int\)$")
    refused(lambda: check_int(6, "n", high=5), r"^n must be an integer <= 5, got 6 \(int\)$")
    refused(
        lambda: check_int(10**400, "n", low=1, high=10), r"^n must be an integer in \[1, 10\], got "
    )
    refused(lambda: check_int(-1, "n", low=0, high=10), r"in \[0, 10\], got -1 \(int\)$")


# -- check_bool -----------------------------------------------------------------------
def test_check_bool_accepts_only_true_and_false() -> None:
    assert check_bool(True, "flag") is True
    assert check_bool(False, "flag") is False
    assert check_bool(np.bool_(True), "flag") is True  # a plain bool back
    for bad in (1, 0, "yes", "False", None, 1.0, np.array([True])):
        message = refused(lambda bad=bad: check_bool(bad, "flag"),
                          r"^flag must be True or False, got ")
        assert describe(bad) in message


# -- check_choice ---------------------------------------------------------------------
CHOICES = ("nash", "kalai-smorodinsky", "egalitarian")


def test_check_choice_accepts_a_listed_string() -> None:
    assert check_choice("egalitarian", "rule", CHOICES) == "egalitarian"
    assert check_choice("nash", "rule", iter(CHOICES)) == "nash"  # any iterable, once


def test_check_choice_lists_the_choices_and_suggests_a_near_miss() -> None:
    refused(
        lambda: check_choice("NASH", "rule", CHOICES),
        r"^rule must be one of 'nash', 'kalai-smorodinsky', 'egalitarian', got 'NASH' "
        r"\(str\); did you mean 'nash'\?$",
    )
    refused(
        lambda: check_choice("kalai-smorodinski", "rule", CHOICES),
        r"did you mean 'kalai-smorodinsky'\?$",
    )
    far = refused(lambda: check_choice("spe", "rule", CHOICES), r"got 'spe' \(str\)$")
    assert "did you mean" not in far
    not_text = refused(lambda: check_choice(1, "rule", CHOICES), r"got 1 \(int\)$")
    assert "did you mean" not in not_text
    refused(lambda: check_choice(None, "rule", CHOICES), r"got None$")


# -- check_strings --------------------------------------------------------------------
def test_check_strings_returns_a_tuple_of_plain_strings() -> None:
    assert check_strings(["a", "b"], "players") == ("a", "b")
    assert check_strings((), "players") == ()
    result = check_strings(np.array(["x", "y"]), "players")
    assert result == ("x", "y")
    assert all(type(item) is str for item in result)


@pytest.mark.parametrize(
    "value", ["ab", b"ab", ["a", 1], {"a", "b"}, None, 3, (s for s in "ab")], ids=repr
)
def test_check_strings_refuses_a_string_and_non_string_items(value: object) -> None:
    message = refused(
        lambda: check_strings(value, "players"), r"^players must be a sequence of strings, got "
    )
    assert describe(value) in message


# -- real_array -----------------------------------------------------------------------
def test_real_array_returns_a_new_float64_array() -> None:
    source = np.array([1, 2, 3])
    array = real_array(source, "u", ndim=1)
    assert array.dtype == np.float64
    assert array.tolist() == [1.0, 2.0, 3.0]
    array[0] = 99.0
    assert source[0] == 1  # a copy: the caller's data is not aliased
    floats = np.array([0.5])
    assert real_array(floats, "u") is not floats
    assert real_array([[True, False]], "u", ndim=2).tolist() == [[1.0, 0.0]]  # bools count


@pytest.mark.parametrize(
    "value",
    [["1", "x"], [1 + 1j], [[1.0], [1.0, 2.0]], [None], "abc", [object()]],
    ids=["strings", "complex", "ragged", "none", "text", "objects"],
)
def test_real_array_refuses_non_real_content(value: object) -> None:
    refused(lambda: real_array(value, "u"), r"^u must be an array of real numbers, got ")


def test_real_array_checks_the_dimension_and_finiteness() -> None:
    refused(
        lambda: real_array([[1.0, 2.0]], "u", ndim=1),
        r"^u must be a 1-D array of real numbers, got shape \(1, 2\): \[\[1\.0, 2\.0\]\]",
    )
    refused(lambda: real_array([1.0, NAN], "u"), r"^u must hold finite numbers, got \[1\.0, nan\]")
    refused(lambda: real_array([-INF], "u"), r"^u must hold finite numbers")
    allowed = real_array([1.0, NAN, INF], "u", finite=False)
    assert np.isnan(allowed[1])
    assert np.isinf(allowed[2])


# -- check_rng ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "seed",
    [None, 7, np.int64(7), [1, 2], (3,), np.random.SeedSequence(7), np.random.PCG64(7)],
    ids=repr,
)
def test_check_rng_accepts_the_seeds_spec7_allows(seed: Any) -> None:
    assert isinstance(check_rng(seed), np.random.Generator)


def test_check_rng_reproduces_streams_and_passes_generators_through() -> None:
    assert check_rng(7).random() == check_rng(7).random()
    assert check_rng(7).random() != check_rng(8).random()
    generator = np.random.default_rng(1)
    assert check_rng(generator) is generator


@pytest.mark.parametrize(
    "seed", [True, 1.5, "7", [1.0, 2.0], [True], b"7", {"seed": 1}], ids=repr
)
def test_check_rng_refuses_other_seeds_naming_the_argument(seed: object) -> None:
    message = refused(
        lambda: check_rng(seed, "random_state"),
        r"^random_state must be None, a non-negative integer seed or a "
        r"numpy\.random\.Generator, got ",
    )
    assert describe(seed) in message


def test_check_rng_refuses_a_negative_seed() -> None:
    refused(lambda: check_rng(-1), r"^rng=-1 \(int\) is not a valid seed: ")
    refused(lambda: check_rng([1, -2]), r"^rng=\[1, -2\] \(list\) is not a valid seed: ")


# -- the error class ------------------------------------------------------------------
BAD_CALLS: list[tuple[str, Callable[..., object]]] = [
    ("check_instance", lambda **kw: check_instance("x", int, "n", **kw)),
    ("check_real", lambda **kw: check_real(NAN, "tol", **kw)),
    ("check_int", lambda **kw: check_int(1.5, "n", **kw)),
    ("check_bool", lambda **kw: check_bool(1, "flag", **kw)),
    ("check_choice", lambda **kw: check_choice("x", "rule", CHOICES, **kw)),
    ("check_strings", lambda **kw: check_strings("x", "names", **kw)),
    ("real_array", lambda **kw: real_array(["x"], "u", **kw)),
    ("check_rng", lambda **kw: check_rng(1.5, "rng", **kw)),
]


@pytest.mark.parametrize(("helper", "call"), BAD_CALLS, ids=[name for name, _ in BAD_CALLS])
def test_every_helper_raises_the_error_class_it_is_given(
    helper: str, call: Callable[..., object]
) -> None:
    default = refused(call, ".")
    assert isinstance(InvalidArgumentError(default), TypeError)
    documented = refused(lambda: call(error=InvalidGameError), ".", InvalidGameError)
    assert documented == default  # the same message, only the class differs
    assert not isinstance(InvalidGameError(documented), TypeError)
