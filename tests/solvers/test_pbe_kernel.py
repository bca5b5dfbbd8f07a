"""Tests of kurilsim.solvers._pbe_kernel: the compiled two-by-two PBE selection.

Its reference is the numpy kernel of :mod:`kurilsim.solvers.pbe`
(``_select_two_by_two``), itself checked against the per-game solver in
``tests/solvers/test_pbe.py``: the loop must give the very same selection,
ties included, with and without numba.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurilsim.solvers import _pbe_kernel, pbe
from kurilsim.solvers._numba import DISABLE_NUMBA_ENV
from kurilsim.solvers.pbe import select_pbe

TOL = 1e-9


def _random_games(
    seed: int, n: int, M: int, levels: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` random two-by-two games over ``M`` messages; integer payoffs in
    ``[0, levels)`` (many ties) or uniform ones; priors with zeros and ones;
    random allowed messages (each type one at least, each message one type)."""
    rng = np.random.default_rng(seed)
    if levels is None:
        sender, receiver = rng.random((n, 2, M, 2)), rng.random((n, 2, M, 2))
    else:
        sender = rng.integers(0, levels, (n, 2, M, 2)).astype(float)
        receiver = rng.integers(0, levels, (n, 2, M, 2)).astype(float)
    first = rng.choice([0.0, 1.0, 0.5, 0.25, 0.1, rng.random()], size=n)
    prior = np.stack([first, 1.0 - first], axis=-1)
    allowed = rng.random((n, 2, M)) < 0.8
    allowed[:, 0, rng.integers(0, M)] = True
    allowed[:, 1, rng.integers(0, M)] = True
    lonely = ~allowed.any(axis=1)
    allowed[:, 0] |= lonely
    return sender, receiver, prior, allowed


def _loop(
    function: object, sender: np.ndarray, receiver: np.ndarray, prior: np.ndarray,
    allowed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, _, M, _ = sender.shape
    out = (
        np.full((n, 2), -7, dtype=np.intp),
        np.full((n, M), -7, dtype=np.intp),
        np.full(n, -7, dtype=np.intp),
    )
    function(sender, receiver, prior, allowed, TOL, *out)  # type: ignore[operator]
    return out


def _assert_same(got: tuple[np.ndarray, ...], expected: tuple[np.ndarray, ...]) -> None:
    for name, a, b in zip(("sender", "receiver", "kind"), got, expected, strict=True):
        bad = np.flatnonzero((np.asarray(a) != np.asarray(b)).reshape(len(a), -1).any(axis=1))
        assert bad.size == 0, f"{name} differs at games {bad[:10].tolist()}"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 7),
    st.sampled_from([2, 3, 4, None]),
)
def test_the_loop_equals_the_numpy_kernel_on_random_games(
    seed: int, M: int, levels: int | None
) -> None:
    sender, receiver, prior, allowed = _random_games(seed, 40, M, levels)
    expected = pbe._select_two_by_two(sender, receiver, prior, allowed, TOL)
    got = _loop(_pbe_kernel.two_by_two_games, sender, receiver, prior, allowed)
    _assert_same(got, expected)
    # every game is solved or marked as having no pure PBE, consistently
    assert np.array_equal(got[2] < 0, (got[0] < 0).all(axis=1))
    assert np.all((got[1] >= 0) == (got[2] >= 0)[:, None])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.sampled_from([2, 3, None]))
def test_the_plain_python_loop_equals_the_numpy_kernel(
    seed: int, M: int, levels: int | None
) -> None:
    """Without numba the same function runs as Python (numba is optional)."""
    plain = getattr(_pbe_kernel.two_by_two_games, "py_func", _pbe_kernel.two_by_two_games)
    sender, receiver, prior, allowed = _random_games(seed, 6, M, levels)
    expected = pbe._select_two_by_two(sender, receiver, prior, allowed, TOL)
    _assert_same(_loop(plain, sender, receiver, prior, allowed), expected)


def test_the_loop_finds_separating_and_pooling_selections_and_none() -> None:
    """The random games cover every outcome, so the comparisons above bite."""
    sender, receiver, prior, allowed = _random_games(7, 400, 4, 3)
    kinds = _loop(_pbe_kernel.two_by_two_games, sender, receiver, prior, allowed)[2]
    assert {-1, 0, 1} <= set(kinds.tolist())


def test_the_loop_equals_the_numpy_kernel_on_pledge_games() -> None:
    """The pledge game of the headline grid: about a hundred messages, many
    near-ties from the sweep's parameters."""
    import kurilsim
    from kurilsim.kuril.pledge import pledge_tables

    scenario = kurilsim.load_scenario("2018-singapore")
    weight, credibility = np.meshgrid(np.linspace(0, 4, 9), np.linspace(0, 1, 9))
    values = {
        "japan.demand": np.repeat([2.0, 4.0], weight.size),
        "russia.security_weight": np.tile(weight.ravel(), 2),
        "russia.pledge_credibility": np.tile(credibility.ravel(), 2),
    }
    tables = pledge_tables(scenario, values=values)
    sender = np.ascontiguousarray(tables.sender)
    receiver = np.ascontiguousarray(tables.receiver)
    allowed = np.ones(sender.shape[:-1], dtype=bool)
    expected = pbe._select_two_by_two(sender, receiver, tables.prior, allowed, TOL)
    got = _loop(_pbe_kernel.two_by_two_games, sender, receiver,
                np.ascontiguousarray(tables.prior), allowed)
    _assert_same(got, expected)
    assert {0, 1} <= set(got[2].tolist())  # pooling and separating points


def test_select_pbe_gives_the_same_with_and_without_the_compiled_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("numba")
    sender, receiver, prior, allowed = _random_games(11, 1500, 5, 3)
    monkeypatch.setattr(pbe, "_compiled", False)  # the numpy kernel
    numpy_way = select_pbe(sender, receiver, prior, allowed=allowed)
    monkeypatch.setattr(pbe, "_compiled", None)  # looked up again: numba
    monkeypatch.delenv(DISABLE_NUMBA_ENV, raising=False)
    assert pbe._compiled_two_by_two() is not None
    compiled_way = select_pbe(sender, receiver, prior, allowed=allowed)
    _assert_same(tuple(compiled_way), tuple(numpy_way))


def test_the_environment_variable_keeps_select_pbe_on_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pbe, "_compiled", None)
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "1")
    assert pbe._compiled_two_by_two() is None
    monkeypatch.setattr(pbe, "_compiled", None)
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "0")
    assert (pbe._compiled_two_by_two() is not None) == _pbe_kernel.HAVE_NUMBA


# -- proposal games: each game reduced to its kept messages ------------------------------
def _proposal_games(
    seed: int, n: int, M: int, levels: int | None
) -> tuple[np.ndarray, ...]:
    """Random proposal games (a rejection pays a status quo), with ties if
    ``levels``, and random kept messages (message 0 always)."""
    rng = np.random.default_rng(seed)
    draw = (lambda *s: rng.random(s)) if levels is None else (
        lambda *s: rng.integers(0, levels, s).astype(float))
    accept_sender, accept_receiver = draw(n, 2, M), draw(n, 2, M)
    reject_sender, reject_receiver = draw(n), draw(n)
    first = rng.choice([0.0, 1.0, 0.5, 0.25, rng.random()], size=n)
    prior = np.stack([first, 1.0 - first], axis=-1)
    keep = rng.random((n, M)) < 0.6
    keep[:, 0] = True
    return accept_sender, accept_receiver, reject_sender, reject_receiver, prior, keep


def _reduced_reference(
    accept_sender: np.ndarray, accept_receiver: np.ndarray, reject_sender: np.ndarray,
    reject_receiver: np.ndarray, prior: np.ndarray, keep: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The numpy kernel on each game's reduced tables, mapped back."""
    n, _, M = accept_sender.shape
    sender = np.full((n, 2), -1, dtype=np.intp)
    receiver = np.full((n, M), -1, dtype=np.intp)
    kind = np.full(n, -1, dtype=np.intp)
    for g in range(n):
        kept = np.flatnonzero(keep[g])
        uS = np.stack([np.broadcast_to(accept_sender[g][:, kept], (2, kept.size)),
                       np.full((2, kept.size), reject_sender[g])], axis=-1)
        uR = np.stack([np.broadcast_to(accept_receiver[g][:, kept], (2, kept.size)),
                       np.full((2, kept.size), reject_receiver[g])], axis=-1)
        got = pbe._select_two_by_two(uS[None], uR[None], prior[g : g + 1],
                                     np.ones((1, 2, kept.size), dtype=bool), TOL)
        kind[g] = got[2][0]
        if kind[g] >= 0:
            sender[g] = kept[got[0][0]]
            receiver[g, kept] = got[1][0]
    return sender, receiver, kind


def _run_proposal(function: object, games: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    n, _, M = games[0].shape
    out = (
        np.full((n, 2), -7, dtype=np.intp),
        np.full((n, M), -7, dtype=np.intp),
        np.full(n, -7, dtype=np.intp),
    )
    *tables, prior, keep = games
    function(*tables, prior, keep, TOL, *out)  # type: ignore[operator]
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8), st.sampled_from([2, 3, None]))
def test_proposal_games_select_each_game_on_its_kept_messages(
    seed: int, M: int, levels: int | None
) -> None:
    games = _proposal_games(seed, 30, M, levels)
    expected = _reduced_reference(*games)
    _assert_same(_run_proposal(_pbe_kernel.proposal_games, games), expected)
    # and the batch entry point, both ways
    for compiled in (False, True):
        chosen = pbe._select_proposal_games(*games, tol=TOL, compiled=compiled)
        _assert_same(tuple(chosen), expected)
    # removed messages are marked, kept ones answered where a PBE exists
    got = _run_proposal(_pbe_kernel.proposal_games, games)
    solved = got[2] >= 0
    assert np.all((got[1] >= 0) == (games[-1] & solved[:, None]))


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.sampled_from([2, None]))
def test_the_plain_python_proposal_loop_gives_the_same(
    seed: int, M: int, levels: int | None
) -> None:
    """Without numba the same loop runs as Python (numba is optional)."""
    plain = getattr(_pbe_kernel.proposal_games, "py_func", _pbe_kernel.proposal_games)
    games = _proposal_games(seed, 6, M, levels)
    _assert_same(_run_proposal(plain, games), _reduced_reference(*games))


def test_proposal_games_cover_every_kind() -> None:
    games = _proposal_games(5, 400, 5, 3)
    kinds = _run_proposal(_pbe_kernel.proposal_games, games)[2]
    assert {-1, 0, 1} <= set(kinds.tolist())


def test_the_sort_is_stable_and_sorts_both_arrays_with_and_without_numpy() -> None:
    rng = np.random.default_rng(3)
    for size in (0, 1, 7, 40, 300):  # insertion sort, and numpy's merge sort above 128
        keys = rng.integers(0, 5, size).astype(float)
        items = np.arange(size, dtype=np.intp)
        expected = np.argsort(keys, kind="stable")
        plain = getattr(_pbe_kernel._sort_by, "py_func", _pbe_kernel._sort_by)
        for function in (_pbe_kernel._sort_by, plain):
            k, i = keys.copy(), items.copy()
            function(k, i, size)
            assert np.array_equal(i, expected)
            assert np.array_equal(k, keys[expected])
