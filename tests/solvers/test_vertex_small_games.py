"""The small textbook games of the two-player benchmark against Gambit's ``enummixed``.

``benchmarks/_small_games.py`` collects textbook games and the two-player
games of QuantEcon's, Nashpy's and Gambit's test suites (many degenerate);
on each, kurilsim's ``"vertex"`` must return exactly the extreme equilibria
that Gambit's exact (rational) ``enummixed_solve`` returns, each once.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from kurilsim import NormalFormGame, solve_nash
from kurilsim.testing.compare import distinct_profiles, same_profile

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "_small_games.py"
_SPEC = importlib.util.spec_from_file_location("_small_games", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
_small_games = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_small_games)
GAMES = _small_games.small_games()


def test_the_suite_is_large_and_cited() -> None:
    assert len(GAMES) >= 40
    text = _PATH.read_text()
    # every game of the table sits under a comment naming its source
    assert text.count('    "') >= len(_small_games.SMALL_GAMES)
    assert all(name.count("/") == 1 for name in GAMES)


@pytest.mark.parametrize("name", sorted(GAMES))
def test_small_game_matches_exact_enummixed(name: str) -> None:
    A, B = GAMES[name]
    integer = np.array_equal(A, np.round(A)) and np.array_equal(B, np.round(B))
    if integer:
        gambit = pygambit.Game.from_arrays(A.astype(int).tolist(), B.astype(int).tolist())
    else:
        gambit = pygambit.Game.from_arrays(A, B)
    found = pygambit.nash.enummixed_solve(gambit, rational=integer).equilibria
    players = list(gambit.players)
    theirs = distinct_profiles([
        tuple(np.array([float(p) for _, p in eq[player]]) for player in players)
        for eq in found
    ])
    ours = [eq.strategies for eq in solve_nash(NormalFormGame([A, B]), "vertex").equilibria]
    assert len(distinct_profiles(ours)) == len(ours), "kurilsim lists a duplicate"
    missing = [p for p in theirs if not any(same_profile(p, q) for q in ours)]
    extra = [p for p in ours if not any(same_profile(p, q) for q in theirs)]
    assert not missing, (name, missing)
    assert not extra, (name, extra)
    assert len(ours) == len(theirs)
