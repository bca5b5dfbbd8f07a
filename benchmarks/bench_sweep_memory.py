"""Benchmark the memory of large sweeps, and protocol settings on the fast path.

Run from the project root::

    python benchmarks/bench_sweep_memory.py                  # 1M and 10M points
    python benchmarks/bench_sweep_memory.py --sizes 100000   # smoke run

**Peak memory.**  Each measurement runs in a child process of its own, and
its peak resident set size is read from the operating system when it ends
(``os.wait4``: the child's ``ru_maxrss``), for a square grid of
``russia.security_weight`` x ``russia.pledge_credibility`` in the
"2018-singapore" scenario (concept ``spe``), written to a CSV file:

* **cli (streamed)**: ``kurilsim sweep ... --out FILE.csv``: the results go to
  disk chunk by chunk as they finish (a temporary result store), and the CSV
  and the outcome shares are read back one chunk at a time;
* **in memory**: ``kurilsim.sweep(...)`` holding every result, then
  ``result.to_csv`` (what the command did before it streamed; ``--no-memory``
  leaves it out).

**Protocol settings.**  Points per second of a Latin-hypercube sample of
``russia.security_weight`` x ``protocol.objection_cost`` (``spe``), on the fast
path and point by point (on a smaller sample), and their ratio.

It prints a table.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IN_MEMORY = """
import sys, numpy as np, kurilsim
side = int(sys.argv[1])
result = kurilsim.sweep(
    kurilsim.load_scenario("2018-singapore"),
    {"russia.security_weight": np.linspace(0, 4, side),
     "russia.pledge_credibility": np.linspace(0, 1, side)},
    progress=False, max_points=side * side)
result.to_csv(sys.argv[2])
result.outcome_shares()
"""


def peak(command: list[str]) -> tuple[float, float]:
    """Run ``command`` in a child process: its peak RSS (MB) and wall time (s)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{command[:4]}... failed with status {child.returncode}")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return usage.ru_maxrss * scale / 2**20, elapsed


def memory(sizes: list[int], in_memory: bool) -> None:
    print(f"{'points':>12} {'how':<16} {'peak RSS':>10} {'seconds':>8} {'points/s':>10}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sweep.csv"
        for size in sizes:
            side = math.isqrt(size - 1) + 1  # side**2 >= size
            points = side * side
            runs = {
                "cli (streamed)": [
                    sys.executable, "-m", "kurilsim", "sweep", "2018-singapore",
                    "--grid", f"russia.security_weight=0:4:{side}",
                    "--grid", f"russia.pledge_credibility=0:1:{side}",
                    "--out", str(out), "--no-progress",
                    "--max-points", str(points),
                ],
            }
            if in_memory:
                runs["in memory"] = [sys.executable, "-c", IN_MEMORY, str(side), str(out)]
            for how, command in runs.items():
                rss, seconds = peak(command)
                print(f"{points:>12,} {how:<16} {rss:>7,.0f} MB {seconds:>8.1f} "
                      f"{points / seconds:>10,.0f}", flush=True)
                out.unlink(missing_ok=True)


def protocol_speed(samples: int, per_point: int) -> None:
    import kurilsim

    scenario = kurilsim.load_scenario("2018-singapore")
    grid = {"russia.security_weight": (0.0, 4.0), "protocol.objection_cost": (0.0, 1.0)}
    kurilsim.sweep(scenario, grid, design="lhs", samples=100, rng=0, progress=False)
    speeds = {}
    for label, fast, count in (("fast path", True, samples),
                               ("per point", False, per_point)):
        started = time.perf_counter()
        result = kurilsim.sweep(scenario, grid, design="lhs", samples=count, rng=1,
                                fast=fast, progress=False)
        speeds[label] = count / (time.perf_counter() - started)
        print(f"LHS, protocol.objection_cost, {label:<9} ({count:>9,} points): "
              f"{speeds[label]:>12,.0f} points/s (fast: {result.metadata['fast']})")
    print(f"fast / per point: {speeds['fast path'] / speeds['per point']:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000],
                        help="points per sweep (rounded up to a square grid)")
    parser.add_argument("--no-memory", action="store_true",
                        help="leave out the in-memory runs")
    parser.add_argument("--samples", type=int, default=1_000_000,
                        help="points of the fast LHS run")
    parser.add_argument("--per-point", type=int, default=500,
                        help="points of the per-point LHS run")
    args = parser.parse_args()
    memory(args.sizes, not args.no_memory)
    protocol_speed(args.samples, args.per_point)


if __name__ == "__main__":
    main()
