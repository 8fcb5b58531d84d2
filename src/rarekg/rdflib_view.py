"""The store through rdflib's Dataset API (oxrdflib), for code that wants rdflib's view.

A module of its own, imported only when the view is asked for: oxrdflib brings in
rdflib's SPARQL machinery, about a third of a second of imports that the server and
its query workers never need.
"""

from __future__ import annotations

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef

from rarekg.namespaces import PREFIXES


class _ReadableStore(OxigraphStore):
    """oxrdflib's store, which writes nothing when a graph that exists is named.

    rdflib's ``Dataset.graph(name)`` adds the graph it names; on the built store, opened
    read-only, adding even an existing graph would fail.
    """

    def add_graph(self, graph: Graph) -> None:
        name = graph.identifier
        if isinstance(name, URIRef) and self._inner.contains_named_graph(ox.NamedNode(name)):
            return
        super().add_graph(graph)


def as_dataset(store: ox.Store) -> Dataset:
    """Wrap an Oxigraph store as an rdflib Dataset whose default graph is the union.

    The project's prefixes are bound, so rdflib-side queries may use them as well.
    """
    dataset = Dataset(store=_ReadableStore(store=store), default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    return dataset
