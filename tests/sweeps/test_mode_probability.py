"""``mode_probability``: a lottery is never reported as one agreement with
probability 1 (issue 19, part 1)."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import kurilsim
from kurilsim import SolverError, concepts
from kurilsim.concepts import Concept, Outcome
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps import sweep
from kurilsim.sweeps.evaluate import evaluate_chunk

#: The calibrated default scenario: lotteries between two deals at these points.
DEFAULT = kurilsim.kuril_scenario()
GRID = {"russia.pledge_credibility": [0.2, 0.6], "japan.treaty_value": [0.2, 0.8]}
LOTTERY = sorted(c.name for c in concepts.registered() if c.lottery and c.kernel)
PLAIN = sorted(c.name for c in concepts.registered() if not c.lottery and c.kernel)


def mode_of(outcome: Outcome) -> float:
    """The probability of what a sweep reports at the point of ``outcome``."""
    if outcome.agreement is None or outcome.probability == 0:
        return 1.0 - outcome.probability
    return max(p for k, p in outcome.distribution.items() if k != NO_DEAL)


@pytest.mark.parametrize("name", LOTTERY)
def test_fast_path_equals_the_per_point_path_for_lottery_concepts(name: str) -> None:
    fast = sweep(DEFAULT, GRID, concept=name, progress=False)
    slow = sweep(DEFAULT, GRID, concept=name, progress=False, fast=False)
    np.testing.assert_array_equal(fast.agreement, slow.agreement)
    np.testing.assert_allclose(fast.mode_probability, slow.mode_probability,
                               rtol=0, atol=1e-7)
    assert fast.mode_probability.shape == fast.probability.shape
    # the reported outcome is at least as likely as no deal, at most P(deal)
    deal = fast.agreement != NO_DEAL
    assert np.all(fast.mode_probability[deal] <= fast.probability[deal] + 1e-9)
    assert np.all(fast.mode_probability[deal] >= 1 - fast.probability[deal] - 1e-9)
    np.testing.assert_allclose(fast.mode_probability[~deal],
                               1 - fast.probability[~deal], atol=1e-12)


@pytest.mark.parametrize("name", ["nash-bargaining", "kalai-smorodinsky", "rubinstein"])
def test_each_point_is_the_solved_outcomes_mode(name: str) -> None:
    result = sweep(DEFAULT, GRID, concept=name, progress=False)
    for i, pledge in enumerate(GRID["russia.pledge_credibility"]):
        for j, treaty in enumerate(GRID["japan.treaty_value"]):
            outcome = kurilsim.solve_scenario(DEFAULT.with_params(
                {"russia.pledge_credibility": pledge, "japan.treaty_value": treaty}), name)
            assert result.mode_probability[i, j] == pytest.approx(mode_of(outcome),
                                                                 abs=1e-9)


def test_a_lottery_between_two_deals_is_not_reported_as_certain() -> None:
    """At the issue's parameter values nash-bargaining of the default scenario
    is a lottery between two deals (53/47 with today's calibration): P(deal) is
    1, the reported agreement's own probability is not."""
    point = {"russia.pledge_credibility": [0.2], "japan.treaty_value": [0.2]}
    result = sweep(DEFAULT, point, concept="nash-bargaining", progress=False)
    outcome = kurilsim.solve_scenario(DEFAULT.with_params(
        {"russia.pledge_credibility": 0.2, "japan.treaty_value": 0.2}), "nash-bargaining")
    deals = sorted((p for k, p in outcome.distribution.items() if k != NO_DEAL),
                   reverse=True)
    assert len(deals) >= 2  # a genuine lottery
    assert result.probability.item() == pytest.approx(1.0)
    assert result.mode_probability.item() == pytest.approx(deals[0], abs=1e-9)
    assert 0.5 <= result.mode_probability.item() < 0.99


def test_the_issues_example_point_at_2018_singapore() -> None:
    """The issue's point (2018-singapore, pledge credibility 0.2, Japan's
    treaty value 0.2): the sweep's mode probability is the solved outcome's."""
    scenario = kurilsim.load_scenario("2018-singapore")
    values = {"russia.pledge_credibility": 0.2, "japan.treaty_value": 0.2}
    result = sweep(scenario, {k: [v] for k, v in values.items()},
                   concept="nash-bargaining", progress=False)
    outcome = kurilsim.solve_scenario(scenario.with_params(values), "nash-bargaining")
    assert result.mode_probability.item() == pytest.approx(mode_of(outcome), abs=1e-9)


@pytest.mark.parametrize("name", PLAIN)
def test_concepts_that_are_not_lotteries_give_one(name: str) -> None:
    for fast in (True, False):
        result = sweep(DEFAULT, GRID, concept=name, progress=False, fast=fast)
        np.testing.assert_array_equal(result.mode_probability, 1.0)


@pytest.mark.parametrize("name", ["spe", "nash-bargaining"])
def test_an_error_point_has_nan(name: str) -> None:
    # utilities that overflow at some points: errors there
    grid = {"japan.territory_value": [1.0, 1.7e308], "japan.treaty_value": [0.2, 1.7e308]}
    result = sweep(kurilsim.load_scenario("2018-singapore"), grid, concept=name,
                   progress=False)
    failed = np.zeros(result.size, dtype=bool)
    failed[list(result.errors)] = True
    assert failed.any()
    assert not failed.all()
    mode = result.mode_probability.reshape(-1)
    assert np.isnan(mode[failed]).all()
    assert ((mode[~failed] >= 0.5) & (mode[~failed] <= 1.0)).all()


def test_the_csv_has_the_column_next_to_probability(tmp_path: Path) -> None:
    result = sweep(DEFAULT, GRID, concept="nash-bargaining", progress=False)
    path = result.to_csv(tmp_path / "sweep.csv")
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    rows = list(csv.reader(lines))
    header = rows[0]
    assert header.index("mode_probability") == header.index("probability") + 1
    column = [float(row[header.index("mode_probability")]) for row in rows[1:]]
    assert column == result.mode_probability.reshape(-1).tolist()  # exact repr


def test_pandas_xarray_sel_and_blocks_carry_it() -> None:
    result = sweep(DEFAULT, GRID, concept="nash-bargaining", progress=False)
    flat = result.mode_probability.reshape(-1)
    blocks = list(result.iter_columns(3))
    np.testing.assert_array_equal(
        np.concatenate([b["mode_probability"] for b in blocks]), flat)
    assert result.columns()["mode_probability"].tolist() == flat.tolist()
    chosen = result.sel({"japan.treaty_value": 0.2})
    np.testing.assert_array_equal(chosen.mode_probability, result.mode_probability[:, 0])
    pytest.importorskip("pandas")
    assert result.to_pandas()["mode_probability"].to_numpy().tolist() == flat.tolist()
    pytest.importorskip("xarray")
    data = result.to_xarray()
    np.testing.assert_array_equal(data["mode_probability"].values, result.mode_probability)


def test_a_store_backed_result_reads_it_back(tmp_path: Path) -> None:
    memory = sweep(DEFAULT, GRID, concept="nash-bargaining", progress=False, chunk_size=3)
    stored = sweep(DEFAULT, GRID, concept="nash-bargaining", progress=False, chunk_size=3,
                   checkpoint=tmp_path / "store", in_memory=False)
    assert stored.mode_probability.tobytes() == memory.mode_probability.tobytes()
    loaded = kurilsim.load_result(tmp_path / "store")
    assert loaded.mode_probability.tobytes() == memory.mode_probability.tobytes()


# -- user kernels -----------------------------------------------------------------------
def _two_deal_lottery(scenario: Scenario, **options: Any) -> Outcome:
    return Outcome.from_distribution(scenario, "test-lottery", {0: 0.57, 1: 0.43},
                                     certificate=0.0, tol=0.0)


def _triple(
    scenario: Scenario, utilities: NDArray[np.float64], settings: Mapping[str, Any]
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    m = utilities.shape[-1]
    expected = 0.57 * utilities[:, 0, :].T + 0.43 * utilities[:, 1, :].T
    return np.zeros(m, dtype=np.intp), np.ones(m), expected


@pytest.fixture
def user_concept() -> Iterator[Concept]:
    concept = concepts.register(Concept(
        name="test-lottery", title="test", description="a fixed 57/43 lottery",
        solve=_two_deal_lottery, kernel=_triple, lottery=True,
    ))
    try:
        yield concept
    finally:
        concepts.unregister("test-lottery")


def test_a_user_kernels_triple_leaves_a_deals_share_unknown(user_concept: Concept) -> None:
    names = ["russia.security_weight"]
    values = [np.array([0.5, 1.0])]
    fast = evaluate_chunk(DEFAULT, user_concept, names, values, True)
    slow = evaluate_chunk(DEFAULT, user_concept, names, values, False)
    assert np.isnan(fast.mode_probability).all()  # a triple does not say
    np.testing.assert_allclose(slow.mode_probability, 0.57)


def test_a_kernel_answer_of_the_wrong_length_is_refused(user_concept: Concept) -> None:
    def five(scenario: Scenario, utilities: NDArray[np.float64],
             settings: Mapping[str, Any]) -> tuple[Any, ...]:
        return (*_triple(scenario, utilities, settings), np.ones(1), np.ones(1))

    concept = concepts.register(Concept(
        name="test-lottery", title="test", description="five arrays",
        solve=_two_deal_lottery, kernel=five, lottery=True,
    ), replace=True)
    with pytest.raises(SolverError, match="mode's"):
        evaluate_chunk(DEFAULT, concept, ["russia.security_weight"], [np.array([1.0])],
                       True)
