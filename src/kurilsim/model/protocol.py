"""The negotiation protocol: who proposes, who responds, who may object."""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping, Sequence
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
        Utility the objection payer (``objection_payer``) loses when it goes
        ahead with an agreement the objector objected to (≥ 0).
    objection_blocks : bool
        Whether an objection blocks the agreement (status quo) instead of
        only costing the objection payer.
    objection_payer : str, optional
        Agent who bears the objection cost, or ``""`` (the default) for the
        proposer.  The payer pays when it defies the objection: as proposer,
        by going ahead with the proposal (whatever the responder then does);
        as responder, by accepting it; any other agent, when the agreement
        is concluded.  (In the Kuril case the US objection strains the
        US-Japan alliance, so Japan pays whoever proposes:
        :func:`kurilsim.kuril.kuril_protocol` sets ``"japan"``.)
    objection_scope : {"any", "restrictions"}
        Which agreements the objector may object to: any agreement (the
        default), or only those restricting its rights, as declared by
        ``objectionable`` (which ``"restrictions"`` requires).
    objectionable : str, optional
        The rule of ``objection_scope="restrictions"``: a feature of the
        agreement space, or a product of features joined by ``"*"`` (as in a
        :class:`~kurilsim.LinearAgent` term); the agreements where it is > 0
        restrict the objector's rights (or, generally, are the ones it
        objects to).  Alternatives may be joined by ``"|"`` (``"*"`` binds
        tighter): ``"a.x|b.y*b.z"`` marks the agreements where ``a.x > 0`` or
        ``b.y * b.z > 0`` (see :func:`restricted_agreements`).  A space
        declares the feature it needs (e.g. the Kuril rule
        ``"islands.any*security.restricts_us"``: islands transferred and US
        forces excluded from them).  Checked against the space by
        :class:`~kurilsim.Scenario` when it is in force (an objector and
        ``objection_scope="restrictions"``).  Default ``""``: none declared.
    veto : mapping of str to str, optional
        Agents holding a veto, each with the rule (as ``objectionable``) of
        the agreements it vetoes: those agreements can never be concluded,
        under any solution concept (:meth:`vetoed_agreements`; every
        built-in concept leaves them out, and
        :meth:`kurilsim.concepts.Concept.outcome` refuses an outcome that
        concludes one).  A veto is a rule of law, not a preference: unlike a
        utility penalty it does not trade off against anything.  The vetoed
        agreements stay in the space (they are marked, not removed), so that
        agreement indices, utility tables and records compare across
        scenarios that differ only in the veto (e.g. before and after a
        constitutional ban), and what a veto rules out stays visible.
        Default: no veto.
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

    A seller whose law forbids dumping, whatever it would gain:

    >>> NegotiationProtocol(proposer="buyer", responder="seller",
    ...                     veto={"seller": "price.below_cost"}).veto
    {'seller': 'price.below_cost'}
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
    objection_payer: str = ""
    veto: dict[str, str] = field(default_factory=dict)

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
        if not isinstance(rule, str) or (rule and not _well_formed(rule)):
            raise InvalidModelError(
                "protocol.objectionable must be a feature name or a '*'-product of "
                "feature names, alternatives joined by '|' (or '' for none), got "
                f"{reprlib.repr(rule)}"
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
        if not isinstance(self.objection_payer, str):
            raise InvalidModelError(
                "protocol.objection_payer must be an agent name (or '' for the "
                f"proposer), got {reprlib.repr(self.objection_payer)}"
            )
        if not isinstance(self.veto, Mapping):
            raise InvalidModelError(
                "protocol.veto must map agent names to rules (feature names or "
                f"'*'-products, alternatives joined by '|'), got {reprlib.repr(self.veto)}"
            )
        veto = {}
        for agent, vetoed in self.veto.items():
            if not isinstance(agent, str) or not agent:
                raise InvalidModelError(
                    f"protocol.veto keys must be agent names, got {reprlib.repr(agent)}"
                )
            if not isinstance(vetoed, str) or not vetoed or not _well_formed(vetoed):
                raise InvalidModelError(
                    f"protocol.veto.{agent} must be a feature name or a '*'-product of "
                    f"feature names, alternatives joined by '|', got "
                    f"{reprlib.repr(vetoed)}"
                )
            veto[agent] = vetoed
        object.__setattr__(self, "veto", veto)

    def __hash__(self) -> int:
        return hash((self.proposer, self.responder, self.objector))

    def discount_factor(self, agent: str) -> float:
        """The discount factor of ``agent`` (0.9 unless set)."""
        return self.discount.get(agent, self.DEFAULT_DISCOUNT)

    @property
    def payer(self) -> str:
        """The agent who bears the objection cost: ``objection_payer``, or the
        proposer if it names nobody.

        Examples
        --------
        >>> from kurilsim import NegotiationProtocol
        >>> NegotiationProtocol(proposer="a", responder="b").payer
        'a'
        >>> NegotiationProtocol(proposer="a", responder="b",
        ...                     objection_payer="b").payer
        'b'
        """
        return self.objection_payer or self.proposer

    def check_agents(self, names: Sequence[str]) -> None:
        """Check that the objection payer and the vetoing agents are in ``names``.

        (:class:`~kurilsim.Scenario` checks the roles and discounts itself.)

        Raises
        ------
        InvalidModelError
            Naming the setting and the agents.
        """
        agents = list(names)
        if self.objection_payer and self.objection_payer not in agents:
            raise InvalidModelError(
                f"protocol.objection_payer is {self.objection_payer!r}, which is not "
                f"an agent of the scenario; agents are {agents}"
            )
        for who in self.veto:
            if who not in agents:
                raise InvalidModelError(
                    f"protocol.veto names {who!r}, which is not an agent; agents are "
                    f"{agents}"
                )

    def vetoed_agreements(self, space: AgreementSpace) -> NDArray[np.bool_]:
        """Which agreements of ``space`` some agent vetoes (they cannot be concluded).

        The union, over the agents of ``veto``, of the agreements where the
        agent's rule is > 0 (see :func:`restricted_agreements`); none without
        a veto.

        Raises
        ------
        InvalidModelError
            If a rule names a feature ``space`` lacks (the message names
            ``protocol.veto.<agent>``).

        Examples
        --------
        >>> from kurilsim import AgreementSpace, Issue, NegotiationProtocol
        >>> space = AgreementSpace([Issue(name="price", options=["fair", "dumping"],
        ...                               features={"below_cost": [0.0, 1.0]})])
        >>> protocol = NegotiationProtocol(proposer="buyer", responder="seller",
        ...                                veto={"seller": "price.below_cost"})
        >>> protocol.vetoed_agreements(space)
        array([False,  True])
        """
        vetoed = np.zeros(len(space), dtype=bool)
        for agent, rule in self.veto.items():
            try:
                vetoed |= restricted_agreements(space, rule)
            except InvalidModelError as error:
                raise InvalidModelError(f"protocol.veto.{agent}: {error}") from None
        return vetoed

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
            "objection_payer": self.objection_payer,
        }
        values.update({f"discount.{k}": v for k, v in self.discount.items()})
        return values

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict."""
        data = self.parameters()
        data = {k: v for k, v in data.items() if not k.startswith("discount.")}
        data["objectionable"] = self.objectionable
        data["discount"] = dict(self.discount)
        data["veto"] = dict(self.veto)
        return data


def restricted_agreements(space: AgreementSpace, rule: str) -> NDArray[np.bool_]:
    """Which agreements of ``space`` a restriction rule marks.

    ``rule`` is what :attr:`NegotiationProtocol.objectionable` and the
    values of :attr:`NegotiationProtocol.veto` hold: a feature of the space
    (``"issue.feature"``, ``"issue=option"``, ``"treaty"``), or a product of
    features joined by ``"*"``; an agreement is marked when the rule is > 0
    there.  Alternatives joined by ``"|"`` mark the agreements any of them
    marks (``"*"`` binds tighter than ``"|"``).

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
    >>> restricted_agreements(space, "price=fair|price.below_cost")
    array([ True,  True])
    >>> restricted_agreements(space, "price.margin")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: rule 'price.margin': no feature 'price.margin' ...
    """
    if not isinstance(space, AgreementSpace):
        raise InvalidModelError(
            f"space must be an AgreementSpace, got {reprlib.repr(space)}"
        )
    if not isinstance(rule, str) or not _well_formed(rule):
        raise InvalidModelError(
            "rule must be a feature name or a '*'-product of feature names, "
            f"alternatives joined by '|', got {reprlib.repr(rule)}"
        )
    mask: NDArray[np.bool_] = np.zeros(len(space), dtype=bool)
    for alternative in rule.split("|"):
        values = np.ones(len(space))
        for factor in alternative.split("*"):
            try:
                column = space.feature(factor.strip())
            except InvalidModelError as error:
                raise InvalidModelError(f"rule {rule!r}: {error}") from None
            values = values * column[:-1]
        mask |= values > 0
    return mask


def _well_formed(rule: str) -> bool:
    """Whether ``rule`` is '|'-joined '*'-products of non-empty feature names."""
    return bool(rule) and all(
        factor.strip()
        for alternative in rule.split("|")
        for factor in alternative.split("*")
    )


def _isfinite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False
