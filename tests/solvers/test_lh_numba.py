"""The compiled Lemke–Howson path (numba) against the pure-numpy one.

Both follow the same path pivot for pivot and must return bit-identical
strategies and the same pivot counts, statuses and errors.  Tests that need
numba skip without it; the rest check the choice of engine.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.typing import NDArray

from kurilsim import InvalidArgumentError, InvalidGameError, SolverError
from kurilsim.solvers import _lemke_howson as lh
from kurilsim.solvers._lemke_howson import lemke_howson_kernel, savani_von_stengel_game
from kurilsim.solvers._numba import DISABLE_NUMBA_ENV
from kurilsim.testing.compare import seeded_gaussian_bimatrix, seeded_integer_bimatrix

Matrix = NDArray[np.float64]


@pytest.fixture(scope="module")
def compiled() -> object:
    """The compiled path (skips the test without numba)."""
    pytest.importorskip("numba")
    path = lh._load_numba_path()
    assert path is not None, "numba is installed, so the compiled path must load"
    return path


def _assert_engines_agree(A: Matrix, B: Matrix, **kwargs: int) -> list[int]:
    """Every label: the same pivots and bit-identical strategies; returns the pivots."""
    m, n = np.shape(A)
    pivots = []
    for label in range(m + n):
        xn, yn, pn = lemke_howson_kernel(A, B, label, engine="numpy", **kwargs)
        xc, yc, pc = lemke_howson_kernel(A, B, label, engine="numba", **kwargs)
        assert pn == pc, (label, pn, pc)
        assert np.array_equal(xn, xc), (label, xn, xc)
        assert np.array_equal(yn, yc), (label, yn, yc)
        pivots.append(pn)
    return pivots


SHAPES = [(1, 1), (1, 4), (3, 1), (2, 2), (3, 5), (6, 4)] + [(d, d) for d in range(4, 15)]


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize(("m", "n"), SHAPES, ids=lambda v: str(v))
def test_engines_agree_bitwise_on_random_games(m: int, n: int) -> None:
    for seed in range(3):
        A, B = seeded_gaussian_bimatrix(m, n, seed)
        _assert_engines_agree(A, B)


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize(("m", "n"), [(2, 2), (3, 3), (4, 6), (7, 5), (8, 8)])
def test_engines_agree_bitwise_on_degenerate_games(m: int, n: int) -> None:
    # payoffs in {0, 1, 2}: ties everywhere, resolved by the lexicographic rule
    for seed in range(6):
        A, B = seeded_integer_bimatrix(m, n, seed)
        _assert_engines_agree(A.astype(float), B.astype(float))


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize(
    ("d", "pivots"),
    [
        (4, [20, 8, 8, 20, 10, 10, 10, 10]),
        (6, [88, 24, 24, 24, 24, 88, 36, 36, 16, 16, 36, 36]),
    ],
)
def test_engines_agree_on_exponentially_long_paths(d: int, pivots: list[int]) -> None:
    # long paths go through many refreshes of both tableaux
    A, B = savani_von_stengel_game(d)
    assert _assert_engines_agree(A, B) == pivots


def test_engines_agree_on_long_paths_of_a_large_hard_game(compiled: object) -> None:
    A, B = savani_von_stengel_game(10)
    for label in (0, 9, 12):  # 1596, 1596 and 68 pivots (numpy: about 1 s)
        xn, yn, pn = lemke_howson_kernel(A, B, label, engine="numpy")
        xc, yc, pc = lemke_howson_kernel(A, B, label, engine="numba")
        assert (pn, xn.tobytes(), yn.tobytes()) == (pc, xc.tobytes(), yc.tobytes())


def test_statuses_agree_where_the_float_path_fails(compiled: object) -> None:
    # The nearly degenerate game of test_lemke_howson: from labels 1 and 4 the
    # floating-point path ends off equilibrium and must be recomputed exactly.
    A = np.array([[0.0, 2.0000001], [2.0, 2.0], [2.0000001, 2.0], [2.0, 2.0]])
    B = np.array(
        [[2.0000001, 2.0000001], [2.0000001, 2.0], [2.0000001, 2.0000001], [0, 0]]
    )
    statuses = []
    for label in range(6):
        numpy_status = lh._numpy_path(A, B, label, 100, lh._ACCEPT_REGRET)
        numba_status = compiled(A, B, label, 100, lh._ACCEPT_REGRET)  # type: ignore[operator]
        assert numpy_status[0] == numba_status[0]
        assert numpy_status[3] == numba_status[3]  # pivots
        statuses.append(numpy_status[0])
    assert statuses.count(lh._FAILED) >= 1
    _assert_engines_agree(A, B)  # and the exact fallback gives both the same


def test_status_codes_are_shared() -> None:
    from kurilsim.solvers import _lh_numba

    assert (_lh_numba.OK, _lh_numba.FAILED, _lh_numba.TOO_MANY_PIVOTS) == (
        lh._OK, lh._FAILED, lh._TOO_MANY_PIVOTS,
    )
    assert _lh_numba.NOT_FINITE == lh._NOT_FINITE


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_pivot_limit_is_the_same_for_both_engines(engine: str) -> None:
    A, B = savani_von_stengel_game(4)  # label 0: 20 pivots
    with pytest.raises(SolverError, match="max_pivots=19"):
        lemke_howson_kernel(A, B, 0, max_pivots=19, engine=engine)  # type: ignore[arg-type]
    assert lemke_howson_kernel(A, B, 0, max_pivots=20, engine=engine)[2] == 20  # type: ignore[arg-type]
    with pytest.raises(SolverError, match="max_pivots=0"):
        lemke_howson_kernel(A, B, 0, max_pivots=0, engine=engine)  # type: ignore[arg-type]
    # a limit beyond int64 is no limit
    assert lemke_howson_kernel(A, B, 0, max_pivots=10**30, engine=engine)[2] == 20  # type: ignore[arg-type]


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_payoffs_are_refused_by_both_engines(engine: str, bad: float) -> None:
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    B = A.copy()
    B[1, 0] = bad
    with pytest.raises(InvalidGameError, match="finite"):
        lemke_howson_kernel(A, B, 0, engine=engine)  # type: ignore[arg-type]


def test_compiled_code_matches_its_python_source(compiled: object) -> None:
    # the same function run as plain Python: numba must not change any result
    A, B = seeded_gaussian_bimatrix(5, 4, 0)
    for label in range(9):
        status, x, y, pivots = compiled.py_func(A, B, label, 1000, 1e-11)  # type: ignore[attr-defined]
        assert status == lh._OK
        xc, yc, pc = lemke_howson_kernel(A, B, label, engine="numba")
        assert (pivots, x.tobytes(), y.tobytes()) == (pc, xc.tobytes(), yc.tobytes())


def test_forced_exact_fallback_runs_through_the_compiled_path(
    compiled: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the acceptance threshold is read at call time, not compiled in
    monkeypatch.setattr(lh, "_ACCEPT_REGRET", -np.inf)
    calls: list[int] = []
    exact_path = lh._exact_path

    def spy(a: Matrix, b: Matrix, label: int, max_pivots: int) -> tuple[Matrix, Matrix, int]:
        calls.append(label)
        return exact_path(a, b, label, max_pivots)

    monkeypatch.setattr(lh, "_exact_path", spy)
    A = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    B = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
    x, y, pivots = lemke_howson_kernel(A, B, 1, engine="numba")
    assert calls == [1]
    np.testing.assert_allclose(x, [0.0, 1 / 3, 2 / 3], atol=1e-15)
    np.testing.assert_allclose(y, [1 / 3, 2 / 3], atol=1e-15)
    assert pivots == 4


# ---------------------------------------------------------------------------
# Choosing the engine


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="engine must be one of"):
        lemke_howson_kernel(np.eye(2), np.eye(2), 0, engine="fortran")  # type: ignore[arg-type]


def test_engine_numba_without_numba_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lh, "_loaded", None)  # as if numba were missing
    with pytest.raises(InvalidArgumentError, match="needs the numba package"):
        lemke_howson_kernel(np.eye(2), np.eye(2), 0, engine="numba")
    # "auto" then uses numpy, with the same answer
    monkeypatch.setattr(lh, "_env_disabled", False)
    x, y, pivots = lemke_howson_kernel(np.eye(2), np.eye(2), 0)
    assert (x.tolist(), y.tolist(), pivots) == ([1.0, 0.0], [1.0, 0.0], 2)


@pytest.mark.parametrize(
    ("setting", "disabled"),
    [("1", True), ("yes", True), (" TRUE ", True), ("0", False), ("", False), ("no", False)],
)
def test_environment_variable_disables_numba(
    monkeypatch: pytest.MonkeyPatch, setting: str, disabled: bool
) -> None:
    monkeypatch.setenv(DISABLE_NUMBA_ENV, setting)
    monkeypatch.setattr(lh, "_env_disabled", None)  # read it again
    monkeypatch.setattr(lh, "_loaded", "compiled")  # stands for the compiled path
    assert lh.numba_path() == (None if disabled else "compiled")


def test_importing_the_module_does_not_import_numba() -> None:
    code = (
        "import sys\n"
        "import kurilsim.solvers._lemke_howson\n"
        "import kurilsim.solvers.nash\n"
        "print('numba' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "False"


def test_auto_switches_to_numba_after_enough_numpy_time(
    compiled: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lh, "_env_disabled", False)
    monkeypatch.setattr(lh, "_loaded", lh._UNSET)  # numba not loaded yet
    monkeypatch.setattr(lh, "_numpy_seconds", 0.0)
    assert lh.numba_path() is None  # a fresh process starts with numpy
    A, B = savani_von_stengel_game(4)
    lemke_howson_kernel(A, B, 0)
    assert 0.0 < lh._numpy_seconds < lh.NUMPY_SECONDS_BEFORE_NUMBA
    assert lh._loaded is lh._UNSET  # numba still not imported for it
    monkeypatch.setattr(lh, "_numpy_seconds", lh.NUMPY_SECONDS_BEFORE_NUMBA)
    assert lh.numba_path() is compiled
    spent = lh._numpy_seconds
    lemke_howson_kernel(A, B, 0)
    assert lh._numpy_seconds == spent  # the compiled path ran
