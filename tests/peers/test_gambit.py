"""Cross-checks of kurilsim's two-player solvers against Gambit (pygambit).

Gambit's ``enummixed_solve`` enumerates the extreme equilibria of a bimatrix
game, like kurilsim's ``"vertex"`` method, so the two must return the same set:

* on random Gaussian games (nondegenerate with probability one) in floating
  point, where kurilsim's ``"support"`` must return that set as well;
* on small integer games, which are very often degenerate, against Gambit's
  exact rational arithmetic (``rational=True``);
* on hand-made degenerate games (duplicate rows/columns, ties, constant
  payoffs) and on the two-player games of ``pygambit.catalog``.

Gambit (16.7) sometimes lists the same extreme equilibrium twice on degenerate
games (e.g. the first game of ``GAMBIT_DUPLICATES`` below), so Gambit's output
is deduplicated before comparing; kurilsim must list each equilibrium once.
"""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash
from kurilsim.testing.compare import distinct_profiles as distinct
from kurilsim.testing.compare import format_profiles as fmt
from kurilsim.testing.compare import (
    same_profile,
    seeded_gaussian_bimatrix,
    seeded_integer_bimatrix,
)

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers

ATOL = 1e-6

Profile = tuple[np.ndarray, ...]


# ----------------------------------------------------------------------- helpers


def gambit_game(A, B):
    """A Gambit strategic game; integer arrays are passed as exact Python ints."""
    A, B = np.asarray(A), np.asarray(B)
    if A.dtype.kind in "iu" and B.dtype.kind in "iu":
        return pygambit.Game.from_arrays(A.tolist(), B.tolist())
    return pygambit.Game.from_arrays(A, B)


def profiles_of(game, equilibria) -> list[Profile]:
    """Gambit mixed-strategy profiles as tuples of float arrays (exact for rationals)."""
    players = list(game.players)
    return [
        tuple(np.array([float(p) for _, p in eq[player]]) for player in players)
        for eq in equilibria
    ]


def gambit_enummixed(A, B, *, rational: bool) -> list[Profile]:
    game = gambit_game(A, B)
    return profiles_of(game, pygambit.nash.enummixed_solve(game, rational=rational).equilibria)


def kurilsim_equilibria(A, B, method: str = "vertex") -> list[Profile]:
    game = NormalFormGame([np.asarray(A, dtype=float), np.asarray(B, dtype=float)])
    return [eq.strategies for eq in solve_nash(game, method).equilibria]








def assert_same_set(
    ours: list[Profile], theirs: list[Profile], A, B, what: str, *, dedupe: bool = True
) -> None:
    """The two lists hold the same equilibria (up to ATOL), each once in ``ours``.

    With ``dedupe=False`` Gambit's list is taken as is, so that a duplicate in
    it fails the count comparison too.
    """
    if dedupe:
        theirs = distinct(theirs)
    missing = [p for p in theirs if not any(same_profile(p, q) for q in ours)]
    extra = [p for p in ours if not any(same_profile(p, q) for q in theirs)]
    duplicated = len(distinct(ours)) != len(ours)
    if missing or extra or duplicated or len(ours) != len(theirs):
        pytest.fail(
            f"{what}: kurilsim and Gambit disagree\n"
            f"  A = {np.asarray(A).tolist()!r}\n  B = {np.asarray(B).tolist()!r}\n"
            f"  kurilsim ({len(ours)}):\n{fmt(ours)}\n"
            f"  Gambit ({len(theirs)}):\n{fmt(theirs)}\n"
            f"  missing from kurilsim:\n{fmt(missing)}\n"
            f"  not found by Gambit:\n{fmt(extra)}\n"
            f"  kurilsim lists duplicates: {duplicated}"
        )


gaussian_game = seeded_gaussian_bimatrix
small_integer_game = seeded_integer_bimatrix


SMALL_SHAPES = [(m, n) for m in range(2, 7) for n in range(2, 7)]
RECTANGULAR = [(7, 4), (4, 9), (3, 8), (9, 5)]


# ------------------------------------------------------------ nondegenerate games


def check_gaussian(m: int, n: int, seeds: range) -> None:
    for seed in seeds:
        A, B = gaussian_game(m, n, seed)
        reference = gambit_enummixed(A, B, rational=False)
        what = f"{m}x{n} Gaussian game, seed {seed}"
        # Nondegenerate: Gambit's list must not need deduplicating either.
        assert_same_set(
            kurilsim_equilibria(A, B, "vertex"), reference, A, B, what + " (vertex)",
            dedupe=False,
        )
        assert_same_set(
            kurilsim_equilibria(A, B, "support"), reference, A, B, what + " (support)",
            dedupe=False,
        )


@pytest.mark.parametrize(("m", "n"), SMALL_SHAPES, ids=lambda v: str(v))
def test_gaussian_games_match_enummixed(m, n):
    check_gaussian(m, n, range(8))


@pytest.mark.parametrize(("m", "n"), RECTANGULAR, ids=lambda v: str(v))
def test_rectangular_gaussian_games_match_enummixed(m, n):
    check_gaussian(m, n, range(3))


@pytest.mark.slow
@pytest.mark.parametrize(("m", "n"), SMALL_SHAPES, ids=lambda v: str(v))
def test_gaussian_games_match_enummixed_many_seeds(m, n):
    check_gaussian(m, n, range(8, 60))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("m", "n", "seeds"),
    [(8, 8, range(4)), (10, 10, range(3)), (7, 4, range(3, 20)), (4, 9, range(3, 20))],
    ids=["8x8", "10x10", "7x4", "4x9"],
)
def test_larger_gaussian_games_match_enummixed(m, n, seeds):
    check_gaussian(m, n, seeds)


@pytest.mark.parametrize(("m", "n"), [(3, 3), (4, 6), (6, 6)], ids=lambda v: str(v))
def test_lcp_equilibria_are_among_the_extreme_equilibria(m, n):
    # Gambit's Lemke-Howson (lcp_solve) finds some equilibria; on a nondegenerate
    # game every equilibrium is extreme, so each must be one of kurilsim's.
    for seed in range(5):
        A, B = gaussian_game(m, n, seed)
        game = gambit_game(A, B)
        found = profiles_of(game, pygambit.nash.lcp_solve(game, rational=False).equilibria)
        ours = kurilsim_equilibria(A, B, "vertex")
        assert found
        for p in found:
            assert any(same_profile(p, q) for q in ours), (A.tolist(), B.tolist(), p)


# --------------------------------------------------------------- degenerate games


def check_integer(m: int, n: int, seeds: range) -> None:
    for seed in seeds:
        A, B = small_integer_game(m, n, seed)
        reference = gambit_enummixed(A, B, rational=True)
        assert_same_set(
            kurilsim_equilibria(A, B, "vertex"), reference, A, B,
            f"{m}x{n} integer game in {{0, 1, 2}}, seed {seed}",
        )


INTEGER_SHAPES = [(m, n) for m in range(2, 5) for n in range(2, 5)]


@pytest.mark.parametrize(("m", "n"), INTEGER_SHAPES, ids=lambda v: str(v))
def test_small_integer_games_match_exact_enummixed(m, n):
    check_integer(m, n, range(25))


@pytest.mark.slow
@pytest.mark.parametrize(("m", "n"), INTEGER_SHAPES, ids=lambda v: str(v))
def test_small_integer_games_match_exact_enummixed_many_seeds(m, n):
    check_integer(m, n, range(25, 300))


@pytest.mark.slow
@pytest.mark.parametrize(("m", "n"), [(5, 5), (3, 6), (6, 4)], ids=lambda v: str(v))
def test_larger_integer_games_match_exact_enummixed(m, n):
    check_integer(m, n, range(40))


HAND_MADE = {
    # every profile is an equilibrium: the extreme ones are the pure profiles
    "all zero 2x2": ([[0, 0], [0, 0]], [[0, 0], [0, 0]]),
    "all zero 2x3": ([[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0]]),
    "duplicate rows": ([[1, 0], [1, 0], [0, 1]], [[1, 0], [1, 0], [0, 1]]),
    "duplicate columns": ([[2, 2, 0], [0, 0, 1]], [[1, 1, 0], [0, 0, 2]]),
    "duplicate rows and columns": (
        [[1, 1, 0], [1, 1, 0], [0, 0, 1]],
        [[1, 1, 0], [1, 1, 0], [0, 0, 1]],
    ),
    "ties against a safe row": ([[1, 1], [1, 1], [0, 2]], [[0, 1], [2, 1], [1, 0]]),
    "column player indifferent": ([[3, 0], [0, 2], [1, 1]], [[1, 1], [1, 1], [1, 1]]),
    "row coordination, column indifferent": (
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
    ),
    # von Stengel (2007), the degenerate 3x2 example: a pure strategy with two
    # pure best responses, so a segment of equilibria
    "von Stengel degenerate 3x2": ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]),
    # entry deterrence: (In, Accommodate) and the component (Out, Fight >= 1/2)
    "entry deterrence": ([[0, 0], [-1, 1]], [[2, 2], [-1, 1]]),
    "2x4 with a duplicated Gambit answer": (
        [[1, 2, 0, 2], [1, 2, 1, 2]],
        [[1, 0, 0, 2], [1, 1, 2, 0]],
    ),
}


@pytest.mark.parametrize("name", list(HAND_MADE))
def test_hand_made_degenerate_games_match_exact_enummixed(name):
    A, B = (np.array(x) for x in HAND_MADE[name])
    assert_same_set(
        kurilsim_equilibria(A, B, "vertex"), gambit_enummixed(A, B, rational=True), A, B, name
    )


def test_gambit_duplicates_are_collapsed():
    # Gambit 16.7 returns ((1/2, 1/2), (1, 0, 0, 0)) and ((1/2, 1/2), (0, 0, 0, 1))
    # twice each here (6 profiles, 4 distinct); kurilsim lists the 4 once.
    A, B = (np.array(x) for x in HAND_MADE["2x4 with a duplicated Gambit answer"])
    reference = gambit_enummixed(A, B, rational=True)
    ours = kurilsim_equilibria(A, B, "vertex")
    assert len(distinct(reference)) == len(ours) == 4
    assert len(reference) >= len(ours)


# ---------------------------------------------------------------------- catalog


def _catalog():
    try:
        from pygambit import catalog
    except ImportError as exc:  # e.g. pandas missing
        pytest.skip(f"pygambit.catalog is not importable: {exc}")
    return catalog


def test_catalog_two_player_games_match_exact_enummixed():
    catalog = _catalog()
    slugs = list(catalog.games(n_players=2)["Game"])
    assert slugs, "the catalog lists no two-player games"
    failures = []
    for slug in slugs:
        loaded = catalog.load(slug)
        A, B = (np.array(a, dtype=object) for a in loaded.to_arrays())
        # Rebuild a plain strategic game so that strategies are in the same order.
        game = pygambit.Game.from_arrays(A.tolist(), B.tolist())
        reference = distinct(
            profiles_of(game, pygambit.nash.enummixed_solve(game, rational=True).equilibria)
        )
        ours = kurilsim_equilibria(A.astype(float), B.astype(float), "vertex")
        if len(ours) != len(reference) or not all(
            any(same_profile(p, q) for q in ours) for p in reference
        ):
            failures.append(f"{slug}: kurilsim {len(ours)}, Gambit {len(reference)}")
    assert not failures, "\n".join(failures)


def test_vonstengel_6x6_with_75_equilibria():
    """von Stengel's (1999) 6x6 game with 75 equilibria, shipped as a test
    fixture (pygambit 16.7's catalog does not have it yet)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "vonstengel1999_6x6_75eq.nfg"
    A, B = (np.array(a, dtype=float) for a in NormalFormGame.from_nfg(path).payoffs)
    ours = kurilsim_equilibria(A, B, "vertex")
    reference = gambit_enummixed(A, B, rational=False)
    assert len(ours) == 75
    assert_same_set(ours, reference, A, B, "vonstengel1999 6x6")
