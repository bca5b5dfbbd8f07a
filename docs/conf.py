"""Sphinx configuration of the kurilsim documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(``pip install ".[docs]"`` first).  ``tests/docs/test_build.py`` runs this
build with warnings as errors, and ``tests/docs/test_code_blocks.py`` runs
every ``python`` block and ``{code-cell}`` of every page.

Two things are computed while the docs build:

- the ``{code-cell}`` blocks of the pages marked as notebooks (front matter
  ``file_format: mystnb``: the tutorial and the how-to guides) run in a Jupyter
  kernel, one per page, and their output (text, HTML tables, figures) appears
  under them (myst-nb);
- the gallery: every script ``docs/gallery/plot_*.py`` runs and its figures
  are shown under its code in ``docs/auto_gallery/`` (sphinx-gallery; the
  folder is generated and git-ignored).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Document the source tree next to this file, not some installed copy.
sys.path.insert(0, str(ROOT / "src"))
# The notebook pages' kernels inherit this environment (and may not find the
# source tree otherwise); the inline backend makes a cell's figures part of its
# output.  The figures drawn in this process (below, and the gallery's) switch
# to Agg themselves.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
)
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

import kurilsim

# -- project -----------------------------------------------------------------------
project = "kurilsim"
author = "The kurilsim developers"
copyright = "the kurilsim developers; BSD 3-Clause licence"
release = kurilsim.__version__
version = ".".join(release.split(".")[:2])

# -- extensions --------------------------------------------------------------------
# Docstrings are numpydoc-style; we render them with sphinx.ext.napoleon rather than
# the numpydoc extension because napoleon ships with Sphinx (no extra dependency) and
# is tolerant of small departures from the numpydoc layout, which matters when the
# build treats every warning as an error.
# myst_nb parses Markdown with MyST (it includes myst_parser) and runs the
# code cells of notebook pages; sphinx_gallery builds the plot gallery.
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".md": "myst-nb", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build", "Thumbs.db", ".DS_Store",
    "gallery",  # the gallery's sources; auto_gallery/ holds its pages
    "auto_gallery/*.ipynb",  # the gallery's notebooks are downloads, not pages
]
# No intersphinx: the build must work without network access.

# -- MyST --------------------------------------------------------------------------
myst_enable_extensions = [
    "dollarmath",  # $...$ and $$...$$ maths
    "amsmath",
    "colon_fence",  # ::: fences for admonitions
    "deflist",
]
myst_heading_anchors = 3  # [text](#a-section-title) links within and across pages

# -- myst-nb: pages whose code cells run at build time --------------------------
nb_execution_mode = "force"  # every build runs them: the outputs are never stale
nb_execution_in_temp = True  # files the cells write go to a temporary folder
nb_execution_timeout = 600  # seconds per cell: a runaway guard
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_output_stderr = "warn"  # a warning printed by a cell is a build warning
nb_merge_streams = True  # one output block per cell, not one per print()


def merge_streams(outputs: list[Any]) -> list[Any]:
    """A cell's outputs with consecutive chunks of one stream joined exactly.

    The kernel sends what a cell prints in chunks cut wherever a flush falls
    (often between a ``print``'s text and its newline), and myst-nb 1.4's
    ``coalesce_streams`` strips each later chunk before appending it with a
    newline, so the chunking, which varies from build to build, added blank
    lines.  Joining consecutive chunks first makes the merged text exactly
    what the cell printed; myst-nb's function then does the rest.
    """
    from myst_nb.core.utils import coalesce_streams
    from nbformat import NotebookNode

    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output["output_type"] == "stream"
            and previous is not None
            and previous["output_type"] == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] += output["text"]
        else:
            joined.append(NotebookNode(output) if output["output_type"] == "stream"
                          else output)
    return coalesce_streams(joined)  # type: ignore[no-any-return]

# -- sphinx-gallery: one page per script of docs/gallery -------------------------
sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_gallery",
    "filename_pattern": r"/plot_",  # every script runs and its figures are shown
    # rerun every script at every build (by default only the changed ones are):
    # the figures follow the library, not just the scripts
    "run_stale_examples": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,  # a failing example fails the build
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "write_computation_times": False,  # no sg_execution_times page in docs/
    "download_all_examples": False,
    "capture_repr": (),  # only what a script prints, as in a terminal
    "reset_modules": ("matplotlib",),
    "image_srcset": [],
}

# -- autodoc and napoleon ----------------------------------------------------------
autodoc_default_options = {
    "members": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"  # types next to the parameters, not in the signature
autodoc_typehints_description_target = "documented"
autodoc_preserve_defaults = True
autodoc_inherit_docstrings = True
autoclass_content = "class"

# kurilsim.testing.strategies imports hypothesis (the ``test`` extra); without it,
# autodoc documents the module against a stand-in rather than failing the build.
try:
    import hypothesis  # noqa: F401
except ImportError:
    autodoc_mock_imports = ["hypothesis"]

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True  # "Attributes" as field lists: no duplicates of dataclass fields
napoleon_use_rtype = True
napoleon_preprocess_types = False
napoleon_attr_annotations = True

# -- HTML --------------------------------------------------------------------------
html_theme = "alabaster"  # built into Sphinx: no theme dependency
html_title = f"kurilsim {release}"
html_theme_options = {
    "description": "Game-theoretic simulation of the Japan–Russia peace-treaty "
    "negotiation and the Kuril Islands dispute",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_sidebars = {
    "**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]
}


# -- figures drawn at build time ---------------------------------------------------
#: Figures computed from the current source when the docs are built (git-ignored).
FIGURES = HERE / "_build" / "figures"


def _draw_headline_figure(app: object) -> None:
    """The tutorial's two- vs four-island phase diagram, at full resolution."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from kurilsim import plot

    FIGURES.mkdir(parents=True, exist_ok=True)
    target = FIGURES / "two_vs_four_islands.png"
    result = kurilsim.two_vs_four_islands(progress=False)
    axes = plot.phase_diagram(result)
    partial = target.with_name(f".{target.stem}-{os.getpid()}.png")
    axes[0].figure.savefig(partial, dpi=110)
    plt.close("all")
    os.replace(partial, target)  # atomic: concurrent builds never see half a file


def _draw_pledge_figure(app: object) -> None:
    """The pledge game's regions on 2018 (docs/model/pledge-game.md), 201 x 201."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    from kurilsim import plot
    from kurilsim.kuril import pledge_regions

    FIGURES.mkdir(parents=True, exist_ok=True)
    target = FIGURES / "pledge_regions_2018.png"
    regions = pledge_regions(
        kurilsim.load_scenario("2018-singapore"),
        {"japan.article_cost": np.linspace(0.0, 0.15, 201),
         "russia.pledge_credibility": np.linspace(0.0, 1.0, 201)},
    )
    ax = plot.pledge_regions(regions)
    partial = target.with_name(f".{target.stem}-{os.getpid()}.png")
    ax.figure.savefig(partial, dpi=110)
    plt.close("all")
    os.replace(partial, target)


def setup(app: object) -> None:
    import myst_nb.core.render

    myst_nb.core.render.coalesce_streams = merge_streams  # see merge_streams
    app.connect("builder-inited", _draw_headline_figure)  # type: ignore[attr-defined]
    app.connect("builder-inited", _draw_pledge_figure)  # type: ignore[attr-defined]
