"""Sweep guards: size budgets, sampled integers, overflow, workers, bad arguments."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim import (
    InvalidArgumentError,
    KurilsimError,
    ProblemTooLargeError,
    concepts,
    kuril_scenario,
    sweep,
)
from kurilsim.sweeps import ERROR, FAST_CONCEPTS
from kurilsim.sweeps import run as sweep_run

SCENARIO = kuril_scenario(name="guard-test")


# -- (a) size budget --------------------------------------------------------------------
def test_a_huge_grid_is_refused_before_any_allocation() -> None:
    grid = {
        "russia.security_weight": np.linspace(0.0, 1.0, 100_000),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, 100_000),
    }
    tracemalloc.start()
    try:
        with pytest.raises(ProblemTooLargeError) as caught:
            sweep(SCENARIO, grid, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "10,000,000,000 points" in message
    assert "max_points=10000000000" in message  # the keyword that raises the budget
    assert isinstance(caught.value, MemoryError)
    assert peak < 50 * 2**20  # nothing of the size of the grid was allocated


def test_the_budget_is_the_max_points_argument() -> None:
    grid = {"russia.security_weight": np.linspace(0.0, 3.0, 7), "japan.demand": [2, 4]}
    with pytest.raises(ProblemTooLargeError, match="14 points"):
        sweep(SCENARIO, grid, progress=False, max_points=13)
    assert sweep(SCENARIO, grid, progress=False, max_points=14).size == 14
    with pytest.raises(ProblemTooLargeError, match="1,000 points"):
        sweep(SCENARIO, {"russia.security_weight": (0.0, 1.0)}, design="random",
              samples=1000, max_points=999, progress=False)


# -- (b) sampled integers ---------------------------------------------------------------
@pytest.mark.parametrize("design", ["random", "lhs"])
def test_sampled_integers_stay_in_the_requested_range(design: str) -> None:
    result = sweep(SCENARIO, {"japan.demand": (1.5, 3.5)}, design=design, samples=2000,
                   rng=1, progress=False)
    values, counts = np.unique(result.points["japan.demand"], return_counts=True)
    assert values.tolist() == [2, 3]
    assert np.issubdtype(result.points["japan.demand"].dtype, np.integer)
    assert counts.min() > 800  # uniform over {2, 3}: about 1000 each


@pytest.mark.parametrize("design", ["random", "lhs"])
def test_a_range_without_an_integer_is_refused(design: str) -> None:
    with pytest.raises(KurilsimError, match=r"contains no integer"):
        sweep(SCENARIO, {"japan.demand": (2.2, 2.8)}, design=design, samples=4,
              progress=False)


@settings(max_examples=30, deadline=None)
@given(
    low=st.floats(1.0, 4.0),
    width=st.floats(0.0, 3.0),
    design=st.sampled_from(["random", "lhs"]),
    seed=st.integers(0, 2**32),
)
def test_sampled_integers_are_the_integers_of_the_range(
    low: float, width: float, design: str, seed: int
) -> None:
    high = min(low + width, 4.0)
    first, last = int(np.ceil(low)), int(np.floor(high))
    grid = {"japan.demand": (low, high)}
    if first > last:
        with pytest.raises(KurilsimError, match="no integer"):
            sweep(SCENARIO, grid, design=design, samples=30, rng=seed, progress=False)
        return
    result = sweep(SCENARIO, grid, design=design, samples=30, rng=seed, progress=False)
    values = result.points["japan.demand"]
    assert values.min() >= first
    assert values.max() <= last


# -- (c) overflow: the fast path errs where the per-point path does -----------------
@pytest.mark.parametrize(
    "concept",
    # the per-point path of these takes seconds per point (pbe: enumeration of
    # the pledge game's PBE; nash: the logit tracer; Baron-Ferejohn and dynamic:
    # fixed-point iterations)
    [pytest.param(c, marks=pytest.mark.slow)
     if c in {"pbe", "nash", "baron-ferejohn", "dynamic"} else c
     for c in sorted(FAST_CONCEPTS)],
)
def test_fast_and_per_point_agree_where_utilities_overflow(concept: str) -> None:
    grid = {
        "japan.territory_value": [1.0, 1e308, 1.7e308],
        "japan.treaty_value": [0.2, 1e308, 1.7e308],
        "russia.security_weight": [0.5, 2.0],
    }
    fast = sweep(SCENARIO, grid, concept=concept, progress=False, chunk_size=7)
    slow = sweep(SCENARIO, grid, concept=concept, progress=False, fast=False)
    assert fast.metadata["fast"]
    assert slow.errors  # the grid does overflow somewhere ...
    assert len(slow.errors) < slow.size  # ... and not everywhere
    assert fast.errors == slow.errors
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    assert set(np.flatnonzero(fast.agreement.ravel() == ERROR).tolist()) == set(fast.errors)
    # NaN == NaN; a lottery's utilities are certified to the solver's tolerance
    atol = 1e-7 if concepts.get(concept).lottery else 1e-12
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=atol)
    # (some concepts' solvers also refuse huge but finite points: PrecisionError)
    assert any("not all finite" in message for message in fast.errors.values())


# -- (d) workers ------------------------------------------------------------------------
class _RecordingPool(concurrent.futures.ThreadPoolExecutor):
    sizes: ClassVar[list[int]] = []

    def __init__(self, max_workers: int) -> None:
        type(self).sizes.append(max_workers)
        super().__init__(max_workers)


@pytest.mark.parametrize(
    ("workers", "cpus", "expected"),
    [(1000, 2, 2), (1000, 64, 9), (3, 64, 3), (1, 64, 1), (4, 1, 1)],
)
def test_workers_are_capped_at_the_chunks_and_the_cpus(
    monkeypatch: pytest.MonkeyPatch, workers: int, cpus: int, expected: int
) -> None:
    grid = {"russia.security_weight": np.linspace(0.0, 3.0, 9)}  # 9 chunks of 1
    monkeypatch.setattr(sweep_run, "_available_cpus", lambda: cpus)
    monkeypatch.setattr(sweep_run, "process_pool", _RecordingPool)
    _RecordingPool.sizes = []
    result = sweep(SCENARIO, grid, progress=False, chunk_size=1, workers=workers)
    assert result.metadata["workers"] == expected
    assert result.metadata["workers_requested"] == workers
    assert _RecordingPool.sizes == ([expected] if expected > 1 else [])
    serial = sweep(SCENARIO, grid, progress=False, chunk_size=1)
    np.testing.assert_array_equal(result.agreement, serial.agreement)


def test_no_pool_is_started_for_chunks_already_in_the_checkpoint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    grid = {"russia.security_weight": np.linspace(0.0, 3.0, 9)}
    sweep(SCENARIO, grid, progress=False, chunk_size=3, checkpoint=tmp_path / "c")
    monkeypatch.setattr(sweep_run, "_available_cpus", lambda: 8)
    monkeypatch.setattr(sweep_run, "process_pool", _RecordingPool)
    _RecordingPool.sizes = []
    again = sweep(SCENARIO, grid, progress=False, chunk_size=3, workers=8,
                  checkpoint=tmp_path / "c")
    assert again.metadata["workers"] == 1
    assert _RecordingPool.sizes == []


# -- (e) no worker outlives a killed sweep ----------------------------------------------
def _proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, from /proc."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            table[int(entry.name)] = (int(parent), state)
    return table


def _descendants(pid: int) -> list[int]:
    table = _proc_table()
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, (pp, _) in table.items() if pp == parent]
        found += children
        todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # zombies are dead


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["workers", "process_pool"])
def test_no_worker_outlives_a_killed_sweep(how: str) -> None:
    # chunks of minutes each: without a watch, the workers would run on as orphans
    pool = "workers=2" if how == "workers" else "executor=process_pool(2)"
    code = textwrap.dedent(f"""
        import os
        import numpy as np, kurilsim
        from kurilsim.sweeps import process_pool
        os.environ.pop("COVERAGE_PROCESS_START", None)
        kurilsim.sweep(kurilsim.kuril_scenario(name="k"),
                       {{"russia.security_weight": np.linspace(0, 3, 100_000)}},
                       concept="nash", fast=False, chunk_size=20_000,
                       progress=False, {pool})
    """)
    if how == "workers" and sweep_run._available_cpus() < 2:
        pytest.skip("workers=2 runs in-process on one CPU; process_pool covers the watch")
    process = subprocess.Popen([sys.executable, "-c", code])
    family: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(family) < 3:  # the fork server and two workers, at least
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "the pool did not start"
            time.sleep(0.1)
            family = _descendants(process.pid)
        time.sleep(1.5)  # the workers are inside their chunks now
        family = _descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in family if _alive(p)] == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in family:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


# -- (f) bad arguments name themselves --------------------------------------------------
GRID = {"russia.security_weight": [0.0, 1.0]}


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"rng": "x"}, "rng"),
        ({"rng": -1}, "rng"),
        ({"rng": 1.5}, "rng"),
        ({"rng": True}, "rng"),
        ({"chunk_size": 2.5}, "chunk_size"),
        ({"chunk_size": "10"}, "chunk_size"),
        ({"chunk_size": True}, "chunk_size"),
        ({"chunk_size": -3}, "chunk_size"),
        ({"workers": 0}, "workers"),
        ({"workers": "4"}, "workers"),
        ({"workers": 2, "executor": concurrent.futures.ThreadPoolExecutor(1)}, "workers"),
        ({"executor": "pool"}, "executor"),
        ({"max_points": 0}, "max_points"),
        ({"fast": "yes"}, "fast"),
        ({"progress": "no"}, "progress"),
        ({"checkpoint": 5}, "checkpoint"),
        ({"design": ["grid"]}, "design"),
        ({"concept": ["spe"]}, "concept"),
        ({"grid": {"russia.security_weight": ["a", "b"]}}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": [[0.0, 1.0], [2.0]]}},
         "russia.security_weight"),
        ({"grid": {"russia.security_weight": None}}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": [1 + 2j]}}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": [object()]}}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": []}}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": [np.nan]}}, "russia.security_weight"),
        ({"grid": {5: [1.0]}}, "5"),
        ({"grid": [("russia.security_weight", [1.0])]}, "grid"),
        ({"grid": {"russia.security_weight": (0.0, np.inf)}, "design": "random",
          "samples": 3}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": (2.0, 1.0)}, "design": "random",
          "samples": 3}, "russia.security_weight"),
        ({"grid": {"russia.security_weight": ("a", "b")}, "design": "random",
          "samples": 3}, "russia.security_weight"),
        ({"design": "random", "samples": 2.5}, "samples"),
        ({"design": "random", "samples": "3"}, "samples"),
    ],
)
def test_bad_arguments_raise_a_kurilsim_error_naming_them(
    arguments: dict[str, Any], match: str
) -> None:
    options = {"grid": GRID, "progress": False, **arguments}
    grid = options.pop("grid")
    with pytest.raises(KurilsimError, match=f"(?i){match}") as caught:
        sweep(SCENARIO, grid, **options)
    assert "\n" not in str(caught.value)


def test_a_scenario_that_is_not_one_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="scenario must be a Scenario, got str"):
        sweep("2018-singapore", GRID)  # type: ignore[arg-type]


def test_numpy_integers_are_fine_arguments() -> None:
    result = sweep(SCENARIO, GRID, progress=False, chunk_size=np.int64(1),
                   max_points=np.int32(5), rng=np.int64(3))
    assert result.metadata["chunks"] == 2
    assert result.metadata["seed"] == 3
