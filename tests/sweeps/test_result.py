"""Sweep output that is never lost: atomic, streamed, exact and safe CSV tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import (
    InvalidArgumentError,
    OutputError,
    SweepResult,
    kuril_scenario,
    sweep,
)
from kurilsim.sweeps import ERROR, check_csv_path
from kurilsim.sweeps import result as sweep_result

SCENARIO = kuril_scenario(name="output-test")
GRID: dict[str, Any] = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 3.0, 7),
    "russia.pledge_credibility": [0.0, 0.5, 1.0],
}


def read(path: Path) -> list[list[str]]:
    """The CSV rows after the leading provenance comment lines."""
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(line for line in stream if not line.startswith("#")))


@pytest.fixture(scope="module")
def result() -> SweepResult:
    return sweep(SCENARIO, GRID, progress=False)


def test_values_round_trip_exactly_through_the_csv(result: SweepResult, tmp_path: Path) -> None:
    rows = read(result.to_csv(tmp_path / "out.csv"))
    header, body = rows[0], rows[1:]
    assert header == result.column_names()
    assert len(body) == result.size
    columns = dict(zip(header, zip(*body, strict=True), strict=True))
    for name, values in result.points.items():
        np.testing.assert_array_equal(np.array(columns[name], dtype=values.dtype), values)
    np.testing.assert_array_equal(
        np.array(columns["agreement"], dtype=int), result.agreement.ravel()
    )
    assert list(columns["outcome"]) == [result.label(int(c)) for c in result.agreement.ravel()]
    probability = np.array([float(v) for v in columns["probability"]])
    assert probability.tobytes() == result.probability.ravel().tobytes()
    for k, agent in enumerate(result.agents):
        utility = np.array([float(v) for v in columns[f"utility.{agent}"]])
        assert utility.tobytes() == result.utilities[..., k].ravel().tobytes()


def test_floats_are_written_in_their_shortest_round_trip_form(tmp_path: Path) -> None:
    values = [0.1, 0.01, 1 / 3, 1e-300, 2.5e10, -0.0, 0.0, 5e-324, 1.7976931348623157e308]
    grid = {"japan.audience_cost": values}
    result = sweep(SCENARIO, grid, progress=False)
    cells = [row[0] for row in read(result.to_csv(tmp_path / "f.csv"))[1:]]
    assert cells == [repr(v) for v in values]
    assert cells[1] == "0.01"
    assert cells[5] == "-0.0"


def test_text_that_would_start_a_formula_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ['=HYPERLINK("http://evil","x")', "+1", "-cmd", "@SUM(A1)", "\tTAB",
             "\rCR", "plain, with comma", "ok"]
    base = sweep(SCENARIO, {"japan.status_quo": np.linspace(-0.7, 0.0, 8)},
                 progress=False)
    result = dataclasses.replace(base, agreement=np.arange(8))
    monkeypatch.setattr(SweepResult, "label", lambda self, code: texts[int(code)])
    rows = read(result.to_csv(tmp_path / "x.csv"))
    written = [row[rows[0].index("outcome")] for row in rows[1:]]
    assert written == [
        "'" + text if text[0] in "=+-@\t\r" else text for text in texts
    ]
    # numbers are not text: negative numbers stay numbers
    assert [row[0] for row in rows[1:]] == [
        repr(v) for v in base.points["japan.status_quo"].tolist()
    ]
    assert rows[1][0].startswith("-")


def test_text_parameters_and_negative_numbers(tmp_path: Path) -> None:
    base = sweep(SCENARIO, {"japan.status_quo": [-0.5, 0.0]}, progress=False)
    names = np.array(["=1+1", "-2"])
    text = dataclasses.replace(
        base,
        points={"label": names, "japan.status_quo": base.points["japan.status_quo"]},
    )
    rows = read(text.to_csv(tmp_path / "t.csv"))
    assert [row[0] for row in rows[1:]] == ["'=1+1", "'-2"]
    assert [row[1] for row in rows[1:]] == ["-0.5", "0.0"]


def test_several_blocks_give_the_same_file_as_one(tmp_path: Path) -> None:
    grid = {
        "russia.security_weight": np.linspace(0.0, 4.0, 101),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, 99),
    }
    big = sweep(SCENARIO, grid, progress=False)
    whole = big.to_csv(tmp_path / "whole.csv", block_size=big.size, provenance=False)
    blocks = big.to_csv(tmp_path / "blocks.csv", block_size=997,  # 11 blocks, uneven
                        provenance=False)
    assert whole.read_bytes() == blocks.read_bytes()
    assert len(read(blocks)) == big.size + 1


def test_the_csv_module_reads_what_it_would_have_written(
    result: SweepResult, tmp_path: Path
) -> None:
    # byte-identical to the standard library's own writer (RFC 4180, CRLF)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(result.column_names())
    writer.writerows(zip(*(v.tolist() for v in result.columns().values()), strict=True))
    written = result.to_csv(tmp_path / "c.csv").read_text(encoding="utf-8")
    table = "".join(line for line in written.splitlines(keepends=True)
                    if not line.startswith("#"))
    assert table == (
        buffer.getvalue().replace("\r\n", "\n")  # read_text translates newlines
    )


def test_a_failure_midway_leaves_the_old_file_untouched(
    result: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "big.csv"
    target.write_bytes(b"the previous results\r\n1,2,3\r\n")
    before = target.read_bytes()
    real = sweep_result._csv_block
    calls = {"n": 0}

    def fails_after_one_block(*args: Any) -> str:
        calls["n"] += 1
        if calls["n"] > 1:
            raise MemoryError
        return real(*args)

    monkeypatch.setattr(sweep_result, "_csv_block", fails_after_one_block)
    with pytest.raises(OutputError, match=r"big\.csv") as caught:
        result.to_csv(target, block_size=10, overwrite=True)
    assert "unchanged" in str(caught.value)
    assert calls["n"] == 2  # one block was written to the temporary file first
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def test_a_failing_disk_leaves_the_old_file_untouched(
    result: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    real = sweep_result._csv_block

    def disk_full(*args: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sweep_result, "_csv_block", disk_full)
    with pytest.raises(OutputError, match=r"out\.csv.*No space left"):
        result.to_csv(target, overwrite=True)
    monkeypatch.setattr(sweep_result, "_csv_block", real)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("missing/out.csv", "does not exist"),
        ("out.png", "ending in .csv"),
        ("folder.csv", "is a directory"),
    ],
)
def test_output_paths_are_checked_before_any_work(
    tmp_path: Path, name: str, match: str
) -> None:
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(OutputError, match=match):
        check_csv_path(tmp_path / name)


def test_to_csv_refuses_a_missing_directory_and_a_bad_block_size(
    result: SweepResult, tmp_path: Path
) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        result.to_csv(tmp_path / "missing" / "out.csv")
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(TypeError, match="block_size"):
            result.to_csv(tmp_path / "out.csv", block_size=bad)  # type: ignore[arg-type]
    assert not (tmp_path / "out.csv").exists()


class _BytesPath:
    """An os.PathLike whose path is bytes (not a text file path)."""

    def __fspath__(self) -> bytes:
        return b"out.csv"

    def __repr__(self) -> str:
        return "_BytesPath()"


@pytest.mark.parametrize(
    "bad", [5, 2.5, None, b"out.csv", ["out.csv"], _BytesPath()],
    ids=["int", "float", "None", "bytes", "list", "bytes-pathlike"],
)
def test_a_path_that_is_not_a_path_is_named(
    result: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # had anything been written, it would be here
    for write in (result.to_csv, check_csv_path):
        with pytest.raises(InvalidArgumentError) as caught:
            write(bad)
        message = str(caught.value)
        assert message.startswith("path must be a file path")
        assert repr(bad)[:20] in message
        assert type(bad).__name__ in message
        assert "\n" not in message
    assert list(tmp_path.iterdir()) == []


def test_to_csv_5_raises_invalid_argument_error_not_a_raw_type_error(
    result: SweepResult,
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^path must be .*, got 5 \(int\)$"):
        result.to_csv(5)  # type: ignore[arg-type]


def test_error_points_are_written_as_nan_with_the_error_outcome(tmp_path: Path) -> None:
    result = sweep(SCENARIO, {"japan.territory_value": [1.0, 1.7e308],
                              "japan.treaty_value": [0.2, 1.7e308]}, progress=False)
    assert ERROR in result.agreement
    rows = read(result.to_csv(tmp_path / "e.csv"))
    failed = [row for row in rows[1:] if row[rows[0].index("agreement")] == str(ERROR)]
    assert failed
    assert all(row[rows[0].index("outcome")] == "error" for row in failed)
    assert all(row[-1] == "nan" for row in failed)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.floats(0.0, 1e300, allow_subnormal=True), min_size=1, max_size=30
    ),
    block=st.integers(1, 40),
)
def test_any_float_survives_the_csv_bit_for_bit(values: list[float], block: int) -> None:
    import tempfile

    result = sweep(SCENARIO, {"japan.audience_cost": values}, progress=False)
    with tempfile.TemporaryDirectory() as folder:
        rows = read(result.to_csv(Path(folder) / "v.csv", block_size=block))
    written = np.array([float(row[0]) for row in rows[1:]])
    assert written.tobytes() == np.asarray(values, dtype=float).tobytes()
    utilities = np.array([[float(c) for c in row[-3:]] for row in rows[1:]])
    assert utilities.tobytes() == result.utilities.reshape(-1, 3).tobytes()


# -- the notebook view (issue 19) -------------------------------------------------------
LOTTERY_GRID: dict[str, Any] = {
    "russia.pledge_credibility": np.linspace(0.0, 1.0, 5),
    "japan.treaty_value": np.linspace(0.0, 1.0, 6),
}


def _counts(found: Any) -> dict[str, tuple[int, int]]:
    """outcome -> (points, lottery points) from the view's second table."""
    cells = found.cells
    start = cells.index("of which lotteries") + 1
    stop = cells.index("russia.pledge_credibility", start)
    rows = [cells[k:k + 4] for k in range(start, stop, 4)]
    return {row[0]: (int(row[1]), int(row[3])) for row in rows}


def test_repr_html_counts_points_and_lotteries_per_outcome() -> None:
    from tests.test_html import parse_view

    result = sweep(SCENARIO, LOTTERY_GRID, concept="nash-bargaining", progress=False)
    found = parse_view(result._repr_html_())
    codes = result.agreement.ravel()
    lottery = result.mode_probability.ravel() < 1 - 1e-9
    assert 0 < lottery.sum() < result.size  # the grid has both kinds
    expected = {
        result.label(code): (int((codes == code).sum()),
                             int((lottery & (codes == code)).sum()))
        for code in np.unique(codes)
    }
    assert _counts(found) == expected
    assert f"{lottery.sum()} points ({lottery.mean():.0%})" in found.cells
    assert "russia.pledge_credibility: 5 values [0, 1]; japan.treaty_value: 6 values " \
        "[0, 1]" in found.cells
    assert "not one treaty" in found.text


def test_repr_html_shows_the_first_rows_only_and_never_a_lottery_as_a_sure_deal(
) -> None:
    from tests.test_html import parse_view

    result = sweep(SCENARIO, LOTTERY_GRID, concept="nash-bargaining", progress=False)
    found = parse_view(result._repr_html_())
    assert f"First 5 of {result.size} points" in found.text
    tables = found.tags[found.tags.index("table", found.tags.index("table") + 1) + 1:]
    body = tables[tables.index("table"):]
    assert body.count("tr") == 1 + 5
    mode = result.mode_probability.ravel()[:5]
    # each lottery among the first rows is a list: its outcome, the others, no deal
    assert body.count("ul") == int((mode < 1 - 1e-9).sum()) > 0
    for k in np.flatnonzero(mode < 1 - 1e-9):
        label = result.label(int(result.agreement.ravel()[k]))
        assert f"{mode[k]:.0%} {label}" in found.text


def test_repr_html_of_a_result_on_disk_is_the_one_in_memory(tmp_path: Path) -> None:
    held = sweep(SCENARIO, LOTTERY_GRID, concept="nash-bargaining", progress=False)
    stored = sweep(SCENARIO, LOTTERY_GRID, concept="nash-bargaining", progress=False,
                   checkpoint=tmp_path / "c", in_memory=False, chunk_size=7)
    assert stored.source is not None
    assert stored._repr_html_() == held._repr_html_()


def test_repr_html_of_a_sampled_design_names_its_samples() -> None:
    from tests.test_html import parse_view

    result = sweep(SCENARIO, {"russia.security_weight": [0.0, 3.0]}, design="random",
                   samples=9, rng=3, progress=False)
    found = parse_view(result._repr_html_())
    low, high = result.points["russia.security_weight"].min(), \
        result.points["russia.security_weight"].max()
    assert f"9 random samples of russia.security_weight [{low:.4g}, {high:.4g}]" \
        in found.cells
    assert "0 points (0%)" in found.cells  # spe: no lottery


def test_a_lottery_row_names_its_outcome_as_the_most_likely_of_a_lottery(
    tmp_path: Path,
) -> None:
    result = sweep(SCENARIO, {"russia.pledge_credibility": [0.2, 0.5, 0.8],
                              "japan.treaty_value": [0.2, 0.5]},
                   concept="nash-bargaining", progress=False)
    mode = result.mode_probability.reshape(-1)
    assert np.any(mode < 1 - 1e-9)  # the grid has lotteries (Nash bargaining)
    codes = result.agreement.reshape(-1)
    with result.to_csv(tmp_path / "r.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) == result.size
    for row, code, p in zip(rows, codes, mode, strict=True):
        label = result.label(int(code))
        if p < 1 - 1e-9:
            assert row["outcome"] == sweep_result.LOTTERY_PREFIX + label
        else:
            assert row["outcome"] == label


def test_the_provenance_time_is_the_runs_not_the_exports(tmp_path: Path) -> None:
    import datetime
    import time

    result = sweep(SCENARIO, {"japan.demand": [2, 4]}, progress=False)
    stamp = datetime.datetime.fromisoformat(result.metadata["time"])
    assert abs((datetime.datetime.now(datetime.UTC) - stamp).total_seconds()) < 120
    first = result.provenance()
    time.sleep(1.1)  # a later export still says when the sweep ran
    assert result.provenance() == first
    assert first["time"] == result.metadata["time"]


def test_the_notebook_view_explains_a_swept_parameter_left_in_braces() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    swept = sweep(scenario, {"japan.package_size": [0.5, 2.0, 4.0],
                             "russia.security_weight": [0.1, 0.5]}, progress=False)
    assert any("{japan.package_size}" in label for label in swept.outcome_shares())
    assert "in braces in an outcome&#x27;s label ({japan.package_size})" in (
        swept._repr_html_())
    fixed = sweep(scenario, {"russia.security_weight": [0.1, 0.5]}, progress=False)
    assert not any("{" in label for label in fixed.outcome_shares())
    assert "in braces" not in fixed._repr_html_()


def test_a_slice_describes_itself_not_the_whole_sweep() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    grid = {"japan.package_size": [0.5, 2.0], "russia.economic_value": [0.0, 1.0]}
    whole = sweep(scenario, grid, progress=False)
    part = whole.sel({"japan.package_size": 2.0 + 1e-15})  # within the match
    direct = sweep(scenario.with_params({"japan.package_size": 2.0}),
                   {"russia.economic_value": [0.0, 1.0]}, progress=False)
    # labels fill the fixed value in, as a sweep at that value does
    assert part.columns()["outcome"].tolist() == direct.columns()["outcome"].tolist()
    assert part.scenario.parameters()["japan.package_size"] == 2.0
    assert part.metadata["selection"] == {"japan.package_size": 2.0}
    facts = part.provenance()
    assert json.loads(facts["selection"]) == {"japan.package_size": 2.0}
    assert json.loads(facts["grid"]) == {"russia.economic_value": [0.0, 1.0]}
    assert "package_size = 2.0" in facts["scenario"]


def test_lottery_shares_say_how_much_of_each_outcome_is_a_lottery() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    result = sweep(scenario, {"russia.pledge_credibility": [0.0, 0.2, 0.5, 1.0],
                              "russia.security_weight": [0.2, 1.0, 3.0]},
                   concept="nash-bargaining", progress=False)
    shares, lotteries = result.outcome_shares(), result.lottery_shares()
    assert lotteries  # this grid has lottery points
    assert set(lotteries) <= set(shares)
    codes = np.asarray(result.agreement).ravel()
    chance = np.asarray(result.mode_probability).ravel() < 1 - 1e-9
    for label, share in lotteries.items():
        points = [k for k, c in enumerate(codes.tolist()) if result.label(c) == label]
        assert share == pytest.approx(chance[points].sum() / result.size)
        assert share <= shares[label]
    # a concept without lotteries has none
    assert sweep(scenario, {"russia.security_weight": [0.2, 1.0]},
                 progress=False).lottery_shares() == {}


def test_the_provenance_explains_a_swept_parameter_left_in_braces(tmp_path) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    swept = sweep(scenario, {"japan.package_size": [0.5, 2.0],
                             "russia.security_weight": [0.1, 0.5]}, progress=False)
    text = swept.to_csv(tmp_path / "braces.csv").read_text(encoding="utf-8")
    assert ("# placeholders: {japan.package_size} in an outcome's label stands for "
            "that parameter's value at the point (its column)") in text
    assert "{japan.package_size}" in text.split("# placeholders:")[1]
    fixed = sweep(scenario, {"russia.security_weight": [0.1, 0.5]}, progress=False)
    assert "placeholders" not in fixed.provenance()
