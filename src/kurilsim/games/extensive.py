"""Finite extensive-form games with imperfect information.

A tree is built from :class:`Choice` nodes (a player chooses among labelled
actions, at a node that belongs to one of that player's *information sets*),
:class:`~kurilsim.games.sequential.Chance` nodes and
:class:`~kurilsim.games.sequential.Terminal` leaves, and wrapped in an
immutable :class:`ExtensiveFormGame`, which stores it flattened in prefix
(depth-first) order.  Every computation on the game -- realisation
probabilities, expected payoffs, beliefs, best responses, the reduced
strategic form, the sequence form -- works on these flat arrays.

A *behaviour profile* is a tuple with one probability vector per entry of
:attr:`ExtensiveFormGame.infosets` (over that set's actions).

References
----------
Kuhn, H. W. (1953). Extensive games and the problem of information. In
*Contributions to the Theory of Games II*, Annals of Mathematics Studies 28,
193-216: perfect recall, and the equivalence of mixed and behaviour
strategies under it.

Koller, D., Megiddo, N. and von Stengel, B. (1996). Efficient computation of
equilibria for extensive two-person games. *Games and Economic Behavior*
14(2), 247-259: the sequence form.

Piccione, M. and Rubinstein, A. (1997). On the interpretation of decision
problems with imperfect recall. *Games and Economic Behavior* 20(1), 3-24:
the absent-minded driver.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import numbers
import os
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_int, check_strings, describe, finite_real
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    ProblemTooLargeError,
)
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.games.sequential import (
    Chance,
    Decision,
    Node,
    SequentialGame,
    Terminal,
    _check_label,
    _moves,
)

__all__ = [
    "CHANCE",
    "DECISION",
    "EXACT_WORK",
    "MAX_PROFILES",
    "TERMINAL",
    "BehaviourProfile",
    "Chance",
    "Choice",
    "ExtensiveFormGame",
    "InformationSet",
    "SequenceForm",
    "Terminal",
]

#: Node kinds in :attr:`ExtensiveFormGame.node_kind`.
TERMINAL, CHANCE, DECISION = 0, 1, 2

#: A behaviour profile: one probability vector per information set.
BehaviourProfile = tuple[NDArray[np.float64], ...]

#: Default limit on the number of pure-strategy profiles of the reduced
#: strategic form (:meth:`ExtensiveFormGame.reduced_strategic_form`).
MAX_PROFILES = 10**6

#: Largest work (strategy profiles x terminals x players) for which
#: :meth:`ExtensiveFormGame.reduced_strategic_form` computes the payoffs of a
#: float-exact game in exact rational arithmetic (beyond it, in float64; a
#: game that keeps exact values is always computed exactly).
EXACT_WORK = 2 * 10**6

#: Largest intermediate array (entries) of the strategic-form contraction.
_CHUNK = 10**7

#: Default tolerance of profile checks (deviation from the simplex).
PROFILE_TOL = 1e-9


K = TypeVar("K")
V = TypeVar("V")


class _ReadOnlyMapping(Mapping[K, V], Generic[K, V]):
    """An immutable mapping (a dict's read-only copy) that pickles."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_ReadOnlyMapping, (self._data,))


@dataclass(frozen=True, slots=True, init=False)
class Choice(Decision):
    """A decision node that belongs to an information set.

    The player who moves at a :class:`Choice` cannot tell it apart from the
    other nodes of the same information set: every node of a set has the same
    player and the same action labels, in the same order.

    Parameters
    ----------
    player : int or str
        Index or name of the player who moves.
    infoset : hashable
        The information set's key, unique per player (``1``,
        ``"after-quiche"``, ...): the nodes of one player with equal keys form
        one information set.
    moves : mapping of str to Node, or sequence of (str, Node) pairs
        Action label to subtree, in action order.
    label : str, optional
        The node's label.
    infoset_label : str, optional
        The information set's label (give it at one node of the set, or the
        same at several); defaults to the key if the key is a string.

    Notes
    -----
    A :class:`Choice` is a :class:`~kurilsim.games.sequential.Decision` that
    also names its information set, so it fits wherever a decision node does.
    A :class:`~kurilsim.games.sequential.SequentialGame` built from a tree of
    :class:`Choice` nodes ignores the information sets (it treats every node
    as perfectly observed); an :class:`ExtensiveFormGame` built from plain
    :class:`~kurilsim.games.sequential.Decision` nodes puts each in an
    information set of its own.

    Examples
    --------
    Matching pennies, with the second player not seeing the first's coin:

    >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
    >>> def second(infoset):
    ...     return Choice("column", "guess", [
    ...         ("heads", Terminal((1, -1) if infoset == "H" else (-1, 1))),
    ...         ("tails", Terminal((-1, 1) if infoset == "H" else (1, -1)))])
    >>> game = ExtensiveFormGame(
    ...     Choice("row", "coin", [("H", second("H")), ("T", second("T"))]),
    ...     players=["row", "column"])
    >>> len(game.infosets), game.infosets[1].nodes
    (2, (1, 4))
    """

    infoset: Hashable = None
    infoset_label: str = ""

    def __init__(
        self,
        player: int | str,
        infoset: Hashable,
        moves: Mapping[str, Node] | Sequence[tuple[str, Node]],
        label: str = "",
        *,
        infoset_label: str = "",
    ) -> None:
        object.__setattr__(self, "player", player)
        object.__setattr__(self, "infoset", infoset)
        object.__setattr__(self, "moves", moves)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "infoset_label", infoset_label)
        self.__post_init__()

    def __post_init__(self) -> None:
        if isinstance(self.player, bool | np.bool_) or not isinstance(
            self.player, str | numbers.Integral
        ):
            raise InvalidGameError(
                f"a Choice node's player must be a name or an index, got "
                f"{describe(self.player)}"
            )
        if not isinstance(self.infoset, Hashable):
            raise InvalidGameError(
                f"a Choice node's information set must be a hashable key (a "
                f"number, string, tuple, ...), got {describe(self.infoset)}"
            )
        try:
            hash(self.infoset)
        except TypeError:
            raise InvalidGameError(
                f"a Choice node's information set must be a hashable key, got "
                f"{describe(self.infoset)}"
            ) from None
        object.__setattr__(self, "moves", _moves(self.moves, "Choice"))
        _check_label(self.label)
        if not isinstance(self.infoset_label, str):
            raise InvalidGameError(
                f"a Choice node's infoset_label must be a string, got "
                f"{describe(self.infoset_label)}"
            )


@dataclass(frozen=True, slots=True)
class InformationSet:
    """One information set of a player.

    Attributes
    ----------
    player : int
        Index of the player who moves.
    key : hashable
        The key the tree gave it (:attr:`Choice.infoset`); ``("node", k)``
        for a plain :class:`~kurilsim.games.sequential.Decision` node ``k``.
    actions : tuple of str
        The action labels, in order.
    nodes : tuple of int
        Its nodes, in prefix order.
    label : str
        Its label (empty if none was given).
    """

    player: int
    key: Hashable
    actions: tuple[str, ...]
    nodes: tuple[int, ...]
    label: str = ""

    @property
    def n_actions(self) -> int:
        """Number of actions."""
        return len(self.actions)


@dataclass(frozen=True, slots=True, eq=False)
class SequenceForm:
    """The sequence form of an extensive game with perfect recall.

    Koller, Megiddo and von Stengel (1996): a player's *sequence* is the
    list of her own (information set, action) pairs on the path to a node;
    under perfect recall it is the same at every node of a set.  A
    *realisation plan* ``x`` gives each sequence the product of her own
    behaviour probabilities along it; the plans are the non-negative
    solutions of ``E x = e``.

    Attributes
    ----------
    players : tuple of str
        Player names.
    sequences : tuple of tuple of str
        Per player, the labels of her sequences: the empty sequence first
        (label ``""``), then one per (information set, action) pair, in the
        order of :meth:`ExtensiveFormGame.player_infosets` and the actions
        (label ``"<set>:<action>"``).
    infosets : tuple of tuple of int
        Per player, her information sets (indices into
        :attr:`ExtensiveFormGame.infosets`); row ``k + 1`` of her ``E``
        belongs to her ``k``-th set.
    parents : tuple of ndarray of int
        Per player, the sequence leading to each of her sets.
    constraints : tuple of (ndarray, ndarray)
        Per player ``(E, e)``: ``E`` has one row for the empty sequence
        (``x[0] = 1``) and one per set ``I`` (``-x[parent(I)] + sum_a x[Ia] =
        0``); ``e = (1, 0, ..., 0)``.
    terminal_sequences : ndarray of int
        ``(n_terminals, n_players)``: each player's sequence at each terminal.
    terminal_weights : ndarray
        The chance probability of reaching each terminal.
    payoffs : tuple of two ndarray, or dict
        With two players, the matrices ``(A, B)`` of shape ``(n_seq1,
        n_seq2)``: ``A[s, t]`` is the sum over the terminals with sequences
        ``(s, t)`` of chance probability times player 1's payoff.  With any
        other number of players, a dict from tuples of sequence indices to
        payoff vectors (only the tuples some terminal has).  From
        ``sequence_form(exact=True)``, these and :attr:`terminal_weights`
        are object arrays of :class:`fractions.Fraction`.

    References
    ----------
    Koller, D., Megiddo, N. and von Stengel, B. (1996). Efficient computation
    of equilibria for extensive two-person games. *Games and Economic
    Behavior* 14(2), 247-259.
    """

    players: tuple[str, ...]
    sequences: tuple[tuple[str, ...], ...]
    infosets: tuple[tuple[int, ...], ...]
    parents: tuple[NDArray[np.intp], ...]
    constraints: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...]
    terminal_sequences: NDArray[np.intp]
    terminal_weights: NDArray[np.float64]
    payoffs: (
        tuple[NDArray[np.float64], NDArray[np.float64]]
        | Mapping[tuple[int, ...], NDArray[np.float64]]
    )

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of sequences of each player."""
        return tuple(len(s) for s in self.sequences)

    def __repr__(self) -> str:
        return f"SequenceForm(players={list(self.players)!r}, sizes={self.sizes})"


@dataclass(frozen=True, slots=True, eq=False)
class ExtensiveFormGame:
    """An immutable finite extensive-form game with information sets.

    Parameters
    ----------
    root : Choice, Decision, Chance or Terminal
        The tree.  :class:`Choice` nodes with the same player and key form one
        information set; a plain :class:`~kurilsim.games.sequential.Decision`
        node is an information set of its own.
    players : sequence of str
        Player names; every terminal has one payoff per player.
    title, comment : str, optional
        Free text (Gambit's ``.efg`` files carry both); neither counts for
        equality.

    Attributes
    ----------
    players : tuple of str
    node_kind : ndarray of int8
        Per node in prefix order (root 0): 0 terminal, 1 chance, 2 decision.
    node_player : ndarray of int
        The mover at decision nodes, -1 elsewhere.
    node_infoset : ndarray of int
        The information set (index into :attr:`infosets`) of decision nodes,
        -1 elsewhere.
    node_parent : ndarray of int
        The parent (-1 at the root).
    node_action : ndarray of int
        The action index taken at the parent to reach the node (-1 at the root).
    node_children : tuple of tuple of int
        The children of each node, in action order.
    node_actions : tuple of tuple of str
        The action labels at each node (chance nodes included).
    node_labels : tuple of str
    chance_probabilities : mapping of int to ndarray
        Per chance node, the probabilities of its moves.
    infosets : tuple of InformationSet
        The players' information sets, ordered by their first node.
    terminal_nodes : ndarray of int
    terminal_payoffs : ndarray
        ``(n_terminals, n_players)``; row ``k`` is for ``terminal_nodes[k]``.
    terminal_outcomes : tuple
        The terminals' outcome objects.
    exact_terminal_payoffs, exact_chance_probabilities
        The same as exact rationals: as given where float64 rounded a
        given :class:`~fractions.Fraction`, :class:`~decimal.Decimal` or
        large ``int`` (then :attr:`is_float_exact` is ``False``).

    Raises
    ------
    InvalidGameError
        If a player name is unknown, a terminal has the wrong number of
        payoffs, or the nodes of one information set have different actions
        or labels.

    Notes
    -----
    Imperfect recall is allowed (Gambit's catalog holds such games, e.g. the
    absent-minded driver); :attr:`perfect_recall` and
    :meth:`recall_violations` report it, and the methods that need perfect
    recall (the sequence form, Kuhn's conversions between mixed and
    behaviour strategies) refuse such games.

    Payoffs and chance probabilities may be given exactly
    (:class:`~fractions.Fraction`, :class:`~decimal.Decimal`, ``int``, as
    :func:`~kurilsim.io.efg.read_efg` gives them): the game computes with
    floats and keeps the given values where float64 rounds them
    (:attr:`is_float_exact`, :attr:`exact_terminal_payoffs`,
    :attr:`exact_chance_probabilities`), as
    :class:`~kurilsim.NormalFormGame` does.  They count for equality,
    travel with pickles, are written by :meth:`to_efg`, and
    :meth:`reduced_strategic_form` passes them on, so that
    ``solve_nash(game.reduced_strategic_form(), exact=True)`` solves the game
    as given; ``sequence_form(exact=True)`` gives the sequence form in exact
    arithmetic.

    Examples
    --------
    A simple two-player game in which player 2 does not see player 1's move:

    >>> from kurilsim import ExtensiveFormGame
    >>> from kurilsim.games.extensive import Choice, Terminal
    >>> def two(left, right):
    ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
    >>> game = ExtensiveFormGame(
    ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
    ...     players=["A", "B"], title="battle of the sexes")
    >>> game.n_nodes, len(game.infosets), game.perfect_recall
    (7, 2, True)
    >>> game.expected_payoffs(game.uniform_profile())
    array([1., 1.])
    """

    root: Node
    players: tuple[str, ...]
    title: str = ""
    comment: str = ""
    node_kind: NDArray[np.int8] = field(init=False, repr=False)
    node_player: NDArray[np.intp] = field(init=False, repr=False)
    node_infoset: NDArray[np.intp] = field(init=False, repr=False)
    node_parent: NDArray[np.intp] = field(init=False, repr=False)
    node_action: NDArray[np.intp] = field(init=False, repr=False)
    node_children: tuple[tuple[int, ...], ...] = field(init=False, repr=False)
    node_actions: tuple[tuple[str, ...], ...] = field(init=False, repr=False)
    node_labels: tuple[str, ...] = field(init=False, repr=False)
    chance_probabilities: Mapping[int, NDArray[np.float64]] = field(
        init=False, repr=False
    )
    infosets: tuple[InformationSet, ...] = field(init=False, repr=False)
    terminal_nodes: NDArray[np.intp] = field(init=False, repr=False)
    terminal_payoffs: NDArray[np.float64] = field(init=False, repr=False)
    terminal_outcomes: tuple[Hashable, ...] = field(init=False, repr=False)
    # the exact payoffs (object array of Fraction) and chance probabilities
    # (per chance node), kept only when float64 rounded some given value
    _exact_payoffs: NDArray[Any] | None = field(init=False, repr=False)
    _exact_chance: Mapping[int, tuple[Fraction, ...]] | None = field(
        init=False, repr=False
    )
    _offsets: NDArray[np.intp] = field(init=False, repr=False)
    _edge_source: NDArray[np.intp] = field(init=False, repr=False)
    _edge_player: NDArray[np.intp] = field(init=False, repr=False)
    _chance_flat: NDArray[np.float64] = field(init=False, repr=False)
    _levels: tuple[NDArray[np.intp], ...] = field(init=False, repr=False)
    _own_edge: NDArray[np.intp] = field(init=False, repr=False)
    _violations: tuple[str, ...] = field(init=False, repr=False)
    _cache: dict[Any, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        players = check_strings(self.players, "players", error=InvalidGameError)
        if not players or not all(players):
            raise InvalidGameError(
                "players must be a non-empty sequence of names, got "
                f"{describe(self.players)}"
            )
        if len(set(players)) != len(players):
            raise InvalidGameError(f"duplicate player names in {players!r}")
        for name in ("title", "comment"):
            if not isinstance(getattr(self, name), str):
                raise InvalidGameError(
                    f"{name} must be a string, got {describe(getattr(self, name))}"
                )
        if not isinstance(self.root, Terminal | Decision | Chance):
            raise InvalidGameError(
                "root must be a Choice, Decision, Chance or Terminal node, got "
                f"{describe(self.root)}"
            )
        object.__setattr__(self, "players", players)
        _Flattener(self, players).run()
        object.__setattr__(self, "_cache", {})

    # ------------------------------------------------------------ shape
    @property
    def n_players(self) -> int:
        """Number of players (chance not counted)."""
        return len(self.players)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_kind)

    @property
    def n_infosets(self) -> int:
        """Number of the players' information sets."""
        return len(self.infosets)

    @property
    def decision_nodes(self) -> NDArray[np.intp]:
        """Ids of the players' decision nodes."""
        nodes: NDArray[np.intp] = np.flatnonzero(self.node_kind == DECISION)
        return nodes

    @property
    def chance_nodes(self) -> NDArray[np.intp]:
        """Ids of the chance nodes."""
        nodes: NDArray[np.intp] = np.flatnonzero(self.node_kind == CHANCE)
        return nodes

    @property
    def payoff_ranges(self) -> NDArray[np.float64]:
        """Each player's payoff spread over the terminals (1.0 if constant).

        The certificate of an equilibrium is its regret relative to these
        ranges, as for :attr:`kurilsim.NormalFormGame.payoff_ranges`.
        """
        cached = self._cache.get("ranges")
        if cached is None:
            spread = np.ptp(self.terminal_payoffs, axis=0)
            cached = readonly(np.where(spread > 0, spread, 1.0))
            self._cache["ranges"] = cached
        ranges: NDArray[np.float64] = cached
        return ranges

    # ------------------------------------------------------- exact values
    @property
    def is_float_exact(self) -> bool:
        """Whether the float payoffs and chance probabilities equal those given.

        ``False`` when some terminal payoff or chance probability was given
        exactly (a :class:`fractions.Fraction`, :class:`decimal.Decimal` or
        Python ``int`` beyond ``2**53``, as :func:`~kurilsim.io.efg.read_efg`
        gives every number of a file) and float64 rounded it; the game then
        keeps the given values in :attr:`exact_terminal_payoffs` and
        :attr:`exact_chance_probabilities`, as
        :attr:`kurilsim.NormalFormGame.is_float_exact` does.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim.games.extensive import Chance, ExtensiveFormGame, Terminal
        >>> def coin(p):
        ...     return ExtensiveFormGame(Chance([("H", p, Terminal((1,))),
        ...                                      ("T", 1 - p, Terminal((0,)))]),
        ...                              players=["me"])
        >>> coin(Fraction(1, 4)).is_float_exact, coin(Fraction(1, 3)).is_float_exact
        (True, False)
        """
        return self._exact_payoffs is None and self._exact_chance is None

    @property
    def exact_terminal_payoffs(self) -> NDArray[Any]:
        """The terminal payoffs as exact rationals: a read-only object array
        of :class:`fractions.Fraction`, shaped as :attr:`terminal_payoffs`.

        The values the tree was given when float64 rounded some of them
        (:attr:`is_float_exact` is ``False``), otherwise the floats' own
        values (built on first use and cached).

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("me", 1, [("a", Terminal((Fraction(1, 3),))),
        ...                      ("b", Terminal((0.5,)))]), players=["me"])
        >>> [str(v) for v in game.exact_terminal_payoffs[:, 0]]
        ['1/3', '1/2']
        """
        if self._exact_payoffs is not None:
            return self._exact_payoffs
        cached = self._cache.get("exact payoffs")
        if cached is None:
            cached = np.empty(self.terminal_payoffs.shape, dtype=object)
            cached.ravel()[:] = [Fraction(v) for v in self.terminal_payoffs.ravel().tolist()]
            cached = readonly(cached)
            self._cache["exact payoffs"] = cached
        result: NDArray[Any] = cached
        return result

    @property
    def exact_chance_probabilities(self) -> Mapping[int, tuple[Fraction, ...]]:
        """Per chance node, the probabilities of its moves as exact rationals.

        The values the tree was given when float64 rounded some of them
        (:attr:`is_float_exact` is ``False``), otherwise the floats' own
        values.  Like the floats, given probabilities sum to one within
        ``1e-9`` (:class:`~kurilsim.games.sequential.Chance` checks the
        floats); they sum to exactly one when they were given so.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from kurilsim.games.extensive import Chance, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(Chance([("H", Fraction(1, 3), Terminal((1,))),
        ...                                  ("T", Fraction(2, 3), Terminal((0,)))]),
        ...                          players=["me"])
        >>> [str(p) for p in game.exact_chance_probabilities[0]]
        ['1/3', '2/3']
        >>> game.chance_probabilities[0]
        array([0.33333333, 0.66666667])
        """
        if self._exact_chance is not None:
            return self._exact_chance
        cached = self._cache.get("exact chance")
        if cached is None:
            cached = _ReadOnlyMapping(
                {
                    c: tuple(Fraction(p) for p in probabilities.tolist())
                    for c, probabilities in self.chance_probabilities.items()
                }
            )
            self._cache["exact chance"] = cached
        result: Mapping[int, tuple[Fraction, ...]] = cached
        return result

    def player_index(self, player: int | str) -> int:
        """The index of a player given by name or index."""
        return _player_index(player, self.players, InvalidArgumentError)

    def player_infosets(self, player: int | str) -> tuple[int, ...]:
        """The information sets (indices into :attr:`infosets`) of a player."""
        index = self.player_index(player)
        return tuple(k for k, s in enumerate(self.infosets) if s.player == index)

    def node_description(self, node: int) -> str:
        """A readable description of a node: its label or its history."""
        node = check_int(
            node, "node", low=0, high=self.n_nodes - 1, error=InvalidArgumentError
        )
        return _describe_node(
            node, self.node_labels, self.node_parent, self.node_action, self.node_actions
        )

    def infoset_description(self, infoset: int) -> str:
        """A readable name of an information set: its label or key, and player."""
        infoset = check_int(
            infoset, "infoset", low=0, high=self.n_infosets - 1,
            error=InvalidArgumentError,
        )
        return _describe_set(self.infosets[infoset], self.players)

    # ------------------------------------------------------------ recall
    @property
    def perfect_recall(self) -> bool:
        """Whether every player always remembers her own earlier information
        sets and actions (and no set meets a path twice)."""
        return not self._violations

    def recall_violations(self) -> list[str]:
        """Why the game lacks perfect recall: one readable line per violation.

        Empty when the game has perfect recall.  A violation is a set with
        two nodes on one path (absent-mindedness) or two nodes of a set after
        which the player's own earlier (information set, action) history
        differs.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def later(good):
        ...     return Choice("p", "later", [(a, Terminal((float(a == good),)))
        ...                                  for a in ("a", "b")])
        >>> game = ExtensiveFormGame(
        ...     Choice("p", "first", [("L", later("a")), ("R", later("b"))]), players=["p"])
        >>> game.perfect_recall
        False
        >>> print(game.recall_violations()[0])  # doctest: +NORMALIZE_WHITESPACE
        information set 'later' of player 'p': the player's own history differs
        between node 1 (L) (first:L) and node 4 (R) (first:R)
        """
        return list(self._violations)

    # ------------------------------------------------------- profiles
    def uniform_profile(self) -> BehaviourProfile:
        """The behaviour profile that mixes uniformly at every information set.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("a", 1, [("x", Terminal((1,))), ("y", Terminal((0,))),
        ...                     ("z", Terminal((2,)))]), players=["a"])
        >>> game.uniform_profile()
        (array([0.33333333, 0.33333333, 0.33333333]),)
        """
        return tuple(np.full(s.n_actions, 1.0 / s.n_actions) for s in self.infosets)

    def check_profile(
        self, profile: Sequence[ArrayLike], *, tol: float = PROFILE_TOL
    ) -> BehaviourProfile:
        """``profile`` as a tuple of float arrays, after checking it.

        Parameters
        ----------
        profile : sequence of array_like
            One probability vector per information set (in the order of
            :attr:`infosets`), over that set's actions.
        tol : float, default 1e-9
            Allowed deviation of each vector from the probability simplex.

        Raises
        ------
        InvalidProfileError
            If the number of vectors or their lengths do not match the sets,
            or a vector has negative or non-finite entries or does not sum to
            one; the message names the information set.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> game.check_profile([[1, 0], [0.5, 0.5]])
        (array([1., 0.]), array([0.5, 0.5]))
        >>> game.check_profile([[1, 0], [0.5, 0.6]])
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidProfileError: the strategy at information set 'b' of player 'B' (set 1) is not a probability vector (min 0.5, sum 1.1): [0.5, 0.6]
        """
        checked_tol = finite_real(tol)
        if checked_tol is None or checked_tol < 0:
            raise InvalidArgumentError(f"tol must be a number >= 0, got {describe(tol)}")
        if isinstance(profile, str | bytes | Mapping) or not isinstance(
            profile, Sequence | np.ndarray
        ):
            raise InvalidProfileError(
                "a behaviour profile must be a sequence of one probability vector "
                f"per information set ({self.n_infosets}), got {describe(profile)}"
            )
        if len(profile) != self.n_infosets:
            raise InvalidProfileError(
                "a behaviour profile needs one probability vector per information "
                f"set ({self.n_infosets}), got {len(profile)}"
            )
        vectors = []
        for k, (sigma, infoset) in enumerate(zip(profile, self.infosets, strict=True)):
            try:
                vector = np.array(sigma, dtype=np.float64)
            except (TypeError, ValueError):
                raise InvalidProfileError(
                    f"the strategy at {_describe_set(infoset, self.players)} (set {k}) "
                    f"must be a vector of {infoset.n_actions} probabilities, got "
                    f"{describe(sigma)}"
                ) from None
            if vector.shape != (infoset.n_actions,):
                raise InvalidProfileError(
                    f"the strategy at {_describe_set(infoset, self.players)} (set {k}) "
                    f"must have shape ({infoset.n_actions},) (actions "
                    f"{list(infoset.actions)}), got shape {vector.shape}"
                )
            vectors.append(readonly(vector))
        if not vectors:
            return ()
        # the value checks, vectorised over all sets
        flat = np.concatenate(vectors)
        starts = self._offsets[:-1]
        finite = np.logical_and.reduceat(np.isfinite(flat), starts)
        with np.errstate(invalid="ignore"):
            lows = np.minimum.reduceat(flat, starts)
            sums = np.add.reduceat(flat, starts)
            sizes = np.diff(self._offsets)
            bad = ~finite | (lows < -checked_tol) | (
                np.abs(sums - 1.0) > checked_tol * (sizes + 1)
            )
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            where = f"the strategy at {_describe_set(self.infosets[k], self.players)} (set {k})"
            vector = vectors[k]
            if not finite[k]:
                raise InvalidProfileError(
                    f"{where} has non-finite entries: {vector.tolist()}"
                )
            raise InvalidProfileError(
                f"{where} is not a probability vector (min {vector.min():.3g}, sum "
                f"{vector.sum():.12g}): {vector.tolist()}"
            )
        return tuple(vectors)

    def _edge_probabilities(self, profile: BehaviourProfile) -> NDArray[np.float64]:
        """Per node, the probability of the edge into it (1 at the root)."""
        flat = np.concatenate([*profile, self._chance_flat, [1.0]])
        edge: NDArray[np.float64] = flat[self._edge_source]
        return edge

    def _path_products(self, factors: NDArray[np.float64]) -> NDArray[np.float64]:
        """Products of ``factors`` (per node, or per node and column) along the
        path from the root to each node, the node's own factor included."""
        out = np.array(factors, dtype=np.float64)
        parent = self.node_parent
        for level in self._levels:
            out[level] *= out[parent[level]]
        return out

    def _others_reach(self, edge: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(n_nodes, n_players)``: the probability of reaching each node by
        chance's and the other players' moves only (player ``i``'s own
        moves taken with probability one)."""
        own = self._edge_player[:, None] == np.arange(self.n_players)[None, :]
        return self._path_products(np.where(own, 1.0, edge[:, None]))

    def _own_reach(self, edge: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(n_nodes, n_players)``: the product of player ``i``'s own
        behaviour probabilities on the path to each node."""
        own = self._edge_player[:, None] == np.arange(self.n_players)[None, :]
        return self._path_products(np.where(own, edge[:, None], 1.0))

    def _chance_reach(self) -> NDArray[np.float64]:
        """Per node, the product of chance probabilities on its path."""
        cached = self._cache.get("chance reach")
        if cached is None:
            n_flat = int(self._offsets[-1])
            flat = np.concatenate([np.ones(n_flat), self._chance_flat, [1.0]])
            cached = readonly(self._path_products(flat[self._edge_source]))
            self._cache["chance reach"] = cached
        reach: NDArray[np.float64] = cached
        return reach

    def _node_values(self, edge: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(n_nodes, n_players)``: expected payoffs from each node on."""
        values = np.zeros((self.n_nodes, self.n_players))
        values[self.terminal_nodes] = self.terminal_payoffs
        parent = self.node_parent
        for level in reversed(self._levels):
            np.add.at(values, parent[level], edge[level, None] * values[level])
        return values

    def realisation_probabilities(
        self, profile: Sequence[ArrayLike]
    ) -> NDArray[np.float64]:
        """The probability of reaching each node under a behaviour profile.

        Computed in one pass over the tree's depth levels (each a vectorised
        product of the parents' probabilities and the edges' probabilities).

        Returns
        -------
        ndarray
            Shape ``(n_nodes,)``, in prefix order (1 at the root).

        Examples
        --------
        >>> from kurilsim.games.extensive import Chance, Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(Chance([
        ...     ("h", 0.25, Choice("a", 1, [("x", Terminal((1,))), ("y", Terminal((0,)))])),
        ...     ("t", 0.75, Terminal((2,)))]), players=["a"])
        >>> game.realisation_probabilities(([0.5, 0.5],))
        array([1.   , 0.25 , 0.125, 0.125, 0.75 ])
        """
        sigma = self.check_profile(profile)
        return self._path_products(self._edge_probabilities(sigma))

    def expected_payoffs(self, profile: Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Each player's expected payoff under a behaviour profile.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> game.expected_payoffs(([0.75, 0.25], [0.25, 0.75]))
        array([0.75, 0.75])
        """
        return self._expected(self.check_profile(profile))

    def _expected(self, sigma: BehaviourProfile) -> NDArray[np.float64]:
        reach = self._path_products(self._edge_probabilities(sigma))
        payoffs: NDArray[np.float64] = reach[self.terminal_nodes] @ self.terminal_payoffs
        return payoffs

    def beliefs(
        self, profile: Sequence[ArrayLike]
    ) -> tuple[NDArray[np.float64] | None, ...]:
        """Bayes' beliefs at each information set, where they are defined.

        Returns
        -------
        tuple
            Per information set, the probability of each of its nodes given
            that the set is reached (an array over :attr:`InformationSet.nodes`),
            or ``None`` where the profile reaches the set with probability 0.
            In a set that meets a path twice (absent-mindedness), the nodes'
            realisation probabilities normalised over the set: the relative
            frequencies of the visits (Gambit does not normalise them).

        Examples
        --------
        >>> from kurilsim.games.extensive import Chance, Choice, ExtensiveFormGame, Terminal
        >>> def guess(payoff):
        ...     return Choice("guesser", "blind", [("H", Terminal((payoff,))),
        ...                                        ("T", Terminal((1 - payoff,)))])
        >>> game = ExtensiveFormGame(
        ...     Chance([("heads", 0.3, guess(1)), ("tails", 0.7, guess(0))]),
        ...     players=["guesser"])
        >>> game.beliefs(game.uniform_profile())
        (array([0.3, 0.7]),)
        """
        reach = self.realisation_probabilities(profile)
        out: list[NDArray[np.float64] | None] = []
        for infoset in self.infosets:
            weights = reach[list(infoset.nodes)]
            total = weights.sum()
            out.append(weights / total if total > 0 else None)
        return tuple(out)

    def action_values(
        self,
        profile: Sequence[ArrayLike],
        beliefs: Sequence[ArrayLike | None] | None = None,
    ) -> BehaviourProfile:
        """Each action's expected payoff to the mover, conditional on her set.

        Parameters
        ----------
        profile : sequence of array_like
            A behaviour profile: play continues with it after the action.
        beliefs : sequence of (array_like or None), optional
            Per information set, a probability vector over its nodes, or
            ``None``.  Where none is given, the beliefs are Bayes' rule on
            the profile; where the profile reaches the set with probability 0,
            Bayes' rule on chance's and the other players' moves only (the
            belief the mover holds after deviating to reach the set herself);
            where those are 0 too, uniform.

        Returns
        -------
        tuple of ndarray
            Per information set, the mover's expected payoff of each action.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> game.action_values(([1.0, 0.0], [0.5, 0.5]))
        (array([1.5, 0.5]), array([1., 0.]))
        """
        sigma = self.check_profile(profile)
        given = self._check_beliefs(beliefs)
        if not self.infosets:
            return ()
        edge = self._edge_probabilities(sigma)
        values = self._node_values(edge)
        decisions = self.decision_nodes
        sets = self.node_infoset[decisions]
        n_sets = self.n_infosets
        # per decision node, the weight of its node in its set's belief
        weights = self._path_products(edge)[decisions]
        totals = np.bincount(sets, weights=weights, minlength=n_sets)
        if np.any(totals <= 0):
            # unreached sets: the others' and chance's odds, else uniform
            others = self._others_reach(edge)[decisions, self.node_player[decisions]]
            unreached = (totals <= 0)[sets]
            weights = np.where(unreached, others, weights)
            totals = np.bincount(sets, weights=weights, minlength=n_sets)
            weights = np.where((totals <= 0)[sets], 1.0, weights)
            totals = np.bincount(sets, weights=weights, minlength=n_sets)
        beliefs_at = weights / totals[sets]
        for k, belief in enumerate(given):
            if belief is not None:
                beliefs_at[np.searchsorted(decisions, self.infosets[k].nodes)] = belief
        # each edge out of a decision node: belief of the node times the
        # mover's value of the child, summed per (set, action)
        children = np.flatnonzero(self._edge_player >= 0)
        parents = self.node_parent[children]
        at = np.searchsorted(decisions, parents)
        contributions = beliefs_at[at] * values[children, self.node_player[parents]]
        flat = np.bincount(
            self._edge_source[children],
            weights=contributions,
            minlength=int(self._offsets[-1]),
        )
        return tuple(np.split(flat, self._offsets[1:-1]))

    def _check_beliefs(
        self, beliefs: Sequence[ArrayLike | None] | None
    ) -> list[NDArray[np.float64] | None]:
        if beliefs is None:
            return [None] * self.n_infosets
        if isinstance(beliefs, str | bytes | Mapping) or not isinstance(
            beliefs, Sequence
        ):
            raise InvalidProfileError(
                "beliefs must be a sequence of one probability vector (or None) per "
                f"information set ({self.n_infosets}), got {describe(beliefs)}"
            )
        if len(beliefs) != self.n_infosets:
            raise InvalidProfileError(
                "beliefs need one entry per information set "
                f"({self.n_infosets}), got {len(beliefs)}"
            )
        out: list[NDArray[np.float64] | None] = []
        for k, (belief, infoset) in enumerate(zip(beliefs, self.infosets, strict=True)):
            if belief is None:
                out.append(None)
                continue
            where = _describe_set(infoset, self.players)
            try:
                vector = np.array(belief, dtype=np.float64)
            except (TypeError, ValueError):
                vector = np.array([np.nan])
            size = len(infoset.nodes)
            if (
                vector.shape != (size,)
                or not np.all(np.isfinite(vector))
                or vector.min() < -PROFILE_TOL
                or abs(vector.sum() - 1.0) > PROFILE_TOL * (size + 1)
            ):
                raise InvalidProfileError(
                    f"the belief at {where} (set {k}) must be a probability vector "
                    f"over its {size} nodes {list(infoset.nodes)}, got {describe(belief)}"
                )
            out.append(vector)
        return out

    def best_response_values(self, profile: Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Each player's best payoff against the others' behaviour in ``profile``.

        The best over all of her strategies, the others and chance fixed.
        With perfect recall it is computed on the tree by backward induction
        over the player's own information sets, each weighted by the others'
        and chance's probabilities of reaching its nodes (linear in the tree
        size).  Without perfect recall the best pure strategy is found by
        enumerating the player's reduced pure strategies (at most
        :data:`MAX_PROFILES` of them, else :class:`ProblemTooLargeError`);
        a pure strategy is then as good as any mixed one, but behaviour
        strategies of an absent-minded player can do better.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> game.best_response_values(([1.0, 0.0], [0.5, 0.5]))
        array([1.5, 1. ])
        """
        return self._best_values(self.check_profile(profile))

    def _best_values(self, sigma: BehaviourProfile) -> NDArray[np.float64]:
        edge = self._edge_probabilities(sigma)
        others = self._others_reach(edge)
        terminals = self.terminal_nodes
        best = np.empty(self.n_players)
        n_flat = int(self._offsets[-1])
        for i in range(self.n_players):
            weighted = others[terminals, i] * self.terminal_payoffs[:, i]
            if not self.perfect_recall:
                consistent = self._consistency(i, self._strategies(i, MAX_PROFILES))
                best[i] = float((consistent @ weighted).max())
                continue
            # edge_value[flat action]: the others-weighted payoff below that
            # action of player i, given her best choices further down; the
            # last slot collects what lies below none of her actions
            edge_value = np.zeros(n_flat + 1)
            np.add.at(edge_value, self._own_edge[i, terminals], weighted)
            for k in reversed(self.player_infosets(i)):
                low, high = self._offsets[k], self._offsets[k + 1]
                first = self.infosets[k].nodes[0]
                edge_value[self._own_edge[i, first]] += edge_value[low:high].max()
            best[i] = edge_value[-1]
        return best

    def regret(self, profile: Sequence[ArrayLike]) -> NDArray[np.float64]:
        """Each player's largest gain from deviating to any strategy (>= 0).

        A profile is a Nash equilibrium exactly when every regret is 0; the
        certificate of the extensive-form solvers is ``max(regret /
        payoff_ranges)``.  See :meth:`best_response_values` for the method.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> game.regret(([1.0, 0.0], [1.0, 0.0]))
        array([0., 0.])
        >>> game.regret(([1.0, 0.0], [0.0, 1.0]))
        array([1., 1.])
        """
        sigma = self.check_profile(profile)
        current = self._expected(sigma)
        gains: NDArray[np.float64] = np.maximum(self._best_values(sigma) - current, 0.0)
        return gains

    # ------------------------------------------------ strategic form
    def _requirements(self, player: int) -> NDArray[np.intp]:
        """``(n_nodes, n_sets)``: the action the player must take at each of
        her sets (local order) to reach each node; -1 where the path does not
        pass the set, -2 where it passes it twice with different actions."""
        key = ("requirements", player)
        cached = self._cache.get(key)
        if cached is None:
            sets = self.player_infosets(player)
            local = np.full(self.n_infosets, -1, dtype=np.intp)
            local[list(sets)] = np.arange(len(sets))
            required = np.full((self.n_nodes, len(sets)), -1, dtype=np.intp)
            parent = self.node_parent
            for level in self._levels:
                up = parent[level]
                required[level] = required[up]
                mine = level[self._edge_player[level] == player]
                if mine.size:
                    column = local[self.node_infoset[parent[mine]]]
                    wanted = self.node_action[mine]
                    before = required[mine, column]
                    required[mine, column] = np.where(
                        (before == -1) | (before == wanted), wanted, -2
                    )
            cached = readonly(required)
            self._cache[key] = cached
        result: NDArray[np.intp] = cached
        return result

    def _count_strategies(self, player: int) -> int:
        """The number of the player's reduced pure strategies (an upper bound,
        the number of her pure strategies, without perfect recall)."""
        sets = self.player_infosets(player)
        if not self.perfect_recall:
            return math.prod(self.infosets[k].n_actions for k in sets)
        n_flat = int(self._offsets[-1])
        counts = [1] * (n_flat + 1)  # per flat action; the last slot: the root
        for k in reversed(sets):
            low, high = int(self._offsets[k]), int(self._offsets[k + 1])
            parent_edge = int(self._own_edge[player, self.infosets[k].nodes[0]])
            counts[parent_edge] *= sum(counts[low:high])
        return counts[-1]

    def _strategies(self, player: int, limit: int) -> NDArray[np.intp]:
        """The player's reduced pure strategies: ``(n_strategies, n_sets)``,
        the action index at each of her sets (local order), -1 at the sets the
        strategy itself makes unreachable ("*")."""
        key = ("strategies", player)
        cached = self._cache.get(key)
        if cached is not None:
            strategies: NDArray[np.intp] = cached
            return strategies
        count = self._count_strategies(player)
        if count > limit:
            raise ProblemTooLargeError(
                f"player {self.players[player]!r} has {count} reduced pure strategies, "
                f"more than the limit {limit}",
                estimate=float(count),
            )
        sets = self.player_infosets(player)
        if self.perfect_recall:
            local = {k: j for j, k in enumerate(sets)}
            table = np.zeros((1, 0), dtype=np.intp)
            for k in sets:
                n_actions = self.infosets[k].n_actions
                parent_edge = int(self._own_edge[player, self.infosets[k].nodes[0]])
                if parent_edge < 0:
                    reachable = np.ones(len(table), dtype=bool)
                else:
                    parent_set = int(np.searchsorted(self._offsets, parent_edge, "right")) - 1
                    wanted = parent_edge - int(self._offsets[parent_set])
                    reachable = table[:, local[parent_set]] == wanted
                repeats = np.where(reachable, n_actions, 1)
                starts = np.cumsum(repeats) - repeats
                rows = np.repeat(np.arange(len(table)), repeats)
                within = np.arange(int(repeats.sum())) - np.repeat(starts, repeats)
                column = np.where(reachable[rows], within, -1)
                table = np.column_stack([table[rows], column]).astype(np.intp)
        else:
            full = np.array(
                list(itertools.product(*(range(self.infosets[k].n_actions) for k in sets))),
                dtype=np.intp,
            ).reshape(count, len(sets))  # (1, 0) for a player without sets
            required = self._requirements(player)
            reach = np.zeros((len(full), len(sets)), dtype=bool)
            for j, k in enumerate(sets):
                nodes = list(self.infosets[k].nodes)
                reach[:, j] = np.any(self._consistent(full, required[nodes]), axis=1)
            masked = np.where(reach, full, -1)
            _, first = np.unique(masked, axis=0, return_index=True)
            table = masked[np.sort(first)]
        cached = readonly(table)
        self._cache[key] = cached
        return table

    @staticmethod
    def _consistent(
        strategies: NDArray[np.intp], required: NDArray[np.intp]
    ) -> NDArray[np.bool_]:
        """``(n_strategies, n_targets)``: whether each pure strategy takes the
        actions each target node requires (rows of ``required``)."""
        result = np.ones((len(strategies), len(required)), dtype=bool)
        for j in range(strategies.shape[1]):
            needed = required[:, j]
            result &= (needed == -1)[None, :] | (strategies[:, j, None] == needed[None, :])
        return result

    def _consistency(self, player: int, strategies: NDArray[np.intp]) -> NDArray[np.float64]:
        """``(n_strategies, n_terminals)``: 1 where the strategy reaches the
        terminal if the others and chance do, else 0."""
        required = self._requirements(player)[self.terminal_nodes]
        return self._consistent(strategies, required).astype(np.float64)

    def reduced_strategies(self, player: int | str) -> tuple[dict[int, int], ...]:
        """A player's reduced pure strategies.

        A reduced strategy chooses an action at each of the player's
        information sets that the strategy itself does not make unreachable;
        strategies that differ only at such sets are one reduced strategy.

        Returns
        -------
        tuple of dict
            Per strategy, information set (index into :attr:`infosets`) to
            action index; the sets it makes unreachable are omitted.  The
            order is that of :meth:`reduced_strategic_form`.

        Raises
        ------
        ProblemTooLargeError
            If the player has more than :data:`MAX_PROFILES` of them.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("A", 1, [
        ...         ("out", Terminal((2,))),
        ...         ("in", Choice("A", 2, [("a", Terminal((3,))), ("b", Terminal((1,)))]))]),
        ...     players=["A"])
        >>> game.reduced_strategies("A")
        ({0: 0}, {0: 1, 1: 0}, {0: 1, 1: 1})
        >>> game.strategy_labels("A")
        ('1*', '21', '22')
        """
        index = self.player_index(player)
        sets = self.player_infosets(index)
        table = self._strategies(index, MAX_PROFILES)
        return tuple(
            {sets[j]: int(a) for j, a in enumerate(row) if a >= 0} for row in table.tolist()
        )

    def strategy_labels(self, player: int | str) -> tuple[str, ...]:
        """Labels of a player's reduced strategies, as Gambit writes them.

        One character per information set of the player (in the order of
        :meth:`player_infosets`): the action's number from 1, or ``*`` where
        the strategy makes the set unreachable; numbers are separated by
        commas when some set has ten or more actions.  A player without
        information sets has one strategy, labelled ``"-"``.
        """
        index = self.player_index(player)
        sets = self.player_infosets(index)
        table = self._strategies(index, MAX_PROFILES)
        if not sets:
            return ("-",)
        separator = "," if max(self.infosets[k].n_actions for k in sets) >= 10 else ""
        return tuple(
            separator.join("*" if a < 0 else str(a + 1) for a in row)
            for row in table.tolist()
        )

    def reduced_strategic_form(
        self, *, max_profiles: int = MAX_PROFILES, exact: bool | None = None
    ) -> NormalFormGame:
        """The reduced strategic (normal) form of the game.

        Each player's pure strategies are her reduced strategies
        (:meth:`reduced_strategies`), labelled as Gambit does
        (:meth:`strategy_labels`); a payoff is the expected payoff over
        chance of the pure profile.

        Parameters
        ----------
        max_profiles : int, default 10**6
            The largest number of pure-strategy profiles (cells) built; more
            raise :class:`ProblemTooLargeError` before any large allocation.
        exact : bool, optional
            Compute the payoffs in exact rational arithmetic (``True``) or in
            float64 (``False``).  By default exactly when the game keeps
            exact values (:attr:`is_float_exact` is ``False``) or the work
            (cells x terminals x players) is at most :data:`EXACT_WORK`.

        Returns
        -------
        NormalFormGame
            With strategy labels; computed exactly, its payoffs that float64
            rounds are kept in :attr:`NormalFormGame.exact_payoffs
            <kurilsim.NormalFormGame.exact_payoffs>`, so ``solve_nash(form,
            exact=True)`` solves the game as given.

        Raises
        ------
        ProblemTooLargeError
            If the form would have more than ``max_profiles`` cells (the
            message gives the count and the shape).

        Notes
        -----
        A payoff is ``sum_z P_chance(z) * u(z)`` over the terminals ``z``
        that the pure profile reaches.  Computed exactly (see ``exact``), the
        sums are taken in rational arithmetic on the exact values
        (:attr:`exact_terminal_payoffs`, :attr:`exact_chance_probabilities`)
        and rounded once, so
        payoffs equal in the stored game are equal floats (the solvers'
        precision checks then see no spurious ties), and a payoff that does
        not round exactly is kept in :attr:`NormalFormGame.exact_payoffs`;
        larger forms of float-exact games are computed in float64.  Chance
        probabilities given as floats such as 0.1 are the nearest float, so
        ``0.4 * a + 0.6 * a`` need not be exactly ``a``; given as
        ``Fraction(1, 10)`` they are exact.

        Without perfect recall the pure strategies are enumerated (at most
        ``max_profiles`` per player) and reduced by dropping the sets each
        makes unreachable.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("A", 1, [
        ...         ("out", Terminal((2, 2))),
        ...         ("in", Choice("B", 1, [
        ...             ("fight", Terminal((0, 0))),
        ...             ("yield", Choice("A", 2, [("a", Terminal((3, 1))),
        ...                                       ("b", Terminal((1, 3)))]))]))]),
        ...     players=["A", "B"])
        >>> form = game.reduced_strategic_form()
        >>> form.strategies
        (('1*', '21', '22'), ('1', '2'))
        >>> form.payoffs[0]
        array([[2., 2.],
               [0., 3.],
               [0., 1.]])
        """
        limit = check_int(max_profiles, "max_profiles", low=1)
        counts = [self._count_strategies(i) for i in range(self.n_players)]
        total = math.prod(counts)
        if total > limit:
            raise ProblemTooLargeError(
                f"the reduced strategic form would have {total} strategy profiles "
                f"(shape {' x '.join(map(str, counts))}), more than "
                f"max_profiles={limit}; pass a larger max_profiles to build it",
                estimate=float(total),
            )
        consistency = [
            self._consistency(i, self._strategies(i, limit)) for i in range(self.n_players)
        ]
        work = total * max(len(self.terminal_nodes), 1) * self.n_players
        if exact is None:
            exact = work <= EXACT_WORK or not self.is_float_exact
        elif not isinstance(exact, bool | np.bool_):
            raise InvalidArgumentError(
                f"exact must be True, False or None, got {describe(exact)}"
            )
        payoffs: tuple[NDArray[Any], ...]
        if exact:
            weights = self._exact_terminal_weights()
            payoffs = tuple(
                _contract_exact(consistency, weights[p]) for p in range(self.n_players)
            )
        else:
            weight = self._chance_reach()[self.terminal_nodes]
            payoffs = tuple(
                _contract(consistency, weight * self.terminal_payoffs[:, p])
                for p in range(self.n_players)
            )
        return NormalFormGame(
            payoffs,
            players=self.players,
            strategies=[self.strategy_labels(i) for i in range(self.n_players)],
        )

    def _exact_reach(self) -> list[Fraction]:
        """Per terminal, the exact chance probability of reaching it
        (:attr:`exact_chance_probabilities` multiplied along the path)."""
        exact: list[Fraction] = [Fraction(1)] * self.n_nodes
        chance = self.exact_chance_probabilities
        kind = self.node_kind.tolist()
        parent = self.node_parent.tolist()
        action = self.node_action.tolist()
        for v in range(1, self.n_nodes):
            up = parent[v]
            if kind[up] == CHANCE:
                exact[v] = exact[up] * chance[up][action[v]]
            else:
                exact[v] = exact[up]
        return [exact[z] for z in self.terminal_nodes.tolist()]

    def _exact_terminal_weights(self) -> list[list[Fraction]]:
        """Per player and terminal, the exact chance probability of reaching
        the terminal times the exact payoff."""
        reach = self._exact_reach()
        return [
            [r * u for r, u in zip(reach, column, strict=True)]
            for column in self.exact_terminal_payoffs.T.tolist()
        ]

    def _need_perfect_recall(self, what: str) -> None:
        if not self.perfect_recall:
            raise InvalidGameError(
                f"{what} needs perfect recall, which this game lacks: "
                f"{self._violations[0]}"
            )

    def mixed_from_behaviour(self, profile: Sequence[ArrayLike]) -> tuple[NDArray[np.float64], ...]:
        """A mixed profile over reduced strategies equivalent to a behaviour profile.

        Each reduced strategy gets the product of the behaviour probabilities
        of its actions; by Kuhn's theorem the two reach every node with the
        same probability (the game must have perfect recall).

        Returns
        -------
        tuple of ndarray
            One probability vector per player over her reduced strategies
            (in the order of :meth:`reduced_strategic_form`).

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("A", 1, [
        ...         ("out", Terminal((2,))),
        ...         ("in", Choice("A", 2, [("a", Terminal((3,))), ("b", Terminal((1,)))]))]),
        ...     players=["A"])
        >>> mixed = game.mixed_from_behaviour(([0.5, 0.5], [0.25, 0.75]))
        >>> mixed
        (array([0.5  , 0.125, 0.375]),)
        >>> game.behaviour_from_mixed(mixed)
        (array([0.5, 0.5]), array([0.25, 0.75]))
        """
        self._need_perfect_recall("mixed_from_behaviour")
        sigma = self.check_profile(profile)
        out = []
        for i in range(self.n_players):
            table = self._strategies(i, MAX_PROFILES)
            probabilities = np.ones(len(table))
            for j, k in enumerate(self.player_infosets(i)):
                column = table[:, j]
                probabilities *= np.where(column >= 0, sigma[k][np.maximum(column, 0)], 1.0)
            out.append(probabilities)
        return tuple(out)

    def behaviour_from_mixed(
        self, mixed_profile: Sequence[ArrayLike]
    ) -> BehaviourProfile:
        """A behaviour profile equivalent to a mixed profile over reduced strategies.

        At each information set, the probability of an action is the weight
        of the player's strategies that reach the set and take the action,
        divided by the weight of those that reach it (Kuhn 1953); uniform
        where no strategy with positive weight reaches the set.  The game
        must have perfect recall.

        Parameters
        ----------
        mixed_profile : sequence of array_like
            One probability vector per player over her reduced strategies
            (the order of :meth:`reduced_strategic_form`).
        """
        self._need_perfect_recall("behaviour_from_mixed")
        if isinstance(mixed_profile, str | bytes | Mapping) or not isinstance(
            mixed_profile, Sequence | np.ndarray
        ):
            raise InvalidProfileError(
                "a mixed profile must be a sequence of one probability vector per "
                f"player ({self.n_players}), got {describe(mixed_profile)}"
            )
        if len(mixed_profile) != self.n_players:
            raise InvalidProfileError(
                f"a mixed profile needs one vector per player ({self.n_players}), got "
                f"{len(mixed_profile)}"
            )
        out: list[NDArray[np.float64]] = [np.empty(0)] * self.n_infosets
        for i, mixed in enumerate(mixed_profile):
            table = self._strategies(i, MAX_PROFILES)
            weights = _probability_vector(
                mixed, len(table), f"the mixed strategy of player {self.players[i]!r}"
            )
            for j, k in enumerate(self.player_infosets(i)):
                n_actions = self.infosets[k].n_actions
                column = table[:, j]
                reaching = column >= 0
                mass = np.bincount(
                    column[reaching], weights=weights[reaching], minlength=n_actions
                )
                total = mass.sum()
                out[k] = mass / total if total > 0 else np.full(n_actions, 1.0 / n_actions)
        return tuple(out)

    # --------------------------------------------------- sequence form
    def _sequence_index(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Per flat action, its owner and its sequence index (from 1) among
        the owner's sequences."""
        owner = np.repeat(
            np.array([s.player for s in self.infosets], dtype=np.intp),
            np.diff(self._offsets),
        )
        index = np.zeros(len(owner), dtype=np.intp)
        for i in range(self.n_players):
            mine = owner == i
            index[mine] = np.arange(1, int(mine.sum()) + 1)
        return owner, index

    def sequence_form(self, *, exact: bool = False) -> SequenceForm:
        """The sequence form (Koller, Megiddo and von Stengel 1996).

        Its size is linear in the tree's: player ``i`` has ``1 + sum of the
        number of actions over her sets`` sequences.  The game must have
        perfect recall.

        Parameters
        ----------
        exact : bool, default False
            Give :attr:`SequenceForm.payoffs` and
            :attr:`SequenceForm.terminal_weights` as object arrays of
            :class:`fractions.Fraction`, computed from the exact values
            (:attr:`exact_terminal_payoffs`,
            :attr:`exact_chance_probabilities`); the constraints (entries 0
            and +-1) are float either way.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> form = game.sequence_form()
        >>> form.sequences
        (('', 'a:U', 'a:D'), ('', 'b:l', 'b:r'))
        >>> form.payoffs[0]
        array([[0., 0., 0.],
               [0., 3., 0.],
               [0., 0., 1.]])
        >>> form.constraints[1][0]
        array([[ 1.,  0.,  0.],
               [-1.,  1.,  1.]])
        >>> game.sequence_form(exact=True).payoffs[1][2, 2]
        Fraction(3, 1)
        """
        self._need_perfect_recall("the sequence form")
        if not isinstance(exact, bool | np.bool_):
            raise InvalidArgumentError(f"exact must be True or False, got {describe(exact)}")
        if exact:
            cached_exact = self._cache.get("exact sequence form")
            if cached_exact is None:
                cached_exact = self._exact_sequence_form(self.sequence_form())
                self._cache["exact sequence form"] = cached_exact
            exact_form: SequenceForm = cached_exact
            return exact_form
        cached = self._cache.get("sequence form")
        if cached is not None:
            form: SequenceForm = cached
            return form
        _, index = self._sequence_index()
        terminals = self.terminal_nodes
        n = self.n_players
        sequences = []
        sets_of = []
        parents = []
        constraints = []
        terminal_sequences = np.zeros((len(terminals), n), dtype=np.intp)
        for i in range(n):
            sets = self.player_infosets(i)
            labels = [""]
            parent = np.zeros(len(sets), dtype=np.intp)
            size = 1 + sum(self.infosets[k].n_actions for k in sets)
            matrix = np.zeros((1 + len(sets), size))
            matrix[0, 0] = 1.0
            for j, k in enumerate(sets):
                infoset = self.infosets[k]
                name = infoset.label or repr(infoset.key)
                labels += [f"{name}:{a}" for a in infoset.actions]
                edge = int(self._own_edge[i, infoset.nodes[0]])
                parent[j] = 0 if edge < 0 else index[edge]
                low = int(index[self._offsets[k]])
                matrix[j + 1, parent[j]] = -1.0
                matrix[j + 1, low : low + infoset.n_actions] = 1.0
            vector = np.zeros(1 + len(sets))
            vector[0] = 1.0
            edges = self._own_edge[i, terminals]
            # index -1 (no own move on the path): the empty sequence 0
            terminal_sequences[:, i] = np.append(index, 0)[edges]
            sequences.append(tuple(labels))
            sets_of.append(sets)
            parents.append(readonly(parent))
            constraints.append((readonly(matrix), readonly(vector)))
        weights = self._chance_reach()[terminals]
        payoffs: (
            tuple[NDArray[np.float64], NDArray[np.float64]]
            | Mapping[tuple[int, ...], NDArray[np.float64]]
        )
        if n == 2:
            shape = (len(sequences[0]), len(sequences[1]))
            matrices = []
            for p in range(2):
                matrix = np.zeros(shape)
                np.add.at(
                    matrix,
                    (terminal_sequences[:, 0], terminal_sequences[:, 1]),
                    weights * self.terminal_payoffs[:, p],
                )
                matrices.append(readonly(matrix))
            payoffs = (matrices[0], matrices[1])
        else:
            table: dict[tuple[int, ...], NDArray[np.float64]] = {}
            for row, weight, values in zip(
                terminal_sequences.tolist(), weights, self.terminal_payoffs, strict=True
            ):
                cell = tuple(row)
                table[cell] = table.get(cell, np.zeros(n)) + weight * values
            payoffs = _ReadOnlyMapping({k: readonly(v) for k, v in table.items()})
        form = SequenceForm(
            players=self.players,
            sequences=tuple(sequences),
            infosets=tuple(sets_of),
            parents=tuple(parents),
            constraints=tuple(constraints),
            terminal_sequences=readonly(terminal_sequences),
            terminal_weights=readonly(np.array(weights)),
            payoffs=payoffs,
        )
        self._cache["sequence form"] = form
        return form

    def _exact_sequence_form(self, form: SequenceForm) -> SequenceForm:
        """``form`` with its payoffs and terminal weights in exact arithmetic."""
        reach = self._exact_reach()
        weights = np.empty(len(reach), dtype=object)
        weights[:] = reach
        rows = form.terminal_sequences.tolist()
        values = self.exact_terminal_payoffs.tolist()
        payoffs: tuple[NDArray[Any], NDArray[Any]] | Mapping[tuple[int, ...], NDArray[Any]]
        if self.n_players == 2:
            matrices = [np.full(form.sizes, Fraction(0), dtype=object) for _ in range(2)]
            for (s, t), weight, payoff in zip(rows, reach, values, strict=True):
                matrices[0][s, t] += weight * payoff[0]
                matrices[1][s, t] += weight * payoff[1]
            payoffs = (readonly(matrices[0]), readonly(matrices[1]))
        else:
            table: dict[tuple[int, ...], list[Fraction]] = {}
            for row, weight, payoff in zip(rows, reach, values, strict=True):
                cell = tuple(row)
                known = table.get(cell)
                added = [weight * v for v in payoff]
                table[cell] = (
                    added if known is None else [a + b for a, b in zip(known, added, strict=True)]
                )
            payoffs = _ReadOnlyMapping(
                {k: readonly(np.array(v, dtype=object)) for k, v in table.items()}
            )
        return dataclasses.replace(
            form, payoffs=payoffs, terminal_weights=readonly(weights)
        )

    def realisation_from_behaviour(
        self, profile: Sequence[ArrayLike]
    ) -> tuple[NDArray[np.float64], ...]:
        """Each player's realisation plan of a behaviour profile.

        Returns
        -------
        tuple of ndarray
            Per player, over her sequences (:attr:`SequenceForm.sequences`),
            the product of her behaviour probabilities along each; they
            satisfy ``E x = e`` of :attr:`SequenceForm.constraints`.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> def two(left, right):
        ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
        >>> game = ExtensiveFormGame(
        ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
        ...     players=["A", "B"])
        >>> plans = game.realisation_from_behaviour(([0.75, 0.25], [0.25, 0.75]))
        >>> plans
        (array([1.  , 0.75, 0.25]), array([1.  , 0.25, 0.75]))
        >>> game.behaviour_from_realisation(plans)
        (array([0.75, 0.25]), array([0.25, 0.75]))
        """
        self._need_perfect_recall("realisation_from_behaviour")
        sigma = self.check_profile(profile)
        own = self._own_reach(self._edge_probabilities(sigma))
        plans = []
        for i in range(self.n_players):
            sets = self.player_infosets(i)
            parts = [np.ones(1)]
            for k in sets:
                parts.append(own[self.infosets[k].nodes[0], i] * sigma[k])
            plans.append(np.concatenate(parts))
        return tuple(plans)

    def behaviour_from_realisation(
        self, plans: Sequence[ArrayLike], *, tol: float = 1e-6
    ) -> BehaviourProfile:
        """The behaviour profile of realisation plans (one per player).

        At each set, an action's probability is its sequence's weight divided
        by the weight of all the set's sequences; uniform where that weight
        is 0 (the set is unreachable by the player's own plan).

        Parameters
        ----------
        plans : sequence of array_like
            Per player, a realisation plan over her sequences.
        tol : float, default 1e-6
            Allowed violation of ``x >= 0`` and ``E x = e``.

        Raises
        ------
        InvalidProfileError
            If a plan has the wrong length, non-finite or negative entries, or
            violates a constraint (the message names the set).
        """
        self._need_perfect_recall("behaviour_from_realisation")
        checked_tol = finite_real(tol)
        if checked_tol is None or checked_tol < 0:
            raise InvalidArgumentError(f"tol must be a number >= 0, got {describe(tol)}")
        form = self.sequence_form()
        if isinstance(plans, str | bytes | Mapping) or not isinstance(
            plans, Sequence | np.ndarray
        ):
            raise InvalidProfileError(
                f"plans must be a sequence of one realisation plan per player "
                f"({self.n_players}), got {describe(plans)}"
            )
        if len(plans) != self.n_players:
            raise InvalidProfileError(
                f"plans need one realisation plan per player ({self.n_players}), got "
                f"{len(plans)}"
            )
        out: list[NDArray[np.float64]] = [np.empty(0)] * self.n_infosets
        _, index = self._sequence_index()
        for i, plan in enumerate(plans):
            size = form.sizes[i]
            try:
                x = np.array(plan, dtype=np.float64)
            except (TypeError, ValueError):
                x = np.array([np.nan])
            if x.shape != (size,) or not np.all(np.isfinite(x)) or x.min() < -checked_tol:
                raise InvalidProfileError(
                    f"the realisation plan of player {self.players[i]!r} must be "
                    f"{size} finite numbers >= 0, got {describe(plan)}"
                )
            if abs(x[0] - 1.0) > checked_tol:
                raise InvalidProfileError(
                    f"the realisation plan of player {self.players[i]!r} must give the "
                    f"empty sequence 1, got {x[0]!r}"
                )
            x = np.maximum(x, 0.0)
            for j, k in enumerate(form.infosets[i]):
                infoset = self.infosets[k]
                low = int(index[self._offsets[k]])
                mass = x[low : low + infoset.n_actions]
                total = mass.sum()
                if abs(total - x[form.parents[i][j]]) > checked_tol:
                    raise InvalidProfileError(
                        f"the realisation plan of player {self.players[i]!r} violates "
                        f"the constraint of {_describe_set(infoset, self.players)}: its "
                        f"sequences weigh {total:.12g}, the sequence before it "
                        f"{x[form.parents[i][j]]:.12g}"
                    )
                out[k] = (
                    mass / total
                    if total > 0
                    else np.full(infoset.n_actions, 1.0 / infoset.n_actions)
                )
        return tuple(out)

    # --------------------------------------------------------- equality
    def __eq__(self, other: object) -> bool:
        """Same tree, information sets, labels, probabilities, payoffs and
        outcomes (titles, comments and information-set keys do not count);
        the exact probabilities and payoffs if either game keeps exact values
        (as :class:`~kurilsim.NormalFormGame` compares)."""
        if not isinstance(other, ExtensiveFormGame):
            return NotImplemented
        if not self._same_floats(other):
            return False
        if self.is_float_exact and other.is_float_exact:
            return True
        return bool(
            np.all(self.exact_terminal_payoffs == other.exact_terminal_payoffs)
            and all(
                p == other.exact_chance_probabilities[k]
                for k, p in self.exact_chance_probabilities.items()
            )
        )

    def _same_floats(self, other: ExtensiveFormGame) -> bool:
        return bool(
            self.players == other.players
            and self.n_nodes == other.n_nodes
            and np.array_equal(self.node_kind, other.node_kind)
            and np.array_equal(self.node_parent, other.node_parent)
            and np.array_equal(self.node_player, other.node_player)
            and np.array_equal(self.node_infoset, other.node_infoset)
            and self.node_actions == other.node_actions
            and self.node_labels == other.node_labels
            and tuple(s.label for s in self.infosets)
            == tuple(s.label for s in other.infosets)
            and all(
                np.array_equal(p, other.chance_probabilities[k])
                for k, p in self.chance_probabilities.items()
            )
            and np.array_equal(self.terminal_payoffs, other.terminal_payoffs)
            and self.terminal_outcomes == other.terminal_outcomes
        )

    def __hash__(self) -> int:
        # the structure only: equal games (payoffs 0.0 and -0.0 included) hash equal
        return hash((self.players, self.node_kind.tobytes(), self.node_parent.tobytes()))

    def __repr__(self) -> str:
        title = f"{self.title!r}, " if self.title else ""
        recall = "perfect recall" if self.perfect_recall else "imperfect recall"
        return (
            f"ExtensiveFormGame({title}players={list(self.players)!r}, "
            f"nodes={self.n_nodes}, infosets={self.n_infosets}, "
            f"terminals={len(self.terminal_nodes)}, {recall})"
        )

    __str__ = __repr__

    # ------------------------------------------------------- conversions
    @classmethod
    def from_sequential(cls, game: SequentialGame) -> ExtensiveFormGame:
        """The same perfect-information tree as an extensive game.

        Every decision node is an information set of its own (keyed
        ``("node", k)`` by its node id); labels and outcomes are kept.

        Examples
        --------
        >>> from kurilsim import Decision, ExtensiveFormGame, SequentialGame, Terminal
        >>> tree = SequentialGame(Decision("a", {"x": Terminal((1,)), "y": Terminal((0,))}),
        ...                       players=["a"])
        >>> ExtensiveFormGame.from_sequential(tree).infosets[0].key
        ('node', 0)
        """
        if not isinstance(game, SequentialGame):
            raise InvalidArgumentError(
                f"game must be a SequentialGame, got {describe(game)}"
            )
        return cls(game.root, game.players)

    def to_sequential(self) -> SequentialGame:
        """This game as a :class:`~kurilsim.SequentialGame` (perfect information).

        Raises
        ------
        InvalidGameError
            If some information set has more than one node.

        Examples
        --------
        >>> from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal
        >>> game = ExtensiveFormGame(
        ...     Choice("a", 1, [("x", Terminal((1,))), ("y", Terminal((0,)))]), players=["a"])
        >>> tree = game.to_sequential()
        >>> tree.n_nodes, tree.actions[0]
        (3, ('x', 'y'))
        """
        for index, infoset in enumerate(self.infosets):
            if len(infoset.nodes) > 1:
                raise InvalidGameError(
                    "to_sequential needs perfect information, but "
                    f"{self.infoset_description(index)} has {len(infoset.nodes)} "
                    f"nodes {list(infoset.nodes)}"
                )
        built: dict[int, Node] = {}
        for node in range(self.n_nodes - 1, -1, -1):
            kind = int(self.node_kind[node])
            label = self.node_labels[node]
            kids = [built.pop(c) for c in self.node_children[node]]
            actions = self.node_actions[node]
            if kind == TERMINAL:
                row = int(np.searchsorted(self.terminal_nodes, node))
                built[node] = Terminal(
                    tuple(self.terminal_payoffs[row].tolist()),
                    self.terminal_outcomes[row],
                    label,
                    _exact=None
                    if self._exact_payoffs is None
                    else tuple(self._exact_payoffs[row].tolist()),
                )
            elif kind == CHANCE:
                probabilities = self.chance_probabilities[node].tolist()
                built[node] = Chance(
                    tuple(zip(actions, probabilities, kids, strict=True)),
                    label,
                    _exact=None if self._exact_chance is None else self._exact_chance[node],
                )
            else:
                built[node] = Decision(
                    int(self.node_player[node]),
                    tuple(zip(actions, kids, strict=True)),
                    label,
                )
        return SequentialGame(built[0], self.players)

    @classmethod
    def from_efg(cls, source: str | os.PathLike[str]) -> ExtensiveFormGame:
        """Read a game from Gambit's ``.efg`` format (a path or the text).

        See :func:`kurilsim.io.efg.read_efg`.
        """
        from kurilsim.io.efg import read_efg

        game: ExtensiveFormGame = read_efg(source)
        return game

    def to_efg(self) -> str:
        """This game in Gambit's ``.efg`` format.

        See :func:`kurilsim.io.efg.to_efg`.
        """
        from kurilsim.io.efg import to_efg

        text: str = to_efg(self)
        return text


# ---------------------------------------------------------------- helpers
def _player_index(
    player: object, players: tuple[str, ...], error: type[Exception]
) -> int:
    if isinstance(player, str):
        if player not in players:
            raise error(f"unknown player {player!r}; players are {list(players)}")
        return players.index(player)
    if isinstance(player, bool | np.bool_) or not isinstance(player, numbers.Integral):
        raise error(f"a player must be a name or an index, got {describe(player)}")
    if not 0 <= int(player) < len(players):
        raise error(
            f"player index {int(player)} out of range for {len(players)} players "
            f"{list(players)}"
        )
    return int(player)


def _describe_node(
    node: int,
    labels: Sequence[str],
    parents: Sequence[int] | NDArray[np.intp],
    actions_taken: Sequence[int] | NDArray[np.intp],
    actions: Sequence[tuple[str, ...]],
) -> str:
    if labels[node]:
        return f"node {node} {labels[node]!r}"
    history = []
    current = node
    while parents[current] >= 0:
        parent = int(parents[current])
        history.append(actions[parent][int(actions_taken[current])])
        current = parent
    path = " / ".join(reversed(history)) or "root"
    return f"node {node} ({path})"


def _describe_set(infoset: InformationSet, players: tuple[str, ...]) -> str:
    name = infoset.label or repr(infoset.key)
    if infoset.label:
        name = repr(infoset.label)
    return f"information set {name} of player {players[infoset.player]!r}"


def _probability_vector(value: object, size: int, what: str) -> NDArray[np.float64]:
    try:
        vector = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidProfileError(
            f"{what} must be a vector of {size} probabilities, got {describe(value)}"
        ) from None
    if vector.shape != (size,):
        raise InvalidProfileError(
            f"{what} must have shape ({size},), got shape {vector.shape}"
        )
    if not np.all(np.isfinite(vector)):
        raise InvalidProfileError(f"{what} has non-finite entries: {vector.tolist()}")
    if vector.min() < -PROFILE_TOL or abs(vector.sum() - 1.0) > PROFILE_TOL * (size + 1):
        raise InvalidProfileError(
            f"{what} is not a probability vector (min {vector.min():.3g}, sum "
            f"{vector.sum():.12g}): {vector.tolist()}"
        )
    return vector


def _contract(
    consistency: list[NDArray[np.float64]], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``sum_z weights[z] * prod_i consistency[i][s_i, z]`` for every profile
    ``(s_1, ..., s_n)``: the payoff tensor of the reduced strategic form."""
    last = consistency[-1] * weights[None, :]
    if len(consistency) == 1:
        result: NDArray[np.float64] = last.sum(axis=1)
        return result
    head_size = math.prod(len(c) for c in consistency[:-1]) * len(weights)
    if len(consistency) > 2 and head_size > _CHUNK and len(consistency[0]) > 1:
        # one of the first player's strategies at a time, to bound memory
        return np.concatenate(
            [_contract([c[None, :], *consistency[1:]], weights) for c in consistency[0]]
        )
    head = consistency[0]
    for factor in consistency[1:-1]:
        head = (head[..., None, :] * factor.reshape((1,) * (head.ndim - 1) + factor.shape))
    result = head @ last.T
    return result


def _contract_exact(
    consistency: list[NDArray[np.float64]], weights: list[Fraction]
) -> NDArray[Any]:
    """:func:`_contract` in exact rational arithmetic: an object array of
    :class:`~fractions.Fraction`.

    The weights are scaled to integers by the least common multiple of their
    denominators and contracted as Python integers.
    """
    denominator = math.lcm(*(w.denominator for w in weights)) if weights else 1
    numerators = np.empty(len(weights), dtype=object)
    numerators[:] = [w.numerator * (denominator // w.denominator) for w in weights]
    integers = [c.astype(np.int64).astype(object) for c in consistency]
    sums = _contract(integers, numerators)
    out = np.empty(sums.shape, dtype=object)
    out.ravel()[:] = [Fraction(int(v), denominator) for v in sums.ravel().tolist()]
    return out


def _default_label(given: str, key: Hashable) -> str:
    if given:
        return given
    return key if isinstance(key, str) else ""


class _Flattener:
    """Flattens a tree into the arrays of an :class:`ExtensiveFormGame`."""

    def __init__(self, game: ExtensiveFormGame, players: tuple[str, ...]) -> None:
        self.game = game
        self.players = players

    def run(self) -> None:
        players = self.players
        n_players = len(players)
        kinds: list[int] = []
        movers: list[int] = []
        set_of: list[int] = []
        parents: list[int] = []
        taken: list[int] = []
        children: list[list[int]] = []
        actions: list[tuple[str, ...]] = []
        labels: list[str] = []
        chance: dict[int, NDArray[np.float64]] = {}
        terminals: list[int] = []
        payoffs: list[tuple[float, ...]] = []
        exact_payoffs: list[tuple[Fraction, ...] | None] = []
        exact_chance: dict[int, tuple[Fraction, ...] | None] = {}
        outcomes: list[Hashable] = []
        set_index: dict[tuple[int, Hashable], int] = {}
        set_nodes: list[list[int]] = []
        set_player: list[int] = []
        set_key: list[Hashable] = []
        set_actions: list[tuple[str, ...]] = []
        set_label: list[str] = []
        stack: list[tuple[Node, int, int]] = [(self.game.root, -1, -1)]
        while stack:
            node, parent, action = stack.pop()
            index = len(kinds)
            parents.append(parent)
            taken.append(action)
            if parent >= 0:
                children[parent].append(index)
            labels.append(node.label)
            children.append([])
            if isinstance(node, Terminal):
                if len(node.payoffs) != n_players:
                    where = _describe_node(index, labels, parents, taken, [*actions, ()])
                    raise InvalidGameError(
                        f"terminal {where} has {len(node.payoffs)} payoffs, expected "
                        f"{n_players} (one per player {list(players)})"
                    )
                kinds.append(TERMINAL)
                movers.append(-1)
                set_of.append(-1)
                actions.append(())
                terminals.append(index)
                payoffs.append(node.payoffs)
                exact_payoffs.append(node._exact)
                outcomes.append(node.outcome)
                continue
            if isinstance(node, Chance):
                kinds.append(CHANCE)
                movers.append(-1)
                set_of.append(-1)
                actions.append(tuple(a for a, _, _ in node.moves))
                chance[index] = readonly(np.array([p for _, p, _ in node.moves]))
                exact_chance[index] = node._exact
                subtrees = [c for _, _, c in node.moves]
            else:
                try:
                    mover = _player_index(node.player, players, InvalidGameError)
                except InvalidGameError as error:
                    where = _describe_node(index, labels, parents, taken, [*actions, ()])
                    raise InvalidGameError(f"{where}: {error}") from None
                labels_here = tuple(a for a, _ in node.moves)
                if isinstance(node, Choice):
                    key: Hashable = node.infoset
                    given_label = node.infoset_label
                else:
                    key = ("node", index)
                    given_label = ""
                kinds.append(DECISION)
                movers.append(mover)
                actions.append(labels_here)
                known = set_index.get((mover, key))
                if known is None:
                    known = len(set_nodes)
                    set_index[(mover, key)] = known
                    set_nodes.append([])
                    set_player.append(mover)
                    set_key.append(key)
                    set_actions.append(labels_here)
                    set_label.append(given_label)
                else:
                    if set_actions[known] != labels_here:
                        first = set_nodes[known][0]
                        raise InvalidGameError(
                            f"information set {key!r} of player {players[mover]!r}: "
                            f"{_describe_node(index, labels, parents, taken, actions)} "
                            f"has actions {list(labels_here)} but "
                            f"{_describe_node(first, labels, parents, taken, actions)} "
                            f"has {list(set_actions[known])}; every node of a set "
                            "needs the same actions in the same order"
                        )
                    if given_label and set_label[known] and given_label != set_label[known]:
                        raise InvalidGameError(
                            f"information set {key!r} of player {players[mover]!r} "
                            f"has two labels, {set_label[known]!r} and "
                            f"{given_label!r}"
                        )
                    if given_label:
                        set_label[known] = given_label
                set_nodes[known].append(index)
                set_of.append(known)
                subtrees = [c for _, c in node.moves]
            # push in reverse so children are visited (and numbered) in order
            stack.extend(
                (child, index, k) for k, child in reversed(list(enumerate(subtrees)))
            )
        infosets = tuple(
            InformationSet(
                player=set_player[k],
                key=set_key[k],
                actions=set_actions[k],
                nodes=tuple(set_nodes[k]),
                label=_default_label(set_label[k], set_key[k]),
            )
            for k in range(len(set_nodes))
        )
        g = self.game
        n = len(kinds)
        parent_array = readonly(np.array(parents, dtype=np.intp))
        setattr_ = object.__setattr__
        setattr_(g, "node_kind", readonly(np.array(kinds, dtype=np.int8)))
        setattr_(g, "node_player", readonly(np.array(movers, dtype=np.intp)))
        setattr_(g, "node_infoset", readonly(np.array(set_of, dtype=np.intp)))
        setattr_(g, "node_parent", parent_array)
        setattr_(g, "node_action", readonly(np.array(taken, dtype=np.intp)))
        setattr_(g, "node_children", tuple(tuple(c) for c in children))
        setattr_(g, "node_actions", tuple(actions))
        setattr_(g, "node_labels", tuple(labels))
        setattr_(g, "chance_probabilities", _ReadOnlyMapping(chance))
        setattr_(g, "infosets", infosets)
        setattr_(g, "terminal_nodes", readonly(np.array(terminals, dtype=np.intp)))
        payoff_table = np.array(payoffs, dtype=np.float64).reshape(-1, n_players)
        with np.errstate(over="ignore"):
            spans = payoff_table.max(axis=0) - payoff_table.min(axis=0)
        if not np.all(np.isfinite(spans)):
            player = int(np.flatnonzero(~np.isfinite(spans))[0])
            raise InvalidGameError(
                f"the payoffs of player {g.players[player]!r} span "
                f"[{payoff_table[:, player].min():.6g}, {payoff_table[:, player].max():.6g}], "
                "more than the largest float; rescale them"
            )
        setattr_(g, "terminal_payoffs", readonly(payoff_table))
        setattr_(g, "terminal_outcomes", tuple(outcomes))
        exact_rows: NDArray[Any] | None = None
        if any(row is not None for row in exact_payoffs):
            exact_rows = np.empty((len(payoffs), n_players), dtype=object)
            for k, (row, given) in enumerate(zip(payoffs, exact_payoffs, strict=True)):
                exact_rows[k, :] = [Fraction(v) for v in row] if given is None else given
            exact_rows = readonly(exact_rows)
        setattr_(g, "_exact_payoffs", exact_rows)
        setattr_(
            g,
            "_exact_chance",
            _ReadOnlyMapping(
                {
                    c: tuple(Fraction(p) for p in chance[c].tolist()) if q is None else q
                    for c, q in exact_chance.items()
                }
            )
            if any(q is not None for q in exact_chance.values())
            else None,
        )
        # flat action indices: set k's actions are offsets[k] ... offsets[k+1]-1
        sizes = np.array([len(s.actions) for s in infosets], dtype=np.intp)
        offsets = readonly(np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp))
        n_flat = int(offsets[-1])
        chance_nodes = sorted(chance)
        chance_offset: dict[int, int] = {}
        position = n_flat
        for c in chance_nodes:
            chance_offset[c] = position
            position += len(chance[c])
        chance_flat = readonly(
            np.concatenate([chance[c] for c in chance_nodes])
            if chance_nodes
            else np.empty(0)
        )
        # each node's edge: the index of its probability in
        # concat(flat behaviour, chance probabilities, [1.0]) (-1: the root's 1.0)
        edge_source = np.full(n, -1, dtype=np.intp)
        edge_player = np.full(n, -1, dtype=np.intp)
        depth = np.zeros(n, dtype=np.intp)
        for v in range(1, n):
            up = parents[v]
            depth[v] = depth[up] + 1
            if kinds[up] == DECISION:
                edge_source[v] = offsets[set_of[up]] + taken[v]
                edge_player[v] = movers[up]
            else:
                edge_source[v] = chance_offset[up] + taken[v]
        order = np.argsort(depth[1:], kind="stable") + 1
        bounds = np.searchsorted(depth[order], np.arange(1, int(depth.max()) + 2))
        levels = tuple(
            readonly(order[bounds[d] : bounds[d + 1]]) for d in range(len(bounds) - 1)
        )
        # own_edge[i, node]: the flat index of player i's last action on the
        # path to node (-1 if none)
        own_edge = np.full((n_players, n), -1, dtype=np.intp)
        for level in levels:
            own_edge[:, level] = own_edge[:, parent_array[level]]
            mine = edge_player[level]
            moved = mine >= 0
            own_edge[mine[moved], level[moved]] = edge_source[level[moved]]
        setattr_(g, "_offsets", offsets)
        setattr_(g, "_edge_source", readonly(edge_source))
        setattr_(g, "_edge_player", readonly(edge_player))
        setattr_(g, "_chance_flat", chance_flat)
        setattr_(g, "_levels", levels)
        setattr_(g, "_own_edge", readonly(own_edge))
        setattr_(g, "_violations", self._recall(infosets, own_edge, levels))

    def _recall(
        self,
        infosets: tuple[InformationSet, ...],
        own_edge: NDArray[np.intp],
        levels: tuple[NDArray[np.intp], ...],
    ) -> tuple[str, ...]:
        game = self.game
        n = game.n_nodes
        parent = game.node_parent
        # subtree sizes: node v's subtree is v, ..., v + size[v] - 1 in prefix order
        size = np.ones(n, dtype=np.intp)
        for level in reversed(levels):
            np.add.at(size, parent[level], size[level])
        decisions = np.flatnonzero(game.node_kind == DECISION)
        sets = game.node_infoset[decisions]
        order = np.lexsort((decisions, sets))
        nodes, sets = decisions[order], sets[order]
        same = sets[1:] == sets[:-1]
        # two nodes of a set on one path <=> two consecutive ones (prefix order)
        nested = same & (nodes[1:] < nodes[:-1] + size[nodes[:-1]])
        absent: dict[int, tuple[int, int]] = {}
        for j in np.flatnonzero(nested).tolist():
            absent.setdefault(int(sets[j]), (int(nodes[j]), int(nodes[j + 1])))
        movers = game.node_player[decisions]
        firsts = np.array([s.nodes[0] for s in infosets], dtype=np.intp)
        own = own_edge[movers, decisions]
        reference = own_edge[movers, firsts[game.node_infoset[decisions]]]
        forgets: dict[int, int] = {}
        for j in np.flatnonzero(own != reference).tolist():
            forgets.setdefault(int(game.node_infoset[decisions[j]]), int(decisions[j]))
        violations: list[str] = []
        for k in sorted(set(absent) | set(forgets)):
            infoset = infosets[k]
            name = _describe_set(infoset, self.players)
            if k in absent:
                upper, lower = absent[k]
                violations.append(
                    f"{name} contains {game.node_description(upper)} and "
                    f"{game.node_description(lower)} on one path (absent-mindedness)"
                )
                continue
            first, other = infoset.nodes[0], forgets[k]
            violations.append(
                f"{name}: the player's own history differs between "
                f"{game.node_description(first)} "
                f"({_history(game, infoset.player, first)}) and "
                f"{game.node_description(other)} "
                f"({_history(game, infoset.player, other)})"
            )
        return tuple(violations)


def _history(game: ExtensiveFormGame, player: int, node: int) -> str:
    """A player's own (set, action) history on the path to a node, readable."""
    steps = []
    current = node
    while game.node_parent[current] >= 0:
        up = int(game.node_parent[current])
        if game.node_kind[up] == DECISION and game.node_player[up] == player:
            infoset = game.infosets[int(game.node_infoset[up])]
            name = infoset.label or repr(infoset.key)
            steps.append(f"{name}:{infoset.actions[int(game.node_action[current])]}")
        current = up
    return ", ".join(reversed(steps)) or "no earlier move"
