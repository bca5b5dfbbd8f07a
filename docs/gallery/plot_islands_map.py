"""
Map of the disputed islands
===========================

:func:`kurilsim.plot.islands_map` draws Hokkaido and the four southern Kuril
Islands from Natural Earth's coastlines (public domain) and colours each
island by what an agreement does with it. Read the legend: islands that
transfer to Japan take the agreement's colour, as in every figure (hue: its
security regime; dark with an economic package), the others stay Russian;
without an agreement every island is disputed (grey).
"""

import kurilsim
from kurilsim import plot

# %%
# The status quo: no treaty, all four islands disputed.
ax = plot.islands_map()

# %%
# The 1956 Declaration's two islands, with a pledge of no US forces on them.
space = kurilsim.kuril_space()
deal = space.agreement(islands="H+S", security="no-us-forces", economic="none")
ax = plot.islands_map(deal)

# %%
# All four islands, with US forces allowed: Japan's claim since 1956.
deal = space.agreement(islands="H+S+K+I", security="us-forces-allowed", economic="none")
ax = plot.islands_map(deal)
