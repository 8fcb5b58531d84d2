"""The flows view (a Sankey) in a real headless Chromium, with the network cut off."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from test_browser import Visit, browser, server, visit

__all__ = ["browser", "server", "visit"]  # the shared fixtures, used here by name

pytestmark = pytest.mark.slow


def mined(base: str, year: str) -> list[dict[str, dict[str, str]]]:
    """Mine production by country in tonnes, as the library question gives it."""
    answer = httpx.get(
        base + "/api/query/production-by-country",
        params={"stage": "rkr:Mining", "year": year},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    rows: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return [r for r in rows if r["unit"]["value"].endswith("TONNE")]


def test_the_sankey_draws_for_dysprosium_in_2024(
    visit: Callable[[str], Visit], server: str
) -> None:
    countries = mined(server, "2024")
    assert countries, "the shipped graph has mine production for 2024"
    seen = visit(server + "/flows?element=Dysprosium&year=2024")
    page = seen.page
    page.wait_for_selector("body[data-ready=true] #flows svg", timeout=30_000)
    assert page.inner_text("#caption") == "Dysprosium, 2024"
    mining = page.eval_on_selector_all(
        "#nodes rect[data-id^='Mining|']", "all => all.map(r => r.dataset.id.split('|')[1])"
    )
    assert sorted(mining) == sorted(r["country"]["value"] for r in countries)
    assert page.locator("#nodes rect.observed").count() == len(countries)
    separation = page.locator("#nodes rect[data-id^='Separation|']")
    assert separation.count() >= 1
    assert (
        page.locator(
            "#nodes rect[data-id='Separation|https://w3id.org/rarekg/resource/China']"
        ).count()
        == 1
    )
    # Every band past mining is a share applied to a flow, and is marked as modelled.
    kinds = page.eval_on_selector_all("#links path", "all => all.map(p => p.dataset.kind)")
    assert kinds and set(kinds) == {"modelled"}
    assert page.locator("#links path.modelled").count() == len(kinds)
    notes = page.inner_text("#notes")
    assert "no Dysprosium mine tonnage" in notes
    assert "Applications: the graph holds no tonnage by end use" in notes
    seen.assert_clean()


def test_the_flows_follow_the_chosen_year_and_keep_it_in_the_address(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/flows")
    page = seen.page
    page.wait_for_selector("body[data-ready=true] #flows svg", timeout=30_000)
    assert page.inner_text("#caption") == "All rare earths, 2024"
    page.select_option("#year", "2023")
    page.wait_for_function("location.search.includes('year=2023')")
    page.wait_for_selector("body[data-ready=true] #flows svg")
    assert page.inner_text("#caption") == "All rare earths, 2023"
    assert page.locator("#nodes rect[data-id^='Mining|']").count() == len(mined(server, "2023"))
    seen.assert_clean()
