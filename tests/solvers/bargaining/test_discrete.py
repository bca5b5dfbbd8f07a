"""Discrete Nash bargaining and Kalai-Smorodinsky: reference loop = array kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import kurilsim
from kurilsim import InvalidGameError
from kurilsim.solvers.bargaining.discrete import (
    discrete_bargaining,
    discrete_bargaining_kernel,
)

TABLES = st.integers(1, 8).flatmap(
    lambda n: arrays(np.float64, (2, n + 1), elements=st.integers(-3, 3).map(float))
)


@given(TABLES, st.sampled_from(["nash", "kalai-smorodinsky"]))
def test_kernel_equals_reference(table: np.ndarray, rule: str) -> None:
    expected = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
    got = discrete_bargaining_kernel(
        table[0][:, None].copy(), table[1][:, None].copy(), rule=rule  # type: ignore[arg-type]
    )
    assert got.tolist() == [expected]


@given(TABLES, st.sampled_from(["nash", "kalai-smorodinsky"]))
def test_choice_is_individually_rational_and_undominated(table: np.ndarray, rule: str) -> None:
    choice = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
    gains = table[:, :-1] - table[:, -1:]
    if choice < 0:  # no agreement gives both a positive gain
        assert not np.any((gains[0] > 0) & (gains[1] > 0))
        return
    assert np.all(gains[:, choice] >= 0)
    assert np.any(gains[:, choice] > 0)
    # Pareto: no agreement is better for both (discrete Nash and KS pick undominated points)
    better = (gains[0] >= gains[0, choice]) & (gains[1] >= gains[1, choice])
    strictly = (gains[0] > gains[0, choice]) | (gains[1] > gains[1, choice])
    assert not np.any(better & strictly & (gains[0] >= 0) & (gains[1] >= 0))


@given(TABLES, st.floats(0.1, 10), st.floats(-5, 5))
def test_invariant_under_rescaling_one_party(table: np.ndarray, scale: float, shift: float) -> None:
    for rule in ("nash", "kalai-smorodinsky"):
        before = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
        after = discrete_bargaining(scale * table[0] + shift, table[1], rule=rule)  # type: ignore[arg-type]
        assert before == after


def test_known_choices() -> None:
    # gains (3,1), (2,2), (1,3): Nash product 3, 4, 3 -> the middle one
    first = [3.0, 2.0, 1.0, 0.0]
    second = [1.0, 2.0, 3.0, 0.0]
    assert discrete_bargaining(first, second) == 1
    assert discrete_bargaining(first, second, rule="kalai-smorodinsky") == 1
    # KS differs from Nash: gains (1,4), (2,2), (3,1); Nash products 4, 4, 3 (first
    # of the tie); KS with ideal (3,4): min ratios 1/3, 1/2, 1/4
    first, second = [1.0, 2.0, 3.0, 0.0], [4.0, 2.0, 1.0, 0.0]
    assert discrete_bargaining(first, second) == 0
    assert discrete_bargaining(first, second, rule="kalai-smorodinsky") == 1
    # a maximin tie is broken towards the undominated agreement: (1,1) vs (1,2)
    assert discrete_bargaining([1.0, 1.0, 2.0, 0.0], [1.0, 2.0, 1.0, 0.0],
                               rule="kalai-smorodinsky") == 1


def test_bad_input() -> None:
    with pytest.raises(InvalidGameError, match="rule"):
        discrete_bargaining([1.0, 0.0], [1.0, 0.0], rule="median")  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="shapes"):
        discrete_bargaining([1.0, 0.0], [1.0, 0.0, 2.0])


def test_scenario_concepts() -> None:
    scenario = kurilsim.load_scenario("2018-singapore").with_params(
        {"russia.pledge_credibility": 0.7}
    )
    for concept in ("nash-bargaining-discrete", "kalai-smorodinsky-discrete"):
        outcome = kurilsim.solve_scenario(scenario, concept)
        assert outcome.agreement is not None
        assert outcome.probability == 1.0
        assert outcome.certificate == 0.0
        assert outcome.utilities[0] >= scenario.status_quo_utilities()[0]
        assert outcome.utilities[1] >= scenario.status_quo_utilities()[1]
