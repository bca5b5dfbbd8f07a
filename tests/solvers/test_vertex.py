"""Vertex enumeration kernel (kurilsim.solvers._vertex)."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim.solvers._vertex import vertex_candidates, vertex_enumeration_kernel


@pytest.fixture(autouse=True)
def _numpy_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are of the numpy routes: keep the compiled small-game loop
    out (tests/solvers/test_vertex_numba.py compares the two)."""
    import kurilsim.solvers._vertex as vertex_module

    monkeypatch.setattr(vertex_module, "_env_disabled", True)


def as_set(pairs: list[tuple[np.ndarray, ...]]) -> set[tuple[float, ...]]:
    return {tuple(np.round(np.concatenate(p), 7) + 0.0) for p in pairs}


def test_battle_of_the_sexes() -> None:
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    X, Y, route = vertex_candidates(A, B)
    assert route in ("bases", "qhull")
    assert X.shape == Y.shape == (3, 2)
    np.testing.assert_allclose(X.sum(axis=1), 1.0)
    assert as_set(list(zip(X, Y, strict=True))) == {
        (1.0, 0.0, 1.0, 0.0), (0.6, 0.4, 0.4, 0.6), (0.0, 1.0, 0.0, 1.0)
    }


@pytest.mark.parametrize("seed", range(6))
def test_polytope_routes_agree_on_random_games(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    shape = tuple(rng.integers(2, 7, size=2))
    A, B = rng.standard_normal(shape), rng.standard_normal(shape)
    by_bases, _ = vertex_enumeration_kernel(A, B, route="bases")
    by_qhull, _ = vertex_enumeration_kernel(A, B, route="qhull")
    assert as_set(by_bases) == as_set(by_qhull)
    assert len(by_bases) % 2 == 1


@pytest.mark.parametrize(("shape", "seed"), [((8, 8), 8), ((5, 9), 1), ((9, 4), 2), ((10, 10), 3)])
def test_partner_solves_match_enumerating_both_polytopes(
    monkeypatch: pytest.MonkeyPatch, shape: tuple[int, int], seed: int
) -> None:
    """The fast route (one polytope by Qhull, each vertex's partner by a linear
    solve) finds exactly the pairs that enumerating both polytopes finds."""
    import kurilsim.solvers._vertex as vertex_module

    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal(shape), rng.standard_normal(shape)
    fast, _ = vertex_enumeration_kernel(A, B)
    monkeypatch.setattr(vertex_module, "_partners", lambda *args: None)
    exhaustive, _ = vertex_enumeration_kernel(A, B)
    assert as_set(fast) == as_set(exhaustive)
    assert len(fast) % 2 == 1
