"""The one-state batch solver of the "dynamic" concept's sweep kernel
(kurilsim.solvers._markov_kernel), against Rubinstein's closed form and the
Markov solver, with the compiled loops and without (the scenario side of the
kernel is tested in tests/test_dynamic_kernel.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import _dynamic_kernel as dk
from kurilsim.solvers import _markov_kernel as mk
from kurilsim.solvers.markov import StochasticBargainingGame, solve_markov_bargaining


# -- the one-state batch solver --------------------------------------------------------
def test_unit_pie_with_random_proposers_matches_the_closed_form(markov_path: str) -> None:
    # v1 = (1 - d2 / 2 ... ): with rho = 1/2, V_k = (1 - d_j) / (2 - d_k - d_j)
    deltas = np.array([[0.9, 0.8], [0.6, 0.95], [0.5, 0.5]])
    Z = np.tile(np.array([[1.0, 0.0], [0.0, 1.0]]), (3, 1, 1))
    solution = mk.solve_one_state_batch(Z, np.array([0, 1]), np.ones((3, 2), bool),
                                        np.zeros((3, 2)), deltas)
    d1, d2 = deltas[:, 0], deltas[:, 1]
    expected = np.stack([(1 - d2) / (2 - d1 - d2), (1 - d1) / (2 - d1 - d2)], axis=1)
    np.testing.assert_allclose(solution.values, expected, atol=1e-12)
    assert solution.regular.all()
    assert (solution.acceptance == 1).all()
    assert (solution.certificate <= 1e-12).all()


@pytest.mark.parametrize("seed", range(12))
def test_one_state_batch_equals_the_markov_solver_on_random_games(
    seed: int, markov_path: str
) -> None:
    rng = np.random.default_rng(seed)
    games = []
    for _ in range(6):
        m = int(rng.integers(1, 9))
        utilities = np.round(rng.random((2, 1, m)), 3)
        flows = np.round(rng.random((2, 1)) * 0.6, 3)
        deltas = np.round(rng.uniform(0.3, 0.97, 2), 3)
        available = rng.random((1, m)) < 0.8
        games.append(StochasticBargainingGame(
            utilities=utilities, flows=flows, transitions=[[1.0]],
            recognition=[[0.5, 0.5]], discounts=deltas, available=available))
    for game in games:
        sc = game._scaled()
        Z = sc.U[0][None]  # (1, m, 2)
        a = ((1 - sc.delta) * sc.F)  # (1, 2)
        solution = mk.solve_one_state_batch(
            Z, np.arange(game.n_agreements), sc.available, a, sc.delta.copy())
        if not solution.regular[0]:
            continue  # near a switch: the kernel sends such points point by point
        reference = solve_markov_bargaining(game)
        lo, ranges = game._cache["lo"], game.utility_ranges
        values = lo + ranges * solution.values[0]
        np.testing.assert_allclose(values, reference.values[:, 0], atol=1e-9)
        rates = dk._lottery_rates(solution, game.n_agreements)[0]
        np.testing.assert_allclose(rates, reference.agreement_rates[0], atol=1e-9)


# -- warm starts (compiled loops): the same frontiers and fixed points -----------------
def test_warm_started_frontiers_and_solves_equal_cold_ones() -> None:
    compiled = mk._compiled()
    if compiled is None:
        pytest.skip("numba is not installed (or is disabled): no compiled loops")
    rng = np.random.default_rng(7)
    P, C = 400, 9
    # neighbouring points: a random walk of the payoffs, ties included
    Z = np.round(np.cumsum(rng.normal(0, 0.02, (P, C, 2)), axis=0) + rng.random((1, C, 2)),
                 2)
    valid = rng.random((P, C)) < 0.85
    ids = np.broadcast_to(np.arange(C), (P, C))
    cold = mk._frontier_compiled(compiled, Z, ids, valid, warm=False)
    warm = mk._frontier_compiled(compiled, Z, ids, valid, warm=True)
    np.testing.assert_array_equal(cold.n, warm.n)
    np.testing.assert_array_equal(cold.doubtful, warm.doubtful)
    on = np.arange(cold.ids.shape[1])[None, :] < cold.n[:, None]
    np.testing.assert_array_equal(np.where(on, cold.ids, -1), np.where(on, warm.ids, -1))
    reference = mk._frontier(Z, ids, valid)
    np.testing.assert_array_equal(reference.n, cold.n)
    a = rng.random((P, 2)) * 0.1
    b = np.full((P, 2), 0.9)
    first = mk._solve_on(cold, a, b, warm=False)
    second = mk._solve_on(cold, a, b, warm=True)
    np.testing.assert_array_equal(first.regular, second.regular)
    np.testing.assert_allclose(first.values, second.values, atol=1e-14, rtol=0)
    np.testing.assert_array_equal(first.acceptance, second.acceptance)
    regular = first.regular
    np.testing.assert_array_equal(first.lottery[regular], second.lottery[regular])


# -- the fused loop (numba): the batch route's steps, bit for bit ----------------------
@pytest.mark.parametrize("name", ["2018-singapore", "1993-tokyo"])
def test_fused_phased_loop_equals_the_batch_route(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mk._compiled_phased() is None:
        pytest.skip("numba is not installed (or is disabled): no compiled loops")
    import kurilsim
    from kurilsim import _dynamic_kernel as dk

    scenario = kurilsim.load_scenario(name)
    grid = np.meshgrid(np.array([2, 4]), np.linspace(0.0, 4.0, 9),
                       np.linspace(0.0, 1.0, 7), indexing="ij")
    swept = {"japan.demand": grid[0].ravel(), "russia.security_weight": grid[1].ravel(),
             "russia.pledge_credibility": grid[2].ravel()}
    table = np.ascontiguousarray(scenario.outcome_utilities(swept, points_last=True))
    regime = dk._route(scenario)
    assert regime is not None
    fused = dk._assemble(scenario, regime, table, swept, exact=False)
    monkeypatch.setattr(mk, "_compiled_phased", lambda: None)
    batch = dk._assemble(scenario, regime, table, swept, exact=False)
    np.testing.assert_array_equal(fused.per_point, batch.per_point)
    regular = ~batch.per_point
    assert regular.sum() > len(regular) // 2
    np.testing.assert_array_equal(fused.agreement[regular], batch.agreement[regular])
    np.testing.assert_array_equal(fused.probability[regular], batch.probability[regular])
    np.testing.assert_array_equal(fused.utilities[regular], batch.utilities[regular])


def test_phased_batch_without_phases_is_the_one_state_batch() -> None:
    # no phase, the state never left: solve_one_state_batch in the same units
    rng = np.random.default_rng(3)
    P, M = 40, 6
    U = rng.random((2, M + 1, P))
    available = rng.random((P, M)) < 0.8
    deltas = np.array([0.9, 0.8])
    solution = mk.solve_phased_batch(
        U, (0, 1), np.zeros((2, 0, P)), np.zeros((2, 1)), (U.min(axis=(1, 2)),
        U.max(axis=(1, 2))), 0.0, deltas, available, np.ones(M, bool),
        np.zeros(M, bool), np.zeros(0, np.intp))
    lo = np.minimum(U.min(axis=1), U.min(axis=(1, 2))[:, None])
    hi = np.maximum(U.max(axis=1), U.max(axis=(1, 2))[:, None])
    scaled = (U - lo[:, None]) / (hi - lo)[:, None]
    Z = np.stack([scaled[0, :M].T, scaled[1, :M].T], axis=-1)
    a = (1.0 - deltas) * scaled[:, M].T
    reference = mk.solve_one_state_batch(Z, np.arange(M), available, a,
                                         np.broadcast_to(deltas, (P, 2)))
    regular = reference.regular & solution.regular
    assert regular.sum() > P // 2
    values = lo.T + (hi - lo).T * reference.values
    np.testing.assert_allclose(solution.values[regular], values[regular], atol=1e-12)
    np.testing.assert_allclose(solution.rates[regular],
                               mk._lottery_rates(reference, M)[regular], atol=1e-12)
