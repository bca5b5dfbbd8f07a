"""Baron and Ferejohn's game at many parameter points at once (sweeps).

:func:`baron_ferejohn_points` gives, at each of ``m`` points, what
:func:`~kurilsim.solvers.bargaining.solve_baron_ferejohn` gives there under
the unanimity rule -- the ex-ante lottery, its most likely outcome, the
probability of a deal and the expected utilities -- and
:func:`baron_ferejohn_sweep_kernel` is the scenario concept
``"baron-ferejohn"``'s kernel (:class:`kurilsim.concepts.SweepKernel`),
with the mode's probability as a fourth array.

The characterisation, step by step (unanimity, ``n`` players, scaled
utilities ``Z``, gains ``G_r = Z_r - d`` of the outcomes ``r``):

1. if some weights ``w >= 0`` (summing to 1) make every outcome worse than
   the status quo by a margin, ``G_r . w <= -t`` with ``t > 0``, then
   ``v = d`` is the stationary equilibrium: at ``v = d`` each proposer ``i``
   must give every other player at least its status-quo utility, and any
   such lottery with deal probability ``P`` has ``w_i (z_i - d_i) <= -t P``,
   so the status quo is every proposer's unique best proposal;
2. a point is certified when some ``w`` reaches ``t >= s / (n tol)``
   (:func:`~kurilsim.solvers.bargaining.baron_ferejohn.status_quo_threshold`,
   ``s = 1e-11`` the relaxation of the iteration's tie-breaking program):
   there the per-point solver returns the status quo exactly too (its own
   max-margin program reaches the threshold), and its fixed-point
   iteration, which it skips, would return it to within ``tol`` in deal
   probability and in every scaled utility;
3. ``w`` is searched without a program per point: the max-margin weights
   of one point still open (one small linear program, ``max t`` subject to
   ``G w + t <= 0``) are tried at every open point (one pass over the
   gains), in turn, until every point is certified or has had its own
   program (neighbouring points share their weights: a sweep chunk usually
   needs one or two programs);
4. the points left (a deal is possible there, or the margin is too thin)
   are solved by the per-point solver, one by one, from the point's own
   scenario when the kernel can rebuild it (so that the answers are the
   concept's to the last bit).

Under majority rule a coalition of ``q - 1`` others suffices and step 1
does not apply: every point goes to the per-point solver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._errors import InvalidGameError, KurilsimError, SolverError
from kurilsim.games.bargaining import DEFAULT_TOL, BargainingProblem
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario
from kurilsim.solvers.bargaining._common import _check_rule, _check_tol
from kurilsim.solvers.bargaining.baron_ferejohn import (
    check_continuation,
    solve_baron_ferejohn,
    status_quo_margin,
    status_quo_threshold,
)

__all__ = [
    "BaronFerejohnPoints",
    "baron_ferejohn_points",
    "baron_ferejohn_sweep_kernel",
]

#: Lottery weights at most this small are left out of an outcome's
#: distribution, as the scenario concept does.
_NEGLIGIBLE: Final = 1e-12


class _PointFailed(KurilsimError, RuntimeError):
    """The per-point solver failed at a point the kernel passed to it.

    Not a :class:`SolverError` on purpose: :func:`kurilsim.sweep` answers any
    other :class:`KurilsimError` from a kernel by solving the chunk point by
    point, which records the failing point's own error.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class BaronFerejohnPoints:
    """The stationary equilibrium of Baron and Ferejohn's game at ``m`` points.

    Attributes
    ----------
    lottery : ndarray, shape (m, k + 1)
        The ex-ante lottery over the outcomes, the status quo last.
    agreement : ndarray of intp, shape (m,)
        The most likely outcome (lowest index on a tie), ``NO_DEAL`` where no
        deal is at least as likely, as :attr:`kurilsim.Outcome.agreement`.
        Weights at most ``1e-12`` count as 0, as in the scenario concept.
    probability : ndarray, shape (m,)
        Probability of a deal.
    utilities : ndarray, shape (m, n)
        Each player's expected utility of the lottery (the given units).
    mode_probability : ndarray, shape (m,)
        Probability of the outcome ``agreement`` names (of no deal where it
        is ``NO_DEAL``).
    certified : ndarray of bool, shape (m,)
        True where the status quo was certified vectorially (see
        :mod:`~kurilsim.solvers.bargaining._bf_kernel`); False where the
        per-point solver was run.
    """

    lottery: NDArray[np.float64]
    agreement: NDArray[np.intp]
    probability: NDArray[np.float64]
    utilities: NDArray[np.float64]
    mode_probability: NDArray[np.float64]
    certified: NDArray[np.bool_]

    @property
    def fallbacks(self) -> int:
        """How many points the per-point solver solved."""
        return int(np.count_nonzero(~self.certified))


def _check_utilities(utilities: Any) -> NDArray[np.float64]:
    array = np.asarray(utilities, dtype=np.float64)
    if array.ndim != 3 or array.shape[0] < 2 or array.shape[1] < 1:
        raise InvalidGameError(
            "utilities must have shape (n_players >= 2, outcomes + 1, points), the "
            f"status quo last, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidGameError("utilities must be finite")
    return array


def _inverse_ranges(utilities: NDArray[np.float64]) -> NDArray[np.float64]:
    """One over each player's utility range at each point, shape ``(n, m)``.

    The units of
    :attr:`~kurilsim.games.bargaining.BargainingProblem.scaled_lottery_points`
    (a player whose utility never changes has range 1).
    """
    spans = utilities.max(axis=1) - utilities.min(axis=1)
    result: NDArray[np.float64] = 1.0 / np.where(spans > 0, spans, 1.0)
    return result


def _margins(
    utilities: NDArray[np.float64], inverse: NDArray[np.float64], w: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``-max_r G_r . w`` at every point, ``G_r`` the scaled gain of outcome ``r``.

    ``utilities`` has shape ``(n, k + 1, p)`` (status quo last), ``inverse``
    ``(n, p)`` (:func:`_inverse_ranges`).  With ``c = w / range`` the margin
    is ``c . d - max_r c . u_r``: no array of gains is formed.
    """
    c = w[:, np.newaxis] * inverse
    players = [j for j in range(len(w)) if w[j] != 0.0]
    total = utilities[players[0], :-1] * c[players[0]]
    term = np.empty_like(total)
    for j in players[1:]:
        np.multiply(utilities[j, :-1], c[j], out=term)
        total += term
    base = np.einsum("ip,ip->p", c, utilities[:, -1])
    result: NDArray[np.float64] = base - total.max(axis=0)
    return result


def _status_quo_certified(
    utilities: NDArray[np.float64], threshold: float
) -> NDArray[np.bool_]:
    """Where some weights ``w`` give every outcome a margin of ``threshold``
    below the status quo (steps 1 to 3 of the module's characterisation).

    ``utilities`` has shape ``(n, k + 1, m)``, the status quo last.  The
    points still open are tried, in turn, with the max-margin weights of the
    middle one of them (one linear program), until none is open or each has
    had its own program; neighbouring points of a sweep share their weights,
    so a chunk usually needs one or two programs.
    """
    _n, outcomes, m = utilities.shape
    certified = np.zeros(m, dtype=bool)
    if outcomes == 1:
        certified[:] = True
        return certified
    inverse = _inverse_ranges(utilities)
    open_ = np.arange(m)
    own = np.zeros(m, dtype=bool)  # given their own program
    part, part_inverse = utilities, inverse
    while len(open_):
        candidates = open_[~own[open_]]
        if not len(candidates):
            break
        pick = int(candidates[len(candidates) // 2])
        own[pick] = True
        column = utilities[:, :, pick]
        gains = (column[:, :-1] - column[:, -1:]) * inverse[:, pick, np.newaxis]
        w, t = status_quo_margin(gains)
        if t < threshold:
            continue
        good = _margins(part, part_inverse, w) >= threshold
        certified[open_[good]] = True
        open_ = open_[~good]
        if 0 < len(open_) < part.shape[-1]:
            part, part_inverse = part[:, :, ~good], part_inverse[:, ~good]
    return certified


def _summary(
    lottery: NDArray[np.float64], index: NDArray[np.intp], table: NDArray[np.float64]
) -> tuple[int, float, NDArray[np.float64], float]:
    """Mode, P(deal), expected utilities and mode probability of one lottery.

    Computed as the scenario concept reads the solver's lottery (weights at
    most ``1e-12`` dropped, the most likely deal unless no deal is likelier,
    ``table @ weights``), in the same order of operations, so that the
    numbers are the concept's to the last bit.  ``index[r]`` is the outcome
    (column of ``table``) of the lottery's entry ``r``; the status quo is
    the last entry and column.
    """
    distribution = {
        int(index[r]): float(p) for r, p in enumerate(lottery[:-1]) if p > _NEGLIGIBLE
    }
    if lottery[-1] > _NEGLIGIBLE:
        distribution[NO_DEAL] = float(lottery[-1])
    weights = np.zeros(table.shape[1])
    for key, p in distribution.items():
        weights[key] += p  # NO_DEAL = -1 is the last column
    expected: NDArray[np.float64] = table @ weights
    deals = {key: p for key, p in distribution.items() if key != NO_DEAL}
    probability = float(sum(deals.values()))
    none = distribution.get(NO_DEAL, 0.0)
    if deals:
        best = max(deals.items(), key=lambda item: item[1])[0]
        if deals[best] >= none:
            return best, probability, expected, deals[best]
    return NO_DEAL, probability, expected, none


def baron_ferejohn_points(
    utilities: Any,
    delta: float,
    rule: str = "unanimity",
    *,
    tol: float = DEFAULT_TOL,
) -> BaronFerejohnPoints:
    """Baron and Ferejohn's stationary equilibrium at many points at once.

    What :func:`~kurilsim.solvers.bargaining.solve_baron_ferejohn` gives at
    each point, read as the scenario concept ``"baron-ferejohn"`` reads it:
    the status quo wherever it is certified vectorially (see the module
    :mod:`~kurilsim.solvers.bargaining._bf_kernel`), the per-point solver's
    answer elsewhere.

    Parameters
    ----------
    utilities : array_like, shape (n, k + 1, m)
        Player ``i``'s utility of outcome ``r`` at point ``p`` in
        ``utilities[i, r, p]``, the status quo (the disagreement point) last:
        the layout of :class:`kurilsim.concepts.SweepKernel`.
    delta : float
        Probability that bargaining continues after a rejection, in [0, 1).
    rule : {"unanimity", "majority"}
        Votes a proposal needs.  Under majority rule every point is solved
        by the per-point solver.
    tol : float
        The per-point solver's tolerance; the certified points' lottery is
        the per-point solver's to within ``tol`` (deal probability and
        range-scaled utilities).

    Returns
    -------
    BaronFerejohnPoints

    Raises
    ------
    InvalidGameError
        For utilities of another shape or not finite, ``delta`` outside
        [0, 1), an unknown rule or a bad ``tol``.
    SolverError
        If the per-point solver fails at a point it is run on.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers.bargaining._bf_kernel import baron_ferejohn_points
    >>> utilities = np.array([  # 3 players x (2 outcomes + status quo) x 2 points
    ...     [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]],
    ...     [[-1.0, 0.5], [1.0, 1.0], [0.0, 0.0]],
    ...     [[-1.0, 1.0], [-1.0, 1.0], [0.0, 0.0]],
    ... ])
    >>> found = baron_ferejohn_points(utilities, 0.9)
    >>> found.agreement.tolist(), found.certified.tolist()
    ([-1, 0], [True, False])
    >>> found.probability.round(6).tolist()
    [0.0, 1.0]
    """
    array = _check_utilities(utilities)
    delta = check_continuation(delta)
    tol = _check_tol(tol)
    _check_rule(rule, array.shape[0])
    keep = np.arange(array.shape[1] - 1)
    return _points(array, keep, delta, rule, tol, None)


#: A point's own bargaining problem and outcome table ``(n, K + 1)``, given
#: its index.
_ProblemOf = Callable[[int], tuple[BargainingProblem, NDArray[np.float64]]]


def _points(
    array: NDArray[np.float64],
    keep: NDArray[np.intp],
    delta: float,
    rule: str,
    tol: float,
    problem_of: _ProblemOf | None,
) -> BaronFerejohnPoints:
    """:func:`baron_ferejohn_points` of checked arguments.

    ``array`` holds the utilities of the outcomes ``keep`` (columns of the
    points' full tables) and of the status quo, last.  The points the status
    quo is not certified at are solved by the per-point solver on
    ``problem_of(p)`` (the problem over ``keep`` and the point's full table),
    if given, else on the column of ``array``; ``lottery`` is over ``keep``
    and the status quo, ``agreement`` in the full tables' indices.
    """
    n, outcomes, m = array.shape
    if _check_rule(rule, n) == n:  # every player must consent
        certified = _status_quo_certified(array, status_quo_threshold(n, tol))
    else:
        certified = np.zeros(m, dtype=bool)
    lottery = np.zeros((m, outcomes))
    lottery[certified, -1] = 1.0
    # the status quo where certified: no deal, for sure, its utilities
    agreement = np.full(m, NO_DEAL, dtype=np.intp)
    probability = np.zeros(m)
    expected = np.ascontiguousarray(array[:, -1].T)
    mode = np.ones(m)
    for p in np.flatnonzero(~certified).tolist():
        if problem_of is None:
            table = np.ascontiguousarray(array[:, :, p])
            problem = BargainingProblem(table[:, :-1].T, table[:, -1])
        else:
            problem, table = problem_of(p)
        lottery[p] = solve_baron_ferejohn(problem, delta, rule, tol=tol).lottery
        agreement[p], probability[p], expected[p], mode[p] = _summary(
            lottery[p], keep, table
        )
    return BaronFerejohnPoints(
        lottery=readonly(lottery),
        agreement=readonly(agreement),
        probability=readonly(probability),
        utilities=readonly(expected),
        mode_probability=readonly(mode),
        certified=readonly(certified),
    )


def baron_ferejohn_sweep_kernel(
    scenario: Scenario,
    utilities: NDArray[np.float64],
    settings: Mapping[str, NDArray[Any]],
    /,
) -> tuple[
    NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
]:
    """The ``"baron-ferejohn"`` concept at the points of a sweep chunk.

    The kernel of :class:`kurilsim.concepts.SweepKernel` for the concept's
    default options (unanimity, the solver's default ``tol``), with a fourth
    array: the probability of the outcome the first names.  As the concept
    does, it bargains over the agreements the protocol's veto leaves, among
    all agents, with ``delta`` the mean of their discount factors.

    Parameters
    ----------
    scenario : Scenario
        The base scenario of the chunk (its protocol and agreement space).
    utilities : ndarray, shape (n_agents, len(scenario.space) + 1, m)
        The outcome utilities at the points, status quo last.
    settings : mapping
        Unused: the concept reads no protocol setting as an array.

    Returns
    -------
    agreement : ndarray of intp, shape (m,)
        The most likely agreement's index, ``NO_DEAL`` where no deal is at
        least as likely.
    probability : ndarray, shape (m,)
        Probability of a deal.
    utilities : ndarray, shape (m, n_agents)
        Expected utilities.
    mode_probability : ndarray, shape (m,)
        Probability of ``agreement`` (of no deal where it is ``NO_DEAL``).

    Raises
    ------
    InvalidGameError
        If the protocol's mean discount factor is 1.
    KurilsimError
        If the per-point solver fails at a point the kernel cannot certify
        (sweeps then solve the chunk point by point, recording the error).

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.solvers.bargaining._bf_kernel import baron_ferejohn_sweep_kernel
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> table = scenario.outcome_utilities(
    ...     {"russia.security_weight": [1.0, 3.0]}, points_last=True)
    >>> agreement, probability, utilities, mode = baron_ferejohn_sweep_kernel(
    ...     scenario, table, {})
    >>> agreement.tolist(), probability.tolist(), mode.tolist()
    ([-1, -1], [0.0, 0.0], [1.0, 1.0])
    """
    from kurilsim.games.negotiation import vetoed

    array = np.asarray(utilities, dtype=np.float64)
    n_agreements = len(scenario.space)
    m = array.shape[-1]
    keep = np.flatnonzero(~vetoed(scenario))
    protocol = scenario.protocol
    delta = float(np.mean([protocol.discount_factor(a) for a in scenario.agent_names]))
    if not len(keep):  # the veto rules out every agreement
        return (
            np.full(m, NO_DEAL, dtype=np.intp),
            np.zeros(m),
            np.ascontiguousarray(array[:, -1].T),
            np.ones(m),
        )
    tol = DEFAULT_TOL
    check_continuation(delta)  # the agents' mean discount factor
    swept = {
        name: np.asarray(values)
        for name, values in settings.items()
        if scenario.agent_parameter(name) is not None
    }

    def problem_of(p: int) -> tuple[BargainingProblem, NDArray[np.float64]]:
        """The point's problem and table, built as the concept builds them
        from the point's own scenario (whose table may differ from the
        sweep's in the last bit, and the solver's answer may depend on the
        problem's memory layout in the last bits); from the utilities given
        if the settings do not reproduce them."""
        given = np.ascontiguousarray(array[:, :, p])
        point = scenario
        if swept:
            point = scenario.with_params({k: v[p].item() for k, v in swept.items()})
        table = point.outcome_utilities()
        scale = np.abs(given).max() + 1.0
        if not np.all(np.abs(table - given) <= 1e-9 * scale):
            table = given
            points = table[:, :-1].T
        else:
            points = BargainingProblem.from_scenario(point).points
        if len(keep) < n_agreements:
            points = points[keep]
        return BargainingProblem(points, table[:, -1]), table

    kept = array if len(keep) == n_agreements else array[:, np.append(keep, n_agreements)]
    try:
        found = _points(kept, keep, delta, "unanimity", tol, problem_of)
    except SolverError as error:
        raise _PointFailed(str(error)) from error
    return (
        np.array(found.agreement),
        np.array(found.probability),
        np.array(found.utilities),
        np.array(found.mode_probability),
    )
