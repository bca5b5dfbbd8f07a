"""Vectorised payoff kernels of normal-form games.

Low-level functions on payoff tensors: ``payoffs[i]`` is player ``i``'s
payoff array of shape ``(m_0, ..., m_{n-1})`` (for instance
:attr:`~kurilsim.games.normal_form.NormalFormGame.payoffs` or its
``centred_payoffs``) and a profile is one probability vector per player.
They do not validate their arguments: :class:`NormalFormGame` methods
(``deviation_payoffs``, ``gains``, ``is_nash``) are the checked interface;
solvers call these kernels on arrays they have already checked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "deviation_gains",
    "deviation_payoffs",
    "deviation_payoffs_batch",
    "gains_exceed",
]

#: A mixed-strategy profile: one probability vector per player.
Profile = tuple[NDArray[np.float64], ...]


def gains_exceed(
    gains: ArrayLike, limits: ArrayLike
) -> NDArray[np.bool_]:
    """The one rule deciding whether a deviation gain counts: ``gain > limit``.

    Every equilibrium check of kurilsim goes through this function: the
    ``"pure"`` solver's best-reply test, the certification of every
    solver's candidates and :meth:`NormalFormGame.is_nash`, so they agree on
    what counts as a profitable deviation.  Gains are computed on the
    recentred payoffs (:attr:`NormalFormGame.centred_payoffs`); a NaN gain
    counts as exceeding.

    Parameters
    ----------
    gains, limits : array_like
        Deviation gains and the largest gains accepted (broadcast together;
        ``limits`` is usually ``tol * game.payoff_ranges``).

    Returns
    -------
    ndarray of bool
        Where the gain exceeds its limit.

    Examples
    --------
    >>> from kurilsim.games.payoffs import gains_exceed
    >>> gains_exceed([0.0, 1e-10, 2e-9, float("nan")], 1e-9).tolist()
    [False, False, True, True]
    """
    return np.asarray(~(np.asarray(gains) <= np.asarray(limits)), dtype=bool)


def deviation_payoffs(
    payoffs: Sequence[NDArray[np.float64]], sigma: Sequence[ArrayLike]
) -> Profile:
    """Each player's expected payoff of each pure strategy against ``sigma``.

    ``out[i][s] = E[u_i(s, sigma_-i)]``: one profile of
    :func:`deviation_payoffs_batch`.

    Parameters
    ----------
    payoffs : sequence of ndarray
        One payoff tensor per player, all of the game's shape.
    sigma : sequence of array_like
        One probability vector per player.

    Returns
    -------
    tuple of ndarray
        One vector of length ``m_i`` per player.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.games.payoffs import deviation_payoffs
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
    >>> row, col = deviation_payoffs((A, A.T), ([0.5, 0.5], [1.0, 0.0]))
    >>> row.tolist(), col.tolist()
    ([3.0, 0.0], [1.5, 1.0])
    """
    batch = deviation_payoffs_batch(
        payoffs, [np.asarray(s, dtype=np.float64)[None, :] for s in sigma]
    )
    return tuple(d[0] for d in batch)


def deviation_payoffs_batch(
    payoffs: Sequence[NDArray[np.float64]], blocks: Sequence[NDArray[np.float64]]
) -> tuple[NDArray[np.float64], ...]:
    """:func:`deviation_payoffs` for many profiles at once.

    ``blocks[j]`` has shape ``(C, m_j)`` (row ``c``: player ``j``'s strategy
    in profile ``c``); returns one ``(C, m_i)`` array per player.  The other
    players' axes are contracted one at a time, by batched matrix products.

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.games.payoffs import deviation_payoffs_batch
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
    >>> rows = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> cols = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> row, col = deviation_payoffs_batch((A, A.T), [rows, cols])
    >>> row.tolist()
    [[3.0, 0.0], [1.5, 1.0]]
    """
    n = len(payoffs)
    out = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        if not others:  # a one-player game: nobody else to average over
            out.append(np.broadcast_to(payoffs[i], blocks[i].shape).astype(np.float64))
            continue
        work = np.moveaxis(payoffs[i], i, -1)  # the others' axes in order, then i's
        work = np.tensordot(blocks[others[0]], work, axes=([1], [0]))  # (C, ..., m_i)
        C = work.shape[0]
        for j in others[1:]:
            rest = work.shape[2:]
            work = (blocks[j][:, None, :] @ work.reshape(C, work.shape[1], -1)).reshape(C, *rest)
        out.append(np.asarray(work, dtype=np.float64))
    return tuple(out)


def deviation_gains(
    payoffs: Sequence[NDArray[np.float64]], sigma: Sequence[NDArray[np.float64]]
) -> NDArray[np.float64]:
    """Each player's largest gain from a unilateral deviation from ``sigma``.

    ``max_s u_i(s, sigma_-i) - u_i(sigma)``, clipped at 0 (a profile is a
    Nash equilibrium when every gain is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.games.payoffs import deviation_gains
    >>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
    >>> deviation_gains((A, A.T), (np.array([0.0, 1.0]), np.array([1.0, 0.0]))).tolist()
    [3.0, 2.0]
    """
    dev = deviation_payoffs(payoffs, sigma)
    return np.array(
        [max(0.0, float(d.max() - d @ s)) for d, s in zip(dev, sigma, strict=True)]
    )
