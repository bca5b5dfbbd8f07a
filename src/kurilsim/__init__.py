"""kurilsim: game-theoretic simulation of multi-party negotiation.

The flagship, calibrated scenario is the Japan-Russia peace treaty and the
dispute over the four southern Kuril Islands (Northern Territories).  It provides
the negotiation model (islands, agreements, agents, historical scenarios:
:func:`load_scenario`) and the equilibrium engine: n-player normal-form games
and certified Nash equilibria (:func:`solve_nash`).
"""

from importlib.metadata import PackageNotFoundError, version

from kurilsim import concepts
from kurilsim._errors import (
    CheckpointError,
    DegenerateGameWarning,
    InvalidArgumentError,
    InvalidGameError,
    InvalidModelError,
    InvalidProfileError,
    InvalidScenarioError,
    KurilsimError,
    KurilsimWarning,
    OutputError,
    PrecisionError,
    PriorExcludesValueWarning,
    PriorFallbackWarning,
    ProblemTooLargeError,
    ScenarioFileError,
    SolverError,
    UnusedOptionWarning,
)
from kurilsim.analysis import (
    CONCEPTS,
    ConceptComparison,
    Outcome,
    compare_concepts,
    solve_scenario,
)
from kurilsim.calibrated import calibrated_posterior
from kurilsim.calibration import Posterior, calibrate
from kurilsim.concepts import Concept
from kurilsim.games import (
    Chance,
    Decision,
    ExtensiveFormGame,
    NormalFormGame,
    SequentialGame,
    Terminal,
)
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.games.signalling import SignallingGame
from kurilsim.io.efg import read_efg, write_efg
from kurilsim.kuril import (
    ISLANDS,
    Island,
    Japan,
    Russia,
    UnitedStates,
    kuril_scenario,
    kuril_space,
    list_scenarios,
    load_scenario,
)
from kurilsim.model import (
    NO_DEAL,
    STATUS_QUO,
    Agent,
    Agreement,
    AgreementSpace,
    Constraint,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    ParametricAgent,
    Prior,
    Scenario,
    Term,
    register_agent_type,
    register_space_builder,
    registered_agent_types,
    registered_space_builders,
    space_builder,
)
from kurilsim.sensitivity import RobustnessReport, robustness
from kurilsim.solvers import (
    Equilibrium,
    NashResult,
    QREPath,
    SPEResult,
    dynamics,
    logit_qre,
    qre_path,
    solve_nash,
    solve_spe,
    spe_outcomes,
)
from kurilsim.solvers.bargaining import (
    BargainingSolution,
    DiscreteBargainingResult,
    baron_ferejohn_shares,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_share,
    solve_baron_ferejohn,
    solve_discrete_bargaining,
    solve_egalitarian,
    solve_kalai_smorodinsky,
    solve_nash_bargaining,
    solve_rubinstein,
)
from kurilsim.solvers.extensive import BehaviourEquilibrium, ExtensiveNashResult
from kurilsim.solvers.pbe import solve_pbe
from kurilsim.solvers.refinements import Assessment, check_pbe, check_sequential
from kurilsim.studies import two_vs_four_islands
from kurilsim.sweeps import SweepResult, sweep

try:
    __version__ = version("kurilsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CONCEPTS",
    "ISLANDS",
    "NO_DEAL",
    "STATUS_QUO",
    "Agent",
    "Agreement",
    "AgreementSpace",
    "Assessment",
    "BargainingProblem",
    "BargainingSolution",
    "BehaviourEquilibrium",
    "Chance",
    "CheckpointError",
    "Concept",
    "ConceptComparison",
    "Constraint",
    "Decision",
    "DegenerateGameWarning",
    "DiscreteBargainingResult",
    "Equilibrium",
    "ExtensiveFormGame",
    "ExtensiveNashResult",
    "InvalidArgumentError",
    "InvalidGameError",
    "InvalidModelError",
    "InvalidProfileError",
    "InvalidScenarioError",
    "Island",
    "Issue",
    "Japan",
    "KurilsimError",
    "KurilsimWarning",
    "LinearAgent",
    "NashResult",
    "NegotiationProtocol",
    "NormalFormGame",
    "Outcome",
    "OutputError",
    "ParametricAgent",
    "Posterior",
    "PrecisionError",
    "Prior",
    "PriorExcludesValueWarning",
    "PriorFallbackWarning",
    "ProblemTooLargeError",
    "QREPath",
    "RobustnessReport",
    "Russia",
    "SPEResult",
    "Scenario",
    "ScenarioFileError",
    "SequentialGame",
    "SignallingGame",
    "SolverError",
    "SweepResult",
    "Term",
    "Terminal",
    "UnitedStates",
    "UnusedOptionWarning",
    "__version__",
    "baron_ferejohn_shares",
    "calibrate",
    "calibrated_posterior",
    "check_pbe",
    "check_sequential",
    "compare_concepts",
    "concepts",
    "dynamics",
    "egalitarian",
    "kalai_smorodinsky",
    "kuril_scenario",
    "kuril_space",
    "list_scenarios",
    "load_scenario",
    "logit_qre",
    "nash_bargaining",
    "qre_path",
    "read_efg",
    "register_agent_type",
    "register_space_builder",
    "registered_agent_types",
    "registered_space_builders",
    "robustness",
    "rubinstein_share",
    "solve_baron_ferejohn",
    "solve_discrete_bargaining",
    "solve_egalitarian",
    "solve_kalai_smorodinsky",
    "solve_nash",
    "solve_nash_bargaining",
    "solve_pbe",
    "solve_rubinstein",
    "solve_scenario",
    "solve_spe",
    "space_builder",
    "spe_outcomes",
    "sweep",
    "two_vs_four_islands",
    "write_efg",
]
