"""
Regions of the pledge game
==========================

:func:`kurilsim.plot.pledge_regions` maps the signalling game in which Japan
may write a no-US-forces article into the treaty: over the article's cost to
Japan (horizontal) and Russia's prior trust in the pledge (vertical), whether
the equilibrium pools or separates and who gets a deal. Read it by region:
pooling means both types of Japan act alike (a deal for both or for neither);
separating means the costly article tells Russia which type it faces.
"""

import numpy as np

import kurilsim
from kurilsim import plot
from kurilsim.kuril import pledge_regions

regions = pledge_regions(
    kurilsim.load_scenario("2018-singapore"),
    {"japan.article_cost": np.linspace(0.0, 0.15, 61),
     "russia.pledge_credibility": np.linspace(0.0, 1.0, 61)},
)
ax = plot.pledge_regions(regions)
