"""The proposal game's vectorised SPE (kurilsim.solvers.proposal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidGameError
from kurilsim.model.agreements import NO_DEAL
from kurilsim.solvers.proposal import proposal_spe, spe_kernel
from tests.bad_arguments import TABLE, Case, call, check_named, params

#: proposer, responder; agreements 0 and 1, then the status quo
U = np.array([[3.0, 1.0, 0.0], [-1.0, 0.5, 0.0]])
NOBODY = {"proposer": 0, "responder": 1, "objector": None}


def test_proposer_gets_its_best_acceptable_agreement() -> None:
    agreement, payoffs = proposal_spe(U, [False, False], **NOBODY)
    assert int(agreement) == 1
    assert payoffs.tolist() == [1.0, 0.5]


def test_no_acceptable_agreement_means_no_deal() -> None:
    u = np.array([[3.0, 1.0, 0.0], [-1.0, -0.5, 0.0]])
    agreement, payoffs = proposal_spe(u, [False, False], **NOBODY)
    assert int(agreement) == NO_DEAL
    assert payoffs.tolist() == [0.0, 0.0]


def test_an_objector_blocks_what_it_dislikes() -> None:
    # a third agent dislikes agreement 1 and may object to it
    u = np.vstack([U, [[0.0, -1.0, 0.0]]])
    roles = {"proposer": 0, "responder": 1, "objector": 2}
    agreement, _ = proposal_spe(u, [False, True], **roles, objection_blocks=True)
    assert int(agreement) == NO_DEAL
    agreement, _ = proposal_spe(u, [False, False], **roles, objection_blocks=True)
    assert int(agreement) == 1


def test_many_points_at_once_match_one_by_one() -> None:
    rng = np.random.default_rng(0)
    u = rng.standard_normal((7, 2, 4))
    agreement, payoffs = proposal_spe(u, [False] * 3, **NOBODY)
    assert agreement.shape == (7,)
    assert payoffs.shape == (7, 2)
    for k in range(7):
        one, pay = proposal_spe(u[k], [False] * 3, **NOBODY)
        assert int(one) == int(agreement[k])
        np.testing.assert_array_equal(pay, payoffs[k])


def test_kernel_layout_and_checks() -> None:
    table = np.ascontiguousarray(np.repeat(U[:, :, None], 3, axis=2))  # 3 points
    rows = spe_kernel(
        table[0], table[1], None, np.zeros(2, dtype=bool), np.zeros(3),
        objection_blocks=False, tol=1e-12,
    )
    assert rows.tolist() == [1, 1, 1]
    with pytest.raises(InvalidGameError, match="responder must be a float array"):
        spe_kernel(
            table[0], table[1][:2], None, np.zeros(2, dtype=bool), np.zeros(3),
            objection_blocks=False, tol=1e-12,
        )


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
ROLES = {"restricted": [False, False], "proposer": 0, "responder": 1, "objector": None}

BAD_ARGUMENTS: list[Case] = [
    ("proposal_spe-utilities-str", call(proposal_spe, [["a", "b", "c"]] * 2, **ROLES),
     InvalidGameError, r"utilities must be an array of real numbers"),
    ("proposal_spe-restricted-str", call(proposal_spe, U, **{**ROLES, "restricted": "no"}),
     InvalidGameError, r"restricted must be 2 booleans \(one per agreement\), got 'no'"),
    ("proposal_spe-proposer-str", call(proposal_spe, U, **{**ROLES, "proposer": "japan"}),
     InvalidGameError, r"proposer must be an integer in \[0, 1\], got 'japan' \(str\)"),
    ("proposal_spe-responder-float", call(proposal_spe, U, **{**ROLES, "responder": 1.5}),
     InvalidGameError, r"responder must be an integer in \[0, 1\], got 1\.5"),
    ("proposal_spe-objector-true", call(proposal_spe, U, **{**ROLES, "objector": True}),
     InvalidGameError, r"objector must be an integer in \[0, 1\], got True"),
    ("proposal_spe-same-roles", call(proposal_spe, U, **{**ROLES, "responder": 0}),
     InvalidGameError, r"proposer and responder must be different agents, got 0 twice"),
    ("proposal_spe-objection_cost-str",
     call(proposal_spe, U, **ROLES, objection_cost="free"),
     InvalidGameError, r"objection_cost must be an array of real numbers, got 'free'"),
    ("proposal_spe-objection_blocks-str",
     call(proposal_spe, U, **ROLES, objection_blocks="no"),
     InvalidGameError, r"objection_blocks must be True or False, got 'no' \(str\)"),
    ("proposal_spe-tol-negative", call(proposal_spe, U, **ROLES, tol=-1),
     InvalidGameError, r"tol must be a finite number in \[0, 1\), got -1"),
    ("proposal_spe-tol-list", call(proposal_spe, U, **ROLES, tol=[1e-12]),
     InvalidGameError, r"tol must be .* got \[1e-12\] \(list\)"),
    ("spe_kernel-proposer-list",
     call(spe_kernel, [[1.0]], TABLE, None, np.zeros(2, bool), np.zeros(1),
           objection_blocks=False, tol=1e-12),
     InvalidGameError, r"proposer must be a float array of shape"),
    ("spe_kernel-objection_blocks-none",
     call(spe_kernel, TABLE, TABLE, None, np.zeros(2, bool), np.zeros(1),
           objection_blocks=None, tol=1e-12),
     InvalidGameError, r"objection_blocks must be True or False, got None"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


# -- the compiled loop (numba, optional) --------------------------------------------
def _random_case(rng: np.random.Generator, trial: int) -> dict[str, Any]:
    """Utility tables with many ties (small integers) or none, an objector that
    varies over the points or not, and every option of :func:`spe_kernel`."""
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 700))
    if trial % 2:
        table = rng.integers(0, 4, size=(3, n + 1, m)).astype(float)
    else:
        table = rng.normal(size=(3, n + 1, m))
    if trial % 3 == 0:  # an objector whose utilities do not vary
        table[2] = table[2][:, :1]
    return {
        "tables": table,
        "restricted": rng.random(n) < 0.5,
        "cost": rng.choice([0.0, 0.5, 1.0, 2.0], size=m),
        "ratified": (rng.random((n, m)) < 0.8) if trial % 4 == 0 else None,
        "tol": 1e-12 if trial % 5 else 0.3,
    }


def _options(case: dict[str, Any]) -> list[tuple[Any, ...]]:
    table = case["tables"]
    return [
        (objector, payer, blocks)
        for objector in (table[2], None)
        for payer in ("proposer", "responder", "objector", "other")
        for blocks in (False, True)
    ]


def test_the_compiled_loop_equals_the_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """With numba, spe_kernel runs one compiled loop; its outcome is the numpy
    passes' at every point (ties, objector, payer, ratification, tolerance)."""
    pytest.importorskip("numba")
    from kurilsim.solvers import proposal

    if proposal._compiled_loops() is None:
        pytest.skip("numba is disabled (KURILSIM_DISABLE_NUMBA)")
    rng = np.random.default_rng(11)
    compared = 0
    for trial in range(60):
        case = _random_case(rng, trial)
        table = case["tables"]
        for objector, payer, blocks in _options(case):
            arguments = (table[0], table[1], objector, case["restricted"], case["cost"])
            options = {"objection_blocks": blocks, "tol": case["tol"], "payer": payer,
                       "ratified": case["ratified"]}
            compiled = spe_kernel(*arguments, **options)
            with monkeypatch.context() as patch:
                patch.setattr(proposal, "_compiled_loops", lambda: None)
                reference = spe_kernel(*arguments, **options)
            np.testing.assert_array_equal(compiled, reference)
            compared += 1
    assert compared == 60 * 16


def test_the_loop_runs_as_plain_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop's source, run by Python (as without numba), gives the numpy
    passes' outcome too (on small tables: it is slow uncompiled)."""
    from kurilsim.solvers import proposal

    rng = np.random.default_rng(12)
    monkeypatch.setattr(proposal, "_LOOP_BLOCK", 7)  # several blocks, a short last one
    plain = (proposal._spe_loop, proposal._constant_loop)
    for trial in range(12):
        case = _random_case(rng, trial)
        case["tables"] = case["tables"][..., :20].copy()
        case["cost"] = case["cost"][:20].copy()
        if case["ratified"] is not None:
            case["ratified"] = case["ratified"][:, :20].copy()
        table = case["tables"]
        for objector, payer, blocks in _options(case):
            arguments = (table[0], table[1], objector, case["restricted"], case["cost"])
            options = {"objection_blocks": blocks, "tol": case["tol"], "payer": payer,
                       "ratified": case["ratified"]}
            with monkeypatch.context() as patch:
                patch.setattr(proposal, "_compiled_loops", lambda: plain)
                looped = spe_kernel(*arguments, **options)
            with monkeypatch.context() as patch:
                patch.setattr(proposal, "_compiled_loops", lambda: None)
                reference = spe_kernel(*arguments, **options)
            np.testing.assert_array_equal(looped, reference)


def test_the_constant_loop_finds_rows_that_vary() -> None:
    from kurilsim.solvers import proposal

    table = np.repeat(np.array([[1.0], [-2.0], [0.0]]), 5, axis=1)
    assert proposal._constant_loop(table)
    table[1, 4] = -0.0 - 2.0 + 1e-15
    assert not proposal._constant_loop(table)
    table[1, 4] = -2.0
    table[2, 0] = -0.0  # equal to 0.0
    assert proposal._constant_loop(table)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.longdouble])
def test_tables_of_other_float_types_take_the_numpy_passes(
    dtype: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled loop compares in float64; a table of another float type is
    solved by the numpy passes in its own type (no numba typing error)."""
    from kurilsim.solvers import proposal

    rng = np.random.default_rng(5)
    case = _random_case(rng, 3)
    table = case["tables"].astype(dtype)
    for objector, payer, blocks in _options(case):
        objector = None if objector is None else objector.astype(dtype)
        arguments = (table[0], table[1], objector, case["restricted"], case["cost"])
        options = {"objection_blocks": blocks, "tol": case["tol"], "payer": payer,
                   "ratified": case["ratified"]}
        got = spe_kernel(*arguments, **options)
        with monkeypatch.context() as patch:
            patch.setattr(proposal, "_compiled_loops", lambda: None)
            want = spe_kernel(*arguments, **options)
        np.testing.assert_array_equal(got, want)
