"""Calibration to the historical record: ABC-SMC on the vectorised path.

:func:`calibrate` infers the parameters of one or more scenarios from a
:class:`~kurilsim.model.record.Record` of dated observations (the outcome of
each period, the offers and refusals the sources report).  The model is a
simulator with no likelihood in closed form, so the posterior is computed
by approximate Bayesian computation with sequential Monte Carlo (ABC-SMC):

* the **distance** between the model at a parameter point and the record is
  the number of record entries the model contradicts there (or, with
  ``weights``, the weighted share); every entry is a yes/no predicate, so
  tolerance 0 means "every observation reproduced" and the ABC posterior at
  tolerance 0 is the exact posterior of the likelihood "the model reproduces
  the record" (the prior restricted to the points that reproduce it);
* **generation 0** draws ``samples`` points from the priors;
* each later generation sets its **tolerance** to the ``quantile`` of the
  previous generation's distances (distances take few values, so when the
  quantile does not fall it steps to the next smaller distance seen), and
  moves the population to it.

Two ways of moving the population are implemented:

``method="smc"`` (default): ABC-SMC with MCMC moves (Del Moral et al. 2012;
Drovandi and Pettitt 2011).  The particles within the new tolerance are
kept (the generation's ESS is their number) and resampled to ``samples``,
then moved by Metropolis-Hastings steps that leave the prior restricted to
the tolerance invariant: a Gaussian random walk, scaled by the surviving
particles' spread in each coordinate and adapted to accept about a quarter
of the moves, accepted with the prior ratio (and the proposal ratio for the
rounding of discrete parameters) when the proposal's distance is within the
tolerance.  The coordinates are moved in blocks -- the parameters shared by
all scenarios, then each scenario's own -- so that a move of one
scenario's parameters re-simulates that scenario only and the steps are
large (the scale is 2.38 / sqrt(block size), Roberts et al. 1997).  The
sweeps repeat until about 99% of the particles have moved (at most 20 per
generation); after tolerance 0 is reached, two more generations of moves
rejuvenate the population.  The particles' weights are equal.

``method="pmc"``: ABC population Monte Carlo (Toni et al. 2009, Beaumont et
al. 2009): new points are proposed by picking a particle of the previous
generation by weight and perturbing it with a Gaussian kernel of twice the
weighted variance of the population in each coordinate, truncated to the
prior's support (exactly: the truncated density is normalised per particle
and coordinate; a discrete parameter's perturbation is rounded to the
nearest value of its prior, which gives its kernel probabilities in closed
form); those within the tolerance are kept until ``samples`` are accepted,
each with the importance weight prior(θ) / Σ_j w_j K(θ | θ_j).  It is exact
and fine for a few parameters, but in the Kuril case's ~100 dimensions the
importance weights degenerate (an ESS of 3 of 1,000 particles after four
generations, measured): the kernel density around each ancestor varies by
factors of e^±7 between particles.  That is why the default moves the
particles instead.

Both stop when a generation at tolerance 0 is complete, when a
generation's acceptance rate falls below ``min_acceptance``, when the
tolerance stops falling for three generations (``"stalled"``), or when
``max_draws`` simulations are spent; :attr:`Posterior.generations` reports
each generation's tolerance, simulated draws, acceptance rate and
effective sample size (Kish's 1/Σw² of the importance weights for
``"pmc"``; the number of particles within the new tolerance before the
moves for ``"smc"``).

**How many independent draws.**  After the moves every particle has the same
weight, but the particles at the final tolerance descend from the few that
first reached it (a handful of 1,000 for two Kuril periods, 54 of 4,000 for
all seven), and particles of one lineage are correlated.  Each particle
therefore records its **lineage** (:attr:`Posterior.lineage`): its ancestor
in the generation where the final tolerance was first reached.
:attr:`Posterior.ess` is Kish's effective sample size of the lineages' total
weights (at most the number of lineages; Kish 1965), and the standard errors
of :meth:`Posterior.predictive` are the lineage-clustered (cluster-robust,
"sandwich") standard errors of the weighted means (Liang and Zeger 1986;
Cameron and Miller 2015).  Measured: over 16 seeds of a calibration to two
Kuril periods (1,000 particles, 4 to 14 lineages), a predicted probability
of a deal spread with standard deviation 0.038 across seeds while the mean
reported error was 0.048; the binomial error of 1,000 independent particles
(the error reported before) was 0.014.

Each generation simulates its proposals in blocks of thousands of points at
once: the utilities of a block come from
:meth:`Scenario.outcome_utilities` (``points_last=True``) and the outcomes
from the concept's vectorised kernel (:attr:`kurilsim.concepts.Concept.kernel`),
so a million simulated draws over the seven Kuril scenarios take about a
minute on one core.  Peers such as pyabc (Klinger et al. 2018) and ELFI call
the simulator once per particle; solving one scenario at one point through
kurilsim's per-point path (:func:`kurilsim.solve_scenario`) takes about 13
ms, so 10⁶ draws over seven scenarios would take about a day there
(``benchmarks/bench_calibration.py`` measures both).  That is why the
algorithm is implemented here on the vectorised path.

**Shared and per-scenario parameters.**  The parameters calibrated are
those with a prior that is not a point (:meth:`Scenario.priors`) that the
concept can read at many points at once:
agent parameters, and the protocol settings of the concept's
``kernel_settings`` (``"protocol.objection_cost"`` for ``"spe"``).  Other
protocol settings with a prior are held at each scenario's value (listed in
:attr:`Posterior.fixed`).  A parameter with the same dotted name, the same
value and the same prior in every scenario is **shared**: one value for all
periods (``"russia.residents_weight"``).  A parameter that some scenario
file sets to its own value or prior (the file records that something about
the period differs) is **per-scenario**: one parameter per scenario that
has it, named ``"<scenario>:<dotted name>"``
(``"2018-singapore:russia.pledge_credibility"``), each with that
scenario's prior.

References
----------
.. [1] Toni, T., Welch, D., Strelkowa, N., Ipsen, A. and Stumpf, M. P. H.
   (2009). Approximate Bayesian computation scheme for parameter inference
   and model selection in dynamical systems. *J. R. Soc. Interface* 6,
   187-202.
.. [2] Beaumont, M. A., Cornuet, J.-M., Marin, J.-M. and Robert, C. P.
   (2009). Adaptive approximate Bayesian computation. *Biometrika* 96(4),
   983-990.
.. [3] Del Moral, P., Doucet, A. and Jasra, A. (2012). An adaptive
   sequential Monte Carlo method for approximate Bayesian computation.
   *Statistics and Computing* 22, 1009-1020.
.. [6] Drovandi, C. C. and Pettitt, A. N. (2011). Estimation of parameters
   for macroparasite population evolution using approximate Bayesian
   computation. *Biometrics* 67(1), 225-233.
.. [7] Roberts, G. O., Gelman, A. and Gilks, W. R. (1997). Weak convergence
   and optimal scaling of random walk Metropolis algorithms. *Annals of
   Applied Probability* 7(1), 110-120.
.. [4] Klinger, E., Rickert, D. and Hasenauer, J. (2018). pyABC: distributed,
   likelihood-free inference. *Bioinformatics* 34(20), 3591-3593.
.. [5] Talts, S., Betancourt, M., Simpson, D., Vehtari, A. and Gelman, A.
   (2018). Validating Bayesian inference algorithms with simulation-based
   calibration. arXiv:1804.06788.
.. [8] Kish, L. (1965). *Survey Sampling*. New York: Wiley (chapter 5,
   cluster sampling and its design effect).
.. [9] Liang, K.-Y. and Zeger, S. L. (1986). Longitudinal data analysis using
   generalized linear models. *Biometrika* 73(1), 13-22.
.. [10] Cameron, A. C. and Miller, D. L. (2015). A practitioner's guide to
   cluster-robust inference. *Journal of Human Resources* 50(2), 317-372.

Examples
--------
>>> import kurilsim
>>> from kurilsim.kuril.record import kuril_record
>>> record = kuril_record().only(["2001-irkutsk"])
>>> posterior = kurilsim.calibrate(["2001-irkutsk"], record, samples=200,
...                                max_draws=20_000, rng=1)
>>> posterior.status in ("converged", "min-acceptance", "budget")
True
>>> posterior.values.shape[0]
200
"""

from __future__ import annotations

import json
import math
import os
import reprlib
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
from numpy.lib.npyio import NpzFile
from numpy.typing import NDArray
from scipy import special

from kurilsim._arrays import readonly
from kurilsim._checks import check_instance, check_int, check_real, check_rng, describe
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    PriorFallbackWarning,
)
from kurilsim._io import atomic_path, check_output_path, check_overwrite
from kurilsim.concepts import Concept
from kurilsim.concepts import get as get_concept
from kurilsim.kuril.scenarios import load_scenario
from kurilsim.model.priors import Prior
from kurilsim.model.record import Record
from kurilsim.model.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Generation",
    "Posterior",
    "PosteriorSummary",
    "Predictive",
    "PriorFallbackWarning",
    "calibrate",
    "simulate",
]

#: Points simulated per block (the utilities of a block take
#: n_agents x (n_agreements + 1) x block floats: about 4 MB for the Kuril case).
_BLOCK: Final = 4096

#: Particles of the new generation whose importance weights are computed at once.
_WEIGHT_BLOCK: Final = 512

#: Most Metropolis-Hastings sweeps over the population in one SMC generation.
_MAX_SWEEPS: Final = 20

#: Generations at tolerance 0 after the first (moves only: they rejuvenate the
#: population, whose particles descend from the few that first reached 0).
_POLISH: Final = 2

#: Generations in a row whose tolerance cannot fall before SMC stops ("stalled").
_PATIENCE: Final = 3

#: Version of the file format of :meth:`Posterior.save`.
_FORMAT: Final = 2

#: The key of the JSON metadata inside a posterior's ``.npz`` file (the
#: keyword of ``numpy.savez`` in :meth:`Posterior.save`).
_META: Final = "metadata_json"

Status = Literal["converged", "min-acceptance", "budget", "stalled"]


# -- the parameters ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Parameter:
    """One calibrated coordinate: its public name, prior and where it goes."""

    name: str
    prior: Prior
    targets: tuple[tuple[int, str], ...]  # (scenario position, dotted name)


def _parameters(
    scenarios: Sequence[Scenario], concept: Concept
) -> tuple[list[_Parameter], dict[str, str]]:
    """The calibrated coordinates (sorted by name) and the fixed ones, with why."""
    per: list[dict[str, tuple[Prior, Any]]] = []
    fixed: dict[str, str] = {}
    for scenario in scenarios:
        values = scenario.parameters()
        free: dict[str, tuple[Prior, Any]] = {}
        for dotted, prior in scenario.priors().items():
            if prior.is_point:
                continue
            if scenario.agent_parameter(dotted) is None and (
                dotted not in concept.kernel_settings
            ):
                fixed[f"{scenario.base_name}:{dotted}"] = (
                    f"protocol setting the {concept.name!r} kernel does not read; held "
                    f"at {values[dotted]!r}"
                )
                continue
            reader = scenario.read_by(dotted)
            if reader is not None and reader != concept.name:
                fixed[f"{scenario.base_name}:{dotted}"] = (
                    f"read only by the {reader!r} concept, not by {concept.name!r}; "
                    f"held at {values[dotted]!r}"
                )
                continue
            free[dotted] = (prior, values[dotted])
        per.append(free)
    names = sorted(set().union(*per)) if per else []
    found: list[_Parameter] = []
    for dotted in names:
        holders = [k for k, free in enumerate(per) if dotted in free]
        first = per[holders[0]][dotted]
        shared = len(holders) == len(scenarios) and all(
            per[k][dotted][0] == first[0] and per[k][dotted][1] == first[1]
            for k in holders
        )
        if shared:
            found.append(
                _Parameter(dotted, first[0], tuple((k, dotted) for k in holders))
            )
        else:
            found.extend(
                _Parameter(f"{scenarios[k].base_name}:{dotted}", per[k][dotted][0],
                           ((k, dotted),))
                for k in holders
            )
    found.sort(key=lambda p: p.name)
    return found, fixed


# -- the perturbation kernel and prior densities -------------------------------------
def _log_density(prior: Prior, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """log density of a continuous prior at ``x`` (-inf outside the support):
    closed forms for the built-in families (scipy's ``logpdf`` costs about a
    millisecond per call in argument handling), scipy's otherwise."""
    p = {k: float(v) for k, v in prior.params if not isinstance(v, tuple)}
    family = prior.family
    result: NDArray[np.float64]
    with np.errstate(divide="ignore", invalid="ignore"):
        if family == "uniform":
            inside = (x >= p["low"]) & (x <= p["high"])
            result = np.where(inside, -math.log(p["high"] - p["low"]), -np.inf)
        elif family == "beta":
            width = p["high"] - p["low"]
            y = (x - p["low"]) / width
            inside = (y >= 0) & (y <= 1)
            value = (
                special.xlogy(p["a"] - 1, y) + special.xlog1py(p["b"] - 1, -y)
                - special.betaln(p["a"], p["b"]) - math.log(width)
            )
            result = np.where(inside, value, -np.inf)
        elif family == "truncnorm":
            mass = special.ndtr((p["high"] - p["mean"]) / p["sd"]) - special.ndtr(
                (p["low"] - p["mean"]) / p["sd"]
            )
            z = (x - p["mean"]) / p["sd"]
            inside = (x >= p["low"]) & (x <= p["high"])
            value = -0.5 * z * z - 0.5 * math.log(2 * math.pi) - math.log(p["sd"] * mass)
            result = np.where(inside, value, -np.inf)
        elif family == "lognorm":
            sigma = p["sigma"]
            logx = np.log(np.where(x > 0, x, 1.0))
            z = (logx - math.log(p["median"])) / sigma
            value = -0.5 * z * z - logx - math.log(sigma) - 0.5 * math.log(2 * math.pi)
            result = np.where(x > 0, value, -np.inf)
        elif family == "triang":
            low, mode, high = p["low"], p["mode"], p["high"]
            rising = 2 * (x - low) / ((high - low) * (mode - low)) if mode > low else 0 * x
            falling = (
                2 * (high - x) / ((high - low) * (high - mode)) if high > mode else 0 * x
            )
            density = np.where(x < mode, rising, falling)
            density = np.where(x == mode, 2 / (high - low), density)
            inside = (x >= low) & (x <= high)
            result = np.where(inside & (density > 0), np.log(np.maximum(density, 1e-300)),
                              -np.inf)
        else:
            result = np.asarray(prior.distribution.logpdf(x), dtype=np.float64)
    return result


class _Space:
    """Priors of the coordinates: sampling, densities and the SMC kernel."""

    def __init__(self, parameters: Sequence[_Parameter]) -> None:
        self.priors = [p.prior for p in parameters]
        self.discrete = np.array([p.family == "discrete" for p in self.priors], bool)
        self.low = np.array([p.support[0] for p in self.priors])
        self.high = np.array([p.support[1] for p in self.priors])
        self.values: dict[int, NDArray[np.float64]] = {}
        self.log_mass: dict[int, NDArray[np.float64]] = {}
        self.edges: dict[int, NDArray[np.float64]] = {}
        for d, prior in enumerate(self.priors):
            if self.discrete[d]:
                values = np.asarray(prior.param("values"), dtype=np.float64)
                mass = np.asarray(prior.param("probabilities"), dtype=np.float64)
                self.values[d] = values
                with np.errstate(divide="ignore"):
                    self.log_mass[d] = np.log(mass)
                middle = (values[1:] + values[:-1]) / 2
                self.edges[d] = np.concatenate(([-np.inf], middle, [np.inf]))

    @property
    def size(self) -> int:
        return len(self.priors)

    def sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        u = rng.random((n, self.size))
        columns = [np.asarray(p.ppf(u[:, d]), float) for d, p in enumerate(self.priors)]
        return np.stack(columns, axis=1) if columns else np.empty((n, 0))

    def log_prior(
        self, theta: NDArray[np.float64],
        columns: Sequence[int] | NDArray[np.intp] | None = None,
    ) -> NDArray[np.float64]:
        """The log prior density of each point (the sum over ``columns`` only,
        when given)."""
        total = np.zeros(theta.shape[0])
        for d in range(self.size) if columns is None else map(int, columns):
            prior = self.priors[d]
            if self.discrete[d]:
                where = np.searchsorted(self.values[d], theta[:, d])
                where = np.clip(where, 0, len(self.values[d]) - 1)
                ok = self.values[d][where] == theta[:, d]
                total += np.where(ok, self.log_mass[d][where], -np.inf)
            else:
                total += _log_density(prior, theta[:, d])
        return total

    def scales(
        self, theta: NDArray[np.float64], weights: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Kernel standard deviations: sqrt(2 x weighted variance), floored."""
        mean = weights @ theta
        variance = weights @ (theta - mean) ** 2
        sigma = np.sqrt(2.0 * variance)
        floor = np.empty(self.size)
        for d, prior in enumerate(self.priors):
            if self.discrete[d]:
                values = self.values[d]
                gap = np.min(np.diff(values)) if len(values) > 1 else 1.0
                floor[d] = 0.5 * gap  # a discrete parameter keeps moving
            else:
                floor[d] = 1e-6 * max(prior.std, 1e-12)
        result: NDArray[np.float64] = np.maximum(sigma, floor)
        return result

    def perturb(
        self,
        ancestors: NDArray[np.float64],
        sigma: NDArray[np.float64],
        rng: np.random.Generator,
    ) -> NDArray[np.float64]:
        n = ancestors.shape[0]
        out = np.empty_like(ancestors)
        for d in range(self.size):
            x = ancestors[:, d]
            if self.discrete[d]:
                moved = x + sigma[d] * rng.standard_normal(n)
                cell = np.searchsorted(self.edges[d], moved, side="right") - 1
                out[:, d] = self.values[d][np.clip(cell, 0, len(self.values[d]) - 1)]
            else:  # inverse-CDF draw from the normal truncated to the support
                a = special.ndtr((self.low[d] - x) / sigma[d])
                b = special.ndtr((self.high[d] - x) / sigma[d])
                u = a + (b - a) * rng.random(n)
                u = np.clip(u, 1e-300, 1 - 1e-16)
                z = special.ndtri(u)
                out[:, d] = np.clip(x + sigma[d] * z, self.low[d], self.high[d])
        return out

    def random_walk(
        self, theta: NDArray[np.float64], step: NDArray[np.float64],
        columns: NDArray[np.intp], rng: np.random.Generator,
    ) -> NDArray[np.float64]:
        """A Gaussian random-walk proposal on ``columns`` (untruncated: a point
        outside the prior's support has prior density 0 and is rejected),
        rounded to the nearest value for a discrete parameter."""
        moved = theta.copy()
        moved[:, columns] += step[columns] * rng.standard_normal(
            (theta.shape[0], len(columns))
        )
        for d in map(int, columns[self.discrete[columns]]):
            cell = np.searchsorted(self.edges[d], moved[:, d], side="right") - 1
            moved[:, d] = self.values[d][np.clip(cell, 0, len(self.values[d]) - 1)]
        return moved

    def log_step(
        self, to: NDArray[np.float64], start: NDArray[np.float64],
        step: NDArray[np.float64], columns: NDArray[np.intp],
    ) -> NDArray[np.float64]:
        """log q(to | start) of :meth:`random_walk`, up to the terms that cancel
        in a Metropolis-Hastings ratio (the continuous coordinates: symmetric)."""
        total = np.zeros(to.shape[0])
        for d in map(int, columns[self.discrete[columns]]):
            edges = self.edges[d]
            index = np.clip(np.searchsorted(self.values[d], to[:, d]), 0,
                            len(self.values[d]) - 1)
            upper = (edges[index + 1] - start[:, d]) / step[d]
            lower = (edges[index] - start[:, d]) / step[d]
            total += np.log(np.maximum(special.ndtr(upper) - special.ndtr(lower), 1e-300))
        return total

    def log_kernel_mixture(
        self,
        new: NDArray[np.float64],
        old: NDArray[np.float64],
        old_log_weights: NDArray[np.float64],
        sigma: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        """log Σ_j w_j K(new_i | old_j) for every new particle i."""
        continuous = ~self.discrete
        s = sigma[continuous]
        # per-ancestor normalisation of the truncated normal (continuous coordinates)
        lo = (self.low[continuous] - old[:, continuous]) / s
        hi = (self.high[continuous] - old[:, continuous]) / s
        with np.errstate(divide="ignore"):
            log_z = np.log(np.maximum(special.ndtr(hi) - special.ndtr(lo), 1e-300))
        per_old = old_log_weights - log_z.sum(axis=1)
        per_old = (
            per_old - np.sum(np.log(s)) - 0.5 * continuous.sum() * math.log(2 * math.pi)
        )
        y = old[:, continuous] / s
        y2 = np.einsum("ij,ij->i", y, y)
        result = np.empty(new.shape[0])
        for start in range(0, new.shape[0], _WEIGHT_BLOCK):
            block = new[start : start + _WEIGHT_BLOCK]
            x = block[:, continuous] / s
            x2 = np.einsum("ij,ij->i", x, x)
            squared = np.maximum(x2[:, None] + y2[None, :] - 2.0 * (x @ y.T), 0.0)
            log_k = -0.5 * squared + per_old[None, :]
            for d in map(int, np.flatnonzero(self.discrete)):
                edges = self.edges[d]
                index = np.searchsorted(self.values[d], block[:, d])
                upper = (edges[index + 1][:, None] - old[None, :, d]) / sigma[d]
                lower = (edges[index][:, None] - old[None, :, d]) / sigma[d]
                with np.errstate(divide="ignore"):
                    log_k += np.log(special.ndtr(upper) - special.ndtr(lower))
            result[start : start + block.shape[0]] = special.logsumexp(log_k, axis=1)
        return result


# -- the simulator ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Problem:
    """The scenarios, the record's predicates per scenario and the coordinates."""

    scenarios: tuple[Scenario, ...]
    concept: Concept
    parameters: tuple[_Parameter, ...]
    record: Record
    weights: NDArray[np.float64]  # per observation, in record order

    def distances(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        """The weighted number of record entries contradicted at each point."""
        result: NDArray[np.float64] = self.parts(theta).sum(axis=1)
        return result

    def parts(
        self, theta: NDArray[np.float64], which: Sequence[int] | None = None
    ) -> NDArray[np.float64]:
        """``(m, len(which))``: the weighted number of entries of each scenario
        (``which``: positions in :attr:`scenarios`, default all) contradicted."""
        which = range(len(self.scenarios)) if which is None else which
        m = theta.shape[0]
        out = np.zeros((m, len(which)))
        for start in range(0, m, _BLOCK):
            stop = min(start + _BLOCK, m)
            for column, k in enumerate(which):
                hits = self._scenario(k, theta[start:stop])
                out[start:stop, column] = (~hits).astype(float) @ self._weights_of(k)
        return out

    def contradicted(self, theta: NDArray[np.float64]) -> NDArray[np.bool_]:
        """``(m, n_observations)``: which entries are contradicted at each point."""
        m = theta.shape[0]
        out = np.empty((m, len(self.record)), dtype=bool)
        for k in range(len(self.scenarios)):
            rows = self._rows(k)
            for start in range(0, m, _BLOCK):
                stop = min(start + _BLOCK, m)
                out[start:stop, rows] = ~self._scenario(k, theta[start:stop])
        return out

    def _rows(self, k: int) -> list[int]:
        name = self.scenarios[k].base_name
        return [j for j, o in enumerate(self.record) if o.scenario == name]

    def _weights_of(self, k: int) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.weights[self._rows(k)]
        return result

    def _scenario(self, k: int, theta: NDArray[np.float64]) -> NDArray[np.bool_]:
        """``(m, entries of scenario k)``: which are reproduced at each point."""
        scenario = self.scenarios[k]
        m = theta.shape[0]
        overrides: dict[str, NDArray[np.float64]] = {}
        for column, parameter in enumerate(self.parameters):
            for position, dotted in parameter.targets:
                if position == k:
                    overrides[dotted] = theta[:, column]
        utilities, codes = simulate(scenario, self.concept, overrides, m)
        rows = [o for o in self.record if o.scenario == scenario.base_name]
        out = np.empty((m, len(rows)), dtype=bool)
        for j, observation in enumerate(rows):
            out[:, j] = observation.reproduced(
                scenario.space, scenario.agent_names, utilities, codes
            )
        return out


def simulate(
    scenario: Scenario,
    concept: Concept,
    overrides: Mapping[str, NDArray[np.float64]],
    m: int,
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Utilities and outcomes of ``scenario`` at ``m`` points (vectorised).

    Parameters
    ----------
    scenario : Scenario
    concept : Concept
        A concept with a kernel.
    overrides : mapping of str to ndarray
        Dotted parameters (agent parameters, and protocol settings of the
        concept's ``kernel_settings``) to arrays of length ``m``.
    m : int
        The number of points.

    Returns
    -------
    utilities : ndarray
        ``(n_agents, len(space) + 1, m)``, the status quo last.
    codes : ndarray of int
        ``(m,)``: the agreement reached at each point, ``NO_DEAL`` for none.
    """
    agent = {k: v for k, v in overrides.items() if not k.startswith("protocol.")}
    settings = {k: v for k, v in overrides.items() if k.startswith("protocol.")}
    if agent:
        utilities = scenario.outcome_utilities(agent, points_last=True)
    else:
        table = scenario.outcome_utilities()
        utilities = np.ascontiguousarray(
            np.broadcast_to(table[:, :, np.newaxis], (*table.shape, m))
        )
    assert concept.kernel is not None
    codes = np.asarray(concept.kernel(scenario, utilities, settings), dtype=np.intp)
    return utilities, codes


# -- results ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Generation:
    """One generation of ABC-SMC.

    Attributes
    ----------
    tolerance : float
        The largest distance accepted (``inf`` for generation 0, the prior).
    proposed : int
        Points simulated in the generation.
    accepted : int
        Points accepted (the population size, or fewer when it stopped early).
    acceptance_rate : float
    ess : float
        ``"pmc"``: Kish's effective sample size of the generation's weights
        (1 / Σ w²); ``"smc"``: the particles within the new tolerance before
        the moves.
    """

    tolerance: float
    proposed: int
    accepted: int
    acceptance_rate: float
    ess: float


@dataclass(frozen=True, slots=True)
class PosteriorSummary:
    """Weighted means, standard deviations, 90% credible intervals and
    correlations of a :class:`Posterior` (printable as a table).

    Attributes
    ----------
    names : tuple of str
    mean, sd, lower, upper : ndarray
        Posterior mean, standard deviation and the 5% and 95% quantiles.
    prior_lower, prior_upper : ndarray
        The prior's 5% and 95% quantiles, for comparison.
    correlation : ndarray
        ``(d, d)`` weighted Pearson correlations.
    lineages : int
        Distinct lineages behind the particles (:attr:`Posterior.lineages`).
    ess : float
        The posterior's effective sample size (:attr:`Posterior.ess`).
    """

    names: tuple[str, ...]
    mean: NDArray[np.float64]
    sd: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    prior_lower: NDArray[np.float64]
    prior_upper: NDArray[np.float64]
    correlation: NDArray[np.float64]
    lineages: int = 0
    ess: float = math.nan

    def rows(self) -> list[dict[str, Any]]:
        """One dict per parameter."""
        return [
            {
                "parameter": name,
                "mean": float(self.mean[k]),
                "sd": float(self.sd[k]),
                "q05": float(self.lower[k]),
                "q95": float(self.upper[k]),
                "prior_q05": float(self.prior_lower[k]),
                "prior_q95": float(self.prior_upper[k]),
            }
            for k, name in enumerate(self.names)
        ]

    def strongest_correlations(self, n: int = 5) -> list[tuple[str, str, float]]:
        """The ``n`` pairs with the largest absolute correlation."""
        pairs = [
            (self.names[i], self.names[j], float(self.correlation[i, j]))
            for i in range(len(self.names))
            for j in range(i + 1, len(self.names))
            if np.isfinite(self.correlation[i, j])
        ]
        pairs.sort(key=lambda item: -abs(item[2]))
        return pairs[:n]

    def __str__(self) -> str:
        width = max([len(name) for name in self.names] + [9])
        header = (
            f"{'parameter':<{width}}  {'mean':>7} {'sd':>7}  {'90% interval':>17}  "
            f"{'prior 90%':>17}"
        )
        lines = [header]
        for row in self.rows():
            lines.append(
                f"{row['parameter']:<{width}}  {row['mean']:7.3f} {row['sd']:7.3f}  "
                f"[{row['q05']:7.3f}, {row['q95']:7.3f}]  "
                f"[{row['prior_q05']:7.3f}, {row['prior_q95']:7.3f}]"
            )
        if self.lineages:
            lines.append(
                f"({self.lineages} lineages, effective sample size {self.ess:.0f})"
            )
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Predictive:
    """Posterior predictive outcome probabilities of one scenario.

    Attributes
    ----------
    scenario, concept : str
    outcomes : dict of str to (float, float)
        Probability and Monte Carlo standard error of each outcome reached
        (its label, ``"no deal"`` for the status quo), most likely first.
    deal : tuple of (float, float)
        Probability that some agreement is reached, and its error.
    observations : dict of str to (float, float)
        For each observation of the ``record`` passed (of this scenario), the
        probability that the model reproduces it, and its error.
    ess : float
        Effective sample size behind the estimates: Kish's 1 / Σ W_c² of the
        lineages' total weights W_c (see :attr:`Posterior.ess`); at most
        :attr:`lineages`.
    lineages : int
        Distinct lineages among the particles used.  The errors are the
        lineage-clustered (cluster-robust, "sandwich") standard errors of the
        weighted means (Liang and Zeger 1986; Cameron and Miller 2015):
        sqrt(G / (G - 1) Σ_c (Σ_{i in c} w_i (y_i - p))²) over the G
        lineages, never below the binomial error sqrt(p (1 - p) / n) of n
        independent particles, and sqrt(p (1 - p)) (one effective draw) when
        one lineage is left.  For a posterior read from a file of format 1
        (no lineages stored) they are sqrt(p (1 - p) / ess).
    from_prior : tuple of str
        The scenario's free parameters drawn from its prior rather than the
        posterior (the posterior does not have them for this scenario).
    """

    scenario: str
    concept: str
    outcomes: dict[str, tuple[float, float]]
    deal: tuple[float, float]
    observations: dict[str, tuple[float, float]]
    ess: float
    lineages: int = 0
    from_prior: tuple[str, ...] = ()

    @property
    def no_deal(self) -> tuple[float, float]:
        """Probability of no deal, and its error."""
        p, error = self.deal
        return 1.0 - p, error


def _weighted_quantile(
    values: NDArray[np.float64], weights: NDArray[np.float64], q: float
) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    position = int(np.searchsorted(cumulative, q, side="left"))
    return float(values[order][min(position, len(values) - 1)])


def _ess(weights: NDArray[np.float64]) -> float:
    return float(1.0 / np.sum(weights**2))


def _clusters(lineage: NDArray[np.intp]) -> tuple[NDArray[np.intp], int]:
    """Lineage labels as 0, 1, ..., G - 1, and G."""
    levels, ids = np.unique(lineage, return_inverse=True)
    return ids.ravel().astype(np.intp), int(levels.size)


#: Most particles :meth:`Posterior.predictive` resamples (they are simulated
#: in blocks of ``_BLOCK``; 10⁷ take minutes).
_MAX_PREDICTIVE: Final = 10**7


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Posterior:
    """Weighted samples of the parameters given the record (from :func:`calibrate`).

    Attributes
    ----------
    names : tuple of str
        The calibrated parameters: dotted names (shared by all scenarios) or
        ``"<scenario>:<dotted name>"`` (per scenario).
    values : ndarray
        ``(n, d)`` particle values (read-only).
    weights : ndarray
        ``(n,)`` normalised importance weights (read-only).
    distances : ndarray
        ``(n,)`` each particle's distance to the record.
    priors : dict of str to Prior
        The prior of each name.
    targets : dict of str to tuple of (str, str)
        Where each name goes: ``(scenario, dotted name)`` pairs.
    scenarios : tuple of str
    concept : str
    observations : tuple of str
        The record's entries, as sentences (:meth:`describe_predicate`).
    generations : tuple of Generation
    status : {"converged", "min-acceptance", "budget", "stalled"}
        Why it stopped: tolerance 0 reached, acceptance rate below the
        minimum, the simulation budget spent, or the tolerance stopped
        falling.
    fixed : dict of str to str
        Parameters with a prior that were not calibrated, and why.
    points : dict of str to float
        Each calibrated parameter's value in the scenario files (the point
        the files carried before calibration).
    lineage : ndarray of int or None
        ``(n,)`` each particle's lineage: its ancestor in the generation
        where the final tolerance was first reached (``"smc"``; copies of
        one point are one ancestor), its parent in the generation before
        (``"pmc"``), or its draw (generation 0).  None for a file saved in
        format 1, which did not store it.
    """

    names: tuple[str, ...]
    values: NDArray[np.float64]
    weights: NDArray[np.float64]
    distances: NDArray[np.float64]
    priors: dict[str, Prior]
    targets: dict[str, tuple[tuple[str, str], ...]]
    scenarios: tuple[str, ...]
    concept: str
    observations: tuple[str, ...]
    generations: tuple[Generation, ...]
    status: Status
    fixed: dict[str, str] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)
    lineage: NDArray[np.intp] | None = None

    # -- basic facts --------------------------------------------------------------------
    @property
    def tolerance(self) -> float:
        """The tolerance of the particles: that of the last complete generation
        (0: every entry reproduced).  A generation abandoned by a stopping rule
        is listed last in :attr:`generations` with fewer acceptances."""
        size = len(self.weights)
        complete = [g for g in self.generations if g.accepted >= size]
        return complete[-1].tolerance

    @property
    def lineages(self) -> int:
        """The number of distinct lineages among the particles
        (:attr:`lineage`).

        After the SMC moves the particles have equal weights but descend from
        the few that first reached the final tolerance, and particles of one
        lineage are correlated; the lineages, not the particles, are the
        independent units.  For a file of format 1 (no lineages stored): the
        particles within the final tolerance before the moves, as recorded in
        :attr:`generations`, or the particle count when that is unknown.
        """
        if self.lineage is not None:
            return _clusters(self.lineage)[1]
        n = len(self.weights)
        first = next(
            (g for g in self.generations[1:] if g.tolerance == self.tolerance), None
        )
        if first is None or not math.isfinite(first.ess):
            return n
        return int(min(max(round(first.ess), 1), n))

    @property
    def ess(self) -> float:
        """Effective sample size: Kish's 1 / Σ W_c² of the lineages' total
        weights W_c (normalised), at most :attr:`lineages`.

        This is the design effect of cluster sampling with the particles of a
        lineage treated as perfectly correlated (intra-cluster correlation 1:
        Kish 1965, *Survey Sampling*, chapter 5): conservative, as the
        moves decorrelate particles within a lineage, but honest about how
        few independent ancestors the particles have.  The standard errors
        of :meth:`predictive` use the observed within-lineage correlation
        instead (the cluster-robust variance).  For a file of format 1: the
        smaller of Kish's 1 / Σ w² of the weights and :attr:`lineages`.
        """
        if self.lineage is None:
            return min(_ess(self.weights), float(self.lineages))
        ids, _ = _clusters(self.lineage)
        totals = np.bincount(ids, weights=self.weights)
        return _ess(totals / math.fsum(totals))

    @property
    def draws(self) -> int:
        """Points simulated in total."""
        return sum(g.proposed for g in self.generations)

    @property
    def message(self) -> str:
        """One line: how it stopped, the tolerance, the ESS and the draws."""
        why = {
            "converged": "every record entry reproduced (tolerance 0)",
            "min-acceptance": "stopped: acceptance rate below the minimum",
            "budget": "stopped: simulation budget spent",
            "stalled": "stopped: the tolerance stopped falling",
        }[self.status]
        first = next(
            (g for g in self.generations[1:] if g.tolerance == self.tolerance), None
        )
        reached = (
            f" ({first.ess:.0f} particles within it before the moves)"
            if first is not None and math.isfinite(first.ess) else ""
        )
        return (
            f"{why}; tolerance {self.tolerance:g}{reached}, "
            f"{len(self.generations)} generations, {self.lineages} lineages, "
            f"ESS {self.ess:.0f} of {len(self.weights)}, {self.draws} draws"
        )

    def __repr__(self) -> str:
        return (
            f"Posterior({len(self.names)} parameters, {len(self.weights)} particles, "
            f"scenarios={list(self.scenarios)}, status={self.status!r}, "
            f"tolerance={self.tolerance:g}, lineages={self.lineages}, "
            f"ess={self.ess:.0f})"
        )

    def column(self, name: str) -> NDArray[np.float64]:
        """The particle values of one parameter."""
        if name not in self.names:
            raise InvalidArgumentError(
                f"no calibrated parameter {name!r}; parameters are {list(self.names)}"
            )
        result: NDArray[np.float64] = self.values[:, self.names.index(name)]
        return result

    # -- summaries ----------------------------------------------------------------------
    def summary(self) -> PosteriorSummary:
        """Means, standard deviations, 90% credible intervals, correlations,
        and the number of lineages and effective sample size behind them.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.kuril.record import kuril_record
        >>> posterior = kurilsim.calibrate(["2001-irkutsk"],
        ...     kuril_record().only("2001-irkutsk"), samples=100, max_draws=5000,
        ...     rng=1)
        >>> summary = posterior.summary()
        >>> summary.names == posterior.names, summary.lineages == posterior.lineages
        (True, True)
        >>> bool(summary.lower[0] <= summary.mean[0] <= summary.upper[0])
        True
        """
        w = self.weights
        mean = w @ self.values
        centred = self.values - mean
        covariance = (centred * w[:, None]).T @ centred
        sd = np.sqrt(np.maximum(np.diag(covariance), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            correlation = covariance / np.outer(sd, sd)
        d = len(self.names)
        lower = np.array([_weighted_quantile(self.values[:, k], w, 0.05) for k in range(d)])
        upper = np.array([_weighted_quantile(self.values[:, k], w, 0.95) for k in range(d)])
        prior_lower = np.array(
            [float(self.priors[n].ppf(0.05)) for n in self.names], dtype=np.float64
        )
        prior_upper = np.array(
            [float(self.priors[n].ppf(0.95)) for n in self.names], dtype=np.float64
        )
        return PosteriorSummary(
            self.names, mean, sd, lower, upper, prior_lower, prior_upper, correlation,
            lineages=self.lineages, ess=self.ess,
        )

    def to_pandas(self) -> pd.DataFrame:
        """The particles as a data frame: one column per parameter, then
        ``weight`` and ``distance`` (needs pandas)."""
        import pandas as pd

        frame = pd.DataFrame(np.asarray(self.values), columns=list(self.names))
        frame["weight"] = np.asarray(self.weights)
        frame["distance"] = np.asarray(self.distances)
        return frame

    def sample(self, n: int, rng: Any = None) -> NDArray[np.float64]:
        """``n`` draws of the parameters (particles resampled by weight)."""
        n = check_int(n, "n", low=1)
        generator = check_rng(rng)
        picks = generator.choice(len(self.weights), size=n, p=self.weights)
        result: NDArray[np.float64] = self.values[picks]
        return result

    def estimates(self, scenario: str) -> dict[str, float]:
        """Point values of one scenario's calibrated parameters, by dotted name.

        The posterior mean of each parameter that goes into ``scenario`` (a
        shared one, or one of the scenario's own), or the value of largest
        posterior probability for a parameter with a discrete prior: the
        values a scenario file can carry as its calibrated point.

        Raises
        ------
        InvalidArgumentError
            If ``scenario`` was not calibrated.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.kuril.record import kuril_record
        >>> posterior = kurilsim.calibrate(["2001-irkutsk"],
        ...     kuril_record().only(["2001-irkutsk"]), samples=100, max_draws=5000,
        ...     rng=1)
        >>> point = posterior.estimates("2001-irkutsk")
        >>> 0 <= point["russia.residents_weight"] <= 1
        True
        """
        if scenario not in self.scenarios:
            raise InvalidArgumentError(
                f"scenario {scenario!r} was not calibrated; scenarios are "
                f"{list(self.scenarios)}"
            )
        found: dict[str, float] = {}
        for column, name in enumerate(self.names):
            for owner, dotted in self.targets[name]:
                if owner != scenario:
                    continue
                values = self.values[:, column]
                if self.priors[name].family == "discrete":
                    levels, where = np.unique(values, return_inverse=True)
                    mass = np.bincount(where, weights=self.weights)
                    found[dotted] = float(levels[int(np.argmax(mass))])
                else:
                    found[dotted] = float(self.weights @ values)
        return found

    # -- prediction ---------------------------------------------------------------------
    def predictive(
        self,
        scenario: Scenario | str,
        concept: str | Concept = "spe",
        samples: int | None = None,
        *,
        record: Record | None = None,
        rng: Any = None,
    ) -> Predictive:
        """Posterior predictive outcome probabilities of ``scenario``.

        Each free parameter of the scenario takes its posterior values when
        the posterior has it: a per-scenario name ``"<scenario>:<dotted>"``
        of this scenario, or a shared name whose prior and file value in the
        scenario are those calibrated (the rule by which :func:`calibrate`
        shares parameters); every other free parameter is drawn from the
        scenario's prior (so a held-out period's own parameters keep their
        prior uncertainty) and listed in :attr:`Predictive.from_prior`.

        The particles are simulated in blocks (memory stays bounded).  The
        errors are lineage-clustered standard errors (see
        :class:`Predictive`).

        Parameters
        ----------
        scenario : Scenario or str
            A scenario, or the name of a bundled one.
        concept : str or Concept, optional
            A concept with a vectorised kernel (default ``"spe"``).
        samples : int, optional
            Resample this many particles by weight (at most 10⁷); default:
            every particle, with its weight.
        record : Record, optional
            Also report how probably each of its observations of this
            scenario is reproduced.
        rng : seed or Generator, optional

        Returns
        -------
        Predictive

        Warns
        -----
        PriorFallbackWarning
            If ``scenario`` has the name of a calibrated scenario but some of
            its free parameters are drawn from the prior (its prior or file
            value differs from the one calibrated: a stale posterior or an
            edited scenario).  A scenario of another name (a held-out period)
            takes the prior for the parameters the posterior lacks without a
            warning; :attr:`Predictive.from_prior` lists them in both cases.

        Examples
        --------
        >>> import kurilsim
        >>> from kurilsim.kuril.record import kuril_record
        >>> record = kuril_record().only("2001-irkutsk")
        >>> posterior = kurilsim.calibrate(["2001-irkutsk"], record, samples=100,
        ...                                max_draws=5000, rng=1)
        >>> predictive = posterior.predictive("2001-irkutsk", record=record, rng=1)
        >>> p, error = predictive.deal
        >>> 0.0 <= p <= 1.0 and error >= 0.0, predictive.from_prior
        (True, ())
        >>> predictive.lineages == posterior.lineages
        True
        """
        target = _scenario(scenario)
        kind = _kernel_concept(concept)
        generator = check_rng(rng)
        if record is not None:
            check_instance(record, Record, "record")
            observed = record.of(target.base_name)
            for observation in observed:
                observation.check(target.space, target.agent_names)
        else:
            observed = ()
        n = len(self.weights)
        if samples is not None:
            samples = check_int(samples, "samples", low=1, high=_MAX_PREDICTIVE)
        m = n if samples is None else samples
        # where each free parameter comes from: a posterior column or the prior
        columns: dict[str, int] = {}
        drawn: dict[str, Prior] = {}
        stale: list[str] = []
        values = target.parameters()
        for dotted, prior in target.priors().items():
            if prior.is_point:
                continue
            if (target.agent_parameter(dotted) is None
                    and dotted not in kind.kernel_settings):
                continue
            if target.read_by(dotted) not in (None, kind.name):
                continue  # no outcome of this concept depends on it
            own = f"{target.base_name}:{dotted}"
            if own in self.names:
                columns[dotted] = self.names.index(own)
            elif (
                dotted in self.names
                and self.priors[dotted] == prior
                and self.points.get(dotted) == float(values[dotted])
            ):
                columns[dotted] = self.names.index(dotted)
            else:
                drawn[dotted] = prior
                if target.base_name in self.scenarios:
                    stale.append(dotted)
        if stale:
            warnings.warn(
                f"predictive for {target.name!r}: {stale} drawn from the scenario's "
                "prior, not the posterior: the scenario's prior or file value differs "
                "from the one calibrated",
                PriorFallbackWarning,
                stacklevel=2,
            )
        clustered = self.lineage is not None
        if self.lineage is not None:
            ids, groups = _clusters(self.lineage)
        else:
            ids, groups = np.arange(n, dtype=np.intp), n
        total = np.zeros(groups)  # each lineage's weight
        by_code: dict[int, NDArray[np.float64]] = {}  # outcome column -> per lineage
        hits = [np.zeros(groups) for _ in observed]
        squares: list[float] = []
        for start in range(0, m, _BLOCK):
            stop = min(start + _BLOCK, m)
            if samples is None:
                rows = np.arange(start, stop)
                w = np.asarray(self.weights[rows], dtype=np.float64)
            else:
                rows = generator.choice(n, size=stop - start, p=self.weights)
                w = np.full(stop - start, 1.0 / samples)
            c = ids[rows]
            overrides = {dotted: self.values[rows, k] for dotted, k in columns.items()}
            for dotted, prior in drawn.items():
                overrides[dotted] = np.asarray(
                    prior.sample(stop - start, generator), dtype=np.float64
                )
            utilities, codes = simulate(target, kind, overrides, stop - start)
            total += np.bincount(c, weights=w, minlength=groups)
            squares.append(float(w @ w))
            for code in np.unique(codes):
                mask = codes == code
                acc = by_code.setdefault(int(code) + 1, np.zeros(groups))
                acc += np.bincount(c[mask], weights=w[mask], minlength=groups)
            for j, observation in enumerate(observed):
                hit = observation.reproduced(
                    target.space, target.agent_names, utilities, codes
                )
                hits[j] += np.bincount(c, weights=w * hit, minlength=groups)
        mass = math.fsum(total)
        present = int(np.count_nonzero(total))
        kish = mass * mass / math.fsum(squares)  # the particles' own ESS
        ess = float(mass * mass / np.sum(total**2)) if clustered else min(
            kish, float(self.lineages)
        )

        def estimate(per: NDArray[np.float64]) -> tuple[float, float]:
            p = min(max(math.fsum(per) / mass, 0.0), 1.0)
            if not clustered:
                return p, math.sqrt(p * (1.0 - p) / ess)
            if present < 2:  # one lineage: one effective draw
                return p, math.sqrt(p * (1.0 - p))
            residual = (per - p * total) / mass
            variance = present / (present - 1) * float(np.sum(residual**2))
            return p, math.sqrt(max(variance, p * (1.0 - p) / kish))

        found = {column: estimate(per) for column, per in by_code.items()}
        outcomes: dict[str, tuple[float, float]] = {}
        for column in sorted(found, key=lambda k: (-found[k][0], k)):
            if found[column][0] <= 0.0:
                continue
            index = column - 1
            label = target.agreement_label(index, varying=[*columns, *drawn])
            outcomes[label] = found[column]
        deals = [per for column, per in by_code.items() if column != 0]
        deal = estimate(np.sum(deals, axis=0) if deals else np.zeros(groups))
        return Predictive(
            scenario=target.base_name,
            concept=kind.name,
            outcomes=outcomes,
            deal=deal,
            observations={
                o.description: estimate(per)
                for o, per in zip(observed, hits, strict=True)
            },
            ess=ess,
            lineages=present if clustered else self.lineages,
            from_prior=tuple(sorted(drawn)),
        )

    # -- files --------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the posterior to ``path`` (``.npz``: arrays and JSON metadata,
        no pickle), atomically; an existing file only with ``overwrite=True``.

        The format is version 2: the arrays ``values``, ``weights``,
        ``distances`` and ``lineage`` (version 1 had no ``lineage``; both
        load).

        Raises
        ------
        OutputError
            If the file exists and ``overwrite`` is false, or cannot be
            written (an earlier file there is unchanged).

        Examples
        --------
        >>> import os, tempfile
        >>> import kurilsim
        >>> from kurilsim.kuril.record import kuril_record
        >>> posterior = kurilsim.calibrate(["2001-irkutsk"],
        ...     kuril_record().only("2001-irkutsk"), samples=100, max_draws=5000,
        ...     rng=1)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "posterior.npz")
        ...     posterior.save(path)
        ...     again = kurilsim.Posterior.load(path)
        >>> bool((again.values == posterior.values).all())
        True
        >>> again.lineages == posterior.lineages
        True
        """
        target = check_output_path(path, suffixes=(".npz",), what="posterior file")
        check_overwrite(overwrite, target)
        metadata = {
            "format": "kurilsim.Posterior",
            "version": _FORMAT,
            "names": list(self.names),
            "priors": {name: self.priors[name].to_dict() for name in self.names},
            "targets": {name: [list(t) for t in self.targets[name]] for name in self.names},
            "scenarios": list(self.scenarios),
            "concept": self.concept,
            "observations": list(self.observations),
            "generations": [
                [g.tolerance if math.isfinite(g.tolerance) else "inf", g.proposed,
                 g.accepted, g.acceptance_rate, g.ess]
                for g in self.generations
            ],
            "status": self.status,
            "fixed": dict(self.fixed),
            "points": {name: self.points[name] for name in self.names
                       if name in self.points},
        }
        text = np.array(json.dumps(metadata, sort_keys=True))
        with atomic_path(target) as temporary, open(temporary, "wb") as stream:
            if self.lineage is None:
                np.savez(stream, values=np.asarray(self.values),
                         weights=np.asarray(self.weights),
                         distances=np.asarray(self.distances), metadata_json=text)
            else:
                np.savez(stream, values=np.asarray(self.values),
                         weights=np.asarray(self.weights),
                         distances=np.asarray(self.distances), metadata_json=text,
                         lineage=np.asarray(self.lineage, dtype=np.int64))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Posterior:
        """Read a posterior written by :meth:`save` (validated; never unpickles).

        Every array's header (dtype and shape) is checked against the
        metadata, and its size against the file's, before its data is read;
        every metadata field is type-checked; the particles must lie in their
        priors' supports.  Files of format 1 (no lineages) load with
        ``lineage=None``.

        Raises
        ------
        InvalidArgumentError
            If ``path`` is not a path, the file is missing, not a posterior
            file, or inconsistent (the message names the file and what is
            wrong).

        Examples
        --------
        >>> import kurilsim
        >>> kurilsim.Posterior.load("no/such/posterior.npz")
        Traceback (most recent call last):
        ...
        kurilsim._errors.InvalidArgumentError: posterior file 'no/such/posterior.npz': no such file
        """
        if not isinstance(path, str | os.PathLike):
            raise InvalidArgumentError(
                f"path must be a file path (str or os.PathLike), got {describe(path)}"
            )
        where = f"posterior file {os.fspath(path)!r}"

        def bad(why: str) -> InvalidArgumentError:
            return InvalidArgumentError(f"{where}: {why}")

        try:
            size = os.path.getsize(path)
            stream = open(path, "rb")  # noqa: SIM115 (closed below, on every path)
        except FileNotFoundError:
            raise bad("no such file") from None
        except OSError as error:
            raise bad(f"not a readable file ({error})") from None
        try:
            with stream:
                data = np.load(stream, allow_pickle=False)
                if not isinstance(data, NpzFile):
                    raise bad(f"not an .npz archive (it holds a {type(data).__name__})")
                with data:
                    missing = {"values", "weights", "distances", _META} - set(data.files)
                    if missing:
                        raise bad(f"missing arrays {sorted(missing)}")
                    headers = {key: _npy_header(data, key, size, bad) for key in data.files}
                    text_dtype, text_shape = headers[_META]
                    if text_dtype.kind != "U" or text_shape != ():
                        raise bad("metadata_json must be one unicode string")
                    meta = _metadata(json.loads(str(data[_META])), bad)
                    n = headers["weights"][1][0] if len(headers["weights"][1]) == 1 else -1
                    expected = {
                        "values": (n, len(meta["names"])), "weights": (n,),
                        "distances": (n,), "lineage": (n,),
                    }
                    for key, want in expected.items():
                        if key not in headers:
                            continue
                        dtype, shape = headers[key]
                        kind = "i" if key == "lineage" else "f"
                        if n < 1 or shape != want or dtype.kind != kind or (
                            kind == "f" and dtype != np.float64
                        ):
                            raise bad(
                                f"array {key!r} has {dtype} {shape}, expected "
                                f"{'integer' if kind == 'i' else 'float64'} {want} for "
                                f"{len(meta['names'])} parameters"
                            )
                    arrays = {key: np.array(data[key]) for key in expected if key in headers}
        except InvalidArgumentError:
            raise
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error,
                KeyError, RecursionError) as error:
            raise bad(f"not a readable posterior ({type(error).__name__}: "
                      f"{reprlib.repr(str(error))})") from None
        values, weights, distances = (
            arrays["values"], arrays["weights"], arrays["distances"]
        )
        if not (np.all(np.isfinite(weights)) and np.all(weights >= 0)
                and abs(math.fsum(weights) - 1.0) < 1e-9):
            raise bad("weights must be finite, non-negative and sum to 1")
        if not (np.all(np.isfinite(distances)) and np.all(distances >= 0)):
            raise bad("distances must be finite and non-negative")
        if not np.all(np.isfinite(values)):
            raise bad("values must be finite")
        for column, name in enumerate(meta["names"]):
            prior: Prior = meta["priors"][name]
            x = values[:, column]
            low, high = prior.support
            inside = (x >= low) & (x <= high)
            if prior.family == "discrete":
                inside &= np.isin(x, np.asarray(prior.param("values"), dtype=float))
            if not np.all(inside):
                raise bad(
                    f"values of {name!r} outside its prior {prior.label()}, e.g. "
                    f"{float(x[~inside][0])!r}"
                )
        lineage = arrays.get("lineage")
        if lineage is not None and np.any(lineage < 0):
            raise bad("lineage must be non-negative integers")
        if not any(g.accepted >= n for g in meta["generations"]):
            raise bad(f"no complete generation (none accepted the {n} particles)")
        return cls(
            names=meta["names"],
            values=readonly(values),
            weights=readonly(weights),
            distances=readonly(distances),
            priors=meta["priors"],
            targets=meta["targets"],
            scenarios=meta["scenarios"],
            concept=meta["concept"],
            observations=meta["observations"],
            generations=meta["generations"],
            status=meta["status"],
            fixed=meta["fixed"],
            points=meta["points"],
            lineage=None if lineage is None else readonly(lineage.astype(np.intp)),
        )


def _npy_header(
    data: NpzFile, key: str, size: int, bad: Callable[[str], InvalidArgumentError]
) -> tuple[np.dtype[Any], tuple[int, ...]]:
    """The dtype and shape of one array of an ``.npz`` archive, read from its
    header without reading its data; refuses a member larger than the file
    itself (a compressed "bomb") or a header declaring more data than the
    member holds."""
    archive = data.zip
    if archive is None:
        raise bad("the archive is closed")
    info = archive.getinfo(f"{key}.npy")
    if info.file_size > size:
        raise bad(f"array {key!r} inflates to {info.file_size} bytes, more than the "
                  f"file's {size}")
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise bad(f"array {key!r} has .npy format version {version}")
    if dtype.hasobject:
        raise bad(f"array {key!r} holds Python objects")
    if math.prod(shape) * dtype.itemsize > info.file_size:
        raise bad(f"array {key!r} declares shape {shape}, more than its "
                  f"{info.file_size} bytes")
    return dtype, tuple(shape)


def _metadata(
    meta: object, bad: Callable[[str], InvalidArgumentError]
) -> dict[str, Any]:
    """The checked metadata of a posterior file, with typed values."""
    if not isinstance(meta, dict) or meta.get("format") != "kurilsim.Posterior":
        raise bad("not a kurilsim posterior (no format marker)")
    version = meta.get("version")
    if isinstance(version, bool) or version not in (1, _FORMAT):
        raise bad(f"format version {meta.get('version')!r}, expected 1 or {_FORMAT}")

    def field_(key: str, kind: type) -> Any:
        if key not in meta:
            raise bad(f"metadata has no {key!r}")
        value = meta[key]
        if not isinstance(value, kind):
            raise bad(f"metadata {key!r} must be a {kind.__name__}, got "
                      f"{reprlib.repr(value)}")
        return value

    def strings(value: object, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(f"{what} must be a list of strings, got {reprlib.repr(value)}")
        return tuple(value)

    def number(value: object, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad(f"{what} must be a number, got {reprlib.repr(value)}")
        return float(value)

    names = strings(field_("names", list), "metadata 'names'")
    if not names or len(set(names)) != len(names):
        raise bad(f"metadata 'names' must be distinct and not empty, got {list(names)}")
    scenarios = strings(field_("scenarios", list), "metadata 'scenarios'")
    if not scenarios or len(set(scenarios)) != len(scenarios):
        raise bad("metadata 'scenarios' must be distinct and not empty")
    raw_priors = field_("priors", dict)
    raw_targets = field_("targets", dict)
    priors: dict[str, Prior] = {}
    targets: dict[str, tuple[tuple[str, str], ...]] = {}
    for name in names:
        if name not in raw_priors or not isinstance(raw_priors[name], dict):
            raise bad(f"metadata 'priors' has no table for {name!r}")
        try:
            priors[name] = Prior.from_dict(raw_priors[name])
        except (InvalidArgumentError, InvalidModelError) as error:
            raise bad(f"prior of {name!r}: {error}") from None
        pairs = raw_targets.get(name)
        if not isinstance(pairs, list) or not pairs or not all(
            isinstance(pair, list) and len(pair) == 2
            and all(isinstance(v, str) for v in pair) and pair[0] in scenarios
            for pair in pairs
        ):
            raise bad(f"metadata 'targets' of {name!r} must be [scenario, dotted name] "
                      f"pairs of the scenarios calibrated, got {reprlib.repr(pairs)}")
        targets[name] = tuple((pair[0], pair[1]) for pair in pairs)
    generations: list[Generation] = []
    for row in field_("generations", list):
        if not isinstance(row, list) or len(row) != 5:
            raise bad(f"a generation must be 5 numbers, got {reprlib.repr(row)}")
        tolerance = math.inf if row[0] == "inf" else number(row[0], "a tolerance")
        proposed, accepted = (number(v, "a generation's count") for v in row[1:3])
        rate, ess = number(row[3], "an acceptance rate"), number(row[4], "an ESS")
        if not (tolerance >= 0 and proposed >= 0 and accepted >= 0
                and proposed == int(proposed) and accepted == int(accepted)):
            raise bad(f"a generation must have a tolerance >= 0 and counts, got {row}")
        generations.append(
            Generation(tolerance, int(proposed), int(accepted), rate, ess)
        )
    if not generations:
        raise bad("metadata 'generations' is empty")
    status = field_("status", str)
    if status not in ("converged", "min-acceptance", "budget", "stalled"):
        raise bad(f"unknown status {status!r}")
    fixed = field_("fixed", dict)
    if not all(isinstance(v, str) for v in fixed.values()):
        raise bad("metadata 'fixed' must map names to strings")
    points = field_("points", dict)
    for key, value in points.items():
        if key not in names or not math.isfinite(number(value, f"point of {key!r}")):
            raise bad(f"metadata 'points' has a bad entry {key!r}: {value!r}")
    return {
        "names": names,
        "priors": priors,
        "targets": targets,
        "scenarios": scenarios,
        "concept": field_("concept", str),
        "observations": strings(field_("observations", list), "metadata 'observations'"),
        "generations": tuple(generations),
        "status": status,
        "fixed": dict(fixed),
        "points": {k: float(v) for k, v in points.items()},
    }


# -- the entry point ----------------------------------------------------------------------
def _scenario(item: object) -> Scenario:
    if isinstance(item, Scenario):
        return item
    if isinstance(item, str):
        return load_scenario(item)
    raise InvalidArgumentError(
        f"scenarios must be Scenario objects or names of bundled scenarios, got "
        f"{describe(item)}"
    )


def _kernel_concept(concept: object) -> Concept:
    if isinstance(concept, Concept):
        kind = concept
    elif isinstance(concept, str):
        kind = get_concept(concept)
    else:
        raise InvalidArgumentError(
            f"concept must be a concept's name or a Concept, got {describe(concept)}"
        )
    if kind.kernel is None:
        raise InvalidArgumentError(
            f"concept {kind.name!r} has no vectorised kernel; calibration simulates "
            "millions of points and needs one (e.g. 'spe')"
        )
    if kind.lottery:
        raise InvalidArgumentError(
            f"concept {kind.name!r} may give a lottery over agreements; calibration "
            "compares the one agreement reached at each point with the record, so it "
            "needs a concept without lotteries (e.g. 'spe', 'two-level' or a discrete "
            "bargaining rule)"
        )
    return kind


def calibrate(
    scenarios: Sequence[Scenario | str] | Scenario | str,
    record: Record,
    *,
    samples: int = 1000,
    method: Literal["smc", "pmc"] = "smc",
    rng: Any = None,
    concept: str | Concept = "spe",
    max_draws: int = 1_000_000,
    min_acceptance: float = 0.005,
    quantile: float = 0.5,
    weights: Mapping[str, float] | None = None,
) -> Posterior:
    """The posterior of the scenarios' parameters given the record, by ABC-SMC.

    Parameters
    ----------
    scenarios : sequence of Scenario or str
        The scenarios (or names of bundled ones) whose parameters are
        inferred; each must be observed by the record, and every scenario
        the record observes must be here.
    record : Record
        The observations (:mod:`kurilsim.model.record`).
    samples : int, optional
        Particles per generation (default 1000).
    method : {"smc", "pmc"}
        ABC-SMC with MCMC moves (default), or ABC population Monte Carlo
        with importance weights (see the module docstring).
    rng : seed or Generator, optional
    concept : str or Concept, optional
        The solution concept whose outcomes are compared with the record;
        it needs a vectorised kernel (default ``"spe"``).
    max_draws : int, optional
        Simulation budget: parameter points simulated in total, each on
        every scenario (default 10⁶).
    min_acceptance : float, optional
        Stop (keeping the last complete generation) when a generation's
        acceptance rate would fall below this (default 0.005).
    quantile : float, optional
        The next tolerance is this weighted quantile of the current
        generation's distances (default 0.5).
    weights : mapping of str to float, optional
        Weight of each observation by description (default 1 each): the
        distance is then the weighted share of entries contradicted.

    Returns
    -------
    Posterior

    Raises
    ------
    InvalidArgumentError
        For an empty record, a record entry about a scenario not given, a
        scenario the record does not observe, a concept without a kernel, no
        parameter with a non-point prior, or bad options.
    InvalidModelError
        For an observation naming an agent or feature its scenario lacks.

    Notes
    -----
    The algorithm, its stopping rules and how parameters are shared across
    scenarios are described in the module's docstring
    (:mod:`kurilsim.calibration`).

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.kuril.record import kuril_record
    >>> record = kuril_record().only(["1956-declaration"])
    >>> posterior = kurilsim.calibrate(["1956-declaration"], record, samples=100,
    ...                                max_draws=10_000, rng=2)
    >>> len(posterior.names) > 0, posterior.generations[0].tolerance
    (True, inf)
    """
    if method not in ("smc", "pmc"):
        raise InvalidArgumentError(f"method must be 'smc' or 'pmc', got {method!r}")
    if isinstance(scenarios, Scenario | str):
        scenarios = [scenarios]
    if not isinstance(scenarios, Sequence) or not scenarios:
        raise InvalidArgumentError(
            f"scenarios must be a non-empty sequence of scenarios, got "
            f"{reprlib.repr(scenarios)}"
        )
    loaded = tuple(_scenario(s) for s in scenarios)
    # the record names scenarios by their base name: a copy changed by
    # with_params ("s+seller.status_quo=0.4") is still scenario "s"
    names = [s.base_name for s in loaded]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(
            f"scenarios must have distinct base names, got {names} (from "
            f"{[s.name for s in loaded]})"
        )
    check_instance(record, Record, "record")
    if len(record) == 0:
        raise InvalidArgumentError("record is empty: there is nothing to calibrate to")
    unknown = [s for s in record.scenarios if s not in names]
    if unknown:
        raise InvalidArgumentError(
            f"the record observes scenario {unknown[0]!r}, which is not among the "
            f"scenarios given {names}"
        )
    unobserved = [s for s in names if s not in record.scenarios]
    if unobserved:
        raise InvalidArgumentError(
            f"scenario {unobserved[0]!r} has no observation in the record; drop it or "
            "add observations"
        )
    samples = check_int(samples, "samples", low=2)
    max_draws = check_int(max_draws, "max_draws", low=samples)
    min_acceptance = check_real(
        min_acceptance, "min_acceptance", low=0, high=1, low_open=True
    )
    quantile = check_real(quantile, "quantile", low=0, high=1, low_open=True,
                          high_open=True)
    kind = _kernel_concept(concept)
    generator = check_rng(rng)
    by_name = {s.base_name: s for s in loaded}
    for observation in record:
        scenario = by_name[observation.scenario]
        observation.check(scenario.space, scenario.agent_names)
    entry_weights = np.ones(len(record))
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise InvalidArgumentError(
                f"weights must map observation descriptions to numbers, got "
                f"{reprlib.repr(weights)}"
            )
        descriptions = [o.description for o in record]
        for key, value in weights.items():
            if key not in descriptions:
                raise InvalidArgumentError(
                    f"weights name {key!r}, which is no observation's description"
                )
            weight = check_real(value, f"weights[{key!r}]", low=0, low_open=True)
            if not math.isfinite(weight):
                raise InvalidArgumentError(
                    f"weights[{key!r}] must be a finite positive number, got {weight!r}"
                )
            entry_weights[[k for k, d in enumerate(descriptions) if d == key]] = weight
        # by the largest first: the sum of large weights would overflow to inf
        entry_weights /= entry_weights.max()
        entry_weights /= math.fsum(entry_weights)
    parameters, fixed = _parameters(loaded, kind)
    if not parameters:
        raise InvalidArgumentError(
            f"no parameter of {names} has a prior that is not a point: there is "
            "nothing to infer"
        )
    problem = _Problem(loaded, kind, tuple(parameters), record, entry_weights)
    posterior_space = _Space(parameters)
    run = _smc if method == "smc" else _pmc
    theta, w, d, lineage, generations, status = run(
        problem, posterior_space, samples, max_draws, min_acceptance, quantile, generator
    )
    return Posterior(
        names=tuple(p.name for p in parameters),
        values=readonly(theta),
        weights=readonly(w),
        distances=readonly(d),
        priors={p.name: p.prior for p in parameters},
        targets={
            p.name: tuple((loaded[k].base_name, dotted) for k, dotted in p.targets)
            for p in parameters
        },
        scenarios=tuple(names),
        concept=kind.name,
        observations=tuple(
            f"{o.date.isoformat()} {o.scenario}: {o.description}" for o in record
        ),
        generations=tuple(generations),
        status=status,
        fixed=fixed,
        points={
            p.name: float(loaded[p.targets[0][0]].parameters()[p.targets[0][1]])
            for p in parameters
        },
        lineage=readonly(np.asarray(lineage, dtype=np.intp)),
    )


def _next_tolerance(
    distances: NDArray[np.float64], weights: NDArray[np.float64], quantile: float,
    current: float,
) -> float:
    """The weighted quantile of the distances, below the current tolerance."""
    proposal = _weighted_quantile(distances, weights, quantile)
    if proposal < current:
        return proposal
    below = distances[distances < current]
    return float(below.max()) if below.size else 0.0


def _pmc(
    problem: _Problem,
    space: _Space,
    n: int,
    max_draws: int,
    min_acceptance: float,
    quantile: float,
    rng: np.random.Generator,
) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp],
    list[Generation], Status,
]:
    """ABC population Monte Carlo (Beaumont et al. 2009): the last complete
    generation, and each particle's lineage (the index of its parent in the
    generation before)."""
    theta = space.sample(n, rng)
    lineage = np.arange(n)
    distances = problem.distances(theta)
    weights = np.full(n, 1.0 / n)
    generations = [Generation(math.inf, n, n, 1.0, float(n))]
    spent = n
    tolerance = math.inf
    while True:
        if tolerance == 0.0:
            return theta, weights, distances, lineage, generations, "converged"
        next_tol = _next_tolerance(distances, weights, quantile, tolerance)
        sigma = space.scales(theta, weights)
        log_w = np.log(weights)
        accepted_theta: list[NDArray[np.float64]] = []
        accepted_d: list[NDArray[np.float64]] = []
        accepted_parent: list[NDArray[np.intp]] = []
        count = 0
        proposed = 0
        rate = 1.0
        while count < n:
            if proposed >= n / min_acceptance:  # so the rate is below the minimum
                generations.append(
                    Generation(next_tol, proposed, count, count / proposed, float("nan"))
                )
                return theta, weights, distances, lineage, generations, "min-acceptance"
            remaining = max_draws - spent
            if remaining <= 0:
                generations.append(
                    Generation(next_tol, proposed, count,
                               count / max(proposed, 1), float("nan"))
                )
                return theta, weights, distances, lineage, generations, "budget"
            want = int(min(max((n - count) / max(rate, min_acceptance) * 1.2, 256),
                           20 * _BLOCK, remaining))
            parents = rng.choice(n, size=want, p=weights)
            candidates = space.perturb(theta[parents], sigma, rng)
            d = problem.distances(candidates)
            spent += want
            proposed += want
            keep = d <= next_tol
            count += int(keep.sum())
            accepted_theta.append(candidates[keep])
            accepted_d.append(d[keep])
            accepted_parent.append(parents[keep])
            rate = max(count / proposed, 1e-12)
        new_theta = np.concatenate(accepted_theta)[:n]
        new_d = np.concatenate(accepted_d)[:n]
        lineage = np.concatenate(accepted_parent)[:n]
        log_new = space.log_prior(new_theta) - space.log_kernel_mixture(
            new_theta, theta, log_w, sigma
        )
        log_new -= log_new.max()
        new_w = np.exp(log_new)
        new_w /= new_w.sum()
        theta, distances, weights, tolerance = new_theta, new_d, new_w, next_tol
        generations.append(
            Generation(tolerance, proposed, n, n / proposed, _ess(weights))
        )


def _blocks(problem: _Problem) -> list[tuple[NDArray[np.intp], list[int]]]:
    """The blocks of coordinates moved together, each with the scenarios it
    touches: the shared parameters (every scenario), then each scenario's own."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for column, parameter in enumerate(problem.parameters):
        touched = tuple(sorted({k for k, _ in parameter.targets}))
        groups.setdefault(touched, []).append(column)
    return [
        (np.array(columns, dtype=np.intp), list(touched))
        for touched, columns in sorted(groups.items(), key=lambda item: -len(item[0]))
    ]


def _smc(
    problem: _Problem,
    space: _Space,
    n: int,
    max_draws: int,
    min_acceptance: float,
    quantile: float,
    rng: np.random.Generator,
) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp],
    list[Generation], Status,
]:
    """ABC-SMC with MCMC moves (Del Moral et al. 2012): the last complete
    generation, with equal weights, and each particle's lineage: its ancestor
    in the generation where the current tolerance was first reached (copies of
    one point are one ancestor), or its draw from the prior."""
    scenarios = len(problem.scenarios)
    theta = space.sample(n, rng)
    lineage = np.arange(n)
    parts = problem.parts(theta)
    distances = parts.sum(axis=1)
    log_prior = space.log_prior(theta)
    uniform = np.full(n, 1.0 / n)
    generations = [Generation(math.inf, n, n, 1.0, float(n))]
    spent = float(n)
    tolerance = math.inf
    blocks = _blocks(problem)
    scale = [2.38 / math.sqrt(len(columns)) for columns, _ in blocks]
    stalls = 0
    polished = 0
    while True:
        if tolerance == 0.0:
            # a few more generations at tolerance 0 rejuvenate the population
            if polished >= _POLISH:
                return theta, uniform, distances, lineage, generations, "converged"
            polished += 1
        proposal = _weighted_quantile(distances, uniform, quantile)
        if tolerance == 0.0:
            next_tol = 0.0
        elif proposal < tolerance:
            next_tol = proposal
        else:
            below = distances[distances < tolerance]
            next_tol = float(below.max()) if below.size else tolerance
        stalls = stalls + 1 if next_tol == tolerance and tolerance > 0 else 0
        if stalls > _PATIENCE:
            return theta, uniform, distances, lineage, generations, "stalled"
        alive = distances <= next_tol + 1e-12
        ess = float(alive.sum())
        # the kernel's scale: the spread of the surviving particles
        survivors = theta[alive]
        sd = survivors.std(axis=0)
        floor = space.scales(theta, uniform) / math.sqrt(2.0)
        tiny = 1e-9 * (1.0 + np.abs(survivors).mean(axis=0))
        sd = np.maximum(sd, np.where(space.discrete, floor, tiny))
        picks = rng.choice(np.flatnonzero(alive), size=n)
        if next_tol < tolerance:  # a new tolerance: the ancestors are its survivors
            lineage = np.unique(theta[picks], axis=0, return_inverse=True)[1].ravel()
        else:
            lineage = lineage[picks]
        theta, parts, log_prior = theta[picks], parts[picks], log_prior[picks]
        distances = parts.sum(axis=1)
        proposed = 0
        used = 0.0
        moved = 0
        sweeps = 0
        wanted = 1
        worst = 1.0
        while sweeps < wanted:
            worst = 1.0
            for b, (columns, touched) in enumerate(blocks):
                step = scale[b] * sd
                step = np.where(space.discrete, np.maximum(step, floor), step)
                candidates = space.random_walk(theta, step, columns, rng)
                log_candidate = (
                    log_prior - space.log_prior(theta, columns)
                    + space.log_prior(candidates, columns)
                )
                log_ratio = (
                    log_candidate - log_prior
                    + space.log_step(theta, candidates, step, columns)
                    - space.log_step(candidates, theta, step, columns)
                )
                with np.errstate(invalid="ignore"):
                    passed = np.isfinite(log_candidate) & (
                        np.log(rng.random(n)) < log_ratio
                    )
                tried = int(passed.sum())
                cost = tried * len(touched) / scenarios
                if spent + cost > max_draws:
                    generations.append(Generation(
                        next_tol, round(used), n, moved / max(proposed, 1), ess
                    ))
                    done: Status = "converged" if next_tol == 0.0 else "budget"
                    return theta, uniform, distances, lineage, generations, done
                new_parts = parts[passed].copy()
                new_parts[:, touched] = problem.parts(candidates[passed], touched)
                new_d = new_parts.sum(axis=1)
                spent += cost
                used += cost
                proposed += n
                ok = new_d <= next_tol + 1e-12
                accept = np.zeros(n, dtype=bool)
                accept[passed] = ok
                theta[accept] = candidates[accept]
                parts[accept] = new_parts[ok]
                log_prior[accept] = log_candidate[accept]
                distances = parts.sum(axis=1)
                count = int(accept.sum())
                moved += count
                rate = count / n
                worst = min(worst, rate)
                scale[b] *= math.exp(rate - 0.25)  # aim at a quarter accepted
            sweeps += 1
            if sweeps == 1:
                # repeat until about 99% of the particles have moved in each block
                wanted = 1 if worst >= 0.99 else int(min(
                    _MAX_SWEEPS,
                    math.ceil(math.log(0.01) / math.log1p(-max(worst, 1e-9))),
                ))
        rate = moved / max(proposed, 1)
        tolerance = next_tol
        generations.append(Generation(tolerance, round(used), n, rate, ess))
        if rate < min_acceptance and tolerance > 0.0:
            return theta, uniform, distances, lineage, generations, "min-acceptance"
