"""What the bargaining solvers share: checks, the frontier lottery, certification."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import InvalidGameError, SolverError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import BargainingSolution
from kurilsim.solvers.bargaining._common import (
    _certify,
    _check_delta,
    _check_rule,
    _disagreement_solution,
    _polyline_lottery,
)
from tests.solvers.bargaining.cases import EXACT, T_POINTS, pie


def test_polyline_lottery_mixes_adjacent_vertices() -> None:
    problem = BargainingProblem(T_POINTS, [0.0, 0.0])  # frontier (0, 1) - (1, 0.7)
    lottery = _polyline_lottery(problem, np.array([0.25, 0.925]))
    np.testing.assert_allclose(lottery, [0.75, 0.25, 0.0, 0.0], atol=EXACT)
    np.testing.assert_allclose(
        problem.expected_utilities(lottery), [0.25, 0.925], atol=EXACT
    )
    single = BargainingProblem([[1.0, 1.0], [0.5, 0.5]], [0.0, 0.0])
    np.testing.assert_array_equal(
        _polyline_lottery(single, np.array([1.0, 1.0])), [1.0, 0.0, 0.0]
    )


def test_certify_wraps_a_good_candidate() -> None:
    problem = pie(0.2, 0.1)
    solution = _certify(
        problem,
        "nash-bargaining",
        np.array([0.55, 0.45]),
        np.array([0.55, 0.45, 0.0]),
        tol=1e-9,
        optimality_gap=0.0,
        agreement_possible=True,
        message="by hand",
        method="frontier-edges",
    )
    assert isinstance(solution, BargainingSolution)
    assert solution.support == ("all to 1", "all to 2")
    assert solution.message == "by hand"
    assert solution.method == "frontier-edges"
    assert solution.certificate == 0.0


@pytest.mark.parametrize(
    ("utilities", "lottery", "gap", "failure"),
    [
        ([0.55, 0.45], [0.5, 0.5, 0.0], 0.0, "lottery residual"),
        ([0.4, 0.4], [0.4, 0.4, 0.2], 0.0, "Pareto gap"),
        ([0.1, 0.9], [0.1, 0.9, 0.0], 0.0, "IR gap"),
        ([0.55, 0.45], [0.55, 0.45, 0.0], 1e-3, "optimality gap"),
    ],
)
def test_certify_refuses_a_bad_candidate(
    utilities: list[float], lottery: list[float], gap: float, failure: str
) -> None:
    with pytest.raises(SolverError, match=f"Nash bargaining solution: .*{failure}"):
        _certify(
            pie(0.2, 0.1),
            "nash-bargaining",
            np.array(utilities),
            np.array(lottery),
            tol=1e-9,
            optimality_gap=gap,
            agreement_possible=True,
            message="",
            method="frontier-edges",
        )


def test_inefficient_candidates_pass_when_efficiency_is_not_required() -> None:
    solution = _certify(
        pie(0.2, 0.1),
        "baron-ferejohn",
        np.array([0.18, 0.19]),  # the lottery's utilities, below player 1's d
        np.array([0.0, 0.1, 0.9]),
        tol=1e-9,
        optimality_gap=0.0,
        agreement_possible=True,
        message="",
        method="fixed-point",
        efficient=False,
    )
    assert solution.pareto_gap == pytest.approx(0.315)
    assert solution.ir_gap == pytest.approx(0.02)
    assert solution.certificate == 0.0


def test_disagreement_solution() -> None:
    problem = BargainingProblem([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0])
    solution = _disagreement_solution(problem, "egalitarian", 1e-9, "why")
    np.testing.assert_array_equal(solution.lottery, [0.0, 0.0, 1.0])
    assert solution.support == ("disagreement",)
    assert solution.method == "disagreement"
    assert solution.message == "why"
    assert not solution.agreement_possible


def test_argument_checks() -> None:
    assert _check_delta(0.5, "delta") == 0.5
    with pytest.raises(InvalidGameError, match=r"x must be a discount factor"):
        _check_delta(np.bool_(True), "x")
    assert _check_rule("majority", 5) == 3
    assert _check_rule("unanimity", 5) == 5
