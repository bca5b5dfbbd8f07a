"""solve_nash's table of methods: dispatch, the result contract, unused options."""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from kurilsim import (
    InvalidArgumentError,
    KurilsimWarning,
    NormalFormGame,
    UnusedOptionWarning,
    solve_nash,
)
from kurilsim.solvers.nash import (
    EXACT_METHODS,
    EXACT_STEP,
    METHODS,
    NASH_METHODS,
    OPTIONS,
    Candidates,
    Cost,
    NashMethod,
    Options,
    estimate_cost,
)
from kurilsim.solvers.results import SolverResult

BATTLE = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
PENNIES = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
THREE = NormalFormGame(
    [np.random.default_rng(3).standard_normal((2, 2, 2)) for _ in range(3)]
)
#: A game each method applies to (``"lp"`` needs a zero-sum game).
GAME_FOR = {name: PENNIES if name == "lp" else BATTLE for name in NASH_METHODS}
#: Values of the method-specific options that the game above accepts.
VALUES = {"initial_label": 1, "max_pivots": 100}


def test_the_table_is_the_method_list() -> None:
    assert list(METHODS) == list(NASH_METHODS)
    assert set(EXACT_METHODS) == {n for n, spec in NASH_METHODS.items() if spec.exact}
    for name, spec in NASH_METHODS.items():
        assert isinstance(spec, NashMethod)
        assert spec.name == name
        assert METHODS[name] == spec.description
        assert spec.description
        assert "\n" not in spec.description
        assert spec.options <= set(OPTIONS)
        assert (spec.kernel is None) == (name == "auto")
        assert spec.for_two_players is None or spec.for_two_players in NASH_METHODS
    # every option is used by some method
    assert {o for spec in NASH_METHODS.values() for o in spec.options} == set(OPTIONS)


def test_table_records_are_frozen() -> None:
    spec = NASH_METHODS["vertex"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        NASH_METHODS["mine"] = spec  # type: ignore[index]


@pytest.mark.parametrize("name", sorted(NASH_METHODS))
def test_every_method_is_reachable(name: str) -> None:
    game = GAME_FOR[name]
    result = solve_nash(game, name)
    expected = {"auto": "vertex", "enumerate": "vertex"}.get(name, name)
    assert result.method == expected
    assert result.equilibria


@pytest.mark.parametrize("name", sorted(NASH_METHODS))
def test_every_method_documented_in_solve_nash(name: str) -> None:
    assert f'``"{name}"``' in (solve_nash.__doc__ or "")


def test_unknown_method_lists_every_method() -> None:
    with pytest.raises(InvalidArgumentError, match="method must be one of") as info:
        solve_nash(BATTLE, "simplex")
    for name in NASH_METHODS:
        assert repr(name) in str(info.value)
    assert "'simplex'" in str(info.value)


@pytest.mark.parametrize(
    ("name", "game"),
    [(n, GAME_FOR[n]) for n in NASH_METHODS] + [("enumerate", THREE), ("logit", THREE)],
)
def test_every_result_follows_the_contract(name: str, game: NormalFormGame) -> None:
    result = solve_nash(game, name)
    assert isinstance(result, SolverResult)
    assert isinstance(result.certificate, float)
    assert 0.0 <= result.certificate <= result.tol == 1e-9
    assert isinstance(result.message, str)
    assert result.message
    assert "\n" not in result.message
    assert result.method in NASH_METHODS
    assert result.method != "auto"
    # the certificate is the largest relative gain of a returned equilibrium
    largest = max(
        float(np.max(game.gains(eq.strategies) / game.payoff_ranges))
        for eq in result.equilibria
    )
    assert result.certificate == pytest.approx(largest, abs=1e-15)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.certificate = 1.0  # type: ignore[misc]


def test_certificate_is_relative_to_each_players_payoff_range() -> None:
    # scaling one player's payoffs scales its gains but not the certificate
    rng = np.random.default_rng(7)
    A, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    small = solve_nash(NormalFormGame([A, B]), "lemke-howson")
    large = solve_nash(NormalFormGame([1e6 * A, B]), "lemke-howson")
    assert large.certificate <= large.tol
    assert large.certificate == pytest.approx(small.certificate, abs=1e-14)


@pytest.mark.parametrize("name", list(EXACT_METHODS))
def test_exact_results_follow_the_contract(name: str) -> None:
    result = solve_nash(BATTLE, name, exact=True)
    assert isinstance(result, SolverResult)
    assert result.certificate == 0.0 == result.tol
    assert "exact" in result.message


def test_a_result_without_equilibria_has_certificate_zero() -> None:
    result = solve_nash(PENNIES, "pure")
    assert result.equilibria == ()
    assert result.certificate == 0.0
    assert result.complete


def test_success_is_gone_with_an_explanation() -> None:
    result = solve_nash(BATTLE)
    with pytest.raises(AttributeError, match=r"success was removed.*certificate <= tol"):
        _ = result.success
    assert not hasattr(result, "success")
    assert "success" not in repr(result)


@pytest.mark.parametrize(
    ("option", "method"),
    [
        (option, name)
        for option in OPTIONS
        for name, spec in NASH_METHODS.items()
        if option not in spec.options and name != "auto"
    ],
)
def test_an_option_the_method_does_not_use_warns(option: str, method: str) -> None:
    game = GAME_FOR[method]
    users = [n for n, spec in NASH_METHODS.items() if option in spec.options]
    with pytest.warns(UnusedOptionWarning) as record:
        result = solve_nash(game, method, **{option: VALUES[option]})  # type: ignore[arg-type]
    (warning,) = record
    text = str(warning.message)
    assert f"option {option}={VALUES[option]}" in text
    assert f"method {result.method!r}" in text
    for user in users:
        assert repr(user) in text
    assert warning.filename == __file__  # points at the caller
    # and the option is ignored: the same result as without it
    assert result.equilibria == solve_nash(game, method).equilibria


def test_auto_names_the_method_it_chose() -> None:
    with pytest.warns(UnusedOptionWarning, match=r"method 'vertex' \(chosen for method='auto'\)"):
        solve_nash(BATTLE, initial_label=1)
    with pytest.warns(UnusedOptionWarning, match=r"method 'enumerate' \(chosen for method='auto'\)"):
        solve_nash(THREE, max_pivots=5)


def test_an_unused_option_is_not_validated() -> None:
    # ignored, so a value that lemke-howson would refuse only warns
    with pytest.warns(UnusedOptionWarning, match="initial_label=99"):
        solve_nash(BATTLE, "vertex", initial_label=99)


def test_unused_option_warning_is_a_kurilsim_warning() -> None:
    assert issubclass(UnusedOptionWarning, KurilsimWarning)
    assert issubclass(UnusedOptionWarning, UserWarning)


@pytest.mark.parametrize("option", OPTIONS)
def test_no_warning_where_the_option_applies(option: str) -> None:
    users = [n for n, spec in NASH_METHODS.items() if option in spec.options]
    assert users
    for method in users:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = solve_nash(GAME_FOR[method], method, **{option: VALUES[option]})  # type: ignore[arg-type]
        assert result.method == method


def test_the_options_reach_the_kernel() -> None:
    # labels 0 and 1 of battle of the sexes lead to different equilibria
    ends = {
        solve_nash(BATTLE, "lemke-howson", initial_label=k).equilibria[0].support
        for k in range(4)
    }
    assert len(ends) == 2
    with pytest.raises(Exception, match="max_pivots=1"):
        solve_nash(NormalFormGame([np.eye(4), np.eye(4)[::-1]]), "lemke-howson", max_pivots=1)


def test_options_record_defaults() -> None:
    options = Options(tol=1e-9)
    assert options.initial_label == 0
    assert options.max_pivots == 1_000_000
    assert math.isfinite(options.max_work)


@pytest.mark.parametrize("name", [n for n in NASH_METHODS if n != "auto"])
def test_every_kernel_returns_candidates(name: str) -> None:
    spec = NASH_METHODS[name]
    game = THREE if spec.max_players is None and name != "pure" else GAME_FOR[name]
    assert spec.kernel is not None
    found = spec.kernel(game, Options(tol=1e-9))
    assert isinstance(found, Candidates)
    assert len(found.blocks) == game.n_players
    assert len({len(b) for b in found.blocks}) == 1
    for block, m in zip(found.blocks, game.shape, strict=True):
        assert np.shape(block)[1] == m
    assert isinstance(found.summary(1), str)
    # a method that returns one candidate says where it came from
    assert bool(found.origin) == (name in ("lemke-howson", "lp", "logit"))


def test_the_method_type_lists_the_table() -> None:
    from typing import get_args

    from kurilsim.solvers import nash

    assert set(get_args(nash.Method)) == set(NASH_METHODS)


# ------------------------------------------- what the table says, per method


def test_every_method_has_an_estimate_or_chooses_another() -> None:
    for name, spec in NASH_METHODS.items():
        if spec.choose is None:
            assert spec.kernel is not None, name
            assert callable(spec.estimate), name
        else:
            assert spec.kernel is None, name
            assert spec.estimate is None, name


@pytest.mark.parametrize("name", list(NASH_METHODS))
def test_estimate_cost_dispatches_through_the_table(name: str) -> None:
    spec = NASH_METHODS[name]
    for game in (BATTLE, THREE):
        if not spec.supports(game.n_players):
            continue
        chosen = spec if spec.choose is None else NASH_METHODS[spec.choose(game)]
        assert chosen.estimate is not None
        cost = estimate_cost(game, name)
        assert isinstance(cost, Cost)
        assert cost == chosen.estimate(game)
        assert cost.memory > 0
        assert cost.work > 0
        assert cost.what
        exact = estimate_cost(game, name, exact=True)
        assert exact.work == cost.work * EXACT_STEP
        assert exact.memory == cost.memory * 10.0


def test_a_method_without_an_estimate_is_refused() -> None:
    spec = NASH_METHODS["vertex"]
    with pytest.raises(InvalidArgumentError, match="needs a kernel and an estimate"):
        dataclasses.replace(spec, estimate=None)
    with pytest.raises(InvalidArgumentError, match="needs a kernel and an estimate"):
        dataclasses.replace(NASH_METHODS["auto"], estimate=spec.estimate)


def test_exact_methods_come_from_the_exact_kernels() -> None:
    kernels = {n for n, spec in NASH_METHODS.items() if spec.exact_kernel is not None}
    assert kernels == {"pure", "vertex", "support", "lemke-howson"}
    choosing = {n for n, spec in NASH_METHODS.items() if spec.choose is not None}
    assert set(EXACT_METHODS) == kernels | choosing
    # a choosing method picks, for two players, a method with an exact kernel
    for name in choosing:
        choice = NASH_METHODS[name].choose
        assert choice is not None
        assert NASH_METHODS[choice(BATTLE)].exact_kernel is not None
    with pytest.raises(InvalidArgumentError) as info:
        solve_nash(BATTLE, "lp", exact=True)
    assert f"exact=True supports methods {list(EXACT_METHODS)}, got 'lp'" in str(info.value)


def test_the_docstrings_are_written_from_the_table() -> None:
    doc = solve_nash.__doc__ or ""
    assert "{" not in doc.split("Examples")[0]  # every placeholder filled
    positions = [doc.index(f'* ``"{name}"``: ') for name in NASH_METHODS]
    assert positions == sorted(positions)  # in the table's order
    for spec in NASH_METHODS.values():
        assert " ".join(spec.details.split()) in " ".join(doc.split())
    estimates = " ".join((estimate_cost.__doc__ or "").split())
    for name, spec in NASH_METHODS.items():
        assert (f'* ``"{name}"``: ' in estimates) == (spec.estimate is not None)


def test_the_how_to_table_lists_every_method() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "choose-a-solver.md"
    rows = {}
    for line in page.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].startswith('`"'):
            rows[cells[2].strip('`"')] = cells[1]
    assert set(rows) == {n for n, spec in NASH_METHODS.items() if spec.choose is None}
    for name, players in rows.items():
        limit = NASH_METHODS[name].max_players
        assert players == ("any" if limit is None else str(limit))
