"""numba as an optional accelerator: the one decorator and the one switch.

The compiled loops of the solvers (Lemke-Howson's path, the pledge game's
selection, the Markov kernel's frontier) are written once in plain Python on
arrays; :func:`jit` compiles such a function with numba when numba can be
imported and returns it unchanged otherwise, so that pure numpy stays correct
without numba.  The environment variable :data:`DISABLE_NUMBA_ENV` keeps every
solver on its numpy path (:func:`numba_disabled`).  Importing this module does
not import numba: only :func:`jit` does, in the (lazily imported) modules of
compiled loops.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

__all__ = ["DISABLE_NUMBA_ENV", "have_numba", "jit", "numba_disabled"]

#: Set this environment variable (to anything but ``""``, ``0``, ``false`` or
#: ``no``) to keep every solver on its pure-numpy path even with numba
#: installed.
DISABLE_NUMBA_ENV: Final = "KURILSIM_DISABLE_NUMBA"

_F = TypeVar("_F", bound=Callable[..., Any])


def numba_disabled() -> bool:
    """Whether :data:`DISABLE_NUMBA_ENV` asks for the numpy paths.

    Examples
    --------
    >>> import os
    >>> os.environ["KURILSIM_DISABLE_NUMBA"] = "no"
    >>> numba_disabled()
    False
    >>> os.environ["KURILSIM_DISABLE_NUMBA"] = "1"
    >>> numba_disabled()
    True
    >>> del os.environ["KURILSIM_DISABLE_NUMBA"]
    """
    setting = os.environ.get(DISABLE_NUMBA_ENV, "").strip().lower()
    return setting not in ("", "0", "false", "no")


def have_numba() -> bool:
    """Whether numba is installed (without importing it).

    Examples
    --------
    >>> isinstance(have_numba(), bool)
    True
    """
    return importlib.util.find_spec("numba") is not None


def jit(function: _F) -> _F:
    """``function`` compiled by numba (``njit(cache=True, nogil=True)``), or
    ``function`` itself when numba cannot be imported.

    Compiled functions are cached on disk beside their module, so ``jit``
    decorates module-level functions of the package's source files (not code
    typed at a prompt).

    Examples
    --------
    The pledge game's selection loop is one of them:

    >>> from kurilsim.solvers import _pbe_kernel
    >>> callable(_pbe_kernel.two_by_two_games)
    True
    """
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - the plain function is used instead
        return function
    return cast(_F, njit(cache=True, nogil=True)(function))
