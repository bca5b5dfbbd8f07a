"""Reusable invariant checks for solvers and solutions.

Each check is a plain function that raises :class:`AssertionError` with a
message naming what failed, so it works in pytest, in hypothesis properties
and in scripts.  kurilsim's own test suite uses these checks; apply them to
your own solvers with :func:`solver_property_suite`.

A *Nash solver* here is any callable ``solver(game)`` returning a
:class:`~kurilsim.NashResult`, a sequence of :class:`~kurilsim.Equilibrium`,
or a sequence of profiles (one probability vector per player).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._checks import (
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_real,
    describe,
)
from kurilsim._errors import InvalidArgumentError
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.games.sequential import SequentialGame

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "check_affine_invariance",
    "check_bargaining_axioms",
    "check_equilibria_certified",
    "check_player_swap",
    "check_relabel_invariance",
    "check_spe",
    "equilibrium_profiles",
    "same_profile_sets",
    "solver_property_suite",
]

Profile = tuple[NDArray[np.float64], ...]
NashSolver = Callable[[NormalFormGame], Any]


def _check_options(
    game: object,
    *,
    kind: type = NormalFormGame,
    tol: object = 0.0,
    name: str = "tol",
    mode: object = "all",
) -> None:
    """Check the arguments the invariants share."""
    check_instance(game, kind, "game")
    check_real(tol, name, low=0)
    check_choice(mode, "kind", ("all", "one"))


def equilibrium_profiles(result: Any) -> list[Profile]:
    """The profiles in a solver's answer (NashResult, Equilibria or profiles)."""
    items = getattr(result, "equilibria", result)
    profiles = []
    try:
        for item in items:
            strategies = getattr(item, "strategies", item)
            profiles.append(tuple(np.asarray(s, dtype=np.float64) for s in strategies))
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "result must be a NashResult or a sequence of Equilibrium objects or of "
            f"profiles (one probability vector per player), got {describe(result)}"
        ) from None
    return profiles


def _describe(profile: Profile) -> str:
    return "(" + ", ".join(np.array2string(s, precision=4) for s in profile) + ")"


def _member(profile: Profile, pool: Sequence[Profile], atol: float) -> bool:
    """Whether ``pool`` holds ``profile``, entrywise within ``atol``."""
    return any(
        len(profile) == len(other)
        and all(
            a.shape == b.shape and np.allclose(a, b, rtol=0, atol=atol)
            for a, b in zip(profile, other, strict=True)
        )
        for other in pool
    )


def same_profile_sets(
    first: Sequence[Profile], second: Sequence[Profile], *, atol: float = 1e-6
) -> bool:
    """Whether two collections of profiles are equal as sets, entrywise within ``atol``."""
    return all(_member(p, second, atol) for p in first) and all(
        _member(p, first, atol) for p in second
    )


def _assert_same(
    expected: Sequence[Profile], got: Sequence[Profile], what: str, atol: float
) -> None:
    missing = [p for p in expected if not _member(p, got, atol)]
    extra = [q for q in got if not _member(q, expected, atol)]
    if not missing and not extra:
        return
    raise AssertionError(
        f"{what}: the equilibrium sets differ.\n"
        f"  expected {len(expected)}: {', '.join(map(_describe, expected)) or '-'}\n"
        f"  got      {len(got)}: {', '.join(map(_describe, got)) or '-'}\n"
        f"  missing: {', '.join(map(_describe, missing)) or '-'}; "
        f"unexpected: {', '.join(map(_describe, extra)) or '-'}"
    )


def check_equilibria_certified(
    game: NormalFormGame, result: Any, *, tol: float = 1e-9, nonempty: bool = True
) -> None:
    """Every returned profile is a probability profile and a ``tol``-equilibrium.

    Checks, for each profile: one vector per player of the right length,
    entries ≥ 0 summing to 1 (within 1e-9), and every player's deviation gain
    ≤ ``tol`` × that player's payoff range; if the answer carries a ``regret``
    it must match the recomputed regret.  With ``nonempty`` (default) the
    answer must contain at least one profile (Nash's theorem).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame, solve_nash
    >>> from kurilsim.testing.invariants import check_equilibria_certified
    >>> game = NormalFormGame([np.eye(2), np.eye(2)])
    >>> check_equilibria_certified(game, solve_nash(game))
    >>> check_equilibria_certified(game, [([1.0, 0.0], [0.0, 1.0])])
    Traceback (most recent call last):
      ...
    AssertionError: profile 0 ([1. 0.], [0. 1.]) is not an equilibrium: player gains [1. 1.] exceed 1e-09 x payoff ranges [1. 1.]
    """
    _check_options(game, tol=tol)
    check_bool(nonempty, "nonempty")
    profiles = equilibrium_profiles(result)
    if nonempty and not profiles:
        raise AssertionError("the solver returned no equilibrium; every finite game has one")
    items = list(getattr(result, "equilibria", result))
    for k, profile in enumerate(profiles):
        if len(profile) != game.n_players:
            raise AssertionError(
                f"profile {k} has {len(profile)} strategies, the game has "
                f"{game.n_players} players"
            )
        for player, (strategy, m) in enumerate(zip(profile, game.shape, strict=True)):
            if strategy.shape != (m,):
                raise AssertionError(
                    f"profile {k}: player {player}'s strategy has shape "
                    f"{strategy.shape}, expected ({m},)"
                )
            if not np.all(np.isfinite(strategy)) or np.any(strategy < -1e-12) or abs(
                strategy.sum() - 1.0
            ) > 1e-9:
                raise AssertionError(
                    f"profile {k}: player {player}'s strategy {strategy} is not a "
                    "probability vector"
                )
        gains = game.gains(profile)
        limit = tol * game.payoff_ranges
        if np.any(gains > limit):
            raise AssertionError(
                f"profile {k} {_describe(profile)} is not an equilibrium: player gains "
                f"{np.array2string(gains, precision=4)} exceed {tol:g} x payoff ranges "
                f"{np.array2string(game.payoff_ranges, precision=4)}"
            )
        reported = getattr(items[k], "regret", None)
        if reported is not None and abs(float(reported) - float(gains.max())) > max(
            float(limit.max()), 1e-12
        ):
            raise AssertionError(
                f"profile {k}: reported regret {reported} but the recomputed regret is "
                f"{gains.max()}"
            )


def check_affine_invariance(
    solver: NashSolver,
    game: NormalFormGame,
    *,
    player: int = 0,
    scale: float = 3.0,
    shift: float = -1.5,
    atol: float = 1e-6,
    kind: Literal["all", "one"] = "all",
) -> None:
    """Rescaling one player's payoffs (``scale > 0``) leaves the equilibria unchanged.

    ``kind="all"``: the solver claims every equilibrium, so the sets must be
    equal.  ``kind="one"``: the profile found for the transformed game must be
    an equilibrium of the original game.
    """
    _check_options(game, tol=atol, name="atol", mode=kind)
    check_int(player, "player", low=0, high=game.n_players - 1)
    scale = check_real(scale, "scale", low=0, low_open=True)
    shift = check_real(shift, "shift")
    payoffs: list[NDArray[Any]]
    if game.is_float_exact:
        payoffs = list(game.payoffs)
        payoffs[player] = scale * payoffs[player] + shift
    else:  # payoffs given exactly: map them exactly
        payoffs = list(game.exact_payoffs)
        payoffs[player] = payoffs[player] * Fraction(scale) + Fraction(shift)
    transformed = NormalFormGame(payoffs)
    got = equilibrium_profiles(solver(transformed))
    what = f"payoffs of player {player} mapped to {scale:g} u + {shift:g}"
    _check_transformed(solver, game, got, what, atol, kind)


def _check_transformed(
    solver: NashSolver,
    game: NormalFormGame,
    mapped: Sequence[Profile],
    what: str,
    atol: float,
    kind: str,
) -> None:
    """Compare the answers for a transformed game, mapped back, with ``game``'s:
    as sets (``kind="all"``) or each as an equilibrium of ``game`` ("one")."""
    if kind == "all":
        _assert_same(equilibrium_profiles(solver(game)), mapped, what, atol)
    else:
        _check_members(game, mapped, what)


def _check_members(game: NormalFormGame, profiles: Sequence[Profile], what: str) -> None:
    try:
        check_equilibria_certified(game, profiles, tol=1e-6)
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None


def check_relabel_invariance(
    solver: NashSolver,
    game: NormalFormGame,
    permutations: Sequence[ArrayLike] | None = None,
    *,
    atol: float = 1e-6,
    kind: Literal["all", "one"] = "all",
) -> None:
    """Renaming strategies (a permutation per player) permutes the equilibria.

    ``permutations[i][k]`` is the original index of player ``i``'s new
    strategy ``k``; default: each player's order reversed.
    """
    _check_options(game, tol=atol, name="atol", mode=kind)
    if permutations is None:
        orders = [np.arange(m)[::-1] for m in game.shape]
    else:
        orders = [np.asarray(p) for p in permutations]
        if len(orders) != game.n_players:
            raise InvalidArgumentError(
                f"permutations must hold one permutation per player "
                f"({game.n_players}), got {describe(permutations)}"
            )
    for order, m in zip(orders, game.shape, strict=True):
        if order.dtype.kind not in "iu" or sorted(order.ravel().tolist()) != list(
            range(m)
        ) or order.shape != (m,):
            raise InvalidArgumentError(
                f"permutations: {describe(order)} is not a permutation of range({m})"
            )
    source = game.payoffs if game.is_float_exact else game.exact_payoffs
    relabelled = NormalFormGame([p[np.ix_(*orders)] for p in source])
    mapped = []
    for profile in equilibrium_profiles(solver(relabelled)):
        back = []
        for strategy, order in zip(profile, orders, strict=True):
            original = np.zeros(len(order))
            original[order] = strategy
            back.append(original)
        mapped.append(tuple(back))
    what = f"strategies relabelled by {[o.tolist() for o in orders]}"
    _check_transformed(solver, game, mapped, what, atol, kind)


def check_player_swap(
    solver: NashSolver,
    game: NormalFormGame,
    *,
    atol: float = 1e-6,
    kind: Literal["all", "one"] = "all",
) -> None:
    """Reversing the order of the players reverses every equilibrium profile."""
    _check_options(game, tol=atol, name="atol", mode=kind)
    mirrored = [profile[::-1] for profile in equilibrium_profiles(solver(game.transpose()))]
    what = "players in reverse order"
    _check_transformed(solver, game, mirrored, what, atol, kind)


def check_bargaining_axioms(
    solution: Any,
    problem: Any,
    *,
    tol: float = 1e-9,
    axioms: Sequence[str] = ("pareto", "individual-rationality", "scale", "symmetry"),
) -> None:
    """Nash's axioms for a bargaining solution on one problem.

    Parameters
    ----------
    solution : callable or array_like or BargainingSolution
        A solver ``solution(problem)`` returning a utility vector (or an object
        with ``.utilities``) -- then every axiom is checked -- or an already
        computed solution, for which only Pareto optimality and individual
        rationality can be checked.  Pareto optimality is required only when
        some feasible point is strictly better than the disagreement point for
        every player.
    problem : BargainingProblem
    axioms : sequence of str
        Which of ``"pareto"``, ``"individual-rationality"``, ``"scale"``
        (equivariance under a positive affine rescaling of each player's
        utility) and ``"symmetry"`` (a symmetric problem gets a symmetric
        solution; skipped for asymmetric problems) to check.
    """
    check_real(tol, "tol", low=0)
    solver = solution if callable(solution) else None

    def utilities(candidate: Any) -> NDArray[np.float64]:
        return np.asarray(getattr(candidate, "utilities", candidate), dtype=np.float64)

    u = utilities(solver(problem) if solver is not None else solution)
    d = np.asarray(problem.disagreement, dtype=np.float64)
    scale = max(float(np.ptp(np.vstack([problem.points, d]), axis=0).max()), 1.0)
    if "individual-rationality" in axioms and np.any(u < d - tol * scale):
        raise AssertionError(
            f"solution {u} is not individually rational: below the disagreement "
            f"point {d}"
        )
    # Pareto optimality is required when some agreement is strictly better than
    # the disagreement point for everyone (otherwise d itself is the answer)
    agreement_possible = float(getattr(problem, "disagreement_gap", 1.0)) > tol
    if (
        "pareto" in axioms
        and agreement_possible
        and not problem.is_pareto_optimal(u, tol=tol * 10)
    ):
        raise AssertionError(f"solution {u} is not Pareto optimal in the feasible set")
    if solver is None:
        return
    if "scale" in axioms:
        a = np.linspace(0.5, 2.5, len(d))
        b = np.linspace(-1.0, 1.0, len(d))
        rescaled = problem
        for player in range(len(d)):
            rescaled = rescaled.rescaled(player, float(a[player]), float(b[player]))
        expected = a * u + b
        got = utilities(solver(rescaled))
        if not np.allclose(got, expected, rtol=1e-7, atol=1e-7 * scale):
            raise AssertionError(
                f"not scale invariant: rescaling utilities by a={a}, b={b} gives "
                f"{got}, expected {expected}"
            )
    if "symmetry" in axioms and _is_symmetric(problem) and not np.allclose(
        u, u[0], rtol=0, atol=1e-7 * scale
    ):
        raise AssertionError(f"symmetric problem but asymmetric solution {u}")


def _is_symmetric(problem: Any) -> bool:
    d = np.asarray(problem.disagreement)
    if not np.allclose(d, d[0]):
        return False
    points = {tuple(np.round(p, 12)) for p in np.asarray(problem.points)}
    if len(d) != 2:
        return False
    return points == {(q, p) for p, q in points}


def check_spe(game: SequentialGame, outcome: Any, *, tol: float = 1e-9) -> None:
    """A claimed subgame-perfect equilibrium of a perfect-information game.

    ``outcome`` is an :class:`~kurilsim.SPEResult` (or any object with a
    ``strategy`` array: one action index per node) -- its one-shot-deviation
    gain is recomputed from the strategy alone and must be ≤ ``tol`` × the
    largest payoff range, its payoffs must be the strategy's value, and they
    must be among :func:`~kurilsim.spe_outcomes`.
    """
    from kurilsim.solvers.spe import check_spe as deviation_gain
    from kurilsim.solvers.spe import spe_outcomes, strategy_values

    _check_options(game, kind=SequentialGame, tol=tol)
    strategy = np.asarray(getattr(outcome, "strategy", outcome))
    scale = max(float(game.payoff_range.max()), 1e-300)
    gain = deviation_gain(game, strategy)
    if gain > tol * scale:
        raise AssertionError(
            f"not subgame perfect: a one-shot deviation gains {gain:.3g} "
            f"(> {tol:g} x payoff range {scale:.3g})"
        )
    value = strategy_values(game, strategy)[0]
    payoffs = getattr(outcome, "payoffs", None)
    if payoffs is not None and not np.allclose(payoffs, value, rtol=0, atol=tol * scale):
        raise AssertionError(
            f"reported payoffs {np.asarray(payoffs)} differ from the strategy's value "
            f"{value}"
        )
    if not any(
        np.allclose(o.payoffs, value, rtol=0, atol=1e-7 * scale) for o in spe_outcomes(game)
    ):
        raise AssertionError(f"payoffs {value} are not among the SPE outcomes")


def solver_property_suite(
    solver: NashSolver,
    *,
    kind: Literal["all", "one"] = "all",
    n_players: int = 2,
    max_strategies: int = 3,
    integer: bool = True,
    max_examples: int | None = None,
    games: SearchStrategy[NormalFormGame] | None = None,
) -> Callable[[], None]:
    """A ready hypothesis test of a Nash solver's invariants.

    Returns a test function (for pytest: assign it to a name starting with
    ``test_``) that draws games with :func:`kurilsim.testing.strategies.normal_form_games`
    and checks :func:`check_equilibria_certified`, :func:`check_affine_invariance`,
    :func:`check_relabel_invariance` and :func:`check_player_swap`.  On a
    failure hypothesis shrinks the game and reports the smallest
    counterexample it finds.

    Parameters
    ----------
    solver : callable
        ``solver(game)`` as described in the module docstring.
    kind : {"all", "one"}
        Whether the solver returns every equilibrium (sets are compared) or
        one (each answer must be an equilibrium of the original game).
    n_players, max_strategies, integer
        The games drawn (integer payoffs give degenerate games often).
    max_examples : int, optional
        Hypothesis examples (default: the active settings profile).
    games : hypothesis strategy, optional
        The games to draw instead, e.g.
        :func:`kurilsim.testing.strategies.generic_games` for a solver that
        is only complete on generic games.

    Examples
    --------
    In a test module::

        from kurilsim import solve_nash
        from kurilsim.testing.invariants import solver_property_suite

        test_vertex = solver_property_suite(lambda g: solve_nash(g, "vertex"))
    """
    from hypothesis import given, reject, settings
    from hypothesis import strategies as st

    from kurilsim._errors import PrecisionError
    from kurilsim.games.normal_form import DEFAULT_TOL
    from kurilsim.solvers.results import check_resolution
    from kurilsim.testing.strategies import normal_form_games, permutations_of

    if games is None:
        games = normal_form_games(
            n_players=n_players,
            min_strategies=1,
            max_strategies=max_strategies,
            integer=integer,
            max_abs=3.0 if integer else 10.0,
        )

    @given(game=games, data=st.data())
    def test_solver_properties(game: NormalFormGame, data: st.DataObject) -> None:
        # Games whose payoff differences float64 cannot resolve (e.g. 5e-171
        # next to 1) have no float answer to check: solvers refuse them with
        # PrecisionError.
        try:
            check_resolution(game, DEFAULT_TOL, method="vertex")
        except PrecisionError:
            reject()
        check_equilibria_certified(game, solver(game), tol=1e-6)
        check_affine_invariance(solver, game, kind=kind)
        orders = [data.draw(permutations_of(m), label=f"order {i}")
                  for i, m in enumerate(game.shape)]
        check_relabel_invariance(solver, game, orders, kind=kind)
        check_player_swap(solver, game, kind=kind)

    if max_examples is not None:
        test_solver_properties = settings(max_examples=max_examples)(
            test_solver_properties
        )
    return test_solver_properties
