"""Exceptions and warnings raised by kurilsim.

Every exception subclasses :class:`KurilsimError` *and* the matching builtin, so
``except ValueError`` keeps working for callers that do not know kurilsim.
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "DegenerateGameWarning",
    "InvalidArgumentError",
    "InvalidGameError",
    "InvalidModelError",
    "InvalidProfileError",
    "InvalidScenarioError",
    "KurilsimError",
    "KurilsimWarning",
    "OutputError",
    "PrecisionError",
    "PriorExcludesValueWarning",
    "PriorFallbackWarning",
    "ProblemTooLargeError",
    "ScenarioFileError",
    "SolverError",
    "UnusedOptionWarning",
]


class KurilsimError(Exception):
    """Base class of every error raised by kurilsim."""


class InvalidGameError(KurilsimError, ValueError):
    """A game's payoffs, shape, names or labels are not valid."""


class InvalidProfileError(KurilsimError, ValueError):
    """A strategy profile does not fit a game or is not a probability vector."""


class InvalidModelError(KurilsimError, ValueError):
    """An issue, agreement space, agent, parameter or scenario is not valid."""


class InvalidScenarioError(InvalidModelError):
    """A scenario, or a scenario file's content, is not valid."""


class ScenarioFileError(InvalidScenarioError):
    """A scenario file (TOML) cannot be read: the message names the file and key."""


class InvalidArgumentError(KurilsimError, TypeError, ValueError):
    """A public function got an argument of the wrong type or value.

    The message names the argument, the value received and what was expected.
    It subclasses both :class:`TypeError` and :class:`ValueError`, so callers
    that catch either builtin keep working.
    """


class SolverError(KurilsimError, RuntimeError):
    """A solver could not produce a certified answer (e.g. an iteration limit)."""


class PrecisionError(SolverError):
    """Float64 cannot resolve the payoff differences that decide the answer.

    Raised instead of certifying a profile whose deviation gains fall below
    what double precision can distinguish for the game's payoffs; the
    two-player exact methods (``exact=True``) answer such games in rational
    arithmetic.
    """


class ProblemTooLargeError(MemoryError, KurilsimError):
    """The work or memory a call would commit to exceeds its budget.

    Raised before any large allocation; the message gives the estimate and
    the keyword argument that raises the budget.  ``estimate`` holds the
    estimate as a number where the raiser has one (in the units of that
    budget), else ``None``.
    """

    def __init__(self, *args: object, estimate: float | None = None) -> None:
        super().__init__(*args)
        self.estimate = estimate


class CheckpointError(KurilsimError, RuntimeError):
    """A sweep checkpoint directory belongs to another sweep or is unusable."""


class OutputError(KurilsimError, OSError):
    """An output file cannot be written; the message names the file.

    Any earlier file at that path is left untouched.
    """


class KurilsimWarning(UserWarning):
    """Base class of every warning issued by kurilsim."""


class DegenerateGameWarning(KurilsimWarning, RuntimeWarning):
    """The game is degenerate, so the chosen method may miss equilibria."""


class UnusedOptionWarning(KurilsimWarning):
    """An option was given that the chosen method does not use.

    The option is ignored (SciPy's solvers warn the same way); the message
    names the option, the method and the methods that use it.
    """


class PriorExcludesValueWarning(KurilsimWarning):
    """A prior given to a scenario excludes the parameter's value there.

    The scenario's value is usually the point estimate its prior describes
    the uncertainty around, so a prior that cannot produce it is most often a
    mistake (a typo in a bound, the wrong parameter).  It may also be meant: a
    robustness analysis or a calibration draws from the prior and does not use
    the point value.  Set the value first (:meth:`Scenario.with_params`) to
    silence the warning, or filter it (:mod:`warnings`).
    """


class PriorFallbackWarning(KurilsimWarning):
    """:meth:`Posterior.predictive` drew parameters of a calibrated scenario
    from its prior: the scenario passed differs from the one calibrated
    (another prior or file value)."""
