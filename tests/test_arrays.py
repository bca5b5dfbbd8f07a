"""Small shared helpers (``src/kurilsim/_arrays.py``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim._arrays import duplicates, readonly


def test_readonly_marks_the_array_itself_and_returns_it() -> None:
    array = np.arange(4.0)
    result = readonly(array)
    assert result is array  # in place, no copy
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 1.0
    assert array.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_readonly_on_a_view_leaves_the_base_writable() -> None:
    base = np.zeros((2, 3))
    view = readonly(base[0])
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 1.0
    base[0, 0] = 5.0  # the owner of the data may still change it
    assert view[0] == 5.0


def test_readonly_keeps_dtype_shape_and_values() -> None:
    array = np.array([[1, 2], [3, 4]], dtype=np.int16)
    readonly(array)
    assert array.dtype == np.int16
    assert array.shape == (2, 2)
    assert array.sum() == 10


def test_duplicates_lists_each_repeated_item_once_sorted() -> None:
    assert duplicates(["b", "a", "b", "c", "a", "b"]) == ["a", "b"]
    assert duplicates([3, 1, 3, 3, 2, 1]) == [1, 3]
    assert duplicates(("x", "x")) == ["x"]


def test_duplicates_of_distinct_items_is_empty() -> None:
    assert duplicates([]) == []
    assert duplicates(["a"]) == []
    assert duplicates(["a", "b", "A"]) == []  # case matters


# -- decimal_linspace -------------------------------------------------------------------
def test_decimal_linspace_writes_what_the_user_meant() -> None:
    from kurilsim._arrays import decimal_linspace

    assert np.linspace(0, 1, 11).tolist()[3] == 0.30000000000000004
    assert decimal_linspace(0, 1, 11).tolist() == [k / 10 for k in range(11)]
    assert decimal_linspace(0, 3, 31).tolist()[:4] == [0.0, 0.1, 0.2, 0.3]
    # values with no short decimal near them are left alone
    assert decimal_linspace(0, 1, 4).tolist() == np.linspace(0, 1, 4).tolist()
    assert decimal_linspace(2, 2, 3).tolist() == [2.0, 2.0, 2.0]
    assert decimal_linspace(0, 1, 0).size == 0
    # the endpoints are what was asked for, never moved
    assert decimal_linspace(0, 2.0**53, 3).tolist()[-1] == 2.0**53
    assert decimal_linspace(0.30000000000000004, 1, 3).tolist()[0] == 0.30000000000000004
    # overflowing steps give non-finite values, without warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not np.isfinite(decimal_linspace(-1.7e308, 1.7e308, 3)).all()


@settings(max_examples=200, deadline=None)
@given(
    start=st.floats(-1e6, 1e6, allow_nan=False),
    width=st.floats(0, 1e6, allow_nan=False),
    num=st.integers(1, 400),
    descending=st.booleans(),
)
def test_decimal_linspace_moves_no_value_more_than_two_ulps_and_keeps_the_order(
    start: float, width: float, num: int, descending: bool
) -> None:
    from kurilsim._arrays import decimal_linspace

    stop = start - width if descending else start + width
    plain, moved = np.linspace(start, stop, num), decimal_linspace(start, stop, num)
    assert moved.dtype == np.float64
    assert moved.shape == plain.shape
    assert np.all(np.abs(moved - plain) <= 2 * np.spacing(np.abs(plain)))
    assert moved[0] == plain[0]
    assert moved[-1] == plain[-1]
    # a moved value is the float nearest a decimal of at most 15 digits
    changed = moved != plain
    assert all(float(f"{v:.15g}") == v for v in moved[changed].tolist())
    steps, plain_steps = np.diff(moved), np.diff(plain)
    assert np.array_equal(np.sign(steps), np.sign(plain_steps))
