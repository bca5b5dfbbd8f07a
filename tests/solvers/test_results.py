"""Result types and certification (kurilsim.solvers.results)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from kurilsim import Equilibrium, NashResult, NormalFormGame, PrecisionError
from kurilsim.solvers.results import (
    SolverResult,
    certify,
    certify_blocks,
    certify_candidates,
    certify_exact,
    check_resolution,
)

COORDINATION = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])


def test_solver_result_is_a_runtime_protocol() -> None:
    @dataclasses.dataclass(frozen=True)
    class Mine:
        certificate: float
        tol: float
        message: str
        method: str

    assert isinstance(Mine(0.0, 1e-9, "ok", "mine"), SolverResult)
    assert not isinstance(object(), SolverResult)

    @dataclasses.dataclass(frozen=True)
    class Incomplete:
        certificate: float
        tol: float

    assert not isinstance(Incomplete(0.0, 1e-9), SolverResult)


def test_nash_result_satisfies_the_protocol() -> None:
    result = NashResult(
        (),
        method="pure",
        tol=1e-9,
        certificate=0.0,
        payoff_range=1.0,
        message="none",
        complete=True,
    )
    assert isinstance(result, SolverResult)
    assert len(result) == 0
    assert result.max_regret == 0.0
    assert "certificate=0" in repr(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.tol = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):  # the certificate cannot be left out
        NashResult((), method="pure", tol=1e-9, payoff_range=1.0, message="", complete=True)  # type: ignore[call-arg]


def test_certify_candidates_keeps_equilibria_and_reports_the_relative_gain() -> None:
    rows = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    cols = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    kept, n_candidates, n_rejected, certificate = certify_candidates(
        COORDINATION, [rows, cols], tol=1e-9
    )
    # (T, L) is an equilibrium; (mix, L): the row player gains 0.5; (B, mix)
    # the column player gains 0.5
    assert [eq.support for eq in kept] == [((0,), (0,))]
    assert (n_candidates, n_rejected, certificate) == (3, 2, 0.0)
    # with a loose tolerance the others are kept, and the certificate is
    # their largest gain over the payoff range (1)
    kept, _, n_rejected, certificate = certify_candidates(
        COORDINATION, [rows, cols], tol=0.6
    )
    assert (len(kept), n_rejected) == (3, 0)
    assert certificate == pytest.approx(0.5)
    assert certificate == pytest.approx(max(eq.regret for eq in kept))


def test_certificate_divides_by_each_players_own_range() -> None:
    game = NormalFormGame([[[10, 0], [0, 10]], [[1, 0], [0, 1]]])
    # the column player gains 0.5 of its range, the row player nothing
    _, _, _, certificate = certify_candidates(
        game, [np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])], tol=0.6
    )
    assert certificate == pytest.approx(0.5)


def test_certify_and_certify_blocks_agree_with_certify_candidates() -> None:
    rows = np.array([[1.0, 0.0], [0.0, 1.0]])
    cols = np.array([[1.0, 0.0], [0.0, 1.0]])
    full = certify_candidates(COORDINATION, [rows, cols], tol=1e-9)
    assert certify_blocks(COORDINATION, [rows, cols], tol=1e-9) == full[:3]
    assert certify(COORDINATION, zip(rows, cols, strict=True), tol=1e-9) == full[:3]
    assert certify(COORDINATION, [], tol=1e-9) == ((), 0, 0)
    empty = np.zeros((0, 2))
    assert certify_candidates(COORDINATION, [empty, empty], tol=1e-9) == ((), 0, 0, 0.0)


def test_certify_merges_duplicates_and_orders_the_result() -> None:
    rows = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1e-12]])
    cols = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    kept, n_candidates, _, _ = certify_candidates(COORDINATION, [rows, cols], tol=1e-9)
    assert n_candidates == 3
    assert [eq.support for eq in kept] == [((0,), (0,)), ((1,), (1,))]
    assert all(isinstance(eq, Equilibrium) for eq in kept)
    assert not kept[0].strategies[0].flags.writeable


def test_certify_exact_is_exact() -> None:
    half = Fraction(1, 2)
    kept, rejected = certify_exact(
        COORDINATION, [((half, half), (half, half)), ((1, 0), (0, 1))]
    )
    assert rejected == 1
    (eq,) = kept
    assert eq.regret == 0
    assert eq.strategies[0].tolist() == [half, half]


def test_check_resolution_refuses_what_float64_cannot_resolve() -> None:
    check_resolution(COORDINATION, 1e-9, method="vertex")  # fine
    big = float(2**63)
    huge = NormalFormGame([[[big, 0], [big + 2048, 1]], [[0, 1], [1, 0]]])
    with pytest.raises(PrecisionError, match="differ by only"):
        check_resolution(huge, 1e-9, method="vertex")


def test_labelled_refuses_a_game_it_does_not_belong_to() -> None:
    from kurilsim import InvalidGameError, NormalFormGame, solve_nash

    pd = NormalFormGame([[3, 0], [5, 1]], [[3, 5], [0, 1]],
                        strategies=[["C", "D"], ["C", "D"]])
    equilibrium = solve_nash(pd).equilibria[0]
    assert "D: 1" in repr(equilibrium.labelled(pd))
    with pytest.raises(InvalidGameError, match="needs the NormalFormGame"):
        equilibrium.labelled(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match=r"shape \(3, 3\) for an equilibrium of "
                       r"shape \(2, 2\)"):
        equilibrium.labelled(NormalFormGame([np.ones((3, 3)), np.ones((3, 3))]))


# -- the notebook view (issue 19) -------------------------------------------------------
BATTLE = NormalFormGame([[3, 0], [0, 1]], [[1, 0], [0, 3]],
                        strategies=[["<Opera>", "Fight"], ["Opera", "Fight"]])


def test_nash_result_html_lists_every_equilibrium_by_player() -> None:
    from kurilsim import solve_nash
    from tests.test_html import parse_view

    result = solve_nash(BATTLE)
    found = parse_view(result._repr_html_())
    assert len(result) == 3
    assert found.tags.count("tr") == 1 + 2 * 3  # the header, a row per player
    assert "s0: 0.75, s1: 0.25" in found.cells  # the mixed one, player 0
    assert "s0: 0.25, s1: 0.75" in found.cells
    assert "3 Nash equilibria" in found.text
    assert result.message in found.text


def test_exact_equilibria_show_as_fractions() -> None:
    from kurilsim import solve_nash
    from tests.test_html import parse_view

    found = parse_view(solve_nash(BATTLE, exact=True)._repr_html_())
    assert "s0: 3/4, s1: 1/4" in found.cells
    assert "3/4" in found.cells  # the payoff


def test_equilibrium_html_shows_its_labels_escaped() -> None:
    from kurilsim import solve_nash
    from tests.test_html import parse_view

    equilibrium = solve_nash(BATTLE)[0].labelled(BATTLE)
    markup = equilibrium._repr_html_()
    found = parse_view(markup)
    assert "<Opera>: 1" in found.cells  # as text
    assert "&lt;Opera&gt;" in markup
    assert found.text.startswith("pure equilibrium, regret 0")


def test_a_wide_support_is_cut_to_eight_strategies_in_html() -> None:
    from tests.test_html import parse_view

    uniform = np.full(10, 0.1)
    equilibrium = Equilibrium((uniform, uniform), payoffs=np.zeros(2), regret=0.0)
    found = parse_view(equilibrium._repr_html_())
    assert found.cells[4] == ", ".join(f"s{k}: 0.1" for k in range(8)) + ", ... (+2)"
    assert found.text.startswith("mixed equilibrium")
