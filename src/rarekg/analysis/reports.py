"""The analysis API: JSON-ready reports for the CLI and the server, and their text tables.

Each ``*_report`` takes the knowledge graph (or a ready :class:`Projection`), checks and
resolves the input, and returns a dict that ``json.dumps`` accepts. Bad input raises
:class:`AnalysisInputError` with the candidates it might have meant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rarekg.analysis import chains as chains_module
from rarekg.analysis.asof import parse_date
from rarekg.analysis.chokepoints import WEIGHTS, rank
from rarekg.analysis.projection import (
    ITEM,
    PART,
    AnalysisInputError,
    Projection,
    project,
    types_of,
)
from rarekg.analysis.simulate import simulate
from rarekg.kg import KnowledgeGraph
from rarekg.names import local_name

#: What an export restriction may name: the items and parts of the supply chain.
ITEM_TYPES = types_of(ITEM, PART)
SCORE_FORMULA = " + ".join(f"{w:.2f} {name}" for name, w in WEIGHTS.items())


def as_projection(kg: KnowledgeGraph | Projection) -> Projection:
    """The projection of ``kg``, built once per graph (a projection is returned as it is)."""
    return kg if isinstance(kg, Projection) else kg.cached(project)


def _date(on: dt.date | str | None) -> dt.date:
    try:
        return parse_date(on)
    except ValueError as error:
        raise AnalysisInputError(str(error)) from None


def chains_report(
    kg: KnowledgeGraph | Projection,
    source: str,
    target: str,
    max_length: int = chains_module.DEFAULT_MAX_LENGTH,
    limit: int = chains_module.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Dependency chains from ``source`` to ``target`` (labels, symbols or IRIs).

    Returns:
        ``{"from", "to", "max_length", "chains": [{"nodes": [{"iri", "label", "type"}],
        "edges": [{"kind", "subject", "object", "sources"}]}]}``, shortest first.

    Raises:
        AnalysisInputError: an unknown or ambiguous name, or a bad length or limit.
    """
    if max_length < 1 or limit < 1:
        raise AnalysisInputError("max_length and limit must be at least 1")
    projection = as_projection(kg)
    start, end = projection.resolve(source), projection.resolve(target)
    found = chains_module.find_chains(projection, start, end, max_length, limit)
    return {
        "from": projection.describe(start),
        "to": projection.describe(end),
        "max_length": max_length,
        "chains": [
            {"nodes": [projection.describe(n) for n in chain["nodes"]], "edges": chain["edges"]}
            for chain in found
        ],
    }


def chokepoints_report(
    kg: KnowledgeGraph | Projection, top: int | None = 20, on: dt.date | str | None = None
) -> dict[str, Any]:
    """The ranked chokepoints as of ``on`` (default today).

    Returns:
        ``{"on", "formula", "chokepoints": [{"iri", "label", "type", "kind", "score",
        "measures": {name: {"value", "reference", ...}}, "evidence": [...]}]}``.

    Raises:
        AnalysisInputError: a bad date or ``top``.
    """
    if top is not None and top < 1:
        raise AnalysisInputError("top must be at least 1")
    day = _date(on)
    projection = as_projection(kg)
    return {
        "on": day.isoformat(),
        "formula": f"score = {SCORE_FORMULA}",
        "chokepoints": rank(projection, day, top),
    }


def simulate_report(
    kg: KnowledgeGraph | Projection,
    restrict: str,
    items: list[str] | None = None,
    on: dt.date | str | None = None,
) -> dict[str, Any]:
    """What an export restriction by ``restrict`` (ISO code or name) of ``items`` cuts.

    ``items`` defaults to everything the country's export controls in force on ``on``
    control.

    Returns:
        ``{"scenario": {"restrict", "on", "items", "policies", "unquantified",
        "estimateKind": "modelled", "model"}, "affected": [{"iri", "label", "type",
        "exposure", "paths", ...}]}``; companies carry ``hops`` and ``via``.

    Raises:
        AnalysisInputError: an unknown country or item, a bad date, or nothing to restrict.
    """
    day = _date(on)
    projection = as_projection(kg)
    country = projection.resolve(restrict, ["country"])
    resolved = None
    if items is not None:
        names = [i.strip() for i in items if i.strip()]
        if not names:
            raise AnalysisInputError("--items is empty: name at least one item")
        resolved = list(dict.fromkeys(projection.resolve(n, ITEM_TYPES) for n in names))
    return simulate(projection, country, resolved, day)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def chains_text(report: dict[str, Any]) -> str:
    """The chains report as text for people.

    Examples:
        >>> print(chains_text({"from": {"label": "a"}, "to": {"label": "b"}, "chains": []}))
        No chain from a to b.
    """
    head = f"from {report['from']['label']} to {report['to']['label']}"
    if not report["chains"]:
        return f"No chain {head}."
    lines = [f"{len(report['chains'])} chain(s) {head}, shortest first:"]
    for number, chain in enumerate(report["chains"], 1):
        lines.append(f"\n{number}. {' -> '.join(n['label'] for n in chain['nodes'])}")
        for edge in chain["edges"]:
            sources = ", ".join(local_name(s) for s in edge["sources"]) or "no source"
            lines.append(
                f"     {local_name(edge['subject'])} {edge['kind']} {local_name(edge['object'])}"
                f"  [{sources}]"
            )
    return "\n".join(lines)


def chokepoints_text(report: dict[str, Any]) -> str:
    """The chokepoints report as a fixed-width table."""
    rows = []
    for number, entry in enumerate(report["chokepoints"], 1):
        m = entry["measures"]
        stages = m["concentration"].get("stages") or []
        hhi = f"{stages[0]['hhi']:.0f}" if stages else ""
        rows.append(
            [
                str(number),
                entry["label"][:40],
                entry["kind"],
                f"{entry['score']:.3f}",
                f"{m['concentration']['value']:.2f}",
                hhi,
                f"{m['dominance']['value']:.2f}",
                f"{m['betweenness']['value']:.2f}",
                f"{m['cut']['value']:.2f}",
                "yes" if m["control"]["value"] else "",
                str(len(entry["evidence"])),
            ]
        )
    header = [
        "#",
        "chokepoint",
        "kind",
        "score",
        "conc",
        "HHI",
        "dom",
        "betw",
        "cut",
        "ctrl",
        "evid",
    ]
    return f"Chokepoints on {report['on']} ({report['formula']})\n\n" + _table(rows, header)


def simulate_text(report: dict[str, Any]) -> str:
    """The scenario report as text for people (results are modelled)."""
    scenario = report["scenario"]
    items = ", ".join(f"{i['label']} ({100 * i['withheld_share']:.0f}%)" for i in scenario["items"])
    lines = [
        f"Scenario (modelled): {scenario['restrict']['label']} restricts exports on "
        f"{scenario['on']} of: {items}",
        f"Model: {scenario['model']}",
    ]
    if scenario["unquantified"]:
        unknown = ", ".join(local_name(i) for i in scenario["unquantified"])
        lines.append(f"No share figures for: {unknown}")
    rows = [
        [
            a["label"][:40],
            a["type"],
            f"{a['exposure']:.2f}",
            "" if a.get("hops") is None else str(a["hops"]),
            a["via"]["label"][:40]
            if "via" in a
            else " -> ".join(local_name(n) for n in (a["paths"][0] if a["paths"] else [])),
        ]
        for a in report["affected"]
    ]
    if not rows:
        return "\n".join([*lines, "", "Nothing is exposed."])
    return "\n".join([*lines, "", _table(rows, ["affected", "type", "exposure", "hops", "via"])])
