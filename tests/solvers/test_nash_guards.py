"""Size guards of solve_nash: refuse at once with the estimate and the keyword."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kurilsim import NormalFormGame, ProblemTooLargeError, solve_nash
from kurilsim.solvers.nash import DEFAULT_MAX_MEMORY, DEFAULT_MAX_WORK, estimate_cost
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
