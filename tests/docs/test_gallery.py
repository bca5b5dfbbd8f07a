"""The plot gallery (``docs/gallery/plot_*.py``, built by sphinx-gallery).

Every plotting function of ``kurilsim.plot`` has an example; every example
has a title and says what its figure shows and how to read it; and every
figure an example draws keeps its text inside the figure, without two texts
overlapping (what a reader would see as clipping or clutter).  The examples
run here as the docs build runs them: as scripts, in a temporary folder,
with matplotlib's Agg backend.
"""

from __future__ import annotations

import ast
import inspect
import re
import runpy
from pathlib import Path
from typing import Any

import pytest

from kurilsim import plot

GALLERY = Path(__file__).resolve().parents[2] / "docs" / "gallery"
SCRIPTS = sorted(GALLERY.glob("plot_*.py"))

#: Pixels two texts may share before they count as overlapping (antialiasing).
OVERLAP_SLACK = 1.0


def _public_functions() -> set[str]:
    return {name for name in plot.__all__ if inspect.isfunction(getattr(plot, name))}


def _plot_calls(script: Path) -> set[str]:
    """Names ``f`` of the calls ``plot.f(...)`` in ``script``."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "plot"
    }


def test_the_gallery_has_examples_and_an_introduction() -> None:
    assert len(SCRIPTS) >= 8
    readme = (GALLERY / "README.txt").read_text(encoding="utf-8").splitlines()
    assert readme[1] == "=" * len(readme[0])


def test_every_plot_function_has_an_example() -> None:
    functions = _public_functions()
    assert {"phase_diagram", "islands_map", "utility_possibility"} <= functions
    called = set().union(*(_plot_calls(script) for script in SCRIPTS))
    missing = sorted(functions - called)
    assert not missing, f"no gallery example calls kurilsim.plot.{missing}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_each_example_has_a_title_and_says_how_to_read_its_figure(script: Path) -> None:
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
    assert docstring, f"{script.name} has no docstring"
    title, underline, blank, *body = docstring.splitlines()
    assert underline == "=" * len(title), f"{script.name}: the title is not underlined"
    assert not blank.strip()
    text = " ".join(body)
    assert re.search(r":func:`kurilsim\.plot\.\w+`", text), (
        f"{script.name} does not name the plot function it shows"
    )
    assert len(re.findall(r"[.:!?](\s|$)", text)) >= 2, (
        f"{script.name}: say what the figure shows and how to read it"
    )
    assert "Read" in text, f"{script.name} does not say how to read the figure"


def _drawn_texts(figure: Any) -> list[Any]:
    """The visible, non-empty texts of ``figure``, with only the tick labels
    that are drawn (inside their axis' view interval)."""
    from matplotlib.text import Text

    tick_labels: set[int] = set()
    shown = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                for label in (tick.label1, tick.label2):
                    tick_labels.add(id(label))
                    if tick.get_visible() and low - span <= tick.get_loc() <= high + span:
                        shown.append(label)
    shown += [t for t in figure.findobj(Text) if id(t) not in tick_labels]
    return [t for t in shown if t.get_visible() and t.get_text().strip()]


def _overlapping_texts(figure: Any) -> list[tuple[str, str]]:
    renderer = figure.canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer))
             for text in _drawn_texts(figure)]
    pairs = []
    for k, (first, a) in enumerate(boxes):
        for second, b in boxes[k + 1 :]:
            width = min(a.x1, b.x1) - max(a.x0, b.x0)
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width > OVERLAP_SLACK and height > OVERLAP_SLACK:
                pairs.append((first, second))
    return pairs


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_each_example_draws_without_clipping_or_overlapping_text(
    script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    plt.close("all")
    try:
        runpy.run_path(str(script), run_name="__main__")
        # sphinx-gallery runs a script in docs/gallery: it must write nothing there
        assert not list(tmp_path.iterdir()), f"{script.name} wrote into its folder"
        numbers = plt.get_fignums()
        assert numbers, f"{script.name} draws no figure"
        for number in numbers:
            figure = plt.figure(number)
            figure.canvas.draw()
            box = figure.get_tightbbox(figure.canvas.get_renderer())
            width, height = figure.get_size_inches()
            where = (f"{script.name}, figure {number}: something is drawn outside "
                     f"the {width:.2f} x {height:.2f} in figure: {box}")
            assert box.x0 >= -0.01, where
            assert box.y0 >= -0.01, where
            assert box.x1 <= width + 0.01, where
            assert box.y1 <= height + 0.01, where
            overlaps = _overlapping_texts(figure)
            assert not overlaps, f"{script.name}, figure {number}: {overlaps}"
    finally:
        plt.close("all")
