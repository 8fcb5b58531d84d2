"""Serialise the whole reasoned graph as RDF, for ``rarekg export`` and other stores.

In a graph format the union of every named graph (ontology, curated files and the
inferred graph) is written as one graph, each triple once; in a dataset format (TriG,
N-Quads) each named graph is kept, so a store loading the file holds the same named
graphs as ``rarekg load`` puts there. Either way in a stable order, so two exports of
the same data are byte-identical.
"""

from __future__ import annotations

import pyoxigraph as ox

from rarekg.formats import GRAPH, by_name
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import PREFIXES

#: The RDF formats the graph can be exported in (names of :mod:`rarekg.formats`).
RDF_EXPORTS = ("turtle", "nt", "jsonld", "rdfxml")
#: The dataset formats, named graphs kept: export name -> Oxigraph format.
DATASET_EXPORTS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}


def reasoned_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """Every triple of every named graph, inferred ones included, once each, sorted.

    Examples:
        >>> import rarekg
        >>> triples = reasoned_triples(rarekg.load())
        >>> len(triples) == len(set(triples)) > 1000
        True
    """
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in kg.store}, key=str)


def rdf_bytes(kg: KnowledgeGraph, format_name: str) -> bytes:
    """The reasoned graph in an RDF format: ``turtle``, ``nt``, ``jsonld`` or ``rdfxml``.

    Raises:
        rarekg.formats.FormatError: not an RDF format; the message lists the choices.
    """
    rdf_format = by_name(format_name, GRAPH).oxigraph
    assert isinstance(rdf_format, ox.RdfFormat)
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    data = ox.serialize(reasoned_triples(kg), format=rdf_format, prefixes=prefixes)
    assert data is not None, "serialising to memory returns the bytes"
    return data


def dataset_bytes(kg: KnowledgeGraph, format_name: str) -> bytes:
    """Every quad of the reasoned graph, named graphs kept: ``trig`` or ``nquads``.

    Examples:
        >>> import rarekg
        >>> kg = rarekg.load()
        >>> quads = list(ox.parse(dataset_bytes(kg, "nquads"), format=ox.RdfFormat.N_QUADS))
        >>> graphs = {q.graph_name.value for q in quads}
        >>> len(quads) == len(kg.store), graphs == set(kg.graph_names)
        (True, True)
    """
    rdf_format = DATASET_EXPORTS[format_name]
    prefixes = PREFIXES if rdf_format is ox.RdfFormat.TRIG else None
    quads = sorted(kg.store, key=str)
    data = ox.serialize(quads, format=rdf_format, prefixes=prefixes)
    assert data is not None, "serialising to memory returns the bytes"
    return data
