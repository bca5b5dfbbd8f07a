"""The Kuril regimes as a Markov chain and the dynamic negotiation model.

The chain and its priors are recomputed from the regimes' dates; the game's
states, phases, flows and vetoes are checked against the scenarios; the
reports are checked for consistency and against properties that the theory
of stationary bargaining equilibria guarantees (no historical outcome is
pinned).
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, datetime

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidArgumentError, InvalidModelError
from kurilsim.kuril.history import (
    AS_OF,
    PLAYERS,
    REGIMES,
    KurilDynamicResult,
    hazard_priors,
    kuril_chain,
    kuril_dynamic,
    kuril_dynamic_game,
    regime_of_year,
)
from kurilsim.solvers.markov import (
    MarkovBargainingResult,
    StochasticBargainingGame,
    agreement_zones,
    solve_markov_bargaining,
)
from tests.bad_arguments import NAN, Case, call, check_named, params

NAMES = [regime.name for regime in REGIMES]


@pytest.fixture(scope="module")
def outlook() -> KurilDynamicResult:
    return kuril_dynamic(1956, years=[1955, 1956, 1960, 1991, 2001, 2024, 2030])


@pytest.fixture(scope="module")
def frozen() -> tuple[StochasticBargainingGame, MarkovBargainingResult]:
    """Every regime absorbing: the game decouples into one-regime games."""
    game = kuril_dynamic_game(hazards=dict.fromkeys(NAMES, 0.0))
    return game, solve_markov_bargaining(game)


class TestRegimes:
    def test_seven_regimes_in_order_each_ending_where_the_next_begins(self) -> None:
        assert NAMES == [
            "pre-1960",
            "cold-war",
            "1990s",
            "2000s",
            "2010s",
            "post-2014",
            "post-2022",
        ]
        for before, after in itertools.pairwise(REGIMES):
            assert before.end == after.start
        assert REGIMES[-1].end is None
        assert all(regime.opened_by and regime.why for regime in REGIMES)

    def test_each_bundled_scenario_is_used_once_in_chronological_order(self) -> None:
        assert [regime.scenario for regime in REGIMES] == list(
            kurilsim.list_scenarios()
        )

    def test_hazard_priors_are_the_jeffreys_posteriors_of_the_durations(self) -> None:
        priors = hazard_priors()
        for regime in REGIMES:
            end = regime.end or AS_OF
            years = (end - regime.start).days / 365.25
            exits = 0 if regime.end is None else 1
            prior = priors[regime.name]
            assert prior.family == "beta"
            a, b = prior.param("a"), prior.param("b")
            assert a == pytest.approx(0.5 + exits, abs=0.005)
            assert b == pytest.approx(0.5 + years - exits, abs=0.005)
            assert prior.reasoning
            assert prior.source
            if exits:  # about 1 / L for a regime that lasted L years
                assert 0.5 / years <= prior.mean <= 1.6 / years + 0.1

    def test_a_later_horizon_lowers_the_ongoing_regimes_hazard(self) -> None:
        assert (
            hazard_priors(date(2030, 1, 1))["post-2022"].mean
            < hazard_priors()["post-2022"].mean
        )

    @pytest.mark.parametrize(
        ("year", "regime"),
        [
            (1956, "pre-1960"),
            (1960, "cold-war"),
            (1975, "cold-war"),
            (1991, "1990s"),
            (2001, "2000s"),
            (2010, "2010s"),
            (2014, "post-2014"),
            (2022, "post-2022"),
            (2050, "post-2022"),
        ],
    )
    def test_regime_of_year(self, year: int, regime: str) -> None:
        assert regime_of_year(year) == regime


class TestChain:
    def test_default_chain_is_row_stochastic_with_the_prior_means(self) -> None:
        chain = kuril_chain()
        means = [prior.mean for prior in hazard_priors().values()]
        np.testing.assert_allclose(chain.sum(axis=1), 1.0, atol=1e-15)
        np.testing.assert_allclose(np.diag(chain), 1 - np.array(means))
        for r in range(6):
            assert chain[r, r + 1] == pytest.approx(means[r])
        assert chain[6, 5] == pytest.approx(means[6])  # a thaw returns to post-2014
        assert np.count_nonzero(chain) == 14

    def test_every_prior_draw_gives_a_valid_chain_and_game(self) -> None:
        priors = hazard_priors()
        rng = np.random.default_rng(17)
        draws = {
            name: prior.ppf(rng.uniform(size=200)) for name, prior in priors.items()
        }
        for k in range(200):
            hazards = {name: float(values[k]) for name, values in draws.items()}
            chain = kuril_chain(hazards)
            assert np.all(chain >= 0)
            np.testing.assert_allclose(chain.sum(axis=1), 1.0, atol=1e-12)
        game = kuril_dynamic_game(hazards=hazards)  # the game checks it too
        assert isinstance(game, StochasticBargainingGame)

    @pytest.mark.parametrize("k", [0, 1])
    def test_prior_draws_are_solved_and_certified(self, k: int) -> None:
        rng = np.random.default_rng(100 + k)
        hazards = {
            name: float(prior.ppf(rng.uniform()))
            for name, prior in hazard_priors().items()
        }
        result = solve_markov_bargaining(kuril_dynamic_game(hazards=hazards))
        assert result.certificate <= result.tol


class TestGame:
    def test_states_phases_and_players(self) -> None:
        game = kuril_dynamic_game()
        scenario = kurilsim.load_scenario("1956-declaration")
        talks = np.flatnonzero(scenario.space.feature("islands.talks")[:-1] > 0)
        assert game.players == PLAYERS
        assert game.n_states == 7 * (1 + len(talks)) == 49
        assert game.states[:7] == tuple(NAMES)
        phases = np.asarray(game.phases)
        # only "two islands first" agreements are phases, only in regime states,
        # each to its own copy of the regime
        assert np.all(phases[7:] == -1)
        for v, a in enumerate(talks):
            np.testing.assert_array_equal(phases[:7, a], 7 * (v + 1) + np.arange(7))
        assert np.all(phases[:7, np.setdiff1d(np.arange(38), talks)] == -1)
        # phase states follow the same chain among themselves
        chain = kuril_chain()
        np.testing.assert_allclose(np.asarray(game.transitions)[7:14, 7:14], chain)
        assert np.asarray(game.transitions)[7:, :7].sum() == 0

    def test_flows_utilities_and_discounts_come_from_the_scenarios(self) -> None:
        game = kuril_dynamic_game()
        for r, regime in enumerate(REGIMES):
            scenario = kurilsim.load_scenario(regime.scenario)
            rows = [scenario.agent_names.index(p) for p in PLAYERS]
            np.testing.assert_allclose(game.utilities[:, r], scenario.utilities()[rows])
            np.testing.assert_allclose(
                game.flows[:, r], scenario.status_quo_utilities()[rows]
            )
            for i, player in enumerate(PLAYERS):
                assert game.discounts[i, r] == scenario.protocol.discount_factor(player)
            # a phase state's flow: the first stage without Japan's talks prospect
            first = 7 + r
            a = int(np.flatnonzero(np.asarray(game.phases)[r] == first)[0])
            expected = scenario.outcome_utilities({"japan.talks_prospect": 0.0})[
                rows, a
            ]
            np.testing.assert_allclose(game.flows[:, first], expected)
            assert game.flows[0, first] < scenario.utilities()[rows[0], a]

    def test_vetoes_and_objections_rule_agreements_out(self) -> None:
        game = kuril_dynamic_game()
        available = np.asarray(game.available)
        for r, regime in enumerate(REGIMES):
            scenario = kurilsim.load_scenario(regime.scenario)
            vetoed = scenario.protocol.vetoed_agreements(scenario.space)
            assert not np.any(available[r] & vetoed)
        # 2022: any agreement the United States values below the status quo is
        # blocked (objection_blocks, scope "any")
        scenario = kurilsim.load_scenario("2022-suspension")
        us = scenario.agent_names.index("united_states")
        disliked = scenario.utilities()[us] < scenario.status_quo_utilities()[us]
        assert not np.any(available[6] & disliked)
        # phase states keep Habomai and Shikotan: no agreement without them
        habomai = scenario.space.feature("islands.habomai")[:-1] > 0
        assert not np.any(available[7:] & ~habomai)

    def test_options(self) -> None:
        flat = kuril_dynamic_game(phased=False)
        assert flat.n_states == 7
        assert np.all(np.asarray(flat.phases) == -1)
        patient = kuril_dynamic_game(discounts={"japan": 0.97})
        np.testing.assert_array_equal(patient.discounts[0], 0.97)
        assert kuril_dynamic_game(japan_recognition=1.0).recognition[3, 0] == 1.0
        closed = kuril_dynamic_game(available={"1990s": np.zeros(38, dtype=bool)})
        assert not np.asarray(closed.available)[2].any()
        alternative = kuril_dynamic_game(scenarios={"post-2014": "2018-singapore"})
        scenario = kurilsim.load_scenario("2018-singapore")
        np.testing.assert_allclose(
            alternative.utilities[:, 5], scenario.utilities()[:2]
        )


class TestReport:
    def test_the_historical_start(self, outlook: KurilDynamicResult) -> None:
        assert outlook.start_regime == "pre-1960"
        assert outlook.solution.certificate <= outlook.solution.tol
        p = outlook.treaty_probability
        assert p[0] == 0.0  # 1955: before the start
        assert np.all((p >= 0) & (p <= 1))
        assert np.all(np.diff(p) >= -1e-15)
        assert np.all(outlook.settlement_probability <= p + 1e-12)
        # "no treaty by 2024" is reported, not pinned
        no_treaty_2024 = 1 - p[outlook.years.index(2024)]
        assert 0.0 <= no_treaty_2024 <= 1.0
        assert outlook.first_agreement.sum() == pytest.approx(1.0)
        assert np.isfinite(outlook.expected_years) == (outlook.first_agreement[-1] == 0)
        assert "by 2024" in str(outlook)

    def test_nothing_available_means_no_treaty(self) -> None:
        nothing = dict.fromkeys(NAMES, np.zeros(38, dtype=bool))
        report = kuril_dynamic(1956, years=2100, available=nothing)
        assert report.treaty_probability[0] == 0.0
        assert report.expected_years == np.inf
        assert report.first_agreement[-1] == 1.0

    def test_an_absorbing_regime_has_a_treaty_iff_it_has_a_zone(
        self, frozen: tuple[StochasticBargainingGame, MarkovBargainingResult]
    ) -> None:
        game, result = frozen
        zones = agreement_zones(game)
        for r in range(7):
            ever = 1 - result.outcome_distribution(start=r, until="any")[-1]
            phases_open = bool(np.any(np.asarray(game.available)[r] & ~game.final[r]))
            if not phases_open:  # the regime alone is a closed class
                assert (ever > 0) == bool(zones[r])

    def test_an_absorbing_regime_agrees_at_a_constant_yearly_rate(
        self, frozen: tuple[StochasticBargainingGame, MarkovBargainingResult]
    ) -> None:
        _, result = frozen
        periods = np.arange(1, 11)
        for r in range(7):
            p = result.agreement_rates[r].sum()
            got = result.agreement_probability(periods, start=r, until="any")
            np.testing.assert_allclose(got, 1 - (1 - p) ** periods, atol=1e-12)
            expected = (1 - p) / p if p > 0 else np.inf
            assert result.expected_time(start=r, until="any") == pytest.approx(expected)


BAD_ARGUMENTS: list[Case] = [
    (
        "hazard-unknown",
        call(kuril_chain, {"1980s": 0.1}),
        InvalidModelError,
        r"unknown regimes \['1980s'\]",
    ),
    (
        "hazard-range",
        call(kuril_chain, {"2000s": 1.5}),
        InvalidModelError,
        r"hazards\['2000s'\] must be a finite number in \[0, 1\], got 1.5",
    ),
    (
        "hazard-nan",
        call(kuril_chain, {"2000s": NAN}),
        InvalidModelError,
        r"hazards\['2000s'\].*nan",
    ),
    (
        "hazards-list",
        call(kuril_chain, [0.1]),
        InvalidModelError,
        "hazards must be a mapping",
    ),
    (
        "as-of",
        call(hazard_priors, date(2020, 1, 1)),
        InvalidArgumentError,
        r"as_of must be a datetime.date \(not a datetime\) after 2022-03-21",
    ),
    (
        "year-early",
        call(regime_of_year, 1945),
        InvalidArgumentError,
        r"year must be an integer in \[1956, 9999\], got 1945",
    ),
    (
        "year-float",
        call(regime_of_year, 1990.5),
        InvalidArgumentError,
        "year must be an integer",
    ),
    (
        "scenario-unknown-regime",
        call(kuril_dynamic_game, scenarios={"1980s": "1993-tokyo"}),
        InvalidModelError,
        "scenarios names unknown regimes",
    ),
    (
        "scenario-type",
        call(kuril_dynamic_game, scenarios={"1990s": 3}),
        InvalidModelError,
        r"scenarios\['1990s'\] must be a Scenario",
    ),
    (
        "discount-player",
        call(kuril_dynamic_game, discounts={"china": 0.9}),
        InvalidModelError,
        "discounts names 'china'",
    ),
    (
        "discount-one",
        call(kuril_dynamic_game, discounts={"japan": 1.0}),
        InvalidModelError,
        r"discounts\['japan'\] must be a finite number in \(0, 1\), got 1.0",
    ),
    (
        "recognition",
        call(kuril_dynamic_game, japan_recognition=2),
        InvalidModelError,
        r"japan_recognition must be a finite number in \[0, 1\], got 2",
    ),
    (
        "phased",
        call(kuril_dynamic_game, phased="yes"),
        InvalidModelError,
        "phased must be True or False",
    ),
    (
        "mask-shape",
        call(kuril_dynamic_game, available={"1990s": np.ones(3, dtype=bool)}),
        InvalidModelError,
        r"available\['1990s'\] must be a boolean mask of shape \(38,\)",
    ),
    (
        "mask-regime",
        call(kuril_dynamic_game, available={"1980s": np.ones(38, dtype=bool)}),
        InvalidModelError,
        "unknown regime '1980s'",
    ),
    (
        "years",
        call(kuril_dynamic, 1956, years="2024"),
        InvalidArgumentError,
        "years must be a year or a sequence of years",
    ),
    (
        "start",
        call(kuril_dynamic, 1900),
        InvalidArgumentError,
        r"start must be an integer in \[1956, 9999\], got 1900",
    ),
    (
        "start-str",
        call(kuril_dynamic, "1956"),
        InvalidArgumentError,
        r"start must be an integer in \[1956, 9999\], got '1956'",
    ),
    (
        "option-unknown",
        call(kuril_dynamic, 1956, hazard={"2000s": 0.1}),
        InvalidArgumentError,
        r"unknown option 'hazard'; the options of kuril_dynamic_game are",
    ),
    (
        "as-of-datetime",
        call(hazard_priors, datetime(2024, 12, 31)),
        InvalidArgumentError,
        r"as_of must be a datetime.date \(not a datetime\).*datetime\.datetime",
    ),
    (
        "scenarios-list",
        call(kuril_dynamic_game, scenarios=["1993-tokyo"]),
        InvalidModelError,
        r"scenarios must be a mapping .* got \['1993-tokyo'\]",
    ),
    (
        "scenarios-str",
        call(kuril_dynamic_game, scenarios="1993-tokyo"),
        InvalidModelError,
        r"scenarios must be a mapping .* got '1993-tokyo'",
    ),
    (
        "phased-int",
        call(kuril_dynamic_game, phased=1),
        InvalidModelError,
        "phased must be True or False, got 1",
    ),
    (
        "regime-name",
        call(lambda: dataclasses.replace(REGIMES[0], name="")),
        InvalidModelError,
        r"Regime\.name must be a non-empty string, got '' \(str\)",
    ),
    (
        "regime-start",
        call(lambda: dataclasses.replace(REGIMES[0], start="1956-10-19")),
        InvalidModelError,
        r"Regime\.start must be a datetime\.date, got '1956-10-19'",
    ),
    (
        "regime-order",
        call(lambda: dataclasses.replace(REGIMES[1], end=date(1950, 1, 1))),
        InvalidModelError,
        r"Regime 'cold-war': end 1950-01-01 must be after start 1960-01-19",
    ),
    (
        "duration-as-of",
        call(REGIMES[-1].duration, "2030-01-01"),
        InvalidArgumentError,
        r"as_of must be a datetime\.date, got '2030-01-01'",
    ),
]


def test_numpy_booleans_and_integers_are_accepted() -> None:
    assert kuril_dynamic_game(phased=np.False_).n_states == 7
    assert kuril_dynamic(np.int64(2023), years=2030).start_year == 2023


@pytest.mark.parametrize(("thunk", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(thunk, error, pattern) -> None:  # type: ignore[no-untyped-def]
    check_named(thunk, error, pattern)
