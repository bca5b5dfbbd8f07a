"""BargainingSolution: the result contract every solver over lotteries follows."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    BargainingSolution,
    solve_baron_ferejohn,
    solve_egalitarian,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from tests.solvers.bargaining.cases import (
    EXACT,
    SIMPLEX,
    check_solution,
    frank_wolfe_gap,
    pie,
    singapore,
)

#: Every method a BargainingSolution may name (its docstring's vocabulary).
METHODS = {
    "frontier-edges",
    "facet",
    "dual-barrier",
    "ray",
    "leximin-lp",
    "piecewise-linear-root",
    "fixed-point",
    "fixed-point+newton",
    "disagreement",
}


def test_solution_text() -> None:
    solution = solve_nash_bargaining(pie(0.2, 0.1))
    text = str(solution)
    assert text.startswith("Nash bargaining solution\n")
    assert "Player 1 0.55, Player 2 0.45" in text
    assert "0.55 × all to 1, 0.45 × all to 2" in text
    assert "certificate: Pareto gap 0" in text
    assert repr(solution).startswith("BargainingSolution(solution='nash-bargaining'")


def test_solution_names_the_solver_and_method_the_algorithm() -> None:
    problem = pie(0.2, 0.1)
    solutions = {
        "nash-bargaining": solve_nash_bargaining(problem),
        "kalai-smorodinsky": solve_kalai_smorodinsky(problem),
        "egalitarian": solve_egalitarian(problem),
        "rubinstein": solve_rubinstein(problem, [0.9, 0.9]),
        "baron-ferejohn": solve_baron_ferejohn(problem, 0.9, "majority"),
    }
    headlines = {
        "nash-bargaining": "Nash bargaining solution",
        "kalai-smorodinsky": "Kalai–Smorodinsky solution",
        "egalitarian": "Egalitarian (leximin) solution",
        "rubinstein": "Rubinstein alternating offers (stationary equilibrium)",
        "baron-ferejohn": "Baron–Ferejohn legislative bargaining",
    }
    for name, solution in solutions.items():
        assert solution.solution == name
        assert solution.method in METHODS
        assert str(solution).startswith(headlines[name])
    assert not hasattr(solutions["nash-bargaining"], "concept")


class TestThreePlayers:
    def test_simplex(self) -> None:
        problem = BargainingProblem(SIMPLEX, np.zeros(3))
        third = np.full(3, 1 / 3)
        for solve in (
            solve_nash_bargaining,
            solve_kalai_smorodinsky,
            solve_egalitarian,
        ):
            solution = solve(problem)
            np.testing.assert_allclose(solution.utilities, third, atol=EXACT)
            check_solution(problem, solution)
            np.testing.assert_allclose(
                solution.lottery, [1 / 3, 1 / 3, 1 / 3, 0], atol=EXACT
            )

    def test_four_players(self) -> None:
        rng = np.random.default_rng(7)
        problem = BargainingProblem(rng.random((8, 4)), np.zeros(4))
        for solve in (
            solve_nash_bargaining,
            solve_kalai_smorodinsky,
            solve_egalitarian,
        ):
            check_solution(problem, solve(problem))
        nash = solve_nash_bargaining(problem, weights=[1, 2, 3, 4])
        assert frank_wolfe_gap(problem, nash.utilities, np.array([1, 2, 3, 4])) <= 1e-9


class TestFromScenario:
    @pytest.mark.parametrize(
        "parties", [None, ["japan", "russia"], ["russia", "japan"]]
    )
    def test_solutions_are_rational_and_pareto_optimal(
        self, parties: list[str] | None
    ) -> None:
        problem = BargainingProblem.from_scenario(singapore(), parties)
        solutions = [
            solve_nash_bargaining(problem),
            solve_kalai_smorodinsky(problem),
            solve_egalitarian(problem),
        ]
        if problem.n_players == 2:
            scenario = singapore()
            discounts = [scenario.protocol.discount_factor(p) for p in problem.players]
            solutions.append(solve_rubinstein(problem, discounts))
        for solution in solutions:
            check_solution(problem, solution)
            assert set(solution.support) <= {*problem.labels, "status quo"}
            assert solution.players == problem.players


def solutions() -> list[tuple[BargainingProblem, BargainingSolution]]:
    """One solution per concept and path, on small problems."""
    two = pie(0.2, 0.1)
    three = BargainingProblem(SIMPLEX, np.zeros(3))
    edge = BargainingProblem(np.vstack([SIMPLEX, [[0.9, 0.9, 0.1]]]), np.zeros(3))
    none = BargainingProblem([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0])
    return [
        (two, solve_nash_bargaining(two)),
        (three, solve_nash_bargaining(three)),
        (edge, solve_nash_bargaining(edge)),
        (none, solve_nash_bargaining(none)),
        (two, solve_kalai_smorodinsky(two)),
        (three, solve_kalai_smorodinsky(three)),
        (two, solve_egalitarian(two)),
        (three, solve_egalitarian(three)),
        (two, solve_rubinstein(two, [0.9, 0.8])),
        (three, solve_baron_ferejohn(three, 0.9)),
    ]


class TestContract:
    """certificate, tol, message and method (issue 14, deliverable 2)."""

    def test_every_solution_carries_the_contract(self) -> None:
        seen = set()
        for _, solution in solutions():
            assert isinstance(solution.certificate, float)
            assert 0.0 <= solution.certificate <= solution.tol
            assert solution.tol == 1e-9
            assert isinstance(solution.message, str)
            assert solution.message
            assert "\n" not in solution.message
            assert solution.method in METHODS
            seen.add(solution.method)
        assert seen == METHODS - {"fixed-point+newton"}

    def test_certificate_is_the_pareto_gap_except_for_baron_ferejohn(self) -> None:
        for _, solution in solutions():
            expected = (
                solution.optimality_gap
                if solution.solution == "baron-ferejohn"
                else solution.pareto_gap
            )
            assert solution.certificate == expected

    def test_every_checked_measure_is_within_tol(self) -> None:
        for problem, solution in solutions():
            if solution.solution != "baron-ferejohn":
                check_solution(problem, solution)
            assert solution.optimality_gap <= solution.tol

    def test_tol_is_the_one_asked_for(self) -> None:
        solution = solve_kalai_smorodinsky(pie(0.2, 0.1), tol=1e-6)
        assert solution.tol == 1e-6
        assert solution.certificate <= 1e-6

    def test_read_only(self) -> None:
        _, solution = solutions()[0]
        with pytest.raises(AttributeError):
            solution.method = "other"  # type: ignore[misc]
        # a property: no setter (slots dataclasses raise TypeError here)
        with pytest.raises((AttributeError, TypeError)):
            solution.certificate = 0.0  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            solution.lottery[0] = 1.0

    def test_agreement_probability(self) -> None:
        solution = solve_nash_bargaining(pie(0.2, 0.1))
        assert solution.agreement_probability == 1.0
        assert solution.proposals is None
        assert "solution='nash-bargaining'" in repr(solution)
        assert "utilities=[0.55, 0.45]" in repr(solution)


def test_weighted_nash_gap_is_checked_independently() -> None:
    problem = BargainingProblem(SIMPLEX, np.zeros(3))
    nash = solve_nash_bargaining(problem, weights=[1, 2, 3])
    assert frank_wolfe_gap(problem, nash.utilities, np.array([1, 2, 3])) <= EXACT
