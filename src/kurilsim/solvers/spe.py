"""Subgame-perfect equilibria of sequential games by backward induction."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import (
    check_choice,
    check_instance,
    check_int,
    check_real,
    describe,
)
from kurilsim._errors import InvalidGameError, SolverError
from kurilsim.games.sequential import CHANCE, DECISION, TERMINAL, SequentialGame

__all__ = ["PathStep", "SPEOutcome", "SPEResult", "check_spe", "solve_spe", "spe_outcomes"]

#: Default relative tolerance: payoffs within ``tol * payoff range`` are ties.
DEFAULT_TOL = 1e-12


@dataclass(frozen=True, slots=True)
class PathStep:
    """One move on the equilibrium path: who moved where, and what they chose."""

    node: int
    player: str
    action: str
    probability: float = 1.0

    def __str__(self) -> str:
        chance = f" (p={self.probability:g})" if self.player == "chance" else ""
        return f"{self.player}: {self.action}{chance}"


@dataclass(frozen=True, slots=True, eq=False)
class SPEResult:
    """A subgame-perfect equilibrium found by backward induction.

    Attributes
    ----------
    game : SequentialGame
    strategy : ndarray of int
        The action index chosen at every decision node (-1 at other nodes):
        a complete strategy profile, off the equilibrium path too.
    values : ndarray
        ``(n_nodes, n_players)``: expected payoffs from each node on.
    payoffs : ndarray
        Equilibrium payoffs (the root's values).
    path : tuple of PathStep
        Moves on the equilibrium path (all branches of chance nodes).
    outcomes : dict
        Outcome object of each reachable terminal to its probability.
    ties : tuple of int
        Decision nodes where several actions were optimal within tolerance;
        the tie-break chose one, and other subgame-perfect equilibria exist
        (see :func:`spe_outcomes`).
    regret : float
        The largest gain any mover gets at any decision node by a one-shot
        deviation, in payoff units, recomputed from the strategy alone
        (:func:`check_spe`).  By the one-shot deviation principle the
        profile is subgame perfect iff it is 0.
    tie_break : str
    tol : float
        The relative tie tolerance of :func:`solve_spe`: actions within
        ``tol`` times the mover's payoff range of its best are ties.
    certificate : float
        The checked error measure: the largest one-shot deviation gain at
        any decision node divided by the mover's payoff range (1 for a
        player whose payoffs are all equal), recomputed from the strategy;
        ``certificate <= tol`` (0.0 when no tie was broken in favour of a
        slightly worse action).
    message : str
        A one-line account: the path's length and the ties broken.
    method : str
        ``"backward-induction"``.
    """

    game: SequentialGame
    strategy: NDArray[np.intp]
    values: NDArray[np.float64]
    payoffs: NDArray[np.float64]
    path: tuple[PathStep, ...]
    outcomes: dict[Hashable, float]
    ties: tuple[int, ...]
    regret: float
    tie_break: str
    tol: float
    certificate: float
    message: str
    method: str = "backward-induction"

    @property
    def outcome(self) -> Hashable:
        """The outcome when it is reached with certainty, else the most likely one."""
        return max(self.outcomes.items(), key=lambda item: item[1])[0]

    def action_at(self, node: int) -> str:
        """The equilibrium action at a decision node."""
        node = check_int(
            node, "node", low=0, high=self.game.n_nodes - 1, error=InvalidGameError
        )
        if self.game.kind[node] != DECISION:
            raise InvalidGameError(f"node {node} is not a decision node")
        return self.game.actions[node][int(self.strategy[node])]

    def __str__(self) -> str:
        path = "; ".join(str(step) for step in self.path) or "(no moves)"
        payoffs = ", ".join(
            f"{name} {value:.6g}"
            for name, value in zip(self.game.players, self.payoffs, strict=True)
        )
        ties = f"; ties at {len(self.ties)} node(s)" if self.ties else ""
        return f"SPE path: {path} -> payoffs {payoffs} (regret {self.regret:.2g}{ties})"


def _scales(game: SequentialGame) -> NDArray[np.float64]:
    """Each player's payoff range, 1 where it is 0: the unit of its gains."""
    scale = np.maximum(game.payoff_range, np.finfo(float).tiny)
    result: NDArray[np.float64] = np.where(game.payoff_range > 0, scale, 1.0)
    return result


def _tolerances(game: SequentialGame, tol: float) -> NDArray[np.float64]:
    result: NDArray[np.float64] = tol * _scales(game)
    return result


def _validate_tol(tol: object) -> float:
    return check_real(tol, "tol", low=0, high=1, high_open=True, error=InvalidGameError)


def _check_game(game: object) -> SequentialGame:
    return check_instance(game, SequentialGame, "game", error=InvalidGameError)


def solve_spe(
    game: SequentialGame,
    *,
    tie_break: Literal["first", "last"] = "first",
    tol: float = DEFAULT_TOL,
) -> SPEResult:
    """The subgame-perfect equilibrium of a perfect-information game.

    Backward induction: from the leaves up, each mover picks an action
    maximising its payoff given the choices below; chance nodes average.

    Parameters
    ----------
    game : SequentialGame
    tie_break : {"first", "last"}
        Among actions whose value for the mover is within ``tol`` × its
        payoff range of the best, choose the first (default) or last in the
        node's action order.  Builders of kurilsim's games order actions so
        that "first" means: a responder indifferent between accepting and
        rejecting accepts, an objector indifferent consents.
    tol : float
        Relative tolerance for ties (default 1e-12).

    Returns
    -------
    SPEResult
        Strategy, values, path, outcome distribution, tie nodes and the
        checked one-shot-deviation certificate.

    Raises
    ------
    SolverError
        If the certificate check fails (it cannot, barring a bug).

    Examples
    --------
    >>> from kurilsim import Decision, SequentialGame, Terminal, solve_spe
    >>> def respond(offer):
    ...     return Decision("responder", {
    ...         "accept": Terminal((2 - offer, offer), outcome=offer),
    ...         "reject": Terminal((0, 0), outcome="no deal")})
    >>> game = SequentialGame(
    ...     Decision("proposer", {f"offer {k}": respond(k) for k in range(3)}),
    ...     players=["proposer", "responder"])
    >>> result = solve_spe(game)
    >>> [str(step) for step in result.path]
    ['proposer: offer 0', 'responder: accept']
    >>> result.payoffs
    array([2., 0.])
    >>> len(result.ties)  # the responder is indifferent after offer 0
    1
    """
    game = _check_game(game)
    check_choice(tie_break, "tie_break", ("first", "last"), error=InvalidGameError)
    tol = _validate_tol(tol)
    scales = _scales(game)
    n = game.n_nodes
    values = np.array(game.payoffs, dtype=np.float64)
    strategy = np.full(n, -1, dtype=np.intp)
    ties: list[int] = []
    for node in range(n - 1, -1, -1):
        kind = game.kind[node]
        if kind == TERMINAL:
            continue
        children = list(game.children[node])
        child_values = values[children]
        if kind == CHANCE:
            values[node] = game.probabilities[node] @ child_values
            continue
        mover = game.player[node]
        own = child_values[:, mover]
        # the same relative gains as the certificate's (_one_shot_gains)
        candidates = np.flatnonzero((own.max() - own) / scales[mover] <= tol)
        choice = int(candidates[0] if tie_break == "first" else candidates[-1])
        if len(candidates) > 1:
            ties.append(node)
        strategy[node] = choice
        values[node] = child_values[choice]
    regret, certificate = _one_shot_gains(game, strategy, scales)
    if not certificate <= tol:
        raise SolverError(
            f"backward induction produced a profile with one-shot deviation gain "
            f"{certificate:.3g} of the payoff range > tol={tol:g}; please report this"
        )
    path, outcomes = _follow(game, strategy)
    moves = sum(1 for step in path if step.player != "chance")
    message = (
        f"subgame-perfect equilibrium by backward induction: {moves} move(s) on the "
        f"path, {len(ties)} tie(s) broken ({tie_break!r})"
    )
    return SPEResult(
        game=game,
        strategy=readonly(strategy),
        values=readonly(values),
        payoffs=readonly(values[0].copy()),
        path=path,
        outcomes=outcomes,
        ties=tuple(sorted(ties)),
        regret=regret,
        tie_break=tie_break,
        tol=tol,
        certificate=certificate,
        message=message,
    )


def strategy_values(game: SequentialGame, strategy: NDArray[np.intp]) -> NDArray[np.float64]:
    """Expected payoffs from every node when everyone follows ``strategy``."""
    values = np.array(game.payoffs, dtype=np.float64)
    for node in range(game.n_nodes - 1, -1, -1):
        kind = game.kind[node]
        if kind == TERMINAL:
            continue
        children = list(game.children[node])
        if kind == CHANCE:
            values[node] = game.probabilities[node] @ values[children]
        else:
            values[node] = values[children[int(strategy[node])]]
    return values


def check_spe(game: SequentialGame, strategy: NDArray[np.intp]) -> float:
    """Largest one-shot deviation gain of a pure strategy profile.

    Recomputes the value of every node under ``strategy`` and returns the
    largest amount any mover could gain at any decision node by switching
    action there only (0 for a subgame-perfect equilibrium, by the one-shot
    deviation principle for finite games).

    Raises
    ------
    InvalidGameError
        If ``strategy`` does not give a valid action at every decision node.
    """
    game = _check_game(game)
    given = strategy
    try:
        strategy = np.asarray(given)
    except (TypeError, ValueError):  # ragged sequences
        strategy = np.asarray(None, dtype=object)
    if strategy.shape != (game.n_nodes,) or strategy.dtype.kind not in "iu":
        raise InvalidGameError(
            f"strategy needs one integer action index per node ({game.n_nodes}), "
            f"got {describe(given)} of shape {strategy.shape}"
        )
    for node in game.decision_nodes:
        if not 0 <= strategy[node] < len(game.children[node]):
            raise InvalidGameError(
                f"strategy chooses action {strategy[node]} at node {node}, which has "
                f"{len(game.children[node])} actions"
            )
    values = strategy_values(game, strategy)
    gain = 0.0
    for node in game.decision_nodes:
        mover = game.player[node]
        own = values[list(game.children[node]), mover]
        gain = max(gain, float(own.max() - own[int(strategy[node])]))
    return gain


def _one_shot_gains(
    game: SequentialGame, strategy: NDArray[np.intp], scales: NDArray[np.float64]
) -> tuple[float, float]:
    """The largest one-shot deviation gain (:func:`check_spe`), and the largest
    with each gain divided by the mover's scale (the certificate), in one pass."""
    values = strategy_values(game, strategy)
    absolute = relative = 0.0
    for node in game.decision_nodes:
        mover = game.player[node]
        own = values[list(game.children[node]), mover]
        gap = float(own.max() - own[int(strategy[node])])
        absolute = max(absolute, gap)
        relative = max(relative, gap / float(scales[mover]))
    return absolute, relative


def _follow(
    game: SequentialGame, strategy: NDArray[np.intp]
) -> tuple[tuple[PathStep, ...], dict[Hashable, float]]:
    path: list[PathStep] = []
    outcomes: dict[Hashable, float] = {}
    stack: list[tuple[int, float, PathStep | None]] = [(0, 1.0, None)]
    while stack:
        node, probability, step = stack.pop()
        if step is not None:
            path.append(step)
        kind = game.kind[node]
        if kind == TERMINAL:
            key = game.outcomes[node]
            outcomes[key] = outcomes.get(key, 0.0) + probability
        elif kind == DECISION:
            choice = int(strategy[node])
            path.append(
                PathStep(
                    node,
                    game.players[game.player[node]],
                    game.actions[node][choice],
                    probability,
                )
            )
            stack.append((game.children[node][choice], probability, None))
        else:
            branches = list(
                zip(game.children[node], game.actions[node], game.probabilities[node],
                    strict=True)
            )
            for child, action, p in reversed(branches):
                if p > 0:
                    chance_step = PathStep(node, "chance", action, float(p))
                    stack.append((child, probability * float(p), chance_step))
    return tuple(path), outcomes


@dataclass(frozen=True, slots=True)
class SPEOutcome:
    """The payoffs and outcome distribution of one subgame-perfect equilibrium."""

    payoffs: tuple[float, ...]
    outcomes: tuple[tuple[Hashable, float], ...]

    def __str__(self) -> str:
        parts = ", ".join(f"{o!s} (p={p:g})" for o, p in self.outcomes)
        values = ", ".join(f"{v:.6g}" for v in self.payoffs)
        return f"{parts} -> ({values})"


def spe_outcomes(
    game: SequentialGame, *, tol: float = DEFAULT_TOL, limit: int = 10_000
) -> tuple[SPEOutcome, ...]:
    """Every distinct outcome of a subgame-perfect equilibrium.

    Where a mover is indifferent, different choices can lead to different
    equilibria, and the choice in one subgame changes what is optimal above
    it.  The set of SPE payoff vectors at a decision node of player ``i`` is
    exactly ``{v ∈ S(c) : c a child, v_i ≥ min_{w ∈ S(c')} w_i for every
    child c'}`` (choose a continuation in every other subgame that is worst
    for ``i``); at chance nodes it is the set of mixtures.  This recursion is
    exact; its size is bounded by ``limit`` per node.

    Returns
    -------
    tuple of SPEOutcome
        Sorted by payoffs, duplicates (within ``tol``) removed.

    Raises
    ------
    SolverError
        If more than ``limit`` distinct equilibrium outcomes arise at a node.

    Examples
    --------
    >>> from kurilsim import Decision, SequentialGame, Terminal, spe_outcomes
    >>> def respond(offer):
    ...     return Decision("responder", {
    ...         "accept": Terminal((2 - offer, offer), outcome=offer),
    ...         "reject": Terminal((0, 0), outcome="no deal")})
    >>> game = SequentialGame(
    ...     Decision("proposer", {f"offer {k}": respond(k) for k in range(3)}),
    ...     players=["proposer", "responder"])
    >>> [str(o) for o in spe_outcomes(game)]
    ['1 (p=1) -> (1, 1)', '0 (p=1) -> (2, 0)']
    """
    game = _check_game(game)
    tol = _validate_tol(tol)
    limit = check_int(limit, "limit", low=1, error=InvalidGameError)
    tolerance = _tolerances(game, tol)
    # each set: list of (payoff vector, outcome distribution dict)
    sets: list[list[tuple[NDArray[np.float64], dict[Hashable, float]]]] = [
        [] for _ in range(game.n_nodes)
    ]
    for node in range(game.n_nodes - 1, -1, -1):
        kind = game.kind[node]
        children = game.children[node]
        if kind == TERMINAL:
            sets[node] = [(game.payoffs[node], {game.outcomes[node]: 1.0})]
            continue
        if kind == DECISION:
            mover = game.player[node]
            floor = max(min(v[mover] for v, _ in sets[c]) for c in children)
            candidates = [
                item
                for child in children
                for item in sets[child]
                if item[0][mover] >= floor - tolerance[mover]
            ]
        else:
            candidates = [(np.zeros(game.n_players), {})]
            for child, p in zip(children, game.probabilities[node], strict=True):
                mixed = []
                for vector, dist in candidates:
                    for child_vector, child_dist in sets[child]:
                        combined = dict(dist)
                        for key, q in child_dist.items():
                            combined[key] = combined.get(key, 0.0) + p * q
                        mixed.append((vector + p * child_vector, combined))
                        if len(mixed) > limit:
                            raise SolverError(
                                f"more than {limit} equilibrium outcomes at chance node "
                                f"{node}; raise limit= to continue"
                            )
                candidates = mixed
        sets[node] = _unique(candidates, tolerance, limit, node)
    root = sorted(sets[0], key=lambda item: tuple(item[0]))
    return tuple(
        SPEOutcome(
            tuple(float(v) for v in vector),
            tuple((key, p) for key, p in dist.items() if p > 0),
        )
        for vector, dist in root
    )


def _unique(
    items: list[tuple[NDArray[np.float64], dict[Hashable, float]]],
    tolerance: NDArray[np.float64],
    limit: int,
    node: int,
) -> list[tuple[NDArray[np.float64], dict[Hashable, float]]]:
    kept: list[tuple[NDArray[np.float64], dict[Hashable, float]]] = []
    for vector, dist in items:
        duplicate = any(
            np.all(np.abs(vector - other) <= tolerance) and dist.keys() == other_dist.keys()
            and all(abs(dist[k] - other_dist[k]) <= 1e-12 for k in dist)
            for other, other_dist in kept
        )
        if not duplicate:
            kept.append((vector, dist))
            if len(kept) > limit:
                raise SolverError(
                    f"more than {limit} equilibrium outcomes at node {node}; raise "
                    "limit= to continue"
                )
    return kept
