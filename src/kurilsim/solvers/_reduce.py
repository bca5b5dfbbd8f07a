"""Reduce an n-player game before enumerating its equilibria, and map back.

Two reductions never lose an equilibrium, and are iterated (each can enable
the other) until neither applies:

* **Duplicate strategies.**  Strategies ``a`` and ``a'`` of player ``i`` are
  duplicates when every player's payoff is the same whether ``i`` plays
  ``a`` or ``a'``, against every profile of the others still in the game
  (strategic forms of extensive games have many: strategies that differ
  only at information sets their own earlier moves avoid, or where the
  moves lead to equal payoffs).  One representative of each class is kept.
  A profile of the original game is an equilibrium exactly when the
  profile that moves each class's weight onto its representative is an
  equilibrium of the reduced game: the others' payoffs do not see the
  split, and ``i``'s members all earn the same.  So each equilibrium
  ``sigma`` of the reduced game stands for the set of profiles that split
  each class's weight among its members in any way: a product of
  simplices, whose extreme points put the whole weight of each class on
  one member.  :meth:`ReducedGame.expand` reports those extreme points,
  as the enumeration of the original game reports the extreme points of a
  continuum.
* **Strict dominance** by another pure strategy (by more than a margin,
  payoffs normalised to ``[0, 1]``): a strictly dominated strategy is never
  a best reply, so it has probability zero in every equilibrium, and the
  equilibria of the game without it are those of the game with it.

**Weak dominance** is *not* used here: removing a weakly dominated strategy
can remove equilibria (in the entry game, "fight" is weakly dominated, but
"stay out, fight" is an equilibrium).  It is used only where it cannot lose
one, inside support enumeration (:func:`kurilsim.solvers._enumerate`): a
support profile is skipped when some strategy in a support is weakly
dominated *on the others' supports* (never better, and strictly worse
against some profile of the others' support strategies).  An equilibrium
whose supports are exactly those gives every profile of the others'
supports positive probability, so that strategy would earn strictly less
than the dominating one and could not be in the support.  Every
equilibrium is found from the profile of its exact supports, which this
rule never skips.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ReducedGame", "reduce_game"]

# Payoffs (normalised to [0, 1]) within this are equal for duplicates.
DUPLICATE_TOL = 1e-12
# Extreme points per candidate beyond which expansion stops (a safeguard;
# a class structure that large would make the answer unreadable anyway).
MAX_EXPANSION = 100_000


@dataclass(frozen=True, slots=True)
class ReducedGame:
    """A game with duplicates merged and strictly dominated strategies removed.

    ``payoffs`` are the reduced game's payoff tensors; ``classes[i][s]`` the
    original strategies of player ``i`` that reduced strategy ``s`` stands
    for (its duplicate class, representative first); ``shape`` the original
    game's shape.  ``n_duplicates`` and ``n_dominated`` count the strategies
    merged into another and removed as dominated.

    Examples
    --------
    Player 0's strategies 0 and 2 are duplicates, and player 1's strategy 1
    is strictly dominated:

    >>> import numpy as np
    >>> u0 = np.array([[3.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    >>> u1 = np.array([[2.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
    >>> reduced = reduce_game((u0, u1))
    >>> [len(c) for c in reduced.classes[0]], reduced.n_dominated
    ([2], 2)
    >>> reduced.payoffs[0].shape
    (1, 1)
    >>> blocks = reduced.expand((np.array([[1.0]]), np.array([[1.0]])))
    >>> blocks[0].tolist(), blocks[1].tolist()
    ([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]])
    """

    payoffs: tuple[NDArray[np.float64], ...]
    classes: tuple[tuple[NDArray[np.intp], ...], ...]
    shape: tuple[int, ...]
    n_duplicates: int
    n_dominated: int

    @property
    def trivial(self) -> bool:
        """Whether nothing was merged or removed."""
        return self.n_duplicates == 0 and self.n_dominated == 0

    def expand(
        self, blocks: tuple[NDArray[np.float64], ...]
    ) -> tuple[NDArray[np.float64], ...]:
        """Profiles of the original game from profiles of the reduced one.

        ``blocks[i]`` is ``(C, reduced m_i)``; returns ``(C', m_i)`` blocks:
        for each candidate, every way of putting each class's weight on one
        of its members (classes with zero weight need no choice).
        """
        n = len(self.shape)
        if not len(blocks[0]):
            return tuple(np.zeros((0, m)) for m in self.shape)
        out: list[list[NDArray[np.float64]]] = [[] for _ in range(n)]
        for c in range(len(blocks[0])):
            choices = []  # per player: list of full strategies
            for i in range(n):
                sigma = blocks[i][c]
                options = []
                slots = []
                for s, members in enumerate(self.classes[i]):
                    if sigma[s] > 0.0:
                        slots.append((s, members))
                for pick in itertools.islice(
                    itertools.product(*(members for _, members in slots)), MAX_EXPANSION
                ):
                    full = np.zeros(self.shape[i])
                    for (s, _), member in zip(slots, pick, strict=True):
                        full[member] = sigma[s]
                    options.append(full)
                choices.append(options)
            for combo in itertools.islice(itertools.product(*choices), MAX_EXPANSION):
                for i in range(n):
                    out[i].append(combo[i])
        return tuple(np.array(o).reshape(-1, m) for o, m in zip(out, self.shape, strict=True))


def _duplicate_groups(rows: NDArray[np.float64], tol: float) -> NDArray[np.intp]:
    """For each row, the index of the first row equal to it within ``tol``."""
    m = len(rows)
    gap = np.abs(rows[:, None, :] - rows[None, :, :]).max(axis=2) if rows.shape[1] else np.zeros((m, m))
    first = np.arange(m)
    if not np.any(gap[np.triu_indices(m, 1)] <= tol):
        return first
    for a in range(m):
        close = np.flatnonzero(gap[a, :a] <= tol)
        close = close[first[close] == close]  # only representatives
        if len(close):
            first[a] = close[0]
    return first


def reduce_game(
    payoffs: tuple[NDArray[np.float64], ...],
    *,
    margin: float = 1e-9,
    duplicate_tol: float | None = DUPLICATE_TOL,
) -> ReducedGame:
    """Merge duplicate strategies and remove strictly dominated ones, iterated.

    Parameters
    ----------
    payoffs : tuple of ndarray
        One payoff tensor per player (axis ``j`` is player ``j``'s
        strategy), normalised to ``[0, 1]`` per player so that ``margin``
        and ``duplicate_tol`` mean the same for every game.
    margin : float
        A strategy is removed when another pure strategy beats it by more
        than this against every profile of the others.
    duplicate_tol : float or None
        Payoffs within this count as equal when comparing strategies for
        duplicates; ``None`` merges none (removes dominated strategies only).

    Returns
    -------
    ReducedGame
        The reduced payoffs and the map back (see the module docstring for
        why neither step loses an equilibrium).
    """
    n = len(payoffs)
    shape = tuple(int(m) for m in payoffs[0].shape)
    alive = [np.arange(m) for m in shape]
    members: list[dict[int, list[int]]] = [{s: [s] for s in range(m)} for m in shape]
    n_duplicates = n_dominated = 0
    changed = True
    while changed:
        changed = False
        for i in range(n):
            if len(alive[i]) < 2:
                continue
            index = np.ix_(*alive)
            own = np.moveaxis(payoffs[i][index], i, 0).reshape(len(alive[i]), -1)
            # strict dominance by a pure strategy
            dominated = np.any(np.all(own[:, None, :] > own[None, :, :] + margin, axis=2), axis=0)
            if dominated.any():
                for s in alive[i][dominated]:
                    n_dominated += len(members[i].pop(int(s)))
                alive[i] = alive[i][~dominated]
                changed = True
                continue
            if duplicate_tol is None:
                continue
            # duplicates: every player's payoffs equal (the player's own first,
            # which rules out almost every pair of a generic game cheaply)
            if np.all(_duplicate_groups(own, duplicate_tol) == np.arange(len(own))):
                continue
            rows = np.concatenate(
                [np.moveaxis(p[index], i, 0).reshape(len(alive[i]), -1) for p in payoffs], axis=1
            )
            first = _duplicate_groups(rows, duplicate_tol)
            if np.any(first != np.arange(len(first))):
                for a in np.flatnonzero(first != np.arange(len(first))):
                    rep, dup = int(alive[i][first[a]]), int(alive[i][a])
                    members[i][rep].extend(members[i].pop(dup))
                    n_duplicates += 1
                alive[i] = alive[i][first == np.arange(len(first))]
                changed = True
    reduced = tuple(np.ascontiguousarray(p[np.ix_(*alive)]) for p in payoffs)
    classes = tuple(
        tuple(np.array(sorted(members[i][int(s)]), dtype=np.intp) for s in alive[i])
        for i in range(n)
    )
    return ReducedGame(reduced, classes, shape, n_duplicates, n_dominated)
