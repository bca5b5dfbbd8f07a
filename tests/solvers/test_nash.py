"""solve_nash on games whose equilibria are known exactly, and its errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kurilsim import (
    DegenerateGameWarning,
    Equilibrium,
    InvalidArgumentError,
    InvalidGameError,
    KurilsimError,
    NashResult,
    NormalFormGame,
    solve_nash,
)
from kurilsim.solvers._vertex import vertex_enumeration_kernel

TWO_PLAYER_ALL = ("vertex", "support")


def as_set(equilibria: tuple[Equilibrium, ...] | list[tuple[np.ndarray, ...]], digits: int = 7) -> set[tuple[float, ...]]:
    out = set()
    for eq in equilibria:
        strategies = eq.strategies if isinstance(eq, Equilibrium) else eq
        out.add(tuple(np.round(np.concatenate(strategies), digits) + 0.0))
    return out


def expected(*profiles: tuple[list[float], list[float]]) -> set[tuple[float, ...]]:
    return as_set([tuple(np.array(s, dtype=float) for s in p) for p in profiles])


RPS = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])

KNOWN = {
    "prisoners-dilemma": (
        [[[3, 0], [5, 1]], [[3, 5], [0, 1]]],
        expected(([0, 1], [0, 1])),
    ),
    "matching-pennies": (
        [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]],
        expected(([0.5, 0.5], [0.5, 0.5])),
    ),
    "battle-of-the-sexes": (
        [[[3, 0], [0, 2]], [[2, 0], [0, 3]]],
        expected(([1, 0], [1, 0]), ([0.6, 0.4], [0.4, 0.6]), ([0, 1], [0, 1])),
    ),
    "rock-paper-scissors": (
        [RPS, -RPS],
        expected(([1 / 3] * 3, [1 / 3] * 3)),
    ),
    # von Stengel (2007), Figure 3.1: three equilibria.
    "von-stengel-3x2": (
        [[[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]],
        expected(
            ([1, 0, 0], [1, 0]),
            ([0.8, 0.2, 0], [2 / 3, 1 / 3]),
            ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3]),
        ),
    ),
}

# Degenerate games and their extreme equilibria (derived by hand in the comments).
DEGENERATE = {
    # von Stengel (2007), Figure 3.3: the top row has two best replies, so the
    # column player may mix while the row player stays on top as long as
    # y2 <= 1/3; extreme points y2 = 0 and y2 = 1/3, plus an isolated mixed one.
    "von-stengel-degenerate": (
        [[[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]],
        expected(
            ([1, 0, 0], [1, 0]),
            ([1, 0, 0], [2 / 3, 1 / 3]),
            ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3]),
        ),
    ),
    # Column player indifferent after T: (T, y) for y_R <= 1/2, and (B, R).
    "indifferent-column": (
        [[[1, 1], [0, 2]], [[1, 1], [0, 2]]],
        expected(([1, 0], [1, 0]), ([1, 0], [0.5, 0.5]), ([0, 1], [0, 1])),
    ),
    # A constant game: every profile is an equilibrium; extreme points are
    # the pure profiles.
    "constant": (
        [np.zeros((2, 3)), np.ones((2, 3))],
        expected(*[(np.eye(2)[i].tolist(), np.eye(3)[j].tolist()) for i in range(2) for j in range(3)]),
    ),
    # Duplicate rows: the two copies of the row strategy are interchangeable.
    "duplicate-rows": (
        [[[1, 0], [1, 0], [0, 1]], [[0, 1], [0, 1], [1, 0]]],
        expected(
            ([0.5, 0, 0.5], [0.5, 0.5]),
            ([0, 0.5, 0.5], [0.5, 0.5]),
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
@pytest.mark.parametrize("method", TWO_PLAYER_ALL)
def test_known_games(name: str, method: str) -> None:
    payoffs, truth = KNOWN[name]
    game = NormalFormGame(payoffs)
    result = solve_nash(game, method)
    assert as_set(result.equilibria) == truth
    assert result.method == method
    assert result.complete
    for eq in result.equilibria:
        assert eq.regret <= 1e-9 * game.payoff_range
        assert game.is_nash(eq.strategies)
        np.testing.assert_allclose(eq.payoffs, game.expected_payoffs(eq.strategies))


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_vertex_on_degenerate_games(name: str) -> None:
    payoffs, truth = DEGENERATE[name]
    result = solve_nash(NormalFormGame(payoffs), "vertex")
    assert as_set(result.equilibria) == truth


@pytest.mark.parametrize("name", sorted(DEGENERATE))
@pytest.mark.parametrize("route", ["bases", "qhull"])
def test_both_polytope_routes_agree_on_degenerate_games(name: str, route: str) -> None:
    payoffs, truth = DEGENERATE[name]
    A, B = (np.asarray(p, dtype=float) for p in payoffs)
    if min(A.shape) < 2 and route == "qhull":
        pytest.skip("Qhull needs two dimensions")
    candidates, _ = vertex_enumeration_kernel(A, B, route=route)
    assert as_set(candidates) == truth


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_support_warns_on_degenerate_games(name: str) -> None:
    payoffs, _truth = DEGENERATE[name]
    with pytest.warns(DegenerateGameWarning, match="degenerate.*method='vertex'"):
        result = solve_nash(NormalFormGame(payoffs), "support")
    assert not result.complete
    assert "degenerate" in result.message
    # whatever it returns is certified and among the true extreme equilibria
    # or convex combinations of them; here: all returned profiles are equilibria
    game = NormalFormGame(payoffs)
    assert all(game.is_nash(eq.strategies) for eq in result.equilibria)


def test_support_is_silent_on_nondegenerate_games() -> None:
    rng = np.random.default_rng(11)
    game = NormalFormGame([rng.standard_normal((5, 5)), rng.standard_normal((5, 5))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solve_nash(game, "support")
    assert result.complete
    assert result.n_candidates >= len(result.equilibria) >= 1


def test_pure_three_player_coordination() -> None:
    shape = (2, 2, 2)
    payoff = np.zeros(shape)
    payoff[0, 0, 0] = payoff[1, 1, 1] = 1.0
    game = NormalFormGame([payoff] * 3)
    result = solve_nash(game, "pure")
    assert result.method == "pure"
    assert as_set(result.equilibria) == as_set(
        [game.pure_profile([0, 0, 0]), game.pure_profile([1, 1, 1])]
    )


def test_pure_matches_brute_force_on_random_integer_games() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        shape = tuple(rng.integers(1, 4, size=3))
        payoffs = [rng.integers(0, 3, size=shape).astype(float) for _ in range(3)]
        game = NormalFormGame(payoffs)
        found = {eq.support for eq in solve_nash(game, "pure").equilibria}
        brute = set()
        for cell in np.ndindex(*shape):
            profile = game.pure_profile(list(cell))
            if game.regret(profile) == 0:
                brute.add(tuple((c,) for c in cell))
        assert found == brute


def test_lp_on_matrix_game_with_known_value() -> None:
    A = np.array([[2.0, -1.0], [-1.0, 1.0]])
    result = solve_nash(NormalFormGame([A, -A]), "lp")
    assert result.value == pytest.approx(0.2, abs=1e-12)
    eq = result.equilibria[0]
    np.testing.assert_allclose(eq.strategies[0], [0.4, 0.6], atol=1e-12)
    np.testing.assert_allclose(eq.strategies[1], [0.4, 0.6], atol=1e-12)


def test_lp_accepts_constant_sum_and_reports_player_one_value() -> None:
    result = solve_nash(NormalFormGame([RPS + 3.0, 7.0 - RPS]), "lp")
    assert result.value == pytest.approx(3.0, abs=1e-12)


def test_lemke_howson_labels_cover_battle_of_the_sexes() -> None:
    payoffs, truth = KNOWN["battle-of-the-sexes"]
    game = NormalFormGame(payoffs)
    found = set()
    for label in range(4):
        result = solve_nash(game, "lemke-howson", initial_label=label)
        assert len(result.equilibria) == 1
        assert not result.complete
        found |= as_set(result.equilibria)
    assert found <= truth
    assert len(found) == 2  # labels 0..3 reach both pure equilibria


@pytest.mark.parametrize("seed", range(12))
def test_vertex_and_support_match_nashpy_on_random_games(seed: int) -> None:
    nashpy = pytest.importorskip("nashpy")
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(2, 6, size=2))
    A, B = rng.standard_normal(shape), rng.standard_normal(shape)
    game = NormalFormGame([A, B])
    reference = as_set(list(nashpy.Game(A, B).vertex_enumeration()))
    assert as_set(solve_nash(game, "vertex").equilibria) == reference
    assert as_set(solve_nash(game, "support").equilibria) == reference


def test_result_type_and_repr() -> None:
    payoffs, _ = KNOWN["battle-of-the-sexes"]
    result = solve_nash(NormalFormGame(payoffs))
    assert isinstance(result, NashResult)
    assert len(result) == 3
    assert result[1].isclose(([0.6, 0.4], [0.4, 0.6]))
    assert [eq.is_pure for eq in result] == [True, False, True]
    assert result[1].support == ((0, 1), (0, 1))
    assert result.max_regret <= 1e-12
    text = repr(result)
    assert "method='vertex'" in text
    assert "3 equilibria" in text
    for eq in result:
        assert not eq.strategies[0].flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "simplex"}, "method must be one of .*got 'simplex'"),
        ({"method": ["vertex"]}, r"method must be one of .*got \['vertex'\]"),
        ({"method": None}, "method must be one of .*got None"),
        ({"tol": 0}, r"tol must be a number in \[1e-15, 1\), got 0"),
        ({"tol": float("nan")}, "tol must be"),
        ({"tol": 1e-17}, r"tol must be a number in \[1e-15, 1\), got 1e-17"),
        ({"tol": -1e-9}, "tol must be"),
        ({"tol": 1.0}, "tol must be"),
        ({"tol": "1e-9"}, "tol must be .*got '1e-9'"),
        ({"tol": True}, "tol must be"),
        ({"exact": "yes"}, "exact must be True or False"),
        ({"max_memory": 0}, "max_memory must be a positive number"),
        ({"max_work": "x"}, "max_work must be a positive number"),
        ({"method": "lemke-howson", "initial_label": 4}, r"initial_label must be an integer in \[0, 4\)"),
        ({"method": "lemke-howson", "initial_label": -1}, "initial_label"),
        ({"method": "lemke-howson", "initial_label": 1.5}, "initial_label"),
        ({"method": "lemke-howson", "max_pivots": 0}, "max_pivots must be a positive integer"),
        ({"exact": True, "method": "lp"}, "exact=True supports methods"),
        ({"exact": True, "method": "logit"}, "exact=True supports methods"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    game = NormalFormGame(KNOWN["battle-of-the-sexes"][0])
    with pytest.raises(InvalidArgumentError, match=message) as info:
        solve_nash(game, **kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, KurilsimError)


def test_exact_needs_two_players() -> None:
    game = NormalFormGame([np.zeros((2, 2, 2))] * 3)
    with pytest.raises(InvalidArgumentError, match="exact=True is for two-player games only; this game has 3"):
        solve_nash(game, "pure", exact=True)


def test_two_player_methods_reject_three_players() -> None:
    game = NormalFormGame([np.zeros((2, 2, 2))] * 3)
    for method in ("vertex", "support", "lemke-howson", "lp"):
        with pytest.raises(InvalidGameError, match="needs a two-player game; this game has 3"):
            solve_nash(game, method)


def test_lp_rejects_general_sum_games() -> None:
    game = NormalFormGame(KNOWN["battle-of-the-sexes"][0])
    with pytest.raises(InvalidGameError, match=r"zero-sum.*sum to 5 at \(0, 0\) but 0 at \(0, 1\)"):
        solve_nash(game, "lp")


def test_rejects_non_games() -> None:
    with pytest.raises(InvalidGameError, match="expects a NormalFormGame or an ExtensiveFormGame, got list"):
        solve_nash([[1, 2], [3, 4]])  # type: ignore[arg-type]


def test_one_strategy_players() -> None:
    game = NormalFormGame([[[1.0, 3.0, 3.0]], [[0.0, 2.0, 2.0]]])
    result = solve_nash(game, "vertex")
    assert as_set(result.equilibria) == expected(([1], [0, 1, 0]), ([1], [0, 0, 1]))


def test_von_stengel_6x6_game_has_75_equilibria() -> None:
    """von Stengel (1999): a nondegenerate 6x6 game with 75 equilibria, more
    than the 2^6 - 1 = 63 once conjectured to be the maximum."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "vonstengel1999_6x6_75eq.nfg"
    game = NormalFormGame.from_nfg(path)
    vertex = solve_nash(game, "vertex")
    assert len(vertex.equilibria) == 75
    support = solve_nash(game, "support")
    assert support.complete
    assert as_set(support.equilibria) == as_set(vertex.equilibria)
    for eq in vertex.equilibria:
        assert game.is_nash(eq.strategies)


def test_huge_integers_are_named_not_overflow_errors() -> None:
    # float(10**400) raises OverflowError: every check must turn it into the
    # library's error naming the argument
    game = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
    with pytest.raises(InvalidArgumentError, match="tol must be a number"):
        solve_nash(game, tol=10**400)
    # a huge budget means no limit
    assert solve_nash(game, max_work=10**400).equilibria
