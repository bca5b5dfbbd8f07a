"""
Posterior of a calibration
==========================

:func:`kurilsim.plot.posterior` draws a corner plot of the parameters
inferred from the historical record: each parameter's marginal posterior on
the diagonal, pairs of parameters below it. Read the diagonal for what the
record pins down (a narrow peak) and what it leaves open (a flat histogram),
and the pairs for trade-offs (a tilted cloud: the record fixes a combination,
not each value).
"""

import kurilsim
from kurilsim import plot
from kurilsim.kuril.record import kuril_record

events = ["2001-irkutsk"]
result = kurilsim.calibrate(
    events, kuril_record().only(events), samples=200, max_draws=10000, rng=1
)
axes = plot.posterior(result, count=3)
