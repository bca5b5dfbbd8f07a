"""'enumerate' against Gambit's enumpoly on seeded random n-player games."""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers


def gambit_equilibria(arrays: list[np.ndarray]) -> list[np.ndarray]:
    game = pygambit.Game.from_arrays(*arrays)
    result = pygambit.nash.enumpoly_solve(game)
    return [
        np.array([float(eq[s]) for player in game.players for s in player.strategies])
        for eq in result.equilibria
    ]


def ours(arrays: list[np.ndarray]) -> list[np.ndarray]:
    result = solve_nash(NormalFormGame(arrays), "enumerate")
    assert result.complete
    for eq in result.equilibria:
        assert eq.regret <= 1e-8
    return [np.concatenate(eq.strategies) for eq in result.equilibria]


def same_set(a: list[np.ndarray], b: list[np.ndarray], atol: float = 1e-6) -> bool:
    return len(a) == len(b) and all(any(np.allclose(x, y, atol=atol) for y in b) for x in a)


def brute_regret(arrays: list[np.ndarray], profile: tuple[np.ndarray, ...]) -> float:
    """Regret by explicit loops over cells (independent of kurilsim's einsum)."""
    n = len(arrays)
    worst = 0.0
    for i in range(n):
        dev = np.zeros(arrays[i].shape[i])
        for cell in np.ndindex(*arrays[i].shape):
            prob = np.prod([profile[j][cell[j]] for j in range(n) if j != i])
            dev[cell[i]] += prob * arrays[i][cell]
        worst = max(worst, dev.max() - dev @ profile[i])
    return worst


def check_against_enumpoly(arrays: list[np.ndarray]) -> tuple[int, int]:
    """Everything enumpoly finds, kurilsim finds; anything more is a certified
    equilibrium by an independent regret computation.  Returns the counts."""
    mine, theirs = ours(arrays), gambit_equilibria(arrays)
    assert all(any(np.allclose(x, y, atol=1e-6) for y in mine) for x in theirs)
    cuts = np.cumsum(arrays[0].shape)[:-1]
    for x in mine:
        if not any(np.allclose(x, y, atol=1e-6) for y in theirs):
            assert brute_regret(arrays, tuple(np.split(x, cuts))) <= 1e-12
    assert len(mine) % 2 == 1  # generic games have an odd number of equilibria
    return len(mine), len(theirs)


CASES = (
    [((2, 2, 2), seed) for seed in range(6)]
    + [((2, 2, 2, 2), seed) for seed in range(4)]
    + [((3, 2, 2), seed) for seed in range(3)]
    + [((3, 3, 3), seed) for seed in range(10)]
)
# Games where pygambit 16.7's enumpoly misses certified equilibria (see the
# closing note of issue 3): (shape, seed) -> (kurilsim count, enumpoly count).
# On each, kurilsim's elimination and subdivision routes agree, and every extra
# equilibrium passes the independent brute-force regret check below.
KNOWN_GAMBIT_MISSES = {
    ((2, 2, 2, 2), 2): (5, 4),
    ((2, 2, 2, 2), 3): (5, 4),
    ((3, 2, 2), 1): (5, 3),
    ((3, 3, 3), 5): (3, 2),
    ((3, 3, 3), 6): (5, 3),
    ((3, 3, 3), 8): (5, 4),
    ((3, 3, 3), 9): (11, 7),
}


@pytest.mark.parametrize(("shape", "seed"), CASES)
def test_enumerate_matches_enumpoly(shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    counts = check_against_enumpoly([rng.standard_normal(shape) for _ in shape])
    assert counts == KNOWN_GAMBIT_MISSES.get((shape, seed), (counts[1], counts[1]))


def test_enumpoly_misses_a_totally_mixed_equilibrium_that_enumerate_certifies() -> None:
    """On this seeded 2x2x2x2 game enumpoly (pygambit 16.7) reports 4 equilibria;
    kurilsim finds those 4 plus a totally mixed one, with regret ~1e-16.  A
    generic game has an odd number of equilibria, so 5 is the expected count."""
    rng = np.random.default_rng(2)
    shape = (2, 2, 2, 2)
    arrays = [rng.standard_normal(shape) for _ in shape]
    theirs = gambit_equilibria(arrays)
    mine = ours(arrays)
    assert len(mine) == 5
    assert all(any(np.allclose(x, y, atol=1e-6) for y in mine) for x in theirs)
    extra = [x for x in mine if not any(np.allclose(x, y, atol=1e-6) for y in theirs)]
    game = NormalFormGame(arrays)
    for x in extra:
        profile = tuple(np.split(x, 4))
        assert np.all(x > 0)
        assert game.regret(profile) <= 1e-12
    if len(theirs) == 4:
        assert len(extra) == 1
    else:  # a later Gambit that finds it too must agree with us exactly
        assert same_set(mine, theirs)
