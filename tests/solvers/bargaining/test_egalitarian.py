"""The egalitarian (leximin) solution: equal gains, refinement, rescaling, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidGameError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    egalitarian,
    solve_egalitarian,
    solve_nash_bargaining,
)
from tests.bad_arguments import PIE2, Case, call, check_named, params
from tests.solvers.bargaining.cases import EXACT, PIE, check_solution, pie


class TestEgalitarian:
    def test_equal_gains(self) -> None:
        u = egalitarian([[2.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        np.testing.assert_allclose(u, [2 / 3, 2 / 3], atol=EXACT)

    def test_leximin_refines_a_flat_top(self) -> None:
        # d + t(1, 1) leaves the set through the flat top u2 = 1; leximin
        # gives player 1 the most it can get with u2 = 1.
        problem = BargainingProblem([[0.0, 1.0], [3.0, 1.0], [4.0, 0.0]], [0.0, 0.0])
        solution = solve_egalitarian(problem)
        np.testing.assert_allclose(solution.utilities, [3.0, 1.0], atol=EXACT)
        check_solution(problem, solution)

    def test_not_invariant_to_rescaling(self) -> None:
        problem = pie()
        np.testing.assert_allclose(egalitarian(PIE, [0, 0]), [0.5, 0.5], atol=EXACT)
        stretched = solve_egalitarian(problem.rescaled(0, 3.0)).utilities
        np.testing.assert_allclose(
            stretched, [0.75, 0.75], atol=EXACT
        )  # not (1.5, 0.5)
        np.testing.assert_allclose(  # Nash moves with the rescaling
            solve_nash_bargaining(problem.rescaled(0, 3.0)).utilities,
            [1.5, 0.5],
            atol=EXACT,
        )


def test_bad_problem() -> None:
    with pytest.raises(
        InvalidGameError, match=r"problem must be a BargainingProblem, got \[\[1\.0"
    ):
        solve_egalitarian(PIE)  # type: ignore[arg-type]


def test_methods() -> None:
    solution = solve_egalitarian(pie())
    assert solution.method == "ray"
    assert solution.message == "exact exit of the diagonal ray from the feasible set"
    three = solve_egalitarian(BargainingProblem(np.eye(3), np.zeros(3)))
    assert three.method == "leximin-lp"
    assert three.message == "leximin by linear programs"


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("egalitarian-points-ragged", call(egalitarian, [[1, 0], [0]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers"),
    ("solve_egalitarian-tol-true", call(solve_egalitarian, PIE2, tol=True),
     InvalidGameError, r"tol must be .* got True \(bool\)"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)
