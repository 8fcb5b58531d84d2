"""Linked Data pages: one address per thing, a page for people and RDF for machines."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS
from starlette.testclient import TestClient

from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKG, RKR
from rarekg.server.app import create_app
from rarekg.settings import Settings
from servers import at_rest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    settings = Settings(workers=1, allowed_hosts=("testserver",))
    with TestClient(create_app(kg, settings)) as test_client:
        # Entity pages are answered by the analysis worker: start once it has warmed up.
        at_rest(lambda: test_client.get("/healthz").json())
        yield test_client


def test_a_browser_gets_a_page_whose_things_link_to_their_own_pages(client: TestClient) -> None:
    page = client.get("/resource/Dysprosium", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Dysprosium</h1>" in page.text
    assert 'href="/resource/DysprosiumOxide"' in page.text, "what points at it is linked"
    assert 'href="/graph?focus=' in page.text


def test_a_country_page_lists_the_curated_flows_not_the_statistics_rows(
    client: TestClient,
) -> None:
    page = client.get("/resource/China", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert 'href="/resource/obs-trade-magnets-CN-2025-05"' in page.text, "a curated flow"
    assert "/resource/obs-baci-" not in page.text, "thousands of BACI rows point at China"
    assert "was cut at the server" not in page.text


@pytest.mark.parametrize(
    ("accept", "fmt", "parse_as"),
    [
        ("text/turtle", None, ox.RdfFormat.TURTLE),
        ("application/ld+json", None, ox.RdfFormat.JSON_LD),
        (None, None, ox.RdfFormat.TURTLE),
        (BROWSER, "nt", ox.RdfFormat.N_TRIPLES),
    ],
    ids=["turtle", "jsonld", "no-preference", "forced"],
)
def test_a_machine_gets_the_description_as_rdf(
    client: TestClient, accept: str | None, fmt: str | None, parse_as: ox.RdfFormat
) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"format": fmt} if fmt else {}
    answer = client.get("/resource/Dysprosium", headers=headers, params=params)
    assert answer.status_code == 200
    described = {quad.triple for quad in ox.parse(answer.content, format=parse_as)}
    dy, label = ox.NamedNode(str(RKR.Dysprosium)), ox.NamedNode(str(RDFS.label))
    kind = ox.Triple(dy, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RKG.RareEarthElement)))
    oxide = ox.NamedNode(str(RKR.DysprosiumOxide))
    assert kind in described
    assert ox.Triple(oxide, ox.NamedNode(str(RKG.containsElement)), dy) in described
    assert ox.Triple(dy, label, ox.Literal("Dysprosium", language="en")) in described


@pytest.mark.parametrize(
    "name", ["NoSuchThing", "-dash-first", "x%2F..%2Fy", "a" * 300, "Dy%3Cscript%3E"]
)
def test_an_unknown_or_malformed_name_is_404(client: TestClient, name: str) -> None:
    answer = client.get(f"/resource/{name}", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"


def test_a_format_that_is_no_graph_format_is_400(client: TestClient) -> None:
    answer = client.get("/resource/Dysprosium", params={"format": "png"})
    assert answer.status_code == 400


def test_the_page_gives_each_control_its_status_on_the_day_asked(client: TestClient) -> None:
    def controls(day: str) -> str:
        page = client.get("/resource/Dysprosium", params={"on": day}, headers={"Accept": BROWSER})
        assert page.status_code == 200
        return page.text.split('id="controls"')[1].split("</table>")[0]

    before, after = controls("2025-03-01"), controls("2025-06-01")
    assert "No. 18 of 2025" in before and "not yet in force" in before
    assert '<td class="status">in force</td>' in after


def test_the_page_shows_figures_chains_and_sources(client: TestClient) -> None:
    page = client.get("/resource/Dysprosium", headers={"Accept": BROWSER}).text
    assert 'id="observations"' in page and '<svg class="bar"' in page
    chains = page.split('id="chains"')[1].split("</ol>")[0]
    assert 'href="/resource/AutomotiveIndustry"' in chains
    assert 'id="sources"' in page and "medium" in page


def test_a_day_past_the_horizon_is_said_so(client: TestClient) -> None:
    page = client.get(
        "/resource/Dysprosium", params={"on": "2030-01-01"}, headers={"Accept": BROWSER}
    )
    assert 'id="horizon-note" class="horizon">' in page.text


@pytest.mark.parametrize("day", ["2025-13-01", "soon", "2025-04-04" * 60])
def test_a_bad_day_is_400(client: TestClient, day: str) -> None:
    page = client.get("/resource/Dysprosium", params={"on": day}, headers={"Accept": BROWSER})
    assert page.status_code == 400 and "on" in page.text
