"""Every ```python block of every documentation page runs.

The blocks of one page run in order, in one fresh namespace (a page is one
session), in a temporary working directory and with matplotlib's Agg backend.
A block that is illustrative only is written with a ```{code-block} python
fence instead, which this test does not run.  A page whose code needs an
optional extra that is not installed (Dask, pandas, tqdm, hypothesis) is
skipped, naming the missing module; any other failure fails the page.
"""

from __future__ import annotations

import re
import sys
import textwrap
import time
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

#: Modules of optional extras: a page that needs a missing one is skipped.
OPTIONAL_MODULES = frozenset({"dask", "distributed", "hypothesis", "pandas", "tqdm"})

#: Fence info strings of blocks that run.
RUN_LANGUAGES = frozenset({"python", "py", "python3"})

#: Directives whose content is Markdown that may hold more code blocks.
_CONTAINERS = frozenset(
    {
        "admonition", "attention", "caution", "danger", "dropdown", "error",
        "hint", "important", "note", "seealso", "tip", "topic", "warning",
    }
)

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    """One runnable code block: the page, its first line (1-based) and code."""

    page: Path
    line: int
    code: str


def _name(page: Path) -> str:
    try:
        return str(page.relative_to(DOCS))
    except ValueError:
        return str(page)


def _info_kind(info: str) -> tuple[str, str]:
    """``("code", language)`` for a code fence, ``("directive", name)`` else."""
    info = info.strip()
    if info.startswith("{") and "}" in info:
        return "directive", info[1 : info.index("}")].strip()
    return "code", (info.split() or [""])[0].lower()


def extract_blocks(page: Path) -> list[Block]:
    """The runnable ``python`` blocks of a Markdown page, in order.

    Fenced code blocks (backticks or tildes, any length) are recognised as in
    CommonMark; the content of admonition-like directives is searched for
    nested blocks, the content of every other fence is skipped.

    Raises
    ------
    AssertionError
        If a fence is never closed (the page would render wrongly too).
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    # stack of open container fences: (fence character, fence length)
    containers: list[tuple[str, int]] = []
    k = 0
    while k < len(lines):
        match = _FENCE.match(lines[k])
        if match is None:
            k += 1
            continue
        fence, info = match["fence"], match["info"]
        char, length = fence[0], len(fence)
        if containers and not info.strip():
            open_char, open_length = containers[-1]
            if char == open_char and length >= open_length:
                containers.pop()  # closes the innermost container
                k += 1
                continue
        if char == "`" and "`" in info:
            k += 1  # not a fence (inline code at the start of a line)
            continue
        kind, name = _info_kind(info)
        if kind == "directive" and name in _CONTAINERS:
            containers.append((char, length))
            k += 1
            continue
        start = k + 1
        end = start
        while end < len(lines):
            closing = _FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"][0] == char
                and len(closing["fence"]) >= length
                and not closing["info"].strip()
            ):
                break
            end += 1
        else:
            raise AssertionError(
                f"{_name(page)}:{k + 1}: the fence {fence}{info} is never closed"
            )
        if kind == "code" and name in RUN_LANGUAGES:
            indent = len(match["indent"])
            code = "\n".join(line[indent:] if line[:indent].isspace() else line
                             for line in lines[start:end])
            blocks.append(Block(page, start + 1, code + "\n"))
        k = end + 1
    assert not containers, f"{_name(page)}: a directive fence is never closed"
    return blocks


def _pages() -> list[Path]:
    return sorted(
        page
        for page in DOCS.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in page.relative_to(DOCS).parts)
    )


def _has_code(page: Path) -> bool:
    try:
        return bool(extract_blocks(page))
    except AssertionError:
        return True  # a broken fence: let the page's test report it


PAGES = _pages()
PAGES_WITH_CODE = [page for page in PAGES if _has_code(page)]


def _missing_optional(error: ModuleNotFoundError) -> str | None:
    name = (error.name or "").partition(".")[0]
    return name if name in OPTIONAL_MODULES else None


def run_page(page: Path) -> list[tuple[int, float]]:
    """Run the blocks of ``page`` in one namespace; return (line, seconds) per block.

    The namespace is a fresh module registered in ``sys.modules`` while the
    page runs, so that classes defined on the page behave as in a script
    (dataclasses, pickling by reference).
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    name = "kurilsim_docs_page_" + re.sub(r"\W", "_", _name(page))
    module = types.ModuleType(name)
    module.__file__ = str(page)
    sys.modules[name] = module
    timings: list[tuple[int, float]] = []
    try:
        for block in extract_blocks(page):
            # pad with newlines so that tracebacks give the line of the page
            code = compile("\n" * (block.line - 1) + block.code, str(page), "exec")
            started = time.perf_counter()
            try:
                exec(code, module.__dict__)  # noqa: S102 - running the docs is the point
            except ModuleNotFoundError as error:
                optional = _missing_optional(error)
                if optional is None:
                    raise
                pytest.skip(
                    f"{_name(page)}:{block.line} needs the optional "
                    f"module {optional!r}, which is not installed"
                )
            timings.append((block.line, time.perf_counter() - started))
    finally:
        plt.close("all")
        sys.modules.pop(name, None)
    return timings


def test_pages_found() -> None:
    """The docs have pages, and the main ones have code to run."""
    names = {_name(page) for page in PAGES_WITH_CODE}
    assert "tutorial/index.md" in names
    assert "how-to/distributed-sweeps.md" in names


@pytest.mark.parametrize(
    "page", PAGES_WITH_CODE, ids=[_name(p) for p in PAGES_WITH_CODE]
)
def test_code_blocks_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    timings = run_page(page)
    assert timings, f"{page} has no python blocks"
    slowest = max(timings, key=lambda item: item[1])
    # fast enough for the test suite: the docs use small resolutions
    assert slowest[1] < 60, (
        f"{_name(page)}:{slowest[0]}: a block took {slowest[1]:.1f} s"
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
