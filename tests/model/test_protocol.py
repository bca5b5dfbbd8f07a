"""The negotiation protocol (generic) and the Kuril case's protocol."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from kurilsim import AgreementSpace, InvalidModelError, Issue, NegotiationProtocol
from kurilsim.kuril import kuril_protocol
from kurilsim.model.protocol import NegotiationProtocol as FromItsModule


def test_protocol_defaults() -> None:
    protocol = NegotiationProtocol(proposer="a", responder="b")
    assert (protocol.proposer, protocol.responder, protocol.objector) == ("a", "b", "")
    assert protocol.objection_cost == 0.2
    assert protocol.objection_blocks is False
    assert protocol.objection_scope == "any"  # the generic default: no rule
    assert protocol.objectionable == ""
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
    # the Kuril rule: islands transferred with US forces excluded from them
    assert protocol.objection_scope == "restrictions"
    assert protocol.objectionable == "islands.any*security.restricts_us"
    assert kuril_protocol(objection_scope="any").objectionable == protocol.objectionable


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
        "objection_scope": "any",
        "objection_payer": "",
        "objectionable": "",
        "discount": {"b": 0.5},
        "veto": {},
    }
    assert "objectionable" not in protocol.parameters()  # a rule, not a setting
    assert "veto" not in protocol.parameters()  # rules, not settings
    assert protocol.parameters()["objection_payer"] == ""
    assert dataclasses.replace(protocol, objector="") != protocol
    ruled = dataclasses.replace(
        protocol, objection_scope="restrictions", objectionable="x.y"
    )
    assert ruled != protocol
    assert NegotiationProtocol(**ruled.to_dict()) == ruled


def test_restrictions_need_a_rule() -> None:
    with pytest.raises(InvalidModelError, match=r"objection_scope 'restrictions' "
                       r"needs the rule protocol\.objectionable") as info:
        NegotiationProtocol(
            proposer="a", responder="b", objector="c", objection_scope="restrictions"
        )
    assert "objection_scope='any'" in str(info.value)
    with pytest.raises(InvalidModelError, match=r"protocol\.objectionable"):
        kuril_protocol(objectionable="")  # the Kuril scope without its rule
    # no rule needed when the objector may object to anything
    assert kuril_protocol(objection_scope="any", objectionable="").objectionable == ""


def test_objectionable_agreements_follow_scope_and_rule() -> None:
    space = AgreementSpace(
        (Issue(name="price", options=("fair", "low", "dumping"),
               features={"below_cost": (0.0, 0.0, 1.0), "cut": (0.0, 0.5, 0.9)}),)
    )
    base = NegotiationProtocol(
        proposer="a", responder="b", objector="c",
        objection_scope="restrictions", objectionable="price.below_cost",
    )
    assert base.objectionable_agreements(space).tolist() == [False, False, True]
    product = dataclasses.replace(base, objectionable="price.cut * price.below_cost")
    assert product.objectionable_agreements(space).tolist() == [False, False, True]
    indicator = dataclasses.replace(base, objectionable="price=low")
    assert indicator.objectionable_agreements(space).tolist() == [False, True, False]
    anything = dataclasses.replace(base, objection_scope="any")
    assert anything.objectionable_agreements(space).tolist() == [True] * 3
    nobody = dataclasses.replace(base, objector="")
    assert nobody.objectionable_agreements(space).tolist() == [False] * 3
    # a rule naming no feature of the space is refused, naming rule and feature
    wrong = dataclasses.replace(base, objectionable="price.below_cost*islands.any")
    with pytest.raises(
        InvalidModelError,
        match=r"protocol\.objectionable: rule 'price\.below_cost\*islands\.any': "
        r"no feature 'islands\.any'",
    ):
        wrong.objectionable_agreements(space)
    # ... unless it is not in force
    assert dataclasses.replace(wrong, objection_scope="any").objectionable_agreements(
        space
    ).all()


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
        ({"objectionable": 3}, "protocol.objectionable must be a feature name"),
        ({"objectionable": "a.b**c.d"}, "'a.b**c.d'"),
        ({"objectionable": " * "}, "protocol.objectionable"),
        ({"objection_scope": "some"}, "protocol.objection_scope"),
        ({"objectionable": "a.b|"}, "'a.b|'"),
        ({"objection_payer": None}, "protocol.objection_payer"),
        ({"veto": ["russia"]}, "protocol.veto must map"),
        ({"veto": {"": "a.b"}}, "protocol.veto keys"),
        ({"veto": {"russia": ""}}, "protocol.veto.russia"),
        ({"veto": {"russia": 3}}, "protocol.veto.russia"),
        ({"veto": {"russia": "a.b*"}}, "'a.b*'"),
    ],
)
def test_protocol_validation(kwargs: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_protocol(**kwargs)


# -- who pays for an objection, and vetoes --------------------------------------------
def test_the_objection_payer_defaults_to_the_proposer() -> None:
    protocol = NegotiationProtocol(proposer="a", responder="b", objector="c")
    assert protocol.objection_payer == ""
    assert protocol.payer == "a"
    assert dataclasses.replace(protocol, proposer="b", responder="a").payer == "b"
    named = dataclasses.replace(protocol, objection_payer="b")
    assert named.payer == "b"
    assert dataclasses.replace(named, proposer="b", responder="a").payer == "b"
    assert NegotiationProtocol(**named.to_dict()) == named


def test_the_kuril_objection_cost_falls_on_japan_whoever_proposes() -> None:
    assert kuril_protocol().payer == "japan"
    assert kuril_protocol(proposer="russia", responder="japan").payer == "japan"


PRICE = AgreementSpace(
    (Issue(name="price", options=("fair", "low", "dumping"),
           features={"below_cost": (0.0, 0.0, 1.0), "cut": (0.0, 0.5, 0.9)}),)
)


def test_vetoed_agreements_are_the_union_of_the_rules() -> None:
    base = NegotiationProtocol(proposer="a", responder="b")
    assert base.veto == {}
    assert base.vetoed_agreements(PRICE).tolist() == [False, False, False]
    one = dataclasses.replace(base, veto={"b": "price.below_cost"})
    assert one.vetoed_agreements(PRICE).tolist() == [False, False, True]
    both = dataclasses.replace(base, veto={"b": "price.below_cost", "a": "price=fair"})
    assert both.vetoed_agreements(PRICE).tolist() == [True, False, True]
    alternatives = dataclasses.replace(base, veto={"b": "price=fair|price=low"})
    assert alternatives.vetoed_agreements(PRICE).tolist() == [True, True, False]
    everything = dataclasses.replace(base, veto={"b": "treaty"})
    assert everything.vetoed_agreements(PRICE).all()
    with pytest.raises(InvalidModelError, match=r"protocol\.veto\.b: rule 'islands\.any'"):
        dataclasses.replace(base, veto={"b": "islands.any"}).vetoed_agreements(PRICE)
    assert NegotiationProtocol(**both.to_dict()) == both
    assert both != one


@pytest.mark.parametrize(
    ("rule", "marked"),
    [
        ("price.below_cost", [False, False, True]),
        ("price.cut", [False, True, True]),
        ("price.cut*price.below_cost", [False, False, True]),
        ("price=fair|price.below_cost", [True, False, True]),
        ("price=fair | price=low*price.cut", [True, True, False]),
        ("price=fair|price=low|price=dumping", [True, True, True]),
    ],
)
def test_rules_are_alternatives_of_products(rule: str, marked: list[bool]) -> None:
    from kurilsim.model.protocol import restricted_agreements

    assert restricted_agreements(PRICE, rule).tolist() == marked
