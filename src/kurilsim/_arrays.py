"""Small helpers shared by the package (private)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["decimal_linspace", "duplicates", "readonly"]

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


def decimal_linspace(start: float, stop: float, num: int) -> NDArray[np.float64]:
    """:func:`numpy.linspace`, with values within two ulps of a short decimal
    moved onto it.

    ``numpy.linspace(0, 1, 11)[3]`` is ``0.30000000000000004``: the user who
    asked for 11 steps from 0 to 1 meant 0.3, and a file that records the
    grid should say so.  Each value whose 15-significant-digit decimal lies
    within two units in the last place is replaced by that decimal (a move of
    at most 2 ulps); the others (``1/3``) are kept.  If moving would break the
    grid's strict order (grids denser than the decimals), nothing is moved.

    Examples
    --------
    >>> from kurilsim._arrays import decimal_linspace
    >>> decimal_linspace(0, 1, 11).tolist()[3]
    0.3
    >>> decimal_linspace(0, 1, 4).tolist()[1]
    0.3333333333333333
    """
    values = np.linspace(start, stop, num)
    if values.size == 0:
        return values
    short = np.array([float(f"{v:.15g}") for v in values.tolist()])
    near = np.abs(short - values) <= 2 * np.spacing(np.abs(values))
    snapped = np.where(near, short, values)
    steps = np.diff(snapped)
    if np.any(np.sign(steps) != np.sign(np.diff(values))):
        return values
    return snapped


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
