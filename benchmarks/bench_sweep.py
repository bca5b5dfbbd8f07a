"""Benchmark parameter sweeps: fast path, per-point path, a nashpy loop, a numpy floor.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sweep.py          # ~1M points
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sweep.py --quick  # smoke run

The sweep is the headline study: the "2018-singapore" scenario over
``japan.demand`` ∈ {2, 4} × ``russia.security_weight`` × ``russia.pledge_credibility``
(a square grid per panel), solved for the subgame-perfect outcome of the
proposal game.  It times, in one run:

* **fast**: ``kurilsim.sweep(..., fast=True)`` on the whole grid, end to end
  (validation, chunking, utilities, backward induction, result assembly);
* **per point**: ``kurilsim.sweep(..., fast=False)`` on a sample of the grid's
  points: each point builds the changed scenario and runs backward induction
  on its game tree;
* **nashpy loop**: what a researcher might hand-write instead -- per point,
  rebuild the scenario, build the Japan x Russia strategic game as a
  ``nashpy.Game`` and run its Lemke-Howson (one equilibrium, not even the SPE);
* **numpy floor**: the bare numpy operations any method needs -- the utility
  tensor of all points (one matrix product per agent, from precomputed
  coefficient arrays, in chunks of the same size) and one argmax over it.

It prints points per second and the ratios.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import time
import warnings
from queue import Empty
from typing import Any

import numpy as np

import kurilsim
from kurilsim.games.negotiation import strategic_game
from kurilsim.sweeps import FAST_CHUNK_SIZE

try:
    import nashpy
except ImportError:  # pragma: no cover - nashpy is a kurilsim dependency
    nashpy = None


def grid(resolution: int) -> dict[str, np.ndarray]:
    return {
        "japan.demand": np.array([2, 4]),
        "russia.security_weight": np.linspace(0.0, 4.0, resolution),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, resolution),
    }


def best_of(function, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def numpy_floor(scenario: kurilsim.Scenario, points: dict[str, np.ndarray],
                chunk_size: int) -> float:
    """Seconds for the utility tensor of all points and one argmax, bare numpy."""
    per_agent: dict[str, dict[str, np.ndarray]] = {}
    for name, values in points.items():
        owner, _, parameter = name.partition(".")
        per_agent.setdefault(owner, {})[parameter] = values
    coefficients = [
        np.ascontiguousarray(
            np.broadcast_to(
                agent.coefficients(per_agent.get(agent.name)),
                (len(next(iter(points.values()))), len(agent.term_names())),
            )
        )
        for agent in scenario.agents
    ]
    terms = [np.ascontiguousarray(scenario.terms_of(a.name).T) for a in scenario.agents]
    total = coefficients[0].shape[0]

    def run() -> None:
        for start in range(0, total, chunk_size):
            stop = min(start + chunk_size, total)
            tensor = [c[start:stop] @ t for c, t in zip(coefficients, terms, strict=True)]
            np.argmax(tensor[0], axis=-1)

    return best_of(run, 3)


def _nashpy_worker(name: str, points: list[dict[str, float]], queue: Any) -> None:
    scenario = kurilsim.load_scenario(name)
    two_player = kurilsim.Scenario(
        name=scenario.name,
        space=scenario.space,
        agents=scenario.agents,
        protocol=kurilsim.kuril.kuril_protocol(objector=""),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for params in points:
            game = strategic_game(two_player.with_params(params)).game
            nashpy.Game(*game.payoffs).lemke_howson(initial_dropped_label=0)
            queue.put(time.perf_counter())


def nashpy_loop(name: str, points: list[dict[str, float]],
                timeout: float) -> tuple[int, float]:
    """(points done, seconds) for the hand-written nashpy loop over ``points``.

    nashpy's Lemke-Howson can cycle on degenerate games (and these games are
    degenerate), so the loop runs in a subprocess and stops after ``timeout``.
    """
    queue: Any = multiprocessing.Queue()
    worker = multiprocessing.Process(target=_nashpy_worker, args=(name, points, queue))
    start = time.perf_counter()
    worker.start()
    done, last = 0, start
    while done < len(points):
        try:
            last = queue.get(timeout=max(0.0, start + timeout - time.perf_counter()))
        except Empty:  # the timeout passed
            break
        done += 1
    worker.terminate()
    worker.join()
    return done, (last - start) if done else timeout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small grid (smoke run)")
    parser.add_argument("--resolution", type=int, default=708,
                        help="points per continuous axis (default 708: ~1.0M points)")
    parser.add_argument("--chunk-size", type=int, default=FAST_CHUNK_SIZE)
    parser.add_argument("--per-point", type=int, default=200,
                        help="points timed on the per-point path")
    parser.add_argument("--nashpy-points", type=int, default=100)
    parser.add_argument("--nashpy-timeout", type=float, default=60.0,
                        help="seconds before the nashpy loop is stopped")
    args = parser.parse_args()
    resolution = 101 if args.quick else args.resolution
    per_point = 40 if args.quick else args.per_point
    nashpy_points = 20 if args.quick else args.nashpy_points

    scenario = kurilsim.load_scenario("2018-singapore")
    axes = grid(resolution)
    print(f"kurilsim {kurilsim.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")

    # fast path, end to end
    kurilsim.sweep(scenario, grid(11), progress=False)  # warm up
    result = None

    def fast() -> None:
        nonlocal result
        result = kurilsim.sweep(scenario, axes, progress=False, chunk_size=args.chunk_size)

    fast_seconds = best_of(fast, 3)
    assert result is not None
    total = result.size
    fast_rate = total / fast_seconds

    # per-point path on a sample of the same grid
    rng = np.random.default_rng(0)
    sample = rng.choice(total, size=min(per_point, total), replace=False)
    sample_points = {name: values[sample] for name, values in result.points.items()}
    slow_start = time.perf_counter()
    for k in range(len(sample)):
        params = {name: values[k].item() for name, values in sample_points.items()}
        kurilsim.solve_scenario(scenario.with_params(params), "spe")
    slow_seconds = time.perf_counter() - slow_start
    slow_rate = len(sample) / slow_seconds

    # the nashpy loop (in a subprocess: nashpy's Lemke-Howson may cycle)
    nashpy_note = ""
    if nashpy is not None:
        loop_points = [
            {name: values[k].item() for name, values in sample_points.items()}
            for k in range(min(nashpy_points, len(sample)))
        ]
        done, seconds = nashpy_loop(scenario.name, loop_points, args.nashpy_timeout)
        nashpy_rate = done / seconds if done else float("nan")
        if done < len(loop_points):
            nashpy_note = (f" (stopped after {done} of {len(loop_points)} points: "
                           f"Lemke-Howson still running after {args.nashpy_timeout:g} s)")
    else:  # pragma: no cover
        nashpy_rate = float("nan")

    # the numpy floor on all points
    floor_seconds = numpy_floor(scenario, dict(result.points), args.chunk_size)
    floor_rate = total / floor_seconds

    print(f"\nSPE sweep of {scenario.name!r}: {total:,} points "
          f"(2 x {resolution} x {resolution}), chunk size {args.chunk_size:,}")
    print(f"{'method':<34}{'points/s':>14}{'fast path is':>16}")
    rows = [
        ("fast path (sweep, fast=True)", fast_rate),
        ("per-point path (solve_scenario)", slow_rate),
        ("hand-written nashpy loop (LH)", nashpy_rate),
        ("numpy floor (utilities + argmax)", floor_rate),
    ]
    for label, rate in rows:
        ratio = fast_rate / rate
        print(f"{label:<34}{rate:>14,.0f}{ratio:>15.3g}x")
    if nashpy_note:
        print(f"nashpy loop{nashpy_note}")
    print(f"\nfast path time / numpy floor time = {fast_seconds / floor_seconds:.2f}")
    from kurilsim.solvers._numba import have_numba, numba_disabled

    compiled = have_numba() and not numba_disabled()
    print("SPE kernel:", "one compiled loop (numba)" if compiled else "numpy passes")
    shares = result.sel({"japan.demand": 2}).outcome_shares()
    print("two-island panel outcomes:",
          ", ".join(f"{k} {v:.1%}" for k, v in list(shares.items())[:4]))


if __name__ == "__main__":
    main()
