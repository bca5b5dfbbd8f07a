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
        profile is a ``regret``-equilibrium.  Solvers only return profiles with
        ``regret <= tol * game.payoff_range``.
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
        The relative tolerance: each equilibrium's regret is at most
        ``tol * payoff_range``.
    payoff_range : float
        The game's payoff spread that ``tol`` is relative to.
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
            f"NashResult(method={self.method!r}, {len(self.equilibria)} equilibria, "
            f"success={self.success}, complete={self.complete}, "
            f"max_regret={self.max_regret:.2g})",
        ]
        lines += [f"  {eq!r}" for eq in self.equilibria]
        if self.value is not None:
            lines.append(f"  value={self.value:.6g}")
        lines.append(f"  message: {self.message}")
        return "\n".join(lines)


def clean_strategy(vector: NDArray[np.float64], *, zero_tol: float = 1e-12) -> NDArray[np.float64]:
    """Clip round-off below zero, zero out tiny entries and renormalise."""
    vec = np.where(vector > zero_tol, vector, 0.0)
    total = vec.sum()
    if total <= 0:
        return vec
    vec = vec / total
    vec.flags.writeable = False
    return vec


def certify(
    game: NormalFormGame,
    candidates: Iterable[Sequence[NDArray[np.float64]]],
    *,
    tol: float,
    dedupe_atol: float = 1e-9,
) -> tuple[tuple[Equilibrium, ...], int, int]:
    """Check candidate profiles and keep the certified, distinct ones.

    Returns ``(equilibria, n_candidates, n_rejected)``.  A candidate is kept
    when each vector is on the simplex and its regret is at most
    ``tol * game.payoff_range``.
    """
    threshold = tol * game.payoff_range
    kept: list[Equilibrium] = []
    n_candidates = 0
    n_rejected = 0
    keys: set[bytes] = set()
    for cand in candidates:
        n_candidates += 1
        sigma = tuple(clean_strategy(np.asarray(s, dtype=np.float64)) for s in cand)
        if any(s.sum() == 0 or not np.all(np.isfinite(s)) for s in sigma):
            n_rejected += 1
            continue
        dev = _deviation_payoffs(game.payoffs, sigma)
        values = np.array([d @ s for d, s in zip(dev, sigma, strict=True)])
        regret = max(0.0, *(float(d.max()) - v for d, v in zip(dev, values, strict=True)))
        if regret > threshold:
            n_rejected += 1
            continue
        key = np.round(np.concatenate(sigma) / dedupe_atol).astype(np.int64).tobytes()
        if key in keys or any(e.isclose(sigma, atol=dedupe_atol) for e in kept):
            continue
        keys.add(key)
        values.flags.writeable = False
        kept.append(Equilibrium(sigma, payoffs=values, regret=regret))
    kept.sort(key=lambda e: tuple(-np.concatenate(e.strategies)))
    return tuple(kept), n_candidates, n_rejected
