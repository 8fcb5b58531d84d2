"""The exposure report's result types, and their tables: text, CSV rows and an HTML page.

Built by :mod:`rarekg.analysis.exposure`; :func:`rarekg.analysis.results.to_json` writes
them as the stable JSON shape documented in ``docs/exposure.md``.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from typing import Any

from rarekg.analysis.results import Node, horizon_note
from rarekg.formats import text_table

_OPTIONAL: dict[str, Any] = {"omit_none": True}


@dataclass(frozen=True)
class Share:
    """The restricting country's share of the controlled thing at its most concentrated stage."""

    country: Node
    stage: Node
    year: int
    value: float
    observations: tuple[str, ...]


@dataclass(frozen=True)
class Alternative:
    """A supplier of the controlled thing outside the restricting country.

    A country carries its largest share of the thing's stages, and that stage.
    """

    iri: str
    label: str
    type: str
    share: float | None = field(default=None, metadata=_OPTIONAL)
    stage: str | None = field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True)
class GrantedLicence:
    """A licence granted under the policy that covers the controlled thing on the day."""

    iri: str
    label: str
    type: str
    holder: Node | None
    valid_from: str | None = field(metadata={"json": "validFrom"})
    valid_until: str | None = field(metadata={"json": "validUntil"})


@dataclass(frozen=True)
class Licences:
    """The licence types a policy requires, and whether a general licence is granted."""

    required: tuple[Node, ...]
    general_licence: bool = field(metadata={"json": "generalLicence"})
    granted: tuple[GrantedLicence, ...]


@dataclass(frozen=True)
class Exposure:
    """One control a line depends on: the policy, its status on the day, and the way out.

    ``chain`` runs the way goods move, from the controlled thing to the line's item.
    ``until`` is the last day the status holds as far as the graph knows (for
    "suspended", the day the suspension ends), ``None`` when open-ended.
    """

    policy: Node
    official_number: str | None = field(metadata={"json": "officialNumber"})
    issuers: tuple[Node, ...]
    controlled: Node
    status: str
    until: str | None
    licences: Licences
    chain: tuple[Node, ...]
    share: Share | None
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class PolicyRollup:
    """A policy reaching a part through itself or anything beneath it.

    ``via`` names the part itself (when its own item is exposed) and its direct
    sub-parts through which the policy reaches it; ``lines`` counts the lines of its
    subtree the policy reaches.
    """

    policy: Node
    official_number: str | None = field(metadata={"json": "officialNumber"})
    status: str
    until: str | None
    via: tuple[str, ...]
    lines: int


@dataclass(frozen=True)
class PartExposure:
    """One line of the bill of materials and its exposures; ``item`` is ``None`` if unresolved."""

    row: int
    part: str
    parent: str | None
    item: Node | None
    quantity: float
    unit: str
    supplier: str
    supplier_country: Node | None = field(metadata={"json": "supplierCountry"})
    exposures: tuple[Exposure, ...]
    rollup: tuple[PolicyRollup, ...]


@dataclass(frozen=True)
class Unresolved:
    """A line whose item names nothing the graph holds (or several things)."""

    row: int
    part: str
    item: str
    reason: str


@dataclass(frozen=True)
class ExposureReport:
    """The exposure of a bill of materials on a day, per line and rolled up to the product.

    ``horizon`` is set only when ``on`` is past the day the graph's statuses were checked.
    """

    on: str
    product: PartExposure
    parts: tuple[PartExposure, ...]
    unresolved: tuple[Unresolved, ...]
    warnings: tuple[str, ...]
    horizon: str | None = field(default=None, metadata=_OPTIONAL)


def status_text(status: str, until: str | None) -> str:
    """A status as people read it.

    Examples:
        >>> status_text("suspended", "2026-11-10"), status_text("in force", None)
        ('suspended until 2026-11-10', 'in force')
    """
    return f"suspended until {until}" if status == "suspended" and until else status


def _share_text(share: Share | None) -> str:
    if share is None:
        return ""
    return f"{share.country.label} {100 * share.value:.0f}% ({share.stage.label} {share.year})"


#: The columns of the CSV form: one row per exposure, and one per unresolved line.
CSV_COLUMNS = (
    "row",
    "part",
    "parent",
    "item",
    "quantity",
    "policy",
    "officialNumber",
    "status",
    "until",
    "controlled",
    "chain",
    "share",
    "generalLicence",
    "alternatives",
)


def _rows(report: ExposureReport) -> list[list[str]]:
    rows = []
    for part in report.parts:
        for e in part.exposures:
            rows.append(
                [
                    str(part.row),
                    part.part,
                    part.parent or "",
                    part.item.label if part.item else "",
                    f"{part.quantity:g}",
                    e.policy.label,
                    e.official_number or "",
                    e.status,
                    e.until or "",
                    e.controlled.label,
                    " -> ".join(n.label for n in e.chain),
                    _share_text(e.share),
                    "yes" if e.licences.general_licence else "no",
                    "; ".join(a.label for a in e.alternatives),
                ]
            )
    for u in report.unresolved:
        rows.append(
            [str(u.row), u.part, "", u.item, "", "", "", "unresolved", "", "", "", "", "", ""]
        )
    return rows


def exposure_csv(report: ExposureReport) -> str:
    """The report as CSV: one row per exposure, then one per unresolved line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_rows(report))
    return out.getvalue()


def _head(report: ExposureReport) -> list[str]:
    product = report.product
    what = product.item.label if product.item else product.part
    lines = [f"Exposure of {product.part} ({what}) on {report.on}"]
    note = horizon_note(report.on, report.horizon)
    if note:
        lines.append(note)
    return lines


def exposure_text(report: ExposureReport) -> str:
    """The report as text for people: the product's roll-up, each line's controls, problems."""
    lines = _head(report)
    rollup = report.product.rollup
    lines.append("")
    if rollup:
        lines.append(
            text_table(
                ["policy", "status", "lines", "via"],
                [
                    [
                        r.official_number or r.policy.label,
                        status_text(r.status, r.until),
                        str(r.lines),
                        ", ".join(r.via),
                    ]
                    for r in rollup
                ],
            )
        )
    else:
        lines.append("No control reaches the product.")
    table = [
        [
            p.part,
            p.item.label[:32] if p.item else "?",
            e.official_number or e.policy.label,
            status_text(e.status, e.until),
            " -> ".join(n.label for n in e.chain)[:60],
            _share_text(e.share),
            "yes" if e.licences.general_licence else "",
            str(len(e.alternatives)),
        ]
        for p in report.parts
        for e in p.exposures
    ]
    if table:
        header = ["part", "item", "policy", "status", "chain", "share", "general", "alt"]
        lines += ["", text_table(header, table)]
    for u in report.unresolved:
        lines.append(f"unresolved: row {u.row} {u.part}: {u.reason}")
    lines += [f"warning: {w}" for w in report.warnings]
    return "\n".join(lines)


def exposure_html(report: ExposureReport) -> str:
    """The report as a standalone HTML page (no script, no style from elsewhere)."""
    esc = html.escape
    cells = "".join(f"<th>{esc(c)}</th>" for c in CSV_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in _rows(report)
    )
    notes = "".join(f"<p>{esc(line)}</p>" for line in _head(report)[1:])
    warnings = "".join(f"<li>{esc(w)}</li>" for w in report.warnings)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(_head(report)[0])}</title></head><body>"
        f"<h1>{esc(_head(report)[0])}</h1>{notes}"
        f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
        + (f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else "")
        + "</body></html>\n"
    )
