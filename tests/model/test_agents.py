"""Agents: parameter validation, vectorised coefficients, gradients, serialisation."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from kurilsim import (
    AgreementSpace,
    InvalidModelError,
    Issue,
    Japan,
    LinearAgent,
    ParametricAgent,
    Prior,
    Russia,
    Term,
    UnitedStates,
    kuril_space,
)
from kurilsim.model.agents import Agent, ParameterSpec, agent_from_dict, parameter

AGENT_TYPES: tuple[type[ParametricAgent], ...] = (Japan, Russia, UnitedStates)
SPACES = {
    "nested": kuril_space(),
    "subsets-sovereignty-fisheries": kuril_space(
        islands="subsets", sovereignty=True, fisheries=True
    ),
}


def close(actual: Any, expected: Any) -> None:
    """Equal up to floating-point summation order."""
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


# -- parameter specs ------------------------------------------------------------------
@pytest.mark.parametrize("cls", AGENT_TYPES, ids=lambda cls: cls.__name__)
def test_parameter_specs_are_documented(cls: type[ParametricAgent]) -> None:
    agent = cls()
    specs = cls.parameter_specs()
    assert specs
    assert all(isinstance(spec, ParameterSpec) for spec in specs)
    assert [spec.name for spec in specs] == list(agent.parameters())
    description = cls.describe()
    for spec in specs:
        low, high = spec.bounds
        assert low <= spec.default <= high
        assert getattr(agent, spec.name) == spec.default
        assert spec.doc.strip()
        assert spec.source.strip()
        assert spec.units.strip()
        assert spec.name in description
    assert isinstance(agent, Agent)


@pytest.mark.parametrize(
    ("cls", "parameter", "value", "shown"),
    [
        (Japan, "demand", 5, "5"),
        (Japan, "demand", -1, "-1"),
        (Japan, "demand", 2.5, "2.5"),
        (Japan, "demand", True, "True"),
        (Japan, "demand", np.array([1, 2]), "[1, 2]"),
        (Japan, "audience_cost", -0.1, "-0.1"),
        (Japan, "audience_cost", math.nan, "nan"),
        (Japan, "status_quo", math.inf, "inf"),
        (Japan, "treaty_value", "high", "'high'"),
        (Japan, "treaty_value", None, "None"),
        (Japan, "weight_area", [0.5], "[0.5]"),
        (Russia, "pledge_credibility", 1.5, "1.5"),
        (Russia, "residents_weight", -0.5, "-0.5"),
        (Russia, "security_weight", False, "False"),
        (UnitedStates, "carveout_cost", -2.0, "-2.0"),
        (UnitedStates, "detente_value", -math.inf, "-inf"),
    ],
)
def test_parameter_validation_names_the_parameter(
    cls: type[ParametricAgent], parameter: str, value: object, shown: str
) -> None:
    with pytest.raises(
        InvalidModelError, match=re.escape(f"{cls.__name__}.{parameter}")
    ) as info:
        cls(**{parameter: value})
    assert shown in str(info.value)
    # The same checks apply to with_params.
    with pytest.raises(InvalidModelError, match=re.escape(parameter)):
        cls().with_params({parameter: value})  # type: ignore[dict-item]


def test_out_of_bounds_message_shows_the_interval() -> None:
    with pytest.raises(InvalidModelError) as info:
        Japan(demand=7)
    message = str(info.value)
    assert "integer" in message
    assert "[0, 4]" in message
    assert message.endswith("got 7")


@pytest.mark.parametrize("cls", AGENT_TYPES, ids=lambda cls: cls.__name__)
def test_with_params_unknown_name_lists_the_valid_ones(
    cls: type[ParametricAgent],
) -> None:
    agent = cls()
    with pytest.raises(InvalidModelError, match="'bogus'") as info:
        agent.with_params({"bogus": 1.0})
    for name in agent.parameters():
        assert repr(name) in str(info.value)
    with pytest.raises(InvalidModelError, match="'bogus'"):
        agent.coefficients({"bogus": 1.0})


def test_with_params_returns_a_validated_copy() -> None:
    japan = Japan()
    two = japan.with_params({"demand": 2, "audience_cost": 0.5})
    assert (two.demand, two.audience_cost) == (2, 0.5)
    assert japan.demand == 4  # unchanged
    assert two == Japan(demand=2, audience_cost=0.5)
    assert two != japan
    assert japan.with_params({}) == japan


def test_numpy_scalars_become_python_numbers() -> None:
    japan = Japan(demand=np.int64(2), audience_cost=np.float64(0.5))  # type: ignore[arg-type]
    assert type(japan.demand) is int
    assert type(japan.audience_cost) is float


@pytest.mark.parametrize("name", ["", "a.b", 3])
def test_agent_name_validation(name: object) -> None:
    with pytest.raises(InvalidModelError, match="name"):
        Japan(name=name)  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match="name"):
        LinearAgent(name=name, weights={})  # type: ignore[arg-type]


# -- utilities --------------------------------------------------------------------------
@pytest.mark.parametrize("cls", AGENT_TYPES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_utilities_are_coefficients_times_terms(
    cls: type[ParametricAgent], space: AgreementSpace
) -> None:
    agent = cls()
    terms = agent.utility_terms(space)
    assert terms.shape == (len(space) + 1, len(agent.term_names()))
    assert agent.coefficients().shape == (len(agent.term_names()),)
    outcome = agent.outcome_utilities(space)
    close(outcome, agent.coefficients() @ terms.T)
    assert outcome.shape == (len(space) + 1,)
    close(agent.utilities(space), outcome[:-1])
    assert agent.status_quo_utility(space) == outcome[-1]
    assert agent.with_params({"status_quo": -0.25}).status_quo_utility(space) == -0.25


# -- vectorised coefficients ---------------------------------------------------------
GRIDS: dict[type[ParametricAgent], dict[str, Any]] = {
    Japan: {
        "demand": np.arange(5)[:, None],
        "audience_cost": np.array([0.0, 0.3, 1.0]),
    },
    Russia: {
        "security_weight": np.array([0.0, 1.0, 2.5])[:, None],
        "pledge_credibility": np.array([0.0, 0.5, 1.0]),
        "residents_weight": 0.25,
    },
    UnitedStates: {
        "detente_value": np.array([-1.0, 0.0, 0.5])[:, None],
        "carveout_cost": np.array([0.0, 0.4]),
    },
}


@pytest.mark.parametrize("cls", AGENT_TYPES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_coefficients_broadcast_like_agents_per_point(
    cls: type[ParametricAgent], space: AgreementSpace
) -> None:
    agent = cls()
    grid = GRIDS[cls]
    shape = np.broadcast_shapes(*(np.shape(v) for v in grid.values()))
    coefficients = agent.coefficients(grid)
    assert coefficients.shape == (*shape, len(agent.term_names()))
    utilities = agent.outcome_utilities(space, grid)
    assert utilities.shape == (*shape, len(space) + 1)
    arrays = dict(zip(grid, np.broadcast_arrays(*grid.values()), strict=True))
    for index in itertools.product(*(range(n) for n in shape)):
        point = {name: values[index].item() for name, values in arrays.items()}
        single = agent.with_params(point)
        close(coefficients[index], single.coefficients())
        close(utilities[index], single.outcome_utilities(space))


def test_coefficients_without_overrides_are_the_agents() -> None:
    japan = Japan(demand=2)
    np.testing.assert_array_equal(japan.coefficients(), japan.coefficients({}))
    np.testing.assert_array_equal(
        japan.coefficients({"demand": 2}), japan.coefficients()
    )


def test_coefficient_overrides_are_validated() -> None:
    with pytest.raises(InvalidModelError, match=r"Japan\.demand.*got 7"):
        Japan().coefficients({"demand": np.array([1, 7])})
    with pytest.raises(InvalidModelError, match=r"Russia\.pledge_credibility"):
        Russia().coefficients({"pledge_credibility": [0.5, 1.5]})
    with pytest.raises(InvalidModelError, match=r"Japan\.demand"):
        Japan().coefficients({"demand": [1.5]})
    with pytest.raises(InvalidModelError, match=r"Japan\.demand"):
        Japan().coefficients({"demand": [True, False]})
    with pytest.raises(ValueError, match="broadcast"):
        Japan().coefficients({"demand": [1, 2], "audience_cost": [0.1, 0.2, 0.3]})


# -- gradients --------------------------------------------------------------------------
def _step(spec: ParameterSpec, value: float) -> float:
    """A step that stays within the parameter's bounds."""
    low, high = spec.bounds
    if math.isfinite(high):
        return 0.5 * (high - value) if high > value else -0.5 * (value - low)
    return 0.7


LINEAR = [
    (cls, spec.name)
    for cls in AGENT_TYPES
    for spec in cls.parameter_specs()
    if spec.linear
]
NONLINEAR = [
    (cls, spec.name)
    for cls in AGENT_TYPES
    for spec in cls.parameter_specs()
    if not spec.linear
]


@pytest.mark.parametrize(
    ("cls", "name"), LINEAR, ids=[f"{cls.__name__}.{name}" for cls, name in LINEAR]
)
@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_utility_gradient_is_exact_for_linear_parameters(
    cls: type[ParametricAgent], name: str, space: AgreementSpace
) -> None:
    agent = cls()
    if cls is Japan:
        agent = agent.with_params({"demand": 4})  # make every audience cost bite
    spec = {spec.name: spec for spec in cls.parameter_specs()}[name]
    value = getattr(agent, name)
    h = _step(spec, value)
    gradient = agent.utility_gradient(space, name)
    assert gradient.shape == (len(space) + 1,)
    before = agent.outcome_utilities(space)
    after = agent.with_params({name: value + h}).outcome_utilities(space)
    close(after - before, h * gradient)
    if space.has_feature("fisheries.access") and spec.read_by is None:
        # every issue present: a utility parameter affects some outcome
        assert np.any(gradient != 0), f"{name} does not affect any outcome"
    if spec.read_by is not None:  # read by one concept, by no utility term
        assert np.all(gradient == 0), f"{name} is read_by {spec.read_by!r}"



@pytest.mark.parametrize(
    ("cls", "name"),
    NONLINEAR,
    ids=[f"{cls.__name__}.{name}" for cls, name in NONLINEAR],
)
def test_utility_gradient_refuses_nonlinear_parameters(
    cls: type[ParametricAgent], name: str
) -> None:
    with pytest.raises(InvalidModelError, match=f"not linear in '{name}'") as info:
        cls().utility_gradient(kuril_space(), name)
    linear = [spec.name for spec in cls.parameter_specs() if spec.linear]
    for each in linear:
        assert repr(each) in str(info.value)


def test_utility_gradient_unknown_parameter() -> None:
    with pytest.raises(InvalidModelError, match="'bogus'"):
        Japan().utility_gradient(kuril_space(), "bogus")


def test_nonlinear_parameters_really_are_nonlinear() -> None:
    # demand is a step function: the utilities jump between integer values.
    space = kuril_space()
    u = [Japan(demand=d).outcome_utilities(space) for d in range(5)]
    assert not np.allclose(u[2] - u[1], u[3] - u[2])


# -- LinearAgent ------------------------------------------------------------------------
def test_linear_agent_terms_and_interactions() -> None:
    space = kuril_space()
    agent = LinearAgent(
        name="hokkaido",
        weights={
            "islands.habomai": 1.0,
            "islands.habomai*security.demilitarised": -0.2,
            "security=no-us-forces * economic.package": 0.5,
            "treaty": 0.1,
        },
        status_quo=-0.05,
    )
    assert agent.term_names() == (*agent.weights, "status_quo")
    terms = agent.utility_terms(space)
    assert terms.shape == (len(space) + 1, 5)
    np.testing.assert_array_equal(terms[:, 0], space.feature("islands.habomai"))
    np.testing.assert_array_equal(
        terms[:, 1],
        space.feature("islands.habomai") * space.feature("security.demilitarised"),
    )
    np.testing.assert_array_equal(
        terms[:, 2],
        space.feature("security=no-us-forces") * space.feature("economic.package"),
    )
    np.testing.assert_array_equal(terms[:, 4], space.feature("status_quo"))
    expected = (
        1.0 * terms[:, 0]
        - 0.2 * terms[:, 1]
        + 0.5 * terms[:, 2]
        + 0.1 * terms[:, 3]
        - 0.05 * terms[:, 4]
    )
    close(agent.outcome_utilities(space), expected)
    deal = space.agreement(islands="H", security="demilitarised", economic="none")
    assert agent.utilities(space)[space.index(deal)] == pytest.approx(0.9)
    deal = space.agreement(islands="H+S", security="no-us-forces", economic="package")
    assert agent.utilities(space)[space.index(deal)] == pytest.approx(1.6)
    assert agent.status_quo_utility(space) == pytest.approx(-0.05)


def test_linear_agent_status_quo_utility_includes_status_quo_features() -> None:
    issue = Issue(
        name="border",
        options=["old", "new"],
        features={"km": [0.0, 2.0]},
        status_quo={"km": 1.0},
    )
    space = AgreementSpace([issue])
    agent = LinearAgent(name="x", weights={"border.km": 3.0}, status_quo=0.5)
    close(agent.outcome_utilities(space), [0.0, 6.0, 3.5])
    assert agent.status_quo_utility(space) == pytest.approx(3.5)


def test_linear_agent_unknown_feature() -> None:
    agent = LinearAgent(name="x", weights={"islands.urup": 1.0})
    with pytest.raises(InvalidModelError, match=re.escape("'islands.urup'")) as info:
        agent.utilities(kuril_space())
    assert "islands.habomai" in str(info.value)
    product = LinearAgent(name="x", weights={"treaty*straits.open": 1.0})
    with pytest.raises(InvalidModelError, match=re.escape("'straits.open'")):
        product.utility_terms(kuril_space())


def test_linear_agent_parameters() -> None:
    agent = LinearAgent(name="x", weights={"treaty": 1, "islands.count": -0.5})
    assert agent.weights == {"treaty": 1.0, "islands.count": -0.5}
    assert isinstance(agent.weights["treaty"], float)
    assert agent.parameters() == {
        "status_quo": 0.0,
        "w[treaty]": 1.0,
        "w[islands.count]": -0.5,
    }
    changed = agent.with_params({"w[treaty]": 2.0, "status_quo": 0.1})
    assert changed.weights == {"treaty": 2.0, "islands.count": -0.5}
    assert changed.status_quo == 0.1
    assert agent.weights["treaty"] == 1.0
    with pytest.raises(
        InvalidModelError, match=re.escape("'w[economic.size]'")
    ) as info:
        agent.with_params({"w[economic.size]": 1.0})
    assert "'w[treaty]'" in str(info.value)
    assert "'status_quo'" in str(info.value)


def test_linear_agent_coefficients_broadcast() -> None:
    space = kuril_space()
    agent = LinearAgent(name="x", weights={"treaty": 1.0, "islands.count": -0.5})
    grid = {
        "w[treaty]": np.linspace(0, 1, 4)[:, None],
        "status_quo": np.array([0, 1.0]),
    }
    utilities = agent.outcome_utilities(space, grid)
    assert agent.coefficients(grid).shape == (4, 2, 3)
    assert utilities.shape == (4, 2, len(space) + 1)
    for i, j in itertools.product(range(4), range(2)):
        point = {
            "w[treaty]": float(grid["w[treaty]"][i, 0]),
            "status_quo": float(grid["status_quo"][j]),
        }
        close(utilities[i, j], agent.with_params(point).outcome_utilities(space))
    with pytest.raises(InvalidModelError, match=re.escape("'w[bogus]'")):
        agent.coefficients({"w[bogus]": 1.0})
    with pytest.raises(InvalidModelError, match="finite"):
        agent.coefficients({"status_quo": [0.0, math.nan]})


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"weights": {"treaty": math.inf}}, "inf"),
        ({"weights": {"treaty": True}}, "True"),
        ({"weights": {"treaty": "1"}}, "'1'"),
        ({"weights": {"status_quo": 1.0}}, "'status_quo'"),
        ({"weights": {"": 1.0}}, "''"),
        ({"weights": ["treaty"]}, "['treaty']"),
        ({"weights": {}, "status_quo": math.nan}, "nan"),
        ({"weights": {}, "status_quo": "x"}, "'x'"),
        ({"weights": {}, "status_quo": True}, "True"),
    ],
)
def test_linear_agent_validation(kwargs: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        LinearAgent(name="x", **kwargs)


# -- serialisation ------------------------------------------------------------------
@pytest.mark.parametrize(
    "agent",
    [
        Japan(),
        Japan(demand=2, audience_cost=0.45, status_quo=-0.1),
        Russia(pledge_credibility=1.0, constitutional_penalty=3.0),
        UnitedStates(detente_value=-0.3, name="usa"),
        LinearAgent(
            name="fishers",
            weights={"fisheries.access": 1.0, "fisheries.joint*islands.any": 0.5},
            status_quo=0.25,
            description="Hokkaido fishers",
        ),
    ],
    ids=lambda agent: agent.name,
)
def test_agent_from_dict_round_trip(agent: Agent) -> None:
    data = agent.to_dict()
    assert data["name"] == agent.name
    rebuilt = agent_from_dict(data)
    assert type(rebuilt) is type(agent)
    assert rebuilt == agent
    assert data == agent.to_dict()  # not mutated


def test_agent_from_dict_types() -> None:
    assert agent_from_dict({"type": "Japan"}) == Japan()
    assert agent_from_dict({"type": "Russia", "security_weight": 2}) == Russia(
        security_weight=2.0
    )
    assert agent_from_dict({"type": "UnitedStates"}).name == "united_states"
    assert Japan().to_dict()["type"] == "Japan"
    assert LinearAgent(name="x", weights={}).to_dict()["type"] == "LinearAgent"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"demand": 2}, "'type'"),
        ({"type": 3}, "'type'"),
        ({"type": "China"}, "'China'"),
        ({"type": "Japan", "demnd": 2}, "'demnd'"),
        ({"type": "Japan", "demand": 7}, "Japan.demand"),
        ({"type": "Japan", "demand": "x"}, "'x'"),
        ({"type": "Russia", "name": "a.b"}, "'a.b'"),
        ({"type": "LinearAgent", "name": "x", "weights": {}, "foo": 1}, "foo"),
        ({"type": "LinearAgent", "weights": {}}, "LinearAgent"),
        ({"type": "no_such_module:Agent"}, "'no_such_module:Agent'"),
        ({"type": "kurilsim.model.agents:Japan"}, "unknown agent type"),
        ({"type": "kurilsim:kuril_space"}, "unknown agent type"),
    ],
)
def test_agent_from_dict_errors(data: dict[str, Any], shown: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        agent_from_dict(data)


def test_agent_from_dict_unknown_parameter_lists_valid_ones() -> None:
    with pytest.raises(InvalidModelError, match="'demnd'") as info:
        agent_from_dict({"type": "Japan", "demnd": 2})
    for name in Japan().parameters():
        assert repr(name) in str(info.value)
    assert "'name'" not in str(info.value)


# -- terms and coefficients are declared together -------------------------------------
PRICE = AgreementSpace(
    (Issue(name="price", options=("low", "high"), features={"level": (1.0, 2.0)}),)
)
BONUS = Term(
    name="bonus",
    column=lambda space: space.feature("treaty"),
    coefficient=lambda p: p["bonus_value"],
    doc="any deal at all",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer(ParametricAgent):
    """A two-term agent: each term's column and coefficient side by side."""

    name: str = "buyer"
    thrift: float = parameter(1.0, doc="dislike of a high price", source="test")
    TERMS = (
        Term(
            name="price",
            column=lambda space: space.feature("price.level"),
            coefficient=lambda p: -p["thrift"],
        ),
        Term(
            name="status_quo",
            column=lambda space: space.feature("status_quo"),
            coefficient=lambda p: 0.0,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class KeenBuyer(Buyer):
    """A subclass extending the terms of its base."""

    bonus_value: float = parameter(0.5, doc="value of any deal", source="test")
    TERMS = (*Buyer.TERMS, BONUS)


def test_terms_give_the_names_columns_and_coefficients() -> None:
    buyer = Buyer(thrift=2.0)
    assert buyer.term_names() == ("price", "status_quo")
    np.testing.assert_array_equal(
        buyer.utility_terms(PRICE), [[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]
    )
    np.testing.assert_array_equal(buyer.utilities(PRICE), [-2.0, -4.0])
    np.testing.assert_array_equal(
        buyer.coefficients({"thrift": np.array([1.0, 3.0])}),
        [[-1.0, 0.0], [-3.0, 0.0]],
    )
    columns = buyer.coefficient_columns({"thrift": np.array([1.0, 3.0])})
    assert [np.shape(column) for column in columns] == [(2,), ()]


def test_a_subclass_extends_the_terms_of_its_base() -> None:
    keen = KeenBuyer(thrift=2.0, bonus_value=0.25)
    assert keen.term_names() == ("price", "status_quo", "bonus")
    np.testing.assert_array_equal(keen.utilities(PRICE), [-1.75, -3.75])
    assert keen.status_quo_utility(PRICE) == 0.0
    np.testing.assert_array_equal(
        keen.utility_gradient(PRICE, "bonus_value"), [1.0, 1.0, 0.0]
    )
    np.testing.assert_array_equal(keen.utility_gradient(PRICE, "thrift"), [-1, -2, 0])
    assert Buyer().term_names() == ("price", "status_quo")  # the base is unchanged


def test_a_repeated_term_name_fails_at_class_definition() -> None:
    with pytest.raises(InvalidModelError) as info:

        @dataclass(frozen=True, slots=True, kw_only=True)
        class Twice(Buyer):
            TERMS = (*Buyer.TERMS, BONUS, BONUS)

    assert str(info.value) == (
        "Twice.TERMS declares the term 'bonus' more than once; term names must be "
        "unique"
    )


@pytest.mark.parametrize(
    "terms",
    [("price", "status_quo"), list(Buyer.TERMS), (*Buyer.TERMS, None)],
    ids=["names", "list", "not-a-term"],
)
def test_terms_must_be_a_tuple_of_term_records(terms: Any) -> None:
    with pytest.raises(InvalidModelError, match=r"Bad\.TERMS must be a tuple of Term"):

        class Bad(Buyer):
            TERMS = terms


@pytest.mark.parametrize("retired", ["_terms", "_coefficients"])
def test_the_retired_two_method_style_is_refused(retired: str) -> None:
    with pytest.raises(InvalidModelError, match=f"Old defines {retired}, which are"):
        type("Old", (Buyer,), {retired: lambda self, arg: {}})


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"name": ""}, "Term.name must be a non-empty string"),
        ({"name": " price"}, "without surrounding whitespace, got ' price'"),
        ({"name": 3}, "got 3"),
        ({"column": 1.0}, "term 'price': column must be callable, got 1.0"),
        ({"coefficient": "thrift"}, "coefficient must be callable, got 'thrift'"),
        ({"doc": None}, "term 'price': doc must be a string, got None"),
    ],
)
def test_bad_terms_are_refused(changes: dict[str, Any], shown: str) -> None:
    fields: dict[str, Any] = {
        "name": "price",
        "column": lambda space: space.feature("price.level"),
        "coefficient": lambda p: p["thrift"],
        **changes,
    }
    with pytest.raises(InvalidModelError, match=re.escape(shown)):
        Term(**fields)


def test_a_term_is_a_frozen_record() -> None:
    term = Buyer.TERMS[0]
    assert term.doc == ""
    with pytest.raises(AttributeError):
        term.name = "cost"  # type: ignore[misc]


def test_an_agent_without_terms_says_what_to_declare() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Empty(ParametricAgent):
        name: str = "empty"

    with pytest.raises(InvalidModelError, match=r"Empty declares no utility terms"):
        Empty().term_names()
    with pytest.raises(InvalidModelError, match="TERMS = \\(Term\\("):
        Empty().utilities(PRICE)


def test_a_column_of_the_wrong_shape_is_named() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Short(Buyer):
        TERMS = (
            *Buyer.TERMS,
            Term(
                name="short",
                column=lambda space: space.features[:, 0],
                coefficient=lambda p: p["thrift"],
            ),
        )

    with pytest.raises(InvalidModelError) as info:
        Short().utilities(PRICE)
    assert str(info.value) == (
        "Short: the column of term 'short' has shape (2,), expected (3,) (one value "
        "per agreement, then the status quo)"
    )


# -- priors ---------------------------------------------------------------------------
def _agent_with_priors() -> type[ParametricAgent]:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Haggler(ParametricAgent):
        name: str = "haggler"
        thrift: float = parameter(
            1.0, doc="dislike of a high price", source="illustration",
            prior=Prior.lognormal(1.0, 0.5, reasoning="within a factor e",
                                  source="judgement"),
        )
        share: float = parameter(
            0.5, doc="share kept", bounds=(0.0, 1.0), source="illustration",
            prior=Prior.beta(2, 2, reasoning="centred"),
        )
        rounds: float = parameter(
            2, doc="rounds of haggling", units="rounds", bounds=(1, 5),
            integer=True, source="illustration",
            prior=Prior.discrete([1, 2, 3], [0.25, 0.5, 0.25], reasoning="mostly two"),
        )
        patience: float = parameter(0.2, doc="no prior", source="illustration")
        TERMS = (
            Term(name="price", column=lambda space: space.feature("price.level"),
                 coefficient=lambda p: -p["thrift"] * p["share"] * p["rounds"]),
        )

    return Haggler


def test_parameter_specs_carry_their_priors() -> None:
    cls = _agent_with_priors()
    specs = {spec.name: spec for spec in cls.parameter_specs()}
    assert specs["thrift"].prior == Prior.lognormal(
        1.0, 0.5, reasoning="within a factor e", source="judgement")
    assert specs["share"].prior is not None
    assert specs["share"].prior.family == "beta"
    assert specs["rounds"].prior is not None
    assert specs["rounds"].prior.family == "discrete"
    assert specs["patience"].prior is None
    lines = cls.describe().splitlines()
    thrift = next(k for k, line in enumerate(lines) if line.lstrip().startswith("thrift"))
    assert lines[thrift + 1].strip() == (
        "prior: LogNormal(1, 0.5) on [0, inf]: within a factor e (judgement)"
    )
    patience = next(
        k for k, line in enumerate(lines) if line.lstrip().startswith("patience")
    )
    assert patience == len(lines) - 1  # no prior line follows it


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bounds": (0.0, 1.0), "prior_args": ("uniform", 0, 2)},
         ("the prior of the parameter 'p', Uniform(0, 2) on [0, 2], has support "
          "[0, 2] outside the parameter's bounds [0, 1]")),
        ({"bounds": (0.0, 10.0), "prior_args": ("lognormal", 1, 1)},
         "has support [0, inf] outside the parameter's bounds [0, 10]"),
        ({"bounds": (0.0, 4.0), "integer": True, "prior_args": ("uniform", 0, 4)},
         "does not fit an integer parameter"),
    ],
)
def test_parameter_refuses_a_prior_that_does_not_fit(
    options: dict[str, Any], message: str
) -> None:
    kind, *args = options.pop("prior_args")
    prior = getattr(Prior, kind)(*args, reasoning="r")
    with pytest.raises(InvalidModelError, match=re.escape(message)):
        parameter(1.0, doc="p", source="s", prior=prior, **options)


def test_parameter_refuses_a_prior_that_is_not_a_prior() -> None:
    with pytest.raises(InvalidModelError, match=r"must be a kurilsim\.Prior"):
        parameter(1.0, doc="p", source="s", prior={"family": "uniform"})  # type: ignore[arg-type]


def test_a_spec_checks_its_prior_too() -> None:
    with pytest.raises(InvalidModelError, match="the prior of share, Uniform"):
        ParameterSpec(name="share", doc="d", units="u", default=0.5,
                      bounds=(0.0, 1.0), integer=False, linear=True, source="s",
                      prior=Prior.uniform(0, 2, reasoning="r"))
    spec = ParameterSpec(name="share", doc="d", units="u", default=0.5,
                         bounds=(0.0, 1.0), integer=False, linear=True, source="s")
    assert spec.prior is None


# -- shared parameters -------------------------------------------------------------------
def test_a_parameter_is_not_shared_unless_declared_so() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Trader(ParametricAgent):
        name: str = "trader"
        volume: float = parameter(1.0, doc="units traded", source="illustration",
                                  shared=True)
        greed: float = parameter(1.0, doc="taste for profit", source="illustration")
        TERMS = (Term(name="sale", column=lambda s: s.feature("price.level"),
                      coefficient=lambda p: p["volume"] * p["greed"]),)

    shared = {spec.name: spec.shared for spec in Trader.parameter_specs()}
    assert shared == {"volume": True, "greed": False}


def test_shared_must_be_a_bool() -> None:
    with pytest.raises(InvalidModelError, match=r"shared of the parameter 'x'.*'yes'"):
        parameter(1.0, doc="x", source="s", shared="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match=r"shared of v must be True or False"):
        ParameterSpec(name="v", doc="d", units="u", default=1.0, bounds=(0.0, 2.0),
                      integer=False, linear=True, source="s",
                      shared=1)  # type: ignore[arg-type]

