"""Logit quantal response equilibria, the principal branch and the logit solver."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from hypothesis import given, settings

from kurilsim import (
    InvalidGameError,
    InvalidProfileError,
    NormalFormGame,
    SolverError,
    solve_nash,
)
from kurilsim.solvers.logit import (
    QREPath,
    logit_qre,
    logit_solve_kernel,
    qre_path,
)
from kurilsim.testing.strategies import generic_games

Profile = tuple[np.ndarray, ...]

# ----------------------------------------------------------------------- games

PENNIES = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
PRISONERS = NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
#: Battle of the sexes, symmetric under swapping players and strategies: the
#: principal branch has a pitchfork bifurcation at lambda ~ 0.808.
BATTLE = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
#: A battle of the sexes without that symmetry (a generic game).
BATTLE_ASYMMETRIC = NormalFormGame([[[4, 0], [0, 1]], [[2, 0], [0, 3]]])
#: Unique equilibrium, totally mixed: row (1/3, 2/3), column (1/4, 3/4).
MIXED_2X2 = NormalFormGame([[[3, 0], [0, 1]], [[0, 2], [1, 0]]])
#: Gambit's ``loopback.nfg`` (McKelvey): the principal branch bends back in
#: lambda, between about 1.326 and 1.349.
LOOPBACK = NormalFormGame([[[6, 6], [7.32, 1]], [[7, 7], [6, 4]]])


def mckelvey_mclennan() -> NormalFormGame:
    """Gambit's ``2x2x2.nfg``: McKelvey & McLennan (1997), nine equilibria."""
    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[:, 0, 0, 0] = (9, 8, 12)
    payoffs[:, 1, 1, 0] = (9, 8, 2)
    payoffs[:, 1, 0, 1] = (3, 4, 6)
    payoffs[:, 0, 1, 1] = (3, 4, 6)
    return NormalFormGame(list(payoffs))


#: Its nine equilibria (Gambit's ``enumpoly_solve``), two of them totally mixed.
MCKELVEY_MCLENNAN_EQUILIBRIA = [
    ((1, 0), (1, 0), (1, 0)),
    ((1, 0), (0, 1), (0, 1)),
    ((0, 1), (1, 0), (0, 1)),
    ((0, 1), (0, 1), (1, 0)),
    ((1 / 2, 1 / 2), (1 / 2, 1 / 2), (1, 0)),
    ((1 / 3, 2 / 3), (1, 0), (1 / 4, 3 / 4)),
    ((0, 1), (1 / 4, 3 / 4), (1 / 3, 2 / 3)),
    ((1 / 2, 1 / 2), (2 / 5, 3 / 5), (1 / 4, 3 / 4)),
    ((2 / 5, 3 / 5), (1 / 2, 1 / 2), (1 / 3, 2 / 3)),
]


def random_game(
    shape: tuple[int, ...], seed: int, scale: float = 1.0
) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([scale * rng.standard_normal(shape) for _ in shape])


# --------------------------------------------------------------------- helpers


def logit_residual(game: NormalFormGame, lam: float, profile: Profile) -> float:
    """Largest ``|σ_i - softmax(λ u_i(·, σ_-i))|`` over players and strategies."""
    worst = 0.0
    for sigma, dev in zip(profile, game.deviation_payoffs(profile), strict=True):
        z = lam * (dev - dev.max())
        response = np.exp(z) / np.exp(z).sum()
        worst = max(worst, float(np.abs(sigma - response).max()))
    return worst


def recentred(game: NormalFormGame) -> NormalFormGame:
    """``game`` with each player's payoffs minus their minimum.

    Deviation gains are the same, but computed without losing digits to a
    large common payoff level (a payoff range of 1e-6 around 3 leaves only
    about ten significant digits of the differences).
    """
    return NormalFormGame([p - p.min() for p in game.payoffs])


def assert_nash(game: NormalFormGame, profile: Profile, rel: float = 1e-10) -> None:
    for sigma in profile:
        assert sigma.min() >= 0.0
        assert sigma.sum() == pytest.approx(1.0, abs=1e-12)
    game = recentred(game)
    gains = game.gains(profile)
    assert np.all(gains <= rel * game.payoff_ranges), gains
    assert gains.max() <= rel * game.payoff_range


def same(p: Profile, q: Profile, atol: float) -> bool:
    return all(
        np.allclose(a, np.asarray(b, dtype=float), rtol=0.0, atol=atol)
        for a, b in zip(p, q, strict=True)
    )


# ------------------------------------------------------------------ logit_qre


@pytest.mark.parametrize(
    "game",
    [
        PRISONERS,
        random_game((3, 5), 0),
        random_game((2, 3, 4), 1),
        NormalFormGame([[1.0, 5.0, 2.0]]),
    ],
    ids=["2x2", "3x5", "2x3x4", "one-player"],
)
def test_qre_at_zero_is_the_centroid(game: NormalFormGame) -> None:
    profile = logit_qre(game, 0.0)
    for sigma, m in zip(profile, game.shape, strict=True):
        np.testing.assert_array_equal(sigma, np.full(m, 1.0 / m))
    path = qre_path(game, lam_max=1.0)
    assert path.lam[0] == 0.0
    for block, m in zip(path.profiles, game.shape, strict=True):
        np.testing.assert_array_equal(block[0], np.full(m, 1.0 / m))


@pytest.mark.parametrize("lam", [0.01, 0.3, 1.0, 4.0, 25.0])
@pytest.mark.parametrize(
    "game",
    [
        PRISONERS,
        BATTLE,
        BATTLE_ASYMMETRIC,
        random_game((3, 4), 2),
        random_game((2, 3, 2), 3),
    ],
    ids=["prisoners", "battle", "battle-asym", "3x4", "2x3x2"],
)
def test_logit_qre_solves_the_fixed_point_equations(
    game: NormalFormGame, lam: float
) -> None:
    profile = logit_qre(game, lam)
    for sigma in profile:
        assert np.all(sigma > 0)
        assert sigma.sum() == pytest.approx(1.0, abs=1e-14)
    assert logit_residual(game, lam, profile) <= 1e-12


def test_logit_qre_single_player_is_the_softmax() -> None:
    payoffs = np.array([1.0, 3.0, 2.0])
    game = NormalFormGame([payoffs])
    expected = np.exp(0.7 * payoffs) / np.exp(0.7 * payoffs).sum()
    np.testing.assert_allclose(logit_qre(game, 0.7)[0], expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("lam", [0.0, 0.5, 3.0, 100.0, 1e4])
def test_matching_pennies_qre_is_uniform_for_all_lambda(lam: float) -> None:
    for sigma in logit_qre(PENNIES, lam):
        np.testing.assert_allclose(sigma, [0.5, 0.5], rtol=0, atol=1e-14)
    path = qre_path(PENNIES, lam_max=200.0)
    for block in path.profiles:
        np.testing.assert_allclose(block, 0.5, rtol=0, atol=1e-12)


def test_strictly_dominant_strategy_gains_probability_towards_one() -> None:
    # Player 1's strategy 0 beats strategy s by exactly d_s whatever the
    # others do, so its QRE strategy is softmax(-lam * d) at every lam.
    rng = np.random.default_rng(7)
    base = rng.standard_normal((2, 3))
    d = np.array([0.0, 1.0, 0.5])
    p1 = np.stack([base - d_s for d_s in d])  # shape (3, 2, 3)
    game = NormalFormGame([p1, *(rng.standard_normal((3, 2, 3)) for _ in range(2))])
    lams = np.array([0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0])
    top = []
    for lam in lams:
        sigma = logit_qre(game, lam)[0]
        expected = np.exp(-lam * d) / np.exp(-lam * d).sum()
        np.testing.assert_allclose(sigma, expected, rtol=1e-10, atol=1e-15)
        top.append(sigma[0])
    assert np.all(np.diff(top) > 0)
    assert top[-1] > 1 - 1e-6
    path = qre_path(game, lam_max=30.0)
    assert np.all(np.diff(path.profiles[0][:, 0]) > 0)
    # The prisoner's dilemma: defecting is dominant (margin 1 + P(C)).
    path = qre_path(PRISONERS, lam_max=20.0)
    for block in path.profiles:
        assert np.all(np.diff(block[:, 1]) > 0)
        assert block[-1, 1] > 1 - 1e-6


def test_logit_qre_is_invariant_to_payoff_units() -> None:
    game = random_game((3, 4, 2), 11)
    scaled = NormalFormGame([250.0 * p - 40.0 for p in game.payoffs])
    for lam in (0.3, 2.0, 9.0):
        assert same(logit_qre(game, lam), logit_qre(scaled, lam / 250.0), atol=1e-12)
    a = qre_path(game, lam_max=5.0)
    b = qre_path(scaled, lam_max=5.0 / 250.0)
    np.testing.assert_allclose(a.lam, 250.0 * b.lam, rtol=1e-12)
    for x, y in zip(a.profiles, b.profiles, strict=True):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-12)


def test_logit_qre_resumes_from_a_path() -> None:
    game = random_game((3, 3, 2), 5)
    path = qre_path(game, lam_max=4.0)
    for lam in (0.2, 1.7, 4.0, 9.0):  # inside the path, at its end and beyond
        assert same(logit_qre(game, lam, start=path), logit_qre(game, lam), atol=1e-11)


def test_logit_qre_takes_the_first_crossing_of_a_backward_bend() -> None:
    path = qre_path(LOOPBACK, lam_max=3.0)
    lam = path.lam
    turn = int(np.argmax(np.diff(lam) < 0))  # the first point where lam decreases
    assert turn > 0
    assert lam[turn] == pytest.approx(1.349, abs=2e-3)
    back = turn + int(np.argmax(np.diff(lam[turn:]) > 0))  # where it turns again
    assert lam[back] == pytest.approx(1.326, abs=2e-3)
    assert lam[back] < lam[turn]
    # In the fold the branch passes lam = 1.34 three times.  logit_qre gives
    # the first passage, on the segment before the first turn.
    fold = 1.34
    profile = logit_qre(LOOPBACK, fold)
    assert logit_residual(LOOPBACK, fold, profile) <= 1e-12
    k = int(np.argmax(lam >= fold))
    assert k <= turn
    before, after = path.profile(k - 1), path.profile(k)
    for sigma, b, a in zip(profile, before, after, strict=True):
        assert np.all(np.minimum(a, b) - 1e-9 <= sigma)
        assert np.all(sigma <= np.maximum(a, b) + 1e-9)
    last = logit_qre(LOOPBACK, fold, start=qre_path(LOOPBACK, lam_max=1.33))
    assert same(last, profile, atol=1e-11)


# ------------------------------------------------------------------- qre_path


@pytest.mark.parametrize(
    ("shape", "seed", "lam_max"),
    [
        ((2, 2), 0, 50.0),
        ((4, 3), 1, 20.0),
        ((2, 3, 2), 2, 20.0),
        ((2, 2, 2, 2), 3, 10.0),
    ],
)
def test_path_points_are_interior_qres_on_the_simplex(
    shape: tuple[int, ...], seed: int, lam_max: float
) -> None:
    game = random_game(shape, seed, scale=3.0)
    path = qre_path(game, lam_max=lam_max)
    assert isinstance(path, QREPath)
    n_points = len(path)
    assert n_points > 5
    assert path.lam.shape == (n_points,)
    assert path.lam[0] == 0.0
    assert path.lam[-1] == lam_max
    assert np.all(path.lam[:-1] < lam_max)
    for block, m in zip(path.profiles, shape, strict=True):
        assert block.shape == (n_points, m)
        assert np.all(block > 0)
        np.testing.assert_allclose(block.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    for k in range(n_points):
        assert logit_residual(game, float(path.lam[k]), path.profile(k)) <= 1e-8


def test_path_without_lam_max_ends_near_a_nash_equilibrium() -> None:
    game = random_game((3, 3), 4)
    path = qre_path(game, max_regret=1e-6)
    assert game.regret(path.profile(-1)) <= 1e-6 * game.payoff_range
    assert game.regret(path.profile(-2)) > 1e-6 * game.payoff_range
    assert qre_path(PENNIES).lam.tolist() == [0.0]  # the centroid is Nash


def test_path_is_immutable() -> None:
    path = qre_path(PRISONERS, lam_max=1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        path.lam = np.zeros(3)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        path.lam[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        path.profiles[0][0, 0] = 1.0
    assert "QREPath" in repr(path)
    assert len(qre_path(PRISONERS, lam_max=0.0)) == 1


def test_path_goes_through_a_bifurcation() -> None:
    # Symmetric battle of the sexes: a pitchfork at lam ~ 0.808 on the
    # symmetric branch (row plays s0 as often as the column plays s1).
    path = qre_path(BATTLE, lam_max=50.0)
    assert np.all(np.diff(path.lam) > 0)
    np.testing.assert_allclose(
        path.profiles[0][:, 0], path.profiles[1][:, 1], atol=1e-9
    )
    np.testing.assert_allclose(path.profile(-1)[0], [0.6, 0.4], atol=1e-2)


# ---------------------------------------------------------------- the solver


def test_solver_finds_the_unique_mixed_equilibrium_of_a_2x2_game() -> None:
    profile, info = logit_solve_kernel(MIXED_2X2)
    assert same(profile, ([1 / 3, 2 / 3], [1 / 4, 3 / 4]), atol=1e-14)
    assert_nash(MIXED_2X2, profile)
    assert info["support"] == ((0, 1), (0, 1))
    assert info["regret"] <= 1e-10 * MIXED_2X2.payoff_range
    assert info["steps"] > 0
    assert info["lam"] > 0


@pytest.mark.parametrize(
    ("game", "expected"),
    [
        (PRISONERS, ([0, 1], [0, 1])),
        (BATTLE_ASYMMETRIC, ([1, 0], [1, 0])),
        (BATTLE, ([0.6, 0.4], [0.4, 0.6])),  # through the bifurcation
        (PENNIES, ([0.5, 0.5], [0.5, 0.5])),
        (LOOPBACK, ([0, 1], [1, 0])),
    ],
    ids=["prisoners", "battle-asym", "battle", "pennies", "loopback"],
)
def test_solver_on_known_two_player_games(
    game: NormalFormGame, expected: Profile
) -> None:
    profile, _ = logit_solve_kernel(game)
    assert_nash(game, profile)
    assert same(profile, expected, atol=1e-12)


def test_solver_on_the_mckelvey_mclennan_game() -> None:
    game = mckelvey_mclennan()
    for eq in MCKELVEY_MCLENNAN_EQUILIBRIA:  # the transcription is right
        assert game.regret(eq) <= 1e-14
    profile, _ = logit_solve_kernel(game)
    assert_nash(game, profile)
    matches = [
        eq for eq in MCKELVEY_MCLENNAN_EQUILIBRIA if same(profile, eq, atol=1e-12)
    ]
    # Players 1 and 2 stay at (1/2, 1/2) along the branch, which passes a
    # bifurcation at lam ~ 0.597 (where Gambit 16.7's tracer stops).
    assert matches == [((1 / 2, 1 / 2), (1 / 2, 1 / 2), (1, 0))]


@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (4, 3, 2)])
@pytest.mark.parametrize("seed", range(6))
def test_solver_regret_on_random_n_player_games(
    shape: tuple[int, ...], seed: int
) -> None:
    game = random_game(shape, seed, scale=10.0)
    profile, info = logit_solve_kernel(game)
    assert_nash(game, profile)
    # two computations of the same regret agree to round-off of the payoffs
    assert info["regret"] == pytest.approx(
        game.regret(profile), abs=1e-14 * game.payoff_range
    )


@pytest.mark.parametrize(
    "shape", [(2, 2), (2, 3), (3, 3), (4, 2), (4, 5), (5, 5), (6, 6)]
)
@pytest.mark.parametrize("seed", range(5))
def test_solver_answer_is_an_extreme_equilibrium(
    shape: tuple[int, ...], seed: int
) -> None:
    game = random_game(shape, 100 + seed)
    profile, _ = logit_solve_kernel(game)
    assert_nash(game, profile)
    vertex = solve_nash(game, "vertex")
    assert sum(eq.isclose(profile, atol=1e-9) for eq in vertex.equilibria) == 1


def test_solver_on_degenerate_and_small_games() -> None:
    # A duplicated column, a player with one strategy, constant payoffs.
    for game in [
        NormalFormGame([[[1, 1, 0], [0, 0, 2]], [[2, 2, 1], [1, 1, 0]]]),
        NormalFormGame([[[1, 2, 3]], [[3, 1, 2]]]),
        NormalFormGame([np.ones((2, 3)), np.zeros((2, 3))]),
        NormalFormGame([[4.0, 1.0, 4.0 - 1e-3]]),
    ]:
        profile, _ = logit_solve_kernel(game)
        assert_nash(game, profile)


@settings(max_examples=25)
@given(generic_games(n_players=2, max_strategies=4))
def test_solver_property_generic_two_player(game: NormalFormGame) -> None:
    profile, _ = logit_solve_kernel(game)
    assert_nash(game, profile)


def test_solver_is_invariant_to_payoff_units() -> None:
    game = random_game((3, 4, 2), 8)
    scaled = NormalFormGame([1e-3 * p + 5.0 for p in game.payoffs])
    p, info = logit_solve_kernel(game)
    q, info_scaled = logit_solve_kernel(scaled)
    assert same(p, q, atol=1e-12)
    assert info_scaled["lam"] == pytest.approx(1e3 * info["lam"], rel=1e-9)


def test_solver_on_a_6x6x6_game() -> None:
    # Timing on the development machine (2 shared cores, loaded): about
    # 0.1-0.2 s for this game (~60 continuation steps); a seeded 3x3x3 game
    # about 0.03-0.05 s.  Not asserted.
    game = random_game((6, 6, 6), 2024)
    start = time.perf_counter()
    profile, info = logit_solve_kernel(game)
    elapsed = time.perf_counter() - start
    print(f"6x6x6: {elapsed:.3f} s, {info['steps']} steps, lambda {info['lam']:.4g}")
    assert_nash(game, profile)


# ------------------------------------------- robustness at bifurcations


def anti_coordination(n: int, v: float) -> NormalFormGame:
    """QuantEcon's ``anti_coordination(N, v)`` (its McLennan-Tourky tests).

    Each of ``n`` players gets 1 for action 0; action 1 pays ``v`` if every
    other player plays 0, else 0.  The game is symmetric; its unique
    symmetric equilibrium plays 0 with probability ``v ** (-1 / (n - 1))``.
    """
    shape = (2,) * n
    payoffs = []
    for i in range(n):
        grid = np.indices(shape)
        others_zero = np.all(np.delete(grid, i, axis=0) == 0, axis=0)
        payoffs.append(np.where(grid[i] == 0, 1.0, np.where(others_zero, v, 0.0)))
    return NormalFormGame(payoffs)


def coordination(n: int, m: int) -> NormalFormGame:
    """``n`` players, ``m`` actions each, 1 to everyone if all choose alike."""
    common = np.zeros((m,) * n)
    for k in range(m):
        common[(k,) * n] = 1.0
    return NormalFormGame([common] * n)


#: Games whose principal branch meets bifurcation points (all symmetric).
SYMMETRIC_GAMES = {
    "battle": BATTLE,
    "mckelvey-mclennan": mckelvey_mclennan(),
    **{
        f"anti-coordination-{n}-{v}": anti_coordination(n, v)
        for n in range(2, 7)
        for v in (2.0, 3.0)
    },
    **{f"coordination-{n}x{m}": coordination(n, m) for n in (2, 3, 4) for m in (2, 3)},
}


def disguised(game: NormalFormGame, seed: int) -> NormalFormGame:
    """``game`` rescaled and shifted per player, and perturbed at round-off.

    Multiplying payoffs by 1e-6 and adding a shift of order 1 leaves
    perturbations of about 1e-10 of the payoff range, like a different BLAS
    kernel or summation order would at a smaller scale: the symmetry that
    makes the bifurcations is broken at round-off level only.
    """
    rng = np.random.default_rng(seed)
    scale = [1.0, 1e-6, 1e6, 7.3, 1e-3][seed % 5]
    noise = [0.0, 1e-16, 1e-14, 1e-12][seed % 4]
    return NormalFormGame(
        [
            scale * (p + noise * rng.standard_normal(p.shape)) + float(rng.integers(-3, 4))
            for p in game.payoffs
        ]
    )


@pytest.mark.parametrize("name", list(SYMMETRIC_GAMES))
def test_solver_is_robust_at_bifurcations(name: str) -> None:
    # The tracer crosses bifurcation points deliberately, on scales far above
    # round-off, so every disguise of the game gets the same equilibrium.
    game = SYMMETRIC_GAMES[name]
    reference, _ = logit_solve_kernel(game)
    assert_nash(game, reference)
    for seed in range(8):
        variant = disguised(game, seed)
        profile, _ = logit_solve_kernel(variant)
        assert_nash(variant, profile)
        assert same(profile, reference, atol=1e-6), (seed, profile, reference)


@pytest.mark.parametrize("m", range(2, 11))
def test_two_player_coordination_games_of_any_size(m: int) -> None:
    # At the centroid of these games the average payoff can exceed the best
    # one by round-off: the regret there must still count as 0, not fail.
    for game in (
        NormalFormGame([np.eye(m), np.eye(m)]),
        NormalFormGame([2 * np.eye(m) + 1, 0.1 * np.eye(m)]),
    ):
        profile, _ = logit_solve_kernel(game)
        assert_nash(game, profile)
        result = solve_nash(game, "logit")
        assert "fell back" not in result.message
        assert_nash(game, result.equilibria[0].strategies)


@pytest.mark.parametrize("n", range(2, 7))
def test_anti_coordination_goes_to_the_symmetric_equilibrium(n: int) -> None:
    # Straight through every bifurcation of the symmetric branch.
    for v in (2.0, 3.0):
        profile, _ = logit_solve_kernel(anti_coordination(n, v))
        expected = v ** (-1 / (n - 1))
        for sigma in profile:
            assert sigma[0] == pytest.approx(expected, abs=1e-12)


#: A 2x2x2 game hypothesis drew in CI: the tracer stalls next to a singular
#: point and the jump's Newton iterates diverge (a log-probability of 3e4),
#: which overflowed ``exp`` before divergent iterates were rejected.
STALL_JUMP_DIVERGES = NormalFormGame(
    [
        [[[0.91911716, 0.99567622], [0.49075814, -1.24669847]],
         [[0.67524643, -1.74177219], [1.37140836, 0.66934469]]],
        [[[0.42256488, -3.05700457], [0.49821134, 0.61940594]],
         [[0.43567821, -0.16020263], [-0.41696647, 0.83855965]]],
        [[[0.32771602, -0.83735965], [-1.10134424, 0.63862889]],
         [[-0.71124687, 0.05818863], [0.88010759, -0.29009239]]],
    ]
)


def test_divergent_newton_iterates_are_rejected_not_overflowed() -> None:
    # Warnings are errors in this suite: an overflow in exp would fail here.
    for scale in (1.0, 1e-3, 1e4):
        game = NormalFormGame([scale * p for p in STALL_JUMP_DIVERGES.payoffs])
        profile, _ = logit_solve_kernel(game)
        assert_nash(game, profile)
        enumerated = solve_nash(game, "enumerate")
        assert any(
            same(profile, eq.strategies, atol=1e-6) for eq in enumerated.equilibria
        )


def test_branch_through_a_bifurcation_does_not_depend_on_round_off() -> None:
    # The branch of battle of the sexes and of disguised copies (lambda
    # rescaled to the copy's units) agree beyond the bifurcation at 0.808.
    lam = 5.0
    reference = logit_qre(BATTLE, lam)
    for seed in range(1, 8):
        variant = disguised(BATTLE, seed)
        unit = variant.payoff_range / BATTLE.payoff_range
        profile = logit_qre(variant, lam / unit)
        assert same(profile, reference, atol=1e-6), seed


@settings(max_examples=30, deadline=None)
@given(generic_games(n_players=3, max_strategies=3))
def test_solver_is_invariant_to_each_players_units(game: NormalFormGame) -> None:
    # Payoffs are normalised per player before tracing, so a positive affine
    # map of each player's payoffs, however unequal, gives the same answer.
    profile, _ = logit_solve_kernel(game)
    factors = (1e-8, 1.0, 1e8)
    mapped = NormalFormGame(
        [f * (p + 3.0) for f, p in zip(factors, game.payoffs, strict=True)]
    )
    mapped_profile, _ = logit_solve_kernel(mapped)
    assert_nash(mapped, mapped_profile)
    assert same(mapped_profile, profile, atol=1e-8)


def test_players_whose_payoffs_differ_in_scale_by_1e300() -> None:
    game = random_game((3, 3), 5)
    extreme = NormalFormGame([1e-150 * game.payoffs[0], 1e150 * game.payoffs[1]])
    profile, _ = logit_solve_kernel(extreme)
    assert_nash(extreme, profile)
    assert same(profile, logit_solve_kernel(game)[0], atol=1e-9)


# ----------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "lam", [-1.0, -1e-300, float("nan"), float("inf"), "1", None, True]
)
def test_invalid_lambda_is_rejected_with_its_value(lam: object) -> None:
    with pytest.raises(InvalidGameError, match="lam must be a finite number") as info:
        logit_qre(PRISONERS, lam)  # type: ignore[arg-type]
    assert repr(lam) in str(info.value)


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidGameError, match="NormalFormGame"):
        logit_qre([[1, 2], [3, 4]], 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="tol"):
        logit_qre(PRISONERS, 1.0, tol=0.0)
    with pytest.raises(InvalidGameError, match="lam_max"):
        qre_path(PRISONERS, lam_max=-2.0)
    with pytest.raises(InvalidGameError, match="max_steps"):
        qre_path(PRISONERS, max_steps=0)
    with pytest.raises(InvalidGameError, match="max_accel"):
        qre_path(PRISONERS, max_accel=0.5)
    with pytest.raises(InvalidGameError, match="first_step"):
        qre_path(PRISONERS, first_step=0.0)
    with pytest.raises(InvalidGameError, match="tol"):
        logit_solve_kernel(PRISONERS, tol=1.5)
    with pytest.raises(InvalidGameError, match="max_steps"):
        logit_solve_kernel(PRISONERS, max_steps=2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidProfileError, match="QREPath"):
        logit_qre(PRISONERS, 1.0, start="path")  # type: ignore[arg-type]
    with pytest.raises(InvalidProfileError, match="shape"):
        logit_qre(PRISONERS, 1.0, start=qre_path(random_game((3, 2), 0), lam_max=2.0))
    with pytest.raises(InvalidProfileError, match="not on the logit QRE branch"):
        logit_qre(BATTLE_ASYMMETRIC, 3.0, start=qre_path(PRISONERS, lam_max=2.0))


def test_step_limits_raise_solver_errors() -> None:
    game = random_game((4, 4), 3)
    with pytest.raises(SolverError, match=r"max_steps = 3 .* lambda = .* regret"):
        logit_solve_kernel(game, max_steps=3)
    with pytest.raises(SolverError, match=r"max_steps = 2 .* lambda = "):
        qre_path(game, max_steps=2)


def test_solve_nash_falls_back_when_the_tracer_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No known game makes the tracer fail any more; simulate a failure.
    from kurilsim.solvers import nash

    def failing(game: NormalFormGame, **kwargs: object) -> None:
        raise SolverError("logit path following failed: simulated")

    monkeypatch.setattr(nash, "logit_solve_kernel", failing)
    for game, fallback in [(BATTLE, "'vertex'"), (mckelvey_mclennan(), "'enumerate'")]:
        result = solve_nash(game, "logit")
        assert result.method == "logit"
        assert f"fell back to {fallback}" in result.message
        assert "simulated" in result.message
        (equilibrium,) = result.equilibria
        assert_nash(game, equilibrium.strategies)
        assert result.complete is False
    # beyond the fallback's budget the tracer's error stands
    with pytest.raises(SolverError, match="over budget"):
        solve_nash(random_game((12, 12), 1), "logit", max_work=1e6)


# -- the result contract --------------------------------------------------------------
def test_qre_path_to_a_precision_is_certified_by_its_qre_residual() -> None:
    from kurilsim.solvers.logit import QRE_TOL
    from kurilsim.solvers.results import SolverResult

    path = qre_path(PRISONERS, lam_max=3.0)
    assert isinstance(path, SolverResult)
    assert path.method == "logit-qre-path"
    assert path.tol == QRE_TOL
    assert 0.0 <= path.certificate <= path.tol
    assert "lambda = 3" in path.message
    assert "QRE residual" in path.message
    # the residual is what it says: the last profile is its own logit response
    sigma = path.profile(-1)
    dev = PRISONERS.deviation_payoffs(sigma)
    for s, d in zip(sigma, dev, strict=True):
        response = np.exp(3.0 * (d - d.max()))
        np.testing.assert_allclose(s, response / response.sum(), atol=path.certificate + 1e-15)
    centroid = qre_path(PRISONERS, lam_max=0.0)
    assert centroid.certificate <= centroid.tol


def test_qre_path_to_a_nash_equilibrium_is_certified_by_its_regret() -> None:
    path = qre_path(PRISONERS, max_regret=1e-6)
    assert path.tol == 1e-6
    assert 0.0 <= path.certificate <= 1e-6
    regret = PRISONERS.regret(path.profile(-1)) / PRISONERS.payoff_range
    assert path.certificate == pytest.approx(regret, abs=1e-15)
    assert "Nash equilibrium" in path.message


def test_huge_integers_are_named_not_overflow_errors() -> None:
    # float(10**400) raises OverflowError: every check must turn it into the
    # library's error naming the argument
    game = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
    with pytest.raises(InvalidGameError, match="lam must be a finite number"):
        logit_qre(game, 10**400)
