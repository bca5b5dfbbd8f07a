"""Parameter sweeps: designs, fast path = per-point path, checkpoints, executors."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import kurilsim
from kurilsim import CheckpointError, InvalidModelError, Scenario, concepts, sweep
from kurilsim.concepts import Concept
from kurilsim.sweeps import ERROR
from kurilsim.testing.strategies import sweep_grids

SCENARIO = kurilsim.kuril_scenario(name="sweep-test")
GRID = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 3.0, 7),
    "russia.pledge_credibility": [0.0, 0.5, 1.0],
}


def test_grid_shape_axes_and_points() -> None:
    result = sweep(SCENARIO, GRID, progress=False)
    assert result.shape == (2, 7, 3)
    assert list(result.axes) == list(GRID)
    assert result.utilities.shape == (2, 7, 3, 3)
    assert result.points["russia.security_weight"].shape == (42,)
    # the points enumerate the grid in C order
    assert result.points["japan.demand"][0] == 2
    assert result.points["japan.demand"][-1] == 4
    assert result.metadata["concept"] == "spe"
    assert result.metadata["kurilsim"] == kurilsim.__version__
    assert not result.agreement.flags.writeable


@pytest.mark.parametrize(
    "concept", ["spe", "nash-bargaining-discrete", "kalai-smorodinsky-discrete"]
)
def test_every_fast_concept_equals_its_per_point_path(concept: str) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    fast = sweep(scenario, GRID, concept=concept, progress=False, chunk_size=16)
    slow = sweep(scenario, GRID, concept=concept, progress=False, fast=False)
    assert fast.metadata["fast"]
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=1e-12)
    assert len(set(fast.agreement.ravel().tolist())) > 1  # the grid is not trivial


def test_fast_path_equals_per_point_path() -> None:
    grid = {
        **GRID,
        "protocol.objection_cost": [0.0, 0.3],
        "protocol.objection_blocks": [False, True],
    }
    fast = sweep(SCENARIO, grid, progress=False, chunk_size=50)
    slow = sweep(SCENARIO, grid, progress=False, fast=False)
    assert fast.metadata["fast"]
    assert not slow.metadata["fast"]
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=1e-12)
    np.testing.assert_array_equal(fast.probability, slow.probability)


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_fast_path_equals_per_point_on_every_builtin_scenario(name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    grid = {
        "russia.pledge_credibility": np.linspace(0, 1, 6),
        "japan.audience_cost": [0.0, 0.3, 1.0],
    }
    fast = sweep(scenario, grid, progress=False)
    slow = sweep(scenario, grid, progress=False, fast=False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=1e-12)


def test_each_point_equals_solving_the_changed_scenario() -> None:
    result = sweep(SCENARIO, GRID, progress=False)
    for k in range(0, result.size, 5):
        params = {name: values[k].item() for name, values in result.points.items()}
        outcome = kurilsim.solve_scenario(SCENARIO.with_params(params), "spe")
        expected = outcome.agreement_index if outcome.agreement else kurilsim.NO_DEAL
        assert result.agreement.ravel()[k] == expected


@pytest.mark.parametrize("design", ["random", "lhs"])
def test_sampled_designs_are_reproducible_and_in_bounds(design: str) -> None:
    grid = {"russia.security_weight": (0.5, 2.5), "japan.demand": (2, 4)}
    first = sweep(SCENARIO, grid, design=design, samples=64, rng=7, progress=False)
    again = sweep(SCENARIO, grid, design=design, samples=64, rng=7, progress=False)
    other = sweep(SCENARIO, grid, design=design, samples=64, rng=8, progress=False)
    weights = first.points["russia.security_weight"]
    assert first.shape == (64,)
    assert np.all((weights >= 0.5) & (weights <= 2.5))
    assert set(first.points["japan.demand"].tolist()) <= {2, 3, 4}
    np.testing.assert_array_equal(weights, again.points["russia.security_weight"])
    assert not np.array_equal(weights, other.points["russia.security_weight"])
    assert first.metadata["seed"] == 7
    if design == "lhs":  # one sample in each of the 64 strata
        strata = np.floor((weights - 0.5) / 2.0 * 64).astype(int)
        assert sorted(strata.tolist()) == list(range(64))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"grid": {"russia.security": [1.0]}}, "did you mean 'russia.security_weight'"),
        ({"grid": {"japan.demand": [2, 7]}}, "japan.demand|demand"),
        ({"grid": {"japan.demand": [[2, 4]]}}, "1-D"),
        ({"grid": {}}, "grid"),
        ({"grid": GRID, "concept": "magic"}, "unknown concept 'magic'"),
        ({"grid": GRID, "design": "sobol"}, "design"),
        ({"grid": GRID, "design": "random"}, "samples"),
        ({"grid": GRID, "samples": 3}, "samples"),
        ({"grid": GRID, "chunk_size": 0}, "chunk_size"),
        ({"grid": {"japan.demand": (2, 4, 6)}, "design": "lhs", "samples": 4}, "pair"),
    ],
)
def test_bad_arguments_raise_before_any_work(kwargs: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(kurilsim.KurilsimError, match=match):
        sweep(SCENARIO, progress=False, **kwargs)


@pytest.fixture
def registered() -> Iterator[Callable[[Concept], Concept]]:
    """Register concepts for one test; they are removed afterwards."""
    added: list[str] = []

    def add(concept: Concept) -> Concept:
        added.append(concept.name)
        return concepts.register(concept)

    yield add
    for name in added:
        concepts.unregister(name)


def _flaky_spe(scenario: Scenario, **options: Any) -> kurilsim.Outcome:
    """The SPE, except that it fails at one security weight."""
    if scenario.agent("russia").security_weight == 1.5:
        raise kurilsim.SolverError("no certified answer here")
    outcome = kurilsim.solve_scenario(scenario, "spe")
    return dataclasses.replace(outcome, concept="flaky-spe")


def test_errors_are_recorded_per_point(
    registered: Callable[[Concept], Concept],
) -> None:
    registered(Concept(name="flaky-spe", title="flaky SPE",
                       description="the SPE, failing at one point", solve=_flaky_spe))
    result = sweep(
        SCENARIO, {"russia.security_weight": [1.0, 1.5, 2.0]}, concept="flaky-spe",
        progress=False,
    )
    assert result.agreement.tolist()[1] == ERROR
    assert result.errors == {1: "SolverError: no certified answer here"}
    assert np.all(np.isnan(result.utilities[1]))
    assert result.agreement[0] != ERROR
    assert result.outcome_shares()["error"] == pytest.approx(1 / 3)
    # a selection keeps the errors of its points, re-indexed
    assert result.sel({"russia.security_weight": 1.5}).errors == {
        0: "SolverError: no certified answer here"
    }
    assert result.sel({"russia.security_weight": 2.0}).errors == {}


def test_exports_csv_numpy_pandas_and_selection(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = sweep(SCENARIO, GRID, progress=False)
    records = result.to_numpy()
    assert records.shape == (42,)
    assert set(records.dtype.names) >= {
        "japan.demand", "agreement", "outcome", "probability", "utility.japan"
    }
    path = result.to_csv(tmp_path / "out.csv")
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 43
    assert lines[0].startswith("japan.demand,russia.security_weight")
    pd = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 42
    assert list(frame.index.names) == list(result.points)
    part = result.sel({"japan.demand": 4, "russia.pledge_credibility": 0.5})
    assert part.shape == (7,)
    mask = (records["japan.demand"] == 4) & (records["russia.pledge_credibility"] == 0.5)
    np.testing.assert_array_equal(part.agreement, records["agreement"][mask])
    with pytest.raises(InvalidModelError, match="not on the grid"):
        result.sel({"japan.demand": 3})
    shares = result.outcome_shares()
    assert sum(shares.values()) == pytest.approx(1.0)
    assert list(shares.values()) == sorted(shares.values(), reverse=True)


_SOLVED = {"points": 0, "limit": -1}


def _interruptible_spe(scenario: Scenario, **options: Any) -> kurilsim.Outcome:
    """The SPE, interrupted (as by Ctrl-C) after ``_SOLVED["limit"]`` points."""
    if _SOLVED["points"] == _SOLVED["limit"]:
        raise KeyboardInterrupt
    _SOLVED["points"] += 1
    return dataclasses.replace(kurilsim.solve_scenario(scenario, "spe"),
                               concept="interruptible-spe")


def test_checkpoint_resume_after_interruption(
    tmp_path: Path, registered: Callable[[Concept], Concept]
) -> None:
    registered(Concept(name="interruptible-spe", title="interruptible SPE",
                       description="the SPE, interrupted", solve=_interruptible_spe))
    folder = tmp_path / "ckpt"
    options: dict[str, Any] = {
        "concept": "interruptible-spe", "progress": False, "chunk_size": 5
    }
    reference = sweep(SCENARIO, GRID, **options)
    _SOLVED.update(points=0, limit=3 * 5 + 2)  # interrupted within the fourth chunk
    with pytest.raises(KeyboardInterrupt):
        sweep(SCENARIO, GRID, checkpoint=folder, **options)
    assert len(list(folder.glob("chunk-*.npz"))) == 3
    _SOLVED.update(points=0, limit=-1)
    resumed = sweep(SCENARIO, GRID, checkpoint=folder, **options)
    assert resumed.metadata["chunks_resumed"] == 3
    np.testing.assert_array_equal(resumed.agreement, reference.agreement)
    np.testing.assert_array_equal(resumed.utilities, reference.utilities)
    again = sweep(SCENARIO, GRID, checkpoint=folder, **options)
    assert again.metadata["chunks_resumed"] == again.metadata["chunks"]
    # plain data: loadable without pickle, a JSON manifest
    with np.load(next(folder.glob("chunk-*.npz")), allow_pickle=False) as data:
        assert set(data.files) >= {"agreement", "utilities"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scenario_name"] == "sweep-test"
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    "change",
    [
        {"scenario": SCENARIO.with_params({"japan.treaty_value": 0.5})},
        {"grid": {**GRID, "japan.demand": [2, 3]}},
        {"concept": "nash"},
        {"chunk_size": 7},
    ],
)
def test_checkpoint_of_another_sweep_is_refused(tmp_path, change) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ckpt"
    sweep(SCENARIO, GRID, progress=False, chunk_size=5, checkpoint=folder)
    arguments = {"scenario": SCENARIO, "grid": GRID, "chunk_size": 5, **change}
    scenario = arguments.pop("scenario")
    grid = arguments.pop("grid")
    with pytest.raises(CheckpointError, match="belongs to a different sweep"):
        sweep(scenario, grid, progress=False, checkpoint=folder, **arguments)


def test_process_pool_equals_serial() -> None:
    serial = sweep(SCENARIO, GRID, progress=False, chunk_size=8)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        parallel = sweep(SCENARIO, GRID, progress=False, chunk_size=8, executor=pool)
    np.testing.assert_array_equal(parallel.agreement, serial.agreement)
    np.testing.assert_array_equal(parallel.utilities, serial.utilities)
    assert parallel.metadata["executor"] == "ProcessPoolExecutor"


@pytest.mark.slow
def test_dask_local_cluster_equals_serial() -> None:
    distributed = pytest.importorskip("distributed")
    serial = sweep(SCENARIO, GRID, progress=False, chunk_size=8)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        result = sweep(
            SCENARIO, GRID, progress=False, chunk_size=8, executor=client.get_executor()
        )
    np.testing.assert_array_equal(result.agreement, serial.agreement)
    np.testing.assert_array_equal(result.utilities, serial.utilities)


@settings(max_examples=10, deadline=None)
@given(grid=sweep_grids(SCENARIO, max_parameters=2, max_values=3))
def test_fast_path_equals_per_point_path_on_random_grids(grid: dict) -> None:  # type: ignore[type-arg]
    fast = sweep(SCENARIO, grid, progress=False)
    slow = sweep(SCENARIO, grid, progress=False, fast=False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=1e-12)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"resolution": 1}, kurilsim.KurilsimError, "resolution"),
        ({"resolution": 2.5}, kurilsim.KurilsimError, "resolution"),
        ({"security_weight": (0.0, "x")}, kurilsim.KurilsimError, "security_weight"),
        ({"pledge_credibility": (1.0, 0.0)}, kurilsim.KurilsimError, "pledge_credibility"),
        ({"resolution": 10**7}, MemoryError, "200,000,000,000,000 points"),
        ({"resolution": 21, "max_points": 800}, MemoryError, "max_points=882"),
    ],
)
def test_the_headline_study_checks_its_arguments_first(
    options: dict, error: type[Exception], match: str  # type: ignore[type-arg]
) -> None:
    with pytest.raises(error, match=match):
        kurilsim.two_vs_four_islands(progress=False, **options)


def test_the_headline_study_passes_workers_on() -> None:
    result = kurilsim.two_vs_four_islands(resolution=3, progress=False, workers=1)
    assert result.shape == (2, 3, 3)
    assert result.metadata["workers"] == 1


# -- the progress bar counts points (issue 19) -----------------------------------------
#: The bars made since the fixture ``bars`` last emptied it.
_MADE: list[_RecordingBar] = []


class _RecordingBar:
    """Stands in for ``tqdm.auto.tqdm``: records what the sweep asks of it."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.updates: list[Any] = []
        self.closed = False
        _MADE.append(self)

    def update(self, n: Any) -> None:
        self.updates.append(n)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[_RecordingBar]:
    tqdm_auto = pytest.importorskip("tqdm.auto")
    _MADE.clear()
    monkeypatch.setattr(tqdm_auto, "tqdm", _RecordingBar)
    return _MADE


def test_the_progress_bar_counts_points_chunk_by_chunk(bars: list[_RecordingBar]) -> None:
    grid = {"russia.security_weight": np.linspace(0.0, 3.0, 21)}
    sweep(SCENARIO, grid, progress=True, chunk_size=8)
    (bar,) = bars
    assert bar.options["total"] == 21
    assert type(bar.options["total"]) is int
    assert bar.options["unit"] == "points"
    assert bar.options["unit_scale"] is False  # "0/21 points", not "0.00/21"
    assert sorted(bar.updates) == [5, 8, 8]  # each chunk's points as it finishes
    assert all(type(n) is int for n in bar.updates)
    assert bar.closed


def test_a_resumed_sweep_starts_its_bar_at_the_points_already_done(
    bars: list[_RecordingBar], tmp_path: Path
) -> None:
    grid = {"russia.security_weight": np.linspace(0.0, 3.0, 21)}
    first = sweep(SCENARIO, grid, progress=False, chunk_size=8, checkpoint=tmp_path / "c")
    # lose the last chunk (the layout of kurilsim.sweeps.checkpoint), then
    # resume: 16 points loaded, 5 computed
    (tmp_path / "c" / "chunk-0000002.npz").unlink()
    again = sweep(SCENARIO, grid, progress=True, chunk_size=8, checkpoint=tmp_path / "c")
    (bar,) = bars
    assert bar.updates == [16, 5]
    assert np.array_equal(again.agreement, first.agreement)


def test_no_bar_without_progress(bars: list[_RecordingBar]) -> None:
    sweep(SCENARIO, {"russia.security_weight": [0.0, 1.0]}, progress=False)
    assert bars == []


class _Kernel:
    """What ``IPython.get_ipython()`` returns in a Jupyter kernel."""

    def __init__(self) -> None:
        self.config: dict[str, Any] = {"IPKernelApp": {}}


def test_the_bar_shows_by_default_in_a_notebook(
    bars: list[_RecordingBar], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    grid = {"russia.security_weight": [0.0, 1.0]}
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    sweep(SCENARIO, grid)  # not a terminal, not a notebook: no bar
    assert bars == []
    shell = types.ModuleType("IPython")
    shell.get_ipython = lambda: _Kernel()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", shell)
    sweep(SCENARIO, grid)
    (bar,) = bars
    assert bar.options["total"] == 2
    shell.get_ipython = lambda: None  # type: ignore[attr-defined]  # plain IPython
    sweep(SCENARIO, grid)
    assert len(bars) == 1
