"""Rank the chokepoints of the supply graph, each with the measures and evidence behind it.

The score of a node is a weighted sum of five measures, each in [0, 1]:

    score = 0.35 concentration + 0.25 dominance + 0.15 betweenness + 0.10 cut + 0.15 control

* concentration: for an item, the top country's share at its most concentrated stage; for
  a country, its largest share of any item and stage (see :mod:`rarekg.analysis.shares`);
* dominance: the fraction of the industries downstream of the node that it dominates, that
  is, every path from supply to the industry passes through it;
* betweenness: betweenness centrality on the supply graph, divided by the largest;
* cut: 1 / size of the smallest minimum node cut between supply and a dependent industry
  that holds the node (1 for a single point of failure), 0 if in none;
* control: 1 if an export control in force on the date controls the item (for a country:
  if it has one in force), else 0.

Concentration carries the most weight because it is observed; the graph measures say how
much of the economy hangs on the node; control says whether the lever is being pulled.
Every weight's basis (a reference or a stated judgement) and the other weightings a ranking
may use are in :mod:`rarekg.analysis.chokepoint_methods`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from networkx.algorithms.connectivity import (
    build_auxiliary_node_connectivity,
    local_node_connectivity,
    minimum_st_node_cut,
)

from rarekg.analysis.asof import controls_in_force
from rarekg.analysis.chokepoint_methods import COMPOSITE
from rarekg.analysis.projection import (
    DEMAND,
    ITEM,
    PART,
    SUPPLY,
    Projection,
    supply_graph,
    types_of,
)
from rarekg.analysis.results import (
    Betweenness,
    Chokepoint,
    Concentration,
    Control,
    Cut,
    CutIndustry,
    Dominance,
    Measures,
    ObservationEvidence,
    PolicyEvidence,
    ShareHeld,
    StageConcentration,
)
from rarekg.analysis.shares import HIGHLY_CONCENTRATED_HHI, StageShares, share_tables

#: The composite's weights; each is documented with its basis in
#: :mod:`rarekg.analysis.chokepoint_methods`, which also holds the other weightings.
WEIGHTS = COMPOSITE.values()

REFERENCES = {
    "concentration": "U.S. DOJ & FTC, Merger Guidelines (2023), s. 2.1: HHI, highly "
    f"concentrated above {HIGHLY_CONCENTRATED_HHI:.0f}",
    "dominance": "Cooper, Harvey & Kennedy, A Simple, Fast Dominance Algorithm (2001)",
    "betweenness": "Brandes, A faster algorithm for betweenness centrality (2001); "
    "Brandes & Pich, Centrality estimation in large networks (2007) for sampled pivots",
    "cut": "Even, An algorithm for determining whether the connectivity of a graph is at "
    "least k (1975): minimum node cuts by max flow on the node-split graph",
    "control": "policies in force on the date (rarekg.analysis.asof)",
}

#: Node types ranked as chokepoints: the supply side (applications and industries are
#: what depends, not what chokes).
CANDIDATE_TYPES = types_of(SUPPLY, ITEM, PART)
#: The demand side, contracted into one sink per industry when cuts are computed.
_DEMAND_TYPES = types_of(PART, DEMAND)
_SUPPLY = "urn:rarekg:supply"

#: How many chokepoints a ranking lists unless told otherwise.
DEFAULT_TOP = 20
#: The most chokepoints a caller may list.
TOP_BOUND = 1000

#: Minimum node cuts wider than this are not reported.
MAX_CUT_SIZE = 5

#: Above this many nodes betweenness is estimated from sampled pivots, as many as keep the
#: work near this many edge visits (and at least the minimum).
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_BUDGET = 4_000_000
MIN_PIVOTS = 16


@dataclass
class Network:
    """The supply graph as analysed: a super-source ``supply`` feeding every origin."""

    flow: nx.DiGraph
    industries: list[str]
    tables: dict[str, dict[str, StageShares]] = field(default_factory=dict)


def network(projection: Projection, on: dt.date) -> Network:
    """Build the analysed supply graph as of ``on``.

    Country shares become country -> item edges with the share as ``capacity``; the
    super-source feeds every node nothing else feeds.
    """
    tables = share_tables(projection, on)
    flow = supply_graph(projection)
    for item, stages in tables.items():
        for table in stages.values():
            for country, share in table.shares.items():
                if country in flow and item in flow:
                    if not flow.has_edge(country, item):
                        flow.add_edge(country, item, kinds=[])
                    old = flow.edges[country, item].get("capacity", 0.0)
                    flow.edges[country, item]["capacity"] = max(old, share)
    origins = [n for n, degree in flow.in_degree() if degree == 0]
    flow.add_node(_SUPPLY, type="supply", label="supply")
    flow.add_edges_from((_SUPPLY, n) for n in origins)
    industries = sorted(n for n, t in flow.nodes(data="type") if t == "industry")
    return Network(flow, industries, tables)


def dominated_industries(net: Network) -> dict[str, set[str]]:
    """Node -> industries it dominates (every path from supply to them passes through it)."""
    idom = nx.immediate_dominators(net.flow, _SUPPLY)
    found: dict[str, set[str]] = defaultdict(set)
    for industry in net.industries:
        if industry not in idom:
            continue
        node = idom[industry]
        while node != _SUPPLY:
            found[node].add(industry)
            node = idom[node]
    return found


def minimum_cuts(net: Network) -> dict[str, set[str]]:
    """Industry -> a minimum set of supply-side nodes whose loss cuts it off from supply.

    Only cuts of at most :data:`MAX_CUT_SIZE` nodes are computed: a wider cut is no
    chokepoint, and bounding the flow keeps large graphs fast. The demand side
    (components, applications) is contracted into one sink per industry, so the cuts
    name what the industry buys, not its own products.
    """
    flow = net.flow
    # Who buys from whom runs beside the flow of goods; a cut is about the goods.
    supply_side = nx.DiGraph(
        (a, b)
        for a, b in flow.subgraph(
            n for n, t in flow.nodes(data="type") if t not in _DEMAND_TYPES
        ).edges
        if not (flow.nodes[a].get("type") == flow.nodes[b].get("type") == "company")
    )
    cuts = {}
    for industry in net.industries:
        demand = {industry}
        stack = [industry]
        while stack:
            for before in flow.predecessors(stack.pop()):
                if before not in demand and flow.nodes[before].get("type") in _DEMAND_TYPES:
                    demand.add(before)
                    stack.append(before)
        frontier = {p for d in demand for p in flow.predecessors(d) if p not in demand}
        frontier.discard(_SUPPLY)
        if not frontier:
            continue
        # Only the industry's own upstream matters: a small part of a large graph.
        upstream = set(frontier)
        for node in frontier:
            upstream |= nx.ancestors(supply_side, node)
        cut_graph = supply_side.subgraph(upstream).copy()
        sink = "urn:rarekg:sink"
        cut_graph.add_edges_from((p, sink) for p in frontier)
        auxiliary = build_auxiliary_node_connectivity(cut_graph)
        size = local_node_connectivity(
            cut_graph, _SUPPLY, sink, auxiliary=auxiliary, cutoff=MAX_CUT_SIZE + 1
        )
        if size <= MAX_CUT_SIZE:
            cuts[industry] = set(minimum_st_node_cut(cut_graph, _SUPPLY, sink, auxiliary=auxiliary))
    return cuts


def betweenness(net: Network, seed: int = 0) -> dict[str, float]:
    """Normalised betweenness of every node of the supply graph (super-source left out)."""
    graph = net.flow.copy()
    graph.remove_node(_SUPPLY)
    n = graph.number_of_nodes()
    pivots = max(MIN_PIVOTS, BETWEENNESS_BUDGET // max(1, graph.number_of_edges()))
    k = None if n <= EXACT_BETWEENNESS_LIMIT else min(n, pivots)
    return dict(nx.betweenness_centrality(graph, k=k, seed=seed, normalized=True))


def _stage(projection: Projection, table: StageShares) -> StageConcentration:
    country, share = table.top
    return StageConcentration(
        stage=table.stage,
        year=table.year,
        top_country=projection.describe(country),
        top_share=share,
        hhi=table.hhi,
        highly_concentrated=table.hhi > HIGHLY_CONCENTRATED_HHI,
        unattributed=table.unattributed,
    )


def rank(
    projection: Projection,
    on: dt.date,
    top: int | None = None,
    weights: dict[str, float] | None = None,
) -> list[Chokepoint]:
    """The chokepoints ranked by score, best first; ``weights`` default to :data:`WEIGHTS`."""
    weights = WEIGHTS if weights is None else weights
    net = network(projection, on)
    dominated = dominated_industries(net)
    cuts = minimum_cuts(net)
    central = betweenness(net)
    top_centrality = max(central.values(), default=0.0) or 1.0
    downstream_industries = {
        node: {d for d in nx.descendants(net.flow, node) if d in set(net.industries)}
        for node in dominated
    }
    controlled = controls_in_force(projection, on)
    controlling: dict[str, list[str]] = defaultdict(list)
    for policies in controlled.values():
        for policy in policies:
            for _, country, family in projection.graph.out_edges(policy, data="family"):
                if family == "jurisdiction" and policy not in controlling[country]:
                    controlling[country].append(policy)
    in_cuts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for industry, members in cuts.items():
        for node in members:
            in_cuts[node].append((industry, len(members)))
    by_country: dict[str, list[tuple[str, StageShares]]] = defaultdict(list)
    for item, by_stage in net.tables.items():
        for table in by_stage.values():
            for country in table.shares:
                by_country[country].append((item, table))

    entries = []
    for node, node_type in net.flow.nodes(data="type"):
        if node_type not in CANDIDATE_TYPES:
            continue
        if node_type == "country":
            held = sorted(by_country.get(node, []), key=lambda it: -it[1].shares[node])
            concentration = Concentration(
                value=held[0][1].shares[node] if held else 0.0,
                reference=REFERENCES["concentration"],
                shares=tuple(
                    ShareHeld(projection.describe(item), t.stage, t.year, t.shares[node])
                    for item, t in held[:10]
                ),
            )
            figures = {f for _, t in held[:10] for f in t.evidence if f.country == node}
            policies = controlling.get(node, [])
        else:
            stages = sorted(net.tables.get(node, {}).values(), key=lambda t: -t.top[1])
            concentration = Concentration(
                value=stages[0].top[1] if stages else 0.0,
                reference=REFERENCES["concentration"],
                stages=tuple(_stage(projection, t) for t in stages),
            )
            figures = {f for t in stages for f in t.evidence}
            policies = controlled.get(node, [])
        evidence: list[ObservationEvidence | PolicyEvidence] = [
            ObservationEvidence(f.observation, f.country, f.stage, f.year, f.share, f.sources)
            for f in sorted(figures, key=lambda f: f.observation)
        ]
        evidence += [_policy_evidence(projection, p) for p in policies]
        industries = dominated.get(node, set())
        downstream = downstream_industries.get(node, set())
        cut_sizes = in_cuts.get(node, [])
        centrality = central.get(node, 0.0)
        measures = Measures(
            concentration=concentration,
            dominance=Dominance(
                value=round(len(industries) / len(downstream) if downstream else 0.0, 4),
                reference=REFERENCES["dominance"],
                industries=tuple(projection.describe(i) for i in sorted(industries)),
            ),
            betweenness=Betweenness(
                value=round(centrality / top_centrality, 4),
                reference=REFERENCES["betweenness"],
                raw=centrality,
            ),
            cut=Cut(
                value=round(max((1.0 / size for _, size in cut_sizes), default=0.0), 4),
                reference=REFERENCES["cut"],
                industries=tuple(
                    CutIndustry(i, projection.label(i), projection.node_type(i), size)
                    for i, size in sorted(cut_sizes)
                ),
            ),
            control=Control(
                value=1.0 if policies else 0.0,
                reference=REFERENCES["control"],
                policies=tuple(sorted(policies)),
            ),
        )
        score = sum(weights[name] * getattr(measures, name).value for name in weights)
        if score <= 0:
            continue
        described = projection.describe(node)
        entries.append(
            Chokepoint(
                iri=node,
                label=described.label,
                type=described.type,
                kind=node_type,
                score=round(score, 4),
                measures=measures,
                evidence=tuple(evidence),
            )
        )
    entries.sort(key=lambda e: (-e.score, e.label.casefold(), e.iri))
    return entries[:top] if top is not None else entries


def _policy_evidence(projection: Projection, policy: str) -> PolicyEvidence:
    sources: set[str] = set()
    graph = projection.graph
    for _, _, data in graph.out_edges(policy, data=True):
        sources.update(data.get("sources", ()))
    described = projection.describe(policy)
    return PolicyEvidence(policy, described.label, described.type, tuple(sorted(sources)))
