"""Bargaining problems and solutions: reference results, geometry, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import kurilsim
from kurilsim._errors import InvalidGameError, InvalidProfileError, KurilsimError
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    BargainingSolution,
    baron_ferejohn_shares,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_share,
    solve_egalitarian,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)

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


# ---------------------------------------------------------------------------
# Reference results (domain brief)
# ---------------------------------------------------------------------------
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
        assert first.concept == "rubinstein"

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


class TestBaronFerejohn:
    def test_reference_three_players(self) -> None:
        np.testing.assert_allclose(
            baron_ferejohn_shares(3, 1.0), [2 / 3, 1 / 3, 0.0], atol=EXACT
        )

    @pytest.mark.parametrize("n", [3, 5, 7, 9])
    @pytest.mark.parametrize("delta", [0.0, 0.5, 0.9, 1.0])
    def test_odd_majority_formula(self, n: int, delta: float) -> None:
        shares = baron_ferejohn_shares(n, delta)
        assert shares[0] == pytest.approx(1 - delta * (n - 1) / (2 * n), abs=EXACT)
        assert shares.sum() == pytest.approx(1.0, abs=EXACT)
        if delta > 0:
            assert np.count_nonzero(shares[1:]) == (n - 1) // 2

    @pytest.mark.parametrize("n", [2, 4, 6])
    def test_even_majority_and_unanimity(self, n: int) -> None:
        quota = n // 2 + 1
        shares = baron_ferejohn_shares(n, 0.9)
        assert shares[0] == pytest.approx(1 - 0.9 * (quota - 1) / n, abs=EXACT)
        np.testing.assert_allclose(shares[1:quota], 0.9 / n)
        np.testing.assert_array_equal(shares[quota:], 0.0)
        unanimity = baron_ferejohn_shares(n, 0.9, rule="unanimity")
        assert unanimity[0] == pytest.approx(1 - 0.9 * (n - 1) / n, abs=EXACT)
        assert unanimity.sum() == pytest.approx(1.0, abs=EXACT)

    def test_two_players_majority_is_unanimity(self) -> None:
        np.testing.assert_array_equal(
            baron_ferejohn_shares(2, 0.8),
            baron_ferejohn_shares(2, 0.8, rule="unanimity"),
        )


# ---------------------------------------------------------------------------
# Geometry of the feasible set
# ---------------------------------------------------------------------------
class TestParetoFrontier:
    def test_two_players_with_dominated_and_interior_points(self) -> None:
        problem = BargainingProblem(
            [[0, 1], [0.75, 0.75], [1, 0], [0.5, 0.5], [0.2, 0.9], [0.9, 0.1]], [0, 0]
        )
        np.testing.assert_array_equal(problem.pareto_frontier(), [0, 1, 2])
        np.testing.assert_array_equal(
            problem.pareto_polyline(), [[0, 1], [0.75, 0.75], [1, 0]]
        )

    def test_collinear_points_are_not_vertices(self) -> None:
        problem = BargainingProblem([[0, 1], [0.5, 0.5], [1, 0], [0.25, 0.75]], [0, 0])
        np.testing.assert_array_equal(problem.pareto_frontier(), [0, 2])
        assert problem.is_pareto_optimal([0.5, 0.5])

    def test_duplicates_are_all_listed(self) -> None:
        problem = BargainingProblem([[1, 0], [0, 1], [1, 0]], [0, 0])
        np.testing.assert_array_equal(problem.pareto_frontier(), [0, 1, 2])
        assert len(problem.pareto_polyline()) == 2

    def test_dominating_point(self) -> None:
        problem = BargainingProblem([[1, 1], [0.5, 1], [1, 0.2]], [0, 0])
        np.testing.assert_array_equal(problem.pareto_frontier(), [0])
        np.testing.assert_array_equal(problem.pareto_polyline(), [[1, 1]])

    def test_disagreement_point_can_be_a_frontier_vertex(self) -> None:
        problem = BargainingProblem([[0.0, 1.0], [-1.0, -1.0]], [0.5, 0.0])
        np.testing.assert_array_equal(problem.pareto_frontier(), [0])
        np.testing.assert_array_equal(problem.pareto_polyline(), [[0, 1], [0.5, 0]])
        everything_worse = BargainingProblem([[-1.0, -1.0]], [0.0, 0.0])
        assert everything_worse.pareto_frontier().size == 0

    def test_weak_but_not_strong_optimum(self) -> None:
        problem = BargainingProblem([[0, 1], [1, 1], [1, 0]], [0, 0])
        assert problem.pareto_gap([0.5, 1.0]) == pytest.approx(0.0, abs=EXACT)
        assert not problem.is_pareto_optimal([0.5, 1.0])
        assert problem.is_pareto_optimal([1.0, 1.0])
        np.testing.assert_array_equal(problem.pareto_frontier(), [1])

    def test_simplex_and_interior_point(self) -> None:
        problem = BargainingProblem(
            np.vstack([SIMPLEX, [[0.2, 0.2, 0.2], [0.5, 0.5, 0.0]]]), np.zeros(3)
        )
        np.testing.assert_array_equal(problem.pareto_frontier(), [0, 1, 2])
        assert problem.is_pareto_optimal([0.5, 0.5, 0.0])
        assert problem.is_pareto_optimal([0.2, 0.3, 0.5])
        assert not problem.is_pareto_optimal([0.2, 0.2, 0.2])

    def test_degenerate_three_player_sets(self) -> None:
        # collinear points (rank 1) and fewer than n + 1 distinct points
        line = BargainingProblem([[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0]], [0, 0, 0])
        np.testing.assert_array_equal(line.pareto_frontier(), [0, 2])
        coplanar = BargainingProblem(
            [[1, 0, 0.5], [0, 1, 0.5], [1, 1, 0.5], [0.5, 0.5, 0.5]], [0, 0, 0.5]
        )
        np.testing.assert_array_equal(coplanar.pareto_frontier(), [2])
        two_points = BargainingProblem([[1, 2, 3], [3, 2, 1]], [0, 0, 0])
        np.testing.assert_array_equal(two_points.pareto_frontier(), [0, 1])

    def test_vertex_pareto_optimal_without_positive_facet(self) -> None:
        # The origin is Pareto optimal (it maximises u1 + u2 + u3), but the
        # outward normals of its three facets, (1, 1, -1/2) and permutations,
        # each have a negative entry: only the LP check finds it.
        problem = BargainingProblem(
            [[0, 0, 0], [0.75, -1.5, -1.5], [-1.5, 0.75, -1.5], [-1.5, -1.5, 0.75]],
            [-2, -2, -2],
        )
        np.testing.assert_array_equal(problem.pareto_frontier(), [0, 1, 2, 3])
        for k in range(4):
            assert problem.is_pareto_optimal(problem.points[k])

    def test_pareto_polyline_needs_two_players(self) -> None:
        with pytest.raises(
            InvalidGameError, match="two-player problem, this one has 3"
        ):
            BargainingProblem(SIMPLEX, np.zeros(3)).pareto_polyline()


class TestProblem:
    def test_individually_rational_mask(self) -> None:
        problem = BargainingProblem([[1, 0], [0, 1], [-1, 2], [0.5, 0.5]], [0, 0])
        np.testing.assert_array_equal(
            problem.individually_rational, [True, True, False, True]
        )

    def test_arrays_are_read_only_copies(self) -> None:
        points = np.array(PIE)
        problem = BargainingProblem(points, [0, 0])
        points[0, 0] = 9.0
        assert problem.points[0, 0] == 1.0
        with pytest.raises(ValueError, match="read-only"):
            problem.points[0, 0] = 2.0
        with pytest.raises(ValueError, match="read-only"):
            problem.disagreement[0] = 2.0

    def test_lottery_round_trip(self) -> None:
        problem = BargainingProblem(T_POINTS, [0.1, 0.1])
        for u in ([0.5, 0.5], [1.0, 0.7], [0.1, 0.1], [0.3, 0.8]):
            lottery = problem.lottery_for(u)
            assert np.count_nonzero(lottery) <= 3
            np.testing.assert_allclose(
                problem.expected_utilities(lottery), u, atol=1e-12
            )

    def test_rescaled(self) -> None:
        problem = BargainingProblem(T_POINTS, [0.1, 0.2], players=["a", "b"])
        scaled = problem.rescaled("b", 2.0, -1.0)
        np.testing.assert_allclose(scaled.points[:, 1], 2 * problem.points[:, 1] - 1)
        assert scaled.disagreement[1] == pytest.approx(-0.6)
        assert scaled.players == ("a", "b")
        assert problem.rescaled(0, 1.0, 0.0) == problem
        assert hash(problem.rescaled(0, 1.0)) == hash(problem)

    def test_equality_and_repr(self) -> None:
        assert pie() == pie()
        assert pie() != pie(0.1, 0.0)
        assert "2 outcomes" in repr(pie())

    def test_three_players_ideal_point(self) -> None:
        problem = BargainingProblem(np.vstack([SIMPLEX, [[2, -1, -1]]]), np.zeros(3))
        np.testing.assert_allclose(problem.ideal_point, [1, 1, 1], atol=1e-12)


# ---------------------------------------------------------------------------
# Three or more players
# ---------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------
def singapore() -> kurilsim.Scenario:
    try:
        return kurilsim.load_scenario("2018-singapore")
    except (KurilsimError, FileNotFoundError):  # pragma: no cover - data missing
        return kurilsim.Scenario(name="x")


class TestFromScenario:
    def test_problem(self) -> None:
        scenario = singapore()
        problem = BargainingProblem.from_scenario(scenario)
        assert problem.players == scenario.agent_names
        np.testing.assert_array_equal(problem.points, scenario.utilities().T)
        np.testing.assert_array_equal(
            problem.disagreement, scenario.status_quo_utilities()
        )
        assert problem.labels == tuple(
            str(scenario.space[k]) for k in range(len(scenario.space))
        )
        assert problem.disagreement_label == "status quo"

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

    def test_bad_parties(self) -> None:
        scenario = singapore()
        with pytest.raises(InvalidGameError, match=r"unknown parties \['china'\]"):
            BargainingProblem.from_scenario(scenario, ["japan", "china"])
        with pytest.raises(InvalidGameError, match="at least two parties"):
            BargainingProblem.from_scenario(scenario, ["japan"])
        with pytest.raises(InvalidGameError, match="distinct"):
            BargainingProblem.from_scenario(scenario, ["japan", "japan"])
        with pytest.raises(InvalidGameError, match="string"):
            BargainingProblem.from_scenario(scenario, "japan")  # type: ignore[arg-type]
        with pytest.raises(InvalidGameError, match="scenario must be a Scenario, got '2018-singapore'"):
            BargainingProblem.from_scenario("2018-singapore")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------
def test_solution_text() -> None:
    solution = solve_nash_bargaining(pie(0.2, 0.1))
    text = str(solution)
    assert text.startswith("Nash bargaining solution\n")
    assert "Player 1 0.55, Player 2 0.45" in text
    assert "0.55 × all to 1, 0.45 × all to 2" in text
    assert "certificate: Pareto gap 0" in text
    assert repr(solution).startswith("BargainingSolution(concept='nash'")


@pytest.mark.parametrize(
    ("points", "disagreement", "match"),
    [
        ([1.0, 2.0], [0, 0], r"2-D array .* got shape \(2,\)"),
        ([[1.0], [2.0]], [0], "at least 2 players .* got 1"),
        (np.zeros((0, 2)), [0, 0], "at least one outcome"),
        ([[1.0, np.nan]], [0, 0], "finite, got nan for outcome 0, player 1"),
        ([[1.0, 2.0]], [0, 0, 0], r"shape \(2,\), got shape \(3,\)"),
        ([[1.0, 2.0]], [0, np.inf], "disagreement must be finite"),
        ([[1.0, 2.0j]], [0, 0], "real numbers"),
        ([["a", "b"]], [0, 0], "real numbers"),
        ([[1.0, 2.0], [1.0]], [0, 0], "real numbers"),
        ([[1e308, 0.0], [-1e308, 1.0]], [0, 0], "span more than the largest float"),
    ],
)
def test_bad_problems(points: object, disagreement: object, match: str) -> None:
    with pytest.raises(InvalidGameError, match=match):
        BargainingProblem(points, disagreement)  # type: ignore[arg-type]


def test_bad_names() -> None:
    with pytest.raises(
        InvalidGameError, match="labels must be a sequence of 2 strings"
    ):
        BargainingProblem(PIE, [0, 0], labels=("only one",))
    with pytest.raises(InvalidGameError, match="labels must be a sequence of 2"):
        BargainingProblem(PIE, [0, 0], labels="ab")  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match=r"distinct; repeated: \['x'\]"):
        BargainingProblem(PIE, [0, 0], labels=("x", "x"))
    with pytest.raises(InvalidGameError, match="players must be strings"):
        BargainingProblem(PIE, [0, 0], players=(1, 2))  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="disagreement_label must be a string"):
        BargainingProblem(PIE, [0, 0], disagreement_label=None)  # type: ignore[arg-type]


def test_bad_arguments() -> None:
    problem = pie()
    with pytest.raises(
        InvalidGameError, match=r"weights must be 2 positive .* got \[1, -1\]"
    ):
        solve_nash_bargaining(problem, weights=[1, -1])
    with pytest.raises(InvalidGameError, match="weights must be 2 positive"):
        nash_bargaining(PIE, [0, 0], weights=[1, 1, 1])
    with pytest.raises(
        InvalidGameError, match=r"tol must be a finite number in \(0, 1\), got 0"
    ):
        solve_kalai_smorodinsky(problem, tol=0)
    with pytest.raises(
        InvalidGameError, match=r"problem must be a BargainingProblem, got \[\[1\.0"
    ):
        solve_egalitarian(PIE)  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="a must be positive"):
        problem.rescaled(0, -2.0)
    with pytest.raises(InvalidGameError, match="b must be a finite number, got nan"):
        problem.rescaled(0, 1.0, float("nan"))
    with pytest.raises(InvalidGameError, match=r"unknown player 'Bob'; players are"):
        problem.rescaled("Bob", 1.0)
    with pytest.raises(InvalidGameError, match=r"index in 0\.\.1, got 2"):
        problem.rescaled(2, 1.0)


def test_bad_utility_vectors_and_lotteries() -> None:
    problem = pie()
    with pytest.raises(InvalidProfileError, match=r"u = \[0.6, 0.6\] is not feasible"):
        problem.lottery_for([0.6, 0.6])
    with pytest.raises(InvalidProfileError, match="vector of 2 utilities"):
        problem.is_pareto_optimal([0.5, 0.5, 0.0])
    with pytest.raises(InvalidProfileError, match="vector of 2 utilities"):
        problem.pareto_gap([np.nan, 0.5])
    with pytest.raises(InvalidProfileError, match="probability vector of length 3"):
        problem.expected_utilities([0.5, 0.5])
    with pytest.raises(InvalidProfileError, match="probability vector"):
        problem.expected_utilities([0.5, 0.6, -0.1])
    assert not problem.is_pareto_optimal([2.0, 2.0])


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


def test_bad_baron_ferejohn() -> None:
    with pytest.raises(
        InvalidGameError, match=r"n must be an integer in \[2, 1000000\], got 1"
    ):
        baron_ferejohn_shares(1, 0.9)
    with pytest.raises(InvalidGameError, match="got True"):
        baron_ferejohn_shares(True, 0.9)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidGameError, match=r"delta must be a discount factor in \[0, 1\], got 1.2"
    ):
        baron_ferejohn_shares(3, 1.2)
    with pytest.raises(
        InvalidGameError,
        match="rule must be one of 'majority', 'unanimity', got 'plurality'",
    ):
        baron_ferejohn_shares(3, 0.9, rule="plurality")


def test_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="at least 2 players"):
        BargainingProblem([[1.0]], [0.0])
