"""Benchmark kurilsim's n-player solvers against pygambit.

Run from the project root::

    python benchmarks/bench_n_player.py [--seeds 3] [--quick]

On seeded random games with standard-normal payoffs (2x2x2, 3x3x3, 2x2x2x2 and,
without ``--quick``, 4x4x4) it times, side by side in one run:

* all equilibria: kurilsim ``solve_nash(game, "enumerate")`` and pygambit
  ``nash.enumpoly_solve``;
* one equilibrium: kurilsim ``"logit"`` (when available) and pygambit
  ``nash.logit_solve`` and ``nash.gnm_solve``.

It prints the median time per game (of 5 calls for games up to 3x3x3, after a
warm-up call for kurilsim; pygambit's calls run in one fresh process), the
number of equilibria each found and the ratio kurilsim / peer (below 1 means
kurilsim is faster).  pygambit calls run in
a subprocess with a time limit (``--limit``), since ``gnm`` can run for a long
time on some games.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers.nash import METHODS

SIZES = [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (4, 4, 4)]


def _game_arrays(shape: tuple[int, ...], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in shape]


def _gambit_worker(name: str, arrays: list[np.ndarray], repeats: int, queue: Any) -> None:
    import pygambit as gbt

    game = gbt.Game.from_arrays(*arrays)
    solver = getattr(gbt.nash, f"{name}_solve")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = solver(game)
        times.append(time.perf_counter() - start)
        queue.put((statistics.median(times), len(result.equilibria)))


def time_gambit(
    name: str, arrays: list[np.ndarray], limit: float, repeats: int = 1
) -> tuple[float, int] | None:
    """Median time of ``repeats`` calls in a fresh process (the median so far
    if the time limit cuts it short), and the number of equilibria."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_gambit_worker, args=(name, arrays, repeats, queue))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
    last = None
    while not queue.empty():
        last = queue.get()
    return last


def time_call(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args()
    try:
        import pygambit  # noqa: F401

        have_gambit = True
    except ImportError:
        have_gambit = False
    sizes = SIZES[:3] if args.quick else SIZES
    has_logit = "logit" in METHODS
    print(f"{'game':>9} {'seed':>4} | {'enumerate':>10} {'#':>3} | {'enumpoly':>10} {'#':>3} "
          f"{'ratio':>6} | {'logit':>8} | {'gbt logit':>9} {'gnm':>9}")
    for shape in sizes:
        ratios = []
        for seed in range(args.seeds):
            arrays = _game_arrays(shape, seed)
            game = NormalFormGame(arrays)
            repeats = 1 if max(shape) > 3 else 5
            t_enum, res = time_call(lambda game=game: solve_nash(game, "enumerate"), repeats)
            t_logit = float("nan")
            if has_logit:
                t_logit, _ = time_call(lambda game=game: solve_nash(game, "logit"), 3)
            gb_enum = gb_logit = gb_gnm = None
            if have_gambit:
                gb_enum = time_gambit("enumpoly", arrays, args.limit, repeats)
                gb_logit = time_gambit("logit", arrays, args.limit)
                gb_gnm = time_gambit("gnm", arrays, args.limit)
            ratio = t_enum / gb_enum[0] if gb_enum else float("nan")
            ratios.append(ratio)

            def fmt(entry: tuple[float, int] | None) -> str:
                return "timeout" if entry is None else f"{entry[0] * 1e3:8.1f}ms"

            print(
                f"{'x'.join(map(str, shape)):>9} {seed:>4} | {t_enum * 1e3:8.1f}ms {len(res):>3} | "
                f"{fmt(gb_enum):>10} {gb_enum[1] if gb_enum else '-':>3} {ratio:6.2f} | "
                f"{t_logit * 1e3:6.1f}ms | {fmt(gb_logit):>9} {fmt(gb_gnm):>9}"
            )
        finite = [r for r in ratios if np.isfinite(r)]
        if finite:
            print(f"{'':>9} median enumerate/enumpoly ratio: {statistics.median(finite):.2f}")


if __name__ == "__main__":
    main()
