"""Discrete Nash bargaining and Kalai-Smorodinsky: reference loop = array kernel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import kurilsim
from kurilsim import InvalidGameError
from kurilsim.solvers.bargaining.discrete import (
    DiscreteBargainingResult,
    discrete_bargaining,
    discrete_bargaining_certificate,
    discrete_bargaining_kernel,
    solve_discrete_bargaining,
)
from tests.bad_arguments import NAN, TABLE, Case, call, check_named, params

TABLES = st.integers(1, 8).flatmap(
    lambda n: arrays(np.float64, (2, n + 1), elements=st.integers(-3, 3).map(float))
)


@given(TABLES, st.sampled_from(["nash-bargaining", "kalai-smorodinsky"]))
def test_kernel_equals_reference(table: np.ndarray, rule: str) -> None:
    expected = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
    got = discrete_bargaining_kernel(
        table[0][:, None].copy(), table[1][:, None].copy(), rule=rule  # type: ignore[arg-type]
    )
    assert got.tolist() == [expected]


@given(TABLES, st.sampled_from(["nash-bargaining", "kalai-smorodinsky"]))
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
    for rule in ("nash-bargaining", "kalai-smorodinsky"):
        before = discrete_bargaining(table[0], table[1], rule=rule)
        after = discrete_bargaining(scale * table[0] + shift, table[1], rule=rule)
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
    # On a bundled scenario the discrete solutions are deals exactly when some
    # agreement gives both parties a strict gain, and then the brute-force
    # maximiser of the rule among the individually rational agreements.
    for credibility in (0.1, 0.4, 0.7, 1.0):
        scenario = kurilsim.load_scenario("2018-singapore").with_params(
            {"russia.pledge_credibility": credibility}
        )
        u = scenario.outcome_utilities()[:2]  # japan, russia; status quo last
        gains = u[:, :-1] - u[:, -1:]
        allowed = ~scenario.protocol.vetoed_agreements(scenario.space)
        rational = (gains >= 0).all(axis=0) & allowed
        for concept in ("nash-bargaining-discrete", "kalai-smorodinsky-discrete"):
            outcome = kurilsim.solve_scenario(scenario, concept)
            assert outcome.certificate == 0.0
            assert outcome.utilities[0] >= scenario.status_quo_utilities()[0]
            assert outcome.utilities[1] >= scenario.status_quo_utilities()[1]
            if not ((gains > 0).all(axis=0) & rational).any():
                continue
            assert outcome.agreement is not None
            assert outcome.probability == 1.0
            if concept == "nash-bargaining-discrete":
                product = np.where(rational, gains[0] * gains[1], -np.inf)
                index = scenario.space.index(outcome.agreement)
                assert product[index] == pytest.approx(product.max(), abs=1e-12)


class TestSolveDiscreteBargaining:
    """The certified twin of discrete_bargaining (deliverable 2 of issue 14)."""

    @given(TABLES, st.sampled_from(["nash-bargaining", "kalai-smorodinsky"]))
    def test_agrees_with_the_index_and_certifies_it(
        self, table: np.ndarray, rule: str
    ) -> None:
        result = solve_discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
        index = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
        assert result.index == index
        assert result.is_deal == (index != kurilsim.NO_DEAL)
        # the utilities of the chosen column (the status quo for no deal)
        np.testing.assert_array_equal(result.utilities, table[:, index])
        # the certificate is the checker's, and the rule's own choice passes it
        assert result.certificate == discrete_bargaining_certificate(
            table[0], table[1], index, rule=rule  # type: ignore[arg-type]
        )
        assert result.certificate == 0.0
        assert result.certificate <= result.tol
        # the rule admits shortfalls of at most tol times each range
        ranges = np.ptp(table, axis=1)
        assert np.all(table[:, -1] - table[:, index] <= result.tol * np.where(ranges > 0, ranges, 1.0))
        assert result.method == "enumeration"
        assert result.rule == rule
        assert result.tol == 1e-12

    def test_deal(self) -> None:
        result = solve_discrete_bargaining([3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0])
        assert isinstance(result, DiscreteBargainingResult)
        assert result.index == 1
        np.testing.assert_array_equal(result.utilities, [2.0, 2.0])
        assert result.certificate == 0.0
        assert result.message == (
            "agreement 1 (gains 2, 2 over the status quo) by the nash-bargaining rule"
        )
        assert result.method == "enumeration"
        assert result.rule == "nash-bargaining"

    def test_no_deal(self) -> None:
        result = solve_discrete_bargaining(
            [3.0, -1.0, 0.0], [-1.0, 2.0, 0.0], rule="kalai-smorodinsky", tol=1e-6
        )
        assert result.index == kurilsim.NO_DEAL
        assert not result.is_deal
        np.testing.assert_array_equal(result.utilities, [0.0, 0.0])
        assert result.certificate == 0.0
        assert result.tol == 1e-6
        assert result.message.startswith("no deal")
        assert result.method == "enumeration"
        assert result.rule == "kalai-smorodinsky"

    def test_frozen_and_read_only(self) -> None:
        result = solve_discrete_bargaining([3.0, 0.0], [1.0, 0.0])
        with pytest.raises(AttributeError):
            result.index = 0  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            result.utilities[0] = 1.0

    def test_bad_input(self) -> None:
        with pytest.raises(InvalidGameError, match="rule must be one of"):
            solve_discrete_bargaining([1.0, 0.0], [1.0, 0.0], rule="nash")  # type: ignore[arg-type]
        with pytest.raises(InvalidGameError, match="shapes"):
            solve_discrete_bargaining([1.0, 0.0], [1.0, 0.0, 2.0])


class TestDiscreteBargainingCertificate:
    """The certificate checks the choice itself, not only individual rationality."""

    @given(TABLES, st.sampled_from(["nash-bargaining", "kalai-smorodinsky"]))
    def test_passes_exactly_the_choices_the_rule_could_make(
        self, table: np.ndarray, rule: str
    ) -> None:
        # Oracle independent of the certificate code: b is a best choice iff the
        # rule picks it when b is moved to the front (ties go to the first).
        n = table.shape[1] - 1
        choice = discrete_bargaining(table[0], table[1], rule=rule)  # type: ignore[arg-type]
        for b in range(n):
            order = [b, *(a for a in range(n) if a != b), n]
            best = discrete_bargaining(table[0, order], table[1, order], rule=rule) == 0  # type: ignore[arg-type]
            certificate = discrete_bargaining_certificate(table[0], table[1], b, rule=rule)  # type: ignore[arg-type]
            assert (certificate <= 1e-12) == best, (b, certificate)
            assert 0.0 <= certificate <= 1.0
        no_deal = discrete_bargaining_certificate(table[0], table[1], -1, rule=rule)  # type: ignore[arg-type]
        assert no_deal == (0.0 if choice == kurilsim.NO_DEAL else 1.0)

    @given(
        arrays(np.float64, (2, 6), elements=st.floats(-10, 10)),
        st.sampled_from(["nash-bargaining", "kalai-smorodinsky"]),
        st.sampled_from([0.0, 1e-12, 1e-6, 0.1, 0.5]),
    )
    def test_rule_choice_is_certified_for_any_tol(
        self, table: np.ndarray, rule: str, tol: float
    ) -> None:
        result = solve_discrete_bargaining(table[0], table[1], rule=rule, tol=tol)  # type: ignore[arg-type]
        assert result.certificate == 0.0
        assert result.certificate <= result.tol == tol

    def test_wrong_choices_fail(self) -> None:
        tol = 1e-12
        # Nash: gains (3, 1), (2, 2), (1, 3) -> products 3, 4, 3: choice 1
        first, second = [3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0]
        assert discrete_bargaining_certificate(first, second, 1, tol=tol) == 0.0
        assert discrete_bargaining_certificate(first, second, 0, tol=tol) == 0.25
        assert discrete_bargaining_certificate(first, second, 2, tol=tol) == 0.25
        assert discrete_bargaining_certificate(first, second, -1, tol=tol) == 1.0
        # Kalai-Smorodinsky: ideal (3, 4), smallest shares 1/3, 1/2, 1/4: choice 1
        first, second = [1.0, 2.0, 3.0, 0.0], [4.0, 2.0, 1.0, 0.0]
        ks = {"rule": "kalai-smorodinsky", "tol": tol}
        assert discrete_bargaining_certificate(first, second, 1, **ks) == 0.0  # type: ignore[arg-type]
        assert discrete_bargaining_certificate(first, second, 0, **ks) == pytest.approx(1 / 3)  # type: ignore[arg-type]
        assert discrete_bargaining_certificate(first, second, 2, **ks) == pytest.approx(1 / 2)  # type: ignore[arg-type]
        # the tie-break: shares (1/2, 1/2) vs (1/2, 1): the sum 1 forgoes 1/3 of 3/2
        first, second = [1.0, 1.0, 2.0, 0.0], [1.0, 2.0, 1.0, 0.0]
        assert discrete_bargaining_certificate(first, second, 1, **ks) == 0.0  # type: ignore[arg-type]
        assert discrete_bargaining_certificate(first, second, 2, **ks) == 0.0  # type: ignore[arg-type]
        assert discrete_bargaining_certificate(first, second, 0, **ks) == pytest.approx(1 / 3)  # type: ignore[arg-type]

    def test_deal_where_the_rule_says_no_deal_fails(self) -> None:
        # agreement 0 costs the second party 1 of its range 3; no deal is right
        for rule in ("nash-bargaining", "kalai-smorodinsky"):
            first, second = [3.0, -1.0, 0.0], [-1.0, 2.0, 0.0]
            assert discrete_bargaining_certificate(first, second, -1, rule=rule) == 0.0
            assert discrete_bargaining_certificate(first, second, 0, rule=rule) == 1.0
            # a zero gain for one party: individually rational, but no deal is right
            assert discrete_bargaining_certificate([1.0, 0.0], [0.0, 0.0], 0, rule=rule) == 1.0
            assert discrete_bargaining_certificate([1.0, 0.0], [0.0, 0.0], -1, rule=rule) == 0.0

    def test_relative_units_of_tol(self) -> None:
        # rescaling a party's utilities changes nothing: the certificate is relative
        first, second = [3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0]
        scaled = [1000.0 * x + 7.0 for x in first]
        for b in (-1, 0, 1, 2):
            assert discrete_bargaining_certificate(first, second, b) == pytest.approx(
                discrete_bargaining_certificate(scaled, second, b)
            )
        # a shortfall within tol admits the agreement: IR part <= tol, gap 1 (product 0)
        assert discrete_bargaining_certificate(
            [2.0, -1.0, 0.0], [-0.1, 1.0, 0.0], 0, tol=0.1
        ) == 1.0

    def test_bad_index(self) -> None:
        with pytest.raises(InvalidGameError, match=r"index must be an integer in \[-1, 2\], got 3"):
            discrete_bargaining_certificate([3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0], 3)
        with pytest.raises(InvalidGameError, match="index must be an integer"):
            discrete_bargaining_certificate([1.0, 0.0], [1.0, 0.0], 0.0)  # type: ignore[arg-type]


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("discrete_bargaining-first-str", call(discrete_bargaining, ["x", "y"], [1.0, 0.0]),
     InvalidGameError, r"first must be an array of real numbers, got \['x', 'y'\]"),
    ("discrete_bargaining-second-nan", call(discrete_bargaining, [1.0, 0.0], [NAN, 0.0]),
     InvalidGameError, r"second must hold finite numbers, got \[nan, 0\.0\]"),
    ("discrete_bargaining-first-scalar", call(discrete_bargaining, 1.0, [1.0, 0.0]),
     InvalidGameError, r"first and second must be utility vectors .* shapes \(\) and \(2,\)"),
    ("discrete_bargaining-tol-str", call(discrete_bargaining, [1, 0], [1, 0], tol="x"),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got 'x'"),
    ("discrete_bargaining-tol-negative",
     call(discrete_bargaining, [1, 0], [1, 0], tol=-1.0),
     InvalidGameError, r"tol must be .* got -1\.0"),
    ("discrete_bargaining-rule-array",
     call(discrete_bargaining, [1, 0], [1, 0], rule=np.array(["nash-bargaining", "x"])),
     InvalidGameError, r"rule must be one of 'nash-bargaining', 'kalai-smorodinsky', got array"),
    ("discrete_bargaining_kernel-first-list",
     call(discrete_bargaining_kernel, [[1.0], [0.0]], TABLE),
     InvalidGameError, r"first must be a float array of shape .* got \[\[1\.0\], \[0\.0\]\]"),
    ("discrete_bargaining_kernel-second-shape",
     call(discrete_bargaining_kernel, TABLE, np.zeros((2, 2))),
     InvalidGameError, r"second must be a float array of shape \(3, 1\)"),
    ("discrete_bargaining_kernel-tol-list",
     call(discrete_bargaining_kernel, TABLE, TABLE, tol=[1e-12]),
     InvalidGameError, r"tol must be .* got \[1e-12\] \(list\)"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    assert discrete_bargaining([1.0, 0.0], [1.0, 0.0], tol=0.0) == 0
