"""Solvers: pure functions from games to certified results."""

from kurilsim.solvers import dynamics
from kurilsim.solvers.logit import QREPath, logit_qre, qre_path
from kurilsim.solvers.nash import METHODS, solve_nash
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
    "Equilibrium",
    "NashResult",
    "PathStep",
    "QREPath",
    "SPEOutcome",
    "SPEResult",
    "SolverResult",
    "check_spe",
    "dynamics",
    "logit_qre",
    "qre_path",
    "solve_nash",
    "solve_spe",
    "spe_outcomes",
]
