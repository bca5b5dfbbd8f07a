"""Bargaining problems: a feasible set of utility vectors and a disagreement point.

A :class:`BargainingProblem` lists the utilities of ``m`` outcomes (agreements)
for ``n >= 2`` players and the disagreement point ``d`` (what each player gets
if no agreement is reached).  Players may agree on *lotteries* over the
outcomes and the status quo, so the feasible set is the convex hull of the
points together with ``d``.  The problem answers geometric questions about
that set -- individually rational outcomes, the ideal point, the Pareto
frontier, whether a utility vector is Pareto optimal and which lottery
produces it -- and the solvers of :mod:`kurilsim.solvers.bargaining` compute
the classic bargaining solutions on it.

All tolerances are *relative*: player ``i``'s utilities are compared in units
of :attr:`BargainingProblem.utility_ranges` ``[i]``, so answers do not change
when one player's utility is rescaled by a positive affine transform.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import ConvexHull, QhullError

from kurilsim._arrays import duplicates, readonly
from kurilsim._checks import (
    check_instance,
    check_real,
    check_strings,
    describe,
    real_array,
)
from kurilsim._errors import InvalidGameError, InvalidProfileError, SolverError
from kurilsim._lp import solve_lp
from kurilsim.model.scenario import Scenario

__all__ = ["DEFAULT_TOL", "MERGE_TOL", "BargainingProblem"]

#: Default relative tolerance of the Pareto, feasibility and rationality checks.
DEFAULT_TOL: Final = 1e-9

# Scaled coordinates closer than this (relative to each player's range) are the
# same point when the point set is deduplicated (also read by the sweep kernels
# of kurilsim.solvers.bargaining, which must deduplicate as the problem does).
MERGE_TOL: Final = 1e-12
_MERGE = MERGE_TOL


def _as_real_array(value: Any, name: str) -> NDArray[np.float64]:
    return real_array(value, name, finite=False, error=InvalidGameError)


def _names(
    value: Sequence[str] | None, count: int, what: str, default: Sequence[str]
) -> tuple[str, ...]:
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        raise InvalidGameError(
            f"{what} must be a sequence of {count} strings, got the string {value!r}"
        )
    try:
        names = tuple(value)
    except TypeError as error:
        raise InvalidGameError(
            f"{what} must be a sequence of {count} strings, got {value!r}"
        ) from error
    if not names:
        return tuple(default)
    if len(names) != count:
        raise InvalidGameError(
            f"{what} must be a sequence of {count} strings, got {len(names)}: {names!r}"
        )
    if not all(isinstance(name, str) for name in names):
        raise InvalidGameError(f"{what} must be strings, got {describe(value)}")
    names = tuple(str(name) for name in names)  # numpy strings -> str
    if len(set(names)) != count:
        repeated = duplicates(names)
        raise InvalidGameError(f"{what} must be distinct; repeated: {repeated}")
    return names


def _check_tol(tol: object) -> float:
    """A relative tolerance of the geometric checks: a finite number in [0, 1)."""
    return check_real(tol, "tol", low=0, high=1, high_open=True)


def _non_dominated(points: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of the rows no other row weakly dominates (rows are distinct)."""
    geq = np.all(points[:, None, :] >= points[None, :, :], axis=2)  # [i, j]: i >= j
    np.fill_diagonal(geq, False)
    result: NDArray[np.bool_] = ~geq.any(axis=0)
    return result


def _clip_axis(
    chain: NDArray[np.float64], axis: int, level: float
) -> NDArray[np.float64]:
    """The part of a monotone polyline with coordinate ``axis`` at least ``level``."""
    keep = chain[:, axis] >= level
    if keep.all():
        return chain
    if not keep.any():
        return chain[:0]
    out: list[NDArray[np.float64]] = []
    for j in range(len(chain)):
        if j > 0 and keep[j] != keep[j - 1]:
            a, b = chain[j - 1], chain[j]
            inside = b if keep[j] else a
            if inside[axis] > level:  # else the kept vertex is the crossing
                s = (level - a[axis]) / (b[axis] - a[axis])
                crossing = a + s * (b - a)
                crossing[axis] = level
                out.append(crossing)
        if keep[j]:
            out.append(chain[j])
    return np.array(out)


@dataclass(frozen=True, slots=True, eq=False)
class BargainingProblem:
    """An n-player bargaining problem over lotteries of finitely many outcomes.

    Parameters
    ----------
    points : array_like, shape (m, n)
        Row ``k`` holds every player's utility of outcome ``k`` (``m >= 1``
        outcomes, ``n >= 2`` players).
    disagreement : array_like, shape (n,)
        The disagreement point ``d``: each player's utility if there is no
        agreement (the status quo).
    labels : sequence of str, optional
        One distinct label per outcome (default ``"outcome 0"``, ...).
    players : sequence of str, optional
        Distinct player names (default ``"Player 1"``, ...).
    disagreement_label : str, optional
        How the disagreement outcome is called in lotteries and reports.

    Attributes
    ----------
    points : ndarray, shape (m, n)
        Read-only copy of the outcome utilities.
    disagreement : ndarray, shape (n,)
        Read-only copy of ``d``.

    Raises
    ------
    InvalidGameError
        If ``points`` is not an ``(m, n)`` array of finite real numbers with
        ``m >= 1`` and ``n >= 2``, ``disagreement`` does not have shape
        ``(n,)`` or is not finite, or the labels and names do not match.

    Notes
    -----
    The feasible set is ``S = conv(points ∪ {d})``: the players may agree on
    any lottery over the outcomes and the status quo, and evaluate it by
    expected utility.  Its individually rational part is ``S ∩ {u >= d}``.

    See Also
    --------
    kurilsim.solvers.bargaining.solve_nash_bargaining : the Nash solution.
    kurilsim.solvers.bargaining.solve_kalai_smorodinsky : the KS solution.

    Examples
    --------
    Splitting a unit pie (the two extreme splits; lotteries fill the segment):

    >>> from kurilsim.games.bargaining import BargainingProblem
    >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    >>> pie.n_players, pie.n_outcomes
    (2, 2)
    >>> pie.pareto_frontier()
    array([0, 1])
    >>> pie.is_pareto_optimal([0.5, 0.5]), pie.is_pareto_optimal([0.4, 0.5])
    (True, False)
    >>> pie.lottery_for([0.25, 0.75])
    array([0.25, 0.75, 0.  ])
    >>> pie.ideal_point
    array([1., 1.])
    """

    points: NDArray[np.float64]
    disagreement: NDArray[np.float64]
    _: KW_ONLY
    labels: tuple[str, ...] = ()
    players: tuple[str, ...] = ()
    disagreement_label: str = "disagreement"
    _lo: NDArray[np.float64] = field(init=False, repr=False)
    _ranges: NDArray[np.float64] = field(init=False, repr=False)
    _cache: dict[str, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        points = _as_real_array(self.points, "points")
        if points.ndim != 2:
            raise InvalidGameError(
                "points must be a 2-D array of shape (outcomes, players), got "
                f"shape {points.shape}"
            )
        m, n = points.shape
        if n < 2:
            raise InvalidGameError(
                f"a bargaining problem needs at least 2 players (columns of "
                f"points), got {n}"
            )
        if m < 1:
            raise InvalidGameError(
                "a bargaining problem needs at least one outcome (row of points), got 0"
            )
        bad = ~np.isfinite(points)
        if bad.any():
            k, i = (int(v) for v in np.argwhere(bad)[0])
            raise InvalidGameError(
                f"points must be finite, got {points[k, i]} for outcome {k}, player {i}"
            )
        d = _as_real_array(self.disagreement, "disagreement")
        if d.shape != (n,):
            raise InvalidGameError(
                f"disagreement must have one utility per player, shape ({n},), "
                f"got shape {d.shape}"
            )
        if not np.all(np.isfinite(d)):
            raise InvalidGameError(f"disagreement must be finite, got {d.tolist()}")
        labels = _names(self.labels, m, "labels", [f"outcome {k}" for k in range(m)])
        players = _names(
            self.players, n, "players", [f"Player {i + 1}" for i in range(n)]
        )
        if not isinstance(self.disagreement_label, str):
            raise InvalidGameError(
                f"disagreement_label must be a string, got {self.disagreement_label!r}"
            )
        every = np.vstack([points, d])
        lo = every.min(axis=0)
        with np.errstate(over="ignore"):
            spans = every.max(axis=0) - lo
        if not np.all(np.isfinite(spans)):
            i = int(np.flatnonzero(~np.isfinite(spans))[0])
            raise InvalidGameError(
                f"the utilities of player {i} span more than the largest float; "
                "rescale them"
            )
        object.__setattr__(self, "points", readonly(points))
        object.__setattr__(self, "disagreement", readonly(d))
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "_lo", readonly(lo))
        object.__setattr__(self, "_ranges", readonly(np.where(spans > 0, spans, 1.0)))

    # ---------------------------------------------------------------- basics
    @property
    def n_players(self) -> int:
        """Number of players ``n``."""
        return int(self.points.shape[1])

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes ``m`` (the disagreement point not counted)."""
        return int(self.points.shape[0])

    @property
    def utility_ranges(self) -> NDArray[np.float64]:
        """Each player's utility spread over the outcomes and ``d`` (1.0 if none).

        Tolerances are multiplied by these ranges, player by player.
        """
        return self._ranges

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BargainingProblem):
            return NotImplemented
        return (
            np.array_equal(self.points, other.points)
            and np.array_equal(self.disagreement, other.disagreement)
            and self.labels == other.labels
            and self.players == other.players
            and self.disagreement_label == other.disagreement_label
        )

    def __hash__(self) -> int:
        return hash((self.points.tobytes(), self.disagreement.tobytes(), self.labels))

    def __repr__(self) -> str:
        d = np.array2string(self.disagreement, precision=4, separator=", ")
        return (
            f"BargainingProblem({self.n_outcomes} outcomes, players="
            f"{list(self.players)!r}, disagreement={d})"
        )

    # -------------------------------------------------------- scaled geometry
    @property
    def lottery_points(self) -> NDArray[np.float64]:
        """The utility vectors a lottery mixes: the outcomes' rows, then ``d``.

        Shape ``(m + 1, n)``, read-only; a lottery ``p`` (outcomes, then the
        disagreement point) has expected utilities ``p @ lottery_points``.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.1]).lottery_points
        array([[1. , 0. ],
               [0. , 1. ],
               [0.2, 0.1]])
        """
        cached = self._cache.get("rows")
        if cached is None:
            cached = readonly(np.vstack([self.points, self.disagreement]))
            self._cache["rows"] = cached
        result: NDArray[np.float64] = cached
        return result

    @property
    def scaled_lottery_points(self) -> NDArray[np.float64]:
        """:attr:`lottery_points` in scaled units (see :meth:`to_scaled`).

        Every player's utilities over the outcomes and ``d`` span [0, 1] (a
        player whose utility never changes is shifted to 0).  All tolerances
        of the problem and of the solvers are measured in these units.
        Read-only, computed once.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> problem = BargainingProblem([[4.0, 0.0], [0.0, 1.0]], [2.0, 0.5])
        >>> problem.scaled_lottery_points
        array([[1. , 0. ],
               [0. , 1. ],
               [0.5, 0.5]])
        """
        cached = self._cache.get("scaled")
        if cached is None:
            cached = readonly((self.lottery_points - self._lo) / self._ranges)
            self._cache["scaled"] = cached
        result: NDArray[np.float64] = cached
        return result

    def to_scaled(self, u: ArrayLike) -> NDArray[np.float64]:
        """A utility vector in scaled units: ``(u - low) / utility_ranges``.

        ``low`` is each player's smallest utility over the outcomes and
        ``d``.  The inverse is :meth:`from_scaled`.

        Raises
        ------
        InvalidProfileError
            If ``u`` is not a finite vector of ``n`` utilities.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> problem = BargainingProblem([[4.0, 0.0], [0.0, 1.0]], [2.0, 0.5])
        >>> problem.to_scaled([3.0, 0.25])
        array([0.75, 0.25])
        """
        result: NDArray[np.float64] = (
            self._check_utility_vector(u) - self._lo
        ) / self._ranges
        return result

    def from_scaled(self, z: ArrayLike) -> NDArray[np.float64]:
        """The utility vector of scaled coordinates ``z`` (inverse of :meth:`to_scaled`).

        Raises
        ------
        InvalidProfileError
            If ``z`` is not a finite vector of ``n`` numbers.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> problem = BargainingProblem([[4.0, 0.0], [0.0, 1.0]], [2.0, 0.5])
        >>> problem.from_scaled([0.75, 0.25])
        array([3.  , 0.25])
        """
        result: NDArray[np.float64] = self._lo + self._ranges * (
            self._check_utility_vector(z, "z")
        )
        return result

    def distinct_scaled_points(
        self,
    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """The distinct points of :attr:`scaled_lottery_points` and a row of each.

        Rows whose scaled coordinates agree within ``1e-12`` count as one
        point.  Returns ``(points, rows)``: ``points[j]`` (read-only, scaled)
        and ``rows[j]``, the first row of :attr:`lottery_points` at that
        point (an outcome index, or ``m`` for ``d``; outcomes come first, so
        ``d`` only when no outcome is there).  Points are in lexicographic
        order.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> problem = BargainingProblem([[1.0, 0.0], [0.0, 0.0], [1.0, 0.0]], [0.0, 0.0])
        >>> points, rows = problem.distinct_scaled_points()
        >>> points.tolist(), rows.tolist()
        ([[0.0, 0.0], [1.0, 0.0]], [1, 0])
        """
        points, rows, _ = self._unique()
        return points, rows

    def scaled_hull(self) -> ConvexHull | None:
        """The convex hull of :meth:`distinct_scaled_points`, if full-dimensional.

        Returns
        -------
        scipy.spatial.ConvexHull or None
            ``None`` when the points are not full-dimensional (fewer than
            ``n + 1`` distinct points, or all on one hyperplane).  The hull's
            ``equations`` are the facets ``normal . z + offset <= 0`` in
            scaled units; its ``simplices`` index the distinct points.  A new
            object on every call.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]).scaled_hull().volume
        0.5
        >>> print(BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5]).scaled_hull())
        None
        """
        points, _, _ = self._unique()
        return _hull(points)

    def _unique(self) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]]:
        """Distinct scaled points, a row index for each, and each row's point.

        Returns ``(reps, rep_rows, inverse)``: ``reps[j]`` is a distinct point
        (scaled), ``rep_rows[j]`` the first row (an outcome if possible, ``m``
        for ``d``) at that point, ``inverse[r]`` the point of row ``r``.
        """
        cached = self._cache.get("unique")
        if cached is None:
            scaled = self.scaled_lottery_points
            keys = np.round(scaled / _MERGE)
            _, first, inverse = np.unique(
                keys, axis=0, return_index=True, return_inverse=True
            )
            cached = (
                readonly(scaled[first]),
                readonly(first.astype(np.intp)),
                readonly(np.asarray(inverse, dtype=np.intp).reshape(-1)),
            )
            self._cache["unique"] = cached
        result: tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]] = cached
        return result

    def _scale(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`to_scaled` of a checked vector."""
        result: NDArray[np.float64] = (u - self._lo) / self._ranges
        return result

    def _check_utility_vector(
        self, u: ArrayLike, name: str = "u"
    ) -> NDArray[np.float64]:
        try:
            values = np.array(u, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidProfileError(
                f"{name} must be a vector of {self.n_players} utilities, got {u!r}"
            ) from error
        if values.shape != (self.n_players,) or not np.all(np.isfinite(values)):
            raise InvalidProfileError(
                f"{name} must be a finite vector of {self.n_players} utilities "
                f"(one per player), got {u!r}"
            )
        return values

    # ------------------------------------------------------ rationality, ideal
    @property
    def individually_rational(self) -> NDArray[np.bool_]:
        """Mask of the outcomes every player weakly prefers to ``d``.

        An outcome counts as individually rational when no player loses more
        than ``DEFAULT_TOL`` times their utility range by accepting it.
        """
        cached = self._cache.get("ir")
        if cached is None:
            slack = (self.points - self.disagreement) / self._ranges
            cached = readonly(np.all(slack >= -DEFAULT_TOL, axis=1))
            self._cache["ir"] = cached
        result: NDArray[np.bool_] = cached
        return result

    @property
    def ideal_point(self) -> NDArray[np.float64]:
        """Each player's best utility over the individually rational feasible set.

        Entry ``i`` is ``max {u_i : u in S, u >= d}`` (the *utopia* point of
        Kalai and Smorodinsky).  Lotteries count: an outcome that one player
        rejects may still be mixed with one that the player likes.  Two
        players: read off the Pareto frontier exactly; more: one linear
        program per player.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> BargainingProblem([[3.0, -1.0], [0.0, 1.0]], [0.0, 0.0]).ideal_point
        array([1.5, 1. ])
        """
        cached = self._cache.get("ideal")
        if cached is None:
            if self.n_players == 2:
                chain = _ir_polyline(self)
                ideal = (
                    self.disagreement.copy()
                    if len(chain) == 0
                    else np.array([chain[-1, 0], chain[0, 1]])
                )
            else:
                ideal = self._ideal_lp()
            cached = readonly(np.maximum(ideal, self.disagreement))
            self._cache["ideal"] = cached
        result: NDArray[np.float64] = cached
        return result

    def _ideal_lp(self) -> NDArray[np.float64]:
        Z = self.scaled_lottery_points
        k, n = Z.shape
        every = self.lottery_points
        ideal = np.empty(n)
        for i in range(n):
            x = solve_lp(
                -Z[:, i],
                A_ub=-Z.T,
                b_ub=-Z[-1],
                A_eq=np.ones((1, k)),
                b_eq=np.ones(1),
            )
            if x is None:  # pragma: no cover - d itself is feasible
                raise SolverError("the individually rational set is empty")
            weights = np.clip(x, 0.0, None)
            ideal[i] = (weights / weights.sum()) @ every[:, i]
        return ideal

    # ------------------------------------------------------------- frontier
    def pareto_frontier(self) -> NDArray[np.intp]:
        """Indices of the outcomes at vertices of the Pareto frontier.

        The (strong) Pareto frontier of the feasible set ``S`` is the set of
        ``u`` in ``S`` such that no ``v`` in ``S`` has ``v >= u`` and ``v != u``.
        It is a union of faces of the polytope ``S``; this method returns the
        outcomes at its vertices (every outcome at such a vertex, if several
        outcomes have the same utilities).  The disagreement point is not an
        outcome and is never listed.

        Returns
        -------
        ndarray of int
            Sorted outcome indices.

        Notes
        -----
        Two players: the frontier is the upper-right chain of the convex hull
        of the non-dominated points, found by a monotone-chain scan
        (:meth:`pareto_polyline`).  More players: the vertices of the hull
        facets whose outward normals are strictly positive are Pareto optimal
        (each maximises a strictly positive weighted sum of utilities); the
        remaining non-dominated hull vertices are checked by a linear program
        (a vertex can be Pareto optimal without lying on such a facet).  If
        the points are not full-dimensional (collinear or coplanar points,
        fewer than ``n + 1`` distinct points) the hull is not computed: every
        non-dominated point is checked by linear programs for Pareto
        optimality and for being an extreme point.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> square = BargainingProblem(
        ...     [[0, 1], [0.75, 0.75], [1, 0], [0.5, 0.5]], [0, 0])
        >>> square.pareto_frontier()
        array([0, 1, 2])
        """
        cached = self._cache.get("frontier")
        if cached is None:
            reps, _, inverse = self._unique()
            if self.n_players == 2:
                chain = _polyline_reps(self)
            else:
                chain = _frontier_reps_nd(reps)
            on_frontier = np.isin(inverse[: self.n_outcomes], chain)
            cached = readonly(np.flatnonzero(on_frontier).astype(np.intp))
            self._cache["frontier"] = cached
        result: NDArray[np.intp] = cached
        return result

    def pareto_polyline(self) -> NDArray[np.float64]:
        """The Pareto frontier of a two-player problem as an ordered polyline.

        Returns
        -------
        ndarray, shape (k, 2)
            The frontier's vertices from the one best for player 2 to the one
            best for player 1 (player 1's utility strictly increasing, player
            2's strictly decreasing); consecutive vertices are joined by
            frontier edges.  A vertex may be the disagreement point.

        Raises
        ------
        InvalidGameError
            If the problem does not have exactly two players.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> T = BargainingProblem([[0, 1], [1, 0.7], [1, 0]], [0, 0])
        >>> T.pareto_polyline()
        array([[0. , 1. ],
               [1. , 0.7]])
        """
        self._need_two_players("pareto_polyline")
        coords, _ = _frontier_polyline(self)
        return coords

    def pareto_polyline_outcomes(self) -> NDArray[np.intp]:
        """The outcome at each vertex of :meth:`pareto_polyline`.

        Returns
        -------
        ndarray of int, shape (k,)
            Entry ``j`` is the row of :attr:`lottery_points` at vertex ``j``:
            an outcome index, or ``m`` (:attr:`n_outcomes`) if the vertex is
            the disagreement point.  The lottery that puts probability
            ``1 - s`` on vertex ``j`` and ``s`` on vertex ``j + 1`` realises
            the point a fraction ``s`` along that edge.

        Raises
        ------
        InvalidGameError
            If the problem does not have exactly two players.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> T = BargainingProblem([[0, 1], [1, 0.7], [1, 0]], [0, 0])
        >>> T.pareto_polyline_outcomes()
        array([0, 1])
        """
        self._need_two_players("pareto_polyline_outcomes")
        _, rows = _frontier_polyline(self)
        return rows

    def individually_rational_polyline(self) -> NDArray[np.float64]:
        """The part of :meth:`pareto_polyline` where both players get at least ``d``.

        Returns
        -------
        ndarray, shape (k, 2)
            Vertices ordered like :meth:`pareto_polyline` (player 1's utility
            increasing); the ends are cut where the frontier crosses
            ``u_1 = d_1`` or ``u_2 = d_2``.  Never empty: ``d`` is feasible,
            so some frontier point weakly dominates it; it may be a single
            point, such as ``d`` itself.

        Raises
        ------
        InvalidGameError
            If the problem does not have exactly two players.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.1])
        >>> pie.individually_rational_polyline()
        array([[0.2, 0.8],
               [0.9, 0.1]])
        """
        self._need_two_players("individually_rational_polyline")
        return _ir_polyline(self)

    def _need_two_players(self, method: str) -> None:
        if self.n_players != 2:
            raise InvalidGameError(
                f"{method} needs a two-player problem, this one has "
                f"{self.n_players} players; use pareto_frontier()"
            )

    # ------------------------------------------------------ Pareto and lotteries
    def pareto_gap(self, u: ArrayLike) -> float:
        """The largest uniform improvement on ``u`` within the feasible set.

        Returns the largest ``t`` such that some feasible ``v`` gives every
        player ``i`` at least ``u_i + t * utility_ranges[i]`` (a linear
        program).  It is positive when some lottery makes everyone strictly
        better off, zero on the weak Pareto frontier, and negative for points
        above the feasible set.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        >>> pie.pareto_gap([0.5, 0.5]), pie.pareto_gap([0.2, 0.2])
        (0.0, 0.3)
        """
        z = self._scale(self._check_utility_vector(u))
        Z = self.scaled_lottery_points
        k, n = Z.shape
        # variables: lottery (k), t (free); maximise t s.t. Z^T lottery >= z + t
        c = np.zeros(k + 1)
        c[-1] = -1.0
        A_ub = np.hstack([-Z.T, np.ones((n, 1))])
        A_eq = np.hstack([np.ones((1, k)), np.zeros((1, 1))])
        bounds = [(0.0, None)] * k + [(None, None)]
        x = solve_lp(c, A_ub=A_ub, b_ub=-z, A_eq=A_eq, b_eq=np.ones(1), bounds=bounds)
        if x is None:  # pragma: no cover - always feasible for small enough t
            raise SolverError("the Pareto-gap linear program is infeasible")
        return float(x[-1])

    @property
    def disagreement_gap(self) -> float:
        """:meth:`pareto_gap` of the disagreement point (computed once).

        Positive when some lottery gives every player strictly more than
        ``d``: by at least this much times their utility range.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.2]).disagreement_gap
        0.3
        >>> BargainingProblem([[1.0, -1.0]], [0.0, 0.0]).disagreement_gap
        0.0
        """
        cached = self._cache.get("disagreement_gap")
        if cached is None:
            cached = self._cache["disagreement_gap"] = self.pareto_gap(
                self.disagreement
            )
        result: float = cached
        return result

    def nearest_scaled_lottery(self, z: ArrayLike) -> tuple[NDArray[np.float64], float]:
        """The lottery whose scaled utilities are closest to ``z``, and how close.

        Parameters
        ----------
        z : array_like, shape (n,)
            A point in scaled units (:meth:`to_scaled`).

        Returns
        -------
        lottery : ndarray, shape (m + 1,)
            Probabilities of the outcomes, then ``d``, minimising the L1
            distance of their scaled expected utilities to ``z`` (a linear
            program; a vertex solution, so at most ``n + 1`` outcomes).
        distance : float
            The largest coordinate difference between those utilities and
            ``z``, in scaled units: 0 (up to rounding) when ``z`` is feasible.

        Raises
        ------
        InvalidProfileError
            If ``z`` is not a finite vector of ``n`` numbers.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        >>> lottery, distance = pie.nearest_scaled_lottery([0.6, 0.6])
        >>> float(lottery.sum()), round(distance, 12)
        (1.0, 0.2)
        """
        return self._nearest_lottery(self._check_utility_vector(z, "z"))

    def _nearest_lottery(
        self, z: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], float]:
        """:meth:`nearest_scaled_lottery` of a checked vector."""
        Z = self.scaled_lottery_points
        k = Z.shape[0]
        x = _l1_fit(Z, z)
        if x is None:  # pragma: no cover - always feasible with slacks
            raise SolverError("the lottery linear program is infeasible")
        weights = np.where(x[:k] > 1e-13, x[:k], 0.0)
        weights /= weights.sum()
        residual = float(np.max(np.abs(Z.T @ weights - z)))
        return weights, residual

    def lottery_for(
        self, u: ArrayLike, *, tol: float = DEFAULT_TOL
    ) -> NDArray[np.float64]:
        """A lottery over the outcomes and ``d`` whose expected utilities are ``u``.

        Parameters
        ----------
        u : array_like, shape (n,)
            A feasible utility vector.
        tol : float
            Allowed error, relative to each player's utility range.

        Returns
        -------
        ndarray, shape (m + 1,)
            Probabilities of the outcomes, the disagreement point last.  The
            lottery is a vertex solution of a linear program, so it uses at
            most ``n + 1`` outcomes.

        Raises
        ------
        InvalidProfileError
            If ``u`` is not a finite vector of ``n`` utilities or no lottery
            comes within ``tol`` of it (``u`` is not feasible).
        InvalidArgumentError
            If ``tol`` is not a finite number in [0, 1).

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        >>> pie.lottery_for([0.25, 0.5])
        array([0.25, 0.5 , 0.25])
        >>> pie.lottery_for([0.6, 0.6])
        Traceback (most recent call last):
          ...
        kurilsim._errors.InvalidProfileError: u = [0.6, 0.6] is not feasible: no lottery comes closer than 0.2 (relative to the utility ranges) to it
        """
        values = self._check_utility_vector(u)
        tol = _check_tol(tol)
        weights, residual = self._nearest_lottery(self._scale(values))
        if residual > tol:
            raise InvalidProfileError(
                f"u = {values.tolist()} is not feasible: no lottery comes closer "
                f"than {residual:.3g} (relative to the utility ranges) to it"
            )
        return weights

    def expected_utilities(self, lottery: ArrayLike) -> NDArray[np.float64]:
        """Each player's expected utility of a lottery over the outcomes and ``d``.

        Parameters
        ----------
        lottery : array_like, shape (m + 1,)
            Probabilities of the outcomes, the disagreement point last.

        Raises
        ------
        InvalidProfileError
            If ``lottery`` is not a probability vector of length ``m + 1``.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        >>> pie.expected_utilities([0.5, 0.25, 0.25])
        array([0.5 , 0.25])
        """
        try:
            weights = np.array(lottery, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidProfileError(
                f"lottery must be {self.n_outcomes + 1} probabilities, got {lottery!r}"
            ) from error
        if (
            weights.shape != (self.n_outcomes + 1,)
            or not np.all(np.isfinite(weights))
            or np.any(weights < -1e-12)
            or abs(weights.sum() - 1.0) > 1e-9
        ):
            raise InvalidProfileError(
                f"lottery must be a probability vector of length "
                f"{self.n_outcomes + 1} (outcomes, then the disagreement point), "
                f"got {lottery!r}"
            )
        result: NDArray[np.float64] = (
            weights[:-1] @ self.points + weights[-1] * self.disagreement
        )
        return result

    def is_pareto_optimal(self, u: ArrayLike, *, tol: float = DEFAULT_TOL) -> bool:
        """Whether ``u`` is feasible and (strongly) Pareto optimal.

        ``u`` is Pareto optimal when no feasible point gives every player at
        least as much and some player more.  Two linear programs: whether some
        lottery comes within ``tol`` of ``u`` (else ``u`` is infeasible), then
        the largest total improvement ``sum_i (w_i - u_i)`` over feasible
        ``w >= u``, all in units of each player's utility range.  ``u`` is
        Pareto optimal unless the improving lottery, re-evaluated exactly,
        gives some player more than ``tol`` and nobody less than ``u`` (up to
        rounding): the linear program's own feasibility tolerance must not
        count as an improvement where the frontier is steep.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> S = BargainingProblem([[0, 1], [0.75, 0.75], [1, 0]], [0, 0])
        >>> S.is_pareto_optimal([0.75, 0.75]), S.is_pareto_optimal([0.5, 0.5])
        (True, False)
        >>> S.is_pareto_optimal([1, 1])  # not feasible
        False
        """
        values = self._check_utility_vector(u)
        tol = _check_tol(tol)
        z = self._scale(values)
        _, residual = self._nearest_lottery(z)
        if residual > tol:
            return False
        Z = self.scaled_lottery_points
        k, n = Z.shape
        # variables: lottery (k), s (n) >= 0; maximise sum(s) s.t. Z^T l - s >= z
        c = np.concatenate([np.zeros(k), -np.ones(n)])
        A_ub = np.hstack([-Z.T, np.eye(n)])
        A_eq = np.hstack([np.ones((1, k)), np.zeros((1, n))])
        x = solve_lp(c, A_ub=A_ub, b_ub=-z, A_eq=A_eq, b_eq=np.ones(1))
        if x is None:  # nothing feasible weakly dominates u
            return True
        return not _improves(Z, x[:k], z, tol)

    # ------------------------------------------------------------ transforms
    def rescaled(
        self, player: int | str, a: float, b: float = 0.0
    ) -> BargainingProblem:
        """The same problem with one player's utility mapped to ``a * u + b``.

        Parameters
        ----------
        player : int or str
            Index or name of the player.
        a : float
            Positive scale factor.
        b : float
            Shift.

        Raises
        ------
        InvalidGameError
            If ``a`` is not a finite positive number, ``b`` not finite, or the
            player is unknown.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
        >>> pie.rescaled(1, 2.0, 1.0).points
        array([[1., 1.],
               [0., 3.]])
        """
        index = self.player_index(player)
        for name, value in (("a", a), ("b", b)):
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
            ):
                raise InvalidGameError(f"{name} must be a finite number, got {value!r}")
        if a <= 0:
            raise InvalidGameError(
                f"a must be positive (a positive affine transform), got {a!r}"
            )
        points = self.points.copy()
        d = self.disagreement.copy()
        points[:, index] = a * points[:, index] + b
        d[index] = a * d[index] + b
        return BargainingProblem(
            points,
            d,
            labels=self.labels,
            players=self.players,
            disagreement_label=self.disagreement_label,
        )

    def player_index(self, player: int | str, *, name: str = "player") -> int:
        """The index of ``player`` (an index or a name).

        Parameters
        ----------
        player : int or str
        name : str
            The argument's name in error messages (a solver passes its own,
            such as ``"proposer"``).

        Raises
        ------
        InvalidGameError
            For an unknown name or an index out of range.

        Examples
        --------
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> pie = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0],
        ...                         players=["japan", "russia"])
        >>> pie.player_index("russia"), pie.player_index(0)
        (1, 0)
        """
        if isinstance(player, str):
            if player not in self.players:
                raise InvalidGameError(
                    f"{name}: unknown player {player!r}; players are "
                    f"{list(self.players)}"
                )
            return self.players.index(player)
        if (
            isinstance(player, bool)
            or not isinstance(player, numbers.Integral)
            or not 0 <= int(player) < self.n_players
        ):
            raise InvalidGameError(
                f"{name} must be a player name or an index in "
                f"0..{self.n_players - 1}, got {describe(player)}"
            )
        return int(player)

    @classmethod
    def from_scenario(
        cls, scenario: Scenario, parties: Sequence[str] | None = None
    ) -> BargainingProblem:
        """The bargaining problem of some agents of a scenario.

        Parameters
        ----------
        scenario : Scenario
        parties : sequence of str, optional
            Names of the bargaining agents, in the order of the players
            (default: every agent of the scenario).

        Returns
        -------
        BargainingProblem
            Outcomes are the scenario's agreements (labels
            :meth:`Scenario.agreement_label`),
            the disagreement point is the status quo.

        Raises
        ------
        InvalidGameError
            If ``scenario`` is not a Scenario, ``parties`` names an unknown
            agent, repeats one or has fewer than two.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.games.bargaining import BargainingProblem
        >>> scenario = kurilsim.kuril_scenario(name="default")
        >>> problem = BargainingProblem.from_scenario(
        ...     scenario, parties=["japan", "russia"])
        >>> problem.players, problem.points.shape
        (('japan', 'russia'), (38, 2))
        """
        check_instance(scenario, Scenario, "scenario", error=InvalidGameError)
        names = scenario.agent_names
        if parties is None:
            chosen = names
        else:
            chosen = check_strings(parties, "parties", error=InvalidGameError)
            unknown = [p for p in chosen if p not in names]
            if unknown:
                raise InvalidGameError(
                    f"unknown parties {unknown}; the agents of scenario "
                    f"{scenario.name!r} are {list(names)}"
                )
            repeated = duplicates(chosen)
            if repeated:
                raise InvalidGameError(
                    f"parties must be distinct, got {list(chosen)}; repeated: {repeated}"
                )
        if len(chosen) < 2:
            raise InvalidGameError(
                f"bargaining needs at least two parties, got {list(chosen)}"
            )
        rows = [names.index(p) for p in chosen]
        space = scenario.space
        return cls(
            scenario.utilities()[rows].T,
            scenario.status_quo_utilities()[rows],
            labels=tuple(scenario.agreement_label(k) for k in range(len(space))),
            players=tuple(chosen),
            disagreement_label="status quo",
        )


# ---------------------------------------------------------------------------
# Two players: the frontier as a polyline
# ---------------------------------------------------------------------------
def _polyline_reps(problem: BargainingProblem) -> NDArray[np.intp]:
    """Indices (into the distinct points) of the frontier vertices, in order."""
    cached = problem._cache.get("polyline_reps")
    if cached is None:
        reps, _, _ = problem._unique()
        candidates = np.flatnonzero(_non_dominated(reps))
        # Distinct non-dominated points have distinct u1 and u2 decreasing in u1.
        candidates = candidates[np.argsort(reps[candidates, 0], kind="stable")]
        chain: list[int] = []
        for j in candidates.tolist():
            while len(chain) >= 2:
                o, a, b = reps[chain[-2]], reps[chain[-1]], reps[j]
                cross = (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
                if cross < -_MERGE:  # a strict right turn keeps a
                    break
                chain.pop()
            chain.append(int(j))
        cached = readonly(np.array(chain, dtype=np.intp))
        problem._cache["polyline_reps"] = cached
    result: NDArray[np.intp] = cached
    return result


def _frontier_polyline(
    problem: BargainingProblem,
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Frontier vertices (original utilities) and each one's row (``m`` for ``d``)."""
    cached = problem._cache.get("polyline")
    if cached is None:
        _, rep_rows, _ = problem._unique()
        rows = rep_rows[_polyline_reps(problem)]  # fancy indexing: new arrays
        cached = (readonly(problem.lottery_points[rows]), readonly(rows))
        problem._cache["polyline"] = cached
    result: tuple[NDArray[np.float64], NDArray[np.intp]] = cached
    return result


def _ir_polyline(problem: BargainingProblem) -> NDArray[np.float64]:
    """The individually rational part of the two-player frontier (may be empty)."""
    cached = problem._cache.get("ir_polyline")
    if cached is None:
        chain, _ = _frontier_polyline(problem)
        d = problem.disagreement
        clipped = _clip_axis(np.array(chain), 0, float(d[0]))
        clipped = _clip_axis(clipped, 1, float(d[1]))
        cached = readonly(clipped)
        problem._cache["ir_polyline"] = cached
    result: NDArray[np.float64] = cached
    return result


# ---------------------------------------------------------------------------
# n players: frontier vertices from the hull, with linear-programming checks
# ---------------------------------------------------------------------------
def _affine_rank(points: NDArray[np.float64]) -> int:
    if len(points) < 2:
        return 0
    singular = np.linalg.svd(points[1:] - points[0], compute_uv=False)
    return int(np.sum(singular > 1e-10 * max(1.0, float(singular[0]))))


def _hull(reps: NDArray[np.float64]) -> ConvexHull | None:
    """The convex hull of full-dimensional points, or ``None``."""
    k, n = reps.shape
    if k < n + 1 or _affine_rank(reps) < n:
        return None
    try:
        return ConvexHull(reps)
    except (QhullError, ValueError):
        return None


def _improves(
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    v: NDArray[np.float64],
    tol: float,
) -> bool:
    """Whether the lottery ``weights`` over ``points`` Pareto-improves on ``v``.

    Recomputed from the lottery, so that the linear program's feasibility
    tolerance cannot fake an improvement: somebody gains more than ``tol``
    and nobody loses more than rounding (``_MERGE``).  Where one player's
    gain costs the others little, a loss of ``tol`` could buy a large gain.
    """
    weights = np.clip(weights, 0.0, None)
    change = points.T @ (weights / weights.sum()) - v
    return bool(np.all(change >= -_MERGE) and np.any(change > tol))


def _strictly_improvable(reps: NDArray[np.float64], j: int, tol: float) -> bool:
    """Whether some point of ``conv(reps)`` weakly dominates ``reps[j]`` by > tol."""
    k, n = reps.shape
    c = np.concatenate([np.zeros(k), -np.ones(n)])
    A_eq = np.block([[reps.T, -np.eye(n)], [np.ones((1, k)), np.zeros((1, n))]])
    b_eq = np.concatenate([reps[j], [1.0]])
    x = solve_lp(c, A_eq=A_eq, b_eq=b_eq)
    return x is not None and _improves(reps, x[:k], reps[j], tol)


def _l1_fit(
    points: NDArray[np.float64], z: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """Lottery over ``points`` (rows) closest to ``z`` in L1: the LP's ``(l, e+, e-)``.

    Minimises ``sum(e+ + e-)`` subject to ``points^T l + e+ - e- = z`` and
    ``l`` in the simplex; the first ``len(points)`` entries are the lottery.
    """
    k, n = points.shape
    c = np.concatenate([np.zeros(k), np.ones(2 * n)])
    A_eq = np.block(
        [[points.T, np.eye(n), -np.eye(n)], [np.ones((1, k)), np.zeros((1, 2 * n))]]
    )
    return solve_lp(c, A_eq=A_eq, b_eq=np.concatenate([z, [1.0]]))


def _is_extreme(reps: NDArray[np.float64], j: int) -> bool:
    """Whether ``reps[j]`` is not a convex combination of the other points."""
    others = np.delete(reps, j, axis=0)
    k = others.shape[0]
    if k == 0:
        return True
    x = _l1_fit(others, reps[j])
    return x is None or float(x[k:].sum()) > _MERGE


def _frontier_reps_nd(reps: NDArray[np.float64]) -> NDArray[np.intp]:
    k, n = reps.shape
    undominated = _non_dominated(reps)
    accepted = np.zeros(k, dtype=bool)
    hull = _hull(reps)
    if hull is not None:
        positive = np.all(hull.equations[:, :n] > 1e-9, axis=1)
        accepted[np.unique(hull.simplices[positive])] = True
        vertex = np.zeros(k, dtype=bool)
        vertex[hull.vertices] = True
        to_check = np.flatnonzero(undominated & vertex & ~accepted)
        for j in to_check.tolist():
            accepted[j] = not _strictly_improvable(reps, j, DEFAULT_TOL)
    else:
        for j in np.flatnonzero(undominated).tolist():
            accepted[j] = _is_extreme(reps, j) and not _strictly_improvable(
                reps, j, DEFAULT_TOL
            )
    result: NDArray[np.intp] = np.flatnonzero(accepted).astype(np.intp)
    return result
