"""The query editor on ``/`` in a real headless Chromium, with the network cut off.

The browser, the server and the network guard are those of ``test_browser.py``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Page

from test_browser import Visit, browser, server, visit

__all__ = ["browser", "server", "visit"]  # the shared fixtures, used here by name

pytestmark = pytest.mark.slow

EDITOR = "#editor .cm-content"


def opened(visit: Callable[[str], Visit], url: str) -> Visit:
    """Open a page of the editor and wait until it has restored its permalink (if any)."""
    seen = visit(url)
    seen.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return seen


def type_query(page: Page, text: str) -> None:
    """Select the editor's text and type over it, as a person does."""
    page.click(EDITOR)
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def table_rows(page: Page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )


def test_the_editor_highlights_sparql(visit: Callable[[str], Visit], server: str) -> None:
    seen = opened(visit, server + "/")
    page = seen.page
    type_query(page, "SELECT ?e WHERE { ?e a rkg:RareEarthElement }")
    keyword = page.locator("#editor .cm-line span", has_text="SELECT").first
    variable = page.locator("#editor .cm-line span", has_text="?e").first
    colour = "e => getComputedStyle(e).color"
    assert keyword.evaluate(colour) != variable.evaluate(colour)
    assert keyword.evaluate(colour) != page.locator(EDITOR).evaluate(colour)
    seen.assert_clean()


def test_the_editor_marks_a_syntax_errors_position(
    visit: Callable[[str], Visit], server: str
) -> None:
    # An unclosed string: Oxigraph's parser stops at the end of its line. (It reports the
    # furthest place it read, which for other mistakes can be a line further on.)
    broken = 'SELECT ?e WHERE {\n  ?e a rkg:RareEarthElement .\n  ?e rkg:symbol "Dy .\n}'

    engine = httpx.post(
        server + "/sparql",
        content=broken,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    ).json()
    assert engine["status"] == 400 and engine["line"] == 3, engine  # the string's line
    seen = opened(visit, server + "/")
    page = seen.page
    type_query(page, broken)
    page.click("#run")
    page.wait_for_selector("#editor[data-error-line]", timeout=20_000)
    host = page.locator("#editor")
    assert host.get_attribute("data-error-line") == str(engine["line"])
    assert host.get_attribute("data-error-column") == str(engine["column"])
    marked_line = page.locator("#editor .cm-line", has=page.locator(".cm-lintRange-error"))
    assert marked_line.count() == 1
    assert marked_line.inner_text().strip() == '?e rkg:symbol "Dy .'
    assert "line 3" in page.inner_text("#status")
    # Editing the text clears the stale mark.
    page.locator(EDITOR).press("End")
    page.keyboard.type(" ")
    page.wait_for_selector("#editor:not([data-error-line])")
    assert page.locator("#editor .cm-lintRange-error").count() == 0
    # Chromium notes every 4xx answer in the console; the engine's 400 is the only line.
    assert seen.off_machine == []
    assert seen.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_completion_offers_our_vocabulary(visit: Callable[[str], Visit], server: str) -> None:
    seen = opened(visit, server + "/")
    page = seen.page
    type_query(page, "SELECT * WHERE { rkr:Dyspro")
    page.locator(EDITOR).press("End")
    page.keyboard.press("Control+Space")
    options = page.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for(timeout=10_000)
    assert "rkr:Dysprosium" in options.all_inner_texts()[0]
    # A click, not Enter: CodeMirror ignores Enter for a moment after the list opens
    # (its interactionDelay), which a test on a busy machine can hit.
    options.first.click()
    assert "rkr:Dysprosium" in page.locator(EDITOR).inner_text()
    type_query(page, "SELECT * WHERE { ?f a rkg:Facil")
    page.locator(EDITOR).press("End")
    page.keyboard.press("Control+Space")
    page.locator(".cm-tooltip-autocomplete li").first.wait_for(timeout=10_000)
    assert any("rkg:Facility" in o for o in options.all_inner_texts())
    seen.assert_clean()


def test_a_permalink_reproduces_query_parameters_and_view(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = opened(visit, server + "/")
    page = seen.page
    page.click("#library button[data-name=production-by-country]")
    page.wait_for_selector("#results table")
    page.fill("#params input[name=year]", "2023")
    # Mark the first answer's table, so that only the new answer's table is waited for.
    page.eval_on_selector("#results table", "table => { table.dataset.old = '1'; }")
    page.click("#run")
    page.wait_for_function("location.search.includes('p.year=2023')")
    page.wait_for_selector("#results table:not([data-old])")
    page.click("#results th button[data-column=countryLabel]")
    rows = table_rows(page)
    assert rows and [r[-1] for r in rows]  # something to reproduce
    labels = page.eval_on_selector_all(
        "#results th", "ths => ths.map(th => th.innerText.replace(/ [▲▼]$/, ''))"
    )
    countries = [row[labels.index("countryLabel")] for row in rows]
    assert countries == sorted(countries)
    page.click("#views [data-view=chart]")
    bars = page.locator("#results svg.chart rect.bar").count()
    assert bars == len(rows)
    link = page.get_attribute("#permalink", "href")
    assert link is not None

    again = opened(visit, server + link)
    other = again.page
    other.wait_for_selector("#results svg.chart")
    assert other.locator("#results svg.chart rect.bar").count() == bars
    assert other.input_value("#params input[name=year]") == "2023"
    assert other.inner_text("#title") == page.inner_text("#title")
    other.click("#views [data-view=table]")
    assert table_rows(other) == rows
    seen.assert_clean()
    again.assert_clean()


def test_a_permalink_keeps_the_editors_own_text(visit: Callable[[str], Visit], server: str) -> None:
    seen = opened(visit, server + "/")
    page = seen.page
    text = "SELECT ?e ?n WHERE { ?e a rkg:RareEarthElement ; rkg:atomicNumber ?n }"
    type_query(page, text)
    page.click("#run")
    page.wait_for_selector("#results table")
    page.click("#results th button[data-column=n]")
    page.click("#results th button[data-column=n]")  # twice: descending
    rows = table_rows(page)
    numbers = [int(r[1]) for r in rows]
    assert len(numbers) == 17 and numbers == sorted(numbers, reverse=True)
    link = page.get_attribute("#permalink", "href")
    assert link is not None

    again = opened(visit, server + link)
    again.page.wait_for_selector("#results table")
    assert again.page.locator(EDITOR).inner_text() == text
    assert table_rows(again.page) == rows
    seen.assert_clean()
    again.assert_clean()


def test_results_download_as_csv_and_json(visit: Callable[[str], Visit], server: str) -> None:
    seen = opened(visit, server + "/")
    page = seen.page
    type_query(page, "SELECT ?e ?symbol WHERE { ?e rkg:symbol ?symbol } ORDER BY ?symbol")
    page.click("#run")
    page.wait_for_selector("#downloads:not([hidden])")
    shown = table_rows(page)
    with page.expect_download() as download:
        page.click("#download-csv")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0] == ["e", "symbol"]
    assert [r[1] for r in rows[1:]] == [r[1] for r in shown]
    assert rows[1][0].startswith("https://w3id.org/rarekg/resource/")
    with page.expect_download() as download:
        page.click("#download-json")
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["e", "symbol"]
    assert len(data["results"]["bindings"]) == len(shown)
    seen.assert_clean()


def test_a_year_series_charts_as_a_line(visit: Callable[[str], Visit], server: str) -> None:
    text = (
        "SELECT ?year (SUM(?v) AS ?tonnes) WHERE { ?o a rkg:ProductionObservation ; "
        "rkg:observedStage rkr:Mining ; rkg:year ?year ; rkg:value ?v } GROUP BY ?year"
    )
    seen = opened(visit, server + "/?" + urlencode({"query": text, "view": "chart"}))
    page = seen.page
    page.wait_for_selector("#results svg.chart")
    years = page.evaluate("document.querySelectorAll('#results svg.chart circle').length")
    assert page.locator("#results svg.chart.line polyline").count() == 1
    assert years >= 2
    seen.assert_clean()
