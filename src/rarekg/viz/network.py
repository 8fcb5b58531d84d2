"""From the explorer's data to vis-network's records: a neighbourhood, styles, vis options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from rarekg.viz.overview import Group, groups
from rarekg.viz.view import Explorer

#: vis-network options. Positions come from the page, which stacks each column's groups
#: (:mod:`rarekg.viz.overview`), so physics stays off: nothing moves but what the user opens.
VIS_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "nodes": {"font": {"size": 13, "face": "system-ui, sans-serif"}, "borderWidth": 1,
              "fixed": True},
    "edges": {"smooth": False, "width": 0.8, "color": {"inherit": False},
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}},
    "interaction": {"hover": True, "tooltipDelay": 200, "keyboard": True,
                    "hideEdgesOnZoom": True},
}  # fmt: skip

#: The longest label drawn on a node, in characters: with the font above it stays
#: narrower than the gap between two columns (the full label is in the tooltip).
MAX_LABEL = 30


def clip(label: str) -> str:
    """A label cut to :data:`MAX_LABEL` characters.

    Examples:
        >>> clip("MOFCOM and GAC Announcement No. 18 of 2025")
        'MOFCOM and GAC Announcement N…'
    """
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


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


@dataclass
class Drawing:
    """What vis-network draws: node and edge records and the options."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    groups: list[Group]


def to_network(explorer: Explorer, keep: set[str] | None = None) -> Drawing:
    """The vis-network records of the explorer's nodes (or of ``keep``), each in its group.

    Built as plain records (pyvis's ``Network`` checks every new node and edge against a
    list of those it has, which is quadratic at ten times today's graph).

    Examples:
        >>> e = Explorer(nodes={"a": {"label": "A", "cls": "element", "color": "#000",
        ...                           "shape": "dot", "size": 14, "title": "A"}}, layers={"a": 0})
        >>> [(n["id"], n["bundle"]) for n in to_network(e).nodes]
        [('a', 'element@0')]
    """
    ids = set(explorer.nodes) if keep is None else keep & set(explorer.nodes)
    edges = [e for e in explorer.edges if e[0] in ids and e[1] in ids]
    drawn_groups = groups(explorer, ids)
    group_of = {m: g.id for g in drawn_groups for m in g.members}
    nodes = []
    for node_id in sorted(ids):
        node = explorer.nodes[node_id]
        nodes.append({
            "id": node_id, "label": clip(node["label"]), "shape": node["shape"],
            "color": node["color"], "title": node["title"], "size": node["size"],
            "cls": node["cls"], "bundle": group_of[node_id],
            "search": node.get("search", [node["label"]]),
        })  # fmt: skip
    styles = {kind.key: kind for kind in explorer.edge_kinds}
    drawn = [
        {"id": f"e{i}", "from": u, "to": v, "title": label, "kind": kind,
         "color": styles[kind].colour, "dashes": styles[kind].dashes, "arrows": "to"}
        for i, (u, v, label, kind) in enumerate(edges)
    ]  # fmt: skip
    return Drawing(nodes, drawn, VIS_OPTIONS, drawn_groups)
