"""The negotiation model: islands, issues and agreements, agents, scenarios."""

from kurilsim.domain.agents import (
    SECURITY_EXPOSURE,
    Agent,
    Japan,
    LinearAgent,
    ParameterSpec,
    ParametricAgent,
    Russia,
    UnitedStates,
    agent_from_dict,
    register_agent_type,
    registered_agent_types,
)
from kurilsim.domain.agreements import (
    NO_DEAL,
    STATUS_QUO,
    Agreement,
    AgreementSpace,
    Constraint,
    Issue,
    StatusQuo,
)
from kurilsim.domain.islands import ISLANDS, Island, Source, island, island_shares
from kurilsim.domain.kuril import (
    economic_package,
    fisheries_arrangement,
    island_transfer,
    kuril_space,
    security_regime,
    sovereignty_form,
)
from kurilsim.domain.scenario import NegotiationProtocol, Scenario
from kurilsim.domain.scenario_io import list_scenarios, load_scenario

__all__ = [
    "ISLANDS",
    "NO_DEAL",
    "SECURITY_EXPOSURE",
    "STATUS_QUO",
    "Agent",
    "Agreement",
    "AgreementSpace",
    "Constraint",
    "Island",
    "Issue",
    "Japan",
    "LinearAgent",
    "NegotiationProtocol",
    "ParameterSpec",
    "ParametricAgent",
    "Russia",
    "Scenario",
    "Source",
    "StatusQuo",
    "UnitedStates",
    "agent_from_dict",
    "economic_package",
    "fisheries_arrangement",
    "island",
    "island_shares",
    "island_transfer",
    "kuril_space",
    "list_scenarios",
    "load_scenario",
    "register_agent_type",
    "registered_agent_types",
    "security_regime",
    "sovereignty_form",
]
