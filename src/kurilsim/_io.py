"""Output files that are never half-written (private).

Every file kurilsim writes (CSV tables, figures, checkpoints, scenario TOML)
goes through :func:`atomic_output` or :func:`atomic_path`: the content is
written to a temporary file beside the target, flushed to disk, and renamed
over the target only when complete.  A failure at any point (full disk,
``MemoryError``, Ctrl-C) leaves an earlier file at that path untouched and
raises :class:`~kurilsim.OutputError` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from kurilsim._errors import InvalidArgumentError, OutputError

__all__ = [
    "atomic_output",
    "atomic_path",
    "check_output_path",
    "check_overwrite",
    "comment_lines",
    "create_exclusively",
    "make_directory",
]


def check_output_path(
    path: str | os.PathLike[str], *, suffixes: tuple[str, ...] | None = None,
    what: str = "output file",
) -> Path:
    """Check, before any work starts, that ``path`` can be written.

    The parent directory must exist and be writable, ``path`` must not be a
    directory, and its suffix (case-insensitive) must be one of ``suffixes``
    when given.

    Raises
    ------
    OutputError
        Naming the path and what is wrong with it.

    Examples
    --------
    >>> from kurilsim._io import check_output_path
    >>> check_output_path("result.csv", suffixes=(".csv",)).name
    'result.csv'
    >>> check_output_path("result.xyz", suffixes=(".csv",))
    Traceback (most recent call last):
    ...
    kurilsim._errors.OutputError: output file result.xyz: expected a file name ending in .csv, got '.xyz'
    """
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise InvalidArgumentError(
            f"path must be a file path (str or os.PathLike), got {path!r:.80} "
            f"({type(path).__name__})"
        )
    target = Path(path)
    if suffixes is not None and target.suffix.lower() not in suffixes:
        raise OutputError(
            f"{what} {target}: expected a file name ending in "
            f"{' or '.join(suffixes)}, got {target.suffix or 'no suffix'!r}"
        )
    if target.is_dir():
        raise OutputError(f"{what} {target}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{what} {target}: {parent} is not a directory")
    if not parent.is_dir():
        raise OutputError(f"{what} {target}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{what} {target}: directory {parent} is not writable")
    return target


def check_overwrite(overwrite: object, target: Path) -> None:
    """Refuse to replace an existing file (or link) unless ``overwrite``.

    Raises
    ------
    InvalidArgumentError
        If ``overwrite`` is not ``True`` or ``False`` (``"no"`` must not
        overwrite by being truthy).
    OutputError
        Naming the file and the way to replace it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kurilsim._io import check_overwrite
    >>> with tempfile.NamedTemporaryFile() as existing:
    ...     check_overwrite(False, pathlib.Path(existing.name))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kurilsim._errors.OutputError: ... exists; pass overwrite=True to replace it (kurilsim never writes over a result silently)
    """
    from kurilsim._checks import check_bool

    if not check_bool(overwrite, "overwrite") and (target.exists() or target.is_symlink()):
        raise OutputError(
            f"{target} exists; pass overwrite=True to replace it (kurilsim never "
            "writes over a result silently)"
        )


def make_directory(
    path: str | os.PathLike[str], *, what: str, error: type[Exception] = OutputError
) -> Path:
    """Create the directory ``path`` with its parents, unless it exists.

    Raises ``error`` (one line, starting with ``what`` and the path) if
    ``path`` exists and is not a directory, or cannot be created.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kurilsim._io import make_directory
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> make_directory(root / "a" / "b", what="--out-dir").is_dir()
    True
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise error(f"{what} {folder}: exists and is not a directory")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as failure:
        raise error(
            f"{what} {folder}: cannot create the directory "
            f"({failure.strerror or failure})"
        ) from None
    return folder


def create_exclusively(path: str | os.PathLike[str], content: bytes) -> bool:
    """Create ``path`` holding ``content``, unless it exists; whether it did.

    The content is written to a temporary file beside ``path`` and
    hard-linked onto it, which fails if the name exists: of several
    processes racing, exactly one creates the file, and nobody ever sees it
    half-written.  On a file system without hard links, the claim is an
    ``O_EXCL`` lock file (``path`` + ``".lock"``) and the content is renamed
    into place, so ``path`` still appears only complete.  Raises
    :class:`~kurilsim.OutputError` (an :class:`OSError`) naming ``path`` if
    the directory cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kurilsim._io import create_exclusively
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "manifest.json"
    >>> create_exclusively(target, b"{}"), create_exclusively(target, b"[]")
    (True, False)
    >>> target.read_bytes()
    b'{}'
    """
    target = Path(path)
    try:
        return _create_exclusively(target, content)
    except OutputError:
        raise
    except OSError as error:  # named after the target, never the temporary file
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None


def _create_exclusively(target: Path, content: bytes) -> bool:
    """:func:`create_exclusively`, raising the bare :class:`OSError`."""
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, _mode_for(target))
        try:
            os.link(temporary, target)
        except FileExistsError:
            return False
        except OSError:  # no hard links here: claim a lock, then rename
            lock = target.with_name(target.name + ".lock")
            try:
                os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            except FileExistsError:
                return False
            if target.exists():
                return False
            os.replace(temporary, target)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _umask() -> int:
    """The process's umask (read without changing it where the OS allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - no /proc: set and restore
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it if the block succeeds.

    For writers that need a file name (``matplotlib``'s ``savefig``,
    ``numpy.savez``).  The temporary file keeps the target's suffix.
    """
    target = Path(path)
    try:
        handle, name = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".",
            prefix=f".{target.name}.",
            suffix=f".tmp{target.suffix}",
        )
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
    os.close(handle)
    temporary = Path(name)
    # mkstemp creates the file private (0600); give it the mode a plain
    # open() would: the old file's, or 0666 less the umask.
    with contextlib.suppress(OSError):
        os.chmod(temporary, _mode_for(target))
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OutputError):
            raise
        raise OutputError(
            f"cannot write {target}: {error.strerror or error}; "
            "any earlier file there is unchanged"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], mode: str = "w", **open_kwargs: Any
) -> Iterator[IO[Any]]:
    """An open file whose content replaces ``path`` only once it is complete.

    ``mode`` is ``"w"`` (text; ``open_kwargs`` such as ``newline=""`` and
    ``encoding`` are passed to :func:`open`, UTF-8 by default) or ``"wb"``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kurilsim._io import atomic_output
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_output(target, newline="") as stream:
    ...     _ = stream.write("a,b\\n1,2\\n")
    >>> target.read_text()
    'a,b\\n1,2\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    if mode == "w":
        open_kwargs.setdefault("encoding", "utf-8")
    with atomic_path(path) as temporary, open(temporary, mode, **open_kwargs) as stream:
        yield stream


def comment_lines(facts: Mapping[str, str]) -> list[str]:
    r"""Provenance as ``# key: value`` lines, a value of several lines as
    ``# key:`` then ``#   line`` each (how result CSV files start).

    Examples
    --------
    >>> comment_lines({"concept": "spe", "scenario": "a\nb"})
    ['# concept: spe', '# scenario:', '#   a', '#   b']
    """
    lines = []
    for key, value in facts.items():
        parts = value.splitlines() or [""]
        if len(parts) == 1:
            lines.append(f"# {key}: {parts[0]}")
        else:
            lines.append(f"# {key}:")
            lines.extend(f"#   {part}".rstrip() for part in parts)
    return lines
