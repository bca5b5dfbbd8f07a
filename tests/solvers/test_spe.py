"""Subgame-perfect equilibria by backward induction (kurilsim.solvers.spe)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kurilsim import (
    Chance,
    Decision,
    InvalidGameError,
    SequentialGame,
    SPEResult,
    Terminal,
    solve_spe,
    spe_outcomes,
)
from kurilsim.solvers.results import SolverResult
from kurilsim.solvers.spe import check_spe, strategy_values
from kurilsim.testing.invariants import check_spe as assert_subgame_perfect
from kurilsim.testing.strategies import sequential_games
from tests.bad_arguments import NAN, SPE, ULTIMATUM, Case, call, check_named, params


def ultimatum(pie: int = 2) -> SequentialGame:
    def respond(offer: int) -> Decision:
        return Decision(
            "responder",
            {
                "accept": Terminal((pie - offer, offer), outcome=offer),
                "reject": Terminal((0, 0), outcome="no deal"),
            },
        )

    return SequentialGame(
        Decision("proposer", {f"offer {k}": respond(k) for k in range(pie + 1)}),
        players=["proposer", "responder"],
    )


def entry_game() -> SequentialGame:
    """Selten's chain-store stage: the threat to fight is not credible."""
    return SequentialGame(
        Decision(
            "entrant",
            {
                "out": Terminal((0, 2), outcome="out"),
                "in": Decision(
                    "incumbent",
                    {
                        "fight": Terminal((-1, -1), outcome="fight"),
                        "accommodate": Terminal((1, 1), outcome="share"),
                    },
                ),
            },
        ),
        players=["entrant", "incumbent"],
    )


def centipede(rounds: int) -> SequentialGame:
    """Rosenthal's centipede: taking grows the pot by one each round."""

    def node(k: int) -> Decision | Terminal:
        if k == rounds:
            return Terminal((k + 1.0, k + 1.0), outcome="end")
        mover = k % 2
        take = [float(k), float(k)]
        take[mover] += 2.0
        return Decision(mover, {"take": Terminal(tuple(take), outcome=k), "pass": node(k + 1)})

    return SequentialGame(node(0), players=["A", "B"])


def test_ultimatum_spe_and_tie_break() -> None:
    game = ultimatum(2)
    first = solve_spe(game)
    assert [str(s) for s in first.path] == ["proposer: offer 0", "responder: accept"]
    np.testing.assert_array_equal(first.payoffs, [2.0, 0.0])
    assert first.regret == 0.0
    last = solve_spe(game, tie_break="last")
    # responder rejects the zero offer, so the proposer offers one
    assert [str(s) for s in last.path] == ["proposer: offer 1", "responder: accept"]
    np.testing.assert_array_equal(last.payoffs, [1.0, 1.0])
    outcomes = spe_outcomes(game)
    assert sorted(o.payoffs for o in outcomes) == [(1.0, 1.0), (2.0, 0.0)]


def test_entry_game_rejects_incredible_threat() -> None:
    game = entry_game()
    result = solve_spe(game)
    assert result.outcome == "share"
    np.testing.assert_array_equal(result.payoffs, [1.0, 1.0])
    # (out, fight) is a Nash equilibrium but not subgame perfect
    strategy = np.array(result.strategy)
    strategy[0] = game.actions[0].index("out")
    incumbent = int(game.decision_nodes[1])
    strategy[incumbent] = game.actions[incumbent].index("fight")
    assert check_spe(game, strategy) == pytest.approx(2.0)
    assert len(spe_outcomes(game)) == 1


@pytest.mark.parametrize("rounds", [1, 2, 5, 10])
def test_centipede_first_mover_takes(rounds: int) -> None:
    result = solve_spe(centipede(rounds))
    assert result.outcome == 0
    assert [s.action for s in result.path] == ["take"]
    np.testing.assert_array_equal(result.payoffs, [2.0, 0.0])
    # off the path everyone takes too (a complete strategy profile)
    for node in result.game.decision_nodes:
        assert result.action_at(int(node)) == "take"


def test_chance_nodes_average_and_path_lists_branches() -> None:
    game = SequentialGame(
        Chance(
            (
                ("high", 0.25, Decision(0, {"a": Terminal((4, 0), outcome="a"),
                                            "b": Terminal((1, 1), outcome="b")})),
                ("low", 0.75, Decision(0, {"a": Terminal((0, 0), outcome="a"),
                                           "b": Terminal((2, 2), outcome="b")})),
            )
        ),
        players=["p", "q"],
    )
    result = solve_spe(game)
    np.testing.assert_allclose(result.payoffs, [0.25 * 4 + 0.75 * 2, 0.75 * 2])
    assert result.outcomes == {"a": 0.25, "b": 0.75}
    assert str(result.path[0]) == "chance: high (p=0.25)"


def test_spe_outcomes_at_chance_nodes_mix_continuations() -> None:
    tie = Decision(0, {"x": Terminal((1, 0), outcome="x"), "y": Terminal((1, 5), outcome="y")})
    game = SequentialGame(
        Chance((("h", 0.5, tie), ("t", 0.5, Terminal((0, 0), outcome="z")))),
        players=["p", "q"],
    )
    payoffs = sorted(o.payoffs for o in spe_outcomes(game))
    assert payoffs == [(0.5, 0.0), (0.5, 2.5)]


def test_bad_arguments() -> None:
    game = entry_game()
    with pytest.raises(InvalidGameError, match="tie_break"):
        solve_spe(game, tie_break="random")  # type: ignore[arg-type]
    with pytest.raises(InvalidGameError, match="tol"):
        solve_spe(game, tol=-1)
    with pytest.raises(InvalidGameError, match="strategy needs one integer action index per node"):
        check_spe(game, np.zeros(2, dtype=np.intp))


# -- properties on random trees ------------------------------------------------------
@given(sequential_games(n_players=3))
def test_spe_is_certified_and_consistent(game: SequentialGame) -> None:
    result = solve_spe(game)
    assert result.regret <= 1e-9
    assert_subgame_perfect(game, result)
    np.testing.assert_allclose(strategy_values(game, result.strategy)[0], result.payoffs)
    assert sum(result.outcomes.values()) == pytest.approx(1.0)
    # the backward-induction equilibrium is one of all SPE outcomes
    assert any(
        np.allclose(outcome.payoffs, result.payoffs, atol=1e-9)
        for outcome in spe_outcomes(game)
    )


@given(sequential_games(n_players=2), st.floats(0.1, 10), st.floats(-5, 5), st.integers(0, 1))
def test_spe_invariant_under_positive_affine_transform(
    game: SequentialGame, scale: float, shift: float, player: int
) -> None:
    payoffs = game.payoffs[game.terminal_nodes].copy()
    column = payoffs[:, player].copy()
    payoffs[:, player] = scale * payoffs[:, player] + shift
    # float64 must still tell the payoffs apart (a shift by 1 erases 1e-302)
    order = np.sign(column[:, None] - column[None, :])
    new = payoffs[:, player]
    assume(np.array_equal(order, np.sign(new[:, None] - new[None, :])))
    transformed = game.with_payoffs(payoffs)
    before, after = solve_spe(game), solve_spe(transformed)
    if not before.ties and not after.ties:
        np.testing.assert_array_equal(before.strategy, after.strategy)
    before_set = {tuple(np.round(o.payoffs, 6)) for o in spe_outcomes(game)}
    mapped = set()
    for outcome in spe_outcomes(transformed):
        values = list(outcome.payoffs)
        values[player] = (values[player] - shift) / scale
        mapped.add(tuple(np.round(values, 6)))
    assert mapped == before_set


@settings(max_examples=40)
@given(sequential_games(n_players=2, integer=True))
def test_every_listed_spe_outcome_is_reached_by_some_tie_break(game: SequentialGame) -> None:
    outcomes = spe_outcomes(game)
    assert len(outcomes) >= 1
    for rule in ("first", "last"):
        payoffs = solve_spe(game, tie_break=rule).payoffs  # type: ignore[arg-type]
        assert any(np.allclose(o.payoffs, payoffs) for o in outcomes)
    if not solve_spe(game).ties:
        assert len(outcomes) == 1


# -- the result contract --------------------------------------------------------------
def test_spe_result_follows_the_contract() -> None:
    result = solve_spe(entry_game())
    assert isinstance(result, SPEResult)
    assert isinstance(result, SolverResult)
    assert result.method == "backward-induction"
    assert result.tol == 1e-12
    assert result.certificate == 0.0 <= result.tol
    assert result.message.startswith("subgame-perfect equilibrium by backward induction")
    assert "2 move(s)" in result.message
    assert "0 tie(s)" in result.message
    assert not hasattr(result, "_tol")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.certificate = 1.0  # type: ignore[misc]


def test_tol_is_kept_and_ties_within_it_are_certified() -> None:
    # the responder loses 1e-7 of its payoff range (1e6) by accepting
    game = SequentialGame(
        Decision("p", {"x": Decision("r", {"accept": Terminal((1.0, 1e6 - 0.1), outcome="a"),
                                           "reject": Terminal((0.0, 1e6), outcome="r")}),
                       "y": Terminal((0.0, 0.0), outcome="y")}),
        players=["p", "r"],
    )
    strict = solve_spe(game)
    assert strict.outcome == "r"
    assert strict.certificate == 0.0
    loose = solve_spe(game, tol=1e-6)
    assert loose.tol == 1e-6
    assert loose.outcome == "a"
    assert len(loose.ties) == 1
    # the certificate is relative (0.1 of a range of 1e6), regret absolute
    assert loose.regret == pytest.approx(0.1)
    assert loose.certificate == pytest.approx(1e-7)
    assert loose.certificate <= loose.tol
    assert "1 tie(s)" in loose.message


@given(sequential_games(n_players=2), st.sampled_from([0.0, 1e-12, 1e-3, 0.5]))
def test_certificate_is_within_tol(game: SequentialGame, tol: float) -> None:
    result = solve_spe(game, tol=tol)
    assert 0.0 <= result.certificate <= result.tol == tol
    scales = np.where(game.payoff_range > 0, game.payoff_range, 1.0)
    assert result.regret <= tol * float(scales.max()) * (1 + 1e-12)


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("solve_spe-game-str", call(solve_spe, "tree"),
     InvalidGameError, r"game must be a SequentialGame, got 'tree' \(str\)"),
    ("solve_spe-tie_break-array", call(solve_spe, ULTIMATUM, tie_break=np.array(["a", "b"])),
     InvalidGameError, r"tie_break must be one of 'first', 'last', got array"),
    ("solve_spe-tol-nan", call(solve_spe, ULTIMATUM, tol=NAN),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got nan"),
    ("check_spe-game-none", call(check_spe, None, SPE.strategy),
     InvalidGameError, r"game must be a SequentialGame, got None"),
    ("check_spe-strategy-str", call(check_spe, ULTIMATUM, ["x"] * ULTIMATUM.n_nodes),
     InvalidGameError, r"strategy needs one integer action index per node \(10\), got \['x'"),
    ("spe_outcomes-game-int", call(spe_outcomes, 3),
     InvalidGameError, r"game must be a SequentialGame, got 3 \(int\)"),
    ("spe_outcomes-limit-str", call(spe_outcomes, ULTIMATUM, limit="many"),
     InvalidGameError, r"limit must be an integer >= 1, got 'many' \(str\)"),
    ("spe_outcomes-limit-nan", call(spe_outcomes, ULTIMATUM, limit=NAN),
     InvalidGameError, r"limit must be an integer >= 1, got nan"),
    ("action_at-node-str", call(SPE.action_at, "root"),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 'root' \(str\)"),
    ("action_at-node-true", call(SPE.action_at, True),
     InvalidGameError, r"node must be an integer .* got True \(bool\)"),
    ("action_at-node-out-of-range", call(SPE.action_at, 10),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 10"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


def test_valid_values_near_the_edges_still_work() -> None:
    assert solve_spe(ULTIMATUM, tol=0).payoffs.tolist() == [2.0, 0.0]
    assert SPE.action_at(0) == "offer 0"
