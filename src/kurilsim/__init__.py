"""kurilsim: game-theoretic simulation of multi-party negotiation.

The flagship, calibrated scenario is the Japan-Russia peace treaty and the
dispute over the four southern Kuril Islands (Northern Territories).  It provides
the negotiation model (islands, agreements, agents, historical scenarios:
:func:`load_scenario`) and the equilibrium engine: n-player normal-form games
and certified Nash equilibria (:func:`solve_nash`).
"""

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from kurilsim import concepts
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
    from kurilsim.sweeps import SweepResult, load_result, sweep

    __version__: str

#: Where each public name lives.  ``import kurilsim`` loads none of these
#: modules (nor numpy's, scipy's or matplotlib's heavier parts): each is
#: imported on first use of one of its names (PEP 562), so that the package
#: imports in a few milliseconds and scripts pay only for what they use.
_LAZY: dict[str, str] = {
    "concepts": "kurilsim.concepts",
    "CONCEPTS": "kurilsim.analysis",
    "ConceptComparison": "kurilsim.analysis",
    "Outcome": "kurilsim.analysis",
    "compare_concepts": "kurilsim.analysis",
    "solve_scenario": "kurilsim.analysis",
    "calibrated_posterior": "kurilsim.calibrated",
    "Posterior": "kurilsim.calibration",
    "calibrate": "kurilsim.calibration",
    "Concept": "kurilsim.concepts",
    "Chance": "kurilsim.games",
    "Decision": "kurilsim.games",
    "ExtensiveFormGame": "kurilsim.games",
    "NormalFormGame": "kurilsim.games",
    "SequentialGame": "kurilsim.games",
    "Terminal": "kurilsim.games",
    "BargainingProblem": "kurilsim.games.bargaining",
    "SignallingGame": "kurilsim.games.signalling",
    "read_efg": "kurilsim.io.efg",
    "write_efg": "kurilsim.io.efg",
    "ISLANDS": "kurilsim.kuril",
    "Island": "kurilsim.kuril",
    "Japan": "kurilsim.kuril",
    "Russia": "kurilsim.kuril",
    "UnitedStates": "kurilsim.kuril",
    "kuril_scenario": "kurilsim.kuril",
    "kuril_space": "kurilsim.kuril",
    "list_scenarios": "kurilsim.kuril",
    "load_scenario": "kurilsim.kuril",
    "NO_DEAL": "kurilsim.model",
    "STATUS_QUO": "kurilsim.model",
    "Agent": "kurilsim.model",
    "Agreement": "kurilsim.model",
    "AgreementSpace": "kurilsim.model",
    "Constraint": "kurilsim.model",
    "Issue": "kurilsim.model",
    "LinearAgent": "kurilsim.model",
    "NegotiationProtocol": "kurilsim.model",
    "ParametricAgent": "kurilsim.model",
    "Prior": "kurilsim.model",
    "Scenario": "kurilsim.model",
    "Term": "kurilsim.model",
    "register_agent_type": "kurilsim.model",
    "register_space_builder": "kurilsim.model",
    "registered_agent_types": "kurilsim.model",
    "registered_space_builders": "kurilsim.model",
    "space_builder": "kurilsim.model",
    "RobustnessReport": "kurilsim.sensitivity",
    "robustness": "kurilsim.sensitivity",
    "Equilibrium": "kurilsim.solvers",
    "NashResult": "kurilsim.solvers",
    "QREPath": "kurilsim.solvers",
    "SPEResult": "kurilsim.solvers",
    "dynamics": "kurilsim.solvers.dynamics",
    "logit_qre": "kurilsim.solvers",
    "qre_path": "kurilsim.solvers",
    "solve_nash": "kurilsim.solvers",
    "solve_spe": "kurilsim.solvers",
    "spe_outcomes": "kurilsim.solvers",
    "BargainingSolution": "kurilsim.solvers.bargaining",
    "DiscreteBargainingResult": "kurilsim.solvers.bargaining",
    "baron_ferejohn_shares": "kurilsim.solvers.bargaining",
    "egalitarian": "kurilsim.solvers.bargaining",
    "kalai_smorodinsky": "kurilsim.solvers.bargaining",
    "nash_bargaining": "kurilsim.solvers.bargaining",
    "rubinstein_share": "kurilsim.solvers.bargaining",
    "solve_baron_ferejohn": "kurilsim.solvers.bargaining",
    "solve_discrete_bargaining": "kurilsim.solvers.bargaining",
    "solve_egalitarian": "kurilsim.solvers.bargaining",
    "solve_kalai_smorodinsky": "kurilsim.solvers.bargaining",
    "solve_nash_bargaining": "kurilsim.solvers.bargaining",
    "solve_rubinstein": "kurilsim.solvers.bargaining",
    "BehaviourEquilibrium": "kurilsim.solvers.extensive",
    "ExtensiveNashResult": "kurilsim.solvers.extensive",
    "solve_pbe": "kurilsim.solvers.pbe",
    "Assessment": "kurilsim.solvers.refinements",
    "check_pbe": "kurilsim.solvers.refinements",
    "check_sequential": "kurilsim.solvers.refinements",
    "two_vs_four_islands": "kurilsim.studies",
    "SweepResult": "kurilsim.sweeps",
    "sweep": "kurilsim.sweeps",
    "load_result": "kurilsim.sweeps",
}

#: Names that are modules themselves rather than attributes of one.
_MODULES = frozenset({"concepts", "dynamics"})


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("kurilsim")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0+unknown"
    elif name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = module if name in _MODULES else getattr(module, name)
    else:
        raise AttributeError(f"module 'kurilsim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
    "load_result",
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
