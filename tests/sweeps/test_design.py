"""The points of a sweep: grids, samples and their checks."""

from __future__ import annotations

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidModelError, ProblemTooLargeError
from kurilsim.sweeps.design import make_design

SCENARIO = kurilsim.load_scenario("2018-singapore")


def test_a_grid_lists_every_point_in_c_order() -> None:
    design = make_design(SCENARIO, {"japan.demand": [2, 4],
                                    "russia.security_weight": [0.0, 1.0, 2.0]})
    assert design.kind == "grid"
    assert design.shape == (2, 3)
    assert design.size == 6
    assert design.names == ("japan.demand", "russia.security_weight")
    assert design.points["japan.demand"].tolist() == [2, 2, 2, 4, 4, 4]
    assert design.points["russia.security_weight"].tolist() == [0, 1, 2] * 2
    assert not design.points["japan.demand"].flags.writeable


def test_a_sample_stays_in_its_ranges_and_is_reproducible() -> None:
    grid = {"japan.demand": (1, 4), "russia.security_weight": (0.5, 1.5)}
    first = make_design(SCENARIO, grid, kind="lhs", samples=50, rng=7)
    again = make_design(SCENARIO, grid, kind="lhs", samples=50, rng=7)
    assert first.shape == (50,)
    assert first.axes == {}
    assert first.seed == 7
    np.testing.assert_array_equal(first.points["japan.demand"], again.points["japan.demand"])
    assert set(first.points["japan.demand"].tolist()) <= {1, 2, 3, 4}
    weights = first.points["russia.security_weight"]
    assert weights.min() >= 0.5
    assert weights.max() <= 1.5


@pytest.mark.parametrize(
    ("grid", "match"),
    [
        # agent parameters: checked as arrays by the agent, numbers only
        ({"russia.security_weight": [0.0, 1.0, -1.0]}, "security_weight"),
        ({"japan.demand": ["two"]}, "must be numbers, got text"),
        ({"japan.demand": [True]}, "must be numbers, got booleans"),
        # protocol settings: checked value by value by the scenario
        ({"protocol.objection_cost": [0.1, -1.0]}, "protocol.objection_cost"),
        ({"protocol.proposer": ["japan", "china"]}, "'china'"),
    ],
)
def test_values_are_checked_by_agent_or_protocol(grid, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidModelError, match=match):
        make_design(SCENARIO, grid)


def test_protocol_settings_may_be_text() -> None:
    design = make_design(SCENARIO, {"protocol.objection_scope": ["restrictions", "any"]})
    assert design.points["protocol.objection_scope"].tolist() == ["restrictions", "any"]


@pytest.mark.parametrize(
    ("grid", "options", "error", "match"),
    [
        ({"japan.demnd": [2]}, {}, InvalidModelError, "did you mean 'japan.demand'"),
        ({"russia.security_weight": [-1.0]}, {}, InvalidModelError, "security_weight"),
        ({"japan.demand": [2, 4]}, {"max_points": 1}, ProblemTooLargeError, "max_points=1"),
        ({"japan.demand": [2]}, {"kind": "sobol"}, InvalidModelError, "design must be"),
        ({"japan.demand": (1, 4)}, {"kind": "random"}, InvalidModelError, "samples="),
        ({}, {}, InvalidModelError, "grid must map"),
    ],
)
def test_bad_designs_are_refused(grid, options, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        make_design(SCENARIO, grid, **options)


# -- explicit points (design="points") ----------------------------------------------------
def test_explicit_points_are_taken_as_given() -> None:
    design = make_design(
        SCENARIO,
        {"japan.demand": [4.0, 2.0, 3.0], "russia.security_weight": [2.0, 0.0, 0.5]},
        kind="points",
    )
    assert design.kind == "points"
    assert design.shape == (3,)
    assert design.axes == {}
    assert design.points["japan.demand"].dtype.kind == "i"
    assert design.points["japan.demand"].tolist() == [4, 2, 3]
    assert design.points["russia.security_weight"].tolist() == [2.0, 0.0, 0.5]
    assert not design.points["russia.security_weight"].flags.writeable


@pytest.mark.parametrize(
    ("grid", "options", "error", "match"),
    [
        ({"japan.demand": [2, 3], "russia.security_weight": [1.0]}, {},
         InvalidModelError, "arrays of one length"),
        ({"japan.demand": [2.5]}, {}, InvalidModelError, "integer parameter"),
        ({"russia.security_weight": [1.0, -1.0]}, {}, InvalidModelError,
         "security_weight"),
        ({"russia.security_weight": [1.0]}, {"samples": 4}, InvalidModelError,
         "samples="),
        ({"russia.security_weight": [1.0, 2.0]}, {"max_points": 1},
         ProblemTooLargeError, "max_points=1"),
    ],
)
def test_bad_explicit_points_are_refused(grid, options, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        make_design(SCENARIO, grid, kind="points", **options)


def test_a_sweep_at_explicit_points_solves_each_point() -> None:
    rng = np.random.default_rng(3)
    columns = {
        "japan.demand": rng.integers(1, 5, size=40),
        "russia.security_weight": rng.uniform(0.0, 2.0, size=40),
        "russia.pledge_credibility": rng.uniform(0.0, 1.0, size=40),
        "protocol.objection_cost": rng.uniform(0.0, 0.5, size=40),
    }
    fast = kurilsim.sweep(SCENARIO, columns, design="points", progress=False)
    slow = kurilsim.sweep(SCENARIO, columns, design="points", fast=False,
                          progress=False)
    assert fast.metadata["fast"]
    assert fast.design == "points"
    assert fast.shape == (40,)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    for k in (0, 17, 39):
        point = {name: values[k].item() for name, values in columns.items()}
        outcome = kurilsim.solve_scenario(SCENARIO.with_params(point), "spe")
        assert fast.agreement[k] == outcome.agreement_index


def test_a_sweep_at_explicit_points_resumes_from_its_checkpoint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    columns = {"japan.demand": [2, 4, 3], "russia.security_weight": [0.5, 1.0, 2.0]}
    first = kurilsim.sweep(SCENARIO, columns, design="points",
                           checkpoint=tmp_path / "points", progress=False)
    again = kurilsim.sweep(SCENARIO, columns, design="points",
                           checkpoint=tmp_path / "points", progress=False)
    assert again.metadata["chunks_resumed"] == again.metadata["chunks"] == 1
    np.testing.assert_array_equal(first.agreement, again.agreement)
    other = {"japan.demand": [2, 4, 4], "russia.security_weight": [0.5, 1.0, 2.0]}
    with pytest.raises(kurilsim.CheckpointError, match=r"japan\.demand"):
        kurilsim.sweep(SCENARIO, other, design="points",
                       checkpoint=tmp_path / "points", progress=False)
