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
    Term,
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
    SpaceBuilder,
    StatusQuo,
    register_space_builder,
    registered_space_builders,
    space_builder,
)
from kurilsim.model.priors import Prior
from kurilsim.model.protocol import NegotiationProtocol
from kurilsim.model.scenario import Scenario

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
    "Prior",
    "Scenario",
    "SpaceBuilder",
    "StatusQuo",
    "Term",
    "agent_from_dict",
    "parameter",
    "register_agent_type",
    "register_space_builder",
    "registered_agent_types",
    "registered_space_builders",
    "space_builder",
]
