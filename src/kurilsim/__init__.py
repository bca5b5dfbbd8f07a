"""kurilsim: game-theoretic simulation of multi-party negotiation.

The flagship, calibrated scenario is the Japan-Russia peace treaty and the
dispute over the four southern Kuril Islands (Northern Territories).  This
release provides the equilibrium engine: n-player normal-form games and
certified Nash equilibria (:func:`solve_nash`).
"""

from importlib.metadata import PackageNotFoundError, version

from kurilsim import dynamics
from kurilsim._errors import (
    DegenerateGameWarning,
    InvalidGameError,
    InvalidProfileError,
    KurilsimError,
    KurilsimWarning,
    SolverError,
)
from kurilsim.games import NormalFormGame
from kurilsim.solvers import (
    Equilibrium,
    NashResult,
    QREPath,
    logit_qre,
    qre_path,
    solve_nash,
)

try:
    __version__ = version("kurilsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DegenerateGameWarning",
    "Equilibrium",
    "InvalidGameError",
    "InvalidProfileError",
    "KurilsimError",
    "KurilsimWarning",
    "NashResult",
    "NormalFormGame",
    "QREPath",
    "SolverError",
    "__version__",
    "dynamics",
    "logit_qre",
    "qre_path",
    "solve_nash",
]
