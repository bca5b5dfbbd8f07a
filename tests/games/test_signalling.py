"""Tests of kurilsim.games.signalling: the SignallingGame value object."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from kurilsim import InvalidArgumentError, InvalidGameError, SignallingGame

# Beer-quiche (Cho and Kreps 1987, section II): type weak (0.1) or strong
# (0.9); the sender gets 1 for its preferred breakfast (weak: quiche, strong:
# beer) plus 2 if there is no duel; the receiver gets 1 for duelling the weak
# type or for not duelling the strong one.
SENDER = np.array([[[0, 2], [1, 3]], [[1, 3], [0, 2]]], dtype=float)
RECEIVER = np.array([[[1, 0], [1, 0]], [[0, 1], [0, 1]]], dtype=float)


def beer_quiche(prior: tuple[float, float] = (0.1, 0.9)) -> SignallingGame:
    return SignallingGame(
        ["weak", "strong"], prior, ["beer", "quiche"], ["duel", "no duel"], SENDER, RECEIVER
    )


def test_attributes_are_read_only_and_normalised() -> None:
    game = beer_quiche()
    assert game.shape == (2, 2, 2)
    assert (game.n_types, game.n_messages, game.n_responses) == (2, 2, 2)
    assert game.players == ("sender", "receiver")
    assert game.senders_allowed.all()
    for array in (game.prior, game.sender_payoffs, game.receiver_payoffs, game.allowed):
        assert array is not None
        assert not array.flags.writeable
    assert game.payoff_ranges.tolist() == [3.0, 1.0]
    assert game.message_index("quiche") == 1
    assert game.response_index(0) == 0
    assert game.type_index("strong") == 1


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"prior": [0.5, 0.6]}, "sum to 1"),
        ({"prior": [-0.1, 1.1]}, "non-negative"),
        ({"prior": [1.0]}, "each of the 2 types"),
        ({"types": ["a", "a"]}, "distinct"),
        ({"messages": []}, "must not be empty"),
        ({"responses": "xy"}, "sequence of strings"),
        ({"sender_payoffs": SENDER[:, :1]}, r"shape .* \(2, 2, 2\)"),
        ({"receiver_payoffs": np.where(RECEIVER > 0, np.inf, 0)}, "finite"),
        ({"allowed": np.ones((2, 2))}, "boolean array"),
        ({"allowed": np.array([[False, False], [True, True]])}, "'weak' may send no message"),
        ({"allowed": np.array([[True, False], [True, False]])}, "'quiche' may be sent by no type"),
        ({"players": ("only one",)}, "sender and the receiver"),
    ],
)
def test_invalid_games_are_refused(change: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "types": ["weak", "strong"],
        "prior": [0.1, 0.9],
        "messages": ["beer", "quiche"],
        "responses": ["duel", "no duel"],
        "sender_payoffs": SENDER,
        "receiver_payoffs": RECEIVER,
    }
    args.update(change)
    with pytest.raises(InvalidGameError, match=match):
        SignallingGame(**args)  # type: ignore[arg-type]


def test_best_responses_and_ties() -> None:
    game = beer_quiche()
    assert game.receiver_best_responses("beer", [1.0, 0.0]) == (0,)
    assert game.receiver_best_responses("beer", [0.0, 1.0]) == (1,)
    assert game.receiver_best_responses("beer", [0.5, 0.5]) == (0, 1)  # indifferent
    np.testing.assert_allclose(game.receiver_values("beer", [0.25, 0.75]), [0.25, 0.75])
    with pytest.raises(InvalidArgumentError, match="probability vector"):
        game.receiver_best_responses("beer", [0.5, 0.6])
    with pytest.raises(InvalidArgumentError, match="'wine' is not one of"):
        game.receiver_best_responses("wine", [0.5, 0.5])


def test_belief_interval_of_beer_quiche() -> None:
    game = beer_quiche()
    # duel iff P(strong) <= 1/2
    # (widened by the tolerance: 1e-9 of the receiver's payoff range)
    assert game.belief_interval("beer", "duel") == pytest.approx((0.0, 0.5), abs=1e-8)
    assert game.belief_interval("beer", "no duel") == pytest.approx((0.5, 1.0), abs=1e-8)
    assert game.belief_interval("beer", "duel", tol=0.0) == (0.0, 0.5)
    assert game.sustainable_responses("beer") == (0, 1)
    belief = game.supporting_belief("quiche", "duel")
    assert belief is not None
    assert belief[1] <= 0.5


def test_middle_response_sustainable_only_if_it_beats_the_mixture() -> None:
    def game(middle: float) -> SignallingGame:
        return SignallingGame(
            ["a", "b"], [0.5, 0.5], ["m"], ["x", "mid", "y"],
            np.zeros((2, 1, 3)), [[[1, middle, 0]], [[0, middle, 1]]],
        )

    assert game(0.6).sustainable_responses("m") == (0, 1, 2)
    assert game(0.6).belief_interval("m", "mid") == pytest.approx((0.4, 0.6))
    assert game(0.4).sustainable_responses("m") == (0, 2)  # 0.4 < 1/2 at every belief
    assert game(0.4).belief_interval("m", "mid") is None
    assert game(0.4).supporting_belief("m", "mid") is None


def _lp_sustainable(payoffs: np.ndarray, response: int) -> bool:
    """An independent check: is some belief a best-response belief? (LP)."""
    k, n = payoffs.shape
    others = [r for r in range(n) if r != response]
    if not others:
        return True
    gains = payoffs[:, [response]] - payoffs[:, others]
    result = linprog(
        np.zeros(k), A_ub=-gains.T, b_ub=np.full(len(others), 1e-9),
        A_eq=np.ones((1, k)), b_eq=[1.0], bounds=(0, None), method="highs",
    )
    return bool(result.status == 0)


@pytest.mark.parametrize("seed", range(20))
def test_sustainable_responses_agree_with_an_lp(seed: int) -> None:
    rng = np.random.default_rng(seed)
    T, R = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    receiver = rng.integers(0, 4, size=(T, 1, R)).astype(float)
    game = SignallingGame(
        [f"t{t}" for t in range(T)], np.full(T, 1 / T), ["m"],
        [f"r{r}" for r in range(R)], np.zeros((T, 1, R)), receiver,
    )
    expected = tuple(r for r in range(R) if _lp_sustainable(receiver[:, 0, :], r))
    assert game.sustainable_responses("m") == expected
    for r in range(R):
        belief = game.supporting_belief("m", r)
        assert (belief is not None) == (r in expected)
        if belief is not None:
            values = game.receiver_values("m", belief)
            assert values[r] >= values.max() - 1e-9 * game.payoff_ranges[1]


def test_degenerate_prior_restricts_admissible_beliefs() -> None:
    game = beer_quiche((1.0, 0.0))
    assert game.belief_support("beer") == (0,)
    assert game.sustainable_responses("beer") == (0,)  # the receiver knows: weak
    assert game.belief_interval("beer", "duel") == (0.0, 0.0)
    assert game.belief_interval("beer", "no duel") is None
    # beliefs over a subset can be asked for explicitly
    assert game.sustainable_responses("beer", types=["strong"]) == (1,)
    allowed = np.array([[True, False], [True, True]])
    game = SignallingGame(
        ["weak", "strong"], [1.0, 0.0], ["beer", "quiche"], ["duel", "no duel"],
        SENDER, RECEIVER, allowed=allowed,
    )
    # only the (zero-probability) strong type may eat quiche
    assert game.belief_support("quiche") == (1,)


def test_pure_strategy_payoffs() -> None:
    game = beer_quiche()
    np.testing.assert_array_equal(game.expected_sender_payoffs([0, 0], [1, 0]), [2, 3])
    assert game.expected_receiver_payoff([0, 0], [1, 0]) == pytest.approx(0.9)
    with pytest.raises(InvalidArgumentError, match="message index per type"):
        game.expected_sender_payoffs([0, 2], [1, 0])
    allowed = np.array([[True, False], [True, True]])
    restricted = SignallingGame(
        game.types, game.prior, game.messages, game.responses,
        SENDER, RECEIVER, allowed=allowed,
    )
    with pytest.raises(InvalidArgumentError, match="may not send"):
        restricted.expected_sender_payoffs([1, 0], [0, 0])


def test_to_extensive_has_the_signalling_structure() -> None:
    game = beer_quiche()
    tree = game.to_extensive()
    assert tree.players == ("sender", "receiver")
    keys = sorted((s.player, s.key) for s in tree.infosets)
    assert keys == [
        (0, ("type", "strong")), (0, ("type", "weak")),
        (1, ("message", "beer")), (1, ("message", "quiche")),
    ]
    receiver_sets = [s for s in tree.infosets if s.player == 1]
    assert all(len(s.nodes) == 2 and s.actions == ("duel", "no duel") for s in receiver_sets)
    assert tree.perfect_recall
    # the strong type having beer, unchallenged: payoffs (3, 1)
    profile = [
        np.array([1.0, 0.0]) if s.player == 0 else np.array([0.0, 1.0])
        for s in tree.infosets
    ]
    np.testing.assert_allclose(tree.expected_payoffs(profile), [0.1 * 2 + 0.9 * 3, 0.9])


def test_from_extensive_inverts_to_extensive() -> None:
    allowed = np.array([[True, True, False], [True, False, True]])
    sender = np.arange(12, dtype=float).reshape(2, 3, 2)
    receiver = -sender
    game = SignallingGame(
        ["lo", "hi"], [0.25, 0.75], ["a", "b", "c"], ["yes", "no"], sender, receiver,
        players=("Japan", "Russia"), allowed=allowed,
    )
    back = SignallingGame.from_extensive(game.to_extensive())
    assert back.types == game.types
    assert back.messages == game.messages
    assert back.responses == game.responses
    assert back.players == game.players
    np.testing.assert_array_equal(back.prior, game.prior)
    np.testing.assert_array_equal(back.allowed, allowed)
    np.testing.assert_array_equal(
        np.where(allowed[:, :, None], back.sender_payoffs, 0),
        np.where(allowed[:, :, None], sender, 0),
    )
    np.testing.assert_array_equal(
        np.where(allowed[:, :, None], back.receiver_payoffs, 0),
        np.where(allowed[:, :, None], receiver, 0),
    )


def test_from_extensive_refuses_other_trees() -> None:
    from kurilsim import ExtensiveFormGame
    from kurilsim.games.extensive import Choice
    from kurilsim.games.sequential import Chance, Terminal

    def leaf(x: float) -> Terminal:
        return Terminal((x, -x))

    no_chance = ExtensiveFormGame(
        Choice("S", "s", [("m", Choice("R", "r", [("x", leaf(0)), ("y", leaf(1))]))]),
        players=["S", "R"],
    )
    with pytest.raises(InvalidGameError, match="root must be a chance node"):
        SignallingGame.from_extensive(no_chance)
    # the receiver can tell the types apart after message m: not a signalling game
    seen = ExtensiveFormGame(
        Chance((
            ("a", 0.5, Choice("S", "sa", [("m", Choice("R", "ra", [("x", leaf(0))]))])),
            ("b", 0.5, Choice("S", "sb", [("m", Choice("R", "rb", [("x", leaf(1))]))])),
        )),
        players=["S", "R"],
    )
    with pytest.raises(InvalidGameError, match="must form one information set"):
        SignallingGame.from_extensive(seen)
    with pytest.raises(InvalidArgumentError, match="must be an ExtensiveFormGame"):
        SignallingGame.from_extensive("tree")  # type: ignore[arg-type]
