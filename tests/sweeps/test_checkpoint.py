"""Sweep checkpoints that cannot lie: every fault ends in the right answer or a refusal.

Each test damages a checkpoint directory the way a user, a crash or another sweep
could, then checks that the sweep either refuses with a :class:`CheckpointError`
naming the directory, or recomputes the damaged chunks (with a warning naming the
file) and returns exactly, bit for bit, what an uninterrupted sweep returns.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from kurilsim import (
    CheckpointError,
    KurilsimWarning,
    SweepResult,
    kuril_scenario,
    sweep,
)
from kurilsim.sweeps import checkpoint as checkpoints

SCENARIO = kuril_scenario(name="checkpoint-test")
GRID = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 3.0, 7),
    "russia.pledge_credibility": [0.0, 0.5, 1.0],
}
#: Same shape and chunks as GRID, different values: another sweep.
OTHER_GRID = {**GRID, "russia.pledge_credibility": [0.0, 0.25, 1.0]}
CHUNK = 5  # 42 points: 9 chunks, the last one of 2 points
CHUNKS = 9


def run(folder: Path, grid: dict[str, Any] = GRID, **options: Any) -> SweepResult:
    return sweep(SCENARIO, grid, progress=False, chunk_size=CHUNK, checkpoint=folder,
                 **options)


def reference(grid: dict[str, Any] = GRID) -> SweepResult:
    return sweep(SCENARIO, grid, progress=False, chunk_size=CHUNK)


def assert_identical(result: SweepResult, expected: SweepResult) -> None:
    """Bit for bit: same codes, same floats (NaN where NaN), same errors."""
    for name in ("agreement", "probability", "utilities", "mode_probability"):
        got, want = getattr(result, name), getattr(expected, name)
        assert got.dtype == want.dtype
        assert got.tobytes() == want.tobytes(), name
    assert result.errors == expected.errors


def chunk(folder: Path, index: int) -> Path:
    return folder / f"chunk-{index:07d}.npz"


def fields(file: Path) -> dict[str, NDArray[Any]]:
    with np.load(file, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def rewrite(file: Path, **changes: Any) -> None:
    """Write the chunk file again with some fields replaced (None: removed)."""
    data: dict[str, Any] = {**fields(file), **changes}
    np.savez(file, **{k: v for k, v in data.items() if v is not None})


# -- faults of single chunk files: recomputed with a warning -------------------------
def truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def empty(file: Path) -> None:
    file.write_bytes(b"")


def not_a_zip(file: Path) -> None:
    file.write_bytes(b"these are not the arrays you are looking for\n" * 20)


def plain_npy(file: Path) -> None:
    with file.open("wb") as stream:
        np.save(stream, np.zeros(CHUNK, dtype=np.int64))


def agreement_999(file: Path) -> None:
    agreement = fields(file)["agreement"].copy()
    agreement[0] = 999
    rewrite(file, agreement=agreement)


def agreement_float(file: Path) -> None:
    agreement = fields(file)["agreement"].astype(np.float64)
    agreement[0] = 1.7
    rewrite(file, agreement=agreement)


def agreement_int32(file: Path) -> None:  # the right values, but a cast would hide it
    rewrite(file, agreement=fields(file)["agreement"].astype(np.int32))


def agreement_big_endian(file: Path) -> None:
    rewrite(file, agreement=fields(file)["agreement"].astype(">i8"))


def utilities_broadcastable(file: Path) -> None:
    rewrite(file, utilities=fields(file)["utilities"][:1])  # (1, 3): would broadcast


def agreement_too_short(file: Path) -> None:
    rewrite(file, agreement=fields(file)["agreement"][:-1])


def probability_above_one(file: Path) -> None:
    probability = fields(file)["probability"].copy()
    probability[1] = 1.5
    rewrite(file, probability=probability)


def utility_infinite(file: Path) -> None:
    utilities = fields(file)["utilities"].copy()
    utilities[2, 0] = np.inf
    rewrite(file, utilities=utilities)


def error_offset_outside(file: Path) -> None:
    rewrite(file, error_offsets=np.array([CHUNK + 3], dtype=np.int64),
            error_messages=np.array(["SolverError: invented"]))


def error_without_error_code(file: Path) -> None:
    # claims point 0 failed, but its agreement, probability and utilities are real
    rewrite(file, error_offsets=np.array([0], dtype=np.int64),
            error_messages=np.array(["SolverError: invented"]))


def pickled_object_array(file: Path) -> None:
    agreement = fields(file)["agreement"].astype(object)
    data: dict[str, Any] = {**fields(file), "agreement": agreement}
    np.savez(file, **data)  # an object array is pickled inside the .npz


def missing_field(file: Path) -> None:
    rewrite(file, error_messages=None)


def extra_field(file: Path) -> None:
    rewrite(file, comment=np.array("hello"))


def no_fingerprint(file: Path) -> None:
    rewrite(file, fingerprint=np.array(0, dtype=np.int64))


def digest_not_a_string(file: Path) -> None:
    rewrite(file, digest=np.array(0, dtype=np.int64))


def old_format(file: Path) -> None:
    rewrite(file, format=np.array(1, dtype=np.int64))


def format_3_without_mode_probability(file: Path) -> None:
    # a chunk written before mode_probability (format 3): recomputed
    rewrite(file, format=np.array(3, dtype=np.int64), mode_probability=None)


def mode_probability_without_format_change(file: Path) -> None:
    rewrite(file, mode_probability=None)


def mode_probability_above_one(file: Path) -> None:
    rewrite(file, mode_probability=np.full_like(fields(file)["mode_probability"], 1.5))


def crc_mismatch(file: Path) -> None:
    # flip one byte inside the stored utilities: the zip checksum no longer matches
    data = bytearray(file.read_bytes())
    position = data.index(b"utilities.npy")
    data[position + 400] ^= 0x01
    file.write_bytes(bytes(data))


FAULTS: list[Callable[[Path], None]] = [
    truncate, empty, not_a_zip, plain_npy, agreement_999, agreement_float,
    agreement_int32, agreement_big_endian, utilities_broadcastable, agreement_too_short,
    probability_above_one, utility_infinite, error_offset_outside,
    error_without_error_code, pickled_object_array, missing_field, extra_field,
    no_fingerprint, digest_not_a_string, old_format, crc_mismatch,
    format_3_without_mode_probability, mode_probability_without_format_change,
    mode_probability_above_one,
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_a_damaged_chunk_is_recomputed_with_a_warning(
    tmp_path: Path, fault: Callable[[Path], None]
) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    damaged = chunk(folder, 3)
    fault(damaged)
    with pytest.warns(KurilsimWarning, match=re.escape(str(damaged))):
        resumed = run(folder)
    assert resumed.metadata["chunks_resumed"] == CHUNKS - 1
    assert_identical(resumed, reference())
    # the chunk was written again, valid: the next run resumes everything silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = run(folder)
    assert again.metadata["chunks_resumed"] == CHUNKS
    assert_identical(again, reference())


# -- edits that keep every value plausible: caught by the chunk's digest -------------
OUTCOMES = len(SCENARIO.space)


def agreement_codes_shifted(file: Path) -> None:
    # every code moved to another valid agreement index: in range, still int64
    agreement = fields(file)["agreement"]
    rewrite(file, agreement=np.where(agreement >= 0, (agreement + 1) % OUTCOMES, 0))


def utilities_plus_a_quarter(file: Path) -> None:
    rewrite(file, utilities=fields(file)["utilities"] + 0.25)


def probability_one_half(file: Path) -> None:
    rewrite(file, probability=np.full_like(fields(file)["probability"], 0.5))


PLAUSIBLE_EDITS: list[Callable[[Path], None]] = [
    agreement_codes_shifted, utilities_plus_a_quarter, probability_one_half,
]


@pytest.mark.parametrize("edit", PLAUSIBLE_EDITS, ids=lambda f: f.__name__)
def test_a_plausible_edit_is_caught_by_the_digest_and_recomputed(
    tmp_path: Path, edit: Callable[[Path], None]
) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    edited = chunk(folder, 0)
    before = fields(edited)
    edit(edited)
    after = fields(edited)
    # the edit changed stored values, and only values the other checks accept
    assert any(not np.array_equal(before[k], after[k]) for k in before)
    assert after.keys() == before.keys()
    assert all(after[k].dtype == before[k].dtype and after[k].shape == before[k].shape
               for k in before)
    with pytest.warns(KurilsimWarning, match="does not match its digest") as record:
        resumed = run(folder)
    assert len(record) == 1
    assert str(edited) in str(record[0].message)
    assert resumed.metadata["chunks_resumed"] == CHUNKS - 1
    assert_identical(resumed, reference())
    with warnings.catch_warnings():  # rewritten, valid again
        warnings.simplefilter("error")
        assert_identical(run(folder), reference())


@st.composite
def plausible_edit(draw: st.DrawFn) -> tuple[int, str, int, float]:
    """(chunk, field, point, new value): one stored value replaced by another
    value that passes every range check."""
    index = draw(st.integers(0, CHUNKS - 1))
    name = draw(st.sampled_from(
        ["agreement", "probability", "utilities", "mode_probability"]
    ))
    point = draw(st.integers(0, 10_000))
    value: float
    if name == "agreement":
        value = draw(st.integers(-1, OUTCOMES - 1))
    elif name in ("probability", "mode_probability"):
        value = draw(st.floats(0.0, 1.0))
    else:
        value = draw(st.floats(-1e6, 1e6))
    return index, name, point, value


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=plausible_edit())
def test_any_plausible_change_of_one_value_is_detected(
    tmp_path: Path, pristine: Path, edit: tuple[int, str, int, float]
) -> None:
    index, name, point, value = edit
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "ckpt"
    shutil.copytree(pristine, folder)
    file = chunk(folder, index)
    array = fields(file)[name].copy()
    flat = array.reshape(-1)
    position = point % flat.size
    if flat[position].tobytes() == np.array(value, dtype=flat.dtype).tobytes():
        return  # not a change (a value rewritten with itself must be accepted)
    flat[position] = value
    rewrite(file, **{name: array})
    with pytest.warns(KurilsimWarning, match="does not match its digest"):
        resumed = run(folder)
    assert_identical(resumed, reference())


def test_a_forgery_that_recomputes_the_digest_is_not_detected(tmp_path: Path) -> None:
    # documented limit (sweep(checkpoint=...)): the digest is a checksum, not a
    # signature; someone who rewrites a chunk with the digest recomputed is trusted
    folder = tmp_path / "ckpt"
    run(folder)
    file = chunk(folder, 0)
    data = fields(file)
    data["utilities"] = data["utilities"] + 0.25
    forged = str(data["fingerprint"]), int(data["index"])
    rewrite(file, utilities=data["utilities"],
            digest=np.array(checkpoints.chunk_digest(*forged, data)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed = run(folder)
    assert resumed.utilities.tobytes() != reference().utilities.tobytes()


def test_a_chunk_copied_from_another_sweep_is_recomputed(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    run(mine)
    run(theirs, OTHER_GRID)
    for index in (0, 4):
        shutil.copyfile(chunk(theirs, index), chunk(mine, index))
    with pytest.warns(KurilsimWarning, match="another sweep") as record:
        resumed = run(mine)
    named = {Path(str(w.message).split()[2]) for w in record}
    assert named == {chunk(mine, 0), chunk(mine, 4)}
    assert resumed.metadata["chunks_resumed"] == CHUNKS - 2
    assert_identical(resumed, reference())
    # and the other sweep's chunks really differ (else the test would prove nothing)
    assert not np.array_equal(reference(OTHER_GRID).agreement, resumed.agreement) or (
        not np.array_equal(reference(OTHER_GRID).utilities, resumed.utilities)
    )


def test_a_chunk_under_another_index_is_recomputed(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    shutil.copyfile(chunk(folder, 1), chunk(folder, 2))
    with pytest.warns(KurilsimWarning, match=r"holds chunk 1, not chunk 2"):
        resumed = run(folder)
    assert_identical(resumed, reference())


def test_a_checkpoint_with_failed_points_resumes_them_exactly(
    tmp_path: Path,
) -> None:
    # points whose utilities overflow are errors: NaN and messages survive the trip
    grid = {"japan.territory_value": [1.0, 1e308, 1.7e308],
            "japan.treaty_value": [0.2, 1.7e308]}
    folder = tmp_path / "ckpt"
    first = sweep(SCENARIO, grid, progress=False, chunk_size=2, checkpoint=folder)
    assert first.errors  # the grid does exercise failed points
    resumed = sweep(SCENARIO, grid, progress=False, chunk_size=2, checkpoint=folder)
    assert resumed.metadata["chunks_resumed"] == resumed.metadata["chunks"]
    assert_identical(resumed, first)


# -- the manifest: another sweep is refused -------------------------------------------
def test_another_sweep_on_the_directory_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    with pytest.raises(CheckpointError) as caught:
        run(folder, OTHER_GRID)
    message = str(caught.value)
    assert str(folder) in message
    assert "belongs to a different sweep" in message
    assert "grid:" in message  # the differing field is named
    assert "\n" not in message


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        (OTHER_GRID,
         ("grid: axis russia.pledge_credibility: both have 3 values 0.0 to 1.0, but "
          "the values in between or their dtype differ")),
        ({**GRID, "russia.security_weight": np.linspace(0.0, 3.0, 9)},
         ("grid: axis russia.security_weight: checkpoint has 7 values 0.0 to 3.0, this "
          "sweep 9 values 0.0 to 3.0")),
        ({**GRID, "japan.demand": [1.0, 4.0]},
         ("grid: axis japan.demand: checkpoint has 2 values 2 to 4, this sweep 2 values "
          "1.0 to 4.0")),
        ({k: v for k, v in GRID.items() if k != "japan.demand"},
         "grid: axis japan.demand only in the checkpoint"),
        ({**GRID, "japan.audience_cost": [0.0]},
         "grid: axis japan.audience_cost only in this sweep"),
    ],
    ids=["middle-value", "length", "ends-and-dtype", "axis-dropped", "axis-added"],
)
def test_a_refusal_names_the_grid_axes_that_differ(
    tmp_path: Path, grid: dict[str, Any], expected: str
) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    with pytest.raises(CheckpointError) as caught:
        run(folder, grid)
    message = str(caught.value)
    assert re.search(re.escape(expected) + "[;,)]", message), message
    # the axes that did not change are not mentioned, nor the grid's raw hash
    original: dict[str, Any] = GRID
    unchanged = [n for n in original if n in grid
                 and np.array_equal(grid[n], original[n])
                 and np.asarray(grid[n]).dtype == np.asarray(original[n]).dtype]
    assert unchanged
    assert not [n for n in unchanged if f"axis {n}" in message]
    assert json.loads((folder / "manifest.json").read_text())["grid"] not in message
    assert "\n" not in message


def test_a_refusal_falls_back_to_the_grid_hash_without_axis_summaries(
    tmp_path: Path,
) -> None:
    # a manifest whose axis summaries are unusable still gets a one-line refusal
    folder = tmp_path / "ckpt"
    run(folder)
    manifest = folder / "manifest.json"
    stored = json.loads(manifest.read_text())
    stored["axes"] = "unusable"
    manifest.write_text(json.dumps(stored))
    with pytest.raises(CheckpointError) as caught:
        run(folder, OTHER_GRID)
    assert f"grid: checkpoint has {stored['grid']!r}" in str(caught.value)


def test_a_sweep_that_loses_the_race_for_the_manifest_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another sweep creates the manifest between our look and our creation
    folder = tmp_path / "ckpt"
    run(folder, OTHER_GRID)
    manifest = folder / "manifest.json"
    real_exists = Path.exists
    monkeypatch.setattr(
        Path, "exists", lambda self: False if self == manifest else real_exists(self)
    )
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(CheckpointError, match="belongs to a different sweep"):
        run(folder)
    monkeypatch.undo()
    assert json.loads(manifest.read_text())["grid"] == checkpoints.manifest(
        SCENARIO, "spe", "grid", True, list(OTHER_GRID),
        {k: np.asarray(v) for k, v in OTHER_GRID.items()}, {}, CHUNK,
    )["grid"]


@pytest.mark.parametrize("attempt", range(10))
def test_two_sweeps_starting_at_once_one_wins_one_is_refused(
    tmp_path: Path, attempt: int
) -> None:
    folder = tmp_path / f"ckpt-{attempt}"
    manifests = [
        checkpoints.manifest(SCENARIO, "spe", "grid", True, list(grid),
                         {k: np.asarray(v) for k, v in grid.items()}, {}, CHUNK)
        for grid in (GRID, OTHER_GRID)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(manifest: dict[str, Any]) -> None:
        barrier.wait()
        try:
            checkpoints.open_checkpoint(folder, manifest)
            outcomes.append("claimed")
        except CheckpointError:
            outcomes.append("refused")

    threads = [threading.Thread(target=claim, args=(m,)) for m in manifests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed", "refused"]
    assert not [p for p in folder.iterdir() if p.name != "manifest.json"]


def test_chunks_without_a_manifest_are_never_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    (folder / "manifest.json").unlink()
    for grid in (OTHER_GRID, GRID):  # neither another sweep nor the same one
        with pytest.raises(CheckpointError, match=r"no manifest\.json") as caught:
            run(folder, grid)
        assert str(folder) in str(caught.value)
    assert not (folder / "manifest.json").exists()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"[1, 2, 3]", "JSON list, not an object"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
    ],
)
def test_an_unreadable_manifest_is_refused(tmp_path: Path, content: bytes, match: str) -> None:
    folder = tmp_path / "ckpt"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(content)
    with pytest.raises(CheckpointError, match=match):
        run(folder)


def test_a_manifest_edited_to_match_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    run(folder)
    manifest = folder / "manifest.json"
    stored = json.loads(manifest.read_text())
    stored["fingerprint"] = "0" * 64
    manifest.write_text(json.dumps(stored))
    with pytest.raises(CheckpointError, match="does not match its content"):
        run(folder)


def test_a_checkpoint_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "ckpt"
    file.write_text("x")
    with pytest.raises(CheckpointError, match="not a directory"):
        run(file)


def test_fast_and_per_point_sweeps_do_not_share_a_checkpoint(tmp_path: Path) -> None:
    # their utilities agree to 1e-12, not bit for bit: resuming one from the other
    # would break "a resumed sweep equals an uninterrupted one"
    folder = tmp_path / "ckpt"
    run(folder)
    with pytest.raises(CheckpointError, match="fast"):
        run(folder, fast=False)


# -- whatever was done to the directory -------------------------------------------------
@st.composite
def damage(draw: st.DrawFn) -> list[tuple[int, str, int, int]]:
    """A list of (chunk, action, position, value) to apply to a finished checkpoint."""
    return draw(
        st.lists(
            st.tuples(
                st.integers(0, CHUNKS - 1),
                st.sampled_from(["flip", "truncate", "delete", "swap", "append"]),
                st.integers(0, 10_000),
                st.integers(1, 255),
            ),
            min_size=1,
            max_size=4,
        )
    )


def _apply(folder: Path, actions: list[tuple[int, str, int, int]]) -> None:
    for index, action, position, value in actions:
        file = chunk(folder, index)
        if not file.exists():
            continue
        data = bytearray(file.read_bytes())
        if action == "flip" and data:
            data[position % len(data)] ^= value
        elif action == "truncate":
            del data[position % (len(data) + 1):]
        elif action == "append":
            data += bytes([value]) * (position % 64 + 1)
        elif action == "delete":
            file.unlink()
            continue
        elif action == "swap":
            source = chunk(folder, (index + 1 + value % (CHUNKS - 1)) % CHUNKS)
            if source.exists():
                shutil.copyfile(source, file)
            continue
        file.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished checkpoint of the reference sweep (copied, never changed)."""
    folder = tmp_path_factory.mktemp("pristine") / "ckpt"
    run(folder)
    return folder


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=damage())
def test_a_resumed_sweep_equals_an_uninterrupted_one_whatever_the_damage(
    tmp_path: Path, pristine: Path, actions: list[tuple[int, str, int, int]]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "ckpt"
    shutil.copytree(pristine, folder)
    _apply(folder, actions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KurilsimWarning)
        resumed = run(folder)
    assert_identical(resumed, reference())


def test_the_concepts_options_are_part_of_a_checkpoints_identity(tmp_path: Path) -> None:
    small = {"japan.demand": [2, 4]}
    first = run(tmp_path, small, concept="nash-bargaining-discrete",
                options={"tol": 1e-8})
    assert json.loads((tmp_path / "manifest.json").read_text())["options"] == {
        "tol": "1e-08"
    }
    resumed = run(tmp_path, small, concept="nash-bargaining-discrete",
                  options={"tol": 1e-8})
    assert resumed.metadata["chunks_resumed"] == resumed.metadata["chunks"]
    assert_identical(resumed, first)
    with pytest.raises(CheckpointError):
        run(tmp_path, small, concept="nash-bargaining-discrete", options={"tol": 1e-6})
    # without options the manifest has no "options" key (older checkpoints resume)
    plain = tmp_path / "plain"
    run(plain, small, concept="nash-bargaining-discrete")
    assert "options" not in json.loads((plain / "manifest.json").read_text())
