"""Running a sweep: the entry point :func:`sweep`, its chunks, workers and progress.

:func:`sweep` evaluates a solution concept at every point of a full-factorial
grid (or of a random / Latin-hypercube sample) of dotted scenario parameters.
Points are processed in chunks (:mod:`kurilsim.sweeps.evaluate`); each chunk
runs either on the *fast path* (a concept with a kernel: the whole chunk at
once) or point by point, serially, on a process pool of its own
(``workers=``) or through any :class:`concurrent.futures.Executor` (a Dask
cluster's ``client.get_executor()``).  With ``checkpoint=`` finished chunks
are saved and an interrupted sweep resumes (:mod:`kurilsim.sweeps.checkpoint`);
with ``in_memory=False`` as well, the results stay there, written chunk by
chunk as they finish, and the result reads them back from there (a sweep of
any size in the memory of a few chunks).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import math
import multiprocessing
import numbers
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim import concepts
from kurilsim._arrays import readonly
from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.concepts import Concept
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps.checkpoint import (
    ChunkSpec,
    StoredChunks,
    load_chunk,
    manifest,
    open_checkpoint,
    save_chunk,
    write_description,
)
from kurilsim.sweeps.design import DEFAULT_MAX_POINTS, Design, make_design
from kurilsim.sweeps.evaluate import Chunk, evaluate_chunk
from kurilsim.sweeps.result import SweepResult, _Stored

__all__ = ["FAST_CHUNK_SIZE", "SLOW_CHUNK_SIZE", "process_pool", "sweep"]

#: Default points per chunk on the fast path (a few MB per array: stays in cache).
FAST_CHUNK_SIZE: Final = 32_768
#: Default points per chunk point by point.
SLOW_CHUNK_SIZE: Final = 64

#: Seconds between two checks, in a pool's worker, that the sweep still runs.
_WATCH_INTERVAL = 0.25


def _version() -> str:
    from kurilsim import __version__

    return __version__


# -- progress ----------------------------------------------------------------------------
class _Progress:
    """A progress bar over the points of a sweep (``tqdm.auto``: a widget in a
    notebook, text on a terminal), moved by each chunk's number of points as
    the chunk finishes: ``64/128 points``, whole numbers, no SI scaling."""

    def __init__(self, total: int, enabled: bool | None, description: str) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty() or _in_notebook()
        self._bar: Any = None
        if enabled:
            try:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=int(total), desc=description, unit="points",
                                 unit_scale=False, leave=False)
            except ImportError:  # pragma: no cover - tqdm is optional
                self._bar = None

    def update(self, n: int) -> None:
        if self._bar is not None and n:
            self._bar.update(int(n))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython's own test, without
    importing IPython when nothing did)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


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
    concept: str | Concept = "spe",
    options: Mapping[str, Any] | None = None,
    design: Literal["grid", "random", "lhs", "points"] = "grid",
    samples: int | None = None,
    rng: np.random.Generator | int | None = None,
    fast: bool = True,
    chunk_size: int | None = None,
    workers: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    in_memory: bool = True,
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
        parameters are drawn uniformly from the integers of the closed range),
        or to one array of values per parameter, all of one length ``m``, for
        ``design="points"``: the concept is evaluated at exactly those ``m``
        points (the ``k``-th value of each array), with no grid product, on
        the fast path when the concept has a kernel; the result has shape
        ``(m,)``.  :func:`kurilsim.robustness` runs its Saltelli matrices
        this way.
    concept : str or Concept
        A concept's name (see :func:`kurilsim.concepts.names`) or a
        :class:`~kurilsim.concepts.Concept`.  Those with a kernel
        (:attr:`Concept.vectorised <kurilsim.concepts.Concept.vectorised>`;
        :data:`FAST_CONCEPTS` lists the registered ones) have a vectorised
        fast path; the others are solved point by point.
    options : mapping of str to object, optional
        The concept's options (:attr:`Concept.options
        <kurilsim.concepts.Concept.options>`, e.g. ``{"tol": 1e-8}``), passed
        to its ``solve`` at each point; checked like those of
        :func:`kurilsim.solve_scenario`.  A kernel takes no options: with
        options, points are solved one by one (``metadata["fast"]`` is
        False).  Recorded in ``metadata["options"]`` and in a checkpoint's
        identity.
    design : {"grid", "random", "lhs", "points"}
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
        from directories you trust.  The directory also holds the base
        scenario (``scenario.toml``) and the design (``design/NAME.npy``),
        so that :func:`kurilsim.sweeps.load_result` reads a finished sweep
        back; the layout is documented in :mod:`kurilsim.sweeps.checkpoint`.
    in_memory : bool
        Gather the results in memory (default).  ``False`` (needs
        ``checkpoint``) leaves them in the checkpoint directory, each chunk
        written as it finishes and none kept: the sweep needs the memory of a
        few chunks (and of its design's points), whatever its size, and
        returns a result that reads its columns from the directory
        (:attr:`SweepResult.source <kurilsim.SweepResult>`), whose
        ``outcome_shares``, ``to_csv`` and ``iter_columns`` go chunk by chunk.
    progress : bool, optional
        Show a progress bar over the points (``tqdm.auto``: a widget in a
        Jupyter notebook, text on a terminal; default: on a terminal or in a
        notebook).
    max_points : int
        Budget: a sweep of more points is refused before anything is
        allocated (default :data:`DEFAULT_MAX_POINTS`).

    Returns
    -------
    SweepResult

    Raises
    ------
    InvalidModelError
        On an unknown concept, a scenario whose protocol lacks a role the
        concept needs, unknown parameter names or invalid values (checked
        before any work) or bad designs.
    InvalidArgumentError
        On an argument of the wrong type or value (the message names it),
        or an option no registered concept takes.
    ProblemTooLargeError
        If the sweep has more than ``max_points`` points.
    CheckpointError
        If ``checkpoint`` belongs to a different sweep, or holds chunk files
        without a manifest, or cannot be created.

    Warns
    -----
    UnusedOptionWarning
        For an option the concept does not take but another concept does (it
        is ignored).
    KurilsimWarning
        For each checkpoint chunk file that is not valid or whose content
        does not match its digest (it is recomputed).

    Examples
    --------
    >>> import numpy as np, kurilsim
    >>> scenario = kurilsim.kuril_scenario(name="default")
    >>> result = kurilsim.sweep(
    ...     scenario,
    ...     {"japan.demand": [2, 4], "russia.security_weight": np.linspace(0, 3, 31)},
    ...     progress=False)
    >>> result.shape
    (2, 31)
    >>> result.sel({"japan.demand": 2}).agreement.shape
    (31,)
    >>> points = kurilsim.sweep(
    ...     scenario,
    ...     {"japan.demand": [2, 4, 4], "russia.security_weight": [0.0, 0.0, 3.0]},
    ...     design="points", progress=False)
    >>> points.shape, points.design
    ((3,), 'points')

    Results left on disk, written chunk by chunk and read back the same way:

    >>> import tempfile
    >>> grid = {"japan.demand": [2, 4], "russia.security_weight": [0.0, 1.5, 3.0]}
    >>> stored = kurilsim.sweep(scenario, grid, checkpoint=tempfile.mkdtemp(),
    ...                         in_memory=False, progress=False)
    >>> stored.source is not None
    True
    >>> held = kurilsim.sweep(scenario, grid, progress=False)
    >>> stored.outcome_shares() == held.outcome_shares()
    True
    >>> bool((stored.utilities == held.utilities).all())
    True
    >>> kurilsim.sweep(scenario, {"russia.security_weight": np.linspace(0, 3, 10**5),
    ...                           "russia.pledge_credibility": np.linspace(0, 1, 10**5)})
    Traceback (most recent call last):
    ...
    kurilsim._errors.ProblemTooLargeError: the sweep has 10,000,000,000 points (100000 x 100000), more than max_points=50,000,000; its result alone would take about 521.5 GiB; pass sweep(..., max_points=10000000000) to allow it
    """
    plan = _plan(scenario, concept, options, fast=fast, chunk_size=chunk_size,
                 workers=workers, executor=executor, checkpoint=checkpoint,
                 in_memory=in_memory, progress=progress, max_points=max_points)
    points = make_design(scenario, grid, kind=design, samples=samples, rng=rng,
                         max_points=plan.max_points)
    store = _open_store(plan, points)
    table = _Table.empty(points.size, plan.chunk_size, len(scenario.agents),
                         keep=plan.in_memory)
    started = time.perf_counter()
    pending = _resume(store, table)
    workers_used, limited_by = _count_workers(plan, len(pending))
    runner = _run(plan, points, store, table, pending, workers_used)
    elapsed = time.perf_counter() - started
    metadata = {
        "kurilsim": _version(),
        "scenario": scenario.name,
        "concept": plan.concept.name,
        "lottery": plan.concept.lottery,
        "options": dict(plan.options),
        "design": points.kind,
        "seed": points.seed,
        # a sampled design's ranges: with the kind and seed, the sample again
        "ranges": _sample_record(points).get("ranges", []),
        "fast": plan.fast,
        "in_memory": plan.in_memory,
        "chunk_size": plan.chunk_size,
        "chunks": len(table.starts),
        "chunks_resumed": len(table.starts) - len(pending),
        "executor": runner,
        "workers": workers_used,
        "workers_limited_by": limited_by,
        "workers_requested": workers,
        "seconds": elapsed,
        "points_per_second": points.size / elapsed if elapsed > 0 else math.inf,
        # when the run finished (UTC): the provenance every written copy carries
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    source = None if plan.in_memory else store.chunks(table)
    return table.result(scenario, plan.concept.name, points, metadata, source)


def _sample_record(points: Design) -> dict[str, Any]:
    """How a sampled design was drawn (its seed and each parameter's range),
    for the metadata and the checkpoint manifest; empty for other designs."""
    if not points.ranges:
        return {}
    # a list, not a mapping: the order of the parameters is the order of the
    # draws, and JSON written with sorted keys would lose it
    return {"seed": points.seed,
            "ranges": [[name, *pair] for name, pair in points.ranges.items()]}


@dataclass(frozen=True, slots=True)
class _Plan:
    """The checked options of one sweep."""

    scenario: Scenario
    concept: Concept
    options: Mapping[str, Any]  # checked: the ones the concept takes
    fast: bool  # whether the fast path runs (a kernel, and no options)
    chunk_size: int
    max_points: int
    workers: int | None
    executor: concurrent.futures.Executor | None
    folder: Path | None
    in_memory: bool
    progress: bool | None


def _plan(
    scenario: object,
    concept: object,
    options: object,
    *,
    fast: object,
    chunk_size: object,
    workers: object,
    executor: object,
    checkpoint: object,
    in_memory: object = True,
    progress: object,
    max_points: object,
) -> _Plan:
    """Check every option of :func:`sweep` that does not need the grid."""
    if not isinstance(scenario, Scenario):
        raise InvalidArgumentError(
            f"scenario must be a Scenario, got {type(scenario).__name__}"
        )
    if isinstance(concept, Concept):
        record = concept
    elif isinstance(concept, str) and (
        # a registered concept needs no scan of the installed entry points
        any(known.name == concept for known in concepts.registered())
        or concept in concepts.names()
    ):
        record = concepts.get(concept)
    else:
        raise InvalidModelError(
            f"unknown concept {concept!r}; expected one of {', '.join(concepts.names())}"
            " or a kurilsim.concepts.Concept"
        )
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise InvalidArgumentError(
            "options must be a mapping of option names to values, got "
            f"{type(options).__name__}"
        )
    taken = record.check_options(options, stacklevel=4)
    record.check_scenario(scenario)
    _check_flag("fast", fast)
    if progress is not None:
        _check_flag("progress", progress)
    fast_path = bool(fast and record.vectorised and not taken)
    if chunk_size is None:
        chunk_size = FAST_CHUNK_SIZE if fast_path else SLOW_CHUNK_SIZE
    size = _check_count("chunk_size", chunk_size)
    budget = _check_count("max_points", max_points)
    count = None if workers is None else _check_count("workers", workers)
    if count is not None and executor is not None:
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
    _check_flag("in_memory", in_memory)
    if not in_memory and checkpoint is None:
        raise InvalidArgumentError(
            "in_memory=False needs checkpoint= (the directory the results are "
            "written to and read back from)"
        )
    return _Plan(
        scenario=scenario,
        concept=record,
        options=taken,
        fast=fast_path,
        chunk_size=size,
        max_points=budget,
        workers=count,
        executor=executor,
        folder=None if checkpoint is None else Path(checkpoint),
        in_memory=bool(in_memory),
        progress=None if progress is None else bool(progress),
    )


@dataclass(frozen=True, slots=True)
class _Store:
    """Where finished chunks are saved (a checkpoint directory), or nowhere."""

    folder: Path | None
    spec: ChunkSpec | None

    def load(self, position: int, size: int) -> Chunk | None:
        if self.folder is None or self.spec is None:
            return None
        return load_chunk(self.folder, position, size, self.spec)

    def save(self, position: int, chunk: Chunk) -> None:
        if self.folder is not None and self.spec is not None:
            save_chunk(self.folder, position, chunk, self.spec.fingerprint)

    def chunks(self, table: _Table) -> StoredChunks:
        """The saved chunks of the finished sweep, to read back."""
        assert self.folder is not None
        assert self.spec is not None
        return StoredChunks(self.folder, self.spec, table.starts, table.total)


def _open_store(plan: _Plan, points: Design) -> _Store:
    """Claim the checkpoint directory for this sweep (or refuse it)."""
    if plan.folder is None:
        return _Store(None, None)
    scenario = plan.scenario
    description = manifest(scenario, plan.concept.name, points.kind, plan.fast,
                           list(points.names), points.axes, points.points,
                           plan.chunk_size, options=plan.options,
                           sample=_sample_record(points))
    store = _Store(plan.folder, ChunkSpec(
        fingerprint=open_checkpoint(plan.folder, description),
        outcomes=len(scenario.space),
        agents=len(scenario.agents),
    ))
    write_description(plan.folder, scenario, points.axes or points.points)
    return store


@dataclass(frozen=True, slots=True)
class _Table:
    """The result arrays of a sweep, filled chunk by chunk (only its errors if
    the results are not kept in memory)."""

    starts: tuple[int, ...]
    total: int
    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    mode_probability: NDArray[np.float64]
    errors: dict[int, str]
    keep: bool  # whether the arrays hold the results (else only errors are kept)

    @classmethod
    def empty(cls, total: int, chunk_size: int, agents: int, *, keep: bool = True
              ) -> _Table:
        size = total if keep else 0
        return cls(
            starts=tuple(range(0, total, chunk_size)),
            total=total,
            agreement=np.empty(size, dtype=np.intp),
            probability=np.empty(size),
            utilities=np.empty((size, agents)),
            mode_probability=np.empty(size),
            errors={},
            keep=keep,
        )

    def span(self, position: int) -> tuple[int, int]:
        """First and past-the-end point of chunk ``position``."""
        start = self.starts[position]
        stop = self.starts[position + 1] if position + 1 < len(self.starts) else self.total
        return start, stop

    def store(self, position: int, chunk: Chunk) -> None:
        start, stop = self.span(position)
        if self.keep:
            self.agreement[start:stop] = chunk.agreement
            self.probability[start:stop] = chunk.probability
            self.utilities[start:stop] = chunk.utilities
            self.mode_probability[start:stop] = chunk.mode_probability
        self.errors.update({start + k: message for k, message in chunk.errors.items()})

    def result(self, scenario: Scenario, concept: str, points: Design,
               metadata: dict[str, Any], source: StoredChunks | None = None
               ) -> SweepResult:
        shape = points.shape
        if source is not None:
            stored = _Stored(source)
            return SweepResult(
                scenario=scenario, concept=concept, design=points.kind,
                axes=points.axes, points=points.points, shape=shape,
                agreement=stored, probability=stored, utilities=stored,
                mode_probability=stored, errors=self.errors, metadata=metadata, source=source,
            )
        return SweepResult(
            scenario=scenario,
            concept=concept,
            design=points.kind,
            axes=points.axes,
            points=points.points,
            shape=shape,
            agreement=readonly(self.agreement.reshape(shape)),
            probability=readonly(self.probability.reshape(shape)),
            utilities=readonly(self.utilities.reshape((*shape, len(scenario.agents)))),
            mode_probability=readonly(self.mode_probability.reshape(shape)),
            errors=self.errors,
            metadata=metadata,
        )


def _resume(store: _Store, table: _Table) -> list[int]:
    """Fill in the chunks the checkpoint holds; the positions left to compute."""
    pending: list[int] = []
    for position in range(len(table.starts)):
        start, stop = table.span(position)
        loaded = store.load(position, stop - start)
        if loaded is None:
            pending.append(position)
        else:
            table.store(position, loaded)
    return pending


def _count_workers(plan: _Plan, pending: int) -> tuple[int | None, str | None]:
    """How many workers run (None: an executor's own) and what capped them."""
    if plan.workers is None:
        return (1 if plan.executor is None else None), None
    cpus = _available_cpus()
    used = max(1, min(plan.workers, pending, cpus))
    if used < plan.workers:
        return used, "CPUs" if used == cpus else "chunks to compute"
    return used, None


def _run(plan: _Plan, points: Design, store: _Store, table: _Table,
         pending: Sequence[int], workers: int | None) -> str | None:
    """Compute the pending chunks (saving each as it finishes); the name of the
    executor that ran them (None: this process)."""
    scenario = plan.scenario
    names = list(points.names)

    def arguments(position: int) -> tuple[Any, ...]:
        start, stop = table.span(position)
        return (scenario, plan.concept, names,
                [points.points[name][start:stop] for name in names], plan.fast,
                plan.options)

    own_pool = process_pool(workers) if workers is not None and workers > 1 else None
    runner = own_pool if own_pool is not None else plan.executor
    bar = _Progress(table.total, plan.progress,
                    f"sweep {scenario.name} ({plan.concept.name})")
    done = table.total - sum(stop - start for start, stop in map(table.span, pending))
    bar.update(done)
    try:
        finished: Iterator[tuple[int, Chunk]] = (
            ((position, evaluate_chunk(*arguments(position))) for position in pending)
            if runner is None else _run_parallel(runner, pending, arguments)
        )
        for position, chunk in finished:
            store.save(position, chunk)
            table.store(position, chunk)
            bar.update(len(chunk.agreement))
    except BaseException:
        if own_pool is not None:
            _stop_pool(own_pool)
        raise
    else:
        if own_pool is not None:
            own_pool.shutdown(wait=True)
    finally:
        bar.close()
    return type(runner).__name__ if runner is not None else None


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


def _run_parallel(
    executor: concurrent.futures.Executor,
    pending: Sequence[int],
    arguments: Callable[[int], tuple[Any, ...]],
) -> Iterator[tuple[int, Chunk]]:
    futures = {
        executor.submit(evaluate_chunk, *arguments(position)): position
        for position in pending
    }
    try:
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()
