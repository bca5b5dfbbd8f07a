"""Scenarios of the calibrated case: kuril_scenario and the bundled historical files."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    NO_DEAL,
    InvalidModelError,
    Japan,
    Russia,
    ScenarioFileError,
    SolverError,
    UnitedStates,
    concepts,
    kuril_scenario,
    kuril_space,
    list_scenarios,
    load_scenario,
)
from kurilsim.calibrated import calibrated_posterior, file_parameters
from kurilsim.games.negotiation import objectionable, vetoed
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
    assert scenario.utilities().shape == (3, 38)
    assert scenario.agent("russia") == Russia()
    with pytest.raises(InvalidModelError, match="'china'") as info:
        scenario.agent("china")
    assert "'japan'" in str(info.value)
    assert repr(scenario) == (
        "Scenario(name='default', agents=[japan, russia, united_states], 38 agreements)"
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


def feature(scenario: kurilsim.Scenario, name: str) -> np.ndarray:
    """A feature column over the agreements (without the status quo)."""
    return scenario.space.feature(name)[:-1]


def test_kuril_files_other_than_1956_and_2022_carry_the_kuril_rule() -> None:
    for name in BUILTIN:
        scenario = load_scenario(name)
        if name in ("1956-declaration", "2022-suspension"):
            continue
        assert scenario.protocol.objection_scope == "restrictions"
        assert scenario.protocol.objectionable == KURIL_OBJECTION_RULE
        np.testing.assert_array_equal(
            objectionable(scenario), restricts_us_rights(scenario.space)
        )


def test_2022_the_us_may_object_to_any_agreement() -> None:
    scenario = load_scenario("2022-suspension")
    assert scenario.protocol.objection_scope == "any"
    assert objectionable(scenario).all()


# -- 1956: the US objected to recognising Soviet sovereignty, not to any deal -----------
def test_1956_the_objection_depends_on_the_outcome() -> None:
    """FRUS 1955-57 XXIII docs 89 and 93: the United States objected to Japan
    recognising Soviet sovereignty over islands it claims; it may object to
    exactly the final settlements that leave such islands Russian."""
    scenario = load_scenario("1956-declaration")
    assert scenario.protocol.objection_scope == "restrictions"
    assert scenario.protocol.objectionable == "islands.renounced"
    marked = objectionable(scenario)
    np.testing.assert_array_equal(marked, feature(scenario, "islands.renounced") > 0)
    options = [deal["islands"] for deal in scenario.space]
    for deal, objected in zip(options, marked, strict=True):
        # not the return of all four, not a settlement that keeps the talks open
        assert objected == (deal not in ("H+S+K+I", "H+S+talks"))
    assert marked.any()
    assert not marked.all()


def test_1956_the_united_states_prefers_all_four_islands_to_no_deal() -> None:
    """The Declaration was 'a step in a direction' the US 'long favored' (FRUS
    1955-57 XXIII doc. 104): the US no longer values a treaty negatively, and
    it prefers the return of all four islands, its forces allowed there as
    elsewhere in Japan, to no deal."""
    scenario = load_scenario("1956-declaration")
    us = scenario.agent("united_states")
    assert us.detente_value >= 0
    row = scenario.outcome_utilities()[scenario.agent_names.index("united_states")]
    returned = [
        k for k, deal in enumerate(scenario.space)
        if deal["islands"] == "H+S+K+I" and deal["security"] == "us-forces-allowed"
    ]
    assert returned
    assert np.all(row[returned] > row[-1])


# -- who pays for an objection -------------------------------------------------------------
@pytest.mark.parametrize("name", BUILTIN)
def test_japan_pays_for_an_objection_in_every_builtin_file(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.protocol.objection_payer == "japan"
    swapped = scenario.with_params(
        {"protocol.proposer": "russia", "protocol.responder": "japan"}
    )
    assert swapped.protocol.payer == "japan"


def test_a_payer_or_veto_naming_no_agent_is_refused() -> None:
    with pytest.raises(InvalidModelError, match=r"objection_payer is 'china'"):
        kuril_scenario(protocol=kuril_protocol(objection_payer="china"))
    with pytest.raises(InvalidModelError, match=r"protocol\.veto names 'china'"):
        kuril_scenario(protocol=kuril_protocol(veto={"china": "islands.any"}))
    with pytest.raises(InvalidModelError, match=r"protocol\.veto\.russia: .*'islands\.all'"):
        kuril_scenario(protocol=kuril_protocol(veto={"russia": "islands.all"}))


# -- 2020 and 2022: the constitutional ban is a veto -----------------------------------
CONSTITUTIONAL = ("2020-constitution", "2022-suspension")

#: The documented alternative: the delimitation exception of Art. 67 para. 2.1.
DELIMITATION = "islands.beyond_1956|islands.talks"


@pytest.mark.parametrize("name", BUILTIN)
def test_the_veto_is_in_force_exactly_after_2020(name: str) -> None:
    scenario = load_scenario(name)
    expected = {"russia": "islands.any"} if name in CONSTITUTIONAL else {}
    assert scenario.protocol.veto == expected
    assert scenario.agent("russia").constitutional_penalty == 0.0  # not a utility cost
    np.testing.assert_array_equal(
        vetoed(scenario),
        feature(scenario, "islands.any") > 0 if expected else np.zeros(len(scenario.space), bool),
    )


def test_the_delimitation_exception_is_a_rule_a_file_can_select(tmp_path: Path) -> None:
    text = (BUILTIN_DATA / "2020-constitution.toml").read_text(encoding="utf-8")
    assert 'veto = { russia = "islands.any" }' in text
    assert DELIMITATION in text  # documented in the notes
    path = tmp_path / "exception.toml"
    path.write_text(
        text.replace('veto = { russia = "islands.any" }', f'veto = {{ russia = "{DELIMITATION}" }}'),
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    banned = vetoed(scenario)
    beyond = feature(scenario, "islands.beyond_1956") > 0
    talks = feature(scenario, "islands.talks") > 0
    np.testing.assert_array_equal(banned, beyond | talks)
    open_ = {deal["islands"] for deal, b in zip(scenario.space, banned, strict=True) if not b}
    assert open_ == {"none", "H", "H+S", "H+S+joint"}


def veto_variants() -> list[kurilsim.Scenario]:
    base = load_scenario("2020-constitution")
    exception = dataclasses.replace(
        base, protocol=dataclasses.replace(base.protocol, veto={"russia": DELIMITATION})
    )
    # the 2018 parameters with a credible pledge: deals the veto has to stop
    tempted = dataclasses.replace(
        load_scenario("2018-singapore").with_params({"russia.pledge_credibility": 0.9}),
        protocol=dataclasses.replace(base.protocol, veto={"russia": "islands.any"}),
    )
    everything = dataclasses.replace(
        base, protocol=dataclasses.replace(base.protocol, veto={"russia": "treaty"})
    )
    return [base, load_scenario("2022-suspension"), exception, tempted, everything]


VARIANTS = veto_variants()
VARIANT_IDS = ["2020", "2022", "2020-delimitation", "2018-tempted", "no-treaty"]


@pytest.mark.parametrize("scenario", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("concept", [c.name for c in concepts.registered()])
def test_no_concept_concludes_a_vetoed_agreement(
    concept: str, scenario: kurilsim.Scenario
) -> None:
    outcome = kurilsim.solve_scenario(scenario, concept)
    banned = vetoed(scenario)
    concluded = [k for k, p in outcome.distribution.items() if k != NO_DEAL and p > 0]
    assert not any(banned[k] for k in concluded), outcome
    assert outcome.certificate <= max(outcome.tol, 1e-9)


def kernel_or_refusal(
    record: concepts.Concept, scenario: kurilsim.Scenario, utilities: np.ndarray,
    grid: dict[str, np.ndarray],
) -> tuple[object, str]:
    """The kernel's answer and "", or None and the message of its refusal."""
    assert record.kernel is not None
    try:
        return record.kernel(scenario, utilities, grid), ""
    except kurilsim.InvalidModelError as refusal:
        return None, str(refusal)


@pytest.mark.parametrize("scenario", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("concept", [c.name for c in concepts.registered() if c.kernel])
def test_kernels_honour_the_veto_and_match_solve(
    concept: str, scenario: kurilsim.Scenario
) -> None:
    record = concepts.get(concept)
    assert record.kernel is not None
    grid = {"russia.pledge_credibility": np.linspace(0.0, 1.0, 6),
            "japan.treaty_value": np.linspace(0.05, 0.6, 6)}
    utilities = scenario.outcome_utilities(grid, points_last=True)
    # the kernel's settings hold the swept agent parameters (the pbe kernel reads
    # them); a lottery concept's kernel returns the most likely agreement first
    # a kernel may refuse a scenario it does not serve (the dynamic kernel: the
    # regimes the chain returns to); the sweep then solves it point by point,
    # and the per-point solver is checked by the test above
    answer, refusal = kernel_or_refusal(record, scenario, utilities, grid)
    if answer is None:
        assert "point by point" in refusal
        return
    codes = answer[0] if isinstance(answer, tuple) else answer
    banned = vetoed(scenario)
    assert not any(banned[int(k)] for k in codes if k != NO_DEAL)
    for k, code in enumerate(codes):
        point = {name: float(values[k]) for name, values in grid.items()}
        assert code == kurilsim.solve_scenario(scenario.with_params(point), concept).agreement_index


def test_a_veto_changes_nothing_where_nothing_is_vetoed() -> None:
    scenario = load_scenario("2018-singapore")
    never = "islands.any*islands=none"  # islands transferred and none: no agreement
    harmless = dataclasses.replace(
        scenario, protocol=dataclasses.replace(scenario.protocol, veto={"russia": never})
    )
    assert not vetoed(harmless).any()
    for concept in ("spe", "nash-bargaining-discrete", "baron-ferejohn"):
        a = kurilsim.solve_scenario(scenario, concept)
        b = kurilsim.solve_scenario(harmless, concept)
        assert a.distribution == b.distribution


def test_a_concept_that_concludes_a_vetoed_agreement_is_refused() -> None:
    scenario = load_scenario("2020-constitution")
    first = int(np.flatnonzero(vetoed(scenario))[0])

    def rogue(scenario: kurilsim.Scenario, **options: Any) -> kurilsim.Outcome:
        return kurilsim.Outcome.from_distribution(
            scenario, "rogue", {first: 1.0}, certificate=0.0, tol=0.0
        )

    concept = concepts.Concept(
        name="rogue", title="rogue", description="Ignores the veto.", solve=rogue
    )
    with pytest.raises(SolverError, match=r"vetoes"):
        concept.outcome(scenario)


# -- the notes: every changed value has a source or is called a judgement ---------------
BUILTIN_DATA = Path(scenarios.__file__).parent / "data"


@pytest.mark.parametrize("name", BUILTIN)
def test_every_note_gives_a_source_or_says_judgement(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.notes
    for note in scenario.notes:
        assert "Source" in note or "judgement" in note.lower(), note
        assert "domain brief" not in note.lower(), note
        assert "outcome (tested)" not in note.lower(), note
        assert not re.search(r"\bso that\b", note), note


@pytest.mark.parametrize("name", BUILTIN)
def test_every_value_set_by_a_file_has_a_note(name: str) -> None:
    """Each agent parameter and protocol setting a file sets is named in a note."""
    data = tomllib.loads((BUILTIN_DATA / f"{name}.toml").read_text(encoding="utf-8"))
    text = " ".join(data["notes"])
    for agent in data["agents"]:
        prefix = {"Japan": "japan", "Russia": "russia", "UnitedStates": "united_states"}[
            agent["type"]
        ]
        for key in agent:
            if key != "type":
                assert f"{prefix}.{key}" in text, (name, prefix, key)
    for key in data.get("protocol", {}):
        assert f"protocol.{key}" in text, (name, key)


# -- properties of the scenarios, not pinned outcomes -----------------------------------
GRID = np.linspace(0.0, 1.0, 101)


def spe_deal(scenario: kurilsim.Scenario, grid: dict[str, np.ndarray],
             settings: dict[str, np.ndarray] | None = None) -> np.ndarray:
    kernel = concepts.get("spe").kernel
    assert kernel is not None
    utilities = scenario.outcome_utilities(grid, points_last=True)
    return kernel(scenario, utilities, settings or {}) != NO_DEAL


@pytest.mark.parametrize("name", BUILTIN)
def test_a_more_credible_pledge_never_makes_a_deal_less_likely(name: str) -> None:
    """Raising Russia's pledge_credibility only raises its utility of the
    agreements without US forces, so in the subgame-perfect outcome a deal
    reached at some credibility is reached at every higher one."""
    deal = spe_deal(load_scenario(name), {"russia.pledge_credibility": GRID})
    assert np.all(np.diff(deal.astype(int)) >= 0), GRID[np.flatnonzero(np.diff(deal.astype(int)))]


@pytest.mark.parametrize("name", BUILTIN)
def test_a_costlier_objection_never_makes_a_deal_more_likely(name: str) -> None:
    scenario = load_scenario(name)
    cost = np.linspace(0.0, 2.0, 101)
    deal = spe_deal(
        scenario,
        {"russia.pledge_credibility": np.full(cost.shape, scenario.agent("russia").pledge_credibility)},
        {"protocol.objection_cost": cost},
    )
    assert np.all(np.diff(deal.astype(int)) <= 0)


@pytest.mark.parametrize("name", CONSTITUTIONAL)
def test_under_the_veto_no_parameter_point_gives_a_cession(name: str) -> None:
    """The veto is not a cost that a credible pledge or a package can
    outweigh: at every point of a wide grid no concept's kernel transfers an
    island."""
    scenario = load_scenario(name)
    rng = np.random.default_rng(15)
    grid = {
        "russia.pledge_credibility": rng.uniform(0, 1, 200),
        "russia.treaty_value": rng.uniform(0, 2, 200),
        "russia.economic_value": rng.uniform(0, 2, 200),
        "russia.cession_cost": rng.uniform(0, 0.1, 200),
        "russia.strategic_cost": rng.uniform(0, 0.1, 200),
    }
    utilities = scenario.outcome_utilities(grid, points_last=True)
    islands = feature(scenario, "islands.any") > 0
    for record in concepts.registered():
        if record.kernel is None:
            continue
        # settings: the swept values; a refused scenario is served point by point
        answer, refusal = kernel_or_refusal(record, scenario, utilities, grid)
        if answer is None:
            assert "point by point" in refusal
            continue
        codes = answer[0] if isinstance(answer, tuple) else answer
        assert not any(islands[int(k)] for k in codes if k != NO_DEAL), record.name


@pytest.mark.parametrize("name", BUILTIN)
def test_every_value_set_by_a_file_has_a_prior_located_there(name: str) -> None:
    """A file that moves a parameter away from its default also moves its prior
    (the robustness and calibration pages sample the priors, not the point
    values): the value lies in the prior's central 90%, or at the end of its
    support when it sits on a bound (a value of 0).  Values the calibration
    writes (posterior estimates of the parameters calibrated per scenario,
    checked in tests/test_calibrated.py) are not judgements and are exempt."""
    data = tomllib.loads((BUILTIN_DATA / f"{name}.toml").read_text(encoding="utf-8"))
    calibrated = set(file_parameters(calibrated_posterior(), name))
    scenario = load_scenario(name)
    priors = scenario.priors()
    defaults = {a.name: a for a in kurilsim.kuril.kuril_agents()}
    prefix = {"Japan": "japan", "Russia": "russia", "UnitedStates": "united_states"}
    for agent in data["agents"]:
        who = prefix[agent["type"]]
        specs = {spec.name: spec for spec in defaults[who].parameter_specs()}
        for key, value in agent.items():
            if key == "type" or f"{who}.{key}" in calibrated:
                continue
            prior = priors[f"{who}.{key}"]
            assert prior != specs[key].prior, (name, who, key)
            low, high = prior.ppf(np.array([0.05, 0.95]))
            assert low <= value <= high or value == prior.support[0], (name, key, prior)
