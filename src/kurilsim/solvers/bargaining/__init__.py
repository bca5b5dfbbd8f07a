"""Bargaining solutions: axiomatic (Nash, Kalai-Smorodinsky, egalitarian),
strategic (Rubinstein, Baron-Ferejohn) and over single agreements (discrete).

One module per algorithm: :mod:`~kurilsim.solvers.bargaining.nash`,
:mod:`~kurilsim.solvers.bargaining.kalai_smorodinsky`,
:mod:`~kurilsim.solvers.bargaining.egalitarian`,
:mod:`~kurilsim.solvers.bargaining.rubinstein`,
:mod:`~kurilsim.solvers.bargaining.baron_ferejohn` and
:mod:`~kurilsim.solvers.bargaining.discrete`; every solver over lotteries
returns a :class:`~kurilsim.solvers.bargaining.solution.BargainingSolution`.
The public names are re-exported here.  As in QuantEcon, the functions
:func:`egalitarian` and :func:`kalai_smorodinsky` share their module's name,
so the package attributes ``kurilsim.solvers.bargaining.egalitarian`` and
``.kalai_smorodinsky`` are the functions; reach the modules with
``from kurilsim.solvers.bargaining.egalitarian import solve_egalitarian``.
"""

from kurilsim.solvers.bargaining.baron_ferejohn import (
    baron_ferejohn_shares,
    solve_baron_ferejohn,
)
from kurilsim.solvers.bargaining.discrete import (
    DiscreteBargainingResult,
    discrete_bargaining,
    discrete_bargaining_certificate,
    discrete_bargaining_kernel,
    solve_discrete_bargaining,
)
from kurilsim.solvers.bargaining.egalitarian import egalitarian, solve_egalitarian
from kurilsim.solvers.bargaining.kalai_smorodinsky import (
    kalai_smorodinsky,
    solve_kalai_smorodinsky,
)
from kurilsim.solvers.bargaining.nash import nash_bargaining, solve_nash_bargaining
from kurilsim.solvers.bargaining.rubinstein import rubinstein_share, solve_rubinstein
from kurilsim.solvers.bargaining.solution import BargainingSolution

__all__ = [
    "BargainingSolution",
    "DiscreteBargainingResult",
    "baron_ferejohn_shares",
    "discrete_bargaining",
    "discrete_bargaining_certificate",
    "discrete_bargaining_kernel",
    "egalitarian",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein_share",
    "solve_baron_ferejohn",
    "solve_discrete_bargaining",
    "solve_egalitarian",
    "solve_kalai_smorodinsky",
    "solve_nash_bargaining",
    "solve_rubinstein",
]
