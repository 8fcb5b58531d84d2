"""What a criticality method returns: its value, every input with its sources, what is missing.

A method never fills a gap silently: an input it could not find in the graph is listed in
``insufficient_data`` with the reason, and the value is then ``None``; a rule of the
published method that stands in for a missing figure (GeoPolRisk's 0.5 for an exporter
without a governance score) is listed in ``assumptions``. JSON through
:func:`rarekg.analysis.results.to_json`, text through :func:`criticality_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rarekg.analysis.results import Node
from rarekg.formats import text_table

_OPTIONAL = {"omit_none": True}


@dataclass(frozen=True)
class Input:
    """One input of a result: its name, value, unit and the statements behind it."""

    name: str
    value: float | None
    unit: str
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Missing:
    """An input the graph does not hold, and why the method needs it."""

    input: str
    reason: str


@dataclass(frozen=True)
class Published:
    """The official figure a result is compared with, and where it was published."""

    value: float
    label: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MethodResult:
    """One method's answer for one item (and importer, year and stage where it asks)."""

    method: str
    version: str
    measure: str
    item: Node
    value: float | None
    inputs: tuple[Input, ...]
    insufficient_data: tuple[Missing, ...] = ()
    assumptions: tuple[str, ...] = ()
    year: int | None = field(default=None, metadata=_OPTIONAL)
    importer: Node | None = field(default=None, metadata=_OPTIONAL)
    stage: str | None = field(default=None, metadata=_OPTIONAL)
    published: Published | None = field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True)
class MethodInfo:
    """A method as the report names it: version, formula and the publication it follows."""

    name: str
    version: str
    title: str
    formula: str
    reference: str


@dataclass(frozen=True)
class CriticalityReport:
    """The results of the chosen methods, and the methods themselves."""

    methods: tuple[MethodInfo, ...]
    results: tuple[MethodResult, ...]


def _number(value: float | None) -> str:
    return "insufficient data" if value is None else f"{value:.4g}"


def criticality_text(report: CriticalityReport) -> str:
    """The report as text for people: one row per result, then what each lacks."""
    lines = [
        f"{m.name} v{m.version}: {m.title}\n  {m.formula}\n  {m.reference}" for m in report.methods
    ]
    rows = [
        [
            r.method,
            r.item.label[:34],
            "" if r.importer is None else r.importer.label[:20],
            "" if r.year is None else str(r.year),
            "" if r.stage is None else r.stage.rsplit("/", 1)[-1],
            r.measure,
            _number(r.value),
            "" if r.published is None else f"{r.published.value:g}",
        ]
        for r in report.results
    ]
    header = ["method", "item", "importer", "year", "stage", "measure", "value", "published"]
    lines += ["", text_table(header, rows) if rows else "No result: nothing matches."]
    for r in report.results:
        where = " ".join(
            x
            for x in (
                r.item.label,
                r.importer and r.importer.label,
                str(r.year or ""),
                (r.stage or "").rsplit("/", 1)[-1],
            )
            if x
        )
        lines.append(f"\n{r.method} {where}:")
        lines += [
            f"  {i.name} = {_number(i.value)} {i.unit}" + (f" ({i.note})" if i.note else "")
            for i in r.inputs
        ]
        lines += [f"  insufficient data: {m.input}: {m.reason}" for m in r.insufficient_data]
        lines += [f"  assumed: {a}" for a in r.assumptions]
    return "\n".join(lines)
