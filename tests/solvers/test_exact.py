"""Exact (rational) two-player equilibria: known games, degeneracy, huge payoffs."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kurilsim
from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    KurilsimError,
    NormalFormGame,
    ProblemTooLargeError,
)
from kurilsim.io.nfg import read_nfg
from kurilsim.solvers._exact import (
    ExactProfile,
    exact_lemke_howson,
    exact_pure,
    exact_support,
    exact_vertex,
)
from kurilsim.solvers.nash import NASH_METHODS

#: The exact kernels, by the name of their method in solve_nash's table.
EXACT_KERNELS = {
    name: spec.exact_kernel
    for name, spec in NASH_METHODS.items()
    if spec.exact_kernel is not None
}


def solve_exact(
    game: NormalFormGame, method: str, **options: int
) -> tuple[list[ExactProfile], bool]:
    """The exact kernel of ``method``, as solve_nash(exact=True) finds it."""
    return EXACT_KERNELS[method](game, **options)

DATA = Path(__file__).resolve().parents[1] / "data"


def _game(A: object, B: object) -> NormalFormGame:
    return NormalFormGame([np.array(A, dtype=float), np.array(B, dtype=float)])


def _profile(x: list[object], y: list[object]) -> ExactProfile:
    return tuple(F(v) for v in x), tuple(F(v) for v in y)  # type: ignore[arg-type]


def _regret(game: NormalFormGame, profile: ExactProfile) -> F:
    """Largest exact gain of a pure deviation (an oracle independent of the
    module), on the game's exact payoffs."""
    x, y = profile
    A = [[F(v) for v in row] for row in game.exact_payoffs[0].tolist()]
    B = [[F(v) for v in row] for row in game.exact_payoffs[1].tolist()]
    rows = [sum((a * q for a, q in zip(row, y, strict=True)), F(0)) for row in A]
    cols = [sum((B[i][j] * x[i] for i in range(len(x))), F(0)) for j in range(len(y))]
    u = sum((p * v for p, v in zip(x, rows, strict=True)), F(0))
    w = sum((q * v for q, v in zip(y, cols, strict=True)), F(0))
    return max(max(rows) - u, max(cols) - w)


def _assert_exact_equilibria(game: NormalFormGame, found: list[ExactProfile]) -> None:
    for x, y in found:
        assert all(isinstance(p, F) for p in (*x, *y))
        assert sum(x) == 1
        assert sum(y) == 1
        assert min(x) >= 0
        assert min(y) >= 0
        assert _regret(game, (x, y)) == 0


PENNIES = _game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
SEXES = _game([[3, 0], [0, 2]], [[2, 0], [0, 3]])
SEXES_EQUILIBRIA = [
    _profile([0, 1], [0, 1]),
    _profile([F(3, 5), F(2, 5)], [F(2, 5), F(3, 5)]),
    _profile([1, 0], [1, 0]),
]
# von Stengel (2007), Figure 3.1: nondegenerate 3x2 game with three equilibria.
STENGEL_3X2 = _game([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]])
STENGEL_3X2_EQUILIBRIA = [
    _profile([0, F(1, 3), F(2, 3)], [F(1, 3), F(2, 3)]),
    _profile([F(4, 5), F(1, 5), 0], [F(2, 3), F(1, 3)]),
    _profile([1, 0, 0], [1, 0]),
]
# von Stengel (2007), Figure 3.7: the degenerate variant (B[0] = (3, 3)).  The
# column player is indifferent against the top row, so the top row meets the
# column mixtures y with y_1 <= 1/3: a continuum with extreme points (1, 0) and
# (2/3, 1/3), which have supports of unequal size with the top row.
STENGEL_DEGENERATE = _game([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
STENGEL_DEGENERATE_EQUILIBRIA = [
    _profile([0, F(1, 3), F(2, 3)], [F(1, 3), F(2, 3)]),
    _profile([1, 0, 0], [F(2, 3), F(1, 3)]),
    _profile([1, 0, 0], [1, 0]),
]


# ------------------------------------------------------------ known games


@pytest.mark.parametrize("method", ["vertex", "support", "lemke-howson"])
def test_matching_pennies(method: str) -> None:
    found, complete = solve_exact(PENNIES, method)
    assert found == [_profile([F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)])]
    assert complete is (method != "lemke-howson")


def test_matching_pennies_has_no_pure_equilibrium() -> None:
    # complete: every pure equilibrium, of which there is none
    assert solve_exact(PENNIES, "pure") == ([], True)


def test_battle_of_the_sexes() -> None:
    for method in ("vertex", "support"):
        assert solve_exact(SEXES, method) == (SEXES_EQUILIBRIA, True)
    pure, complete = solve_exact(SEXES, "pure")
    assert pure == [SEXES_EQUILIBRIA[0], SEXES_EQUILIBRIA[2]]
    assert complete is True  # every pure equilibrium
    for label in range(4):
        found, complete = solve_exact(SEXES, "lemke-howson", initial_label=label)
        assert len(found) == 1
        assert found[0] in SEXES_EQUILIBRIA
        assert complete is False


def test_von_stengel_nondegenerate_3x2() -> None:
    for method in ("vertex", "support"):
        found, complete = solve_exact(STENGEL_3X2, method)
        assert found == sorted(STENGEL_3X2_EQUILIBRIA)
        assert complete is True
    for label in range(5):
        found, _ = solve_exact(STENGEL_3X2, "lemke-howson", initial_label=label)
        assert found[0] in STENGEL_3X2_EQUILIBRIA


def test_von_stengel_degenerate_3x2() -> None:
    found, complete = solve_exact(STENGEL_DEGENERATE, "vertex")
    assert found == STENGEL_DEGENERATE_EQUILIBRIA
    assert complete is True
    _assert_exact_equilibria(STENGEL_DEGENERATE, found)
    # Equal-size supports miss the extreme point with supports of sizes 1 and 2,
    # and the method knows the game is degenerate.
    found, complete = solve_exact(STENGEL_DEGENERATE, "support")
    assert found == [STENGEL_DEGENERATE_EQUILIBRIA[0], STENGEL_DEGENERATE_EQUILIBRIA[2]]
    assert complete is False
    for label in range(5):
        found, _ = solve_exact(STENGEL_DEGENERATE, "lemke-howson", initial_label=label)
        assert found[0] in STENGEL_DEGENERATE_EQUILIBRIA


def test_constant_game_every_pure_profile() -> None:
    """The most degenerate game: every profile is an equilibrium."""
    game = _game(np.full((2, 3), 7.0), np.full((2, 3), -1.5))
    pure = sorted(
        _profile(np.eye(2)[i].tolist(), np.eye(3)[j].tolist())
        for i in range(2)
        for j in range(3)
    )
    assert solve_exact(game, "vertex") == (pure, True)
    assert solve_exact(game, "pure") == (pure, True)
    found, complete = solve_exact(game, "support")
    assert found == pure
    assert complete is False
    assert solve_exact(game, "lemke-howson")[0][0] in pure


def test_von_stengel_6x6_has_75_equilibria() -> None:
    game = read_nfg(DATA / "vonstengel1999_6x6_75eq.nfg")
    found, complete = solve_exact(game, "vertex")
    assert len(found) == 75
    assert complete is True
    _assert_exact_equilibria(game, found)
    assert solve_exact(game, "support") == (found, True)  # the game is nondegenerate
    for label in (0, 5, 11):
        assert solve_exact(game, "lemke-howson", initial_label=label)[0][0] in found


# ----------------------------------------------------------- huge payoffs

# A 4x4 zero-sum game with exactly one equilibrium, value 9/14.
K = np.array([[3, -1, 0, 2], [-2, 4, 1, -1], [0, 1, -3, 2], [1, -2, 2, 0]])
K_EQUILIBRIUM = _profile(
    [F(1, 2), F(5, 14), 0, F(1, 7)], [0, F(1, 7), F(13, 28), F(11, 28)]
)


def test_large_payoffs_exact_and_affine_invariant() -> None:
    """Payoffs 2**63 + 2048 k: distinct float64s about 1e-16 apart relatively."""
    big = 2.0**63
    A = big + 2048.0 * K
    B = big - 2048.0 * K
    assert len(np.unique(A)) == len(np.unique(K))  # all distinct in float64
    large = _game(A, B)
    small = _game(K, -K)
    expected, complete = solve_exact(small, "vertex")
    assert complete
    assert expected == [K_EQUILIBRIUM]
    for method in ("vertex", "support", "lemke-howson"):
        found, _ = solve_exact(large, method)
        assert found == expected
        assert found == solve_exact(small, method)[0]
    ((x, y),) = expected
    value_small = sum(x[i] * F(int(K[i, j])) * y[j] for i in range(4) for j in range(4))
    value_large = sum(
        x[i] * F(float(A[i, j])) * y[j] for i in range(4) for j in range(4)
    )
    assert value_small == F(9, 14)
    assert value_large == F(2**63) + 2048 * value_small
    assert solve_exact(large, "pure") == ([], True)


def test_tiny_payoff_differences() -> None:
    """A 1e-300 payoff difference decides the pure equilibrium exactly."""
    game = _game([[1e-300, 0.0], [0.0, 0.0]], [[1e-300, 0.0], [0.0, 0.0]])
    found, _ = solve_exact(game, "pure")
    assert _profile([1, 0], [1, 0]) in found
    vertex, _ = solve_exact(game, "vertex")
    assert set(found) <= set(vertex)
    _assert_exact_equilibria(game, vertex)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("method", sorted(EXACT_KERNELS))
def test_every_kernel_rejects_games_and_budgets(method: str) -> None:
    three = NormalFormGame([np.zeros((2, 2, 2))] * 3)
    with pytest.raises(InvalidGameError, match="two-player game; this game has 3"):
        solve_exact(three, method)
    with pytest.raises(InvalidGameError, match="expect a NormalFormGame, got list"):
        solve_exact([[1]], method)  # type: ignore[arg-type]
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(InvalidArgumentError, match="max_work must be a positive"):
            solve_exact(SEXES, method, max_work=bad)  # type: ignore[arg-type]


def test_rejects_initial_labels() -> None:
    for label in (-1, 4, 1.0):
        with pytest.raises(
            InvalidArgumentError, match=r"initial_label must be.* 0 to 3"
        ):
            solve_exact(SEXES, "lemke-howson", initial_label=label)  # type: ignore[arg-type]


def test_budget_refuses_before_work() -> None:
    game = NormalFormGame([np.zeros((30, 30)), np.zeros((30, 30))])
    for method in ("vertex", "support"):
        with pytest.raises(ProblemTooLargeError, match="max_work=100,000") as info:
            solve_exact(game, method)
        assert isinstance(info.value, KurilsimError)
    with pytest.raises(ProblemTooLargeError, match=r"max_work=1 pivots"):
        solve_exact(
            read_nfg(DATA / "vonstengel1999_6x6_75eq.nfg"), "lemke-howson", max_work=1
        )  # Lemke-Howson needs at least two pivots
    with pytest.raises(ProblemTooLargeError, match=r"needs about 12 .*max_work=11"):
        solve_exact(SEXES, "vertex", max_work=11)
    assert len(solve_exact(SEXES, "vertex", max_work=12)[0]) == 3


def test_the_table_holds_the_exact_kernels() -> None:
    assert {
        "pure": exact_pure,
        "vertex": exact_vertex,
        "support": exact_support,
        "lemke-howson": exact_lemke_howson,
    } == EXACT_KERNELS


# ------------------------------------------------------------- properties

small_games = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda shape: st.tuples(
        hnp.arrays(np.int64, shape, elements=st.integers(-3, 3)),
        hnp.arrays(np.int64, shape, elements=st.integers(-3, 3)),
    )
)


def _as_floats(profiles: list[ExactProfile]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.array(x, dtype=float), np.array(y, dtype=float)) for x, y in profiles]


def _same_sets(
    ours: list[tuple[np.ndarray, np.ndarray]],
    theirs: list[tuple[np.ndarray, np.ndarray]],
) -> bool:
    def covered(a: list, b: list) -> bool:
        return all(
            any(
                np.allclose(x, u, atol=1e-9) and np.allclose(y, v, atol=1e-9)
                for u, v in b
            )
            for x, y in a
        )

    return covered(ours, theirs) and covered(theirs, ours)


@settings(max_examples=60)
@given(small_games)
def test_vertex_agrees_with_float_solver(arrays: tuple[np.ndarray, np.ndarray]) -> None:
    game = _game(*arrays)
    exact, complete = solve_exact(game, "vertex")
    assert complete
    assert exact
    _assert_exact_equilibria(game, exact)
    result = kurilsim.solve_nash(game, method="vertex")
    floats = [tuple(eq.strategies) for eq in result.equilibria]
    assert _same_sets(_as_floats(exact), floats)  # type: ignore[arg-type]


@settings(max_examples=60)
@given(small_games, st.data())
def test_other_methods_within_vertex_set(
    arrays: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    game = _game(*arrays)
    vertex, _ = solve_exact(game, "vertex")
    m, n = game.shape
    label = data.draw(st.integers(0, m + n - 1), label="initial_label")
    (lh,), complete = solve_exact(game, "lemke-howson", initial_label=label)
    assert lh in vertex
    assert complete is False
    pure, _ = solve_exact(game, "pure")
    assert set(pure) == {p for p in vertex if all(max(s) == 1 for s in p)}
    support, complete = solve_exact(game, "support")
    assert set(support) <= set(vertex)
    if complete:
        assert support == vertex
    _assert_exact_equilibria(game, support)


@settings(max_examples=40)
@given(
    small_games,
    st.floats(1e-3, 1e3),
    st.floats(-1e6, 1e6),
)
def test_positive_affine_invariance(
    arrays: tuple[np.ndarray, np.ndarray], scale: float, shift: float
) -> None:
    """Equilibria do not change when payoffs are scaled and shifted (exactly)."""
    A, B = arrays
    scale = 2.0 ** round(np.log2(scale))  # exact in float64
    shift = float(round(shift))
    moved = _game(A * scale + shift, B)
    assert solve_exact(moved, "vertex") == solve_exact(_game(A, B), "vertex")


# -------------------------------------------------------------- pygambit


def _gambit_equilibria(game: NormalFormGame) -> list[ExactProfile]:
    pygambit = pytest.importorskip("pygambit")

    def rational(v: float) -> object:
        f = F(v)
        return pygambit.Rational(f.numerator, f.denominator)

    arrays = []
    for payoff in game.payoffs:
        cells = np.empty(payoff.shape, dtype=object)
        for index, v in np.ndenumerate(payoff):
            cells[index] = rational(float(v))
        arrays.append(cells)
    g = pygambit.Game.from_arrays(*arrays)
    result = pygambit.nash.enummixed_solve(g, rational=True)
    # (enummixed reports an equilibrium once per basis of a degenerate vertex)
    return sorted(
        {
            tuple(tuple(F(eq[p][s]) for s in p.strategies) for p in g.players)  # type: ignore[misc]
            for eq in result.equilibria
        }
    )


@pytest.mark.peers
@pytest.mark.parametrize(
    "game",
    # (pygambit 16.7's rational enummixed finds no equilibrium of the K game
    # from an offset of 2**40 on, so the large-payoff game here is offset 2**30)
    [
        SEXES,
        STENGEL_3X2,
        STENGEL_DEGENERATE,
        PENNIES,
        _game(2.0**30 + 2048.0 * K, 2.0**30 - 2048.0 * K),
    ],
    ids=["sexes", "stengel3x2", "stengel-degenerate", "pennies", "large-payoff"],
)
def test_matches_gambit_enummixed_rational(game: NormalFormGame) -> None:
    assert solve_exact(game, "vertex")[0] == _gambit_equilibria(game)


@pytest.mark.peers
def test_matches_gambit_on_75_equilibria() -> None:
    game = read_nfg(DATA / "vonstengel1999_6x6_75eq.nfg")
    assert solve_exact(game, "vertex")[0] == _gambit_equilibria(game)


@pytest.mark.peers
@settings(max_examples=40)
@given(small_games)
def test_matches_gambit_on_random_games(arrays: tuple[np.ndarray, np.ndarray]) -> None:
    game = _game(*arrays)
    assert solve_exact(game, "vertex")[0] == _gambit_equilibria(game)


@pytest.mark.peers
@settings(max_examples=25)
@given(
    st.tuples(st.integers(2, 3), st.integers(2, 3)).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3, width=32)),
            hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3, width=32)),
        )
    )
)
def test_matches_gambit_on_float_games(arrays: tuple[np.ndarray, np.ndarray]) -> None:
    """Non-integer payoffs: every float is a rational with a power-of-two denominator."""
    game = _game(*arrays)
    assert solve_exact(game, "vertex")[0] == _gambit_equilibria(game)


# --------------------------------------------- Gambit's large_payoff_game, exactly

BIG = 10**19


def _large_payoff_game_from_the_tree() -> list[list[F]]:
    """Player 1's payoffs in the reduced strategic form of Gambit's
    ``tests/test_games/large_payoff_game.efg``, derived from the tree.

    Chance picks L or R (1/2 each); player 1 sees it and picks A or B
    (strategies AA, AB, BA, BB: the action after L, then after R); player 2
    sees player 1's action but not chance (XX, XY, YX, YY: the reply to A,
    then to B).  Zero-sum.
    """
    left = {("A", "X"): BIG, ("A", "Y"): 1, ("B", "X"): -1, ("B", "Y"): 0}
    right = {("A", "X"): -1, ("A", "Y"): 1, ("B", "X"): 0, ("B", "Y"): BIG}
    rows = [(a, b) for a in "AB" for b in "AB"]
    cols = [(x, y) for x in "XY" for y in "XY"]

    def reply(col: tuple[str, str], action: str) -> str:
        return col[0] if action == "A" else col[1]

    return [
        [
            F(left[(r[0], reply(c, r[0]))] + right[(r[1], reply(c, r[1]))], 2)
            for c in cols
        ]
        for r in rows
    ]


LARGE_A = [
    [F(BIG - 1, 2), F(BIG - 1, 2), F(1), F(1)],
    [F(BIG, 2), F(BIG), F(1, 2), F(BIG + 1, 2)],
    [F(-1), F(-1, 2), F(0), F(1, 2)],
    [F(-1, 2), F(BIG, 2), F(-1, 2), F(BIG, 2)],
]
LARGE = NormalFormGame([LARGE_A, [[-v for v in row] for row in LARGE_A]])
AA = (F(1), F(0), F(0), F(0))
YX = (F(0), F(0), F(1), F(0))
# the other extreme of player 2's optimal strategies: weight 1/BIG on YY
# (Gambit's LP answer, behaviour (1 - 1e-19, 1e-19) after B)
YX_YY = (F(0), F(0), 1 - F(1, BIG), F(1, BIG))


def test_large_payoff_game_table_is_the_tree() -> None:
    assert _large_payoff_game_from_the_tree() == LARGE_A
    assert not LARGE.is_float_exact
    assert [list(row) for row in LARGE.exact_payoffs[0].tolist()] == LARGE_A
    # float64 cannot hold them apart: (BIG - 1)/2, BIG/2 and (BIG + 1)/2 are one float
    assert LARGE.payoffs[0][0, 0] == LARGE.payoffs[0][1, 0] == LARGE.payoffs[0][1, 3]


@pytest.mark.parametrize(
    "method", ["pure", "vertex", "support", "lemke-howson", "lp", "logit", "enumerate", "auto"]
)
def test_large_payoff_game_float_methods_refuse(method: str) -> None:
    with pytest.raises(
        kurilsim.PrecisionError, match=r"not representable in float64.*exact=True"
    ):
        kurilsim.solve_nash(LARGE, method)


def test_large_payoff_game_exact_vertex_is_the_equilibrium_component() -> None:
    result = kurilsim.solve_nash(LARGE, "vertex", exact=True)
    assert result.complete
    found = [(tuple(e.strategies[0]), tuple(e.strategies[1])) for e in result]
    assert sorted(found) == sorted([(AA, YX), (AA, YX_YY)])
    for eq in result:
        assert eq.payoffs.tolist() == [1, -1]  # the value, exactly
        assert eq.regret == 0
    # the kernel agrees and every extreme point is an exact equilibrium
    profiles, complete = solve_exact(LARGE, "vertex")
    assert complete
    assert sorted(profiles) == sorted([(AA, YX), (AA, YX_YY)])
    _assert_exact_equilibria(LARGE, profiles)


def test_large_payoff_game_component_is_the_segment() -> None:
    """The optimal strategies of player 2 are exactly the mixes of YX and YY
    with weight at most 1/BIG on YY; player 1 must play AA."""
    inside = [(AA, (F(0), F(0), 1 - p, p)) for p in (F(0), F(1, 3 * BIG), F(1, BIG))]
    outside = [
        (AA, (F(0), F(0), 1 - p, p)) for p in (F(2, BIG), F(1, BIG - 1), F(1, 2))
    ] + [
        (AA, (F(1, BIG), F(0), 1 - F(1, BIG), F(0))),  # a little XX
        (AA, (F(0), F(1, BIG), 1 - F(1, BIG), F(0))),  # a little XY
        ((1 - F(1, BIG), F(0), F(1, BIG), F(0)), YX),  # a little BA
        ((F(0), F(1), F(0), F(0)), YX),
    ]
    for profile in inside:
        assert _regret(LARGE, profile) == 0
    for profile in outside:
        assert _regret(LARGE, profile) > 0


@pytest.mark.parametrize("method", ["lemke-howson", "support", "pure"])
def test_large_payoff_game_other_exact_methods_return_members(method: str) -> None:
    result = kurilsim.solve_nash(LARGE, method, exact=True)
    assert len(result) >= 1
    for eq in result:
        x, y = tuple(eq.strategies[0]), tuple(eq.strategies[1])
        assert x == AA
        assert y[:2] == (0, 0)
        assert 0 <= y[3] <= F(1, BIG)
        assert eq.payoffs.tolist() == [1, -1]
        assert _regret(LARGE, (x, y)) == 0
