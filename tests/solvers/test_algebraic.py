"""Elimination solvers for support systems (kurilsim.solvers._algebraic)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import chebyshev, polynomial

from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers._algebraic import (
    cross,
    real_roots_chebyshev,
    solve_four_binary,
    solve_three_mixing,
    solve_two_mixing,
)
from kurilsim.solvers._enumerate import enumerate_kernel
from kurilsim.solvers.results import certify_blocks

seeds = st.integers(0, 2**32 - 1)


@given(seeds, st.integers(1, 4))
def test_cross_is_orthogonal_to_every_row(seed: int, r: int) -> None:
    D = np.random.default_rng(seed).standard_normal((5, r, r + 1))
    v = cross(D)
    assert np.abs(np.einsum("brk,bk->br", D, v)).max() <= 1e-12 * (1 + np.abs(v).max())
    assert np.all(np.abs(v).max(axis=1) > 0)


@given(seeds, st.integers(2, 4))
def test_cross_vanishes_on_dependent_rows(seed: int, r: int) -> None:
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((r, r + 1))
    D[-1] = 2.0 * D[0] - 0.5 * D[1 % (r - 1)]
    assert np.abs(cross(D)).max() <= 1e-12


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6, unique=True), st.floats(0.5, 3.0))
def test_real_roots_chebyshev_recovers_planted_roots(roots: list[float], scale: float) -> None:
    roots = sorted(roots)
    if len(roots) > 1 and np.min(np.diff(roots)) < 1e-2:
        roots = roots[:1]
    # roots in t in [0, 1] are x = 2t - 1; add a complex pair that must be ignored
    x_roots = [2 * t - 1 for t in roots]
    coeffs = polynomial.polyfromroots(x_roots)
    coeffs = polynomial.polymul(coeffs, [1.0, 0.0, 1.0])  # x**2 + 1
    c = chebyshev.poly2cheb(scale * coeffs)
    owner, t, zero = real_roots_chebyshev(c[None, :])
    assert not zero[0]
    assert np.all(owner == 0)
    assert len(t) == len(roots)
    assert np.allclose(np.sort(t), roots, atol=1e-9)


def test_real_roots_chebyshev_flags_the_zero_series() -> None:
    owner, t, zero = real_roots_chebyshev(np.zeros((2, 4)) + np.array([[0.0], [1.0]]) * [0, 1, 0, 0])
    assert zero.tolist() == [True, False]
    assert owner.tolist() == [1]
    assert np.allclose(t, [0.5])


def planted_game(shape: tuple[int, ...], seed: int) -> tuple[NormalFormGame, tuple[np.ndarray, ...]]:
    """A random game with a planted totally mixed equilibrium.

    Adding a constant ``c_a`` to every payoff of player ``i``'s strategy ``a``
    adds ``c_a`` to ``u_i(a, sigma_-i)`` for any ``sigma_-i``, so choosing
    ``c_a`` to equalise those payoffs at a chosen interior profile makes it an
    equilibrium."""
    rng = np.random.default_rng(seed)
    n = len(shape)
    payoffs = [rng.standard_normal(shape) for _ in shape]
    sigma = tuple(rng.dirichlet(np.full(m, 3.0)) for m in shape)
    game = NormalFormGame(payoffs)
    dev = game.deviation_payoffs(sigma)
    for i in range(n):
        shift = (dev[i].max() - dev[i]).reshape([-1 if j == i else 1 for j in range(n)])
        payoffs[i] = payoffs[i] + shift
    return NormalFormGame(payoffs), sigma


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 3, 3), (3, 3, 3), (2, 2, 2, 2)]), seeds)
def test_enumerate_finds_a_planted_totally_mixed_equilibrium(shape: tuple[int, ...], seed: int) -> None:
    game, sigma = planted_game(shape, seed)
    result = solve_nash(game, "enumerate")
    assert game.is_nash(sigma, tol=1e-12)
    assert any(eq.isclose(sigma, atol=1e-7) for eq in result.equilibria)
    assert all(eq.regret <= 1e-8 * game.payoff_range for eq in result.equilibria)


@pytest.mark.parametrize(
    "seed",
    [
        441394,
        1046,
        3355,
        pytest.param(
            440495,
            marks=pytest.mark.xfail(
                strict=True,
                reason=(
                    "known gap: 13 equilibria, several full-support ones close "
                    "together; elimination's Newton starts from the clustered "
                    "resultant roots converge to a neighbour and the planted "
                    "root is lost while complete=True (subdivision finds it)"
                ),
            ),
        ),
    ],
)
def test_enumerate_finds_a_planted_equilibrium_among_close_roots(seed: int) -> None:
    # Two other full-support equilibria lie close to the planted one: the
    # resultant's roots cluster, and the start of the planted root was once
    # dropped as not vanishing (hypothesis found seed 441394 in CI).
    game, sigma = planted_game((3, 3, 3), seed)
    result = solve_nash(game, "enumerate")
    assert any(eq.isclose(sigma, atol=1e-7) for eq in result.equilibria)
    assert all(eq.regret <= 1e-8 * game.payoff_range for eq in result.equilibria)


def test_two_mixing_solves_matching_pennies() -> None:
    Tp = np.array([[[1.0, -1.0], [-1.0, 1.0]]])
    out = solve_two_mixing(Tp, -Tp)
    assert out.owner.tolist() == [0]
    assert np.allclose(out.mixtures[0], 0.5)
    assert np.allclose(out.mixtures[1], 0.5)
    assert not out.degenerate.any()


def test_two_mixing_flags_a_constant_row_player_as_degenerate() -> None:
    Tp = np.zeros((1, 2, 2))
    Tq = np.array([[[1.0, -1.0], [-1.0, 1.0]]])
    out = solve_two_mixing(Tp, Tq)
    assert out.degenerate.tolist() == [True]


@pytest.mark.parametrize(
    "sizes",
    [(2, 2, 2), (2, 3, 2), (3, 2, 2), (3, 3, 2), (3, 3, 3), (4, 3, 2), (4, 4, 2), (4, 4, 3), (3, 4, 3),
     (4, 3, 3)],
)
def test_three_mixing_recovers_planted_mixtures(sizes: tuple[int, int, int]) -> None:
    """Roles as enumerate_kernel assigns them: h has the smallest support, then
    p and q in increasing size (the solver swaps p and q itself otherwise)."""
    game, sigma = planted_game(sizes, seed=sum(sizes))
    h = min((2, 1, 0), key=lambda j: sizes[j])
    roles = (*[j for j in range(3) if j != h], h)
    T = [np.transpose(np.asarray(game.payoffs[r]), roles)[None] for r in roles]
    out = solve_three_mixing(*T)
    assert out is not None
    assert not out.degenerate.any()
    found = [tuple(m[c] for m in out.mixtures) for c in range(len(out.owner))]
    want = tuple(sigma[r] for r in roles)
    assert any(all(np.allclose(a, b, atol=1e-9) for a, b in zip(f, want, strict=True)) for f in found)


def test_three_mixing_declines_sizes_it_cannot_eliminate() -> None:
    T = np.ones((1, 3, 5, 3))
    assert solve_three_mixing(T, T, T) is None  # h mixes over 3, p and q over 3 and 5
    T = np.ones((1, 4, 4, 4))
    assert solve_three_mixing(T, T, T) is None  # three unknowns after elimination


@pytest.mark.parametrize("sizes", [(2, 2, 2), (3, 3, 2), (3, 4, 2), (3, 5, 2), (3, 3, 3), (3, 4, 3)])
def test_three_mixing_flags_an_all_indifferent_game_as_degenerate(sizes: tuple[int, int, int]) -> None:
    T = np.ones((1, *sizes))
    out = solve_three_mixing(T, T, T)
    assert out is not None
    assert out.degenerate.tolist() == [True]


def test_four_binary_recovers_planted_mixtures() -> None:
    game, sigma = planted_game((2, 2, 2, 2), seed=11)
    out = solve_four_binary(*(np.asarray(p)[None] for p in game.payoffs))
    found = [tuple(m[c] for m in out.mixtures) for c in range(len(out.owner))]
    assert any(all(np.allclose(a, b, atol=1e-9) for a, b in zip(f, sigma, strict=True)) for f in found)


def equilibria(game: NormalFormGame, route: str) -> tuple[tuple, bool, int]:
    out = enumerate_kernel(game, route=route)
    eqs, _, _ = certify_blocks(game, out.candidates, tol=1e-8)
    return eqs, not out.unresolved, out.n_subdivided


def check_routes_agree(shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    fast, fast_complete, subdivided = equilibria(game, "algebraic")
    slow, slow_complete, _ = equilibria(game, "subdivision")
    assert fast_complete
    if (len(shape) == 3 and (max(shape) <= 3 or min(shape) == 2)) or max(shape) == 2:
        assert subdivided == 0  # every profile of these shapes is eliminated
    if slow_complete:
        assert len(fast) == len(slow)
    assert all(any(a.isclose(b, atol=1e-7) for b in fast) for a in slow)
    assert all(any(a.isclose(b, atol=1e-7) for b in slow) for a in fast) or not slow_complete


@pytest.mark.parametrize(
    ("shape", "seed"),
    [((2, 2, 2), s) for s in range(4)] + [((3, 2, 2), s) for s in range(3)]
    + [((3, 3, 2), 0), ((2, 2, 2, 2), 0), ((2, 2, 2, 2), 1)],
)
def test_elimination_and_subdivision_agree(shape: tuple[int, ...], seed: int) -> None:
    check_routes_agree(shape, seed)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shape", "seed"),
    [((3, 3, 3), s) for s in range(8)] + [((3, 3, 2), s) for s in range(1, 8)]
    + [((2, 2, 2, 2), s) for s in range(2, 12)] + [((3, 2, 2, 2), s) for s in range(4)]
    + [((4, 3, 2), s) for s in range(4)],
)
def test_elimination_and_subdivision_agree_slow(shape: tuple[int, ...], seed: int) -> None:
    check_routes_agree(shape, 100 + seed)


def test_a_player_indifferent_everywhere_falls_back_to_subdivision() -> None:
    """Player 2's payoff is constant, so wherever it mixes its condition is
    ``0 = 0``: the eliminated polynomial vanishes identically and the profile
    goes to subdivision, which reports the continuum as unresolved."""
    rng = np.random.default_rng(5)
    shape = (2, 2, 2)
    payoffs = [rng.standard_normal(shape), rng.standard_normal(shape), np.zeros(shape)]
    game = NormalFormGame(payoffs)
    out = enumerate_kernel(game)
    assert out.n_subdivided > 0
    result = solve_nash(game, "enumerate")
    for eq in result.equilibria:
        assert game.is_nash(eq.strategies, tol=1e-8)
