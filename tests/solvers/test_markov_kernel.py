"""The "dynamic" concept's sweep kernel (kurilsim.solvers._markov_kernel).

Checked against the per-point solver (the concept's ``solve``, i.e.
:func:`kurilsim.solvers.markov.solve_markov_bargaining`): the one-state batch
solver on random one-state games and on Rubinstein's closed form; the kernel
at every point of random ``sweep_grids`` and on every bundled scenario (the
chain's transient regimes vectorised, the recurrent ones refused so the sweep
goes point by point); ``sweep(fast=True)`` against ``fast=False``; the same
with the pure-numpy path (no numba); the points sent point by point.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from kurilsim import (
    NO_DEAL,
    AgreementSpace,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Scenario,
    concepts,
    load_scenario,
)
from kurilsim import _dynamic_kernel as dk
from kurilsim.solvers import _markov_kernel as mk
from kurilsim.solvers.markov import StochasticBargainingGame, solve_markov_bargaining

#: The regimes the chain never returns to: vectorised.
TRANSIENT = ("1956-declaration", "1960-memorandum", "1993-tokyo", "2001-irkutsk",
             "2018-singapore")
RECURRENT = ("2020-constitution", "2022-suspension")
TOL = 1e-8


@pytest.fixture(params=["compiled", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the compiled loops (if numba is installed) and without."""
    if request.param == "compiled":
        if mk._compiled() is None:
            pytest.skip("numba is not installed")
    else:
        monkeypatch.setattr(mk, "_compiled", lambda: None)
        monkeypatch.setattr(mk, "_compiled_solve", lambda: None)
    return str(request.param)


def renamed(name: str) -> Scenario:
    """A bundled scenario under another name: the concept's one-state route."""
    return dataclasses.replace(load_scenario(name), name=f"{name}-copy")


def pie(k: int = 8, deltas: tuple[float, float] = (0.9, 0.8)) -> Scenario:
    shares = np.linspace(0.0, 1.0, k + 1)
    split = Issue(name="split", options=tuple(f"s{i}" for i in range(k + 1)),
                  features={"first": tuple(shares), "second": tuple(np.sqrt(1 - shares))})
    return Scenario(
        name="pie", space=AgreementSpace([split]),
        agents=(LinearAgent(name="a", weights={"split.first": 1.0}, status_quo=0.1),
                LinearAgent(name="b", weights={"split.second": 1.0}, status_quo=0.0),
                LinearAgent(name="c", weights={"split.first": 2.0})),
        protocol=NegotiationProtocol(proposer="a", responder="b",
                                     discount={"a": deltas[0], "b": deltas[1]}),
    )


def points(grid: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """The full-factorial points of a grid, as the sweep lays them out."""
    mesh = np.meshgrid(*grid.values(), indexing="ij")
    return {name: m.ravel() for name, m in zip(grid, mesh, strict=True)}


def kernel_at(scenario: Scenario, swept: Mapping[str, NDArray[Any]]) -> mk.DynamicSweep:
    if swept:
        table = scenario.outcome_utilities(dict(swept), points_last=True)
    else:
        table = scenario.outcome_utilities()[..., None]
    return mk.dynamic_sweep(scenario, np.ascontiguousarray(table), swept)


def assert_equals_per_point(scenario: Scenario, swept: Mapping[str, NDArray[Any]],
                            result: mk.DynamicSweep) -> None:
    concept = concepts.get("dynamic")
    size = len(result.agreement)
    for p in range(size):
        params = {name: values[p].item() for name, values in swept.items()}
        outcome = concept.solve_checked(scenario.with_params(params), {})
        code = outcome.agreement_index if outcome.agreement is not None else NO_DEAL
        if outcome.probability == 0:
            code = NO_DEAL
        mode = outcome.distribution.get(NO_DEAL, 0.0) if code == NO_DEAL else (
            outcome.distribution[code])
        where = f"point {params}"
        assert result.agreement[p] == code, where
        assert result.probability[p] == pytest.approx(outcome.probability, abs=TOL), where
        assert result.mode_probability[p] == pytest.approx(mode, abs=TOL), where
        np.testing.assert_allclose(result.utilities[p], outcome.utilities, atol=TOL,
                                   rtol=0, err_msg=where)


# -- the one-state batch solver --------------------------------------------------------
def test_unit_pie_with_random_proposers_matches_the_closed_form(path: str) -> None:
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
    seed: int, path: str
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


# -- the kernel against the concept's solve --------------------------------------------
