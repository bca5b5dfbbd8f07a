"""The calibrated agents Japan, Russia and the United States.

The generic framework they build on (parameters, vectorised coefficients,
gradients, serialisation) is tested in ``tests/model/test_agents.py``, with
these agents as its examples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kurilsim
from kurilsim import (
    Agent,
    InvalidModelError,
    Japan,
    Russia,
    UnitedStates,
    kuril_space,
)
from kurilsim.kuril.agents import SECURITY_EXPOSURE

#: Outcome utilities written from the code before the agents' terms and
#: coefficients were redeclared (issue 14, commit 3ffec56): a regression guard
#: that every bundled scenario, and every term on the largest Kuril space under
#: swept parameters, gives bit-for-bit the same utilities.
REFERENCE = Path(__file__).parents[1] / "data" / "kuril_outcome_utilities.npz"


def test_japan_island_weights_must_not_all_be_zero() -> None:
    zero = {
        "weight_area": 0,
        "weight_population": 0,
        "weight_fish": 0,
        "weight_symbolic": 0,
    }
    with pytest.raises(InvalidModelError, match="weight_symbolic"):
        Japan(**zero)
    assert Japan(**{**zero, "weight_fish": 1.0}).island_weights()["habomai"] == 0.625
    with pytest.raises(InvalidModelError, match="must not all be zero"):
        Japan().coefficients({**zero, "weight_area": np.array([0.0, 1.0])})


def test_default_preferences() -> None:
    space = kuril_space()
    japan, russia, us = Japan(demand=2), Russia(), UnitedStates()

    def u(agent: Agent, **choices: str) -> float:
        utilities = agent.outcome_utilities(space)  # type: ignore[attr-defined]
        return float(utilities[space.index(space.agreement(choices))])

    deal = {"security": "no-us-forces", "economic": "none"}
    # Japan: more islands are better; falling short of the demand costs.
    assert u(japan, islands="H+S+K+I", **deal) > u(japan, islands="H+S", **deal)
    assert u(japan, islands="H+S", **deal) - u(japan, islands="H", **deal) > 0.3
    # Russia: barring US forces is better, and Kunashir/Iturup cost most.
    assert u(russia, islands="H+S", security="no-us-forces", economic="none") > u(
        russia, islands="H+S", security="us-forces-allowed", economic="none"
    )
    assert u(russia, islands="H+S", **deal) > u(russia, islands="H+S+K", **deal)
    # United States: a carve-out costs carveout_cost.
    assert u(us, islands="H", **deal) == pytest.approx(-0.2)
    assert sum(SECURITY_EXPOSURE.values()) == pytest.approx(1.0)
    assert sum(japan.island_weights().values()) == pytest.approx(1.0)


def test_sovereignty_control_scales_territory() -> None:
    space = kuril_space(sovereignty=True)
    japan = Japan(audience_cost=0.0, alliance_cost=0.0, demilitarisation_cost=0.0)
    u = japan.utilities(space)
    base = {"islands": "H+S+K+I", "security": "us-forces-allowed", "economic": "none"}
    full = u[space.index(space.agreement(base, sovereignty="full"))]
    lease = u[space.index(space.agreement(base, sovereignty="lease"))]
    treaty = japan.treaty_value
    assert full - treaty == pytest.approx(1.0)
    assert lease - treaty == pytest.approx(0.3)


# -- regression guard ---------------------------------------------------------------
def _reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {key: data[key] for key in data.files}


def test_reference_covers_every_bundled_scenario() -> None:
    names = {key.removeprefix("scenario/") for key in _reference() if "/" in key}
    assert set(kurilsim.list_scenarios()) <= names


@pytest.mark.parametrize("name", kurilsim.list_scenarios())
def test_bundled_scenario_utilities_are_unchanged(name: str) -> None:
    expected = _reference()[f"scenario/{name}"]
    np.testing.assert_array_equal(
        kurilsim.load_scenario(name).outcome_utilities(), expected, strict=True
    )


def test_every_term_and_coefficient_is_unchanged() -> None:
    reference = _reference()
    full = kurilsim.kuril_scenario(
        "full", space=kuril_space(islands="subsets", sovereignty=True, fisheries=True)
    )
    np.testing.assert_array_equal(
        full.outcome_utilities(), reference["full"], strict=True
    )
    swept = full.outcome_utilities(
        {
            "japan.demand": np.arange(5)[:, None],
            "japan.weight_area": np.array([0.0, 0.35, 2.0]),
            "russia.residents_weight": np.array([0.0, 0.5, 1.0]),
            "russia.pledge_credibility": np.array([0.1, 0.3, 0.9]),
            "united_states.detente_value": np.array([-0.3, 0.0, 0.2]),
        }
    )
    np.testing.assert_array_equal(swept, reference["full/overrides"], strict=True)


# -- terms ----------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [Japan, Russia, UnitedStates])
def test_terms_are_declared_with_columns_and_coefficients(
    cls: type[Japan | Russia | UnitedStates],
) -> None:
    agent = cls()
    names = agent.term_names()
    assert names == tuple(term.name for term in cls.TERMS)
    assert names[-1] == "status_quo"
    assert len(set(names)) == len(names)
    assert all(term.doc for term in cls.TERMS)
    space = kuril_space(islands="subsets", sovereignty=True, fisheries=True)
    assert agent.utility_terms(space).shape == (len(space) + 1, len(names))
    assert agent.coefficients().shape == (len(names),)


def test_generated_terms_each_follow_their_own_island() -> None:
    """The families ``territory.<island>``, ``cession.<island>`` and
    ``short_of.<k>`` are built in loops: each term must use its own island
    (not the loop's last one)."""
    space = kuril_space(islands="subsets", sovereignty=True)
    control = space.feature("sovereignty.control")
    islands = ("habomai", "shikotan", "kunashir", "iturup")
    p = {k: np.asarray(v, dtype=np.float64) for k, v in Japan().parameters().items()}
    weights = Japan().island_weights()
    for cls, prefix in ((Japan, "territory"), (Russia, "cession")):
        terms = dict(zip(cls().term_names(), cls().utility_terms(space).T, strict=True))
        for key in islands:
            np.testing.assert_array_equal(
                terms[f"{prefix}.{key}"], space.feature(f"islands.{key}") * control
            )
    territory = {t.name: t for t in Japan.TERMS}
    for key in islands:
        assert float(territory[f"territory.{key}"].coefficient(p)) == weights[key]
    short_of = {t.name: t.coefficient for t in Japan.TERMS if t.name[:8] == "short_of"}
    for k in range(1, 5):
        demanded = {**p, "demand": np.asarray(float(k))}
        assert [float(short_of[f"short_of.{j}"](demanded)) for j in range(1, 5)] == [
            -0.3 if j == k else 0.0 for j in range(1, 5)
        ]


def test_term_names_of_the_agents() -> None:
    islands = ("habomai", "shikotan", "kunashir", "iturup")
    assert Japan().term_names() == (
        *(f"territory.{key}" for key in islands),
        "treaty",
        "short_of.1",
        "short_of.2",
        "short_of.3",
        "short_of.4",
        "alliance",
        "demilitarisation",
        "economic",
        "fisheries",
        "status_quo",
    )
    assert Russia().term_names() == (
        *(f"cession.{key}" for key in islands),
        "security.us_allowed",
        "security.pledge",
        "security.demilitarised",
        "treaty",
        "economic",
        "constitution",
        "fisheries",
        "status_quo",
    )
    assert UnitedStates().term_names() == ("carveout", "detente", "access", "status_quo")


def test_registered_as_scenario_file_types() -> None:
    assert {"Japan", "Russia", "UnitedStates"} <= set(kurilsim.registered_agent_types())
    assert Japan().to_dict()["type"] == "Japan"
    assert UnitedStates(detente_value=-0.5).to_dict()["type"] == "UnitedStates"
    with pytest.raises(InvalidModelError):
        Japan(demand=5)
