"""Benchmark kurilsim's n-player solvers against pygambit.

Run from the project root::

    python benchmarks/bench_n_player.py [--seeds 5] [--quick] [--only random|extensive]
                                        [--one]

Two families of games, each solved side by side in one run by kurilsim
``solve_nash(game, "enumerate")`` and pygambit ``nash.enumpoly_solve``:

* **random**: seeded games with standard-normal payoffs, 2x2x2, 3x3x3,
  2x2x2x2 and (without ``--quick``) 4x4x4, ``--seeds`` seeds each;
* **extensive**: strategic forms of small extensive games built here with
  :mod:`kurilsim.games.extensive`: Selten's horse, a three-player
  coordination game (3x3x3, the shape of Gambit's ``coord333``), a
  three-player entry chain, and seeded random trees in which players move
  more than once.  Each is taken in its *full* strategic form (one pure
  strategy per choice at every information set, so strategies that differ
  only where their own earlier moves never lead are duplicates) and in its
  reduced form.  These games are degenerate: duplicate and dominated
  strategies, ties, continua of equilibria.

It prints, per game, the time of each (the median of 3 calls for games up to
3x3x3, after a warm-up call for kurilsim; pygambit's calls run in a fresh
process with a time limit, ``--limit``), the number of equilibria each
reports, and the ratio kurilsim / enumpoly (below 1 means kurilsim is
faster); per family the total times and their ratio, and the slowest
kurilsim game.  With ``--one``, the one-equilibrium methods (kurilsim
``"logit"``, pygambit ``logit`` and ``gnm``) are timed as well on the random
games.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kurilsim import NormalFormGame, solve_nash
from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
from kurilsim.solvers.nash import METHODS
from kurilsim.testing.games import entry_chain, full_strategic_form, selten_horse

SIZES = [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (4, 4, 4)]


# ----------------------------------------------------------------- games
def _game_arrays(shape: tuple[int, ...], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in shape]


def coordination(k: int = 3) -> ExtensiveFormGame:
    """Three players pick one of ``k`` meeting points at once; they earn
    ``a + 1`` each if all pick point ``a``, else nothing (the shape of
    Gambit's ``coord333``): a degenerate game with many equilibria."""

    def node(player: int, history: tuple[int, ...]) -> Any:
        if player == 3:
            value = history[0] + 1 if len(set(history)) == 1 else 0
            return Terminal((value, value, value))
        return Choice(player, f"p{player}", [
            (f"m{a}", node(player + 1, (*history, a))) for a in range(k)
        ])

    return ExtensiveFormGame(node(0, ()), players=["1", "2", "3"], title=f"coordination {k}x{k}x{k}")


def random_tree(seed: int) -> ExtensiveFormGame:
    """A seeded three-player tree in which player 1 moves twice: 1 picks
    ``a0`` or ``a1``; 2, seeing it, goes on (``l``) or ends the game
    (``r``); after ``a0, l`` player 1 moves again (``u`` or ``v``), and 3
    moves last, seeing only whether 1 moved twice.  Integer payoffs 0..9,
    so there are ties too.  Full strategic form 4x4x4, reduced 3x4x4."""
    rng = np.random.default_rng(seed)

    def leaf() -> Terminal:
        return Terminal(tuple(int(v) for v in rng.integers(0, 10, size=3)))

    def last(key: str) -> Choice:
        return Choice(2, key, [("x", leaf()), ("y", leaf())])

    again = Choice(0, "1b", [("u", last("3a")), ("v", last("3a"))])
    root = Choice(0, "1a", [
        ("a0", Choice(1, "2-0", [("l", again), ("r", leaf())])),
        ("a1", Choice(1, "2-1", [("l", last("3b")), ("r", leaf())])),
    ])
    return ExtensiveFormGame(root, players=["1", "2", "3"], title=f"random tree {seed}")


def extensive_cases() -> list[tuple[str, list[np.ndarray]]]:
    """(name, payoff arrays) of the degenerate strategic forms."""
    cases: list[tuple[str, list[np.ndarray]]] = []
    games = [selten_horse(), coordination(3), entry_chain()] + [random_tree(s) for s in range(4)]
    for game in games:
        full = full_strategic_form(game)
        cases.append((f"{game.title} (full)", full))
        reduced = [np.asarray(p) for p in game.reduced_strategic_form().payoffs]
        if reduced[0].shape != full[0].shape:
            cases.append((f"{game.title} (reduced)", reduced))
    return cases


# ---------------------------------------------------------------- timing
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
    if repeats == 1:  # large games: the warm-up call is the measurement
        start = time.perf_counter()
        out = func()
        return time.perf_counter() - start, out
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _fmt(seconds: float | None) -> str:
    return "timeout" if seconds is None else f"{seconds * 1e3:9.1f}ms"


def run_family(
    title: str,
    cases: Sequence[tuple[str, list[np.ndarray]]],
    *,
    have_gambit: bool,
    limit: float,
    one: bool,
) -> None:
    print(f"\n== {title} ==")
    head = f"{'game':>30} | {'enumerate':>11} {'#':>3} {'done':>4} | {'enumpoly':>11} {'#':>3} {'ratio':>6}"
    if one:
        head += f" | {'logit':>9} | {'gbt logit':>11} {'gnm':>11}"
    print(head)
    ours_total = theirs_total = 0.0
    ratios = []
    worst = ("", 0.0)
    for name, arrays in cases:
        game = NormalFormGame(arrays)
        repeats = 3 if max(arrays[0].shape) <= 3 else 1
        t_enum, res = time_call(lambda game=game: solve_nash(game, "enumerate", max_work=1e15, max_memory=2e10), repeats)
        if t_enum > worst[1]:
            worst = (name, t_enum)
        gb = time_gambit("enumpoly", arrays, limit, repeats) if have_gambit else None
        ratio = t_enum / gb[0] if gb else float("nan")
        if gb:
            ours_total += t_enum
            theirs_total += gb[0]
            ratios.append(ratio)
        line = (
            f"{name:>30} | {_fmt(t_enum):>11} {len(res):>3} {'yes' if res.complete else 'no':>4} | "
            f"{_fmt(gb[0] if gb else None):>11} {gb[1] if gb else '-':>3} {ratio:6.2f}"
        )
        if one:
            t_logit = float("nan")
            if "logit" in METHODS:
                t_logit, _ = time_call(lambda game=game: solve_nash(game, "logit"), 3)
            gb_logit = time_gambit("logit", arrays, limit) if have_gambit else None
            gb_gnm = time_gambit("gnm", arrays, limit) if have_gambit else None
            line += (
                f" | {_fmt(t_logit):>9} | {_fmt(gb_logit[0] if gb_logit else None):>11} "
                f"{_fmt(gb_gnm[0] if gb_gnm else None):>11}"
            )
        print(line, flush=True)
    if ratios:
        print(
            f"{'':>30}   total {ours_total:.3f} s vs enumpoly {theirs_total:.3f} s: "
            f"ratio {ours_total / theirs_total:.2f}; median per-game ratio "
            f"{statistics.median(ratios):.2f}"
        )
    print(f"{'':>30}   slowest kurilsim game: {worst[0]} ({worst[1]:.3f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["random", "extensive"])
    parser.add_argument("--one", action="store_true", help="also time one-equilibrium methods")
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    try:
        import pygambit  # noqa: F401

        have_gambit = True
    except ImportError:
        have_gambit = False
        print("pygambit is not installed: kurilsim timings only")
    if args.only != "extensive":
        sizes = SIZES[:3] if args.quick else SIZES
        for shape in sizes:
            cases = [
                (f"{'x'.join(map(str, shape))} seed {seed}", _game_arrays(shape, seed))
                for seed in range(args.seeds)
            ]
            run_family(f"random {'x'.join(map(str, shape))}", cases,
                       have_gambit=have_gambit, limit=args.limit, one=args.one)
    if args.only != "random":
        run_family("strategic forms of extensive games", extensive_cases(),
                   have_gambit=have_gambit, limit=args.limit, one=False)


if __name__ == "__main__":
    main()
