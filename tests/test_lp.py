"""The package's HiGHS linear-program wrapper (``kurilsim._lp``)."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import SolverError
from kurilsim._lp import LP_OPTIONS, highs_linprog, solve_lp


def test_solves_a_small_lp() -> None:
    # max x0 + 2 x1 subject to x0 + x1 <= 4, x0 + 3 x1 <= 6, x >= 0: x = (3, 1)
    x = solve_lp(
        np.array([-1.0, -2.0]),
        A_ub=np.array([[1.0, 1.0], [1.0, 3.0]]),
        b_ub=np.array([4.0, 6.0]),
    )
    assert x is not None
    np.testing.assert_allclose(x, [3.0, 1.0], atol=1e-12)


def test_equality_constraints_and_bounds() -> None:
    # min -x0 subject to x0 + x1 = 1, 0 <= x0 <= 0.25
    x = solve_lp(
        np.array([-1.0, 0.0]),
        A_eq=np.ones((1, 2)),
        b_eq=np.ones(1),
        bounds=[(0.0, 0.25), (0.0, None)],
    )
    assert x is not None
    np.testing.assert_allclose(x, [0.25, 0.75], atol=1e-12)


def test_returns_a_vertex() -> None:
    # every lottery over three equal points is optimal: the dual simplex
    # returns a basic solution, one point with weight 1
    x = solve_lp(np.zeros(3), A_eq=np.ones((1, 3)), b_eq=np.ones(1))
    assert x is not None
    assert np.count_nonzero(x) == 1
    assert x.sum() == pytest.approx(1.0)


def test_infeasible_is_none() -> None:
    # x >= 0 cannot sum to -1
    assert solve_lp(np.zeros(1), A_eq=np.ones((1, 1)), b_eq=-np.ones(1)) is None
    assert (
        solve_lp(
            np.zeros(2),
            A_ub=np.array([[1.0, 0.0], [-1.0, 0.0]]),
            b_ub=np.array([1.0, -2.0]),
        )
        is None
    )


def test_unbounded_raises_a_clear_solver_error() -> None:
    with pytest.raises(SolverError, match=r"^a linear program failed: .*unbounded"):
        solve_lp(np.array([-1.0]))


def test_highs_linprog_reports_every_status() -> None:
    assert highs_linprog(np.array([1.0])).status == 0
    assert highs_linprog(np.array([-1.0])).status == 3  # unbounded
    infeasible = highs_linprog(np.ones(1), A_eq=np.ones((1, 1)), b_eq=-np.ones(1))
    assert infeasible.status == 2


def test_tolerances_are_tighter_than_highs_defaults() -> None:
    assert LP_OPTIONS == {
        "primal_feasibility_tolerance": 1e-10,
        "dual_feasibility_tolerance": 1e-10,
    }
