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
from matplotlib.patches import Ellipse

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
        assert name == CONCEPT_NAMES.get(outcome.concept, name)


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
    assert all(len(p.collections) == 1 for p in panels)
    assert isinstance(panels[0].collections[0], QuadMesh)
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
    codes = np.unique(islands_sweep.agreement)
    expected = [islands_sweep.label(int(c)) for c in codes if c >= 0] + ["no deal"]
    assert _legend_texts(figure.legends[0]) == expected


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
    distinct = {next(iter(colours)) for colours in colour_of.values()}
    assert len(distinct) == len(colour_of)
    assert colour_of[NO_DEAL] == {to_rgba(plot.NO_DEAL_COLOR)}


def test_phase_diagram_shows_errors_in_black(islands_sweep: SweepResult) -> None:
    codes = np.array(islands_sweep.agreement)
    codes[0, 0, 0] = ERROR
    broken = dataclasses.replace(islands_sweep, agreement=codes)
    panels = plot.phase_diagram(broken)
    figure = panels[0].figure
    assert figure is not None
    assert _legend_texts(figure.legends[0])[-1] == "error"
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
    assert "scenario 2018-singapore" in ax.get_title()
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
        f"agreements ({len(scenario.space)})",
        "status quo",
    ]


def test_utility_possibility_marks_and_labels_every_concept(
    scenario: kurilsim.Scenario, comparison: kurilsim.ConceptComparison
) -> None:
    _, given = plt.subplots()
    ax = plot.utility_possibility(scenario, comparison=comparison, ax=given)
    assert ax is given
    legend = _legend_texts(ax.get_legend())
    assert len(legend) == 4 + len(comparison.outcomes)
    _check_concept_names(legend[4:], comparison)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)][2:]
    for marker, outcome in zip(scatters, comparison.outcomes, strict=True):
        np.testing.assert_allclose(
            np.asarray(marker.get_offsets())[0], outcome.utilities[:2]
        )
    labelled = "\n".join(text.get_text() for text in ax.texts).split("\n")
    assert sorted(labelled) == sorted(legend[-len(comparison.outcomes) :])


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
    assert len(ax.patches) == len(comparison.outcomes) * len(agents)
    widths = np.array([bar.get_width() for bar in ax.patches]).reshape(len(agents), -1)
    expected = np.array([o.utilities for o in comparison.outcomes]).T
    np.testing.assert_allclose(widths, expected)
    _check_concept_names([t.get_text() for t in ax.get_yticklabels()], comparison)
    assert [t.get_text() for t in ax.texts] == [
        f"→ {o.deal}" + (
            f" (P(deal) = {o.probability:.2f})" if 1e-9 < o.probability < 1 - 1e-9
            else ""
        )
        for o in comparison.outcomes
    ]
    assert ax.texts[0].get_text() == f"→ {comparison['spe'].deal}"
    assert _legend_texts(ax.get_legend()) == ["Japan", "Russia", "United States"]
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
def _island_colours(ax: plt.Axes) -> dict[str, set[tuple[float, ...]]]:
    colours: dict[str, set[tuple[float, ...]]] = {}
    for patch in ax.patches:
        if isinstance(patch, Ellipse):
            colours.setdefault(str(patch.get_gid()), set()).add(patch.get_facecolor())
    return colours


def test_islands_map_colours_transferred_and_retained_islands(
    deal: kurilsim.Agreement,
) -> None:
    ax = plot.islands_map(deal)
    assert ax.get_title() == str(deal)
    colours = _island_colours(ax)
    assert sorted(colours) == ["habomai", "iturup", "kunashir", "shikotan"]
    assert all(len(c) == 1 for c in colours.values())
    assert colours["habomai"] == colours["shikotan"]
    assert colours["kunashir"] == colours["iturup"]
    assert colours["habomai"] != colours["kunashir"]
    assert colours["habomai"] == {to_rgba(plot.TRANSFERRED_COLOR)}
    assert _legend_texts(ax.get_legend()) == ["transferred to Japan", "stays Russian"]
    names = {text.get_text().split("\n")[0] for text in ax.texts}
    assert {"Habomai", "Shikotan", "Kunashir", "Iturup"} <= names


def test_islands_map_any_subset_and_all_four() -> None:
    space = kurilsim.kuril_space(islands="subsets")
    ax = plot.islands_map(
        space.agreement(islands="S+I", security="no-us-forces", economic="none")
    )
    colours = _island_colours(ax)
    transferred = {to_rgba(plot.TRANSFERRED_COLOR)}
    assert colours["shikotan"] == colours["iturup"] == transferred
    assert colours["habomai"] == colours["kunashir"] == {to_rgba(plot.RETAINED_COLOR)}
    four = kurilsim.kuril_space().agreement(
        islands="all four islands", security="demilitarised", economic="package"
    )
    colours = _island_colours(plot.islands_map(four))
    assert all(c == transferred for c in colours.values())


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
