"""Solvers: pure functions from games to certified results."""

from kurilsim.solvers import dynamics
from kurilsim.solvers.extensive import BehaviourEquilibrium, ExtensiveNashResult
from kurilsim.solvers.logit import QREPath, logit_qre, qre_path
from kurilsim.solvers.nash import METHODS, solve_nash
from kurilsim.solvers.pbe import (
    PBE,
    PBEResult,
    intuitive_criterion,
    pure_pbe,
    select_pbe,
    solve_pbe,
)
from kurilsim.solvers.refinements import (
    Assessment,
    RefinementResult,
    check_pbe,
    check_sequential,
)
from kurilsim.solvers.results import Equilibrium, NashResult, SolverResult
from kurilsim.solvers.spe import (
    PathStep,
    SPEOutcome,
    SPEResult,
    check_spe,
    solve_spe,
    spe_outcomes,
)

__all__ = [
    "METHODS",
    "PBE",
    "Assessment",
    "BehaviourEquilibrium",
    "Equilibrium",
    "ExtensiveNashResult",
    "NashResult",
    "PBEResult",
    "PathStep",
    "QREPath",
    "RefinementResult",
    "SPEOutcome",
    "SPEResult",
    "SolverResult",
    "check_pbe",
    "check_sequential",
    "check_spe",
    "dynamics",
    "intuitive_criterion",
    "logit_qre",
    "pure_pbe",
    "qre_path",
    "select_pbe",
    "solve_nash",
    "solve_pbe",
    "solve_spe",
    "spe_outcomes",
]
