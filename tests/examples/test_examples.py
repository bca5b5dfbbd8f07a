"""Every script in examples/ runs to completion (Agg backend, no display)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(
    script: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # examples write their figures and tables under the working directory
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert out.strip(), f"{script.name} printed nothing"


def test_check_your_solver_example_catches_the_broken_solver(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = next(p for p in EXAMPLES if p.name == "check_your_solver.py")
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "caught: the solver returned no equilibrium" in out
    assert "NormalFormGame(payoffs=" in out  # the shrunk counterexample


def test_custom_model_example_solves_and_sweeps(capsys: pytest.CaptureFixture[str]) -> None:
    script = next(p for p in EXAMPLES if p.name == "custom_model.py")
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "straits(2)" in out
    assert "pledge credibility 0.6: spe: " in out


def test_classic_games_example_reports_known_equilibria(capsys: pytest.CaptureFixture[str]) -> None:
    script = next(p for p in EXAMPLES if p.name == "classic_games.py")
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "Battle of the sexes" in out
    assert "[0.6 0.4]  [0.4 0.6]" in out  # the mixed equilibrium of battle of the sexes
    assert "value 0" in out  # rock-paper-scissors by LP
