"""Output files that are never half-written (``src/kurilsim/_io.py``)."""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import kurilsim._io
from kurilsim import InvalidArgumentError, OutputError
from kurilsim._io import (
    atomic_output,
    atomic_path,
    check_output_path,
    create_exclusively,
    make_directory,
)


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write(path: Path, content: str = "new\n", *, then: BaseException | None = None,
          mode: str = "w") -> None:
    """Write ``content`` through :func:`atomic_output`, then raise ``then``."""
    with atomic_output(path, mode) as stream:
        stream.write(content)
        if then is not None:
            raise then


# -- atomic_output / atomic_path ------------------------------------------------------
def test_atomic_output_writes_text_and_binary(tmp_path: Path) -> None:
    text = tmp_path / "table.csv"
    with atomic_output(text, newline="") as stream:
        stream.write("é,b\r\n")
    assert text.read_bytes() == "é,b\r\n".encode()  # UTF-8 by default, newline kept
    binary = tmp_path / "data.bin"
    with atomic_output(binary, "wb") as stream:
        stream.write(b"\x00\xff")
    assert binary.read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin", "table.csv"]


def test_atomic_output_refuses_other_modes(tmp_path: Path) -> None:
    for bad in ("a", "r", "w+", "x"):
        with pytest.raises(ValueError, match=re.escape(f"mode must be 'w' or 'wb', got '{bad}'")):
            write(tmp_path / "out.txt", mode=bad)
    assert list(tmp_path.iterdir()) == []


def test_the_target_appears_only_complete(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    with atomic_output(target) as stream:
        stream.write("a,b\n")
        stream.flush()
        assert not target.exists()  # the half-written content is elsewhere
        stream.write("1,2\n")
    assert target.read_text() == "a,b\n1,2\n"
    target.write_text("old\n")
    with atomic_output(target) as stream:
        stream.write("new\n")
        stream.flush()
        assert target.read_text() == "old\n"
    assert target.read_text() == "new\n"


@pytest.mark.parametrize("failure", [ValueError, KeyboardInterrupt, MemoryError])
def test_a_writer_that_raises_leaves_no_partial_file(
    tmp_path: Path, failure: type[BaseException]
) -> None:
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(failure, match="stop"):
        write(fresh, "half", then=failure("stop"))
    assert list(tmp_path.iterdir()) == []  # no target, no temporary file
    old = tmp_path / "old.csv"
    old.write_text("complete\n")
    with pytest.raises(failure, match="stop"):
        write(old, "half", then=failure("stop"))
    assert old.read_text() == "complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.csv"]


def test_an_os_error_while_writing_becomes_an_output_error_naming_the_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(OutputError) as caught:
        write(target, "half", then=OSError(errno.ENOSPC, "No space left on device"))
    message = str(caught.value)
    assert message == (
        f"cannot write {target}: No space left on device; "
        "any earlier file there is unchanged"
    )
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    # an OutputError raised inside passes through unchanged
    with pytest.raises(OutputError, match=r"^mine$"):
        write(target, then=OutputError("mine"))
    assert target.read_text() == "old\n"


def test_a_failed_rename_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "game.nfg"
    target.write_text("old\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(kurilsim._io.os, "replace", fail)
    with pytest.raises(OutputError, match=r"game\.nfg: Invalid cross-device link"):
        write(target)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["game.nfg"]


def test_atomic_path_gives_a_temporary_beside_the_target_with_its_suffix(
    tmp_path: Path,
) -> None:
    target = tmp_path / "figure.png"
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary.suffix == ".png"  # writers choose the format by suffix
        assert temporary != target
        temporary.write_bytes(b"png")
        assert not target.exists()
    assert target.read_bytes() == b"png"
    assert not temporary.exists()


def test_writing_into_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.csv"
    with pytest.raises(OutputError, match=r"^cannot write .*out\.csv: "):
        write(target)
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_files_get_the_usual_permissions(tmp_path: Path) -> None:
    # mkstemp makes private files; the output must look like open(path, "w")'s
    fresh = tmp_path / "fresh.csv"
    with atomic_output(fresh) as stream:
        stream.write("a\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("a\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    os.chmod(plain, 0o640)
    with atomic_output(plain) as stream:  # replacing keeps the old file's mode
        stream.write("b\n")
    assert stat.S_IMODE(plain.stat().st_mode) == 0o640


@pytest.mark.usefixtures("umask_027")
def test_new_files_honour_the_umask(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "a.csv") as stream:
        stream.write("a\n")
    with atomic_path(tmp_path / "b.png") as temporary:
        temporary.write_bytes(b"b")
    assert create_exclusively(tmp_path / "c.json", b"{}")
    assert {p.name: mode(p) for p in tmp_path.iterdir()} == {
        "a.csv": 0o640,
        "b.png": 0o640,
        "c.json": 0o640,
    }


# -- check_output_path ----------------------------------------------------------------
def test_check_output_path_returns_the_path_when_it_can_be_written(tmp_path: Path) -> None:
    target = tmp_path / "sweep.CSV"
    assert check_output_path(target, suffixes=(".csv",)) == target  # case-insensitive
    assert check_output_path(str(target)) == target
    assert not target.exists()  # checking creates nothing
    target.write_text("old\n")
    assert check_output_path(target, suffixes=(".csv", ".txt")) == target  # may replace


def test_check_output_path_refuses_a_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(
        OutputError, match=r"output file .*sweep\.xyz: expected a file name ending in "
        r"\.csv or \.tsv, got '\.xyz'$"
    ):
        check_output_path(tmp_path / "sweep.xyz", suffixes=(".csv", ".tsv"))
    with pytest.raises(OutputError, match=r"got 'no suffix'$"):
        check_output_path(tmp_path / "sweep", suffixes=(".csv",), what="--out")


def test_check_output_path_refuses_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "sweep.csv"
    with pytest.raises(
        OutputError, match=rf"^--out {target}: directory {tmp_path / 'missing'} does not exist$"
    ):
        check_output_path(target, what="--out")
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_check_output_path_refuses_a_directory_and_a_file_as_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=rf"^output file {tmp_path}: is a directory$"):
        check_output_path(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=r"file\.txt is not a directory$"):
        check_output_path(blocker / "out.csv")


def test_check_output_path_refuses_a_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # simulated: the suite may run as root, for whom every folder is writable
    def read_only(path: object, how: int) -> bool:
        return not how & os.W_OK

    monkeypatch.setattr(kurilsim._io.os, "access", read_only)
    with pytest.raises(OutputError, match=rf"directory {tmp_path} is not writable$"):
        check_output_path(tmp_path / "out.csv")


@pytest.mark.parametrize("path", [3, None, b"out.csv", ["out.csv"]], ids=repr)
def test_check_output_path_refuses_a_non_path(path: object) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^path must be a file path .*, got "):
        check_output_path(path)  # type: ignore[arg-type]


# -- make_directory -------------------------------------------------------------------
def test_make_directory_creates_parents_and_accepts_an_existing_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "a" / "b"
    assert make_directory(folder, what="--out-dir") == folder
    assert folder.is_dir()
    assert make_directory(str(folder), what="--out-dir") == folder


def test_make_directory_refuses_a_file_and_names_it(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=rf"^--out-dir {blocker}: exists and is not a directory$"):
        make_directory(blocker, what="--out-dir")
    with pytest.raises(OutputError, match=r"^--out-dir .*taken/sub: cannot create the directory"):
        make_directory(blocker / "sub", what="--out-dir")

    class Mine(Exception):
        pass

    with pytest.raises(Mine, match="checkpoint"):
        make_directory(blocker, what="checkpoint", error=Mine)
    assert blocker.read_text() == "x"


# -- create_exclusively ---------------------------------------------------------------
def test_create_exclusively_creates_once_and_keeps_the_first_content(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    assert create_exclusively(target, b'{"a": 1}') is True
    assert create_exclusively(target, b'{"b": 2}') is False
    assert target.read_bytes() == b'{"a": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no leftovers


def test_create_exclusively_lets_exactly_one_of_many_racers_win(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    results: dict[int, bool] = {}
    start = threading.Barrier(8)

    def claim(k: int) -> None:
        start.wait()
        results[k] = create_exclusively(target, f"{k}".encode())

    threads = [threading.Thread(target=claim, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [k for k, won in results.items() if won]
    assert len(results) == 8
    assert len(winners) == 1
    assert target.read_bytes() == f"{winners[0]}".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_manifest_claim_without_hard_links_never_shows_a_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file system without hard links: the claim falls back to a lock file
    # and the manifest is renamed into place, complete
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(kurilsim._io.os, "link", no_links)
    target = tmp_path / "manifest.json"
    assert kurilsim._io.create_exclusively(target, b'{"a": 1}') is True
    assert kurilsim._io.create_exclusively(target, b'{"b": 2}') is False
    assert target.read_bytes() == b'{"a": 1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json",
        "manifest.json.lock",
    ]


def test_without_hard_links_an_existing_file_or_a_held_lock_is_not_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(kurilsim._io.os, "link", no_links)
    existing = tmp_path / "existing.json"
    existing.write_bytes(b"theirs")
    assert create_exclusively(existing, b"mine") is False  # no lock, but the file exists
    assert existing.read_bytes() == b"theirs"
    locked = tmp_path / "locked.json"
    (tmp_path / "locked.json.lock").write_bytes(b"")
    assert create_exclusively(locked, b"mine") is False  # another process holds the claim
    assert not locked.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "existing.json",
        "existing.json.lock",
        "locked.json.lock",
    ]


def test_create_exclusively_in_a_missing_folder_raises_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):  # noqa: PT011 - any OSError: the docstring's promise
        create_exclusively(tmp_path / "missing" / "manifest.json", b"{}")
    assert list(tmp_path.iterdir()) == []


def test_create_exclusively_names_the_target_not_its_temporary_file(tmp_path):
    from kurilsim._io import create_exclusively

    target = tmp_path / "missing-folder" / "manifest.json"
    with pytest.raises(OutputError, match=r"cannot write .*missing-folder.manifest\.json: ") as caught:
        create_exclusively(target, b"{}")
    assert ".tmp" not in str(caught.value)
