"""Scenarios shared by the tests of the model and of scenario files."""

from __future__ import annotations

from kurilsim import (
    Constraint,
    Issue,
    Japan,
    LinearAgent,
    Russia,
    Scenario,
    kuril_space,
)
from kurilsim.kuril import kuril_protocol

__all__ = ["custom_scenario"]


def custom_scenario() -> Scenario:
    """A scenario with a hand-made space (custom issue and constraint)."""
    space = kuril_space().with_issues(
        Issue(
            name="straits",
            options=["closed", "open"],
            labels=["no transit rights", "free transit"],
            features={"transit": [0.0, 1.0], "fee": [0.0, 0.25]},
            status_quo={"fee": 0.5},
            description="Transit through the Catherine Strait.",
        ),
        constraints=[
            Constraint(
                when={"straits": ["open"]},
                require={"security": ["no-us-forces", "demilitarised"]},
                description="Free transit only without US forces.",
            )
        ],
    )
    fishers = LinearAgent(
        name="fishers",
        weights={
            "straits.transit": 0.5,
            "islands.habomai*straits.fee": -1.0,
            "economic=package": 0.125,
        },
        status_quo=-0.25,
        description="Hokkaido fishing cooperatives",
    )
    return Scenario(
        name="custom",
        title="A custom space",
        description='Straits added.\nTwo lines, "quotes" and ü.',
        notes=("one", "two"),
        space=space,
        agents=(Japan(demand=2), Russia(security_weight=1.5), fishers),
        protocol=kuril_protocol(
            objector="fishers", objection_cost=0.05, discount={"russia": 0.8}
        ),
    )
