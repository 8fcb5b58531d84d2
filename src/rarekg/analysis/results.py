"""The analyses' results as dataclasses, and their one serialisation: JSON and text tables.

Chains, chokepoints and scenarios are built as the dataclasses below by
:mod:`rarekg.analysis.chains`, :mod:`~rarekg.analysis.chokepoints` and
:mod:`~rarekg.analysis.simulate`; the CLI, the JSON API, the explorer and the tests read
their attributes. :func:`to_json` is the only way they become JSON (a field named in its
metadata ``json`` is written under that name; one marked ``omit_none`` is left out when
unset), and the ``*_text`` functions the only way they become tables.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from rarekg.formats import text_table
from rarekg.names import local_name

_OPTIONAL: dict[str, Any] = {"omit_none": True}


def to_json(value: Any) -> Any:
    """A result as plain JSON data (dicts, lists, strings, numbers, booleans, ``None``).

    Examples:
        >>> to_json(Node("ex:Dy", "Dysprosium", "element"))
        {'iri': 'ex:Dy', 'label': 'Dysprosium', 'type': 'element'}
        >>> to_json(Affected("ex:I", "I", "industry", 0.5, ()))
        {'iri': 'ex:I', 'label': 'I', 'type': 'industry', 'exposure': 0.5, 'paths': []}
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for spec in dataclasses.fields(value):
            item = getattr(value, spec.name)
            if item is None and spec.metadata.get("omit_none"):
                continue
            data[spec.metadata.get("json", spec.name)] = to_json(item)
        return data
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Node:
    """A node of the projection as results name it."""

    iri: str
    label: str
    type: str


# ----------------------------------------------------------------------------- chains


@dataclass(frozen=True)
class Relation:
    """One relation of a chain, stated as in RDF, with its sources."""

    kind: str
    subject: str
    object: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    """A dependency chain: its nodes in order and the relation behind each step."""

    nodes: tuple[Node, ...]
    edges: tuple[Relation, ...]


@dataclass(frozen=True)
class ChainsReport:
    """Every chain from one thing to another, shortest first."""

    source: Node = field(metadata={"json": "from"})
    target: Node = field(metadata={"json": "to"})
    max_length: int
    chains: tuple[Chain, ...]


# ------------------------------------------------------------------------ chokepoints


@dataclass(frozen=True)
class StageConcentration:
    """How concentrated one stage of an item is, and who leads it."""

    stage: str
    year: int
    top_country: Node
    top_share: float
    hhi: float
    highly_concentrated: bool
    unattributed: float


@dataclass(frozen=True)
class ShareHeld:
    """A country's share of one item at one stage."""

    item: Node
    stage: str
    year: int
    share: float


@dataclass(frozen=True)
class Concentration:
    """The top share: of an item at its most concentrated stage, of a country its largest."""

    value: float
    reference: str
    stages: tuple[StageConcentration, ...] | None = field(default=None, metadata=_OPTIONAL)
    shares: tuple[ShareHeld, ...] | None = field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True)
class Dominance:
    """The share of the downstream industries the node dominates, and which."""

    value: float
    reference: str
    industries: tuple[Node, ...]


@dataclass(frozen=True)
class Betweenness:
    """Betweenness centrality, divided by the largest; ``raw`` as computed."""

    value: float
    reference: str
    raw: float


@dataclass(frozen=True)
class CutIndustry:
    """An industry a small node cut holds the node for, and the cut's size."""

    iri: str
    label: str
    type: str
    cut_size: int


@dataclass(frozen=True)
class Cut:
    """1 / the smallest cut holding the node, and the industries it cuts off."""

    value: float
    reference: str
    industries: tuple[CutIndustry, ...]


@dataclass(frozen=True)
class Control:
    """Whether an export control in force controls the node, and which."""

    value: float
    reference: str
    policies: tuple[str, ...]


@dataclass(frozen=True)
class Measures:
    """The five measures a chokepoint's score weighs."""

    concentration: Concentration
    dominance: Dominance
    betweenness: Betweenness
    cut: Cut
    control: Control


@dataclass(frozen=True)
class ObservationEvidence:
    """A share or output figure behind a concentration."""

    iri: str
    country: str
    stage: str
    year: int
    share: float | None
    sources: tuple[str, ...]
    kind: str = "observation"


@dataclass(frozen=True)
class PolicyEvidence:
    """A policy behind a control."""

    iri: str
    label: str
    type: str
    sources: tuple[str, ...]
    kind: str = "policy"


@dataclass(frozen=True)
class Chokepoint:
    """A ranked node, its score, the measures and the evidence behind them."""

    iri: str
    label: str
    type: str
    kind: str
    score: float
    measures: Measures
    evidence: tuple[ObservationEvidence | PolicyEvidence, ...]


@dataclass(frozen=True)
class ChokepointsReport:
    """The chokepoints as of a day, best first, with the score's formula."""

    on: str
    formula: str
    chokepoints: tuple[Chokepoint, ...]
    horizon: str | None = None


# -------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Basis:
    """The stage table a withheld share was read from."""

    item: str
    stage: str
    year: int
    observations: tuple[str, ...]


@dataclass(frozen=True)
class RestrictedItem:
    """An item the restriction covers and the share of it withheld."""

    iri: str
    label: str
    type: str
    withheld_share: float
    basis: Basis | None
    controlled_by: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    """What was assumed: who restricts what, on which day, under which model."""

    restrict: Node
    on: str
    items: tuple[RestrictedItem, ...]
    policies: tuple[str, ...]
    unquantified: tuple[str, ...]
    model: str
    estimate_kind: str = field(default="modelled", metadata={"json": "estimateKind"})


@dataclass(frozen=True)
class Affected:
    """An application, industry or company the restriction reaches, and how hard.

    Companies carry ``hops`` (relations from the nearest restricted item) and ``via``
    (what exposes them); applications and industries the ``paths`` from the items.
    """

    iri: str
    label: str
    type: str
    exposure: float
    paths: tuple[tuple[str, ...], ...]
    hops: int | None = field(default=None, metadata=_OPTIONAL)
    via: Node | None = field(default=None, metadata=_OPTIONAL)
    #: For applications and industries: "weighted" where a stated dependency strength
    #: shaped the exposure, "unweighted" where the whole consumer is taken to need it.
    basis: str | None = field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True)
class ScenarioReport:
    """A restriction scenario and everything it exposes, most exposed first."""

    scenario: Scenario
    affected: tuple[Affected, ...]
    horizon: str | None = None


# ------------------------------------------------------------------------------ text


def horizon_note(on: str, horizon: str | None) -> str | None:
    """The warning an answer about a day past the graph's horizon carries, if it is past.

    Examples:
        >>> horizon_note("2026-12-01", "2026-11-29")[:33]
        'Statuses were checked up to 2026-'
        >>> horizon_note("2025-06-01", "2026-11-29") is None
        True
    """
    if horizon is None or on <= horizon:
        return None
    return (
        f"Statuses were checked up to {horizon}: a control whose status on {on} depends on "
        "a later day counts as unknown, not in force."
    )


def chains_text(report: ChainsReport) -> str:
    """The chains report as text for people.

    Examples:
        >>> a, b = Node("ex:a", "a", "element"), Node("ex:b", "b", "industry")
        >>> print(chains_text(ChainsReport(a, b, 6, ())))
        No chain from a to b.
    """
    head = f"from {report.source.label} to {report.target.label}"
    if not report.chains:
        return f"No chain {head}."
    lines = [f"{len(report.chains)} chain(s) {head}, shortest first:"]
    for number, chain in enumerate(report.chains, 1):
        lines.append(f"\n{number}. {' -> '.join(n.label for n in chain.nodes)}")
        for edge in chain.edges:
            sources = ", ".join(local_name(s) for s in edge.sources) or "no source"
            lines.append(
                f"     {local_name(edge.subject)} {edge.kind} {local_name(edge.object)}"
                f"  [{sources}]"
            )
    return "\n".join(lines)


def chokepoints_text(report: ChokepointsReport) -> str:
    """The chokepoints report as a fixed-width table."""
    rows = []
    for number, entry in enumerate(report.chokepoints, 1):
        m = entry.measures
        stages = m.concentration.stages or ()
        rows.append(
            [
                str(number),
                entry.label[:40],
                entry.kind,
                f"{entry.score:.3f}",
                f"{m.concentration.value:.2f}",
                f"{stages[0].hhi:.0f}" if stages else "",
                f"{m.dominance.value:.2f}",
                f"{m.betweenness.value:.2f}",
                f"{m.cut.value:.2f}",
                "yes" if m.control.value else "",
                str(len(entry.evidence)),
            ]
        )
    header = ["#", "chokepoint", "kind", "score", "conc", "HHI", "dom", "betw", "cut", "ctrl"]
    table = text_table([*header, "evid"], rows)
    note = horizon_note(report.on, report.horizon)
    head = f"Chokepoints on {report.on} ({report.formula})" + (f"\n{note}" if note else "")
    return f"{head}\n\n{table}"


def simulate_text(report: ScenarioReport) -> str:
    """The scenario report as text for people (results are modelled)."""
    scenario = report.scenario
    items = ", ".join(f"{i.label} ({100 * i.withheld_share:.0f}%)" for i in scenario.items)
    lines = [
        f"Scenario (modelled): {scenario.restrict.label} restricts exports on "
        f"{scenario.on} of: {items}",
        f"Model: {scenario.model}",
    ]
    note = horizon_note(scenario.on, report.horizon)
    if note:
        lines.append(note)
    if scenario.unquantified:
        unknown = ", ".join(local_name(i) for i in scenario.unquantified)
        lines.append(f"No share figures for: {unknown}")
    rows = [
        [
            a.label[:40],
            a.type,
            f"{a.exposure:.2f}",
            a.basis or "",
            "" if a.hops is None else str(a.hops),
            a.via.label[:40]
            if a.via is not None
            else " -> ".join(local_name(n) for n in (a.paths[0] if a.paths else [])),
        ]
        for a in report.affected
    ]
    if not rows:
        return "\n".join([*lines, "", "Nothing is exposed."])
    table = text_table(["affected", "type", "exposure", "basis", "hops", "via"], rows)
    return "\n".join([*lines, "", table])
