"""Small shared helpers (``src/kurilsim/_arrays.py``)."""

from __future__ import annotations

import numpy as np
import pytest

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
