"""Dependency chains between two things, shortest first, each relation with its sources.

A chain follows the supply graph (:func:`rarekg.analysis.projection.supply_graph`) the way
goods move, from an input to what is made of it (dysprosium -> sintered NdFeB -> wind
generator -> wind power), or against it, from a consumer to its inputs, whichever way
leads from FROM to TO.
"""

from __future__ import annotations

from itertools import islice, pairwise

import networkx as nx

from rarekg.analysis.projection import Projection, supply_graph
from rarekg.analysis.results import Chain, Relation

DEFAULT_MAX_LENGTH = 6
DEFAULT_LIMIT = 50
#: Bounds a caller may ask for: longer chains or more of them cost more than they tell.
MAX_LENGTH_BOUND = 20
LIMIT_BOUND = 1000


def _edges(flow: nx.DiGraph, path: list[str], forward: bool) -> tuple[Relation, ...]:
    """The relations along a path, stated as in RDF (subject, kind, object)."""
    edges = []
    for a, b in pairwise(path):
        start, end = (a, b) if forward else (b, a)
        for kind, sources, inverse in flow.edges[start, end]["kinds"] or [("share", (), False)]:
            subject, obj = (end, start) if inverse else (start, end)
            edges.append(Relation(kind, subject, obj, tuple(sources)))
            break  # one relation per step: the first stated
    return tuple(edges)


def find_chains(
    projection: Projection,
    source: str,
    target: str,
    max_length: int = DEFAULT_MAX_LENGTH,
    limit: int = DEFAULT_LIMIT,
) -> list[Chain]:
    """Every chain of at most ``max_length`` relations from ``source`` to ``target``.

    Shortest first (then by labels); at most ``limit`` chains.

    References:
        Yen, Finding the K shortest loopless paths in a network (1971), as implemented
        by :func:`networkx.shortest_simple_paths`.

    Examples:
        >>> p = Projection(nx.MultiDiGraph())
        >>> p.graph.add_nodes_from(["Dy", "magnet", "wind"], type="material")
        >>> for consumer, item, kind in [("magnet", "Dy", "containsElement"),
        ...                              ("wind", "magnet", "madeFrom")]:
        ...     _ = p.graph.add_edge(consumer, item, kind=kind, family="dependency", sources=["s"])
        >>> [[n.iri for n in c.nodes] for c in find_chains(p, "Dy", "wind")]
        [['Dy', 'magnet', 'wind']]
    """
    flow = supply_graph(projection)
    if source not in flow or target not in flow or source == target:
        return []
    found: list[tuple[list[str], bool]] = []
    for graph, forward in ((flow, True), (flow.reverse(copy=False), False)):
        if not nx.has_path(graph, source, target):
            continue
        paths = nx.shortest_simple_paths(graph, source, target)
        for path in islice(paths, limit):
            if len(path) - 1 > max_length:
                break
            found.append((path, forward))
    found.sort(key=lambda pf: (len(pf[0]), [projection.label(n) for n in pf[0]]))
    return [
        Chain(tuple(projection.describe(n) for n in path), _edges(flow, path, forward))
        for path, forward in found[:limit]
    ]
