"""Precision: tolerances float64 can meet, PrecisionError instead of wrong
answers, one rule for deviation gains, and the exact=True wiring."""

from __future__ import annotations

import dataclasses
import warnings
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurilsim import (
    DegenerateGameWarning,
    InvalidArgumentError,
    NormalFormGame,
    PrecisionError,
    SolverError,
    solve_nash,
)
from kurilsim.games.normal_form import gains_exceed
from kurilsim.solvers.results import (
    certify_exact,
    rounding_errors,
    smallest_differences,
)

PENNIES = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
FLOAT_METHODS = ("pure", "vertex", "support", "lemke-howson", "lp", "auto")


def large_payoff_game(unit: float = 2048.0, large: float = float(2**63)) -> NormalFormGame:
    """The reduced normal form of Gambit's ``large_payoff_game.efg`` (zero-sum).

    Chance picks L or R; player 1 picks A or B at each (strategies AA, AB, BA,
    BB); player 2 sees only player 1's action (XX, XY, YX, YY).  Gambit's
    payoffs are 1e19 and 1, which float64 cannot hold apart once halved
    (``5e18 + 0.5 == 5e18``); here ``large = 2**63`` and ``unit = 2048``
    (the float spacing at 2**63), so every payoff is exact and distinct, yet
    the differences that decide the game are ~1e-16 of the payoff range.
    """
    left = {("A", "X"): large, ("A", "Y"): unit, ("B", "X"): -unit, ("B", "Y"): 0.0}
    right = {("A", "X"): -unit, ("A", "Y"): unit, ("B", "X"): 0.0, ("B", "Y"): large}
    rows = [(a, b) for a in "AB" for b in "AB"]
    cols = [(x, y) for x in "XY" for y in "XY"]

    def payoff(row: tuple[str, str], col: tuple[str, str]) -> float:
        def reply(action: str) -> str:
            return col[0] if action == "A" else col[1]

        return left[(row[0], reply(row[0]))] / 2 + right[(row[1], reply(row[1]))] / 2

    A = np.array([[payoff(r, c) for c in cols] for r in rows])
    return NormalFormGame([A, -A])


def test_large_payoff_game_payoffs_are_exact_and_distinct() -> None:
    game = large_payoff_game()
    # exactly one pure equilibrium, (AA, YX), checked in rational arithmetic
    pure = [
        (tuple(Fraction(int(i == a)) for i in range(4)), tuple(Fraction(int(j == b)) for j in range(4)))
        for a in range(4)
        for b in range(4)
    ]
    kept, _ = certify_exact(game, pure)
    assert [eq.support for eq in kept] == [((0,), (2,))]
    A = game.payoffs[0]
    # every entry is an exact multiple of 1024 (nothing was rounded) ...
    assert all(Fraction(float(v)) % 1024 == 0 for v in A.ravel())
    # ... yet the smallest difference that decides a best reply is far below
    # what float64 resolves in expected payoffs of size 2**63
    assert smallest_differences(game)[0] == 1024.0
    assert game.resolution[0] > 10_000


@pytest.mark.parametrize("method", FLOAT_METHODS)
def test_large_payoff_game_is_refused_not_mis_solved(method: str) -> None:
    with pytest.raises(PrecisionError, match=r"differ by only 1\.02e\+03.*exact=True") as info:
        solve_nash(large_payoff_game(), method)
    assert isinstance(info.value, SolverError)


def test_shifted_payoffs_are_solved_like_the_unshifted_game() -> None:
    """Recentring: payoffs 1e15 + small integers have the same (exact) gains."""
    rng = np.random.default_rng(3)
    A, B = rng.integers(-3, 4, size=(2, 4, 4)).astype(float)
    base = NormalFormGame([A, B])
    shifted = NormalFormGame([A + 1e15, B - 1e15])
    for method in ("pure", "vertex"):
        want = solve_nash(base, method)
        got = solve_nash(shifted, method)
        assert len(got) == len(want) >= 1
        for a, b in zip(want, got, strict=True):
            assert a.isclose(b, atol=1e-12)
            assert b.regret <= 1e-9 * shifted.payoff_range


def test_gains_come_from_recentred_payoffs() -> None:
    # In 2**60 + k, a mixed profile's raw expected payoff is rounded by
    # ~2**8; from recentred payoffs the gain is exact.
    big = float(2**60)
    game = NormalFormGame([[[big, big + 4096], [big + 4096, big]], [[1, 0], [0, 1]]])
    assert game.gains(([0.5, 0.5], [0.5, 0.5])).tolist() == [0.0, 0.0]
    result = solve_nash(game, "vertex")
    assert len(result) == 1
    assert result[0].isclose(([0.5, 0.5], [0.5, 0.5]), atol=1e-12)
    assert result[0].payoffs[0] == big + 2048


def test_one_rule_for_deviation_gains() -> None:
    assert gains_exceed([0.0, 1e-9, 1.1e-9, np.nan, np.inf], 1e-9).tolist() == [
        False, False, True, True, True,
    ]
    # a pure profile with gain 1e-8 (range 16.8, tol 1e-9): accepted by
    # is_nash, "pure", "vertex" and "support" alike
    A = np.array([[-7.52773234, 1e-08, 9.30717138], [0, 0, 0], [0, 0, 0]])
    game = NormalFormGame([A, np.full((3, 3), 1e-8)])
    profile = game.pure_profile([1, 1])
    assert game.gains(profile)[0] == pytest.approx(1e-8, rel=1e-8)
    assert game.is_nash(profile)
    assert not game.is_nash(profile, tol=1e-10)
    sets = {}
    for method in ("pure", "vertex", "support"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateGameWarning)
            result = solve_nash(game, method)
        sets[method] = {eq.support for eq in result if eq.is_pure}
    assert sets["pure"] == sets["vertex"] == sets["support"]
    assert ((1,), (1,)) in sets["pure"]
    assert len(sets["pure"]) == 6


@pytest.mark.parametrize("tol", [1e-17, 1e-16, 0.0, -1e-9, 1.0, 2.0, float("nan"), float("inf")])
def test_meaningless_tolerances_are_refused(tol: float) -> None:
    with pytest.raises(InvalidArgumentError, match=r"tol must be a number in \[1e-15, 1\)"):
        solve_nash(PENNIES, "vertex", tol=tol)


def test_pennies_at_the_smallest_tolerance() -> None:
    result = solve_nash(PENNIES, "vertex", tol=2e-15)
    assert result.complete
    assert len(result) == 1
    assert result[0].isclose(([0.5, 0.5], [0.5, 0.5]), atol=1e-15)


def test_tolerance_below_the_games_resolution_is_a_precision_error() -> None:
    rng = np.random.default_rng(0)
    game = NormalFormGame([rng.standard_normal((10, 10)), rng.standard_normal((10, 10))])
    # 22 eps ~ 4.9e-15 of the range: 1e-15 cannot be met
    with pytest.raises(PrecisionError, match=r"tol=1e-15 is below what float64 resolves.*use tol >= 4\.9e-15"):
        solve_nash(game, "vertex", tol=1e-15)


def test_complete_method_finding_nothing_is_a_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from kurilsim.solvers import nash

    # a vertex enumeration that (wrongly) finds nothing, and no pure profile
    monkeypatch.setattr(nash, "vertex_candidates", lambda A, B: (np.zeros((0, 2)), np.zeros((0, 2)), "bases"))
    with pytest.raises(SolverError, match=r"found no equilibrium.*every finite game has one"):
        solve_nash(PENNIES, "vertex")
    # "pure" may rightly find none: pennies has no pure equilibrium
    assert len(solve_nash(PENNIES, "pure")) == 0


# ---------------------------------------------------------------- exact=True


def _stub_exact(monkeypatch: pytest.MonkeyPatch, answer: object) -> list[tuple[object, str]]:
    """Replace every exact kernel of the table by a stand-in (wiring tests only)."""
    from kurilsim.solvers import nash

    calls: list[tuple[object, str]] = []

    def stub(name: str) -> object:
        def kernel(game: NormalFormGame, **options: object) -> object:
            calls.append((game, name))
            return answer

        return kernel

    table = {
        name: dataclasses.replace(spec, exact_kernel=stub(name))
        if spec.exact_kernel is not None
        else spec
        for name, spec in nash.NASH_METHODS.items()
    }
    monkeypatch.setattr(nash, "NASH_METHODS", MappingProxyType(table))
    return calls


def test_exact_with_the_real_rational_solvers() -> None:
    """Integration with kurilsim.solvers._exact on the large payoff game: one
    component, player 1 on AA and player 2 between YX and the mix Gambit
    reports (weight 1/2**52 on YY, Gambit's 1/1e19), value one unit (2048)."""
    game = large_payoff_game()
    p = Fraction(2048, 2**63)
    pure_end = [0, 0, 1, 0]
    mixed_end = [0, 0, 1 - p, p]
    vertex = solve_nash(game, "vertex", exact=True)
    assert vertex.exact
    assert vertex.complete
    assert [eq.strategies[1].tolist() for eq in vertex] == [pure_end, mixed_end]
    lemke = solve_nash(game, "lemke-howson", exact=True)
    assert [eq.strategies[1].tolist() for eq in lemke] == [mixed_end]
    pure = solve_nash(game, "pure", exact=True)
    assert pure.complete
    assert [eq.support for eq in pure] == [((0,), (2,))]
    for eq in (*vertex, *lemke, *pure):
        assert eq.strategies[0].tolist() == [1, 0, 0, 0]
        assert eq.payoffs.tolist() == [2048, -2048]
        assert eq.regret == 0


def test_exact_result_of_the_large_payoff_game(monkeypatch: pytest.MonkeyPatch) -> None:
    game = large_payoff_game()
    p = Fraction(2048, 2**63)  # player 2's weight on YY (Gambit: 1/1e19)
    truth = ((Fraction(1), Fraction(0), Fraction(0), Fraction(0)),
             (Fraction(0), Fraction(0), 1 - p, p))
    calls = _stub_exact(monkeypatch, ([truth, truth], True))
    result = solve_nash(game, exact=True)
    assert calls == [(game, "vertex")]
    assert result.exact
    assert result.method == "vertex"
    assert result.complete
    assert result.tol == 0.0
    assert len(result) == 1  # the duplicate is merged
    (eq,) = result
    assert eq.strategies[0].tolist() == list(truth[0])
    assert eq.strategies[1].tolist() == list(truth[1])
    assert all(isinstance(v, Fraction) for v in eq.strategies[1])
    assert eq.payoffs.tolist() == [Fraction(2048), Fraction(-2048)]  # value 1 unit
    assert eq.regret == 0
    assert isinstance(eq.regret, Fraction)
    assert eq.is_pure is False
    assert eq.support == ((0,), (2, 3))
    assert not eq.strategies[1].flags.writeable
    assert "1/4503599627370496" in repr(eq)
    assert hash(eq) == hash(result[0])
    assert eq.isclose(([1, 0, 0, 0], [0, 0, 1, 0]), atol=1e-12)


def test_exact_rejects_a_wrong_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    game = large_payoff_game()
    # (BB, XX): player 1 gains about 2**62 by playing AA
    wrong = ((0, 0, 0, Fraction(1)), (Fraction(1), 0, 0, 0))
    _stub_exact(monkeypatch, ([wrong], True))
    with pytest.raises(SolverError, match="not exact equilibria"):
        solve_nash(game, "vertex", exact=True)
    _stub_exact(monkeypatch, ([], True))
    with pytest.raises(SolverError, match="found no equilibrium"):
        solve_nash(game, "vertex", exact=True)


@pytest.mark.parametrize("method", ["pure", "vertex", "support", "lemke-howson"])
def test_exact_routes_each_method(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    half = Fraction(1, 2)
    calls = _stub_exact(monkeypatch, ([((half, half), (half, half))], method != "lemke-howson"))
    result = solve_nash(PENNIES, method, exact=True)
    assert calls == [(PENNIES, method)]
    assert result.method == method
    assert result.complete is (method != "lemke-howson")
    assert result[0].strategies[0].tolist() == [half, half]
    assert result.max_regret == 0.0


def test_certify_exact_checks_probabilities_exactly() -> None:
    third = Fraction(1, 3)
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
    game = NormalFormGame([rps, -rps])
    ok = ((third,) * 3, (third,) * 3)
    almost = ((third, third, Fraction(333, 1000)), (third,) * 3)
    kept, rejected = certify_exact(game, [ok, almost, ((1,), (1,))])
    assert rejected == 2
    assert len(kept) == 1
    assert kept[0].payoffs.tolist() == [0, 0]


# ------------------------------------------- payoffs given exactly (exact_payoffs)

BIG = 10**19


def test_rounding_that_merges_payoffs_is_refused() -> None:
    """10**19 + 1 and 10**19 are one float: the float game has ties the game
    as given does not have, so every float method refuses it."""
    game = NormalFormGame([[[BIG + 1, BIG], [BIG, BIG + 1]], [[0, 1], [1, 0]]])
    assert game.payoffs[0].tolist() == [[1e19, 1e19], [1e19, 1e19]]
    assert rounding_errors(game).tolist() == [1.0, 0.0]
    assert smallest_differences(game).tolist() == [1.0, 1.0]
    for method in FLOAT_METHODS:
        with pytest.raises(
            PrecisionError,
            match=r"^the payoffs given are not representable in float64: rounding changes "
            r"player 0's by up to 1, .* differ by only 1, .*Solve with exact=True \(methods 'pure', 'support', 'vertex', 'lemke-howson'\)$",
        ):
            solve_nash(game, method)
    (eq,) = solve_nash(game, exact=True)
    half = Fraction(1, 2)
    assert eq.strategies[0].tolist() == [half, half]
    assert eq.strategies[1].tolist() == [half, half]
    assert eq.payoffs.tolist() == [BIG + half, half]


def test_rounding_below_the_resolution_of_the_game_is_accepted() -> None:
    """Rationals such as 1/3 are rounded by ~1e-17: float methods answer, and
    agree with the exact answer."""
    third = Fraction(1, 3)
    A = [[third, -1], [-1, 2 * third]]
    B = [[-third, 1], [1, -2 * third]]
    game = NormalFormGame([A, B])
    assert not game.is_float_exact
    assert 0 < rounding_errors(game).max() < 1e-16
    exact = solve_nash(game, exact=True)
    (want,) = exact
    for method in ("vertex", "support", "lemke-howson", "lp", "pure", "logit"):
        result = solve_nash(game, method)
        if method == "pure":
            assert len(result) == 0  # no pure equilibrium
            continue
        (eq,) = result
        assert eq.isclose(want, atol=1e-12)


def test_rounding_beyond_tol_is_refused_with_the_tol_it_needs() -> None:
    """10**19 + 10**6 k: differences of 10**6 survive the rounding (error up
    to 1024) but a gain certified at tol=1e-9 of the range (2e-3) means
    nothing for the game as given; a coarser tol is fine."""
    K = [[1, -1], [-1, 1]]
    game = NormalFormGame(
        [[[BIG + 10**6 * k for k in row] for row in K], [[BIG - 10**6 * k for k in row] for row in K]]
    )
    errors = rounding_errors(game)
    assert 0 < errors[0] <= 1024  # half the float spacing at 1e19
    with pytest.raises(
        PrecisionError,
        match=r"^the payoffs given are not representable in float64: rounding changes "
        r"player 0's by up to \d+, more than tol=1e-09 of its payoff range \(2e\+06\) "
        r"allows; solve with exact=True, or use tol >= 0\.000\d+$",
    ):
        solve_nash(game, "vertex")
    (eq,) = solve_nash(game, "vertex", tol=1e-3)
    assert eq.isclose(([0.5, 0.5], [0.5, 0.5]), atol=1e-9)
    (exact,) = solve_nash(game, "vertex", exact=True)
    assert exact.strategies[0].tolist() == [Fraction(1, 2)] * 2


def test_three_players_rounded_get_no_exact_hint() -> None:
    payoffs = np.zeros((3, 2, 2, 2), dtype=object)
    payoffs[0, 0, 0, 0] = BIG + 1
    payoffs[0, 1, 0, 0] = BIG
    game = NormalFormGame(payoffs)
    with pytest.raises(PrecisionError, match=r"Give payoffs whose differences float64 keeps$"):
        solve_nash(game, "pure")


def test_float_games_keep_the_float_rule() -> None:
    """A game given in floats has no rounding error: the messages and rule of
    the float game (differences against the resolution) are unchanged."""
    game = large_payoff_game()
    assert game.is_float_exact
    assert rounding_errors(game).tolist() == [0.0, 0.0]


def _smallest_exact_difference(game: NormalFormGame, i: int) -> Fraction | None:
    """Brute force: every pair of player i's strategies against every pure
    profile of the others, on the exact payoffs."""
    u = game.exact_payoffs[i]
    best = None
    for cell in np.ndindex(*u.shape):
        for other in range(u.shape[i]):
            swapped = (*cell[:i], other, *cell[i + 1 :])
            d = abs(u[cell] - u[swapped])
            if d and (best is None or d < best):
                best = d
    return best


def test_smallest_differences_see_what_rounding_hides() -> None:
    tiny = Fraction(1, 10**30)
    third = Fraction(1, 3)
    # same float and same rounded residual, exact values 1e-30 apart
    A = [[BIG + third, 0], [BIG + third + tiny, 1]]
    game = NormalFormGame([A, [[0, 0], [0, 0]]])
    assert game.payoffs[0][0, 0] == game.payoffs[0][1, 0]
    assert smallest_differences(game)[0] == float(tiny)
    # equal exact values are no difference, rounded or not
    same = NormalFormGame([[[BIG + third, 5], [BIG + third, 7]], [[0, 0], [0, 0]]])
    assert smallest_differences(same).tolist() == [2.0, np.inf]


exact_entries = st.one_of(
    st.fractions(min_value=-5, max_value=5, max_denominator=7),
    st.fractions(min_value=-5, max_value=5, max_denominator=7).map(lambda q: BIG + q),
    st.sampled_from([Fraction(1, 3), BIG + Fraction(1, 3), BIG + Fraction(1, 3) + Fraction(1, 10**30)]),
)


@given(
    data=st.data(),
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_smallest_differences_match_brute_force(
    data: st.DataObject, shape: tuple[int, int]
) -> None:
    size = shape[0] * shape[1]
    arrays = [
        np.array(data.draw(st.lists(exact_entries, min_size=size, max_size=size)), dtype=object)
        .reshape(shape)
        for _ in range(2)
    ]
    game = NormalFormGame(arrays)
    found = smallest_differences(game)
    errors = rounding_errors(game)
    for i in range(2):
        want = _smallest_exact_difference(game, i)
        if want is None:
            assert found[i] == np.inf
        else:
            assert found[i] == pytest.approx(float(want), rel=1e-12)
        worst = max(abs(Fraction(float(v)) - v) for v in game.exact_payoffs[i].ravel())
        assert errors[i] == float(worst)
