"""Stationary Markov perfect equilibria of bargaining with states.

Known results (Rubinstein's split, Baron-Ferejohn under unanimity, random
proposers on a pie), limits (the Nash bargaining solution as players grow
patient), the finite-time theorem over random chains, the reports recomputed
from the induced chain, the certificate on random games, and bad arguments.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    PrecisionError,
    SolverError,
)
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    rubinstein_share,
    solve_baron_ferejohn,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.solvers.markov import (
    MarkovBargainingResult,
    StochasticBargainingGame,
    agreement_zones,
    alternating_offers,
    markov_deviation_gain,
    no_agreement_values,
    solve_markov_bargaining,
)
from kurilsim.testing.strategies import bargaining_problems
from tests.bad_arguments import INF, NAN, Case, call, check_named, params

EXACT = 1e-9


def one_state(
    points: np.ndarray,
    flows: np.ndarray,
    deltas: tuple[float, float],
    recognition: tuple[float, float] = (1.0, 0.0),
) -> StochasticBargainingGame:
    """A one-state game over the points (rows: agreements) of a problem."""
    return StochasticBargainingGame(
        utilities=np.asarray(points, dtype=float).T[:, None, :],
        flows=np.asarray(flows, dtype=float)[:, None],
        transitions=[[1.0]],
        recognition=[list(recognition)],
        discounts=list(deltas),
    )


PIE = np.array([[1.0, 0.0], [0.0, 1.0]])


def random_game(
    seed: int,
    n_states: int,
    n_agreements: int,
    *,
    phases: bool = False,
    sparse: float = 0.5,
) -> StochasticBargainingGame:
    """A random two-player game; with ``phases`` a two-stage one (the first
    half of the states may move to their twin in the second half, which
    follows its own copy of the chain and offers final agreements only)."""
    rng = np.random.default_rng(seed)
    base = n_states
    if phases:
        n_states = 2 * base
    utilities = rng.uniform(-1, 1, (2, n_states, n_agreements))
    flows = rng.uniform(-1, 0.5, (2, n_states))
    chain = rng.uniform(0, 1, (base, base)) * (rng.uniform(size=(base, base)) > sparse)
    chain[np.arange(base), rng.integers(0, base, base)] += 0.2
    chain /= chain.sum(axis=1, keepdims=True)
    transitions = np.kron(np.eye(2), chain) if phases else chain
    recognition = rng.dirichlet(np.ones(2), n_states)
    recognition[rng.uniform(size=n_states) < 0.3] = [1.0, 0.0]
    available = rng.uniform(size=(n_states, n_agreements)) < 0.85
    stage = None
    if phases:
        stage = np.full((n_states, n_agreements), -1)
        first = rng.uniform(size=(base, n_agreements)) < 0.3
        stage[:base][first] = np.repeat(
            np.arange(base, n_states), n_agreements
        ).reshape(base, n_agreements)[first]
    return StochasticBargainingGame(
        utilities=utilities,
        flows=flows,
        transitions=transitions,
        recognition=recognition,
        discounts=rng.uniform(0.5, 0.99, 2),
        available=available,
        phases=stage,
    )


def closure(edges: np.ndarray) -> np.ndarray:
    """Reflexive transitive closure of a boolean adjacency matrix."""
    n = len(edges)
    reach = edges | np.eye(n, dtype=bool)
    for _ in range(n):
        reach = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
    return reach


def closed_classes_reached(
    transitions: np.ndarray, zones: np.ndarray, start: int, via: np.ndarray
) -> list[bool]:
    """For each closed class of ``transitions`` that ``start`` reaches along
    the edges ``via``: whether it has a zone state."""
    reach = closure(transitions > 0)
    along = closure(via)
    found = []
    for s in np.flatnonzero(along[start]):
        if np.all(reach[np.flatnonzero(reach[s]), s]):  # s is recurrent
            members = reach[s] & reach[:, s]
            found.append(bool(zones[members].any()))
    return found


# ---------------------------------------------------------------------------
# Known results
# ---------------------------------------------------------------------------
class TestRubinstein:
    @pytest.mark.parametrize(
        ("d1", "d2", "share"),
        [(0.9, 0.9, 0.5263157894736842), (0.9, 0.8, 0.7142857142857143)],
    )
    def test_reference_shares_with_lotteries(
        self, d1: float, d2: float, share: float
    ) -> None:
        result = solve_markov_bargaining(
            alternating_offers(one_state(PIE, [0, 0], (d1, d2)))
        )
        np.testing.assert_allclose(result.values[:, 0], [share, 1 - share], atol=EXACT)
        assert share == pytest.approx(rubinstein_share(d1, d2), abs=1e-12)
        # the first offer is accepted at once, the responder exactly indifferent
        assert result.acceptance[0, 0] == 1.0
        assert result.expected_time(start=0) == 0.0
        assert result.values[1, 0] == pytest.approx(
            result.delay_values[1, 0], abs=EXACT
        )

    def test_a_fine_grid_of_splits_gives_the_same_share(self) -> None:
        shares = np.linspace(0, 1, 101)
        grid = np.column_stack([shares, 1 - shares])
        result = solve_markov_bargaining(
            alternating_offers(one_state(grid, [0, 0], (0.9, 0.8)))
        )
        assert result.values[0, 0] == pytest.approx(
            rubinstein_share(0.9, 0.8), abs=EXACT
        )
        used = np.flatnonzero(result.offers[0, 0])
        np.testing.assert_array_equal(used, [71, 72])  # adjacent grid points

    @given(
        bargaining_problems(max_outcomes=6),
        st.floats(0.05, 0.99),
        st.floats(0.05, 0.99),
    )
    def test_equals_the_rubinstein_solver(
        self, problem: BargainingProblem, d1: float, d2: float
    ) -> None:
        game = alternating_offers(
            one_state(problem.points, problem.disagreement, (d1, d2))
        )
        result = solve_markov_bargaining(game)
        ranges = problem.utility_ranges
        assert result.certificate <= result.tol
        if problem.disagreement_gap <= 1e-6:
            # no point improves on d for both: the Rubinstein solver returns d,
            # while here a point that helps one and costs the other nothing is
            # also an equilibrium (the proposer proposes when indifferent)
            assert np.all(problem.disagreement - 1e-9 * ranges <= result.values.T)
            return
        for first in (0, 1):
            expected = solve_rubinstein(problem, [d1, d2], proposer=first).utilities
            np.testing.assert_array_less(
                np.abs(result.values[:, first] - expected) / ranges, 1e-7
            )
        assert result.certificate <= result.tol


class TestOtherKnownResults:
    @pytest.mark.parametrize("delta", [0.3, 0.9, 0.999])
    @pytest.mark.parametrize("p", [0.2, 0.5, 0.85])
    def test_random_proposers_on_a_pie_get_their_recognition(
        self, p: float, delta: float
    ) -> None:
        # V1 = p (1 - delta V2) + (1 - p) delta V1 with V1 + V2 = 1 gives V1 = p
        result = solve_markov_bargaining(
            one_state(PIE, [0, 0], (delta, delta), (p, 1 - p))
        )
        np.testing.assert_allclose(result.values[:, 0], [p, 1 - p], atol=EXACT)

    def test_three_players_under_unanimity_reproduce_baron_ferejohn(self) -> None:
        game = StochasticBargainingGame(
            utilities=np.eye(3)[:, None, :],
            flows=np.zeros((3, 1)),
            transitions=[[1.0]],
            recognition=[[1 / 3] * 3],
            discounts=[0.9] * 3,
        )
        result = solve_markov_bargaining(game)
        # 1 - delta (n - 1) / n for the proposer, delta / n for the others
        np.testing.assert_allclose(
            result.offers[0],
            [[0.4, 0.3, 0.3], [0.3, 0.4, 0.3], [0.3, 0.3, 0.4]],
            atol=1e-8,
        )
        np.testing.assert_allclose(result.values[:, 0], [1 / 3] * 3, atol=1e-8)

    def test_three_players_match_the_baron_ferejohn_solver(self) -> None:
        rng = np.random.default_rng(3)
        points = rng.uniform(0, 1, (5, 3))
        d = points.min(axis=0) - 0.1
        problem = BargainingProblem(points, d)
        game = StochasticBargainingGame(
            utilities=points.T[:, None, :],
            flows=d[:, None],
            transitions=[[1.0]],
            recognition=[[1 / 3] * 3],
            discounts=[0.8] * 3,
        )
        result = solve_markov_bargaining(game)
        expected = solve_baron_ferejohn(problem, 0.8, "unanimity")
        np.testing.assert_allclose(
            result.values[:, 0],
            expected.utilities,
            atol=1e-7 * problem.utility_ranges.max(),
        )


class TestNashLimit:
    """Binmore, Rubinstein and Wolinsky (1986); with random proposers the
    weights are the recognition probabilities (Britz, Herings and
    Predtetchinski 2008).  The error is O(1 - delta); the stated tolerance is
    2e-3 of each player's utility range at delta = 0.9999 (the largest seen
    over 400 random problems was 8.6e-4)."""

    @given(bargaining_problems(max_outcomes=6), st.floats(0.1, 0.9))
    def test_random_recognition_tends_to_the_weighted_nash_solution(
        self, problem: BargainingProblem, p: float
    ) -> None:
        if problem.disagreement_gap <= 1e-6:
            return
        nash = solve_nash_bargaining(problem, [p, 1 - p]).utilities
        errors = []
        for delta in (0.99, 0.9999):
            game = one_state(
                problem.points, problem.disagreement, (delta, delta), (p, 1 - p)
            )
            values = solve_markov_bargaining(game).values[:, 0]
            errors.append(float(np.max(np.abs(values - nash) / problem.utility_ranges)))
        assert errors[1] <= 2e-3
        assert errors[1] <= max(errors[0], 1e-6)

    def test_alternating_offers_tend_to_the_symmetric_solution(self) -> None:
        points = [[0.0, 1.0], [0.6, 0.9], [0.9, 0.5], [1.0, 0.0]]
        problem = BargainingProblem(points, [0.05, 0.0])
        nash = solve_nash_bargaining(problem).utilities
        errors = [
            np.max(
                np.abs(
                    solve_markov_bargaining(
                        alternating_offers(
                            one_state(points, [0.05, 0.0], (delta, delta))
                        )
                    ).values[:, 0]
                    - nash
                )
            )
            for delta in (0.9, 0.99, 0.999, 0.9999)
        ]
        assert all(a >= b - 1e-9 for a, b in itertools.pairwise(errors))
        assert errors[-1] <= 1e-4


# ---------------------------------------------------------------------------
# Time to agreement
# ---------------------------------------------------------------------------
class TestTimeToAgreement:
    @given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**32 - 1))
    def test_finite_time_and_closed_classes_with_zones(
        self, n_states: int, n_agreements: int, seed: int
    ) -> None:
        game = random_game(seed, n_states, n_agreements, sparse=0.6)
        result = solve_markov_bargaining(game)
        zones = agreement_zones(game)
        P = np.asarray(game.transitions)
        rates = result.agreement_rates.sum(axis=1)
        # no agreement outside zone states
        assert not np.any(rates[~zones] > 0)
        for start in range(n_states):
            finite = np.isfinite(result.expected_time(start=start))
            # every closed class reachable has a zone state: finite
            if all(closed_classes_reached(P, zones, start, P > 0)):
                assert finite
            # a closed class without one, reached with positive probability: not
            played = ((1 - rates)[:, None] * P) > 0
            if not all(closed_classes_reached(P, zones, start, played)):
                assert not finite

    @given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**32 - 1))
    def test_irreducible_chain_finite_iff_some_state_has_a_zone(
        self, n_states: int, n_agreements: int, seed: int
    ) -> None:
        game = random_game(seed, n_states, n_agreements, sparse=0.0)
        assert np.all(np.asarray(game.transitions) > 0)
        result = solve_markov_bargaining(game)
        some = agreement_zones(game).any()
        for start in range(n_states):
            assert np.isfinite(result.expected_time(start=start)) == some

    @given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
    def test_reports_agree_with_the_chain_recomputed(
        self, n_states: int, n_agreements: int, seed: int
    ) -> None:
        game = random_game(seed, n_states, n_agreements)
        result = solve_markov_bargaining(game)
        rates = np.einsum(
            "sk,sk,ska->sa", game.recognition, result.acceptance, result.offers
        )
        np.testing.assert_allclose(rates, result.agreement_rates, atol=1e-15)
        stay = (1 - rates.sum(axis=1))[:, None] * game.transitions  # no phases
        periods = np.arange(0, 60)
        for start in range(n_states):
            probability = result.agreement_probability(periods, start=start)
            assert probability[0] == 0.0
            assert np.all(np.diff(probability) >= -1e-15)  # nondecreasing in T
            row = np.eye(n_states)[start]
            survival = [1.0]
            for _ in periods[1:]:
                row = row @ stay
                survival.append(row.sum())
            np.testing.assert_allclose(probability, 1 - np.array(survival), atol=1e-12)
            distribution = result.outcome_distribution(start=start)
            assert distribution.sum() == pytest.approx(1.0, abs=1e-12)
            assert np.all(distribution >= 0)
            assert probability[-1] <= 1 - distribution[-1] + 1e-12
            if np.isfinite(result.expected_time(start=start)):
                assert distribution[-1] == 0.0
                # the tail after T periods is at most rho^T (rho: spectral radius)
                rho = max(abs(np.linalg.eigvals(stay)))
                if rho < 0.9:
                    assert result.agreement_probability(
                        400, start=start
                    ) == pytest.approx(1.0, abs=1e-12)

    def test_expected_time_and_distribution_of_a_small_chain(self) -> None:
        # state 0 has no agreement and moves to the absorbing state 1 at 1/2 a year
        game = StochasticBargainingGame(
            utilities=[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]],
            flows=[[0.0, 0.0], [0.0, 0.0]],
            transitions=[[0.5, 0.5], [0.0, 1.0]],
            recognition=[[0.5, 0.5], [0.5, 0.5]],
            discounts=[0.9, 0.9],
            available=[[False, False], [True, True]],
        )
        result = solve_markov_bargaining(game)
        # geometric: sum_t t (1/2)^(t+1) = 1 period of delay on average ... plus
        # the period spent in state 0 itself
        assert result.expected_time(start=0) == pytest.approx(2.0, abs=1e-12)
        assert result.expected_time(start=1) == 0.0
        np.testing.assert_allclose(
            result.outcome_distribution(start=0), result.outcome_distribution(start=1)
        )
        assert result.outcome_distribution(start=0)[:2].sum() == pytest.approx(1.0)

    def test_no_zone_anywhere_means_no_agreement(self) -> None:
        # every split is worse for player 1 than its status quo flow
        game = one_state([[0.1, 0.9], [0.2, 0.8]], [0.5, 0.0], (0.9, 0.9), (0.5, 0.5))
        assert not agreement_zones(game).any()
        result = solve_markov_bargaining(game)
        assert np.isinf(result.expected_time())
        assert result.outcome_distribution()[-1] == 1.0
        assert result.agreement_probability(100) == 0.0
        np.testing.assert_allclose(result.values, no_agreement_values(game), atol=EXACT)

    def test_patience_can_delay_agreement(self) -> None:
        """More patience is not "never slower": a patient player waits for a
        better regime (Merlo and Wilson 1995 on delay).  State 0 offers
        (0.3, 0.3); state 1, reached with probability 1/2 a year and
        absorbing, offers (1, 0.3)."""
        times = {}
        for delta in (0.4, 0.9):
            game = StochasticBargainingGame(
                utilities=[[[0.3], [1.0]], [[0.3], [0.3]]],
                flows=np.zeros((2, 2)),
                transitions=[[0.5, 0.5], [0.0, 1.0]],
                recognition=[[0.5, 0.5], [0.5, 0.5]],
                discounts=[delta, 0.5],
            )
            times[delta] = solve_markov_bargaining(game).expected_time(start=0)
        # impatient: agree at once; patient (waiting is worth 0.45 / 0.55 > 0.3):
        # wait in state 0, two periods on average
        assert times[0.4] == 0.0
        assert times[0.9] == pytest.approx(2.0)


# ---------------------------------------------------------------------------
# The certificate and the equilibrium's properties
# ---------------------------------------------------------------------------
class TestCertificate:
    @given(
        st.integers(1, 4),
        st.integers(1, 5),
        st.integers(0, 2**32 - 1),
        st.booleans(),
    )
    def test_random_games_are_certified_and_values_exceed_no_agreement(
        self, n_states: int, n_agreements: int, seed: int, phases: bool
    ) -> None:
        game = random_game(seed, n_states, n_agreements, phases=phases)
        result = solve_markov_bargaining(game)
        assert result.success
        assert 0.0 <= result.certificate <= result.tol
        # independent re-computation through the public checker
        gain = markov_deviation_gain(game, result.offers, result.acceptance)
        assert gain == pytest.approx(result.certificate, abs=1e-12)
        # every player can guarantee its no-agreement value
        ranges = game.utility_ranges[:, None]
        assert np.all(result.values >= no_agreement_values(game) - 1e-8 * ranges)
        # offers are lotteries over available agreements, or none
        made = result.acceptance > 0
        np.testing.assert_allclose(result.offers.sum(axis=-1)[made], 1.0, atol=1e-12)
        assert not np.any(result.offers[~made])
        assert not np.any(result.offers * ~np.asarray(game.available)[:, None, :])

    @given(st.integers(1, 3), st.integers(1, 4), st.integers(0, 2**32 - 1))
    def test_equivariant_under_rescaling_a_player(
        self, n_states: int, n_agreements: int, seed: int
    ) -> None:
        game = random_game(seed, n_states, n_agreements)
        rng = np.random.default_rng(seed)
        scale, shift = 10.0 ** rng.uniform(-3, 3), rng.uniform(-5, 5)
        rescaled = StochasticBargainingGame(
            utilities=np.stack([game.utilities[0], scale * game.utilities[1] + shift]),
            flows=np.stack([game.flows[0], scale * game.flows[1] + shift]),
            transitions=game.transitions,
            recognition=game.recognition,
            discounts=game.discounts,
            available=game.available,
        )
        first, second = solve_markov_bargaining(game), solve_markov_bargaining(rescaled)
        np.testing.assert_allclose(second.values[0], first.values[0], atol=1e-8)
        np.testing.assert_allclose(
            second.values[1], scale * first.values[1] + shift, atol=1e-8 * scale
        )
        np.testing.assert_allclose(second.acceptance, first.acceptance, atol=1e-6)

    def test_an_offer_above_the_threshold_is_not_an_equilibrium(self) -> None:
        game = one_state(PIE, [0, 0], (0.9, 0.9), (0.5, 0.5))
        result = solve_markov_bargaining(game)
        generous = result.offers.copy()
        # player 1 offers (0.5, 0.5): then V = (0.475, 0.525), D = 0.9 V and
        # player 1 could offer player 2 just 0.4725 and keep 0.5275
        generous[0, 0] = [0.5, 0.5]
        assert markov_deviation_gain(
            game, generous, result.acceptance
        ) == pytest.approx(0.0275, abs=1e-9)
        rejected = result.acceptance.copy()
        rejected[0, 1] = 0.0  # player 2 not proposing: it loses its proposer rent
        assert markov_deviation_gain(game, result.offers, rejected) > 0.01

    def test_mixing_without_indifference_is_not_an_equilibrium(self) -> None:
        game = one_state(PIE, [0, 0], (0.9, 0.9), (0.5, 0.5))
        result = solve_markov_bargaining(game)
        mixed = result.acceptance.copy()
        mixed[0, 0] = 0.5  # half of player 1's offers fail although player 2 gains
        assert markov_deviation_gain(game, result.offers, mixed) > 0.01

    def test_a_large_chain_is_solved_by_value_iteration_alone(self) -> None:
        base = random_game(5, 600, 3, sparse=0.99)  # 1200 unknowns: no Newton steps
        game = StochasticBargainingGame(
            utilities=base.utilities,
            flows=base.flows,
            transitions=base.transitions,
            recognition=base.recognition,
            discounts=[0.8, 0.7],
            available=base.available,
        )
        result = solve_markov_bargaining(game)
        assert result.method == "value-iteration"
        assert result.certificate <= result.tol


class TestPhases:
    def test_a_phase_moves_to_its_target_with_the_first_stage_as_flow(self) -> None:
        # state 0: a final split (0.5, 0.5) or a first stage to state 1, where the
        # flow is (0.4, 0.4) and a final (0.9, 0.6) is on the table
        game = StochasticBargainingGame(
            utilities=[[[0.5, 0.0], [0.9, 0.9]], [[0.5, 0.0], [0.6, 0.6]]],
            flows=[[0.0, 0.4], [0.0, 0.4]],
            transitions=[[1.0, 0.0], [0.0, 1.0]],
            recognition=[[0.5, 0.5], [0.5, 0.5]],
            discounts=[0.9, 0.9],
            available=[[True, True], [False, True]],
            phases=[[-1, 1], [-1, -1]],
        )
        result = solve_markov_bargaining(game)
        assert result.certificate <= result.tol
        # in state 1 the final agreement is concluded at once: V(1) = (0.9, 0.6)
        np.testing.assert_allclose(result.values[:, 1], [0.9, 0.6], atol=EXACT)
        # the phase is worth D(1) = 0.1 * 0.4 + 0.9 * V(1) = (0.85, 0.58) > (0.5, 0.5)
        assert result.agreement_rates[0, 1] == pytest.approx(1.0)
        assert result.outcome_distribution(start=0)[1] == pytest.approx(1.0)
        assert result.outcome_distribution(start=0, until="any")[1] == pytest.approx(
            1.0
        )
        assert result.expected_time(start=0) == pytest.approx(1.0)
        assert result.expected_time(start=0, until="any") == 0.0

    def test_phases_cannot_lead_back_to_phases(self) -> None:
        with pytest.raises(InvalidGameError, match="first stage cannot be undone"):
            StochasticBargainingGame(
                utilities=np.zeros((2, 2, 1)),
                flows=np.zeros((2, 2)),
                transitions=[[0.5, 0.5], [0.5, 0.5]],
                recognition=[[1.0, 0.0], [1.0, 0.0]],
                discounts=[0.9, 0.9],
                phases=[[1], [-1]],
            )


class TestAlternatingOffers:
    def test_expansion(self) -> None:
        game = StochasticBargainingGame(
            utilities=np.zeros((2, 2, 1)),
            flows=np.zeros((2, 2)),
            transitions=[[0.7, 0.3], [0.0, 1.0]],
            recognition=[[0.5, 0.5], [0.5, 0.5]],
            discounts=[0.9, 0.8],
            phases=[[1], [-1]],
        )
        turns = alternating_offers(game)
        assert turns.n_states == 4
        np.testing.assert_array_equal(
            turns.recognition, [[1, 0], [0, 1], [1, 0], [0, 1]]
        )
        # (s, k) -> (t, k + 1) with P[s, t]
        expected = np.array(
            [[0, 0.7, 0, 0.3], [0.7, 0, 0.3, 0], [0, 0, 0, 1.0], [0, 0, 1.0, 0]]
        )
        np.testing.assert_allclose(turns.transitions, expected)
        np.testing.assert_array_equal(np.asarray(turns.phases)[:, 0], [2, 3, -1, -1])
        assert turns.states[1] == "state 0 (Player 2 proposes)"


# ---------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------
def _game(**changes: object) -> StochasticBargainingGame:
    fields: dict[str, object] = {
        "utilities": [[[1.0, 0.0]], [[0.0, 1.0]]],
        "flows": [[0.0], [0.0]],
        "transitions": [[1.0]],
        "recognition": [[0.5, 0.5]],
        "discounts": [0.9, 0.9],
    }
    fields.update(changes)
    return StochasticBargainingGame(**fields)  # type: ignore[arg-type]


GAME = _game()
SOLVED = solve_markov_bargaining(GAME)

BAD_ARGUMENTS: list[Case] = [
    (
        "utilities-2d",
        call(_game, utilities=[[1.0, 0.0], [0.0, 1.0]]),
        InvalidGameError,
        "3-D",
    ),
    (
        "utilities-nan",
        call(_game, utilities=[[[NAN, 0.0]], [[0.0, 1.0]]]),
        InvalidGameError,
        "utilities must hold finite",
    ),
    (
        "one-player",
        call(
            _game,
            utilities=[[[1.0]]],
            flows=[[0.0]],
            recognition=[[1.0]],
            discounts=[0.9],
        ),
        InvalidGameError,
        "2 to 64 players",
    ),
    (
        "flows-shape",
        call(_game, flows=[0.0, 0.0]),
        InvalidGameError,
        r"flows must have shape",
    ),
    (
        "not-stochastic",
        call(_game, transitions=[[0.9]]),
        InvalidGameError,
        r"row-stochastic\), got row 0 summing to 0.9",
    ),
    (
        "negative-transition",
        call(
            _game,
            utilities=np.zeros((2, 2, 1)),
            flows=np.zeros((2, 2)),
            transitions=[[1.5, -0.5], [0, 1]],
            recognition=[[1, 0], [1, 0]],
        ),
        InvalidGameError,
        "non-negative, got -0.5",
    ),
    (
        "recognition-sum",
        call(_game, recognition=[[0.5, 0.6]]),
        InvalidGameError,
        "recognition must sum to 1|each row of recognition",
    ),
    (
        "discount-one",
        call(_game, discounts=[1.0, 0.9]),
        InvalidGameError,
        r"discounts must lie in \(0, 1\).*1\.0",
    ),
    (
        "discount-zero",
        call(_game, discounts=[0.9, 0.0]),
        InvalidGameError,
        r"discounts must lie in \(0, 1\)",
    ),
    (
        "discount-bool",
        call(_game, discounts=[True, 0.9]),
        InvalidGameError,
        r"discounts must lie in \(0, 1\).*got 1\.0 for player 0, state 0",
    ),
    (
        "discount-per-state",
        call(
            _game,
            utilities=np.zeros((2, 2, 1)),
            flows=np.zeros((2, 2)),
            transitions=np.eye(2),
            recognition=[[1, 0], [1, 0]],
            discounts=[[0.9, 0.9], [0.9, -0.5]],
        ),
        InvalidGameError,
        r"got -0\.5 for player 1, state 1",
    ),
    (
        "discount-nan",
        call(_game, discounts=[NAN, 0.9]),
        InvalidGameError,
        "discounts must hold finite",
    ),
    (
        "discount-shape",
        call(_game, discounts=[0.9, 0.9, 0.9]),
        InvalidGameError,
        r"discounts must have shape \(2,\)",
    ),
    (
        "available-int",
        call(_game, available=[[1, 0]]),
        InvalidGameError,
        "available must be an array of booleans",
    ),
    (
        "available-shape",
        call(_game, available=[[True]]),
        InvalidGameError,
        r"available must have shape",
    ),
    (
        "phases-float",
        call(_game, phases=[[0.5, -1.0]]),
        InvalidGameError,
        "phases must be an array of integers",
    ),
    (
        "phases-target",
        call(_game, phases=[[3, -1]]),
        InvalidGameError,
        r"phases must be -1 \(final\) or a state in \[0, 0\], got 3",
    ),
    (
        "players-repeated",
        call(_game, players=["a", "a"]),
        InvalidGameError,
        "players must be distinct",
    ),
    (
        "states-count",
        call(_game, states=["a", "b"]),
        InvalidGameError,
        "states must be a sequence of 1",
    ),
    (
        "not-a-game",
        call(solve_markov_bargaining, "pie"),
        InvalidGameError,
        "game must be a StochasticBargainingGame, got 'pie'",
    ),
    (
        "tol-zero",
        call(solve_markov_bargaining, GAME, tol=0),
        InvalidGameError,
        r"tol must be a finite number in \(0, 1\), got 0",
    ),
    (
        "tol-inf",
        call(solve_markov_bargaining, GAME, tol=INF),
        InvalidGameError,
        "tol must be a finite number",
    ),
    (
        "iterations",
        call(solve_markov_bargaining, GAME, max_iterations=0),
        InvalidGameError,
        "max_iterations must be an integer >= 1, got 0",
    ),
    (
        "too-few-iterations",
        call(
            solve_markov_bargaining,
            one_state(PIE, [0, 0], (0.99, 0.99), (0.3, 0.7)),
            max_iterations=1,
        ),
        SolverError,
        "did not converge in 1 iterations",
    ),
    (
        "periods-negative",
        call(SOLVED.agreement_probability, -1),
        InvalidArgumentError,
        "periods must be non-negative integers, got -1",
    ),
    (
        "periods-float",
        call(SOLVED.agreement_probability, 1.5),
        InvalidArgumentError,
        "periods must be non-negative integers",
    ),
    (
        "start-unknown",
        call(SOLVED.expected_time, start="nowhere"),
        InvalidArgumentError,
        "start must be a state of the game",
    ),
    (
        "start-range",
        call(SOLVED.outcome_distribution, start=3),
        InvalidArgumentError,
        r"start must be an integer in \[0, 0\], got 3",
    ),
    (
        "until",
        call(SOLVED.expected_time, until="first"),
        InvalidArgumentError,
        "until must be one of 'final', 'any', got 'first'",
    ),
    (
        "gain-shape",
        call(markov_deviation_gain, GAME, np.zeros((1, 2, 3)), np.ones((1, 2))),
        InvalidProfileError,
        r"offers must have shape",
    ),
    (
        "gain-acceptance",
        call(markov_deviation_gain, GAME, SOLVED.offers, np.full((1, 2), 2.0)),
        InvalidProfileError,
        "acceptance must be an array of probabilities",
    ),
    (
        "gain-not-lottery",
        call(markov_deviation_gain, GAME, np.full((1, 2, 2), 0.2), np.ones((1, 2))),
        InvalidProfileError,
        "summing to 0.4",
    ),
    (
        "gain-unavailable",
        call(
            markov_deviation_gain,
            _game(available=[[True, False]]),
            SOLVED.offers,
            np.ones((1, 2)),
        ),
        InvalidProfileError,
        "agreement 1, which is not available in state 0",
    ),
    (
        "zones-not-a-game",
        call(agreement_zones, None),
        InvalidGameError,
        "game must be a StochasticBargainingGame, got None",
    ),
    ("alternating-not-a-game", call(alternating_offers, 3), InvalidGameError, "got 3"),
]


@pytest.mark.parametrize(("thunk", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(thunk, error, pattern) -> None:  # type: ignore[no-untyped-def]
    check_named(thunk, error, pattern)


def test_no_periods_asked_gives_an_empty_answer() -> None:
    assert SOLVED.agreement_probability([]).shape == (0,)
    assert SOLVED.agreement_probability(np.zeros((0, 2), dtype=int)).shape == (0, 2)


def test_a_tol_below_float_resolution_is_a_precision_error() -> None:
    """A certificate of rounding error that exceeds a tiny tol is a
    PrecisionError (a SolverError), not a failed equilibrium."""
    game = random_game(1, 6, 8, phases=True)  # a certificate of 2e-16 here
    try:
        result = solve_markov_bargaining(game, tol=1e-300)
    except PrecisionError as error:  # before: a SolverError, "failed its certificate"
        message = str(error)
    else:  # no rounding error left to report (another platform's arithmetic)
        assert result.certificate == 0.0
        return
    assert "rounding error but exceeds tol 1e-300" in message


def test_result_is_read_only_and_reports_its_run() -> None:
    assert isinstance(SOLVED, MarkovBargainingResult)
    for array in (SOLVED.offers, SOLVED.acceptance, SOLVED.values, SOLVED.delay_values):
        assert not array.flags.writeable
    assert "certificate" in repr(SOLVED)
    assert SOLVED.method in ("value-iteration", "value-iteration+newton")
    assert SOLVED.iterations >= 1
    assert "fixed point" in SOLVED.message
