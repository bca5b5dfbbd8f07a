"""HTML building blocks for the notebook views of kurilsim's objects.

The ``_repr_html_`` methods of :class:`~kurilsim.Scenario`,
:class:`~kurilsim.analysis.ConceptComparison`, :class:`~kurilsim.Outcome`,
:class:`~kurilsim.solvers.results.NashResult`,
:class:`~kurilsim.solvers.results.Equilibrium` and
:class:`~kurilsim.sweeps.result.SweepResult` build their tables here, so that
every view escapes its text the same way: scenario names, titles and notes
come from user files and reach the page only through :func:`escape`.

Text is escaped unless it is :class:`Html`, the type of what these functions
return: a caller passes plain strings (escaped) or the output of another
helper (kept as is), and never writes markup by hand.

Examples
--------
>>> from kurilsim._html import table
>>> print(table([["<b>", 0.5]], header=["name", "p"]))
<table class="kurilsim"><thead><tr><th>name</th><th>p</th></tr></thead><tbody><tr><td>&lt;b&gt;</td><td>0.5</td></tr></tbody></table>
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from numbers import Integral, Real
from typing import Final

__all__ = [
    "LOTTERY_NOTE",
    "Html",
    "bullets",
    "details",
    "escape",
    "join",
    "lottery",
    "number",
    "paragraph",
    "percent",
    "table",
    "view",
]

#: What a lottery is, said under every view that shows one.
LOTTERY_NOTE: Final = (
    "A lottery is an outcome left to chance: each agreement listed (or no deal) "
    "happens with the probability shown, so it is not one treaty, and its "
    "utilities are expected utilities."
)

#: Most outcomes of a lottery listed before the rest is summed up.
LOTTERY_SHOWN: Final = 8


class Html(str):
    """Markup built by this module: inserted as is, never escaped again."""

    __slots__ = ()


def escape(value: object) -> Html:
    """``value`` as HTML text: markup kept, anything else ``str()``-ed and escaped.

    Examples
    --------
    >>> escape('<script>"x"</script>')
    '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    >>> escape(Html("<b>kept</b>"))
    '<b>kept</b>'
    """
    if isinstance(value, Html):
        return value
    if isinstance(value, (Real, Fraction)) and not isinstance(value, bool):
        return Html(html.escape(number(value)))
    return Html(html.escape(str(value), quote=True))


def number(value: object, digits: int = 4) -> str:
    """A number as short text: integers whole, floats to ``digits``
    significant digits, fractions exact, NaN as ``"?"``.

    Examples
    --------
    >>> number(0.010000000000000002), number(3), number(float("nan"))
    ('0.01', '3', '?')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Real):
        x = float(value)
        return "?" if math.isnan(x) else f"{x:.{digits}g}"
    return str(value)


def join(parts: Iterable[object], separator: str = "") -> Html:
    """The escaped parts one after the other (``separator`` is escaped too)."""
    return Html(escape(separator).join(escape(part) for part in parts))


def _element(tag: str, content: object, title: str | None = None) -> Html:
    attribute = "" if title is None else f' title="{escape(title)}"'
    return Html(f"<{tag}{attribute}>{escape(content)}</{tag}>")


def table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] | None = None,
    caption: object | None = None,
    row_headers: bool = False,
) -> Html:
    """A ``<table>`` of ``rows`` (each a sequence of cells, escaped).

    Parameters
    ----------
    rows : iterable of sequences
        The cells; numbers are formatted by :func:`number`.
    header : sequence, optional
        Column names.
    caption : str or Html, optional
    row_headers : bool
        Whether each row's first cell is a ``<th>`` (a name/value table).

    Examples
    --------
    >>> print(table([["agents", 3]], caption="s", row_headers=True))
    <table class="kurilsim"><caption>s</caption><tbody><tr><th>agents</th><td>3</td></tr></tbody></table>
    """
    parts = ['<table class="kurilsim">']
    if caption is not None:
        parts.append(_element("caption", caption))
    if header is not None:
        parts.append("<thead><tr>" + "".join(_element("th", h) for h in header)
                     + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        cells = [
            _element("th" if row_headers and k == 0 else "td", cell)
            for k, cell in enumerate(row)
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return Html("".join(parts))


def lottery(weights: Iterable[tuple[object, float]], *, shown: int = LOTTERY_SHOWN
            ) -> Html:
    """An outcome distribution as a list: ``57% label`` per outcome, most likely
    first; one outcome of probability 1 as its bare label.

    Outcomes beyond ``shown`` are summed in a last line (``+ 3 more: 2%``).

    Examples
    --------
    >>> print(lottery([("A", 0.43), ("B", 0.57)]))
    lottery:<ul><li>57% B</li><li>43% A</li></ul>
    >>> print(lottery([("A", 1.0)]))
    A
    """
    pairs = sorted(((label, float(p)) for label, p in weights if p > 1e-12),
                   key=lambda item: -item[1])
    if len(pairs) == 1:
        return escape(pairs[0][0])
    items = [_element("li", f"{percent(p)} {label}") for label, p in pairs[:shown]]
    rest = pairs[shown:]
    if rest:
        items.append(_element(
            "li", f"+ {len(rest)} more: {percent(sum(p for _, p in rest))}"))
    return Html("lottery:<ul>" + "".join(items) + "</ul>")


def percent(p: float) -> str:
    """A weight as a percentage, small ones not rounded to 0 % nor large ones to 100 %.

    Examples
    --------
    >>> percent(0.57), percent(0.001), percent(0.9999)
    ('57%', '<1%', '>99%')
    """
    if 0.0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1.0:
        return ">99%"
    return f"{p:.0%}"


def bullets(items: Iterable[object]) -> Html:
    """A ``<ul>`` with one ``<li>`` per item (escaped).

    Examples
    --------
    >>> print(bullets(["a<b", "c"]))
    <ul><li>a&lt;b</li><li>c</li></ul>
    """
    return Html("<ul>" + "".join(_element("li", item) for item in items) + "</ul>")


def paragraph(text: object, *, small: bool = False) -> Html:
    """A ``<p>`` of ``text`` (``small``: a footnote)."""
    inner = _element("small", text) if small else escape(text)
    return Html(f"<p>{inner}</p>")


def details(summary: object, content: object) -> Html:
    """A collapsed section: ``summary`` shown, ``content`` on a click."""
    return Html(f"<details>{_element('summary', summary)}{escape(content)}</details>")


def view(*parts: object) -> Html:
    """The parts of one object's view in a ``<div>`` (empty parts left out)."""
    inner = "".join(escape(part) for part in parts if part != "")
    return Html(f'<div class="kurilsim-view">{inner}</div>')
