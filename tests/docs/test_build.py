"""The documentation builds with Sphinx without a single warning.

Runs ``python -m sphinx -W --keep-going -b html docs <tmp>`` in a subprocess,
as a reader or CI would, and fails with the full warning log otherwise.
Needs the ``docs`` extra (``pip install ".[docs]"``); skipped without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    out = tmp_path / "html"
    warnings_file = tmp_path / "warnings.txt"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    completed = subprocess.run(
        [
            sys.executable, "-m", "sphinx",
            "-W", "--keep-going",
            "-b", "html",
            "-d", str(tmp_path / "doctrees"),
            "-w", str(warnings_file),
            "-q",
            str(DOCS), str(out),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    warnings = warnings_file.read_text(encoding="utf-8") if warnings_file.exists() else ""
    assert completed.returncode == 0, (
        f"sphinx exited with status {completed.returncode}\n"
        f"--- warnings ---\n{warnings}\n"
        f"--- stderr ---\n{completed.stderr[-20000:]}\n"
        f"--- stdout ---\n{completed.stdout[-5000:]}"
    )
    assert not warnings.strip(), f"sphinx reported warnings:\n{warnings}"
    for page in ("index.html", "tutorial/index.html", "api/index.html"):
        assert (out / page).is_file(), f"{page} was not built"
