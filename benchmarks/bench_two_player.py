"""Benchmark kurilsim's two-player Nash solvers against peer libraries.

Run from the project root::

    python benchmarks/bench_two_player.py            # 2x2 .. 14x14, then the small games
    python benchmarks/bench_two_player.py --quick    # 2x2, 4x4 and 6x6 (smoke run)
    python benchmarks/bench_two_player.py --small-games-only
    python benchmarks/bench_two_player.py --vertex-only    # issue 18's vertex ratios only
    python benchmarks/bench_two_player.py --engine numpy   # kurilsim without numba

On seeded random games (``numpy.random.default_rng(seed)``, standard normal
payoff matrices A and B, so nondegenerate with probability one) it times

* "all equilibria": kurilsim ``solve_nash(game, "support")`` and ``"vertex"``,
  nashpy ``support_enumeration`` and ``vertex_enumeration``, pygambit
  ``nash.enummixed_solve(game, rational=False)`` and QuantEcon
  ``vertex_enumeration`` and ``support_enumeration``;
* "one equilibrium": kurilsim ``"lemke-howson"`` from label 0, nashpy
  ``lemke_howson(initial_dropped_label=0)`` and QuantEcon
  ``lemke_howson(g, init_pivot=0)``.

Each timing is the median of several ``time.perf_counter`` repeats (more for
fast calls, fewer for slow ones); a size's time is the median over its games.
Game construction is excluded for every library.  Peers that are not
importable are reported as "n/a"; a method is skipped ("skip") at a size once
it took more than ``--limit`` seconds per game at the previous size, or when
extrapolating from the previous sizes predicts more than five times that; and
once one game of a size takes longer than ``--limit``, that method's remaining
games of the size are skipped (its time is then marked "*").
nashpy's Lemke-Howson can cycle on some games, so it is first run in a
subprocess with a timeout (``--lh-timeout``) and only timed in-process if that
probe finishes.

"Small textbook games": kurilsim ``solve_nash(game, "vertex")``, QuantEcon
``vertex_enumeration`` and pygambit ``enummixed_solve(rational=False)`` on
each game of ``benchmarks/_small_games.py`` (textbook games and the games of
QuantEcon's, Nashpy's and Gambit's test suites, many degenerate), with the
median over the games of the per-game time ratios.  Run with
``OPENBLAS_NUM_THREADS=1`` for one-core numbers.  Benchmarks report; they
never assert.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import kurilsim
from kurilsim import NormalFormGame, solve_nash

try:
    import nashpy
except ImportError:  # pragma: no cover - nashpy is a kurilsim dependency
    nashpy = None

try:
    import pygambit
except ImportError:
    pygambit = None

try:
    import quantecon
    from quantecon import game_theory as qe_gt
except ImportError:
    quantecon = None
    qe_gt = None

Profile = tuple[np.ndarray, np.ndarray]

FULL_SIZES = tuple(range(2, 15))
QUICK_SIZES = (2, 4, 6)


# --------------------------------------------------------------------------- games


@dataclass
class Instance:
    """One random game in every library's representation."""

    n: int
    seed: int
    A: np.ndarray
    B: np.ndarray
    kurilsim: NormalFormGame
    nashpy: Any = None
    gambit: Any = None
    quantecon: Any = None


def make_instance(n: int, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))
    inst = Instance(n, seed, A, B, NormalFormGame([A, B]))
    if nashpy is not None:
        inst.nashpy = nashpy.Game(A, B)
    if pygambit is not None:
        inst.gambit = pygambit.Game.from_arrays(A, B)
    if qe_gt is not None:
        # QuantEcon's Player holds its payoffs indexed by its own action first.
        inst.quantecon = qe_gt.NormalFormGame((qe_gt.Player(A), qe_gt.Player(B.T.copy())))
    return inst


# ------------------------------------------------------------------------ solvers


def _ks(method: str) -> Callable[[Instance], list[Profile]]:
    def run(inst: Instance) -> list[Profile]:
        return [eq.strategies for eq in solve_nash(inst.kurilsim, method).equilibria]

    return run


def _nashpy(name: str) -> Callable[[Instance], list[Profile]]:
    def run(inst: Instance) -> list[Profile]:
        with warnings.catch_warnings():
            # nashpy warns when it finds an even number of equilibria.
            warnings.simplefilter("ignore", RuntimeWarning)
            return list(getattr(inst.nashpy, name)())

    return run


def _gambit_enummixed(inst: Instance) -> list[Profile]:
    result = pygambit.nash.enummixed_solve(inst.gambit, rational=False)
    players = list(inst.gambit.players)
    return [
        tuple(np.array([float(p) for _, p in eq[player]]) for player in players)
        for eq in result.equilibria
    ]


def _qe(name: str) -> Callable[[Instance], list[Profile]]:
    def run(inst: Instance) -> list[Profile]:
        return list(getattr(qe_gt, name)(inst.quantecon))

    return run


@dataclass(frozen=True)
class Method:
    key: str
    label: str
    run: Callable[[Instance], list[Profile]]
    available: bool


ALL_EQ_METHODS = (
    Method("ks-vertex", "kurilsim vertex", _ks("vertex"), True),
    Method("ks-support", "kurilsim support", _ks("support"), True),
    Method("np-support", "nashpy support_enumeration", _nashpy("support_enumeration"),
           nashpy is not None),
    Method("np-vertex", "nashpy vertex_enumeration", _nashpy("vertex_enumeration"),
           nashpy is not None),
    Method("gambit", "pygambit enummixed_solve(rational=False)", _gambit_enummixed,
           pygambit is not None),
    Method("qe-vertex", "quantecon vertex_enumeration", _qe("vertex_enumeration"),
           qe_gt is not None),
    Method("qe-support", "quantecon support_enumeration", _qe("support_enumeration"),
           qe_gt is not None),
)


def _nashpy_lh_worker(A: np.ndarray, B: np.ndarray, label: int) -> Profile:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = nashpy.Game(A, B).lemke_howson(initial_dropped_label=label)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


# ------------------------------------------------------------------------- timing


def repeats_for(first: float) -> int:
    """More repeats for fast calls, fewer for slow ones."""
    if first < 1e-3:
        return 51
    if first < 1e-2:
        return 21
    if first < 1e-1:
        return 9
    if first < 1.0:
        return 5
    if first < 10.0:
        return 3
    return 1


def time_call(fn: Callable[[], Any]) -> tuple[float, Any, int]:
    """Median wall time of ``fn`` over an adaptive number of repeats."""
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    n = repeats_for(first)
    if n == 1:
        return first, result, 1
    times = [first] if first >= 1.0 else []  # fast calls: first run is a warm-up
    while len(times) < n:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result, len(times)


def time_interleaved(
    fns: Sequence[Callable[[], Any]], *, budget: float = 0.6, rounds: int = 15
) -> list[float]:
    """Per function, the best mean time of a batch, the functions run in turn.

    Each round runs one batch of every function (calls per batch chosen so a
    round takes about ``budget / rounds`` seconds), so a burst of load from
    other processes hits every library alike; the best batch is the cost of
    a call on an unloaded core.  Used for the small, fast calls where the
    one-library-at-a-time medians of :func:`time_call` swing with the load.
    """
    firsts = []
    for fn in fns:  # warm-up, and the batch sizes
        start = time.perf_counter()
        fn()
        firsts.append(max(time.perf_counter() - start, 1e-6))
    share = budget / rounds / len(fns)
    numbers = [max(1, int(share / t)) for t in firsts]
    best = [math.inf] * len(fns)
    for _ in range(rounds):
        for k, (fn, number) in enumerate(zip(fns, numbers, strict=True)):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            best[k] = min(best[k], (time.perf_counter() - start) / number)
    return best


def distinct(profiles: Sequence[Profile], atol: float = 1e-6) -> list[Profile]:
    out: list[Profile] = []
    for p in profiles:
        if not any(
            all(np.allclose(a, b, atol=atol, rtol=0) for a, b in zip(p, q, strict=True))
            for q in out
        ):
            out.append(p)
    return out


def is_profile(p: Sequence[np.ndarray], m: int, n: int) -> bool:
    """Two finite probability vectors of lengths m and n."""
    return len(p) == 2 and all(
        np.shape(s) == (k,) and bool(np.all(np.isfinite(s))) and bool(np.all(s >= -1e-9))
        and abs(float(np.sum(s)) - 1.0) < 1e-6
        for s, k in zip(p, (m, n), strict=True)
    )


def same_profile(p: Profile, q: Profile, atol: float = 1e-6) -> bool:
    return all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, atol=atol, rtol=0)
        for a, b in zip(p, q, strict=True)
    )


@dataclass
class Cell:
    """Results of one method at one size."""

    times: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # vs kurilsim vertex
    repeats: list[int] = field(default_factory=list)
    timeouts: int = 0
    invalid: int = 0  # returned something that is not a mixed-strategy profile
    partial: bool = False  # stopped before the last game of the size (too slow)
    status: str = ""  # "", "n/a", "skip", "timeout", "error: ..."

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def should_skip(history: list[tuple[int, float]], limit: float) -> tuple[bool, float | None]:
    """Whether to skip the next size, from (size, worst per-game time) history."""
    if not history:
        return False, None
    last = history[-1][1]
    growth = 16.0
    if len(history) >= 2 and history[-2][1] > 1e-3:
        growth = min(max(last / history[-2][1], 4.0), 64.0)
    estimate = last * growth
    return (last > limit or estimate > 5 * limit), estimate


# ------------------------------------------------------------------------ reports


def fmt_time(t: float | None, status: str = "") -> str:
    if status:
        return status
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.0f} µs"
    if t < 1.0:
        return f"{t * 1e3:.3g} ms"
    return f"{t:.3g} s"


def fmt_ratio(r: float | None) -> str:
    if r is None or not math.isfinite(r):
        return "-"
    return f"{r:.3g}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


def environment_report() -> None:
    print("kurilsim two-player benchmark")
    print(f"  python {platform.python_version()} on {platform.platform()}, "
          f"{os.cpu_count()} CPUs")
    versions = {
        "kurilsim": kurilsim.__version__,
        "numpy": np.__version__,
        "nashpy": getattr(nashpy, "__version__", None) if nashpy else None,
        "pygambit": getattr(pygambit, "__version__", None) if pygambit else None,
        "quantecon": getattr(quantecon, "__version__", None) if quantecon else None,
    }
    print("  " + ", ".join(f"{k} {v or 'not importable'}" for k, v in versions.items()))
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        print("  threadpoolctl: not importable (thread pools not reported)")
    else:
        for pool in threadpool_info():
            print(f"  threadpool: {pool.get('internal_api')} {pool.get('version')} "
                  f"num_threads={pool.get('num_threads')} "
                  f"({os.path.basename(str(pool.get('filepath')))})")
    blas_env = {k: v for k, v in os.environ.items()
                if k.startswith(("OPENBLAS", "OMP_", "MKL_", "NUMBA_"))}
    if blas_env:
        print("  environment: " + ", ".join(f"{k}={v}" for k, v in sorted(blas_env.items())))


def warm_up(engine: str = "auto") -> None:
    """Import-time and JIT costs (numba in QuantEcon and kurilsim) are not what we time.

    ``engine="auto"`` loads kurilsim's compiled small-game route of ``vertex``
    now (a long-running process switches to it by itself once it has spent
    half a second in numpy), ``"numpy"`` keeps kurilsim on its numpy routes.
    """
    import kurilsim.solvers._vertex as vertex_module

    if engine == "numpy":
        vertex_module._env_disabled = True
        print("  kurilsim vertex: numpy routes only (--engine numpy)")
    else:
        loaded = vertex_module.compiled_kernel(load=True) is not None
        print(f"  kurilsim vertex: compiled small-game route "
              f"{'loaded (numba)' if loaded else 'unavailable: numpy routes'}")
    for seed in (0, 1):
        inst = make_instance(3, seed)
        for m in ALL_EQ_METHODS:
            if m.available:
                m.run(inst)
        solve_nash(inst.kurilsim, "lemke-howson")
        if qe_gt is not None:
            qe_gt.lemke_howson(inst.quantecon, init_pivot=0)


# -------------------------------------------------------------------------- main


#: ``--vertex-only``: kurilsim ``vertex`` and the two peers issue 18 names.
VERTEX_METHODS = tuple(m for m in ALL_EQ_METHODS if m.key in ("ks-vertex", "gambit", "qe-vertex"))


def run_all_equilibria(
    instances: dict[int, list[Instance]], limit: float,
    methods: Sequence[Method] = ALL_EQ_METHODS,
) -> dict[int, dict[str, Cell]]:
    results: dict[int, dict[str, Cell]] = {}
    history: dict[str, list[tuple[int, float]]] = {m.key: [] for m in methods}
    for n, games in instances.items():
        results[n] = {}
        reference: dict[int, list[Profile]] = {}  # kurilsim vertex, per seed
        for m in methods:
            cell = Cell()
            results[n][m.key] = cell
            if not m.available:
                cell.status = "n/a"
                continue
            skip, estimate = should_skip(history[m.key], limit)
            if skip:
                cell.status = "skip"
                print(f"  {n}x{n} {m.label}: skipped (estimated {estimate:.0f} s per game)",
                      flush=True)
                continue
            for inst in games:
                try:
                    t, eqs, reps = time_call(lambda m=m, inst=inst: m.run(inst))
                except Exception as exc:  # noqa: BLE001 - report, never crash
                    cell.status = f"error: {type(exc).__name__}"
                    print(f"  {n}x{n} seed {inst.seed} {m.label}: {exc!r}", flush=True)
                    break
                eqs = distinct(eqs)
                cell.times.append(t)
                cell.repeats.append(reps)
                cell.counts.append(len(eqs))
                ref = reference.get(inst.seed)
                if m.key == "ks-vertex":
                    reference[inst.seed] = eqs
                elif ref is not None:
                    cell.missing.append(
                        sum(not any(same_profile(r, e) for e in eqs) for r in ref)
                    )
                print(f"  {n}x{n} seed {inst.seed} {m.label}: {fmt_time(t)} "
                      f"(median of {reps}), {len(eqs)} equilibria", flush=True)
                if t > limit and len(cell.times) < len(games):
                    cell.partial = True
                    print(f"  {n}x{n} {m.label}: over {limit:g} s, remaining games "
                          "of this size skipped", flush=True)
                    break
            if cell.times and not cell.status:
                history[m.key].append((n, max(cell.times)))
    return results


def run_vertex_sweep(
    instances: dict[int, list[Instance]], limit: float
) -> dict[int, dict[str, Cell]]:
    """``--vertex-only``: kurilsim vertex and the peers, game by game, interleaved.

    Calls under 50 ms are timed by :func:`time_interleaved` (the methods in
    turn, best batch), slower ones by :func:`time_call`; methods are skipped
    as in :func:`run_all_equilibria`.
    """
    results: dict[int, dict[str, Cell]] = {}
    history: dict[str, list[tuple[int, float]]] = {m.key: [] for m in VERTEX_METHODS}
    for n, games in instances.items():
        cells = {m.key: Cell() for m in VERTEX_METHODS}
        results[n] = cells
        active = []
        for m in VERTEX_METHODS:
            if not m.available:
                cells[m.key].status = "n/a"
                continue
            skip, estimate = should_skip(history[m.key], limit)
            if skip:
                cells[m.key].status = "skip"
                print(f"  {n}x{n} {m.label}: skipped (estimated {estimate:.0f} s per game)",
                      flush=True)
                continue
            active.append(m)
        for inst in games:
            fast, found = [], {}
            for m in list(active):
                start = time.perf_counter()
                try:
                    eqs = distinct(m.run(inst))
                except Exception as exc:  # noqa: BLE001 - report, never crash
                    cells[m.key].status = f"error: {type(exc).__name__}"
                    active.remove(m)
                    continue
                first = time.perf_counter() - start
                found[m.key] = eqs
                if first < 0.05:
                    fast.append(m)
                else:
                    t, _, reps = time_call(lambda m=m, inst=inst: m.run(inst))
                    cells[m.key].times.append(t)
                    cells[m.key].repeats.append(reps)
            if fast:
                for m, t in zip(fast, time_interleaved(
                        [lambda m=m, inst=inst: m.run(inst) for m in fast]), strict=True):
                    cells[m.key].times.append(t)
                    cells[m.key].repeats.append(0)
            ref = found.get("ks-vertex")
            for m in VERTEX_METHODS:
                if m.key not in found:
                    continue
                cells[m.key].counts.append(len(found[m.key]))
                if ref is not None and m.key != "ks-vertex":
                    cells[m.key].missing.append(
                        sum(not any(same_profile(r, e) for e in found[m.key]) for r in ref))
                print(f"  {n}x{n} seed {inst.seed} {m.label}: {fmt_time(cells[m.key].times[-1])}, "
                      f"{len(found[m.key])} equilibria", flush=True)
            for m in list(active):
                if cells[m.key].times and cells[m.key].times[-1] > limit:
                    if len(cells[m.key].times) < len(games):
                        cells[m.key].partial = True
                        print(f"  {n}x{n} {m.label}: over {limit:g} s, remaining games "
                              "of this size skipped", flush=True)
                    active.remove(m)
        for m in VERTEX_METHODS:
            if cells[m.key].times and not cells[m.key].status:
                history[m.key].append((n, max(cells[m.key].times)))
    return results


def _start_pool(ctx: Any) -> Any:
    """A one-worker pool, started and warmed up so that probes time only the solver."""
    pool = ctx.Pool(1)
    inst = make_instance(3, 0)
    pool.apply(_nashpy_lh_worker, (inst.A, inst.B, 0))
    return pool


def run_lemke_howson(
    instances: dict[int, list[Instance]], lh_timeout: float
) -> dict[int, dict[str, Cell]]:
    results: dict[int, dict[str, Cell]] = {}
    ctx = multiprocessing.get_context("spawn")
    pool = _start_pool(ctx) if nashpy is not None else None
    try:
        for n, games in instances.items():
            res = {k: Cell() for k in ("ks-lh", "np-lh", "qe-lh")}
            results[n] = res
            if nashpy is None:
                res["np-lh"].status = "n/a"
            if qe_gt is None:
                res["qe-lh"].status = "n/a"
            for inst in games:
                t, ks_eq, reps = time_call(
                    lambda inst=inst: solve_nash(inst.kurilsim, "lemke-howson",
                                                 initial_label=0).equilibria[0].strategies
                )
                res["ks-lh"].times.append(t)
                res["ks-lh"].repeats.append(reps)
                line = f"  {n}x{n} seed {inst.seed} LH: kurilsim {fmt_time(t)}"
                if qe_gt is not None:
                    t, q_eq, reps = time_call(
                        lambda inst=inst: qe_gt.lemke_howson(inst.quantecon, init_pivot=0)
                    )
                    res["qe-lh"].times.append(t)
                    res["qe-lh"].repeats.append(reps)
                    res["qe-lh"].missing.append(int(not same_profile(ks_eq, q_eq)))
                    line += f", quantecon {fmt_time(t)}"
                if pool is not None:
                    probe = pool.apply_async(_nashpy_lh_worker, (inst.A, inst.B, 0))
                    try:
                        n_eq = probe.get(timeout=lh_timeout)
                    except multiprocessing.TimeoutError:
                        pool.terminate()
                        pool = _start_pool(ctx)
                        res["np-lh"].timeouts += 1
                        line += f", nashpy timed out (> {lh_timeout:g} s)"
                    else:
                        t, _, reps = time_call(
                            lambda inst=inst: _nashpy_lh_worker(inst.A, inst.B, 0)
                        )
                        res["np-lh"].times.append(t)
                        res["np-lh"].repeats.append(reps)
                        line += f", nashpy {fmt_time(t)}"
                        if is_profile(n_eq, inst.n, inst.n):
                            res["np-lh"].missing.append(int(not same_profile(ks_eq, n_eq)))
                        else:
                            res["np-lh"].invalid += 1
                            line += " (invalid: not a mixed profile, e.g. NaN)"
                print(line, flush=True)
    finally:
        if pool is not None:
            pool.terminate()
    return results


def paired_ratio(ours: Cell, peer: Cell) -> float | None:
    """Median over the games of the per-game time ratio (same game both sides).

    Less sensitive than the ratio of medians to how many equilibria (and so
    how much work) each seed's game happens to have; ``None`` unless both
    methods timed every game.
    """
    if not ours.times or len(ours.times) != len(peer.times):
        return None
    return statistics.median(a / b for a, b in zip(ours.times, peer.times, strict=True))


def report(all_eq: dict[int, dict[str, Cell]], lh: dict[int, dict[str, Cell]] | None,
           n_seeds: int, methods: Sequence[Method] = ALL_EQ_METHODS) -> None:
    keys = [m.key for m in methods]
    print_table(
        f"All equilibria: median time per game ({n_seeds} games per size)",
        ["size", *keys],
        [[f"{n}x{n}", *(fmt_time(c[k].median, c[k].status) + ("*" if c[k].partial else "")
                         for k in keys)]
         for n, c in all_eq.items()],
    )
    if any(c.partial for cells in all_eq.values() for c in cells.values()):
        print(f"* over --limit on a game: the size's remaining games were skipped, "
              f"so fewer than {n_seeds} games")

    def counts(cell: Cell) -> str:
        if cell.status:
            return cell.status
        total = sum(cell.counts)
        return f"{total} ({'+'.join(map(str, cell.counts))})"

    print_table(
        "Equilibria found (distinct, total over the games and per game)",
        ["size", *keys],
        [[f"{n}x{n}", *(counts(c[k]) for k in keys)] for n, c in all_eq.items()],
    )
    print_table(
        "Equilibria of kurilsim vertex missed by each method (per game)",
        ["size", *keys[1:]],
        [[f"{n}x{n}", *(c[k].status or "+".join(map(str, c[k].missing)) or "-"
                         for k in keys[1:])] for n, c in all_eq.items()],
    )
    peers = keys[1:]
    ratio_rows = []
    for n, c in all_eq.items():
        ref = c["ks-vertex"].median
        row = [f"{n}x{n}"]
        for k in peers:
            med = c[k].median
            row.append(fmt_ratio(ref / med) if ref and med else c[k].status or "-")
        ratio_rows.append(row)
    print_table(
        "Ratio kurilsim-vertex time / method time (<= 1: kurilsim vertex is faster)",
        ["size", *peers],
        ratio_rows,
    )
    paired_rows = []
    for n, c in all_eq.items():
        row = [f"{n}x{n}"]
        for k in peers:
            row.append(fmt_ratio(paired_ratio(c["ks-vertex"], c[k])) if not c[k].status
                       else c[k].status)
        paired_rows.append(row)
    print_table(
        "Paired ratio: median over the games of (kurilsim-vertex time / method time)",
        ["size", *peers],
        paired_rows,
    )
    if lh is None:
        return

    lh_keys = ["ks-lh", "qe-lh", "np-lh"]
    print_table(
        "Lemke-Howson from label 0: median time per game",
        ["size", *lh_keys, "ks/qe", "ks/np", "differs qe/np", "nashpy invalid/timeout"],
        [[f"{n}x{n}",
          *(fmt_time(c[k].median, c[k].status) for k in lh_keys),
          fmt_ratio(c["ks-lh"].median / c["qe-lh"].median)
          if c["ks-lh"].median and c["qe-lh"].median else "-",
          fmt_ratio(c["ks-lh"].median / c["np-lh"].median)
          if c["ks-lh"].median and c["np-lh"].median else "-",
          f"{sum(c['qe-lh'].missing)}/{sum(c['np-lh'].missing)}",
          f"{c['np-lh'].invalid}/{c['np-lh'].timeouts}"]
         for n, c in lh.items()],
    )
    print("\n'differs': games where the peer returned a valid profile other than "
          "kurilsim's\n(same initial label on a nondegenerate game should give the same "
          "one); 'invalid': nashpy\nreturned no mixed-strategy profile (NaN entries or "
          "wrong length); 'timeout':\nnashpy's probe did not finish within --lh-timeout.")


def run_small_games(names: Sequence[str] | None = None) -> None:
    """Time kurilsim vertex, QuantEcon vertex_enumeration and Gambit enummixed per game."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _small_games import small_games

    games = small_games()
    if names:
        games = {k: v for k, v in games.items() if k in names}
    print(f"\nSmall textbook games ({len(games)}; interleaved rounds, best batch):")
    rows = []
    ratios: dict[str, list[float]] = {"qe": [], "gambit": []}
    for name, (A, B) in games.items():
        inst = Instance(A.shape[0], 0, A, B, NormalFormGame([A, B]))
        if pygambit is not None:
            inst.gambit = pygambit.Game.from_arrays(A, B)
        if qe_gt is not None:
            inst.quantecon = qe_gt.NormalFormGame(
                (qe_gt.Player(A), qe_gt.Player(B.T.copy()))
            )
        eqs = _ks("vertex")(inst)
        peers: list[tuple[str, Callable[[], Any]]] = []
        errors: dict[str, str] = {}
        for key, available, run in (
            ("qe", qe_gt is not None, _qe("vertex_enumeration")),
            ("gambit", pygambit is not None, _gambit_enummixed),
        ):
            if not available:
                errors[key] = "n/a"
                continue
            try:
                run(inst)
            except Exception as exc:  # noqa: BLE001 - report, never crash
                errors[key] = f"error: {type(exc).__name__}"
                continue
            peers.append((key, lambda inst=inst, run=run: run(inst)))
        times = time_interleaved(
            [lambda inst=inst: _ks("vertex")(inst), *(fn for _, fn in peers)]
        )
        t_ks, peer_times = times[0], dict(zip((k for k, _ in peers), times[1:], strict=True))
        row = [name, "x".join(map(str, A.shape)), str(len(eqs)), fmt_time(t_ks)]
        for key in ("qe", "gambit"):
            if key in errors:
                row += [errors[key], "-"]
                continue
            t = peer_times[key]
            ratios[key].append(t_ks / t)
            row += [fmt_time(t), fmt_ratio(t_ks / t)]
        rows.append(row)
    print_table(
        "Small games: median time per call (ratio: kurilsim / peer, <= 1: kurilsim faster)",
        ["game", "shape", "eq", "ks-vertex", "qe-vertex", "ks/qe", "gambit", "ks/gambit"],
        rows,
    )
    for key, label in (("qe", "QuantEcon vertex_enumeration"),
                       ("gambit", "Gambit enummixed_solve")):
        if ratios[key]:
            print(f"median ratio kurilsim vertex / {label}: "
                  f"{statistics.median(ratios[key]):.3g} over {len(ratios[key])} games")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke run)")
    parser.add_argument("--sizes", type=int, nargs="+", help="square sizes to run")
    parser.add_argument("--seeds", type=int, default=3, help="games per size (default 3)")
    parser.add_argument("--limit", type=float, default=60.0,
                        help="skip a method once a game took longer than this (s)")
    parser.add_argument("--lh-timeout", type=float, default=5.0,
                        help="timeout for nashpy's Lemke-Howson probe (s)")
    parser.add_argument("--small-games-only", action="store_true",
                        help="only the suite of small textbook games")
    parser.add_argument("--no-small-games", action="store_true",
                        help="skip the suite of small textbook games")
    parser.add_argument("--vertex-only", action="store_true",
                        help="only kurilsim vertex, QuantEcon vertex_enumeration and "
                             "Gambit enummixed (no support methods, nashpy or "
                             "Lemke-Howson), calls under 50 ms timed in interleaved "
                             "rounds (best batch)")
    parser.add_argument("--engine", choices=("auto", "numpy"), default="auto",
                        help="kurilsim vertex's small-game route: 'auto' (the compiled "
                             "loop, loaded before timing, if numba is installed) or "
                             "'numpy' (the numpy routes, as without numba)")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)

    environment_report()
    print(f"  sizes {', '.join(f'{n}x{n}' for n in sizes)}; {args.seeds} games per size "
          f"(seed = 1000 * n + k)")
    warm_up(args.engine)
    if args.small_games_only:
        run_small_games()
        return 0
    instances = {n: [make_instance(n, 1000 * n + k) for k in range(args.seeds)]
                 for n in sizes}
    start = time.perf_counter()
    methods = VERTEX_METHODS if args.vertex_only else ALL_EQ_METHODS
    print("\nAll equilibria:")
    if args.vertex_only:
        all_eq = run_vertex_sweep(instances, args.limit)
    else:
        all_eq = run_all_equilibria(instances, args.limit, methods)
    lh = None
    if not args.vertex_only:
        print("\nLemke-Howson:")
        lh = run_lemke_howson(instances, args.lh_timeout)
    report(all_eq, lh, args.seeds, methods)
    if not args.no_small_games:
        run_small_games()
    print(f"\ntotal wall time {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
