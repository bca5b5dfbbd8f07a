"""Bad arguments to the public functions get a kurilsim error naming them.

Each case was found by trying the odd values a careless caller would pass
(wrong types, NaN, infinities, huge or negative numbers, typos, arrays of the
wrong shape) and, before the fix, raised a raw ``TypeError``,
``AttributeError``, ``IndexError`` or numpy error, returned a silently wrong
answer, ran for minutes, or said neither which argument nor which value was
wrong.  The message must name the argument and show the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import kurilsim
from kurilsim import (
    InvalidArgumentError,
    InvalidGameError,
    InvalidModelError,
    InvalidProfileError,
    KurilsimError,
    NormalFormGame,
    ProblemTooLargeError,
    SolverError,
    plot,
)
from kurilsim.analysis import compare_concepts, solve_scenario
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.games.negotiation import (
    objectionable,
    proposal_game,
    restricts_objector,
    strategic_game,
)
from kurilsim.games.sequential import Chance, Decision, SequentialGame, Terminal
from kurilsim.solvers.bargaining import (
    baron_ferejohn_shares,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_share,
    solve_baron_ferejohn,
    solve_egalitarian,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.solvers.bargaining.discrete import (
    discrete_bargaining,
    discrete_bargaining_kernel,
)
from kurilsim.solvers.dynamics import fictitious_play, replicator_dynamics
from kurilsim.solvers.proposal import proposal_spe, spe_kernel
from kurilsim.solvers.spe import check_spe, solve_spe, spe_outcomes
from kurilsim.testing import compare, invariants

PIE = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
PIE3 = BargainingProblem(np.eye(3), np.zeros(3))
SCENARIO = kurilsim.Scenario(name="default")
PD = NormalFormGame([np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]])])


def _respond(offer: int) -> Decision:
    return Decision(
        "responder",
        {
            "accept": Terminal((2 - offer, offer), outcome=offer),
            "reject": Terminal((0, 0), outcome="no deal"),
        },
    )


ULTIMATUM = SequentialGame(
    Decision("proposer", {f"offer {k}": _respond(k) for k in range(3)}),
    players=["proposer", "responder"],
)
SPE = solve_spe(ULTIMATUM)
U = np.array([[3.0, 1.0, 0.0], [-1.0, 0.5, 0.0]])  # proposal_spe: 2 agents, 2 deals
ROLES = {"restricted": [False, False], "proposer": 0, "responder": 1, "objector": None}
TABLE = np.array([[3.0], [2.0], [0.0]])  # discrete kernel: 2 agreements, 1 point
LEAF = Terminal((1.0, 2.0))
NAN = float("nan")
INF = float("inf")


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
    return lambda: function(*args, **kwargs)


# (id, call, error class, regex the one-line message must match)
CASES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # -- analysis ---------------------------------------------------------------------
    ("solve_scenario-concept-list", _call(solve_scenario, SCENARIO, ["spe"]),
     InvalidModelError, r"concept must be one of 'spe', .* got \['spe'\] \(list\)"),
    ("solve_scenario-concept-case", _call(solve_scenario, SCENARIO, "SPE"),
     InvalidModelError, r"concept must be one of .* got 'SPE' \(str\); did you mean 'spe'"),
    ("solve_scenario-scenario-str", _call(solve_scenario, "default"),
     InvalidModelError, r"scenario must be a Scenario, got 'default' \(str\)"),
    ("compare_concepts-concepts-int", _call(compare_concepts, SCENARIO, 3),
     InvalidModelError, r"concepts must be a sequence of strings, got 3 \(int\)"),
    ("compare_concepts-concepts-str", _call(compare_concepts, SCENARIO, "spe"),
     InvalidModelError, r"concepts must be a sequence of strings, got 'spe'"),
    ("compare_concepts-concepts-empty", _call(compare_concepts, SCENARIO, ()),
     InvalidModelError, r"concepts must name at least one concept"),
    ("compare_concepts-concepts-typo", _call(compare_concepts, SCENARIO, ("spe", "nsh")),
     InvalidModelError, r"concepts must be one of .* got 'nsh'"),
    ("compare_concepts-scenario-none", _call(compare_concepts, None),
     InvalidModelError, r"scenario must be a Scenario, got None"),
    # -- bargaining problems ------------------------------------------------------------
    ("BargainingProblem-points-ragged", _call(BargainingProblem, [[1, 0], [1]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers, got \[\[1, 0\], \[1\]\]"),
    ("is_pareto_optimal-tol-str", _call(PIE.is_pareto_optimal, [0.5, 0.5], tol="x"),
     InvalidArgumentError, r"tol must be a finite number in \[0, 1\), got 'x' \(str\)"),
    ("is_pareto_optimal-tol-nan", _call(PIE.is_pareto_optimal, [0.5, 0.5], tol=NAN),
     InvalidArgumentError, r"tol must be .* got nan"),
    ("is_pareto_optimal-tol-negative", _call(PIE.is_pareto_optimal, [0.5, 0.5], tol=-1),
     InvalidArgumentError, r"tol must be .* got -1 \(int\)"),
    ("lottery_for-tol-none", _call(PIE.lottery_for, [0.5, 0.5], tol=None),
     InvalidArgumentError, r"tol must be .* got None"),
    ("lottery_for-tol-inf", _call(PIE.lottery_for, [0.5, 0.5], tol=INF),
     InvalidArgumentError, r"tol must be .* got inf"),
    ("from_scenario-parties-int", _call(BargainingProblem.from_scenario, SCENARIO, 3),
     InvalidGameError, r"parties must be a sequence of strings, got 3 \(int\)"),
    ("from_scenario-parties-2d",
     _call(BargainingProblem.from_scenario, SCENARIO, np.zeros((2, 2))),
     InvalidGameError, r"parties must be a sequence of strings, got array"),
    # -- bargaining solutions -----------------------------------------------------------
    ("nash_bargaining-points-ragged", _call(nash_bargaining, [[1, 0], [0]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers"),
    ("kalai_smorodinsky-disagreement-str", _call(kalai_smorodinsky, [[1, 0], [0, 1]], "0"),
     InvalidGameError, r"disagreement must be an array of real numbers, got '0'"),
    ("egalitarian-points-ragged", _call(egalitarian, [[1, 0], [0]], [0, 0]),
     InvalidGameError, r"points must be an array of real numbers"),
    ("solve_nash_bargaining-problem-list", _call(solve_nash_bargaining, [[1, 0], [0, 1]]),
     InvalidGameError, r"problem must be a BargainingProblem, got \[\[1, 0\], \[0, 1\]\]"),
    ("solve_kalai_smorodinsky-tol-nan", _call(solve_kalai_smorodinsky, PIE, tol=NAN),
     InvalidGameError, r"tol must be a finite number in \(0, 1\), got nan"),
    ("solve_egalitarian-tol-true", _call(solve_egalitarian, PIE, tol=True),
     InvalidGameError, r"tol must be .* got True \(bool\)"),
    ("solve_rubinstein-proposer-none", _call(solve_rubinstein, PIE, [0.9, 0.8], None),
     InvalidGameError, r"proposer must be a player name or an index in 0\.\.1, got None"),
    ("solve_rubinstein-proposer-typo", _call(solve_rubinstein, PIE, [0.9, 0.8], "player 1"),
     InvalidGameError, r"proposer: unknown player 'player 1'; players are"),
    ("solve_rubinstein-discounts-float", _call(solve_rubinstein, PIE, 0.9),
     InvalidGameError, r"discounts must be two discount factors .* got 0\.9 \(float\)"),
    ("rubinstein_share-delta1-str", _call(rubinstein_share, "0.9", 0.8),
     InvalidGameError, r"delta1 must be a discount factor in \[0, 1\], got '0\.9' \(str\)"),
    ("baron_ferejohn_shares-n-huge", _call(baron_ferejohn_shares, 10**30, 0.9),
     InvalidGameError, r"n must be an integer in \[2, 1000000\], got 1000000000000"),
    ("baron_ferejohn_shares-rule-case", _call(baron_ferejohn_shares, 3, 0.9, "Majority"),
     InvalidGameError, r"rule must be one of .* got 'Majority' .* did you mean 'majority'"),
    ("solve_baron_ferejohn-rule-list", _call(solve_baron_ferejohn, PIE3, 0.9, ["majority"]),
     InvalidGameError, r"rule must be one of .* got \['majority'\] \(list\)"),
    ("solve_baron_ferejohn-max_iterations-float",
     _call(solve_baron_ferejohn, PIE3, 0.9, max_iterations=1.5),
     InvalidGameError, r"max_iterations must be an integer >= 1, got 1\.5"),
    # -- discrete bargaining -------------------------------------------------------------
    ("discrete_bargaining-first-str", _call(discrete_bargaining, ["x", "y"], [1.0, 0.0]),
     InvalidGameError, r"first must be an array of real numbers, got \['x', 'y'\]"),
    ("discrete_bargaining-second-nan", _call(discrete_bargaining, [1.0, 0.0], [NAN, 0.0]),
     InvalidGameError, r"second must hold finite numbers, got \[nan, 0\.0\]"),
    ("discrete_bargaining-first-scalar", _call(discrete_bargaining, 1.0, [1.0, 0.0]),
     InvalidGameError, r"first and second must be utility vectors .* shapes \(\) and \(2,\)"),
    ("discrete_bargaining-tol-str", _call(discrete_bargaining, [1, 0], [1, 0], tol="x"),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got 'x'"),
    ("discrete_bargaining-tol-negative",
     _call(discrete_bargaining, [1, 0], [1, 0], tol=-1.0),
     InvalidGameError, r"tol must be .* got -1\.0"),
    ("discrete_bargaining-rule-array",
     _call(discrete_bargaining, [1, 0], [1, 0], rule=np.array(["nash", "x"])),
     InvalidGameError, r"rule must be one of 'nash', 'kalai-smorodinsky', got array"),
    ("discrete_bargaining_kernel-first-list",
     _call(discrete_bargaining_kernel, [[1.0], [0.0]], TABLE),
     InvalidGameError, r"first must be a float array of shape .* got \[\[1\.0\], \[0\.0\]\]"),
    ("discrete_bargaining_kernel-second-shape",
     _call(discrete_bargaining_kernel, TABLE, np.zeros((2, 2))),
     InvalidGameError, r"second must be a float array of shape \(3, 1\)"),
    ("discrete_bargaining_kernel-tol-list",
     _call(discrete_bargaining_kernel, TABLE, TABLE, tol=[1e-12]),
     InvalidGameError, r"tol must be .* got \[1e-12\] \(list\)"),
    # -- subgame perfection ----------------------------------------------------------------
    ("solve_spe-game-str", _call(solve_spe, "tree"),
     InvalidGameError, r"game must be a SequentialGame, got 'tree' \(str\)"),
    ("solve_spe-tie_break-array", _call(solve_spe, ULTIMATUM, tie_break=np.array(["a", "b"])),
     InvalidGameError, r"tie_break must be one of 'first', 'last', got array"),
    ("solve_spe-tol-nan", _call(solve_spe, ULTIMATUM, tol=NAN),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got nan"),
    ("check_spe-game-none", _call(check_spe, None, SPE.strategy),
     InvalidGameError, r"game must be a SequentialGame, got None"),
    ("check_spe-strategy-str", _call(check_spe, ULTIMATUM, ["x"] * ULTIMATUM.n_nodes),
     InvalidGameError, r"strategy needs one integer action index per node \(10\), got \['x'"),
    ("spe_outcomes-game-int", _call(spe_outcomes, 3),
     InvalidGameError, r"game must be a SequentialGame, got 3 \(int\)"),
    ("spe_outcomes-limit-str", _call(spe_outcomes, ULTIMATUM, limit="many"),
     InvalidGameError, r"limit must be an integer >= 1, got 'many' \(str\)"),
    ("spe_outcomes-limit-nan", _call(spe_outcomes, ULTIMATUM, limit=NAN),
     InvalidGameError, r"limit must be an integer >= 1, got nan"),
    ("action_at-node-str", _call(SPE.action_at, "root"),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 'root' \(str\)"),
    ("action_at-node-true", _call(SPE.action_at, True),
     InvalidGameError, r"node must be an integer .* got True \(bool\)"),
    ("action_at-node-out-of-range", _call(SPE.action_at, 10),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 10"),
    # -- proposal game, vectorised ----------------------------------------------------------
    ("proposal_spe-utilities-str", _call(proposal_spe, [["a", "b", "c"]] * 2, **ROLES),
     InvalidGameError, r"utilities must be an array of real numbers"),
    ("proposal_spe-restricted-str", _call(proposal_spe, U, **{**ROLES, "restricted": "no"}),
     InvalidGameError, r"restricted must be 2 booleans \(one per agreement\), got 'no'"),
    ("proposal_spe-proposer-str", _call(proposal_spe, U, **{**ROLES, "proposer": "japan"}),
     InvalidGameError, r"proposer must be an integer in \[0, 1\], got 'japan' \(str\)"),
    ("proposal_spe-responder-float", _call(proposal_spe, U, **{**ROLES, "responder": 1.5}),
     InvalidGameError, r"responder must be an integer in \[0, 1\], got 1\.5"),
    ("proposal_spe-objector-true", _call(proposal_spe, U, **{**ROLES, "objector": True}),
     InvalidGameError, r"objector must be an integer in \[0, 1\], got True"),
    ("proposal_spe-same-roles", _call(proposal_spe, U, **{**ROLES, "responder": 0}),
     InvalidGameError, r"proposer and responder must be different agents, got 0 twice"),
    ("proposal_spe-objection_cost-str",
     _call(proposal_spe, U, **ROLES, objection_cost="free"),
     InvalidGameError, r"objection_cost must be an array of real numbers, got 'free'"),
    ("proposal_spe-objection_blocks-str",
     _call(proposal_spe, U, **ROLES, objection_blocks="no"),
     InvalidGameError, r"objection_blocks must be True or False, got 'no' \(str\)"),
    ("proposal_spe-tol-negative", _call(proposal_spe, U, **ROLES, tol=-1),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got -1"),
    ("proposal_spe-tol-list", _call(proposal_spe, U, **ROLES, tol=[1e-12]),
     InvalidGameError, r"tol must be .* got \[1e-12\] \(list\)"),
    ("spe_kernel-proposer-list",
     _call(spe_kernel, [[1.0]], TABLE, None, np.zeros(2, bool), np.zeros(1),
           objection_blocks=False, tol=1e-12),
     InvalidGameError, r"proposer must be a float array of shape"),
    ("spe_kernel-objection_blocks-none",
     _call(spe_kernel, TABLE, TABLE, None, np.zeros(2, bool), np.zeros(1),
           objection_blocks=None, tol=1e-12),
     InvalidGameError, r"objection_blocks must be True or False, got None"),
    # -- game trees ----------------------------------------------------------------------
    ("Terminal-label-int", _call(Terminal, (1, 2), label=3),
     InvalidGameError, r"label must be a string, got 3 \(int\)"),
    ("Terminal-outcome-list", _call(Terminal, (1, 2), outcome=[1]),
     InvalidGameError, r"outcome must be hashable .* got \[1\] \(list\)"),
    ("Decision-player-none", _call(Decision, None, {"x": LEAF}),
     InvalidGameError, r"player must be a name or an index, got None"),
    ("Decision-player-float", _call(Decision, 1.5, {"x": LEAF}),
     InvalidGameError, r"player must be a name or an index, got 1\.5"),
    ("Decision-moves-none", _call(Decision, "a", None),
     InvalidGameError, r"moves must be a mapping .* got None"),
    ("Decision-label-list", _call(Decision, "a", {"x": LEAF}, ["x"]),
     InvalidGameError, r"label must be a string, got \['x'\]"),
    ("Chance-moves-none", _call(Chance, None),
     InvalidGameError, r"Chance node's moves must be .* got None"),
    ("Chance-moves-ints", _call(Chance, [1, 2]),
     InvalidGameError, r"Chance node's moves must be .* got \[1, 2\]"),
    ("Chance-probability-str", _call(Chance, [("h", "half", LEAF), ("t", 0.5, LEAF)]),
     InvalidGameError, r"chance probabilities must be an array of real numbers"),
    ("SequentialGame-root-none", _call(SequentialGame, None, ["a"]),
     InvalidGameError, r"root must be a Terminal, Decision or Chance node, got None"),
    ("SequentialGame-players-none", _call(SequentialGame, LEAF, None),
     InvalidGameError, r"players must be a sequence of strings, got None"),
    ("SequentialGame-players-str", _call(SequentialGame, LEAF, "ab"),
     InvalidGameError, r"players must be a sequence of strings, got 'ab'"),
    ("node_description-node-str", _call(ULTIMATUM.node_description, "root"),
     InvalidGameError, r"node must be an integer in \[0, 9\], got 'root'"),
    ("node_description-node-negative", _call(ULTIMATUM.node_description, -1),
     InvalidGameError, r"node must be an integer in \[0, 9\], got -1"),
    ("with_payoffs-payoffs-str", _call(ULTIMATUM.with_payoffs, [["a", "b"]] * 6),
     InvalidGameError, r"payoffs must be an array of real numbers"),
    # -- negotiation games -----------------------------------------------------------------
    ("objectionable-scenario-str", _call(objectionable, "default"),
     InvalidModelError, r"scenario must be a Scenario, got 'default'"),
    ("restricts_objector-space-none", _call(restricts_objector, None),
     InvalidModelError, r"space must be an AgreementSpace, got None"),
    ("proposal_game-scenario-dict", _call(proposal_game, {"name": "default"}),
     InvalidModelError, r"scenario must be a Scenario, got \{'name': 'default'\}"),
    ("strategic_game-scenario-none", _call(strategic_game, None),
     InvalidModelError, r"scenario must be a Scenario, got None"),
    ("strategic_game-proposals-int", _call(strategic_game, SCENARIO, proposals=3),
     InvalidModelError, r"proposals must be a sequence of agreement indices .* got 3"),
    ("strategic_game-proposals-str", _call(strategic_game, SCENARIO, proposals="0"),
     InvalidModelError, r"proposals must be a sequence .* got '0'"),
    ("strategic_game-proposals-float", _call(strategic_game, SCENARIO, proposals=[1.5]),
     InvalidModelError, r"proposals must be a sequence .* got \[1\.5\]"),
    # -- dynamics ----------------------------------------------------------------------------
    ("replicator-game-array", _call(replicator_dynamics, np.eye(2)),
     InvalidGameError, r"game must be a NormalFormGame, got array"),
    ("replicator-t_max-str", _call(replicator_dynamics, PD, t_max="5"),
     InvalidProfileError, r"t_max must be a finite number > 0, got '5' \(str\)"),
    ("replicator-t_max-inf", _call(replicator_dynamics, PD, t_max=INF),
     InvalidProfileError, r"t_max must be a finite number > 0, got inf"),
    ("replicator-t_max-tiny", _call(replicator_dynamics, PD, t_max=5e-324),
     InvalidProfileError, r"t_max = 5e-324 is too small for 501 distinct time points"),
    ("replicator-n_points-huge", _call(replicator_dynamics, PD, n_points=10**30),
     InvalidProfileError, r"n_points must be an integer in \[2, 1000000\]"),
    ("replicator-n_points-float", _call(replicator_dynamics, PD, n_points=11.0),
     InvalidProfileError, r"n_points must be an integer .* got 11\.0"),
    ("replicator-rtol-nan", _call(replicator_dynamics, PD, rtol=NAN),
     InvalidProfileError, r"rtol must be a finite number in \[1e-13, 1\), got nan"),
    ("replicator-atol-nan", _call(replicator_dynamics, PD, atol=NAN),
     InvalidProfileError, r"atol must be a finite number >= 0, got nan"),
    ("replicator-atol-negative", _call(replicator_dynamics, PD, atol=-1),
     InvalidProfileError, r"atol must be a finite number >= 0, got -1"),
    ("replicator-rng-str", _call(replicator_dynamics, PD, "random", rng="x"),
     InvalidArgumentError, r"rng must be None, a non-negative integer seed .* got 'x'"),
    ("replicator-rng-float", _call(replicator_dynamics, PD, "random", rng=1.5),
     InvalidArgumentError, r"rng must be .* got 1\.5 \(float\)"),
    ("replicator-rng-bool", _call(replicator_dynamics, PD, "random", rng=True),
     InvalidArgumentError, r"rng must be .* got True \(bool\)"),
    ("replicator-rng-negative", _call(replicator_dynamics, PD, "random", rng=-1),
     InvalidArgumentError, r"rng=-1 \(int\) is not a valid seed"),
    ("replicator-initial-shape", _call(replicator_dynamics, PD, [[1.0]]),
     InvalidProfileError, r"^initial: "),
    ("replicator-max_steps-zero", _call(replicator_dynamics, PD, max_steps=0),
     InvalidProfileError, r"max_steps must be an integer >= 1, got 0"),
    ("fictitious-game-none", _call(fictitious_play, None),
     InvalidGameError, r"game must be a NormalFormGame, got None"),
    ("fictitious-n_periods-true", _call(fictitious_play, PD, True),
     InvalidProfileError, r"n_periods must be an integer in \[1, 10000000\], got True"),
    ("fictitious-n_periods-huge", _call(fictitious_play, PD, 10**30),
     InvalidProfileError, r"n_periods must be an integer in \[1, 10000000\]"),
    ("fictitious-rng-dict", _call(fictitious_play, PD, 5, rng={"seed": 1}),
     InvalidArgumentError, r"rng must be .* got \{'seed': 1\} \(dict\)"),
    ("fictitious-initial-str", _call(fictitious_play, PD, 5, initial="uniform"),
     InvalidProfileError, r"initial must be a profile, 'centroid' or 'random', got 'uniform'"),
    # -- plots ---------------------------------------------------------------------------
    ("utility_possibility-parties-int", _call(plot.utility_possibility, SCENARIO, parties=2),
     InvalidModelError, r"parties must be a sequence of strings, got 2 \(int\)"),
    ("qre_path-game-str", _call(plot.qre_path, kurilsim.qre_path(PD), game="pd"),
     InvalidModelError, r"game must be a NormalFormGame or None, got 'pd' \(str\)"),
    ("islands_map-agreement-str", _call(plot.islands_map, "H+S"),
     InvalidModelError, r"agreement must be an Agreement, STATUS_QUO or None, got 'H\+S'"),
    ("islands_map-ax-str", _call(plot.islands_map, None, ax="left"),
     InvalidModelError, r"ax must be a matplotlib Axes, got 'left' \(str\)"),
    # -- testing helpers -----------------------------------------------------------------------
    ("same_profile-p-none", _call(compare.same_profile, None, ([1.0],)),
     InvalidArgumentError, r"p must be a profile .* got None"),
    ("same_profile-atol-str", _call(compare.same_profile, ([1.0],), ([1.0],), atol="x"),
     InvalidArgumentError, r"atol must be a finite number >= 0, got 'x'"),
    ("seeded_gaussian_bimatrix-m-str", _call(compare.seeded_gaussian_bimatrix, "2", 2, 0),
     InvalidArgumentError, r"m must be an integer in \[1, 10000\], got '2' \(str\)"),
    ("seeded_integer_bimatrix-seed-float", _call(compare.seeded_integer_bimatrix, 2, 2, 0.5),
     InvalidArgumentError, r"seed must be an integer >= 0, got 0\.5"),
    ("check_equilibria_certified-game-str",
     _call(invariants.check_equilibria_certified, "pd", []),
     InvalidArgumentError, r"game must be a NormalFormGame, got 'pd'"),
    ("check_equilibria_certified-tol-none",
     _call(invariants.check_equilibria_certified, PD, [], tol=None),
     InvalidArgumentError, r"tol must be a finite number >= 0, got None"),
    ("check_equilibria_certified-game-none",
     _call(invariants.check_equilibria_certified, None, []),
     InvalidArgumentError, r"game must be a NormalFormGame, got None"),
    ("check_equilibria_certified-result-none",
     _call(invariants.check_equilibria_certified, PD, None),
     InvalidArgumentError, r"result must be a NashResult .* got None"),
    ("check_affine_invariance-scale-zero",
     _call(invariants.check_affine_invariance, kurilsim.solve_nash, PD, scale=0),
     InvalidArgumentError, r"scale must be a finite number > 0, got 0"),
    ("check_affine_invariance-kind-typo",
     _call(invariants.check_affine_invariance, kurilsim.solve_nash, PD, kind="al"),
     InvalidArgumentError, r"kind must be one of 'all', 'one', got 'al'"),
    ("check_relabel_invariance-permutations-bad",
     _call(invariants.check_relabel_invariance, kurilsim.solve_nash, PD, [[0, 0], [1, 0]]),
     InvalidArgumentError, r"permutations: .* is not a permutation of range\(2\)"),
    ("check_spe-game-normal-form", _call(invariants.check_spe, PD, SPE),
     InvalidArgumentError, r"game must be a SequentialGame, got NormalFormGame"),
]


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [pytest.param(call, error, pattern, id=name) for name, call, error, pattern in CASES],
)
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    try:
        with pytest.raises(error) as caught:
            call()
    finally:
        plt.close("all")
    assert isinstance(caught.value, KurilsimError)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(pattern, message), message


def test_plain_argument_errors_are_both_type_and_value_errors() -> None:
    with pytest.raises(TypeError, match="tol"):
        PIE.lottery_for([0.5, 0.5], tol="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tol"):
        PIE.lottery_for([0.5, 0.5], tol=-1.0)


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(InvalidModelError) as caught:
        compare_concepts(SCENARIO, list(range(1000)))  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200


def test_replicator_step_budget_stops_a_runaway_integration() -> None:
    # a long horizon once defection has taken over needs ~0.4 steps per time unit
    with pytest.raises(SolverError, match=r"more than max_steps=50 steps .*raise max_steps="):
        replicator_dynamics(PD, t_max=1e6, max_steps=50)
    path = replicator_dynamics(PD, t_max=20.0, max_steps=10_000)
    assert path.final[0][1] > 0.999


def test_baron_ferejohn_refuses_a_runaway_coalition_count_at_once() -> None:
    # 20 players under majority rule: 20 * C(19, 10) = 1.8 million linear
    # programs per iteration -- hours; before the guard it simply ran
    many = BargainingProblem(np.eye(20), np.zeros(20))
    with pytest.raises(ProblemTooLargeError, match=r"about 1\.85e\+06 linear programs") as caught:
        solve_baron_ferejohn(many, 0.9)
    assert "max_work=" in str(caught.value)
    assert isinstance(caught.value, MemoryError)
    with pytest.raises(InvalidGameError, match=r"max_work must be a finite number > 0, got 'x'"):
        solve_baron_ferejohn(PIE3, 0.9, max_work="x")  # type: ignore[arg-type]
    # the budget is the caller's: three players need 3 * C(2, 1) = 6 programs
    with pytest.raises(ProblemTooLargeError, match="about 6 linear programs"):
        solve_baron_ferejohn(PIE3, 0.9, max_work=5)
    assert solve_baron_ferejohn(PIE3, 0.9, max_work=6).utilities.shape == (3,)


def test_rng_accepts_the_seeds_spec7_allows() -> None:
    seeds: list[Any] = [
        None, 7, np.int64(7), [1, 2], np.random.SeedSequence(7), np.random.default_rng(7),
    ]
    for seed in seeds:
        path = fictitious_play(PD, 3, initial="random", rng=seed)
        assert path.actions is not None
        assert path.actions.shape == (3, 2)


def test_valid_values_near_the_edges_still_work() -> None:
    assert discrete_bargaining([1.0, 0.0], [1.0, 0.0], tol=0.0) == 0
    assert PIE.is_pareto_optimal([0.5, 0.5], tol=0)
    assert baron_ferejohn_shares(np.int64(3), 0.0).tolist() == [1.0, 0.0, 0.0]
    assert solve_spe(ULTIMATUM, tol=0).payoffs.tolist() == [2.0, 0.0]
    assert ULTIMATUM.node_description(np.int64(0)) == "root"
    game = strategic_game(SCENARIO, proposals=np.array([0, 14]))
    assert game.game.shape[0] == 3
    assert SPE.action_at(0) == "offer 0"
    assert compare.same_profile(([1.0],), ([2.0],), atol=10**30)  # was a numpy TypeError


def test_huge_integers_are_named_not_overflow_errors() -> None:
    # float(10**400) raises OverflowError: every check must turn it into the
    # library's error naming the argument
    from kurilsim import (
        InvalidGameError,
        InvalidProfileError,
        NormalFormGame,
        solve_nash,
    )
    from kurilsim.solvers.logit import logit_qre

    game = NormalFormGame([[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
    with pytest.raises(InvalidArgumentError, match="tol must be a number"):
        solve_nash(game, tol=10**400)
    with pytest.raises(InvalidGameError, match="lam must be a finite number"):
        logit_qre(game, 10**400)
    with pytest.raises(InvalidProfileError, match="tol must be a non-negative number"):
        game.is_nash(([1, 0], [1, 0]), tol=10**400)
    # a huge budget means no limit
    assert solve_nash(game, max_work=10**400).equilibria
