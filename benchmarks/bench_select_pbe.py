"""Benchmark the batch PBE kernel :func:`kurilsim.solvers.pbe.select_pbe`.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_select_pbe.py          # 201 x 201, M = 160
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_select_pbe.py --quick  # smoke run

A 201 x 201 grid of two-type, two-response signalling games with 160
messages, the shape of the pledge game's sweep (issue 16: under a minute on
one core): a random base game whose accept payoffs fall with a cost on one
axis and whose prior runs from 0 to 1 on the other.  It prints the time, the
cost per game, and the time of the per-game solver (:func:`kurilsim.solve_pbe`)
on a few of the games, whose answers it compares with the kernel's.

Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from kurilsim import SignallingGame, solve_pbe
from kurilsim.solvers.pbe import KINDS, select_pbe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 21 x 21 grid")
    parser.add_argument("--messages", type=int, default=160)
    args = parser.parse_args()
    side = 21 if args.quick else 201
    M = args.messages
    rng = np.random.default_rng(16)
    value = rng.normal(size=(1, M))
    base_cost = rng.random((2, M))
    receiver = np.zeros((2, M, 2))
    receiver[0, :, 1] = rng.normal(size=M)
    receiver[1, :, 1] = rng.normal(size=M) - 0.5
    scale = np.linspace(0.0, 1.0, side)
    sender = np.zeros((side, 2, M, 2))
    sender[:, :, :, 1] = value - scale[:, None, None] * base_cost
    prior = np.linspace(0.0, 1.0, side)
    priors = np.stack([prior, 1 - prior], axis=-1)
    start = time.process_time()
    chosen = select_pbe(sender[:, None], receiver, priors)
    elapsed = time.process_time() - start
    n = side * side
    print(f"python {platform.python_version()}, numpy {np.__version__}")
    print(
        f"select_pbe: {side} x {side} games, {M} messages: {elapsed:.2f} s CPU "
        f"({elapsed / n * 1e6:.0f} us per game)"
    )
    counts = {k: int(np.sum(chosen.kind == i)) for i, k in enumerate(KINDS)}
    counts["none"] = int(np.sum(chosen.kind == -1))
    print(f"  kinds: {counts}")
    picks = rng.integers(0, side, size=(5, 2))
    start = time.process_time()
    agree = 0
    for a, b in picks:
        game = SignallingGame(
            ["t0", "t1"], priors[b], [f"m{m}" for m in range(M)], ["r0", "r1"],
            sender[a], receiver,
        )
        selected = solve_pbe(game).selected
        agree += bool(
            selected is not None
            and selected.sender.tolist() == chosen.sender[a, b].tolist()
            and selected.receiver.tolist() == chosen.receiver[a, b].tolist()
        ) or (selected is None and chosen.kind[a, b] == -1)
    per_game = (time.process_time() - start) / len(picks)
    print(f"solve_pbe per game: {per_game * 1e3:.1f} ms; agrees with the kernel on "
          f"{agree} of {len(picks)}")


if __name__ == "__main__":
    main()
