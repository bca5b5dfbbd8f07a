"""Scenarios: utilities, parameters by dotted name, protocol, TOML files."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    AgreementSpace,
    Constraint,
    InvalidModelError,
    Issue,
    Japan,
    LinearAgent,
    NegotiationProtocol,
    Russia,
    Scenario,
    ScenarioFileError,
    UnitedStates,
    kuril_space,
    list_scenarios,
    load_scenario,
)

#: Collected once: the tests cover whatever scenarios are built in.
BUILTIN = list_scenarios()


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


def custom_scenario() -> Scenario:
    """A scenario with a hand-made space (custom issue and constraint)."""
    space = kuril_space().with_issues(
        Issue(
            name="straits",
            options=["closed", "open"],
            labels=["no transit rights", "free transit"],
            features={"transit": [0.0, 1.0], "fee": [0.0, 0.25]},
            status_quo={"fee": 0.5},
            description="Transit through the Catherine Strait.",
        ),
        constraints=[
            Constraint(
                when={"straits": ["open"]},
                require={"security": ["no-us-forces", "demilitarised"]},
                description="Free transit only without US forces.",
            )
        ],
    )
    fishers = LinearAgent(
        name="fishers",
        weights={
            "straits.transit": 0.5,
            "islands.habomai*straits.fee": -1.0,
            "economic=larger": 0.125,
        },
        status_quo=-0.25,
        description="Hokkaido fishing cooperatives",
    )
    return Scenario(
        name="custom",
        title="A custom space",
        description='Straits added.\nTwo lines, "quotes" and ü.',
        notes=("one", "two"),
        space=space,
        agents=(Japan(demand=2), Russia(security_weight=1.5), fishers),
        protocol=NegotiationProtocol(
            objector="fishers", objection_cost=0.05, discount={"russia": 0.8}
        ),
    )


# -- built-in scenarios -----------------------------------------------------------------
def test_there_are_builtin_scenarios() -> None:
    assert BUILTIN
    assert list(BUILTIN) == sorted(BUILTIN)
    assert "2018-singapore" in BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_scenario_utilities(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.title.strip()
    n = len(scenario.space)
    utilities = scenario.utilities()
    assert utilities.shape == (3, n)
    assert len(scenario.agents) == 3
    assert np.all(np.isfinite(utilities))
    assert not utilities.flags.writeable
    status_quo = scenario.status_quo_utilities()
    assert status_quo.shape == (3,)
    assert not status_quo.flags.writeable
    outcome = scenario.outcome_utilities()
    assert outcome.shape == (3, n + 1)
    np.testing.assert_array_equal(outcome[:, :-1], utilities)
    np.testing.assert_array_equal(outcome[:, -1], status_quo)
    for row, agent in enumerate(scenario.agents):
        close(utilities[row], agent.utilities(scenario.space))
        assert status_quo[row] == pytest.approx(
            agent.status_quo_utility(scenario.space)
        )
    with pytest.raises(ValueError, match="read-only"):
        utilities[0, 0] = 1.0


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_scenario_toml_round_trip(name: str, tmp_path: Path) -> None:
    scenario = load_scenario(name)
    path = tmp_path / f"{name}.toml"
    text = scenario.to_toml(path)
    assert path.read_text(encoding="utf-8") == text
    loaded = load_scenario(path)
    assert loaded == scenario
    np.testing.assert_array_equal(
        loaded.outcome_utilities(), scenario.outcome_utilities()
    )
    assert loaded.to_toml() == text  # a fixed point
    assert load_scenario(str(path)) == scenario


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_scenario_parameters_round_trip(name: str) -> None:
    scenario = load_scenario(name)
    parameters = scenario.parameters()
    changes = {k: v for k, v in parameters.items() if not k.startswith("protocol.")}
    assert scenario.with_params(changes) == scenario
    assert "protocol.discount.russia" in parameters


# -- utilities ----------------------------------------------------------------------
def test_default_scenario() -> None:
    scenario = Scenario(name="default")
    assert scenario.space == kuril_space()
    assert scenario.agents == (Japan(), Russia(), UnitedStates())
    assert scenario.agent_names == ("japan", "russia", "united_states")
    assert scenario.protocol == NegotiationProtocol()
    assert scenario.utilities().shape == (3, 39)
    assert scenario.agent("russia") == Russia()
    with pytest.raises(InvalidModelError, match="'china'") as info:
        scenario.agent("china")
    assert "'japan'" in str(info.value)
    assert repr(scenario) == (
        "Scenario(name='default', agents=[japan, russia, united_states], 39 agreements)"
    )


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
        Scenario(name="x").outcome_utilities(overrides)


def test_non_finite_utilities_are_rejected() -> None:
    huge = LinearAgent(name="huge", weights={"economic.size": 1e308, "treaty": 1e308})
    with np.errstate(all="ignore"), pytest.raises(InvalidModelError, match="finite"):
        Scenario(
            name="x",
            agents=(huge, Russia()),
            protocol=NegotiationProtocol(proposer="huge", objector=""),
        )


# -- parameters ---------------------------------------------------------------------
def test_with_params_agents_and_protocol() -> None:
    scenario = Scenario(name="x")
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
    assert scenario == Scenario(name="x")  # unchanged
    np.testing.assert_array_equal(
        changed.utilities()[0], Japan(demand=2).utilities(scenario.space)
    )


def test_parameter_names() -> None:
    scenario = Scenario(name="x")
    names = scenario.parameter_names()
    assert "japan.demand" in names
    assert "united_states.carveout_cost" in names
    for agent in ("japan", "russia", "united_states"):
        assert f"protocol.discount.{agent}" in names
    assert "protocol.objection_cost" in names
    assert len(names) == len(set(names))


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
    scenario = Scenario(name="x")
    with pytest.raises(InvalidModelError, match=re.escape(repr(name))) as info:
        scenario.with_params({name: 1})
    message = str(info.value)
    assert f"did you mean {suggestion!r}?" in message
    for valid in scenario.parameter_names():
        assert valid in message


@pytest.mark.parametrize("name", ["nodot", "china.power", "japan.", 3])
def test_with_params_unknown_name_lists_valid_names(name: Any) -> None:
    scenario = Scenario(name="x")
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
        Scenario(name="x").with_params(changes)


# -- protocol -----------------------------------------------------------------------
def test_protocol_defaults() -> None:
    protocol = NegotiationProtocol()
    assert (protocol.proposer, protocol.responder, protocol.objector) == (
        "japan",
        "russia",
        "united_states",
    )
    assert protocol.discount_factor("anyone") == 0.9
    assert NegotiationProtocol(discount={"japan": 1}).discount == {"japan": 1.0}
    assert NegotiationProtocol(objection_cost=1).objection_cost == 1.0


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
        NegotiationProtocol(**kwargs)


@pytest.mark.parametrize(
    ("protocol", "shown"),
    [
        (NegotiationProtocol(proposer="china"), "protocol.proposer is 'china'"),
        (NegotiationProtocol(responder="china"), "protocol.responder is 'china'"),
        (NegotiationProtocol(objector="china"), "protocol.objector is 'china'"),
        (NegotiationProtocol(discount={"china": 0.5}), "'china'"),
    ],
)
def test_protocol_must_name_agents_of_the_scenario(
    protocol: NegotiationProtocol, shown: str
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(shown)) as info:
        Scenario(name="x", protocol=protocol)
    assert "'united_states'" in str(info.value)


def test_objector_may_be_nobody() -> None:
    scenario = Scenario(
        name="x",
        agents=(Japan(), Russia()),
        protocol=NegotiationProtocol(objector=""),
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
        Scenario(**kwargs)


def test_scenario_equality() -> None:
    assert Scenario(name="x") == Scenario(name="x")
    assert hash(Scenario(name="x")) == hash(Scenario(name="x"))
    assert Scenario(name="x", notes="one").notes == ("one",)
    different = [
        Scenario(name="y"),
        Scenario(name="x", title="t"),
        Scenario(name="x", description="d"),
        Scenario(name="x", notes=("n",)),
        Scenario(name="x", space=kuril_space(islands="subsets")),
        Scenario(name="x", agents=(Japan(demand=2), Russia(), UnitedStates())),
        Scenario(name="x", protocol=NegotiationProtocol(objection_cost=0.3)),
        Scenario(name="x", protocol=NegotiationProtocol(discount={"japan": 0.5})),
    ]
    for other in different:
        assert other != Scenario(name="x")
    assert Scenario(name="x") != "x"
    assert custom_scenario() == custom_scenario()


def test_scenario_is_immutable() -> None:
    scenario = Scenario(name="x")
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


# -- TOML ---------------------------------------------------------------------------
def test_custom_scenario_toml_round_trip(tmp_path: Path) -> None:
    scenario = custom_scenario()
    path = tmp_path / "custom.toml"
    text = scenario.to_toml(path)
    assert "[[space.issues]]" in text
    assert "[[space.constraints]]" in text
    assert 'type = "LinearAgent"' in text
    loaded = load_scenario(path)
    assert loaded == scenario
    assert loaded.space.constraints == scenario.space.constraints
    assert loaded.space.issues == scenario.space.issues
    np.testing.assert_array_equal(
        loaded.outcome_utilities(), scenario.outcome_utilities()
    )
    assert loaded.to_toml() == text


def test_builtin_space_variants_are_written_as_flags(tmp_path: Path) -> None:
    for islands, sovereignty, fisheries in itertools.product(
        ("nested", "subsets"), (False, True), (False, True)
    ):
        space = kuril_space(
            islands=islands, sovereignty=sovereignty, fisheries=fisheries
        )
        scenario = Scenario(name="v", space=space)
        text = scenario.to_toml()
        assert 'builtin = "kuril"' in text
        path = tmp_path / f"{islands}-{sovereignty}-{fisheries}.toml"
        scenario.to_toml(path)
        assert load_scenario(path) == scenario


def test_text_escaping_round_trip(tmp_path: Path) -> None:
    awkward = 'quote " backslash \\ tab \t newline \n del \x7f nul \x00 ü 歯舞 🐟'
    scenario = Scenario(name=awkward, title=awkward, notes=(awkward, ""))
    path = tmp_path / "awkward.toml"
    scenario.to_toml(path)
    assert load_scenario(path) == scenario


def test_callable_constraint_cannot_be_saved() -> None:
    space = AgreementSpace(
        kuril_space().issues, [lambda deal: deal["economic"] != "larger"]
    )
    scenario = Scenario(name="x", space=space)
    with pytest.raises(InvalidModelError, match="callables"):
        scenario.to_toml()


def test_dict_round_trip() -> None:
    from kurilsim.io.scenario_toml import scenario_from_dict

    scenario = custom_scenario()
    assert scenario_from_dict(scenario.to_dict()) == scenario


def test_missing_sections_take_defaults(tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text('name = "minimal"\n', encoding="utf-8")
    assert load_scenario(path) == Scenario(name="minimal")


BAD_FILES: list[tuple[str, str, str]] = [
    # (TOML text, key named in the message, another fragment of the message)
    ('name = "x\n', "not valid TOML", "line 1"),
    ('title = "no name"\n', "name", "missing"),
    ("name = 3\n", "name", "expected a string"),
    ('name = "x"\nsummary = "y"\n', "summary", "unknown key"),
    ('name = "x"\nnotes = [1]\n', "notes[0]", "expected a string"),
    ('name = "x"\n[[agents]]\ntype = "Japan"\ndemnd = 2\n', "demnd", "agents.japan"),
    ('name = "x"\n[[agents]]\ntype = "Japan"\ndemand = 7\n', "Japan.demand", "got 7"),
    ('name = "x"\n[[agents]]\ntype = "Japan"\ndemand = 2.5\n', "Japan.demand", "2.5"),
    (
        'name = "x"\n[[agents]]\ntype = "Japan"\ndemand = "x"\n',
        "agents[0].demand",
        "'x'",
    ),
    (
        'name = "x"\n[[agents]]\ntype = "Japan"\ndemand = true\n',
        "agents[0].demand",
        "True",
    ),
    ('name = "x"\n[[agents]]\ntype = "China"\n', "agents[0]", "'China'"),
    ('name = "x"\n[[agents]]\nname = "china"\n', "agents[0].type", "'type'"),
    ('name = "x"\n[[agents]]\ntype = ["Japan"]\n', "agents[0]", "'type'"),
    (
        'name = "x"\n[[agents]]\ntype = "Russia"\nname = "russia"\npledge = 1\n',
        "agents.russia",
        "'pledge'",
    ),
    ('name = "x"\nagents = 3\n', "agents", "array of agent tables"),
    (
        'name = "x"\n[[agents]]\ntype = "LinearAgent"\nname = "a"\nweights = { treaty = "z" }\n',
        "agents.a",
        "'z'",
    ),
    ('name = "x"\n[protocol]\nproposr = "japan"\n', "protocol.proposr", "unknown key"),
    ('name = "x"\n[protocol]\nproposer = "russia"\n', "protocol", "must differ"),
    ('name = "x"\n[protocol]\nproposer = "china"\n', "protocol.proposer", "'china'"),
    (
        'name = "x"\n[protocol]\ndiscount = { russia = 1.5 }\n',
        "protocol.discount.russia",
        "1.5",
    ),
    ('name = "x"\nprotocol = 3\n', "protocol", "a table"),
    (
        'name = "x"\n[space]\nbuiltin = "kuril"\nislands = "all"\n',
        "space.islands",
        "'all'",
    ),
    (
        'name = "x"\n[space]\nbuiltin = "kuril"\nsovereignty = "yes"\n',
        "space.sovereignty",
        "'yes'",
    ),
    (
        'name = "x"\n[space]\nbuiltin = "kuril"\nstraits = true\n',
        "space.straits",
        "unknown key",
    ),
    ('name = "x"\n[space]\nbuiltin = "korea"\n', "space.builtin", "'korea'"),
    ('name = "x"\n[space]\nfoo = 1\n', "space.foo", "unknown key"),
    (
        'name = "x"\n[[space.issues]]\nname = "a"\noptions = ["p", "p"]\n',
        "space.issues[0]",
        "duplicate options",
    ),
    (
        'name = "x"\n[[space.issues]]\nname = "a"\noptions = ["p"]\ncolour = 1\n',
        "space.issues[0].colour",
        "unknown key",
    ),
    (
        (
            'name = "x"\n[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
            '[[space.constraints]]\nwhen = { a = ["p"] }\nrequire = { b = ["q"] }\n'
        ),
        "space",
        "'b'",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    BAD_FILES,
    ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(BAD_FILES)],
)
def test_bad_files_name_the_file_and_the_key(
    text: str, key: str, fragment: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert key in message
    assert fragment in message
    assert isinstance(info.value, InvalidModelError)
    assert isinstance(info.value, ValueError)


def test_demnd_names_parameter_and_path(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(
        'name = "x"\n[[agents]]\ntype = "Japan"\ndemnd = 2\n', encoding="utf-8"
    )
    with pytest.raises(ScenarioFileError, match="demnd") as info:
        load_scenario(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("name", ["no-such-scenario", "missing/dir/file.toml"])
def test_unknown_name_or_path(name: str) -> None:
    with pytest.raises(ScenarioFileError, match=re.escape(repr(name))) as info:
        load_scenario(name)
    for builtin in BUILTIN:
        assert builtin in str(info.value)


def test_nonexistent_path_object(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ScenarioFileError, match=re.escape("nowhere.toml")):
        load_scenario(path)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Kunashir \xe9"\n'.encode("latin-1"))
    with pytest.raises(ScenarioFileError, match=re.escape(str(path))):
        load_scenario(path)


def test_top_level_exports() -> None:
    assert kurilsim.load_scenario is load_scenario
    assert kurilsim.list_scenarios is list_scenarios
