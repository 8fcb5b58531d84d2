"""The flows view (a Sankey) in a real headless Chromium, with the network cut off."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from rarekg.namespaces import RKR
from test_browser import ANN18, Visit, browser, server, set_day, visit

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
    seen = visit(server + "/flows?on=2024-06-01")  # no year chosen: the day's
    page = seen.page
    page.wait_for_selector("body[data-ready=true] #flows svg", timeout=30_000)
    assert page.inner_text("#caption") == "All rare earths, 2024"
    page.select_option("#year", "2023")
    page.wait_for_function("location.search.includes('year=2023')")
    page.wait_for_selector("body[data-ready=true] #flows svg")
    assert page.inner_text("#caption") == "All rare earths, 2023"
    assert page.locator("#nodes rect[data-id^='Mining|']").count() == len(mined(server, "2023"))
    seen.assert_clean()


#: Announcement No. 57 of 2025 (holmium, erbium, thulium, europium, ytterbium): suspended
#: from 2025-11-08, the day it was to take effect, to 2026-11-10 (No. 70 of 2025).
ANN57 = str(RKR["MOFCOM-GAC-2025-57"])


def listed(page: Page, status: str) -> list[str]:
    """The controls the page lists with ``status`` on its day."""
    return page.eval_on_selector_all(
        f"#controls-on-day li[data-status='{status}']", "all => all.map(li => li.dataset.policy)"
    )


def drawn(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def test_moving_the_day_before_announcement_18_takes_it_out_of_force_on_the_flows(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/flows?element=Dysprosium&on=2025-06-01")
    page = seen.page
    drawn(page)
    assert page.input_value("#time input[type=date]") == "2025-06-01"
    assert ANN18 in listed(page, "in force")
    assert page.inner_text("#caption") == "Dysprosium, 2025", "the day picks the year"
    set_day(page, "2025-04-03")
    assert ANN18 not in listed(page, "in force")
    assert "on=2025-04-03" in page.url and "element=Dysprosium" in page.url
    set_day(page, "2024-06-01")
    expect(page.locator("#caption")).to_have_text("Dysprosium, 2024", timeout=30_000)
    page.select_option("#year", "2023")  # a year chosen: the day moves the controls only
    page.wait_for_function("location.search.includes('year=2023')")
    set_day(page, "2025-06-01")
    drawn(page)
    assert page.inner_text("#caption") == "Dysprosium, 2023"
    assert ANN18 in listed(page, "in force")
    seen.assert_clean()


def test_the_flows_list_suspended_controls_and_say_when_past_the_horizon(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/flows?on=2025-12-01")
    page = seen.page
    drawn(page)
    assert ANN57 in listed(page, "suspended") and ANN57 not in listed(page, "in force")
    assert ANN18 in listed(page, "in force")
    assert page.inner_text("#caption") == "All rare earths, 2025"
    ticks = page.eval_on_selector_all("#time datalist option", "all => all.length")
    assert ticks > 10, "the policy events tick the slider, as in the explorer"
    assert page.locator("#time button.play").is_visible()
    assert page.locator("#time .horizon-note").is_hidden()
    set_day(page, "2031-01-01")
    note = page.locator("#time .horizon-note")
    assert note.is_visible() and "horizon" in note.inner_text()
    drawn(page)
    assert page.inner_text("#caption") == "All rare earths, 2025"
    assert "2031" in page.inner_text("#year-note"), "the page says which year the day stands for"
    seen.assert_clean()


def test_play_on_the_flows_steps_to_announcement_18_and_lists_it(
    visit: Callable[[str], Visit], server: str
) -> None:
    seen = visit(server + "/flows?element=Dysprosium&on=2025-04-01")
    page = seen.page
    drawn(page)
    assert ANN18 not in listed(page, "in force")
    page.click("#time button.play")
    page.wait_for_selector("#time[data-on='2025-04-04']", timeout=10_000)  # No. 18 starts
    page.click("#time button.play")
    assert ANN18 in listed(page, "in force")
    drawn(page)
    seen.assert_clean()
