"""The compiled two-player common path of solve_nash against its NumPy twin.

``kurilsim.solvers._lh_numba`` holds the compiled loops of the precision check
(``smallest_steps``), the pure candidates (``pure_pairs``) and the
certification (``certify_pairs``); ``results.compiled_two_player`` hands them
out once numba is imported.  Each test runs both paths by setting
``results._compiled``: the loops run compiled with numba and as plain Python
without it, so the comparison holds both ways.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kurilsim import (
    InvalidArgumentError,
    NormalFormGame,
    PrecisionError,
    SolverError,
    solve_nash,
)
from kurilsim.solvers import _lemke_howson as lh
from kurilsim.solvers import _lh_numba, nash, results
from kurilsim.solvers.results import certify_candidates
from kurilsim.testing.compare import seeded_gaussian_bimatrix


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A function ``use(compiled)`` that switches the common path."""

    def use(compiled: bool) -> None:
        monkeypatch.setattr(results, "_compiled", _lh_numba if compiled else None)

    return use


def _integer_game(m: int, n: int, seed: int, high: int = 4) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n))])


def _candidates(game: NormalFormGame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pure profile, Lemke-Howson end points, near-duplicates and junk
    (no infinite entries: the NumPy path warns on those, and no kernel makes them)."""
    m, n = game.shape
    rng = np.random.default_rng(seed)
    rows = [np.eye(m)[i] for i in range(m) for _ in range(n)]
    cols = [np.eye(n)[j] for _ in range(m) for j in range(n)]
    A, B = game.payoffs
    for label in range(m + n):
        x, y, _ = lh.lemke_howson_kernel(A, B, label)
        rows += [x, x + 1e-11 * rng.random(m)]  # a near-duplicate, merged
        cols += [y, y]
    rows += [np.zeros(m), np.full(m, np.nan), -np.ones(m), np.ones(m),
             rng.random(m), 3.0 * rows[0]]
    cols += [np.ones(n), np.ones(n), np.ones(n), np.full(n, np.nan), rng.random(n), cols[0]]
    return np.array(rows), np.array(cols)


def _same(kept_a: tuple, kept_b: tuple) -> None:  # type: ignore[type-arg]
    assert len(kept_a) == len(kept_b)
    for a, b in zip(kept_a, kept_b, strict=True):
        for s, t in zip(a.strategies, b.strategies, strict=True):
            np.testing.assert_allclose(s, t, rtol=0, atol=1e-13)
            assert not s.flags.writeable
        np.testing.assert_allclose(a.payoffs, b.payoffs, rtol=1e-12, atol=1e-12)
        assert abs(a.regret - b.regret) <= 1e-12
        assert not a.payoffs.flags.writeable


@pytest.mark.parametrize(("m", "n", "seed"), [(2, 2, 0), (3, 3, 1), (3, 5, 2), (6, 4, 3),
                                              (5, 5, 4), (1, 4, 5)])
def test_compiled_certification_equals_numpy(engines, m: int, n: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    for game in (_integer_game(m, n, seed), NormalFormGame(list(seeded_gaussian_bimatrix(m, n, seed)))):
        rows, cols = _candidates(game, seed)
        answers = []
        for compiled in (False, True):
            engines(compiled)
            answers.append(certify_candidates(game, (rows, cols), tol=1e-9))
        (kept_n, k_n, rej_n, cert_n), (kept_c, k_c, rej_c, cert_c) = answers
        assert (k_n, rej_n) == (k_c, rej_c)
        assert rej_c >= 4  # the junk: zeros, NaN, negative
        _same(kept_n, kept_c)
        assert abs(cert_n - cert_c) <= 1e-12
        assert cert_c <= 1e-9


def test_compiled_certification_merges_and_sorts_many_equilibria(engines) -> None:  # type: ignore[no-untyped-def]
    # 40 pure equilibria (and the candidates twice): past the pairwise limit
    game = NormalFormGame([np.eye(40), np.eye(40)])
    rows = np.concatenate((np.eye(40), np.eye(40)[::-1]))
    answers = []
    for compiled in (False, True):
        engines(compiled)
        answers.append(certify_candidates(game, (rows, rows.copy()), tol=1e-9))
    assert answers[0][1:] == answers[1][1:] == (80, 0, 0.0)
    _same(answers[0][0], answers[1][0])
    assert len(answers[1][0]) == 40
    assert [int(np.argmax(e.strategies[0])) for e in answers[1][0]] == list(range(40))


def test_compiled_certification_rejects_everything_alike(engines) -> None:  # type: ignore[no-untyped-def]
    game = _integer_game(3, 3, 7)
    junk = np.full((2, 3), np.nan)
    for compiled in (False, True):
        engines(compiled)
        assert certify_candidates(game, (junk, junk), tol=1e-9) == ((), 2, 2, 0.0)


@pytest.mark.parametrize("seed", range(6))
def test_smallest_steps_are_the_sorted_differences(seed: int) -> None:
    game = _integer_game(4, 3, seed, high=3) if seed % 2 else NormalFormGame(
        list(seeded_gaussian_bimatrix(40, 3, seed)))  # past the insertion sort
    A, B = (np.array(u) for u in game.centred_payoffs)
    expected = []
    for values in (np.sort(A, axis=0), np.sort(B, axis=1).T):
        steps = np.diff(values, axis=0)
        expected.append(float(steps[steps > 0].min()) if (steps > 0).any() else np.inf)
    assert list(_lh_numba.smallest_steps(A, B)) == expected
    assert _lh_numba.smallest_steps(A[:1], B[:1])[0] == np.inf  # one row: none


@pytest.mark.parametrize(
    ("payoffs", "tol"),
    [
        ([[[2.0**63, 0.0], [2.0**63 + 2048, 1.0]], [[0.0, 1.0], [1.0, 0.0]]], 1e-9),
        ([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1e-14], [0.0, 1.0]]], 1e-9),
        ([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]], 1e-15),
        ([[[3.0, 0.0, 1.0], [0.0, 2.0, 1.0]], [[2.0, 0.0, 1.0], [0.0, 3.0, 1.0]]], 1e-9),
    ],
)
def test_resolution_check_agrees_both_ways(engines, payoffs: list, tol: float) -> None:  # type: ignore[no-untyped-def,type-arg]
    game = NormalFormGame(payoffs)
    answers = []
    for compiled in (False, True):
        engines(compiled)
        answers.append(nash._resolved_two_player(game, tol))
    assert answers[0] == answers[1]
    if not answers[1]:  # check_resolution decides: both ways the same error
        errors = []
        for compiled in (False, True):
            engines(compiled)
            with pytest.raises(PrecisionError) as info:
                solve_nash(game, "lemke-howson", tol=tol)
            errors.append(str(info.value))
        assert errors[0] == errors[1]


@pytest.mark.parametrize("seed", range(5))
def test_pure_pairs_equal_the_numpy_pure_blocks(engines, seed: int) -> None:  # type: ignore[no-untyped-def]
    game = _integer_game(4, 5, seed, high=2)  # many ties, many pure equilibria
    for tol in (1e-9, 0.3):
        engines(False)
        rows_n, cols_n = nash._pure_blocks(game, tol)
        engines(True)
        rows_c, cols_c = nash._pure_blocks(game, tol)
        np.testing.assert_array_equal(rows_n, rows_c)
        np.testing.assert_array_equal(cols_n, cols_c)
    assert len(rows_c) >= 1


@pytest.mark.parametrize("method", ["lemke-howson", "vertex", "support", "lp"])
def test_solve_nash_gives_the_same_result_both_ways(engines, method: str) -> None:  # type: ignore[no-untyped-def]
    for seed in range(4):
        A, B = seeded_gaussian_bimatrix(4, 3 + seed % 2, seed)
        game = NormalFormGame([A, -A] if method == "lp" else [A, B])
        out = []
        for compiled in (False, True):
            engines(compiled)
            out.append(solve_nash(game, method))
        numpy_result, compiled_result = out
        _same(numpy_result.equilibria, compiled_result.equilibria)
        assert numpy_result.message == compiled_result.message
        assert (numpy_result.n_candidates, numpy_result.n_rejected) == (
            compiled_result.n_candidates, compiled_result.n_rejected)
        assert abs(numpy_result.certificate - compiled_result.certificate) <= 1e-12
        assert compiled_result.certificate <= compiled_result.tol
        assert compiled_result.payoff_range == game.payoff_range
        for eq in compiled_result.equilibria:  # the library's own oracle
            assert game.is_nash(eq.strategies, tol=1e-9)


def test_lemke_howson_path_is_the_kernel_without_its_checks() -> None:
    for seed in range(5):
        A, B = seeded_gaussian_bimatrix(5, 4, seed)
        for label in (0, 3, 8):
            x, y, pivots = lh.lemke_howson_path(A, B, label, 1000)
            x_k, y_k, pivots_k = lh.lemke_howson_kernel(A, B, label)
            np.testing.assert_array_equal(x, x_k)
            np.testing.assert_array_equal(y, y_k)
            assert pivots == pivots_k
    A, B = lh.savani_von_stengel_game(6)
    with pytest.raises(SolverError, match="max_pivots=5"):
        lh.lemke_howson_path(A, B, 0, 5)


def test_the_fast_argument_paths_still_refuse_bad_input() -> None:
    game = _integer_game(3, 3, 1)
    for bad in ({"tol": float("nan")}, {"tol": 1.5}, {"tol": 1e-20},
                {"max_memory": 0}, {"max_memory": -1.0}, {"max_work": float("nan")},
                {"max_work": True}, {"exact": 1}):
        with pytest.raises(InvalidArgumentError):
            solve_nash(game, "lemke-howson", **bad)
    # other accepted types still go through the general checks
    assert len(solve_nash(game, "lemke-howson", tol=np.float64(1e-9), max_memory=10**400,
                          max_work=np.int64(10**9), exact=np.bool_(False))) == 1


def test_options_of_earlier_calls_do_not_leak() -> None:
    A, B = lh.savani_von_stengel_game(6)
    game = NormalFormGame([A, B])
    assert solve_nash(game, "lemke-howson").message.endswith("after 88 pivots")
    with pytest.raises(SolverError, match="max_pivots=10"):
        solve_nash(game, "lemke-howson", max_pivots=10)
    result = solve_nash(game, "lemke-howson", initial_label=8)
    assert result.message.endswith("after 16 pivots")


def test_the_common_path_does_not_import_numba() -> None:
    code = (
        "import sys\n"
        "from kurilsim import NormalFormGame, solve_nash\n"
        "game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])\n"
        "assert len(solve_nash(game, 'lemke-howson')) == 1\n"
        "from kurilsim.solvers import results\n"
        "print('numba' in sys.modules, results.compiled_two_player())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["False", "None"]


def test_disabled_numba_keeps_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "_compiled", results._UNSET)
    monkeypatch.setitem(sys.modules, "numba", sys.modules.get("numba", object()))
    monkeypatch.setenv("KURILSIM_DISABLE_NUMBA", "1")
    assert results.compiled_two_player() is None
def test_pairwise_limits_agree() -> None:
    assert results.PAIRWISE_UP_TO == _lh_numba.DEDUPE_PAIRS_UP_TO


def test_certified_path_equals_the_separate_steps(
    engines, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """Lemke-Howson compiled: path and certification in one call, same result."""
    lh._load_numba_path()
    if lh.numba_path() is None:  # numba missing or KURILSIM_DISABLE_NUMBA set
        pytest.skip("needs numba: certified_path runs only with the compiled path")
    engines(True)
    for seed in range(4):
        game = NormalFormGame(list(seeded_gaussian_bimatrix(5, 4, seed)))
        fused = solve_nash(game, "lemke-howson", initial_label=seed)
        with monkeypatch.context() as patch:  # the separate steps
            patch.setattr(lh, "certified_path", lambda *args: None)
            patch.setattr(nash, "certified_path", lambda *args: None)
            separate = solve_nash(game, "lemke-howson", initial_label=seed)
        _same(fused.equilibria, separate.equilibria)
        assert fused.message == separate.message
        assert (fused.n_candidates, fused.n_rejected) == (1, 0)
        assert abs(fused.certificate - separate.certificate) <= 1e-12
        assert fused.certificate <= fused.tol
        assert game.is_nash(fused.equilibria[0].strategies, tol=1e-9)
    table_game = NormalFormGame([[[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]])
    A, B = table_game.payoffs
    A_c, B_c = table_game.centred_payoffs
    found = lh.certified_path(A, B, 0, 100, A_c, B_c, (1e-9, 1e-9), 1e-9)
    assert found is not None
    n_pivots, table, order, n_passed = found
    assert (n_pivots, order.tolist(), n_passed) == (2, [0], 1)
    assert table[0, :5].tolist() == [1.0, 0.0, 0.0, 1.0, 0.0]
    # a path cut short by max_pivots is left to the separate steps (which raise)
    assert lh.certified_path(A, B, 1, 1, A_c, B_c, (1e-9, 1e-9), 1e-9) is None


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize(
    "shapes",
    [[(1, 2), (1, 4)], [(1, 1), (1, 2)], [(2, 2), (3, 2)], [(2,), (2,)], [(1, 2)]],
)
def test_candidate_blocks_of_the_wrong_shape_are_refused_on_both_paths(
    shapes: list[tuple[int, ...]], compiled: bool, engines  # type: ignore[no-untyped-def]
) -> None:
    # the compiled loops do no bounds checks: a block wider than the game must
    # be refused before them, as the numpy path refuses it
    if compiled and not _lh_numba.HAVE_NUMBA:
        pytest.skip("numba is not installed")
    engines(compiled)
    game = NormalFormGame(np.array([[3.0, 0.0], [5.0, 1.0]]), np.array([[3.0, 5.0], [0.0, 1.0]]))
    blocks = [np.full(shape, 0.5) for shape in shapes]
    with pytest.raises(InvalidArgumentError, match="shape"):
        certify_candidates(game, blocks, tol=1e-9)
