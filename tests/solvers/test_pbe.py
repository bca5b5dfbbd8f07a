"""Tests of kurilsim.solvers.pbe: pure PBE, the Intuitive Criterion, the kernel."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kurilsim import (
    InvalidArgumentError,
    ProblemTooLargeError,
    SignallingGame,
    solve_pbe,
)
from kurilsim.solvers.pbe import (
    KINDS,
    PBEResult,
    intuitive_criterion,
    pbe_regret,
    pure_pbe,
    select_pbe,
)
from tests.bad_arguments import NAN, Case, call, check_named, params

SENDER = np.array([[[0, 2], [1, 3]], [[1, 3], [0, 2]]], dtype=float)
RECEIVER = np.array([[[1, 0], [1, 0]], [[0, 1], [0, 1]]], dtype=float)


def beer_quiche(prior: tuple[float, float] = (0.1, 0.9)) -> SignallingGame:
    """Cho and Kreps (1987, section II), with their prior 0.1 weak / 0.9 strong."""
    return SignallingGame(
        ["weak", "strong"], prior, ["beer", "quiche"], ["duel", "no duel"], SENDER, RECEIVER
    )


# --------------------------------------------------------------------------
# Beer-quiche (Cho and Kreps 1987)
# --------------------------------------------------------------------------


def test_beer_quiche_has_two_pooling_classes_and_no_separating_one() -> None:
    game = beer_quiche()
    found = pure_pbe(game)
    assert [(e.kind, e.sender.tolist()) for e in found] == [
        ("pooling", [0, 0]),  # both have beer
        ("pooling", [1, 1]),  # both have quiche
    ]
    beer, quiche = found
    # on the path the receiver does not duel (P(strong) = 0.9); off it, it
    # duels, which needs P(weak) >= 1/2 there
    assert beer.receiver.tolist() == [1, 0]
    assert quiche.receiver.tolist() == [0, 1]
    np.testing.assert_allclose(beer.beliefs[0], [0.1, 0.9])
    assert beer.off_path.tolist() == [False, True]
    assert beer.beliefs[1, 0] >= 0.5
    assert beer.belief_intervals is not None
    np.testing.assert_allclose(beer.belief_intervals[1], [0.0, 0.5], atol=1e-8)
    np.testing.assert_allclose(beer.belief_intervals[0], [0.9, 0.9])
    np.testing.assert_array_equal(beer.sender_payoffs, [2, 3])
    np.testing.assert_array_equal(quiche.sender_payoffs, [3, 2])
    assert beer.receiver_payoff == pytest.approx(0.9)
    assert all(e.regret == 0.0 for e in found)


def test_intuitive_criterion_eliminates_pooling_on_quiche() -> None:
    game = beer_quiche()
    beer, quiche = pure_pbe(game)
    # at beer, off the quiche path, the weak type is equilibrium-dominated
    # (3 from quiche unchallenged > 2 at best from beer); beliefs on the
    # strong type mean no duel, which gives the strong type 3 > 2.
    assert beer.intuitive
    assert not quiche.intuitive
    assert intuitive_criterion(game, beer)
    assert not intuitive_criterion(game, quiche)
    result = solve_pbe(game)
    assert isinstance(result, PBEResult)
    assert result.selected == beer
    assert result.kinds == ("pooling", "pooling")
    assert result.certificate == 0.0 <= result.tol
    assert "2 pure PBE (2 pooling); 1 survive" in result.message
    assert "> pooling PBE: weak->beer" in repr(result)


def test_solve_pbe_accepts_the_extensive_form() -> None:
    game = beer_quiche()
    result = solve_pbe(game.to_extensive())
    assert [(e.sender.tolist(), e.receiver.tolist(), e.intuitive) for e in result] == [
        ([0, 0], [1, 0], True), ([1, 1], [0, 1], False),
    ]
    assert result.game.messages == ("beer", "quiche")


def test_beer_quiche_with_a_weak_majority_has_no_pure_pbe() -> None:
    result = solve_pbe(beer_quiche((0.9, 0.1)))
    assert result.equilibria == ()
    assert result.selected is None
    assert "no pure PBE exists" in result.message
    chosen = select_pbe(SENDER, RECEIVER, [0.9, 0.1])
    assert chosen.kind == -1
    assert chosen.sender.tolist() == [-1, -1]
    assert chosen.receiver.tolist() == [-1, -1]


# --------------------------------------------------------------------------
# Spence's job market (Spence 1973), discrete education
# --------------------------------------------------------------------------

LEVELS = 4  # education 0, 1, 2, 3
LOW_WAGE, HIGH_WAGE = 1.0, 3.0  # the two types' productivities


def spence(cost_low: float, cost_high: float, prior_high: float = 0.3) -> SignallingGame:
    """Type L or H chooses education e; the firm pays the low or the high
    wage (it gains 1 for paying a worker its productivity); the worker's
    payoff is the wage minus its cost of education ``cost * e``."""
    costs = np.array([cost_low, cost_high])
    wages = np.array([LOW_WAGE, HIGH_WAGE])
    education = np.arange(LEVELS)
    sender = wages[None, None, :] - costs[:, None, None] * education[None, :, None]
    receiver = np.zeros((2, LEVELS, 2))
    receiver[0, :, 0] = 1.0
    receiver[1, :, 1] = 1.0
    return SignallingGame(
        ["L", "H"], [1 - prior_high, prior_high], [f"e={e}" for e in education],
        ["low wage", "high wage"], sender, receiver,
    )


def separating_levels(cost_low: float, cost_high: float) -> list[int]:
    """The stated condition: H's education e separates iff L does not mimic
    (``gap <= cost_low * e``) and H prefers it to the low wage at no
    education (``cost_high * e <= gap``), with ``gap`` the wage difference."""
    gap = Fraction(HIGH_WAGE - LOW_WAGE)
    low, high = Fraction(cost_low), Fraction(cost_high)
    return [e for e in range(1, LEVELS) if gap <= low * e and high * e <= gap]


@pytest.mark.parametrize(
    ("cost_low", "cost_high", "exists"),
    [
        # a separating equilibrium exists iff some level e in {1, 2, 3} has
        # gap / cost_low <= e <= gap / cost_high (gap = 2): the high type's
        # cost must be below the low type's, by enough that a level fits
        (3.0, 1.0, True),  # e = 1 (and 2: 1.0 * 2 <= 2)
        (1.5, 0.5, True),  # e = 2, 3 (L is deterred from e >= 4/3)
        (1.5, 1.0, True),  # e = 2 exactly: H is indifferent (2 / 1.0 = 2)
        (1.5, 1.2, False),  # margin too small: L mimics e = 1; H will not pay e = 2
        (1.0, 3.0, False),  # the cost ranking reversed
        (0.9, 0.9, False),  # equal costs: whoever separates is mimicked
    ],
)
def test_spence_separating_equilibrium_exists_iff_the_cost_margin_holds(
    cost_low: float, cost_high: float, exists: bool
) -> None:
    found = pure_pbe(spence(cost_low, cost_high))
    separating = sorted(int(e.sender[1]) for e in found if e.kind == "separating")
    assert bool(separating) is exists
    assert separating == separating_levels(cost_low, cost_high)
    for e in found:
        if e.kind == "separating":
            assert e.sender[0] == 0  # L never pays for education when it is found out
            assert e.receiver[e.sender].tolist() == [0, 1]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 16).map(lambda k: k / 4),
    st.integers(1, 16).map(lambda k: k / 4),
)
def test_spence_condition_on_a_grid_of_costs(cost_low: float, cost_high: float) -> None:
    found = pure_pbe(spence(cost_low, cost_high))
    separating = sorted(int(e.sender[1]) for e in found if e.kind == "separating")
    assert separating == separating_levels(cost_low, cost_high)


def test_spence_intuitive_criterion_keeps_the_least_cost_separation() -> None:
    # gap 2, cost_low 0.8: L is deterred from e >= 2.5, i.e. e = 3 at this
    # grid... choose cost_low 1.5: e >= 4/3, so e in {2, 3} separate (H's
    # cost 0.5 allows up to 4); only e = 2 (the Riley outcome) is intuitive.
    found = pure_pbe(spence(1.5, 0.5))
    separating = {int(e.sender[1]): e.intuitive for e in found if e.kind == "separating"}
    assert separating == {2: True, 3: False}


# --------------------------------------------------------------------------
# Cheap talk and degenerate priors
# --------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_cheap_talk_always_has_babbling_equilibria(data: st.DataObject) -> None:
    T = data.draw(st.integers(2, 3))
    M = data.draw(st.integers(1, 3))
    R = data.draw(st.integers(2, 3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    # payoffs that do not depend on the message
    sender = np.repeat(rng.integers(0, 4, (T, 1, R)).astype(float), M, axis=1)
    receiver = np.repeat(rng.integers(0, 4, (T, 1, R)).astype(float), M, axis=1)
    prior = rng.dirichlet(np.ones(T))
    game = SignallingGame(
        [f"t{t}" for t in range(T)], prior, [f"m{m}" for m in range(M)],
        [f"r{r}" for r in range(R)], sender, receiver,
    )
    found = pure_pbe(game)
    for m in range(M):
        for r in game.receiver_best_responses(m, prior):
            assert any(
                e.kind == "pooling" and e.sender[0] == m and e.receiver[m] == r
                for e in found
            ), (m, r)


def test_degenerate_prior_is_complete_information() -> None:
    game = beer_quiche((1.0, 0.0))
    found = pure_pbe(game)
    # the receiver knows the type is weak and duels whatever it sees; the
    # weak type has its quiche, the (probability zero) strong type its beer
    assert [(e.kind, e.sender.tolist(), e.receiver.tolist()) for e in found] == [
        ("separating", [1, 0], [0, 0])
    ]
    assert found[0].off_path.tolist() == [True, False]
    np.testing.assert_allclose(found[0].beliefs, [[1, 0], [1, 0]])
    chosen = select_pbe(SENDER, RECEIVER, [1.0, 0.0])
    assert chosen.sender.tolist() == [1, 0]
    assert chosen.receiver.tolist() == [0, 0]
    assert chosen.kind == KINDS.index("separating")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_certain_type_gets_its_complete_information_payoff(seed: int, M: int) -> None:
    rng = np.random.default_rng(seed)
    sender, receiver = rng.random((2, M, 2)), rng.random((2, M, 2))
    game = SignallingGame(
        ["a", "b"], [1.0, 0.0], [f"m{m}" for m in range(M)], ["x", "y"], sender, receiver
    )
    selected = solve_pbe(game).selected
    assert selected is not None  # the known type's best message always works
    informed = np.argmax(receiver[0], axis=1)  # the receiver's reply to type a
    best = max(sender[0, m, informed[m]] for m in range(M))
    assert selected.sender_payoffs[0] == best


# --------------------------------------------------------------------------
# Independent checks: brute force over all receiver strategies
# --------------------------------------------------------------------------


def _lp_supports(payoffs: np.ndarray, response: int, slack: float) -> bool:
    k, n = payoffs.shape
    others = [r for r in range(n) if r != response]
    if not others:
        return True
    gains = payoffs[:, [response]] - payoffs[:, others]
    result = linprog(
        np.zeros(k), A_ub=-gains.T, b_ub=np.full(len(others), slack),
        A_eq=np.ones((1, k)), b_eq=[1.0], bounds=(0, None), method="highs",
    )
    return bool(result.status == 0)


def brute_force(game: SignallingGame, tol: float = 1e-9) -> set[tuple[tuple[int, ...], ...]]:
    """All pure PBE by enumerating every receiver strategy (R**M of them),
    as (messages of the types, responses at the sent messages)."""
    T, M, R = game.shape
    uS, uR, prior = game.sender_payoffs, game.receiver_payoffs, game.prior
    slack_s, slack_r = tol * game.payoff_ranges
    allowed = game.senders_allowed
    supported = {}  # (m, r): some admissible belief supports r at m (an LP)
    for m in range(M):
        positive = [t for t in range(T) if allowed[t, m] and prior[t] > 0]
        support = positive or [t for t in range(T) if allowed[t, m]]
        for r in range(R):
            supported[m, r] = _lp_supports(uR[support, m, :], r, slack_r)
    found = set()
    for profile in itertools.product(*(np.flatnonzero(allowed[t]) for t in range(T))):
        sent = sorted({int(m) for m in profile})
        for rho in itertools.product(range(R), repeat=M):
            ok = True
            for m in range(M):
                senders = [t for t in range(T) if profile[t] == m]
                mass = prior[senders].sum()
                if mass > 0:
                    mu = np.zeros(T)
                    mu[senders] = prior[senders] / mass
                    values = mu @ uR[:, m, :]
                    ok = values[rho[m]] >= values.max() - slack_r
                else:
                    ok = supported[m, rho[m]]
                if not ok:
                    break
            if not ok:
                continue
            own = [uS[t, profile[t], rho[profile[t]]] for t in range(T)]
            if all(
                uS[t, m, rho[m]] <= own[t] + slack_s
                for t in range(T) for m in range(M) if allowed[t, m]
            ):
                found.add((tuple(int(m) for m in profile), tuple(rho[m] for m in sent)))
    return found


@st.composite
def small_games(draw: st.DrawFn, max_types: int = 3) -> SignallingGame:
    T = draw(st.integers(1, max_types))
    M = draw(st.integers(1, 3))
    R = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sender = rng.integers(0, 3, (T, M, R)).astype(float)
    receiver = rng.integers(0, 3, (T, M, R)).astype(float)
    weights = np.array(draw(st.lists(st.sampled_from([0, 1, 2, 5]), min_size=T, max_size=T)))
    if weights.sum() == 0:
        weights[0] = 1
    allowed = rng.random((T, M)) < 0.8
    allowed[np.arange(T), rng.integers(0, M, T)] = True
    allowed[rng.integers(0, T, M), np.arange(M)] = True
    return SignallingGame(
        [f"t{t}" for t in range(T)], weights / weights.sum(), [f"m{m}" for m in range(M)],
        [f"r{r}" for r in range(R)], sender, receiver, allowed=allowed,
    )


@settings(max_examples=30, deadline=None)
@given(small_games())
def test_enumeration_matches_brute_force_and_passes_its_check(game: SignallingGame) -> None:
    _check_against_brute_force(game)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(small_games())
def test_enumeration_matches_brute_force_on_many_games(game: SignallingGame) -> None:
    _check_against_brute_force(game)


def _check_against_brute_force(game: SignallingGame) -> None:
    found = pure_pbe(game)
    classes = {
        (tuple(e.sender.tolist()), tuple(e.receiver[sorted(set(e.sender.tolist()))].tolist()))
        for e in found
    }
    assert len(classes) == len(found)  # one entry per class
    assert classes == brute_force(game)
    for e in found:
        assert pbe_regret(game, e) <= 1e-9  # recomputed from scratch
        assert e.regret == pbe_regret(game, e)
        assert e.kind == (
            "pooling" if len(set(e.sender.tolist())) == 1
            else "separating" if len(set(e.sender.tolist())) == game.n_types
            else "semi-separating"
        )
        assert intuitive_criterion(game, e) is e.intuitive
        sent = set(e.sender.tolist())
        for m in range(game.n_messages):
            mass = game.prior[e.sender == m].sum()
            assert e.off_path[m] == (mass == 0)
            if m not in sent:  # the representative deters every type
                assert game.sender_payoffs[:, m, e.receiver[m]][
                    game.senders_allowed[:, m]
                ].max(initial=-math.inf) <= (e.sender_payoffs[game.senders_allowed[:, m]] + 1e-9).min(
                    initial=math.inf
                ) or all(
                    game.sender_payoffs[t, m, e.receiver[m]] <= e.sender_payoffs[t] + 1e-9
                    for t in range(game.n_types) if game.senders_allowed[t, m]
                )


def test_pbe_regret_flags_wrong_beliefs() -> None:
    game = beer_quiche()
    beer = pure_pbe(game)[0]
    wrong = type(beer)(
        beer.sender, beer.receiver, np.array([[0.5, 0.5], [1.0, 0.0]]),
        belief_intervals=None, off_path=beer.off_path, kind=beer.kind,
        sender_payoffs=beer.sender_payoffs, receiver_payoff=beer.receiver_payoff,
        intuitive=beer.intuitive, regret=0.0,
    )
    assert pbe_regret(game, wrong) == math.inf  # not Bayes' rule on the path
    not_nash = type(beer)(
        beer.sender, np.array([0, 0]), beer.beliefs,
        belief_intervals=None, off_path=beer.off_path, kind=beer.kind,
        sender_payoffs=beer.sender_payoffs, receiver_payoff=beer.receiver_payoff,
        intuitive=beer.intuitive, regret=0.0,
    )
    assert pbe_regret(game, not_nash) > 0.5  # the receiver duels the likely strong type


# --------------------------------------------------------------------------
# Selection and the batch kernel
# --------------------------------------------------------------------------


def test_solve_pbe_selection_options() -> None:
    game = beer_quiche()
    quiche = pure_pbe(game)[1]
    result = solve_pbe(game, select=lambda equilibria: equilibria[1])
    assert result.selected == quiche
    assert result.rule == "custom"
    assert solve_pbe(game, select="sender-optimal").rule == "sender-optimal"
    with pytest.raises(InvalidArgumentError, match="select must be one of"):
        solve_pbe(game, select="receiver-optimal")
    with pytest.raises(InvalidArgumentError, match="not one of the PBE"):
        solve_pbe(game, select=lambda equilibria: "beer")  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidArgumentError, match="must be a SignallingGame"):
        solve_pbe("beer quiche")  # type: ignore[arg-type]


def _selected_by_solver(
    sender: np.ndarray, receiver: np.ndarray, prior: np.ndarray, allowed: np.ndarray
) -> tuple[list[int], list[int], int]:
    T, M, R = sender.shape
    game = SignallingGame(
        [f"t{t}" for t in range(T)], prior, [f"m{m}" for m in range(M)],
        [f"r{r}" for r in range(R)], sender, receiver, allowed=allowed,
    )
    chosen = solve_pbe(game).selected
    if chosen is None:
        return [-1] * T, [-1] * M, -1
    return chosen.sender.tolist(), chosen.receiver.tolist(), KINDS.index(chosen.kind)


KERNEL_CASES = (
    st.integers(0, 2**32 - 1),
    st.integers(1, 5),
    st.booleans(),
    st.sampled_from([(2, 2), (2, 3), (3, 2)]),
)


@settings(max_examples=25, deadline=None)
@given(*KERNEL_CASES)
def test_kernel_equals_the_solver_point_by_point(
    seed: int, M: int, integer: bool, shape: tuple[int, int]
) -> None:
    _check_kernel(seed, M, integer, shape)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(*KERNEL_CASES)
def test_kernel_equals_the_solver_on_many_batches(
    seed: int, M: int, integer: bool, shape: tuple[int, int]
) -> None:
    _check_kernel(seed, M, integer, shape)


def _check_kernel(seed: int, M: int, integer: bool, shape: tuple[int, int]) -> None:
    T, R = shape
    rng = np.random.default_rng(seed)
    n = 24 if (T, R) == (2, 2) else 3
    if integer:  # many ties
        sender = rng.integers(0, 3, (n, T, M, R)).astype(float)
        receiver = rng.integers(0, 3, (n, T, M, R)).astype(float)
    else:
        sender, receiver = rng.random((n, T, M, R)), rng.random((n, T, M, R))
    weights = rng.choice([0.0, 0.1, 0.25, 1.0, rng.random()], size=(n, T))
    weights[weights.sum(axis=1) == 0, 0] = 1.0
    prior = weights / weights.sum(axis=1, keepdims=True)
    allowed = rng.random((n, T, M)) < 0.8
    allowed[:, np.arange(T), rng.integers(0, M, T)] = True
    allowed[:, rng.integers(0, T, M), np.arange(M)] = True
    chosen = select_pbe(sender, receiver, prior, allowed=allowed)
    assert chosen.sender.shape == (n, T)
    assert chosen.receiver.shape == (n, M)
    for i in range(n):
        expected = _selected_by_solver(sender[i], receiver[i], prior[i], allowed[i])
        got = (chosen.sender[i].tolist(), chosen.receiver[i].tolist(), int(chosen.kind[i]))
        assert got == expected, i


def test_kernel_broadcasts_batch_dimensions() -> None:
    priors = np.stack([np.linspace(0, 1, 5), 1 - np.linspace(0, 1, 5)], axis=-1)  # (5, 2)
    costs = np.linspace(0, 2, 3)[:, None, None, None]  # (3, 1, 1, 1)
    sender = SENDER - costs * np.array([0.0, 1.0])  # the no-duel bonus shrinks
    chosen = select_pbe(sender[:, None], RECEIVER, priors)
    assert chosen.sender.shape == (3, 5, 2)
    assert chosen.receiver.shape == (3, 5, 2)
    assert chosen.kind.shape == (3, 5)
    for a in range(3):
        for b in range(5):
            expected = _selected_by_solver(
                sender[a], RECEIVER, priors[b], np.ones((2, 2), dtype=bool)
            )
            got = (
                chosen.sender[a, b].tolist(), chosen.receiver[a, b].tolist(),
                int(chosen.kind[a, b]),
            )
            assert got == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prior": [0.5, 0.6]}, "sum to 1"),
        ({"prior": [0.5, 0.25, 0.25]}, "do not broadcast"),
        ({"allowed": np.ones((2, 2))}, "boolean array"),
        ({"allowed": np.ones((3, 2), dtype=bool)}, "do not broadcast"),
        ({"allowed": np.array([[True, True], [False, False]])}, "every type a message"),
        ({"allowed": np.array([[True, False], [True, False]])}, "every message"),
        ({"rule": "receiver-optimal"}, "rule must be one of"),
        ({"sender_payoffs": np.zeros((2, 2))}, "must be"),
    ],
)
def test_kernel_refuses_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "sender_payoffs": SENDER, "receiver_payoffs": RECEIVER, "prior": [0.1, 0.9],
    }
    args.update(kwargs)
    with pytest.raises(InvalidArgumentError, match=match):
        select_pbe(**args)  # type: ignore[arg-type]


def test_kernel_on_an_empty_batch() -> None:
    chosen = select_pbe(np.zeros((0, 2, 3, 2)), np.zeros((0, 2, 3, 2)), [0.5, 0.5])
    assert chosen.sender.shape == (0, 2)
    assert chosen.receiver.shape == (0, 3)
    assert chosen.kind.shape == (0,)


def test_three_types_semi_separating() -> None:
    # the reward (response 1) is worth 1.5 to every type; message "costly"
    # costs the two low types 2 and the high type nothing; the receiver
    # rewards the high type only
    sender = np.zeros((3, 2, 2))
    sender[:, :, 1] = 1.5
    sender[:2, 1, :] -= 2.0
    receiver = np.zeros((3, 2, 2))
    receiver[:2, :, 0] = 1.0
    receiver[2, :, 1] = 1.0
    game = SignallingGame(
        ["low", "middle", "high"], [0.4, 0.4, 0.2], ["plain", "costly"],
        ["none", "reward"], sender, receiver,
    )
    result = solve_pbe(game)
    kinds = {(tuple(e.sender.tolist()), e.kind) for e in result}
    assert ((0, 0, 1), "semi-separating") in kinds
    semi = next(e for e in result if e.kind == "semi-separating")
    np.testing.assert_allclose(semi.beliefs, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    assert semi.belief_intervals is None  # three types
    assert semi.ex_ante_sender_payoff(game.prior) == pytest.approx(0.2 * 1.5)
    assert "semi-separating PBE: low->plain, middle->plain, high->costly" in semi.describe(game)
    assert result.selected is not None
    # the kernel's general path agrees
    chosen = select_pbe(sender, receiver, game.prior)
    assert chosen.sender.tolist() == result.selected.sender.tolist()
    assert KINDS[int(chosen.kind)] == result.selected.kind


def test_result_follows_the_solver_result_contract() -> None:
    from kurilsim.solvers.results import SolverResult

    result = solve_pbe(beer_quiche())
    assert isinstance(result, SolverResult)
    assert result.method == "pure-enumeration"
    assert result.complete
    assert result.certificate <= result.tol
    assert len(result) == 2
    assert result[0] == result.selected


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
# (issue 16 review: before the fix, a PBE of another game or a non-PBE raised
# a raw IndexError or AttributeError, and tol >= 1, which makes every response
# a best one, was accepted)
_THREE = SignallingGame(
    ["a", "b", "c"], [0.2, 0.3, 0.5], ["beer", "quiche"], ["duel", "no duel"],
    np.zeros((3, 2, 2)), np.zeros((3, 2, 2)),
)
_POOL_BEER = pure_pbe(beer_quiche())[0]

BAD_ARGUMENTS: list[Case] = [
    ("intuitive_criterion-pbe-int", call(intuitive_criterion, beer_quiche(), 5),
     InvalidArgumentError, r"pbe must be a PBE \(from pure_pbe\), got 5 \(int\)"),
    ("intuitive_criterion-pbe-of-another-game",
     call(intuitive_criterion, _THREE, _POOL_BEER),
     InvalidArgumentError, r"pbe does not fit the game's 3 types, 2 messages .* \[0, 0\]"),
    ("pbe_regret-pbe-none", call(pbe_regret, beer_quiche(), None),
     InvalidArgumentError, r"pbe must be a PBE .* got None"),
    ("pbe_regret-pbe-of-another-game", call(pbe_regret, _THREE, _POOL_BEER),
     InvalidArgumentError, r"pbe does not fit the game's 3 types"),
    ("pure_pbe-tol-one", call(pure_pbe, beer_quiche(), tol=1.0),
     InvalidArgumentError, r"tol must be a finite number in \[0, 1\), got 1\.0"),
    ("solve_pbe-tol-nan", call(solve_pbe, beer_quiche(), tol=NAN),
     InvalidArgumentError, r"tol must be a finite number in \[0, 1\), got nan"),
    ("select_pbe-tol-big", call(select_pbe, SENDER, RECEIVER, [0.1, 0.9], tol=5),
     InvalidArgumentError, r"tol must be a finite number in \[0, 1\), got 5"),
    ("pure_pbe-max_work-zero", call(pure_pbe, beer_quiche(), max_work=0),
     InvalidArgumentError, r"max_work must be a finite number > 0, got 0"),
    ("solve_pbe-max_work-str", call(solve_pbe, beer_quiche(), max_work="many"),
     InvalidArgumentError, r"max_work must be a finite number > 0, got 'many'"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(call: Callable[[], Any], error: type[Exception], pattern: str) -> None:
    check_named(call, error, pattern)


def _random_game(n_types: int, n_messages: int, n_responses: int) -> SignallingGame:
    rng = np.random.default_rng(16)
    shape = (n_types, n_messages, n_responses)
    return SignallingGame(
        [f"t{k}" for k in range(n_types)], np.full(n_types, 1 / n_types),
        [f"m{k}" for k in range(n_messages)], [f"r{k}" for k in range(n_responses)],
        rng.random(shape), rng.random(shape),
    )


def test_the_enumeration_refuses_a_runaway_game_at_once() -> None:
    # 12 types over 12 messages: 12**12 = 8.9e12 sender strategies, 3e7 left
    # after dropping each type's dominated messages -- before the budget
    # pure_pbe simply ran (for hours)
    game = _random_game(12, 12, 2)
    with pytest.raises(
        ProblemTooLargeError,
        match=r"about \S+ candidate equilibria \(sender strategies of 12 types over 12 "
        r"messages\), more than max_work=5e\+06; pass a larger max_work",
    ) as caught:
        solve_pbe(game)
    assert isinstance(caught.value, MemoryError)
    assert caught.value.estimate is not None
    assert caught.value.estimate > 5e6
    # the batch kernel's general path (three types) is budgeted over the batch
    batch = np.broadcast_to(game.sender_payoffs[:3], (10, 3, 12, 2))
    with pytest.raises(ProblemTooLargeError, match=r"10 games of 3 types over 12 messages"):
        select_pbe(batch, batch, np.full(3, 1 / 3), max_work=10_000)


def test_the_enumeration_stops_when_ties_exceed_the_budget() -> None:
    # every payoff zero: every response is a best reply everywhere and every
    # profile a PBE (4**4 sender strategies, each with 2**k tied responses);
    # the budget counts the candidates examined as it goes
    zero = np.zeros((4, 4, 2))
    game = SignallingGame(
        ["a", "b", "c", "d"], np.full(4, 0.25), ["w", "x", "y", "z"], ["no", "yes"], zero, zero
    )
    with pytest.raises(ProblemTooLargeError, match=r"examined more than max_work=1000 "):
        pure_pbe(game, max_work=1000)
    assert len(pure_pbe(game, max_work=10**6)) > 256


def test_a_budget_that_suffices_leaves_the_answer_unchanged() -> None:
    game = beer_quiche()
    small = solve_pbe(game, max_work=2 * 2 + 2 * 40)
    assert [e.sender.tolist() for e in small] == [e.sender.tolist() for e in solve_pbe(game)]


def test_a_result_with_many_equilibria_and_messages_prints_briefly() -> None:
    # a receiver indifferent everywhere: every sender strategy that no type
    # wants to leave is a PBE, with both responses at each sent message.
    # Before the issue 16 review, repr listed all of them with every
    # message's response (76 MB for the 2018 pledge game)
    game = SignallingGame(
        ["a", "b"], [0.5, 0.5], [f"m{k}" for k in range(12)], ["no", "yes"],
        np.zeros((2, 12, 2)), np.zeros((2, 12, 2)),
    )
    result = solve_pbe(game)
    assert len(result) > 100
    text = repr(result)
    lines = text.splitlines()
    assert len(lines) == 1 + 10 + 1 + 1  # header, 10 listed, "... and", message
    assert lines[-2] == f"  ... and {len(result) - 10} more (see .equilibria)"
    assert "off the path (11 messages): no 11; intuitive" in lines[1]
    assert lines[1].startswith("> pooling PBE: a->m0, b->m0; responses m0:no;")
    # a few messages: every response listed, as before
    assert "beer:no duel, quiche:duel* (* off path)" in repr(solve_pbe(beer_quiche()))


def test_the_off_path_representative_does_not_depend_on_round_off() -> None:
    # at the unsent message 0 both responses deter every type with the same
    # largest gain (-1 = max(1 - 2, 2 - 3) = max(-3 - 2, 2 - 3)); before the
    # issue 16 review the tie was decided by exact float comparison, so the
    # affine rescaling 0.1 * u + 0.3 (which rounds the two gains apart)
    # answered "reject" there instead of the lowest index
    sender = np.array([[[1.0, -3.0], [2.0, 2.0]], [[1.0, 2.0], [3.0, 1.0]]])
    receiver = np.array([[[-3.0, -3.0], [-3.0, -3.0]], [[3.0, 0.0], [1.0, 1.0]]])
    prior = np.array([0.32896009, 0.67103991])
    expected = select_pbe(sender, receiver, prior)
    assert expected.sender.tolist() == [1, 1]
    assert expected.receiver.tolist() == [0, 0]
    for scale, shift in [(0.1, 0.3), (1e-3, 0.0), (1e4, 0.0), (1.0, 1e6)]:
        chosen = select_pbe(scale * sender + shift, scale * receiver + shift, prior)
        assert chosen.receiver.tolist() == [0, 0], (scale, shift)
        game = SignallingGame(
            ["t0", "t1"], prior, ["m0", "m1"], ["r0", "r1"],
            scale * sender + shift, scale * receiver + shift,
        )
        selected = solve_pbe(game).selected
        assert selected is not None
        assert selected.receiver.tolist() == [0, 0], (scale, shift)
