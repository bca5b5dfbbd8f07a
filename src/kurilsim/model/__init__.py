"""The generic negotiation model: issues and agreements, agents, protocol, scenarios.

Nothing here knows about a particular dispute; the calibrated Kuril case
(:mod:`kurilsim.kuril`) is built on this package through its public API,
exactly as a user's own model would be.
"""

from kurilsim.model.agents import (
    AGENT_ENTRY_POINT_GROUP,
    Agent,
    LinearAgent,
    ParameterSpec,
    ParametricAgent,
    agent_from_dict,
    parameter,
    register_agent_type,
    registered_agent_types,
)
from kurilsim.model.agreements import (
    NO_DEAL,
    STATUS_QUO,
    Agreement,
    AgreementSpace,
    Constraint,
    Issue,
    StatusQuo,
)
from kurilsim.model.scenario import NegotiationProtocol, Scenario

__all__ = [
    "AGENT_ENTRY_POINT_GROUP",
    "NO_DEAL",
    "STATUS_QUO",
    "Agent",
    "Agreement",
    "AgreementSpace",
    "Constraint",
    "Issue",
    "LinearAgent",
    "NegotiationProtocol",
    "ParameterSpec",
    "ParametricAgent",
    "Scenario",
    "StatusQuo",
    "agent_from_dict",
    "parameter",
    "register_agent_type",
    "registered_agent_types",
]
