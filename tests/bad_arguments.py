"""Shared helpers for the bad-argument tables of the mirrored test files.

Each test file ``tests/<package>/test_<module>.py`` keeps a module-level
``BAD_ARGUMENTS`` table of the bad arguments to that module's public
functions: ``(id, call, error class, regex the one-line message must match)``,
and one test::

    @pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
    def test_bad_argument_is_named(call, error, pattern):
        check_named(call, error, pattern)

Each case was found by trying the odd values a careless caller would pass
(wrong types, NaN, infinities, huge or negative numbers, typos, arrays of the
wrong shape) and, before the fix, raised a raw ``TypeError``,
``AttributeError``, ``IndexError`` or numpy error, returned a silently wrong
answer, ran for minutes, or said neither which argument nor which value was
wrong.  The message must name the argument and show the value.

This is a helper module, not a test file; it also holds the few fixtures
that the tables of several files use.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import kurilsim
from kurilsim import KurilsimError, NormalFormGame
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.games.sequential import Decision, SequentialGame, Terminal
from kurilsim.solvers.spe import solve_spe

#: One bad-argument case: (id, call, error class, regex for the message).
Case = tuple[str, Callable[[], Any], type[Exception], str]

NAN = float("nan")
INF = float("inf")

#: Two players dividing a pie: the bargaining problem of the simplex.
PIE2 = BargainingProblem([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
SCENARIO = kurilsim.kuril_scenario(name="default")
#: The prisoner's dilemma.
PD = NormalFormGame([np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]])])
#: Discrete kernels' utility table: 2 agreements and the status quo, 1 point.
TABLE = np.array([[3.0], [2.0], [0.0]])


def _respond(offer: int) -> Decision:
    return Decision(
        "responder",
        {
            "accept": Terminal((2 - offer, offer), outcome=offer),
            "reject": Terminal((0, 0), outcome="no deal"),
        },
    )


#: The ultimatum game over a pie of 2 (10 nodes) and its SPE.
ULTIMATUM = SequentialGame(
    Decision("proposer", {f"offer {k}": _respond(k) for k in range(3)}),
    players=["proposer", "responder"],
)
SPE = solve_spe(ULTIMATUM)


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """The call ``function(*args, **kwargs)``, deferred."""
    return lambda: function(*args, **kwargs)


def params(cases: Sequence[Case]) -> list[Any]:
    """The cases as ``pytest.param(call, error, pattern, id=id)``."""
    return [pytest.param(thunk, error, pattern, id=name) for name, thunk, error, pattern in cases]


def check_named(call: Callable[[], Any], error: type[Exception], pattern: str) -> None:
    """``call()`` raises ``error``, a kurilsim error whose one-line message matches."""
    try:
        with pytest.raises(error) as caught:
            call()
    finally:
        if "matplotlib.pyplot" in sys.modules:  # a plot call may have left a figure
            sys.modules["matplotlib.pyplot"].close("all")
    assert isinstance(caught.value, KurilsimError)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(pattern, message), message
