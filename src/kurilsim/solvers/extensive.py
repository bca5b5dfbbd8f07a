"""Nash equilibria of extensive-form games, in behaviour strategies.

:func:`solve_extensive` (which :func:`kurilsim.solve_nash` calls for an
:class:`~kurilsim.ExtensiveFormGame`) runs one of the methods of
:data:`EXTENSIVE_METHODS` and certifies every equilibrium it returns on the
tree: the profile's regret (:meth:`ExtensiveFormGame.regret`, each player's
largest gain from any strategy deviation, computed by backward induction
over her information sets) divided by her payoff range must be at most
``tol``.

* ``"lcp"`` (two players, perfect recall): one equilibrium from the sequence
  form by Lemke's algorithm (:func:`~kurilsim.solvers.sequence_form.sequence_form_lcp`),
  in time polynomial in the tree; the reduced strategic form is never built.
* ``"vertex"`` (two players): every extreme equilibrium of the reduced
  strategic form, by the normal-form ``"vertex"`` engine, each mapped to
  behaviour strategies (Kuhn 1953) and deduplicated as behaviour profiles.
* ``"enumerate"`` (any number of players): the same with the normal-form
  ``"enumerate"`` engine (two-player games go to ``"vertex"``).
* ``"logit"`` (any number of players): the limit of the principal branch of
  agent logit quantal response equilibria (McKelvey and Palfrey 1998), traced
  from the centroid by predictor-corrector continuation.
* ``"auto"``: ``"lcp"`` for two players with perfect recall, ``"logit"``
  otherwise; with ``all_equilibria=True``, ``"vertex"`` or ``"enumerate"``.

Without perfect recall only ``"logit"`` applies (the sequence form and
Kuhn's theorem need perfect recall); such a game may have no equilibrium in
behaviour strategies at all (Wichardt 2008), and the tracer then fails with
:class:`~kurilsim.SolverError`.

References
----------
.. [KMvS96] D. Koller, N. Megiddo and B. von Stengel, "Efficient computation
   of equilibria for extensive two-person games", *Games and Economic
   Behavior* 14(2):247-259, 1996.
.. [Kuhn53] H. W. Kuhn, "Extensive games and the problem of information", in
   *Contributions to the Theory of Games II*, Annals of Mathematics Studies
   28, Princeton University Press, 1953, pp. 193-216.
.. [MP98] R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for
   extensive form games", *Experimental Economics* 1(1):9-41, 1998.
.. [Wic08] P. C. Wichardt, "Existence of Nash equilibria in finite extensive
   form games with imperfect recall: a counterexample", *Games and Economic
   Behavior* 63(1):366-369, 2008.
.. [Tur05] T. L. Turocy, "A dynamic homotopy interpretation of the logistic
   quantal response equilibrium correspondence", *Games and Economic
   Behavior* 51(2):243-263, 2005.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kurilsim._checks import finite_real
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidGameError,
    ProblemTooLargeError,
    SolverError,
    UnusedOptionWarning,
)
from kurilsim.games.extensive import (
    CHANCE,
    DECISION,
    BehaviourProfile,
    ExtensiveFormGame,
)
from kurilsim.games.normal_form import DEFAULT_TOL
from kurilsim.solvers.logit import _LogitSystem, _Tracer
from kurilsim.solvers.nash import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_WORK,
    MIN_TOL,
    solve_nash,
)
from kurilsim.solvers.sequence_form import sequence_form_lcp

__all__ = [
    "EXTENSIVE_METHODS",
    "BehaviourEquilibrium",
    "ExtensiveNashResult",
    "agent_logit_kernel",
    "solve_extensive",
]

Vector = NDArray[np.float64]

#: The methods of :func:`solve_extensive` (and of :func:`kurilsim.solve_nash`
#: on an :class:`~kurilsim.ExtensiveFormGame`), with what they find.
EXTENSIVE_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "auto": "'lcp' for two players with perfect recall, 'logit' otherwise "
        "('vertex' / 'enumerate' with all_equilibria=True)",
        "lcp": "two players, perfect recall: one equilibrium from the sequence form "
        "by Lemke's algorithm",
        "vertex": "two players: every extreme equilibrium of the reduced strategic "
        "form, in behaviour strategies",
        "enumerate": "any number of players: every equilibrium of a generic reduced "
        "strategic form, in behaviour strategies",
        "logit": "any number of players: one equilibrium, the limit of the agent "
        "logit QRE branch",
    }
)

#: Profiles closer than this (largest entry difference) are one equilibrium.
_DEDUPE_ATOL = 1e-9
#: The agent logit tracer stops (SolverError) after this many steps.
_LOGIT_MAX_STEPS = 20_000
#: ... or beyond this precision (times the largest payoff range).
_LOGIT_MAX_NU = 1e14
#: The agent logit solver first tries its profile with the probabilities
#: below this dropped (they vanish in the limit of the branch).
_SNAP = 1e-6
#: Complex-step size of the Jacobian of the action values.
_COMPLEX_STEP = 1e-30


@dataclass(frozen=True, slots=True, eq=False)
class BehaviourEquilibrium:
    """A certified Nash equilibrium in behaviour strategies.

    Attributes
    ----------
    profile : tuple of ndarray
        One read-only probability vector per information set of the game
        (``game.infosets``), over that set's actions.
    payoffs : ndarray
        Each player's expected payoff.
    regret : float
        The largest gain any player gets from deviating to any strategy, in
        payoff units (solvers return only profiles in which player ``i``
        gains at most ``tol * game.payoff_ranges[i]``).
    """

    profile: BehaviourProfile
    _: KW_ONLY
    payoffs: Vector
    regret: float

    @property
    def is_pure(self) -> bool:
        """Whether every information set has one action with probability one."""
        return all(np.count_nonzero(p) == 1 for p in self.profile)

    def isclose(self, other: BehaviourEquilibrium | BehaviourProfile, *, atol: float = 1e-7) -> bool:
        """Whether ``other`` has the same behaviour probabilities up to ``atol``."""
        theirs = other.profile if isinstance(other, BehaviourEquilibrium) else other
        return len(theirs) == len(self.profile) and all(
            np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=0.0, atol=atol)
            for a, b in zip(self.profile, theirs, strict=True)
        )

    def __repr__(self) -> str:
        sets = ", ".join(
            np.array2string(p, precision=4, separator=", ") for p in self.profile
        )
        payoffs = np.array2string(self.payoffs, precision=4, separator=", ")
        return f"BehaviourEquilibrium(({sets}), payoffs={payoffs}, regret={self.regret:.2g})"


@dataclass(frozen=True, slots=True)
class ExtensiveNashResult:
    """What :func:`solve_extensive` found, and how.

    Follows the result contract of :class:`~kurilsim.solvers.results.SolverResult`.

    Attributes
    ----------
    equilibria : tuple of BehaviourEquilibrium
        The certified equilibria, without duplicates.
    method : str
        The method that ran (``"auto"`` resolved).
    tol : float
        Player ``i`` gains at most ``tol * game.payoff_ranges[i]`` by deviating.
    certificate : float
        The largest regret over the equilibria and players, each divided by the
        player's payoff range (0.0 if there is no equilibrium): ``<= tol``.
    message : str
        A one-line account of the run.
    complete : bool
        Whether ``equilibria`` holds everything the method promises (every
        extreme equilibrium of the reduced strategic form for ``"vertex"``).
    game : ExtensiveFormGame
        The game solved.
    n_candidates, n_rejected : int
        Candidates examined, and those that failed certification.
    """

    equilibria: tuple[BehaviourEquilibrium, ...]
    _: KW_ONLY
    method: str
    tol: float
    certificate: float
    message: str
    complete: bool
    game: ExtensiveFormGame
    n_candidates: int = 0
    n_rejected: int = 0

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Iterator[BehaviourEquilibrium]:
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> BehaviourEquilibrium:
        return self.equilibria[index]

    @property
    def max_regret(self) -> float:
        """The largest regret among the equilibria, in payoff units (0.0 if none)."""
        return float(max((e.regret for e in self.equilibria), default=0.0))

    def __repr__(self) -> str:
        lines = [
            (
                f"ExtensiveNashResult(method={self.method!r}, {len(self.equilibria)} "
                f"equilibria, complete={self.complete}, certificate={self.certificate:.2g})"
            )
        ]
        lines += [f"  {eq!r}" for eq in self.equilibria]
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


# ------------------------------------------------------------ certification
def _frozen(array: NDArray[Any]) -> Vector:
    out = np.array(array, dtype=np.float64)
    out.flags.writeable = False
    return out


def _clean(
    game: ExtensiveFormGame, profile: BehaviourProfile, cut: float = 1e-12
) -> BehaviourProfile:
    """Probabilities at most ``cut`` set to zero, each set's vector renormalised."""
    out = []
    for vector in profile:
        v = np.where(np.asarray(vector, dtype=np.float64) > cut, vector, 0.0)
        total = float(v.sum())
        out.append(v / total if total > 0 else np.full(len(v), 1.0 / len(v)))
    return tuple(out)


def _relative(game: ExtensiveFormGame, regret: Vector) -> Vector:
    ranges = np.asarray(game.payoff_ranges, dtype=np.float64)
    moving = ranges > 0
    out = np.zeros_like(regret)
    out[moving] = regret[moving] / ranges[moving]
    return out


def _certify(
    game: ExtensiveFormGame, candidates: list[BehaviourProfile], tol: float
) -> tuple[tuple[BehaviourEquilibrium, ...], int, float]:
    """Keep the certified, distinct candidates; ``(kept, n_rejected, certificate)``."""
    kept: list[BehaviourEquilibrium] = []
    flats: list[Vector] = []
    rejected = 0
    certificate = 0.0
    for candidate in candidates:
        profile = _clean(game, candidate)
        regret = np.asarray(game.regret(profile), dtype=np.float64)
        relative = _relative(game, regret)
        if not np.all(relative <= tol):  # NaN fails
            rejected += 1
            continue
        flat = np.concatenate(profile) if profile else np.zeros(0)
        if any(np.abs(flat - f).max(initial=0.0) <= _DEDUPE_ATOL for f in flats):
            continue
        flats.append(flat)
        certificate = max(certificate, float(relative.max(initial=0.0)))
        kept.append(
            BehaviourEquilibrium(
                tuple(_frozen(p) for p in profile),
                payoffs=_frozen(game.expected_payoffs(profile)),
                regret=float(regret.max(initial=0.0)),
            )
        )
    return tuple(kept), rejected, certificate


# ------------------------------------------------------------------ methods
@dataclass(frozen=True, slots=True)
class _Found:
    candidates: list[BehaviourProfile]
    complete: bool
    summary: Callable[[int], str]
    single: bool  # one candidate: its failure is an error


def _need_two(game: ExtensiveFormGame, method: str) -> None:
    if game.n_players != 2:
        raise InvalidGameError(
            f"method {method!r} needs a two-player game; this game has "
            f"{game.n_players} players (use 'enumerate' or 'logit')"
        )


def _lcp(game: ExtensiveFormGame, options: dict[str, Any]) -> _Found:
    _need_two(game, "lcp")
    if not game.perfect_recall:
        raise InvalidGameError(
            "method 'lcp' needs perfect recall (the sequence form); this game "
            f"violates it: {'; '.join(game.recall_violations()[:2])}"
        )
    form = game.sequence_form()
    (E, e), (F, f) = form.constraints
    A, B = cast(tuple[Vector, Vector], form.payoffs)
    n = int(A.shape[0] + A.shape[1])
    memory = 8.0 * n * (2 * n + 2) * 3
    if memory > options["max_memory"]:
        raise ProblemTooLargeError(
            f"method 'lcp' on this game ({n} sequences) may need about {memory:.2g} "
            f"bytes for its tableau, above max_memory={options['max_memory']:.3g}"
        )
    solution = sequence_form_lcp(
        A, B, E, e, F, f, exact=options["exact"], max_pivots=options["max_pivots"]
    )
    x = np.asarray(solution.x, dtype=np.float64)
    y = np.asarray(solution.y, dtype=np.float64)
    profile = game.behaviour_from_realisation([x, y])
    pivots = solution.n_pivots
    how = "rational" if solution.exact else "floating-point"
    return _Found(
        [profile],
        complete=False,
        summary=lambda k: (
            f"one equilibrium from the sequence form ({n} sequences) by Lemke's "
            f"algorithm, {pivots} pivots in {how} arithmetic"
        ),
        single=True,
    )


def _strategic(game: ExtensiveFormGame, options: dict[str, Any], method: str) -> _Found:
    if method == "vertex":
        _need_two(game, "vertex")
    if not game.perfect_recall:
        raise InvalidGameError(
            f"method {method!r} maps mixed strategies to behaviour strategies, "
            "which needs perfect recall; this game violates it: "
            f"{'; '.join(game.recall_violations()[:2])}"
        )
    rsf = game.reduced_strategic_form()
    result = solve_nash(
        rsf,
        method,
        tol=options["tol"],
        exact=options["exact"],
        max_memory=options["max_memory"],
        max_work=options["max_work"],
    )
    candidates = [
        game.behaviour_from_mixed([np.asarray(s, dtype=np.float64) for s in eq.strategies])
        for eq in result.equilibria
    ]
    shape = "x".join(map(str, rsf.shape))
    ran = result.method
    count = len(result.equilibria)
    return _Found(
        candidates,
        complete=result.complete,
        summary=lambda k: (
            f"{k} behaviour equilibri{'um' if k == 1 else 'a'} from {count} "
            f"equilibri{'um' if count == 1 else 'a'} of the {shape} reduced "
            f"strategic form (method {ran!r})"
        ),
        single=False,
    )


def _logit(game: ExtensiveFormGame, options: dict[str, Any]) -> _Found:
    size = sum(s.n_actions for s in game.infosets)
    # the batched complex-step pass: node values of every player per action
    memory = 16.0 * game.n_nodes * (game.n_players + 3) * size
    if memory > options["max_memory"]:
        raise ProblemTooLargeError(
            f"method 'logit' on this game ({game.n_nodes} nodes, {size} actions) "
            f"may need about {memory:.2g} bytes for its Jacobians, above "
            f"max_memory={options['max_memory']:.3g}"
        )
    profile, info = agent_logit_kernel(game, tol=options["tol"])
    return _Found(
        [profile],
        complete=False,
        summary=lambda k: (
            f"one equilibrium at the end of the agent logit QRE branch (lambda="
            f"{info['lam']:.6g}, {info['steps']} steps)"
        ),
        single=True,
    )


_KERNELS: Mapping[str, Callable[[ExtensiveFormGame, dict[str, Any]], _Found]] = (
    MappingProxyType(
        {
            "lcp": _lcp,
            "vertex": lambda g, o: _strategic(g, o, "vertex"),
            "enumerate": lambda g, o: _strategic(g, o, "enumerate"),
            "logit": _logit,
        }
    )
)


def _choose(game: ExtensiveFormGame, method: str, all_equilibria: bool) -> str:
    if method != "auto":
        if method == "enumerate" and game.n_players == 2:
            return "vertex"
        return method
    if all_equilibria:
        return "vertex" if game.n_players == 2 else "enumerate"
    return "lcp" if game.n_players == 2 and game.perfect_recall else "logit"


def solve_extensive(
    game: ExtensiveFormGame,
    method: str = "auto",
    *,
    tol: float = DEFAULT_TOL,
    exact: bool = False,
    all_equilibria: bool = False,
    initial_label: int | None = None,
    max_pivots: int | None = None,
    max_memory: float = DEFAULT_MAX_MEMORY,
    max_work: float = DEFAULT_MAX_WORK,
) -> ExtensiveNashResult:
    """Nash equilibria of an extensive-form game, in behaviour strategies.

    Parameters
    ----------
    game : ExtensiveFormGame
        The game.
    method : str, default "auto"
        One of :data:`EXTENSIVE_METHODS`: ``"lcp"``, ``"vertex"``,
        ``"enumerate"``, ``"logit"`` or ``"auto"`` (see the module docstring).
    tol : float, default 1e-9
        Relative tolerance in ``[MIN_TOL, 1)``: every equilibrium returned has
        ``regret[i] <= tol * game.payoff_ranges[i]`` for each player.
    exact : bool, default False
        ``"lcp"``: follow Lemke's path in rational arithmetic;
        ``"vertex"``: solve the reduced strategic form exactly.  The
        behaviour profiles are floats either way (and certified as such).
    all_equilibria : bool, default False
        For ``"auto"``: choose a method that finds every (extreme)
        equilibrium of the reduced strategic form.
    initial_label : None
        Not used by any extensive-form method (warns if given).
    max_pivots : int, optional
        ``"lcp"`` only: the pivot limit (default 1,000,000).
    max_memory, max_work : float
        Budgets, passed to the normal-form engine for ``"vertex"`` and
        ``"enumerate"``; ``"lcp"`` (its dense tableau, about ``24 n (2n + 2)``
        bytes for ``n`` sequences) and ``"logit"`` (its batched Jacobian
        pass) check their memory against ``max_memory`` before running.
        The number of pivots of ``"lcp"`` is bounded by ``max_pivots``
        instead of ``max_work``.

    Returns
    -------
    ExtensiveNashResult

    Raises
    ------
    InvalidArgumentError
        An unknown method or an invalid option.
    InvalidGameError
        A two-player method on another number of players; ``"lcp"``,
        ``"vertex"`` or ``"enumerate"`` on a game without perfect recall.
    ProblemTooLargeError
        The reduced strategic form or a method's estimate exceeds the budgets.
    SolverError
        ``"lcp"`` or ``"logit"`` end on a profile that fails certification, the
        logit tracer fails, or an exhaustive method finds no equilibrium.

    Examples
    --------
    Player 2 does not see player 1's move (a battle of the sexes in extensive
    form): ``"lcp"`` finds one equilibrium, ``"vertex"`` all three.

    >>> from kurilsim import ExtensiveFormGame, solve_nash
    >>> from kurilsim.games.extensive import Choice, Terminal
    >>> def two(left, right):
    ...     return Choice("B", "b", [("l", Terminal(left)), ("r", Terminal(right))])
    >>> game = ExtensiveFormGame(
    ...     Choice("A", "a", [("U", two((3, 1), (0, 0))), ("D", two((0, 0), (1, 3)))]),
    ...     players=["A", "B"])
    >>> result = solve_nash(game, "lcp")
    >>> result.method, result.equilibria[0].profile
    ('lcp', (array([1., 0.]), array([1., 0.])))
    >>> [eq.payoffs.tolist() for eq in solve_nash(game, "vertex")]
    [[3.0, 1.0], [0.75, 0.75], [1.0, 3.0]]
    """
    if not isinstance(game, ExtensiveFormGame):
        raise InvalidGameError(
            f"solve_extensive expects an ExtensiveFormGame, got {type(game).__name__}"
        )
    if not isinstance(method, str) or method not in EXTENSIVE_METHODS:
        raise InvalidArgumentError(
            f"method for an extensive-form game must be one of "
            f"{sorted(EXTENSIVE_METHODS)}, got {method!r:.80}"
        )
    checked = finite_real(tol)
    if checked is None or not MIN_TOL <= checked < 1:
        raise InvalidArgumentError(
            f"tol must be a number in [{MIN_TOL:g}, 1), got {tol!r:.80}"
        )
    for name, flag in (("exact", exact), ("all_equilibria", all_equilibria)):
        if not isinstance(flag, bool | np.bool_):
            raise InvalidArgumentError(f"{name} must be True or False, got {flag!r:.80}")
    for name, budget in (("max_memory", max_memory), ("max_work", max_work)):
        if (
            isinstance(budget, bool | np.bool_)
            or not isinstance(budget, numbers.Real)
            or not float(budget) > 0
        ):
            raise InvalidArgumentError(f"{name} must be a positive number, got {budget!r:.80}")
    chosen = _choose(game, method, bool(all_equilibria))
    if initial_label is not None:
        warnings.warn(
            f"option initial_label={initial_label!r:.40} is not used by the "
            "extensive-form methods and is ignored",
            UnusedOptionWarning,
            stacklevel=2,
        )
    if max_pivots is not None:
        if chosen != "lcp":
            warnings.warn(
                f"option max_pivots={max_pivots!r:.40} is not used by method "
                f"{chosen!r} and is ignored; it applies only to method 'lcp'",
                UnusedOptionWarning,
                stacklevel=2,
            )
        elif (
            isinstance(max_pivots, bool | np.bool_)
            or not isinstance(max_pivots, numbers.Integral)
            or max_pivots < 1
        ):
            raise InvalidArgumentError(
                f"max_pivots must be a positive integer, got {max_pivots!r:.40}"
            )
    if exact and chosen not in ("lcp", "vertex"):
        raise InvalidArgumentError(
            f"exact=True supports methods 'lcp' and 'vertex' for extensive games, "
            f"got {chosen!r}"
        )
    options: dict[str, Any] = {
        "tol": float(checked),
        "exact": bool(exact),
        "max_pivots": 1_000_000 if max_pivots is None else int(max_pivots),
        "max_memory": float(max_memory),
        "max_work": float(max_work),
    }
    found = _KERNELS[chosen](game, options)
    equilibria, rejected, certificate = _certify(game, found.candidates, float(checked))
    if found.single and not equilibria:
        regret = _relative(
            game, np.asarray(game.regret(_clean(game, found.candidates[0])))
        ).max(initial=0.0)
        raise SolverError(
            f"method {chosen!r} ended on a profile with relative regret "
            f"{regret:.3g} > tol={float(checked):g}"
        )
    if not found.single and found.complete and not equilibria:
        raise SolverError(
            f"method {chosen!r} found no certified equilibrium ({len(found.candidates)} "
            f"candidates rejected at tol={float(checked):g}), but every finite game has "
            "one: try a larger tol"
        )
    return ExtensiveNashResult(
        equilibria,
        method=chosen,
        tol=float(checked),
        certificate=certificate,
        message=found.summary(len(equilibria)),
        complete=found.complete,
        game=game,
        n_candidates=len(found.candidates),
        n_rejected=rejected,
    )


# ============================================================ agent logit QRE
class _AgentSystem:
    """The agent logit homotopy of a tree, for the continuation of ``logit``.

    Unknowns: the log-probabilities ``w`` of every action of every
    information set (``M`` in all) and ``nu`` (the precision times the
    largest payoff range).  Each player's payoffs are mapped onto ``[0, 1]``.
    Equations, per set ``h`` with reference action 0::

        sum_a exp(w_ha) - 1 = 0
        w_ha - w_h0 - nu (v_ha(sigma) - v_h0(sigma)) = 0,   a >= 1

    where ``v_ha`` is the mover's expected payoff of action ``a``
    conditional on reaching ``h`` (beliefs by Bayes' rule: ``sigma`` is
    interior).  The Jacobian of ``v`` is computed by complex-step
    differentiation (exact to rounding: ``v`` is a rational function of the
    probabilities) in one batched pass over the tree.  It offers the
    interface of the normal-form system that the continuation
    (``logit._Tracer``) uses: ``size``, ``scale`` and ``evaluate``.
    """

    def __init__(self, game: ExtensiveFormGame) -> None:
        self.game = game
        sets = game.infosets
        sizes = np.array([s.n_actions for s in sets], dtype=np.intp)
        self.size = M = int(sizes.sum())
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self.owner_set = np.repeat(np.arange(len(sets)), sizes)
        ref = self.starts[self.owner_set]
        self.rows = np.flatnonzero(np.arange(M) != ref)
        self.refs = ref[self.rows]
        ranges = np.asarray(game.payoff_ranges, dtype=np.float64)
        self.scale = float(ranges.max()) if ranges.size and ranges.max() > 0 else 1.0
        low = game.terminal_payoffs.min(axis=0)
        units = np.where(ranges > 0, ranges, 1.0)
        self.payoffs = (game.terminal_payoffs - low) / units
        # the edge into each node: an index into [sigma (M), chance, 1]
        n_nodes = game.n_nodes
        chance_nodes = sorted(int(k) for k in game.chance_probabilities)
        chance_start: dict[int, int] = {}
        chance_flat: list[float] = []
        for node in chance_nodes:
            chance_start[node] = M + len(chance_flat)
            chance_flat.extend(float(p) for p in game.chance_probabilities[node])
        with np.errstate(divide="ignore"):
            self.log_fixed = np.log(np.array([*chance_flat, 1.0]))
        one = M + len(chance_flat)
        source = np.full(n_nodes, one, dtype=np.intp)
        kind = np.asarray(game.node_kind)
        parent = np.asarray(game.node_parent)
        action = np.asarray(game.node_action)
        for node in range(1, n_nodes):
            p = int(parent[node])
            if kind[p] == DECISION:
                source[node] = self.starts[int(game.node_infoset[p])] + int(action[node])
            elif kind[p] == CHANCE:
                source[node] = chance_start[p] + int(action[node])
        self.source = source
        depth = np.zeros(n_nodes, dtype=np.intp)
        for node in range(1, n_nodes):  # prefix order: parents first
            depth[node] = depth[parent[node]] + 1
        self.levels = [np.flatnonzero(depth == d) for d in range(1, int(depth.max(initial=0)) + 1)]
        self.parent = parent
        self.terminals = np.asarray(game.terminal_nodes, dtype=np.intp)
        self.kind = kind
        # pairs (flat action, node of its set, child, mover) for the action values
        pair_f: list[int] = []
        pair_node: list[int] = []
        pair_child: list[int] = []
        pair_player: list[int] = []
        pair_set: list[int] = []
        pair_starts: list[int] = []
        for k, infoset in enumerate(sets):
            pair_starts.append(len(pair_f))
            for node in infoset.nodes:
                for a, child in enumerate(game.node_children[node]):
                    pair_f.append(int(self.starts[k]) + a)
                    pair_node.append(node)
                    pair_child.append(child)
                    pair_player.append(infoset.player)
                    pair_set.append(k)
        self.pair_node = np.array(pair_node, dtype=np.intp)
        self.pair_child = np.array(pair_child, dtype=np.intp)
        self.pair_player = np.array(pair_player, dtype=np.intp)
        self.pair_set = np.array(pair_set, dtype=np.intp)
        self.pair_starts = np.array(pair_starts, dtype=np.intp)
        n_pairs = len(pair_f)
        self.gather = sp.csr_matrix(
            (np.ones(n_pairs), (np.array(pair_f, dtype=np.intp), np.arange(n_pairs))),
            shape=(M, n_pairs),
        )
        template = np.zeros((M, M + 1))
        template[self.rows, self.rows] = 1.0
        template[self.rows, self.refs] = -1.0
        self._template = template

    def values(self, log_sigma: NDArray[Any]) -> NDArray[Any]:
        """Conditional action values ``(M, batch)`` for log-profiles ``(M, batch)``.

        The beliefs are computed from log-reach probabilities, normalised at
        each set by its most likely node, so that no set's beliefs underflow
        however unlikely the set (at high precision the probabilities of
        reaching some sets are far below the smallest float).
        """
        batch = log_sigma.shape[1]
        fixed = np.broadcast_to(self.log_fixed[:, None], (len(self.log_fixed), batch))
        flat = np.concatenate([log_sigma, fixed.astype(log_sigma.dtype)], axis=0)
        log_edge = flat[self.source]  # (n_nodes, batch)
        log_reach = log_edge.copy()
        for level in self.levels:
            log_reach[level] += log_reach[self.parent[level]]
        edge = np.exp(log_edge)
        n_players = self.payoffs.shape[1]
        values = np.zeros((self.game.n_nodes, n_players, batch), dtype=log_sigma.dtype)
        values[self.terminals] = self.payoffs[:, :, None]
        for level in reversed(self.levels):
            np.add.at(values, self.parent[level], edge[level][:, None, :] * values[level])
        logs = log_reach[self.pair_node]
        with np.errstate(invalid="ignore"):
            top = np.maximum.reduceat(logs.real, self.pair_starts, axis=0)
        top = np.where(np.isfinite(top), top, 0.0)
        weights = np.exp(logs - top[self.pair_set])
        terms = weights * values[self.pair_child, self.pair_player]
        numerator = self.gather @ terms
        total = self.gather @ weights
        safe = np.where(total == 0, 1.0, total)
        out: NDArray[Any] = numerator / safe
        return out

    def profile(self, w: Vector) -> BehaviourProfile:
        x = np.exp(w - np.maximum.reduceat(w, self.starts)[self.owner_set])
        x /= np.add.reduceat(x, self.starts)[self.owner_set]
        return tuple(np.split(x, self.starts[1:]))

    def evaluate(self, y: Vector) -> tuple[Vector, NDArray[np.float64]]:
        """``H(y)`` and its Jacobian ``(M, M + 1)``."""
        M = self.size
        w, nu = y[:M], y[M]
        x = np.exp(w)
        perturbed = w[:, None] + 1j * _COMPLEX_STEP * np.eye(M)
        batch = self.values(perturbed)
        v = batch[:, 0].real  # (the real parts do not depend on the step)
        dv = batch.imag / _COMPLEX_STEP  # dv/dw
        rows, refs = self.rows, self.refs
        H = np.empty(M)
        H[self.starts] = np.add.reduceat(x, self.starts) - 1.0
        H[rows] = w[rows] - w[refs] - nu * (v[rows] - v[refs])
        J = self._template.copy()
        J[self.starts[self.owner_set], np.arange(M)] = x
        J[rows, :M] -= nu * (dv[rows] - dv[refs])
        J[rows, M] = v[refs] - v[rows]
        return H, J


def agent_logit_kernel(
    game: ExtensiveFormGame, *, tol: float = DEFAULT_TOL, max_steps: int = _LOGIT_MAX_STEPS
) -> tuple[BehaviourProfile, dict[str, Any]]:
    """One equilibrium: the limit of the principal agent logit QRE branch.

    In an agent quantal response equilibrium (McKelvey and Palfrey 1998)
    each information set is an agent who plays action ``a`` with probability
    proportional to ``exp(lambda v_a)``, ``v_a`` the mover's expected payoff
    of ``a`` given that the set is reached.  At ``lambda = 0`` the only one
    is the uniform profile; the branch that starts there is followed as
    ``lambda`` grows (arclength predictor-corrector continuation, the tracer
    of :func:`kurilsim.solvers.logit.qre_path`, on each player's payoffs
    mapped onto ``[0, 1]``), until the profile, with the probabilities
    below ``1e-6`` dropped (or, failing that, below ``1e-12``), has regret at
    most ``tol`` times each player's payoff range
    (:meth:`ExtensiveFormGame.regret`).

    Returns
    -------
    profile : tuple of ndarray
        The behaviour profile.
    info : dict
        ``lam`` (precision reached, in units of the largest payoff range) and
        ``steps``.

    Raises
    ------
    InvalidGameError
        If the game has no information set.
    SolverError
        If the continuation fails, or ``max_steps`` steps (or a precision of
        ``1e14`` payoff ranges) pass without a certified profile.

    Examples
    --------
    >>> from kurilsim import ExtensiveFormGame
    >>> from kurilsim.games.extensive import Choice, Terminal
    >>> game = ExtensiveFormGame(Choice("A", "a", [
    ...     ("in", Choice("B", "b", [("fight", Terminal((0, 0))),
    ...                              ("yield", Terminal((2, 1)))])),
    ...     ("out", Terminal((1, 2)))]), players=["A", "B"])
    >>> profile, info = agent_logit_kernel(game)
    >>> [p.round(9).tolist() for p in profile]
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if not game.infosets:
        raise InvalidGameError("the agent logit solver needs a game with a decision")
    system = _AgentSystem(game)
    M = system.size
    ranges = np.asarray(game.payoff_ranges, dtype=np.float64)
    accept = float(tol) * ranges
    sizes = [s.n_actions for s in game.infosets]
    w0 = -np.log(np.repeat(sizes, sizes).astype(np.float64))
    y = np.append(w0, 0.0)
    direction = np.zeros(M + 1)
    direction[-1] = 1.0
    tracer: _Tracer | None = None
    steps = 0
    while True:
        raw = system.profile(y[:M])
        regret = np.zeros(game.n_players)
        # the profile with the probabilities that are vanishing dropped first
        # (a pure limit is then returned exactly), then as it is
        for cut in (_SNAP, 1e-12):
            profile = _clean(game, raw, cut)
            regret = np.asarray(game.regret(profile), dtype=np.float64)
            if np.all(regret <= accept):
                return profile, {"lam": float(y[-1]) / system.scale, "steps": steps}
        if tracer is None:
            # the tracer only uses evaluate(), size and scale of its system
            tracer = _Tracer(
                cast(_LogitSystem, system), y, direction, first_step=0.03, max_accel=1.5
            )
        if tracer.steps >= max_steps or y[-1] > _LOGIT_MAX_NU:
            worst = float(_relative(game, regret).max(initial=0.0))
            hint = (
                "this game has imperfect recall, and may have no equilibrium in "
                "behaviour strategies (Wichardt 2008)"
                if not game.perfect_recall
                else "try method='lcp' (two players) or 'enumerate'"
            )
            raise SolverError(
                f"the agent logit tracer stopped after {tracer.steps} steps at lambda = "
                f"{float(y[-1]) / system.scale:.6g} with relative regret {worst:.3g} "
                f"(no certified equilibrium); {hint}"
            )
        tracer.advance()
        y = tracer.y
        steps = tracer.steps

