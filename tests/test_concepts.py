"""The concept registry: built-ins, registration, and a user concept everywhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import kurilsim
from kurilsim import (
    NO_DEAL,
    InvalidArgumentError,
    InvalidModelError,
    Outcome,
    Scenario,
    SolverError,
    compare_concepts,
    concepts,
    solve_scenario,
    sweep,
)
from kurilsim.cli import main
from kurilsim.concepts import Concept
from kurilsim.solvers.results import SolverResult
from kurilsim.sweeps import FAST_CONCEPTS

BUILT_IN = (
    "spe",
    "nash",
    "nash-bargaining",
    "kalai-smorodinsky",
    "rubinstein",
    "nash-bargaining-discrete",
    "kalai-smorodinsky-discrete",
    "baron-ferejohn",
    "pbe",
    "two-level",
    "dynamic",
)
SCENARIO = kurilsim.load_scenario("2018-singapore")
GRID = {
    "japan.demand": [2, 4],
    "russia.security_weight": np.linspace(0.0, 4.0, 9),
    "russia.pledge_credibility": [0.0, 0.5, 1.0],
}


# -- a user concept: the proposer's favourite agreement the responder accepts ----------
def _favourite(scenario: Scenario, **options: Any) -> Outcome:
    table = scenario.outcome_utilities()
    names = scenario.agent_names
    proposer = table[names.index(scenario.protocol.proposer)]
    responder = table[names.index(scenario.protocol.responder)]
    acceptable = responder[:-1] >= responder[-1]
    scores = np.where(acceptable, proposer[:-1], -np.inf)
    best = int(np.argmax(scores))
    index = best if scores[best] >= proposer[-1] else NO_DEAL
    return Outcome.from_distribution(
        scenario, "favourite", {index: 1.0}, certificate=0.0, tol=0.0
    )


def _favourite_kernel(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, Any]
) -> NDArray[np.intp]:
    names = scenario.agent_names
    proposer = utilities[names.index(scenario.protocol.proposer)]  # outcomes x points
    responder = utilities[names.index(scenario.protocol.responder)]
    acceptable = responder[:-1] >= responder[-1]
    scores = np.where(acceptable, proposer[:-1], -np.inf)
    best = np.argmax(scores, axis=0)
    found = scores[best, np.arange(len(best))] >= proposer[-1]
    return np.where(found, best, NO_DEAL).astype(np.intp)


FAVOURITE = Concept(
    name="favourite",
    title="proposer's favourite",
    description="The proposer's favourite agreement among those the responder accepts.",
    solve=_favourite,
    roles=("proposer", "responder"),
)


@pytest.fixture
def registered() -> Iterator[Callable[..., Concept]]:
    """Register concepts for one test; they are removed afterwards."""
    added: list[str] = []

    def add(concept: Concept, **options: Any) -> Concept:
        concepts.register(concept, **options)
        added.append(concept.name)
        return concept

    yield add
    for name in dict.fromkeys(added):
        concepts.unregister(name)
    # concepts installed packages declare as entry points are listed too
    assert concepts.names()[: len(BUILT_IN)] == BUILT_IN
    assert not set(added) & set(concepts.names())


# -- the built-ins --------------------------------------------------------------------
def test_the_built_ins_are_registered_in_order() -> None:
    assert concepts.names() == BUILT_IN
    assert tuple(kurilsim.CONCEPTS) == BUILT_IN
    assert [c.name for c in concepts.registered()] == list(BUILT_IN)
    # every built-in concept has a vectorised kernel (issue 18)
    assert sorted(FAST_CONCEPTS) == sorted(BUILT_IN)
    for concept in concepts.registered():
        assert concept.title
        assert concept.description
        assert kurilsim.CONCEPTS[concept.name] == concept.description
        assert concept.vectorised == (concept.kernel is not None)
    assert concepts.get("baron-ferejohn").roles == ()
    assert concepts.get("nash-bargaining").roles == ("proposer", "responder")


def test_concepts_view_is_read_only() -> None:
    with pytest.raises(TypeError):
        kurilsim.CONCEPTS["mine"] = "x"  # type: ignore[index]
    with pytest.raises(KeyError):
        kurilsim.CONCEPTS["mine"]


def test_every_built_in_outcome_follows_the_result_contract() -> None:
    for outcome in compare_concepts(SCENARIO):
        assert outcome.method == outcome.concept
        assert outcome.message == str(outcome)
        assert outcome.message.startswith(f"{outcome.concept}: ")
        assert isinstance(outcome.evidence, SolverResult), outcome.concept
        assert outcome.tol == outcome.evidence.tol
        # the outcome reports its evidence's certificate, in the units of tol
        assert outcome.certificate == outcome.evidence.certificate
        assert 0.0 <= outcome.certificate <= outcome.tol
        assert outcome.tol > 0.0


def test_an_unknown_concept_lists_the_registered_ones() -> None:
    with pytest.raises(InvalidModelError, match="baron-ferejohn"):
        concepts.get("bogus")
    with pytest.raises(InvalidModelError, match="spe"):
        solve_scenario(SCENARIO, "bogus")
    with pytest.raises(InvalidModelError, match=r"no concept|must be one of"):
        concepts.unregister("bogus")


# -- registration ---------------------------------------------------------------------
def test_a_duplicate_name_is_refused_unless_replaced(
    registered: Callable[..., Concept],
) -> None:
    registered(FAVOURITE)
    with pytest.raises(InvalidArgumentError, match=r"already registered.*replace=True"):
        concepts.register(FAVOURITE)
    with pytest.raises(InvalidArgumentError, match="'spe' is already registered"):
        concepts.register(dataclasses.replace(FAVOURITE, name="spe"))
    renamed = dataclasses.replace(FAVOURITE, title="the proposer's pick")
    registered(renamed, replace=True)
    assert concepts.get("favourite").title == "the proposer's pick"
    assert concepts.names() == (*BUILT_IN, "favourite")


def test_register_needs_a_concept() -> None:
    with pytest.raises(InvalidArgumentError, match="concept"):
        concepts.register("favourite")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="replace"):
        concepts.register(FAVOURITE, replace="yes")  # type: ignore[arg-type]
    assert "favourite" not in concepts.names()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "Favourite"),
        ("name", "my concept"),
        ("name", "-x"),
        ("name", 3),
        ("title", ""),
        ("title", None),
        ("description", "   "),
        ("solve", "not callable"),
        ("kernel", 5),
        ("kernel_settings", "protocol.objection_cost"),
        ("kernel_settings", frozenset({"japan.demand"})),
        ("lottery", 1),
        ("roles", "proposer"),
        ("roles", ("proposer", "judge")),
        ("roles", ("proposer", "proposer")),
        ("partly_vectorised", 1),
    ],
)
def test_bad_fields_are_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"Concept\.{field}"):
        dataclasses.replace(FAVOURITE, **{field: value})


def test_inconsistent_fields_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"Concept\.kernel_settings must be empty"):
        dataclasses.replace(FAVOURITE, kernel_settings={"protocol.objection_cost"})
    assert FAVOURITE.kernel is None
    with pytest.raises(InvalidArgumentError, match=r"Concept\.partly_vectorised"):
        dataclasses.replace(FAVOURITE, partly_vectorised="some points")


def test_the_sweep_help_says_which_concepts_are_only_partly_vectorised(capsys) -> None:
    from kurilsim.cli import main

    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    partly = [c for c in concepts.registered() if c.partly_vectorised]
    assert {c.name for c in partly} >= {"nash"}  # its traced points take ~1 s
    for concept in partly:
        assert concept.vectorised
        assert f"{concept.name}: {' '.join(concept.partly_vectorised.split())}" in text


def test_a_solve_that_returns_no_outcome_of_the_concept_is_an_error(
    registered: Callable[..., Concept],
) -> None:
    registered(dataclasses.replace(FAVOURITE, name="broken", solve=lambda s: 3))
    with pytest.raises(SolverError, match=r"'broken'.*expected an Outcome"):
        solve_scenario(SCENARIO, "broken")
    registered(dataclasses.replace(FAVOURITE, name="impostor"))  # says "favourite"
    with pytest.raises(SolverError, match=r"'impostor'.*of concept 'favourite'"):
        solve_scenario(SCENARIO, "impostor")


# -- a registered concept everywhere ---------------------------------------------------
def test_a_registered_concept_is_solved_and_compared(
    registered: Callable[..., Concept],
) -> None:
    registered(FAVOURITE)
    outcome = solve_scenario(SCENARIO, "favourite")
    assert outcome.concept == "favourite"
    assert outcome.agreement_index == _favourite(SCENARIO).agreement_index
    table = compare_concepts(SCENARIO)
    assert [o.concept for o in table] == [*BUILT_IN, "favourite"]
    assert table["favourite"].deal == outcome.deal
    assert "favourite" in str(table)


def test_a_registered_concept_is_swept_point_by_point(
    registered: Callable[..., Concept],
) -> None:
    registered(FAVOURITE)
    assert "favourite" not in FAST_CONCEPTS
    result = sweep(SCENARIO, GRID, concept="favourite", progress=False)
    assert result.metadata["fast"] is False
    assert result.concept == "favourite"
    point = {"japan.demand": 4, "russia.security_weight": 0.0,
             "russia.pledge_credibility": 1.0}
    expected = _favourite(SCENARIO.with_params(point)).agreement_index
    assert result.sel(point).agreement.item() == expected
    assert len(set(result.agreement.ravel().tolist())) > 1  # the grid matters


def test_a_registered_kernel_is_swept_vectorised_and_agrees_point_by_point(
    registered: Callable[..., Concept],
) -> None:
    registered(dataclasses.replace(FAVOURITE, kernel=_favourite_kernel))
    assert "favourite" in FAST_CONCEPTS
    fast = sweep(SCENARIO, GRID, concept="favourite", progress=False)
    slow = sweep(SCENARIO, GRID, concept="favourite", fast=False, progress=False)
    assert fast.metadata["fast"] is True
    assert slow.metadata["fast"] is False
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(fast.probability, slow.probability)
    assert len(set(fast.agreement.ravel().tolist())) > 1


def test_a_kernel_that_answers_the_wrong_shape_is_an_error(
    registered: Callable[..., Concept],
) -> None:
    def wrong(scenario: Scenario, utilities: Any, settings: Any) -> NDArray[np.intp]:
        return np.zeros(3, dtype=np.intp)

    registered(dataclasses.replace(FAVOURITE, kernel=wrong))
    with pytest.raises(SolverError, match=r"kernel of concept 'favourite'.*shape"):
        sweep(SCENARIO, GRID, concept="favourite", progress=False)


def test_a_registered_concept_is_on_the_command_line(
    registered: Callable[..., Concept], capsys: pytest.CaptureFixture[str]
) -> None:
    registered(FAVOURITE)
    assert main(["solve", "2018-singapore", "--concept", "favourite"]) == 0
    out = capsys.readouterr().out
    rows = [line.split()[0] for line in out.splitlines()[3:] if line[:1].strip()]
    assert rows == ["favourite"]
    assert solve_scenario(SCENARIO, "favourite").deal in out
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    assert "proposer's favourite agreement" in capsys.readouterr().out.replace("\n", " ")


def test_an_unregistered_concept_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["solve", "2018-singapore", "--concept", "favourite"])
    assert caught.value.code == 2
    assert "favourite" in capsys.readouterr().err


def test_a_registered_concept_is_labelled_in_plots(
    registered: Callable[..., Concept],
) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kurilsim import plot

    registered(FAVOURITE)
    table = compare_concepts(SCENARIO, ("spe", "baron-ferejohn", "favourite"))
    ax = plot.concept_comparison(table)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert "proposer's favourite" in labels
    assert "Baron–Ferejohn legislative bargaining" in labels
    result = sweep(SCENARIO, {"japan.demand": [2, 4], "russia.security_weight": [0, 4]},
                   concept="favourite", progress=False)
    panels = plot.phase_diagram(result, x="russia.security_weight", y="japan.demand")
    figure = panels[0].figure
    titles = [a.get_title() for a in figure.axes] + [
        figure._suptitle.get_text() if figure._suptitle else ""  # type: ignore[attr-defined]
    ]
    assert any("proposer's favourite" in title for title in titles)
    plt.close("all")


# -- options ----------------------------------------------------------------------------
def _budgeted(scenario: Scenario, *, budget: float = 0.0) -> Outcome:
    """The status quo, recording its option in the certificate."""
    return Outcome.from_distribution(
        scenario, "budgeted", {NO_DEAL: 1.0}, certificate=0.0, tol=float(budget)
    )


BUDGETED = Concept(
    name="budgeted", title="budgeted", description="The status quo, with a budget.",
    solve=_budgeted, options=frozenset({"budget"}),
)


def test_the_built_ins_declare_their_options() -> None:
    for concept in concepts.registered():
        extra = {"baron-ferejohn": {"rule"}, "dynamic": {"regime"}}
        expected = {"tol"} | extra.get(concept.name, set())
        assert concept.options == expected, concept.name


def test_an_option_no_concept_takes_is_an_error_naming_it() -> None:
    with pytest.raises(
        InvalidArgumentError,
        match=r"^concept 'spe' takes no option 'method'; its options are \['tol'\]$",
    ):
        solve_scenario(SCENARIO, "spe", method="x")
    with pytest.raises(InvalidArgumentError, match=r"'nash' takes no option 'tolerance'"):
        compare_concepts(SCENARIO, ("nash", "spe"), tolerance=1e-8)
    with pytest.raises(InvalidArgumentError, match=r"'spe' takes no option 'tolerance'"):
        compare_concepts(SCENARIO, ("spe", "nash"), tolerance=1e-8)
    with pytest.raises(InvalidArgumentError, match=r"'spe' takes no option 'method'"):
        sweep(SCENARIO, GRID, concept="spe", options={"method": "x"}, progress=False)
    with pytest.raises(InvalidArgumentError, match="options must be a mapping"):
        sweep(SCENARIO, GRID, options=[("tol", 1e-8)], progress=False)  # type: ignore[arg-type]


def test_an_option_of_another_concept_is_ignored_with_a_warning(
    registered: Callable[..., Concept],
) -> None:
    registered(BUDGETED)
    with pytest.warns(
        kurilsim.UnusedOptionWarning,
        match=r"option 'budget' does not apply to concept 'spe' \(its options are "
        r"\['tol'\]\) and is ignored; it is an option of budgeted",
    ) as caught:
        outcome = solve_scenario(SCENARIO, "spe", budget=3.0)
    assert caught[0].filename == __file__  # points at the caller
    assert outcome.deal == solve_scenario(SCENARIO, "spe").deal
    # the option reaches the concept that takes it, and only it
    assert solve_scenario(SCENARIO, "budgeted", budget=3.0).tol == 3.0
    with pytest.warns(kurilsim.UnusedOptionWarning, match="'tol'.*'budgeted'"):
        table = compare_concepts(SCENARIO, ("spe", "budgeted"), tol=1e-8)
    assert table["spe"].tol == 1e-8
    assert table["budgeted"].tol == 0.0


def test_compare_concepts_checks_every_option_before_solving_any() -> None:
    calls: list[str] = []

    def recording(scenario: Scenario, **options: Any) -> Outcome:
        calls.append(scenario.name)
        return _favourite(scenario)

    # an unregistered record takes "budget", which no registered concept does
    record = dataclasses.replace(FAVOURITE, solve=recording, options={"budget"})
    with pytest.raises(InvalidArgumentError, match="'spe' takes no option 'budget'"):
        compare_concepts(SCENARIO, (record, "spe"), budget=1)
    assert calls == []
    compare_concepts(SCENARIO, (record,), budget=1)
    assert calls == [SCENARIO.name]


def test_declared_options_are_checked_against_the_solve_signature() -> None:
    with pytest.raises(InvalidArgumentError,
                       match=r"Concept 'budgeted': options \['tol'\] are not keyword"):
        dataclasses.replace(BUDGETED, options=frozenset({"budget", "tol"}))
    # a solve with **options takes any declared option
    assert dataclasses.replace(FAVOURITE, options={"anything"}).options == {"anything"}


@pytest.mark.parametrize("value", ["tol", frozenset({"not a name"}), frozenset({3})])
def test_bad_options_are_refused_naming_the_field(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"Concept\.options"):
        dataclasses.replace(FAVOURITE, options=value)


def test_a_sweep_passes_its_options_to_each_point(
    registered: Callable[..., Concept],
) -> None:
    small = {"japan.demand": [2, 4]}
    plain = sweep(SCENARIO, small, concept="spe", progress=False)
    tight = sweep(SCENARIO, small, concept="spe", options={"tol": 1e-8}, progress=False)
    assert plain.metadata["fast"] is True
    assert plain.metadata["options"] == {}
    assert tight.metadata["fast"] is False  # kernels take no options
    assert tight.metadata["options"] == {"tol": 1e-8}
    np.testing.assert_array_equal(tight.agreement, plain.agreement)
    # an option of another concept only warns, and then does not slow the sweep
    registered(dataclasses.replace(FAVOURITE, kernel=_favourite_kernel))
    with pytest.warns(kurilsim.UnusedOptionWarning, match="'tol'.*'favourite'"):
        result = sweep(SCENARIO, small, concept="favourite", options={"tol": 1e-8},
                       progress=False)
    assert result.metadata["fast"] is True
    assert result.metadata["options"] == {}


# -- Concept records without registration --------------------------------------------------
def test_an_unregistered_concept_record_is_solved_compared_and_swept() -> None:
    assert "favourite" not in concepts.names()
    assert solve_scenario(SCENARIO, FAVOURITE).concept == "favourite"
    table = compare_concepts(SCENARIO, [FAVOURITE, "spe"])
    assert [o.concept for o in table] == ["favourite", "spe"]
    result = sweep(SCENARIO, GRID, concept=FAVOURITE, progress=False)
    assert result.concept == "favourite"
    point = {"japan.demand": 4, "russia.security_weight": 0.0,
             "russia.pledge_credibility": 1.0}
    expected = _favourite(SCENARIO.with_params(point)).agreement_index
    assert result.sel(point).agreement.item() == expected
    assert "favourite" not in concepts.names()


# -- roles and lotteries -----------------------------------------------------------------
NO_OBJECTOR = dataclasses.replace(
    SCENARIO, protocol=dataclasses.replace(SCENARIO.protocol, objector="")
)


def test_the_built_ins_need_only_the_roles_they_read() -> None:
    assert SCENARIO.protocol.objector  # the test scenario has one to remove
    for name in ("spe", "nash", "nash-bargaining-discrete", "baron-ferejohn"):
        assert "objector" not in concepts.get(name).roles
        outcome = solve_scenario(NO_OBJECTOR, name)
        assert outcome.certificate <= outcome.tol
    assert concepts.get("spe").roles == ("proposer", "responder")


def test_a_missing_role_is_refused_before_solving(
    registered: Callable[..., Concept],
) -> None:
    calls: list[str] = []

    def recording(scenario: Scenario, **options: Any) -> Outcome:
        calls.append(scenario.name)
        return _favourite(scenario)

    needy = registered(dataclasses.replace(
        FAVOURITE, solve=recording, roles=("proposer", "responder", "objector")
    ))
    message = (r"concept 'favourite' needs an objector, but the protocol of scenario "
               rf"'{NO_OBJECTOR.name}' names none \(NegotiationProtocol\(")
    with pytest.raises(InvalidModelError, match=message):
        solve_scenario(NO_OBJECTOR, "favourite")
    with pytest.raises(InvalidModelError, match=message):
        compare_concepts(NO_OBJECTOR, ("spe", "favourite"))
    with pytest.raises(InvalidModelError, match=message):
        sweep(NO_OBJECTOR, GRID, concept=needy, progress=False)
    with pytest.raises(InvalidModelError, match=message):
        needy.outcome(NO_OBJECTOR)
    assert calls == []
    assert solve_scenario(SCENARIO, "favourite").concept == "favourite"
    assert calls == [SCENARIO.name]


def test_a_lottery_from_a_concept_that_declares_none_is_an_error(
    registered: Callable[..., Concept],
) -> None:
    def coin(scenario: Scenario, **options: Any) -> Outcome:
        return Outcome.from_distribution(
            scenario, "coin", {0: 0.5, NO_DEAL: 0.5}, certificate=0.0, tol=0.0
        )

    record = Concept(name="coin", title="coin", description="A coin flip.", solve=coin)
    with pytest.raises(SolverError, match=r"'coin' \(lottery=False\).*lottery over "
                       r"outcomes \[-1, 0\]"):
        solve_scenario(SCENARIO, record)
    outcome = solve_scenario(SCENARIO, dataclasses.replace(record, lottery=True))
    assert outcome.probability == 0.5


def test_sweeps_record_whether_the_concept_is_a_lottery() -> None:
    small = {"japan.demand": [2, 4]}
    assert sweep(SCENARIO, small, progress=False).metadata["lottery"] is False
    result = sweep(SCENARIO, small, concept="rubinstein", progress=False)
    assert result.metadata["lottery"] is True


def test_the_command_line_marks_lottery_concepts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    listing = capsys.readouterr().out.split("concepts:\n", 1)[1].split("\n\n", 1)[0]
    entries: dict[str, str] = {}
    for line in listing.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            name = line.split()[0]
            entries[name] = line
        elif line.startswith("   ") and entries:
            entries[name] += line
    assert list(entries) == list(BUILT_IN)
    for concept in concepts.registered():
        assert entries[concept.name].endswith("[lottery]") == concept.lottery, concept.name
    assert any(concept.lottery for concept in concepts.registered())
    assert not all(concept.lottery for concept in concepts.registered())


# -- concepts of installed packages: the kurilsim.concepts entry-point group ------------
PLUGIN = '''
from kurilsim import NO_DEAL, Outcome
from kurilsim.concepts import Concept


def _solve(scenario, **options):
    return Outcome.from_distribution(
        scenario, "plugged", {NO_DEAL: 1.0}, certificate=0.0, tol=0.0)


PLUGGED = Concept(name="plugged", title="plugged in",
                  description="A concept from an installed package.", solve=_solve)
MISNAMED = Concept(name="other", title="other", description="Misnamed.", solve=_solve)
NOT_A_CONCEPT = 3
'''


@pytest.fixture
def plugin(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A fake installed package declaring concept entry points; returns the log of
    entry points loaded."""
    import importlib.metadata

    (tmp_path / "kurilsim_concept_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (tmp_path / "kurilsim_concept_broken.py").write_text(
        "raise RuntimeError('broken plugin')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded: list[str] = []
    group = concepts.CONCEPT_ENTRY_POINT_GROUP

    class LoggedEntryPoint(importlib.metadata.EntryPoint):
        def load(self) -> Any:
            loaded.append(self.name)
            return super().load()

    points = [
        LoggedEntryPoint("plugged", "kurilsim_concept_plugin:PLUGGED", group),
        LoggedEntryPoint("broken", "kurilsim_concept_broken:X", group),
        LoggedEntryPoint("misnamed", "kurilsim_concept_plugin:MISNAMED", group),
        LoggedEntryPoint("number", "kurilsim_concept_plugin:NOT_A_CONCEPT", group),
        LoggedEntryPoint("spe", "kurilsim_concept_broken:X", group),  # shadowed
    ]

    def entry_points(**selection: Any) -> list[importlib.metadata.EntryPoint]:
        assert selection == {"group": "kurilsim.concepts"}
        return points

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    yield loaded
    if "plugged" in [c.name for c in concepts.registered()]:
        concepts.unregister("plugged")


def test_entry_point_concepts_are_listed_without_loading(plugin: list[str]) -> None:
    assert concepts.names() == (*BUILT_IN, "plugged", "broken", "misnamed", "number")
    assert "plugged" in kurilsim.CONCEPTS
    assert [c.name for c in concepts.registered()] == list(BUILT_IN)
    assert concepts.get("spe").title == "subgame-perfect equilibrium"  # built-in wins
    assert plugin == []


def test_an_entry_point_concept_is_loaded_by_name_when_used(
    plugin: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "plugged provided by an installed package" in text
    assert plugin == []  # the help lists it without importing it
    assert main(["solve", "2018-singapore", "--concept", "plugged"]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[3:]
            if line[:1].strip()]
    assert rows == ["plugged"]
    assert plugin == ["plugged"]  # only the entry point used
    assert concepts.get("plugged").title == "plugged in"
    assert plugin == ["plugged"]  # loaded once, then registered
    assert [c.name for c in concepts.registered()][-1] == "plugged"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("broken", (r"concept 'broken': cannot load entry point "
                    r"'kurilsim_concept_broken:X' of group 'kurilsim.concepts': "
                    r"RuntimeError: broken plugin")),
        ("misnamed", r"concept 'misnamed': entry point .* is a Concept named 'other'"),
        ("number", (r"concept 'number': entry point .* is 3 \(int\), expected a "
                    r"kurilsim.concepts.Concept")),
    ],
)
def test_an_entry_point_that_is_not_a_concept_of_its_name_is_a_clear_error(
    plugin: list[str], capsys: pytest.CaptureFixture[str], name: str, pattern: str
) -> None:
    with pytest.raises(InvalidModelError, match=pattern):
        concepts.get(name)
    assert main(["solve", "2018-singapore", "--concept", name]) == 1
    assert "kurilsim: error: concept" in capsys.readouterr().err
    assert name not in [c.name for c in concepts.registered()]


@pytest.mark.parametrize(
    "name", sorted(c.name for c in concepts.registered() if c.lottery and c.kernel)
)
def test_a_built_in_lottery_kernel_gives_the_modes_probability(name: str) -> None:
    """The fourth array of a built-in lottery kernel (see ``SweepKernel``) is
    the probability of the outcome its first array names, as solved."""
    scenario = kurilsim.kuril_scenario()
    points = [(0.2, 0.2), (0.6, 0.8)]
    values = {
        "russia.pledge_credibility": np.array([p for p, _ in points]),
        "japan.treaty_value": np.array([t for _, t in points]),
    }
    table = scenario.outcome_utilities(values, points_last=True)
    concept = concepts.get(name)
    assert concept.kernel is not None
    answer = concept.kernel(scenario, table, values)
    assert isinstance(answer, tuple)
    assert len(answer) == 4
    codes, _, _, mode = answer
    for k, (pledge, treaty) in enumerate(points):
        outcome = concept.outcome(scenario.with_params(
            {"russia.pledge_credibility": pledge, "japan.treaty_value": treaty}))
        reported = NO_DEAL if outcome.agreement is None else outcome.agreement_index
        assert int(codes[k]) == reported
        assert mode[k] == pytest.approx(outcome.distribution.get(reported, 0.0), abs=1e-7)


# -- the notebook view (issue 19) -------------------------------------------------------
def test_a_lottery_outcome_shows_its_support_and_weights_in_html() -> None:
    from tests.test_html import parse_view

    scenario = kurilsim.kuril_scenario(name="default")
    outcome = kurilsim.solve_scenario(scenario, "nash-bargaining")
    assert outcome.is_lottery
    found = parse_view(outcome._repr_html_())
    items = found.tags.count("li")
    support = {k: p for k, p in outcome.distribution.items() if p > 1e-12}
    assert items == len(support) >= 2
    for k, p in sorted(support.items(), key=lambda item: -item[1]):
        assert f"{p:.0%} {outcome.labels[k]}" in found.text
    assert "not one treaty" in found.text  # the note says what a lottery is
    assert f"{outcome.utilities[0]:.4g}" in found.cells


def test_a_sure_outcome_shows_its_agreement_without_a_lottery_note() -> None:
    from tests.test_html import parse_view

    scenario = kurilsim.kuril_scenario(name="default")
    outcome = kurilsim.solve_scenario(scenario, "spe")
    assert not outcome.is_lottery
    found = parse_view(outcome._repr_html_())
    assert "li" not in found.tags
    assert outcome.deal in found.cells
    assert "lottery" not in found.text


def test_a_lottery_whose_likeliest_outcome_is_no_deal_is_still_a_lottery() -> None:
    from tests.test_html import parse_view

    scenario = kurilsim.kuril_scenario(name="default")
    outcome = Outcome.from_distribution(
        scenario, "mine", {NO_DEAL: 0.547, 3: 0.453}, certificate=0.0, tol=0.0)
    # the text summary says it is a lottery, its likeliest outcome (no deal) first
    assert outcome.deal.startswith("lottery: 55% no deal / 45% ")
    assert outcome.is_lottery
    found = parse_view(outcome._repr_html_())
    assert "55% no deal" in found.text
    assert f"45% {scenario.agreement_label(3)}" in found.text
    assert "0.453" in found.cells  # P(deal)
