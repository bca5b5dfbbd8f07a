"""Scenario files: reading and writing TOML, space builders, errors naming the key."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given

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
from kurilsim.model.agents import parameter
from tests.model.cases import custom_scenario
from tests.model.test_priors import priors
from tests.model.test_scenario import Exporter, Importer, trade


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
    line = 'quote " backslash \\ ü 歯舞 🐟 <b>'  # a name is one line (no control chars)
    scenario = kuril_scenario(name=line, title=line, description=awkward,
                              notes=(awkward, ""))
    path = tmp_path / "awkward.toml"
    scenario.to_toml(path)
    assert load_scenario(path) == scenario


def test_callable_constraint_cannot_be_saved() -> None:
    space = AgreementSpace(
        kuril_space().issues, [lambda deal: deal["economic"] != "package"]
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


# -- priors ---------------------------------------------------------------------------
def _sale_table(**extra: Any) -> dict[str, Any]:
    """A generic scenario (no Kuril piece) as a file's tables."""
    return {
        "name": "sale",
        "space": {"issues": [{"name": "price", "options": ["low", "high"],
                              "features": {"level": [1.0, 2.0]}}]},
        "agents": [
            {"type": "LinearAgent", "name": "buyer", "weights": {"price.level": -1.0}},
            {"type": "LinearAgent", "name": "seller", "weights": {"price.level": 1.0}},
        ],
        "protocol": {"proposer": "buyer", "responder": "seller"},
        **extra,
    }


#: The generic scenario (its weights are unbounded: any prior fits them).
SALE = scenario_from_dict(_sale_table())

#: One prior of each family, on parameters whose bounds it fits.
EVERY_FAMILY = {
    "buyer.w[price.level]": kurilsim.Prior.truncnorm(
        -1, 0.5, low=-math.inf, high=0, reasoning="dislikes a high price",
        source='A. Author, "Title", 2001, p. 3'),
    "buyer.status_quo": kurilsim.Prior.point(0.0, reasoning="the origin of utility"),
    "seller.w[price.level]": kurilsim.Prior.lognormal(1.0, 0.3, reasoning="r"),
    "seller.status_quo": kurilsim.Prior.uniform(-0.5, 0.5, reasoning="ü \"q\" \\ x"),
    "protocol.objection_cost": kurilsim.Prior.triangular(0, 0.1, 0.4, reasoning="r"),
    "protocol.discount.buyer": kurilsim.Prior.beta(8, 2, low=0.5, high=1,
                                                   reasoning="patient"),
    "protocol.discount.seller": kurilsim.Prior.discrete(
        [0.8, 0.9, 0.95], [0.25, 0.5, 0.25], reasoning="three readings"),
}


def test_priors_round_trip_exactly(tmp_path: Path) -> None:
    scenario = scenario_from_dict(_sale_table()).with_priors(EVERY_FAMILY)
    path = tmp_path / "sale.toml"
    text = scenario.to_toml(path)
    assert '[priors."protocol.discount.buyer"]' in text
    assert "low = -inf" in text
    loaded = read_scenario(path)
    assert loaded == scenario
    assert loaded.priors() == EVERY_FAMILY
    assert loaded.to_toml() == text
    assert scenario_from_dict(scenario.to_dict()) == scenario
    assert scenario.to_dict()["priors"]["protocol.objection_cost"] == {
        "family": "triang", "low": 0.0, "mode": 0.1, "high": 0.4, "reasoning": "r"}


@given(priors())
def test_every_prior_round_trips_through_toml(prior: kurilsim.Prior) -> None:
    # the prior's median: a value every prior admits (Scenario.with_priors)
    median = float(prior.ppf(0.5))
    scenario = SALE.with_params({"buyer.w[price.level]": median}).with_priors(
        {"buyer.w[price.level]": prior}
    )
    loaded = scenario_from_toml(scenario.to_toml())
    assert loaded.priors() == {"buyer.w[price.level]": prior}
    assert loaded == scenario


def test_a_file_without_priors_writes_none() -> None:
    scenario = scenario_from_dict(_sale_table())
    assert "priors" not in scenario.to_dict()
    assert "[priors" not in scenario.to_toml()


def test_priors_are_read_from_quoted_and_nested_keys() -> None:
    text = scenario_to_toml(scenario_from_dict(_sale_table())) + (
        '\n[priors."protocol.objection_cost"]\n'
        'family = "uniform"\nlow = 0\nhigh = 1\nreasoning = "quoted"\n'
        "\n[priors.protocol.discount]\n"
        'seller = { family = "point", value = 0.9, reasoning = "nested" }\n'
    )
    priors = scenario_from_toml(text).priors()
    assert priors == {
        "protocol.objection_cost": kurilsim.Prior.uniform(0, 1, reasoning="quoted"),
        "protocol.discount.seller": kurilsim.Prior.point(0.9, reasoning="nested"),
    }


BAD_PRIORS: list[tuple[Any, str]] = [
    (3, "priors: expected a table of parameter names to priors, got 3"),
    ({"protocol.objection_cost": 0.2},
     "priors.protocol.objection_cost: expected a prior table, got 0.2"),
    ({"protocol.objection_cost": {"low": 0, "high": 1, "reasoning": "r"}},
     "priors.protocol.objection_cost: missing 'family'"),
    ({"protocol.objection_cost": {"family": "gamma", "reasoning": "r"}},
     "priors.protocol.objection_cost: unknown prior family 'gamma'"),
    ({"protocol.objection_cost": {"family": "uniform", "low": 0, "high": 1}},
     "priors.protocol.objection_cost: uniform prior: missing 'reasoning'"),
    ({"protocol.objection_cost": {"family": "uniform", "low": 0, "high": 1,
                                  "mode": 0.5, "reasoning": "r"}},
     "priors.protocol.objection_cost: uniform prior: unknown key 'mode'"),
    ({"protocol.objection_cost": {"family": "uniform", "low": "0", "high": 1,
                                  "reasoning": "r"}},
     "priors.protocol.objection_cost.low: expected a number, got '0'"),
    ({"protocol.objection_cost": {"family": "truncnorm", "mean": 0, "sd": -1,
                                  "low": 0, "high": 1, "reasoning": "r"}},
     "priors.protocol.objection_cost: truncnorm prior: sd must be > 0, got -1.0"),
    ({"protocol.discount.seller": {"family": "discrete", "values": [0.5, "x"],
                                   "probabilities": [0.5, 0.5], "reasoning": "r"}},
     "priors.protocol.discount.seller.values[1]: expected a number, got 'x'"),
    ({"protocol.objection_cost": {"family": "uniform", "low": 0, "high": 1,
                                  "reasoning": 5}},
     "priors.protocol.objection_cost.reasoning: expected a string, got 5"),
    ({"buyer.w[price.levels]": {"family": "point", "value": 1, "reasoning": "r"}},
     ("priors.buyer.w[price.levels]: unknown scenario parameter "
      "'buyer.w[price.levels]' (did you mean 'buyer.w[price.level]'?)")),
    ({"protocol.objection_cost": {"family": "point", "value": 1, "reasoning": "r"},
      "protocol.proposer": {"family": "point", "value": 1, "reasoning": "r"}},
     "priors.protocol.proposer: 'protocol.proposer' is not a numeric parameter"),
    ({"protocol.discount.buyer": {"family": "uniform", "low": 0.5, "high": 2,
                                  "reasoning": "r"}},
     ("priors.protocol.discount.buyer: the prior of protocol.discount.buyer, "
      "Uniform(0.5, 2) on [0.5, 2], has support [0.5, 2] outside the parameter's "
      "bounds [0, 1]")),
]


@pytest.mark.parametrize(("table", "message"), BAD_PRIORS,
                         ids=[m.split(":")[0] + str(k) for k, (_, m) in
                              enumerate(BAD_PRIORS)])
def test_bad_priors_name_the_file_and_the_key(table: Any, message: str) -> None:
    with pytest.raises(ScenarioFileError, match=re.escape(f"sale.toml: {message}")):
        scenario_from_dict(_sale_table(priors=table), "sale.toml")


def test_bad_priors_in_a_file_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        scenario_to_toml(scenario_from_dict(_sale_table()))
        + '\n[priors."protocol.objection_cost"]\nfamily = "os.system"\n'
        'reasoning = "r"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioFileError,
                       match=re.escape(f"{path}: priors.protocol.objection_cost: "
                                       "unknown prior family 'os.system'")):
        read_scenario(path)


@pytest.mark.parametrize(
    ("extra", "key"),
    [("\n[priors.seller]\n", "priors.seller"),
     ("\n[priors.protocol.discount]\n", "priors.protocol.discount"),
     ('\n[priors."protocol.objection_cost"]\n', "priors.protocol.objection_cost")],
)
def test_an_empty_priors_table_is_an_error(extra: str, key: str) -> None:
    """Review finding 20: ``[priors.russia]`` with nothing under it was ignored."""
    text = scenario_to_toml(SALE) + extra
    with pytest.raises(ScenarioFileError, match=re.escape(
        f"sale.toml: {key}: an empty table: give a prior"
    )):
        scenario_from_toml(text, "sale.toml")


def test_a_prior_excluding_the_files_value_warns() -> None:
    value = SALE.parameters()["protocol.objection_cost"]
    text = scenario_to_toml(SALE) + (
        '\n[priors."protocol.objection_cost"]\nfamily = "uniform"\n'
        f'low = {value + 1}\nhigh = {value + 2}\nreasoning = "r"\n'
    )
    with pytest.warns(kurilsim.PriorExcludesValueWarning,
                      match="the prior of protocol.objection_cost"):
        loaded = scenario_from_toml(text)
    assert loaded.priors()["protocol.objection_cost"].support == (value + 1, value + 2)


def test_an_integer_parameter_in_a_file_needs_an_integer_prior() -> None:
    text = kuril_scenario(name="s").to_toml() + (
        '\n[priors."japan.demand"]\nfamily = "uniform"\nlow = 1\nhigh = 3\n'
        'reasoning = "r"\n'
    )
    with pytest.raises(ScenarioFileError,
                       match=re.escape("priors.japan.demand: the prior of japan.demand")):
        scenario_from_toml(text)


# -- shared parameters -------------------------------------------------------------------
def _trade_table(buyer: dict[str, Any], seller: dict[str, Any]) -> dict[str, Any]:
    """A file's tables for two agents sharing ``volume`` (tests/model/test_scenario)."""
    kurilsim.register_agent_type("TradeImporter", Importer)
    kurilsim.register_agent_type("TradeExporter", Exporter)
    return {
        "name": "trade",
        "space": {"issues": [{"name": "price", "options": ["low", "high"],
                              "features": {"level": [1.0, 2.0]}}]},
        "agents": [{"type": "TradeImporter", **buyer},
                   {"type": "TradeExporter", **seller}],
        "protocol": {"proposer": "buyer", "responder": "seller"},
    }


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_a_shared_parameter_set_in_one_agent_table_sets_every_holder(
    side: str,
) -> None:
    tables = {"buyer": {}, "seller": {}}
    tables[side] = {"volume": 4.0}
    scenario = scenario_from_dict(_trade_table(tables["buyer"], tables["seller"]))
    assert scenario.agent("buyer").volume == 4.0
    assert scenario.agent("seller").volume == 4.0
    assert scenario == trade(buyer=Importer(volume=4.0), seller=Exporter(volume=4.0))
    assert scenario_from_toml(scenario.to_toml()) == scenario


def test_agent_tables_setting_a_shared_parameter_differently_are_refused() -> None:
    table = _trade_table({"volume": 4.0}, {"volume": 5.0})
    with pytest.raises(ScenarioFileError,
                       match=r"<dict>: agents\.seller\.volume: buyer\.volume = 4\.0 "
                             r"but seller\.volume = 5\.0.*shared parameter"):
        scenario_from_dict(table)
    same = scenario_from_dict(_trade_table({"volume": 4.0}, {"volume": 4}))
    assert same.agent("seller").volume == 4


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SmallExporter(Exporter):
    """An exporter that cannot ship more than 3 units."""

    volume: float = parameter(2.0, doc="units traded", bounds=(0.0, 3.0),
                              source="illustration", shared=True)


def test_a_shared_value_out_of_another_holders_bounds_names_that_holder() -> None:
    table = _trade_table({"volume": 4.0}, {})
    kurilsim.register_agent_type("TradeSmallExporter", SmallExporter)
    table["agents"][1]["type"] = "TradeSmallExporter"
    with pytest.raises(ScenarioFileError,
                       match=r"agents\.seller\.volume: .*volume must be a number "
                             r"in \[0\.0, 3\.0\].*got 4\.0"):
        scenario_from_dict(table)


def test_a_prior_of_a_shared_parameter_may_name_any_holder() -> None:
    table = _trade_table({}, {})
    table["priors"] = {"seller.volume": {"family": "uniform", "low": 1, "high": 3,
                                         "reasoning": "r"}}
    scenario = scenario_from_dict(table)
    assert list(scenario.priors()) == ["buyer.thrift", "buyer.volume"]
    assert scenario.priors()["buyer.volume"] == kurilsim.Prior.uniform(
        1, 3, reasoning="r")
    assert scenario_from_toml(scenario.to_toml()) == scenario


def test_a_kuril_file_setting_japans_package_size_sets_russias(tmp_path: Path) -> None:
    path = tmp_path / "big-package.toml"
    path.write_text('name = "big"\n\n[[agents]]\ntype = "Japan"\npackage_size = 3.0\n'
                    '\n[[agents]]\ntype = "Russia"\n\n[[agents]]\n'
                    'type = "UnitedStates"\n', encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.agent("russia").package_size == 3.0
    changed = kuril_scenario(name="big").with_params({"japan.package_size": 3.0})
    assert changed.base_name == "big"
    assert scenario == dataclasses.replace(changed, name="big", notes=(), derived_from="")


def test_a_bundled_space_builder_is_found_in_a_fresh_process(tmp_path: Path) -> None:
    # `import kurilsim` defers kurilsim.kuril, whose import registers the
    # "kuril" builder: a file read first (as load_result does in a new
    # session) must still find it
    import subprocess
    import sys

    import kurilsim

    path = tmp_path / "s.toml"
    kurilsim.load_scenario("2018-singapore").to_toml(path)
    code = (
        "import sys, kurilsim\n"
        "from kurilsim.io.scenario_toml import read_scenario\n"
        "assert 'kurilsim.kuril' not in sys.modules\n"
        f"print(read_scenario({str(path)!r}).name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2018-singapore"
