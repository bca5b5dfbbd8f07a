"""Solvers: pure functions from games to certified results."""

from kurilsim.solvers._logit import QREPath, logit_qre, qre_path
from kurilsim.solvers._results import Equilibrium, NashResult
from kurilsim.solvers.nash import METHODS, solve_nash

__all__ = [
    "METHODS",
    "Equilibrium",
    "NashResult",
    "QREPath",
    "logit_qre",
    "qre_path",
    "solve_nash",
]
