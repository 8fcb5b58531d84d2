"""`rarekg serve` answers SPARQL clients, browsers and JSON API users with correct answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from rarekg.kg import KnowledgeGraph
from rarekg.queries import library
from rarekg.viz import explore
from rarekg.viz.controls import controls_in_time
from servers import rarekg_serve

RKR = "https://w3id.org/rarekg/resource/"
ELEMENTS = "SELECT ?e WHERE { ?e a rkg:RareEarthElement }"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with rarekg_serve("--workers", "2") as base:
        yield base


@pytest.fixture(scope="module")
def capped() -> Iterator[str]:
    with rarekg_serve("--workers", "1", "--row-cap", "3", "--cors") as base:
        yield base


def expected_elements(kg: KnowledgeGraph) -> set[str]:
    return {str(row["e"]) for row in kg.query(ELEMENTS)}


@pytest.mark.slow
def test_sparqlwrapper_gets_the_rare_earths(server: str, kg: KnowledgeGraph) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("PREFIX rkg: <https://w3id.org/rarekg/ontology#>\n" + ELEMENTS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert {row["e"]["value"] for row in rows} == expected_elements(kg)
    assert len(expected_elements(kg)) >= 15


@pytest.mark.slow
def test_sparqlwrapper_gets_a_graph_by_post(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod("POST")
    client.setQuery(f"CONSTRUCT WHERE {{ <{RKR}Dysprosium> a ?type }}")
    client.setReturnFormat(TURTLE)
    data = client.queryAndConvert()
    graph = Graph().parse(data=data, format="turtle")  # type: ignore[arg-type]
    assert (URIRef(RKR + "Dysprosium"), None, None) in graph


@pytest.mark.slow
def test_rdflib_sparqlstore_gets_the_rare_earths(server: str, kg: KnowledgeGraph) -> None:
    graph = Graph(store=SPARQLStore(server + "/sparql", returnFormat="json"))
    rows = graph.query("PREFIX rkg: <https://w3id.org/rarekg/ontology#>\n" + ELEMENTS)
    assert {str(row[0]) for row in rows} == expected_elements(kg)  # type: ignore[index]


@pytest.mark.slow
def test_rdflib_sparqlstore_asks_in_xml(server: str) -> None:
    graph = Graph(store=SPARQLStore(server + "/sparql"))
    ask = f"ASK {{ <{RKR}Dysprosium> ?p ?o }}"
    assert graph.query(ask).askAnswer is True


@pytest.mark.slow
def test_landing_page_loads_only_our_own_files(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.status_code == 200
    assert 'id="editor"' in page.text, "the query editor's mount"
    links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert links, "the page links nothing"
    # Our own paths, in-page anchors, or an inline data: URL (the empty favicon).
    assert all(link.startswith(("/", "#", "data:")) for link in links), links
    for link in links:
        if link.startswith("/static/"):
            assert httpx.get(server + link).status_code == 200, link
    script = httpx.get(server + "/static/dist/editor.js").text
    assert script, "the editor's bundle is served"
    assert not re.search(r"https?://(?!w3id\.org/rarekg/|www\.w3\.org/)", script)


@pytest.mark.slow
def test_healthz(server: str) -> None:
    # The fixture starts from a server at rest: its analyses have warmed up.
    assert httpx.get(server + "/healthz").json() == {"status": "ok", "analyses": "ready"}


@pytest.mark.slow
def test_every_library_question_answers_with_its_example(server: str, kg: KnowledgeGraph) -> None:
    listed = httpx.get(server + "/api/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in library(kg)]
    assert listed, "the query library is empty"
    for query in listed:
        params = {p["name"]: p["example"] for p in query["parameters"] if p["required"]}
        response = httpx.get(f"{server}/api/query/{query['name']}", params=params, timeout=30)
        assert response.status_code == 200, f"{query['name']}: {response.text}"


@pytest.mark.slow
def test_library_errors_are_json(server: str) -> None:
    missing = httpx.get(server + "/api/query/no-such-question")
    assert missing.status_code == 404
    assert "no library query" in missing.json()["error"]
    bad = httpx.get(server + "/api/query/controls-in-force", params={"date": "yesterday"})
    assert bad.status_code == 400
    assert "date" in bad.json()["error"]


@pytest.mark.slow
def test_analysis_api(server: str) -> None:
    chokepoints = httpx.get(server + "/api/chokepoints", params={"top": "3"}, timeout=60)
    assert chokepoints.status_code == 200
    assert len(chokepoints.json()["chokepoints"]) == 3
    bad = httpx.get(server + "/api/simulate", params={"restrict": "Atlantis"}, timeout=60)
    assert bad.status_code == 400
    assert bad.json()["error"]
    assert httpx.get(server + "/api/chains").status_code == 400


@pytest.mark.slow
def test_the_timeline_is_the_explorers_with_each_controls_reach(
    server: str, kg: KnowledgeGraph
) -> None:
    answer = httpx.get(server + "/api/timeline", timeout=120)
    assert answer.status_code == 200
    found = answer.json()
    assert found == json.loads(json.dumps(controls_in_time(kg.cached(explore))))
    assert found["time"] == json.loads(json.dumps(kg.cached(explore).timeline))
    ann18 = next(c for c in found["controls"] if c["id"] == RKR + "MOFCOM-GAC-2025-18")
    assert RKR + "China" in ann18["countries"] and RKR + "Dysprosium" in ann18["elements"]
    assert {"date": "2025-04-04", "policy": ann18["id"]} in [
        {"date": e["date"], "policy": e["policy"]} for e in found["time"]["events"]
    ]
    again = httpx.get(server + "/api/timeline", params={"anything": "x" * 100}, timeout=60)
    assert again.content == answer.content, "parameters are ignored, one answer is shared"


@pytest.mark.slow
def test_graph_explorer_is_mounted(server: str) -> None:
    assert httpx.get(server + "/graph", timeout=60).status_code == 200


@pytest.mark.slow
def test_service_calls_to_other_hosts_are_refused(server: str) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = httpx.get(server + "/sparql", params={"query": query})
    assert response.status_code == 403
    assert "SERVICE <http://127.0.0.1:9/sparql> is not allowed" in response.json()["error"]


@pytest.mark.slow
def test_cors_is_off_by_default(server: str) -> None:
    headers = {"origin": "http://example.org"}
    response = httpx.get(server + "/sparql", params={"query": "ASK {}"}, headers=headers)
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.slow
def test_cors_flag_turns_it_on(capped: str) -> None:
    headers = {"origin": "http://example.org"}
    response = httpx.get(capped + "/sparql", params={"query": "ASK {}"}, headers=headers)
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.slow
def test_row_cap_cuts_at_a_row_and_says_so(capped: str, kg: KnowledgeGraph) -> None:
    response = httpx.get(capped + "/sparql", params={"query": ELEMENTS})
    assert response.status_code == 200
    assert response.headers["x-rarekg-truncated"] == "true"
    rows = response.json()["results"]["bindings"]
    assert len(rows) == 3
    assert {row["e"]["value"] for row in rows} <= expected_elements(kg)
    small = httpx.get(capped + "/sparql", params={"query": ELEMENTS + " LIMIT 2"})
    assert small.headers["x-rarekg-truncated"] == "false"
