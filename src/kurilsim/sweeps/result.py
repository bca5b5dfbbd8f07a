"""The result of a sweep: :class:`SweepResult`, its selections and its CSV output.

A result holds its columns in memory, or reads them, chunk by chunk, from
the directory a sweep saved them in (``sweep(..., checkpoint=DIR,
in_memory=False)``: see :mod:`kurilsim.sweeps.checkpoint` for the layout);
both kinds have the same API, and the methods that go over every point
(:meth:`SweepResult.outcome_shares`, :meth:`SweepResult.to_csv`,
:meth:`SweepResult.iter_columns`) hold one chunk or block at a time.

Every file written goes through :mod:`kurilsim._io`: to a temporary file
beside the target, renamed into place when complete.
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, overload

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import InvalidArgumentError, InvalidModelError, OutputError
from kurilsim._io import atomic_output, check_output_path
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario

__all__ = ["CSV_BLOCK_SIZE", "ERROR", "ChunkSource", "SweepResult", "check_csv_path"]

#: Agreement code of a point whose solver raised (see :attr:`SweepResult.errors`).
ERROR: Final = -2

#: Rows formatted at a time by :meth:`SweepResult.to_csv` (bounds its memory).
CSV_BLOCK_SIZE: Final = 65_536

#: First characters that make a spreadsheet read a text cell as a formula
#: (OWASP, "CSV injection").
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _short(value: object) -> str:
    """A short repr of ``value`` for a message."""
    return reprlib.repr(value)


class ChunkSource(Protocol):
    """Where a store-backed :class:`SweepResult` reads its columns: the chunks
    of a sweep saved on disk (:class:`kurilsim.sweeps.checkpoint.StoredChunks`).

    ``spans()`` gives each chunk's first and past-the-end point (flat, in
    order, covering every point); ``read(k)`` the flat agreement codes,
    probabilities and utilities ``(points, n_agents)`` of chunk ``k``.
    """

    @property
    def folder(self) -> Path: ...

    def spans(self) -> Sequence[tuple[int, int]]: ...

    def read(
        self, position: int
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]: ...


#: Which array of a chunk (``ChunkSource.read``) holds each column.
_COLUMN_PART: Final = {"agreement": 0, "probability": 1, "utilities": 2}


@dataclass(frozen=True, slots=True)
class _Stored:
    """A column left on disk: the stand-in a store-backed result is given
    for ``agreement``, ``probability`` or ``utilities``."""

    source: ChunkSource


class _Column:
    """A column of :class:`SweepResult`: an array held in memory, or read from
    the result's chunks on disk at each access (a fresh read-only array)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name
        self._key = f"_column_{name}"

    @overload
    def __get__(self, instance: None, owner: type) -> _Column: ...

    @overload
    def __get__(self, instance: object, owner: type) -> NDArray[Any]: ...

    def __get__(self, instance: object, owner: type) -> NDArray[Any] | _Column:
        if instance is None:
            # no default value for the dataclass field
            raise AttributeError(self._name)
        value = instance.__dict__[self._key]
        if isinstance(value, _Stored):
            return _read_column(instance, value.source, self._name)  # type: ignore[arg-type]
        array: NDArray[Any] = value
        return array

    def __set__(self, instance: object, value: NDArray[Any] | _Stored) -> None:
        instance.__dict__[self._key] = value


@dataclass(frozen=True, eq=False)
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
    source : ChunkSource or None
        ``None`` for a result held in memory; for one left on disk
        (``sweep(..., in_memory=False)``), the chunks it reads its columns
        from (``source.folder``: the directory).  Each access to
        ``agreement``, ``probability`` or ``utilities`` of such a result
        reads the whole column from disk into a new array: keep a reference
        to reuse it, or go through :meth:`iter_columns`, which holds one
        block at a time.

    Notes
    -----
    :meth:`outcome_shares`, :meth:`to_csv` and :meth:`iter_columns` hold one
    chunk (or block) at a time; :meth:`sel` holds the selection;
    :meth:`columns`, :meth:`to_numpy` and :meth:`to_pandas` build every
    column in memory.
    """

    scenario: Scenario
    concept: str
    design: str
    axes: dict[str, NDArray[Any]]
    points: dict[str, NDArray[Any]]
    shape: tuple[int, ...]
    agreement: _Column = _Column()
    probability: _Column = _Column()
    utilities: _Column = _Column()
    errors: dict[int, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    source: ChunkSource | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    @property
    def agents(self) -> tuple[str, ...]:
        """Agent names (the last axis of :attr:`utilities`)."""
        return self.scenario.agent_names

    def label(self, index: int) -> str:
        """Readable name of an agreement code (index, ``NO_DEAL`` or ``ERROR``).

        Parameters the label names (see :meth:`kurilsim.Scenario.agreement_label`)
        are filled with the base scenario's value, unless the sweep varies them.
        """
        if index == NO_DEAL:
            return "no deal"
        if index == ERROR:
            return "error"
        return self.scenario.agreement_label(int(index), varying=self.points)

    def outcome_shares(self) -> dict[str, float]:
        """Share of points at which each outcome occurs (most frequent first).

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": np.linspace(0, 3, 4)},
        ...                         progress=False)
        >>> round(sum(result.outcome_shares().values()), 12)
        1.0
        """
        tally: dict[int, int] = {}
        for _, _, block in self._blocks(CSV_BLOCK_SIZE, ("agreement",)):
            found, counts = np.unique(block[0], return_counts=True)
            for code, count in zip(found.tolist(), counts.tolist(), strict=True):
                tally[code] = tally.get(code, 0) + count
        codes = sorted(tally)  # as np.unique over every point: by code
        order = np.argsort(-np.array([tally[c] for c in codes]), kind="stable")
        return {
            self.label(codes[k]): tally[codes[k]] / self.size for k in order.tolist()
        }

    def _blocks(
        self, size: int, parts: Sequence[str] = ("agreement", "probability", "utilities")
    ) -> Iterator[tuple[int, int, list[NDArray[Any]]]]:
        """The flat columns ``parts`` (``utilities`` as ``(points, n_agents)``)
        over consecutive points: ``(start, stop, arrays)``, at most ``size``
        points each, one chunk of a store-backed result read at a time."""
        if self.source is None:
            flat = {
                "agreement": self.agreement.reshape(-1),
                "probability": self.probability.reshape(-1),
                "utilities": self.utilities.reshape(self.size, -1),
            }
            for start in range(0, self.size, size):
                stop = min(start + size, self.size)
                yield start, stop, [flat[name][start:stop] for name in parts]
            return
        for position, (first, last) in enumerate(self.source.spans()):
            chunk = self.source.read(position)
            arrays = [chunk[_COLUMN_PART[name]] for name in parts]
            for start in range(first, last, size):
                stop = min(start + size, last)
                yield start, stop, [a[start - first:stop - first] for a in arrays]

    def iter_columns(self, block_size: int = CSV_BLOCK_SIZE
                     ) -> Iterator[dict[str, NDArray[Any]]]:
        """The flat columns of :meth:`columns`, ``block_size`` points at a time.

        Consecutive blocks of points (flat order); only one block is in
        memory at a time (a result left on disk is read chunk by chunk), so
        this goes over a sweep of any size.

        Parameters
        ----------
        block_size : int
            Most points per block (a store-backed result's blocks also end
            where its chunks do).

        Yields
        ------
        dict of str to ndarray
            The columns of :meth:`column_names` over one block.

        Raises
        ------
        InvalidArgumentError
            If ``block_size`` is not a positive integer.

        Examples
        --------
        >>> import numpy as np, kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": np.linspace(0, 3, 5)},
        ...                         progress=False)
        >>> [len(block["agreement"]) for block in result.iter_columns(2)]
        [2, 2, 1]
        """
        _check_block_size(block_size)
        labels: dict[int, str] = {}
        for start, stop, (codes, probability, utilities) in self._blocks(block_size):
            yield self._block_columns(start, stop, codes, probability, utilities, labels)

    def _block_columns(
        self, start: int, stop: int, codes: NDArray[Any], probability: NDArray[Any],
        utilities: NDArray[Any], labels: dict[int, str],
    ) -> dict[str, NDArray[Any]]:
        """The columns of the points ``start:stop`` (``labels`` caches the
        outcome label of each code across blocks)."""
        data: dict[str, NDArray[Any]] = {
            name: values[start:stop] for name, values in self.points.items()
        }
        data["agreement"] = codes
        codes_seen, position = np.unique(codes, return_inverse=True)
        for code in codes_seen.tolist():
            if code not in labels:
                labels[code] = self.label(code)
        names = np.array([labels[c] for c in codes_seen.tolist()], dtype=str)
        data["outcome"] = names[position.ravel()]
        data["probability"] = probability
        for k, name in enumerate(self.agents):
            data[f"utility.{name}"] = utilities[:, k]
        return data

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
        codes = np.empty(len(flat), dtype=np.intp)
        probability = np.empty(len(flat))
        utilities = np.empty((len(flat), len(self.agents)))
        for start, stop, (a, p, u) in self._blocks(CSV_BLOCK_SIZE):
            # the selected points within this block (flat is increasing)
            lo, hi = np.searchsorted(flat, [start, stop]).tolist()
            if hi > lo:
                inside = flat[lo:hi] - start
                codes[lo:hi], probability[lo:hi], utilities[lo:hi] = (
                    a[inside], p[inside], u[inside]
                )
        return SweepResult(
            scenario=self.scenario,
            concept=self.concept,
            design=self.design,
            axes={n: self.axes[n] for n in keep},
            points={n: readonly(v[flat]) for n, v in self.points.items() if n in keep},
            shape=tuple(shape),
            agreement=readonly(codes.reshape(shape)),
            probability=readonly(probability.reshape(shape)),
            utilities=readonly(utilities.reshape((*shape, len(self.agents)))),
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
        """Flat columns: parameters, agreement, its label, probability, utilities.

        Every column in memory at once (see :meth:`iter_columns` for blocks).
        """
        return self._block_columns(
            0, self.size, self.agreement.reshape(-1), self.probability.reshape(-1),
            self.utilities.reshape(self.size, -1), {},
        )

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
        single quote.  Rows are formatted ``block_size`` at a time (a
        result left on disk is read one chunk at a time), so the memory needed
        is that of one block whatever the size of the sweep.
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
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
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
        _check_block_size(block_size)
        target = check_output_path(path, what="CSV file")
        labels: dict[int, str] = {}
        try:
            with atomic_output(target, "w", newline="") as stream:
                stream.write(",".join(map(_text_cell, self.column_names())) + "\r\n")
                for start, stop, block in self._blocks(block_size):
                    stream.write(_csv_block(self, start, stop, block, labels))
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


def _check_block_size(block_size: object) -> None:
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise InvalidArgumentError(
            f"block_size must be a positive integer, got {block_size!r}"
        )


def _read_column(result: SweepResult, source: ChunkSource, name: str) -> NDArray[Any]:
    """One column of a store-backed result, read chunk by chunk into a new
    read-only array of the result's shape."""
    part = _COLUMN_PART[name]
    tail = (len(result.scenario.agents),) if name == "utilities" else ()
    dtype = np.intp if name == "agreement" else np.float64
    column = np.empty((result.size, *tail), dtype=dtype)
    for position, (start, stop) in enumerate(source.spans()):
        column[start:stop] = source.read(position)[part]
    return readonly(column.reshape((*result.shape, *tail)))


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


def _csv_block(result: SweepResult, start: int, stop: int, block: Sequence[NDArray[Any]],
               labels: dict[int, str]) -> str:
    """The CSV rows of points ``start:stop``, each ending in CRLF.

    ``block`` holds their agreement codes, probabilities and utilities;
    ``labels`` caches the outcome cell of each agreement code across blocks.
    """
    codes, probability, flat = block
    columns = [_cells(values[start:stop]) for values in result.points.values()]
    columns.append(_cells(codes))
    distinct, position = np.unique(codes, return_inverse=True)
    for code in distinct.tolist():
        if code not in labels:
            labels[code] = _text_cell(result.label(code))
    outcome = np.empty(len(distinct), dtype=object)
    outcome[:] = [labels[c] for c in distinct.tolist()]
    columns.append(outcome[position.reshape(-1)])
    columns.append(_cells(probability))
    columns.extend(_cells(flat[:, k]) for k in range(flat.shape[1]))
    rows = map(",".join, zip(*(column.tolist() for column in columns), strict=True))
    return "\r\n".join(rows) + "\r\n"
