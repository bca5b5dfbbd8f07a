"""Refinements of Nash equilibrium in extensive games: perfect Bayesian and
sequential equilibrium, checked on an assessment (a behaviour profile and
beliefs).

An *assessment* pairs a behaviour profile of an
:class:`~kurilsim.games.extensive.ExtensiveFormGame` with *beliefs*: at every
information set, a probability vector over its nodes (:class:`Assessment`).

* :func:`check_pbe` checks a **(weak) perfect Bayesian equilibrium** (Mas-Colell,
  Whinston and Green 1995, Definition 9.C.3): the profile is sequentially
  rational at every information set given the beliefs, and the beliefs follow
  from the profile by Bayes' rule at every set reached with positive
  probability; off the path they are free.  Without beliefs it *searches* for
  off-path beliefs that make the profile sequentially rational -- exactly, by
  one linear program per unreached set.
* :func:`check_sequential` checks a **sequential equilibrium** (Kreps and
  Wilson 1982): sequential rationality as above, with beliefs that are
  *consistent* -- limits of the Bayes beliefs of completely mixed profiles
  converging to the profile.  Consistency of given beliefs is decided exactly
  (a characterisation by orders of trembles, see :func:`check_sequential`);
  without beliefs, consistent beliefs are searched for over the patterns of
  supports they can have, a procedure that is exact in the games described
  there and a documented heuristic otherwise.

Both return a :class:`RefinementResult`, which follows the result contract
(:class:`~kurilsim.solvers.results.SolverResult`) and says in its message
whether the answer is decided or the outcome of a search.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, milp, minimize

from kurilsim._arrays import readonly
from kurilsim._checks import check_int, check_real, describe
from kurilsim._errors import InvalidArgumentError, InvalidGameError, SolverError
from kurilsim._lp import solve_lp
from kurilsim.games.extensive import CHANCE, DECISION, TERMINAL, ExtensiveFormGame

__all__ = [
    "DEFAULT_TOL",
    "MAX_PATTERNS",
    "Assessment",
    "RefinementResult",
    "check_pbe",
    "check_sequential",
]

#: Default tolerance: a deviation gain of at most ``tol`` times the mover's
#: payoff range counts as none, and beliefs within ``tol`` (per entry) of the
#: beliefs required count as equal.
DEFAULT_TOL: Final = 1e-9

#: Default limit on the number of belief-support patterns
#: :func:`check_sequential` examines when it searches for consistent beliefs.
MAX_PATTERNS: Final = 20_000

#: Limit on the nodes of one unreached set for which every support is tried.
_MAX_SUPPORT_NODES: Final = 12

#: Limit on the cutting-plane rounds of one linear program.
_MAX_ROUNDS: Final = 10_000

Beliefs = tuple[NDArray[np.float64], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Assessment:
    """A behaviour profile together with beliefs at every information set.

    Parameters
    ----------
    profile : sequence of array_like
        One probability vector per information set of the game (in the order
        of :attr:`~kurilsim.ExtensiveFormGame.infosets`), over its actions.
    beliefs : sequence of array_like
        One probability vector per information set, over its nodes (in the
        order of :attr:`InformationSet.nodes
        <kurilsim.games.extensive.InformationSet>`).

    Raises
    ------
    InvalidArgumentError
        If the two sequences differ in length, or an entry is not a
        probability vector.  Whether the shapes fit a game is checked by
        :func:`check_pbe` and :func:`check_sequential`.

    Examples
    --------
    >>> from kurilsim import Assessment
    >>> a = Assessment(profile=[[1.0, 0.0]], beliefs=[[1.0]])
    >>> a.profile[0].tolist(), a.beliefs[0].tolist()
    ([1.0, 0.0], [1.0])
    """

    profile: tuple[NDArray[np.float64], ...]
    beliefs: Beliefs

    def __post_init__(self) -> None:
        profile = _vectors(self.profile, "profile")
        beliefs = _vectors(self.beliefs, "beliefs")
        if len(profile) != len(beliefs):
            raise InvalidArgumentError(
                f"an assessment needs one belief vector per information set: the "
                f"profile has {len(profile)} vectors, the beliefs {len(beliefs)}"
            )
        object.__setattr__(self, "profile", profile)
        object.__setattr__(self, "beliefs", beliefs)

    def __repr__(self) -> str:
        def show(vectors: Beliefs) -> str:
            return "(" + ", ".join(
                np.array2string(v, precision=4, separator=", ") for v in vectors
            ) + ")"

        return f"Assessment(profile={show(self.profile)}, beliefs={show(self.beliefs)})"


def _vectors(values: object, name: str) -> tuple[NDArray[np.float64], ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise InvalidArgumentError(
            f"{name} must be a sequence of probability vectors, got {describe(values)}"
        )
    out = []
    for k, value in enumerate(values):
        if value is None:
            raise InvalidArgumentError(
                f"{name}[{k}] is None: give a probability vector for every "
                "information set (or beliefs=None to have them searched for)"
            )
        try:
            vector = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"{name}[{k}] must be a probability vector, got {describe(value)}"
            ) from None
        if (
            vector.ndim != 1
            or vector.size == 0
            or not np.all(np.isfinite(vector))
            or vector.min() < -1e-9
            or abs(float(vector.sum()) - 1.0) > 1e-9 * (vector.size + 1)
        ):
            raise InvalidArgumentError(
                f"{name}[{k}] must be a non-empty probability vector (entries >= 0 "
                f"summing to 1), got {describe(value)}"
            )
        out.append(readonly(np.clip(vector, 0.0, None)))
    return tuple(out)


@dataclass(frozen=True, slots=True, eq=False)
class RefinementResult:
    """Whether an assessment is a perfect Bayesian or a sequential equilibrium.

    Attributes
    ----------
    ok : bool
        The verdict: the profile, with :attr:`beliefs`, passes every condition
        of :attr:`method` within ``tol``.
    method : str
        ``"pbe"`` (:func:`check_pbe`) or ``"sequential"``
        (:func:`check_sequential`).
    assessment : Assessment
        The profile and the beliefs used: the beliefs given, or, when they
        were searched for, the beliefs found (Bayes' rule on the path).  When
        the search fails, the off-path beliefs are those with the smallest
        largest deviation gain at each set (which may then not be consistent).
    gains : ndarray
        Per information set, in payoff units, the largest gain the mover gets
        given the set's beliefs by changing her strategy from the set on
        (her action there and at all her later sets), the others' strategies
        fixed: sequential rationality at the set holds iff it is at most
        ``tol`` times her payoff range.
    one_shot_gains : ndarray
        Per information set, the largest gain of changing the action at the
        set only (continuation play by the profile): at most :attr:`gains`,
        and equal to it when the beliefs at the mover's later sets follow
        from those at this set by Bayes' rule (e.g. consistent beliefs).
    reached : ndarray of bool
        Per information set, whether the profile reaches it with positive
        probability.
    failed : tuple of int
        The information sets (indices into the game's ``infosets``) at which
        a condition fails: a gain above tolerance, beliefs off Bayes' rule on
        the path, inconsistent beliefs, or no beliefs found.
    belief_error : float
        The largest difference between the beliefs used and Bayes' rule at
        the sets the profile reaches (0 when the beliefs were searched for).
    consistent : bool or None
        For ``"sequential"``: whether the beliefs reported are consistent in
        the sense of Kreps and Wilson -- the beliefs given, the ones found,
        or, after a failed search, the least-gain ones (``None`` for
        ``"pbe"``).
    searched : bool
        Whether the beliefs were searched for (``beliefs=None``).
    decided : bool
        Whether the verdict is a proof: ``True`` except when a search for
        consistent beliefs fails after using its heuristic step or its limit
        (the message says which); a failed ``"pbe"`` search is always decided.
    tremble_orders, tremble_weights : tuple of ndarray, or None
        For a consistent assessment: per information set, an order
        ``k_a >= 0`` (0 exactly on the actions the profile plays) and a
        weight ``c_a > 0`` (the profile's probability on the actions it
        plays) of each action, such that the beliefs are the limit, as
        ``eps -> 0``, of the Bayes beliefs of the completely mixed profiles
        ``sigma_eps(a)`` proportional to ``c_a * eps**k_a``.  ``None``
        otherwise.
    certificate : float
        The checked error measure: the largest of :attr:`gains`, each divided
        by its mover's payoff range, and :attr:`belief_error`.  ``ok``
        requires ``certificate <= tol`` (and consistent beliefs, for
        ``"sequential"``).
    tol : float
    message : str
        A one-line account: the verdict, where it fails, and whether it is
        decided or the result of a search.
    game : ExtensiveFormGame
    """

    ok: bool
    method: str
    assessment: Assessment
    gains: NDArray[np.float64]
    one_shot_gains: NDArray[np.float64]
    reached: NDArray[np.bool_]
    failed: tuple[int, ...]
    belief_error: float
    consistent: bool | None
    searched: bool
    decided: bool
    tremble_orders: tuple[NDArray[np.intp], ...] | None
    tremble_weights: tuple[NDArray[np.float64], ...] | None
    certificate: float
    tol: float
    message: str
    game: ExtensiveFormGame

    @property
    def profile(self) -> tuple[NDArray[np.float64], ...]:
        """The behaviour profile checked."""
        return self.assessment.profile

    @property
    def beliefs(self) -> Beliefs:
        """The beliefs used (given or found)."""
        return self.assessment.beliefs

    def __repr__(self) -> str:
        return (
            f"RefinementResult(method={self.method!r}, ok={self.ok}, "
            f"certificate={self.certificate:.3g}, message={self.message!r})"
        )


# ----------------------------------------------------------------- the tree
class _Tree:
    """The game's flat arrays, the profile's move probabilities, and the
    computations on them (continuation values, realisation, best replies)."""

    def __init__(self, game: ExtensiveFormGame, profile: tuple[NDArray[np.float64], ...]):
        self.game = game
        self.profile = profile
        n = game.n_nodes
        self.kind = np.asarray(game.node_kind)
        self.mover = np.asarray(game.node_player)
        self.infoset = np.asarray(game.node_infoset)
        self.children = game.node_children
        self.ranges = np.asarray(game.payoff_ranges, dtype=np.float64)
        self.payoffs = np.zeros((n, game.n_players))
        self.payoffs[np.asarray(game.terminal_nodes)] = game.terminal_payoffs
        self.moves: list[NDArray[np.float64]] = []
        for x in range(n):
            if self.kind[x] == CHANCE:
                self.moves.append(np.asarray(game.chance_probabilities[x], dtype=np.float64))
            elif self.kind[x] == DECISION:
                self.moves.append(profile[int(self.infoset[x])])
            else:
                self.moves.append(np.zeros(0))
        # the end of each node's subtree in prefix order, and own depths
        self.end = np.arange(1, n + 1)
        for x in range(n - 1, -1, -1):
            if self.children[x]:
                self.end[x] = self.end[self.children[x][-1]]
        self.own_depth = np.zeros((n, game.n_players), dtype=np.intp)
        for x in range(n):
            for c in self.children[x]:
                self.own_depth[c] = self.own_depth[x]
                if self.kind[x] == DECISION:
                    self.own_depth[c, self.mover[x]] += 1
        self.values = self._values()
        self.realisation = game.realisation_probabilities(profile)

    def _values(self) -> NDArray[np.float64]:
        """``(n_nodes, n_players)``: expected payoffs from each node on."""
        values = self.payoffs.copy()
        for x in range(self.game.n_nodes - 1, -1, -1):
            if self.kind[x] != TERMINAL:
                values[x] = self.moves[x] @ values[list(self.children[x])]
        return values


    def bayes(self, h: int) -> NDArray[np.float64] | None:
        """Bayes' beliefs at set ``h``, or ``None`` if it is not reached."""
        weights = self.realisation[list(self.game.infosets[h].nodes)]
        total = float(weights.sum())
        return weights / total if total > 0 else None

    def one_shot(self, h: int, belief: NDArray[np.float64]) -> float:
        """The largest gain of changing the action at ``h`` only."""
        infoset = self.game.infosets[h]
        i = infoset.player
        q = np.zeros(len(infoset.actions))
        for x, m in zip(infoset.nodes, belief, strict=True):
            q += m * self.values[list(self.children[x]), i]
        return max(float(q.max() - self.profile[h] @ q), 0.0)

    def best_reply(self, h: int, belief: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per node of ``h``, the mover's payoff from it under her best reply
        from ``h`` on given ``belief`` (the others' strategies fixed).

        Backward induction over the mover's sets below ``h``, deepest first
        (perfect recall: her sets below ``h`` lie wholly below it and each
        follows her earlier ones); at each set she takes the action with the
        highest payoff weighted by the probability of its nodes given
        ``belief`` and the others' and chance's moves.
        """
        game = self.game
        infoset = game.infosets[h]
        i = infoset.player
        members = np.concatenate(
            [np.arange(x, self.end[x]) for x in infoset.nodes]
        ).tolist()
        weight = np.zeros(game.n_nodes)
        weight[list(infoset.nodes)] = belief
        own_sets: dict[int, int] = {}
        for y in members:
            kids = self.children[y]
            if not kids:
                continue
            if self.kind[y] == DECISION and self.mover[y] == i:
                own_sets.setdefault(int(self.infoset[y]), int(self.own_depth[y, i]))
                weight[list(kids)] = weight[y]
            else:
                weight[list(kids)] = weight[y] * self.moves[y]
        chosen: dict[int, int] = {}
        value = np.zeros(game.n_nodes)
        levels = sorted(set(own_sets.values()), reverse=True)
        for level in [*levels, None]:
            for y in reversed(members):
                kind = self.kind[y]
                if kind == TERMINAL:
                    value[y] = self.payoffs[y, i]
                elif kind == DECISION and self.mover[y] == i:
                    action = chosen.get(int(self.infoset[y]))
                    value[y] = 0.0 if action is None else value[self.children[y][action]]
                else:
                    value[y] = self.moves[y] @ value[list(self.children[y])]
            if level is None:
                break
            for s, depth in own_sets.items():
                if depth == level:
                    score = np.zeros(len(game.infosets[s].actions))
                    for z in game.infosets[s].nodes:
                        score += weight[z] * value[list(self.children[z])]
                    chosen[s] = int(np.argmax(score))
        out: NDArray[np.float64] = value[list(infoset.nodes)]
        return out

    def gain(self, h: int, belief: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """The largest gain from ``h`` on given ``belief``, and the cut: per
        node of ``h``, the best reply's payoff minus the profile's."""
        infoset = self.game.infosets[h]
        cut = self.best_reply(h, belief) - self.values[list(infoset.nodes), infoset.player]
        return max(float(belief @ cut), 0.0), cut

    def scale(self, h: int) -> float:
        return float(self.ranges[self.game.infosets[h].player])

    def one_shot_cuts(self, h: int) -> list[NDArray[np.float64]]:
        """Per action at ``h``: per node, that action's payoff minus the profile's."""
        infoset = self.game.infosets[h]
        i = infoset.player
        own = self.values[list(infoset.nodes), i]
        return [
            np.array([self.values[self.children[x][a], i] for x in infoset.nodes]) - own
            for a in range(len(infoset.actions))
        ]


# ------------------------------------------------------ beliefs by LP search
def _min_max_belief(
    tree: _Tree, h: int, allowed: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], float]:
    """The belief on ``allowed`` nodes of ``h`` with the smallest largest gain.

    A linear program in ``(belief, t)``: minimise ``t`` subject to
    ``belief @ cut <= t`` for every cut (the per-node gains of one of the
    mover's pure strategies from ``h`` on), starting from the one-shot
    deviations and adding the best reply at the current optimum until it
    gains no more than ``t`` (cutting planes; finitely many strategies).
    Returns the belief and its largest gain (payoff units).
    """
    scale = tree.scale(h)
    m = len(allowed)
    cuts = tree.one_shot_cuts(h)
    bounds = [(0.0, 1.0 if ok else 0.0) for ok in allowed] + [(None, None)]
    c = np.zeros(m + 1)
    c[-1] = 1.0
    a_eq = np.zeros((1, m + 1))
    a_eq[0, :m] = 1.0
    for _ in range(_MAX_ROUNDS):
        a_ub = np.array([np.append(cut / scale, -1.0) for cut in cuts])
        solution = solve_lp(
            c, A_ub=a_ub, b_ub=np.zeros(len(cuts)), A_eq=a_eq, b_eq=np.ones(1),
            bounds=bounds,
        )
        if solution is None:  # pragma: no cover - the simplex is never empty
            raise SolverError(f"no belief at information set {h} (an empty simplex)")
        belief = np.clip(solution[:m], 0.0, None)
        belief /= belief.sum()
        gain, cut = tree.gain(h, belief)
        if gain <= (float(solution[-1]) + 1e-12) * scale or _known(cut, cuts):
            return belief, gain
        cuts.append(cut)
    raise SolverError(  # pragma: no cover - finitely many pure strategies
        f"the belief search at information set {h} did not converge"
    )


def _known(cut: NDArray[np.float64], cuts: Sequence[NDArray[np.float64]]) -> bool:
    """Whether ``cut`` is already among ``cuts``: its violation is then the
    linear program's own feasibility tolerance (1e-10), not a new constraint,
    and the cutting planes have converged."""
    return any(float(np.abs(cut - known).max()) <= 1e-12 * (1.0 + float(np.abs(cut).max()))
               for known in cuts)


def _interior_belief(
    tree: _Tree,
    h: int,
    support: Sequence[int],
    forced: Sequence[tuple[int, int, float]],
    tol: float,
    objective: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | None:
    """A belief on ``support`` (positions in ``h``) under which the profile
    is sequentially rational at ``h`` within ``tol``, with ``belief[x] = r *
    belief[y]`` for each ``(x, y, r)`` in ``forced``.

    Without ``objective``: the one positive on the whole support that
    maximises its smallest entry there (``None`` if none is positive on
    it).  With ``objective``: one that minimises ``objective @ belief``
    (zero entries allowed; ``None`` if there is none).  Cutting planes as in
    :func:`_min_max_belief`.
    """
    scale = tree.scale(h)
    m = len(tree.game.infosets[h].nodes)
    on = np.zeros(m, dtype=bool)
    on[list(support)] = True
    cuts = tree.one_shot_cuts(h)
    bounds = [(0.0, 1.0 if flag else 0.0) for flag in on] + [
        (None, 1.0) if objective is None else (0.0, 0.0)
    ]
    c = np.zeros(m + 1)
    if objective is None:
        c[-1] = -1.0
    else:
        c[:m] = objective
    rows = [np.append(np.where(on, 1.0, 0.0), 0.0)]
    for x, y, r in forced:
        row = np.zeros(m + 1)
        row[x], row[y] = 1.0, -r
        rows.append(row)
    a_eq = np.array(rows)
    b_eq = np.zeros(len(rows))
    b_eq[0] = 1.0
    positivity = np.zeros((int(on.sum()), m + 1))
    positivity[np.arange(int(on.sum())), np.flatnonzero(on)] = -1.0
    positivity[:, -1] = 1.0
    for _ in range(_MAX_ROUNDS):
        a_ub = np.vstack([[np.append(cut / scale, 0.0) for cut in cuts], positivity])
        b_ub = np.concatenate([np.full(len(cuts), tol), np.zeros(len(positivity))])
        solution = solve_lp(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        if solution is None or (objective is None and solution[-1] <= 1e-12):
            return None
        belief = np.clip(solution[:m], 0.0, None)
        belief /= belief.sum()
        gain, cut = tree.gain(h, belief)
        if gain <= tol * scale * (1.0 + 1e-9) + 1e-15 * scale or _known(cut, cuts):
            return belief
        cuts.append(cut)
    raise SolverError(  # pragma: no cover - finitely many pure strategies
        f"the belief search at information set {h} did not converge"
    )


# --------------------------------------------------------------- consistency
class _Trembles:
    """The profile's zero-probability actions and, per node, how many of each
    lie on its path (``counts``), the log of the product of chance's and the
    played actions' probabilities on it (``log_weight``), and whether any
    completely mixed perturbation of the profile reaches it (``reachable``:
    no chance move of probability zero on the path)."""

    def __init__(self, tree: _Tree) -> None:
        game = tree.game
        self.unplayed = [
            (h, a)
            for h, sigma in enumerate(tree.profile)
            for a in np.flatnonzero(sigma <= 0.0).tolist()
        ]
        index = {pair: k for k, pair in enumerate(self.unplayed)}
        n = game.n_nodes
        self.counts = np.zeros((n, len(self.unplayed)), dtype=np.int64)
        self.log_weight = np.zeros(n)
        self.reachable = np.ones(n, dtype=bool)
        with np.errstate(divide="ignore"):
            for x in range(n):
                for k, c in enumerate(tree.children[x]):
                    self.counts[c] = self.counts[x]
                    self.log_weight[c] = self.log_weight[x]
                    self.reachable[c] = self.reachable[x]
                    p = float(tree.moves[x][k])
                    if tree.kind[x] == CHANCE:
                        if p <= 0.0:
                            self.reachable[c] = False
                        else:
                            self.log_weight[c] += math.log(p)
                    elif p > 0.0:
                        self.log_weight[c] += math.log(p)
                    else:
                        self.counts[c, index[(int(tree.infoset[x]), k)]] += 1

    def orders(self, pattern: dict[int, tuple[tuple[int, ...], tuple[int, ...]]]) -> (
        NDArray[np.int64] | None
    ):
        """Integer orders ``k >= 1`` of the unplayed actions under which, at
        every set of ``pattern`` (set -> (support nodes, other reachable
        nodes)), the support nodes have equal and least total order; the
        solution of smallest total, or ``None`` if there is none.

        Feasibility over the reals with orders ``> 0`` and the strict
        inequalities is equivalent (the constraints are homogeneous; scale a
        rational solution), so this integer program is exact.
        """
        equal: list[NDArray[np.int64]] = []
        above: list[NDArray[np.int64]] = []
        for support, others in pattern.values():
            ref = self.counts[support[0]]
            equal += [self.counts[x] - ref for x in support[1:]]
            above += [self.counts[z] - ref for z in others]
        n_vars = len(self.unplayed)
        if n_vars == 0:
            if any(row.any() for row in equal) or above:
                return None
            return np.zeros(0, dtype=np.int64)
        constraints = []
        if equal:
            constraints.append(LinearConstraint(np.array(equal), 0.0, 0.0))
        if above:
            constraints.append(LinearConstraint(np.array(above), 1.0, np.inf))
        result = milp(
            np.ones(n_vars),
            constraints=constraints,
            integrality=np.ones(n_vars),
            bounds=Bounds(np.ones(n_vars), np.full(n_vars, np.inf)),
        )
        if result.status != 0 or result.x is None:
            return None
        orders: NDArray[np.int64] = np.rint(result.x).astype(np.int64)
        return orders

    def classes(self, support: Sequence[int]) -> list[list[int]]:
        """The support's nodes grouped by their zero-probability actions
        (nodes in one group have belief ratios fixed by the profile)."""
        groups: dict[tuple[int, ...], list[int]] = {}
        for x in support:
            groups.setdefault(tuple(self.counts[x].tolist()), []).append(x)
        return list(groups.values())

    def fit(
        self, targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]]
    ) -> tuple[NDArray[np.float64], dict[int, NDArray[np.float64]], bool]:
        """Log tremble weights whose limit beliefs come closest to the
        targets (set -> (support nodes, target belief on them)).

        Least squares on the log-odds of the support's groups (see
        :meth:`classes`) against a reference group.  Returns the log
        weights, the limit beliefs they give on each support, and whether
        the system has full row rank (every target is then met exactly).
        """
        rows: list[NDArray[np.int64]] = []
        rhs: list[float] = []
        for support, target in targets.values():
            mass = dict(zip(support, target.tolist(), strict=True))
            groups = self.classes(support)
            ref = groups[0]
            ref_term = math.log(sum(mass[x] for x in ref)) - _logsumexp(
                self.log_weight[ref]
            )
            for group in groups[1:]:
                rows.append(self.counts[group[0]] - self.counts[ref[0]])
                term = math.log(sum(mass[x] for x in group)) - _logsumexp(
                    self.log_weight[group]
                )
                rhs.append(term - ref_term)
        n_vars = len(self.unplayed)
        if rows and n_vars:
            matrix = np.array(rows, dtype=np.float64)
            log_eta = np.linalg.lstsq(matrix, np.array(rhs), rcond=None)[0]
            full_rank = int(np.linalg.matrix_rank(matrix)) == len(rows)
        else:
            log_eta = np.zeros(n_vars)
            full_rank = not rows
        return log_eta, self.limits(targets, log_eta), full_rank

    def limits(
        self,
        targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]],
        log_eta: NDArray[np.float64],
    ) -> dict[int, NDArray[np.float64]]:
        """The limit beliefs on each support for the log tremble weights."""
        out = {}
        for h, (support, _) in targets.items():
            logs = self.log_weight[list(support)] + self.counts[list(support)] @ log_eta
            logs = logs - logs.max()
            weights = np.exp(logs)
            out[h] = weights / weights.sum()
        return out


def _logsumexp(values: NDArray[np.float64]) -> float:
    top = float(values.max())
    return top + math.log(float(np.exp(values - top).sum()))


# ------------------------------------------------------------------- checks
def _prepare(
    game: object, profile: Sequence[ArrayLike] | Assessment, beliefs: object, tol: object
) -> tuple[ExtensiveFormGame, _Tree, Beliefs | None, float]:
    if not isinstance(game, ExtensiveFormGame):
        raise InvalidArgumentError(
            f"game must be an ExtensiveFormGame, got {describe(game)}"
        )
    if not game.perfect_recall:
        raise InvalidGameError(
            "perfect Bayesian and sequential equilibrium need perfect recall; "
            f"this game lacks it: {game.recall_violations()[0]}"
        )
    checked_tol = check_real(tol, "tol", low=0.0, high=1.0, high_open=True)
    if isinstance(profile, Assessment):
        if beliefs is not None:
            raise InvalidArgumentError(
                "give beliefs either in the Assessment or as beliefs=, not both"
            )
        beliefs = profile.beliefs
        profile = profile.profile
    checked = game.check_profile(profile)
    given = None
    if beliefs is not None:
        given = _vectors(beliefs, "beliefs")
        if len(given) != game.n_infosets:
            raise InvalidArgumentError(
                f"beliefs need one vector per information set ({game.n_infosets}), "
                f"got {len(given)}"
            )
        for k, (belief, infoset) in enumerate(zip(given, game.infosets, strict=True)):
            if belief.shape != (len(infoset.nodes),):
                raise InvalidArgumentError(
                    f"the beliefs at {game.infoset_description(k)} (set {k}) must "
                    f"have one entry per node ({len(infoset.nodes)}), got shape "
                    f"{belief.shape}"
                )
    return game, _Tree(game, checked), given, checked_tol


def _describe_sets(game: ExtensiveFormGame, sets: Sequence[int]) -> str:
    shown = ", ".join(f"{game.infoset_description(h)} (set {h})" for h in sets[:3])
    return shown + (f" and {len(sets) - 3} more" if len(sets) > 3 else "")


def check_pbe(
    game: ExtensiveFormGame,
    profile: Sequence[ArrayLike] | Assessment,
    beliefs: Sequence[ArrayLike] | None = None,
    *,
    tol: float = DEFAULT_TOL,
) -> RefinementResult:
    """Whether a behaviour profile is a (weak) perfect Bayesian equilibrium.

    An assessment (profile, beliefs) is a *weak perfect Bayesian equilibrium*
    (Mas-Colell, Whinston and Green 1995, Definition 9.C.3) when

    1. at every information set the mover's strategy is optimal from that set
       on, given her beliefs there and the others' strategies (sequential
       rationality), and
    2. at every set the profile reaches with positive probability, the
       beliefs follow from the profile by Bayes' rule.

    Beliefs at unreached sets are free.

    Parameters
    ----------
    game : ExtensiveFormGame
        A game with perfect recall.
    profile : sequence of array_like, or Assessment
        A behaviour profile (one probability vector per information set), or
        an :class:`Assessment` carrying the beliefs too.
    beliefs : sequence of array_like, optional
        One probability vector per information set over its nodes.  If
        omitted, Bayes' rule gives them on the path, and off the path the
        check *searches* for beliefs under which the profile is sequentially
        rational (see Notes); the result reports the beliefs found, or the
        sets where none exist.
    tol : float, default 1e-9
        A deviation gain of at most ``tol`` times the mover's payoff range
        counts as none; beliefs within ``tol`` per entry of Bayes' rule count
        as Bayes.

    Returns
    -------
    RefinementResult
        ``ok`` is the verdict; ``gains`` the largest gain from each set on,
        ``beliefs`` the beliefs used.

    Raises
    ------
    InvalidArgumentError
        If ``game`` is not an ExtensiveFormGame, or the beliefs do not fit
        its information sets.
    InvalidGameError
        If the game lacks perfect recall.
    InvalidProfileError
        If the profile does not fit the game.

    Notes
    -----
    *Which sequential-rationality check.*  At each set ``h`` the check
    computes the mover's best payoff from ``h`` on given the beliefs at
    ``h``, over all her continuation strategies (her action at ``h`` and at
    every later set of hers), by backward induction over her later sets
    with the nodes weighted by the beliefs at ``h`` and the others' and
    chance's moves; :attr:`RefinementResult.gains` is that best payoff minus
    the profile's.  This is the definition: it uses the beliefs at ``h``
    only, not those at her later sets.  The one-shot check (change the action
    at ``h`` only, continuation play by the profile;
    :attr:`RefinementResult.one_shot_gains`) is weaker in general and
    equivalent when the beliefs at her later sets follow from those at ``h``
    by Bayes' rule wherever defined (Hendon, Jacobsen and Sloth 1996), as for
    consistent beliefs.

    *The belief search.*  Beliefs at an unreached set ``h`` affect the
    conditions at ``h`` only, and the continuation values below ``h`` depend
    on the profile only, so each unreached set is searched on its own.  The
    gain at ``h`` is the largest over the mover's pure continuation
    strategies of a function linear in the belief; the belief that
    minimises it is a linear program, solved by cutting planes (start from
    the one-shot deviations, add the best reply at the optimum until it
    gains no more than the program's value).  The profile is a PBE iff that
    minimum is within tolerance at every unreached set: the search is a
    decision procedure.

    References
    ----------
    Mas-Colell, A., Whinston, M. D. and Green, J. R. (1995). *Microeconomic
    Theory*, Oxford University Press, section 9.C.

    Hendon, E., Jacobsen, H. J. and Sloth, B. (1996). The one-shot-deviation
    principle for sequential rationality. *Games and Economic Behavior* 12,
    274-282.

    Examples
    --------
    Entry deterrence: the incumbent's threat to fight is not credible.

    >>> from kurilsim import ExtensiveFormGame, check_pbe
    >>> from kurilsim.games.extensive import Choice, Terminal
    >>> game = ExtensiveFormGame(
    ...     Choice("entrant", "e", [
    ...         ("out", Terminal((0, 2))),
    ...         ("in", Choice("incumbent", "i", [
    ...             ("fight", Terminal((-1, -1))), ("accommodate", Terminal((1, 1)))]))]),
    ...     players=["entrant", "incumbent"])
    >>> check_pbe(game, [[1, 0], [1, 0]]).ok  # Nash, with an empty threat
    False
    >>> check_pbe(game, [[0, 1], [0, 1]]).ok
    True
    """
    game, tree, given, tol = _prepare(game, profile, beliefs, tol)
    n = game.n_infosets
    used: list[NDArray[np.float64]] = []
    reached = np.zeros(n, dtype=bool)
    gains = np.zeros(n)
    belief_error = 0.0
    wrong_beliefs: list[int] = []
    for h in range(n):
        bayes = tree.bayes(h)
        reached[h] = bayes is not None
        if given is not None:
            belief = given[h]
            if bayes is not None:
                error = float(np.abs(belief - bayes).max())
                belief_error = max(belief_error, error)
                if error > tol:
                    wrong_beliefs.append(h)
            gains[h] = tree.gain(h, belief)[0]
        elif bayes is not None:
            belief = bayes
            gains[h] = tree.gain(h, belief)[0]
        else:
            allowed = np.ones(len(game.infosets[h].nodes), dtype=bool)
            belief, gains[h] = _min_max_belief(tree, h, allowed)
        used.append(belief)
    return _result(
        "pbe", tree, tuple(used), gains, reached, tol,
        belief_error=belief_error, wrong_beliefs=wrong_beliefs, consistent=None,
        searched=given is None, decided=True, trembles=None, note="",
    )


def _result(
    method: str,
    tree: _Tree,
    beliefs: Beliefs,
    gains: NDArray[np.float64],
    reached: NDArray[np.bool_],
    tol: float,
    *,
    belief_error: float,
    wrong_beliefs: Sequence[int],
    consistent: bool | None,
    searched: bool,
    decided: bool,
    trembles: tuple[tuple[NDArray[np.intp], ...], tuple[NDArray[np.float64], ...]] | None,
    note: str,
    inconsistent: Sequence[int] = (),
    found: bool = True,
) -> RefinementResult:
    game = tree.game
    n = game.n_infosets
    scales = np.array([tree.scale(h) for h in range(n)])
    relative = gains / scales if n else np.zeros(0)
    irrational = [h for h in range(n) if relative[h] > tol]
    certificate = max(float(relative.max(initial=0.0)), belief_error)
    failed = tuple(sorted(set(irrational) | set(wrong_beliefs) | set(inconsistent)))
    ok = found and not failed and certificate <= tol and consistent is not False
    one_shot = np.array([tree.one_shot(h, beliefs[h]) for h in range(n)])
    name = "perfect Bayesian" if method == "pbe" else "sequential"
    if ok:
        how = " with the beliefs found" if searched else ""
        message = f"a {name} equilibrium{how} (certificate {certificate:.2g} <= tol {tol:g})"
    else:
        reasons = []
        if wrong_beliefs:
            reasons.append(
                f"the beliefs are not Bayes' rule at {_describe_sets(game, wrong_beliefs)} "
                f"(off by {belief_error:.3g})"
            )
        if inconsistent:
            whose = "the least-gain beliefs" if searched else "the beliefs"
            reasons.append(
                f"{whose} are not consistent at {_describe_sets(game, inconsistent)}"
            )
        if irrational:
            worst = max(irrational, key=lambda h: relative[h])
            what = "under any beliefs" if searched and not reached[worst] else "given the beliefs"
            reasons.append(
                f"not sequentially rational {what} at {_describe_sets(game, irrational)} "
                f"(largest gain {gains[worst]:.3g}, {relative[worst]:.3g} of the payoff range)"
            )
        message = f"not a {name} equilibrium" + "".join(f"; {r}" for r in reasons)
    if note:
        message += f"; {note}"
    return RefinementResult(
        ok=ok,
        method=method,
        assessment=Assessment(tree.profile, beliefs),
        gains=readonly(gains),
        one_shot_gains=readonly(one_shot),
        reached=readonly(reached),
        failed=failed,
        belief_error=belief_error,
        consistent=consistent,
        searched=searched,
        decided=decided,
        tremble_orders=None if trembles is None else trembles[0],
        tremble_weights=None if trembles is None else trembles[1],
        certificate=certificate,
        tol=tol,
        message=message,
        game=game,
    )


def check_sequential(
    game: ExtensiveFormGame,
    profile: Sequence[ArrayLike] | Assessment,
    beliefs: Sequence[ArrayLike] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    max_patterns: int = MAX_PATTERNS,
) -> RefinementResult:
    """Whether a behaviour profile is a sequential equilibrium (Kreps-Wilson).

    An assessment (profile, beliefs) is a *sequential equilibrium* (Kreps and
    Wilson 1982) when it is sequentially rational at every information set
    (as in :func:`check_pbe`) and *consistent*: the beliefs are the limit of
    the Bayes beliefs of a sequence of completely mixed profiles converging
    to the profile.

    Parameters
    ----------
    game : ExtensiveFormGame
        A game with perfect recall.
    profile : sequence of array_like, or Assessment
        A behaviour profile, or an :class:`Assessment` carrying the beliefs.
    beliefs : sequence of array_like, optional
        One probability vector per information set over its nodes.  If
        omitted, consistent beliefs that make the profile sequentially
        rational are searched for (see Notes).
    tol : float, default 1e-9
        A deviation gain of at most ``tol`` times the mover's payoff range
        counts as none; beliefs within ``tol`` per entry count as equal, and
        a belief of at most ``tol`` as zero.
    max_patterns : int, default 20000
        The search's limit on the number of belief-support patterns (one
        support per unreached set) it examines.

    Returns
    -------
    RefinementResult
        With ``consistent`` and, for a consistent assessment, the tremble
        orders and weights that generate its beliefs.

    Raises
    ------
    InvalidArgumentError, InvalidGameError, InvalidProfileError
        As for :func:`check_pbe`.

    Notes
    -----
    *Consistency by orders of trembles.*  Beliefs are consistent iff there
    are integer orders ``k_a >= 1`` and weights ``c_a > 0`` for the actions
    the profile does not play such that the beliefs are the limits of the
    Bayes beliefs of ``sigma_eps(a) = c_a eps**k_a`` (the profile's own
    probability, order 0, on the actions it plays).  At a set ``h`` the limit
    puts weight only on the nodes of least total order (the sum of ``k_a``
    over the unplayed actions on the path), proportional to the product of
    chance's and the actions' weights on the path.  (Necessity: given any
    sequence of completely mixed profiles, Motzkin's transposition theorem
    applied to the logarithms of its probabilities gives orders with the
    same least-order nodes, and the limit log-odds, in the closed image of a
    linear map, give the weights; sufficiency is immediate.  Streufert 2006
    proves the characterisation by such monomial sequences; integer orders
    suffice since the order conditions are homogeneous.)  The conditions
    split: the orders must solve a homogeneous system of equations and
    strict inequalities (the support of each set's beliefs is its
    least-order nodes), an integer
    program solved exactly (``scipy.optimize.milp``; real and integer
    feasibility coincide by scaling); and the log-weights must solve a
    linear system for the log-odds between groups of support nodes reached
    through different unplayed actions (nodes reached through the same ones
    have odds fixed by chance and the profile).  **Given beliefs, consistency
    is decided** this way (up to floating-point tolerances: beliefs at most
    ``tol`` count as zero, limits within ``tol`` as equal).

    *The search, without beliefs.*  At every set the profile reaches,
    consistency forces Bayes' rule.  At every unreached set, for every
    support (subset of its nodes that some perturbation reaches), a linear
    program (by cutting planes, as in :func:`check_pbe`) finds a belief
    positive exactly on the support, with the odds fixed within its groups,
    under which the profile is sequentially rational -- or shows there is
    none.  Then every combination of such supports over the unreached sets
    is tried: the integer program for orders, then the weights fitted to the
    beliefs found.  The search is a **decision procedure** when, for every
    pattern, either that linear system has full row rank (each unreached
    set's groups are told apart by unplayed actions of their own -- the usual
    case, e.g. in signalling games and Selten's horse: every belief found is
    then met exactly) or every unreached set's support has at most two
    groups (the belief is then a monotone function of one log-odds, the
    beliefs that make the set rational an interval of it, and the
    log-weights a linear feasibility problem, solved exactly).  Otherwise
    (the same unplayed actions set the odds of three or more groups at
    several sets) a failed fit is followed by a local search over the
    log-weights (Nelder-Mead on the largest gain), which is a
    **heuristic**: its failure is reported with ``decided=False``, and so is
    a failure after ``max_patterns`` patterns or at a set of more than 12
    reachable nodes (only its full support and single nodes are tried).
    A success is always verified (the beliefs found are limits of the
    reported trembles and make the profile sequentially rational).  The
    search works to half of ``tol`` (a margin for the fit of the weights),
    so a profile rational only with gains between ``tol / 2`` and ``tol``
    may be reported as failing.

    References
    ----------
    Kreps, D. M. and Wilson, R. (1982). Sequential equilibria.
    *Econometrica* 50(4), 863-894.

    Streufert, P. A. (2006). Characterizing consistency by monomials and by
    product dispersions. Research Report 2006-2, Department of Economics,
    University of Western Ontario.

    Examples
    --------
    Nature picks a state unseen by both players; player 1 stays out or goes
    in, and player 2, after "in", guesses the state.  Beliefs that put more
    weight on state L than nature does support player 2's "l", which keeps
    player 1 out: a perfect Bayesian equilibrium, but not a sequential one
    (a tremble to "in" happens in both states alike).

    >>> from kurilsim import ExtensiveFormGame, check_pbe, check_sequential
    >>> from kurilsim.games.extensive import Chance, Choice, Terminal
    >>> def state(name, l, r):
    ...     return Choice("1", "one", [
    ...         ("out", Terminal((1, 0))),
    ...         ("in", Choice("2", "two", [("l", Terminal(l)), ("r", Terminal(r))]))])
    >>> game = ExtensiveFormGame(Chance([
    ...     ("L", 0.5, state("L", (0, 2), (2, 0))),
    ...     ("R", 0.5, state("R", (0, 0), (2, 3)))]), players=["1", "2"])
    >>> profile = [[1, 0], [1, 0]]
    >>> check_pbe(game, profile).ok, check_sequential(game, profile).ok
    (True, False)
    >>> check_sequential(game, [[0, 1], [0, 1]]).ok
    True
    """
    game, tree, given, tol = _prepare(game, profile, beliefs, tol)
    max_patterns = check_int(max_patterns, "max_patterns", low=1)
    trembles = _Trembles(tree)
    if given is not None:
        return _check_consistent(tree, trembles, given, tol)
    return _search_sequential(tree, trembles, tol, max_patterns)


def _positions(game: ExtensiveFormGame, h: int) -> dict[int, int]:
    return {x: k for k, x in enumerate(game.infosets[h].nodes)}


def _tremble_arrays(
    tree: _Tree, trembles: _Trembles, orders: NDArray[np.int64], log_eta: NDArray[np.float64]
) -> tuple[tuple[NDArray[np.intp], ...], tuple[NDArray[np.float64], ...]]:
    order_arrays = [np.zeros(len(s), dtype=np.intp) for s in tree.profile]
    weight_arrays = [np.array(s, dtype=np.float64) for s in tree.profile]
    for k, (h, a) in enumerate(trembles.unplayed):
        order_arrays[h][a] = int(orders[k])
        weight_arrays[h][a] = float(np.exp(log_eta[k]))
    return (
        tuple(readonly(a) for a in order_arrays),
        tuple(readonly(w) for w in weight_arrays),
    )


_Pattern = dict[int, tuple[tuple[int, ...], tuple[int, ...]]]


def _first_infeasible(trembles: _Trembles, pattern: _Pattern) -> int:
    """The first set (in order) whose support makes the orders infeasible."""
    partial: _Pattern = {}
    for h in sorted(pattern):
        partial[h] = pattern[h]
        if trembles.orders(partial) is None:
            return h
    return min(pattern)  # pragma: no cover - only called when infeasible


def _consistency(
    tree: _Tree, trembles: _Trembles, beliefs: Beliefs, tol: float
) -> tuple[
    list[int], tuple[tuple[NDArray[np.intp], ...], tuple[NDArray[np.float64], ...]] | None
]:
    """Decide whether ``beliefs`` are consistent off the path: the
    unreached sets where they are not (empty if they are), and the trembles
    that generate them if they are.  (The sets the profile reaches impose
    nothing on the trembles: their nodes of positive probability involve no
    unplayed action, all others at least one.  There consistency is Bayes'
    rule, which the callers check.)"""
    game = tree.game
    inconsistent: list[int] = []
    pattern: _Pattern = {}
    targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]] = {}
    for h in range(game.n_infosets):
        belief = beliefs[h]
        nodes = game.infosets[h].nodes
        if tree.bayes(h) is not None:
            continue  # on the path, consistency is Bayes' rule (checked apart)
        if not any(trembles.reachable[x] for x in nodes):
            continue  # no perturbation reaches the set: any beliefs
        support = tuple(x for x, m in zip(nodes, belief, strict=True) if m > tol)
        if not support or any(not trembles.reachable[x] for x in support):
            inconsistent.append(h)
            continue
        others = tuple(x for x in nodes if trembles.reachable[x] and x not in support)
        pattern[h] = (support, others)
        position = _positions(game, h)
        targets[h] = (support, belief[[position[x] for x in support]])
    if inconsistent:
        return inconsistent, None
    orders = trembles.orders(pattern)
    if orders is None:
        return [_first_infeasible(trembles, pattern)], None
    log_eta, limits, _ = trembles.fit(targets)
    for h, (_, target) in targets.items():
        if float(np.abs(limits[h] - target).max()) > tol:
            inconsistent.append(h)
    if inconsistent:
        return inconsistent, None
    return [], _tremble_arrays(tree, trembles, orders, log_eta)


def _check_consistent(
    tree: _Tree, trembles: _Trembles, given: Beliefs, tol: float
) -> RefinementResult:
    """:func:`check_sequential` with beliefs: decide consistency, then check."""
    game = tree.game
    n = game.n_infosets
    reached = np.zeros(n, dtype=bool)
    gains = np.zeros(n)
    belief_error = 0.0
    wrong: list[int] = []
    for h in range(n):
        bayes = tree.bayes(h)
        reached[h] = bayes is not None
        if bayes is not None:
            error = float(np.abs(given[h] - bayes).max())
            belief_error = max(belief_error, error)
            if error > tol:
                wrong.append(h)
        gains[h] = tree.gain(h, given[h])[0]
    inconsistent, trembles_found = _consistency(tree, trembles, given, tol)
    if wrong:  # off Bayes' rule on the path: not consistent either
        trembles_found = None
    note = (
        "consistency decided exactly (tremble orders by integer program, "
        "weights by least squares)"
    )
    return _result(
        "sequential", tree, given, gains, reached, tol,
        belief_error=belief_error, wrong_beliefs=wrong,
        consistent=not inconsistent and not wrong,
        searched=False, decided=True, trembles=trembles_found, note=note,
        inconsistent=sorted(set(inconsistent)),
    )


def _search_sequential(
    tree: _Tree, trembles: _Trembles, tol: float, max_patterns: int
) -> RefinementResult:
    """:func:`check_sequential` without beliefs: search consistent ones."""
    game = tree.game
    n = game.n_infosets
    reached = np.zeros(n, dtype=bool)
    gains = np.zeros(n)
    used: list[NDArray[np.float64]] = [np.zeros(0)] * n
    pattern: _Pattern = {}
    unreached: list[int] = []
    for h in range(n):
        nodes = game.infosets[h].nodes
        bayes = tree.bayes(h)
        live = np.array([bool(trembles.reachable[x]) for x in nodes])
        if bayes is not None:
            reached[h] = True
            used[h] = bayes
            gains[h] = tree.gain(h, bayes)[0]
        else:
            # the beliefs reported if the search fails: the PBE ones on the
            # nodes some perturbation reaches
            used[h], gains[h] = _min_max_belief(tree, h, live if live.any() else ~live)
            if live.any():
                unreached.append(h)
    scales = np.array([tree.scale(h) for h in range(n)])

    def fail(note: str, decided: bool) -> RefinementResult:
        beliefs = tuple(used)
        inconsistent, found = _consistency(tree, trembles, beliefs, tol)
        return _result(
            "sequential", tree, beliefs, gains, reached, tol,
            belief_error=0.0, wrong_beliefs=(), consistent=not inconsistent,
            searched=True, decided=decided, trembles=found, note=note,
            inconsistent=sorted(inconsistent), found=False,
        )

    if any(gains[h] > tol * scales[h] for h in range(n) if reached[h]):
        return fail("consistency forces Bayes' rule on the path (decided)", True)
    limited = False
    viable: list[list[tuple[tuple[int, ...], NDArray[np.float64]]]] = []
    for h in unreached:
        nodes = game.infosets[h].nodes
        position = _positions(game, h)
        live_nodes = [x for x in nodes if trembles.reachable[x]]
        if len(live_nodes) > _MAX_SUPPORT_NODES:
            limited = True
            supports: list[tuple[int, ...]] = [tuple(live_nodes)] + [(x,) for x in live_nodes]
        else:
            supports = [
                combo
                for size in range(len(live_nodes), 0, -1)
                for combo in itertools.combinations(live_nodes, size)
            ]
        options = []
        for support in supports:
            forced = [
                (position[x], position[group[0]],
                 math.exp(float(trembles.log_weight[x] - trembles.log_weight[group[0]])))
                for group in trembles.classes(support)
                for x in group[1:]
            ]
            # half the tolerance: a margin for the fit of the weights below
            belief = _interior_belief(
                tree, h, [position[x] for x in support], forced, tol / 2
            )
            if belief is not None:
                options.append((support, belief))
        if not options:
            return fail(
                "no belief consistent with the profile's odds makes "
                f"{_describe_sets(game, [h])} sequentially rational"
                + ("" if limited else " (decided)"),
                not limited,
            )
        viable.append(options)
    heuristic_failed = False
    capped = False
    for count, combo in enumerate(itertools.product(*viable)):
        if count >= max_patterns:
            capped = True
            break
        full_pattern = dict(pattern)
        targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]] = {}
        for h, (support, belief) in zip(unreached, combo, strict=True):
            nodes = game.infosets[h].nodes
            others = tuple(
                x for x in nodes if trembles.reachable[x] and x not in support
            )
            full_pattern[h] = (support, others)
            position = _positions(game, h)
            targets[h] = (support, belief[[position[x] for x in support]])
        orders = trembles.orders(full_pattern)
        if orders is None:
            continue
        log_eta, _, full_rank = trembles.fit(targets)
        found = _rational_limits(tree, trembles, targets, log_eta, tol)
        if found is None and not full_rank and len(trembles.unplayed):
            if all(len(trembles.classes(t[0])) <= 2 for t in targets.values()):
                found = _two_group_search(tree, trembles, targets, tol)
            else:
                found = _local_search(tree, trembles, targets, log_eta, tol)
                if found is None:
                    heuristic_failed = True
        if found is not None:
            log_eta, beliefs_found, unreached_gains = found
            for h in unreached:
                used[h] = beliefs_found[h]
                gains[h] = unreached_gains[h]
            return _result(
                "sequential", tree, tuple(used), gains, reached, tol,
                belief_error=0.0, wrong_beliefs=(), consistent=True, searched=True,
                decided=True, trembles=_tremble_arrays(tree, trembles, orders, log_eta),
                note="consistent beliefs found by the search",
            )
    if capped or heuristic_failed or limited:
        why = (
            f"stopped after max_patterns={max_patterns} support patterns" if capped
            else "a rank-deficient weight fit needed the heuristic local search"
            if heuristic_failed
            else f"a set has more than {_MAX_SUPPORT_NODES} nodes"
        )
        return fail(f"no consistent beliefs found; the search is inconclusive ({why})",
                    False)
    return fail(
        "no consistent beliefs make the profile sequentially rational "
        "(decided: every support pattern examined)", True,
    )


def _full_beliefs(
    game: ExtensiveFormGame,
    targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]],
    limits: dict[int, NDArray[np.float64]],
) -> dict[int, NDArray[np.float64]]:
    out = {}
    for h, (support, _) in targets.items():
        position = _positions(game, h)
        belief = np.zeros(len(game.infosets[h].nodes))
        belief[[position[x] for x in support]] = limits[h]
        out[h] = belief
    return out


def _rational_limits(
    tree: _Tree,
    trembles: _Trembles,
    targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]],
    log_eta: NDArray[np.float64],
    tol: float,
) -> tuple[NDArray[np.float64], dict[int, NDArray[np.float64]], dict[int, float]] | None:
    """The limit beliefs of ``log_eta`` and their gains, if all are within tol."""
    beliefs = _full_beliefs(tree.game, targets, trembles.limits(targets, log_eta))
    gains = {h: tree.gain(h, b)[0] for h, b in beliefs.items()}
    if all(g <= tol * tree.scale(h) for h, g in gains.items()):
        return log_eta, beliefs, gains
    return None


def _local_search(
    tree: _Tree,
    trembles: _Trembles,
    targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]],
    start: NDArray[np.float64],
    tol: float,
) -> tuple[NDArray[np.float64], dict[int, NDArray[np.float64]], dict[int, float]] | None:
    """Nelder-Mead over the log tremble weights on the largest relative gain
    (the heuristic step of the search; deterministic)."""

    def worst(log_eta: NDArray[np.float64]) -> float:
        beliefs = _full_beliefs(tree.game, targets, trembles.limits(targets, log_eta))
        return max(tree.gain(h, b)[0] / tree.scale(h) for h, b in beliefs.items())

    result = minimize(
        worst, start, method="Nelder-Mead",
        options={"maxiter": 200 * (len(start) + 1), "xatol": 1e-10, "fatol": 0.0},
    )
    return _rational_limits(tree, trembles, targets, np.asarray(result.x), tol)


def _two_group_search(
    tree: _Tree,
    trembles: _Trembles,
    targets: dict[int, tuple[tuple[int, ...], NDArray[np.float64]]],
    tol: float,
) -> tuple[NDArray[np.float64], dict[int, NDArray[np.float64]], dict[int, float]] | None:
    """Log tremble weights making every set rational, when each support has
    at most two groups (exact).

    With two groups the belief is a monotone function of one log-odds
    ``(n_1 - n_0) @ log_eta`` (``n_g`` the group's unplayed actions), and the
    beliefs under which the profile is rational at the set form an interval
    of that log-odds (a linear program per end); so the log-weights solve a
    linear feasibility problem.
    """
    game = tree.game
    rows: list[NDArray[np.float64]] = []
    lows: list[float] = []
    highs: list[float] = []
    for h, (support, _) in targets.items():
        groups = trembles.classes(support)
        if len(groups) < 2:
            continue
        position = _positions(game, h)
        forced = [
            (position[x], position[group[0]],
             math.exp(float(trembles.log_weight[x] - trembles.log_weight[group[0]])))
            for group in groups
            for x in group[1:]
        ]
        share = np.zeros(len(game.infosets[h].nodes))
        share[[position[x] for x in groups[1]]] = 1.0
        ends = []
        for sign in (1.0, -1.0):  # the least and the largest share of group 1
            belief = _interior_belief(
                tree, h, [position[x] for x in support], forced, tol / 4, sign * share
            )
            if belief is None:
                return None
            ends.append(float(share @ belief))
        base = _logsumexp(trembles.log_weight[groups[1]]) - _logsumexp(
            trembles.log_weight[groups[0]]
        )
        low, high = ends
        # the interval of log-odds (open where the share reaches 0 or 1)
        lows.append(-np.inf if low <= 0.0 else math.log(low / (1.0 - low)) - base)
        highs.append(np.inf if high >= 1.0 else math.log(high / (1.0 - high)) - base)
        if lows[-1] > highs[-1]:
            return None
        rows.append(
            (trembles.counts[groups[1][0]] - trembles.counts[groups[0][0]]).astype(float)
        )
    n_vars = len(trembles.unplayed)
    if not rows:
        return _rational_limits(tree, trembles, targets, np.zeros(n_vars), tol)
    matrix = np.array(rows)
    finite_low = np.isfinite(lows)
    finite_high = np.isfinite(highs)
    a_ub = np.vstack([-matrix[finite_low], matrix[finite_high]])
    b_ub = np.concatenate([-np.array(lows)[finite_low], np.array(highs)[finite_high]])
    if not len(b_ub):
        return _rational_limits(tree, trembles, targets, np.zeros(n_vars), tol)
    # the centre of the feasible log-odds: maximise the slack r
    a_ub = np.hstack([a_ub, np.ones((len(b_ub), 1))])
    c = np.zeros(n_vars + 1)
    c[-1] = -1.0
    solution = solve_lp(
        c, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * n_vars + [(0.0, 1.0)]
    )
    if solution is None:
        return None
    return _rational_limits(tree, trembles, targets, solution[:n_vars], tol)
