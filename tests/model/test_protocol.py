"""The negotiation protocol (generic) and the Kuril case's protocol."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from kurilsim import InvalidModelError, NegotiationProtocol
from kurilsim.kuril import kuril_protocol
from kurilsim.model.protocol import NegotiationProtocol as FromItsModule


def test_protocol_defaults() -> None:
    protocol = NegotiationProtocol(proposer="a", responder="b")
    assert (protocol.proposer, protocol.responder, protocol.objector) == ("a", "b", "")
    assert protocol.objection_cost == 0.2
    assert protocol.objection_blocks is False
    assert protocol.objection_scope == "restrictions"
    assert protocol.discount_factor("anyone") == 0.9
    assert kuril_protocol(discount={"japan": 1}).discount == {"japan": 1.0}
    assert kuril_protocol(objection_cost=1).objection_cost == 1.0
    assert FromItsModule is NegotiationProtocol


def test_kuril_protocol() -> None:
    protocol = kuril_protocol()
    assert (protocol.proposer, protocol.responder, protocol.objector) == (
        "japan",
        "russia",
        "united_states",
    )
    assert kuril_protocol(objector="").objector == ""
    assert kuril_protocol(proposer="russia", responder="japan").proposer == "russia"


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({}, "needs a proposer and a responder"),
        ({"proposer": "a"}, "needs a responder"),
        ({"responder": "b", "objector": "c"}, "needs a proposer"),
    ],
)
def test_missing_roles_are_named(kwargs: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)) as info:
        NegotiationProtocol(**kwargs)
    assert "help(kurilsim.NegotiationProtocol)" in str(info.value)
    assert "kuril_protocol" in (NegotiationProtocol.__doc__ or "")


def test_protocol_parameters_and_dict() -> None:
    protocol = NegotiationProtocol(
        proposer="a", responder="b", objector="c", discount={"b": 0.5}
    )
    assert protocol.parameters()["discount.b"] == 0.5
    assert protocol.to_dict() == {
        "proposer": "a",
        "responder": "b",
        "objector": "c",
        "objection_cost": 0.2,
        "objection_blocks": False,
        "objection_scope": "restrictions",
        "discount": {"b": 0.5},
    }
    assert dataclasses.replace(protocol, objector="") != protocol


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"proposer": "russia"}, "'russia'"),
        ({"proposer": "japan", "responder": "japan"}, "must differ"),
        ({"proposer": ""}, "proposer"),
        ({"responder": 3}, "protocol.responder"),
        ({"objector": None}, "protocol.objector"),
        ({"objection_cost": -0.1}, "-0.1"),
        ({"objection_cost": float("inf")}, "inf"),
        ({"objection_cost": True}, "True"),
        ({"objection_blocks": 1}, "protocol.objection_blocks"),
        ({"discount": {"russia": 0.0}}, "protocol.discount.russia"),
        ({"discount": {"russia": 1.01}}, "1.01"),
        ({"discount": {"russia": -0.5}}, "-0.5"),
        ({"discount": {"russia": "high"}}, "'high'"),
        ({"discount": {"russia": True}}, "True"),
    ],
)
def test_protocol_validation(kwargs: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_protocol(**kwargs)
