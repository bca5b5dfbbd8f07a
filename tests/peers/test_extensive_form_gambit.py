"""Cross-check kurilsim's extensive-form computations against pygambit.

For every ``.efg`` file of pygambit's catalog (read by kurilsim's reader):
perfect recall is detected as Gambit detects it, and the reduced strategic
form has Gambit's shape, Gambit's strategy labels and Gambit's payoffs
(``Game.to_arrays``); a random interior behaviour profile has the same
expected payoffs in both, and, with perfect recall, the same beliefs and
action values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kurilsim import ExtensiveFormGame

pygambit = pytest.importorskip("pygambit")
pytestmark = pytest.mark.peers

CATALOG = Path(pygambit.__file__).parent / "catalog_data"
CATALOG_FILES = sorted(CATALOG.rglob("*.efg"))


def _id(path: Path) -> str:
    return str(path.relative_to(CATALOG))


def test_the_catalog_is_there() -> None:
    assert len(CATALOG_FILES) >= 30


@pytest.mark.parametrize("path", CATALOG_FILES, ids=_id)
def test_reduced_strategic_form_matches_gambit(path: Path) -> None:
    theirs = pygambit.read_efg(str(path))
    ours = ExtensiveFormGame.from_efg(path)
    assert ours.perfect_recall == theirs.is_perfect_recall
    form = ours.reduced_strategic_form()
    arrays = [np.array(a, dtype=float) for a in theirs.to_arrays()]
    assert form.shape == arrays[0].shape
    for mine, gambit in zip(form.payoffs, arrays, strict=True):
        np.testing.assert_allclose(mine, gambit, rtol=0, atol=1e-12)
    labels = tuple(tuple(s.label for s in p.strategies) for p in theirs.players)
    assert form.strategies == labels


@pytest.mark.parametrize("path", CATALOG_FILES, ids=_id)
def test_expected_payoffs_of_a_behaviour_profile_match_gambit(path: Path) -> None:
    theirs = pygambit.read_efg(str(path))
    ours = ExtensiveFormGame.from_efg(path)
    rng = np.random.default_rng(2026)
    profile = theirs.mixed_behavior_profile(rational=False)
    # Gambit's information sets in its order: player by player, set by set;
    # ours are in prefix order, matched through a node of each set
    ours_profile = []
    for infoset in ours.infosets:
        weights = rng.random(infoset.n_actions) + 0.1
        ours_profile.append(weights / weights.sum())
    for k, infoset in enumerate(ours.infosets):
        # Gambit's set is that of the node at the same history
        node = _gambit_node(theirs, ours, infoset.nodes[0])
        for a, action in enumerate(list(node.infoset.actions)):
            profile[action] = float(ours_profile[k][a])
    expected = ours.expected_payoffs(ours_profile)
    for i, player in enumerate(theirs.players):
        assert float(profile.payoff(player)) == pytest.approx(expected[i], abs=1e-9)
    # the profile is interior, so every set is reached where chance allows:
    # Bayes' beliefs and the actions' conditional values agree with Gambit's
    # (with absent-mindedness Gambit's beliefs are not normalised over the
    # set -- 1 and 1/2 at the driver's two junctions under (1/2, 1/2) --
    # where ours are the relative visit frequencies 2/3 and 1/3)
    if not ours.perfect_recall:
        return
    beliefs = ours.beliefs(ours_profile)
    values = ours.action_values(ours_profile)
    for k, infoset in enumerate(ours.infosets):
        belief = beliefs[k]
        if belief is None:
            continue
        for node, mine in zip(infoset.nodes, belief, strict=True):
            gambit_node = _gambit_node(theirs, ours, node)
            assert float(profile.belief(gambit_node)) == pytest.approx(mine, abs=1e-9)
        actions = list(_gambit_node(theirs, ours, infoset.nodes[0]).infoset.actions)
        for action, mine in zip(actions, values[k], strict=True):
            assert float(profile.action_value(action)) == pytest.approx(mine, abs=1e-9)


def _gambit_node(theirs: object, ours: ExtensiveFormGame, node: int) -> object:
    """Gambit's node at the same history as our node ``node``."""
    path = []
    current = node
    while ours.node_parent[current] >= 0:
        path.append(int(ours.node_action[current]))
        current = int(ours.node_parent[current])
    gambit = theirs.root  # type: ignore[attr-defined]
    for action in reversed(path):
        gambit = list(gambit.children)[action]
    return gambit
