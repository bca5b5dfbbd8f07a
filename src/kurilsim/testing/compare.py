"""Comparing sets of strategy profiles, e.g. one solver's equilibria with another's.

Plain numpy (no hypothesis needed).  Used by kurilsim's cross-checks against
Gambit and QuantEcon, and usable for your own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kurilsim._checks import check_int, check_real, describe
from kurilsim._errors import InvalidArgumentError

__all__ = [
    "distinct_profiles",
    "format_profiles",
    "same_profile",
    "seeded_gaussian_bimatrix",
    "seeded_integer_bimatrix",
    "set_difference",
]

Profile = Sequence[NDArray[np.float64]]


def same_profile(p: Profile, q: Profile, atol: float = 1e-6) -> bool:
    """Whether two profiles have the same shape and entries within ``atol``.

    >>> import numpy as np
    >>> same_profile((np.array([0.5, 0.5]),), (np.array([0.5, 0.5 + 1e-9]),))
    True
    """
    atol = check_real(atol, "atol", low=0)
    for name, profile in (("p", p), ("q", q)):
        if isinstance(profile, str | bytes) or not isinstance(profile, Sequence):
            raise InvalidArgumentError(
                f"{name} must be a profile (a sequence of strategy vectors), got "
                f"{describe(profile)}"
            )
    return len(p) == len(q) and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=0.0, atol=atol)
        for a, b in zip(p, q, strict=True)
    )


def distinct_profiles(profiles: Sequence[Profile], atol: float = 1e-6) -> list[Profile]:
    """``profiles`` without near-duplicates (first occurrence kept)."""
    out: list[Profile] = []
    for p in profiles:
        if not any(same_profile(p, q, atol) for q in out):
            out.append(p)
    return out


def set_difference(
    ours: Sequence[Profile], theirs: Sequence[Profile], atol: float = 1e-6
) -> tuple[list[Profile], list[Profile]]:
    """``(missing, extra)``: profiles of ``theirs`` not in ``ours``, and vice versa."""
    missing = [p for p in theirs if not any(same_profile(p, q, atol) for q in ours)]
    extra = [p for p in ours if not any(same_profile(p, q, atol) for q in theirs)]
    return missing, extra


def format_profiles(profiles: Sequence[Profile]) -> str:
    """One indented line per profile, six decimals, for assertion messages."""
    return "\n".join(
        "    (" + ", ".join(np.array2string(np.asarray(s), precision=6, separator=", ") for s in p) + ")"
        for p in profiles
    )


def _sizes(m: object, n: object, seed: object) -> tuple[int, int, int]:
    return (
        check_int(m, "m", low=1, high=_MAX_SIZE),
        check_int(n, "n", low=1, high=_MAX_SIZE),
        check_int(seed, "seed", low=0),
    )


#: Largest number of strategies of the seeded test games.
_MAX_SIZE = 10_000


def seeded_gaussian_bimatrix(
    m: int, n: int, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Standard-normal ``m x n`` payoff matrices (nondegenerate with probability
    one), reproducible from ``(m, n, seed)``."""
    m, n, seed = _sizes(m, n, seed)
    rng = np.random.default_rng([m, n, seed])
    return rng.standard_normal((m, n)), rng.standard_normal((m, n))


def seeded_integer_bimatrix(
    m: int, n: int, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Payoffs in {0, 1, 2}: ties everywhere, so usually degenerate games."""
    m, n, seed = _sizes(m, n, seed)
    rng = np.random.default_rng([m, n, seed, 3])
    return rng.integers(0, 3, (m, n)), rng.integers(0, 3, (m, n))
