"""The calibrated case: the Japan-Russia peace treaty and the southern Kuril Islands.

Built on the generic model (:mod:`kurilsim.model`) through its public API only:
the islands and their sourced figures (:mod:`kurilsim.kuril.islands`), the
agreement space (:mod:`kurilsim.kuril.space`, registered as the scenario-file
space builder ``"kuril"`` here), the agents Japan, Russia and the United States
(:mod:`kurilsim.kuril.agents`, registered as scenario-file agent types here),
their domestic ratification stages and win-sets
(:mod:`kurilsim.kuril.ratification`), the scenarios
(:mod:`kurilsim.kuril.scenarios`: :func:`kuril_scenario`, the builder that
fills in the Kuril defaults, and the historical scenarios in ``data/*.toml``),
and the negotiation over time: the historical regimes as a Markov chain
(:mod:`kurilsim.kuril.history`) and that model weighed by the record
(:mod:`kurilsim.kuril.dynamic_record`).
"""

from kurilsim.kuril.agents import (
    SECURITY_EXPOSURE,
    STRAIT_CONTROL,
    Japan,
    Russia,
    UnitedStates,
    package_size_overrides,
    package_value,
)
from kurilsim.kuril.dynamic_record import DynamicPosterior, dynamic_posterior
from kurilsim.kuril.history import (
    REGIMES,
    KurilDynamicResult,
    Regime,
    hazard_priors,
    kuril_chain,
    kuril_dynamic,
    kuril_dynamic_game,
    regime_of_year,
)
from kurilsim.kuril.islands import ISLANDS, Island, Source, island, island_shares
from kurilsim.kuril.pledge import (
    DEFAULT_CLAUSES,
    LEASE,
    TREATY_ARTICLE,
    VERIFIED_DEMILITARISATION,
    PledgeClause,
    PledgeRegions,
    PledgeTables,
    pledge_game,
    pledge_regions,
    pledge_tables,
)
from kurilsim.kuril.ratification import (
    Ratifier,
    ratification_game,
    ratified_agreements,
    ratifiers,
    win_set,
    win_sets,
)
from kurilsim.kuril.scenarios import (
    KURIL_OBJECTION_RULE,
    kuril_agents,
    kuril_protocol,
    kuril_scenario,
    list_scenarios,
    load_scenario,
)
from kurilsim.kuril.space import (
    NAGATO_YEN_BN,
    PHASED_OPTIONS,
    economic_package,
    fisheries_arrangement,
    island_transfer,
    kuril_space,
    security_regime,
    sovereignty_form,
)
from kurilsim.model.agents import register_agent_type
from kurilsim.model.agreements import register_space_builder

for _cls in (Japan, Russia, UnitedStates):
    register_agent_type(_cls.__name__, _cls)
del _cls

register_space_builder(
    "kuril",
    kuril_space,
    options={
        "islands": ("nested", "subsets"),
        "phased": (True, False),
        "sovereignty": (False, True),
        "fisheries": (False, True),
    },
    description="The Japan-Russia agreement space (kurilsim.kuril_space).",
)

__all__ = [
    "DEFAULT_CLAUSES",
    "ISLANDS",
    "KURIL_OBJECTION_RULE",
    "LEASE",
    "NAGATO_YEN_BN",
    "PHASED_OPTIONS",
    "REGIMES",
    "SECURITY_EXPOSURE",
    "STRAIT_CONTROL",
    "TREATY_ARTICLE",
    "VERIFIED_DEMILITARISATION",
    "DynamicPosterior",
    "Island",
    "Japan",
    "KurilDynamicResult",
    "PledgeClause",
    "PledgeRegions",
    "PledgeTables",
    "Ratifier",
    "Regime",
    "Russia",
    "Source",
    "UnitedStates",
    "dynamic_posterior",
    "economic_package",
    "fisheries_arrangement",
    "hazard_priors",
    "island",
    "island_shares",
    "island_transfer",
    "kuril_agents",
    "kuril_chain",
    "kuril_dynamic",
    "kuril_dynamic_game",
    "kuril_protocol",
    "kuril_scenario",
    "kuril_space",
    "list_scenarios",
    "load_scenario",
    "package_size_overrides",
    "package_value",
    "pledge_game",
    "pledge_regions",
    "pledge_tables",
    "ratification_game",
    "ratified_agreements",
    "ratifiers",
    "regime_of_year",
    "security_regime",
    "sovereignty_form",
    "win_set",
    "win_sets",
]
