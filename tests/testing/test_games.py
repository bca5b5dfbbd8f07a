"""The degenerate games of kurilsim.testing.games."""

from __future__ import annotations

import numpy as np

from kurilsim.testing.games import entry_chain, full_strategic_form, selten_horse


def test_the_full_form_of_the_entry_chain_duplicates_the_plans_after_staying_out() -> None:
    arrays = full_strategic_form(entry_chain())
    assert [a.shape for a in arrays] == [(4, 2, 4)] * 3
    # player 1's plans (out, expand) and (out, hold) give every player the same
    # payoffs against everything: a duplicate strategy
    out = [k for k in range(4) if np.all(arrays[0][k] == 0.0)]
    assert len(out) == 2
    for a in arrays:
        np.testing.assert_array_equal(a[out[0]], a[out[1]])


def test_the_full_form_agrees_with_the_reduced_one_where_no_set_is_unreached() -> None:
    game = selten_horse()
    full = full_strategic_form(game)
    reduced = [np.asarray(p, dtype=float) for p in game.reduced_strategic_form().payoffs]
    # every player has one information set in the horse: nothing to reduce
    assert [a.shape for a in full] == [a.shape for a in reduced]
    for mine, theirs in zip(full, reduced, strict=True):
        np.testing.assert_allclose(np.sort(mine.ravel()), np.sort(theirs.ravel()))
