"""The result of every bargaining solver over lotteries: :class:`BargainingSolution`."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["BargainingSolution"]

# Headline of each solver solution, by BargainingSolution.solution (the first
# line of str() and of the solvers' error messages).  These name a solver's
# answer for a BargainingProblem, not a scenario concept of kurilsim.concepts;
# where a registered concept has the same name, the headline starts with that
# concept's title ("Nash bargaining", "Kalai–Smorodinsky", "Rubinstein
# alternating offers", "Baron–Ferejohn legislative bargaining") and says which
# object it is.  "egalitarian" is a solver-level solution only.
_TITLES: Final = {
    "nash-bargaining": "Nash bargaining solution",
    "kalai-smorodinsky": "Kalai–Smorodinsky solution",
    "egalitarian": "Egalitarian (leximin) solution",
    "rubinstein": "Rubinstein alternating offers (stationary equilibrium)",
    "baron-ferejohn": "Baron–Ferejohn legislative bargaining (ex-ante expected outcome)",
}


@dataclass(frozen=True, slots=True, eq=False)
class BargainingSolution:
    """A certified bargaining solution.

    Every solver checks its candidate before returning it: the lottery
    reproduces ``utilities``, and the Pareto gap, the IR gap and the
    optimality gap are at most ``tol`` (Baron–Ferejohn: only the optimality
    gap; the other two are reported) -- or :class:`~kurilsim.SolverError` is
    raised.

    Attributes
    ----------
    solution : str
        Which solution this is: ``"nash-bargaining"``,
        ``"kalai-smorodinsky"``, ``"egalitarian"``, ``"rubinstein"`` or
        ``"baron-ferejohn"`` -- the solver, not a scenario concept of
        :mod:`kurilsim.concepts` (``"egalitarian"`` has no concept; the
        other names coincide with the concepts built on these solvers).
    utilities : ndarray, shape (n,)
        Each player's utility at the solution (Baron–Ferejohn: the ex-ante
        expected utilities, before the proposer is drawn).
    lottery : ndarray, shape (m + 1,)
        Probabilities of the outcomes, the disagreement point last, whose
        expected utilities are ``utilities`` (within ``tol``).
    support : tuple of str
        Labels of the outcomes the lottery uses (the problem's
        ``disagreement_label`` for the disagreement point).
    players : tuple of str
    agreement_possible : bool
        Whether some feasible point gives *every* player strictly more than
        the disagreement point (by more than ``tol`` times their utility
        range).  If not, the Nash solution is the disagreement point.
    pareto_gap : float
        The largest uniform improvement on ``utilities`` that a lottery
        offers, in units of each player's utility range (a linear program,
        :meth:`BargainingProblem.pareto_gap`); at most ``tol`` (Baron–Ferejohn:
        reported, not required -- a majority may impose an inefficient deal).
    ir_gap : float
        The largest shortfall of any player below the disagreement point, in
        units of their utility range; at most ``tol`` (Baron–Ferejohn:
        reported, not required -- a majority may impose a loss on the others).
    optimality_gap : float
        How far ``utilities`` is from meeting the solution's defining
        condition; at most ``tol``.  Nash: the Frank–Wolfe gap ``max_v
        sum_i w_i (v_i - u_i) / (u_i - d_i)`` over feasible ``v`` (weights
        summing to one), an upper bound on how much the weighted log Nash
        product could still grow, divided by the largest sum of the absolute
        values of its terms when that exceeds 1 (tiny gains make the terms
        large, and rounding would otherwise dominate).
        Kalai–Smorodinsky: the shortfall of the smallest share ``(u_i -
        d_i) / (I_i - d_i)`` of the ideal gains below the largest share
        ``t*`` that some lottery gives everyone (where the segment from ``d``
        to ``I`` leaves the set).  Egalitarian: the shortfall of the smallest
        gain below the largest equal gain, relative to the largest utility
        range.  Rubinstein: the violation of the acceptance (indifference)
        conditions, relative to the ranges.  Baron–Ferejohn: the largest of
        the fixed-point residual ``|T(v) - v|`` of the continuation values,
        the violation of any coalition member's acceptance condition and of
        any proposer's preference for proposing over delay, relative to the
        ranges.
    tol : float
        The relative tolerance the certificate was checked against.
    message : str
        A one-line account of how the solution was computed.
    method : str
        The algorithm that found it: ``"frontier-edges"`` (Nash, two
        players: closed form on the edges of the Pareto frontier),
        ``"facet"`` (Nash: closed form on a Pareto facet of the hull),
        ``"dual-barrier"`` (Nash: barrier method on the dual, polished by
        Newton), ``"ray"`` (Kalai–Smorodinsky and egalitarian, two players:
        exact exit of a ray from the feasible set), ``"leximin-lp"`` (their
        lexicographic maxmin by linear programs), ``"piecewise-linear-root"``
        (Rubinstein), ``"fixed-point"`` or ``"fixed-point+newton"``
        (Baron–Ferejohn; Newton when proposers mix coalitions), or
        ``"disagreement"`` (no agreement helps every player).
    proposals : ndarray, shape (n, n), or None
        Baron–Ferejohn only (``None`` otherwise): row ``i`` is the (expected)
        utility vector that player ``i`` proposes when recognised; the
        realised outcome is row ``i`` with probability ``1/n``.

    Notes
    -----
    :attr:`certificate` is the headline error measure, the one
    :func:`kurilsim.solve_scenario` reports: the Pareto gap for the
    axiomatic solutions and Rubinstein's equilibrium (whose defining
    conditions are measured by ``optimality_gap``, also at most ``tol``), the
    optimality gap -- the equilibrium residual -- for Baron–Ferejohn, which
    need not be efficient.
    """

    solution: str
    utilities: NDArray[np.float64]
    lottery: NDArray[np.float64]
    support: tuple[str, ...]
    _: KW_ONLY
    players: tuple[str, ...]
    agreement_possible: bool
    pareto_gap: float
    ir_gap: float
    optimality_gap: float
    tol: float
    message: str = ""
    method: str = ""
    proposals: NDArray[np.float64] | None = None

    @property
    def certificate(self) -> float:
        """The checked error measure: the Pareto gap, or for Baron–Ferejohn the optimality gap.

        At most :attr:`tol` (see the Notes of the class).
        """
        if self.solution == "baron-ferejohn":
            return self.optimality_gap
        return self.pareto_gap

    @property
    def agreement_probability(self) -> float:
        """Probability that the lottery ends in an agreement (not in ``d``)."""
        return float(1.0 - self.lottery[-1])

    def __repr__(self) -> str:
        u = np.array2string(self.utilities, precision=6, separator=", ")
        return (
            f"BargainingSolution(solution={self.solution!r}, utilities={u}, "
            f"support={list(self.support)!r}, pareto_gap={self.pareto_gap:.2g})"
        )

    def __str__(self) -> str:
        values = ", ".join(
            f"{name} {u:.6g}"
            for name, u in zip(self.players, self.utilities, strict=True)
        )
        used = np.flatnonzero(self.lottery > 0)
        parts = [
            f"{p:.4g} × {label}"
            for p, label in zip(self.lottery[used], self.support, strict=True)
        ]
        status = "" if self.agreement_possible else " (no agreement benefits everyone)"
        lines = [
            f"{_TITLES.get(self.solution, self.solution)}{status}",
            f"  utilities: {values}",
            f"  lottery:   {', '.join(parts)}",
            (
                f"  certificate: Pareto gap {self.pareto_gap:.2g}, IR gap "
                f"{self.ir_gap:.2g}, optimality gap {self.optimality_gap:.2g} "
                f"(tol {self.tol:.2g})"
            ),
        ]
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)
