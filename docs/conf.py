"""Sphinx configuration of the kurilsim documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(``pip install ".[docs]"`` first).  ``tests/docs/test_build.py`` runs this
build with warnings as errors, and ``tests/docs/test_code_blocks.py`` runs
every ``python`` block of every page.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Document the source tree next to this file, not some installed copy.
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")

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
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# No intersphinx: the build must work without network access.

# -- MyST --------------------------------------------------------------------------
myst_enable_extensions = [
    "dollarmath",  # $...$ and $$...$$ maths
    "amsmath",
    "colon_fence",  # ::: fences for admonitions
    "deflist",
]
myst_heading_anchors = 3  # [text](#a-section-title) links within and across pages

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
    app.connect("builder-inited", _draw_headline_figure)  # type: ignore[attr-defined]
    app.connect("builder-inited", _draw_pledge_figure)  # type: ignore[attr-defined]
