"""Which export controls a bill of materials depends on, their status on a day, and the way out.

For each line, the item's inputs are followed upstream through the supply graph
(:func:`rarekg.analysis.projection.supply_graph`, items and parts only: an input's input
is an input). Every export control (suspensions aside) that controls the item or one of
its inputs is an exposure, with:

* the chain from the controlled thing to the line's item, the way goods move;
* the status on the day, from the one in-force rule (:func:`rarekg.analysis.asof.status_on`);
* the licence types the policy requires and the licences granted under it that cover the
  controlled thing on the day (``queries/projections/policy-terms.rq``,
  ``granted-licences.rq``);
* the share of the policy's country (its jurisdiction) at the controlled thing's most
  concentrated stage (:func:`rarekg.analysis.shares.country_share`), and the suppliers
  outside that country: the other countries of that stage and the companies and
  facilities producing the thing that are not located in it.

Exposures roll up to each part from the parts beneath it, and so to the product. The
work per distinct item is done once, so a long bill costs about its number of lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass

import networkx as nx

from rarekg.analysis.asof import status_on
from rarekg.analysis.bom import BillOfMaterials, BomLine
from rarekg.analysis.exposure_results import (
    Alternative,
    Exposure,
    ExposureReport,
    GrantedLicence,
    Licences,
    PartExposure,
    PolicyRollup,
    Share,
    Unresolved,
)
from rarekg.analysis.projection import (
    ITEM,
    PART,
    AnalysisInputError,
    Projection,
    select,
    supply_graph,
    types_of,
)
from rarekg.analysis.results import Node
from rarekg.analysis.shares import StageShares, country_share, share_tables
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR

#: What a line's item may be, and what its inputs are followed through.
LINE_TYPES = types_of(ITEM, PART)

#: The licence type of a general licence (State Council Order No. 792 of 2024, the
#: Dual-Use Items Export Control Regulations, names individual and general licences).
GENERAL_LICENCE = str(RKR["DualUseGeneralLicence"])

#: How many unknown names of one bill get the closest names suggested.
SUGGESTED = 5

_COUNTRY = frozenset({"country"})
_LOCATION_KINDS = frozenset({"headquarteredIn", "locatedIn"})
_SUPPLIER_TYPES = frozenset({"company", "facility"})


@dataclass(frozen=True)
class PolicyTerms:
    """A policy's official number, issuers and required licence types."""

    official_number: str | None
    issuers: tuple[str, ...]
    licence_types: tuple[str, ...]


@dataclass(frozen=True)
class Granted:
    """A licence granted under a policy for one covered item."""

    licence: str
    policy: str
    item: str
    licence_type: str | None
    holder: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        """Whether the licence is valid on ``day`` (an unstated end is open)."""
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_until is None or day <= self.valid_until)


def policy_terms(kg: KnowledgeGraph) -> dict[str, PolicyTerms]:
    """Every policy's terms by IRI; build once per graph with ``kg.cached(policy_terms)``."""
    numbers: dict[str, str | None] = {}
    issuers: dict[str, set[str]] = defaultdict(set)
    licences: dict[str, set[str]] = defaultdict(set)
    for row in select(kg, "policy-terms"):
        policy = row["policy"]
        numbers.setdefault(policy, row.get("officialNumber"))
        issuers[policy].update([row["issuer"]] if "issuer" in row else [])
        licences[policy].update([row["licenceType"]] if "licenceType" in row else [])
    return {
        p: PolicyTerms(n, tuple(sorted(issuers[p])), tuple(sorted(licences[p])))
        for p, n in numbers.items()
    }


def granted_licences(kg: KnowledgeGraph) -> list[Granted]:
    """Every licence granted, per policy and covered item (``kg.cached(granted_licences)``)."""
    return [
        Granted(
            r["licence"],
            r["policy"],
            r["item"],
            r.get("licenceType"),
            r.get("holder"),
            r.get("validFrom"),
            r.get("validUntil"),
        )
        for r in select(kg, "granted-licences")
    ]


class ExposureFinder:
    """Finds the exposures of items on one day; each item's answer is computed once.

    Args:
        projection: the network view.
        terms: :func:`policy_terms` of the graph.
        granted: :func:`granted_licences` of the graph.
        on: the day.
    """

    def __init__(
        self,
        projection: Projection,
        terms: dict[str, PolicyTerms],
        granted: list[Granted],
        on: dt.date,
    ) -> None:
        self.projection = projection
        self.terms = terms
        self.on = on
        self.granted = [g for g in granted if g.valid_on(on)]
        self.flow = supply_graph(projection).subgraph(
            n for n, t in projection.graph.nodes(data="type") if t in LINE_TYPES
        )
        self.tables = share_tables(projection, on)
        self.controls: dict[str, list[str]] = defaultdict(list)
        self.jurisdiction: dict[str, list[str]] = defaultdict(list)
        for policy, target, kind in projection.graph.edges(data="kind"):
            window = projection.policies.get(policy)
            if kind == "jurisdiction":
                self.jurisdiction[policy].append(target)
            if kind == "controls" and window and window.export_control and not window.suspension:
                self.controls[target].append(policy)
        self._found: dict[str, tuple[Exposure, ...]] = {}

    def exposures(self, item: str) -> tuple[Exposure, ...]:
        """The exposures of ``item``: per policy and controlled thing, nearest first."""
        if item not in self._found:
            self._found[item] = tuple(self._compute(item))
        return self._found[item]

    def _compute(self, item: str) -> list[Exposure]:
        nearer = _upstream(self.flow, item)
        found = []
        for controlled in nearer:
            chain = [controlled]
            while chain[-1] != item:
                chain.append(nearer[chain[-1]])
            for policy in sorted(self.controls.get(controlled, ())):
                found.append(self._exposure(policy, controlled, chain))
        found.sort(key=lambda e: (e.policy.label, len(e.chain), e.controlled.label))
        return found

    def _exposure(self, policy: str, controlled: str, chain: list[str]) -> Exposure:
        p = self.projection
        terms = self.terms.get(policy, PolicyTerms(None, (), ()))
        status = status_on(p, policy, self.on)
        # The restricting country: the policy's jurisdiction (one for every policy so far).
        country = min(self.jurisdiction.get(policy, ()), default=None)
        share, table = country_share(self.tables, controlled, country) if country else (0.0, None)
        return Exposure(
            policy=p.describe(policy),
            official_number=terms.official_number,
            issuers=tuple(p.describe(i) for i in terms.issuers),
            controlled=p.describe(controlled),
            status=status.kind,
            until=status.end.isoformat() if status.end else None,
            licences=self._licences(policy, controlled, terms),
            chain=tuple(p.describe(n) for n in chain),
            share=_share(p, country, share, table),
            alternatives=self._alternatives(controlled, country),
        )

    def _licences(self, policy: str, controlled: str, terms: PolicyTerms) -> Licences:
        p = self.projection
        granted = [g for g in self.granted if g.policy == policy and g.item == controlled]
        return Licences(
            required=tuple(p.describe(t) for t in terms.licence_types),
            general_licence=any(g.licence_type == GENERAL_LICENCE for g in granted),
            granted=tuple(
                GrantedLicence(
                    g.licence,
                    p.label(g.licence),
                    p.label(g.licence_type) if g.licence_type else "",
                    p.describe(g.holder) if g.holder else None,
                    g.valid_from.isoformat() if g.valid_from else None,
                    g.valid_until.isoformat() if g.valid_until else None,
                )
                for g in sorted(granted, key=lambda g: g.licence)
            ),
        )

    def _alternatives(self, controlled: str, country: str | None) -> tuple[Alternative, ...]:
        """Suppliers of ``controlled`` outside ``country``.

        The countries with a share of any of its stages (largest first), then the
        companies and facilities producing it.
        """
        p, graph = self.projection, self.projection.graph
        if country is None:
            return ()
        shares: dict[str, tuple[float, str]] = {}
        for stage in self.tables.get(controlled, {}).values():
            for other, value in stage.shares.items():
                if other != country and value > shares.get(other, (0.0, ""))[0]:
                    shares[other] = (value, stage.stage)
        found = [
            Alternative(*_fields(p.describe(c)), value, p.label(stage))
            for c, (value, stage) in sorted(shares.items(), key=lambda cs: (-cs[1][0], cs[0]))
        ]
        for producer, _, kind in sorted(graph.in_edges(controlled, data="kind")):
            if kind != "produces" or p.node_type(producer) not in _SUPPLIER_TYPES:
                continue
            places = {
                t for _, t, k in graph.out_edges(producer, data="kind") if k in _LOCATION_KINDS
            }
            if country not in places:
                found.append(Alternative(*_fields(p.describe(producer))))
        return tuple(found)


def _fields(node: Node) -> tuple[str, str, str]:
    return node.iri, node.label, node.type


def _upstream(flow: nx.DiGraph, item: str) -> dict[str, str]:
    """``item`` and every input it depends on -> the next node toward ``item`` (breadth first)."""
    nearer = {item: item}
    queue = deque([item])
    while queue:
        node = queue.popleft()
        for source in sorted(flow.predecessors(node)):
            if source not in nearer:
                nearer[source] = node
                queue.append(source)
    return nearer


def _share(
    projection: Projection, country: str | None, value: float, table: StageShares | None
) -> Share | None:
    if country is None or table is None:
        return None
    return Share(
        projection.describe(country),
        projection.describe(table.stage),
        table.year,
        value,
        tuple(f.observation for f in table.evidence if f.country == country),
    )


def _rollup(
    bom: BillOfMaterials, own: dict[str, tuple[Exposure, ...]]
) -> dict[str, tuple[PolicyRollup, ...]]:
    """Part -> the policies reaching it or a part beneath it (see :class:`PolicyRollup`).

    Parts are visited bottom-up, so the work is one step per line and policy.
    """
    children = bom.children()
    reached: dict[str, dict[str, _Reach]] = {}
    for part in _bottom_up(bom):
        found: dict[str, _Reach] = {}
        for e in own[part]:
            if e.policy.iri not in found:
                found[e.policy.iri] = _Reach(e, [part], 1)
        for child in children[part]:
            for policy, below in reached[child].items():
                reach = found.get(policy)
                if reach is None:
                    reach = found[policy] = _Reach(below.first, [], 0)
                reach.via.append(child)
                reach.lines += below.lines
        reached[part] = found
    return {
        part: tuple(
            PolicyRollup(
                r.first.policy,
                r.first.official_number,
                r.first.status,
                r.first.until,
                tuple(r.via),
                r.lines,
            )
            for r in sorted(found.values(), key=lambda r: r.first.policy.label)
        )
        for part, found in reached.items()
    }


@dataclass
class _Reach:
    """How a policy reaches a part, while rolling up: the first exposure seen, via, lines."""

    first: Exposure
    via: list[str]
    lines: int


def _bottom_up(bom: BillOfMaterials) -> list[str]:
    """The parts, every part after the parts beneath it (no recursion: a bill may be deep)."""
    children = bom.children()
    order: list[str] = []
    stack = [(bom.product.part, False)]
    while stack:
        part, expanded = stack.pop()
        if expanded:
            order.append(part)
            continue
        stack.append((part, True))
        stack.extend((child, False) for child in reversed(children[part]))
    return order


class _Names:
    """The names of one bill, each resolved once.

    The closest names are suggested for the first :data:`SUGGESTED` unknown ones only:
    suggesting is the costly step.
    """

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self._found: dict[tuple[str, str], str | AnalysisInputError] = {}
        self._unknown = 0
        self._nodes: dict[str, Node] = {}

    def resolve(self, text: str, kind: str, types: frozenset[str]) -> str | AnalysisInputError:
        """The node ``text`` names among ``types``, or the error saying why none."""
        key = (kind, text)
        if key not in self._found:
            try:
                self._found[key] = self.projection.resolve(
                    text, types, suggest=self._unknown < SUGGESTED
                )
            except AnalysisInputError as error:
                self._unknown += 1
                self._found[key] = error
        return self._found[key]

    def describe(self, iri: str) -> Node:
        """The node as results name it, described once per bill."""
        if iri not in self._nodes:
            self._nodes[iri] = self.projection.describe(iri)
        return self._nodes[iri]


def _country(names: _Names, line: BomLine, warnings: list[str]) -> Node | None:
    if not line.supplier_country:
        return None
    found = names.resolve(line.supplier_country, "country", _COUNTRY)
    if isinstance(found, AnalysisInputError):
        warnings.append(f"row {line.row}, column supplier_country: {found}")
        return None
    return names.describe(found)


def exposure(
    finder: ExposureFinder, bom: BillOfMaterials, horizon: dt.date | None
) -> ExposureReport:
    """The exposure report of a checked bill of materials (see the module doc)."""
    projection = finder.projection
    names = _Names(projection)
    warnings: list[str] = []
    if not finder.tables:
        warnings.append(
            f"no share figure is dated {finder.on.year} or earlier: shares and the countries "
            "among the alternatives are left empty"
        )
    unresolved: list[Unresolved] = []
    items: dict[str, str | None] = {}
    for line in bom.lines:
        found = names.resolve(line.item, "item", LINE_TYPES)
        if isinstance(found, AnalysisInputError):
            unresolved.append(Unresolved(line.row, line.part, line.item, str(found)))
            items[line.part] = None
        else:
            items[line.part] = found
    own = {
        line.part: finder.exposures(item) if (item := items[line.part]) else ()
        for line in bom.lines
    }
    rollups = _rollup(bom, own)
    parts = tuple(
        PartExposure(
            row=line.row,
            part=line.part,
            parent=line.parent,
            item=names.describe(item) if (item := items[line.part]) else None,
            quantity=line.quantity,
            unit=line.unit,
            supplier=line.supplier,
            supplier_country=_country(names, line, warnings),
            exposures=own[line.part],
            rollup=rollups[line.part],
        )
        for line in bom.lines
    )
    past = horizon is not None and finder.on > horizon
    product = next(p for p in parts if p.part == bom.product.part)
    return ExposureReport(
        finder.on.isoformat(),
        product,
        parts,
        tuple(unresolved),
        tuple(warnings),
        horizon.isoformat() if past and horizon else None,
    )
