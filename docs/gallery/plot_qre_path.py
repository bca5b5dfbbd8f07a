"""
Quantal response equilibrium path
=================================

:func:`kurilsim.plot.qre_path` follows one player's mixed strategy along the
branch of logit quantal response equilibria, from uniform play at rationality
λ = 0 towards a Nash equilibrium as λ grows (logarithmic axis). Read it from
left to right: the strategy whose probability rises to 1 is the one a
boundedly rational player learns to play; a crossing is where the noisy best
reply changes.
"""

import kurilsim
from kurilsim import plot

# The prisoner's dilemma: cooperation fades as the players get more rational.
game = kurilsim.NormalFormGame(
    [[[3, 0], [5, 1]], [[3, 5], [0, 1]]],
    players=["row", "column"],
    strategies=[["cooperate", "defect"], ["cooperate", "defect"]],
)
path = kurilsim.qre_path(game)
ax = plot.qre_path(path, game=game, player="row")
