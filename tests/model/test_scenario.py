"""Scenarios: utilities, parameters by dotted name, validation and equality.

The examples are mostly the calibrated Kuril case (built with
``kuril_scenario``); the protocol is tested in ``test_protocol.py``, scenario
files in ``tests/io/test_scenario_toml.py`` and the bundled scenarios in
``tests/kuril/test_scenarios.py``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    AgreementSpace,
    InvalidArgumentError,
    InvalidModelError,
    InvalidScenarioError,
    Issue,
    Japan,
    LinearAgent,
    NegotiationProtocol,
    ParametricAgent,
    Prior,
    Russia,
    Scenario,
    Term,
    UnitedStates,
    kuril_scenario,
    kuril_space,
    list_scenarios,
    load_scenario,
)
from kurilsim.kuril import kuril_protocol
from kurilsim.model.agents import parameter
from tests.model.cases import custom_scenario

#: Collected once: the tests cover whatever scenarios are built in.
BUILTIN = list_scenarios()


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


#: The overrides of the reference data ``full/overrides``: the default layout
#: of the largest Kuril space, saved when the model last changed (issue 15).
REFERENCE = Path(__file__).parents[1] / "data" / "kuril_outcome_utilities.npz"
REFERENCE_OVERRIDES = {
    "japan.demand": np.arange(5)[:, None],
    "japan.weight_area": np.array([0.0, 0.35, 2.0]),
    "russia.residents_weight": np.array([0.0, 0.5, 1.0]),
    "russia.pledge_credibility": np.array([0.1, 0.3, 0.9]),
    "united_states.detente_value": np.array([-0.3, 0.0, 0.2]),
}

OVERRIDES = {
    "russia.security_weight": np.array([0.0, 1.0, 3.0])[:, None],
    "japan.demand": np.array([2, 4]),
    "united_states.detente_value": -0.5,
}


def test_outcome_utilities_broadcast_like_scenarios_per_point() -> None:
    scenario = load_scenario(BUILTIN[-1])
    grid = scenario.outcome_utilities(OVERRIDES)
    n = len(scenario.space) + 1
    assert grid.shape == (3, 2, 3, n)
    arrays = dict(zip(OVERRIDES, np.broadcast_arrays(*OVERRIDES.values()), strict=True))
    for i, j in itertools.product(range(3), range(2)):
        point = {name: values[i, j].item() for name, values in arrays.items()}
        close(grid[i, j], scenario.with_params(point).outcome_utilities())


def test_outcome_utilities_with_a_linear_agent() -> None:
    scenario = custom_scenario()
    overrides = {
        "fishers.w[straits.transit]": np.linspace(-1, 1, 5),
        "japan.audience_cost": np.array([[0.0], [0.7]]),
    }
    grid = scenario.outcome_utilities(overrides)
    assert grid.shape == (2, 5, 3, len(scenario.space) + 1)
    for i, j in itertools.product(range(2), range(5)):
        point = {
            "fishers.w[straits.transit]": float(
                overrides["fishers.w[straits.transit]"][j]
            ),
            "japan.audience_cost": float(overrides["japan.audience_cost"][i, 0]),
        }
        close(grid[i, j], scenario.with_params(point).outcome_utilities())


@pytest.mark.parametrize(
    ("overrides", "shown"),
    [
        ({"protocol.objection_cost": [0.1]}, "protocol setting"),
        ({"china.demand": [1]}, "'china'"),
        ({"japan.demnd": [1]}, "'demnd'"),
        ({"nodot": [1]}, "'nodot'"),
        ({"japan.demand": [1, 9]}, "Japan.demand"),
    ],
)
def test_outcome_utilities_errors(overrides: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_scenario(name="x").outcome_utilities(overrides)


@dataclasses.dataclass(frozen=True)
class ProtocolOnly:
    """An agent implementing only the :class:`kurilsim.Agent` protocol (no
    ``coefficient_columns``): a wrapper around a :class:`LinearAgent`."""

    inner: LinearAgent

    @property
    def name(self) -> str:
        return self.inner.name

    def parameters(self) -> dict[str, float]:
        return self.inner.parameters()

    def with_params(self, changes: Any, /) -> ProtocolOnly:
        return ProtocolOnly(self.inner.with_params(changes))

    def term_names(self) -> tuple[str, ...]:
        return self.inner.term_names()

    def utility_terms(self, space: AgreementSpace) -> np.ndarray:
        return self.inner.utility_terms(space)

    def coefficients(self, overrides: Any = None) -> np.ndarray:
        return self.inner.coefficients(overrides)

    def to_dict(self) -> dict[str, Any]:
        return self.inner.to_dict()


def protocol_only_scenario() -> Scenario:
    base = custom_scenario()
    fishers = ProtocolOnly(base.agent("fishers"))
    return dataclasses.replace(base, agents=(*base.agents[:2], fishers))


@pytest.mark.parametrize(
    ("build", "overrides"),
    [
        (lambda: load_scenario(BUILTIN[-1]), OVERRIDES),
        (
            custom_scenario,
            {
                "fishers.w[straits.transit]": np.linspace(-1, 1, 5),
                "japan.audience_cost": np.array([[0.0], [0.7]]),
            },
        ),
        (
            protocol_only_scenario,
            {
                "fishers.w[straits.transit]": np.linspace(-1, 1, 5),
                "fishers.status_quo": np.array([[0.0], [0.7]]),
                "russia.security_weight": np.array([[1.0], [2.0]]),
            },
        ),
    ],
    ids=["kuril", "linear-agent", "protocol-only-agent"],
)
def test_points_last_is_the_default_layout_moved(
    build: Any, overrides: dict[str, Any]
) -> None:
    scenario = build()
    grid = scenario.outcome_utilities(overrides)
    rows = scenario.outcome_utilities(overrides, points_last=True)
    shape = np.broadcast_shapes(*(np.shape(v) for v in overrides.values()))
    assert rows.shape == (len(scenario.agents), len(scenario.space) + 1, *shape)
    assert rows.flags.c_contiguous
    assert rows.dtype == np.float64
    # the same sums of the same terms: equal up to rounding
    np.testing.assert_allclose(
        rows, np.moveaxis(grid, (-2, -1), (0, 1)), rtol=1e-15, atol=1e-15
    )


def test_points_last_of_a_flat_list_of_points() -> None:
    """The sweep's case: one array of points per parameter, agents that are not
    swept filled in with their constant coefficients."""
    scenario = load_scenario("2018-singapore")
    rng = np.random.default_rng(1)
    overrides = {
        "japan.demand": rng.integers(1, 5, 500),
        "russia.security_weight": rng.uniform(0, 4, 500),
        "russia.pledge_credibility": rng.uniform(0, 1, 500),
    }
    rows = scenario.outcome_utilities(overrides, points_last=True)
    assert rows.shape == (3, len(scenario.space) + 1, 500)
    np.testing.assert_allclose(
        rows, np.moveaxis(scenario.outcome_utilities(overrides), 0, -1),
        rtol=1e-15, atol=1e-15,
    )
    for k in rng.choice(500, 5, replace=False):
        point = {name: values[k].item() for name, values in overrides.items()}
        close(rows[..., k], scenario.with_params(point).outcome_utilities())
    # United States is not swept: its utilities are its own at every point
    np.testing.assert_array_equal(
        rows[2], np.repeat(scenario.outcome_utilities()[2][:, None], 500, axis=1)
    )


def test_points_last_matches_the_reference_utilities() -> None:
    """The default layout saved in the reference data, within rounding."""
    with np.load(REFERENCE) as data:
        reference = data["full/overrides"]
    full = kuril_scenario(
        "full", space=kuril_space(islands="subsets", sovereignty=True, fisheries=True)
    )
    rows = full.outcome_utilities(REFERENCE_OVERRIDES, points_last=True)
    np.testing.assert_allclose(
        np.moveaxis(rows, (0, 1), (-2, -1)), reference, rtol=0, atol=4.5e-16
    )


def test_points_last_without_point_axes() -> None:
    scenario = kuril_scenario(name="x")
    assert scenario.outcome_utilities(points_last=True) is (
        scenario.outcome_utilities()
    )
    rows = scenario.outcome_utilities({"japan.demand": 2}, points_last=True)
    assert rows.shape == (3, len(scenario.space) + 1)
    close(rows, scenario.with_params({"japan.demand": 2}).outcome_utilities())


@pytest.mark.parametrize(
    ("overrides", "shown"),
    [
        ({"protocol.objection_cost": [0.1]}, "protocol setting"),
        ({"japan.demand": [1, 9]}, "Japan.demand"),
        (
            {"japan.demand": [1, 2], "russia.security_weight": [1, 2, 3]},
            (
                "broadcast against each other, got the shapes {'japan.demand': (2,), "
                "'russia.security_weight': (3,)}"
            ),
        ),
    ],
)
@pytest.mark.parametrize("points_last", [False, True])
def test_outcome_utilities_errors_in_both_layouts(
    overrides: dict[str, Any], shown: str, points_last: bool
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_scenario(name="x").outcome_utilities(overrides, points_last=points_last)


def test_non_finite_utilities_are_rejected() -> None:
    huge = LinearAgent(name="huge", weights={"economic.package": 1e308, "treaty": 1e308})
    with np.errstate(all="ignore"), pytest.raises(InvalidModelError, match="finite"):
        kuril_scenario(
            name="x",
            agents=(huge, Russia()),
            protocol=NegotiationProtocol(proposer="huge", responder="russia"),
        )


# -- parameters ---------------------------------------------------------------------
def test_with_params_agents_and_protocol() -> None:
    scenario = kuril_scenario(name="x")
    changed = scenario.with_params(
        {
            "japan.demand": 2,
            "russia.pledge_credibility": 0.9,
            "united_states.detente_value": -0.1,
            "protocol.objection_cost": 0.5,
            "protocol.objection_blocks": True,
            "protocol.discount.russia": 0.75,
            "protocol.proposer": "russia",
            "protocol.responder": "japan",
        }
    )
    assert changed.agent("japan").demand == 2
    assert changed.agent("russia").pledge_credibility == 0.9
    assert changed.agent("united_states").detente_value == -0.1
    assert changed.protocol.objection_cost == 0.5
    assert changed.protocol.objection_blocks is True
    assert changed.protocol.discount == {"russia": 0.75}
    assert changed.protocol.discount_factor("russia") == 0.75
    assert changed.protocol.discount_factor("japan") == 0.9
    assert (changed.protocol.proposer, changed.protocol.responder) == (
        "russia",
        "japan",
    )
    assert changed.parameters()["protocol.discount.russia"] == 0.75
    assert scenario == kuril_scenario(name="x")  # unchanged
    np.testing.assert_array_equal(
        changed.utilities()[0], Japan(demand=2).utilities(scenario.space)
    )


def test_parameter_names() -> None:
    scenario = kuril_scenario(name="x")
    names = scenario.parameter_names()
    assert "japan.demand" in names
    assert "united_states.carveout_cost" in names
    for agent in ("japan", "russia", "united_states"):
        assert f"protocol.discount.{agent}" in names
    assert "protocol.objection_cost" in names
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("japan.demand", ("japan", "demand")),
        ("russia.security_weight", ("russia", "security_weight")),
        ("fishers.w[islands.habomai*straits.fee]",
         ("fishers", "w[islands.habomai*straits.fee]")),
        ("fishers.status_quo", ("fishers", "status_quo")),
        ("protocol.objection_cost", None),
        ("protocol.proposer", None),
        ("protocol.discount.russia", None),
        ("protocol.discount.japan", None),  # not set: the default factor
    ],
)
def test_agent_parameter_tells_agents_from_the_protocol(
    name: str, owner: tuple[str, str] | None
) -> None:
    assert custom_scenario().agent_parameter(name) == owner


def test_agent_parameter_classifies_every_parameter() -> None:
    scenario = custom_scenario()
    for name in scenario.parameter_names():
        owner = scenario.agent_parameter(name)
        if owner is None:
            assert name.startswith("protocol.")
        else:
            agent, parameter = owner
            assert f"{agent}.{parameter}" == name
            assert scenario.agent(agent).parameters()[parameter] == (
                scenario.parameters()[name]
            )


@pytest.mark.parametrize(
    "name",
    ["japan.demnd", "china.demand", "protocol.objection_cots", "protocol.discount.x",
     "nodot", "japan.", "fishers.w[straits.transit", 3],
)
def test_agent_parameter_refuses_unknown_names(name: Any) -> None:
    with pytest.raises(InvalidModelError, match="unknown scenario parameter"):
        custom_scenario().agent_parameter(name)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("japan.demnd", "japan.demand"),
        ("russia.security", "russia.security_weight"),
        ("protocol.discount.rusia", "protocol.discount.russia"),
        ("protocol.objection_cots", "protocol.objection_cost"),
    ],
)
def test_with_params_unknown_name_suggests(name: str, suggestion: str) -> None:
    scenario = kuril_scenario(name="x")
    with pytest.raises(InvalidModelError, match=re.escape(repr(name))) as info:
        scenario.with_params({name: 1})
    message = str(info.value)
    assert f"did you mean {suggestion!r}?" in message
    for valid in scenario.parameter_names():
        assert valid in message


@pytest.mark.parametrize("name", ["nodot", "china.power", "japan.", 3])
def test_with_params_unknown_name_lists_valid_names(name: Any) -> None:
    scenario = kuril_scenario(name="x")
    with pytest.raises(InvalidModelError, match="unknown scenario parameter") as info:
        scenario.with_params({name: 1})
    assert "valid names are japan.demand" in str(info.value)


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"japan.demand": 9}, "Japan.demand"),
        ({"japan.demand": "two"}, "'two'"),
        ({"russia.pledge_credibility": -0.1}, "Russia.pledge_credibility"),
        ({"protocol.discount.russia": 1.5}, "protocol.discount.russia"),
        ({"protocol.discount.japan": 0}, "protocol.discount.japan"),
        ({"protocol.objection_cost": -1}, "protocol.objection_cost"),
        ({"protocol.objection_blocks": "yes"}, "protocol.objection_blocks"),
        ({"protocol.proposer": "russia"}, "must differ"),
        ({"protocol.proposer": "china"}, "'china'"),
        ({"protocol.objector": "china"}, "protocol.objector"),
    ],
)
def test_with_params_invalid_values(changes: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_scenario(name="x").with_params(changes)


@pytest.mark.parametrize(
    ("protocol", "shown"),
    [
        (kuril_protocol(proposer="china"), "protocol.proposer is 'china'"),
        (kuril_protocol(responder="china"), "protocol.responder is 'china'"),
        (kuril_protocol(objector="china"), "protocol.objector is 'china'"),
        (kuril_protocol(discount={"china": 0.5}), "'china'"),
    ],
)
def test_protocol_must_name_agents_of_the_scenario(
    protocol: NegotiationProtocol, shown: str
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)) as info:
        kuril_scenario(name="x", protocol=protocol)
    assert "'united_states'" in str(info.value)


def test_objector_may_be_nobody() -> None:
    scenario = kuril_scenario(
        name="x",
        agents=(Japan(), Russia()),
        protocol=kuril_protocol(objector=""),
    )
    assert scenario.utilities().shape == (2, 38)


# -- scenario validation and equality -------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"name": "x", "title": 3}, "Scenario.title"),
        ({"name": "x", "notes": [1]}, "notes"),
        ({"name": "x", "space": "kuril"}, "Scenario.space"),
        ({"name": "x", "agents": ()}, "at least one agent"),
        ({"name": "x", "agents": (Japan(), Japan(), Russia())}, "['japan']"),
        ({"name": "x", "agents": (Japan(), "russia")}, "'russia'"),
        ({"name": "x", "protocol": {"proposer": "japan"}}, "NegotiationProtocol"),
    ],
)
def test_scenario_validation(kwargs: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        kuril_scenario(**kwargs)


def test_scenario_equality() -> None:
    assert kuril_scenario(name="x") == kuril_scenario(name="x")
    assert hash(kuril_scenario(name="x")) == hash(kuril_scenario(name="x"))
    assert kuril_scenario(name="x", notes="one").notes == ("one",)
    different = [
        kuril_scenario(name="y"),
        kuril_scenario(name="x", title="t"),
        kuril_scenario(name="x", description="d"),
        kuril_scenario(name="x", notes=("n",)),
        kuril_scenario(name="x", space=kuril_space(islands="subsets")),
        kuril_scenario(name="x", agents=(Japan(demand=2), Russia(), UnitedStates())),
        kuril_scenario(name="x", protocol=kuril_protocol(objection_cost=0.3)),
        kuril_scenario(name="x", protocol=kuril_protocol(discount={"japan": 0.5})),
    ]
    for other in different:
        assert other != kuril_scenario(name="x")
    assert kuril_scenario(name="x") != "x"
    assert custom_scenario() == custom_scenario()


def test_scenario_is_immutable() -> None:
    scenario = kuril_scenario(name="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.name = "y"  # type: ignore[misc]
    renamed = dataclasses.replace(scenario, name="y")
    assert renamed.name == "y"
    np.testing.assert_array_equal(renamed.utilities(), scenario.utilities())


def test_describe_mentions_parameters_and_issues() -> None:
    text = custom_scenario().describe()
    assert "custom: A custom space" in text
    assert "japan.demand = 2" in text
    assert "straits: no transit rights, free transit" in text




# -- the generic model has no defaults --------------------------------------------------
PRICE = AgreementSpace(
    (Issue(name="price", options=("low", "high"), features={"level": (1.0, 2.0)}),)
)
TRADERS = (
    LinearAgent(name="buyer", weights={"price.level": -1.0}),
    LinearAgent(name="seller", weights={"price.level": 2.0}, status_quo=0.5),
)
DEAL = NegotiationProtocol(proposer="buyer", responder="seller")


def test_a_generic_scenario_needs_no_kuril_piece() -> None:
    scenario = Scenario(name="sale", space=PRICE, agents=TRADERS, protocol=DEAL)
    np.testing.assert_array_equal(
        scenario.outcome_utilities(), [[-1.0, -2.0, 0.0], [2.0, 4.0, 0.5]]
    )
    assert scenario.parameter_names() == (
        "buyer.status_quo",
        "buyer.w[price.level]",
        "seller.status_quo",
        "seller.w[price.level]",
        "protocol.proposer",
        "protocol.responder",
        "protocol.objector",
        "protocol.objection_cost",
        "protocol.objection_blocks",
        "protocol.objection_scope",
        "protocol.objection_payer",
        "protocol.discount.buyer",
        "protocol.discount.seller",
    )


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [
        ({}, "needs a space, agents and a protocol"),
        ({"space": PRICE}, "needs agents and a protocol"),
        ({"agents": TRADERS}, "needs a space and a protocol"),
        ({"space": PRICE, "agents": TRADERS}, "needs a protocol"),
        ({"space": PRICE, "protocol": DEAL}, "needs agents:"),
        ({"agents": TRADERS, "protocol": DEAL}, "needs a space:"),
    ],
)
def test_missing_pieces_are_named(kwargs: dict[str, Any], missing: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(missing)) as info:
        Scenario(name="x", **kwargs)
    message = str(info.value)
    assert message.startswith("Scenario 'x' ")
    assert "no defaults" in message
    assert "help(kurilsim.Scenario)" in message
    assert "kuril_scenario" in Scenario.__doc__  # where the pointer leads


def test_kuril_scenario_fills_in_only_what_is_missing() -> None:
    scenario = kuril_scenario(name="x")
    assert scenario == Scenario(
        name="x",
        space=kuril_space(),
        agents=(Japan(), Russia(), UnitedStates()),
        protocol=kuril_protocol(),
    )
    subsets = kuril_space(islands="subsets")
    assert kuril_scenario(name="x", space=subsets).space == subsets
    two = kuril_scenario(
        name="x", agents=(Japan(), Russia()), protocol=kuril_protocol(objector="")
    )
    assert two.agent_names == ("japan", "russia")
    assert kuril_scenario().name == "default"


# -- priors ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Seller(ParametricAgent):
    """A seller whose parameters declare priors (one has none)."""

    name: str = "seller"
    greed: float = parameter(
        2.0, doc="value of a high price", source="illustration",
        prior=Prior.lognormal(2.0, 0.5, reasoning="within a factor e", source="j"),
    )
    share: float = parameter(
        0.5, doc="share of the price kept", bounds=(0.0, 1.0), source="illustration",
        prior=Prior.point(0.5, reasoning="a convention"),
    )
    haste: float = parameter(0.1, doc="no prior", source="illustration")
    TERMS = (
        Term(name="price", column=lambda space: space.feature("price.level"),
             coefficient=lambda p: p["greed"] * p["share"] - p["haste"]),
    )


def priced(**changes: Any) -> Scenario:
    """A generic two-agent scenario with priors declared by the seller's specs."""
    return Scenario(
        name="sale",
        space=AgreementSpace(
            (Issue(name="price", options=("low", "high"),
                   features={"level": (1.0, 2.0)}),)
        ),
        agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}), Seller()),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
        **changes,
    )


def test_priors_come_from_the_specs() -> None:
    scenario = priced()
    priors = scenario.priors()
    assert list(priors) == ["seller.greed", "seller.share"]
    assert priors["seller.greed"] == Seller.parameter_specs()[0].prior
    assert scenario.free_parameters() == ("seller.greed",)
    assert scenario.prior_overrides == ()


def test_with_priors_overrides_and_adds_priors() -> None:
    uniform = Prior.uniform(1, 3, reasoning="only the range")
    cost = Prior.triangular(0, 0.1, 0.5, reasoning="small")
    scenario = priced().with_priors({
        "protocol.objection_cost": cost,
        "seller.greed": uniform,
        "buyer.w[price.level]": Prior.truncnorm(
            -1, 0.5, low=-math.inf, high=0, reasoning="dislikes a high price"),
        "protocol.discount.seller": Prior.beta(8, 2, low=0.5, high=1, reasoning="p"),
    })
    priors = scenario.priors()
    assert list(priors) == scenario_order(scenario, priors)
    assert priors["seller.greed"] == uniform
    assert priors["protocol.objection_cost"] == cost
    assert priors["seller.share"].is_point
    assert scenario.free_parameters() == (
        "buyer.w[price.level]", "seller.greed", "protocol.objection_cost",
        "protocol.discount.seller",
    )
    # the values are untouched, and a later override replaces an earlier one
    assert scenario.parameters() == priced().parameters()
    again = scenario.with_priors({"seller.greed": {"family": "point", "value": 2.0,
                                                   "reasoning": "fixed"}})
    assert again.priors()["seller.greed"] == Prior.point(2.0, reasoning="fixed")
    assert again.priors()["protocol.objection_cost"] == cost
    assert "seller.greed" not in again.free_parameters()


def scenario_order(scenario: Scenario, names: Any) -> list[str]:
    return [name for name in scenario.parameter_names() if name in names]


def test_priors_survive_with_params_and_take_part_in_equality() -> None:
    scenario = priced().with_priors({"seller.haste": Prior.uniform(0, 1, reasoning="r")})
    changed = scenario.with_params({"seller.haste": 0.3})
    # the distribution survives; its reasoning says the value moved
    assert changed.priors()["seller.haste"] == Prior.uniform(0, 1, reasoning=(
        f"r [This prior was written for scenario {scenario.name!r} (the notes it "
        "cites are that scenario's); Scenario.with_params set seller.haste to 0.3 "
        "and kept this prior.]"))
    assert {k: v for k, v in changed.priors().items() if k != "seller.haste"} == {
        k: v for k, v in scenario.priors().items() if k != "seller.haste"}
    assert scenario != priced()
    assert scenario == priced(
        prior_overrides={"seller.haste": Prior.uniform(0, 1, reasoning="r")})
    assert hash(scenario) == hash(priced())


@pytest.mark.parametrize(
    ("name", "prior", "message"),
    [
        ("seller.greedy", Prior.uniform(0, 1, reasoning="r"),
         "unknown scenario parameter 'seller.greedy' (did you mean 'seller.greed'?)"),
        ("protocol.proposer", Prior.uniform(0, 1, reasoning="r"),
         "'protocol.proposer' is not a numeric parameter"),
        ("protocol.objection_blocks", Prior.point(1, reasoning="r"),
         "'protocol.objection_blocks' is not a numeric parameter"),
        ("seller.share", Prior.uniform(0, 2, reasoning="r"),
         ("the prior of seller.share, Uniform(0, 2) on [0, 2], has support [0, 2] "
          "outside the parameter's bounds [0, 1]")),
        ("protocol.objection_cost", Prior.uniform(-1, 1, reasoning="r"),
         ("the prior of protocol.objection_cost, Uniform(-1, 1) on [-1, 1], has "
          "support [-1, 1] outside the parameter's bounds [0, inf]")),
        ("protocol.discount.buyer", Prior.beta(2, 2, reasoning="r"),
         ("the prior of protocol.discount.buyer, Beta(2, 2) on [0, 1], reaches 0; "
          "protocol.discount.buyer must be > 0")),
        ("protocol.discount.buyer", Prior.uniform(0.5, 1.5, reasoning="r"),
         "outside the parameter's bounds [0, 1]"),
        ("seller.greed", 2.0, "the prior of seller.greed must be a kurilsim.Prior"),
    ],
)
def test_with_priors_refuses_bad_names_and_priors(
    name: str, prior: Any, message: str
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(message)):
        priced().with_priors({name: prior})


def test_with_priors_needs_a_mapping() -> None:
    with pytest.raises(InvalidArgumentError, match="priors must be a mapping"):
        priced().with_priors([("seller.greed", Prior.point(1, reasoning="r"))])  # type: ignore[arg-type]


def test_a_prior_of_a_removed_agent_is_refused() -> None:
    scenario = priced().with_priors({"buyer.status_quo": Prior.point(0, reasoning="r")})
    with pytest.raises(InvalidModelError, match="unknown scenario parameter 'buyer"):
        dataclasses.replace(
            scenario,
            agents=(LinearAgent(name="shopper", weights={}), Seller()),
            protocol=NegotiationProtocol(proposer="shopper", responder="seller"),
        )


def test_an_integer_parameter_needs_an_integer_prior() -> None:
    scenario = kuril_scenario(name="s")
    spec = {s.name: s for s in Japan.parameter_specs()}["demand"]
    assert spec.integer
    low, high = spec.bounds
    assert scenario.with_priors({"japan.demand": Prior.discrete(
        [low, high], [0.5, 0.5], reasoning="r")}).priors()["japan.demand"].is_point is False
    with pytest.raises(InvalidModelError, match="does not fit an integer parameter"):
        scenario.with_priors({"japan.demand": Prior.uniform(low, high, reasoning="r")})


def test_a_prior_excluding_the_scenarios_value_warns() -> None:
    """Review finding 11: a prior that cannot produce the scenario's own value
    (most often a slip) was accepted silently."""
    scenario = load_scenario("2018-singapore")
    value = scenario.parameters()["russia.pledge_credibility"]
    narrow = Prior.uniform(value + 0.2, value + 0.3, reasoning="r")
    with pytest.warns(kurilsim.PriorExcludesValueWarning, match=re.escape(
        f"the prior of russia.pledge_credibility, {narrow.label()}, excludes its "
        f"value {value!r} in scenario '2018-singapore'"
    )):
        changed = scenario.with_priors({"russia.pledge_credibility": narrow})
    assert changed.priors()["russia.pledge_credibility"] == narrow  # still set
    assert issubclass(kurilsim.PriorExcludesValueWarning, kurilsim.KurilsimWarning)
    # a discrete prior must hold the value among its values; a point, be it
    demand = scenario.parameters()["japan.demand"]
    others = [v for v in range(1, 5) if v != demand][:2]
    for prior in (Prior.discrete(others, [0.5, 0.5], reasoning="r"),
                  Prior.point(others[0], reasoning="r")):
        with pytest.warns(kurilsim.PriorExcludesValueWarning, match="japan.demand"):
            scenario.with_priors({"japan.demand": prior})


def test_a_prior_admitting_the_value_does_not_warn() -> None:
    # the suite turns warnings into errors: any warning fails these
    scenario = load_scenario("2018-singapore")
    value = scenario.parameters()["russia.pledge_credibility"]
    prior = Prior.uniform(value, value + 0.1, reasoning="r")  # the value at an end
    scenario = scenario.with_priors({"russia.pledge_credibility": prior})
    # a sweep or a what-if may leave the prior: with_params does not warn
    moved = scenario.with_params({"russia.pledge_credibility": value + 0.5})
    kept = moved.priors()["russia.pledge_credibility"]
    assert (kept.family, kept.params) == (prior.family, prior.params)
    demand = scenario.parameters()["japan.demand"]
    scenario.with_priors({"japan.demand": Prior.discrete(
        [demand], [1.0], reasoning="r")})


@pytest.mark.parametrize("name", list_scenarios())
def test_every_bundled_scenarios_priors_admit_its_values(name: str) -> None:
    scenario = load_scenario(name)
    values = scenario.parameters()
    for dotted, prior in scenario.priors().items():
        low, high = prior.support
        assert low <= values[dotted] <= high, (dotted, values[dotted], prior)
        if prior.family == "discrete":
            assert float(values[dotted]) in prior.param("values")  # type: ignore[operator]
    # and it gives its priors again without a warning (errors in the suite)
    assert scenario.with_priors(scenario.priors()).priors() == scenario.priors()


def _labelled_sale(*labels: str) -> Scenario:
    space = AgreementSpace((Issue(name="price", options=("low", "high"),
                                  labels=labels, features={"level": (1.0, 2.0)}),))
    return Scenario(
        name="sale", space=space,
        agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
                LinearAgent(name="seller", weights={"price.level": 1.0},
                            status_quo=0.123456)),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
    )


def test_agreement_labels_state_the_parameters_they_name() -> None:
    """Review finding 19: a label whose meaning is a parameter's value (the
    Kuril package's size) can state it where the scenario is known."""
    scenario = _labelled_sale("{buyer.w[price.level]} per unit",
                              "{seller.status_quo} x {protocol.objection_cost} or "
                              "{protocol.proposer} {nobody.knows}")
    assert str(scenario.space[0]) == "{buyer.w[price.level]} per unit"
    assert scenario.agreement_label(0) == "-1 per unit"
    assert scenario.agreement_label(scenario.space[1]) == (
        f"0.123 x {scenario.parameters()['protocol.objection_cost']:.3g} or "
        "{protocol.proposer} {nobody.knows}"  # not a number, not a parameter
    )
    changed = scenario.with_params({"buyer.w[price.level]": -2.5})
    assert changed.agreement_label(np.int64(0)) == "-2.5 per unit"
    assert scenario.agreement_label(kurilsim.NO_DEAL) == "no deal"
    assert scenario.agreement_label(None) == "no deal"


def test_agreement_labels_of_a_kuril_package_name_its_size() -> None:
    base = kuril_scenario(name="s")
    economic = Issue(name="economic", options=("none", "package"),
                     labels=("none", "package of {japan.package_size} x Nagato"),
                     features={"package": (0.0, 1.0)})
    space = AgreementSpace((economic,))
    assert base.parameters()["japan.package_size"] == base.parameters()[
        "russia.package_size"]
    size = base.parameters()["japan.package_size"]
    scenario = dataclasses.replace(base, space=space, protocol=dataclasses.replace(
        base.protocol, objectionable="", objection_scope="any"))
    assert scenario.agreement_label(1) == f"package of {size:.3g} x Nagato"
    bigger = scenario.with_params({"russia.package_size": 2.0})  # an alias
    assert bigger.agreement_label(1) == "package of 2 x Nagato"


@pytest.mark.parametrize("agreement", [2, -2, True, "low", 1.0])
def test_agreement_label_refuses_what_is_not_an_agreement(agreement: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"Scenario\.agreement_label"):
        _labelled_sale("a", "b").agreement_label(agreement)


def test_describe_lists_the_priors() -> None:
    text = priced().describe()
    assert "Priors:" in text
    assert "  seller.greed: LogNormal(2, 0.5) on [0, inf]: within a factor e (j)" in text
    assert "Priors:" not in dataclasses.replace(
        priced(), agents=(LinearAgent(name="buyer", weights={}),
                          LinearAgent(name="seller", weights={}))
    ).describe()


# -- shared parameters -------------------------------------------------------------------
#: One value of the deal, declared by both sides (each sees only its own parameters).
VOLUME_PRIOR = Prior.lognormal(2.0, 0.5, reasoning="illustration")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Importer(ParametricAgent):
    """Pays ``volume`` units at the price; needs the goods (no trade costs 3)."""

    name: str = "buyer"
    thrift: float = parameter(1.0, doc="dislike of a high price", source="illustration",
                              prior=Prior.uniform(0.5, 2.0, reasoning="illustration"))
    volume: float = parameter(2.0, doc="units traded", units="units",
                              source="illustration", prior=VOLUME_PRIOR, shared=True)
    TERMS = (
        Term(name="price", column=lambda s: s.feature("price.level"),
             coefficient=lambda p: -p["thrift"] * p["volume"]),
        Term(name="status_quo", column=lambda s: s.feature("status_quo"),
             coefficient=lambda p: -3.0),
    )


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Exporter(ParametricAgent):
    """Earns ``volume`` units at the price, with diminishing returns."""

    name: str = "seller"
    volume: float = parameter(2.0, doc="units traded", units="units", linear=False,
                              source="illustration", prior=VOLUME_PRIOR, shared=True)
    greed: float = parameter(1.0, doc="taste for profit", source="illustration")
    TERMS = (
        Term(name="sale", column=lambda s: s.feature("price.level"),
             coefficient=lambda p: p["greed"] * np.sqrt(p["volume"])),
        Term(name="status_quo", column=lambda s: s.feature("status_quo"),
             coefficient=lambda p: 0.5),
    )


def trade(buyer: Importer | None = None, seller: Exporter | None = None,
          **priors: Prior) -> Scenario:
    """A two-agent scenario whose agents share ``volume`` (priors by dotted
    name, e.g. ``**{"seller.volume": prior}``)."""
    return Scenario(
        name="trade",
        space=AgreementSpace((Issue(name="price", options=("low", "high"),
                                    features={"level": (1.0, 2.0)}),)),
        agents=(buyer or Importer(), seller or Exporter()),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
        prior_overrides=priors,
    )


def test_holders_of_a_shared_parameter_must_agree() -> None:
    with pytest.raises(InvalidScenarioError,
                       match=r"buyer\.volume = 3\.0 but seller\.volume = 2\.0"):
        trade(buyer=Importer(volume=3.0))
    scenario = trade(buyer=Importer(volume=3.0), seller=Exporter(volume=3.0))
    assert scenario.agent("seller").volume == 3.0


def test_shared_parameters_name_their_aliases() -> None:
    scenario = trade()
    assert scenario.shared_parameters() == {
        "buyer.volume": ("buyer.volume", "seller.volume")
    }
    assert scenario.canonical_name("seller.volume") == "buyer.volume"
    assert scenario.canonical_name("seller.greed") == "seller.greed"
    # every alias is still a parameter name (back-compat)
    assert {"buyer.volume", "seller.volume"} <= set(scenario.parameter_names())
    with pytest.raises(InvalidModelError, match="unknown scenario parameter"):
        scenario.canonical_name("seller.volum")


def test_an_unshared_parameter_of_the_same_name_is_independent() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class Broker(ParametricAgent):
        name: str = "broker"
        volume: float = parameter(5.0, doc="own turnover", source="illustration")
        TERMS = (Term(name="fee", column=lambda s: s.feature("price.level"),
                      coefficient=lambda p: 0.01 * p["volume"]),)

    scenario = dataclasses.replace(trade(), agents=(Importer(), Exporter(), Broker()))
    assert scenario.shared_parameters() == {
        "buyer.volume": ("buyer.volume", "seller.volume")
    }
    changed = scenario.with_params({"seller.volume": 4.0})
    assert changed.agent("broker").volume == 5.0


@pytest.mark.parametrize("alias", ["buyer.volume", "seller.volume"])
def test_with_params_under_any_alias_sets_every_holder(alias: str) -> None:
    changed = trade().with_params({alias: 4.0})
    expected = trade(buyer=Importer(volume=4.0), seller=Exporter(volume=4.0))
    # the change is recorded once, under the canonical name
    assert changed.name == "trade+buyer.volume=4.0"
    assert changed == dataclasses.replace(expected, name=changed.name,
                                          notes=changed.notes, derived_from="trade")
    close(changed.utilities(), expected.utilities())


def test_with_params_refuses_two_aliases_with_different_values() -> None:
    with pytest.raises(InvalidModelError,
                       match=r"buyer\.volume = 4\.0 and seller\.volume = 5\.0"):
        trade().with_params({"buyer.volume": 4.0, "seller.volume": 5.0})
    same = trade().with_params({"buyer.volume": 4.0, "seller.volume": 4.0})
    assert same.agent("seller").volume == 4.0


@pytest.mark.parametrize("alias", ["buyer.volume", "seller.volume"])
def test_vectorised_overrides_under_any_alias_set_every_holder(alias: str) -> None:
    volume = np.array([0.5, 1.0, 4.0])
    scenario = trade()
    both = np.stack([
        trade(buyer=Importer(volume=v), seller=Exporter(volume=v)).outcome_utilities()
        for v in volume
    ])
    close(scenario.outcome_utilities({alias: volume}), both)
    rows = scenario.outcome_utilities({alias: volume}, points_last=True)
    close(rows, np.moveaxis(both, 0, -1))
    # each agent's utility moves with the volume: neither holder kept its own
    assert np.ptp(both[:, 0, 0]) > 0
    assert np.ptp(both[:, 1, 0]) > 0


def test_vectorised_overrides_refuse_two_different_alias_arrays() -> None:
    scenario = trade()
    volume = np.array([1.0, 2.0])
    with pytest.raises(InvalidModelError, match="one shared parameter"):
        scenario.outcome_utilities({"buyer.volume": volume,
                                    "seller.volume": volume[::-1]})
    close(scenario.outcome_utilities({"buyer.volume": volume,
                                      "seller.volume": volume.copy()}),
          scenario.outcome_utilities({"buyer.volume": volume}))


def test_a_shared_parameter_has_one_prior_and_one_free_dimension() -> None:
    scenario = trade()
    assert list(scenario.priors()) == ["buyer.thrift", "buyer.volume"]
    assert scenario.priors()["buyer.volume"] == VOLUME_PRIOR
    assert scenario.free_parameters() == ("buyer.thrift", "buyer.volume")


@pytest.mark.parametrize("alias", ["buyer.volume", "seller.volume"])
def test_with_priors_under_any_alias_applies_to_all(alias: str) -> None:
    wide = Prior.uniform(0.1, 10.0, reasoning="wide")
    scenario = trade().with_priors({alias: wide})
    assert scenario.priors()["buyer.volume"] == wide
    assert "seller.volume" not in scenario.priors()
    assert scenario.prior_overrides == (("buyer.volume", wide),)
    with pytest.raises(InvalidModelError, match=r"alias of buyer\.volume"):
        trade().with_priors({"buyer.volume": wide, "seller.volume": VOLUME_PRIOR})


def test_a_prior_override_must_fit_every_holder() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class SmallExporter(Exporter):
        volume: float = parameter(2.0, doc="units traded", bounds=(0.0, 3.0),
                                  source="illustration",
                                  prior=Prior.uniform(1, 3, reasoning="r"),
                                  shared=True)

    scenario = trade(seller=SmallExporter(),
                     **{"buyer.volume": Prior.uniform(1, 3, reasoning="r")})
    with pytest.raises(InvalidModelError, match=r"seller\.volume.*outside"):
        scenario.with_priors({"buyer.volume": Prior.uniform(1, 5, reasoning="r")})


def test_holders_declaring_different_priors_need_one_from_the_scenario() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class SureExporter(Exporter):
        volume: float = parameter(2.0, doc="units traded", source="illustration",
                                  prior=Prior.point(2.0, reasoning="known"),
                                  shared=True)

    with pytest.raises(InvalidScenarioError,
                       match=r"buyer\.volume declares the prior LogNormal.*but "
                             r"seller\.volume declares Point"):
        trade(seller=SureExporter())
    agreed = trade(seller=SureExporter(), **{"seller.volume": VOLUME_PRIOR})
    assert agreed.priors()["buyer.volume"] == VOLUME_PRIOR
    assert agreed.prior_overrides == (("buyer.volume", VOLUME_PRIOR),)
    with pytest.raises(InvalidScenarioError, match=r"priors of buyer\.volume"):
        trade(**{"buyer.volume": VOLUME_PRIOR,
                 "seller.volume": Prior.uniform(1, 3, reasoning="r")})


def test_a_sweep_refuses_two_aliases_as_two_axes() -> None:
    scenario = trade()
    for design in ("grid", "points"):
        with pytest.raises(InvalidModelError,
                           match=r"'buyer\.volume' and 'seller\.volume'.*one shared"):
            kurilsim.sweep(scenario, {"buyer.volume": [1.0, 2.0],
                                      "seller.volume": [1.0, 2.0]},
                           design=design, progress=False)
    with pytest.raises(InvalidModelError, match="one shared"):
        kurilsim.sweep(scenario, {"seller.volume": (1.0, 2.0),
                                  "buyer.volume": (1.0, 2.0)},
                       design="lhs", samples=4, rng=0, progress=False)


def test_a_sweep_over_one_alias_moves_every_holder() -> None:
    # The buyer proposes the low price while paying for the volume beats doing
    # without (-3): at volume 0.5 it does (-0.5), at 4 it does not (-4); had
    # only the seller's volume moved, the buyer (at 2: -2) would still trade.
    result = kurilsim.sweep(trade(), {"seller.volume": [0.5, 4.0]}, progress=False)
    assert result.agreement.tolist() == [0, -1]


@pytest.mark.parametrize("points_last", [False, True])
def test_a_parameter_no_utility_reads_still_gives_every_point_a_row(
    points_last: bool,
) -> None:
    # japan.article_cost is read only by the pledge game, not by any utility term
    scenario = kurilsim.kuril_scenario(name="unread")
    values = np.array([0.1, 0.2, 0.3])
    table = scenario.outcome_utilities({"japan.article_cost": values},
                                       points_last=points_last)
    base = scenario.outcome_utilities()
    if points_last:
        assert table.shape == (*base.shape, 3)
        # one matrix product per agent: equal up to the order of a sum
        np.testing.assert_allclose(table, np.repeat(base[..., None], 3, axis=-1),
                                   rtol=0, atol=1e-15)
    else:
        assert table.shape == (3, *base.shape)
        np.testing.assert_allclose(table, np.broadcast_to(base, (3, *base.shape)),
                                   rtol=0, atol=1e-15)


# -- with_params records what it changed ------------------------------------------------
def test_with_params_records_the_change_in_the_name_and_drops_stale_notes() -> None:
    from kurilsim import load_scenario

    base = load_scenario("2018-singapore")
    changed = base.with_params({"russia.pledge_credibility": 0.7})
    assert changed.name == "2018-singapore+russia.pledge_credibility=0.7"
    assert changed.base_name == "2018-singapore"
    assert base.base_name == "2018-singapore"
    # the notes stating the old value or the tested outcome are gone
    assert not any("russia.pledge_credibility" in n for n in changed.notes[:-1])
    assert not any("outcome" in n.lower() for n in changed.notes[:-1])
    assert any("russia.pledge_credibility" in n for n in base.notes)
    # the others are kept, in order, and one note records the change
    kept = [n for n in base.notes
            if "russia.pledge_credibility" not in n and "outcome" not in n.lower()]
    assert list(changed.notes[:-1]) == kept
    assert changed.notes[-1].startswith("Derived from scenario '2018-singapore'")
    assert "russia.pledge_credibility = 0.7" in changed.notes[-1]
    # the TOML says so too, and reads back the same scenario
    text = changed.to_toml()
    assert 'name = "2018-singapore+russia.pledge_credibility=0.7"' in text
    assert "pledge_credibility = 0.25" not in text


def test_with_params_merges_repeated_changes_and_ignores_unchanged_values() -> None:
    from kurilsim import load_scenario

    base = load_scenario("2018-singapore")
    value = base.parameters()["russia.security_weight"]
    assert base.with_params({"russia.security_weight": value}).name == base.name
    twice = base.with_params({"russia.pledge_credibility": 0.7}).with_params(
        {"japan.demand": 2, "russia.pledge_credibility": 0.5}
    )
    assert twice.name == "2018-singapore+japan.demand=2+russia.pledge_credibility=0.5"
    assert twice.base_name == "2018-singapore"
    assert sum(n.startswith("Derived from scenario") for n in twice.notes) == 1
    assert base.with_params({"russia.security_weight": 1e20}).name == (
        "2018-singapore+russia.security_weight=1e+20"
    )
    assert base.with_params({"russia.security_weight": 1e20}).base_name == base.name


def test_with_params_marks_the_scenarios_own_prior_of_a_changed_parameter() -> None:
    from kurilsim import load_scenario

    base = load_scenario("2018-singapore")
    own = dict(base.prior_overrides)
    assert "this period's value 0.25 (see the note on russia.pledge_credibility)" in (
        own["russia.pledge_credibility"].reasoning)
    changed = base.with_params({"russia.pledge_credibility": 0.7})
    prior, before = (changed.priors()["russia.pledge_credibility"],
                     base.priors()["russia.pledge_credibility"])
    # the distribution is the base scenario's; the reasoning says the value moved
    assert (prior.family, prior.params, prior.source) == (
        before.family, before.params, before.source)
    assert prior.reasoning.startswith(before.reasoning)
    assert prior.reasoning.endswith(
        "[This prior was written for scenario '2018-singapore' (the notes it cites "
        "are that scenario's); Scenario.with_params set russia.pledge_credibility "
        "to 0.7 and kept this prior.]"
    )
    # the other priors are untouched, and a second change replaces the mark
    assert changed.priors()["russia.security_weight"] == base.priors()[
        "russia.security_weight"]
    again = changed.with_params({"russia.pledge_credibility": 0.5})
    reasoning = again.priors()["russia.pledge_credibility"].reasoning
    assert reasoning.count("This prior was written") == 1
    assert "set russia.pledge_credibility to 0.5" in reasoning
    # an unchanged value leaves the prior as it is; the mark survives TOML
    value = base.parameters()["russia.pledge_credibility"]
    assert base.with_params({"russia.pledge_credibility": value}).priors() == base.priors()
    assert load_scenario_from_text(changed.to_toml()).priors() == changed.priors()


def load_scenario_from_text(text: str):
    from kurilsim.io.scenario_toml import scenario_from_toml

    return scenario_from_toml(text)


def test_a_derived_scenario_stays_in_its_regime_for_the_dynamic_concept() -> None:
    from kurilsim import load_scenario
    from kurilsim.concepts import _regime_of

    base = load_scenario("1956-declaration")
    changed = base.with_params({"japan.treaty_value": 0.3})
    assert changed.name != base.name
    assert _regime_of(changed, None) == _regime_of(base, None) is not None


# -- the notebook view (issue 19) -------------------------------------------------------
def test_repr_html_shows_agents_issues_and_folds_parameters_and_notes() -> None:
    from tests.test_html import parse_view

    scenario = load_scenario("2018-singapore")
    found = parse_view(scenario._repr_html_())
    # the summary, then folded: the parameters, the priors (if any), the notes
    assert found.tags.count("table") == 2 + bool(scenario.priors())
    assert found.tags.count("details") == 2 + bool(scenario.priors())
    assert f"Scenario {scenario.name}: {scenario.title}" in found.text
    assert ", ".join(scenario.agent_names) in found.cells
    assert str(len(scenario.space)) in found.cells
    assert f"{len(scenario.parameters())} parameters" in found.text
    assert f"{len(scenario.notes)} notes" in found.text
    for note in scenario.notes:
        assert note in found.text
    cells = found.cells
    for name, value in scenario.parameters().items():
        assert cells[cells.index(name) + 1] == (
            repr(value) if isinstance(value, float) else str(value))
    for issue in scenario.space.issues:
        assert ", ".join(issue.labels) in cells


def test_repr_html_of_a_scenario_without_notes_has_no_notes_section() -> None:
    from tests.test_html import parse_view

    scenario = kurilsim.kuril_scenario(name="plain")
    found = parse_view(scenario._repr_html_())
    assert "notes" not in found.text
    assert found.text.startswith("Scenario plain")


@pytest.mark.parametrize("key", ["name", "title"])
@pytest.mark.parametrize("bad", ["a\nb", "red\x1b[31m", "nul\x00", "tab\there"])
def test_a_name_or_title_with_control_characters_is_refused(key: str, bad: str) -> None:
    # they would break a printed table, a terminal or an HTML page
    base = kurilsim.kuril_scenario(name="plain")
    with pytest.raises(InvalidModelError, match=rf"Scenario\.{key} must be one line"):
        dataclasses.replace(base, **{key: bad})


def test_describe_and_the_notebook_view_say_what_a_placeholder_stands_for() -> None:
    from kurilsim import load_scenario

    scenario = load_scenario("2018-singapore").with_params({"japan.package_size": 2.5})
    text = scenario.describe()
    assert "package of {japan.package_size} x Nagato" in text
    assert ("a parameter in braces in an option's label stands for that parameter's "
            "value, here {japan.package_size} = 2.5;") in text
    # the explanation follows the listing of the options, before the priors
    assert text.index("{japan.package_size} = 2.5") < text.index("Priors:")
    assert "{japan.package_size} = 2.5" in scenario._repr_html_()
    # a space whose labels name no parameter gets no such line
    plain = priced()
    assert not any("{" in label for issue in plain.space.issues for label in issue.labels)
    assert "in braces" not in plain.describe()
    assert "placeholders" not in plain._repr_html_()
