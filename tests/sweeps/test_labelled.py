"""Labelled output and provenance: to_xarray, MultiIndex to_pandas, netCDF
save/load_result round trips, provenance in CSV files, refusal to overwrite."""

from __future__ import annotations

import datetime
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import OutputError, SweepResult, load_scenario, sweep
from kurilsim.sweeps import load_result
from tests.sweeps.grids import ERROR_GRID, GRID

SCENARIO = kurilsim.kuril_scenario(name="labelled-test")
SAMPLED: dict[str, Any] = {
    "russia.security_weight": (0.0, 3.0),
    "japan.demand": (2, 4),
}


def grid_result() -> SweepResult:
    return sweep(SCENARIO, GRID, progress=False)


def sampled_result() -> SweepResult:
    return sweep(SCENARIO, SAMPLED, design="lhs", samples=23, rng=7, progress=False)


def assert_identical(got: SweepResult, want: SweepResult) -> None:
    """Every field: arrays bit for bit (and dtype), the rest equal."""
    assert got.scenario == want.scenario
    assert got.scenario.to_toml() == want.scenario.to_toml()
    assert got.concept == want.concept
    assert got.design == want.design
    assert got.shape == want.shape
    for field in ("axes", "points"):
        mine, theirs = getattr(got, field), getattr(want, field)
        assert list(mine) == list(theirs), field
        for name, values in theirs.items():
            assert mine[name].dtype == values.dtype, (field, name)
            assert mine[name].tobytes() == values.tobytes(), (field, name)
    for name in ("agreement", "probability", "utilities", "mode_probability"):
        mine, theirs = getattr(got, name), getattr(want, name)
        assert mine.dtype == theirs.dtype, name
        assert mine.shape == theirs.shape, name
        assert mine.tobytes() == theirs.tobytes(), name
    assert got.errors == want.errors
    assert got.metadata == want.metadata


# -- to_xarray -----------------------------------------------------------------------
def test_a_grid_has_one_dimension_per_parameter_with_its_values_and_units() -> None:
    pytest.importorskip("xarray")
    result = grid_result()
    data = result.to_xarray()
    assert data["agreement"].dims == tuple(GRID)
    assert data["utility"].dims == (*GRID, "agent")
    assert list(data["agent"].values) == list(result.agents)
    for name, values in result.axes.items():
        assert data[name].values.tobytes() == values.tobytes()
    spec = next(s for s in type(SCENARIO.agent("russia")).parameter_specs()
                if s.name == "security_weight")
    assert data["russia.security_weight"].attrs.get("units", "") == spec.units
    assert data["russia.security_weight"].attrs["description"] == spec.doc
    # the values agree with the result at every point, by label
    selected = data.sel({"japan.demand": 4, "russia.pledge_credibility": 0.5})
    part = result.sel({"japan.demand": 4, "russia.pledge_credibility": 0.5})
    np.testing.assert_array_equal(selected["agreement"].values, part.agreement)
    np.testing.assert_array_equal(selected["probability"].values, part.probability)
    np.testing.assert_array_equal(selected["utility"].values, part.utilities)
    labels = dict(zip(data["code"].values.tolist(),
                      data["outcome_label"].values.tolist(), strict=True))
    for code in np.unique(result.agreement).tolist():
        assert labels[code] == result.label(code)
    assert labels[-1] == "no deal"
    assert data.attrs["concept"] == "spe"
    assert json.loads(data.attrs["grid"])["japan.demand"] == [2, 4]


def test_a_sampled_design_has_a_point_dimension_with_the_parameters_along_it() -> None:
    pytest.importorskip("xarray")
    result = sampled_result()
    data = result.to_xarray()
    assert data["agreement"].dims == ("point",)
    assert data.sizes["point"] == 23
    for name, values in result.points.items():
        assert data[name].dims == ("point",)
        assert data[name].values.tobytes() == values.tobytes()
    assert data["agreement"].values.tolist() == result.agreement.tolist()
    assert data.attrs["seed"] == "7"
    assert data.attrs["design"] == "lhs"


def test_errors_are_kept_in_the_dataset() -> None:
    pytest.importorskip("xarray")
    result = sweep(SCENARIO, ERROR_GRID, progress=False)
    assert result.errors  # the grid overflows somewhere
    data = result.to_xarray()
    found = dict(zip(data["error_point"].values.tolist(),
                     data["error_message"].values.tolist(), strict=True))
    assert found == result.errors


def test_a_result_on_disk_becomes_a_lazy_dataset_equal_to_the_one_in_memory(
    tmp_path: Path,
) -> None:
    pytest.importorskip("xarray")
    pytest.importorskip("dask")
    stored = sweep(SCENARIO, GRID, progress=False, chunk_size=5,
                   checkpoint=tmp_path / "store", in_memory=False)
    data = stored.to_xarray()
    assert data["agreement"].chunks is not None  # lazy: nothing read yet
    memory = grid_result().to_xarray()
    for name in ("agreement", "probability", "utility"):
        assert data[name].values.tobytes() == memory[name].values.tobytes(), name


# -- to_pandas -----------------------------------------------------------------------
@pytest.mark.parametrize("make", [grid_result, sampled_result])
def test_to_pandas_is_indexed_by_the_swept_parameters(make: Any) -> None:
    pd = pytest.importorskip("pandas")
    result = make()
    frame = result.to_pandas()
    assert isinstance(frame.index, pd.MultiIndex)
    assert list(frame.index.names) == list(result.points)
    assert list(frame.columns) == [
        n for n in result.column_names() if n not in result.points
    ]
    flat = frame.reset_index()
    assert list(flat.columns) == result.column_names()
    for name, values in result.columns().items():
        assert flat[name].to_numpy().tolist() == values.tolist(), name


def test_to_pandas_of_one_parameter_has_a_plain_index() -> None:
    pd = pytest.importorskip("pandas")
    result = sweep(SCENARIO, {"russia.security_weight": [0.0, 0.5, 1.0]}, progress=False)
    frame = result.to_pandas()
    assert not isinstance(frame.index, pd.MultiIndex)
    assert frame.index.name == "russia.security_weight"
    assert frame.index.tolist() == [0.0, 0.5, 1.0]
    assert frame.loc[0.5, "agreement"] == result.agreement[1]
    assert list(frame.reset_index().columns) == result.column_names()


# -- save / load_result --------------------------------------------------------------
@pytest.mark.parametrize("make", [
    grid_result, sampled_result,
    lambda: sweep(SCENARIO, ERROR_GRID, progress=False),
    lambda: sweep(load_scenario("2018-singapore"),
                  {"russia.pledge_credibility": [0.0, 0.1, 0.7]},
                  concept="nash-bargaining", progress=False),
])
def test_save_and_load_result_round_trip_every_field(make: Any, tmp_path: Path) -> None:
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    result = make()
    path = result.save(tmp_path / "result.nc")
    assert_identical(load_result(path), result)
    assert_identical(kurilsim.load_result(str(path)), result)


def test_a_result_on_disk_saves_to_the_same_file_content(tmp_path: Path) -> None:
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    stored = sweep(SCENARIO, ERROR_GRID, progress=False, chunk_size=4,
                   checkpoint=tmp_path / "store", in_memory=False)
    again = load_result(stored.save(tmp_path / "stored.nc"))
    memory = sweep(SCENARIO, ERROR_GRID, progress=False, chunk_size=4)
    for name in ("agreement", "probability", "utilities", "mode_probability"):
        assert getattr(again, name).tobytes() == getattr(memory, name).tobytes()
    assert again.errors == memory.errors
    # the store folder still loads as before
    assert load_result(tmp_path / "store").agreement.tobytes() == memory.agreement.tobytes()


def test_save_refuses_to_overwrite_and_other_suffixes(tmp_path: Path) -> None:
    pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    result = sweep(SCENARIO, {"russia.security_weight": [0.0, 1.0]}, progress=False)
    path = result.save(tmp_path / "r.nc")
    before = path.read_bytes()
    with pytest.raises(OutputError, match=r"r\.nc exists; pass overwrite=True"):
        result.save(path)
    assert path.read_bytes() == before
    result.save(path, overwrite=True)
    assert load_result(path).agreement.tolist() == result.agreement.tolist()
    with pytest.raises(OutputError, match=r"ending in \.nc"):
        result.save(tmp_path / "r.h5")


def test_load_result_refuses_a_netcdf_file_that_is_not_a_result(tmp_path: Path) -> None:
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    path = tmp_path / "other.nc"
    xr.Dataset({"x": ("i", np.arange(3))}).to_netcdf(path, engine="h5netcdf")
    with pytest.raises(kurilsim.CheckpointError, match="not a sweep result"):
        load_result(path)


# -- provenance ----------------------------------------------------------------------
def test_the_csv_starts_with_its_provenance_and_pandas_skips_it(tmp_path: Path) -> None:
    scenario = load_scenario("2018-singapore")
    result = sweep(scenario, {"russia.security_weight": np.linspace(0.0, 1.0, 101)},
                   progress=False)
    path = result.to_csv(tmp_path / "sweep.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert lines[: len(comments)] == comments  # all leading
    facts = dict(line[2:].split(": ", 1) for line in comments if ": " in line)
    assert facts["kurilsim"] == kurilsim.__version__
    assert facts["concept"] == "spe"
    assert facts["design"] == "grid"
    assert facts["seed"] == "none"
    assert json.loads(facts["grid"]) == {
        "russia.security_weight": np.linspace(0.0, 1.0, 101).tolist()
    }
    written = datetime.datetime.fromisoformat(facts["time"])
    assert written.utcoffset() == datetime.timedelta(0)
    toml = "\n".join(line[4:] for line in comments if line.startswith("#   "))
    assert kurilsim.io.scenario_toml.scenario_from_toml(toml) == scenario
    # the values as they are: the shortest text giving back the very float
    table = [line for line in lines if not line.startswith("#")]
    cells = [row.split(",")[0] for row in table[1:]]
    assert cells == [repr(v) for v in np.linspace(0.0, 1.0, 101).tolist()]
    assert "0.01" in cells
    assert "0.010000000000000002" not in cells
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(path, comment="#")
    assert list(frame.columns) == result.column_names()
    assert frame["russia.security_weight"].to_numpy().tobytes() == (
        result.points["russia.security_weight"].tobytes()
    )


def test_a_sampled_sweep_records_its_seed_and_design() -> None:
    facts = sampled_result().provenance()
    assert facts["seed"] == "7"
    assert facts["design"] == "lhs"
    assert json.loads(facts["parameters"]) == list(SAMPLED)
    assert facts["samples"] == "23"
    assert json.loads(facts["ranges"]) == {
        "russia.security_weight": [0.0, 3.0], "japan.demand": [2.0, 4.0]}


@pytest.mark.parametrize("design", ["random", "lhs"])
def test_a_sampled_sweep_can_be_drawn_again_from_its_files_provenance(
    tmp_path: Path, design: str
) -> None:
    # the CSV, the netCDF file and the checkpoint directory each say enough
    # (design, samples, seed, ranges) to draw the same points again
    ranges = {"russia.security_weight": (0.25, 2.5), "russia.pledge_credibility": (0, 1)}
    result = sweep(SCENARIO, ranges, design=design, samples=17, rng=11, progress=False,
                   checkpoint=tmp_path / "run", in_memory=False)
    sources = [result.provenance(), load_result(tmp_path / "run").provenance()]
    path = result.to_csv(tmp_path / "sweep.csv")
    comments = [line for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("# ") and ": " in line]
    sources.append(dict(line[2:].split(": ", 1) for line in comments))
    if importlib.util.find_spec("xarray") and importlib.util.find_spec("h5netcdf"):
        sources.append(load_result(result.save(tmp_path / "sweep.nc")).provenance())
    for facts in sources:
        again = sweep(
            SCENARIO, {n: tuple(r) for n, r in json.loads(facts["ranges"]).items()},
            design=facts["design"], samples=int(facts["samples"]),
            rng=int(facts["seed"]), progress=False,
        )
        for name, values in result.points.items():
            assert again.points[name].tobytes() == values.tobytes(), name


def test_a_checkpoint_of_other_ranges_or_seed_is_refused(tmp_path: Path) -> None:
    ranges = {"russia.security_weight": (0.25, 2.5)}
    sweep(SCENARIO, ranges, design="random", samples=5, rng=3, progress=False,
          checkpoint=tmp_path / "run")
    with pytest.raises(kurilsim.CheckpointError, match=r"sample: checkpoint has \{'seed': 3, .* this sweep \{'seed': 4"):
        sweep(SCENARIO, ranges, design="random", samples=5, rng=4, progress=False,
              checkpoint=tmp_path / "run")


def test_xarray_marks_the_lottery_points() -> None:
    pytest.importorskip("xarray")
    scenario = load_scenario("2018-singapore")
    result = sweep(scenario, {"russia.security_weight": [0.2, 1.0],
                              "russia.pledge_credibility": [0.2, 0.9]},
                   concept="nash-bargaining", progress=False)
    data = result.to_xarray()
    lottery = data["lottery"].values
    assert lottery.dtype == bool
    np.testing.assert_array_equal(lottery, result.mode_probability < 1 - 1e-9)
    assert lottery.any()  # both kinds on this grid
    assert not lottery.all()
    assert "most likely outcome of a lottery" in data["agreement"].attrs["description"]
    # the CSV's outcome cell and the dataset's flag say the same point by point
    rows = result.columns()["outcome"].reshape(result.shape)
    np.testing.assert_array_equal(
        np.char.startswith(rows.astype(str), kurilsim.sweeps.result.LOTTERY_PREFIX),
        lottery)


def test_to_csv_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    result = sweep(SCENARIO, {"russia.security_weight": [0.0, 1.0]}, progress=False)
    target = tmp_path / "out.csv"
    target.write_text("earlier results\n")
    with pytest.raises(OutputError, match=r"out\.csv exists; pass overwrite=True"):
        result.to_csv(target)
    assert target.read_text() == "earlier results\n"
    result.to_csv(target, overwrite=True)
    assert target.read_text().startswith("# kurilsim: ")
    # a truthy string is not a yes: it is refused, naming the value
    for value in ("False", "no", 0, None):
        with pytest.raises(kurilsim.InvalidArgumentError, match="overwrite must be True or False"):
            result.to_csv(target, overwrite=value)  # type: ignore[arg-type]


def test_plot_provenance_and_figure_metadata(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from kurilsim.plot import figure_metadata, provenance

    result = sweep(SCENARIO, {"russia.security_weight": [0.0, 1.0]}, progress=False)
    facts = provenance(result)
    assert set(facts) >= {"kurilsim", "scenario", "concept", "grid", "seed", "time"}
    png = figure_metadata(facts, "png")
    assert png is not None
    assert png["kurilsim:concept"] == "spe"
    pdf = figure_metadata(facts, "pdf")
    assert pdf is not None
    assert json.loads(pdf["Subject"])["concept"] == "spe"
