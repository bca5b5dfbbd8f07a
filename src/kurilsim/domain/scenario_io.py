"""Reading and writing scenarios as TOML; the built-in historical scenarios.

File format (every key optional unless marked)::

    name = "2018-singapore"            # required
    title = "..."
    description = "..."
    notes = ["...", "..."]

    [space]                            # either the built-in Kuril space ...
    builtin = "kuril"
    islands = "nested"                 # or "subsets"
    sovereignty = false
    fisheries = false

    # ... or explicit issues and constraints:
    # [[space.issues]]
    # name = "fisheries"
    # options = ["none", "quota"]
    # labels = ["no deal", "quota"]
    # features = { access = [0.0, 1.0] }
    # [[space.constraints]]
    # when = { islands = ["none"] }
    # require = { security = ["us-forces-allowed"] }

    [[agents]]                         # in row order of Scenario.utilities()
    type = "Japan"                     # Japan, Russia, UnitedStates, LinearAgent
    demand = 2                         # any parameter; the rest take defaults

    [protocol]
    objection_cost = 0.2
    discount = { japan = 0.9, russia = 0.85 }

Reading uses the standard library's :mod:`tomllib`; writing uses a small
writer for exactly this schema, so no extra dependency is needed.  Errors name
the file and the key.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from kurilsim._errors import InvalidModelError, ScenarioFileError
from kurilsim.domain.agents import agent_from_dict
from kurilsim.domain.agreements import AgreementSpace, Constraint, Issue
from kurilsim.domain.kuril import kuril_space
from kurilsim.domain.scenario import NegotiationProtocol, Scenario

__all__ = ["list_scenarios", "load_scenario", "scenario_to_dict", "scenario_to_toml"]

_BUILTIN_DIR = "scenarios"


# -- writing -----------------------------------------------------------------------
def _kuril_flags(space: AgreementSpace) -> dict[str, Any] | None:
    names = space.issue_names
    if names[:3] != ("islands", "security", "economic") or not set(names[3:]) <= {
        "sovereignty",
        "fisheries",
    }:
        return None
    chains: tuple[Literal["nested", "subsets"], ...] = ("nested", "subsets")
    for islands in chains:
        for sovereignty in (False, True):
            for fisheries in (False, True):
                candidate = kuril_space(
                    islands=islands,
                    sovereignty=sovereignty,
                    fisheries=fisheries,
                )
                if candidate == space:
                    return {
                        "builtin": "kuril",
                        "islands": islands,
                        "sovereignty": sovereignty,
                        "fisheries": fisheries,
                    }
    return None


def _issue_to_dict(issue: Issue) -> dict[str, Any]:
    data: dict[str, Any] = {"name": issue.name, "options": list(issue.options)}
    if issue.labels != issue.options:
        data["labels"] = list(issue.labels)
    if issue.description:
        data["description"] = issue.description
    if issue.features:
        data["features"] = {k: list(v) for k, v in issue.features.items()}
    if issue.status_quo:
        data["status_quo"] = dict(issue.status_quo)
    return data


def _space_to_dict(space: AgreementSpace) -> dict[str, Any]:
    flags = _kuril_flags(space)
    if flags is not None:
        return flags
    constraints = []
    for rule in space.constraints:
        if not isinstance(rule, Constraint):
            raise InvalidModelError(
                f"cannot save constraint {rule!r} to TOML: only Constraint objects "
                "(not callables) can be saved"
            )
        item: dict[str, Any] = {
            "when": {k: list(v) for k, v in rule.when.items()},
            "require": {k: list(v) for k, v in rule.require.items()},
        }
        if rule.description:
            item["description"] = rule.description
        constraints.append(item)
    data: dict[str, Any] = {"issues": [_issue_to_dict(i) for i in space.issues]}
    if constraints:
        data["constraints"] = constraints
    return data


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a nested dict of TOML values."""
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.title:
        data["title"] = scenario.title
    if scenario.description:
        data["description"] = scenario.description
    if scenario.notes:
        data["notes"] = list(scenario.notes)
    data["space"] = _space_to_dict(scenario.space)
    data["agents"] = [agent.to_dict() for agent in scenario.agents]
    data["protocol"] = scenario.protocol.to_dict()
    return data


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes, but JSON leaves
    # DEL (U+007F) unescaped and TOML forbids it raw.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidModelError(f"cannot save non-finite {where} = {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, where) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(
            f"{_key(k)} = {_value(v, f'{where}.{k}')}" for k, v in value.items()
        )
        return "{ " + items + " }" if items else "{}"
    raise InvalidModelError(f"cannot save {where} = {value!r} to TOML")


def _key(key: str) -> str:
    if key and all(c.isalnum() or c in "_-" for c in key) and key.isascii():
        return key
    return _toml_string(key)


def _table(lines: list[str], header: str, data: Mapping[str, Any], where: str) -> None:
    if header:
        lines.append("")
        lines.append(header)
    for key, value in data.items():
        lines.append(f"{_key(key)} = {_value(value, f'{where}.{key}')}")


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text for the scenario schema (top-level scalars, tables, arrays of
    tables whose values are scalars, arrays and inline tables)."""
    lines: list[str] = []
    scalars = {
        k: v for k, v in data.items() if k not in ("space", "agents", "protocol")
    }
    _table(lines, "", scalars, "scenario")
    space = data["space"]
    simple = {k: v for k, v in space.items() if k not in ("issues", "constraints")}
    _table(lines, "[space]", simple, "space")
    for issue in space.get("issues", []):
        _table(lines, "[[space.issues]]", issue, "space.issues")
    for rule in space.get("constraints", []):
        _table(lines, "[[space.constraints]]", rule, "space.constraints")
    for agent in data["agents"]:
        _table(lines, "[[agents]]", agent, "agents")
    _table(lines, "[protocol]", data["protocol"], "protocol")
    return "\n".join(lines) + "\n"


def scenario_to_toml(
    scenario: Scenario, path: str | os.PathLike[str] | None = None
) -> str:
    """Write ``scenario`` as TOML to ``path`` (if given) and return the text."""
    text = dumps(scenario_to_dict(scenario))
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


# -- reading -----------------------------------------------------------------------
def _fail(source: str, key: str, message: str) -> ScenarioFileError:
    return ScenarioFileError(f"{source}: {key}: {message}")


def _expect(
    source: str, key: str, value: Any, kind: type | tuple[type, ...], what: str
) -> Any:
    if not isinstance(value, kind) or (
        isinstance(value, bool)
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        raise _fail(source, key, f"expected {what}, got {value!r}")
    return value


def _check_keys(source: str, prefix: str, table: Mapping[str, Any],
                allowed: set[str]) -> None:
    """Refuse a table with keys outside ``allowed``, naming the first one."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(
            source,
            f"{prefix}{unknown[0]}",
            f"unknown key; expected one of {sorted(allowed)}",
        )


def _space_from_dict(data: Any, source: str) -> AgreementSpace:
    if data is None:
        return kuril_space()
    _expect(source, "space", data, dict, "a table")
    if "builtin" in data:
        _check_keys(source, "space.", data,
                    {"builtin", "islands", "sovereignty", "fisheries"})
        if data["builtin"] != "kuril":
            raise _fail(
                source, "space.builtin", f'expected "kuril", got {data["builtin"]!r}'
            )
        islands = data.get("islands", "nested")
        if islands not in ("nested", "subsets"):
            raise _fail(
                source,
                "space.islands",
                f'expected "nested" or "subsets", got {islands!r}',
            )
        flags = {}
        for key in ("sovereignty", "fisheries"):
            flags[key] = _expect(
                source, f"space.{key}", data.get(key, False), bool, "true or false"
            )
        return kuril_space(islands=islands, **flags)
    _check_keys(source, "space.", data, {"builtin", "issues", "constraints"})
    issues = []
    for k, item in enumerate(
        _expect(
            source, "space.issues", data.get("issues"), list, "an array of issue tables"
        )
    ):
        where = f"space.issues[{k}]"
        _expect(source, where, item, dict, "a table")
        _check_keys(source, f"{where}.", item,
                    {"name", "options", "labels", "features", "status_quo", "description"})
        try:
            issues.append(Issue(**item))
        except (InvalidModelError, TypeError) as error:
            raise _fail(source, where, str(error)) from None
    constraints = []
    for k, item in enumerate(
        _expect(
            source,
            "space.constraints",
            data.get("constraints", []),
            list,
            "an array of constraint tables",
        )
    ):
        where = f"space.constraints[{k}]"
        _expect(source, where, item, dict, "a table")
        try:
            constraints.append(Constraint(**item))
        except (InvalidModelError, TypeError) as error:
            raise _fail(source, where, str(error)) from None
    try:
        return AgreementSpace(tuple(issues), tuple(constraints))
    except InvalidModelError as error:
        raise _fail(source, "space", str(error)) from None


_DEFAULT_NAMES = {"Japan": "japan", "Russia": "russia", "UnitedStates": "united_states"}


def scenario_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Build a scenario from the nested dict of a TOML file (validated).

    Raises
    ------
    ScenarioFileError
        Naming ``source`` and the offending key.
    """
    _check_keys(source, "", data,
                {"name", "title", "description", "notes", "space", "agents", "protocol"})
    if "name" not in data:
        raise _fail(source, "name", "missing (every scenario needs a name)")
    name = _expect(source, "name", data["name"], str, "a string")
    title = _expect(source, "title", data.get("title", ""), str, "a string")
    description = _expect(
        source, "description", data.get("description", ""), str, "a string"
    )
    notes = _expect(source, "notes", data.get("notes", []), list, "an array of strings")
    for k, note in enumerate(notes):
        _expect(source, f"notes[{k}]", note, str, "a string")
    space = _space_from_dict(data.get("space"), source)
    agents = []
    raw_agents = data.get("agents")
    if raw_agents is None:
        raw_agents = [{"type": "Japan"}, {"type": "Russia"}, {"type": "UnitedStates"}]
    _expect(source, "agents", raw_agents, list, "an array of agent tables")
    for k, item in enumerate(raw_agents):
        where = f"agents[{k}]"
        _expect(source, where, item, dict, "a table")
        for key, value in item.items():
            if key not in ("type", "name", "description", "weights") and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise _fail(
                    source, f"{where}.{key}", f"expected a number, got {value!r}"
                )
        try:
            agents.append(agent_from_dict(item))
        except InvalidModelError as error:
            kind = item.get("type")
            label = item.get("name") or (
                _DEFAULT_NAMES.get(kind) if isinstance(kind, str) else None
            )
            key = f"agents.{label}" if label else where
            raise _fail(source, key, str(error)) from None
    raw_protocol = _expect(
        source, "protocol", data.get("protocol", {}), dict, "a table"
    )
    _check_keys(source, "protocol.", raw_protocol, {
        "proposer",
        "responder",
        "objector",
        "objection_cost",
        "objection_blocks",
        "objection_scope",
        "discount",
    })
    try:
        protocol = NegotiationProtocol(**raw_protocol)
    except (InvalidModelError, TypeError) as error:
        raise _fail(source, "protocol", str(error)) from None
    try:
        return Scenario(
            name=name,
            title=title,
            description=description,
            notes=tuple(notes),
            space=space,
            agents=tuple(agents),
            protocol=protocol,
        )
    except InvalidModelError as error:
        raise _fail(source, "scenario", str(error)) from None


def _builtin_files() -> dict[str, Any]:
    folder = resources.files("kurilsim.domain") / _BUILTIN_DIR
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def list_scenarios() -> tuple[str, ...]:
    """Names of the built-in historical scenarios, in chronological order.

    Examples
    --------
    >>> import kurilsim
    >>> kurilsim.list_scenarios()[:2]
    ('1956-declaration', '1960-memorandum')
    """
    return tuple(sorted(_builtin_files()))


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """A built-in scenario by name, or a scenario from a TOML file.

    Parameters
    ----------
    name_or_path : str or path
        A name from :func:`list_scenarios` or the path of a ``.toml`` file.

    Raises
    ------
    ScenarioFileError
        If the file cannot be read or parsed, or a key is missing, unknown or
        invalid (the message names the file and key); or if the name is
        neither a built-in scenario nor an existing file.

    Examples
    --------
    >>> import kurilsim
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> scenario.utilities().shape
    (3, 39)
    >>> scenario.agent("japan").demand
    2
    """
    builtins = _builtin_files()
    key = os.fspath(name_or_path)
    if key in builtins:
        text = builtins[key].read_text(encoding="utf-8")
        source = f"built-in scenario {key!r}"
    else:
        path = Path(key)
        if not path.is_file():
            raise ScenarioFileError(
                f"{key!r} is neither a built-in scenario ({', '.join(sorted(builtins))}) "
                "nor a TOML file"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ScenarioFileError(f"{path}: cannot read: {error}") from None
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioFileError(f"{source}: not valid TOML: {error}") from None
    return scenario_from_dict(data, source)
