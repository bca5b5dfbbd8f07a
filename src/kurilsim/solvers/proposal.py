"""Vectorised backward induction for the proposal game with an objector.

:func:`kurilsim.solve_spe` solves any game tree node by node.  The proposal
game of :func:`kurilsim.games.negotiation.proposal_game` has a fixed shape,
so its subgame-perfect equilibrium can be computed for whole arrays of
utility tables at once (one per parameter point of a sweep) with the same
tie-breaking: the responder accepts when indifferent, the objector consents,
the proposer proceeds after an objection, and prefers earlier agreements,
with "no proposal" last.  :func:`spe_kernel` runs as numpy passes, or as one
compiled loop when numba is installed (an optional accelerator: same outcomes).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._checks import check_bool, check_int, check_real, describe, real_array
from kurilsim._errors import InvalidGameError
from kurilsim.model.agreements import NO_DEAL
from kurilsim.solvers._numba import have_numba, jit, numba_disabled

__all__ = ["proposal_spe", "spe_kernel"]


#: Points per block of the kernel (a few hundred KB per array: stays in cache).
_BLOCK = 4096

#: Points per block of the compiled loop (its work arrays stay in L1/L2).
_LOOP_BLOCK = 512

#: The compiled loop's "no varying objector" and "no ratification" arrays.
_EMPTY = np.empty((0, 0))
_NOT_MASKED = np.empty((0, 0), dtype=np.bool_)

#: Who may bear the objection cost in :func:`spe_kernel`.
_PAYERS = ("proposer", "responder", "objector", "other")


def _tolerance(
    row: NDArray[np.float64], tol: float, low: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """``tol`` times a mover's payoff range over the game's terminals, per point,
    as in :func:`kurilsim.solve_spe` (``tol`` itself when the range is 0)."""
    bottom = row.min(axis=0) if low is None else low
    spread = row.max(axis=0) - bottom
    result: NDArray[np.float64] = tol * np.where(spread > 0, spread, 1.0)
    return result


def _check_tol(tol: object) -> float:
    return check_real(tol, "tol", low=0, high=1, high_open=True, error=InvalidGameError)


def _kernel_table(
    table: object, name: str, shape: tuple[int, ...] | None
) -> tuple[int, ...]:
    """The shape of a kernel utility table, after checking it."""
    if (
        not isinstance(table, np.ndarray)
        or table.dtype.kind != "f"
        or table.ndim != 2
        or table.shape[0] < 1
        or table.shape != (shape or table.shape)
    ):
        like = "(n_agreements + 1, m)" if shape is None else str(shape)
        raise InvalidGameError(
            f"{name} must be a float array of shape {like}, got {describe(table)}"
        )
    result: tuple[int, ...] = table.shape
    return result


# ---------------------------------------------------------------------------
# The kernel as one compiled loop (numba, optional)
# ---------------------------------------------------------------------------
def _constant_loop(table: NDArray[np.float64]) -> bool:
    """Whether every row of ``table`` holds one value (written for numba: the
    comparison of a row vectorises, rows after the first that varies are not
    read)."""
    for a in range(table.shape[0]):
        row = table[a]
        first = row[0]
        differ = False
        for i in range(row.shape[0]):
            differ |= row[i] != first
        if differ:
            return False
    return True


def _spe_loop(
    p: NDArray[np.float64], r: NDArray[np.float64], o: NDArray[np.float64],
    worse: NDArray[np.bool_], restricted: NDArray[np.bool_], cost: NDArray[np.float64],
    ratified: NDArray[np.bool_], payer: int, costly: bool, tol: float, block: int,
    result: NDArray[np.intp],
) -> None:
    """:func:`spe_kernel`'s numpy passes as one loop, block by block of points
    (written for numba: each inner loop runs over contiguous points).

    ``p``, ``r``: C-contiguous ``(n + 1, m)``; ``o``: the objector's, or
    ``(0, 0)`` for an objector whose utilities do not vary, who then objects
    to the restricted agreements ``a`` with ``worse[a]``; ``restricted``: all
    False without an objector; ``ratified``: ``(n, m)``, or ``(0, 0)`` for
    none; ``payer``: an index of ``_PAYERS``.  Every comparison is the numpy
    path's, on the same floating-point values, so the outcomes are identical.
    """
    n1, m = p.shape
    n = n1 - 1
    has_rows = False
    for a in range(n):
        if restricted[a]:
            has_rows = True
    charged = has_rows and costly
    constant = o.shape[1] == 0
    masked = ratified.shape[1] != 0
    rmin = np.empty(block)
    rmax = np.empty(block)
    pmin = np.empty(block)
    pmax = np.empty(block)
    omin = np.empty(block)
    omax = np.empty(block)
    low = np.empty(block)
    thr_r = np.empty(block)  # the responder accepts at or above it
    neg_o = np.empty(block)  # the objector prefers the status quo below it (a difference)
    eps_j = np.empty(block)
    limit = np.empty(block)  # an objection changes the outcome where gain < limit
    best = np.empty(block)
    first = np.empty(block, np.intp)
    gains = np.empty((n, block))
    for start in range(0, m, block):
        b = min(block, m - start)
        stop = start + b
        c = cost[start:stop]
        rn = r[n, start:stop]
        pn = p[n, start:stop]
        on = o[n, start:stop] if not constant else pn
        # each mover's payoff range (the tolerance), as _tolerance
        rmin[:b] = r[0, start:stop]
        rmax[:b] = rmin[:b]
        pmin[:b] = p[0, start:stop]
        pmax[:b] = pmin[:b]
        for a in range(1, n1):
            ra = r[a, start:stop]
            for i in range(b):
                rmin[i] = np.minimum(rmin[i], ra[i])
                rmax[i] = np.maximum(rmax[i], ra[i])
            pa = p[a, start:stop]
            for i in range(b):
                pmin[i] = np.minimum(pmin[i], pa[i])
                pmax[i] = np.maximum(pmax[i], pa[i])
        if charged and payer == 0:  # "agreement minus cost" is the proposer's
            low[:b] = pn
            for a in range(n):
                if restricted[a]:
                    pa = p[a, start:stop]
                    for i in range(b):
                        low[i] = np.minimum(low[i], pa[i])
            for i in range(b):
                pmin[i] = np.minimum(pmin[i], low[i] - c[i])
        if charged and payer == 1:  # ... the responder's
            for a in range(n):
                if restricted[a]:
                    ra = r[a, start:stop]
                    for i in range(b):
                        rmin[i] = np.minimum(rmin[i], ra[i] - c[i])
        for i in range(b):
            spread = rmax[i] - rmin[i]
            thr_r[i] = rn[i] - tol * (spread if spread > 0 else 1.0)
        for i in range(b):
            spread = pmax[i] - pmin[i]
            eps_j[i] = tol * (spread if spread > 0 else 1.0)
        if costly and payer == 0:
            for i in range(b):
                limit[i] = c[i] - eps_j[i]
        else:
            for i in range(b):
                limit[i] = -eps_j[i]
        if has_rows and not constant:
            omin[:b] = o[0, start:stop]
            omax[:b] = omin[:b]
            for a in range(1, n1):
                oa = o[a, start:stop]
                for i in range(b):
                    omin[i] = np.minimum(omin[i], oa[i])
                    omax[i] = np.maximum(omax[i], oa[i])
            if charged and payer == 2:  # ... the objector's
                for a in range(n):
                    if restricted[a]:
                        oa = o[a, start:stop]
                        for i in range(b):
                            omin[i] = np.minimum(omin[i], oa[i] - c[i])
            for i in range(b):
                spread = omax[i] - omin[i]
                neg_o[i] = -(tol * (spread if spread > 0 else 1.0))
        # the proposer's gain where the agreement is reached (0 elsewhere)
        best[:b] = 0.0
        for a in range(n):
            ra = r[a, start:stop]
            pa = p[a, start:stop]
            g = gains[a, :b]
            if not restricted[a] or (constant and not worse[a]):
                for i in range(b):
                    d = pa[i] - pn[i]
                    g[i] = d if ra[i] >= thr_r[i] else 0.0
            elif not costly:  # any objection blocks
                if constant:
                    g[:] = 0.0
                else:
                    oa = o[a, start:stop]
                    for i in range(b):
                        d = pa[i] - pn[i]
                        stays = oa[i] - on[i] >= neg_o[i]
                        g[i] = d if (ra[i] >= thr_r[i]) & stays else 0.0
            elif payer == 1:  # the responder would reject, or the proposer withdraw
                oa = o[a, start:stop] if not constant else ra
                for i in range(b):
                    d = pa[i] - pn[i]
                    stays = (ra[i] - c[i] >= thr_r[i]) & (d >= limit[i])
                    if not constant:
                        stays |= oa[i] - on[i] >= neg_o[i]
                    g[i] = d if (ra[i] >= thr_r[i]) & stays else 0.0
            elif constant:  # the proposer would withdraw
                for i in range(b):
                    d = pa[i] - pn[i]
                    g[i] = d if (ra[i] >= thr_r[i]) & (d >= limit[i]) else 0.0
            else:
                oa = o[a, start:stop]
                for i in range(b):
                    d = pa[i] - pn[i]
                    stays = (d >= limit[i]) | (oa[i] - on[i] >= neg_o[i])
                    g[i] = d if (ra[i] >= thr_r[i]) & stays else 0.0
            if masked:  # a failed ratification ends in the status quo
                ok = ratified[a, start:stop]
                for i in range(b):
                    g[i] = g[i] if ok[i] else 0.0
            for i in range(b):
                best[i] = np.maximum(best[i], g[i])
        # the first agreement within tolerance of the best, else the status quo
        for i in range(b):
            best[i] = best[i] - eps_j[i]
            first[i] = n
        for a in range(n - 1, -1, -1):
            g = gains[a, :b]
            for i in range(b):
                if g[i] >= best[i]:
                    first[i] = a
        # ... reached if the responder accepts it and no objection stops it
        for i in range(b):
            f = first[i]
            result[start + i] = n
            if f == n:
                continue
            k = start + i
            reached = r[f, k] >= thr_r[i] and (not masked or ratified[f, k])
            if reached and restricted[f] and (not constant or worse[f]):
                d = p[f, k] - pn[i]
                if not costly:
                    changes = True
                elif payer == 1:
                    changes = r[f, k] - c[i] < thr_r[i] or d < limit[i]
                else:
                    changes = d < limit[i]
                if not constant:
                    changes = changes and o[f, k] - on[i] < neg_o[i]
                reached = not changes
            if reached:
                result[start + i] = f


@functools.lru_cache(maxsize=1)
def _compiled_loops() -> tuple[Callable[..., None], Callable[..., bool]] | None:
    """The compiled :func:`_spe_loop` and :func:`_constant_loop`, or None
    without numba (or with ``KURILSIM_DISABLE_NUMBA`` set)."""
    if numba_disabled() or not have_numba():
        return None
    return jit(_spe_loop), jit(_constant_loop)


def spe_kernel(
    proposer: NDArray[np.float64],
    responder: NDArray[np.float64],
    objector: NDArray[np.float64] | None,
    restricted: NDArray[np.bool_],
    cost: NDArray[np.float64],
    *,
    objection_blocks: bool,
    tol: float,
    payer: str = "proposer",
    ratified: NDArray[np.bool_] | None = None,
) -> NDArray[np.intp]:
    """The proposal game's SPE for ``m`` points at once (the sweep's hot loop).

    Each utility array has shape ``(n_agreements + 1, m)``: one row per
    outcome (the status quo last), one column per point, so every step is a
    pass over contiguous memory.  Returns the outcome row reached at each
    point (``n_agreements`` for the status quo).

    The reasoning, point by point, with ties broken as in
    :func:`~kurilsim.games.negotiation.proposal_game`: the responder accepts
    ``a`` iff it values ``a`` at least as much as the status quo.  After an
    objection the proposer proceeds iff what it then gets, minus the cost, is
    at least the status quo -- and if it proceeds the objector's payoff is
    the same as after consenting, so an indifferent objector consents.  Hence
    the objector objects iff it strictly prefers the status quo to the
    consented outcome and the objection changes the outcome (it blocks, or
    the proposer would withdraw); the objection cost is then never paid on
    the path.  The proposer picks the first agreement (or the status quo,
    last) with the highest resulting value.

    ``payer`` says who bears the objection cost (the protocol's
    ``objection_payer``): ``"proposer"`` (pays on proceeding, as above),
    ``"responder"`` (pays on accepting: after an objection the responder
    accepts iff the agreement minus the cost is worth the status quo to
    it, so the objection changes the outcome when it would then reject),
    ``"objector"`` or ``"other"`` (pays when the agreement is concluded: the
    objection changes the outcome only if it blocks or the proposer would
    withdraw without any cost).

    ``ratified`` (optional, bool ``(n_agreements, m)``) marks the agreements
    that would be ratified at each point: the others fail after the
    responder's yes and end in the status quo, so the responder's acceptance
    is masked by it (the ratification game of
    :func:`kurilsim.kuril.ratification_game`, whose stages move after the
    responder and before any cost of a payer other than the proposer is
    paid).

    With numba installed (and ``KURILSIM_DISABLE_NUMBA`` unset) the same
    comparisons run as one compiled loop over blocks of points that stay in
    cache, instead of a dozen numpy passes over the whole table; the
    outcomes are identical.

    Only shapes, dtypes and options are checked (this is a hot loop): the
    values must be finite.

    Raises
    ------
    InvalidGameError
        If the arrays do not have matching shapes and dtypes, or for a bad
        ``objection_blocks`` or ``tol``.
    """
    objection_blocks = check_bool(
        objection_blocks, "objection_blocks", error=InvalidGameError
    )
    tol = _check_tol(tol)
    if payer not in _PAYERS:
        raise InvalidGameError(
            f"payer must be one of {', '.join(map(repr, _PAYERS))}, got {describe(payer)}"
        )
    shape = _kernel_table(proposer, "proposer", None)
    _kernel_table(responder, "responder", shape)
    if objector is not None:
        _kernel_table(objector, "objector", shape)
    if (
        not isinstance(restricted, np.ndarray)
        or restricted.dtype != np.bool_
        or restricted.shape != (shape[0] - 1,)
    ):
        raise InvalidGameError(
            f"restricted must be a bool array of shape ({shape[0] - 1},), got "
            f"{describe(restricted)}"
        )
    if ratified is not None and (
        not isinstance(ratified, np.ndarray)
        or ratified.dtype != np.bool_
        or ratified.shape != (shape[0] - 1, shape[1])
    ):
        raise InvalidGameError(
            f"ratified must be a bool array of shape ({shape[0] - 1}, {shape[1]}), "
            f"got {describe(ratified)}"
        )
    if not isinstance(cost, np.ndarray) or cost.shape != (shape[1],):
        raise InvalidGameError(
            f"cost must be an array of shape ({shape[1]},), got {describe(cost)}"
        )
    n, m = proposer.shape[0] - 1, proposer.shape[1]
    result = np.empty(m, dtype=np.intp)
    rows = np.flatnonzero(restricted) if objector is not None else np.empty(0, np.intp)
    weights = np.arange(n, 0, -1, dtype=np.int32)[:, None]
    # an objector whose utilities do not vary over the points (a broadcast
    # row, or equal columns) is compared with the status quo once
    costly = not objection_blocks  # whether the cost can be paid at all
    # the compiled loop compares in float64: other dtypes take the numpy passes
    float64 = all(
        table is None or table.dtype == np.float64
        for table in (proposer, responder, objector, cost)
    )
    loops = _compiled_loops() if m and float64 else None
    constant_objector = objector is not None and not (costly and payer == "objector") and (
        objector.strides[1] == 0
        or (
            loops[1](objector)
            if loops is not None and objector.flags.c_contiguous
            else bool((objector == objector[:, :1]).all())
        )
    )
    if constant_objector and len(rows):
        assert objector is not None
        column = objector[:, :1]
        worse_everywhere = column[rows] - column[n] < -_tolerance(column, tol)
    if loops is not None:
        worse = np.zeros(n, dtype=np.bool_)
        if constant_objector and len(rows):
            worse[rows] = worse_everywhere[:, 0]
        loops[0](
            np.ascontiguousarray(proposer, dtype=np.float64),
            np.ascontiguousarray(responder, dtype=np.float64),
            _EMPTY if objector is None or constant_objector
            else np.ascontiguousarray(objector, dtype=np.float64),
            worse,
            restricted if objector is not None else np.zeros(n, dtype=np.bool_),
            np.ascontiguousarray(cost, dtype=np.float64),
            _NOT_MASKED if ratified is None else np.ascontiguousarray(ratified),
            _PAYERS.index(payer), costly, tol, _LOOP_BLOCK, result,
        )
        return result
    # blocks of points small enough for the working set to stay in cache
    for start in range(0, m, _BLOCK):
        stop = min(start + _BLOCK, m)
        p, r = proposer[:, start:stop], responder[:, start:stop]
        j0 = p[n]
        c = cost[start:stop]
        charged = len(rows) > 0 and costly
        if charged and payer == "responder":  # its payoffs include "agreement minus cost"
            eps_r = _tolerance(r, tol, np.minimum(r.min(axis=0), (r[rows] - c).min(axis=0)))
        else:
            eps_r = _tolerance(r, tol)
        accepts = r[:n] >= r[n] - eps_r
        if ratified is not None:  # a failed ratification ends in the status quo
            accepts &= ratified[:, start:stop]
        gain = p[:n] - j0
        if len(rows):
            if charged and payer == "proposer":  # "agreement minus cost" leaves
                low = np.minimum(p[rows].min(axis=0), j0) - c
                eps_j = _tolerance(p, tol, np.minimum(p.min(axis=0), low))
            else:
                eps_j = _tolerance(p, tol)
            if constant_objector:
                worse = worse_everywhere
            else:
                assert objector is not None
                o = objector[:, start:stop]
                low_o = (
                    np.minimum(o.min(axis=0), (o[rows] - c).min(axis=0))
                    if charged and payer == "objector"
                    else None
                )
                worse = o[rows] - o[n] < -_tolerance(o, tol, low_o)
            # the objector objects iff it prefers the status quo to the
            # accepted agreement and the objection changes the outcome
            objects = accepts[rows] & worse
            if costly:
                if payer == "proposer":
                    objects &= gain[rows] < c - eps_j  # the proposer would withdraw
                elif payer == "responder":  # it would reject, or the proposer withdraw
                    objects &= (r[rows] - c < r[n] - eps_r) | (gain[rows] < -eps_j)
                else:  # only a proposer who withdraws at no cost changes it
                    objects &= gain[rows] < -eps_j
            accepts[rows] &= ~objects
        else:
            eps_j = _tolerance(p, tol)
        gain *= accepts
        best = np.maximum(gain.max(axis=0), 0.0)
        within = gain >= best - eps_j
        # the first agreement within tolerance of the best, else the status quo
        first = n - (within * weights).max(axis=0)
        reached = accepts[np.minimum(first, n - 1), np.arange(stop - start)] & (first < n)
        result[start:stop] = np.where(reached, first, n)
    return result


def proposal_spe(
    utilities: ArrayLike,
    restricted: ArrayLike,
    *,
    proposer: int,
    responder: int,
    objector: int | None,
    objection_cost: ArrayLike = 0.0,
    objection_blocks: bool = False,
    tol: float = 1e-12,
    payer: int | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Subgame-perfect outcome of the proposal game, for many utility tables.

    Parameters
    ----------
    utilities : array_like, shape (..., n_agents, n_agreements + 1)
        Utilities of every outcome (status quo last) for each agent; leading
        axes index parameter points.
    restricted : array_like of bool, shape (n_agreements,)
        Which agreements the objector may object to.
    proposer, responder, objector : int
        Agent indices (``objector=None``: nobody may object).
    objection_cost : float or array_like
        What an objection costs the payer if it defies it; an array
        broadcasts against the leading axes of ``utilities``.
    objection_blocks : bool
        Whether an objection ends in the status quo.
    tol : float
        Relative tie tolerance (times each agent's utility range per point).
    payer : int, optional
        Agent index of the objection payer (default: the proposer, who pays
        on going ahead; a responder pays on accepting, anyone else when the
        agreement is concluded -- see :func:`spe_kernel`).

    Returns
    -------
    agreement : ndarray of int, shape (...)
        Agreement index reached, or ``NO_DEAL``.
    payoffs : ndarray, shape (..., n_agents)
        Equilibrium payoffs (an objection cost is never paid on the
        equilibrium path: an objection happens only where it changes the
        outcome).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers.proposal import proposal_spe
    >>> u = np.array([[3.0, 1.0, 0.0],    # proposer: agreements 0, 1, status quo
    ...               [-1.0, 0.5, 0.0]])  # responder
    >>> proposal_spe(u, [False, False], proposer=0, responder=1, objector=None)
    (array(1), array([1. , 0.5]))
    """
    u = real_array(utilities, "utilities", error=InvalidGameError)
    if u.ndim < 2 or u.shape[-1] < 1:
        raise InvalidGameError(
            f"utilities must have shape (..., n_agents, n_agreements + 1), got {u.shape}"
        )
    n_agents, n_outcomes = u.shape[-2:]
    n = n_outcomes - 1
    try:
        mask = np.asarray(restricted)
    except (TypeError, ValueError):  # ragged sequences
        mask = np.asarray(None, dtype=object)
    if mask.shape != (n,) or mask.dtype != np.bool_:
        raise InvalidGameError(
            f"restricted must be {n} booleans (one per agreement), got "
            f"{describe(restricted)}"
        )
    roles = {"proposer": proposer, "responder": responder}
    if objector is not None:
        roles["objector"] = objector
    if payer is not None:
        roles["payer"] = payer
    for role, index in roles.items():
        check_int(index, role, low=0, high=n_agents - 1, error=InvalidGameError)
    if proposer == responder:
        raise InvalidGameError(
            f"proposer and responder must be different agents, got {proposer!r} twice"
        )
    cost = real_array(objection_cost, "objection_cost", error=InvalidGameError)
    if np.any(cost < 0):
        raise InvalidGameError(
            f"objection_cost must be >= 0, got {describe(objection_cost)}"
        )
    objection_blocks = check_bool(
        objection_blocks, "objection_blocks", error=InvalidGameError
    )
    tol = _check_tol(tol)
    lead = np.broadcast_shapes(u.shape[:-2], cost.shape)
    m = math.prod(lead)
    # kernel layout: one row per outcome, one column per parameter point
    table = np.moveaxis(
        np.broadcast_to(u, (*lead, n_agents, n_outcomes)).reshape(m, n_agents, n_outcomes),
        0,
        -1,
    )
    rows = [np.ascontiguousarray(table[i]) for i in range(n_agents)]
    column = spe_kernel(
        rows[proposer],
        rows[responder],
        None if objector is None else rows[objector],
        mask,
        np.broadcast_to(cost, lead).reshape(m),
        objection_blocks=objection_blocks,
        tol=tol,
        payer=_payer_role(payer, proposer, responder, objector),
    )
    points = np.arange(m)
    payoffs = np.stack([row[column, points] for row in rows], axis=-1)
    agreement = np.where(column < n, column, NO_DEAL).astype(np.intp)
    agreement = agreement.reshape(lead)
    payoffs = payoffs.reshape((*lead, n_agents))
    return agreement, payoffs


def _payer_role(
    payer: int | None, proposer: int, responder: int, objector: int | None
) -> str:
    """The role of :func:`spe_kernel`'s ``payer`` for an agent index."""
    if payer is None or payer == proposer:
        return "proposer"
    if payer == responder:
        return "responder"
    return "objector" if payer == objector else "other"
