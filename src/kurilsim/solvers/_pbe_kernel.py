"""The two-by-two pure PBE selection as compiled loops (numba, optional).

:func:`kurilsim.solvers.pbe.select_pbe` computes the selected pure PBE of a
batch of signalling games with two types and two responses (the pledge
game).  Its numpy kernel (``_select_two_by_two`` in
:mod:`kurilsim.solvers.pbe`) works on whole chunks of games at once and
compares every pair of the types' options in one ``(K0 x K1)`` array per
game.  :func:`two_by_two_games` computes the same selection one game at a
time with scalar loops that numba compiles: the same float expressions in
the same order, so the same answers, ties included
(``tests/solvers/test_pbe_kernel.py`` checks it against the numpy kernel on
random games full of ties), and no quadratic work in the usual case.

Two entry points serve the sweeps of proposal games, in which a rejection
pays both players a status quo: :func:`proposal_games` selects each game on
its own subset of messages (the others removed, as the per-point solver
removes the messages that cannot matter), and :func:`commitment_games`
builds each game from the model's utilities (a proposal with a costly
commitment that one type may fail to honour: the pledge game of the
``"pbe"`` concept), reduces and selects it in the same loop, and returns
each type's outcome and the expected utilities, with no table in memory.
Both share the per-game code of :func:`two_by_two_games`
(``_select_game``).

This module is imported only when a two-by-two batch is selected (never by
``import kurilsim``); without numba it still imports (the decorator is then
the identity), which the tests use to check the plain-Python loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit

__all__ = ["HAVE_NUMBA", "commitment_games", "proposal_games", "two_by_two_games"]

#: Whether numba is installed: the loops below are then compiled.
HAVE_NUMBA = have_numba()


#: Above this many entries :func:`_sort_by` uses numpy's merge sort, below it
#: an insertion sort (no allocation: most games reduce to a few dozen options).
_INSERTION_SORT_MAX = 128


@jit
def _sort_by(keys: NDArray[np.float64], items: NDArray[np.intp], K: int) -> None:
    """Sort ``items[:K]`` and ``keys[:K]`` in place by ``keys`` ascending, stably
    (ties keep their order, as a merge sort; keys are not NaN)."""
    if K > _INSERTION_SORT_MAX:
        perm = np.argsort(keys[:K], kind="mergesort")
        items[:K] = items[:K][perm]
        keys[:K] = keys[:K][perm]
        return
    for i in range(1, K):
        key = keys[i]
        item = items[i]
        j = i - 1
        while j >= 0 and keys[j] > key:
            keys[j + 1] = keys[j]
            items[j + 1] = items[j]
            j -= 1
        keys[j + 1] = key
        items[j + 1] = item


@jit
def _envelope(
    keys: NDArray[np.float64], values: NDArray[np.float64], order: NDArray[np.intp],
    sorted_keys: NDArray[np.float64], prefix: NDArray[np.float64],
    suffix: NDArray[np.float64],
) -> None:
    """Prepare ``q -> max(max{values[k, 0] : keys[k] <= q}, max{values[k, 1] : keys[k] > q})``.

    The maximum of an empty set is -inf (a column of -inf ignores that
    side).  One sort of the keys and prefix and suffix maxima; then
    :func:`_envelope_at` answers a query in ``O(log K)``.  (Equal keys fall
    on the same side of every query, so their order does not matter.)
    """
    K = keys.shape[0]
    for k in range(K):
        sorted_keys[k] = keys[k]
        order[k] = k
    _sort_by(sorted_keys, order, K)
    prefix[0] = -np.inf
    for k in range(K):
        v = values[order[k], 0]
        prefix[k + 1] = max(prefix[k], v)
    suffix[K] = -np.inf
    for k in range(K - 1, -1, -1):
        v = values[order[k], 1]
        suffix[k] = max(suffix[k + 1], v)


@jit
def _envelope_at(
    sorted_keys: NDArray[np.float64], prefix: NDArray[np.float64],
    suffix: NDArray[np.float64], query: float,
) -> float:
    """The envelope prepared by :func:`_envelope` at ``query``."""
    lo = 0
    hi = sorted_keys.shape[0]
    while lo < hi:  # how many keys are <= query
        mid = (lo + hi) // 2
        if sorted_keys[mid] <= query:
            lo = mid + 1
        else:
            hi = mid
    best: float = max(suffix[lo], prefix[lo])
    return best


@jit
def _workspace(M: int) -> tuple[
    NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]
]:
    """The working arrays of :func:`_select_game` for games of up to ``M`` messages."""
    return (
        np.empty((9, M, 2), dtype=np.bool_),
        np.empty((13, 2 * M + 1)),
        np.empty((2, M, 2)),
        np.empty((3, 2 * M), dtype=np.intp),
    )


@jit
def _select_game(
    S0: NDArray[np.float64], S1: NDArray[np.float64],
    R0: NDArray[np.float64], R1: NDArray[np.float64],
    al0: NDArray[np.bool_], al1: NDArray[np.bool_],
    p0: float, p1: float, tol: float,
    flags: NDArray[np.bool_], floats: NDArray[np.float64], pairs: NDArray[np.float64],
    ints: NDArray[np.intp], responses: NDArray[np.intp],
) -> tuple[int, int, int]:
    """The selection of one game (see :func:`two_by_two_games`): its messages,
    the receiver's responses written into ``responses``, and its kind.

    ``S0, S1, R0, R1`` are ``(M, 2)``: each type's payoffs by message and
    response; ``al0, al1`` the messages each type may send; ``p0, p1`` the
    prior (summing to one).  ``flags``, ``floats``, ``pairs`` and ``ints``
    are working arrays of shapes at least ``(9, M, 2)``, ``(13, 2 * M + 1)``,
    ``(2, M, 2)`` and ``(3, 2 * M)`` (see :func:`_workspace`), reused from
    game to game.  Returns ``(m0, m1, kind)``, all -1 without a pure PBE
    (the responses then -1 too).
    """
    M = S0.shape[0]
    inf = np.inf
    big = 9223372036854775807  # np.iinfo(np.int64).max, a constant for numba
    br0 = flags[0, :M]
    br1 = flags[1, :M]
    brp = flags[2, :M]
    sus = flags[3, :M]
    sep0 = flags[4, :M]
    sep1 = flags[5, :M]
    in0 = flags[6, :M, 0]
    in1 = flags[7, :M, 0]
    both = flags[8, :M, 0]
    keys = floats[0, :M]
    keys2 = floats[1, :M]
    env_values = pairs[0, :M]
    env_values2 = pairs[1, :M]
    order = ints[0, :M]
    sk_phi = floats[2, :M]
    pre_phi = floats[3, : M + 1]
    suf_phi = floats[4, : M + 1]
    sk_psi1 = floats[5, :M]
    pre_psi1 = floats[6, : M + 1]
    suf_psi1 = floats[7, : M + 1]
    sk_psi2 = floats[8, :M]
    pre_psi2 = floats[9, : M + 1]
    suf_psi2 = floats[10, : M + 1]
    opt0 = ints[1, : 2 * M]
    opt1 = ints[2, : 2 * M]
    key0 = floats[11, : 2 * M]
    key1 = floats[12, : 2 * M]
    s_hi = -inf
    s_lo = inf
    r_hi = -inf
    r_lo = inf
    for m in range(M):
        for r in range(2):
            s_hi = max(s_hi, S0[m, r], S1[m, r])
            s_lo = min(s_lo, S0[m, r], S1[m, r])
            r_hi = max(r_hi, R0[m, r], R1[m, r])
            r_lo = min(r_lo, R0[m, r], R1[m, r])
    span_s = s_hi - s_lo
    span_r = r_hi - r_lo
    slack_s = tol * (span_s if span_s > 0 else 1.0)
    slack_r = tol * (span_r if span_r > 0 else 1.0)
    mass = p0 + p1
    mu0 = p0 / mass
    mu1 = p1 / mass
    for m in range(M):
        x0 = 1.0 * R0[m, 0] + 0.0 * R1[m, 0]
        x1 = 1.0 * R0[m, 1] + 0.0 * R1[m, 1]
        top = max(x0, x1) - slack_r
        br0[m, 0] = x0 >= top
        br0[m, 1] = x1 >= top
        x0 = 0.0 * R0[m, 0] + 1.0 * R1[m, 0]
        x1 = 0.0 * R0[m, 1] + 1.0 * R1[m, 1]
        top = max(x0, x1) - slack_r
        br1[m, 0] = x0 >= top
        br1[m, 1] = x1 >= top
        x0 = mu0 * R0[m, 0] + mu1 * R1[m, 0]
        x1 = mu0 * R0[m, 1] + mu1 * R1[m, 1]
        top = max(x0, x1) - slack_r
        brp[m, 0] = x0 >= top
        brp[m, 1] = x1 >= top
        i0 = al0[m] and p0 > 0
        i1 = al1[m] and p1 > 0
        if not (i0 or i1):
            i0 = al0[m]
            i1 = al1[m]
        in0[m] = i0
        in1[m] = i1
        both[m] = al0[m] and al1[m] and p0 > 0 and p1 > 0
        for r in range(2):
            sus[m, r] = (i0 and br0[m, r]) or (i1 and br1[m, r])
            sep0[m, r] = br0[m, r] if p0 > 0 else sus[m, r]
            sep1[m, r] = br1[m, r] if p1 > 0 else sus[m, r]
    # --- phi: the deterrence envelope (evaluated where needed, below)
    a_star = -inf
    for m in range(M):
        al_0 = S0[m, 0] if al0[m] else -inf
        al_1 = S0[m, 1] if al0[m] else -inf
        alpha0 = al_0 if sus[m, 0] else inf
        alpha1 = al_1 if sus[m, 1] else inf
        beta0 = S1[m, 0] if al1[m] else -inf
        beta1 = S1[m, 1] if al1[m] else -inf
        if alpha1 < alpha0:
            lo, hi, b_lo, b_hi = alpha1, alpha0, beta1, beta0
        else:
            lo, hi, b_lo, b_hi = alpha0, alpha1, beta0, beta1
        a_star = max(a_star, lo)
        keys[m] = hi
        env_values[m, 0] = min(b_lo, b_hi)
        env_values[m, 1] = b_lo
    _envelope(keys, env_values, order, sk_phi, pre_phi, suf_phi)
    # --- the Intuitive Criterion envelopes
    #   psi1(A) = min{H1 : g0 > A} = -max{-H1 : g0 > A}
    #   psi2(a) = max{g1 : H0 < a} = max{g1 : -H0 > -a}
    for m in range(M):
        w0 = inf
        w1 = inf
        h0 = -inf
        h1 = -inf
        for r in range(2):
            if br0[m, r]:
                w0 = min(w0, S0[m, r])
            if br1[m, r]:
                w1 = min(w1, S1[m, r])
            if sus[m, r]:
                h0 = max(h0, S0[m, r])
                h1 = max(h1, S1[m, r])
        keys[m] = w0 if both[m] else -inf  # g0
        env_values[m, 0] = -inf
        env_values[m, 1] = -(h1 + slack_s)  # -H1
        keys2[m] = -(h0 + slack_s) if both[m] else -inf  # -H0
        env_values2[m, 0] = -inf
        env_values2[m, 1] = w1 if both[m] else -inf  # g1
    _envelope(keys, env_values, order, sk_psi1, pre_psi1, suf_psi1)
    _envelope(keys2, env_values2, order, sk_psi2, pre_psi2, suf_psi2)
    # --- pooling candidates
    v_int = -inf
    c_int = big
    v_all = -inf
    c_all = big
    for m in range(M):
        if not (al0[m] and al1[m]):
            continue
        for r in range(2):
            q = 2 * m + r
            B = S1[m, r] + slack_s
            if not brp[m, r]:
                continue
            A = S0[m, r] + slack_s
            phi = inf if a_star > A else _envelope_at(sk_phi, pre_phi, suf_phi, A)
            if not phi <= B:
                continue
            val = p0 * S0[m, r] + p1 * S1[m, r]
            code = ((m * M + m) * 2 + r) * 2 + r
            if val > v_all or (val == v_all and code < c_all):
                v_all = val
                c_all = code
            psi1 = -_envelope_at(sk_psi1, pre_psi1, suf_psi1, A)
            psi2 = _envelope_at(sk_psi2, pre_psi2, suf_psi2, -S0[m, r])
            intuitive = not (psi1 < S1[m, r]) and not (psi2 > B)
            if intuitive and (val > v_int or (val == v_int and code < c_int)):
                v_int = val
                c_int = code
    # --- separating candidates
    floor0 = -inf
    floor1 = -inf
    for m in range(M):
        least0 = inf
        least1 = inf
        for r in range(2):
            if sus[m, r]:
                least0 = min(least0, S0[m, r])
                least1 = min(least1, S1[m, r])
        if al0[m]:
            floor0 = max(floor0, least0)
        if al1[m]:
            floor1 = max(floor1, least1)
    K0 = 0
    K1 = 0
    for m in range(M):
        for r in range(2):
            q = 2 * m + r
            if al0[m] and sep0[m, r] and floor0 <= S0[m, r] + slack_s:
                opt0[K0] = q
                K0 += 1
            if al1[m] and sep1[m, r] and floor1 <= S1[m, r] + slack_s:
                opt1[K1] = q
                K1 += 1
    # type 1's options by p1 * b descending, codes ascending on ties
    for k in range(K1):
        q = opt1[k]
        key1[k] = -(p1 * S1[q // 2, q % 2])
    _sort_by(key1, opt1, K1)
    rank1 = opt1[:K1]
    w_top = p1 * S1[rank1[0] // 2, rank1[0] % 2] if K1 > 0 else -inf
    # type 0's options by their bound p0 * a + w_top, best first
    for k in range(K0):
        q = opt0[k]
        key0[k] = -(p0 * S0[q // 2, q % 2] + w_top)
    _sort_by(key0, opt0, K0)
    rank0 = opt0[:K0]
    for phase in range(2):
        if phase == 1 and v_int > -inf:
            break
        v_best = v_int if phase == 0 else v_all
        c_best = c_int if phase == 0 else c_all
        for k in range(K0):
            qi = rank0[k]
            m0 = qi // 2
            r0 = qi % 2
            a = S0[m0, r0]
            bound = p0 * a + w_top
            if bound < v_best:
                break
            A = a + slack_s
            phi = inf if a_star > A else _envelope_at(sk_phi, pre_phi, suf_phi, A)
            thr = max(S1[m0, r0] if al1[m0] else -inf, phi)
            if phase == 0:
                psi2 = _envelope_at(sk_psi2, pre_psi2, suf_psi2, -a)
                lower = max(thr, psi2)
                upper = -_envelope_at(sk_psi1, pre_psi1, suf_psi1, A)
            else:
                lower = thr
                upper = inf
            for kj in range(K1):
                qj = rank1[kj]
                m1 = qj // 2
                r1 = qj % 2
                if m1 == m0:
                    continue
                c = S0[m1, r1] if al0[m1] else -inf
                if not c <= A:
                    continue
                b = S1[m1, r1]
                if not lower <= b + slack_s:
                    continue
                if phase == 0 and not b <= upper:
                    continue
                val = p0 * a + p1 * b
                code = ((m0 * M + m1) * 2 + r0) * 2 + r1
                if val > v_best or (val == v_best and code < c_best):
                    v_best = val
                    c_best = code
                break
        if phase == 0:
            v_int = v_best
            c_int = c_best
        else:
            v_all = v_best
            c_all = c_best
    chosen = c_int if v_int > -inf else c_all
    if v_int == -inf and v_all == -inf:
        for m in range(M):
            responses[m] = -1
        return -1, -1, -1
    r1 = chosen % 2
    r0 = (chosen // 2) % 2
    m1 = (chosen // 4) % M
    m0 = (chosen // 4) // M
    a = S0[m0, r0]
    b = S1[m1, r1]
    limit0 = a + slack_s
    limit1 = b + slack_s
    for m in range(M):
        g_0 = inf
        g_1 = inf
        for r in range(2):
            d0 = S0[m, r] if al0[m] else -inf
            d1 = S1[m, r] if al1[m] else -inf
            if sus[m, r] and d0 <= limit0 and d1 <= limit1:
                gain = max(d0 - a, d1 - b)
            else:
                gain = inf
            if r == 0:
                g_0 = gain
            else:
                g_1 = gain
        least = min(g_0, g_1) + slack_s
        responses[m] = 0 if g_0 <= least else (1 if g_1 <= least else 0)
    responses[m0] = r0
    responses[m1] = r1
    return m0, m1, (0 if m0 == m1 else 1)


@jit
def two_by_two_games(
    uS: NDArray[np.float64],
    uR: NDArray[np.float64],
    p: NDArray[np.float64],
    al: NDArray[np.bool_],
    tol: float,
    sender: NDArray[np.intp],
    receiver: NDArray[np.intp],
    kind: NDArray[np.intp],
) -> None:
    """:func:`kurilsim.solvers.pbe._select_two_by_two`, one game at a time, into the output arrays.

    The same float expressions in the same order (so the same answers, ties
    included), but per game and without the quadratic pair array: the
    envelopes come from one sort each, and the separating pairs are scanned
    type-0 option by option, best bound first, each stopping at its first
    feasible partner, and stopping altogether once no remaining option can
    reach the best value found (``p0 * a + p1 * b`` rounds monotonically in
    ``b``).  Compiled by numba when it is installed (see
    :data:`HAVE_NUMBA`); plain Python otherwise (slow: tests only).

    Parameters
    ----------
    uS, uR : ndarray, shape (n, 2, M, 2)
        The sender's and the receiver's payoffs of ``n`` games (C order).
    p : ndarray, shape (n, 2)
        The priors, each summing to one.
    al : ndarray of bool, shape (n, 2, M)
        The messages each type may send.
    tol : float
        Relative tolerance (times each game's payoff ranges).
    sender, receiver, kind : ndarray of int
        Outputs, shapes ``(n, 2)``, ``(n, M)`` and ``(n,)``: what
        :func:`kurilsim.solvers.pbe.select_pbe` returns (-1 without a pure PBE).

    Examples
    --------
    >>> import numpy as np
    >>> from kurilsim.solvers._pbe_kernel import two_by_two_games
    >>> uS = np.array([[[[0, 2], [1, 3]], [[1, 3], [0, 2]]]], dtype=float)  # beer-quiche
    >>> uR = np.array([[[[1, 0], [1, 0]], [[0, 1], [0, 1]]]], dtype=float)
    >>> out = np.zeros((1, 2), int), np.zeros((1, 2), int), np.zeros(1, int)
    >>> two_by_two_games(uS, uR, np.array([[0.1, 0.9]]), np.ones((1, 2, 2), bool),
    ...                  1e-9, *out)
    >>> [x.tolist() for x in out]
    [[[0, 0]], [[1, 0]], [0]]
    """
    n, _, M, _ = uS.shape
    flags, floats, pairs, ints = _workspace(M)
    for g in range(n):
        m0, m1, k = _select_game(
            uS[g, 0], uS[g, 1], uR[g, 0], uR[g, 1], al[g, 0], al[g, 1],
            p[g, 0], p[g, 1], tol, flags, floats, pairs, ints, receiver[g],
        )
        sender[g, 0] = m0
        sender[g, 1] = m1
        kind[g] = k


@jit
def proposal_games(
    accept_sender: NDArray[np.float64],
    accept_receiver: NDArray[np.float64],
    reject_sender: NDArray[np.float64],
    reject_receiver: NDArray[np.float64],
    p: NDArray[np.float64],
    keep: NDArray[np.bool_],
    tol: float,
    sender: NDArray[np.intp],
    receiver: NDArray[np.intp],
    kind: NDArray[np.intp],
) -> None:
    """:func:`two_by_two_games` for proposal games, each on its kept messages only.

    A proposal game is a two-by-two signalling game whose second response
    (reject) pays the sender and the receiver the same status quo whatever
    the type and the message: ``uS[g, t, m] = (accept_sender[g, t, m],
    reject_sender[g])``, likewise for the receiver.  Game ``g`` is the game
    on the messages ``keep[g]`` alone (the others removed, as with
    :meth:`kurilsim.games.signalling.SignallingGame` built on those
    messages), every type allowed every kept message; the kept messages are
    copied into working arrays and selected by the same code as
    :func:`two_by_two_games`, so the answer is that function's on the
    reduced game (tolerances scaled by the reduced game's payoff ranges,
    ties broken by the kept messages' order), with the messages mapped back
    to their indices.

    Parameters
    ----------
    accept_sender, accept_receiver : ndarray, shape (n, 2, M)
        Payoffs when the receiver accepts, by type and message (C order).
    reject_sender, reject_receiver : ndarray, shape (n,)
        The status quo.
    p : ndarray, shape (n, 2)
        The priors, each summing to one.
    keep : ndarray of bool, shape (n, M)
        The messages of each game (at least one each).
    tol : float
        Relative tolerance (times each reduced game's payoff ranges).
    sender, receiver, kind : ndarray of int
        Outputs, shapes ``(n, 2)``, ``(n, M)`` and ``(n,)``, as in
        :func:`two_by_two_games`; the response at a removed message is -1.

    Examples
    --------
    Accepting the first proposal pays both more than the status quo (0);
    the second (removed) would be rejected:

    >>> import numpy as np
    >>> from kurilsim.solvers._pbe_kernel import proposal_games
    >>> accept = np.array([[[0.0, 1.0, -1.0], [0.0, 1.0, -1.0]]])
    >>> out = np.zeros((1, 2), int), np.zeros((1, 3), int), np.zeros(1, int)
    >>> proposal_games(accept, accept, np.zeros(1), np.zeros(1), np.array([[0.5, 0.5]]),
    ...                np.array([[True, True, False]]), 1e-9, *out)
    >>> [x.tolist() for x in out]
    [[[1, 1]], [[0, 0, -1]], [0]]
    """
    n, _, M = accept_sender.shape
    flags, floats, pairs, ints = _workspace(M)
    uS = np.empty((2, M, 2))
    uR = np.empty((2, M, 2))
    allowed = np.ones(M, dtype=np.bool_)
    index = np.empty(M, dtype=np.intp)
    responses = np.empty(M, dtype=np.intp)
    for g in range(n):
        K = 0
        for m in range(M):
            if keep[g, m]:
                index[K] = m
                for t in range(2):
                    uS[t, K, 0] = accept_sender[g, t, m]
                    uS[t, K, 1] = reject_sender[g]
                    uR[t, K, 0] = accept_receiver[g, t, m]
                    uR[t, K, 1] = reject_receiver[g]
                K += 1
        m0, m1, k = _select_game(
            uS[0, :K], uS[1, :K], uR[0, :K], uR[1, :K], allowed[:K], allowed[:K],
            p[g, 0], p[g, 1], tol, flags, floats, pairs, ints, responses[:K],
        )
        for m in range(M):
            receiver[g, m] = -1
        if k < 0:
            sender[g, 0] = -1
            sender[g, 1] = -1
        else:
            for j in range(K):
                receiver[g, index[j]] = responses[j]
            sender[g, 0] = index[m0]
            sender[g, 1] = index[m1]
        kind[g] = k


@jit
def commitment_games(
    table: NDArray[np.float64],
    receiver_low: NDArray[np.float64],
    receiver_high: NDArray[np.float64],
    sender: int,
    receiver: int,
    objector: int,
    blocks: bool,
    agreements: NDArray[np.intp],
    clause: NDArray[np.intp],
    marked: NDArray[np.bool_],
    costs: NDArray[np.float64],
    bindings: NDArray[np.float64],
    breach: NDArray[np.float64],
    objection_cost: NDArray[np.float64],
    prior: NDArray[np.float64],
    p: NDArray[np.float64],
    relevant_tol: float,
    decision_tol: float,
    tol: float,
    reached: NDArray[np.intp],
    expected: NDArray[np.float64],
    kind: NDArray[np.intp],
) -> None:
    """The selected pure PBE of proposal games with commitments, built, reduced
    and selected in one loop over the games (no payoff tables in memory).

    The game at point ``g``: the sender, of type 0 (its commitment holds)
    or 1 (it holds with the binding force ``b_c`` of the clause ``c``
    attached to the message), proposes an outcome with a clause (messages:
    ``agreements`` and ``clause``, -1 for no proposal and for no clause);
    an objector may stop a ``marked`` proposal it strictly dislikes (it
    blocks, or the sender withdraws rather than pay ``objection_cost``);
    the receiver accepts or rejects, a rejection giving everyone the status
    quo (the last outcome).  Payoffs: ``table[:, :, g]`` (agents x outcomes) for
    everyone, less the clause's cost ``costs[g, c]`` (and, for type 1,
    ``breach[g] * b_c``) for the sender; the receiver's is ``receiver_high``
    for type 0 and ``low + b_c * (high - low)`` for type 1.  These are,
    float for float, the tables that :func:`proposal_games` receives from
    the caller's numpy path (the pledge game's, in the ``"pbe"`` sweep):
    each game is reduced to its relevant messages (those that some type
    prefers to the status quo if accepted and that the receiver may accept,
    within ``relevant_tol``; message 0 always) and selected by the same code
    as :func:`two_by_two_games`.

    Parameters
    ----------
    table : ndarray, shape (A, O, n)
        Every agent's utility of each outcome (status quo last) at each
        point (points last, the sweeps' layout; any strides).
    receiver_low, receiver_high : ndarray, shape (O, n)
        The receiver's utility of each outcome when the commitment fails and
        holds.
    sender, receiver, objector : int
        Agent indices (``objector`` -1 for none).
    blocks : bool
        Whether an objection blocks (else the sender may pay to defy it).
    agreements, clause : ndarray of int, shape (M,)
        Each message's outcome (-1: no proposal) and clause (-1: none).
    marked : ndarray of bool, shape (M,)
        The messages the objector may object to.
    costs, bindings : ndarray, shape (n, C)
        Each clause's cost and binding force at each point (``C >= 1``).
    breach, objection_cost : ndarray, shape (n,)
    prior : ndarray, shape (n, 2)
        The type probabilities (weights of the expected utilities).
    p : ndarray, shape (n, 2)
        The same, each row divided by its sum (the selection's).
    relevant_tol, decision_tol, tol : float
        Relative tolerances of the relevance of a message, of the
        objector's and sender's decisions, and of the selection.
    reached, expected, kind : ndarray
        Outputs, shapes ``(n, 2)`` (each type's outcome, -1 for none),
        ``(n, A)`` (expected utilities over the types) and ``(n,)`` (the
        selection's kind; -1 without a pure PBE, the other outputs then
        -1 and NaN).
    """
    A, O, n = table.shape
    M = agreements.shape[0]
    sq = O - 1
    inf = np.inf
    flags, floats, pairs, ints = _workspace(M)
    deal = np.empty((2, M))
    acc_s = np.empty((2, M))
    acc_r = np.empty((2, M))
    concluded = np.empty((2, M), dtype=np.bool_)
    uS = np.empty((2, M, 2))
    uR = np.empty((2, M, 2))
    allowed = np.ones(M, dtype=np.bool_)
    index = np.empty(M, dtype=np.intp)
    responses = np.empty(M, dtype=np.intp)
    for g in range(n):
        js = table[sender, sq, g]
        rs = table[receiver, sq, g]
        oc = objection_cost[g]
        b = breach[g]
        # the sender's deals by type, and their range (with the objection paid)
        jhi = -inf
        jlo = inf
        for o in range(O):
            jhi = max(jhi, table[sender, o, g])
            jlo = min(jlo, table[sender, o, g])
        dhi = -inf
        dlo = inf
        for k in range(M):
            c = clause[k]
            kappa = costs[g, c] if c >= 0 else 0.0
            bind = bindings[g, c] if c >= 0 else 0.0
            row = agreements[k] if agreements[k] >= 0 else sq
            v = table[sender, row, g]
            d0 = v - kappa
            d1 = v - (kappa + b * bind)
            deal[0, k] = d0
            deal[1, k] = d1
            dhi = max(dhi, d0, d1)
            dlo = min(dlo, d0 - oc, d1 - oc)
        eps_us = 0.0
        eps_j = 0.0
        if objector >= 0:
            uhi = -inf
            ulo = inf
            for o in range(O):
                uhi = max(uhi, table[objector, o, g])
                ulo = min(ulo, table[objector, o, g])
            spread = uhi - ulo
            eps_us = decision_tol * (spread if spread > 0 else 1.0)
            spread = max(jhi, dhi) - min(jlo, dlo)
            eps_j = decision_tol * (spread if spread > 0 else 1.0)
        # the accepted payoffs, and the receiver's range
        rhi = rs
        rlo = rs
        for k in range(M):
            c = clause[k]
            bind = bindings[g, c] if c >= 0 else 0.0
            proposal = agreements[k] >= 0
            row = agreements[k] if proposal else sq
            objects = False
            if objector >= 0 and marked[k]:
                objects = table[objector, row, g] - table[objector, sq, g] < -eps_us
            high = receiver_high[row, g]
            low = receiver_low[row, g]
            for t in range(2):
                done = proposal
                if objects and (blocks or deal[t, k] - js < oc - eps_j):
                    done = False
                concluded[t, k] = done
                acc_s[t, k] = deal[t, k] if done else js
                if done:
                    acc_r[t, k] = high if t == 0 else low + bind * (high - low)
                else:
                    acc_r[t, k] = rs
                rhi = max(rhi, acc_r[t, k])
                rlo = min(rlo, acc_r[t, k])
        spread = rhi - rlo
        least = rs - relevant_tol * (spread if spread > 0 else 1.0)
        # the relevant messages, copied into the reduced game
        K = 0
        for k in range(M):
            if k > 0 and not (
                (acc_s[0, k] > js or acc_s[1, k] > js)
                and (acc_r[0, k] >= least or acc_r[1, k] >= least)
            ):
                continue
            index[K] = k
            for t in range(2):
                uS[t, K, 0] = acc_s[t, k]
                uS[t, K, 1] = js
                uR[t, K, 0] = acc_r[t, k]
                uR[t, K, 1] = rs
            K += 1
        m0, m1, chosen = _select_game(
            uS[0, :K], uS[1, :K], uR[0, :K], uR[1, :K], allowed[:K], allowed[:K],
            p[g, 0], p[g, 1], tol, flags, floats, pairs, ints, responses[:K],
        )
        kind[g] = chosen
        if chosen < 0:
            reached[g, 0] = -1
            reached[g, 1] = -1
            for a in range(A):
                expected[g, a] = np.nan
            continue
        s0 = index[m0]
        s1 = index[m1]
        a0 = responses[m0] == 0
        a1 = responses[m1] == 0
        deal0 = concluded[0, s0] and a0
        deal1 = concluded[1, s1] and a1
        reached[g, 0] = agreements[s0] if deal0 else -1
        reached[g, 1] = agreements[s1] if deal1 else -1
        row0 = agreements[s0] if agreements[s0] >= 0 else sq
        row1 = agreements[s1] if agreements[s1] >= 0 else sq
        for a in range(A):
            if a == sender:
                v0 = acc_s[0, s0] if a0 else js
                v1 = acc_s[1, s1] if a1 else js
            elif a == receiver:
                v0 = acc_r[0, s0] if a0 else rs
                v1 = acc_r[1, s1] if a1 else rs
            else:
                v0 = table[a, row0, g] if deal0 else table[a, sq, g]
                v1 = table[a, row1, g] if deal1 else table[a, sq, g]
            expected[g, a] = prior[g, 0] * v0 + prior[g, 1] * v1
