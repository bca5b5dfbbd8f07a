"""Priors: the families, their inverse CDFs and supports, validation, round trips."""

from __future__ import annotations

import dataclasses
import math
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

import kurilsim
from kurilsim import InvalidArgumentError, InvalidModelError, Prior
from kurilsim.model.priors import FAMILIES

R = "reasoning"


def _finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def priors(draw: st.DrawFn, family: str | None = None) -> Prior:
    """A prior of ``family`` (any family if None) with well-conditioned parameters."""
    family = family or draw(st.sampled_from(sorted(FAMILIES)))
    low = draw(_finite(-100, 100))
    width = draw(_finite(1e-2, 100))
    source = draw(st.sampled_from(["", "judgement: a test"]))
    if family == "uniform":
        return Prior.uniform(low, low + width, reasoning=R, source=source)
    if family == "beta":
        a, b = draw(_finite(0.3, 30)), draw(_finite(0.3, 30))
        return Prior.beta(a, b, low=low, high=low + width, reasoning=R, source=source)
    if family == "truncnorm":
        mean = draw(_finite(-10, 10))
        sd = draw(_finite(0.05, 10))
        z = draw(_finite(-4, 2))
        span = draw(_finite(0.2, 8))
        lower = draw(st.sampled_from([mean + z * sd, -math.inf]))
        upper = draw(st.sampled_from([mean + (z + span) * sd, math.inf]))
        return Prior.truncnorm(mean, sd, low=lower, high=upper, reasoning=R,
                               source=source)
    if family == "lognorm":
        return Prior.lognormal(draw(_finite(1e-2, 1e2)), draw(_finite(0.05, 1.5)),
                               reasoning=R, source=source)
    if family == "triang":
        mode = low + width * draw(_finite(0, 1))
        return Prior.triangular(low, mode, low + width, reasoning=R, source=source)
    if family == "discrete":
        values = draw(st.lists(st.integers(-50, 50), min_size=1, max_size=6,
                               unique=True))
        weights = np.array(draw(st.lists(_finite(0.05, 1), min_size=len(values),
                                         max_size=len(values))))
        return Prior.discrete(values, list(weights / weights.sum()), reasoning=R,
                              source=source)
    return Prior.point(draw(_finite(-100, 100)), reasoning=R, source=source)


UNIT = st.lists(_finite(0, 1), min_size=1, max_size=30)


# -- the families ---------------------------------------------------------------------
def _truncnorm_mean(mean: float, sd: float, low: float, high: float) -> float:
    """The mean of a truncated normal by its closed form (Johnson, Kotz and
    Balakrishnan 1994, *Continuous Univariate Distributions* vol. 1, ch. 13)."""
    alpha, beta = (low - mean) / sd, (high - mean) / sd
    norm = scipy.stats.norm
    return float(
        mean
        + sd * (norm.pdf(alpha) - norm.pdf(beta)) / (norm.cdf(beta) - norm.cdf(alpha))
    )


#: Each family: a prior, its support and its mean by the textbook formula.
KNOWN: dict[str, tuple[Prior, tuple[float, float], float]] = {
    "uniform": (Prior.uniform(1, 3, reasoning=R), (1.0, 3.0), 2.0),
    "beta": (Prior.beta(2, 6, low=1, high=5, reasoning=R), (1.0, 5.0), 1 + 4 * 2 / 8),
    "truncnorm": (
        Prior.truncnorm(0.3, 0.5, low=0, high=1, reasoning=R),
        (0.0, 1.0),
        _truncnorm_mean(0.3, 0.5, 0, 1),
    ),
    "lognorm": (Prior.lognormal(2, 0.5, reasoning=R), (0.0, math.inf),
                2 * math.exp(0.5**2 / 2)),
    "triang": (Prior.triangular(0, 1, 5, reasoning=R), (0.0, 5.0), 2.0),
    "discrete": (Prior.discrete([3, 1, 2], [0.5, 0.2, 0.3], reasoning=R), (1.0, 3.0),
                 0.2 + 0.6 + 1.5),
    "point": (Prior.point(0.7, reasoning=R), (0.7, 0.7), 0.7),
}


def test_every_family_is_covered() -> None:
    assert set(KNOWN) == set(FAMILIES)


@pytest.mark.parametrize("family", sorted(KNOWN))
def test_support_and_mean_match_the_formulas_and_scipy(family: str) -> None:
    prior, support, mean = KNOWN[family]
    assert prior.family == family
    assert prior.support == support
    assert prior.mean == pytest.approx(mean, rel=1e-12)
    distribution = prior.distribution
    assert float(distribution.mean()) == pytest.approx(mean, rel=1e-12)
    assert tuple(map(float, distribution.support())) == pytest.approx(support)
    assert prior.std == pytest.approx(float(distribution.std()), rel=1e-12)


def test_the_distribution_is_built_once() -> None:
    prior = Prior.beta(2, 5, reasoning=R)
    assert prior.distribution is prior.distribution
    assert isinstance(prior.distribution, scipy.stats.distributions.rv_frozen)


@given(priors())
def test_ppf_is_exact_at_the_ends_of_the_support(prior: Prior) -> None:
    low, high = prior.support
    assert prior.ppf(0.0) == low
    assert prior.ppf(1.0) == high
    assert prior.ppf([0.0, 1.0]).tolist() == [low, high]


@given(priors(), UNIT)
def test_ppf_is_monotone_within_the_support(prior: Prior, u: list[float]) -> None:
    low, high = prior.support
    values = prior.ppf(np.sort(u))
    assert values.shape == (len(u),)
    assert np.all((low <= values) & (values <= high))
    assert np.all(values[1:] >= values[:-1])  # (no diff: ppf(1) may be inf)


@given(st.sampled_from(["uniform", "beta", "truncnorm", "lognorm", "triang"])
       .flatmap(priors), st.lists(_finite(1e-3, 1 - 1e-3), min_size=1, max_size=30))
def test_cdf_inverts_ppf_for_continuous_families(prior: Prior, u: list[float]) -> None:
    # u lies within the CDF's values one float either side of ppf(u): on a
    # narrow support far from 0, loc + scale * x rounds x, and the CDF can
    # change steeply across one float there
    values = prior.ppf(u)
    below = prior.cdf(np.nextafter(values, -np.inf))
    above = prior.cdf(np.nextafter(values, np.inf))
    q = np.asarray(u)
    assert np.all((below - 1e-7 <= q) & (q <= above + 1e-7)), (below, q, above)


@given(st.sampled_from(["discrete", "point"]).flatmap(priors), UNIT)
def test_ppf_is_the_least_value_whose_cdf_reaches_u(prior: Prior, u: list[float]) -> None:
    values = prior.ppf(u)
    support = np.array(prior.param("values") if prior.family == "discrete"
                       else [prior.param("value")])
    assert np.isin(values, support).all()
    assert np.all(prior.cdf(values) >= np.array(u) - 1e-12)
    below = [support[support < v].max(initial=-np.inf) for v in values]
    for value, q in zip(below, u, strict=True):
        if np.isfinite(value):
            assert prior.cdf(value) < q + 1e-12


@pytest.mark.parametrize("prior", [*(known[0] for known in KNOWN.values()),
                                   Prior.beta(3, 3, reasoning=R),
                                   Prior.beta(0.3, 30, reasoning=R)],
                         ids=repr)
def test_ppf_stays_in_the_support_at_extreme_quantiles(prior: Prior) -> None:
    # SciPy's beta quantile returns NaN (and warns) this close to 0
    u = [5e-324, 2.2250738585072014e-308, 1e-300, 1e-20, 1 - 2**-53]
    values = prior.ppf(u)
    low, high = prior.support
    assert not np.isnan(values).any()
    assert np.all((low <= values) & (values <= high))
    assert np.all(np.diff(values) >= 0)


def test_ppf_keeps_the_shape_of_u() -> None:
    u = np.linspace(0, 1, 12).reshape(3, 4)
    assert Prior.beta(2, 3, reasoning=R).ppf(u).shape == (3, 4)
    assert Prior.point(1, reasoning=R).ppf(u).shape == (3, 4)
    assert Prior.discrete([1, 2], [0.5, 0.5], reasoning=R).ppf(u).shape == (3, 4)
    assert Prior.uniform(0, 1, reasoning=R).ppf(0.25).shape == ()


def test_discrete_ppf_steps_at_the_cumulative_probabilities() -> None:
    prior = Prior.discrete([4, 2, 3], [0.25, 0.25, 0.5], reasoning=R)
    assert prior.params == (("values", (2.0, 3.0, 4.0)),
                            ("probabilities", (0.25, 0.5, 0.25)))
    u = [0.0, 0.2, 0.25, 0.26, 0.75, 0.76, 1.0]
    assert prior.ppf(u).tolist() == [2, 2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize("u", [[-0.1], [1.5], [math.nan], "half", [[0.5], [0.1, 0.2]]])
def test_ppf_refuses_values_outside_the_unit_interval(u: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="u must"):
        Prior.uniform(0, 1, reasoning=R).ppf(u)


# -- sampling -------------------------------------------------------------------------
@pytest.mark.parametrize("family", sorted(KNOWN))
def test_sample_is_reproducible_and_centred_on_the_mean(family: str) -> None:
    prior = KNOWN[family][0]
    draws = prior.sample(20_000, rng=1)
    assert draws.shape == (20_000,)
    np.testing.assert_array_equal(draws, prior.sample(20_000, rng=1))
    low, high = prior.support
    assert np.all((low <= draws) & (draws <= high))
    standard_error = prior.std / math.sqrt(draws.size)
    assert abs(draws.mean() - prior.mean) <= 5 * standard_error + 1e-12


def test_sample_takes_a_generator() -> None:
    prior = Prior.uniform(0, 1, reasoning=R)
    first = prior.sample(5, np.random.default_rng(3))
    np.testing.assert_array_equal(first, prior.sample(5, rng=3))
    assert prior.sample(0).shape == (0,)


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_sample_refuses_a_bad_count(n: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="n must be a non-negative integer"):
        Prior.uniform(0, 1, reasoning=R).sample(n)


def test_sample_refuses_a_bad_rng() -> None:
    with pytest.raises(InvalidArgumentError, match="rng"):
        Prior.uniform(0, 1, reasoning=R).sample(3, rng=1.5)


# -- validation -----------------------------------------------------------------------
BAD: list[tuple[Callable[[], Prior], str]] = [
    (lambda: Prior.truncnorm(0, 0, low=-1, high=1, reasoning=R),
     "truncnorm prior: sd must be > 0, got 0.0"),
    (lambda: Prior.truncnorm(0, -1, low=-1, high=1, reasoning=R), "sd must be > 0"),
    (lambda: Prior.truncnorm(0, 1, low=50, high=60, reasoning=R),
     "too far in the tail"),
    (lambda: Prior.truncnorm(math.inf, 1, low=0, high=1, reasoning=R),
     "mean must be a finite number, got inf"),
    (lambda: Prior.uniform(1, 1, reasoning=R),
     "uniform prior: low must be < high, got low=1.0 and high=1.0"),
    (lambda: Prior.uniform(0, math.inf, reasoning=R),
     "high must be a finite number, got inf"),
    (lambda: Prior.uniform(0, math.nan, reasoning=R), "high must be a finite number"),
    (lambda: Prior.beta(0, 1, reasoning=R), "beta prior: a must be > 0, got 0.0"),
    (lambda: Prior.beta(1, 1, low=1, high=0, reasoning=R), "low must be < high"),
    (lambda: Prior.lognormal(0, 1, reasoning=R), "median must be > 0, got 0.0"),
    (lambda: Prior.lognormal(1, -0.5, reasoning=R), "sigma must be > 0, got -0.5"),
    (lambda: Prior.triangular(0, 2, 1, reasoning=R),
     "mode must lie in [low, high] = [0.0, 1.0], got 2.0"),
    (lambda: Prior.discrete([1, 2], [0.5, 0.6], reasoning=R),
     "probabilities must sum to 1, got 1.1"),
    (lambda: Prior.discrete([1, 2], [1.0], reasoning=R),
     "2 values but 1 probabilities"),
    (lambda: Prior.discrete([1, 1], [0.5, 0.5], reasoning=R),
     "values must be distinct, got [1.0, 1.0]"),
    (lambda: Prior.discrete([1, 2], [1.0, 0.0], reasoning=R),
     "probabilities[1] must be > 0, got 0.0"),
    (lambda: Prior.discrete([], [], reasoning=R), "values must be a non-empty"),
    (lambda: Prior.discrete("ab", [1.0], reasoning=R),  # type: ignore[arg-type]
     "values must be a sequence of finite numbers, got 'ab'"),
    (lambda: Prior.discrete([1, "x"], [0.5, 0.5], reasoning=R),  # type: ignore[list-item]
     "values[1] must be a finite number, got 'x'"),
    (lambda: Prior.point(True, reasoning=R), "value must be a finite number, got True"),
    (lambda: Prior.point("1", reasoning=R),  # type: ignore[arg-type]
     "value must be a finite number, got '1'"),
    (lambda: Prior.uniform(0, 1, reasoning=""), "reasoning must be a non-empty string"),
    (lambda: Prior.uniform(0, 1, reasoning=" "), "reasoning must be a non-empty string"),
    (lambda: Prior.uniform(0, 1, reasoning=R, source=3),  # type: ignore[arg-type]
     "source must be a string, got 3"),
    (lambda: Prior(family="gamma", params=(), reasoning=R),
     "unknown prior family 'gamma'; expected one of ['beta', 'discrete', "),
    (lambda: Prior(family="uniform", params=(("low", 0.0),), reasoning=R),
     "uniform prior: missing parameter 'high'; a uniform prior has ['low', 'high']"),
    (lambda: Prior(family="uniform", reasoning=R,
                   params=(("low", 0.0), ("high", 1.0), ("mode", 0.5))),
     "uniform prior: unknown parameter 'mode'"),
    (lambda: Prior(family="point", params=3, reasoning=R),  # type: ignore[arg-type]
     "params must be (name, value) pairs, got 3"),
    # review finding 10: values that overflowed or were silently dropped
    (lambda: Prior(family="uniform", reasoning=R,
                   params=(("low", 0.0), ("low", 1.0), ("high", 2.0))),
     "uniform prior: parameter 'low' is given twice"),
    (lambda: Prior.uniform(-1e308, 1e308, reasoning=R),
     "uniform prior: high - low must be a finite number"),
    (lambda: Prior.triangular(-1e308, 0, 1e308, reasoning=R),
     "triang prior: high - low must be a finite number"),
    (lambda: Prior.beta(1e308, 1e308, reasoning=R),
     "beta prior: a + b must be a finite number"),
    (lambda: Prior.lognormal(1, 1e3, reasoning=R),
     "lognorm prior: median * exp(+-8.3 * sigma) must lie within"),
    (lambda: Prior.lognormal(1e308, 1, reasoning=R), "got median=1e+308 and sigma=1.0"),
]


@pytest.mark.parametrize(("make", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_priors_are_refused_naming_the_value(
    make: Callable[[], Prior], message: str
) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(message)):
        make()


def test_infinite_truncation_is_allowed() -> None:
    half = Prior.truncnorm(0, 2, low=0, high=math.inf, reasoning=R)
    assert half.support == (0.0, math.inf)
    assert half.mean == pytest.approx(2 * math.sqrt(2 / math.pi))
    whole = Prior.truncnorm(1, 2, low=-math.inf, high=math.inf, reasoning=R)
    assert whole.mean == pytest.approx(1.0)


def test_extreme_but_valid_priors_give_finite_values_without_warnings() -> None:
    """Review finding 10 (the suite turns warnings into errors)."""
    beta = Prior.beta(1e300, 1e300, reasoning=R)
    assert beta.mean == 0.5
    assert beta.std == pytest.approx(math.sqrt(0.25 / 2e300))
    wide = Prior.truncnorm(0, 1, low=-1e308, high=1e308, reasoning=R)
    assert wide.mean == 0.0
    assert wide.std == pytest.approx(1.0)
    assert wide.cdf([0.0]) == pytest.approx([0.5])
    lognormal = Prior.lognormal(1, 80, reasoning=R)  # the mean exp(3200) overflows
    assert lognormal.mean == math.inf
    draws = lognormal.sample(10_000, rng=0)
    assert ((draws > 0) & np.isfinite(draws)).all()


def test_beta_mean_and_std_follow_the_formulas() -> None:
    prior = Prior.beta(2, 6, low=1, high=5, reasoning=R)
    assert prior.mean == pytest.approx(1 + 4 * 2 / 8)
    assert prior.std == pytest.approx(4 * math.sqrt(2 * 6 / (8**2 * 9)))
    assert prior.std == pytest.approx(float(prior.distribution.std()))


@pytest.mark.parametrize("x", ["a", [0.5, None], math.nan, [0.1, math.nan]])
def test_cdf_refuses_what_is_not_a_number(x: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"Prior.cdf: x must be numbers"):
        Prior.uniform(0, 1, reasoning=R).cdf(x)


@pytest.mark.parametrize(
    "bounds", [5, (math.nan, math.nan), (0.0, math.nan), (1.0, 0.0), (0, 1, 2), "01"]
)
def test_check_within_refuses_bad_bounds(bounds: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"Prior.check_within: bounds"):
        Prior.uniform(0, 1, reasoning=R).check_within(bounds)


def test_param_names_a_missing_parameter() -> None:
    prior = Prior.beta(2, 5, reasoning=R)
    assert prior.param("b") == 5.0
    with pytest.raises(InvalidArgumentError, match=r"no parameter 'sd'; it has \['a'"):
        prior.param("sd")


# -- fitting a parameter's bounds -----------------------------------------------------
def test_check_within_compares_support_and_bounds() -> None:
    Prior.beta(2, 5, reasoning=R).check_within((0.0, 1.0))
    Prior.lognormal(1, 1, reasoning=R).check_within((0.0, math.inf))
    with pytest.raises(InvalidModelError, match=re.escape(
        "the prior of x.y, LogNormal(1, 1) on [0, inf], has support [0, inf] "
        "outside the parameter's bounds [0, 10]"
    )):
        Prior.lognormal(1, 1, reasoning=R).check_within((0.0, 10.0), name="x.y")
    with pytest.raises(InvalidModelError, match="outside the parameter's bounds"):
        Prior.uniform(-1, 1, reasoning=R).check_within((0.0, 1.0))


def test_integer_parameters_need_integer_discrete_or_point_priors() -> None:
    Prior.discrete([1, 2, 4], [0.2, 0.3, 0.5], reasoning=R).check_within(
        (0, 4), integer=True)
    Prior.point(3, reasoning=R).check_within((0, 4), integer=True)
    for prior in (Prior.uniform(0, 4, reasoning=R),
                  Prior.discrete([0.5, 2], [0.5, 0.5], reasoning=R),
                  Prior.point(2.5, reasoning=R)):
        with pytest.raises(InvalidModelError, match="does not fit an integer parameter"):
            prior.check_within((0, 4), integer=True, name="japan.demand")


# -- identity and serialisation -------------------------------------------------------
def test_priors_are_immutable_and_hashable() -> None:
    prior = Prior.beta(2, 5, reasoning=R, source="s")
    same = Prior.beta(2.0, 5.0, low=0, high=1, reasoning=R, source="s")
    _ = prior.distribution  # the cached distribution takes no part in equality
    assert prior == same
    assert hash(prior) == hash(same)
    assert len({prior, same, Prior.beta(2, 6, reasoning=R)}) == 2
    assert prior != Prior.beta(2, 5, reasoning=R, source="other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        prior.family = "uniform"  # type: ignore[misc]
    assert all(isinstance(value, float) for _, value in prior.params)
    discrete = Prior.discrete([1, 2], [0.5, 0.5], reasoning=R)
    assert hash(discrete) == hash(Prior.discrete((2, 1), (0.5, 0.5), reasoning=R))


@given(priors())
def test_dict_round_trip_is_exact(prior: Prior) -> None:
    data = prior.to_dict()
    assert data["family"] == prior.family
    assert Prior.from_dict(data) == prior
    assert pickle.loads(pickle.dumps(prior)) == prior


@given(priors())
def test_repr_rebuilds_the_prior(prior: Prior) -> None:
    assert eval(repr(prior), {"Prior": Prior, "inf": math.inf}) == prior


def test_repr_and_describe_read_well() -> None:
    prior = Prior.beta(2, 5, reasoning="low more likely", source="judgement")
    assert repr(prior) == (
        "Prior.beta(2, 5, low=0, high=1, reasoning='low more likely', "
        "source='judgement')"
    )
    assert prior.describe() == "Beta(2, 5) on [0, 1]: low more likely (judgement)"
    assert Prior.point(1, reasoning="unit").describe() == "Point(1): unit"
    assert Prior.discrete([1, 2], [0.25, 0.75], reasoning="r").label() == (
        "Discrete({1: 0.25, 2: 0.75})"
    )
    assert Prior.truncnorm(1, 0.5, low=0, high=2, reasoning="r").label() == (
        "TruncNormal(1, 0.5) on [0, 2]"
    )


FROM_DICT_ERRORS = [
    ({"family": "scipy.stats.gamma", "reasoning": R}, "unknown prior family"),
    ({"low": 0, "high": 1, "reasoning": R}, "unknown prior family None"),
    ({"family": "uniform", "low": 0, "high": 1}, "uniform prior: missing 'reasoning'"),
    ({"family": "uniform", "low": 0, "high": 1, "sd": 1, "reasoning": R},
     "uniform prior: unknown key 'sd'"),
    ({"family": "uniform", "low": 0, "reasoning": R},
     "uniform prior: missing parameter 'high'"),
    ({"family": "beta", "a": "2", "b": 1, "low": 0, "high": 1, "reasoning": R},
     "beta prior: a must be a finite number, got '2'"),
    ([("family", "uniform")], "a prior must be a table"),
]


@pytest.mark.parametrize(("data", "message"), FROM_DICT_ERRORS,
                         ids=[m for _, m in FROM_DICT_ERRORS])
def test_from_dict_refuses_bad_tables(data: Any, message: str) -> None:
    with pytest.raises(InvalidModelError, match=re.escape(message)):
        Prior.from_dict(data)


def test_prior_is_exported() -> None:
    assert kurilsim.Prior is Prior
    assert "Prior" in kurilsim.__all__
    assert kurilsim.model.Prior is Prior
