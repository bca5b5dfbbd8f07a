"""Benchmark robustness reports: Sobol' indices of one scenario with all its parameters.

Run from the project root (one core, as the issue's target is stated)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_robustness.py          # N = 2^13
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_robustness.py --quick  # smoke run

Issue 15's target: the Sobol' indices of one scenario with all its free
parameters at N = 2^13 base samples in under 10 s on one core.  It times, in
one run:

* **robustness**: ``kurilsim.robustness(scenario, samples=2**13)`` end to end:
  the Monte-Carlo outcome probabilities (4096 draws), SALib's Saltelli
  sample, the model at every point on the vectorised sweep path
  (``sweep(design="points")``), SALib's estimators with 100 bootstrap
  resamples for each output (the deal and each agent's utility);
* **model runs only**: the same N x (parameters + 2) points through
  ``kurilsim.sweep(..., design="points")``;
* **robustness, deal only**: the same with ``outputs=["deal"]`` (the model
  runs as often; SALib's bootstrap runs for one output instead of four);
* **SALib's sampler / estimators**: SALib's own Saltelli sampler (which
  kurilsim reproduces with numpy, identically) and its estimators on the same
  outputs, without kurilsim (the estimators are the floor any SALib-based
  tool pays);
* **per point**: the same model solved point by point (``fast=False``) on a
  sample of the points, extrapolated to all of them: what the analysis would
  cost without the vectorised path.

It prints seconds, points per second and the ratios.  Benchmarks report; they
never assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

import kurilsim
from kurilsim.sensitivity import sensitivity_indices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="2018-singapore")
    parser.add_argument("--power", type=int, default=13,
                        help="N = 2**POWER base samples (default 13)")
    parser.add_argument("--quick", action="store_true", help="N = 2^8, a smoke run")
    parser.add_argument("--per-point", type=int, default=200,
                        help="points solved one by one for the extrapolation")
    args = parser.parse_args()
    power = 8 if args.quick else args.power
    samples = 2**power
    from importlib.metadata import version

    print(f"kurilsim {kurilsim.__version__}, SALib {version('SALib')}, numpy "
          f"{np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    scenario = kurilsim.load_scenario(args.scenario)
    kurilsim.robustness(scenario, samples=64, draws=64, rng=0)  # warm up imports

    started = time.perf_counter()
    report = kurilsim.robustness(scenario, samples=samples, rng=1)
    total = time.perf_counter() - started
    started = time.perf_counter()
    kurilsim.robustness(scenario, samples=samples, rng=1, outputs=["deal"])
    deal_only = time.perf_counter() - started
    parameters = len(report.parameters)
    runs = report.indices.evaluations
    print(f"\nSobol' indices of {scenario.name!r} ({report.concept}): "
          f"{parameters} parameters, N = 2^{power} = {samples:,} base samples, "
          f"{runs:,} model runs + {len(report.draw_outcomes):,} Monte-Carlo draws")

    # the model alone, at the very points robustness evaluates
    columns: dict[str, np.ndarray] = {}

    def capture(x):  # type: ignore[no-untyped-def]
        columns.update({name: np.asarray(values) for name, values in x.items()})
        return {"y": np.arange(len(next(iter(x.values()))), dtype=np.float64)}

    quantiles = {name: _quantile(scenario, name, report) for name in report.parameters}
    sensitivity_indices(capture, quantiles, samples=samples, rng=1, resamples=2)
    started = time.perf_counter()
    result = kurilsim.sweep(scenario, columns, design="points", progress=False)
    model = time.perf_counter() - started
    outputs = [(result.agreement != kurilsim.NO_DEAL).astype(float),
               *(result.utilities[:, k] for k in range(len(scenario.agents)))]

    # SALib alone: sampling and the estimators on the same outputs
    from SALib.analyze import sobol as analyse
    from SALib.sample import sobol as sample

    problem = {"num_vars": parameters, "names": list(report.parameters),
               "bounds": [[0.0, 1.0]] * parameters}
    started = time.perf_counter()
    sample.sample(problem, samples, calc_second_order=False, seed=1)
    salib_sample = time.perf_counter() - started
    started = time.perf_counter()
    for values in outputs:
        if np.ptp(values) > 0:
            analyse.analyze(problem, values, calc_second_order=False, seed=2)
    salib_analyse = time.perf_counter() - started

    # point by point, on a sample of the points
    count = min(args.per_point, runs)
    subset = {name: values[:count] for name, values in columns.items()}
    started = time.perf_counter()
    kurilsim.sweep(scenario, subset, design="points", fast=False, progress=False)
    per_point = (time.perf_counter() - started) / count * runs

    rows = [
        (f"robustness, {len(outputs)} outputs (end to end)", total),
        ("robustness, deal only (end to end)", deal_only),
        ("model runs only (sweep, points)", model),
        ("SALib's sampler (Python loop)", salib_sample),
        (f"SALib's estimators, {len(outputs)} outputs", salib_analyse),
        (f"per point (extrapolated from {count})", per_point),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\n{'':<{width}}  {'seconds':>9}  {'runs/s':>12}  {'x robustness':>12}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:9.2f}  {runs / seconds:12,.0f}  "
              f"{seconds / total:12.2f}")
    print(f"\ntarget (issue 15): < 10 s at N = 2^13 on one core; this run: {total:.2f} s "
          f"(all outputs), {deal_only:.2f} s (the deal only)"
          + ("" if power == 13 else f" at N = 2^{power}"))
    print("\n" + report.summary(count=3, outcomes=3))


def _quantile(scenario, name, report):  # type: ignore[no-untyped-def]
    """The inverse CDF robustness used for ``name`` (its prior's, or the spread's)."""
    if report.spread is None:
        return scenario.priors()[name].ppf
    values = report.draws[name]
    low, high = float(values.min()), float(values.max())
    return lambda u: low + u * (high - low)


if __name__ == "__main__":
    main()
