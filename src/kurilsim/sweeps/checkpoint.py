"""Checkpoints of a sweep: finished chunks saved as ``.npz`` files, resumed safely.

A checkpoint directory holds a manifest (``manifest.json``: what identifies
the sweep, and its fingerprint, the hash of that) and one file per finished
chunk (``chunk-0000000.npz``).  The manifest is created atomically and
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
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

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
from kurilsim.sweeps.result import ERROR

__all__ = [
    "ChunkSpec",
    "chunk_digest",
    "load_chunk",
    "manifest",
    "open_checkpoint",
    "save_chunk",
]

#: Version of the checkpoint files (manifest and chunks).  3: chunks carry a
#: content digest, the manifest a summary of each axis.
_CHECKPOINT_FORMAT = 3
_MANIFEST = "manifest.json"
#: The arrays of a chunk file covered by its digest, in the order they are hashed.
_DIGESTED_FIELDS: Final = (
    "format", "agreement", "probability", "utilities", "error_offsets", "error_messages"
)
#: The fields of a chunk file, no more, no fewer.
_CHUNK_FIELDS = frozenset({*_DIGESTED_FIELDS, "fingerprint", "index", "digest"})


def _version() -> str:
    from kurilsim import __version__

    return __version__


def manifest(scenario: Scenario, concept: str, design: str, fast: bool,
              names: Sequence[str], axes: Mapping[str, NDArray[Any]],
              points: Mapping[str, NDArray[Any]], chunk_size: int, *,
              options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What identifies a sweep: everything its results depend on (the
    concept's options, if any, by ``repr``)."""
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
    return Chunk(agreement, probability, utilities, errors)


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
