"""Cross-check kurilsim's sequential-equilibrium check against Gambit.

Limit points of the agent logit QRE as ``λ`` grows are sequential equilibria
(McKelvey and Palfrey 1998), and ``pygambit.nash.logit_solve``
returns a point near the end of Gambit's branch.  On every perfect-recall
game of pygambit's catalog, that point -- with the probabilities below 1e-4
set to 0 -- must pass :func:`kurilsim.check_sequential` (with beliefs found by
its search) and :func:`kurilsim.check_pbe`, within a tolerance of 1e-5 of the
payoff range (the end point is not the limit).

McKelvey, R. D. and Palfrey, T. R. (1998). Quantal response equilibria for
extensive form games. *Experimental Economics* 1, 9-41.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kurilsim import ExtensiveFormGame, check_pbe, check_sequential, read_efg

pygambit = pytest.importorskip("pygambit")

pytestmark = pytest.mark.peers

CATALOG = Path(pygambit.__file__).parent / "catalog_data"

#: Gambit's logit path takes ~40 s on this one (shohamleytonbrown2008/fig6_8).
SLOW = {"fig6_8.efg"}

FILES = sorted(
    path
    for path in CATALOG.rglob("*.efg")
    if path.name not in SLOW and read_efg(path).perfect_recall
)


def _prefix(node: Any) -> list[Any]:
    out = [node]
    for child in node.children:
        out += _prefix(child)
    return out


def gambit_logit_profile(game: ExtensiveFormGame, path: Path) -> list[np.ndarray]:
    """Gambit's logit end point as a kurilsim behaviour profile (both trees
    are in prefix order, children in action order)."""
    gbt = pygambit.read_efg(str(path))
    profile = pygambit.nash.logit_solve(gbt).equilibria[0]
    nodes = _prefix(gbt.root)
    assert len(nodes) == game.n_nodes
    out = []
    for infoset in game.infosets:
        theirs = nodes[infoset.nodes[0]].infoset
        out.append(np.array([float(profile[action]) for action in theirs.actions]))
    return out


def test_the_catalog_has_perfect_recall_games() -> None:
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CATALOG)) for p in FILES])
def test_gambits_logit_limit_is_sequential(path: Path) -> None:
    game = read_efg(path)
    profile = []
    for sigma in gambit_logit_profile(game, path):
        kept = np.where(sigma < 1e-4, 0.0, sigma)
        profile.append(kept / kept.sum())
    sequential = check_sequential(game, profile, tol=1e-5)
    assert sequential.ok, sequential.message
    assert sequential.consistent
    assert check_sequential(game, profile, sequential.beliefs, tol=1e-5).ok
    assert check_pbe(game, profile, tol=1e-5).ok
