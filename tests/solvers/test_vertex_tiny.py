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
from kurilsim.solvers.results import (
    _first_of_close,
    certify_candidates,
    check_resolution,
)
from kurilsim.testing.strategies import generic_games, normal_form_games


@pytest.fixture(autouse=True)
def _numpy_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are of the numpy routes: keep the compiled small-game loop
    out (tests/solvers/test_vertex_numba.py compares the two)."""
    monkeypatch.setattr(vertex_module, "_env_disabled", True)


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


@pytest.mark.parametrize("d", [1, 2, 3])
def test_det_adjugate_matches_lapack(d: int) -> None:
    rng = np.random.default_rng(d)
    systems = rng.standard_normal((40, d, d))
    systems[0] = np.eye(d)
    systems[1, -1] = systems[1, 0]  # two equal rows (d > 1): exactly singular
    det, adjugate = vertex_module._det_adjugate(systems)
    np.testing.assert_allclose(det, np.linalg.det(systems), rtol=1e-10, atol=1e-13)
    # adj(M) @ M = det(M) I, singular matrices included
    np.testing.assert_allclose(
        adjugate @ systems, det[:, None, None] * np.eye(d), atol=1e-12
    )
    if d > 1:
        assert det[1] == pytest.approx(0.0, abs=1e-15)


def _certify_reference(
    game: NormalFormGame, blocks: tuple[np.ndarray, ...], tol: float
) -> tuple[int, list[np.ndarray]]:
    """The rule of certify_candidates spelt out one profile at a time: how many
    candidates pass, and the distinct ones."""
    passed, out = 0, []
    for x, y in zip(*blocks, strict=True):
        profile = [np.where(s > 1e-12, s, 0.0) for s in (x, y)]
        if min(s.sum() for s in profile) <= 0:
            continue
        profile = [s / s.sum() for s in profile]
        if np.all(game.gains(profile) <= tol * game.payoff_ranges):
            passed += 1
            flat = np.concatenate(profile)
            if not any(np.abs(flat - seen).max() <= 1e-9 for seen in out):
                out.append(flat)
    return passed, out


@pytest.mark.parametrize("seed", range(6))
def test_two_player_certification_matches_the_rule_per_candidate(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = rng.integers(1, 5, size=2)
    game = NormalFormGame([rng.integers(-2, 3, (m, n)), rng.integers(-2, 3, (m, n))])
    # every pure profile, random mixtures, a zero row, a NaN row and duplicates
    pure = [(np.eye(m)[i], np.eye(n)[j]) for i in range(m) for j in range(n)]
    mixed = [(rng.random(m), rng.random(n)) for _ in range(5)]
    junk = [(np.zeros(m), np.ones(n)), (np.full(m, np.nan), np.ones(n))]
    cands = pure + mixed + junk + pure[:2]
    blocks = (np.array([c[0] for c in cands]), np.array([c[1] for c in cands]))
    kept, k, rejected, certificate = certify_candidates(game, blocks, tol=1e-9)
    passed, expected = _certify_reference(game, blocks, 1e-9)
    assert k == len(cands)
    assert rejected == len(cands) - passed
    found = [np.concatenate(eq.strategies) for eq in kept]
    assert same_set(found, expected)  # duplicates merged, nothing else lost
    for eq in kept:
        x, y = eq.strategies
        A, B = game.payoffs
        np.testing.assert_allclose(eq.payoffs, [x @ A @ y, x @ B @ y], atol=1e-12)
        assert eq.regret == pytest.approx(game.regret([x, y]), abs=1e-12)
    relative = [game.gains(eq.strategies) / game.payoff_ranges for eq in kept]
    assert certificate == pytest.approx(max(0.0, *(float(g.max()) for g in relative)), abs=1e-15)


@pytest.mark.parametrize(("m", "n"), [(1, 3), (2, 2), (3, 3), (2, 4), (4, 3)])
@pytest.mark.parametrize("tol", [0.0, 1e-9, 0.3])
def test_two_player_pure_candidates_match_the_n_player_kernel(m: int, n: int, tol: float) -> None:
    from kurilsim.solvers._pure import pure_equilibria_kernel

    for seed in range(10):
        rng = np.random.default_rng(seed)
        game = NormalFormGame([rng.integers(0, 3, (m, n)), rng.integers(0, 3, (m, n))])
        rows, cols = nash._pure_blocks(game, tol)
        profiles_ = pure_equilibria_kernel(game.centred_payoffs, atol=tol * game.payoff_ranges)
        assert rows.tolist() == np.eye(m)[profiles_[:, 0]].tolist()
        assert cols.tolist() == np.eye(n)[profiles_[:, 1]].tolist()


@pytest.mark.parametrize("shape", [(3, 3), (2, 3), (4, 2)])
@pytest.mark.parametrize("player", [0, 1])
@pytest.mark.parametrize("gap", [0.0, 1e-16, 1e-13, 1e-6])
def test_resolution_shortcut_agrees_on_square_and_rectangular_games(
    shape: tuple[int, int], player: int, gap: float
) -> None:
    rng = np.random.default_rng(3)
    payoffs = [rng.random(shape), rng.random(shape)]
    # a near tie between two payoffs the player compares
    if player == 0:
        payoffs[0][1, 0] = payoffs[0][0, 0] + gap
    else:
        payoffs[1][0, 1] = payoffs[1][0, 0] + gap
    game = NormalFormGame(payoffs)
    for tol in (1e-15, 1e-9):
        try:
            check_resolution(game, tol, method="vertex")
            passes = True
        except PrecisionError:
            passes = False
        assert nash._resolved_two_player(game, tol) == passes
