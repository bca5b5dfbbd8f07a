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
    assert concepts.names() == BUILT_IN


# -- the built-ins --------------------------------------------------------------------
def test_the_built_ins_are_registered_in_order() -> None:
    assert concepts.names() == BUILT_IN
    assert tuple(kurilsim.CONCEPTS) == BUILT_IN
    assert [c.name for c in concepts.registered()] == list(BUILT_IN)
    assert sorted(FAST_CONCEPTS) == [
        "kalai-smorodinsky-discrete", "nash-bargaining-discrete", "spe"
    ]
    for concept in concepts.registered():
        assert concept.title
        assert concept.description
        assert kurilsim.CONCEPTS[concept.name] == concept.description
        assert concept.vectorised == (concept.kernel is not None)
        if concept.lottery:
            assert not concept.vectorised
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
    ],
)
def test_bad_fields_are_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"Concept\.{field}"):
        dataclasses.replace(FAVOURITE, **{field: value})


def test_inconsistent_fields_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"Concept\.kernel must be None.*lottery"):
        dataclasses.replace(FAVOURITE, kernel=_favourite_kernel, lottery=True)
    with pytest.raises(InvalidArgumentError, match=r"Concept\.kernel_settings must be empty"):
        dataclasses.replace(FAVOURITE, kernel_settings={"protocol.objection_cost"})


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
    rows = [line.split()[0] for line in out.splitlines()[3:]]
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
