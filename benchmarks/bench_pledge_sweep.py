"""Benchmark the pledge game's sweep: a 201 x 201 grid under the "pbe" concept.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_pledge_sweep.py          # 201 x 201
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_pledge_sweep.py --quick  # 41 x 41

The grid is the pledge game's phase diagram: the "2018-singapore" scenario over
``japan.article_cost`` (the treaty article's cost to Japan, 0 to 0.3) x
``russia.pledge_credibility`` (the prior that the government is reliable, 0 to
1).  It times, in one run:

* **fast**: ``kurilsim.sweep(..., concept="pbe")`` on the whole grid, end to
  end (utilities, the pledge game's payoff tables at every point, the batch
  PBE selection of :func:`kurilsim.solvers.pbe.select_pbe`, result assembly);
* **per point**: ``kurilsim.sweep(..., fast=False)`` on a sample of the grid's
  points (each point builds the scenario and its signalling game and runs
  :func:`kurilsim.solvers.pbe.solve_pbe`), extrapolated to the grid.

It prints the times, points per second, the ratio and the share of points in
each kind of outcome (deal for both types, for the reliable type only, none).
The issue's target: the 201 x 201 sweep in under a minute on one core.

With ``--search`` it also runs the documented search for the separating deal
(tests/kuril/test_pledge.py): on "2018-singapore", draw the prior
(``russia.pledge_credibility``) and the five pledge parameters
(``japan.article_cost``, ``japan.verification_cost``, ``japan.breach_cost``,
``russia.article_binding``, ``russia.verification_binding``) from their priors
(4,000 points, seed 16), and count the points where "pbe" gives exactly one
type a deal (a separating equilibrium: the reliable government's bound pledge
is accepted) while "spe" gives no deal; it prints where that holds.
Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import kurilsim


def grid(resolution: int) -> dict[str, np.ndarray]:
    return {
        "japan.article_cost": np.linspace(0.0, 0.3, resolution),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, resolution),
    }


#: The parameters the search draws from their priors.
SEARCHED = (
    "russia.pledge_credibility", "japan.article_cost", "japan.verification_cost",
    "japan.breach_cost", "russia.article_binding", "russia.verification_binding",
)


def search(scenario: kurilsim.Scenario, n: int = 4000, seed: int = 16) -> None:
    priors = scenario.priors()
    rng = np.random.default_rng(seed)
    uniform = rng.uniform(size=(n, len(SEARCHED)))
    points = {name: priors[name].ppf(uniform[:, k]) for k, name in enumerate(SEARCHED)}
    pbe = kurilsim.sweep(scenario, points, concept="pbe", design="points", progress=False)
    spe = kurilsim.sweep(scenario, {SEARCHED[0]: points[SEARCHED[0]]}, concept="spe",
                         design="points", progress=False)
    one_type = (pbe.probability > 1e-9) & (pbe.probability < 1 - 1e-9)
    hit = one_type & (spe.agreement == kurilsim.NO_DEAL)
    print(f"search: {n} draws from the priors; 'spe' no deal at {np.mean(spe.agreement < 0):.1%}; "
          f"'pbe' deal for one type only where 'spe' has none at {hit.mean():.1%}")
    for name in SEARCHED:
        v = points[name]
        print(f"  {name:30s} where it holds: median {np.median(v[hit]):.3g}, 90% in "
              f"[{np.quantile(v[hit], 0.05):.3g}, {np.quantile(v[hit], 0.95):.3g}]; "
              f"elsewhere median {np.median(v[~hit]):.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="41 x 41 instead of 201 x 201")
    parser.add_argument("--sample", type=int, default=200, help="per-point sample size")
    parser.add_argument("--search", action="store_true",
                        help="also run the documented search for the separating deal")
    args = parser.parse_args()
    resolution = 41 if args.quick else 201
    scenario = kurilsim.load_scenario("2018-singapore")
    axes = grid(resolution)
    print(f"kurilsim {kurilsim.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}")
    print(f"pledge game, 2018-singapore, {resolution} x {resolution} = "
          f"{resolution ** 2} points")

    start = time.perf_counter()
    result = kurilsim.sweep(scenario, axes, concept="pbe", progress=False)
    fast = time.perf_counter() - start
    print(f"fast:      {fast:8.2f} s  ({resolution ** 2 / fast:10.0f} points/s)")

    rng = np.random.default_rng(0)
    points = {
        name: rng.choice(values, size=args.sample) for name, values in axes.items()
    }
    start = time.perf_counter()
    slow = kurilsim.sweep(scenario, points, concept="pbe", design="points", fast=False,
                          progress=False)
    per_point = (time.perf_counter() - start) / args.sample
    print(f"per point: {per_point * 1e3:8.2f} ms/point, the grid would take "
          f"{per_point * resolution ** 2:8.1f} s ({per_point * resolution ** 2 / fast:.0f}x)")
    del slow

    probability = result.probability
    both = np.mean(probability > 1 - 1e-9)
    none = np.mean(probability < 1e-9)
    print(f"outcomes:  deal for both types {both:.1%}, for one type only "
          f"{1 - both - none:.1%}, no deal {none:.1%}; errors {len(result.errors)}")
    if args.search:
        search(scenario)


if __name__ == "__main__":
    main()
