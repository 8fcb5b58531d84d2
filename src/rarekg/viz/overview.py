"""The explorer's overview: nodes gathered by kind and stage, in columns along the supply chain.

The overview starts with one node per group, a kind of node (:data:`rarekg.viz.view.NODE_STYLES`,
whose classes are the ontology's, as in :data:`rarekg.analysis.projection.ROLES`) at one
stage of the chain; a click opens a group into its members. Columns run left to right,
element → material → magnet → component → application → industry, with the countries
in a column before the elements. Each column has three bands: the policies that touch
its things above them, the things themselves, and the firms and plants that work at its
stage beneath. The page stacks each column's groups from these bands
(``assets/explorer.js``), so no two nodes, and no two labels, share a place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rarekg.viz.layout import order_layers
from rarekg.viz.view import Explorer

#: Bands of a column, top to bottom.
RULES, CHAIN, WHO = "rules", "chain", "who"
BANDS = (RULES, CHAIN, WHO)
#: The column of the countries, before the elements.
COUNTRY_COLUMN = -1
#: Stages by column, for the groups' labels.
STAGE_WORDS = {
    COUNTRY_COLUMN: "countries", 0: "elements", 1: "materials", 2: "magnets",
    3: "components", 4: "applications", 5: "industries",
}  # fmt: skip
#: A group's name: the kind in the plural.
PLURAL = {
    "element": "Rare-earth elements", "other-element": "Other elements",
    "material": "Materials", "technology": "Technologies", "magnet": "Magnets",
    "component": "Components", "application": "Applications", "industry": "Industries",
    "company": "Companies", "facility": "Facilities", "country": "Countries",
    "suspension": "Suspensions", "export-control": "Export controls",
    "policy": "Other policies", "rarekg-class": "rarekg classes",
    "reused-class": "Reused classes",
}  # fmt: skip


@dataclass(frozen=True)
class Group:
    """Nodes of one kind at one stage, drawn as one node until opened.

    Attributes:
        id: ``kind@column``.
        label: the kind in the plural, with the stage where the band is not the chain.
        cls: the kind (a node style's key).
        column: the column, :data:`COUNTRY_COLUMN` up to 5.
        band: one of :data:`BANDS`.
        members: node ids, ordered to keep edges between columns short.
    """

    id: str
    label: str
    cls: str
    column: int
    band: str
    members: tuple[str, ...]


def placement(explorer: Explorer, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each node's column and band.

    Things of the chain sit in their stage's column; countries before the elements; firms
    and plants beneath the stage they work at (:attr:`Explorer.beside`); a policy above
    the first stage of what it touches (an export control on oxides sits over the
    materials), or over the elements when it touches no stage.

    Examples:
        >>> e = Explorer(nodes={"p": {}, "m": {}, "c": {}, "f": {}},
        ...              edges=[("p", "m", "controls", "control")],
        ...              layers={"p": -1, "m": 1, "c": -2}, beside={"f": 2})
        >>> placement(e, ["p", "m", "c", "f"])
        {'p': (1, 'rules'), 'm': (1, 'chain'), 'c': (-1, 'chain'), 'f': (2, 'who')}
    """
    wanted = list(ids)
    touched: dict[str, list[int]] = {n: [] for n in wanted}
    for u, v, _, _ in explorer.edges:
        for a, b in ((u, v), (v, u)):
            if a in touched and explorer.layers.get(b, -1) >= 0:
                touched[a].append(explorer.layers[b])
    found: dict[str, tuple[int, str]] = {}
    for node in wanted:
        layer = explorer.layers.get(node)
        if node in explorer.beside:
            found[node] = (explorer.beside[node], WHO)
        elif layer is not None and layer >= 0:
            found[node] = (layer, CHAIN)
        elif layer == -2:
            found[node] = (COUNTRY_COLUMN, CHAIN)
        else:
            found[node] = (min(touched[node], default=0), RULES)
    return found


def groups(explorer: Explorer, ids: Iterable[str]) -> list[Group]:
    """The groups of the nodes ``ids``, by column, then band, then the order of the kinds.

    Examples:
        >>> e = Explorer(nodes={"a": {"cls": "element"}, "b": {"cls": "element"},
        ...                     "x": {"cls": "material"}},
        ...              edges=[("x", "b", "contains", "dependency")],
        ...              layers={"a": 0, "b": 0, "x": 1})
        >>> [(g.id, g.label, g.members) for g in groups(e, ["a", "b", "x"])]
        [('element@0', 'Rare-earth elements', ('a', 'b')), ('material@1', 'Materials', ('x',))]
    """
    place = placement(explorer, ids)
    band_rank = {band: i for i, band in enumerate(BANDS)}
    # One layer per column and band, so a column's bands are ordered apart.
    layers = {n: column * len(BANDS) + band_rank[band] for n, (column, band) in place.items()}
    order = order_layers(layers, ((u, v) for u, v, _, _ in explorer.edges))
    kinds = {style.key: i for i, style in enumerate(explorer.node_classes)}
    members: dict[tuple[int, str, str], list[str]] = {}
    for layer in sorted(order):
        for node in order[layer]:
            column, band = place[node]
            members.setdefault((column, band, explorer.nodes[node]["cls"]), []).append(node)
    found = []
    for (column, band, cls), nodes in sorted(
        members.items(),
        key=lambda kv: (kv[0][0], band_rank[kv[0][1]], kinds.get(kv[0][2], len(kinds))),
    ):
        label = PLURAL.get(cls, cls)
        if band != CHAIN:
            label += f" · {STAGE_WORDS.get(column, '')}"
        found.append(Group(f"{cls}@{column}", label, cls, column, band, tuple(nodes)))
    return found
