"""examples/treaty_by_2030.py: what it writes and the consistency of its table."""

from __future__ import annotations

import csv
import math
import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "treaty_by_2030.py"


def test_writes_only_its_table_and_the_table_is_consistent(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    # nothing outside kurilsim-output/, and no temporary file left in it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kurilsim-output"]
    written = sorted(p.name for p in (tmp_path / "kurilsim-output").iterdir())
    assert written == ["treaty_by_2030.csv"]
    with open(tmp_path / "kurilsim-output" / "treaty_by_2030.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    variants = {row["variant"] for row in rows}
    assert {"ratified (baseline)", "stricter Diet (+0.10)", "2014-style shock"} <= variants
    assert {row["from"] for row in rows} == {"1956", "2024"}
    for row in rows:
        treaty = float(row["p_treaty_by_2030"])
        settled = float(row["p_settlement_by_2030"])
        expected = float(row["expected_years"])
        assert 0.0 <= settled <= treaty + 1e-12 <= 1.0 + 1e-12
        assert expected >= 0.0
        if math.isfinite(expected):  # a treaty comes for sure, so some year has one
            assert treaty > 0.0 or int(row["from"]) + expected > 2030 - 1
        # the printed table shows what the file holds
        assert f"{row['variant']:34s} |" in out
        assert f"{treaty:14.3f}" in out
