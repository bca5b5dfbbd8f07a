"""Bargaining solutions: axiomatic (Nash, Kalai-Smorodinsky, egalitarian),
strategic (Rubinstein, Baron-Ferejohn) and over single agreements (discrete)."""

from kurilsim.solvers.bargaining._solutions import (
    BargainingSolution,
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

__all__ = [
    "BargainingSolution",
    "baron_ferejohn_shares",
    "discrete_bargaining",
    "discrete_bargaining_kernel",
    "egalitarian",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein_share",
    "solve_baron_ferejohn",
    "solve_egalitarian",
    "solve_kalai_smorodinsky",
    "solve_nash_bargaining",
    "solve_rubinstein",
]
