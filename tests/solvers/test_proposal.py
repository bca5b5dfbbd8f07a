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
