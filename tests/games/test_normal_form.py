"""NormalFormGame: construction, validation, payoffs, regret and interchange."""

from __future__ import annotations

import copy as copy_module
import dataclasses
import itertools
import pickle
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurilsim import (
    InvalidGameError,
    InvalidProfileError,
    KurilsimError,
    NormalFormGame,
)

PD = np.array([[3, 0], [5, 1]])


def test_shape_names_labels_defaults() -> None:
    game = NormalFormGame([np.zeros((2, 3)), np.ones((2, 3))])
    assert game.n_players == 2
    assert game.shape == (2, 3)
    assert game.players == ("Player 1", "Player 2")
    assert game.strategies == (("s0", "s1"), ("s0", "s1", "s2"))


def test_accepts_stacked_array_and_labels() -> None:
    stacked = np.stack([PD, PD.T])
    game = NormalFormGame(stacked, players=["Row", "Col"], strategies=[["C", "D"], ["C", "D"]])
    assert game.players == ("Row", "Col")
    assert game.strategies[1] == ("C", "D")
    np.testing.assert_array_equal(game.payoffs[1], PD.T)


def test_payoffs_are_read_only_and_copied() -> None:
    source = PD.astype(float)
    game = NormalFormGame([source, source.T])
    source[0, 0] = 99.0
    assert game.payoffs[0][0, 0] == 3.0
    with pytest.raises(ValueError, match="read-only"):
        game.payoffs[0][0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        game.players = ("a", "b")  # type: ignore[misc]


def test_equality_and_hash() -> None:
    a = NormalFormGame([PD, PD.T])
    b = NormalFormGame([PD.astype(float), PD.T.copy()])
    c = NormalFormGame([PD, PD])
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2


@pytest.mark.parametrize(
    ("payoffs", "message"),
    [
        ([], "at least one player"),
        ([np.zeros((2, 2))], "1-player game each item needs 1 axes"),
        ([np.zeros((2, 2)), np.zeros((2, 3))], r"array 1 has shape \(2, 3\)"),
        ([np.zeros((2, 0)), np.zeros((2, 0))], "at least one strategy"),
        ([np.array([[1.0, np.nan], [0, 0]]), np.zeros((2, 2))], r"\(0, 1\) is nan"),
        ([np.zeros((2, 2)), np.array([[np.inf, 0], [0, 0]])], "player 1's payoff"),
        ([np.zeros((2, 2)), [["a", "b"], ["c", "d"]]], "payoffs of player 1 are not a numeric"),
        ([np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))], "3-player game"),
        ("not arrays", "payoffs must be payoff arrays, got a str"),
    ],
)
def test_invalid_payoffs(payoffs: object, message: str) -> None:
    with pytest.raises(InvalidGameError, match=message) as info:
        NormalFormGame(payoffs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, KurilsimError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"players": ["only one"]}, "name each of the 2 players"),
        ({"players": ["same", "same"]}, "distinct"),
        ({"strategies": [["a", "b"]]}, "one label list per player"),
        ({"strategies": [["a", "b"], ["c"]]}, "player 1 has 2 strategies but 1 labels"),
        ({"strategies": [["a", "a"], ["c", "d"]]}, "must be distinct"),
    ],
)
def test_invalid_names(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidGameError, match=message):
        NormalFormGame([PD, PD.T], **kwargs)  # type: ignore[arg-type]


def test_expected_payoffs_and_regret_of_prisoners_dilemma() -> None:
    game = NormalFormGame([PD, PD.T])
    both_defect = ([0, 1], [0, 1])
    np.testing.assert_allclose(game.expected_payoffs(both_defect), [1, 1])
    assert game.regret(both_defect) == 0.0
    assert game.is_nash(both_defect)
    cooperate = ([1, 0], [1, 0])
    assert game.regret(cooperate) == pytest.approx(2.0)
    assert not game.is_nash(cooperate)
    half = ([0.5, 0.5], [0.5, 0.5])
    np.testing.assert_allclose(game.expected_payoffs(half), [2.25, 2.25])
    # deviating to defect gives 3 against the half-half opponent
    assert game.regret(half) == pytest.approx(0.75)


def test_deviation_payoffs_match_brute_force_three_players() -> None:
    rng = np.random.default_rng(3)
    shape = (2, 3, 4)
    payoffs = [rng.standard_normal(shape) for _ in range(3)]
    game = NormalFormGame(payoffs)
    sigma = tuple(rng.dirichlet(np.ones(m)) for m in shape)
    dev = game.deviation_payoffs(sigma)
    for i in range(3):
        expected = np.zeros(shape[i])
        for cell in itertools.product(*(range(m) for m in shape)):
            prob = np.prod([sigma[j][cell[j]] for j in range(3) if j != i])
            expected[cell[i]] += prob * payoffs[i][cell]
        np.testing.assert_allclose(dev[i], expected, rtol=1e-12, atol=1e-12)
    value = game.expected_payoffs(sigma)
    np.testing.assert_allclose(value, [dev[i] @ sigma[i] for i in range(3)])
    assert game.regret(sigma) == pytest.approx(max(dev[i].max() - value[i] for i in range(3)))


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (([1, 0],), "one strategy per player"),
        (([1, 0, 0], [1, 0]), r"player 0 must have shape \(2,\)"),
        (([0.5, 0.6], [1, 0]), "not a probability vector"),
        (([1.5, -0.5], [1, 0]), "not a probability vector"),
        (([np.nan, 1], [1, 0]), "non-finite"),
    ],
)
def test_invalid_profiles(profile: tuple[list[float], ...], message: str) -> None:
    game = NormalFormGame([PD, PD.T])
    with pytest.raises(InvalidProfileError, match=message):
        game.regret(profile)


def test_pure_profile_validation() -> None:
    game = NormalFormGame([PD, PD.T])
    np.testing.assert_array_equal(game.pure_profile([1, 0])[0], [0, 1])
    with pytest.raises(InvalidProfileError, match=r"integer in \[0, 2\), got 2"):
        game.pure_profile([2, 0])
    with pytest.raises(InvalidProfileError, match="tol"):
        game.is_nash(([1, 0], [1, 0]), tol=-1)


def test_payoff_range_and_zero_sum() -> None:
    A = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    assert NormalFormGame([A, -A]).is_zero_sum
    assert NormalFormGame([A, 5 - A]).is_zero_sum  # constant-sum
    assert not NormalFormGame([PD, PD.T]).is_zero_sum
    assert NormalFormGame([PD, PD.T]).payoff_range == 5.0
    assert NormalFormGame([np.zeros((2, 2))] * 2).payoff_range == 1.0


def test_transpose_swaps_players() -> None:
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    game = NormalFormGame([A, B], players=["r", "c"])
    swapped = game.transpose()
    assert swapped.players == ("c", "r")
    np.testing.assert_array_equal(swapped.payoffs[0], B.T)
    np.testing.assert_array_equal(swapped.payoffs[1], A.T)
    assert swapped.transpose() == game


def test_nashpy_round_trip() -> None:
    nashpy = pytest.importorskip("nashpy")
    game = NormalFormGame([PD, PD.T])
    ng = game.to_nashpy()
    assert isinstance(ng, nashpy.Game)
    assert NormalFormGame.from_nashpy(ng) == game
    with pytest.raises(InvalidGameError, match="3 players"):
        NormalFormGame([np.zeros((2, 2, 2))] * 3).to_nashpy()
    with pytest.raises(InvalidGameError, match=r"expected a nashpy\.Game"):
        NormalFormGame.from_nashpy(object())  # type: ignore[arg-type]


def test_repr_mentions_shape() -> None:
    assert "2×2" in repr(NormalFormGame([PD, PD.T]))


def test_nfg_methods_round_trip(tmp_path: object) -> None:
    rng = np.random.default_rng(4)
    game = NormalFormGame(
        [rng.integers(-5, 5, size=(2, 3, 2)).astype(float) for _ in range(3)],
        players=["Japan", "Russia", "United States"],
    )
    text = game.to_nfg(title="three parties")
    assert text.startswith("NFG 1 R")
    assert NormalFormGame.from_nfg(text) == game
    assert NormalFormGame.from_nfg(game.to_nfg(outcome_version=True)) == game


def test_overflowing_payoff_spread_is_rejected() -> None:
    with pytest.raises(InvalidGameError, match="span more than the largest float"):
        NormalFormGame([np.array([[-1.7e308, 1.7e308]]), np.zeros((1, 2))])


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: NormalFormGame([[[1, 2], [3]], [[1, 2], [3, 4]]]), InvalidGameError, "payoffs of player 0 are not a numeric"),
        (lambda: NormalFormGame([PD, PD.T], players=5), InvalidGameError, "players must name each"),
        (lambda: NormalFormGame([PD, PD.T], strategies=[5, 6]), InvalidGameError, "one label list per player"),
        (lambda: NormalFormGame([PD, PD.T]).regret(5), InvalidProfileError, "sequence of one probability vector"),
        (lambda: NormalFormGame([PD, PD.T]).is_nash([1, 2]), InvalidProfileError, r"strategy of player 0 must have shape \(2,\)"),
        (lambda: NormalFormGame([PD, PD.T]).is_nash([["a", "b"], [1, 0]]), InvalidProfileError, "strategy of player 0 must be a vector"),
        (lambda: NormalFormGame([PD, PD.T]).is_nash(([1, 0], [1, 0]), tol="x"), InvalidProfileError, "tol must be a non-negative number"),
        (lambda: NormalFormGame([PD, PD.T]).pure_profile(1), InvalidProfileError, "actions must be a sequence"),
    ],
)
def test_odd_arguments_name_the_argument(build: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        build()  # type: ignore[operator]
    assert isinstance(info.value, KurilsimError)


def test_centred_payoffs_and_resolution() -> None:
    big = 1e15
    game = NormalFormGame([PD + big, PD.T - 7.0])
    np.testing.assert_array_equal(game.centred_payoffs[0], PD)
    np.testing.assert_array_equal(game.centred_payoffs[1], PD.T)
    assert not game.centred_payoffs[0].flags.writeable
    # bound relative to the range (5), not to the magnitude (1e15)
    np.testing.assert_allclose(game.resolution, 6 * np.finfo(float).eps * 5.0)
    # gains are the same as in the unshifted game
    profile = ([0.5, 0.5], [0.25, 0.75])
    np.testing.assert_array_equal(game.gains(profile), NormalFormGame([PD, PD.T]).gains(profile))


# ------------------------------------------------------------ exact payoffs

BIG = 10**19


def _exact_lists(game: NormalFormGame) -> list[list[object]]:
    return [a.ravel().tolist() for a in game.exact_payoffs]


@pytest.mark.parametrize(
    "given",
    [
        [[BIG + 1, BIG]],  # Python ints beyond 2**53
        [[BIG + 1, 0.5]],  # numpy would make this list a float array
        [[-(BIG + 1), 1]],
        [[10**30, 1]],  # beyond int64: an object array
        np.array([[2**62 + 1, 0]]),  # an int64 array beyond 2**53
        np.array([[2**64 - 1, 0]], dtype=np.uint64),
        [[Fraction(1, 3), Fraction(1, 2)]],
        [[Decimal("0.1"), 2]],
        np.array([[Fraction(2, 3), 1]], dtype=object),
    ],
)
def test_exact_input_is_kept_when_float64_rounds_it(given: object) -> None:
    game = NormalFormGame([given, [[0, 0]]])  # type: ignore[list-item]
    values = [Fraction(v) for v in np.asarray(given, dtype=object).ravel().tolist()]
    assert not game.is_float_exact
    assert _exact_lists(game)[0] == values
    assert _exact_lists(game)[1] == [0, 0]
    assert all(type(v) is Fraction for a in game.exact_payoffs for v in a.ravel())
    # the floats are the correctly rounded values
    assert game.payoffs[0].ravel().tolist() == [float(v) for v in values]
    for a in game.exact_payoffs:
        assert a.dtype == object
        assert not a.flags.writeable
    assert "exact payoffs" in repr(game)


@pytest.mark.parametrize(
    "given",
    [
        [[1, 2]],
        [[2**53, -(2**53)]],
        [[BIG, 0.5]],  # 10**19 is a float64 value
        np.array([[2**62, 3]]),
        [[Fraction(1, 2), Fraction(-3, 4)]],
        [[Decimal("0.25"), 1]],
        np.array([[0.1, 1e30]], dtype=np.float32),
        np.array([[1 / 3, 2]], dtype=np.longdouble),
        [[True, False]],
    ],
)
def test_input_float64_holds_keeps_no_copy(given: object) -> None:
    game = NormalFormGame([given, [[0, 0]]])  # type: ignore[list-item]
    assert game.is_float_exact
    assert "exact" not in repr(game)
    # exact_payoffs: the floats' own values, built once and cached
    exact = game.exact_payoffs
    assert exact is game.exact_payoffs
    assert _exact_lists(game)[0] == [Fraction(v) for v in game.payoffs[0].ravel().tolist()]
    assert not exact[0].flags.writeable


def test_long_double_that_float64_rounds_is_kept() -> None:
    third = np.longdouble(1) / np.longdouble(3)
    if float(third) == third:  # (platforms whose long double is float64)
        assert NormalFormGame([[[third, 0]], [[0, 0]]]).is_float_exact
        return
    game = NormalFormGame([[[third, 0]], [[0, 0]]])
    assert not game.is_float_exact
    n, d = third.as_integer_ratio()
    assert game.exact_payoffs[0][0, 0] == Fraction(int(n), int(d))


def test_exact_equality_hash_pickle_replace_transpose() -> None:
    exact = NormalFormGame([[[BIG + 1, 0]], [[Fraction(1, 3), 0]]], players=["a", "b"])
    same = NormalFormGame([[[Fraction(BIG + 1), 0]], [[Fraction(2, 6), 0]]], players=["a", "b"])
    rounded = NormalFormGame([[[BIG, 0]], [[1 / 3, 0]]], players=["a", "b"])
    assert exact == same
    assert hash(exact) == hash(same)
    assert exact.payoffs[0].tolist() == rounded.payoffs[0].tolist()
    assert exact != rounded  # same floats, different games
    assert rounded != exact
    assert hash(exact) == hash(rounded)  # (allowed: equal floats)
    assert len({exact, same, rounded}) == 2

    for copy in (pickle.loads(pickle.dumps(exact)), copy_module.deepcopy(exact)):
        assert copy == exact
        assert not copy.is_float_exact
        assert _exact_lists(copy) == _exact_lists(exact)

    renamed = dataclasses.replace(exact, players=("c", "d"))
    assert renamed.players == ("c", "d")
    assert _exact_lists(renamed) == _exact_lists(exact)
    assert renamed.exact_payoffs[0] is exact.exact_payoffs[0]  # shared, read-only
    # new payoffs replace the exact copy
    plain = dataclasses.replace(exact, payoffs=[np.array(a) for a in exact.payoffs])
    assert plain.is_float_exact
    assert plain == rounded
    other = dataclasses.replace(exact, payoffs=[[[BIG + 3, 0]], [[0, 0]]])
    assert _exact_lists(other) == [[BIG + 3, 0], [0, 0]]

    flipped = exact.transpose()
    assert not flipped.is_float_exact
    assert _exact_lists(flipped) == [[Fraction(1, 3), 0], [BIG + 1, 0]]
    assert flipped.transpose() == exact


def test_exact_input_errors() -> None:
    with pytest.raises(InvalidGameError, match=r"player 0's payoff at \(0, 1\).*float64 range"):
        NormalFormGame([[[0, Fraction(10**400, 3)]], [[0, 0]]])
    with pytest.raises(InvalidGameError, match=r"player 1's payoff at \(0, 0\) is nan"):
        NormalFormGame([[[0, Fraction(1, 3)]], [[Decimal("NaN"), 0]]])
    with pytest.raises(InvalidGameError, match="must be real"):
        NormalFormGame([np.array([[1, 1j]], dtype=object), [[0, 0]]])
    with pytest.raises(InvalidGameError, match="payoffs of player 0 are not a numeric"):
        NormalFormGame([np.array([[Fraction(1, 3), "x"]], dtype=object), [[0, 0]]])


exact_numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.fractions(max_denominator=10**6).filter(lambda q: abs(q) < 10**30),
    st.floats(-1e20, 1e20),
    st.decimals(-(10**20), 10**20, allow_nan=False, allow_infinity=False, places=5),
)


@given(values=st.lists(exact_numbers, min_size=4, max_size=4))
def test_exact_payoffs_are_the_values_given(values: list[object]) -> None:
    game = NormalFormGame([[values[:2], values[2:]], [[0, 0], [0, 0]]])
    want = [Fraction(v) for v in values]  # type: ignore[arg-type]
    assert _exact_lists(game)[0] == want
    assert game.payoffs[0].ravel().tolist() == [float(v) for v in want]
    assert game.is_float_exact == all(Fraction(float(v)) == v for v in want)


def test_huge_integers_are_named_not_overflow_errors() -> None:
    # float(10**400) raises OverflowError: every check must turn it into the
    # library's error naming the argument
    game = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
    with pytest.raises(InvalidProfileError, match="tol must be a non-negative number"):
        game.is_nash(([1, 0], [1, 0]), tol=10**400)


# ------------------------------------------------------------ shorthands


def test_two_matrices_as_two_arguments_equal_the_list_form() -> None:
    assert NormalFormGame(PD, PD.T) == NormalFormGame([PD, PD.T])
    three = [np.arange(8.0).reshape(2, 2, 2) * k for k in (1, 2, 3)]
    assert NormalFormGame(*three) == NormalFormGame(three)
    named = NormalFormGame(PD, PD.T, players=["Row", "Col"], strategies=[["C", "D"]] * 2)
    assert named.players == ("Row", "Col")
    assert named.strategies == (("C", "D"), ("C", "D"))


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, -1], [-1, 1]],
        np.array([[1.0, -1.0], [-1.0, 1.0]]),
        np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64),
        [[0.5, 2.0, -3.25]] * 4,
    ],
    ids=["nested-list", "float-array", "int-array", "4x3"],
)
def test_one_matrix_is_the_zero_sum_game(matrix: object) -> None:
    game = NormalFormGame(matrix)  # type: ignore[arg-type]
    A = np.asarray(matrix, dtype=float)
    assert game.shape == A.shape
    np.testing.assert_array_equal(game.payoffs[0], A)
    np.testing.assert_array_equal(game.payoffs[1], -A)
    assert game.is_zero_sum
    assert game == NormalFormGame([A, -A])


def test_zero_sum_shorthand_keeps_exact_payoffs() -> None:
    big = 10**20 + 1
    game = NormalFormGame([[Fraction(1, 3), big], [Decimal("0.1"), -(2**63)]])
    assert not game.is_float_exact
    assert [str(v) for v in game.exact_payoffs[1].ravel()] == [
        "-1/3", str(-big), "-1/10", str(2**63)
    ]
    assert game == NormalFormGame(
        [[Fraction(1, 3), big], [Decimal("0.1"), -(2**63)]],
        [[Fraction(-1, 3), -big], [Decimal("-0.1"), 2**63]],
    )
    # int64 extremes and unsigned integers are negated without overflow
    extreme = NormalFormGame(np.array([[np.iinfo(np.int64).min, 0], [1, 2]]))
    assert extreme.exact_payoffs[1][0, 0] == 2**63
    unsigned = NormalFormGame(np.array([[1, 2], [3, 4]], dtype=np.uint8))
    np.testing.assert_array_equal(unsigned.payoffs[1], [[-1, -2], [-3, -4]])


def test_one_row_matrix_is_the_one_player_game() -> None:
    # rule 2 comes first: a single row is one player's payoff vector
    game = NormalFormGame([[1.0, 5.0, 2.0]])
    assert game.n_players == 1
    assert game.shape == (3,)
    assert NormalFormGame([[1.0, 5.0, 2.0]], [[-1.0, -5.0, -2.0]]).shape == (1, 3)


def test_stacked_array_is_still_the_payoff_list() -> None:
    stacked = np.stack([PD, PD.T])
    assert NormalFormGame(stacked) == NormalFormGame([PD, PD.T])
    # a list of two 2-D arrays is the payoff list, not a 3-D zero-sum "matrix"
    assert NormalFormGame([PD, PD.T]).payoffs[1][0, 1] == 5.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1, 2, 3],), r"got a list of shape \(3,\), whose first item has 0 axes"),
        ((np.zeros((3, 3, 3)),), r"ndarray of shape \(3, 3, 3\).*3-player game"),
        (([[1, 2], [3]],), r"zero-sum game needs one 2-D matrix, got a list of 2 items"),
        ((5,), "payoffs must be payoff arrays, got an int"),
        (([[1j, 0], [0, 1]],), "must be real"),
        ((np.eye(2), np.ones(3)), r"argument 2 has 1 axes \(an? ndarray of shape \(3,\)\)"),
        (([np.eye(2), np.eye(2)], np.eye(2)), "argument 1 has 3 axes"),
        ((np.eye(2), np.eye(2), np.eye(2)), r"one axis per player \(3\)"),
    ],
    ids=["vector", "3-D-not-stacked", "ragged-matrix", "scalar", "complex",
         "matrix-and-vector", "list-and-matrix", "three-matrices"],
)
def test_ambiguous_or_bad_forms_name_what_was_given(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidGameError, match=message) as info:
        NormalFormGame(*args)  # type: ignore[arg-type]
    assert "accepted" in str(info.value) or "real" in str(info.value)


def test_to_nashpy_names_the_extra_when_nashpy_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "nashpy", None)  # makes "import nashpy" fail
    with pytest.raises(ImportError, match=r"pip install 'kurilsim\[peers\]'"):
        NormalFormGame([PD, PD.T]).to_nashpy()


@pytest.mark.parametrize("method", ["to_quantecon", "to_pygambit"])
def test_peer_conversions_name_the_extra(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "quantecon.game_theory", None)
    monkeypatch.setitem(sys.modules, "pygambit", None)
    with pytest.raises(ImportError, match=r"kurilsim\[peers\]"):
        getattr(NormalFormGame([PD, PD.T]), method)()


# ------------------------------------------------- labels in Equilibrium repr


def test_equilibrium_repr_shows_the_games_strategy_labels() -> None:
    from kurilsim import solve_nash

    pennies = NormalFormGame(
        [[1, -1], [-1, 1]], strategies=[["Heads", "Tails"], ["heads", "tails"]]
    )
    (eq,) = solve_nash(pennies).equilibria
    text = repr(eq.labelled(pennies))
    assert text.startswith("Equilibrium(({Heads: 0.5, Tails: 0.5}, {heads: 0.5, tails: 0.5})")
    assert eq.labelled(pennies) == eq  # labels are not part of equality
    # default labels (s0, s1, ...) add nothing
    plain = NormalFormGame([[1, -1], [-1, 1]])
    assert repr(eq.labelled(plain)) == repr(eq)
    exact = solve_nash(pennies, exact=True).equilibria[0].labelled(pennies)
    assert "{Heads: 1/2, Tails: 1/2}" in repr(exact)


def test_equilibrium_repr_stays_short_for_big_games() -> None:
    from kurilsim import solve_nash

    m = 40
    game = NormalFormGame(
        np.eye(m), np.eye(m), strategies=[[f"row{k}" for k in range(m)], [f"col{k}" for k in range(m)]]
    )
    # the uniform profile over 40 strategies is an equilibrium of the coordination game
    eq = solve_nash(game, "pure").equilibria[0]
    uniform = type(eq)(
        (np.full(m, 1 / m), np.full(m, 1 / m)), payoffs=np.full(2, 1 / m), regret=0.0
    ).labelled(game)
    text = repr(uniform)
    assert "(+34)" in text
    assert "row39" not in text
    assert len(text) < 400
    assert "row0: 1" in repr(eq.labelled(game))
