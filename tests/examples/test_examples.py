"""Every script in examples/ runs to completion (Agg backend, no display), and
what the scripts print is honest: a lottery is printed as a lottery."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import runpy
import tempfile
from pathlib import Path

import pytest

import kurilsim

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))

#: The start of the sentence saying what a lottery is.
LOTTERY = "A lottery is an outcome left to chance"


@functools.cache
def output_of(name: str) -> str:
    """What examples/``name`` prints, run once per test session in a temporary
    working directory (the scripts write their figures and tables there)."""
    script = next(p for p in EXAMPLES if p.name == name)
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                runpy.run_path(str(script), run_name="__main__")
        finally:
            os.chdir(here)
    return printed.getvalue()


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = output_of(script.name)
    assert out.strip(), f"{script.name} printed nothing"
    # a script that prints a lottery says once what a lottery is
    if "lottery" in out.replace(LOTTERY, ""):
        assert out.count(LOTTERY) == 1, f"{script.name}: {out.count(LOTTERY)} definitions"


def test_check_your_solver_example_catches_the_broken_solver() -> None:
    out = output_of("check_your_solver.py")
    assert "caught: the solver returned no equilibrium" in out
    assert "NormalFormGame(payoffs=" in out  # the shrunk counterexample


def test_custom_model_example_solves_and_sweeps() -> None:
    out = output_of("custom_model.py")
    assert "straits(2)" in out
    assert "pledge credibility 0.6: spe: " in out


def test_classic_games_example_reports_known_equilibria() -> None:
    out = output_of("classic_games.py")
    assert "Battle of the sexes" in out
    assert "[0.6 0.4]  [0.4 0.6]" in out  # the mixed equilibrium of battle of the sexes
    assert "value 0" in out  # rock-paper-scissors by LP


# -- the printed outcomes of historical_scenarios.py ----------------------------------
_ROW = re.compile(r"^([a-z][\w-]*) +(\d\.\d{3}) +[+-]\d")
_CHANCE = re.compile(r"^ {4} *(\d{1,3}\.\d)%  (\S.*)$")


def outcomes_printed(out: str) -> dict[tuple[str, str], tuple[float, list[str]]]:
    """(scenario, concept) -> (P(deal), the lines under the concept's row)."""
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}
    scenario = ""
    lines: list[str] = []
    for line in out.splitlines():
        if line.startswith("Scenario "):
            scenario = line.split()[1].rstrip(":")
            lines = []  # a wrapped title's continuation belongs to no concept
        elif match := _ROW.match(line):
            lines = []
            found[scenario, match[1]] = (float(match[2]), lines)
        elif line.startswith("    "):
            lines.append(line)
    return found


def support_printed(lines: list[str]) -> dict[str, float] | None:
    """The printed lottery as {outcome label: probability}, or None if the
    concept's row was followed by a single outcome."""
    if lines[0].strip() != "lottery:":
        return None
    support: dict[str, float] = {}
    label = ""
    for line in lines[1:]:
        if match := _CHANCE.match(line):
            label = match[2]
            support[label] = float(match[1]) / 100
        else:  # a wrapped label's continuation
            p = support.pop(label)
            label = f"{label} {line.strip()}"
            support[label] = p
    return support


def test_historical_scenarios_prints_each_lottery_as_its_support() -> None:
    out = output_of("historical_scenarios.py")
    assert out.count(LOTTERY) == 1
    printed = outcomes_printed(out)
    names = kurilsim.list_scenarios()
    assert {scenario for scenario, _ in printed} >= set(names)
    lotteries = 0
    for (scenario, concept), (p_deal, lines) in printed.items():
        support = support_printed(lines)
        if support is None:  # one outcome: no deal has P(deal) 0, a treaty 1
            label = " ".join(line.strip() for line in lines)
            assert p_deal == (0.0 if label == "no deal" else 1.0), (scenario, concept)
            continue
        lotteries += 1
        assert len(support) >= 2, (scenario, concept)
        assert sum(support.values()) == pytest.approx(1.0, abs=1e-3 * len(support))
        assert p_deal == pytest.approx(1.0 - support.get("no deal", 0.0), abs=1.5e-3)
        assert max(len(line) for line in lines) <= 100
    assert lotteries >= 20


@pytest.mark.parametrize(
    ("scenario", "concept"), [("1993-tokyo", "baron-ferejohn"), ("2018-singapore", "pbe")]
)
def test_historical_scenarios_lottery_is_the_solvers(scenario: str, concept: str) -> None:
    """Baron-Ferejohn's four-agreement lottery and the pledge game's 26% chance
    of a deal are printed whole, as the solver gives them."""
    outcome = kurilsim.solve_scenario(kurilsim.load_scenario(scenario), concept)
    expected = {
        outcome.labels[k]: p for k, p in outcome.distribution.items() if p > 1e-9
    }
    assert len(expected) >= 2  # the solver's answer is a lottery
    p_deal, lines = outcomes_printed(output_of("historical_scenarios.py"))[scenario, concept]
    # printed to 0.1 %
    assert support_printed(lines) == pytest.approx(expected, abs=5.01e-4)
    assert p_deal == pytest.approx(outcome.probability, abs=5.01e-4)


def test_historical_scenarios_verdict_counts_lotteries() -> None:
    """In 2018 every concept but the pledge game's gives no deal for sure; its
    26% chance of a deal is a disagreement, not agreement."""
    out = output_of("historical_scenarios.py")
    block = out.split("Scenario 2018-singapore:")[1].split("\n\n")[0]
    assert block.rstrip().endswith("-> the concepts disagree")
    block = out.split("Scenario 2020-constitution:")[1].split("\n\n")[0]
    assert block.rstrip().endswith("-> all concepts agree")


def test_custom_concept_example_prints_the_nash_bargaining_lottery() -> None:
    out = output_of("custom_concept.py")
    assert out.count(LOTTERY) == 1
    credible = kurilsim.load_scenario("2018-singapore").with_params(
        {"russia.pledge_credibility": 0.7}
    )
    outcome = kurilsim.solve_scenario(credible, "nash-bargaining")
    assert len(outcome.distribution) == 2  # a lottery between two agreements
    block = out.split("nash-bargaining (a lottery concept): P(deal) 1.000\n")[1]
    for k, p in outcome.distribution.items():
        assert f"{p:7.1%}  {outcome.labels[k][:40]}" in block
