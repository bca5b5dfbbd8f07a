"""Scenarios of the calibrated case: the Kuril builder and the historical files.

:func:`kuril_scenario` fills in the Kuril agreement space, the agents Japan,
Russia and the United States and the protocol (Japan proposes, Russia
responds, the United States may object) for whatever it is not given.  The
seven historical scenarios are TOML files in ``kurilsim/kuril/data/``;
:func:`load_scenario` loads them by name, and any scenario file by path with
the same defaults, so a Kuril file may omit ``[space]``, ``[[agents]]`` and
the protocol's roles.
"""

from __future__ import annotations

import os
import reprlib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

from kurilsim._errors import InvalidArgumentError, ScenarioFileError
from kurilsim.io.scenario_toml import read_scenario, scenario_from_toml
from kurilsim.kuril.agents import Japan, Russia, UnitedStates
from kurilsim.kuril.space import kuril_space
from kurilsim.model.agents import Agent
from kurilsim.model.protocol import NegotiationProtocol
from kurilsim.model.scenario import Scenario

__all__ = [
    "KURIL_OBJECTION_RULE",
    "kuril_agents",
    "kuril_protocol",
    "kuril_scenario",
    "list_scenarios",
    "load_scenario",
]

#: The package folder holding the historical scenario files.
_DATA: Final = "data"

#: Which agreements the United States may object to under
#: ``objection_scope="restrictions"`` (the Kuril default): those transferring
#: islands on which US forces may not be stationed (features of
#: :func:`~kurilsim.kuril.space.security_regime` and
#: :func:`~kurilsim.kuril.space.island_transfer`).
KURIL_OBJECTION_RULE: Final = "islands.any*security.restricts_us"

#: What a Kuril scenario file gets for the tables it omits (in the file
#: format of :mod:`kurilsim.io.scenario_toml`): the default Kuril space, the
#: three agents with default parameters, and the roles of the protocol.
_FILE_DEFAULTS: Final[Mapping[str, Any]] = {
    "space": {"builtin": "kuril"},
    "agents": [{"type": "Japan"}, {"type": "Russia"}, {"type": "UnitedStates"}],
    "protocol": {
        "proposer": "japan",
        "responder": "russia",
        "objector": "united_states",
        "objection_scope": "restrictions",
        "objectionable": KURIL_OBJECTION_RULE,
        "objection_payer": "japan",
    },
}


def kuril_agents() -> tuple[Agent, ...]:
    """``(Japan(), Russia(), UnitedStates())`` with their default parameters."""
    return (Japan(), Russia(), UnitedStates())


def kuril_protocol(**settings: Any) -> NegotiationProtocol:
    """The Kuril protocol: Japan proposes, Russia responds, the US may object.

    By default the United States may object only to the agreements that
    restrict its rights (``objection_scope="restrictions"``): those that
    transfer islands on which US forces may not be stationed
    (``objectionable=KURIL_OBJECTION_RULE``, i.e.
    ``"islands.any*security.restricts_us"``).  Japan bears the cost of an
    objection whoever proposes (``objection_payer="japan"``): what a US
    objection costs is strain on the US-Japan alliance, which falls on Japan,
    not on Russia.

    Parameters
    ----------
    **settings
        Any :class:`~kurilsim.NegotiationProtocol` field, replacing the
        default (``objector=""`` for nobody, ``objection_scope="any"`` for
        every agreement).

    Examples
    --------
    >>> from kurilsim.kuril import kuril_protocol
    >>> protocol = kuril_protocol(objection_cost=0.3)
    >>> protocol.proposer, protocol.responder, protocol.objector
    ('japan', 'russia', 'united_states')
    >>> protocol.discount_factor("japan")
    0.9
    >>> protocol.objection_scope, protocol.objectionable
    ('restrictions', 'islands.any*security.restricts_us')
    >>> kuril_protocol(proposer="russia", responder="japan").payer
    'japan'
    """
    defaults = {
        "proposer": "japan",
        "responder": "russia",
        "objector": "united_states",
        "objection_scope": "restrictions",
        "objectionable": KURIL_OBJECTION_RULE,
        "objection_payer": "japan",
    }
    return NegotiationProtocol(**{**defaults, **settings})


def kuril_scenario(name: str = "default", **fields: Any) -> Scenario:
    """A scenario of the calibrated case: the Kuril defaults for what is not given.

    Parameters
    ----------
    name : str, optional
        The scenario's name (default ``"default"``).
    **fields
        Any :class:`~kurilsim.Scenario` field.  ``space`` defaults to
        :func:`~kurilsim.kuril_space`, ``agents`` to :func:`kuril_agents`
        and ``protocol`` to :func:`kuril_protocol`.

    Returns
    -------
    Scenario

    Raises
    ------
    InvalidModelError
        As :class:`~kurilsim.Scenario` does (e.g. agents without Japan and no
        protocol naming others).

    Examples
    --------
    >>> import kurilsim
    >>> scenario = kurilsim.kuril_scenario()
    >>> scenario.agent_names, scenario.utilities().shape
    (('japan', 'russia', 'united_states'), (3, 38))
    >>> tougher = scenario.with_params({"japan.demand": 2,
    ...                                 "russia.security_weight": 2.5})
    >>> tougher.agent("russia").security_weight
    2.5
    >>> scenario.with_params({"russia.security": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    kurilsim._errors.InvalidModelError: unknown scenario parameter 'russia.security' (did you mean 'russia.security_weight'?); valid names are japan.demand, ...
    >>> kurilsim.kuril_scenario("wide", space=kurilsim.kuril_space(
    ...     islands="subsets")).utilities().shape
    (3, 104)
    """
    if "space" not in fields:
        fields["space"] = kuril_space()
    if "agents" not in fields:
        fields["agents"] = kuril_agents()
    if "protocol" not in fields:
        fields["protocol"] = kuril_protocol()
    return Scenario(name=name, **fields)


def _builtin_files() -> dict[str, Traversable]:
    folder = resources.files("kurilsim.kuril") / _DATA
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


def load_scenario(
    name_or_path: str | os.PathLike[str], *, max_agreements: int | None = None
) -> Scenario:
    """A built-in scenario by name, or a scenario from a TOML file.

    Files are read by :func:`kurilsim.io.scenario_toml.read_scenario` with
    the Kuril case's defaults: a file that
    omits ``[space]`` gets the default Kuril space, one that omits
    ``[[agents]]`` gets Japan, Russia and the United States, and protocol
    roles it does not set are Japan proposing, Russia responding and the
    United States objecting.  Loading a file never imports or calls anything
    the file names.

    Parameters
    ----------
    name_or_path : str or path
        A name from :func:`list_scenarios` or the path of a ``.toml`` file.
    max_agreements : int, optional
        Budget of an explicit agreement space: the most candidate agreements
        (the product of the issues' option counts) to enumerate; default
        :data:`~kurilsim.model.agreements.MAX_AGREEMENTS` (1,000,000).

    Raises
    ------
    ScenarioFileError
        If the file cannot be read or parsed (not UTF-8 text, not TOML, nested
        too deeply), or a key is missing, unknown or invalid, or an agent type
        is not registered (the message names the file and key); or if the
        name is neither a built-in scenario nor an existing file.
    ProblemTooLargeError
        If the file's agreement space exceeds ``max_agreements``; nothing is
        allocated first.
    InvalidArgumentError
        If ``name_or_path`` is neither a string nor a path.

    Examples
    --------
    >>> import kurilsim
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> scenario.utilities().shape
    (3, 38)
    >>> scenario.protocol.discount_factor("japan")
    0.85
    >>> kurilsim.load_scenario("2020-constitution").protocol.veto
    {'russia': 'islands.any'}
    """
    key = os.fspath(name_or_path) if isinstance(name_or_path, os.PathLike) else (
        name_or_path
    )
    if not isinstance(key, str):
        raise InvalidArgumentError(
            "load_scenario: name_or_path must be a scenario name or a path (str or "
            f"os.PathLike), got {reprlib.repr(name_or_path)}"
        )
    builtins = _builtin_files()
    if key in builtins:
        return scenario_from_toml(
            builtins[key].read_text(encoding="utf-8"),
            f"built-in scenario {key!r}",
            max_agreements=max_agreements,
            defaults=_FILE_DEFAULTS,
        )
    try:
        is_file = Path(key).is_file()
    except (OSError, ValueError):  # e.g. an embedded NUL
        is_file = False
    if not is_file:
        raise ScenarioFileError(
            f"{key!r} is neither a built-in scenario ({', '.join(sorted(builtins))}) "
            "nor a TOML file"
        )
    return read_scenario(
        key, max_agreements=max_agreements, defaults=_FILE_DEFAULTS
    )
