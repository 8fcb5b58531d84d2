"""Namespaces and IRIs the package relies on: the ontology, resources and named graphs."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

RKG = Namespace("https://w3id.org/rarekg/ontology#")
RKR = Namespace("https://w3id.org/rarekg/resource/")
GRAPH_BASE = "https://w3id.org/rarekg/graph/"
SCHEMA = Namespace("https://schema.org/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_IRI = URIRef("https://w3id.org/rarekg/ontology")
INFERRED_GRAPH = URIRef(GRAPH_BASE + "inferred")
ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")

#: The prefixes every query and serialisation may use without declaring them.
PREFIXES: dict[str, str] = {
    "rkg": str(RKG),
    "rkr": str(RKR),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "unit": str(UNIT),
    "wd": str(WD),
}


def graph_iri(name: str) -> URIRef:
    """Return the named-graph IRI for a source file stem.

    Examples:
        >>> str(graph_iri("policies"))
        'https://w3id.org/rarekg/graph/policies'
    """
    return URIRef(GRAPH_BASE + name)


def sparql_prologue() -> str:
    """Return PREFIX lines for :data:`PREFIXES`, to prepend to query text.

    Examples:
        >>> sparql_prologue().splitlines()[0]
        'PREFIX rkg: <https://w3id.org/rarekg/ontology#>'
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
