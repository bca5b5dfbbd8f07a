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
import re
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, overload

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import InvalidArgumentError, InvalidModelError, OutputError
from kurilsim._io import (
    atomic_output,
    check_output_path,
    check_overwrite,
    comment_lines,
)
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
    ) -> tuple[
        NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
    ]: ...


#: Which array of a chunk (``ChunkSource.read``) holds each column.
_COLUMN_PART: Final = {
    "agreement": 0, "probability": 1, "utilities": 2, "mode_probability": 3
}

#: The columns of a result, in the order of a chunk (``ChunkSource.read``).
_PARTS: Final = ("agreement", "probability", "utilities", "mode_probability")

#: How the ``outcome`` column names a lottery's most likely outcome (a point
#: whose ``mode_probability`` is below 1): ``"lottery, most likely: <label>"``.
LOTTERY_PREFIX: Final = "lottery, most likely: "


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
    mode_probability : ndarray
        Shape ``shape``: the probability of the outcome ``agreement`` reports
        (of no deal where it is ``NO_DEAL``), 1 for a concept whose outcome
        is never a lottery (a 57/43 lottery between two deals has
        ``probability`` 1 and ``mode_probability`` 0.57); NaN at an error
        point, and at a deal point of a user concept whose kernel does not
        give it (see :class:`~kurilsim.concepts.SweepKernel`).
    errors : dict of int to str
        Flat point index to error message, for points that raised.
    metadata : dict
        kurilsim version, scenario name, concept, design, seed, chunk size,
        workers, timings (seconds) and throughput.
    source : ChunkSource or None
        ``None`` for a result held in memory; for one left on disk
        (``sweep(..., in_memory=False)``), the chunks it reads its columns
        from (``source.folder``: the directory).  Each access to
        ``agreement``, ``probability``, ``utilities`` or
        ``mode_probability`` of such a result
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
    mode_probability: _Column = _Column()
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

    def placeholders(self) -> list[str]:
        """The swept parameters that the option labels name in braces
        (``{japan.package_size}``), sorted: an outcome's label keeps them as
        written, since the value differs from point to point.

        Examples
        --------
        >>> import kurilsim
        >>> result = kurilsim.sweep(kurilsim.load_scenario("2018-singapore"),
        ...                         {"japan.package_size": [0.5, 2.0]}, progress=False)
        >>> result.placeholders()
        ['japan.package_size']
        """
        return sorted({
            name for issue in self.scenario.space.issues for label in issue.labels
            for name in _BRACED.findall(label) if name in self.points
        })

    def lottery_shares(self) -> dict[str, float]:
        """Share of points at which each outcome is only the most likely
        outcome of a lottery (keys as in :meth:`outcome_shares`, those with
        no lottery point left out).

        :meth:`outcome_shares` counts a point under its most likely outcome,
        lottery or not; this says how much of each share is lotteries, so
        that no summary reads a lottery as a sure treaty.

        Examples
        --------
        >>> import kurilsim
        >>> result = kurilsim.sweep(kurilsim.load_scenario("2018-singapore"),
        ...                         {"russia.pledge_credibility": [0.2, 1.0]},
        ...                         concept="nash-bargaining", progress=False)
        >>> shares, lotteries = result.outcome_shares(), result.lottery_shares()
        >>> all(lotteries[k] <= shares[k] for k in lotteries)
        True
        """
        return {self.label(code): lotteries / self.size
                for code, (_, lotteries) in self._tally().items() if lotteries}

    def _tally(self) -> dict[int, list[int]]:
        """Points and lottery points per agreement code (one pass, a chunk of
        a result on disk at a time)."""
        counts: dict[int, list[int]] = {}  # code -> [points, lottery points]
        for _, _, (codes, modes) in self._blocks(
            CSV_BLOCK_SIZE, ("agreement", "mode_probability")
        ):
            lotteries_here = modes < 1.0 - _LOTTERY_TOL  # NaN (unknown, error) is not
            found, position = np.unique(codes, return_inverse=True)
            points = np.bincount(position.ravel(), minlength=len(found))
            lotteries = np.bincount(position.ravel(), weights=lotteries_here,
                                    minlength=len(found))
            for code, n, m in zip(found.tolist(), points.tolist(), lotteries.tolist(),
                                  strict=True):
                tally = counts.setdefault(code, [0, 0])
                tally[0] += n
                tally[1] += round(m)
        return counts

    def _blocks(
        self, size: int, parts: Sequence[str] = _PARTS
    ) -> Iterator[tuple[int, int, list[NDArray[Any]]]]:
        """The flat columns ``parts`` (``utilities`` as ``(points, n_agents)``)
        over consecutive points: ``(start, stop, arrays)``, at most ``size``
        points each, one chunk of a store-backed result read at a time."""
        if self.source is None:
            flat = {
                "agreement": self.agreement.reshape(-1),
                "probability": self.probability.reshape(-1),
                "utilities": self.utilities.reshape(self.size, -1),
                "mode_probability": self.mode_probability.reshape(-1),
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
        for start, stop, (codes, probability, utilities, mode) in self._blocks(
            block_size
        ):
            yield self._block_columns(start, stop, codes, probability, utilities,
                                      labels, mode)

    def _block_columns(
        self, start: int, stop: int, codes: NDArray[Any], probability: NDArray[Any],
        utilities: NDArray[Any], labels: dict[int, str], mode: NDArray[Any],
    ) -> dict[str, NDArray[Any]]:
        """The columns of the points ``start:stop`` (``labels`` caches the
        outcome label of each code across blocks)."""
        data: dict[str, NDArray[Any]] = {
            name: values[start:stop] for name, values in self.points.items()
        }
        data["agreement"] = codes
        data["outcome"] = _outcome_texts(self, codes, mode, labels).astype(str)
        data["probability"] = probability
        data["mode_probability"] = mode
        for k, name in enumerate(self.agents):
            data[f"utility.{name}"] = utilities[:, k]
        return data

    def sel(self, selection: Mapping[str, Any]) -> SweepResult:
        """The sub-sweep at given values of some grid axes (those axes dropped).

        Values must be on the grid (matched within 1e-12 relative).  The
        slice's scenario is the sweep's with the selected grid values set
        (:meth:`kurilsim.Scenario.with_params`), and ``metadata["selection"]``
        records them: labels, exports and :meth:`provenance` describe the
        slice, not the whole sweep.

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
        # the grid's own values (not the caller's approximations): the slice's
        # scenario holds them, so labels, exports and provenance say them
        fixed = {name: axis_value(self.axes[name][index[names.index(name)]])
                 for name in selection}
        keep = [n for n in names if n not in selection]
        flat = np.arange(self.size).reshape(self.shape)[tuple(index)]
        shape = flat.shape
        flat = flat.ravel()
        codes = np.empty(len(flat), dtype=np.intp)
        probability = np.empty(len(flat))
        utilities = np.empty((len(flat), len(self.agents)))
        mode = np.empty(len(flat))
        for start, stop, (a, p, u, q) in self._blocks(CSV_BLOCK_SIZE):
            # the selected points within this block (flat is increasing)
            lo, hi = np.searchsorted(flat, [start, stop]).tolist()
            if hi > lo:
                inside = flat[lo:hi] - start
                codes[lo:hi], probability[lo:hi], utilities[lo:hi], mode[lo:hi] = (
                    a[inside], p[inside], u[inside], q[inside]
                )
        return SweepResult(
            scenario=self.scenario.with_params(fixed),
            concept=self.concept,
            design=self.design,
            axes={n: self.axes[n] for n in keep},
            points={n: readonly(v[flat]) for n, v in self.points.items() if n in keep},
            shape=tuple(shape),
            agreement=readonly(codes.reshape(shape)),
            probability=readonly(probability.reshape(shape)),
            utilities=readonly(utilities.reshape((*shape, len(self.agents)))),
            mode_probability=readonly(mode.reshape(shape)),
            errors=self._errors_within(flat),
            metadata={**self.metadata, "selection": fixed},
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
            *self.points, "agreement", "outcome", "probability", "mode_probability",
            *(f"utility.{name}" for name in self.agents),
        ]

    def columns(self) -> dict[str, NDArray[Any]]:
        """Flat columns: parameters, agreement, its label (``outcome``; at a
        lottery ``"lottery, most likely: <label>"``, see :data:`LOTTERY_PREFIX`),
        probability (P(deal)), the agreement's own probability
        (``mode_probability``), utilities.

        Every column in memory at once (see :meth:`iter_columns` for blocks).
        """
        return self._block_columns(
            0, self.size, self.agreement.reshape(-1), self.probability.reshape(-1),
            self.utilities.reshape(self.size, -1), {},
            self.mode_probability.reshape(-1),
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
        """A pandas DataFrame, one row per point (needs the ``pandas`` extra).

        The index is a :class:`pandas.MultiIndex` over the swept parameters
        (one level each, named after it, in the order of :attr:`points`),
        for grid and sampled designs alike; a sweep of one parameter has a
        plain :class:`pandas.Index` named after it (as ``set_index`` gives:
        ``frame.loc[0.5]``, not ``frame.loc[(0.5,)]``); the columns are the other
        columns of :meth:`columns` (``agreement``, ``outcome``,
        ``probability``, ``mode_probability``, ``utility.AGENT``).  ``frame.reset_index()`` gives
        the flat table of :meth:`columns`.

        Examples
        --------
        >>> import kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 1.0],
        ...                          "japan.demand": [2, 4]}, progress=False)
        >>> frame = result.to_pandas()
        >>> list(frame.index.names)
        ['russia.security_weight', 'japan.demand']
        >>> frame.loc[(1.0, 4), "agreement"] == result.sel(
        ...     {"russia.security_weight": 1.0, "japan.demand": 4}).agreement.item()
        np.True_
        """
        pd = _optional("pandas", "SweepResult.to_pandas")
        data = self.columns()
        names = list(self.points)
        if not names:  # every axis selected: one point, nothing to index by
            return pd.DataFrame(data)
        if len(names) == 1:
            index = pd.Index(data.pop(names[0]), name=names[0])
        else:
            index = pd.MultiIndex.from_arrays([data.pop(name) for name in names],
                                              names=names)
        return pd.DataFrame(data, index=index)

    def to_csv(
        self, path: str | os.PathLike[str], *, block_size: int = CSV_BLOCK_SIZE,
        overwrite: bool = False, provenance: bool = True,
    ) -> Path:
        """Write one row per point to a CSV file (no pandas needed).

        The file starts with the result's :meth:`provenance` as comment
        lines (``# key: value``; the scenario's TOML follows ``# scenario:``,
        one ``#   line`` per line), then the header row and one row per
        point.  ``pandas.read_csv(path, comment="#")`` skips the comments
        (so does R's ``read.csv(comment.char = "#")``); a spreadsheet shows
        them as rows of text above the table.  The columns are those of
        :meth:`columns`.  Numbers are written in
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
        overwrite : bool
            Replace an existing file (default: refuse, naming it).
        provenance : bool
            Write the provenance comment lines (default ``True``).

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
            If the file exists and ``overwrite`` is false, or cannot be
            written (directory missing or not writable, disk full, out of
            memory), naming it; an earlier file is unchanged.

        Examples
        --------
        >>> import csv, pathlib, tempfile, kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 0.1, 3.0]},
        ...                         progress=False)
        >>> path = result.to_csv(pathlib.Path(tempfile.mkdtemp()) / "sweep.csv")
        >>> lines = path.read_text().splitlines()
        >>> lines[0].startswith("# kurilsim: ")
        True
        >>> rows = list(csv.reader(line for line in lines if not line.startswith("#")))
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
        check_overwrite(overwrite, target)
        labels: dict[int, str] = {}
        try:
            with atomic_output(target, "w", newline="") as stream:
                if provenance:
                    stream.write("\r\n".join(comment_lines(self.provenance())) + "\r\n")
                stream.write(",".join(map(_text_cell, self.column_names())) + "\r\n")
                for start, stop, block in self._blocks(block_size):
                    stream.write(_csv_block(self, start, stop, block, labels))
        except MemoryError:
            raise OutputError(
                f"cannot write {target}: out of memory while formatting rows (try a "
                "smaller block_size); any earlier file there is unchanged"
            ) from None
        return target

    # -- provenance, labelled arrays, netCDF -------------------------------------------
    def provenance(self) -> dict[str, str]:
        """What produced this result, as text: for files and figure metadata.

        Returns
        -------
        dict of str to str
            ``kurilsim`` (the version that ran the sweep), ``scenario_name``,
            ``scenario`` (the base scenario as TOML, or why it cannot be
            written as TOML), ``concept``, ``options`` (the concept's, JSON),
            ``design`` (``grid``, ``random`` or ``lhs``), ``grid`` (grid
            designs: each axis's values, JSON, shortest round-trip numbers) or
            ``parameters`` and ``samples`` (sampled designs; ``random`` and
            ``lhs`` also ``ranges``, each parameter's ``[low, high]``, JSON:
            with ``design`` and ``seed``, enough to draw the sample again),
            ``selection`` (a :meth:`sel` slice: the values it fixed, JSON),
            ``placeholders`` (when a swept parameter appears as ``{name}`` in
            the outcome labels: what it stands for), ``seed``
            (``none`` for a grid) and ``time`` (UTC, ISO 8601: when this
            provenance was taken, i.e. when the file is written).

        Examples
        --------
        >>> import kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 0.5]},
        ...                         progress=False)
        >>> facts = result.provenance()
        >>> facts["concept"], facts["design"], facts["grid"], facts["seed"]
        ('spe', 'grid', '{"russia.security_weight": [0.0, 0.5]}', 'none')
        >>> facts["scenario"].startswith("name = ")
        True
        """
        import datetime
        import json

        from kurilsim._errors import KurilsimError

        try:
            toml = self.scenario.to_toml()
        except KurilsimError as error:
            toml = f"(not expressible as TOML: {error})"
        facts = {
            "kurilsim": str(self.metadata.get("kurilsim") or _version()),
            "scenario_name": self.scenario.name,
            "scenario": toml,
            "concept": self.concept,
            "options": json.dumps(self.metadata.get("options") or {}, default=repr,
                                  sort_keys=True),
            "design": self.design,
        }
        if self.design == "grid":
            facts["grid"] = json.dumps({n: _plain(v) for n, v in self.axes.items()})
        else:
            facts["parameters"] = json.dumps(list(self.points))
            facts["samples"] = str(self.size)
            ranges = self.metadata.get("ranges")
            if ranges:  # random / lhs: [name, low, high] per parameter, in the
                # order drawn (which the draws depend on)
                facts["ranges"] = json.dumps(
                    {str(name): [float(low), float(high)] for name, low, high in ranges}
                )
        braced = self.placeholders()
        if braced:  # a swept parameter named in an option's label
            facts["placeholders"] = (
                ", ".join(f"{{{name}}}" for name in braced)
                + " in an outcome's label stands for that parameter's value at the "
                "point (its column): the sweep varies it"
            )
        selection = self.metadata.get("selection")
        if selection:  # a sel() slice: the values it fixed (also in the scenario)
            facts["selection"] = json.dumps(
                {name: _plain(np.asarray([value]))[0] for name, value in selection.items()}
            )
        seed = self.metadata.get("seed")
        facts["seed"] = "none" if seed is None else str(seed)
        facts["time"] = str(self.metadata.get("time") or datetime.datetime.now(
            datetime.UTC).isoformat(timespec="seconds"))
        return facts

    def to_xarray(self) -> Any:
        """The result as an :class:`xarray.Dataset` (needs the ``xarray`` extra).

        Grid designs have one dimension per swept parameter, named after it,
        with the axis values as its coordinate (and the parameter's ``units``
        and ``description`` as attributes where its spec has them); sampled
        designs have a ``point`` dimension with the parameters as
        coordinates along it.

        Variables: ``agreement`` (the agreement code; ``-1`` no deal, ``-2``
        error), ``probability`` (P(deal)), ``mode_probability`` (the
        probability of the outcome ``agreement`` reports), ``lottery``
        (``True`` where ``mode_probability`` is below 1: ``agreement`` is then
        only the lottery's most likely outcome), ``utility`` (dimension ``agent``
        last, coordinate the agent names), ``outcome_label`` over the
        dimension ``code`` (every agreement code and its label: the
        coordinate table of ``agreement``), and the errors as
        ``error_point`` (flat point index) and ``error_message`` over the
        dimension ``error``.  Attributes: :meth:`provenance` and
        ``metadata`` (the result's metadata as JSON).

        A result left on disk is read lazily, one chunk per dask block, when
        dask is installed (in memory otherwise).

        Examples
        --------
        >>> import kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 1.0, 2.0],
        ...                          "japan.demand": [2, 4]}, progress=False)
        >>> data = result.to_xarray()  # doctest: +SKIP
        >>> dict(data.sizes)  # doctest: +SKIP
        {'russia.security_weight': 3, 'japan.demand': 2, 'agent': 3, 'code': 40, 'error': 0}
        """
        import json

        xr = _optional("xarray", "SweepResult.to_xarray")
        grid = self.design == "grid"
        dims: tuple[str, ...] = tuple(self.axes) if grid else ("point",)
        coords: dict[str, Any] = {}
        if grid:
            for name, values in self.axes.items():
                coords[name] = xr.Variable((name,), np.asarray(values),
                                           attrs=self._parameter_attrs(name))
        else:
            for name, values in self.points.items():
                coords[name] = xr.Variable(("point",), np.asarray(values),
                                           attrs=self._parameter_attrs(name))
        coords["agent"] = np.array(self.agents, dtype=str)
        codes, probability, utilities, mode = self._array_columns()
        labels = self._labels_of_codes()
        coords["code"] = np.array(sorted(labels), dtype=np.int64)
        error_points = np.array(sorted(self.errors), dtype=np.int64)
        data_vars = {
            "agreement": (dims, codes, {
                "description": "agreement code: index into the scenario's agreement "
                "space; -1 no deal, -2 the solver raised (see outcome_label); where "
                "lottery is True, the most likely outcome of a lottery"}),
            "probability": (dims, probability, {"description": "P(deal)"}),
            "mode_probability": (dims, mode, {
                "description": "probability of the outcome agreement reports (of no "
                "deal where it is -1); NaN where unknown or the solver raised"}),
            "lottery": (dims, mode < 1.0 - _LOTTERY_TOL, {
                "description": "True where the outcome is a lottery over agreements "
                "(or deal and no deal): there agreement is only the lottery's most "
                "likely outcome, with probability mode_probability < 1, not a treaty; "
                "the CSV writes its outcome as '" + LOTTERY_PREFIX + "<label>'"}),
            "utility": ((*dims, "agent"), utilities, {
                "description": "each agent's (expected) utility"}),
            "outcome_label": (("code",), np.array(
                [labels[c] for c in sorted(labels)], dtype=str), {
                "description": "readable name of each agreement code"}),
            "error_point": (("error",), error_points, {
                "description": "flat (C order) index of each point whose solver raised"}),
            "error_message": (("error",), np.array(
                [self.errors[k] for k in error_points.tolist()], dtype=str)),
        }
        attrs: dict[str, Any] = dict(self.provenance())
        attrs["metadata"] = json.dumps(self.metadata, default=repr, sort_keys=True)
        attrs["shape"] = json.dumps(list(self.shape))
        attrs["swept_parameters"] = json.dumps(list(self.points))
        return xr.Dataset(data_vars, coords=coords, attrs=attrs)

    def _parameter_attrs(self, dotted: str) -> dict[str, str]:
        """``units`` and ``description`` of a parameter, where its spec has them."""
        from kurilsim._errors import KurilsimError

        try:
            owner = self.scenario.agent_parameter(dotted)
        except KurilsimError:  # not a parameter of the scenario
            return {}
        if owner is None:
            return {}
        agent = self.scenario.agent(owner[0])
        specs = getattr(agent, "parameter_specs", None)
        for spec in specs() if specs is not None else ():
            if spec.name == owner[1]:
                attrs = {}
                if getattr(spec, "units", ""):
                    attrs["units"] = str(spec.units)
                if getattr(spec, "doc", ""):
                    attrs["description"] = str(spec.doc)
                return attrs
        return {}

    def _labels_of_codes(self) -> dict[int, str]:
        """Every agreement code of the space, no deal and error, with its label."""
        codes = [ERROR, NO_DEAL, *range(len(self.scenario.space))]
        return {code: self.label(code) for code in codes}

    def _array_columns(self) -> tuple[Any, Any, Any, Any]:
        """agreement, probability, utilities and mode_probability in the
        result's shape: numpy
        arrays, or (a result left on disk, dask installed) dask arrays with
        one block per chunk."""
        tail = (len(self.agents),)
        if self.source is None:
            return (np.asarray(self.agreement, dtype=np.int64), self.probability,
                    self.utilities, self.mode_probability)
        import importlib

        try:
            dask: Any = importlib.import_module("dask")
            da: Any = importlib.import_module("dask.array")
        except ImportError:
            return (np.asarray(self.agreement, dtype=np.int64), self.probability,
                    self.utilities, self.mode_probability)
        source = self.source
        read = dask.delayed(source.read, pure=True)
        parts: list[list[Any]] = [[], [], [], []]
        for position, (start, stop) in enumerate(source.spans()):
            chunk = read(position)
            n = stop - start
            parts[0].append(da.from_delayed(chunk[0], (n,), dtype=np.intp))
            parts[1].append(da.from_delayed(chunk[1], (n,), dtype=np.float64))
            parts[2].append(da.from_delayed(chunk[2], (n, *tail), dtype=np.float64))
            parts[3].append(da.from_delayed(chunk[3], (n,), dtype=np.float64))
        codes = da.concatenate(parts[0]).astype(np.int64).reshape(self.shape)
        probability = da.concatenate(parts[1]).reshape(self.shape)
        utilities = da.concatenate(parts[2]).reshape((*self.shape, *tail))
        mode = da.concatenate(parts[3]).reshape(self.shape)
        return codes, probability, utilities, mode

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the result to a netCDF-4 file (needs the ``xarray`` extra).

        The file holds :meth:`to_xarray`'s dataset (written through
        h5netcdf, no fill values, every array bit for bit) and the base
        scenario as TOML: :func:`kurilsim.load_result` reads it back equal
        in every field.  A result left on disk is written chunk by chunk
        (with dask).  The file is written to a temporary name beside
        ``path`` and renamed into place when complete.

        Parameters
        ----------
        path : str or path
            The file, ending in ``.nc``.
        overwrite : bool
            Replace an existing file (default: refuse).

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        OutputError
            If ``path`` exists and ``overwrite`` is false, does not end in
            ``.nc``, or cannot be written.
        InvalidModelError
            If the scenario cannot be written as TOML (a custom agent type).

        Examples
        --------
        >>> import pathlib, tempfile, kurilsim
        >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
        ...                         {"russia.security_weight": [0.0, 1.0]},
        ...                         progress=False)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "sweep.nc"
        >>> result.save(path).name  # doctest: +SKIP
        'sweep.nc'
        >>> kurilsim.load_result(path).agreement.tolist() == result.agreement.tolist()  # doctest: +SKIP
        True
        """
        from kurilsim._errors import KurilsimError
        from kurilsim._io import atomic_path

        _check_path("path", path)
        check_overwrite(overwrite, check_output_path(
            path, suffixes=(".nc",), what="netCDF file"))
        target = Path(path)
        _optional("h5netcdf", "SweepResult.save")
        try:
            self.scenario.to_toml()
        except KurilsimError as error:
            raise InvalidModelError(
                f"cannot save this result to {target}: its scenario cannot be "
                f"written as TOML ({error})"
            ) from None
        data = self.to_xarray()
        encoding = {name: {"_FillValue": None} for name in (*data.data_vars, *data.coords)}
        with atomic_path(target) as temporary:
            data.to_netcdf(temporary, engine="h5netcdf", encoding=encoding,
                           format="NETCDF4")
        return target

    def __repr__(self) -> str:
        axes = ", ".join(f"{n}[{len(v)}]" for n, v in self.axes.items()) or (
            f"{self.size} samples of {', '.join(self.points)}"
        )
        return (
            f"SweepResult(scenario={self.scenario.name!r}, concept={self.concept!r}, "
            f"{axes}; {len(self.errors)} errors)"
        )

    def _repr_html_(self) -> str:
        """A summary of the sweep as HTML for notebooks, never every point:
        its dimensions, concept and design, the count of points per outcome
        with how many of them are lotteries, and the first rows.

        One pass over the agreement and mode-probability columns (a chunk at
        a time for a result left on disk) and the first block of rows."""
        from kurilsim._html import LOTTERY_NOTE, lottery, paragraph, percent, table
        from kurilsim._html import view as html_view

        counts = self._tally()
        size = self.size
        total_lotteries = sum(m for _, m in counts.values())

        def share(n: int) -> str:
            return percent(n / size) if size else "-"

        if self.axes:
            dimensions = "; ".join(
                f"{name}: {len(values)} values {_span(values)}"
                for name, values in self.axes.items()
            )
        else:
            dimensions = f"{size} {self.design} samples of " + ", ".join(
                f"{name} {_span(values)}" for name, values in self.points.items()
            )
        summary: list[list[object]] = [
            ["scenario", self.scenario.name],
            ["concept", self.concept],
            ["design", self.design],
            ["dimensions", dimensions or "-"],
            ["points", size],
            ["lotteries", f"{total_lotteries} points ({share(total_lotteries)})"],
            ["errors", len(self.errors)],
        ]
        outcomes: list[list[object]] = [
            [self.label(code), n, share(n), m]
            for code, (n, m) in sorted(counts.items(), key=lambda item: -item[1][0])
        ]
        first = next(self.iter_columns(_HTML_ROWS), None) if size else None
        parts: list[object] = [
            table(summary, caption=f"SweepResult: {self.scenario.name} under "
                  f"{self.concept}", row_headers=True),
            table(outcomes, header=["outcome (most likely)", "points", "share",
                                    "of which lotteries"],
                  caption="Points per outcome"),
        ]
        if first is not None:
            names = [*self.points, "outcome", "P(deal)", "P(outcome)",
                     *(f"utility {a}" for a in self.agents)]
            rows: list[list[object]] = []
            for k in range(len(first["agreement"])):
                mode = float(first["mode_probability"][k])
                deal = float(first["probability"][k])
                shown: object = str(first["outcome"][k])
                if mode < 1.0 - _LOTTERY_TOL:
                    no_deal = int(first["agreement"][k]) == NO_DEAL
                    label = self.label(int(first["agreement"][k]))
                    shown = lottery(_known_weights(label, no_deal, deal, mode))
                rows.append([
                    *(first[name][k].item() for name in self.points), shown,
                    float(first["probability"][k]), mode,
                    *(float(first[f"utility.{a}"][k]) for a in self.agents),
                ])
            more = size - len(rows)
            parts.append(table(rows, header=names, caption=(
                f"First {len(rows)} of {size} points" if more else f"All {size} points")))
        if total_lotteries:
            parts.append(paragraph(
                f"{LOTTERY_NOTE} A sweep keeps a lottery's most likely outcome, its "
                "probability (P(outcome)) and P(deal), not every agreement of its "
                "support: the others are summed as 'other agreements'.", small=True))
        braced = self.placeholders()
        if braced:
            parts.append(paragraph(
                "A parameter in braces in an outcome's label ("
                + ", ".join(f"{{{name}}}" for name in braced)
                + ") stands for that parameter's value at the point: the sweep "
                "varies it, so the label cannot write one number.", small=True))
        return html_view(*parts)


# -- notebook view ------------------------------------------------------------------
#: A swept parameter left in braces in an outcome's label.
_BRACED: Final = re.compile(r"\{([^{}\s]+)\}")

#: A point is a lottery when its most likely outcome has a probability below
#: 1 by more than this.
_LOTTERY_TOL: Final = 1e-9

#: Rows of the first points shown by :meth:`SweepResult._repr_html_`.
_HTML_ROWS: Final = 5


def _span(values: NDArray[Any]) -> str:
    """The range of an axis or sampled parameter as text: ``[0, 3]``."""
    from kurilsim._html import number

    array = np.asarray(values)
    if array.size == 0 or array.dtype.kind not in "biuf":
        return ""
    return f"[{number(array.min().item())}, {number(array.max().item())}]"


def _known_weights(label: str, no_deal: bool, deal: float, mode: float
                   ) -> list[tuple[str, float]]:
    """What a sweep knows of a lottery at one point: its most likely outcome
    ``label`` with probability ``mode``, no deal with ``1 - deal`` and the
    remaining weight on other agreements."""
    if no_deal:
        return [(label, mode), ("other agreements", deal)]
    return [(label, mode), ("other agreements", deal - mode), ("no deal", 1.0 - deal)]


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


def _optional(module: str, what: str) -> Any:
    """Import an optional dependency, or say which extra provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the environment
        extra = "pandas" if module == "pandas" else "xarray"
        raise ImportError(
            f"{what} needs {module}: pip install 'kurilsim[{extra}]'"
        ) from None


def axis_value(value: Any) -> Any:
    """One value of a grid axis as a Python scalar (``numpy.float64(0.5)`` ->
    ``0.5``, ``numpy.int64(2)`` -> ``2``, text and booleans as they are).

    Examples
    --------
    >>> import numpy as np
    >>> axis_value(np.float64(0.5)), axis_value(np.int64(2)), axis_value(np.str_("a"))
    (0.5, 2, 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def _plain(values: NDArray[Any]) -> list[Any]:
    """An axis as JSON-ready Python values (floats keep their shortest repr)."""
    return list(np.asarray(values).tolist())


def _version() -> str:
    from kurilsim import __version__

    return str(__version__)


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


def _outcome_texts(result: SweepResult, codes: NDArray[Any], mode: NDArray[Any],
                   labels: dict[int, str]) -> NDArray[Any]:
    """The ``outcome`` column of points with agreement ``codes`` and mode
    probabilities ``mode``: each agreement's label, and at a lottery
    ``LOTTERY_PREFIX + label`` (a lottery's row never reads as a treaty);
    ``labels`` caches each code's label across blocks."""
    distinct, position = np.unique(codes, return_inverse=True)
    for code in distinct.tolist():
        if code not in labels:
            labels[code] = result.label(code)
    names = np.empty(len(distinct), dtype=object)
    names[:] = [labels[c] for c in distinct.tolist()]
    outcome = names[position.reshape(-1)]
    chance = np.asarray(mode).reshape(-1) < 1.0 - _LOTTERY_TOL
    if np.any(chance):
        outcome[chance] = [LOTTERY_PREFIX + text for text in outcome[chance].tolist()]
    return outcome


def _csv_block(result: SweepResult, start: int, stop: int, block: Sequence[NDArray[Any]],
               labels: dict[int, str]) -> str:
    """The CSV rows of points ``start:stop``, each ending in CRLF.

    ``block`` holds their agreement codes, probabilities, utilities and
    mode probabilities;
    ``labels`` caches the outcome cell of each agreement code across blocks.
    """
    codes, probability, flat, mode = block
    columns = [_cells(values[start:stop]) for values in result.points.values()]
    columns.append(_cells(codes))
    texts = _outcome_texts(result, codes, mode, labels).tolist()
    cells = {text: _text_cell(text) for text in set(texts)}
    outcome = np.empty(len(texts), dtype=object)
    outcome[:] = [cells[text] for text in texts]
    columns.append(outcome)
    columns.append(_cells(probability))
    columns.append(_cells(mode))
    columns.extend(_cells(flat[:, k]) for k in range(flat.shape[1]))
    rows = map(",".join, zip(*(column.tolist() for column in columns), strict=True))
    return "\r\n".join(rows) + "\r\n"
