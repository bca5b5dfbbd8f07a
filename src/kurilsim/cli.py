"""The ``kurilsim`` command line (also ``python -m kurilsim``).

Subcommands::

    kurilsim scenarios                      # the built-in historical scenarios
    kurilsim show SCENARIO                  # parameters and agreement space
    kurilsim solve SCENARIO [--concept NAME ...] [--format table|csv|json|markdown]
    kurilsim new SCENARIO.toml [--from NAME] [--overwrite]
    kurilsim sweep SCENARIO --grid NAME=START:STOP:NUM [--grid NAME=V1,V2 ...]
                   [--design grid|random|lhs --grid NAME=LOW:HIGH --samples N
                   --seed S] [--concept NAME] [--out CSV] [--plot PNG]
                   [--checkpoint DIR] [--workers N] [--chunk-size N]
                   [--no-progress] [--overwrite]
    kurilsim headline [--out-dir DIR] [--resolution N] [--workers N] [--overwrite]
    kurilsim robustness SCENARIO [--concept NAME] [--samples N] [--spread S]
                   [--method sobol|morris] [--draws N] [--max-points N] [--seed N]
                   [--output CSV] [--overwrite]
    kurilsim report SCENARIO --out HTML [--concepts C1,C2,...] [--resolution N]
                   [--no-progress] [--overwrite]

``SCENARIO`` is a built-in name (``kurilsim scenarios``) or the path of a TOML
file (see :func:`kurilsim.load_scenario`).  ``--concept`` takes the name of any
concept of :func:`kurilsim.concepts.names`: the built-ins and those that
installed packages declare in the entry-point group ``"kurilsim.concepts"``
(listed in the help without being loaded; one is loaded when a command uses it).

Without the global ``--debug`` option every failure is one line on stderr and
a documented exit status:

* 2: a usage error (argparse: unknown option, bad ``--workers`` ..., or
  options that do not go together, such as ``--samples`` with a grid);
* 1: a failure, printed as ``kurilsim: error: <message>``: any
  :class:`~kurilsim.KurilsimError`, :class:`OSError`, :class:`ValueError`, a
  corrupt file, :class:`MemoryError` or :class:`RecursionError`; an
  unexpected exception is a bug and says so (re-run with ``--debug`` for
  its traceback);
* 130: interrupted (Ctrl-C), printed as ``kurilsim: interrupted`` (with a
  hint to resume when a ``--checkpoint`` holds the finished chunks).

Output paths and formats (``--out``, ``--plot``, ``--out-dir``,
``SCENARIO.toml``) are checked
before any work starts: an existing file is an error unless ``--overwrite``
is given (results are never overwritten silently).  Every file is written to
a temporary file that replaces the target only once complete; CSV files
start with the run's provenance as ``# key: value`` comment lines and
figures carry it in their metadata (PNG text chunks, PDF/SVG fields).  ``--workers`` is capped at the
number of CPUs and of chunks (with a note on stderr saying how many chunks
there are: workers beyond them only add start-up time); workers ignore Ctrl-C
(the command stops them) and exit within about a second when the command
dies.

This module is I/O only: it parses arguments, calls the library and prints.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
import textwrap
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import decimal_linspace
from kurilsim._html import LOTTERY_NOTE as _LOTTERY
from kurilsim._io import comment_lines

__all__ = ["main", "parse_grid"]

_PROG = "kurilsim"
_HEADLINE_STEM = "two_vs_four_islands"

#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
#: Exit status after a failure (usage errors exit 2, from argparse).
EXIT_FAILURE = 1


# -- argument helpers -------------------------------------------------------------------
def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _resolution(text: str) -> int:
    """argparse type: an integer >= 2 (points per continuous axis)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected an integer >= 2, got {value}")
    return value


def _scalar(text: str) -> Any:
    """A list item of ``--grid``: int, float, true/false, or else a string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_grid(
    specs: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
    *,
    max_points: int | None = None,
) -> dict[str, NDArray[Any]]:
    """The full-factorial grid described by ``--grid`` options.

    Parameters
    ----------
    specs : sequence of str
        Each ``NAME=START:STOP:NUM`` (``NUM`` evenly spaced values from
        ``START`` to ``STOP`` inclusive, as :func:`numpy.linspace`, with a
        value within two ulps of a short decimal written as that decimal:
        ``0:1:11`` gives 0.3, not 0.30000000000000004) or
        ``NAME=V1,V2,...`` (the listed values; integers stay integers,
        ``true``/``false`` are booleans, other words strings).
    parameters : mapping of str to value, optional
        The scenario's current parameters (:meth:`Scenario.parameters`).  A
        ``START:STOP:NUM`` range of an integer parameter whose values are all
        whole numbers is made of integers (``japan.demand=2:4:2`` is 2, 4).
    max_points : int, optional
        Refuse a grid of more points than this, before allocating any axis
        (default: no limit here; :func:`kurilsim.sweep` has its own).

    Returns
    -------
    dict of str to ndarray
        Parameter name to its grid values, in the order given.

    Raises
    ------
    InvalidArgumentError
        (a :class:`ValueError` and :class:`TypeError`) For ``specs`` not a
        sequence of strings, ``parameters`` not a mapping, a malformed option,
        a repeated name, or ``NUM`` not a positive integer (the message
        quotes the option and the expected forms).
        Unknown names are left to :func:`kurilsim.sweep`, which suggests the
        closest valid one.
    ProblemTooLargeError
        (a :class:`MemoryError`) If the grid has more than ``max_points``
        points.

    Examples
    --------
    >>> grid = parse_grid(["russia.security_weight=0:3:4", "japan.demand=2,4"])
    >>> {name: values.tolist() for name, values in grid.items()}
    {'russia.security_weight': [0.0, 1.0, 2.0, 3.0], 'japan.demand': [2, 4]}
    >>> parse_grid(["japan.demand=2:4:2"], {"japan.demand": 2})["japan.demand"].tolist()
    [2, 4]
    >>> parse_grid(["a=0:1:100000", "b=0:1:100000"], max_points=10**6)
    Traceback (most recent call last):
    ...
    kurilsim._errors.ProblemTooLargeError: the grid has 10,000,000,000 points (100000 x 100000), more than max_points=1,000,000; pass max_points=10000000000 (--max-points 10000000000) to allow it
    """
    from kurilsim._errors import InvalidArgumentError, ProblemTooLargeError

    if isinstance(specs, str | bytes) or not isinstance(specs, Sequence):
        raise InvalidArgumentError(
            f"specs must be a sequence of strings such as ['japan.demand=2,4'], "
            f"got {specs!r}"
        )
    bad = [spec for spec in specs if not isinstance(spec, str)]
    if bad:
        raise InvalidArgumentError(
            f"specs must be a sequence of strings, got the item {bad[0]!r}"
        )
    if parameters is not None and not isinstance(parameters, Mapping):
        raise InvalidArgumentError(
            f"parameters must be a mapping of parameter names to values, "
            f"got {parameters!r}"
        )
    if max_points is not None and (
        isinstance(max_points, bool)
        or not isinstance(max_points, int)
        or max_points < 1
    ):
        raise InvalidArgumentError(
            f"max_points must be a positive integer, got {max_points!r}"
        )
    forms = "expected NAME=START:STOP:NUM or NAME=V1,V2,..."
    # first the axes' lengths, then (within the budget) their values
    plans: dict[str, tuple[float, float, int] | NDArray[Any]] = {}
    for spec in specs:
        name, equals, body = spec.partition("=")
        name, body = name.strip(), body.strip()
        if not equals or not name or not body:
            raise InvalidArgumentError(f"bad --grid {spec!r}: {forms}")
        if name in plans:
            raise InvalidArgumentError(
                f"bad --grid {spec!r}: {name} is already on the grid"
            )
        if ":" in body:
            parts = [part.strip() for part in body.split(":")]
            if len(parts) != 3:
                hint = (" (NAME=LOW:HIGH is a range to sample: --design random or "
                        "lhs)" if len(parts) == 2 else "")
                raise InvalidArgumentError(f"bad --grid {spec!r}: {forms}{hint}")
            try:
                start, stop = float(parts[0]), float(parts[1])
            except ValueError:
                raise InvalidArgumentError(
                    f"bad --grid {spec!r}: START and STOP must be numbers"
                ) from None
            try:
                num = int(parts[2])
            except ValueError:
                num = 0
            if num < 1:
                raise InvalidArgumentError(
                    f"bad --grid {spec!r}: NUM must be a positive integer, "
                    f"got {parts[2]!r}"
                )
            if not (math.isfinite(start) and math.isfinite(stop)):
                raise InvalidArgumentError(
                    f"bad --grid {spec!r}: START and STOP must be finite"
                )
            plans[name] = (start, stop, num)
        else:
            items = [item.strip() for item in body.split(",")]
            if any(not item for item in items):
                raise InvalidArgumentError(
                    f"bad --grid {spec!r}: empty value in the list"
                )
            plans[name] = np.array([_scalar(item) for item in items])
    lengths = [
        plan[2] if isinstance(plan, tuple) else len(plan) for plan in plans.values()
    ]
    total = math.prod(lengths)
    if max_points is not None and total > max_points:
        raise ProblemTooLargeError(
            f"the grid has {total:,} points ({' x '.join(map(str, lengths))}), "
            f"more than max_points={max_points:,}; pass max_points={total} "
            f"(--max-points {total}) to allow it"
        )
    grid: dict[str, NDArray[Any]] = {}
    for name, plan in plans.items():
        if not isinstance(plan, tuple):
            grid[name] = plan
            continue
        # 0:1:11 means 0.1, 0.2, 0.3, not 0.30000000000000004
        values: NDArray[Any] = decimal_linspace(*plan)
        if not np.all(np.isfinite(values)):  # the steps overflow
            raise InvalidArgumentError(
                f"bad --grid for {name}: {plan[0]!r} to {plan[1]!r} in {plan[2]} "
                "steps gives values beyond the floating-point range; choose a "
                "narrower range"
            )
        current = (parameters or {}).get(name)
        is_int = isinstance(current, int) and not isinstance(current, bool)
        if is_int and np.all(values == np.round(values)):
            values = values.astype(np.int64)
        grid[name] = values
    return grid


def _check_ranges(scenario: Any, ranges: Mapping[str, tuple[float, float]],
                  samples: int, max_points: int) -> None:
    """Refuse, before drawing, a sample larger than ``--max-points`` or a range
    whose ends a parameter cannot take (a draw inside the range would fail
    only at some seeds); the ends are inclusive, so both in range is enough."""
    from kurilsim._errors import InvalidModelError, ProblemTooLargeError

    if samples > max_points:
        raise ProblemTooLargeError(
            f"--samples {samples:,} is more than --max-points {max_points:,}; pass "
            f"--max-points {samples} to allow it"
        )
    for name, (low, high) in ranges.items():
        for end in (low, high):
            try:
                scenario.with_params({name: end})
            except InvalidModelError as error:
                raise InvalidModelError(
                    f"--grid {name}={_number(low)}:{_number(high)}: the range's end "
                    f"{_number(end)} is not a value {name} can take ({error})"
                ) from None


def _parse_ranges(specs: Sequence[str], design: str) -> dict[str, tuple[float, float]]:
    """The ``(low, high)`` range of each ``--grid NAME=LOW:HIGH`` of a sampled
    design (``--design random`` or ``lhs``).

    Raises
    ------
    InvalidArgumentError
        For a malformed option, a repeated name, a list or a ``NUM`` (a
        sample draws ``--samples`` points; the message says so).

    Examples
    --------
    >>> _parse_ranges(["russia.security_weight=0:4", "japan.demand=2:4"], "lhs")
    {'russia.security_weight': (0.0, 4.0), 'japan.demand': (2.0, 4.0)}
    >>> _parse_ranges(["japan.demand=2,4"], "random")
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidArgumentError: bad --grid 'japan.demand=2,4': --design random draws --samples points from ranges: expected NAME=LOW:HIGH
    """
    from kurilsim._errors import InvalidArgumentError

    ranges: dict[str, tuple[float, float]] = {}
    for spec in specs:
        name, equals, body = spec.partition("=")
        name, body = name.strip(), body.strip()
        expected = (f"bad --grid {spec!r}: --design {design} draws --samples points "
                    "from ranges: expected NAME=LOW:HIGH")
        parts = [part.strip() for part in body.split(":")]
        if not equals or not name or len(parts) != 2:
            if len(parts) == 3:
                expected += " (no NUM: --samples sets the number of points)"
            raise InvalidArgumentError(expected)
        if name in ranges:
            raise InvalidArgumentError(
                f"bad --grid {spec!r}: {name} is already in the design"
            )
        try:
            low, high = float(parts[0]), float(parts[1])
        except ValueError:
            raise InvalidArgumentError(
                f"bad --grid {spec!r}: LOW and HIGH must be numbers"
            ) from None
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise InvalidArgumentError(
                f"bad --grid {spec!r}: LOW and HIGH must be finite, LOW <= HIGH"
            )
        ranges[name] = (low, high)
    return ranges


def _seed(text: str) -> int:
    """argparse type: a random seed, an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a non-negative integer, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def _sweep_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with the combination of a sweep's options, if anything
    (a usage error: exit status 2, before any work)."""
    if args.design == "grid":
        if args.samples is not None:
            return ("--samples is only for --design random or lhs (a grid's size is "
                    "set by its --grid axes)")
        if args.seed is not None:
            return "--seed is only for --design random or lhs (a grid is not random)"
        return None
    if args.samples is None:
        return (f"--design {args.design} needs --samples N (the number of points to "
                "draw)")
    if args.plot is not None:
        return (f"--plot draws a phase diagram, which needs --design grid; a "
                f"--design {args.design} sample has no grid (write --out CSV instead)")
    return None


# -- output helpers ---------------------------------------------------------------------
def _print_shares(result: Any, indent: str = "  ") -> None:
    """Each outcome's share of the points, saying how much of it is lotteries
    (then with the lottery note) and what a parameter left in braces means."""
    shares, lotteries = result.outcome_shares(), result.lottery_shares()
    for label, share in shares.items():
        part = lotteries.get(label, 0.0)
        if part == share:
            note = "  (all as the most likely outcome of a lottery)"
        elif part:
            note = f"  ({100 * part:.2f}% as the most likely outcome of a lottery)"
        else:
            note = ""
        print(f"{indent}{100 * share:6.2f}%  {label}{note}")
    if lotteries:
        print(textwrap.fill(_LOTTERY, width=79, initial_indent=indent,
                            subsequent_indent=indent))
    braced = result.placeholders()
    if braced:
        print(textwrap.fill(
            "A parameter in braces (" + ", ".join(f"{{{n}}}" for n in braced)
            + ") stands for its value at each point: the sweep varies it.",
            width=79, initial_indent=indent, subsequent_indent=indent))


def _figure_formats() -> frozenset[str]:
    """The file suffixes (without the dot) matplotlib can write."""
    from matplotlib.backend_bases import FigureCanvasBase

    return frozenset(FigureCanvasBase.get_supported_filetypes())


def _check_figure_path(path: str | os.PathLike[str], what: str) -> Path:
    """Check, before any work, that a figure can be written to ``path``.

    Raises
    ------
    OutputError
        If the suffix is not a format matplotlib writes, or the directory is
        missing or not writable.
    """
    from kurilsim._io import check_output_path

    suffixes = tuple(sorted(f".{name}" for name in _figure_formats()))
    return check_output_path(path, suffixes=suffixes, what=what)


def _check_new(path: Path, what: str, overwrite: bool) -> Path:
    """Refuse, before any work, to write over an existing file without
    ``--overwrite``."""
    from kurilsim._errors import OutputError

    if not overwrite and (path.exists() or path.is_symlink()):
        raise OutputError(
            f"{what} {path}: exists; pass --overwrite to replace it (or choose "
            "another name)"
        )
    return path


def _save_figure(axes: Any, path: Path, result: Any = None) -> None:
    """Save the figure holding ``axes`` (an Axes or a list of them) and close it.

    The figure is written to a temporary file beside ``path`` and renamed
    onto it once complete, so a failure leaves an earlier file untouched.
    With ``result``, its provenance goes into the file's metadata (PNG text
    chunks, PDF/SVG fields: :func:`kurilsim.plot.figure_metadata`).
    """
    import matplotlib.pyplot as plt

    from kurilsim._io import atomic_path
    from kurilsim.plot import figure_metadata, provenance

    first = axes[0] if isinstance(axes, Sequence | np.ndarray) else axes
    figure = first.figure
    file_format = path.suffix[1:].lower()
    metadata = None if result is None else figure_metadata(provenance(result),
                                                           file_format)
    try:
        with atomic_path(path) as temporary:
            figure.savefig(
                temporary,
                format=file_format,
                dpi=150,
                bbox_inches="tight",
                metadata=metadata,
            )
    finally:
        plt.close(figure)


def _phase_diagram(result: Any, path: Path, **options: Any) -> None:
    """Draw ``result`` with :func:`kurilsim.plot.phase_diagram` into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from kurilsim.plot import phase_diagram

    _save_figure(phase_diagram(result, **options), path, result)


def _prepare_out_dir(text: str) -> Path:
    """The ``--out-dir`` folder, created (with its parents) if missing.

    Raises
    ------
    OutputError
        If the folder cannot be created or is not a writable directory.
    """
    from kurilsim._errors import OutputError
    from kurilsim._io import make_directory

    folder = make_directory(text, what="--out-dir")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"--out-dir {folder}: directory is not writable")
    return folder


def _report_run(result: Any, checkpoint: str | None, *, chunk_hint: bool = False) -> None:
    """Notes on how a sweep ran: workers capped, chunks resumed, failed points.

    ``chunk_hint``: suggest ``--chunk-size`` when there were fewer chunks
    than workers (the command has that option).
    """
    meta = result.metadata
    requested, used = meta.get("workers_requested"), meta.get("workers")
    if requested is not None and used is not None and used < requested:
        if meta.get("workers_limited_by") == "chunks to compute":
            chunks, resumed = meta["chunks"], meta["chunks_resumed"]
            left = chunks - resumed
            counted = (f"{left} chunk{'' if left == 1 else 's'} of up to "
                       f"{meta['chunk_size']:,} points to compute")
            if resumed:
                counted += f" ({resumed} of {chunks} resumed from the checkpoint)"
            hint = "; a smaller --chunk-size makes more chunks" if chunk_hint else ""
            print(
                f"{_PROG}: note: --workers {requested} capped at {used}: the sweep "
                f"has {counted}, and workers beyond one per chunk only add start-up "
                f"time{hint}",
                file=sys.stderr,
            )
        else:
            print(
                f"{_PROG}: note: --workers {requested} capped at {used} "
                f"({meta['workers_limited_by']})",
                file=sys.stderr,
            )
    if checkpoint is not None:
        print(
            f"checkpoint {checkpoint}: resumed {meta['chunks_resumed']} of "
            f"{meta['chunks']} chunks"
        )
    if result.errors:
        first = min(result.errors)
        print(
            f"warning: {len(result.errors)} of {result.size} points failed "
            f"(first: {result.errors[first]})"
        )


# -- solve's output formats ---------------------------------------------------------------
#: Columns the printed tables fit in (``solve``'s table, every line).
TABLE_WIDTH = 100
#: The note under a table that shows a lottery (:data:`kurilsim.concepts.LOTTERY_NOTE`;
#: the table wraps it to :data:`TABLE_WIDTH`).
LOTTERY_NOTE: Final = f"Note: {_LOTTERY}"
#: Formats of ``kurilsim solve --format``.
SOLVE_FORMATS = ("table", "csv", "json", "markdown")
def _provenance(comparison: Any) -> dict[str, str]:
    """What produced ``solve``'s output: kurilsim's version, the scenario
    (name and TOML), the concepts and the time (UTC), as text."""
    import datetime

    from kurilsim._errors import KurilsimError

    scenario = comparison.scenario
    try:
        toml = scenario.to_toml()
    except KurilsimError as error:
        toml = f"(not expressible as TOML: {_one_line(error)})"
    return {
        "kurilsim": _version(),
        "scenario_name": scenario.name,
        "scenario": toml,
        "concepts": ", ".join(o.concept for o in comparison.outcomes),
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _text_cell(text: str) -> str:
    """A CSV text cell that no spreadsheet reads as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _solve_csv(comparison: Any) -> str:
    """``kurilsim solve --format csv``: one row per concept and outcome of
    its support.

    The text starts with the provenance as ``# key: value`` lines (as sweep
    CSV files do; ``pandas.read_csv(..., comment="#")`` skips them), then
    the columns ``concept``, ``agreement`` (the agreement's index, -1 for no
    deal), ``outcome`` (its label), ``weight`` (its probability under the
    concept: 1 unless the outcome is a lottery), ``lottery`` (``true`` on
    every row of a lottery), ``probability`` (P(deal)), ``mode_probability``
    (the probability of the outcome the concept reports, as in sweep CSV
    files), ``mode`` (``true`` on the row of that outcome),
    ``utility.AGENT`` (expected utilities), ``certificate`` and ``tol``.
    Numbers are written in their shortest round-trip form.

    Examples
    --------
    >>> import csv, kurilsim
    >>> comparison = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
    ...                                        ("spe", "nash-bargaining"))
    >>> text = _solve_csv(comparison)
    >>> rows = list(csv.DictReader(l for l in text.splitlines() if not l.startswith("#")))
    >>> [(row["concept"], row["lottery"]) for row in rows]
    [('spe', 'false'), ('nash-bargaining', 'true'), ('nash-bargaining', 'true')]
    >>> sum(float(row["weight"]) for row in rows[1:])
    1.0
    """
    import csv
    import io

    from kurilsim.analysis import _is_lottery, _mode, _support

    agents = comparison.scenario.agent_names
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([
        "concept", "agreement", "outcome", "weight", "lottery", "probability",
        "mode_probability", "mode", *(f"utility.{name}" for name in agents),
        "certificate", "tol",
    ])
    for outcome in comparison.outcomes:
        support = _support(outcome)
        lottery = "true" if _is_lottery(support) else "false"
        mode, mode_probability = _mode(outcome, support)
        for index, label, weight in support:
            writer.writerow([
                _text_cell(outcome.concept), index, _text_cell(label), repr(weight),
                lottery, repr(float(outcome.probability)), repr(mode_probability),
                "true" if index == mode else "false",
                *(repr(float(u)) for u in outcome.utilities),
                repr(float(outcome.certificate)), repr(float(outcome.tol)),
            ])
    return "\n".join(comment_lines(_provenance(comparison))) + "\n" + buffer.getvalue()


def _json_number(value: float) -> float | None:
    """A float for JSON (``null`` for NaN and infinities, which JSON lacks)."""
    number = float(value)
    return number if math.isfinite(number) else None


def _solve_json(comparison: Any) -> str:
    """``kurilsim solve --format json``: one object per concept.

    The document is an object: ``provenance`` (kurilsim's version, the
    scenario's name and TOML, the concepts, the time), ``scenario``,
    ``agents``, ``lottery_note`` and ``concepts``, a list of one object per
    concept: ``concept``, ``lottery`` (whether the outcome is a lottery),
    ``outcome`` (one line of text), ``support`` (every outcome with a
    positive probability: ``agreement`` index, -1 for no deal, ``outcome``
    label and ``weight``, likeliest first), ``probability`` (P(deal)),
    ``mode`` and ``mode_probability`` (the outcome the concept reports and
    its probability), ``utilities`` (agent to expected utility),
    ``certificate`` and ``tol``.  Numbers keep their exact value.

    Examples
    --------
    >>> import json, kurilsim
    >>> comparison = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
    ...                                        ("spe", "nash-bargaining"))
    >>> document = json.loads(_solve_json(comparison))
    >>> [(c["concept"], c["lottery"], len(c["support"])) for c in document["concepts"]]
    [('spe', False, 1), ('nash-bargaining', True, 2)]
    """
    import json

    from kurilsim.analysis import _is_lottery, _mode, _outcome_line, _support

    scenario = comparison.scenario
    concepts = []
    for outcome in comparison.outcomes:
        support = _support(outcome)
        mode, mode_probability = _mode(outcome, support)
        labels = {index: label for index, label, _ in support}
        concepts.append({
            "concept": outcome.concept,
            "lottery": _is_lottery(support),
            "outcome": _outcome_line(support),
            "support": [
                {"agreement": index, "outcome": label, "weight": weight}
                for index, label, weight in support
            ],
            "probability": float(outcome.probability),
            "mode": {"agreement": mode, "outcome": labels.get(mode, "no deal")},
            "mode_probability": mode_probability,
            "utilities": {
                name: _json_number(u)
                for name, u in zip(outcome.agents, outcome.utilities, strict=True)
            },
            "certificate": _json_number(outcome.certificate),
            "tol": _json_number(outcome.tol),
        })
    document = {
        "provenance": _provenance(comparison),
        "scenario": scenario.name,
        "agents": list(scenario.agent_names),
        "lottery_note": LOTTERY_NOTE.removeprefix("Note: "),
        "concepts": concepts,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def _markdown_cell(text: str) -> str:
    """Text for a cell of a Markdown pipe table (or the title): one line, with
    Markdown's punctuation backslash-escaped and ``&``, ``<`` and ``>`` as HTML
    entities, so a user's text is shown as typed, never as markup."""
    flat = " ".join(text.split())
    flat = re.sub(r"([\\`*_\[\]|])", r"\\\1", flat)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _solve_markdown(comparison: Any) -> str:
    """``kurilsim solve --format markdown``: a pipe table, one row per
    concept (a lottery as each outcome with its probability), with the note
    on lotteries below it when one is shown.

    Examples
    --------
    >>> import kurilsim
    >>> comparison = kurilsim.compare_concepts(kurilsim.kuril_scenario(name="default"),
    ...                                        ("spe",))
    >>> print(_solve_markdown(comparison))  # doctest: +ELLIPSIS
    **Scenario default**
    <BLANKLINE>
    | concept | outcome | P(deal) | japan | russia | united\\_states | certificate |
    |---|---|--:|--:|--:|--:|--:|
    | spe | ... | 1.000 | ... | 0.0e+00 |
    """
    from kurilsim.analysis import _is_lottery, _outcome_line, _support

    scenario = comparison.scenario
    agents = scenario.agent_names
    title = f"**Scenario {_markdown_cell(scenario.name)}**" + (
        f": {_markdown_cell(scenario.title)}" if scenario.title else ""
    )
    header = ["concept", "outcome", "P(deal)", *agents, "certificate"]
    lines = [
        title,
        "",
        "| " + " | ".join(_markdown_cell(cell) for cell in header) + " |",
        "|---|---|" + "--:|" * (len(agents) + 2),
    ]
    lottery = False
    for outcome in comparison.outcomes:
        support = _support(outcome)
        lottery = lottery or _is_lottery(support)
        cells = [
            outcome.concept,
            _outcome_line(support),
            f"{outcome.probability:.3f}",
            *(f"{u:+.4f}" for u in outcome.utilities),
            f"{outcome.certificate:.1e}",
        ]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    if lottery:
        lines += ["", f"*{LOTTERY_NOTE}*"]
    return "\n".join(lines)


# -- new: a commented scenario template ----------------------------------------------------
#: Width of the comments of a scenario template.
_TEMPLATE_WIDTH = 88

#: What the top-level keys of a scenario file mean.
_TOP_KEYS: Final = {
    "name": "The scenario's name: reports, sweeps and the provenance of every "
    "result show it. Give a variant a name of its own.",
    "derived_from": "The scenario this one was derived from (written by "
    "'kurilsim new --from' and Scenario.with_params). The dynamic concept enters "
    "a scenario in the regime of the historical chain of this name, and "
    "calibration matches record entries by it; delete the line to make the "
    "scenario one of its own.",
    "title": "A one-line title (free text).",
    "description": "What the scenario represents (free text).",
    "notes": "Which fact sets which parameter, with its source: keep them true "
    "when you change a value.",
}

#: What the keys of the [space] table of the Kuril builder mean.
_SPACE_KEYS: Final = {
    "builtin": "The agreement space: a builder registered with "
    "kurilsim.register_space_builder (\"kuril\": kurilsim.kuril_space). A file "
    "may instead list its own [[space.issues]] (docs: how-to/scenario-files).",
    "islands": "\"nested\" (transfers counted outward from Hokkaido, the "
    "default) or \"subsets\" (any subset of the four islands).",
    "phased": "Whether the phased agreements (Habomai and Shikotan now, talks or "
    "joint activity on the other two) are on the table (default true).",
    "sovereignty": "Whether the form of sovereignty is an issue (default false).",
    "fisheries": "Whether a fisheries arrangement is an issue (default false).",
}

#: What the keys of the [protocol] table mean.
_PROTOCOL_KEYS: Final = {
    "proposer": "The agent that proposes an agreement.",
    "responder": "The agent that accepts or rejects it (rejection leaves the status "
    "quo).",
    "objector": "The agent that may object to agreements (\"\" for nobody).",
    "objection_cost": "Utility the objection payer loses when it goes ahead with an "
    "agreement the objector objected to (>= 0).",
    "objection_blocks": "Whether an objection blocks the agreement (the status quo "
    "stays) instead of only costing the payer.",
    "objection_scope": "Which agreements the objector may object to: \"any\", or "
    "\"restrictions\" (those where the rule objectionable is positive).",
    "objection_payer": "The agent who bears the objection cost (\"\" for the "
    "proposer).",
    "objectionable": "The rule of objection_scope = \"restrictions\": a feature of "
    "the space or a product of features joined by \"*\"; alternatives joined by "
    "\"|\" (islands.any*security.restricts_us: islands transferred and US forces "
    "excluded from them).",
    "discount": "Per-round discount factor of each agent, in (0, 1], for "
    "alternating-offers bargaining: an inline table such as { japan = 0.9 }.",
    "veto": "Agents holding a veto, each with the rule (as objectionable) of the "
    "agreements it vetoes: those are never concluded, under any concept.",
}

#: What the keys of an [[agents]] table that are not parameters mean.
_AGENT_KEYS: Final = {
    "type": "The agent's class: \"Japan\", \"Russia\", \"UnitedStates\", "
    "\"LinearAgent\" or a registered type. Parameters left out take the "
    "class's default.",
    "name": "The agent's name: the prefix of its dotted parameter names.",
    "description": "What the agent stands for (free text).",
    "status_quo": "The agent's utility of no deal (the status quo).",
    "weights": "A LinearAgent's utility: each term (a feature of the space, a "
    "product of features joined by \"*\", or \"treaty\", 1 for every "
    "agreement) with its weight.",
}


def _number(value: float) -> str:
    return f"{value:g}"


def _range_text(spec: Any) -> str:
    low, high = spec.bounds
    kind = "an integer" if spec.integer else "a number"
    if math.isinf(low) and math.isinf(high):
        return kind
    if math.isinf(high):
        return f"{kind} >= {_number(low)}"
    if math.isinf(low):
        return f"{kind} <= {_number(high)}"
    return f"{kind} in [{_number(low)}, {_number(high)}]"


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=_TEMPLATE_WIDTH, initial_indent="# ",
                         subsequent_indent="# ", break_on_hyphens=False,
                         break_long_words=False)


def _parameter_comment(spec: Any) -> list[str]:
    """Meaning, units, range, default and source of an agent parameter."""
    default = int(spec.default) if spec.integer else spec.default
    units = f"Units: {spec.units}; " if spec.units else ""
    lines = _comment(spec.doc[:1].upper() + spec.doc[1:].rstrip(".") + ".")
    lines += _comment(f"{units}{_range_text(spec)}; default {default!r}.")
    if spec.source:
        lines += _comment(f"Source: {spec.source}")
    return lines


def _protocol_comments() -> dict[str, list[str]]:
    """The comment of each [protocol] key: its meaning and the value a file
    that leaves it out gets from :func:`kurilsim.load_scenario`."""
    from kurilsim.kuril import kuril_protocol
    from kurilsim.model.protocol import NegotiationProtocol

    defaults = kuril_protocol()
    comments = {}
    for key, meaning in _PROTOCOL_KEYS.items():
        default = getattr(defaults, key)
        shown = (
            f"{NegotiationProtocol.DEFAULT_DISCOUNT} for every agent" if key == "discount"
            else "none" if key == "veto" else _toml_value(default)
        )
        comments[key] = _comment(f"{meaning} Default {shown}.")
    return comments


def _toml_value(value: Any) -> str:
    """A default as TOML writes it (strings quoted, booleans in lower case)."""
    import json

    return json.dumps(value, ensure_ascii=False)


_KEY_LINE = r"^([A-Za-z0-9_-]+) = "


def _long_string(text: str, indent: str, end: str = "") -> list[str]:
    """A TOML string value wrapped into lines of at most ``_TEMPLATE_WIDTH``
    columns: a multi-line basic string whose lines end in a backslash (which
    TOML removes, with the newline and the next line's indentation)."""
    import json
    import re

    body = json.dumps(text, ensure_ascii=False)[1:-1]  # TOML's escapes too
    if len(indent) + len(body) + 2 + len(end) <= _TEMPLATE_WIDTH:
        return [f'"{body}"{end}']
    lines, current = [], ""
    # break only at a single space between two other characters: the space
    # stays before the backslash, nothing after it is trimmed
    for word in re.split(r"(?<=\S) (?=\S)", body):
        if current and len(indent) + len(current) + len(word) + 3 > _TEMPLATE_WIDTH:
            lines.append(f"{indent}{current} \\")
            current = word
        else:
            current = f"{current} {word}" if current else word
    return ['"""\\', *lines, f'{indent}{current}"""{end}']


def _wrapped_value(line: str, key: str) -> list[str]:
    """The line ``key = "..."`` or ``key = ["...", ...]`` of ``Scenario.to_toml``
    with its long strings wrapped (kept as it is if the rewrite would not read
    back the same)."""
    import tomllib

    value = tomllib.loads(line)[key]
    if isinstance(value, str):
        lines = _long_string(value, "    ")
        lines[0] = f"{key} = {lines[0]}"
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        lines = [f"{key} = ["]
        for item in value:
            wrapped = _long_string(item, "    ", ",")
            lines += [f"    {wrapped[0]}", *wrapped[1:]]
        lines.append("]")
    else:
        return [line]
    try:
        same = tomllib.loads("\n".join(lines))[key] == value
    except tomllib.TOMLDecodeError:  # pragma: no cover - a bug of the wrapping
        same = False
    return lines if same else [line]


def _scenario_template(scenario: Any, origin: str) -> str:
    """``scenario`` as a commented TOML file: every key of
    :meth:`Scenario.to_toml <kurilsim.Scenario.to_toml>` with what it means
    (an agent parameter's meaning, units, valid range, default and source)
    in comments above it.  The comments change nothing: the file loads back
    to ``scenario`` exactly.

    Examples
    --------
    >>> import kurilsim, tomllib
    >>> scenario = kurilsim.kuril_scenario(name="mine")
    >>> text = _scenario_template(scenario, "the Kuril defaults")
    >>> tomllib.loads(text) == tomllib.loads(scenario.to_toml())
    True
    >>> print(text[text.index("# Islands demanded"):text.index("demand = 4")])
    ... # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    # Islands demanded, counted outward from Hokkaido (2 = the 1956 formula).
    # Units: islands; an integer in [0, 4]; default 4.
    # Source: ...
    """
    import re
    import tomllib

    base = scenario.to_toml()
    protocol = _protocol_comments()
    lines = [
        *_comment(f"A kurilsim scenario file, written by 'kurilsim new' (kurilsim "
                  f"{_version()}) from {origin}."),
        *_comment("Load it with kurilsim.load_scenario(PATH), or give its path as "
                  "SCENARIO to any command (kurilsim show PATH, kurilsim solve PATH). "
                  "Every parameter is written out with its meaning, units, valid range, "
                  "default and source in the comments above it; a parameter left out "
                  "takes its default. The format: docs/how-to/scenario-files.md."),
        "",
    ]
    section, agent = "", -1
    seen: set[str] = set()
    for line in base.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.strip("[]").split(".")[0]
            section = name
            if name == "agents":
                agent += 1
            if name == "priors" and name not in seen:
                lines += _comment(
                    "[priors]: what is known about a parameter's value, as a "
                    "distribution (docs/model/priors.md); kurilsim robustness and "
                    "kurilsim.calibrate draw from them.")
            if name == "thresholds" and name not in seen:
                lines += _comment(
                    "[thresholds]: a parameter read from a public-opinion poll of "
                    "kurilsim.data.polls instead of a number "
                    "(docs/model/ratification.md).")
            seen.add(name)
            lines.append(line)
            continue
        match = re.match(_KEY_LINE, line)
        key = match.group(1) if match else None
        comment: list[str] = []
        if key is not None and section == "":
            comment = _comment(_TOP_KEYS[key]) if key in _TOP_KEYS else []
        elif key is not None and section == "space":
            comment = _comment(_SPACE_KEYS[key]) if key in _SPACE_KEYS else []
        elif key is not None and section == "agents":
            specs = getattr(scenario.agents[agent], "parameter_specs", None)
            known = {spec.name: spec for spec in (specs() if specs else ())}
            if key in known:
                comment = _parameter_comment(known[key])
            elif key in _AGENT_KEYS:
                comment = _comment(_AGENT_KEYS[key])
        elif key is not None and section == "protocol":
            comment = protocol.get(key, [])
        if comment and lines and lines[-1] and not lines[-1].startswith("["):
            lines.append("")  # a blank line between commented keys
        long = key is not None and len(line) > _TEMPLATE_WIDTH
        body = _wrapped_value(line, key) if long and key is not None else [line]
        lines += comment + body
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text) != tomllib.loads(base):  # pragma: no cover - a bug
        raise AssertionError("the scenario template does not read back as the scenario")
    return text


# -- subcommands ------------------------------------------------------------------------
def _cmd_scenarios(args: argparse.Namespace) -> int:
    from kurilsim.kuril.scenarios import list_scenarios, load_scenario

    names = list_scenarios()
    width = max(len(name) for name in names)
    for name in names:
        print(f"{name:<{width}}  {load_scenario(name).title}".rstrip())
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from kurilsim.kuril.scenarios import load_scenario

    print(load_scenario(args.scenario, max_agreements=args.max_agreements).describe())
    return 0


def _cmd_solve(args: argparse.Namespace) -> int:
    from kurilsim.analysis import compare_concepts
    from kurilsim.kuril.scenarios import load_scenario

    scenario = load_scenario(args.scenario, max_agreements=args.max_agreements)
    concepts = tuple(dict.fromkeys(args.concept)) if args.concept else None
    comparison = compare_concepts(scenario, concepts)
    render = {
        "table": lambda comparison: comparison.to_text(width=TABLE_WIDTH),
        "csv": _solve_csv,
        "json": _solve_json,
        "markdown": _solve_markdown,
    }[args.format]
    print(render(comparison))
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    import shlex

    from kurilsim._errors import InvalidModelError, OutputError
    from kurilsim._io import atomic_output, check_output_path, create_exclusively
    from kurilsim.kuril.scenarios import kuril_scenario, list_scenarios, load_scenario

    # every check that can fail comes before the work
    path = _check_new(
        check_output_path(args.path, suffixes=(".toml",), what="SCENARIO.toml"),
        "SCENARIO.toml", args.overwrite,
    )
    source = (None if args.source is None
              else load_scenario(args.source, max_agreements=args.max_agreements))
    try:  # the scenario is named after the file
        if source is None:
            scenario = kuril_scenario(name=path.stem)
            origin = f"the Kuril defaults (kurilsim.kuril_scenario(name={path.stem!r}))"
        else:
            origin = (f"the built-in scenario {args.source}"
                      if args.source in list_scenarios() else f"the file {args.source}")
            scenario = _renamed_copy(source, path.stem, origin)
    except InvalidModelError as error:
        raise InvalidModelError(
            f"SCENARIO.toml {path}: the scenario is named after the file, and "
            f"{path.stem!r} is not a valid name ({error}); choose another file name"
        ) from None
    text = _scenario_template(scenario, origin)
    if args.overwrite:
        with atomic_output(path) as stream:
            stream.write(text)
    elif not create_exclusively(path, text.encode("utf-8")):
        # created by someone else since the check above
        raise OutputError(
            f"SCENARIO.toml {path}: exists; pass --overwrite to replace it (or "
            "choose another name)"
        )
    shown = str(path) if not str(path).startswith("-") else f"./{path}"
    print(f"wrote scenario file: {path} (from {origin}); check it with: "
          f"kurilsim show {shlex.quote(shown)}")
    if path.stem in list_scenarios():
        print(f"kurilsim: note: {path.stem!r} is also the name of a built-in "
              f"scenario: 'kurilsim show {path.stem}' shows the built-in one; give "
              "the file's path to use this file", file=sys.stderr)
    return 0


def _renamed_copy(source: Any, name: str, origin: str) -> Any:
    """``source`` named ``name`` (after the new file), derived from ``source``'s
    origin (:attr:`~kurilsim.Scenario.base_name`, so that the ``dynamic``
    concept and calibration still place it), with a first note saying that
    the notes that follow are the source's and may stop holding once a value
    changes.

    Examples
    --------
    >>> import kurilsim
    >>> copy = _renamed_copy(kurilsim.load_scenario("2018-singapore"), "mine",
    ...                      "the built-in scenario 2018-singapore")
    >>> copy.name, copy.base_name
    ('mine', '2018-singapore')
    >>> copy.notes[0].startswith("Started by 'kurilsim new' from the built-in")
    True
    """
    from dataclasses import replace

    note = (
        f"Started by 'kurilsim new' from {origin} (scenario {source.name!r}). "
        "The notes that follow are that scenario's: they state its values and "
        "its tested outcome, so correct or delete any that stop holding when "
        "you change a value."
    )
    return replace(source, name=name, derived_from=source.base_name,
                   notes=(note, *source.notes))


def _cmd_report(args: argparse.Namespace) -> int:
    import importlib

    from kurilsim._errors import KurilsimError
    from kurilsim._io import check_output_path
    from kurilsim.kuril.scenarios import load_scenario

    # every check that can fail comes before the work
    out = _check_new(
        check_output_path(args.out, suffixes=(".html", ".htm"), what="--out"),
        "--out", args.overwrite,
    )
    try:
        report = importlib.import_module("kurilsim.report")  # only for this command
    except ModuleNotFoundError as error:
        if error.name != "kurilsim.report":
            raise
        raise KurilsimError(
            "this installation of kurilsim has no kurilsim.report module; "
            "'kurilsim report' needs a version that has it"
        ) from None
    scenario = load_scenario(args.scenario, max_agreements=args.max_agreements)
    written = report.write_report(
        scenario,
        out,
        concepts=_report_concepts(args.concepts, args.concept),
        resolution=args.resolution,
        overwrite=args.overwrite,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    print(f"wrote report: {written}")
    return 0


def _report_concepts(
    listed: Sequence[str] | None, repeated: Sequence[str] | None
) -> tuple[str, ...] | None:
    """The concepts of ``report --concepts A,B --concept C``: both, in order,
    each once (``None``, all of them, when neither is given).

    Examples
    --------
    >>> _report_concepts(("spe", "nash"), ["pbe", "spe"])
    ('spe', 'nash', 'pbe')
    >>> _report_concepts(None, None) is None
    True
    """
    if listed is None and repeated is None:
        return None
    return tuple(dict.fromkeys([*(listed or ()), *(repeated or ())]))


def _cmd_sweep(args: argparse.Namespace) -> int:
    from kurilsim._errors import InvalidArgumentError
    from kurilsim._io import check_output_path
    from kurilsim.kuril.scenarios import load_scenario
    from kurilsim.sweeps import sweep

    # every check that can fail comes before the work
    out = (
        None
        if args.out is None
        else _check_new(check_output_path(args.out, suffixes=(".csv",), what="--out"),
                        "--out", args.overwrite)
    )
    plot = (
        None
        if args.plot is None
        else _check_new(_check_figure_path(args.plot, "--plot"), "--plot",
                        args.overwrite)
    )
    sampled = args.design != "grid"
    ranges = _parse_ranges(args.grid, args.design) if sampled else None
    scenario = load_scenario(args.scenario, max_agreements=args.max_agreements)
    # unknown names first: they are cheaper to check than the grid's size
    scenario.check_parameter_names(spec.partition("=")[0].strip() for spec in args.grid)
    if ranges is not None:
        _check_ranges(scenario, ranges, args.samples, args.max_points)
    grid: Mapping[str, Any] = (
        ranges if ranges is not None
        else parse_grid(args.grid, scenario.parameters(), max_points=args.max_points)
    )
    seed = args.seed
    if sampled and seed is None:  # drawn here, so that the files record it
        import secrets

        seed = secrets.randbits(32)
    if plot is not None and len(grid) not in (2, 3):
        raise InvalidArgumentError(
            f"--plot draws a phase diagram, which needs a grid sweep with 2 or 3 "
            f"axes; got {len(grid)} ({', '.join(grid)})"
        )
    with contextlib.ExitStack() as cleanup:
        # the results go to disk chunk by chunk as they finish, never all into
        # memory: to --checkpoint, or to a temporary folder (beside the CSV,
        # on its disk) deleted at the end; the CSV and the shares are then
        # read back one chunk at a time
        folder = args.checkpoint
        if folder is None:
            import tempfile

            folder = cleanup.enter_context(tempfile.TemporaryDirectory(
                prefix=".kurilsim-sweep-", dir=None if out is None else out.parent
            ))
        result = sweep(
            scenario,
            grid,
            concept=args.concept,
            workers=args.workers,
            checkpoint=folder,
            in_memory=False,
            progress=False if args.no_progress else None,
            chunk_size=args.chunk_size,
            max_points=args.max_points,
            **({"design": args.design, "samples": args.samples, "rng": seed}
               if sampled else {}),
        )
        _report_run(result, args.checkpoint, chunk_hint=True)
        if out is not None:
            written = result.to_csv(out, overwrite=args.overwrite)
            print(f"wrote CSV: {written} ({result.size} rows)")
        if plot is not None:
            _phase_diagram(result, plot)
            print(f"wrote plot: {plot}")
        points_text = "1 point" if result.size == 1 else f"{result.size} points"
        if ranges is not None:
            axes = " x ".join(f"{name}[{low:g}, {high:g}]"
                              for name, (low, high) in ranges.items())
            points_text += f" ({args.design} sample, seed {seed})"
        else:
            axes = " x ".join(f"{name}[{len(values)}]" for name, values in grid.items())
        print(
            f"Outcome shares, {scenario.name} ({result.concept}), {points_text} "
            f"over {axes}:"
        )
        _print_shares(result)
    return 0


def _cmd_headline(args: argparse.Namespace) -> int:
    from kurilsim._errors import ProblemTooLargeError
    from kurilsim._io import check_output_path
    from kurilsim.studies import two_vs_four_islands

    # every check that can fail comes before the work (and the folder)
    points = 2 * args.resolution**2
    if points > args.max_points:
        raise ProblemTooLargeError(
            f"--resolution {args.resolution} gives {points:,} points "
            f"(2 x {args.resolution} x {args.resolution}), more than --max-points "
            f"{args.max_points:,}; pass --max-points {points} to allow it"
        )
    folder = _prepare_out_dir(args.out_dir)
    csv_path = _check_new(
        check_output_path(folder / f"{_HEADLINE_STEM}.csv", what="CSV"), "CSV",
        args.overwrite,
    )
    png_path = _check_new(
        _check_figure_path(folder / f"{_HEADLINE_STEM}.png", "plot"), "plot",
        args.overwrite,
    )
    result = two_vs_four_islands(
        resolution=args.resolution,
        workers=args.workers,
        progress=False if args.no_progress else None,
        max_points=args.max_points,
    )
    _report_run(result, None)
    result.to_csv(csv_path, overwrite=args.overwrite)
    print(f"wrote CSV: {csv_path} ({result.size} rows)")
    _phase_diagram(
        result,
        png_path,
        x="russia.security_weight",
        y="russia.pledge_credibility",
        facet="japan.demand",
    )
    print(f"wrote plot: {png_path}")
    print(
        f"Two- vs four-island demand, {result.scenario.name} ({result.concept}), "
        f"{args.resolution} x {args.resolution} points per demand:"
    )
    for demand in result.axes["japan.demand"].tolist():
        print(f"  japan.demand = {demand}:")
        _print_shares(result.sel({"japan.demand": demand}), "    ")
    return 0


def _positive_real(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value


def _cmd_robustness(args: argparse.Namespace) -> int:
    from kurilsim._io import check_output_path
    from kurilsim.kuril.scenarios import load_scenario
    from kurilsim.sensitivity import robustness

    # every check that can fail comes before the work
    out = (
        None
        if args.output is None
        else _check_new(
            check_output_path(args.output, suffixes=(".csv",), what="--output"),
            "--output", args.overwrite,
        )
    )
    scenario = load_scenario(args.scenario, max_agreements=args.max_agreements)
    report = robustness(
        scenario,
        args.concept,
        spread=args.spread,
        samples=args.samples,
        draws=args.draws,
        rng=args.seed,
        method=args.method,
        **({} if args.max_points is None else {"max_points": args.max_points}),
    )
    print(report.summary())
    if out is not None:
        written = report.to_csv(out, overwrite=args.overwrite)
        print(f"wrote CSV: {written} ({len(report.rows())} rows)")
    return 0


# -- the parser -------------------------------------------------------------------------
_MAX_AGREEMENTS_HELP = (
    "refuse a scenario file whose agreement space has more than N agreements, "
    "before enumerating it (default: 1,000,000)"
)
_SCENARIO_HELP = (
    "a built-in scenario name (see 'kurilsim scenarios') or the path of a "
    "scenario TOML file"
)


def _version() -> str:
    from kurilsim import __version__

    return __version__


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and epilogs; wider name column."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=28)


def _add_scenario_arguments(sub: argparse.ArgumentParser) -> None:
    """The SCENARIO argument and the agreement-space budget it is loaded with."""
    sub.add_argument("scenario", metavar="SCENARIO", help=_SCENARIO_HELP)
    sub.add_argument(
        "--max-agreements",
        type=_positive_int,
        default=None,
        metavar="N",
        help=_MAX_AGREEMENTS_HELP,
    )


def _add_overwrite(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--overwrite",
        action="store_true",
        help="replace output files that exist (by default an existing file is "
        "an error: results are never overwritten silently)",
    )


def _add_max_points(sub: argparse.ArgumentParser) -> None:
    """The --max-points budget of the commands that sweep."""
    from kurilsim.sweeps import DEFAULT_MAX_POINTS

    sub.add_argument(
        "--max-points",
        type=_positive_int,
        default=DEFAULT_MAX_POINTS,
        metavar="N",
        help="refuse, before any work, a sweep of more than N points "
        f"(default: {DEFAULT_MAX_POINTS:,}; each point takes about 50 bytes of "
        "memory)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kurilsim`` command (all subcommands)."""
    from kurilsim import concepts
    from kurilsim.sweeps import FAST_CHUNK_SIZE, SLOW_CHUNK_SIZE

    formatter = _HelpFormatter
    # every concept, those of installed packages' entry points listed without
    # being loaded (a broken plugin must not break --help or other commands)
    known = {concept.name: concept for concept in concepts.registered()}
    names = list(concepts.names())
    width = max(18, *(len(name) for name in names))

    def about(name: str) -> str:
        concept = known.get(name)
        if concept is None:
            return (f"provided by an installed package (entry-point group "
                    f"{concepts.CONCEPT_ENTRY_POINT_GROUP!r}; loaded when used)")
        return concept.description + (" [lottery]" if concept.lottery else "")

    concept_list = "\n".join(
        textwrap.fill(about(name), width=79,
                      initial_indent=f"  {name:<{width}} ",
                      subsequent_indent=" " * (width + 3))
        for name in names
    )
    fast = [concept.name for concept in known.values() if concept.vectorised]
    fast_text = ", ".join(fast) if fast else "none"
    partly = [f"{concept.name}: {concept.partly_vectorised}"
              for concept in known.values() if concept.partly_vectorised]
    # what 'vectorised' leaves out, said where the speed is promised
    partly_text = (" Partly: " + "; ".join(partly) + ".") if partly else ""

    # --debug is accepted before or after the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on errors instead of a one-line message",
    )

    parser = argparse.ArgumentParser(
        prog=_PROG,
        formatter_class=formatter,
        description=(
            "Game-theoretic simulation of the Japan-Russia peace-treaty negotiation\n"
            "and the Kuril Islands dispute: list the historical scenarios, inspect\n"
            "one, solve it under several solution concepts, sweep its parameters,\n"
            "measure how robust its outcome is to their uncertainty."
        ),
        epilog=(
            "examples:\n"
            "  kurilsim scenarios\n"
            "  kurilsim show 2018-singapore\n"
            "  kurilsim solve 2018-singapore --concept spe --concept nash\n"
            "  kurilsim new my-scenario.toml --from 2018-singapore\n"
            "  kurilsim sweep 2018-singapore --grid russia.security_weight=0:4:41 \\\n"
            "      --grid japan.demand=2,4 --out sweep.csv --plot sweep.png\n"
            "  kurilsim headline --out-dir kurilsim-output\n"
            "  kurilsim robustness 2018-singapore --seed 1\n"
            "  kurilsim report 2018-singapore --out report.html\n\n"
            "exit status: 0 success, 1 failure (one line 'kurilsim: error: ...'),\n"
            "2 usage error, 130 interrupted (Ctrl-C); --debug shows tracebacks.\n\n"
            "Run 'kurilsim COMMAND --help' for the options of one command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False,
        help="show the full traceback on errors instead of a one-line message",
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )

    sub = commands.add_parser(
        "scenarios",
        parents=[common],
        formatter_class=formatter,
        help="list the built-in historical scenarios",
        description="List the built-in historical scenarios, one per line: the "
        "name\n(usable as SCENARIO in the other commands) and its title.",
        epilog="example:\n  kurilsim scenarios",
    )
    sub.set_defaults(handler=_cmd_scenarios)

    sub = commands.add_parser(
        "show",
        parents=[common],
        formatter_class=formatter,
        help="show a scenario's parameters and agreement space",
        description="Show a scenario: its description, every parameter by dotted "
        "name\n(the names 'kurilsim sweep --grid' accepts), the issues of its "
        "agreement\nspace and the notes on its calibration.",
        epilog="examples:\n  kurilsim show 2018-singapore\n  kurilsim show my-scenario.toml",
    )
    _add_scenario_arguments(sub)
    sub.set_defaults(handler=_cmd_show)

    sub = commands.add_parser(
        "solve",
        parents=[common],
        formatter_class=formatter,
        help="solve a scenario under each solution concept",
        description="Solve a scenario under each solution concept and print a "
        "table: the\nprobability of a deal, each agent's (expected) utility, the "
        "certificate\n(equilibrium regret or Pareto gap) and, below each row, the "
        "outcome.\nA concept marked [lottery] may reach a lottery: a chance "
        "outcome, shown\nas each agreement (or no deal) with its probability, not "
        "one treaty.\n--format csv or json writes every outcome of a lottery in a "
        "machine-\nreadable form, after the provenance (kurilsim's version, the "
        "scenario\nas TOML, the time); --format markdown writes a pipe table.\n\n"
        f"concepts:\n{concept_list}",
        epilog="examples:\n  kurilsim solve 2018-singapore\n"
        "  kurilsim solve 1956-declaration --concept spe --concept rubinstein\n"
        "  kurilsim solve 1993-tokyo --format json > 1993-tokyo.json",
    )
    _add_scenario_arguments(sub)
    sub.add_argument(
        "--format",
        choices=SOLVE_FORMATS,
        default="table",
        help="table (default: fits 100 columns), csv (one row per concept and "
        "outcome of its lottery), json (one object per concept) or markdown (a "
        "pipe table)",
    )
    sub.add_argument(
        "--concept",
        action="append",
        choices=names,
        metavar="NAME",
        help="a solution concept to include (repeatable; default: all). "
        f"One of: {', '.join(names)}",
    )
    sub.set_defaults(handler=_cmd_solve)

    sub = commands.add_parser(
        "new",
        parents=[common],
        formatter_class=formatter,
        help="write a commented scenario file to start a scenario from",
        description="Write a scenario TOML file to edit: every parameter written "
        "out, with its\nmeaning, units, valid range, default and source in "
        "comments above it.\nWithout --from it holds the Kuril defaults (named "
        "after the file); with\n--from it is a copy of that scenario, named "
        "after the file, whose first note\nsays where it started (the source's "
        "notes follow: correct them when you\nchange a value). The file loads "
        "back to exactly what it says\n(kurilsim.load_scenario(PATH)); edit it "
        "and give its path as SCENARIO to\nthe other commands. An "
        "existing file is an error unless\n--overwrite is given.",
        epilog="examples:\n  kurilsim new my-scenario.toml\n"
        "  kurilsim new singapore-variant.toml --from 2018-singapore\n"
        "  kurilsim solve singapore-variant.toml",
    )
    sub.add_argument("path", metavar="SCENARIO.toml",
                     help="the file to write (its name must end in .toml)")
    sub.add_argument(
        "--from",
        dest="source",
        metavar="NAME",
        default=None,
        help="start from this scenario: a built-in name (see 'kurilsim "
        "scenarios') or a scenario TOML file (default: the Kuril defaults)",
    )
    sub.add_argument(
        "--max-agreements",
        type=_positive_int,
        default=None,
        metavar="N",
        help=_MAX_AGREEMENTS_HELP,
    )
    _add_overwrite(sub)
    sub.set_defaults(handler=_cmd_new)

    sub = commands.add_parser(
        "sweep",
        parents=[common],
        formatter_class=formatter,
        help="solve a scenario over a grid or sample of parameter values",
        description="Solve a scenario at every point of a full-factorial grid of "
        "its\nparameters (names as listed by 'kurilsim show SCENARIO'), or of a "
        "random\nor Latin-hypercube sample of their ranges (--design); optionally "
        "write\none CSV row per point (after the run's provenance: design, seed, "
        "...) and\na phase diagram; print the share of points reaching each "
        "outcome.\n"
        + textwrap.fill(
            f"Vectorised (fast) concepts: {fast_text}; the others solve point by "
            f"point (use --workers for large grids).{partly_text}",
            width=75,
            break_on_hyphens=False,
        ),
        epilog="examples:\n"
        "  kurilsim sweep 2018-singapore --grid russia.security_weight=0:4:81 \\\n"
        "      --grid russia.pledge_credibility=0:1:81 --grid japan.demand=2,4 \\\n"
        "      --out sweep.csv --plot sweep.png\n"
        "  kurilsim sweep 1956-declaration --grid japan.treaty_value=0:1:11 \\\n"
        "      --concept nash-bargaining --workers 4 --checkpoint sweep-checkpoint\n"
        "  kurilsim sweep 2018-singapore --design lhs --samples 1000 --seed 1 \\\n"
        "      --grid russia.security_weight=0:4 --grid russia.pledge_credibility=0:1 "
        "\\\n      --out lhs.csv",
    )
    _add_scenario_arguments(sub)
    sub.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=START:STOP:NUM",
        help="a grid axis (repeatable): NUM evenly spaced values from START to "
        "STOP inclusive, or NAME=V1,V2,... for listed values (e.g. "
        "japan.demand=2,4; integers stay integers). With --design random or "
        "lhs: NAME=LOW:HIGH, the range to draw from (integer parameters: the "
        "integers of [LOW, HIGH])",
    )
    sub.add_argument(
        "--design",
        choices=("grid", "random", "lhs"),
        default="grid",
        help="grid: every combination of the --grid values (default); random: "
        "--samples points drawn uniformly from the --grid ranges; lhs: a Latin "
        "hypercube sample of --samples points (each range cut into N strata, "
        "one point in each)",
    )
    sub.add_argument(
        "--samples",
        type=_positive_int,
        default=None,
        metavar="N",
        help="points of a random or lhs design (required for them, refused for a "
        "grid)",
    )
    sub.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="S",
        help="random seed of a random or lhs design (a non-negative integer): the "
        "same seed gives the same points (default: one drawn at random, printed "
        "and written to the CSV's provenance)",
    )
    sub.add_argument(
        "--concept",
        default="spe",
        choices=names,
        metavar="NAME",
        help=f"the solution concept (default: spe). One of: {', '.join(names)}",
    )
    sub.add_argument(
        "--out", metavar="CSV", help="write one row per point to this CSV file"
    )
    sub.add_argument(
        "--plot",
        metavar="PNG",
        help="draw the phase diagram (outcome at each grid point) into this image",
    )
    sub.add_argument(
        "--checkpoint",
        metavar="DIR",
        help="save finished chunks in DIR; re-running the same sweep resumes "
        "from them (a different sweep is refused). The results are written "
        "there chunk by chunk as they finish (without --checkpoint, to a "
        "temporary folder beside the CSV, deleted at the end), never all held "
        "in memory",
    )
    sub.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="solve chunks in N worker processes (default: 1, this process; "
        "at most the number of CPUs and of chunks)",
    )
    sub.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="points per chunk, the unit of parallel work and of checkpoints "
        f"(default: {FAST_CHUNK_SIZE} for the vectorised concepts ({fast_text}); "
        f"{SLOW_CHUNK_SIZE} for the point-by-point ones)",
    )
    _add_max_points(sub)
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress bar (by default shown on stderr when it "
        "is a terminal and tqdm is installed)",
    )
    _add_overwrite(sub)
    sub.set_defaults(handler=_cmd_sweep, usage_check=_sweep_usage, subparser=sub)

    sub = commands.add_parser(
        "headline",
        parents=[common],
        formatter_class=formatter,
        help="run the headline two- vs four-island study",
        description="The headline study: in the 2018-singapore scenario, Japan "
        "demands two or\nfour islands while Russia's security weight (0 to 4) and "
        "its belief in a\nno-US-forces pledge (0 to 1) vary; the subgame-perfect "
        "outcome at each\npoint.  Writes two_vs_four_islands.csv (one row per "
        "point) and\ntwo_vs_four_islands.png (one phase-diagram panel per demand) "
        "into DIR\nand prints the outcome shares per demand.",
        epilog="examples:\n  kurilsim headline\n"
        "  kurilsim headline --out-dir results --resolution 401 --workers 4",
    )
    sub.add_argument(
        "--out-dir",
        default="kurilsim-output",
        metavar="DIR",
        help="folder for the CSV and PNG, created if missing "
        "(default: kurilsim-output)",
    )
    sub.add_argument(
        "--resolution",
        type=_resolution,
        default=201,
        metavar="N",
        help="points per continuous axis (default: 201, i.e. 2 x 201 x 201 points)",
    )
    sub.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="solve chunks in N worker processes (default: 1, this process; "
        "at most the number of CPUs and of chunks)",
    )
    _add_max_points(sub)
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress bar (by default shown on stderr when it "
        "is a terminal and tqdm is installed)",
    )
    _add_overwrite(sub)
    sub.set_defaults(handler=_cmd_headline)

    sub = commands.add_parser(
        "robustness",
        parents=[common],
        formatter_class=formatter,
        help="outcome probabilities and sensitivity indices under uncertainty",
        description="How robust is a scenario's outcome?  Draw its free parameters "
        "from their\npriors (or uniformly within --spread of their calibrated "
        "values), print the\nprobability of each outcome with its Monte-Carlo "
        "standard error, and the\nSobol' indices (or Morris screening) of the deal "
        "and of each agent's\nutility, computed with SALib.  Optionally write a "
        "tidy CSV (one row per\nstatistic).\n"
        + textwrap.fill(
            f"Vectorised (fast) concepts: {fast_text}; the others solve point by "
            f"point: keep --samples and --draws small for them.{partly_text}",
            width=75,
            break_on_hyphens=False,
        ),
        epilog="examples:\n  kurilsim robustness 2018-singapore\n"
        "  kurilsim robustness 1993-tokyo --spread 0.25 --samples 4096 --seed 1 \\\n"
        "      --output robustness.csv\n"
        "  kurilsim robustness 2018-singapore --method morris --samples 100",
    )
    _add_scenario_arguments(sub)
    sub.add_argument(
        "--concept",
        default="spe",
        choices=names,
        metavar="NAME",
        help=f"the solution concept (default: spe). One of: {', '.join(names)}",
    )
    sub.add_argument(
        "--method",
        default="sobol",
        choices=("sobol", "morris"),
        help="Sobol' indices (default) or Morris screening",
    )
    sub.add_argument(
        "--samples",
        type=_positive_int,
        default=None,
        metavar="N",
        help="Sobol': base samples, a power of two (default 1024; the model runs "
        "N x (parameters + 2) times); Morris: trajectories (default 64)",
    )
    sub.add_argument(
        "--spread",
        type=_positive_real,
        default=None,
        metavar="S",
        help="vary each parameter uniformly within ±S (relative, e.g. 0.25; at most "
        "10) of its calibrated value instead of drawing it from its prior",
    )
    sub.add_argument(
        "--draws",
        type=_positive_int,
        default=4096,
        metavar="N",
        help="Monte-Carlo draws for the outcome probabilities (default: 4096)",
    )
    sub.add_argument(
        "--max-points",
        type=_positive_int,
        default=None,
        metavar="N",
        help="refuse, before any work, a design (or --draws) of more than N model "
        "runs (default: 2,000,000)",
    )
    sub.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="random seed (a non-negative integer): the same seed gives the same "
        "report",
    )
    sub.add_argument(
        "--output", metavar="CSV", help="write the tidy table to this CSV file"
    )
    _add_overwrite(sub)
    sub.set_defaults(handler=_cmd_robustness)

    def concept_list_type(text: str) -> tuple[str, ...]:
        chosen = tuple(dict.fromkeys(item.strip() for item in text.split(",")))
        unknown = [item for item in chosen if item not in names]
        if not text.strip() or unknown:
            raise argparse.ArgumentTypeError(
                f"expected concept names separated by commas, got {text!r}"
                + (f" ({', '.join(map(repr, unknown))} unknown)" if unknown else "")
                + f"; the concepts are {', '.join(names)}"
            )
        return chosen

    sub = commands.add_parser(
        "report",
        parents=[common],
        formatter_class=formatter,
        help="write a scenario report: one self-contained HTML page",
        description="Write one self-contained HTML page about a scenario: its "
        "parameters and\nsources, the outcome under each concept, the headline "
        "phase diagram, the\nrobustness table and (when available) the "
        "calibration summary: the page\nto send a colleague. An existing file "
        "is an error unless --overwrite is\ngiven.",
        epilog="examples:\n  kurilsim report 2018-singapore --out report.html\n"
        "  kurilsim report my-scenario.toml --out mine.html --concepts spe,nash \\\n"
        "      --resolution 81",
    )
    _add_scenario_arguments(sub)
    sub.add_argument("--out", required=True, metavar="HTML",
                     help="the page to write (its name must end in .html or .htm)")
    sub.add_argument(
        "--concepts",
        type=concept_list_type,
        default=None,
        metavar="C1,C2,...",
        help="the concepts to compare, separated by commas (default: all)",
    )
    sub.add_argument(
        "--concept",
        action="append",
        choices=names,
        metavar="NAME",
        help="a concept to compare (repeatable, as in 'kurilsim solve'; adds to "
        "--concepts)",
    )
    sub.add_argument(
        "--resolution",
        type=_resolution,
        default=41,
        metavar="N",
        help="points per axis of the phase diagram (default: 41)",
    )
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress bar (by default shown on stderr when it "
        "is a terminal)",
    )
    _add_overwrite(sub)
    sub.set_defaults(handler=_cmd_report)
    return parser


# -- the entry point --------------------------------------------------------------------
#: Exceptions from a truncated or corrupt file (a checkpoint chunk, a TOML file).
_CORRUPT_FILE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
)


def _one_line(error: BaseException) -> str:
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return text or type(error).__name__


def _describe(error: BaseException, args: argparse.Namespace) -> str:
    """The one-line message for an exception that ends the command."""
    from concurrent.futures.process import BrokenProcessPool

    from kurilsim._errors import KurilsimError

    checkpoint = getattr(args, "checkpoint", None)
    if isinstance(error, KurilsimError):
        return _one_line(error)
    if isinstance(error, MemoryError):
        detail = _one_line(error)
        detail = "" if detail == "MemoryError" else f" ({detail})"
        return (
            f"out of memory{detail}; try a smaller problem or grid, or a smaller "
            "--chunk-size"
        )
    if isinstance(error, RecursionError):
        return (
            "input nested too deeply to process (Python's recursion limit was "
            "reached); simplify the nested tables or lists in the input file"
        )
    if isinstance(error, _CORRUPT_FILE_ERRORS):
        where = f" in checkpoint {checkpoint}" if checkpoint is not None else ""
        return (
            f"a file{where} is truncated or corrupt ({type(error).__name__}: "
            f"{_one_line(error)})"
        )
    if isinstance(error, BrokenProcessPool):
        return (
            "a worker process died unexpectedly (out of memory or killed?); "
            "try fewer --workers or a smaller --chunk-size"
        )
    if isinstance(error, ModuleNotFoundError) and (error.name or "kurilsim").split(
        "."
    )[0] != "kurilsim":
        return (
            f"this command needs the module {error.name!r}, which is not installed "
            "(install the kurilsim extra that provides it; see the README)"
        )
    if isinstance(error, ImportError) and "pip install" in str(error):
        return _one_line(error)  # an optional dependency: the message says which
    if isinstance(error, OSError):
        if error.filename is not None and error.strerror:
            names = f"{error.filename}" + (
                f" -> {error.filename2}" if error.filename2 is not None else ""
            )
            return f"{names}: {error.strerror}"
        return _one_line(error)
    if isinstance(error, ValueError | Warning):
        # ValueError includes TOML and Unicode decoding errors; a Warning is
        # raised only under ``python -W error``
        return _one_line(error)
    return (
        f"internal error ({type(error).__name__}: {_one_line(error)}); this is a "
        f"bug in kurilsim: please re-run with --debug for the traceback and "
        "report it"
    )


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Show a warning as one line ``kurilsim: warning: <message>`` on stderr."""
    text = _one_line(message) if isinstance(message, Warning) else str(message)
    print(f"{_PROG}: warning: {text}", file=sys.stderr if file is None else file)


def _interrupted(args: argparse.Namespace) -> str:
    """The one-line message after Ctrl-C."""
    checkpoint = getattr(args, "checkpoint", None)
    if args.command == "sweep" and checkpoint is not None:
        return (
            f"{_PROG}: interrupted; the finished chunks are saved in {checkpoint}: "
            "re-run the same command to resume"
        )
    return f"{_PROG}: interrupted"


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not complain
    (after the reader of a pipe went away)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kurilsim`` command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 1 after a failure (reported as one line
        ``kurilsim: error: <message>`` on stderr: a
        :class:`~kurilsim.KurilsimError`, :class:`OSError`,
        :class:`ValueError`, a corrupt file, :class:`MemoryError`,
        :class:`RecursionError`, or an unexpected exception, which the line
        calls a bug); 130 after Ctrl-C (one line ``kurilsim: interrupted``,
        saying how to resume a sweep with ``--checkpoint``).  With
        ``--debug`` the exception is raised instead, with its traceback.

    Raises
    ------
    SystemExit
        From argparse: status 0 after ``--help`` or ``--version``, 2 on a
        usage error.

    Examples
    --------
    >>> main(["scenarios"])  # doctest: +ELLIPSIS
    1956-declaration  Soviet-Japanese Joint Declaration: ...
    ...
    0
    >>> main(["show", "no-such-scenario"])  # one line on stderr
    1
    """
    if isinstance(argv, str | bytes):
        from kurilsim._errors import InvalidArgumentError

        raise InvalidArgumentError(
            f"argv must be a sequence of arguments such as ['scenarios'], got {argv!r}"
        )
    args = build_parser().parse_args(argv)
    usage_check = getattr(args, "usage_check", None)
    problem = None if usage_check is None else usage_check(args)
    if problem is not None:
        args.subparser.error(problem)  # exits with status 2
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
            status = handler(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # the reader went away (``kurilsim scenarios | head -1``): stay quiet,
        # and keep Python from complaining when it flushes stdout at exit
        _quiet_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt:
        if args.debug:
            raise
        _flush_quietly()
        print(_interrupted(args), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        if args.debug:
            raise
        _flush_quietly()
        print(f"{_PROG}: error: {_describe(error, args)}", file=sys.stderr)
        return EXIT_FAILURE


def _flush_quietly() -> None:
    """Flush stdout before the error line (so the two stay in order); a reader
    that went away is no reason for a second error."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _quiet_stdout()
