"""Baron–Ferejohn legislative bargaining over a general feasible set."""

from __future__ import annotations

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidGameError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    baron_ferejohn_shares,
    rubinstein_share,
    solve_baron_ferejohn,
)


def unit_pie(n: int) -> BargainingProblem:
    return BargainingProblem(np.eye(n), np.zeros(n))


@pytest.mark.parametrize("delta", [0.5, 0.9, 0.99])
def test_three_player_majority_matches_the_closed_form(delta: float) -> None:
    solution = solve_baron_ferejohn(unit_pie(3), delta)
    share = baron_ferejohn_shares(3, delta, "majority")[0]
    assert share == pytest.approx(1 - delta * (3 - 1) / (2 * 3), abs=1e-12)
    assert solution.concept == "baron-ferejohn"
    np.testing.assert_allclose(solution.utilities, np.full(3, 1 / 3), atol=1e-9)
    assert solution.proposals is not None
    np.testing.assert_allclose(np.diag(solution.proposals), share, atol=1e-9)
    # the proposer buys one partner (either, with probability 1/2) at delta / 3
    off = solution.proposals[~np.eye(3, dtype=bool)]
    np.testing.assert_allclose(off, delta / 6, atol=1e-9)
    assert solution.optimality_gap <= 1e-9
    assert solution.lottery[-1] == 0.0  # never ends in disagreement
    assert "Player 1 with 0.5 × Player 2 or 0.5 × Player 3" in solution.message


@pytest.mark.parametrize("delta", [0.5, 0.9])
def test_three_player_unanimity(delta: float) -> None:
    solution = solve_baron_ferejohn(unit_pie(3), delta, "unanimity")
    assert solution.proposals is not None
    expected = 1 - delta * (3 - 1) / 3
    assert expected == pytest.approx(baron_ferejohn_shares(3, delta, "unanimity")[0])
    np.testing.assert_allclose(np.diag(solution.proposals), expected, atol=1e-9)
    np.testing.assert_allclose(
        solution.proposals[~np.eye(3, dtype=bool)], delta / 3, atol=1e-9
    )
    np.testing.assert_allclose(solution.utilities, np.full(3, 1 / 3), atol=1e-9)


@pytest.mark.parametrize("delta", [0.3, 0.9, 0.999])
def test_two_players_is_rubinstein_with_random_proposer(delta: float) -> None:
    """n = 2 (majority = unanimity): the responder gets delta times its
    ex-ante value 1/2, so the proposer keeps 1 - delta / 2; as delta -> 1 this
    and Rubinstein's first-mover share both tend to 1/2."""
    for rule in ("unanimity", "majority"):
        solution = solve_baron_ferejohn(unit_pie(2), delta, rule)
        assert solution.proposals is not None
        np.testing.assert_allclose(
            solution.proposals,
            [[1 - delta / 2, delta / 2], [delta / 2, 1 - delta / 2]],
            atol=1e-9,
        )
        np.testing.assert_allclose(solution.utilities, [0.5, 0.5], atol=1e-9)
    gap = abs((1 - delta / 2) - rubinstein_share(delta, delta))
    assert gap <= 1 - delta + 1e-12


def test_individually_rational_and_pareto_optimal_on_the_pie() -> None:
    for n, delta in [(3, 0.99), (4, 0.95), (5, 0.999)]:
        problem = BargainingProblem(np.eye(n), np.full(n, 0.0))
        solution = solve_baron_ferejohn(problem, delta)
        assert solution.ir_gap <= 1e-9
        assert solution.pareto_gap <= 1e-9
        assert problem.is_pareto_optimal(solution.utilities)
        assert solution.utilities.sum() == pytest.approx(1.0, abs=1e-9)
        quota = n // 2 + 1
        assert solution.proposals is not None
        np.testing.assert_allclose(
            np.diag(solution.proposals), 1 - delta * (quota - 1) / n, atol=1e-9
        )


def test_general_problem_with_a_disagreement_point() -> None:
    """Three players, five agreements (some hurting a player), d != 0."""
    points = np.array(
        [
            [3.0, 1.0, 0.0],
            [0.0, 2.0, 2.0],
            [1.0, 0.0, 3.0],
            [2.0, 2.0, -1.0],
            [1.5, 1.5, 1.5],
        ]
    )
    problem = BargainingProblem(points, [0.5, 0.2, 0.0])
    solution = solve_baron_ferejohn(problem, 0.8)
    assert solution.optimality_gap <= 1e-9
    np.testing.assert_allclose(
        problem.expected_utilities(solution.lottery), solution.utilities, atol=1e-9
    )
    assert solution.proposals is not None
    np.testing.assert_allclose(
        solution.proposals.mean(axis=0), solution.utilities, atol=1e-9
    )


@pytest.mark.parametrize(("player", "a", "b"), [(0, 3.0, -1.0), (2, 0.25, 5.0)])
def test_equivariant_under_rescaling_one_player(
    player: int, a: float, b: float
) -> None:
    points = np.array(
        [[3.0, 1.0, 0.0], [0.0, 2.0, 2.0], [1.0, 0.0, 3.0], [2.0, 2.0, 1.0]]
    )
    problem = BargainingProblem(points, [0.5, 0.2, 0.0])
    base = solve_baron_ferejohn(problem, 0.9)
    scaled = solve_baron_ferejohn(problem.rescaled(player, a, b), 0.9)
    expected = base.utilities.copy()
    expected[player] = a * expected[player] + b
    ranges = problem.rescaled(player, a, b).utility_ranges
    assert np.max(np.abs(scaled.utilities - expected) / ranges) <= 1e-8
    assert base.proposals is not None
    assert scaled.proposals is not None
    proposals = base.proposals.copy()
    proposals[:, player] = a * proposals[:, player] + b
    assert np.max(np.abs(scaled.proposals - proposals) / ranges) <= 1e-8


def test_singapore_three_parties_certified() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    problem = BargainingProblem.from_scenario(scenario)
    assert problem.players == ("japan", "russia", "united_states")
    delta = float(
        np.mean([scenario.protocol.discount_factor(p) for p in problem.players])
    )
    solution = solve_baron_ferejohn(problem, delta)
    assert solution.optimality_gap <= solution.tol
    assert solution.proposals is not None
    assert solution.proposals.shape == (3, 3)
    np.testing.assert_allclose(
        problem.expected_utilities(solution.lottery), solution.utilities, atol=1e-9
    )
    np.testing.assert_allclose(
        solution.proposals.mean(axis=0), solution.utilities, atol=1e-9
    )
    # a majority can impose a deal on the third party: not individually rational
    assert solution.agreement_probability == pytest.approx(1.0)
    assert "coalitions:" in solution.message


def test_scenario_concept() -> None:
    outcome = kurilsim.solve_scenario(
        kurilsim.load_scenario("2018-singapore"), "baron-ferejohn"
    )
    assert outcome.concept == "baron-ferejohn"
    assert outcome.certificate <= 1e-9
    assert outcome.probability == pytest.approx(1.0)
    assert "baron-ferejohn" in kurilsim.CONCEPTS


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"delta": 1.0}, "delta must be below 1"),
        ({"delta": -0.1}, "discount factor in"),
        ({"delta": 1.5}, "discount factor in"),
        ({"delta": True}, "discount factor in"),
        ({"delta": 0.9, "rule": "plurality"}, "rule must be one of 'majority', 'unanimity'"),
        ({"delta": 0.9, "tol": 0.0}, "tol must be"),
        ({"delta": 0.9, "max_iterations": 0}, "max_iterations must be"),
    ],
)
def test_validation(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidGameError, match=match):
        solve_baron_ferejohn(unit_pie(3), **kwargs)  # type: ignore[arg-type]


def test_rejects_a_non_problem() -> None:
    with pytest.raises(InvalidGameError, match=r"problem must be a BargainingProblem, got array"):
        solve_baron_ferejohn(np.eye(3), 0.9)  # type: ignore[arg-type]


def test_delta_zero_gives_each_proposer_its_favourite_acceptable_point() -> None:
    solution = solve_baron_ferejohn(unit_pie(3), 0.0)
    assert solution.proposals is not None
    np.testing.assert_allclose(solution.proposals, np.eye(3), atol=1e-9)
