"""``python -m kurilsim`` (``src/kurilsim/__main__.py``): the ``kurilsim`` command line."""

from __future__ import annotations

import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest

import kurilsim
from kurilsim.cli import main

SCRIPT = Path(kurilsim.__file__).with_name("__main__.py")


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kurilsim", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_help_exits_0_and_prints_the_usage() -> None:
    completed = run("--help")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("usage: kurilsim ")
    for command in ("scenarios", "show", "solve", "sweep", "headline"):
        assert command in completed.stdout
    assert completed.stderr == ""


def test_a_bad_command_exits_2_with_the_usage_on_stderr() -> None:
    completed = run("frobnicate")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.startswith("usage: kurilsim ")
    assert "invalid choice: 'frobnicate'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_no_command_exits_2() -> None:
    completed = run()
    assert completed.returncode == 2
    assert "usage: kurilsim " in completed.stderr
    assert "Traceback" not in completed.stderr


def test_python_dash_m_runs_the_same_command_line_as_kurilsim() -> None:
    completed = run("--version")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"kurilsim {kurilsim.__version__}"


def test_importing_the_module_does_not_run_the_command_line() -> None:
    namespace = runpy.run_path(str(SCRIPT), run_name="kurilsim.__main__")
    assert namespace["main"] is main


def test_python_dash_m_interrupted_while_loading_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Interrupted(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            if name == "main":  # Ctrl-C during ``from kurilsim.cli import main``
                raise KeyboardInterrupt
            raise AttributeError(name)

    monkeypatch.setitem(sys.modules, "kurilsim.cli", Interrupted("kurilsim.cli"))
    with pytest.raises(SystemExit) as excinfo:
        runpy.run_path(str(SCRIPT), run_name="__main__")
    assert excinfo.value.code == 130
    assert capsys.readouterr().err == "kurilsim: interrupted\n"
    # imported rather than run, the interrupt is the importer's to handle
    with pytest.raises(KeyboardInterrupt):
        runpy.run_path(str(SCRIPT), run_name="kurilsim.__main__")
