"""The "baron-ferejohn" sweep kernel: the per-point solver's answer at every point.

The kernel certifies the status quo vectorially where weights put every
outcome clearly below it (unanimity) and hands every other point to the
per-point solver; the per-point solver returns the status quo exactly where
its own certificate holds.  So the fast path must equal the per-point path
bit for bit (agreement, probability) and to rounding (utilities).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import InvalidGameError, KurilsimError, SolverError, concepts
from kurilsim._lp import solve_lp
from kurilsim.games import negotiation
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.model.agreements import NO_DEAL
from kurilsim.solvers.bargaining import _bf_kernel, solve_baron_ferejohn
from kurilsim.solvers.bargaining._bf_kernel import (
    baron_ferejohn_points,
    baron_ferejohn_sweep_kernel,
)
from kurilsim.solvers.bargaining.baron_ferejohn import (
    _fixed_point,
    _legislature,
    status_quo_margin,
    status_quo_threshold,
)
from kurilsim.sweeps.evaluate import Chunk, evaluate_chunk
from kurilsim.testing.strategies import sweep_grids

CONCEPT = concepts.get("baron-ferejohn")
SINGAPORE = kurilsim.load_scenario("2018-singapore")
#: Scenarios whose points below include deals (the per-point solver iterates
#: there, seconds per point, and runs twice per point in a comparison).
DEALS = {"1993-tokyo"}


def _delta(scenario: kurilsim.Scenario) -> float:
    protocol = scenario.protocol
    return float(np.mean([protocol.discount_factor(a) for a in scenario.agent_names]))


def _both(
    scenario: kurilsim.Scenario, names: list[str], values: list[np.ndarray]
) -> tuple[Chunk, Chunk]:
    fast = evaluate_chunk(scenario, CONCEPT, names, values, True)
    slow = evaluate_chunk(scenario, CONCEPT, names, values, False)
    return fast, slow


def _assert_same(fast: Any, slow: Any) -> None:
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_array_equal(fast.probability, slow.probability)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-12)


# -- kernel == per-point solve ---------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name in DEALS else name
        for name in kurilsim.list_scenarios()
    ],
)
def test_kernel_equals_the_per_point_path_on_every_bundled_scenario(name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    names = ["russia.security_weight", "united_states.detente_value"]
    values = [np.array([0.5, 4.0]), np.array([0.0, 0.5])]
    fast, slow = _both(scenario, names, values)
    assert fast.errors == slow.errors == {}
    _assert_same(fast, slow)


def test_kernel_equals_the_per_point_path_where_deals_are_made() -> None:
    # a United States that values detente, and a Russia that does not mind the
    # security clauses, make deals possible: points the kernel hands on
    names = ["united_states.detente_value", "russia.security_weight"]
    values = [np.array([0.0, 3.0]), np.array([3.4, 0.0])]
    fast, slow = _both(SINGAPORE, names, values)
    _assert_same(fast, slow)
    assert fast.agreement[0] == NO_DEAL
    assert fast.agreement[1] != NO_DEAL  # the grid is not trivial
    assert fast.probability[1] > 0.5


@given(data=st.data())
@settings(max_examples=3, derandomize=True, deadline=None)
def test_kernel_equals_the_per_point_path_on_sweep_grids(data: st.DataObject) -> None:
    grid = data.draw(sweep_grids(SINGAPORE, max_parameters=2, max_values=2))
    fast = kurilsim.sweep(SINGAPORE, grid, concept="baron-ferejohn", progress=False)
    slow = kurilsim.sweep(
        SINGAPORE, grid, concept="baron-ferejohn", progress=False, fast=False
    )
    assert fast.metadata["fast"]
    assert fast.errors == slow.errors
    _assert_same(fast, slow)


@pytest.mark.slow
@given(data=st.data())
@settings(max_examples=12, deadline=None)
def test_kernel_equals_the_per_point_path_on_sweep_grids_of_every_scenario(
    data: st.DataObject,
) -> None:
    scenario = kurilsim.load_scenario(data.draw(st.sampled_from(kurilsim.list_scenarios())))
    grid = data.draw(sweep_grids(scenario, max_parameters=3, max_values=2))
    fast = kurilsim.sweep(scenario, grid, concept="baron-ferejohn", progress=False)
    slow = kurilsim.sweep(
        scenario, grid, concept="baron-ferejohn", progress=False, fast=False
    )
    assert fast.errors == slow.errors
    _assert_same(fast, slow)


def test_sweep_fast_equals_per_point_on_a_small_grid() -> None:
    grid = {
        "japan.demand": [2, 4],
        "russia.security_weight": [0.0, 2.0, 4.0],
        "russia.pledge_credibility": [0.0, 1.0],
    }
    fast = kurilsim.sweep(
        SINGAPORE, grid, concept="baron-ferejohn", progress=False, chunk_size=5
    )
    slow = kurilsim.sweep(
        SINGAPORE, grid, concept="baron-ferejohn", progress=False, fast=False
    )
    assert fast.metadata["fast"]
    assert not slow.metadata["fast"]
    assert fast.shape == slow.shape == (2, 3, 2)
    assert fast.errors == slow.errors == {}
    _assert_same(fast, slow)


@pytest.mark.parametrize(
    "detente",
    [[0.0, 0.5], pytest.param([0.0, 3.0], marks=pytest.mark.slow)],
)
def test_a_swept_discount_factor_groups_the_points(detente: list[float]) -> None:
    """The kernel reads delta from the chunk's base scenario: a swept discount
    factor (a protocol setting it does not take as an array) groups the points
    (with deals at some points of the slow case)."""
    grid = {
        "protocol.discount.japan": [0.5, 0.95],
        "united_states.detente_value": detente,
        "russia.security_weight": [0.0 if detente[-1] > 1 else 2.0, 3.4],
    }
    fast = kurilsim.sweep(SINGAPORE, grid, concept="baron-ferejohn", progress=False)
    slow = kurilsim.sweep(
        SINGAPORE, grid, concept="baron-ferejohn", progress=False, fast=False
    )
    assert fast.metadata["fast"]
    assert fast.errors == slow.errors == {}
    _assert_same(fast, slow)
    if detente[-1] > 1:
        assert (fast.probability > 0.5).any()


def test_the_kernel_answers_with_a_veto() -> None:
    protocol = dataclasses.replace(SINGAPORE.protocol, veto={"russia": "islands.any"})
    scenario = dataclasses.replace(SINGAPORE, protocol=protocol)
    names = ["united_states.detente_value"]
    fast, slow = _both(scenario, names, [np.array([0.0, 3.0])])
    _assert_same(fast, slow)
    vetoed = negotiation.vetoed(scenario)
    assert all(not vetoed[k] for k in fast.agreement.tolist() if k != NO_DEAL)


def test_options_send_a_sweep_point_by_point() -> None:
    """A kernel takes no options: rule="majority" (or any option) is per point."""
    grid = {"russia.security_weight": [1.0, 3.0]}
    result = kurilsim.sweep(
        SINGAPORE, grid, concept="baron-ferejohn", options={"rule": "unanimity"},
        progress=False,
    )
    assert not result.metadata["fast"]
    plain = kurilsim.sweep(SINGAPORE, grid, concept="baron-ferejohn", progress=False)
    assert plain.metadata["fast"]


# -- the fourth array ------------------------------------------------------------------
def _fourth_array_check(values: np.ndarray) -> tuple[np.ndarray, ...]:
    name = "united_states.detente_value"
    table = SINGAPORE.outcome_utilities({name: values}, points_last=True)
    agreement, probability, expected, mode = baron_ferejohn_sweep_kernel(
        SINGAPORE, table, {name: values}
    )
    for p, value in enumerate(values.tolist()):
        outcome = kurilsim.solve_scenario(
            SINGAPORE.with_params({name: value}), "baron-ferejohn"
        )
        index = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
        assert agreement[p] == index
        assert probability[p] == outcome.probability
        assert mode[p] == outcome.distribution[index]
        np.testing.assert_allclose(expected[p], outcome.utilities, rtol=0, atol=1e-12)
    return agreement, probability, mode


def test_the_fourth_array_is_the_probability_of_the_mode() -> None:
    agreement, probability, mode = _fourth_array_check(np.array([0.0, 0.5]))
    assert agreement.tolist() == [NO_DEAL, NO_DEAL]
    assert mode.tolist() == [1.0, 1.0]
    assert probability.tolist() == [0.0, 0.0]


def test_the_fourth_array_is_the_probability_of_the_mode_of_a_deal() -> None:
    scenario = SINGAPORE
    name = "united_states.detente_value"
    values = np.array([3.0])
    table = scenario.outcome_utilities(
        {name: values, "russia.security_weight": np.zeros(1)}, points_last=True
    )
    agreement, probability, _, mode = baron_ferejohn_sweep_kernel(
        scenario, table, {name: values, "russia.security_weight": np.zeros(1)}
    )
    outcome = kurilsim.solve_scenario(
        scenario.with_params({name: 3.0, "russia.security_weight": 0.0}),
        "baron-ferejohn",
    )
    assert agreement[0] == outcome.agreement_index != NO_DEAL
    assert probability[0] == outcome.probability
    assert mode[0] == outcome.distribution[outcome.agreement_index] > 0.5


# -- the certificate -------------------------------------------------------------------
def _grid_table(resolution: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    demand, weight, credibility = np.meshgrid(
        [2, 4], np.linspace(0.0, 4.0, resolution), np.linspace(0.0, 1.0, resolution),
        indexing="ij",
    )
    points = {
        "japan.demand": demand.ravel(),
        "russia.security_weight": weight.ravel(),
        "russia.pledge_credibility": credibility.ravel(),
    }
    return SINGAPORE.outcome_utilities(points, points_last=True), points


def test_certified_points_leave_every_proposer_only_the_status_quo() -> None:
    """Independent check by linear programs: where the kernel certifies the
    status quo, no proposer can give everyone else its status quo utility
    and itself more (so v = d is the fixed point)."""
    table, _ = _grid_table(9)
    found = baron_ferejohn_points(table, _delta(SINGAPORE))
    assert found.certified.all()
    for p in range(0, table.shape[-1], 7):
        problem = BargainingProblem(table[:, :-1, p].T, table[:, -1, p])
        Z = problem.scaled_lottery_points
        k, n = Z.shape
        for i in range(n):
            others = [j for j in range(n) if j != i]
            x = solve_lp(
                -Z[:, i], A_ub=-Z[:, others].T, b_ub=-Z[-1, others],
                A_eq=np.ones((1, k)), b_eq=np.ones(1),
            )
            assert x is not None
            assert Z[:, i] @ x <= Z[-1, i] + 1e-12
        _w, t = status_quo_margin((Z[:-1] - Z[-1]).T)
        assert t >= status_quo_threshold(n, 1e-9)


def test_the_status_quo_shortcut_is_the_fixed_point_iteration_to_tol() -> None:
    """Where the per-point solver certifies the status quo, the iteration it
    skips returns it too, to within tol (deal probability and utilities)."""
    delta = _delta(SINGAPORE)
    tol = 1e-9
    for params in ({}, {"russia.security_weight": 0.0}, {"japan.demand": 2}):
        problem = BargainingProblem.from_scenario(SINGAPORE.with_params(params))
        solution = solve_baron_ferejohn(problem, delta, "unanimity", tol=tol)
        assert solution.method == "disagreement"
        assert solution.lottery[-1] == 1.0
        np.testing.assert_array_equal(solution.utilities, problem.disagreement)
        assert "unanimity rule" in solution.message
        assert "coalitions:" in solution.message
        profile = _fixed_point(_legislature(problem, delta, "unanimity"), tol, 10_000)
        iterated = profile.lotteries.mean(axis=0)
        assert 1.0 - iterated[-1] <= tol
        gap = np.abs(problem.expected_utilities(iterated) - solution.utilities)
        assert np.all(gap <= tol * problem.utility_ranges)


def test_majority_rule_points_go_to_the_per_point_solver() -> None:
    table = np.zeros((3, 4, 1))
    table[:, :-1, 0] = np.eye(3)  # a unit pie
    found = baron_ferejohn_points(table, 0.5, "majority")
    assert not found.certified.any()
    problem = BargainingProblem(np.eye(3), np.zeros(3))
    np.testing.assert_array_equal(
        found.lottery[0], solve_baron_ferejohn(problem, 0.5, "majority").lottery
    )


@pytest.mark.slow
def test_majority_rule_is_not_certified_where_unanimity_is() -> None:
    # the third player loses from every outcome: no deal under unanimity, but
    # under majority rule the other two impose one
    loss = np.array([[1.0, 1.0, -1.0], [0.0, 1.0, -1.0], [1.0, 0.0, -1.0]])
    table = np.zeros((3, 4, 1))
    table[:, :-1, 0] = loss.T
    assert baron_ferejohn_points(table, 0.5).certified.all()
    found = baron_ferejohn_points(table, 0.5, "majority")
    assert not found.certified.any()
    problem = BargainingProblem(loss, np.zeros(3))
    np.testing.assert_array_equal(
        found.lottery[0], solve_baron_ferejohn(problem, 0.5, "majority").lottery
    )
    assert found.agreement[0] == 0
    assert found.probability[0] > 0.5
    assert found.utilities[0, 2] < -0.5


def test_points_it_cannot_certify_are_the_per_point_solvers() -> None:
    # point 0: the third player loses from every outcome; point 1: a deal helps all
    utilities = np.array([
        [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]],
        [[-1.0, 0.5], [1.0, 1.0], [0.0, 0.0]],
        [[-1.0, 1.0], [-1.0, 1.0], [0.0, 0.0]],
    ])
    found = baron_ferejohn_points(utilities, 0.8)
    assert found.certified.tolist() == [True, False]
    assert found.agreement[0] == NO_DEAL
    assert found.probability[0] == 0.0
    np.testing.assert_array_equal(found.utilities[0], [0.0, 0.0, 0.0])
    problem = BargainingProblem(utilities[:, :-1, 1].T, utilities[:, -1, 1])
    solution = solve_baron_ferejohn(problem, 0.8, "unanimity")
    np.testing.assert_array_equal(found.lottery[1], solution.lottery)
    np.testing.assert_allclose(found.utilities[1], solution.utilities, atol=1e-12)
    assert found.probability[1] == pytest.approx(1.0)
    assert found.agreement[1] == int(np.argmax(solution.lottery[:-1]))
    assert found.mode_probability[1] == pytest.approx(solution.lottery.max())


def test_an_outcome_equal_to_the_status_quo_is_not_certified() -> None:
    # zero margin: the status quo ties with an agreement, the solver decides
    utilities = np.array([[[0.0], [-1.0], [0.0]], [[0.0], [1.0], [0.0]],
                          [[0.0], [-1.0], [0.0]]])
    found = baron_ferejohn_points(utilities, 0.9)
    assert not found.certified[0]
    problem = BargainingProblem(utilities[:, :-1, 0].T, utilities[:, -1, 0])
    np.testing.assert_array_equal(
        found.lottery[0], solve_baron_ferejohn(problem, 0.9, "unanimity").lottery
    )


# -- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"utilities": np.zeros((3, 4))}, "utilities must have shape"),
        ({"utilities": np.full((3, 2, 1), np.nan)}, "utilities must be finite"),
        ({"delta": 1.0}, "delta must be below 1"),
        ({"delta": 1.5}, "delta must be a discount factor"),
        ({"rule": "plurality"}, "rule must be one of"),
        ({"tol": 0.0}, "tol must be"),
    ],
)
def test_bad_arguments_raise_invalid_game_error(
    arguments: dict[str, Any], match: str
) -> None:
    call = {"utilities": np.zeros((3, 2, 1)), "delta": 0.9, **arguments}
    with pytest.raises(InvalidGameError, match=match):
        baron_ferejohn_points(**call)


def test_a_failing_point_sends_the_sweep_point_by_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not a SolverError (which would stop the sweep): any other KurilsimError
    makes the sweep solve the chunk point by point, recording each error."""

    def fail(*args: Any, **kwargs: Any) -> None:
        raise SolverError("no convergence")

    monkeypatch.setattr(_bf_kernel, "solve_baron_ferejohn", fail)
    # a point where deals are possible: the kernel hands it to the solver
    point = {"united_states.detente_value": np.array([3.0]),
             "russia.security_weight": np.zeros(1)}
    table = SINGAPORE.outcome_utilities(point, points_last=True)
    with pytest.raises(KurilsimError, match="no convergence") as info:
        baron_ferejohn_sweep_kernel(SINGAPORE, table, point)
    assert not isinstance(info.value, SolverError)
