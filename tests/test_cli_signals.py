"""The ``kurilsim`` command under signals: Ctrl-C exits 130 with one line, and no
worker process outlives a killed command (real processes, real signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX signals and process groups"
)

#: Long enough to still be running when the first chunk is saved: the
#: "dynamic" concept in a regime the historical chain returns to, which its
#: kernel refuses, so every point is solved on its own (about 0.4 s each).
LONG_SWEEP = [
    "sweep",
    "2020-constitution",
    "--grid",
    "russia.security_weight=0:4:400",
    "--grid",
    "japan.demand=2,4",
    "--concept",
    "dynamic",
    "--chunk-size",
    "4",
    "--no-progress",
]

#: Generous bound on waits for a process to reach a state; reaching it sooner
#: ends the wait at once (no test depends on how fast the machine is).
PATIENCE = 120.0


def start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    """``python -m kurilsim ARGV`` as the leader of a new process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "kurilsim", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_chunks(folder: Path, process: subprocess.Popen[str], count: int) -> None:
    """Wait until the sweep has saved ``count`` chunk files (so it is running)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the sweep ended early: {process.communicate()}")
        # the store also holds manifest.json, scenario.toml and design/
        chunks = list(folder.glob("chunk-*.npz"))
        if len(chunks) >= count:
            return
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"no {count} chunk files in {folder} after {PATIENCE} s")


def group_members(group: int) -> set[int]:
    """Processes of a process group that are still alive (not zombies)."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == group:
            members.add(int(entry.name))
    return members


def wait_until_group_gone(group: int) -> set[int]:
    deadline = time.monotonic() + 30
    members = group_members(group)
    while members and time.monotonic() < deadline:
        time.sleep(0.1)
        members = group_members(group)
    return members


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_exits_130_with_one_line_and_the_sweep_resumes(tmp_path, workers):
    if workers == "2" and (os.cpu_count() or 1) < 2:
        pytest.skip("needs 2 CPUs for a worker pool (--workers is capped at CPUs)")
    folder = tmp_path / "checkpoint"
    argv = [*LONG_SWEEP, "--checkpoint", str(folder), "--workers", workers]
    process = start(argv, tmp_path)
    wait_for_chunks(folder, process, 2)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C at a terminal does
    _, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 130, err
    assert err == (
        f"kurilsim: interrupted; the finished chunks are saved in {folder}: "
        "re-run the same command to resume\n"
    )
    assert wait_until_group_gone(process.pid) == set()


@pytest.mark.slow
@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2,
    reason="needs 2 CPUs for a worker pool (--workers is capped at CPUs)",
)
def test_sigint_to_the_command_alone_stops_its_workers(tmp_path):
    """``kill -INT PID``: the workers do not see the signal; the command stops them."""
    folder = tmp_path / "checkpoint"
    process = start(
        [*LONG_SWEEP, "--checkpoint", str(folder), "--workers", "2"], tmp_path
    )
    wait_for_chunks(folder, process, 2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 130, err
    assert err.count("\n") == 1
    assert err.startswith("kurilsim: interrupted; ")
    assert wait_until_group_gone(process.pid) == set()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists processes via /proc")
@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2,
    reason="needs 2 CPUs for a worker pool (--workers is capped at CPUs)",
)
def test_no_worker_outlives_a_killed_command(tmp_path):
    folder = tmp_path / "checkpoint"
    process = start(
        [*LONG_SWEEP, "--checkpoint", str(folder), "--workers", "2"], tmp_path
    )
    wait_for_chunks(folder, process, 2)
    before = group_members(process.pid)
    assert len(before) >= 3  # the command, (a fork server) and two workers
    process.kill()  # SIGKILL: no chance to clean up
    process.communicate(timeout=PATIENCE)
    assert wait_until_group_gone(process.pid) == set()
