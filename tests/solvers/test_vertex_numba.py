"""The compiled small-game route of vertex enumeration (kurilsim.solvers._vertex_numba).

Games with at most ``COMPILED_BASES`` label bases per polytope or
``COMPILED_DIM`` strategies per player solve every basis of both
best-response polytopes in one compiled loop when numba is used.  The
equilibria must not change: every test compares the certified equilibria of
``solve_nash(game, "vertex")`` by the compiled loop with those by the numpy
routes (and, where installed, QuantEcon's and Gambit's), on random (up to
7x7), degenerate (small integer payoffs, duplicate rows and columns) and
scaled games and on the suite of small textbook games.  The loops are also
run as plain Python (what runs without numba).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kurilsim.solvers._numba as numba_module
import kurilsim.solvers._vertex as vertex_module
from kurilsim import NormalFormGame, solve_nash
from kurilsim.solvers._polytope import positive_scaled
from kurilsim.testing.strategies import generic_games, normal_form_games

_SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "_small_games.py"


def _compiled_or_skip() -> None:
    if vertex_module.compiled_kernel(load=True) is None:
        pytest.skip("numba is not installed or KURILSIM_DISABLE_NUMBA is set")


def takes_compiled_route(m: int, n: int) -> bool:
    return (
        vertex_module.comb(m + n, m) <= vertex_module.COMPILED_BASES
        or max(m, n) <= vertex_module.COMPILED_DIM
    )


def equilibria(game: NormalFormGame, engine: str) -> list[np.ndarray]:
    """The certified equilibria of ``"vertex"`` by one engine, as flat profiles."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vertex_module, "_env_disabled", engine == "numpy")
        result = solve_nash(game, "vertex")
    used = result.message.split("polytope route: ")[1]
    shape = game.shape
    compiled = engine == "numba" and takes_compiled_route(*shape)
    assert ("numba" in used) == compiled
    return [np.concatenate(eq.strategies) for eq in result.equilibria]


def same_set(ours: list[np.ndarray], theirs: list[np.ndarray], atol: float = 1e-7) -> bool:
    return len(ours) == len(theirs) and all(
        any(np.allclose(p, q, atol=atol, rtol=0) for q in theirs) for p in ours
    ) and all(any(np.allclose(p, q, atol=atol, rtol=0) for q in ours) for p in theirs)


def both_engines_agree(game: NormalFormGame) -> list[np.ndarray]:
    _compiled_or_skip()
    compiled = equilibria(game, "numba")
    assert same_set(compiled, equilibria(game, "numpy"))
    return compiled


# ------------------------------------------------------------- the route itself


def test_compiled_route_runs_on_small_games_only() -> None:
    _compiled_or_skip()
    bos = np.array([[3.0, 0.0], [0.0, 2.0]])
    assert vertex_module.vertex_candidates(bos, bos.T)[2] == "bases (numba)"
    assert vertex_module.vertex_candidates(bos, bos.T, engine="numpy")[2] == "bases"
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((2, 6, 8))  # 3003 bases > COMPILED_BASES, 8 > COMPILED_DIM
    assert vertex_module.vertex_candidates(A, B, engine="numba")[2] == "qhull"


def test_bad_engine_is_refused() -> None:
    from kurilsim import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="engine must be one of"):
        vertex_module.vertex_candidates(np.eye(2), np.eye(2), engine="fast")  # type: ignore[arg-type]


def test_disabled_numba_keeps_the_numpy_route(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vertex_module, "_env_disabled", True)
    assert vertex_module.compiled_kernel(load=True) is None
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    assert vertex_module.vertex_candidates(A, A.T)[2] == "bases"


def test_engine_numba_without_numba_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from kurilsim import InvalidArgumentError

    monkeypatch.setattr(vertex_module, "_loaded", None)  # as if numba were unusable
    with pytest.raises(InvalidArgumentError, match="needs the numba package"):
        vertex_module.vertex_candidates(np.eye(2), np.eye(2), engine="numba")
    assert vertex_module.compiled_kernel(load=True) is None


def test_auto_switches_after_the_numpy_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    _compiled_or_skip()
    monkeypatch.setattr(vertex_module, "_env_disabled", False)
    monkeypatch.setattr(vertex_module, "_loaded", vertex_module._UNSET)
    monkeypatch.setattr(vertex_module, "_numpy_seconds", 0.0)
    assert vertex_module.compiled_kernel() is None  # nothing spent in numpy yet
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    assert vertex_module.vertex_candidates(A, A.T)[2] == "bases"
    assert vertex_module._numpy_seconds > 0.0
    monkeypatch.setattr(vertex_module, "_numpy_seconds", vertex_module.NUMPY_SECONDS_BEFORE_NUMBA)
    assert vertex_module.vertex_candidates(A, A.T)[2] == "bases (numba)"


# ------------------------------------------------------------- same equilibria


def test_battle_of_the_sexes() -> None:
    game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    found = both_engines_agree(game)
    expected = [np.array([1, 0, 1, 0.0]), np.array([0.6, 0.4, 0.4, 0.6]), np.array([0, 1, 0, 1.0])]
    assert same_set(found, expected)


@pytest.mark.parametrize("seed", range(12))
def test_random_games_up_to_seven_by_seven(seed: int) -> None:
    rng = np.random.default_rng(700 + seed)
    shape = (int(rng.integers(2, 8)), int(rng.integers(2, 8)))
    game = NormalFormGame([rng.standard_normal(shape), rng.standard_normal(shape)])
    found = both_engines_agree(game)
    assert len(found) % 2 == 1  # nondegenerate: an odd number of equilibria


@pytest.mark.parametrize("shape", [(1, 5), (5, 1), (2, 9), (9, 3), (3, 8), (5, 9), (7, 7), (6, 8)])
def test_rectangular_games(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    game = NormalFormGame([rng.standard_normal(shape), rng.standard_normal(shape)])
    assert both_engines_agree(game)


def test_continuum_of_equilibria_gives_its_extreme_points() -> None:
    # row 1 duplicates row 0 for the column player: a segment of equilibria
    A = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    found = both_engines_agree(NormalFormGame([A, B]))
    assert len(found) >= 2


def test_constant_game_has_every_pure_profile() -> None:
    game = NormalFormGame([np.ones((3, 4)), np.ones((3, 4))])
    found = both_engines_agree(game)
    assert len(found) == 12
    assert all(np.isin(p, (0.0, 1.0)).all() for p in found)


@given(normal_form_games(max_strategies=5, integer=True, max_abs=2.0))
def test_property_same_equilibria_on_degenerate_integer_games(game: NormalFormGame) -> None:
    both_engines_agree(game)


@given(generic_games(max_strategies=6))
def test_property_same_equilibria_on_generic_games(game: NormalFormGame) -> None:
    both_engines_agree(game)


@given(
    normal_form_games(max_strategies=4, integer=True, max_abs=3.0),
    st.integers(0, 3),
    st.integers(0, 3),
)
def test_property_same_equilibria_with_duplicate_strategies(
    game: NormalFormGame, row: int, col: int
) -> None:
    A, B = game.payoffs
    r, c = row % A.shape[0], col % A.shape[1]
    A = np.concatenate([A, A[r : r + 1]], axis=0)
    B = np.concatenate([B, B[r : r + 1]], axis=0)
    A = np.concatenate([A, A[:, c : c + 1]], axis=1)
    B = np.concatenate([B, B[:, c : c + 1]], axis=1)
    both_engines_agree(NormalFormGame([A, B]))


@given(generic_games(min_strategies=2, max_strategies=5), st.sampled_from([1e-6, 1e6]))
def test_property_scaled_payoffs_give_the_same_equilibria(
    game: NormalFormGame, scale: float
) -> None:
    A, B = game.payoffs
    found = both_engines_agree(game)
    scaled = both_engines_agree(NormalFormGame([A * scale + 3.0, B * scale - 1.0]))
    assert same_set(found, scaled)


def _small_games() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    spec = importlib.util.spec_from_file_location("_small_games", _SUITE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    games: dict[str, tuple[np.ndarray, np.ndarray]] = module.small_games()
    return games


def test_small_game_suite() -> None:
    games = _small_games()
    assert len(games) >= 40
    compiled = 0
    for A, B in games.values():
        both_engines_agree(NormalFormGame([A, B]))
        compiled += takes_compiled_route(*A.shape)
    assert compiled >= 30  # most of the suite takes the compiled route


@pytest.mark.parametrize("seed", range(4))
def test_same_equilibria_as_quantecon(seed: int) -> None:
    qe = pytest.importorskip("quantecon.game_theory")
    rng = np.random.default_rng(900 + seed)
    n = 3 + seed
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    found = both_engines_agree(NormalFormGame([A, B]))
    theirs = qe.vertex_enumeration(qe.NormalFormGame((qe.Player(A), qe.Player(B.T.copy()))))
    assert same_set(found, [np.concatenate(p) for p in theirs], atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_same_equilibria_as_gambit_on_a_degenerate_game(seed: int) -> None:
    pygambit = pytest.importorskip("pygambit")
    rng = np.random.default_rng(50 + seed)
    A = rng.integers(0, 3, size=(4, 4)).astype(float)
    B = rng.integers(0, 3, size=(4, 4)).astype(float)
    found = both_engines_agree(NormalFormGame([A, B]))
    g = pygambit.Game.from_arrays(A.astype(int), B.astype(int))
    result = pygambit.nash.enummixed_solve(g, rational=True)
    theirs = [
        np.array([float(p) for player in g.players for _, p in eq[player]])
        for eq in result.equilibria
    ]
    # Gambit returns exactly the extreme equilibria; kurilsim may add pure
    # profiles accepted within tol (none on integer payoffs) and merges
    # equilibria within its duplicate distance
    assert all(any(np.allclose(p, q, atol=1e-7) for p in found) for q in theirs)
    assert all(any(np.allclose(p, q, atol=1e-7) for q in theirs) for p in found)


# ------------------------------------------------------------- without numba


def _plain_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the module with ``jit`` the identity: the loops as plain Python."""
    monkeypatch.setattr(numba_module, "jit", lambda function: function)
    path = Path(vertex_module.__file__).with_name("_vertex_numba.py")
    spec = importlib.util.spec_from_file_location("_vertex_numba_plain", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PLAIN: list[ModuleType] = []


def _plain_once() -> ModuleType:
    """:func:`_plain_module` built once per session (for hypothesis tests)."""
    if not _PLAIN:
        with pytest.MonkeyPatch.context() as patch:
            _PLAIN.append(_plain_module(patch))
    return _PLAIN[0]


@given(normal_form_games(max_strategies=4, integer=True, max_abs=2.0))
def test_property_plain_loops_equal_the_numpy_tiny_route(game: NormalFormGame) -> None:
    """Without numba too: the loops, run as plain Python, return the
    candidates of the numpy tiny route (the same algorithm, up to 4x4)."""
    A, B = game.payoffs
    X, Y = _plain_once().small_game_candidates(A.copy(), B.copy())
    X0, Y0, route = vertex_module.vertex_candidates(A, B, engine="numpy")
    assert route == "bases"
    assert same_set(list(np.hstack([X, Y])), list(np.hstack([X0, Y0])), atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_plain_python_loops_give_the_compiled_answer(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    plain = _plain_module(monkeypatch)
    rng = np.random.default_rng(seed)
    shape = (2 + seed % 3, 2 + seed)
    A, B = rng.integers(0, 3, size=shape), rng.standard_normal(shape)
    a_pos, b_pos = positive_scaled(A.astype(float)), positive_scaled(B)
    np.testing.assert_array_equal(plain._positive_scaled(A.astype(float), 0.01), a_pos)
    np.testing.assert_array_equal(plain._positive_scaled(B, 0.01), b_pos)
    X, Y = plain.small_game_candidates(A.astype(float), B)
    X0, Y0, _ = vertex_module.vertex_candidates(A.astype(float), B, engine="numpy")
    assert same_set(list(np.hstack([X, Y])), list(np.hstack([X0, Y0])), atol=1e-9)
    if vertex_module.compiled_kernel(load=True) is not None:  # and with numba
        X1, Y1, _ = vertex_module.vertex_candidates(A.astype(float), B, engine="numba")
        np.testing.assert_allclose(np.hstack([X, Y]), np.hstack([X1, Y1]), atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_jacobi_singular_values_match_lapack(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    plain = _plain_module(monkeypatch)
    rng = np.random.default_rng(seed)
    d = 2 + seed
    u, _, vt = np.linalg.svd(rng.standard_normal((d, d)))
    sv = np.logspace(0, -3 * seed, d)  # condition numbers 1 .. 1e15
    matrix = (u * sv) @ vt
    expected = np.linalg.svd(matrix, compute_uv=False)
    low, high = plain._singular_value_range(matrix.copy())
    assert high == pytest.approx(expected[0], rel=1e-12)
    assert low == pytest.approx(expected[-1], rel=1e-12, abs=1e-15 * expected[0])
    singular = np.ones((d, d))  # rank one
    low, high = plain._singular_value_range(singular)
    assert low <= 1e-15 * high


def test_singular_systems_are_tested_like_the_numpy_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A system with a small determinant against Hadamard's bound goes to the
    singular-value test: accepted if well conditioned, else dropped."""
    plain = _plain_module(monkeypatch)
    support = np.array([0, 1], dtype=np.intp)
    rows = np.array([0, 1], dtype=np.intp)
    nearly = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-13]])
    assert not plain._well_conditioned(nearly, support, rows, 2, 1e-11)
    assert plain._well_conditioned(np.eye(2) * 1e-5, support, rows, 2, 1e-11)
    # every system of a tiny-scaled game is doubtful by the determinant and
    # accepted by the singular values: the vertices are all found
    calls = []
    test = plain._well_conditioned

    def counted(*args: object) -> bool:
        calls.append(args)
        return bool(test(*args))

    monkeypatch.setattr(plain, "_well_conditioned", counted)
    A = np.array([[3.0, 0.0], [0.0, 2.0]]) + 1.0
    X, _ = plain.small_game_candidates(A, A[::-1, ::-1].copy())
    np.testing.assert_array_equal(plain._positive_scaled(np.ones((2, 3)), 0.01), 1.0)
    assert len(X) == 3
    assert not calls  # well conditioned: no singular-value test
    verts = plain._polytope_vertices(A, 0, 2, 1e-9, 1.1, 1e-11, 1e-7)  # every one doubtful
    assert calls
    assert len(verts[0]) == 3  # the singular-value test accepted them all
