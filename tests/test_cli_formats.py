"""The ``kurilsim`` command line, issue 19: ``solve --format``, ``new``,
sampled sweeps (``--design``, ``--samples``, ``--seed``) and ``report``."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sys
import tomllib
import types
from pathlib import Path

import pytest

import kurilsim
import kurilsim.analysis
from kurilsim.cli import main

SCENARIOS = kurilsim.list_scenarios()
WIDTH = 100
#: The numbers a printed table shows for a utility, P(deal), a percentage.
NUMBER = re.compile(r"[+-]?\d+\.\d+(?:e[+-]\d+)?%?")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The last line of the usage error ``argv`` makes (status 2)."""
    with pytest.raises(SystemExit) as excinfo:
        main(list(argv))
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: kurilsim")
    assert "Traceback" not in err
    return err.splitlines()[-1]


# -- solve --format -----------------------------------------------------------------------
_COMPARISONS: dict[tuple[str, tuple[str, ...] | None], kurilsim.ConceptComparison] = {}


@pytest.fixture
def cached_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    """Solve each scenario once for all the tests of this module (every
    concept of a scenario takes a few seconds)."""
    solve = kurilsim.analysis.compare_concepts

    def cached(scenario, concepts=None, **options):
        assert not options
        key = (scenario.name, None if concepts is None else tuple(concepts))
        if key not in _COMPARISONS:
            _COMPARISONS[key] = solve(scenario, concepts)
        assert _COMPARISONS[key].scenario == scenario
        return _COMPARISONS[key]

    monkeypatch.setattr(kurilsim.analysis, "compare_concepts", cached)


def comparison(name: str) -> kurilsim.ConceptComparison:
    return kurilsim.analysis.compare_concepts(kurilsim.load_scenario(name))


def support(outcome: kurilsim.Outcome) -> dict[int, float]:
    # a weight a rounding above 1 (a Nash solver's) is written as 1
    return {int(k): min(float(p), 1.0) for k, p in outcome.distribution.items() if p > 0}


def is_lottery(outcome: kurilsim.Outcome) -> bool:
    return sum(p > 1e-12 for p in outcome.distribution.values()) > 1


def records(out: str) -> dict[str, list[str]]:
    """The printed table's lines per concept: its row, then its outcome."""
    lines = out.splitlines()
    start = next(k for k, line in enumerate(lines) if line and set(line) == {"-"}) + 1
    found: dict[str, list[str]] = {}
    current = None
    for line in lines[start:]:
        if line.startswith("Note:"):
            break
        if not line.startswith(" "):
            current = line.split()[0]
            found[current] = []
        assert current is not None
        found[current].append(line)
    return found


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_table_fits_100_columns_and_shows_lotteries(capsys, cached_comparisons, name):
    status, out, err = run(capsys, "solve", name)
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    expected = comparison(name)
    table = records(out)
    assert list(table) == [o.concept for o in expected]
    for outcome in expected:
        row, *below = table[outcome.concept]
        # every number whole, none cut: the row's numbers are the outcome's
        assert NUMBER.findall(row) == [
            f"{outcome.probability:.3f}", *(f"{u:+.4f}" for u in outcome.utilities),
            f"{outcome.certificate:.1e}",
        ]
        text = " ".join(line.strip() for line in below)
        weights = sorted(support(outcome).values(), reverse=True)
        if is_lottery(outcome):
            assert text.startswith("lottery ")
            shown = [float(p.rstrip("%")) / 100 for p in NUMBER.findall(text)
                     if p.endswith("%")]
            assert shown[: len(weights)] == pytest.approx(weights[:4], abs=5e-4)
            for index, _ in sorted(support(outcome).items(), key=lambda kv: -kv[1])[:4]:
                label = outcome.labels[index]
                assert " ".join(label.split()) in text
        else:
            assert " ".join(outcome.deal.split()) == text
    has_lottery = any(is_lottery(o) for o in expected)
    assert " ".join(out.split()).endswith(kurilsim.cli.LOTTERY_NOTE) is has_lottery
    assert ("lottery" in out) is has_lottery


def test_2018_pbe_is_shown_as_the_lottery_it_is(capsys, cached_comparisons):
    """The issue's example: 'no deal' with P(deal) 0.26 was one line."""
    outcome = comparison("2018-singapore")["pbe"]
    assert is_lottery(outcome)
    _, out, _ = run(capsys, "solve", "2018-singapore")
    below = records(out)["pbe"][1:]
    assert below[0].split()[:3] == ["lottery", "74.0%", "no"]
    assert below[1].split()[0] == "26.0%"


def read_csv(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The provenance (``# key: value``; TOML lines joined) and the rows."""
    facts: dict[str, str] = {}
    key = None
    body = []
    for line in text.splitlines():
        if line.startswith("#   ") or line == "#":
            assert key is not None
            facts[key] += line[4:] + "\n"
        elif line.startswith("# "):
            key, _, value = line[2:].partition(":")
            facts[key] = value.strip()
        else:
            body.append(line)
    return facts, list(csv.DictReader(io.StringIO("\n".join(body))))


@pytest.mark.parametrize("name", SCENARIOS)
def test_csv_has_one_row_per_concept_and_outcome(capsys, cached_comparisons, tmp_path,
                                                 name):
    status, out, _ = run(capsys, "solve", name, "--format", "csv")
    assert status == 0
    facts, rows = read_csv(out)
    assert facts["kurilsim"] == kurilsim.__version__
    assert facts["scenario_name"] == name
    (tmp_path / "back.toml").write_text(facts["scenario"], encoding="utf-8")
    assert kurilsim.load_scenario(tmp_path / "back.toml") == kurilsim.load_scenario(name)
    expected = comparison(name)
    assert facts["concepts"] == ", ".join(o.concept for o in expected)
    agents = expected.scenario.agent_names
    for outcome in expected:
        mine = [row for row in rows if row["concept"] == outcome.concept]
        assert {int(r["agreement"]): float(r["weight"]) for r in mine} == support(outcome)
        assert [float(r["weight"]) for r in mine] == sorted(
            (float(r["weight"]) for r in mine), reverse=True)
        for row in mine:
            assert row["outcome"] == outcome.labels[int(row["agreement"])]
            assert float(row["probability"]) == outcome.probability
            assert [float(row[f"utility.{a}"]) for a in agents] == outcome.utilities.tolist()
            assert float(row["certificate"]) == outcome.certificate
            assert row["lottery"] == ("true" if is_lottery(outcome) else "false")
        modes = [row for row in mine if row["mode"] == "true"]
        assert len(modes) == 1
        reported = (kurilsim.NO_DEAL if outcome.agreement is None
                    else int(modes[0]["agreement"]))
        assert int(modes[0]["agreement"]) == reported
        if outcome.agreement is not None:
            assert outcome.labels[reported] == outcome.deal or is_lottery(outcome)
        assert {float(r["mode_probability"]) for r in mine} == {support(outcome)[reported]}
    assert len(rows) == sum(len(support(o)) for o in expected)


@pytest.mark.parametrize("name", SCENARIOS)
def test_json_has_one_object_per_concept(capsys, cached_comparisons, name):
    status, out, _ = run(capsys, "solve", name, "--format", "json")
    assert status == 0
    document = json.loads(out)
    expected = comparison(name)
    assert document["scenario"] == name
    assert document["agents"] == list(expected.scenario.agent_names)
    assert document["provenance"]["kurilsim"] == kurilsim.__version__
    assert document["provenance"]["scenario"] == expected.scenario.to_toml()
    assert [c["concept"] for c in document["concepts"]] == [o.concept for o in expected]
    for item, outcome in zip(document["concepts"], expected, strict=True):
        assert {s["agreement"]: s["weight"] for s in item["support"]} == support(outcome)
        assert all(s["outcome"] == outcome.labels[s["agreement"]] for s in item["support"])
        assert item["lottery"] is is_lottery(outcome)
        assert item["probability"] == outcome.probability
        assert item["utilities"] == dict(zip(outcome.agents, outcome.utilities.tolist(),
                                             strict=True))
        assert item["certificate"] == outcome.certificate
        assert item["mode_probability"] == support(outcome)[item["mode"]["agreement"]]
        if outcome.agreement is None:
            assert item["mode"]["agreement"] == kurilsim.NO_DEAL
        if not is_lottery(outcome):
            assert item["outcome"] == outcome.deal


@pytest.mark.parametrize("name", ["1956-declaration", "2018-singapore"])
def test_markdown_is_a_pipe_table(capsys, cached_comparisons, name):
    status, out, _ = run(capsys, "solve", name, "--format", "markdown")
    assert status == 0
    expected = comparison(name)
    rows = [line for line in out.splitlines() if line.startswith("|")]
    header = ["concept", "outcome", "P(deal)", *expected.scenario.agent_names,
              "certificate"]
    # (Markdown's punctuation in a cell is backslash-escaped: united\_states)
    assert re.sub(r"\\(.)", r"\1", rows[0]) == "| " + " | ".join(header) + " |"
    assert re.fullmatch(r"\|(---\|){2}(--:\|)+", rows[1])
    cells = [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows[2:]]
    assert all(len(row) == len(header) for row in cells)
    assert [row[0].strip() for row in cells] == [o.concept for o in expected]
    for row, outcome in zip(cells, expected, strict=True):
        assert row[1].strip().startswith("lottery: ") is is_lottery(outcome)
        assert [c.strip() for c in row[2:-1]] == [
            f"{outcome.probability:.3f}", *(f"{u:+.4f}" for u in outcome.utilities)
        ]
    assert (kurilsim.cli.LOTTERY_NOTE in out) is any(is_lottery(o) for o in expected)


def _wide_comparison(agents: int, outcomes: int) -> kurilsim.ConceptComparison:
    """A scenario with many long-named agents and long labels, and a lottery
    over ``outcomes`` agreements."""
    labels = tuple(f"option {k} with a rather long label that goes on and on, "
                   f"{1000 * k} units and 12.5% more" for k in range(outcomes))
    space = kurilsim.AgreementSpace((kurilsim.Issue(
        name="deal", options=tuple(f"o{k}" for k in range(outcomes)), labels=labels,
        features={"size": tuple(float(k) for k in range(outcomes))}),))
    names = [f"a_party_with_a_long_name_{k}" for k in range(agents)]
    scenario = kurilsim.Scenario(
        name="wide-" * 30, title="A title " * 20, space=space,
        agents=tuple(kurilsim.LinearAgent(name=n, weights={"deal.size": -1.0 + k})
                     for k, n in enumerate(names)),
        protocol=kurilsim.NegotiationProtocol(proposer=names[0], responder=names[1],
                                              objector=""),
    )
    weights = dict.fromkeys(range(outcomes), 1 / outcomes)
    lottery = kurilsim.Outcome.from_distribution(
        scenario, "a-user-concept", weights, certificate=1.5e-9, tol=1e-6)
    single = kurilsim.Outcome.from_distribution(
        scenario, "another", {outcomes - 1: 1.0}, certificate=0.0, tol=1e-6)
    return kurilsim.ConceptComparison(scenario=scenario, outcomes=(lottery, single))


@pytest.mark.parametrize(("agents", "outcomes"), [(2, 3), (7, 9)])
def test_the_table_fits_any_scenario_without_cutting_numbers(agents, outcomes):
    table = _wide_comparison(agents, outcomes)
    text = table.to_text()
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    for outcome in table:  # every utility printed whole
        for u in outcome.utilities:
            assert f"{u:+.4f}" in text
    if outcomes > 4:  # the rest of a long lottery summed up, with where to see it
        rest = outcomes - 4
        assert re.search(rf"\+ {rest} more outcomes with 55\.6% in all \(to_pandas\(\) "
                         r"and solve --format csv\|json", " ".join(text.split()))
    assert "12.5% more" in " ".join(text.split())  # a number kept with its word
    assert " ".join(text.split()).endswith(kurilsim.cli.LOTTERY_NOTE)


def test_solve_rejects_an_unknown_format(capsys):
    assert "invalid choice: 'xml'" in usage_error(
        capsys, "solve", "2018-singapore", "--format", "xml")


# -- new ----------------------------------------------------------------------------------
def agent_parameter_lines(text: str) -> dict[tuple[int, str], list[str]]:
    """Each agent parameter line of a template with the comment above it."""
    found = {}
    agent = -1
    comment: list[str] = []
    for line in text.splitlines():
        if line == "[[agents]]":
            agent += 1
        if line.startswith("#"):
            comment.append(line[2:])
            continue
        match = re.match(r"^(\w+) = ", line)
        if match and agent >= 0 and not line.startswith("["):
            found[(agent, match.group(1))] = comment
        comment = [] if line or not comment else comment
        if line.startswith("["):
            comment = []
    return found


def test_new_writes_the_kuril_defaults_with_every_parameter_explained(capsys, tmp_path):
    path = tmp_path / "my-scenario.toml"
    status, out, err = run(capsys, "new", str(path))
    assert (status, err) == (0, "")
    assert out.startswith(f"wrote scenario file: {path}")
    scenario = kurilsim.kuril_scenario(name="my-scenario")
    assert kurilsim.load_scenario(path) == scenario
    text = path.read_text(encoding="utf-8")
    comments = agent_parameter_lines(text)
    for k, agent in enumerate(scenario.agents):
        for spec in agent.parameter_specs():
            if (k, spec.name) not in comments:
                continue  # a derived value written elsewhere
            comment = " ".join(comments[(k, spec.name)])
            default = int(spec.default) if spec.integer else spec.default
            assert f"default {default!r}" in comment, spec.name
            assert f"Units: {spec.units}" in comment, spec.name
            assert " ".join(spec.source.split()) in comment, spec.name
            assert (" in [" in comment or ">=" in comment
                    or "a number;" in comment), spec.name
    # every parameter of every agent is written out
    assert {name for (_, name) in comments} >= {
        spec.name for agent in scenario.agents for spec in agent.parameter_specs()
    }
    assert max(len(line) for line in text.splitlines()) <= 90
    assert "# The agent that proposes an agreement. Default \"japan\"." in text


@pytest.mark.parametrize("name", SCENARIOS)
def test_new_from_a_builtin_loads_back_equal(capsys, tmp_path, name):
    path = tmp_path / "copy.toml"
    status, out, _ = run(capsys, "new", str(path), "--from", name)
    assert status == 0
    assert f"the built-in scenario {name}" in out
    source = kurilsim.load_scenario(name)
    copy = kurilsim.load_scenario(path)
    # the copy is named after its file, records its origin, and its first note
    # warns that the source's notes (its values, its tested outcome) follow
    assert (copy.name, copy.base_name, copy.derived_from) == ("copy", name, name)
    assert copy.notes[1:] == source.notes
    assert copy.notes[0].startswith(
        f"Started by 'kurilsim new' from the built-in scenario {name} "
        f"(scenario {name!r})."
    )
    assert "correct or delete any that stop holding" in copy.notes[0]
    assert copy == dataclasses.replace(source, name="copy", derived_from=name,
                                       notes=copy.notes)
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == tomllib.loads(copy.to_toml())
    assert text.startswith("# A kurilsim scenario file")


def test_new_refuses_an_existing_file_without_overwrite(capsys, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("earlier", encoding="utf-8")
    status, out, err = run(capsys, "new", str(path))
    assert (status, out) == (1, "")
    assert err == (f"kurilsim: error: SCENARIO.toml {path}: exists; pass --overwrite "
                   "to replace it (or choose another name)\n")
    assert path.read_text(encoding="utf-8") == "earlier"
    status, _, _ = run(capsys, "new", str(path), "--overwrite", "--from", "1993-tokyo")
    assert status == 0
    assert kurilsim.load_scenario(path).base_name == "1993-tokyo"
    assert kurilsim.load_scenario(path).agents == kurilsim.load_scenario("1993-tokyo").agents
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]  # no leftovers


def test_new_from_a_file_and_its_errors(capsys, tmp_path):
    source = tmp_path / "source.toml"
    kurilsim.load_scenario("2022-suspension").with_params(
        {"russia.security_weight": 0.7}).to_toml(source)
    status, out, _ = run(capsys, "new", str(tmp_path / "b.toml"), "--from", str(source))
    assert status == 0
    assert f"the file {source}" in out
    copy, original = kurilsim.load_scenario(tmp_path / "b.toml"), kurilsim.load_scenario(source)
    assert copy.name == "b"
    assert copy.notes[1:] == original.notes
    # a copy of a derived scenario is derived from the same origin
    assert copy.base_name == original.base_name == "2022-suspension"
    assert copy == dataclasses.replace(original, name="b", notes=copy.notes)
    for argv, message in [
        (["new", str(tmp_path / "c.txt")], "expected a file name ending in .toml"),
        (["new", str(tmp_path / "missing" / "c.toml")], "does not exist"),
        (["new", str(tmp_path / "d.toml"), "--from", "no-such"], "no-such"),
    ]:
        status, out, err = run(capsys, *argv)
        assert (status, out) == (1, "")
        assert err.startswith("kurilsim: error: ")
        assert err.count("\n") == 1
        assert message in err
    assert not (tmp_path / "d.toml").exists()


# -- sweep --design -----------------------------------------------------------------------
LHS = ["--grid", "russia.security_weight=0.5:3", "--grid", "japan.demand=2:4",
       "--no-progress"]


def csv_file(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    return read_csv(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("design", ["lhs", "random"])
def test_a_sampled_sweep_is_the_library_sample(capsys, tmp_path, design):
    out = tmp_path / "sample.csv"
    status, text, _ = run(capsys, "sweep", "2018-singapore", "--design", design,
                          "--samples", "40", "--seed", "7", "--out", str(out), *LHS)
    assert status == 0
    assert f"40 points ({design} sample, seed 7) over russia.security_weight[0.5, 3] x " \
           "japan.demand[2, 4]:" in text
    facts, rows = csv_file(out)
    assert (facts["design"], facts["seed"], facts["samples"]) == (design, "7", "40")
    expected = kurilsim.sweep(
        kurilsim.load_scenario("2018-singapore"),
        {"russia.security_weight": (0.5, 3.0), "japan.demand": (2, 4)},
        design=design, samples=40, rng=7, progress=False)
    assert [float(r["russia.security_weight"]) for r in rows] == \
        expected.points["russia.security_weight"].tolist()
    assert [int(r["japan.demand"]) for r in rows] == expected.points["japan.demand"].tolist()
    assert [int(r["agreement"]) for r in rows] == expected.agreement.tolist()
    assert all(0.5 <= float(r["russia.security_weight"]) <= 3 for r in rows)
    assert {int(r["japan.demand"]) for r in rows} <= {2, 3, 4}


def test_a_sample_without_a_seed_records_the_one_it_drew(capsys, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    status, text, _ = run(capsys, "sweep", "2018-singapore", "--design", "lhs",
                          "--samples", "12", "--out", str(first), *LHS)
    assert status == 0
    seed = re.search(r"\(lhs sample, seed (\d+)\)", text).group(1)
    facts, rows = csv_file(first)
    assert facts["seed"] == seed
    status, _, _ = run(capsys, "sweep", "2018-singapore", "--design", "lhs",
                       "--samples", "12", "--seed", seed, "--out", str(second), *LHS)
    assert status == 0
    assert csv_file(second)[1] == rows  # the same points and outcomes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--samples", "5"], "--samples is only for --design random or lhs"),
        (["--seed", "5"], "--seed is only for --design random or lhs"),
        (["--design", "lhs"], "--design lhs needs --samples N"),
        (["--design", "random", "--samples", "5", "--seed", "-1"],
         "argument --seed: expected a non-negative integer, got -1"),
        (["--design", "random", "--samples", "5", "--seed", "1.5"],
         "argument --seed: expected a non-negative integer, got '1.5'"),
        (["--design", "lhs", "--samples", "0"],
         "argument --samples: expected an integer >= 1, got 0"),
        (["--design", "lhs", "--samples", "5", "--plot", "x.png"],
         "--plot draws a phase diagram, which needs --design grid"),
        (["--design", "sobol", "--samples", "5"], "invalid choice: 'sobol'"),
    ],
)
def test_sampled_design_usage_errors_exit_2_before_any_work(
    capsys, monkeypatch, options, message
):
    import kurilsim.kuril.scenarios

    def fail(*args, **kwargs):  # pragma: no cover - must not run
        raise AssertionError("the scenario was loaded")

    monkeypatch.setattr(kurilsim.kuril.scenarios, "load_scenario", fail)
    grid = ("russia.security_weight=0:1" if "--design" in options
            else "russia.security_weight=0:1:3")
    line = usage_error(capsys, "sweep", "2018-singapore", "--grid", grid, *options)
    assert line.startswith("kurilsim sweep: error: ")
    assert message in line


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ("russia.security_weight=0:1:3",
         "expected NAME=LOW:HIGH (no NUM: --samples sets the number of points)"),
        ("japan.demand=2,4", "expected NAME=LOW:HIGH"),
        ("russia.security_weight=1:0", "LOW and HIGH must be finite, LOW <= HIGH"),
        ("russia.security_weight=a:1", "LOW and HIGH must be numbers"),
        ("russia.security_wieght=0:1",
         "unknown scenario parameter 'russia.security_wieght' (did you mean"),
    ],
)
def test_bad_sample_ranges_are_one_line(capsys, grid, message):
    status, out, err = run(capsys, "sweep", "2018-singapore", "--design", "random",
                           "--samples", "3", "--grid", grid, "--no-progress")
    assert (status, out) == (1, "")
    assert err.startswith("kurilsim: error: ")
    assert err.count("\n") == 1
    assert message in err


def test_the_workers_note_counts_the_chunks_left_after_a_resume(capsys, tmp_path,
                                                                 monkeypatch):
    import kurilsim.sweeps

    monkeypatch.setattr(kurilsim.sweeps.run, "_available_cpus", lambda: 64)
    args = ["sweep", "2018-singapore", "--grid", "russia.security_weight=0:3:10",
            "--chunk-size", "4", "--no-progress", "--checkpoint", str(tmp_path / "ck")]
    assert run(capsys, *args)[0] == 0  # 3 chunks, all saved
    chunk = max((tmp_path / "ck").rglob("chunk-*.npz"))
    chunk.unlink()  # one left to compute
    status, _, err = run(capsys, *args, "--workers", "4")
    assert status == 0
    assert err == (
        "kurilsim: note: --workers 4 capped at 1: the sweep has 1 chunk of up to 4 "
        "points to compute (2 of 3 resumed from the checkpoint), and workers beyond "
        "one per chunk only add start-up time; a smaller --chunk-size makes more "
        "chunks\n"
    )


# -- report -------------------------------------------------------------------------------
@pytest.fixture
def stub_report(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """A stand-in ``kurilsim.report`` recording each call of ``write_report``."""
    calls: list[dict[str, object]] = []

    def write_report(scenario, out, *, concepts=None, resolution=41, overwrite=False,
                     progress=False):
        calls.append({"scenario": scenario, "out": out, "concepts": concepts,
                      "resolution": resolution, "overwrite": overwrite,
                      "progress": progress})
        path = Path(out)
        path.write_text("<!DOCTYPE html><title>stub</title>", encoding="utf-8")
        return path

    module = types.ModuleType("kurilsim.report")
    module.write_report = write_report  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kurilsim.report", module)
    return calls


def test_report_hands_its_options_to_write_report(capsys, tmp_path, stub_report):
    out = tmp_path / "report.html"
    status, text, err = run(capsys, "report", "2018-singapore", "--out", str(out),
                            "--concepts", "spe,nash,spe", "--resolution", "9",
                            "--no-progress")
    assert (status, err) == (0, "")
    assert text == f"wrote report: {out}\n"
    [call] = stub_report
    assert call == {"scenario": kurilsim.load_scenario("2018-singapore"), "out": out,
                    "concepts": ("spe", "nash"), "resolution": 9, "overwrite": False,
                    "progress": False}
    status, _, _ = run(capsys, "report", "1956-declaration", "--out", str(out),
                       "--overwrite")
    assert status == 0
    assert stub_report[1]["concepts"] is None
    assert stub_report[1]["resolution"] == 41
    assert stub_report[1]["overwrite"] is True
    # --concept, repeatable as in 'kurilsim solve', adds to --concepts
    status, _, _ = run(capsys, "report", "1956-declaration", "--out", str(out),
                       "--overwrite", "--concept", "pbe", "--concepts", "spe",
                       "--concept", "spe")
    assert status == 0
    assert stub_report[2]["concepts"] == ("spe", "pbe")


def test_report_checks_its_output_before_any_work(capsys, tmp_path, stub_report):
    out = tmp_path / "report.html"
    out.write_text("earlier", encoding="utf-8")
    for argv, message in [
        (["--out", str(out)], f"--out {out}: exists; pass --overwrite"),
        (["--out", str(tmp_path / "report.pdf")],
         "expected a file name ending in .html or .htm, got '.pdf'"),
        (["--out", str(tmp_path / "no" / "r.html")], "does not exist"),
    ]:
        status, text, err = run(capsys, "report", "2018-singapore", *argv)
        assert (status, text) == (1, "")
        assert err.count("\n") == 1
        assert message in err
    assert out.read_text(encoding="utf-8") == "earlier"
    assert stub_report == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--concepts", "spe,bogus"], "'bogus' unknown"),
        (["--concepts", ""], "expected concept names separated by commas"),
        (["--resolution", "1"], "expected an integer >= 2, got 1"),
        ([], "the following arguments are required: --out"),
    ],
)
def test_report_usage_errors_exit_2(capsys, stub_report, options, message):
    argv = ["report", "2018-singapore", *options]
    if options:
        argv += ["--out", "r.html"]
    assert message in usage_error(capsys, *argv)
    assert stub_report == []


def test_report_with_the_real_module(capsys, tmp_path):
    pytest.importorskip("kurilsim.report")
    out = tmp_path / "report.html"
    status, text, _ = run(capsys, "report", "1956-declaration", "--out", str(out),
                          "--concepts", "spe,nash-bargaining", "--resolution", "5",
                          "--no-progress")
    assert status == 0
    assert text == f"wrote report: {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "1956-declaration" in page
    assert "nash-bargaining" in page


def test_a_range_without_num_in_a_grid_points_to_the_sampled_designs(capsys):
    status, _, err = run(capsys, "sweep", "2018-singapore", "--grid",
                         "russia.security_weight=0:4", "--no-progress")
    assert status == 1
    assert err == ("kurilsim: error: bad --grid 'russia.security_weight=0:4': expected "
                   "NAME=START:STOP:NUM or NAME=V1,V2,... (NAME=LOW:HIGH is a range to "
                   "sample: --design random or lhs)\n")


def test_new_from_a_file_with_its_own_issues_and_linear_agents(capsys, tmp_path):
    space = kurilsim.AgreementSpace((kurilsim.Issue(
        name="quota", options=("none", "small", "large"),
        features={"tonnes": (0.0, 1.0, 3.0)}),))
    scenario = kurilsim.Scenario(
        name="toy", title="A toy", space=space,
        agents=(kurilsim.LinearAgent(name="buyer", weights={"quota.tonnes": -1.0}),
                kurilsim.LinearAgent(name="seller", weights={"quota.tonnes": 2.0},
                                     status_quo=0.5)),
        protocol=kurilsim.NegotiationProtocol(proposer="buyer", responder="seller"),
    )
    source = tmp_path / "toy.toml"
    scenario.to_toml(source)
    target = tmp_path / "copy.toml"
    status, _, _ = run(capsys, "new", str(target), "--from", str(source))
    assert status == 0
    copy = kurilsim.load_scenario(target)
    assert copy == dataclasses.replace(scenario, name="copy", derived_from="toy",
                                       notes=copy.notes)
    assert len(copy.notes) == 1
    assert "(scenario 'toy')" in copy.notes[0]
    text = target.read_text(encoding="utf-8")
    assert "# A LinearAgent's utility: each term" in text
    assert "# The agent's utility of no deal (the status quo).\nstatus_quo = 0.5" in text


def test_markdown_shows_a_users_markup_as_text() -> None:
    from kurilsim.cli import _markdown_cell

    cell = _markdown_cell("<img src=x onerror=alert(1)> |*bold* a_b [l](u) \\ & more")
    assert "<" not in cell
    assert ">" not in cell
    assert cell.startswith("&lt;img src=x onerror=alert(1)&gt; ")
    # no unescaped pipe, star, underscore or bracket is left to act as markup
    assert not re.search(r"(?<!\\)[|*_\[\]]", cell.replace("\\\\", ""))
    assert "&amp; more" in cell


@pytest.mark.parametrize(("spec", "end"), [
    ("russia.pledge_credibility=0:1.05", "1.05"), ("japan.demand=0:99", "99"),
])
def test_a_sampled_range_beyond_a_parameters_bounds_is_refused_before_drawing(
    capsys, spec, end
):
    # at some seeds no draw would land outside: the range itself is checked
    for seed in ("1", "4"):
        status = main(["sweep", "2018-singapore", "--design", "random", "--samples",
                       "3", "--seed", seed, "--grid", spec, "--no-progress"])
        err = capsys.readouterr().err
        assert status == 1
        assert f"--grid {spec}: the range's end {end} is not a value" in err


def test_more_samples_than_max_points_names_the_command_line_option(capsys):
    status = main(["sweep", "2018-singapore", "--design", "lhs", "--samples", "1000",
                   "--max-points", "10", "--seed", "1", "--grid",
                   "japan.demand=2:4", "--no-progress"])
    err = capsys.readouterr().err
    assert status == 1
    assert "--samples 1,000 is more than --max-points 10; pass --max-points 1000" in err


def test_new_names_a_bad_file_name_and_quotes_its_hint(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "new", "./-dash.toml")
    assert (status, err) == (0, "")
    assert out.rstrip().endswith("check it with: kurilsim show ./-dash.toml")
    status, out, _ = run(capsys, "new", "a b.toml")
    assert status == 0
    assert out.rstrip().endswith("check it with: kurilsim show 'a b.toml'")
    status, out, err = run(capsys, "new", "t\tb.toml")
    assert (status, out) == (1, "")
    assert err.startswith("kurilsim: error: SCENARIO.toml t\tb.toml: the scenario is "
                          "named after the file, and 't\\tb' is not a valid name")
    assert not (tmp_path / "t\tb.toml").exists()


def test_new_notes_a_file_named_like_a_builtin(capsys, tmp_path):
    status, _, err = run(capsys, "new", str(tmp_path / "2022-suspension.toml"),
                         "--from", "2018-singapore")
    assert status == 0
    assert "'2022-suspension' is also the name of a built-in scenario" in err
    copy = kurilsim.load_scenario(tmp_path / "2022-suspension.toml")
    assert copy.base_name == "2018-singapore"  # its regime and record entries
    text = (tmp_path / "2022-suspension.toml").read_text(encoding="utf-8")
    assert "# The scenario this one was derived from" in text


def test_sweep_summary_says_how_much_of_each_share_is_lotteries(capsys):
    status, out, _ = run(capsys, "sweep", "2018-singapore", "--concept", "nash-bargaining",
                         "--grid", "russia.pledge_credibility=0:1:5",
                         "--grid", "russia.security_weight=0.2,1,3", "--no-progress")
    assert status == 0
    assert "as the most likely outcome of a lottery)" in out
    assert "A lottery is an outcome left to chance" in " ".join(out.split())
    status, out, _ = run(capsys, "sweep", "2018-singapore",
                         "--grid", "japan.package_size=0.5,2",
                         "--grid", "russia.security_weight=0.1,0.5", "--no-progress")
    assert status == 0
    assert "lottery" not in out
    assert "A parameter in braces ({japan.package_size}) stands for its value" in (
        " ".join(out.split()))
