"""Parameter sweeps: a scenario solved over grids or samples of its parameters.

:func:`sweep` evaluates a solution concept at every point of a full-factorial
grid (or of a random / Latin-hypercube sample) of dotted scenario parameters.
Points are processed in chunks; each chunk runs either on the *fast path*
(whole chunk at once: utilities as one matrix product, backward induction by
array operations) or point by point, serially, on a process pool of its own
(``workers=``) or through any :class:`concurrent.futures.Executor` (a Dask
cluster's ``client.get_executor()``).

With ``checkpoint=`` finished chunks are saved as plain ``.npz`` files, so an
interrupted sweep resumes where it stopped.  Checkpoints cannot lie: the
directory's manifest is created atomically and exclusively, every chunk file
records the sweep's fingerprint, its index and a SHA-256 digest of its content,
and a chunk is only reused if its fields, shapes, dtypes and values are those
the sweep itself would have written and its content matches its digest; any
other chunk is recomputed (with a warning).  A resumed sweep therefore equals
an uninterrupted one bit for bit, whatever happened to the directory short of
a deliberate forgery that recomputes the digests (a digest is a checksum, not
a signature: see :func:`sweep`).

Every file the module writes (chunks, CSV tables) goes through
:mod:`kurilsim._io`: to a temporary file beside the target, renamed into place
when complete.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import math
import multiprocessing
import numbers
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import (
    CheckpointError,
    InvalidArgumentError,
    InvalidModelError,
    KurilsimError,
    KurilsimWarning,
    OutputError,
    ProblemTooLargeError,
)
from kurilsim._io import (
    atomic_output,
    check_output_path,
    create_exclusively,
    make_directory,
)
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario

__all__ = [
    "CSV_BLOCK_SIZE",
    "DEFAULT_MAX_POINTS",
    "ERROR",
    "FAST_CONCEPTS",
    "SweepResult",
    "check_csv_path",
    "process_pool",
    "sweep",
]

#: Agreement code of a point whose solver raised (see :attr:`SweepResult.errors`).
ERROR: Final = -2

#: Concepts with a vectorised fast path.
FAST_CONCEPTS: Final = frozenset(
    {"spe", "nash-bargaining-discrete", "kalai-smorodinsky-discrete"}
)

#: Protocol settings the SPE fast path vectorises (others are grouped).
_FAST_PROTOCOL = frozenset({"protocol.objection_cost"})

#: Default points per chunk on the fast path (a few MB per array: stays in cache).
FAST_CHUNK_SIZE: Final = 32_768
#: Default points per chunk point by point.
SLOW_CHUNK_SIZE: Final = 64

#: Default budget of points of one sweep (``sweep(..., max_points=)``): the
#: result takes about 50 bytes per point with two swept parameters and three
#: agents, so the default allows a result of a few GB.
DEFAULT_MAX_POINTS: Final = 50_000_000

#: Rows formatted at a time by :meth:`SweepResult.to_csv` (bounds its memory).
CSV_BLOCK_SIZE: Final = 65_536

#: Version of the checkpoint files (manifest and chunks).  3: chunks carry a
#: content digest, the manifest a summary of each axis.
_CHECKPOINT_FORMAT = 3
_MANIFEST = "manifest.json"
#: The arrays of a chunk file covered by its digest, in the order they are hashed.
_DIGESTED_FIELDS: Final = (
    "format", "agreement", "probability", "utilities", "error_offsets", "error_messages"
)
#: The fields of a chunk file, no more, no fewer.
_CHUNK_FIELDS = frozenset({*_DIGESTED_FIELDS, "fingerprint", "index", "digest"})
#: Seconds between two checks, in a pool's worker, that the sweep still runs.
_WATCH_INTERVAL = 0.25

#: First characters that make a spreadsheet read a text cell as a formula
#: (OWASP, "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _version() -> str:
    from kurilsim import __version__

    return __version__


# -- the result -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class SweepResult:
    """The outcome of a scenario at every point of a parameter sweep.

    Attributes
    ----------
    scenario : Scenario
        The base scenario (parameters not swept keep its values).
    concept : str
    design : {"grid", "random", "lhs"}
    axes : dict of str to ndarray
        Grid designs: the values of each swept parameter (one axis each, in
        grid order).  Sampled designs: empty.
    points : dict of str to ndarray
        The parameter values of every point, flattened (length ``size``).
    shape : tuple of int
        The grid shape, or ``(n_samples,)``.
    agreement : ndarray of int
        Agreement index reached at each point (shape ``shape``), ``NO_DEAL``
        (-1) for no deal, ``ERROR`` (-2) where the solver raised.
    probability : ndarray
        Probability of an agreement at each point.
    utilities : ndarray
        ``shape + (n_agents,)``: each agent's (expected) utility.
    errors : dict of int to str
        Flat point index to error message, for points that raised.
    metadata : dict
        kurilsim version, scenario name, concept, design, seed, chunk size,
        workers, timings (seconds) and throughput.
    """

    scenario: Scenario
    concept: str
    design: str
    axes: dict[str, NDArray[Any]]
    points: dict[str, NDArray[Any]]
    shape: tuple[int, ...]
    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    errors: dict[int, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    @property
    def agents(self) -> tuple[str, ...]:
        """Agent names (the last axis of :attr:`utilities`)."""
        return self.scenario.agent_names

    def label(self, index: int) -> str:
        """Readable name of an agreement code (index, ``NO_DEAL`` or ``ERROR``)."""
        if index == NO_DEAL:
            return "no deal"
        if index == ERROR:
            return "error"
        return str(self.scenario.space[int(index)])

    def outcome_shares(self) -> dict[str, float]:
        """Share of points at which each outcome occurs (most frequent first).

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> result = kurilsim.sweep(kurilsim.Scenario(name="s"),
        ...                         {"russia.security_weight": np.linspace(0, 3, 4)},
        ...                         progress=False)
        >>> round(sum(result.outcome_shares().values()), 12)
        1.0
        """
        codes, counts = np.unique(self.agreement, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return {
            self.label(int(codes[k])): float(counts[k]) / self.size for k in order
        }

    def sel(self, selection: Mapping[str, Any]) -> SweepResult:
        """The sub-sweep at given values of some grid axes (those axes dropped).

        Values must be on the grid (matched within 1e-12 relative).

        Raises
        ------
        InvalidModelError
            For sampled designs, unknown axes or off-grid values.
        """
        if self.design != "grid":
            raise InvalidModelError("sel() needs a grid design; filter .points instead")
        if not isinstance(selection, Mapping):
            raise InvalidArgumentError(
                f"selection must map axis names to values, got {selection!r}"
            )
        index: list[Any] = [slice(None)] * len(self.shape)
        names = list(self.axes)
        for name, value in selection.items():
            if name not in self.axes:
                raise InvalidModelError(
                    f"no axis {name!r} in this sweep; axes are {names}"
                )
            axis_values = self.axes[name]
            if np.issubdtype(axis_values.dtype, np.number):
                try:
                    wanted = float(value)
                except (TypeError, ValueError):
                    raise InvalidModelError(
                        f"{name}={value!r} is not a number; values are "
                        f"{axis_values.tolist()}"
                    ) from None
                found = np.isclose(axis_values.astype(float), wanted, rtol=1e-12, atol=0)
            else:
                found = axis_values == value
            matches = np.flatnonzero(found)
            if len(matches) == 0:
                raise InvalidModelError(
                    f"{name}={value!r} is not on the grid; values are "
                    f"{axis_values.tolist()}"
                )
            index[names.index(name)] = int(matches[0])
        keep = [n for n in names if n not in selection]
        flat = np.arange(self.size).reshape(self.shape)[tuple(index)]
        shape = flat.shape
        flat = flat.ravel()
        return SweepResult(
            scenario=self.scenario,
            concept=self.concept,
            design=self.design,
            axes={n: self.axes[n] for n in keep},
            points={n: readonly(v[flat]) for n, v in self.points.items() if n in keep},
            shape=tuple(shape),
            agreement=readonly(self.agreement.ravel()[flat].reshape(shape)),
            probability=readonly(self.probability.ravel()[flat].reshape(shape)),
            utilities=readonly(
                self.utilities.reshape(self.size, -1)[flat].reshape(
                    (*shape, len(self.agents))
                )
            ),
            errors=self._errors_within(flat),
            metadata={**self.metadata, "selection": dict(selection)},
        )

    def _errors_within(self, flat: NDArray[np.intp]) -> dict[int, str]:
        """The errors at the points ``flat`` (increasing), keyed by new position."""
        found: dict[int, str] = {}
        for old, message in self.errors.items():
            k = int(np.searchsorted(flat, old))
            if k < len(flat) and flat[k] == old:
                found[k] = message
        return found

    def column_names(self) -> list[str]:
        """Names of the columns of :meth:`columns`, :meth:`to_csv` and the rest."""
        return [
            *self.points, "agreement", "outcome", "probability",
            *(f"utility.{name}" for name in self.agents),
        ]

    def columns(self) -> dict[str, NDArray[Any]]:
        """Flat columns: parameters, agreement, its label, probability, utilities."""
        data: dict[str, NDArray[Any]] = dict(self.points)
        codes = self.agreement.ravel()
        data["agreement"] = codes
        codes_seen, position = np.unique(codes, return_inverse=True)
        labels = np.array([self.label(int(c)) for c in codes_seen], dtype=str)
        data["outcome"] = labels[position.ravel()]
        data["probability"] = self.probability.ravel()
        flat = self.utilities.reshape(self.size, -1)
        for k, name in enumerate(self.agents):
            data[f"utility.{name}"] = flat[:, k]
        return data

    def to_numpy(self) -> NDArray[Any]:
        """A structured array with one record per point (see :meth:`columns`)."""
        data = self.columns()
        dtype = [(name, values.dtype) for name, values in data.items()]
        records = np.empty(self.size, dtype=dtype)
        for name, values in data.items():
            records[name] = values
        return records

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per point (needs the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "SweepResult.to_pandas needs pandas: pip install 'kurilsim[pandas]'"
            ) from None
        return pd.DataFrame(self.columns())

    def to_csv(
        self, path: str | os.PathLike[str], *, block_size: int = CSV_BLOCK_SIZE
    ) -> Path:
        """Write one row per point to a CSV file (no pandas needed).

        The columns are those of :meth:`columns`.  Numbers are written in
        their shortest round-trip form (``float(cell)`` gives back the very
        value); text cells that a spreadsheet would read as a formula (first
        character ``= + - @``, tab or carriage return) are prefixed with a
        single quote.  Rows are formatted ``block_size`` at a time, so the
        memory needed is that of one block whatever the size of the sweep.
        The table is written to a temporary file beside ``path`` and renamed
        onto it once complete: on failure an earlier file at ``path`` is left
        untouched.

        Parameters
        ----------
        path : str or path
            The CSV file (its directory must exist).
        block_size : int
            Rows formatted at a time (default :data:`CSV_BLOCK_SIZE`).

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        InvalidArgumentError
            If ``path`` is not a path (``str`` or :class:`os.PathLike`) or
            ``block_size`` not a positive integer.
        OutputError
            If the file cannot be written (directory missing or not writable,
            disk full, out of memory), naming it; an earlier file is unchanged.

        Examples
        --------
        >>> import csv, pathlib, tempfile, kurilsim
        >>> result = kurilsim.sweep(kurilsim.Scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 0.1, 3.0]},
        ...                         progress=False)
        >>> path = result.to_csv(pathlib.Path(tempfile.mkdtemp()) / "sweep.csv")
        >>> rows = list(csv.reader(path.read_text().splitlines()))
        >>> rows[0][:3]
        ['russia.security_weight', 'agreement', 'outcome']
        >>> [row[0] for row in rows[1:]]
        ['0.0', '0.1', '3.0']
        >>> result.to_csv(5)
        Traceback (most recent call last):
        ...
        kurilsim._errors.InvalidArgumentError: path must be a file path (str or os.PathLike), got 5 (int)
        """
        _check_path("path", path)
        if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
            raise InvalidArgumentError(
                f"block_size must be a positive integer, got {block_size!r}"
            )
        target = check_output_path(path, what="CSV file")
        labels: dict[int, str] = {}
        try:
            with atomic_output(target, "w", newline="") as stream:
                stream.write(",".join(map(_text_cell, self.column_names())) + "\r\n")
                for start in range(0, self.size, block_size):
                    stream.write(
                        _csv_block(self, start, min(start + block_size, self.size), labels)
                    )
        except MemoryError:
            raise OutputError(
                f"cannot write {target}: out of memory while formatting rows (try a "
                "smaller block_size); any earlier file there is unchanged"
            ) from None
        return target

    def __repr__(self) -> str:
        axes = ", ".join(f"{n}[{len(v)}]" for n, v in self.axes.items()) or (
            f"{self.size} samples of {', '.join(self.points)}"
        )
        return (
            f"SweepResult(scenario={self.scenario.name!r}, concept={self.concept!r}, "
            f"{axes}; {len(self.errors)} errors)"
        )


# -- CSV output ---------------------------------------------------------------------
def check_csv_path(path: str | os.PathLike[str]) -> Path:
    """Check, before a sweep starts, that its CSV table can be written to ``path``.

    The name must end in ``.csv`` and its directory must exist and be writable.

    Raises
    ------
    InvalidArgumentError
        If ``path`` is not a path (``str`` or :class:`os.PathLike`).
    OutputError
        Naming the path and what is wrong with it.

    Examples
    --------
    >>> from kurilsim.sweeps import check_csv_path
    >>> check_csv_path("sweep.csv").name
    'sweep.csv'
    >>> check_csv_path("sweep.png")
    Traceback (most recent call last):
    ...
    kurilsim._errors.OutputError: CSV file sweep.png: expected a file name ending in .csv, got '.png'
    """
    _check_path("path", path)
    return check_output_path(path, suffixes=(".csv",), what="CSV file")


def _check_path(name: str, value: object) -> None:
    """An error naming ``name`` and ``value`` unless it is a text file path."""
    try:
        text = os.fspath(value)  # type: ignore[call-overload]
    except TypeError:
        text = None
    if not isinstance(text, str):
        raise InvalidArgumentError(
            f"{name} must be a file path (str or os.PathLike), got {_short(value)} "
            f"({type(value).__name__})"
        )


def _text_cell(text: str) -> str:
    """A CSV text cell: formula starts get a ``'`` (so that no spreadsheet
    evaluates it), then RFC 4180 quoting where needed."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _cells(values: NDArray[Any]) -> NDArray[np.object_]:
    """The CSV cells of one column block, as an object array of str.

    Each distinct value is formatted once: numbers by ``repr`` (the shortest
    text that reads back as the same float), text by :func:`_text_cell`.
    Floats are told apart by their bits, so that ``-0.0`` stays ``-0.0``.
    """
    if values.dtype.kind == "f":
        bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
        distinct, position = np.unique(bits, return_inverse=True)
        text = list(map(repr, distinct.view(np.float64).tolist()))
    else:
        distinct, position = np.unique(values, return_inverse=True)
        if values.dtype.kind in "biu":
            text = list(map(str, distinct.tolist()))
        else:
            text = [_text_cell(str(v)) for v in distinct.tolist()]
    cells = np.empty(len(text), dtype=object)
    cells[:] = text
    return cells[position.reshape(-1)]


def _csv_block(result: SweepResult, start: int, stop: int, labels: dict[int, str]) -> str:
    """The CSV rows of points ``start:stop``, each ending in CRLF.

    ``labels`` caches the outcome cell of each agreement code across blocks.
    """
    columns = [_cells(values[start:stop]) for values in result.points.values()]
    codes = result.agreement.reshape(-1)[start:stop]
    columns.append(_cells(codes))
    distinct, position = np.unique(codes, return_inverse=True)
    for code in distinct.tolist():
        if code not in labels:
            labels[code] = _text_cell(result.label(code))
    outcome = np.empty(len(distinct), dtype=object)
    outcome[:] = [labels[c] for c in distinct.tolist()]
    columns.append(outcome[position.reshape(-1)])
    columns.append(_cells(result.probability.reshape(-1)[start:stop]))
    flat = result.utilities.reshape(result.size, -1)[start:stop]
    columns.extend(_cells(flat[:, k]) for k in range(flat.shape[1]))
    rows = map(",".join, zip(*(column.tolist() for column in columns), strict=True))
    return "\r\n".join(rows) + "\r\n"


# -- designs -----------------------------------------------------------------------
def _validate_values(scenario: Scenario, name: str, values: NDArray[Any]) -> None:
    """Check every value of one parameter at once (agent parameters vectorised)."""
    owner, _, parameter = name.partition(".")
    if owner != "protocol":
        if values.dtype.kind not in "iuf":
            kind = {"b": "booleans", "U": "text"}.get(values.dtype.kind, values.dtype.name)
            raise InvalidModelError(
                f"grid values of {name!r} must be numbers, got {kind} such as "
                f"{_short(np.unique(values)[:3].tolist())}"
            )
        scenario.agent(owner).coefficients({parameter: values})
        return
    for value in np.unique(values):
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


def _short(value: object) -> str:
    import reprlib

    return reprlib.repr(value)


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


def _grid_axes(
    scenario: Scenario, grid: Mapping[str, ArrayLike], max_points: int
) -> dict[str, NDArray[Any]]:
    scenario.check_parameter_names(grid)
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
) -> dict[str, NDArray[Any]]:
    scenario.check_parameter_names(grid)
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
    return points


def _is_integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# -- evaluation of one chunk -----------------------------------------------------------
class _NotFinite(Exception):
    """Some points of a fast chunk have non-finite utilities (``finite`` is False)."""

    def __init__(self, finite: NDArray[np.bool_]) -> None:
        super().__init__("non-finite utilities")
        self.finite = finite


@dataclass(frozen=True, slots=True)
class _Chunk:
    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    errors: dict[int, str]  # offset within the chunk -> message


def _solve_point(scenario: Scenario, concept: str, params: dict[str, Any]
                 ) -> tuple[int, float, NDArray[np.float64]]:
    from kurilsim.analysis import solve_scenario

    outcome = solve_scenario(scenario.with_params(params), concept)
    code = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
    if outcome.probability == 0:
        code = NO_DEAL
    return code, outcome.probability, np.asarray(outcome.utilities)


def _per_point(scenario: Scenario, concept: str, names: Sequence[str],
               values: Sequence[NDArray[Any]]) -> _Chunk:
    m = len(values[0]) if values else 1
    agreement = np.empty(m, dtype=np.intp)
    probability = np.empty(m)
    utilities = np.empty((m, len(scenario.agents)))
    errors: dict[int, str] = {}
    for k in range(m):
        params = {name: column[k].item() for name, column in zip(names, values, strict=True)}
        try:
            agreement[k], probability[k], utilities[k] = _solve_point(
                scenario, concept, params
            )
        except Exception as error:  # noqa: BLE001 - recorded, the sweep goes on
            agreement[k], probability[k], utilities[k] = ERROR, np.nan, np.nan
            errors[k] = f"{type(error).__name__}: {error}"
    return _Chunk(agreement, probability, utilities, errors)


def _fast_chunk(
    scenario: Scenario, concept: str, swept: Mapping[str, NDArray[Any]], m: int
) -> _Chunk:
    """A fast concept at ``m`` points at once: one matrix product per agent
    (utilities laid out outcome x point), then the concept's array kernel."""
    per_agent: dict[str, dict[str, NDArray[Any]]] = {}
    for name, column in swept.items():
        if name != "protocol.objection_cost":
            owner, _, parameter = name.partition(".")
            per_agent.setdefault(owner, {})[parameter] = column
    with np.errstate(over="ignore", invalid="ignore"):
        rows = [
            _utility_rows(agent, scenario.terms_of(agent.name), per_agent.get(agent.name), m)
            for agent in scenario.agents
        ]
        # a point whose utilities overflow is an error point by point (the
        # scenario refuses non-finite utilities): leave it to that path.  A sum
        # is finite only if every term is; one that overflows although its
        # terms do not just sends a valid point the slow way.
        finite = np.ones(m, dtype=bool)
        for row in rows:
            finite &= np.isfinite(row.sum(axis=0))
    if not finite.all():
        raise _NotFinite(finite)
    protocol = scenario.protocol
    agent_names = scenario.agent_names
    proposer = rows[agent_names.index(protocol.proposer)]
    responder = rows[agent_names.index(protocol.responder)]
    n = len(scenario.space)
    if concept == "spe":
        from kurilsim.games.negotiation import objectionable
        from kurilsim.solvers.proposal import spe_kernel

        cost = np.broadcast_to(
            np.asarray(swept.get("protocol.objection_cost", protocol.objection_cost),
                       dtype=np.float64),
            (m,),
        )
        bad = ~np.isfinite(cost) | (cost < 0)
        if np.any(bad):
            raise InvalidModelError(
                "protocol.objection_cost must be finite and >= 0, got "
                f"{cost[bad][0].item()!r}"
            )
        column_index = spe_kernel(
            proposer,
            responder,
            rows[agent_names.index(protocol.objector)] if protocol.objector else None,
            objectionable(scenario),
            cost,
            objection_blocks=protocol.objection_blocks,
            tol=1e-12,
        )
    else:
        from kurilsim.solvers.bargaining.discrete import discrete_bargaining_kernel

        index = discrete_bargaining_kernel(
            proposer,
            responder,
            rule="nash" if concept.startswith("nash") else "kalai-smorodinsky",
        )
        column_index = np.where(index >= 0, index, n)
    points = np.arange(m)
    utilities = np.stack([row[column_index, points] for row in rows], axis=-1)
    agreement = np.where(column_index < n, column_index, NO_DEAL).astype(np.intp)
    return _Chunk(agreement, (agreement != NO_DEAL).astype(np.float64), utilities, {})


def _utility_rows(agent: Any, terms: NDArray[np.float64],
                  overrides: Mapping[str, NDArray[Any]] | None, m: int
                  ) -> NDArray[np.float64]:
    """Outcome x point utilities of one agent: the terms whose coefficient does
    not depend on the swept parameters add up to one vector; only the others
    are multiplied per point."""
    if hasattr(agent, "coefficient_columns"):
        columns = agent.coefficient_columns(overrides)
    else:  # a user agent implementing only the Agent protocol
        stacked = agent.coefficients(overrides)
        columns = tuple(stacked[..., k] for k in range(stacked.shape[-1]))
    fixed = [k for k, c in enumerate(columns) if c.ndim == 0]
    varying = [k for k, c in enumerate(columns) if c.ndim > 0]
    base = terms[:, fixed] @ np.array([columns[k] for k in fixed]) if fixed else (
        np.zeros(terms.shape[0])
    )
    if not varying:
        return np.broadcast_to(base[:, None], (terms.shape[0], m))
    block = np.empty((len(varying), m))
    for row, k in enumerate(varying):
        block[row] = columns[k]
    table = terms[:, varying] @ block
    table += base[:, None]
    return table


def _fast_vectorisable(name: str, concept: str) -> bool:
    """Whether the fast path takes arrays of ``name`` (else it groups points by
    its value and rebuilds the scenario per group): agent parameters always,
    protocol settings only the SPE's objection cost."""
    if name.startswith("protocol."):
        return concept == "spe" and name in _FAST_PROTOCOL
    return True


def _evaluate_chunk(
    scenario: Scenario,
    concept: str,
    names: Sequence[str],
    values: Sequence[NDArray[Any]],
    fast: bool,
) -> _Chunk:
    """Evaluate one chunk of points (runs in workers: module-level, picklable)."""
    if not (fast and concept in FAST_CONCEPTS and names):
        return _per_point(scenario, concept, names, values)
    m = len(values[0])
    grouped = [n for n in names if not _fast_vectorisable(n, concept)]
    vector = [n for n in names if _fast_vectorisable(n, concept)]
    column = dict(zip(names, values, strict=True))
    agreement = np.empty(m, dtype=np.intp)
    probability = np.empty(m)
    utilities = np.empty((m, len(scenario.agents)))
    errors: dict[int, str] = {}
    if grouped:
        keys = np.stack([np.asarray(column[n]).astype(str) for n in grouped], axis=1)
        _, group_of = np.unique(keys, axis=0, return_inverse=True)
        group_of = group_of.ravel()
    else:
        group_of = np.zeros(m, dtype=np.intp)
    for group in np.unique(group_of):
        rows = np.flatnonzero(group_of == group)
        first = int(rows[0])
        try:
            base = scenario.with_params({n: column[n][first].item() for n in grouped})
            swept = {n: column[n][rows] for n in vector}
            part = _fast_chunk(base, concept, swept, len(rows))
        except _NotFinite as overflow:
            # the points that overflow go point by point, which records the error
            good, bad = rows[overflow.finite], rows[~overflow.finite]
            try:
                if len(good):
                    fine = _fast_chunk(
                        base, concept, {n: column[n][good] for n in vector}, len(good)
                    )
                    _place(fine, good, agreement, probability, utilities, errors)
            except (KurilsimError, _NotFinite):
                bad = rows
            rows = bad
            part = _per_point(scenario, concept, names, [v[bad] for v in values])
        except KurilsimError:
            # some point is invalid: fall back to per-point so each error is recorded
            part = _per_point(scenario, concept, names, [v[rows] for v in values])
        _place(part, rows, agreement, probability, utilities, errors)
    return _Chunk(agreement, probability, utilities, errors)


def _place(part: _Chunk, rows: NDArray[np.intp], agreement: NDArray[np.intp],
           probability: NDArray[np.float64], utilities: NDArray[np.float64],
           errors: dict[int, str]) -> None:
    """Copy the results of the points ``rows`` of a chunk into its arrays."""
    agreement[rows] = part.agreement
    probability[rows] = part.probability
    utilities[rows] = part.utilities
    errors.update({int(rows[k]): message for k, message in part.errors.items()})




# -- checkpoints ----------------------------------------------------------------------
def _manifest(scenario: Scenario, concept: str, design: str, fast: bool,
              names: Sequence[str], axes: Mapping[str, NDArray[Any]],
              points: Mapping[str, NDArray[Any]], chunk_size: int) -> dict[str, Any]:
    """What identifies a sweep: everything its results depend on."""
    try:
        scenario_data = scenario.to_dict()
    except KurilsimError as error:
        raise InvalidModelError(
            f"checkpointing needs a scenario that can be saved to TOML: {error}"
        ) from None
    digest = hashlib.sha256()
    summaries = []
    for name in names:
        source = np.ascontiguousarray(axes[name] if axes else points[name])
        alone = hashlib.sha256()
        for part in (name, str(source.dtype), str(source.shape)):
            digest.update(part.encode())
            digest.update(b"\0")
            alone.update(part.encode())
            alone.update(b"\0")
        digest.update(source.tobytes())
        alone.update(source.tobytes())
        summaries.append({
            "name": name,
            "length": int(source.size),
            "first": repr(source[0].item()) if source.size else None,
            "last": repr(source[-1].item()) if source.size else None,
            "sha256": alone.hexdigest(),
        })
    return {
        "format": _CHECKPOINT_FORMAT,
        "kurilsim": _version(),
        "scenario": hashlib.sha256(
            json.dumps(scenario_data, sort_keys=True).encode()
        ).hexdigest(),
        "scenario_name": scenario.name,
        "concept": concept,
        "design": design,
        "fast": fast,
        "parameters": list(names),
        "grid": digest.hexdigest(),
        # what the grid hash covers, axis by axis (sampled designs: the sample's
        # columns), so that a refusal can say which axis differs
        "axes": summaries,
        "chunk_size": chunk_size,
    }


def _axes_difference(stored: object, mine: Sequence[Mapping[str, Any]]) -> str | None:
    """Which axes differ between a stored manifest's ``axes`` and this sweep's,
    in words; ``None`` if the stored entry is not a list of axis summaries."""
    keys = {"name", "length", "first", "last", "sha256"}
    if not (isinstance(stored, list) and all(
        isinstance(a, dict) and set(a) == keys and isinstance(a["name"], str)
        for a in stored
    )):
        return None
    theirs = {a["name"]: a for a in stored}
    ours = {a["name"]: a for a in mine}

    def values(axis: Mapping[str, Any]) -> str:
        return f"{axis['length']} values {axis['first']} to {axis['last']}"

    parts = []
    for name in [*ours, *(n for n in theirs if n not in ours)]:
        if name not in theirs:
            parts.append(f"axis {name} only in this sweep")
        elif name not in ours:
            parts.append(f"axis {name} only in the checkpoint")
        elif theirs[name] != ours[name]:
            a, b = theirs[name], ours[name]
            if all(a[k] == b[k] for k in ("length", "first", "last")):
                parts.append(f"axis {name}: both have {values(a)}, but the values "
                             "in between or their dtype differ")
            else:
                parts.append(
                    f"axis {name}: checkpoint has {values(a)}, this sweep {values(b)}"
                )
    return ", ".join(parts) if parts else None


def _fingerprint(manifest: Mapping[str, Any]) -> str:
    """The hash of a manifest's content, recorded in it and in every chunk."""
    text = json.dumps(dict(manifest), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _open_checkpoint(folder: Path, manifest: dict[str, Any]) -> str:
    """Claim ``folder`` for the sweep described by ``manifest``; its fingerprint.

    The manifest is created exclusively (a hard link of a complete temporary
    file, which fails if the name exists), so of two sweeps started at once on
    one directory exactly one creates it and the other compares against it.
    """
    fingerprint = _fingerprint(manifest)
    make_directory(folder, what="checkpoint", error=CheckpointError)
    path = folder / _MANIFEST
    content = json.dumps({**manifest, "fingerprint": fingerprint}, indent=2).encode()
    if not path.exists():
        if any(folder.glob("chunk-*.npz")):
            raise CheckpointError(
                f"checkpoint {folder} holds chunk files but no {_MANIFEST}, so nothing "
                "says which sweep they belong to; use another directory or delete them"
            )
        if _create_exclusively(path, content):
            return fingerprint
    stored = _read_manifest(folder, path)
    different = sorted(
        k for k in {*manifest, *stored} - {"fingerprint"} if stored.get(k) != manifest.get(k)
    )
    if different:
        described = {
            k: f"{k}: checkpoint has {stored.get(k)!r}, this sweep {manifest.get(k)!r}"
            for k in different
        }
        if "axes" in described:  # said axis by axis, not as a list of summaries
            axes = _axes_difference(stored.get("axes"), manifest["axes"])
            del described["axes"]
            if axes is not None:
                described["grid"] = f"grid: {axes}"
        details = "; ".join(described.values())
        raise CheckpointError(
            f"checkpoint {folder} belongs to a different sweep ({details}); use "
            "another directory or delete it"
        )
    if stored.get("fingerprint") != fingerprint:
        raise CheckpointError(
            f"checkpoint {folder}: the fingerprint in {_MANIFEST} does not match its "
            "content (edited by hand?); use another directory or delete it"
        )
    return fingerprint


def _create_exclusively(path: Path, content: bytes) -> bool:
    """Create ``path`` with ``content`` unless it exists (atomically); created?"""
    try:
        return create_exclusively(path, content)
    except OSError as error:
        raise CheckpointError(
            f"checkpoint {path.parent}: cannot write {_MANIFEST} "
            f"({error.strerror or error})"
        ) from None


def _read_manifest(folder: Path, path: Path) -> dict[str, Any]:
    """The stored manifest (retried briefly: another sweep may be writing it)."""
    problem = ""
    for attempt in range(20):
        if attempt:
            time.sleep(0.05)
        try:
            stored = json.loads(path.read_bytes())
        except OSError as error:
            problem = f"cannot read it ({error.strerror or error})"
            continue
        except ValueError as error:  # JSON and Unicode decoding errors
            problem = f"it is not valid JSON ({error})"
            continue
        if isinstance(stored, dict):
            return stored
        problem = f"it holds a JSON {type(stored).__name__}, not an object"
        break
    raise CheckpointError(
        f"checkpoint {folder}: {_MANIFEST} is unusable: {problem}; use another "
        "directory or delete it"
    )


def _chunk_file(folder: Path, index: int) -> Path:
    return folder / f"chunk-{index:07d}.npz"


def _chunk_digest(fingerprint: str, index: int, arrays: Mapping[str, NDArray[Any]]) -> str:
    """SHA-256 of a chunk's content: the sweep's fingerprint, the chunk's index and,
    for each of :data:`_DIGESTED_FIELDS` in that order, its name, dtype (with byte
    order), shape and exact bytes.

    Every part of fixed size or followed by a separator, and each array's byte
    count fixed by its dtype and shape, so no two contents hash the same text.
    A checksum against unnoticed changes, not a signature: whoever rewrites a
    chunk can recompute it.
    """
    digest = hashlib.sha256(b"kurilsim checkpoint chunk\0")
    digest.update(f"{fingerprint}\0{int(index)}\0".encode())
    for name in _DIGESTED_FIELDS:
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape!r}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _save_chunk(folder: Path, index: int, chunk: _Chunk, fingerprint: str) -> None:
    offsets = np.array(sorted(chunk.errors), dtype=np.int64)
    messages = (
        np.array([chunk.errors[int(k)] for k in offsets], dtype=str)
        if len(offsets) else np.array([], dtype="<U1")
    )
    arrays: dict[str, NDArray[Any]] = {
        "format": np.array(_CHECKPOINT_FORMAT, dtype=np.int64),
        "agreement": np.asarray(chunk.agreement, dtype=np.int64),
        "probability": np.asarray(chunk.probability, dtype=np.float64),
        "utilities": np.asarray(chunk.utilities, dtype=np.float64),
        "error_offsets": offsets,
        "error_messages": messages,
    }
    content: dict[str, Any] = {
        **arrays,
        "fingerprint": np.array(fingerprint),
        "index": np.array(index, dtype=np.int64),
        "digest": np.array(_chunk_digest(fingerprint, index, arrays)),
    }
    with atomic_output(_chunk_file(folder, index), "wb") as stream:
        np.savez(stream, **content)


class _InvalidChunk(Exception):
    """A chunk file that must not be trusted (the message says why)."""


@dataclass(frozen=True, slots=True)
class _ChunkSpec:
    """What a sweep's chunk file must hold."""

    fingerprint: str
    outcomes: int  # size of the agreement space
    agents: int


def _load_chunk(folder: Path, index: int, size: int, spec: _ChunkSpec) -> _Chunk | None:
    """The chunk ``index`` (``size`` points) if its file is there and valid.

    A file that fails any check is reported by a :class:`KurilsimWarning` and
    ``None`` returned, so that the chunk is recomputed.
    """
    file = _chunk_file(folder, index)
    if not file.exists():
        return None
    try:
        return _read_chunk(file, index, size, spec)
    except _InvalidChunk as problem:
        warnings.warn(
            f"checkpoint chunk {file} is not valid and is recomputed: {problem}",
            KurilsimWarning,
            stacklevel=3,
        )
        return None


def _read_chunk(file: Path, index: int, size: int, spec: _ChunkSpec) -> _Chunk:
    # never read or inflate more than a chunk can hold (a crafted file could)
    limit = 2**20 + size * (64 + 8 * spec.agents + 2**16)
    try:
        with open(file, "rb") as stream:
            if os.fstat(stream.fileno()).st_size > limit:
                raise _InvalidChunk("is far larger than a chunk of this sweep")
            data = _read_fields(stream, limit)
    except _InvalidChunk:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file is recomputed
        raise _InvalidChunk(f"cannot be read ({type(error).__name__}: {error})") from None
    _expect(data, "format", np.dtype(np.int64), ())
    if int(data["format"]) != _CHECKPOINT_FORMAT:
        raise _InvalidChunk(
            f"has format {int(data['format'])}, expected {_CHECKPOINT_FORMAT}"
        )
    if data["fingerprint"].dtype.kind != "U" or data["fingerprint"].shape != ():
        raise _InvalidChunk("has no valid fingerprint")
    if str(data["fingerprint"]) != spec.fingerprint:
        raise _InvalidChunk("belongs to another sweep (its fingerprint differs)")
    _expect(data, "index", np.dtype(np.int64), ())
    if int(data["index"]) != index:
        raise _InvalidChunk(f"holds chunk {int(data['index'])}, not chunk {index}")
    _expect(data, "agreement", np.dtype(np.int64), (size,))
    _expect(data, "probability", np.dtype(np.float64), (size,))
    _expect(data, "utilities", np.dtype(np.float64), (size, spec.agents))
    offsets = data["error_offsets"]
    _expect(data, "error_offsets", np.dtype(np.int64), (offsets.size,))
    messages = data["error_messages"]
    if messages.dtype.kind != "U" or messages.shape != offsets.shape:
        raise _InvalidChunk(
            f"error_messages must be {len(offsets)} strings, got dtype "
            f"{messages.dtype} and shape {messages.shape}"
        )
    if len(offsets) and (
        offsets[0] < 0 or offsets[-1] >= size or np.any(np.diff(offsets) <= 0)
    ):
        raise _InvalidChunk(f"error offsets are not increasing within [0, {size})")
    failed = np.zeros(size, dtype=bool)
    failed[offsets] = True
    agreement, probability, utilities = (
        data["agreement"], data["probability"], data["utilities"]
    )
    fine = ~failed
    codes = agreement[fine]
    if np.any(((codes < 0) | (codes >= spec.outcomes)) & (codes != NO_DEAL)):
        bad = codes[((codes < 0) | (codes >= spec.outcomes)) & (codes != NO_DEAL)][0]
        raise _InvalidChunk(
            f"agreement {int(bad)} is neither an index of the {spec.outcomes} "
            f"agreements nor no deal ({NO_DEAL})"
        )
    if np.any(agreement[failed] != ERROR):
        raise _InvalidChunk(f"a failed point's agreement is not ERROR ({ERROR})")
    chance = probability[fine]
    if not np.all((chance >= 0) & (chance <= 1)):
        raise _InvalidChunk("a probability is not in [0, 1]")
    if not np.all(np.isfinite(utilities[fine])):
        raise _InvalidChunk("a utility is not finite")
    if not (np.all(np.isnan(probability[failed])) and np.all(np.isnan(utilities[failed]))):
        raise _InvalidChunk("a failed point has a probability or utilities")
    # last: values that pass every check above may still have been edited
    digest = data["digest"]
    if digest.dtype.kind != "U" or digest.shape != ():
        raise _InvalidChunk("has no valid digest")
    if str(digest) != _chunk_digest(spec.fingerprint, index, data):
        raise _InvalidChunk(
            "its content does not match its digest (changed after it was written)"
        )
    errors = {
        int(k): str(message)
        for k, message in zip(offsets.tolist(), messages.tolist(), strict=True)
    }
    return _Chunk(agreement, probability, utilities, errors)


def _read_fields(stream: Any, limit: int) -> dict[str, NDArray[Any]]:
    """The arrays of an open chunk file (no pickles), after checking its fields."""
    archive = np.load(stream, allow_pickle=False)
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _InvalidChunk("is not an .npz archive")
    with archive:
        fields = set(archive.files)
        if fields != _CHUNK_FIELDS:
            raise _InvalidChunk(
                f"has fields {sorted(fields)}, expected {sorted(_CHUNK_FIELDS)}"
            )
        members = archive.zip.infolist() if archive.zip is not None else []
        inflated: int = sum(int(info.file_size) for info in members)
        if inflated > limit:
            raise _InvalidChunk("is far larger than a chunk of this sweep")
        return {name: archive[name] for name in _CHUNK_FIELDS}


def _expect(data: Mapping[str, NDArray[Any]], name: str, dtype: np.dtype[Any],
            shape: tuple[int, ...]) -> None:
    """Exact dtype and shape of one field (no cast, no broadcast)."""
    array = data[name]
    if array.dtype != dtype or array.shape != shape:
        raise _InvalidChunk(
            f"{name} has dtype {array.dtype} and shape {array.shape}, expected "
            f"{dtype} and {shape}"
        )


# -- progress ----------------------------------------------------------------------------
class _Progress:
    def __init__(self, total: int, enabled: bool | None, description: str) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar: Any = None
        if enabled:
            try:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=total, desc=description, unit="pt",
                                 unit_scale=True, leave=False)
            except ImportError:  # pragma: no cover - tqdm is optional
                self._bar = None

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# -- process pools --------------------------------------------------------------------
def _available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _watch_parent(sweeper: int, interval: float) -> None:
    """Pool worker initializer: leave Ctrl-C to the sweep, exit when it dies.

    The worker ignores SIGINT: a Ctrl-C at a terminal reaches the whole
    process group, and the sweeping process then stops its pool itself
    (:func:`_stop_pool`).  A daemon thread ends the worker with ``os._exit``
    as soon as the sweeping process is gone, even by ``kill -9``, instead of
    letting it finish its chunk as an orphan.  It waits on the parent's
    sentinel (a pipe that closes when the parent dies, zombie or not), and
    also polls the worker's parent id and, on POSIX, whether ``sweeper``
    still exists (a fork-server worker's parent is the fork server).
    """
    with contextlib.suppress(ValueError):  # not in the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    sentinel = multiprocessing.parent_process()

    def alive() -> bool:
        if sentinel is not None and not sentinel.is_alive():
            return False
        if os.getppid() != parent:
            return False
        if os.name == "posix":
            try:
                os.kill(sweeper, 0)
            except ProcessLookupError:
                return False
            except PermissionError:  # pragma: no cover - exists, another user's
                return True
        return True

    def watch() -> None:
        while alive():
            if sentinel is not None:
                sentinel.join(interval)
            else:
                time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="kurilsim-watch-parent", daemon=True).start()


def process_pool(max_workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A process pool whose workers never outlive the process that made it.

    Each worker watches its parent and exits within a fraction of a second
    once the parent is gone (killed with ``kill -9``, say), instead of
    finishing its chunk as an orphan.  Workers start from a fork server where
    the platform has one: forking a process that runs threads (a progress
    bar's monitor) is unsafe.  ``sweep(..., workers=n)`` makes and shuts down
    such a pool itself; use this function to share one pool between sweeps.

    Parameters
    ----------
    max_workers : int
        Number of worker processes (not capped: see ``sweep(workers=)``).

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor

    Examples
    --------
    Share one pool between sweeps (in a script, under
    ``if __name__ == "__main__":``); workers start at the first sweep:

    >>> import concurrent.futures
    >>> from kurilsim.sweeps import process_pool
    >>> with process_pool(2) as pool:
    ...     pass  # kurilsim.sweep(scenario, grid, executor=pool), ...
    >>> isinstance(pool, concurrent.futures.ProcessPoolExecutor)
    True
    """
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise InvalidArgumentError(
            f"max_workers must be a positive integer, got {max_workers!r}"
        )
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=context,
        initializer=_watch_parent,
        initargs=(os.getpid(), _WATCH_INTERVAL),
    )


def _stop_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Shut a pool of ours down after a failure or interrupt: cancel what has
    not started and end the workers now rather than after their chunks."""
    processes = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.join(timeout=5)


# -- the entry point ------------------------------------------------------------------
def sweep(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    *,
    concept: str = "spe",
    design: Literal["grid", "random", "lhs"] = "grid",
    samples: int | None = None,
    rng: np.random.Generator | int | None = None,
    fast: bool = True,
    chunk_size: int | None = None,
    workers: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> SweepResult:
    """Solve a scenario at every point of a parameter grid or sample.

    Parameters
    ----------
    scenario : Scenario
        The base scenario; parameters not in ``grid`` keep its values.
    grid : mapping of str to array_like
        Dotted parameter names (see :meth:`Scenario.parameter_names`) to the
        values of a full-factorial grid (``design="grid"``), or to
        ``(low, high)`` ranges for ``design="random"`` / ``"lhs"`` (integer
        parameters are drawn uniformly from the integers of the closed range).
    concept : str
        A concept of :func:`kurilsim.solve_scenario`; ``"spe"`` has a fast path.
    design : {"grid", "random", "lhs"}
    samples : int, optional
        Number of points for sampled designs.
    rng : numpy.random.Generator or int, optional
        Randomness of sampled designs (SPEC 7); recorded in the metadata.
    fast : bool
        Use the vectorised path where the concept has one (default).  Its
        answers equal the per-point path (``fast=False``) at every point,
        errors included (a point whose utilities overflow is an error on both).
    chunk_size : int, optional
        Points per chunk (bounds memory; the unit of parallel work and of
        checkpoints).  Default: :data:`FAST_CHUNK_SIZE` (32,768, sized for
        cache) on the fast path, :data:`SLOW_CHUNK_SIZE` (64) point by point,
        where a point takes milliseconds to a second and small chunks let
        workers share the work and checkpoints save it often.
    workers : int, optional
        Run the chunks on a process pool of this many workers, made and shut
        down by the sweep (see :func:`process_pool`: its workers exit if this
        process is killed).  Capped at the number of chunks to compute and at
        the CPUs available; ``metadata["workers"]`` says how many ran (1: in
        this process) and ``metadata["workers_limited_by"]`` what capped
        them (``"CPUs"``, ``"chunks to compute"`` or ``None``).  Not together
        with ``executor``.
    executor : concurrent.futures.Executor, optional
        Where chunks run (e.g. :func:`process_pool` or a Dask
        ``client.get_executor()``); default: in this process.  Not shut down.
    checkpoint : path, optional
        Directory for finished chunks; a re-run with the same arguments
        resumes, a different sweep is refused (the message names what
        differs, down to the grid axes), a chunk file that is not exactly
        what this sweep would write is recomputed with a warning.  Each chunk
        file stores a SHA-256 digest of the sweep's fingerprint, the chunk's
        index and the exact bytes, dtype and shape of its arrays, checked
        when it is read: any change to a chunk made without recomputing its
        digest is detected, whether accidental corruption or an edit by a
        tool that does not know the format, even one that leaves every value
        plausible (agreement codes still valid, probabilities in [0, 1],
        finite utilities).  A deliberate forgery that recomputes the digest
        is *not* detected: the digest is not a signature, so only resume
        from directories you trust.
    progress : bool, optional
        Show a tqdm progress bar (default: only on a terminal).
    max_points : int
        Budget: a sweep of more points is refused before anything is
        allocated (default :data:`DEFAULT_MAX_POINTS`).

    Returns
    -------
    SweepResult

    Raises
    ------
    InvalidModelError
        On unknown parameter names or invalid values (checked before any
        work) or bad designs.
    InvalidArgumentError
        On an argument of the wrong type or value (the message names it).
    ProblemTooLargeError
        If the sweep has more than ``max_points`` points.
    CheckpointError
        If ``checkpoint`` belongs to a different sweep, or holds chunk files
        without a manifest, or cannot be created.

    Warns
    -----
    KurilsimWarning
        For each checkpoint chunk file that is not valid or whose content
        does not match its digest (it is recomputed).

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> scenario = kurilsim.Scenario(name="default")
    >>> result = kurilsim.sweep(
    ...     scenario,
    ...     {"japan.demand": [2, 4], "russia.security_weight": np.linspace(0, 3, 31)},
    ...     progress=False)
    >>> result.shape
    (2, 31)
    >>> result.sel({"japan.demand": 2}).agreement.shape
    (31,)
    >>> kurilsim.sweep(scenario, {"russia.security_weight": np.linspace(0, 3, 10**5),
    ...                           "russia.pledge_credibility": np.linspace(0, 1, 10**5)})
    Traceback (most recent call last):
    ...
    kurilsim._errors.ProblemTooLargeError: the sweep has 10,000,000,000 points (100000 x 100000), more than max_points=50,000,000; its result alone would take about 521.5 GiB; pass sweep(..., max_points=10000000000) to allow it
    """
    from kurilsim.analysis import CONCEPTS

    if not isinstance(scenario, Scenario):
        raise InvalidArgumentError(
            f"scenario must be a Scenario, got {type(scenario).__name__}"
        )
    if not isinstance(concept, str) or concept not in CONCEPTS:
        raise InvalidModelError(
            f"unknown concept {concept!r}; expected one of {', '.join(CONCEPTS)}"
        )
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidModelError(
            f"grid must map parameter names to values, got {_short(grid)}"
        )
    _check_flag("fast", fast)
    if progress is not None:
        _check_flag("progress", progress)
    fast_path = bool(fast and concept in FAST_CONCEPTS)
    if chunk_size is None:
        chunk_size = FAST_CHUNK_SIZE if fast_path else SLOW_CHUNK_SIZE
    chunk_size = _check_count("chunk_size", chunk_size)
    max_points = _check_count("max_points", max_points)
    if workers is not None:
        workers = _check_count("workers", workers)
        if executor is not None:
            raise InvalidArgumentError(
                "pass workers= or executor=, not both (workers= makes its own pool)"
            )
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise InvalidArgumentError(
            "executor must be a concurrent.futures.Executor, got "
            f"{type(executor).__name__}"
        )
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise InvalidArgumentError(
            f"checkpoint must be a directory path, got {type(checkpoint).__name__}"
        )
    if not isinstance(design, str) or design not in ("grid", "random", "lhs"):
        raise InvalidModelError(
            f"design must be 'grid', 'random' or 'lhs', got {design!r}"
        )
    generator = _generator(rng)
    seed = int(rng) if isinstance(rng, (int, np.integer)) else None
    names = list(grid)
    axes: dict[str, NDArray[Any]]
    if design == "grid":
        if samples is not None:
            raise InvalidModelError("samples= is only for design='random' or 'lhs'")
        axes = _grid_axes(scenario, grid, max_points)
        shape = tuple(len(axes[n]) for n in names)
        points = _grid_points(axes)
    else:
        if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or (
            samples < 1
        ):
            raise InvalidModelError(
                f"design={design!r} needs samples= a positive integer, got {samples!r}"
            )
        samples = int(samples)
        _check_budget(samples, f"{samples:,} samples", max_points, len(names),
                      len(scenario.agents))
        axes = {}
        points = _sample_points(scenario, grid, design, samples, generator)
        shape = (samples,)
    total = math.prod(shape)
    starts = list(range(0, total, chunk_size))
    folder = Path(checkpoint) if checkpoint is not None else None
    spec: _ChunkSpec | None = None
    if folder is not None:
        manifest = _manifest(scenario, concept, design, fast_path, names, axes, points,
                             chunk_size)
        spec = _ChunkSpec(
            fingerprint=_open_checkpoint(folder, manifest),
            outcomes=len(scenario.space),
            agents=len(scenario.agents),
        )
    agreement = np.empty(total, dtype=np.intp)
    probability = np.empty(total)
    utilities = np.empty((total, len(scenario.agents)))
    errors: dict[int, str] = {}
    started = time.perf_counter()

    def length(position: int) -> int:
        return min(chunk_size, total - starts[position])

    def store(position: int, chunk: _Chunk) -> None:
        start = starts[position]
        stop = start + len(chunk.agreement)
        agreement[start:stop] = chunk.agreement
        probability[start:stop] = chunk.probability
        utilities[start:stop] = chunk.utilities
        errors.update({start + k: message for k, message in chunk.errors.items()})

    pending: list[int] = []
    for position in range(len(starts)):
        loaded = (
            _load_chunk(folder, position, length(position), spec)
            if folder is not None and spec is not None else None
        )
        if loaded is None:
            pending.append(position)
        else:
            store(position, loaded)
    resumed = len(starts) - len(pending)

    def arguments(position: int) -> tuple[Any, ...]:
        start = starts[position]
        stop = start + length(position)
        return (scenario, concept, names,
                [points[name][start:stop] for name in names], fast)

    def finish(position: int, chunk: _Chunk) -> None:
        if folder is not None and spec is not None:
            _save_chunk(folder, position, chunk, spec.fingerprint)
        store(position, chunk)
        bar.update(len(chunk.agreement))

    used = 1 if executor is None else None
    limit = None
    if workers is not None:
        cpus = _available_cpus()
        used = max(1, min(workers, len(pending), cpus))
        if used < workers:
            limit = "CPUs" if used == cpus else "chunks to compute"
    own_pool = process_pool(used) if used is not None and used > 1 else None
    runner = own_pool if own_pool is not None else executor
    bar = _Progress(total, progress, f"sweep {scenario.name} ({concept})")
    bar.update(total - sum(length(p) for p in pending))
    try:
        if runner is None:
            for position in pending:
                finish(position, _evaluate_chunk(*arguments(position)))
        else:
            for position, chunk in _run_parallel(runner, pending, arguments):
                finish(position, chunk)
    except BaseException:
        if own_pool is not None:
            _stop_pool(own_pool)
        raise
    else:
        if own_pool is not None:
            own_pool.shutdown(wait=True)
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    metadata = {
        "kurilsim": _version(),
        "scenario": scenario.name,
        "concept": concept,
        "design": design,
        "seed": seed,
        "fast": fast_path,
        "chunk_size": chunk_size,
        "chunks": len(starts),
        "chunks_resumed": resumed,
        "executor": (
            type(runner).__name__ if runner is not None else None
        ),
        "workers": used,
        "workers_limited_by": limit,
        "workers_requested": workers,
        "seconds": elapsed,
        "points_per_second": total / elapsed if elapsed > 0 else math.inf,
    }
    return SweepResult(
        scenario=scenario,
        concept=concept,
        design=design,
        axes=axes,
        points=points,
        shape=shape,
        agreement=readonly(agreement.reshape(shape)),
        probability=readonly(probability.reshape(shape)),
        utilities=readonly(utilities.reshape((*shape, len(scenario.agents)))),
        errors=errors,
        metadata=metadata,
    )


def _check_flag(name: str, value: object) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")


def _check_count(name: str, value: object) -> int:
    """``value`` as an int if it is a positive integer, else an error naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or (
        value < 1
    ):
        raise InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


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


def _run_parallel(
    executor: concurrent.futures.Executor,
    pending: Sequence[int],
    arguments: Callable[[int], tuple[Any, ...]],
) -> Iterator[tuple[int, _Chunk]]:
    futures = {
        executor.submit(_evaluate_chunk, *arguments(position)): position
        for position in pending
    }
    try:
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()
