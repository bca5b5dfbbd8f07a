"""kurilsim.kuril.dynamic_record: the dynamic model weighed by the record."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidArgumentError
from kurilsim.kuril.dynamic_record import DynamicPosterior, dynamic_posterior
from kurilsim.kuril.history import REGIMES, kuril_dynamic, regime_of_year
from tests.bad_arguments import NAN, call, check_named, params

NAMES = [r.name for r in REGIMES]


@pytest.fixture(scope="module")
def recent() -> DynamicPosterior:
    """From 2010 with the hazards only: the 2010s, post-2014 and post-2022
    regimes conclude nothing at the point values, so the record is sure."""
    return dynamic_posterior(draws=16, rng=7, start=2010, horizons=(2026, 2030, 2040))


@pytest.fixture(scope="module")
def everything() -> DynamicPosterior:
    return dynamic_posterior(draws=24, rng=3, parameters="all", start=2010)


def _outlook(posterior: DynamicPosterior, i: int, start: int, years: list[int]) -> Any:
    hazards = dict(zip(NAMES, posterior.values[i, : len(NAMES)], strict=True))
    return kuril_dynamic(start, years=years, hazards=hazards, phased=posterior.phased)


def test_a_one_year_record_has_the_likelihood_of_no_treaty_that_year() -> None:
    """until == start: 1 - P(treaty in the first year), recomputed by kuril_dynamic."""
    for start in (1993, 2012):
        posterior = dynamic_posterior(draws=3, rng=1, start=start, until=start,
                                      horizons=start + 1)
        for i in range(3):
            outlook = _outlook(posterior, i, start, [start])
            assert posterior.likelihood[i] == pytest.approx(
                1 - outlook.treaty_probability[0], abs=1e-12)


def test_the_likelihood_follows_the_observed_regimes() -> None:
    """From 1956 the 1990s regime concludes every year at the point values, so
    the record (no treaty along the observed path) is impossible under every
    hazard draw, however long the Cold War is drawn to last; a forecast from
    1956 that averages over the regimes' timing would not say so."""
    posterior = dynamic_posterior(draws=6, rng=5)
    assert np.all(posterior.likelihood == 0.0)
    assert posterior.possible == 0.0
    assert posterior.ess == 0.0
    assert not posterior.weights.any()
    assert np.isnan(posterior.forecast()).all()
    assert math.isnan(posterior.mean("hazard.cold-war"))
    assert "no draw makes the record possible" in posterior.summary()
    averaged = _outlook(posterior, 0, 1956, [2024])
    assert 1 - averaged.treaty_probability[0] > 0  # the timing-averaged forecast


def test_weights_are_the_normalised_likelihood_and_forecasts_start_at_the_record_end(
    recent: DynamicPosterior,
) -> None:
    lik, w = recent.likelihood, recent.weights
    assert not recent.failures
    assert np.all(lik == 1.0)  # nothing is concluded after 2010 at the point values
    assert w.sum() == pytest.approx(1.0)
    assert np.allclose(w, lik / lik.sum())
    assert recent.ess == pytest.approx(len(w))
    p, _ = recent.prior_predictive
    assert p == pytest.approx(lik.mean())
    name = "hazard.post-2022"
    column = recent.values[:, recent.names.index(name)]
    assert recent.mean(name) == pytest.approx(w @ column)
    assert recent.mean(name, posterior=False) == pytest.approx(column.mean())
    assert recent.prior_means[name] == pytest.approx(0.5 / (0.5 + 0.5 + 2.78), rel=0.05)
    assert regime_of_year(2024) == "post-2022"
    for i in (0, 9):
        outlook = _outlook(recent, i, 2025, [2026, 2030, 2040])
        assert np.allclose(recent.forecasts[i], outlook.treaty_probability, atol=1e-12)
    forecast = recent.forecast()
    assert forecast.shape == (3,)
    assert np.allclose(forecast, w @ recent.forecasts)
    assert np.all(np.diff(forecast) >= -1e-12)


def test_all_parameters_are_drawn_but_not_those_other_concepts_read(
    everything: DynamicPosterior,
) -> None:
    names = everything.names
    assert names[: len(REGIMES)] == tuple(f"hazard.{n}" for n in NAMES)
    assert "1990s:russia.security_weight" in names
    assert not any(n.endswith((".article_cost", ".diet_threshold")) for n in names)
    assert everything.values.shape == (24, len(names))
    assert 0.0 <= everything.possible <= 1.0
    if everything.weights.any():
        shifts = everything.shifts(5)
        assert len(shifts) == 5
        magnitudes = [abs(s) for _, s in shifts]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert everything.noise > 0
        assert "noise alone gives" in everything.summary()
    assert "P(record) under the prior" in everything.summary()
    assert "DynamicPosterior(24 draws" in repr(everything)


def test_draws_are_reproducible() -> None:
    first = dynamic_posterior(draws=3, rng=11, start=2010)
    second = dynamic_posterior(draws=3, rng=11, start=2010)
    assert np.array_equal(first.values, second.values)
    assert np.array_equal(first.likelihood, second.likelihood)


BAD_ARGUMENTS = [
    ("draws-zero", call(dynamic_posterior, draws=0), InvalidArgumentError,
     r"draws must be .*got 0"),
    ("draws-float", call(dynamic_posterior, draws=2.5), InvalidArgumentError,
     r"draws must be .*2\.5"),
    ("rng-str", call(dynamic_posterior, draws=1, rng="x"), InvalidArgumentError,
     r"rng .*'x'"),
    ("until-before-start", call(dynamic_posterior, draws=1, start=2000, until=1990),
     InvalidArgumentError, r"until must be .*1990"),
    ("horizons-empty", call(dynamic_posterior, draws=1, horizons=[]), InvalidArgumentError,
     r"horizons must be a year or a non-empty sequence of years, got \[\]"),
    ("horizons-before-until", call(dynamic_posterior, draws=1, horizons=[2000]),
     InvalidArgumentError, r"horizons must be .*2000"),
    ("horizons-nan", call(dynamic_posterior, draws=1, horizons=[NAN]),
     InvalidArgumentError, r"horizons must be .*nan"),
    ("parameters-typo", call(dynamic_posterior, draws=1, parameters="hazard"),
     InvalidArgumentError, r"parameters must be one of 'hazards', 'all', got 'hazard'"),
    ("phased-str", call(dynamic_posterior, draws=1, phased="yes"), InvalidArgumentError,
     r"phased must be True or False, got 'yes'"),
    ("mean-unknown", call(lambda: dynamic_posterior(draws=1, rng=0).mean("hazard.x")),
     InvalidArgumentError, r"'hazard\.x' was not drawn"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)
