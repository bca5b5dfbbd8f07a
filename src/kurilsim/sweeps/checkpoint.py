"""Checkpoints of a sweep: finished chunks saved as ``.npz`` files, resumed safely.

A checkpoint directory holds a manifest (``manifest.json``: what identifies
the sweep, and its fingerprint, the hash of that) and one file per finished
chunk (``chunk-0000000.npz``).  It is also where a sweep run with
``in_memory=False`` leaves its results, read back chunk by chunk
(:class:`StoredChunks`).

Layout (an open format: JSON, TOML and NumPy's ``.npz``; no pickles)::

    DIR/manifest.json       what identifies the sweep: format, kurilsim
                            version, SHA-256 of the scenario, concept,
                            design kind, fast path or not, parameter
                            names, SHA-256 of the grid (and a summary of
                            each axis), chunk size, the concept's options
                            (by repr); "fingerprint": the hash of all that
    DIR/scenario.toml       the base scenario (kurilsim.load_scenario reads it)
    DIR/design/NAME.npy     the design: one array per swept parameter (NAME:
                            its dotted name), the grid's axis (design
                            "grid") or every point's value (other designs)
    DIR/chunk-0000000.npz   chunk k (points k * chunk_size onwards, flat C
                            order of the grid): "agreement" (int64; -1 no
                            deal, -2 error), "probability" (float64),
                            "utilities" (float64, points x agents, in the
                            scenario's agent order), "mode_probability"
                            (float64: the probability of the reported
                            outcome, NaN where unknown or failed),
                            "error_offsets" (int64,
                            within the chunk) and "error_messages" (str) of
                            the points that failed, "format", "fingerprint",
                            "index" and "digest" (SHA-256, see
                            :func:`chunk_digest`)

Every file is written to a temporary file and renamed into place (chunks
with ``os.replace``), so a reader never sees one half-written.  The manifest is created atomically and
exclusively, every chunk file records the sweep's fingerprint, its index and
a SHA-256 digest of its content, and a chunk is only reused if its fields,
shapes, dtypes and values are those the sweep itself would have written and
its content matches its digest; any other chunk is recomputed (with a
warning).  A resumed sweep therefore equals an uninterrupted one bit for bit,
whatever happened to the directory short of a deliberate forgery that
recomputes the digests (a digest is a checksum, not a signature).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import (
    CheckpointError,
    InvalidModelError,
    KurilsimError,
    KurilsimWarning,
)
from kurilsim._io import atomic_output, create_exclusively, make_directory
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps.evaluate import Chunk
from kurilsim.sweeps.result import ERROR, SweepResult, _Stored

__all__ = [
    "ChunkSpec",
    "StoredChunks",
    "chunk_digest",
    "load_chunk",
    "load_result",
    "manifest",
    "open_checkpoint",
    "save_chunk",
    "write_description",
]

#: Version of the checkpoint files (manifest and chunks).  3: chunks carry a
#: content digest, the manifest a summary of each axis.
_CHECKPOINT_FORMAT = 4  # 4: chunks hold mode_probability
_MANIFEST = "manifest.json"
_SCENARIO = "scenario.toml"
_DESIGN = "design"
#: The arrays of a chunk file covered by its digest, in the order they are hashed.
_DIGESTED_FIELDS: Final = (
    "format", "agreement", "probability", "utilities", "error_offsets", "error_messages",
    "mode_probability",
)
#: The fields of a chunk file, no more, no fewer.
_CHUNK_FIELDS = frozenset({*_DIGESTED_FIELDS, "fingerprint", "index", "digest"})


def _version() -> str:
    from kurilsim import __version__

    return __version__


def _scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of a scenario's TOML-ready content (the manifest's "scenario")."""
    return hashlib.sha256(
        json.dumps(scenario.to_dict(), sort_keys=True).encode()
    ).hexdigest()


def _axis_digest(name: str, source: NDArray[Any]) -> str:
    """SHA-256 of one axis (or sample column): its name, dtype, shape and bytes."""
    alone = hashlib.sha256()
    for part in (name, str(source.dtype), str(source.shape)):
        alone.update(part.encode())
        alone.update(b"\0")
    alone.update(np.ascontiguousarray(source).tobytes())
    return alone.hexdigest()


def manifest(scenario: Scenario, concept: str, design: str, fast: bool,
              names: Sequence[str], axes: Mapping[str, NDArray[Any]],
              points: Mapping[str, NDArray[Any]], chunk_size: int, *,
              options: Mapping[str, Any] | None = None,
              sample: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What identifies a sweep: everything its results depend on (the
    concept's options, if any, by ``repr``; a sampled design's seed and
    ranges, ``sample``, if given)."""
    try:
        scenario_data = scenario.to_dict()
    except KurilsimError as error:
        raise InvalidModelError(
            f"checkpointing needs a scenario that can be saved to TOML: {error}"
        ) from None
    digest = hashlib.sha256()
    summaries = []
    for name in names:
        source = np.ascontiguousarray(axes[name] if axes else points[name])
        alone = hashlib.sha256()
        for part in (name, str(source.dtype), str(source.shape)):
            digest.update(part.encode())
            digest.update(b"\0")
            alone.update(part.encode())
            alone.update(b"\0")
        digest.update(source.tobytes())
        alone.update(source.tobytes())
        summaries.append({
            "name": name,
            "length": int(source.size),
            "first": repr(source[0].item()) if source.size else None,
            "last": repr(source[-1].item()) if source.size else None,
            "sha256": alone.hexdigest(),
        })
    described: dict[str, Any] = {
        "format": _CHECKPOINT_FORMAT,
        "kurilsim": _version(),
        "scenario": hashlib.sha256(
            json.dumps(scenario_data, sort_keys=True).encode()
        ).hexdigest(),
        "scenario_name": scenario.name,
        "concept": concept,
        "design": design,
        "fast": fast,
        "parameters": list(names),
        "grid": digest.hexdigest(),
        # what the grid hash covers, axis by axis (sampled designs: the sample's
        # columns), so that a refusal can say which axis differs
        "axes": summaries,
        "chunk_size": chunk_size,
    }
    if options:  # absent without options: older checkpoints still resume
        described["options"] = {key: repr(options[key]) for key in sorted(options)}
    if sample:  # random / lhs: how the points were drawn (absent for grids)
        described["sample"] = dict(sample)
    return described


def _axes_difference(stored: object, mine: Sequence[Mapping[str, Any]]) -> str | None:
    """Which axes differ between a stored manifest's ``axes`` and this sweep's,
    in words; ``None`` if the stored entry is not a list of axis summaries."""
    keys = {"name", "length", "first", "last", "sha256"}
    if not (isinstance(stored, list) and all(
        isinstance(a, dict) and set(a) == keys and isinstance(a["name"], str)
        for a in stored
    )):
        return None
    theirs = {a["name"]: a for a in stored}
    ours = {a["name"]: a for a in mine}

    def values(axis: Mapping[str, Any]) -> str:
        return f"{axis['length']} values {axis['first']} to {axis['last']}"

    parts = []
    for name in [*ours, *(n for n in theirs if n not in ours)]:
        if name not in theirs:
            parts.append(f"axis {name} only in this sweep")
        elif name not in ours:
            parts.append(f"axis {name} only in the checkpoint")
        elif theirs[name] != ours[name]:
            a, b = theirs[name], ours[name]
            if all(a[k] == b[k] for k in ("length", "first", "last")):
                parts.append(f"axis {name}: both have {values(a)}, but the values "
                             "in between or their dtype differ")
            else:
                parts.append(
                    f"axis {name}: checkpoint has {values(a)}, this sweep {values(b)}"
                )
    return ", ".join(parts) if parts else None


def _fingerprint(manifest: Mapping[str, Any]) -> str:
    """The hash of a manifest's content, recorded in it and in every chunk."""
    text = json.dumps(dict(manifest), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def open_checkpoint(folder: Path, manifest: dict[str, Any]) -> str:
    """Claim ``folder`` for the sweep described by ``manifest``; its fingerprint.

    The manifest is created exclusively (a hard link of a complete temporary
    file, which fails if the name exists), so of two sweeps started at once on
    one directory exactly one creates it and the other compares against it.
    """
    fingerprint = _fingerprint(manifest)
    make_directory(folder, what="checkpoint", error=CheckpointError)
    path = folder / _MANIFEST
    content = json.dumps({**manifest, "fingerprint": fingerprint}, indent=2).encode()
    if not path.exists():
        if any(folder.glob("chunk-*.npz")):
            raise CheckpointError(
                f"checkpoint {folder} holds chunk files but no {_MANIFEST}, so nothing "
                "says which sweep they belong to; use another directory or delete them"
            )
        if _create_exclusively(path, content):
            return fingerprint
    stored = _readmanifest(folder, path)
    different = sorted(
        k for k in {*manifest, *stored} - {"fingerprint"} if stored.get(k) != manifest.get(k)
    )
    if different:
        described = {
            k: f"{k}: checkpoint has {stored.get(k)!r}, this sweep {manifest.get(k)!r}"
            for k in different
        }
        if "axes" in described:  # said axis by axis, not as a list of summaries
            axes = _axes_difference(stored.get("axes"), manifest["axes"])
            del described["axes"]
            if axes is not None:
                described["grid"] = f"grid: {axes}"
        details = "; ".join(described.values())
        raise CheckpointError(
            f"checkpoint {folder} belongs to a different sweep ({details}); use "
            "another directory or delete it"
        )
    if stored.get("fingerprint") != fingerprint:
        raise CheckpointError(
            f"checkpoint {folder}: the fingerprint in {_MANIFEST} does not match its "
            "content (edited by hand?); use another directory or delete it"
        )
    return fingerprint


def _create_exclusively(path: Path, content: bytes) -> bool:
    """Create ``path`` with ``content`` unless it exists (atomically); created?"""
    try:
        return create_exclusively(path, content)
    except OSError as error:
        raise CheckpointError(
            f"checkpoint {path.parent}: cannot write {_MANIFEST} "
            f"({error.strerror or error})"
        ) from None


def _readmanifest(folder: Path, path: Path) -> dict[str, Any]:
    """The stored manifest (retried briefly: another sweep may be writing it)."""
    problem = ""
    for attempt in range(20):
        if attempt:
            time.sleep(0.05)
        try:
            stored = json.loads(path.read_bytes())
        except OSError as error:
            problem = f"cannot read it ({error.strerror or error})"
            continue
        except ValueError as error:  # JSON and Unicode decoding errors
            problem = f"it is not valid JSON ({error})"
            continue
        if isinstance(stored, dict):
            return stored
        problem = f"it holds a JSON {type(stored).__name__}, not an object"
        break
    raise CheckpointError(
        f"checkpoint {folder}: {_MANIFEST} is unusable: {problem}; use another "
        "directory or delete it"
    )


def _chunk_file(folder: Path, index: int) -> Path:
    return folder / f"chunk-{index:07d}.npz"


def chunk_digest(fingerprint: str, index: int, arrays: Mapping[str, NDArray[Any]]) -> str:
    """SHA-256 of a chunk's content: the sweep's fingerprint, the chunk's index and,
    for each of :data:`_DIGESTED_FIELDS` in that order, its name, dtype (with byte
    order), shape and exact bytes.

    Every part of fixed size or followed by a separator, and each array's byte
    count fixed by its dtype and shape, so no two contents hash the same text.
    A checksum against unnoticed changes, not a signature: whoever rewrites a
    chunk can recompute it.
    """
    digest = hashlib.sha256(b"kurilsim checkpoint chunk\0")
    digest.update(f"{fingerprint}\0{int(index)}\0".encode())
    for name in _DIGESTED_FIELDS:
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}\0{array.dtype.str}\0{array.shape!r}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def save_chunk(folder: Path, index: int, chunk: Chunk, fingerprint: str) -> None:
    offsets = np.array(sorted(chunk.errors), dtype=np.int64)
    messages = (
        np.array([chunk.errors[int(k)] for k in offsets], dtype=str)
        if len(offsets) else np.array([], dtype="<U1")
    )
    arrays: dict[str, NDArray[Any]] = {
        "format": np.array(_CHECKPOINT_FORMAT, dtype=np.int64),
        "agreement": np.asarray(chunk.agreement, dtype=np.int64),
        "probability": np.asarray(chunk.probability, dtype=np.float64),
        "utilities": np.asarray(chunk.utilities, dtype=np.float64),
        "error_offsets": offsets,
        "error_messages": messages,
        "mode_probability": np.asarray(chunk.mode_probability, dtype=np.float64),
    }
    content: dict[str, Any] = {
        **arrays,
        "fingerprint": np.array(fingerprint),
        "index": np.array(index, dtype=np.int64),
        "digest": np.array(chunk_digest(fingerprint, index, arrays)),
    }
    with atomic_output(_chunk_file(folder, index), "wb") as stream:
        np.savez(stream, **content)


class _InvalidChunk(Exception):
    """A chunk file that must not be trusted (the message says why)."""


@dataclass(frozen=True, slots=True)
class ChunkSpec:
    """What a sweep's chunk file must hold."""

    fingerprint: str
    outcomes: int  # size of the agreement space
    agents: int


def load_chunk(folder: Path, index: int, size: int, spec: ChunkSpec) -> Chunk | None:
    """The chunk ``index`` (``size`` points) if its file is there and valid.

    A file that fails any check is reported by a :class:`KurilsimWarning` and
    ``None`` returned, so that the chunk is recomputed.
    """
    file = _chunk_file(folder, index)
    if not file.exists():
        return None
    try:
        return _read_chunk(file, index, size, spec)
    except _InvalidChunk as problem:
        warnings.warn(
            f"checkpoint chunk {file} is not valid and is recomputed: {problem}",
            KurilsimWarning,
            stacklevel=3,
        )
        return None


def _read_chunk(file: Path, index: int, size: int, spec: ChunkSpec) -> Chunk:
    # never read or inflate more than a chunk can hold (a crafted file could)
    limit = 2**20 + size * (64 + 8 * spec.agents + 2**16)
    try:
        with open(file, "rb") as stream:
            if os.fstat(stream.fileno()).st_size > limit:
                raise _InvalidChunk("is far larger than a chunk of this sweep")
            data = _read_fields(stream, limit)
    except _InvalidChunk:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file is recomputed
        raise _InvalidChunk(f"cannot be read ({type(error).__name__}: {error})") from None
    _expect(data, "format", np.dtype(np.int64), ())
    if int(data["format"]) != _CHECKPOINT_FORMAT:
        raise _InvalidChunk(
            f"has format {int(data['format'])}, expected {_CHECKPOINT_FORMAT}"
        )
    if data["fingerprint"].dtype.kind != "U" or data["fingerprint"].shape != ():
        raise _InvalidChunk("has no valid fingerprint")
    if str(data["fingerprint"]) != spec.fingerprint:
        raise _InvalidChunk("belongs to another sweep (its fingerprint differs)")
    _expect(data, "index", np.dtype(np.int64), ())
    if int(data["index"]) != index:
        raise _InvalidChunk(f"holds chunk {int(data['index'])}, not chunk {index}")
    _expect(data, "agreement", np.dtype(np.int64), (size,))
    _expect(data, "probability", np.dtype(np.float64), (size,))
    _expect(data, "utilities", np.dtype(np.float64), (size, spec.agents))
    _expect(data, "mode_probability", np.dtype(np.float64), (size,))
    offsets = data["error_offsets"]
    _expect(data, "error_offsets", np.dtype(np.int64), (offsets.size,))
    messages = data["error_messages"]
    if messages.dtype.kind != "U" or messages.shape != offsets.shape:
        raise _InvalidChunk(
            f"error_messages must be {len(offsets)} strings, got dtype "
            f"{messages.dtype} and shape {messages.shape}"
        )
    if len(offsets) and (
        offsets[0] < 0 or offsets[-1] >= size or np.any(np.diff(offsets) <= 0)
    ):
        raise _InvalidChunk(f"error offsets are not increasing within [0, {size})")
    failed = np.zeros(size, dtype=bool)
    failed[offsets] = True
    agreement, probability, utilities = (
        data["agreement"], data["probability"], data["utilities"]
    )
    fine = ~failed
    codes = agreement[fine]
    if np.any(((codes < 0) | (codes >= spec.outcomes)) & (codes != NO_DEAL)):
        bad = codes[((codes < 0) | (codes >= spec.outcomes)) & (codes != NO_DEAL)][0]
        raise _InvalidChunk(
            f"agreement {int(bad)} is neither an index of the {spec.outcomes} "
            f"agreements nor no deal ({NO_DEAL})"
        )
    if np.any(agreement[failed] != ERROR):
        raise _InvalidChunk(f"a failed point's agreement is not ERROR ({ERROR})")
    chance = probability[fine]
    if not np.all((chance >= 0) & (chance <= 1)):
        raise _InvalidChunk("a probability is not in [0, 1]")
    if not np.all(np.isfinite(utilities[fine])):
        raise _InvalidChunk("a utility is not finite")
    if not (np.all(np.isnan(probability[failed])) and np.all(np.isnan(utilities[failed]))):
        raise _InvalidChunk("a failed point has a probability or utilities")
    mode = data["mode_probability"]
    known = mode[fine][~np.isnan(mode[fine])]  # NaN: not given by a user kernel
    if not np.all((known >= 0) & (known <= 1)):
        raise _InvalidChunk("a mode probability is not in [0, 1]")
    if not np.all(np.isnan(mode[failed])):
        raise _InvalidChunk("a failed point has a mode probability")
    # last: values that pass every check above may still have been edited
    digest = data["digest"]
    if digest.dtype.kind != "U" or digest.shape != ():
        raise _InvalidChunk("has no valid digest")
    if str(digest) != chunk_digest(spec.fingerprint, index, data):
        raise _InvalidChunk(
            "its content does not match its digest (changed after it was written)"
        )
    errors = {
        int(k): str(message)
        for k, message in zip(offsets.tolist(), messages.tolist(), strict=True)
    }
    return Chunk(agreement, probability, utilities, errors, mode)


def _read_fields(stream: Any, limit: int) -> dict[str, NDArray[Any]]:
    """The arrays of an open chunk file (no pickles), after checking its fields."""
    archive = np.load(stream, allow_pickle=False)
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _InvalidChunk("is not an .npz archive")
    with archive:
        fields = set(archive.files)
        if fields != _CHUNK_FIELDS:
            raise _InvalidChunk(
                f"has fields {sorted(fields)}, expected {sorted(_CHUNK_FIELDS)}"
            )
        members = archive.zip.infolist() if archive.zip is not None else []
        inflated: int = sum(int(info.file_size) for info in members)
        if inflated > limit:
            raise _InvalidChunk("is far larger than a chunk of this sweep")
        return {name: archive[name] for name in _CHUNK_FIELDS}


def _expect(data: Mapping[str, NDArray[Any]], name: str, dtype: np.dtype[Any],
            shape: tuple[int, ...]) -> None:
    """Exact dtype and shape of one field (no cast, no broadcast)."""
    array = data[name]
    if array.dtype != dtype or array.shape != shape:
        raise _InvalidChunk(
            f"{name} has dtype {array.dtype} and shape {array.shape}, expected "
            f"{dtype} and {shape}"
        )


def write_description(folder: Path, scenario: Scenario,
                      columns: Mapping[str, NDArray[Any]]) -> None:
    """Save the base scenario (``scenario.toml``) and the design's arrays
    (``design/NAME.npy``: ``columns``, the grid's axes or every point's
    values) beside the manifest, unless there already (a resumed sweep's are
    the same: the manifest's hashes cover both)."""
    try:
        if not (folder / _SCENARIO).exists():
            text = scenario.to_toml()
            with atomic_output(folder / _SCENARIO, "w") as stream:
                stream.write(text)
        design = make_directory(folder / _DESIGN, what="checkpoint design",
                                error=CheckpointError)
        for name, values in columns.items():
            if not (design / f"{name}.npy").exists():
                with atomic_output(design / f"{name}.npy", "wb") as stream:
                    np.save(stream, np.ascontiguousarray(values), allow_pickle=False)
    except OSError as error:
        raise CheckpointError(
            f"checkpoint {folder}: cannot write the sweep's description "
            f"({error.strerror or error})"
        ) from None


@dataclass(frozen=True, slots=True)
class StoredChunks:
    """The chunks of a finished sweep in its checkpoint directory, read on demand.

    A :class:`~kurilsim.sweeps.result.ChunkSource`: each :meth:`read` loads
    and checks one chunk file (fingerprint, shapes, values and digest, as on
    resume), so that a store-backed :class:`~kurilsim.SweepResult` never holds
    more than one chunk of the files at a time.

    Attributes
    ----------
    folder : pathlib.Path
        The checkpoint directory.
    spec : ChunkSpec
        What each chunk file must hold.
    starts : tuple of int
        The first point of each chunk.
    total : int
        Number of points.
    """

    folder: Path
    spec: ChunkSpec
    starts: tuple[int, ...]
    total: int

    def spans(self) -> list[tuple[int, int]]:
        """First and past-the-end point of each chunk."""
        ends = [*self.starts[1:], self.total]
        return list(zip(self.starts, ends, strict=True))

    def read(
        self, position: int
    ) -> tuple[
        NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
    ]:
        """Agreement codes, probabilities, utilities and mode probabilities of
        chunk ``position``.

        Raises
        ------
        CheckpointError
            If its file is missing or no longer valid (changed since the sweep).
        """
        start, stop = self.spans()[position]
        file = _chunk_file(self.folder, position)
        if not file.exists():
            raise CheckpointError(
                f"the results of this sweep are in {self.folder}, but chunk file "
                f"{file.name} is missing (deleted since the sweep?)"
            )
        try:
            chunk = _read_chunk(file, position, stop - start, self.spec)
        except _InvalidChunk as problem:
            raise CheckpointError(
                f"the results of this sweep are in {self.folder}, but chunk file "
                f"{file.name} is no longer valid: {problem}"
            ) from None
        return (chunk.agreement.astype(np.intp, copy=False), chunk.probability,
                chunk.utilities, chunk.mode_probability)


def load_result(folder: str | os.PathLike[str]) -> SweepResult:
    """The result of a finished sweep, read back from its directory or a
    netCDF file.

    ``folder`` is either a netCDF file written by
    :meth:`SweepResult.save <kurilsim.SweepResult.save>` (a file ending in
    ``.nc``; needs the ``xarray`` extra), read back equal in every field
    (arrays bit for bit, scenario, concept, design, axes, points, errors and
    metadata) and held in memory; or the ``checkpoint=`` directory of a
    sweep (run with ``in_memory=False`` or not) whose every chunk is saved.
    The result then reads its columns from there chunk by chunk, as one
    returned by ``sweep(..., in_memory=False)``.  The manifest's
    fingerprint, the scenario's and the design's hashes and every chunk's
    digest are checked.

    Parameters
    ----------
    folder : str or path

    Returns
    -------
    SweepResult
        From a directory: with ``metadata["loaded_from"]`` the directory
        (the timings of the run that made it are not kept).  From a netCDF
        file: with the metadata it was saved with.

    Raises
    ------
    CheckpointError
        If the directory is not a complete, unchanged sweep directory (the
        message says what is missing or differs), or the file is not a
        sweep result saved by kurilsim.

    Examples
    --------
    >>> import tempfile, kurilsim
    >>> from kurilsim.sweeps import load_result
    >>> folder = tempfile.mkdtemp()
    >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
    ...                         {"russia.security_weight": [0.0, 1.0, 2.0]},
    ...                         checkpoint=folder, progress=False)
    >>> again = load_result(folder)
    >>> again.shape, again.agreement.tolist() == result.agreement.tolist()
    ((3,), True)
    """
    from kurilsim.io.scenario_toml import read_scenario
    from kurilsim.sweeps.design import _grid_points

    if not isinstance(folder, (str, os.PathLike)):
        raise CheckpointError(
            f"folder must be a directory path, got {type(folder).__name__}"
        )
    root = Path(folder)
    if root.is_file() or (root.suffix.lower() == ".nc" and not root.is_dir()):
        return _load_netcdf(root)
    if not (root / _MANIFEST).is_file():
        raise CheckpointError(f"{root} holds no sweep: {_MANIFEST} is missing")
    stored = _readmanifest(root, root / _MANIFEST)
    content = {k: v for k, v in stored.items() if k != "fingerprint"}
    if stored.get("format") != _CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{root}: format {stored.get('format')!r}, expected {_CHECKPOINT_FORMAT}"
        )
    if stored.get("fingerprint") != _fingerprint(content):
        raise CheckpointError(
            f"{root}: the fingerprint in {_MANIFEST} does not match its content "
            "(edited by hand?)"
        )
    try:
        scenario = read_scenario(root / _SCENARIO)
    except (OSError, KurilsimError) as error:
        raise CheckpointError(f"{root}: cannot read {_SCENARIO} ({error})") from None
    if _scenario_digest(scenario) != stored["scenario"]:
        raise CheckpointError(f"{root}: {_SCENARIO} is not the scenario of this sweep")
    names = list(stored["parameters"])
    columns: dict[str, NDArray[Any]] = {}
    for name, summary in zip(names, stored["axes"], strict=True):
        try:
            values = np.load(root / _DESIGN / f"{name}.npy", allow_pickle=False)
        except (OSError, ValueError) as error:
            raise CheckpointError(
                f"{root}: cannot read the design of {name} ({error})"
            ) from None
        if _axis_digest(name, values) != summary["sha256"]:
            raise CheckpointError(
                f"{root}: the design of {name} is not the one of this sweep"
            )
        columns[name] = readonly(values)
    if stored["design"] == "grid":
        axes, points = columns, _grid_points(columns)
        shape = tuple(len(values) for values in columns.values())
    else:
        axes, points = {}, columns
        shape = (len(next(iter(columns.values()))),)
    total = math.prod(shape)
    starts = tuple(range(0, total, int(stored["chunk_size"])))
    spec = ChunkSpec(fingerprint=str(stored["fingerprint"]),
                     outcomes=len(scenario.space), agents=len(scenario.agents))
    missing = [k for k in range(len(starts)) if not _chunk_file(root, k).exists()]
    if missing:
        raise CheckpointError(
            f"{root}: the sweep is not finished: {len(missing)} of {len(starts)} "
            f"chunks missing (first: {_chunk_file(root, missing[0]).name}); run the "
            "same sweep with this checkpoint to finish it"
        )
    source = StoredChunks(root, spec, starts, total)
    errors: dict[int, str] = {}
    for position, (start, stop) in enumerate(source.spans()):
        try:
            chunk = _read_chunk(_chunk_file(root, position), position, stop - start, spec)
        except _InvalidChunk as problem:
            raise CheckpointError(
                f"{root}: chunk file {_chunk_file(root, position).name} is not "
                f"valid: {problem}"
            ) from None
        errors.update({start + k: message for k, message in chunk.errors.items()})
    column = _Stored(source)
    return SweepResult(
        scenario=scenario, concept=str(stored["concept"]), design=str(stored["design"]),
        axes=axes, points=points, shape=shape,
        agreement=column, probability=column, utilities=column,
        mode_probability=column, errors=errors,
        metadata={
            "kurilsim": stored.get("kurilsim"), "scenario": scenario.name,
            "concept": stored["concept"], "design": stored["design"],
            "fast": stored["fast"], "chunk_size": stored["chunk_size"],
            **_sample_metadata(stored.get("sample")),
            "chunks": len(starts), "in_memory": False, "loaded_from": str(root),
        },
        source=source,
    )


def _sample_metadata(sample: object) -> dict[str, Any]:
    """``seed`` and ``ranges`` of a manifest's ``sample`` entry (empty if absent)."""
    if not isinstance(sample, dict):
        return {}
    return {key: sample[key] for key in ("seed", "ranges") if key in sample}


def _load_netcdf(path: Path) -> SweepResult:
    """A result saved by :meth:`SweepResult.save`, read into memory."""
    import json

    from kurilsim.io.scenario_toml import scenario_from_toml
    from kurilsim.sweeps.design import _grid_points

    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading a netCDF result needs xarray: pip install 'kurilsim[xarray]'"
        ) from None
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    try:
        with xr.open_dataset(path, engine="h5netcdf", mask_and_scale=False,
                             decode_times=False) as opened:
            data = opened.load()
    except (OSError, ValueError) as error:
        raise CheckpointError(
            f"{path} is not a netCDF file kurilsim can read ({error})"
        ) from None
    needed = {"agreement", "probability", "mode_probability", "utility", "error_point",
              "error_message"}
    attrs = data.attrs
    if not needed <= set(data.variables) or not {"scenario", "metadata", "design",
                                                   "concept", "shape",
                                                   "swept_parameters"} <= set(attrs):
        raise CheckpointError(
            f"{path} is not a sweep result saved by kurilsim (SweepResult.save): "
            f"it lacks {sorted(needed - set(data.variables)) or 'its attributes'}"
        )
    try:
        scenario = scenario_from_toml(str(attrs["scenario"]))
        metadata = json.loads(str(attrs["metadata"]))
        shape = tuple(int(n) for n in json.loads(str(attrs["shape"])))
    except (KurilsimError, ValueError) as error:
        raise CheckpointError(f"{path}: cannot read its attributes ({error})") from None
    design = str(attrs["design"])

    def column(name: str) -> NDArray[Any]:
        values = np.asarray(data[name].values)
        if values.dtype.kind == "O":
            values = np.array(values.tolist(), dtype=str)
        return readonly(np.ascontiguousarray(values))

    names = [str(n) for n in json.loads(str(attrs.get("swept_parameters", "[]")))]
    if design == "grid":
        axes = {name: column(name) for name in names}
        points = _grid_points(axes)
    else:
        axes = {}
        points = {name: column(name) for name in names}
    errors = dict(zip(np.asarray(data["error_point"].values).astype(int).tolist(),
                      [str(m) for m in np.asarray(data["error_message"].values).tolist()],
                      strict=True))
    agreement = readonly(np.ascontiguousarray(data["agreement"].values).astype(
        np.intp, copy=False).reshape(shape))
    return SweepResult(
        scenario=scenario, concept=str(attrs["concept"]), design=design,
        axes=axes, points=points, shape=shape,
        agreement=agreement,
        probability=readonly(np.ascontiguousarray(data["probability"].values)
                             .reshape(shape)),
        utilities=readonly(np.ascontiguousarray(data["utility"].values)
                           .reshape((*shape, len(scenario.agents)))),
        mode_probability=readonly(np.ascontiguousarray(data["mode_probability"].values)
                                  .reshape(shape)),
        errors=errors, metadata=metadata,
    )
