"""The logit tracer's compiled loops against the numpy path they replace."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import NormalFormGame
from kurilsim.games.negotiation import strategic_game
from kurilsim.solvers import _logit_numba as loops
from kurilsim.solvers._numba import DISABLE_NUMBA_ENV
from kurilsim.solvers.logit import (
    _MAX_LOG_PROB,
    _LogitSystem,
    _tangent,
    logit_solve_kernel,
)

HEADLINE = kurilsim.load_scenario("2018-singapore")


def _game(demand: float, weight: float, credibility: float) -> NormalFormGame:
    point = HEADLINE.with_params({"japan.demand": demand,
                                  "russia.security_weight": weight,
                                  "russia.pledge_credibility": credibility})
    return strategic_game(point).game


def _random_game(shape: tuple[int, ...], seed: int) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.normal(size=shape) for _ in shape])


def _numpy_system(game: NormalFormGame, monkeypatch: pytest.MonkeyPatch) -> _LogitSystem:
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "1")
    system = _LogitSystem(game, per_player=True)
    monkeypatch.delenv(DISABLE_NUMBA_ENV)
    assert system.fast is None
    return system


def _point(system: _LogitSystem, seed: int, nu: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = np.log(rng.dirichlet(np.ones(system.size)))
    return np.append(w, nu)


def _args(system: _LogitSystem) -> tuple[Any, ...]:
    """The fixed arguments of the loops (as the tracer passes them), built
    whether or not numba is installed or disabled."""
    if system.n == 3:
        P0, P1, P2 = (np.ascontiguousarray(p) for p in system.payoffs)
        C = np.zeros((system.size, system.size))
    else:
        P0 = P1 = P2 = np.zeros((0, 0, 0))
        C = np.ascontiguousarray(system.cross(()))
    return (P0, P1, P2, C, system.n, system.starts.astype(np.intp),
            system.owner.astype(np.intp), system.rows.astype(np.intp),
            system.refs.astype(np.intp))


@pytest.mark.parametrize("shape", [(3, 4, 2), (5, 2, 3), (4, 4)])
def test_the_compiled_newton_step_is_the_numpy_one(
        shape: tuple[int, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    game = _random_game(shape, seed=sum(shape))
    reference = _numpy_system(game, monkeypatch)
    P0, P1, P2, C, n, starts, owner, rows, refs = _args(reference)
    for seed, nu in [(0, 0.0), (1, 2.5), (2, 40.0)]:
        y = _point(reference, seed, nu)
        t = np.random.default_rng(seed).normal(size=y.size)
        t /= np.linalg.norm(t)
        status, delta, J, tangent, sign = loops.plane_step(
            y, t, P0, P1, P2, C, n, starts, owner, rows, refs, _MAX_LOG_PROB)
        H, J_ref = reference.evaluate(y)
        A = np.vstack([J_ref, t])
        assert status == loops.OK
        np.testing.assert_allclose(J, J_ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(A @ delta, np.append(-H, 0.0), atol=1e-9)
        t_ref, orientation = _tangent(J_ref, t)
        np.testing.assert_allclose(tangent, t_ref, atol=1e-9)
        assert sign == orientation == np.linalg.slogdet(np.vstack([J_ref, t_ref]))[0]


def test_a_diverged_point_is_reported_not_evaluated(
        monkeypatch: pytest.MonkeyPatch) -> None:
    system = _numpy_system(_random_game((3, 3, 2), seed=4), monkeypatch)
    y = _point(system, 0, 1.0)
    y[2] = 2 * _MAX_LOG_PROB
    status, *_ = loops.plane_step(y, np.ones(y.size) / y.size, *_args(system),
                                  _MAX_LOG_PROB)
    assert status == loops.DIVERGED


@pytest.mark.parametrize("size", [1, 5, 17])
def test_lu_solve_solves_and_signs_the_determinant(size: int) -> None:
    rng = np.random.default_rng(size)
    A = rng.normal(size=(size, size))
    B = rng.normal(size=(size, 2))
    Z = B.copy()
    sign = loops.lu_solve(A.copy(), Z)
    np.testing.assert_allclose(A @ Z, B, atol=1e-9)
    assert sign == np.linalg.slogdet(A)[0]
    assert loops.lu_solve(np.zeros((size, size)), B.copy()) == 0.0


def test_block_solve_is_the_dense_solve_on_a_homotopy_jacobian(
        monkeypatch: pytest.MonkeyPatch) -> None:
    system = _numpy_system(_random_game((6, 4, 2), seed=7), monkeypatch)
    for seed, nu in [(0, 0.5), (3, 30.0)]:
        y = _point(system, seed, nu)
        _, J = system.evaluate(y)
        rng = np.random.default_rng(seed)
        A = np.vstack([J, rng.normal(size=y.size)])
        B = rng.normal(size=(y.size, 2))
        Z = B.copy()
        sign = loops.block_solve(A.copy(), Z, 6)
        np.testing.assert_allclose(Z, np.linalg.solve(A, B), rtol=1e-8, atol=1e-10)
        assert sign == np.linalg.slogdet(A)[0]


def test_the_compiled_derivatives_and_regret_are_the_numpy_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _numpy_system(_game(2, 0.0, 0.0), monkeypatch)
    P0, P1, P2, C, n, starts, owner, _, _ = _args(reference)
    sigma = reference.profile(_point(reference, 5, 0.0)[:-1])
    x = np.concatenate(sigma)
    loops.cross(P0, P1, P2, x, C)
    np.testing.assert_allclose(C, reference.cross(sigma), atol=1e-13)
    regret = loops.scaled_regret(x, P0, P1, P2, C, n, starts, owner)
    assert regret == pytest.approx(reference.scaled_regret(sigma), abs=1e-13)
    assert regret > 0


def test_the_system_uses_the_loops_where_numba_is_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_NUMBA_ENV, raising=False)
    system = _LogitSystem(_random_game((3, 2, 2), seed=1), per_player=True)
    assert (system.fast is not None) == loops.HAVE_NUMBA
    four = _LogitSystem(_random_game((2, 2, 2, 2), seed=1), per_player=True)
    assert four.fast is None  # two or three players only


def test_the_tangent_without_a_factorisation_is_the_numpy_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    system = _numpy_system(_random_game((3, 3, 3), seed=2), monkeypatch)
    _, J = system.evaluate(_point(system, 1, 3.0))
    direction = np.zeros(system.size + 1)
    direction[-1] = 1.0
    sign, t = loops.tangent(J, direction)
    t_ref, orientation = _tangent(J, direction)
    np.testing.assert_allclose(t, t_ref, atol=1e-10)
    assert sign == orientation
    np.testing.assert_allclose(J @ t, 0.0, atol=1e-10)


#: Headline points the rules leave to the tracer (short and long branches).
TRACED = [(2, 0.0, 0.0), (2, 0.5, 0.1), (4, 2.0, 0.5), (2, 3.0, 0.9)]


@pytest.mark.parametrize("point", TRACED)
def test_the_selection_is_the_same_with_and_without_the_compiled_loops(
        point: tuple[float, float, float], monkeypatch: pytest.MonkeyPatch) -> None:
    game = _game(*point)
    monkeypatch.delenv(DISABLE_NUMBA_ENV, raising=False)
    compiled, _ = logit_solve_kernel(game)
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "1")
    plain, _ = logit_solve_kernel(game)
    for a, b in zip(compiled, plain, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_the_tangent_falls_back_to_qr_where_the_direction_is_orthogonal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    system = _numpy_system(_random_game((3, 3, 2), seed=6), monkeypatch)
    _, J = system.evaluate(_point(system, 2, 1.5))
    # a row of J is orthogonal to the tangent: [J; row] repeats a row
    t, orientation = _tangent(J, J[1].copy())
    np.testing.assert_allclose(J @ t, 0.0, atol=1e-10)
    assert abs(float(np.linalg.norm(t)) - 1.0) < 1e-12
    assert orientation == np.linalg.slogdet(np.vstack([J, t]))[0] != 0
