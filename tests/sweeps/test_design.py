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
