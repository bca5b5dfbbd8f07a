"""The ``nash`` sweep kernel: its rules against the per-point logit solver."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kurilsim
from kurilsim import (
    NO_DEAL,
    InvalidModelError,
    KurilsimError,
    PrecisionError,
    Scenario,
    concepts,
)
from kurilsim.solvers._nash_kernel import (
    FALLBACK,
    NO_DEAL_RULE,
    UNIQUE_RULE,
    nash_rules,
    nash_sweep_kernel,
)
from kurilsim.testing.strategies import sweep_grids

NASH = concepts.get("nash")
BUNDLED = kurilsim.list_scenarios()
HEADLINE = kurilsim.load_scenario("2018-singapore")
AXES = ("japan.demand", "russia.security_weight", "russia.pledge_credibility")
#: Points of the headline grid: (2, 0.8, 0.3) ends at an objectionable
#: agreement (rule U with the objector's cost), (4, 4, 0) and (2, 1.6, 0) in
#: no deal (rule N), (2, 0, 0) where the branch picks 21 over the subgame-
#: perfect 20 (fallback), (4, 1, 0.25) at agreement 2 (rule U).
POINTS = np.array([[2, 0.8, 0.3], [4, 4.0, 0.0], [2, 1.6, 0.0], [2, 0.0, 0.0],
                   [4, 1.0, 0.25]])


def _table(scenario: Scenario, values: dict[str, np.ndarray]) -> np.ndarray:
    return scenario.outcome_utilities(values, points_last=True)


def _kernel(scenario: Scenario, values: dict[str, np.ndarray], **options: Any
            ) -> Any:
    return nash_sweep_kernel(scenario, _table(scenario, values), values,
                             solve=NASH.solve, **options)


def _solve(scenario: Scenario, values: dict[str, np.ndarray], k: int) -> kurilsim.Outcome:
    point = scenario.with_params({n: np.asarray(v)[k].item() for n, v in values.items()})
    return NASH.solve(point)


def _headline(points: np.ndarray) -> dict[str, np.ndarray]:
    return {name: points[:, i] for i, name in enumerate(AXES)}


def _same_as_solver(scenario: Scenario, values: dict[str, np.ndarray], *,
                    cost_tol: float = 1e-3) -> Any:
    """Each point the rules decide equals the per-point solve there (the
    fallback's points are per-point solves by construction)."""
    try:
        found = _kernel(scenario, values)
    except KurilsimError as error:
        # the kernel passes on what the solver raises at a point it leaves to it
        # (a fallback point's solver error comes wrapped, as its cause, in the
        # InvalidModelError that hands the chunk to the per-point path)
        raised = type(error.__cause__ if error.__cause__ is not None else error)
        m = len(next(iter(values.values())))
        failures = 0
        for k in range(m):
            try:
                _solve(scenario, values, k)
            except raised:
                failures += 1
        if not failures:
            raise AssertionError(f"the kernel raised, no point does: {error}") from error
        return None
    protocol = scenario.protocol
    proposer = scenario.agent_names.index(protocol.proposer)
    for k in np.flatnonzero(found.rule != FALLBACK).tolist():
        try:
            outcome = _solve(scenario, values, k)
        except PrecisionError:
            # a tie below float64's resolution that the solver refuses, or
            # not, with the last bits of the utilities; the rules answer
            continue
        expected = NO_DEAL if outcome.agreement is None else outcome.agreement_index
        assert found.agreement[k] == expected, (k, outcome.distribution)
        assert abs(found.probability[k] - outcome.probability) <= 1e-9
        assert abs(found.mode_probability[k] - 1.0) <= 1e-9
        # the proposer's utility differs only by the objector's mix (1/2 on
        # the branch, polished nearby) times the objection cost it pays
        others = np.delete(np.arange(len(scenario.agents)), proposer)
        np.testing.assert_allclose(found.utilities[k, others],
                                   outcome.utilities[others], atol=1e-9)
        np.testing.assert_allclose(found.utilities[k, proposer],
                                   outcome.utilities[proposer],
                                   atol=1e-9 + cost_tol * protocol.objection_cost)
    return found


# -- the rules on small tables -------------------------------------------------------
def test_no_offer_better_for_both_is_no_deal() -> None:
    table = np.array([[[1.0], [-0.5], [0.0]], [[-0.2], [0.3], [0.0]]])
    rule, agreement = nash_rules(table, proposer=0, responder=1,
                                 available=np.ones(2, bool))
    assert rule.tolist() == [NO_DEAL_RULE]
    assert agreement.tolist() == [NO_DEAL]


def test_a_near_tie_with_the_status_quo_goes_to_the_fallback() -> None:
    # the second agreement leaves the responder 1e-12 short of its status quo
    table = np.array([[[1.0], [0.5], [0.0]], [[-0.2], [-1e-12], [0.0]]])
    rule, _ = nash_rules(table, proposer=0, responder=1, available=np.ones(2, bool))
    assert rule.tolist() == [FALLBACK]
    table[1, 1, 0] = -1e-3
    rule, _ = nash_rules(table, proposer=0, responder=1, available=np.ones(2, bool))
    assert rule.tolist() == [NO_DEAL_RULE]


def test_every_offer_vetoed_is_no_deal() -> None:
    table = np.array([[[1.0], [0.0]], [[1.0], [0.0]]])
    rule, agreement = nash_rules(table, proposer=0, responder=1,
                                 available=np.zeros(1, bool))
    assert rule.tolist() == [NO_DEAL_RULE]
    assert agreement.tolist() == [NO_DEAL]


def test_the_floor_decides_between_two_deals() -> None:
    # the responder ranks 0 first: accepted with probability > 1/2, worth > 0.5
    # to the proposer; 1 is worth 0.4 at most: only 0 is a candidate
    table = np.array([[[1.0], [0.4], [0.0]], [[0.5], [0.2], [0.0]]])
    rule, agreement = nash_rules(table, proposer=0, responder=1,
                                 available=np.ones(2, bool))
    assert rule.tolist() == [UNIQUE_RULE]
    assert agreement.tolist() == [0]
    # an expected objection cost of 0.45 on 0: both are candidates, but "the
    # limit offers 1" fails (the responder would accept 0 surely, worth 0.55)
    options = {"proposer": 0, "responder": 1, "available": np.ones(2, bool)}
    rule, agreement = nash_rules(table, cost=np.array([0.45, 0.0]), **options)
    assert rule.tolist() == [UNIQUE_RULE]
    assert agreement.tolist() == [0]
    # a cost of 0.7: both hypotheses pass, the path decides
    rule, _ = nash_rules(table, cost=np.array([0.7, 0.0]), **options)
    assert rule.tolist() == [FALLBACK]
    # a blocking objection on 0 leaves the rules only rule (N)
    rule, _ = nash_rules(table, proposer=0, responder=1, available=np.ones(2, bool),
                         unsettled=np.array([True, False]))
    assert rule.tolist() == [FALLBACK]


def test_an_offer_the_proposer_prefers_and_the_responder_ranks_higher_wins() -> None:
    # 1 is better for both than 0: the hypothesis "0" fails (the responder
    # accepts 1 surely if the proposer offers 0), "1" passes
    table = np.array([[[0.4], [1.0], [0.0]], [[0.1], [0.5], [0.0]]])
    rule, agreement = nash_rules(table, proposer=0, responder=1,
                                 available=np.ones(2, bool))
    assert rule.tolist() == [UNIQUE_RULE]
    assert agreement.tolist() == [1]


@settings(max_examples=40)
@given(scale=st.floats(1e-6, 1e6), shift=st.floats(-100.0, 100.0),
       k=st.integers(0, len(POINTS) - 1))
def test_the_rules_do_not_depend_on_payoff_units(scale: float, shift: float,
                                                 k: int) -> None:
    """Scaled and shifted utilities (and cost) give the same rules."""
    values = _headline(POINTS[k:k + 1])
    table = _table(HEADLINE, values)
    restricted = HEADLINE.protocol.objectionable_agreements(HEADLINE.space)
    cost = np.where(restricted, HEADLINE.protocol.objection_cost / 2, 0.0)
    options = {"proposer": 0, "responder": 1, "available": np.ones(38, bool)}
    before = nash_rules(table, cost=cost, **options)
    after = nash_rules((table + shift) * scale, cost=cost * scale, **options)
    assert [a.tolist() for a in after] == [b.tolist() for b in before]


# -- the kernel against the per-point solver ----------------------------------------
def test_the_kernel_equals_the_solver_on_headline_points() -> None:
    found = _same_as_solver(HEADLINE, _headline(POINTS))
    assert found is not None
    assert found.rule.tolist() == [UNIQUE_RULE, NO_DEAL_RULE, NO_DEAL_RULE, FALLBACK,
                                   UNIQUE_RULE]
    assert found.agreement.tolist() == [25, NO_DEAL, NO_DEAL, 21, 2]
    assert 0 < found.fallback_rate < 1


def test_the_fallback_point_is_the_solvers_answer() -> None:
    values = _headline(POINTS[3:4])
    found = _kernel(HEADLINE, values)
    outcome = _solve(HEADLINE, values, 0)
    assert found.rule.tolist() == [FALLBACK]
    assert found.agreement[0] == outcome.agreement_index == 21  # not the SPE's 20
    assert found.mode_probability[0] == outcome.distribution[21]
    np.testing.assert_array_equal(found.utilities[0], outcome.utilities)


def test_a_failing_fallback_point_hands_the_chunk_to_the_per_point_path() -> None:
    """A point's solver error at a fallback point must not stop the sweep (a
    SolverError from a kernel does): the kernel refuses the chunk instead, and
    the per-point path records the point's own error."""
    values = _headline(POINTS[3:4])

    def failing(scenario: Scenario) -> kurilsim.Outcome:
        raise PrecisionError("payoffs closer than float64 resolves")

    with pytest.raises(InvalidModelError, match=r"fallback failed at point 0 "
                       r"\(PrecisionError: payoffs closer"):
        nash_sweep_kernel(HEADLINE, _table(HEADLINE, values), values, solve=failing)


def test_objectionable_agreements_can_be_left_to_the_fallback() -> None:
    values = _headline(POINTS[:1])
    assert _kernel(HEADLINE, values).rule.tolist() == [UNIQUE_RULE]
    assert _kernel(HEADLINE, values, settle_objections=False).rule.tolist() == [FALLBACK]


@pytest.mark.parametrize("name", BUNDLED)
def test_the_kernel_equals_the_solver_on_bundled_scenarios(name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    values = {"russia.security_weight": np.array([0.5, 1.0, 4.0]),
              "japan.audience_cost": np.array([0.1, 0.3, 1.0])}
    assert _same_as_solver(scenario, values) is not None


@pytest.mark.slow
@settings(max_examples=15)
@given(data=st.data(), name=st.sampled_from(BUNDLED))
def test_the_kernel_equals_the_solver_on_random_grids(data: st.DataObject,
                                                      name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    grid = data.draw(sweep_grids(scenario, max_parameters=3, max_values=2))
    axes = np.meshgrid(*grid.values(), indexing="ij")
    _same_as_solver(scenario, {n: a.ravel() for n, a in zip(grid, axes, strict=True)})


@settings(max_examples=8)
@given(data=st.data(), name=st.sampled_from(BUNDLED))
def test_the_kernel_equals_the_solver_at_random_points(data: st.DataObject,
                                                       name: str) -> None:
    scenario = kurilsim.load_scenario(name)
    grid = data.draw(sweep_grids(scenario, max_parameters=3, max_values=1))
    _same_as_solver(scenario, grid)


def test_the_kernel_equals_the_solver_with_a_blocking_objection() -> None:
    scenario = kurilsim.load_scenario("2022-suspension")
    blocking = dataclasses.replace(scenario, protocol=dataclasses.replace(
        scenario.protocol, veto={}))
    values = {"russia.security_weight": np.linspace(0.0, 4.0, 9)}
    found = _same_as_solver(blocking, values)
    assert found is not None
    assert found.rule.size == 9


def test_fast_sweeps_equal_point_by_point_sweeps() -> None:
    grid = {"russia.security_weight": [0.0, 1.0, 4.0], "japan.demand": [2, 4]}
    fast = kurilsim.sweep(HEADLINE, grid, concept="nash", progress=False)
    slow = kurilsim.sweep(HEADLINE, grid, concept="nash", progress=False, fast=False)
    assert fast.metadata["fast"] is True
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.probability, slow.probability, atol=1e-9)
    np.testing.assert_allclose(fast.utilities, slow.utilities,
                               atol=1e-3 * HEADLINE.protocol.objection_cost)


# -- bad input -------------------------------------------------------------------------
def test_utilities_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(InvalidModelError, match=r"shape \(3, 39, m\)"):
        nash_sweep_kernel(HEADLINE, np.zeros((2, 39, 4)), {}, solve=NASH.solve)


def test_settings_that_do_not_reproduce_the_utilities_are_refused() -> None:
    values = _headline(POINTS[3:4])
    table = _table(HEADLINE, values)
    with pytest.raises(InvalidModelError, match="do not reproduce"):
        nash_sweep_kernel(HEADLINE, table, {}, solve=NASH.solve)


# -- round-off ---------------------------------------------------------------------------
@pytest.mark.slow
def test_the_rules_are_the_same_on_a_prescott_blas() -> None:
    """The rules read the utilities only through comparisons with margins:
    another BLAS kernel (which may round the utilities differently) decides
    the same points the same way."""
    code = (
        "import numpy as np, kurilsim\n"
        "from kurilsim.solvers._nash_kernel import nash_rules, _objection_terms\n"
        "s = kurilsim.load_scenario('2018-singapore')\n"
        "d, w, p = np.meshgrid([2, 4], np.linspace(0, 4, 41), np.linspace(0, 1, 41),"
        " indexing='ij')\n"
        "t = s.outcome_utilities({'japan.demand': d.ravel(), "
        "'russia.security_weight': w.ravel(), "
        "'russia.pledge_credibility': p.ravel()}, points_last=True)\n"
        "c, u, r = _objection_terms(s, True)\n"
        "rule, a = nash_rules(t, proposer=0, responder=1, available=np.ones(38, bool),"
        " unsettled=u, cost=c, responder_pays=r)\n"
        "print(','.join(map(str, rule.tolist())))\n"
        "print(','.join(map(str, a.tolist())))\n"
    )
    runs = []
    for coretype in ("Prescott", None):
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        done = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                              capture_output=True, text=True, timeout=300)
        runs.append(done.stdout)
    assert runs[0] == runs[1]
    rule = np.array(runs[0].splitlines()[0].split(","), dtype=int)
    assert (rule == NO_DEAL_RULE).any()
    assert (rule == UNIQUE_RULE).any()
