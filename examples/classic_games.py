"""Solve classic games with every applicable method and print the equilibria.

Run with ``python examples/classic_games.py``.  Each equilibrium is printed
with its regret: the certificate every kurilsim solver checks before it
returns an answer.
"""

from __future__ import annotations

import numpy as np

from kurilsim import NormalFormGame, solve_nash

GAMES = {
    "Prisoner's dilemma": NormalFormGame(
        [np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]])],
        strategies=[["cooperate", "defect"], ["cooperate", "defect"]],
    ),
    "Battle of the sexes": NormalFormGame(
        [np.array([[3, 0], [0, 2]]), np.array([[2, 0], [0, 3]])],
        strategies=[["opera", "football"], ["opera", "football"]],
    ),
    "Rock-paper-scissors": NormalFormGame(
        [
            np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]),
            -np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]),
        ],
        strategies=[["rock", "paper", "scissors"]] * 2,
    ),
    "von Stengel's 3x2 game": NormalFormGame(
        [np.array([[3, 3], [2, 5], [0, 6]]), np.array([[3, 2], [2, 6], [3, 1]])]
    ),
    # Degenerate: the column player is indifferent after row T, so the
    # equilibria form a continuum whose two extreme points vertex enumeration finds.
    "A degenerate game": NormalFormGame(
        [np.array([[1, 1], [0, 2]]), np.array([[1, 1], [0, 2]])]
    ),
}


def main() -> None:
    for name, game in GAMES.items():
        print(f"== {name} {game.shape}")
        methods = ["pure", "vertex", "support", "lemke-howson"]
        if game.is_zero_sum:
            methods.append("lp")
        for method in methods:
            if method == "support" and name == "A degenerate game":
                continue  # support enumeration warns on degenerate games
            result = solve_nash(game, method)
            print(f"  {method:>13}: {len(result.equilibria)} equilibria"
                  + (f", value {result.value:.4g}" if result.value is not None else ""))
            for eq in result.equilibria:
                strategies = "  ".join(
                    np.array2string(s, precision=3, suppress_small=True)
                    for s in eq.strategies
                )
                print(f"      {strategies}   payoffs {np.round(eq.payoffs, 3)}"
                      f"   regret {eq.regret:.1e}")


if __name__ == "__main__":
    main()
