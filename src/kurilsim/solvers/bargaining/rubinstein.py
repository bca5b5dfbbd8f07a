"""Rubinstein's alternating offers over the lotteries of a two-player problem.

References
----------
.. [1] A. Rubinstein, "Perfect equilibrium in a bargaining model",
   *Econometrica* 50(1), 97–109, 1982.
.. [2] K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining solution
   in economic modelling", *RAND Journal of Economics* 17(2), 176–188, 1986.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import describe
from kurilsim._errors import InvalidGameError
from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.solvers.bargaining._common import (
    _agreement_possible,
    _certify,
    _check_delta,
    _check_problem,
    _check_tol,
    _disagreement_solution,
    _polyline_lottery,
)
from kurilsim.solvers.bargaining.solution import BargainingSolution

__all__ = ["rubinstein_share", "solve_rubinstein"]


def rubinstein_share(delta1: float, delta2: float) -> float:
    """The first proposer's share of a unit pie in Rubinstein's game.

    In the unique subgame-perfect equilibrium of alternating offers with
    discount factors ``delta1`` (first proposer) and ``delta2``, the first
    offer is accepted and gives the proposer ``(1 - delta2) / (1 - delta1
    delta2)`` (Rubinstein 1982).

    Parameters
    ----------
    delta1, delta2 : float
        Discount factors in [0, 1], not both 1.

    Raises
    ------
    InvalidGameError
        If a factor is outside [0, 1] or both are 1 (no unique equilibrium).

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import rubinstein_share
    >>> rubinstein_share(0.9, 0.9)
    0.526315789
    >>> rubinstein_share(0.9, 0.8)
    0.714285714
    """
    d1 = _check_delta(delta1, "delta1")
    d2 = _check_delta(delta2, "delta2")
    if d1 == 1.0 and d2 == 1.0:
        raise InvalidGameError(
            "delta1 and delta2 are both 1: without impatience every split is an "
            "equilibrium; give at least one discount factor below 1"
        )
    return (1.0 - d2) / (1.0 - d1 * d2)


def _rubinstein_first_mover(
    problem: BargainingProblem, delta1: float, delta2: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Stationary SPE proposals ``(x, y)`` when player 0 proposes first.

    ``G(s)`` is player 2's best gain when player 1 gains ``s`` (concave,
    non-increasing, piecewise linear).  The equilibrium solves
    ``Phi(s) = G(s) - delta2 G(delta1 s) = 0``; ``Phi`` is non-increasing
    (``G`` concave) with ``Phi(0) > 0``, so ``s* = sup {s : Phi(s) >= 0}``.
    ``Phi`` is linear between its breakpoints, so bracketing ``s*`` between
    two breakpoints and solving the linear piece is exact.
    """
    chain = problem.individually_rational_polyline()
    d = problem.disagreement
    xs, ys = chain[:, 0], chain[:, 1]
    span = float(xs[-1] - d[0])

    def gain2(s: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = np.interp(d[0] + s, xs, ys) - d[1]
        return result

    def phi(s: NDArray[np.float64]) -> NDArray[np.float64]:
        return gain2(s) - delta2 * gain2(delta1 * s)

    kinks = xs - d[0]
    breaks = [np.array([0.0, span]), kinks]
    if delta1 > 0:  # s where delta1 * s reaches a kink
        breaks.append(kinks[kinks <= delta1 * span] / delta1)
    grid = np.unique(np.clip(np.concatenate(breaks), 0.0, span))
    values = phi(grid)
    nonnegative = np.flatnonzero(values >= 0)
    j = int(nonnegative[-1])  # values[0] = (1 - delta2) G(0) >= 0
    if j == len(grid) - 1:
        s = span
    else:
        s0, s1, f0, f1 = grid[j], grid[j + 1], values[j], values[j + 1]
        s = float(s0 + f0 * (s1 - s0) / (f0 - f1))
    x = np.array([d[0] + s, d[1] + float(gain2(np.array([s]))[0])])
    if s == span:
        x = np.array(chain[-1])
    y1 = max(d[0] + delta1 * s, float(xs[0]))
    y = np.array([y1, float(np.interp(y1, xs, ys))])
    ranges = problem.utility_ranges
    accept_x = (d[1] + delta2 * (y[1] - d[1]) - x[1]) / ranges[1]  # <= 0: 2 accepts x
    accept_y = (d[0] + delta1 * (x[0] - d[0]) - y[0]) / ranges[0]  # <= 0: 1 accepts y
    # the proposer leaves no slack unless it already takes its maximum
    slack_x = 0.0 if s == span else abs(accept_x)
    slack_y = 0.0 if y1 == float(xs[0]) else abs(accept_y)
    gap = max(accept_x, accept_y, slack_x, slack_y, 0.0)
    return x, y, gap


def solve_rubinstein(
    problem: BargainingProblem,
    discounts: Sequence[float],
    proposer: int | str = 0,
    *,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """Rubinstein's alternating offers over the feasible set of a two-player problem.

    The players alternate proposals of feasible points (lotteries allowed);
    a rejected proposal costs a period, in which player ``i``'s gain over
    ``d`` shrinks by the factor ``delta_i`` (Binmore et al. 1986).  In the
    stationary subgame-perfect equilibrium player 1 always proposes ``x``
    and player 2 always proposes ``y``, both Pareto optimal, with each
    responder indifferent between accepting and waiting::

        y_1 - d_1 = delta_1 (x_1 - d_1),   x_2 - d_2 = delta_2 (y_2 - d_2)

    (unless a proposer can take their maximum and still be accepted).  The
    first proposal is accepted at once.

    Parameters
    ----------
    problem : BargainingProblem
        A two-player problem.
    discounts : sequence of two floats
        Each player's per-period discount factor in [0, 1], not both 1.
    proposer : int or str
        The player who proposes first (index or name).
    tol : float
        Relative tolerance of the certificate.

    Returns
    -------
    BargainingSolution
        The first proposal and a lottery realising it; ``message`` also
        reports the counter-proposal the other player would make.

    Raises
    ------
    InvalidGameError
        If the problem does not have two players, or for bad discounts.

    Notes
    -----
    On a unit pie with ``d = 0`` the first proposer gets
    :func:`rubinstein_share`; as both discount factors tend to 1 the
    proposals converge to the Nash bargaining solution (with weights
    ``log(delta_j) / (log(delta_1) + log(delta_2))`` for player ``i``,
    ``j != i``, as the period length shrinks).  The equation for ``x_1`` is
    solved exactly: player 2's best gain ``G(s)`` when player 1 gains ``s``
    is concave and piecewise linear, so ``Phi(s) = G(s) - delta2 G(delta1 s)``
    is non-increasing and piecewise linear; ``s* = sup {s : Phi(s) >= 0}`` is
    bracketed between two breakpoints and read off the linear piece.

    Examples
    --------
    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> from kurilsim.solvers.bargaining import solve_rubinstein
    >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    >>> solve_rubinstein(pie, [0.9, 0.8]).utilities
    array([0.714, 0.286])
    >>> solve_rubinstein(pie, [0.9, 0.8], proposer=1).utilities
    array([0.643, 0.357])
    """
    problem = _check_problem(problem)
    tol = _check_tol(tol)
    if problem.n_players != 2:
        raise InvalidGameError(
            f"alternating offers need a two-player problem, this one has "
            f"{problem.n_players} players"
        )
    if (
        isinstance(discounts, str)
        or not hasattr(discounts, "__len__")
        or len(discounts) != 2
    ):
        raise InvalidGameError(
            "discounts must be two discount factors (one per player), got "
            f"{describe(discounts)}"
        )
    deltas = [_check_delta(v, f"discounts[{i}]") for i, v in enumerate(discounts)]
    if deltas[0] == 1.0 and deltas[1] == 1.0:
        raise InvalidGameError(
            "both discount factors are 1: without impatience there is no unique "
            "equilibrium; give at least one below 1"
        )
    first = problem.player_index(proposer, name="proposer")
    if not _agreement_possible(problem, tol):
        return _disagreement_solution(
            problem,
            "rubinstein",
            tol,
            "no feasible point improves on d for both players",
        )
    if first == 0:
        x, y, gap = _rubinstein_first_mover(problem, deltas[0], deltas[1])
    else:
        swapped = BargainingProblem(
            problem.points[:, ::-1],
            problem.disagreement[::-1],
            labels=problem.labels,
            players=problem.players[::-1],
            disagreement_label=problem.disagreement_label,
        )
        x, y, gap = _rubinstein_first_mover(swapped, deltas[1], deltas[0])
        x, y = x[::-1].copy(), y[::-1].copy()
    other = problem.players[1 - first]
    counter = ", ".join(f"{v:.6g}" for v in y)
    return _certify(
        problem,
        "rubinstein",
        x,
        _polyline_lottery(problem, x),
        tol=tol,
        optimality_gap=gap,
        agreement_possible=True,
        method="piecewise-linear-root",
        message=(
            f"{problem.players[first]} proposes first; {other}'s counter-proposal "
            f"would be ({counter})"
        ),
    )
