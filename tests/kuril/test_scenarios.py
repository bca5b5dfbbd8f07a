"""Scenarios of the calibrated case: kuril_scenario and the bundled historical files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    InvalidModelError,
    Japan,
    Russia,
    ScenarioFileError,
    UnitedStates,
    kuril_scenario,
    kuril_space,
    list_scenarios,
    load_scenario,
)
from kurilsim.games.negotiation import objectionable
from kurilsim.io.scenario_toml import read_scenario
from kurilsim.kuril import kuril_protocol, scenarios
from kurilsim.kuril.scenarios import KURIL_OBJECTION_RULE

#: Collected once: the tests cover whatever scenarios are built in.
BUILTIN = list_scenarios()


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


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
    scenario = kuril_scenario(name="default")
    assert scenario.space == kuril_space()
    assert scenario.agents == (Japan(), Russia(), UnitedStates())
    assert scenario.agent_names == ("japan", "russia", "united_states")
    assert scenario.protocol == kuril_protocol()
    assert scenario.utilities().shape == (3, 39)
    assert scenario.agent("russia") == Russia()
    with pytest.raises(InvalidModelError, match="'china'") as info:
        scenario.agent("china")
    assert "'japan'" in str(info.value)
    assert repr(scenario) == (
        "Scenario(name='default', agents=[japan, russia, united_states], 39 agreements)"
    )


def test_missing_sections_take_defaults(tmp_path: Path) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text('name = "minimal"\n', encoding="utf-8")
    assert load_scenario(path) == kuril_scenario(name="minimal")
    # the generic reader has no Kuril defaults: it names what is missing
    with pytest.raises(ScenarioFileError, match="space: missing"):
        read_scenario(path)


def test_missing_agents_and_roles_take_kuril_defaults(tmp_path: Path) -> None:
    path = tmp_path / "partial.toml"
    path.write_text(
        'name = "partial"\n[space]\nbuiltin = "kuril"\nislands = "subsets"\n'
        "[protocol]\nobjection_cost = 0.5\n",
        encoding="utf-8",
    )
    expected = kuril_scenario(
        name="partial",
        space=kuril_space(islands="subsets"),
        protocol=kuril_protocol(objection_cost=0.5),
    )
    assert load_scenario(path) == expected
    with pytest.raises(ScenarioFileError, match="agents: missing"):
        read_scenario(path)
    two = tmp_path / "two.toml"
    two.write_text(
        'name = "two"\n[[agents]]\ntype = "Japan"\n[[agents]]\ntype = "Russia"\n'
        '[protocol]\nobjector = ""\n',
        encoding="utf-8",
    )
    assert load_scenario(two).agent_names == ("japan", "russia")


@pytest.mark.parametrize("name", ["no-such-scenario", "missing/dir/file.toml"])
def test_unknown_name_or_path(name: str) -> None:
    with pytest.raises(ScenarioFileError, match=re.escape(repr(name))) as info:
        load_scenario(name)
    for builtin in BUILTIN:
        assert builtin in str(info.value)


def test_top_level_exports() -> None:
    assert kurilsim.load_scenario is load_scenario
    assert kurilsim.list_scenarios is list_scenarios


def test_bundled_files_are_package_data() -> None:
    folder = Path(scenarios.__file__).parent / "data"
    files = sorted(path.stem for path in folder.glob("*.toml"))
    assert tuple(files) == BUILTIN
    assert len(BUILTIN) == 7


def test_load_scenario_rejects_other_arguments() -> None:
    with pytest.raises(kurilsim.InvalidArgumentError, match="name_or_path"):
        load_scenario(3)  # type: ignore[arg-type]


def test_kuril_scenario_is_exported() -> None:
    assert kurilsim.kuril_scenario is kuril_scenario
    assert kurilsim.kuril.kuril_scenario is kuril_scenario
    with pytest.raises(InvalidModelError, match="'china'"):
        kuril_scenario(agents=(Japan(), Russia(), UnitedStates()),
                       protocol=kuril_protocol(objector="china"))


# -- the Kuril objection rule: US forces excluded from transferred islands ---------------
def restricts_us_rights(space: kurilsim.AgreementSpace) -> np.ndarray:
    """The Kuril rule spelt out by option keys (islands change hands and US
    forces may not be stationed on them)."""
    return np.array(
        [d["islands"] != "none" and d["security"] != "us-forces-allowed" for d in space]
    )


@pytest.mark.parametrize(
    "options",
    [{}, {"islands": "subsets"}, {"sovereignty": True, "fisheries": True}],
    ids=["default", "subsets", "sovereignty-fisheries"],
)
def test_kuril_rule_marks_the_agreements_restricting_us_rights(
    options: dict[str, Any],
) -> None:
    scenario = kuril_scenario(space=kuril_space(**options))
    assert scenario.protocol.objection_scope == "restrictions"
    assert scenario.protocol.objectionable == KURIL_OBJECTION_RULE
    expected = restricts_us_rights(scenario.space)
    assert expected.any()
    assert not expected.all()
    np.testing.assert_array_equal(objectionable(scenario), expected)


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_files_carry_the_kuril_rule(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.protocol.objectionable == KURIL_OBJECTION_RULE
    if scenario.protocol.objection_scope == "any":  # 1956 and 2022: any agreement
        assert objectionable(scenario).all()
    else:
        np.testing.assert_array_equal(
            objectionable(scenario), restricts_us_rights(scenario.space)
        )


def test_kuril_scopes_of_the_builtin_files() -> None:
    scopes = {name: load_scenario(name).protocol.objection_scope for name in BUILTIN}
    assert {name for name, scope in scopes.items() if scope == "any"} == {
        "1956-declaration",
        "2022-suspension",
    }
    assert kuril_protocol(objection_scope="any").objectionable == KURIL_OBJECTION_RULE
