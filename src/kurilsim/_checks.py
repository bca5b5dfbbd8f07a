"""Checks of public functions' arguments (private).

One helper per kind of check; each raises an error whose one-line message
names the argument, shows the value received and says what was expected.
The error class defaults to :class:`~kurilsim.InvalidArgumentError` (a
``TypeError`` and a ``ValueError``); callers that documented another class
(``InvalidGameError``, ...) pass it as ``error``.  Depends only on numpy and
:mod:`kurilsim._errors`, so every layer can import it.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidArgumentError, KurilsimError

__all__ = [
    "check_bool",
    "check_choice",
    "check_instance",
    "check_int",
    "check_real",
    "check_rng",
    "check_strings",
    "describe",
    "finite_real",
    "real_array",
]

T = TypeVar("T")
ErrorType = type[KurilsimError]

#: Longest ``repr`` of a bad value quoted in a message.
_MAX_REPR = 80


def describe(value: object) -> str:
    """A short description of ``value`` for a message: its repr and its type.

    Examples
    --------
    >>> from kurilsim._checks import describe
    >>> describe("x"), describe(1.5), describe(None)
    ("'x' (str)", '1.5 (float)', 'None')
    >>> describe(list(range(100)))  # doctest: +ELLIPSIS
    '[0, 1, 2, 3, ..., 20, 2 ... (list)'
    """
    if value is None:
        return "None"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the error
        text = f"<{type(value).__name__} object>"
    text = " ".join(text.split())  # one line
    if len(text) > _MAX_REPR:
        text = text[: _MAX_REPR - 4] + " ..."
    return f"{text} ({type(value).__name__})"


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def check_instance(
    value: object,
    kind: type[T] | tuple[type, ...],
    name: str,
    *,
    what: str | None = None,
    error: ErrorType = InvalidArgumentError,
) -> T:
    """``value`` if it is an instance of ``kind``, else ``error``.

    Examples
    --------
    >>> from kurilsim._checks import check_instance
    >>> check_instance(3, int, "n")
    3
    >>> check_instance("3", int, "n")
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: n must be an int, got '3' (str)
    """
    if not isinstance(value, kind):
        if what is None:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            names = [k.__name__ for k in kinds]
            article = "an" if names[0][0].lower() in "aeiou" else "a"
            what = f"{article} {' or '.join(names)}"
        raise error(f"{name} must be {what}, got {describe(value)}")
    return value  # type: ignore[return-value]


def _interval(
    low: float | None, high: float | None, low_open: bool, high_open: bool
) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f" {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f" {'<' if high_open else '<='} {high:g}"
    return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def check_real(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    error: ErrorType = InvalidArgumentError,
) -> float:
    """``value`` as a float if it is a finite real number in the given interval.

    Booleans, strings, arrays, NaN and infinities are refused.

    Examples
    --------
    >>> from kurilsim._checks import check_real
    >>> check_real(0.5, "tol", low=0, high=1, low_open=True, high_open=True)
    0.5
    >>> check_real(float("nan"), "tol", low=0, high=1, low_open=True)
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: tol must be a finite number in (0, 1], got nan (float)
    """
    ok = isinstance(value, numbers.Real) and not _is_bool(value)
    if ok:
        try:
            x = float(value)  # type: ignore[arg-type]
        except (OverflowError, ValueError):  # huge integers
            ok = False
        else:
            ok = math.isfinite(x)
            if ok and low is not None:
                ok = x > low if low_open else x >= low
            if ok and high is not None:
                ok = x < high if high_open else x <= high
    if not ok:
        where = _interval(low, high, low_open, high_open)
        raise error(f"{name} must be a finite number{where}, got {describe(value)}")
    return x


def finite_real(value: object) -> float | None:
    """``value`` as a finite float if it is a real number (not a bool), else None.

    Huge integers (``10**400``), NaN and infinities give ``None`` rather than
    an ``OverflowError``: for checks that keep their own messages.

    Examples
    --------
    >>> from kurilsim._checks import finite_real
    >>> finite_real(0.5), finite_real(10**400), finite_real(True), finite_real("1")
    (0.5, None, None, None)
    """
    if not isinstance(value, numbers.Real) or _is_bool(value):
        return None
    try:
        x = float(value)
    except (OverflowError, ValueError):
        return None
    return x if math.isfinite(x) else None


def check_int(
    value: object,
    name: str,
    *,
    low: int | None = None,
    high: int | None = None,
    error: ErrorType = InvalidArgumentError,
) -> int:
    """``value`` as an int if it is an integer (not a bool) in ``[low, high]``.

    Examples
    --------
    >>> from kurilsim._checks import check_int
    >>> check_int(3, "n", low=2)
    3
    >>> check_int(2.0, "n", low=2)
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: n must be an integer >= 2, got 2.0 (float)
    """
    ok = isinstance(value, numbers.Integral) and not _is_bool(value)
    if ok:
        number: int = int(value)  # type: ignore[call-overload]
        ok = (low is None or number >= low) and (high is None or number <= high)
    if not ok:
        if low is not None and high is not None:
            where = f" in [{low}, {high}]"
        elif low is not None:
            where = f" >= {low}"
        elif high is not None:
            where = f" <= {high}"
        else:
            where = ""
        raise error(f"{name} must be an integer{where}, got {describe(value)}")
    return number


def check_bool(
    value: object, name: str, *, error: ErrorType = InvalidArgumentError
) -> bool:
    """``value`` as a bool if it is ``True`` or ``False`` (numpy's too).

    Examples
    --------
    >>> from kurilsim._checks import check_bool
    >>> check_bool("no", "flag")
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: flag must be True or False, got 'no' (str)
    """
    if not _is_bool(value):
        raise error(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_choice(
    value: object,
    name: str,
    choices: Iterable[str],
    *,
    error: ErrorType = InvalidArgumentError,
) -> str:
    """``value`` if it is one of the strings ``choices``, else an error listing them.

    A near miss (wrong case, a typo) gets a suggestion.

    Examples
    --------
    >>> from kurilsim._checks import check_choice
    >>> check_choice("Nash-bargaining", "rule", ["nash-bargaining", "kalai-smorodinsky"])
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: rule must be one of 'nash-bargaining', 'kalai-smorodinsky', got 'Nash-bargaining' (str); did you mean 'nash-bargaining'?
    """
    options = list(choices)
    if isinstance(value, str) and value in options:
        return value
    hint = ""
    if isinstance(value, str):
        lowered = {option.lower(): option for option in options}
        close = [lowered[value.lower()]] if value.lower() in lowered else []
        close = close or difflib.get_close_matches(value, options, n=1)
        if close:
            hint = f"; did you mean {close[0]!r}?"
    listed = ", ".join(repr(option) for option in options)
    raise error(f"{name} must be one of {listed}, got {describe(value)}{hint}")


def check_strings(
    value: object,
    name: str,
    *,
    error: ErrorType = InvalidArgumentError,
) -> tuple[str, ...]:
    """``value`` as a tuple of strings if it is a sequence of strings (not a string).

    Examples
    --------
    >>> from kurilsim._checks import check_strings
    >>> check_strings(["a", "b"], "players")
    ('a', 'b')
    >>> check_strings("ab", "players")
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: players must be a sequence of strings, got 'ab' (str)
    """
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise error(f"{name} must be a sequence of strings, got {describe(value)}")
    items = tuple(value)
    if not all(isinstance(item, str) for item in items):
        raise error(f"{name} must be a sequence of strings, got {describe(value)}")
    return tuple(str(item) for item in items)  # numpy str_ -> str


def real_array(
    value: object,
    name: str,
    *,
    ndim: int | None = None,
    finite: bool = True,
    error: ErrorType = InvalidArgumentError,
) -> NDArray[np.float64]:
    """``value`` as a new float64 array, if it holds real numbers (bools count).

    Examples
    --------
    >>> from kurilsim._checks import real_array
    >>> real_array([1, 2], "u", ndim=1)
    array([1., 2.])
    >>> real_array(["1", "x"], "u", ndim=1)
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: u must be an array of real numbers, got ['1', 'x'] (list)
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested sequences
        raw = np.asarray(None, dtype=object)
    if raw.dtype.kind not in "biuf":
        raise error(f"{name} must be an array of real numbers, got {describe(value)}")
    array = np.array(raw, dtype=np.float64)
    if ndim is not None and array.ndim != ndim:
        raise error(
            f"{name} must be a {ndim}-D array of real numbers, got shape "
            f"{array.shape}: {describe(value)}"
        )
    if finite and not np.all(np.isfinite(array)):
        raise error(f"{name} must hold finite numbers, got {describe(value)}")
    return array


def check_rng(
    rng: object, name: str = "rng", *, error: ErrorType = InvalidArgumentError
) -> np.random.Generator:
    """``numpy.random.default_rng(rng)`` for the seeds SPEC 7 allows, else ``error``.

    Allowed: ``None``, a non-negative integer, a sequence of them, a
    ``SeedSequence``, a ``BitGenerator`` or a ``Generator``.

    Examples
    --------
    >>> from kurilsim._checks import check_rng
    >>> check_rng(1.5)
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidArgumentError: rng must be None, a non-negative integer seed or a numpy.random.Generator, got 1.5 (float)
    """
    allowed = (
        rng is None
        or isinstance(
            rng,
            numbers.Integral
            | np.random.Generator
            | np.random.SeedSequence
            | np.random.BitGenerator,
        )
        or (
            isinstance(rng, Sequence)
            and not isinstance(rng, str | bytes)
            and all(isinstance(x, numbers.Integral) and not _is_bool(x) for x in rng)
        )
    )
    if _is_bool(rng) or not allowed:
        raise error(
            f"{name} must be None, a non-negative integer seed or a "
            f"numpy.random.Generator, got {describe(rng)}"
        )
    try:
        return np.random.default_rng(rng)  # type: ignore[arg-type]
    except (TypeError, ValueError) as failure:  # negative seeds
        raise error(f"{name}={describe(rng)} is not a valid seed: {failure}") from None
