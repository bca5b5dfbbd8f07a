"""Small degenerate games for cross-checks and benchmarks of the n-player solvers.

Games built as :class:`~kurilsim.ExtensiveFormGame` trees, taken in their full
strategic form (:func:`full_strategic_form`), are the hard case of support
enumeration: duplicate strategies (plans that differ only where the player's
own earlier moves never lead), ties and continua of equilibria.  The tests of
``solve_nash(game, "enumerate")`` and ``benchmarks/bench_n_player.py`` share
them from here.

References
----------
.. [1] R. Selten, "Reexamination of the perfectness concept for equilibrium
   points in extensive games", *International Journal of Game Theory* 4,
   25-55, 1975 (the horse, figure 1).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from kurilsim.games.extensive import Choice, ExtensiveFormGame, Terminal

__all__ = ["entry_chain", "full_strategic_form", "selten_horse"]


def selten_horse() -> ExtensiveFormGame:
    """Selten's horse: 1 plays C or D; after C, 2 plays c or d; 3, not knowing
    whether 1 played D or 1 and 2 played C, d, plays L or R [1]_.

    Examples
    --------
    >>> [a.shape for a in full_strategic_form(selten_horse())]
    [(2, 2, 2), (2, 2, 2), (2, 2, 2)]
    """

    def three(left: tuple[int, ...], right: tuple[int, ...]) -> Choice:
        return Choice(2, "3", [("L", Terminal(left)), ("R", Terminal(right))])

    return ExtensiveFormGame(
        Choice(0, "1", [
            ("C", Choice(1, "2", [("c", Terminal((1, 1, 1))), ("d", three((0, 0, 1), (4, 4, 0)))])),
            ("D", three((3, 2, 2), (0, 0, 0))),
        ]),
        players=("1", "2", "3"),
        title="Selten's horse",
    )


def entry_chain() -> ExtensiveFormGame:
    """Player 1 enters or stays out; after entry, 2 fights or accommodates;
    after accommodation, 1 expands or holds, and 3, seeing only whether 1
    expanded, competes or concedes.  Player 1 moves twice, so its full
    strategic form has duplicates (stay out, then either plan).

    Examples
    --------
    >>> full_strategic_form(entry_chain())[0].shape  # 1's plans: 2 x 2
    (4, 2, 4)
    """

    def third(p: tuple[int, int, int], q: tuple[int, int, int], key: str) -> Choice:
        return Choice(2, key, [("compete", Terminal(p)), ("concede", Terminal(q))])

    after = Choice(0, "1b", [
        ("expand", third((3, 1, 0), (5, 1, 1), "3e")),
        ("hold", third((2, 2, 2), (2, 3, 1), "3h")),
    ])
    return ExtensiveFormGame(
        Choice(0, "1a", [
            ("in", Choice(1, "2", [("fight", Terminal((-1, 0, 2))), ("accommodate", after)])),
            ("out", Terminal((0, 4, 2))),
        ]),
        players=("1", "2", "3"),
        title="entry chain",
    )


def full_strategic_form(game: ExtensiveFormGame) -> list[NDArray[np.float64]]:
    """The unreduced strategic form: a pure strategy picks an action at every
    information set of its player, reached or not (the reduced form is
    :meth:`~kurilsim.ExtensiveFormGame.reduced_strategic_form`).

    Returns
    -------
    list of ndarray
        Each player's payoff array, one axis per player.
    """
    n = game.n_players
    sets = [game.player_infosets(i) for i in range(n)]
    strategies = [
        list(itertools.product(*(range(game.infosets[s].n_actions) for s in sets[i])))
        for i in range(n)
    ]
    shape = tuple(len(s) for s in strategies)
    arrays: list[NDArray[np.float64]] = [np.zeros(shape) for _ in range(n)]
    for cell in itertools.product(*(range(m) for m in shape)):
        profile: list[list[float]] = [[] for _ in game.infosets]
        for i in range(n):
            for s, action in zip(sets[i], strategies[i][cell[i]], strict=True):
                row = [0.0] * game.infosets[s].n_actions
                row[action] = 1.0
                profile[s] = row
        values = game.expected_payoffs(profile)
        for i in range(n):
            arrays[i][cell] = values[i]
    return arrays
