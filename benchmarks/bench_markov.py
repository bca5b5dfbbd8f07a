"""Benchmark the dynamic model: the seven Kuril regimes with the full agreement space.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_markov.py
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_markov.py --repeats 3   # quicker

It times, separately:

* **build**: :func:`kurilsim.kuril.history.kuril_dynamic_game` (loads the seven
  bundled scenarios, computes the phase flows, vetoes and objections);
* **solve**: :func:`kurilsim.solvers.markov.solve_markov_bargaining` on that
  game -- 49 states (the seven regimes and one phase state per regime and
  "two islands first" agreement), 38 agreements, two players -- including
  the certificate (the strategies evaluated exactly and every one-shot
  deviation checked);
* the same for the game without phases (7 states), for comparison.

Each time is the median of ``--repeats`` runs.  It also prints what the model
says from 1956: the probability of a treaty by 2024 and 2030, the expected
years to one and the most likely first agreement.  The issue's target: the
49-state model solved in under 1 s on one core.  Benchmarks report; they never
assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import kurilsim
from kurilsim.kuril.history import kuril_dynamic, kuril_dynamic_game
from kurilsim.solvers.markov import solve_markov_bargaining


def median_time(thunk: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = thunk()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per timing")
    args = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"kurilsim {kurilsim.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, OPENBLAS_NUM_THREADS={threads}")
    for phased in (True, False):
        build, game = median_time(lambda p=phased: kuril_dynamic_game(phased=p),
                                  args.repeats)
        solve, result = median_time(lambda g=game: solve_markov_bargaining(g),
                                    args.repeats)
        print(f"{game.n_states:2d} states x {game.n_agreements} agreements: build "
              f"{build * 1e3:7.1f} ms, solve {solve * 1e3:7.1f} ms "
              f"({result.iterations} iterations, {result.method}, certificate "
              f"{result.certificate:.1e})")
    outlook = kuril_dynamic(1956, years=[2024, 2030])
    p2024, p2030 = outlook.treaty_probability
    first = int(np.argmax(outlook.first_agreement[:-1]))
    print(f"from 1956: P(treaty by 2024) = {p2024:.3f} (no treaty: {1 - p2024:.3f}), "
          f"by 2030 = {p2030:.3f}; expected years to a treaty "
          f"{outlook.expected_years:.3g}")
    print(f"most likely first agreement ({outlook.first_agreement[first]:.3f}): "
          f"{outlook.labels[first]}")


if __name__ == "__main__":
    main()
