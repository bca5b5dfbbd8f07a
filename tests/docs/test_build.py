"""The documentation builds with Sphinx without a single warning.

Runs ``python -m sphinx -W --keep-going -b html docs <tmp>`` in a subprocess,
as a reader or CI would, and fails with the full warning log otherwise.
Needs the ``docs`` extra (``pip install ".[docs]"``: Sphinx, MyST, myst-nb and
sphinx-gallery); skipped without it.  Also checks that what the build
computes is on the pages: the tutorial's and the how-to guides' cell outputs
(myst-nb) and a figure on every page of the plot gallery (sphinx-gallery).
"""

from __future__ import annotations

import json
import os
import re
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
    pytest.importorskip("myst_nb")
    pytest.importorskip("sphinx_gallery")
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
    _check_executed_pages(out)
    _check_gallery(out)


def _check_executed_pages(out: Path) -> None:
    """The tutorial and the how-to guides show their code cells' output (text,
    and the tutorial's phase diagram as an image) under the code."""
    tutorial = (out / "tutorial" / "index.html").read_text(encoding="utf-8")
    outputs = re.findall(r'<div class="cell_output[^"]*"', tutorial)
    assert len(outputs) >= 10, f"the tutorial shows {len(outputs)} cell outputs"
    assert "Japan demands 2 islands" in tutorial  # printed by a cell
    cell_images = re.findall(
        r'<div class="cell_output[^"]*">.*?<img[^>]+src="[^"]+\.png"', tutorial,
        re.DOTALL,
    )
    assert cell_images, "the tutorial shows no figure drawn by a cell"
    for guide in sorted((out / "how-to").glob("*.html")):
        html = guide.read_text(encoding="utf-8")
        assert 'class="cell_output' in html, f"{guide.name} shows no cell output"


def _check_gallery(out: Path) -> None:
    """The gallery has a page per example, each with at least one figure, and
    every example is linked from the gallery's index."""
    scripts = sorted((DOCS / "gallery").glob("plot_*.py"))
    assert scripts
    index = (out / "auto_gallery" / "index.html").read_text(encoding="utf-8")
    for script in scripts:
        page = out / "auto_gallery" / f"{script.stem}.html"
        assert page.is_file(), f"no gallery page for {script.name}"
        assert f"{script.stem}.html" in index, f"{script.name} is not in the index"
        html = page.read_text(encoding="utf-8")
        images = re.findall(r'<img[^>]+src="[^"]*sphx_glr_[^"]+\.png"', html)
        assert images, f"the gallery page of {script.name} shows no figure"


def test_cell_output_chunks_are_joined_exactly(tmp_path: Path) -> None:
    """docs/conf.py's merge of a cell's stream chunks gives exactly what the
    cell printed, wherever the kernel cut it (myst-nb alone added a blank line
    where a chunk started with the newline of a print).  Run in a subprocess:
    conf.py sets environment variables for the docs build."""
    pytest.importorskip("myst_nb")
    script = tmp_path / "merge.py"
    script.write_text(
        "import json, runpy, sys\n"
        "from nbformat import NotebookNode\n"
        f"conf = runpy.run_path({str(DOCS / 'conf.py')!r})\n"
        "def stream(text, name='stdout'):\n"
        "    return NotebookNode(output_type='stream', name=name, text=text)\n"
        "chunks = [stream('True'), stream('\\n(5, 186)\\nweights'), stream(' = 1\\n'),\n"
        "          stream('oops\\n', 'stderr')]\n"
        "merged = conf['merge_streams'](chunks)\n"
        "json.dump([(o['name'], o['text']) for o in merged], sys.stdout)\n"
        "assert chunks[0]['text'] == 'True'  # the cell's own outputs are not changed\n",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True,
        text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == [
        ["stdout", "True\n(5, 186)\nweights = 1\n"],
        ["stderr", "oops\n"],
    ]
