"""
Utility possibility set
=======================

:func:`kurilsim.plot.utility_possibility` plots every agreement as a point
whose coordinates are two parties' utilities, in the treaty's colour (as in
every figure), with the status quo (a star) and each solution concept's
answer ringed. Read it from the star: the deals up and
to the right of it are the individually rational ones, the frontier of that
region is where bargaining solutions land, and a concept that picks a point
below the frontier leaves gains on the table.
"""

import kurilsim
from kurilsim import plot

scenario = kurilsim.load_scenario("1956-declaration")
comparison = kurilsim.compare_concepts(
    scenario, ("spe", "nash", "nash-bargaining", "kalai-smorodinsky", "baron-ferejohn")
)
ax = plot.utility_possibility(scenario, comparison=comparison)
