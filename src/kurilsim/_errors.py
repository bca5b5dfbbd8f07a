"""Exceptions and warnings raised by kurilsim.

Every exception subclasses :class:`KurilsimError` *and* the matching builtin, so
``except ValueError`` keeps working for callers that do not know kurilsim.
"""

from __future__ import annotations

__all__ = [
    "DegenerateGameWarning",
    "InvalidGameError",
    "InvalidModelError",
    "InvalidProfileError",
    "KurilsimError",
    "KurilsimWarning",
    "ScenarioFileError",
    "SolverError",
]


class KurilsimError(Exception):
    """Base class of every error raised by kurilsim."""


class InvalidGameError(KurilsimError, ValueError):
    """A game's payoffs, shape, names or labels are not valid."""


class InvalidProfileError(KurilsimError, ValueError):
    """A strategy profile does not fit a game or is not a probability vector."""


class InvalidModelError(KurilsimError, ValueError):
    """An issue, agreement space, agent, parameter or scenario is not valid."""


class ScenarioFileError(InvalidModelError):
    """A scenario file (TOML) cannot be read: the message names the file and key."""


class SolverError(KurilsimError, RuntimeError):
    """A solver could not produce a certified answer (e.g. an iteration limit)."""


class KurilsimWarning(UserWarning):
    """Base class of every warning issued by kurilsim."""


class DegenerateGameWarning(KurilsimWarning, RuntimeWarning):
    """The game is degenerate, so the chosen method may miss equilibria."""
