"""
Phase diagram of a sweep
========================

:func:`kurilsim.plot.phase_diagram` colours every point of a two- or
three-axis grid sweep by the outcome reached there, one panel per value of a
third axis. Read it like a map: each colour is one kind of treaty (hue: the
security regime, lightness: the economic package; grey: no deal), the same
colour it has in every other figure (:func:`kurilsim.plot.agreement_color`);
treaties that differ only in their islands share a colour and differ in
texture (dots, crosses). The boundaries between regions are where a small
change of the parameters changes the deal.
"""

# %%
# The headline study: Japan's two- versus four-island demand, over Russia's
# security weight (horizontal) and its trust in a no-US-forces pledge
# (vertical), at 41 points per axis (the default, 201, draws the same regions
# with smoother boundaries).
import kurilsim
from kurilsim import plot

result = kurilsim.two_vs_four_islands(resolution=41, progress=False)
panels = plot.phase_diagram(result)

# %%
# One panel of it: ``sel()`` fixes the demand, and the subtitle names the
# fixed value so the figure still says what it shows.
panels = plot.phase_diagram(result.sel({"japan.demand": 2}))

# %%
# Lotteries are not treaties: under Nash bargaining some points are a lottery
# over agreements. Those cells are hatched and coloured by their most likely
# outcome, and the legend says so.
import numpy as np

scenario = kurilsim.load_scenario("2018-singapore")
bargaining = kurilsim.sweep(
    scenario,
    {"russia.security_weight": np.linspace(0.0, 4.0, 21),
     "russia.pledge_credibility": np.linspace(0.0, 1.0, 21)},
    concept="nash-bargaining",
    progress=False,
)
panels = plot.phase_diagram(bargaining)

# %%
# Saving a figure with its provenance: :func:`kurilsim.plot.provenance` lists
# what produced a result (kurilsim's version, the scenario, the concept, the
# grid) and :func:`kurilsim.plot.figure_metadata` turns that into metadata
# that ``savefig`` writes into a PNG, PDF or SVG file.
import tempfile
from pathlib import Path

facts = plot.provenance(result)
print(sorted(facts))
metadata = plot.figure_metadata(facts, "png")
target = Path(tempfile.mkdtemp()) / "phase_diagram.png"  # your own path here
panels[0].figure.savefig(target, metadata=metadata)
