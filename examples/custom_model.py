"""Build a custom issue and agent, and solve the resulting scenario.

Adds a Catherine-Strait transit issue to the Kuril agreement space, a
navy-minded Russian faction as a generic linear agent with an interaction
term, and a Hokkaido fishing lobby; then solves the scenario with the same
solvers as the built-in ones and sweeps one of the new parameters.

Run:  python examples/custom_model.py
"""

from __future__ import annotations

import numpy as np

import kurilsim
from kurilsim import Constraint, Issue, LinearAgent, Scenario
from kurilsim.kuril import kuril_protocol

# 1. A new issue: transit through the Catherine Strait (between Kunashir and Iturup).
straits = Issue(
    name="straits",
    options=("none", "transit"),
    labels=("no strait regime", "guaranteed Russian transit"),
    features={"guarantee": (0.0, 1.0)},
    description="A treaty guarantee of Russian naval transit through the Catherine Strait.",
)
# A guarantee only means something if Kunashir changes hands.
space = kurilsim.kuril_space().with_issues(
    straits,
    constraints=[
        Constraint(
            when={"islands": ("none", "H", "H+S")},
            require={"straits": ("none",)},
            description="No strait to guarantee while Kunashir stays Russian.",
        )
    ],
)
print(space)

# 2. Agents: the built-in three (with 2018 parameters) plus two linear agents.
base = kurilsim.load_scenario("2018-singapore")
navy = LinearAgent(
    name="navy",
    weights={
        "islands.kunashir": -0.8,
        "islands.kunashir*straits.guarantee": 0.5,  # the interaction term
        "islands.iturup": -1.0,
    },
    description="Russian Pacific Fleet: Kunashir is tolerable with guaranteed transit.",
)
fishers = LinearAgent(
    name="fishers",
    weights={"islands.habomai": 0.3, "islands.shikotan": 0.1},
    description="Hokkaido fishing cooperatives: the rich waters around Habomai.",
)
scenario = Scenario(
    name="2018-with-straits",
    title="2018 talks with a strait-transit guarantee on the table",
    space=space,
    agents=(*base.agents, navy, fishers),
    # Japan proposes, Russia responds, the United States may object (the Kuril
    # protocol), with the two parties' own patience.
    protocol=kuril_protocol(discount={"japan": 0.85, "russia": 0.95}),
)
print(scenario.utilities().shape, "utilities: agents x agreements")

# 3. Solve it: the same solvers as for the built-in scenarios.
for credibility in (0.25, 0.6):
    variant = scenario.with_params({"russia.pledge_credibility": credibility})
    outcome = kurilsim.solve_scenario(variant, "spe")
    print(f"pledge credibility {credibility}: {outcome}")

# 4. Sweep a new parameter together with a built-in one.
result = kurilsim.sweep(
    scenario,
    {
        "navy.w[islands.kunashir*straits.guarantee]": np.linspace(0.0, 1.0, 5),
        "russia.pledge_credibility": np.linspace(0.0, 1.0, 5),
    },
    progress=False,
)
for outcome, share in result.outcome_shares().items():
    print(f"  {share:6.1%}  {outcome}")
