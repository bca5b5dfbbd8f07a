"""Calibrate the bundled scenarios and write the posterior estimates into their files.

A developer tool, not part of the kurilsim package.  It

1. reruns the stored calibration (``kurilsim.calibrated.STORED_CALIBRATION``:
   ``kurilsim.calibrate`` of the seven bundled scenarios on the full record,
   with a fixed seed) and saves the posterior, atomically, to
   ``src/kurilsim/kuril/data/posterior.npz``, which
   ``kurilsim.calibrated.calibrated_posterior()`` loads;
2. rewrites each historical scenario file ``src/kurilsim/kuril/data/*.toml``:

   * **which parameters a file carries**: every parameter the posterior
     calibrates for that period alone (``"<scenario>:<dotted name>"``; the
     rule of ``kurilsim.calibrate``: a parameter some file sets to its own
     value or prior is calibrated per scenario in every period), set to its
     posterior mean (the mode for a discrete parameter), rounded to
     ``STORED_CALIBRATION.digits`` significant digits
     (``kurilsim.calibrated.calibrated_points``).  Parameters shared by all
     periods keep the agents' defaults: ``kurilsim.calibrate`` pools a
     parameter only while every file holds the same value for it, and
     ``Posterior.predictive`` recognises a shared parameter by that value;
     their posterior is published on the Calibration page instead.  Values
     are written under ``[[agents]]`` (every holder of a shared-by-agents
     parameter such as ``package_size``) or ``[protocol]``; a key already in
     the table has its line replaced, a new one is added after the table's
     last key;
   * **the generated note**: the last entry of ``notes``, between the
     comment lines ``# begin generated note`` and ``# end generated note``
     (``kurilsim.calibrated.scenario_calibration``: the settings, the
     posterior predictive probability of the observed outcome with its Monte
     Carlo error, and the outcome at the point values themselves).

   The rest of each file -- its other notes, comments, ``[priors]`` tables and
   layout -- is left as it is: the edits are targeted text edits, and each new
   text is parsed again (``tomllib``) and compared with the old one, key by key,
   before anything is written.  Files are written atomically.

Usage, from the repository root::

    python tools/calibrate_scenarios.py           # recalibrate, save, rewrite
    python tools/calibrate_scenarios.py --check   # verify, write nothing

``--check`` does not rerun the calibration: it loads the stored posterior and
exits with status 1 (printing a diff) when a file differs from what the
posterior implies, or when the posterior no longer fits the scenarios and the
record (other scenarios, observations, priors or calibrated parameters).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import re
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import kurilsim
from kurilsim._io import atomic_output
from kurilsim.calibrated import (
    POSTERIOR_FILE,
    STORED_CALIBRATION,
    CalibrationSettings,
    calibrated_posterior,
    scenario_calibration,
)
from kurilsim.kuril.record import kuril_record

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "kurilsim" / "kuril" / "data"

#: The comment lines around the generated note inside a file's ``notes`` array.
BEGIN = "    # begin generated note: tools/calibrate_scenarios.py (do not edit by hand)"
END = "    # end generated note"

_HEADER = re.compile(r"^\s*\[")


class RewriteError(Exception):
    """A scenario file cannot be rewritten as the posterior implies."""


# -- text edits ---------------------------------------------------------------------
def _tables(lines: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(header, first line, end)`` of every table, outside multi-line strings;
    the lines before the first header are the root table ``""``."""
    found: list[tuple[str, int]] = [("", 0)]
    inside = False
    for number, line in enumerate(lines):
        if not inside and _HEADER.match(line):
            found.append((line.strip(), number))
        if line.count('"""') % 2 == 1:
            inside = not inside
    return [
        (header, start, found[k + 1][1] if k + 1 < len(found) else len(lines))
        for k, (header, start) in enumerate(found)
    ]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RewriteError(f"cannot write {value!r}: only numbers are point values")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _set_key(lines: list[str], start: int, end: int, key: str, value: Any) -> None:
    """Set ``key = value`` in the table whose lines are ``start..end``."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    text = f"{key} = {_toml_value(value)}"
    last = start  # the header line
    for number in range(start + 1, end):
        if pattern.match(lines[number]):
            lines[number] = text
            return
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            last = number
    lines.insert(last + 1, text)


def set_values(text: str, scenario: kurilsim.Scenario, points: Mapping[str, Any]) -> str:
    """``text`` with each dotted parameter of ``points`` set to its value.

    An agent parameter goes to the agent's ``[[agents]]`` table (every holder,
    for a parameter the agents share); ``protocol.<key>`` to ``[protocol]``
    (added before the ``[priors...]`` tables if the file has none).
    """
    groups = scenario.shared_parameters()
    for dotted, value in points.items():
        owner, _, key = dotted.partition(".")
        lines = text.split("\n")
        if owner == "protocol":
            if "." in key:
                raise RewriteError(f"cannot write the protocol setting {dotted!r}")
            tables = _tables(lines)
            protocol = [t for t in tables if t[0] == "[protocol]"]
            if not protocol:
                first_prior = next(
                    (t[1] for t in tables if t[0].startswith("[priors")), len(lines)
                )
                lines[first_prior:first_prior] = ["[protocol]", ""]
                protocol = [t for t in _tables(lines) if t[0] == "[protocol]"]
            _, start, end = protocol[0]
            _set_key(lines, start, end, key, value)
        else:
            holders = groups.get(scenario.canonical_name(dotted), (dotted,))
            blocks = [t for t in _tables(lines) if t[0] == "[[agents]]"]
            if len(blocks) != len(scenario.agents):
                raise RewriteError(
                    f"{len(blocks)} [[agents]] tables for {len(scenario.agents)} agents"
                )
            for holder in holders:
                agent, _, name = holder.partition(".")
                position = scenario.agent_names.index(agent)
                _, start, end = [t for t in _tables(lines) if t[0] == "[[agents]]"][
                    position
                ]
                _set_key(lines, start, end, name, value)
        text = "\n".join(lines)
    return text


def set_note(text: str, note: str) -> str:
    """``text`` with its generated note (the last entry of ``notes``) set to
    ``note``, between the :data:`BEGIN` and :data:`END` comment lines."""
    lines = text.split("\n")
    if BEGIN in lines:
        first = lines.index(BEGIN)
        if END not in lines[first:]:
            raise RewriteError("a generated note begins but does not end")
        del lines[first : lines.index(END, first) + 1]
    try:
        opening = next(k for k, line in enumerate(lines) if line.startswith("notes = ["))
        closing = next(k for k in range(opening, len(lines)) if lines[k] == "]")
    except StopIteration:
        raise RewriteError("no multi-line 'notes = [' ... ']' array") from None
    previous = next(
        (k for k in range(closing - 1, opening, -1)
         if lines[k].strip() and not lines[k].lstrip().startswith("#")),
        None,
    )
    if previous is not None and not lines[previous].rstrip().endswith(","):
        lines[previous] = lines[previous].rstrip() + ","
    encoded = json.dumps(note, ensure_ascii=False)  # a valid TOML basic string
    lines[closing:closing] = [BEGIN, f"    {encoded},", END]
    return "\n".join(lines)


def _expected_data(
    old: Mapping[str, Any], scenario: kurilsim.Scenario, points: Mapping[str, Any],
    note: str,
) -> dict[str, Any]:
    """The parsed file the edits must give: ``old`` with the points and note."""
    new = copy.deepcopy(dict(old))
    groups = scenario.shared_parameters()
    for dotted, value in points.items():
        owner, _, key = dotted.partition(".")
        if owner == "protocol":
            new.setdefault("protocol", {})[key] = value
            continue
        for holder in groups.get(scenario.canonical_name(dotted), (dotted,)):
            agent, _, name = holder.partition(".")
            new["agents"][scenario.agent_names.index(agent)][name] = value
    notes = [n for n in new.get("notes", []) if not n.startswith("Calibrated point")]
    new["notes"] = [*notes, note]
    return new


def rewrite(
    text: str, scenario: kurilsim.Scenario, points: Mapping[str, Any], note: str
) -> str:
    """The file ``text`` with the point values and the generated note set.

    Raises
    ------
    RewriteError
        If the result would not parse to the old file with exactly these
        changes.
    """
    new = set_note(set_values(text, scenario, points), note)
    try:
        parsed = tomllib.loads(new)
    except tomllib.TOMLDecodeError as error:
        raise RewriteError(f"the rewritten file is not TOML: {error}") from None
    expected = _expected_data(tomllib.loads(text), scenario, points, note)
    if parsed != expected:
        raise RewriteError("the rewritten file differs from the intended change")
    return new


# -- the files --------------------------------------------------------------------------
def path_of(name: str) -> Path:
    """The source file of a bundled scenario."""
    return DATA / f"{name}.toml"


def expected_texts(
    posterior: kurilsim.Posterior, settings: CalibrationSettings = STORED_CALIBRATION
) -> dict[Path, str]:
    """Each bundled file's text as ``posterior`` implies it (read, then edited)."""
    found = {}
    for name in posterior.scenarios:
        path = path_of(name)
        result = scenario_calibration(posterior, name, settings=settings)
        text = path.read_text(encoding="utf-8")
        scenario = kurilsim.load_scenario(path)
        found[path] = rewrite(text, scenario, result.points, result.note)
    return found


def posterior_problems(
    posterior: kurilsim.Posterior, settings: CalibrationSettings = STORED_CALIBRATION
) -> list[str]:
    """Why ``posterior`` no longer fits the bundled scenarios and the record
    (empty if it does): other scenarios, record entries, priors or calibrated
    parameters than a calibration run now would have.  The model's utilities
    are not compared (only rerunning the calibration does that)."""
    problems = []
    if posterior.scenarios != kurilsim.list_scenarios():
        problems.append(
            f"the posterior covers {list(posterior.scenarios)}, the bundled scenarios "
            f"are {list(kurilsim.list_scenarios())}"
        )
        return problems
    record = kuril_record()
    now = tuple(f"{o.date.isoformat()} {o.scenario}: {o.description}" for o in record)
    if posterior.observations != now:
        problems.append("the record's entries differ from those the posterior saw")
    if posterior.concept != settings.concept:
        problems.append(
            f"the posterior's concept is {posterior.concept!r}, the settings' "
            f"{settings.concept!r}"
        )
    # the calibration problem as it stands: names, priors and targets of a run
    # that stops after its first generation
    fresh = kurilsim.calibrate(
        list(posterior.scenarios), record, samples=2, max_draws=2, rng=0,
        concept=settings.concept,
    )
    if fresh.names != posterior.names:
        gone = sorted(set(posterior.names) - set(fresh.names))
        new = sorted(set(fresh.names) - set(posterior.names))
        problems.append(
            f"calibrated parameters differ: no longer {gone[:5]}, now also {new[:5]}"
        )
    else:
        for name in fresh.names:
            current, stored = fresh.priors[name], posterior.priors[name]
            # the distribution, not its reasoning text
            if (current.family, current.params) != (stored.family, stored.params):
                problems.append(f"the prior of {name} has changed")
            if fresh.targets[name] != posterior.targets[name]:
                problems.append(f"{name} goes to other scenarios now")
    if len(posterior.weights) != settings.samples:
        problems.append(
            f"{len(posterior.weights)} particles, the settings ask for "
            f"{settings.samples}"
        )
    return problems


def stale_files(
    posterior: kurilsim.Posterior, settings: CalibrationSettings = STORED_CALIBRATION
) -> dict[Path, str]:
    """The files that differ from what ``posterior`` implies, with a diff each."""
    stale = {}
    for path, text in expected_texts(posterior, settings).items():
        current = path.read_text(encoding="utf-8")
        if current != text:
            stale[path] = "".join(difflib.unified_diff(
                current.splitlines(keepends=True), text.splitlines(keepends=True),
                f"{path.name} (now)", f"{path.name} (from the posterior)",
            ))
    return stale


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` once it is complete (the library's writer)."""
    with atomic_output(path, newline="") as stream:
        stream.write(text)


def check(settings: CalibrationSettings = STORED_CALIBRATION) -> list[str]:
    """What is out of date (empty when the files and the posterior agree)."""
    posterior = calibrated_posterior()
    problems = posterior_problems(posterior, settings)
    if problems:
        return problems
    return [
        f"{path.relative_to(ROOT)} is out of date:\n{diff}"
        for path, diff in stale_files(posterior, settings).items()
    ]


def calibrate_and_write(settings: CalibrationSettings = STORED_CALIBRATION) -> None:
    """Rerun the calibration, save the posterior, rewrite the files."""
    started = time.process_time()
    posterior = settings.run()
    print(f"calibrated in {time.process_time() - started:.1f} s of CPU: "
          f"{posterior.message}")
    texts = expected_texts(posterior, settings)  # every file checked before writing
    posterior.save(DATA / POSTERIOR_FILE, overwrite=True)
    for path, text in texts.items():
        if path.read_text(encoding="utf-8") != text:
            _write_atomically(path, text)
            print(f"rewrote {path.relative_to(ROOT)}")
    for name in posterior.scenarios:
        result = scenario_calibration(posterior, name, settings=settings)
        p, error = result.no_deal
        print(f"{name:<18} P(no deal) {p:.3f} ± {error:.3f}; at the point values: "
              f"{result.outcome_at_points}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Calibrate the bundled scenarios and write the posterior "
        "estimates into their files."
    )
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 if the files or the stored posterior are stale",
    )
    arguments = parser.parse_args(argv)
    if arguments.check:
        problems = check()
        for problem in problems:
            print(problem)
        if problems:
            print("stale: rerun python tools/calibrate_scenarios.py")
            return 1
        print("the scenario files agree with the stored posterior")
        return 0
    calibrate_and_write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
