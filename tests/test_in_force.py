"""One rule for "in force on a date": the query library and the analysis agree on every day."""

from __future__ import annotations

import datetime as dt

import pytest

from rarekg.analysis import project
from rarekg.analysis.asof import in_force, status_on
from rarekg.kg import KnowledgeGraph
from rarekg.queries import run_library_query
from rarekg.viz.timeline import status_spans

DAY = dt.timedelta(days=1)


def boundary_days(kg: KnowledgeGraph) -> list[dt.date]:
    """Every day a policy or suspension starts or ends, with the days either side."""
    rows = kg.query(
        """SELECT DISTINCT ?day WHERE {
             { ?p rkg:inForceFrom ?day } UNION { ?p a rkg:Policy ; rkg:effectiveUntil ?day }
             UNION { ?p rkg:statusKnownUntil ?day } }"""
    )
    days = {row["day"].toPython() for row in rows}
    return sorted({d + shift for d in days for shift in (-DAY, 0 * DAY, DAY)})


def test_boundary_days_found(kg: KnowledgeGraph) -> None:
    assert len(boundary_days(kg)) > 30


def test_query_library_and_analysis_agree_on_every_boundary_day(kg: KnowledgeGraph) -> None:
    projection = project(kg)
    # The policies controls-in-force reports on: controls, restrictions, licence rules.
    candidates = {
        str(r["p"])
        for r in kg.query(
            """SELECT DISTINCT ?p WHERE { ?p a rkg:Policy .
               FILTER NOT EXISTS { ?p a rkg:Suspension }
               { ?p a rkg:ExportControl } UNION { ?p a rkg:ProcurementRestriction }
               UNION { ?p rkg:controls [] } UNION { ?p rkg:requiresLicence [] } }"""
        )
    }
    disagreements = []
    for day in boundary_days(kg):
        results = run_library_query(kg, "controls-in-force", {"date": day.isoformat()})
        from_query = {(row["policy"].value, row["status"].value) for row in results}  # type: ignore[union-attr,index]
        from_analysis = {
            (policy, status)
            for policy in candidates
            if (status := status_on(projection, policy, day).kind) in {"in force", "unknown"}
        }
        assert {p for p, s in from_analysis if s == "in force"} == in_force(
            projection, day
        ) & candidates
        if from_query != from_analysis:
            disagreements.append((day, sorted(from_query ^ from_analysis)))
    assert disagreements == []


def test_the_spans_the_views_ship_agree_with_the_rule_on_every_boundary_day(
    kg: KnowledgeGraph,
) -> None:
    """The browser's time control reads a day's status from the shipped spans (time.js)."""
    projection = project(kg)
    spans = status_spans(projection, projection.statuses)
    for day in boundary_days(kg):
        iso = day.isoformat()
        covered = {
            policy
            for policy, found in spans.items()
            if any(
                kind == "in force" and (start or iso) <= iso <= (end or iso)
                for kind, start, end in found
            )
        }
        assert covered == in_force(projection, day), day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-04-03", False),  # the day before Ann. 18 of 2025 took effect
        ("2025-04-04", True),
        ("2026-11-29", True),  # never suspended
    ],
)
def test_announcement_18_window(kg: KnowledgeGraph, day: str, expected: bool) -> None:
    results = run_library_query(kg, "controls-in-force", {"date": day})
    policies = {row["policy"].value for row in results}  # type: ignore[union-attr,index]
    assert ("https://w3id.org/rarekg/resource/MOFCOM-GAC-2025-18" in policies) is expected


def test_suspended_announcement_57_is_out_of_force_inside_the_window(kg: KnowledgeGraph) -> None:
    def statuses(day: str) -> dict[str, str]:
        results = run_library_query(kg, "controls-in-force", {"date": day})
        return {row["policy"].value: row["status"].value for row in results}  # type: ignore[union-attr,index]

    ann57 = "https://w3id.org/rarekg/resource/MOFCOM-GAC-2025-57"
    assert ann57 not in statuses("2025-11-08")  # due that day, suspended from 2025-11-07
    assert ann57 not in statuses("2026-11-10")  # the suspension's last day
    # The suspension's end is past the day its status was checked: unknown, not in force.
    assert statuses("2026-11-11")[ann57] == "unknown"
    assert statuses("2026-11-29")[ann57] == "unknown"
