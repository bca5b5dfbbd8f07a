"""Marked output regions on docs pages: the parser, the check of
``tests/docs/test_code_blocks.py`` and the script ``docs/regenerate.py``.

Each test writes a tiny page in a temporary folder; none touches ``docs/``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tests.docs.pages import (
    DOCS,
    MissingOptionalModule,
    PageError,
    extract_blocks,
    pages,
    render,
    rewrite,
    run_page,
    stale_regions,
)
from tests.docs.test_code_blocks import check_page

SCRIPT = DOCS / "regenerate.py"

TABLE = """\
| name | value |
|---|---|
| a | 1 |
| b | 2 |
"""

BLOCK = """\
# A page

Some prose.

```python
rows = [("a", 1), ("b", 2)]
print("| name | value |")
print("|---|---|")
for name, value in rows:
    print(f"| {name} | {value} |")
```
"""

START = "<!-- output of the block above: regenerate with `python docs/regenerate.py page.md` -->"
END = "<!-- end of output -->"


def _page(tmp_path: Path, region_text: str, *, after: str = "\nMore prose.\n") -> Path:
    page = tmp_path / "page.md"
    page.write_text(
        f"{BLOCK}\n{START}\n\n{region_text}\n{END}\n{after}", encoding="utf-8"
    )
    return page


@pytest.fixture
def script() -> types.ModuleType:
    """``docs/regenerate.py``, imported as a module (it is not a package)."""
    spec = importlib.util.spec_from_file_location("kurilsim_docs_regenerate", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # blocks run in the current directory, as in test_code_blocks
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.chdir(run)


# -- the parser ----------------------------------------------------------------


def test_region_is_the_output_of_the_block_before_it(tmp_path: Path) -> None:
    page = _page(tmp_path, TABLE)
    (block,) = extract_blocks(page)
    assert block.output is not None
    assert block.output.line == 13
    assert not block.output.text
    assert block.output.lines == tuple(TABLE.splitlines())


def test_unmarked_block_has_no_region(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(BLOCK + "\n| a stale | copy |\n", encoding="utf-8")
    (block,) = extract_blocks(page)
    assert block.output is None
    check_page(page)  # unmarked output is not checked


def test_markers_inside_a_fence_are_text(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"````markdown\n{START}\n{END}\n````\n", encoding="utf-8")
    assert extract_blocks(page) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"Prose.\n\n{START}\n{TABLE}{END}\n", "must follow a ```python block"),
        (f"```bash\nls\n```\n\n{START}\n{TABLE}{END}\n", "must follow a ```python"),
        (f"```{{code-block}} python\nx = 1\n```\n{START}\n{END}\n", "must follow"),
        (f"{BLOCK}\nProse.\n\n{START}\n{TABLE}{END}\n", "must follow a ```python"),
        (f"{BLOCK}\n{START}\n{END}\n{START}\n{END}\n", "at most one"),
        (f"{BLOCK}\n{START}\n{TABLE}", "never closed"),
        (f"{BLOCK}\n{START}\n{TABLE}{START}\n{END}\n", "starts again at line 18"),
        (f"{BLOCK}\n{END}\n", "without an output region"),
        (f"{BLOCK}\n<!-- output of the block above\n-->\n{END}\n", "malformed"),
        (f"{BLOCK}\n<!-- output of the block above, as json -->\n{END}\n", "malformed"),
    ],
    ids=["after prose", "after bash", "after code-block", "prose between",
         "two regions", "unclosed", "nested", "end alone", "two lines", "option"],
)
def test_misplaced_or_malformed_markers_are_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    with pytest.raises(PageError, match=message):
        extract_blocks(page)
    with pytest.raises(PageError, match=message):
        check_page(page)


def test_region_inside_a_note_and_indented(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "````{note}\n```python\nprint('- one')\n```\n\n  " + START + "\n\n  - one\n\n  "
        + END + "\n````\n",
        encoding="utf-8",
    )
    (block,) = extract_blocks(page)
    assert block.output is not None
    assert block.output.indent == "  "
    assert block.output.lines == ("- one",)
    check_page(page)


# -- the check -----------------------------------------------------------------


def test_fresh_region_passes(tmp_path: Path) -> None:
    page = _page(tmp_path, TABLE)
    assert stale_regions(run_page(page, echo=False)) == []
    timings = check_page(page)
    assert [line for line, _ in timings] == [6]


def test_comparison_ignores_trailing_spaces_and_blank_ends(tmp_path: Path) -> None:
    padded = "\n\n" + TABLE.replace("|\n", "|   \n") + "\n\n"
    check_page(_page(tmp_path, padded))


def test_stale_region_fails_with_a_diff_and_the_command(tmp_path: Path) -> None:
    page = _page(tmp_path, TABLE.replace("| b | 2 |", "| b | 3 |"))
    ((_, expected),) = stale_regions(run_page(page, echo=False))
    assert expected == tuple(TABLE.splitlines())
    with pytest.raises(AssertionError) as failure:
        check_page(page)
    message = str(failure.value)
    assert "python docs/regenerate.py" in message
    assert str(page) in message
    assert "-| b | 3 |" in message
    assert "+| b | 2 |" in message
    assert "(printed by the block at line 6)" in message


def test_long_diffs_are_cut(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        f"```python\nfor k in range(100):\n    print(k)\n```\n\n{START}\n{END}\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match="more lines of diff") as failure:
        check_page(page)
    assert "+99" not in str(failure.value)


def test_text_region_is_fenced_longer_than_its_content() -> None:
    assert render("a\n```python\n", text=True) == ("````text", "a", "```python", "````")
    assert render("a  \n\n", text=False) == ("a",)
    with pytest.raises(PageError, match="marker line"):
        render(f"{END}\n", text=False)
    assert render(f"{END}\n", text=True) == ("```text", END, "```")


def test_missing_optional_module_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    page = tmp_path / "page.md"
    page.write_text("```python\nimport tqdm\n```\n", encoding="utf-8")
    with pytest.raises(MissingOptionalModule, match="'tqdm'"):
        run_page(page, echo=False)


# -- regenerating ----------------------------------------------------------------


def test_rewrite_fills_each_region_and_keeps_the_rest(tmp_path: Path) -> None:
    page = _page(tmp_path, "old")
    text = page.read_text(encoding="utf-8")
    new = rewrite(text, run_page(page, echo=False))
    assert new == text.replace("\nold\n", "\n" + TABLE + "\n")
    assert new.startswith(BLOCK)
    assert new.endswith(f"{END}\n\nMore prose.\n")


def test_regenerate_fixes_a_stale_page(
    tmp_path: Path, script: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    page = _page(tmp_path, "| name | value |\n|---|---|\n| a | 0 |")
    assert script.main([str(page)]) == 0
    assert "1 of 1 marked output region(s) rewritten" in capsys.readouterr().out
    check_page(page)
    assert page.read_text(encoding="utf-8") == _page(tmp_path, TABLE).read_text(
        encoding="utf-8"
    )
    fixed = page.read_bytes()
    assert script.main([str(page)]) == 0  # nothing to do: the page stays as it is
    assert "all up to date" in capsys.readouterr().out
    assert page.read_bytes() == fixed
    assert list(tmp_path.glob(".page.md.*")) == []  # no temporary file left


def test_check_reports_a_stale_page_and_writes_nothing(
    tmp_path: Path, script: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    page = _page(tmp_path, TABLE.replace("| a | 1 |", "| a | 9 |"))
    before = page.read_bytes()
    assert script.main(["--check", str(page)]) == 1
    out = capsys.readouterr().out
    assert "-| a | 9 |" in out
    assert "+| a | 1 |" in out
    assert "1 of 1 marked output region(s) are stale" in out
    assert page.read_bytes() == before
    assert script.main(["--check", str(_page(tmp_path, TABLE))]) == 0


def test_regenerate_refuses_a_malformed_page_or_a_failing_block(
    tmp_path: Path, script: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"Prose.\n\n{START}\nold\n{END}\n", encoding="utf-8")
    assert script.main([str(page)]) == 2
    assert "must follow a ```python block" in capsys.readouterr().err
    page.write_text(f"```python\nprint(1)\n1 / 0\n```\n\n{START}\nold\n{END}\n",
                    encoding="utf-8")
    before = page.read_bytes()
    assert script.main([str(page)]) == 2
    assert "ZeroDivisionError" in capsys.readouterr().err
    assert page.read_bytes() == before


def test_regenerate_refuses_a_page_edited_while_it_ran(
    tmp_path: Path, script: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.md"
    edit = "from pathlib import Path\nPath(__file__).write_text('edited', encoding='utf-8')"
    page.write_text(f"```python\n{edit}\nprint(2)\n```\n\n{START}\n1\n{END}\n",
                    encoding="utf-8")
    assert script.main([str(page)]) == 2
    assert "changed while its blocks ran" in capsys.readouterr().err
    assert page.read_text(encoding="utf-8") == "edited"


def test_all_checks_the_pages_with_a_region(
    tmp_path: Path,
    script: types.ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stale = _page(tmp_path, "stale")
    plain = tmp_path / "plain.md"
    plain.write_text("```python\nraise RuntimeError('not run')\n```\n", encoding="utf-8")
    monkeypatch.setattr(script, "pages", lambda: [plain, stale])
    assert script.main(["--all", "--check"]) == 1
    out = capsys.readouterr().out
    assert "page.md: 1 of 1 marked output region(s) are stale" in out
    assert "plain.md" not in out
    assert script.main(["--all"]) == 0
    assert script.main(["--all", "--check"]) == 0


def test_regenerate_needs_pages_or_all(script: types.ModuleType) -> None:
    with pytest.raises(SystemExit):
        script.main([])
    with pytest.raises(SystemExit):
        script.main(["--all", "page.md"])


def test_regenerate_runs_as_a_script(tmp_path: Path) -> None:
    """The command the failure message gives works from any directory."""
    page = _page(tmp_path, "stale")
    command = [sys.executable, str(SCRIPT)]
    checked = subprocess.run([*command, "--check", str(page)], capture_output=True,
                             text=True, check=False, cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    assert "+| b | 2 |" in checked.stdout
    done = subprocess.run([*command, "page.md"], capture_output=True, text=True,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert TABLE in page.read_text(encoding="utf-8")


def test_docs_pages_parse() -> None:
    """Every page's markers are well placed (the pages themselves run in
    test_code_blocks)."""
    for page in pages():
        extract_blocks(page)


def test_the_markers_are_documented() -> None:
    guide = (DOCS / "contributing.md").read_text(encoding="utf-8")
    assert "## Generated numbers on docs pages" in guide
    assert START.partition(":")[0] in guide
    assert END in guide
    assert "python docs/regenerate.py" in guide


# -- the command-line reference docs/cli.md ------------------------------------------------
def test_the_cli_reference_is_current(script: types.ModuleType) -> None:
    """docs/cli.md is what the parser prints; regenerate it after changing
    the command line (``python docs/regenerate.py --cli``)."""
    page = DOCS / "cli.md"
    assert page.read_text(encoding="utf-8") == script.cli_reference(), (
        "docs/cli.md is stale: run python docs/regenerate.py --cli"
    )


def test_the_cli_reference_has_every_command_as_help_prints_it(
    script: types.ModuleType, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kurilsim.cli import build_parser, main

    text = script.cli_reference()
    commands = [line.removeprefix("## `kurilsim ").rstrip("`")
                for line in text.splitlines() if line.startswith("## `kurilsim ")]
    parser = build_parser()
    choices = next(a.choices for a in parser._actions if hasattr(a, "choices")
                   and isinstance(a.choices, dict))
    assert commands == list(choices)
    assert {"solve", "new", "sweep", "report"} <= set(commands)
    monkeypatch.setenv("COLUMNS", str(script.CLI_COLUMNS))
    for command in commands:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        shown = capsys.readouterr().out.rstrip()
        assert f"## `kurilsim {command}`\n\n```text\n{shown}\n```\n" in text


def test_regenerate_cli_checks_and_rewrites_a_page(
    tmp_path: Path, script: types.ModuleType, capsys: pytest.CaptureFixture[str],
) -> None:
    page = tmp_path / "cli.md"
    page.write_text("# Command-line reference\n\nold\n", encoding="utf-8")
    assert script.regenerate_cli(check=True, page=page) is False
    out = capsys.readouterr().out
    assert "-old" in out
    assert "python docs/regenerate.py --cli" in out
    assert page.read_text(encoding="utf-8") == "# Command-line reference\n\nold\n"
    assert script.regenerate_cli(check=False, page=page) is True
    assert page.read_text(encoding="utf-8") == script.cli_reference()
    assert script.regenerate_cli(check=True, page=page) is True


def test_regenerate_cli_goes_alone(script: types.ModuleType,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script, "regenerate_cli", lambda *, check: not check)
    assert script.main(["--cli"]) == 0
    assert script.main(["--cli", "--check"]) == 1
    with pytest.raises(SystemExit):
        script.main(["--cli", "--all"])
