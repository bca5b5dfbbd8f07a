"""Every ```python block of every documentation page runs, and every printed
output shown on a page is the block's current output.

The blocks of one page run in order, in one fresh namespace (a page is one
session), in a temporary working directory and with matplotlib's Agg backend.
A block that is illustrative only is written with a ```{code-block} python
fence instead, which this test does not run.  On notebook pages (the tutorial
and the how-to guides, whose ```{code-cell} python blocks the docs build runs
with myst-nb to show their output) the code cells are the blocks; this test
runs them in the same way, so a page that fails here fails the build too.  A page whose code needs an
optional extra that is not installed (Dask, pandas, tqdm, hypothesis) is
skipped, naming the missing module; any other failure fails the page.

A block followed by a marked output region (``<!-- output of the block
above ... -->`` ... ``<!-- end of output -->``, see ``tests/docs/pages.py``)
must have printed exactly the region's text; ``python docs/regenerate.py
PAGE`` rewrites the regions.  The runner and the parser are shared with that
script (``tests/docs/pages.py``), so the two run a page in the same way.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.docs.pages import (
    DOCS,
    MissingOptionalModule,
    PageError,
    extract_blocks,
    is_notebook,
    page_name,
    pages,
    regenerate_command,
    region_diff,
    run_page,
    stale_regions,
)

#: Lines of diff shown per stale region in a failure message.
DIFF_LINES = 30


def _has_code(page: Path) -> bool:
    try:
        return bool(extract_blocks(page))
    except PageError:
        return True  # a malformed page: let the page's test report it


PAGES = pages()
PAGES_WITH_CODE = [page for page in PAGES if _has_code(page)]


def check_page(page: Path) -> list[tuple[int, float]]:
    """Run ``page``, check its marked outputs; return (line, seconds) per block.

    Raises
    ------
    AssertionError
        If a marked region differs from what its block printed: a short
        unified diff per stale region, and the command that regenerates them.
    """
    runs = run_page(page)
    stale = stale_regions(runs)
    if stale:
        diffs = "\n\n".join(region_diff(block, expected, limit=DIFF_LINES)
                             for block, expected in stale)
        raise AssertionError(
            f"{page_name(page)}: {len(stale)} marked output region(s) differ from "
            f"what their blocks print now; regenerate them with\n"
            f"    {regenerate_command(page)}\n"
            f"and review the change of numbers.\n{diffs}"
        )
    return [(run.block.line, run.seconds) for run in runs]


def test_pages_found() -> None:
    """The docs have pages, and the main ones have code to run."""
    names = {page_name(page) for page in PAGES_WITH_CODE}
    assert "tutorial/index.md" in names
    assert "how-to/distributed-sweeps.md" in names


@pytest.mark.parametrize(
    "page", PAGES_WITH_CODE, ids=[page_name(p) for p in PAGES_WITH_CODE]
)
def test_code_blocks_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        timings = check_page(page)
    except MissingOptionalModule as missing:
        pytest.skip(str(missing))
    assert timings, f"{page} has no python blocks"
    slowest = max(timings, key=lambda item: item[1])
    # a runaway guard, not a benchmark: the docs use small resolutions and
    # their slowest block takes about 15 s on an idle machine
    assert slowest[1] < 300, (
        f"{page_name(page)}:{slowest[0]}: a block took {slowest[1]:.1f} s"
    )


def test_extract_blocks(tmp_path: Path) -> None:
    """The fence parser: python blocks run, code-block directives and other
    fences do not, blocks inside admonitions do."""
    page = tmp_path / "page.md"
    page.write_text(
        textwrap.dedent(
            """\
            # Title
            ```python
            a = 1
            ```
            ```{code-block} python
            raise RuntimeError('illustrative only')
            ```
            ````markdown
            ```python
            raise RuntimeError('an example of Markdown')
            ```
            ````
            ````{note}
            ```python
            b = a + 1
            ```
            ````
            ~~~ python
            c = b + 1
            ~~~
            ```bash
            pip install kurilsim
            ```
            """
        ),
        encoding="utf-8",
    )
    blocks = extract_blocks(page)
    assert [b.line for b in blocks] == [3, 15, 19]
    assert [b.code for b in blocks] == ["a = 1\n", "b = a + 1\n", "c = b + 1\n"]


NOTEBOOK_FRONT = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
"""


def test_extract_code_cells(tmp_path: Path) -> None:
    """On a notebook page the code cells are the blocks, without their
    options (``:key:`` lines or a YAML header); code-block directives and
    other fences do not run."""
    page = tmp_path / "page.md"
    page.write_text(
        NOTEBOOK_FRONT
        + textwrap.dedent(
            """\
            # Title
            ```{code-cell} python
            a = 1
            ```
            ```{code-cell} ipython3
            :tags: [hide-input]
            b = a + 1
            ```
            ```{code-cell} python
            ---
            tags: [hide-output]
            ---
            c = b + 1
            ```
            ```{code-block} python
            raise RuntimeError('illustrative only')
            ```
            ```bash
            pip install kurilsim
            ```
            """
        ),
        encoding="utf-8",
    )
    blocks = extract_blocks(page)
    assert [b.line for b in blocks] == [9, 13, 19]
    assert [b.code for b in blocks] == ["a = 1\n", "b = a + 1\n", "c = b + 1\n"]
    assert all(b.cell for b in blocks)
    assert all(b.output is None for b in blocks)


@pytest.mark.parametrize(
    ("front", "body", "message"),
    [
        pytest.param(NOTEBOOK_FRONT, "```python\na = 1\n```\n",
                     "would run in the tests but not in the build",
                     id="python-fence-on-a-notebook"),
        pytest.param(NOTEBOOK_FRONT,
                     "```{note}\n```{code-cell} python\na = 1\n```\n```\n",
                     "top level", id="nested-cell"),
        pytest.param("", "```{code-cell} python\na = 1\n```\n",
                     "only on a notebook page", id="cell-on-a-plain-page"),
        pytest.param(NOTEBOOK_FRONT, "```{code-cell} bash\nls\n```\n",
                     "the kernel runs Python", id="cell-in-bash"),
        pytest.param(NOTEBOOK_FRONT,
                     "```{code-cell} python\nprint(1)\n```\n\n"
                     "<!-- output of the block above -->\n1\n<!-- end of output -->\n",
                     "takes no marked output region", id="region-on-a-notebook"),
    ],
)
def test_notebook_pages_reject_what_the_build_would_not_run(
    tmp_path: Path, front: str, body: str, message: str
) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"{front}# Title\n\n{body}", encoding="utf-8")
    with pytest.raises(PageError, match=message):
        extract_blocks(page)


def test_is_notebook_reads_only_the_front_matter(tmp_path: Path) -> None:
    lines = NOTEBOOK_FRONT.splitlines()
    assert is_notebook(lines)
    assert not is_notebook(["# Title", "file_format: mystnb"])
    assert not is_notebook(["---", "title: x", "---", "file_format: mystnb"])
    assert not is_notebook([])


def test_tutorial_and_how_to_guides_show_their_output() -> None:
    """The tutorial and every how-to guide are notebook pages whose code runs
    at build time (their output appears on the page), and have code cells."""
    guides = sorted((DOCS / "how-to").glob("*.md"))
    assert guides
    for page in [DOCS / "tutorial" / "index.md", *guides]:
        lines = page.read_text(encoding="utf-8").splitlines()
        assert is_notebook(lines), f"{page_name(page)} is not a notebook page"
        blocks = extract_blocks(page)
        assert blocks, f"{page_name(page)} has no code cells"
        assert all(block.cell for block in blocks)
