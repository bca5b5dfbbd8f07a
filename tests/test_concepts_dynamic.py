"""The "dynamic" concept: the negotiation over time in the concept registry.

Checked: every bundled scenario solves in its own regime of the historical
chain, certified; the outcome is the history module's result started in that
regime (an independent path, through :mod:`kurilsim.kuril.history`); the
scenario takes its regime's place and its veto holds in every regime; the
one-state game of a generic two-party scenario reproduces the closed-form
stationary split of Rubinstein's game with random proposers, converges to the
continuous one as the grid of splits gets fine, and to the Nash bargaining
solution as the parties get patient; bad options raise named errors; sweeps,
``compare_concepts`` and the command line include the concept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.optimize import fsolve

import kurilsim
from kurilsim import (
    NO_DEAL,
    AgreementSpace,
    ConceptComparison,
    InvalidArgumentError,
    InvalidGameError,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Outcome,
    Scenario,
    UnusedOptionWarning,
    compare_concepts,
    concepts,
    load_scenario,
    solve_scenario,
    sweep,
)
from kurilsim.cli import main
from kurilsim.kuril.history import REGIMES, KurilDynamicResult, kuril_dynamic
from kurilsim.solvers.markov import MarkovBargainingResult
from kurilsim.solvers.results import SolverResult

REGIME_OF = {regime.scenario: regime.name for regime in REGIMES}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Outcome]:
    """The concept's outcome on each bundled scenario (solved once)."""
    return {
        name: solve_scenario(load_scenario(name), "dynamic")
        for name in kurilsim.list_scenarios()
    }


def lottery(outcome: Outcome, size: int) -> NDArray[np.float64]:
    """The outcome's distribution as an array over the agreements, none last."""
    array = np.zeros(size + 1)
    for index, p in outcome.distribution.items():
        array[index] += p
    return array


def pie(
    k: int,
    *,
    deltas: tuple[float, float] = (0.9, 0.8),
    status_quo: tuple[float, float] = (0.0, 0.0),
    curve: Callable[[NDArray[np.float64]], NDArray[np.float64]] = lambda x: x,
    **protocol: Any,
) -> Scenario:
    """A pie split on a grid of ``k + 1`` shares: ``a`` gets its share ``x``,
    ``b`` gets ``curve(1 - x)``; a third agent ``c`` values twice ``a``'s share."""
    shares = np.linspace(0.0, 1.0, k + 1)
    split = Issue(
        name="split",
        options=tuple(f"s{i}" for i in range(k + 1)),
        features={"first": tuple(shares), "second": tuple(curve(1.0 - shares))},
    )
    agents = (
        LinearAgent(name="a", weights={"split.first": 1.0}, status_quo=status_quo[0]),
        LinearAgent(name="b", weights={"split.second": 1.0}, status_quo=status_quo[1]),
        LinearAgent(name="c", weights={"split.first": 2.0}),
    )
    return Scenario(
        name="pie",
        space=AgreementSpace([split]),
        agents=agents,
        protocol=NegotiationProtocol(
            proposer="a", responder="b", discount={"a": deltas[0], "b": deltas[1]},
            **protocol,
        ),
    )


# -- the calibrated case: the chain of regimes -----------------------------------------
@pytest.mark.parametrize("name", list(REGIME_OF))
def test_every_bundled_scenario_solves_in_its_regime_certified(
    name: str, bundled: dict[str, Outcome]
) -> None:
    scenario = load_scenario(name)
    outcome = bundled[name]
    evidence = outcome.evidence
    assert isinstance(evidence, KurilDynamicResult)
    assert isinstance(evidence, SolverResult)
    assert outcome.concept == "dynamic"
    assert evidence.start_regime == REGIME_OF[name]
    assert 0.0 <= outcome.certificate == evidence.solution.certificate <= outcome.tol
    # the lottery of the first agreement, none ever last
    first = lottery(outcome, len(scenario.space))
    np.testing.assert_allclose(first, evidence.first_agreement, atol=1e-12)
    assert outcome.probability == pytest.approx(1.0 - evidence.first_agreement[-1])
    banned = scenario.protocol.vetoed_agreements(scenario.space)
    assert not any(banned[k] for k in outcome.distribution if k != NO_DEAL)
    # the parties' equilibrium values at the start; the objector's expectation
    names = scenario.agent_names
    state = evidence.solution.game.state_index(evidence.start_regime)
    for row, party in enumerate(("japan", "russia")):
        value = evidence.solution.values[row, state]
        assert outcome.utilities[names.index(party)] == pytest.approx(value, abs=1e-12)
    objector = names.index("united_states")
    expected = scenario.outcome_utilities()[objector] @ first
    assert outcome.utilities[objector] == pytest.approx(expected, abs=1e-12)


def test_the_evidence_follows_the_result_contract(bundled: dict[str, Outcome]) -> None:
    evidence = bundled["2001-irkutsk"].evidence
    assert isinstance(evidence, KurilDynamicResult)
    assert evidence.tol == evidence.solution.tol
    assert evidence.method == evidence.solution.method
    assert evidence.message.startswith("from 2001 (2000s), expected years")
    assert evidence.message.endswith(evidence.solution.message)
    # P(agreement by year T) is read off the evidence
    assert evidence.years == (2024, 2030)
    assert np.all(np.diff(evidence.treaty_probability) >= 0)


def test_1993_tokyo_is_the_history_module_started_in_its_regime(
    bundled: dict[str, Outcome],
) -> None:
    outcome = bundled["1993-tokyo"]
    history = kuril_dynamic(1993)  # the 1990s, the bundled scenarios
    assert history.start_regime == "1990s"
    np.testing.assert_allclose(
        lottery(outcome, len(history.labels)), history.first_agreement, atol=1e-12
    )
    assert outcome.deal != "no deal"
    names = load_scenario("1993-tokyo").agent_names
    state = history.solution.game.state_index("1990s")
    np.testing.assert_allclose(
        [outcome.utilities[names.index(p)] for p in ("japan", "russia")],
        history.solution.values[:, state],
        atol=1e-12,
    )
    assert isinstance(outcome.evidence, KurilDynamicResult)
    np.testing.assert_allclose(
        outcome.evidence.solution.values, history.solution.values, atol=1e-12
    )


@pytest.mark.parametrize(("name", "year"), [("2020-constitution", 2014),
                                            ("2022-suspension", 2022)])
def test_a_bundled_veto_already_holds_wherever_its_regime_leads(
    name: str, year: int, bundled: dict[str, Outcome]
) -> None:
    history = kuril_dynamic(year)  # without the veto imposed on the other regimes
    size = len(history.labels)
    np.testing.assert_allclose(
        lottery(bundled[name], size), history.first_agreement, atol=1e-12
    )


def test_the_scenario_takes_its_regimes_place(bundled: dict[str, Outcome]) -> None:
    changed = load_scenario("1993-tokyo").with_params({"russia.security_weight": 3.0})
    outcome = solve_scenario(changed, "dynamic")
    history = kuril_dynamic(1993, scenarios={"1990s": changed})
    size = len(history.labels)
    np.testing.assert_allclose(
        lottery(outcome, size), history.first_agreement, atol=1e-12
    )
    assert not np.allclose(lottery(outcome, size), lottery(bundled["1993-tokyo"], size))


def test_the_scenarios_veto_holds_in_every_regime() -> None:
    base = load_scenario("1993-tokyo")
    barred = dataclasses.replace(
        base, protocol=dataclasses.replace(base.protocol, veto={"russia": "islands.any"})
    )
    banned = barred.protocol.vetoed_agreements(barred.space)
    outcome = solve_scenario(barred, "dynamic")
    assert not any(banned[k] for k in outcome.distribution if k != NO_DEAL)
    assert outcome.certificate <= outcome.tol
    # left to the later regimes' own rules, the chain would conclude them
    unbarred = kuril_dynamic(1993, scenarios={"1990s": barred})
    assert unbarred.first_agreement[:-1][banned].sum() > 0.5


def test_regime_enters_any_scenario_of_the_calibrated_case() -> None:
    scenario = kurilsim.kuril_scenario()  # "default": no regime of its own
    with pytest.warns(UnusedOptionWarning, match="'regime' does not apply to concept 'spe'"):
        table = compare_concepts(scenario, ("spe", "dynamic"), regime="1990s")
    outcome = table["dynamic"]
    assert isinstance(outcome.evidence, KurilDynamicResult)
    assert outcome.evidence.start_regime == "1990s"
    history = kuril_dynamic(1991, scenarios={"1990s": scenario})
    np.testing.assert_allclose(
        lottery(outcome, len(scenario.space)), history.first_agreement, atol=1e-12
    )


def test_a_scenario_outside_the_chain_is_a_one_state_game() -> None:
    scenario = kurilsim.kuril_scenario()  # not a regime's scenario, no regime=
    outcome = solve_scenario(scenario, "dynamic")
    evidence = outcome.evidence
    assert isinstance(evidence, MarkovBargainingResult)
    assert evidence.game.n_states == 1
    assert evidence.game.players == ("japan", "russia")
    np.testing.assert_allclose(evidence.game.recognition, [[0.5, 0.5]])
    np.testing.assert_allclose(
        lottery(outcome, len(scenario.space)), evidence.outcome_distribution()
    )
    # so is a scenario of the calibrated agents over another agreement space
    wide = kurilsim.kuril_scenario(
        "wide", space=kurilsim.kuril_space(islands="subsets")
    )
    assert isinstance(solve_scenario(wide, "dynamic").evidence, MarkovBargainingResult)
    with pytest.raises(InvalidArgumentError, match="scenario 'wide' is not one"):
        solve_scenario(wide, "dynamic", regime="1990s")


# -- a generic scenario: the one-state game ---------------------------------------------
def random_proposer_values(
    deltas: tuple[float, float], status_quo: tuple[float, float]
) -> NDArray[np.float64]:
    """The stationary values of a unit pie with random proposers (1/2 each) and
    status-quo flows: ``V_a = d_a + (1 - d_a - d_b)(1 - delta_b) / (2 - delta_a -
    delta_b)`` (each responder gets its delay value, the pie is shared at once)."""
    da, db = deltas
    surplus = 1.0 - sum(status_quo)
    share = (1.0 - db) / (2.0 - da - db)
    return np.array(status_quo) + surplus * np.array([share, 1.0 - share])


@pytest.mark.parametrize("k", [1, 4, 50])
@pytest.mark.parametrize(
    ("deltas", "status_quo"),
    [((0.9, 0.8), (0.0, 0.0)), ((0.95, 0.95), (0.0, 0.0)), ((0.6, 0.9), (0.2, 0.1))],
)
def test_one_state_game_is_the_random_proposer_split(
    k: int, deltas: tuple[float, float], status_quo: tuple[float, float]
) -> None:
    scenario = pie(k, deltas=deltas, status_quo=status_quo)
    outcome = solve_scenario(scenario, "dynamic")
    values = random_proposer_values(deltas, status_quo)
    np.testing.assert_allclose(outcome.utilities[:2], values, atol=1e-9)
    assert outcome.probability == pytest.approx(1.0)  # agreement at once
    evidence = outcome.evidence
    assert isinstance(evidence, MarkovBargainingResult)
    assert evidence.expected_time() == 0.0
    assert outcome.certificate <= outcome.tol
    # the third agent: its expected utility of the agreement, 2 x a's share
    first = lottery(outcome, k + 1)
    shares = np.append(np.linspace(0.0, 1.0, k + 1), 0.0)
    assert outcome.utilities[2] == pytest.approx(2.0 * shares @ first, abs=1e-12)


def continuous_root_values(deltas: tuple[float, float]) -> NDArray[np.float64]:
    """The stationary values when ``b`` gets ``sqrt(1 - x)`` of a continuous pie:
    ``a`` proposing gives ``b`` its delay value ``delta_b V_b`` and keeps
    ``1 - (delta_b V_b)^2``; ``b`` proposing gives ``a`` ``delta_a V_a``."""
    da, db = deltas

    def gap(v: NDArray[np.float64]) -> NDArray[np.float64]:
        va, vb = v
        return np.array([
            0.5 * (1.0 - (db * vb) ** 2) + 0.5 * da * va - va,
            0.5 * np.sqrt(1.0 - da * va) + 0.5 * db * vb - vb,
        ])

    root: NDArray[np.float64] = fsolve(gap, [0.5, 0.5], xtol=1e-13)
    return root


def test_one_state_game_converges_as_the_grid_of_splits_gets_fine() -> None:
    deltas = (0.9, 0.8)
    exact = continuous_root_values(deltas)
    errors = [
        float(np.max(np.abs(
            solve_scenario(pie(k, deltas=deltas, curve=np.sqrt), "dynamic").utilities[:2]
            - exact
        )))
        for k in (4, 32, 256)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-4


def test_patient_parties_share_as_nash_bargaining() -> None:
    # Binmore, Rubinstein and Wolinsky (1986): as delta -> 1, random proposers
    # with equal chances -> the symmetric Nash bargaining solution
    gaps = []
    for delta in (0.6, 0.9999):
        scenario = pie(32, deltas=(delta, delta), curve=np.sqrt)
        table = compare_concepts(scenario, ("nash-bargaining", "dynamic"))
        gap = table["dynamic"].utilities[:2] - table["nash-bargaining"].utilities[:2]
        gaps.append(float(np.max(np.abs(gap))))
    assert gaps[0] > 1e-2  # impatient parties do not
    assert gaps[1] < 1e-3


def test_one_state_game_leaves_out_what_the_objector_would_stop() -> None:
    # c loses 1 per unit of a's share and blocks below its status quo of -1/2:
    # every split giving a more than half is stopped
    free = pie(4)
    blocked = dataclasses.replace(
        free,
        agents=(*free.agents[:2], LinearAgent(
            name="c", weights={"split.first": -1.0}, status_quo=-0.5)),
        protocol=dataclasses.replace(
            free.protocol, objector="c", objection_blocks=True, objection_scope="any"
        ),
    )
    before = solve_scenario(free, "dynamic")
    after = solve_scenario(blocked, "dynamic")
    shares = np.linspace(0.0, 1.0, 5)
    assert any(shares[k] > 0.5 for k in before.distribution if k != NO_DEAL)
    assert after.probability == pytest.approx(1.0)
    assert all(shares[k] <= 0.5 for k in after.distribution if k != NO_DEAL)
    assert after.certificate <= after.tol


# -- options and errors ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "options", "error", "pattern"),
    [
        ("1993-tokyo", {"regime": "1980s"}, InvalidArgumentError,
         r"regime must be one of 'pre-1960'.*got '1980s'"),
        ("1993-tokyo", {"regime": 1990}, InvalidArgumentError, "regime must be one of"),
        ("pie", {"regime": "1990s"}, InvalidArgumentError,
         "scenario 'pie' is not one.*leave regime out"),
        ("pie", {"tol": -1.0}, InvalidGameError, "tol must be"),
        ("pie", {"tol": float("nan")}, InvalidGameError, "tol must be"),
        ("pie", {"horizon": 5}, InvalidArgumentError,
         r"concept 'dynamic' takes no option 'horizon'; its options are \['regime', 'tol'\]"),
    ],
)
def test_bad_options_raise_named_errors(
    scenario: str, options: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    model = pie(4) if scenario == "pie" else load_scenario(scenario)
    with pytest.raises(error, match=pattern):
        solve_scenario(model, "dynamic", **options)


def test_a_discount_factor_of_one_is_refused() -> None:
    with pytest.raises(InvalidModelError, match=r"below 1.*protocol.discount.a = 1.0"):
        solve_scenario(pie(4, deltas=(1.0, 0.8)), "dynamic")
    patient = load_scenario("1993-tokyo").with_params({"protocol.discount.japan": 1.0})
    with pytest.raises(
        InvalidModelError,
        match=r"scenario '1993-tokyo\+protocol.discount.japan=1.0' has "
        r"protocol.discount.japan = 1.0",
    ):
        solve_scenario(patient, "dynamic")


def test_the_record_declares_its_options_and_its_kernel() -> None:
    record = concepts.get("dynamic")
    assert record.options == {"tol", "regime"}
    assert record.lottery
    assert record.kernel is not None
    assert record.vectorised
    # the regimes the chain returns to are solved point by point, and it says so
    assert "point by point" in record.description


# -- sweeps, compare_concepts and the command line ---------------------------------------
@pytest.mark.parametrize("fast", [True, False])
def test_a_sweep_gives_the_random_proposer_values(fast: bool) -> None:
    scenario = pie(4)
    result = sweep(scenario, {"a.status_quo": [0.0, 0.2, 0.4]}, concept="dynamic",
                   progress=False, fast=fast)
    assert result.metadata["lottery"] is True
    assert result.metadata["fast"] is fast
    assert not result.errors
    for k, d in enumerate([0.0, 0.2, 0.4]):
        np.testing.assert_allclose(
            result.utilities[k, :2], random_proposer_values((0.9, 0.8), (d, 0.0)),
            atol=1e-9,
        )
    np.testing.assert_allclose(result.probability, 1.0)


def test_a_sweep_of_a_regimes_scenario_matches_solve(bundled: dict[str, Outcome]) -> None:
    scenario = load_scenario("1993-tokyo")
    values = [scenario.agent("russia").security_weight, 3.0]
    result = sweep(scenario, {"russia.security_weight": values}, concept="dynamic",
                   progress=False)
    first = bundled["1993-tokyo"]
    assert result.agreement[0] == first.agreement_index
    assert result.probability[0] == pytest.approx(first.probability)
    np.testing.assert_allclose(result.utilities[0], first.utilities, atol=1e-12)
    other = solve_scenario(scenario.with_params({"russia.security_weight": 3.0}),
                           "dynamic")
    assert result.agreement[1] == other.agreement_index


def test_the_command_line_solves_and_sweeps_it(
    capsys: pytest.CaptureFixture[str], bundled: dict[str, Outcome]
) -> None:
    assert main(["solve", "2018-singapore", "--concept", "dynamic"]) == 0
    out = capsys.readouterr().out
    expected = ConceptComparison(
        scenario=load_scenario("2018-singapore"),
        outcomes=(bundled["2018-singapore"],),
    )
    assert out.strip() == str(expected)
    assert main(["sweep", "2022-suspension", "--grid", "japan.treaty_value=0,1",
                 "--concept", "dynamic", "--no-progress"]) == 0
    assert "(dynamic), 2 points" in capsys.readouterr().out
