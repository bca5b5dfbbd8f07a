"""Hypothesis properties of bargaining problems and their solutions.

The axioms tested:

* every solution is feasible (its lottery realises it), individually
  rational and, when some agreement benefits everyone, Pareto optimal;
* Nash and Kalai–Smorodinsky are equivariant under a positive affine
  rescaling of one player's utility (``u_j -> a u_j + b``, ``a > 0``); the
  egalitarian solution is only equivariant under shifts and a *common*
  rescaling of all players;
* symmetric problems (closed under permuting the players, with a symmetric
  disagreement point) have symmetric solutions;
* Kalai–Smorodinsky individual monotonicity (Kalai and Smorodinsky 1975): if
  ``S ⊆ T`` have the same disagreement point and player ``j`` has the same
  ideal utility in both, the other player gets at least as much at KS(T) as at
  KS(S);
* Rubinstein's stationary proposals ``x`` and ``y`` bracket the Nash solution
  (Binmore, Rubinstein and Wolinsky 1986), so with ``δ1 = δ2 = δ`` the first
  proposal is within ``(1 - δ)`` times each player's utility range of it and
  converges to it as ``δ -> 1``.

The strategies live here rather than in :mod:`kurilsim.testing.strategies`
(only this module uses them so far).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    BargainingSolution,
    baron_ferejohn_shares,
    nash_bargaining,
    rubinstein_share,
    solve_egalitarian,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.testing.invariants import check_bargaining_axioms
from kurilsim.testing.strategies import (
    bargaining_problems,
    symmetric_bargaining_problems,
)

TOL = 1e-9
COORDINATES = st.floats(-1, 1, allow_nan=False, allow_subnormal=False).map(
    lambda x: round(x, 3)
)


def fraction(share: float) -> settings:
    """Run ``share`` of the loaded profile's examples.

    Each example solves several linear programs (a few milliseconds each),
    so the heavier tests run a fraction of the profile's examples.
    """
    default = settings.default
    assert default is not None
    return settings(max_examples=max(5, int(default.max_examples * share)))


def check_solution(problem: BargainingProblem, solution: BargainingSolution) -> None:
    ranges = problem.utility_ranges
    np.testing.assert_allclose(
        problem.expected_utilities(solution.lottery),
        solution.utilities,
        rtol=0,
        atol=TOL * ranges.max(),
    )
    assert np.all(solution.utilities >= problem.disagreement - TOL * ranges)
    if solution.agreement_possible:
        assert problem.is_pareto_optimal(solution.utilities)
    assert solution.pareto_gap <= TOL
    assert solution.ir_gap <= TOL
    assert solution.optimality_gap <= TOL


def clear_agreement_status(problem: BargainingProblem) -> None:
    """Skip problems at the threshold where the solvers' tolerance decides."""
    gap = problem.disagreement_gap
    assume(gap > 1e-7 or gap < 1e-11)


# ---------------------------------------------------------------------------
# Feasible, rational, Pareto optimal
# ---------------------------------------------------------------------------
@fraction(0.5)
@given(bargaining_problems())
def test_two_player_solutions_are_certified(problem: BargainingProblem) -> None:
    for solution in (
        solve_nash_bargaining(problem),
        solve_kalai_smorodinsky(problem),
        solve_egalitarian(problem),
        solve_rubinstein(problem, [0.9, 0.8]),
    ):
        check_solution(problem, solution)
    nash = solve_nash_bargaining(problem)
    if not nash.agreement_possible:
        np.testing.assert_array_equal(nash.utilities, problem.disagreement)


@fraction(0.2)
@given(bargaining_problems(n_players=3, max_outcomes=5))
def test_three_player_solutions_are_certified(problem: BargainingProblem) -> None:
    for solution in (
        solve_nash_bargaining(problem, weights=[1.0, 2.0, 3.0]),
        solve_kalai_smorodinsky(problem),
        solve_egalitarian(problem),
    ):
        check_solution(problem, solution)


@fraction(0.5)
@given(st.floats(0.05, 0.95), st.floats(0, 0.45), st.floats(0, 0.45))
def test_weighted_nash_on_a_unit_pie(alpha: float, d1: float, d2: float) -> None:
    u = nash_bargaining([[1, 0], [0, 1]], [d1, d2], weights=[alpha, 1 - alpha])
    x1 = d1 + alpha * (1 - d1 - d2)
    np.testing.assert_allclose(u, [x1, 1 - x1], atol=1e-12)


# ---------------------------------------------------------------------------
# Invariance and symmetry
# ---------------------------------------------------------------------------
@fraction(0.5)
@given(
    bargaining_problems(),
    st.integers(0, 1),
    st.floats(0.1, 10),
    st.floats(-5, 5),
)
def test_nash_and_ks_are_equivariant_under_rescaling(
    problem: BargainingProblem, player: int, a: float, b: float
) -> None:
    clear_agreement_status(problem)
    scaled = problem.rescaled(player, a, b)
    transform = np.ones(2)
    transform[player] = a
    shift = np.zeros(2)
    shift[player] = b
    for solve in (solve_nash_bargaining, solve_kalai_smorodinsky):
        original = solve(problem).utilities
        moved = solve(scaled).utilities
        error = np.abs(moved - (transform * original + shift))
        assert np.all(error <= 1e-9 * scaled.utility_ranges), (solve.__name__, error)


@fraction(0.2)
@given(
    bargaining_problems(n_players=3, max_outcomes=5),
    st.floats(0.1, 10),
    st.floats(-5, 5),
)
def test_three_player_nash_is_equivariant(
    problem: BargainingProblem, a: float, b: float
) -> None:
    clear_agreement_status(problem)
    original = solve_nash_bargaining(problem).utilities
    moved = solve_nash_bargaining(problem.rescaled(2, a, b)).utilities
    expected = original * np.array([1, 1, a]) + np.array([0, 0, b])
    np.testing.assert_allclose(moved, expected, rtol=0, atol=1e-8 * (1 + a))


@fraction(0.5)
@given(
    bargaining_problems(),
    st.floats(0.1, 10),
    st.lists(st.floats(-5, 5), min_size=2, max_size=2),
)
def test_egalitarian_is_equivariant_under_shifts_and_common_scaling(
    problem: BargainingProblem, a: float, shifts: list[float]
) -> None:
    clear_agreement_status(problem)
    moved = problem.rescaled(0, a, shifts[0]).rescaled(1, a, shifts[1])
    expected = a * solve_egalitarian(problem).utilities + np.array(shifts)
    np.testing.assert_allclose(
        solve_egalitarian(moved).utilities, expected, rtol=0, atol=1e-9 * (1 + a) * 4
    )


@pytest.mark.parametrize("n_players", [2, 3])
@fraction(0.25)
@given(data=st.data())
def test_symmetric_problems_have_symmetric_solutions(
    n_players: int, data: st.DataObject
) -> None:
    problem = data.draw(symmetric_bargaining_problems(n_players))
    solutions = [solve_nash_bargaining(problem), solve_kalai_smorodinsky(problem)]
    solutions.append(solve_egalitarian(problem))
    for solution in solutions:
        u = solution.utilities
        np.testing.assert_allclose(u, np.full(n_players, u.mean()), rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------
# Monotonicity (Kalai–Smorodinsky)
# ---------------------------------------------------------------------------
@fraction(0.5)
@given(
    bargaining_problems(disagreement="below"),
    st.integers(0, 1),
    st.lists(st.tuples(COORDINATES, COORDINATES), min_size=1, max_size=3),
)
def test_kalai_smorodinsky_individual_monotonicity(
    small: BargainingProblem, j: int, extra: list[tuple[float, float]]
) -> None:
    # T = conv(S ∪ extra points), the extras no better for player j than
    # j's ideal utility on S; d is below every point, so I_j(T) = I_j(S).
    ideal = small.ideal_point
    added = np.array(extra, dtype=float)
    added[:, j] = np.minimum(added[:, j], ideal[j])
    added = np.maximum(added, small.disagreement)
    large = BargainingProblem(np.vstack([small.points, added]), small.disagreement)
    assert large.ideal_point[j] == ideal[j]
    i = 1 - j
    before = solve_kalai_smorodinsky(small).utilities[i]
    after = solve_kalai_smorodinsky(large).utilities[i]
    assert after >= before - 1e-9 * large.utility_ranges[i]


def test_kalai_smorodinsky_monotonicity_reference_example() -> None:
    S = BargainingProblem([[0, 1], [0.75, 0.75], [1, 0]], [0, 0])
    T = BargainingProblem([[0, 1], [1, 0.7], [1, 0]], [0, 0])
    assert np.all(
        solve_kalai_smorodinsky(T).utilities >= solve_kalai_smorodinsky(S).utilities
    )
    # Nash violates it: player 2 loses when the set grows towards player 1
    assert solve_nash_bargaining(T).utilities[1] < solve_nash_bargaining(S).utilities[1]


# ---------------------------------------------------------------------------
# Alternating offers
# ---------------------------------------------------------------------------
@fraction(0.4)
@given(bargaining_problems(), st.floats(0.5, 0.999))
def test_rubinstein_brackets_nash(problem: BargainingProblem, delta: float) -> None:
    clear_agreement_status(problem)
    nash = solve_nash_bargaining(problem)
    assume(nash.agreement_possible)
    errors = []
    for patience in (delta, 1 - (1 - delta) / 10, 1 - (1 - delta) / 100):
        first = solve_rubinstein(problem, [patience, patience]).utilities
        error = np.abs(first - nash.utilities)
        assert np.all(error <= (1 - patience) * problem.utility_ranges + 1e-12)
        errors.append(float(np.max(error / problem.utility_ranges)))
        # the two proposals (player 1 first / player 2 first) bracket Nash
        second = solve_rubinstein(problem, [patience, patience], proposer=1).utilities
        low, high = np.minimum(first, second), np.maximum(first, second)
        assert np.all(nash.utilities >= low - 1e-12)
        assert np.all(nash.utilities <= high + 1e-12)
    assert errors[0] >= errors[1] - 1e-12 >= errors[2] - 2e-12


@fraction(0.5)
@given(st.floats(0, 0.99), st.floats(0, 0.99))
def test_rubinstein_unit_pie(delta1: float, delta2: float) -> None:
    solution = solve_rubinstein(
        BargainingProblem([[1, 0], [0, 1]], [0, 0]), [delta1, delta2]
    )
    share = rubinstein_share(delta1, delta2)
    np.testing.assert_allclose(solution.utilities, [share, 1 - share], atol=1e-12)


@given(st.integers(2, 30), st.floats(0, 1), st.sampled_from(["majority", "unanimity"]))
def test_baron_ferejohn_shares_divide_the_pie(n: int, delta: float, rule: str) -> None:
    shares = baron_ferejohn_shares(n, delta, rule=rule)
    assert shares.shape == (n,)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(shares >= 0)
    assert shares[0] >= shares.max() - 1e-15  # the proposer does best
    # each partner is paid exactly the continuation value delta / n
    partners = shares[1:][shares[1:] > 0]
    np.testing.assert_allclose(partners, delta / n)


# ---------------------------------------------------------------------------
# Pareto frontier against the definition
# ---------------------------------------------------------------------------
def is_extreme(points: np.ndarray, j: int) -> bool:
    others = np.delete(points, j, axis=0)
    others = others[np.any(np.abs(others - points[j]) > 1e-12, axis=1)]
    if len(others) == 0:
        return True
    k = len(others)
    result = linprog(
        np.zeros(k),
        A_eq=np.vstack([others.T, np.ones((1, k))]),
        b_eq=np.concatenate([points[j], [1.0]]),
        method="highs",
    )
    return result.status == 2


@fraction(0.25)
@given(st.sampled_from([2, 3]).flatmap(lambda n: bargaining_problems(n_players=n)))
def test_pareto_frontier_matches_definition(problem: BargainingProblem) -> None:
    every = np.vstack([problem.points, problem.disagreement])
    expected = [
        k
        for k in range(problem.n_outcomes)
        if problem.is_pareto_optimal(problem.points[k]) and is_extreme(every, k)
    ]
    np.testing.assert_array_equal(problem.pareto_frontier(), expected)


@fraction(0.3)
@given(bargaining_problems(disagreement="below"))
def test_nash_and_ks_satisfy_the_bargaining_axioms(problem: BargainingProblem) -> None:
    clear_agreement_status(problem)
    check_bargaining_axioms(solve_nash_bargaining, problem)
    check_bargaining_axioms(solve_kalai_smorodinsky, problem)
