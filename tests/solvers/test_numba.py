"""The optional numba accelerator's one switch and decorator (kurilsim.solvers._numba)."""

from __future__ import annotations

import pytest

from kurilsim.solvers._numba import DISABLE_NUMBA_ENV, have_numba, jit, numba_disabled


@pytest.mark.parametrize(
    ("setting", "disabled"),
    [("", False), ("0", False), ("false", False), ("No", False), (" 1 ", True),
     ("yes", True), ("anything", True)],
)
def test_the_switch_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, setting: str, disabled: bool
) -> None:
    monkeypatch.setenv(DISABLE_NUMBA_ENV, setting)
    assert numba_disabled() is disabled


def test_an_unset_switch_leaves_numba_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_NUMBA_ENV, raising=False)
    assert numba_disabled() is False


def test_jit_compiles_with_numba_and_keeps_the_function_without() -> None:
    def add(a: float, b: float) -> float:
        return a + b

    compiled = jit(add)
    assert compiled(2.0, 3.5) == 5.5
    # with numba the result is a compiled dispatcher, without it the function
    assert (compiled is add) is (not have_numba())
