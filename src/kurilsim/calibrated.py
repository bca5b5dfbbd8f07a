"""The stored calibration of the seven bundled scenarios.

The historical scenario files (``kurilsim/kuril/data/*.toml``) carry point
values inferred from the record, not set by hand.  One calibration --
:func:`kurilsim.calibrate` of the seven bundled scenarios on the full record
(:func:`kurilsim.kuril.record.kuril_record`), with the fixed settings of
:data:`STORED_CALIBRATION` -- is stored with the package
(``kurilsim/kuril/data/posterior.npz``, in :meth:`Posterior.save`'s format)
and :func:`calibrated_posterior` loads it.  From that posterior:

* each file's **point values** are the posterior estimates
  (:meth:`Posterior.estimates`: means; the most probable value for a discrete
  parameter), rounded to :attr:`CalibrationSettings.digits` significant
  digits (:func:`calibrated_points`), for the parameters the posterior
  calibrates *per scenario* (``"<scenario>:<dotted name>"``;
  :func:`file_parameters`).  A parameter shared by all periods keeps the
  agents' default value in every file: the sharing rule of
  :func:`~kurilsim.calibrate` pools a parameter only while every file holds
  the same value for it, and :meth:`Posterior.predictive` recognises a
  shared parameter in a scenario by that value (:attr:`Posterior.points`);
  the shared posterior is reported on the Calibration page instead;
* each file's **generated note** (:func:`scenario_calibration`) states the
  settings, the posterior predictive probability of the observed outcome (no
  treaty) with its Monte Carlo error, and the outcome at the point values
  themselves.

The developer script ``tools/calibrate_scenarios.py`` (in the source
repository, not the package) reruns the calibration, saves the posterior and
rewrites the files; ``--check`` verifies that the files say what the stored
posterior implies.

The module sits in the top layer beside :mod:`kurilsim.calibration`, whose
:class:`~kurilsim.Posterior` it loads; :mod:`kurilsim.kuril`, which holds the
data files, is a lower layer and cannot import it.

Examples
--------
>>> import kurilsim
>>> from kurilsim.calibrated import STORED_CALIBRATION, calibrated_posterior
>>> posterior = calibrated_posterior()
>>> posterior.scenarios == kurilsim.list_scenarios()
True
>>> len(posterior.weights) == STORED_CALIBRATION.samples
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from typing import Final, Literal

from kurilsim._checks import check_instance, check_int
from kurilsim._errors import InvalidArgumentError
from kurilsim.calibration import Posterior, calibrate, simulate
from kurilsim.concepts import get as get_concept
from kurilsim.kuril.record import kuril_record
from kurilsim.kuril.scenarios import list_scenarios, load_scenario
from kurilsim.model.scenario import Scenario

__all__ = [
    "POSTERIOR_FILE",
    "STORED_CALIBRATION",
    "CalibrationSettings",
    "ScenarioCalibration",
    "calibrated_points",
    "calibrated_posterior",
    "file_parameters",
    "round_significant",
    "scenario_calibration",
]

#: The stored posterior's file name, in the package folder ``kurilsim/kuril/data``.
POSTERIOR_FILE: Final = "posterior.npz"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationSettings:
    """How the stored calibration of the bundled scenarios is run.

    Attributes
    ----------
    seed : int
        The ``rng`` of :func:`kurilsim.calibrate` (and of
        :meth:`Posterior.predictive` for the files' notes).
    samples : int
        Particles.
    max_draws : int
        Simulation budget.
    method : {"smc", "pmc"}
    concept : str
        The solution concept compared with the record.
    digits : int
        Significant digits of the point values written to the files.  Two:
        calibrations with these settings and other seeds give posterior
        means that differ in the second digit (the particles descend from
        the few that first reproduce the whole record; the Calibration page
        of the documentation measures it), so a third digit would be noise.

    Examples
    --------
    >>> from kurilsim.calibrated import STORED_CALIBRATION
    >>> STORED_CALIBRATION.concept, STORED_CALIBRATION.method
    ('spe', 'smc')
    """

    seed: int
    samples: int
    max_draws: int = 1_000_000
    method: Literal["smc", "pmc"] = "smc"
    concept: str = "spe"
    digits: int = 2

    def __post_init__(self) -> None:
        check_int(self.seed, "seed", low=0)
        check_int(self.samples, "samples", low=2)
        check_int(self.max_draws, "max_draws", low=self.samples)
        check_int(self.digits, "digits", low=1)
        if self.method not in ("smc", "pmc"):
            raise InvalidArgumentError(
                f"method must be 'smc' or 'pmc', got {self.method!r}"
            )
        get_concept(self.concept)  # an unknown name raises, naming the valid ones

    def run(self) -> Posterior:
        """Calibrate the seven bundled scenarios on the full record.

        Returns
        -------
        Posterior
            :func:`kurilsim.calibrate` of :func:`kurilsim.list_scenarios` on
            :func:`~kurilsim.kuril.record.kuril_record` with these settings
            (about 15 s on one core for :data:`STORED_CALIBRATION`).
        """
        return calibrate(
            list(list_scenarios()),
            kuril_record(),
            samples=self.samples,
            method=self.method,
            rng=self.seed,
            concept=self.concept,
            max_draws=self.max_draws,
        )


#: The settings of the stored calibration (``kurilsim/kuril/data/posterior.npz``).
STORED_CALIBRATION: Final = CalibrationSettings(seed=2026, samples=4000)


def calibrated_posterior() -> Posterior:
    """The stored posterior of the seven bundled scenarios given the record.

    The result of ``STORED_CALIBRATION.run()`` (:class:`CalibrationSettings`),
    saved with the package by ``tools/calibrate_scenarios.py``; the bundled
    scenario files carry its estimates as their point values.

    Returns
    -------
    Posterior

    Examples
    --------
    >>> from kurilsim.calibrated import calibrated_posterior
    >>> posterior = calibrated_posterior()
    >>> posterior.scenarios[0], len(posterior.names) == posterior.values.shape[1]
    ('1956-declaration', True)
    >>> point = posterior.estimates("2018-singapore")
    >>> 0.0 <= point["russia.pledge_credibility"] <= 1.0
    True
    """
    stored = resources.files("kurilsim.kuril") / "data" / POSTERIOR_FILE
    with resources.as_file(stored) as path:
        return Posterior.load(path)


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits.

    Examples
    --------
    >>> from kurilsim.calibrated import round_significant
    >>> round_significant(0.0123456, 2), round_significant(-2.345, 3)
    (0.012, -2.35)
    >>> round_significant(0.0, 2)
    0.0
    """
    digits = check_int(digits, "digits", low=1)
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")


def file_parameters(posterior: Posterior, scenario: str) -> tuple[str, ...]:
    """The dotted names whose point values a scenario file carries.

    The parameters ``posterior`` calibrates for ``scenario`` alone (named
    ``"<scenario>:<dotted name>"``), in the posterior's order.  Parameters
    shared by all scenarios are not among them: the files keep the agents'
    defaults for those (see the module docstring).

    Raises
    ------
    InvalidArgumentError
        If ``scenario`` was not calibrated.

    Examples
    --------
    >>> from kurilsim.calibrated import calibrated_posterior, file_parameters
    >>> "russia.pledge_credibility" in file_parameters(calibrated_posterior(),
    ...                                                "2018-singapore")
    True
    """
    check_instance(posterior, Posterior, "posterior")
    if scenario not in posterior.scenarios:
        raise InvalidArgumentError(
            f"scenario {scenario!r} was not calibrated; scenarios are "
            f"{list(posterior.scenarios)}"
        )
    prefix = f"{scenario}:"
    return tuple(
        name.removeprefix(prefix) for name in posterior.names if name.startswith(prefix)
    )


def calibrated_points(
    posterior: Posterior, scenario: str, *, digits: int | None = None
) -> dict[str, float | int]:
    """The point values a scenario file carries: rounded posterior estimates.

    Parameters
    ----------
    posterior : Posterior
    scenario : str
        A calibrated scenario's name.
    digits : int, optional
        Significant digits (default ``STORED_CALIBRATION.digits``).  The
        value of a discrete parameter (its posterior mode) is an integer,
        unrounded.

    Returns
    -------
    dict of str to float or int
        By dotted name, for :func:`file_parameters`.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.calibrated import calibrated_points, calibrated_posterior
    >>> points = calibrated_points(calibrated_posterior(), "2018-singapore")
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> all(scenario.parameters()[name] == value for name, value in points.items())
    True
    """
    digits = STORED_CALIBRATION.digits if digits is None else digits
    estimates = posterior.estimates(scenario)
    points: dict[str, float | int] = {}
    for dotted in file_parameters(posterior, scenario):
        value = estimates[dotted]
        if posterior.priors[f"{scenario}:{dotted}"].family == "discrete":
            points[dotted] = round(value)
        else:
            points[dotted] = round_significant(value, digits)
    return points


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioCalibration:
    """What the stored calibration says about one bundled scenario.

    Attributes
    ----------
    scenario : str
    points : dict of str to float or int
        The file's point values (:func:`calibrated_points`).
    concept : str
    no_deal : tuple of (float, float)
        Posterior predictive probability of the observed outcome (no
        treaty), and its Monte Carlo standard error
        (:meth:`Posterior.predictive` with every particle, ``rng`` the seed).
    outcome_at_points : str
        The concept's outcome at the point values themselves: ``"no deal"``
        or the agreement's label.
    note : str
        The note the file carries (one paragraph).
    """

    scenario: str
    points: dict[str, float | int]
    concept: str
    no_deal: tuple[float, float]
    outcome_at_points: str
    note: str


def _outcome_at(scenario: Scenario, concept: str) -> str:
    """The label of ``concept``'s outcome of ``scenario`` (vectorised kernel)."""
    _, codes = simulate(scenario, get_concept(concept), {}, 1)
    index = int(codes[0])
    return scenario.agreement_label(index)


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def scenario_calibration(
    posterior: Posterior,
    scenario: str,
    *,
    settings: CalibrationSettings = STORED_CALIBRATION,
) -> ScenarioCalibration:
    """The point values, predictive probability and note of one bundled file.

    Parameters
    ----------
    posterior : Posterior
        Normally :func:`calibrated_posterior`.
    scenario : str
        A bundled scenario's name.
    settings : CalibrationSettings, optional
        The settings ``posterior`` was computed with (they are quoted in the
        note; ``seed`` is the ``rng`` of the predictive).

    Returns
    -------
    ScenarioCalibration

    Examples
    --------
    >>> from kurilsim.calibrated import calibrated_posterior, scenario_calibration
    >>> result = scenario_calibration(calibrated_posterior(), "2001-irkutsk")
    >>> p, error = result.no_deal
    >>> 0.0 <= p <= 1.0, result.note.startswith("Calibrated point values")
    (True, True)
    """
    check_instance(settings, CalibrationSettings, "settings")
    points = calibrated_points(posterior, scenario, digits=settings.digits)
    predictive = posterior.predictive(scenario, settings.concept, rng=settings.seed)
    no_deal = predictive.no_deal
    at_points = _outcome_at(
        load_scenario(scenario).with_params(points), settings.concept
    )
    listed = ", ".join(f"{name} = {_number(value)}" for name, value in points.items())
    converged = posterior.status == "converged" and posterior.tolerance == 0.0
    why = (
        " (1 by construction: the calibration reached tolerance 0, so every "
        "particle reproduces the record, this outcome included)"
        if converged and no_deal[0] >= 1.0 - 1e-9
        else ""
    )
    note = (
        f"Calibrated point values (generated by tools/calibrate_scenarios.py from "
        f"kurilsim.calibrated.calibrated_posterior(); do not edit by hand): "
        f"kurilsim.calibrate of the {len(posterior.scenarios)} bundled scenarios on "
        f"kurilsim.kuril.record.kuril_record() ({len(posterior.observations)} "
        f"entries), method {settings.method!r}, concept {settings.concept!r}, seed "
        f"{settings.seed}, {len(posterior.weights)} particles; {posterior.message}. "
        f"The parameters calibrated for this period alone carry their posterior "
        f"means (modes for discrete parameters), rounded to {settings.digits} "
        f"significant digits: {listed}. The values quoted in the notes above are "
        f"the judgements that locate the priors; parameters shared by all periods "
        f"keep the agents' defaults. Posterior predictive probability of the "
        f"observed outcome (no treaty) under {settings.concept!r}: "
        f"{no_deal[0]:.3f} ± {no_deal[1]:.3f}{why}. At the point values themselves "
        f"the outcome under {settings.concept!r} is: {at_points}."
    )
    return ScenarioCalibration(
        scenario=scenario,
        points=points,
        concept=settings.concept,
        no_deal=(float(no_deal[0]), float(no_deal[1])),
        outcome_at_points=at_points,
        note=note,
    )
