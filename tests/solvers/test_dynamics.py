"""Replicator dynamics and fictitious play: known limits and known cycles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    NormalFormGame,
    SolverError,
)
from kurilsim.solvers.dynamics import fictitious_play, replicator_dynamics
from tests.bad_arguments import INF, NAN, PD, Case, call, check_named, params

RPS = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
# Shapley (1964): fictitious play cycles.
SHAPLEY_A = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
SHAPLEY_B = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)


def test_replicator_prisoners_dilemma_converges_to_defection() -> None:
    A = np.array([[3, 0], [5, 1]], dtype=float)
    game = NormalFormGame([A, A.T])
    path = replicator_dynamics(game, t_max=30.0)
    assert path.profiles[0].shape == (501, 2)
    assert path.final[0][1] > 0.999
    assert game.regret(path.final) < 1e-2
    # defection's share rises monotonically
    assert np.all(np.diff(path.profiles[0][:, 1]) >= -1e-8)


def test_replicator_rps_orbit_is_closed_not_convergent() -> None:
    game = NormalFormGame([RPS, -RPS])
    start = ([0.5, 0.3, 0.2], [0.2, 0.5, 0.3])
    path = replicator_dynamics(game, start, t_max=40.0, n_points=2001)
    # sum of log-probabilities is a constant of motion for zero-sum RPS
    invariant = np.log(path.profiles[0]).sum(axis=1) + np.log(path.profiles[1]).sum(axis=1)
    assert np.ptp(invariant) < 1e-5
    # and the path stays away from the equilibrium (1/3, 1/3, 1/3)
    distance = np.abs(path.profiles[0] - 1 / 3).max(axis=1)
    assert distance.min() > 0.01


def test_replicator_simplex_and_random_start_reproducible() -> None:
    rng_game = np.random.default_rng(0)
    game = NormalFormGame([rng_game.standard_normal((2, 3, 2)) for _ in range(3)])
    a = replicator_dynamics(game, "random", rng=np.random.default_rng(7), t_max=5.0)
    b = replicator_dynamics(game, "random", rng=np.random.default_rng(7), t_max=5.0)
    for pa, pb in zip(a.profiles, b.profiles, strict=True):
        np.testing.assert_array_equal(pa, pb)
        assert np.all(pa >= 0)
        np.testing.assert_allclose(pa.sum(axis=1), 1.0)


def test_fictitious_play_matching_pennies_converges() -> None:
    pennies = np.array([[1, -1], [-1, 1]], dtype=float)
    path = fictitious_play(NormalFormGame([pennies, -pennies]), 20000)
    np.testing.assert_allclose(path.final[0], [0.5, 0.5], atol=0.01)
    np.testing.assert_allclose(path.final[1], [0.5, 0.5], atol=0.01)
    assert path.actions is not None
    assert path.actions.shape == (20000, 2)


def test_fictitious_play_cycles_in_shapley_game() -> None:
    game = NormalFormGame([SHAPLEY_A, SHAPLEY_B])
    path = fictitious_play(game, 20000, initial=([1.0, 0, 0], [0, 1.0, 0]))
    late = path.profiles[0][10000:]
    # frequencies keep swinging: they do not settle on the unique equilibrium
    assert np.ptp(late[:, 0]) > 0.1
    assert game.regret(path.final) > 0.05


def test_fictitious_play_random_ties_reproducible() -> None:
    game = NormalFormGame([np.zeros((3, 3)), np.zeros((3, 3))])  # all ties
    a = fictitious_play(game, 50, rng=1)
    b = fictitious_play(game, 50, rng=1)
    assert a.actions is not None
    assert b.actions is not None
    np.testing.assert_array_equal(a.actions, b.actions)
    assert len(np.unique(a.actions[:, 0])) > 1  # ties really are randomised
    lowest = fictitious_play(game, 50)
    assert lowest.actions is not None
    assert np.all(lowest.actions == 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: replicator_dynamics(g, t_max=-1.0), "t_max must be a finite number > 0"),
        (lambda g: replicator_dynamics(g, n_points=1), "n_points must be"),
        (lambda g: replicator_dynamics(g, "uniform"), "'centroid' or 'random', got 'uniform'"),
        (lambda g: fictitious_play(g, 0), "n_periods must be"),
        (lambda g: fictitious_play(g, initial=([1.0], [1.0, 0])), "shape"),
    ],
)
def test_bad_arguments(call: object, message: str) -> None:
    game = NormalFormGame([RPS, -RPS])
    with pytest.raises(InvalidProfileError, match=message):
        call(game)  # type: ignore[operator]


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("replicator-game-array", call(replicator_dynamics, np.eye(2)),
     InvalidGameError, r"game must be a NormalFormGame, got array"),
    ("replicator-t_max-str", call(replicator_dynamics, PD, t_max="5"),
     InvalidProfileError, r"t_max must be a finite number > 0, got '5' \(str\)"),
    ("replicator-t_max-inf", call(replicator_dynamics, PD, t_max=INF),
     InvalidProfileError, r"t_max must be a finite number > 0, got inf"),
    ("replicator-t_max-tiny", call(replicator_dynamics, PD, t_max=5e-324),
     InvalidProfileError, r"t_max = 5e-324 is too small for 501 distinct time points"),
    ("replicator-n_points-huge", call(replicator_dynamics, PD, n_points=10**30),
     InvalidProfileError, r"n_points must be an integer in \[2, 1000000\]"),
    ("replicator-n_points-float", call(replicator_dynamics, PD, n_points=11.0),
     InvalidProfileError, r"n_points must be an integer .* got 11\.0"),
    ("replicator-rtol-nan", call(replicator_dynamics, PD, rtol=NAN),
     InvalidProfileError, r"rtol must be a finite number in \[1e-13, 1\), got nan"),
    ("replicator-atol-nan", call(replicator_dynamics, PD, atol=NAN),
     InvalidProfileError, r"atol must be a finite number >= 0, got nan"),
    ("replicator-atol-negative", call(replicator_dynamics, PD, atol=-1),
     InvalidProfileError, r"atol must be a finite number >= 0, got -1"),
    ("replicator-rng-str", call(replicator_dynamics, PD, "random", rng="x"),
     InvalidArgumentError, r"rng must be None, a non-negative integer seed .* got 'x'"),
    ("replicator-rng-float", call(replicator_dynamics, PD, "random", rng=1.5),
     InvalidArgumentError, r"rng must be .* got 1\.5 \(float\)"),
    ("replicator-rng-bool", call(replicator_dynamics, PD, "random", rng=True),
     InvalidArgumentError, r"rng must be .* got True \(bool\)"),
    ("replicator-rng-negative", call(replicator_dynamics, PD, "random", rng=-1),
     InvalidArgumentError, r"rng=-1 \(int\) is not a valid seed"),
    ("replicator-initial-shape", call(replicator_dynamics, PD, [[1.0]]),
     InvalidProfileError, r"^initial: "),
    ("replicator-max_steps-zero", call(replicator_dynamics, PD, max_steps=0),
     InvalidProfileError, r"max_steps must be an integer >= 1, got 0"),
    ("fictitious-game-none", call(fictitious_play, None),
     InvalidGameError, r"game must be a NormalFormGame, got None"),
    ("fictitious-n_periods-true", call(fictitious_play, PD, True),
     InvalidProfileError, r"n_periods must be an integer in \[1, 10000000\], got True"),
    ("fictitious-n_periods-huge", call(fictitious_play, PD, 10**30),
     InvalidProfileError, r"n_periods must be an integer in \[1, 10000000\]"),
    ("fictitious-rng-dict", call(fictitious_play, PD, 5, rng={"seed": 1}),
     InvalidArgumentError, r"rng must be .* got \{'seed': 1\} \(dict\)"),
    ("fictitious-initial-str", call(fictitious_play, PD, 5, initial="uniform"),
     InvalidProfileError, r"initial must be a profile, 'centroid' or 'random', got 'uniform'"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_replicator_step_budget_stops_a_runaway_integration() -> None:
    # a long horizon once defection has taken over needs ~0.4 steps per time unit
    with pytest.raises(SolverError, match=r"more than max_steps=50 steps .*raise max_steps="):
        replicator_dynamics(PD, t_max=1e6, max_steps=50)
    path = replicator_dynamics(PD, t_max=20.0, max_steps=10_000)
    assert path.final[0][1] > 0.999


def test_rng_accepts_the_seeds_spec7_allows() -> None:
    seeds: list[Any] = [
        None, 7, np.int64(7), [1, 2], np.random.SeedSequence(7), np.random.default_rng(7),
    ]
    for seed in seeds:
        path = fictitious_play(PD, 3, initial="random", rng=seed)
        assert path.actions is not None
        assert path.actions.shape == (3, 2)
