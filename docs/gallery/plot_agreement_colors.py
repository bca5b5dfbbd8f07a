"""
Colours of the agreements
=========================

:func:`kurilsim.plot.agreement_color` gives every agreement the one colour it
has in every figure of kurilsim (phase diagrams, the concept comparison, the
utility possibility set, the islands map, the robustness chart and the HTML
report's tables). Read the key by row and column: the hue is the security
regime, the lightness the economic package (light: none, dark: a package),
grey is no deal. Treaties that differ only in their islands share a colour; a
phase diagram that shows several of them tells them apart by texture.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

import kurilsim
from kurilsim import plot

space = kurilsim.kuril_space()
security = space.issue("security")
economic = space.issue("economic")
figure, ax = plt.subplots(figsize=(7.0, 3.0), layout="constrained")
for row, regime in enumerate(security.options):
    for column, package in enumerate(economic.options):
        deal = space.agreement(islands="H+S", security=regime, economic=package)
        ax.add_patch(Rectangle((column, row), 0.9, 0.8,
                               facecolor=plot.agreement_color(deal), edgecolor="0.3"))
ax.add_patch(Rectangle((2.2, 1.0), 0.9, 0.8,
                       facecolor=plot.agreement_color(kurilsim.NO_DEAL),
                       edgecolor="0.3"))
ax.text(2.65, 0.85, "no deal", ha="center", va="top", fontsize="small")
ax.set_xlim(-0.1, 3.2)
ax.set_ylim(len(security.options), -0.2)
ax.set_xticks([0.45, 1.45], ["no package", "a package"])
ax.set_yticks([k + 0.4 for k in range(len(security.options))], security.labels)
ax.tick_params(length=0)
for side in ax.spines.values():
    side.set_visible(False)
ax.set_title("One colour per security regime and package")
