"""Hypothesis strategies for kurilsim objects.

kurilsim's own property tests draw their inputs from here, and so can yours.

Shrinking: games shrink towards fewer players, fewer strategies and payoffs
closer to zero (integer payoffs shrink towards 0, the most degenerate game),
so a failing example is reported as the smallest, simplest game hypothesis
can find.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kurilsim.games.normal_form import NormalFormGame

__all__ = [
    "generic_games",
    "mixed_profiles",
    "normal_form_games",
    "permutations_of",
]


@st.composite
def normal_form_games(
    draw: st.DrawFn,
    *,
    n_players: int | Sequence[int] = 2,
    min_strategies: int = 1,
    max_strategies: int = 4,
    integer: bool = False,
    max_abs: float = 10.0,
    zero_sum: bool = False,
) -> NormalFormGame:
    """Finite games with bounded payoffs.

    Parameters
    ----------
    n_players : int or sequence of int
        Number of players, or the choices to draw from.
    min_strategies, max_strategies : int
        Bounds of each player's number of strategies.
    integer : bool
        Integer payoffs in ``[-max_abs, max_abs]``: often degenerate games
        (ties), which is the point.
    max_abs : float
        Bound of the absolute payoffs.
    zero_sum : bool
        Two-player zero-sum games (``B = -A``); forces ``n_players = 2``.
    """
    if zero_sum:
        n = 2
    elif isinstance(n_players, int):
        n = n_players
    else:
        n = draw(st.sampled_from(list(n_players)))
    shape = tuple(
        draw(st.integers(min_strategies, max_strategies)) for _ in range(n)
    )
    if integer:
        elements = st.integers(-int(max_abs), int(max_abs)).map(float)
    else:
        elements = st.floats(-max_abs, max_abs, allow_nan=False, allow_subnormal=False)
    arrays = [
        draw(hnp.arrays(np.float64, shape, elements=elements))
        for _ in range(1 if zero_sum else n)
    ]
    if zero_sum:
        arrays.append(-arrays[0])
    return NormalFormGame(arrays)


@st.composite
def generic_games(
    draw: st.DrawFn,
    *,
    n_players: int = 2,
    min_strategies: int = 1,
    max_strategies: int = 5,
) -> NormalFormGame:
    """Games with standard-normal payoffs from a drawn seed: nondegenerate with
    probability one.  They shrink in size, not in payoff values."""
    shape = tuple(
        draw(st.integers(min_strategies, max_strategies)) for _ in range(n_players)
    )
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.standard_normal(shape) for _ in range(n_players)])


@st.composite
def mixed_profiles(draw: st.DrawFn, game: NormalFormGame) -> tuple[np.ndarray, ...]:
    """Mixed strategy profiles of ``game`` (probability vectors, one per player)."""
    out = []
    for m in game.shape:
        weights = draw(
            hnp.arrays(np.float64, m, elements=st.floats(0.0, 1.0, allow_subnormal=False))
        )
        if weights.sum() <= 0:
            weights = np.ones(m)
        out.append(weights / weights.sum())
    return tuple(out)


def permutations_of(n: int) -> st.SearchStrategy[np.ndarray]:
    """Permutations of ``range(n)`` as integer arrays."""
    return st.permutations(list(range(n))).map(lambda p: np.array(p, dtype=np.intp))
