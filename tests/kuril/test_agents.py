"""The calibrated agents Japan, Russia and the United States.

The generic framework they build on (parameters, vectorised coefficients,
gradients, serialisation) is tested in ``tests/model/test_agents.py``, with
these agents as its examples.
"""

from __future__ import annotations

import re

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
from kurilsim.kuril.agents import (
    SECURITY_EXPOSURE,
    package_size_overrides,
    package_value,
)


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
    # United States: a carve-out costs carveout_cost, a final settlement
    # short of four islands renunciation_cost.
    assert u(us, islands="H", **deal) == pytest.approx(-0.2 - 0.1)
    assert u(us, islands="H+S+talks", **deal) == pytest.approx(-0.2)
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
        talks = [float(short_of[f"short_of.{j}.talks"](demanded)) for j in range(1, 5)]
        assert talks == pytest.approx(
            [-0.3 * 0.35 if j == k else 0.0 for j in range(1, 5)]
        )


def test_term_names_of_the_agents() -> None:
    islands = ("habomai", "shikotan", "kunashir", "iturup")
    assert Japan().term_names() == (
        *(f"territory.{key}" for key in islands),
        "treaty",
        *(
            f"short_of.{k}{suffix}"
            for k in range(1, 5)
            for suffix in ("", ".talks", ".joint")
        ),
        "talks",
        "joint_activity",
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
        "talks",
        "joint_activity",
        "constitution",
        "fisheries",
        "status_quo",
    )
    assert UnitedStates().term_names() == (
        "carveout",
        "renunciation",
        "detente",
        "access",
        "status_quo",
    )


def test_registered_as_scenario_file_types() -> None:
    assert {"Japan", "Russia", "UnitedStates"} <= set(kurilsim.registered_agent_types())
    assert Japan().to_dict()["type"] == "Japan"
    assert UnitedStates(detente_value=-0.5).to_dict()["type"] == "UnitedStates"
    with pytest.raises(InvalidModelError):
        Japan(demand=5)


# -- properties of the model (limit cases and monotonicity) ---------------------------
AGENTS = (Japan, Russia, UnitedStates)
YEAR_OR_DOCUMENT = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\bdoc\b|\bArt\.")


def _deal(space: kurilsim.AgreementSpace, **choices: str) -> int:
    return space.index(space.agreement(choices))


@pytest.mark.parametrize("cls", AGENTS)
def test_every_parameter_has_a_prior_within_its_bounds(
    cls: type[Japan | Russia | UnitedStates],
) -> None:
    for spec in cls.parameter_specs():
        prior = spec.prior
        assert prior is not None, f"{cls.__name__}.{spec.name} has no prior"
        low, high = prior.support
        assert spec.bounds[0] <= low <= high <= spec.bounds[1], spec.name
        assert prior.reasoning.strip(), spec.name
        # The default is a possible value of the prior.
        assert low <= spec.default <= high, spec.name
        if prior.is_point:
            assert prior.mean == spec.default, spec.name
            assert "normalisation" in prior.reasoning or spec.default == 0.0


@pytest.mark.parametrize("cls", AGENTS)
def test_every_parameter_has_a_dated_source_or_says_it_is_a_judgement(
    cls: type[Japan | Russia | UnitedStates],
) -> None:
    for spec in cls.parameter_specs():
        source = spec.source
        assert "brief" not in source, spec.name
        if spec.prior is not None and spec.prior.is_point:
            continue
        judgement = "judgement" in source
        assert judgement or YEAR_OR_DOCUMENT.search(source), (spec.name, source)
        if judgement and spec.prior is not None:
            # A judgement is uncertain: its prior is wide, not a point.
            assert spec.prior.std >= 0.1 * max(abs(spec.prior.mean), 0.05), spec.name
            assert (
                "judgement" in spec.prior.reasoning
                or YEAR_OR_DOCUMENT.search(spec.prior.reasoning)
                or "sources conflict" in spec.prior.reasoning
            ), spec.name


def test_no_source_dates_japans_claim_from_1993() -> None:
    (demand,) = (s for s in Japan.parameter_specs() if s.name == "demand")
    assert "1956" in demand.source or "1955-56" in demand.source
    assert "since the 1993" not in demand.source


def test_russia_dislikes_security_exposure_and_trusts_credible_pledges() -> None:
    scenario = kurilsim.kuril_scenario(space=kuril_space(islands="subsets"))
    space = scenario.space
    russia = scenario.agent_names.index("russia")
    weight = np.linspace(0.0, 3.0, 7)
    u = scenario.outcome_utilities({"russia.security_weight": weight})[:, russia]
    steps = np.diff(u, axis=0)  # security_weight x outcome
    assert np.all(steps <= 1e-12)
    exposed = space.feature("islands.any") > 0
    assert np.all(steps[:, exposed] < 0)  # every transfer exposes something
    np.testing.assert_array_equal(steps[:, ~exposed], 0.0)
    credibility = np.linspace(0.0, 1.0, 6)
    u = scenario.outcome_utilities({"russia.pledge_credibility": credibility})[
        :, russia
    ]
    steps = np.diff(u, axis=0)
    assert np.all(steps >= -1e-12)
    restricted = exposed & (space.feature("security.restricts_us") > 0)
    assert np.all(steps[:, restricted] > 0)
    np.testing.assert_array_equal(steps[:, ~restricted], 0.0)
    # More exposed islands (the same regime) cost more security.
    terms = dict(
        zip(Russia().term_names(), Russia().utility_terms(space).T, strict=True)
    )
    k = {
        key: _deal(space, islands=key, security="us-forces-allowed", economic="none")
        for key in ("H", "H+S", "H+S+K", "H+S+K+I")
    }
    column = terms["security.us_allowed"]
    assert column[k["H"]] < column[k["H+S"]] < column[k["H+S+K"]] < column[k["H+S+K+I"]]


def test_package_value_is_concave_in_size_and_zero_without_delivery() -> None:
    size = np.linspace(0.0, 10.0, 101)
    elasticity = np.array([0.0, 0.2, 0.5, 0.8, 1.0])[:, None]
    p = {
        "economic_value": np.asarray(0.1),
        "delivery_probability": np.asarray(0.7),
        "package_size": size,
        "package_elasticity": elasticity,
    }
    value = package_value(p)
    assert value.shape == (5, 101)
    np.testing.assert_array_equal(value[:, 0], 0.0)  # no package, no value
    assert np.all(np.diff(value[1:], axis=1) > 0)  # more is better ...
    assert np.all(np.diff(value, n=2, axis=1)[:, 1:] <= 1e-12)  # ... less and less
    np.testing.assert_allclose(value[-1], 0.07 * size)  # elasticity 1: linear
    np.testing.assert_allclose(value[:, 10], 0.07)  # one Nagato unit
    none = package_value({**p, "delivery_probability": np.asarray(0.0)})
    np.testing.assert_array_equal(none, 0.0)


def test_package_size_is_sweepable_and_enters_both_agents() -> None:
    scenario = kurilsim.kuril_scenario()
    space = scenario.space
    with_package = _deal(
        space, islands="H+S", security="no-us-forces", economic="package"
    )
    without = _deal(space, islands="H+S", security="no-us-forces", economic="none")
    size = np.array([0.0, 0.5, 1.0, 2.0, 4.0, 8.0])
    u = scenario.outcome_utilities({"japan.package_size": size})  # sets both
    gain = u[:, :, with_package] - u[:, :, without]  # size x agent
    japan, russia = (scenario.agent_names.index(n) for n in ("japan", "russia"))
    np.testing.assert_allclose(gain[:, japan], -Japan().economic_cost * size)
    expected = package_value(
        {
            k: np.asarray(v)
            for k, v in {**Russia().parameters(), "package_size": size}.items()
        }
    )
    np.testing.assert_allclose(gain[:, russia], expected)
    # Diminishing returns: doubling the package less than doubles its value.
    assert np.all(gain[3:, russia] < 2 * gain[2:-1, russia])
    overrides = package_size_overrides(size)
    assert overrides == {"japan.package_size": size, "russia.package_size": size}
    rows = scenario.outcome_utilities(overrides, points_last=True)
    np.testing.assert_allclose(np.moveaxis(rows, -1, 0), u, rtol=1e-12, atol=1e-14)
    by_russia = scenario.outcome_utilities({"russia.package_size": size})
    np.testing.assert_array_equal(by_russia, u)


def test_package_size_is_one_shared_parameter_of_the_scenario() -> None:
    scenario = kurilsim.kuril_scenario()
    assert scenario.shared_parameters() == {
        "japan.package_size": ("japan.package_size", "russia.package_size")
    }
    sizes = [name for name in scenario.priors() if name.endswith(".package_size")]
    assert sizes == ["japan.package_size"]
    free = [name for name in scenario.free_parameters() if "package_size" in name]
    assert free == ["japan.package_size"]
    # every holder's name stays a parameter name, and moves both
    assert {"japan.package_size", "russia.package_size"} <= set(
        scenario.parameter_names())
    bigger = scenario.with_params({"japan.package_size": 2.0})
    assert bigger.agent("russia").package_size == 2.0
    with pytest.raises(kurilsim.InvalidScenarioError,
                       match=r"japan\.package_size = 2\.0 but russia\.package_size = "
                             r"1\.0"):
        kurilsim.kuril_scenario(agents=(Japan(package_size=2.0), Russia(),
                                        UnitedStates()))


def test_the_us_never_prefers_no_deal_to_the_return_of_all_four() -> None:
    """The 1956 correction: the US objected to Japan recognising Soviet
    sovereignty over islands it claims, never to their return."""
    rng = np.random.default_rng(20261202)
    specs = {s.name: s for s in UnitedStates.parameter_specs()}
    draws = {
        name: spec.prior.sample(500, rng)
        for name, spec in specs.items()
        if spec.prior is not None
    }
    draws["detente_value"] = np.abs(draws["detente_value"])  # not hostile to a treaty
    scenario = kurilsim.kuril_scenario(space=kuril_space(islands="subsets"))
    space = scenario.space
    us = scenario.agent_names.index("united_states")
    u = scenario.outcome_utilities({f"united_states.{k}": v for k, v in draws.items()})[
        :, us
    ]  # draw x outcome
    all_four = [
        _deal(space, islands="H+S+K+I", security="us-forces-allowed", economic=e)
        for e in ("none", "package")
    ]
    assert np.all(u[:, all_four] >= u[:, [-1]])  # never below the status quo
    assert np.all(u[:, all_four].max(axis=1) >= u.max(axis=1) - 1e-12)  # the best
    # A phased deal (the 1956 Declaration's structure) bears no renunciation cost;
    # a final two-island settlement does.
    terms = dict(
        zip(
            UnitedStates().term_names(),
            UnitedStates().utility_terms(space).T,
            strict=True,
        )
    )
    first = _deal(
        space, islands="H+S+talks", security="us-forces-allowed", economic="none"
    )
    final = _deal(space, islands="H+S", security="us-forces-allowed", economic="none")
    assert terms["renunciation"][first] == 0.0
    assert terms["renunciation"][final] == 1.0
    assert terms["renunciation"][-1] == 0.0  # the status quo renounces nothing


def test_phased_agreements_limit_cases() -> None:
    space = kuril_space()
    base = {"security": "us-forces-allowed", "economic": "none"}
    first = _deal(space, islands="H+S+talks", **base)
    joint = _deal(space, islands="H+S+joint", **base)
    final = _deal(space, islands="H+S", **base)
    four = _deal(space, islands="H+S+K+I", **base)
    # Certain talks are as good as all four (no audience cost either way).
    sure = Japan(talks_prospect=1.0, audience_cost=0.0).utilities(space)
    assert sure[first] == pytest.approx(sure[four])
    # Hopeless talks are worth the two islands, plus the audience cost they save.
    japan = Japan(talks_prospect=0.0)
    u = japan.utilities(space)
    saved = japan.audience_cost * (1.0 - japan.audience_share_talks)
    assert u[first] - u[final] == pytest.approx(saved)
    # With the whole audience cost, joint activity is worth its value only.
    u = Japan(audience_share_joint=1.0).utilities(space)
    assert u[joint] - u[final] == pytest.approx(Japan().joint_activity_value)
    # Japan values the phased deal more, the more it expects from the talks.
    prospects = np.linspace(0.0, 1.0, 5)
    values = Japan().coefficients({"talks_prospect": prospects})
    assert np.all(np.diff(values @ Japan().utility_terms(space)[first]) > 0)
    # Russia pays for the open-ended commitment, and gains or loses the joint
    # activity's value.
    russia = Russia()
    u = russia.utilities(space)
    assert u[first] - u[final] == pytest.approx(-russia.talks_cost)
    assert u[joint] - u[final] == pytest.approx(russia.joint_activity_value)
