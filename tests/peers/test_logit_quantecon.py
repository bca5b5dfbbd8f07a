"""The logit solver on QuantEcon's game generators (quantecon.game_theory).

Each generated game is converted to kurilsim's payoff layout and solved with
``"logit"``; the answer must be certified and, for two players, one of the
equilibria that QuantEcon's own ``vertex_enumeration`` lists where the game
has finitely many equilibria, and a certified one where it has continua.  Many of these games are
symmetric or degenerate (SGC, unit-vector and ranking games), which is where
a path follower meets bifurcation points.
"""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash

quantecon = pytest.importorskip("quantecon")
generators = pytest.importorskip("quantecon.game_theory.game_generators")
qe_gt = pytest.importorskip("quantecon.game_theory")

pytestmark = pytest.mark.peers


def converted(g) -> NormalFormGame:
    """kurilsim's layout: player i's array is indexed by (a_0, ..., a_{N-1}).

    QuantEcon stores player i's payoffs with axes (i, i+1, ..., i-1).
    """
    n = g.N
    payoffs = []
    for i, player in enumerate(g.players):
        order = [(i + k) % n for k in range(n)]
        payoffs.append(np.transpose(player.payoff_array, np.argsort(order)))
    return NormalFormGame(payoffs)


CASES = {
    **{f"sgc-{k}": (generators.sgc_game, (k,), {}) for k in (1, 2, 3)},
    **{
        f"unit-vector-{n}-{seed}": (generators.unit_vector_game, (n,), {"random_state": seed})
        for n in (3, 4, 6)
        for seed in range(3)
    },
    **{
        f"ranking-{n}-{seed}": (generators.ranking_game, (n,), {"random_state": seed})
        for n in (3, 4, 6)
        for seed in range(3)
    },
}
#: Games with continua of equilibria: the logit limit need not be extreme.
DEGENERATE = {
    "tournament-5-3": (generators.tournament_game, (5, 3), {"random_state": 0}),
    "tournament-6-3": (generators.tournament_game, (6, 3), {"random_state": 1}),
    "blotto-3-4": (generators.blotto_game, (3, 4), {"rho": 0.5, "random_state": 0}),
    "blotto-4-4": (generators.blotto_game, (4, 4), {"rho": -0.5, "random_state": 2}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_logit_answer_is_a_quantecon_extreme_equilibrium(name: str) -> None:
    make, args, kwargs = CASES[name]
    g = make(*args, **kwargs)
    game = converted(g)
    result = solve_nash(game, "logit")
    (equilibrium,) = result.equilibria
    assert equilibrium.regret <= 1e-10 * game.payoff_range
    theirs = qe_gt.vertex_enumeration(g)
    assert any(equilibrium.isclose(eq, atol=1e-8) for eq in theirs), (
        name,
        equilibrium.strategies,
    )


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_logit_certifies_an_equilibrium_of_degenerate_generated_games(name: str) -> None:
    make, args, kwargs = DEGENERATE[name]
    game = converted(make(*args, **kwargs))
    (equilibrium,) = solve_nash(game, "logit").equilibria
    assert equilibrium.regret <= 1e-10 * game.payoff_range
    # an independent check of the certificate: no pure deviation gains
    assert np.all(game.gains(equilibrium.strategies) <= 1e-10 * game.payoff_ranges)
