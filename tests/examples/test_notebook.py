"""The tour notebook (examples/kurilsim_tour.ipynb) runs, and shows kurilsim's
objects as HTML tables.

Two ways: every code cell ``exec``-ed in order in one namespace with the
standard library only (always runs), and the whole notebook executed in a
Jupyter kernel by nbclient (when nbclient and ipykernel are installed).  The
notebook is stored without outputs; both tests check what running it gives.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_html import parse_view

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "kurilsim_tour.ipynb"

#: The kurilsim objects the tour shows as a cell's last line, by type name.
SHOWN = {"Scenario", "Outcome", "ConceptComparison", "NashResult", "SweepResult"}


def _code_cells() -> list[str]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    return ["".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code"]


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == []
            assert cell["execution_count"] is None


def _run(source: str, namespace: dict[str, Any]) -> Any:
    """Run a cell as Jupyter does: its statements, then the value of its last
    line if that is an expression (None when it ends in ``;``, as Jupyter
    shows nothing then)."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the cell
        return None
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    exec(compile(body, "<cell>", "exec"), namespace)  # noqa: S102 - the cell
    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    return None if source.rstrip().endswith(";") else value


def test_every_cell_runs_and_kurilsim_objects_show_as_html(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shown: dict[str, str] = {}
    try:
        for source in _code_cells():
            value = _run(source, namespace)
            if type(value).__module__.split(".")[0] == "kurilsim":
                markup = value._repr_html_()
                parse_view(markup)  # well formed, only table elements
                shown[type(value).__name__] = markup
    finally:
        plt.close("all")
    assert set(shown) == SHOWN
    # the sweep's view is a summary and its first rows, its lotteries said so
    result = namespace["result"]
    assert f"First 5 of {result.size} points" in shown["SweepResult"]
    assert "lottery:" in shown["Outcome"]
    assert "left to chance" in shown["ConceptComparison"]
    frame = namespace["frame"]
    assert list(frame.index) == [o.concept for o in namespace["comparison"]]


@pytest.mark.slow
def test_the_notebook_runs_in_a_jupyter_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # the kernel draws figures inline, as in Jupyter (tests/conftest.py sets Agg)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on any failing cell
    views = [
        output["data"]["text/html"]
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs
        if output.get("output_type") == "execute_result" and "text/html" in output.get(
            "data", {})
        and "kurilsim-view" in output["data"]["text/html"]
    ]
    assert len(views) == len(SHOWN)
    for markup in views:
        parse_view(markup)
    images = [
        output for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs if "image/png" in output.get("data", {})
    ]
    assert len(images) == 2  # the concept comparison and the phase diagram
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.get("output_type") == "error"]
    assert errors == []
