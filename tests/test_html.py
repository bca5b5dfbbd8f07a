"""The notebook views' HTML building blocks (kurilsim._html), and a checker of
well-formed, escaped views that the tests of each ``_repr_html_`` use."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from html.parser import HTMLParser

import numpy as np
import pytest

import kurilsim
from kurilsim._html import (
    LOTTERY_NOTE,
    Html,
    bullets,
    details,
    escape,
    join,
    lottery,
    number,
    paragraph,
    percent,
    table,
    view,
)

#: The only elements a view may contain.
ALLOWED = frozenset({"div", "table", "caption", "thead", "tbody", "tr", "th", "td",
                     "ul", "li", "p", "small", "details", "summary"})

#: Text no view may ever contain unescaped: it would be markup from a user file.
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@dataclasses.dataclass
class View:
    """What :func:`parse_view` read: the tags in order and the text."""

    tags: list[str]
    text: str
    cells: list[str]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, f"unexpected element <{tag}>"
        self.stack.append(tag)
        self.tags.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_view(markup: str) -> View:
    """Parse a ``_repr_html_`` output, checking it is one balanced
    ``<div class="kurilsim-view">`` of the allowed elements only."""
    assert isinstance(markup, str)
    assert markup.startswith('<div class="kurilsim-view">'), markup[:80]
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    assert not reader.stack, f"unclosed elements {reader.stack}"
    return View(reader.tags, "".join(reader.text), reader.cells)


# -- the building blocks ---------------------------------------------------------------
def test_text_is_escaped_and_markup_kept() -> None:
    assert escape(HOSTILE) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    )
    assert escape(Html("<b>x</b>")) == "<b>x</b>"
    assert isinstance(escape("x"), Html)
    assert escape(0.5) == "0.5"
    assert join(["<", Html("<br>"), 1], " & ") == "&lt; &amp; <br> &amp; 1"


def test_numbers_are_short_and_exact_where_they_are_exact() -> None:
    assert number(0.1 + 0.2) == "0.3"
    assert number(np.float64(1 / 3)) == "0.3333"
    assert number(np.int64(7)) == "7"
    assert number(Fraction(3, 4)) == "3/4"
    assert number(True) == "True"
    assert number(float("nan")) == "?"
    assert number(1e-12) == "1e-12"


@pytest.mark.parametrize(("p", "text"), [
    (0.57, "57%"), (0.0001, "<1%"), (0.9999, ">99%"), (1.0, "100%"), (0.0, "0%"),
])
def test_percentages_never_round_a_chance_away(p: float, text: str) -> None:
    assert percent(p) == text


def test_a_table_escapes_every_cell_caption_and_header() -> None:
    markup = table([[HOSTILE, 1.0]], header=[HOSTILE, "p"], caption=HOSTILE,
                   row_headers=True)
    found = parse_view(view(markup))
    assert found.tags == ["div", "table", "caption", "thead", "tr", "th", "th",
                          "tbody", "tr", "th", "td"]
    assert found.text.count(HOSTILE) == 3
    assert found.cells == [HOSTILE, "p", HOSTILE, "1"]


def test_a_lottery_lists_its_support_and_weights_most_likely_first() -> None:
    found = parse_view(view(lottery([("A", 0.25), ("B <x>", 0.75), ("C", 0.0)])))
    assert found.tags == ["div", "ul", "li", "li"]
    assert found.text == "lottery:75% B <x>25% A"
    # a sure outcome is its bare label, not a lottery
    assert lottery([("A", 1.0), ("B", 0.0)]) == "A"


def test_a_long_lottery_sums_its_tail() -> None:
    weights = [(f"o{k}", 0.1) for k in range(10)]
    found = parse_view(view(lottery(weights, shown=3)))
    assert found.tags.count("li") == 4
    assert found.text.endswith("+ 7 more: 70%")


def test_details_bullets_and_paragraphs_escape_their_text() -> None:
    found = parse_view(view(details(HOSTILE, bullets([HOSTILE, "b"])),
                            paragraph(HOSTILE, small=True), "", paragraph("x")))
    assert found.tags == ["div", "details", "summary", "ul", "li", "li", "p", "small",
                          "p"]
    assert found.text == HOSTILE + HOSTILE + "b" + HOSTILE + "x"


def test_the_lottery_note_says_a_lottery_is_not_a_treaty() -> None:
    assert "lottery" in LOTTERY_NOTE
    assert "not one treaty" in LOTTERY_NOTE


# -- every view escapes what comes from a scenario file --------------------------------
def _hostile_scenario() -> kurilsim.Scenario:
    base = kurilsim.kuril_scenario(name="default")
    return dataclasses.replace(base, name=HOSTILE, title=HOSTILE, description=HOSTILE,
                               notes=(HOSTILE,))


def test_no_view_lets_markup_from_a_scenario_file_through() -> None:
    scenario = _hostile_scenario()
    comparison = kurilsim.compare_concepts(scenario, ("spe", "nash-bargaining"))
    result = kurilsim.sweep(scenario, {"russia.security_weight": [0.0, 1.0]},
                            progress=False)
    for shown in (scenario, comparison, comparison["spe"], result):
        markup = shown._repr_html_()
        found = parse_view(markup)  # no <script> or <b> element: they are text
        assert HOSTILE in found.text, type(shown).__name__
        assert "<script>" not in markup
