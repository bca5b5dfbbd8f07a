"""The negotiation protocol: who proposes, who responds, who may object."""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kurilsim._errors import InvalidModelError

__all__ = ["NegotiationProtocol"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationProtocol:
    """Who moves, who may object, and how patient everyone is.

    The roles name agents of the scenario.  The generic model has no default
    proposer or responder: name them (the calibrated case's protocol is
    :func:`kurilsim.kuril.kuril_protocol`).

    Parameters
    ----------
    proposer : str
        Agent that proposes an agreement (required).
    responder : str
        Agent that accepts or rejects it (required); rejection leaves the
        status quo.
    objector : str, optional
        Agent that may object to agreements restricting its rights, or ``""``
        (the default) for nobody.
    objection_cost : float
        Utility the proposer loses when the objector objects (≥ 0).
    objection_blocks : bool
        Whether an objection blocks the agreement (status quo) instead of
        only costing the proposer.
    objection_scope : {"restrictions", "any"}
        Which agreements the objector may object to: only those restricting
        its rights (see :func:`kurilsim.games.negotiation.restricts_objector`;
        the default), or any agreement.
    discount : mapping of str to float
        Per-round discount factor of each agent, in (0, 1], used by
        alternating-offers bargaining; agents not listed use 0.9.

    Raises
    ------
    InvalidModelError
        If the proposer or the responder is missing or they coincide, or a
        setting is out of range (the message names it).

    Examples
    --------
    >>> from kurilsim import NegotiationProtocol
    >>> protocol = NegotiationProtocol(proposer="buyer", responder="seller",
    ...                                discount={"seller": 0.8})
    >>> protocol.objector, protocol.discount_factor("seller")
    ('', 0.8)
    >>> protocol.discount_factor("buyer")
    0.9
    >>> NegotiationProtocol(responder="seller")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: NegotiationProtocol needs a proposer ...
    """

    proposer: str = ""
    responder: str = ""
    objector: str = ""
    objection_cost: float = 0.2
    objection_blocks: bool = False
    objection_scope: str = "restrictions"
    discount: dict[str, float] = field(default_factory=dict)

    DEFAULT_DISCOUNT = 0.9

    def __post_init__(self) -> None:
        for name in ("proposer", "responder", "objector"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise InvalidModelError(
                    f"protocol.{name} must be an agent name (a string), got "
                    f"{reprlib.repr(value)}"
                )
        missing = [name for name in ("proposer", "responder") if not getattr(self, name)]
        if missing:
            raise InvalidModelError(
                f"NegotiationProtocol needs a {' and a '.join(missing)} (agent "
                f"names), got proposer={self.proposer!r} and "
                f"responder={self.responder!r} (the bundled calibrated case has its "
                "own protocol: see help(kurilsim.NegotiationProtocol))"
            )
        if self.proposer == self.responder:
            raise InvalidModelError(
                f"protocol.proposer and .responder must differ, both are "
                f"{self.proposer!r}"
            )
        cost = self.objection_cost
        if (
            isinstance(cost, bool)
            or not isinstance(cost, int | float | np.integer | np.floating)
            or not _isfinite(cost)
            or cost < 0
        ):
            raise InvalidModelError(
                "protocol.objection_cost must be a finite number >= 0, got "
                f"{reprlib.repr(cost)}"
            )
        object.__setattr__(self, "objection_cost", float(cost))
        if not isinstance(self.objection_blocks, bool):
            raise InvalidModelError(
                f"protocol.objection_blocks must be true or false, got "
                f"{self.objection_blocks!r}"
            )
        if not isinstance(self.objection_scope, str) or self.objection_scope not in (
            "restrictions",
            "any",
        ):
            raise InvalidModelError(
                "protocol.objection_scope must be 'restrictions' or 'any', got "
                f"{reprlib.repr(self.objection_scope)}"
            )
        if not isinstance(self.discount, Mapping):
            raise InvalidModelError(
                "protocol.discount must map agent names to factors in (0, 1], got "
                f"{reprlib.repr(self.discount)}"
            )
        discount = {}
        for agent, delta in self.discount.items():
            if not isinstance(agent, str) or not agent:
                raise InvalidModelError(
                    f"protocol.discount keys must be agent names, got {agent!r}"
                )
            if (
                isinstance(delta, bool)
                or not isinstance(delta, int | float | np.integer | np.floating)
                or not 0 < delta <= 1
            ):
                raise InvalidModelError(
                    f"protocol.discount.{agent} must be in (0, 1], got "
                    f"{reprlib.repr(delta)}"
                )
            discount[agent] = float(delta)
        object.__setattr__(self, "discount", discount)

    def __hash__(self) -> int:
        return hash((self.proposer, self.responder, self.objector))

    def discount_factor(self, agent: str) -> float:
        """The discount factor of ``agent`` (0.9 unless set)."""
        return self.discount.get(agent, self.DEFAULT_DISCOUNT)

    def parameters(self) -> dict[str, Any]:
        """Scalar settings by name (``discount.<agent>`` for discount factors)."""
        values: dict[str, Any] = {
            "proposer": self.proposer,
            "responder": self.responder,
            "objector": self.objector,
            "objection_cost": self.objection_cost,
            "objection_blocks": self.objection_blocks,
            "objection_scope": self.objection_scope,
        }
        values.update({f"discount.{k}": v for k, v in self.discount.items()})
        return values

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict."""
        data = self.parameters()
        data = {k: v for k, v in data.items() if not k.startswith("discount.")}
        data["discount"] = dict(self.discount)
        return data


def _isfinite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False
