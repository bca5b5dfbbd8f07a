"""kurilsim.plot: every figure builds on real results, with the right artists."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib

from tests.bad_arguments import PD, SCENARIO, Case, call, check_named, params

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.colors import to_rgba
from matplotlib.patches import Polygon

import kurilsim
from kurilsim import (
    NO_DEAL,
    STATUS_QUO,
    AgreementSpace,
    InvalidModelError,
    Issue,
    NormalFormGame,
    plot,
)
from kurilsim.games.bargaining import BargainingProblem
from kurilsim.sweeps import ERROR, SweepResult

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Readable names of the concepts known when the plots were written (new
#: concepts must get some distinct, non-empty name).
CONCEPT_NAMES = {
    "spe": "subgame-perfect equilibrium",
    "nash": "Nash equilibrium",
    "nash-bargaining": "Nash bargaining",
    "kalai-smorodinsky": "Kalai–Smorodinsky",
    "rubinstein": "Rubinstein alternating offers",
}


def _check_concept_names(
    names: list[str], comparison: kurilsim.ConceptComparison
) -> None:
    assert len(names) == len(comparison.outcomes)
    assert len(set(names)) == len(names)
    assert all(names)
    for name, outcome in zip(names, comparison.outcomes, strict=True):
        name = name.replace("\n", " ")  # long names are wrapped
        assert name == CONCEPT_NAMES.get(outcome.concept, name)
        assert name == kurilsim.concepts.get(outcome.concept).title


# -- shared inputs (module scope: each is computed once) --------------------------------
@pytest.fixture(scope="module")
def islands_sweep() -> SweepResult:
    return kurilsim.two_vs_four_islands(resolution=11, progress=False)


@pytest.fixture(scope="module")
def scenario() -> kurilsim.Scenario:
    return kurilsim.load_scenario("2018-singapore")


@pytest.fixture(scope="module")
def comparison(scenario: kurilsim.Scenario) -> kurilsim.ConceptComparison:
    return kurilsim.compare_concepts(scenario)


@pytest.fixture(scope="module")
def game() -> NormalFormGame:
    # a 3 x 2 game: the row player's "bottom" is strictly dominated
    return NormalFormGame(
        [[[3, 0], [1, 2], [0, -1]], [[1, 2], [3, 0], [0, 1]]],
        players=["row", "column"],
        strategies=[["top", "middle", "bottom"], ["left", "right"]],
    )


@pytest.fixture(scope="module")
def path(game: NormalFormGame) -> kurilsim.QREPath:
    return kurilsim.qre_path(game)


@pytest.fixture(scope="module")
def deal() -> kurilsim.Agreement:
    return kurilsim.kuril_space().agreement(
        islands="H+S", security="no-us-forces", economic="package"
    )


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _legend_texts(legend: object) -> list[str]:
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]  # type: ignore[attr-defined]


# -- import ---------------------------------------------------------------------------
def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = (
        "import sys, kurilsim, kurilsim.plot; from kurilsim import plot; "
        "print('matplotlib' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


# -- phase diagram ---------------------------------------------------------------------
def test_phase_diagram_facets_by_demand_with_readable_labels(
    islands_sweep: SweepResult,
) -> None:
    panels = plot.phase_diagram(islands_sweep)
    assert len(panels) == 2
    assert [p.get_title() for p in panels] == [
        "Japan demands 2 islands",
        "Japan demands 4 islands",
    ]
    assert panels[0].get_xlabel() == "Russia: security weight (utility)"
    assert panels[0].get_ylabel() == "Russia: pledge credibility (probability)"
    assert all(isinstance(p.collections[0], QuadMesh) for p in panels)
    # the rest: textures telling apart outcomes of one colour (other islands)
    assert all(str(c.get_gid()).startswith("texture:")
               for p in panels for c in p.collections[1:])
    figure = panels[0].figure
    assert figure is not None
    assert "subgame-perfect equilibrium" in figure.get_suptitle()


def test_phase_diagram_legend_lists_exactly_the_outcomes_that_occur(
    islands_sweep: SweepResult,
) -> None:
    panels = plot.phase_diagram(islands_sweep)
    figure = panels[0].figure
    assert figure is not None
    assert len(figure.legends) == 1
    codes = [int(c) for c in np.unique(islands_sweep.agreement)]
    texts = _legend_texts(figure.legends[0])
    headings = [t[:-1] for t in texts if t.endswith(":")]
    entries = [t for t in texts if t and not t.endswith(":")]
    # one entry per outcome, and the group heading plus the entry is its label
    assert len(entries) == len(codes)
    assert entries[-1] == "no deal"
    rebuilt = []
    group = ""
    for text in texts:
        if text.endswith(":"):
            group = text[:-1]
        elif text and text != "no deal":
            rebuilt.append(f"{group}, {text}" if group else text)
    expected = sorted(islands_sweep.label(c) for c in codes if c >= 0)
    assert sorted(rebuilt) == expected
    # no entry repeats the islands: they head their group once each
    assert not any("Habomai" in entry for entry in entries)
    assert sorted(headings) == sorted(
        {label.split(", US")[0].split(", no US")[0].split(", full")[0]
         for label in expected}
    )


def test_phase_diagram_colours_are_one_per_outcome_and_shared_by_facets(
    islands_sweep: SweepResult,
) -> None:
    panels = plot.phase_diagram(islands_sweep)
    colour_of: dict[int, set[tuple[float, ...]]] = {}
    for panel, demand in zip(panels, (2, 4), strict=True):
        mesh = panel.collections[0]
        assert isinstance(mesh, QuadMesh)
        values = np.asarray(mesh.get_array())
        rgba = mesh.cmap(mesh.norm(values))
        # rows of the image are y (pledge credibility), columns x (security weight)
        codes = islands_sweep.sel({"japan.demand": demand}).agreement.T
        assert rgba.shape[:2] == codes.shape
        for code in np.unique(codes):
            found = {tuple(c) for c in rgba[codes == code].reshape(-1, 4)}
            colour_of.setdefault(int(code), set()).update(found)
    assert all(len(colours) == 1 for colours in colour_of.values())
    scenario = islands_sweep.scenario
    for code, colours in colour_of.items():  # the agreement's one colour
        assert colours == {to_rgba(plot.agreement_color(code, scenario))}
    assert colour_of[NO_DEAL] == {to_rgba(plot.NO_DEAL_COLOR)}
    # outcomes of one colour (other islands) differ by texture, in every panel
    textures = {code: _textures(panels).get(code, "") for code in colour_of}
    looks = {(next(iter(colour_of[code])), textures[code]) for code in colour_of}
    assert len(looks) == len(colour_of)
    shared = [c for c in colour_of if sum(
        colour_of[c] == colour_of[d] for d in colour_of) > 1]
    assert shared  # this sweep has some (Habomai and H+S+joint, US forces allowed)
    assert sum(textures[c] == "" for c in shared) == 1


def test_phase_diagram_shows_errors_in_black(islands_sweep: SweepResult) -> None:
    codes = np.array(islands_sweep.agreement)
    codes[0, 0, 0] = ERROR
    broken = dataclasses.replace(islands_sweep, agreement=codes)
    panels = plot.phase_diagram(broken)
    figure = panels[0].figure
    assert figure is not None
    texts = _legend_texts(figure.legends[0])
    assert texts.index("error (solver raised)") == texts.index("no deal") + 1
    mesh = panels[0].collections[0]
    assert isinstance(mesh, QuadMesh)
    rgba = mesh.cmap(mesh.norm(np.asarray(mesh.get_array())))
    assert tuple(rgba[0, 0]) == to_rgba("black")


def test_phase_diagram_explicit_axes(islands_sweep: SweepResult) -> None:
    panels = plot.phase_diagram(
        islands_sweep, x="russia.pledge_credibility", y="russia.security_weight"
    )
    assert panels[0].get_xlabel() == "Russia: pledge credibility (probability)"
    assert panels[0].get_ylabel() == "Russia: security weight (utility)"


def test_phase_diagram_of_a_two_axis_sweep_honours_ax(
    islands_sweep: SweepResult,
) -> None:
    two = islands_sweep.sel({"japan.demand": 2})
    _, ax = plt.subplots()
    panels = plot.phase_diagram(two, ax=ax)
    assert panels == [ax]
    title = ax.get_title().replace("\n", " ")  # wrapped to the axes' width
    assert "scenario 2018-singapore" in title
    assert "Japan demands 2 islands" in title  # the slice's fixed value
    assert ax.get_xlabel() == "Russia: security weight (utility)"


def test_phase_diagram_honours_a_sequence_of_axes(islands_sweep: SweepResult) -> None:
    _, axes = plt.subplots(1, 2)
    panels = plot.phase_diagram(islands_sweep, ax=axes)
    assert panels[0] is axes[0]
    assert panels[1] is axes[1]


def test_phase_diagram_labels_categorical_axes() -> None:
    result = kurilsim.sweep(
        kurilsim.kuril_scenario(name="s"),
        {
            "protocol.objection_scope": ["restrictions", "any"],
            "russia.security_weight": np.linspace(0, 3, 4),
        },
        progress=False,
    )
    panels = plot.phase_diagram(result, x="protocol.objection_scope")
    labels = [t.get_text() for t in panels[0].get_xticklabels()]
    assert labels == ["restrictions", "any"]
    assert panels[0].get_xlabel() == "Protocol: objection scope"


def test_phase_diagram_rejects_sampled_and_one_axis_sweeps(
    islands_sweep: SweepResult,
) -> None:
    sampled = kurilsim.sweep(
        kurilsim.kuril_scenario(name="s"),
        {"russia.security_weight": (0.0, 3.0), "japan.audience_cost": (0.0, 1.0)},
        design="random",
        samples=5,
        rng=0,
        progress=False,
    )
    with pytest.raises(InvalidModelError, match=r"grid sweep.*'random'"):
        plot.phase_diagram(sampled)
    line = islands_sweep.sel({"japan.demand": 2, "russia.pledge_credibility": 0.0})
    with pytest.raises(InvalidModelError, match="2 or 3 axes, got 1"):
        plot.phase_diagram(line)
    with pytest.raises(InvalidModelError, match=r"result must be a SweepResult, got array\("):
        plot.phase_diagram(islands_sweep.agreement)  # type: ignore[arg-type]


def test_phase_diagram_rejects_bad_axis_choices(islands_sweep: SweepResult) -> None:
    with pytest.raises(InvalidModelError, match=r"not an axis.*japan\.demand"):
        plot.phase_diagram(islands_sweep, x="russia.nonsense")
    with pytest.raises(InvalidModelError, match="must be different"):
        plot.phase_diagram(
            islands_sweep, x="russia.security_weight", y="russia.security_weight"
        )
    two = islands_sweep.sel({"japan.demand": 2})
    with pytest.raises(InvalidModelError, match="needs a third axis"):
        plot.phase_diagram(two, facet="russia.security_weight")
    _, ax = plt.subplots()
    with pytest.raises(InvalidModelError, match=r"2 panel.*1 Axes"):
        plot.phase_diagram(islands_sweep, ax=ax)


# -- utility possibility set ----------------------------------------------------------
def test_utility_possibility_points_frontier_and_status_quo(
    scenario: kurilsim.Scenario,
) -> None:
    ax = plot.utility_possibility(scenario)
    assert ax.get_xlabel() == "Japan: utility"
    assert ax.get_ylabel() == "Russia: utility"
    assert "2018-singapore" in ax.get_title()
    problem = BargainingProblem.from_scenario(scenario, parties=["japan", "russia"])
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    agreements, status_quo = scatters
    # the status quo is inside the (zoomed) view
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    d = problem.disagreement
    assert x0 < d[0] < x1
    assert y0 < d[1] < y1
    np.testing.assert_allclose(agreements.get_offsets(), problem.points)
    np.testing.assert_allclose(
        np.asarray(status_quo.get_offsets())[0], problem.disagreement
    )
    (frontier,) = [
        line for line in ax.get_lines() if line.get_label() == "Pareto frontier"
    ]
    np.testing.assert_allclose(
        np.column_stack([frontier.get_xdata(), frontier.get_ydata()]),
        problem.pareto_polyline(),
    )
    assert _legend_texts(ax.get_legend()) == [
        "feasible set (lotteries)",
        "Pareto frontier",
        f"agreements ({len(scenario.space)}, in their colours)",
        "status quo",
    ]
    assert [tuple(c) for c in agreements.get_facecolors()] == [
        to_rgba(plot.agreement_color(k, scenario)) for k in range(len(scenario.space))
    ]


def test_utility_possibility_marks_and_labels_every_concept(
    scenario: kurilsim.Scenario, comparison: kurilsim.ConceptComparison
) -> None:
    _, given = plt.subplots()
    ax = plot.utility_possibility(scenario, comparison=comparison, ax=given)
    assert ax is given
    legend = _legend_texts(ax.get_legend())
    assert legend[-1] == "solution (labelled)"
    (solutions,) = [c for c in ax.collections if isinstance(c, PathCollection)][2:]
    spots = np.asarray(solutions.get_offsets())
    for outcome in comparison.outcomes:  # every solution is marked
        u = np.asarray(outcome.utilities[:2])
        assert np.min(np.abs(spots - u).max(axis=1)) < 1e-9
    labels = [t for t in ax.texts if t.get_gid() == "solution-label"]
    assert len(labels) == len(spots)
    words = " ".join(t.get_text().replace("\n", " ") for t in labels)
    names = [kurilsim.concepts.get(o.concept).title for o in comparison.outcomes]
    assert all(name in words for name in names)
    assert "baron ferejohn" not in words.lower()


def test_utility_possibility_other_parties(scenario: kurilsim.Scenario) -> None:
    ax = plot.utility_possibility(scenario, parties=("russia", "united_states"))
    assert ax.get_xlabel() == "Russia: utility"
    assert ax.get_ylabel() == "United States: utility"


def test_utility_possibility_rejects_bad_input(
    scenario: kurilsim.Scenario, comparison: kurilsim.ConceptComparison
) -> None:
    with pytest.raises(InvalidModelError, match="exactly two agents"):
        plot.utility_possibility(scenario, parties=("japan",))
    with pytest.raises(InvalidModelError, match="no agent 'china'"):
        plot.utility_possibility(scenario, parties=("japan", "china"))
    with pytest.raises(InvalidModelError, match="two different agents"):
        plot.utility_possibility(scenario, parties=("japan", "japan"))
    other = kurilsim.load_scenario("1956-declaration")
    with pytest.raises(InvalidModelError, match="comparison is of scenario"):
        plot.utility_possibility(other, comparison=comparison)
    with pytest.raises(InvalidModelError, match="scenario must be a Scenario, got '2018-singapore' \\(str\\)"):
        plot.utility_possibility("2018-singapore")  # type: ignore[arg-type]


# -- concept comparison ------------------------------------------------------------------
def test_concept_comparison_bars_and_annotations(
    comparison: kurilsim.ConceptComparison,
) -> None:
    ax = plot.concept_comparison(comparison)
    agents = comparison.scenario.agent_names
    bars = [patch for patch in ax.patches if patch.get_gid() is None]
    assert len(bars) == len(comparison.outcomes) * len(agents)
    widths = np.array([bar.get_width() for bar in bars]).reshape(len(agents), -1)
    # before each outcome's text a swatch: its outcomes in their colours, the
    # widths in proportion to their probabilities
    swatches = [patch for patch in ax.patches if patch.get_gid() is not None]
    expected_swatches = [
        (code, p) for o in comparison.outcomes
        for code, p in sorted(o.distribution.items(), key=lambda item: -item[1])
        if p > 1e-12
    ]
    assert [int(str(s.get_gid()).split(":")[1]) for s in swatches] == [
        code for code, _ in expected_swatches]
    scenario = comparison.scenario
    for swatch, (code, p) in zip(swatches, expected_swatches, strict=True):
        assert swatch.get_facecolor() == to_rgba(plot.agreement_color(code, scenario))
        assert swatch.get_width() == pytest.approx(0.05 * p, rel=1e-6)
    expected = np.array([o.utilities for o in comparison.outcomes]).T
    np.testing.assert_allclose(widths, expected)
    _check_concept_names([t.get_text() for t in ax.get_yticklabels()], comparison)
    assert [t.get_text().replace("\n", " ") for t in ax.texts] == [
        f"→ {o.deal}" + (
            f" (P(deal) = {o.probability:.2f})" if 1e-9 < o.probability < 1 - 1e-9
            else ""
        )
        for o in comparison.outcomes
    ]
    assert ax.texts[0].get_text() == f"→ {comparison['spe'].deal}"
    figure = ax.figure
    assert figure is not None
    assert _legend_texts(figure.legends[0]) == ["Japan", "Russia", "United States"]
    assert ax.get_xlabel() == "Expected utility (utility units)"


def test_concept_comparison_honours_ax_and_rejects_bad_input(
    comparison: kurilsim.ConceptComparison, scenario: kurilsim.Scenario
) -> None:
    _, given = plt.subplots()
    assert plot.concept_comparison(comparison, ax=given) is given
    with pytest.raises(InvalidModelError, match=r"comparison must be a ConceptComparison, got Scenario\("):
        plot.concept_comparison(scenario)  # type: ignore[arg-type]
    empty = kurilsim.ConceptComparison(scenario=scenario, outcomes=())
    with pytest.raises(InvalidModelError, match="no outcomes"):
        plot.concept_comparison(empty)


# -- QRE path -------------------------------------------------------------------------------
def test_qre_path_one_line_per_strategy_on_a_log_axis(
    path: kurilsim.QREPath, game: NormalFormGame
) -> None:
    ax = plot.qre_path(path, game=game)
    assert ax.get_xscale() == "log"
    assert _legend_texts(ax.get_legend()) == ["top", "middle", "bottom"]
    assert ax.get_title() == "Logit QRE branch: row"
    curves = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(curves) == 3
    for k, curve in enumerate(curves):
        x = np.asarray(curve.get_xdata())
        assert np.all(x > 0)
        np.testing.assert_allclose(curve.get_ydata(), path.profiles[0][path.lam > 0, k])
    assert ax.get_xlabel().startswith("λ")


def test_qre_path_player_by_name_and_default_labels(
    path: kurilsim.QREPath, game: NormalFormGame
) -> None:
    _, given = plt.subplots()
    ax = plot.qre_path(path, player="column", game=game, ax=given)
    assert ax is given
    assert _legend_texts(ax.get_legend()) == ["left", "right"]
    plain = plot.qre_path(path, player=1)
    assert _legend_texts(plain.get_legend()) == ["s0", "s1"]
    assert plain.get_title() == "Logit QRE branch: player 1"


def test_qre_path_rejects_bad_input(
    path: kurilsim.QREPath, game: NormalFormGame
) -> None:
    with pytest.raises(InvalidModelError, match=r"index in 0\.\.1"):
        plot.qre_path(path, player=2)
    with pytest.raises(InvalidModelError, match="pass game="):
        plot.qre_path(path, player="row")
    other = NormalFormGame([[[1, 0], [0, 1]], [[0, 1], [1, 0]]])
    with pytest.raises(InvalidModelError, match="strategy counts"):
        plot.qre_path(path, game=other)
    with pytest.raises(InvalidModelError, match=r"path must be a QREPath, got NormalFormGame\("):
        plot.qre_path(game)  # type: ignore[arg-type]


# -- islands map --------------------------------------------------------------------------
ISLAND_KEYS = {"habomai", "shikotan", "kunashir", "iturup"}


def _island_colours(ax: plt.Axes) -> dict[str, set[tuple[float, ...]]]:
    colours: dict[str, set[tuple[float, ...]]] = {}
    for patch in ax.patches:
        if isinstance(patch, Polygon) and patch.get_gid() in ISLAND_KEYS:
            colours.setdefault(str(patch.get_gid()), set()).add(patch.get_facecolor())
    return colours


def test_islands_map_colours_transferred_and_retained_islands(
    deal: kurilsim.Agreement,
) -> None:
    ax = plot.islands_map(deal)
    assert ax.get_title().replace("\n", " ") == str(deal)
    colours = _island_colours(ax)
    assert sorted(colours) == ["habomai", "iturup", "kunashir", "shikotan"]
    assert all(len(c) == 1 for c in colours.values())
    assert colours["habomai"] == colours["shikotan"]
    assert colours["kunashir"] == colours["iturup"]
    assert colours["habomai"] != colours["kunashir"]
    # transferred islands in the agreement's colour: the security regime's
    # hue (no US forces), dark for the package
    assert colours["habomai"] == {to_rgba(plot.agreement_color(deal))}
    assert colours["kunashir"] == {to_rgba(plot.RETAINED_COLOR)}
    assert _legend_texts(ax.get_legend()) == [
        "transferred to Japan, no US forces, economic package", "stays Russian"
    ]
    labels = {text.get_text().split("\n")[0]: text.get_text() for text in ax.texts}
    assert {"Habomai", "Shikotan", "Kunashir", "Iturup"} <= set(labels)
    # "stays Russian" only for the islands that do not transfer
    assert "to Japan" in labels["Habomai"]
    assert "to Japan" in labels["Shikotan"]
    assert "stays Russian" not in labels["Habomai"] + labels["Shikotan"]
    assert "stays Russian" in labels["Kunashir"]
    assert "stays Russian" in labels["Iturup"]


def test_islands_map_any_subset_and_all_four() -> None:
    space = kurilsim.kuril_space(islands="subsets")
    ax = plot.islands_map(
        space.agreement(islands="S+I", security="no-us-forces", economic="none")
    )
    colours = _island_colours(ax)
    transferred = {to_rgba(plot.agreement_color(kurilsim.kuril_space().agreement(
        islands="H", security="no-us-forces", economic="none")))}
    assert colours["shikotan"] == colours["iturup"] == transferred
    assert colours["habomai"] == colours["kunashir"] == {to_rgba(plot.RETAINED_COLOR)}
    four = kurilsim.kuril_space().agreement(
        islands="all four islands", security="demilitarised", economic="package"
    )
    ax = plot.islands_map(four)
    colours = _island_colours(ax)
    demilitarised = {to_rgba(plot.agreement_color(four))}
    assert all(c == demilitarised for c in colours.values())
    assert _legend_texts(ax.get_legend()) == [
        "transferred to Japan, full demilitarisation, economic package"
    ]
    assert not any("stays Russian" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("no_agreement", [None, STATUS_QUO])
def test_islands_map_without_an_agreement_shows_the_status_quo(
    no_agreement: object,
) -> None:
    _, given = plt.subplots()
    ax = plot.islands_map(no_agreement, ax=given)  # type: ignore[arg-type]
    assert ax is given
    assert ax.get_title() == str(STATUS_QUO)
    colours = _island_colours(ax)
    assert all(c == {to_rgba(plot.DISPUTED_COLOR)} for c in colours.values())
    (entry,) = _legend_texts(ax.get_legend())
    assert entry.startswith("disputed")


def test_islands_map_rejects_agreements_without_islands() -> None:
    space = AgreementSpace([Issue(name="size", options=["small", "large"])])
    with pytest.raises(InvalidModelError, match="no 'islands' issue"):
        plot.islands_map(space[0])
    odd = AgreementSpace([Issue(name="islands", options=["north", "south"])])
    with pytest.raises(InvalidModelError, match="initials joined by"):
        plot.islands_map(odd[0])
    with pytest.raises(InvalidModelError, match=r"agreement must be an Agreement, STATUS_QUO or None, got 'H\+S' \(str\)"):
        plot.islands_map("H+S")  # type: ignore[arg-type]


# -- every figure renders -------------------------------------------------------------------
def test_every_figure_saves_as_png(
    tmp_path: Path,
    islands_sweep: SweepResult,
    scenario: kurilsim.Scenario,
    comparison: kurilsim.ConceptComparison,
    path: kurilsim.QREPath,
    game: NormalFormGame,
    deal: kurilsim.Agreement,
) -> None:
    figures = {
        "phase": plot.phase_diagram(islands_sweep)[0].figure,
        "utility": plot.utility_possibility(scenario, comparison=comparison).figure,
        "concepts": plot.concept_comparison(comparison).figure,
        "qre": plot.qre_path(path, game=game).figure,
        "map": plot.islands_map(deal).figure,
        "status-quo": plot.islands_map().figure,
    }
    for name, figure in figures.items():
        assert figure is not None
        target = tmp_path / f"{name}.png"
        figure.savefig(target, dpi=50)
        data = target.read_bytes()
        assert len(data) > 1000
        assert data.startswith(PNG_SIGNATURE)


# -- bad arguments, each named in a one-line message (see tests/bad_arguments.py) ----
BAD_ARGUMENTS: list[Case] = [
    ("utility_possibility-parties-int", call(plot.utility_possibility, SCENARIO, parties=2),
     InvalidModelError, r"parties must be a sequence of strings, got 2 \(int\)"),
    ("qre_path-game-str", call(plot.qre_path, kurilsim.qre_path(PD), game="pd"),
     InvalidModelError, r"game must be a NormalFormGame or None, got 'pd' \(str\)"),
    ("islands_map-agreement-str", call(plot.islands_map, "H+S"),
     InvalidModelError, r"agreement must be an Agreement, STATUS_QUO or None, got 'H\+S'"),
    ("islands_map-ax-str", call(plot.islands_map, None, ax="left"),
     InvalidModelError, r"ax must be a matplotlib Axes, got 'left' \(str\)"),
    ("pledge_regions-sweep-result", call(plot.pledge_regions, "regions"),
     InvalidModelError, r"regions must be a PledgeRegions, got 'regions' \(str\)"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(
    call: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    check_named(call, error, pattern)


# -- robustness --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def robustness_report(scenario: kurilsim.Scenario) -> kurilsim.RobustnessReport:
    return kurilsim.robustness(scenario, spread=0.5, samples=32, draws=256, rng=2)


def test_robustness_draws_outcome_bars_and_sobol_indices(
    robustness_report: kurilsim.RobustnessReport,
) -> None:
    report = robustness_report
    left, right = plot.robustness(report, count=4, outcomes=3)
    shown = list(report.outcomes)[:3]
    # long labels are wrapped onto several lines
    assert [t.get_text().replace("\n", " ") for t in left.get_yticklabels()] == shown
    widths = [bar.get_width() for bar in left.patches]
    np.testing.assert_allclose(widths, [report.outcomes[label] for label in shown])
    if "no deal" in shown:
        grey = left.patches[shown.index("no deal")].get_facecolor()
        assert grey == to_rgba(plot.NO_DEAL_COLOR)
    top = [name for name, _, _ in report.top("deal", 4)]
    assert [t.get_text() for t in right.get_yticklabels()] == top
    assert len(right.patches) == 2 * 4  # S1 and ST per parameter
    totals = [bar.get_width() for bar in right.patches[4:]]
    np.testing.assert_allclose(totals, [value for _, value, _ in report.top("deal", 4)])
    assert _legend_texts(right.get_legend()) == ["first order S1", "total ST"]
    assert "deal" in right.get_title()


def test_robustness_honours_ax_and_rejects_bad_input(
    robustness_report: kurilsim.RobustnessReport, scenario: kurilsim.Scenario
) -> None:
    _, given = plt.subplots(1, 2)
    drawn = plot.robustness(robustness_report, output="utility.russia", ax=given)
    assert drawn == list(given)
    assert "utility.russia" in drawn[1].get_title()
    with pytest.raises(InvalidModelError, match="report must be a RobustnessReport"):
        plot.robustness(scenario)  # type: ignore[arg-type]
    with pytest.raises(InvalidModelError, match="2 panel"):
        plot.robustness(robustness_report, ax=given[:1])
    with pytest.raises(kurilsim.InvalidArgumentError, match="unknown output"):
        plot.robustness(robustness_report, output="utility.china")


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"count": float("nan")}, "count"),
        ({"count": 0}, "count"),
        ({"count": -3}, "count"),
        ({"bins": 0}, "bins"),
        ({"parameters": []}, "at least one"),
    ],
)
def test_posterior_plot_refuses_bad_options(options: dict[str, Any], match: str) -> None:
    from kurilsim.kuril.record import kuril_record

    result = kurilsim.calibrate(["2001-irkutsk"], kuril_record().only(["2001-irkutsk"]),
                                samples=40, max_draws=2000, rng=1)
    with pytest.raises(kurilsim.InvalidArgumentError, match=match):
        plot.posterior(result, **options)


# -- the pledge game's regions -----------------------------------------------------------
def test_pledge_regions_colours_each_region_and_names_it_with_its_share() -> None:
    from kurilsim.kuril import pledge_regions
    from kurilsim.plot import _REGION_COLORS

    x = np.linspace(0.0, 0.15, 7)
    y = np.linspace(0.0, 1.0, 6)
    regions = pledge_regions(kurilsim.load_scenario("2018-singapore"),
                             {"japan.article_cost": x, "russia.pledge_credibility": y})
    ax = plot.pledge_regions(regions)
    try:
        (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
        colours = mesh.to_rgba(np.asarray(mesh.get_array())).reshape(len(y), len(x), 4)
        for i in range(len(y)):
            for j in range(len(x)):
                expected = to_rgba(_REGION_COLORS[int(regions.region[i, j])])
                assert np.allclose(colours[i, j], expected)
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        shares = regions.shares()
        assert texts == [f"{label} ({share:.0%})" for label, share in shares.items()]
        assert len(set(_REGION_COLORS.values())) == len(_REGION_COLORS)
        assert ax.get_ylabel().startswith("Russia: pledge credibility")
    finally:
        plt.close("all")


# -- colour vision --------------------------------------------------------------------
#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
#: simulation of color vision deficiency", IEEE TVCG 15(6): 1291-1298, the
#: matrices for severity 1.0, applied to linear sRGB.
PROTANOPIA = np.array([
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
])
DEUTERANOPIA = np.array([
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
])
#: Smallest CIE76 colour difference (Delta E*ab) between two outcomes of a
#: figure, in normal and in simulated deuteranopic and protanopic vision.  A
#: difference of about 2.3 is just noticeable; 10 tells patches apart at a glance.
MIN_DELTA_E = 10.0


def _lab(colours: list[Any], vision: np.ndarray | None) -> np.ndarray:
    """CIELAB (D65) of sRGB colours, seen through a colour-vision matrix."""
    rgb = np.array([to_rgba(c)[:3] for c in colours])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision is not None:
        linear = np.clip(linear @ vision.T, 0.0, 1.0)
    xyz = linear @ np.array([
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]).T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def _min_delta_e(colours: list[Any], vision: np.ndarray | None) -> float:
    lab = _lab(colours, vision)
    d = np.linalg.norm(lab[:, None] - lab[None], axis=-1)
    return float(d[np.triu_indices(len(colours), 1)].min())


def _mesh_colours(panels: list[Any]) -> list[tuple[float, ...]]:
    found: set[tuple[float, ...]] = set()
    for panel in panels:
        mesh = panel.collections[0]
        assert isinstance(mesh, QuadMesh)
        rgba = mesh.cmap(mesh.norm(np.asarray(mesh.get_array())))
        found |= {tuple(c) for c in rgba.reshape(-1, 4)}
    return sorted(found)


def _textures(panels: list[Any]) -> dict[int, str]:
    """The texture (hatch) of each outcome code drawn with one."""
    found: dict[int, str] = {}
    for panel in panels:
        for collection in panel.collections[1:]:
            gid = str(collection.get_gid())
            if gid.startswith("texture:"):
                code = int(gid.split(":")[1])
                assert found.get(code, collection.get_hatch()) == collection.get_hatch()
                found[code] = str(collection.get_hatch())
    return found


def test_colour_simulation_catches_the_old_tab10_palette() -> None:
    # the check can fail: tab10's first colours merge under deuteranopia (issue 19)
    import matplotlib as mpl

    tab10 = [mpl.colormaps["tab10"](k) for k in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
    assert _min_delta_e(tab10, None) > MIN_DELTA_E
    assert _min_delta_e(tab10, DEUTERANOPIA) < MIN_DELTA_E
    assert _min_delta_e(tab10, PROTANOPIA) < MIN_DELTA_E
    # and the simulation leaves greys grey
    grey = _lab(["#777777"], DEUTERANOPIA)[0]
    assert abs(grey[1]) < 1.0
    assert abs(grey[2]) < 1.0


@pytest.mark.parametrize("vision", [None, DEUTERANOPIA, PROTANOPIA],
                         ids=["normal", "deuteranopia", "protanopia"])
def test_phase_diagram_outcomes_stay_distinct_in_colour_blind_vision(
    islands_sweep: SweepResult, vision: np.ndarray | None
) -> None:
    colours = _mesh_colours(plot.phase_diagram(islands_sweep))
    # one colour per security regime and package (outcomes that differ in
    # their islands only share it and are told apart by texture)
    space = islands_sweep.scenario.space
    classes = {(space[c]["security"], space[c]["economic"]) if c >= 0 else c
               for c in np.unique(islands_sweep.agreement).tolist()}
    assert len(colours) == len(classes)
    assert _min_delta_e(colours, vision) >= MIN_DELTA_E


@pytest.mark.parametrize("vision", [None, DEUTERANOPIA, PROTANOPIA],
                         ids=["normal", "deuteranopia", "protanopia"])
def test_every_kuril_outcome_colour_and_the_fallback_palette_stay_distinct(
    vision: np.ndarray | None,
) -> None:
    # every colour an agreement of the Kuril space can take (three security
    # regimes, with and without a package), no deal's grey and errors' black
    scenario = kurilsim.load_scenario("2018-singapore")
    space = scenario.space
    colours = sorted({plot.agreement_color(k, space) for k in range(len(space))})
    assert len(colours) == 6
    colours += [plot.agreement_color(NO_DEAL), plot.agreement_color(ERROR)]
    assert _min_delta_e(colours, vision) >= 2 * MIN_DELTA_E
    # any other space: Okabe-Ito's colours (and the grey of no deal)
    generic = [*plot._palette(len(plot.OKABE_ITO)), plot.NO_DEAL_COLOR]
    assert _min_delta_e(generic, vision) >= MIN_DELTA_E


def test_phase_diagram_hue_is_the_security_regime_and_lightness_the_package(
    islands_sweep: SweepResult,
) -> None:
    from matplotlib.colors import rgb_to_hsv

    codes = sorted(int(c) for c in np.unique(islands_sweep.agreement) if c >= 0)
    styles = plot._Styles(islands_sweep.scenario, codes, islands_sweep.points)
    space = islands_sweep.scenario.space
    lab = dict(zip(codes, _lab([styles.colours[c] for c in codes], None), strict=True))
    for a in codes:
        for b in codes:
            first, second = space[a], space[b]
            if first["security"] == second["security"]:
                hues = rgb_to_hsv([to_rgba(styles.colours[c])[:3] for c in (a, b)])[:, 0]
                assert abs(hues[0] - hues[1]) < 0.02  # one hue per regime
                if (first["islands"] == second["islands"]
                        and first["economic"] == "none"
                        and second["economic"] == "package"):
                    assert lab[a][0] > lab[b][0] + 10  # a package is darker
            else:
                assert styles.colours[a] != styles.colours[b]


# -- lotteries --------------------------------------------------------------------------
def test_phase_diagram_hatches_lottery_points(islands_sweep: SweepResult) -> None:
    two = islands_sweep.sel({"japan.demand": 2})
    assert not any(c.get_gid() == "lottery"
                   for c in plot.phase_diagram(two)[0].collections)
    probability = np.array(two.probability, dtype=float)
    mode = np.array(two.mode_probability, dtype=float)
    agreement = np.array(two.agreement)
    # a 57/43 lottery between two deals at two points (P(deal) = 1: only the
    # mode's probability tells it is a lottery), and at a third a deal with
    # probability 0.57 whose mode probability a user kernel did not report (NaN)
    # (x = security weight is axis 0 of the sweep)
    cells = [(2, 3), (2, 4), (7, 1)]
    for i, j in cells[:2]:
        probability[i, j], mode[i, j] = 1.0, 0.57
        agreement[i, j] = max(int(agreement[i, j]), 0)
    i, j = cells[2]
    probability[i, j], mode[i, j] = 0.57, np.nan
    agreement[i, j] = max(int(agreement[i, j]), 0)
    lottery = dataclasses.replace(two, probability=probability, agreement=agreement,
                                  mode_probability=mode)
    (panel,) = plot.phase_diagram(lottery)
    (hatched,) = [c for c in panel.collections if c.get_gid() == "lottery"]
    assert hatched.get_hatch() == plot.LOTTERY_HATCH
    # the hatched rectangles cover exactly the lottery cells' centres
    x = np.sort(np.asarray(two.axes["russia.security_weight"], dtype=float))
    y = np.sort(np.asarray(two.axes["russia.pledge_credibility"], dtype=float))
    centres = np.array([(xi, yj) for xi in x for yj in y])
    covered = np.zeros(len(centres), dtype=bool)
    for path in hatched.get_paths():
        covered |= path.contains_points(centres, transform=hatched.get_transform()
                                        - panel.transData, radius=-1e-9)
    expected = np.zeros((len(x), len(y)), dtype=bool)
    for i, j in cells:
        expected[i, j] = True
    np.testing.assert_array_equal(covered.reshape(len(x), len(y)), expected)
    figure = panel.figure
    assert figure is not None
    assert any(t.startswith("lottery") for t in _legend_texts(figure.legends[0]))


# -- layout facts -------------------------------------------------------------------------
def _extent(artist: Any, figure: Any) -> Any:
    return artist.get_window_extent(figure.canvas.get_renderer())


def _inside(box: Any, outer: Any, slack: float = 1.0) -> bool:
    return bool(box.x0 >= outer.x0 - slack and box.x1 <= outer.x1 + slack
                and box.y0 >= outer.y0 - slack and box.y1 <= outer.y1 + slack)


def _texts_inside_figure(figure: Any) -> None:
    figure.canvas.draw()
    frame = figure.bbox
    texts = [figure._suptitle] if figure._suptitle is not None else []
    for ax in figure.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label,
                  ax.yaxis.label]
    for text in texts:
        if text.get_text():
            assert _inside(_extent(text, figure), frame), text.get_text()
    for legend in figure.legends:
        assert _inside(_extent(legend, figure), frame)


def test_single_panel_phase_diagram_keeps_its_titles_inside_and_names_the_slice(
    islands_sweep: SweepResult,
) -> None:
    (panel,) = plot.phase_diagram(islands_sweep.sel({"japan.demand": 4}))
    figure = panel.figure
    assert figure is not None
    assert panel.get_title() == "Japan demands 4 islands"  # the fixed value
    assert "subgame-perfect equilibrium" in figure.get_suptitle()
    _texts_inside_figure(figure)
    legend = _extent(figure.legends[0], figure)
    assert not legend.overlaps(_extent(panel, figure))


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_phase_diagram_legend_respects_the_users_axes(
    islands_sweep: SweepResult, layout: str | None
) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(10, 4.5), layout=layout)
    panels = plot.phase_diagram(islands_sweep, ax=axes)
    figure.canvas.draw()
    (legend,) = figure.legends
    box = _extent(legend, figure)
    assert _inside(box, figure.bbox)
    for panel in panels:
        assert not box.overlaps(_extent(panel, figure))
    _texts_inside_figure(figure)


def test_phase_diagram_legend_clears_hand_placed_axes(
    islands_sweep: SweepResult,
) -> None:
    figure = plt.figure(figsize=(10, 5))
    axes = [figure.add_axes((0.08, 0.1, 0.4, 0.8)), figure.add_axes((0.56, 0.1, 0.4, 0.8))]
    panels = plot.phase_diagram(islands_sweep, ax=axes)
    figure.canvas.draw()
    box = _extent(figure.legends[0], figure)
    assert _inside(box, figure.bbox)
    for panel in panels:
        assert not box.overlaps(_extent(panel, figure))


def test_concept_comparison_text_stays_off_the_bars_and_inside_the_axes() -> None:
    comparison = kurilsim.compare_concepts(kurilsim.load_scenario("2001-irkutsk"))
    ax = plot.concept_comparison(comparison)
    figure = ax.figure
    assert figure is not None
    figure.canvas.draw()
    frame = _extent(ax, figure)
    deals = [t for t in ax.texts if t.get_gid() == "deal"]
    assert len(deals) == len(comparison.outcomes)
    bars = [_extent(bar, figure) for bar in ax.patches if bar.get_width() != 0]
    for text in deals:
        box = _extent(text, figure)
        assert _inside(box, frame), text.get_text()
        assert not any(box.overlaps(bar) for bar in bars), text.get_text()
    _texts_inside_figure(figure)


def test_utility_possibility_zooms_to_the_rational_region_with_readable_labels() -> None:
    scenario = kurilsim.load_scenario("2001-irkutsk")
    comparison = kurilsim.compare_concepts(scenario)
    ax = plot.utility_possibility(scenario, comparison=comparison)
    problem = BargainingProblem.from_scenario(scenario, parties=["japan", "russia"])
    d = problem.disagreement
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < d[0] < x1  # the status quo is shown
    assert y0 < d[1] < y1
    rational = problem.points[np.all(problem.points >= d, axis=1)]
    assert np.all(rational <= [x1, y1])
    # zoomed: agreements that leave a party worse off than the status quo fall outside
    assert x0 > problem.points[:, 0].min()
    assert y0 > problem.points[:, 1].min()
    figure = ax.figure
    assert figure is not None
    figure.canvas.draw()
    from matplotlib.text import Text

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [t for t in ax.texts if t.get_gid() == "solution-label"]
    boxes = [Text.get_window_extent(t, renderer) for t in labels]
    frame = _extent(ax, figure)
    for k, box in enumerate(boxes):
        assert _inside(box, frame, slack=2.0), labels[k].get_text()
        for other in boxes[k + 1:]:
            assert not box.overlaps(other)
    _texts_inside_figure(figure)


# -- islands map from coastline data ---------------------------------------------------------
def test_coastline_data_names_its_source_and_licence() -> None:
    import json
    from importlib import resources

    data = json.loads(resources.files("kurilsim.data").joinpath(
        "coastline_kuril.json").read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"]
    assert "world-atlas" in data["source"]
    assert "public domain" in data["licence"]
    assert "ISC" in data["licence"]
    assert "tools/make_coastline.py" in data["tool"]
    names = [f["name"] for f in data["features"]]
    assert {"hokkaido", "habomai", "shikotan", "kunashir", "iturup"} <= set(names)
    assert 500 <= data["points"] <= 5000
    # each island where it is (centroid of its largest polygon; degrees E, N)
    where = {"shikotan": (146.75, 43.80), "kunashir": (145.95, 44.10),
             "iturup": (147.85, 45.00), "habomai": (146.15, 43.50)}
    for name, (lon, lat) in where.items():
        rings = [np.asarray(f["ring"]) for f in data["features"] if f["name"] == name]
        ring = max(rings, key=len)
        assert abs(ring[:, 0].mean() - lon) < 0.3
        assert abs(ring[:, 1].mean() - lat) < 0.3
    license_note = resources.files("kurilsim.data").joinpath("README.md").read_text(
        encoding="utf-8")
    assert "public domain" in license_note
    assert "ISC" in license_note


def test_islands_map_draws_the_coastline_in_degrees() -> None:
    ax = plot.islands_map()
    polygons = [p for p in ax.patches if isinstance(p, Polygon)]
    gids = {p.get_gid() for p in polygons}
    assert {"hokkaido", *ISLAND_KEYS} <= gids
    kunashir = [p for p in polygons if p.get_gid() == "kunashir"]
    xy = np.vstack([p.get_xy() for p in kunashir])
    assert xy[:, 0].min() > 145.3
    assert xy[:, 0].max() < 146.8
    assert xy[:, 1].min() > 43.5
    assert xy[:, 1].max() < 44.7
    assert len(xy) > 30  # a coastline, not an ellipse
    _texts_inside_figure(ax.figure)


def test_islands_map_phased_agreement_keeps_the_big_islands_russian() -> None:
    deal = kurilsim.kuril_space().agreement(
        islands="H+S+joint", security="us-forces-allowed", economic="none")
    ax = plot.islands_map(deal)
    colours = _island_colours(ax)
    assert colours["habomai"] == colours["shikotan"] == {
        to_rgba(plot.agreement_color(deal))}
    assert colours["kunashir"] == colours["iturup"] == {to_rgba(plot.RETAINED_COLOR)}
    assert _legend_texts(ax.get_legend()) == [
        "transferred to Japan, US forces allowed",
        "stays Russian, joint economic activity",
    ]


def test_other_agreement_spaces_get_the_fallback_palette_and_short_labels() -> None:
    from kurilsim import LinearAgent, NegotiationProtocol, Scenario

    space = AgreementSpace((
        Issue(name="price", options=("low", "high"), labels=("low price", "high price"),
              features={"level": (1.0, 2.0)}),
        Issue(name="size", options=("small", "large"),
              labels=("small lot", "large lot"), features={"amount": (1.0, 2.0)}),
        Issue(name="term", options=("short",), labels=("short term",)),
    ))
    scenario = Scenario(
        name="sale", space=space,
        agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
                LinearAgent(name="seller", weights={"price.level": 1.0})),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"))
    codes = list(range(len(space)))
    styles = plot._Styles(scenario, codes, {})
    assert [to_rgba(styles.colours[c]) for c in codes] == [
        to_rgba(c) for c in plot.OKABE_ITO[: len(codes)]]
    assert [plot.agreement_color(c, space) for c in codes] == [
        styles.colours[c] for c in codes]
    # the common issue goes to the title; the first varying issue groups the rest
    assert styles.title == "Outcome (every deal: short term)"
    assert {styles.groups[c] for c in codes} == {"low price", "high price"}
    assert {styles.labels[c] for c in codes} == {"small lot", "large lot"}
    assert to_rgba(styles.colours[NO_DEAL]) == to_rgba(plot.NO_DEAL_COLOR)


def test_two_phase_diagrams_in_one_users_figure_keep_their_legends_apart(
    islands_sweep: SweepResult,
) -> None:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 6))
    plot.phase_diagram(islands_sweep.sel({"japan.demand": 2}), ax=left)
    plot.phase_diagram(islands_sweep.sel({"japan.demand": 4}), ax=right)
    figure.canvas.draw()
    legends = [left.get_legend(), right.get_legend()]
    boxes = [_extent(legend, figure) for legend in legends]
    assert not boxes[0].overlaps(boxes[1])
    for box in boxes:
        assert _inside(box, figure.bbox)
        assert not box.overlaps(_extent(left, figure))
        assert not box.overlaps(_extent(right, figure))
    _texts_inside_figure(figure)


def test_islands_map_credit_line_is_not_crossed_by_the_coast() -> None:
    """The Natural Earth credit sits over Hokkaido's coast (seen in the
    gallery): it is drawn above the coastline on a light, nearly opaque box."""
    ax = plot.islands_map()
    ax.figure.canvas.draw()
    (note,) = [t for t in ax.texts if t.get_text().startswith("Coastlines:")]
    box = note.get_bbox_patch()
    assert box is not None
    red, green, blue, alpha = box.get_facecolor()
    assert min(red, green, blue) > 0.95
    assert alpha >= 0.8
    hokkaido = [p for p in ax.patches if p.get_gid() == "hokkaido"]
    assert hokkaido
    assert note.get_zorder() > max(p.get_zorder() for p in hokkaido)
    # the box covers the whole text
    assert box.get_window_extent().contains(*note.get_window_extent().p0)
    assert box.get_window_extent().contains(*note.get_window_extent().p1)


# -- one agreement, one colour ------------------------------------------------------------
def test_one_agreement_has_one_colour_in_every_figure_of_a_scenario(
    islands_sweep: SweepResult, scenario: kurilsim.Scenario,
    robustness_report: kurilsim.RobustnessReport,
) -> None:
    """Draw every figure of 2018-singapore and read each agreement's colour
    back from the artists: one colour per agreement, agreement_color's."""
    space = scenario.space
    seen: dict[int, set[tuple[float, ...]]] = {}

    def saw(code: int, colour: Any, figure: str) -> None:
        seen.setdefault(int(code), set()).add(tuple(np.round(to_rgba(colour), 6)))
        drawn.setdefault(int(code), set()).add(figure)

    drawn: dict[int, set[str]] = {}
    # phase diagram: the mesh's colour at each code's cells
    panels = plot.phase_diagram(islands_sweep)
    for panel, demand in zip(panels, (2, 4), strict=True):
        mesh = panel.collections[0]
        rgba = mesh.cmap(mesh.norm(np.asarray(mesh.get_array())))
        codes = islands_sweep.sel({"japan.demand": demand}).agreement.T
        for code in np.unique(codes):
            for colour in {tuple(c) for c in rgba[codes == code].reshape(-1, 4)}:
                saw(int(code), colour, "phase diagram")
    # concept comparison with a lottery (pbe) and its utility possibility set
    comparison = kurilsim.compare_concepts(scenario, concepts=("spe", "pbe"))
    assert comparison["pbe"].is_lottery
    ax = plot.concept_comparison(comparison)
    for patch in ax.patches:
        if str(patch.get_gid()).startswith("outcome:"):
            saw(int(str(patch.get_gid()).split(":")[1]), patch.get_facecolor(),
                "concept comparison")
    ax = plot.utility_possibility(scenario, comparison=comparison)
    (agreements,) = [c for c in ax.collections if isinstance(c, PathCollection)
                     and len(c.get_offsets()) == len(space)]
    for k, colour in enumerate(agreements.get_facecolors()):
        saw(k, colour, "utility possibility")
    # the islands map of every deal the phase diagram and the lottery show
    deals = {int(c) for c in np.unique(islands_sweep.agreement) if c >= 0}
    deals |= {k for k in comparison["pbe"].distribution if k >= 0}
    for code in sorted(deals):
        ax = plot.islands_map(space[code])
        transferred = [p for p in ax.patches
                       if isinstance(p, Polygon) and p.get_gid() == "habomai"]
        saw(code, transferred[0].get_facecolor(), "islands map")
    # the robustness chart: each bar's outcome from its label
    left, _ = plot.robustness(robustness_report, scenario=scenario)
    varying = list(robustness_report.parameters)
    label_code = {scenario.agreement_label(k, varying=varying): k
                  for k in range(len(space))}
    label_code["no deal"] = NO_DEAL
    shown = list(robustness_report.outcomes)[:8]
    bars = [p for p in left.patches if p.get_width() > 0 or p.get_height() > 0]
    for label, bar in zip(shown, bars[: len(shown)], strict=True):
        saw(label_code[label], bar.get_facecolor(), "robustness")
    # every agreement: one colour, agreement_color's, and several figures met
    for code, colours in seen.items():
        assert colours == {tuple(np.round(to_rgba(plot.agreement_color(code, space)),
                                          6))}, code
    many = [code for code, figures in drawn.items() if len(figures) >= 3]
    assert NO_DEAL in many
    assert any(code >= 0 for code in many)
    assert {"phase diagram", "concept comparison", "utility possibility",
            "islands map", "robustness"} <= set().union(*drawn.values())


@pytest.mark.parametrize(("agreement", "space", "match"), [
    (5, None, "index 5 needs a space"),
    (99, kurilsim.kuril_space(), "99 needs a space with that index"),
    ("H+S", None, "agreement must be an Agreement"),
    (True, None, "agreement must be an Agreement"),
    (0, "space", "space must be an AgreementSpace"),
])
def test_agreement_color_names_a_bad_argument(agreement: Any, space: Any,
                                              match: str) -> None:
    with pytest.raises(kurilsim.InvalidArgumentError, match=match):
        plot.agreement_color(agreement, space)


def test_agreement_color_of_an_index_an_agreement_and_no_deal_agree() -> None:
    space = kurilsim.kuril_space()
    for k in range(len(space)):
        assert plot.agreement_color(k, space) == plot.agreement_color(space[k])
    scenario = kurilsim.load_scenario("2018-singapore")
    assert plot.agreement_color(3, scenario) == plot.agreement_color(3, space)
    grey = to_rgba(plot.NO_DEAL_COLOR)[:3]
    assert plot.agreement_color(None) == plot.agreement_color(STATUS_QUO) == grey
    assert plot.agreement_color(NO_DEAL) == grey
    assert plot.agreement_color(ERROR) == (0.0, 0.0, 0.0)
    # a generic agreement needs its space (its colour is by its index)
    generic = AgreementSpace((Issue(name="price", options=("low", "high")),))
    assert plot.agreement_color(generic[1], generic) == to_rgba(plot.OKABE_ITO[1])[:3]
    with pytest.raises(kurilsim.InvalidArgumentError, match="pass space="):
        plot.agreement_color(generic[1])


def test_islands_map_titles_a_deal_with_its_scenarios_values() -> None:
    import kurilsim

    scenario = kurilsim.load_scenario("2018-singapore").with_params(
        {"japan.package_size": 2.0})
    deal = scenario.space.agreement(islands="H+S", security="no-us-forces",
                                    economic="package")
    with_values = plot.islands_map(deal, scenario=scenario).get_title()
    assert "package of 2 x Nagato" in " ".join(with_values.split())
    assert "{" not in with_values
    # without the scenario the label is the space's, placeholder and all
    assert "{japan.package_size}" in plot.islands_map(deal).get_title()
    plt.close("all")
