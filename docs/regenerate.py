"""Regenerate the printed outputs shown on documentation pages.

A ```python block of a page may be followed by a marked output region::

    <!-- output of the block above: regenerate with `python docs/regenerate.py PAGE` -->
    ...what the block printed, as Markdown...
    <!-- end of output -->

This script runs the page's blocks in order, in one namespace, in a temporary
directory, exactly as ``tests/docs/test_code_blocks.py`` does (both use
``tests/docs/pages.py``), and writes what each block printed into its region.
The page is written atomically, and only if a region changed.  With
``--check`` it writes nothing: it prints a unified diff of each stale page and
exits with status 1.

Usage, from anywhere::

    python docs/regenerate.py docs/robustness.md [more pages]
    python docs/regenerate.py --check docs/robustness.md
    python docs/regenerate.py --all [--check]    # every page with a region

A developer tool, not part of the kurilsim package.  Exit status: 0 when every
page is (now) up to date, 1 when ``--check`` found a stale region, 2 when a
page is malformed, needs a missing optional module, or a block fails.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the shared runner lives in the test tree
    sys.path.insert(0, str(ROOT))

from tests.docs.pages import (
    MissingOptionalModule,
    PageError,
    extract_blocks,
    pages,
    regenerate_command,
    rewrite,
    run_page,
    stale_regions,
)

from kurilsim._io import atomic_output


def _resolve(argument: str) -> Path:
    """A page given on the command line: a path, or a path inside ``docs/``."""
    path = Path(argument)
    if not path.is_file() and (ROOT / "docs" / argument).is_file():
        path = ROOT / "docs" / argument
    if not path.is_file():
        raise PageError(f"no page {argument!r} (neither a file nor one in docs/)")
    return path.resolve()


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` once it is complete (the library's writer)."""
    with atomic_output(path, newline="") as stream:
        stream.write(text)


def _shown(page: Path) -> str:
    """``page`` relative to the working directory if it is below it."""
    try:
        return str(page.relative_to(Path.cwd()))
    except ValueError:
        return str(page)


def regenerate(page: Path, *, check: bool) -> bool:
    """Run ``page`` and rewrite (or, with ``check``, compare) its regions.

    Returns whether the page's regions were up to date.
    """
    name = _shown(page)
    before = page.read_text(encoding="utf-8")
    regions = sum(block.output is not None for block in extract_blocks(page))
    if not regions:
        print(f"{name}: no marked output region, nothing to do")
        return True
    previous = Path.cwd()
    saved_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    with tempfile.TemporaryDirectory(prefix="kurilsim-docs-") as workdir:
        os.chdir(workdir)
        try:
            runs = run_page(page, echo=False)
        finally:
            os.chdir(previous)
            if saved_backend is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = saved_backend
    stale = stale_regions(runs)
    if not stale:
        print(f"{name}: {regions} marked output region(s), all up to date")
        return True
    after = rewrite(before, runs)
    if check:
        sys.stdout.writelines(
            difflib.unified_diff(
                before.splitlines(keepends=True), after.splitlines(keepends=True),
                fromfile=f"{name} (on disk)", tofile=f"{name} (regenerated)",
            )
        )
        print(f"{name}: {len(stale)} of {regions} marked output region(s) are "
              f"stale; rewrite them with\n    {regenerate_command(page)}")
        return False
    if page.read_text(encoding="utf-8") != before:
        raise PageError(
            f"{name} changed while its blocks ran; nothing written, run again"
        )
    _write_atomically(page, after)
    print(f"{name}: {len(stale)} of {regions} marked output region(s) rewritten")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python docs/regenerate.py",
        description="Run the python blocks of documentation pages and write what "
        "each prints into its marked output region.",
    )
    parser.add_argument("pages", nargs="*", metavar="PAGE",
                        help="a Markdown page (a path, or a path inside docs/)")
    parser.add_argument("--all", action="store_true",
                        help="every page of docs/ with a marked output region")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; print a diff and exit with status 1 "
                        "if a region is stale")
    arguments = parser.parse_args(argv)
    if bool(arguments.pages) == arguments.all:
        parser.error("give either one or more PAGEs or --all")
    up_to_date = True
    try:
        if arguments.all:
            chosen = [page for page in pages()
                      if any(b.output is not None for b in extract_blocks(page))]
        else:
            chosen = [_resolve(argument) for argument in arguments.pages]
        for page in chosen:
            up_to_date = regenerate(page, check=arguments.check) and up_to_date
    except (PageError, MissingOptionalModule) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - any error of a page's own code
        traceback.print_exc()
        print("error: a block of the page failed (traceback above); "
              "nothing written for that page", file=sys.stderr)
        return 2
    return 0 if up_to_date else 1


if __name__ == "__main__":
    sys.exit(main())
