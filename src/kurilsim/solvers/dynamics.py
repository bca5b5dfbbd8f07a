"""Learning and evolutionary dynamics on normal-form games.

These are models of how play might *move*, not equilibrium solvers: neither
dynamic need converge.  The replicator dynamic cycles around the mixed
equilibrium of rock-paper-scissors for ever, and fictitious play cycles in
Shapley's (1964) 3×3 game.  Where they do converge, the limit is a Nash
equilibrium (for fictitious play, in empirical frequencies), so check any
end point with :meth:`NormalFormGame.is_nash` before reading it as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._checks import check_instance, check_int, check_real, check_rng
from kurilsim._errors import InvalidGameError, InvalidProfileError, SolverError
from kurilsim.games.normal_form import NormalFormGame
from kurilsim.games.payoffs import deviation_payoffs

__all__ = ["Trajectory", "fictitious_play", "replicator_dynamics"]


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A path of mixed profiles.

    Attributes
    ----------
    times : ndarray, shape (T,)
        Time points (for fictitious play: the period, 1, 2, ...).
    profiles : tuple of ndarray
        One array of shape ``(T, m_i)`` per player: the mixed strategy (or,
        for fictitious play, the empirical frequency of play) at each time.
    actions : ndarray or None
        For fictitious play: the pure action of each player in each period,
        shape ``(T, n)``; ``None`` for the replicator dynamic.
    """

    times: NDArray[np.float64]
    profiles: tuple[NDArray[np.float64], ...]
    actions: NDArray[np.intp] | None = None

    @property
    def final(self) -> tuple[NDArray[np.float64], ...]:
        """The last profile of the path."""
        return tuple(p[-1] for p in self.profiles)


#: Most time points (replicator) or periods (fictitious play) a path may have.
_MAX_POINTS = 1_000_000
_MAX_PERIODS = 10_000_000

#: Evaluations of the dynamic per step of the Runge-Kutta (4)5 integrator.
_EVALUATIONS_PER_STEP = 6


class _TooManySteps(Exception):
    """Raised inside the integration when the step budget is spent."""


def _initial_profile(
    game: NormalFormGame,
    initial: Sequence[ArrayLike] | str | None,
    rng: np.random.Generator | None,
) -> tuple[NDArray[np.float64], ...]:
    if initial is None or (isinstance(initial, str) and initial == "centroid"):
        return tuple(np.full(m, 1.0 / m) for m in game.shape)
    if isinstance(initial, str):
        if initial != "random":
            raise InvalidProfileError(
                f"initial must be a profile, 'centroid' or 'random', got {initial!r}"
            )
        generator = np.random.default_rng(rng)
        return tuple(generator.dirichlet(np.ones(m)) for m in game.shape)
    try:
        return game.validate_profile(initial)
    except InvalidProfileError as error:
        raise InvalidProfileError(f"initial: {error}") from None


def _check_game(game: object) -> NormalFormGame:
    return check_instance(game, NormalFormGame, "game", error=InvalidGameError)


def replicator_dynamics(
    game: NormalFormGame,
    initial: Sequence[ArrayLike] | str | None = None,
    *,
    t_max: float = 50.0,
    n_points: int = 501,
    rng: np.random.Generator | int | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    max_steps: int = 5_000,
) -> Trajectory:
    """Integrate the (multi-population) replicator dynamic.

    .. math:: \\dot\\sigma_i(s) = \\sigma_i(s)\\,\\bigl(u_i(s, \\sigma_{-i}) - u_i(\\sigma)\\bigr)

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    initial : profile, "centroid" or "random", optional
        Starting profile (default: the centroid).  ``"random"`` draws each
        player's strategy from a flat Dirichlet distribution with ``rng``.
    t_max : float
        End time.
    n_points : int
        Number of equally spaced time points returned (at least 2).
    rng : numpy.random.Generator or int, optional
        Randomness for ``initial="random"``.
    rtol, atol : float
        Tolerances of the Runge–Kutta integrator (``scipy.integrate.solve_ivp``):
        ``rtol`` in [1e-13, 1), ``atol`` >= 0.
    max_steps : int
        Largest number of integrator steps (each evaluates the dynamic six
        times); a long ``t_max`` needs many steps once the path settles.

    Returns
    -------
    Trajectory

    Raises
    ------
    InvalidGameError
        If ``game`` is not a NormalFormGame.
    InvalidProfileError
        For a bad ``initial``, ``t_max``, ``n_points``, ``rtol``, ``atol``
        or ``max_steps``.
    InvalidArgumentError
        For a bad ``rng``.
    SolverError
        If the integration fails or needs more than ``max_steps`` steps.

    Notes
    -----
    The dynamic need not converge: interior orbits of rock–paper–scissors are
    closed curves.  Faces of the simplex are invariant, so a strategy played
    with probability zero stays unplayed; stable rest points in the interior
    are Nash equilibria (Hofbauer and Sigmund 1998).

    Examples
    --------
    In the prisoner's dilemma, defection takes over:

    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.dynamics import replicator_dynamics
    >>> A = np.array([[3, 0], [5, 1]])
    >>> path = replicator_dynamics(NormalFormGame([A, A.T]), t_max=20.0)
    >>> bool(path.final[0][1] > 0.999)
    True
    """
    game = _check_game(game)
    t_max = check_real(t_max, "t_max", low=0, low_open=True, error=InvalidProfileError)
    n_points = check_int(
        n_points, "n_points", low=2, high=_MAX_POINTS, error=InvalidProfileError
    )
    rtol = check_real(rtol, "rtol", low=1e-13, high=1, high_open=True,
                      error=InvalidProfileError)
    atol = check_real(atol, "atol", low=0, error=InvalidProfileError)
    max_steps = check_int(max_steps, "max_steps", low=1, error=InvalidProfileError)
    times = np.linspace(0.0, t_max, n_points)
    if not np.all(np.diff(times) > 0):
        raise InvalidProfileError(
            f"t_max = {t_max!r} is too small for {n_points} distinct time points"
        )
    start = _initial_profile(game, initial, check_rng(rng))
    sizes = game.shape
    cuts = np.cumsum(sizes)[:-1]
    evaluations = 0

    def rhs(_t: float, state: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal evaluations
        evaluations += 1
        if evaluations > max_steps * _EVALUATIONS_PER_STEP:
            raise _TooManySteps
        sigma = tuple(np.split(state, cuts))
        dev = deviation_payoffs(game.payoffs, sigma)
        return np.concatenate([s * (d - d @ s) for s, d in zip(sigma, dev, strict=True)])

    try:
        from scipy.integrate import solve_ivp  # imported on use: it is slow to import

        sol = solve_ivp(
            rhs, (0.0, t_max), np.concatenate(start), t_eval=times, rtol=rtol, atol=atol
        )
    except _TooManySteps:
        raise SolverError(
            f"the replicator integration needs more than max_steps={max_steps} steps "
            f"to reach t_max={t_max:g}; raise max_steps= or lower t_max"
        ) from None
    if not sol.success:
        raise SolverError(f"the replicator integration failed: {sol.message}")
    states = np.clip(sol.y.T, 0.0, None)
    blocks = np.split(states, cuts, axis=1)
    profiles = tuple(b / b.sum(axis=1, keepdims=True) for b in blocks)
    return Trajectory(times=sol.t, profiles=profiles)


def fictitious_play(
    game: NormalFormGame,
    n_periods: int = 1000,
    *,
    initial: Sequence[ArrayLike] | str | None = None,
    rng: np.random.Generator | int | None = None,
) -> Trajectory:
    """Simultaneous fictitious play (Brown 1951).

    In each period every player best-responds to the empirical frequencies
    of the others' past actions (the ``initial`` profile counts as one prior
    observation); ties are broken uniformly at random with ``rng``, or by the
    lowest index when ``rng`` is ``None``.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    n_periods : int
        Number of periods played.
    initial : profile, "centroid" or "random", optional
        Prior beliefs (default: the centroid).
    rng : numpy.random.Generator or int, optional
        Randomness for tie-breaking and ``initial="random"``.

    Returns
    -------
    Trajectory
        ``profiles`` are the empirical frequencies after each period (prior
        included); ``actions`` the actions played.

    Raises
    ------
    InvalidGameError
        If ``game`` is not a NormalFormGame.
    InvalidProfileError
        For a bad ``initial`` or ``n_periods`` (an integer in [1, 10**7]).
    InvalidArgumentError
        For a bad ``rng``.

    Notes
    -----
    Empirical frequencies converge to equilibrium in two-player zero-sum games
    (Robinson 1951) and 2×2 games (Miyasawa 1961), but not in general:
    Shapley's (1964) 3×3 game makes them cycle.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim import NormalFormGame
    >>> from kurilsim.solvers.dynamics import fictitious_play
    >>> pennies = np.array([[1, -1], [-1, 1]])
    >>> path = fictitious_play(NormalFormGame([pennies, -pennies]), 4000)
    >>> bool(np.allclose(path.final[0], 0.5, atol=0.02))
    True
    """
    game = _check_game(game)
    n_periods = check_int(
        n_periods, "n_periods", low=1, high=_MAX_PERIODS, error=InvalidProfileError
    )
    generator = None if rng is None else check_rng(rng)
    counts = [s.copy() for s in _initial_profile(game, initial, generator)]
    n = game.n_players
    history = [np.empty((n_periods, m)) for m in game.shape]
    actions = np.empty((n_periods, n), dtype=np.intp)
    for t in range(n_periods):
        beliefs = tuple(c / c.sum() for c in counts)
        dev = deviation_payoffs(game.payoffs, beliefs)
        for i, d in enumerate(dev):
            best = np.flatnonzero(d >= d.max() - 1e-12 * game.payoff_ranges[i])
            actions[t, i] = best[0] if generator is None else generator.choice(best)
        for i in range(n):
            counts[i][actions[t, i]] += 1.0
            history[i][t] = counts[i] / counts[i].sum()
    return Trajectory(
        times=np.arange(1, n_periods + 1, dtype=np.float64),
        profiles=tuple(history),
        actions=actions,
    )
