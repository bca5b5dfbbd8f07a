"""Figures of kurilsim's results: phase diagrams, utility sets, QRE paths, maps.

Every function takes a result object and an optional ``ax`` (a matplotlib
``Axes``, or a sequence of them for the faceted :func:`phase_diagram`),
creates a figure when none is given, and returns the axes it drew on.
matplotlib is imported inside the functions, never when this module is
imported, so ``import kurilsim.plot`` stays cheap and works headless.

Utilities are in kurilsim's utility units (one unit is Japan's value of all
four islands under full sovereignty; see :mod:`kurilsim.model.agents`).

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> import kurilsim
>>> from kurilsim import plot
>>> ax = plot.islands_map()
>>> ax.get_title()
'status quo (no treaty)'
>>> plt.close("all")
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim import concepts
from kurilsim._checks import check_instance, check_int, check_strings, describe
from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.analysis import ConceptComparison
from kurilsim.kuril.islands import ISLANDS
from kurilsim.model.agreements import NO_DEAL, Agreement, StatusQuo
from kurilsim.model.scenario import Scenario
from kurilsim.solvers.logit import QREPath
from kurilsim.sweeps import ERROR, SweepResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from kurilsim.calibration import Posterior
    from kurilsim.games.normal_form import NormalFormGame
    from kurilsim.kuril.pledge import PledgeRegions
    from kurilsim.sensitivity import RobustnessReport

__all__ = [
    "DISPUTED_COLOR",
    "ERROR_COLOR",
    "NO_DEAL_COLOR",
    "RETAINED_COLOR",
    "TRANSFERRED_COLOR",
    "concept_comparison",
    "islands_map",
    "phase_diagram",
    "pledge_regions",
    "posterior",
    "qre_path",
    "robustness",
    "utility_possibility",
]

#: Colour of "no deal" cells and of the status quo.
NO_DEAL_COLOR: Final = "#d9d9d9"
#: Colour of points whose solver raised.
ERROR_COLOR: Final = "#000000"
#: Islands transferred to Japan, staying Russian, and disputed (status quo).
TRANSFERRED_COLOR: Final = "#d1495b"
RETAINED_COLOR: Final = "#3d6fb6"
DISPUTED_COLOR: Final = "#b8b8b8"

#: Units of the protocol settings (agents' units come from ``parameter_specs()``).
_PROTOCOL_UNITS: Final = {"objection_cost": "utility"}

#: Widest facet or panel count :func:`phase_diagram` picks by default.
_MAX_FACETS: Final = 6


# -- labels -------------------------------------------------------------------------
def _owner_label(owner: str) -> str:
    """``"united_states"`` -> ``"United States"``."""
    return owner.replace("_", " ").title()


def _concept_label(concept: str) -> str:
    """The title of a registered concept (:mod:`kurilsim.concepts`):
    ``"nash-bargaining"`` -> ``"Nash bargaining"``; unknown names: dashes to spaces."""
    if concept in concepts.names():
        return concepts.get(concept).title
    return concept.replace("-", " ")


def _parameter_units(scenario: Scenario, name: str) -> str:
    owner, _, parameter = name.partition(".")
    if owner == "protocol":
        if parameter.startswith("discount."):
            return "per round"
        return _PROTOCOL_UNITS.get(parameter, "")
    try:
        agent = scenario.agent(owner)
    except InvalidModelError:
        return ""
    specs = getattr(type(agent), "parameter_specs", None)
    if specs is None:
        return ""
    for spec in specs():
        if spec.name == parameter:
            return str(spec.units)
    return ""


def _parameter_words(name: str) -> tuple[str, str]:
    """Owner label and the parameter in words: ``("Russia", "security weight")``."""
    owner, _, parameter = name.partition(".")
    if owner == "protocol" and parameter.startswith("discount."):
        return "Protocol", f"discount factor of {_owner_label(parameter[9:])}"
    return _owner_label(owner), parameter.replace("_", " ").replace(".", " ")


def _parameter_label(scenario: Scenario, name: str) -> str:
    """Axis label: ``"Russia: security weight (utility)"``."""
    owner, words = _parameter_words(name)
    units = _parameter_units(scenario, name)
    return f"{owner}: {words}" + (f" ({units})" if units else "")


def _format_value(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _facet_title(scenario: Scenario, name: str, value: Any) -> str:
    """Panel title: ``"Japan demands 2 islands"`` or ``"Russia: security weight = 1.5"``."""
    owner, words = _parameter_words(name)
    units = _parameter_units(scenario, name)
    shown = _format_value(value)
    if name.endswith(".demand"):
        return f"{owner} demands {shown} {units or 'islands'}"
    if units in ("islands", "per round"):
        return f"{owner}: {words} = {shown} {units}"
    return f"{owner}: {words} = {shown}"


def posterior(
    result: Posterior,
    *,
    parameters: Sequence[str] | None = None,
    count: int = 5,
    bins: int = 30,
    ax: Sequence[Axes] | None = None,
) -> list[Axes]:
    """A corner (pair) plot of a calibration's posterior.

    On the diagonal, each parameter's weighted histogram with its prior's
    density (a line; none for a discrete prior); below it, each pair of
    parameters as a scatter of the particles, shaded by weight.  Above the
    diagonal nothing is drawn.

    Parameters
    ----------
    result : Posterior
        From :func:`kurilsim.calibrate`.
    parameters : sequence of str, optional
        The parameters shown; default the ``count`` whose posterior standard
        deviation shrank most relative to the prior's (the best informed).
    count : int
        Parameters shown by default.
    bins : int
        Histogram bins.
    ax : sequence of Axes, optional
        ``len(parameters)**2`` axes, row by row.

    Returns
    -------
    list of Axes
        Row by row (the unused upper triangle is switched off).

    Raises
    ------
    InvalidModelError
        If ``result`` is not a Posterior or ``ax`` has the wrong number of axes.
    InvalidArgumentError
        For a parameter the posterior does not have, no parameter, or a
        ``count`` or ``bins`` that is not a positive integer.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> from kurilsim.kuril.record import kuril_record
    >>> result = kurilsim.calibrate(["2001-irkutsk"],
    ...     kuril_record().only(["2001-irkutsk"]), samples=100, max_draws=5000, rng=1)
    >>> axes = plot.posterior(result, count=3)
    >>> len(axes), axes[0].get_ylabel() == ""
    (9, True)
    >>> plt.close("all")
    """
    from kurilsim.calibration import Posterior as PosteriorType

    check_instance(result, PosteriorType, "result", error=InvalidModelError)
    count = check_int(count, "count", low=1)
    bins = check_int(bins, "bins", low=1)
    if parameters is None:
        summary = result.summary()
        prior_sd = np.array([result.priors[n].std for n in result.names])
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(prior_sd > 0, summary.sd / prior_sd, np.inf)
        order = np.argsort(shrink, kind="stable")[:count]
        names = [result.names[k] for k in order]
    else:
        names = list(check_strings(parameters, "parameters"))
        if not names:
            raise InvalidArgumentError(
                "parameters must name at least one calibrated parameter, got none"
            )
        for name in names:
            result.column(name)  # names a missing parameter
    k = len(names)
    if ax is None:
        import matplotlib.pyplot as plt

        figure, grid = plt.subplots(k, k, figsize=(2.4 * k + 0.8, 2.4 * k + 0.4),
                                    squeeze=False, layout="constrained")
        figure.suptitle(f"Posterior over {', '.join(result.scenarios)}",
                        fontsize="small")
        axes = list(grid.ravel())
    else:
        axes, _ = _axes_list(ax, k * k, 2.4, 2.4)
    weights = np.asarray(result.weights)
    columns = [result.column(name) for name in names]
    shade = weights / weights.max()
    for row in range(k):
        for col in range(k):
            panel = axes[row * k + col]
            if col > row:
                panel.set_axis_off()
                continue
            if col == row:
                values = columns[row]
                panel.hist(values, bins=bins, weights=weights, density=True,
                           color="C0", alpha=0.6, label="posterior")
                prior = result.priors[names[row]]
                if prior.family not in ("discrete", "point"):
                    low, high = prior.ppf([0.001, 0.999])
                    grid_x = np.linspace(min(low, values.min()), max(high, values.max()),
                                         200)
                    panel.plot(grid_x, prior.distribution.pdf(grid_x), color="0.3",
                               linewidth=1.0, label="prior")
                panel.set_yticks([])
            else:
                panel.scatter(columns[col], columns[row], s=4, c=shade, cmap="Blues",
                              vmin=0.0, vmax=1.0, linewidths=0)
                if col == 0:
                    panel.set_ylabel(names[row], fontsize="x-small")
            if row == k - 1:
                panel.set_xlabel(names[col], fontsize="x-small")
            panel.tick_params(labelsize="x-small")
    if k > 0:
        axes[0].legend(fontsize="x-small", frameon=False)
    return axes


# -- axes and figures ---------------------------------------------------------------
def _axes_list(
    ax: Axes | Sequence[Axes] | None, count: int, width: float, height: float
) -> tuple[list[Axes], bool]:
    """``count`` axes: the given ones (checked) or a new row of panels.

    Returns the axes and whether a new figure was created.
    """
    from matplotlib.axes import Axes as AxesType

    if ax is None:
        import matplotlib.pyplot as plt

        _, grid = plt.subplots(
            1,
            count,
            figsize=(width * count, height),
            squeeze=False,
            sharex=True,
            sharey=True,
            layout="constrained",
        )
        return list(grid[0]), True
    # a sequence, or an array of Axes as plt.subplots returns (any shape)
    given = (
        [ax] if isinstance(ax, AxesType) else list(np.asarray(ax, dtype=object).ravel())
    )
    if not all(isinstance(each, AxesType) for each in given):
        raise InvalidModelError(
            f"ax must be a matplotlib Axes or a sequence of Axes, got {describe(ax)}"
        )
    if len(given) != count:
        raise InvalidModelError(
            f"this plot has {count} panel(s) but ax= gives {len(given)} Axes"
        )
    return given, False


def _one_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    from matplotlib.axes import Axes as AxesType

    if ax is None:
        import matplotlib.pyplot as plt

        _, new = plt.subplots(figsize=size, layout="constrained")
        result: Axes = new
        return result
    if not isinstance(ax, AxesType):
        raise InvalidModelError(f"ax must be a matplotlib Axes, got {describe(ax)}")
    return ax


def _figure(ax: Axes) -> Figure | SubFigure:
    figure = ax.figure
    if figure is None:  # pragma: no cover - an Axes always belongs to a figure
        raise InvalidModelError("the Axes is not part of a figure")
    return figure


def _palette(count: int) -> list[Any]:
    """``count`` distinct colours, none of them grey (grey means "no deal")."""
    import matplotlib as mpl

    if count <= 9:
        tab10 = mpl.colormaps["tab10"]
        colours = [tab10(k) for k in range(10)]
        del colours[7]  # grey
        return colours[:count]
    if count <= 18:
        tab20 = mpl.colormaps["tab20"]
        colours = [tab20(k) for k in range(20)]
        del colours[14:16]  # greys
        return colours[:count]
    cmap = mpl.colormaps["turbo"]
    return [cmap(x) for x in np.linspace(0.05, 0.95, count)]


def _legend_columns(labels: Sequence[str], width_inches: float) -> int:
    """How many legend columns of these labels fit across a figure."""
    widest = max((len(label) for label in labels), default=1)
    per_column = (widest * 5.0 + 40.0) / 72.0  # ~5 pt per small character + handle
    return max(1, min(len(labels), int(width_inches // per_column)))


# -- phase diagram ------------------------------------------------------------------
def _cell_edges(
    values: NDArray[Any],
) -> tuple[NDArray[np.float64], NDArray[np.intp], list[str] | None]:
    """Cell edges of one grid axis, the sorting order, and tick labels if categorical."""
    numeric = np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_
    if not numeric:
        order = np.arange(len(values), dtype=np.intp)
        edges = np.arange(len(values) + 1, dtype=np.float64) - 0.5
        return edges, order, [_format_value(v) for v in values]
    order = np.argsort(values, kind="stable").astype(np.intp)
    v = values[order].astype(np.float64)
    if len(v) == 1:
        step = max(abs(float(v[0])) * 0.05, 0.5)
        return np.array([v[0] - step, v[0] + step]), order, None
    middle = (v[1:] + v[:-1]) / 2
    edges = np.concatenate(
        [[v[0] - (middle[0] - v[0])], middle, [v[-1] + (v[-1] - middle[-1])]]
    )
    return edges, order, None


def _choose_axes(
    result: SweepResult, x: str | None, y: str | None, facet: str | None
) -> tuple[str, str, str | None]:
    names = list(result.axes)
    for role, name in (("x", x), ("y", y), ("facet", facet)):
        if name is not None and not isinstance(name, str):
            raise InvalidModelError(
                f"{role} must be the name of an axis of this sweep ({names}) or "
                f"None, got {describe(name)}"
            )
        if name is not None and name not in names:
            raise InvalidModelError(
                f"{role}={name!r} is not an axis of this sweep; axes are {names}"
            )
    chosen = [n for n in (x, y, facet) if n is not None]
    if len(set(chosen)) != len(chosen):
        raise InvalidModelError(
            f"x, y and facet must be different axes, got x={x!r}, y={y!r}, "
            f"facet={facet!r}"
        )
    if len(names) == 2 and facet is not None:
        raise InvalidModelError(
            f"facet={facet!r} needs a third axis; this sweep has only {names}"
        )
    if len(names) == 3 and facet is None:
        free = [n for n in names if n not in (x, y)]
        if x is not None and y is not None:
            facet = free[0]
        else:
            small = [n for n in free if len(result.axes[n]) <= _MAX_FACETS]
            facet = small[0] if small else min(free, key=lambda n: len(result.axes[n]))
    rest = [n for n in names if n not in (x, y, facet)]
    rest.sort(key=lambda n: -len(result.axes[n]))  # stable: grid order among ties
    if x is None:
        x = rest.pop(0)
    if y is None:
        y = rest.pop(0)
    return x, y, facet


def phase_diagram(
    result: SweepResult,
    *,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> list[Axes]:
    """Which outcome holds at each point of a two- or three-axis grid sweep.

    Each cell of the grid is coloured by the outcome reached there: one
    colour per agreement that occurs, "no deal" in light grey and points
    whose solver raised in black.  A third axis makes one panel (facet) per
    value.  Colours are the same in every panel and one legend below the
    panels names the outcomes that occur.

    Parameters
    ----------
    result : SweepResult
        A sweep with ``design="grid"`` and two or three axes.
    x, y : str, optional
        Axes on the horizontal and vertical axis (default: the two longest
        axes not used as the facet, in grid order among equals).
    facet : str, optional
        Axis with one panel per value (three-axis sweeps only; default: the
        first other axis with at most 6 values, else the shortest).
    ax : Axes or sequence of Axes, optional
        Where to draw: one Axes per panel.  Default: a new figure.

    Returns
    -------
    list of Axes
        One Axes per panel (a single-element list for a two-axis sweep), so
        the return type does not depend on the sweep.

    Raises
    ------
    InvalidModelError
        If ``result`` is not a SweepResult, is a sampled design (no grid to
        colour: scatter ``result.points`` instead) or does not have 2 or 3
        axes; if ``x``, ``y`` or ``facet`` is not one of its axes or they
        repeat; or if ``ax`` does not hold one Axes per panel.

    Notes
    -----
    Numeric axes are drawn with cell edges halfway between grid values
    (``pcolormesh``), so uneven grids keep their spacing; non-numeric axes
    (e.g. ``protocol.objection_scope``) get one evenly spaced cell per value.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> result = kurilsim.two_vs_four_islands(resolution=11, progress=False)
    >>> panels = plot.phase_diagram(result)
    >>> [panel.get_title() for panel in panels]
    ['Japan demands 2 islands', 'Japan demands 4 islands']
    >>> panels[0].get_xlabel()
    'Russia: security weight (utility)'
    >>> plt.close("all")
    """
    check_instance(result, SweepResult, "result", error=InvalidModelError)
    if result.design != "grid" or not result.axes:
        raise InvalidModelError(
            f"phase_diagram needs a grid sweep; this one is a {result.design!r} "
            "sample with no grid to colour (scatter result.points instead)"
        )
    if len(result.axes) not in (2, 3):
        raise InvalidModelError(
            f"phase_diagram needs a grid sweep with 2 or 3 axes, got "
            f"{len(result.axes)}: {list(result.axes)} (use result.sel() to fix "
            "some axes, or sweep more parameters)"
        )
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    x, y, facet = _choose_axes(result, x, y, facet)
    names = list(result.axes)
    order = [n for n in (facet, y, x) if n is not None]
    codes = np.transpose(result.agreement, [names.index(n) for n in order])
    facet_values: NDArray[Any] = (
        result.axes[facet] if facet is not None else np.array([None], dtype=object)
    )
    if facet is None:
        codes = codes[None]
    x_edges, x_order, x_ticks = _cell_edges(result.axes[x])
    y_edges, y_order, y_ticks = _cell_edges(result.axes[y])
    codes = codes[:, y_order][:, :, x_order]

    present = {int(c) for c in np.unique(codes)}
    categories = sorted(c for c in present if c >= 0)
    categories += [c for c in (NO_DEAL, ERROR) if c in present]
    agreement_colours = _palette(sum(c >= 0 for c in categories))
    colours = [
        agreement_colours[k]
        if c >= 0
        else (NO_DEAL_COLOR if c == NO_DEAL else ERROR_COLOR)
        for k, c in enumerate(categories)
    ]
    labels = [result.label(c) for c in categories]
    category = np.zeros(codes.shape, dtype=np.intp)
    for k, c in enumerate(categories):
        category[codes == c] = k
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(categories) + 1) - 0.5, len(categories))

    columns = _legend_columns(labels, 5.0 * len(facet_values))
    legend_rows = math.ceil(len(labels) / columns)
    panels, created = _axes_list(ax, len(facet_values), 5.0, 4.4 + 0.22 * legend_rows)
    concept = _concept_label(result.concept)
    for k, (panel, value, grid) in enumerate(
        zip(panels, facet_values, category, strict=True)
    ):
        panel.pcolormesh(x_edges, y_edges, grid, cmap=cmap, norm=norm, shading="flat")
        panel.set_xlabel(_parameter_label(result.scenario, x))
        if k == 0 or not created:
            panel.set_ylabel(_parameter_label(result.scenario, y))
        else:  # panels of a new figure share the y axis: label it once
            panel.tick_params(labelleft=False)
        if x_ticks is not None:
            panel.set_xticks(np.arange(len(x_ticks)), x_ticks)
        if y_ticks is not None:
            panel.set_yticks(np.arange(len(y_ticks)), y_ticks)
        if facet is not None:
            panel.set_title(_facet_title(result.scenario, facet, value))
        else:
            panel.set_title(f"Outcome ({concept}), scenario {result.scenario.name}")
    figure = _figure(panels[0])
    if facet is not None and created:
        figure.suptitle(f"Outcome ({concept}), scenario {result.scenario.name}")
    handles = [
        Patch(facecolor=colour, edgecolor="0.4", linewidth=0.5, label=label)
        for colour, label in zip(colours, labels, strict=True)
    ]
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=columns,
        title="Outcome",
        fontsize="small",
        frameon=False,
    )
    return panels


# -- utility possibility set ------------------------------------------------------------
def _parties(scenario: Scenario, parties: Sequence[str] | None) -> tuple[str, str]:
    if parties is None:
        return scenario.protocol.proposer, scenario.protocol.responder
    chosen = check_strings(parties, "parties", error=InvalidModelError)
    if len(chosen) != 2:
        raise InvalidModelError(
            f"parties must name exactly two agents, got {parties!r}; agents are "
            f"{list(scenario.agent_names)}"
        )
    first, second = chosen
    for name in (first, second):
        scenario.agent(name)  # raises naming the valid agents
    if first == second:
        raise InvalidModelError(
            f"parties must be two different agents, got {parties!r}"
        )
    return first, second


def utility_possibility(
    scenario: Scenario,
    *,
    parties: Sequence[str] | None = None,
    comparison: ConceptComparison | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The utility possibility set of two parties, with solutions marked.

    Every agreement is a point (the parties' utilities); the status quo is
    marked; the feasible set (lotteries over agreements and the status quo,
    i.e. their convex hull) is shaded and its Pareto frontier drawn, both
    from :class:`kurilsim.games.bargaining.BargainingProblem`.  With a
    ``comparison``, each concept's outcome is marked and labelled
    (concepts that coincide share one label).

    Parameters
    ----------
    scenario : Scenario
    parties : sequence of two str, optional
        The agents on the horizontal and vertical axis (default: the
        protocol's proposer and responder).
    comparison : ConceptComparison, optional
        Outcomes of ``scenario`` to mark (from :func:`kurilsim.compare_concepts`).
    ax : Axes, optional

    Returns
    -------
    Axes

    Raises
    ------
    InvalidModelError
        If ``scenario`` is not a Scenario, ``parties`` are not two different
        agents of it, or ``comparison`` is of another scenario.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> scenario = kurilsim.load_scenario("2018-singapore")
    >>> ax = plot.utility_possibility(scenario)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Japan: utility', 'Russia: utility')
    >>> plt.close("all")
    """
    check_instance(scenario, Scenario, "scenario", error=InvalidModelError)
    if comparison is not None:
        check_instance(
            comparison,
            ConceptComparison,
            "comparison",
            what="a ConceptComparison or None",
            error=InvalidModelError,
        )
        if comparison.scenario != scenario:
            raise InvalidModelError(
                f"comparison is of scenario {comparison.scenario.name!r}, not of "
                f"{scenario.name!r}"
            )
    from scipy.spatial import ConvexHull, QhullError

    from kurilsim.games.bargaining import BargainingProblem

    first, second = _parties(scenario, parties)
    problem = BargainingProblem.from_scenario(scenario, parties=[first, second])
    points = problem.points
    status_quo = problem.disagreement
    ax = _one_axes(ax, (6.4, 6.0))

    every = np.vstack([points, status_quo])
    try:
        hull = ConvexHull(every)
    except (QhullError, ValueError):  # collinear: nothing to shade
        hull = None
    if hull is not None:
        ax.fill(
            *every[hull.vertices].T,
            color="tab:blue",
            alpha=0.08,
            linewidth=0,
            label="feasible set (lotteries)",
        )
    frontier = problem.pareto_polyline()
    ax.plot(
        frontier[:, 0],
        frontier[:, 1],
        color="tab:blue",
        linewidth=1.8,
        label="Pareto frontier",
        zorder=2,
    )
    ax.scatter(
        points[:, 0],
        points[:, 1],
        s=18,
        color="0.35",
        zorder=3,
        label=f"agreements ({len(points)})",
    )
    ax.scatter(
        [status_quo[0]],
        [status_quo[1]],
        s=110,
        marker="*",
        color="black",
        zorder=4,
        label="status quo",
    )
    ax.axvline(status_quo[0], color="0.6", linewidth=0.7, linestyle=":", zorder=1)
    ax.axhline(status_quo[1], color="0.6", linewidth=0.7, linestyle=":", zorder=1)

    if comparison is not None:
        markers = ["o", "s", "D", "^", "v", "P", "X", "h"]
        spots: list[tuple[NDArray[np.float64], list[str]]] = []
        for k, outcome in enumerate(comparison.outcomes):
            rows = [outcome.agents.index(first), outcome.agents.index(second)]
            u = np.asarray(outcome.utilities, dtype=np.float64)[rows]
            ax.scatter(
                [u[0]],
                [u[1]],
                s=90,
                marker=markers[k % len(markers)],
                facecolor="none",
                edgecolor=f"C{(k + 1) % 10}",
                linewidths=2,
                zorder=5,
                label=_concept_label(outcome.concept),
            )
            scale = problem.utility_ranges
            for spot, names in spots:
                if np.all(np.abs(spot - u) <= 1e-9 * scale):
                    names.append(outcome.concept)
                    break
            else:
                spots.append((u, [outcome.concept]))
        # labels stacked away from the edges of the plot, towards its middle,
        # joined to their points by leaders, so that nearby solutions stay readable
        low, high = every.min(axis=0), every.max(axis=0)
        middle = (low + high) / 2
        spots.sort(key=lambda spot: -float(spot[0][1]))
        step = 18.0  # points from the solution to the label
        for spot, names in spots:
            right = bool(spot[0] <= middle[0])
            down = bool(spot[1] >= middle[1])
            label = ax.annotate(
                "\n".join(_concept_label(name) for name in names),
                xy=(float(spot[0]), float(spot[1])),
                xytext=(30 if right else -30, -step if down else step),
                textcoords="offset points",
                ha="left" if right else "right",
                va="top" if down else "bottom",
                fontsize="small",
                zorder=6,
                bbox={
                    "boxstyle": "round,pad=0.2",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.85,
                },
                arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.6},
            )
            label.set_in_layout(False)  # may reach outside the axes: not a margin
            step += 11.5 * len(names) + 8.0

    ax.set_xlabel(f"{_owner_label(first)}: utility")
    ax.set_ylabel(f"{_owner_label(second)}: utility")
    ax.set_title(f"Utility possibility set, scenario {scenario.name}")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=2,
        fontsize="small",
        frameon=False,
    )
    return ax


# -- comparison of concepts --------------------------------------------------------------
def concept_comparison(
    comparison: ConceptComparison, *, ax: Axes | None = None
) -> Axes:
    """Each party's utility under each solution concept, as grouped bars.

    One group of horizontal bars per concept (one bar per agent), with the
    agreement reached written above the group ("no deal" for the status quo;
    the probability of a deal when it is strictly between 0 and 1).

    Parameters
    ----------
    comparison : ConceptComparison
        From :func:`kurilsim.compare_concepts`.
    ax : Axes, optional

    Returns
    -------
    Axes

    Raises
    ------
    InvalidModelError
        If ``comparison`` is not a ConceptComparison or has no outcomes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> table = kurilsim.compare_concepts(kurilsim.load_scenario("2018-singapore"),
    ...                                   concepts=("spe", "nash-bargaining"))
    >>> ax = plot.concept_comparison(table)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['subgame-perfect equilibrium', 'Nash bargaining']
    >>> plt.close("all")
    """
    check_instance(comparison, ConceptComparison, "comparison", error=InvalidModelError)
    outcomes = comparison.outcomes
    if not outcomes:
        raise InvalidModelError("the comparison has no outcomes to plot")
    agents = comparison.scenario.agent_names
    ax = _one_axes(ax, (8.0, 1.2 + 1.2 * len(outcomes)))
    block = 0.55  # height of one concept's group of bars; the rest is for its deal
    height = block / len(agents)
    centres = np.arange(len(outcomes), dtype=np.float64)
    for j, agent in enumerate(agents):
        values = [float(o.utilities[o.agents.index(agent)]) for o in outcomes]
        ax.barh(
            centres - block / 2 + (j + 0.5) * height,
            values,
            height=height,
            color=f"C{j}",
            label=_owner_label(agent),
        )
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for centre, outcome in zip(centres, outcomes, strict=True):
        text = f"→ {outcome.deal}"
        if 1e-9 < outcome.probability < 1 - 1e-9:
            text += f" (P(deal) = {outcome.probability:.2f})"
        label = ax.text(
            0.01,
            centre - block / 2 - 0.03,
            text,
            transform=transform,
            va="bottom",
            ha="left",
            fontsize="small",
            fontstyle="italic",
            wrap=True,  # long lotteries break at the figure's edge
        )
        label.set_in_layout(False)  # its width must not squeeze the axes
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.set_yticks(centres, [_concept_label(o.concept) for o in outcomes])
    ax.set_ylim(len(outcomes) - 0.5, -0.75)  # first concept on top, room for text
    ax.set_xlabel("Expected utility (utility units)")
    ax.set_ylabel("Solution concept")
    ax.set_title(f"Outcomes by solution concept, scenario {comparison.scenario.name}")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15 * 4 / (3 + len(outcomes))),
        ncols=len(agents),
        frameon=False,
        title="Utility of",
    )
    return ax


# -- logit QRE path -------------------------------------------------------------------
def qre_path(
    path: QREPath,
    *,
    player: int | str = 0,
    game: NormalFormGame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One player's strategy probabilities along the logit QRE branch.

    Parameters
    ----------
    path : QREPath
        From :func:`kurilsim.qre_path`.
    player : int or str
        The player (an index, or a name if ``game`` is given).
    game : NormalFormGame, optional
        The game the path was traced on: its player and strategy names label
        the plot (default: "player 0" and "s0", "s1", ...).
    ax : Axes, optional

    Returns
    -------
    Axes

    Raises
    ------
    InvalidModelError
        If ``path`` is not a QREPath, the player is unknown, ``game`` does not
        match the path, or the path has no point with ``λ > 0``.

    Notes
    -----
    The x-axis is logarithmic, so the branch's starting point at ``λ = 0``
    (the centroid) is not drawn.  Where the branch bends back, ``λ`` falls
    for a while and the curves turn back too.  The last point (the
    approximate Nash equilibrium the branch converges to) is marked.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> game = kurilsim.NormalFormGame([[[3, 0], [5, 1]], [[3, 5], [0, 1]]],
    ...                                strategies=[["C", "D"], ["C", "D"]])
    >>> ax = plot.qre_path(kurilsim.qre_path(game), game=game)
    >>> ax.get_xscale(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('log', ['C', 'D'])
    >>> plt.close("all")
    """
    from kurilsim.games.normal_form import NormalFormGame

    check_instance(path, QREPath, "path", error=InvalidModelError)
    n_players = len(path.profiles)
    players = [f"player {i}" for i in range(n_players)]
    strategies: list[list[str]] = [
        [f"s{k}" for k in range(p.shape[1])] for p in path.profiles
    ]
    if game is not None:
        check_instance(
            game,
            NormalFormGame,
            "game",
            what="a NormalFormGame or None",
            error=InvalidModelError,
        )
        shapes = tuple(p.shape[1] for p in path.profiles)
        if tuple(game.shape) != shapes:
            raise InvalidModelError(
                f"game has strategy counts {tuple(game.shape)} but the path has "
                f"{shapes}"
            )
        players = list(game.players)
        strategies = [list(labels) for labels in game.strategies]
    if isinstance(player, str):
        if player not in players:
            raise InvalidModelError(
                f"unknown player {player!r}; players are {players}"
                + ("" if game is not None else " (pass game= to use names)")
            )
        index = players.index(player)
    elif (
        isinstance(player, bool)
        or not isinstance(player, int | np.integer)
        or not 0 <= int(player) < n_players
    ):
        raise InvalidModelError(
            f"player must be an index in 0..{n_players - 1} or a name, got "
            f"{describe(player)}"
        )
    else:
        index = int(player)
    lam = np.asarray(path.lam, dtype=np.float64)
    probabilities = np.asarray(path.profiles[index], dtype=np.float64)
    shown = lam > 0
    if not shown.any():
        raise InvalidModelError(
            "the path has no point with λ > 0 to draw on a logarithmic axis"
        )
    ax = _one_axes(ax, (6.4, 4.4))
    for k, label in enumerate(strategies[index]):
        line = ax.plot(lam[shown], probabilities[shown, k], label=label, linewidth=1.6)
        ax.plot(
            [lam[-1]],
            [probabilities[-1, k]],
            marker="o",
            markersize=4,
            color=line[0].get_color(),
        )
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("λ: logit precision (1 / payoff unit)")
    ax.set_ylabel("Probability of the strategy")
    ax.set_title(f"Logit QRE branch: {players[index]}")
    many = len(strategies[index]) > 8
    ax.legend(
        title="Strategy",
        fontsize="small",
        loc="upper left" if many else "best",
        bbox_to_anchor=(1.02, 1.0) if many else None,
    )
    return ax


# -- islands map ----------------------------------------------------------------------
# Schematic geometry in km east / north of 145°E, 43°N (1° lon ≈ 80 km,
# 1° lat ≈ 111 km at 44°N): centre, full length and width (km), and the angle
# of the long axis (degrees counter-clockwise from east).  Lengths and widths
# give roughly the islands' areas as ellipses; Habomai is a chain of islets.
_KM_PER_LON: Final = 80.0
_KM_PER_LAT: Final = 111.0


def _km(lon: float, lat: float) -> tuple[float, float]:
    return (lon - 145.0) * _KM_PER_LON, (lat - 43.0) * _KM_PER_LAT


_ISLAND_SHAPES: Final[
    dict[str, list[tuple[tuple[float, float], float, float, float]]]
] = {
    "habomai": [
        (_km(145.93, 43.41), 5.0, 2.6, 20.0),
        (_km(146.02, 43.44), 4.0, 2.2, 20.0),
        (_km(146.12, 43.40), 10.0, 4.6, 30.0),  # Shibotsu
        (_km(146.28, 43.47), 9.0, 3.6, 25.0),
        (_km(146.40, 43.52), 6.0, 2.6, 25.0),
    ],
    "shikotan": [(_km(146.75, 43.82), 27.0, 12.0, 30.0)],
    "kunashir": [(_km(146.02, 44.12), 120.0, 16.0, 38.0)],
    "iturup": [(_km(147.87, 45.02), 190.0, 21.0, 34.0)],
}
# Hokkaido's eastern tip: Nemuro peninsula, Notsuke spit, Shiretoko peninsula.
_HOKKAIDO: Final = [
    _km(lon, lat)
    for lon, lat in [
        (144.0, 42.8),
        (144.9, 42.95),
        (145.3, 43.15),
        (145.55, 43.27),
        (145.82, 43.38),
        (145.60, 43.40),
        (145.35, 43.37),
        (145.22, 43.45),
        (145.35, 43.60),
        (145.15, 43.62),
        (145.10, 43.75),
        (145.20, 43.95),
        (145.35, 44.20),
        (145.34, 44.35),
        (145.05, 44.15),
        (144.70, 44.00),
        (144.0, 44.0),
    ]
]
_LABEL_OFFSETS: Final = {
    "habomai": (12.0, -22.0),
    "shikotan": (22.0, -14.0),
    "kunashir": (-28.0, 26.0),
    "iturup": (-30.0, 30.0),
}


def _transferred(agreement: Agreement) -> set[str]:
    """Keys of the islands an agreement transfers to Japan (from its islands key)."""
    try:
        option = agreement["islands"]
    except KeyError:
        raise InvalidModelError(
            f"agreement {str(agreement)!r} has no 'islands' issue; islands_map needs "
            "an agreement of kurilsim.kuril_space()"
        ) from None
    if option == "none":
        return set()
    by_initial = {each.name[0]: each.key for each in ISLANDS}
    initials = option.split("+")
    unknown = [i for i in initials if i not in by_initial]
    if unknown:
        raise InvalidModelError(
            f"islands option {option!r} is not 'none' or initials joined by '+' "
            f"({', '.join(f'{k}={v}' for k, v in by_initial.items())})"
        )
    return {by_initial[i] for i in initials}


def islands_map(
    agreement: Agreement | StatusQuo | None = None, *, ax: Axes | None = None
) -> Axes:
    """A schematic map of the four islands, coloured by who holds them.

    Not a real map: each island is a stylised ellipse (Habomai a chain of
    islets) at roughly its relative position and size east and north-east of
    Hokkaido's Nemuro peninsula.  Islands the agreement transfers to Japan
    and islands that stay Russian get different colours; with no agreement
    (or :data:`kurilsim.STATUS_QUO`) all four are shown as disputed.

    Parameters
    ----------
    agreement : Agreement or STATUS_QUO, optional
        An agreement of :func:`kurilsim.kuril_space` (any island chain).
        Its ``str()`` is the title.
    ax : Axes, optional

    Returns
    -------
    Axes
        Each island's patches carry its key (``"habomai"``, ...) as ``gid``.

    Raises
    ------
    InvalidModelError
        If ``agreement`` is not an Agreement or has no ``islands`` issue with
        keys like ``"H+S"``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> deal = kurilsim.kuril_space().agreement(
    ...     islands="H+S", security="no-us-forces", economic="none")
    >>> ax = plot.islands_map(deal)
    >>> ax.get_title()
    'Habomai+Shikotan, no US forces, no economic package'
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['transferred to Japan', 'stays Russian']
    >>> plt.close("all")
    """
    if agreement is not None:
        check_instance(
            agreement,
            (Agreement, StatusQuo),
            "agreement",
            what="an Agreement, STATUS_QUO or None",
            error=InvalidModelError,
        )
    from matplotlib.patches import Ellipse, Patch, Polygon

    deal = agreement if isinstance(agreement, Agreement) else None
    transferred = _transferred(deal) if deal is not None else set()
    ax = _one_axes(ax, (7.0, 6.0))
    ax.set_facecolor("#eef4f8")
    ax.add_patch(
        Polygon(
            _HOKKAIDO,
            closed=True,
            facecolor="#ede6d6",
            edgecolor="0.45",
            linewidth=0.8,
            zorder=1,
        )
    )
    for each in ISLANDS:
        if deal is None:
            colour = DISPUTED_COLOR
        else:
            colour = TRANSFERRED_COLOR if each.key in transferred else RETAINED_COLOR
        for centre, length, width, angle in _ISLAND_SHAPES[each.key]:
            patch = Ellipse(
                centre,
                length,
                width,
                angle=angle,
                facecolor=colour,
                edgecolor="0.2",
                linewidth=0.8,
                zorder=2,
                hatch="//" if deal is None else None,
            )
            patch.set_gid(each.key)
            ax.add_patch(patch)
        centres = np.array([shape[0] for shape in _ISLAND_SHAPES[each.key]])
        cx, cy = centres.mean(axis=0)
        dx, dy = _LABEL_OFFSETS[each.key]
        ax.annotate(
            f"{each.name}\n{each.area_km2:,.0f} km²",
            xy=(cx, cy),
            xytext=(cx + dx, cy + dy),
            ha="center",
            va="center",
            fontsize="small",
            zorder=3,
        )
    ax.text(
        *_km(144.55, 43.25),
        "Hokkaido",
        ha="center",
        fontsize="small",
        color="0.35",
        fontstyle="italic",
    )
    ax.text(
        *_km(145.62, 43.30),
        "Nemuro\npeninsula",
        ha="center",
        va="top",
        fontsize="x-small",
        color="0.35",
    )
    ax.text(
        *_km(146.3, 45.4),
        "Sea of Okhotsk",
        ha="center",
        fontsize="small",
        color="#4a6d8c",
        fontstyle="italic",
    )
    ax.text(
        *_km(147.9, 43.7),
        "Pacific Ocean",
        ha="center",
        fontsize="small",
        color="#4a6d8c",
        fontstyle="italic",
    )
    if deal is None:
        handles = [
            Patch(
                facecolor=DISPUTED_COLOR,
                edgecolor="0.2",
                hatch="//",
                label="disputed: Russian-administered, claimed by Japan",
            )
        ]
    else:
        handles = [
            Patch(
                facecolor=TRANSFERRED_COLOR,
                edgecolor="0.2",
                label="transferred to Japan",
            ),
            Patch(facecolor=RETAINED_COLOR, edgecolor="0.2", label="stays Russian"),
        ]
    ax.legend(handles=handles, loc="lower right", fontsize="small")
    x_low, y_low = _km(144.3, 42.95)
    x_high, y_high = _km(149.1, 45.75)
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ax.set_aspect("equal")
    ax.set_xlabel("km east (schematic, not to exact scale)")
    ax.set_ylabel("km north")
    title = str(agreement) if agreement is not None else str(StatusQuo())
    ax.set_title(title, wrap=True)
    return ax


# -- robustness ------------------------------------------------------------------------
#: Characters per line of an outcome's label in :func:`robustness`.
_WRAP: Final = 60

def robustness(
    report: RobustnessReport,
    *,
    output: str = "deal",
    count: int = 10,
    outcomes: int = 8,
    ax: Sequence[Axes] | None = None,
) -> list[Axes]:
    """A robustness report in two panels: outcome probabilities and sensitivities.

    Top: the probability of each of the ``outcomes`` likeliest outcomes
    (horizontal bars, "no deal" in grey) with 95% error bars (1.96 Monte-Carlo
    standard errors).  Bottom: the ``count`` most influential parameters of
    ``output`` -- first-order (``S1``) and total (``ST``) Sobol' indices with
    their confidence intervals, or Morris ``mu*`` with its interval and
    ``sigma`` -- largest first.

    Parameters
    ----------
    report : RobustnessReport
        From :func:`kurilsim.robustness`.
    output : str
        ``"deal"`` (the deal indicator) or ``"utility.<agent>"``.
    count : int
        Parameters shown.
    outcomes : int
        Outcomes shown (the likeliest).
    ax : sequence of two Axes, optional

    Returns
    -------
    list of Axes
        The outcome panel and the index panel.

    Raises
    ------
    InvalidModelError
        If ``report`` is not a RobustnessReport or ``ax`` is not two Axes.
    InvalidArgumentError
        For an unknown ``output``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> report = kurilsim.robustness(kurilsim.load_scenario("2018-singapore"),
    ...                              samples=64, draws=512, rng=1)
    >>> left, right = plot.robustness(report, count=5)
    >>> left.get_xlabel(), len(right.get_yticklabels())
    ('Probability (± 1.96 standard errors)', 5)
    >>> plt.close("all")
    """
    from kurilsim.sensitivity import RobustnessReport as ReportType

    check_instance(report, ReportType, "report", error=InvalidModelError)
    indices = report.indices
    values = indices.of(output)  # checks the output's name
    count = max(1, min(int(count), len(values)))
    shown = list(report.outcomes.items())[:outcomes]
    if ax is None:
        import matplotlib.pyplot as plt

        lines = sum(len(textwrap.wrap(label, _WRAP)) for label, _ in shown)
        heights = [0.7 + 0.22 * lines + 0.1 * len(shown), 0.7 + 0.4 * count]
        figure, grid = plt.subplots(
            2, 1, figsize=(10.0, 0.6 + sum(heights)), layout="constrained",
            squeeze=False, height_ratios=heights,
        )
        figure.suptitle(
            f"Robustness of {report.scenario} under {_concept_label(report.concept)}"
        )
        axes = list(grid[:, 0])
    else:
        axes, _ = _axes_list(ax, 2, 6.4, 4.8)
    left, right = axes
    labels = [label for label, _ in shown]
    colours = _palette(len(labels))
    left.barh(
        np.arange(len(shown)),
        [p for _, p in shown],
        xerr=[1.96 * report.outcome_errors[label] for label in labels],
        color=[NO_DEAL_COLOR if label == "no deal" else colours[k]
               for k, label in enumerate(labels)],
        edgecolor="0.4",
        linewidth=0.5,
        capsize=3,
    )
    left.set_yticks(np.arange(len(shown)),
                    [textwrap.fill(label, _WRAP) for label in labels], fontsize="small")
    left.invert_yaxis()
    reach = max(p + 1.96 * report.outcome_errors[label] for label, p in shown)
    left.set_xlim(0.0, min(1.0, 1.15 * reach) if reach > 0 else 1.0)
    left.set_xlabel("Probability (± 1.96 standard errors)")
    left.set_title(
        f"Outcomes: P(deal) = {report.p_deal:.3f} ± {report.p_deal_error:.3f}"
    )
    top = list(values)[:count]
    where = [indices.parameters.index(name) for name in top]
    row = indices.outputs.index(output)
    centres = np.arange(len(top), dtype=np.float64)
    if indices.method == "sobol":
        pairs = (("S1", "first order S1"), ("ST", "total ST"))
        xlabel = f"Sobol' index (± {indices.conf_level:.0%} CI)"
    else:
        pairs = (("mu_star", "mu*"), ("sigma", "sigma"))
        xlabel = f"Morris elementary effect of {output} (mu* ± {indices.conf_level:.0%} CI)"
    for k, (measure, legend) in enumerate(pairs):
        conf = indices.measures.get(f"{measure}_conf")
        right.barh(
            centres - 0.2 + 0.4 * k,
            indices.measures[measure][row, where],
            height=0.4,
            xerr=None if conf is None else conf[row, where],
            color=f"C{k}",
            capsize=2,
            label=legend,
        )
    right.set_yticks(centres, top, fontsize="small")
    right.invert_yaxis()
    right.axvline(0.0, color="0.3", linewidth=0.8)
    right.set_xlabel(xlabel)
    right.set_title(f"Most influential parameters of {output}")
    right.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return [left, right]


# -- pledge game regions ------------------------------------------------------------
#: Colours of the pledge game's regions (Okabe and Ito's colour-blind-safe
#: palette), by region code (:attr:`kurilsim.kuril.PledgeRegions.region`):
#: ``4 * kind + 2 * (deal for the reliable type) + (deal for the unreliable
#: type)``; -1: no pure PBE.
_REGION_COLORS: Final = {
    -1: ERROR_COLOR,
    0: NO_DEAL_COLOR,  # pooling, no deal
    1: "#CC79A7",  # pooling, deal for the unreliable type only
    2: "#56B4E9",  # pooling, deal for the reliable type only
    3: "#E69F00",  # pooling, deal for both types
    4: "#999999",  # separating, no deal
    5: "#D55E00",  # separating, deal for the unreliable type only
    6: "#0072B2",  # separating, deal for the reliable type only
    7: "#009E73",  # separating, deals for both types
}


def pledge_regions(regions: PledgeRegions, *, ax: Axes | None = None) -> Axes:
    """The pledge game's regions: pooling or separating, and who gets a deal.

    One colour per region of :func:`kurilsim.kuril.pledge_regions`'s grid
    (the selected perfect Bayesian equilibrium's kind, and which of Japan's
    types reaches a deal), from a colour-blind-safe palette, with a legend
    giving each region's share of the grid; points without a pure PBE are
    black.

    Parameters
    ----------
    regions : PledgeRegions
    ax : Axes, optional

    Returns
    -------
    Axes

    Raises
    ------
    InvalidModelError
        If ``regions`` is not a PledgeRegions or ``ax`` not an Axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import kurilsim
    >>> from kurilsim import plot
    >>> from kurilsim.kuril import pledge_regions
    >>> regions = pledge_regions(
    ...     kurilsim.load_scenario("2018-singapore"),
    ...     {"japan.article_cost": np.linspace(0, 0.15, 16),
    ...      "russia.pledge_credibility": np.linspace(0, 1, 21)})
    >>> ax = plot.pledge_regions(regions)
    >>> ax.get_xlabel()
    'Japan: article cost (utility)'
    >>> sorted(text.get_text().rsplit(" (", 1)[0] for text in ax.get_legend().get_texts())
    ['pooling: deal for both types', 'pooling: no deal', 'separating: deal for the reliable type only']
    >>> plt.close("all")
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from kurilsim.kuril.pledge import PledgeRegions as RegionsType

    check_instance(regions, RegionsType, "regions", error=InvalidModelError)
    ax = _one_axes(ax, (7.5, 5.0))
    codes = regions.region
    shares = regions.shares()
    present = sorted({int(c) for c in np.unique(codes)})
    index = np.searchsorted(np.array(present), codes)
    colours = [_REGION_COLORS.get(code, "#F0E442") for code in present]
    x_edges, x_order, x_ticks = _cell_edges(np.asarray(regions.x_values))
    y_edges, y_order, y_ticks = _cell_edges(np.asarray(regions.y_values))
    image = index[np.ix_(y_order, x_order)]
    ax.pcolormesh(
        x_edges, y_edges, image, cmap=ListedColormap(colours),
        vmin=-0.5, vmax=len(present) - 0.5, shading="flat",
    )
    for ticks, set_ticks in ((x_ticks, ax.set_xticks), (y_ticks, ax.set_yticks)):
        if ticks is not None:
            set_ticks(np.arange(len(ticks)), ticks)
    scenario = regions.scenario
    ax.set_xlabel(_parameter_label(scenario, regions.x))
    ax.set_ylabel(_parameter_label(scenario, regions.y))
    ax.set_title(f"{scenario.name}: pledge game, selected perfect Bayesian equilibrium")
    order = sorted(present, key=lambda code: -shares[RegionsType.label(code)])
    handles = [
        Patch(
            facecolor=_REGION_COLORS.get(code, "#F0E442"),
            edgecolor="none",
            label=f"{RegionsType.label(code)} ({shares[RegionsType.label(code)]:.0%})",
        )
        for code in order
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
              ncol=1, frameon=False, fontsize="small")
    return ax
