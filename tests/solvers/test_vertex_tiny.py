"""The tiny route of vertex enumeration and the lean two-player checks of ``solve_nash``.

Small games (``binomial(m + n, m) <= TINY_BASES``) solve every basis of both
best-response polytopes in one batch (:func:`_tiny_candidates`) instead of
Qhull or per-size bases plus partner systems.  The answer must not change:
each test compares it with the route that ran before (``TINY_BASES = 0``),
on nondegenerate and degenerate games, and checks the shortcuts of
certification (few candidates compared pairwise) and of the resolution check
against the general code they stand for.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kurilsim.solvers._vertex as vertex_module
from kurilsim import NormalFormGame, PrecisionError, solve_nash
from kurilsim.solvers import nash
from kurilsim.solvers.results import _first_of_close, check_resolution
from kurilsim.testing.strategies import generic_games, normal_form_games


def profiles(game: NormalFormGame) -> list[np.ndarray]:
    return [np.concatenate(eq.strategies) for eq in solve_nash(game, "vertex").equilibria]


def same_set(ours: list[np.ndarray], theirs: list[np.ndarray], atol: float = 1e-9) -> bool:
    return len(ours) == len(theirs) and all(
        any(np.allclose(p, q, atol=atol, rtol=0) for q in theirs) for p in ours
    )


def reference(game: NormalFormGame, monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """The equilibria by the route that ran before the tiny route existed."""
    with monkeypatch.context() as patch:
        patch.setattr(vertex_module, "TINY_BASES", 0)
        return profiles(game)


def test_tiny_route_runs_on_small_games_only() -> None:
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    assert vertex_module.vertex_candidates(A, A.T)[2] == "bases"
    rng = np.random.default_rng(0)
    big = rng.standard_normal((5, 5))
    assert vertex_module.vertex_candidates(big, big.T)[2] == "qhull"  # 252 bases > 70


def test_structure_is_cached_and_read_only() -> None:
    first = vertex_module._tiny_structure(2, 3)
    assert vertex_module._tiny_structure(2, 3) is first
    assert first.n_p == 10  # binomial(5, 2)
    assert first.bases.shape == (20, 3)  # both polytopes, padded to 3 columns
    with pytest.raises(ValueError, match="read-only"):
        first.bases[0, 0] = 1


@pytest.mark.parametrize(("m", "n"), [(1, 1), (1, 4), (2, 2), (2, 5), (3, 3), (4, 3), (4, 4)])
@pytest.mark.parametrize("seed", range(4))
def test_tiny_route_matches_the_previous_route_on_random_games(
    m: int, n: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(1000 * m + 10 * n + seed)
    game = NormalFormGame([rng.standard_normal((m, n)), rng.standard_normal((m, n))])
    ours = profiles(game)
    assert len(ours) % 2 == 1  # nondegenerate: an odd number of equilibria
    assert same_set(ours, reference(game, monkeypatch))


@pytest.mark.parametrize(("m", "n"), [(2, 2), (2, 3), (3, 2), (3, 3), (3, 4), (4, 4)])
def test_tiny_route_matches_the_previous_route_on_integer_games(
    m: int, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # payoffs in {0, 1, 2}: mostly degenerate (ties, components)
    for seed in range(20):
        rng = np.random.default_rng(seed)
        game = NormalFormGame([rng.integers(0, 3, (m, n)), rng.integers(0, 3, (m, n))])
        assert same_set(profiles(game), reference(game, monkeypatch)), (seed, game.payoffs)


def test_degenerate_vertex_is_taken_once_from_a_well_conditioned_basis() -> None:
    # all-zero 2x2: every profile is an equilibrium; the extreme ones are the
    # four pure profiles, each vertex being the solution of several bases
    game = NormalFormGame([np.zeros((2, 2)), np.zeros((2, 2))])
    result = solve_nash(game, "vertex")
    assert len(result.equilibria) == 4
    assert all(eq.is_pure for eq in result.equilibria)
    assert result.certificate == 0.0


@given(game=normal_form_games(integer=True, max_abs=2, max_strategies=4))
def test_property_tiny_route_equals_previous_route_on_degenerate_games(
    game: NormalFormGame,
) -> None:
    ours = profiles(game)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vertex_module, "TINY_BASES", 0)
        theirs = profiles(game)
    assert same_set(ours, theirs)
    for profile in ours:
        assert game.is_nash(np.split(profile, [game.shape[0]]))


@given(game=generic_games(max_strategies=4))
def test_property_tiny_route_equals_previous_route_on_generic_games(
    game: NormalFormGame,
) -> None:
    ours = profiles(game)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vertex_module, "TINY_BASES", 0)
        theirs = profiles(game)
    assert same_set(ours, theirs)
    assert len(ours) % 2 == 1


def _first_of_close_reference(points: np.ndarray, atol: float) -> np.ndarray:
    keep = np.ones(len(points), dtype=bool)
    for q in range(len(points)):
        for p in range(q):
            if keep[p] and np.abs(points[p] - points[q]).max() <= atol:
                keep[q] = False
                break
    return keep


@given(
    rows=st.lists(st.sampled_from([0.0, 0.5, 0.5 + 5e-10, 0.5 + 2e-9, 1.0]), min_size=6, max_size=60),
    width=st.integers(1, 3),
)
def test_property_first_of_close_keeps_the_first_of_each_cluster(
    rows: list[float], width: int
) -> None:
    # both the pairwise path (k <= 32) and the sort-based one (k > 32)
    points = np.array(rows[: len(rows) - len(rows) % width]).reshape(-1, width)
    assert _first_of_close(points, 1e-9).tolist() == _first_of_close_reference(
        points, 1e-9
    ).tolist()


@pytest.mark.parametrize(
    "payoffs",
    [
        [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 2.0], [2.0, 0.0]]],
        [[[1.0, 1.0 + 1e-15], [0.0, 1.0]], [[0.0, 2.0], [2.0, 0.0]]],  # a tie float64 blurs
        [[[0.0, 0.0, 0.0]], [[0.0, 1e-16, 1.0]]],
        [[[2.0**60, 2.0**60 + 256.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]],
    ],
)
@pytest.mark.parametrize("tol", [1e-15, 1e-12, 1e-9])
def test_resolution_shortcut_agrees_with_check_resolution(payoffs: list, tol: float) -> None:
    game = NormalFormGame(payoffs)
    try:
        check_resolution(game, tol, method="vertex")
        passes = True
    except PrecisionError:
        passes = False
    # the shortcut only ever says "passes" for games check_resolution passes,
    # and says it for every float-exact two-player game that passes
    assert nash._resolved_two_player(game, tol) == passes


def test_resolution_shortcut_leaves_exact_payoffs_to_check_resolution() -> None:
    game = NormalFormGame([[[10**19 + 1, 10**19], [10**19, 10**19 + 1]], [[0, 1], [1, 0]]])
    assert not nash._resolved_two_player(game, 1e-9)
    with pytest.raises(PrecisionError, match="not representable"):
        solve_nash(game, "vertex")
