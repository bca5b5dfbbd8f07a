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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import NDArray

from kurilsim import concepts
from kurilsim._checks import check_instance, check_int, check_strings, describe
from kurilsim._errors import InvalidArgumentError, InvalidModelError
from kurilsim.analysis import ConceptComparison
from kurilsim.kuril.islands import ISLANDS
from kurilsim.model.agreements import (
    NO_DEAL,
    Agreement,
    AgreementSpace,
    Issue,
    StatusQuo,
)
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
    "ISLANDS_HATCHES",
    "LOTTERY_HATCH",
    "NO_DEAL_COLOR",
    "OKABE_ITO",
    "PARTY_COLORS",
    "REGIME_HUES",
    "RETAINED_COLOR",
    "TOL_MUTED",
    "TRANSFERRED_COLOR",
    "agreement_color",
    "concept_comparison",
    "figure_metadata",
    "islands_map",
    "phase_diagram",
    "pledge_regions",
    "posterior",
    "provenance",
    "qre_path",
    "robustness",
    "utility_possibility",
]

#: Colour of "no deal" cells and of the status quo.
NO_DEAL_COLOR: Final = "#d9d9d9"
#: Colour of points whose solver raised.
ERROR_COLOR: Final = "#000000"
#: Islands transferred to Japan (when the agreement names no security
#: regime; else the regime's hue, :data:`REGIME_HUES`), staying Russian
#: (Okabe-Ito reddish purple), and disputed (status quo).
TRANSFERRED_COLOR: Final = "#0072B2"
RETAINED_COLOR: Final = "#CC79A7"
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


#: Okabe and Ito's colour-blind-safe palette (Okabe & Ito 2008, "Color
#: universal design"), without its black and grey: the first colours of
#: :func:`_palette`.
OKABE_ITO: Final = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
)
#: Paul Tol's "muted" qualitative scheme (Tol 2021, "Colour schemes"), the
#: next colours of :func:`_palette`.
TOL_MUTED: Final = (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
    "#999933", "#AA4499",
)
#: Hues of the security regimes (issue ``security`` of
#: :func:`kurilsim.kuril_space`), in the issue's option order: blue, orange
#: and bluish green of Okabe and Ito's palette, told apart in simulated
#: deuteranopia and protanopia (see ``tests/test_plot.py``).
REGIME_HUES: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: Tint (> 0: mixed with white) or shade (< 0: with black) of a security
#: regime's hue for the first (no package: light) and last (a package: dark)
#: option of the ``economic`` issue; options between are spaced evenly.
#: With these, the six colours of the Kuril space, the grey of no deal and
#: the black of errors are at least 23 CIE76 units apart in normal vision and
#: in simulated deuteranopia and protanopia (``tests/test_plot.py``).
_LIGHTEST: Final = 0.2
_DARKEST: Final = -0.35
#: Colours of the parties (agents) in :func:`concept_comparison`: Paul Tol's
#: muted indigo, rose, sand, teal, wine and olive, none of them a security
#: regime's hue, so that no bar of a party looks like an agreement.
PARTY_COLORS: Final = ("#332288", "#CC6677", "#DDCC77", "#44AA99", "#882255", "#999933")
#: Hatching of the cells where the outcome is a lottery (mode probability < 1).
LOTTERY_HATCH: Final = "////"
#: Textures that tell apart, in one figure, outcomes of one colour (same
#: security regime and package, other islands): the first islands option
#: (the one covering most of the figure) plain, the others in this order.
ISLANDS_HATCHES: Final = ("", "...", "xx", "---", "|||", "oo", "++", "**")


def _root(ax: Axes) -> Figure:
    """The top-level figure of ``ax`` (through any subfigures; matplotlib 3.7+)."""
    from matplotlib.figure import Figure as FigureType

    figure: Any = ax.figure
    while figure is not None and not isinstance(figure, FigureType):
        figure = getattr(figure, "_parent", None)  # a SubFigure's parent
    if figure is None:  # pragma: no cover - an Axes always belongs to a figure
        raise InvalidModelError("the Axes is not part of a figure")
    root: Figure = figure
    return root


def _palette(count: int) -> list[Any]:
    """``count`` distinct colour-blind-safe colours, none of them grey (grey
    means "no deal"): Okabe-Ito, then Paul Tol's muted, then ``turbo``."""
    import matplotlib as mpl

    if count <= len(OKABE_ITO) + len(TOL_MUTED):
        return list((*OKABE_ITO, *TOL_MUTED)[:count])
    cmap = mpl.colormaps["turbo"]
    return [cmap(x) for x in np.linspace(0.05, 0.95, count)]


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white (``amount`` > 0) or black (< 0)."""
    from matplotlib.colors import to_rgb

    rgb = np.asarray(to_rgb(colour))
    mixed = rgb + (1.0 - rgb) * amount if amount >= 0 else rgb * (1.0 + amount)
    r, g, b = (float(v) for v in np.clip(mixed, 0.0, 1.0))
    return r, g, b


def agreement_color(
    agreement: Agreement | StatusQuo | int | None,
    space: AgreementSpace | Scenario | None = None,
) -> tuple[float, float, float]:
    """The colour of an agreement in every figure of kurilsim (RGB in [0, 1]).

    The only source of an agreement's colour: :func:`phase_diagram`,
    :func:`concept_comparison`, :func:`utility_possibility`,
    :func:`islands_map`, :func:`robustness` and :mod:`kurilsim.report` all
    take it from here, so one treaty has one colour wherever it is drawn.

    * An agreement with a ``security`` and an ``economic`` issue (the Kuril
      space, :func:`kurilsim.kuril_space`): the hue is its security regime
      (:data:`REGIME_HUES`, in the issue's option order), the lightness its
      economic package (no package light, a package dark).  Agreements that
      differ only in other issues (the islands) share the colour; a figure
      that shows several of them tells them apart by texture
      (:data:`ISLANDS_HATCHES`) and by its labels.
    * Any other agreement: Okabe and Ito's colour-blind-safe colours, then
      Paul Tol's muted ones, by its index in ``space`` (``turbo`` for spaces
      of more than 16 agreements).
    * No deal (``None``, :data:`kurilsim.STATUS_QUO` or ``NO_DEAL``):
      :data:`NO_DEAL_COLOR`, a neutral grey; a sweep's ``ERROR`` code:
      :data:`ERROR_COLOR`.

    Parameters
    ----------
    agreement : Agreement, STATUS_QUO, int or None
        An agreement, or its index in ``space`` (``NO_DEAL`` = -1,
        ``ERROR`` = -2).
    space : AgreementSpace or Scenario, optional
        The agreement's space (a scenario's, if a scenario is given).  Needed
        for an index and for agreements without a ``security`` and an
        ``economic`` issue; without it those two issues are read as in
        :func:`kurilsim.kuril_space`.

    Returns
    -------
    tuple of float
        Red, green and blue in [0, 1].

    Raises
    ------
    InvalidArgumentError
        If ``agreement`` is not one of the above, ``space`` is not a space or
        scenario, an index is out of range (or given without a space), or an
        agreement's option is not in its issue.

    Examples
    --------
    >>> import kurilsim
    >>> from kurilsim.plot import agreement_color
    >>> space = kurilsim.kuril_space()
    >>> light = agreement_color(space.agreement(
    ...     islands="H+S", security="no-us-forces", economic="none"))
    >>> dark = agreement_color(space.agreement(
    ...     islands="H+S", security="no-us-forces", economic="package"))
    >>> other = agreement_color(space.agreement(
    ...     islands="H", security="no-us-forces", economic="package"))
    >>> sum(dark) < sum(light), dark == other
    (True, True)
    >>> agreement_color(kurilsim.NO_DEAL)
    (0.8509803921568627, 0.8509803921568627, 0.8509803921568627)
    """
    from matplotlib.colors import to_rgb

    if isinstance(space, Scenario):
        space = space.space
    if space is not None and not isinstance(space, AgreementSpace):
        raise InvalidArgumentError(
            f"space must be an AgreementSpace, a Scenario or None, got {describe(space)}"
        )
    if agreement is None or isinstance(agreement, StatusQuo):
        agreement = NO_DEAL
    if isinstance(agreement, int | np.integer) and not isinstance(agreement, bool):
        code = int(agreement)
        if code == NO_DEAL:
            r, g, b = to_rgb(NO_DEAL_COLOR)
            return r, g, b
        if code == ERROR:
            r, g, b = to_rgb(ERROR_COLOR)
            return r, g, b
        if space is None or not 0 <= code < len(space):
            raise InvalidArgumentError(
                f"agreement index {code} needs a space with that index (got "
                f"{'no space' if space is None else f'{len(space)} agreements'}); "
                f"-1 is no deal, -2 a solver error"
            )
        agreement = space[code]
    if not isinstance(agreement, Agreement):
        raise InvalidArgumentError(
            "agreement must be an Agreement, STATUS_QUO, an index or None, got "
            f"{describe(agreement)}"
        )
    names = [name for name, _ in agreement.choices]
    if "security" in names and "economic" in names:
        if space is not None and {"security", "economic"} <= set(space.issue_names):
            security, economic = space.issue("security"), space.issue("economic")
        else:
            from kurilsim.kuril.space import economic_package, security_regime

            security, economic = security_regime(), economic_package()
        hue, package = (
            _option_index(issue, agreement[issue.name]) for issue in (security, economic)
        )
        count = len(economic.options)
        amount = (_LIGHTEST if count == 1
                  else _LIGHTEST + (_DARKEST - _LIGHTEST) * package / (count - 1))
        return _tint(REGIME_HUES[hue % len(REGIME_HUES)], amount)
    if space is None:
        raise InvalidArgumentError(
            f"agreement {str(agreement)!r} has no 'security' and 'economic' issues: "
            "its colour is by its index in its space; pass space="
        )
    index = space.index(agreement)
    r, g, b = to_rgb(_palette(len(space))[index])
    return r, g, b


def _option_index(issue: Issue, option: str) -> int:
    if option not in issue.options:
        raise InvalidArgumentError(
            f"option {option!r} is not one of issue {issue.name!r}'s options "
            f"{list(issue.options)}"
        )
    return issue.option_index(option)


def _issue_label(scenario: Scenario, agreement: Agreement, issue: str,
                 varying: Any) -> str:
    """The label of one issue's option, placeholders filled as in the sweep."""
    names = [name for name, _ in agreement.choices]
    labels = agreement.labels or tuple(option for _, option in agreement.choices)
    one = Agreement(choices=(agreement.choices[names.index(issue)],),
                    labels=(labels[names.index(issue)],))
    return scenario.agreement_label(one, varying=varying)


class _Styles:
    """Colours, legend labels and legend groups of a figure's outcomes.

    Colours come from :func:`agreement_color` (for the Kuril space: the hue
    the security regime, the lightness the economic package; no deal grey,
    errors black), the same in every figure.  Outcomes of the figure that
    share a colour (other islands) get a texture each from
    :data:`ISLANDS_HATCHES`, the one covering most points (``counts``) plain.
    Issues whose option is the same in every deal shown
    go into the legend's title; the islands (or, in other spaces, the first
    issue that varies) group the entries, so that no entry repeats them.
    """

    def __init__(self, scenario: Scenario, codes: Sequence[int], varying: Any,
                 counts: Mapping[int, int] | None = None) -> None:
        deals = [c for c in codes if c >= 0]
        space = scenario.space
        agreements = {c: space[c] for c in deals}
        issues = list(space.issue_names)
        varies = [
            name for name in issues
            if len({agreements[c][name] for c in deals}) > 1
        ]
        common = [name for name in issues if name not in varies]
        structured = "security" in issues and "economic" in issues
        if structured:
            group_issues = [n for n in varies if n not in ("security", "economic")]
        else:
            group_issues = varies[:1] if len(varies) > 1 else []
        entry_issues = [n for n in varies if n not in group_issues]

        def label(code: int, names: Sequence[str]) -> str:
            return ", ".join(
                _issue_label(scenario, agreements[code], n, varying) for n in names
            )

        self.title = "Outcome"
        if deals and common:
            shown = label(deals[0], common)
            self.title = f"Outcome (every deal: {shown})"
        self.colours: dict[int, Any] = {}
        self.labels: dict[int, str] = {}
        self.groups: dict[int, str] = {}
        for c in deals:
            self.groups[c] = label(c, group_issues) if group_issues else ""
            self.labels[c] = label(c, entry_issues) if entry_issues else (
                self.groups[c] or "deal")
            if not entry_issues:
                self.groups[c] = ""
        self.hatches: dict[int, str] = {}
        for c in deals:
            self.colours[c] = agreement_color(c, space)
            self.hatches[c] = ""
        # outcomes of one colour (one regime and package, other islands) get
        # a texture each, by their other issues' options: the commonest plain
        colour_of: dict[tuple[float, ...], list[int]] = {}
        for c in deals:
            colour_of.setdefault(tuple(self.colours[c]), []).append(c)
        shared = [c for members in colour_of.values() if len(members) > 1
                  for c in members]
        if shared:
            weight = dict(counts) if counts is not None else {}
            others = [n for n in issues if n not in ("security", "economic")]

            def key(c: int) -> tuple[str, ...]:
                return tuple(agreements[c][n] for n in others)

            totals: dict[tuple[str, ...], int] = {}
            for c in shared:
                totals[key(c)] = totals.get(key(c), 0) + int(weight.get(c, 1))
            order = sorted(totals, key=lambda k: -totals[k])  # stable: first seen
            texture = {k: ISLANDS_HATCHES[n % len(ISLANDS_HATCHES)]
                       for n, k in enumerate(order)}
            for c in shared:
                self.hatches[c] = texture[key(c)]
        for code, text in ((NO_DEAL, "no deal"), (ERROR, "error (solver raised)")):
            self.colours[code] = agreement_color(code)
            self.hatches[code] = ""
            self.labels[code] = text
            self.groups[code] = ""

    def ordered(self, codes: Sequence[int]) -> list[tuple[str, list[int]]]:
        """The codes by legend group (groups in order of first appearance;
        within a group, as given), "no deal" and "error" last, ungrouped."""
        order: dict[str, list[int]] = {}
        for c in codes:
            if c >= 0:
                order.setdefault(self.groups[c], []).append(c)
        tail = [c for c in codes if c < 0]
        found = list(order.items())
        if tail:
            found.append(("", tail))
        return found


def _legend_handles(
    styles: _Styles, codes: Sequence[int], lottery: bool, width_inches: float
) -> tuple[list[Any], int]:
    """Legend handles (group headings as handle-less entries) and columns.

    Groups become columns when they fit across ``width_inches``, else they
    follow each other in one or two columns.
    """
    from matplotlib.patches import Patch

    def patch(code: int) -> Any:
        hatch = styles.hatches.get(code, "")
        return Patch(facecolor=styles.colours[code],
                     edgecolor=_hatch_colour(styles.colours[code]) if hatch else "0.4",
                     linewidth=0.5, hatch=hatch or None, label=styles.labels[code])

    def heading(text: str) -> Any:
        return Patch(facecolor="none", edgecolor="none", label=text)

    groups = styles.ordered(codes)
    extra = []
    if lottery:
        extra = [Patch(facecolor="white", edgecolor="0.3", hatch=LOTTERY_HATCH,
                       linewidth=0.5,
                       label="lottery: most likely outcome, P < 1")]
    columns_list: list[list[Any]] = []
    for name, members in groups:
        column = ([heading(name + ":")] if name else []) + [patch(c) for c in members]
        columns_list.append(column)
    if extra:
        if columns_list and not groups[-1][0]:
            columns_list[-1] += extra
        else:
            columns_list.append(extra)
    def inches(column: list[Any]) -> float:
        return (max(len(h.get_label()) for h in column) * 5.0 + 40.0) / 72.0

    if (len(columns_list) > 1 and not groups[-1][0]
            and sum(inches(c) for c in columns_list) > width_inches):
        # the ungrouped entries (no deal, error, lottery) under the shortest group
        merged = [list(c) for c in columns_list[:-1]]
        min(merged, key=len).extend([heading(""), *columns_list[-1]])
        if sum(inches(c) for c in merged) <= width_inches:
            columns_list = merged
    if len(columns_list) > 1 and sum(inches(c) for c in columns_list) <= width_inches:
        rows = max(len(column) for column in columns_list)
        handles = []
        for column in columns_list:
            handles += column + [heading("")] * (rows - len(column))
        return handles, len(columns_list)
    handles = []
    for k, column in enumerate(columns_list):
        spacer = k > 0 and (k >= len(groups) or not groups[k][0])
        handles += ([heading("")] if spacer else []) + column
    fits = max(1, int(width_inches // max(inches(c) for c in columns_list)))
    columns = max(1, min(fits, len(handles)))
    if any(name for name, _ in groups):
        columns = 1  # headings must stay above their entries
    return handles, columns


def _wrap_to(text: str, width_inches: float, size_points: float = 10.0) -> str:
    """``text`` wrapped, line by line, to about ``width_inches`` (average glyph
    0.55 em)."""
    per_line = max(12, int(width_inches * 72.0 / (0.55 * size_points)))
    return "\n".join(
        "\n".join(textwrap.wrap(line, per_line, break_on_hyphens=False) or [""])
        for line in text.split("\n")
    )


def _fixed_values(result: SweepResult) -> str:
    """The parameters a ``sel()``-ed slice fixes, as ``"Japan demands 2 islands;
    Russia: security weight = 1.5"`` (empty when none)."""
    selection = result.metadata.get("selection") or {}
    if not isinstance(selection, dict):
        return ""
    return "; ".join(
        _facet_title(result.scenario, str(name), value)
        for name, value in selection.items()
    )


def _hatch_colour(colour: Any) -> str:
    """A hatch's colour that shows on ``colour``: white on dark, near-black on light."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.35 else "0.15"


def _hatch_cells(panel: Axes, x_edges: NDArray[np.float64],
                 y_edges: NDArray[np.float64], mask: NDArray[np.bool_], hatch: str,
                 gid: str, colour: Any = "0.15") -> None:
    """Hatch the cells where ``mask`` holds: one rectangle per run of cells in a row."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    rectangles = []
    for row in range(mask.shape[0]):
        line = np.concatenate([[False], mask[row], [False]]).astype(np.int8)
        starts = np.flatnonzero(np.diff(line) == 1)
        stops = np.flatnonzero(np.diff(line) == -1)
        for start, stop in zip(starts, stops, strict=True):
            rectangles.append(Rectangle(
                (x_edges[start], y_edges[row]),
                x_edges[stop] - x_edges[start],
                y_edges[row + 1] - y_edges[row],
            ))
    if rectangles:
        collection = PatchCollection(rectangles, facecolor="none", edgecolor=colour,
                                     linewidth=0.0, hatch=hatch, zorder=2)
        collection.set_gid(gid)
        panel.add_collection(collection)


def _place_figure_legend(figure: Figure | SubFigure, panels: Sequence[Axes],
                         created: bool, **options: Any) -> Any:
    """A legend below the panels that stays inside the figure.

    On a figure with constrained layout (new figures, or the user's), the
    legend goes "outside lower center" and the layout makes room for it
    (below a single Axes of the user's, the legend is that Axes', so that
    several diagrams can share a figure).  A
    user's figure without a layout engine is switched to constrained layout
    when its panels are grid subplots; otherwise the legend goes at the
    bottom of the figure and the panels' grid is moved up to clear it.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    root = _root(panels[0])
    engine = root.get_layout_engine()
    if engine is None and all(
        p.get_subplotspec() is not None for p in panels
    ):
        try:
            root.set_layout_engine("constrained")
            engine = root.get_layout_engine()
        except RuntimeError:  # pragma: no cover - a colorbar made by another engine
            engine = None
    if isinstance(engine, ConstrainedLayoutEngine):
        if created or len(panels) > 1:
            return figure.legend(loc="outside lower center", **options)
        # one of the user's axes (perhaps one of several phase diagrams in
        # one figure): the legend belongs below it, clear of its tick labels
        # and x label; constrained layout makes room for it
        from matplotlib.transforms import offset_copy

        (panel,) = panels
        root.canvas.draw()
        frame = panel.get_window_extent()
        tight = panel.get_tightbbox() or frame
        below = (frame.y0 - tight.y0) / root.dpi * 72.0 + 4.0
        return panel.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=offset_copy(panel.transAxes, fig=root, y=-below,
                                       units="points"),
            **options,
        )
    legend = figure.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), **options)
    root.canvas.draw()
    to_figure = root.transFigure.inverted()
    top = legend.get_window_extent().transformed(to_figure).y1
    low = min(
        (p.get_tightbbox() or p.get_window_extent()).transformed(to_figure).y0
        for p in panels
    )
    if low < top + 0.01:
        shift = top + 0.01 - low
        for p in panels:
            box = p.get_position()
            p.set_position((box.x0, box.y0 + shift, box.width,
                            max(box.height - shift, 0.05)))
    return legend


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

    Each cell of the grid is coloured by the outcome reached there, in the
    agreement's colour (:func:`agreement_color`, the same in every figure),
    "no deal" in light grey and points whose solver raised in black.  For
    the Kuril agreement space the colour encodes the agreement's structure:
    its hue the security regime (:data:`REGIME_HUES`), its lightness the
    economic package (light: none, dark: a package); outcomes that differ
    only in their islands share the colour and are told apart by a texture
    (:data:`ISLANDS_HATCHES`; the one covering most cells plain) and by the
    legend's groups.  Other spaces get Okabe and Ito's colour-blind-safe
    colours, then Paul Tol's, by the agreement's index.  The colours stay
    distinct in simulated deuteranopia and protanopia (tested).  Cells where
    the outcome is a lottery (the
    sweep's ``mode_probability`` below 1: the colour shows the most likely
    outcome) are hatched (:data:`LOTTERY_HATCH`).

    A third axis makes one panel (facet) per value.  Colours are the same in
    every panel and one legend below the panels names the outcomes that
    occur: issues common to every deal shown go into its title, and the
    entries are grouped under their islands (or the first issue that
    varies), so no entry repeats them.  A ``sel()``-ed slice names its fixed
    values in a subtitle.  New figures use constrained layout; with ``ax=``
    the caller's figure is switched to constrained layout when it has no
    layout engine and its axes are grid subplots (otherwise the axes are
    moved up to clear the legend), so the legend never covers the panels.

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
    >>> (panel,) = plot.phase_diagram(result.sel({"japan.demand": 4}))
    >>> panel.get_title()
    'Japan demands 4 islands'
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

    x, y, facet = _choose_axes(result, x, y, facet)
    names = list(result.axes)
    order = [n for n in (facet, y, x) if n is not None]
    transpose = [names.index(n) for n in order]
    codes = np.transpose(result.agreement, transpose)
    probability = np.transpose(np.asarray(result.probability, dtype=np.float64),
                               transpose)
    mode = np.transpose(np.asarray(result.mode_probability, dtype=np.float64), transpose)
    facet_values: NDArray[Any] = (
        result.axes[facet] if facet is not None else np.array([None], dtype=object)
    )
    if facet is None:
        codes = codes[None]
        probability = probability[None]
        mode = mode[None]
    x_edges, x_order, x_ticks = _cell_edges(result.axes[x])
    y_edges, y_order, y_ticks = _cell_edges(result.axes[y])
    codes = codes[:, y_order][:, :, x_order]
    probability = probability[:, y_order][:, :, x_order]
    mode = mode[:, y_order][:, :, x_order]
    # a lottery: the outcome recorded is only the most likely one (its
    # probability below 1; unknown -- NaN, a user kernel that does not report
    # it -- then a deal that is not certain)
    uncertain = (probability > 1e-9) & (probability < 1 - 1e-9)
    lottery = (codes != ERROR) & np.where(np.isnan(mode), uncertain, mode < 1 - 1e-9)

    present = {int(c) for c in np.unique(codes)}
    deals = sorted(c for c in present if c >= 0)
    found, count = np.unique(codes, return_counts=True)
    styles = _Styles(result.scenario, deals, result.points,
                     counts={int(c): int(n) for c, n in zip(found, count, strict=True)})
    ordered = [c for _, members in styles.ordered(deals) for c in members]
    categories = ordered + [c for c in (NO_DEAL, ERROR) if c in present]
    colours = [styles.colours[c] for c in categories]
    category = np.zeros(codes.shape, dtype=np.intp)
    for k, c in enumerate(categories):
        category[codes == c] = k
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(categories) + 1) - 0.5, len(categories))

    width = 5.0 * len(facet_values)
    handles, columns = _legend_handles(styles, categories, bool(lottery.any()),
                                       max(width, 7.0))
    legend_rows = math.ceil(len(handles) / columns)
    panels, created = _axes_list(ax, len(facet_values),
                                 max(5.0, 7.0 / len(facet_values)),
                                 4.6 + 0.2 * legend_rows)
    concept = _concept_label(result.concept)
    fixed = _fixed_values(result)
    heading = f"Outcome ({concept}), scenario {result.scenario.name}"
    for k, (panel, value, grid) in enumerate(
        zip(panels, facet_values, category, strict=True)
    ):
        panel.pcolormesh(x_edges, y_edges, grid, cmap=cmap, norm=norm, shading="flat")
        for c in categories:
            if styles.hatches.get(c):
                _hatch_cells(panel, x_edges, y_edges, codes[k] == c, styles.hatches[c],
                             f"texture:{c}", _hatch_colour(styles.colours[c]))
        _hatch_cells(panel, x_edges, y_edges, lottery[k], LOTTERY_HATCH, "lottery")
        panel.set_xlabel(_parameter_label(result.scenario, x))
        spec = panel.get_subplotspec()
        if k == 0 or (not created and (spec is None or spec.is_first_col())):
            panel.set_ylabel(_parameter_label(result.scenario, y))
        elif created:  # panels of a new figure share the y axis: label it once
            panel.tick_params(labelleft=False)
        if x_ticks is not None:
            panel.set_xticks(np.arange(len(x_ticks)), x_ticks)
        if y_ticks is not None:
            panel.set_yticks(np.arange(len(y_ticks)), y_ticks)
        panel_width = panel.get_position().width * _root(panel).get_figwidth()
        if facet is not None:
            panel.set_title(_wrap_to(_facet_title(result.scenario, facet, value),
                                     panel_width, 12.0))
        elif created:
            panel.set_title(_wrap_to(fixed, panel_width, 9.0), fontsize="medium")
        else:
            panel.set_title(_wrap_to(heading + (f"\n{fixed}" if fixed else ""),
                                     panel_width, 12.0))
    figure = _figure(panels[0])
    if created or facet is not None:
        title = heading + (f"\n{fixed}" if fixed and facet is not None else "")
        figure.suptitle(_wrap_to(title, _root(panels[0]).get_figwidth(), 12.0))
    _place_figure_legend(
        figure,
        panels,
        created,
        handles=handles,
        ncols=columns,
        title=_wrap_to(styles.title, max(width, 7.0), 10.0),
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

    Every agreement is a point (the parties' utilities) in its colour
    (:func:`agreement_color`, as in every figure); the status quo is
    marked (drawn above every other mark); the feasible set (lotteries over
    agreements and the status quo, i.e. their convex hull) is shaded and its
    Pareto frontier drawn, both from
    :class:`kurilsim.games.bargaining.BargainingProblem`.  The view is
    zoomed to the individually rational region (each party at least its
    status-quo utility) with the status quo and every solution inside; when
    no agreement but the status quo is rational, every agreement is shown.
    With a ``comparison``, each concept's outcome is ringed and labelled
    with the registry's title (concepts that coincide share one label);
    labels are placed greedily where they overlap neither each other nor a
    solution, joined to their points by leader lines.

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
        s=22,
        color=[agreement_color(k, scenario) for k in range(len(points))],
        edgecolor="0.25",
        linewidths=0.4,
        zorder=3,
        label=f"agreements ({len(points)}, in their colours)",
    )
    ax.scatter(
        [status_quo[0]],
        [status_quo[1]],
        s=160,
        marker="*",
        color="black",
        edgecolor="white",
        linewidths=0.6,
        zorder=7,  # above the solutions' rings: never hidden
        label="status quo",
    )
    ax.axvline(status_quo[0], color="0.6", linewidth=0.7, linestyle=":", zorder=1)
    ax.axhline(status_quo[1], color="0.6", linewidth=0.7, linestyle=":", zorder=1)

    # zoom to the individually rational region (each party at least its
    # status-quo utility), with the status quo and every solution inside
    rational = points[np.all(points >= status_quo - 1e-12, axis=1)]
    shown = [status_quo[None], rational]
    spots: list[tuple[NDArray[np.float64], list[str]]] = []
    if comparison is not None:
        scale = problem.utility_ranges
        for outcome in comparison.outcomes:
            rows = [outcome.agents.index(first), outcome.agents.index(second)]
            u = np.asarray(outcome.utilities, dtype=np.float64)[rows]
            for spot, names in spots:
                if np.all(np.abs(spot - u) <= 1e-9 * scale):
                    names.append(outcome.concept)
                    break
            else:
                spots.append((u, [outcome.concept]))
        shown += [np.array([spot for spot, _ in spots])]
    box = np.vstack(shown)
    low, high = box.min(axis=0), box.max(axis=0)
    span = high - low
    zoomed = bool(np.all(span > 1e-9 * np.maximum(1.0, np.abs(high))))
    if not zoomed:  # nothing rational but the status quo: show everything
        low, high = every.min(axis=0), every.max(axis=0)
        span = np.where(high - low > 0, high - low, 1.0)
    ax.set_xlim(low[0] - 0.08 * span[0], high[0] + 0.30 * span[0])
    ax.set_ylim(low[1] - 0.22 * span[1], high[1] + 0.30 * span[1])

    if spots:
        ax.scatter(
            [float(spot[0]) for spot, _ in spots],
            [float(spot[1]) for spot, _ in spots],
            s=110,
            facecolor="none",
            edgecolor="black",
            linewidths=1.6,
            zorder=6,
            label="solution (labelled)",
        )

    ax.set_xlabel(f"{_owner_label(first)}: utility")
    ax.set_ylabel(f"{_owner_label(second)}: utility")
    where = ("individually rational region" if zoomed else "all agreements")
    ax.set_title(_wrap_to(f"Utility possibility set, scenario {scenario.name}",
                          _root(ax).get_figwidth() * 0.9)
                 + f"\n({where})", fontsize="medium")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=3,
        fontsize="small",
        frameon=False,
    )
    if spots:
        _label_solutions(ax, spots, status_quo)
    return ax


def _label_solutions(
    ax: Axes,
    spots: Sequence[tuple[NDArray[np.float64], list[str]]],
    status_quo: NDArray[np.float64],
) -> None:
    """Label each solution without piling labels up (no adjustText).

    Greedy placement: label by label (the status quo's first, then from the
    top down), the first of a ring of offsets around its point, nearest
    first, whose box (measured after a draw) lies inside the axes and clear
    of the labels already placed and of every marked solution; each label is
    joined to its point by a leader line.  With no free place, the first
    offset inside the axes is used.
    """
    from matplotlib.text import Text

    root = _root(ax)

    def text(spot: NDArray[np.float64], names: list[str]) -> str:
        if np.allclose(spot, status_quo, atol=1e-12):
            return textwrap.fill(
                "no deal: " + ", ".join(_concept_label(n) for n in names), 44,
                break_on_hyphens=False)
        return "\n".join(_concept_label(name) for name in names)

    # the status quo's (often long) label first, then from the top down
    others = sorted(
        spots,
        key=lambda item: (not np.allclose(item[0], status_quo, atol=1e-12),
                          -float(item[0][1])),
    )
    style: dict[str, Any] = {
        "fontsize": "small",
        "zorder": 8,
        "bbox": {"boxstyle": "round,pad=0.2", "facecolor": "white",
                 "edgecolor": "0.8", "alpha": 0.9},
        "arrowprops": {"arrowstyle": "-", "color": "0.4", "linewidth": 0.6,
                       "shrinkB": 5},
    }
    if not others:
        return
    root.canvas.draw()  # the layout places the axes: measure after it
    renderer = root.canvas.get_renderer()  # type: ignore[attr-defined]
    inside = ax.get_window_extent(renderer)
    pixels = root.dpi / 72.0
    # display boxes of the labels placed and of the marked points
    taken: list[tuple[float, float, float, float]] = []
    for spot, _ in spots:
        x, y = ax.transData.transform((float(spot[0]), float(spot[1])))
        r = 7.0 * pixels  # the ring marking a solution
        taken.append((x - r, y - r, x + r, y + r))
    directions = [(1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]
    for spot, names in others:
        label = ax.annotate(
            text(spot, names),
            xy=(float(spot[0]), float(spot[1])),
            xytext=(14, 10),
            textcoords="offset points",
            ha="left",
            va="bottom",
            **style,
        )
        label.set_gid("solution-label")
        label.set_in_layout(False)
        best = None
        first: tuple[float, float, Any, Any] | None = None
        for distance in (14.0, 30.0, 50.0, 75.0, 105.0, 140.0):
            for dx, dy in directions:
                label.set_position((dx * distance, dy * distance * 0.8))
                ha: Any = "left" if dx > 0 else "right" if dx < 0 else "center"
                va: Any = "bottom" if dy > 0 else "top" if dy < 0 else "center"
                label.set_horizontalalignment(ha)
                label.set_verticalalignment(va)
                label.update_positions(renderer)
                box = Text.get_window_extent(label, renderer).padded(3.0 * pixels)
                fits = (box.x0 >= inside.x0 and box.x1 <= inside.x1
                        and box.y0 >= inside.y0 and box.y1 <= inside.y1)
                clear = all(box.x1 <= x0 or box.x0 >= x1 or box.y1 <= y0
                            or box.y0 >= y1 for x0, y0, x1, y1 in taken)
                if fits and first is None:
                    first = (dx * distance, dy * distance * 0.8,
                             label.get_horizontalalignment(),
                             label.get_verticalalignment())
                if fits and clear:
                    best = box
                    break
            if best is not None:
                break
        if best is None:  # no free place: the first inside the axes, overlapping
            x, y, ha, va = (14.0, 10.0, "left", "bottom") if first is None else first
            label.set_position((x, y))
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            label.update_positions(renderer)
            best = Text.get_window_extent(label, renderer)
        taken.append((best.x0, best.y0, best.x1, best.y1))


#: Height of one line of small text in :func:`concept_comparison`'s data
#: units, and the inches one unit takes in a new figure.
_LINE: Final = 0.36
_INCH_PER_UNIT: Final = 0.4


#: Width of the outcome's swatch in :func:`concept_comparison` (axes fraction).
_SWATCH: Final = 0.05


def _outcome_swatch(ax: Axes, outcome: Any, scenario: Scenario, top: float,
                    height: float) -> None:
    """A small strip, left of an outcome's text, in its agreement's colour; a
    lottery's strip is split by its outcomes' probabilities (largest first)."""
    from matplotlib.patches import Rectangle

    weights = sorted(((int(k), float(p)) for k, p in outcome.distribution.items()
                      if p > 1e-12), key=lambda item: -item[1])
    if not weights:
        weights = [(NO_DEAL, 1.0)]
    total = sum(p for _, p in weights)
    left = 0.01
    transform = ax.get_yaxis_transform()
    for code, p in weights:
        width = _SWATCH * p / total
        patch = Rectangle((left, top), width, height, transform=transform,
                          facecolor=agreement_color(code, scenario), edgecolor="0.3",
                          linewidth=0.4, clip_on=False, zorder=3)
        patch.set_gid(f"outcome:{code}")
        patch.set_in_layout(False)
        ax.add_patch(patch)
        left += width


# -- comparison of concepts --------------------------------------------------------------
def concept_comparison(
    comparison: ConceptComparison, *, ax: Axes | None = None
) -> Axes:
    """Each party's utility under each solution concept, as grouped bars.

    One group of horizontal bars per concept (one bar per agent), with the
    agreement reached written above the group ("no deal" for the status quo;
    the probability of a deal when it is strictly between 0 and 1), after a
    swatch in the agreement's colour (:func:`agreement_color`, as in every
    figure; a lottery's swatch is split by its outcomes' probabilities).  That
    text is wrapped to the axes' width (measured after the layout) and each
    concept's slot is as tall as its text and bars, so text never runs over
    the bars or out of the axes.  Concept names are the registry's titles
    (:attr:`kurilsim.concepts.Concept.title`).  In a new figure the legend
    goes below the axes; in the caller's ``ax``, to its right.

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
    names = [_concept_label(o.concept) for o in outcomes]
    # each concept's slot, top down: its deal as wrapped text, then its bars,
    # in data units where one line of small text is _LINE high.  The text is
    # wrapped to the axes' width, measured once the layout has placed them.
    guess = sum(_LINE * 3 + 0.7 + 0.42 * len(agents) for _ in outcomes)
    created = ax is None
    ax = _one_axes(ax, (9.0, 1.9 + guess * _INCH_PER_UNIT))
    figure = _figure(ax)
    root = _root(ax)
    ax.set_yticks(np.arange(len(outcomes)), names)
    ax.set_xlabel("Expected utility (utility units)")
    ax.set_ylabel("Solution concept")
    root.canvas.draw()
    limit = ax.get_window_extent().width * (0.97 - _SWATCH - 0.015)
    probe = ax.text(0.0, 0.0, "", fontsize="small", fontstyle="italic",
                    transform=ax.transAxes)
    renderer = root.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = []
    for outcome in outcomes:
        text = f"→ {outcome.deal}"
        if 1e-9 < outcome.probability < 1 - 1e-9:
            text += f" (P(deal) = {outcome.probability:.2f})"
        per_line = len(text)
        lines = [text]
        while per_line > 20:  # the widest wrapping that fits, measured
            lines = textwrap.wrap(text, per_line) or [""]
            probe.set_text("\n".join(lines))
            if probe.get_window_extent(renderer).width <= limit:
                break
            per_line = int(per_line * 0.92)
        texts.append(lines)
    probe.remove()
    bar = 0.42  # one agent's bar, in the same units
    slots = [len(lines) * _LINE + 0.25 + bar * len(agents) + 0.45 for lines in texts]
    tops = np.concatenate([[0.0], np.cumsum(slots)[:-1]])
    total = float(sum(slots))
    if created:
        root.set_figheight(1.9 + total * _INCH_PER_UNIT)
    palette = PARTY_COLORS
    centres = np.array([top + len(lines) * _LINE + 0.25 + bar * len(agents) / 2
                        for top, lines in zip(tops, texts, strict=True)])
    for j, agent in enumerate(agents):
        values = [float(o.utilities[o.agents.index(agent)]) for o in outcomes]
        ax.barh(
            centres - bar * len(agents) / 2 + (j + 0.5) * bar,
            values,
            height=bar * 0.92,
            color=palette[j % len(palette)],
            label=_owner_label(agent),
        )
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for top, outcome in zip(tops, outcomes, strict=True):
        _outcome_swatch(ax, outcome, comparison.scenario, top + 0.12 + 0.04 * _LINE,
                        0.8 * _LINE)
    for top, lines in zip(tops, texts, strict=True):
        label = ax.text(
            0.01 + _SWATCH + 0.01,
            top + 0.12,
            "\n".join(lines),
            transform=transform,
            va="top",
            ha="left",
            fontsize="small",
            fontstyle="italic",
            color="0.2",
            linespacing=1.15,
        )
        label.set_gid("deal")
        label.set_in_layout(False)  # wrapped to the axes: not a margin
    for top in tops[1:]:
        ax.axhline(top, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.set_yticks(centres, names)
    ax.set_ylim(total, 0.0)  # first concept on top
    low = min(0.0, float(np.min([o.utilities for o in outcomes])))
    high = max(0.0, float(np.max([o.utilities for o in outcomes])))
    span = (high - low) or 1.0
    ax.set_xlim(low - 0.05 * span, high + 0.05 * span)
    ax.set_title(_wrap_to(
        f"Outcomes by solution concept, scenario {comparison.scenario.name}",
        root.get_figwidth() * 0.6))
    options: dict[str, Any] = {"ncols": len(agents), "frameon": False,
                               "title": "Utility of", "fontsize": "small"}
    if created:
        figure.legend(loc="outside lower center", **options)
    else:  # beside the user's axes, not over the bars
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  **{**options, "ncols": 1})
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
#: The map's frame (degrees: lon_min, lat_min, lon_max, lat_max): the Nemuro
#: and Shiretoko peninsulas of Hokkaido and the four southern Kuril islands.
_MAP_BOX: Final = (144.35, 42.95, 149.1, 45.75)
#: Latitude at which a degree of longitude is drawn to scale.
_MAP_LATITUDE: Final = 44.0
#: Label positions (lon, lat) of each island's name, off its coast.
_LABEL_AT: Final = {
    "habomai": (146.05, 43.18),
    "shikotan": (147.05, 43.62),
    "kunashir": (145.55, 44.55),
    "iturup": (147.3, 45.45),
}
_LAND_COLOR: Final = "#ece4d3"
_SEA_COLOR: Final = "#eef4f8"


def _coastline() -> dict[str, Any]:
    """The shipped outline ``kurilsim/data/coastline_kuril.json`` (Natural
    Earth 1:10m land, public domain; see ``kurilsim/data/README.md``)."""
    import json
    from importlib import resources

    text = resources.files("kurilsim.data").joinpath("coastline_kuril.json").read_text(
        encoding="utf-8"
    )
    found: dict[str, Any] = json.loads(text)
    return found


def _transferred(agreement: Agreement) -> tuple[set[str], set[str]]:
    """Keys of the islands an agreement transfers to Japan, and its phased
    terms (``"talks"``, ``"joint"``), from its ``islands`` option."""
    try:
        option = agreement["islands"]
    except KeyError:
        raise InvalidModelError(
            f"agreement {str(agreement)!r} has no 'islands' issue; islands_map needs "
            "an agreement of kurilsim.kuril_space()"
        ) from None
    if option == "none":
        return set(), set()
    by_initial = {each.name[0]: each.key for each in ISLANDS}
    parts = option.split("+")
    terms = {part for part in parts if part in ("talks", "joint")}
    initials = [part for part in parts if part not in terms]
    unknown = [i for i in initials if i not in by_initial]
    if unknown:
        raise InvalidModelError(
            f"islands option {option!r} is not 'none' or initials joined by '+' "
            f"({', '.join(f'{k}={v}' for k, v in by_initial.items())}), optionally "
            "with '+talks' or '+joint'"
        )
    return {by_initial[i] for i in initials}, terms


def islands_map(
    agreement: Agreement | StatusQuo | None = None, *, ax: Axes | None = None,
    scenario: Scenario | None = None,
) -> Axes:
    """A map of the four disputed islands: which transfer, under which security regime.

    Coastlines are Natural Earth's 1:10m land polygons (public domain),
    shipped as ``kurilsim/data/coastline_kuril.json`` (see
    ``kurilsim/data/README.md``), drawn in longitude and latitude with a
    degree of longitude scaled to its length at 44°N.  Islands the agreement
    transfers to Japan take the agreement's colour (:func:`agreement_color`,
    as in every figure: the hue its security regime, dark with an economic
    package); islands that stay Russian are reddish purple,
    dotted where the agreement sets up joint economic activity on them.
    With no agreement (or :data:`kurilsim.STATUS_QUO`) all four are shown as
    disputed.

    Parameters
    ----------
    agreement : Agreement or STATUS_QUO, optional
        An agreement of :func:`kurilsim.kuril_space` (any island chain).
        Its ``str()`` is the title, or its label in ``scenario``.
    ax : Axes, optional
    scenario : Scenario, optional
        The scenario the agreement comes from: the title then writes the
        values of the parameters its labels name
        (``package of 1 x Nagato`` for ``package of {japan.package_size} x
        Nagato``, see :meth:`kurilsim.Scenario.agreement_label`).

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
    ['transferred to Japan, no US forces', 'stays Russian']
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
    from matplotlib.patches import Patch, Polygon

    deal = agreement if isinstance(agreement, Agreement) else None
    transferred, terms = _transferred(deal) if deal is not None else (set(), set())
    regime = ""
    colour_japan: Any = TRANSFERRED_COLOR
    if deal is not None:
        names = [name for name, _ in deal.choices]
        if "security" in names:
            from kurilsim.kuril.space import security_regime

            issue = security_regime()
            option = deal["security"]
            if option in issue.options:
                regime = issue.labels[issue.option_index(option)]
            else:
                labels = deal.labels or tuple(o for _, o in deal.choices)
                regime = labels[names.index("security")]
        if "security" in names and "economic" in names:
            from kurilsim.kuril.space import economic_package, security_regime

            if (deal["security"] in security_regime().options
                    and deal["economic"] in economic_package().options):
                colour_japan = agreement_color(deal)  # as in every other figure
                if deal["economic"] != "none":
                    regime += ", economic package"
    outline = _coastline()
    created = ax is None
    ax = _one_axes(ax, (7.4, 6.6))
    ax.set_facecolor(_SEA_COLOR)
    keys = {each.key for each in ISLANDS}
    for feature in outline["features"]:
        name = feature["name"]
        ring = np.asarray(feature["ring"], dtype=np.float64)
        if name in keys:
            if deal is None:
                colour, hatch = DISPUTED_COLOR, "//"
            elif name in transferred:
                colour, hatch = colour_japan, None
            else:
                colour, hatch = RETAINED_COLOR, ("..." if "joint" in terms else None)
            patch = Polygon(ring, closed=True, facecolor=colour, edgecolor="0.15",
                            linewidth=0.6, hatch=hatch, zorder=3)
            patch.set_gid(name)
        else:
            patch = Polygon(ring, closed=True, facecolor=_LAND_COLOR, edgecolor="0.45",
                            linewidth=0.6, zorder=2)
            patch.set_gid(name if name == "hokkaido" else "land")
        ax.add_patch(patch)
    for each in ISLANDS:
        lon, lat = _LABEL_AT[each.key]
        if deal is None:
            status = ""
        elif each.key in transferred:
            status = "\nto Japan"
        else:
            status = "\nstays Russian"
        ax.text(lon, lat, f"{each.name}{status}\n{each.area_km2:,.0f} km²",
                ha="center", va="center", fontsize="small", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                      "edgecolor": "none", "alpha": 0.75})
    ax.text(144.75, 43.55, "Hokkaido\n(Japan)", ha="center", fontsize="small",
            color="0.3", fontstyle="italic", zorder=5)
    ax.text(146.1, 45.45, "Sea of Okhotsk", ha="center", fontsize="small",
            color="#4a6d8c", fontstyle="italic", zorder=5)
    ax.text(148.0, 43.4, "Pacific Ocean", ha="center", fontsize="small",
            color="#4a6d8c", fontstyle="italic", zorder=5)
    if deal is None:
        handles = [
            Patch(facecolor=DISPUTED_COLOR, edgecolor="0.2", hatch="//",
                  label="disputed: Russian-administered, claimed by Japan")
        ]
    else:
        handles = []
        if transferred:
            handles.append(Patch(
                facecolor=colour_japan, edgecolor="0.2",
                label="transferred to Japan" + (f", {regime}" if regime else ""),
            ))
        if len(transferred) < len(ISLANDS):
            handles.append(Patch(
                facecolor=RETAINED_COLOR, edgecolor="0.2",
                hatch="..." if "joint" in terms else None,
                label="stays Russian" + (", joint economic activity"
                                         if "joint" in terms else ""),
            ))
        if "talks" in terms:
            handles.append(Patch(facecolor="none", edgecolor="none",
                                 label="talks continue on the others"))
    ax.legend(handles=handles, loc="lower right", fontsize="small", framealpha=0.9)
    lon_min, lat_min, lon_max, lat_max = _MAP_BOX
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(1.0 / math.cos(math.radians(_MAP_LATITUDE)))
    # whole degrees well inside the frame: no tick label overhangs the figure
    ax.set_xticks(np.arange(math.ceil(lon_min + 0.2), lon_max - 0.2))
    ax.set_yticks(np.arange(math.ceil(2 * lat_min + 0.2) / 2, lat_max - 0.1, 0.5))
    ax.xaxis.set_major_formatter("{x:g}°E")
    ax.yaxis.set_major_formatter("{x:g}°N")
    ax.tick_params(labelsize="small")
    if agreement is None or isinstance(agreement, StatusQuo):
        title = str(StatusQuo())
    elif scenario is not None:
        title = scenario.agreement_label(agreement)
    else:
        title = str(agreement)
    width = _root(ax).get_figwidth() if created else 5.0
    ax.set_title(_wrap_to(title, width * 0.9, 12.0))
    note = ax.annotate(
        "Coastlines: Natural Earth 1:10m (public domain)",
        xy=(0.0, 0.0), xycoords="axes fraction", xytext=(2, 2),
        textcoords="offset points", fontsize="x-small", color="0.35",
        ha="left", va="bottom",
        # on a light box: the note sits over Hokkaido's coast, whose line
        # would otherwise cross the text
        bbox={"boxstyle": "square,pad=0.2", "facecolor": "white",
              "edgecolor": "none", "alpha": 0.85},
    )
    note.set_zorder(6)
    return ax


# -- robustness ------------------------------------------------------------------------
def _outcome_codes(
    report: RobustnessReport, scenario: Scenario | None
) -> tuple[dict[str, int], Scenario | None]:
    """The agreement index of each of ``report``'s outcome labels (no deal:
    ``NO_DEAL``), labelled as :func:`kurilsim.robustness` labels them, and
    the scenario they index."""
    codes = {"no deal": NO_DEAL}
    if scenario is None:
        from kurilsim.kuril.scenarios import list_scenarios, load_scenario

        if report.scenario not in list_scenarios():
            return codes, None
        scenario = load_scenario(report.scenario)
    varying = list(report.parameters)
    for k in range(len(scenario.space)):
        codes.setdefault(scenario.agreement_label(k, varying=varying), k)
    return codes, scenario


#: Characters per line of an outcome's label in :func:`robustness`.
_WRAP: Final = 60

def robustness(
    report: RobustnessReport,
    *,
    output: str = "deal",
    count: int = 10,
    outcomes: int = 8,
    scenario: Scenario | None = None,
    ax: Sequence[Axes] | None = None,
) -> list[Axes]:
    """A robustness report in two panels: outcome probabilities and sensitivities.

    Top: the probability of each of the ``outcomes`` likeliest outcomes
    (horizontal bars in the agreements' colours, :func:`agreement_color`, as
    in every figure; "no deal" grey) with 95% error bars (1.96 Monte-Carlo
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
    scenario : Scenario, optional
        The scenario analysed, whose agreements the outcome labels name
        (default: the bundled scenario of that name, if there is one).  A
        label that names none of its agreements gets a white bar.
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
    if scenario is not None:
        check_instance(scenario, Scenario, "scenario", what="a Scenario or None",
                       error=InvalidModelError)
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
    codes, indexed = _outcome_codes(report, scenario)
    left.barh(
        np.arange(len(shown)),
        [p for _, p in shown],
        xerr=[1.96 * report.outcome_errors[label] for label in labels],
        color=[(1.0, 1.0, 1.0) if label not in codes else agreement_color(
            codes[label], indexed) for label in labels],
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
            color=("0.3", "0.65")[k],  # greys: no index looks like an agreement
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


def provenance(result: Any) -> dict[str, str]:
    """What produced a sweep result, for a figure's metadata.

    The dict of :meth:`kurilsim.SweepResult.provenance` (kurilsim's version,
    the scenario as TOML, the concept, the grid or design, the seed and the
    time, UTC ISO 8601), as text.  Pass it to
    :func:`figure_metadata` for ``savefig(..., metadata=...)``.

    Examples
    --------
    >>> import kurilsim, kurilsim.plot
    >>> result = kurilsim.sweep(kurilsim.kuril_scenario(name="s"),
    ...                         {"russia.security_weight": [0.0, 1.0]},
    ...                         progress=False)
    >>> sorted(kurilsim.plot.provenance(result))[:3]
    ['concept', 'design', 'grid']
    """
    facts: dict[str, str] = result.provenance()
    return facts


def figure_metadata(facts: dict[str, str], file_format: str) -> dict[str, str] | None:
    """``savefig``'s ``metadata=`` carrying ``facts`` in ``file_format``.

    PNG takes any text key (one per fact, ``kurilsim:`` prefixed); PDF and
    SVG take fixed keys: the facts go to ``Subject`` / ``Description`` as
    JSON; PostScript takes ``Creator`` only; other formats take none
    (``None``).

    Examples
    --------
    >>> from kurilsim.plot import figure_metadata
    >>> figure_metadata({"concept": "spe"}, "png")
    {'Software': 'kurilsim', 'kurilsim:concept': 'spe'}
    >>> figure_metadata({"concept": "spe"}, "jpg") is None
    True
    """
    import json

    text = json.dumps(dict(facts), sort_keys=True)
    version = facts.get("kurilsim", "")
    kind = file_format.lower()
    if kind == "png":
        return {"Software": f"kurilsim {version}".strip(),
                **{f"kurilsim:{key}": value for key, value in facts.items()}}
    if kind == "pdf":
        return {"Creator": f"kurilsim {version}".strip(), "Subject": text}
    if kind == "svg":
        return {"Creator": f"kurilsim {version}".strip(), "Description": text}
    if kind in ("ps", "eps"):
        return {"Creator": f"kurilsim {version}".strip()}
    return None
