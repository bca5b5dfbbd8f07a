"""Tests of kurilsim.calibration: ABC-SMC recovers what it should, refuses what
it cannot use, and its posterior saves and loads exactly.

The procedure is tested on a small generic model whose posterior is known:
a buyer proposes a price on a grid, a seller accepts iff the price reaches its
reservation value (its status quo).  Under the subgame-perfect outcome the
buyer offers the cheapest price the seller accepts, if that is below the
buyer's own reservation; so each observed outcome confines the two reservation
values to intervals, and the exact posterior is the prior restricted to their
intersection.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

import kurilsim
from kurilsim import (
    AgreementSpace,
    InvalidArgumentError,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    Posterior,
    Prior,
    Scenario,
)
from kurilsim.calibration import PriorFallbackWarning
from kurilsim.model.record import Citation, ObservedOutcome, ObservedPreference, Record

CITE = Citation(author="A. Historian", title="A test chronicle", year=2000,
                locator="p. 1")


def market(name: str, offset: float, *, step: float = 0.1) -> Scenario:
    """A sale on the price grid offset, offset + step, ... below 1."""
    levels = tuple(float(v) for v in np.arange(offset, 1.0, step))
    space = AgreementSpace((Issue(
        name="price", options=tuple(f"p{k}" for k in range(len(levels))),
        features={"level": levels},
    ),))
    scenario = Scenario(
        name=name,
        space=space,
        agents=(
            LinearAgent(name="buyer", weights={"price.level": -1.0}, status_quo=-0.9),
            LinearAgent(name="seller", weights={"price.level": 1.0}, status_quo=0.3),
        ),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
    )
    return scenario.with_priors({
        "seller.status_quo": Prior.uniform(0.0, 1.0, reasoning="test"),
        "buyer.status_quo": Prior.uniform(-1.0, 0.0, reasoning="test"),
    })


def observed(scenario: Scenario, truth: dict[str, float]) -> ObservedOutcome:
    """What the model does at ``truth``, solved point by point (not by the
    vectorised kernel the calibration uses)."""
    outcome = kurilsim.solve_scenario(scenario.with_params(truth))
    if outcome.agreement is None:
        deal = None
    else:
        level = float(scenario.space.feature("price.level")[outcome.agreement_index])
        deal = f"price.level=={level!r}"
    return ObservedOutcome(scenario=scenario.name, date="2000-01-01",
                           description=f"outcome of {scenario.name}", source=CITE,
                           deal=deal)


def markets(count: int, step: float = 0.1) -> list[Scenario]:
    return [market(f"m{k}", 0.005 + k * step / count, step=step) for k in range(count)]


def simulated_record(scenarios: list[Scenario], truth: dict[str, float]) -> Record:
    return Record([observed(s, truth) for s in scenarios])


# -- recovery ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["smc", "pmc"])
def test_recovers_known_parameters(method):
    truth = {"seller.status_quo": 0.537, "buyer.status_quo": -0.81}
    scenarios = markets(8)
    record = simulated_record(scenarios, truth)
    posterior = kurilsim.calibrate(scenarios, record, samples=400, rng=3,
                                   max_draws=400_000, method=method)
    assert posterior.status == "converged"
    assert posterior.tolerance == 0.0
    assert set(posterior.names) == set(truth)  # same prior and value: shared
    summary = posterior.summary()
    for k, name in enumerate(summary.names):
        assert summary.lower[k] <= truth[name] <= summary.upper[k], name
        prior_sd = posterior.priors[name].std
        assert summary.sd[k] < 0.5 * prior_sd, name
    # every particle reproduces the record (tolerance 0)
    assert np.all(posterior.distances == 0)


def test_seller_interval_is_the_exact_posterior():
    """With one informative market the posterior of the seller's reservation is
    uniform on the interval the observed price implies."""
    truth = {"seller.status_quo": 0.42, "buyer.status_quo": -0.95}
    scenario = market("one", 0.05)  # prices 0.05, 0.15, ..., 0.95
    record = simulated_record([scenario], truth)  # deal at 0.45
    posterior = kurilsim.calibrate([scenario], record, samples=2000, rng=5,
                                   max_draws=400_000)
    seller = posterior.column("seller.status_quo")
    assert seller.min() > 0.35 - 1e-9
    assert seller.max() <= 0.45 + 1e-9
    # uniform on (0.35, 0.45]: Kolmogorov-Smirnov at a lenient level
    assert stats.kstest(seller, stats.uniform(0.35, 0.10).cdf).pvalue > 0.001


@pytest.mark.slow
def test_simulation_based_calibration():
    """Talts et al. (2018): ranks of the truth among posterior draws are uniform."""
    rng = np.random.default_rng(20180406)
    scenarios = markets(3, step=0.2)
    prior = Prior.uniform(0.0, 1.0, reasoning="test")
    draws, bins = 19, 5
    ranks = []
    for replicate in range(100):
        truth = {"seller.status_quo": float(prior.sample(1, rng)[0]),
                 "buyer.status_quo": -0.999}
        record = simulated_record(scenarios, truth)
        fixed = [s.with_params({"buyer.status_quo": -0.999}).with_priors({
            "buyer.status_quo": Prior.point(-0.999, reasoning="known")})
            for s in scenarios]
        posterior = kurilsim.calibrate(fixed, record, samples=200, rng=replicate,
                                       max_draws=200_000)
        sample = posterior.sample(draws, rng)[:, 0]
        ranks.append(int(np.sum(sample < truth["seller.status_quo"])))
    counts = np.bincount(np.array(ranks) * bins // (draws + 1), minlength=bins)
    assert stats.chisquare(counts).pvalue > 0.001, counts


# -- parameters shared and per scenario --------------------------------------------------
def test_overridden_parameters_are_per_scenario():
    a = market("a", 0.05)
    b = market("b", 0.05).with_params({"seller.status_quo": 0.6})
    record = Record([
        ObservedOutcome(scenario="a", date="2000-01-01", description="x",
                        source=CITE, deal="price.level>0"),
        ObservedOutcome(scenario="b", date="2001-01-01", description="y",
                        source=CITE, deal=None),
    ])
    posterior = kurilsim.calibrate([a, b], record, samples=100, rng=1,
                                   max_draws=50_000)
    assert posterior.names == ("a:seller.status_quo", "b:seller.status_quo",
                               "buyer.status_quo")
    assert posterior.targets["buyer.status_quo"] == (
        ("a", "buyer.status_quo"), ("b", "buyer.status_quo"))
    # in b no deal: the seller asks more than the buyer pays
    gap = posterior.column("b:seller.status_quo") + posterior.column("buyer.status_quo")
    assert np.all(gap > -0.15)


def test_predictive_uses_the_posterior_and_reports_errors():
    truth = {"seller.status_quo": 0.537, "buyer.status_quo": -0.81}
    scenarios = markets(6)
    posterior = kurilsim.calibrate(scenarios, simulated_record(scenarios, truth),
                                   samples=300, rng=2, max_draws=200_000)
    # prices 0.05, 0.3, 0.55, 0.8: the seller (0.53 to 0.54) accepts 0.55, which
    # the buyer pays (the deals observed, up to about 0.63, show it pays more)
    target = market("new", 0.05, step=0.25)
    predictive = posterior.predictive(target, record=Record([observed(target, truth)]))
    assert predictive.outcomes["p2"][0] == pytest.approx(1.0)
    assert predictive.deal[0] == pytest.approx(1.0)
    assert next(iter(predictive.observations.values()))[0] == pytest.approx(1.0)
    # a scenario whose prior differs takes its own prior: uncertain outcome
    wide = target.with_priors({"seller.status_quo": Prior.uniform(
        0.0, 0.99, reasoning="other")})
    spread = posterior.predictive(wide, samples=2000, rng=1)
    assert 0.1 < spread.outcomes["p2"][0] < 0.5
    assert all(0 < error < 0.05 for _, error in spread.outcomes.values())
    assert sum(p for p, _ in spread.outcomes.values()) == pytest.approx(1.0)
    # so does one whose file sets another value (the period differs)
    other = posterior.predictive(target.with_params({"seller.status_quo": 0.2}),
                                 samples=2000, rng=1)
    assert 0.1 < other.outcomes["p2"][0] < 0.5


# -- bad input ---------------------------------------------------------------------------
def test_bad_input_is_refused_with_named_errors():
    scenario = market("s", 0.05)
    good = Record([ObservedOutcome(scenario="s", date="2000-01-01",
                                   description="x", source=CITE)])
    with pytest.raises(InvalidArgumentError, match="record is empty"):
        kurilsim.calibrate([scenario], Record(()))
    other = Record([ObservedOutcome(scenario="t", date="2000-01-01",
                                    description="x", source=CITE)])
    with pytest.raises(InvalidArgumentError, match="scenario 't'"):
        kurilsim.calibrate([scenario], other)
    with pytest.raises(InvalidArgumentError, match="scenario 'u' has no observation"):
        kurilsim.calibrate([scenario, market("u", 0.05)], good)
    agent = Record([ObservedPreference(scenario="s", date="2000-01-01",
                                       description="x", source=CITE, agent="broker",
                                       prefers="price.level>0")])
    with pytest.raises(InvalidModelError, match="no agent 'broker'"):
        kurilsim.calibrate([scenario], agent)
    feature = Record([ObservedOutcome(scenario="s", date="2000-01-01",
                                      description="x", source=CITE,
                                      deal="price.margin>0")])
    with pytest.raises(InvalidModelError, match=r"price\.margin"):
        kurilsim.calibrate([scenario], feature)
    with pytest.raises(InvalidArgumentError, match="may give a lottery"):
        kurilsim.calibrate([scenario], good, concept="nash")
    with pytest.raises(InvalidArgumentError, match="no vectorised kernel"):
        kurilsim.calibrate([scenario], good, concept=kurilsim.Concept(
            name="no-kernel", title="t", description="d",
            solve=kurilsim.concepts.get("spe").solve))
    with pytest.raises(InvalidArgumentError, match="method"):
        kurilsim.calibrate([scenario], good, method="rejection")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="samples"):
        kurilsim.calibrate([scenario], good, samples=1)
    fixed = scenario.with_priors({
        "seller.status_quo": Prior.point(0.3, reasoning="known"),
        "buyer.status_quo": Prior.point(-0.9, reasoning="known"),
    })
    with pytest.raises(InvalidArgumentError, match="nothing to infer"):
        kurilsim.calibrate([fixed], good)


# -- files -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_posterior() -> Posterior:
    scenarios = markets(3)
    record = simulated_record(scenarios, {"seller.status_quo": 0.3,
                                          "buyer.status_quo": -0.7})
    return kurilsim.calibrate(scenarios, record, samples=100, rng=4, max_draws=50_000)


def test_save_refuses_to_write_over_a_file_unless_asked(small_posterior, tmp_path):
    path = tmp_path / "posterior.npz"
    path.write_bytes(b"an earlier run")
    with pytest.raises(kurilsim.OutputError, match=r"posterior\.npz exists; pass overwrite"):
        small_posterior.save(path)
    assert path.read_bytes() == b"an earlier run"
    small_posterior.save(path, overwrite=True)
    assert Posterior.load(path).names == small_posterior.names


def test_save_load_round_trip_is_exact(small_posterior, tmp_path):
    path = tmp_path / "posterior.npz"
    small_posterior.save(path)
    loaded = Posterior.load(path)
    for name in ("values", "weights", "distances", "lineage"):
        assert np.array_equal(getattr(loaded, name), getattr(small_posterior, name))
    for name in ("names", "priors", "targets", "scenarios", "concept",
                 "observations", "generations", "status", "fixed", "points"):
        assert getattr(loaded, name) == getattr(small_posterior, name), name
    assert str(loaded.summary()) == str(small_posterior.summary())


def test_load_refuses_bad_files(small_posterior, tmp_path):
    with pytest.raises(InvalidArgumentError, match="no such file"):
        Posterior.load(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(InvalidArgumentError, match="not a readable"):
        Posterior.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, values=np.zeros((2, 1)))
    with pytest.raises(InvalidArgumentError, match="missing arrays"):
        Posterior.load(other)
    good = tmp_path / "good.npz"
    small_posterior.save(good)
    with np.load(good) as data:
        arrays = {key: data[key] for key in data.files}
    bad_weights = tmp_path / "weights.npz"
    np.savez(bad_weights, **{**arrays, "weights": arrays["weights"] * 2})
    with pytest.raises(InvalidArgumentError, match="weights"):
        Posterior.load(bad_weights)
    bad_meta = tmp_path / "meta.npz"
    np.savez(bad_meta, **{**arrays, "metadata_json": np.array('{"format": "x"}')})
    with pytest.raises(InvalidArgumentError, match="not a kurilsim posterior"):
        Posterior.load(bad_meta)


def test_summary_and_table(small_posterior):
    summary = small_posterior.summary()
    assert summary.correlation.shape == (2, 2)
    assert np.allclose(np.diag(summary.correlation), 1.0)
    assert "seller.status_quo" in str(summary)
    pd = pytest.importorskip("pandas")
    frame = small_posterior.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [*small_posterior.names, "weight", "distance"]
    assert frame["weight"].sum() == pytest.approx(1.0)
    # the ESS counts lineages, not particles: Kish's 1 / sum W_c^2 of the
    # lineages' total weights
    lineage = small_posterior.lineage
    totals = np.bincount(np.unique(lineage, return_inverse=True)[1].ravel(),
                         weights=small_posterior.weights)
    assert small_posterior.ess == pytest.approx(1.0 / np.sum(totals**2))
    assert small_posterior.ess <= small_posterior.lineages < len(lineage)
    assert small_posterior.lineages == len(np.unique(lineage))
    assert f"{small_posterior.lineages} lineages" in small_posterior.message
    assert summary.lineages == small_posterior.lineages
    assert f"{small_posterior.lineages} lineages" in str(summary)


def test_reproducible_with_a_seed():
    scenarios = markets(2)
    record = simulated_record(scenarios, {"seller.status_quo": 0.5,
                                          "buyer.status_quo": -0.7})
    first = kurilsim.calibrate(scenarios, record, samples=80, rng=9, max_draws=20_000)
    second = kurilsim.calibrate(scenarios, record, samples=80, rng=9, max_draws=20_000)
    assert np.array_equal(first.values, second.values)
    assert first.generations == second.generations


def test_corner_plot(small_posterior):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kurilsim import plot

    axes = plot.posterior(small_posterior)
    names = small_posterior.names
    assert len(axes) == len(names) ** 2
    assert axes[len(names) * (len(names) - 1)].get_xlabel() in names  # bottom row
    assert not axes[1].axison  # the upper triangle is empty
    assert len(axes[0].patches) == 30  # the histogram's bins
    assert [line.get_label() for line in axes[0].get_lines()] == ["prior"]
    with pytest.raises(InvalidArgumentError, match="no calibrated parameter"):
        plot.posterior(small_posterior, parameters=["nonsense"])
    plt.close("all")


def test_kuril_particles_reproduce_the_record_point_by_point():
    """The particles of a Kuril calibration at tolerance 0 reproduce every entry
    when their scenario is solved point by point (kurilsim.solve_scenario), not
    only on the vectorised path the calibration simulates with."""
    from kurilsim.kuril.record import kuril_record

    name = "1956-declaration"
    record = kuril_record().only([name])
    posterior = kurilsim.calibrate([name], record, samples=200, rng=11,
                                   max_draws=100_000)
    assert posterior.status == "converged"
    scenario = kurilsim.load_scenario(name)
    defaults = scenario.parameters()
    for row in np.random.default_rng(0).choice(len(posterior.weights), 12):
        changes = {}
        for column, label in enumerate(posterior.names):
            ((_, dotted),) = posterior.targets[label]
            value = float(posterior.values[row, column])
            changes[dotted] = int(value) if isinstance(defaults[dotted], int) else value
        point = scenario.with_params(changes)
        outcome = kurilsim.solve_scenario(point)
        table = point.outcome_utilities()[:, :, np.newaxis]
        codes = np.array([outcome.agreement_index])
        for observation in record:
            assert observation.reproduced(point.space, point.agent_names, table,
                                          codes)[0], observation.description


def test_weights_and_other_kernel_concepts():
    scenarios = markets(2)
    record = simulated_record(scenarios, {"seller.status_quo": 0.5,
                                          "buyer.status_quo": -0.7})
    heavy = record.observations[0].description
    posterior = kurilsim.calibrate(scenarios, record, samples=100, rng=1,
                                   max_draws=50_000, weights={heavy: 3.0})
    shares = {0.0, 0.25, 0.75, 1.0}  # weights 3:1, normalised
    assert {g.tolerance for g in posterior.generations[1:]} <= shares
    with pytest.raises(InvalidArgumentError, match="no observation's description"):
        kurilsim.calibrate(scenarios, record, weights={"nothing": 1.0})
    bargaining = kurilsim.calibrate(scenarios, record, samples=100, rng=1,
                                    max_draws=50_000,
                                    concept="nash-bargaining-discrete")
    assert bargaining.concept == "nash-bargaining-discrete"


def test_estimates_are_posterior_means_per_scenario(small_posterior):
    point = small_posterior.estimates("m0")
    assert set(point) == {"seller.status_quo", "buyer.status_quo"}
    column = small_posterior.column("seller.status_quo")
    assert point["seller.status_quo"] == pytest.approx(
        float(small_posterior.weights @ column))
    with pytest.raises(InvalidArgumentError, match="was not calibrated"):
        small_posterior.estimates("elsewhere")


@pytest.mark.parametrize("method", ["smc", "pmc"])
def test_an_uninformative_record_leaves_the_prior(method):
    """A record every point reproduces: the posterior is the prior, for a discrete
    prior on unevenly spaced values (the random walk's rounding is corrected
    for) and a skewed continuous one."""
    values, chances = [0.1, 0.2, 0.4, 0.8], [0.1, 0.2, 0.3, 0.4]
    scenario = market("s", 0.05).with_params({"seller.status_quo": 0.4}).with_priors({
        "seller.status_quo": Prior.discrete(values, chances, reasoning="test"),
        "buyer.status_quo": Prior.beta(2, 5, low=-1.0, high=0.0, reasoning="test"),
    })
    always = Record([ObservedPreference(
        scenario="s", date="2000-01-01", description="vacuous", source=CITE,
        agent="seller", prefers=None, to="price.level>5", quantifier="every")])
    posterior = kurilsim.calibrate([scenario], always, samples=4000, rng=8,
                                   max_draws=400_000, method=method)
    assert posterior.status == "converged"
    assert all(g.acceptance_rate > 0.1 for g in posterior.generations)  # moved
    seller = posterior.column("seller.status_quo")
    for value, chance in zip(values, chances, strict=True):
        share = float(posterior.weights @ (seller == value))
        assert share == pytest.approx(chance, abs=0.04), value
    buyer = posterior.sample(4000, 1)[:, posterior.names.index("buyer.status_quo")]
    prior = scenario.priors()["buyer.status_quo"].distribution
    assert stats.kstest(buyer, prior.cdf).statistic < 0.05


def test_a_shared_parameter_is_one_calibrated_dimension():
    """Two agents share ``volume`` (tests/model/test_scenario.py): the buyer
    pays for it, the seller earns on it.  No trade was observed; at a particle
    that is so only if the buyer's cost, thrift * volume, exceeds its 3 of doing
    without, or the seller's sqrt(volume) misses its 0.5 -- had only one holder
    received the calibrated volume (the buyer kept 2), the record would confine
    thrift instead."""
    from tests.model.test_scenario import trade

    scenario = trade()
    assert scenario.free_parameters() == ("buyer.thrift", "buyer.volume")
    record = Record([ObservedOutcome(scenario="trade", date="2000-01-01",
                                     description="no trade", source=CITE, deal=None)])
    posterior = kurilsim.calibrate([scenario], record, samples=200, rng=3,
                                   max_draws=100_000)
    assert posterior.status == "converged"
    assert posterior.names == ("buyer.thrift", "buyer.volume")
    assert posterior.targets["buyer.volume"] == (("trade", "buyer.volume"),)
    thrift, volume = posterior.values[:, 0], posterior.values[:, 1]
    assert np.all((thrift * volume > 3.0) | (volume < 0.25))
    # many particles explain the record only through the buyer's volume: with
    # the buyer at volume 2 they would trade (thrift * 2 < 3, sqrt(volume) >= 0.5)
    assert np.mean((thrift * 2.0 < 3.0) & (volume >= 0.25)) > 0.2
    for row in range(0, len(thrift), 20):
        point = scenario.with_params({"buyer.thrift": thrift[row],
                                      "buyer.volume": volume[row]})
        assert point.agent("seller").volume == volume[row]
        assert kurilsim.solve_scenario(point).agreement is None


# -- review findings: honest errors, hardened files ----------------------------------------
def hand_posterior(values, weights=None, lineage=None, **changes) -> Posterior:
    """A posterior of market "h" with the given (seller, buyer) particles."""
    import dataclasses

    from kurilsim.calibration import Generation

    scenario = market("h", 0.05)
    priors = scenario.priors()
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    weights = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, float)
    posterior = Posterior(
        names=("buyer.status_quo", "seller.status_quo"),
        values=values[:, ::-1].copy(),
        weights=weights,
        distances=np.zeros(n),
        priors={name: priors[name] for name in ("buyer.status_quo",
                                                  "seller.status_quo")},
        targets={"buyer.status_quo": (("h", "buyer.status_quo"),),
                 "seller.status_quo": (("h", "seller.status_quo"),)},
        scenarios=("h",),
        concept="spe",
        observations=("2000-01-01 h: x",),
        generations=(Generation(float("inf"), n, n, 1.0, float(n)),
                     Generation(0.0, n, n, 0.5, 2.0)),
        status="converged",
        points={"buyer.status_quo": -0.9, "seller.status_quo": 0.3},
        lineage=None if lineage is None else np.asarray(lineage),
    )
    return dataclasses.replace(posterior, **changes) if changes else posterior


def test_errors_are_clustered_by_lineage():
    """Two lineages of 50 particles, one always trading, one never: the deal's
    probability is 1/2 with the error of two draws (0.5), not of 100 (0.05)."""
    deal, none = (0.3, -0.9), (0.95, -0.1)
    posterior = hand_posterior([deal] * 50 + [none] * 50, lineage=[0] * 50 + [1] * 50)
    assert posterior.lineages == 2
    assert posterior.ess == pytest.approx(2.0)
    predictive = posterior.predictive(market("h", 0.05))
    assert predictive.deal == pytest.approx((0.5, 0.5))
    assert predictive.lineages == 2
    assert predictive.ess == pytest.approx(2.0)
    # lineages that mix evenly: the binomial error of the 100 particles remains
    mixed = hand_posterior([deal, none] * 50, lineage=np.repeat(np.arange(10), 10))
    assert mixed.predictive(market("h", 0.05)).deal == pytest.approx((0.5, 0.05))
    # a posterior from calibrate records its lineages: fewer than its particles
    scenarios = markets(2)
    record = simulated_record(scenarios, {"seller.status_quo": 0.5,
                                          "buyer.status_quo": -0.7})
    fitted = kurilsim.calibrate(scenarios, record, samples=200, rng=3,
                                max_draws=50_000)
    assert fitted.lineage.shape == (200,)
    assert 1 <= fitted.lineages < 200
    assert fitted.ess <= fitted.lineages
    first = next(g for g in fitted.generations if g.tolerance == fitted.tolerance)
    assert fitted.lineages <= first.ess  # at most the particles within it


def test_a_format_1_file_still_loads_with_its_generation_count(tmp_path):
    old = hand_posterior([(0.3, -0.9), (0.95, -0.1)] * 50)  # no lineage
    path = tmp_path / "old.npz"
    old.save(path)
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    assert "lineage" not in arrays
    meta = json.loads(str(arrays["metadata_json"]))
    meta["version"] = 1
    np.savez(path, **{**arrays, "metadata_json": np.array(json.dumps(meta))})
    loaded = Posterior.load(path)
    assert loaded.lineage is None
    assert loaded.lineages == 2  # the particles within tolerance 0 before the moves
    assert loaded.ess == pytest.approx(2.0)
    p, error = loaded.predictive(market("h", 0.05)).deal
    assert (p, error) == pytest.approx((0.5, 0.5 / np.sqrt(2.0)))


def test_probabilities_stay_in_the_unit_interval():
    weights = np.random.default_rng(5).random(97)
    weights /= weights.sum()
    assert 1.0 - weights.sum() != 0.0  # the rounding the estimates must absorb
    never = hand_posterior([(0.95, -0.1)] * 97, weights=weights,
                           lineage=np.arange(97) % 7)
    predictive = never.predictive(market("h", 0.05))
    assert predictive.deal == (0.0, 0.0)
    assert predictive.no_deal[0] == 1.0
    assert all(0.0 <= p <= 1.0 for p, _ in predictive.outcomes.values())
    always = hand_posterior([(0.3, -0.9)] * 97, weights=weights,
                            lineage=np.arange(97) % 7)
    p, _ = always.predictive(market("h", 0.05)).deal
    assert p <= 1.0
    assert p == pytest.approx(1.0)


def test_predictive_names_what_comes_from_the_prior(small_posterior):
    same = markets(3)[0]
    assert small_posterior.predictive(same).from_prior == ()
    nudged = same.with_params({"seller.status_quo": 0.3 + 1e-9})
    with pytest.warns(PriorFallbackWarning,
                      match=r"\['seller\.status_quo'\]"):
        predictive = small_posterior.predictive(nudged)
    assert predictive.from_prior == ("seller.status_quo",)
    # a held-out period of another name takes the prior without a warning
    other = market("elsewhere", 0.05).with_params({"seller.status_quo": 0.5})
    assert small_posterior.predictive(other).from_prior == ("seller.status_quo",)


def test_predictive_works_in_blocks_and_bounds_samples(small_posterior):
    many = small_posterior.predictive(markets(3)[0], samples=9000, rng=1)
    assert sum(p for p, _ in many.outcomes.values()) == pytest.approx(1.0)
    with pytest.raises(InvalidArgumentError, match="samples"):
        small_posterior.predictive(markets(3)[0], samples=10**8)


def test_huge_weights_do_not_overflow():
    scenarios = markets(2)
    record = simulated_record(scenarios, {"seller.status_quo": 0.5,
                                          "buyer.status_quo": -0.7})
    plain = kurilsim.calibrate(scenarios, record, samples=60, rng=1, max_draws=5000)
    huge = kurilsim.calibrate(scenarios, record, samples=60, rng=1, max_draws=5000,
                              weights={o.description: 1e308 for o in record})
    assert np.array_equal(huge.values, plain.values)
    assert huge.status == plain.status
    assert huge.tolerance == plain.tolerance
    with pytest.raises(InvalidArgumentError, match="finite"):
        kurilsim.calibrate(scenarios, record, samples=60,
                           weights={record.observations[0].description: np.inf})


def rewrite(source, target, *, meta=None, **arrays):
    """Copy the posterior file ``source`` to ``target`` with changes."""
    with np.load(source) as data:
        found = {key: data[key] for key in data.files}
    metadata = json.loads(str(found["metadata_json"]))
    metadata.update(meta or {})
    found.update(arrays)
    found["metadata_json"] = np.array(json.dumps(metadata))
    np.savez(target, **found)
    return target


def test_load_refuses_damaged_files_with_named_errors(small_posterior, tmp_path):
    import zipfile

    good = tmp_path / "good.npz"
    small_posterior.save(good)
    refused = {}
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:2000])
    refused["truncated"] = truncated
    npy = tmp_path / "array.npz"
    with open(npy, "wb") as stream:
        np.save(stream, np.zeros(3))
    refused["npy"] = npy
    refused["fixed list"] = rewrite(good, tmp_path / "f.npz", meta={"fixed": [1, 2]})
    refused["version bool"] = rewrite(good, tmp_path / "b.npz", meta={"version": True})
    refused["points list"] = rewrite(good, tmp_path / "p.npz", meta={"points": [1, 2]})
    refused["targets string"] = rewrite(
        good, tmp_path / "t.npz",
        meta={"targets": {n: ["ab"] for n in small_posterior.names}})
    refused["incomplete"] = rewrite(
        good, tmp_path / "g.npz", meta={"generations": [[1.0, 10, 1, 0.1, 1.0]]})
    refused["nan distance"] = rewrite(
        good, tmp_path / "d.npz",
        distances=np.full(len(small_posterior.weights), np.nan))
    refused["outside prior"] = rewrite(
        good, tmp_path / "v.npz", values=np.full(small_posterior.values.shape, -1e9))
    deep = tmp_path / "deep.npz"
    with np.load(good) as data:
        arrays = {key: data[key] for key in data.files}
    np.savez(deep, **{**arrays, "metadata_json": np.array(
        '{"a":' * 100_000 + "1" + "}" * 100_000)})
    refused["deep json"] = deep
    huge = tmp_path / "huge.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(huge, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "weights.npy":
                content = content.replace(b"(100,)", b"(1099511627776,)")
            out.writestr(info.filename, content)
    refused["huge header"] = huge
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(
        bomb, "w", compression=zipfile.ZIP_DEFLATED
    ) as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "values.npy":
                content = content + bytes(50_000_000)
            out.writestr(info.filename, content)
    refused["bomb"] = bomb
    for label, path in refused.items():
        with pytest.raises(InvalidArgumentError, match="posterior file"):
            Posterior.load(path)
        assert label  # each label is one reviewer reproducer
    with pytest.raises(InvalidArgumentError, match="path"):
        Posterior.load(None)  # type: ignore[arg-type]
    assert Posterior.load(good).names == small_posterior.names  # the original loads
