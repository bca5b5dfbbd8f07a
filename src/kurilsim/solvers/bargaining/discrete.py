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
:class:`DiscreteBargainingResult`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_choice, check_real, describe, real_array
from kurilsim._errors import InvalidGameError
from kurilsim.model.agreements import NO_DEAL

__all__ = [
    "DiscreteBargainingResult",
    "discrete_bargaining",
    "discrete_bargaining_kernel",
    "solve_discrete_bargaining",
]

Rule = Literal["nash-bargaining", "kalai-smorodinsky"]


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
        How far the chosen agreement falls short of individual rationality:
        the largest ``max(d_i - u_i, 0)`` over the two parties, in utility
        units (0 for no deal).  The rule only admits agreements within
        ``tol`` times each party's utility range of the status quo.
    tol : float
        The relative tolerance of the rule ("weakly prefers" and ties).
    message : str
        One line: what was chosen and why.
    method : str
        The rule: ``"nash-bargaining"`` or ``"kalai-smorodinsky"``.
    """

    index: int
    utilities: NDArray[np.float64]
    certificate: float
    tol: float
    message: str
    method: str

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
    certificate (the shortfall below the status quo).

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

    Examples
    --------
    >>> from kurilsim.solvers.bargaining import solve_discrete_bargaining
    >>> result = solve_discrete_bargaining([3.0, 2.0, 1.0, 0.0], [0.5, 1.5, 2.0, 0.0])
    >>> result.index, result.utilities, result.certificate
    (1, array([2. , 1.5]), 0.0)
    >>> print(result.message)
    agreement 1 (gains 2, 1.5 over the status quo) by the nash-bargaining rule
    >>> solve_discrete_bargaining([3.0, -1.0, 0.0], [-1.0, 2.0, 0.0]).index
    -1
    """
    index = discrete_bargaining(first, second, rule=rule, tol=tol)
    u = _utility_vectors(first, second)
    status_quo = np.array([u[0][-1], u[1][-1]])
    chosen = np.array([u[0][index], u[1][index]])  # index -1: the status quo
    shortfall = float(np.max(np.maximum(status_quo - chosen, 0.0)))
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
        certificate=shortfall,
        tol=float(tol),
        message=message,
        method=str(rule),
    )


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
    tied = [a for a in feasible if scores[a] >= best * (1 - 1e-12)]
    top = max(secondary[a] for a in tied)
    for a in tied:  # the first within tolerance of the best
        if secondary[a] >= top * (1 - 1e-12):
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
    within = feasible & (scores >= best * (1 - 1e-12))
    if rule != "nash-bargaining":  # among equal minima, the larger sum of ratios
        total = np.where(within, ratio[0] + ratio[1], -1.0)
        top = total.max(axis=0)
        within &= total >= top * (1 - 1e-12)
    weights = np.arange(n, 0, -1, dtype=np.int32)[:, None]
    first_index = n - (within * weights).max(axis=0)
    return np.where((best > 0) & (first_index < n), first_index, -1).astype(np.intp)
