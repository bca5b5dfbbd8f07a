"""A suite of small two-player textbook games for benchmarks and cross-checks.

``SMALL_GAMES`` maps a name to ``(A, B)``, the row and column player's
payoff matrices (``A[i, j]``, ``B[i, j]``: payoffs when the row player plays
``i`` and the column player ``j``).  Each entry cites where it comes from:
the test suites of QuantEcon.py, Nashpy and Gambit, QuantEcon's
GameTheory.jl, kurilsim's own peer tests, and textbook games.  Peers that
store a player's payoffs indexed by its own action first (QuantEcon's
``Player``) are transposed to this convention.  Many of the games are
degenerate (ties, duplicate strategies, equilibrium components), which is
the point: they exercise the degenerate paths of vertex enumeration.

``small_games()`` also adds von Stengel's (1999) 6x6 game with 75
equilibria from ``tests/data`` when that file is present.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["SMALL_GAMES", "small_games"]

_A = np.array


def _rps() -> np.ndarray:
    return _A([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])


# QuantEcon's Lemke-Howson cycling examples (player 1's matrix B_qe is indexed
# by player 1's own action first, so the column player's payoffs are B_qe.T)
_QE_CYCLE_A = _A([[0, 0, 0], [0, 1, 1], [1, 1, 0]])
_QE_CYCLE_B = _A([[1, 0, 1], [1, 1, 0], [0, 0, 2]])
_QE_PERM = [2, 0, 1]

SMALL_GAMES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    # ---------------------------------------------------------------- QuantEcon.py
    # quantecon/game_theory/tests/test_vertex_enumeration.py (von Stengel 2007,
    # Algorithmic Game Theory, ch. 3): three equilibria
    "qe/von-stengel-3x2": (_A([[3, 3], [2, 5], [0, 6]]), _A([[3, 2], [2, 6], [3, 1]])),
    # same file: the degenerate variant (a segment of equilibria)
    "qe/von-stengel-degenerate-3x2": (
        _A([[3, 3], [2, 5], [0, 6]]), _A([[3, 3], [2, 6], [3, 1]])
    ),
    # same file, test_vertex_enumeration_qhull_options: rows reordered
    "qe/degenerate-rows-reordered": (
        _A([[0, 6], [2, 5], [3, 3]]), _A([[3, 1], [2, 6], [3, 3]])
    ),
    # quantecon/game_theory/tests/test_support_enumeration.py: degenerate game
    # whose continuum ([0, p, 1-p], [1/2, 1/2]) support enumeration misses
    "qe/support-degenerate-3x2": (
        _A([[1, -1], [-1, 1], [0, 0]]), _A([[1, 0], [0, 0], [0, 0]])
    ),
    # quantecon/game_theory/tests/test_lemke_howson.py: a cycle for
    # smallest-row-index tie breaking
    "qe/lemke-howson-cycle": (_QE_CYCLE_A, _QE_CYCLE_B.T),
    # same file: the permuted example (a cycle for smallest-variable tie breaking)
    "qe/lemke-howson-cycle-permuted": (
        _QE_CYCLE_A[:, _QE_PERM], _QE_CYCLE_B[_QE_PERM, :].T
    ),
    # quantecon/game_theory/tests/test_howson_lcp.py, test_solves_rock_paper_scissors:
    # both players get the RPS matrix for their own action
    "qe/rps-both-own": (_rps(), _rps().T),
    # QuantEcon GameTheory.jl, test/test_vertex_enumeration.jl: 2x2 with 3 equilibria
    "qe-jl/coordination-2x2": (_A([[1, 0], [0, 1]]), _A([[1, 0], [0, 1]])),
    # same file: 2x3 with one equilibrium (Player([5 4 3; 4 1 2]), Player([5 1; 4 3; 3 2]))
    "qe-jl/2x3-one-equilibrium": (_A([[5, 4, 3], [4, 1, 2]]), _A([[5, 4, 3], [1, 3, 2]])),
    # ---------------------------------------------------------------------- Nashpy
    # tests/unit/test_vertex_enumeration.py, test_with_negative_utilities: matching pennies
    "nashpy/matching-pennies": (_A([[1, -1], [-1, 1]]), _A([[-1, 1], [1, -1]])),
    # tests/unit/test_game.py, test_support_enumeration_for_bi_matrix: 4x3
    "nashpy/4x3": (
        _A([[160, 205, 44], [175, 180, 45], [201, 204, 50], [120, 207, 49]]),
        _A([[2, 2, 2], [1, 0, 0], [3, 4, 1], [4, 1, 2]]),
    ),
    # same test: two 2x2 games with three equilibria each
    "nashpy/2x2-three-equilibria": (_A([[1, 0], [-2, 3]]), _A([[3, 2], [-1, 0]])),
    "nashpy/2x2-three-equilibria-b": (_A([[2, 1], [0, 2]]), _A([[2, 0], [1, 2]])),
    # tests/unit/test_game.py, test_bi_matrix_repr
    "nashpy/2x2-anti-coordination": (_A([[1, 2], [2, 1]]), _A([[2, 1], [1, 2]])),
    # tests/unit/test_support_enumeration.py, test_is_ne: rock-paper-scissors, zero-sum
    "nashpy/rps-zero-sum": (
        _A([[0, 1, -1], [-1, 0, 1], [1, -1, 0]]), -_A([[0, 1, -1], [-1, 0, 1], [1, -1, 0]])
    ),
    # same file, test_solve_indifference: 3x3 zero-sum
    "nashpy/indifference-3x3": (
        _A([[0, 1, -1], [1, 0, 1], [-1, 1, 0]]), -_A([[0, 1, -1], [1, 0, 1], [-1, 1, 0]])
    ),
    # docs/how-to/handle-degenerate-games.rst: degenerate zero-sum 3x3
    "nashpy/degenerate-zero-sum": (
        _A([[0, -1, 1], [-1, 0, 1], [-1, 0, 1]]), -_A([[0, -1, 1], [-1, 0, 1], [-1, 0, 1]])
    ),
    # ---------------------------------------------------------------------- Gambit
    # tests/games.py, create_EFG_for_6x6_bimatrix_with_long_LH_paths_and_unique_eq
    "gambit/6x6-long-lemke-howson-paths": (
        _A([
            [-180, 72, -333, 297, -153, 270],
            [-30, 17, -33, 42, -3, 20],
            [-81, 36, -126, 126, -36, 90],
            [90, -36, 126, -126, 36, -81],
            [20, -3, 42, -33, 17, -30],
            [270, -153, 297, -333, 72, -180],
        ]),
        _A([
            [72, 36, 17, -3, -36, -153],
            [-180, -81, -30, 20, 90, 270],
            [297, 126, 42, -33, -126, -333],
            [-333, -126, -33, 42, 126, 297],
            [270, 90, 20, -30, -81, -180],
            [-153, -36, -3, 17, 36, 72],
        ]),
    ),
    # tests/games.py, create_EFG_for_nxn_bimatrix_coordination_game (2**n - 1 equilibria)
    "gambit/coordination-3x3": (np.eye(3, dtype=int), np.eye(3, dtype=int)),
    "gambit/coordination-4x4": (np.eye(4, dtype=int), np.eye(4, dtype=int)),
    # tests/test_games/2x2_bimatrix_all_zero_payoffs.nfg
    "gambit/2x2-all-zero": (np.zeros((2, 2), dtype=int), np.zeros((2, 2), dtype=int)),
    # tests/games.py, create_2x2_zero_sum_efg: the matrix game (I, -I)
    "gambit/2x2-zero-sum-identity": (np.eye(2, dtype=int), -np.eye(2, dtype=int)),
    # tests/games.py, create_one_shot_trust_efg (after Kreps 1990), strategic form:
    # Buyer (Trust, Not trust) x Seller (Honor, Abuse); a component of equilibria
    "gambit/one-shot-trust": (_A([[1, -1], [0, 0]]), _A([[1, 2], [0, 0]])),
    # same, unique_NE_variant=True
    "gambit/one-shot-trust-unique": (_A([[1.0, 0.5], [0.0, 0.0]]), _A([[1, 2], [0, 0]])),
    # tests/games.py, create_problem_example_efg, strategic form: player 2's
    # strategies (l1 l2), (l1 r2), (r1 l2), (r1 r2)
    "gambit/problem-example-2x4": (
        _A([[5, 5, 2, 2], [-5, -2, -5, -2]]), -_A([[5, 5, 2, 2], [-5, -2, -5, -2]])
    ),
    # tests/games.py, create_two_player_perfect_info_win_lose_efg, strategic form:
    # rows (after a, after b) in LL, LR, RL, RR; columns (a or b, then l or r)
    "gambit/perfect-info-win-lose": (
        _A([[1, -1, 1, 1], [1, -1, -1, -1], [1, 1, 1, 1], [1, 1, -1, -1]]),
        -_A([[1, -1, 1, 1], [1, -1, -1, -1], [1, 1, 1, 1], [1, 1, -1, -1]]),
    ),
    # ------------------------------------------- kurilsim tests/peers/test_gambit.py
    # HAND_MADE degenerate games, checked there against Gambit's exact enummixed
    "kurilsim/all-zero-2x3": (np.zeros((2, 3), dtype=int), np.zeros((2, 3), dtype=int)),
    "kurilsim/duplicate-rows": (_A([[1, 0], [1, 0], [0, 1]]), _A([[1, 0], [1, 0], [0, 1]])),
    "kurilsim/duplicate-columns": (_A([[2, 2, 0], [0, 0, 1]]), _A([[1, 1, 0], [0, 0, 2]])),
    "kurilsim/duplicate-rows-and-columns": (
        _A([[1, 1, 0], [1, 1, 0], [0, 0, 1]]), _A([[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    ),
    "kurilsim/ties-against-a-safe-row": (
        _A([[1, 1], [1, 1], [0, 2]]), _A([[0, 1], [2, 1], [1, 0]])
    ),
    "kurilsim/column-player-indifferent": (
        _A([[3, 0], [0, 2], [1, 1]]), _A([[1, 1], [1, 1], [1, 1]])
    ),
    "kurilsim/row-coordination-column-indifferent": (
        np.eye(3, dtype=int), np.zeros((3, 3), dtype=int)
    ),
    "kurilsim/entry-deterrence": (_A([[0, 0], [-1, 1]]), _A([[2, 2], [-1, 1]])),
    "kurilsim/2x4-gambit-duplicates": (
        _A([[1, 2, 0, 2], [1, 2, 1, 2]]), _A([[1, 0, 0, 2], [1, 1, 2, 0]])
    ),
    # ------------------------------------------------------- other public test suites
    # idsc-frazzoli/driving-games, src/nash_tests/test_support_enumeration.py
    # (test_compare_nashpy): cost matrices, negated to payoffs; 8 equilibria
    "driving-games/3x5-eight-equilibria": (
        -_A([[0, 0, 6, 0, 0], [0, 0, 3, 2, 1], [4, 3, 0, 0, 1]]),
        -_A([[3, 0, 2, 1, 0], [0, 2, 0, 0, 4], [4, 0, 2, 4, 4]]),
    ),
    # -------------------------------------------------------------------- textbooks
    # Osborne & Rubinstein (1994), A Course in Game Theory, ch. 2
    "textbook/battle-of-the-sexes": (_A([[3, 0], [0, 2]]), _A([[2, 0], [0, 3]])),
    "textbook/prisoners-dilemma": (_A([[3, 0], [5, 1]]), _A([[3, 5], [0, 1]])),
    "textbook/stag-hunt": (_A([[4, 0], [3, 3]]), _A([[4, 3], [0, 3]])),
    "textbook/hawk-dove": (_A([[0, -1], [1, -10]]), _A([[0, 1], [-1, -10]])),
    "textbook/rock-paper-scissors": (_rps(), -_rps()),
    # Shapley (1964), "Some topics in two-person games": a unique, mixed equilibrium
    "textbook/shapley-3x3": (
        _A([[0, 2, 1], [1, 0, 2], [2, 1, 0]]), _A([[0, 1, 2], [2, 0, 1], [1, 2, 0]])
    ),
    # a coordination game with unequal payoffs (seven equilibria)
    "textbook/coordination-3-2-1": (np.diag([3, 2, 1]), np.diag([3, 2, 1])),
    # matching pennies with unequal stakes
    "textbook/asymmetric-pennies": (_A([[2, -1], [-1, 1]]), _A([[-2, 1], [1, -1]])),
    # von Stengel (2007), Figure 3.1 (the 3x2 game of the AGT chapter, transposed roles)
    "textbook/von-stengel-2x3": (_A([[3, 2, 3], [2, 6, 1]]), _A([[3, 2, 0], [3, 5, 6]])),
}


def small_games() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:data:`SMALL_GAMES` as float arrays, plus von Stengel's 6x6 game if its file is found.

    von Stengel (1999), "New maximal numbers of equilibria in bimatrix
    games", Discrete Comput. Geom. 21: a 6x6 game with 75 equilibria,
    shipped as ``tests/data/vonstengel1999_6x6_75eq.nfg``.
    """
    games = {
        name: (np.asarray(A, dtype=float), np.asarray(B, dtype=float))
        for name, (A, B) in SMALL_GAMES.items()
    }
    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "vonstengel1999_6x6_75eq.nfg"
    if path.exists():
        from kurilsim import NormalFormGame

        A, B = NormalFormGame.from_nfg(path).payoffs
        games["von-stengel-1999/6x6-75-equilibria"] = (np.array(A), np.array(B))
    return games
