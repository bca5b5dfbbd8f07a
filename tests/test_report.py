"""kurilsim.report: the self-contained HTML page of a scenario, checked by parsing
it and by loading it in a headless browser."""

from __future__ import annotations

import base64
import dataclasses
import re
import shutil
import tempfile
from collections.abc import Iterator
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import kurilsim
from kurilsim import (
    AgreementSpace,
    InvalidArgumentError,
    InvalidModelError,
    Issue,
    LinearAgent,
    NegotiationProtocol,
    OutputError,
    Prior,
    Scenario,
    report,
)
from kurilsim.calibrated import calibrated_posterior, scenario_calibration
from kurilsim.report import LOTTERY_NOTE, write_report
from tests.bad_arguments import call, check_named, params

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SECTIONS = ("provenance", "concepts", "headline", "robustness", "calibration",
            "parameters")
EVIL = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def small_robustness(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the report's robustness analysis on a small sample (the defaults,
    1024 x 35 runs and 4096 draws, take seconds; the slow test keeps them)."""
    monkeypatch.setattr(report, "ROBUSTNESS_SAMPLES", 64)
    monkeypatch.setattr(report, "ROBUSTNESS_DRAWS", 256)


class _Page(HTMLParser):
    """The elements of a page: every tag with its attributes, the text of
    each section and the style sheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _section(html: str, key: str) -> str:
    """The markup of one ``<section id=key>``."""
    found = re.search(rf'<section id="{key}">(.*?)</section>', html, flags=re.DOTALL)
    assert found is not None, f"no section {key!r}"
    return found.group(1)


def _text(markup: str) -> str:
    page = _Page()
    page.feed(markup.replace("<wbr>", ""))  # a break opportunity, not a space
    return " ".join(" ".join(page.text).split())


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@pytest.fixture(scope="module")
def singapore(folder: Path) -> Path:
    """The report of a bundled scenario with a lottery concept (pbe gives a
    26 % chance of a deal at 2018-singapore), at a small resolution."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "ROBUSTNESS_SAMPLES", 64)
        patch.setattr(report, "ROBUSTNESS_DRAWS", 256)
        return write_report(kurilsim.load_scenario("2018-singapore"),
                            folder / "singapore.html", concepts=["spe", "pbe"],
                            resolution=7)


def _sale(name: str = "sale", **fields: object) -> Scenario:
    """A small generic scenario (no Kuril parameters)."""
    price = Issue(name="price", options=("low", "high"), features={"level": (1.0, 2.0)})
    return Scenario(
        name=name,
        space=AgreementSpace((price,)),
        agents=(LinearAgent(name="buyer", weights={"price.level": -1.0}),
                LinearAgent(name="seller", weights={"price.level": 2.0},
                            status_quo=0.5)),
        protocol=NegotiationProtocol(proposer="buyer", responder="seller"),
        **fields,  # type: ignore[arg-type]
    )


# -- structure --------------------------------------------------------------------------
def test_every_section_is_present_with_its_heading(singapore: Path) -> None:
    html = singapore.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    for key in SECTIONS:
        assert "<h2>" in _section(html, key)
    assert "Not available" not in html  # a bundled scenario has every part
    page = _parse(singapore)
    links = [attrs["href"] for attrs in page.all("a")]
    assert links == [f"#{key}" for key in SECTIONS]  # the table of contents


def test_provenance_names_version_scenario_time_and_settings(singapore: Path) -> None:
    html = singapore.read_text(encoding="utf-8")
    text = _text(_section(html, "provenance"))
    assert f"kurilsim version {kurilsim.__version__}" in text
    assert "scenario 2018-singapore" in text
    assert re.search(r"written \(UTC\) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", text)
    assert "concepts compared spe, pbe" in text
    assert "samples 64, draws 256, seed 1" in text
    toml = kurilsim.load_scenario("2018-singapore").to_toml()
    assert f"<pre>{html_escape(toml)}</pre>" in html  # the scenario as TOML
    metas = {attrs["name"]: attrs["content"] for attrs in _parse(singapore).all("meta")
             if attrs.get("name", "").startswith("kurilsim:")}
    assert metas["kurilsim:kurilsim"] == kurilsim.__version__
    assert metas["kurilsim:scenario_name"] == "2018-singapore"


def test_parameters_carry_values_priors_and_sources(singapore: Path) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    text = _text(_section(singapore.read_text(encoding="utf-8"), "parameters"))
    for name in scenario.parameters():
        assert name in text
    prior = scenario.priors()["japan.audience_cost"]
    assert prior.label() in text
    assert prior.source
    assert prior.source in text
    for note in scenario.notes:
        assert " ".join(note.split()) in text


def test_parameter_counts_agree_and_the_held_ones_are_named_with_why(
    singapore: Path,
) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    reference = kurilsim.robustness(scenario, samples=64, draws=256, rng=1)
    free = scenario.free_parameters()
    held = [name for name in free if name not in reference.parameters]
    assert (len(free), len(reference.parameters), len(held)) == (43, 33, 10)
    html = singapore.read_text(encoding="utf-8")
    said = {"parameters": ("43 of them uncertain", "varies 33 of these 43"),
            "robustness": ("the 33 of the scenario's 43 uncertain parameters",)}
    for key, phrases in said.items():
        text = _text(_section(html, key))
        assert all(phrase in text for phrase in phrases), key
        assert "the other 10" in text
        assert "only another concept reads them" in text
        for name in held:  # each named, under the concept that reads it
            reader = scenario.read_by(name)
            assert reader in ("pbe", "two-level")
            group = re.search(rf"{reader}: ([^;)]*)", text)
            assert group is not None
            assert name in group.group(1)
    # the old claim that the robustness analysis varies all 43 is gone
    params = _text(_section(html, "parameters"))
    assert "which the robustness analysis varies" not in params
    assert params.count("held in the robustness analysis") == len(held)
    # the function's own note is said once, in the paragraph's words
    assert "held at their values, read only by other concepts" not in html


def test_the_placeholder_explanation_comes_before_the_first_placeholder(
    singapore: Path,
) -> None:
    html = singapore.read_text(encoding="utf-8")
    text = _text(html)
    first = text.index("{japan.package_size}")
    note = text.index("{japan.package_size} stands for the value of japan.package_size")
    assert note == first  # the note is where a reader first meets one
    robustness = _text(_section(html, "robustness"))
    assert robustness.index("stands for the value") < robustness.index(
        "Probability of each outcome")
    assert "which varies from draw to draw" in robustness


def test_swatches_show_each_outcome_in_its_figure_colour(singapore: Path) -> None:
    from matplotlib.colors import to_hex

    from kurilsim.plot import agreement_color

    scenario = kurilsim.load_scenario("2018-singapore")
    html = singapore.read_text(encoding="utf-8")
    study = kurilsim.two_vs_four_islands(scenario, resolution=7, progress=False)
    headline = _section(html, "headline")
    for code in {int(c) for c in study.agreement.ravel()}:
        swatch = (f'<span class="swatch" style="background: '
                  f'{to_hex(agreement_color(code, scenario))}"></span>')
        assert swatch + html_escape(study.label(code)) in headline
    pbe = kurilsim.solve_scenario(scenario, "pbe")
    concepts = _section(html, "concepts")
    for code in pbe.distribution:
        assert to_hex(agreement_color(code, scenario)) in concepts


def test_concepts_show_a_lottery_as_its_outcomes(singapore: Path) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    pbe = kurilsim.solve_scenario(scenario, "pbe")
    assert pbe.is_lottery  # the reference: a lottery at these values
    markup = _section(singapore.read_text(encoding="utf-8"), "concepts")
    text = _text(markup)
    assert "lottery" in text
    assert " ".join(LOTTERY_NOTE.split()) in text
    for index, p in pbe.distribution.items():
        assert f"{p:.0%} {pbe.labels[index]}" in text
    assert f"{pbe.probability:.3f}" in text
    spe = kurilsim.solve_scenario(scenario, "spe")
    assert markup.count('<span class="tag">lottery</span>') == 1  # spe is no lottery
    assert spe.deal in text


def test_headline_shares_match_the_study(singapore: Path) -> None:
    study = kurilsim.two_vs_four_islands(kurilsim.load_scenario("2018-singapore"),
                                         resolution=7, progress=False)
    text = _text(_section(singapore.read_text(encoding="utf-8"), "headline"))
    assert "7 × 7" in text
    assert f"{study.size:,} points" in text
    for demand in (2, 4):
        for label, share in study.sel({"japan.demand": demand}).outcome_shares().items():
            assert label in text
            assert f"{100 * share:.1f}%" in text


def test_robustness_and_calibration_match_their_functions(singapore: Path) -> None:
    scenario = kurilsim.load_scenario("2018-singapore")
    reference = kurilsim.robustness(scenario, samples=64, draws=256, rng=1)
    html = singapore.read_text(encoding="utf-8")
    text = _text(_section(html, "robustness"))
    assert f"P(deal) = {reference.p_deal:.3f} ± {reference.p_deal_error:.3f}" in text
    label, p, _ = reference.most_likely
    assert f"{label} {p:.3f}" in text
    name, index, half = reference.top("deal", 1)[0]
    assert f"deal {name} {index:.2f} ± {half:.2f}" in text
    summary = scenario_calibration(calibrated_posterior(), "2018-singapore")
    text = _text(_section(html, "calibration"))
    assert f"{summary.no_deal[0]:.3f} ± {summary.no_deal[1]:.3f}" in text
    assert f"the outcome is: {summary.outcome_at_points}" in text
    for name in summary.points:
        assert name in text


def test_every_image_is_an_inline_png(singapore: Path) -> None:
    images = _parse(singapore).all("img")
    assert len(images) == 3  # concepts, phase diagram, robustness
    for attrs in images:
        source = attrs["src"] or ""
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        data = base64.b64decode(source[len(prefix):], validate=True)
        assert data.startswith(PNG_SIGNATURE)
        assert attrs["alt"]
    # the phase diagram carries the sweep's provenance in its PNG text chunks
    headline = _section(singapore.read_text(encoding="utf-8"), "headline")
    source = re.search(r'src="data:image/png;base64,([^"]+)"', headline)
    assert source is not None
    assert b"kurilsim:scenario_name" in base64.b64decode(source.group(1))


def test_the_page_loads_nothing(singapore: Path) -> None:
    page = _parse(singapore)
    names = {name for name, _ in page.tags}
    assert not names & {"script", "link", "iframe", "object", "embed", "base"}
    for name, attrs in page.tags:
        for key in ("src", "href", "srcset", "data", "action", "poster", "background"):
            value = attrs.get(key)
            if value is None:
                continue
            assert "http" not in value.lower(), (name, key, value[:80])
            if key == "href":
                assert value.startswith("#")
            if key == "src":
                assert value.startswith("data:")
        assert "url(" not in (attrs.get("style") or "")
    styles = " ".join(page.styles)
    assert "url(" not in styles
    assert "@import" not in styles


def test_user_text_is_escaped(folder: Path) -> None:
    base = kurilsim.load_scenario("2018-singapore")
    scenario = dataclasses.replace(
        base, name=f"evil{EVIL}", title=f"title {EVIL}", description=f"about {EVIL}",
        notes=(f"note {EVIL}", "a & b"),
    ).with_priors({"japan.treaty_value": Prior.uniform(
        0, 1, reasoning=f"reason {EVIL}", source='<img src="http://x.invalid/a.png">')})
    path = write_report(scenario, folder / "evil.html", concepts=["spe"], resolution=3)
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<img src=\"http" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "a &amp; b" in html
    page = _parse(path)
    assert not page.all("script")
    assert len(page.all("img")) == 3  # no image smuggled in by a source
    text = " ".join(page.text)
    for where in (f"title {EVIL}", f"note {EVIL}", f"reason {EVIL}", f"about {EVIL}"):
        assert where in text  # shown as text, as written
    assert "Not available" in html  # no stored calibration for a renamed scenario


def test_a_generic_scenario_says_what_does_not_apply(folder: Path) -> None:
    path = write_report(_sale(), folder / "sale.html")
    html = path.read_text(encoding="utf-8")
    headline = _text(_section(html, "headline"))
    assert "Not available for this scenario" in headline
    assert "no parameter japan.demand" in headline
    assert "Not available" in _section(html, "calibration")
    assert "Not available" not in _section(html, "robustness")
    concepts = _text(_section(html, "concepts"))
    assert "Not applicable to this scenario: pbe" in concepts  # Kuril-only concept
    assert len(_parse(path).all("img")) == 2  # concepts and robustness


def test_no_robustness_figure_where_nothing_varies(folder: Path) -> None:
    scenario = kurilsim.load_scenario("2022-suspension")
    reference = kurilsim.robustness(scenario, samples=64, draws=256, rng=1)
    assert set(reference.indices.constant) == set(reference.indices.outputs)
    path = write_report(scenario, folder / "2022.html", concepts=["spe"], resolution=3)
    markup = _section(path.read_text(encoding="utf-8"), "robustness")
    assert "<img" not in markup  # an empty index panel would mislead
    assert "No figure: no output varies over the sample." in _text(markup)
    assert "(constant: no parameter moves it)" in _text(markup)
    assert len(_parse(path).all("img")) == 2  # concepts and phase diagram


# -- writing ----------------------------------------------------------------------------
def test_an_existing_file_is_never_overwritten_silently(folder: Path) -> None:
    target = folder / "existing.html"
    target.write_text("earlier", encoding="utf-8")
    with pytest.raises(OutputError, match=r"existing\.html exists; pass overwrite=True"):
        write_report(_sale(), target)
    assert target.read_text(encoding="utf-8") == "earlier"
    assert write_report(_sale(), target, concepts=["spe"], overwrite=True) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in folder.iterdir() if p.name.startswith(".existing")] == []


def test_a_chosen_concept_that_cannot_solve_the_scenario_is_an_error(folder: Path
                                                                     ) -> None:
    target = folder / "pbe.html"
    with pytest.raises(InvalidModelError, match="pledge_credibility"):
        write_report(_sale(), target, concepts=["spe", "pbe"])
    assert not target.exists()


def test_returns_the_path_given(folder: Path) -> None:
    target = folder / "Sale.HTM"
    result = write_report(_sale(), str(target), concepts=["nash"])
    assert result == target
    assert target.is_file()


def _out() -> Path:
    return Path(tempfile.gettempdir()) / "kurilsim-test-report-never-written.html"


#: Bad arguments: each raises before any work, naming the argument and value.
BAD_ARGUMENTS = [
    ("unknown concept", call(write_report, _sale(), _out(), concepts=["nonsense"]),
     InvalidModelError, r"concept must be one of .*got 'nonsense'"),
    ("concept a string", call(write_report, _sale(), _out(), concepts="spe"),
     InvalidArgumentError, r"concepts must be a sequence .*got 'spe'"),
    ("no concept", call(write_report, _sale(), _out(), concepts=[]),
     InvalidArgumentError, r"concepts must name at least one concept.*got \[\]"),
    ("resolution 1", call(write_report, _sale(), _out(), resolution=1),
     InvalidArgumentError, r"resolution must be an integer >= 2, got 1"),
    ("resolution float", call(write_report, _sale(), _out(), resolution=41.0),
     InvalidArgumentError, r"resolution must be an integer >= 2, got 41\.0"),
    ("resolution huge", call(write_report, _sale(), _out(), resolution=100_000),
     kurilsim.ProblemTooLargeError, r"resolution=100000 makes 20,000,000,000 points"),
    ("not a scenario", call(write_report, "2018-singapore", _out()),
     InvalidArgumentError, r"scenario must be .*Scenario.*got '2018-singapore'"),
    ("overwrite not bool", call(write_report, _sale(), _out(), overwrite="yes"),
     InvalidArgumentError, r"overwrite must be True or False, got 'yes'"),
    ("progress not bool", call(write_report, _sale(), _out(), progress=None),
     InvalidArgumentError, r"progress must be True or False, got None"),
    ("wrong suffix", call(write_report, _sale(), Path(tempfile.gettempdir()) / "r.txt"),
     OutputError, r"report .*r\.txt: expected a file name ending in \.html or \.htm"),
    ("missing folder", call(write_report, _sale(), "/nonexistent-kurilsim/r.html"),
     OutputError, r"/nonexistent-kurilsim/r\.html: directory .* does not exist"),
    ("out not a path", call(write_report, _sale(), 5),
     InvalidArgumentError, r"path must be a file path .*got 5"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), params(BAD_ARGUMENTS))
def test_bad_argument_is_named(call: object, error: type[Exception], pattern: str
                               ) -> None:
    check_named(call, error, pattern)  # type: ignore[arg-type]
    assert not _out().exists()


# -- in a browser -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium driven by Selenium through Debian's chromedriver
    (never Selenium Manager, which would download a browser); the test skips,
    saying what to install, where either is missing."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="the browser test needs selenium: "
        "pip install selenium (the 'browser' extra)")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.skip("the browser test needs Chromium and its driver: "
                    "apt-get install chromium chromium-driver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1200,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield session
    finally:
        session.quit()


def test_the_page_renders_in_a_headless_browser(browser: Any, singapore: Path,
                                                 tmp_path: Path) -> None:
    browser.get(singapore.resolve().as_uri())
    states = browser.execute_script(
        "return Array.from(document.images).map("
        "i => [i.complete, i.naturalWidth, i.naturalHeight]);")
    logged = browser.get_log("browser")
    title = browser.title
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert title == "kurilsim report: 2018-singapore"
    assert len(states) == 3
    assert all(complete and width > 0 and height > 0 for complete, width, height in states)
    bad = [entry for entry in logged
           if entry.get("level") in ("SEVERE", "ERROR") or "error" in
           str(entry.get("message", "")).lower()]
    assert bad == []
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[0] >= 600
    assert pixels.shape[1] >= 1000
    assert pixels[..., :3].std() > 0.05  # not blank: text and tables drawn
    assert len({tuple(row) for row in pixels[::7, ::7, :3].reshape(-1, 3)}) > 20


@pytest.mark.slow
def test_default_settings_build_a_bundled_scenarios_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "ROBUSTNESS_SAMPLES", 1024)  # the module's defaults
    monkeypatch.setattr(report, "ROBUSTNESS_DRAWS", 4096)
    path = write_report(kurilsim.load_scenario("1993-tokyo"), tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    for key in SECTIONS:
        _section(html, key)
    assert "Not available" not in html
    text = _text(_section(html, "provenance"))
    assert "samples 1024, draws 4096, seed 1" in text
    for name in kurilsim.concepts.names():
        assert name in text
    assert "41 values from 0 to 4" in text
