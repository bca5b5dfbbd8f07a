"""The points of a sweep: full-factorial grids, random or Latin-hypercube samples,
and explicit point sets.

:func:`make_design` checks a sweep's parameter names and values against the
scenario (before any work) and lays out every point's values, one flat
array per parameter, in a :class:`Design`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    ProblemTooLargeError,
)
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps.result import _short

__all__ = ["DEFAULT_MAX_POINTS", "DESIGNS", "Design", "make_design"]

#: Default budget of points of one sweep (``sweep(..., max_points=)``): the
#: result takes about 50 bytes per point with two swept parameters and three
#: agents, so the default allows a result of a few GB.
DEFAULT_MAX_POINTS: Final = 50_000_000

#: The kinds of design :func:`make_design` lays out.
DESIGNS: Final = ("grid", "random", "lhs", "points")


@dataclass(frozen=True, slots=True, eq=False)
class Design:
    """The points of a sweep.

    Attributes
    ----------
    kind : {"grid", "random", "lhs", "points"}
    names : tuple of str
        The swept parameters (dotted names), in the order given.
    axes : dict of str to ndarray
        Grid designs: the values of each parameter (one axis each).
        Sampled designs and explicit points: empty.
    points : dict of str to ndarray
        Every point's value of each parameter, flattened (grids in C order:
        the last parameter varies fastest).
    shape : tuple of int
        The grid shape, or ``(samples,)`` (``(m,)`` for ``m`` explicit points).
    seed : int or None
        The integer seed of a sampled design, if one was given.
    ranges : dict of str to (float, float)
        Sampled designs: the ``(low, high)`` range each parameter was drawn
        from (with the kind and the seed, enough to draw the sample again).
        Grids and explicit points: empty.
    """

    kind: str
    names: tuple[str, ...]
    axes: dict[str, NDArray[Any]]
    points: dict[str, NDArray[Any]]
    shape: tuple[int, ...]
    seed: int | None = None
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)


def make_design(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    *,
    kind: Literal["grid", "random", "lhs", "points"] = "grid",
    samples: int | None = None,
    rng: np.random.Generator | int | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> Design:
    """Check the parameters of a sweep and lay out its points.

    Parameters
    ----------
    scenario : Scenario
    grid : mapping of str to array_like
        Dotted parameter names to the values of a full-factorial grid
        (``kind="grid"``), to ``(low, high)`` ranges (``"random"``,
        ``"lhs"``; integer parameters are drawn from the integers of the
        closed range), or to the values at ``m`` explicit points, one array
        of length ``m`` per parameter (``"points"``: the ``k``-th point takes
        the ``k``-th value of every array, no grid product; a Saltelli matrix
        of a sensitivity analysis, say).  At explicit points, an integer
        parameter's values must be whole numbers (floats such as ``2.0`` are
        taken as the integers they equal).
    kind : {"grid", "random", "lhs", "points"}
    samples : int, optional
        Number of points of a sampled design.
    rng : numpy.random.Generator or int, optional
        Randomness of sampled designs (SPEC 7).
    max_points : int
        A design of more points is refused before it is built.

    Raises
    ------
    InvalidModelError
        On unknown names, invalid values or a bad design, or two names of
        one shared parameter (aliases, see
        :meth:`kurilsim.Scenario.shared_parameters`: they are one axis).
    InvalidArgumentError
        On a bad ``rng``.
    ProblemTooLargeError
        If the design has more than ``max_points`` points.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.sweeps.design import make_design
    >>> design = make_design(kurilsim.kuril_scenario(name="s"),
    ...                      {"japan.demand": [2, 4], "russia.security_weight": [0, 1, 2]})
    >>> design.shape, design.points["japan.demand"].tolist()
    ((2, 3), [2, 2, 2, 4, 4, 4])

    Explicit points: the ``k``-th value of each array makes the ``k``-th point.

    >>> design = make_design(kurilsim.kuril_scenario(name="s"),
    ...                      {"japan.demand": [2.0, 4.0, 3.0],
    ...                       "russia.security_weight": [0.5, 1.0, 2.0]},
    ...                      kind="points")
    >>> design.shape, design.points["japan.demand"].tolist()
    ((3,), [2, 4, 3])
    """
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidModelError(
            f"grid must map parameter names to values, got {_short(grid)}"
        )
    if not isinstance(kind, str) or kind not in DESIGNS:
        raise InvalidModelError(
            f"design must be 'grid', 'random', 'lhs' or 'points', got {kind!r}"
        )
    generator = _generator(rng)
    seed = int(rng) if isinstance(rng, (int, np.integer)) else None
    names = tuple(grid)
    if kind in ("grid", "points") and samples is not None:
        raise InvalidModelError(
            f"samples= is only for design='random' or 'lhs', not {kind!r}"
        )
    if kind == "points":
        points = _explicit_points(scenario, grid, max_points)
        count = len(next(iter(points.values())))
        return Design(kind=kind, names=names, axes={}, points=points, shape=(count,),
                      seed=seed)
    if kind == "grid":
        axes = _grid_axes(scenario, grid, max_points)
        return Design(kind=kind, names=names, axes=axes, points=_grid_points(axes),
                      shape=tuple(len(axes[n]) for n in names), seed=seed)
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or (
        samples < 1
    ):
        raise InvalidModelError(
            f"design={kind!r} needs samples= a positive integer, got {samples!r}"
        )
    count = int(samples)
    _check_budget(count, f"{count:,} samples", max_points, len(names),
                  len(scenario.agents))
    points, ranges = _sample_points(scenario, grid, kind, count, generator)
    return Design(kind=kind, names=names, axes={}, points=points, shape=(count,),
                  seed=seed, ranges=ranges)


def _validate_values(scenario: Scenario, name: str, values: NDArray[Any]) -> None:
    """Check every value of one parameter at once (agent parameters vectorised)."""
    owner = scenario.agent_parameter(name)
    if owner is not None:
        if values.dtype.kind not in "iuf":
            kind = {"b": "booleans", "U": "text"}.get(values.dtype.kind, values.dtype.name)
            raise InvalidModelError(
                f"grid values of {name!r} must be numbers, got {kind} such as "
                f"{_short(np.unique(values)[:3].tolist())}"
            )
        for alias in _aliases(scenario, name):  # a shared parameter: every holder
            agent, _, parameter = alias.partition(".")
            scenario.agent(agent).coefficients({parameter: values})
        return
    distinct = np.unique(values)
    if values.dtype.kind in "iuf" and len(distinct) > 2:
        # a numeric protocol setting (objection_cost >= 0, a discount in (0, 1]):
        # its valid values form an interval, so the scenario checked at the
        # smallest and the largest value (NaN sorts last) checks every value,
        # without one rebuilt scenario per value (each draw of a sample is a
        # value of its own)
        distinct = distinct[[0, -1]]
    for value in distinct:
        scenario.with_params({name: value.item()})


def _as_values(name: str, values: object) -> NDArray[Any]:
    """The 1-D array of values of one grid entry (numbers, booleans or text)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        values = [values]
    try:
        array = np.asarray(values)
    except (TypeError, ValueError, OverflowError):  # ragged and the like
        array = np.asarray(None)
    if array.ndim != 1 or array.size == 0 or array.dtype.kind not in "biufU":
        raise InvalidModelError(
            f"grid values of {name!r} must be a non-empty 1-D sequence of numbers, "
            f"booleans or strings, got {_short(values)}"
        )
    return array


def _check_budget(total: int, what: str, max_points: int, n_values: int,
                  n_agents: int) -> None:
    """Refuse a sweep of more than ``max_points`` points before allocating it."""
    if total > max_points:
        gib = total * (8 * n_values + 16 + 8 * n_agents) / 2**30
        raise ProblemTooLargeError(
            f"the sweep has {total:,} points ({what}), more than max_points="
            f"{max_points:,}; its result alone would take about {gib:,.1f} GiB; "
            f"pass sweep(..., max_points={total}) to allow it"
        )


def _aliases(scenario: Scenario, name: str) -> tuple[str, ...]:
    """Every holder's name of the parameter ``name`` (itself unless shared)."""
    return scenario.shared_parameters().get(scenario.canonical_name(name), (name,))


def _check_no_aliases(scenario: Scenario, names: Iterable[str]) -> None:
    """Refuse two names of one shared parameter (they would be one axis)."""
    seen: dict[str, str] = {}
    for name in names:
        canonical = scenario.canonical_name(name)
        if canonical in seen:
            raise InvalidModelError(
                f"the sweep names {seen[canonical]!r} and {name!r}, which are one "
                f"shared parameter (aliases of {canonical!r}: setting either sets "
                "both); sweep it under one name"
            )
        seen[canonical] = name


def _grid_axes(
    scenario: Scenario, grid: Mapping[str, ArrayLike], max_points: int
) -> dict[str, NDArray[Any]]:
    scenario.check_parameter_names(grid)
    _check_no_aliases(scenario, grid)
    arrays = {name: _as_values(name, values) for name, values in grid.items()}
    total = math.prod(len(a) for a in arrays.values())
    _check_budget(
        total, " x ".join(str(len(a)) for a in arrays.values()), max_points,
        len(arrays), len(scenario.agents),
    )
    axes: dict[str, NDArray[Any]] = {}
    for name, array in arrays.items():
        _validate_values(scenario, name, array)
        axes[name] = readonly(array.copy())
    return axes


def _explicit_points(
    scenario: Scenario, grid: Mapping[str, ArrayLike], max_points: int
) -> dict[str, NDArray[Any]]:
    """The columns of an explicit point set, checked: one array of one length
    per parameter (integer parameters as integers)."""
    scenario.check_parameter_names(grid)
    _check_no_aliases(scenario, grid)
    arrays = {name: _as_values(name, values) for name, values in grid.items()}
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise InvalidModelError(
            "for design='points', every parameter needs one value per point (arrays "
            f"of one length), got the lengths {lengths}"
        )
    count = next(iter(lengths.values()))
    _check_budget(count, f"{count:,} explicit points", max_points, len(arrays),
                  len(scenario.agents))
    current = scenario.parameters()
    points: dict[str, NDArray[Any]] = {}
    for name, array in arrays.items():
        if _is_integer(current[name]) and array.dtype.kind == "f":
            whole = np.isfinite(array) & (array == np.round(array))
            if not whole.all():
                raise InvalidModelError(
                    f"{name} is an integer parameter, but design='points' gives it "
                    f"the value {array[~whole][0].item()!r}"
                )
            array = array.astype(np.int64)
        points[name] = readonly(array.copy())
    # agent parameters: one vectorised check per agent (all its columns at once)
    per_agent: dict[str, dict[str, NDArray[Any]]] = {}
    for name, array in points.items():
        owner = scenario.agent_parameter(name)
        if owner is None or array.dtype.kind not in "iuf":
            _validate_values(scenario, name, array)  # names what is wrong
        else:
            for alias in _aliases(scenario, name):  # a shared one: every holder
                agent, _, parameter = alias.partition(".")
                per_agent.setdefault(agent, {})[parameter] = array
    for agent, columns in per_agent.items():
        scenario.agent(agent).coefficients(columns)
    return points


def _grid_points(axes: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """Every point's values in C order (the last parameter varies fastest),
    built without index arrays: one ``total``-long array per parameter."""
    shape = [len(values) for values in axes.values()]
    total = math.prod(shape)
    points: dict[str, NDArray[Any]] = {}
    inner, outer = total, 1
    for (name, values), n in zip(axes.items(), shape, strict=True):
        inner //= n
        points[name] = readonly(np.tile(np.repeat(values, inner), outer))
        outer *= n
    return points


def _sample_points(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    design: str,
    samples: int,
    rng: np.random.Generator,
) -> tuple[dict[str, NDArray[Any]], dict[str, tuple[float, float]]]:
    """The drawn points and each parameter's checked ``(low, high)`` range."""
    scenario.check_parameter_names(grid)
    _check_no_aliases(scenario, grid)
    names = list(grid)
    current = scenario.parameters()
    bounds: dict[str, tuple[float, float]] = {}
    for name in names:
        pair = grid[name]
        try:
            array = np.asarray(pair)
        except (TypeError, ValueError, OverflowError):
            array = np.asarray(None)
        if array.shape != (2,) or array.dtype.kind not in "iuf":
            raise InvalidModelError(
                f"for design={design!r}, grid[{name!r}] must be a (low, high) pair of "
                f"numbers, got {_short(pair)}"
            )
        low, high = float(array[0]), float(array[1])
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise InvalidModelError(
                f"grid[{name!r}] must be a finite range with low <= high, got "
                f"({low}, {high})"
            )
        if _is_integer(current[name]) and math.ceil(low) > math.floor(high):
            raise InvalidModelError(
                f"grid[{name!r}] = ({low}, {high}) contains no integer, but "
                f"{name} is an integer parameter"
            )
        bounds[name] = (low, high)
    if design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), rng=rng).random(samples)
    else:
        unit = rng.random((samples, len(names)))
    points: dict[str, NDArray[Any]] = {}
    for k, name in enumerate(names):
        low, high = bounds[name]
        if _is_integer(current[name]):
            # uniform over the integers of [low, high]
            first, last = math.ceil(low), math.floor(high)
            values: NDArray[Any] = first + np.floor(
                unit[:, k] * (last - first + 1)
            ).astype(np.int64)
            values = np.minimum(values, last)
        else:
            values = low + unit[:, k] * (high - low)
            values = np.clip(values, low, high)
        _validate_values(scenario, name, values)
        points[name] = readonly(values)
    return points, bounds


def _is_integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _generator(rng: object) -> np.random.Generator:
    """``np.random.default_rng(rng)`` for the seeds SPEC 7 allows, else an error
    naming the argument."""
    if isinstance(rng, bool) or not (
        rng is None
        or isinstance(rng, (int, np.integer, np.random.Generator,
                            np.random.SeedSequence, np.random.BitGenerator))
    ):
        raise InvalidArgumentError(
            "rng must be None, a non-negative integer seed or a "
            f"numpy.random.Generator, got {_short(rng)}"
        )
    try:
        return np.random.default_rng(rng)
    except ValueError as error:  # negative seeds
        raise InvalidArgumentError(f"rng={rng!r} is not a valid seed: {error}") from None
