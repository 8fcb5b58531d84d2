"""The one in-memory view of the graph: a typed ``networkx.MultiDiGraph``, read through SPARQL.

Analysis, the explorer, GraphML export and the server all read a :class:`Projection`, so
synthetic graphs for tests and benchmarks are built without RDF. Which things and
relations it holds is data, not code:

* **Nodes** are the members of the classes of :data:`ROLES`, the one table of node roles
  (``queries/projections/nodes.rq`` reads every node's classes, inferred superclasses
  included, so a mine is a facility). A node carries ``type`` (the role's name for its
  class: element, material, ..., policy) and ``label``.
* **Edges** are the asserted relations of the families of :data:`FAMILIES`: a family is a
  property of the ontology with its sub-properties (``rdfs:subPropertyOf*``) and their
  inverses (``queries/projections/family-properties.rq``), so a new dependency kind, declared a
  sub-property of ``rkg:directlyDependsOn``, is a dependency everywhere with no code
  change. An edge is keyed by its ``kind`` (the property's local name) and carries
  ``family`` and ``sources``; share and production observations add ``stage``, ``year``,
  ``share``, ``value``, ``unit`` and ``observation``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef

from rarekg.analysis.results import Node
from rarekg.kg import KnowledgeGraph, Run
from rarekg.names import ResolveError, Resolver, local_name
from rarekg.namespaces import RKG
from rarekg.queries import read_query

#: Node roles. Supply: who makes and where (countries, companies, facilities); item: what
#: is made and traded; part: an item assembled for an end use (a cut of an industry's
#: supply names what it buys, not its own parts); demand: the end uses; policy: the rules.
SUPPLY, ITEM, PART, DEMAND, POLICY = "supply", "item", "part", "demand", "policy"


class AnalysisInputError(ResolveError):
    """Bad input to an analysis: an unknown or ambiguous name, a bad date or option.

    Attributes:
        candidates: IRIs a name might have meant (empty when there is no close match).
    """


@dataclass(frozen=True)
class Role:
    """What the members of one ontology class are in the network.

    Attributes:
        cls: the class, a local name in ``rkg:``; its subclasses' members are included.
        type: the node type its members get.
        role: one of :data:`SUPPLY`, :data:`ITEM`, :data:`PART`, :data:`DEMAND`, :data:`POLICY`.
    """

    cls: str
    type: str
    role: str


#: The one table of node roles. The classes are disjoint (ontology/rarekg.ttl), so each
#: node has one type.
ROLES: tuple[Role, ...] = (
    Role("ChemicalElement", "element", ITEM),
    Role("Material", "material", ITEM),
    Role("Magnet", "magnet", ITEM),
    Role("Technology", "technology", ITEM),
    Role("Component", "component", PART),
    Role("Application", "application", DEMAND),
    Role("Industry", "industry", DEMAND),
    Role("Country", "country", SUPPLY),
    Role("Company", "company", SUPPLY),
    Role("Facility", "facility", SUPPLY),
    Role("Policy", "policy", POLICY),
)

_ROLE_OF_TYPE = {r.type: r.role for r in ROLES}


def types_of(*roles: str) -> frozenset[str]:
    """The node types of the given roles.

    Examples:
        >>> sorted(types_of(DEMAND))
        ['application', 'industry']
    """
    return frozenset(r.type for r in ROLES if r.role in roles)


@dataclass(frozen=True)
class Family:
    """A family of relations: one property of the ontology and everything beneath it.

    Attributes:
        key: the family's name, on every edge as ``family``.
        property: the family property, a local name in ``rkg:``.
        flow: which way goods move along a relation of the family: ``1`` subject to
            object (a producer to its product), ``-1`` object to subject (an input to
            its consumer), ``0`` not a flow of goods.
    """

    key: str
    property: str
    flow: int


#: The edge families, first match wins for a property under two of them.
FAMILIES: tuple[Family, ...] = (
    Family("dependency", "directlyDependsOn", -1),
    Family("production", "produces", 1),
    Family("operation", "operates", 1),
    Family("trade", "supplies", 1),
    Family("location", "locatedIn", -1),
    Family("ownership", "subsidiaryOf", 0),
    Family("control", "controls", 0),
    Family("jurisdiction", "jurisdiction", 0),
    Family("policy", "policyRelation", 0),
)

_FLOW = {f.key: f.flow for f in FAMILIES}


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
class Strength:
    """How much of a consumer needs an input (``rkg:DependencyStrength``), with its sources."""

    statement: str
    dependent: str
    dependency: str
    strength: float
    year: int | None
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


@dataclass(frozen=True)
class PolicyStatus:
    """A span of days over which a policy has one status (queries/rules/70-policy-status.rq).

    Attributes:
        kind: "in force", "suspended", "not yet in force", "ended" or "unknown".
        start: the first day, ``None`` for "from the beginning".
        end: the last day, ``None`` for open-ended; for "suspended", the day it ends.
        horizon: the day the policy's status is known until, ``None`` when unstated.
    """

    kind: str
    start: dt.date | None
    end: dt.date | None
    horizon: dt.date | None = None


@dataclass
class Projection:
    """The network view of the knowledge graph.

    Attributes:
        graph: typed nodes and kind-keyed edges (RDF direction, subject -> object).
        figures: dated country shares and outputs per stage (the capacities of the flow).
        policies: the time window of every policy by IRI.
        classes: node IRI to the ``rkg:`` classes it is a member of (local names), for
            views that tell subclasses apart (a rare earth element, an export control).
        resolver: the graph's names; by default the nodes' labels and local names.
        statuses: every policy's status spans, in order, by IRI.
        horizon: the day up to which the dataset's policy statuses were checked.
        strengths: the stated dependency strengths by (dependent, dependency).
    """

    graph: nx.MultiDiGraph
    figures: list[CountryFigure] = field(default_factory=list)
    policies: dict[str, PolicyWindow] = field(default_factory=dict)
    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    resolver: Resolver | None = None
    statuses: dict[str, list[PolicyStatus]] = field(default_factory=dict)
    horizon: dt.date | None = None
    strengths: dict[tuple[str, str], Strength] = field(default_factory=dict)
    #: The nodes of each set of types names are resolved among, computed on first use.
    _among: dict[frozenset[str] | None, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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
        """The node's label, else the graph's label, else the IRI's last segment.

        A thing not projected (a licence type, a stage) has a label in the graph only.
        """
        label = self.graph.nodes[iri].get("label") if iri in self.graph else None
        if label:
            return str(label)
        return self.resolver.label(iri) if self.resolver is not None else local_name(iri)

    def node_type(self, iri: str) -> str:
        """The node's type, ``""`` when the node is not projected."""
        return str(self.graph.nodes[iri].get("type", "")) if iri in self.graph else ""

    def role(self, iri: str) -> str:
        """The node's role (see :data:`ROLES`), ``""`` when the node is not projected."""
        return _ROLE_OF_TYPE.get(self.node_type(iri), "")

    def describe(self, iri: str) -> Node:
        """The node as results name it: IRI, label and type."""
        return Node(iri, self.label(iri), self.node_type(iri))

    def names(self) -> Resolver:
        """The resolver of names to nodes (:mod:`rarekg.names`)."""
        if self.resolver is None:
            self.resolver = Resolver(
                {n: [self.label(n)] for n in self.graph},
                {n: self.label(n) for n in self.graph},
            )
        return self.resolver

    def resolve(
        self, name: str, types: Iterable[str] | None = None, *, suggest: bool = True
    ) -> str:
        """The node of the projection ``name`` means, of one of ``types`` if given.

        With ``suggest`` false, no closest names are looked for when nothing matches.

        Raises:
            AnalysisInputError: no such node, or several; the message lists them.

        Examples:
            >>> p = Projection(nx.MultiDiGraph())
            >>> p.graph.add_node("ex:Dy", type="element", label="Dysprosium")
            >>> p.resolve("dysprosium", ["element"])
            'ex:Dy'
        """
        wanted = None if types is None else frozenset(types)
        if wanted not in self._among:
            self._among[wanted] = frozenset(
                n for n, t in self.graph.nodes(data="type") if wanted is None or t in wanted
            )
        what = f"of type {', '.join(sorted(wanted))}" if wanted else "in the network"
        try:
            return self.names().resolve(name, self._among[wanted], what, suggest=suggest)
        except ResolveError as error:
            raise AnalysisInputError(str(error), error.candidates) from None


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


def select(
    kg: KnowledgeGraph,
    name: str,
    *,
    asserted: bool = False,
    bindings: Mapping[str, str] | None = None,
    run: Run | None = None,
) -> list[dict[str, Any]]:
    """Run ``queries/projections/NAME.rq`` and return rows of plain Python values.

    IRIs become strings, numbers floats, ``xsd:date`` dates, booleans bools; unbound
    variables are left out. With ``asserted`` the inferred graph is left out;
    ``bindings`` binds variables to IRIs; ``run`` answers the query instead of ``kg``'s
    own store.

    The rows are sorted: stores return them in orders of their own, and the analyses
    (ties, sums of floats, the first examples listed) must not depend on it.
    """
    query = read_query(_projections_dir(kg) / f"{name}.rq")
    default = [str(s.graph) for s in kg.sources] if asserted else None
    bound = {k: URIRef(v) for k, v in (bindings or {}).items()}
    results = kg.solutions(query.text, bound, default_graph=default, run=run)
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

    Build it once per graph with ``kg.cached(project)``.

    Examples:
        >>> import rarekg
        >>> p = project(rarekg.load())
        >>> p.graph.nodes["https://w3id.org/rarekg/resource/Dysprosium"]["type"]
        'element'
    """
    names: Resolver = kg.cached(Resolver.from_graph)
    classes: dict[str, set[str]] = defaultdict(set)
    for row in select(kg, "nodes", run=run):
        classes[row["node"]].add(local_name(row["class"]))
    graph = nx.MultiDiGraph()
    kept: dict[str, frozenset[str]] = {}
    for node, held in sorted(classes.items()):
        role = next((r for r in ROLES if r.cls in held), None)
        if role is None:
            continue
        kept[node] = frozenset(held)
        graph.add_node(node, type=role.type, label=names.label(node))
        if "RareEarthElement" in held:
            graph.nodes[node]["rare_earth"] = True
    for family in FAMILIES:
        for (subject, prop, obj), sources in sorted(_relations(kg, family, run).items()):
            if subject in graph and obj in graph:
                kind = local_name(prop)
                if not graph.has_edge(subject, obj, kind):
                    _add_edge(graph, subject, obj, kind, family.key, sorted(sources))
    agreements = _grouped(
        select(kg, "supply-agreements", run=run), ("agreement", "supplier", "buyer", "announced")
    )
    for (agreement, supplier, buyer, announced), sources in agreements.items():
        if supplier in graph and buyer in graph:
            date = announced.isoformat() if announced else ""
            _add_edge(
                graph,
                supplier,
                buyer,
                "supplies",
                "trade",
                sorted(sources),
                agreement=agreement,
                date=date,
            )
    figures = _figures(select(kg, "country-shares", run=run))
    for figure in figures:
        if figure.item and figure.item in graph and figure.country in graph:
            graph.add_edge(
                figure.country,
                figure.item,
                key=figure.observation,
                kind="produces",
                family="production",
                sources=list(figure.sources),
                observation=figure.observation,
                stage=figure.stage,
                year=figure.year,
                share=figure.share,
                value=figure.value,
                unit=figure.unit,
            )
    policies = {row["policy"]: _window(row) for row in select(kg, "policies", run=run)}
    statuses: dict[str, list[PolicyStatus]] = defaultdict(list)
    for row in select(kg, "policy-status", run=run):
        statuses[row["policy"]].append(
            PolicyStatus(row["kind"], row.get("start"), row.get("end"), row.get("horizon"))
        )
    return Projection(
        graph,
        figures,
        policies,
        kept,
        names,
        dict(statuses),
        dataset_horizon(kg, run),
        _strengths(select(kg, "dependency-strengths", run=run)),
    )


def _relations(
    kg: KnowledgeGraph, family: Family, run: Run | None
) -> dict[tuple[str, str, str], set[str]]:
    """The asserted relations of ``family``: ``(subject, property, object)`` to sources.

    A relation stated with an inverse of a member property is turned round and named
    after the member. The family's properties are read first, then each property's
    relations on their own (``queries/projections/family-properties.rq`` says why).
    """
    relations: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    def add(prop: str, stated_with: str, turned: bool) -> None:
        rows = select(kg, "edges", asserted=True, bindings={"property": stated_with}, run=run)
        for (subject, obj), sources in _grouped(rows, ("subject", "object")).items():
            relations[(obj, prop, subject) if turned else (subject, prop, obj)] |= sources

    members = select(
        kg,
        "family-properties",
        asserted=True,
        bindings={"family": str(RKG[family.property])},
        run=run,
    )
    for prop in sorted({row["property"] for row in members}):
        add(prop, prop, turned=False)
    for row in members:
        if "inverse" in row:
            add(row["property"], row["inverse"], turned=True)
    return relations


def _strengths(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Strength]:
    """The dependency strengths by (dependent, dependency); the latest year wins a tie."""
    sources = _grouped(rows, ("statement",))
    found: dict[tuple[str, str], Strength] = {}
    for row in rows:
        year = int(str(row["year"])[:4]) if row.get("year") else None
        stated = Strength(
            row["statement"],
            row["dependent"],
            row["dependency"],
            float(row["strength"]),
            year,
            row.get("confidence"),
            tuple(sorted(sources[(row["statement"],)])),
        )
        key = (stated.dependent, stated.dependency)
        if key not in found or (year or 0, stated.statement) > (
            found[key].year or 0,
            found[key].statement,
        ):
            found[key] = stated
    return found


def dataset_horizon(kg: KnowledgeGraph, run: Run | None = None) -> dt.date | None:
    """The day up to which the graph's policy statuses were checked, ``None`` if unstated.

    The dataset's ``rkg:statusCheckedUntil`` (graph/dataset.ttl), for showing beside any
    answer about a later day, in VoID and in the version banner.
    """
    rows = select(kg, "dataset-horizon", run=run)
    horizon = rows[0].get("horizon") if rows else None
    return horizon if isinstance(horizon, dt.date) else None


def _add_edge(
    graph: nx.MultiDiGraph,
    subject: str,
    obj: str,
    kind: str,
    family: str,
    sources: list[str],
    **extra: Any,
) -> None:
    key = kind if not extra.get("agreement") else f"{kind}:{extra['agreement']}"
    if graph.has_edge(subject, obj, key):
        graph.edges[subject, obj, key]["sources"] = sorted(
            set(graph.edges[subject, obj, key]["sources"]) | set(sources)
        )
        return
    graph.add_edge(subject, obj, key=key, kind=kind, family=family, sources=sources, **extra)


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

    Every node but the policies is kept. Each relation of a family that carries goods
    (:attr:`Family.flow`) becomes an edge the way they move: inputs point to their
    consumers (element -> magnet -> component -> application -> industry), producers to
    their products, countries to the facilities and companies in them, companies to the
    facilities they operate and the companies they supply. Parallel relations merge into
    one edge whose ``kinds`` lists ``(kind, sources, inverse)``, with ``inverse`` true where
    the flow runs against the RDF statement.

    Examples:
        >>> p = Projection(nx.MultiDiGraph())
        >>> _ = p.graph.add_edge(
        ...     "magnet", "element", kind="containsElement", family="dependency", sources=["s"]
        ... )
        >>> p.graph.add_nodes_from(["magnet", "element"], type="material")
        >>> list(supply_graph(p).edges)
        [('element', 'magnet')]
    """
    flow = nx.DiGraph()
    for node, data in projection.graph.nodes(data=True):
        if _ROLE_OF_TYPE.get(data.get("type", "")) not in {None, POLICY}:
            flow.add_node(node, type=data["type"], label=data.get("label", ""))
    for subject, obj, data in projection.graph.edges(data=True):
        direction = _FLOW.get(data.get("family", ""), 0)
        if subject not in flow or obj not in flow or direction == 0:
            continue
        start, end, inverse = (subject, obj, False) if direction > 0 else (obj, subject, True)
        if not flow.has_edge(start, end):
            flow.add_edge(start, end, kinds=[])
        entry = (data["kind"], tuple(data.get("sources", ())), inverse)
        if entry not in flow.edges[start, end]["kinds"]:
            flow.edges[start, end]["kinds"].append(entry)
    return flow
