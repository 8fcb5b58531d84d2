"""The graph explorer's data: the knowledge graph projected onto a pyvis network, laid out by stage.

:func:`explore` reads the curated graph into an :class:`Explorer` (nodes, edges, and
the facts the side panel shows); :func:`to_network` turns it, or a neighbourhood of it
(:func:`neighbourhood`), into a pyvis ``Network`` with server-computed positions;
:mod:`rarekg.vizpage` renders that into our offline page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any
from urllib.parse import urlencode

from rarekg.analysis import chokepoints_report, project
from rarekg.analysis.asof import in_force_windows
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import INFERRED_GRAPH, PREFIXES, RKG


@dataclass(frozen=True)
class NodeClass:
    """How one kind of node is drawn and where it sits.

    Attributes:
        key: the name filters and the legend use.
        label: the legend's words.
        classes: ontology classes (local names in ``rkg:``) that make a node this kind.
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


#: Most specific first: a node takes the first kind whose classes it has.
NODE_CLASSES: tuple[NodeClass, ...] = (
    NodeClass("element", "Rare-earth element", ("RareEarthElement",), 0, "#1f77b4", "dot"),
    NodeClass("other-element", "Other element", ("ChemicalElement",), 0, "#9ecae1", "dot"),
    NodeClass("material", "Material", ("Material",), 1, "#17becf", "dot"),
    NodeClass("technology", "Technology", ("Technology",), 1, "#bcbd22", "star"),
    NodeClass("magnet", "Magnet", ("Magnet",), 2, "#9467bd", "dot"),
    NodeClass("component", "Component", ("Component",), 3, "#8c564b", "dot"),
    NodeClass("application", "Application", ("Application",), 4, "#e377c2", "dot"),
    NodeClass("industry", "Industry", ("Industry",), 5, "#2ca02c", "dot"),
    NodeClass("company", "Company", ("Company",), None, "#ff7f0e", "diamond"),
    NodeClass("facility", "Facility", ("Facility",), None, "#f5c27a", "triangle"),
    NodeClass("country", "Country", ("Country",), -2, "#7f7f7f", "square"),
    NodeClass("suspension", "Suspension", ("Suspension",), -1, "#fdd0a2", "hexagon"),
    NodeClass(
        "export-control", "Export control", ("ExportProhibition", "ExportControl"), -1,
        "#d62728", "hexagon",
    ),
    NodeClass("policy", "Other policy", ("Policy",), -1, "#c5b0d5", "hexagon"),
)  # fmt: skip


@dataclass(frozen=True)
class EdgeKind:
    """A family of relations drawn alike."""

    key: str
    label: str
    colour: str
    dashes: bool


EDGE_KINDS: tuple[EdgeKind, ...] = (
    EdgeKind("dependency", "depends on (input)", "#8a8a8a", False),
    EdgeKind("control", "controls", "#d62728", True),
    EdgeKind("supply", "produces / produced in", "#1f77b4", True),
    EdgeKind("business", "operates / supplies", "#ff7f0e", False),
    EdgeKind("policy", "policy relation", "#9467bd", True),
    EdgeKind("place", "located in / jurisdiction", "#c7c7c7", True),
)

#: Which asserted relations become edges, and of which kind.
EDGE_PROPERTIES: dict[str, str] = {
    "containsElement": "dependency", "madeFrom": "dependency", "usesComponent": "dependency",
    "usesMaterial": "dependency", "hasApplication": "dependency",
    "requiresTechnology": "dependency",
    "controls": "control",
    "produces": "supply",
    "operates": "business", "supplies": "business", "subsidiaryOf": "business",
    "suspends": "policy", "amends": "policy", "implements": "policy", "repeals": "policy",
    "partOf": "policy", "targetsCountry": "policy", "affects": "policy",
    "locatedIn": "place", "headquarteredIn": "place", "jurisdiction": "place",
}  # fmt: skip

#: Supply-chain stages and the layer their facilities and firms sit under.
STAGE_COLUMNS = {
    "Mining": 0, "Separation": 1, "MetalAlloy": 1, "Recycling": 1,
    "MagnetManufacturing": 2, "ComponentManufacturing": 3,
}  # fmt: skip

_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_SOURCE = PREFIXES["prov"] + "wasDerivedFrom"
_OBSERVED = ("observedItem", "observedCountry", "observedCompany", "observedFacility",
             "observedApplication", "exporter", "importer")  # fmt: skip
# Things other than policies (which carry in-force windows) are shown from their day,
# month or year.
_DATE_START = ("date", "dateMonth", "dateYear")
_UNIT_SYMBOLS = {"TONNE": "t", "KiloGM": "kg", "GM": "g"}  # QUDT local names
_HIDDEN_FACTS = {_LABEL, PREFIXES["rdfs"] + "comment"}


@dataclass
class Explorer:
    """The explorable part of the knowledge graph.

    Attributes:
        nodes: node id (its IRI) to the vis-network fields drawn for it.
        edges: ``(from, to, property label, kind)``, asserted relations between nodes.
        details: node id to what the side panel shows (JSON-ready, text only).
        facets: node id to what the filters read: ``countries``, ``elements`` (IRIs),
            ``start``, ``until`` (ISO dates) and ``suspensions`` (``[from, until]`` pairs).
        sources: source IRI to ``title``, ``url``, ``publisher``, ``issued``.
        node_classes: the kinds of node, for the legend and the class filter.
        edge_kinds: the kinds of edge, for the legend.
        layers: node id to its layer (see :attr:`NodeClass.column`).
        beside: node id to the layer it sits beneath (firms and plants).
        scored: whether node sizes come from chokepoint scores.
        chokepoints: the scored nodes, highest score first.
    """

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    facets: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    node_classes: tuple[NodeClass, ...] = NODE_CLASSES
    edge_kinds: tuple[EdgeKind, ...] = EDGE_KINDS
    layers: dict[str, int] = field(default_factory=dict)
    beside: dict[str, int] = field(default_factory=dict)
    scored: bool = False
    chokepoints: list[str] = field(default_factory=list)

    def find(self, thing: str) -> str | None:
        """Return the node whose IRI, label, symbol or alternative label is ``thing``.

        Case is ignored; ``rkr:`` prefixed names are expanded.

        Examples:
            >>> e = Explorer(nodes={"https://w3id.org/rarekg/resource/Dysprosium":
            ...     {"label": "Dysprosium", "search": ["Dysprosium", "Dy"]}})
            >>> e.find("dy") == e.find("rkr:Dysprosium") == next(iter(e.nodes))
            True
            >>> e.find("Terbium") is None
            True
        """
        wanted = thing.strip()
        if wanted.startswith("rkr:"):
            wanted = PREFIXES["rkr"] + wanted[4:]
        if wanted in self.nodes:
            return wanted
        folded = wanted.casefold()
        for node_id, node in self.nodes.items():
            if any(term.casefold() == folded for term in node["search"]):
                return node_id
        return None


def local_name(iri: str) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``.

    Examples:
        >>> local_name("https://w3id.org/rarekg/ontology#containsElement")
        'containsElement'
    """
    return re.split(r"[#/]", iri)[-1]


def words(name: str) -> str:
    """Turn a camelCase local name into lower-case words.

    Examples:
        >>> words("effectiveFrom")
        'effective from'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


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


class _Triples:
    """Indexes over the asserted graph, plus inferred dependsOn, types and policy starts."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.literal: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        # A constant of ours, not user input: safe to place in the text.
        asserted = kg.run(
            f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>) }}"
        )
        for row in asserted:  # type: ignore[union-attr]
            s, p, o = row["s"].value, row["p"].value, row["o"]
            if type(o).__name__ == "Literal":
                self.literal[s][p].append(o.value)
            else:
                self.out[s][p].append(o.value)
                self.into[o.value][p].append(s)
        # The one inferred literal the side panel shows: the day each policy starts to apply.
        for row in kg.query("SELECT ?s ?start WHERE { ?s rkg:inForceFrom ?start }"):
            self.literal[str(row["s"])][str(RKG.inForceFrom)].append(str(row["start"]))
        self.depends: dict[str, set[str]] = defaultdict(set)
        self.needed_by: dict[str, set[str]] = defaultdict(set)
        for row in kg.query("SELECT ?s ?o WHERE { ?s rkg:dependsOn ?o }"):
            self.depends[str(row["s"])].add(str(row["o"]))
            self.needed_by[str(row["o"])].add(str(row["s"]))
        self.types: dict[str, set[str]] = defaultdict(set)
        for row in kg.query("SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s)) }"):
            self.types[str(row["s"])].add(str(row["t"]))

    def label(self, iri: str) -> str:
        labels = self.literal[iri].get(_LABEL) or self.literal[iri].get(
            PREFIXES["dcterms"] + "title"
        )
        return labels[0] if labels else words(local_name(iri))

    def first(self, iri: str, prop: str) -> str | None:
        values = self.literal[iri].get(str(RKG[prop]))
        return min(values) if values else None

    def objects(self, iri: str, prop: str) -> list[str]:
        return self.out[iri].get(str(RKG[prop]), [])

    def subjects(self, iri: str, prop: str) -> list[str]:
        return self.into[iri].get(str(RKG[prop]), [])


def _node_class(types: set[str]) -> NodeClass | None:
    for kind in NODE_CLASSES:
        if any(str(RKG[c]) in types for c in kind.classes):
            return kind
    return None


def chokepoint_scores(kg: KnowledgeGraph) -> dict[str, float]:
    """Return the chokepoint score of every node the analysis ranks, as of today.

    References:
        :func:`rarekg.analysis.chokepoints_report`, which documents its measures.
    """
    ranked = chokepoints_report(kg, top=None)["chokepoints"]
    return {entry["iri"]: float(entry["score"]) for entry in ranked}


def explore(kg: KnowledgeGraph, scores: Mapping[str, float] | None = None) -> Explorer:
    """Project the knowledge graph onto the explorer's nodes, edges and panel facts.

    Nodes are the curated things of the kinds in :data:`NODE_CLASSES`; observations,
    sources, events and licences are not drawn but appear in the side panel of the
    things they are about. Edges are the asserted relations of
    :data:`EDGE_PROPERTIES`, plus "produced in" from production and share observations.

    Args:
        kg: the loaded knowledge graph.
        scores: node IRI to chokepoint score, which sizes the nodes; by default
            :func:`chokepoint_scores`. Pass ``{}`` for uniform sizes.

    Examples:
        >>> import rarekg
        >>> explorer = explore(rarekg.load())
        >>> explorer.nodes[explorer.find("Dy")]["label"]
        'Dysprosium'
    """
    t = _Triples(kg)
    if scores is None:
        scores = chokepoint_scores(kg)
    explorer = Explorer(scored=bool(scores))
    top = max(scores.values(), default=0.0) if scores else 0.0
    for iri, types in t.types.items():
        kind = _node_class(types)
        if kind is None or _LABEL not in t.literal[iri]:
            continue
        label = t.label(iri)
        search = [label, short_label(label), *t.literal[iri].get(_ALT_LABEL, [])]
        search += t.literal[iri].get(str(RKG.symbol), [])
        score = (scores or {}).get(iri, 0.0)
        if kind.column is None:
            explorer.beside[iri] = _anchor(t, iri)
        else:
            explorer.layers[iri] = kind.column
        explorer.nodes[iri] = {
            "label": short_label(label),
            "title": f"{label}\n{kind.label}"
            + (f"\nchokepoint score {score:.2f}" if scores else ""),
            "cls": kind.key,
            "color": kind.colour,
            "shape": kind.shape,
            "size": 7 + 15 * score / top if top else 12,
            "search": sorted(set(search)),
        }
    shown = explorer.nodes
    for s in shown:
        for p, objects in t.out[s].items():
            kind_key = EDGE_PROPERTIES.get(local_name(p)) if p.startswith(str(RKG)) else None
            for o in objects:
                if kind_key and o in shown:
                    explorer.edges.append((s, o, words(local_name(p)), kind_key))
    produced_in = _produced_in(t)
    windows = in_force_windows(project(kg))
    for item, country in sorted(produced_in):
        if item in shown and country in shown:
            explorer.edges.append((item, country, "produced in", "supply"))
    for s in shown:
        explorer.facets[s] = _facets(t, s, produced_in, windows.get(s))
        explorer.details[s] = _details(t, s, shown, produced_in, explorer.sources)
        if s in scores:
            explorer.details[s]["facts"].insert(0, ["chokepoint score", f"{scores[s]:.2f}"])
    explorer.chokepoints = sorted((s for s in scores if s in shown), key=lambda s: -scores[s])
    return explorer


def _anchor(t: _Triples, s: str) -> int:
    """The stage layer a firm or plant sits beneath: its stage, else what it produces."""
    stages = [STAGE_COLUMNS[local_name(st)] for st in t.objects(s, "atStage")
              if local_name(st) in STAGE_COLUMNS]  # fmt: skip
    if not stages:
        for item in t.objects(s, "produces"):
            kind = _node_class(t.types[item])
            if kind is not None and kind.column is not None and kind.column >= 0:
                stages.append(kind.column)
    if not stages:
        stages = [_anchor(t, f) for f in t.objects(s, "operates")]
    return round(median(stages)) if stages else 5


def _produced_in(t: _Triples) -> dict[tuple[str, str], tuple[str, float]]:
    """(item, country) pairs from production and share observations.

    Each pair maps to the latest observation's amount in words and a number to rank
    producers by (the share, or the quantity when only a quantity is known).
    """
    pairs: dict[tuple[str, str], tuple[str, str, float]] = {}
    for obs, types in t.types.items():
        if not types & {str(RKG.ProductionObservation), str(RKG.ShareObservation)}:
            continue
        amount = _observation(t, obs, [])
        share, value = t.first(obs, "share"), t.first(obs, "value")
        weight = float(share) if share else float(value or 0)
        for item in t.objects(obs, "observedItem"):
            for country in t.objects(obs, "observedCountry"):
                if (item, country) not in pairs or pairs[item, country][0] < amount["when"]:
                    words_ = f"{amount['amount']} ({amount['when']})".replace(" ()", "")
                    pairs[item, country] = (amount["when"], words_, weight)
    return {pair: (text, weight) for pair, (_, text, weight) in pairs.items()}


def _supplied_items(t: _Triples, s: str) -> set[str]:
    """The thing and the materials made of it: what its supply is measured in."""
    materials = {m for m in t.needed_by[s] if str(RKG.Material) in t.types[m]}
    return {s} | materials


def _facets(
    t: _Triples,
    s: str,
    produced_in: Mapping[tuple[str, str], object],
    windows: list[tuple[dt.date, dt.date | None]] | None,
) -> dict[str, Any]:
    """What the page's filters test: countries, elements, and when the thing applies.

    A policy's ``windows`` are the spans it is in force by the analysis's rule
    (:func:`rarekg.analysis.asof.in_force_windows`), so the page does not restate it.
    """
    countries = set(t.objects(s, "locatedIn") + t.objects(s, "headquarteredIn"))
    countries |= set(t.objects(s, "jurisdiction") + t.objects(s, "targetsCountry"))
    countries |= {c for (item, c) in produced_in if item == s}
    if str(RKG.Country) in t.types[s]:
        countries.add(s)
    items = {s} | set(t.objects(s, "controls")) | set(t.objects(s, "produces"))
    for facility in t.objects(s, "operates"):
        items |= set(t.objects(facility, "produces"))
    if str(RKG.Country) in t.types[s]:
        items |= {item for (item, c) in produced_in if c == s}
    elements = {
        e
        for item in items
        for e in t.depends[item] | {item}
        if str(RKG.ChemicalElement) in t.types[e]
    }
    facet: dict[str, Any] = {"countries": sorted(countries), "elements": sorted(elements)}
    if str(RKG.Policy) in t.types[s]:
        facet["windows"] = [
            [start.isoformat(), end.isoformat() if end else None] for start, end in windows or []
        ]
    else:
        facet["start"] = next((v for p in _DATE_START if (v := t.first(s, p))), None)
    return facet


def _ref(t: _Triples, iri: str, shown: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": iri, "label": t.label(iri), "shown": iri in shown}


def _details(
    t: _Triples,
    s: str,
    shown: Mapping[str, Any],
    produced_in: Mapping[tuple[str, str], tuple[str, float]],
    sources: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """What the side panel shows for one node; every value is plain text or an IRI."""
    facts = [
        [t.label(p), value]
        for p, values in sorted(t.literal[s].items())
        if p not in _HIDDEN_FACTS
        for value in sorted(values)
    ]
    relations = [
        {"p": t.label(p), **_ref(t, o, shown)}
        for p, objects in sorted(t.out[s].items())
        if p not in (_RDF_TYPE, _SOURCE) and not p.endswith(tuple(_OBSERVED))
        for o in objects
        if o in shown or _LABEL in t.literal[o]
    ]
    relations += [
        {"p": "← " + t.label(p), **_ref(t, o, shown)}
        for p, subjects in sorted(t.into[s].items())
        if p != str(RKG.controls) and not p.endswith(_OBSERVED)
        for o in subjects
        if o in shown
    ]
    cited = set(t.out[s].get(_SOURCE, []))
    observations = []
    for p in _OBSERVED:
        for obs in t.subjects(s, p):
            obs_sources = t.out[obs].get(_SOURCE, [])
            cited |= set(obs_sources)
            observations.append(_observation(t, obs, obs_sources))
    for src in cited:
        sources.setdefault(src, _source(t, src))
    controls = [
        {
            **_ref(t, p, shown),
            "from": t.first(p, "effectiveFrom"),
            "until": t.first(p, "effectiveUntil"),
        }
        for p in sorted(t.subjects(s, "controls"))
    ]
    controlled_inputs = [
        _ref(t, i, shown)
        for i in sorted(t.depends[s])
        if str(RKG.ControlledItem) in t.types[i] and i in shown
    ]
    industries = [
        _ref(t, i, shown) for i in sorted(t.needed_by[s]) if str(RKG.Industry) in t.types[i]
    ]
    supply = sorted(
        {(item, c) for (item, c) in produced_in if item in _supplied_items(t, s)},
        key=lambda pair: (-produced_in[pair][1], pair),
    )
    producers = [
        {**_ref(t, c, shown), "via": t.label(item), "amount": produced_in[item, c][0]}
        for item, c in supply
    ]
    producers += [
        {**_ref(t, f, shown), "via": t.label(item), "amount": ""}
        for item in sorted(_supplied_items(t, s))
        for f in sorted(t.subjects(item, "produces"))
    ]
    return {
        "iri": s,
        "label": t.label(s),
        "comment": " ".join(t.literal[s].get(PREFIXES["rdfs"] + "comment", [])),
        "facts": facts,
        "relations": relations,
        "sources": sorted(cited & set(t.out[s].get(_SOURCE, []))),
        "observations": sorted(observations, key=lambda o: o["when"], reverse=True),
        "controls": controls,
        "controlledInputs": controlled_inputs,
        "industries": industries,
        "producers": producers,
        "links": _links(t, s, industries, supply),
    }


def _observation(t: _Triples, obs: str, obs_sources: list[str]) -> dict[str, Any]:
    value, share = t.first(obs, "value"), t.first(obs, "share")
    unit = t.objects(obs, "unit")
    amount = f"{float(share):.0%}" if share else ""
    if value:
        symbol = _UNIT_SYMBOLS.get(local_name(unit[0]), local_name(unit[0])) if unit else ""
        amount = f"{float(value):,g} {symbol}".strip()
    basis = t.first(obs, "basis")
    when = t.first(obs, "year") or t.first(obs, "period") or t.first(obs, "endYear") or ""
    return {
        "text": t.label(obs),
        "amount": amount + (f" {basis}" if basis else ""),
        "when": when,
        "sources": sorted(obs_sources),
    }


def _source(t: _Triples, src: str) -> dict[str, str]:
    url = next(iter(t.out[src].get(PREFIXES["schema"] + "url", [])), None)
    url = url or next(iter(t.literal[src].get(PREFIXES["schema"] + "url", [])), "")
    return {
        "title": t.label(src),
        "url": url if url.startswith(("https://", "http://")) else "",
        "publisher": ", ".join(t.literal[src].get(PREFIXES["dcterms"] + "publisher", [])),
        "issued": ", ".join(t.literal[src].get(PREFIXES["dcterms"] + "issued", [])),
    }


def _links(
    t: _Triples, s: str, industries: list[dict[str, Any]], supply: list[tuple[str, str]]
) -> list[dict[str, str]]:
    """Links to the server's chains, scenario and SPARQL DESCRIBE for one node."""
    links = [
        {
            "text": f"Chains to {i['label']}",
            "href": "/api/chains?" + urlencode({"from": s, "to": i["id"]}),
        }
        for i in industries
    ]
    restrict = s if str(RKG.Country) in t.types[s] else None
    items = {"items": s} if restrict is None else {}
    if restrict is None and supply:
        restrict = supply[0][1]
    if restrict:
        links.append(
            {
                "text": f"Scenario: {t.label(restrict)} restricts exports",
                "href": "/api/simulate?" + urlencode({"restrict": restrict, **items}),
            }
        )
    describe = urlencode({"query": f"DESCRIBE <{s}>"})
    links.append({"text": "SPARQL DESCRIBE", "href": "/sparql?" + describe})
    return links
