"""Stationary Markov perfect equilibria of bargaining with states.

A :class:`StochasticBargainingGame` is an infinite-horizon bargaining game
over a finite set of agreements whose payoffs, status-quo flows, available
agreements and proposer change with an exogenous *state* that follows a
Markov chain (Merlo and Wilson 1995).  Each period one player, drawn with the
state's recognition probabilities, proposes an agreement or a lottery over
agreements (public randomisation); the others accept or reject in turn
(unanimity).  An accepted agreement ends the game, unless it is a *phase*: a
first stage that moves the game to another state, where talks go on with the
first stage's payoff as the new status-quo flow.  After a rejection the
period's status-quo flow accrues and the state moves on.

:func:`solve_markov_bargaining` computes a stationary Markov perfect
equilibrium and certifies it; :func:`alternating_offers` turns a game into
one where the players take turns proposing (Rubinstein's protocol);
:func:`markov_deviation_gain` is the certificate, usable on any stationary
profile; :func:`no_agreement_values` and :func:`agreement_zones` describe
what each state offers before any strategy is fixed.

The solver, step by step:

1. scale every player's utilities to [0, 1] over the agreements and flows
   (tolerances are relative, the equilibrium is equivariant under positive
   affine rescaling of a player's utilities);
2. prune the agreements no proposer ever needs (those below the Pareto
   frontier of the convex hull of a state's final agreements);
3. iterate the values ``V <- T(V)`` from the no-agreement values, where
   ``T`` lets each proposer make its best acceptable offer (for two players
   an exact, vectorised search over the frontier's vertices and edges; for
   more, a linear program per proposer and state), with the responders'
   and proposers' mixing smoothed by a ramp (see
   :func:`solve_markov_bargaining`);
4. after a few iterations, take safeguarded Newton steps on ``T(V) = V``
   with a finite-difference Jacobian (``T`` is piecewise linear without
   phases and mixing, so a step is exact once the binding offers no longer
   change); narrow the ramp and repeat while some offer is on it;
5. read the strategies off the fixed point, evaluate them exactly (one linear
   system per player) and measure the largest one-shot deviation gain
   (:func:`markov_deviation_gain`).

References
----------
.. [1] A. Rubinstein, "Perfect equilibrium in a bargaining model",
   *Econometrica* 50(1), 97–109, 1982.
.. [2] K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining solution
   in economic modelling", *RAND Journal of Economics* 17(2), 176–188, 1986.
.. [3] A. Merlo and C. Wilson, "A stochastic model of sequential bargaining
   with complete information", *Econometrica* 63, 371–399, 1995.
.. [4] V. Britz, P. J.-J. Herings and A. Predtetchinski, "Non-cooperative
   support for the asymmetric Nash bargaining solution", *Journal of
   Economic Theory* 145(5), 1951–1967, 2010 (METEOR Research Memorandum
   2008/018, Maastricht University, 2008).
.. [5] J. S. Banks and J. Duggan, "A bargaining model of collective choice",
   *American Political Science Review* 94(1), 73–88, 2000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import duplicates, readonly
from kurilsim._checks import check_choice, check_int, check_real, describe, real_array
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    InvalidProfileError,
    PrecisionError,
    SolverError,
)
from kurilsim._lp import solve_lp

__all__ = [
    "DEFAULT_TOL",
    "MarkovBargainingResult",
    "StochasticBargainingGame",
    "agreement_zones",
    "alternating_offers",
    "markov_deviation_gain",
    "no_agreement_values",
    "solve_markov_bargaining",
]

#: Default tolerance of the certificate, in units of each player's utility range.
DEFAULT_TOL: Final = 1e-9

#: How far probabilities may stray from summing to one before they are refused.
_SUM_TOL: Final = 1e-9

#: Offers whose values differ by less than this (scaled units) tie; a proposer
#: who gains less than this from delaying proposes instead.
_TIE: Final = 1e-12

#: Deviation gains (scaled units) at or below this are float64 rounding error:
#: a certificate this small but above ``tol`` is a :class:`PrecisionError`.
_RESOLUTION: Final = 1e-13

#: Lottery weights below this are dropped (and the rest renormalised).
_DUST: Final = 1e-14

#: Step of the finite-difference Jacobian of the Newton polish (scaled units).
_STEP: Final = 1e-7

#: Width of the first mixing ramp (scaled units) and the factor each later
#: one is narrowed by, down to ``tol / 4`` (see :func:`solve_markov_bargaining`).
_FIRST_WIDTH: Final = 1e-3
_NARROWING: Final = 0.1

#: Bisections locating the end of a linear piece of the Bellman operator.
_BISECTIONS: Final = 20

#: Value-iteration steps before the first Newton step.
_WARM_UP: Final = 5

#: Most players and states: the sizes of the arrays the solver lays out.
_MAX_PLAYERS: Final = 64
_MAX_STATES: Final = 2_000

#: Most unknowns (states x players) for Newton steps (a dense Jacobian); larger
#: games use value iteration alone.
_MAX_NEWTON: Final = 1_024

#: Most entries of one batch of the vectorised kernel (batches are chunked).
_CHUNK: Final = 4_000_000
_MAX_AGREEMENTS: Final = 100_000

#: What the reports count as agreement: a final one, or any (phases included).
Until = Literal["final", "any"]


# ---------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------
def _names(
    value: object, count: int, what: str, default: Sequence[str]
) -> tuple[str, ...]:
    if value is None or (isinstance(value, tuple | list) and not value):
        return tuple(default)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise InvalidGameError(
            f"{what} must be a sequence of {count} strings, got {describe(value)}"
        )
    names = tuple(value)
    if len(names) != count or not all(isinstance(name, str) for name in names):
        raise InvalidGameError(
            f"{what} must be a sequence of {count} distinct strings, got "
            f"{describe(value)}"
        )
    names = tuple(str(name) for name in names)
    repeated = duplicates(names)
    if repeated:
        raise InvalidGameError(f"{what} must be distinct; repeated: {repeated}")
    return names


def _probabilities(
    value: object, name: str, shape: tuple[int, int]
) -> NDArray[np.float64]:
    """A checked array of probability rows (rows renormalised to sum exactly 1)."""
    array = real_array(value, name, error=InvalidGameError)
    if array.shape != shape:
        raise InvalidGameError(
            f"{name} must have shape {shape}, got shape {array.shape}"
        )
    if (array < 0).any():
        row, col = (int(v) for v in np.argwhere(array < 0)[0])
        raise InvalidGameError(
            f"{name} must be non-negative, got {array[row, col]} in row {row}, "
            f"column {col}"
        )
    sums = array.sum(axis=1)
    bad = np.abs(sums - 1.0) > _SUM_TOL
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidGameError(
            f"each row of {name} must sum to 1 (row-stochastic), got row {row} "
            f"summing to {float(sums[row])!r}"
        )
    result: NDArray[np.float64] = array / sums[:, None]
    return result


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class StochasticBargainingGame:
    """A bargaining game over finitely many agreements whose state follows a
    Markov chain.

    Parameters
    ----------
    utilities : array_like, shape ``(n_players, n_states, n_agreements)``
        ``utilities[i, s, a]``: player ``i``'s payoff when agreement ``a`` is
        concluded in state ``s``, as a normalised perpetuity (the constant
        per-period payoff that is worth as much; see Notes).  Entries of
        phases (see ``phases``) are not used, but must be finite.
    flows : array_like, shape ``(n_players, n_states)``
        ``flows[i, s]``: player ``i``'s status-quo payoff per period of
        disagreement in state ``s`` (before the ``1 - delta`` factor).
    transitions : array_like, shape (n_states, n_states)
        Row-stochastic matrix: ``transitions[s, t]`` is the probability
        that a period in state ``s`` is followed by one in state ``t``.
    recognition : array_like, shape ``(n_states, n_players)``
        ``recognition[s, i]``: the probability that player ``i`` proposes in
        a period in state ``s`` (rows sum to 1).  Alternating offers are
        the deterministic special case built by :func:`alternating_offers`.
    discounts : array_like, shape ``(n_players,)`` or ``(n_players, n_states)``
        Each player's per-period discount factor in (0, 1), the same in
        every state or one per state; stored with shape
        ``(n_players, n_states)``.
    available : array_like of bool, shape (n_states, n_agreements), optional
        Which agreements may be concluded in each state (default all):
        those a state's ratifiers or constitution rule out are ``False``.
    phases : array_like of int, shape (n_states, n_agreements), optional
        ``phases[s, a] = t >= 0`` makes agreement ``a`` in state ``s`` a
        first stage: instead of ending the game it moves it to state ``t``
        (see Notes); ``-1`` (the default everywhere) makes it final.
    players, states, agreements : sequence of str, optional
        Distinct names (default ``"Player 1"``, ``"state 0"``,
        ``"agreement 0"``, ...).

    Raises
    ------
    InvalidGameError
        If an array has the wrong shape or holds invalid values (the message
        names it): non-finite utilities or flows, negative probabilities,
        rows that do not sum to 1, discount factors outside (0, 1), a
        non-boolean ``available``, phase targets that are not states or that
        lead to more phases; fewer than two players, or bad names.

    Notes
    -----
    Payoff convention: a player's value is the normalised discounted sum
    ``(1 - delta) * sum_t delta**t * payoff_t``, so a constant per-period
    payoff ``x`` is worth ``x``.  A final agreement ``a`` concluded in state
    ``s`` is worth ``utilities[i, s, a]``; each period of disagreement in
    ``s`` adds ``(1 - delta_i) * flows[i, s]``.  ``V_i(s)`` is player
    ``i``'s value at the start of a period in ``s``, before the proposer is
    drawn, and ::

        D_i(s) = (1 - delta_i) * flows[i, s] + delta_i * sum_t P[s, t] V_i(t)

    its value of a rejection in ``s`` (the delay value).  A phase ``a`` in
    ``s`` with target ``t = phases[s, a]`` gives ``D_i(t)``: the first stage
    takes effect at once, the period's payoff is ``t``'s flow, and the next
    period starts in a state drawn from row ``t`` of the transitions.  Give
    the target state the first stage's payoff as its flow.  A first stage
    cannot be undone or repeated: the states a phase leads to, and every
    state reachable from them, must offer final agreements only (two-stage
    deals; the fixed point iteration is not known to converge otherwise).

    Games compare by identity (``==`` is ``is``; they hold arrays): compare
    their arrays to test whether two games are the same.

    Examples
    --------
    Two players split a unit pie (lotteries over the two extreme splits), in
    one state:

    >>> import numpy as np
    >>> from kurilsim.solvers.markov import StochasticBargainingGame
    >>> pie = StochasticBargainingGame(
    ...     utilities=[[[1.0, 0.0]], [[0.0, 1.0]]], flows=[[0.0], [0.0]],
    ...     transitions=[[1.0]], recognition=[[0.5, 0.5]], discounts=[0.9, 0.9])
    >>> pie.n_players, pie.n_states, pie.n_agreements
    (2, 1, 2)
    >>> pie.discounts
    array([[0.9],
           [0.9]])
    """

    utilities: NDArray[np.float64]
    flows: NDArray[np.float64]
    transitions: NDArray[np.float64]
    recognition: NDArray[np.float64]
    discounts: NDArray[np.float64]
    available: NDArray[np.bool_] | None = None
    phases: NDArray[np.intp] | None = None
    players: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()
    _cache: dict[str, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        u = real_array(self.utilities, "utilities", error=InvalidGameError)
        if u.ndim != 3:
            raise InvalidGameError(
                "utilities must be a 3-D array (players, states, agreements), got "
                f"shape {u.shape}"
            )
        n, n_states, m = u.shape
        if not 2 <= n <= _MAX_PLAYERS:
            raise InvalidGameError(
                f"a bargaining game needs 2 to {_MAX_PLAYERS} players (the first "
                f"axis of utilities), got {n}"
            )
        if not 1 <= n_states <= _MAX_STATES:
            raise InvalidGameError(
                f"utilities must have 1 to {_MAX_STATES} states (second axis), got "
                f"{n_states}"
            )
        if not 1 <= m <= _MAX_AGREEMENTS:
            raise InvalidGameError(
                f"utilities must have 1 to {_MAX_AGREEMENTS} agreements (third "
                f"axis), got {m}"
            )
        flows = real_array(self.flows, "flows", error=InvalidGameError)
        if flows.shape != (n, n_states):
            raise InvalidGameError(
                f"flows must have shape (players, states) = {(n, n_states)}, got "
                f"shape {flows.shape}"
            )
        transitions = _probabilities(
            self.transitions, "transitions", (n_states, n_states)
        )
        recognition = _probabilities(self.recognition, "recognition", (n_states, n))
        deltas = real_array(self.discounts, "discounts", error=InvalidGameError)
        if deltas.shape == (n,):
            deltas = np.repeat(deltas[:, None], n_states, axis=1)
        if deltas.shape != (n, n_states):
            raise InvalidGameError(
                f"discounts must have shape ({n},) or {(n, n_states)}, got shape "
                f"{deltas.shape}"
            )
        outside = ~((deltas > 0) & (deltas < 1))
        if outside.any():
            i, s = (int(v) for v in np.argwhere(outside)[0])
            raise InvalidGameError(
                f"discounts must lie in (0, 1) (patience below perfect, above "
                f"none), got {float(deltas[i, s])!r} for player {i}, state {s}"
            )
        available = self._check_available(n_states, m)
        phases = self._check_phases(n_states, m)
        _check_stages(phases, available, transitions)
        players = _names(
            self.players, n, "players", [f"Player {i + 1}" for i in range(n)]
        )
        states = _names(
            self.states, n_states, "states", [f"state {s}" for s in range(n_states)]
        )
        labels = _names(
            self.agreements, m, "agreements", [f"agreement {a}" for a in range(m)]
        )
        final = phases < 0
        spans = [u[i][final].ravel() for i in range(n)]
        every = [np.concatenate([spans[i], flows[i]]) for i in range(n)]
        lo = np.array([e.min() for e in every])
        with np.errstate(over="ignore"):
            ranges = np.array([e.max() for e in every]) - lo
        if not np.isfinite(ranges).all():
            raise InvalidGameError(
                "a player's utilities span more than the largest float; rescale them"
            )
        object.__setattr__(self, "utilities", readonly(u))
        object.__setattr__(self, "flows", readonly(flows))
        object.__setattr__(self, "transitions", readonly(transitions))
        object.__setattr__(self, "recognition", readonly(recognition))
        object.__setattr__(self, "discounts", readonly(deltas))
        object.__setattr__(self, "available", readonly(available))
        object.__setattr__(self, "phases", readonly(phases))
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "agreements", labels)
        self._cache["lo"] = lo
        self._cache["ranges"] = np.where(ranges > 0, ranges, 1.0)

    def _check_available(self, n_states: int, m: int) -> NDArray[np.bool_]:
        if self.available is None:
            return np.ones((n_states, m), dtype=bool)
        raw = np.asarray(self.available)
        if raw.dtype != np.bool_:
            raise InvalidGameError(
                "available must be an array of booleans, got "
                f"{describe(self.available)}"
            )
        if raw.shape != (n_states, m):
            raise InvalidGameError(
                f"available must have shape (states, agreements) = {(n_states, m)}, "
                f"got shape {raw.shape}"
            )
        return np.array(raw, dtype=bool)

    def _check_phases(self, n_states: int, m: int) -> NDArray[np.intp]:
        if self.phases is None:
            return np.full((n_states, m), -1, dtype=np.intp)
        raw = np.asarray(self.phases)
        if raw.dtype.kind not in "iu":
            raise InvalidGameError(
                "phases must be an array of integers (a target state, or -1 for a "
                f"final agreement), got {describe(self.phases)}"
            )
        if raw.shape != (n_states, m):
            raise InvalidGameError(
                f"phases must have shape (states, agreements) = {(n_states, m)}, got "
                f"shape {raw.shape}"
            )
        bad = (raw < -1) | (raw >= n_states)
        if bad.any():
            s, a = (int(v) for v in np.argwhere(bad)[0])
            raise InvalidGameError(
                f"phases must be -1 (final) or a state in [0, {n_states - 1}], got "
                f"{int(raw[s, a])} for state {s}, agreement {a}"
            )
        return np.array(raw, dtype=np.intp)

    # ------------------------------------------------------------------ sizes
    @property
    def n_players(self) -> int:
        """Number of players."""
        return int(self.utilities.shape[0])

    @property
    def n_states(self) -> int:
        """Number of states."""
        return int(self.utilities.shape[1])

    @property
    def n_agreements(self) -> int:
        """Number of agreements."""
        return int(self.utilities.shape[2])

    @property
    def utility_ranges(self) -> NDArray[np.float64]:
        """Each player's utility spread over final agreements and flows (1.0 if
        none): the unit of every tolerance."""
        result: NDArray[np.float64] = self._cache["ranges"]
        return result

    @property
    def final(self) -> NDArray[np.bool_]:
        """``(n_states, n_agreements)``: which agreements end the game (not phases)."""
        result: NDArray[np.bool_] = np.asarray(self.phases) < 0
        return result

    def __repr__(self) -> str:
        n_phases = int(np.count_nonzero(~self.final & np.asarray(self.available)))
        return (
            f"StochasticBargainingGame({self.n_players} players, {self.n_states} "
            f"states, {self.n_agreements} agreements, {n_phases} phase options)"
        )

    def state_index(self, state: int | str, *, name: str = "state") -> int:
        """The index of ``state`` (an index or a state name).

        Raises
        ------
        InvalidArgumentError
            If ``state`` is neither a valid index nor a state's name.
        """
        if isinstance(state, str):
            if state in self.states:
                return self.states.index(state)
            raise InvalidArgumentError(
                f"{name} must be a state of the game ({list(self.states)[:10]}...), "
                f"got {state!r}"
            )
        return check_int(state, name, low=0, high=self.n_states - 1)

    # --------------------------------------------------------------- scaling
    def _scaled(self) -> _Scaled:
        cached = self._cache.get("scaled")
        if cached is None:
            lo = self._cache["lo"]
            ranges = self.utility_ranges
            cached = _Scaled(
                U=np.ascontiguousarray(
                    np.moveaxis(
                        (self.utilities - lo[:, None, None]) / ranges[:, None, None],
                        0,
                        -1,
                    )
                ),
                F=((self.flows - lo[:, None]) / ranges[:, None]).T.copy(),
                delta=self.discounts.T.copy(),
                P=np.asarray(self.transitions),
                rho=np.asarray(self.recognition),
                available=np.asarray(self.available),
                phases=np.asarray(self.phases),
            )
            self._cache["scaled"] = cached
        result: _Scaled = cached
        return result


@dataclass(frozen=True, slots=True)
class _Scaled:
    """The game in scaled units, laid out state-first.

    ``U[s, a, i]`` scaled utilities, ``F[s, i]`` flows, ``delta[s, i]``,
    ``P[s, t]``, ``rho[s, i]``, ``available[s, a]``, ``phases[s, a]``.
    """

    U: NDArray[np.float64]
    F: NDArray[np.float64]
    delta: NDArray[np.float64]
    P: NDArray[np.float64]
    rho: NDArray[np.float64]
    available: NDArray[np.bool_]
    phases: NDArray[np.intp]

    def delay(self, V: NDArray[np.float64]) -> NDArray[np.float64]:
        """Delay values ``D`` of values ``V`` (both ``(..., S, n)``)."""
        result: NDArray[np.float64] = (1.0 - self.delta) * self.F + self.delta * (
            np.einsum("st,...ti->...si", self.P, V)
        )
        return result


def _check_stages(
    phases: NDArray[np.intp], available: NDArray[np.bool_], P: NDArray[np.float64]
) -> None:
    """Refuse phases that lead, directly or by transitions, to more phases.

    A first stage cannot be undone: the states a phase leads to and every
    state reachable from them must offer final agreements only.
    """
    offered = available & (phases >= 0)
    if not offered.any():
        return
    after = np.zeros(len(P), dtype=bool)
    after[np.unique(phases[offered])] = True
    edges = P > 0
    while True:
        grown = after | (after[:, None] & edges).any(axis=0)
        if (grown == after).all():
            break
        after = grown
    again = after & offered.any(axis=1)
    if again.any():
        s = int(np.flatnonzero(again)[0])
        raise InvalidGameError(
            f"state {s} offers a phase but can be reached after one: the states a "
            "phase leads to, and every state reachable from them, must offer final "
            "agreements only (a first stage cannot be undone or repeated)"
        )


def _check_game(game: object) -> StochasticBargainingGame:
    if not isinstance(game, StochasticBargainingGame):
        raise InvalidGameError(
            f"game must be a StochasticBargainingGame, got {describe(game)}"
        )
    return game


def alternating_offers(game: StochasticBargainingGame) -> StochasticBargainingGame:
    """The game in which the players take turns proposing, in index order.

    Each state ``s`` of ``game`` becomes ``n`` states ``(s, k)``, index
    ``s * n + k``, in which player ``k`` proposes; a period in ``(s, k)`` is
    followed by one in ``(t, k + 1 mod n)`` with probability
    ``transitions[s, t]``.  A phase from ``s`` to ``t`` moves ``(s, k)`` to
    ``(t, k)``, so the next period's proposer is again the next player.
    ``game.recognition`` is not used.  With one state and two players this
    is Rubinstein's (1982) alternating-offers game, with player 1 proposing
    first from state 0.

    Parameters
    ----------
    game : StochasticBargainingGame

    Returns
    -------
    StochasticBargainingGame
        With ``n_states * n_players`` states named ``"<state> (<player>
        proposes)"``.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a StochasticBargainingGame.

    Examples
    --------
    >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
    ...     alternating_offers, solve_markov_bargaining)
    >>> pie = StochasticBargainingGame(
    ...     utilities=[[[1.0, 0.0]], [[0.0, 1.0]]], flows=[[0.0], [0.0]],
    ...     transitions=[[1.0]], recognition=[[1.0, 0.0]], discounts=[0.9, 0.8])
    >>> rubinstein = alternating_offers(pie)
    >>> rubinstein.states
    ('state 0 (Player 1 proposes)', 'state 0 (Player 2 proposes)')
    >>> solve_markov_bargaining(rubinstein).values[:, 0]  # (1 - d2) / (1 - d1 d2)
    array([0.714, 0.286])
    """
    game = _check_game(game)
    n, S = game.n_players, game.n_states
    states = np.repeat(np.arange(S), n)  # expanded state -> original state
    turn = np.tile(np.arange(n), S)  # expanded state -> proposer
    transitions = np.zeros((S * n, S * n))
    nxt = (turn + 1) % n
    # each expanded state (s, k) goes to (t, k + 1) with P[s, t]
    rows = np.arange(S * n)
    for t in range(S):
        transitions[rows, t * n + nxt] = game.transitions[states, t]
    recognition = np.zeros((S * n, n))
    recognition[rows, turn] = 1.0
    phases = np.asarray(game.phases)[states]
    phases = np.where(phases >= 0, phases * n + turn[:, None], -1)
    return StochasticBargainingGame(
        utilities=np.asarray(game.utilities)[:, states, :],
        flows=np.asarray(game.flows)[:, states],
        transitions=transitions,
        recognition=recognition,
        discounts=np.asarray(game.discounts)[:, states],
        available=np.asarray(game.available)[states],
        phases=phases,
        players=game.players,
        states=tuple(
            f"{game.states[s]} ({game.players[k]} proposes)"
            for s, k in zip(states.tolist(), turn.tolist(), strict=True)
        ),
        agreements=game.agreements,
    )


def no_agreement_values(game: StochasticBargainingGame) -> NDArray[np.float64]:
    """Each player's value of the status quo forever, from each state.

    ``Q_i = (I - diag(delta_i) P)^{-1} ((1 - delta_i) flows_i)``: the value
    of disagreeing in every period, the state moving on as the transitions
    say.  Every player can guarantee itself ``Q`` (unanimity: nothing is
    concluded without it), so in every equilibrium ``V >= Q``.

    Parameters
    ----------
    game : StochasticBargainingGame

    Returns
    -------
    ndarray, shape ``(n_players, n_states)``

    Raises
    ------
    InvalidGameError
        If ``game`` is not a StochasticBargainingGame.

    Examples
    --------
    >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
    ...     no_agreement_values)
    >>> game = StochasticBargainingGame(
    ...     utilities=[[[1.0], [1.0]], [[1.0], [1.0]]],
    ...     flows=[[0.0, 1.0], [0.0, 1.0]], transitions=[[0.5, 0.5], [0.0, 1.0]],
    ...     recognition=[[0.5, 0.5], [0.5, 0.5]], discounts=[0.9, 0.9])
    >>> no_agreement_values(game)  # (1 - 0.9) * 0 + 0.9 * (Q(0) + 1) / 2
    array([[0.818, 1.   ],
           [0.818, 1.   ]])
    """
    game = _check_game(game)
    sc = game._scaled()
    Q = _no_agreement_scaled(sc)
    result: NDArray[np.float64] = (
        game._cache["lo"][:, None] + game.utility_ranges[:, None] * Q.T
    )
    return result


def _no_agreement_scaled(sc: _Scaled) -> NDArray[np.float64]:
    """``Q`` in scaled units, shape ``(S, n)``."""
    S, n = sc.F.shape
    Q = np.empty((S, n))
    eye = np.eye(S)
    for i in range(n):
        Q[:, i] = np.linalg.solve(
            eye - sc.delta[:, i, None] * sc.P, (1.0 - sc.delta[:, i]) * sc.F[:, i]
        )
    return Q


def agreement_zones(game: StochasticBargainingGame) -> NDArray[np.bool_]:
    """Which states have a non-empty zone of agreement.

    State ``s`` has one if some lottery over the *final* agreements available
    in ``s`` gives every player at least its no-agreement value ``Q_i(s)``
    (:func:`no_agreement_values`).  Without phases, in every stationary
    equilibrium:

    * an agreement is only ever accepted in a state with a zone (it gives
      every player at least its delay value, and delay values are at least
      ``Q``);
    * in a closed class of the transition chain that contains a state with a
      zone, an agreement is certain (were there none, the values in the
      class would be ``Q``, and a proposer in the zone state would propose).

    So the expected time to agreement from a start state is finite if every
    closed class it can reach has a state with a zone, and infinite if the
    play can reach (through states where agreement is not certain) a closed
    class without one; for an irreducible chain, it is finite if and only if
    some state has a zone.

    Parameters
    ----------
    game : StochasticBargainingGame

    Returns
    -------
    ndarray of bool, shape (n_states,)

    Raises
    ------
    InvalidGameError
        If ``game`` is not a StochasticBargainingGame.

    Examples
    --------
    >>> from kurilsim.solvers.markov import StochasticBargainingGame, agreement_zones
    >>> game = StochasticBargainingGame(  # state 1: every split is below the flows
    ...     utilities=[[[1.0, 0.0], [0.2, 0.0]], [[0.0, 1.0], [0.0, 0.2]]],
    ...     flows=[[0.1, 0.3], [0.1, 0.3]], transitions=[[1.0, 0.0], [0.0, 1.0]],
    ...     recognition=[[0.5, 0.5], [0.5, 0.5]], discounts=[0.9, 0.9])
    >>> agreement_zones(game)
    array([ True, False])
    """
    game = _check_game(game)
    sc = game._scaled()
    Q = _no_agreement_scaled(sc)
    n = game.n_players
    zones = np.zeros(game.n_states, dtype=bool)
    usable = sc.available & (sc.phases < 0)
    for s in range(game.n_states):
        points = sc.U[s, usable[s]]
        if not len(points):
            continue
        best = _best_acceptable(points, 0, Q[s], n)
        zones[s] = best >= Q[s, 0] - _TIE
    return zones


def _best_acceptable(
    points: NDArray[np.float64], k: int, thresholds: NDArray[np.float64], n: int
) -> float:
    """Player ``k``'s best value over lotteries of ``points`` (rows, scaled) that
    give every other player ``j`` at least ``thresholds[j]``; ``-inf`` if none.

    Two players: the optimum of this linear program is a point or a point on
    a segment between two points where the constraint binds, so all of them
    are enumerated.  More players: HiGHS.
    """
    others = [j for j in range(n) if j != k]
    if n == 2:
        j = others[0]
        c = float(thresholds[j])
        above = points[:, j] >= c
        if not above.any():
            return -math.inf
        best = float(points[above, k].max())
        if (~above).any():
            hi, lo = points[above], points[~above]
            t = (c - lo[None, :, j]) / (hi[:, None, j] - lo[None, :, j])
            values = lo[None, :, k] + t * (hi[:, None, k] - lo[None, :, k])
            best = max(best, float(values.max()))
        return best
    x = solve_lp(
        -points[:, k],
        A_ub=-points[:, others].T,
        b_ub=-thresholds[others],
        A_eq=np.ones((1, len(points))),
        b_eq=np.ones(1),
    )
    return -math.inf if x is None else float(points[:, k] @ x)


# ---------------------------------------------------------------------------
# What each proposer can offer
# ---------------------------------------------------------------------------
def _frontier_2d(points: NDArray[np.float64]) -> list[int]:
    """Rows of ``points`` (two columns) on the Pareto frontier of their convex
    hull: non-dominated, not strictly below a chord; collinear points kept,
    duplicates once."""
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    kept: list[int] = []
    top = -math.inf
    for row in order.tolist():
        if points[row, 1] > top:
            kept.append(row)
            top = float(points[row, 1])
    hull: list[int] = []
    for row in kept:
        while len(hull) >= 2:
            a, b, c = points[hull[-2]], points[hull[-1]], points[row]
            cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
            if cross < -_TIE:  # strictly below the chord (collinear points stay)
                hull.pop()
            else:
                break
        hull.append(row)
    return sorted(hull)


def _non_dominated(points: NDArray[np.float64]) -> list[int]:
    """Rows no other row weakly dominates (duplicates once)."""
    m = len(points)
    geq = np.all(points[:, None, :] >= points[None, :, :], axis=2)  # [i, j]: i >= j
    same = np.all(points[:, None, :] == points[None, :, :], axis=2)
    earlier = np.arange(m)[:, None] < np.arange(m)[None, :]
    dominated = (geq & (~same | earlier)).any(axis=0)
    return np.flatnonzero(~dominated).tolist()


@dataclass(frozen=True, slots=True)
class _Candidates:
    """Each state's offers worth considering, padded to a common count ``C``.

    ``agreement[s, c]``: the agreement of column ``c`` (``-1`` for padding);
    ``target[s, c]``: its phase target (``-1`` for a final agreement);
    ``valid[s, c]``; ``fixed[s, c]``: the scaled utilities of a final one.
    """

    agreement: NDArray[np.intp]
    target: NDArray[np.intp]
    valid: NDArray[np.bool_]
    fixed: NDArray[np.float64]

    @property
    def is_phase(self) -> NDArray[np.bool_]:
        result: NDArray[np.bool_] = self.target >= 0
        return result

    def points(self, D: NDArray[np.float64]) -> NDArray[np.float64]:
        """The columns' scaled utilities given delay values ``D`` ``(B, S, n)``:
        shape ``(B, S, C, n)``."""
        moved = np.take(D, np.maximum(self.target, 0), axis=1)
        result: NDArray[np.float64] = np.where(
            self.is_phase[None, :, :, None], moved, self.fixed[None]
        )
        return result


def _candidates(sc: _Scaled) -> _Candidates:
    """The offers a proposer may need, per state: the final agreements on the
    Pareto frontier of their convex hull (any optimal lottery can be moved
    onto them), and one phase per target state."""
    S, _, n = sc.U.shape
    columns: list[list[tuple[int, int]]] = []
    for s in range(S):
        finals = np.flatnonzero(sc.available[s] & (sc.phases[s] < 0))
        points = sc.U[s, finals]
        keep = _frontier_2d(points) if n == 2 else _non_dominated(points)
        chosen = [(int(finals[r]), -1) for r in keep]
        seen: set[int] = set()
        for a in np.flatnonzero(sc.available[s] & (sc.phases[s] >= 0)).tolist():
            t = int(sc.phases[s, a])
            if t not in seen:
                seen.add(t)
                chosen.append((a, t))
        columns.append(chosen)
    C = max(1, max(len(c) for c in columns))
    agreement = np.full((S, C), -1, dtype=np.intp)
    target = np.full((S, C), -1, dtype=np.intp)
    for s, chosen in enumerate(columns):
        for c, (a, t) in enumerate(chosen):
            agreement[s, c] = a
            target[s, c] = t
    valid = agreement >= 0
    fixed = np.where(
        (valid & (target < 0))[..., None],
        sc.U[np.arange(S)[:, None], np.maximum(agreement, 0)],
        0.0,
    )
    return _Candidates(agreement, target, valid, fixed)


@dataclass(frozen=True, slots=True)
class _Choice:
    """Each proposer's best offer in each state, for a batch of value arrays.

    Shapes ``(B, S, n)`` (batch, state, proposer): ``acceptance``, the
    probability that the offer is made and accepted (0: the proposer lets
    the period pass), and the offer as at most two candidate columns
    ``first`` and ``second`` with weights ``weight`` and ``1 - weight``
    (two players), or ``weights`` over all columns ``(B, S, n, C)`` (more);
    ``x`` ``(B, S, n, n)``: the offer's scaled utilities.
    """

    acceptance: NDArray[np.float64]
    x: NDArray[np.float64]
    first: NDArray[np.intp] | None = None
    second: NDArray[np.intp] | None = None
    weight: NDArray[np.float64] | None = None
    weights: NDArray[np.float64] | None = None


def _ramp(gap: NDArray[np.float64], width: float) -> NDArray[np.float64]:
    """The probability of a move worth ``gap`` less than the alternative: 1 at
    ``gap <= 0``, falling linearly to 0 at ``gap >= width``."""
    result: NDArray[np.float64] = np.clip(1.0 - gap / width, 0.0, 1.0)
    return result


def _choose_two(
    Z: NDArray[np.float64],
    valid: NDArray[np.bool_],
    D: NDArray[np.float64],
    width: float,
) -> _Choice:
    """Two players: each proposer's best acceptable lottery, exactly.

    For proposer ``k`` and responder ``j``, the responder accepts ``x`` iff
    ``x_j >= D_j``.  The best lottery is a column above that threshold or
    the crossing of the segment between a column above and one below it;
    ties go to the responder (the Pareto optimal offer), then to a single
    column, then to the shortest segment, then to the lowest column.  If no
    column reaches the threshold, the proposer offers the responder's best
    column, which is accepted with a probability falling from 1 to 0 as the
    shortfall grows from 0 to ``width`` (the responder mixes; see
    :func:`solve_markov_bargaining`).
    ``Z`` ``(B, S, C, 2)``, ``valid`` ``(S, C)``, ``D`` ``(B, S, 2)``.
    """
    B, S, C, _ = Z.shape
    acceptance = np.empty((B, S, 2))
    x = np.empty((B, S, 2, 2))
    first = np.empty((B, S, 2), dtype=np.intp)
    second = np.empty((B, S, 2), dtype=np.intp)
    weight = np.empty((B, S, 2))
    for k in (0, 1):
        j = 1 - k
        xk, xj = Z[..., k], Z[..., j]
        c = D[..., j, None]  # (B, S, 1)
        above = valid & (xj >= c)
        below = valid & (xj < c)
        single = np.where(above, xk, -np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (c[..., None] - xj[..., None, :]) / (
                xj[..., :, None] - xj[..., None, :]
            )  # [b, s, p (above), q (below)]
            pair = xk[..., None, :] + t * (xk[..., :, None] - xk[..., None, :])
        pair = np.where(above[..., :, None] & below[..., None, :], pair, -np.inf)
        flat = pair.reshape(B, S, C * C)
        best_pair = flat.max(axis=-1)
        # among the best segments, the shortest (adjacent frontier vertices)
        spread = (xj[..., :, None] - xj[..., None, :]).reshape(B, S, C * C)
        close = flat >= (best_pair - _TIE)[..., None]
        best_pair_at = np.where(close, -spread, -np.inf).argmax(axis=-1)
        best_pair = np.take_along_axis(flat, best_pair_at[..., None], -1)[..., 0]
        best_single = single.max(axis=-1)
        best = np.maximum(best_single, best_pair)
        found = np.isfinite(best)
        tied = single >= (best - _TIE)[..., None]
        use_single = tied.any(axis=-1) & np.isfinite(best_single)
        p_single = np.where(tied & above, xj, -np.inf).argmax(axis=-1)
        # nothing acceptable: the responder's best column (then the proposer's)
        top = np.where(valid, xj, -np.inf).max(axis=-1, keepdims=True)
        near = valid & (xj >= top)
        p_near = np.where(near, xk, -np.inf).argmax(axis=-1)
        p_single = np.where(found, p_single, p_near)
        use_single = use_single | ~found
        p_pair, q_pair = np.divmod(best_pair_at, C)
        t_pair = np.take_along_axis(
            t.reshape(B, S, C * C), best_pair_at[..., None], -1
        )[..., 0]
        first[..., k] = np.where(use_single, p_single, p_pair)
        second[..., k] = np.where(use_single, p_single, q_pair)
        weight[..., k] = np.where(use_single, 1.0, t_pair)
        xs = np.take_along_axis(Z, p_single[..., None, None], axis=2)[..., 0, :]
        offer = np.empty((B, S, 2))
        offer[..., k] = np.where(use_single, xs[..., k], best_pair)
        offer[..., j] = np.where(use_single, xs[..., j], c[..., 0])
        x[..., k, :] = offer
        accept = np.where(found, 1.0, _ramp(c[..., 0] - offer[..., j], width))
        worth = _ramp(D[..., k] - _TIE - offer[..., k], width)
        acceptance[..., k] = np.where(valid.any(axis=-1), accept * worth, 0.0)
    return _Choice(acceptance, x, first=first, second=second, weight=weight)


def _choose_lp(
    Z: NDArray[np.float64],
    valid: NDArray[np.bool_],
    D: NDArray[np.float64],
    width: float,
) -> _Choice:
    """More than two players: each proposer's best acceptable lottery by
    linear programs (HiGHS), ties broken in favour of the others' total
    scaled utility (a second program), as in Baron-Ferejohn.  If no lottery
    is acceptable, the proposer offers the one that falls least short of
    every responder's threshold, accepted with a probability that falls
    from 1 to 0 as the shortfall grows to ``width``."""
    B, S, C, n = Z.shape
    acceptance = np.zeros((B, S, n))
    x = np.zeros((B, S, n, n))
    weights = np.zeros((B, S, n, C))
    for b in range(B):
        for s in range(S):
            cols = np.flatnonzero(valid[s])
            if not len(cols):
                continue
            points = Z[b, s, cols]
            ones = np.ones((1, len(cols)))
            for k in range(n):
                others = [j for j in range(n) if j != k]
                A_ub = -points[:, others].T
                b_ub = -D[b, s, others]
                w = solve_lp(
                    -points[:, k], A_ub=A_ub, b_ub=b_ub, A_eq=ones, b_eq=np.ones(1)
                )
                if w is not None:
                    best = float(points[:, k] @ w)
                    tie = solve_lp(
                        -points[:, others].sum(axis=1),
                        A_ub=np.vstack([A_ub, -points[:, k]]),
                        b_ub=np.concatenate([b_ub, [_TIE - best]]),
                        A_eq=ones,
                        b_eq=np.ones(1),
                    )
                    w = w if tie is None else tie
                    accept = 1.0
                else:  # maximise the smallest slack t: points_j @ w - t >= D_j
                    slack = solve_lp(
                        np.concatenate([np.zeros(len(cols)), [-1.0]]),
                        A_ub=np.hstack([A_ub, np.ones((len(others), 1))]),
                        b_ub=b_ub,
                        A_eq=np.hstack([ones, np.zeros((1, 1))]),
                        b_eq=np.ones(1),
                        bounds=[(0, None)] * len(cols) + [(None, None)],
                    )
                    assert slack is not None  # feasible: t can be very negative
                    w = slack[:-1]
                    accept = float(_ramp(np.array(-slack[-1]), width))
                w = np.where(w > _DUST, w, 0.0)
                w = w / w.sum()
                weights[b, s, k, cols] = w
                x[b, s, k] = w @ points
                worth = _ramp(np.array(D[b, s, k] - _TIE - x[b, s, k, k]), width)
                acceptance[b, s, k] = accept * float(worth)
    return _Choice(acceptance, x, weights=weights)


def _step(
    sc: _Scaled, cand: _Candidates, V: NDArray[np.float64], width: float
) -> tuple[NDArray[np.float64], _Choice]:
    """One application of the Bellman operator ``T`` to values ``V``
    ``(B, S, n)``: the new values and the proposers' choices."""
    D = sc.delay(V)
    Z = cand.points(D)
    n = V.shape[-1]
    choose = _choose_two if n == 2 else _choose_lp
    choice = choose(Z, cand.valid, D, width)
    q = choice.acceptance[..., None]
    outcome = q * choice.x + (1.0 - q) * D[..., None, :]
    new: NDArray[np.float64] = np.einsum("sk,bski->bsi", sc.rho, outcome)
    return new, choice


def _lotteries(
    game: StochasticBargainingGame, cand: _Candidates, choice: _Choice
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The offers ``(S, n, M)`` and acceptance ``(S, n)`` of a batch-1 choice."""
    S, n, M = game.n_states, game.n_players, game.n_agreements
    offers = np.zeros((S, n, M))
    acceptance = choice.acceptance[0].copy()
    s_idx = np.repeat(np.arange(S), n)
    k_idx = np.tile(np.arange(n), S)
    if choice.weights is not None:
        weights = choice.weights[0].reshape(S * n, -1)  # (S n, C)
        for c in range(cand.agreement.shape[1]):
            a = cand.agreement[s_idx, c]
            ok = a >= 0
            np.add.at(offers, (s_idx[ok], k_idx[ok], a[ok]), weights[ok, c])
    else:
        assert choice.first is not None
        assert choice.second is not None
        assert choice.weight is not None
        made = acceptance.ravel() > 0
        first = choice.first[0].ravel()[made]
        second = choice.second[0].ravel()[made]
        weight = choice.weight[0].ravel()[made]
        rows, ks = s_idx[made], k_idx[made]
        np.add.at(offers, (rows, ks, cand.agreement[rows, first]), weight)
        np.add.at(offers, (rows, ks, cand.agreement[rows, second]), 1.0 - weight)
    offers = np.where(offers > _DUST, offers, 0.0)
    totals = offers.sum(axis=-1, keepdims=True)
    offers = offers / np.where(totals > 0, totals, 1.0)
    acceptance = np.where(totals[..., 0] > 0, acceptance, 0.0)
    offers[acceptance == 0] = 0.0
    return offers, acceptance


# ---------------------------------------------------------------------------
# Evaluating a stationary profile and its certificate
# ---------------------------------------------------------------------------
def _check_profile(
    game: StochasticBargainingGame, offers: object, acceptance: object
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    S, n, M = game.n_states, game.n_players, game.n_agreements
    lotteries = real_array(offers, "offers", error=InvalidProfileError)
    if lotteries.shape != (S, n, M):
        raise InvalidProfileError(
            f"offers must have shape (states, players, agreements) = {(S, n, M)}, "
            f"got shape {lotteries.shape}"
        )
    q = real_array(acceptance, "acceptance", error=InvalidProfileError)
    if q.shape != (S, n) or not ((q >= 0) & (q <= 1)).all():
        raise InvalidProfileError(
            f"acceptance must be an array of probabilities of shape (states, "
            f"players) = {(S, n)}, got {describe(acceptance)}"
        )
    if (lotteries < 0).any():
        raise InvalidProfileError(
            f"offers must be non-negative, got {float(lotteries.min())!r}"
        )
    sums = lotteries.sum(axis=-1)
    bad = (q > 0) & (np.abs(sums - 1.0) > _SUM_TOL)
    if bad.any():
        s, k = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidProfileError(
            f"an offer that may be accepted must be a lottery (summing to 1), got "
            f"one summing to {float(sums[s, k])!r} in state {s} for proposer {k}"
        )
    unavailable = ~np.asarray(game.available)[:, None, :]
    outside = (q[..., None] > 0) & (lotteries > _DUST) & unavailable
    if outside.any():
        s, k, a = (int(v) for v in np.argwhere(outside)[0])
        raise InvalidProfileError(
            f"proposer {k} offers agreement {a}, which is not available in state {s}"
        )
    return np.where(q[..., None] > 0, lotteries, 0.0), q


def _evaluate(
    sc: _Scaled, offers: NDArray[np.float64], acceptance: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The values ``(S, n)`` (scaled) of a stationary profile, exactly.

    Given the profile, player ``i``'s values solve the linear system
    ``V_i = g_i + C D_i`` with ``D_i = (1 - delta_i) F_i + delta_i P V_i``:
    ``g`` collects the final agreements' payoffs and ``C[s, t]`` the
    probability that a period in ``s`` ends with the delay value of ``t``
    (a rejection: ``t = s``; a phase to ``t``).
    """
    S, _, n = sc.U.shape
    final = sc.phases < 0
    w = offers * acceptance[..., None]  # (S, K, M)
    g = np.einsum("sk,ska,sai->si", sc.rho, w * final[:, None, :], sc.U)
    phase_weight = np.einsum("sk,ska->sa", sc.rho, w) * ~final
    C = np.zeros((S, S))
    rows, cols = np.nonzero(~final)
    np.add.at(C, (rows, sc.phases[rows, cols]), phase_weight[rows, cols])
    C[np.arange(S), np.arange(S)] += np.einsum("sk,sk->s", sc.rho, 1.0 - acceptance)
    V = np.empty((S, n))
    eye = np.eye(S)
    for i in range(n):
        A = eye - C @ (sc.delta[:, i, None] * sc.P)
        b = g[:, i] + C @ ((1.0 - sc.delta[:, i]) * sc.F[:, i])
        V[:, i] = np.linalg.solve(A, b)
    return V


def _gains(
    sc: _Scaled, offers: NDArray[np.float64], acceptance: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    """The largest one-shot deviation gain (scaled) of a profile, and its values."""
    S, _, n = sc.U.shape
    V = _evaluate(sc, offers, acceptance)
    D = sc.delay(V)
    final = sc.phases < 0
    Z = np.where(final[..., None], sc.U, D[np.maximum(sc.phases, 0)])  # (S, M, n)
    offered = np.einsum("ska,sai->ski", offers, Z)
    gain = 0.0
    for s in range(S):
        points = Z[s, sc.available[s]]
        for k in range(n):
            q = float(acceptance[s, k])
            others = np.arange(n) != k
            slack = offered[s, k, others] - D[s, others]
            if q > 0:  # a responder who accepts: rejecting instead
                gain = max(gain, float(np.max(-slack)))
            value = q * offered[s, k, k] + (1.0 - q) * D[s, k]
            best = D[s, k]  # the proposer: delaying, or its best acceptable offer
            if len(points):
                best = max(best, _best_acceptable(points, k, D[s], n))
            gain = max(gain, float(best - value))
    return max(gain, 0.0) + 0.0, V


def markov_deviation_gain(
    game: StochasticBargainingGame, offers: ArrayLike, acceptance: ArrayLike
) -> float:
    """The largest one-shot deviation gain of a stationary profile.

    The profile: in state ``s`` proposer ``k`` offers the lottery
    ``offers[s, k]`` over agreements, which the others accept with
    probability ``acceptance[s, k]`` (0: the proposer makes no acceptable
    offer and the period passes in disagreement; strictly between 0 and 1:
    a responder mixes).  Any other offer is accepted iff it gives every
    responder ``j`` at least its delay value ``D_j(s)``.  The profile's
    values are computed exactly from it (one linear system per player), then
    every player's gain from one deviation is measured: a proposer's from
    the best offer the responders would accept (or from delaying); a
    responder's from rejecting an offer it accepts (or, when it mixes, from
    accepting).  A stationary profile is a Markov perfect equilibrium iff
    the gain is 0 (one-shot deviation principle; discounting makes the game
    continuous at infinity).

    Parameters
    ----------
    game : StochasticBargainingGame
    offers : array_like, shape ``(n_states, n_players, n_agreements)``
        Lotteries over agreements; an offer with positive acceptance sums to
        1 and uses only available agreements, the others are ignored.
    acceptance : array_like, shape ``(n_states, n_players)``
        Probabilities in [0, 1].

    Returns
    -------
    float
        The largest gain in units of each player's utility range
        (:attr:`StochasticBargainingGame.utility_ranges`), at least 0.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a StochasticBargainingGame.
    InvalidProfileError
        If the offers or acceptances have the wrong shape, are not
        probabilities or use unavailable agreements.

    Examples
    --------
    On a unit pie with random proposers, offering the responder exactly its
    delay value is an equilibrium; offering more is not:

    >>> import numpy as np
    >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
    ...     markov_deviation_gain)
    >>> pie = StochasticBargainingGame(
    ...     utilities=[[[1.0, 0.0]], [[0.0, 1.0]]], flows=[[0.0], [0.0]],
    ...     transitions=[[1.0]], recognition=[[0.5, 0.5]], discounts=[0.9, 0.9])
    >>> accepted = np.ones((1, 2))
    >>> equilibrium = np.array([[[0.55, 0.45], [0.45, 0.55]]])  # D_j = 0.9 * 0.5
    >>> markov_deviation_gain(pie, equilibrium, accepted)
    0.0
    >>> generous = np.array([[[0.5, 0.5], [0.5, 0.5]]])
    >>> markov_deviation_gain(pie, generous, accepted)
    0.05
    """
    game = _check_game(game)
    lotteries, q = _check_profile(game, offers, acceptance)
    gain, _ = _gains(game._scaled(), lotteries, q)
    return gain


# ---------------------------------------------------------------------------
# The result and its reports
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class MarkovBargainingResult:
    """A certified stationary Markov perfect equilibrium of a
    :class:`StochasticBargainingGame`.

    Attributes
    ----------
    game : StochasticBargainingGame
        The game solved.
    offers : ndarray, shape ``(n_states, n_players, n_agreements)``
        ``offers[s, k]``: the lottery over agreements player ``k`` proposes
        in state ``s`` (a single agreement when one entry is 1; a phase
        agreement starts its phase), all zeros when ``k`` makes no
        acceptable offer there.  Read-only.
    acceptance : ndarray, shape ``(n_states, n_players)``
        The probability that ``k``'s proposal in ``s`` is accepted: 1
        (accepted), 0 (``k`` prefers to let the period pass; any offer it
        makes is rejected) or, where no offer reaches a responder's delay
        value but one falls short of it by less than ``tol / 4``, the
        probability with which that responder, nearly indifferent, accepts
        it (see :func:`solve_markov_bargaining`).
    values : ndarray, shape ``(n_players, n_states)``
        ``V_i(s)``, each player's equilibrium value at the start of a period
        in ``s`` (before the proposer is drawn), computed exactly from the
        strategies.
    delay_values : ndarray, shape ``(n_players, n_states)``
        ``D_i(s)``: what rejecting in ``s`` is worth; a responder accepts an
        offer iff it gives it at least this.
    certificate : float
        The largest one-shot deviation gain (:func:`markov_deviation_gain`),
        over every player, state and role, in units of each player's
        utility range.
    tol : float
        The tolerance the certificate met.
    iterations : int
        Bellman-operator iterations (value iteration and Newton steps).
    message : str
        One line on the run.
    method : str
        ``"value-iteration"`` or ``"value-iteration+newton"``.

    Notes
    -----
    The reports (:meth:`agreement_probability`, :meth:`expected_time`,
    :meth:`outcome_distribution`) use the Markov chain the equilibrium
    induces: in state ``s`` a final agreement is concluded with the
    probability :attr:`agreement_rates` gives, a phase moves the game to its
    target, otherwise the state moves on.  With ``until="any"`` the first
    agreement of any kind (a phase included) ends the count.
    """

    game: StochasticBargainingGame
    offers: NDArray[np.float64]
    acceptance: NDArray[np.float64]
    values: NDArray[np.float64]
    delay_values: NDArray[np.float64]
    certificate: float
    tol: float
    iterations: int
    message: str
    method: str

    @property
    def success(self) -> bool:
        """Whether the certificate is within ``tol`` (always, for a returned result:
        the solver raises :class:`~kurilsim.SolverError` otherwise)."""
        return bool(self.certificate <= self.tol)

    @property
    def agreement_rates(self) -> NDArray[np.float64]:
        """``(n_states, n_agreements)``: the probability that a period in state
        ``s`` concludes agreement ``a`` (phases included)."""
        result: NDArray[np.float64] = np.einsum(
            "sk,sk,ska->sa", self.game.recognition, self.acceptance, self.offers
        )
        return result

    def __repr__(self) -> str:
        return (
            f"MarkovBargainingResult({self.game!r}, "
            f"certificate={self.certificate:.3g}, "
            f"iterations={self.iterations}, method={self.method!r})"
        )

    # ------------------------------------------------------------- the chain
    def _chain(self, until: object) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(Q, R)``: transitions between states without agreement ``(S, S)``
        and agreement probabilities ``(S, M)`` per period."""
        mode = check_choice(until, "until", ("final", "any"))
        game = self.game
        rates = self.agreement_rates
        final = game.final
        P = np.asarray(game.transitions)
        stay = 1.0 - rates.sum(axis=1)  # no agreement this period
        Q = stay[:, None] * P
        if mode == "any":
            return Q, rates
        phases = np.asarray(game.phases)
        rows, cols = np.nonzero(~final & (rates > 0))
        np.add.at(Q, rows, rates[rows, cols, None] * P[phases[rows, cols]])
        return Q, np.where(final, rates, 0.0)

    def _absorbing(
        self, start: int | str, until: object
    ) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """``(start, Q, R, can)``: ``can[s]`` whether an agreement is reachable
        from ``s``."""
        s0 = self.game.state_index(start, name="start")
        Q, R = self._chain(until)
        can = R.sum(axis=1) > 0
        edges = Q > 0
        while True:
            grown = can | (edges & can[None, :]).any(axis=1)
            if (grown == can).all():
                break
            can = grown
        return s0, Q, R, can

    def _reachable(self, s0: int, Q: NDArray[np.float64]) -> NDArray[np.bool_]:
        reach = np.zeros(len(Q), dtype=bool)
        reach[s0] = True
        edges = Q > 0
        while True:
            grown = reach | (reach[:, None] & edges).any(axis=0)
            if (grown == reach).all():
                return reach
            reach = grown

    def agreement_probability(
        self, periods: ArrayLike, *, start: int | str = 0, until: Until = "final"
    ) -> NDArray[np.float64]:
        """The probability of an agreement within the first ``periods`` periods.

        Parameters
        ----------
        periods : int or array_like of int
            Numbers of periods (>= 0); ``1`` is the probability that the
            first proposal is accepted.
        start : int or str
            The state of the first period (index or name).
        until : {"final", "any"}
            Count final agreements only (default), or the first agreement
            of any kind, phases included.

        Returns
        -------
        ndarray
            Of the shape of ``periods``; nondecreasing in ``periods``.

        Raises
        ------
        InvalidArgumentError
            For negative or non-integer periods, more than 10,000,000 of them
            (the count runs period by period: about 2 s per million for the
            49 states of :func:`kurilsim.kuril.history.kuril_dynamic_game`),
            an unknown state or ``until``.

        Examples
        --------
        >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
        ...     solve_markov_bargaining)
        >>> game = StochasticBargainingGame(  # only state 1, reachable, has a deal
        ...     utilities=[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]],
        ...     flows=[[0.0, 0.0], [0.0, 0.0]], transitions=[[0.5, 0.5], [0.0, 1.0]],
        ...     recognition=[[0.5, 0.5], [0.5, 0.5]], discounts=[0.9, 0.9],
        ...     available=[[False, False], [True, True]])
        >>> result = solve_markov_bargaining(game)
        >>> result.agreement_probability([0, 1, 2, 3])
        array([0.  , 0.  , 0.5 , 0.75])
        """
        raw = np.asarray(periods)
        if raw.size == 0 and raw.dtype.kind in "iuf" and raw.dtype != np.bool_:
            return np.zeros(raw.shape)  # no periods asked (an empty list is float)
        if raw.dtype.kind not in "iu" or (raw < 0).any():
            raise InvalidArgumentError(
                f"periods must be non-negative integers, got {describe(periods)}"
            )
        s0, Q, R, _ = self._absorbing(start, until)
        horizon = int(raw.max()) if raw.size else 0
        if horizon > 10_000_000:
            raise InvalidArgumentError(
                f"periods must be at most 10000000, got {horizon}"
            )
        rates = R.sum(axis=1)
        cumulative = np.zeros(horizon + 1)
        row = np.zeros(len(Q))
        row[s0] = 1.0
        for t in range(1, horizon + 1):  # agreement in period t - 1
            cumulative[t] = cumulative[t - 1] + row @ rates
            row = row @ Q
        result: NDArray[np.float64] = np.clip(cumulative[raw], 0.0, 1.0)
        return result

    def expected_time(self, *, start: int | str = 0, until: Until = "final") -> float:
        """The expected number of periods of disagreement before the agreement.

        ``0`` when the first proposal is accepted; ``inf`` when, with positive
        probability, no agreement is ever concluded (a state is reachable
        from which none is).  Computed from the fundamental matrix
        ``(I - Q)^{-1}`` of the chain restricted to the states from which an
        agreement is reachable.

        Parameters
        ----------
        start : int or str
        until : {"final", "any"}

        Returns
        -------
        float

        Raises
        ------
        InvalidArgumentError
            For an unknown state or ``until``.

        Examples
        --------
        >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
        ...     solve_markov_bargaining)
        >>> game = StochasticBargainingGame(
        ...     utilities=[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]],
        ...     flows=[[0.0, 0.0], [0.0, 0.0]], transitions=[[0.5, 0.5], [0.0, 1.0]],
        ...     recognition=[[0.5, 0.5], [0.5, 0.5]], discounts=[0.9, 0.9],
        ...     available=[[False, False], [True, True]])
        >>> result = solve_markov_bargaining(game)
        >>> result.expected_time(start=0), result.expected_time(start=1)
        (2.0, 0.0)
        """
        s0, Q, _, can = self._absorbing(start, until)
        if (self._reachable(s0, Q) & ~can).any():
            return math.inf
        keep = np.flatnonzero(can)
        N = np.linalg.solve(
            np.eye(len(keep)) - Q[np.ix_(keep, keep)], np.ones(len(keep))
        )
        return max(float(N[np.searchsorted(keep, s0)]) - 1.0, 0.0)

    def outcome_distribution(
        self, *, start: int | str = 0, until: Until = "final"
    ) -> NDArray[np.float64]:
        """The distribution of the agreement concluded, and of none ever.

        Parameters
        ----------
        start : int or str
        until : {"final", "any"}
            ``"final"``: the final agreement (phases lead to it);
            ``"any"``: the first agreement, which may be a phase.

        Returns
        -------
        ndarray, shape (n_agreements + 1,)
            Probabilities of each agreement, then (last) of no agreement ever.

        Raises
        ------
        InvalidArgumentError
            For an unknown state or ``until``.

        Examples
        --------
        >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
        ...     solve_markov_bargaining)
        >>> game = StochasticBargainingGame(  # absorbing; only state 1 has a deal
        ...     utilities=[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]],
        ...     flows=[[0.0, 0.0], [0.0, 0.0]], transitions=[[1.0, 0.0], [0.0, 1.0]],
        ...     recognition=[[0.5, 0.5], [0.5, 0.5]], discounts=[0.9, 0.9],
        ...     available=[[False, False], [True, True]])
        >>> result = solve_markov_bargaining(game)
        >>> result.outcome_distribution(start=0)
        array([0., 0., 1.])
        >>> result.outcome_distribution(start=1).round(4)  # lotteries: 0.55 / 0.45
        array([0.5, 0.5, 0. ])
        """
        s0, Q, R, can = self._absorbing(start, until)
        distribution = np.zeros(self.game.n_agreements + 1)
        if can[s0]:
            keep = np.flatnonzero(can)
            X = np.linalg.solve(np.eye(len(keep)) - Q[np.ix_(keep, keep)], R[keep])
            distribution[:-1] = np.clip(X[np.searchsorted(keep, s0)], 0.0, None)
        if (self._reachable(s0, Q) & ~can).any():
            distribution[-1] = max(1.0 - distribution[:-1].sum(), 0.0)
        else:  # an agreement is certain
            distribution /= distribution.sum()
        return distribution


# ---------------------------------------------------------------------------
# The solver
# ---------------------------------------------------------------------------
def _signature(choice: _Choice) -> NDArray[np.int64]:
    """What the offers of a batch-1 choice are made of (which columns, whether
    made, accepted for sure or with a probability): ``T`` is linear in ``V``
    (without phases and mixing) while it stays the same."""
    q = choice.acceptance[0].ravel()
    parts = [(q > 0).astype(np.int64), (q < 1).astype(np.int64)]
    if choice.weights is not None:
        parts.append((choice.weights[0] > 0).astype(np.int64).ravel())
    else:
        assert choice.first is not None
        assert choice.second is not None
        parts += [choice.first[0].ravel(), choice.second[0].ravel()]
    return np.concatenate(parts).astype(np.int64)


@dataclass(frozen=True, slots=True)
class _Operator:
    """The Bellman operator of one game: scaled data, candidates, the width of
    the responders' mixing ramp and the finite-difference step."""

    sc: _Scaled
    cand: _Candidates
    width: float
    step: float

    def __call__(self, V: NDArray[np.float64]) -> tuple[NDArray[np.float64], _Choice]:
        return _step(self.sc, self.cand, V, self.width)

    def values(self, V: NDArray[np.float64]) -> NDArray[np.float64]:
        """``T`` of a batch of values ``(B, S, n)``, in chunks that fit memory."""
        S, C = self.cand.valid.shape
        size = max(1, _CHUNK // max(1, S * C * C))
        parts = [self(V[b : b + size])[0] for b in range(0, len(V), size)]
        return np.concatenate(parts)

    def residual(
        self, V: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64], NDArray[np.int64]]:
        new, choice = self(V[None])
        return float(np.max(np.abs(new[0] - V))), new[0], _signature(choice)


def _newton(
    T: _Operator, V: NDArray[np.float64], TV: NDArray[np.float64], residual: float
) -> tuple[NDArray[np.float64], float] | None:
    """A safeguarded Newton step on ``T(V) - V = 0``; ``None`` if it fails.

    The Jacobian is a forward difference (one batched evaluation of ``T``).
    ``T`` is piecewise linear (without phases and mixing): the full step is
    taken if it halves the residual; otherwise the step goes just past the
    end of the linear piece it starts in (found by bisection on the offers'
    makeup, :func:`_signature`), where the residual has fallen in
    proportion, and the next step re-linearises there.  A step that does not
    reduce the residual is refused: Newton's linear model extends a
    frontier's edges beyond their vertices, and a long step can land where
    nobody proposes and the residual is small only because it shrinks by
    ``1 - delta``.
    """
    S, n = V.shape
    m = S * n
    batch = V[None] + T.step * np.eye(m).reshape(m, S, n)
    moved = T.values(batch)
    J = ((moved - TV[None]) / T.step).reshape(m, m).T  # J[out, in]
    try:
        delta = np.linalg.solve(np.eye(m) - J, (TV - V).ravel()).reshape(S, n)
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(delta).all():
        return None
    r, _, _ = T.residual(V + delta)
    if r <= 0.5 * residual:
        return V + delta, r
    # the piece the step starts in: bisect for where the offers change
    reference = T.residual(V + T.step * delta)[2]
    lo, hi = 0.0, 1.0
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if np.array_equal(T.residual(V + mid * delta)[2], reference):
            lo = mid
        else:
            hi = mid
    r, _, _ = T.residual(V + hi * delta)
    if r < residual:
        return V + hi * delta, r
    return None


def _iterate(
    T: _Operator, V: NDArray[np.float64], target: float, budget: int
) -> tuple[NDArray[np.float64], int, float, bool]:
    """Value iteration with Newton steps until the residual is at most
    ``target`` or ``budget`` iterations are spent: ``(V, spent, residual,
    whether a Newton step was taken)``."""
    newton_at, wait, used_newton = _WARM_UP, 1, False
    residual = math.inf
    for iteration in range(1, budget + 1):
        residual, TV, _ = T.residual(V)
        if residual <= target:
            return V, iteration, residual, used_newton
        if iteration >= newton_at and V.size <= _MAX_NEWTON:
            stepped = _newton(T, V, TV, residual)
            if stepped is not None:
                V, used_newton = stepped[0], True
                continue
            newton_at, wait = iteration + wait, min(2 * wait, 64)
        V = TV
    return V, budget, residual, used_newton


def solve_markov_bargaining(
    game: StochasticBargainingGame,
    *,
    tol: float = DEFAULT_TOL,
    max_iterations: int = 10_000,
) -> MarkovBargainingResult:
    """A stationary Markov perfect equilibrium of a bargaining game with states.

    In each period of state ``s`` player ``k`` is recognised with probability
    ``recognition[s, k]`` and proposes an agreement, or a lottery over the
    agreements available in ``s`` (public randomisation); every other
    player accepts it iff it gives them at least their delay value
    ``D_j(s)`` (see :class:`StochasticBargainingGame`), and the proposer
    proposes the best such lottery for itself if that beats ``D_k(s)``,
    and otherwise lets the period pass.  Agreement needs unanimity; any
    number of players.

    Parameters
    ----------
    game : StochasticBargainingGame
    tol : float
        Tolerance of the certificate (and, divided by 100, of the
        fixed-point residual), relative to each player's utility range.
    max_iterations : int
        Most Bellman-operator iterations.

    Returns
    -------
    MarkovBargainingResult

    Raises
    ------
    InvalidGameError
        For a bad game, ``tol`` or ``max_iterations``.
    SolverError
        If the iteration does not converge or the certificate fails.
    PrecisionError
        (a SolverError) If ``tol`` is below what float64 can certify (a
        certificate of about 1e-13 or less that still exceeds it).

    Notes
    -----
    Which equilibrium: the values are the fixed point of the Bellman
    operator ``T`` reached from the no-agreement values
    (:func:`no_agreement_values`), and the strategies use these tie rules:
    a responder accepts when indifferent (as in Rubinstein 1982); a proposer
    proposes rather than delays when indifferent; among the proposer's best
    lotteries it picks the one best for the others (for two players: the
    responder's best, so offers lie on the Pareto frontier of the convex
    hull), then a single agreement before a lottery, then the first
    agreement.  With one state and two players the stationary equilibrium
    is unique (Rubinstein 1982; Binmore, Rubinstein and Wolinsky 1986), so
    :func:`alternating_offers` of it gives the Rubinstein split and random
    recognition ``(p, 1 - p)`` tends, as the discount factors tend to 1, to
    the Nash bargaining solution with weights ``(p, 1 - p)`` (Britz, Herings
    and Predtetchinski 2008).  With several states stationary equilibria
    need not be unique (Merlo and Wilson 1995 prove uniqueness when utility
    is transferable); the certificate guarantees the returned one is an
    equilibrium, not that it is the only one.

    Mixing.  With finitely many agreements a stationary equilibrium in pure
    strategies need not exist: when a responder's delay value rises past
    everything an available lottery can give it, the proposer's payoff
    jumps down to its delay value, and when a proposer becomes indifferent
    between an offer and delay, the responder's payoff jumps.  Equilibria
    then have a responder accept, or a proposer propose, with a probability
    that keeps the other indifferent (Banks and Duggan 2000 prove that
    stationary bargaining equilibria exist when players may mix).  The
    solver smooths both jumps with a linear ramp: a responder who falls
    short of its delay value by ``g`` accepts the offer that gives it the
    most with probability ``1 - g / w``, and a proposer whose best offer
    falls short of delay by ``g`` makes it with probability ``1 - g / w``
    (:attr:`MarkovBargainingResult.acceptance` is the product).  It solves
    for a ramp width ``w = 0.001`` first, then narrows it tenfold at a time
    to ``tol / 4`` (a homotopy; it stops early once no offer is on a ramp,
    where the fixed point no longer depends on ``w``).  A mixing player then
    gives up at most ``w``: the result is an equilibrium within ``tol``, and
    the certificate says by how much.

    Algorithm.  ``T`` is not a contraction in general (a steep frontier
    amplifies a change of the responder's threshold), so value iteration is
    followed by safeguarded Newton steps on ``T(V) = V`` (a step that does
    not reduce the residual is cut at the end of the linear piece it starts
    in, or refused): without phases and mixing ``T`` is piecewise linear in
    ``V``, and a Newton step is exact once the binding vertices and edges of
    the offers stop changing.  Two players: each proposer's problem is
    solved exactly and vectorised over states (the best point above the
    responder's threshold, or the crossing of an edge with it).  More
    players: a linear program per proposer and state (HiGHS), much slower.
    Games with more than 1024 unknowns (states times players) use value
    iteration alone, which may be slow or fail to converge.  Each Newton step
    costs one evaluation of ``T`` per unknown, and with many states and
    patient players (discount factors near 1) most steps stop at the end of a
    short linear piece, so the solve takes many of them: about 3 s for 50
    states, 5 min for 200 and more than 10 min for 500 at ``delta = 0.999``
    (two players, 20 agreements, random chains), against 0.4 s, 2 s and 8 s
    with discount factors between 0.5 and 0.99.  Phases are
    limited to two stages (see :class:`StochasticBargainingGame`).

    Examples
    --------
    Rubinstein's split of a unit pie (alternating offers, 0.9 and 0.8):

    >>> from kurilsim.solvers.markov import (StochasticBargainingGame,
    ...     alternating_offers, solve_markov_bargaining)
    >>> pie = StochasticBargainingGame(
    ...     utilities=[[[1.0, 0.0]], [[0.0, 1.0]]], flows=[[0.0], [0.0]],
    ...     transitions=[[1.0]], recognition=[[0.5, 0.5]], discounts=[0.9, 0.8])
    >>> result = solve_markov_bargaining(alternating_offers(pie))
    >>> result.values[:, 0]
    array([0.714, 0.286])
    >>> result.offers[0, 0]  # a lottery over the two extreme splits
    array([0.714, 0.286])
    >>> result.expected_time(), result.certificate <= result.tol
    (0.0, True)

    Random proposers (each with probability 1/2): the more patient player
    gets more.

    >>> solve_markov_bargaining(pie).values[:, 0]
    array([0.667, 0.333])
    """
    game = _check_game(game)
    tol = check_real(
        tol, "tol", low=0, high=1, low_open=True, high_open=True, error=InvalidGameError
    )
    max_iterations = check_int(
        max_iterations, "max_iterations", low=1, error=InvalidGameError
    )
    sc = game._scaled()
    cand = _candidates(sc)
    target = tol / 100.0
    final_width = tol / 4.0
    V = _no_agreement_scaled(sc)
    budget, used_newton, width = max_iterations, False, max(_FIRST_WIDTH, final_width)
    while True:
        T = _Operator(sc, cand, width, min(_STEP, width / 64.0))
        V, spent, residual, newton = _iterate(T, V, target, budget)
        budget -= spent
        used_newton |= newton
        if residual > target:
            raise SolverError(
                f"stationary bargaining equilibrium: the values did not converge in "
                f"{max_iterations} iterations (last change {residual:.3g} of the "
                f"utility ranges > {target:g})"
            )
        if width <= final_width:
            break
        _, choice = T(V[None])
        mixing = ((choice.acceptance > 0) & (choice.acceptance < 1)).any()
        width = max(width * _NARROWING, final_width)
        if not mixing:  # nothing on a ramp: V is a fixed point for any width
            T = _Operator(sc, cand, final_width, min(_STEP, final_width / 64.0))
            if T.residual(V)[0] <= target:
                break
    iteration = max_iterations - budget
    _, choice = T(V[None])
    offers, acceptance = _lotteries(game, T.cand, choice)
    gain, values = _gains(sc, offers, acceptance)
    drift = float(np.max(np.abs(values - V)))
    if not gain <= tol and gain <= _RESOLUTION:
        raise PrecisionError(
            f"stationary bargaining equilibrium: the largest one-shot deviation gain "
            f"{gain:.3g} is rounding error but exceeds tol {tol:g}; float64 resolves "
            f"gains only to about {_RESOLUTION:g} of the utility ranges: pass a "
            "larger tol"
        )
    if not gain <= tol:
        raise SolverError(
            f"stationary bargaining equilibrium: the strategies failed their "
            f"certificate (largest one-shot deviation gain {gain:.3g} > tol {tol:g})"
        )
    lo, ranges = game._cache["lo"], game.utility_ranges
    D = sc.delay(values)
    agreeing = int(np.count_nonzero(np.einsum("sk,sk->s", sc.rho, acceptance) > 0))
    method = "value-iteration+newton" if used_newton else "value-iteration"
    return MarkovBargainingResult(
        game=game,
        offers=readonly(offers),
        acceptance=readonly(acceptance),
        values=readonly(lo[:, None] + ranges[:, None] * values.T),
        delay_values=readonly(lo[:, None] + ranges[:, None] * D.T),
        certificate=gain,
        tol=tol,
        iterations=iteration,
        message=(
            f"fixed point after {iteration} iterations ({method}; residual "
            f"{residual:.2g}, value drift {drift:.2g}); an agreement is possible in "
            f"{agreeing} of {game.n_states} states"
        ),
        method=method,
    )
