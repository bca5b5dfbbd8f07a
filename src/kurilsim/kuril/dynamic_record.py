"""The dynamic model against the record: no peace treaty by the end of 2024.

The dynamic model (:mod:`kurilsim.kuril.history`) gives, for every value of
its parameters, the probability of the one fact the record states about the
talks as a whole: from 1956 to the end of 2024 no peace treaty was signed.
The regimes themselves are observed too: the year in which each began is
known (:func:`~kurilsim.kuril.history.regime_of_year`).  So the likelihood
of the record is the probability of no treaty *along the observed path of
regimes*: with ``a_r`` the probability that a treaty (a first stage
included) is concluded in a year spent in regime ``r`` at the start of talks
(the solved equilibrium's :attr:`agreement_rates` in that regime's state),

    P(record | theta) = prod over the years y = start, ..., until of (1 - a_{r(y)}),

computed exactly from the solved game (no simulation, no tolerance).  The
hazards still matter: they are what each side expects of the next regime,
which decides what it accepts now.  The posterior of the parameters given the
record is the prior reweighted by that likelihood:

    posterior(theta)  ∝  prior(theta) * P(record | theta).

:func:`dynamic_posterior` draws ``draws`` parameter points from their priors
-- the regimes' yearly exit hazards (:func:`~kurilsim.kuril.history.hazard_priors`,
themselves built from the observed spells) and, with ``parameters="all"``,
every free parameter of each regime's scenario, drawn independently per
regime -- solves the dynamic game at each, and weights each draw by its
likelihood (self-normalised importance sampling with the prior as proposal;
Kish's effective sample size says how many draws carry the posterior).  It
reports

* the prior predictive probability of the record (the mean likelihood: how
  surprising "no treaty along the observed path" is to the model before it
  sees the record), with its Monte-Carlo standard error, and the share of
  draws under which the record is possible at all;
* for each horizon year ``Y``, the probability of a treaty by ``Y`` given the
  record, which by the Markov property is the probability of a treaty from
  the regime in force at the record's end (post-2022 for 2024), under the
  posterior;
* posterior means of the hazards and of any drawn parameter
  (:meth:`DynamicPosterior.mean`), and the parameters the record moves most
  (:meth:`DynamicPosterior.shifts`), with the size of shift that noise alone
  gives at this effective sample size.

Parameters read only by another concept (:meth:`kurilsim.Scenario.read_by`:
the pledge game's clauses, the ratifiers' thresholds) are not drawn: the
dynamic game does not read them.

Nothing is tuned: the record enters only through the likelihood.  A model
that makes the record impossible at most of its prior shows it as a small
prior predictive probability, a small share of possible draws and a small
effective sample size, all reported; if no draw makes the record possible
there is no posterior (the weights are all zero and the forecasts NaN).

References
----------
Kish, L. (1965). *Survey Sampling*. New York: Wiley (the effective sample
size of weighted draws).
Owen, A. B. (2013). *Monte Carlo theory, methods and examples*, ch. 9
(self-normalised importance sampling). https://artowen.su.domains/mc/
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim._arrays import readonly
from kurilsim._checks import check_choice, check_int, check_rng, describe
from kurilsim._errors import InvalidArgumentError, KurilsimError
from kurilsim.kuril.history import (
    REGIMES,
    hazard_priors,
    kuril_dynamic_game,
    regime_of_year,
)
from kurilsim.kuril.scenarios import load_scenario
from kurilsim.solvers.markov import DEFAULT_TOL, solve_markov_bargaining

__all__ = ["PARAMETER_SETS", "DynamicPosterior", "dynamic_posterior"]

#: What :func:`dynamic_posterior` draws: the regimes' hazards only, or the
#: hazards and every free parameter of each regime's scenario.
PARAMETER_SETS: Final = ("hazards", "all")

#: The last year of the record: no peace treaty was signed by its end.
RECORD_END: Final = 2024


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class DynamicPosterior:
    """The dynamic model's parameters given "no treaty" along the observed regimes.

    Attributes
    ----------
    start, until : int
        The first year of talks and the record's last year.
    horizons : tuple of int
        The years of the forecasts.
    phased : bool
        Whether "two islands first" was a first stage in the games solved.
    names : tuple of str
        The drawn parameters: ``"hazard.<regime>"``, and with
        ``parameters="all"`` ``"<regime>:<dotted name>"``.
    values : ndarray, shape (n, len(names))
        The draws (rows of failed draws included).
    likelihood : ndarray, shape (n,)
        P(no treaty in any year from ``start`` to ``until``, each year in
        its observed regime | draw); NaN where the draw failed (see
        ``failures``).
    forecasts : ndarray, shape (n, len(horizons))
        P(treaty by the end of each horizon | draw), from the regime in force
        at the end of ``until`` (the record's end; by the Markov property,
        the forecast given the record).
    weights : ndarray, shape (n,)
        Normalised posterior weights (0 for failed draws); all 0 if no draw
        makes the record possible.
    prior_means : dict of str to float
        The exact prior mean of each hazard (of its Beta prior).
    failures : dict of int to str
        Draw index to the error that stopped it (a scenario rejecting its
        drawn values, or the solver failing to certify an equilibrium).

    Examples
    --------
    >>> from kurilsim.kuril.dynamic_record import dynamic_posterior
    >>> posterior = dynamic_posterior(draws=4, rng=0)
    >>> posterior.possible  # the 1990s regime concludes a treaty every year
    0.0
    >>> import math; math.isnan(posterior.forecast()[0])
    True
    """

    start: int
    until: int
    horizons: tuple[int, ...]
    phased: bool
    names: tuple[str, ...]
    values: NDArray[np.float64]
    likelihood: NDArray[np.float64]
    forecasts: NDArray[np.float64]
    weights: NDArray[np.float64]
    prior_means: dict[str, float]
    failures: dict[int, str]

    def __repr__(self) -> str:
        p, _ = self.prior_predictive
        return (
            f"DynamicPosterior({len(self.likelihood)} draws, {len(self.names)} "
            f"parameters, P(record) under the prior {p:.3g}, ESS {self.ess:.1f})"
        )

    @property
    def ess(self) -> float:
        """Kish's effective sample size of the weights, ``1 / sum(w**2)`` (0 if none)."""
        return float(1.0 / np.sum(self.weights**2)) if self.weights.any() else 0.0

    @property
    def possible(self) -> float:
        """The share of the (successful) draws under which the record has
        positive probability."""
        ok = self.likelihood[np.isfinite(self.likelihood)]
        return float(np.mean(ok > 0)) if len(ok) else float("nan")

    @property
    def prior_predictive(self) -> tuple[float, float]:
        """P(record) under the prior (the mean likelihood), and its standard error."""
        ok = self.likelihood[np.isfinite(self.likelihood)]
        if not len(ok):
            return float("nan"), float("nan")
        error = float(ok.std(ddof=1) / np.sqrt(len(ok))) if len(ok) > 1 else float("nan")
        return float(ok.mean()), error

    def forecast(self) -> NDArray[np.float64]:
        """P(treaty by each horizon | the record), under the posterior.

        The posterior mean of :attr:`forecasts`; NaN if no draw makes the
        record possible.
        """
        if not self.weights.any():
            return np.full(len(self.horizons), np.nan)
        ok = self.weights > 0
        result: NDArray[np.float64] = self.weights[ok] @ self.forecasts[ok]
        return result

    def mean(self, name: str, *, posterior: bool = True) -> float:
        """The posterior mean of a drawn parameter, or the mean of its draws.

        Raises
        ------
        InvalidArgumentError
            For a name that was not drawn (the message lists them).
        """
        if name not in self.names:
            raise InvalidArgumentError(
                f"{name!r} was not drawn; drawn parameters are {list(self.names)[:12]}"
                + (" ..." if len(self.names) > 12 else "")
            )
        column = self.values[:, self.names.index(name)]
        ok = np.isfinite(self.likelihood)
        if posterior:
            if not self.weights.any():
                return float("nan")
            return float(self.weights @ np.where(ok, column, 0.0))
        return float(column[ok].mean())

    @property
    def noise(self) -> float:
        """The largest shift (in prior sds) that noise alone would give among
        the drawn parameters at this effective sample size: about
        ``sqrt(2 ln k / ESS)`` for ``k`` parameters (the expected maximum of
        ``k`` standard normal means of ``ESS`` draws)."""
        if self.ess <= 0:
            return float("nan")
        return float(np.sqrt(2.0 * np.log(max(len(self.names), 2)) / self.ess))

    def shifts(self, count: int = 8) -> list[tuple[str, float]]:
        """The drawn parameters the record moves most, largest first.

        For each parameter, the posterior mean minus the mean of the draws,
        in units of the draws' standard deviation; ``count`` of them by
        absolute size.  Compare with :attr:`noise`.
        """
        count = check_int(count, "count", low=1)
        ok = np.isfinite(self.likelihood)
        if not ok.any() or not self.weights.any():
            return []
        prior = self.values[ok]
        sd = prior.std(axis=0)
        moved = (self.weights[ok] @ prior - prior.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        order = np.argsort(-np.abs(moved), kind="stable")[:count]
        return [(self.names[k], float(moved[k])) for k in order]

    def summary(self) -> str:
        """A short report: the record's prior predictive probability, the
        effective sample size, the forecasts and the hazards' means."""
        p, error = self.prior_predictive
        n = len(self.likelihood)
        done = n - len(self.failures)
        lines = [
            (f"dynamic model ({'phased' if self.phased else 'unphased'}) from "
             f"{self.start}, record: no treaty in any year to the end of {self.until}, "
             f"along the observed regimes ({n} draws from the priors, "
             f"{len(self.failures)} failed)"),
            f"  P(record) under the prior: {p:.3g} ± {error:.2g}",
            f"  draws under which the record is possible: {self.possible:.1%} of {done}",
            f"  effective sample size of the posterior: {self.ess:.1f} of {done}",
        ]
        if not self.weights.any():
            lines.append("  no draw makes the record possible: no posterior")
            return "\n".join(lines)
        for year, q in zip(self.horizons, self.forecast(), strict=True):
            lines.append(f"  P(treaty by {year} | the record): {q:.3f}")
        for name, mean in self.prior_means.items():
            lines.append(
                f"  {name}: prior mean {mean:.3f}, posterior mean {self.mean(name):.3f}"
            )
        if len(self.names) > len(self.prior_means):
            lines.append(
                "  moved most by the record (posterior - prior mean, in prior sds; "
                f"noise alone gives up to about {self.noise:.2f}):"
            )
            lines += [f"    {name}: {shift:+.2f}" for name, shift in self.shifts()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def dynamic_posterior(
    *,
    draws: int = 200,
    rng: Any = None,
    start: int = 1956,
    until: int = RECORD_END,
    horizons: int | Sequence[int] = (2030,),
    parameters: str = "hazards",
    phased: bool = False,
    tol: float = DEFAULT_TOL,
) -> DynamicPosterior:
    """Weigh prior draws of the dynamic model by the record "no treaty by ``until``".

    Parameters
    ----------
    draws : int
        Parameter points drawn from the priors (each solves the dynamic game
        once: about 20 ms unphased, 0.25 s phased).
    rng : None, int or numpy.random.Generator
        The source of randomness (SPEC 7).
    start : int
        The first year of talks (the chain starts in its regime).
    until : int
        The record's last year: no treaty by its end (default 2024).
    horizons : int or sequence of int
        Years after ``until`` to forecast a treaty by.
    parameters : {"hazards", "all"}
        Draw the regimes' hazards only, or also every free parameter of each
        regime's scenario (independently per regime).
    phased : bool
        Whether "two islands first" is a first stage (see
        :func:`~kurilsim.kuril.history.kuril_dynamic_game`).
    tol : float
        The Markov solver's tolerance.

    Returns
    -------
    DynamicPosterior

    Raises
    ------
    InvalidArgumentError
        For a bad number of draws, years, parameter set or flag.

    Examples
    --------
    >>> from kurilsim.kuril.dynamic_record import dynamic_posterior
    >>> posterior = dynamic_posterior(draws=8, rng=1, start=2010)
    >>> posterior.likelihood.shape, posterior.names[0]
    ((8,), 'hazard.pre-1960')
    >>> bool(abs(posterior.weights.sum() - 1) < 1e-12)
    True
    >>> bool(0 <= posterior.forecast()[0] <= 1)
    True
    >>> dynamic_posterior(draws=8, rng=1).possible  # from 1956: never
    0.0
    """
    n = check_int(draws, "draws", low=1, high=1_000_000)
    generator = check_rng(rng)
    start = check_int(start, "start", low=1945, high=9999)
    until = check_int(until, "until", low=start, high=9999)
    raw = [horizons] if isinstance(horizons, int | np.integer) else horizons
    if isinstance(raw, str) or not isinstance(raw, Sequence | np.ndarray) or not len(raw):
        raise InvalidArgumentError(
            f"horizons must be a year or a non-empty sequence of years, got {describe(horizons)}"
        )
    years = tuple(check_int(y, "horizons", low=until, high=9999) for y in raw)
    check_choice(parameters, "parameters", PARAMETER_SETS)
    if not isinstance(phased, bool | np.bool_):
        raise InvalidArgumentError(f"phased must be True or False, got {describe(phased)}")
    phased = bool(phased)
    regime_of_year(start)  # checks that talks had begun

    hazards = hazard_priors()
    names = [f"hazard.{name}" for name in hazards]
    columns = [prior.sample(n, rng=generator) for prior in hazards.values()]
    bases = {r.name: load_scenario(r.scenario) for r in REGIMES}
    drawn: dict[str, list[str]] = {}
    if parameters == "all":
        for name, scenario in bases.items():
            priors = scenario.priors()
            # a parameter read only by another concept (the pledge game's
            # clauses, the ratifiers' thresholds) does not enter the game
            drawn[name] = [
                dotted for dotted in scenario.free_parameters()
                if scenario.read_by(dotted) is None
            ]
            for dotted in drawn[name]:
                names.append(f"{name}:{dotted}")
                columns.append(priors[dotted].sample(n, rng=generator))
    values = np.column_stack(columns).astype(np.float64)

    # the observed path: the regime in force in each year of the record
    order = [regime.name for regime in REGIMES]
    years_in = np.array(
        [order.index(regime_of_year(y)) for y in range(start, until + 1)], dtype=np.intp
    )
    final = regime_of_year(until)
    ahead = np.array([y - until for y in years], dtype=np.int64)
    likelihood = np.full(n, np.nan)
    forecasts = np.full((n, len(years)), np.nan)
    failures: dict[int, str] = {}
    h = len(hazards)
    for i in range(n):
        row = values[i]
        try:
            scenarios = {}
            k = h
            for name, dotted_names in drawn.items():
                changes = dict(zip(dotted_names, row[k:k + len(dotted_names)].tolist(),
                                   strict=True))
                k += len(dotted_names)
                scenarios[name] = bases[name].with_params(changes)
            game = kuril_dynamic_game(
                hazards=dict(zip(hazards, row[:h].tolist(), strict=True)),
                scenarios=scenarios or None,
                phased=phased,
            )
            solution = solve_markov_bargaining(game, tol=tol)
            yearly = np.clip(solution.agreement_rates[: len(REGIMES)].sum(axis=1), 0.0, 1.0)
            ahead_p = solution.agreement_probability(ahead, start=final, until="any")
        except KurilsimError as error:
            failures[i] = str(error)
            continue
        likelihood[i] = float(np.prod(1.0 - yearly[years_in]))
        forecasts[i] = ahead_p
    ok = np.isfinite(likelihood)
    weights = np.where(ok, np.nan_to_num(likelihood), 0.0)
    total = weights.sum()
    weights = weights / total if total > 0 else weights
    return DynamicPosterior(
        start=start,
        until=until,
        horizons=years,
        phased=phased,
        names=tuple(names),
        values=readonly(values),
        likelihood=readonly(likelihood),
        forecasts=readonly(forecasts),
        weights=readonly(weights),
        prior_means={f"hazard.{name}": prior.mean for name, prior in hazards.items()},
        failures=failures,
    )
