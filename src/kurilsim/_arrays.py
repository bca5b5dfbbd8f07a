"""Small array helpers shared by the package (private)."""

from __future__ import annotations

from typing import Any, TypeVar

from numpy.typing import NDArray

__all__ = ["readonly"]

ArrayT = TypeVar("ArrayT", bound=NDArray[Any])


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


