"""Finite sequential games of perfect information (game trees).

A tree is built from three node types -- :class:`Decision` (a player chooses
among labelled actions), :class:`Chance` (nature draws an action with given
probabilities) and :class:`Terminal` (payoffs, and optionally an outcome
object such as an agreement) -- and wrapped in an immutable
:class:`SequentialGame`, which stores it flattened in preorder for fast
backward induction (:func:`kurilsim.solve_spe`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._checks import check_int, check_strings, describe, real_array
from kurilsim._errors import InvalidGameError

__all__ = ["Chance", "Decision", "Node", "SequentialGame", "Terminal"]


@dataclass(frozen=True, slots=True)
class Terminal:
    """A leaf: every player's payoff, and the outcome it stands for.

    Parameters
    ----------
    payoffs : array_like
        One payoff per player.
    outcome : hashable, optional
        What the leaf means (e.g. an agreement index); reported by solvers.
    label : str, optional
    """

    payoffs: tuple[float, ...]
    outcome: Hashable = None
    label: str = ""

    def __post_init__(self) -> None:
        try:
            values = np.asarray(self.payoffs, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidGameError(
                f"terminal payoffs must be numbers, got {self.payoffs!r}"
            ) from error
        if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
            raise InvalidGameError(
                f"terminal payoffs must be a non-empty 1-D sequence of finite "
                f"numbers, got {self.payoffs!r}"
            )
        object.__setattr__(self, "payoffs", tuple(float(v) for v in values))
        if not isinstance(self.outcome, Hashable):
            raise InvalidGameError(
                f"a terminal's outcome must be hashable (a number, string, tuple, "
                f"...), got {describe(self.outcome)}"
            )
        _check_label(self.label)


@dataclass(frozen=True, slots=True)
class Decision:
    """A node where ``player`` chooses one of the labelled ``moves``.

    Parameters
    ----------
    player : int or str
        Index or name of the player who moves.
    moves : mapping of str to Node, or sequence of (str, Node) pairs
        Action label to subtree; the order is the action order (used for
        tie-breaking).
    label : str, optional
    """

    player: int | str
    moves: tuple[tuple[str, Node], ...]
    label: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.player, bool | np.bool_) or not isinstance(
            self.player, str | numbers.Integral
        ):
            raise InvalidGameError(
                f"a Decision node's player must be a name or an index, got "
                f"{describe(self.player)}"
            )
        object.__setattr__(self, "moves", _moves(self.moves, "Decision"))
        _check_label(self.label)


@dataclass(frozen=True, slots=True)
class Chance:
    """A node where nature draws an action.

    Parameters
    ----------
    moves : sequence of (str, float, Node) triples
        Action label, probability, subtree; probabilities must be ≥ 0 and
        sum to one.
    label : str, optional
    """

    moves: tuple[tuple[str, float, Node], ...]
    label: str = ""

    def __post_init__(self) -> None:
        if (
            isinstance(self.moves, str | bytes | Mapping)
            or not isinstance(self.moves, Sequence)
            or not self.moves
            or not all(
                isinstance(move, Sequence)
                and not isinstance(move, str | bytes)
                and len(move) == 3
                for move in self.moves
            )
        ):
            raise InvalidGameError(
                "a Chance node's moves must be a non-empty sequence of (action, "
                f"probability, subtree) triples, got {describe(self.moves)}"
            )
        moves = tuple(tuple(move) for move in self.moves)
        probabilities = real_array(
            [move[1] for move in moves],
            "chance probabilities",
            finite=False,
            error=InvalidGameError,
        )
        if np.any(~np.isfinite(probabilities)) or np.any(probabilities < 0) or not (
            math.isclose(probabilities.sum(), 1.0, abs_tol=1e-9)
        ):
            raise InvalidGameError(
                f"chance probabilities must be >= 0 and sum to 1, got "
                f"{probabilities.tolist()}"
            )
        for move in moves:
            _check_child(move[2], "Chance")
        object.__setattr__(
            self,
            "moves",
            tuple(
                (str(move[0]), float(probability), move[2])
                for move, probability in zip(moves, probabilities, strict=True)
            ),
        )
        _check_label(self.label)


Node = Union[Terminal, Decision, Chance]  # noqa: UP007 - runtime alias


def _check_label(label: object) -> None:
    if not isinstance(label, str):
        raise InvalidGameError(f"a node's label must be a string, got {describe(label)}")


def _check_child(child: object, owner: str) -> None:
    if not isinstance(child, Terminal | Decision | Chance):
        raise InvalidGameError(
            f"a {owner} node's subtrees must be Terminal, Decision or Chance nodes, "
            f"got {child!r}"
        )


def _moves(
    moves: Mapping[str, Node] | Sequence[tuple[str, Node]], owner: str
) -> tuple[tuple[str, Node], ...]:
    if isinstance(moves, Mapping):
        items = list(moves.items())
    elif isinstance(moves, Sequence) and not isinstance(moves, str | bytes):
        items = list(moves)
    else:
        raise InvalidGameError(
            f"a {owner} node's moves must be a mapping of action to subtree or a "
            f"sequence of (action, subtree) pairs, got {describe(moves)}"
        )
    if not items:
        raise InvalidGameError(f"a {owner} node needs at least one move")
    result = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise InvalidGameError(
                f"a {owner} node's moves must be (action, subtree) pairs, got {item!r}"
            )
        action, child = item
        _check_child(child, owner)
        result.append((str(action), child))
    labels = [action for action, _ in result]
    repeated = duplicates(labels)
    if repeated:
        raise InvalidGameError(f"a {owner} node has duplicate actions {repeated}")
    return tuple(result)


#: Node kinds in :attr:`SequentialGame.kind`.
TERMINAL, DECISION, CHANCE = 0, 1, 2


@dataclass(frozen=True, slots=True, eq=False)
class SequentialGame:
    """An immutable finite game tree with perfect information.

    Parameters
    ----------
    root : Decision, Chance or Terminal
        The tree.
    players : sequence of str
        Player names; every terminal has one payoff per player and every
        decision node names a player by index or name.

    Attributes
    ----------
    kind : ndarray of int
        Per node (preorder, root 0): 0 terminal, 1 decision, 2 chance.
    player : ndarray of int
        Mover of each decision node (-1 elsewhere).
    children : tuple of tuple of int
        Child node ids of each node, in action order.
    actions : tuple of tuple of str
        Action labels of each node.
    probabilities : tuple of ndarray
        Chance probabilities (empty for other nodes).
    payoffs : ndarray
        ``(n_nodes, n_players)``, filled on terminal rows (NaN elsewhere).
    outcomes : tuple
        The terminal's outcome object (None elsewhere).
    labels : tuple of str
        Node labels.

    Examples
    --------
    An ultimatum game over a pie of 2 in whole units:

    >>> from kurilsim import Decision, SequentialGame, Terminal
    >>> def respond(offer):
    ...     return Decision("responder", {
    ...         "accept": Terminal((2 - offer, offer), outcome=offer),
    ...         "reject": Terminal((0, 0), outcome=None)})
    >>> game = SequentialGame(
    ...     Decision("proposer", {f"offer {k}": respond(k) for k in range(3)}),
    ...     players=["proposer", "responder"])
    >>> game.n_nodes, game.n_players
    (10, 2)
    """

    root: Node
    players: tuple[str, ...]
    kind: NDArray[np.int8] = field(init=False, repr=False)
    player: NDArray[np.intp] = field(init=False, repr=False)
    children: tuple[tuple[int, ...], ...] = field(init=False, repr=False)
    actions: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    probabilities: tuple[NDArray[np.float64], ...] = field(init=False, repr=False)
    payoffs: NDArray[np.float64] = field(init=False, repr=False)
    outcomes: tuple[Hashable, ...] = field(init=False, repr=False)
    labels: tuple[str, ...] = field(init=False, repr=False)
    parent: NDArray[np.intp] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        players = check_strings(self.players, "players", error=InvalidGameError)
        if not players or not all(players):
            raise InvalidGameError(
                "players must be a non-empty sequence of names, got "
                f"{describe(self.players)}"
            )
        if len(set(players)) != len(players):
            raise InvalidGameError(f"duplicate player names in {players!r}")
        if not isinstance(self.root, Terminal | Decision | Chance):
            raise InvalidGameError(
                "root must be a Terminal, Decision or Chance node, got "
                f"{describe(self.root)}"
            )
        kinds: list[int] = []
        movers: list[int] = []
        children: list[list[int]] = []
        actions: list[tuple[str, ...]] = []
        probabilities: list[NDArray[np.float64]] = []
        payoff_rows: list[tuple[float, ...] | None] = []
        outcomes: list[Hashable] = []
        labels: list[str] = []
        parents: list[int] = []
        stack: list[tuple[Node, int]] = [(self.root, -1)]
        while stack:
            node, parent = stack.pop()
            index = len(kinds)
            parents.append(parent)
            if parent >= 0:
                children[parent].append(index)
            labels.append(node.label)
            children.append([])
            if isinstance(node, Terminal):
                if len(node.payoffs) != len(players):
                    raise InvalidGameError(
                        f"terminal {node.label or index} has {len(node.payoffs)} "
                        f"payoffs, expected {len(players)} (one per player)"
                    )
                kinds.append(TERMINAL)
                movers.append(-1)
                actions.append(())
                probabilities.append(np.empty(0))
                payoff_rows.append(node.payoffs)
                outcomes.append(node.outcome)
                continue
            payoff_rows.append(None)
            outcomes.append(None)
            if isinstance(node, Decision):
                kinds.append(DECISION)
                movers.append(self._player_index(node.player, players))
                actions.append(tuple(action for action, _ in node.moves))
                probabilities.append(np.empty(0))
                subtrees = [child for _, child in node.moves]
            else:
                kinds.append(CHANCE)
                movers.append(-1)
                actions.append(tuple(action for action, _, _ in node.moves))
                probabilities.append(
                    readonly(np.array([p for _, p, _ in node.moves]))
                )
                subtrees = [child for _, _, child in node.moves]
            # push in reverse so children are visited (and numbered) in order
            stack.extend((child, index) for child in reversed(subtrees))
        n = len(kinds)
        payoffs = np.full((n, len(players)), np.nan)
        for index, row in enumerate(payoff_rows):
            if row is not None:
                payoffs[index] = row
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "kind", readonly(np.array(kinds, dtype=np.int8)))
        object.__setattr__(self, "player", readonly(np.array(movers, dtype=np.intp)))
        object.__setattr__(self, "children", tuple(tuple(c) for c in children))
        object.__setattr__(self, "actions", tuple(actions))
        object.__setattr__(self, "probabilities", tuple(probabilities))
        object.__setattr__(self, "payoffs", readonly(payoffs))
        object.__setattr__(self, "outcomes", tuple(outcomes))
        object.__setattr__(self, "labels", tuple(labels))
        object.__setattr__(self, "parent", readonly(np.array(parents, dtype=np.intp)))

    @staticmethod
    def _player_index(player: int | str, players: tuple[str, ...]) -> int:
        if isinstance(player, str):
            if player not in players:
                raise InvalidGameError(
                    f"decision node names unknown player {player!r}; players are "
                    f"{list(players)}"
                )
            return players.index(player)
        if isinstance(player, bool) or not isinstance(player, int | np.integer):
            raise InvalidGameError(f"a player must be a name or an index, got {player!r}")
        if not 0 <= player < len(players):
            raise InvalidGameError(
                f"player index {player} out of range for {len(players)} players"
            )
        return int(player)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.kind)

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def decision_nodes(self) -> NDArray[np.intp]:
        """Ids of the decision nodes."""
        nodes: NDArray[np.intp] = np.flatnonzero(self.kind == DECISION)
        return nodes

    @property
    def terminal_nodes(self) -> NDArray[np.intp]:
        """Ids of the terminal nodes."""
        nodes: NDArray[np.intp] = np.flatnonzero(self.kind == TERMINAL)
        return nodes

    @property
    def payoff_range(self) -> NDArray[np.float64]:
        """Each player's payoff range over the terminals (0 if constant)."""
        terminal = self.payoffs[self.terminal_nodes]
        spread: NDArray[np.float64] = terminal.max(axis=0) - terminal.min(axis=0)
        return spread

    def node_description(self, node: int) -> str:
        """A readable description of a node: its label or its history."""
        node = check_int(node, "node", low=0, high=self.n_nodes - 1, error=InvalidGameError)
        if self.labels[node]:
            return self.labels[node]
        history = []
        while self.parent[node] >= 0:
            parent = int(self.parent[node])
            history.append(self.actions[parent][self.children[parent].index(node)])
            node = parent
        return " / ".join(reversed(history)) or "root"

    def with_payoffs(self, payoffs: ArrayLike) -> SequentialGame:
        """The same tree with new terminal payoffs ``(n_terminals, n_players)``.

        Rows follow :attr:`terminal_nodes` (preorder).
        """
        values = real_array(payoffs, "payoffs", error=InvalidGameError)
        terminals = self.terminal_nodes
        if values.shape != (len(terminals), self.n_players):
            raise InvalidGameError(
                f"expected payoffs of shape {(len(terminals), self.n_players)}, got "
                f"{values.shape}"
            )
        rows = iter(values)

        def rebuild(node: Node) -> Node:
            if isinstance(node, Terminal):
                return Terminal(tuple(next(rows)), node.outcome, node.label)
            if isinstance(node, Decision):
                return Decision(
                    node.player, tuple((a, rebuild(c)) for a, c in node.moves), node.label
                )
            return Chance(
                tuple((a, p, rebuild(c)) for a, p, c in node.moves), node.label
            )

        return SequentialGame(rebuild(self.root), self.players)
