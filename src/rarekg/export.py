"""Export the graph for other tools: RDF of the reasoned graph, GraphML of its projection.

RDF in a graph format: the union of every named graph (ontology, curated files and the
inferred graph) as one graph, each triple once; in a dataset format (TriG, N-Quads) each
named graph kept, so a store loading the file holds the same named graphs as ``rarekg
load`` puts there. Either way in a stable order, so two exports of the same data are
byte-identical. GraphML: the network projection for Gephi, its attributes made scalars.
Every file is written through the one atomic writer (:func:`rarekg.paths.write_atomically`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from rarekg.analysis.projection import Projection, project
from rarekg.formats import GRAPH, by_name
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import PREFIXES
from rarekg.paths import write_atomically

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


_SCALARS = (str, int, float, bool)


def _scalar(value: Any) -> str | int | float | bool | None:
    """A GraphML-safe attribute value: scalars as they are, lists joined by spaces.

    Examples:
        >>> _scalar(["a", "b"]), _scalar(2.5), _scalar(None)
        ('a b', 2.5, None)
    """
    if value is None:
        return None
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(str(v) for v in value)
    return str(value)


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}


def scalar_graph(projection: Projection) -> nx.MultiDiGraph:
    """A copy of the projection graph whose attributes are all scalars (GraphML's rule)."""
    graph = nx.MultiDiGraph()
    for node, data in projection.graph.nodes(data=True):
        graph.add_node(node, **_scalars(data))
    for subject, obj, key, data in projection.graph.edges(keys=True, data=True):
        graph.add_edge(subject, obj, key=key, **_scalars(data))
    return graph


def write_graphml(projection: Projection, path: Path) -> None:
    """Write the projection as GraphML (scalar attributes only), atomically."""
    graph = scalar_graph(projection)
    write_atomically(Path(path), lambda tmp: nx.write_graphml(graph, tmp))


def _rdf_writer(format_name: str) -> Callable[[KnowledgeGraph, Path], None]:
    def write(kg: KnowledgeGraph, path: Path) -> None:
        make = dataset_bytes if format_name in DATASET_EXPORTS else rdf_bytes
        data = make(kg, format_name)

        def put(temporary: Path) -> None:
            temporary.write_bytes(data)

        write_atomically(path, put)

    return write


#: Export formats: name -> writer of the loaded graph to a path. Add a format with a row.
EXPORTERS: dict[str, Callable[[KnowledgeGraph, Path], None]] = {
    "graphml": lambda kg, path: write_graphml(kg.cached(project), path),
    **{name: _rdf_writer(name) for name in (*RDF_EXPORTS, *DATASET_EXPORTS)},
}


def export(kg: KnowledgeGraph, format_name: str, path: Path) -> None:
    """Write the graph in one of :data:`EXPORTERS`' formats to ``path``, atomically.

    Raises:
        KeyError: no such format.
    """
    EXPORTERS[format_name](kg, path)
