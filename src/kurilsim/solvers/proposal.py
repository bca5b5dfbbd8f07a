"""Vectorised backward induction for the proposal game with an objector.

:func:`kurilsim.solve_spe` solves any game tree node by node.  The proposal
game of :func:`kurilsim.games.negotiation.proposal_game` has a fixed shape,
so its subgame-perfect equilibrium can be computed for whole arrays of
utility tables at once (one per parameter point of a sweep) with the same
tie-breaking: the responder accepts when indifferent, the objector consents,
the proposer proceeds after an objection, and prefers earlier agreements,
with "no proposal" last.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kurilsim._errors import InvalidGameError
from kurilsim.domain.agreements import NO_DEAL

__all__ = ["proposal_spe"]


def proposal_spe(
    utilities: ArrayLike,
    restricted: ArrayLike,
    *,
    proposer: int,
    responder: int,
    objector: int | None,
    objection_cost: float = 0.0,
    objection_blocks: bool = False,
    tol: float = 1e-12,
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
    objection_cost : float
        What an objection costs the proposer if it goes ahead.
    objection_blocks : bool
        Whether an objection ends in the status quo.
    tol : float
        Relative tie tolerance (times each agent's utility range per point).

    Returns
    -------
    agreement : ndarray of int, shape (...)
        Agreement index reached, or ``NO_DEAL``.
    payoffs : ndarray, shape (..., n_agents)
        Equilibrium payoffs (the proposer's include any objection cost paid).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers.proposal import proposal_spe
    >>> u = np.array([[3.0, 1.0, 0.0],    # proposer: agreements 0, 1, status quo
    ...               [-1.0, 0.5, 0.0]])  # responder
    >>> proposal_spe(u, [False, False], proposer=0, responder=1, objector=None)
    (array(1), array([1. , 0.5]))
    """
    u = np.asarray(utilities, dtype=np.float64)
    if u.ndim < 2 or u.shape[-1] < 1:
        raise InvalidGameError(
            f"utilities must have shape (..., n_agents, n_agreements + 1), got {u.shape}"
        )
    n_agents, n_outcomes = u.shape[-2:]
    n = n_outcomes - 1
    mask = np.asarray(restricted, dtype=bool)
    if mask.shape != (n,):
        raise InvalidGameError(
            f"restricted must have one entry per agreement ({n}), got shape {mask.shape}"
        )
    roles = [proposer, responder] + ([] if objector is None else [objector])
    if any(not 0 <= r < n_agents for r in roles) or proposer == responder:
        raise InvalidGameError(f"bad role indices {roles} for {n_agents} agents")
    spread = u.max(axis=-1) - u.min(axis=-1)
    spread[..., proposer] += objection_cost
    eps = tol * np.where(spread > 0, spread, 1.0)  # (..., n_agents)
    deals = u[..., :n]  # (..., n_agents, n)
    status_quo = u[..., n:]  # (..., n_agents, 1)

    accepts = deals[..., responder, :] >= status_quo[..., responder, :] - eps[
        ..., responder, None
    ]
    # outcome if everyone consents: the agreement when accepted, else status quo
    consent = np.where(accepts[..., None, :], deals, status_quo)  # (..., agents, n)
    consent_deal = accepts
    if objector is None:
        final, final_deal = consent, consent_deal
    else:
        if objection_blocks:
            objected = np.broadcast_to(status_quo, consent.shape)
            objected_deal = np.zeros_like(consent_deal)
        else:
            proceed_value = consent[..., proposer, :] - objection_cost
            proceed = proceed_value >= status_quo[..., proposer, :] - eps[
                ..., proposer, None
            ]
            after = consent.copy()
            after[..., proposer, :] -= objection_cost
            objected = np.where(proceed[..., None, :], after, status_quo)
            objected_deal = proceed & consent_deal
        objects = mask & (
            objected[..., objector, :]
            > consent[..., objector, :] + eps[..., objector, None]
        )
        final = np.where(objects[..., None, :], objected, consent)
        final_deal = np.where(objects, objected_deal, consent_deal)
    # the proposer's choice: agreements in order, then "no proposal" (last)
    values = np.concatenate([final[..., proposer, :], status_quo[..., proposer, :]], -1)
    best = values.max(axis=-1, keepdims=True)
    choice = np.argmax(values >= best - eps[..., proposer, None], axis=-1)
    payoff_table = np.concatenate([final, status_quo], axis=-1)  # (..., agents, n+1)
    payoffs = np.take_along_axis(payoff_table, choice[..., None, None], axis=-1)[..., 0]
    deal_flags = np.concatenate(
        [final_deal, np.zeros((*final_deal.shape[:-1], 1), dtype=bool)], axis=-1
    )
    reached = np.take_along_axis(deal_flags, choice[..., None], axis=-1)[..., 0]
    agreement = np.where(reached, choice, NO_DEAL).astype(np.intp)
    return agreement, payoffs
