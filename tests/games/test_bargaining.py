"""BargainingProblem: the feasible set, its geometry, scaled units, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidArgumentError, InvalidGameError, InvalidProfileError
from kurilsim.games.bargaining import BargainingProblem
from tests.bad_arguments import (
    INF,
    NAN,
    PIE2,
    SCENARIO,
    Case,
    call,
    check_named,
    params,
)
from tests.solvers.bargaining.cases import EXACT, PIE, SIMPLEX, T_POINTS, pie, singapore


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
            scenario.agreement_label(k) for k in range(len(scenario.space))
        )
        assert problem.disagreement_label == "status quo"

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
# Scaled units and the frontier polyline (what the solvers build on)
# ---------------------------------------------------------------------------
class TestScaledGeometry:
    def problem(self) -> BargainingProblem:
        return BargainingProblem([[4.0, 0.0], [0.0, 1.0], [4.0, 0.0]], [2.0, 0.5])

    def test_lottery_points(self) -> None:
        problem = self.problem()
        np.testing.assert_array_equal(
            problem.lottery_points, [[4, 0], [0, 1], [4, 0], [2, 0.5]]
        )
        lottery = np.array([0.25, 0.25, 0.25, 0.25])
        np.testing.assert_allclose(
            lottery @ problem.lottery_points, problem.expected_utilities(lottery)
        )
        assert not problem.lottery_points.flags.writeable

    def test_scaled_lottery_points_span_the_unit_interval(self) -> None:
        problem = self.problem()
        scaled = problem.scaled_lottery_points
        np.testing.assert_array_equal(scaled.min(axis=0), [0, 0])
        np.testing.assert_array_equal(scaled.max(axis=0), [1, 1])
        np.testing.assert_allclose(scaled[-1], [0.5, 0.5])
        assert not scaled.flags.writeable
        assert problem.scaled_lottery_points is scaled  # computed once

    def test_to_and_from_scaled_are_inverse(self) -> None:
        problem = self.problem()
        for u in ([3.0, 0.25], [2.0, 0.5], [-1.0, 7.0]):
            z = problem.to_scaled(u)
            np.testing.assert_allclose(problem.from_scaled(z), u, atol=EXACT)
        np.testing.assert_allclose(
            [problem.to_scaled(row) for row in problem.lottery_points],
            problem.scaled_lottery_points,
        )
        with pytest.raises(InvalidProfileError, match="u must be a finite vector"):
            problem.to_scaled([np.inf, 0.0])
        with pytest.raises(InvalidProfileError, match="z must be a finite vector"):
            problem.from_scaled([0.5])

    def test_a_constant_player_is_shifted_to_zero(self) -> None:
        problem = BargainingProblem([[1.0, 3.0], [0.0, 3.0]], [0.5, 3.0])
        np.testing.assert_array_equal(problem.utility_ranges, [1.0, 1.0])
        np.testing.assert_array_equal(problem.scaled_lottery_points[:, 1], 0.0)

    def test_distinct_scaled_points(self) -> None:
        problem = self.problem()  # outcomes 0 and 2 coincide
        points, rows = problem.distinct_scaled_points()
        np.testing.assert_allclose(points, [[0, 1], [0.5, 0.5], [1, 0]])
        np.testing.assert_array_equal(rows, [1, 3, 0])
        np.testing.assert_allclose(problem.scaled_lottery_points[rows], points)
        # an outcome at d is listed instead of d
        at_d = BargainingProblem([[1.0, 0.0], [0.0, 0.0]], [0.0, 0.0])
        _, rows = at_d.distinct_scaled_points()
        assert rows.tolist() == [1, 0]

    def test_scaled_hull(self) -> None:
        hull = BargainingProblem(SIMPLEX, np.zeros(3)).scaled_hull()
        assert hull is not None
        assert hull.volume == pytest.approx(1 / 6)
        assert len(hull.vertices) == 4
        # collinear points are not full-dimensional
        assert BargainingProblem(PIE, [0.5, 0.5]).scaled_hull() is None

    def test_nearest_scaled_lottery(self) -> None:
        problem = pie()
        lottery, distance = problem.nearest_scaled_lottery([0.25, 0.5])
        np.testing.assert_allclose(lottery, [0.25, 0.5, 0.25], atol=EXACT)
        assert distance <= EXACT
        _, distance = problem.nearest_scaled_lottery([0.6, 0.6])
        assert distance == pytest.approx(0.2)
        with pytest.raises(InvalidProfileError, match="z must be a finite vector of 2"):
            problem.nearest_scaled_lottery([0.5, 0.5, 0.5])

    def test_pareto_polyline_outcomes(self) -> None:
        problem = BargainingProblem(T_POINTS, [0, 0])
        np.testing.assert_array_equal(problem.pareto_polyline_outcomes(), [0, 1])
        np.testing.assert_array_equal(
            problem.lottery_points[problem.pareto_polyline_outcomes()],
            problem.pareto_polyline(),
        )
        # the disagreement point as a vertex: row m
        with_d = BargainingProblem([[0.0, 1.0], [-1.0, -1.0]], [0.5, 0.0])
        np.testing.assert_array_equal(with_d.pareto_polyline_outcomes(), [0, 2])

    def test_individually_rational_polyline(self) -> None:
        np.testing.assert_allclose(
            pie(0.2, 0.1).individually_rational_polyline(), [[0.2, 0.8], [0.9, 0.1]]
        )
        np.testing.assert_array_equal(
            pie().individually_rational_polyline(), [[0, 1], [1, 0]]
        )
        # d is feasible, so the polyline is never empty: here it is d alone
        nothing = BargainingProblem([[-1.0, -1.0]], [0.0, 0.0])
        np.testing.assert_array_equal(
            nothing.individually_rational_polyline(), [[0.0, 0.0]]
        )

    @pytest.mark.parametrize(
        "method", ["pareto_polyline_outcomes", "individually_rational_polyline"]
    )
    def test_polylines_need_two_players(self, method: str) -> None:
        with pytest.raises(InvalidGameError, match=f"{method} needs a two-player"):
            getattr(BargainingProblem(SIMPLEX, np.zeros(3)), method)()

    def test_player_index_names_the_argument(self) -> None:
        problem = pie()
        assert problem.player_index("Player 2") == 1
        assert problem.player_index(0) == 0
        with pytest.raises(InvalidGameError, match=r"^proposer must be a player"):
            problem.player_index(5, name="proposer")
        with pytest.raises(InvalidGameError, match=r"^proposer: unknown player 'x'"):
            problem.player_index("x", name="proposer")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
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


def test_bad_rescaling() -> None:
    problem = pie()
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


def test_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="at least 2 players"):
        BargainingProblem([[1.0]], [0.0])


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("BargainingProblem-points-ragged", call(BargainingProblem, [[1, 0], [1]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers, got \[\[1, 0\], \[1\]\]"),
    ("is_pareto_optimal-tol-str", call(PIE2.is_pareto_optimal, [0.5, 0.5], tol="x"),
     InvalidArgumentError, r"tol must be a finite number in \[0, 1\), got 'x' \(str\)"),
    ("is_pareto_optimal-tol-nan", call(PIE2.is_pareto_optimal, [0.5, 0.5], tol=NAN),
     InvalidArgumentError, r"tol must be .* got nan"),
    ("is_pareto_optimal-tol-negative", call(PIE2.is_pareto_optimal, [0.5, 0.5], tol=-1),
     InvalidArgumentError, r"tol must be .* got -1 \(int\)"),
    ("lottery_for-tol-none", call(PIE2.lottery_for, [0.5, 0.5], tol=None),
     InvalidArgumentError, r"tol must be .* got None"),
    ("lottery_for-tol-inf", call(PIE2.lottery_for, [0.5, 0.5], tol=INF),
     InvalidArgumentError, r"tol must be .* got inf"),
    ("from_scenario-parties-int", call(BargainingProblem.from_scenario, SCENARIO, 3),
     InvalidGameError, r"parties must be a sequence of strings, got 3 \(int\)"),
    ("from_scenario-parties-2d",
     call(BargainingProblem.from_scenario, SCENARIO, np.zeros((2, 2))),
     InvalidGameError, r"parties must be a sequence of strings, got array"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    assert PIE2.is_pareto_optimal([0.5, 0.5], tol=0)
