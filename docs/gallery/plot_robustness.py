"""
Robustness of an outcome
========================

:func:`kurilsim.plot.robustness` summarises how a scenario's outcome changes
when its uncertain parameters are drawn from their priors. Top: the
probability of each likely outcome in the treaty's colour (as in every
figure), with 95 % error bars from the Monte-Carlo sampling ("no deal" in
grey). Bottom: how much of the variance of "a deal or
not" each parameter explains (Sobol' indices: first order alone, total with
its interactions). Read the top panel for how sure the model is, the bottom
one for which parameters to pin down first.
"""

import kurilsim
from kurilsim import plot

report = kurilsim.robustness(
    kurilsim.load_scenario("2018-singapore"), samples=64, draws=512, rng=1
)
outcomes, indices = plot.robustness(report, count=8)
