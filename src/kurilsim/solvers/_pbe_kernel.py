"""The two-by-two pure PBE selection as one compiled loop (numba, optional).

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

This module is imported only when a two-by-two batch is selected (never by
``import kurilsim``); without numba it still imports (the decorator is then
the identity), which the tests use to check the plain-Python loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._numba import have_numba, jit

__all__ = ["HAVE_NUMBA", "two_by_two_games"]

#: Whether numba is installed: the loops below are then compiled.
HAVE_NUMBA = have_numba()


@jit
def _envelope(
    keys: NDArray[np.float64], values: NDArray[np.float64], order: NDArray[np.intp],
    sorted_keys: NDArray[np.float64], prefix: NDArray[np.float64],
    suffix: NDArray[np.float64],
) -> None:
    """Prepare ``q -> max(max{values[k, 0] : keys[k] <= q}, max{values[k, 1] : keys[k] > q})``.

    The maximum of an empty set is -inf (a column of -inf ignores that
    side).  One sort of the keys and prefix and suffix maxima; then
    :func:`_envelope_at` answers a query in ``O(log K)``.
    """
    K = keys.shape[0]
    order[:K] = np.argsort(keys)
    prefix[0] = -np.inf
    for k in range(K):
        o = order[k]
        sorted_keys[k] = keys[o]
        v = values[o, 0]
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
    inf = np.inf
    big = np.iinfo(np.int64).max
    br0 = np.empty((M, 2), dtype=np.bool_)
    br1 = np.empty((M, 2), dtype=np.bool_)
    brp = np.empty((M, 2), dtype=np.bool_)
    sus = np.empty((M, 2), dtype=np.bool_)
    sep0 = np.empty((M, 2), dtype=np.bool_)
    sep1 = np.empty((M, 2), dtype=np.bool_)
    in0 = np.empty(M, dtype=np.bool_)
    in1 = np.empty(M, dtype=np.bool_)
    both = np.empty(M, dtype=np.bool_)
    keys = np.empty(M)
    keys2 = np.empty(M)
    env_values = np.empty((M, 2))
    env_values2 = np.empty((M, 2))
    order = np.empty(M, dtype=np.intp)
    sk_phi = np.empty(M)
    pre_phi = np.empty(M + 1)
    suf_phi = np.empty(M + 1)
    sk_psi1 = np.empty(M)
    pre_psi1 = np.empty(M + 1)
    suf_psi1 = np.empty(M + 1)
    sk_psi2 = np.empty(M)
    pre_psi2 = np.empty(M + 1)
    suf_psi2 = np.empty(M + 1)
    opt0 = np.empty(2 * M, dtype=np.intp)
    opt1 = np.empty(2 * M, dtype=np.intp)
    key0 = np.empty(2 * M)
    key1 = np.empty(2 * M)
    for g in range(n):
        S0 = uS[g, 0]
        S1 = uS[g, 1]
        R0 = uR[g, 0]
        R1 = uR[g, 1]
        al0 = al[g, 0]
        al1 = al[g, 1]
        p0 = p[g, 0]
        p1 = p[g, 1]
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
        if K1 > 0:
            rank1 = opt1[:K1][np.argsort(key1[:K1], kind="mergesort")]
            w_top = p1 * S1[rank1[0] // 2, rank1[0] % 2]
        else:
            rank1 = opt1[:0]
            w_top = -inf
        # type 0's options by their bound p0 * a + w_top, best first
        for k in range(K0):
            q = opt0[k]
            key0[k] = -(p0 * S0[q // 2, q % 2] + w_top)
        rank0 = opt0[:K0][np.argsort(key0[:K0], kind="mergesort")]
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
            sender[g, 0] = -1
            sender[g, 1] = -1
            kind[g] = -1
            for m in range(M):
                receiver[g, m] = -1
            continue
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
            receiver[g, m] = 0 if g_0 <= least else (1 if g_1 <= least else 0)
        receiver[g, m0] = r0
        receiver[g, m1] = r1
        sender[g, 0] = m0
        sender[g, 1] = m1
        kind[g] = 0 if m0 == m1 else 1
