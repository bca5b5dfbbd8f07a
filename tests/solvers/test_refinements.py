"""Perfect Bayesian and sequential equilibrium checks (kurilsim.solvers.refinements).

Textbook games with published refinements: Selten's horse (Selten 1975,
Figure 1, as in Gambit's catalog ``ijgt/selten1975/fig1.efg``), Beer-Quiche
(Cho and Kreps 1987), an entry game with an incredible threat, and a game in
which chance's odds pin down the consistent beliefs.  Hypothesis checks the
refinements against the regret of the profile on random trees.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurilsim import (
    Assessment,
    ExtensiveFormGame,
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    SignallingGame,
    check_pbe,
    check_sequential,
    read_efg,
)
from kurilsim.games.extensive import Chance, Choice, Terminal
from kurilsim.solvers.pbe import PBE, pure_pbe
from kurilsim.solvers.refinements import RefinementResult
from kurilsim.solvers.results import SolverResult

TOL = 1e-9


# ---------------------------------------------------------------- the games
def selten_horse() -> ExtensiveFormGame:
    """Selten's horse as Gambit's catalog has it (``selten1975/fig1.efg``).

    Player 1 chooses R (to player 2) or L (to player 3); player 2 chooses R
    (the game ends, (1, 1, 1)) or L (to player 3); player 3 does not know
    which of the two happened.  Player 3's set has the node after (R, L)
    first, then the node after L.
    """
    three = "3"
    return ExtensiveFormGame(
        Choice("1", 1, [
            ("R", Choice("2", 1, [
                ("R", Terminal((1, 1, 1))),
                ("L", Choice(three, 1, [
                    ("R", Terminal((4, 4, 0))), ("L", Terminal((0, 0, 1)))])),
            ])),
            ("L", Choice(three, 1, [
                ("R", Terminal((3, 2, 2))), ("L", Terminal((0, 0, 0)))])),
        ]),
        players=["1", "2", "3"],
        title="Selten's horse (Selten IJGT 1975, Figure 1)",
    )


#: The tree of Gambit's catalog file ``ijgt/selten1975/fig1.efg`` (its
#: comment left out).
SELTEN_EFG = """EFG 2 R "Selten's horse (Selten IJGT 1975, Figure 1)" { "Player 1" "Player 2" "Player 3" }
""

p "" 1 1 "" { "R" "L" } 0
p "" 2 1 "" { "R" "L" } 0
t "" 1 "Outcome 1" { 1, 1, 1 }
p "" 3 1 "" { "R" "L" } 0
t "" 2 "Outcome 2" { 4, 4, 0 }
t "" 3 "Outcome 3" { 0, 0, 1 }
p "" 3 1 "" { "R" "L" } 0
t "" 4 "Outcome 4" { 3, 2, 2 }
t "" 5 "Outcome 5" { 0, 0, 0 }
"""


def beer_quiche() -> ExtensiveFormGame:
    """Beer-Quiche (Cho and Kreps 1987): the sender is weak with
    probability 0.1; each type gets 1 for its preferred breakfast (the weak
    quiche, the strong beer) and 2 if the receiver does not duel; the
    receiver gets 1 for dueling a weak or not dueling a strong sender."""

    def receiver(message: str, weak: bool, breakfast: int) -> Choice:
        return Choice("receiver", message, [
            ("duel", Terminal((breakfast, 1 if weak else 0))),
            ("not", Terminal((breakfast + 2, 0 if weak else 1))),
        ])

    def sender(kind: str) -> Choice:
        weak = kind == "weak"
        return Choice("sender", kind, [
            ("beer", receiver("beer", weak, 0 if weak else 1)),
            ("quiche", receiver("quiche", weak, 1 if weak else 0)),
        ])

    return ExtensiveFormGame(
        Chance([("weak", 0.1, sender("weak")), ("strong", 0.9, sender("strong"))]),
        players=["sender", "receiver"],
        title="Beer-Quiche",
    )


def entry_game() -> ExtensiveFormGame:
    """Entry deterrence: fighting an entrant hurts the incumbent."""
    return ExtensiveFormGame(
        Choice("entrant", "e", [
            ("out", Terminal((0, 2))),
            ("in", Choice("incumbent", "i", [
                ("fight", Terminal((-1, -1))), ("accommodate", Terminal((1, 1)))])),
        ]),
        players=["entrant", "incumbent"],
    )


def chance_odds_game() -> ExtensiveFormGame:
    """Nature draws L or R (1/2 each), seen by nobody; player 1 stays out
    (1, 0) or goes in; after "in" player 2 guesses l or r.  Player 2 prefers
    l iff she puts probability >= 3/5 on L; player 1 goes in iff 2 plays r.
    Both nodes of player 2's set follow the same deviation of player 1, so
    consistency forces chance's odds (1/2, 1/2) there and hence r."""

    def state(l_payoffs: tuple[int, int], r_payoffs: tuple[int, int]) -> Choice:
        return Choice("1", "one", [
            ("out", Terminal((1, 0))),
            ("in", Choice("2", "two", [
                ("l", Terminal(l_payoffs)), ("r", Terminal(r_payoffs))])),
        ])

    return ExtensiveFormGame(
        Chance([("L", 0.5, state((0, 2), (2, 0))), ("R", 0.5, state((0, 0), (2, 3)))]),
        players=["1", "2"],
    )


def two_tremble_game() -> ExtensiveFormGame:
    """Player 1 stays out or goes in; after "in", player 2 plays l or r, and
    player 3, who sees neither, guesses.  With player 1 out and player 2 on
    l, the node after (in, r) takes two trembles and the node after (in, l)
    one: consistency puts belief 0 on the former."""
    return ExtensiveFormGame(
        Choice("1", 1, [
            ("out", Terminal((1, 1, 1))),
            ("in", Choice("2", 1, [
                ("l", Choice("3", 1, [("a", Terminal((0, 0, 1))), ("b", Terminal((0, 0, 0)))])),
                ("r", Choice("3", 1, [("a", Terminal((0, 0, 0))), ("b", Terminal((0, 0, 1)))])),
            ])),
        ]),
        players=["1", "2", "3"],
    )


def coupled_game(a: float, *, ways: int = 2, take: float = 0.7) -> ExtensiveFormGame:
    """Player 1 stays out or goes in one of ``ways`` ways; player 2, not
    seeing which, takes a payoff ``take`` or passes to player 3, who does not
    see it either.  Both later sets have nodes after each way in alone, so
    consistent beliefs have the same odds at both.  Player 2 passes iff she
    puts >= ``take`` on in1; player 3 plays u iff she puts <= 1 / (2 - a) on
    it."""

    def after(way: int) -> Choice:
        first = way == 1
        return Choice("2", 1, [
            ("b", Choice("3", 1, [
                ("u", Terminal((0, 1 if first else 0, a if first else 1))),
                ("d", Terminal((0, 0, 1 if first else 0))),
            ])),
            ("c", Terminal((0, take, 0))),
        ])

    moves = [("out", Terminal((1, 0, 0)))]
    moves += [(f"in{k}", after(k)) for k in range(1, ways + 1)]
    return ExtensiveFormGame(Choice("1", 1, moves), players=["1", "2", "3"])


def limit_beliefs(game: ExtensiveFormGame, result: RefinementResult, eps: float) -> list:
    """Bayes beliefs of the completely mixed profile the result's trembles
    define, ``sigma_eps(a)`` proportional to ``c_a * eps**k_a``."""
    assert result.tremble_orders is not None
    assert result.tremble_weights is not None
    profile = []
    for orders, weights in zip(result.tremble_orders, result.tremble_weights, strict=True):
        raw = weights * eps ** orders.astype(float)
        profile.append(raw / raw.sum())
    return list(game.beliefs(profile))


# ------------------------------------------------------------ Selten's horse
class TestSeltenHorse:
    """Two components of Nash equilibria: players 1 and 2 continue (R, R)
    with player 3 on L with probability >= 3/4, which is sequential with
    player 3 believing she is after player 2's deviation with probability
    >= 2/3; and player 1 ending at player 3 (L) with player 3 on R and
    player 2 on R with probability >= 1/3, which is Nash but not even
    perfect Bayesian: player 2, if asked to move, would play L.  (Selten
    1975 drew the game to show an equilibrium that subgame perfection
    cannot rule out; the components are computed from the payoffs.)"""

    def test_the_tree_is_gambits(self) -> None:
        ours, gambits = selten_horse(), read_efg(SELTEN_EFG)
        assert [s.nodes for s in ours.infosets] == [s.nodes for s in gambits.infosets]
        assert [s.actions for s in ours.infosets] == [s.actions for s in gambits.infosets]
        np.testing.assert_array_equal(ours.node_kind, gambits.node_kind)
        np.testing.assert_array_equal(ours.terminal_payoffs, gambits.terminal_payoffs)
        for profile in ([[1, 0], [1, 0], [0, 1]], [[0, 1], [1, 0], [1, 0]]):
            assert check_sequential(gambits, profile).ok == check_sequential(ours, profile).ok

    def test_the_continuing_component_is_sequential(self) -> None:
        game = selten_horse()
        for q in (1.0, 0.8, 0.75):
            profile = [[1, 0], [1, 0], [1 - q, q]]
            assert np.all(game.regret(profile) <= 1e-12)
            result = check_sequential(game, profile)
            assert result.ok, result.message
            assert result.consistent
            assert result.decided
            assert result.searched
            belief = result.beliefs[2]
            # L at player 3 needs weight >= 2/3 on the node after (R, L)
            assert belief[0] >= 2 / 3 - 1e-9
            if q < 1:  # mixing needs indifference
                assert belief[0] == pytest.approx(2 / 3, abs=1e-9)
            assert check_pbe(game, profile).ok

    def test_the_beliefs_come_from_the_trembles(self) -> None:
        game = selten_horse()
        result = check_sequential(game, [[1, 0], [1, 0], [0, 1]])
        assert result.tremble_orders is not None
        # orders are 0 exactly on the played actions
        for orders, sigma in zip(result.tremble_orders, result.profile, strict=True):
            assert np.array_equal(orders == 0, sigma > 0)
            assert np.all(orders >= 0)
        approx = limit_beliefs(game, result, 1e-9)
        np.testing.assert_allclose(approx[2], result.beliefs[2], atol=1e-6)

    def test_a_belief_on_player_1s_deviation_breaks_it(self) -> None:
        game = selten_horse()
        profile = [[1, 0], [1, 0], [0, 1]]
        beliefs = [[1.0], [1.0], [0.5, 0.5]]  # L needs >= 2/3 on (R, L)
        for check in (check_pbe, check_sequential):
            result = check(game, profile, beliefs)
            assert not result.ok
            assert result.failed == (2,)
            assert result.gains[2] == pytest.approx(0.5)  # R gives 1, L 1/2
        good = check_sequential(game, profile, [[1.0], [1.0], [0.7, 0.3]])
        assert good.ok
        assert good.consistent
        assert good.decided

    def test_tiny_probabilities_on_the_path(self) -> None:
        # player 3's set is reached, its second node with probability ~2e-12
        game = selten_horse()
        profile = [[1 - 1e-12, 1e-12], [0.5, 0.5], [1, 0]]
        beliefs = game.beliefs(profile)
        assert beliefs[2] is not None
        assert beliefs[2][1] < TOL
        result = check_sequential(game, profile, beliefs)
        assert result.consistent is True
        assert result.belief_error == 0.0

    @pytest.mark.parametrize("p", [1 / 3, 0.5, 1.0])
    def test_the_component_where_player_1_ends_is_nash_only(self, p: float) -> None:
        game = selten_horse()
        profile = [[0, 1], [p, 1 - p], [1, 0]]
        assert np.all(game.regret(profile) <= 1e-12)
        for check in (check_pbe, check_sequential):
            result = check(game, profile)
            assert not result.ok
            assert result.decided
            assert 1 in result.failed  # player 2's node
            # at player 2's node, L gives 4 against R's 1
            assert result.gains[1] == pytest.approx(3 * p)
            assert "player 2" in result.message or "2" in result.message


# -------------------------------------------------------- incredible threat
class TestEntryGame:
    def test_nash_with_an_empty_threat_is_not_pbe(self) -> None:
        game = entry_game()
        profile = [[1, 0], [1, 0]]  # out; fight if in
        assert np.all(game.regret(profile) == 0)
        result = check_pbe(game, profile)
        assert not result.ok
        assert result.decided
        assert result.failed == (1,)
        assert not result.reached[1]
        assert result.reached[0]
        assert result.gains[1] == pytest.approx(2.0)
        assert result.certificate == pytest.approx(2.0 / 3.0)  # range 3
        assert not check_sequential(game, profile).ok

    def test_the_subgame_perfect_equilibrium_is_sequential(self) -> None:
        game = entry_game()
        result = check_sequential(game, [[0, 1], [0, 1]])
        assert result.ok
        assert result.consistent
        assert result.certificate == 0.0
        assert result.tremble_orders is not None
        assert [o.tolist() for o in result.tremble_orders] == [[1, 0], [1, 0]]

    def test_result_contract(self) -> None:
        result = check_pbe(entry_game(), [[0, 1], [0, 1]])
        assert isinstance(result, SolverResult)
        assert result.method == "pbe"
        assert result.tol == TOL
        assert result.certificate <= result.tol
        assert result.ok
        assert "perfect Bayesian equilibrium" in result.message
        assert "RefinementResult" in repr(result)
        assert check_sequential(entry_game(), [[0, 1], [0, 1]]).method == "sequential"


# ------------------------------------------------ PBE but not sequential
class TestChanceOdds:
    def test_pbe_that_is_not_sequential(self) -> None:
        game = chance_odds_game()
        profile = [[1, 0], [1, 0]]  # out; l after in
        assert np.all(game.regret(profile) <= 1e-12)
        pbe = check_pbe(game, profile)
        assert pbe.ok
        assert pbe.beliefs[1][0] >= 0.6 - 1e-9  # l needs >= 3/5 on L
        sequential = check_sequential(game, profile)
        assert not sequential.ok
        assert sequential.decided
        assert sequential.consistent is False
        assert "decided" in sequential.message

    def test_given_beliefs_bayes_feasible_but_inconsistent(self) -> None:
        game = chance_odds_game()
        profile = [[1, 0], [1, 0]]
        beliefs = [[0.5, 0.5], [0.8, 0.2]]
        assert check_pbe(game, profile, beliefs).ok
        result = check_sequential(game, profile, beliefs)
        assert not result.ok
        assert result.consistent is False
        assert result.failed == (1,)
        assert "not consistent" in result.message
        assert result.tremble_orders is None

    def test_chance_odds_are_consistent_but_not_rational(self) -> None:
        game = chance_odds_game()
        result = check_sequential(game, [[1, 0], [1, 0]], [[0.5, 0.5], [0.5, 0.5]])
        assert result.consistent is True
        assert not result.ok
        assert result.gains[1] == pytest.approx(0.5)  # r gives 3/2, l 1

    def test_the_sequential_equilibrium(self) -> None:
        game = chance_odds_game()
        result = check_sequential(game, [[0, 1], [0, 1]])
        assert result.ok
        np.testing.assert_allclose(result.beliefs[1], [0.5, 0.5])

    def test_beliefs_off_bayes_on_the_path(self) -> None:
        game = chance_odds_game()
        result = check_pbe(game, [[0, 1], [0, 1]], [[0.5, 0.5], [0.9, 0.1]])
        assert not result.ok
        assert result.belief_error == pytest.approx(0.4)
        assert "Bayes" in result.message


class TestTwoTrembles:
    def test_consistency_orders_the_deviations(self) -> None:
        game = two_tremble_game()
        profile = [[1, 0], [1, 0], [1, 0]]
        # belief on the two-tremble node: Bayes-free, but not consistent
        assert check_pbe(game, profile, [[1.0], [1.0], [0.5, 0.5]]).ok
        result = check_sequential(game, profile, [[1.0], [1.0], [0.5, 0.5]])
        assert result.consistent is False
        assert check_sequential(game, profile, [[1.0], [1.0], [1.0, 0.0]]).ok

    def test_search_rejects_a_guess_needing_the_longer_path(self) -> None:
        game = two_tremble_game()
        profile = [[1, 0], [1, 0], [0, 1]]  # player 3 guesses b: needs (in, r)
        assert check_pbe(game, profile).ok
        result = check_sequential(game, profile)
        assert not result.ok
        assert result.decided


# ------------------------------------------------------------ Beer-Quiche
class TestBeerQuiche:
    """Both pooling equilibria are sequential (Cho and Kreps 1987): pooling on
    beer with a duel after quiche, pooling on quiche with a duel after beer,
    each supported by the belief that the deviant is weak (>= 1/2)."""

    # sets: 0 sender weak, 1 receiver after beer, 2 receiver after quiche,
    # 3 sender strong
    def sets(self, game: ExtensiveFormGame) -> list[str]:
        return [str(s.key) for s in game.infosets]

    def test_information_sets(self) -> None:
        assert self.sets(beer_quiche()) == ["weak", "beer", "quiche", "strong"]

    @pytest.mark.parametrize("message", ["beer", "quiche"])
    def test_pooling_is_pbe_and_sequential(self, message: str) -> None:
        game = beer_quiche()
        on = [1, 0] if message == "beer" else [0, 1]
        not_duel, duel = [0, 1], [1, 0]
        profile = (
            [on, not_duel, duel, on] if message == "beer" else [on, duel, not_duel, on]
        )
        assert np.all(game.regret(profile) <= 1e-12)
        off = 2 if message == "beer" else 1
        for check in (check_pbe, check_sequential):
            result = check(game, profile)
            assert result.ok, result.message
            assert not result.reached[off]
            assert result.beliefs[off][0] >= 0.5 - 1e-9  # weak, first node
            on_path = 1 if message == "beer" else 2
            np.testing.assert_allclose(result.beliefs[on_path], [0.1, 0.9])
        # with the belief "the deviant is weak", given
        beliefs = [[1.0], [0.1, 0.9], [0.1, 0.9], [1.0]]
        beliefs[off] = [1.0, 0.0]
        given_result = check_sequential(game, profile, beliefs)
        assert given_result.ok
        assert given_result.consistent

    def test_pooling_without_the_threat_fails(self) -> None:
        game = beer_quiche()
        profile = [[1, 0], [0, 1], [0, 1], [1, 0]]  # beer; never duel
        assert check_pbe(game, profile).failed == (0,)  # the weak type deviates

    def test_a_belief_that_the_deviant_is_strong_fails(self) -> None:
        game = beer_quiche()
        profile = [[1, 0], [0, 1], [1, 0], [1, 0]]
        result = check_pbe(game, profile, [[1.0], [0.1, 0.9], [0.2, 0.8], [1.0]])
        assert not result.ok
        assert result.failed == (2,)
        assert result.gains[2] == pytest.approx(0.6)  # not: 0.8, duel: 0.2


class TestCoupledSets:
    """The same deviations set the odds at two sets, so the weights' fit is
    rank-deficient.  With two groups of nodes per set the search is still
    exact (an interval of log-odds per set); with three it takes its
    heuristic step."""

    PROFILE = ([1, 0, 0], [1, 0], [1, 0])

    def test_common_odds_are_found(self) -> None:
        game = coupled_game(0.75)  # player 3 needs <= 0.8 on in1
        result = check_sequential(game, self.PROFILE)
        assert result.ok, result.message
        first, second = result.beliefs[1], result.beliefs[2]
        np.testing.assert_allclose(first, second, atol=1e-9)
        assert 0.7 - 1e-9 <= first[0] <= 0.8 + 1e-9

    def test_no_common_odds_is_decided(self) -> None:
        game = coupled_game(0.0)  # player 3 needs <= 0.5 on in1
        assert check_pbe(game, self.PROFILE).ok
        result = check_sequential(game, self.PROFILE)
        assert not result.ok
        assert result.decided
        assert "(decided" in result.message

    def test_three_groups_use_the_heuristic(self) -> None:
        profile = ([1, 0, 0, 0], [1, 0], [1, 0])
        # player 2 needs >= 0.4 on in1, player 3 <= 0.6: found
        found = check_sequential(coupled_game(1 / 3, ways=3, take=0.4), profile)
        assert found.ok, found.message
        np.testing.assert_allclose(found.beliefs[1], found.beliefs[2], atol=1e-9)
        assert 0.4 - 1e-9 <= found.beliefs[1][0] <= 0.6 + 1e-9
        # player 2 needs >= 0.6, player 3 <= 0.5: none, but not proven
        game = coupled_game(0.0, ways=3, take=0.6)
        assert check_pbe(game, profile).ok
        missed = check_sequential(game, profile)
        assert not missed.ok
        assert not missed.decided
        assert "inconclusive" in missed.message

    def test_given_beliefs_are_decided(self) -> None:
        game = coupled_game(0.0)
        same = check_sequential(game, self.PROFILE, [[1.0], [0.75, 0.25], [0.75, 0.25]])
        assert same.consistent is True
        assert same.decided
        assert not same.ok  # player 3 needs <= 0.5
        apart = check_sequential(game, self.PROFILE, [[1.0], [0.75, 0.25], [0.5, 0.5]])
        assert apart.consistent is False
        assert apart.decided
        assert check_pbe(game, self.PROFILE, [[1.0], [0.75, 0.25], [0.5, 0.5]]).ok


class TestWhichCheck:
    """Sequential rationality at a set uses the beliefs there for the whole
    continuation, not the (possibly contradicting) beliefs at the mover's
    later sets: the one-shot check can pass where the definition fails."""

    @staticmethod
    def game() -> ExtensiveFormGame:
        def state(l_pay: float, r_pay: float) -> Choice:
            return Choice("1", "first", [
                ("stop", Terminal((0, 0.5))),
                ("go", Choice("1", "second", [
                    ("l", Terminal((0, l_pay))), ("r", Terminal((0, r_pay)))])),
            ])

        return ExtensiveFormGame(
            Choice("0", "root", [
                ("out", Terminal((1, 0))),
                ("in", Chance([("L", 0.5, state(1, 0)), ("R", 0.5, state(0, 1))])),
            ]),
            players=["0", "1"],
        )

    def test_contradicting_later_beliefs(self) -> None:
        game = self.game()
        profile = [[1, 0], [1, 0], [0, 1]]  # out; stop; r
        beliefs = [[1.0], [1.0, 0.0], [0.0, 1.0]]  # L at "first", R at "second"
        result = check_pbe(game, profile, beliefs)
        assert result.one_shot_gains[1] == 0.0  # go then r: 0 < 0.5
        assert result.gains[1] == pytest.approx(0.5)  # go then l: 1
        assert result.gains[2] == 0.0
        assert not result.ok
        assert result.failed == (1,)

    def test_searched_and_consistent_beliefs_agree(self) -> None:
        game = self.game()
        profile = [[1, 0], [1, 0], [0, 1]]
        pbe = check_pbe(game, profile)
        assert pbe.ok
        assert max(pbe.beliefs[1]) <= 0.5 + 1e-9  # go pays max(belief)
        sequential = check_sequential(game, profile)
        assert sequential.ok
        np.testing.assert_allclose(sequential.beliefs[1], [0.5, 0.5])
        np.testing.assert_allclose(sequential.gains, sequential.one_shot_gains, atol=1e-12)


class TestImpossibleNodes:
    """A node behind a chance move of probability 0: no perturbation of the
    players' strategies reaches it, so consistent beliefs put nothing there."""

    @staticmethod
    def game() -> ExtensiveFormGame:
        def state(l_pay: int, r_pay: int) -> Choice:
            return Choice("1", "one", [
                ("out", Terminal((1, 0))),
                ("in", Choice("2", "two", [
                    ("l", Terminal((0, l_pay))), ("r", Terminal((2, r_pay)))])),
            ])

        return ExtensiveFormGame(
            Chance([("A", 1.0, state(0, 1)), ("B", 0.0, state(1, 0))]),
            players=["1", "2"],
        )

    def test_beliefs_on_an_impossible_node(self) -> None:
        game = self.game()
        profile = [[1, 0], [1, 0]]  # out; l, which needs belief >= 1/2 on B
        assert check_pbe(game, profile).ok
        assert check_pbe(game, profile, [[1.0, 0.0], [0.0, 1.0]]).ok
        given_result = check_sequential(game, profile, [[1.0, 0.0], [0.0, 1.0]])
        assert given_result.consistent is False
        searched = check_sequential(game, profile)
        assert not searched.ok
        assert searched.decided
        assert check_sequential(game, [[0, 1], [0, 1]]).ok


# ----------------------------------------------------------- the arguments
class TestArguments:
    def test_assessment_argument(self) -> None:
        game = entry_game()
        assessment = Assessment(profile=[[0, 1], [0, 1]], beliefs=[[1.0], [1.0]])
        assert check_pbe(game, assessment).ok
        assert check_sequential(game, assessment).ok
        with pytest.raises(InvalidArgumentError, match="not both"):
            check_pbe(game, assessment, [[1.0], [1.0]])

    def test_assessment_is_checked(self) -> None:
        with pytest.raises(InvalidArgumentError, match="one belief vector"):
            Assessment(profile=[[1.0]], beliefs=[])
        with pytest.raises(InvalidArgumentError, match="probability vector"):
            Assessment(profile=[[0.5, 0.6]], beliefs=[[1.0]])
        a = Assessment(profile=[[1, 0]], beliefs=[[1]])
        assert not a.profile[0].flags.writeable
        assert "Assessment(" in repr(a)

    def test_bad_arguments(self) -> None:
        game = entry_game()
        with pytest.raises(InvalidArgumentError, match="ExtensiveFormGame"):
            check_pbe("game", [[1, 0], [1, 0]])  # type: ignore[arg-type]
        with pytest.raises(InvalidProfileError):
            check_pbe(game, [[1, 0]])
        with pytest.raises(InvalidArgumentError, match="one vector per"):
            check_pbe(game, [[1, 0], [1, 0]], [[1.0]])
        with pytest.raises(InvalidArgumentError, match="is None"):
            check_pbe(game, [[1, 0], [1, 0]], game.beliefs([[1, 0], [1, 0]]))
        with pytest.raises(InvalidArgumentError, match="one entry per node"):
            check_sequential(game, [[1, 0], [1, 0]], [[1.0], [0.5, 0.5]])
        with pytest.raises(InvalidArgumentError, match="tol"):
            check_pbe(game, [[1, 0], [1, 0]], tol=-1.0)
        # a tolerance of a whole payoff range passes anything (before the
        # issue 16 review, tol=2 certified a profile with gain 1 as a PBE)
        with pytest.raises(InvalidArgumentError, match=r"tol must be a finite number in \[0, 1\), got 2"):
            check_pbe(game, [[1, 0], [1, 0]], tol=2)
        with pytest.raises(InvalidArgumentError, match=r"tol must be a finite number in \[0, 1\), got 1\.0"):
            check_sequential(game, [[1, 0], [1, 0]], tol=1.0)
        with pytest.raises(InvalidArgumentError, match="max_patterns"):
            check_sequential(game, [[1, 0], [1, 0]], max_patterns=0)

    def test_imperfect_recall_is_refused(self) -> None:
        # the absent-minded driver: one set met twice on a path
        game = ExtensiveFormGame(
            Choice("driver", 1, [
                ("exit", Terminal((0,))),
                ("continue", Choice("driver", 1, [
                    ("exit", Terminal((4,))), ("continue", Terminal((1,)))])),
            ]),
            players=["driver"],
        )
        with pytest.raises(InvalidGameError, match="perfect recall"):
            check_pbe(game, [[0.5, 0.5]])


# ---------------------------------------------------------------- hypothesis
@st.composite
def perfect_recall_games(draw: st.DrawFn) -> ExtensiveFormGame:
    """Random trees with perfect recall: a player's information set is her
    whole observation history (her own sets and actions always, others'
    and chance's moves when a coin says she sees them)."""
    n_players = draw(st.integers(1, 3))
    constant = [draw(st.booleans()) for _ in range(n_players)]
    sizes: dict[tuple[int, tuple[object, ...]], int] = {}

    def terminal() -> Terminal:
        return Terminal(tuple(
            0.0 if constant[i] else float(draw(st.integers(-2, 2)))
            for i in range(n_players)
        ))

    def build(depth: int, seen: tuple[tuple[object, ...], ...]) -> object:
        if depth >= 3 or (depth > 0 and draw(st.integers(0, 3)) == 0):
            return terminal()
        if draw(st.integers(0, 3)) == 0:  # chance
            weights = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(2, 3)))]
            moves = []
            for k, w in enumerate(weights):
                after = tuple(
                    (*h, ("c", depth, k)) if draw(st.booleans()) else h for h in seen
                )
                moves.append((f"c{k}", w / sum(weights), build(depth + 1, after)))
            return Chance(moves)
        i = draw(st.integers(0, n_players - 1))
        key = (i, seen[i])
        n_actions = sizes.setdefault(key, draw(st.integers(2, 3)))
        moves = []
        for a in range(n_actions):
            after = tuple(
                (*h, (repr(key), a)) if j == i
                else (*h, ("p", i, a)) if draw(st.booleans())
                else h
                for j, h in enumerate(seen)
            )
            moves.append((f"a{a}", build(depth + 1, after)))
        return Choice(i, repr(seen[i]), moves)

    root = build(0, tuple(() for _ in range(n_players)))
    return ExtensiveFormGame(root, players=[f"p{i}" for i in range(n_players)])  # type: ignore[arg-type]


@st.composite
def full_support_profiles(
    draw: st.DrawFn, game: ExtensiveFormGame
) -> list[np.ndarray]:
    out = []
    for s in game.infosets:
        w = np.array([draw(st.integers(1, 5)) for _ in s.actions], dtype=float)
        out.append(w / w.sum())
    return out


@st.composite
def pure_profiles(draw: st.DrawFn, game: ExtensiveFormGame) -> list[np.ndarray]:
    out = []
    for s in game.infosets:
        v = np.zeros(len(s.actions))
        v[draw(st.integers(0, len(s.actions) - 1))] = 1.0
        out.append(v)
    return out


def _is_nash(game: ExtensiveFormGame, profile: Sequence[np.ndarray]) -> bool:
    return bool(np.all(game.regret(profile) <= TOL * game.payoff_ranges))


@given(st.data())
def test_full_support_pbe_iff_nash(data: st.DataObject) -> None:
    game = data.draw(perfect_recall_games())
    profile = data.draw(full_support_profiles(game))
    pbe = check_pbe(game, profile)
    assert pbe.ok == _is_nash(game, profile)
    assert pbe.reached.all()
    assert pbe.decided
    for ours, bayes in zip(pbe.beliefs, game.beliefs(profile), strict=True):
        assert bayes is not None
        np.testing.assert_allclose(ours, bayes, atol=1e-12)
    # a deviation from a set on is a strategy deviation, weighted by the
    # probability of reaching the set
    reach = game.realisation_probabilities(profile)
    regret = game.regret(profile)
    for h, s in enumerate(game.infosets):
        assert reach[list(s.nodes)].sum() * pbe.gains[h] <= regret[s.player] + 1e-9
        # the one-shot gains agree with the game's own action values
        values = game.action_values(profile)[h]
        assert pbe.one_shot_gains[h] == pytest.approx(
            max(values.max() - profile[h] @ values, 0.0), abs=1e-9
        )
        assert pbe.one_shot_gains[h] <= pbe.gains[h] + 1e-12
    sequential = check_sequential(game, profile)
    assert sequential.ok == pbe.ok
    assert sequential.consistent
    assert sequential.tremble_orders is not None
    assert all(not o.any() for o in sequential.tremble_orders)


@pytest.mark.slow
@given(st.data())
def test_pure_profiles_sequential_implies_pbe_implies_nash(data: st.DataObject) -> None:
    game = data.draw(perfect_recall_games())
    profile = data.draw(pure_profiles(game))
    pbe = check_pbe(game, profile)
    sequential = check_sequential(game, profile)
    if sequential.ok:
        assert pbe.ok
        # the beliefs found are consistent, and come from the trembles
        again = check_sequential(game, profile, sequential.beliefs)
        assert again.ok
        assert again.consistent
        approx = limit_beliefs(game, sequential, 1e-7)
        for h, belief in enumerate(sequential.beliefs):
            if approx[h] is not None:
                np.testing.assert_allclose(approx[h], belief, atol=1e-4)
    if pbe.ok:
        assert _is_nash(game, profile)
        assert check_pbe(game, profile, pbe.beliefs).ok
    # on the path, the beliefs used are Bayes' rule
    for h, bayes in enumerate(game.beliefs(profile)):
        if bayes is not None:
            np.testing.assert_allclose(pbe.beliefs[h], bayes, atol=1e-12)
            np.testing.assert_allclose(sequential.beliefs[h], bayes, atol=1e-12)


@pytest.mark.slow
@given(st.data())
def test_limits_of_trembles_are_consistent(data: st.DataObject) -> None:
    """Beliefs of a completely mixed profile close to a pure one, with
    trembles of random orders and weights, are (to within 1e-12) the limit
    beliefs of those trembles: the decision must accept them."""
    game = data.draw(perfect_recall_games())
    profile = data.draw(pure_profiles(game))
    eps = 1e-13
    mixed = []
    for sigma in profile:
        orders = np.array([0 if p > 0 else data.draw(st.integers(1, 3)) for p in sigma])
        weights = np.array([data.draw(st.integers(1, 4)) for _ in sigma], dtype=float)
        raw = weights * eps ** orders.astype(float)
        mixed.append(raw / raw.sum())
    beliefs = game.beliefs(mixed)
    assert all(b is not None for b in beliefs)
    result = check_sequential(game, profile, beliefs, tol=1e-9)
    assert result.consistent, result.message
    assert result.decided
    approx = limit_beliefs(game, result, 1e-9)
    for h, belief in enumerate(beliefs):
        np.testing.assert_allclose(approx[h], belief, atol=1e-6)


@st.composite
def signalling_games(draw: st.DrawFn) -> ExtensiveFormGame:
    """Random signalling games: chance draws a type, the sender (one set per
    type) sends a message, the receiver (one set per message) responds."""
    n_types, n_messages, n_responses = (draw(st.integers(2, 3)) for _ in range(3))
    weights = [draw(st.integers(1, 4)) for _ in range(n_types)]
    pay = st.integers(-2, 2)

    def receiver(message: int) -> Choice:
        return Choice("receiver", message, [
            (f"r{r}", Terminal((float(draw(pay)), float(draw(pay)))))
            for r in range(n_responses)
        ])

    return ExtensiveFormGame(
        Chance([
            (f"t{t}", w / sum(weights), Choice("sender", f"t{t}", [
                (f"m{m}", receiver(m)) for m in range(n_messages)
            ]))
            for t, w in enumerate(weights)
        ]),
        players=["sender", "receiver"],
    )


@pytest.mark.slow
@given(st.data())
def test_in_signalling_games_pbe_and_sequential_coincide(data: st.DataObject) -> None:
    """Each type's deviation is a tremble of its own, so any belief after an
    unsent message is consistent: every (weak) PBE is sequential."""
    game = data.draw(signalling_games())
    profile = data.draw(pure_profiles(game))
    pbe = check_pbe(game, profile)
    sequential = check_sequential(game, profile)
    assert pbe.ok == sequential.ok
    assert sequential.decided
    if pbe.ok:
        assert check_sequential(game, profile, pbe.beliefs).consistent


# ------------------------------------------- against the signalling solver
def _as_assessment(game: ExtensiveFormGame, pbe: PBE) -> tuple[list, list]:
    """A pure PBE of a SignallingGame (all messages allowed, full-support
    prior) as a profile and beliefs of its ``to_extensive()`` tree."""
    profile, beliefs = [], []
    for infoset in game.infosets:
        kind, label = infoset.key
        index = int(label[1:])
        vector = np.zeros(len(infoset.actions))
        if kind == "type":
            vector[int(pbe.sender[index])] = 1.0
            beliefs.append([1.0])
        else:
            vector[int(pbe.receiver[index])] = 1.0
            beliefs.append(pbe.beliefs[index])
        profile.append(vector)
    return profile, beliefs


@st.composite
def signalling_tables(draw: st.DrawFn) -> SignallingGame:
    n_types, n_messages, n_responses = (draw(st.integers(2, 3)) for _ in range(3))
    weights = np.array([draw(st.integers(1, 4)) for _ in range(n_types)], dtype=float)
    shape = (n_types, n_messages, n_responses)
    tables = [
        np.array([draw(st.integers(-2, 2)) for _ in range(int(np.prod(shape)))]).reshape(shape)
        for _ in range(2)
    ]
    return SignallingGame(
        [f"t{t}" for t in range(n_types)], weights / weights.sum(),
        [f"m{m}" for m in range(n_messages)], [f"r{r}" for r in range(n_responses)],
        *tables,
    )


@pytest.mark.slow
@given(st.data())
def test_the_signalling_solvers_pbe_pass_the_checks(data: st.DataObject) -> None:
    """Every pure PBE that :func:`kurilsim.solvers.pbe.pure_pbe` finds passes
    check_pbe and check_sequential with its beliefs; every pure profile that
    check_pbe accepts has the sender strategy and on-path responses of one
    of them."""
    table = data.draw(signalling_tables())
    game = table.to_extensive()
    found = pure_pbe(table)
    for pbe in found:
        profile, beliefs = _as_assessment(game, pbe)
        assert check_pbe(game, profile, beliefs).ok
        assert check_sequential(game, profile, beliefs).ok
    profile = data.draw(pure_profiles(game))
    if check_pbe(game, profile).ok:
        sender = [int(np.argmax(v)) for v, s in zip(profile, game.infosets, strict=True)
                  if s.key[0] == "type"]
        answers = {int(s.key[1][1:]): int(np.argmax(v))
                   for v, s in zip(profile, game.infosets, strict=True) if s.key[0] == "message"}
        assert any(
            list(pbe.sender) == sender
            and all(int(pbe.receiver[m]) == answers[m] for m in set(sender))
            for pbe in found
        )
