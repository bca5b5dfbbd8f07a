"""Problems and checks shared by the tests of the bargaining solvers."""

from __future__ import annotations

import numpy as np
import pytest

import kurilsim
from kurilsim import KurilsimError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import BargainingSolution

EXACT = 1e-12
PIE = [[1.0, 0.0], [0.0, 1.0]]
# Kalai and Smorodinsky (1975): S ⊆ T with the same ideal point (1, 1).
S_POINTS = [[0.0, 1.0], [0.75, 0.75], [1.0, 0.0]]
T_POINTS = [[0.0, 1.0], [1.0, 0.7], [1.0, 0.0]]
SIMPLEX = np.eye(3)


def pie(d1: float = 0.0, d2: float = 0.0) -> BargainingProblem:
    return BargainingProblem(PIE, [d1, d2], labels=["all to 1", "all to 2"])


def check_solution(problem: BargainingProblem, solution: BargainingSolution) -> None:
    """The certificate, recomputed independently of the solver."""
    tol = solution.tol
    assert solution.utilities.shape == (problem.n_players,)
    assert solution.lottery.shape == (problem.n_outcomes + 1,)
    assert np.all(solution.lottery >= 0)
    assert solution.lottery.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(
        problem.expected_utilities(solution.lottery),
        solution.utilities,
        atol=tol * problem.utility_ranges.max(),
    )
    assert np.all(
        solution.utilities >= problem.disagreement - tol * problem.utility_ranges
    )
    if solution.agreement_possible:
        assert problem.is_pareto_optimal(solution.utilities)
    assert 0 <= solution.pareto_gap <= tol
    assert 0 <= solution.ir_gap <= tol
    assert 0 <= solution.optimality_gap <= tol
    labels = (*problem.labels, problem.disagreement_label)
    used = np.flatnonzero(solution.lottery > 0)
    assert solution.support == tuple(labels[k] for k in used)
    assert not solution.utilities.flags.writeable
    assert not solution.lottery.flags.writeable


def frank_wolfe_gap(
    problem: BargainingProblem, u: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """An upper bound on how much the weighted log Nash product can still grow."""
    n = problem.n_players
    w = (
        np.full(n, 1.0 / n)
        if weights is None
        else np.asarray(weights) / np.sum(weights)
    )
    gains = u - problem.disagreement
    assert np.all(gains > 0)
    c = w / gains
    vertices = np.vstack([problem.points, problem.disagreement])
    return float(np.max(vertices @ c) - c @ u)


def singapore() -> kurilsim.Scenario:
    try:
        return kurilsim.load_scenario("2018-singapore")
    except (KurilsimError, FileNotFoundError):  # pragma: no cover - data missing
        return kurilsim.kuril_scenario(name="x")
