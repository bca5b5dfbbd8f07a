"""Result types of the equilibrium solvers and the certification step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.normal_form import NormalFormGame, Profile, _deviation_payoffs_batch

__all__ = ["Equilibrium", "NashResult", "certify", "certify_blocks"]


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

    def isclose(
        self, other: Equilibrium | Sequence[NDArray[np.float64]], *, atol: float = 1e-7
    ) -> bool:
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
            np.array_equal(a, b)
            for a, b in zip(self.strategies, other.strategies, strict=True)
        ) and len(self.strategies) == len(other.strategies)

    def __hash__(self) -> int:
        return hash(tuple(s.tobytes() for s in self.strategies))

    def __repr__(self) -> str:
        strategies = ", ".join(
            np.array2string(s, precision=4, separator=", ") for s in self.strategies
        )
        payoffs = np.array2string(self.payoffs, precision=4, separator=", ")
        return (
            f"Equilibrium(({strategies}), payoffs={payoffs}, regret={self.regret:.2g})"
        )


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
            (
                f"NashResult(method={self.method!r}, {len(self.equilibria)} equilibria, "
                f"success={self.success}, complete={self.complete}, "
                f"max_regret={self.max_regret:.2g})"
            ),
        ]
        lines += [f"  {eq!r}" for eq in self.equilibria]
        if self.value is not None:
            lines.append(f"  value={self.value:.6g}")
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


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
    if not cands:
        return (), 0, 0
    blocks = [np.stack([c[i] for c in cands]) for i in range(game.n_players)]
    return certify_blocks(game, blocks, tol=tol, dedupe_atol=dedupe_atol)


def certify_blocks(
    game: NormalFormGame,
    blocks: Sequence[NDArray[np.float64]],
    *,
    tol: float,
    dedupe_atol: float = 1e-9,
) -> tuple[tuple[Equilibrium, ...], int, int]:
    """:func:`certify` for candidates given as one ``(k, m_i)`` array per player.

    Row ``c`` of ``blocks[i]`` is player ``i``'s strategy in candidate ``c``;
    the arrays are not modified.  All players' strategies are cleaned,
    checked and compared in one ``(k, sum m_i)`` array; for two players the
    payoffs and gains of all candidates take two matrix products.
    """
    n = game.n_players
    k = len(blocks[0])
    if k == 0:
        return (), 0, 0
    sizes = [int(np.shape(b)[1]) for b in blocks]
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    flat = np.concatenate(blocks, axis=1, dtype=np.float64)
    flat = np.where(flat > 1e-12, flat, 0.0)  # round-off (and NaN) to zero
    totals = np.add.reduceat(flat, starts, axis=1)  # (k, n)
    positive = totals > 0
    if positive.all():
        flat /= np.repeat(totals, sizes, axis=1)
    else:  # rows with total 0 are all zero already
        np.divide(flat, np.repeat(totals, sizes, axis=1), out=flat,
                  where=np.repeat(positive, sizes, axis=1))
    if n == 2:
        A, B = game.payoffs
        m = sizes[0]
        dev = np.empty_like(flat)
        np.matmul(flat[:, m:], A.T, out=dev[:, :m])  # row player's deviation payoffs
        np.matmul(flat[:, :m], B, out=dev[:, m:])  # column player's
        values = np.add.reduceat(flat * dev, starts, axis=1)
        gains = np.maximum.reduceat(dev, starts, axis=1)
        gains -= values
    else:
        dev = np.concatenate(
            _deviation_payoffs_batch(
                game.payoffs, [flat[:, a : a + b] for a, b in zip(starts, sizes, strict=True)]
            ),
            axis=1,
        )
        values = np.add.reduceat(flat * dev, starts, axis=1)
        gains = np.maximum.reduceat(dev, starts, axis=1)
        gains -= values
    # within tolerance (NaN fails), finite, and a mixed strategy per player
    ok = (gains <= tol * game.payoff_ranges) & np.isfinite(gains) & positive
    idx = np.flatnonzero(ok.all(axis=1))
    n_rejected = k - len(idx)
    kept_flat = flat[idx]
    if len(idx) > 1:
        # Greedy merge: a candidate goes if it is within dedupe_atol of an
        # earlier kept one.  Distinct extreme equilibria are far apart, so
        # the loop only runs when some pair other than (c, c) is close.
        close = np.abs(kept_flat[:, None, :] - kept_flat[None, :, :]).max(axis=2) <= dedupe_atol
        if np.count_nonzero(close) > len(idx):
            dropped = np.zeros(len(idx), dtype=bool)
            for p in range(len(idx)):
                if not dropped[p]:
                    dropped[p + 1 :] |= close[p, p + 1 :]
            idx, kept_flat = idx[~dropped], kept_flat[~dropped]
        if len(idx) > 1:
            idx = idx[np.lexsort(-kept_flat.T[::-1])]
    flat.flags.writeable = False
    values.flags.writeable = False
    regrets = np.maximum(gains.max(axis=1), 0.0).tolist()
    if n == 2:
        m = sizes[0]
        kept = tuple(
            Equilibrium((flat[c, :m], flat[c, m:]), payoffs=values[c], regret=regrets[c])
            for c in idx.tolist()
        )
    else:
        bounds = [(a, a + b) for a, b in zip(starts, sizes, strict=True)]
        kept = tuple(
            Equilibrium(tuple(flat[c, a:b] for a, b in bounds), payoffs=values[c], regret=regrets[c])
            for c in idx.tolist()
        )
    return kept, k, n_rejected
