"""The runnable blocks of a documentation page, and their marked outputs.

Shared by ``tests/docs/test_code_blocks.py`` (which runs every page and checks
its outputs) and ``docs/regenerate.py`` (which rewrites the outputs), so that
both run a page in exactly the same way.

A ```python block of a page may be followed (after blank lines only) by a
*marked output region*: Markdown text between two HTML comments, which MyST
renders invisibly::

    <!-- output of the block above: regenerate with `python docs/regenerate.py PAGE` -->

    | scenario | P(deal) |
    |---|---|
    | 1956-declaration | 0.490 |

    <!-- end of output -->

Pages marked as notebooks (front matter with ``file_format: mystnb``, read by
myst-nb: the tutorial and the how-to guides) run their code at build time
instead: their runnable blocks are top-level ```{code-cell} python fences,
whose output the built page shows, so they take no marked regions (and no
```python blocks, which the build would not run).  Options of a cell
(``:tags: [...]`` lines or a ``---`` YAML header) are not code.

The region holds exactly what the block printed, inserted as Markdown (a
block that prints a table or a list renders as one).  With ``, as text``
after ``block above`` the output is shown verbatim in a ```text fence
instead.  Each marker is one line of its own; the text after the colon of
the start marker is free (it says how to regenerate).  Markers inside a
fenced block are text like any other (so a page can show the syntax).
Output and region are compared line by line, ignoring trailing spaces and
blank lines at the start and the end.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import re
import sys
import time
import types
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: Modules of optional extras: a page that needs a missing one is skipped.
OPTIONAL_MODULES = frozenset({"dask", "distributed", "hypothesis", "pandas", "tqdm"})

#: Fence info strings of blocks that run.
RUN_LANGUAGES = frozenset({"python", "py", "python3"})

#: The directive of a code cell on a notebook page, and the languages it may
#: name (the kernel is a Python kernel).
CODE_CELL = "code-cell"
CELL_LANGUAGES = RUN_LANGUAGES | {"ipython", "ipython3"}

#: The front-matter line that makes a page a notebook for myst-nb.
_NOTEBOOK = re.compile(r"^file_format:\s*mystnb\s*$")
_OPTION = re.compile(r"^:[\w-]+:")

#: Directives whose content is Markdown that may hold more code blocks.
_CONTAINERS = frozenset(
    {
        "admonition", "attention", "caution", "danger", "dropdown", "error",
        "hint", "important", "note", "seealso", "tip", "topic", "warning",
    }
)

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

#: The start marker of an output region, and its ``, as text`` option.
START_MARKER = "<!-- output of the block above"
_START = re.compile(
    r"^(?P<indent> {0,3})<!-- output of the block above"
    r"(?P<text>, as text)?(?::[^\n]*)? -->\s*$"
)
#: The end marker of an output region.
END_MARKER = "<!-- end of output -->"
_END = re.compile(r"^(?P<indent> {0,3})<!-- end of output -->\s*$")


class PageError(Exception):
    """A page whose fences or output markers are malformed."""


class MissingOptionalModule(Exception):
    """A page needs an optional module that is not installed."""


@dataclass(frozen=True)
class Region:
    """A marked output region: its marker lines (0-based) and its text.

    ``lines`` are the lines between the markers, without the markers'
    indentation and trailing spaces, and without blank lines at either end.
    """

    start: int
    end: int
    indent: str
    text: bool
    lines: tuple[str, ...]

    @property
    def line(self) -> int:
        """The line of the start marker, 1-based (for messages)."""
        return self.start + 1


@dataclass(frozen=True)
class Block:
    """One runnable code block: the page, its first line (1-based) and code,
    the marked region of its output, if it has one, and whether it is a
    ``{code-cell}`` (run by the docs build, on a notebook page)."""

    page: Path
    line: int
    code: str
    output: Region | None = None
    cell: bool = False


@dataclass(frozen=True)
class Run:
    """A block that ran: the block, its duration and what it printed."""

    block: Block
    seconds: float
    stdout: str


def page_name(page: Path) -> str:
    """The page's path relative to ``docs/`` (for test ids and messages)."""
    try:
        return str(page.resolve().relative_to(DOCS))
    except ValueError:
        return str(page)


def regenerate_command(page: Path) -> str:
    """The command that rewrites the marked outputs of ``page``."""
    try:
        shown = str(page.resolve().relative_to(ROOT))
    except ValueError:
        shown = str(page)
    return f"python docs/regenerate.py {shown}"


def _info_kind(info: str) -> tuple[str, str]:
    """``("code", language)`` for a code fence, ``("directive", name)`` else."""
    info = info.strip()
    if info.startswith("{") and "}" in info:
        return "directive", info[1 : info.index("}")].strip()
    return "code", (info.split() or [""])[0].lower()


def _clean(lines: list[str]) -> tuple[str, ...]:
    """Lines without trailing spaces and without blank lines at either end."""
    stripped = [line.rstrip() for line in lines]
    while stripped and not stripped[0]:
        stripped.pop(0)
    while stripped and not stripped[-1]:
        stripped.pop()
    return tuple(stripped)


def _region(page: Path, lines: list[str], k: int, text: bool, indent: str) -> Region:
    """The region whose start marker is line ``k``."""
    where = f"{page_name(page)}:{k + 1}"
    for end in range(k + 1, len(lines)):
        if _START.match(lines[end]) or lines[end].lstrip().startswith(START_MARKER):
            raise PageError(
                f"{where}: an output region starts again at line {end + 1} "
                f"before its end marker {END_MARKER!r}"
            )
        if _END.match(lines[end]):
            body = [line.removeprefix(indent)
                    for line in lines[k + 1 : end]]
            return Region(start=k, end=end, indent=indent, text=text,
                          lines=_clean(body))
    raise PageError(f"{where}: the output region is never closed by {END_MARKER!r}")


def is_notebook(lines: list[str]) -> bool:
    """Whether a page (its lines) is a notebook for myst-nb: its front matter
    (a ``---`` block on the first line) says ``file_format: mystnb``."""
    if not lines or lines[0].strip() != "---":
        return False
    for line in lines[1:]:
        if line.strip() == "---":
            return False
        if _NOTEBOOK.match(line.strip()):
            return True
    return False


def _cell_code(body: list[str]) -> tuple[int, list[str]]:
    """The lines of a code cell without its options: (lines skipped, code)."""
    if body and body[0].strip() == "---":
        for end in range(1, len(body)):
            if body[end].strip() == "---":
                return end + 1, body[end + 1 :]
        return len(body), []
    skipped = 0
    while skipped < len(body) and _OPTION.match(body[skipped]):
        skipped += 1
    return skipped, body[skipped:]


def extract_blocks(page: Path) -> list[Block]:
    """The runnable ``python`` blocks of a Markdown page, in order.

    Fenced code blocks (backticks or tildes, any length) are recognised as in
    CommonMark; the content of admonition-like directives is searched for
    nested blocks, the content of every other fence is skipped.  A marked
    output region right after a block (blank lines between them only) is
    that block's ``output``.  On a notebook page (`is_notebook`) the blocks
    are its ``{code-cell}`` fences, without their options.

    Raises
    ------
    PageError
        If a fence is never closed (the page would render wrongly too), or an
        output marker is malformed, unclosed, or not right after a block; if
        a notebook page has a ```python block, a nested code cell, a code
        cell in another language than Python or an output region; if a page
        that is not a notebook has a code cell.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    notebook = is_notebook(lines)
    blocks: list[Block] = []
    # stack of open container fences: (fence character, fence length)
    containers: list[tuple[str, int]] = []
    # index in ``blocks`` of the block that a region starting here would follow
    previous: int | None = None
    k = 0
    while k < len(lines):
        match = _FENCE.match(lines[k])
        if match is None:
            line = lines[k]
            start = _START.match(line)
            if start is not None and notebook:
                raise PageError(
                    f"{page_name(page)}:{k + 1}: a notebook page shows the "
                    "output of its code cells when it is built; it takes no "
                    "marked output region"
                )
            if start is not None:
                if previous is None:
                    raise PageError(
                        f"{page_name(page)}:{k + 1}: an output region must follow "
                        "a ```python block (blank lines between them only), "
                        "and a block has at most one"
                    )
                region = _region(page, lines, k, bool(start["text"]), start["indent"])
                blocks[previous] = replace(blocks[previous], output=region)
                previous = None
                k = region.end + 1
                continue
            if line.lstrip().startswith(START_MARKER):
                raise PageError(
                    f"{page_name(page)}:{k + 1}: a malformed output marker "
                    f"{line.strip()!r}; expected {START_MARKER} -->, "
                    f"{START_MARKER}, as text -->, or either with ': ...' "
                    "before the -->, on one line"
                )
            if _END.match(line):
                raise PageError(
                    f"{page_name(page)}:{k + 1}: {END_MARKER!r} without an "
                    "output region before it"
                )
            if line.strip():
                previous = None
            k += 1
            continue
        previous = None
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
        start_line = k + 1
        end = start_line
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
            raise PageError(
                f"{page_name(page)}:{k + 1}: the fence {fence}{info} is never closed"
            )
        where = f"{page_name(page)}:{k + 1}"
        if kind == "code" and name in RUN_LANGUAGES:
            if notebook:
                raise PageError(
                    f"{where}: a ```{name} block on a notebook page would run in "
                    "the tests but not in the build; make it a top-level "
                    "```{code-cell} python, or ```{code-block} python if it is "
                    "illustrative only"
                )
            indent = len(match["indent"])
            code = "\n".join(line[indent:] if line[:indent].isspace() else line
                             for line in lines[start_line:end])
            blocks.append(Block(page, start_line + 1, code + "\n"))
            previous = len(blocks) - 1
        elif kind == "directive" and name == CODE_CELL:
            language = (info.strip().partition("}")[2].split() or [""])[0].lower()
            if not notebook:
                raise PageError(
                    f"{where}: a {{code-cell}} runs only on a notebook page "
                    "(front matter with 'file_format: mystnb' and a kernelspec)"
                )
            if containers or match["indent"]:
                raise PageError(
                    f"{where}: a {{code-cell}} must be at the top level of the "
                    "page (myst-nb does not run nested cells)"
                )
            if language not in CELL_LANGUAGES:
                raise PageError(
                    f"{where}: a {{code-cell}} in {language or 'no language'!r}; "
                    f"the kernel runs Python (expected one of {sorted(CELL_LANGUAGES)})"
                )
            skipped, code_lines = _cell_code(lines[start_line:end])
            blocks.append(Block(page, start_line + skipped + 1,
                                "\n".join(code_lines) + "\n", cell=True))
        k = end + 1
    if containers:
        raise PageError(f"{page_name(page)}: a directive fence is never closed")
    return blocks


def pages() -> list[Path]:
    """Every Markdown page of ``docs/`` (not ``_build`` and other ``_`` folders)."""
    return sorted(
        page
        for page in DOCS.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in page.relative_to(DOCS).parts)
    )


def _missing_optional(error: ModuleNotFoundError) -> str | None:
    name = (error.name or "").partition(".")[0]
    return name if name in OPTIONAL_MODULES else None


def run_page(page: Path, *, echo: bool = True) -> list[Run]:
    """Run the blocks of ``page`` in one namespace, in the current directory.

    The namespace is a fresh module registered in ``sys.modules`` while the
    page runs, so that classes defined on the page behave as in a script
    (dataclasses, pickling by reference).  Matplotlib uses the Agg backend.
    What each block prints to ``sys.stdout`` is captured (and, with ``echo``,
    passed on to the real ``sys.stdout`` too).

    Raises
    ------
    MissingOptionalModule
        If a block needs an optional module that is not installed.
    PageError
        If the page is malformed (see `extract_blocks`).
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    blocks = extract_blocks(page)
    name = "kurilsim_docs_page_" + re.sub(r"\W", "_", page_name(page))
    module = types.ModuleType(name)
    module.__file__ = str(page)
    sys.modules[name] = module
    runs: list[Run] = []
    try:
        for block in blocks:
            # pad with newlines so that tracebacks give the line of the page
            code = compile("\n" * (block.line - 1) + block.code, str(page), "exec")
            buffer = io.StringIO()
            started = time.perf_counter()
            try:
                with contextlib.redirect_stdout(buffer):
                    exec(code, module.__dict__)  # noqa: S102 - running the docs is the point
            except ModuleNotFoundError as error:
                optional = _missing_optional(error)
                if optional is None:
                    raise
                raise MissingOptionalModule(
                    f"{page_name(page)}:{block.line} needs the optional "
                    f"module {optional!r}, which is not installed"
                ) from error
            finally:
                if echo:
                    sys.stdout.write(buffer.getvalue())
            runs.append(Run(block, time.perf_counter() - started, buffer.getvalue()))
    finally:
        plt.close("all")
        sys.modules.pop(name, None)
    return runs


def render(stdout: str, *, text: bool) -> tuple[str, ...]:
    """What the region of a block that printed ``stdout`` must hold.

    Raises
    ------
    PageError
        If the output contains a line that would read as an output marker.
    """
    lines = _clean(stdout.splitlines())
    for line in lines:
        if not text and (_END.match(line) or line.lstrip().startswith(START_MARKER)):
            raise PageError(
                f"the output contains the marker line {line!r}; print it "
                "differently or use ', as text'"
            )
    if not text:
        return lines
    ticks = max((len(m) for line in lines for m in re.findall(r"`{3,}", line)),
                default=2)
    fence = "`" * max(3, ticks + 1)
    return (f"{fence}text", *lines, fence)


def stale_regions(runs: list[Run]) -> list[tuple[Block, tuple[str, ...]]]:
    """The blocks whose marked region differs from their output, with the
    region text each should hold."""
    stale = []
    for run in runs:
        region = run.block.output
        if region is None:
            continue
        expected = render(run.stdout, text=region.text)
        if expected != region.lines:
            stale.append((run.block, expected))
    return stale


def region_diff(block: Block, expected: tuple[str, ...], *, limit: int = 0) -> str:
    """A unified diff from a block's region to its fresh output.

    With ``limit`` > 0, at most that many lines of the diff are shown.
    """
    assert block.output is not None
    where = f"{page_name(block.page)}:{block.output.line}"
    diff = list(
        difflib.unified_diff(
            block.output.lines, expected,
            fromfile=f"{where} (on the page)",
            tofile=f"{where} (printed by the block at line {block.line})",
            lineterm="",
        )
    )
    if limit and len(diff) > limit:
        diff = [*diff[:limit], f"... ({len(diff) - limit} more lines of diff)"]
    return "\n".join(diff)


def rewrite(page_text: str, runs: list[Run]) -> str:
    """``page_text`` with every marked region holding its block's output.

    ``runs`` are the runs of the page whose text is ``page_text``.  The
    markers are kept as written; the output goes between them, with a blank
    line on either side (so that Markdown reads it as its own block).
    """
    lines = page_text.splitlines()
    regions = [run for run in runs if run.block.output is not None]
    for run in sorted(regions, key=lambda r: r.block.output.start,  # type: ignore[union-attr]
                      reverse=True):
        region = run.block.output
        assert region is not None
        body = render(run.stdout, text=region.text)
        new = ["", *(region.indent + line if line else "" for line in body), ""]
        if not body:
            new = [""]
        lines[region.start + 1 : region.end] = new
    trailing = "\n" if page_text.endswith("\n") or not page_text else ""
    return "\n".join(lines) + trailing
