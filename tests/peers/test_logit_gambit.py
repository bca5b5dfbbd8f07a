"""Cross-checks of kurilsim's logit QRE against Gambit (pygambit 16.x).

``pygambit.qre.logit_solve_lambda(game, lam)`` traces Gambit's principal
branch to each requested ``λ`` (payoffs in their own units, like kurilsim's
``λ``) and ``pygambit.nash.logit_solve`` returns a point near the end of the
branch whose regret is at most ``1e-8`` times the payoff range.  (In pygambit
16.x the ``λ`` functions live in ``pygambit.qre``, not ``pygambit.nash``.)
"""

from __future__ import annotations

import numpy as np
import pytest

from kurilsim import NormalFormGame
from kurilsim.solvers.logit import logit_qre, logit_solve_kernel, qre_path

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers

ATOL = 1e-6

LAMBDAS = [0.05, 0.3, 1.0, 2.5, 6.0]

Profile = tuple[np.ndarray, ...]


def random_game(
    shape: tuple[int, ...], seed: int, scale: float = 2.0
) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([scale * rng.standard_normal(shape) for _ in shape])


#: Gambit's ``loopback.nfg``: the principal branch bends back in lambda.
LOOPBACK = NormalFormGame([[[6, 6], [7.32, 1]], [[7, 7], [6, 4]]])

GAMES = {
    "2x2": random_game((2, 2), 1),
    "3x3": random_game((3, 3), 2),
    "2x4": random_game((2, 4), 3),
    "4x4": random_game((4, 4), 4),
    "2x2x2": random_game((2, 2, 2), 5),
    "3x2x2": random_game((3, 2, 2), 6),
    "3x3x3": random_game((3, 3, 3), 7),
    "2x2x2x2": random_game((2, 2, 2, 2), 8),
    "loopback": LOOPBACK,
}


def gambit_game(game: NormalFormGame):
    return pygambit.Game.from_arrays(*[np.array(p) for p in game.payoffs])


def gambit_profile(gbt_game, profile) -> Profile:
    return tuple(
        np.array([float(profile[player][strategy]) for strategy in player.strategies])
        for player in gbt_game.players
    )


def max_difference(p: Profile, q: Profile) -> float:
    return max(float(np.abs(a - b).max()) for a, b in zip(p, q, strict=True))


@pytest.mark.parametrize("name", list(GAMES))
def test_logit_qre_matches_gambit_logit_solve_lambda(name: str) -> None:
    game = GAMES[name]
    # Gambit needs increasing lambdas (it never returns for a smaller one after
    # a larger one); 1.34 lies in the fold of loopback.nfg.
    lams = sorted([*LAMBDAS, 1.34]) if name == "loopback" else LAMBDAS
    gbt_game = gambit_game(game)
    theirs = pygambit.qre.logit_solve_lambda(gbt_game, lams)
    assert len(theirs) == len(lams)
    path = qre_path(game, lam_max=max(lams))
    for lam, qre in zip(lams, theirs, strict=True):
        # Gambit lands within about 1e-8 of the requested lambda: compare at
        # the lambda it reports.
        assert qre.lam == pytest.approx(lam, abs=1e-6)
        expected = gambit_profile(gbt_game, qre.profile)
        ours = logit_qre(game, qre.lam)
        assert max_difference(ours, expected) <= ATOL, (lam, ours, expected)
        resumed = logit_qre(game, qre.lam, start=path)
        assert max_difference(resumed, expected) <= ATOL


@pytest.mark.parametrize("name", [n for n in GAMES if n != "loopback"])
def test_path_points_match_gambit(name: str) -> None:
    game = GAMES[name]
    path = qre_path(game, lam_max=4.0)
    assert np.all(np.diff(path.lam) > 0)  # no backward bend in these games
    picks = np.unique(np.linspace(1, len(path) - 1, 6).astype(int))
    lams = [float(path.lam[k]) for k in picks]
    gbt_game = gambit_game(game)
    theirs = pygambit.qre.logit_solve_lambda(gbt_game, lams)
    for k, qre in zip(picks, theirs, strict=True):
        assert qre.lam == pytest.approx(path.lam[k], abs=1e-6)
        expected = gambit_profile(gbt_game, qre.profile)
        assert max_difference(path.profile(int(k)), expected) <= ATOL


def normalised(game: NormalFormGame) -> NormalFormGame:
    """Each player's payoffs mapped affinely onto [0, 1]."""
    return NormalFormGame([(p - p.min()) / np.ptp(p) for p in game.payoffs])


@pytest.mark.parametrize("name", list(GAMES))
def test_logit_solver_matches_gambit_logit_solve(name: str) -> None:
    # kurilsim's solver traces the branch of the game with each player's
    # payoffs normalised to [0, 1] (so its answer does not depend on any
    # player's payoff units); Gambit traces the payoffs as given, so it gets
    # the normalised game.
    game = GAMES[name]
    gbt_game = gambit_game(normalised(game))
    result = pygambit.nash.logit_solve(gbt_game)
    expected = gambit_profile(gbt_game, result.equilibria[0])
    ours, _ = logit_solve_kernel(game)
    # Gambit stops on the branch at regret <= 1e-8 x range; kurilsim polishes
    # the limit, so the two differ by the distance left to the limit.
    assert max_difference(ours, expected) <= 1e-5
    assert game.regret(ours) <= 1e-10 * game.payoff_range


def test_mckelvey_mclennan_before_its_bifurcation() -> None:
    # Gambit's 2x2x2.nfg.  Its principal branch has a bifurcation point at
    # lambda ~ 0.597, where Gambit 16.7's tracer stops (its logit_solve then
    # returns a profile that is not an equilibrium); kurilsim goes through.
    # Below it the two agree.
    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[:, 0, 0, 0] = (9, 8, 12)
    payoffs[:, 1, 1, 0] = (9, 8, 2)
    payoffs[:, 1, 0, 1] = (3, 4, 6)
    payoffs[:, 0, 1, 1] = (3, 4, 6)
    game = NormalFormGame(list(payoffs))
    gbt_game = gambit_game(game)
    lams = [0.1, 0.3, 0.5, 0.59]
    for qre in pygambit.qre.logit_solve_lambda(gbt_game, lams):
        expected = gambit_profile(gbt_game, qre.profile)
        assert max_difference(logit_qre(game, qre.lam), expected) <= ATOL
    ours, _ = logit_solve_kernel(game)
    assert game.regret(ours) <= 1e-10 * game.payoff_range
