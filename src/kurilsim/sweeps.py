"""Parameter sweeps: a scenario solved over grids or samples of its parameters.

:func:`sweep` evaluates a solution concept at every point of a full-factorial
grid (or of a random / Latin-hypercube sample) of dotted scenario parameters.
Points are processed in chunks; each chunk runs either on the *fast path*
(whole chunk at once: utilities as one matrix product, backward induction by
array operations) or point by point, serially or through any
:class:`concurrent.futures.Executor` (a process pool, or a Dask cluster's
``client.get_executor()``).  With ``checkpoint=`` finished chunks are saved
atomically as plain ``.npz`` files, so an interrupted sweep resumes where it
stopped.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import hashlib
import io
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import InvalidModelError, KurilsimError
from kurilsim.domain.agreements import NO_DEAL
from kurilsim.domain.scenario import Scenario

__all__ = ["ERROR", "FAST_CONCEPTS", "SweepResult", "sweep"]

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

_CHECKPOINT_FORMAT = 1


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
        timings (seconds) and throughput.
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
        index: list[Any] = [slice(None)] * len(self.shape)
        names = list(self.axes)
        for name, value in selection.items():
            if name not in self.axes:
                raise InvalidModelError(
                    f"no axis {name!r} in this sweep; axes are {names}"
                )
            axis_values = self.axes[name]
            matches = np.flatnonzero(
                np.isclose(axis_values.astype(float), float(value), rtol=1e-12, atol=0)
                if np.issubdtype(axis_values.dtype, np.number)
                else axis_values == value
            )
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

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write one row per point to a CSV file (no pandas needed); returns the path."""
        data = self.columns()
        target = Path(path)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(data))
            columns = [values.tolist() for values in data.values()]
            writer.writerows(zip(*columns, strict=True))
        return target

    def __repr__(self) -> str:
        axes = ", ".join(f"{n}[{len(v)}]" for n, v in self.axes.items()) or (
            f"{self.size} samples of {', '.join(self.points)}"
        )
        return (
            f"SweepResult(scenario={self.scenario.name!r}, concept={self.concept!r}, "
            f"{axes}; {len(self.errors)} errors)"
        )


# -- designs -----------------------------------------------------------------------
def _validate_values(scenario: Scenario, name: str, values: NDArray[Any]) -> None:
    """Check every value of one parameter at once (agent parameters vectorised)."""
    owner, _, parameter = name.partition(".")
    if owner != "protocol":
        agent = scenario.agent(owner)
        if np.issubdtype(values.dtype, np.number) and values.dtype != bool:
            agent.coefficients({parameter: values})
            return
    for value in np.unique(values):
        scenario.with_params({name: value.item()})


def _grid_axes(scenario: Scenario, grid: Mapping[str, ArrayLike]) -> dict[str, NDArray[Any]]:
    axes: dict[str, NDArray[Any]] = {}
    scenario.check_parameter_names(grid)
    for name, values in grid.items():
        array = np.asarray(values)
        if array.ndim == 0:
            array = array[None]
        if array.ndim != 1 or array.size == 0:
            raise InvalidModelError(
                f"grid values of {name!r} must be a non-empty 1-D sequence, got "
                f"shape {array.shape}"
            )
        _validate_values(scenario, name, array)
        axes[name] = readonly(array.copy())
    return axes


def _sample_points(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    design: str,
    samples: int,
    rng: np.random.Generator,
) -> dict[str, NDArray[Any]]:
    scenario.check_parameter_names(grid)
    names = list(grid)
    if design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), rng=rng).random(samples)
    else:
        unit = rng.random((samples, len(names)))
    points: dict[str, NDArray[Any]] = {}
    current = scenario.parameters()
    for k, name in enumerate(names):
        bounds = np.asarray(grid[name])
        if bounds.shape != (2,) or not np.issubdtype(bounds.dtype, np.number):
            raise InvalidModelError(
                f"for design={design!r}, grid[{name!r}] must be a (low, high) pair, "
                f"got {grid[name]!r}"
            )
        low, high = float(bounds[0]), float(bounds[1])
        if not low <= high:
            raise InvalidModelError(f"grid[{name!r}]: low {low} > high {high}")
        integer = isinstance(current[name], int) and not isinstance(current[name], bool)
        if integer:
            values: NDArray[Any] = np.floor(low + unit[:, k] * (high - low + 1)).astype(int)
            values = np.minimum(values, int(high))
        else:
            values = low + unit[:, k] * (high - low)
        _validate_values(scenario, name, values)
        points[name] = readonly(values)
    return points


# -- evaluation of one chunk -----------------------------------------------------------
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
    rows = [
        _utility_rows(agent, scenario.terms_of(agent.name), per_agent.get(agent.name), m)
        for agent in scenario.agents
    ]
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
                f"protocol.objection_cost must be finite and >= 0, got {cost[bad][0]!r}"
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
        from kurilsim.solvers.discrete_bargaining import discrete_bargaining_kernel

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
        except KurilsimError:
            # some point is invalid: fall back to per-point so each error is recorded
            part = _per_point(scenario, concept, names, [v[rows] for v in values])
        agreement[rows] = part.agreement
        probability[rows] = part.probability
        utilities[rows] = part.utilities
        errors.update({int(rows[k]): message for k, message in part.errors.items()})
    return _Chunk(agreement, probability, utilities, errors)


# -- checkpoints ----------------------------------------------------------------------
def _fingerprint(scenario: Scenario, concept: str, design: str, names: Sequence[str],
                 axes: Mapping[str, NDArray[Any]], points: Mapping[str, NDArray[Any]],
                 chunk_size: int) -> dict[str, Any]:
    try:
        scenario_data = scenario.to_dict()
    except KurilsimError as error:
        raise InvalidModelError(
            f"checkpointing needs a scenario that can be saved to TOML: {error}"
        ) from None
    digest = hashlib.sha256()
    for name in names:
        source = axes[name] if axes else points[name]
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(source).tobytes())
        digest.update(str(source.dtype).encode())
    return {
        "format": _CHECKPOINT_FORMAT,
        "kurilsim": _version(),
        "scenario": hashlib.sha256(
            json.dumps(scenario_data, sort_keys=True).encode()
        ).hexdigest(),
        "scenario_name": scenario.name,
        "concept": concept,
        "design": design,
        "parameters": list(names),
        "grid": digest.hexdigest(),
        "chunk_size": chunk_size,
    }


def _open_checkpoint(path: Path, fingerprint: dict[str, Any]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    manifest = path / "manifest.json"
    if manifest.exists():
        try:
            stored = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise InvalidModelError(
                f"checkpoint {path}: cannot read manifest.json ({error})"
            ) from None
        different = sorted(k for k in fingerprint if stored.get(k) != fingerprint[k])
        if different:
            details = ", ".join(
                f"{k}: checkpoint has {stored.get(k)!r}, this sweep {fingerprint[k]!r}"
                for k in different
            )
            raise InvalidModelError(
                f"checkpoint {path} belongs to a different sweep ({details}); use "
                "another directory or delete it"
            )
    else:
        _atomic_write(manifest, json.dumps(fingerprint, indent=2).encode())


def _atomic_write(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _chunk_file(path: Path, index: int) -> Path:
    return path / f"chunk-{index:07d}.npz"


def _save_chunk(path: Path, index: int, chunk: _Chunk) -> None:
    offsets = np.array(sorted(chunk.errors), dtype=np.int64)
    messages = np.array([chunk.errors[int(k)] for k in offsets], dtype=str)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        agreement=chunk.agreement,
        probability=chunk.probability,
        utilities=chunk.utilities,
        error_offsets=offsets,
        error_messages=messages if len(messages) else np.array([], dtype="<U1"),
    )
    _atomic_write(_chunk_file(path, index), buffer.getvalue())


def _load_chunk(path: Path, index: int) -> _Chunk | None:
    file = _chunk_file(path, index)
    if not file.exists():
        return None
    try:
        with np.load(file, allow_pickle=False) as data:
            errors = {
                int(k): str(message)
                for k, message in zip(data["error_offsets"], data["error_messages"],
                                      strict=True)
            }
            return _Chunk(
                data["agreement"].astype(np.intp),
                data["probability"],
                data["utilities"],
                errors,
            )
    except (OSError, ValueError, KeyError):
        return None  # a damaged chunk is recomputed


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
    executor: concurrent.futures.Executor | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
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
        parameters are sampled as integers in the closed range).
    concept : str
        A concept of :func:`kurilsim.solve_scenario`; ``"spe"`` has a fast path.
    design : {"grid", "random", "lhs"}
    samples : int, optional
        Number of points for sampled designs.
    rng : numpy.random.Generator or int, optional
        Randomness of sampled designs (SPEC 7); recorded in the metadata.
    fast : bool
        Use the vectorised path where the concept has one (default).  Its
        answers equal the per-point path (``fast=False``) at every point.
    chunk_size : int, optional
        Points per chunk (bounds memory; the unit of parallel work and of
        checkpoints).  Default: :data:`FAST_CHUNK_SIZE` (32,768, sized for
        cache) on the fast path, :data:`SLOW_CHUNK_SIZE` (64) point by point,
        where a point takes milliseconds to a second and small chunks let
        workers share the work and checkpoints save it often.
    executor : concurrent.futures.Executor, optional
        Where chunks run (e.g. ``ProcessPoolExecutor()`` or a Dask
        ``client.get_executor()``); default: in this process.
    checkpoint : path, optional
        Directory for finished chunks; a re-run with the same arguments
        resumes, a different sweep is refused.
    progress : bool, optional
        Show a tqdm progress bar (default: only on a terminal).

    Returns
    -------
    SweepResult

    Raises
    ------
    InvalidModelError
        On unknown parameter names or invalid values (checked before any
        work), bad designs, or a checkpoint from a different sweep.

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
    """
    from kurilsim.analysis import CONCEPTS

    if not isinstance(scenario, Scenario):
        raise InvalidModelError(f"expected a Scenario, got {type(scenario).__name__}")
    if concept not in CONCEPTS:
        raise InvalidModelError(
            f"unknown concept {concept!r}; expected one of {', '.join(CONCEPTS)}"
        )
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidModelError(
            f"grid must map parameter names to values, got {grid!r}"
        )
    if chunk_size is None:
        fast_path = fast and concept in FAST_CONCEPTS
        chunk_size = FAST_CHUNK_SIZE if fast_path else SLOW_CHUNK_SIZE
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidModelError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    generator = np.random.default_rng(rng)
    seed = rng if isinstance(rng, int) else None
    names = list(grid)
    if design == "grid":
        if samples is not None:
            raise InvalidModelError("samples= is only for design='random' or 'lhs'")
        axes = _grid_axes(scenario, grid)
        shape = tuple(len(axes[n]) for n in names)
        # every point's values, in C order (the last parameter varies fastest)
        index = np.unravel_index(np.arange(math.prod(shape)), shape)
        points = {n: readonly(axes[n][index[k]]) for k, n in enumerate(names)}
    elif design in ("random", "lhs"):
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise InvalidModelError(
                f"design={design!r} needs samples= a positive integer, got {samples!r}"
            )
        axes = {}
        points = _sample_points(scenario, grid, design, samples, generator)
        shape = (samples,)
    else:
        raise InvalidModelError(
            f"design must be 'grid', 'random' or 'lhs', got {design!r}"
        )
    total = math.prod(shape)
    starts = list(range(0, total, chunk_size))
    folder = Path(checkpoint) if checkpoint is not None else None
    if folder is not None:
        _open_checkpoint(
            folder,
            _fingerprint(scenario, concept, design, names, axes, points, chunk_size),
        )
    agreement = np.empty(total, dtype=np.intp)
    probability = np.empty(total)
    utilities = np.empty((total, len(scenario.agents)))
    errors: dict[int, str] = {}
    started = time.perf_counter()
    resumed = 0

    def store(position: int, chunk: _Chunk) -> None:
        start = starts[position]
        stop = start + len(chunk.agreement)
        agreement[start:stop] = chunk.agreement
        probability[start:stop] = chunk.probability
        utilities[start:stop] = chunk.utilities
        errors.update({start + k: message for k, message in chunk.errors.items()})

    pending: list[int] = []
    for position in range(len(starts)):
        loaded = _load_chunk(folder, position) if folder is not None else None
        if loaded is not None and len(loaded.agreement) == min(
            chunk_size, total - starts[position]
        ):
            store(position, loaded)
            resumed += 1
        else:
            pending.append(position)

    bar = _Progress(total, progress, f"sweep {scenario.name} ({concept})")
    bar.update(total - sum(min(chunk_size, total - starts[p]) for p in pending))

    def arguments(position: int) -> tuple[Any, ...]:
        start = starts[position]
        stop = min(start + chunk_size, total)
        return (scenario, concept, names,
                [points[name][start:stop] for name in names], fast)

    def finish(position: int, chunk: _Chunk) -> None:
        if folder is not None:
            _save_chunk(folder, position, chunk)
        store(position, chunk)
        bar.update(len(chunk.agreement))

    try:
        if executor is None:
            for position in pending:
                finish(position, _evaluate_chunk(*arguments(position)))
        else:
            for position, chunk in _run_parallel(executor, pending, arguments):
                finish(position, chunk)
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    metadata = {
        "kurilsim": _version(),
        "scenario": scenario.name,
        "concept": concept,
        "design": design,
        "seed": seed,
        "fast": bool(fast and concept in FAST_CONCEPTS),
        "chunk_size": chunk_size,
        "chunks": len(starts),
        "chunks_resumed": resumed,
        "executor": type(executor).__name__ if executor is not None else None,
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
