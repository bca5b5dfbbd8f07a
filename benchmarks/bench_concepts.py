"""Every registered solution concept's sweep speed on the headline grid.

Run from the project root (one core, as issue 18 states its target)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_concepts.py            # 201 x 201 x 2
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_concepts.py --quick    # 41 x 41 x 2

The grid is the headline study's ("2018-singapore" over ``japan.demand`` in
{2, 4} x ``russia.security_weight`` in [0, 4] x ``russia.pledge_credibility``
in [0, 1]).  For each concept in :func:`kurilsim.concepts.registered` it times

* **fast**: ``kurilsim.sweep(..., fast=True)`` on the whole grid, end to end,
  when the concept has a vectorised kernel (best of ``--repeats`` runs);
* **per point**: ``kurilsim.sweep(..., fast=False, design="points")`` on a
  random sample of the grid's points (``--per-point`` of them, at most
  ``--per-point-seconds`` of work: slow concepts are stopped early and their
  rate is taken over the points done);

and checks, on that sample, that the fast path gives what the per-point
solver gives (agreement, probability and utilities within 1e-6), printing
the number of mismatches.  It prints points per second and the fast/per-point
speed-up.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np

import kurilsim
from kurilsim import concepts


def grid(resolution: int) -> dict[str, np.ndarray]:
    return {
        "japan.demand": np.array([2, 4]),
        "russia.security_weight": np.linspace(0.0, 4.0, resolution),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, resolution),
    }


def per_point(scenario: kurilsim.Scenario, concept: str,
              points: dict[str, np.ndarray], budget: float) -> tuple[kurilsim.SweepResult, float]:
    """Per-point results on as many sample points as ``budget`` seconds allow."""
    start = time.perf_counter()
    first = {name: values[:1] for name, values in points.items()}
    kurilsim.sweep(scenario, first, concept=concept, design="points", fast=False,
                   progress=False)
    one = max(time.perf_counter() - start, 1e-6)
    count = int(min(len(next(iter(points.values()))), max(1, budget / one)))
    subset = {name: values[:count] for name, values in points.items()}
    start = time.perf_counter()
    result = kurilsim.sweep(scenario, subset, concept=concept, design="points",
                            fast=False, progress=False)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="41 x 41 x 2 grid")
    parser.add_argument("--resolution", type=int, default=201)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--per-point", type=int, default=200)
    parser.add_argument("--per-point-seconds", type=float, default=20.0)
    parser.add_argument("--concept", action="append", default=None,
                        help="only these concepts (repeatable)")
    args = parser.parse_args()
    resolution = 41 if args.quick else args.resolution
    budget = 5.0 if args.quick else args.per_point_seconds

    scenario = kurilsim.load_scenario("2018-singapore")
    axes = grid(resolution)
    print(f"kurilsim {kurilsim.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    total = 2 * resolution * resolution
    print(f"grid: {scenario.name!r}, {total:,} points\n")
    header = (f"{'concept':<28} {'kernel':>6} {'fast pts/s':>12} "
              f"{'per-point pts/s':>16} {'speed-up':>9} {'checked':>8} {'mismatch':>8}")
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    warnings.simplefilter("ignore")
    for concept in concepts.registered():
        if args.concept and concept.name not in args.concept:
            continue
        fast_rate = float("nan")
        fast_result = None
        if concept.kernel is not None:
            kurilsim.sweep(scenario, grid(5), concept=concept.name, progress=False)
            seconds = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                fast_result = kurilsim.sweep(scenario, axes, concept=concept.name,
                                             progress=False)
                seconds.append(time.perf_counter() - start)
            fast_rate = total / min(seconds)
        # the per-point sample (random points of the grid)
        flat = np.stack(np.meshgrid(*axes.values(), indexing="ij"), axis=-1)
        flat = flat.reshape(-1, len(axes))
        sample = rng.choice(len(flat), size=min(args.per_point, len(flat)), replace=False)
        points = {name: flat[sample, k] for k, name in enumerate(axes)}
        slow, slow_seconds = per_point(scenario, concept.name, points, budget)
        slow_rate = slow.size / slow_seconds
        checked = mismatch = 0
        if concept.kernel is not None:
            fast_sample = kurilsim.sweep(
                scenario, {n: v[: slow.size] for n, v in points.items()},
                concept=concept.name, design="points", progress=False)
            checked = slow.size
            bad = (
                (fast_sample.agreement != slow.agreement)
                | ~np.isclose(fast_sample.probability, slow.probability, atol=1e-6)
                | ~np.isclose(fast_sample.utilities, slow.utilities, atol=1e-6).all(-1)
            )
            mismatch = int(bad.sum())
        speed = fast_rate / slow_rate if concept.kernel is not None else float("nan")
        print(f"{concept.name:<28} {'yes' if concept.kernel else 'no':>6} "
              f"{fast_rate:>12,.0f} {slow_rate:>16,.1f} {speed:>9,.0f} "
              f"{checked:>8} {mismatch:>8}")
        del fast_result


if __name__ == "__main__":
    main()
