"""Nash bargaining and Kalai-Smorodinsky over a discrete set of agreements.

The bargaining concepts of :mod:`kurilsim.solvers.bargaining` work on the
convex hull of the agreements: their answer is usually a lottery.  A treaty
over sovereignty is hard to randomise, so these variants pick one agreement:

* **Nash**: among agreements both parties weakly prefer to the status quo,
  the one maximising the product of their gains ``g_1 g_2``;
* **Kalai-Smorodinsky**: the one maximising ``min_i g_i / ĝ_i``, where ``ĝ_i``
  is party ``i``'s largest gain over those agreements; among equal minima the
  one with the larger sum ``Σ_i g_i / ĝ_i``, so that the choice is never
  Pareto-dominated.

No deal when no agreement gives both parties a positive gain.  Ties (within
a relative 1e-12) go to the first agreement in the space's order.  Two
implementations: :func:`discrete_bargaining` for one utility table (a plain
loop, the reference) and :func:`discrete_bargaining_kernel` for many at once
(arrays, used by sweeps); tests check they agree.
:func:`solve_discrete_bargaining` wraps the reference in a certified
:class:`DiscreteBargainingResult`, whose certificate
:func:`discrete_bargaining_certificate` recomputes from the utilities alone
(individual rationality and the rule's objective), so a wrong choice shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_choice, check_int, check_real, describe, real_array
from kurilsim._errors import InvalidGameError, SolverError
from kurilsim.model.agreements import NO_DEAL

__all__ = [
    "DiscreteBargainingResult",
    "discrete_bargaining",
    "discrete_bargaining_certificate",
    "discrete_bargaining_kernel",
    "solve_discrete_bargaining",
]

Rule = Literal["nash-bargaining", "kalai-smorodinsky"]

# Scores within this relative distance of the best are ties (both rules).
_TIE: Final = 1e-12


def _check_options(rule: object, tol: object) -> float:
    """Check ``rule`` and return ``tol`` (a finite number in [0, 1))."""
    check_choice(
        rule, "rule", ("nash-bargaining", "kalai-smorodinsky"), error=InvalidGameError
    )
    return check_real(tol, "tol", low=0, high=1, high_open=True, error=InvalidGameError)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscreteBargainingResult:
    """The agreement two parties settle on, with its certificate.

    Attributes
    ----------
    index : int
        The chosen agreement (an index into the utility vectors), or
        :data:`kurilsim.NO_DEAL` (-1) for no deal.
    utilities : ndarray, shape (2,)
        Each party's utility of the chosen agreement (of the status quo for
        no deal), read-only.
    certificate : float
        How far the choice is from the rule's, in the units of ``tol``
        (relative; :func:`discrete_bargaining_certificate` computes it from
        the utilities alone): the larger of

        * the *IR shortfall*: the largest ``max(d_i - u_i, 0) / r_i`` over
          the two parties, where ``r_i`` is party ``i``'s utility range over
          all the outcomes (1 if constant) -- the rule admits agreements up
          to ``tol`` below the status quo in these units;
        * the *optimality gap*: the fraction of the best score, over the
          admitted agreements, that the choice forgoes -- for
          ``"nash-bargaining"`` ``(P* - P) / P*`` with ``P`` the product of
          the (clipped) gains, for ``"kalai-smorodinsky"`` ``(t* - t) /
          t*`` with ``t`` the smallest share of the ideal gains, and among
          agreements tied at ``t*`` the same for the sum of the shares (the
          tie-break).  A choice within the rule's tie tolerance (relative
          1e-12) of the best counts as 0.  No deal scores 0: it has gap 1
          when some agreement scores more, and a deal has gap 1 when none
          does (the rule then says no deal).

        In [0, 1]: 0 for the rule's own choice (which gives both parties a
        positive gain), more than ``tol`` for a choice the rule would not
        make unless its score is within ``tol`` of the best.  Which of
        several exactly tied agreements was taken is not checked (the rule
        takes the first).
    tol : float
        The relative tolerance of the rule ("weakly prefers"): the result is
        certified when ``certificate <= tol``.
    message : str
        One line: what was chosen and why.
    method : str
        The algorithm: ``"enumeration"`` (every agreement is scored).
    rule : str
        The bargaining rule: ``"nash-bargaining"`` or ``"kalai-smorodinsky"``.
    """

    index: int
    utilities: NDArray[np.float64]
    certificate: float
    tol: float
    message: str
    method: str
    rule: str

    @property
    def is_deal(self) -> bool:
        """Whether the parties agree on something (``index != NO_DEAL``)."""
        return self.index != NO_DEAL


def _utility_vectors(
    first: ArrayLike, second: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The two checked utility vectors (one length >= 2, finite)."""
    u = (
        real_array(first, "first", error=InvalidGameError),
        real_array(second, "second", error=InvalidGameError),
    )
    if u[0].shape != u[1].shape or u[0].ndim != 1 or len(u[0]) < 2:
        raise InvalidGameError(
            "first and second must be utility vectors of one length >= 2, got "
            f"shapes {u[0].shape} and {u[1].shape}: {describe(first)} and "
            f"{describe(second)}"
        )
    return u


def solve_discrete_bargaining(
    first: ArrayLike,
    second: ArrayLike,
    *,
    rule: Rule = "nash-bargaining",
    tol: float = 1e-12,
) -> DiscreteBargainingResult:
    """The agreement two parties settle on, as a certified result.

    :func:`discrete_bargaining` with the chosen agreement's utilities and its
    certificate (:func:`discrete_bargaining_certificate`: the shortfall below
    the status quo and the optimality gap for the rule's objective, relative).

    Parameters
    ----------
    first, second : array_like, shape (n_agreements + 1,)
        Each party's utility of every agreement, the status quo last.
    rule : {"nash-bargaining", "kalai-smorodinsky"}
    tol : float
        Relative tolerance (times each party's utility range) for "weakly
        prefers" and for ties, in [0, 1).

    Returns
    -------
    DiscreteBargainingResult

    Raises
    ------
    InvalidGameError
        If ``first`` and ``second`` are not finite real vectors of one length
        (at least 2), or for a bad ``rule`` or ``tol``.
    SolverError
        If the choice fails its certificate (``certificate > tol``), which
        would be a bug.

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import solve_discrete_bargaining
    >>> result = solve_discrete_bargaining([3.0, 2.0, 1.0, 0.0], [0.5, 1.5, 2.0, 0.0])
    >>> result.index, result.utilities, result.certificate
    (1, array([2. , 1.5]), 0.0)
    >>> result.rule, result.method
    ('nash-bargaining', 'enumeration')
    >>> print(result.message)
    agreement 1 (gains 2, 1.5 over the status quo) by the nash-bargaining rule
    >>> solve_discrete_bargaining([3.0, -1.0, 0.0], [-1.0, 2.0, 0.0]).index
    -1
    """
    index = discrete_bargaining(first, second, rule=rule, tol=tol)
    u = _utility_vectors(first, second)
    status_quo = np.array([u[0][-1], u[1][-1]])
    chosen = np.array([u[0][index], u[1][index]])  # index -1: the status quo
    certificate = discrete_bargaining_certificate(
        first, second, index, rule=rule, tol=tol
    )
    if not certificate <= tol:  # pragma: no cover - a bug in the selection
        raise SolverError(
            f"the {rule} rule chose agreement {index} with certificate "
            f"{certificate:.3g} > tol {tol:.3g}"
        )
    if index == NO_DEAL:
        message = f"no deal: no agreement gives both parties a gain ({rule} rule)"
    else:
        gains = ", ".join(f"{g:.6g}" for g in chosen - status_quo)
        message = (
            f"agreement {index} (gains {gains} over the status quo) by the {rule} rule"
        )
    return DiscreteBargainingResult(
        index=index,
        utilities=readonly(chosen),
        certificate=certificate,
        tol=float(tol),
        message=message,
        method="enumeration",
        rule=str(rule),
    )


def discrete_bargaining_certificate(
    first: ArrayLike,
    second: ArrayLike,
    index: int,
    *,
    rule: Rule = "nash-bargaining",
    tol: float = 1e-12,
) -> float:
    """How far ``index`` is from the rule's choice, in the relative units of ``tol``.

    The checker behind :attr:`DiscreteBargainingResult.certificate`,
    recomputed from the utilities with arrays (independently of the
    selection loop of :func:`discrete_bargaining`), and the tests' oracle.
    The value is the larger of

    1. the IR shortfall: ``max_i max(d_i - u_i, 0) / r_i`` for the chosen
       utilities ``u`` (the status quo ``d`` for no deal), with ``r_i`` party
       ``i``'s utility range over all outcomes (1 if constant);
    2. the optimality gap among the *admitted* agreements (both gains at
       least ``-tol * r_i``), scored as the rule scores them with gains
       clipped at 0: ``(best - score) / best`` for the Nash product of the
       gains or the Kalai-Smorodinsky smallest share ``min_i g_i / ĝ_i`` of
       the ideal gains ``ĝ_i`` (and, among agreements tied with the best
       share, the same for the sum of the shares).  Gaps within the rule's
       tie tolerance (relative 1e-12) are 0.  No deal scores 0, so it has
       gap 1 when some agreement scores more; a deal has gap 1 when no
       agreement scores more than 0 (the rule then picks no deal), and so
       does an agreement the rule does not admit.

    The rule's choice has certificate 0 (it gives both parties a positive
    gain and the best score); which of several exactly tied agreements was
    chosen is not checked (the rule takes the first).  An agreement the rule
    does not admit has gap 1, which bounds its IR shortfall.

    Parameters
    ----------
    first, second : array_like, shape (n_agreements + 1,)
        Each party's utility of every agreement, the status quo last.
    index : int
        The choice to certify: an agreement index in ``[0, n_agreements)``
        or :data:`kurilsim.NO_DEAL` (-1).
    rule : {"nash-bargaining", "kalai-smorodinsky"}
    tol : float
        Relative tolerance for "weakly prefers", in [0, 1).

    Returns
    -------
    float
        The certificate, in [0, 1].

    Raises
    ------
    InvalidGameError
        If ``first`` and ``second`` are not finite real vectors of one length
        (at least 2), for an ``index`` out of range, or for a bad ``rule`` or
        ``tol``.

    Examples
    --------
    Gains (3, 1), (2, 2), (1, 3): Nash products 3, 4, 3.

    >>> from kurilsim.solvers.bargaining import discrete_bargaining_certificate
    >>> first, second = [3.0, 2.0, 1.0, 0.0], [1.0, 2.0, 3.0, 0.0]
    >>> discrete_bargaining_certificate(first, second, 1)
    0.0
    >>> discrete_bargaining_certificate(first, second, 0)  # forgoes 1/4 of the product
    0.25
    >>> discrete_bargaining_certificate(first, second, -1)  # no deal though one helps
    1.0
    """
    tol = _check_options(rule, tol)
    u = np.stack(_utility_vectors(first, second))  # (2, n + 1)
    n = u.shape[1] - 1
    index = check_int(index, "index", low=NO_DEAL, high=n - 1, error=InvalidGameError)
    spread = np.ptp(u, axis=1)
    ranges = np.where(spread > 0, spread, 1.0)
    allowance = tol * ranges  # how far below the status quo the rule admits
    gains = u[:, :n] - u[:, n:]  # (2, n)
    admitted = np.all(gains >= -allowance[:, None], axis=0)
    ir = 0.0
    if index != NO_DEAL:
        shortfall = np.maximum(-gains[:, index], 0.0)
        relative = shortfall / ranges
        # an admitted shortfall is at most tol, whatever the division rounds to
        relative = np.where(shortfall <= allowance, np.minimum(relative, tol), relative)
        ir = float(relative.max())
    return max(ir, _optimality_gap(np.where(admitted, np.maximum(gains, 0.0), 0.0),
                                   index, rule))


def _optimality_gap(gains: NDArray[np.float64], index: int, rule: str) -> float:
    """The relative gap of ``index``'s score to the best (admitted, clipped ``gains``)."""
    n = gains.shape[1]
    sums = None  # the Kalai-Smorodinsky tie-break
    if rule == "nash-bargaining":
        scores = gains[0] * gains[1]
    else:
        ideal = gains.max(axis=1)
        if np.all(ideal > 0):
            shares = gains / ideal[:, None]
            scores, sums = shares.min(axis=0), shares.sum(axis=0)
        else:  # someone gains from no admitted agreement: no deal
            scores = np.zeros(n)
    best = float(scores.max())
    if best <= 0:
        return 0.0 if index == NO_DEAL else 1.0
    score = 0.0 if index == NO_DEAL else float(scores[index])
    if score < best * (1 - _TIE):
        return (best - score) / best
    if sums is not None:
        top = float(sums[scores >= best * (1 - _TIE)].max())
        if sums[index] < top * (1 - _TIE):
            return float((top - sums[index]) / top)
    return 0.0


def discrete_bargaining(
    first: ArrayLike,
    second: ArrayLike,
    *,
    rule: Rule = "nash-bargaining",
    tol: float = 1e-12,
) -> int:
    """The agreement two parties settle on, or -1 (:data:`kurilsim.NO_DEAL`) for no deal.

    Parameters
    ----------
    first, second : array_like, shape (n_agreements + 1,)
        Each party's utility of every agreement, the status quo last.
    rule : {"nash-bargaining", "kalai-smorodinsky"}
    tol : float
        Relative tolerance (times each party's utility range) for "weakly
        prefers" and for ties, in [0, 1).

    Raises
    ------
    InvalidGameError
        If ``first`` and ``second`` are not finite real vectors of one length
        (at least 2), or for a bad ``rule`` or ``tol``.

    Examples
    --------
    >>> from kurilsim.solvers.bargaining.discrete import discrete_bargaining
    >>> discrete_bargaining([3.0, 2.0, 1.0, 0.0], [0.5, 1.5, 2.0, 0.0])
    1
    >>> discrete_bargaining([3.0, -1.0, 0.0], [-1.0, 2.0, 0.0])
    -1
    """
    tol = _check_options(rule, tol)
    u = _utility_vectors(first, second)
    n = len(u[0]) - 1
    eps = [tol * (float(np.ptp(row)) or 1.0) for row in u]
    gains = [[float(row[a] - row[n]) for a in range(n)] for row in u]
    feasible = [
        a for a in range(n) if gains[0][a] >= -eps[0] and gains[1][a] >= -eps[1]
    ]
    secondary = dict.fromkeys(feasible, 0.0)
    if rule == "nash-bargaining":
        scores = {a: max(gains[0][a], 0.0) * max(gains[1][a], 0.0) for a in feasible}
    else:
        ideal = [max((gains[i][a] for a in feasible), default=0.0) for i in (0, 1)]
        if min(ideal) <= 0:
            return NO_DEAL
        ratios = {
            a: (max(gains[0][a], 0.0) / ideal[0], max(gains[1][a], 0.0) / ideal[1])
            for a in feasible
        }
        scores = {a: min(r) for a, r in ratios.items()}
        secondary = {a: sum(r) for a, r in ratios.items()}
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return NO_DEAL
    tied = [a for a in feasible if scores[a] >= best * (1 - _TIE)]
    top = max(secondary[a] for a in tied)
    for a in tied:  # the first within tolerance of the best
        if secondary[a] >= top * (1 - _TIE):
            return a
    return NO_DEAL  # pragma: no cover - the best is attained


def discrete_bargaining_kernel(
    first: NDArray[np.float64],
    second: NDArray[np.float64],
    *,
    rule: Rule = "nash-bargaining",
    tol: float = 1e-12,
) -> NDArray[np.intp]:
    """:func:`discrete_bargaining` for ``m`` points at once.

    ``first`` and ``second`` have shape ``(n_agreements + 1, m)`` (outcomes x
    points, status quo last).  Returns the agreement index per point, -1 for
    no deal.  Only shapes and options are checked (this is a hot loop):
    the values must be finite.

    Raises
    ------
    InvalidGameError
        If ``first`` and ``second`` are not float arrays of one shape
        ``(k, m)`` with ``k >= 2``, or for a bad ``rule`` or ``tol``.
    """
    tol = _check_options(rule, tol)
    shape: tuple[int, ...] | None = None  # first's, once checked
    for name, table in (("first", first), ("second", second)):
        if (
            not isinstance(table, np.ndarray)
            or table.dtype.kind != "f"
            or table.ndim != 2
            or table.shape[0] < 2
            or table.shape != (shape or table.shape)
        ):
            like = "" if shape is None else f" {shape} like first's"
            raise InvalidGameError(
                f"{name} must be a float array of shape{like} (n_agreements + 1, m) "
                f"with n_agreements >= 1, got {describe(table)}"
            )
        shape = table.shape
    n = first.shape[0] - 1
    gains = []
    feasible = np.ones((n, first.shape[1]), dtype=bool)
    for row in (first, second):
        spread = row.max(axis=0) - row.min(axis=0)
        eps = tol * np.where(spread > 0, spread, 1.0)
        gain = row[:n] - row[n]
        feasible &= gain >= -eps
        gains.append(np.maximum(gain, 0.0))
    if rule == "nash-bargaining":
        scores = gains[0] * gains[1] * feasible
    else:
        ideal = [np.where(feasible, g, 0.0).max(axis=0) for g in gains]
        positive = (ideal[0] > 0) & (ideal[1] > 0)
        safe = [np.where(i > 0, i, 1.0) for i in ideal]
        ratio = [gains[0] / safe[0], gains[1] / safe[1]]
        scores = np.minimum(ratio[0], ratio[1]) * feasible
        scores *= positive
    best = scores.max(axis=0)
    within = feasible & (scores >= best * (1 - _TIE))
    if rule != "nash-bargaining":  # among equal minima, the larger sum of ratios
        total = np.where(within, ratio[0] + ratio[1], -1.0)
        top = total.max(axis=0)
        within &= total >= top * (1 - _TIE)
    weights = np.arange(n, 0, -1, dtype=np.int32)[:, None]
    first_index = n - (within * weights).max(axis=0)
    return np.where((best > 0) & (first_index < n), first_index, -1).astype(np.intp)
