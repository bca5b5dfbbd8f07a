"""Unit tests of the Lemke–Howson kernel and the Savani–von Stengel games."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kurilsim import InvalidGameError, NormalFormGame, SolverError
from kurilsim.solvers import _lemke_howson as lh_module
from kurilsim.solvers._lemke_howson import (
    lemke_howson_kernel,
    savani_von_stengel_game,
)
from kurilsim.testing.strategies import normal_form_games

Matrix = NDArray[np.float64]


# ---------------------------------------------------------------------------
# Helpers


def _regrets(A: Matrix, B: Matrix, x: Matrix, y: Matrix) -> tuple[float, float]:
    """Largest gain of a unilateral deviation, for the row and the column player."""
    return (
        float(np.max(A @ y) - x @ A @ y),
        float(np.max(x @ B) - x @ B @ y),
    )


def _assert_equilibrium(A: Matrix, B: Matrix, x: Matrix, y: Matrix) -> None:
    """``(x, y)`` is a pair of probability vectors with regret <= 1e-9 x range."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    m, n = A.shape
    assert x.shape == (m,)
    assert y.shape == (n,)
    assert x.dtype == np.float64
    assert y.dtype == np.float64
    for p in (x, y):
        assert np.all(p >= 0.0)
        assert abs(p.sum() - 1.0) <= 1e-12
    payoff_range = max(np.ptp(A), np.ptp(B))
    # A tiny absolute term covers constant games, whose range is 0.
    magnitude = max(1.0, float(np.abs(A).max()), float(np.abs(B).max()))
    tol = 1e-9 * payoff_range + 1e-14 * magnitude
    row_regret, col_regret = _regrets(A, B, x, y)
    assert row_regret <= tol, (row_regret, tol)
    assert col_regret <= tol, (col_regret, tol)


def _is_one_of(
    x: Matrix, y: Matrix, equilibria: list[tuple[list[float], list[float]]]
) -> bool:
    return any(
        np.allclose(x, ex, atol=1e-10) and np.allclose(y, ey, atol=1e-10)
        for ex, ey in equilibria
    )


def _all_labels(
    A: Matrix, B: Matrix, **kwargs: int
) -> list[tuple[Matrix, Matrix, int]]:
    m, n = np.shape(A)
    return [lemke_howson_kernel(A, B, k, **kwargs) for k in range(m + n)]


def _support_enumeration(A: Matrix, B: Matrix) -> list[tuple[Matrix, Matrix]]:
    """All equilibria of a *nondegenerate* game by brute-force support enumeration.

    In a nondegenerate game both supports of an equilibrium have the same size
    ``k`` and the indifference equations have a unique solution; all support
    pairs of one size are solved in one batched call.
    """
    m, n = A.shape
    found = []
    for k in range(1, min(m, n) + 1):
        rows = np.array(list(itertools.combinations(range(m), k)))
        cols = np.array(list(itertools.combinations(range(n), k)))
        row_sets = np.repeat(rows, len(cols), axis=0)
        col_sets = np.tile(cols, (len(rows), 1))
        # y on J makes the rows I indifferent: A[I, J] y - v = 0, sum y = 1.
        a_sub = A[row_sets[:, :, None], col_sets[:, None, :]]
        b_sub = B[row_sets[:, :, None], col_sets[:, None, :]].transpose(0, 2, 1)
        border = np.zeros((len(row_sets), k + 1, k + 1))
        border[:, k, :k] = 1.0
        border[:, :k, k] = -1.0
        rhs = np.zeros((len(row_sets), k + 1))
        rhs[:, k] = 1.0
        pad = ((0, 0), (0, 1), (0, 1))
        ys = np.linalg.solve(border + np.pad(a_sub, pad), rhs[..., None])[..., 0]
        xs = np.linalg.solve(border + np.pad(b_sub, pad), rhs[..., None])[..., 0]
        for t in range(len(row_sets)):
            x, y = np.zeros(m), np.zeros(n)
            x[row_sets[t]], y[col_sets[t]] = xs[t, :k], ys[t, :k]
            if x.min() < -1e-12 or y.min() < -1e-12:
                continue
            if max(_regrets(A, B, x, y)) <= 1e-9 * max(np.ptp(A), np.ptp(B)):
                found.append((x, y))
    return found


def _gale_path_length(d: int, initial_label: int) -> int:
    """Length of the Lemke–Howson path of the Savani–von Stengel game, combinatorially.

    A vertex of a dual cyclic polytope in dimension ``d`` (even) with ``2d``
    facets is the set of its ``d`` facets, a bitstring satisfying Gale's
    evenness condition: cyclically, every maximal run of ones has even length.
    Leaving facet ``w`` splits its run; the new facet is the zero next to the
    part of the run that became odd.  Labels: facet ``k`` of the first polytope
    has label ``k``, facet ``k`` of the second the label ``l'(k)`` below.
    """
    n = 2 * d
    second = list(range(n))
    for k in range(1, d - 1, 2):
        second[k], second[k + 1] = k + 1, k
    for k in range(d, n, 2):
        second[k], second[k + 1] = k + 1, k
    labels = (list(range(n)), second)
    facets = ([1] * d + [0] * d, [0] * d + [1] * d)  # the artificial equilibrium

    def leave(bits: list[int], w: int) -> int:
        start = w
        while bits[(start - 1) % n]:
            start = (start - 1) % n
        position = (w - start) % n  # of w within its run of ones
        bits[w] = 0
        step = 1 if position % 2 == 0 else -1
        new = (w + step) % n
        while bits[new]:
            new = (new + step) % n
        bits[new] = 1
        return new

    side = 0 if initial_label < d else 1
    dropped = initial_label
    length = 0
    while True:
        facet = labels[side].index(dropped)
        gained = labels[side][leave(facets[side], facet)]
        length += 1
        if gained == initial_label:
            return length
        dropped, side = gained, 1 - side


# ---------------------------------------------------------------------------
# Known games

BATTLE_OF_THE_SEXES = (
    np.array([[2.0, 0.0], [0.0, 1.0]]),
    np.array([[1.0, 0.0], [0.0, 2.0]]),
)
MATCHING_PENNIES = (
    np.array([[1.0, -1.0], [-1.0, 1.0]]),
    np.array([[-1.0, 1.0], [1.0, -1.0]]),
)
# von Stengel (2007), Figure 3.3 and the 3x2 example of section 3.
VON_STENGEL = (
    np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]]),
    np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]]),
)
VON_STENGEL_EQUILIBRIA = [
    ([1.0, 0.0, 0.0], [1.0, 0.0]),
    ([4 / 5, 1 / 5, 0.0], [2 / 3, 1 / 3]),
    ([0.0, 1 / 3, 2 / 3], [1 / 3, 2 / 3]),
]


def test_battle_of_the_sexes_every_label() -> None:
    A, B = BATTLE_OF_THE_SEXES
    equilibria = [
        ([1.0, 0.0], [1.0, 0.0]),
        ([0.0, 1.0], [0.0, 1.0]),
        ([2 / 3, 1 / 3], [1 / 3, 2 / 3]),
    ]
    for x, y, n_pivots in _all_labels(A, B):
        _assert_equilibrium(A, B, x, y)
        assert _is_one_of(x, y, equilibria)
        # The mixed equilibrium has the "wrong" index: no path from (0, 0) ends there.
        assert not np.allclose(x, [2 / 3, 1 / 3])
        assert n_pivots >= 2


def test_matching_pennies_unique_mixed_equilibrium() -> None:
    A, B = MATCHING_PENNIES
    for x, y, _ in _all_labels(A, B):
        _assert_equilibrium(A, B, x, y)
        np.testing.assert_allclose(x, [0.5, 0.5], atol=1e-12)
        np.testing.assert_allclose(y, [0.5, 0.5], atol=1e-12)


def test_von_stengel_3x2_every_label() -> None:
    A, B = VON_STENGEL
    results = _all_labels(A, B)
    for x, y, _ in results:
        _assert_equilibrium(A, B, x, y)
        assert _is_one_of(x, y, VON_STENGEL_EQUILIBRIA)
    # The game is nondegenerate, so each path is determined: labels 0, 2, 3
    # lead to the pure equilibrium, labels 1 and 4 to the third one.
    pure, _, third = VON_STENGEL_EQUILIBRIA
    expected = [pure, third, pure, pure, third]
    for (x, y, _), (ex, ey) in zip(results, expected, strict=True):
        np.testing.assert_allclose(x, ex, atol=1e-12)
        np.testing.assert_allclose(y, ey, atol=1e-12)
    assert [p for _, _, p in results] == [2, 4, 3, 2, 4]


def test_invariant_under_positive_affine_payoff_changes() -> None:
    A, B = VON_STENGEL
    for k in range(5):
        x, y, p = lemke_howson_kernel(A, B, k)
        x2, y2, p2 = lemke_howson_kernel(7.0 * A - 3.0, 0.25 * B + 100.0, k)
        assert p == p2
        np.testing.assert_allclose(x, x2, atol=1e-12)
        np.testing.assert_allclose(y, y2, atol=1e-12)


def test_does_not_modify_inputs_and_is_deterministic() -> None:
    A, B = VON_STENGEL
    A0, B0 = A.copy(), B.copy()
    first = lemke_howson_kernel(A, B, 1)
    second = lemke_howson_kernel(A, B, 1)
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(B, B0)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert first[2] == second[2]


@pytest.mark.parametrize(
    ("A", "B"),
    [
        pytest.param([[5.0]], [[-2.0]], id="1x1"),
        pytest.param([[1.0, 4.0, 2.0]], [[3.0, 1.0, 3.0]], id="1x3-tie"),
        pytest.param([[1.0], [4.0], [4.0]], [[0.0], [0.0], [0.0]], id="3x1-tie"),
        pytest.param([[1.0, 2.0]], [[0.0, 5.0]], id="1x2"),
    ],
)
def test_single_strategy_games(A: list[list[float]], B: list[list[float]]) -> None:
    a, b = np.array(A), np.array(B)
    for x, y, _ in _all_labels(a, b):
        _assert_equilibrium(a, b, x, y)


def test_accepts_integer_arrays_and_numpy_integer_labels() -> None:
    A = np.array([[3, 3], [2, 5], [0, 6]])
    B = np.array([[3, 2], [2, 6], [3, 1]])
    x, y, _ = lemke_howson_kernel(A, B, np.int64(1))
    _assert_equilibrium(A, B, x, y)


# ---------------------------------------------------------------------------
# Degenerate games: the lexicographic rule must make every path terminate.

DEGENERATE_GAMES = {
    "constant-2x2": ([[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]),
    "zero-3x4": (np.zeros((3, 4)), np.zeros((3, 4))),
    # von Stengel (2007), section 3.6: against the first row both columns are
    # best responses.
    "von-stengel-degenerate-3x2": (
        [[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]],
        [[3.0, 3.0], [2.0, 6.0], [3.0, 1.0]],
    ),
    # Against the pure row 0 the column player has two best responses.
    "tied-best-response-2x3": (
        [[1.0, 1.0, 0.0], [0.0, 0.0, 2.0]],
        [[2.0, 2.0, 0.0], [0.0, 1.0, 1.0]],
    ),
    "duplicate-rows-and-columns": (
        [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]],
    ),
    "coordination-with-ties-4x4": (np.eye(4) + 1.0, np.ones((4, 4)) - np.eye(4)[::-1]),
    "weakly-dominated-3x3": (
        [[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
        [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]],
    ),
}


@pytest.fixture
def exact_labels(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The initial labels whose path had to be recomputed in exact arithmetic."""
    labels: list[int] = []
    exact_path = lh_module._exact_path

    def spy(*args: object) -> tuple[Matrix, Matrix, int]:
        labels.append(args[2])  # type: ignore[arg-type]
        return exact_path(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(lh_module, "_exact_path", spy)
    return labels


@pytest.mark.parametrize("name", sorted(DEGENERATE_GAMES))
def test_degenerate_games_terminate_from_every_label(
    name: str, exact_labels: list[int]
) -> None:
    A, B = (np.array(M, dtype=float) for M in DEGENERATE_GAMES[name])
    for x, y, n_pivots in _all_labels(A, B, max_pivots=1_000):
        _assert_equilibrium(A, B, x, y)
        assert n_pivots >= 2
    # The floating-point lexicographic rule copes with these exact ties alone.
    assert exact_labels == []


def test_nearly_degenerate_game_falls_back_to_exact_arithmetic(
    exact_labels: list[int],
) -> None:
    # Payoffs 2 and 2.0000001 make nearly parallel columns: floating-point
    # pivoting from labels 1 and 4 ends at a profile with regret 1e-7, which
    # the kernel rejects and recomputes exactly.
    A = np.array([[0.0, 2.0000001], [2.0, 2.0], [2.0000001, 2.0], [2.0, 2.0]])
    B = np.array(
        [[2.0000001, 2.0000001], [2.0000001, 2.0], [2.0000001, 2.0000001], [0, 0]]
    )
    for x, y, _ in _all_labels(A, B):
        _assert_equilibrium(A, B, x, y)
    assert exact_labels  # the floating-point path alone is not good enough here


@pytest.fixture
def exact_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reject every floating-point end point, so the exact path is always used."""
    monkeypatch.setattr(lh_module, "_ACCEPT_REGRET", -np.inf)


@pytest.mark.usefixtures("exact_only")
def test_exact_path_matches_float_path_on_nondegenerate_games() -> None:
    A, B = VON_STENGEL
    pure, _, third = VON_STENGEL_EQUILIBRIA
    results = _all_labels(A, B)
    for (x, y, _), (ex, ey) in zip(
        results, [pure, third, pure, pure, third], strict=True
    ):
        np.testing.assert_allclose(x, ex, atol=1e-15)
        np.testing.assert_allclose(y, ey, atol=1e-15)
    assert [p for _, _, p in results] == [2, 4, 3, 2, 4]
    A, B = savani_von_stengel_game(6)
    assert [p for _, _, p in _all_labels(A, B)] == SVS_PATH_LENGTHS[6]


@pytest.mark.usefixtures("exact_only")
@pytest.mark.parametrize("name", sorted(DEGENERATE_GAMES))
def test_exact_path_on_degenerate_games(name: str) -> None:
    A, B = (np.array(M, dtype=float) for M in DEGENERATE_GAMES[name])
    for x, y, _ in _all_labels(A, B, max_pivots=1_000):
        _assert_equilibrium(A, B, x, y)


@pytest.mark.usefixtures("exact_only")
def test_exact_path_respects_max_pivots() -> None:
    A, B = savani_von_stengel_game(4)
    with pytest.raises(SolverError, match="initial label 0"):
        lemke_howson_kernel(A, B, 0, max_pivots=19)
    assert lemke_howson_kernel(A, B, 0, max_pivots=20)[2] == 20


# ---------------------------------------------------------------------------
# Savani–von Stengel games

SVS_PATH_LENGTHS = {
    2: [4, 4, 4, 4],
    4: [20, 8, 8, 20, 10, 10, 10, 10],
    6: [88, 24, 24, 24, 24, 88, 36, 36, 16, 16, 36, 36],
    8: [376, 92, 92, 40, 40, 92, 92, 376, 146, 146, 42, 42, 42, 42, 146, 146],
}


@pytest.mark.parametrize("d", sorted(SVS_PATH_LENGTHS))
def test_gale_string_path_lengths_match_table(d: int) -> None:
    assert [_gale_path_length(d, k) for k in range(2 * d)] == SVS_PATH_LENGTHS[d]


@pytest.mark.parametrize("d", [2, 4, 6, 8])
def test_savani_von_stengel_unique_equilibrium_from_every_label(d: int) -> None:
    A, B = savani_von_stengel_game(d)
    assert A.shape == B.shape == (d, d)
    assert A.dtype == B.dtype == np.float64
    equilibria = _support_enumeration(A, B)
    assert len(equilibria) == 1
    ex, ey = equilibria[0]
    assert np.all(ex > 0)  # completely mixed
    assert np.all(ey > 0)
    pivots = []
    for k in range(2 * d):
        x, y, n_pivots = lemke_howson_kernel(A, B, k)
        _assert_equilibrium(A, B, x, y)
        np.testing.assert_allclose(x, ex, atol=1e-9)
        np.testing.assert_allclose(y, ey, atol=1e-9)
        pivots.append(n_pivots)
    # The float computation follows exactly the combinatorial paths.
    assert pivots == SVS_PATH_LENGTHS[d]
    assert pivots == [_gale_path_length(d, k) for k in range(2 * d)]


def test_savani_von_stengel_6_has_one_equilibrium_per_nashpy() -> None:
    nash = pytest.importorskip("nashpy")
    A, B = savani_von_stengel_game(6)
    found = list(nash.Game(A, B).vertex_enumeration())
    assert len(found) == 1
    x, y, _ = lemke_howson_kernel(A, B, 8)
    np.testing.assert_allclose(found[0][0], x, atol=1e-9)
    np.testing.assert_allclose(found[0][1], y, atol=1e-9)


def test_savani_von_stengel_labelling_structure() -> None:
    # Every entry is nonzero and each player's payoffs have no ties in a
    # column/row, as in any realisation of the dual cyclic polytopes.
    A, B = savani_von_stengel_game(6)
    assert np.all(np.abs(A) > 0.0)
    assert np.all(np.abs(B) > 0.0)
    assert all(len(set(np.round(col, 12))) == 6 for col in A.T)
    assert all(len(set(np.round(row, 12))) == 6 for row in B)


@pytest.mark.parametrize("d", [0, -2, 1, 3, 7, 2.0, True, "6", None])
def test_savani_von_stengel_rejects_bad_dimension(d: object) -> None:
    with pytest.raises(InvalidGameError, match="even integer"):
        savani_von_stengel_game(d)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("label", [-1, 5, 6, 100, 1.0, 2.5, True, "0", None])
def test_invalid_initial_label(label: object) -> None:
    A, B = VON_STENGEL
    with pytest.raises(InvalidGameError, match=r"\[0, 5\)") as info:
        lemke_howson_kernel(A, B, label)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert repr(label) in str(info.value) or str(label) in str(info.value)


@pytest.mark.parametrize(
    ("A", "B"),
    [
        pytest.param(np.ones((2, 3)), np.ones((3, 2)), id="shape-mismatch"),
        pytest.param(np.ones(3), np.ones(3), id="1-d"),
        pytest.param(np.ones((0, 2)), np.ones((0, 2)), id="empty"),
        pytest.param(np.array([[np.nan, 1.0]]), np.ones((1, 2)), id="nan"),
        pytest.param(np.ones((1, 2)), np.array([[np.inf, 1.0]]), id="inf"),
    ],
)
def test_invalid_payoffs(A: Matrix, B: Matrix) -> None:
    with pytest.raises(InvalidGameError):
        lemke_howson_kernel(A, B, 0)


def test_max_pivots_exceeded_raises_solver_error() -> None:
    A, B = savani_von_stengel_game(6)
    with pytest.raises(SolverError, match=r"initial label 0.*max_pivots=10") as info:
        lemke_howson_kernel(A, B, 0, max_pivots=10)
    assert isinstance(info.value, RuntimeError)
    # The limit is inclusive: a path of exactly max_pivots pivots is fine.
    assert lemke_howson_kernel(A, B, 0, max_pivots=88)[2] == 88
    with pytest.raises(SolverError, match="87"):
        lemke_howson_kernel(A, B, 0, max_pivots=87)


def test_zero_max_pivots_raises() -> None:
    A, B = MATCHING_PENNIES
    with pytest.raises(SolverError, match="initial label 3"):
        lemke_howson_kernel(A, B, 3, max_pivots=0)


# ---------------------------------------------------------------------------
# Property-based tests

# Small integer ranges make ties (degeneracy) frequent.
_integer_games = st.sampled_from([1, 2, 5, 100]).flatmap(
    lambda bound: normal_form_games(max_strategies=6, integer=True, max_abs=bound)
)
_float_games = normal_form_games(max_strategies=6, max_abs=1e3)


@given(_integer_games)
def test_random_integer_games_every_label(game: NormalFormGame) -> None:
    A, B = game.payoffs
    for x, y, _ in _all_labels(A, B, max_pivots=10_000):
        _assert_equilibrium(A, B, x, y)


@given(_float_games)
def test_random_float_games_every_label(game: NormalFormGame) -> None:
    A, B = game.payoffs
    for x, y, _ in _all_labels(A, B, max_pivots=10_000):
        _assert_equilibrium(A, B, x, y)
