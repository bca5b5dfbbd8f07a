"""Benchmark kurilsim's Lemke–Howson against QuantEcon's and nashpy's.

Run from the project root::

    python benchmarks/bench_lemke_howson.py            # 4x4 .. 14x14, 10 games each
    python benchmarks/bench_lemke_howson.py --quick    # 4x4 and 8x8, 3 games each

On seeded random games (standard normal payoff matrices, nondegenerate with
probability one; ``kurilsim.testing.compare.seeded_gaussian_bimatrix``) it
times one Lemke–Howson path from the same initial label (``--label``,
default 0) by

* kurilsim ``lemke_howson_kernel(A, B, label, engine="numba")`` (the compiled
  path; skipped without numba) and ``engine="numpy"`` (pure numpy): the
  kernel, which validates its input and checks the end point's regret;
* kurilsim ``solve_nash(game, "lemke-howson", initial_label=label)``: the
  whole public call (argument checks, cost estimate, resolution check,
  kernel with the default engine, certification and the result object);
* QuantEcon ``lemke_howson(g, init_pivot=label)`` (numba-compiled);
* nashpy ``Game(A, B).lemke_howson(initial_dropped_label=label)`` (skipped
  with ``--no-nashpy``; a game on which it takes over ``--nashpy-timeout``
  seconds is not timed).

Timings run on one core (``OPENBLAS_NUM_THREADS=1`` unless set).  Each
implementation is called in batches of ``k`` calls (``k`` chosen so that a
batch takes about 20 ms); batches of the implementations are interleaved over
``--rounds`` rounds and each keeps its fastest batch, which filters out the
noise of a shared machine.  A size's time is the median over its games, and
the ratios are to QuantEcon's time.  Compilation is excluded (every compiled
function is called once first); the one-off cost of the first compiled call
in a fresh process (importing numba and loading its on-disk cache) is
reported separately.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import platform
import signal
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import kurilsim
from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers import _lemke_howson as lh
from kurilsim.testing.compare import seeded_gaussian_bimatrix

try:
    import quantecon.game_theory as qe_gt
except ImportError:  # pragma: no cover - a peer
    qe_gt = None

try:
    import nashpy
except ImportError:  # pragma: no cover - a peer
    nashpy = None

BATCH_SECONDS = 0.02


class _Timeout(Exception):
    pass


def batch_size(fn: Callable[[], Any]) -> int:
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(10_000, int(BATCH_SECONDS / once)))


def interleaved_times(fns: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """Fastest time per call of each function, batches interleaved over rounds."""
    sizes = {name: batch_size(fn) for name, fn in fns.items()}
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            k = sizes[name]
            start = time.perf_counter()
            for _ in range(k):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / k)
    return best


def with_timeout(fn: Callable[[], Any], seconds: float) -> Any:
    """``fn()``, or raise ``_Timeout`` after ``seconds`` (Unix main thread)."""

    def alarm(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fmt(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms"


def time_game(
    A: np.ndarray, B: np.ndarray, label: int, rounds: int, have_numba: bool,
    use_nashpy: bool, nashpy_timeout: float,
) -> tuple[int, bool, dict[str, float]]:
    """Pivots, agreement with QuantEcon and the time per call of each implementation."""
    game = NormalFormGame([A, B])
    x, y, n_pivots = lh.lemke_howson_kernel(A, B, label)
    same = True
    fns: dict[str, Callable[[], Any]] = {
        "ks-numpy": lambda: lh.lemke_howson_kernel(A, B, label, engine="numpy"),
        "solve_nash": lambda: solve_nash(game, "lemke-howson", initial_label=label),
    }
    if have_numba:
        fns["ks-numba"] = lambda: lh.lemke_howson_kernel(A, B, label, engine="numba")
    if qe_gt is not None:
        g = qe_gt.NormalFormGame((qe_gt.Player(A), qe_gt.Player(B.T.copy())))
        fns["quantecon"] = lambda: qe_gt.lemke_howson(g, init_pivot=label)
        xq, yq = qe_gt.lemke_howson(g, init_pivot=label)
        same = bool(np.allclose(x, xq, atol=1e-8) and np.allclose(y, yq, atol=1e-8))
    if use_nashpy:
        npg = nashpy.Game(A, B)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                with_timeout(lambda: npg.lemke_howson(initial_dropped_label=label),
                             nashpy_timeout)
        except _Timeout:
            pass
        else:
            fns["nashpy"] = lambda: npg.lemke_howson(initial_dropped_label=label)
    with warnings.catch_warnings():
        # nashpy's tableau overflows on some games (its answer is not checked)
        warnings.simplefilter("ignore", RuntimeWarning)
        for fn in fns.values():
            fn()  # warm-up (compilation)
        return n_pivots, same, interleaved_times(fns, rounds)


def first_call_cost() -> float | None:
    """Seconds for the first compiled call in a fresh process (numba import and
    cache load; a compilation if the cache is cold)."""
    code = (
        "import time, numpy as np\n"
        "from kurilsim.solvers._lemke_howson import lemke_howson_kernel\n"
        "t = time.perf_counter()\n"
        "lemke_howson_kernel(np.eye(3), np.eye(3), 0, engine='numba')\n"
        "print(time.perf_counter() - t)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    return float(run.stdout) if run.returncode == 0 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4x4 and 8x8, 3 games")
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12, 14])
    parser.add_argument("--games", type=int, default=10, help="games per size")
    parser.add_argument("--label", type=int, default=0, help="initial label")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--no-nashpy", action="store_true")
    parser.add_argument("--nashpy-timeout", type=float, default=2.0)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.games, args.rounds = [4, 8], 3, 3
    have_numba = lh._load_numba_path() is not None
    use_nashpy = nashpy is not None and not args.no_nashpy

    print(f"kurilsim {kurilsim.__version__}, numpy {np.__version__}, Python "
          f"{platform.python_version()}, {platform.machine()}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    if have_numba:
        import numba

        cost = first_call_cost()
        print(f"numba {numba.__version__}: first compiled call in a fresh process "
              f"{'failed' if cost is None else fmt(cost)} (numba import + cache load)")
    else:
        print("numba not installed: kurilsim numba column skipped")
    if qe_gt is None:
        print("quantecon not installed: ratios are not available")
    print(f"{args.games} games per size, initial label {args.label}, "
          f"best of {args.rounds} interleaved rounds per game, median over games\n")

    columns = ["ks-numba", "ks-numpy", "solve_nash", "quantecon", "nashpy"]
    header = (f"{'size':>6} {'pivots':>6} | " + " | ".join(f"{c:>10}" for c in columns)
              + " | numba/qe  numpy/qe  solve/qe  nashpy/qe")
    print(header)
    print("-" * len(header))
    summary = []
    for size in args.sizes:
        times: dict[str, list[float]] = {c: [] for c in columns}
        pivots, mismatches = [], 0
        for seed in range(args.games):
            A, B = seeded_gaussian_bimatrix(size, size, seed)
            label = args.label % (2 * size)
            n_pivots, same, best = time_game(
                A, B, label, args.rounds, have_numba, use_nashpy, args.nashpy_timeout
            )
            pivots.append(n_pivots)
            mismatches += not same
            for c in columns:
                times[c].append(best.get(c, float("nan")))
        finite = {c: [t for t in v if np.isfinite(t)] for c, v in times.items()}
        med = {c: statistics.median(v) if v else float("nan") for c, v in finite.items()}
        skipped = len(times["nashpy"]) - len(finite["nashpy"]) if use_nashpy else 0

        def ratio(c: str, med: dict[str, float] = med) -> str:
            r = med[c] / med["quantecon"]
            return f"{r:8.2f}" if np.isfinite(r) else f"{'-':>8}"

        print(f"{size:>3}x{size:<2} {statistics.median(pivots):>6.0f} | "
              + " | ".join(f"{fmt(med[c]):>10}" for c in columns)
              + f" | {ratio('ks-numba')}  {ratio('ks-numpy')}  {ratio('solve_nash')}"
              + f"  {ratio('nashpy')}"
              + (f"   ({mismatches} games with another equilibrium than QuantEcon)"
                 if mismatches else "")
              + (f"   (nashpy over {args.nashpy_timeout:g} s on {skipped} games)"
                 if skipped else ""), flush=True)
        summary.append((size, med))
    if qe_gt is not None and have_numba:
        worst = max(med["ks-numba"] / med["quantecon"] for _, med in summary)
        print(f"\nkurilsim numba kernel / QuantEcon: at most {worst:.2f}x over these sizes")


if __name__ == "__main__":
    main()
