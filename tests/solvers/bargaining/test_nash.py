"""The Nash bargaining solution: closed forms, facets, the dual barrier, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidGameError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import nash_bargaining, solve_nash_bargaining
from tests.bad_arguments import Case, call, check_named, params
from tests.solvers.bargaining.cases import (
    EXACT,
    PIE,
    S_POINTS,
    SIMPLEX,
    T_POINTS,
    check_solution,
    frank_wolfe_gap,
    pie,
)


class TestNashBargaining:
    @pytest.mark.parametrize(
        ("d1", "d2"), [(0, 0), (0.2, 0.1), (0.0, 0.6), (0.45, 0.45)]
    )
    def test_unit_pie(self, d1: float, d2: float) -> None:
        problem = pie(d1, d2)
        solution = solve_nash_bargaining(problem)
        x1 = (1 + d1 - d2) / 2
        np.testing.assert_allclose(solution.utilities, [x1, 1 - x1], atol=EXACT)
        check_solution(problem, solution)
        assert solution.agreement_possible
        assert solution.support == ("all to 1", "all to 2")

    @pytest.mark.parametrize("alpha", [0.1, 0.3, 0.5, 0.8])
    @pytest.mark.parametrize(("d1", "d2"), [(0, 0), (0.2, 0.1)])
    def test_weighted_unit_pie(self, alpha: float, d1: float, d2: float) -> None:
        x1 = d1 + alpha * (1 - d1 - d2)
        u = nash_bargaining(PIE, [d1, d2], weights=[alpha, 1 - alpha])
        np.testing.assert_allclose(u, [x1, 1 - x1], atol=EXACT)
        # only the ratio of the weights matters
        scaled = nash_bargaining(PIE, [d1, d2], weights=[3 * alpha, 3 * (1 - alpha)])
        np.testing.assert_allclose(scaled, u, atol=EXACT)

    def test_kalai_smorodinsky_reference_sets(self) -> None:
        S = BargainingProblem(S_POINTS, [0, 0])
        T = BargainingProblem(T_POINTS, [0, 0])
        np.testing.assert_allclose(
            nash_bargaining(S_POINTS, [0, 0]), [0.75, 0.75], atol=EXACT
        )
        np.testing.assert_allclose(
            nash_bargaining(T_POINTS, [0, 0]), [1.0, 0.7], atol=EXACT
        )
        for problem in (S, T):
            check_solution(problem, solve_nash_bargaining(problem))

    def test_vertex_solution_has_pure_lottery(self) -> None:
        solution = solve_nash_bargaining(BargainingProblem(T_POINTS, [0, 0]))
        assert solution.support == ("outcome 1",)
        assert solution.agreement_probability == 1.0

    def test_no_agreement_returns_disagreement_point(self) -> None:
        problem = BargainingProblem([[1.0, -1.0], [-1.0, 1.0], [-2, -2]], [0.0, 0.0])
        solution = solve_nash_bargaining(problem)
        assert not solution.agreement_possible
        np.testing.assert_array_equal(solution.utilities, problem.disagreement)
        assert solution.support == ("disagreement",)
        assert solution.agreement_probability == 0.0
        assert "no agreement" in str(solution)

    def test_zero_gain_for_one_player_means_no_agreement(self) -> None:
        # player 2 can never gain: the Nash product is 0 everywhere
        solution = solve_nash_bargaining(BargainingProblem([[1.0, 0.0]], [0.0, 0.0]))
        assert not solution.agreement_possible
        np.testing.assert_array_equal(solution.utilities, [0.0, 0.0])

    def test_single_outcome(self) -> None:
        problem = BargainingProblem([[2.0, 3.0]], [0.0, 0.0])
        solution = solve_nash_bargaining(problem)
        np.testing.assert_array_equal(solution.utilities, [2.0, 3.0])
        assert solution.support == ("outcome 0",)

    def test_disagreement_point_on_the_frontier(self) -> None:
        # Pareto frontier: the segment from (0, 1) to d = (0.5, 0)
        problem = BargainingProblem([[0.0, 1.0], [-1.0, -1.0]], [0.5, 0.0])
        solution = solve_nash_bargaining(problem)
        check_solution(problem, solution)
        assert not solution.agreement_possible
        np.testing.assert_array_equal(solution.utilities, [0.5, 0.0])


class TestThreePlayers:
    def test_weighted_nash_on_a_facet_is_the_weight_vector(self) -> None:
        solution = solve_nash_bargaining(
            BargainingProblem(SIMPLEX, np.zeros(3)), weights=[0.5, 0.3, 0.2]
        )
        np.testing.assert_allclose(solution.utilities, [0.5, 0.3, 0.2], atol=EXACT)
        assert "facet" in solution.message

    def test_nash_on_an_edge(self) -> None:
        # The optimum lies on the edge from e3 to q = (0.9, 0.9, 0.1), not
        # inside a facet: u = l q + (1 - l) e3 with 2 / l = 0.9 / (1 - 0.9 l),
        # l = 20/27, u = (2/3, 2/3, 1/3); found by the dual barrier method.
        problem = BargainingProblem(
            np.vstack([SIMPLEX, [[0.9, 0.9, 0.1]]]), np.zeros(3)
        )
        solution = solve_nash_bargaining(problem)
        np.testing.assert_allclose(
            solution.utilities, [2 / 3, 2 / 3, 1 / 3], atol=EXACT
        )
        np.testing.assert_allclose(
            solution.lottery, [0, 0, 7 / 27, 20 / 27, 0], atol=EXACT
        )
        assert "barrier" in solution.message
        check_solution(problem, solution)
        assert frank_wolfe_gap(problem, solution.utilities) <= 1e-12

    def test_degenerate_three_player_set(self) -> None:
        problem = BargainingProblem([[1, 0, 0], [0, 1, 0], [0.5, 0.5, 0]], [0, 0, 0])
        solution = solve_nash_bargaining(problem)
        # player 3 can never gain
        assert not solution.agreement_possible
        raised = BargainingProblem([[1, 0, 1], [0, 1, 1]], [0, 0, 0])
        solution = solve_nash_bargaining(raised)
        np.testing.assert_allclose(solution.utilities, [0.5, 0.5, 1.0], atol=1e-12)
        check_solution(raised, solution)


def test_bad_weights() -> None:
    problem = pie()
    with pytest.raises(
        InvalidGameError, match=r"weights must be 2 positive .* got \[1, -1\]"
    ):
        solve_nash_bargaining(problem, weights=[1, -1])
    with pytest.raises(InvalidGameError, match="weights must be 2 positive"):
        nash_bargaining(PIE, [0, 0], weights=[1, 1, 1])


class TestMethod:
    """Each path of the solver names itself in ``method`` and ``message``."""

    def test_two_players(self) -> None:
        solution = solve_nash_bargaining(pie(0.2, 0.1))
        assert solution.method == "frontier-edges"
        assert solution.message == "closed form on the edges of the Pareto frontier"

    def test_facet(self) -> None:
        solution = solve_nash_bargaining(BargainingProblem(SIMPLEX, np.zeros(3)))
        assert solution.method == "facet"

    def test_dual_barrier(self) -> None:
        problem = BargainingProblem(np.vstack([SIMPLEX, [[0.9, 0.9, 0.1]]]), np.zeros(3))
        assert solve_nash_bargaining(problem).method == "dual-barrier"

    def test_disagreement(self) -> None:
        solution = solve_nash_bargaining(BargainingProblem([[1.0, 0.0]], [0.0, 0.0]))
        assert solution.method == "disagreement"
        assert solution.solution == "nash-bargaining"
        assert solution.certificate == solution.pareto_gap == 0.0


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("nash_bargaining-points-ragged", call(nash_bargaining, [[1, 0], [0]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers"),
    ("solve_nash_bargaining-problem-list", call(solve_nash_bargaining, [[1, 0], [0, 1]]),
     InvalidGameError, r"problem must be a BargainingProblem, got \[\[1, 0\], \[0, 1\]\]"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)
