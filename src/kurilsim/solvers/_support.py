"""All equilibria of a nondegenerate bimatrix game by batched support enumeration."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from kurilsim.solvers._polytope import LABEL_TOL, positive_scaled, solve_square_systems

__all__ = ["SupportEnumerationOutput", "iterated_strict_dominance", "support_enumeration_kernel"]

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class SupportEnumerationOutput:
    """Candidates of support enumeration and the degeneracy evidence met on the way."""

    candidates: list[tuple[NDArray[np.float64], NDArray[np.float64]]]
    n_pairs: int
    n_pruned: int
    degeneracy: str | None


def iterated_strict_dominance(
    A: NDArray[np.float64], B: NDArray[np.float64], *, margin: float = 0.0
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Rows and columns that survive iterated elimination of pure strategies
    strictly dominated (by more than ``margin`` everywhere) by another pure
    strategy.

    No equilibrium plays a strictly dominated strategy, so enumerating on the
    survivors loses nothing.  A positive ``margin`` keeps strategies that are
    only dominated within the tolerance at which equilibria are certified
    (they may belong to certified near-equilibria).
    """
    rows = np.arange(A.shape[0])
    cols = np.arange(A.shape[1])
    while True:
        a = A[np.ix_(rows, cols)]
        dominated_rows = np.any(np.all(a[:, None, :] > a[None, :, :] + margin, axis=2), axis=0)
        b = B[np.ix_(rows, cols)]
        dominated_cols = np.any(np.all(b[:, :, None] > b[:, None, :] + margin, axis=0), axis=0)
        if not dominated_rows.any() and not dominated_cols.any():
            return rows, cols
        rows = rows[~dominated_rows]
        cols = cols[~dominated_cols]


def _conditionally_dominated(payoff: NDArray[np.float64], subsets: NDArray[np.intp]) -> NDArray[np.bool_]:
    """``out[s, i]``: row ``i`` of ``payoff`` is strictly dominated by another row
    on the columns ``subsets[s]`` (so no equilibrium pairs row ``i`` with that
    column support)."""
    sub = payoff[:, subsets]  # (rows, n_subsets, k)
    sub = np.moveaxis(sub, 1, 0)  # (n_subsets, rows, k)
    beats = np.all(sub[:, :, None, :] > sub[:, None, :, :] + LABEL_TOL, axis=3)  # [s, i', i]
    return np.asarray(beats.any(axis=1), dtype=bool)


def support_enumeration_kernel(
    A: NDArray[np.float64], B: NDArray[np.float64], *, tol: float = LABEL_TOL
) -> SupportEnumerationOutput:
    """Candidate equilibria of ``(A, B)`` with supports of equal size.

    Steps (Algorithm 3.4 of von Stengel 2007, batched)
    -----
    1. Remove iteratively strictly dominated pure strategies.
    2. For each support size ``k`` form every pair ``(I, J)`` of ``k`` rows
       and ``k`` columns, and drop pairs where some row of ``I`` is strictly
       dominated on the columns ``J`` or some column of ``J`` on the rows
       ``I`` (a best-response check that needs no solve).
    3. Solve, for all remaining pairs at once, ``B'[I, J]^T z = 1`` and
       ``A'[I, J] w = 1`` (``A'``, ``B'`` positive affine copies); keep pairs
       with ``z, w > 0`` whose ``x = z / sum z``, ``y = w / sum w`` have no
       better reply outside the supports.

    In a nondegenerate game every equilibrium has supports of equal size and
    the system of each support pair has a unique solution, so this finds all
    equilibria.  The output records evidence of degeneracy met on the way (a
    singular support system, a zero weight inside a support, or an extra
    best reply outside it).
    """
    a_full, b_full = positive_scaled(A), positive_scaled(B)
    rows, cols = iterated_strict_dominance(a_full, b_full, margin=tol)
    a = a_full[np.ix_(rows, cols)]
    b = b_full[np.ix_(rows, cols)]
    m, n = a.shape
    candidates: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    degeneracy: str | None = None
    n_pairs = 0
    n_pruned = 0
    for k in range(1, min(m, n) + 1):
        I_all = np.array(list(combinations(range(m), k)), dtype=np.intp)
        J_all = np.array(list(combinations(range(n), k)), dtype=np.intp)
        row_dom = _conditionally_dominated(a, J_all)  # (nJ, m)
        col_dom = _conditionally_dominated(b.T, I_all)  # (nI, n)
        I_mask = np.zeros((len(I_all), m), dtype=bool)
        I_mask[np.arange(len(I_all))[:, None], I_all] = True
        J_mask = np.zeros((len(J_all), n), dtype=bool)
        J_mask[np.arange(len(J_all))[:, None], J_all] = True
        # pair (p, q) survives if rows I_p avoid row_dom[q] and cols J_q avoid col_dom[p]
        clash_rows = I_mask.astype(np.float64) @ row_dom.T.astype(np.float64)  # (nI, nJ)
        clash_cols = col_dom.astype(np.float64) @ J_mask.T.astype(np.float64)  # (nI, nJ)
        p_idx, q_idx = np.nonzero((clash_rows == 0) & (clash_cols == 0))
        n_pairs += len(I_all) * len(J_all)
        n_pruned += len(I_all) * len(J_all) - len(p_idx)
        for start in range(0, len(p_idx), _CHUNK):
            I = I_all[p_idx[start : start + _CHUNK]]
            J = J_all[q_idx[start : start + _CHUNK]]
            z, ok_z = solve_square_systems(np.swapaxes(b[I[:, :, None], J[:, None, :]], 1, 2))
            w, ok_w = solve_square_systems(a[I[:, :, None], J[:, None, :]])
            ok = ok_z & ok_w
            if degeneracy is None and not ok.all():
                bad = np.flatnonzero(~ok)[0]
                degeneracy = (
                    f"the payoff submatrix on rows {rows[I[bad]].tolist()} and columns "
                    f"{cols[J[bad]].tolist()} is singular"
                )
            positive = ok & np.all(z > tol, axis=1) & np.all(w > tol, axis=1)
            near = ok & ~positive & np.all(z > -tol, axis=1) & np.all(w > -tol, axis=1)
            x = np.zeros((len(I), m))
            np.put_along_axis(x, I, z, axis=1)
            y = np.zeros((len(J), n))
            np.put_along_axis(y, J, w, axis=1)
            row_payoff = y @ a.T  # (pairs, m): equals 1 on I
            col_payoff = x @ b  # (pairs, n): equals 1 on J
            best = np.all(row_payoff <= 1 + tol, axis=1) & np.all(col_payoff <= 1 + tol, axis=1)
            if degeneracy is None and np.any(near & best):
                bad = np.flatnonzero(near & best)[0]
                degeneracy = (
                    f"an equilibrium candidate on rows {rows[I[bad]].tolist()} and columns "
                    f"{cols[J[bad]].tolist()} puts zero weight on a strategy in its support"
                )
            keep = np.flatnonzero(positive & best)
            if degeneracy is None and len(keep):
                extra_rows = (np.abs(row_payoff[keep] - 1) <= tol).sum(axis=1) > k
                extra_cols = (np.abs(col_payoff[keep] - 1) <= tol).sum(axis=1) > k
                if np.any(extra_rows | extra_cols):
                    bad = keep[np.flatnonzero(extra_rows | extra_cols)[0]]
                    degeneracy = (
                        f"the equilibrium on rows {rows[I[bad]].tolist()} and columns "
                        f"{cols[J[bad]].tolist()} has more best replies than its support size {k}"
                    )
            for idx in keep:
                xf = np.zeros(A.shape[0])
                xf[rows] = x[idx] / x[idx].sum()
                yf = np.zeros(A.shape[1])
                yf[cols] = y[idx] / y[idx].sum()
                candidates.append((xf, yf))
    return SupportEnumerationOutput(candidates, n_pairs, n_pruned, degeneracy)
