"""Small helpers shared by the package (private)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, TypeVar

from numpy.typing import NDArray

__all__ = ["duplicates", "readonly"]

ArrayT = TypeVar("ArrayT", bound=NDArray[Any])
T = TypeVar("T")


def readonly(array: ArrayT) -> ArrayT:
    """Mark ``array`` read-only (in place) and return it.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim._arrays import readonly
    >>> readonly(np.zeros(2)).flags.writeable
    False
    """
    array.flags.writeable = False
    return array




def duplicates(items: Sequence[T]) -> list[T]:
    """The items that occur more than once, each once, sorted.

    Examples
    --------
    >>> from kurilsim._arrays import duplicates
    >>> duplicates(["a", "b", "a", "c", "b"])
    ['a', 'b']
    """
    counts = Counter(items)
    return sorted(item for item, count in counts.items() if count > 1)  # type: ignore[type-var]
