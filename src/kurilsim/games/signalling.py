"""Finite signalling games: an informed sender, a message, an uninformed receiver.

Nature draws the sender's *type* from a prior; the sender, who sees it,
sends a *message*; the receiver sees the message (not the type) and chooses
a *response*.  Payoffs depend on all three.  This is the class of games of
Spence's job market (1973) and of Cho and Kreps's beer-quiche example
(1987); its equilibria are computed by :mod:`kurilsim.solvers.pbe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._checks import check_int, check_real, check_strings, describe, real_array
from kurilsim._errors import InvalidArgumentError, InvalidGameError
from kurilsim._lp import highs_linprog

if TYPE_CHECKING:
    from kurilsim.games.extensive import ExtensiveFormGame

__all__ = ["DEFAULT_TOL", "SignallingGame"]

#: Default relative tolerance of best-response comparisons (times the payoff range).
DEFAULT_TOL = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class SignallingGame:
    """An immutable finite signalling game.

    Parameters
    ----------
    types : sequence of str
        Labels of the sender's types (distinct).
    prior : array_like
        The probability of each type: non-negative, summing to one (within
        ``1e-9``; stored renormalised).  Zeros are allowed (a degenerate
        prior): a type of probability zero still chooses a best message, but
        no belief ever puts weight on it where a type of positive
        probability could have sent the message.
    messages : sequence of str
        Labels of the sender's messages (distinct).
    responses : sequence of str
        Labels of the receiver's responses (distinct), the same after every
        message.
    sender_payoffs, receiver_payoffs : array_like
        Arrays of shape ``(n_types, n_messages, n_responses)``: entry
        ``[t, m, r]`` is the payoff when type ``t`` sends ``m`` and the
        receiver answers ``r``.  Finite numbers.
    players : pair of str, optional
        The sender's and the receiver's names (default ``("sender",
        "receiver")``).
    allowed : array_like of bool, optional
        ``(n_types, n_messages)``: which messages each type may send (default
        all).  Every type must have a message and every message a type.

    Raises
    ------
    InvalidGameError
        If a shape, label, prior or payoff is not valid; the message names it.

    Notes
    -----
    The receiver's *admissible beliefs* at message ``m`` are the probability
    vectors over the types that may send ``m`` and have positive prior
    probability (:meth:`belief_support`); only if no such type exists, over
    all types that may send ``m``.  With a prior of full support and every
    message allowed, that is every belief over the types.

    Examples
    --------
    Beer-quiche (Cho and Kreps 1987): a weak (0.1) or strong (0.9) sender has
    beer or quiche for breakfast; the receiver duels or not.

    >>> import numpy as np
    >>> from kurilsim import SignallingGame
    >>> # sender: 1 for the preferred breakfast (weak: quiche, strong: beer) + 2 for no duel
    >>> sender = np.array([[[0, 2], [1, 3]], [[1, 3], [0, 2]]])
    >>> # receiver: 1 for duelling the weak, 1 for not duelling the strong
    >>> receiver = np.array([[[1, 0], [1, 0]], [[0, 1], [0, 1]]])
    >>> game = SignallingGame(["weak", "strong"], [0.1, 0.9], ["beer", "quiche"],
    ...                       ["duel", "no duel"], sender, receiver)
    >>> game.shape
    (2, 2, 2)
    >>> game.receiver_best_responses("quiche", [0.1, 0.9])
    (1,)
    >>> game.sustainable_responses("quiche")
    (0, 1)
    >>> game.belief_interval("quiche", "duel")  # P(strong) at which duelling is a best response
    (0.0, 0.5)
    """

    types: tuple[str, ...]
    prior: NDArray[np.float64]
    messages: tuple[str, ...]
    responses: tuple[str, ...]
    sender_payoffs: NDArray[np.float64]
    receiver_payoffs: NDArray[np.float64]
    _: KW_ONLY
    players: tuple[str, ...] = ("sender", "receiver")
    allowed: NDArray[np.bool_] | None = None
    _ranges: NDArray[np.float64] = field(init=False, repr=False)

    def __init__(
        self,
        types: Sequence[str],
        prior: ArrayLike,
        messages: Sequence[str],
        responses: Sequence[str],
        sender_payoffs: ArrayLike,
        receiver_payoffs: ArrayLike,
        *,
        players: Sequence[str] = ("sender", "receiver"),
        allowed: ArrayLike | None = None,
    ) -> None:
        types = _labels(types, "types")
        messages = _labels(messages, "messages")
        responses = _labels(responses, "responses")
        shape = (len(types), len(messages), len(responses))
        given_players = players
        players = _labels(players, "players")
        if len(players) != 2:
            raise InvalidGameError(
                f"players must name the sender and the receiver, got {given_players!r}"
            )
        given_prior = prior
        prior = real_array(prior, "prior", ndim=1, error=InvalidGameError)
        if prior.shape != (shape[0],):
            raise InvalidGameError(
                f"prior must give a probability for each of the {shape[0]} types, "
                f"got {describe(given_prior)}"
            )
        if np.any(prior < 0) or abs(float(prior.sum()) - 1.0) > 1e-9:
            raise InvalidGameError(
                f"prior must be non-negative and sum to 1, got {describe(given_prior)}"
            )
        prior = readonly(prior / prior.sum())
        arrays = []
        for name, value in (
            ("sender_payoffs", sender_payoffs),
            ("receiver_payoffs", receiver_payoffs),
        ):
            array = real_array(value, name, error=InvalidGameError)
            if array.shape != shape:
                raise InvalidGameError(
                    f"{name} must have shape (n_types, n_messages, n_responses) = "
                    f"{shape}, got {array.shape}"
                )
            arrays.append(readonly(array))
        if allowed is None:
            permitted = np.ones(shape[:2], dtype=bool)
        else:
            raw = np.asarray(allowed)
            if raw.dtype != np.bool_ or raw.shape != shape[:2]:
                raise InvalidGameError(
                    f"allowed must be a boolean array of shape (n_types, n_messages) = "
                    f"{shape[:2]}, got {describe(allowed)}"
                )
            permitted = raw.copy()
        mute = np.flatnonzero(~permitted.any(axis=1))
        if mute.size:
            raise InvalidGameError(
                f"type {types[int(mute[0])]!r} may send no message; allow at least one"
            )
        unsent = np.flatnonzero(~permitted.any(axis=0))
        if unsent.size:
            raise InvalidGameError(
                f"message {messages[int(unsent[0])]!r} may be sent by no type; "
                "drop it or allow a type to send it"
            )
        spans = np.array([float(a.max() - a.min()) for a in arrays])
        if not np.all(np.isfinite(spans)):
            raise InvalidGameError("the payoffs span more than the largest float; rescale them")
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "messages", messages)
        object.__setattr__(self, "responses", responses)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "prior", prior)
        object.__setattr__(self, "sender_payoffs", arrays[0])
        object.__setattr__(self, "receiver_payoffs", arrays[1])
        object.__setattr__(self, "allowed", readonly(permitted))
        object.__setattr__(self, "_ranges", readonly(np.where(spans > 0, spans, 1.0)))

    # ----------------------------------------------------------------- shape
    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_types, n_messages, n_responses)``."""
        return (len(self.types), len(self.messages), len(self.responses))

    @property
    def n_types(self) -> int:
        """Number of sender types."""
        return len(self.types)

    @property
    def n_messages(self) -> int:
        """Number of messages."""
        return len(self.messages)

    @property
    def n_responses(self) -> int:
        """Number of receiver responses."""
        return len(self.responses)

    @property
    def payoff_ranges(self) -> NDArray[np.float64]:
        """The sender's and the receiver's payoff spreads ``max - min`` (1.0 if 0).

        Tolerances are relative to these: a response within ``tol *
        payoff_ranges[1]`` of the best is a best response.
        """
        return self._ranges

    @property
    def senders_allowed(self) -> NDArray[np.bool_]:
        """``allowed`` as a (read-only) array, never ``None``."""
        assert self.allowed is not None  # set in __post_init__
        return self.allowed

    # --------------------------------------------------------------- lookups
    def message_index(self, message: int | str) -> int:
        """The index of a message given by index or label."""
        return _index(message, self.messages, "message")

    def response_index(self, response: int | str) -> int:
        """The index of a response given by index or label."""
        return _index(response, self.responses, "response")

    def type_index(self, type_: int | str) -> int:
        """The index of a type given by index or label."""
        return _index(type_, self.types, "type")

    def belief_support(self, message: int | str) -> tuple[int, ...]:
        """The types an admissible belief at ``message`` may put weight on.

        Those that may send the message and have positive prior probability;
        if there are none, all types that may send it.

        Examples
        --------
        >>> from kurilsim import SignallingGame
        >>> game = SignallingGame(["a", "b"], [1.0, 0.0], ["m"], ["r"],
        ...                       [[[0]], [[0]]], [[[0]], [[0]]])
        >>> game.belief_support("m")
        (0,)
        """
        m = self.message_index(message)
        senders = self.senders_allowed[:, m]
        support = senders & (self.prior > 0)
        chosen = support if support.any() else senders
        return tuple(int(t) for t in np.flatnonzero(chosen))

    # ----------------------------------------------------- receiver's choice
    def _belief(self, belief: ArrayLike) -> NDArray[np.float64]:
        mu = real_array(belief, "belief", ndim=1)
        if mu.shape != (self.n_types,) or np.any(mu < 0) or abs(float(mu.sum()) - 1) > 1e-9:
            raise InvalidArgumentError(
                f"belief must be a probability vector over the {self.n_types} types, "
                f"got {describe(belief)}"
            )
        return mu

    def receiver_values(self, message: int | str, belief: ArrayLike) -> NDArray[np.float64]:
        """The receiver's expected payoff of each response at ``message`` under ``belief``."""
        m = self.message_index(message)
        return expected_values(self.receiver_payoffs[:, m, :], self._belief(belief))

    def receiver_best_responses(
        self, message: int | str, belief: ArrayLike, *, tol: float = DEFAULT_TOL
    ) -> tuple[int, ...]:
        """The receiver's best responses at ``message`` to ``belief`` over the types.

        A response is a best response when its expected payoff is within
        ``tol * payoff_ranges[1]`` of the best (ties are all returned).

        Examples
        --------
        >>> from kurilsim import SignallingGame
        >>> game = SignallingGame(["a", "b"], [0.5, 0.5], ["m"], ["x", "y"],
        ...                       [[[0, 0]], [[0, 0]]], [[[1, 0]], [[0, 1]]])
        >>> game.receiver_best_responses("m", [0.5, 0.5])
        (0, 1)
        """
        tol = check_real(tol, "tol", low=0, high=1, high_open=True)
        values = self.receiver_values(message, belief)
        return tuple(int(r) for r in best_of(values, tol * float(self._ranges[1])))

    def sustainable_responses(
        self,
        message: int | str,
        types: Sequence[int | str] | None = None,
        *,
        tol: float = DEFAULT_TOL,
    ) -> tuple[int, ...]:
        """Responses that are a best response at ``message`` to SOME belief.

        Parameters
        ----------
        message : int or str
        types : sequence of int or str, optional
            The types the beliefs may put weight on (default
            :meth:`belief_support` of the message).
        tol : float
            Relative tolerance of the best-response comparison.

        Notes
        -----
        With two responses, the gain of one over the other is linear in the
        belief, so a response is sustainable iff it is a best response to a
        belief concentrated on one type (a vertex of the simplex).  With two
        types and more responses the supporting beliefs form an interval
        (:meth:`belief_interval`); otherwise a linear program (HiGHS) decides
        whether the polytope of supporting beliefs is empty.

        Examples
        --------
        >>> from kurilsim import SignallingGame
        >>> # the middle response is best only for beliefs near 1/2
        >>> game = SignallingGame(["a", "b"], [0.5, 0.5], ["m"], ["x", "mid", "y"],
        ...                       [[[0, 0, 0]], [[0, 0, 0]]],
        ...                       [[[1, 0.6, 0]], [[0, 0.6, 1]]])
        >>> game.sustainable_responses("m")
        (0, 1, 2)
        """
        tol = check_real(tol, "tol", low=0, high=1, high_open=True)
        m = self.message_index(message)
        support = self._types(message, types)
        payoffs = self.receiver_payoffs[support, m, :]
        slack = tol * float(self._ranges[1])
        return tuple(
            r for r in range(self.n_responses) if supporting_belief(payoffs, r, slack) is not None
        )

    def supporting_belief(
        self,
        message: int | str,
        response: int | str,
        types: Sequence[int | str] | None = None,
        *,
        tol: float = DEFAULT_TOL,
    ) -> NDArray[np.float64] | None:
        """A belief over all types at which ``response`` is a best response, or None.

        The belief puts weight only on ``types`` (default
        :meth:`belief_support`).  For two types it is the midpoint of
        :meth:`belief_interval`; otherwise a vertex of the supporting set.
        """
        tol = check_real(tol, "tol", low=0, high=1, high_open=True)
        m = self.message_index(message)
        r = self.response_index(response)
        support = self._types(message, types)
        local = supporting_belief(
            self.receiver_payoffs[support, m, :], r, tol * float(self._ranges[1])
        )
        if local is None:
            return None
        belief = np.zeros(self.n_types)
        belief[list(support)] = local
        return belief

    def belief_interval(
        self,
        message: int | str,
        response: int | str,
        *,
        tol: float = DEFAULT_TOL,
    ) -> tuple[float, float] | None:
        """Two types: the probabilities of ``types[1]`` at which ``response`` is best.

        Returns ``(low, high)``, or ``None`` if no belief supports the
        response.  Beliefs are restricted to :meth:`belief_support`: if only
        one type may be believed in, the interval is a point (0 or 1).

        Raises
        ------
        InvalidArgumentError
            If the game does not have exactly two types.
        """
        if self.n_types != 2:
            raise InvalidArgumentError(
                f"belief_interval needs a game with two types, this one has {self.n_types}"
            )
        tol = check_real(tol, "tol", low=0, high=1, high_open=True)
        m = self.message_index(message)
        r = self.response_index(response)
        support = self.belief_support(m)
        slack = tol * float(self._ranges[1])
        if len(support) == 1:
            ok = supporting_belief(self.receiver_payoffs[support, m, :], r, slack) is not None
            point = float(support[0])
            return (point, point) if ok else None
        return interval_two(self.receiver_payoffs[:, m, :], r, slack)

    def _types(self, message: int | str, types: Sequence[int | str] | None) -> list[int]:
        if types is None:
            return list(self.belief_support(message))
        if isinstance(types, str) or not isinstance(types, Sequence | np.ndarray):
            raise InvalidArgumentError(
                f"types must be a sequence of types, got {describe(types)}"
            )
        chosen = sorted({self.type_index(t) for t in types})
        if not chosen:
            raise InvalidArgumentError("types must name at least one type, got none")
        return chosen

    # ------------------------------------------------------------- payoffs
    def expected_sender_payoffs(
        self, sender: ArrayLike, receiver: ArrayLike
    ) -> NDArray[np.float64]:
        """Each type's payoff when it sends ``sender[t]`` and the receiver
        answers message ``m`` with ``receiver[m]`` (pure strategies)."""
        s, r = self._pure(sender, receiver)
        return self.sender_payoffs[np.arange(self.n_types), s, r[s]]

    def expected_receiver_payoff(self, sender: ArrayLike, receiver: ArrayLike) -> float:
        """The receiver's ex-ante expected payoff under pure strategies."""
        s, r = self._pure(sender, receiver)
        values = self.receiver_payoffs[np.arange(self.n_types), s, r[s]]
        return float(np.sum(self.prior * values))

    def _pure(
        self, sender: ArrayLike, receiver: ArrayLike
    ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        s = np.asarray(sender)
        r = np.asarray(receiver)
        if (
            s.shape != (self.n_types,)
            or r.shape != (self.n_messages,)
            or s.dtype.kind not in "iu"
            or r.dtype.kind not in "iu"
            or np.any((s < 0) | (s >= self.n_messages))
            or np.any((r < 0) | (r >= self.n_responses))
        ):
            raise InvalidArgumentError(
                f"sender must give a message index per type ({self.n_types}) and "
                f"receiver a response index per message ({self.n_messages}), got "
                f"{describe(sender)} and {describe(receiver)}"
            )
        if not np.all(self.senders_allowed[np.arange(self.n_types), s]):
            bad = int(np.flatnonzero(~self.senders_allowed[np.arange(self.n_types), s])[0])
            raise InvalidArgumentError(
                f"type {self.types[bad]!r} may not send message {self.messages[int(s[bad])]!r}"
            )
        return s.astype(np.intp), r.astype(np.intp)

    # ---------------------------------------------------------- conversions
    @classmethod
    def from_extensive(cls, game: ExtensiveFormGame) -> SignallingGame:
        """The signalling game an extensive-form game describes.

        The tree must be: a chance root (its moves are the types, with the
        prior); below each, one decision node of the sender, alone in its
        information set (its actions are messages, matched across types by
        label); below each message, a node of the other player in one
        information set per message label, holding the nodes of every type
        that sends that message (its actions are the responses, the same
        labels at every set); below each response, a terminal.  Exactly two
        players.  Messages a type lacks are not ``allowed`` for it.

        Raises
        ------
        InvalidGameError
            If the tree does not have this structure; the message says where.

        Examples
        --------
        >>> from kurilsim import SignallingGame
        >>> game = SignallingGame(["a", "b"], [0.5, 0.5], ["m", "n"], ["x", "y"],
        ...                       [[[1, 0], [0, 1]], [[0, 1], [1, 0]]],
        ...                       [[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
        >>> back = SignallingGame.from_extensive(game.to_extensive())
        >>> back.messages, back.responses, back.prior.tolist()
        (('m', 'n'), ('x', 'y'), [0.5, 0.5])
        """
        from kurilsim.games.extensive import ExtensiveFormGame

        if not isinstance(game, ExtensiveFormGame):
            raise InvalidArgumentError(
                f"game must be an ExtensiveFormGame, got {describe(game)}"
            )
        if game.n_players != 2:
            raise InvalidGameError(
                f"a signalling game has two players, this tree has {game.n_players}"
            )
        kind = game.node_kind
        if int(kind[0]) != 1:
            raise InvalidGameError("a signalling game's root must be a chance node (the type)")
        row_of = {int(node): k for k, node in enumerate(game.terminal_nodes)}
        type_labels = game.node_actions[0]
        prior = np.asarray(game.chance_probabilities[0], dtype=np.float64)
        sender_nodes = game.node_children[0]
        if any(int(kind[v]) != 2 for v in sender_nodes):
            raise InvalidGameError("every chance move must lead to a decision of the sender")
        senders = {int(game.node_player[v]) for v in sender_nodes}
        if len(senders) != 1:
            raise InvalidGameError("one player must choose the message at every type")
        sender = senders.pop()
        receiver = 1 - sender
        messages: list[str] = []
        responses: tuple[str, ...] | None = None
        receiver_set: dict[str, int] = {}
        cells: dict[tuple[int, str], int] = {}  # (type, message) -> receiver node
        for t, node in enumerate(sender_nodes):
            infoset = game.infosets[int(game.node_infoset[node])]
            if len(infoset.nodes) != 1:
                raise InvalidGameError(
                    f"the sender's decision at type {type_labels[t]!r} must be an "
                    "information set of its own (the sender knows its type)"
                )
            for label, child in zip(game.node_actions[node], game.node_children[node], strict=True):
                if int(kind[child]) != 2 or int(game.node_player[child]) != receiver:
                    raise InvalidGameError(
                        f"message {label!r} of type {type_labels[t]!r} must lead to a "
                        "decision of the receiver"
                    )
                if label not in messages:
                    messages.append(label)
                here = int(game.node_infoset[child])
                if receiver_set.setdefault(label, here) != here:
                    raise InvalidGameError(
                        f"the receiver's nodes after message {label!r} must form one "
                        "information set"
                    )
                actions = game.node_actions[child]
                if responses is None:
                    responses = actions
                elif actions != responses:
                    raise InvalidGameError(
                        f"the receiver's responses must be the same after every message: "
                        f"{responses!r} and {actions!r}"
                    )
                if any(int(kind[leaf]) != 0 for leaf in game.node_children[child]):
                    raise InvalidGameError(
                        f"every response after message {label!r} must end the game"
                    )
                cells[t, label] = child
        if len(set(receiver_set.values())) != len(receiver_set):
            raise InvalidGameError("two messages share one information set of the receiver")
        assert responses is not None
        T, M, R = len(sender_nodes), len(messages), len(responses)
        payoffs = np.zeros((2, T, M, R))
        allowed = np.zeros((T, M), dtype=bool)
        for (t, label), node in cells.items():
            m = messages.index(label)
            allowed[t, m] = True
            for r, leaf in enumerate(game.node_children[node]):
                values = game.terminal_payoffs[row_of[int(leaf)]]
                payoffs[0, t, m, r] = values[sender]
                payoffs[1, t, m, r] = values[receiver]
        return cls(
            type_labels,
            prior,
            messages,
            responses,
            payoffs[0],
            payoffs[1],
            players=(game.players[sender], game.players[receiver]),
            allowed=allowed,
        )

    def to_extensive(self) -> ExtensiveFormGame:
        """The game as an extensive-form game.

        Nature draws the type (types of prior probability zero are left out:
        an extensive game's chance moves have positive probabilities); the
        sender then chooses a message at one singleton information set per
        type (key ``("type", label)``), among the messages the type may
        send; the receiver chooses a response at one information set per
        message (key ``("message", label)``) holding the nodes of every
        type that may send it.  Terminal outcomes are ``(type, message,
        response)`` label triples.
        """
        from kurilsim.games.extensive import Choice, ExtensiveFormGame
        from kurilsim.games.sequential import Chance, Node, Terminal

        branches: list[tuple[str, float, Node]] = []
        for t, label in enumerate(self.types):
            if self.prior[t] <= 0:
                continue
            moves = []
            for m, message in enumerate(self.messages):
                if not self.senders_allowed[t, m]:
                    continue
                leaves = [
                    (
                        response,
                        Terminal(
                            (float(self.sender_payoffs[t, m, r]),
                             float(self.receiver_payoffs[t, m, r])),
                            outcome=(label, message, response),
                        ),
                    )
                    for r, response in enumerate(self.responses)
                ]
                moves.append((message, Choice(1, ("message", message), leaves)))
            branches.append(
                (label, float(self.prior[t]), Choice(0, ("type", label), moves))
            )
        return ExtensiveFormGame(Chance(tuple(branches)), self.players)


def _labels(value: object, name: str) -> tuple[str, ...]:
    labels = check_strings(value, name, error=InvalidGameError)
    if not labels:
        raise InvalidGameError(f"{name} must not be empty")
    repeated = duplicates(labels)
    if repeated:
        raise InvalidGameError(f"{name} must be distinct, got {repeated[0]!r} twice")
    return labels


def _index(value: object, labels: tuple[str, ...], name: str) -> int:
    if isinstance(value, str):
        if value not in labels:
            raise InvalidArgumentError(
                f"{name} {value!r} is not one of {', '.join(map(repr, labels))}"
            )
        return labels.index(value)
    return check_int(value, name, low=0, high=len(labels) - 1)


def expected_values(payoffs: NDArray[np.float64], belief: NDArray[np.float64]) -> NDArray[np.float64]:
    """``sum_t belief[t] * payoffs[t, :]``, summed in type order.

    The one formula every part of the PBE code uses, so that the scalar
    solver and the batch kernel round identically.
    """
    total = belief[0] * payoffs[0]
    for t in range(1, len(belief)):
        total = total + belief[t] * payoffs[t]
    return np.asarray(total, dtype=np.float64)


def best_of(values: NDArray[np.float64], slack: float) -> NDArray[np.intp]:
    """Indices whose value is within ``slack`` of the largest."""
    return np.flatnonzero(values >= values.max() - slack)


def interval_two(
    payoffs: NDArray[np.float64], response: int, slack: float
) -> tuple[float, float] | None:
    """Two types: the interval of ``p = P(type 1)`` where ``response`` is within
    ``slack`` of every other response (``payoffs`` is ``(2, R)``), or None."""
    low, high = 0.0, 1.0
    for other in range(payoffs.shape[1]):
        if other == response:
            continue
        x0 = float(payoffs[0, response] - payoffs[0, other])
        x1 = float(payoffs[1, response] - payoffs[1, other])
        # (1 - p) x0 + p x1 >= -slack
        if x0 >= -slack and x1 >= -slack:
            continue
        if x0 < -slack and x1 < -slack:
            return None
        crossing = (-slack - x0) / (x1 - x0)
        crossing = min(max(crossing, 0.0), 1.0)
        if x1 > x0:
            low = max(low, crossing)
        else:
            high = min(high, crossing)
        if low > high:
            return None
    return (low, high)


def supporting_belief(
    payoffs: NDArray[np.float64], response: int, slack: float
) -> NDArray[np.float64] | None:
    """A belief over the rows of ``payoffs`` (``(k, R)``) at which ``response``
    is within ``slack`` of every other response, or None if there is none.

    Two responses: a vertex (the gain is linear in the belief).  Two rows:
    the midpoint of :func:`interval_two`.  Otherwise a linear program.
    """
    k, n = payoffs.shape
    gains = payoffs[:, [response]] - np.delete(payoffs, response, axis=1)  # (k, n-1)
    if n == 1:
        belief = np.zeros(k)
        belief[0] = 1.0
        return belief
    if n == 2 or k == 1:
        # the same comparison as best_of, row by row
        ok = np.flatnonzero(payoffs[:, response] >= payoffs.max(axis=1) - slack)
        if not ok.size:
            return None
        belief = np.zeros(k)
        belief[int(ok[0])] = 1.0
        return belief
    if k == 2:
        found = interval_two(payoffs, response, slack)
        if found is None:
            return None
        # prefer a belief at which the response is exactly a best response
        found = interval_two(payoffs, response, 0.0) or found
        p = 0.5 * (found[0] + found[1])
        return np.array([1.0 - p, p])
    # the belief with the largest margin z: max z s.t. gains^T mu >= z,
    # sum mu = 1, mu >= 0; feasible iff the optimum is >= -slack
    scale = max(float(np.abs(gains).max()), 1.0)
    c = np.zeros(k + 1)
    c[-1] = -1.0
    result = highs_linprog(
        c,
        A_ub=np.hstack([-gains.T / scale, np.ones((n - 1, 1))]),
        b_ub=np.zeros(n - 1),
        A_eq=np.hstack([np.ones((1, k)), np.zeros((1, 1))]),
        b_eq=np.ones(1),
        bounds=[(0, None)] * k + [(-2.0, 1.0)],
    )
    if result.status != 0:  # pragma: no cover - the program is always feasible
        return None
    belief = np.clip(np.asarray(result.x[:k], dtype=np.float64), 0.0, None)
    belief /= belief.sum()
    # (HiGHS solves to 1e-10 of the scaled gains: allow that much round-off)
    if not np.all(belief @ gains >= -slack - 1e-9 * scale):
        return None
    return belief
