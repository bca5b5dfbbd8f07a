"""The ``kurilsim`` command line (also ``python -m kurilsim``).

Subcommands::

    kurilsim scenarios                      # the built-in historical scenarios
    kurilsim show SCENARIO                  # parameters and agreement space
    kurilsim solve SCENARIO [--concept NAME ...]
    kurilsim sweep SCENARIO --grid NAME=START:STOP:NUM [--grid NAME=V1,V2 ...]
                   [--concept NAME] [--out CSV] [--plot PNG] [--checkpoint DIR]
                   [--workers N] [--chunk-size N] [--no-progress]
    kurilsim headline [--out-dir DIR] [--resolution N] [--workers N]

``SCENARIO`` is a built-in name (``kurilsim scenarios``) or the path of a TOML
file (see :func:`kurilsim.load_scenario`).  Errors the user can fix (a
:class:`~kurilsim.KurilsimError`, :class:`OSError` or :class:`ValueError`)
print one line ``kurilsim: error: <message>`` and exit with status 1; the
global ``--debug`` option shows the traceback instead.

This module is I/O only: it parses arguments, calls the library and prints.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["main", "parse_grid"]

_PROG = "kurilsim"
_HEADLINE_STEM = "two_vs_four_islands"


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
    value = _positive_int(text)
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
    specs: Sequence[str], parameters: Mapping[str, Any] | None = None
) -> dict[str, NDArray[Any]]:
    """The full-factorial grid described by ``--grid`` options.

    Parameters
    ----------
    specs : sequence of str
        Each ``NAME=START:STOP:NUM`` (``NUM`` evenly spaced values from
        ``START`` to ``STOP`` inclusive, as :func:`numpy.linspace`) or
        ``NAME=V1,V2,...`` (the listed values; integers stay integers,
        ``true``/``false`` are booleans, other words strings).
    parameters : mapping of str to value, optional
        The scenario's current parameters (:meth:`Scenario.parameters`).  A
        ``START:STOP:NUM`` range of an integer parameter whose values are all
        whole numbers is made of integers (``japan.demand=2:4:2`` is 2, 4).

    Returns
    -------
    dict of str to ndarray
        Parameter name to its grid values, in the order given.

    Raises
    ------
    ValueError
        For a malformed option, a repeated name, or ``NUM`` not a positive
        integer (the message quotes the option and the expected forms).
        Unknown names are left to :func:`kurilsim.sweep`, which suggests the
        closest valid one.

    Examples
    --------
    >>> grid = parse_grid(["russia.security_weight=0:3:4", "japan.demand=2,4"])
    >>> {name: values.tolist() for name, values in grid.items()}
    {'russia.security_weight': [0.0, 1.0, 2.0, 3.0], 'japan.demand': [2, 4]}
    >>> parse_grid(["japan.demand=2:4:2"], {"japan.demand": 2})["japan.demand"].tolist()
    [2, 4]
    """
    forms = "expected NAME=START:STOP:NUM or NAME=V1,V2,..."
    grid: dict[str, NDArray[Any]] = {}
    for spec in specs:
        name, equals, body = spec.partition("=")
        name, body = name.strip(), body.strip()
        if not equals or not name or not body:
            raise ValueError(f"bad --grid {spec!r}: {forms}")
        if name in grid:
            raise ValueError(f"bad --grid {spec!r}: {name} is already on the grid")
        if ":" in body:
            parts = [part.strip() for part in body.split(":")]
            if len(parts) != 3:
                raise ValueError(f"bad --grid {spec!r}: {forms}")
            try:
                start, stop = float(parts[0]), float(parts[1])
            except ValueError:
                raise ValueError(
                    f"bad --grid {spec!r}: START and STOP must be numbers"
                ) from None
            try:
                num = int(parts[2])
            except ValueError:
                num = 0
            if num < 1:
                raise ValueError(
                    f"bad --grid {spec!r}: NUM must be a positive integer, "
                    f"got {parts[2]!r}"
                )
            if not (math.isfinite(start) and math.isfinite(stop)):
                raise ValueError(f"bad --grid {spec!r}: START and STOP must be finite")
            values: NDArray[Any] = np.linspace(start, stop, num)
            current = (parameters or {}).get(name)
            is_int = isinstance(current, int) and not isinstance(current, bool)
            if is_int and np.all(values == np.round(values)):
                values = values.astype(np.int64)
        else:
            items = [item.strip() for item in body.split(",")]
            if any(not item for item in items):
                raise ValueError(f"bad --grid {spec!r}: empty value in the list")
            values = np.array([_scalar(item) for item in items])
        grid[name] = values
    return grid


# -- output helpers ---------------------------------------------------------------------
def _print_shares(shares: Mapping[str, float], indent: str = "  ") -> None:
    for label, share in shares.items():
        print(f"{indent}{100 * share:6.2f}%  {label}")


def _save_figure(axes: Any, path: Path) -> None:
    """Save the figure holding ``axes`` (an Axes or a list of them) and close it."""
    import matplotlib.pyplot as plt

    first = axes[0] if isinstance(axes, Sequence | np.ndarray) else axes
    figure = first.figure
    try:
        figure.savefig(path, dpi=150, bbox_inches="tight")
    finally:
        plt.close(figure)


def _phase_diagram(result: Any, path: Path, **options: Any) -> None:
    """Draw ``result`` with :func:`kurilsim.plot.phase_diagram` into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from kurilsim.plot import phase_diagram

    _save_figure(phase_diagram(result, **options), path)


@contextlib.contextmanager
def _executor(workers: int) -> Iterator[concurrent.futures.Executor | None]:
    """A process pool for ``workers`` > 1, else None (run in this process).

    Workers start from a fork server where the platform has one: forking this
    process directly is unsafe once a thread runs (the progress bar's monitor).
    """
    if workers <= 1:
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in methods else None
    )
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context
    ) as pool:
        yield pool


def _report_run(result: Any, checkpoint: str | None) -> None:
    meta = result.metadata
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


# -- subcommands ------------------------------------------------------------------------
def _cmd_scenarios(args: argparse.Namespace) -> int:
    from kurilsim.domain.scenario_io import list_scenarios, load_scenario

    names = list_scenarios()
    width = max(len(name) for name in names)
    for name in names:
        print(f"{name:<{width}}  {load_scenario(name).title}".rstrip())
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from kurilsim.domain.scenario_io import load_scenario

    print(load_scenario(args.scenario).describe())
    return 0


def _cmd_solve(args: argparse.Namespace) -> int:
    from kurilsim.analysis import compare_concepts
    from kurilsim.domain.scenario_io import load_scenario

    scenario = load_scenario(args.scenario)
    concepts = tuple(dict.fromkeys(args.concept)) if args.concept else None
    print(compare_concepts(scenario, concepts))
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from kurilsim.domain.scenario_io import load_scenario
    from kurilsim.sweeps import sweep

    scenario = load_scenario(args.scenario)
    grid = parse_grid(args.grid, scenario.parameters())
    with _executor(args.workers) as executor:
        result = sweep(
            scenario,
            grid,
            concept=args.concept,
            executor=executor,
            checkpoint=args.checkpoint,
            progress=not args.no_progress,
            chunk_size=args.chunk_size,
        )
    _report_run(result, args.checkpoint)
    if args.out is not None:
        print(f"wrote CSV: {result.to_csv(args.out)} ({result.size} rows)")
    if args.plot is not None:
        _phase_diagram(result, Path(args.plot))
        print(f"wrote plot: {args.plot}")
    axes = " x ".join(f"{name}[{len(values)}]" for name, values in grid.items())
    points = "1 point" if result.size == 1 else f"{result.size} points"
    print(f"Outcome shares, {scenario.name} ({result.concept}), {points} over {axes}:")
    _print_shares(result.outcome_shares())
    return 0


def _cmd_headline(args: argparse.Namespace) -> int:
    from kurilsim.studies import two_vs_four_islands

    folder = Path(args.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"{_HEADLINE_STEM}.csv"
    png_path = folder / f"{_HEADLINE_STEM}.png"
    with _executor(args.workers) as executor:
        result = two_vs_four_islands(
            resolution=args.resolution,
            executor=executor,
            progress=not args.no_progress,
        )
    _report_run(result, None)
    result.to_csv(csv_path)
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
        _print_shares(result.sel({"japan.demand": demand}).outcome_shares(), "    ")
    return 0


# -- the parser -------------------------------------------------------------------------
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kurilsim`` command (all subcommands)."""
    from kurilsim.analysis import CONCEPTS

    formatter = _HelpFormatter
    concept_list = "\n".join(f"  {name:<18} {text}" for name, text in CONCEPTS.items())

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
            "one, solve it under several solution concepts, sweep its parameters."
        ),
        epilog=(
            "examples:\n"
            "  kurilsim scenarios\n"
            "  kurilsim show 2018-singapore\n"
            "  kurilsim solve 2018-singapore --concept spe --concept nash\n"
            "  kurilsim sweep 2018-singapore --grid russia.security_weight=0:4:41 \\\n"
            "      --grid japan.demand=2,4 --out sweep.csv --plot sweep.png\n"
            "  kurilsim headline --out-dir kurilsim-output\n\n"
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
    sub.add_argument("scenario", metavar="SCENARIO", help=_SCENARIO_HELP)
    sub.set_defaults(handler=_cmd_show)

    sub = commands.add_parser(
        "solve",
        parents=[common],
        formatter_class=formatter,
        help="solve a scenario under each solution concept",
        description="Solve a scenario under each solution concept and print a "
        "table: the\nagreement reached, the probability of a deal, each agent's "
        "utility and\nthe certificate (equilibrium regret or Pareto gap).\n\n"
        f"concepts:\n{concept_list}",
        epilog="examples:\n  kurilsim solve 2018-singapore\n"
        "  kurilsim solve 1956-declaration --concept spe --concept rubinstein",
    )
    sub.add_argument("scenario", metavar="SCENARIO", help=_SCENARIO_HELP)
    sub.add_argument(
        "--concept",
        action="append",
        choices=list(CONCEPTS),
        metavar="NAME",
        help="a solution concept to include (repeatable; default: all). "
        f"One of: {', '.join(CONCEPTS)}",
    )
    sub.set_defaults(handler=_cmd_solve)

    sub = commands.add_parser(
        "sweep",
        parents=[common],
        formatter_class=formatter,
        help="solve a scenario over a grid of parameter values",
        description="Solve a scenario at every point of a full-factorial grid of "
        "its\nparameters (names as listed by 'kurilsim show SCENARIO'); optionally "
        "write\none CSV row per point and a phase diagram; print the share of "
        "points\nreaching each outcome.  The 'spe' concept is vectorised (fast); "
        "the\nothers solve point by point (use --workers for large grids).",
        epilog="examples:\n"
        "  kurilsim sweep 2018-singapore --grid russia.security_weight=0:4:81 \\\n"
        "      --grid russia.pledge_credibility=0:1:81 --grid japan.demand=2,4 \\\n"
        "      --out sweep.csv --plot sweep.png\n"
        "  kurilsim sweep 1956-declaration --grid japan.treaty_value=0:1:11 \\\n"
        "      --concept nash-bargaining --workers 4 --checkpoint sweep-checkpoint",
    )
    sub.add_argument("scenario", metavar="SCENARIO", help=_SCENARIO_HELP)
    sub.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=START:STOP:NUM",
        help="a grid axis (repeatable): NUM evenly spaced values from START to "
        "STOP inclusive, or NAME=V1,V2,... for listed values (e.g. "
        "japan.demand=2,4; integers stay integers)",
    )
    sub.add_argument(
        "--concept",
        default="spe",
        choices=list(CONCEPTS),
        metavar="NAME",
        help=f"the solution concept (default: spe). One of: {', '.join(CONCEPTS)}",
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
        "from them (a different sweep is refused)",
    )
    sub.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="solve chunks in N worker processes (default: 1, this process)",
    )
    sub.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="points per chunk, the unit of parallel work and of checkpoints "
        "(default: 32768 for the vectorised concepts spe, "
        "nash-bargaining-discrete and kalai-smorodinsky-discrete; "
        "64 for the point-by-point ones)",
    )
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress bar (shown on stderr if tqdm is installed)",
    )
    sub.set_defaults(handler=_cmd_sweep)

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
        help="solve chunks in N worker processes (default: 1, this process)",
    )
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress bar (shown on stderr if tqdm is installed)",
    )
    sub.set_defaults(handler=_cmd_headline)
    return parser


# -- the entry point --------------------------------------------------------------------
def _one_line(error: BaseException) -> str:
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return text or type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kurilsim`` command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 after an error the user can fix (a
        :class:`~kurilsim.KurilsimError`, :class:`OSError` or
        :class:`ValueError`, reported as one line on stderr unless
        ``--debug`` is given, which re-raises it).

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
    """
    from kurilsim._errors import KurilsimError

    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        status = handler(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # the reader went away (``kurilsim scenarios | head -1``): stay quiet,
        # and keep Python from complaining when it flushes stdout at exit
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (KurilsimError, OSError, ValueError) as error:
        if args.debug:
            raise
        print(f"{_PROG}: error: {_one_line(error)}", file=sys.stderr)
        return 1
