"""solve_nash on extensive-form games: lcp, vertex, enumerate, logit, auto."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kurilsim import (
    ExtensiveFormGame,
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
    SequentialGame,
    SolverError,
    UnusedOptionWarning,
    solve_nash,
    solve_spe,
)
from kurilsim.games.extensive import Chance, Choice, Terminal
from kurilsim.games.sequential import Decision
from kurilsim.solvers.extensive import (
    BehaviourEquilibrium,
    ExtensiveNashResult,
    agent_logit_kernel,
    solve_extensive,
)
from kurilsim.solvers.results import SolverResult

# ------------------------------------------------------------------ games


def mixed_tree(scale: float = 1.0) -> ExtensiveFormGame:
    """Player 1 takes L (payoffs 1, 0) or R; after R player 2 chooses c or d
    and player 1, not seeing it, chooses l or r.  The unique equilibrium
    (by hand): player 2 plays c with 2/5 (3q = 2(1 - q)), player 1 plays R
    and then l with 1/3 (1 - p = 2p); payoffs (6/5, 2/3)."""

    def t(a: float, b: float) -> Terminal:
        return Terminal((a * scale, b * scale))

    def second(c_or_d: tuple[Terminal, Terminal]) -> Choice:
        return Choice("one", "after R", [("l", c_or_d[0]), ("r", c_or_d[1])])

    return ExtensiveFormGame(
        Choice("one", "start", [
            ("L", t(1, 0)),
            ("R", Choice("two", "reply", [
                ("c", second((t(3, 0), t(0, 1)))),
                ("d", second((t(0, 2), t(2, 0)))),
            ])),
        ]),
        players=["one", "two"],
    )


MIXED_PROFILE = ([0.0, 1.0], [0.4, 0.6], [1 / 3, 2 / 3])


def random_tree(
    rng: np.random.Generator, *, n_players: int = 2, depth: int = 4, integer: bool = False
) -> ExtensiveFormGame:
    """A random tree with perfect recall: a player's set at a node is keyed by
    her own history of (set, action) pairs and a signal of the last move, so
    nodes of one set share the player's own history."""

    def pay() -> tuple[float, ...]:
        if integer:
            return tuple(float(v) for v in rng.integers(0, 3, n_players))
        return tuple(float(v) for v in rng.normal(size=n_players))

    def build(d: int, hist: tuple[tuple[object, ...], ...], signal: int) -> object:
        u = rng.random()
        if d == 0 or (d < depth and u < 0.25):
            return Terminal(pay())
        if u < 0.4:
            k = int(rng.integers(2, 4))
            probs = rng.dirichlet(np.ones(k))
            probs /= probs.sum()
            return Chance([
                (f"c{j}", float(probs[j]), build(d - 1, hist, j % 2)) for j in range(k)
            ])
        player = int(rng.integers(n_players))
        key = (hist[player], signal)
        n_actions = 2 + len(hist[player]) % 2
        moves = []
        for a in range(n_actions):
            new = list(hist)
            new[player] = (*hist[player], (key, a))
            moves.append((f"a{a}", build(d - 1, tuple(new), a % 2)))
        return Choice(player, key, moves)

    while True:
        root = build(depth, tuple(() for _ in range(n_players)), 0)
        if isinstance(root, Terminal):
            continue
        game = ExtensiveFormGame(root, players=[f"p{i}" for i in range(n_players)])  # type: ignore[arg-type]
        if all(game.player_infosets(i) for i in range(n_players)):
            return game


def plans(game: ExtensiveFormGame, profile: tuple[np.ndarray, ...]) -> np.ndarray:
    return np.concatenate(game.realisation_from_behaviour(profile))


# -------------------------------------------------------- known equilibria
@pytest.mark.parametrize("method", ["lcp", "vertex", "enumerate", "logit", "auto"])
def test_unique_mixed_equilibrium_by_hand(method: str) -> None:
    game = mixed_tree()
    result = solve_nash(game, method)
    assert isinstance(result, ExtensiveNashResult)
    assert isinstance(result, SolverResult)
    assert len(result) == 1
    eq = result[0]
    assert isinstance(eq, BehaviourEquilibrium)
    assert eq.isclose(tuple(np.array(p) for p in MIXED_PROFILE), atol=1e-8)
    np.testing.assert_allclose(eq.payoffs, [6 / 5, 2 / 3], atol=1e-9)
    assert result.certificate <= result.tol
    assert eq.regret <= 1e-9 * 3
    assert not eq.is_pure
    assert result.game is game


def test_exact_lcp_and_vertex() -> None:
    game = mixed_tree()
    for method in ("lcp", "vertex"):
        result = solve_nash(game, method, exact=True)
        assert result[0].isclose(tuple(np.array(p) for p in MIXED_PROFILE), atol=1e-15)


def test_battle_of_the_sexes_in_extensive_form() -> None:
    def two(left: tuple[int, int], right: tuple[int, int]) -> Choice:
        return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])

    game = ExtensiveFormGame(
        Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        players=["A", "B"],
    )
    everything = solve_nash(game, "vertex")
    assert everything.complete
    assert sorted(tuple(e.payoffs.round(9)) for e in everything) == [
        (0.75, 0.75), (1.0, 3.0), (3.0, 1.0)
    ]
    assert solve_extensive(game, all_equilibria=True).method == "vertex"
    one = solve_nash(game)
    assert one.method == "lcp"
    assert not one.complete


# ------------------------------------------------------- random two-player trees
@settings(max_examples=25)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4))
def test_lcp_equilibrium_is_among_vertex_equilibria(seed: int, depth: int) -> None:
    game = random_tree(np.random.default_rng(seed), depth=depth)
    assume(np.prod(game.reduced_strategic_form().shape) <= 150)
    lcp = solve_nash(game, "lcp")
    vertex = solve_nash(game, "vertex")
    assert lcp.certificate <= 1e-9
    assert vertex.certificate <= 1e-9
    mine = plans(game, lcp[0].profile)
    # Lemke's end point lies in the equilibrium set 'vertex' describes by its
    # extreme points: on generic trees it is one of them, and where the tree
    # makes the game degenerate (a player indifferent along a segment) it is a
    # convex combination of extreme equilibria with its payoffs (compared as
    # realisation plans: behaviour at sets a player's own plan avoids is
    # immaterial)
    same = [plans(game, e.profile) for e in vertex
            if np.allclose(e.payoffs, lcp[0].payoffs, atol=1e-7)]
    assert same
    points = np.array(same).T  # plan entries x extreme equilibria
    mix = linprog(
        np.zeros(points.shape[1]),
        A_eq=np.vstack([points, np.ones(points.shape[1])]),
        b_eq=np.append(mine, 1.0), bounds=(0, None), method="highs",
    )
    assert mix.status == 0, "Lemke's equilibrium is outside the extreme equilibria's hull"
    # the behaviour equilibria have the payoffs of the strategic-form ones
    rsf = solve_nash(game.reduced_strategic_form(), "vertex")
    theirs = sorted(tuple(e.payoffs.round(7)) for e in rsf)
    ours = sorted(tuple(e.payoffs.round(7)) for e in vertex)
    assert set(ours) == set(theirs)
    for eq in vertex:
        np.testing.assert_allclose(eq.payoffs, game.expected_payoffs(eq.profile), atol=1e-12)


@settings(max_examples=20)
@given(st.integers(0, 2**32 - 1))
def test_lcp_on_degenerate_trees(seed: int) -> None:
    # integer payoffs in {0, 1, 2}: many ties; the certificate must still hold
    game = random_tree(np.random.default_rng(seed), depth=4, integer=True)
    result = solve_nash(game, "lcp")
    assert result.certificate <= result.tol
    relative = game.regret(result[0].profile) / np.maximum(game.payoff_ranges, 1e-300)
    assert relative.max() <= 1e-9


@pytest.mark.parametrize("factor", [1e-3, 1e4])
@pytest.mark.parametrize("method", ["lcp", "logit"])
def test_payoff_scaling_invariance(method: str, factor: float) -> None:
    base = solve_nash(mixed_tree(), method)[0]
    scaled = solve_nash(mixed_tree(factor), method)[0]
    assert scaled.isclose(base, atol=1e-8)
    np.testing.assert_allclose(scaled.payoffs, base.payoffs * factor, rtol=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_logit_on_random_trees(seed: int) -> None:
    game = random_tree(np.random.default_rng(100 + seed), depth=3)
    result = solve_nash(game, "logit")
    assert result.certificate <= result.tol
    # its payoffs lie within those of the strategic form's equilibria hull
    # is not guaranteed; what is: it is an equilibrium (certified on the tree)
    relative = game.regret(result[0].profile) / np.maximum(game.payoff_ranges, 1e-300)
    assert relative.max() <= 1e-9


# ------------------------------------------------- perfect-information trees
def entry_game() -> SequentialGame:
    return SequentialGame(
        Decision("entrant", [
            ("out", Terminal((1.0, 3.0))),
            ("in", Decision("incumbent", [
                ("fight", Terminal((-1.0, 0.0))),
                ("share", Terminal((2.0, 1.0))),
            ])),
        ]),
        players=("entrant", "incumbent"),
    )


def test_perfect_information_spe_through_both_routes() -> None:
    sequential = entry_game()
    game = ExtensiveFormGame.from_sequential(sequential)
    spe = solve_spe(sequential)
    spe_payoffs = np.asarray(spe.payoffs, dtype=float)
    vertex = solve_nash(game, "vertex")
    assert any(np.allclose(e.payoffs, spe_payoffs) for e in vertex)
    # the Nash equilibrium (out, fight) is not subgame perfect, and is found too
    assert any(np.allclose(e.payoffs, [1.0, 3.0]) for e in vertex)
    # the logit limit is subgame perfect in a generic perfect-information game
    logit = solve_nash(game, "logit")
    np.testing.assert_allclose(logit[0].payoffs, spe_payoffs, atol=1e-9)
    assert logit[0].is_pure


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1))
def test_logit_limit_is_subgame_perfect_on_random_perfect_information_trees(seed: int) -> None:
    rng = np.random.default_rng(seed)

    def build(d: int) -> object:
        if d == 0 or rng.random() < 0.2:
            return Terminal(tuple(float(v) for v in rng.normal(size=2)))
        player = ("a", "b")[int(rng.integers(2))]
        return Decision(player, [(f"m{k}", build(d - 1)) for k in range(2)])

    root = build(3)
    if isinstance(root, Terminal):
        root = Decision("a", [("x", root), ("y", Terminal((0.0, 0.0)))])
    sequential = SequentialGame(root, players=("a", "b"))  # type: ignore[arg-type]
    game = ExtensiveFormGame.from_sequential(sequential)
    spe_payoffs = np.asarray(solve_spe(sequential).payoffs, dtype=float)
    logit = solve_nash(game, "logit")
    np.testing.assert_allclose(logit[0].payoffs, spe_payoffs, atol=1e-8)
    assume(np.prod(game.reduced_strategic_form().shape) <= 150)
    assert any(np.allclose(e.payoffs, spe_payoffs) for e in solve_nash(game, "vertex"))


# ------------------------------------------------------------- n players
def three_player_tree() -> ExtensiveFormGame:
    """Selten's horse: 1 chooses C or D; after C, 2 chooses c or d; 3 moves
    at one set after D or (C, d) without knowing which (payoffs of Selten
    1975, figure 1)."""
    def three(left: tuple[int, int, int], right: tuple[int, int, int]) -> Choice:
        return Choice("3", "3", [("L", Terminal(left)), ("R", Terminal(right))])

    return ExtensiveFormGame(
        Choice("1", "1", [
            ("C", Choice("2", "2", [
                ("c", Terminal((1, 1, 1))),
                ("d", three((4, 4, 0), (1, 1, 1))),
            ])),
            ("D", three((3, 2, 2), (0, 0, 0))),
        ]),
        players=["1", "2", "3"],
    )


def test_three_players_enumerate_and_logit() -> None:
    game = three_player_tree()
    everything = solve_nash(game, "enumerate")
    assert everything.method == "enumerate"
    assert len(everything) >= 1
    for eq in everything:
        assert (game.regret(eq.profile) <= 1e-9 * game.payoff_ranges).all()
    logit = solve_nash(game, "logit")
    assert logit.method == "logit"
    assert solve_nash(game).method == "logit"
    # the agent QRE limit is sequentially rational: here (C, c) with 3
    # playing R with probability at least 3/4 (Selten's perfect equilibrium)
    eq = logit[0]
    np.testing.assert_allclose(eq.payoffs, [1.0, 1.0, 1.0], atol=1e-8)
    assert eq.profile[0][0] == pytest.approx(1.0)


def test_agent_logit_kernel_reports_lambda() -> None:
    profile, info = agent_logit_kernel(mixed_tree())
    assert info["lam"] > 0
    assert info["steps"] > 0
    np.testing.assert_allclose(profile[1], [0.4, 0.6], atol=1e-8)


# ------------------------------------------------------------------ errors
def test_two_player_methods_refuse_three_players() -> None:
    game = three_player_tree()
    for method in ("lcp", "vertex"):
        with pytest.raises(InvalidGameError, match="two-player"):
            solve_nash(game, method)


def test_bad_arguments() -> None:
    game = mixed_tree()
    with pytest.raises(InvalidArgumentError, match="must be one of"):
        solve_nash(game, "support")
    with pytest.raises(InvalidArgumentError, match="tol"):
        solve_nash(game, tol=0.0)
    with pytest.raises(InvalidArgumentError, match="exact=True"):
        solve_nash(game, "logit", exact=True)
    with pytest.raises(InvalidArgumentError, match="max_pivots"):
        solve_nash(game, "lcp", max_pivots=0)
    with pytest.raises(InvalidArgumentError, match="max_memory"):
        solve_nash(game, max_memory=-1)
    with pytest.raises(InvalidGameError, match="ExtensiveFormGame"):
        solve_extensive([[1, 2]])  # type: ignore[arg-type]


def test_unused_options_warn() -> None:
    game = mixed_tree()
    with pytest.warns(UnusedOptionWarning, match="initial_label"):
        solve_nash(game, "lcp", initial_label=0)
    with pytest.warns(UnusedOptionWarning, match="max_pivots"):
        solve_nash(game, "vertex", max_pivots=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solve_nash(game, "lcp", max_pivots=10)


def test_lcp_pivot_limit() -> None:
    with pytest.raises(SolverError, match="max_pivots=1"):
        solve_nash(mixed_tree(), "lcp", max_pivots=1)


def test_chance_moves_weigh_payoffs() -> None:
    # chance picks the matrix; player 2 does not see it, player 1 does
    game = ExtensiveFormGame(
        Chance([
            ("h", 0.5, Choice("1", "h", [
                ("a", Choice("2", "x", [("l", Terminal((2, 0))), ("r", Terminal((0, 1)))])),
                ("b", Choice("2", "x", [("l", Terminal((0, 1))), ("r", Terminal((1, 0)))])),
            ])),
            ("t", 0.5, Choice("1", "t", [
                ("a", Choice("2", "x", [("l", Terminal((0, 1))), ("r", Terminal((2, 0)))])),
                ("b", Choice("2", "x", [("l", Terminal((1, 0))), ("r", Terminal((0, 1)))])),
            ])),
        ]),
        players=["1", "2"],
    )
    lcp = solve_nash(game, "lcp")[0]
    vertex = solve_nash(game, "vertex")
    assert any(np.allclose(lcp.payoffs, e.payoffs, atol=1e-9) for e in vertex)
    assert solve_nash(game, "logit").certificate <= 1e-9


def test_budgets_refuse_before_running() -> None:
    for method in ("lcp", "logit"):
        with pytest.raises(ProblemTooLargeError, match="max_memory"):
            solve_nash(mixed_tree(), method, max_memory=10)


def test_a_player_without_moves() -> None:
    game = ExtensiveFormGame(
        Choice("A", "a", [("x", Terminal((1, 0))), ("y", Terminal((0, 1)))]),
        players=["A", "B"],
    )
    for method in ("lcp", "vertex", "logit"):
        result = solve_nash(game, method)
        assert len(result) == 1
        assert result[0].profile[0].tolist() == [1.0, 0.0]


def imperfect_recall_game() -> ExtensiveFormGame:
    """Player 1 forgets her first move (one set after both of her moves)."""
    def second(a: tuple[int, int], b: tuple[int, int]) -> Choice:
        return Choice("1", "forgot", [("x", Terminal(a)), ("y", Terminal(b))])

    return ExtensiveFormGame(
        Choice("1", "first", [
            ("L", Choice("2", "2", [("l", second((1, 0), (0, 1))), ("r", second((0, 1), (1, 0)))])),
            ("R", Choice("2", "2", [("l", second((0, 1), (2, 0))), ("r", second((2, 0), (0, 1)))])),
        ]),
        players=["1", "2"],
    )


def test_imperfect_recall_goes_to_logit() -> None:
    game = imperfect_recall_game()
    assert not game.perfect_recall
    for method in ("lcp", "vertex"):
        with pytest.raises(InvalidGameError, match="perfect recall"):
            solve_nash(game, method)
    result = solve_nash(game)
    assert result.method == "logit"
    assert result.certificate <= result.tol
    assert (game.regret(result[0].profile) <= 1e-9 * game.payoff_ranges).all()


def test_agent_logit_kernel_step_limit() -> None:
    with pytest.raises(SolverError, match="stopped after 1 steps"):
        agent_logit_kernel(mixed_tree(), max_steps=1)


def test_result_repr_and_iteration() -> None:
    result = solve_nash(mixed_tree(), "vertex")
    text = repr(result)
    assert text.startswith("ExtensiveNashResult(method='vertex', 1 equilibria")
    assert "BehaviourEquilibrium((" in text
    assert list(result) == list(result.equilibria)
    assert result.max_regret == result[0].regret
    assert result.n_candidates >= 1
    assert result.n_rejected == 0
