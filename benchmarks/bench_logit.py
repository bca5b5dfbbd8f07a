"""Seconds per traced point of the ``nash`` concept's logit tracer.

Run from the project root (one core)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_logit.py            # 30 points
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_logit.py --points 10

The points are headline-grid points ("2018-singapore" over ``japan.demand``
x ``russia.security_weight`` x ``russia.pledge_credibility``, 41 x 41 x 2)
that the ``nash`` kernel's rules leave to the tracer, spread over the grid.
For each it times :func:`kurilsim.solvers.logit.logit_solve_kernel` on the
point's strategic game in CPU seconds, with the compiled loops (numba) and
on the numpy path (``KURILSIM_DISABLE_NUMBA=1``), the two alternating
point by point so that both see the same load, and checks that both select
the same equilibrium.  Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import kurilsim
from kurilsim.games.negotiation import strategic_game
from kurilsim.solvers._nash_kernel import FALLBACK, _objection_terms, nash_rules
from kurilsim.solvers._numba import DISABLE_NUMBA_ENV, have_numba
from kurilsim.solvers.logit import logit_solve_kernel


def traced_points(count: int) -> list[kurilsim.Scenario]:
    """``count`` headline-grid points the rules leave to the tracer."""
    scenario = kurilsim.load_scenario("2018-singapore")
    d, w, p = np.meshgrid([2, 4], np.linspace(0, 4, 41), np.linspace(0, 1, 41),
                          indexing="ij")
    values = {"japan.demand": d.ravel(), "russia.security_weight": w.ravel(),
              "russia.pledge_credibility": p.ravel()}
    table = scenario.outcome_utilities(values, points_last=True)
    cost, unsettled, responder_pays = _objection_terms(scenario, True)
    names = scenario.agent_names
    rule, _ = nash_rules(table, proposer=names.index(scenario.protocol.proposer),
                         responder=names.index(scenario.protocol.responder),
                         available=~np.asarray(
                             scenario.protocol.vetoed_agreements(scenario.space), bool),
                         unsettled=unsettled, cost=cost, responder_pays=responder_pays)
    traced = np.flatnonzero(rule == FALLBACK)
    chosen = traced[np.linspace(0, traced.size - 1, count).astype(int)]
    return [scenario.with_params({n: v[k].item() for n, v in values.items()})
            for k in chosen.tolist()]


def timed(game: kurilsim.NormalFormGame, numba: bool) -> tuple[float, tuple[np.ndarray, ...]]:
    if numba:
        os.environ.pop(DISABLE_NUMBA_ENV, None)
    else:
        os.environ[DISABLE_NUMBA_ENV] = "1"
    start = time.process_time()
    profile, _ = logit_solve_kernel(game)
    return time.process_time() - start, profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=30)
    args = parser.parse_args()
    games = [strategic_game(point).game for point in traced_points(args.points)]
    print(f"kurilsim {kurilsim.__version__}, numba installed: {have_numba()}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    timed(games[0], True)  # compiles (or loads) the loops
    compiled = plain = 0.0
    differ = 0
    for game in games:
        a, first = timed(game, True)
        b, second = timed(game, False)
        compiled += a
        plain += b
        differ += any(float(np.abs(x - y).max()) > 1e-6
                      for x, y in zip(first, second, strict=True))
    os.environ.pop(DISABLE_NUMBA_ENV, None)
    n = len(games)
    print(f"{n} traced points: compiled {compiled / n:.4f} s/point, numpy "
          f"{plain / n:.4f} s/point (ratio {plain / max(compiled, 1e-12):.2f}); "
          f"selections that differ: {differ}")


if __name__ == "__main__":
    main()
