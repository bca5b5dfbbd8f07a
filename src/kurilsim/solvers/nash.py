"""``solve_nash``: one entry point for Nash equilibria of normal-form games."""

from __future__ import annotations

import numbers
import warnings
from typing import Literal

import numpy as np

from kurilsim._errors import DegenerateGameWarning, InvalidGameError, SolverError
from kurilsim.games.normal_form import DEFAULT_TOL, NormalFormGame
from kurilsim.solvers._enumerate import enumerate_kernel
from kurilsim.solvers._lemke_howson import lemke_howson_kernel
from kurilsim.solvers._logit import logit_solve_kernel
from kurilsim.solvers._pure import pure_equilibria_kernel
from kurilsim.solvers._results import Equilibrium, NashResult, certify, certify_blocks
from kurilsim.solvers._support import support_enumeration_kernel
from kurilsim.solvers._vertex import vertex_candidates
from kurilsim.solvers._zero_sum import zero_sum_kernel

__all__ = ["AUTO_ENUMERATE_LIMIT", "METHODS", "solve_nash"]

Method = Literal[
    "auto", "pure", "enumerate", "logit", "support", "vertex", "lemke-howson", "lp"
]

#: ``"auto"`` uses ``"enumerate"`` for n-player games with at most this many
#: support profiles (3x3x3 has 343, 2x2x2x2 has 81), ``"logit"`` above.
AUTO_ENUMERATE_LIMIT = 400

#: The methods :func:`solve_nash` accepts, with the players they support.
METHODS: dict[str, str] = {
    "auto": "'vertex' for two players, 'enumerate' for small games, else 'logit'",
    "pure": "any number of players: every pure-strategy equilibrium",
    "enumerate": "any number of players: every equilibrium of a generic game",
    "logit": "any number of players: one equilibrium, the limit of the logit QRE branch",
    "support": "two players: every equilibrium of a nondegenerate game",
    "vertex": "two players: every extreme equilibrium, degenerate games included",
    "lemke-howson": "two players: one equilibrium from an initial label",
    "lp": "two-player zero-sum (or constant-sum) games: optimal strategies and value",
}


def solve_nash(
    game: NormalFormGame,
    method: Method | str = "auto",
    *,
    tol: float = DEFAULT_TOL,
    initial_label: int = 0,
    max_pivots: int = 1_000_000,
) -> NashResult:
    """Nash equilibria of a normal-form game, each certified by its regret.

    Parameters
    ----------
    game : NormalFormGame
        The game to solve.
    method : {"auto", "pure", "support", "vertex", "lemke-howson", "lp"}
        * ``"pure"``: every pure-strategy equilibrium of an n-player game, by
          one vectorised pass over the payoff tensors.
        * ``"enumerate"``: every equilibrium of a generic n-player game, by
          enumerating support profiles (pruned by conditional dominance) and
          solving each one's polynomial indifference system: by elimination
          to one polynomial whose roots are matrix eigenvalues where at most
          three players mix (or four, each over two strategies), by
          certified subdivision otherwise (exact multilinear range bounds to
          exclude boxes, the Krawczyk test to certify a unique root).
          Two-player games go to ``"vertex"``.  If some support system has a
          singular or non-isolated solution set the result is marked
          ``complete=False``.
        * ``"support"``: every equilibrium of a *nondegenerate* two-player
          game by support enumeration (batched, with dominance pruning).  On
          a degenerate game it warns (:class:`DegenerateGameWarning`) and
          returns only equilibria whose two supports have equal size.
        * ``"vertex"``: every extreme equilibrium of any two-player game,
          degenerate ones included (every equilibrium is a convex combination
          of extreme ones within a component) by vertex enumeration of the
          best-response polytopes.
        * ``"lemke-howson"``: one equilibrium by complementary pivoting from
          ``initial_label``, with lexicographic ratio tests so that
          degenerate games terminate.
        * ``"lp"``: optimal strategies of a two-player constant-sum game by
          linear programming; the result carries the game's ``value``.
        * ``"logit"``: one equilibrium of any game, the limit of the
          principal branch of logit quantal response equilibria followed
          from the centroid as the precision grows (predictor-corrector
          continuation), polished by Newton's method on its support to
          regret at most ``1e-10`` × the payoff range.
        * ``"auto"`` (default): ``"vertex"`` for two players;
          ``"enumerate"`` for n-player games with at most
          ``AUTO_ENUMERATE_LIMIT`` support profiles; ``"logit"`` otherwise.
    tol : float, default 1e-9
        Relative tolerance.  An equilibrium is returned only if no player
        ``i`` gains more than ``tol * game.payoff_ranges[i]`` by deviating.
    initial_label : int, default 0
        For ``"lemke-howson"``: the label dropped first, ``0 .. m+n-1``
        (``i < m`` is row strategy ``i``, ``m + j`` column strategy ``j``).
    max_pivots : int, default 1_000_000
        For ``"lemke-howson"``: pivot limit before :class:`SolverError`.

    Returns
    -------
    NashResult
        The certified equilibria and diagnostics; ``result.method`` names the
        method that ran.

    Raises
    ------
    InvalidGameError
        If the method does not apply to the game (wrong number of players,
        ``"lp"`` on a game that is not constant-sum) or an argument is out of
        range.
    SolverError
        If ``"lemke-howson"`` exceeds ``max_pivots`` or an iterative method
        ends on a profile that fails certification.

    Warns
    -----
    DegenerateGameWarning
        ``"support"`` on a degenerate game.

    See Also
    --------
    NormalFormGame.is_nash : the check applied to every equilibrium.

    References
    ----------
    .. [1] B. von Stengel, "Equilibrium computation for two-player games in
       strategic and extensive form", ch. 3 of N. Nisan et al. (eds.),
       *Algorithmic Game Theory*, Cambridge University Press, 2007.
    .. [2] D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel,
       "Enumeration of Nash equilibria for two-player games", *Economic
       Theory* 42:9-37, 2010.
    .. [3] C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix
       games", *SIAM J. Appl. Math.* 12:413-423, 1964.

    Examples
    --------
    Battle of the sexes has two pure equilibria and one mixed one:

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame, solve_nash
    >>> game = NormalFormGame([[[3, 0], [0, 2]], [[2, 0], [0, 3]]])
    >>> result = solve_nash(game)
    >>> result.method, len(result.equilibria)
    ('vertex', 3)
    >>> [eq.is_pure for eq in result.equilibria]
    [True, False, True]
    >>> result.equilibria[1].strategies
    (array([0.6, 0.4]), array([0.4, 0.6]))

    Matching pennies by linear programming, with its value:

    >>> pennies = NormalFormGame([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]])
    >>> solve_nash(pennies, "lp").value
    0.0
    """
    if not isinstance(game, NormalFormGame):
        raise InvalidGameError(
            f"solve_nash expects a NormalFormGame, got {type(game).__name__}"
        )
    if method not in METHODS:
        raise InvalidGameError(
            f"unknown method {method!r}; expected one of {sorted(METHODS)}"
        )
    if not (isinstance(tol, numbers.Real) and 0 < tol < 1):
        raise InvalidGameError(f"tol must be a number in (0, 1), got {tol!r}")
    tol = float(tol)
    if method == "auto":
        if game.n_players == 2:
            method = "vertex"
        else:
            profiles = int(np.prod([2.0**m - 1 for m in game.shape]))
            method = "enumerate" if profiles <= AUTO_ENUMERATE_LIMIT else "logit"
    if method == "enumerate" and game.n_players == 2:
        method = "vertex"
    if method == "pure":
        return _solve_pure(game, tol)
    if method == "enumerate":
        return _solve_enumerate(game, tol)
    if method == "logit":
        return _solve_logit(game, tol)
    if game.n_players != 2:
        raise InvalidGameError(
            f"method {method!r} needs a two-player game; this game has "
            f"{game.n_players} players (use 'pure', or 'auto')"
        )
    if method == "vertex":
        return _solve_vertex(game, tol)
    if method == "support":
        return _solve_support(game, tol)
    if method == "lemke-howson":
        return _solve_lemke_howson(game, tol, initial_label, max_pivots)
    return _solve_lp(game, tol)


def _result(
    game: NormalFormGame,
    tol: float,
    method: str,
    equilibria: tuple[Equilibrium, ...],
    *,
    message: str,
    complete: bool,
    n_candidates: int,
    n_rejected: int = 0,
    value: float | None = None,
) -> NashResult:
    """The ``NashResult`` of a method that ran to completion."""
    return NashResult(
        equilibria,
        method=method,
        tol=tol,
        payoff_range=game.payoff_range,
        success=True,
        message=message,
        complete=complete,
        n_candidates=n_candidates,
        n_rejected=n_rejected,
        value=value,
    )


def _solve_pure(game: NormalFormGame, tol: float) -> NashResult:
    profiles = pure_equilibria_kernel(game.payoffs, atol=tol * game.payoff_ranges)
    equilibria, n_cand, n_rej = certify(
        game, (game.pure_profile(row) for row in profiles.tolist()), tol=tol
    )
    return _result(
        game,
        tol,
        "pure",
        equilibria,
        message=f"{len(equilibria)} pure equilibria among {int(np.prod(game.shape))} profiles",
        complete=True,
        n_candidates=n_cand,
        n_rejected=n_rej,
    )


def _solve_enumerate(game: NormalFormGame, tol: float) -> NashResult:
    out = enumerate_kernel(game)
    equilibria, n_cand, n_rej = certify_blocks(game, out.candidates, tol=tol)
    message = (
        f"{len(equilibria)} equilibria from {out.n_supports} support profiles "
        f"({out.n_pruned} pruned by conditional dominance; {out.n_subdivided} solved "
        f"by subdivision, {out.n_boxes} boxes; the rest by elimination)"
    )
    if out.unresolved:
        message += (
            f"; {len(out.unresolved)} support profiles had singular or non-isolated "
            f"solutions and may hide equilibria: {', '.join(out.unresolved[:5])}"
        )
    return _result(
        game,
        tol,
        "enumerate",
        equilibria,
        message=message,
        complete=not out.unresolved,
        n_candidates=n_cand,
        n_rejected=n_rej,
    )


def _solve_logit(game: NormalFormGame, tol: float) -> NashResult:
    profile, info = logit_solve_kernel(game, tol=tol)
    equilibria, n_cand, _ = certify(game, [profile], tol=tol)
    if not equilibria:
        raise SolverError(
            f"the logit branch ended at lambda={info['lam']:.6g} on a profile with "
            f"regret {info['regret']:.3g}, which failed certification"
        )
    return _result(
        game,
        tol,
        "logit",
        equilibria,
        message=(
            f"one equilibrium at the end of the logit QRE branch (lambda="
            f"{info['lam']:.6g}, {info['steps']} steps, "
            f"{info['polish_attempts']} polish attempts)"
        ),
        complete=False,
        n_candidates=n_cand,
    )


def _solve_vertex(game: NormalFormGame, tol: float) -> NashResult:
    A, B = game.payoffs
    X, Y, route = vertex_candidates(A, B)
    equilibria, n_cand, n_rej = certify_blocks(game, (X, Y), tol=tol)
    return _result(
        game,
        tol,
        "vertex",
        equilibria,
        message=(
            f"{len(equilibria)} extreme equilibria from {n_cand} completely "
            f"labelled vertex pairs (polytope route: {route})"
        ),
        complete=True,
        n_candidates=n_cand,
        n_rejected=n_rej,
    )


def _solve_support(game: NormalFormGame, tol: float) -> NashResult:
    A, B = game.payoffs
    out = support_enumeration_kernel(A, B)
    equilibria, n_cand, n_rej = certify(game, out.candidates, tol=tol)
    message = (
        f"{len(equilibria)} equilibria from {out.n_pairs} support pairs "
        f"({out.n_pruned} pruned before solving)"
    )
    if out.degeneracy is not None:
        warnings.warn(
            f"the game is degenerate: {out.degeneracy}. Support enumeration "
            "only finds equilibria whose supports have equal size and may miss "
            "others (e.g. a continuum's extreme points with unequal supports); "
            "use method='vertex' for all extreme equilibria",
            DegenerateGameWarning,
            stacklevel=3,
        )
        message += f"; degenerate game ({out.degeneracy}), result may be incomplete"
    return _result(
        game,
        tol,
        "support",
        equilibria,
        message=message,
        complete=out.degeneracy is None,
        n_candidates=n_cand,
        n_rejected=n_rej,
    )


def _solve_lemke_howson(
    game: NormalFormGame, tol: float, initial_label: int, max_pivots: int
) -> NashResult:
    A, B = game.payoffs
    x, y, pivots = lemke_howson_kernel(A, B, initial_label, max_pivots=max_pivots)
    equilibria, n_cand, _ = certify(game, [(x, y)], tol=tol)
    if not equilibria:
        raise SolverError(
            f"Lemke-Howson from label {initial_label} ended after {pivots} pivots on "
            f"a profile with regret {game.regret((x / x.sum(), y / y.sum())):.3g} "
            f"> tol × payoff range = {tol * game.payoff_range:.3g}"
        )
    return _result(
        game,
        tol,
        "lemke-howson",
        equilibria,
        message=f"one equilibrium from label {initial_label} after {pivots} pivots",
        complete=False,
        n_candidates=n_cand,
    )


def _solve_lp(game: NormalFormGame, tol: float) -> NashResult:
    A, B = game.payoffs
    total = A + B
    if np.ptp(total) > tol * game.payoff_range:
        where = np.unravel_index(
            int(np.argmax(np.abs(total - total.flat[0]))), total.shape
        )
        raise InvalidGameError(
            "method 'lp' needs a zero-sum (or constant-sum) game; payoffs sum to "
            f"{total.flat[0]:.6g} at (0, 0) but {total[where]:.6g} at {tuple(map(int, where))}"
        )
    x, y, value = zero_sum_kernel(A)
    equilibria, n_cand, _ = certify(game, [(x, y)], tol=tol)
    if not equilibria:
        clipped = tuple(np.clip(v, 0.0, None) for v in (x, y))
        regret = game.regret(tuple(v / v.sum() for v in clipped))
        raise SolverError(
            f"the LP solution failed certification: regret {regret:.3g} > "
            f"tol × payoff range = {tol * game.payoff_range:.3g}"
        )
    value = float(equilibria[0].payoffs[0])
    return _result(
        game,
        tol,
        "lp",
        equilibria,
        message=f"optimal strategies by linear programming (HiGHS); value {value:.6g}",
        complete=False,
        n_candidates=n_cand,
        value=value,
    )
