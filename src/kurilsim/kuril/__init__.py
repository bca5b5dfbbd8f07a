"""The calibrated case: the Japan-Russia peace treaty and the southern Kuril Islands.

Built on the generic model (:mod:`kurilsim.model`) through its public API only:
the islands and their sourced figures (:mod:`kurilsim.kuril.islands`), the
agreement space (:mod:`kurilsim.kuril.space`), the agents Japan, Russia and the
United States (:mod:`kurilsim.kuril.agents`, registered as scenario-file agent
types here) and the historical scenarios (``scenarios/*.toml``).
"""

from kurilsim.kuril.agents import (
    SECURITY_EXPOSURE,
    STRAIT_CONTROL,
    Japan,
    Russia,
    UnitedStates,
)
from kurilsim.kuril.islands import ISLANDS, Island, Source, island, island_shares
from kurilsim.kuril.space import (
    economic_package,
    fisheries_arrangement,
    island_transfer,
    kuril_space,
    security_regime,
    sovereignty_form,
)
from kurilsim.model.agents import register_agent_type

for _cls in (Japan, Russia, UnitedStates):
    register_agent_type(_cls.__name__, _cls)
del _cls

__all__ = [
    "ISLANDS",
    "SECURITY_EXPOSURE",
    "STRAIT_CONTROL",
    "Island",
    "Japan",
    "Russia",
    "Source",
    "UnitedStates",
    "economic_package",
    "fisheries_arrangement",
    "island",
    "island_shares",
    "island_transfer",
    "kuril_space",
    "security_regime",
    "sovereignty_form",
]
