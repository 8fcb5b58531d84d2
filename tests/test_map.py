"""The map view in a real headless Chromium, with the network cut off.

The shipped graph has no facility coordinates yet, so the test serves it with one more
file, ``tests/data/map/synthetic-coordinates.ttl``, that gives three facilities a
(synthetic) position: the map must draw exactly those and count the rest as lacking one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from rdflib import Graph

import rarekg
from conftest import DATA, REPO, make_root
from rarekg.namespaces import GEO
from servers import rarekg_serve
from test_browser import ANN18, Visit, browser, set_day, visit
from test_flows import listed

__all__ = ["browser", "visit"]  # the shared fixtures, used here by name

pytestmark = pytest.mark.slow

COORDINATES = DATA / "map" / "synthetic-coordinates.ttl"


@pytest.fixture(scope="module")
def placed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_root(
        tmp_path_factory.mktemp("map") / "root",
        [*sorted((REPO / "graph").glob("*.ttl")), COORDINATES],
    )
    rarekg.load(root)  # builds and reasons the store once; the server then opens it
    with rarekg_serve(root=root) as base:
        yield base


def placed_facilities() -> set[str]:
    """The facilities the synthetic file gives a position."""
    return {str(s) for s in Graph().parse(COORDINATES).subjects(GEO.lat)}


def ask(base: str, name: str, **params: str) -> list[dict[str, dict[str, str]]]:
    answer = httpx.get(
        f"{base}/api/query/{name}",
        params=params,
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return rows


def opened(visit: Callable[[str], Visit], url: str) -> Visit:
    seen = visit(url)
    seen.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return seen


def test_the_map_draws_every_facility_that_has_coordinates(
    visit: Callable[[str], Visit], placed_server: str
) -> None:
    facilities = ask(placed_server, "facility-locations")
    with_position = {row["facility"]["value"] for row in facilities if "latitude" in row}
    assert with_position == placed_facilities() and len(with_position) == 3
    seen = opened(visit, placed_server + "/map")
    page = seen.page
    drawn = page.eval_on_selector_all(
        "#facilities a.facility", "all => all.map(a => a.dataset.iri)"
    )
    assert sorted(drawn) == sorted(with_position)
    missing = len(facilities) - len(with_position)
    assert page.inner_text("#unplaced") == f"{missing} facilities have no coordinates yet"
    assert page.locator("#unplaced-list li").count() == missing
    assert page.locator("#countries path.country").count() > 170  # Natural Earth 1:110m
    seen.assert_clean()


def test_countries_are_shaded_by_their_share_of_the_chosen_stage(
    visit: Callable[[str], Visit], placed_server: str
) -> None:
    seen = opened(visit, placed_server + "/map?stage=Separation&year=2023")
    page = seen.page
    shaded = "[...document.querySelectorAll('#countries .shared')].map(p => p.dataset.id)"
    rows = ask(placed_server, "stage-shares", stage="rkr:Separation", year="2023")
    countries = {row["isoCode"]["value"] for row in rows}
    assert "CN" in countries
    assert len(page.evaluate(shaded)) == len(countries)
    assert "156" in page.evaluate(shaded)  # China, by its ISO 3166 number in Natural Earth
    page.select_option("#stage", "Mining")
    page.wait_for_function("location.search.includes('stage=Mining')")
    page.wait_for_selector("body[data-ready=true]")
    assert "156" in page.evaluate(shaded)
    assert page.inner_text("#shares-caption").startswith("Shares of Mining in 2023")
    seen.assert_clean()


def test_a_click_on_a_facility_opens_its_page(
    visit: Callable[[str], Visit], placed_server: str
) -> None:
    seen = opened(visit, placed_server + "/map")
    page = seen.page
    page.click("#facilities a.facility[data-iri$='/BayanObo'] circle")
    page.wait_for_url("**/resource/BayanObo")
    assert "Bayan Obo" in page.inner_text("h1")
    seen.assert_clean()


def test_moving_the_day_before_announcement_18_takes_it_out_of_force_on_the_map(
    visit: Callable[[str], Visit], placed_server: str
) -> None:
    seen = opened(visit, placed_server + "/map?stage=Separation&on=2025-06-01")
    page = seen.page
    assert page.input_value("#time input[type=date]") == "2025-06-01"
    assert ANN18 in listed(page, "in force"), "China, shaded, is No. 18's jurisdiction"
    assert page.inner_text("#shares-caption").startswith("Shares of Separation in 2025")
    set_day(page, "2025-04-03")
    assert ANN18 not in listed(page, "in force")
    page.wait_for_selector("body[data-ready=true]")
    assert ANN18 not in listed(page, "in force")
    assert "on=2025-04-03" in page.url and "stage=Separation" in page.url
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.input_value("#time input[type=date]") == "2025-04-03"
    assert ANN18 not in listed(page, "in force"), "the day is read from the address"
    set_day(page, "2025-06-01")
    page.wait_for_selector("body[data-ready=true]")
    assert ANN18 in listed(page, "in force")
    set_day(page, "2031-01-01")
    assert page.locator("#time .horizon-note").is_visible()
    seen.assert_clean()
