"""The explorer's view of the network projection: styled nodes and edges, layers, facets.

:func:`explore` draws the one projection (:mod:`rarekg.analysis.projection`) the analyses
read, so the explorer shows the same things and relations as ``chains``, ``simulate`` and
GraphML; this module adds only how they look (:data:`NODE_STYLES`, :data:`EDGE_STYLES`)
and where they sit. The side panel's facts come from :mod:`rarekg.viz.panel`;
:mod:`rarekg.viz.network` turns an :class:`Explorer` into vis-network records and
:mod:`rarekg.viz.page` into our offline page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import networkx as nx

from rarekg.analysis import Projection, chokepoints_report, project
from rarekg.analysis.criticality import panel_facts
from rarekg.analysis.criticality.inputs import Statistics
from rarekg.analysis.projection import POLICY
from rarekg.kg import KnowledgeGraph, Run
from rarekg.names import ResolveError, Resolver, local_name
from rarekg.user_data import user_nodes
from rarekg.viz.panel import Facts, details, produced_in, words
from rarekg.viz.timeline import time_data


@dataclass(frozen=True)
class NodeStyle:
    """How one kind of node is drawn and where it sits.

    Attributes:
        key: the name filters and the legend use.
        label: the legend's words.
        classes: ontology classes (local names in ``rkg:``) that give a node this style.
        column: the layer, left to right: -2 countries, -1 policies, 0 elements up to
            5 industries; ``None`` puts it in the band beneath the stage it works at.
        colour: fill colour.
        shape: vis-network shape.
    """

    key: str
    label: str
    classes: tuple[str, ...]
    column: int | None
    colour: str
    shape: str


#: Most specific first: a node takes the first style whose classes it has.
NODE_STYLES: tuple[NodeStyle, ...] = (
    NodeStyle("element", "Rare-earth element", ("RareEarthElement",), 0, "#1f77b4", "dot"),
    NodeStyle("other-element", "Other element", ("ChemicalElement",), 0, "#9ecae1", "dot"),
    NodeStyle("material", "Material", ("Material",), 1, "#17becf", "dot"),
    NodeStyle("technology", "Technology", ("Technology",), 1, "#bcbd22", "star"),
    NodeStyle("magnet", "Magnet", ("Magnet",), 2, "#9467bd", "dot"),
    NodeStyle("component", "Component", ("Component",), 3, "#8c564b", "dot"),
    NodeStyle("application", "Application", ("Application",), 4, "#e377c2", "dot"),
    NodeStyle("industry", "Industry", ("Industry",), 5, "#2ca02c", "dot"),
    NodeStyle("company", "Company", ("Company",), None, "#ff7f0e", "diamond"),
    NodeStyle("facility", "Facility", ("Facility",), None, "#f5c27a", "triangle"),
    NodeStyle("country", "Country", ("Country",), -2, "#7f7f7f", "square"),
    NodeStyle("suspension", "Suspension", ("Suspension",), -1, "#fdd0a2", "hexagon"),
    NodeStyle(
        "export-control", "Export control", ("ExportProhibition", "ExportControl"), -1,
        "#d62728", "hexagon",
    ),
    NodeStyle("policy", "Other policy", ("Policy",), -1, "#c5b0d5", "hexagon"),
)  # fmt: skip


@dataclass(frozen=True)
class EdgeStyle:
    """How the relations of some families (:data:`rarekg.analysis.projection.FAMILIES`) look."""

    key: str
    label: str
    colour: str
    dashes: bool
    families: tuple[str, ...] = ()


EDGE_STYLES: tuple[EdgeStyle, ...] = (
    EdgeStyle("dependency", "depends on (input)", "#8a8a8a", False, ("dependency",)),
    EdgeStyle("control", "controls", "#d62728", True, ("control",)),
    EdgeStyle("supply", "produces", "#1f77b4", True, ("production",)),
    EdgeStyle(
        "business", "operates / supplies / owned by", "#ff7f0e", False,
        ("operation", "trade", "ownership"),
    ),
    EdgeStyle("policy", "policy relation", "#9467bd", True, ("policy",)),
    EdgeStyle("place", "located in / jurisdiction", "#c7c7c7", True, ("location", "jurisdiction")),
)  # fmt: skip

_STYLE_OF_FAMILY = {family: style.key for style in EDGE_STYLES for family in style.families}

#: Supply-chain stages and the layer their facilities and firms sit under.
STAGE_COLUMNS = {
    "Mining": 0, "Separation": 1, "MetalAlloy": 1, "Recycling": 1,
    "MagnetManufacturing": 2, "ComponentManufacturing": 3,
}  # fmt: skip

#: Things other than policies (which carry status spans) are shown from their day,
#: month or year.
_DATE_START = ("date", "dateMonth", "dateYear")


@dataclass
class Explorer:
    """The explorable part of the knowledge graph.

    Attributes:
        nodes: node id (its IRI) to the vis-network fields drawn for it.
        edges: ``(from, to, relation in words, edge style key)``.
        details: node id to what the side panel shows (JSON-ready, text only).
        facets: node id to what the filters read: ``countries``, ``elements`` (IRIs),
            ``start`` (ISO date; a policy's status comes from :attr:`timeline`).
        sources: source IRI to ``title``, ``url``, ``publisher``, ``issued``.
        node_classes: the node styles, for the legend and the class filter.
        edge_kinds: the edge styles, for the legend.
        layers: node id to its layer (see :attr:`NodeStyle.column`).
        beside: node id to the layer it sits beneath (firms and plants).
        scored: whether node sizes come from chokepoint scores.
        chokepoints: the scored nodes, highest score first.
        resolver: the graph's names, for finding a node by what a person typed.
        timeline: the time control's data for the policies drawn
            (:func:`rarekg.viz.timeline.time_data`).
    """

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    facets: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    node_classes: tuple[NodeStyle, ...] = NODE_STYLES
    edge_kinds: tuple[EdgeStyle, ...] = EDGE_STYLES
    layers: dict[str, int] = field(default_factory=dict)
    beside: dict[str, int] = field(default_factory=dict)
    scored: bool = False
    chokepoints: list[str] = field(default_factory=list)
    resolver: Resolver | None = None
    timeline: dict[str, Any] = field(default_factory=dict)

    def find(self, thing: str) -> str:
        """Return the drawn node ``thing`` means, by the one resolver (:mod:`rarekg.names`).

        Raises:
            FocusNotFound: no drawn node, or several, answer to ``thing``.

        Examples:
            >>> e = Explorer(nodes={"https://w3id.org/rarekg/resource/Dysprosium":
            ...     {"label": "Dysprosium", "search": ["Dysprosium", "Dy"]}})
            >>> e.find("dy") == e.find("rkr:Dysprosium") == next(iter(e.nodes))
            True
        """
        names = self.resolver or Resolver({n: node["search"] for n, node in self.nodes.items()})
        try:
            return names.resolve(thing, self.nodes, "drawn in the explorer")
        except ResolveError as error:
            raise FocusNotFound(str(error)) from None


def scaled(explorer: Explorer, times: int) -> Explorer:
    """``times`` copies of the explorer side by side, for measuring the page at a larger size.

    Copy ``k`` of a node is its id with ``#copy-k``; edges join nodes of one copy only,
    and the copies' policies share the original's status spans.

    Examples:
        >>> e = Explorer(nodes={"a": {"label": "A"}}, edges=[("a", "a", "p", "x")],
        ...              layers={"a": 0}, timeline={"statuses": {}})
        >>> big = scaled(e, 3)
        >>> sorted(big.nodes), len(big.edges)
        (['a', 'a#copy-1', 'a#copy-2'], 3)
    """

    def name(node: str, k: int) -> str:
        return node if k == 0 else f"{node}#copy-{k}"

    copies = range(times)
    big = Explorer(
        node_classes=explorer.node_classes, edge_kinds=explorer.edge_kinds,
        scored=explorer.scored, sources=explorer.sources, timeline=dict(explorer.timeline),
    )  # fmt: skip
    statuses = explorer.timeline.get("statuses", {})
    big.timeline["statuses"] = {name(p, k): spans for p, spans in statuses.items() for k in copies}
    for k in copies:
        for node, drawn in explorer.nodes.items():
            search = [t if k == 0 else f"{t} {k}" for t in drawn.get("search", [])]
            big.nodes[name(node, k)] = {**drawn, "search": search}
            if node in explorer.details:
                big.details[name(node, k)] = {**explorer.details[node], "iri": name(node, k)}
            if node in explorer.facets:
                big.facets[name(node, k)] = explorer.facets[node]
        big.edges += [(name(u, k), name(v, k), label, kind) for u, v, label, kind in explorer.edges]
        big.layers.update({name(n, k): layer for n, layer in explorer.layers.items()})
        big.beside.update({name(n, k): layer for n, layer in explorer.beside.items()})
        big.chokepoints += [name(n, k) for n in explorer.chokepoints]
    return big


class FocusNotFound(LookupError):
    """No node of the explorer, or several, answer to the requested focus."""


def short_label(label: str) -> str:
    """Return the label drawn on a node: long labels lose their parenthesised tail.

    Examples:
        >>> short_label("MOFCOM and GAC Announcement No. 18 of 2025 (export controls on ...)")
        'MOFCOM and GAC Announcement No. 18 of 2025'
        >>> short_label("Sintered NdFeB (neodymium-iron-boron)")
        'Sintered NdFeB (neodymium-iron-boron)'
    """
    if len(label) > 40 and " (" in label:
        return label.split(" (")[0]
    return label


def node_style(classes: frozenset[str]) -> NodeStyle | None:
    """The style of a node with these ``rkg:`` classes (local names)."""
    return next((s for s in NODE_STYLES if set(s.classes) & classes), None)


def chokepoint_scores(projection: Projection) -> dict[str, float]:
    """Return the chokepoint score of every node the analysis ranks, as of today.

    References:
        :func:`rarekg.analysis.chokepoints_report`, which documents its measures.
    """
    ranked = chokepoints_report(projection, top=None).chokepoints
    return {entry.iri: entry.score for entry in ranked}


def explore(
    kg: KnowledgeGraph,
    scores: Mapping[str, float] | None = None,
    *,
    run: Run | None = None,
    projection: Projection | None = None,
) -> Explorer:
    """Draw the network projection, with the side panel's facts for every node.

    Build it once per graph with ``kg.cached(explore)``.

    Args:
        kg: the loaded knowledge graph.
        scores: node IRI to chokepoint score, which sizes the nodes; by default
            :func:`chokepoint_scores`. Pass ``{}`` for uniform sizes.
        run: reads the panel's facts and the user's nodes from a remote store
            (``rarekg serve --store``) instead of ``kg``'s own.
        projection: the network projection, read through ``run`` when that is given;
            by default ``kg``'s own.

    Examples:
        >>> import rarekg
        >>> explorer = explore(rarekg.load())
        >>> explorer.nodes[explorer.find("Dy")]["label"]
        'Dysprosium'
    """
    if projection is None:
        projection = kg.cached(project)
    names = projection.names()
    facts = Facts(kg, run)
    if scores is None:
        scores = chokepoint_scores(projection)
    explorer = Explorer(scored=bool(scores), resolver=names)
    top = max(scores.values(), default=0.0) if scores else 0.0
    yours = user_nodes(kg, run)
    for iri in projection.graph:
        style = node_style(projection.classes.get(iri, frozenset()))
        if style is None:
            continue
        label = projection.label(iri)
        score = scores.get(iri, 0.0)
        if style.column is None:
            explorer.beside[iri] = _anchor(projection, facts, iri)
        else:
            explorer.layers[iri] = style.column
        explorer.nodes[iri] = {
            "label": short_label(label),
            "title": f"{label}\n{style.label}"
            + (f"\nyour data ({yours[iri]})" if iri in yours else "")
            + (f"\nchokepoint score {score:.2f}" if scores else ""),
            "cls": style.key,
            "color": style.colour,
            "shape": style.shape,
            "size": 7 + 15 * score / top if top else 12,
            "search": sorted({short_label(label), *names.names_of(iri)}),
        }
    shown = explorer.nodes
    drawn = {
        (s, o, words(data["kind"]), _STYLE_OF_FAMILY[data["family"]]): None
        for s, o, data in projection.graph.edges(data=True)
        if s in shown and o in shown and data.get("family") in _STYLE_OF_FAMILY
    }
    explorer.edges = list(drawn)
    producing = produced_in(facts)
    inputs = nx.DiGraph(
        (u, v) for u, v, f in projection.graph.edges(data="family") if f == "dependency"
    )
    # The curated concentration only: the statistics-based methods read about a million
    # quads, far too slow for the page (`rarekg criticality` and /api/criticality have them).
    criticality = panel_facts(projection, Statistics(), dt.date.today(), methods=())
    for s in shown:
        explorer.facets[s] = _facets(projection, facts, inputs, s)
        explorer.details[s] = details(facts, s, shown, producing, explorer.sources)
        if s in scores:
            explorer.details[s]["facts"].insert(0, ["chokepoint score", f"{scores[s]:.2f}"])
        # The published criticality methods beside the score (rarekg criticality).
        explorer.details[s]["facts"][1 if s in scores else 0 : 0] = criticality.get(s, [])
        if s in yours:
            explorer.details[s]["facts"].insert(0, ["your data", f"graph {yours[s]}"])
    explorer.chokepoints = sorted((s for s in scores if s in shown), key=lambda s: -scores[s])
    explorer.timeline = time_data(projection, (s for s in shown if projection.role(s) == POLICY))
    return explorer


def _anchor(projection: Projection, facts: Facts, s: str) -> int:
    """The stage layer a firm or plant sits beneath: its stage, else what it produces."""
    stages = [STAGE_COLUMNS[local_name(st)] for st in facts.objects(s, "atStage")
              if local_name(st) in STAGE_COLUMNS]  # fmt: skip
    graph = projection.graph
    if not stages:
        for _, item, family in graph.out_edges(s, data="family"):
            style = node_style(projection.classes.get(item, frozenset()))
            if family == "production" and style and style.column is not None and style.column >= 0:
                stages.append(style.column)
    if not stages:
        stages = [
            _anchor(projection, facts, f)
            for _, f, family in graph.out_edges(s, data="family")
            if family == "operation"
        ]
    return round(median(stages)) if stages else 5


def _facets(projection: Projection, facts: Facts, inputs: nx.DiGraph, s: str) -> dict[str, Any]:
    """What the page's filters test: countries, elements, and when the thing applies.

    ``inputs`` holds the dependency relations, consumer to input. Countries are where
    the thing is, whose law it is, whom it targets and who produces it; elements are
    those it is, controls or produces, and what those depend on. A thing other than a
    policy has a ``start``; a policy's status on a day is looked up in the time control's
    spans (:mod:`rarekg.viz.timeline`).
    """
    graph = projection.graph
    out: dict[str, set[str]] = defaultdict(set)
    for _, obj, family in graph.out_edges(s, data="family"):
        out[family].add(obj)
    countries = out["location"] | out["jurisdiction"]
    countries |= {o for o in out["policy"] if projection.node_type(o) == "country"}
    countries |= {c for c, _, f in graph.in_edges(s, data="family") if f == "production"}
    countries = {c for c in countries if projection.node_type(c) == "country"}
    items = {s} | out["control"] | out["production"]
    for facility in out["operation"]:
        items |= {o for _, o, f in graph.out_edges(facility, data="family") if f == "production"}
    if projection.node_type(s) == "country":
        countries.add(s)
    elements = {
        e
        for item in items
        for e in (nx.descendants(inputs, item) if item in inputs else set()) | {item}
        if projection.node_type(e) == "element"
    }
    facet: dict[str, Any] = {"countries": sorted(countries), "elements": sorted(elements)}
    if projection.node_type(s) != "policy":
        facet["start"] = next((v for p in _DATE_START if (v := facts.first(s, p))), None)
    return facet
