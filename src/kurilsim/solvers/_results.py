"""Result types of the equilibrium solvers and the certification step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.normal_form import NormalFormGame, Profile, _deviation_payoffs

__all__ = ["Equilibrium", "NashResult"]


@dataclass(frozen=True, slots=True, eq=False)
class Equilibrium:
    """A certified (mixed) Nash equilibrium.

    Attributes
    ----------
    strategies : tuple of ndarray
        One read-only probability vector per player.
    payoffs : ndarray
        Each player's expected payoff.
    regret : float
        The largest gain any player gets from a unilateral deviation: the
        profile is a ``regret``-equilibrium.  Solvers only return profiles in
        which each player ``i`` gains at most ``tol * game.payoff_ranges[i]``.
    """

    strategies: Profile
    _: KW_ONLY
    payoffs: NDArray[np.float64]
    regret: float

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one strategy with probability one."""
        return all(np.count_nonzero(s) == 1 for s in self.strategies)

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the strategies each player plays with positive probability."""
        return tuple(tuple(int(k) for k in np.flatnonzero(s)) for s in self.strategies)

    def isclose(self, other: Equilibrium | Sequence[NDArray[np.float64]], *, atol: float = 1e-7) -> bool:
        """Whether ``other`` has the same strategies up to ``atol`` per entry."""
        theirs = other.strategies if isinstance(other, Equilibrium) else other
        return len(theirs) == len(self.strategies) and all(
            np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=0.0, atol=atol)
            for a, b in zip(self.strategies, theirs, strict=True)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Equilibrium):
            return NotImplemented
        return all(
            np.array_equal(a, b) for a, b in zip(self.strategies, other.strategies, strict=True)
        ) and len(self.strategies) == len(other.strategies)

    def __hash__(self) -> int:
        return hash(tuple(s.tobytes() for s in self.strategies))

    def __repr__(self) -> str:
        strategies = ", ".join(np.array2string(s, precision=4, separator=", ") for s in self.strategies)
        payoffs = np.array2string(self.payoffs, precision=4, separator=", ")
        return f"Equilibrium(({strategies}), payoffs={payoffs}, regret={self.regret:.2g})"


@dataclass(frozen=True, slots=True)
class NashResult:
    """What :func:`kurilsim.solve_nash` found, and how.

    Attributes
    ----------
    equilibria : tuple of Equilibrium
        The certified equilibria, without duplicates, in a deterministic order
        (lexicographically decreasing strategy vectors, so pure strategies on
        low indices come first).
    method : str
        The method that ran (``"auto"`` is resolved to the actual method).
    tol : float
        The relative tolerance: in each equilibrium, player ``i`` gains at
        most ``tol * game.payoff_ranges[i]`` by deviating.
    payoff_range : float
        The game's largest payoff spread over the players.
    success : bool
        Whether the method ran to completion (an exhaustive method that
        finished, or an iterative method that converged).
    message : str
        A one-line human-readable account of the run.
    complete : bool
        Whether ``equilibria`` is guaranteed to be the whole set the method
        promises (all equilibria for ``"pure"`` and ``"support"`` on
        nondegenerate games, all extreme equilibria for ``"vertex"``).
    n_candidates : int
        Candidate profiles examined before certification.
    n_rejected : int
        Candidates that failed certification and were discarded.
    value : float or None
        For ``"lp"``: the value of the zero-sum game to player 1; else ``None``.
    """

    equilibria: tuple[Equilibrium, ...]
    _: KW_ONLY
    method: str
    tol: float
    payoff_range: float
    success: bool
    message: str
    complete: bool
    n_candidates: int = 0
    n_rejected: int = 0
    value: float | None = None

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> Equilibrium:
        return self.equilibria[index]

    @property
    def max_regret(self) -> float:
        """The largest regret among the returned equilibria (0.0 if none)."""
        return max((e.regret for e in self.equilibria), default=0.0)

    def __repr__(self) -> str:
        lines = [
            (f"NashResult(method={self.method!r}, {len(self.equilibria)} equilibria, "
            f"success={self.success}, complete={self.complete}, "
            f"max_regret={self.max_regret:.2g})"),
        ]
        lines += [f"  {eq!r}" for eq in self.equilibria]
        if self.value is not None:
            lines.append(f"  value={self.value:.6g}")
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


def _clean_rows(matrix: NDArray[np.float64], zero_tol: float = 1e-12) -> NDArray[np.float64]:
    rows = np.where(matrix > zero_tol, matrix, 0.0)
    total = rows.sum(axis=1, keepdims=True)
    out: NDArray[np.float64] = np.divide(rows, total, out=np.zeros_like(rows), where=total > 0)
    return out


def _gains_two_player(
    game: NormalFormGame, X: NDArray[np.float64], Y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Payoffs ``(k, 2)`` and deviation gains ``(k, 2)`` of ``k`` profiles at once."""
    A, B = game.payoffs
    row_dev = Y @ A.T  # (k, m)
    col_dev = X @ B  # (k, n)
    values = np.column_stack([np.einsum("km,km->k", X, row_dev), np.einsum("kn,kn->k", Y, col_dev)])
    best = np.column_stack([row_dev.max(axis=1), col_dev.max(axis=1)])
    return values, best - values


def certify(
    game: NormalFormGame,
    candidates: Iterable[Sequence[NDArray[np.float64]]],
    *,
    tol: float,
    dedupe_atol: float = 1e-9,
) -> tuple[tuple[Equilibrium, ...], int, int]:
    """Check candidate profiles and keep the certified, distinct ones.

    Returns ``(equilibria, n_candidates, n_rejected)``.  Each candidate is
    cleaned (round-off below ``1e-12`` set to zero, renormalised) and kept
    when each player's gain from deviating is at most
    ``tol * game.payoff_ranges[i]``; candidates within ``dedupe_atol`` of an
    earlier one (largest entry difference) are merged.  Two-player
    candidates are checked in one batch of matrix products.
    """
    cands = [tuple(np.asarray(s, dtype=np.float64) for s in c) for c in candidates]
    k = len(cands)
    if k == 0:
        return (), 0, 0
    n = game.n_players
    blocks = [_clean_rows(np.stack([c[i] for c in cands])) for i in range(n)]
    if n == 2:
        values, gains = _gains_two_player(game, blocks[0], blocks[1])
    else:
        values = np.empty((k, n))
        gains = np.empty((k, n))
        for c in range(k):
            sigma = tuple(b[c] for b in blocks)
            dev = _deviation_payoffs(game.payoffs, sigma)
            values[c] = [d @ s for d, s in zip(dev, sigma, strict=True)]
            gains[c] = [d.max() for d in dev] - values[c]
    valid = np.all([b.sum(axis=1) > 0 for b in blocks], axis=0)
    valid &= np.all(np.isfinite(gains), axis=1)
    ok = valid & np.all(gains <= tol * game.payoff_ranges, axis=1)
    n_rejected = int(k - ok.sum())
    idx = np.flatnonzero(ok)
    flat = np.concatenate([b[idx] for b in blocks], axis=1)
    dropped = np.zeros(len(idx), dtype=bool)
    if len(idx) > 1:
        distance = np.abs(flat[:, None, :] - flat[None, :, :]).max(axis=2)
        for p in range(len(idx)):
            if not dropped[p]:
                dropped[p + 1 :] |= distance[p, p + 1 :] <= dedupe_atol
    for block in blocks:
        block.flags.writeable = False
    values.flags.writeable = False
    regrets = np.maximum(gains.max(axis=1), 0.0)
    survivors = idx[~dropped]
    order = np.lexsort(-flat[~dropped].T[::-1]) if len(survivors) > 1 else np.zeros(
        len(survivors), dtype=np.intp
    )
    kept = tuple(
        Equilibrium(
            tuple(b[c] for b in blocks), payoffs=values[c], regret=float(regrets[c])
        )
        for c in survivors[order]
    )
    return kept, k, n_rejected
