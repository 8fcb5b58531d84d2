"""From the explorer's data to a pyvis network: a neighbourhood, positions, styles, vis options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from rarekg.viz.layout import layered_positions
from rarekg.viz.view import Explorer

if TYPE_CHECKING:
    from pyvis.network import Network

#: vis-network options. Positions come from the server; a short, weak stabilisation only
#: nudges nodes up and down within their layer (x stays fixed; repulsion reaches less
#: than a row apart, so the layers keep their order), then the page turns physics off so
#: the whole graph pans and zooms without stutter.
VIS_OPTIONS: dict[str, Any] = {
    "physics": {
        "enabled": True,
        "solver": "repulsion",
        "repulsion": {"nodeDistance": 30, "springLength": 300, "springConstant": 0.0005,
                      "centralGravity": 0.0, "damping": 0.6},
        "stabilization": {"enabled": True, "iterations": 20, "updateInterval": 10, "fit": True},
    },
    "nodes": {"font": {"size": 13, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": False, "width": 0.8, "color": {"inherit": False},
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}},
    "interaction": {"hover": True, "tooltipDelay": 200, "keyboard": True,
                    "hideEdgesOnZoom": False},
}  # fmt: skip


#: The default and the deepest neighbourhood of a focus, in edges.
DEFAULT_DEPTH, MAX_DEPTH = 1, 6


def neighbourhood(explorer: Explorer, focus: str, depth: int) -> set[str]:
    """Return the nodes at most ``depth`` edges from ``focus``, in either direction.

    Examples:
        >>> e = Explorer(nodes={"a": {}, "b": {}, "c": {}},
        ...              edges=[("a", "b", "p", "dependency"), ("c", "b", "p", "dependency")])
        >>> sorted(neighbourhood(e, "a", 1)), sorted(neighbourhood(e, "a", 2))
        (['a', 'b'], ['a', 'b', 'c'])
    """
    graph = nx.Graph()
    graph.add_nodes_from(explorer.nodes)
    graph.add_edges_from((u, v) for u, v, _, _ in explorer.edges)
    return set(nx.ego_graph(graph, focus, radius=depth))


def to_network(explorer: Explorer, keep: set[str] | None = None) -> Network:
    """Build the pyvis network of the explorer's nodes (or of ``keep``), laid out by layer.

    Examples:
        >>> e = Explorer(nodes={"a": {"label": "A", "cls": "x", "color": "#000", "shape": "dot",
        ...                           "size": 14, "title": "A"}}, layers={"a": 0})
        >>> [(n["id"], n["x"], n["y"]) for n in to_network(e).nodes]
        [('a', 0, 0)]
    """
    ids = set(explorer.nodes) if keep is None else keep & set(explorer.nodes)
    edges = [e for e in explorer.edges if e[0] in ids and e[1] in ids]
    positions = layered_positions(
        {n: layer for n, layer in explorer.layers.items() if n in ids},
        [(u, v) for u, v, _, _ in edges],
        {n: layer for n, layer in explorer.beside.items() if n in ids},
    )
    from pyvis.network import Network  # here: pyvis brings IPython, half a second of imports

    net = Network(directed=True)
    for node_id in sorted(ids):
        node = explorer.nodes[node_id]
        x, y = positions.get(node_id, (0, 0))
        net.add_node(
            node_id,
            label=node["label"],
            shape=node["shape"],
            color=node["color"],
            title=node["title"],
            size=node["size"],
            cls=node["cls"],
            search=node.get("search", [node["label"]]),
            x=x,
            y=y,
            fixed={"x": True, "y": False},
        )
    styles = {kind.key: kind for kind in explorer.edge_kinds}
    for i, (u, v, label, kind) in enumerate(edges):
        style = styles[kind]
        net.add_edge(
            u, v, id=f"e{i}", title=label, kind=kind, color=style.colour, dashes=style.dashes
        )
    net.options = VIS_OPTIONS
    return net
