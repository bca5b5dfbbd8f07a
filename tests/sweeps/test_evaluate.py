"""One chunk of sweep points: the kernel path equals the per-point path."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

import kurilsim
from kurilsim import concepts
from kurilsim.sweeps import ERROR, FAST_CONCEPTS
from kurilsim.sweeps.evaluate import evaluate_chunk

SCENARIO = kurilsim.load_scenario("2018-singapore")
NAMES = ["japan.demand", "russia.security_weight", "protocol.objection_cost"]
VALUES = [
    np.array([2, 4, 2, 4, 2, 4]),
    np.array([0.0, 0.5, 1.0, 2.0, 3.0, 4.0]),
    np.array([0.0, 0.1, 0.0, 0.3, 0.0, 0.5]),
]


def test_fast_concepts_are_the_concepts_with_a_kernel() -> None:
    assert set(FAST_CONCEPTS) == {c.name for c in concepts.registered() if c.kernel}


@pytest.mark.parametrize("name", sorted(FAST_CONCEPTS))
def test_the_kernel_path_equals_the_per_point_path(name: str) -> None:
    concept = concepts.get(name)
    fast = evaluate_chunk(SCENARIO, concept, NAMES, VALUES, True)
    slow = evaluate_chunk(SCENARIO, concept, NAMES, VALUES, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    if concept.lottery:
        # a lottery's weights come from a solver certified to its tolerance: the
        # kernel may give the exact limit (1.0 where the solver gives 1 - 2e-16)
        tol = 1e-7
    else:
        tol = 1e-12
        np.testing.assert_array_equal(fast.probability, slow.probability)
    np.testing.assert_allclose(fast.probability, slow.probability, rtol=0, atol=tol)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=tol)
    np.testing.assert_allclose(fast.mode_probability, slow.mode_probability,
                               rtol=0, atol=tol)
    if not concept.lottery:
        np.testing.assert_array_equal(fast.mode_probability, 1.0)
    assert fast.errors == slow.errors == {}


def test_an_invalid_point_is_an_error_of_its_own() -> None:
    values = [v.copy() for v in VALUES]
    values[2][3] = -1.0  # a negative objection cost
    chunk = evaluate_chunk(SCENARIO, concepts.get("spe"), NAMES, values, True)
    assert chunk.agreement[3] == ERROR
    assert list(chunk.errors) == [3]
    assert "objection_cost" in chunk.errors[3]
    assert (chunk.agreement[[0, 1, 2, 4, 5]] != ERROR).all()


@pytest.mark.parametrize(
    ("names", "values"),
    [
        # only a setting the kernel takes as an array: no agent parameter swept
        (["protocol.objection_cost"], [np.array([0.0, 0.2, 0.5, 2.0])]),
        # a setting it does not take: points grouped by its value
        (["protocol.objection_blocks", "russia.pledge_credibility"],
         [np.array([False, True, False, True]), np.array([0.0, 0.3, 0.6, 0.9])]),
        # only a setting it does not take: no array at all for the kernel
        (["protocol.objection_blocks"], [np.array([False, True, True, False])]),
    ],
    ids=["kernel-setting-only", "grouped-setting", "grouped-setting-only"],
)
def test_the_kernel_path_without_agent_arrays(names: list[str], values: list) -> None:  # type: ignore[type-arg]
    concept = concepts.get("spe")
    fast = evaluate_chunk(SCENARIO, concept, names, values, True)
    slow = evaluate_chunk(SCENARIO, concept, names, values, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)
    assert fast.utilities.shape == (4, len(SCENARIO.agents))


def test_the_kernel_path_reports_the_models_utilities() -> None:
    """The utilities of a fast chunk are the model's (points-last layout) at the
    agreement reached, the status quo where there is no deal."""
    rng = np.random.default_rng(3)
    names = ["japan.demand", "russia.security_weight", "russia.pledge_credibility"]
    values = [rng.integers(1, 5, 300), rng.uniform(0, 4, 300), rng.uniform(0, 1, 300)]
    chunk = evaluate_chunk(SCENARIO, concepts.get("spe"), names, values, True)
    table = SCENARIO.outcome_utilities(
        dict(zip(names, values, strict=True)), points_last=True
    )
    expected = table[:, chunk.agreement, np.arange(300)].T
    np.testing.assert_array_equal(chunk.utilities, expected)
    no_deal = chunk.agreement == kurilsim.NO_DEAL
    assert no_deal.any()
    assert not no_deal.all()
    np.testing.assert_array_equal(chunk.utilities[no_deal], table[:, -1, no_deal].T)


@pytest.mark.parametrize("design", ["points", "grid"])
def test_a_sweep_over_only_a_boolean_setting(design: Literal["points", "grid"]) -> None:
    """Review finding 6: sweeping only ``protocol.objection_blocks`` (a setting
    the kernel does not take) raised ``RuntimeError: generator raised
    StopIteration``."""
    result = kurilsim.sweep(
        SCENARIO, {"protocol.objection_blocks": [True, False]}, design=design,
        progress=False,
    )
    for blocks in (True, False):
        alone = kurilsim.solve_scenario(
            SCENARIO.with_params({"protocol.objection_blocks": blocks}), "spe"
        )
        index = [bool(v) for v in result.points["protocol.objection_blocks"]].index(blocks)
        expected = (
            alone.agreement_index if alone.agreement is not None else kurilsim.NO_DEAL
        )
        assert result.agreement[index] == expected


def test_a_chunk_keeps_probabilities_in_the_unit_interval() -> None:
    """A solver's P(deal) of 1 + 2e-16 (a sum of weights) is stored as 1, so
    that the checkpoint's validation of [0, 1] accepts the chunk; NaN stays."""
    from kurilsim.sweeps.evaluate import Chunk

    chunk = Chunk(
        np.array([0, 1, ERROR]), np.array([1.0 + 2e-16, -1e-17, np.nan]),
        np.zeros((3, 2)), {2: "boom"}, np.array([1.0 + 4e-16, 0.5, np.nan]),
    )
    assert chunk.probability[0] == 1.0
    assert chunk.probability[1] == 0.0
    assert np.isnan(chunk.probability[2])
    assert chunk.mode_probability[0] == 1.0
    assert chunk.mode_probability[1] == 0.5
    assert np.isnan(chunk.mode_probability[2])


@pytest.mark.parametrize("name", ["spe", "nash-bargaining-discrete"])
def test_a_parameter_with_one_value_in_the_chunk(name: str) -> None:
    """A parameter that holds one value over a chunk (an outer grid axis) is
    computed once for its agent; the chunk still equals the per-point path,
    and its utilities the model's within rounding."""
    concept = concepts.get(name)
    names = ["japan.demand", "russia.security_weight", "russia.pledge_credibility"]
    values = [np.full(40, 3), np.linspace(0.0, 4.0, 40), np.linspace(1.0, 0.0, 40)]
    fast = evaluate_chunk(SCENARIO, concept, names, values, True)
    slow = evaluate_chunk(SCENARIO, concept, names, values, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)
    assert len(set(fast.agreement.tolist())) > 1  # the grid is not trivial
    # every parameter with one value: no point axis left in the model's call
    same = [np.full(5, 3), np.full(5, 2.0), np.full(5, 0.5)]
    fast = evaluate_chunk(SCENARIO, concept, names, same, True)
    slow = evaluate_chunk(SCENARIO, concept, names, same, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)


def test_an_overflow_of_an_agent_computed_once_is_an_error() -> None:
    """Utilities that overflow for a parameter with one value over the chunk
    (its agent computed once) are still errors point by point."""
    names = ["japan.territory_value", "japan.treaty_value", "russia.security_weight"]
    values = [np.full(4, 1.7e308), np.full(4, 1.7e308), np.array([0.0, 1.0, 2.0, 3.0])]
    chunk = evaluate_chunk(SCENARIO, concepts.get("spe"), names, values, True)
    assert (chunk.agreement == ERROR).all()
    assert sorted(chunk.errors) == [0, 1, 2, 3]
    assert chunk.errors == evaluate_chunk(
        SCENARIO, concepts.get("spe"), names, values, False
    ).errors
