"""Server-side layout: the order of nodes within each layer, to cut crossings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from statistics import fmean


def order_layers(
    layers: Mapping[str, int], edges: Iterable[tuple[str, str]], sweeps: int = 8
) -> dict[int, list[str]]:
    """Order the nodes of each layer by the barycentre of their neighbours.

    Each sweep visits the layers left to right, then right to left, and sorts every
    layer by the mean relative position of each node's neighbours in other layers;
    a node without such neighbours keeps its place.

    Args:
        layers: node to its layer (any integers).
        edges: pairs of nodes; direction does not matter, pairs within a layer are ignored.
        sweeps: number of back-and-forth passes.

    Returns:
        layer to its nodes, top to bottom; nodes start sorted by name, so the result
        is the same on every run.

    References:
        Sugiyama, Tagawa, Toda (1981), "Methods for visual understanding of hierarchical
        system structures", IEEE Trans. SMC 11(2): the barycentre heuristic.

    Examples:
        >>> layers = {"a": 0, "b": 0, "x": 1, "y": 1}
        >>> order_layers(layers, [("a", "y"), ("b", "x")])  # no crossing left
        {0: ['b', 'a'], 1: ['x', 'y']}
    """
    neighbours: dict[str, set[str]] = defaultdict(set)
    for u, v in edges:
        if u in layers and v in layers and layers[u] != layers[v]:
            neighbours[u].add(v)
            neighbours[v].add(u)
    order: dict[int, list[str]] = defaultdict(list)
    for node in sorted(layers):
        order[layers[node]].append(node)
    place = {n: i / max(len(col), 1) for col in order.values() for i, n in enumerate(col)}
    keys = sorted(order)
    for _ in range(sweeps):
        for layer in keys + keys[::-1]:
            column = order[layer]
            barycentre = {
                n: fmean(place[m] for m in neighbours[n]) if neighbours[n] else place[n]
                for n in column
            }
            column.sort(key=lambda n: barycentre[n])
            place.update({n: i / len(column) for i, n in enumerate(column)})
    return dict(sorted(order.items()))
