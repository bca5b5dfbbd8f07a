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
from fractions import Fraction
from typing import Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._checks import check_int, check_strings, describe, real_array
from kurilsim._errors import InvalidGameError
from kurilsim.games.normal_form import _exact_number

__all__ = ["Chance", "Decision", "Node", "SequentialGame", "Terminal"]


@dataclass(frozen=True, slots=True)
class Terminal:
    """A leaf: every player's payoff, and the outcome it stands for.

    Parameters
    ----------
    payoffs : array_like
        One payoff per player.  Stored as floats; exact numbers that float64
        rounds (:class:`fractions.Fraction`, :class:`decimal.Decimal`, Python
        ints beyond ``2**53``) are also kept as given, in
        :attr:`exact_payoffs`.
    outcome : hashable, optional
        What the leaf means (e.g. an agreement index); reported by solvers.
    label : str, optional

    Examples
    --------
    >>> from fractions import Fraction
    >>> from kurilsim import Terminal
    >>> leaf = Terminal((Fraction(1, 3), 2))
    >>> leaf.payoffs
    (0.3333333333333333, 2.0)
    >>> leaf.is_float_exact, [str(v) for v in leaf.exact_payoffs]
    (False, ['1/3', '2'])
    """

    payoffs: tuple[float, ...]
    outcome: Hashable = None
    label: str = ""
    # The exact payoffs, kept only when float64 rounded some of them.  An init
    # field so that ``dataclasses.replace`` carries it to the copy (where it
    # is kept only if the copy has the very same float payoffs).
    _exact: tuple[Fraction, ...] | None = field(default=None, kw_only=True, repr=False)

    def __post_init__(self) -> None:
        floats, exact = _exact_numbers(self.payoffs, "terminal payoffs", strict=False)
        if not floats or not all(math.isfinite(v) for v in floats):
            raise InvalidGameError(
                f"terminal payoffs must be a non-empty 1-D sequence of finite "
                f"numbers, got {self.payoffs!r}"
            )
        object.__setattr__(self, "payoffs", floats)
        object.__setattr__(self, "_exact", _kept(floats, exact, self._exact))
        if not isinstance(self.outcome, Hashable):
            raise InvalidGameError(
                f"a terminal's outcome must be hashable (a number, string, tuple, "
                f"...), got {describe(self.outcome)}"
            )
        _check_label(self.label)

    @property
    def is_float_exact(self) -> bool:
        """Whether :attr:`payoffs` (floats) equal the payoffs as given."""
        return self._exact is None

    @property
    def exact_payoffs(self) -> tuple[Fraction, ...]:
        """The payoffs as exact rationals: as given when float64 rounded
        some of them (:attr:`is_float_exact` is ``False``), else the floats'
        own values."""
        if self._exact is not None:
            return self._exact
        return tuple(Fraction(v) for v in self.payoffs)


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
        sum to one (within ``1e-9``).  They are stored as floats; exact
        numbers that float64 rounds (:class:`fractions.Fraction`,
        :class:`decimal.Decimal`) are also kept as given, in
        :attr:`exact_probabilities`.
    label : str, optional

    Examples
    --------
    >>> from fractions import Fraction
    >>> from kurilsim import Chance, Terminal
    >>> node = Chance([("a", Fraction(1, 3), Terminal((1,))),
    ...                ("b", Fraction(2, 3), Terminal((0,)))])
    >>> [p for _, p, _ in node.moves]
    [0.3333333333333333, 0.6666666666666666]
    >>> [str(p) for p in node.exact_probabilities]
    ['1/3', '2/3']
    """

    moves: tuple[tuple[str, float, Node], ...]
    label: str = ""
    # The exact probabilities, kept only when float64 rounded some of them
    # (an init field for ``dataclasses.replace``, as in :class:`Terminal`).
    _exact: tuple[Fraction, ...] | None = field(default=None, kw_only=True, repr=False)

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
        floats, exact = _exact_numbers(
            [move[1] for move in moves], "chance probabilities", strict=True
        )
        probabilities = np.array(floats)
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
                (str(move[0]), probability, move[2])
                for move, probability in zip(moves, floats, strict=True)
            ),
        )
        object.__setattr__(self, "_exact", _kept(floats, exact, self._exact))
        _check_label(self.label)

    @property
    def is_float_exact(self) -> bool:
        """Whether the probabilities in :attr:`moves` (floats) equal those given."""
        return self._exact is None

    @property
    def exact_probabilities(self) -> tuple[Fraction, ...]:
        """The probabilities as exact rationals: as given when float64
        rounded some of them (:attr:`is_float_exact` is ``False``), else the
        floats' own values."""
        if self._exact is not None:
            return self._exact
        return tuple(Fraction(p) for _, p, _ in self.moves)


Node = Union[Terminal, Decision, Chance]  # noqa: UP007 - runtime alias


#: Integers up to this magnitude are exactly float64 values.
_EXACT_INT = 2**53


def _exact_numbers(
    values: object, what: str, *, strict: bool
) -> tuple[tuple[float, ...], tuple[Fraction, ...] | None]:
    """``values`` (a 1-D sequence of real numbers) as floats, and all their
    exact values if float64 rounded some (an exact number: ``int``,
    ``Fraction``, ``Decimal``, ...; a float stands for itself).  With
    ``strict``, strings are refused."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        items: list[object] = values.tolist()
    elif isinstance(values, Sequence) and not isinstance(values, str | bytes):
        items = list(values)
    else:
        raise InvalidGameError(
            f"{what} must be a non-empty 1-D sequence of finite numbers, got "
            f"{describe(values)}"
        )
    floats: list[float] = []
    exact: list[Fraction | None] = []
    rounded = False
    for value in items:
        if isinstance(value, float) or (
            type(value) is int and -_EXACT_INT <= value <= _EXACT_INT
        ):
            floats.append(float(value))  # exactly the value
            exact.append(None)
            continue
        if isinstance(value, complex | np.complexfloating) or (
            strict and isinstance(value, str | bytes)
        ):
            raise InvalidGameError(
                f"{what} must be an array of real numbers, got {describe(values)}"
            )
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:
            number = math.inf
        except (TypeError, ValueError):
            raise InvalidGameError(
                f"{what} must be an array of real numbers, got {describe(values)}"
            ) from None
        given = _exact_number(value)
        if (
            given is not None
            and math.isfinite(number)
            and number.as_integer_ratio() != (given.numerator, given.denominator)
        ):
            rounded = True
        floats.append(number)
        exact.append(given)
    if not rounded:
        return tuple(floats), None
    return tuple(floats), tuple(
        Fraction(f) if q is None else q for f, q in zip(floats, exact, strict=True)
    )


def _kept(
    floats: tuple[float, ...],
    exact: tuple[Fraction, ...] | None,
    given: object,
) -> tuple[Fraction, ...] | None:
    """The exact values a node keeps: those of its numbers if float64
    rounded some, else the exact values a copy was given (``_exact``) if
    they belong to the same floats and some do not equal them."""
    if exact is not None or given is None:
        return exact
    if not isinstance(given, tuple) or len(given) != len(floats):
        return None
    rounded = False
    for q, f in zip(given, floats, strict=True):
        if not isinstance(q, Fraction) or float(q) != f:
            return None
        rounded = rounded or f.as_integer_ratio() != (q.numerator, q.denominator)
    return given if rounded else None


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
                tuple((a, p, rebuild(c)) for a, p, c in node.moves),
                node.label,
                _exact=node._exact,
            )

        return SequentialGame(rebuild(self.root), self.players)
