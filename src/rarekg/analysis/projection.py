"""Project the asserted graph into a typed ``networkx.MultiDiGraph`` through SPARQL.

The queries live in ``queries/projections/*.rq``. Nodes carry ``type`` (element, material,
magnet, component, application, industry, company, facility, country, policy, technology)
and ``label``; edges are keyed by their kind (the ontology property's local name) and carry
``kind`` and ``sources``, and for share and production observations also ``stage``,
``year``, ``share``, ``value``, ``unit`` and ``observation``. Everything downstream
(chains, chokepoints, scenarios, GraphML) reads a :class:`Projection`, so synthetic graphs
for tests and benchmarks are built without RDF.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from rarekg.kg import KnowledgeGraph
from rarekg.queries import read_query

#: Dependency kinds, consumer -> input in RDF; the supply graph reverses them.
DEPENDENCY_KINDS = frozenset(
    {
        "containsElement",
        "madeFrom",
        "usesComponent",
        "usesMaterial",
        "hasApplication",
        "requiresTechnology",
    }
)

#: Node types that make or carry supply (everything but policies).
SUPPLY_TYPES = frozenset(
    {
        "element",
        "material",
        "magnet",
        "component",
        "application",
        "industry",
        "company",
        "facility",
        "country",
        "technology",
    }
)


@dataclass(frozen=True)
class CountryFigure:
    """One dated country figure at a supply-chain stage: a share, or an output value."""

    observation: str
    kind: str  # "share" or "production"
    country: str
    stage: str
    item: str | None
    year: int
    share: float | None
    value: float | None
    unit: str | None
    confidence: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PolicyWindow:
    """When a policy applies: its effective window, or the announcement date standing in."""

    iri: str
    export_control: bool
    suspension: bool
    start: dt.date | None
    end: dt.date | None


@dataclass
class Projection:
    """The network view of the knowledge graph.

    Attributes:
        graph: typed nodes and kind-keyed edges (RDF direction, subject -> object).
        figures: dated country shares and outputs per stage (the capacities of the flow).
        policies: the time window of every policy by IRI.
        names: lower-cased names (label, alternative label, symbol, ISO code) -> IRIs.
    """

    graph: nx.MultiDiGraph
    figures: list[CountryFigure] = field(default_factory=list)
    policies: dict[str, PolicyWindow] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)

    def nodes_of(self, *types: str) -> list[str]:
        """IRIs of the nodes of the given types, sorted.

        Examples:
            >>> p = Projection(nx.MultiDiGraph())
            >>> p.graph.add_node("x", type="country", label="X")
            >>> p.nodes_of("country")
            ['x']
        """
        return sorted(n for n, t in self.graph.nodes(data="type") if t in types)

    def label(self, iri: str) -> str:
        """The node's label, or the IRI's last segment when it has none."""
        label = self.graph.nodes[iri].get("label") if iri in self.graph else None
        return str(label) if label else local_name(iri)

    def node_type(self, iri: str) -> str:
        """The node's type, ``""`` when the node is not projected."""
        return str(self.graph.nodes[iri].get("type", "")) if iri in self.graph else ""

    def describe(self, iri: str) -> dict[str, str]:
        """The node as JSON: ``{"iri", "label", "type"}``."""
        return {"iri": iri, "label": self.label(iri), "type": self.node_type(iri)}


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``/`` or ``#``.

    Examples:
        >>> local_name("https://w3id.org/rarekg/resource/Dysprosium")
        'Dysprosium'
    """
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.rsplit("#", 1)[-1]
        if kind == "boolean":
            return term.value == "true"
        if kind in {"decimal", "double", "float", "integer"}:
            return float(term.value)
        if kind == "date":
            return dt.date.fromisoformat(term.value[:10])
        return term.value
    return str(term)


#: Runs a SELECT query's text over a default graph (IRIs; ``None`` for the union) and
#: returns its solutions: the embedded store's by default, or a remote store's.
Run = Callable[[str, Sequence[str] | None], ox.QuerySolutions]


def select(
    kg: KnowledgeGraph, name: str, *, asserted: bool = False, run: Run | None = None
) -> list[dict[str, Any]]:
    """Run ``queries/projections/NAME.rq`` and return rows of plain Python values.

    IRIs become strings, numbers floats, ``xsd:date`` dates, booleans bools; unbound
    variables are left out. With ``asserted`` the inferred graph is left out. ``run``
    answers the query instead of ``kg``'s own store.

    The rows are sorted: stores return them in orders of their own, and the analyses
    (ties, sums of floats, the first examples listed) must not depend on it.
    """
    query = read_query(_projections_dir(kg) / f"{name}.rq")
    default = [str(s.graph) for s in kg.sources] if asserted else None
    results = kg.run(query.text, default_graph=default) if run is None else run(query.text, default)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    rows = []
    for solution in results:
        row = {n: _value(solution[n]) for n in names if solution[n] is not None}
        rows.append(row)
    return sorted(rows, key=lambda row: sorted((k, str(v)) for k, v in row.items()))


def _projections_dir(kg: KnowledgeGraph) -> Path:
    return kg.artefacts.queries_dir / "projections"


def _grouped(
    rows: Iterable[dict[str, Any]], keys: tuple[str, ...]
) -> dict[tuple[Any, ...], set[str]]:
    """Group the ``source`` column of ``rows`` by the ``keys`` columns."""
    groups: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for row in rows:
        sources = groups[tuple(row.get(k) for k in keys)]
        if "source" in row:
            sources.add(row["source"])
    return groups


def _window(row: dict[str, Any]) -> PolicyWindow:
    # The start is the load-time rule rkg:inForceFrom (queries/rules/40-in-force-from.rq),
    # shared with the query library and the explorer.
    return PolicyWindow(
        iri=row["policy"],
        export_control=bool(row.get("exportControl")),
        suspension=bool(row.get("suspension")),
        start=row.get("start"),
        end=row.get("effectiveUntil"),
    )


def project(kg: KnowledgeGraph, run: Run | None = None) -> Projection:
    """Project the knowledge graph into a :class:`Projection`, read through ``run`` if given.

    Examples:
        >>> import rarekg
        >>> p = project(rarekg.load())
        >>> p.graph.nodes["https://w3id.org/rarekg/resource/Dysprosium"]["type"]
        'element'
    """
    graph = nx.MultiDiGraph()
    for row in select(kg, "nodes", run=run):
        label = row.get("label", local_name(row["node"]))
        graph.add_node(row["node"], type=row["kind"], label=label)
        if row.get("rareEarth"):
            graph.nodes[row["node"]]["rare_earth"] = True
    edges = _grouped(select(kg, "edges", asserted=True, run=run), ("subject", "kind", "object"))
    for (subject, kind, obj), sources in edges.items():
        if subject not in graph or obj not in graph:
            continue
        if kind == "operatedBy":  # one direction only: company -operates-> facility
            subject, kind, obj = obj, "operates", subject
        _add_edge(graph, subject, obj, kind, sorted(sources))
    agreements = _grouped(
        select(kg, "supply-agreements", run=run), ("agreement", "supplier", "buyer", "announced")
    )
    for (agreement, supplier, buyer, announced), sources in agreements.items():
        if supplier in graph and buyer in graph:
            date = announced.isoformat() if announced else ""
            _add_edge(
                graph, supplier, buyer, "supplies", sorted(sources), agreement=agreement, date=date
            )
    figures = _figures(select(kg, "country-shares", run=run))
    for figure in figures:
        if figure.item and figure.item in graph and figure.country in graph:
            graph.add_edge(
                figure.country,
                figure.item,
                key=figure.observation,
                kind="produces",
                sources=list(figure.sources),
                observation=figure.observation,
                stage=figure.stage,
                year=figure.year,
                share=figure.share,
                value=figure.value,
                unit=figure.unit,
            )
    policies = {row["policy"]: _window(row) for row in select(kg, "policies", run=run)}
    names: dict[str, set[str]] = defaultdict(set)
    for row in select(kg, "names", run=run):
        if row["node"] in graph:
            names[str(row["name"]).casefold()].add(row["node"])
    for node in graph:
        names[local_name(node).casefold()].add(node)
    return Projection(graph, figures, policies, dict(names))


def _add_edge(
    graph: nx.MultiDiGraph, subject: str, obj: str, kind: str, sources: list[str], **extra: Any
) -> None:
    key = kind if not extra.get("agreement") else f"{kind}:{extra['agreement']}"
    if graph.has_edge(subject, obj, key):
        graph.edges[subject, obj, key]["sources"] = sorted(
            set(graph.edges[subject, obj, key]["sources"]) | set(sources)
        )
        return
    graph.add_edge(subject, obj, key=key, kind=kind, sources=sources, **extra)


def _figures(rows: list[dict[str, Any]]) -> list[CountryFigure]:
    sources = _grouped(rows, ("observation",))
    seen: dict[str, CountryFigure] = {}
    for row in rows:
        if row["observation"] in seen:
            continue
        seen[row["observation"]] = CountryFigure(
            observation=row["observation"],
            kind=row["kind"],
            country=row["country"],
            stage=row["stage"],
            item=row.get("item"),
            year=int(str(row["year"])[:4]),
            share=row.get("share"),
            value=row.get("value"),
            unit=row.get("unit"),
            confidence=row.get("confidence"),
            sources=tuple(sorted(sources[(row["observation"],)])),
        )
    return sorted(seen.values(), key=lambda f: f.observation)


def supply_graph(projection: Projection) -> nx.DiGraph:
    """The supply graph: supply-carrying nodes with edges in the direction goods flow.

    Inputs point to their consumers (element -> magnet -> component -> application ->
    industry), producers to their products, countries to the facilities and companies in
    them, companies to the facilities they operate and the companies they supply. Parallel
    relations merge into one edge whose ``kinds`` lists ``(kind, sources, inverse)``, with
    ``inverse`` true where the flow runs against the RDF statement.

    Examples:
        >>> p = Projection(nx.MultiDiGraph())
        >>> _ = p.graph.add_edge("magnet", "element", kind="containsElement", sources=["s"])
        >>> p.graph.add_nodes_from(["magnet", "element"], type="material")
        >>> list(supply_graph(p).edges)
        [('element', 'magnet')]
    """
    flow = nx.DiGraph()
    for node, data in projection.graph.nodes(data=True):
        if data.get("type") in SUPPLY_TYPES:
            flow.add_node(node, type=data["type"], label=data.get("label", ""))
    for subject, obj, data in projection.graph.edges(data=True):
        kind = data["kind"]
        if subject not in flow or obj not in flow:
            continue
        if kind in DEPENDENCY_KINDS or kind in {"locatedIn", "headquarteredIn"}:
            start, end, inverse = obj, subject, True
        elif kind in {"produces", "operates", "supplies"}:
            start, end, inverse = subject, obj, False
        else:
            continue
        if not flow.has_edge(start, end):
            flow.add_edge(start, end, kinds=[])
        entry = (kind, tuple(data.get("sources", ())), inverse)
        if entry not in flow.edges[start, end]["kinds"]:
            flow.edges[start, end]["kinds"].append(entry)
    return flow
