"""Reducing a game before 'enumerate': duplicates, dominance and the map back."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers._enumerate import enumerate_kernel
from kurilsim.solvers._reduce import reduce_game


def random_game(shape: tuple[int, ...], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in shape]


def profiles(result: object) -> list[np.ndarray]:
    return [np.concatenate(eq.strategies) for eq in result.equilibria]  # type: ignore[attr-defined]


def same_set(a: list[np.ndarray], b: list[np.ndarray], atol: float = 1e-7) -> bool:
    return len(a) == len(b) and all(any(np.allclose(x, y, atol=atol) for y in b) for x in a)


def with_duplicate(arrays: list[np.ndarray], player: int, copy: int, at: int) -> list[np.ndarray]:
    """Insert a copy of ``player``'s strategy ``copy`` at position ``at``."""
    return [
        np.insert(u, at, np.take(u, copy, axis=player), axis=player) for u in arrays
    ]


def expected_with_duplicate(
    equilibria: list[tuple[np.ndarray, ...]], player: int, copy: int, at: int
) -> list[np.ndarray]:
    """Each equilibrium of the original game, with the copied strategy's weight
    on the original or on the copy (one point if the weight is zero)."""
    out = []
    for strategies in equilibria:
        sigma = strategies[player]
        options = []
        original = np.insert(sigma, at, 0.0)
        options.append(original)
        if sigma[copy] > 0:
            moved = original.copy()
            pos = copy if copy < at else copy + 1
            moved[at], moved[pos] = moved[pos], 0.0
            options.append(moved)
        for option in options:
            parts = list(strategies)
            parts[player] = option
            out.append(np.concatenate(parts))
    return out


def test_duplicates_are_merged_and_dominated_strategies_removed() -> None:
    u0 = np.array([[3.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    u1 = np.array([[2.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
    reduced = reduce_game((u0, u1))
    assert [c.tolist() for c in reduced.classes[0]] == [[0, 2]]
    assert [c.tolist() for c in reduced.classes[1]] == [[0]]
    assert (reduced.n_duplicates, reduced.n_dominated) == (1, 2)
    assert not reduced.trivial


def test_dominance_can_create_duplicates_and_both_are_iterated() -> None:
    # rows 0 and 1 differ only against column 2, which is strictly dominated
    u0 = np.array([[1.0, 2.0, 5.0], [1.0, 2.0, 0.0], [0.0, 3.0, 1.0]])
    u1 = np.array([[1.0, 0.0, 0.5], [1.0, 0.0, 0.2], [0.0, 2.0, -1.0]])
    reduced = reduce_game((u0, u1))
    assert [c.tolist() for c in reduced.classes[1]] == [[0], [1]]
    assert [c.tolist() for c in reduced.classes[0]] == [[0, 1], [2]]
    assert reduced.payoffs[0].shape == (2, 2)


def test_no_duplicates_when_merging_is_off() -> None:
    u = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert reduce_game((u, np.zeros((2, 2)))).n_duplicates == 1
    reduced = reduce_game((u, np.zeros((2, 2))), duplicate_tol=None)
    assert reduced.trivial
    assert reduced.payoffs[0].shape == (2, 2)


def test_expand_puts_each_class_weight_on_each_member() -> None:
    u = np.zeros((3, 2, 2))
    reduced = reduce_game((u, u, u))  # every strategy of everyone is a duplicate
    assert reduced.payoffs[0].shape == (1, 1, 1)
    blocks = reduced.expand((np.ones((1, 1)),) * 3)
    assert len(blocks[0]) == 3 * 2 * 2
    points = {tuple(np.concatenate([b[c] for b in blocks])) for c in range(12)}
    assert len(points) == 12  # every combination of pure strategies, once


@pytest.mark.parametrize("seed", range(4))
def test_a_duplicate_maps_to_the_extreme_points_of_its_segment(seed: int) -> None:
    """The pre-reduction engine reported exactly these sets on these games (with
    complete=False, after subdividing the singular supports); now they are
    complete."""
    base = random_game((2, 2, 2), seed)
    game = NormalFormGame(with_duplicate(base, 0, 0, 2))
    result = solve_nash(game, "enumerate")
    assert result.complete
    original = [eq.strategies for eq in solve_nash(NormalFormGame(base), "enumerate").equilibria]
    assert same_set(profiles(result), expected_with_duplicate(original, 0, 0, 2))
    out = enumerate_kernel(game)
    # merged, or removed with its twin when dominance solves the game
    assert out.n_duplicates == 1 or out.n_dominated == 4


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 3, 2), (2, 2, 2, 2)]),
    data=st.data(),
)
def test_property_added_duplicate_maps_equilibria(
    seed: int, shape: tuple[int, ...], data: st.DataObject
) -> None:
    base = random_game(shape, seed)
    player = data.draw(st.integers(0, len(shape) - 1))
    copy = data.draw(st.integers(0, shape[player] - 1))
    at = data.draw(st.integers(0, shape[player]))
    original = solve_nash(NormalFormGame(base), "enumerate")
    result = solve_nash(NormalFormGame(with_duplicate(base, player, copy, at)), "enumerate")
    assert result.complete == original.complete
    expected = expected_with_duplicate(
        [eq.strategies for eq in original.equilibria], player, copy, at
    )
    assert same_set(profiles(result), expected)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 2, 2, 2)]),
    data=st.data(),
)
def test_property_added_dominated_strategy_changes_nothing(
    seed: int, shape: tuple[int, ...], data: st.DataObject
) -> None:
    """A new strategy that earns its player less than an existing one against
    everything (the others' payoffs from it arbitrary) is never played."""
    base = random_game(shape, seed)
    player = data.draw(st.integers(0, len(shape) - 1))
    worse_than = data.draw(st.integers(0, shape[player] - 1))
    at = data.draw(st.integers(0, shape[player]))
    rng = np.random.default_rng(seed + 1)
    arrays = []
    for j, u in enumerate(base):
        row = np.take(u, worse_than, axis=player)
        new = row - 0.5 - rng.uniform(size=row.shape) if j == player else rng.standard_normal(row.shape)
        arrays.append(np.insert(u, at, new, axis=player))
    original = solve_nash(NormalFormGame(base), "enumerate")
    result = solve_nash(NormalFormGame(arrays), "enumerate")
    assert result.complete == original.complete
    expected = []
    for eq in original.equilibria:
        parts = list(eq.strategies)
        parts[player] = np.insert(parts[player], at, 0.0)
        expected.append(np.concatenate(parts))
    assert same_set(profiles(result), expected)


def test_weakly_dominated_strategy_keeps_its_equilibria() -> None:
    """Entry: 'fight' is weakly dominated, yet (out, fight) is an equilibrium
    (here with a third player who always prefers its first strategy).
    Conditional weak dominance inside support enumeration must not lose it."""
    # player 0: in / out; player 1: fight / accommodate
    u0 = np.array([[-1.0, 1.0], [0.0, 0.0]])
    u1 = np.array([[-1.0, 1.0], [2.0, 2.0]])
    arrays = [np.stack([u0, u0], axis=2), np.stack([u1, u1], axis=2)]
    arrays.append(np.stack([np.ones((2, 2)), np.zeros((2, 2))], axis=2))
    result = solve_nash(NormalFormGame(arrays), "enumerate")
    pure = {
        tuple(int(np.argmax(s)) for s in eq.strategies) for eq in result.equilibria if eq.is_pure
    }
    assert pure == {(1, 0, 0), (0, 1, 0)}  # (out, fight) and (in, accommodate)
