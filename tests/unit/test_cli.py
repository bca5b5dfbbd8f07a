"""The ``kurilsim`` command line: each subcommand, its files, errors and help."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


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
    assert "Agreement space: 39 agreements" in out


def test_scenario_can_be_a_toml_path(capsys, tmp_path):
    scenario = kurilsim.load_scenario("1956-declaration")
    path = tmp_path / "mine.toml"
    scenario.to_toml(path)
    status, out, _ = run(capsys, "show", str(path))
    assert status == 0
    assert out.strip() == scenario.describe()


def test_solve_prints_one_row_per_concept(capsys):
    status, out, _ = run(capsys, "solve", "2018-singapore")
    assert status == 0
    assert out.startswith("Scenario 2018-singapore:")
    rows = [line.split()[0] for line in out.splitlines()[3:]]
    assert rows == list(kurilsim.CONCEPTS)


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
    rows = [line.split()[0] for line in out.splitlines()[3:]]
    assert rows == ["rubinstein", "spe"]
    expected = kurilsim.compare_concepts(
        kurilsim.load_scenario("1956-declaration"), ("rubinstein", "spe")
    )
    assert out.strip() == str(expected)


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
    assert [row[-5] for row in read_rows(out_csv)[1:]] == [
        expected.label(int(code)) for code in expected.agreement
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
    assert (tmp_path / "first.csv").read_bytes() == (
        tmp_path / "second.csv"
    ).read_bytes()


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
    assert (tmp_path / "serial.csv").read_bytes() == (
        tmp_path / "pool.csv"
    ).read_bytes()


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
            "phase_diagram needs a grid sweep with 2 or 3 axes",
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


def test_unwritable_output_is_an_error_not_a_traceback(capsys, tmp_path):
    status, _, err = run(
        capsys,
        "sweep",
        "2018-singapore",
        "--grid",
        "japan.demand=2,4",
        "--out",
        str(tmp_path / "missing" / "x.csv"),
        "--no-progress",
    )
    assert status == 1
    assert err.startswith("kurilsim: error: ")
    assert err.count("\n") == 1


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
            ["scenarios", "show", "solve", "sweep", "headline", "--debug", "--version"],
        ),
        (["scenarios"], ["kurilsim scenarios"]),
        (["show"], ["SCENARIO", "TOML"]),
        (["solve"], ["--concept", "rubinstein", "kalai-smorodinsky"]),
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
