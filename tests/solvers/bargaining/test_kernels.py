"""The sweep kernels of the bargaining concepts over lotteries
(kurilsim.solvers.bargaining._kernels): each equals its per-point solver."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import NO_DEAL, InvalidGameError, concepts
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.solvers.bargaining import (
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.solvers.bargaining._kernels import (
    SOLUTIONS,
    LotterySummary,
    lottery_bargaining_kernel,
)
from kurilsim.sweeps.evaluate import evaluate_chunk
from kurilsim.testing.strategies import point_clouds, sweep_grids

BUNDLED = kurilsim.list_scenarios()
SCENARIOS = {name: kurilsim.load_scenario(name) for name in BUNDLED}
EXACT = 1e-9  # the solvers' tolerance


# -- the reference: the per-point solver, summarised as an Outcome is -------------------
def _reference(
    utilities: np.ndarray,
    solution: str,
    *,
    available: np.ndarray | None = None,
    discounts: tuple[float, float] = (0.9, 0.9),
) -> LotterySummary | Exception:
    """Per point: the solver on the problem of rows 0 and 1 over the available
    agreements, then the summary of Outcome.from_distribution (written out)."""
    n_agents, n_outcomes, m = utilities.shape
    keep = np.arange(n_outcomes - 1) if available is None else np.asarray(available)
    agreement = np.empty(m, dtype=np.intp)
    probability, mode = np.empty(m), np.empty(m)
    expected = np.empty((m, n_agents))
    for c in range(m):
        table = utilities[:, :, c]
        distribution: dict[int, float] = {}
        if len(keep):
            problem = BargainingProblem(table[:2, keep].T, table[:2, -1])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if solution == "nash-bargaining":
                        lottery = solve_nash_bargaining(problem).lottery
                    elif solution == "kalai-smorodinsky":
                        lottery = solve_kalai_smorodinsky(problem).lottery
                    else:
                        lottery = solve_rubinstein(problem, list(discounts)).lottery
            except Exception as error:  # noqa: BLE001 - compared with the kernel's
                return error
            distribution = {
                int(keep[k]): float(p) for k, p in enumerate(lottery[:-1]) if p > 1e-12
            }
            if lottery[-1] > 1e-12:
                distribution[NO_DEAL] = float(lottery[-1])
        else:
            distribution = {NO_DEAL: 1.0}
        deals = {k: p for k, p in distribution.items() if k != NO_DEAL}
        none = distribution.get(NO_DEAL, 0.0)
        best = max(deals.items(), key=lambda item: item[1])[0] if deals else NO_DEAL
        deal = best != NO_DEAL and deals[best] >= none
        agreement[c] = best if deal else NO_DEAL
        probability[c] = sum(deals.values())
        mode[c] = deals[best] if deal else none
        weights = np.zeros(n_outcomes)
        for k, p in distribution.items():
            weights[k] += p  # NO_DEAL: the status quo, last
        expected[c] = table @ weights
    return LotterySummary(agreement, probability, expected, mode)


def _check_same(
    utilities: np.ndarray,
    solution: str,
    *,
    available: np.ndarray | None = None,
    discounts: tuple[float, float] = (0.9, 0.9),
) -> LotterySummary | None:
    """The kernel equals the reference (or both fail); the kernel's summary."""
    expected = _reference(utilities, solution, available=available, discounts=discounts)
    if isinstance(expected, Exception):
        with pytest.raises(InvalidGameError):
            lottery_bargaining_kernel(
                utilities, (0, 1), solution=solution,  # type: ignore[arg-type]
                available=available, discounts=discounts,
            )
        return None
    found = lottery_bargaining_kernel(
        utilities, (0, 1), solution=solution,  # type: ignore[arg-type]
        available=available, discounts=discounts,
    )
    np.testing.assert_array_equal(found.agreement, expected.agreement)
    np.testing.assert_allclose(found.probability, expected.probability, rtol=0,
                               atol=EXACT)
    np.testing.assert_allclose(found.utilities, expected.utilities, rtol=0,
                               atol=EXACT * (np.ptp(utilities) + 1.0))
    np.testing.assert_allclose(found.mode_probability, expected.mode_probability,
                               rtol=0, atol=EXACT)
    return found


def _stack(points: list[list[float]], status_quo: list[float],
           third: list[float] | None = None) -> np.ndarray:
    """Utilities (3 agents x outcomes x 1 point): rows of (proposer, responder)
    points, the status quo last, and a third agent's utilities."""
    table = np.array([*points, status_quo], dtype=float).T
    other = np.arange(len(points) + 1, dtype=float) if third is None else np.array(third)
    return np.vstack([table, other])[:, :, None].copy()


# -- the concepts, point by point and vectorised ----------------------------------------
def _same_fast_and_slow(scenario: kurilsim.Scenario, concept: str,
                        grid: dict[str, np.ndarray]) -> None:
    axes = np.meshgrid(*grid.values(), indexing="ij")
    names, values = list(grid), [a.ravel() for a in axes]
    record = concepts.get(concept)
    fast = evaluate_chunk(scenario, record, names, values, True)
    slow = evaluate_chunk(scenario, record, names, values, False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, rtol=0, atol=EXACT)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-8)
    assert fast.errors == slow.errors


@pytest.mark.parametrize("concept", SOLUTIONS)
def test_the_concepts_are_vectorised_lotteries(concept: str) -> None:
    record = concepts.get(concept)
    assert record.kernel is not None
    assert record.vectorised
    assert record.lottery


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("concept", SOLUTIONS)
def test_the_kernel_equals_the_solver_on_every_bundled_scenario(
    name: str, concept: str
) -> None:
    """Both parties' weights swept, to the bounds (ties: a weight of 0)."""
    scenario = SCENARIOS[name]
    grid = {"russia.security_weight": np.array([0.0, 1.5, 4.0]),
            "japan.demand": np.array([2, 4])}
    _same_fast_and_slow(scenario, concept, grid)


@settings(max_examples=20)
@given(data=st.data(), name=st.sampled_from(BUNDLED), concept=st.sampled_from(SOLUTIONS))
def test_the_kernel_equals_the_solver_on_random_grids(
    data: st.DataObject, name: str, concept: str
) -> None:
    scenario = SCENARIOS[name]
    grid = data.draw(sweep_grids(scenario, max_parameters=2, max_values=2))
    _same_fast_and_slow(scenario, concept, grid)


@pytest.mark.parametrize("concept", SOLUTIONS)
def test_a_fast_sweep_equals_a_slow_one(concept: str) -> None:
    scenario = SCENARIOS["2018-singapore"]
    grid = {"japan.demand": np.array([2, 4]),
            "russia.security_weight": np.linspace(0.0, 4.0, 3),
            "russia.pledge_credibility": np.linspace(0.0, 1.0, 3)}
    fast = kurilsim.sweep(scenario, grid, concept=concept, progress=False)
    slow = kurilsim.sweep(scenario, grid, concept=concept, fast=False, progress=False)
    assert fast.metadata["fast"] is True
    assert slow.metadata["fast"] is False
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, rtol=0, atol=EXACT)
    np.testing.assert_allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-8)
    # the grid is not trivial: deals and no deal, more than one agreement
    agreements = np.asarray(fast.agreement)
    assert (agreements == NO_DEAL).any()
    assert len(np.unique(agreements)) >= 3


@pytest.mark.parametrize("concept", SOLUTIONS)
def test_a_vetoed_agreement_is_never_concluded(concept: str) -> None:
    scenario = SCENARIOS["2020-constitution"]
    banned = scenario.protocol.vetoed_agreements(scenario.space)
    assert banned.any()
    grid = {"russia.security_weight": np.linspace(0.0, 4.0, 4),
            "japan.demand": np.array([1, 2, 4])}
    result = kurilsim.sweep(scenario, grid, concept=concept, progress=False)
    agreements = np.asarray(result.agreement).ravel()
    assert not banned[agreements[agreements != NO_DEAL]].any()
    _same_fast_and_slow(scenario, concept, grid)


# -- degenerate problems -----------------------------------------------------------------
@pytest.mark.parametrize("solution", SOLUTIONS)
def test_no_agreement_individually_rational_is_no_deal(solution: str) -> None:
    # the segment between the agreements passes below the status quo
    utilities = _stack([[2.0, -1.0], [-1.0, 0.4]], [0.0, 0.0], third=[5.0, 6.0, 7.0])
    found = _check_same(utilities, solution)
    assert found is not None
    assert found.agreement[0] == NO_DEAL
    assert found.probability[0] == 0.0
    np.testing.assert_array_equal(found.utilities[0], [0.0, 0.0, 7.0])
    assert found.mode_probability[0] == 1.0


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_an_agreement_equal_to_the_status_quo_is_no_deal(solution: str) -> None:
    utilities = _stack([[0.0, 0.0], [1.0, -1.0]], [0.0, 0.0])
    found = _check_same(utilities, solution)
    assert found is not None
    assert found.agreement[0] == NO_DEAL


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_equal_agreements_give_the_first(solution: str) -> None:
    """Agreements 0 and 2 are the same point: the lottery names agreement 0."""
    utilities = _stack([[1.0, 0.2], [0.5, 0.5], [1.0, 0.2], [0.1, 1.0]], [0.0, 0.0])
    found = _check_same(utilities, solution)
    assert found is not None
    assert 2 not in set(found.agreement.tolist())


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_an_even_lottery_names_the_lower_agreement(solution: str) -> None:
    """The symmetric pie: Nash and Kalai-Smorodinsky mix 50/50."""
    utilities = _stack([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.0])
    found = _check_same(utilities, solution, discounts=(0.9, 0.9))
    assert found is not None
    if solution != "rubinstein":
        assert found.agreement[0] == 0
        assert found.mode_probability[0] == 0.5


@pytest.mark.parametrize("solution", SOLUTIONS)
@pytest.mark.parametrize(
    "points",
    [
        [[0.0, 1.0], [1.0, 1.0], [1.0, 0.0]],  # a flat top and a vertical side
        [[0.0, 1.0], [0.5, 1.0], [1.0, 0.5], [1.0, 0.0]],  # the same, with corners
        [[0.0, 1.0], [0.25, 0.75], [0.5, 0.5], [1.0, 0.0]],  # collinear agreements
        [[0.3, 0.2], [0.3, 0.9], [0.8, 0.2], [0.3, 0.5]],  # equal proposer utilities
        [[1.0, 0.0], [2.0, 0.0]],  # only the proposer can gain
        [[0.0, 1.0], [0.0, 2.0]],  # only the responder can gain
    ],
)
def test_edges_along_an_axis(solution: str, points: list[list[float]]) -> None:
    utilities = _stack(points, [0.0, 0.0])
    _check_same(utilities, solution, discounts=(0.8, 0.7))


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_the_available_agreements_only(solution: str) -> None:
    utilities = _stack([[3.0, 3.0], [1.0, 0.5], [0.5, 1.0], [0.2, 0.2]], [0.0, 0.0])
    found = _check_same(utilities, solution, available=np.array([1, 2, 3]))
    assert found is not None
    assert found.agreement[0] in (1, 2)
    nothing = lottery_bargaining_kernel(
        utilities, (0, 1), solution=solution,  # type: ignore[arg-type]
        available=np.array([], dtype=np.intp),
    )
    assert nothing.agreement[0] == NO_DEAL
    assert nothing.probability[0] == 0.0
    np.testing.assert_array_equal(nothing.utilities[0], utilities[:, -1, 0])


def test_rubinstein_reads_the_discounts() -> None:
    """The unit pie: the proposer gets (1 - delta2) / (1 - delta1 delta2)."""
    utilities = _stack([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    for deltas in [(0.9, 0.8), (0.8, 0.9), (0.0, 0.5), (1.0, 0.5)]:
        found = _check_same(utilities, "rubinstein", discounts=deltas)
        assert found is not None
        share = (1 - deltas[1]) / (1 - deltas[0] * deltas[1])
        assert found.utilities[0, 0] == pytest.approx(share, abs=1e-12)
    with pytest.raises(InvalidGameError, match="both discount factors are 1"):
        lottery_bargaining_kernel(utilities, (0, 1), solution="rubinstein",
                                  discounts=(1.0, 1.0))


def test_a_point_the_solver_refuses_is_refused() -> None:
    """A patient responder (delta 1): the per-point solver's offer fails its
    certificate here, so the kernel raises and a sweep solves point by point."""
    utilities = _stack([[0.12, 0.13], [0.34, 0.38], [0.92, -0.31]], [-0.26, -0.76])
    assert isinstance(_reference(utilities, "rubinstein", discounts=(0.9, 1.0)),
                      kurilsim.SolverError)
    with pytest.raises(InvalidGameError, match="per-point rubinstein solver fails"):
        lottery_bargaining_kernel(utilities, (0, 1), solution="rubinstein",
                                  discounts=(0.9, 1.0))


@settings(max_examples=100)
@given(
    points=point_clouds(2, 7),
    status_quo=st.lists(st.integers(-10, 10).map(lambda v: v / 10), min_size=2,
                        max_size=2),
    solution=st.sampled_from(SOLUTIONS),
    deltas=st.tuples(st.sampled_from([0.0, 0.5, 0.9, 0.95]),
                     st.sampled_from([0.0, 0.5, 0.9, 0.95])),
)
def test_the_kernel_equals_the_solver_on_random_clouds(
    points: np.ndarray, status_quo: list[float], solution: str,
    deltas: tuple[float, float],
) -> None:
    """Coordinates on a grid of 1e-3 (and the status quo of 0.1): ties,
    duplicates and collinear agreements are common."""
    utilities = _stack(points.tolist(), status_quo)
    _check_same(utilities, solution, discounts=deltas)


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32 - 1), solution=st.sampled_from(SOLUTIONS))
def test_the_kernel_equals_the_solver_on_many_points_at_once(
    seed: int, solution: str
) -> None:
    """Blocks of points with different frontiers, side by side."""
    rng = np.random.default_rng(seed)
    utilities = np.round(rng.uniform(-1, 1, (3, 6, 10)), 1)
    utilities[:2, 2] = utilities[:2, 0]  # a duplicate agreement
    _check_same(utilities, solution, discounts=(0.85, 0.95))


def test_the_mode_probability_is_the_largest_chance() -> None:
    utilities = _stack([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.4])
    found = lottery_bargaining_kernel(utilities, (0, 1), solution="nash-bargaining")
    # Nash: u2 - 0.4 = u1 on the pie: u1 = 0.3, the lottery 0.7 / 0.3
    assert found.agreement[0] == 0
    assert found.mode_probability[0] == pytest.approx(0.7)
    assert found.probability[0] == pytest.approx(1.0)


# -- bad arguments -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"utilities": np.zeros((2, 3))}, "utilities must be a float array"),
        ({"utilities": np.zeros((2, 3, 4), dtype=int)}, "utilities must be a float array"),
        ({"parties": (0, 0)}, "parties must be two distinct"),
        ({"parties": (0, 5)}, "parties must be two distinct"),
        ({"parties": (True, 1)}, "parties must be two distinct"),
        ({"solution": "nash"}, "solution"),
        ({"available": np.array([1, 0])}, "available must be increasing"),
        ({"available": np.array([0, 9])}, "available must be increasing"),
        ({"discounts": (0.9, 1.5)}, "discounts must be two discount factors"),
        ({"discounts": (0.9,)}, "discounts must be two discount factors"),
        ({"discounts": "ab"}, "discounts must be two discount factors"),
    ],
)
def test_bad_arguments_are_named(change: dict[str, object], match: str) -> None:
    arguments: dict[str, object] = {
        "utilities": np.zeros((3, 3, 2)), "parties": (0, 1),
        "solution": "nash-bargaining",
    }
    arguments.update(change)
    with pytest.raises(InvalidGameError, match=match):
        lottery_bargaining_kernel(**arguments)  # type: ignore[arg-type]


def test_non_finite_utilities_are_refused() -> None:
    utilities = np.zeros((3, 3, 2))
    utilities[1, 0, 1] = np.inf
    with pytest.raises(InvalidGameError, match="finite"):
        lottery_bargaining_kernel(utilities, (0, 1), solution="kalai-smorodinsky")
