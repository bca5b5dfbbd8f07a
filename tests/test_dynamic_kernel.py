"""The "dynamic" concept's sweep kernel, scenario side (kurilsim._dynamic_kernel).

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
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

import kurilsim
from kurilsim import (
    NO_DEAL,
    AgreementSpace,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Scenario,
    concepts,
    load_scenario,
    sweep,
)
from kurilsim import _dynamic_kernel as dk
from kurilsim.testing.strategies import sweep_grids

#: The regimes the chain never returns to: vectorised.
TRANSIENT = ("1956-declaration", "1960-memorandum", "1993-tokyo", "2001-irkutsk",
             "2018-singapore")
RECURRENT = ("2020-constitution", "2022-suspension")
TOL = 1e-8


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


def kernel_at(scenario: Scenario, swept: Mapping[str, NDArray[Any]]) -> dk.DynamicSweep:
    if swept:
        table = scenario.outcome_utilities(dict(swept), points_last=True)
    else:
        table = scenario.outcome_utilities()[..., None]
    return dk.dynamic_sweep(scenario, np.ascontiguousarray(table), swept)


def assert_equals_per_point(scenario: Scenario, swept: Mapping[str, NDArray[Any]],
                            result: dk.DynamicSweep) -> None:
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
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_kernel_equals_per_point_on_random_grids_one_state(data: st.DataObject) -> None:
    scenario = renamed(data.draw(st.sampled_from(TRANSIENT + RECURRENT)))
    grid = data.draw(sweep_grids(scenario, max_parameters=2, max_values=2))
    swept = points(grid)
    assert_equals_per_point(scenario, swept, kernel_at(scenario, swept))


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_kernel_equals_per_point_on_random_grids_chain(data: st.DataObject) -> None:
    scenario = load_scenario(data.draw(st.sampled_from(TRANSIENT)))
    grid = data.draw(sweep_grids(scenario, max_parameters=2, max_values=1))
    swept = points(grid)
    assert_equals_per_point(scenario, swept, kernel_at(scenario, swept))


@pytest.mark.parametrize("name", TRANSIENT)
def test_kernel_equals_the_concept_on_each_bundled_scenario(name: str, markov_path: str) -> None:
    scenario = load_scenario(name)
    weights = np.array([0.0, 1.3])
    swept = {"russia.security_weight": weights}
    assert_equals_per_point(scenario, swept, kernel_at(scenario, swept))


@pytest.mark.parametrize("name", TRANSIENT + RECURRENT)
def test_kernel_equals_the_concept_on_each_renamed_copy(name: str, markov_path: str) -> None:
    scenario = renamed(name)
    swept = points({"japan.demand": np.array([2, 4]),
                    "russia.security_weight": np.array([0.0, 0.7, 3.0])})
    assert_equals_per_point(scenario, swept, kernel_at(scenario, swept))


@pytest.mark.parametrize("name", RECURRENT)
def test_recurrent_regimes_are_refused(name: str) -> None:
    with pytest.raises(InvalidModelError, match="recurs"):
        kernel_at(load_scenario(name), {"russia.security_weight": np.array([1.0])})


def test_the_route_is_the_concepts_for_the_chunks_base_scenario() -> None:
    scenario = load_scenario("2018-singapore")
    swept = {"russia.security_weight": np.array([0.5])}
    chain = kernel_at(scenario, swept)
    copy = kernel_at(renamed("2018-singapore"), swept)
    # the regime's chain and the one-state game disagree here, and each
    # matches the concept's solve of its own scenario
    assert chain.utilities[0, 0] != pytest.approx(copy.utilities[0, 0], abs=1e-3)
    assert_equals_per_point(scenario, swept, chain)


def test_a_generic_two_party_scenario(markov_path: str) -> None:
    scenario = pie()
    swept = points({"a.status_quo": np.array([0.0, 0.1, 0.4]),
                    "b.status_quo": np.array([0.0, 0.3])})
    assert_equals_per_point(scenario, swept, kernel_at(scenario, swept))


def test_points_near_a_switch_go_point_by_point(monkeypatch: pytest.MonkeyPatch) -> None:
    # every mode is "near a tie": every point is solved by the concept itself
    monkeypatch.setattr(dk, "_MODE_MARGIN", 2.0)
    scenario = renamed("2018-singapore")
    swept = {"russia.security_weight": np.array([0.0, 2.0])}
    result = kernel_at(scenario, swept)
    assert result.per_point.all()
    assert_equals_per_point(scenario, swept, result)


def test_the_triple_is_the_sweep_kernels_contract() -> None:
    scenario = renamed("2001-irkutsk")
    swept = {"russia.security_weight": np.array([0.2, 1.0, 2.5])}
    table = np.ascontiguousarray(scenario.outcome_utilities(swept, points_last=True))
    codes, probability, utilities = dk.dynamic_kernel(scenario, table, swept)
    full = dk.dynamic_sweep(scenario, table, swept)
    assert codes.dtype.kind == "i"
    assert codes.shape == (3,)
    np.testing.assert_array_equal(codes, full.agreement)
    np.testing.assert_array_equal(probability, full.probability)
    assert utilities.shape == (3, len(scenario.agents))
    assert concepts.get("dynamic").kernel is not None


# -- sweeps ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["2018-singapore-copy", "pie"])
def test_sweep_fast_equals_per_point(name: str) -> None:
    if name == "pie":
        scenario = pie()
        grid = {"a.status_quo": np.linspace(0.0, 0.5, 4), "b.status_quo": np.array([0.0, 0.2])}
    else:
        scenario = renamed("2018-singapore")
        grid = {"japan.demand": np.array([2, 4]),
                "russia.security_weight": np.linspace(0.0, 4.0, 3),
                "russia.pledge_credibility": np.linspace(0.0, 1.0, 2)}
    fast = sweep(scenario, grid, concept="dynamic", progress=False)
    slow = sweep(scenario, grid, concept="dynamic", progress=False, fast=False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, atol=TOL)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=TOL)


@pytest.mark.slow
def test_sweep_fast_equals_per_point_on_the_headline_scenario() -> None:
    scenario = load_scenario("2018-singapore")
    grid = {"japan.demand": np.array([2, 4]),
            "russia.security_weight": np.array([0.0, 2.5]),
            "russia.pledge_credibility": np.array([0.3])}
    fast = sweep(scenario, grid, concept="dynamic", progress=False)
    slow = sweep(scenario, grid, concept="dynamic", progress=False, fast=False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, atol=TOL)
    np.testing.assert_allclose(fast.utilities, slow.utilities, atol=TOL)


def test_a_recurrent_regime_sweeps_point_by_point() -> None:
    scenario = load_scenario("2022-suspension")
    grid = {"russia.security_weight": np.array([1.0])}
    fast = sweep(scenario, grid, concept="dynamic", progress=False)
    outcome = kurilsim.solve_scenario(scenario.with_params({"russia.security_weight": 1.0}),
                                      "dynamic")
    assert fast.probability[0] == pytest.approx(outcome.probability, abs=TOL)


# -- the route and the phase utilities, computed once per chunk ------------------------
@pytest.mark.parametrize("name", TRANSIENT + RECURRENT)
def test_the_cached_route_is_the_concepts(name: str) -> None:
    for scenario in (load_scenario(name), renamed(name), pie()):
        assert dk._route(scenario) == concepts._regime_of(scenario, None)


@pytest.mark.parametrize("swept", [
    {"russia.security_weight": np.array([0.0, 1.5, 4.0])},
    {"japan.demand": np.array([2.0, 4.0, 3.0]),
     "russia.pledge_credibility": np.array([0.1, 0.5, 0.9])},
    {"japan.talks_prospect": np.array([0.0, 0.3, 0.9]),
     "japan.package_size": np.array([0.2, 0.5, 0.8])},
])
def test_the_phase_utilities_are_the_whole_tables_bit_for_bit(
    swept: dict[str, NDArray[Any]]
) -> None:
    # Japan's row alone (or the whole table, with a shared parameter swept)
    # equals the chain's phase flows: every agent's utilities with Japan's
    # talks_prospect at 0
    scenario = load_scenario("1993-tokyo")
    swept = {n: v for n, v in swept.items() if n in scenario.parameter_names()}
    table = np.ascontiguousarray(scenario.outcome_utilities(swept, points_last=True))
    M = len(scenario.space)
    firsts = np.flatnonzero(scenario.space.feature("islands.talks", default=0.0)[:M] > 0)
    assert len(firsts)
    stage = dk._phase_stage(scenario, table, swept, firsts)
    zero = {n: v for n, v in swept.items() if n != "japan.talks_prospect"}
    zero["japan.talks_prospect"] = np.zeros(3)
    full = scenario.outcome_utilities(zero, points_last=True)
    rows = [scenario.agent_names.index(p) for p in ("japan", "russia")]
    np.testing.assert_array_equal(stage, full[rows][:, firsts])


@pytest.mark.slow
def test_points_computed_exactly_need_no_per_point_solve_without_numba(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # without numba the points near a tie are computed exactly by the plain
    # Python loops (not by the concept's solve), and equal the concept there
    from kurilsim.solvers import _markov_kernel as mk

    monkeypatch.setattr(mk, "_compiled", lambda: None)
    monkeypatch.setattr(mk, "_compiled_solve", lambda: None)
    scenario = load_scenario("2018-singapore")
    swept = points({"japan.demand": np.array([2, 4]),
                    "russia.security_weight": np.linspace(0.0, 4.0, 41),
                    "russia.pledge_credibility": np.linspace(0.0, 1.0, 41)})
    table = np.ascontiguousarray(scenario.outcome_utilities(swept, points_last=True))
    first = dk._assemble(scenario, dk._route(scenario), table, swept, exact=False)
    near = np.flatnonzero(first.per_point)
    assert len(near)
    result = dk.dynamic_sweep(scenario, table, swept)
    assert not result.per_point[near].any()
    subset = {name: values[near] for name, values in swept.items()}
    picked = dk.DynamicSweep(
        agreement=result.agreement[near], probability=result.probability[near],
        utilities=result.utilities[near], mode_probability=result.mode_probability[near],
        per_point=result.per_point[near],
    )
    assert_equals_per_point(scenario, subset, picked)
