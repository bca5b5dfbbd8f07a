"""The Kalai–Smorodinsky solution: reference sets, monotonicity, n players, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidGameError, InvalidProfileError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    kalai_smorodinsky,
    nash_bargaining,
    solve_kalai_smorodinsky,
)
from tests.bad_arguments import NAN, PIE2, Case, call, check_named, params
from tests.solvers.bargaining.cases import (
    EXACT,
    PIE,
    S_POINTS,
    T_POINTS,
    check_solution,
    pie,
)


class TestKalaiSmorodinsky:
    def test_reference_sets(self) -> None:
        S = BargainingProblem(S_POINTS, [0, 0])
        T = BargainingProblem(T_POINTS, [0, 0])
        ks_s = solve_kalai_smorodinsky(S)
        ks_t = solve_kalai_smorodinsky(T)
        np.testing.assert_allclose(ks_s.utilities, [0.75, 0.75], atol=EXACT)
        np.testing.assert_allclose(ks_t.utilities, [1 / 1.3, 1 / 1.3], atol=EXACT)
        check_solution(S, ks_s)
        check_solution(T, ks_t)
        np.testing.assert_array_equal(S.ideal_point, T.ideal_point)

    def test_monotonicity_example(self) -> None:
        # S ⊆ T with equal ideal points: KS gives nobody less on T, Nash does.
        T = BargainingProblem(T_POINTS, [0, 0])
        assert T.lottery_for([0.75, 0.75]).shape == (4,)  # S ⊆ T
        assert np.all(
            kalai_smorodinsky(T_POINTS, [0, 0]) >= kalai_smorodinsky(S_POINTS, [0, 0])
        )
        assert (
            nash_bargaining(T_POINTS, [0, 0])[1] < nash_bargaining(S_POINTS, [0, 0])[1]
        )

    def test_unit_pie_with_disagreement(self) -> None:
        # ideal point (1 - d2, 1 - d1): equal shares of the ideal gains
        d = np.array([0.2, 0.1])
        u = kalai_smorodinsky(PIE, d)
        ideal = np.array([1 - d[1], 1 - d[0]])
        shares = (u - d) / (ideal - d)
        assert shares[0] == pytest.approx(shares[1], abs=EXACT)
        assert u.sum() == pytest.approx(1.0, abs=EXACT)

    def test_ideal_point_counts_lotteries(self) -> None:
        # player 2 rejects (3, -1) alone, but mixing it with (0, 1) is acceptable
        problem = BargainingProblem([[3.0, -1.0], [0.0, 1.0]], [0.0, 0.0])
        np.testing.assert_allclose(problem.ideal_point, [1.5, 1.0], atol=EXACT)
        check_solution(problem, solve_kalai_smorodinsky(problem))


class TestThreePlayers:
    def test_kalai_smorodinsky_on_a_comprehensive_looking_set(self) -> None:
        problem = BargainingProblem([[1, 1, 0], [0, 0, 1]], np.zeros(3))
        solution = solve_kalai_smorodinsky(problem)
        np.testing.assert_allclose(solution.utilities, [0.5, 0.5, 0.5], atol=EXACT)
        check_solution(problem, solution)

    def test_kalai_smorodinsky_when_the_segment_misses_the_set(self) -> None:
        # Lotteries cannot dispose of utility: the segment from d = 0 to the
        # ideal point (3, 3, 3) meets the feasible set only at d.  The
        # lexicographic maxmin of the shares (Imai 1983) is (2, 1.8, 1.8)
        # (checked by brute force on a grid of lotteries).
        problem = BargainingProblem([[2, 3, 0], [3, 1, 2], [2, 1, 3]], np.zeros(3))
        np.testing.assert_array_equal(problem.ideal_point, [3, 3, 3])
        assert problem.lottery_for([0, 0, 0])[-1] == 1.0
        with pytest.raises(InvalidProfileError):
            problem.lottery_for([0.1, 0.1, 0.1])
        solution = solve_kalai_smorodinsky(problem)
        np.testing.assert_allclose(solution.utilities, [2.0, 1.8, 1.8], atol=1e-10)
        check_solution(problem, solution)


def test_bad_tol() -> None:
    with pytest.raises(
        InvalidGameError, match=r"tol must be a finite number in \(0, 1\), got 0"
    ):
        solve_kalai_smorodinsky(pie(), tol=0)


def test_methods() -> None:
    assert solve_kalai_smorodinsky(pie(0.2, 0.1)).method == "ray"
    three = BargainingProblem([[1, 1, 0], [0, 0, 1]], np.zeros(3))
    assert solve_kalai_smorodinsky(three).method == "leximin-lp"
    nothing = solve_kalai_smorodinsky(BargainingProblem([[-1.0, -1.0]], [0.0, 0.0]))
    assert nothing.method == "disagreement"
    assert nothing.message == "the ideal point is the disagreement point"


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("kalai_smorodinsky-disagreement-str", call(kalai_smorodinsky, [[1, 0], [0, 1]], "0"),
     InvalidGameError, r"disagreement must be an array of real numbers, got '0'"),
    ("solve_kalai_smorodinsky-tol-nan", call(solve_kalai_smorodinsky, PIE2, tol=NAN),
     InvalidGameError, r"tol must be a finite number in \(0, 1\), got nan"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)
