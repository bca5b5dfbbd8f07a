"""kurilsim.kuril.dynamic_record: the dynamic model weighed by the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kurilsim import InvalidArgumentError
from kurilsim.kuril.dynamic_record import DynamicPosterior, dynamic_posterior
from kurilsim.kuril.history import REGIMES, kuril_dynamic
from tests.bad_arguments import NAN, call, check_named, params


@pytest.fixture(scope="module")
def hazards_only() -> DynamicPosterior:
    return dynamic_posterior(draws=24, rng=7, horizons=(2026, 2030, 2040))


@pytest.fixture(scope="module")
def everything() -> DynamicPosterior:
    return dynamic_posterior(draws=12, rng=3, parameters="all")


def test_the_likelihood_is_the_model_probability_of_no_treaty(
    hazards_only: DynamicPosterior,
) -> None:
    """Each draw's likelihood is recomputed independently by kuril_dynamic
    at the draw's hazards (the model's own report of P(treaty by 2024))."""
    names = [f"hazard.{r.name}" for r in REGIMES]
    assert list(hazards_only.names) == names
    for i in (0, 5, 17):
        hazards = dict(zip([r.name for r in REGIMES], hazards_only.values[i], strict=True))
        outlook = kuril_dynamic(1956, years=[2024, 2026, 2030, 2040], hazards=hazards,
                                phased=False)
        assert hazards_only.likelihood[i] == pytest.approx(
            1 - outlook.treaty_probability[0], abs=1e-12)
        assert np.allclose(hazards_only.treaty_by[i], outlook.treaty_probability[1:],
                           atol=1e-12)


def test_weights_are_the_normalised_likelihood(hazards_only: DynamicPosterior) -> None:
    w, lik = hazards_only.weights, hazards_only.likelihood
    assert not hazards_only.failures
    assert w.sum() == pytest.approx(1.0)
    assert np.allclose(w, lik / lik.sum())
    assert 1.0 <= hazards_only.ess <= len(w)
    p, error = hazards_only.prior_predictive
    assert p == pytest.approx(lik.mean())
    assert error == pytest.approx(lik.std(ddof=1) / np.sqrt(len(lik)))
    name = "hazard.cold-war"
    column = hazards_only.values[:, hazards_only.names.index(name)]
    assert hazards_only.mean(name) == pytest.approx(w @ column)
    assert hazards_only.mean(name, posterior=False) == pytest.approx(column.mean())


def test_forecasts_are_conditional_probabilities_nondecreasing_in_the_horizon(
    hazards_only: DynamicPosterior,
) -> None:
    forecast = hazards_only.forecast()
    assert forecast.shape == (3,)
    assert np.all((forecast >= 0) & (forecast <= 1))
    assert np.all(np.diff(forecast) >= -1e-12)
    # by hand: P(treaty in (2024, Y] | none by 2024) weighted by the posterior,
    # whose weights are proportional to P(none by 2024), which cancels
    lik = hazards_only.likelihood
    by_hand = [
        float(np.sum(hazards_only.treaty_by[:, k] - (1 - lik)) / lik.sum()) for k in range(3)
    ]
    assert np.allclose(forecast, by_hand)


def test_a_record_of_the_first_year_only() -> None:
    """until == start: the likelihood is 1 - P(treaty in the first year)."""
    posterior = dynamic_posterior(draws=4, rng=1, start=1993, until=1993, horizons=1994)
    for i in range(4):
        hazards = dict(zip([r.name for r in REGIMES], posterior.values[i], strict=True))
        outlook = kuril_dynamic(1993, years=[1993], hazards=hazards, phased=False)
        assert posterior.likelihood[i] == pytest.approx(1 - outlook.treaty_probability[0])


def test_all_parameters_are_drawn_but_not_those_other_concepts_read(
    everything: DynamicPosterior,
) -> None:
    names = everything.names
    assert names[: len(REGIMES)] == tuple(f"hazard.{r.name}" for r in REGIMES)
    assert "1990s:russia.security_weight" in names
    assert not any(n.endswith((".article_cost", ".diet_threshold")) for n in names)
    assert everything.values.shape == (12, len(names))
    shifts = everything.shifts(5)
    assert len(shifts) == 5
    assert [abs(s) for _, s in shifts] == sorted((abs(s) for _, s in shifts), reverse=True)
    text = everything.summary()
    assert "P(no treaty by 2024) under the prior" in text
    assert "moved most by the record" in text


def test_draws_are_reproducible() -> None:
    first = dynamic_posterior(draws=3, rng=11)
    second = dynamic_posterior(draws=3, rng=11)
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
