"""Sweeps whose results stay on disk (``in_memory=False``): the checkpoint
directory as the result store, read back chunk by chunk; and protocol
settings on the fast path."""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import CheckpointError, InvalidArgumentError, InvalidModelError, sweep
from kurilsim.sweeps import ERROR, SweepResult, load_result
from kurilsim.sweeps import run as sweep_run
from tests.sweeps.grids import ERROR_GRID, GRID

SCENARIO = kurilsim.kuril_scenario(name="store-test")
CHUNK = 5


def stored(folder: Path, grid: dict[str, Any] = GRID, **options: Any) -> SweepResult:
    return sweep(SCENARIO, grid, progress=False, chunk_size=CHUNK, checkpoint=folder,
                 in_memory=False, **options)


def in_memory(grid: dict[str, Any] = GRID, **options: Any) -> SweepResult:
    return sweep(SCENARIO, grid, progress=False, chunk_size=CHUNK, **options)


def assert_same(result: SweepResult, expected: SweepResult) -> None:
    """Every column bit for bit, and everything else equal."""
    assert result.shape == expected.shape
    assert result.design == expected.design
    assert list(result.axes) == list(expected.axes)
    for name, values in expected.axes.items():
        assert result.axes[name].tobytes() == values.tobytes()
    assert list(result.points) == list(expected.points)
    for name, values in expected.points.items():
        assert result.points[name].tobytes() == values.tobytes()
    for name in ("agreement", "probability", "utilities", "mode_probability"):
        got, want = getattr(result, name), getattr(expected, name)
        assert got.shape == want.shape, name
        assert got.dtype == want.dtype, name
        assert got.tobytes() == want.tobytes(), name
        assert not got.flags.writeable
    assert result.errors == expected.errors
    assert result.outcome_shares() == expected.outcome_shares()
    got_columns, want_columns = result.columns(), expected.columns()
    assert list(got_columns) == list(want_columns) == expected.column_names()
    for name, values in want_columns.items():
        assert got_columns[name].tobytes() == values.tobytes(), name
    assert result.to_numpy().tobytes() == expected.to_numpy().tobytes()


@pytest.mark.parametrize(
    ("grid", "options"),
    [
        (GRID, {}),
        (ERROR_GRID, {}),
        (GRID, {"concept": "pbe"}),
        ({"russia.security_weight": (0.0, 3.0), "protocol.objection_cost": (0.0, 1.0)},
         {"design": "lhs", "samples": 23, "rng": 5}),
    ],
    ids=["grid", "errors", "pbe", "lhs"],
)
def test_a_result_left_on_disk_equals_the_one_in_memory(
    tmp_path: Path, grid: dict[str, Any], options: dict[str, Any]
) -> None:
    result = stored(tmp_path / "store", grid, **options)
    expected = in_memory(grid, **options)
    assert result.source is not None
    assert expected.source is None
    assert result.source.folder == tmp_path / "store"
    assert result.metadata["in_memory"] is False
    assert_same(result, expected)
    if grid is ERROR_GRID:
        assert ERROR in expected.agreement
        assert result.errors


def test_chunks_finished_by_an_executor_go_to_disk_too(tmp_path: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        result = stored(tmp_path / "store", ERROR_GRID, executor=pool)
    assert result.metadata["executor"] == "ThreadPoolExecutor"
    assert_same(result, in_memory(ERROR_GRID))


def test_blocks_selections_and_dataframes_agree(tmp_path: Path) -> None:
    result, expected = stored(tmp_path / "store"), in_memory()
    for size in (1, 3, CHUNK, 7, 1000):
        got = list(result.iter_columns(size))
        want = list(expected.iter_columns(size))
        assert max(len(block["agreement"]) for block in got) <= size
        for name in expected.column_names():
            joined = np.concatenate([block[name] for block in got])
            assert joined.tobytes() == np.concatenate(
                [block[name] for block in want]
            ).tobytes(), (size, name)
            assert joined.tobytes() == expected.columns()[name].tobytes()
    for selection in ({"japan.demand": 4}, {"russia.security_weight": 1.5},
                      {"japan.demand": 2, "russia.pledge_credibility": 0.5}):
        assert_same(result.sel(selection), expected.sel(selection))
    pd = pytest.importorskip("pandas")
    pd.testing.assert_frame_equal(result.to_pandas(), expected.to_pandas())


@pytest.mark.parametrize("block_size", [1, 4, CHUNK, 11, 65_536])
def test_the_streamed_csv_is_the_csv_from_memory(tmp_path: Path, block_size: int) -> None:
    result, expected = stored(tmp_path / "store", ERROR_GRID), in_memory(ERROR_GRID)
    streamed = result.to_csv(tmp_path / "streamed.csv", block_size=block_size)
    whole = expected.to_csv(tmp_path / "whole.csv", block_size=expected.size)

    def untimed(path: Path) -> list[bytes]:
        # the two sweeps ran at different times (their provenance says when)
        return [line for line in path.read_bytes().splitlines(keepends=True)
                if not line.startswith(b"# time: ")]

    assert untimed(streamed) == untimed(whole)
    assert len(untimed(whole)) == len(whole.read_bytes().splitlines()) - 1


class _Interrupt(Exception):
    pass


def test_an_interrupted_sweep_resumes_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "store"
    real = sweep_run.evaluate_chunk
    done = {"chunks": 0}

    def interrupted_after_three(*args: Any) -> Any:
        if done["chunks"] == 3:
            raise _Interrupt
        done["chunks"] += 1
        return real(*args)

    monkeypatch.setattr(sweep_run, "evaluate_chunk", interrupted_after_three)
    with pytest.raises(_Interrupt):
        stored(folder, ERROR_GRID)
    assert len(list(folder.glob("chunk-*.npz"))) == 3
    monkeypatch.setattr(sweep_run, "evaluate_chunk", real)
    resumed = stored(folder, ERROR_GRID)
    assert resumed.metadata["chunks_resumed"] == 3
    assert_same(resumed, in_memory(ERROR_GRID))
    # resumed into memory from the same directory: the same again
    back = sweep(SCENARIO, ERROR_GRID, progress=False, chunk_size=CHUNK,
                 checkpoint=folder)
    assert back.metadata["chunks_resumed"] == back.metadata["chunks"]
    assert back.source is None
    assert_same(back, in_memory(ERROR_GRID))


def test_the_directory_describes_the_sweep(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    result = stored(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["concept"] == "spe"
    assert manifest["parameters"] == list(GRID)
    assert manifest["chunk_size"] == CHUNK
    assert kurilsim.load_scenario(folder / "scenario.toml") == SCENARIO
    for name, values in result.axes.items():
        saved = np.load(folder / "design" / f"{name}.npy", allow_pickle=False)
        assert saved.tobytes() == values.tobytes()
    chunks = sorted(folder.glob("chunk-*.npz"))
    assert len(chunks) == -(-result.size // CHUNK)
    with np.load(chunks[0], allow_pickle=False) as data:
        assert data["agreement"].tolist() == result.agreement.reshape(-1)[:CHUNK].tolist()
    # no temporary file left behind
    assert not [p for p in folder.rglob("*") if p.name.startswith(".")]


def test_a_result_on_disk_reads_the_disk(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    result = stored(folder)
    first = result.agreement
    (folder / "chunk-0000002.npz").unlink()
    assert first.shape == result.shape  # an array read earlier is unchanged
    with pytest.raises(CheckpointError, match=r"chunk-0000002\.npz is missing"):
        _ = result.agreement
    with pytest.raises(CheckpointError, match="missing"):
        result.to_csv(tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_chunk_changed_after_the_sweep_is_refused_on_read(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    result = stored(folder)
    file = folder / "chunk-0000001.npz"
    with np.load(file, allow_pickle=False) as data:
        content = {name: data[name] for name in data.files}
    content["probability"] = np.where(content["probability"] > 0, 0.5, 0.0)
    np.savez(file, **content)
    with pytest.raises(CheckpointError, match=r"no longer valid.*digest"):
        result.outcome_shares()


@pytest.mark.parametrize("in_memory_run", [True, False])
def test_a_finished_sweep_loads_back_from_its_directory(
    tmp_path: Path, in_memory_run: bool
) -> None:
    folder = tmp_path / "store"
    sweep(SCENARIO, ERROR_GRID, progress=False, chunk_size=CHUNK, checkpoint=folder,
          in_memory=in_memory_run)
    loaded = load_result(folder)
    assert loaded.source is not None
    assert loaded.scenario == SCENARIO
    assert loaded.concept == "spe"
    assert loaded.metadata["loaded_from"] == str(folder)
    assert_same(loaded, in_memory(ERROR_GRID))
    lhs = {"russia.security_weight": (0.0, 3.0), "protocol.objection_cost": (0.0, 1.0)}
    options: dict[str, Any] = {"design": "lhs", "samples": 12, "rng": 2}
    stored(tmp_path / "lhs", lhs, **options)
    assert_same(load_result(tmp_path / "lhs"), in_memory(lhs, **options))


def test_an_unfinished_or_changed_directory_does_not_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CheckpointError, match=r"manifest\.json is missing"):
        load_result(tmp_path)
    folder = tmp_path / "store"
    stored(folder)
    (folder / "chunk-0000003.npz").unlink()
    with pytest.raises(CheckpointError, match=r"not finished: 1 of 9 chunks missing"):
        load_result(folder)
    stored(folder)  # finishes it
    load_result(folder)
    axis = folder / "design" / "russia.security_weight.npy"
    np.save(axis, np.linspace(0.0, 3.0, 7) + 1e-9)
    with pytest.raises(CheckpointError, match=r"design of russia\.security_weight"):
        load_result(folder)


@pytest.mark.parametrize("bad", [None, 0, "no"])
def test_in_memory_is_checked(tmp_path: Path, bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="in_memory must be True or False"):
        sweep(SCENARIO, GRID, checkpoint=tmp_path, in_memory=bad, progress=False)


def test_results_on_disk_need_a_directory() -> None:
    with pytest.raises(InvalidArgumentError, match=r"in_memory=False needs checkpoint="):
        sweep(SCENARIO, GRID, in_memory=False, progress=False)


# -- protocol settings on the fast path --------------------------------------------------
@pytest.mark.parametrize("concept", ["spe", "two-level", "pbe", "nash-bargaining-discrete"])
@pytest.mark.parametrize(
    "setting", ["protocol.objection_cost", "protocol.discount.japan"]
)
def test_protocol_settings_on_the_fast_path_equal_the_per_point_path(
    concept: str, setting: str
) -> None:
    low, high = (0.0, 1.5) if setting.endswith("cost") else (0.5, 1.0)
    grid = {"russia.security_weight": (0.0, 3.0), setting: (low, high),
            "russia.pledge_credibility": (0.0, 1.0)}
    options: dict[str, Any] = {"design": "lhs", "samples": 24, "rng": 11,
                               "concept": concept, "progress": False}
    fast = sweep(SCENARIO, grid, **options)
    slow = sweep(SCENARIO, grid, fast=False, **options)
    assert fast.metadata["fast"]
    assert not slow.metadata["fast"]
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=1e-12, atol=1e-12)
    assert fast.errors == slow.errors == {}
    # the draws are continuous: every point its own value of the setting
    assert len(np.unique(fast.points[setting])) == 24


def test_a_sample_of_the_objection_cost_changes_the_outcome() -> None:
    # the swept cost reaches the kernel (it is not held at the scenario's value)
    grid = {"protocol.objection_cost": (0.0, 5.0)}
    result = sweep(SCENARIO, grid, design="lhs", samples=50, rng=3, progress=False)
    assert len(np.unique(result.agreement)) > 1


@pytest.mark.parametrize(
    ("name", "values", "match"),
    [
        ("protocol.objection_cost", [0.1, 0.4, -0.5, 0.2],
         r"protocol\.objection_cost must be a finite number >= 0, got -0\.5"),
        ("protocol.objection_cost", [0.1, np.nan, 0.3, 0.2],
         r"protocol\.objection_cost must be a finite number >= 0, got nan"),
        ("protocol.discount.japan", [0.9, 0.5, 1.5, 0.7],
         r"protocol\.discount\.japan must be in \(0, 1\], got 1\.5"),
        ("protocol.discount.japan", [0.9, 0.0, 0.5, 0.7],
         r"protocol\.discount\.japan must be in \(0, 1\], got 0\.0"),
    ],
)
def test_invalid_protocol_values_among_many_are_named(
    name: str, values: list[float], match: str
) -> None:
    grid = {name: values, "russia.security_weight": [0.0, 1.0, 2.0, 3.0]}
    with pytest.raises(InvalidModelError, match=match):
        sweep(SCENARIO, grid, design="points", progress=False)
    with pytest.raises(InvalidModelError, match=match):
        sweep(SCENARIO, {name: values}, progress=False)
