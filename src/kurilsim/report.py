"""The scenario report: one self-contained HTML page about a scenario.

:func:`write_report` (``kurilsim report SCENARIO --out report.html``) puts on
one page what a researcher sends a colleague about a scenario: where it comes
from (kurilsim's version, the time, the scenario as TOML), its parameters with
their values, priors and public sources, its outcome under each solution
concept (lotteries shown as lotteries), the headline phase diagram of
:func:`kurilsim.two_vs_four_islands`, the robustness of its outcome
(:func:`kurilsim.robustness`) and, for a bundled scenario, what the stored
calibration says about it (:mod:`kurilsim.calibrated`).

The page needs nothing but a browser: the figures are inline PNG images
(``data:`` URIs), the style sheet is inline, there is no script and no
reference to any other file or address.  Every text that comes from the
scenario (names, titles, notes, sources, labels) is escaped.

The module sits in the top layer with :mod:`kurilsim.plot` and
:mod:`kurilsim.cli`; matplotlib, SALib and the studies are imported when a
report is written, not with the module.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import math
import numbers
import os
import platform
import re
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kurilsim._checks import check_bool, check_instance, check_int, describe
from kurilsim._errors import (
    InvalidArgumentError,
    InvalidModelError,
    OutputError,
    ProblemTooLargeError,
)
from kurilsim._html import LOTTERY_NOTE as _LOTTERY
from kurilsim._io import atomic_output, check_output_path, create_exclusively
from kurilsim.model.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover - types only
    from kurilsim.analysis import ConceptComparison
    from kurilsim.calibrated import ScenarioCalibration
    from kurilsim.concepts import Concept, Outcome
    from kurilsim.sensitivity import RobustnessReport
    from kurilsim.sweeps import SweepResult

__all__ = [
    "HEADLINE_AXES",
    "HEADLINE_CONCEPT",
    "ROBUSTNESS_CONCEPT",
    "ROBUSTNESS_DRAWS",
    "ROBUSTNESS_SAMPLES",
    "ROBUSTNESS_SEED",
    "write_report",
]

#: The parameters the headline phase diagram varies: Japan's demand (one panel
#: per value), Russia's security weight (x) and its belief in a no-US-forces
#: pledge (y), as ``kurilsim headline`` does (:func:`kurilsim.two_vs_four_islands`).
HEADLINE_AXES: Final = ("japan.demand", "russia.security_weight",
                        "russia.pledge_credibility")

#: The concept of the headline phase diagram (``kurilsim headline``'s).
HEADLINE_CONCEPT: Final = "spe"

#: The concept of the robustness analysis (``kurilsim robustness``'s default).
ROBUSTNESS_CONCEPT: Final = "spe"

#: The seed of the robustness analysis: a report is reproducible, and
#: ``kurilsim robustness SCENARIO --seed 1`` prints the same numbers.
ROBUSTNESS_SEED: Final = 1

#: Sobol' base samples and Monte-Carlo draws of the robustness analysis:
#: :func:`kurilsim.robustness`'s defaults (about 4 s for a bundled scenario).
ROBUSTNESS_SAMPLES: Final = 1024
ROBUSTNESS_DRAWS: Final = 4096

#: Resolution of the figures' PNG images (pixels per inch).
_DPI: Final = 144

#: Outcomes of a lottery listed before the rest is summed up.
_LOTTERY_SHOWN: Final = 8

#: Outcomes of the robustness analysis listed before the rest is summed up.
_OUTCOMES_SHOWN: Final = 10

#: Parameters listed per output of the robustness analysis (largest index first).
_INDICES_SHOWN: Final = 5

#: What a lottery is, said under every table that shows one.
LOTTERY_NOTE: Final = (
    f"{_LOTTERY} P(deal) is the probability that some agreement is concluded."
)

_STYLE: Final = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
       sans-serif; font-size: 15px; line-height: 1.45; color: #1d1d1f;
       background: #ffffff; margin: 0; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin: 1.8em 0 0.5em; padding-bottom: 0.2em;
     border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
p.subtitle { font-size: 1.1em; color: #444; margin: 0 0 0.8em; }
nav { font-size: 0.9em; margin: 0.6em 0 0; }
nav a { margin-right: 1em; color: #0b5cad; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em;
        max-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.2em 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eef2f6; }
tbody tr:nth-child(even) { background: #f8fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums;
                 white-space: nowrap; overflow-wrap: normal; }
td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace;
          font-size: 0.95em; }
table.facts th { width: 13em; background: #eef2f6; }
table.wide { width: 100%; table-layout: fixed; }
.small, td.source { font-size: 0.85em; color: #444; }
ul.lottery { margin: 0.1em 0 0; padding-left: 1.2em; }
ul.lottery li { margin: 0; }
span.swatch { display: inline-block; width: 0.9em; height: 0.9em;
              margin-right: 0.35em; vertical-align: -0.1em;
              border: 1px solid #6e7781; border-radius: 2px; }
span.tag { display: inline-block; font-size: 0.8em; padding: 0 0.4em;
           border-radius: 3px; background: #fff3cd; border: 1px solid #e0c36a; }
figure { margin: 0.8em 0 1.2em; }
figure img { display: block; max-width: 100%; height: auto;
             border: 1px solid #e5e7eb; }
figcaption { font-size: 0.88em; color: #444; margin-top: 0.3em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px 10px;
      font-size: 0.82em; white-space: pre-wrap; overflow-wrap: anywhere; }
p.unavailable { padding: 6px 10px; background: #f6f8fa;
                border-left: 4px solid #8c959f; }
details summary { cursor: pointer; color: #0b5cad; }
footer { margin-top: 2.5em; font-size: 0.85em; color: #555;
         border-top: 1px solid #d0d7de; padding-top: 0.6em; }
"""


def _e(value: object) -> str:
    """``value`` as escaped HTML text."""
    return html.escape(str(value), quote=True)


def _number(value: object, digits: int = 4) -> str:
    """A number as short text (floats to ``digits`` significant digits)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    x = float(value)
    return "?" if math.isnan(x) else f"{x:.{digits}g}"


def _name(dotted: str) -> str:
    """A dotted name, escaped, that may break after its dots."""
    return "<wbr>".join(_e(part) + "." for part in dotted.split(".")[:-1]) + (
        "<wbr>" if "." in dotted else "") + _e(dotted.split(".")[-1])


def _value_text(value: object) -> str:
    """A parameter value in its shortest round-trip form."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _percent(p: float) -> str:
    """A weight as a percentage; small ones not rounded to 0 %, large to 100 %."""
    if 0.0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1.0:
        return ">99%"
    return f"{p:.0%}"


def _swatch(code: int, scenario: Scenario) -> str:
    """A small square in the agreement's colour (as in every figure:
    :func:`kurilsim.plot.agreement_color`); ``code`` -1 is no deal."""
    from matplotlib.colors import to_hex

    from kurilsim.plot import agreement_color

    colour = to_hex(agreement_color(code, scenario))
    return f'<span class="swatch" style="background: {colour}"></span>'


def _label_codes(scenario: Scenario, varying: Sequence[str]) -> dict[str, int]:
    """Each agreement's label (placeholders kept for ``varying``) -> its index;
    ``"no deal"`` -> -1."""
    codes = {"no deal": -1}
    for k in range(len(scenario.space)):
        codes.setdefault(scenario.agreement_label(k, varying=varying), k)
    return codes


def _labelled(label: str, codes: Mapping[str, int], scenario: Scenario) -> str:
    """An outcome's label, escaped, after its swatch (none if unknown)."""
    code = codes.get(label)
    return (_swatch(code, scenario) if code is not None else "") + _e(label)


# -- what the page shows --------------------------------------------------------------
@dataclass(slots=True)
class _Findings:
    """Everything computed for one report (the page is rendered from it)."""

    scenario: Scenario
    facts: dict[str, str]
    comparison: ConceptComparison
    skipped: list[tuple[str, str]] = field(default_factory=list)
    headline: SweepResult | None = None
    headline_why: str = ""
    robustness: RobustnessReport | None = None
    robustness_why: str = ""
    calibration: ScenarioCalibration | None = None
    calibration_why: str = ""
    posterior_message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    figures: dict[str, tuple[str, int, int]] = field(default_factory=dict)


def _concept_records(
    scenario: Scenario, concepts: Sequence[str] | None
) -> tuple[list[Concept], list[tuple[str, str]]]:
    """The concepts to compare and the default ones left out (with why).

    Without ``concepts``: every registered concept the scenario's protocol
    can be solved under.  With them: each must be a registered concept the
    scenario can be solved under (checked before any work).
    """
    from kurilsim import concepts as registry

    if concepts is None:
        chosen, skipped = [], []
        for name in registry.names():
            record = registry.get(name)
            try:
                record.check_scenario(scenario)
            except InvalidModelError as error:
                skipped.append((name, str(error)))
                continue
            chosen.append(record)
        if not chosen:
            raise InvalidModelError(
                f"no registered concept can solve scenario {scenario.name!r}: "
                + "; ".join(f"{name}: {why}" for name, why in skipped)
            )
        return chosen, skipped
    if (
        isinstance(concepts, str | bytes)
        or not isinstance(concepts, Sequence)
        or not all(isinstance(item, str) for item in concepts)
    ):
        raise InvalidArgumentError(
            "concepts must be a sequence of registered concept names (or None for "
            f"all of them), got {describe(concepts)}"
        )
    if not concepts:
        raise InvalidArgumentError(
            "concepts must name at least one concept of "
            f"{', '.join(registry.names())} (or be None for all of them), got []"
        )
    records = [registry.get(name) for name in dict.fromkeys(concepts)]  # unknown: raises
    for record in records:
        record.check_scenario(scenario)
    return records, []


def _compare(
    scenario: Scenario, records: list[Concept], skipped: list[tuple[str, str]], *,
    chosen: bool,
) -> tuple[ConceptComparison, list[Concept]]:
    """The comparison of ``scenario`` under ``records``, and the concepts in it.

    Concepts the user chose must all solve the scenario.  Of the default set,
    one that cannot solve it (a concept of the Kuril case, such as ``pbe``,
    on a scenario without the parameters it reads: :class:`InvalidModelError`)
    is left out and added to ``skipped`` with the reason.
    """
    from kurilsim.analysis import ConceptComparison, compare_concepts

    if chosen:
        return compare_concepts(scenario, records), records
    outcomes: list[Outcome] = []
    solved: list[Concept] = []
    for record in records:
        try:
            outcomes += compare_concepts(scenario, [record]).outcomes
        except InvalidModelError as error:
            skipped.append((record.name, str(error)))
            continue
        solved.append(record)
    if not outcomes:
        raise InvalidModelError(
            f"no registered concept can solve scenario {scenario.name!r}: "
            + "; ".join(f"{name}: {why}" for name, why in skipped)
        )
    return ConceptComparison(scenario=scenario, outcomes=tuple(outcomes)), solved


def _headline_why_not(scenario: Scenario) -> str:
    """Why the headline study does not apply to ``scenario`` ("" if it does)."""
    from kurilsim import concepts as registry

    known = set(scenario.parameter_names())
    missing = [name for name in HEADLINE_AXES if name not in known]
    if missing:
        return (
            "the headline study varies " + ", ".join(HEADLINE_AXES) + "; this "
            "scenario has no parameter " + ", ".join(missing)
        )
    try:
        registry.get(HEADLINE_CONCEPT).check_scenario(scenario)
    except InvalidModelError as error:
        return f"the headline study solves the scenario under {HEADLINE_CONCEPT!r}: {error}"
    return ""


def _calibration(scenario: Scenario) -> tuple[ScenarioCalibration | None, str, str]:
    """The stored calibration's summary of ``scenario``, the posterior's
    message, and why there is none ("" if there is one)."""
    from kurilsim.kuril.scenarios import list_scenarios, load_scenario

    bundled = list_scenarios()
    if scenario.name not in bundled:
        return None, "", (
            "the stored calibration covers the bundled scenarios only ("
            + ", ".join(bundled) + f"); {scenario.name!r} is not one of them"
        )
    if scenario != load_scenario(scenario.name):
        return None, "", (
            f"this scenario differs from the bundled {scenario.name!r} that the "
            "stored calibration is about"
        )
    from kurilsim.calibrated import calibrated_posterior, scenario_calibration

    posterior = calibrated_posterior()
    return scenario_calibration(posterior, scenario.name), posterior.message, ""


def _robustness(scenario: Scenario) -> tuple[RobustnessReport | None, str]:
    from kurilsim import concepts as registry
    from kurilsim.sensitivity import robustness

    try:
        registry.get(ROBUSTNESS_CONCEPT).check_scenario(scenario)
        return robustness(scenario, ROBUSTNESS_CONCEPT, samples=ROBUSTNESS_SAMPLES,
                          draws=ROBUSTNESS_DRAWS, rng=ROBUSTNESS_SEED), ""
    except InvalidModelError as error:  # nothing to vary, or no such role
        return None, str(error)


def _provenance(scenario: Scenario, records: Sequence[Concept], resolution: int
                ) -> dict[str, str]:
    """What produced the report, as text (the keys of the sweeps' CSV files)."""
    import numpy as np

    from kurilsim import __version__
    from kurilsim._errors import KurilsimError
    try:
        toml = scenario.to_toml()
    except KurilsimError as error:
        toml = f"(not expressible as TOML: {error})"
    grid = {
        "japan.demand": [2, 4],
        "russia.security_weight": f"{resolution} values from 0 to 4",
        "russia.pledge_credibility": f"{resolution} values from 0 to 1",
    }
    return {
        "kurilsim": str(__version__),
        "scenario_name": scenario.name,
        "concepts": ", ".join(record.name for record in records),
        "headline": (f"concept {HEADLINE_CONCEPT}, grid design "
                     f"{json.dumps(grid)}, seed none"),
        "robustness": (
            f"concept {ROBUSTNESS_CONCEPT}, method sobol, samples "
            f"{ROBUSTNESS_SAMPLES}, draws {ROBUSTNESS_DRAWS}, seed {ROBUSTNESS_SEED}"
        ),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scenario": toml,
    }


# -- figures ----------------------------------------------------------------------------
def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, from its IHDR chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _encode(axes: Any, metadata: Mapping[str, str] | None = None) -> tuple[str, int, int]:
    """The figure holding ``axes`` as a base64 PNG (and its size), then closed."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    first = axes[0] if isinstance(axes, Sequence) else axes
    figure: Any = first.figure
    while not isinstance(figure, Figure):  # through any subfigures
        figure = figure.figure
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight",
                       metadata=dict(metadata) if metadata else None)
    finally:
        plt.close(figure)
    data = buffer.getvalue()
    width, height = _png_size(data)
    return base64.b64encode(data).decode("ascii"), width, height


def _figures(found: _Findings) -> None:
    """Draw the report's figures into ``found.figures``."""
    from kurilsim import plot

    found.figures["concepts"] = _encode(plot.concept_comparison(found.comparison))
    if found.headline is not None:
        facts = plot.provenance(found.headline)
        found.figures["headline"] = _encode(
            plot.phase_diagram(found.headline, x=HEADLINE_AXES[1], y=HEADLINE_AXES[2],
                               facet=HEADLINE_AXES[0]),
            plot.figure_metadata(facts, "png"),
        )
    if found.robustness is not None:
        output = _figure_output(found.robustness)
        if output is not None:
            found.figures["robustness"] = _encode(
                plot.robustness(found.robustness, output=output, count=8,
                                scenario=found.scenario))


def _figure_output(report: RobustnessReport) -> str | None:
    """The output whose indices the robustness figure shows: the deal
    indicator, or where it never varies the first output that does (None:
    nothing varies, no index to show)."""
    varying = [name for name in report.indices.outputs
               if name not in report.indices.constant]
    return None if not varying else "deal" if "deal" in varying else varying[0]


def _image(key: str, found: _Findings, alt: str, caption: str) -> str:
    data, width, height = found.figures[key]
    # shown at its physical size (96 CSS pixels per inch), shrunk to the page
    shown_width = round(width * 96 / _DPI)
    shown_height = round(height * 96 / _DPI)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}" '
        f'width="{shown_width}" height="{shown_height}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


# -- the page ---------------------------------------------------------------------------
def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
           numeric: Sequence[int] = (), names: Sequence[int] = (),
           small: Sequence[int] = (), widths: Sequence[int] = (), classes: str = "",
           caption: str = "") -> str:
    """A table of cells that are already HTML (escape them before); ``widths``
    in percent of the table's width, one per column."""
    head = "".join(
        f'<th class="num">{cell}</th>' if k in numeric else f"<th>{cell}</th>"
        for k, cell in enumerate(header)
    )
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            kind = ("num" if k in numeric else "name" if k in names
                    else "source" if k in small else "")
            cells.append(f'<td class="{kind}">{cell}</td>' if kind else f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls = f' class="{classes}"' if classes else ""
    cap = f"<caption>{caption}</caption>" if caption else ""
    if widths:
        cap += "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in widths) + (
            "</colgroup>")
    return (f"<table{cls}>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _unavailable(why: str) -> str:
    return f'<p class="unavailable">Not available for this scenario: {_e(why)}.</p>'


def _section_provenance(found: _Findings) -> str:
    facts = found.facts
    seconds = found.seconds
    timing = ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items()
                       if name != "total")
    rows = [
        ("kurilsim version", facts["kurilsim"]),
        ("scenario", facts["scenario_name"]),
        ("written (UTC)", facts["time"]),
        ("concepts compared", facts["concepts"]),
        ("headline phase diagram", facts["headline"]),
        ("robustness", facts["robustness"]),
        ("Python, numpy", f"{facts['python']}, {facts['numpy']}"),
        ("built in", f"{seconds.get('total', 0.0):.1f} s ({timing})"),
    ]
    table = '<table class="facts"><tbody>' + "".join(
        f"<tr><th>{_e(key)}</th><td>{_e(value)}</td></tr>" for key, value in rows
    ) + "</tbody></table>"
    return (
        '<section id="provenance"><h2>Provenance</h2>' + table
        + "<details><summary>The scenario as TOML (load it with "
        "<code>kurilsim.load_scenario(path)</code>)</summary>"
        + f"<pre>{_e(facts['scenario'])}</pre></details></section>"
    )


def _parameter_rows(scenario: Scenario, held: Mapping[str, Sequence[str]]
                    ) -> list[list[str]]:
    priors = scenario.priors()
    held_by = {name: concept for concept, names in held.items() for name in names}
    rows = []
    for name, value in scenario.parameters().items():
        owner = scenario.agent_parameter(name)
        spec = None
        if owner is not None:
            specs = getattr(scenario.agent(owner[0]), "parameter_specs", None)
            if callable(specs):
                spec = next((s for s in specs() if s.name == owner[1]), None)
        canonical = scenario.canonical_name(name)
        prior = priors.get(canonical)
        name_cell = _name(name)
        if canonical != name:
            name_cell += f'<br><span class="small">same as {_e(canonical)}</span>'
        if name in held_by:
            name_cell += ('<br><span class="small">held in the robustness analysis '
                          f"(read only by {_e(held_by[name])})</span>")
        units = _e(spec.units) if spec is not None and spec.units else "&ndash;"
        if prior is None:
            prior_cell = "&ndash;" if canonical == name else "(see " + _e(canonical) + ")"
        else:
            prior_cell = _e(prior.label())
            if prior.reasoning:
                prior_cell += f'<br><span class="small">{_e(prior.reasoning)}</span>'
        sources = []
        if spec is not None and spec.source:
            sources.append(spec.source)
        if prior is not None and prior.source and prior.source not in sources:
            sources.append(f"prior: {prior.source}")
        source_cell = "<br>".join(_e(s) for s in sources) or "&ndash;"
        rows.append([name_cell, _e(_value_text(value)), units, prior_cell, source_cell])
    return rows


def _held(scenario: Scenario, report: RobustnessReport | None) -> dict[str, list[str]]:
    """The uncertain parameters the robustness analysis holds at their values
    because another concept alone reads them, by that concept."""
    if report is None or report.spread is not None:
        return {}
    varied = set(report.parameters)
    held: dict[str, list[str]] = {}
    for name in scenario.free_parameters():
        if name in varied or scenario.canonical_name(name) in varied:
            continue
        reader = scenario.read_by(name)
        if reader is not None and reader != report.concept:
            held.setdefault(reader, []).append(name)
    return held


def _held_text(held: Mapping[str, Sequence[str]]) -> str:
    """``"pbe: a, b; two-level: c"`` as escaped HTML, names breakable."""
    return "; ".join(
        f"{_e(concept)}: " + ", ".join(f"<code>{_name(n)}</code>" for n in names)
        for concept, names in held.items()
    )


def _coverage(found: _Findings) -> str:
    """How many of the scenario's uncertain parameters the robustness
    analysis varies, which it leaves out and why (HTML, one sentence or two)."""
    scenario = found.scenario
    free = scenario.free_parameters()
    report = found.robustness
    if report is None:
        return ("There is no robustness analysis of this scenario (see "
                '<a href="#robustness">Robustness</a>), so none of them is varied.')
    if report.spread is not None:
        return (
            f"The robustness analysis varies {len(report.parameters)} parameters "
            f"uniformly within &plusmn;{report.spread:.0%} of their values instead, "
            "as no parameter of the scenario has an uncertain prior to draw from (see <a "
            'href="#robustness">Robustness</a>).'
        )
    held = _held(scenario, report)
    count = sum(len(names) for names in held.values())
    if not count:
        return (f"The robustness analysis varies all {len(report.parameters)} of them, "
                "drawn from their priors.")
    return (
        f"The robustness analysis under {_e(report.concept)} varies "
        f"{len(report.parameters)} of these {len(free)}; it holds the other {count} "
        "at their values because only another concept reads them, so no outcome "
        f"of {_e(report.concept)} depends on them ({_held_text(held)})."
    )


def _section_parameters(found: _Findings) -> str:
    scenario = found.scenario
    parameters = scenario.parameters()
    free = scenario.free_parameters()
    rows = _parameter_rows(scenario, _held(scenario, found.robustness))
    header = ["parameter", "value", "units", "prior (and its reasoning)", "source"]
    table = _table(header, rows, numeric=(1,), names=(0,), small=(2, 4),
                   widths=(21, 8, 9, 30, 32), classes="wide")
    parts = [
        '<section id="parameters"><h2>Parameters and sources</h2>',
        (f"<p>{len(parameters)} parameters; {len(free)} of them uncertain (a prior "
         f"that is not a point). {_coverage(found)}</p>"),
        table,
    ]
    if scenario.notes:
        parts.append("<h3>Notes and sources of the scenario</h3><ul>")
        parts += [f"<li>{_e(note)}</li>" for note in scenario.notes]
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _outcome_cell(outcome: Outcome, scenario: Scenario) -> str:
    """The outcome: an agreement's label, or a lottery's support and weights,
    each after a swatch of its colour."""
    from kurilsim.model.agreements import NO_DEAL

    weights = sorted(
        ((outcome.labels.get(k, "no deal" if k == NO_DEAL else str(k)), float(p), k)
         for k, p in outcome.distribution.items() if p > 1e-12),
        key=lambda item: -item[1],
    )
    if not weights:
        return _swatch(NO_DEAL, scenario) + "no deal"
    if len(weights) == 1:
        return _swatch(weights[0][2], scenario) + _e(weights[0][0])
    items = [f"<li>{_swatch(k, scenario)}{_e(_percent(p))} {_e(label)}</li>"
             for label, p, k in weights[:_LOTTERY_SHOWN]]
    rest = weights[_LOTTERY_SHOWN:]
    if rest:
        items.append(f"<li>+ {len(rest)} more: "
                     f"{_e(_percent(sum(p for _, p, _ in rest)))}"
                     "</li>")
    return '<span class="tag">lottery</span><ul class="lottery">' + "".join(items) + "</ul>"


def _section_concepts(found: _Findings) -> str:
    from kurilsim import concepts as registry

    comparison = found.comparison
    agents = comparison.scenario.agent_names
    rows = []
    for outcome in comparison.outcomes:
        title = registry.get(outcome.concept).title
        certified = "" if outcome.certificate <= outcome.tol else " (above tol!)"
        rows.append([
            f"{_e(title)}<br><span class=\"small\">{_e(outcome.concept)}</span>",
            _outcome_cell(outcome, comparison.scenario),
            _e(f"{outcome.probability:.3f}"),
            *(_e(f"{float(u):+.4f}") for u in outcome.utilities),
            _e(f"{outcome.certificate:.1e}{certified}"),
        ])
    header = ["concept", "outcome", "P(deal)", *(f"utility {_e(a)}" for a in agents),
              "certificate"]
    numeric = tuple(range(2, 4 + len(agents)))  # P(deal), utilities, certificate
    parts = [
        '<section id="concepts"><h2>Outcome under each solution concept</h2>',
        ("<p>From <code>kurilsim.compare_concepts</code>: the agreement each concept "
        "predicts, the probability of a deal, each party's (expected) utility and "
        "the certificate its solver checked against its tolerance.</p>"),
        _table(header, rows, numeric=numeric),
    ]
    if any(o.is_lottery for o in comparison.outcomes):
        parts.append(f'<p class="small">{_e(LOTTERY_NOTE)}</p>')
    if found.skipped:
        parts.append('<p class="small">Not applicable to this scenario: ' + "; ".join(
            f"{_e(name)} ({_e(why)})" for name, why in found.skipped) + ".</p>")
    parts.append(_image(
        "concepts", found, "Bar chart of each party's utility under each concept",
        "Each party's (expected) utility under each concept; the outcome is "
        "written above each group of bars."))
    parts.append("</section>")
    return "".join(parts)


def _section_headline(found: _Findings, resolution: int) -> str:
    parts = [('<section id="headline"><h2>Headline phase diagram: two- versus '
             "four-island demand</h2>")]
    result = found.headline
    if result is None:
        parts += [_unavailable(found.headline_why), "</section>"]
        return "".join(parts)
    parts.append(
        f"<p>What <code>kurilsim headline --resolution {resolution}</code> draws, "
        "for this scenario: the outcome under the subgame-perfect equilibrium "
        f"({_e(HEADLINE_CONCEPT)}) at each of {resolution} &times; {resolution} "
        "values of Russia's security weight (0 to 4) and of its belief in a "
        "no-US-forces pledge (0 to 1), for Japan demanding two or four islands; "
        f"{result.size:,} points.</p>"
    )
    demands = [int(d) for d in result.axes[HEADLINE_AXES[0]].tolist()]
    shares = [result.sel({HEADLINE_AXES[0]: d}).outcome_shares() for d in demands]
    labels = list(dict.fromkeys(label for share in shares for label in share))
    # before the figure, whose legend is the first place a reader meets one
    parts.append(_placeholder_note(found.scenario, labels,
                                   "which varies across the grid"))
    parts.append(_image(
        "headline", found,
        "Phase diagram: the outcome at each security weight and pledge "
        "credibility, one panel per Japanese demand",
        "Outcome at each point of the grid, in each agreement's colour (hue: "
        "security regime; dark: economic package; grey: no deal), as in every "
        "figure and table of this page; outcomes that differ only in their "
        "islands share a colour and differ in texture (dots, crosses, ...); cells "
        "hatched //// (if any) are lotteries, coloured by their most likely "
        "outcome."))
    codes = {result.label(int(c)): int(c) for c in set(result.agreement.ravel().tolist())
             if int(c) >= -1}
    rows = [[_labelled(label, codes, found.scenario),
             *(_share(share.get(label)) for share in shares)]
            for label in labels]
    header = ["outcome", *(f"share of points, demand {d}" for d in demands)]
    parts.append(_table(header, rows, numeric=tuple(range(1, 1 + len(demands))),
                        caption="Share of the grid where each outcome holds"))
    parts.append("</section>")
    return "".join(parts)


def _share(share: float | None) -> str:
    """A share of the grid as a percentage ("&ndash;": the outcome never holds)."""
    if not share:
        return "&ndash;"
    return "&lt;0.1%" if share < 0.0005 else f"{100 * share:.1f}%"


#: How :func:`kurilsim.robustness`'s note on the parameters it holds begins
#: (the report says it in its own words).
_HELD_NOTE: Final = "held at their values, read only by other concepts"


def _placeholders(labels: Sequence[str]) -> list[str]:
    """The parameters named by ``{name}`` placeholders in ``labels``, in order."""
    found: dict[str, None] = {}
    for label in labels:
        for name in re.findall(r"\{([^{}]+)\}", label):
            found[name] = None
    return list(found)


def _placeholder_note(scenario: Scenario, labels: Sequence[str], why: str) -> str:
    """A note saying what the placeholders of ``labels`` stand for ("" if none)."""
    names = _placeholders(labels)
    if not names:
        return ""
    parameters = scenario.parameters()
    each = []
    for name in names:
        value = parameters.get(name)
        known = "" if value is None else f" (in the scenario: {_e(_value_text(value))})"
        each.append(f"<code>{{{_e(name)}}}</code> stands for the value of "
                    f"<code>{_name(name)}</code>{known}")
    return ('<p class="small placeholder">In the outcome labels below, '
            + "; ".join(each) + f", {_e(why)}: such outcomes are counted together "
            "whatever the value.</p>")


def _section_robustness(found: _Findings) -> str:
    parts = ['<section id="robustness"><h2>Robustness of the outcome</h2>']
    report = found.robustness
    if report is None:
        parts += [_unavailable(found.robustness_why), "</section>"]
        return "".join(parts)
    if report.spread is None:
        free = found.scenario.free_parameters()
        held = _held(found.scenario, report)
        how = (f"{len(report.parameters)} of the scenario's {len(free)} uncertain "
               "parameters, drawn from their priors")
        if held:
            count = sum(len(names) for names in held.values())
            how += (f" (the other {count} are held at their values: only another "
                    f"concept reads them, so no outcome of {_e(report.concept)} depends "
                    f"on them; {_held_text(held)})")
    else:
        how = (f"{len(report.parameters)} parameters, each uniform within "
               f"&plusmn;{report.spread:.0%} of its value")
    parts.append(
        "<p>What <code>kurilsim robustness SCENARIO --samples "
        f"{report.indices.samples} --draws {len(report.draw_outcomes)} --seed "
        f"{ROBUSTNESS_SEED}</code> "
        f"computes: the {how}, the "
        f"scenario solved under {_e(report.concept)} at "
        f"{len(report.draw_outcomes):,} Monte-Carlo draws, and Sobol' sensitivity "
        f"indices (N = {report.indices.samples:,} base samples, "
        f"{report.indices.evaluations:,} runs).</p>"
        f"<p><strong>P(deal) = {report.p_deal:.3f} ± {report.p_deal_error:.3f}</strong> "
        "(± one Monte-Carlo standard error).</p>"
    )
    shown = list(report.outcomes.items())[:_OUTCOMES_SHOWN]
    codes = _label_codes(found.scenario, list(report.parameters))
    rows = [[_labelled(label, codes, found.scenario), _e(f"{p:.3f}"),
             _e(f"{report.outcome_errors[label]:.3f}")] for label, p in shown]
    rest = list(report.outcomes.values())[_OUTCOMES_SHOWN:]
    if rest:
        rows.append([_e(f"{len(rest)} other outcomes together"), _e(f"{sum(rest):.3f}"),
                     ""])
    # the explanation of a label's placeholders comes before the first label
    # that has one (this table; the figure below repeats them)
    parts.append(_placeholder_note(found.scenario, [label for label, _ in shown],
                                   "which varies from draw to draw"))
    parts.append(_table(["outcome", "probability", "standard error"], rows,
                        numeric=(1, 2), caption="Probability of each outcome"))
    indices = report.indices
    measure = "ST" if indices.method == "sobol" else "mu_star"
    rows = []
    for output in indices.outputs:
        if output in indices.constant:
            rows.append([_e(output), "(constant: no parameter moves it)", "", ""])
            continue
        top = report.top(output, _INDICES_SHOWN)
        if not top:
            rows.append([_e(output), "(no parameter has a positive index)", "", ""])
        o = indices.outputs.index(output)
        for k, (name, value, conf) in enumerate(top):
            j = indices.parameters.index(name)
            if indices.method == "sobol":
                second = (f"{indices.measures['S1'][o, j]:.2f} ± "
                          f"{indices.measures['S1_conf'][o, j]:.2f}")
            else:
                second = f"{indices.measures['sigma'][o, j]:.3g}"
            rows.append([_e(output) if k == 0 else "", _e(name),
                         _e(f"{value:.2f} ± {conf:.2f}"), _e(second)])
    if indices.method == "sobol":
        header = ["output", "parameter", "total index ST", "first-order index S1"]
    else:  # pragma: no cover - the report runs Sobol' indices
        header = ["output", "parameter", "mu*", "sigma"]
    parts.append(_table(
        header, rows, numeric=(2, 3), names=(1,),
        caption=(f"The {_INDICES_SHOWN} most influential parameters of each output, "
                 f"largest {measure} first (± {indices.conf_level:.0%} confidence "
                 "half-width)")))
    notes = [note for note in report.notes
             if not (report.spread is None and note.startswith(_HELD_NOTE))]
    if notes:  # the note on the held parameters is said above
        parts.append("<ul class=\"small\">" + "".join(
            f"<li>{_e(note)}</li>" for note in notes) + "</ul>")
    drawn = _figure_output(report)
    if drawn is not None:
        moved = ("the chance of a deal" if drawn == "deal"
                 else f"{drawn} (the chance of a deal does not vary)")
        parts.append(_image(
            "robustness", found,
            f"Outcome probabilities and sensitivity indices of {drawn}",
            "Top: probability of the likeliest outcomes (± 1.96 standard errors"
            + ("; placeholders in braces as in the table above" if _placeholders(
                list(report.outcomes)[:_OUTCOMES_SHOWN]) else "")
            + f"). Bottom: the parameters that move {moved} most."))
    else:
        parts.append('<p class="small">No figure: no output varies over the '
                     "sample.</p>")
    parts.append("</section>")
    return "".join(parts)


def _section_calibration(found: _Findings) -> str:
    parts = ['<section id="calibration"><h2>Calibration</h2>']
    summary = found.calibration
    if summary is None:
        parts += [_unavailable(found.calibration_why), "</section>"]
        return "".join(parts)
    p, error = summary.no_deal
    parts.append(
        "<p>The stored calibration of the bundled scenarios on the historical "
        "record (<code>kurilsim.calibrated</code>; "
        f"{_e(found.posterior_message)}). Under {_e(summary.concept)}, the "
        "posterior predictive probability of the observed outcome (no treaty) is "
        f"<strong>{p:.3f} ± {error:.3f}</strong>; at the calibrated point values "
        f"the outcome is: <strong>{_e(summary.outcome_at_points)}</strong>.</p>"
    )
    rows = [[_e(name), _e(_value_text(value))] for name, value in summary.points.items()]
    parts.append(_table(
        ["parameter", "calibrated point value"], rows, numeric=(1,), names=(0,),
        caption="Point values calibrated for this period alone (posterior means, "
                "modes for discrete parameters, rounded)"))
    parts.append(f'<details><summary>The generated note</summary><p class="small">'
                 f"{_e(summary.note)}</p></details></section>")
    return "".join(parts)


def _page(found: _Findings, resolution: int) -> str:
    scenario = found.scenario
    facts = found.facts
    meta = "".join(
        f'<meta name="kurilsim:{_e(key)}" content="{_e(value)}">'
        for key, value in facts.items() if key != "scenario"
    )
    header = [f"<h1>Scenario {_e(scenario.name)}</h1>"]
    if scenario.title:
        header.append(f'<p class="subtitle">{_e(scenario.title)}</p>')
    if scenario.description:
        header += [f"<p>{_e(part.strip())}</p>"
                   for part in scenario.description.strip().split("\n\n") if part.strip()]
    header.append(
        f"<p class=\"small\">Agents: {_e(', '.join(scenario.agent_names))}; "
        f"{len(scenario.space):,} agreements on the table.</p>")
    sections = [("provenance", "Provenance"), ("concepts", "Concepts"),
                ("headline", "Phase diagram"), ("robustness", "Robustness"),
                ("calibration", "Calibration"), ("parameters", "Parameters and sources")]
    nav = "<nav>" + "".join(f'<a href="#{key}">{text}</a>' for key, text in sections) + "</nav>"
    body = "".join([
        _section_provenance(found),
        _section_concepts(found),
        _section_headline(found, resolution),
        _section_robustness(found),
        _section_calibration(found),
        _section_parameters(found),
    ])
    footer = (
        f"<footer>Written by kurilsim {_e(facts['kurilsim'])} on {_e(facts['time'])} "
        "(<code>kurilsim.report.write_report</code>). The page is self-contained: "
        "its figures are embedded and it loads nothing else.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="kurilsim {_e(facts["kurilsim"])}">'
        f"{meta}<title>kurilsim report: {_e(scenario.name)}</title>"
        f"<style>{_STYLE}</style></head>\n<body><main><header>{''.join(header)}{nav}"
        f"</header>{body}{footer}</main></body></html>\n"
    )


# -- the entry point --------------------------------------------------------------------
def write_report(
    scenario: Scenario,
    out: str | os.PathLike[str],
    *,
    concepts: Sequence[str] | None = None,
    resolution: int = 41,
    overwrite: bool = False,
    progress: bool = False,
) -> Path:
    """Write a scenario's report: one self-contained HTML page.

    The page holds, in order:

    1. **Provenance**: kurilsim's version, the time (UTC), the settings of
       every analysis below, the Python and numpy versions, the time each
       part took, and the scenario as TOML (as the sweeps' CSV files record
       theirs; also in the page's ``<meta name="kurilsim:...">`` tags).
    2. **Concepts**: :func:`kurilsim.compare_concepts` as a table -- a
       lottery listed as its outcomes and their probabilities, never as one
       agreement -- and as a chart (:func:`kurilsim.plot.concept_comparison`).
    3. **Headline phase diagram**: what ``kurilsim headline`` draws
       (:func:`kurilsim.two_vs_four_islands` under ``"spe"``, drawn by
       :func:`kurilsim.plot.phase_diagram`) with the share of the grid each
       outcome covers; for a scenario without the parameters
       :data:`HEADLINE_AXES`, a line saying so.
    4. **Robustness**: what ``kurilsim robustness SCENARIO --seed 1``
       computes (:func:`kurilsim.robustness` under ``"spe"`` with
       :data:`ROBUSTNESS_SAMPLES` Sobol' samples and :data:`ROBUSTNESS_DRAWS`
       draws, its defaults, and seed :data:`ROBUSTNESS_SEED`): outcome
       probabilities and the largest Sobol' indices of each output, with
       :func:`kurilsim.plot.robustness`.
    5. **Calibration**: for a bundled scenario (unchanged), the summary of
       the stored calibration (:func:`kurilsim.calibrated.scenario_calibration`);
       otherwise a line saying why there is none.
    6. **Parameters and sources**: every parameter with its value, units,
       prior (and the prior's reasoning) and public source, and the
       scenario's notes with their sources.

    Figures are inline PNG images and the style sheet is inline: the file
    loads nothing and runs no script.  Every text taken from the scenario is
    HTML-escaped.  The page is written to a temporary file and moved into
    place once complete.  Building the report of a bundled scenario at the
    default settings takes 4 to 15 s on one core (measured for the seven
    bundled scenarios; most of it the robustness analysis and the figures).

    Parameters
    ----------
    scenario : Scenario
        The scenario (e.g. :func:`kurilsim.load_scenario`'s).
    out : str or path
        The HTML file (``.html`` or ``.htm``; its directory must exist).
    concepts : sequence of str, optional
        Names of registered concepts to compare (:func:`kurilsim.concepts.names`);
        default: every registered concept the scenario can be solved under
        (those that cannot are listed on the page).
    resolution : int
        Points per continuous axis of the headline phase diagram (default
        41, i.e. 2 x 41 x 41 points; ``kurilsim headline`` defaults to 201).
    overwrite : bool
        Replace an existing file (default: refuse, naming it).
    progress : bool
        Show a progress bar while the headline grid is solved.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InvalidArgumentError
        If ``scenario`` is not a Scenario, ``out`` not a path, ``concepts``
        not a non-empty sequence of names, ``resolution`` not an integer >=
        2, or ``overwrite`` or ``progress`` not a bool.
    InvalidModelError
        For an unknown concept (the message lists the registered ones) or one
        the scenario cannot be solved under.
    ProblemTooLargeError
        If the headline grid (2 x ``resolution``\\ :sup:`2` points) is larger
        than the sweeps' default budget.
    OutputError
        If ``out`` exists and ``overwrite`` is false, or cannot be written
        (wrong suffix, missing or read-only directory), naming it; every
        check is made before any work.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import kurilsim
    >>> from kurilsim.report import write_report
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> path = write_report(scenario, folder / "report.html", concepts=["spe"],
    ...                     resolution=5)
    >>> page = path.read_text(encoding="utf-8")
    >>> page.startswith("<!DOCTYPE html>"), 'id="robustness"' in page
    (True, True)
    >>> write_report(scenario, folder / "report.html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kurilsim._errors.OutputError: report .../report.html exists; pass overwrite=True to replace it...
    """
    started = time.perf_counter()
    # every check that can fail comes before the work
    check_instance(scenario, Scenario, "scenario")
    target = check_output_path(out, suffixes=(".html", ".htm"), what="report")
    overwrite = check_bool(overwrite, "overwrite")
    progress = check_bool(progress, "progress")
    resolution = check_int(resolution, "resolution", low=2)
    from kurilsim.sweeps import DEFAULT_MAX_POINTS

    points = 2 * resolution**2
    if points > DEFAULT_MAX_POINTS:
        raise ProblemTooLargeError(
            f"resolution={resolution} makes {points:,} points for the headline phase "
            f"diagram (2 x {resolution} x {resolution}), more than the sweeps' budget "
            f"of {DEFAULT_MAX_POINTS:,}; use a smaller resolution"
        )
    records, skipped = _concept_records(scenario, concepts)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise _exists(target)

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    comparison, records = _compare(scenario, records, skipped, chosen=concepts is not None)
    seconds["concepts"] = time.perf_counter() - clock
    found = _Findings(scenario=scenario,
                      facts=_provenance(scenario, records, resolution),
                      comparison=comparison, skipped=skipped, seconds=seconds)
    clock = time.perf_counter()
    found.headline_why = _headline_why_not(scenario)
    if not found.headline_why:
        from kurilsim.studies import two_vs_four_islands

        found.headline = two_vs_four_islands(
            scenario, resolution=resolution, concept=HEADLINE_CONCEPT,
            progress=progress)
    seconds["phase diagram"] = time.perf_counter() - clock
    clock = time.perf_counter()
    found.robustness, found.robustness_why = _robustness(scenario)
    seconds["robustness"] = time.perf_counter() - clock
    clock = time.perf_counter()
    found.calibration, found.posterior_message, found.calibration_why = _calibration(
        scenario)
    seconds["calibration"] = time.perf_counter() - clock
    clock = time.perf_counter()
    _figures(found)
    seconds["figures"] = time.perf_counter() - clock
    seconds["total"] = time.perf_counter() - started
    content = _page(found, resolution).encode("utf-8")
    if overwrite:
        with atomic_output(target, "wb") as stream:
            stream.write(content)
        return target
    try:
        created = create_exclusively(target, content)
    except OSError as error:
        raise OutputError(
            f"cannot write report {target}: {error.strerror or error}"
        ) from None
    if not created:  # made by someone else while the report was built
        raise _exists(target)
    return target


def _exists(target: Path) -> OutputError:
    return OutputError(
        f"report {target} exists; pass overwrite=True to replace it (kurilsim never "
        "writes over a result silently)"
    )
