"""Rubinstein's alternating offers: closed forms, convergence to Nash, errors."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidGameError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    rubinstein_share,
    solve_nash_bargaining,
    solve_rubinstein,
)
from tests.bad_arguments import PIE2, Case, call, check_named, params
from tests.solvers.bargaining.cases import (
    EXACT,
    S_POINTS,
    SIMPLEX,
    T_POINTS,
    check_solution,
    pie,
)


class TestRubinstein:
    def test_reference_shares(self) -> None:
        assert rubinstein_share(0.9, 0.9) == pytest.approx(
            0.5263157894736842, abs=EXACT
        )
        assert rubinstein_share(0.9, 0.8) == pytest.approx(
            0.7142857142857143, abs=EXACT
        )

    def test_one_patient_player_takes_everything(self) -> None:
        assert rubinstein_share(1.0, 0.5) == 1.0
        assert rubinstein_share(0.5, 1.0) == 0.0
        assert rubinstein_share(0.0, 0.0) == 1.0

    @pytest.mark.parametrize(
        ("delta1", "delta2"),
        [(0.9, 0.9), (0.9, 0.8), (0.5, 0.95), (0.0, 0.7), (1.0, 0.3)],
    )
    def test_unit_pie_matches_closed_form(self, delta1: float, delta2: float) -> None:
        problem = pie()
        first = solve_rubinstein(problem, [delta1, delta2])
        share = rubinstein_share(delta1, delta2)
        np.testing.assert_allclose(first.utilities, [share, 1 - share], atol=EXACT)
        check_solution(problem, first)
        second = solve_rubinstein(problem, [delta1, delta2], proposer="Player 2")
        share2 = rubinstein_share(delta2, delta1)
        np.testing.assert_allclose(second.utilities, [1 - share2, share2], atol=EXACT)
        assert first.solution == "rubinstein"

    def test_scaled_pie_with_disagreement_point(self) -> None:
        # pie of size 1 - d1 - d2 above d; shares of the surplus as on a unit pie
        d = np.array([0.2, 0.1])
        solution = solve_rubinstein(pie(*d), [0.9, 0.8])
        surplus = 1 - d.sum()
        share = rubinstein_share(0.9, 0.8)
        np.testing.assert_allclose(
            solution.utilities, d + surplus * np.array([share, 1 - share]), atol=EXACT
        )

    def test_converges_to_nash_as_patience_grows(self) -> None:
        for points in (S_POINTS, T_POINTS, [[0, 1], [0.6, 0.9], [0.9, 0.5], [1, 0]]):
            problem = BargainingProblem(points, [0.05, 0.0])
            nash = solve_nash_bargaining(problem).utilities
            errors = [
                np.max(
                    np.abs(solve_rubinstein(problem, [delta, delta]).utilities - nash)
                )
                for delta in (0.9, 0.99, 0.999, 0.9999)
            ]
            assert all(a >= b - EXACT for a, b in itertools.pairwise(errors))
            assert errors[-1] <= 1e-4

    def test_counter_proposal_is_reported(self) -> None:
        solution = solve_rubinstein(pie(), [0.9, 0.9])
        assert "counter-proposal" in solution.message
        assert "Player 1 proposes first" in solution.message

    def test_no_agreement(self) -> None:
        problem = BargainingProblem([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0])
        solution = solve_rubinstein(problem, [0.9, 0.9])
        assert not solution.agreement_possible
        np.testing.assert_array_equal(solution.utilities, [0.0, 0.0])


def test_bad_discounts() -> None:
    problem = pie()
    with pytest.raises(InvalidGameError, match=r"both discount factors are 1"):
        solve_rubinstein(problem, [1.0, 1.0])
    with pytest.raises(
        InvalidGameError,
        match=r"discounts\[1\] must be a discount factor in \[0, 1\], got 1.5",
    ):
        solve_rubinstein(problem, [0.9, 1.5])
    with pytest.raises(InvalidGameError, match="two discount factors"):
        solve_rubinstein(problem, [0.9, 0.9, 0.9])
    with pytest.raises(InvalidGameError, match="two-player problem, this one has 3"):
        solve_rubinstein(BargainingProblem(SIMPLEX, np.zeros(3)), [0.9, 0.9, 0.9])
    with pytest.raises(InvalidGameError, match="unknown player 'Russia'"):
        solve_rubinstein(problem, [0.9, 0.9], proposer="Russia")
    with pytest.raises(
        InvalidGameError,
        match=r"delta2 must be a discount factor in \[0, 1\], got -0.1",
    ):
        rubinstein_share(0.9, -0.1)
    with pytest.raises(InvalidGameError, match="both 1"):
        rubinstein_share(1, 1)
    with pytest.raises(InvalidGameError, match="got True"):
        rubinstein_share(True, 0.5)


def test_result_contract() -> None:
    solution = solve_rubinstein(pie(0.2, 0.1), [0.9, 0.8])
    assert solution.method == "piecewise-linear-root"
    assert solution.certificate == solution.pareto_gap <= solution.tol
    assert solution.optimality_gap <= solution.tol
    assert solution.message.startswith("Player 1 proposes first")


def test_no_agreement_is_the_disagreement_method() -> None:
    problem = BargainingProblem([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0])
    solution = solve_rubinstein(problem, [0.9, 0.9])
    assert solution.method == "disagreement"
    assert solution.message == "no feasible point improves on d for both players"


def test_proposer_errors_name_the_argument() -> None:
    with pytest.raises(InvalidGameError, match=r"proposer must be a player name"):
        solve_rubinstein(pie(), [0.9, 0.9], proposer=2)


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("solve_rubinstein-proposer-none", call(solve_rubinstein, PIE2, [0.9, 0.8], None),
     InvalidGameError, r"proposer must be a player name or an index in 0\.\.1, got None"),
    ("solve_rubinstein-proposer-typo", call(solve_rubinstein, PIE2, [0.9, 0.8], "player 1"),
     InvalidGameError, r"proposer: unknown player 'player 1'; players are"),
    ("solve_rubinstein-discounts-float", call(solve_rubinstein, PIE2, 0.9),
     InvalidGameError, r"discounts must be two discount factors .* got 0\.9 \(float\)"),
    ("rubinstein_share-delta1-str", call(rubinstein_share, "0.9", 0.8),
     InvalidGameError, r"delta1 must be a discount factor in \[0, 1\], got '0\.9' \(str\)"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)
