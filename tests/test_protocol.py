"""The endpoint speaks the SPARQL 1.1 Protocol: the query cases of the W3C test manifest.

Each test is one requirement of the protocol's query operation (section 2.1) as the
W3C protocol tests exercise it, against the small fixture graph: graphs
``.../graph/chain`` (the curated facts), ``.../graph/ontology`` and ``.../graph/inferred``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from httpx import Client
from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic

from conftest import DATA, make_root
from rarekg.formats import GRAPH, by_name
from rarekg.kg import KnowledgeGraph, to_rdflib
from servers import rarekg_serve

G = "https://w3id.org/rarekg/graph/"
CHAIN, ONTOLOGY = G + "chain", G + "ontology"
RKR = Namespace("https://w3id.org/rarekg/resource/")
RKG = Namespace("https://w3id.org/rarekg/ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DIRECT = {"content-type": "application/sparql-query"}
FACT = 'ASK { rkr:Dysprosium rkg:symbol "Dy" }'
SCHEMA = "ASK { rkg:Magnet a owl:Class }"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A real ``rarekg serve`` over the fixture graph, and an HTTP client for it."""
    root = make_root(
        tmp_path_factory.mktemp("protocol") / "root",
        sorted((DATA / "fixture" / "graph").glob("*.ttl")),
    )
    with rarekg_serve("--workers", "2", root=root) as base, Client(base_url=base) as http:
        yield http


def parse_graph(data: bytes, format_name: str) -> Graph:
    """Parse an answer with Oxigraph's parsers into an rdflib graph, for comparison."""
    fmt = by_name(format_name, GRAPH).oxigraph
    assert isinstance(fmt, ox.RdfFormat)
    graph = Graph()
    for triple in ox.parse(data, format=fmt):
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def boolean(response: object) -> bool:
    assert getattr(response, "status_code", None) == 200, getattr(response, "text", response)
    value = json.loads(response.content)["boolean"]  # type: ignore[attr-defined]
    assert isinstance(value, bool)
    return value


def graphs_seen(client: Client, **params: object) -> set[str]:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return {row["g"]["value"] for row in response.json()["results"]["bindings"]}


# --- query-get, query-post-form, query-post-direct ---------------------------------------


def test_query_via_get(client: Client) -> None:
    assert boolean(client.get("/sparql", params={"query": FACT})) is True


def test_query_via_url_encoded_post(client: Client) -> None:
    assert boolean(client.post("/sparql", data={"query": FACT})) is True


def test_query_via_direct_post(client: Client) -> None:
    assert boolean(client.post("/sparql", content=FACT, headers=DIRECT)) is True


def test_direct_post_with_explicit_utf8_charset(client: Client) -> None:
    headers = {"content-type": "application/sparql-query; charset=UTF-8"}
    assert boolean(client.post("/sparql", content=FACT.encode("utf-8"), headers=headers))


def test_without_a_dataset_the_default_graph_is_the_union(client: Client) -> None:
    both = f"ASK {{ {FACT[5:-1]} . rkg:Magnet a owl:Class }}"
    assert boolean(client.get("/sparql", params={"query": both})) is True
    assert graphs_seen(client) == {CHAIN, ONTOLOGY, G + "inferred"}


# --- query-dataset-* ----------------------------------------------------------------------


def test_default_graph_uri_sets_the_default_graph(client: Client) -> None:
    chain = {"default-graph-uri": CHAIN}
    assert boolean(client.get("/sparql", params={"query": FACT, **chain})) is True
    assert boolean(client.get("/sparql", params={"query": SCHEMA, **chain})) is False


def test_several_default_graph_uris_merge_by_get_and_post(client: Client) -> None:
    both = f"ASK {{ {FACT[5:-1]} . rkg:Magnet a owl:Class }}"
    graphs = [("default-graph-uri", CHAIN), ("default-graph-uri", ONTOLOGY)]
    url = "/sparql?" + "&".join(f"{k}={v}" for k, v in graphs)
    assert boolean(client.get(url, params={"query": both})) is True
    assert boolean(client.post(url, content=both, headers=DIRECT)) is True
    only_chain = [("default-graph-uri", CHAIN), ("query", both)]
    assert boolean(client.post("/sparql", data=dict(only_chain))) is False


def test_named_graph_uri_sets_the_named_graphs_by_get_and_post(client: Client) -> None:
    assert graphs_seen(client, **{"named-graph-uri": CHAIN}) == {CHAIN}
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        f"/sparql?named-graph-uri={CHAIN}&named-graph-uri={ONTOLOGY}",
        content=query,
        headers=DIRECT,
    )
    assert {r["g"]["value"] for r in response.json()["results"]["bindings"]} == {
        CHAIN,
        ONTOLOGY,
    }


def test_named_graphs_alone_leave_the_default_graph_empty(client: Client) -> None:
    params = {"query": FACT, "named-graph-uri": CHAIN}
    assert boolean(client.get("/sparql", params=params)) is False


def test_full_dataset_from_the_protocol(client: Client) -> None:
    query = "SELECT ?g ?s WHERE { rkg:Magnet a ?class . GRAPH ?g { ?s rkg:symbol ?o } }"
    params = {"query": query, "default-graph-uri": ONTOLOGY, "named-graph-uri": CHAIN}
    rows = client.get("/sparql", params=params).json()["results"]["bindings"]
    assert {(r["g"]["value"], r["s"]["value"]) for r in rows} == {
        (CHAIN, str(RKR.Dysprosium)),
        (CHAIN, str(RKR.Neodymium)),
    }


def test_protocol_dataset_overrides_the_query_dataset(client: Client) -> None:
    query = f"ASK FROM <{ONTOLOGY}> {{ {FACT[5:-1]} }}"
    params = {"query": query, "default-graph-uri": CHAIN}
    assert boolean(client.get("/sparql", params=params)) is True


def test_a_graph_uri_that_is_not_an_iri_is_refused(client: Client) -> None:
    response = client.get("/sparql", params={"query": FACT, "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.json()["error"]


# --- query-content-type-* -----------------------------------------------------------------

SELECT = "SELECT ?element ?symbol WHERE { ?element rkg:symbol ?symbol } ORDER BY ?symbol"
ROWS = [(str(RKR.Dysprosium), "Dy"), (str(RKR.Neodymium), "Nd")]


@pytest.mark.parametrize(
    ("accept", "media_type", "format"),
    [
        (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+json", "application/sparql-results+json", None),
        ("application/json", "application/sparql-results+json", None),
        ("application/sparql-results+xml", "application/sparql-results+xml", None),
        ("text/tab-separated-values", "text/tab-separated-values", None),
    ],
    ids=["default", "json", "plain-json", "xml", "tsv"],
)
def test_select_in_each_parseable_results_format(
    client: Client, accept: str | None, media_type: str, format: object
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    fmt = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media_type]
    solutions = ox.parse_query_results(response.content, fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    got = [(s["element"].value, s["symbol"].value) for s in solutions]  # type: ignore[union-attr]
    assert got == ROWS


def test_select_as_csv(client: Client) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == ["element,symbol", *(f"{e},{s}" for e, s in ROWS)]


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", "JSON"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
    ],
    ids=["json", "xml"],
)
def test_ask_in_json_and_xml(client: Client, accept: str, media_type: str, fmt: str) -> None:
    response = client.post("/sparql", content=FACT, headers={**DIRECT, "accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type
    answer = ox.parse_query_results(response.content, getattr(ox.QueryResultsFormat, fmt))
    assert bool(answer) is True


EXPECTED = Graph()
EXPECTED.add((RKR.Dysprosium, RKG.symbol, Literal("Dy", datatype=XSD.string)))
EXPECTED.add((RKR.Neodymium, RKG.symbol, Literal("Nd", datatype=XSD.string)))
GRAPH_FORMATS = [
    (None, "text/turtle", "turtle"),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "jsonld"),
    ("application/rdf+xml", "application/rdf+xml", "rdfxml"),
]


@pytest.mark.parametrize(
    ("accept", "media_type", "parser"),
    GRAPH_FORMATS,
    ids=["default", "ttl", "nt", "jsonld", "rdfxml"],
)
def test_construct_in_each_graph_format(
    client: Client, accept: str | None, media_type: str, parser: str
) -> None:
    query = "CONSTRUCT WHERE { ?element rkg:symbol ?symbol }"
    headers = {**DIRECT, **({"accept": accept} if accept else {})}
    response = client.post("/sparql", content=query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    got = parse_graph(response.content, parser)
    if not isomorphic(got, EXPECTED):
        _, missing, extra = graph_diff(EXPECTED, got)
        pytest.fail(f"missing {sorted(missing)}, extra {sorted(extra)}")


@pytest.mark.parametrize(
    ("accept", "media_type", "parser"), GRAPH_FORMATS[1:], ids=["ttl", "nt", "jsonld", "rdfxml"]
)
def test_describe_in_each_graph_format(
    client: Client, accept: str, media_type: str, parser: str
) -> None:
    params = {"query": "DESCRIBE rkr:Dysprosium", "default-graph-uri": CHAIN}
    response = client.get("/sparql", params=params, headers={"accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type
    got = parse_graph(response.content, parser)
    assert (RKR.Dysprosium, RKG.atomicNumber, Literal(66)) in got
    assert set(got.subjects()) == {RKR.Dysprosium}


def test_accept_quality_values_pick_the_format(client: Client) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, image/png"
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


# --- bad-* --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(client: Client, method: str) -> None:
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405


def test_two_queries_in_the_query_string_get_400(client: Client) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert "2 queries" in response.json()["error"]


def test_a_query_in_the_url_and_the_body_gets_400(client: Client) -> None:
    response = client.post("/sparql?query=ASK%20%7B%7D", content="ASK {}", headers=DIRECT)
    assert response.status_code == 400


def test_two_queries_in_a_form_get_400(client: Client) -> None:
    body = "query=ASK%20%7B%7D&query=ASK%20%7B%7D"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", content=body, headers=headers).status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"default-graph-uri": CHAIN},
        {},
    ],
    ids=["form-without-query", "empty-form"],
)
def test_a_post_without_a_query_gets_400(client: Client, data: dict[str, str]) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post(
        "/sparql", content="&".join(f"{k}={v}" for k, v in data.items()), headers=headers
    )
    assert response.status_code == 400
    assert "no query" in response.json()["error"]


def test_a_get_with_parameters_but_no_query_gets_400(client: Client) -> None:
    response = client.get("/sparql", params={"default-graph-uri": CHAIN})
    assert response.status_code == 400


def test_a_wrong_media_type_gets_415(client: Client) -> None:
    response = client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert "text/plain" in response.json()["error"]


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}"], ids=["form", "direct"])
def test_a_body_without_a_media_type_gets_415(client: Client, body: str) -> None:
    response = client.post("/sparql", content=body.encode(), headers={"content-type": ""})
    assert response.status_code == 415


def test_a_utf16_body_gets_415(client: Client) -> None:
    headers = {"content-type": "application/sparql-query; charset=UTF-16"}
    response = client.post("/sparql", content="ASK {}".encode("utf-16"), headers=headers)
    assert response.status_code == 415
    assert "utf-16" in response.json()["error"]


def test_a_body_that_is_not_utf8_gets_415(client: Client) -> None:
    body = 'ASK { ?s ?p "caf\xe9" }'.encode("latin-1")
    assert client.post("/sparql", content=body, headers=DIRECT).status_code == 415
    form = b"query=ASK%20%7B%20?s%20?p%20%22caf%E9%22%20%7D"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", content=form, headers=headers).status_code == 415


def test_bad_syntax_gets_400_with_the_parser_message(client: Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {"})
    assert response.status_code == 400
    message = response.json()["error"]
    assert message.startswith("invalid SPARQL: error at 1:")


def test_an_accept_it_cannot_serve_gets_406(client: Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["error"]


def test_a_graph_format_for_a_select_gets_406(client: Client) -> None:
    headers = {"accept": "text/turtle"}
    response = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert response.status_code == 406
    assert "text/turtle" not in response.json()["error"]


# --- read-only: update and LOAD -----------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}),
        lambda c: c.get("/sparql", params={"update": "CLEAR ALL"}),
        lambda c: c.post(
            "/sparql", content="CLEAR ALL", headers={"content-type": "application/sparql-update"}
        ),
        lambda c: c.post("/sparql", content="DROP ALL", headers=DIRECT),
        lambda c: c.get("/sparql", params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        lambda c: c.get("/sparql", params={"query": "INSERT DATA { rkr:a rkr:b rkr:c }"}),
    ],
    ids=["form-update", "get-update", "direct-update", "update-as-query", "load", "insert"],
)
def test_updates_get_403_and_change_nothing(client: Client, send: object) -> None:
    response = send(client)  # type: ignore[operator]
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]
    assert boolean(client.get("/sparql", params={"query": FACT})) is True


# --- service description ------------------------------------------------------------------


def test_get_without_a_query_describes_the_service(
    client: Client, fixture_kg: KnowledgeGraph
) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef(str(client.base_url.join("/sparql")))
    service = sd.value(predicate=SD.endpoint, object=endpoint)
    assert service is not None
    assert set(sd.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(sd.objects(service, SD.feature)) == {SD.UnionDefaultGraph}
    formats = {str(f).rsplit("/", 1)[1] for f in sd.objects(service, SD.resultFormat)}
    assert formats == {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    }
    counts = {
        str(sd.value(named, SD.name)): int(sd.value(sd.value(named, SD.graph), VOID.triples))  # type: ignore[arg-type]
        for named in sd.objects(predicate=SD.namedGraph)
    }
    expected = {
        name: sum(
            1 for _ in fixture_kg.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        )
        for name in fixture_kg.graph_names
    }
    assert counts == expected
