"""Lemke's algorithm on the sequence form: normal forms, degenerate games, trees."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    NormalFormGame,
    SolverError,
    solve_nash,
)
from kurilsim.solvers.sequence_form import plan_regrets, sequence_form_lcp

ONE = np.ones((1, 1))


def as_sequence_form(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, ...]:
    """A bimatrix game as a sequence form without the empty sequence."""
    m, n = A.shape
    return A, B, np.ones((1, m)), np.ones(1), np.ones((1, n)), np.ones(1)


def is_nash(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> bool:
    scale = max(np.ptp(A), np.ptp(B), 1e-300)
    ay, xb = A @ y, x @ B
    return bool(
        abs(x.sum() - 1) < 1e-12
        and abs(y.sum() - 1) < 1e-12
        and x.min() >= 0
        and y.min() >= 0
        and ay.max() - x @ ay <= tol * scale
        and xb.max() - xb @ y <= tol * scale
    )


def among_vertex(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> bool:
    """Whether (x, y) is an extreme equilibrium that 'vertex' lists, or (in a
    degenerate game) lies in a component whose payoffs 'vertex' lists."""
    result = solve_nash(NormalFormGame([A, B]), "vertex")
    return any(eq.isclose((x, y), atol=1e-7) for eq in result.equilibria)


# ------------------------------------------------------------- normal forms
def test_matching_pennies_exact_and_float() -> None:
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    sol = sequence_form_lcp(*as_sequence_form(A, -A))
    np.testing.assert_allclose(sol.x, [0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(sol.y, [0.5, 0.5], atol=1e-12)
    exact = sequence_form_lcp(*as_sequence_form(A, -A), exact=True)
    assert exact.exact
    assert list(exact.x) == [Fraction(1, 2), Fraction(1, 2)]
    assert not exact.x.flags.writeable


def test_unique_mixed_equilibrium_of_a_3x2_game() -> None:
    # von Stengel (2007), figure 3.2's game: (0, 1/3, 2/3), (2/3, 1/3) is one
    # of its equilibria; the path from the first strategies must end at an
    # equilibrium that 'vertex' lists
    A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    sol = sequence_form_lcp(*as_sequence_form(A, B))
    assert is_nash(A, B, sol.x, sol.y)
    assert among_vertex(A, B, sol.x, sol.y)


def test_a_pure_default_equilibrium_needs_no_pivot() -> None:
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    sol = sequence_form_lcp(*as_sequence_form(A, A.T))
    assert sol.n_pivots == 0
    assert sol.x.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("A", "B"),
    [
        (np.zeros((3, 3)), np.zeros((3, 3))),  # every profile is an equilibrium
        (np.ones((2, 3)), np.eye(2, 3)),
        (np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 2.0]]), np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])),
        (np.array([[0.0, 6.0], [2.0, 5.0], [3.0, 3.0]]), np.array([[1.0, 0.0], [0.0, 2.0], [4.0, 4.0]])),
    ],
)
def test_degenerate_games(A: np.ndarray, B: np.ndarray) -> None:
    for exact in (False, True):
        sol = sequence_form_lcp(*as_sequence_form(A, B), exact=exact)
        x, y = np.asarray(sol.x, float), np.asarray(sol.y, float)
        assert is_nash(A, B, x, y, tol=1e-15 if exact else 1e-12)


@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["normal", "integer", "ties"]),
)
def test_random_bimatrix_games(m: int, n: int, seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    elif kind == "integer":
        A, B = (rng.integers(-3, 4, size=(m, n)).astype(float) for _ in range(2))
    else:  # many ties: degenerate
        A, B = (rng.integers(0, 2, size=(m, n)).astype(float) for _ in range(2))
    sol = sequence_form_lcp(*as_sequence_form(A, B))
    assert is_nash(A, B, sol.x, sol.y)
    r1, r2 = plan_regrets(*as_sequence_form(A, B), sol.x, sol.y)
    assert max(r1, r2) <= 1e-9 * max(np.ptp(A), np.ptp(B), 1.0)
    if kind == "normal":  # nondegenerate: the equilibrium is a vertex of both polytopes
        assert among_vertex(A, B, sol.x, sol.y)
    exact = sequence_form_lcp(*as_sequence_form(A, B), exact=True)
    x, y = np.asarray(exact.x, float), np.asarray(exact.y, float)
    assert is_nash(A, B, x, y, tol=1e-15)


@pytest.mark.parametrize("factor", [1e-3, 1.0, 1e4])
def test_scaling_invariance(factor: float) -> None:
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    base = sequence_form_lcp(*as_sequence_form(A, B))
    scaled = sequence_form_lcp(*as_sequence_form(A * factor, B * factor))
    np.testing.assert_allclose(scaled.x, base.x, atol=1e-9)
    np.testing.assert_allclose(scaled.y, base.y, atol=1e-9)
    assert scaled.n_pivots == base.n_pivots


# --------------------------------------------------------- a small tree
def tree_sequence_form() -> tuple[np.ndarray, ...]:
    """Player 1 chooses L (payoffs 1, 0) or R; after R player 2 chooses c or
    d, then player 1 chooses l or r without seeing it.  Sequences: (empty, L,
    R, Rl, Rr) and (empty, c, d)."""
    E = np.array(
        [[1, 0, 0, 0, 0], [-1, 1, 1, 0, 0], [0, 0, -1, 1, 1]], dtype=float
    )
    e = np.array([1.0, 0.0, 0.0])
    F = np.array([[1, 0, 0], [-1, 1, 1]], dtype=float)
    f = np.array([1.0, 0.0])
    A = np.zeros((5, 3))
    B = np.zeros((5, 3))
    A[1, 0] = 1.0  # L ends the game before player 2 moves
    A[3, 1], A[3, 2] = 3.0, 0.0  # R then l
    A[4, 1], A[4, 2] = 0.0, 2.0  # R then r
    B[3, 1], B[3, 2] = 0.0, 2.0
    B[4, 1], B[4, 2] = 1.0, 0.0
    return A, B, E, e, F, f


def test_tree_equilibrium_by_hand() -> None:
    # after R: a 2x2 game (l/r vs c/d) whose unique equilibrium is mixed:
    # player 2 plays c with q = 2/5 (3q = 2(1 - q)), player 1 plays l with
    # p = 1/3 (1 - p = 2p); player 1 then earns 6/5 > 1 after R, and L is
    # never a best reply (max(3q, 2 - 2q) >= 6/5), so the equilibrium is
    # unique: x = (1, 0, 1, 1/3, 2/3), y = (1, 2/5, 3/5)
    A, B, E, e, F, f = tree_sequence_form()
    for exact in (False, True):
        sol = sequence_form_lcp(A, B, E, e, F, f, exact=exact)
        np.testing.assert_allclose(
            np.asarray(sol.x, float), [1, 0, 1, 1 / 3, 2 / 3], atol=1e-12
        )
        np.testing.assert_allclose(np.asarray(sol.y, float), [1, 0.4, 0.6], atol=1e-12)
    assert list(sequence_form_lcp(A, B, E, e, F, f, exact=True).x) == [
        1, 0, 1, Fraction(1, 3), Fraction(2, 3)
    ]


def test_plan_regrets_detect_a_deviation() -> None:
    A, B, E, e, F, f = tree_sequence_form()
    r1, r2 = plan_regrets(A, B, E, e, F, f, [1, 1, 0, 0, 0], [1, 1, 0])
    assert r1 == pytest.approx(2.0)  # R then l earns 3 instead of 1
    assert r2 == 0.0


# ------------------------------------------------------------------ errors
def test_max_pivots() -> None:
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    with pytest.raises(SolverError, match="max_pivots=1"):
        sequence_form_lcp(*as_sequence_form(A, -A), max_pivots=1)
    with pytest.raises(SolverError, match="max_pivots=1"):
        sequence_form_lcp(*as_sequence_form(A, -A), max_pivots=1, exact=True)


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "10"])
def test_bad_max_pivots(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="max_pivots"):
        sequence_form_lcp(*as_sequence_form(ONE, ONE), max_pivots=bad)  # type: ignore[arg-type]


def test_bad_exact() -> None:
    with pytest.raises(InvalidArgumentError, match="exact"):
        sequence_form_lcp(*as_sequence_form(ONE, ONE), exact=1)  # type: ignore[arg-type]


def test_bad_constraints() -> None:
    A, B, E, e, F, f = tree_sequence_form()
    with pytest.raises(InvalidGameError, match="shape"):
        sequence_form_lcp(A[:, :2], B, E, e, F, f)
    bad = E.copy()
    bad[2, 4] = 0.0  # sequence 4 in no row
    with pytest.raises(InvalidGameError, match="sequence 4"):
        sequence_form_lcp(A, B, bad, e, F, f)
    with pytest.raises(InvalidGameError, match="entries"):
        sequence_form_lcp(A, B, E * 2, e, F, f)
    with pytest.raises(InvalidGameError, match="right-hand side"):
        sequence_form_lcp(A, B, E, e[:2], F, f)
    with pytest.raises(InvalidGameError, match="finite"):
        sequence_form_lcp(A * np.nan, B, E, e, F, f)


def long_path_tree() -> tuple[np.ndarray, ...]:
    """A random tree (about 1,000 leaves, 590 sequences) whose Lemke path
    has 2,319 pivots: without periodic recomputation of the tableau, the
    float path went astray on it (rounding in the ratio test)."""
    from kurilsim import ExtensiveFormGame
    from kurilsim.games.extensive import Chance, Choice, Terminal

    rng = np.random.default_rng(1)
    depth = 8

    def build(d: int, history: tuple[tuple[object, ...], ...], signal: int) -> object:
        u = rng.random()
        if d == 0 or (d < depth and u < 0.1):
            return Terminal(tuple(float(v) for v in rng.standard_normal(2)))
        if u < 0.2:
            k = int(rng.integers(2, 4))
            probs = rng.dirichlet(np.ones(k))
            probs /= probs.sum()
            return Chance([
                (f"c{j}", float(probs[j]), build(d - 1, history, j % 2)) for j in range(k)
            ])
        player = int(rng.integers(2))
        key = (history[player], signal)
        moves = []
        for a in range(2 + len(history[player]) % 2):
            new = list(history)
            new[player] = (*history[player], (key, a))
            moves.append((f"a{a}", build(d - 1, tuple(new), a % 2)))
        return Choice(player, key, moves)

    game = ExtensiveFormGame(build(depth, ((), ()), 0), players=["one", "two"])  # type: ignore[arg-type]
    form = game.sequence_form()
    (E, e), (F, f) = form.constraints
    A, B = form.payoffs  # type: ignore[misc]
    return A, B, E, e, F, f


@pytest.mark.slow
def test_a_long_path_stays_on_track() -> None:
    A, B, E, e, F, f = long_path_tree()
    sol = sequence_form_lcp(A, B, E, e, F, f)
    assert not sol.exact
    assert sol.n_pivots > 1000
    r1, r2 = plan_regrets(A, B, E, e, F, f, sol.x, sol.y)
    assert max(r1, r2) <= 1e-12 * max(np.abs(A).max(), np.abs(B).max())
    assert np.abs(E @ sol.x - e).max() <= 1e-12
    assert np.abs(F @ sol.y - f).max() <= 1e-12
