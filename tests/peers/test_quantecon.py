"""Cross-checks of kurilsim's two-player solvers against QuantEcon.

* On random Gaussian games (nondegenerate with probability one) kurilsim's
  ``"vertex"`` and ``"support"`` return exactly the equilibria of QuantEcon's
  ``vertex_enumeration`` and ``support_enumeration``.
* On small integer games, usually degenerate, every equilibrium QuantEcon's
  vertex enumeration returns is one of kurilsim's extreme equilibria; QuantEcon
  often returns fewer (its vertex enumeration assumes nondegeneracy), see
  ``test_quantecon_vertex_enumeration_misses_extreme_equilibria``.
* Lemke-Howson: QuantEcon's ``init_pivot`` and kurilsim's ``initial_label`` use
  the same labels (``0 .. m-1`` row strategies, ``m .. m+n-1`` column
  strategies), and on nondegenerate games both follow the same path from every
  label to the same equilibrium.

QuantEcon's solvers are numba-compiled: the first call of each compiles it
(several seconds, cached on disk afterwards).  Games are passed as float64
arrays throughout so that one specialisation serves every test.
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

quantecon = pytest.importorskip("quantecon")
qe_gt = pytest.importorskip("quantecon.game_theory")

pytestmark = pytest.mark.peers

ATOL = 1e-6

Profile = tuple[np.ndarray, ...]


# ----------------------------------------------------------------------- helpers


def qe_game(A, B):
    """QuantEcon's game: each Player's payoff array is indexed by its own action first."""
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    return qe_gt.NormalFormGame((qe_gt.Player(A), qe_gt.Player(np.ascontiguousarray(B.T))))


def ks_game(A, B) -> NormalFormGame:
    return NormalFormGame([np.asarray(A, dtype=float), np.asarray(B, dtype=float)])


def ks_equilibria(A, B, method: str) -> list[Profile]:
    return [eq.strategies for eq in solve_nash(ks_game(A, B), method).equilibria]








def describe(A, B, ours, theirs) -> str:
    return (
        f"\n  A = {np.asarray(A).tolist()!r}\n  B = {np.asarray(B).tolist()!r}\n"
        f"  kurilsim ({len(ours)}):\n{fmt(ours)}\n  QuantEcon ({len(theirs)}):\n{fmt(theirs)}"
    )


def assert_same_set(ours, theirs, A, B, what: str) -> None:
    missing = [p for p in theirs if not any(same_profile(p, q) for q in ours)]
    extra = [p for p in ours if not any(same_profile(p, q) for q in theirs)]
    if missing or extra or len(ours) != len(theirs) or len(distinct(ours)) != len(ours):
        pytest.fail(f"{what}: kurilsim and QuantEcon disagree" + describe(A, B, ours, theirs))


def assert_superset(ours, theirs, A, B, what: str) -> None:
    missing = [p for p in theirs if not any(same_profile(p, q) for q in ours)]
    if missing:
        pytest.fail(
            f"{what}: QuantEcon equilibria not found by kurilsim:\n{fmt(missing)}"
            + describe(A, B, ours, theirs)
        )


gaussian_game = seeded_gaussian_bimatrix
small_integer_game = seeded_integer_bimatrix


SMALL_SHAPES = [(m, n) for m in range(2, 7) for n in range(2, 7)]
RECTANGULAR = [(7, 4), (4, 9), (3, 8), (9, 5)]


# ------------------------------------------------------------ nondegenerate games


def check_gaussian(m: int, n: int, seeds: range, *, support: bool) -> None:
    for seed in seeds:
        A, B = gaussian_game(m, n, seed)
        g = qe_game(A, B)
        ours = ks_equilibria(A, B, "vertex")
        what = f"{m}x{n} Gaussian game, seed {seed}"
        assert_same_set(ours, qe_gt.vertex_enumeration(g), A, B, what + " (vertex)")
        if support:
            assert_same_set(
                ks_equilibria(A, B, "support"), qe_gt.support_enumeration(g), A, B,
                what + " (support)",
            )


@pytest.mark.parametrize(("m", "n"), SMALL_SHAPES, ids=lambda v: str(v))
def test_gaussian_games_match_vertex_enumeration(m, n):
    check_gaussian(m, n, range(8), support=False)


@pytest.mark.parametrize(("m", "n"), RECTANGULAR, ids=lambda v: str(v))
def test_rectangular_gaussian_games_match_vertex_enumeration(m, n):
    check_gaussian(m, n, range(3), support=False)


# support_enumeration's first call compiles for ~15 s, hence "slow".
@pytest.mark.slow
@pytest.mark.parametrize(("m", "n"), SMALL_SHAPES, ids=lambda v: str(v))
def test_gaussian_games_match_vertex_and_support_enumeration(m, n):
    check_gaussian(m, n, range(60), support=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("m", "n", "seeds"),
    [(8, 8, range(4)), (10, 10, range(3)), (7, 4, range(3, 20)), (4, 9, range(3, 20))],
    ids=["8x8", "10x10", "7x4", "4x9"],
)
def test_larger_gaussian_games_match(m, n, seeds):
    check_gaussian(m, n, seeds, support=True)


# --------------------------------------------------------------- degenerate games


INTEGER_SHAPES = [(m, n) for m in range(2, 5) for n in range(2, 5)]


def check_integer(m: int, n: int, seeds: range) -> None:
    for seed in seeds:
        A, B = small_integer_game(m, n, seed)
        assert_superset(
            ks_equilibria(A, B, "vertex"), qe_gt.vertex_enumeration(qe_game(A, B)), A, B,
            f"{m}x{n} integer game in {{0, 1, 2}}, seed {seed}",
        )


@pytest.mark.parametrize(("m", "n"), INTEGER_SHAPES, ids=lambda v: str(v))
def test_vertex_contains_quantecon_vertex_on_degenerate_games(m, n):
    check_integer(m, n, range(25))


@pytest.mark.slow
@pytest.mark.parametrize(("m", "n"), INTEGER_SHAPES, ids=lambda v: str(v))
def test_vertex_contains_quantecon_vertex_on_degenerate_games_many_seeds(m, n):
    check_integer(m, n, range(25, 300))


# Entry deterrence.  Row player (entrant): Out / In; column player (incumbent):
# Fight / Accommodate.  The incumbent is indifferent when the entrant stays out.
# Equilibria: (In, Accommodate) and the component (Out, Fight with probability
# >= 1/2), whose extreme points are (Out, Fight) and (Out, 1/2 Fight + 1/2 Acc.).
# Gambit's exact enummixed_solve finds exactly these three extreme equilibria.
ENTRY_A = [[0, 0], [-1, 1]]
ENTRY_B = [[2, 2], [-1, 1]]
ENTRY_EXTREME = [
    (np.array([1.0, 0.0]), np.array([1.0, 0.0])),
    (np.array([1.0, 0.0]), np.array([0.5, 0.5])),
    (np.array([0.0, 1.0]), np.array([0.0, 1.0])),
]


def test_quantecon_vertex_enumeration_misses_extreme_equilibria():
    # Documents QuantEcon (0.11) behaviour on a degenerate game: its
    # vertex_enumeration returns only (In, Accommodate) and misses both extreme
    # points of the (Out, Fight >= 1/2) component -- even the pure equilibrium
    # (Out, Fight), which its own support_enumeration finds (next test).
    ours = ks_equilibria(ENTRY_A, ENTRY_B, "vertex")
    assert_same_set(ours, ENTRY_EXTREME, ENTRY_A, ENTRY_B, "entry deterrence, kurilsim")
    g = qe_game(ENTRY_A, ENTRY_B)
    theirs = qe_gt.vertex_enumeration(g)
    assert_superset(ours, theirs, ENTRY_A, ENTRY_B, "entry deterrence")
    assert len(theirs) == 1
    assert same_profile(theirs[0], ENTRY_EXTREME[2])
    assert not any(same_profile(ENTRY_EXTREME[0], p) for p in theirs)


@pytest.mark.slow
def test_quantecon_support_enumeration_finds_the_pure_equilibrium_vertex_misses():
    found = qe_gt.support_enumeration(qe_game(ENTRY_A, ENTRY_B))
    assert any(same_profile(ENTRY_EXTREME[0], p) for p in found)
    assert_superset(
        ks_equilibria(ENTRY_A, ENTRY_B, "vertex"), found, ENTRY_A, ENTRY_B, "entry deterrence"
    )


def test_entry_deterrence_extreme_equilibria_agree_with_gambit():
    pygambit = pytest.importorskip("pygambit")
    game = pygambit.Game.from_arrays(ENTRY_A, ENTRY_B)
    result = pygambit.nash.enummixed_solve(game, rational=True)
    players = list(game.players)
    gambit = [
        tuple(np.array([float(p) for _, p in eq[player]]) for player in players)
        for eq in result.equilibria
    ]
    assert_same_set(distinct(gambit), ENTRY_EXTREME, ENTRY_A, ENTRY_B, "Gambit")


def test_all_zero_game_quantecon_finds_one_of_four_pure_profiles():
    # Every profile of the all-zero game is an equilibrium; its extreme points
    # are the four pure profiles.  QuantEcon's vertex enumeration returns one.
    zeros = np.zeros((2, 2))
    ours = ks_equilibria(zeros, zeros, "vertex")
    assert len(ours) == 4
    assert all(eq_is_pure(p) for p in ours)
    theirs = qe_gt.vertex_enumeration(qe_game(zeros, zeros))
    assert_superset(ours, theirs, zeros, zeros, "all-zero game")
    assert len(theirs) < len(ours)


def eq_is_pure(p: Profile) -> bool:
    return all(np.count_nonzero(s) == 1 for s in p)


# ----------------------------------------------------------------- Lemke-Howson


def check_lemke_howson(m: int, n: int, seeds: range) -> None:
    for seed in seeds:
        A, B = gaussian_game(m, n, seed)
        game, g = ks_game(A, B), qe_game(A, B)
        for label in range(m + n):
            ours = solve_nash(game, "lemke-howson", initial_label=label).equilibria[0]
            theirs = qe_gt.lemke_howson(g, init_pivot=label)
            if not ours.isclose(theirs, atol=ATOL):
                pytest.fail(
                    f"{m}x{n} Gaussian game, seed {seed}, label {label}: different "
                    "Lemke-Howson equilibria" + describe(A, B, [ours.strategies], [theirs])
                )


def test_lemke_howson_labels_match_on_a_game_with_three_equilibria():
    # Battle of the sexes with labels 0, 1 (rows) and 2, 3 (columns); from the
    # artificial equilibrium, dropping a row label k leads to the pure
    # equilibrium where the row player plays k (and likewise for columns).
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    game, g = ks_game(A, B), qe_game(A, B)
    expected = {0: (1, 0), 1: (0, 1), 2: (1, 0), 3: (0, 1)}
    for label, pure in expected.items():
        ours = solve_nash(game, "lemke-howson", initial_label=label).equilibria[0]
        theirs = qe_gt.lemke_howson(g, init_pivot=label)
        assert ours.isclose(theirs), label
        assert ours.isclose((np.array(pure, float), np.array(pure, float))), label


@pytest.mark.parametrize(("m", "n"), SMALL_SHAPES + RECTANGULAR, ids=lambda v: str(v))
def test_lemke_howson_same_equilibrium_from_every_label(m, n):
    check_lemke_howson(m, n, range(4))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("m", "n", "seeds"),
    [(6, 6, range(4, 60)), (8, 8, range(20)), (10, 10, range(20)), (12, 7, range(20))],
    ids=["6x6", "8x8", "10x10", "12x7"],
)
def test_lemke_howson_same_equilibrium_many_games(m, n, seeds):
    check_lemke_howson(m, n, seeds)
