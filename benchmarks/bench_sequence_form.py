"""Benchmark the sequence-form LCP against pygambit's ``lcp_solve`` on random trees.

Run from the project root::

    python benchmarks/bench_sequence_form.py            # up to a few thousand leaves
    python benchmarks/bench_sequence_form.py --quick    # the two smallest sizes

On seeded random two-player trees with perfect recall
(``numpy.random.default_rng(seed)``; standard normal payoffs; chance nodes
with Dirichlet probabilities; each information set keyed by its player's
own history and a signal of the last move, so that the players see some
moves and not others) of growing depth, it writes each game as a Gambit
``.efg`` file (:func:`kurilsim.write_efg`), reads it back with both
:func:`kurilsim.read_efg` and ``pygambit.read_efg``, and times, on the same
file's game,

* kurilsim ``solve_nash(game, "lcp")`` (sequence form and Lemke's algorithm,
  certification on the tree included), and
* pygambit ``nash.lcp_solve(game, rational=False)`` (Gambit's sequence-form
  LCP on the tree, in floating point),

each in a fresh subprocess with a time limit (``--limit`` seconds), since
Gambit's solver grows far faster than ours with the tree.  Once a solver
exceeds the limit at one size (shown ">limit") it is skipped at the larger
ones ("skip").
Each time is the best of ``--repeat`` runs (game reading excluded).  The
last column is kurilsim's time divided by pygambit's (below 1: kurilsim is
faster).  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import kurilsim
from kurilsim import ExtensiveFormGame, write_efg
from kurilsim.games.extensive import Chance, Choice, Terminal

try:
    import pygambit
except ImportError:
    pygambit = None

#: (depth, seed) of the trees: about 50 to 5,000 terminal nodes.
FULL_SIZES = ((4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (9, 1), (10, 2))
QUICK_SIZES = ((4, 1), (5, 1))


def random_tree(depth: int, seed: int) -> ExtensiveFormGame:
    """A seeded random two-player tree with perfect recall."""
    rng = np.random.default_rng(seed)

    def build(d: int, history: tuple[tuple[object, ...], ...], signal: int) -> object:
        u = rng.random()
        if d == 0 or (d < depth and u < 0.1):
            return Terminal(tuple(float(v) for v in rng.standard_normal(2)))
        if u < 0.2:
            k = int(rng.integers(2, 4))
            probs = rng.dirichlet(np.ones(k))
            probs /= probs.sum()
            return Chance([
                (f"c{j}", float(probs[j]), build(d - 1, history, j % 2)) for j in range(k)
            ])
        player = int(rng.integers(2))
        key = (history[player], signal)
        moves = []
        for a in range(2 + len(history[player]) % 2):
            new = list(history)
            new[player] = (*history[player], (key, a))
            moves.append((f"a{a}", build(d - 1, tuple(new), a % 2)))
        return Choice(player, str(abs(hash(key)) % 10**12), moves)

    root = build(depth, ((), ()), 0)
    return ExtensiveFormGame(root, players=["one", "two"])  # type: ignore[arg-type]


KURILSIM_CODE = """
import sys, time, json
import kurilsim
game = kurilsim.read_efg(sys.argv[1])
best = float("inf")
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    result = kurilsim.solve_nash(game, "lcp")
    best = min(best, time.perf_counter() - t)
print(json.dumps({"time": best, "certificate": result.certificate,
                  "message": result.message}))
"""

GAMBIT_CODE = """
import sys, time, json
import pygambit
game = pygambit.read_efg(sys.argv[1])
best = float("inf")
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    result = pygambit.nash.lcp_solve(game, rational=False)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"time": best, "equilibria": len(result.equilibria)}))
"""


def timed(code: str, path: Path, repeat: int, limit: float) -> dict[str, object] | None:
    """Run ``code`` on ``path`` in a subprocess; ``None`` if over ``limit`` seconds."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(path), str(repeat)],
            capture_output=True, text=True, timeout=limit * repeat + 30, check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    out: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return out if float(out["time"]) <= limit else None  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per solve")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best)")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    print(f"kurilsim {kurilsim.__version__}, pygambit "
          f"{getattr(pygambit, '__version__', 'n/a')}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    header = (f"{'leaves':>7} {'sequences':>10} {'kurilsim s':>11} {'pygambit s':>11} "
              f"{'ratio':>7}  kurilsim run")
    print(header)
    print("-" * len(header))
    skip_ours = skip_theirs = False
    with tempfile.TemporaryDirectory() as folder:
        for depth, seed in sizes:
            game = random_tree(depth, seed)
            path = Path(folder) / f"tree-{depth}-{seed}.efg"
            write_efg(game, path)
            sizes_seq = sum(kurilsim.read_efg(path).sequence_form().sizes)
            ours = None if skip_ours else timed(KURILSIM_CODE, path, args.repeat, args.limit)
            ran_ours, skip_ours = not skip_ours, skip_ours or ours is None
            theirs = None
            ran_theirs = pygambit is not None and not skip_theirs
            if ran_theirs:
                theirs = timed(GAMBIT_CODE, path, 1 if depth >= 6 else args.repeat, args.limit)
                skip_theirs = theirs is None

            def shown(result: dict[str, object] | None, ran: bool) -> str:
                if result is not None:
                    return f"{float(result['time']):.4f}"  # type: ignore[arg-type]
                return f">{args.limit:g}" if ran else "skip"

            t_ours = shown(ours, ran_ours)
            t_theirs = "n/a" if pygambit is None else shown(theirs, ran_theirs)
            ratio = (
                f"{float(ours['time']) / float(theirs['time']):.3g}"  # type: ignore[arg-type]
                if ours and theirs else "-"
            )
            note = str(ours["message"]) if ours else ""
            print(f"{len(game.terminal_nodes):>7} {sizes_seq:>10} {t_ours:>11} "
                  f"{t_theirs:>11} {ratio:>7}  {note}")


if __name__ == "__main__":
    main()
