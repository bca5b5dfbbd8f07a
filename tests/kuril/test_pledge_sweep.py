"""The ``"pbe"`` sweep's compact pledge game and its compiled selection.

The sweep does not build :func:`kurilsim.kuril.pledge.pledge_tables`: it
builds each player's payoff if Russia accepts and the status quo
(``_sweep_block``, numpy) or builds, reduces and selects in one compiled loop
(``kurilsim.solvers._pbe_kernel.commitment_games``, numba).  Both must give
the tables' numbers bit for bit, the same selection, and what the per-point
solver (``kurilsim.solve_scenario(..., "pbe")``) gives.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import InvalidModelError
from kurilsim.games.signalling import DEFAULT_TOL
from kurilsim.kuril.pledge import (
    _commitment_arguments,
    _sweep_block,
    _sweep_inputs,
    pledge_tables,
)
from kurilsim.solvers import _pbe_kernel, pbe
from kurilsim.solvers.pbe import _select_proposal_games
from kurilsim.testing.strategies import sweep_grids

BUNDLED = kurilsim.list_scenarios()
CREDIBILITY = "russia.pledge_credibility"
#: The pledge game's own parameters, drawn with the model's.
PLEDGE = ("japan.article_cost", "japan.verification_cost", "japan.lease_cost",
          "japan.breach_cost", "russia.article_binding", "russia.verification_binding",
          "russia.lease_binding")


def _points(scenario: kurilsim.Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` points drawn from the priors of the pledge game's parameters, the
    prior, the security weight and the objection cost (some exact ties: the
    prior on a few values)."""
    rng = np.random.default_rng(seed)
    priors = scenario.priors()
    points = {
        name: priors[name].ppf(rng.uniform(size=n)) for name in PLEDGE if name in priors
    }
    points[CREDIBILITY] = rng.choice([0.0, 0.25, 0.5, 1.0, rng.uniform()], size=n)
    points["russia.security_weight"] = rng.uniform(0.0, 4.0, size=n)
    return points


def _block_inputs(
    scenario: kurilsim.Scenario, points: dict[str, np.ndarray], seed: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    n = len(next(iter(points.values())))
    values = dict(points)
    values["protocol.objection_cost"] = np.random.default_rng(seed).choice(
        [0.0, scenario.protocol.objection_cost, 0.5], size=n)
    utilities = scenario.outcome_utilities(points, points_last=True)
    return values, utilities


def _numpy_way(
    scenario: kurilsim.Scenario, values: dict[str, np.ndarray], utilities: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    block = _sweep_block(scenario, values, utilities)
    messages, responses, kinds = _select_proposal_games(
        block.accept_sender, block.accept_receiver, block.reject_sender,
        block.reject_receiver, block.inputs.prior, block.relevant(), compiled=False,
    )
    solved = kinds >= 0
    outcomes = np.full((len(kinds), 2), -1, dtype=np.intp)
    expected = np.full((len(kinds), block.table.shape[1]), np.nan)
    outcomes[solved] = block.outcomes(messages, responses)[solved]
    expected[solved] = block.expected_utilities(
        np.where(solved[:, None], messages, 0), np.where(responses < 0, 1, responses)
    )[solved]
    return outcomes, expected, kinds


def _compiled_way(
    function: object, scenario: kurilsim.Scenario, values: dict[str, np.ndarray],
    utilities: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inputs, table, low, high = _sweep_inputs(scenario, values, utilities)
    n = inputs.m
    out = (np.full((n, 2), -7, dtype=np.intp), np.full((n, table.shape[0]), -7.0),
           np.full(n, -7, dtype=np.intp))
    function(*_commitment_arguments(inputs, table, low, high), DEFAULT_TOL, *out)  # type: ignore[operator]
    return out


@pytest.mark.parametrize("name", BUNDLED)
def test_the_compact_block_holds_the_tables_numbers_bit_for_bit(name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    points = _points(scenario, 60, 1)
    values, utilities = _block_inputs(scenario, points, 1)
    tables = pledge_tables(scenario, values=values)
    # the sweep's utilities (points last) may differ from the tables' in the
    # last bit (BLAS rounds products of other shapes differently): on the
    # tables' own utilities the block's numbers are the tables', bit for bit
    assert np.allclose(np.moveaxis(utilities, -1, 0), tables.outcome_utilities,
                       rtol=0, atol=1e-12)
    block = _sweep_block(scenario, values, np.moveaxis(tables.outcome_utilities, 0, -1))
    assert np.array_equal(block.accept_sender, tables.sender[..., 0])
    assert np.array_equal(block.accept_receiver, tables.receiver[..., 0])
    assert np.all(block.reject_sender[:, None, None] == tables.sender[..., 1])
    assert np.all(block.reject_receiver[:, None, None] == tables.receiver[..., 1])
    assert np.array_equal(block.concluded, tables.concluded)
    assert np.array_equal(block.relevant(), tables.relevant())
    assert np.array_equal(block.inputs.prior, tables.prior)
    # and a profile's outcomes and expected utilities are the tables'
    rng = np.random.default_rng(2)
    messages = rng.integers(0, len(tables.labels), (60, 2))
    responses = rng.integers(0, 2, (60, len(tables.labels)))
    assert np.array_equal(block.outcomes(messages, responses),
                          tables.outcomes(messages, responses))
    assert np.allclose(block.expected_utilities(messages, responses),
                       tables.expected_utilities(messages, responses), rtol=0, atol=1e-12)
    if name == "2018-singapore":  # deals do happen, so the comparison bites
        assert len(set(block.outcomes(messages, responses).ravel().tolist())) > 2


@pytest.mark.parametrize("name", BUNDLED)
def test_the_compiled_loop_equals_the_numpy_way(name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    values, utilities = _block_inputs(scenario, _points(scenario, 400, 3), 3)
    expected = _numpy_way(scenario, values, utilities)
    got = _compiled_way(_pbe_kernel.commitment_games, scenario, values, utilities)
    assert np.array_equal(got[2] >= 0, expected[2] >= 0)
    assert np.array_equal(got[0], expected[0])
    assert np.allclose(got[1], expected[1], rtol=0, atol=1e-12, equal_nan=True)
    # the kind is the selection's (0 pooling, 1 separating), as select_pbe's
    assert np.array_equal(got[2], expected[2])


def test_the_plain_python_loop_equals_the_numpy_way() -> None:
    """Without numba the loop runs as Python (numba is optional)."""
    plain = getattr(_pbe_kernel.commitment_games, "py_func", _pbe_kernel.commitment_games)
    scenario = kurilsim.load_scenario("2018-singapore")
    values, utilities = _block_inputs(scenario, _points(scenario, 12, 4), 4)
    expected = _numpy_way(scenario, values, utilities)
    got = _compiled_way(plain, scenario, values, utilities)
    assert np.array_equal(got[0], expected[0])
    assert np.array_equal(got[2], expected[2])
    assert np.allclose(got[1], expected[1], rtol=0, atol=1e-12, equal_nan=True)


def test_the_points_cover_deals_for_one_type_both_and_none() -> None:
    """The draws above reach every kind of outcome, so the comparisons bite."""
    scenario = kurilsim.load_scenario("2018-singapore")
    values, utilities = _block_inputs(scenario, _points(scenario, 400, 3), 3)
    outcomes, _, kinds = _numpy_way(scenario, values, utilities)
    deals = (outcomes >= 0).sum(axis=1)
    assert {0, 1, 2} <= set(deals.tolist())
    assert {0, 1} <= set(kinds.tolist())


def _sweep_both_ways(
    scenario: kurilsim.Scenario, points: dict[str, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[kurilsim.SweepResult, kurilsim.SweepResult]:
    fused = kurilsim.sweep(scenario, points, concept="pbe", design="points", progress=False)
    with monkeypatch.context() as patch:
        patch.setitem(pbe._COMPILED_LOOPS, "commitment_games", None)
        patch.setitem(pbe._COMPILED_LOOPS, "proposal_games", None)
        plain = kurilsim.sweep(scenario, points, concept="pbe", design="points",
                               progress=False)
    return fused, plain


@pytest.mark.parametrize("name", ["2018-singapore", "2001-irkutsk", "1993-tokyo"])
def test_a_large_sweep_gives_the_same_with_and_without_the_compiled_loop(
    name: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = kurilsim.load_scenario(name)
    points = _points(scenario, 1200, 5)  # over the compiled loop's threshold
    fused, plain = _sweep_both_ways(scenario, points, monkeypatch)
    assert fused.metadata["fast"]
    assert plain.metadata["fast"]
    assert np.array_equal(fused.agreement, plain.agreement)
    assert np.array_equal(fused.probability, plain.probability)
    assert np.allclose(fused.utilities, plain.utilities, rtol=0, atol=1e-12)
    assert len(set(fused.agreement.tolist())) > 1


@pytest.mark.slow
def test_a_large_sweep_equals_the_per_point_solver_at_sample_points() -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    points = _points(scenario, 1100, 6)
    fast = kurilsim.sweep(scenario, points, concept="pbe", design="points", progress=False)
    probability = fast.probability
    # a point with a deal for one type only, one for both, one for neither
    picks = [int(np.flatnonzero(test)[0]) for test in (
        (probability > 0) & (probability < 1), probability == 1, probability == 0,
    ) if np.any(test)]
    assert len(picks) >= 2
    for k in picks:
        point = scenario.with_params({name: float(v[k]) for name, v in points.items()})
        outcome = kurilsim.solve_scenario(point, "pbe")
        code = outcome.agreement_index if outcome.agreement is not None else -1
        assert fast.agreement[k] == code
        assert fast.probability[k] == pytest.approx(outcome.probability, abs=1e-12)
        assert np.allclose(fast.utilities[k], outcome.utilities, rtol=0, atol=1e-9)


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(data=st.data(), name=st.sampled_from(["2018-singapore", "1993-tokyo",
                                             "2022-suspension"]))
def test_the_kernel_equals_the_per_point_solver_on_sweep_grids(
    data: st.DataObject, name: str
) -> None:
    scenario = kurilsim.load_scenario(name)
    grid = data.draw(sweep_grids(scenario, max_parameters=3, max_values=1))
    grid[CREDIBILITY] = np.array([data.draw(st.sampled_from([0.0, 0.3, 1.0]))])
    fast = kurilsim.sweep(scenario, grid, concept="pbe", progress=False)
    slow = kurilsim.sweep(scenario, grid, concept="pbe", progress=False, fast=False)
    assert fast.metadata["fast"]
    assert not slow.metadata["fast"]
    assert np.array_equal(fast.agreement, slow.agreement)
    assert np.allclose(fast.probability, slow.probability, rtol=0, atol=1e-12)
    assert np.allclose(fast.utilities, slow.utilities, rtol=0, atol=1e-9)


def test_the_compiled_kernel_refuses_utilities_its_settings_do_not_reproduce() -> None:
    from kurilsim import concepts

    scenario = kurilsim.load_scenario("1993-tokyo")
    other = scenario.with_params({"russia.security_weight": 2.0})
    utilities = np.ascontiguousarray(
        np.repeat(other.outcome_utilities()[:, :, None], 1000, axis=2))
    kernel = concepts.get("pbe").kernel
    assert kernel is not None
    with pytest.raises(InvalidModelError, match="settings do not reproduce"):
        kernel(scenario, utilities, {})
    own = np.ascontiguousarray(np.repeat(scenario.outcome_utilities()[:, :, None], 1000, axis=2))
    _, probability, expected, _ = kernel(scenario, own, {})
    outcome = kurilsim.solve_scenario(scenario, "pbe")
    assert np.allclose(probability, outcome.probability)
    assert np.allclose(expected, outcome.utilities[None, :], rtol=0, atol=1e-9)


def test_the_block_refuses_utilities_of_the_wrong_shape() -> None:
    scenario = kurilsim.load_scenario("1993-tokyo")
    values, utilities = _block_inputs(scenario, _points(scenario, 5, 7), 7)
    with pytest.raises(InvalidModelError, match="utilities must be"):
        _sweep_inputs(scenario, values, utilities[..., :4])


@pytest.mark.parametrize("name", ["2018-singapore", "1993-tokyo", "1956-declaration"])
def test_the_responders_ends_equal_one_evaluation_per_credibility(name: str) -> None:
    # _sweep_inputs evaluates the responder's utilities at credibility 0 and 1
    # in one call, on the responder's own and the shared parameters only: the
    # same numbers as an evaluation with every swept parameter at each level
    scenario = kurilsim.load_scenario(name)
    n = 40
    points = _points(scenario, n, 3)
    points["japan.demand"] = np.random.default_rng(3).choice([2.0, 4.0], size=n)
    shared = next(iter(scenario.shared_parameters()))  # under its first holder's name
    assert not shared.startswith("russia.")
    points[shared] = scenario.priors()[shared].ppf(np.linspace(0.05, 0.95, n))
    values, utilities = _block_inputs(scenario, points, 3)
    inputs, _, low, high = _sweep_inputs(scenario, values, utilities)
    responder = inputs.responder
    for level, got in ((0.0, low), (1.0, high)):
        everything = {**points, CREDIBILITY: np.full(n, level)}
        want = scenario.outcome_utilities(everything, points_last=True)[responder]
        assert np.allclose(got, want, rtol=0, atol=1e-12)
    # the shared parameter moves the responder's utilities, so it was used
    fixed = {**points, shared: np.full(n, scenario.parameters()[shared])}
    other = _sweep_inputs(scenario, {**values, shared: fixed[shared]},
                          scenario.outcome_utilities(fixed, points_last=True))
    assert not np.allclose(other[2], low)


def test_the_messages_are_remembered_per_scenario_object() -> None:
    from kurilsim.kuril.pledge import DEFAULT_CLAUSES, _cached_messages, _messages

    first = kurilsim.load_scenario("2018-singapore")
    second = kurilsim.load_scenario("1956-declaration")
    for scenario in (first, second, first):
        got = _cached_messages(scenario, DEFAULT_CLAUSES)
        want = _messages(scenario, DEFAULT_CLAUSES)
        assert np.array_equal(got[0], want[0])
        assert np.array_equal(got[1], want[1])
        assert got[2] == want[2]
        assert not got[0].flags.writeable
    assert _cached_messages(first, DEFAULT_CLAUSES) is _cached_messages(first, DEFAULT_CLAUSES)
    assert _cached_messages(first, DEFAULT_CLAUSES[:1])[2] == _messages(first, DEFAULT_CLAUSES[:1])[2]
