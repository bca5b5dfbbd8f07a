"""
Comparing solution concepts
===========================

:func:`kurilsim.plot.concept_comparison` shows, for each solution concept,
every party's utility (bars, relative to the status quo at 0) and the
agreement reached (the text above the bars, after a swatch in the treaty's
colour, as in every figure; a lottery's swatch is split by its odds). Read
down the concepts: where
they agree on the deal the model's answer does not hinge on the concept;
bars of different lengths for the same deal are impossible, so differing bars
mean differing deals (or lotteries, whose probability of a deal is given).
"""

import kurilsim
from kurilsim import plot

scenario = kurilsim.load_scenario("1956-declaration")
comparison = kurilsim.compare_concepts(
    scenario, ("spe", "nash", "nash-bargaining", "kalai-smorodinsky", "baron-ferejohn")
)
ax = plot.concept_comparison(comparison)
