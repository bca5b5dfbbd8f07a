"""Size guards of solve_nash: refuse at once with the estimate and the keyword."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kurilsim import (
    InvalidArgumentError,
    NormalFormGame,
    ProblemTooLargeError,
    SolverError,
    solve_nash,
)
from kurilsim.solvers.nash import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_WORK,
    NASH_METHODS,
    estimate_cost,
)
from kurilsim.solvers.results import certify_blocks


def random_game(*shape: int, seed: int = 0) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame([rng.standard_normal(shape) for _ in shape])


@pytest.mark.parametrize(
    ("shape", "method", "keyword"),
    [
        ((30, 30), "vertex", "max_memory"),  # ran > 5 min to 3.7 GB
        ((200, 200), "vertex", "max_memory"),  # raw MemoryError
        ((200, 200), "support", "max_memory"),
        ((8, 8, 8), "enumerate", "max_work"),  # 280 s, then MemoryError
    ],
)
def test_oversized_problems_are_refused_up_front(
    shape: tuple[int, ...], method: str, keyword: str
) -> None:
    game = random_game(*shape)
    with pytest.raises(ProblemTooLargeError, match=rf"method '{method}' on this .* game may .*{keyword}=") as info:
        solve_nash(game, method)
    assert isinstance(info.value, MemoryError)
    message = str(info.value)
    assert "\n" not in message
    assert f"solve_nash(..., {keyword}=" in message


def test_message_gives_the_estimate_and_raising_the_budget_works() -> None:
    game = random_game(12, 12)
    memory, work, what = estimate_cost(game, "vertex")
    assert memory < DEFAULT_MAX_MEMORY
    assert work < DEFAULT_MAX_WORK
    with pytest.raises(ProblemTooLargeError, match=re.escape(f"about {work:.2g} steps")) as info:
        solve_nash(game, "vertex", max_work=work / 2)
    assert what in str(info.value)
    with pytest.raises(ProblemTooLargeError, match=re.escape(f"about {memory:.2g} bytes")):
        solve_nash(game, "vertex", max_memory=memory / 2)
    assert len(solve_nash(game, "vertex", max_work=work * 2)) >= 1


def test_estimates_grow_with_the_game_and_cover_every_method() -> None:
    for method in ("pure", "vertex", "support", "lemke-howson", "lp", "logit"):
        small = estimate_cost(random_game(3, 3), method)
        large = estimate_cost(random_game(9, 9), method)
        assert 0 < small[0] < large[0]
        assert 0 < small[1] < large[1]
    for method in ("pure", "enumerate", "logit"):
        small = estimate_cost(random_game(2, 2, 2), method)
        large = estimate_cost(random_game(4, 4, 4), method)
        assert 0 < small[0] < large[0]
        assert 0 < small[1] < large[1]
    exact = estimate_cost(random_game(4, 4), "vertex", exact=True)
    assert exact[1] > estimate_cost(random_game(4, 4), "vertex")[1]


def test_upper_bound_theorem_matches_known_counts() -> None:
    from kurilsim.solvers.nash import _ubt

    # a 3-cube (d = 3, 6 facets) has 8 vertices; cyclic polytope C(6, 3)* has 9
    assert _ubt(2, 5) == 5  # a pentagon
    assert _ubt(3, 6) == 8
    assert _ubt(3, 7) == 10
    assert _ubt(4, 8) == 20


def test_games_within_budget_still_solve() -> None:
    assert len(solve_nash(random_game(10, 10), "vertex")) % 2 == 1
    assert len(solve_nash(random_game(3, 3, 3), "enumerate")) >= 1
    assert len(solve_nash(random_game(60, 60), "lemke-howson")) == 1


def test_memory_error_inside_a_solver_becomes_problem_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    from kurilsim.solvers import nash

    def exhausted(*args: object, **kwargs: object) -> object:
        raise MemoryError("Unable to allocate 1.00 TiB")

    monkeypatch.setattr(nash, "vertex_candidates", exhausted)
    with pytest.raises(ProblemTooLargeError, match=r"method 'vertex' ran out of memory .*1.00 TiB.*max_memory"):
        solve_nash(random_game(3, 3), "vertex")


def test_duplicate_removal_is_not_quadratic() -> None:
    """65,535 distinct candidates (the equilibria of a 16x16 coordination game)
    plus a near-copy of each: a pairwise comparison would need ~4 TiB."""
    m = 16
    codes = np.arange(1, 2**m)
    support = ((codes[:, None] >> np.arange(m)) & 1).astype(float)
    X = support / support.sum(axis=1, keepdims=True)
    both = np.concatenate([X, X + 1e-13 * (X > 0)])
    game = NormalFormGame([np.eye(m), np.eye(m)])
    equilibria, n_candidates, n_rejected = certify_blocks(game, (both, both), tol=1e-9)
    assert n_candidates == 2 * len(X)
    assert n_rejected == 0
    assert len(equilibria) == len(X)  # every near-copy merged into its original


#: estimate_cost of every method (but "auto") on games of these shapes, as
#: computed before the estimates moved into the table of methods (issue 14).
PINNED_COSTS: dict[tuple[tuple[int, ...], str, bool], tuple[float, float, str]] = {
    ((2, 2), "pure", False): (136.0, 32.0, "4 pure profiles"),
    # enumerate counts the profiles of the reduced game (duplicates merged,
    # strictly dominated strategies removed): this 2x2 game is dominance solvable
    ((2, 2), "enumerate", False): (104.0, 400.0, "1 support profile of the reduced game"),
    ((2, 2), "logit", False): (2112.0, 8550.0, "4 unknowns (dense 4x5 Jacobians) and 4 payoff cells, about 300 continuation steps"),
    ((2, 2), "support", False): (164.0, 36.0, "5 support pairs"),
    ((2, 2), "vertex", False): (192.0, 16.0, "up to 4 vertices of a 2-dimensional best-response polytope"),
    ((2, 2), "lemke-howson", False): (832.0, 64.0, "tableaux of 4 labels"),
    ((2, 2), "lp", False): (1504.0, 16.0, "a linear program with 4 coefficients"),
    ((3, 5), "pure", False): (510.0, 120.0, "15 pure profiles"),
    ((3, 5), "pure", True): (5100.0, 1200000.0, "15 pure profiles"),
    ((3, 5), "enumerate", False): (7928.0, 5555200.0, "217 support profiles of the reduced game"),
    ((3, 5), "enumerate", True): (79280.0, 55552000000.0, "217 support profiles of the reduced game"),
    ((3, 5), "logit", False): (7104.0, 39870.0, "8 unknowns (dense 8x9 Jacobians) and 15 payoff cells, about 300 continuation steps"),
    ((3, 5), "logit", True): (71040.0, 398700000.0, "8 unknowns (dense 8x9 Jacobians) and 15 payoff cells, about 300 continuation steps"),
    ((3, 5), "support", False): (1200.0, 1365.0, "55 support pairs"),
    ((3, 5), "support", True): (12000.0, 13650000.0, "55 support pairs"),
    ((3, 5), "vertex", False): (1008.0, 108.0, "up to 12 vertices of a 3-dimensional best-response polytope"),
    ((3, 5), "vertex", True): (10080.0, 1080000.0, "up to 12 vertices of a 3-dimensional best-response polytope"),
    ((3, 5), "lemke-howson", False): (3312.0, 512.0, "tableaux of 8 labels"),
    ((3, 5), "lemke-howson", True): (33120.0, 5120000.0, "tableaux of 8 labels"),
    ((3, 5), "lp", False): (4080.0, 120.0, "a linear program with 15 coefficients"),
    ((3, 5), "lp", True): (40800.0, 1200000.0, "a linear program with 15 coefficients"),
    ((12, 12), "pure", False): (4896.0, 1152.0, "144 pure profiles"),
    ((12, 12), "enumerate", False): (403245144.0, 11590750080000.0, "1.68e+07 support profiles of the reduced game"),
    ((12, 12), "logit", False): (58432.0, 641550.0, "24 unknowns (dense 24x25 Jacobians) and 144 payoff cells, about 300 continuation steps"),
    ((12, 12), "support", False): (16116624.0, 1049682816.0, "2.7e+06 support pairs"),
    ((12, 12), "vertex", False): (4754688.0, 3564288.0, "up to 2.5e+04 vertices of a 12-dimensional best-response polytope"),
    ((12, 12), "lemke-howson", False): (29952.0, 13824.0, "tableaux of 24 labels"),
    ((12, 12), "lp", False): (29344.0, 3456.0, "a linear program with 144 coefficients"),
    ((2, 2, 2), "pure", False): (336.0, 96.0, "8 pure profiles"),
    ((2, 2, 2), "enumerate", False): (1632.0, 291600.0, "27 support profiles of the reduced game"),
    ((2, 2, 2), "logit", False): (4672.0, 31890.0, "6 unknowns (dense 6x7 Jacobians) and 8 payoff cells, about 300 continuation steps"),
    ((3, 4, 2), "pure", False): (1008.0, 288.0, "24 pure profiles"),
    ((3, 4, 2), "enumerate", False): (30816.0, 11481750.0, "315 support profiles of the reduced game"),
    ((3, 4, 2), "logit", False): (11008.0, 94800.0, "9 unknowns (dense 9x10 Jacobians) and 24 payoff cells, about 300 continuation steps"),
}


def _shaped_game(shape: tuple[int, ...]) -> NormalFormGame:
    rng = np.random.default_rng(1)
    return NormalFormGame([rng.standard_normal(shape) for _ in shape])


@pytest.mark.parametrize(("shape", "method", "exact"), sorted(PINNED_COSTS, key=str))
def test_estimates_are_unchanged(shape: tuple[int, ...], method: str, exact: bool) -> None:
    cost = estimate_cost(_shaped_game(shape), method, exact=exact)
    assert tuple(cost) == PINNED_COSTS[shape, method, exact]
    assert (cost.memory, cost.work, cost.what) == tuple(cost)


def test_every_method_has_a_pinned_estimate() -> None:
    pinned = {method for _, method, _ in PINNED_COSTS}
    assert pinned == {n for n, spec in NASH_METHODS.items() if spec.choose is None}


@pytest.mark.parametrize(
    ("shape", "chosen"),
    [((2, 2), "vertex"), ((12, 12), "vertex"), ((2, 2, 2), "enumerate"), ((4, 4, 4), "logit")],
)
def test_auto_estimates_the_method_it_chooses(shape: tuple[int, ...], chosen: str) -> None:
    game = _shaped_game(shape)
    assert estimate_cost(game, "auto") == estimate_cost(game, chosen)
    assert estimate_cost(game, "auto", exact=True) == estimate_cost(game, chosen, exact=True)
    if game.n_players == 2 or chosen == "enumerate":  # (logit here would be slow)
        assert solve_nash(game).method == chosen


def test_unknown_method_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"method must be one of .*got 'simplex'"):
        estimate_cost(random_game(2, 2), "simplex")


def test_lemke_howson_work_is_its_tableaux_and_max_pivots_its_pivots() -> None:
    # the estimate (about (m + n)**3 steps) is checked against max_work ...
    game = random_game(2, 2)
    assert estimate_cost(game, "lemke-howson").work == 4.0**3
    with pytest.raises(ProblemTooLargeError, match=r"about 64 steps .*max_work=10;"):
        solve_nash(game, "lemke-howson", max_work=10)
    assert len(solve_nash(game, "lemke-howson", max_work=64)) == 1
    # ... and the pivots only against max_pivots
    cyclic = NormalFormGame([np.eye(4), np.eye(4)[::-1]])
    with pytest.raises(SolverError, match="max_pivots=1"):
        solve_nash(cyclic, "lemke-howson", max_pivots=1)


def test_refusals_suggest_the_light_methods_of_the_table() -> None:
    light = [n for n, spec in NASH_METHODS.items() if spec.light]
    assert sorted(light) == ["lemke-howson", "logit"]
    game = random_game(12, 12)
    with pytest.raises(ProblemTooLargeError) as info:
        solve_nash(game, "vertex", max_work=1.0)
    assert str(info.value).endswith(
        ", or use a method that finds one equilibrium ('lemke-howson', 'logit')"
    )
    with pytest.raises(ProblemTooLargeError) as info:
        solve_nash(game, "lemke-howson", max_work=1.0)
    assert "or use a method" not in str(info.value)
