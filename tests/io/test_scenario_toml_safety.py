"""Scenario files are data: they never run code, and bad or oversized input is
refused with one clear error (issue 13).

Covers the agent-type registry (built-ins, ``register_agent_type``, the
``kurilsim.agents`` entry-point group), loader robustness against wrong types,
undecodable and deeply nested files, the agreement-space size budget, and a
hypothesis fuzz of the TOML reader.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kurilsim import (
    AgreementSpace,
    Constraint,
    InvalidArgumentError,
    InvalidModelError,
    InvalidScenarioError,
    Issue,
    Japan,
    KurilsimError,
    LinearAgent,
    ProblemTooLargeError,
    Russia,
    Scenario,
    ScenarioFileError,
    UnitedStates,
    kuril_scenario,
    load_scenario,
    register_agent_type,
    registered_agent_types,
)
from kurilsim.io.scenario_toml import scenario_from_dict
from kurilsim.model import agents as agents_module
from kurilsim.model import agreements as agreements_module
from kurilsim.model.agents import AGENT_ENTRY_POINT_GROUP, agent_from_dict, parameter

BUILT_IN_TYPES = ("Japan", "LinearAgent", "Russia", "UnitedStates")
_REAL_ENTRY_POINTS = agents_module._agent_entry_points


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with only the Kuril types registered and no entry points
    (whatever other tests, doc pages or examples registered before)."""
    kuril_types = {cls.__name__: cls for cls in (Japan, Russia, UnitedStates)}
    monkeypatch.setattr(agents_module, "_REGISTERED", kuril_types)
    monkeypatch.setattr(agents_module, "_agent_entry_points", lambda: ())


@dataclass(frozen=True, slots=True, kw_only=True)
class Hawk(Japan):
    """A Japan that also values a defence pact (a user agent class)."""

    pact_value: float = parameter(0.1, doc="value of a defence pact", source="test")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message
    return message


# -- data files never run code ------------------------------------------------------
def test_makedirs_type_leaves_the_file_system_untouched(tmp_path: Path) -> None:
    target = tmp_path / "created" / "by" / "the" / "file"
    path = _write(
        tmp_path / "evil.toml",
        f'name = "evil"\n[[agents]]\ntype = "Japan"\n'
        f'[[agents]]\ntype = "os:makedirs"\nname = {json.dumps(str(target))}\n',
    )
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    assert not target.exists()
    assert not (tmp_path / "created").exists()
    message = _one_line(info.value)
    assert message.startswith(f"{path}: agents[1].type: ")
    assert "'os:makedirs'" in message
    for name in BUILT_IN_TYPES:
        assert repr(name) in message
    assert isinstance(info.value, InvalidScenarioError)


def test_removedirs_type_deletes_nothing(tmp_path: Path) -> None:
    tree = tmp_path / "keep" / "me" / "here"
    tree.mkdir(parents=True)
    path = _write(
        tmp_path / "evil.toml",
        f'name = "evil"\n[[agents]]\ntype = "os:removedirs"\n'
        f"name = {json.dumps(str(tree))}\n",
    )
    with pytest.raises(ScenarioFileError, match=r"agents\[0\]\.type.*os:removedirs"):
        load_scenario(path)
    assert tree.is_dir()


def test_a_named_module_is_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "imported"
    plugin = tmp_path / "kurilsim_test_trap_module.py"
    plugin.write_text(
        f"open({json.dumps(str(marker))}, 'w').close()\n"
        "def agent(**kwargs):\n    raise SystemExit('called')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    path = _write(
        tmp_path / "trap.toml",
        'name = "trap"\n[[agents]]\ntype = "kurilsim_test_trap_module:agent"\n',
    )
    with pytest.raises(ScenarioFileError, match="register_agent_type"):
        load_scenario(path)
    assert not marker.exists()
    assert "kurilsim_test_trap_module" not in sys.modules


def test_agent_from_dict_refuses_module_paths(tmp_path: Path) -> None:
    target = tmp_path / "x"
    with pytest.raises(InvalidScenarioError, match="unknown agent type 'os:makedirs'"):
        agent_from_dict({"type": "os:makedirs", "name": str(target)})
    assert not target.exists()
    with pytest.raises(InvalidArgumentError, match="mapping"):
        agent_from_dict([("type", "Japan")])  # type: ignore[arg-type]


def test_unknown_type_lists_registered_types(tmp_path: Path) -> None:
    register_agent_type("Hawk", Hawk)
    assert registered_agent_types() == tuple(sorted((*BUILT_IN_TYPES, "Hawk")))
    path = _write(
        tmp_path / "china.toml",
        'name = "x"\n[[agents]]\ntype = "Japan"\n[[agents]]\ntype = "Japan"\n'
        'name = "j2"\n[[agents]]\ntype = "China"\n',
    )
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    message = _one_line(info.value)
    assert message.startswith(f"{path}: agents[2].type: unknown agent type 'China'")
    assert str(['Hawk', 'Japan', 'LinearAgent', 'Russia', 'UnitedStates']) in message


# -- registration -------------------------------------------------------------------
def test_registered_type_round_trips(tmp_path: Path) -> None:
    register_agent_type("Hawk", Hawk)
    scenario = kuril_scenario(
        name="hawkish", agents=(Hawk(demand=3, pact_value=0.4), Russia(), UnitedStates())
    )
    path = tmp_path / "hawk.toml"
    text = scenario.to_toml(path)
    assert 'type = "Hawk"' in text
    loaded = load_scenario(path)
    assert loaded == scenario
    assert type(loaded.agents[0]) is Hawk
    assert loaded.agent("japan").pact_value == 0.4
    assert loaded.to_toml() == text


def test_unregistered_class_is_saved_but_not_loaded(tmp_path: Path) -> None:
    scenario = kuril_scenario(name="hawkish", agents=(Hawk(), Russia(), UnitedStates()))
    path = tmp_path / "hawk.toml"
    text = scenario.to_toml(path)
    qualified = f"{Hawk.__module__}:{Hawk.__qualname__}"
    assert f'type = "{qualified}"' in text
    with pytest.raises(ScenarioFileError, match="register_agent_type") as info:
        load_scenario(path)
    assert repr(qualified) in str(info.value)
    # registering the written name makes the file load
    register_agent_type(qualified, Hawk)
    assert load_scenario(path) == scenario


def test_register_a_factory_function(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def fishers(**kwargs: Any) -> LinearAgent:
        calls.append(kwargs)
        return LinearAgent(name=kwargs.get("name", "fishers"),
                           weights={"treaty": kwargs.get("weight", 0.1)})

    register_agent_type("fishers", fishers)
    path = _write(
        tmp_path / "f.toml",
        'name = "x"\n[[agents]]\ntype = "Japan"\n[[agents]]\ntype = "Russia"\n'
        '[[agents]]\ntype = "UnitedStates"\n[[agents]]\ntype = "fishers"\n'
        "weight = 0.5\n",
    )
    scenario = load_scenario(path)
    assert calls == [{"weight": 0.5}]
    assert scenario.agent("fishers").weights == {"treaty": 0.5}


def test_factory_that_returns_no_agent(tmp_path: Path) -> None:
    register_agent_type("nothing", lambda **kwargs: 42)
    with pytest.raises(InvalidModelError, match="Agent protocol"):
        agent_from_dict({"type": "nothing"})


@pytest.mark.parametrize(
    ("name", "factory", "fragment"),
    [
        ("", Hawk, "name"),
        ("  Hawk", Hawk, "name"),
        (3, Hawk, "name"),
        (None, Hawk, "name"),
        ("Hawk", "kurilsim.Japan", "callable"),
        ("Hawk", None, "callable"),
        ("Japan", Hawk, "already registered"),
        ("LinearAgent", Hawk, "built-in"),
    ],
)
def test_register_validates(name: Any, factory: Any, fragment: str) -> None:
    with pytest.raises(InvalidArgumentError, match=fragment) as info:
        register_agent_type(name, factory)
    _one_line(info.value)
    assert isinstance(info.value, TypeError)
    assert "Hawk" not in registered_agent_types()


def test_register_clash_and_replace() -> None:
    register_agent_type("Hawk", Hawk)
    register_agent_type("Hawk", Hawk)  # the same class again: fine
    with pytest.raises(InvalidArgumentError, match="already registered"):
        register_agent_type("Hawk", Russia)
    register_agent_type("Hawk", Russia, replace=True)
    assert type(agent_from_dict({"type": "Hawk"})) is Russia
    # replacing a built-in needs replace=True, then files naming it get the new class
    register_agent_type("Japan", Hawk, replace=True)
    assert type(agent_from_dict({"type": "Japan"})) is Hawk
    with pytest.raises(InvalidArgumentError, match="replace"):
        register_agent_type("x", Hawk, replace="yes")  # type: ignore[arg-type]


def test_a_redefined_class_replaces_the_old_one() -> None:
    # as when a notebook cell defining and registering a class runs twice
    register_agent_type("Hawk", Hawk)
    again = type("Hawk", (Hawk,), {"__module__": Hawk.__module__,
                                   "__qualname__": Hawk.__qualname__})
    register_agent_type("Hawk", again)
    assert type(agent_from_dict({"type": "Hawk"})) is again


# -- entry points -------------------------------------------------------------------
PLUGIN = '''
from dataclasses import dataclass
from kurilsim import Russia

@dataclass(frozen=True, slots=True, kw_only=True)
class Dove(Russia):
    """A Russia from an installed plugin."""
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A fake installed package declaring two agent entry points; returns the
    log of entry points loaded."""
    (tmp_path / "kurilsim_test_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (tmp_path / "kurilsim_test_broken.py").write_text(
        "raise RuntimeError('broken plugin')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded: list[str] = []

    class LoggedEntryPoint(importlib.metadata.EntryPoint):
        def load(self) -> Any:
            loaded.append(self.name)
            return super().load()

    points = [
        LoggedEntryPoint("Dove", "kurilsim_test_plugin:Dove", AGENT_ENTRY_POINT_GROUP),
        LoggedEntryPoint("Broken", "kurilsim_test_broken:X", AGENT_ENTRY_POINT_GROUP),
    ]

    def entry_points(**selection: Any) -> list[importlib.metadata.EntryPoint]:
        assert selection == {"group": AGENT_ENTRY_POINT_GROUP}
        return points

    # undo the autouse fixture's stub: go through importlib.metadata itself
    monkeypatch.setattr(agents_module, "_agent_entry_points", _REAL_ENTRY_POINTS)
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    yield loaded
    sys.modules.pop("kurilsim_test_plugin", None)
    sys.modules.pop("kurilsim_test_broken", None)


def test_entry_point_type_is_found_and_loaded_lazily(
    plugin: list[str], tmp_path: Path
) -> None:
    assert {"Dove", "Broken"} <= set(registered_agent_types())
    assert plugin == []  # listing loads nothing
    path = _write(
        tmp_path / "dove.toml",
        'name = "x"\n[[agents]]\ntype = "Japan"\n[[agents]]\ntype = "Dove"\n'
        "security_weight = 0.3\n[[agents]]\ntype = \"UnitedStates\"\n",
    )
    scenario = load_scenario(path)
    assert plugin == ["Dove"]  # only the named entry point, not "Broken"
    russia = scenario.agent("russia")
    assert type(russia).__name__ == "Dove"
    assert russia.security_weight == 0.3
    # saved under its entry-point name, and loads again
    text = scenario.to_toml(tmp_path / "again.toml")
    assert 'type = "Dove"' in text
    assert load_scenario(tmp_path / "again.toml") == scenario


def test_broken_entry_point_is_a_clear_error(plugin: list[str], tmp_path: Path) -> None:
    path = _write(tmp_path / "b.toml", 'name = "x"\n[[agents]]\ntype = "Broken"\n')
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    message = _one_line(info.value)
    assert message.startswith(f"{path}: agents[0].type: ")
    assert "kurilsim_test_broken:X" in message
    assert "broken plugin" in message


def test_registered_types_take_precedence_over_entry_points(plugin: list[str]) -> None:
    register_agent_type("Dove", Hawk)
    assert type(agent_from_dict({"type": "Dove"})) is Hawk
    assert plugin == []


# -- wrong argument types and wrong-typed values --------------------------------------
@pytest.mark.parametrize("bad", [5, None, 2.5, b"2018-singapore", ["x"]])
def test_load_scenario_argument_type(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="name_or_path") as info:
        load_scenario(bad)
    _one_line(info.value)


def test_load_scenario_nul_in_name() -> None:
    with pytest.raises(ScenarioFileError, match="neither a built-in"):
        load_scenario("a\0b.toml")


@pytest.mark.parametrize("bad", [[1, 2], "name = 'x'", 5, None])
def test_scenario_from_dict_needs_a_mapping(bad: Any) -> None:
    with pytest.raises(ScenarioFileError, match=r"<dict>: expected a table"):
        scenario_from_dict(bad)


def test_scenario_from_dict_odd_keys() -> None:
    with pytest.raises(ScenarioFileError, match=r"<dict>: 1: unknown key"):
        scenario_from_dict({"name": "x", 1: 2})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgumentError, match="source"):
        scenario_from_dict({"name": "x"}, 3)  # type: ignore[arg-type]


def test_deeply_nested_notes(tmp_path: Path) -> None:
    depth = 3000
    path = _write(
        tmp_path / "deep.toml", 'name = "x"\nnotes = ' + "[" * depth + "]" * depth + "\n"
    )
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    message = _one_line(info.value)
    assert message.startswith(f"{path}: ")
    assert "nested too deeply" in message


def test_moderately_nested_value_is_refused_with_a_short_message(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep.toml", 'name = "x"\nnotes = ' + "[" * 100
                  + "]" * 100 + "\n")
    with pytest.raises(ScenarioFileError, match=r"notes\[0\]: expected a string") as info:
        load_scenario(path)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00n\x00a\x00m\x00e",
        bytes(range(256)),
        b'name = "x"\x00\n',
        b'name = "\xe9"\n',
    ],
)
def test_binary_and_undecodable_files(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(data)
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    assert _one_line(info.value).startswith(f"{path}: ")


WRONG_TYPES: list[tuple[str, str]] = [
    # (TOML text after name = "x", key named in the message)
    ('[protocol]\ndiscount = "abc"\n', "protocol.discount"),
    ('[protocol]\ndiscount = { japan = "abc" }\n', "protocol.discount.japan"),
    ("[protocol]\ndiscount = [0.9]\n", "protocol.discount"),
    ("[protocol]\ndiscount = { japan = nan }\n", "protocol.discount.japan"),
    ("[protocol]\nobjection_cost = [1]\n", "protocol.objection_cost"),
    ('[protocol]\nobjection_cost = "0.2"\n', "protocol.objection_cost"),
    ("[protocol]\nobjection_cost = inf\n", "protocol.objection_cost"),
    ("[protocol]\nobjection_blocks = 1\n", "protocol.objection_blocks"),
    ("[protocol]\nobjection_scope = [1]\n", "protocol.objection_scope"),
    ("[protocol]\nobjection_scope = {}\n", "protocol.objection_scope"),
    ("[protocol]\nproposer = 1\n", "protocol.proposer"),
    ("[protocol]\nobjector = false\n", "protocol.objector"),
    ("title = 1\n", "title"),
    ("description = []\n", "description"),
    ('notes = "a note"\n', "notes"),
    ("notes = [[\"a\"]]\n", "notes[0]"),
    ("space = []\n", "space"),
    ("[space]\nbuiltin = 1\n", "space.builtin"),
    ("[space]\nbuiltin = \"kuril\"\nislands = []\n", "space.islands"),
    ("[space]\nbuiltin = \"kuril\"\nislands = {}\n", "space.islands"),
    ("[space]\nissues = {}\n", "space.issues"),
    ("[space]\nissues = [1]\n", "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = "pq"\n', "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = [1]\n', "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = [["p"]]\n', "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\n', "space.issues[0]"),
    ('[[space.issues]]\noptions = ["p"]\n', "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nlabels = "p"\n',
     "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nlabels = 3\n', "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = 3\n',
     "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = "1" }\n',
     "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = ["1"] }\n',
     "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = [true] }\n',
     "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = [[1]] }\n',
     "space.issues[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = [1] }\n'
     'status_quo = "ab"\n'), "space.issues[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p"]\nfeatures = { f = [1] }\n'
     "status_quo = { f = true }\n"), "space.issues[0]"),
    ('[[space.issues]]\nname = "a"\noptions = ["p"]\ndescription = 1\n',
     "space.issues[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = { a = 1 }\nrequire = { a = ["q"] }\n'),
     "space.constraints[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = { a = { p = 1 } }\nrequire = { a = ["q"] }\n'),
     "space.constraints[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = []\nrequire = { a = ["q"] }\n'),
     "space.constraints[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = { a = ["p"] }\n'), "space.constraints[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = { a = ["p"] }\nrequire = { a = ["q"] }\n'
     "description = 2\n"), "space.constraints[0]"),
    (('[[space.issues]]\nname = "a"\noptions = ["p", "q"]\n'
     '[[space.constraints]]\nwhen = { a = ["p"] }\nrequire = { a = ["q"] }\n'
     "colour = 2\n"), "space.constraints[0].colour"),
    ("agents = [1]\n", "agents[0]"),
    ("agents = {}\n", "agents"),
    ('[[agents]]\ntype = "Japan"\ndemand = [2]\n', "agents[0].demand"),
    ('[[agents]]\ntype = "Japan"\ndemand = { a = 1 }\n', "agents[0].demand"),
    ('[[agents]]\ntype = "Japan"\ndemand = 1979-05-27\n', "agents[0].demand"),
    ('[[agents]]\ntype = "Japan"\nname = 3\n', "agents[0]"),
    ('[[agents]]\ntype = "Japan"\nname = ["j"]\n', "agents[0]"),
    ('[[agents]]\ntype = "Japan"\nweights = { a = 1 }\n', "agents.japan"),
    ('[[agents]]\ntype = "Japan"\ndescription = "x"\n', "agents.japan"),
    ('[[agents]]\ntype = "LinearAgent"\nname = "a"\nweights = [1]\n', "agents.a"),
    ('[[agents]]\ntype = "LinearAgent"\nname = "a"\nweights = { t = [1] }\n',
     "agents.a"),
    ('[[agents]]\ntype = "LinearAgent"\nname = "a"\nweights = {}\ndescription = 1\n',
     "agents.a"),
    (('[[agents]]\ntype = "LinearAgent"\nname = "a"\nweights = { nope = 1.0 }\n'
     '[protocol]\nproposer = "a"\nresponder = "a"\n'), "protocol"),
    ('[[agents]]\ntype = "LinearAgent"\nname = "a"\n', "agents.a"),
    ('[[agents]]\ntype = "LinearAgent"\nweights = {}\n', "agents[0]"),
    ("[[agents]]\ntype = {}\n", "agents[0].type"),
]


@pytest.mark.parametrize(
    ("text", "key"), WRONG_TYPES, ids=[f"{k}-{i}" for i, (_, k) in enumerate(WRONG_TYPES)]
)
def test_wrong_typed_values_name_the_file_and_key(
    text: str, key: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "bad.toml", 'name = "x"\n' + text)
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    message = _one_line(info.value)
    assert message.startswith(f"{path}: {key}")


# -- Scenario.with_params with values that are not numbers ----------------------------
@pytest.mark.parametrize("value", ["abc", None, [1, 2], {}, 1j, 10**400, math.nan, True])
@pytest.mark.parametrize(
    "name",
    [
        "japan.demand",
        "russia.security_weight",
        "united_states.detente_value",
        "protocol.discount.japan",
        "protocol.objection_cost",
    ],
)
def test_with_params_non_numeric(name: str, value: Any) -> None:
    scenario = kuril_scenario(name="x")
    with pytest.raises(InvalidModelError) as info:
        scenario.with_params({name: value})
    message = _one_line(info.value)
    parameter_name = name.rpartition(".")[2]
    assert parameter_name in message


@pytest.mark.parametrize("value", ["abc", None, [1, 2], 1j])
def test_with_params_non_numeric_linear_agent(value: Any) -> None:
    agent = LinearAgent(name="fishers", weights={"treaty": 0.1})
    scenario = kuril_scenario(name="x", agents=(Japan(), Russia(), UnitedStates(), agent))
    with pytest.raises(InvalidModelError, match=r"'treaty'|status_quo"):
        scenario.with_params({"fishers.w[treaty]": value})
    with pytest.raises(InvalidModelError, match="status_quo"):
        scenario.with_params({"fishers.status_quo": value})


@pytest.mark.parametrize("changes", [[("japan.demand", 2)], "japan.demand", None, 3])
def test_with_params_needs_a_mapping(changes: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="mapping"):
        kuril_scenario(name="x").with_params(changes)
    with pytest.raises(InvalidArgumentError, match="mapping"):
        Japan().with_params(changes)


# -- the size budget ------------------------------------------------------------------
def _issues(count: int, options: int) -> list[Issue]:
    return [
        Issue(name=f"i{k}", options=[f"o{j}" for j in range(options)])
        for k in range(count)
    ]


def _big_file(tmp_path: Path, count: int, options: int) -> Path:
    lines = ['name = "big"']
    for k in range(count):
        keys = ", ".join(f'"o{j}"' for j in range(options))
        lines += ["[[space.issues]]", f'name = "i{k}"', f"options = [{keys}]"]
    lines += [
        "[[agents]]", 'type = "LinearAgent"', 'name = "japan"', "weights = { treaty = 1.0 }",
        "[[agents]]", 'type = "LinearAgent"', 'name = "russia"',
        "weights = { treaty = -1.0 }", "[protocol]", 'objector = ""',
    ]
    return _write(tmp_path / f"big-{count}x{options}.toml", "\n".join(lines) + "\n")


@pytest.mark.parametrize("count", [13, 20, 60])
def test_oversized_file_is_refused_before_enumeration(
    count: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _big_file(tmp_path, count, 3)

    def never(*args: Any) -> Any:
        raise AssertionError("enumeration started")

    monkeypatch.setattr(AgreementSpace, "_enumerate", staticmethod(never))
    with pytest.raises(ProblemTooLargeError) as info:
        load_scenario(path)
    message = _one_line(info.value)
    assert message.startswith(f"{path}: space: ")
    assert f"{3**count:,} candidate agreements" in message
    assert "max_agreements" in message
    assert isinstance(info.value, KurilsimError)
    assert isinstance(info.value, MemoryError)


def test_load_scenario_budget_keyword(tmp_path: Path) -> None:
    path = _big_file(tmp_path, 5, 3)  # 243 candidates
    assert len(load_scenario(path).space) == 243
    assert len(load_scenario(path, max_agreements=243).space) == 243
    with pytest.raises(ProblemTooLargeError, match="max_agreements=242"):
        load_scenario(path, max_agreements=242)


def test_space_just_under_budget_works(monkeypatch: pytest.MonkeyPatch) -> None:
    issues = _issues(4, 5)  # 625 candidates
    monkeypatch.setattr(agreements_module, "MAX_AGREEMENTS", 625)
    space = AgreementSpace(issues)
    assert len(space) == 625
    assert space.max_agreements == 625
    monkeypatch.setattr(agreements_module, "MAX_AGREEMENTS", 624)
    with pytest.raises(ProblemTooLargeError, match="625 candidate"):
        AgreementSpace(issues)
    bigger = AgreementSpace(issues, max_agreements=625)
    assert len(bigger.with_issues(*_issues(0, 1))) == 625
    with pytest.raises(ProblemTooLargeError):
        bigger.with_issues(Issue(name="extra", options=["a", "b"]))


def test_default_budget_admits_a_million() -> None:
    assert agreements_module.MAX_AGREEMENTS == 1_000_000
    with pytest.raises(ProblemTooLargeError, match="1,594,323"):
        AgreementSpace(_issues(13, 3))


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10", None])
def test_budget_must_be_a_positive_integer(bad: Any) -> None:
    if bad is None:  # None means the default
        assert len(AgreementSpace(_issues(2, 2), max_agreements=bad)) == 4
        return
    with pytest.raises(InvalidArgumentError, match="max_agreements"):
        AgreementSpace(_issues(2, 2), max_agreements=bad)


@st.composite
def constrained_spaces(draw: st.DrawFn) -> tuple[list[Issue], list[Any]]:
    counts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=5))
    issues = [
        Issue(name=f"i{k}", options=[f"o{j}" for j in range(n)])
        for k, n in enumerate(counts)
    ]
    rules: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.integers(0, len(issues) - 1)), draw(st.integers(0, len(issues) - 1))
        when = draw(st.lists(st.sampled_from(issues[a].options), min_size=1, unique=True))
        need = draw(st.lists(st.sampled_from(issues[b].options), min_size=1, unique=True))
        rules.append(Constraint(when={issues[a].name: when},
                                require={issues[b].name: need}))
    if draw(st.booleans()):
        banned = draw(st.sampled_from(issues[0].options))
        rules.append(lambda deal, banned=banned: deal["i0"] != banned)
    return issues, rules


@settings(max_examples=60, deadline=None)
@given(constrained_spaces(), st.sampled_from([1, 2, 7, 1 << 16]))
def test_blockwise_enumeration_matches_brute_force(
    case: tuple[list[Issue], list[Any]], block: int
) -> None:
    issues, rules = case
    expected = []
    for row in itertools.product(*(range(len(issue)) for issue in issues)):
        choices = {issue.name: issue.options[k] for issue, k in zip(issues, row, strict=True)}
        deal = AgreementSpace._make_agreement(tuple(issues), row)
        if all(
            rule.allows(choices) if isinstance(rule, Constraint) else rule(deal)
            for rule in rules
        ):
            expected.append(row)
    old = agreements_module._BLOCK
    agreements_module._BLOCK = block  # no monkeypatch: hypothesis reuses the test
    try:
        if not expected:
            with pytest.raises(InvalidModelError, match="no feasible"):
                AgreementSpace(issues, rules)
            return
        space = AgreementSpace(issues, rules)
    finally:
        agreements_module._BLOCK = old
    np.testing.assert_array_equal(space.options, np.array(expected, dtype=np.intp))
    for k, deal in enumerate(space):
        assert space.index(deal) == k
        assert deal in space
    # indicator columns of every issue sum to one on every agreement
    for issue in issues:
        columns = [space.feature(f"{issue.name}={key}") for key in issue.options]
        np.testing.assert_array_equal(np.sum(columns, axis=0)[:-1], 1.0)


def test_single_agreements_do_not_build_the_whole_table() -> None:
    space = AgreementSpace(_issues(6, 4))  # 4096 agreements
    deal = space[1234]
    assert space._agreements is None
    assert space.index(deal) == 1234
    assert space[1234] is deal
    assert space.agreements[1234] is deal  # the same object once all are built
    assert space[-1] is space.agreements[-1]
    with pytest.raises(IndexError):
        space[4096]


# -- fuzzing the TOML reader ----------------------------------------------------------
SCHEMA_KEYS = [
    "name", "title", "description", "notes", "space", "agents", "protocol", "builtin",
    "islands", "sovereignty", "fisheries", "issues", "constraints", "options",
    "labels", "features", "status_quo", "when", "require", "type", "weights",
    "demand", "security_weight", "pledge_credibility", "detente_value", "treaty",
    "proposer", "responder", "objector", "objection_cost", "objection_blocks",
    "objection_scope", "discount", "japan", "russia", "united_states", "junk", "",
    "a b", "é",
]
WORDS = [
    "kuril", "nested", "subsets", "Japan", "Russia", "UnitedStates", "LinearAgent",
    "os:makedirs", "japan", "russia", "united_states", "treaty", "islands.habomai",
    "restrictions", "any", "none", "H", "a", "b", "",
]

scalars = (
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(WORDS)
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(SCHEMA_KEYS), children, max_size=4),
    max_leaves=12,
)


def _toml_value(value: Any) -> str:
    """A tiny TOML writer: every value inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
    return "{ " + items + " }" if items else "{}"


def _document(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in data.items())


def _or_random(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly well-formed values, sometimes (one in eight) anything."""
    return st.integers(1, 8).flatmap(lambda k: values if k == 5 else strategy)


agent_tables = st.fixed_dictionaries(
    {"type": _or_random(st.sampled_from(WORDS[:7]))},
    optional={
        "name": _or_random(st.sampled_from(["japan", "russia", "united_states", "x"])),
        "demand": _or_random(st.integers(0, 5)),
        "security_weight": _or_random(st.floats(0, 3)),
        "weights": _or_random(
            st.dictionaries(st.sampled_from(["treaty", "islands.habomai", "x"]),
                            st.floats(-1, 1), max_size=2)
        ),
        "junk": values,
    },
)
issue_tables = st.fixed_dictionaries(
    {
        "name": _or_random(st.sampled_from(["a", "b", "islands"])),
        "options": _or_random(st.lists(st.sampled_from(["p", "q", "r"]), min_size=1,
                                       max_size=3, unique=True)),
    },
    optional={
        "labels": _or_random(st.lists(st.text(max_size=3), max_size=3)),
        "features": _or_random(st.fixed_dictionaries({"f": st.lists(st.floats(0, 1),
                                                                    max_size=3)})),
        "status_quo": _or_random(st.fixed_dictionaries({"f": st.floats(-1, 1)})),
        "description": _or_random(st.text(max_size=5)),
    },
)
space_tables = st.one_of(
    st.fixed_dictionaries(
        {"builtin": _or_random(st.just("kuril"))},
        optional={"islands": _or_random(st.sampled_from(["nested", "subsets"])),
                  "fisheries": _or_random(st.booleans()),
                  "sovereignty": _or_random(st.booleans())},
    ),
    st.fixed_dictionaries(
        {"issues": _or_random(st.lists(issue_tables, max_size=3))},
        optional={"constraints": st.lists(
            st.fixed_dictionaries({"when": values, "require": values}), max_size=2)},
    ),
    values,
)
documents = st.fixed_dictionaries(
    {"name": _or_random(st.text(min_size=1, max_size=5))},
    optional={
        "title": _or_random(st.text(max_size=5)),
        "notes": _or_random(st.lists(st.text(max_size=5), max_size=3)),
        "space": space_tables,
        "agents": _or_random(st.lists(agent_tables, max_size=4)),
        "protocol": _or_random(
            st.fixed_dictionaries(
                {},
                optional={
                    "objector": _or_random(st.sampled_from(["", "united_states"])),
                    "objection_cost": _or_random(st.floats(0, 1)),
                    "discount": _or_random(st.dictionaries(
                        st.sampled_from(["japan", "russia"]), st.floats(0, 1.5),
                        max_size=2)),
                    "objection_scope": _or_random(st.sampled_from(["any", "x"])),
                },
            )
        ),
    },
)

_FUZZ_DIR = Path(tempfile.mkdtemp(prefix="kurilsim-fuzz-"))
atexit.register(shutil.rmtree, _FUZZ_DIR, ignore_errors=True)


def _load_or_refuse(content: bytes) -> bool:
    """Loading gives a scenario (which then round-trips) or a KurilsimError.

    Returns whether the content loaded.
    """
    path = _FUZZ_DIR / "fuzz.toml"
    path.write_bytes(content)
    try:
        scenario = load_scenario(path)
    except KurilsimError:
        return False
    assert isinstance(scenario, Scenario)
    again = _FUZZ_DIR / "again.toml"
    scenario.to_toml(again)
    assert load_scenario(again) == scenario
    return True


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(documents)
def test_fuzz_scenario_documents(data: dict[str, Any]) -> None:
    _load_or_refuse(_document(data).encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(SCHEMA_KEYS), values, max_size=6))
def test_fuzz_random_documents(data: dict[str, Any]) -> None:
    _load_or_refuse(_document(data).encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b'name = "x"\n', b"[[agents]]\n"]))
def test_fuzz_random_bytes(data: bytes, prefix: bytes) -> None:
    _load_or_refuse(prefix + data)


def test_fuzz_writer_round_trips() -> None:
    # the local writer is what the fuzz relies on: check it against tomllib
    import tomllib

    data = {"name": "x", "agents": [{"type": "Japan", "demand": 2}],
            "notes": ["a\x7f", "é\n"], "é": {"": [1.5, True, -3]}}
    assert tomllib.loads(_document(data)) == data
    assert os.fspath(_FUZZ_DIR)


def test_fuzz_helper_accepts_a_valid_document() -> None:
    # the fuzz passes on refusals too: check that its accepting path (load,
    # save, reload, compare) runs on a document that must load
    valid = {"name": "fuzz-valid", "agents": [{"type": "Japan", "demand": 2},
                                              {"type": "Russia"},
                                              {"type": "UnitedStates"}]}
    assert _load_or_refuse(_document(valid).encode("utf-8")) is True
    assert _load_or_refuse(b"name = 5") is False
