"""The negotiation protocol: who proposes, who responds, who may object."""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._errors import InvalidModelError
from kurilsim.model.agreements import AgreementSpace

__all__ = ["ROLES", "NegotiationProtocol", "restricted_agreements"]

#: The roles a protocol assigns to agents of the scenario.
ROLES: Final = ("proposer", "responder", "objector")


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
        Agent that may object to agreements (which ones: ``objection_scope``),
        or ``""`` (the default) for nobody.
    objection_cost : float
        Utility the proposer loses when the objector objects (≥ 0).
    objection_blocks : bool
        Whether an objection blocks the agreement (status quo) instead of
        only costing the proposer.
    objection_scope : {"any", "restrictions"}
        Which agreements the objector may object to: any agreement (the
        default), or only those restricting its rights, as declared by
        ``objectionable`` (which ``"restrictions"`` requires).
    objectionable : str, optional
        The rule of ``objection_scope="restrictions"``: a feature of the
        agreement space, or a product of features joined by ``"*"`` (as in a
        :class:`~kurilsim.LinearAgent` term); the agreements where it is > 0
        restrict the objector's rights.  A space declares the feature it
        needs (e.g. the Kuril rule ``"islands.any*security.restricts_us"``:
        islands transferred and US forces excluded from them).  Checked
        against the space by :class:`~kurilsim.Scenario` when it is in force
        (an objector and ``objection_scope="restrictions"``).  Default ``""``:
        none declared.
    discount : mapping of str to float
        Per-round discount factor of each agent, in (0, 1], used by
        alternating-offers bargaining; agents not listed use 0.9.

    Raises
    ------
    InvalidModelError
        If the proposer or the responder is missing or they coincide, if
        ``objection_scope="restrictions"`` comes without an ``objectionable``
        rule, or a setting is out of range (the message names it).

    Examples
    --------
    >>> from kurilsim import NegotiationProtocol
    >>> protocol = NegotiationProtocol(proposer="buyer", responder="seller",
    ...                                discount={"seller": 0.8})
    >>> protocol.objector, protocol.discount_factor("seller")
    ('', 0.8)
    >>> protocol.discount_factor("buyer")
    0.9

    An objector who may object only to the agreements with a positive feature
    ``price.below_cost``:

    >>> NegotiationProtocol(proposer="buyer", responder="seller",
    ...                     objector="regulator", objection_scope="restrictions",
    ...                     objectionable="price.below_cost").objectionable
    'price.below_cost'
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
    objection_scope: str = "any"
    objectionable: str = ""
    discount: dict[str, float] = field(default_factory=dict)

    DEFAULT_DISCOUNT = 0.9

    def __post_init__(self) -> None:
        for name in ROLES:
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
        rule = self.objectionable
        if not isinstance(rule, str) or (
            rule and not all(factor.strip() for factor in rule.split("*"))
        ):
            raise InvalidModelError(
                "protocol.objectionable must be a feature name or a '*'-product of "
                f"feature names (or '' for none), got {reprlib.repr(rule)}"
            )
        if self.objection_scope == "restrictions" and not rule:
            raise InvalidModelError(
                "protocol.objection_scope 'restrictions' needs the rule "
                "protocol.objectionable (a feature of the space that is > 0 on the "
                "agreements restricting the objector), got none; declare it, or set "
                "objection_scope='any'"
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

    def objectionable_agreements(self, space: AgreementSpace) -> NDArray[np.bool_]:
        """Which agreements of ``space`` the objector may object to.

        None if the protocol names no objector; all of them under
        ``objection_scope="any"``; under ``"restrictions"`` those where the
        ``objectionable`` rule is > 0.

        Raises
        ------
        InvalidModelError
            If the rule (in force) names a feature ``space`` lacks (the
            message names ``protocol.objectionable``).

        Examples
        --------
        >>> from kurilsim import AgreementSpace, Issue, NegotiationProtocol
        >>> space = AgreementSpace([Issue(name="price", options=["fair", "dumping"],
        ...                               features={"below_cost": [0.0, 1.0]})])
        >>> protocol = NegotiationProtocol(
        ...     proposer="buyer", responder="seller", objector="regulator",
        ...     objection_scope="restrictions", objectionable="price.below_cost")
        >>> protocol.objectionable_agreements(space)
        array([False,  True])
        """
        n = len(space)
        if not self.objector:
            return np.zeros(n, dtype=bool)
        if self.objection_scope == "any":
            return np.ones(n, dtype=bool)
        try:
            return restricted_agreements(space, self.objectionable)
        except InvalidModelError as error:
            raise InvalidModelError(f"protocol.objectionable: {error}") from None

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
        data["objectionable"] = self.objectionable
        data["discount"] = dict(self.discount)
        return data


def restricted_agreements(space: AgreementSpace, rule: str) -> NDArray[np.bool_]:
    """Which agreements of ``space`` a restriction rule marks.

    ``rule`` is what :attr:`NegotiationProtocol.objectionable` holds: a
    feature of the space (``"issue.feature"``, ``"issue=option"``,
    ``"treaty"``), or a product of features joined by ``"*"``; an agreement
    is marked when the rule is > 0 there.

    Raises
    ------
    InvalidModelError
        If ``rule`` is not such an expression, or names a feature the space
        lacks (the message names the rule and the feature).

    Examples
    --------
    >>> from kurilsim import AgreementSpace, Issue
    >>> from kurilsim.model.protocol import restricted_agreements
    >>> space = AgreementSpace([Issue(name="price", options=["fair", "dumping"],
    ...                               features={"below_cost": [0.0, 1.0]})])
    >>> restricted_agreements(space, "price.below_cost")
    array([False,  True])
    >>> restricted_agreements(space, "price.margin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: rule 'price.margin': no feature 'price.margin' ...
    """
    if not isinstance(space, AgreementSpace):
        raise InvalidModelError(
            f"space must be an AgreementSpace, got {reprlib.repr(space)}"
        )
    factors = rule.split("*") if isinstance(rule, str) and rule else [""]
    if not all(factor.strip() for factor in factors):
        raise InvalidModelError(
            "rule must be a feature name or a '*'-product of feature names, got "
            f"{reprlib.repr(rule)}"
        )
    values = np.ones(len(space))
    for factor in factors:
        try:
            column = space.feature(factor.strip())
        except InvalidModelError as error:
            raise InvalidModelError(f"rule {rule!r}: {error}") from None
        values = values * column[:-1]
    mask: NDArray[np.bool_] = values > 0
    return mask


def _isfinite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False
