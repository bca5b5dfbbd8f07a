"""The homotopy route of 'enumerate': start systems, planted roots, agreement
with elimination and with subdivision."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers._algebraic import (
    count_start_paths,
    solve_by_homotopy,
    solve_three_mixing,
    start_assignments,
)
from kurilsim.solvers._enumerate import enumerate_kernel


@pytest.mark.parametrize(
    ("dims", "count"),
    [((1, 1), 1), ((2, 2), 1), ((1, 1, 1), 2), ((2, 2, 2), 10), ((3, 3, 3), 56), ((1, 1, 1, 1), 9)],
)
def test_start_counts_are_the_largest_numbers_of_totally_mixed_equilibria(
    dims: tuple[int, ...], count: int
) -> None:
    """McKelvey and McLennan (1997): 2 for 2x2x2, 10 for 3x3x3, 9 for
    2x2x2x2, 56 for 4x4x4 (and 1 for a square bimatrix game)."""
    assert count_start_paths(dims) == count
    assignments = start_assignments(dims)
    owners = np.repeat(np.arange(len(dims)), dims)
    for row in assignments:  # each equation picks another role; each role picked dims[j] times
        assert np.all(row != owners)
        assert np.bincount(row, minlength=len(dims)).tolist() == list(dims)


def planted(shape: tuple[int, ...], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A random game with a planted totally mixed equilibrium: each player's
    payoffs are shifted per strategy so that all its strategies earn the
    same against the others' planted mixtures."""
    rng = np.random.default_rng(seed)
    sigma = [rng.dirichlet(np.ones(m)) for m in shape]
    arrays = []
    for i in range(len(shape)):
        u = rng.standard_normal(shape)
        values = u
        for j in reversed(range(len(shape))):
            if j != i:
                values = np.tensordot(values, sigma[j], axes=([j], [0])) if j < values.ndim else values
        # values: expected payoff of each own strategy (after contracting the others)
        shift = values - values.mean()
        index = [None] * len(shape)
        index[i] = slice(None)
        arrays.append(u - shift[tuple(index)])
    return arrays, sigma


@pytest.mark.parametrize("seed", range(3))
def test_homotopy_recovers_a_planted_4x4x4_totally_mixed_equilibrium(seed: int) -> None:
    arrays, sigma = planted((4, 4, 4), seed)
    tensors = tuple(a[None] for a in arrays)
    out = solve_by_homotopy(tensors)
    assert not out.degenerate.any()
    found = [np.concatenate([m[c] for m in out.mixtures]) for c in range(len(out.owner))]
    assert any(np.allclose(f, np.concatenate(sigma), atol=1e-9) for f in found)
    game = NormalFormGame(arrays)
    for c in range(len(out.owner)):
        assert game.regret([m[c] for m in out.mixtures]) <= 1e-10


@pytest.mark.parametrize("seed", range(6))
def test_homotopy_agrees_with_elimination_on_3x3x3_supports(seed: int) -> None:
    """A batch of full-support 3x3x3 systems: the bivariate resultant and the
    homotopy find the same real solutions in the simplex."""
    rng = np.random.default_rng(seed)
    arrays, _ = planted((3, 3, 3), seed)
    tensors = tuple(
        np.stack([a, *(rng.standard_normal(a.shape) for _ in range(3))]) for a in arrays
    )
    hom = solve_by_homotopy(tensors)
    eli = solve_three_mixing(*tensors)
    assert eli is not None
    assert not hom.degenerate.any()
    assert not eli.degenerate.any()

    def points(out: object) -> list[tuple[int, np.ndarray]]:
        return [
            (int(out.owner[c]), np.concatenate([m[c] for m in out.mixtures]))  # type: ignore[attr-defined]
            for c in range(len(out.owner))  # type: ignore[attr-defined]
        ]

    def distinct(pts: list[tuple[int, np.ndarray]]) -> list[tuple[int, np.ndarray]]:
        out: list[tuple[int, np.ndarray]] = []
        for o, x in pts:  # elimination may report a root more than once
            if not any(o == p and np.allclose(x, y, atol=1e-8) for p, y in out):
                out.append((o, x))
        return out

    a, b = distinct(points(hom)), distinct(points(eli))
    assert len(a) == len(b) >= 1  # the planted one at least
    for owner, x in a:
        assert any(o == owner and np.allclose(x, y, atol=1e-8) for o, y in b)


def test_homotopy_flags_a_constant_system_as_degenerate() -> None:
    tensors = tuple(np.zeros((1, 3, 3, 3)) for _ in range(3))
    assert solve_by_homotopy(tensors).degenerate.all()


@pytest.mark.parametrize("seed", range(5))
def test_4x4x4_enumerate_complete_with_odd_count(seed: int) -> None:
    """The seeds of the benchmark (docs: 3, 17, 13, 9, 29 equilibria)."""
    rng = np.random.default_rng(seed)
    shape = (4, 4, 4)
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    result = solve_nash(game, "enumerate")
    assert result.complete
    assert len(result.equilibria) == [3, 17, 13, 9, 29][seed]
    for eq in result.equilibria:
        assert game.regret(eq.strategies) <= 1e-9 * game.payoff_range


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 3])
def test_homotopy_and_subdivision_agree_on_4x4x4(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (4, 4, 4)
    game = NormalFormGame([rng.standard_normal(shape) for _ in shape])
    fast = enumerate_kernel(game)
    slow = enumerate_kernel(game, route="subdivision")
    assert not fast.unresolved
    a = [np.concatenate([b[c] for b in fast.candidates]) for c in range(len(fast.candidates[0]))]
    b = [np.concatenate([k[c] for k in slow.candidates]) for c in range(len(slow.candidates[0]))]
    def is_profile(x: np.ndarray) -> bool:
        return all(abs(s.sum() - 1.0) <= 1e-9 and s.min() >= -1e-12 for s in np.split(x, 3))

    certified = [
        x for x in b if is_profile(x) and game.regret(np.split(np.clip(x, 0, None), 3)) <= 1e-9
    ]
    assert certified
    for x in certified:
        assert any(np.allclose(x, y, atol=1e-7) for y in a)
