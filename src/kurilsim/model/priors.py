"""Priors: what is known about a parameter's value, as a probability distribution.

A :class:`Prior` is an immutable, hashable record of a distribution family, its
parameters, the reasoning behind its location and spread, and the source of
that reasoning.  It builds the matching frozen :mod:`scipy.stats`
distribution on first use, and maps points of the unit interval to values
through its inverse CDF (:meth:`Prior.ppf`), which is how Latin-hypercube,
Sobol and Saltelli designs (SALib) turn unit-hypercube samples into
parameter values.

The families are a closed list (:data:`FAMILIES`), so a prior read from a
scenario file never runs code: ``uniform``, ``beta`` (on any interval),
``truncnorm`` (a normal truncated to an interval), ``lognorm`` (by its median
and the standard deviation of its logarithm), ``triang``, ``discrete`` (a
few values with their probabilities: for integer parameters) and ``point``
(a value that is a normalisation or a convention, not uncertain).

Examples
--------
>>> import numpy as np
>>> from kurilsim import Prior
>>> prior = Prior.beta(2, 5, reasoning="more likely low than high",
...                    source="judgement")
>>> prior
Prior.beta(2, 5, low=0, high=1, reasoning='more likely low than high', source='judgement')
>>> prior.support, round(prior.mean, 4)
((0.0, 1.0), 0.2857)
>>> prior.ppf([0.0, 0.5, 1.0]).round(4)
array([0.    , 0.2644, 1.    ])
>>> Prior.from_dict(prior.to_dict()) == prior
True
"""

from __future__ import annotations

import math
import reprlib
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._checks import check_rng
from kurilsim._errors import InvalidArgumentError, InvalidModelError

__all__ = ["FAMILIES", "Prior"]

#: The distribution families a prior may have, with the names of their
#: parameters in order (the keys of :meth:`Prior.to_dict` besides ``family``,
#: ``reasoning`` and ``source``).
FAMILIES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "uniform": ("low", "high"),
        "beta": ("a", "b", "low", "high"),
        "truncnorm": ("mean", "sd", "low", "high"),
        "lognorm": ("median", "sigma"),
        "triang": ("low", "mode", "high"),
        "discrete": ("values", "probabilities"),
        "point": ("value",),
    }
)

#: How far the probabilities of a discrete prior may sum from 1.
_SUM_TOL: Final = 1e-9

#: How many standard deviations from the centre the quantile of the smallest
#: positive uniform draw of numpy (``2**-53``) lies: ``-Phi^-1(2**-53)``.
_Z_SAMPLE: Final = 8.3

#: The logarithms of the smallest positive normal float and the largest float.
_LOG_TINY: Final = math.log(sys.float_info.min)
_LOG_HUGE: Final = math.log(sys.float_info.max)

#: Beyond this many standard deviations a normal has no mass a float can hold
#: (``Phi(-39) < 1e-330``): a truncated normal's end further out is no limit.
_NO_MASS_Z: Final = 39.0

#: Short reprs of the reasoning and source in :meth:`Prior.__repr__`.
_TEXT = reprlib.Repr()
_TEXT.maxstring = 72

#: What :meth:`Prior.to_dict` writes besides the family's parameters.
_TEXT_KEYS: Final = ("family", "reasoning", "source")

ParamValue = float | tuple[float, ...]


def _number(text: float) -> str:
    """A float as its shortest exact repr, without a trailing ``.0``."""
    shown = repr(float(text))
    return shown.removesuffix(".0")


def _real(family: str, name: str, value: object, *, finite: bool = True) -> float:
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, int | float | np.integer | np.floating)
        or math.isnan(float(value))
        or (finite and not math.isfinite(float(value)))
    ):
        kind = "a finite number" if finite else "a number"
        raise InvalidModelError(
            f"{family} prior: {name} must be {kind}, got {reprlib.repr(value)}"
        )
    return float(value)


def _reals(family: str, name: str, values: object) -> tuple[float, ...]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(
        values, Sequence | np.ndarray
    ):
        raise InvalidModelError(
            f"{family} prior: {name} must be a sequence of finite numbers, got "
            f"{reprlib.repr(values)}"
        )
    items = tuple(np.asarray(values, dtype=object).ravel().tolist())
    if np.ndim(np.asarray(values, dtype=object)) != 1 or not items:
        raise InvalidModelError(
            f"{family} prior: {name} must be a non-empty flat sequence of numbers, "
            f"got {reprlib.repr(values)}"
        )
    return tuple(_real(family, f"{name}[{k}]", v) for k, v in enumerate(items))


@dataclass(frozen=True, slots=True, kw_only=True)
class Prior:
    """A prior distribution of one parameter, with its reasoning and source.

    Build priors with the constructors (:meth:`uniform`, :meth:`beta`,
    :meth:`truncnorm`, :meth:`lognormal`, :meth:`triangular`,
    :meth:`discrete`, :meth:`point`) or from a scenario file's table
    (:meth:`from_dict`).  A prior is immutable and hashable; equal priors
    have the same family, parameters, reasoning and source.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    params : tuple of (str, value) pairs
        The family's parameters, in the order of :data:`FAMILIES`; each value
        a float (a tuple of floats for the ``values`` and ``probabilities``
        of a discrete prior).
    reasoning : str
        Why the distribution sits where it does and spreads as it does
        (required, non-empty).
    source : str, optional
        The public source of that reasoning (author, title, year, page), or
        ``"judgement"`` with what it rests on.

    Raises
    ------
    InvalidModelError
        If the family is not one of :data:`FAMILIES`, a parameter is missing,
        unknown, not a number or out of its range (``sd > 0``,
        ``low < high``, probabilities positive and summing to 1, ...), or the
        reasoning is empty; the message names the value.

    See Also
    --------
    kurilsim.model.agents.parameter : attach a prior to an agent parameter.
    kurilsim.Scenario.priors : the priors of a scenario's parameters.

    Notes
    -----
    :attr:`distribution` is the frozen :mod:`scipy.stats` distribution,
    built on first use and kept.  :meth:`ppf` uses it for the continuous
    families and returns the support's ends exactly at 0 and 1; for
    ``discrete`` and ``point`` it is the exact step function
    ``min {x : F(x) >= u}``.

    Examples
    --------
    >>> from kurilsim import Prior
    >>> Prior.uniform(0.5, 1.5, reasoning="no value is more plausible").describe()
    'Uniform(0.5, 1.5) on [0.5, 1.5]: no value is more plausible'
    >>> Prior.truncnorm(1, 0.5, low=0, high=2, reasoning="r", source="s").support
    (0.0, 2.0)
    >>> Prior.truncnorm(1, 0, low=0, high=2, reasoning="r")
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: truncnorm prior: sd must be > 0, got 0.0
    """

    family: str
    params: tuple[tuple[str, ParamValue], ...]
    reasoning: str
    source: str = ""
    _distribution: Any = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    # -- validation -----------------------------------------------------------------
    def __post_init__(self) -> None:
        family = self.family
        if not isinstance(family, str) or family not in FAMILIES:
            raise InvalidModelError(
                f"unknown prior family {reprlib.repr(family)}; expected one of "
                f"{sorted(FAMILIES)}"
            )
        if not isinstance(self.reasoning, str) or not self.reasoning.strip():
            raise InvalidModelError(
                f"{family} prior: reasoning must be a non-empty string (why the "
                f"distribution sits and spreads as it does), got "
                f"{reprlib.repr(self.reasoning)}"
            )
        if not isinstance(self.source, str):
            raise InvalidModelError(
                f"{family} prior: source must be a string, got "
                f"{reprlib.repr(self.source)}"
            )
        raw = self.params
        if isinstance(raw, Mapping):
            raw = tuple(raw.items())
        try:
            pairs = [(key, value) for key, value in raw]
        except (TypeError, ValueError):
            raise InvalidModelError(
                f"{family} prior: params must be (name, value) pairs, got "
                f"{reprlib.repr(self.params)}"
            ) from None
        given = dict(pairs)
        if len(given) != len(pairs):
            keys = [key for key, _ in pairs]
            twice = next(key for k, key in enumerate(keys) if key in keys[:k])
            raise InvalidModelError(
                f"{family} prior: parameter {reprlib.repr(twice)} is given twice; "
                "give each parameter once"
            )
        names = FAMILIES[family]
        unknown = sorted(set(map(str, given)) - set(names))
        missing = [name for name in names if name not in given]
        if unknown or missing:
            what = (
                f"unknown parameter {unknown[0]!r}"
                if unknown
                else f"missing parameter {missing[0]!r}"
            )
            raise InvalidModelError(
                f"{family} prior: {what}; a {family} prior has {list(names)}"
            )
        values = _check_family(family, given)
        object.__setattr__(self, "params", tuple((n, values[n]) for n in names))

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def uniform(
        cls, low: float, high: float, *, reasoning: str, source: str = ""
    ) -> Prior:
        """Every value in ``[low, high]`` equally plausible.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.uniform(0, 2, reasoning="only the range is known").mean
        1.0
        """
        return cls(
            family="uniform",
            params=(("low", low), ("high", high)),
            reasoning=reasoning,
            source=source,
        )

    @classmethod
    def beta(
        cls,
        a: float,
        b: float,
        *,
        low: float = 0.0,
        high: float = 1.0,
        reasoning: str,
        source: str = "",
    ) -> Prior:
        """A beta distribution with shapes ``a, b > 0``, scaled to ``[low, high]``.

        The mean is ``low + (high - low) * a / (a + b)``; ``a + b`` measures
        how concentrated it is (as if from ``a + b`` observations).

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.beta(2, 2, low=0, high=4, reasoning="centred").mean
        2.0
        """
        params = (("a", a), ("b", b), ("low", low), ("high", high))
        return cls(family="beta", params=params, reasoning=reasoning, source=source)

    @classmethod
    def truncnorm(
        cls,
        mean: float,
        sd: float,
        *,
        low: float,
        high: float,
        reasoning: str,
        source: str = "",
    ) -> Prior:
        """A normal distribution ``N(mean, sd**2)`` truncated to ``[low, high]``.

        ``mean`` and ``sd`` are those of the normal before truncation (the
        prior's own :attr:`mean` differs when the truncation is asymmetric);
        ``low`` may be ``-inf`` and ``high`` ``inf``.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> prior = Prior.truncnorm(0, 1, low=0, high=float("inf"),
        ...                         reasoning="a half-normal")
        >>> round(prior.mean, 4)  # sqrt(2 / pi)
        0.7979
        """
        params = (("mean", mean), ("sd", sd), ("low", low), ("high", high))
        return cls(
            family="truncnorm", params=params, reasoning=reasoning, source=source
        )

    @classmethod
    def lognormal(
        cls, median: float, sigma: float, *, reasoning: str, source: str = ""
    ) -> Prior:
        """A log-normal distribution: ``log(x)`` is normal with median
        ``log(median)`` and standard deviation ``sigma``; support ``(0, inf)``.

        For a positive scale known within a factor: ``sigma = log(k) / 1.96``
        puts 95% of the mass within a factor ``k`` of the median.

        Examples
        --------
        >>> import math
        >>> from kurilsim import Prior
        >>> prior = Prior.lognormal(1.0, math.log(2) / 1.96,
        ...                         reasoning="within a factor 2")
        >>> prior.family, prior.support
        ('lognorm', (0.0, inf))
        >>> prior.ppf([0.025, 0.975]).round(3)
        array([0.5, 2. ])
        """
        return cls(
            family="lognorm",
            params=(("median", median), ("sigma", sigma)),
            reasoning=reasoning,
            source=source,
        )

    @classmethod
    def triangular(
        cls, low: float, mode: float, high: float, *, reasoning: str, source: str = ""
    ) -> Prior:
        """A triangular distribution on ``[low, high]`` peaking at ``mode``.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.triangular(0, 0.25, 1, reasoning="most likely near a quarter").mean
        0.4166666666666667
        """
        params = (("low", low), ("mode", mode), ("high", high))
        return cls(family="triang", params=params, reasoning=reasoning, source=source)

    @classmethod
    def discrete(
        cls,
        values: Sequence[float],
        probabilities: Sequence[float],
        *,
        reasoning: str,
        source: str = "",
    ) -> Prior:
        """Finitely many values with their probabilities (for integer parameters).

        ``values`` are distinct (they are stored in increasing order, each with
        its probability); ``probabilities`` are positive and sum to 1.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> prior = Prior.discrete([4, 2], [0.75, 0.25], reasoning="mostly four")
        >>> prior.params
        (('values', (2.0, 4.0)), ('probabilities', (0.25, 0.75)))
        >>> prior.ppf([0.0, 0.25, 0.26, 1.0])
        array([2., 2., 4., 4.])
        """
        params = (("values", values), ("probabilities", probabilities))
        return cls(family="discrete", params=params, reasoning=reasoning, source=source)  # type: ignore[arg-type]

    @classmethod
    def point(cls, value: float, *, reasoning: str, source: str = "") -> Prior:
        """A single value: a normalisation or convention, not an uncertainty.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> prior = Prior.point(1.0, reasoning="the unit of utility")
        >>> prior.is_point, prior.support, prior.ppf([0.0, 0.3, 1.0])
        (True, (1.0, 1.0), array([1., 1., 1.]))
        """
        return cls(
            family="point",
            params=(("value", value),),
            reasoning=reasoning,
            source=source,
        )

    # -- properties -----------------------------------------------------------------
    def param(self, name: str) -> ParamValue:
        """The value of the family parameter ``name`` (e.g. ``"sd"``).

        Raises
        ------
        InvalidArgumentError
            If the family has no such parameter.
        """
        for key, value in self.params:
            if key == name:
                return value
        raise InvalidArgumentError(
            f"a {self.family} prior has no parameter {name!r}; it has "
            f"{list(FAMILIES[self.family])}"
        )

    @property
    def is_point(self) -> bool:
        """Whether the prior is a single value (family ``"point"``)."""
        return self.family == "point"

    @property
    def distribution(self) -> Any:
        """The frozen :mod:`scipy.stats` distribution (built once, then kept)."""
        if self._distribution is None:
            object.__setattr__(self, "_distribution", _build(self.family, self._p()))
        return self._distribution

    @property
    def support(self) -> tuple[float, float]:
        """The smallest closed interval holding all the mass, ``(low, high)``."""
        p = self._p()
        if self.family in ("uniform", "beta", "truncnorm", "triang"):
            return (p["low"], p["high"])
        if self.family == "lognorm":
            return (0.0, math.inf)
        if self.family == "discrete":
            return (p["values"][0], p["values"][-1])
        return (p["value"], p["value"])

    @property
    def mean(self) -> float:
        """The mean of the distribution (scipy's, as a float; ``inf`` when it
        exceeds the largest float, as for a log-normal with a large sigma)."""
        p = self._p()
        if self.is_point:
            return float(p["value"])
        if self.family == "beta":
            # closed form: scipy's overflows for very large shapes
            return float(p["low"] + (p["high"] - p["low"]) * _beta_share(p))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(self.distribution.mean())

    @property
    def std(self) -> float:
        """The standard deviation of the distribution (0 for a point)."""
        p = self._p()
        if self.is_point:
            return 0.0
        if self.family == "beta":
            share = _beta_share(p)
            # var = w**2 a b / ((a + b)**2 (a + b + 1)), arranged not to overflow
            spread = math.sqrt(share * (1.0 - share) / (p["a"] + p["b"] + 1.0))
            return float((p["high"] - p["low"]) * spread)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(self.distribution.std())

    def _p(self) -> dict[str, Any]:
        return dict(self.params)

    # -- evaluation -----------------------------------------------------------------
    def ppf(self, u: ArrayLike) -> NDArray[np.float64]:
        """The inverse CDF: values at the quantiles ``u`` (vectorised).

        Maps samples of the unit interval (one column of a Latin-hypercube,
        Sobol or Saltelli design) to values of the parameter.  ``ppf(0)`` and
        ``ppf(1)`` are the ends of :attr:`support` exactly, and every value
        lies in the support.

        Parameters
        ----------
        u : array_like
            Quantiles in ``[0, 1]``, any shape.

        Returns
        -------
        ndarray of float
            The values, same shape as ``u``.

        Raises
        ------
        InvalidArgumentError
            If ``u`` holds a value outside ``[0, 1]`` or not a number.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.triangular(0, 1, 2, reasoning="r").ppf([[0, 0.5], [0.125, 1]])
        array([[0. , 1. ],
               [0.5, 2. ]])
        """
        try:
            q = np.asarray(u, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"Prior.ppf: u must be numbers in [0, 1], got {reprlib.repr(u)}"
            ) from None
        bad = ~((q >= 0.0) & (q <= 1.0))
        if np.any(bad):
            first = q[bad].ravel()[0] if q.ndim else q
            raise InvalidArgumentError(
                f"Prior.ppf: u must be in [0, 1], got {float(first)!r}"
            )
        low, high = self.support
        p = self._p()
        if self.family == "point":
            return np.full(q.shape, low)
        if self.family == "discrete":
            cumulative = np.cumsum(p["probabilities"])
            index = np.searchsorted(cumulative, q, side="left")
            values: NDArray[np.float64] = np.asarray(p["values"])[
                np.minimum(index, len(cumulative) - 1)
            ]
            return values
        with warnings.catch_warnings():
            # SciPy's root finders may give up on quantiles within a few ulps
            # of 0 or 1 (warning, NaN): those values are the support's ends
            warnings.simplefilter("ignore", RuntimeWarning)
            result = np.asarray(self.distribution.ppf(q), dtype=np.float64)
        result = np.where(np.isnan(result), np.where(q < 0.5, low, high), result)
        result = np.clip(result, low, high)
        result = np.where(q == 0.0, low, np.where(q == 1.0, high, result))
        return np.asarray(result, dtype=np.float64)

    def cdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """The CDF ``P(X <= x)`` (vectorised; scipy's).

        Raises
        ------
        InvalidArgumentError
            If ``x`` holds something that is not a number, or NaN.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.uniform(0, 4, reasoning="r").cdf([1.0, 5.0])
        array([0.25, 1.  ])
        """
        try:
            points = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"Prior.cdf: x must be numbers, got {reprlib.repr(x)}"
            ) from None
        if np.isnan(points).any():
            raise InvalidArgumentError("Prior.cdf: x must be numbers, got nan")
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(self.distribution.cdf(points), dtype=np.float64)

    def sample(self, n: int, rng: Any = None) -> NDArray[np.float64]:
        """``n`` independent draws, by the inverse CDF of uniform draws.

        Parameters
        ----------
        n : int
            How many draws (>= 0).
        rng : None, int or numpy.random.Generator, optional
            The source of randomness (SPEC 7).

        Returns
        -------
        ndarray of float, shape (n,)

        Examples
        --------
        >>> from kurilsim import Prior
        >>> draws = Prior.uniform(1, 2, reasoning="r").sample(1000, rng=0)
        >>> draws.shape, bool(((1 <= draws) & (draws <= 2)).all())
        ((1000,), True)
        """
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise InvalidArgumentError(
                f"Prior.sample: n must be a non-negative integer, got {reprlib.repr(n)}"
            )
        generator = check_rng(rng)
        return self.ppf(generator.random(int(n)))

    def check_within(
        self,
        bounds: tuple[float, float],
        *,
        integer: bool = False,
        name: str = "the parameter",
    ) -> None:
        """Raise unless the prior fits a parameter with these bounds.

        The support must lie within ``bounds`` (a closed interval), and an
        integer parameter needs a ``discrete`` prior on integers or a
        ``point`` prior at an integer.

        Raises
        ------
        InvalidModelError
            Naming ``name``, the support and the bounds.
        InvalidArgumentError
            If ``bounds`` is not a pair of numbers ``low <= high``.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.uniform(0, 2, reasoning="r").check_within((0, 1), name="x")
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidModelError: the prior of x, Uniform(0, 2) on [0, 2], has support [0, 2] outside the parameter's bounds [0, 1]
        """
        try:
            if isinstance(bounds, str | bytes):
                raise TypeError
            low, high = (float(end) for end in bounds)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"Prior.check_within: bounds must be a pair of numbers (low, high), "
                f"got {reprlib.repr(bounds)}"
            ) from None
        if not low <= high:  # also refuses NaN
            raise InvalidArgumentError(
                f"Prior.check_within: bounds must be numbers with low <= high, got "
                f"({low!r}, {high!r})"
            )
        lo, hi = self.support
        if lo < low or hi > high:
            raise InvalidModelError(
                f"the prior of {name}, {self.label()}, has support "
                f"[{_number(lo)}, {_number(hi)}] outside the parameter's bounds "
                f"[{_number(low)}, {_number(high)}]"
            )
        if integer:
            p = self._p()
            points = (
                p["values"]
                if self.family == "discrete"
                else (p["value"],)
                if self.is_point
                else None
            )
            if points is None or any(v != round(v) for v in points):
                raise InvalidModelError(
                    f"the prior of {name}, {self.label()}, does not fit an integer "
                    "parameter: use Prior.discrete over integers or Prior.point at "
                    "an integer"
                )

    # -- text and serialisation ---------------------------------------------------------
    def label(self) -> str:
        """The distribution in one short phrase: ``"Beta(2, 5) on [0, 1]"``."""
        p = self._p()
        lo, hi = self.support
        span = f" on [{_number(lo)}, {_number(hi)}]"
        if self.family == "point":
            return f"Point({_number(p['value'])})"
        if self.family == "discrete":
            pairs = ", ".join(
                f"{_number(v)}: {_number(q)}"
                for v, q in zip(p["values"], p["probabilities"], strict=True)
            )
            return f"Discrete({{{pairs}}})"
        title = {
            "uniform": "Uniform",
            "beta": "Beta",
            "truncnorm": "TruncNormal",
            "lognorm": "LogNormal",
            "triang": "Triangular",
        }[self.family]
        shown = {
            "uniform": ("low", "high"),
            "beta": ("a", "b"),
            "truncnorm": ("mean", "sd"),
            "lognorm": ("median", "sigma"),
            "triang": ("low", "mode", "high"),
        }[self.family]
        args = ", ".join(_number(p[name]) for name in shown)
        return f"{title}({args}){span}"

    def describe(self) -> str:
        """One line: the distribution, its reasoning and (in brackets) its source.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.beta(2, 5, reasoning="mostly low", source="judgement").describe()
        'Beta(2, 5) on [0, 1]: mostly low (judgement)'
        """
        source = f" ({self.source})" if self.source else ""
        return f"{self.label()}: {self.reasoning}{source}"

    def __repr__(self) -> str:
        p = self._p()
        constructor = {
            "uniform": ("uniform", ("low", "high"), ()),
            "beta": ("beta", ("a", "b"), ("low", "high")),
            "truncnorm": ("truncnorm", ("mean", "sd"), ("low", "high")),
            "lognorm": ("lognormal", ("median", "sigma"), ()),
            "triang": ("triangular", ("low", "mode", "high"), ()),
            "discrete": ("discrete", ("values", "probabilities"), ()),
            "point": ("point", ("value",), ()),
        }
        method, positional, keywords = constructor[self.family]

        def show(value: ParamValue) -> str:
            if isinstance(value, tuple):
                return "[" + ", ".join(_number(v) for v in value) + "]"
            return _number(value)

        args = [show(p[name]) for name in positional]
        args += [f"{name}={show(p[name])}" for name in keywords]
        args.append(f"reasoning={_TEXT.repr(self.reasoning)}")
        if self.source:
            args.append(f"source={_TEXT.repr(self.source)}")
        return f"Prior.{method}({', '.join(args)})"

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict: ``family``, the parameters, ``reasoning``, ``source``.

        ``Prior.from_dict(prior.to_dict()) == prior`` holds exactly.

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.beta(2, 5, reasoning="mostly low", source="judgement").to_dict()
        {'family': 'beta', 'a': 2.0, 'b': 5.0, 'low': 0.0, 'high': 1.0, 'reasoning': 'mostly low', 'source': 'judgement'}
        """
        data: dict[str, Any] = {"family": self.family}
        for name, value in self.params:
            data[name] = list(value) if isinstance(value, tuple) else value
        data["reasoning"] = self.reasoning
        if self.source:
            data["source"] = self.source
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prior:
        """A prior from its :meth:`to_dict` table (e.g. from a scenario file).

        Only the families of :data:`FAMILIES` are accepted and nothing the
        data names is imported or called.

        Raises
        ------
        InvalidModelError
            If ``data`` is not a mapping, lacks ``family`` or ``reasoning``,
            names an unknown family or key, or a value is invalid (the
            message names it).

        Examples
        --------
        >>> from kurilsim import Prior
        >>> Prior.from_dict({"family": "uniform", "low": 0, "high": 1,
        ...                  "reasoning": "only the range is known"})
        Prior.uniform(0, 1, reasoning='only the range is known')
        >>> Prior.from_dict({"family": "os.system", "reasoning": "r"})
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidModelError: unknown prior family 'os.system'; expected one of ['beta', 'discrete', 'lognorm', 'point', 'triang', 'truncnorm', 'uniform']
        """
        if not isinstance(data, Mapping):
            raise InvalidModelError(
                f"a prior must be a table with a family and its parameters, got "
                f"{reprlib.repr(data)}"
            )
        family = data.get("family")
        if not isinstance(family, str) or family not in FAMILIES:
            raise InvalidModelError(
                f"unknown prior family {reprlib.repr(family)}; expected one of "
                f"{sorted(FAMILIES)}"
            )
        allowed = {*FAMILIES[family], *_TEXT_KEYS}
        unknown = sorted(set(map(str, data)) - allowed)
        if unknown:
            raise InvalidModelError(
                f"{family} prior: unknown key {unknown[0]!r}; expected "
                f"{[*FAMILIES[family], 'reasoning', 'source']}"
            )
        if "reasoning" not in data:
            raise InvalidModelError(
                f"{family} prior: missing 'reasoning' (why the distribution sits "
                "and spreads as it does)"
            )
        params = tuple((name, data[name]) for name in FAMILIES[family] if name in data)
        return cls(
            family=family,
            params=params,
            reasoning=data["reasoning"],
            source=data.get("source", ""),
        )


def _check_family(family: str, given: Mapping[str, Any]) -> dict[str, ParamValue]:
    """The family's parameters as floats, checked (the message names the bad one)."""
    if family == "discrete":
        values = _reals(family, "values", given["values"])
        probabilities = _reals(family, "probabilities", given["probabilities"])
        if len(values) != len(probabilities):
            raise InvalidModelError(
                f"discrete prior: {len(values)} values but {len(probabilities)} "
                "probabilities; give one probability per value"
            )
        if len(set(values)) != len(values):
            raise InvalidModelError(
                f"discrete prior: values must be distinct, got {list(values)}"
            )
        for k, q in enumerate(probabilities):
            if not q > 0:
                raise InvalidModelError(
                    f"discrete prior: probabilities[{k}] must be > 0, got {q!r} "
                    "(leave out values that cannot occur)"
                )
        total = math.fsum(probabilities)
        if abs(total - 1.0) > _SUM_TOL:
            raise InvalidModelError(
                f"discrete prior: probabilities must sum to 1, got {total!r}"
            )
        order = sorted(range(len(values)), key=values.__getitem__)
        return {
            "values": tuple(values[k] for k in order),
            "probabilities": tuple(probabilities[k] for k in order),
        }
    infinite_ok = {"low", "high"} if family == "truncnorm" else set()
    p = {
        name: _real(family, name, value, finite=name not in infinite_ok)
        for name, value in given.items()
    }
    if "low" in p and not p["low"] < p["high"]:
        raise InvalidModelError(
            f"{family} prior: low must be < high, got low={p['low']!r} and "
            f"high={p['high']!r}"
        )
    if family != "truncnorm" and "low" in p and not math.isfinite(p["high"] - p["low"]):
        # the width scales the standard distribution: it must be a float
        raise InvalidModelError(
            f"{family} prior: high - low must be a finite number (at most "
            f"{sys.float_info.max:.3g}), got low={p['low']!r} and high={p['high']!r}"
        )
    positive = {
        "beta": ("a", "b"),
        "truncnorm": ("sd",),
        "lognorm": ("median", "sigma"),
    }
    for name in positive.get(family, ()):
        if not p[name] > 0:
            raise InvalidModelError(
                f"{family} prior: {name} must be > 0, got {p[name]!r}"
            )
    if family == "beta" and not math.isfinite(p["a"] + p["b"]):
        raise InvalidModelError(
            f"beta prior: a + b must be a finite number, got a={p['a']!r} and "
            f"b={p['b']!r}"
        )
    if family == "lognorm":
        # a sample's quantile lies within _Z_SAMPLE standard deviations of
        # the median's logarithm: the values there must be positive floats
        centre = math.log(p["median"])
        reach = _Z_SAMPLE * p["sigma"]
        if not (centre - reach > _LOG_TINY and centre + reach < _LOG_HUGE):
            raise InvalidModelError(
                f"lognorm prior: median * exp(+-{_Z_SAMPLE} * sigma) must lie within "
                f"[{sys.float_info.min:.3g}, {sys.float_info.max:.3g}] (the values "
                f"a sample reaches), got median={p['median']!r} and "
                f"sigma={p['sigma']!r}; move the median or narrow sigma"
            )
    if family == "triang" and not p["low"] <= p["mode"] <= p["high"]:
        raise InvalidModelError(
            f"triang prior: mode must lie in [low, high] = [{p['low']!r}, "
            f"{p['high']!r}], got {p['mode']!r}"
        )
    if family == "truncnorm":
        a = (p["low"] - p["mean"]) / p["sd"]
        b = (p["high"] - p["mean"]) / p["sd"]
        # the normal mass of [a, b], from the tail nearer to it (no
        # cancellation); math.erfc, not scipy.stats, keeps import time down
        mass = (
            0.5 * (math.erfc(a / math.sqrt(2)) - math.erfc(b / math.sqrt(2)))
            if a > 0
            else 0.5 * (math.erfc(-b / math.sqrt(2)) - math.erfc(-a / math.sqrt(2)))
        )
        if not mass > 1e-12:
            raise InvalidModelError(
                f"truncnorm prior: [low, high] = [{p['low']!r}, {p['high']!r}] lies "
                f"too far in the tail of N({p['mean']!r}, {p['sd']!r}**2) (mass "
                f"{mass:.3g}); move the mean or widen sd"
            )
    return dict(p)


def _beta_share(p: Mapping[str, float]) -> float:
    """``a / (a + b)``, the mean of a beta prior on the unit interval."""
    return p["a"] / (p["a"] + p["b"])


def _build(family: str, p: Mapping[str, Any]) -> Any:
    """The frozen scipy.stats distribution of a checked prior."""
    from scipy import stats  # slow to import: only when a prior is used
    if family == "uniform":
        return stats.uniform(loc=p["low"], scale=p["high"] - p["low"])
    if family == "beta":
        return stats.beta(p["a"], p["b"], loc=p["low"], scale=p["high"] - p["low"])
    if family == "truncnorm":
        a = (p["low"] - p["mean"]) / p["sd"]
        b = (p["high"] - p["mean"]) / p["sd"]
        # an end so far out that no mass lies beyond it (e.g. at 1e308) is
        # no limit: scipy would overflow squaring it
        a = -math.inf if a < -_NO_MASS_Z else a
        b = math.inf if b > _NO_MASS_Z else b
        return stats.truncnorm(a, b, loc=p["mean"], scale=p["sd"])
    if family == "lognorm":
        return stats.lognorm(p["sigma"], scale=p["median"])
    if family == "triang":
        width = p["high"] - p["low"]
        return stats.triang((p["mode"] - p["low"]) / width, loc=p["low"], scale=width)
    if family == "discrete":
        return stats.rv_discrete(values=(p["values"], p["probabilities"]))
    return stats.rv_discrete(values=((p["value"],), (1.0,)))
