"""Benchmark the two-level (ratification) sweep: a 201 x 201 grid of thresholds.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_two_level_sweep.py          # 201 x 201
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_two_level_sweep.py --quick  # 41 x 41

The grid: the "2018-singapore" scenario over ``japan.diet_threshold`` x
``russia.duma_threshold`` (each from -0.5 to 0.5, in the governments' utility
units).  It times, in one run:

* **fast**: ``kurilsim.sweep(..., concept="two-level")`` on the whole grid,
  end to end (utilities, the joint win-set at every point,
  :func:`kurilsim.kuril.ratified_agreements`, the proposal game's kernel with
  the responder's yes masked by it, result assembly), best of three;
* **per point**: ``kurilsim.sweep(..., fast=False)`` on a sample of the grid's
  points (each builds the ratification game and runs
  :func:`kurilsim.solve_spe`), extrapolated to the grid.

It prints the times, points per second, the ratio and the share of points
with a deal.  The issue's target: at least 100,000 points per second on the
vectorised path.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import kurilsim


def grid(resolution: int) -> dict[str, np.ndarray]:
    return {
        "japan.diet_threshold": np.linspace(-0.5, 0.5, resolution),
        "russia.duma_threshold": np.linspace(-0.5, 0.5, resolution),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 41 x 41 grid")
    args = parser.parse_args()
    resolution = 41 if args.quick else 201
    scenario = kurilsim.load_scenario("2018-singapore")
    axes = grid(resolution)
    points = resolution * resolution
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"kurilsim {kurilsim.__version__}")
    kurilsim.sweep(scenario, grid(11), concept="two-level")  # warm up
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        result = kurilsim.sweep(scenario, axes, concept="two-level")
        best = min(best, time.perf_counter() - start)
    deals = float(np.mean(np.asarray(result.agreement) >= 0))
    print(f"fast: {resolution} x {resolution} = {points:,} points in {best:.3f} s, "
          f"{points / best:,.0f} points/s (best of 3); deal at {deals:.1%} of points")
    rng = np.random.default_rng(17)
    sample = 200
    values = {name: rng.choice(v, sample) for name, v in axes.items()}
    start = time.perf_counter()
    kurilsim.sweep(scenario, values, concept="two-level", design="points", fast=False)
    slow = (time.perf_counter() - start) / sample
    print(f"per point: {slow * 1e3:.2f} ms a point ({sample} points), "
          f"{slow * points:.1f} s extrapolated to the grid; fast path "
          f"{slow * points / best:,.0f}x faster")


if __name__ == "__main__":
    main()
