"""The stored calibration and the point values of the bundled scenario files.

The files' point values and generated notes must be what the stored posterior
implies (``tools/calibrate_scenarios.py --check``); the slow test reruns the
calibration with the stored settings.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import kurilsim
from kurilsim import InvalidArgumentError, Prior
from kurilsim.calibrated import (
    STORED_CALIBRATION,
    CalibrationSettings,
    calibrated_points,
    calibrated_posterior,
    file_parameters,
    round_significant,
    scenario_calibration,
)

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "calibrate_scenarios.py"
BUILTIN = kurilsim.list_scenarios()

#: The number in a generated note: "... under 'spe': 1.000 ± 0.000 ...".
PREDICTIVE = re.compile(r"observed outcome \(no treaty\) under '(?P<concept>[^']+)': "
                        r"(?P<p>[0-9.]+) ± (?P<se>[0-9.]+)")
AT_POINTS = re.compile(r"At the point values themselves the outcome under '[^']+' is: "
                       r"(?P<outcome>.*)\.$")


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    """``tools/calibrate_scenarios.py``, imported as a module (not a package)."""
    spec = importlib.util.spec_from_file_location("kurilsim_tool_calibrate", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def posterior() -> kurilsim.Posterior:
    return calibrated_posterior()


def _generated_note(name: str) -> str:
    text = (ROOT / "src" / "kurilsim" / "kuril" / "data" / f"{name}.toml").read_text(
        encoding="utf-8"
    )
    notes = [n for n in tomllib.loads(text)["notes"] if n.startswith("Calibrated point")]
    assert len(notes) == 1, name
    return notes[0]


# -- the stored posterior ---------------------------------------------------------------
def test_the_stored_posterior_covers_the_bundled_scenarios(posterior) -> None:
    assert posterior.scenarios == BUILTIN
    assert len(posterior.weights) == STORED_CALIBRATION.samples
    assert posterior.concept == STORED_CALIBRATION.concept
    assert len(posterior.observations) == len(kurilsim.kuril.record.kuril_record())
    for name in BUILTIN:
        assert file_parameters(posterior, name), name
    assert kurilsim.calibrated_posterior is calibrated_posterior


def test_file_parameters_refuses_an_uncalibrated_scenario(posterior) -> None:
    with pytest.raises(InvalidArgumentError, match="'1999-nowhere' was not calibrated"):
        file_parameters(posterior, "1999-nowhere")


def test_the_stored_posterior_fits_the_scenarios_and_record(tool, posterior) -> None:
    assert tool.posterior_problems(posterior) == []


def test_a_changed_prior_makes_the_stored_posterior_stale(tool, posterior) -> None:
    name = next(n for n in posterior.names if n.startswith("2018-singapore:"))
    priors = dict(posterior.priors)
    priors[name] = Prior.uniform(0.0, 5.0, reasoning="another prior")
    problems = tool.posterior_problems(dataclasses.replace(posterior, priors=priors))
    assert problems == [f"the prior of {name} has changed"]
    # a prior's reasoning is text: rewording it does not change the posterior
    reworded = dict(posterior.priors)
    reworded[name] = Prior.from_dict({**posterior.priors[name].to_dict(),
                                      "reasoning": "reworded"})
    assert tool.posterior_problems(dataclasses.replace(posterior, priors=reworded)) == []


# -- the files ----------------------------------------------------------------------
@pytest.mark.parametrize("name", BUILTIN)
def test_point_values_are_the_rounded_posterior_estimates(name: str, posterior) -> None:
    values = kurilsim.load_scenario(name).parameters()
    estimates = posterior.estimates(name)
    digits = STORED_CALIBRATION.digits
    for dotted in file_parameters(posterior, name):
        value, estimate = values[dotted], estimates[dotted]
        if posterior.priors[f"{name}:{dotted}"].family == "discrete":
            assert value == estimate, (name, dotted)
            continue
        # within half a unit of the last significant digit of the estimate
        exponent = math.floor(math.log10(abs(estimate))) if estimate else 0
        assert abs(value - estimate) <= 0.5 * 10.0 ** (exponent - digits + 1) * (
            1 + 1e-9
        ), (name, dotted, value, estimate)
    assert calibrated_points(posterior, name) == {
        dotted: values[dotted] for dotted in file_parameters(posterior, name)
    }


@pytest.mark.parametrize("name", BUILTIN)
def test_the_note_states_the_posterior_predictive(name: str, posterior) -> None:
    match = PREDICTIVE.search(_generated_note(name))
    assert match is not None, name
    concept = match["concept"]
    assert concept == STORED_CALIBRATION.concept
    p, error = posterior.predictive(name, concept, rng=STORED_CALIBRATION.seed).no_deal
    # printed to 3 decimals; the same seed gives the same estimate
    assert abs(float(match["p"]) - p) <= 0.0005 + 1e-12 + 3 * error, (name, p)
    assert abs(float(match["se"]) - error) <= 0.0005 + 1e-12


@pytest.mark.parametrize("name", BUILTIN)
def test_the_note_states_the_outcome_at_the_point_values(name: str) -> None:
    # the per-point solver, independent of the vectorised kernel the note used
    outcome = kurilsim.solve_scenario(kurilsim.load_scenario(name), "spe")
    label = outcome.deal  # placeholders filled with the scenario's values
    match = AT_POINTS.search(_generated_note(name))
    assert match is not None, name
    assert match["outcome"] == label, name


def test_the_files_agree_with_the_stored_posterior(tool, capsys) -> None:
    assert tool.main(["--check"]) == 0
    assert "agree with the stored posterior" in capsys.readouterr().out


def test_a_changed_point_value_is_found_and_restored(tool, posterior) -> None:
    name = "2018-singapore"
    path = tool.path_of(name)
    text = path.read_text(encoding="utf-8")
    dotted = "russia.pledge_credibility"
    value = kurilsim.load_scenario(name).parameters()[dotted]
    edited = text.replace(f"pledge_credibility = {value!r}\n",
                          "pledge_credibility = 0.99\n")
    assert edited != text
    result = scenario_calibration(posterior, name)
    scenario = kurilsim.load_scenario(name)
    # what --check compares: the file as the posterior implies it
    assert tool.rewrite(edited, scenario, result.points, result.note) == text
    assert tool.rewrite(text, scenario, result.points, result.note) == text


# -- the text edits -----------------------------------------------------------------
SMALL = '''\
name = "t"
notes = [
    "a judgement",
]

[space]
builtin = "kuril"  # a comment that stays

[[agents]]
type = "Japan"

[[agents]]
type = "Russia"
security_weight = 2.0

[[agents]]
type = "UnitedStates"

[priors."russia.security_weight"]
family = "lognorm"
median = 2.0
sigma = 0.5
reasoning = "r"
'''


def test_rewrite_sets_values_and_the_note_and_keeps_the_rest(tool, tmp_path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(SMALL, encoding="utf-8")
    scenario = kurilsim.load_scenario(path)
    points = {"russia.security_weight": 1.3, "japan.audience_cost": 0.45,
              "protocol.objection_cost": 0.25}
    new = tool.rewrite(SMALL, scenario, points, "Calibrated point values: first")
    data = tomllib.loads(new)
    assert data["agents"][1]["security_weight"] == 1.3
    assert data["agents"][0]["audience_cost"] == 0.45
    assert data["protocol"] == {"objection_cost": 0.25}
    assert data["notes"] == ["a judgement", "Calibrated point values: first"]
    assert data["priors"] == tomllib.loads(SMALL)["priors"]
    assert "# a comment that stays" in new
    assert new.index("[protocol]") < new.index("[priors.")
    again = tool.rewrite(new, scenario, points, "Calibrated point values: second")
    assert tomllib.loads(again)["notes"] == ["a judgement",
                                             "Calibrated point values: second"]
    assert tool.rewrite(again, scenario, points, "Calibrated point values: first") == new
    shared = tool.rewrite(SMALL, scenario, {"russia.package_size": 2.5}, "Calibrated")
    assert [a.get("package_size") for a in tomllib.loads(shared)["agents"]] == [
        2.5, 2.5, None
    ]


def test_rewrite_refuses_a_file_without_a_notes_array(tool, tmp_path) -> None:
    text = SMALL.replace('notes = [\n    "a judgement",\n]\n', "")
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(tool.RewriteError, match="notes"):
        tool.rewrite(text, kurilsim.load_scenario(path), {}, "Calibrated")


# -- helpers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.0123456, 2, 0.012), (-2.345, 3, -2.35), (1234.5, 2, 1200.0), (0.0, 2, 0.0),
     (0.96, 1, 1.0)],
)
def test_round_significant(value: float, digits: int, expected: float) -> None:
    assert round_significant(value, digits) == expected


@pytest.mark.parametrize(
    ("changes", "match"),
    [({"samples": 1}, "samples"), ({"method": "mcmc"}, "method"),
     ({"digits": 0}, "digits"), ({"max_draws": 10}, "max_draws")],
)
def test_settings_are_checked(changes: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        dataclasses.replace(CalibrationSettings(seed=1, samples=100), **changes)


# -- reproducibility ----------------------------------------------------------------
@pytest.mark.slow
def test_rerunning_the_calibration_reproduces_the_stored_posterior(posterior) -> None:
    fresh = STORED_CALIBRATION.run()
    assert fresh.names == posterior.names
    stored, again = posterior.summary(), fresh.summary()
    # Monte Carlo error of a difference of means: particles of one lineage are
    # correlated, so the effective sample size counts lineages (Posterior.ess)
    error = stored.sd * np.sqrt(1 / posterior.ess + 1 / fresh.ess)
    assert np.all(np.abs(again.mean - stored.mean) <= 4 * error + 1e-12)
