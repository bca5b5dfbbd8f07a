"""The result of a sweep: :class:`SweepResult`, its selections and its CSV output.

Every file written goes through :mod:`kurilsim._io`: to a temporary file
beside the target, renamed into place when complete.
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import InvalidArgumentError, InvalidModelError, OutputError
from kurilsim._io import atomic_output, check_output_path
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario

__all__ = ["CSV_BLOCK_SIZE", "ERROR", "SweepResult", "check_csv_path"]

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
