"""The ``kurilsim`` command line: each subcommand, its files, errors and help."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kurilsim
from kurilsim.cli import main, parse_grid

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SMALL_GRID = [
    "--grid",
    "russia.security_weight=0:3:5",
    "--grid",
    "japan.demand=2,4",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def read_rows(path: Path) -> list[list[str]]:
    """The CSV rows after the leading provenance comment lines."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(line for line in handle if not line.startswith("#")))


def without_time(path: Path) -> bytes:
    """The file's bytes without its ``# time:`` provenance line (two runs a
    second apart differ there only)."""
    lines = path.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(b"# time: ")]
    assert len(kept) == len(lines) - 1  # exactly one time line
    return b"".join(kept)


# -- scenarios / show / solve -----------------------------------------------------------
def test_scenarios_lists_every_builtin_with_its_title(capsys):
    status, out, err = run(capsys, "scenarios")
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == len(kurilsim.list_scenarios())
    for line, name in zip(lines, kurilsim.list_scenarios(), strict=True):
        assert line.split()[0] == name
        assert line.endswith(kurilsim.load_scenario(name).title)


def test_show_prints_parameters_and_agreement_space(capsys):
    status, out, _ = run(capsys, "show", "2018-singapore")
    assert status == 0
    assert out.strip() == kurilsim.load_scenario("2018-singapore").describe()
    assert "russia.security_weight = 2.0" in out
    assert "Agreement space: 38 agreements" in out


def test_scenario_can_be_a_toml_path(capsys, tmp_path):
    scenario = kurilsim.load_scenario("1956-declaration")
    path = tmp_path / "mine.toml"
    scenario.to_toml(path)
    status, out, _ = run(capsys, "show", str(path))
    assert status == 0
    assert out.strip() == scenario.describe()


def concept_rows(out: str) -> list[str]:
    """The concept of each row of ``solve``'s table (the lines after the rule
    that do not start with a space, up to the lottery note: the outcomes below
    them are indented)."""
    lines = out.splitlines()
    start = next(k for k, line in enumerate(lines) if set(line) == {"-"}) + 1
    stop = next((k for k, line in enumerate(lines) if line.startswith("Note:")), len(lines))
    return [line.split()[0] for line in lines[start:stop]
            if line and not line.startswith(" ")]


def test_solve_prints_one_row_per_concept(capsys):
    status, out, _ = run(capsys, "solve", "2018-singapore")
    assert status == 0
    assert out.startswith("Scenario 2018-singapore:")
    assert concept_rows(out) == list(kurilsim.CONCEPTS)


def test_solve_selected_concepts_in_the_order_given(capsys):
    status, out, _ = run(
        capsys,
        "solve",
        "1956-declaration",
        "--concept",
        "rubinstein",
        "--concept",
        "spe",
        "--concept",
        "rubinstein",
    )
    assert status == 0
    assert concept_rows(out) == ["rubinstein", "spe"]
    expected = kurilsim.compare_concepts(
        kurilsim.load_scenario("1956-declaration"), ("rubinstein", "spe")
    )
    for outcome in expected:  # P(deal) and utilities as the library gives them
        row = next(line for line in out.splitlines()
                   if line.startswith(f"{outcome.concept} "))
        assert row.split()[1:-1] == [
            f"{outcome.probability:.3f}", *(f"{u:+.4f}" for u in outcome.utilities)
        ]


def test_solve_rejects_an_unknown_concept_as_a_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["solve", "2018-singapore", "--concept", "bogus"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


# -- sweep ------------------------------------------------------------------------------
def test_sweep_writes_csv_and_phase_diagram(capsys, tmp_path):
    out_csv, out_png = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    status, out, _ = run(
        capsys,
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--out",
        str(out_csv),
        "--plot",
        str(out_png),
        "--no-progress",
    )
    assert status == 0
    rows = read_rows(out_csv)
    assert len(rows) == 5 * 2 + 1
    assert rows[0][:2] == ["russia.security_weight", "japan.demand"]
    assert {row[1] for row in rows[1:]} == {"2", "4"}  # integers stay integers
    assert out_png.read_bytes().startswith(PNG_SIGNATURE)
    assert str(out_csv) in out
    assert str(out_png) in out
    assert "10 points" in out

    scenario = kurilsim.load_scenario("2018-singapore")
    expected = kurilsim.sweep(
        scenario,
        {"russia.security_weight": np.linspace(0, 3, 5), "japan.demand": [2, 4]},
        progress=False,
    )
    for label, share in expected.outcome_shares().items():
        assert f"{100 * share:6.2f}%  {label}" in out


def test_sweep_without_output_files_prints_the_shares(capsys):
    status, out, _ = run(
        capsys,
        "sweep",
        "2018-singapore",
        "--grid",
        "russia.pledge_credibility=0:1:3",
        "--concept",
        "spe",
    )
    assert status == 0
    assert "wrote" not in out
    assert "3 points" in out
    assert "%" in out


def test_sweep_with_a_point_by_point_concept(capsys, tmp_path):
    out_csv = tmp_path / "ks.csv"
    status, out, _ = run(
        capsys,
        "sweep",
        "1956-declaration",
        "--grid",
        "japan.treaty_value=0,1",
        "--concept",
        "kalai-smorodinsky",
        "--out",
        str(out_csv),
        "--no-progress",
    )
    assert status == 0
    assert "(kalai-smorodinsky), 2 points" in out
    expected = kurilsim.sweep(
        kurilsim.load_scenario("1956-declaration"),
        {"japan.treaty_value": [0, 1]},
        concept="kalai-smorodinsky",
        progress=False,
    )
    header, *rows = read_rows(out_csv)
    # a lottery's row names its most likely outcome as such
    assert [row[header.index("outcome")] for row in rows] == [
        ("lottery, most likely: " if mode < 1 - 1e-9 else "") + expected.label(int(code))
        for code, mode in zip(expected.agreement, expected.mode_probability, strict=True)
    ]


def test_sweep_checkpoint_resumes(capsys, tmp_path):
    folder = tmp_path / "checkpoint"
    args = [
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--chunk-size",
        "4",
        "--checkpoint",
        str(folder),
        "--no-progress",
    ]
    status, first, _ = run(capsys, *args, "--out", str(tmp_path / "first.csv"))
    assert status == 0
    assert "resumed 0 of 3 chunks" in first
    status, second, _ = run(capsys, *args, "--out", str(tmp_path / "second.csv"))
    assert status == 0
    assert "resumed 3 of 3 chunks" in second
    assert without_time(tmp_path / "first.csv") == without_time(tmp_path / "second.csv")


def test_sweep_with_workers_matches_serial(capsys, tmp_path):
    args = [
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--chunk-size",
        "3",
        "--no-progress",
    ]
    assert main([*args, "--out", str(tmp_path / "serial.csv")]) == 0
    assert main([*args, "--workers", "2", "--out", str(tmp_path / "pool.csv")]) == 0
    capsys.readouterr()
    # the same table (the provenance comments differ in their time only)
    assert read_rows(tmp_path / "serial.csv") == read_rows(tmp_path / "pool.csv")


# -- headline ---------------------------------------------------------------------------
def test_headline_writes_csv_and_png(capsys, tmp_path):
    folder = tmp_path / "nested" / "out"
    status, out, _ = run(
        capsys,
        "headline",
        "--out-dir",
        str(folder),
        "--resolution",
        "11",
        "--no-progress",
    )
    assert status == 0
    csv_path = folder / "two_vs_four_islands.csv"
    png_path = folder / "two_vs_four_islands.png"
    assert len(read_rows(csv_path)) == 2 * 11 * 11 + 1
    assert png_path.read_bytes().startswith(PNG_SIGNATURE)
    assert str(csv_path) in out
    assert str(png_path) in out
    assert "japan.demand = 2:" in out
    assert "japan.demand = 4:" in out
    assert "no deal" in out


def test_headline_rejects_a_resolution_below_two(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["headline", "--resolution", "1"])
    assert excinfo.value.code == 2
    assert "--resolution" in capsys.readouterr().err


# -- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "no-such-scenario"], "neither a built-in scenario"),
        (["solve", "no-such-file.toml"], "neither a built-in scenario"),
        (
            ["sweep", "2018-singapore", "--grid", "russia.security_weight"],
            "bad --grid 'russia.security_weight'",
        ),
        (
            ["sweep", "2018-singapore", "--grid", "russia.security_weight=0:3"],
            "expected NAME=START:STOP:NUM",
        ),
        (
            ["sweep", "2018-singapore", "--grid", "russia.security_weight=0:3:x"],
            "NUM must be a positive integer",
        ),
        (
            ["sweep", "2018-singapore", "--grid", "russia.security_weight=a:3:4"],
            "START and STOP must be numbers",
        ),
        (["sweep", "2018-singapore", "--grid", "japan.demand=2,,4"], "empty value"),
        (
            [
                "sweep",
                "2018-singapore",
                "--grid",
                "japan.demand=2,4",
                "--grid",
                "japan.demand=2",
            ],
            "already on the grid",
        ),
        (
            ["sweep", "2018-singapore", "--grid", "russia.security_wieght=0:1:3"],
            "unknown scenario parameter 'russia.security_wieght' (did you mean",
        ),
        (
            ["sweep", "2018-singapore", "--grid", "japan.demand=2,5"],
            "demand must be an integer in [0, 4]",
        ),
        (
            [
                "sweep",
                "2018-singapore",
                "--grid",
                "japan.demand=2,4",
                "--plot",
                "x.png",
            ],
            "needs a grid sweep with 2 or 3 axes; got 1 (japan.demand)",
        ),
    ],
)
def test_errors_print_one_line_and_exit_1(capsys, argv, message):
    if argv[0] == "sweep":
        argv = [*argv, "--no-progress"]
    status, out, err = run(capsys, *argv)
    assert status == 1
    assert out == ""
    assert err.startswith("kurilsim: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_reraises(where):
    argv = ["show", "no-such-scenario"]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    with pytest.raises(kurilsim.ScenarioFileError, match="no-such-scenario"):
        main(argv)


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main([])
    assert excinfo.value.code == 2
    assert "usage: kurilsim" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--version"])
    assert excinfo.value.code == 0
    assert capsys.readouterr().out.strip() == f"kurilsim {kurilsim.__version__}"


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (
            [],
            [
                "scenarios",
                "show",
                "solve",
                "new",
                "sweep",
                "headline",
                "report",
                "--debug",
                "--version",
                "exit status: 0 success, 1 failure",
                "2 usage error, 130 interrupted",
            ],
        ),
        (["scenarios"], ["kurilsim scenarios"]),
        (["show"], ["SCENARIO", "TOML"]),
        (["solve"], ["--concept", "rubinstein", "kalai-smorodinsky", "--format",
                      "markdown", "lottery"]),
        (["new"], ["SCENARIO.toml", "--from", "--overwrite", "units"]),
        (["report"], ["--out", "--concepts", "--resolution", "--overwrite",
                      "--no-progress"]),
        (
            ["sweep"],
            [
                "--grid",
                "START:STOP:NUM",
                "V1,V2",
                "--concept",
                "--out",
                "--plot",
                "--checkpoint",
                "--workers",
                "--chunk-size",
                "--no-progress",
                "--design",
                "--samples",
                "--seed",
                "NAME=LOW:HIGH",
            ],
        ),
        (
            ["headline"],
            [
                "--out-dir",
                "--resolution",
                "kurilsim-output",
                "two_vs_four_islands.csv",
                "two_vs_four_islands.png",
                "--workers",
            ],
        ),
    ],
)
def test_help_explains_each_command(capsys, argv, mentions):
    with pytest.raises(SystemExit) as excinfo:
        main([*argv, "--help"])
    assert excinfo.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kurilsim")
    assert "example" in out
    for text in mentions:
        assert text in out


# -- parse_grid ---------------------------------------------------------------------------
def test_parse_grid_ranges_and_lists():
    grid = parse_grid(
        [
            "russia.security_weight=0:3:4",
            "japan.demand=2:4:2",
            "protocol.objection_blocks=true,false",
            "japan.treaty_value=0.1,0.2",
        ],
        {"japan.demand": 2, "russia.security_weight": 2.0},
    )
    assert grid["russia.security_weight"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert grid["japan.demand"].dtype.kind == "i"
    assert grid["japan.demand"].tolist() == [2, 4]
    assert grid["protocol.objection_blocks"].tolist() == [True, False]
    assert grid["japan.treaty_value"].tolist() == [0.1, 0.2]
    assert list(grid) == [
        "russia.security_weight",
        "japan.demand",
        "protocol.objection_blocks",
        "japan.treaty_value",
    ]


def test_parse_grid_keeps_fractional_ranges_of_integer_parameters_as_floats():
    values = parse_grid(["japan.demand=2:4:3"], {"japan.demand": 2})["japan.demand"]
    assert values.tolist() == [2.0, 3.0, 4.0]
    values = parse_grid(["japan.demand=2:3:3"], {"japan.demand": 2})["japan.demand"]
    assert values.dtype.kind == "f"


# -- python -m kurilsim ---------------------------------------------------------------
def test_python_dash_m_runs_the_command_line():
    completed = subprocess.run(
        [sys.executable, "-m", "kurilsim", "scenarios"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[0] == kurilsim.list_scenarios()[0]
    assert "2018-singapore" in completed.stdout


# -- the promise: one line, a documented status, checks before work ------------------
def assert_one_error_line(err: str, *fragments: str) -> None:
    assert err.startswith("kurilsim: error: "), err
    assert err.count("\n") == 1, err
    assert err.endswith("\n")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def fail_if_called(name: str):
    def called(*args: object, **kwargs: object) -> None:
        pytest.fail(f"{name} was called: the command did work before its checks")

    return called


@pytest.fixture
def no_work(monkeypatch):
    """Make any sweep (or scenario load) fail the test: checks must come first."""
    import kurilsim.kuril.scenarios
    import kurilsim.studies
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", fail_if_called("sweep"))
    monkeypatch.setattr(
        kurilsim.studies, "two_vs_four_islands", fail_if_called("two_vs_four_islands")
    )
    monkeypatch.setattr(
        kurilsim.kuril.scenarios, "load_scenario", fail_if_called("load_scenario")
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (
            ["sweep", "2018-singapore", "--grid", "japan.demand=2,4", "--workers", "0"],
            2,
        ),
        (
            [
                "sweep",
                "2018-singapore",
                "--grid",
                "japan.demand=2,4",
                "--workers",
                "-3",
            ],
            2,
        ),
        (
            ["sweep", "2018-singapore", "--grid", "japan.demand=2,4", "--workers", "x"],
            2,
        ),
        (["headline", "--workers", "0"], 2),
        (["sweep", "2018-singapore", "--grid", "japan.demand=2,4", "--bogus"], 2),
        (["sweep", "2018-singapore"], 2),  # --grid is required
        (["frobnicate"], 2),
    ],
)
def test_usage_errors_exit_2_before_any_work(capsys, no_work, argv, code):
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == code
    err = capsys.readouterr().err
    assert err.startswith("usage: kurilsim")
    assert "kurilsim" in err.splitlines()[-1]
    assert "error:" in err.splitlines()[-1]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--plot", "out.xyz"], ["--plot out.xyz", ".png", "'.xyz'"]),
        (["--plot", "out"], ["--plot out", "no suffix"]),
        (["--out", "out.txt"], ["--out out.txt", ".csv", "'.txt'"]),
        (["--out", "missing/out.csv"], ["--out missing", "does not exist"]),
        (["--plot", "missing/out.png"], ["--plot missing", "does not exist"]),
        (["--out", "a-file/out.csv"], ["--out a-file", "is not a directory"]),
        (["--out", "."], ["--out ."]),
    ],
)
def test_bad_output_paths_are_refused_before_any_work(
    capsys, tmp_path, monkeypatch, no_work, options, fragments
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a directory\n")
    status, out, err = run(
        capsys, "sweep", "2018-singapore", *SMALL_GRID, *options, "--no-progress"
    )
    assert status == 1
    assert out == ""
    assert_one_error_line(err, *fragments)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("suffix", [".png", ".PDF", ".svg", ".jpg", ".eps"])
def test_plot_accepts_the_formats_matplotlib_writes(capsys, tmp_path, suffix):
    target = tmp_path / f"sweep{suffix}"
    status, out, err = run(
        capsys,
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--plot",
        str(target),
        "--no-progress",
    )
    assert (status, err) == (0, "")
    assert target.stat().st_size > 0
    assert f"wrote plot: {target}" in out
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


def test_a_plot_with_the_wrong_number_of_axes_is_refused_before_the_sweep(
    capsys, tmp_path, monkeypatch
):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", fail_if_called("sweep"))
    status, _, err = run(
        capsys,
        "sweep",
        "2018-singapore",
        "--grid",
        "japan.demand=2,4",
        "--plot",
        str(tmp_path / "x.png"),
        "--no-progress",
    )
    assert status == 1
    assert_one_error_line(err, "2 or 3 axes")


def test_headline_refuses_an_out_dir_it_cannot_create_before_any_work(
    capsys, tmp_path, no_work
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    for folder in (blocker, blocker / "sub"):
        status, out, err = run(capsys, "headline", "--out-dir", str(folder))
        assert status == 1
        assert out == ""
        assert_one_error_line(err, f"--out-dir {folder}")
    assert blocker.read_text() == "not a directory\n"


def test_headline_creates_a_missing_out_dir_before_the_work(
    capsys, tmp_path, monkeypatch
):
    import kurilsim.studies

    folder = tmp_path / "a" / "b"
    seen = []

    def study(**options):
        seen.append(folder.is_dir())
        raise kurilsim.InvalidModelError("stop here")

    monkeypatch.setattr(kurilsim.studies, "two_vs_four_islands", study)
    status, _, err = run(capsys, "headline", "--out-dir", str(folder))
    assert status == 1
    assert seen == [True]
    assert_one_error_line(err, "stop here")


def test_a_failed_plot_leaves_the_earlier_file_untouched(capsys, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    target = tmp_path / "sweep.png"
    target.write_bytes(b"the earlier figure")

    def broken_savefig(self, fname, **kwargs):
        with open(fname, "wb") as stream:
            stream.write(b"half a fig")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    status, _, err = run(
        capsys,
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--plot",
        str(target),
        "--no-progress",
        "--overwrite",
    )
    assert status == 1
    assert_one_error_line(err, str(target), "No space left on device")
    assert target.read_bytes() == b"the earlier figure"
    assert [path.name for path in tmp_path.iterdir()] == ["sweep.png"]


def test_a_plot_replaces_an_earlier_file(capsys, tmp_path):
    target = tmp_path / "sweep.png"
    target.write_bytes(b"the earlier figure")
    status, _, _ = run(
        capsys,
        "sweep",
        "2018-singapore",
        *SMALL_GRID,
        "--plot",
        str(target),
        "--no-progress",
        "--overwrite",
    )
    assert status == 0
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert [path.name for path in tmp_path.iterdir()] == ["sweep.png"]


def test_outputs_that_exist_are_refused_without_overwrite(capsys, tmp_path):
    out, plot = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    args = ["sweep", "2018-singapore", *SMALL_GRID, "--no-progress"]
    for target, option in ((out, "--out"), (plot, "--plot")):
        target.write_bytes(b"earlier")
        status, _, err = run(capsys, *args, option, str(target))
        assert status == 1
        assert_one_error_line(err, f"{option} {target}: exists; pass --overwrite")
        assert target.read_bytes() == b"earlier"
    status, _, _ = run(capsys, *args, "--out", str(out), "--plot", str(plot),
                       "--overwrite")
    assert status == 0
    assert out.read_text().startswith("# kurilsim: ")
    assert plot.read_bytes().startswith(PNG_SIGNATURE)


def test_headline_refuses_to_overwrite_the_previous_run(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "two_vs_four_islands.csv").write_text("earlier")

    def study(**options):  # pragma: no cover - must not run
        raise AssertionError("the study ran")

    monkeypatch.setattr(kurilsim.studies, "two_vs_four_islands", study)
    status, _, err = run(capsys, "headline", "--out-dir", str(folder))
    assert status == 1
    assert_one_error_line(err, "two_vs_four_islands.csv: exists; pass --overwrite")
    assert (folder / "two_vs_four_islands.csv").read_text() == "earlier"


def test_the_phase_diagram_carries_the_provenance(capsys, tmp_path):
    from PIL import Image

    plot = tmp_path / "sweep.png"
    status, _, _ = run(capsys, "sweep", "2018-singapore", *SMALL_GRID,
                       "--no-progress", "--plot", str(plot))
    assert status == 0
    with Image.open(plot) as image:
        text = dict(image.text)
    assert text["kurilsim:concept"] == "spe"
    assert text["kurilsim:kurilsim"] == kurilsim.__version__
    assert text["kurilsim:scenario"].startswith('name = "2018-singapore"')
    assert "russia.security_weight" in text["kurilsim:grid"]


# -- failures of every kind: one line ------------------------------------------------
def raising(error: BaseException):
    def function(*args: object, **kwargs: object) -> None:
        raise error

    return function


SWEEP_ARGS = ["sweep", "2018-singapore", *SMALL_GRID, "--no-progress"]


@pytest.mark.parametrize(
    ("error", "fragments"),
    [
        (
            MemoryError(
                "Unable to allocate 3.73 GiB for an array with shape (500000000,)"
            ),
            ["out of memory", "3.73 GiB", "--chunk-size"],
        ),
        (MemoryError(), ["out of memory;"]),
        (RecursionError("maximum recursion depth exceeded"), ["nested too deeply"]),
        (
            kurilsim.ProblemTooLargeError("the grid has 10^10 points; pass budget="),
            ["10^10"],
        ),
        (
            kurilsim.CheckpointError("checkpoint x belongs to another sweep"),
            ["another sweep"],
        ),
        (
            FileNotFoundError(2, "No such file or directory", "gone.npz"),
            ["gone.npz: No such file or directory"],
        ),
        (PermissionError("plain OS error"), ["plain OS error"]),
        (
            ValueError("a bad value\nwith a second line"),
            ["a bad value with a second line"],
        ),
        (EOFError("Ran out of input"), ["truncated or corrupt", "EOFError"]),
        (UserWarning("a warning raised under -W error"), ["a warning raised"]),
    ],
)
def test_failures_are_one_line_with_status_1(capsys, monkeypatch, error, fragments):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", raising(error))
    status, out, err = run(capsys, *SWEEP_ARGS)
    assert status == 1
    assert out == ""
    assert_one_error_line(err, *fragments)


def test_a_corrupt_checkpoint_file_is_one_line_naming_the_checkpoint(
    capsys, monkeypatch, tmp_path
):
    import zipfile

    import kurilsim.sweeps

    monkeypatch.setattr(
        kurilsim.sweeps, "sweep", raising(zipfile.BadZipFile("File is not a zip file"))
    )
    folder = tmp_path / "checkpoint"
    status, _, err = run(capsys, *SWEEP_ARGS, "--checkpoint", str(folder))
    assert status == 1
    assert_one_error_line(
        err, f"checkpoint {folder}", "truncated or corrupt", "File is not a zip file"
    )


def test_a_dead_worker_is_one_line(capsys, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", raising(BrokenProcessPool("boom")))
    status, _, err = run(capsys, *SWEEP_ARGS)
    assert status == 1
    assert_one_error_line(err, "worker process died")
    assert "bug" not in err


@pytest.mark.parametrize("command", [["show", "2018-singapore"], SWEEP_ARGS])
def test_an_unexpected_exception_is_one_line_calling_it_a_bug(
    capsys, monkeypatch, command
):
    import kurilsim.kuril.scenarios

    monkeypatch.setattr(
        kurilsim.kuril.scenarios,
        "load_scenario",
        raising(AttributeError("'NoneType' object has no attribute 'agents'")),
    )
    status, out, err = run(capsys, *command)
    assert status == 1
    assert out == ""
    assert_one_error_line(err, "bug", "--debug", "AttributeError", "'agents'")


def test_debug_shows_the_unexpected_exception(monkeypatch):
    import kurilsim.kuril.scenarios

    monkeypatch.setattr(
        kurilsim.kuril.scenarios, "load_scenario", raising(AttributeError("oops"))
    )
    with pytest.raises(AttributeError, match="oops"):
        main(["--debug", "show", "2018-singapore"])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], "kurilsim: interrupted\n"),
        (
            ["--checkpoint", "ckpt"],
            (
                "kurilsim: interrupted; the finished chunks are saved in ckpt: "
                "re-run the same command to resume\n"
            ),
        ),
    ],
)
def test_ctrl_c_is_one_line_with_status_130(capsys, monkeypatch, extra, expected):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", raising(KeyboardInterrupt()))
    status, _, err = run(capsys, *SWEEP_ARGS, *extra)
    assert status == 130
    assert err == expected


def test_ctrl_c_outside_a_sweep_just_says_interrupted(capsys, monkeypatch):
    import kurilsim.kuril.scenarios

    monkeypatch.setattr(
        kurilsim.kuril.scenarios, "load_scenario", raising(KeyboardInterrupt())
    )
    status, _, err = run(capsys, "show", "2018-singapore")
    assert (status, err) == (130, "kurilsim: interrupted\n")


def test_debug_lets_ctrl_c_through(monkeypatch):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", raising(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        main([*SWEEP_ARGS, "--debug"])


def test_warnings_are_one_line(capsys, monkeypatch):
    import warnings

    import kurilsim.kuril.scenarios

    real = kurilsim.kuril.scenarios.load_scenario

    def load(name, **options):
        warnings.warn(
            "chunk 3 is corrupt\nrecomputing it", kurilsim.KurilsimWarning, stacklevel=2
        )
        return real(name, **options)

    monkeypatch.setattr(kurilsim.kuril.scenarios, "load_scenario", load)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        status, out, err = run(capsys, "show", "2018-singapore")
    assert status == 0
    assert err == "kurilsim: warning: chunk 3 is corrupt recomputing it\n"
    assert "Agreement space" in out


# -- odd scenario arguments -------------------------------------------------------------
@pytest.mark.parametrize("kind", ["directory", "binary", "empty", "missing", "nested"])
@pytest.mark.parametrize("command", ["show", "solve", "sweep"])
def test_odd_scenario_files_are_one_line(capsys, tmp_path, kind, command):
    path = tmp_path / "scenario.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "nested":
        depth = 3000
        path.write_text(f'name = "deep"\nnotes = {"[" * depth}1{"]" * depth}\n')
    argv = [command, str(path)]
    if command == "sweep":
        argv += [*SMALL_GRID, "--no-progress"]
    status, out, err = run(capsys, *argv)
    assert status == 1
    assert out == ""
    assert_one_error_line(err)
    assert "bug" not in err


# -- --workers ----------------------------------------------------------------------------
@pytest.fixture
def recorded_workers(monkeypatch):
    """Record the size of the pool the sweep makes (a thread pool here)."""
    import concurrent.futures

    import kurilsim.sweeps

    seen: list[int] = []

    def pool(workers):
        seen.append(workers)
        return concurrent.futures.ThreadPoolExecutor(workers)

    monkeypatch.setattr(kurilsim.sweeps.run, "process_pool", pool)
    return seen


@pytest.mark.parametrize(
    ("cpus", "requested", "pools", "note"),
    [
        (2, 1000, [2], "kurilsim: note: --workers 1000 capped at 2 (CPUs)\n"),
        (
            64, 8, [3],
            ("kurilsim: note: --workers 8 capped at 3: the sweep has 3 chunks of up "
             "to 4 points to compute, and workers beyond one per chunk only add "
             "start-up time; a smaller --chunk-size makes more chunks\n"),
        ),
        (64, 3, [3], ""),
        (1, 4, [], "kurilsim: note: --workers 4 capped at 1 (CPUs)\n"),
        (4, 1, [], ""),
    ],
)
def test_workers_are_capped_at_cpus_and_chunks(
    capsys, monkeypatch, recorded_workers, cpus, requested, pools, note
):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps.run, "_available_cpus", lambda: cpus)
    status, out, err = run(
        capsys, *SWEEP_ARGS, "--chunk-size", "4", "--workers", str(requested)
    )  # 10 points in chunks of 4: 3 chunks; one worker runs in this process
    assert status == 0
    assert recorded_workers == pools
    assert err == note
    assert "10 points" in out


def test_headline_workers_are_capped_at_its_chunks(
    capsys, monkeypatch, tmp_path, recorded_workers
):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps.run, "_available_cpus", lambda: 16)
    status, _, err = run(
        capsys,
        "headline",
        "--out-dir",
        str(tmp_path),
        "--resolution",
        "5",
        "--workers",
        "4",
        "--no-progress",
    )
    assert status == 0
    assert recorded_workers == []  # 50 points are one chunk: run in this process
    assert err == (
        "kurilsim: note: --workers 4 capped at 1: the sweep has 1 chunk of up to "
        "32,768 points to compute, and workers beyond one per chunk only add "
        "start-up time\n"
    )


@pytest.mark.filterwarnings("always")
def test_corrupt_checkpoint_chunks_are_recomputed_with_one_line_warnings(
    capsys, tmp_path
):
    folder = tmp_path / "checkpoint"
    args = [*SWEEP_ARGS, "--chunk-size", "4", "--checkpoint", str(folder)]
    assert main([*args, "--out", str(tmp_path / "first.csv")]) == 0
    chunks = sorted(path for path in folder.iterdir() if path.suffix == ".npz")
    assert len(chunks) == 3
    chunks[0].write_bytes(chunks[0].read_bytes()[:10])  # truncated
    chunks[1].write_bytes(b"")  # empty
    capsys.readouterr()
    status, out, err = run(capsys, *args, "--out", str(tmp_path / "second.csv"))
    assert status == 0
    assert "resumed 1 of 3 chunks" in out
    lines = err.splitlines()
    assert len(lines) == 2
    for line, chunk in zip(lines, chunks, strict=False):
        assert line.startswith("kurilsim: warning: ")
        assert chunk.name in line
    assert without_time(tmp_path / "first.csv") == without_time(tmp_path / "second.csv")


@pytest.mark.parametrize(
    ("specs", "parameters", "fragment"),
    [
        ("japan.demand=2,4", None, "specs must be a sequence of strings"),
        (5, None, "specs must be a sequence of strings"),
        (["japan.demand=2,4", 3], None, "got the item 3"),
        (["japan.demand=2,4"], ["japan.demand"], "parameters must be a mapping"),
        (["japan.demand"], None, "bad --grid 'japan.demand'"),
        (["x=0:1:0"], None, "NUM must be a positive integer"),
        (["x=0:inf:3"], None, "START and STOP must be finite"),
    ],
)
def test_parse_grid_names_the_bad_argument(specs, parameters, fragment):
    with pytest.raises(kurilsim.InvalidArgumentError) as excinfo:
        parse_grid(specs, parameters)
    assert fragment in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_main_refuses_a_string_for_argv():
    with pytest.raises(kurilsim.InvalidArgumentError, match="argv must be a sequence"):
        main("scenarios")


# -- size budget ----------------------------------------------------------------------------
def test_an_oversized_grid_is_refused_before_any_allocation(capsys, monkeypatch):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps, "sweep", fail_if_called("sweep"))
    monkeypatch.setattr(np, "linspace", fail_if_called("numpy.linspace"))
    status, _, err = run(
        capsys,
        "sweep",
        "2018-singapore",
        "--grid",
        "russia.security_weight=0:4:100000",
        "--grid",
        "russia.pledge_credibility=0:1:100000",
    )
    assert status == 1
    assert_one_error_line(
        err, "10,000,000,000 points (100000 x 100000)", "--max-points 10000000000"
    )


def test_max_points_is_passed_to_the_sweep(capsys):
    argv = [*SWEEP_ARGS, "--max-points"]
    status, _, err = run(capsys, *argv, "9")
    assert status == 1
    assert_one_error_line(err, "10 points", "more than max_points=9")
    status, out, _ = run(capsys, *argv, "10")
    assert status == 0
    assert "10 points" in out


def test_headline_refuses_a_resolution_beyond_max_points_before_any_work(
    capsys, tmp_path, no_work
):
    folder = tmp_path / "out"
    status, _, err = run(
        capsys, "headline", "--out-dir", str(folder), "--resolution", "6000"
    )
    assert status == 1
    assert_one_error_line(err, "72,000,000 points", "--max-points 72000000")
    assert not folder.exists()


@given(
    specs=st.lists(
        st.text(alphabet="ab.=:,-0123456789einftrul ", max_size=24), max_size=4
    )
)
def test_parse_grid_returns_a_grid_or_names_the_bad_option(specs):
    message = ""
    try:
        grid = parse_grid(specs, max_points=10**6)
    except kurilsim.InvalidArgumentError as error:
        message, expected = str(error), "bad --grid"
    except kurilsim.ProblemTooLargeError as error:
        message, expected = str(error), "more than max_points=1,000,000"
    if message:
        assert expected in message
    else:
        assert len(grid) == len(specs)
        assert all(values.ndim == 1 and len(values) >= 1 for values in grid.values())


@given(
    start=st.floats(-1e6, 1e6),
    stop=st.floats(-1e6, 1e6),
    num=st.integers(1, 50),
)
def test_parse_grid_ranges_are_linspace_within_two_ulps(start, stop, num):
    values = parse_grid([f"x={start!r}:{stop!r}:{num}"])["x"]
    plain = np.linspace(start, stop, num)
    assert np.all(np.abs(values - plain) <= 2 * np.spacing(np.abs(plain)))


def test_parse_grid_writes_the_decimals_the_user_typed():
    values = parse_grid(["x=0:1:11", "y=0:3:31"])
    assert values["x"].tolist() == [k / 10 for k in range(11)]
    assert 0.30000000000000004 not in values["y"].tolist()
    assert values["y"].tolist()[3] == 0.3


def test_unknown_grid_names_are_named_before_the_size_check(capsys):
    status, out, err = run(
        capsys, "sweep", "2018-singapore", "--grid", "a=0:1:100000",
        "--grid", "russia.pledge_credibilty=0:1:100000",
    )
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown scenario parameter 'a'" in err
    status, _, err = run(
        capsys, "sweep", "2018-singapore", "--grid", "russia.pledge_credibilty=0:1:3"
    )
    assert status == 1
    assert "did you mean 'russia.pledge_credibility'" in err


def test_max_agreements_reaches_the_scenario_loader(capsys, tmp_path):
    options = "\n".join(
        f'[[space.issues]]\nname = "i{k}"\noptions = ["a", "b", "c"]' for k in range(13)
    )
    path = tmp_path / "big.toml"
    path.write_text(f'name = "big"\n{options}\n', encoding="utf-8")
    for command in (["show"], ["solve"], ["sweep", "--grid", "a=1,2"]):
        status, _, err = run(
            capsys, command[0], str(path), *command[1:], "--max-agreements", "1000"
        )
        assert status == 1, command
        assert "max_agreements=1,000" in err
        assert "--max-agreements" in err
        assert err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["show", str(path), "--max-agreements", "0"])
    assert info.value.code == 2


# -- robustness ---------------------------------------------------------------------------
def test_robustness_prints_the_report_and_writes_csv(capsys, tmp_path):
    target = tmp_path / "robustness.csv"
    argv = ("robustness", "2018-singapore", "--spread", "0.25", "--samples", "32",
            "--draws", "256", "--seed", "3", "--output", str(target))
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    report = kurilsim.robustness(kurilsim.load_scenario("2018-singapore"), spread=0.25,
                                 samples=32, draws=256, rng=3)
    assert out.startswith(report.summary())
    assert f"P(deal) = {report.p_deal:.3f} ± {report.p_deal_error:.3f}" in out
    assert f"wrote CSV: {target}" in out
    rows = read_rows(target)
    assert rows[0] == ["table", "output", "parameter", "statistic", "value", "error"]
    assert len(rows) - 1 == len(report.rows())
    # the same seed, the same numbers
    assert [float(r[4]) for r in rows[1:]] == [r["value"] for r in report.rows()]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--spread", "0"), "expected a number > 0"),
        (("--samples", "0"), "expected an integer >= 1"),
        (("--concept", "spee"), "invalid choice"),
    ],
)
def test_robustness_usage_errors_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(["robustness", "2018-singapore", *argv])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--samples", "1000"), "power of two"),
        (("--output", "out.txt"), "expected a file name ending in .csv"),
        (("--spread", "1e300"), "spread must be > 0 and <= 10"),
        (("--samples", str(2**40)), "more than max_points=2,000,000"),
        (("--draws", str(2**40)), "more than max_points=2,000,000"),
        (("--samples", "64", "--max-points", "1000"), "more than max_points=1,000"),
    ],
)
def test_robustness_failures_are_one_line(capsys, argv, message):
    status, _, err = run(capsys, "robustness", "2018-singapore", *argv)
    assert status == 1
    assert err.startswith("kurilsim: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_robustness_max_points_allows_a_larger_design(capsys):
    # 8 base samples x (parameters + 2) runs: refused under a tight budget,
    # run once the budget admits it
    argv = ("robustness", "2018-singapore", "--spread", "0.25", "--samples", "8",
            "--draws", "64", "--seed", "1")
    status, _, err = run(capsys, *argv, "--max-points", "100")
    assert status == 1
    assert "more than max_points=100" in err
    status, out, err = run(capsys, *argv, "--max-points", "100000")
    assert status == 0, err
    assert "P(deal) = " in out
    assert err == ""


def test_robustness_max_points_help_states_the_library_default(capsys):
    from kurilsim.sensitivity import DEFAULT_MAX_POINTS

    with pytest.raises(SystemExit):
        main(["robustness", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default: {DEFAULT_MAX_POINTS:,})" in out
