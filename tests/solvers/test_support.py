"""Support enumeration kernel (kurilsim.solvers._support)."""

from __future__ import annotations

import numpy as np

from kurilsim.solvers._support import (
    SupportEnumerationOutput,
    iterated_strict_dominance,
    support_enumeration_kernel,
)


def test_iterated_strict_dominance_solves_the_prisoners_dilemma() -> None:
    A = np.array([[3.0, 0.0], [5.0, 1.0]])
    rows, cols = iterated_strict_dominance(A, A.T)
    assert (rows.tolist(), cols.tolist()) == ([1], [1])
    # a margin keeps strategies dominated by less than it
    rows, cols = iterated_strict_dominance(A, A.T, margin=10.0)
    assert (rows.tolist(), cols.tolist()) == ([0, 1], [0, 1])


def test_battle_of_the_sexes_candidates() -> None:
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    out = support_enumeration_kernel(A, B)
    assert isinstance(out, SupportEnumerationOutput)
    assert out.degeneracy is None
    found = {tuple(np.round(np.concatenate(c), 9)) for c in out.candidates}
    assert (0.6, 0.4, 0.4, 0.6) in found
    assert out.n_pairs >= len(out.candidates)


def test_degenerate_game_is_reported() -> None:
    A = np.array([[1.0, 1.0], [0.0, 0.0]])  # the row player's best reply ties
    B = np.array([[1.0, 1.0], [1.0, 1.0]])
    out = support_enumeration_kernel(A, B)
    assert out.degeneracy is not None
