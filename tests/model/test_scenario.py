"""Scenarios: utilities, parameters by dotted name, validation and equality.

The examples are mostly the calibrated Kuril case (built with
``kuril_scenario``); the protocol is tested in ``test_protocol.py``, scenario
files in ``tests/io/test_scenario_toml.py`` and the bundled scenarios in
``tests/kuril/test_scenarios.py``.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kurilsim import (
    AgreementSpace,
    InvalidModelError,
    Issue,
    Japan,
    LinearAgent,
    NegotiationProtocol,
    Russia,
    Scenario,
    UnitedStates,
    kuril_scenario,
    kuril_space,
    list_scenarios,
    load_scenario,
)
from kurilsim.kuril import kuril_protocol
from tests.model.cases import custom_scenario

#: Collected once: the tests cover whatever scenarios are built in.
BUILTIN = list_scenarios()


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


#: The overrides of the reference data ``full/overrides`` (tests/kuril/test_agents.py).
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
    """The regression data of tests/kuril/test_agents.py, within rounding."""
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
    huge = LinearAgent(name="huge", weights={"economic.size": 1e308, "treaty": 1e308})
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
    assert scenario.utilities().shape == (2, 39)


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
