"""Namespaces and IRIs the package relies on: the ontology, resources and named graphs."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

RKG = Namespace("https://w3id.org/rarekg/ontology#")
RKR = Namespace("https://w3id.org/rarekg/resource/")
GRAPH_BASE = "https://w3id.org/rarekg/graph/"
SCHEMA = Namespace("https://schema.org/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
WD = Namespace("http://www.wikidata.org/entity/")
#: W3C Basic Geo (WGS84): the one vocabulary of a facility's position (``geo:lat``, ``geo:long``).
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

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
    "geo": str(GEO),
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


# The local names our things have (and so the paths of their pages may hold).
_RESOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def resource_name(name: str) -> str | None:
    """The name if it can be one of our things' local names, else ``None``.

    Examples:
        >>> resource_name("Dysprosium"), resource_name("../etc")
        ('Dysprosium', None)
    """
    return name if _RESOURCE_NAME.fullmatch(name) else None


def page_path(iri: str) -> str | None:
    """The path of the Linked Data page of one of our things; ``None`` for other IRIs.

    Examples:
        >>> page_path("https://w3id.org/rarekg/resource/Dysprosium")
        '/resource/Dysprosium'
        >>> page_path("http://www.wikidata.org/entity/Q1843") is None
        True
    """
    name = iri.removeprefix(str(RKR))
    return f"/resource/{name}" if name != iri and resource_name(name) else None
