"""The explorer and the landing page in a real headless Chromium, with the network cut off.

Chromium is Debian's (``apt-get install chromium``, done by ``make system-deps``),
driven by Playwright. Every request to anything but this machine is aborted and
recorded; each test asserts the record is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from rdflib import RDF

import rarekg
from conftest import DATA, make_root
from rarekg.analysis import project
from rarekg.analysis.asof import in_force
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR
from rarekg.viz import explore, explorer_page, write_page
from rarekg.viz.view import scaled
from servers import rarekg_serve
from test_in_force import boundary_days

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DY = str(RKR.Dysprosium)
ON_MACHINE = {"127.0.0.1", "localhost"}

pytestmark = pytest.mark.slow


@dataclass
class Visit:
    """A page and what it did: requests that tried to leave the machine, console errors."""

    page: Page
    off_machine: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Fail when the page reached off the machine or logged an error."""
        assert self.off_machine == [], "the page tried to reach off the machine"
        assert self.errors == [], "the page logged errors"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`apt-get install -y chromium`, which `make system-deps` runs)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with rarekg_serve() as base:
        yield base


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[[str], Visit]]:
    contexts = []

    def open_page(url: str) -> Visit:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        contexts.append(context)
        visit = Visit(context.new_page())

        def guard(route: Route) -> None:
            address = urlsplit(route.request.url)
            if address.scheme in {"file", "data", "blob"} or address.hostname in ON_MACHINE:
                route.continue_()
            else:
                visit.off_machine.append(route.request.url)
                route.abort()

        visit.page.route("**/*", guard)
        visit.page.on(
            "console", lambda m: visit.errors.append(m.text) if m.type == "error" else None
        )
        visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
        visit.page.goto(url)
        return visit

    yield open_page
    for context in contexts:
        context.close()


def set_day(page: Page, day: str) -> None:
    """Move the time control to ``day`` as a person would: type it into its date box."""
    page.fill("#time input[type=date]", day)
    page.dispatch_event("#time input[type=date]", "change")


def ready(visit: Visit) -> Page:
    """Wait until the explorer has laid out its graph and turned physics off."""
    visit.page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return visit.page


def search(page: Page, text: str) -> None:
    page.fill("input[type=search]", text)
    page.press("input[type=search]", "Enter")


def test_explorer_loads_offline_without_errors(visit: Callable[[str], Visit], server: str) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    assert page.evaluate("DATA.nodes.length") > 200
    assert page.evaluate("DATA.edges.length") > 300
    assert page.evaluate("nodes.length") < 40, "the overview opens on groups"
    assert page.evaluate("network.physics.options.enabled") is False
    assert page.locator("#legend .legend-class").count() >= 10
    seen.assert_clean()


def test_search_selects_dysprosium_and_its_panel_shows_its_sources(
    visit: Callable[[str], Visit], server: str, kg: KnowledgeGraph
) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    search(page, "Dysprosium")
    assert page.evaluate("network.getSelectedNodes()") == [DY]
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    assert panel.locator("h2").inner_text() == "Dysprosium"
    titles = {
        str(row["title"])
        for row in kg.query(
            "SELECT ?title WHERE { rkr:Dysprosium prov:wasDerivedFrom/dcterms:title ?title }"
        )
    }
    shown = set(panel.locator("a.source").all_inner_texts())
    assert titles and titles <= shown
    text = panel.inner_text()
    assert "MOFCOM and GAC Announcement No. 18 of 2025" in text  # the control on it
    assert "automotive industry" in text  # an industry that needs it
    describe = panel.get_by_role("link", name="SPARQL DESCRIBE").get_attribute("href")
    assert describe == "/sparql?" + urlencode({"query": f"DESCRIBE <{DY}>"})
    seen.assert_clean()


def test_search_finds_by_symbol_and_alternative_label(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    search(page, "Dy")
    assert page.evaluate("network.getSelectedNodes()") == [DY]
    search(page, "Ann. 18")
    assert page.evaluate("network.getSelectedNodes()") == [str(RKR["MOFCOM-GAC-2025-18"])]
    seen.assert_clean()


def test_focus_view_is_smaller_than_the_whole_graph(
    visit: Callable[[str], Visit], server: str
) -> None:
    whole = ready(visit(server + "/graph")).evaluate("DATA.nodes.length")
    seen = visit(server + "/graph?focus=" + quote(DY) + "&depth=1")
    page = ready(seen)
    ids = set(page.evaluate("DATA.nodes.map(n => n.id)"))
    assert ids <= set(page.evaluate("nodes.getIds()")), "a neighbourhood opens whole"
    assert DY in ids and 2 < len(ids) < whole
    assert page.evaluate("network.getSelectedNodes()") == [DY]
    seen.assert_clean()


def test_filters_show_controls_in_force_on_a_date(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    ann18 = str(RKR["MOFCOM-GAC-2025-18"])  # in force from 2025-04-04, never suspended
    ann61 = str(RKR["MOFCOM-2025-61"])  # suspended by Ann. 70 from 2025-11-10
    set_day(page, "2025-03-01")
    assert page.evaluate(f"explorer.shown({ann18!r})") is False
    set_day(page, "2025-12-01")
    assert page.evaluate(f"[{ann18!r}, {ann61!r}].map(explorer.shown)") == [True, True]
    in_force = page.evaluate("explorer.inForce()")
    assert ann18 in in_force and ann61 not in in_force, "a suspended rule is not in force"
    page.locator("#legend input[value=country]").uncheck()
    assert not any(
        page.evaluate("DATA.nodes.filter(n => n.cls === 'country').map(n => explorer.shown(n.id))")
    )
    page.select_option("#filter-element", DY)
    assert page.evaluate(f"explorer.shown({DY!r})") is True
    assert page.evaluate(f"explorer.shown({str(RKR.Lanthanum)!r})") is False
    seen.assert_clean()


def test_export_png(visit: Callable[[str], Visit], server: str) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    with page.expect_download() as download:
        page.click("#export-png")
    path = download.value.path()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    seen.assert_clean()


def test_ontology_view_loads_offline(visit: Callable[[str], Visit], server: str) -> None:
    seen = visit(server + "/graph/ontology")
    page = ready(seen)
    assert page.evaluate("nodes.get('https://w3id.org/rarekg/ontology#RareEarthElement').label")
    seen.assert_clean()


def test_landing_page_query_editor_runs_a_query(visit: Callable[[str], Visit], server: str) -> None:
    seen = visit(server + "/")
    page = seen.page
    page.wait_for_selector("body[data-ready=true]")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("SELECT ?label WHERE { rkr:Dysprosium rdfs:label ?label }")
    page.click("#run")
    page.wait_for_selector("#results table", timeout=20_000)
    assert "Dysprosium" in page.locator("#results table").inner_text()
    seen.assert_clean()


def test_written_file_works_offline(
    visit: Callable[[str], Visit], kg: KnowledgeGraph, tmp_path: Path
) -> None:
    path = write_page(kg, tmp_path / "explorer.html")
    seen = visit(path.as_uri())
    page = ready(seen)
    search(page, "Dy")
    assert page.evaluate("network.getSelectedNodes()") == [DY]
    seen.assert_clean()


def test_data_cannot_inject_html(visit: Callable[[str], Visit], tmp_path: Path) -> None:
    root = make_root(tmp_path / "root", sorted((DATA / "viz" / "graph").glob("*.ttl")))
    path = write_page(rarekg.load(root), tmp_path / "hostile.html")
    seen = visit(path.as_uri())
    page = ready(seen)
    search(page, "Dy")
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    assert panel.locator("img, b, script").count() == 0
    assert '<b id="bold">bold</b>' in panel.locator("h2").inner_text()
    assert "<img" in panel.inner_text()
    hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert not any(h and h.lower().startswith("javascript:") for h in hrefs)
    assert page.evaluate("window.injected") is None
    seen.assert_clean()


def test_an_entity_page_loads_offline_and_its_links_lead_to_entity_pages(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/resource/Dysprosium")
    page = seen.page
    assert page.inner_text("h1") == "Dysprosium"
    page.click('#incoming a[href="/resource/DysprosiumOxide"]')
    page.wait_for_url("**/resource/DysprosiumOxide")
    assert "dysprosium oxide" in page.inner_text("h1").lower()
    seen.assert_clean()


def test_query_results_link_our_things_to_their_pages(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/")
    page = seen.page
    page.wait_for_selector("body[data-ready=true]")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("SELECT ?e WHERE { ?e a rkg:RareEarthElement } ORDER BY ?e LIMIT 3")
    page.click("#run")
    page.wait_for_selector("#results a[href^='/resource/']")
    hrefs = page.eval_on_selector_all("#results a", "all => all.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/resource/") for h in hrefs)
    seen.assert_clean()


def test_exposure_page_reads_the_example_bom_offline(
    visit: Callable[[str], Visit], server: str
) -> None:
    example = Path(__file__).parent.parent / "examples" / "ev-drive-unit-bom.csv"
    seen = visit(server + "/exposure")
    page = seen.page
    page.fill("#on", "2025-06-01")
    page.set_input_files("#file", str(example))
    page.wait_for_selector("#report:not([hidden])", timeout=60_000)
    assert "on 2025-06-01" in page.inner_text("#product")
    assert "No. 18 of 2025" in page.inner_text("#rollup")
    exposures = page.inner_text("#exposures")
    assert "MOFCOM & GAC Announcement No. 18 of 2025" in exposures
    assert "in force" in exposures
    assert "stator copper windings" in page.inner_text("#unresolved")
    chain = page.eval_on_selector_all(
        "#exposures .chain a", "all => all.map(a => a.getAttribute('href'))"
    )
    assert "/resource/TbDyContainingSinteredNdFeB" in chain
    assert all(h.startswith(("/resource/", "/graph?focus=")) for h in chain)
    seen.assert_clean()


ANN18 = str(RKR["MOFCOM-GAC-2025-18"])  # in force from 2025-04-04 (MOFCOM & GAC No. 18 of 2025)

#: The label boxes of every node drawn, in canvas units, and pairs of them that intersect.
OVERLAPS = """() => {
  const boxes = nodes.getIds().map(id => {
    const s = network.body.nodes[id].labelModule.size;
    return {id, left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height};
  }).filter(b => b.right > b.left);
  const clash = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      clash.push([a.id, b.id]);
  }
  return {labels: boxes.length, clash};
}"""


def test_moving_the_day_before_announcement_18_takes_it_out_of_force_in_the_explorer(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/graph?on=2025-06-01")
    page = ready(seen)
    assert page.input_value("#time input[type=date]") == "2025-06-01"
    assert ANN18 in page.evaluate("explorer.inForce()")
    assert ANN18 in page.eval_on_selector_all(
        "#in-force li", "all => all.map(li => li.dataset.policy)"
    )
    set_day(page, "2025-04-03")
    assert ANN18 not in page.evaluate("explorer.inForce()")
    assert ANN18 not in page.eval_on_selector_all(
        "#in-force li", "all => all.map(li => li.dataset.policy)"
    )
    assert page.evaluate(f"explorer.shown({ANN18!r})") is False
    assert "on=2025-04-03" in page.url, "the day is kept in the address"
    page.wait_for_selector("body[data-scored-on='2025-04-03']", timeout=60_000)
    assert "on 2025-04-03" in page.inner_text("#legend .chokepoint-box").lower()
    seen.assert_clean()


def test_the_play_button_steps_through_policy_events(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/graph?on=2025-04-01")
    page = ready(seen)
    page.click("#time button.play")
    page.wait_for_selector("#time[data-on='2025-04-04']", timeout=10_000)  # No. 18 starts
    page.click("#time button.play")
    day = page.evaluate("explorer.day()")
    events = page.evaluate("DATA.time.events.map(e => e.date)")
    assert day in events, "play stops on the next policy event"
    ticks = page.eval_on_selector_all("#time datalist option", "all => all.length")
    assert ticks == len(events) > 10
    seen.assert_clean()


def test_past_the_horizon_the_explorer_says_so(visit: Callable[[str], Visit], server: str) -> None:
    seen = visit(server + "/graph?on=2025-06-01")
    page = ready(seen)
    assert page.locator("#time .horizon-note").is_hidden()
    set_day(page, "2031-01-01")
    note = page.locator("#time .horizon-note")
    assert note.is_visible() and "horizon" in note.inner_text()
    seen.assert_clean()


def test_overview_labels_do_not_overlap_at_the_default_zoom(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/graph")
    page = ready(seen)
    found = page.evaluate(OVERLAPS)
    assert found["labels"] >= 15 and found["clash"] == []
    page.evaluate("explorer.toggle('material@1')")  # an opened group stacks its members
    opened = page.evaluate(OVERLAPS)
    assert opened["labels"] > found["labels"] + 30 and opened["clash"] == []
    seen.assert_clean()


def test_overview_of_ten_times_the_graph_opens_on_groups_without_overlaps(
    visit: Callable[[str], Visit], kg: KnowledgeGraph, tmp_path: Path
) -> None:
    big = scaled(kg.cached(explore), 10)
    path = tmp_path / "ten-times.html"
    path.write_text(explorer_page(big, server=False, inline=True), encoding="utf-8")
    seen = visit(path.as_uri())
    page = ready(seen)
    assert page.evaluate("DATA.nodes.length") == len(big.nodes)
    found = page.evaluate(OVERLAPS)
    assert page.evaluate("nodes.length") < 40 and found["clash"] == []
    seen.assert_clean()


def test_an_entity_page_by_content_negotiation_html_and_turtle(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/resource/Dysprosium")
    page = seen.page
    assert page.inner_text("h1") == "Dysprosium"
    assert page.evaluate("document.contentType") == "text/html"
    turtle = page.evaluate(
        """async () => {
          const r = await fetch('/resource/Dysprosium', {headers: {Accept: 'text/turtle'}});
          return {type: r.headers.get('content-type'), text: await r.text()};
        }"""
    )
    assert turtle["type"].startswith("text/turtle")
    described = {t.triple for t in ox.parse(turtle["text"].encode(), format=ox.RdfFormat.TURTLE)}
    dy = ox.NamedNode(DY)
    element = ox.NamedNode("https://w3id.org/rarekg/ontology#RareEarthElement")
    assert ox.Triple(dy, ox.NamedNode(str(RDF.type)), element) in described
    seen.assert_clean()


def test_moving_the_day_before_announcement_18_takes_it_out_of_force_on_an_entity_page(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/resource/Dysprosium?on=2025-06-01")
    page = seen.page
    row = page.locator(f"#controls tr[data-policy='{ANN18}'] .status")
    assert row.inner_text() == "in force"
    set_day(page, "2025-04-03")
    assert row.inner_text() == "not yet in force"
    assert "on=2025-04-03" in page.url
    page.reload()
    assert row.inner_text() == "not yet in force", "the server reads the day from the address"
    assert page.locator("#chains a[href='/resource/AutomotiveIndustry']").count() >= 1
    assert page.locator("#observations svg.bar").count() >= 1
    seen.assert_clean()


def test_the_pages_in_force_set_is_the_rules_on_every_boundary_day(
    visit: Callable[[str], Visit], kg: KnowledgeGraph, tmp_path: Path
) -> None:
    projection = kg.cached(project)
    days = [d.isoformat() for d in boundary_days(kg)]
    seen = visit(write_page(kg, tmp_path / "explorer.html").as_uri())
    page = ready(seen)
    shown = page.evaluate("days => days.map(day => RarekgTime.inForceOn(DATA.time, day))", days)
    drawn = set(page.evaluate("Object.keys(DATA.time.statuses)"))
    expected = [sorted(in_force(projection, dt.date.fromisoformat(d)) & drawn) for d in days]
    assert dict(zip(days, shown, strict=True)) == dict(zip(days, expected, strict=True))
    seen.assert_clean()
