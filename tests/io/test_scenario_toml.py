"""Scenario files: reading and writing TOML, space builders, errors naming the key."""

from __future__ import annotations

import itertools
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
    Issue,
    Japan,
    LinearAgent,
    NegotiationProtocol,
    Russia,
    Scenario,
    ScenarioFileError,
    kuril_scenario,
    kuril_space,
    load_scenario,
)
from kurilsim.games.negotiation import objectionable
from kurilsim.io.scenario_toml import (
    read_scenario,
    scenario_from_dict,
    scenario_from_toml,
    scenario_to_toml,
)
from kurilsim.model import agreements
from tests.model.cases import custom_scenario


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)



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
        scenario = kuril_scenario(name="v", space=space)
        text = scenario.to_toml()
        assert 'builtin = "kuril"' in text
        path = tmp_path / f"{islands}-{sovereignty}-{fisheries}.toml"
        scenario.to_toml(path)
        assert load_scenario(path) == scenario


def test_text_escaping_round_trip(tmp_path: Path) -> None:
    awkward = 'quote " backslash \\ tab \t newline \n del \x7f nul \x00 ü 歯舞 🐟'
    scenario = kuril_scenario(name=awkward, title=awkward, notes=(awkward, ""))
    path = tmp_path / "awkward.toml"
    scenario.to_toml(path)
    assert load_scenario(path) == scenario


def test_callable_constraint_cannot_be_saved() -> None:
    space = AgreementSpace(
        kuril_space().issues, [lambda deal: deal["economic"] != "larger"]
    )
    scenario = kuril_scenario(name="x", space=space)
    with pytest.raises(InvalidModelError, match="callables"):
        scenario.to_toml()


def test_dict_round_trip() -> None:
    from kurilsim.io.scenario_toml import scenario_from_dict

    scenario = custom_scenario()
    assert scenario_from_dict(scenario.to_dict()) == scenario


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
        'name = "x"\n[protocol]\nobjectionable = "islands.al"\n',
        "protocol.objectionable",
        "no feature 'islands.al'",
    ),
    ('name = "x"\n[protocol]\nobjectionable = 1\n', "protocol.objectionable",
     "expected a string"),
    ('name = "x"\n[protocol]\nobjectionable = ""\n', "protocol.objectionable",
     "objection_scope 'restrictions' needs the rule"),
    ('name = "x"\n[protocol]\nobjectionable = "a**b"\n', "protocol.objectionable",
     "'a**b'"),
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


def test_nonexistent_path_object(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ScenarioFileError, match=re.escape("nowhere.toml")):
        load_scenario(path)


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Kunashir \xe9"\n'.encode("latin-1"))
    with pytest.raises(ScenarioFileError, match=re.escape(str(path))):
        load_scenario(path)



# -- the generic format: no defaults unless the reader is given some -------------------
GENERIC = """\
name = "sale"

[[space.issues]]
name = "price"
options = ["low", "high"]
features = { level = [1.0, 2.0] }

[[agents]]
type = "LinearAgent"
name = "buyer"
weights = { "price.level" = -1.0 }

[[agents]]
type = "LinearAgent"
name = "seller"
status_quo = 0.5
weights = { "price.level" = 2.0 }

[protocol]
proposer = "buyer"
responder = "seller"
"""


def generic_scenario() -> Scenario:
    space = AgreementSpace(
        (Issue(name="price", options=("low", "high"), features={"level": (1.0, 2.0)}),)
    )
    return Scenario(
        name="sale",
        space=space,
        agents=(
            LinearAgent(name="buyer", weights={"price.level": -1.0}),
            LinearAgent(name="seller", weights={"price.level": 2.0}, status_quo=0.5),
        ),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
    )


def test_generic_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sale.toml"
    path.write_text(GENERIC, encoding="utf-8")
    scenario = read_scenario(path)
    assert scenario == generic_scenario()
    assert scenario_from_toml(GENERIC) == scenario
    # the Kuril loader's defaults add the US as objector, absent here
    with pytest.raises(ScenarioFileError, match="'united_states'"):
        load_scenario(path)
    text = scenario_to_toml(scenario, tmp_path / "again.toml")
    assert "builtin" not in text
    assert read_scenario(tmp_path / "again.toml") == scenario


# -- which agreements the objector may object to: the protocol's rule --------------
GENERIC_OBJECTOR = GENERIC.replace(
    'price.level" = 2.0 }\n',
    'price.level" = 2.0 }\n\n[[agents]]\ntype = "LinearAgent"\nname = "guild"\n'
    'weights = { "price=low" = -1.0 }\n',
) + 'objector = "guild"\nobjection_scope = "restrictions"\nobjectionable = "price=low"\n'


def test_generic_file_declares_its_objection_rule(tmp_path: Path) -> None:
    path = tmp_path / "guild.toml"
    path.write_text(GENERIC_OBJECTOR, encoding="utf-8")
    scenario = read_scenario(path)
    assert scenario.protocol.objector == "guild"
    assert scenario.protocol.objectionable == "price=low"
    low = scenario.space.index(scenario.space.agreement(price="low"))
    assert np.flatnonzero(objectionable(scenario)).tolist() == [low]
    text = scenario_to_toml(scenario, tmp_path / "again.toml")
    assert 'objectionable = "price=low"' in text
    assert 'objection_scope = "restrictions"' in text
    assert read_scenario(tmp_path / "again.toml") == scenario
    # a generic file may not ask for restrictions without declaring the rule
    path.write_text(
        GENERIC_OBJECTOR.replace('objectionable = "price=low"\n', ""), encoding="utf-8"
    )
    with pytest.raises(ScenarioFileError, match=r"needs the rule protocol\.objectionable"):
        read_scenario(path)
    # ... nor declare a rule its space cannot evaluate
    path.write_text(
        GENERIC_OBJECTOR.replace('"price=low"\n', '"price=free"\n'), encoding="utf-8"
    )
    with pytest.raises(
        ScenarioFileError, match=r"protocol\.objectionable: rule 'price=free'"
    ):
        read_scenario(path)
    # without objection_scope a generic objector may object to any agreement
    path.write_text(
        GENERIC_OBJECTOR.replace('objection_scope = "restrictions"\n', "").replace(
            'objectionable = "price=low"\n', ""
        ),
        encoding="utf-8",
    )
    assert objectionable(read_scenario(path)).all()


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('name = "x"\n', "space", "missing"),
        ('name = "x"\n[space]\nbuiltin = "kuril"\n', "agents", "missing"),
        (
            (
                'name = "x"\n[space]\nbuiltin = "kuril"\n[[agents]]\ntype = "Japan"\n'
                '[[agents]]\ntype = "Russia"\n'
            ),
            "protocol",
            "needs a proposer and a responder",
        ),
    ],
)
def test_without_defaults_missing_tables_are_named(
    text: str, key: str, fragment: str, tmp_path: Path
) -> None:
    path = tmp_path / "bare.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as info:
        read_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}")
    assert fragment in message


def test_defaults_fill_in_missing_tables() -> None:
    defaults = {
        "space": {"builtin": "kuril", "islands": "subsets"},
        "agents": [{"type": "Japan"}, {"type": "Russia"}],
        "protocol": {"proposer": "japan", "responder": "russia"},
    }
    scenario = scenario_from_dict({"name": "x"}, defaults=defaults)
    assert scenario == kuril_scenario(
        name="x",
        space=kuril_space(islands="subsets"),
        agents=(Japan(), Russia()),
        protocol=NegotiationProtocol(proposer="japan", responder="russia"),
    )
    # the file's protocol keys take precedence key by key
    swapped = scenario_from_dict(
        {"name": "x", "protocol": {"proposer": "russia", "responder": "japan"}},
        defaults=defaults,
    )
    assert (swapped.protocol.proposer, swapped.protocol.responder) == (
        "russia",
        "japan",
    )


@pytest.mark.parametrize(
    "defaults", [3, {"spaces": {}}, {"protocol": ["proposer"]}]
)
def test_bad_defaults_are_refused(defaults: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="defaults"):
        scenario_from_dict({"name": "x"}, defaults=defaults)


def test_reader_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="path"):
        read_scenario(3)  # type: ignore[arg-type]
    with pytest.raises(ScenarioFileError, match="not a TOML file"):
        read_scenario(tmp_path / "nowhere.toml")
    with pytest.raises(InvalidArgumentError, match="text"):
        scenario_from_toml(b"name = 'x'")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="source"):
        scenario_from_toml("name = 'x'", 3)  # type: ignore[arg-type]
    with pytest.raises(ScenarioFileError, match="<string>: not valid TOML"):
        scenario_from_toml("name = ")


# -- registered space builders ---------------------------------------------------------
def _market(*, sizes: int = 2) -> AgreementSpace:
    return AgreementSpace(
        (
            Issue(
                name="size",
                options=tuple(f"s{k}" for k in range(sizes)),
                features={"units": tuple(float(k) for k in range(sizes))},
            ),
        )
    )


def test_a_registered_space_builder_is_read_and_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(agreements, "_SPACE_BUILDERS", dict(agreements._SPACE_BUILDERS))
    kurilsim.register_space_builder("market", _market, options={"sizes": (2, 3)})
    scenario = Scenario(
        name="m",
        space=_market(sizes=3),
        agents=(
            LinearAgent(name="a", weights={"size.units": 1.0}),
            LinearAgent(name="b", weights={"size.units": -1.0}),
        ),
        protocol=NegotiationProtocol(proposer="a", responder="b"),
    )
    text = scenario_to_toml(scenario, tmp_path / "m.toml")
    assert '[space]\nbuiltin = "market"\nsizes = 3\n' in text
    assert read_scenario(tmp_path / "m.toml") == scenario
    bad = text.replace("sizes = 3", "sizes = 4")
    with pytest.raises(ScenarioFileError, match=re.escape("space.sizes: expected 2 or 3")):
        scenario_from_toml(bad)
    with pytest.raises(ScenarioFileError, match=re.escape("space.colour: unknown key")):
        scenario_from_toml(text.replace("sizes = 3", "colour = 3"))


def test_an_unregistered_space_builder_is_refused() -> None:
    with pytest.raises(ScenarioFileError) as info:
        scenario_from_toml('name = "x"\n[space]\nbuiltin = "korea"\n')
    message = str(info.value)
    assert "space.builtin" in message
    assert "'korea'" in message
    assert '"kuril"' in message
    assert "register_space_builder" in message
