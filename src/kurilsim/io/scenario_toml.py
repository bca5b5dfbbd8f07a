"""Reading and writing scenarios as TOML.

File format (every key optional unless marked)::

    name = "2018-singapore"            # required
    derived_from = "..."               # the scenario this one was derived from
                                       # (Scenario.with_params, kurilsim new --from):
                                       # the dynamic concept's regime, calibration
    title = "..."
    description = "..."
    notes = ["...", "..."]

    [space]                            # either a registered space builder ...
    builtin = "kuril"                  # its name (register_space_builder)
    islands = "nested"                 # its options, each one of a few values
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
    type = "Japan"                     # a registered agent type (see below)
    demand = 2                         # any parameter; the rest take defaults

    [protocol]
    proposer = "japan"
    responder = "russia"
    objector = "united_states"         # "" (default): nobody may object
    objection_cost = 0.2
    objection_scope = "restrictions"   # or "any" (default): which agreements
    objectionable = "islands.any*security.restricts_us"  # ... the rule (feature > 0)
    discount = { japan = 0.9, russia = 0.85 }

    [priors."russia.security_weight"]  # optional: priors by dotted parameter name
    family = "truncnorm"               # uniform, beta, truncnorm, lognorm, triang,
    mean = 1.0                         # discrete or point (kurilsim.Prior)
    sd = 0.5
    low = 0.0
    high = 3.0
    reasoning = "why it sits and spreads so"
    source = "author, title, year, page"

    [thresholds."japan.diet_threshold"]  # optional: a parameter read from a poll
    poll = "asahi-2019-01-20"          # an id of kurilsim.data.polls (required)
    support = ["in favour"]            # answers for / against (default: the
    oppose = ["opposed"]               # poll's own)
    agreement = { islands = "H+S+joint" }  # default: the poll's maps_to
    scale = 0.25                       # default: kurilsim.data.polls.DEFAULT_SCALE

A ``[thresholds]`` table sets agent parameters that no utility reads (the
ratification thresholds, read only by the ``"two-level"`` concept) from
public-opinion polls instead of numbers: each entry computes
:func:`kurilsim.data.polls.threshold_from_poll` on the scenario as the rest of
the file defines it, for the party that holds the parameter, and sets the
parameter to the result; a note recording the poll and the value is added to
the scenario's notes.  The reference is kept
(:attr:`kurilsim.Scenario.derived_parameters`), so writing the scenario back
writes the reference, not the number (while the parameter keeps that value).
A parameter set both in ``[[agents]]`` and in ``[thresholds]`` is an error.
Polls are data: reading one runs no code either.

A ``[priors]`` table replaces the priors the agents' parameters declare
(:meth:`kurilsim.Scenario.priors`); a numeric protocol setting
(``"protocol.objection_cost"``, ``"protocol.discount.<agent>"``) may have one
too.  Each entry is the :meth:`kurilsim.Prior.to_dict` table of a prior:
only the listed families are accepted, an unknown parameter name, family or
key is an error naming it, and the support must lie within the parameter's
bounds.  Unquoted dotted keys (``[priors.russia] security_weight = {...}``)
are read as the same names; an empty table (``[priors.russia]`` with nothing
under it) is an error, not silently ignored.  A prior that excludes the
parameter's value in the file warns (``PriorExcludesValueWarning``).

A shared parameter (declared ``shared=True``: it describes the agreement or
the world, not the agent, like the Kuril case's ``package_size``) set in one
``[[agents]]`` table is set for every agent that declares it; tables that
set it to different values are an error naming both.  In ``[priors]`` it may
be named after any holder (:meth:`kurilsim.Scenario.shared_parameters`).

The format itself knows no particular negotiation: ``[space]``, ``[[agents]]``
and the protocol's ``proposer`` and ``responder`` are required unless the
reader is given ``defaults`` for them.  The calibrated Kuril case
(:mod:`kurilsim.kuril`) registers its space builder ``"kuril"`` and agent
types ``Japan``, ``Russia`` and ``UnitedStates``, and its
:func:`kurilsim.load_scenario` supplies its defaults (the Kuril space, the
three agents, Japan proposing to Russia with the United States as objector of
the agreements restricting its rights), so its files may omit them.

Reading uses the standard library's :mod:`tomllib`; writing uses a small
writer for exactly this schema, so no extra dependency is needed.  Errors name
the file and the key.

Reading a file never imports or calls anything the file names.  An agent's
``type`` is looked up among the registered agent types: the generic
``LinearAgent``, types registered from Python with
:func:`kurilsim.register_agent_type` (such as the Kuril case's ``Japan``,
``Russia`` and ``UnitedStates``), and entry points of the group
``"kurilsim.agents"`` declared by installed packages (only the entry point the
file names is loaded: the one code a file can cause to run is a plugin that an
installed package registered under that name).  Any other type is a
:class:`~kurilsim.ScenarioFileError` naming the file, the table and the
registered types.  Likewise ``[space] builtin`` names only a builder
registered from Python with :func:`kurilsim.register_space_builder`.  An
explicit agreement space is checked against a budget before it is enumerated
(``read_scenario(..., max_agreements=...)``).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import reprlib
import tomllib
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    InvalidScenarioError,
    ProblemTooLargeError,
    ScenarioFileError,
)
from kurilsim._io import atomic_output
from kurilsim.model.agents import Agent, ParametricAgent, agent_from_dict, agent_type
from kurilsim.model.agreements import (
    AgreementSpace,
    Constraint,
    Issue,
    registered_space_builders,
    space_builder,
)
from kurilsim.model.priors import Prior
from kurilsim.model.protocol import NegotiationProtocol
from kurilsim.model.scenario import PriorExcludesValueWarning, Scenario

__all__ = [
    "read_scenario",
    "scenario_from_dict",
    "scenario_from_toml",
    "scenario_to_dict",
    "scenario_to_toml",
]

#: The tables a reader's ``defaults`` may supply.
_DEFAULTABLE = frozenset({"space", "agents", "protocol"})


# -- writing -----------------------------------------------------------------------
def _builder_table(space: AgreementSpace) -> dict[str, Any] | None:
    """``{"builtin": name, **options}`` of the first registered builder that
    builds ``space``, or None."""
    for name in registered_space_builders():
        builder = space_builder(name)
        try:
            options = builder.recognise(space)
        except InvalidModelError:  # a builder failing on some option values
            continue
        if options is not None:
            return {"builtin": name, **options}
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
    table = _builder_table(space)
    if table is not None:
        return table
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
    if scenario.derived_from:
        data["derived_from"] = scenario.derived_from
    if scenario.title:
        data["title"] = scenario.title
    if scenario.description:
        data["description"] = scenario.description
    notes = _current_notes(scenario)
    if notes:
        data["notes"] = notes
    data["space"] = _space_to_dict(scenario.space)
    data["agents"] = [agent.to_dict() for agent in scenario.agents]
    data["protocol"] = scenario.protocol.to_dict()
    thresholds = _thresholds_to_dict(scenario, data["agents"])
    if thresholds:
        data["thresholds"] = thresholds
    if scenario.prior_overrides:
        data["priors"] = {
            name: prior.to_dict() for name, prior in scenario.prior_overrides
        }
    return data


def _poll_note_start(dotted: str, value: float, poll_id: object) -> str:
    """How the note that records a ``[thresholds]`` reference begins."""
    return f"{dotted} = {value:.6g}, read from the poll {poll_id} ("


def _current_notes(scenario: Scenario) -> list[str]:
    """The scenario's notes without those recording a ``[thresholds]`` reference
    no longer in force (its parameter was changed since: the note would
    contradict the number written)."""
    values = scenario.parameters()
    stale = tuple(
        _poll_note_start(dotted, reference["value"], reference.get("poll"))
        for dotted, reference in scenario.derived_parameters
        if values.get(dotted) != reference["value"]
        and isinstance(reference["value"], int | float)
    )
    return [note for note in scenario.notes if not note.startswith(stale)]


def _thresholds_to_dict(
    scenario: Scenario, agents: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``[thresholds]`` references still in force (their parameter has the
    value they gave), removing those parameters from the agents' tables."""
    values = scenario.parameters()
    tables: dict[str, Any] = {}
    for dotted, reference in scenario.derived_parameters:
        if values.get(dotted) != reference["value"]:
            continue  # changed since: the number is written, not the reference
        if not _reference_reproduces(scenario, dotted, reference):
            # the parameter kept its value, but the scenario changed under the
            # poll (another parameter of the party): reading the reference back
            # would give another threshold, so the number is written
            continue
        owner, parameter = dotted.split(".", 1)
        for table in agents:
            if table.get("name") == owner:
                table.pop(parameter, None)
        tables[dotted] = {
            k: v for k, v in reference.items() if k not in ("value", "note")
        }
    return tables


def _reference_reproduces(
    scenario: Scenario, dotted: str, reference: Mapping[str, Any]
) -> bool:
    """Whether reading a ``[thresholds]`` reference on this scenario gives the
    value it holds (so that writing the reference round-trips)."""
    from kurilsim.data.polls import DEFAULT_SCALE, poll, threshold_from_poll

    party = dotted.split(".", 1)[0]
    options = {k: reference[k] for k in ("support", "oppose", "agreement") if k in reference}
    try:
        value = threshold_from_poll(
            poll(reference["poll"]), scenario, party=party,
            scale=reference.get("scale", DEFAULT_SCALE), **options,
        )
    except (InvalidArgumentError, InvalidModelError):
        return False
    return math.isclose(value, float(reference["value"]), rel_tol=1e-12, abs_tol=1e-15)


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
        k: v
        for k, v in data.items()
        if k not in ("space", "agents", "protocol", "priors", "thresholds")
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
    for name, reference in data.get("thresholds", {}).items():
        _table(lines, f"[thresholds.{_key(name)}]", reference, f"thresholds.{name}")
    for name, prior in data.get("priors", {}).items():
        lines += ["", f"[priors.{_key(name)}]"]
        for key, value in prior.items():
            # TOML has infinities, which a truncated normal's bounds may be
            text = (
                ("inf" if value > 0 else "-inf")
                if isinstance(value, float) and math.isinf(value)
                else _value(value, f"priors.{name}.{key}")
            )
            lines.append(f"{_key(key)} = {text}")
    return "\n".join(lines) + "\n"


def scenario_to_toml(
    scenario: Scenario, path: str | os.PathLike[str] | None = None
) -> str:
    """Write ``scenario`` as TOML to ``path`` (if given) and return the text."""
    text = dumps(scenario_to_dict(scenario))
    if path is not None:
        with atomic_output(path, "w", newline="\n") as stream:
            stream.write(text)
    return text


# -- reading -----------------------------------------------------------------------
#: Short, bounded reprs of values from a file (deep or long values stay readable).
_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlevel = 3


def _show(value: object) -> str:
    return _REPR.repr(value)


def _fail(source: str, key: str, message: str) -> ScenarioFileError:
    return ScenarioFileError(f"{source}: {key}: {message}")


def _expect(
    source: str, key: str, value: Any, kind: type | tuple[type, ...], what: str
) -> Any:
    if not isinstance(value, kind) or (
        isinstance(value, bool)
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        raise _fail(source, key, f"expected {what}, got {_show(value)}")
    return value


def _check_keys(source: str, prefix: str, table: Mapping[Any, Any],
                allowed: set[str]) -> None:
    """Refuse a table with keys outside ``allowed``, naming the first one."""
    unknown = sorted(set(table) - allowed, key=str)
    if unknown:
        raise _fail(
            source,
            f"{prefix}{unknown[0]}",
            f"unknown key; expected one of {sorted(allowed)}",
        )


def _space_from_dict(
    data: Any, source: str, max_agreements: int | None
) -> AgreementSpace:
    if data is None:
        raise _fail(
            source,
            "space",
            'missing: a [space] table is needed (builtin = "<name>" of a registered '
            "space builder, or [[space.issues]])",
        )
    _expect(source, "space", data, dict, "a table")
    if "builtin" in data:
        kind = data["builtin"]
        if isinstance(kind, str) and kind not in registered_space_builders():
            # the bundled builders register when kurilsim.kuril is imported,
            # which ``import kurilsim`` defers: a file read first (say by
            # kurilsim.load_result in a new session) must find them too
            importlib.import_module("kurilsim.kuril")
        try:
            builder = space_builder(kind)
        except InvalidModelError:
            names = " or ".join(f'"{name}"' for name in registered_space_builders())
            raise _fail(
                source,
                "space.builtin",
                f"expected a registered space builder ({names or 'none registered'}; "
                f"see kurilsim.register_space_builder), got {_show(kind)}",
            ) from None
        _check_keys(source, "space.", data, {"builtin", *builder.options})
        options = {key: value for key, value in data.items() if key != "builtin"}
        for key, value in options.items():
            if not builder.accepts(key, value):
                raise _fail(
                    source,
                    f"space.{key}",
                    f"expected {builder.choices(key)}, got {_show(value)}",
                )
        try:
            return builder.space(**options)
        except InvalidModelError as error:
            raise _fail(source, "space", str(error)) from None
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
        if "name" not in item or "options" not in item:
            raise _fail(source, where, "an issue needs a name and options")
        try:
            issues.append(Issue(**item))
        except InvalidModelError as error:
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
        _check_keys(source, f"{where}.", item, {"when", "require", "description"})
        if "when" not in item or "require" not in item:
            raise _fail(source, where, "a constraint needs 'when' and 'require'")
        try:
            constraints.append(Constraint(**item))
        except InvalidModelError as error:
            raise _fail(source, where, str(error)) from None
    try:
        return AgreementSpace(
            tuple(issues), tuple(constraints), max_agreements=max_agreements
        )
    except ProblemTooLargeError as error:
        raise ProblemTooLargeError(f"{source}: space: {error}") from None
    except InvalidModelError as error:
        raise _fail(source, "space", str(error)) from None


def _default_name(kind: object) -> str | None:
    """The default ``name`` of the agent type ``kind`` (a dataclass's field
    default), for naming an agent table in messages; None if it has none."""
    try:
        factory = agent_type(kind)  # type: ignore[arg-type]
    except InvalidScenarioError:
        return None
    if not (isinstance(factory, type) and dataclasses.is_dataclass(factory)):
        return None
    for item in dataclasses.fields(factory):
        if item.name == "name" and isinstance(item.default, str) and item.default:
            return item.default
    return None


_PROTOCOL_KEYS = {
    "proposer",
    "responder",
    "objector",
    "objection_cost",
    "objection_blocks",
    "objection_scope",
    "objectionable",
    "discount",
    "objection_payer",
    "veto",
}


def _agents_from_list(raw_agents: Any, source: str) -> list[Agent]:
    _expect(source, "agents", raw_agents, list, "an array of agent tables")
    agents = []
    for k, item in enumerate(raw_agents):
        where = f"agents[{k}]"
        _expect(source, where, item, dict, "a table")
        for key, value in item.items():
            if key not in ("type", "name", "description", "weights") and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise _fail(
                    source, f"{where}.{key}", f"expected a number, got {_show(value)}"
                )
        try:
            agents.append(agent_from_dict(item))
        except InvalidScenarioError as error:  # the type: unknown or not loadable
            raise _fail(source, f"{where}.type", str(error)) from None
        except InvalidModelError as error:
            label = item.get("name") or _default_name(item.get("type"))
            key = f"agents.{label}" if isinstance(label, str) else where
            raise _fail(source, key, str(error)) from None
    return _share_values(agents, raw_agents, source)


def _share_values(
    agents: list[Agent], tables: list[dict[str, Any]], source: str
) -> list[Agent]:
    """The agents, a shared parameter set in some agent tables given to every
    agent that declares it (see :func:`kurilsim.model.agents.parameter`)."""
    holders: dict[str, list[int]] = {}
    for k, agent in enumerate(agents):
        if isinstance(agent, ParametricAgent):
            for spec in agent.parameter_specs():
                if spec.shared:
                    holders.setdefault(spec.name, []).append(k)
    agents = list(agents)
    for name, group in holders.items():
        given = [k for k in group if name in tables[k]]
        if len(group) < 2 or not given:
            continue
        first = given[0]
        value = tables[first][name]
        for k in given[1:]:
            if tables[k][name] != value:
                raise _fail(
                    source,
                    f"agents.{agents[k].name}.{name}",
                    f"{agents[first].name}.{name} = {_show(value)} but "
                    f"{agents[k].name}.{name} = {_show(tables[k][name])}; "
                    f"{name} is a shared parameter (one value for every agent "
                    "that declares it): set it once, or to the same value",
                )
        for k in group:
            if k not in given:
                try:
                    agents[k] = agents[k].with_params({name: value})
                except InvalidModelError as error:
                    raise _fail(
                        source, f"agents.{agents[k].name}.{name}", str(error)
                    ) from None
    return agents


def _protocol_from_dict(
    data: Any, source: str, defaults: Mapping[str, Any]
) -> NegotiationProtocol:
    raw = _expect(source, "protocol", data, dict, "a table")
    raw = {**defaults, **raw}
    _check_keys(source, "protocol.", raw, _PROTOCOL_KEYS)
    for key in ("proposer", "responder", "objector", "objection_scope", "objectionable",
                "objection_payer"):
        if key in raw:
            _expect(source, f"protocol.{key}", raw[key], str, "a string")
    if "objection_cost" in raw:
        _expect(source, "protocol.objection_cost", raw["objection_cost"],
                (int, float), "a number")
    if "objection_blocks" in raw:
        _expect(source, "protocol.objection_blocks", raw["objection_blocks"], bool,
                "true or false")
    discount = _expect(source, "protocol.discount", raw.get("discount", {}), dict,
                       "a table of agent names to numbers")
    for agent, value in discount.items():
        _expect(source, f"protocol.discount.{agent}", value, (int, float), "a number")
    veto = _expect(source, "protocol.veto", raw.get("veto", {}), dict,
                   "a table of agent names to rules")
    for agent, value in veto.items():
        _expect(source, f"protocol.veto.{agent}", value, str, "a rule (a string)")
    try:
        return NegotiationProtocol(**raw)
    except InvalidModelError as error:
        message = str(error)
        if message.startswith("protocol."):  # it names the key already
            raise ScenarioFileError(f"{source}: {message}") from None
        raise _fail(source, "protocol", message) from None


def _check_defaults(defaults: object, caller: str) -> Mapping[str, Any]:
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping) or not set(defaults) <= _DEFAULTABLE:
        raise InvalidArgumentError(
            f"{caller}: defaults must be a mapping with keys among "
            f"{sorted(_DEFAULTABLE)} (tables in the file's format), got "
            f"{_show(defaults)}"
        )
    protocol = defaults.get("protocol", {})
    if not isinstance(protocol, Mapping):
        raise InvalidArgumentError(
            f"{caller}: defaults['protocol'] must be a mapping of protocol keys, "
            f"got {_show(protocol)}"
        )
    return defaults


def scenario_from_dict(
    data: Mapping[str, Any],
    source: str = "<dict>",
    *,
    max_agreements: int | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Scenario:
    """Build a scenario from the nested dict of a TOML file (validated).

    Parameters
    ----------
    data : mapping
        The parsed file: the tables and values of the schema above.
    source : str, optional
        What to call the data in error messages (the file's path).
    max_agreements : int, optional
        Budget of an explicit agreement space (see
        :class:`~kurilsim.AgreementSpace`); default
        :data:`~kurilsim.model.agreements.MAX_AGREEMENTS`.
    defaults : mapping, optional
        What a file that omits them gets, in the file's format: ``"space"``
        (a ``[space]`` table), ``"agents"`` (a list of agent tables) and
        ``"protocol"`` (protocol keys; the file's ``[protocol]`` keys take
        precedence key by key).  Without defaults, ``[space]``,
        ``[[agents]]`` and the protocol's proposer and responder are required.

    Raises
    ------
    ScenarioFileError
        Naming ``source`` and the offending key, for any missing, unknown or
        invalid key or value (wrong types included), any agent type that is
        not registered (see :func:`kurilsim.register_agent_type`) and any
        space builder that is not (see :func:`kurilsim.register_space_builder`).
    ProblemTooLargeError
        If the agreement space exceeds ``max_agreements`` (nothing is
        allocated).
    InvalidArgumentError
        If ``source`` is not a string or ``defaults`` not a mapping of those
        keys.

    Examples
    --------
    >>> from kurilsim.io.scenario_toml import scenario_from_dict
    >>> scenario = scenario_from_dict({
    ...     "name": "sale",
    ...     "space": {"issues": [{"name": "price", "options": ["low", "high"],
    ...                           "features": {"level": [1.0, 2.0]}}]},
    ...     "agents": [
    ...         {"type": "LinearAgent", "name": "buyer",
    ...          "weights": {"price.level": -1.0}},
    ...         {"type": "LinearAgent", "name": "seller",
    ...          "weights": {"price.level": 1.0}}],
    ...     "protocol": {"proposer": "buyer", "responder": "seller"}})
    >>> scenario.utilities()
    array([[-1., -2.],
           [ 1.,  2.]])
    """
    if not isinstance(source, str):
        raise InvalidArgumentError(
            f"scenario_from_dict: source must be a string, got {_show(source)}"
        )
    fallback = _check_defaults(defaults, "scenario_from_dict")
    if not isinstance(data, Mapping):
        raise ScenarioFileError(
            f"{source}: expected a table of scenario keys, got {_show(data)}"
        )
    _check_keys(source, "", data,
                {"name", "derived_from", "title", "description", "notes", "space",
                 "agents", "protocol", "priors", "thresholds"})
    if "name" not in data:
        raise _fail(source, "name", "missing (every scenario needs a name)")
    name = _expect(source, "name", data["name"], str, "a string")
    derived_from = _expect(
        source, "derived_from", data.get("derived_from", ""), str, "a string"
    )
    title = _expect(source, "title", data.get("title", ""), str, "a string")
    description = _expect(
        source, "description", data.get("description", ""), str, "a string"
    )
    notes = _expect(source, "notes", data.get("notes", []), list, "an array of strings")
    for k, note in enumerate(notes):
        _expect(source, f"notes[{k}]", note, str, "a string")
    space = _space_from_dict(
        data.get("space", fallback.get("space")), source, max_agreements
    )
    raw_agents = data.get("agents", fallback.get("agents"))
    if raw_agents is None:
        raise _fail(
            source,
            "agents",
            "missing: a scenario needs [[agents]] tables (type = a registered "
            "agent type, then its parameters)",
        )
    agents = _agents_from_list(raw_agents, source)
    protocol = _protocol_from_dict(
        data.get("protocol", {}), source, fallback.get("protocol", {})
    )
    priors = _priors_from_dict(data.get("priors", {}), source)
    try:
        scenario = Scenario(
            name=name,
            title=title,
            description=description,
            notes=tuple(notes),
            space=space,
            agents=tuple(agents),
            protocol=protocol,
            derived_from=derived_from,
        )
    except InvalidModelError as error:
        raise _fail(source, "scenario", str(error)) from None
    if "thresholds" in data:
        scenario = _apply_thresholds(data["thresholds"], source, scenario, raw_agents)
    if not priors:
        return scenario
    try:
        return scenario.with_priors(priors)
    except InvalidModelError:
        with warnings.catch_warnings():  # the batch failed: no scenario to warn about
            warnings.simplefilter("ignore", PriorExcludesValueWarning)
            for dotted, prior in priors.items():  # name the first prior that is wrong
                try:
                    scenario.with_priors({dotted: prior})
                except InvalidModelError as error:
                    raise _fail(source, f"priors.{dotted}", str(error)) from None
        raise


#: The keys of a ``[thresholds."<agent>.<parameter>"]`` table.
_THRESHOLD_KEYS = {"poll", "support", "oppose", "agreement", "scale"}


def _answer_labels(source: str, key: str, value: Any) -> Any:
    if isinstance(value, str):
        return value
    _expect(source, key, value, list, "an answer label or an array of them")
    for k, item in enumerate(value):
        _expect(source, f"{key}[{k}]", item, str, "an answer label (a string)")
    return value


def _flatten_thresholds(
    table: Mapping[str, Any], prefix: str, source: str
) -> dict[str, Any]:
    """Dotted name -> reference table; nested tables (unquoted dotted keys,
    ``[thresholds.japan.diet_threshold]``) joined, as in ``[priors]``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        _expect(source, f"thresholds.{dotted}", value, dict,
                "a table (poll = \"<id>\", ...)")
        if not value or set(value) & _THRESHOLD_KEYS or not all(
            isinstance(v, dict) for v in value.values()
        ):
            flat[dotted] = value  # a reference (a namespace holds only tables)
        else:
            flat.update(_flatten_thresholds(value, f"{dotted}.", source))
    return flat


def _apply_thresholds(
    data: Any, source: str, scenario: Scenario, raw_agents: list[Any]
) -> Scenario:
    """The scenario with the ``[thresholds]`` parameters read from polls."""
    from kurilsim.data.polls import (  # lazy: the poll table is read on first use
        DEFAULT_SCALE,
        poll,
        support_share,
        threshold_from_poll,
    )

    _expect(source, "thresholds", data, dict, "a table of parameter names to polls")
    changes: dict[str, float] = {}
    references: list[tuple[str, dict[str, Any]]] = []
    notes = list(scenario.notes)
    for dotted, table in _flatten_thresholds(data, "", source).items():
        where = f"thresholds.{dotted}"
        _check_keys(source, f"{where}.", table, _THRESHOLD_KEYS)
        try:
            owner = scenario.agent_parameter(dotted)
        except InvalidModelError as error:
            raise _fail(source, where, str(error)) from None
        if owner is None:
            raise _fail(source, where, "only agent parameters can be read from polls")
        if scenario.read_by(dotted) is None:
            # a threshold computed from the party's utilities must not feed
            # back into them (and reading it again would give another value)
            raise _fail(
                source,
                where,
                f"{dotted} enters the agents' utilities; only a parameter that no "
                "utility reads (one read by a single concept, such as the "
                "ratification thresholds japan.diet_threshold or "
                "russia.duma_threshold) can be read from a poll",
            )
        party, parameter = owner
        for k, item in enumerate(raw_agents):
            label = item.get("name") or _default_name(item.get("type"))
            if label == party and parameter in item:
                raise _fail(
                    source,
                    where,
                    f"{dotted} is also set in agents[{k}]: give it either a value "
                    "there or a poll here, not both",
                )
        if "poll" not in table:
            raise _fail(source, f"{where}.poll", "missing (the id of a poll)")
        poll_id = _expect(source, f"{where}.poll", table["poll"], str, "a poll id")
        options: dict[str, Any] = {}
        for key in ("support", "oppose"):
            if key in table:
                options[key] = _answer_labels(source, f"{where}.{key}", table[key])
        if "agreement" in table:
            agreement = _expect(source, f"{where}.agreement", table["agreement"],
                                dict, "a table {issue = option}")
            for issue, option in agreement.items():
                _expect(source, f"{where}.agreement.{issue}", option, str,
                        "an option (a string)")
            options["agreement"] = agreement
        scale = table.get("scale", DEFAULT_SCALE)
        _expect(source, f"{where}.scale", scale, (int, float), "a number")
        try:
            item = poll(poll_id)
        except InvalidArgumentError as error:
            raise _fail(source, where, str(error)) from None
        if item.country != party and item.country in scenario.agent_names:
            raise _fail(
                source,
                f"{where}.poll",
                f"the poll {item.id} asked the public of {item.country!r}, but "
                f"{dotted} is a parameter of {party!r}: give a poll of that "
                "party's public",
            )
        try:
            value = threshold_from_poll(
                item, scenario, party=party, scale=scale, **options
            )
            share = support_share(
                item, support=options.get("support"), oppose=options.get("oppose")
            )
        except (InvalidArgumentError, InvalidModelError) as error:
            raise _fail(source, where, str(error)) from None
        changes[dotted] = value
        note = (
            f"{_poll_note_start(dotted, value, item.id)}{item.pollster}, "
            f"{item.start.isoformat()} to {item.end.isoformat()}; "
            f"{item.source.url}): support share {share:.4g} for the agreement "
            f"{dict(options.get('agreement', item.maps_to) or {})}, scale {scale:g} "
            f"of the range of {party}'s gains (kurilsim.data.polls."
            "threshold_from_poll: a probit in the government's gain; judgement)."
        )
        if note not in notes:
            notes.append(note)
        references.append((dotted, {**table, "value": value, "note": note}))
    # the file's scenario, not one derived from it
    name, origin = scenario.name, scenario.derived_from
    try:
        scenario = scenario.with_params(changes)
    except InvalidModelError as error:
        raise _fail(source, "thresholds", str(error)) from None
    return dataclasses.replace(
        scenario,
        name=name,
        derived_from=origin,
        notes=tuple(notes),
        derived_parameters=(*scenario.derived_parameters, *references),
    )


def _flatten_priors(
    table: Mapping[str, Any], prefix: str, source: str
) -> dict[str, Any]:
    """Dotted name -> prior table; nested tables (unquoted dotted keys) joined."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        _expect(source, f"priors.{dotted}", value, dict, "a prior table")
        if not value:
            raise _fail(
                source,
                f"priors.{dotted}",
                "an empty table: give a prior (family, its parameters and "
                "reasoning) or, under a namespace, tables of priors",
            )
        if "family" in value or not all(isinstance(v, dict) for v in value.values()):
            flat[dotted] = value  # a prior's table (a namespace holds only tables)
        else:
            flat.update(_flatten_priors(value, f"{dotted}.", source))
    return flat


def _priors_from_dict(data: Any, source: str) -> dict[str, Prior]:
    """The ``[priors]`` table as priors by dotted name (each checked)."""
    _expect(source, "priors", data, dict, "a table of parameter names to priors")
    priors = {}
    for dotted, table in _flatten_priors(data, "", source).items():
        where = f"priors.{dotted}"
        if "family" not in table:
            raise _fail(source, where, "missing 'family' (the distribution family)")
        for key, value in table.items():
            if key in ("family", "reasoning", "source"):
                _expect(source, f"{where}.{key}", value, str, "a string")
            elif key in ("values", "probabilities"):
                _expect(source, f"{where}.{key}", value, list, "an array of numbers")
                for k, item in enumerate(value):
                    _expect(source, f"{where}.{key}[{k}]", item, (int, float),
                            "a number")
            else:
                _expect(source, f"{where}.{key}", value, (int, float), "a number")
        try:
            priors[dotted] = Prior.from_dict(table)
        except InvalidModelError as error:
            raise _fail(source, where, str(error)) from None
    return priors


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioFileError(f"{source}: not valid TOML: {error}") from None
    except RecursionError:
        raise ScenarioFileError(
            f"{source}: not a scenario file: values are nested too deeply to parse"
        ) from None


def scenario_from_toml(
    text: str,
    source: str = "<string>",
    *,
    max_agreements: int | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Scenario:
    """Build a scenario from TOML text (see :func:`scenario_from_dict`).

    Raises
    ------
    ScenarioFileError
        If the text is not TOML (nested too deeply included) or not a valid
        scenario (the message names ``source`` and the key).
    InvalidArgumentError
        If ``text`` or ``source`` is not a string.
    """
    if not isinstance(text, str):
        raise InvalidArgumentError(
            f"scenario_from_toml: text must be a string, got {_show(text)}"
        )
    if not isinstance(source, str):
        raise InvalidArgumentError(
            f"scenario_from_toml: source must be a string, got {_show(source)}"
        )
    return scenario_from_dict(
        _parse(text, source), source, max_agreements=max_agreements, defaults=defaults
    )


def read_scenario(
    path: str | os.PathLike[str],
    *,
    max_agreements: int | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Scenario:
    """Read a scenario from a TOML file.

    Reading never imports or calls anything the file names: agent types and
    space builders are looked up among the registered ones (see
    :func:`kurilsim.register_agent_type` and
    :func:`kurilsim.register_space_builder`); a type found only as an entry
    point of an installed package is loaded from that package.  (For the
    bundled historical scenarios by name, and files of the Kuril case that
    rely on its defaults, use :func:`kurilsim.load_scenario`.)

    Parameters
    ----------
    path : str or path
        The ``.toml`` file.
    max_agreements : int, optional
        Budget of an explicit agreement space: the most candidate agreements
        (the product of the issues' option counts) to enumerate; default
        :data:`~kurilsim.model.agreements.MAX_AGREEMENTS` (1,000,000).
    defaults : mapping, optional
        Tables for a file that omits them (see :func:`scenario_from_dict`).

    Raises
    ------
    ScenarioFileError
        If the file does not exist or cannot be read or parsed (not UTF-8
        text, not TOML, nested too deeply), or a key is missing, unknown or
        invalid, or an agent type or space builder is not registered (the
        message names the file and key).
    ProblemTooLargeError
        If the file's agreement space exceeds ``max_agreements``; nothing is
        allocated first.
    InvalidArgumentError
        If ``path`` is neither a string nor a path.
    """
    key = os.fspath(path) if isinstance(path, os.PathLike) else path
    if not isinstance(key, str):
        raise InvalidArgumentError(
            "read_scenario: path must be a str or os.PathLike, got "
            f"{_show(path)}"
        )
    file = Path(key)
    try:
        is_file = file.is_file()
    except (OSError, ValueError):  # e.g. an embedded NUL
        is_file = False
    if not is_file:
        raise ScenarioFileError(f"{key!r} is not a TOML file")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise ScenarioFileError(f"{file}: cannot read: {error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioFileError(
            f"{file}: not a UTF-8 text file (byte {error.start}: {error.reason})"
        ) from None
    source = str(file)
    return scenario_from_dict(
        _parse(text, source), source, max_agreements=max_agreements, defaults=defaults
    )
