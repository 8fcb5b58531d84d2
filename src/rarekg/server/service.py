"""The service description: what the endpoint offers, with VoID counts of its data.

It claims only what is true of this endpoint: SPARQL 1.1 Query (no Update), the
result and graph formats it serves, a default graph that is the union of the named
graphs, and federated queries only when the operator allow-lists SERVICE hosts.

References:
    SPARQL 1.1 Service Description, W3C Recommendation 21 March 2013;
    Describing Linked Datasets with the VoID Vocabulary, W3C Note 3 March 2011.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from rarekg.formats import FORMATS
from rarekg.namespaces import RKG
from rarekg.server.execute import Engine, QueryJob
from rarekg.settings import Settings

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
_W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: The W3C format IRI of each format we serve, by format name.
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}

_COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


async def _rows(engine: Engine, text: str) -> list[dict[str, str]]:
    answer = await engine.run(QueryJob(text, "application/sparql-results+json"))
    if answer.status != 200:
        raise RuntimeError(f"counting triples failed: {answer.body.decode('utf-8')}")
    bindings = json.loads(answer.body)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


@dataclass(frozen=True)
class Counts:
    """How many triples the default graph and each named graph hold."""

    default: int
    graphs: tuple[tuple[str, int], ...]


async def count(engine: Engine) -> Counts:
    """Count the triples of the store behind ``engine``, graph by graph.

    Raises:
        RuntimeError: the store could not be counted.
    """
    total = int((await _rows(engine, _COUNT_DEFAULT))[0]["n"])
    graphs = tuple((row["g"], int(row["n"])) for row in await _rows(engine, _COUNT_GRAPHS))
    return Counts(total, tuple(sorted(graphs)))


def describe(
    counts: Counts, endpoint: str, settings: Settings, horizon: dt.date | None = None
) -> bytes:
    """Write the service description of the endpoint at ``endpoint`` as Turtle.

    The dataset carries its horizon (``rkg:statusCheckedUntil``): the day up to which
    its policies' statuses were checked; later statuses are unknown.

    Examples:
        >>> text = describe(Counts(3, (("http://g", 3),)), "http://h/sparql", Settings(),
        ...                 dt.date(2026, 11, 29))
        >>> b"void:triples 3" in text, b"BasicFederatedQuery" in text, b"2026-11-29" in text
        (True, False, True)
    """
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", _W3C_FORMATS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_hosts:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in FORMATS:
        if fmt.name in FORMAT_IRIS:
            graph.add((service, SD.resultFormat, _W3C_FORMATS[FORMAT_IRIS[fmt.name]]))
    dataset, default = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    if horizon is not None:
        graph.bind("rkg", RKG)
        graph.add((dataset, RKG.statusCheckedUntil, Literal(horizon)))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(counts.default)))
    for name, triples in counts.graphs:
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(triples)))
    return graph.serialize(format="turtle").encode("utf-8")
