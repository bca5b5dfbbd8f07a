"""Shared pytest configuration: hypothesis profiles and the Agg backend."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(params=["compiled", "numpy"])
def markov_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test of the Markov sweep kernel with its compiled loops (if numba
    is installed) and without (kurilsim.solvers._markov_kernel)."""
    from kurilsim.solvers import _markov_kernel as mk

    if request.param == "compiled":
        if mk._compiled() is None:
            pytest.skip("numba is not installed or KURILSIM_DISABLE_NUMBA is set")
    else:
        monkeypatch.setattr(mk, "_compiled", lambda: None)
        monkeypatch.setattr(mk, "_compiled_solve", lambda: None)
    return str(request.param)
