"""What a country's export restriction cuts: supply lost per application and industry.

The model (its results are marked ``modelled``):

1. The restricting country withholds its share of each restricted item: its largest share
   over the item's stages as of the date (:func:`rarekg.analysis.shares.country_share`).
   An item without figures of its own inherits the largest share of the rare earth
   elements it contains; one without any is listed as unquantified.
2. Availability flows through the supply graph in the direction goods move. A material,
   magnet, component or application can be made only as far as its scarcest input allows
   (a fixed-proportion, Leontief production function), and never beyond the share of its
   own producers left free: ``a(x) = min(1 - withheld(x), min over inputs a(i))``. Where
   the graph states how much of a consumer needs an input (``rkg:DependencyStrength``),
   only that fraction of the input's loss reaches it (see
   :func:`weighted_availability`); each exposure says whether it is ``weighted`` or
   ``unweighted`` (no strength stated on its way: the whole consumer needs the input).
3. An industry's applications are separate product lines, so its availability is their
   mean. ``exposure = 1 - availability``.
4. Companies are exposed when they make an exposed item or buy from an exposed company,
   or when a restricting policy names them; companies of the restricting country are left
   out (its restriction binds exports, not their home supply). Their hop distance is the
   number of supply-graph relations from the nearest restricted item.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

import networkx as nx

from rarekg.analysis.asof import controls_in_force
from rarekg.analysis.projection import (
    DEMAND,
    AnalysisInputError,
    Projection,
    supply_graph,
)
from rarekg.analysis.results import (
    Affected,
    Basis,
    RestrictedItem,
    Scenario,
    ScenarioReport,
)
from rarekg.analysis.shares import StageShares, country_share, share_tables

MODEL = (
    "Leontief bottleneck propagation of the restricting country's withheld shares through "
    "the dependency graph, weighted by the stated dependency strengths "
    "(rkg:DependencyStrength) and unweighted where none is stated; industry = mean of its "
    "applications"
)
#: How an exposure was reached: through a stated dependency strength, or the bottleneck.
WEIGHTED, UNWEIGHTED = "weighted", "unweighted"
_PATHS_PER_NODE = 3


def _dependency_flow(projection: Projection) -> nx.DiGraph:
    """Input -> consumer edges of the dependency family only."""
    flow = nx.DiGraph()
    for subject, obj, family in projection.graph.edges(data="family"):
        if family == "dependency":
            flow.add_edge(obj, subject)
    return flow


def _withheld(
    projection: Projection,
    tables: dict[str, dict[str, StageShares]],
    items: list[str],
    country: str,
) -> tuple[dict[str, float], dict[str, StageShares | None], list[str]]:
    withheld: dict[str, float] = {}
    basis: dict[str, StageShares | None] = {}
    unquantified = []
    for item in items:
        share, table = country_share(tables, item, country)
        if table is None:
            inherited = [
                country_share(tables, element, country)
                for _, element, kind in projection.graph.out_edges(item, data="kind")
                if kind == "containsElement"
            ]
            share, table = max(inherited, key=lambda st: st[0], default=(0.0, None))
        if table is None:
            unquantified.append(item)
        withheld[item] = share
        basis[item] = table
    return withheld, basis, unquantified


def availability(
    projection: Projection, withheld: dict[str, float]
) -> tuple[dict[str, float], nx.DiGraph]:
    """Availability in [0, 1] of every node of the dependency graph (see the module doc).

    Examples:
        >>> p = Projection(nx.MultiDiGraph())
        >>> p.graph.add_node("wind", type="industry")
        >>> for consumer, item in [("magnet", "Dy"), ("magnet", "Nd"), ("wind", "magnet")]:
        ...     _ = p.graph.add_edge(consumer, item, family="dependency")
        >>> availability(p, {"Dy": 0.9, "Nd": 0.5})[0]["wind"]
        0.1
    """
    available, _, flow = weighted_availability(projection, withheld)
    return available, flow


def _order(projection: Projection) -> tuple[list[str], nx.DiGraph]:
    flow = _dependency_flow(projection)
    try:
        return list(nx.topological_sort(flow)), flow
    except nx.NetworkXUnfeasible as error:
        cycle = nx.find_cycle(flow)
        raise AnalysisInputError(f"the dependency graph has a cycle: {cycle}") from error


def weighted_availability(
    projection: Projection, withheld: dict[str, float]
) -> tuple[dict[str, float], dict[str, bool], nx.DiGraph]:
    """Availability of every node, and whether a stated dependency strength shaped it.

    Each restricted item ``r`` loses ``L_r(r) = withheld(r)``; downstream, a consumer ``x``
    loses ``L_r(x) = s(x, r) · withheld(r)`` where a strength of ``x`` on ``r`` is stated,
    else ``max_i s(x, i) · L_r(i)`` over its inputs, with ``s = 1`` where no strength is
    stated on the edge (the unweighted Leontief bottleneck). A node's availability is
    ``1 - max(its own withheld share, max_r L_r(x))``; an industry's is the mean of its
    applications' weighted availabilities. Without any stated strength this is exactly
    the unweighted model.

    Examples:
        >>> from rarekg.analysis.projection import Strength
        >>> p = Projection(nx.MultiDiGraph())
        >>> for consumer, item in [("magnet", "Dy"), ("motor", "magnet"), ("speaker", "magnet")]:
        ...     _ = p.graph.add_edge(consumer, item, family="dependency")
        >>> p.strengths[("speaker", "Dy")] = Strength("s", "speaker", "Dy", 0.1, 2024, None, ())
        >>> a, weighted, _ = weighted_availability(p, {"Dy": 0.9})
        >>> a["motor"], a["speaker"], weighted["motor"], weighted["speaker"]
        (0.1, 0.91, False, True)
    """
    order, flow = _order(projection)
    strengths = projection.strengths
    loss: dict[str, float] = {n: withheld.get(n, 0.0) for n in order}
    weighted: dict[str, bool] = dict.fromkeys(order, False)
    for restricted in [r for r in order if withheld.get(r, 0.0) > 0]:
        lost = {restricted: withheld[restricted]}
        shaped = {restricted: False}
        for node in nx.topological_sort(flow.subgraph(nx.descendants(flow, restricted))):
            if projection.node_type(node) == "industry":
                continue
            stated = strengths.get((node, restricted))
            if stated is not None:
                lost[node], shaped[node] = stated.strength * withheld[restricted], True
            else:
                best = (0.0, False)
                for before in flow.predecessors(node):
                    if before not in lost:
                        continue
                    edge = strengths.get((node, before))
                    share = lost[before] * (1.0 if edge is None else edge.strength)
                    best = max(best, (share, edge is not None or shaped[before]))
                lost[node], shaped[node] = best
            if lost[node] > loss[node]:
                loss[node], weighted[node] = lost[node], shaped[node]
    available: dict[str, float] = {}
    for node in order:
        if projection.node_type(node) == "industry" and any(True for _ in flow.predecessors(node)):
            inputs = list(flow.predecessors(node))
            terms = []
            for before in inputs:
                edge = strengths.get((node, before))
                lost_before = 1.0 - available[before]
                terms.append(1.0 - lost_before * (1.0 if edge is None else edge.strength))
                weighted[node] = weighted[node] or edge is not None or weighted[before]
            available[node] = round(min(1.0 - withheld.get(node, 0.0), sum(terms) / len(terms)), 6)
        else:
            available[node] = round(1.0 - loss[node], 6)
    return available, weighted, flow


def _paths(trees: list[dict[str, list[str]]], target: str) -> list[list[str]]:
    """The shortest paths to ``target`` from the restricted items, shortest first."""
    found = [tree[target] for tree in trees if target in tree]
    return sorted(found, key=lambda p: (len(p), p))[:_PATHS_PER_NODE]


def _exposed_companies(
    projection: Projection,
    country: str,
    restricted: list[str],
    available: dict[str, float],
    withheld: dict[str, float],
    policies: list[str],
) -> list[Affected]:
    flow = supply_graph(projection)
    graph = projection.graph
    home = {
        c
        for c, target, kind in graph.edges(data="kind")
        if kind == "headquarteredIn" and target == country
    }
    undirected = flow.subgraph(n for n, t in flow.nodes(data="type") if t != "country")
    hops: dict[str, int] = {}
    queue = deque((r, 0) for r in restricted if r in undirected)
    hops.update({r: 0 for r, _ in queue})
    view = undirected.to_undirected(as_view=True)
    while queue:
        node, distance = queue.popleft()
        for nxt in view.neighbors(node):
            if nxt not in hops:
                hops[nxt] = distance + 1
                queue.append((nxt, distance + 1))
    exposure: dict[str, float] = {}
    via: dict[str, str] = {}
    # Makers of exposed items (directly, or through the facilities they operate).
    for producer, item in flow.edges():
        loss = 1.0 - available.get(item, 1.0)
        ptype = flow.nodes[producer].get("type")
        if loss <= 0 or ptype not in {"company", "facility"}:
            continue
        makers = [producer] if ptype == "company" else list(flow.predecessors(producer))
        for company in makers:
            if flow.nodes[company].get("type") == "company" and loss > exposure.get(company, 0):
                exposure[company], via[company] = loss, item
    # Their buyers, down the supply relations.
    frontier = list(exposure)
    while frontier:
        supplier = frontier.pop()
        for buyer in flow.successors(supplier):
            if flow.nodes[buyer].get("type") == "company" and buyer not in exposure:
                exposure[buyer], via[buyer] = exposure[supplier], supplier
                frontier.append(buyer)
    # Companies a restricting policy names face the cut of what that policy withholds.
    for policy in policies:
        cut = max(
            (
                withheld.get(item, 0.0)
                for _, item, family in graph.out_edges(policy, data="family")
                if family == "control"
            ),
            default=0.0,
        )
        for _, company, kind in graph.out_edges(policy, data="kind"):
            if kind == "affects" and projection.node_type(company) == "company":
                via.setdefault(company, policy)
                exposure.setdefault(company, cut)
                hops.setdefault(company, 1)
    return [
        Affected(
            company,
            projection.label(company),
            projection.node_type(company),
            round(exposure[company], 4),
            (),
            hops=hops.get(company),
            via=projection.describe(via[company]),
        )
        for company in sorted(exposure, key=lambda c: (-exposure[c], hops.get(c, 99), c))
        if company not in home
    ]


def simulate(
    projection: Projection, country: str, items: list[str] | None, on: dt.date
) -> ScenarioReport:
    """Run the restriction scenario on resolved IRIs."""
    controlled = controls_in_force(projection, on, country)
    if items is None:
        items = sorted(controlled)
        if not items:
            raise AnalysisInputError(
                f"{projection.label(country)} has no export control in force on {on}: "
                "name the items with --items"
            )
    tables = share_tables(projection, on)
    withheld, basis, unquantified = _withheld(projection, tables, items, country)
    available, weighted, flow = weighted_availability(projection, withheld)
    policies = sorted({p for item in items for p in controlled.get(item, [])})
    restricted = [i for i in items if withheld[i] > 0]
    trees = [nx.single_source_shortest_path(flow, r) for r in restricted if r in flow]
    affected = []
    for node in sorted(available, key=lambda n: (available[n], n)):
        if projection.role(node) != DEMAND:
            continue
        exposure = round(1.0 - available[node], 4)
        if exposure <= 0:
            continue
        affected.append(
            Affected(
                node,
                projection.label(node),
                projection.node_type(node),
                exposure,
                tuple(tuple(p) for p in _paths(trees, node)),
                basis=WEIGHTED if weighted[node] else UNWEIGHTED,
            )
        )
    affected += _exposed_companies(projection, country, restricted, available, withheld, policies)
    scenario = Scenario(
        restrict=projection.describe(country),
        on=on.isoformat(),
        items=tuple(
            RestrictedItem(
                item,
                projection.label(item),
                projection.node_type(item),
                round(withheld[item], 4),
                _basis(basis[item]),
                tuple(controlled.get(item, [])),
            )
            for item in items
        ),
        policies=tuple(policies),
        unquantified=tuple(unquantified),
        model=MODEL,
    )
    return ScenarioReport(scenario, tuple(affected))


def _basis(table: StageShares | None) -> Basis | None:
    if table is None:
        return None
    return Basis(table.item, table.stage, table.year, tuple(f.observation for f in table.evidence))
