"""Server-side layout: nodes in layers by stage, ordered within each layer to cut crossings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from statistics import mean

COLUMN_GAP = 340  #: pixels between layers
ROW_GAP = 40  #: pixels between nodes of a layer
BESIDE_GAP = 150  #: pixels between the stage layers and the band beneath them
BESIDE_PER_ROW = 2  #: nodes per row in the band beneath a layer


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
                n: mean(place[m] for m in neighbours[n]) if neighbours[n] else place[n]
                for n in column
            }
            column.sort(key=lambda n: barycentre[n])
            place.update({n: i / len(column) for i, n in enumerate(column)})
    return dict(sorted(order.items()))


def layered_positions(
    layers: Mapping[str, int],
    edges: Iterable[tuple[str, str]],
    beside: Mapping[str, int] | None = None,
) -> dict[str, tuple[int, int]]:
    """Place nodes: one column per layer, and a band beneath for the ``beside`` nodes.

    Args:
        layers: node to its layer; layer ``k`` is drawn at ``x = k * COLUMN_GAP``.
        edges: the edges the ordering should keep short.
        beside: node to the layer it sits under (firms and plants under their stage),
            in rows of :data:`BESIDE_PER_ROW`.

    Returns:
        node to ``(x, y)`` in pixels; each column is centred on ``y = 0``.

    Examples:
        >>> layered_positions({"a": 0, "b": 0, "c": 1}, [("a", "c")], {"f": 1})
        {'a': (0, -20), 'b': (0, 20), 'c': (340, 0), 'f': (264, 170)}
    """
    edges = list(edges)
    positions: dict[str, tuple[int, int]] = {}
    for layer, column in order_layers(layers, edges).items():
        top = -(len(column) - 1) * ROW_GAP / 2
        for i, node in enumerate(column):
            positions[node] = (layer * COLUMN_GAP, round(top + i * ROW_GAP))
    if not beside:
        return positions
    floor = max((y for _, y in positions.values()), default=0) + BESIDE_GAP
    rank = {n: y for n, (_, y) in positions.items()}
    linked: dict[str, list[int]] = defaultdict(list)
    for u, v in edges:
        if u in beside and v in rank:
            linked[u].append(rank[v])
        if v in beside and u in rank:
            linked[v].append(rank[u])
    under: dict[int, list[str]] = defaultdict(list)
    for node in sorted(beside, key=lambda n: (mean(linked[n]) if linked[n] else 0, n)):
        under[beside[node]].append(node)
    width = COLUMN_GAP * 0.45
    for layer, nodes in under.items():
        for i, node in enumerate(nodes):
            row, slot = divmod(i, BESIDE_PER_ROW)
            x = layer * COLUMN_GAP - width / 2 + slot * width / max(BESIDE_PER_ROW - 1, 1)
            positions[node] = (round(x), round(floor + row * ROW_GAP * 1.6))
    return positions
