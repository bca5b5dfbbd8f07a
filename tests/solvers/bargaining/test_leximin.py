"""The lexicographic maxmin engine shared by Kalai–Smorodinsky and egalitarian."""

from __future__ import annotations

import numpy as np

from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import solve_egalitarian, solve_kalai_smorodinsky
from kurilsim.solvers.bargaining._leximin import _leximin, _ray_exit_two_players
from tests.solvers.bargaining.cases import EXACT, check_solution, pie


def test_ray_exit_through_an_edge_and_a_flat_top() -> None:
    u, t = _ray_exit_two_players(pie(), np.array([1.0, 1.0]))
    np.testing.assert_allclose(u, [0.5, 0.5], atol=EXACT)
    assert t == 0.5
    # d + t (1, 1) leaves through the flat top u2 = 1: refined to its end
    flat = BargainingProblem([[0.0, 1.0], [3.0, 1.0], [4.0, 0.0]], [0.0, 0.0])
    u, t = _ray_exit_two_players(flat, np.array([1.0, 1.0]))
    np.testing.assert_allclose(u, [3.0, 1.0], atol=EXACT)
    assert t == 1.0


def test_rounds_fix_the_players_who_cannot_gain_more() -> None:
    # Player 3 can get at most 1/2 once the others have 1/2 each (first
    # round); then players 1 and 2 cannot gain more either: (1/2, 1/2, 1/2).
    problem = BargainingProblem([[1, 1, 0], [0, 0, 1]], np.zeros(3))
    u, lottery, first = _leximin(problem, np.ones(3))
    np.testing.assert_allclose(u, [0.5, 0.5, 0.5], atol=EXACT)
    np.testing.assert_allclose(lottery, [0.5, 0.5, 0.0], atol=EXACT)
    assert abs(first - 0.5) <= EXACT


def test_leximin_lifts_the_players_who_can_gain_more() -> None:
    # The smallest gain is capped by player 3 at 1; players 1 and 2 then get
    # more in a second round.
    problem = BargainingProblem([[3, 3, 1], [0, 0, 0]], np.zeros(3))
    u, _, first = _leximin(problem, np.ones(3))
    np.testing.assert_allclose(u, [3.0, 3.0, 1.0], atol=1e-9)
    assert abs(first - 1.0) <= 1e-9


def test_players_without_units_keep_d() -> None:
    problem = BargainingProblem([[1, 1, 0], [0, 0, 1]], np.zeros(3))
    u, _, _ = _leximin(problem, np.array([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(u[:2], [1.0, 1.0], atol=1e-9)
    assert u[2] >= -1e-9


def test_both_solutions_use_the_engine() -> None:
    problem = BargainingProblem([[3, 3, 1], [0, 0, 0]], np.zeros(3))
    for solve in (solve_kalai_smorodinsky, solve_egalitarian):
        solution = solve(problem)
        assert solution.method == "leximin-lp"
        check_solution(problem, solution)
