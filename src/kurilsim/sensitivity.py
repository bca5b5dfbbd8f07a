"""Robustness of a scenario's outcome: outcome probabilities and sensitivity indices.

The module is ``kurilsim.sensitivity``; its entry point is the function
:func:`kurilsim.robustness` (also ``kurilsim.sensitivity.robustness``).  The
module is not named ``robustness`` so that the name ``kurilsim.robustness``
means one thing, the function, and ``import kurilsim.sensitivity`` or
``mock.patch("kurilsim.sensitivity....")`` reach the module (as
``kurilsim.calibrate`` is the function of the module ``kurilsim.calibration``).

:func:`robustness` asks how much a scenario's outcome rests on the calibrated
point values of its parameters.  It varies the scenario's uncertain parameters
jointly -- drawn from their priors (:meth:`Scenario.priors`) or uniformly
within ``±spread`` of their calibrated values -- and reports:

* the probability of each outcome (an agreement or no deal) and of a deal, by
  plain Monte Carlo, with Monte-Carlo standard errors;
* variance-based sensitivity indices (first-order ``S1`` and total ``ST``
  Sobol' indices with bootstrap confidence intervals) of the deal indicator
  and of each agent's utility at the outcome, or Morris elementary-effect
  screening (``mu_star``, ``sigma``) for many parameters.

The estimators are SALib's (Herman and Usher 2017; Iwanaga et al. 2022): the
Saltelli / Sobol' sampling scheme and estimators of Saltelli et al. (2010) and
the Morris (1991) screening with the ``mu_star`` of Campolongo et al. (2007).
kurilsim only maps SALib's unit-hypercube samples through each parameter's
inverse CDF and evaluates the model at the resulting points on the vectorised
sweep path (``kurilsim.sweep(..., design="points")``).  SALib is imported
when an analysis runs, not with kurilsim.

:func:`sensitivity_indices` is the model-agnostic step underneath: any
vectorised function of named inputs with given inverse CDFs (the tests check
it on the Ishigami function, whose indices are known analytically).

References
----------
Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening
design for sensitivity analysis of large models. *Environmental Modelling &
Software* 22(10), 1509-1518.

Herman, J. and Usher, W. (2017). SALib: an open-source Python library for
sensitivity analysis. *Journal of Open Source Software* 2(9), 97.

Iwanaga, T., Usher, W. and Herman, J. (2022). Toward SALib 2.0: advancing the
accessibility and interpretability of global sensitivity analyses.
*Socio-Environmental Systems Modelling* 4, 18155.

Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. *Technometrics* 33(2), 161-174.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
Tarantola, S. (2010). Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index. *Computer Physics
Communications* 181(2), 259-270.
"""

from __future__ import annotations

import csv
import math
import numbers
import os
import reprlib
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import NDArray

from kurilsim import concepts
from kurilsim._arrays import readonly
from kurilsim._checks import check_instance, check_int, check_real, check_rng, describe
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    ProblemTooLargeError,
    SolverError,
)
from kurilsim._io import atomic_output, check_output_path, check_overwrite
from kurilsim.concepts import Concept
from kurilsim.model.agreements import NO_DEAL
from kurilsim.model.priors import Prior
from kurilsim.model.scenario import Scenario
from kurilsim.sweeps import sweep

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_MAX_POINTS",
    "DEFAULT_SAMPLES",
    "DEFAULT_SPREAD",
    "MAX_SPREAD",
    "METHODS",
    "RobustnessReport",
    "SensitivityIndices",
    "robustness",
    "saltelli_sample",
    "sensitivity_indices",
]

#: The sensitivity methods: Sobol' indices, or Morris screening.
METHODS: Final = ("sobol", "morris")

#: Default ``samples=`` per method: Sobol' base samples N (a power of two;
#: N x (parameters + 2) model runs), or Morris trajectories (N x (parameters + 1)).
DEFAULT_SAMPLES: Final = MappingProxyType({"sobol": 1024, "morris": 64})

#: Default number of Monte-Carlo draws for the outcome probabilities.
DEFAULT_DRAWS: Final = 4096

#: The spread used when a scenario has no priors (``spread=None``).
DEFAULT_SPREAD: Final = 0.25

#: Name of the deal indicator among the outputs of :class:`SensitivityIndices`.
DEAL: Final = "deal"

#: The measures of each method, as columns of :meth:`SensitivityIndices.to_pandas`.
_MEASURES: Final = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu", "mu_star", "mu_star_conf", "sigma"),
}

#: Morris grid levels (SALib's default ``num_levels``).
_MORRIS_LEVELS: Final = 4

#: Unit-hypercube values are kept this far from 0 and 1 (inverse CDFs of
#: unbounded priors are infinite there).
_EDGE: Final = 1e-12

#: Largest relative ``spread``: ±1000% of a parameter's calibrated value (wider
#: ranges only reach values at which the model's utilities overflow).
MAX_SPREAD: Final = 10.0

#: Default budget of model runs (``max_points=``) of :func:`robustness` and
#: :func:`sensitivity_indices`, and of Monte-Carlo draws: the unit-hypercube
#: sample alone takes ``8 x parameters`` bytes per run (0.5 GiB at 34
#: parameters), more than a laptop spares beyond it.
DEFAULT_MAX_POINTS: Final = 2_000_000

#: Budget of the bootstrap (samples x resamples): SALib draws an index array of
#: that size and several arrays of floats like it, per parameter.
_BOOTSTRAP_BUDGET: Final = 2**24

#: Fewest Sobol' base samples for indices worth reading; below, the report notes
#: that the estimates are unreliable (they can fall outside [0, 1]).
_FEW_SAMPLES: Final = 64

#: Relative distance kept from a bound that is open (a discount factor's 0).
_OPEN_MARGIN: Final = 1e-6

Model = Callable[[Mapping[str, NDArray[Any]]], Mapping[str, NDArray[Any]]]
"""A vectorised model: input columns by name -> output columns by name."""

Quantile = Callable[[NDArray[np.float64]], NDArray[Any]]
"""An inverse CDF: unit-interval values -> parameter values (vectorised)."""


# -- the model-agnostic step ---------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class SensitivityIndices:
    """Sensitivity indices of some outputs to some inputs.

    Attributes
    ----------
    method : {"sobol", "morris"}
    outputs : tuple of str
        The model outputs, in order (rows of each measure).
    parameters : tuple of str
        The inputs varied (columns of each measure).
    measures : mapping of str to ndarray
        Each measure, shape ``(len(outputs), len(parameters))``, read-only.
        Sobol': ``S1``, ``ST`` (first-order and total indices) and their
        confidence half-widths ``S1_conf``, ``ST_conf`` (bootstrap, at
        ``conf_level``).  Morris: ``mu``, ``mu_star`` (mean absolute
        elementary effect, in output units per unit of the input's
        quantile), ``mu_star_conf`` and ``sigma``.
    samples : int
        Sobol' base samples N, or Morris trajectories.
    evaluations : int
        Model runs: N x (parameters + 2), or N x (parameters + 1).
    conf_level : float
    constant : tuple of str
        The outputs that did not vary over the sample: their indices are 0
        (no input moves them) and not estimated.
    notes : tuple of str
        Warnings of the estimators, once each.
    """

    method: str
    outputs: tuple[str, ...]
    parameters: tuple[str, ...]
    measures: Mapping[str, NDArray[np.float64]]
    samples: int
    evaluations: int
    conf_level: float
    constant: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def of(self, output: str, measure: str | None = None) -> dict[str, float]:
        """One output's values of one measure, by parameter (largest first).

        ``measure`` defaults to ``"ST"`` (Sobol') or ``"mu_star"`` (Morris).

        Raises
        ------
        InvalidArgumentError
            For an unknown output or measure.
        """
        if output not in self.outputs:
            raise InvalidArgumentError(
                f"unknown output {output!r}; expected one of {', '.join(self.outputs)}"
            )
        measure = _main_measure(self.method) if measure is None else measure
        if measure not in self.measures:
            raise InvalidArgumentError(
                f"unknown measure {measure!r} for method {self.method!r}; expected "
                f"one of {', '.join(self.measures)}"
            )
        row = self.measures[measure][self.outputs.index(output)]
        order = np.argsort(-row, kind="stable")
        return {self.parameters[k]: float(row[k]) for k in order}

    def to_pandas(self) -> Any:
        """A tidy DataFrame: one row per output and parameter, one column per
        measure (needs pandas)."""
        pd = _pandas("SensitivityIndices.to_pandas")
        rows = []
        for i, output in enumerate(self.outputs):
            for j, name in enumerate(self.parameters):
                row: dict[str, Any] = {"output": output, "parameter": name}
                row.update({m: float(v[i, j]) for m, v in self.measures.items()})
                rows.append(row)
        return pd.DataFrame(rows, columns=["output", "parameter", *self.measures])


def _main_measure(method: str) -> str:
    return "ST" if method == "sobol" else "mu_star"


def _pandas(what: str) -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas comes with SALib
        raise InvalidArgumentError(f"{what} needs pandas: pip install pandas") from None
    return pd


def sensitivity_indices(
    model: Model,
    inputs: Mapping[str, Quantile],
    *,
    method: Literal["sobol", "morris"] = "sobol",
    samples: int | None = None,
    rng: np.random.Generator | int | None = None,
    conf_level: float = 0.95,
    resamples: int = 100,
    max_points: int = DEFAULT_MAX_POINTS,
) -> SensitivityIndices:
    """Sobol' indices or Morris screening of a vectorised model, with SALib.

    The steps: SALib samples the unit hypercube (Saltelli's scheme on a
    scrambled Sobol' sequence, without second-order terms; or Morris
    trajectories on a 4-level grid); each column is mapped through its
    input's inverse CDF; ``model`` runs once on all the points; SALib
    estimates the indices of each output from the outputs (Saltelli et al.
    2010 estimators with bootstrap confidence intervals; Morris elementary
    effects).  Morris grid levels ``0, 1/3, 2/3, 1`` are mapped to the
    quantiles at the centres of four equal-probability strata
    (``1/8, 3/8, 5/8, 7/8``), so unbounded inputs stay finite.

    Parameters
    ----------
    model : callable
        ``model(columns) -> outputs``: ``columns`` maps each input's name to
        an array of values, one per point; ``outputs`` maps output names to
        arrays of the same length (finite numbers).
    inputs : mapping of str to callable
        Each input's inverse CDF, vectorised: unit-interval values in,
        the input's values out (``scipy.stats`` frozen distributions'
        ``ppf`` work as they are).
    method : {"sobol", "morris"}
    samples : int, optional
        Sobol': the base sample size N, a power of two (default 1024);
        Morris: the number of trajectories (default 64).
    rng : numpy.random.Generator or int, optional
        Randomness of the sample and of the bootstrap (SPEC 7).
    conf_level : float
        Level of the confidence intervals.
    resamples : int
        Bootstrap resamples for the confidence intervals.
    max_points : int
        Budget of model runs: a design with more is refused before it is
        sampled.

    Returns
    -------
    SensitivityIndices

    Raises
    ------
    InvalidArgumentError
        On an unknown method, ``samples`` that is not a positive integer (a
        power of two for Sobol'), no inputs, input names that are not
        strings, an inverse CDF that returns non-finite values, or a model
        whose outputs are not finite numbers, one per point.
    ProblemTooLargeError
        If the design has more than ``max_points`` runs, or the bootstrap
        (``samples x resamples``) more than 2^24 values.

    Examples
    --------
    The Ishigami function (Ishigami and Homma 1990), whose indices are
    known: ``S1 = 0.314, 0.442, 0`` and ``ST = 0.558, 0.442, 0.244``.

    >>> import numpy as np
    >>> from kurilsim.sensitivity import sensitivity_indices
    >>> def ishigami(x):
    ...     x1, x2, x3 = x["x1"], x["x2"], x["x3"]
    ...     return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}
    >>> uniform = lambda u: -np.pi + 2 * np.pi * u
    >>> result = sensitivity_indices(ishigami, dict.fromkeys(("x1", "x2", "x3"), uniform),
    ...                              samples=4096, rng=1)
    >>> np.round(result.measures["ST"][0], 1)
    array([0.6, 0.4, 0.2])
    """
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidArgumentError(
            f"method must be one of {', '.join(map(repr, METHODS))}, got {describe(method)}"
        )
    if not isinstance(inputs, Mapping) or not inputs:
        raise InvalidArgumentError(
            f"inputs must map at least one input name to its inverse CDF, got "
            f"{describe(inputs)}"
        )
    for name, quantile in inputs.items():
        if not isinstance(name, str):
            raise InvalidArgumentError(
                f"inputs must be keyed by input names (strings), got the key "
                f"{describe(name)}"
            )
        if not callable(quantile):
            raise InvalidArgumentError(
                f"inputs[{name!r}] must be an inverse CDF (a callable), got "
                f"{describe(quantile)}"
            )
    count = _check_samples(method, samples)
    level = check_real(conf_level, "conf_level", low=0.0, high=1.0, low_open=True,
                       high_open=True)
    resamples = check_int(resamples, "resamples", low=2)
    budget = check_int(max_points, "max_points", low=1)
    generator = check_rng(rng)
    names = list(inputs)
    _check_budget(method, len(names), count, budget)
    if count * resamples > _BOOTSTRAP_BUDGET:
        raise ProblemTooLargeError(
            f"the bootstrap would draw samples x resamples = {count:,} x {resamples:,} "
            f"values, more than {_BOOTSTRAP_BUDGET:,}; use fewer resamples (100 is "
            "usual)"
        )
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    sample_seed, analyse_seed = (int(s) for s in generator.integers(1, 2**31, size=2))
    if method == "sobol":
        unit = saltelli_sample(len(names), count, seed=sample_seed)
        stretched = np.clip(unit, _EDGE, 1.0 - _EDGE)
    else:
        from SALib.sample import morris as morris_sample

        unit = morris_sample.sample(problem, count, num_levels=_MORRIS_LEVELS,
                                    seed=sample_seed)
        # grid level k/(L-1) -> centre of stratum k: (k + 1/2) / L
        steps = np.rint(unit * (_MORRIS_LEVELS - 1))
        stretched = (steps + 0.5) / _MORRIS_LEVELS
    columns = {name: _quantiles(name, inputs[name], stretched[:, k])
               for k, name in enumerate(names)}
    outputs = _check_outputs(model(columns), len(unit))
    measures = {m: np.zeros((len(outputs), len(names))) for m in _MEASURES[method]}
    constant: list[str] = []
    notes: list[str] = []
    for i, (output, values) in enumerate(outputs.items()):
        if np.ptp(values) <= 1e-12 * max(1.0, float(np.abs(values).max())):
            constant.append(output)
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = _analyse(method, problem, unit, values, level, resamples,
                             analyse_seed)
        for warning in caught:
            text = f"{output}: {' '.join(str(warning.message).split())}"
            if text not in notes:
                notes.append(text)
        for measure in _MEASURES[method]:
            measures[measure][i] = np.asarray(found[measure], dtype=np.float64)
    if constant:
        notes.append(
            f"constant over the sample (indices 0, not estimated): {', '.join(constant)}"
        )
    if method == "sobol" and count < _FEW_SAMPLES and len(constant) < len(outputs):
        notes.append(
            f"only N = {count} base samples: the indices are unreliable (estimates "
            f"can fall outside [0, 1]); use samples={_FEW_SAMPLES} or more"
        )
    return SensitivityIndices(
        method=method,
        outputs=tuple(outputs),
        parameters=tuple(names),
        measures=MappingProxyType({m: readonly(v) for m, v in measures.items()}),
        samples=count,
        evaluations=len(unit),
        conf_level=level,
        constant=tuple(constant),
        notes=tuple(notes),
    )


def saltelli_sample(parameters: int, samples: int, *, seed: int | None = None
                    ) -> NDArray[np.float64]:
    """SALib's Saltelli sample of the unit hypercube, without second-order terms.

    Exactly what ``SALib.sample.sobol.sample(problem, samples,
    calc_second_order=False, seed=seed)`` returns for ``parameters`` inputs
    on ``[0, 1]`` (a test checks the two are identical): the ``samples``
    first points of a scrambled Sobol' sequence in ``2 * parameters``
    dimensions (``scipy.stats.qmc.Sobol``), split into matrices ``A`` (the
    first half of the columns) and ``B`` (the second), laid out point by
    point as ``A``, then ``A`` with column ``j`` taken from ``B`` for each
    ``j``, then ``B``: ``samples * (parameters + 2)`` rows.  SALib fills the
    rows one entry at a time in Python (seconds for large samples); this
    builds the same array with numpy.

    Parameters
    ----------
    parameters : int
    samples : int
        Base samples N, a power of two.
    seed : int, optional
        The seed of the scrambling.

    Returns
    -------
    ndarray
        Shape ``(samples * (parameters + 2), parameters)``.

    Examples
    --------
    >>> from kurilsim.sensitivity import saltelli_sample
    >>> saltelli_sample(3, 8, seed=1).shape
    (40, 3)
    """
    from scipy.stats import qmc

    d = check_int(parameters, "parameters", low=1)
    n = _check_samples("sobol", samples)
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(n)
    a, b = base[:, :d], base[:, d:]
    layout = np.empty((n, d + 2, d))
    layout[:, 0] = a
    layout[:, 1 : d + 1] = a[:, np.newaxis, :]
    diagonal = np.arange(d)
    layout[:, 1 + diagonal, diagonal] = b
    layout[:, d + 1] = b
    return layout.reshape(n * (d + 2), d)


def _quantiles(name: str, quantile: Quantile, unit: NDArray[np.float64]) -> NDArray[Any]:
    """``quantile(unit)``, evaluated once per distinct value (a Saltelli
    column holds only ``2 N`` distinct values among ``N (D + 2)``; inverse
    CDFs such as the beta distribution's cost microseconds each)."""
    distinct, inverse = np.unique(unit, return_inverse=True)
    values = np.asarray(quantile(distinct))
    if values.shape != distinct.shape:
        raise InvalidArgumentError(
            f"the inverse CDF of input {name!r} must return one value per input, got "
            f"shape {values.shape} for {distinct.shape}"
        )
    if values.dtype.kind not in "iuf" or not np.isfinite(values).all():
        bad = ~np.isfinite(values) if values.dtype.kind in "iuf" else np.ones(
            values.shape, dtype=bool)
        k = int(np.argmax(bad))
        raise InvalidArgumentError(
            f"the inverse CDF of input {name!r} must return finite numbers, got "
            f"{reprlib.repr(values[k].item())} at u = {distinct[k]:.6g}"
        )
    return values[inverse.ravel()]


def _check_budget(method: str, parameters: int, samples: int, max_points: int) -> None:
    """Refuse a design of more than ``max_points`` model runs before sampling it."""
    runs = samples * (parameters + (2 if method == "sobol" else 1))
    if runs > max_points:
        raise ProblemTooLargeError(
            f"the {method} design has {runs:,} model runs ({samples:,} samples x "
            f"{parameters + (2 if method == 'sobol' else 1)}), more than max_points="
            f"{max_points:,}; its unit sample alone would take about "
            f"{runs * parameters * 8 / 2**30:,.1f} GiB; pass max_points={runs} to "
            "allow it"
        )


def _check_samples(method: str, samples: object) -> int:
    if samples is None:
        return DEFAULT_SAMPLES[method]
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or (
        samples < 2
    ):
        raise InvalidArgumentError(
            f"samples must be an integer >= 2, got {describe(samples)}"
        )
    count = int(samples)
    if method == "sobol" and count & (count - 1):
        raise InvalidArgumentError(
            f"samples must be a power of two for method='sobol' (the Sobol' sequence "
            f"converges only at powers of two), got {count}; use "
            f"{1 << (count - 1).bit_length()}"
        )
    return count


def _check_outputs(outputs: object, size: int) -> dict[str, NDArray[np.float64]]:
    if not isinstance(outputs, Mapping) or not outputs:
        raise InvalidArgumentError(
            "the model must return a mapping of output names to arrays, got "
            f"{describe(outputs)}"
        )
    checked: dict[str, NDArray[np.float64]] = {}
    for name, values in outputs.items():
        if not isinstance(name, str):
            raise InvalidArgumentError(
                f"the model's outputs must be keyed by names (strings), got the key "
                f"{describe(name)}"
            )
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            kind = getattr(values, "dtype", type(values).__name__)
            raise InvalidArgumentError(
                f"the model's output {name!r} must be {size} finite numbers (one per "
                f"point), got non-numeric values ({kind})"
            ) from None
        if array.shape != (size,):
            raise InvalidArgumentError(
                f"the model's output {name!r} must be {size} finite numbers (one per "
                f"point), got shape {array.shape}"
            )
        if not np.isfinite(array).all():
            bad = int(np.count_nonzero(~np.isfinite(array)))
            raise InvalidArgumentError(
                f"the model's output {name!r} must be {size} finite numbers (one per "
                f"point), got {bad} non-finite (nan or inf)"
            )
        checked[name] = array
    return checked


def _analyse(method: str, problem: dict[str, Any], unit: NDArray[np.float64],
             values: NDArray[np.float64], level: float, resamples: int,
             seed: int) -> Mapping[str, Any]:
    if method == "sobol":
        from SALib.analyze import sobol as sobol_analyse

        result: Mapping[str, Any] = sobol_analyse.analyze(
            problem, values, calc_second_order=False, num_resamples=resamples,
            conf_level=level, seed=seed,
        )
        return result
    from SALib.analyze import morris as morris_analyse

    found: Mapping[str, Any] = morris_analyse.analyze(
        problem, unit, values, num_resamples=resamples, conf_level=level,
        num_levels=_MORRIS_LEVELS, seed=seed,
    )
    return found


# -- the parameters' distributions -----------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Marginal:
    """How one parameter varies: its inverse CDF and a description."""

    name: str
    quantile: Quantile
    description: str


def _uniform(low: float, high: float) -> Quantile:
    def quantile(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.clip(low + u * (high - low), low, high)

    return quantile


def _integers(first: int, last: int) -> Quantile:
    def quantile(u: NDArray[np.float64]) -> NDArray[np.int64]:
        values = first + np.floor(u * (last - first + 1)).astype(np.int64)
        return np.minimum(values, last)

    return quantile


def _priors_of(scenario: Scenario) -> tuple[dict[str, Prior], tuple[str, ...]] | None:
    """The scenario's priors and free parameters; None if no prior is uncertain."""
    free = tuple(scenario.free_parameters())
    return (scenario.priors(), free) if free else None


def _bounds(scenario: Scenario, name: str) -> tuple[float, float, bool, bool]:
    """A parameter's range of valid values: ``(low, high, integer, open_low)``.

    Agent parameters have the bounds of their spec (unbounded for an agent
    without specs).  Protocol settings have the protocol's bounds (the same
    as ``Scenario``'s priors use): a discount factor is in ``(0, 1]`` (open
    at 0), every other numeric setting (the objection cost) is ``>= 0``.
    """
    owner = scenario.agent_parameter(name)
    value = scenario.parameters()[name]
    integer = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if owner is None:
        if scenario.canonical_name(name).startswith("protocol.discount."):
            return 0.0, 1.0, integer, True
        return 0.0, math.inf, integer, False
    agent = scenario.agent(owner[0])
    specs = getattr(type(agent), "parameter_specs", None)
    if callable(specs):
        for spec in specs():
            if spec.name == owner[1]:
                low, high = spec.bounds
                return float(low), float(high), bool(spec.integer) or integer, False
    return -math.inf, math.inf, integer, False


def _spread_marginal(scenario: Scenario, name: str, spread: float) -> _Marginal | None:
    """Uniform within ±spread of the calibrated value (clipped to the bounds);
    None for a parameter at 0 (a relative spread leaves it there)."""
    value = scenario.parameters()[name]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidModelError(
            f"parameter {name!r} is not a number ({value!r}): it cannot vary"
        )
    if value == 0:
        return None
    low_bound, high_bound, integer, open_low = _bounds(scenario, name)
    centre = float(value)
    half = spread * abs(centre)
    low, high = max(centre - half, low_bound), min(centre + half, high_bound)
    if open_low and low <= low_bound:
        # the range is open at its lower bound (a discount factor > 0): stop
        # short of it, as close as the value's scale allows
        low = min(centre, low_bound + abs(centre) * _OPEN_MARGIN)
    if integer:
        first, last = math.ceil(low), math.floor(high)
        return _Marginal(name, _integers(first, last),
                         f"integers {first}..{last} (uniform)")
    return _Marginal(name, _uniform(low, high), f"uniform [{low:.4g}, {high:.4g}]")


def _prior_marginal(name: str, prior: Prior) -> _Marginal:
    return _Marginal(name, prior.ppf, f"prior {prior.label()}")


def _marginals(
    scenario: Scenario, spread: float | None, parameters: Sequence[str] | None,
    concept: str | None = None,
) -> tuple[list[_Marginal], float | None, list[str]]:
    """The varied parameters, the spread used (None: the priors) and notes.

    Without ``parameters``, a parameter that only another concept reads
    (:meth:`Scenario.read_by`) is not varied: no outcome of ``concept``
    depends on it.
    """
    notes: list[str] = []
    found = _priors_of(scenario)
    if found is not None and parameters is None and concept is not None:
        unread = [n for n in found[1]
                  if (reader := scenario.read_by(n)) is not None and reader != concept]
        if unread:
            notes.append(
                f"held at their values, read only by other concepts: {', '.join(unread)}"
            )
            kept = tuple(n for n in found[1] if n not in unread)
            found = (found[0], kept) if kept else None
    if parameters is not None:
        scenario.check_parameter_names(parameters)
        canonical = [scenario.canonical_name(name) for name in parameters]
        if len(set(canonical)) != len(canonical):
            raise InvalidArgumentError(
                f"parameters names a parameter twice (aliases of a shared parameter "
                f"count as one: {scenario.shared_parameters()}): {parameters}"
            )
    if spread is None and found is None:
        # A scenario whose parameters carry no uncertain prior: vary every nonzero
        # agent parameter within ±DEFAULT_SPREAD of its calibrated value.
        spread = DEFAULT_SPREAD
        notes.append(
            f"the scenario has no priors: each parameter varies uniformly within "
            f"±{DEFAULT_SPREAD:.0%} of its calibrated value"
        )
    if spread is None:
        assert found is not None
        priors, free = found
        names = list(free) if parameters is None else list(parameters)
        chosen = []
        for name in names:
            prior = priors.get(scenario.canonical_name(name))  # an alias's too
            if prior is None or prior.is_point:
                raise InvalidModelError(
                    f"parameter {name!r} has no uncertain prior (a point or none); the "
                    f"free parameters are {', '.join(free)}"
                )
            chosen.append(_prior_marginal(name, prior))
        return chosen, None, notes
    if found is not None:
        candidates = list(found[1])
    else:
        candidates = [n for n in scenario.parameter_names()  # aliases once
                      if scenario.agent_parameter(n) is not None
                      and scenario.canonical_name(n) == n
                      and scenario.read_by(n) in (None, concept)]
    names = candidates if parameters is None else list(parameters)
    priors = scenario.priors()
    points = [name for name in names
              if (prior := priors.get(scenario.canonical_name(name))) is not None
              and prior.is_point]
    if points and parameters is not None:
        raise InvalidModelError(
            f"parameter {points[0]!r} has a point prior (a normalisation, not "
            "uncertain): it cannot vary, not even under a spread"
        )
    names = [name for name in names if name not in points]
    chosen = []
    fixed = []
    for name in names:
        marginal = _spread_marginal(scenario, name, spread)
        if marginal is None:
            if parameters is not None:
                raise InvalidModelError(
                    f"parameter {name!r} is 0, which a relative spread of ±{spread:g} "
                    "cannot move"
                )
            fixed.append(name)
            continue
        chosen.append(marginal)
    if fixed and found is not None:
        notes.append(
            f"held at 0 (a relative spread cannot move them): {', '.join(fixed)}"
        )
    return chosen, spread, notes


# -- the scenario as a model -------------------------------------------------------------
def _evaluate(scenario: Scenario, concept: Concept, options: Mapping[str, Any],
              columns: Mapping[str, NDArray[Any]]) -> Any:
    """The concept at the given points, on the sweep path; every point must solve."""
    result = sweep(scenario, dict(columns), concept=concept, options=options,
                   design="points", progress=False,
                   max_points=max(1, len(next(iter(columns.values())))))
    if result.errors:
        first = min(result.errors)
        point = {n: result.points[n][first].item() for n in result.points}
        raise SolverError(
            f"{len(result.errors)} of {result.size} sampled points of scenario "
            f"{scenario.name!r} failed under {concept.name!r}; the first at {point}: "
            f"{result.errors[first]}"
        )
    return result


def _output_names(scenario: Scenario) -> tuple[str, ...]:
    return (DEAL, *(f"utility.{agent}" for agent in scenario.agent_names))


def _scenario_model(scenario: Scenario, concept: Concept,
                    options: Mapping[str, Any], wanted: Sequence[str]) -> Model:
    def model(columns: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
        result = _evaluate(scenario, concept, options, columns)
        deal = (np.asarray(result.probability, dtype=np.float64) if concept.lottery
                else (result.agreement != NO_DEAL).astype(np.float64))
        outputs = {DEAL: deal}
        for k, agent in enumerate(scenario.agent_names):
            outputs[f"utility.{agent}"] = np.asarray(result.utilities[:, k])
        return {name: outputs[name] for name in wanted}

    return model


# -- the report -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class RobustnessReport:
    """How a scenario's outcome varies with its uncertain parameters.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    concept : str
        The solution concept.
    spread : float or None
        The relative spread around the calibrated values, or None when the
        parameters were drawn from their priors.
    parameters : mapping of str to str
        The parameters varied, each with its distribution in words.
    outcomes : mapping of str to float
        Probability of each outcome (the agreement's label, or ``"no deal"``),
        most likely first.
    outcome_errors : mapping of str to float
        The Monte-Carlo standard error of each probability.
    p_deal, p_deal_error : float
        Probability of a deal and its Monte-Carlo standard error.
    draws : mapping of str to ndarray
        The Monte-Carlo sample of the outcome probabilities: each parameter's
        value at each draw (read-only).
    draw_outcomes : tuple of str
        The outcome at each draw (for a lottery concept: its most likely one;
        the probabilities above count the lotteries' own probabilities).
    indices : SensitivityIndices
        Sobol' indices or Morris measures of the outputs ``"deal"`` (the deal
        indicator, whose mean is P(deal); a lottery's probability of a deal)
        and ``"utility.<agent>"`` (each agent's utility at the outcome).
    notes : tuple of str
        What the reader should know: the defaults taken, estimator warnings.
    seconds : float
        Time taken.
    """

    scenario: str
    concept: str
    spread: float | None
    parameters: Mapping[str, str]
    outcomes: Mapping[str, float]
    outcome_errors: Mapping[str, float]
    p_deal: float
    p_deal_error: float
    draws: Mapping[str, NDArray[Any]]
    draw_outcomes: tuple[str, ...]
    indices: SensitivityIndices
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def method(self) -> str:
        """``"sobol"`` or ``"morris"``."""
        return self.indices.method

    @property
    def most_likely(self) -> tuple[str, float, float]:
        """The most likely outcome, its probability and standard error."""
        label = next(iter(self.outcomes))
        return label, self.outcomes[label], self.outcome_errors[label]

    def top(self, output: str = DEAL, count: int = 3) -> list[tuple[str, float, float]]:
        """The ``count`` most influential parameters of one output:
        ``(parameter, index, confidence half-width)`` by total Sobol' index
        ``ST`` (Morris: ``mu_star``), largest first.

        Only parameters with a positive index are listed: one whose index is
        0 never moved the output over the sample, so it is not "influential"
        whatever its rank.  Fewer than ``count`` may be returned, and none
        for an output that did not vary over the sample (``indices.constant``,
        e.g. the deal indicator when P(deal) is 0): it has no variance to
        share out.

        Raises
        ------
        InvalidArgumentError
            For an unknown output, or a ``count`` that is not a positive
            integer.
        """
        count = check_int(count, "count", low=1)
        measure = _main_measure(self.method)
        values = self.indices.of(output, measure)
        if output in self.indices.constant:
            return []
        conf = self.indices.measures[f"{measure}_conf"][self.indices.outputs.index(output)]
        where = {name: k for k, name in enumerate(self.indices.parameters)}
        return [(name, value, float(conf[where[name]]))
                for name, value in list(values.items())[:count] if value > 0]

    def _distribution_text(self) -> str:
        if self.spread is None:
            return "drawn from their priors"
        return f"uniform within ±{self.spread:.0%} of the calibrated values"

    def __repr__(self) -> str:
        label, p, error = self.most_likely
        return (
            f"RobustnessReport(scenario={self.scenario!r}, concept={self.concept!r}, "
            f"method={self.method!r}, parameters={len(self.parameters)}, "
            f"p_deal={self.p_deal:.3f}±{self.p_deal_error:.3f}, "
            f"most_likely={label!r} ({p:.3f}±{error:.3f}))"
        )

    def summary(self, count: int = 3, outcomes: int = 8) -> str:
        """A readable text report: the ``outcomes`` likeliest outcomes and the
        ``count`` largest indices of each output.

        Examples
        --------
        >>> import kurilsim
        >>> report = kurilsim.robustness(
        ...     kurilsim.load_scenario("1993-tokyo"), samples=64, draws=512, rng=1,
        ...     parameters=["japan.demand", "japan.weight_area"])
        >>> text = report.summary(count=1)
        >>> print(text.splitlines()[0])
        Robustness of 1993-tokyo under spe: 2 parameters drawn from their priors
        >>> text.splitlines()[2].split("=")[0]
        '  P(deal) '
        """
        lines = [
            (f"Robustness of {self.scenario} under {self.concept}: "
             f"{len(self.parameters)} parameters {self._distribution_text()}"),
            (f"Outcome probabilities ({len(self.draw_outcomes):,} Monte-Carlo draws, "
             "± standard error):"),
            f"  P(deal) = {self.p_deal:.3f} ± {self.p_deal_error:.3f}",
        ]
        shown = list(self.outcomes.items())[:outcomes]
        width = max(len(label) for label, _ in shown)
        lines += [
            f"  {label:<{width}}  {p:.3f} ± {self.outcome_errors[label]:.3f}"
            for label, p in shown
        ]
        rest = list(self.outcomes.values())[outcomes:]
        if rest:
            lines.append(f"  ({len(rest)} other outcomes, together {sum(rest):.3f})")
        indices = self.indices
        if self.method == "sobol":
            lines.append(
                f"Sobol' indices (N = {indices.samples:,} base samples, "
                f"{indices.evaluations:,} runs; ± {indices.conf_level:.0%} CI), "
                f"largest total index first:"
            )
        else:
            lines.append(
                f"Morris screening ({indices.samples:,} trajectories, "
                f"{indices.evaluations:,} runs; ± {indices.conf_level:.0%} CI), "
                "largest mu* first:"
            )
        for output in indices.outputs:
            if output in indices.constant:
                lines.append(f"  {output}: constant (no parameter moves it)")
                continue
            parts = []
            for name, value, conf in self.top(output, count):
                k = indices.parameters.index(name)
                o = indices.outputs.index(output)
                if self.method == "sobol":
                    s1 = indices.measures["S1"][o, k]
                    s1_conf = indices.measures["S1_conf"][o, k]
                    parts.append(f"{name} ST {value:.2f}±{conf:.2f} "
                                 f"S1 {s1:.2f}±{s1_conf:.2f}")
                else:
                    sigma = indices.measures["sigma"][o, k]
                    parts.append(f"{name} mu* {value:.3g}±{conf:.2g} sigma {sigma:.3g}")
            lines.append(f"  {output}: " + ("; ".join(parts) if parts
                                            else "no parameter has a positive index"))
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def rows(self) -> list[dict[str, Any]]:
        """One tidy row per statistic: ``table`` (``"outcome"`` or the
        method), ``output``, ``parameter``, ``statistic``, ``value`` and
        ``error`` (standard error of a probability, confidence half-width of
        an index, empty where none)."""
        rows: list[dict[str, Any]] = [
            {"table": "outcome", "output": "deal", "parameter": "",
             "statistic": "probability", "value": self.p_deal,
             "error": self.p_deal_error},
        ]
        rows += [
            {"table": "outcome", "output": label, "parameter": "",
             "statistic": "probability", "value": p, "error": self.outcome_errors[label]}
            for label, p in self.outcomes.items()
        ]
        indices = self.indices
        main = [m for m in indices.measures if not m.endswith("_conf")]
        for i, output in enumerate(indices.outputs):
            for j, name in enumerate(indices.parameters):
                for measure in main:
                    conf = indices.measures.get(f"{measure}_conf")
                    rows.append({
                        "table": indices.method, "output": output, "parameter": name,
                        "statistic": measure,
                        "value": float(indices.measures[measure][i, j]),
                        "error": "" if conf is None else float(conf[i, j]),
                    })
        return rows

    def to_pandas(self, table: Literal["all", "outcomes", "indices"] = "all") -> Any:
        """The report as a pandas DataFrame (needs pandas).

        Parameters
        ----------
        table : {"all", "outcomes", "indices"}
            ``"all"``: the tidy long table of :meth:`rows`; ``"outcomes"``:
            one row per outcome (``outcome``, ``probability``,
            ``std_error``); ``"indices"``: one row per output and parameter,
            one column per measure (:meth:`SensitivityIndices.to_pandas`).

        Examples
        --------
        >>> import kurilsim
        >>> report = kurilsim.robustness(
        ...     kurilsim.load_scenario("1993-tokyo"), samples=64, draws=512, rng=1,
        ...     parameters=["japan.demand", "japan.weight_area"])
        >>> outcomes = report.to_pandas("outcomes")
        >>> list(outcomes.columns)
        ['outcome', 'probability', 'std_error']
        >>> round(float(outcomes["probability"].sum()), 12)
        1.0
        >>> list(report.to_pandas("indices").columns)
        ['output', 'parameter', 'S1', 'S1_conf', 'ST', 'ST_conf']
        >>> len(report.to_pandas()) == len(report.rows())
        True
        """
        pd = _pandas("RobustnessReport.to_pandas")
        if table == "all":
            return pd.DataFrame(self.rows(), columns=_CSV_COLUMNS)
        if table == "outcomes":
            return pd.DataFrame(
                [(label, p, self.outcome_errors[label]) for label, p in self.outcomes.items()],
                columns=["outcome", "probability", "std_error"],
            )
        if table == "indices":
            return self.indices.to_pandas()
        raise InvalidArgumentError(
            f"table must be 'all', 'outcomes' or 'indices', got {describe(table)}"
        )

    def to_csv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the tidy table of :meth:`rows` to a CSV file, atomically; an
        existing file only with ``overwrite=True``.

        Raises
        ------
        OutputError
            If the file exists and ``overwrite`` is false, or cannot be
            written; an earlier file is left untouched.

        Examples
        --------
        >>> import kurilsim
        >>> report = kurilsim.robustness(
        ...     kurilsim.load_scenario("1993-tokyo"), samples=64, draws=512, rng=1,
        ...     parameters=["japan.demand", "japan.weight_area"])
        >>> import csv, pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = report.to_csv(pathlib.Path(folder) / "robustness.csv")
        ...     with open(path, newline="") as stream:
        ...         rows = list(csv.DictReader(stream))
        >>> list(rows[0])
        ['table', 'output', 'parameter', 'statistic', 'value', 'error']
        >>> rows[0]["output"], rows[0]["statistic"]
        ('deal', 'probability')
        >>> len(rows) == len(report.rows())
        True
        """
        target = check_output_path(path, what="CSV file")
        check_overwrite(overwrite, target)
        with atomic_output(target, newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=_CSV_COLUMNS)
            writer.writeheader()
            for row in self.rows():
                writer.writerow({k: _cell(v) for k, v in row.items()})
        return target


_CSV_COLUMNS: Final = ["table", "output", "parameter", "statistic", "value", "error"]


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


# -- the entry point --------------------------------------------------------------------
def robustness(
    scenario: Scenario,
    concept: str | Concept = "spe",
    *,
    spread: float | None = None,
    samples: int | None = None,
    draws: int = DEFAULT_DRAWS,
    rng: np.random.Generator | int | None = None,
    parameters: Sequence[str] | None = None,
    method: Literal["sobol", "morris"] = "sobol",
    options: Mapping[str, Any] | None = None,
    conf_level: float = 0.95,
    outputs: Sequence[str] | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> RobustnessReport:
    """Outcome probabilities and sensitivity indices of a scenario under uncertainty.

    The steps:

    1. The varied parameters and their distributions: the scenario's free
       parameters drawn from their priors (``spread=None``), or each
       uniformly within ``±spread`` of its calibrated value, clipped to its
       bounds (a parameter at 0 stays there; an integer parameter takes the
       integers of its range with equal chance).  A scenario without priors
       is varied by ``±DEFAULT_SPREAD`` (25%) around its nonzero agent
       parameters, and the report's notes say so.
    2. Outcome probabilities: ``draws`` independent Monte-Carlo draws, the
       concept solved at each on the vectorised sweep path
       (``kurilsim.sweep(..., design="points")``); each outcome's
       probability is its frequency (for a lottery concept, the mean of its
       lotteries' probabilities), with the standard error
       ``sqrt(p (1 - p) / draws)`` (lotteries: the standard deviation of the
       per-draw probabilities over ``sqrt(draws)``).
    3. Sensitivity: :func:`sensitivity_indices` (SALib) of the deal
       indicator and of each agent's utility at the outcome, with the
       model run on the same sweep path.

    Concepts with a vectorised kernel (``spe``, the discrete bargaining
    rules) run hundreds of thousands of points per second.  The others
    (lottery concepts such as ``nash-bargaining``, and any concept given
    ``options``) are solved point by point: milliseconds or more per point,
    so keep ``samples`` and ``draws`` small (or use ``method="morris"``).

    Parameters
    ----------
    scenario : Scenario
    concept : str or Concept
        A concept's name (:func:`kurilsim.concepts.names`) or a Concept.
    spread : float, optional
        Relative half-width of uniform ranges around the calibrated values
        (``0.25``: ±25%), instead of the priors; must be > 0 and at most
        ``MAX_SPREAD`` (10).  Ranges are clipped to each parameter's bounds
        (a discount factor stays in ``(0, 1]``, a cost ``>= 0``); parameters
        with a point prior (normalisations) do not vary.
    samples : int, optional
        Sobol': base samples N, a power of two (default 1024; the model runs
        N x (parameters + 2) times).  Morris: trajectories (default 64;
        N x (parameters + 1) runs).
    draws : int
        Monte-Carlo draws for the outcome probabilities (default 4096).
    rng : numpy.random.Generator or int, optional
        Randomness of every sample (SPEC 7); an integer seed reproduces the
        report exactly.
    parameters : sequence of str, optional
        Vary only these (dotted names); default: every free parameter.
    method : {"sobol", "morris"}
    options : mapping, optional
        The concept's options (e.g. ``{"tol": 1e-8}``); with options the
        points are solved one by one.
    conf_level : float
        Level of the indices' confidence intervals.
    outputs : sequence of str, optional
        The outputs whose indices are estimated: ``"deal"`` and
        ``"utility.<agent>"`` (default: all of them).  The model runs once
        whatever the outputs; each output costs SALib's bootstrap (about 3 s
        at N = 2^13 with 34 parameters on one core).
    max_points : int
        Budget of model runs, checked before anything is sampled: the
        sensitivity design (N x (parameters + 2) runs for Sobol') and the
        ``draws`` may each have at most this many points (default
        2,000,000).

    Returns
    -------
    RobustnessReport

    Raises
    ------
    InvalidModelError
        On an unknown concept or parameter, a parameter that cannot vary (a
        point prior, or 0 under a relative spread), or a scenario the concept
        cannot solve.
    InvalidArgumentError
        On a bad ``spread`` (not in ``(0, 10]``), ``samples`` (not a power of
        two for Sobol'), ``draws``, ``method`` or ``rng``.
    ProblemTooLargeError
        If the design or the draws exceed ``max_points``.
    SolverError
        If the concept fails at a sampled point (the message names it).

    Examples
    --------
    >>> import kurilsim
    >>> report = kurilsim.robustness(kurilsim.load_scenario("2018-singapore"),
    ...                              spread=0.25, samples=256, draws=1024, rng=1)
    >>> round(sum(report.outcomes.values()), 12)
    1.0
    >>> report.method, report.indices.outputs
    ('sobol', ('deal', 'utility.japan', 'utility.russia', 'utility.united_states'))
    >>> name, index, half_width = report.top("deal", 1)[0]  # the most influential
    >>> kurilsim.robustness(kurilsim.load_scenario("2018-singapore"), spread=0)
    Traceback (most recent call last):
    ...
    kurilsim._errors.InvalidArgumentError: spread must be > 0 and <= 10 (a relative half-width such as 0.25 for ±25%), got 0
    """
    started = time.perf_counter()
    check_instance(scenario, Scenario, "scenario")
    record = _concept(concept)
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidArgumentError(
            f"method must be one of {', '.join(map(repr, METHODS))}, got {describe(method)}"
        )
    if spread is not None:
        if isinstance(spread, bool) or not isinstance(spread, numbers.Real) or not (
            0 < spread <= MAX_SPREAD
        ):
            raise InvalidArgumentError(
                f"spread must be > 0 and <= {MAX_SPREAD:g} (a relative half-width such "
                f"as 0.25 for ±25%), got {spread!r}"
            )
        spread = float(spread)
    count = _check_samples(method, samples)
    draws = check_int(draws, "draws", low=2)
    budget = check_int(max_points, "max_points", low=1)
    if draws > budget:
        raise ProblemTooLargeError(
            f"draws={draws:,} is more than max_points={budget:,} Monte-Carlo draws; "
            f"pass max_points={draws} to allow it"
        )
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise InvalidArgumentError(
            f"options must be a mapping of option names to values, got {describe(options)}"
        )
    if parameters is not None and (
        isinstance(parameters, str) or not isinstance(parameters, Sequence)
        or not all(isinstance(name, str) for name in parameters) or not parameters
    ):
        raise InvalidArgumentError(
            f"parameters must be a non-empty sequence of dotted names, got "
            f"{describe(parameters)}"
        )
    record.check_scenario(scenario)
    generator = check_rng(rng)
    marginals, used_spread, notes = _marginals(
        scenario, spread, None if parameters is None else list(parameters),
        record.name,
    )
    if not marginals:
        raise InvalidModelError(
            f"scenario {scenario.name!r} has no parameter to vary"
        )
    _check_budget(method, len(marginals), count, budget)
    quantiles = {m.name: m.quantile for m in marginals}
    known = _output_names(scenario)
    if outputs is None:
        wanted = known
    else:
        if isinstance(outputs, str) or not isinstance(outputs, Sequence) or not outputs:
            raise InvalidArgumentError(
                f"outputs must be a non-empty sequence of output names, got "
                f"{describe(outputs)}"
            )
        unknown = [name for name in outputs if name not in known]
        if unknown:
            raise InvalidArgumentError(
                f"unknown output {unknown[0]!r}; expected some of {', '.join(known)}"
            )
        wanted = tuple(dict.fromkeys(outputs))
    model = _scenario_model(scenario, record, options, wanted)
    # outcome probabilities: plain Monte Carlo
    unit = np.clip(generator.random((draws, len(marginals))), _EDGE, 1.0 - _EDGE)
    columns = {m.name: readonly(_typed(scenario, m.name, m.quantile(unit[:, k])))
               for k, m in enumerate(marginals)}
    labels, chances = _outcome_chances(scenario, record, options, columns)
    outcomes, errors = _probabilities(chances, draws)
    deal = 1.0 - chances.get("no deal", np.zeros(draws))
    p_deal = float(deal.mean())
    p_deal_error = (math.sqrt(p_deal * (1.0 - p_deal) / draws) if not record.lottery
                    else float(deal.std(ddof=1) / math.sqrt(draws)))
    indices = sensitivity_indices(model, quantiles, method=method, samples=samples,
                                  rng=generator, conf_level=conf_level,
                                  max_points=budget)
    return RobustnessReport(
        scenario=scenario.name,
        concept=record.name,
        spread=used_spread,
        parameters=MappingProxyType({m.name: m.description for m in marginals}),
        outcomes=MappingProxyType(outcomes),
        outcome_errors=MappingProxyType(errors),
        p_deal=p_deal,
        p_deal_error=p_deal_error,
        draws=MappingProxyType(columns),
        draw_outcomes=labels,
        indices=indices,
        notes=(*notes, *indices.notes),
        seconds=time.perf_counter() - started,
    )


def _typed(scenario: Scenario, name: str, values: object) -> NDArray[Any]:
    """The values of a parameter, as integers for an integer parameter."""
    array = np.asarray(values)
    current = scenario.parameters()[name]
    if (isinstance(current, numbers.Integral) and not isinstance(current, bool)
            and array.dtype.kind == "f" and np.all(array == np.round(array))):
        return array.astype(np.int64)
    return array


def _concept(concept: object) -> Concept:
    if isinstance(concept, Concept):
        return concept
    if isinstance(concept, str) and concept in concepts.names():
        return concepts.get(concept)
    raise InvalidModelError(
        f"unknown concept {concept!r}; expected one of {', '.join(concepts.names())}"
        " or a kurilsim.concepts.Concept"
    )


def _outcome_chances(
    scenario: Scenario, concept: Concept, options: Mapping[str, Any],
    columns: Mapping[str, NDArray[Any]],
) -> tuple[tuple[str, ...], dict[str, NDArray[np.float64]]]:
    """The outcome at each draw and each outcome's probability at each draw."""
    draws = len(next(iter(columns.values())))
    if not concept.lottery:
        result = _evaluate(scenario, concept, options, columns)
        codes = np.asarray(result.agreement).ravel()
        found, inverse = np.unique(codes, return_inverse=True)
        names = [result.label(int(code)) for code in found]
        chances = {name: (inverse.ravel() == k).astype(np.float64)
                   for k, name in enumerate(names)}
        return tuple(names[k] for k in inverse.ravel()), chances
    # a lottery concept: each draw's lottery, solved point by point
    chances = {}
    labels = []
    for k in range(draws):
        point = {name: values[k].item() for name, values in columns.items()}
        try:
            outcome = concept.outcome(scenario.with_params(point), **options)
        except Exception as error:
            raise SolverError(
                f"concept {concept.name!r} failed at the sampled point {point} of "
                f"scenario {scenario.name!r}: {type(error).__name__}: {error}"
            ) from error
        labels.append(scenario.agreement_label(outcome.agreement_index, varying=columns))
        for code, p in outcome.distribution.items():
            label = scenario.agreement_label(code, varying=columns)
            chances.setdefault(label, np.zeros(draws))[k] += p
    return tuple(labels), chances


def _probabilities(
    chances: Mapping[str, NDArray[np.float64]], draws: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Each outcome's probability and standard error, most likely first."""
    means = {label: float(values.mean()) for label, values in chances.items()}
    order = sorted(means, key=lambda label: (-means[label], label))
    errors = {}
    for label in order:
        values = chances[label]
        if np.all((values == 0) | (values == 1)):
            p = means[label]
            errors[label] = math.sqrt(p * (1.0 - p) / draws)
        else:
            errors[label] = float(values.std(ddof=1) / math.sqrt(draws))
    return {label: means[label] for label in order}, errors
