"""Policy state as of a date: each policy's status, which are in force, and what they control.

The status rule is written once, as the load-time rule ``queries/rules/70-policy-status.rq``:
it cuts every policy's timeline into spans of one status ("in force", "suspended",
"not yet in force", "ended", "unknown") that the query library reads as triples and the
projection carries as :attr:`Projection.statuses`. This module only looks spans up, so a
query and an analysis cannot disagree. A status that would change after the policy's
horizon (the day its status was last checked against the sources) is "unknown" from that
change on: never counted as in force.

Examples:
    A rule in force from 2025-01-01, suspended until 2026-11-10, its status checked only
    to that day:

    >>> import networkx as nx
    >>> p = Projection(nx.MultiDiGraph())
    >>> h = dt.date(2026, 11, 10)
    >>> p.statuses = {"rule": [
    ...     PolicyStatus("not yet in force", None, dt.date(2024, 12, 31), h),
    ...     PolicyStatus("in force", dt.date(2025, 1, 1), dt.date(2025, 11, 6), h),
    ...     PolicyStatus("suspended", dt.date(2025, 11, 7), h, h),
    ...     PolicyStatus("unknown", dt.date(2026, 11, 11), None, h),
    ... ]}
    >>> june = status_on(p, "rule", dt.date(2026, 6, 1))
    >>> june.kind, june.end
    ('suspended', datetime.date(2026, 11, 10))
    >>> status_on(p, "rule", dt.date(2026, 11, 29)).kind
    'unknown'
    >>> sorted(in_force(p, dt.date(2025, 6, 1))), sorted(in_force(p, dt.date(2026, 11, 29)))
    (['rule'], [])
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rarekg.analysis.projection import PolicyStatus, Projection

#: A policy the graph has no status spans for (none of its own dates) is treated as this.
NO_STATUS = PolicyStatus("not yet in force", None, None)


def parse_date(text: str | dt.date | None) -> dt.date:
    """Read an ISO date (``YYYY-MM-DD``); ``None`` means today.

    Raises:
        ValueError: the text is not an ISO date.

    Examples:
        >>> parse_date("2025-11-08")
        datetime.date(2025, 11, 8)
    """
    if text is None:
        return dt.date.today()
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (want YYYY-MM-DD)") from None


def _covers(span: PolicyStatus, on: dt.date) -> bool:
    return (span.start is None or span.start <= on) and (span.end is None or on <= span.end)


def status_on(projection: Projection, policy: str, on: dt.date) -> PolicyStatus:
    """The status of ``policy`` on ``on``: its kind and the span it holds over.

    ``span.end`` says until when: for "suspended" the suspension's last day. The span's
    ``horizon`` is the day the policy's status is known until, for showing beside an
    answer about a later day.

    References:
        MOFCOM & GAC Announcement No. 70 of 2025 (suspends Nos. 55-58, 61, 62 of 2025 from
        2025-11-07 to 2026-11-10) and MOFCOM Announcement No. 72 of 2025: what happened
        when the suspensions ended is not in the sources, so the status is "unknown" after.

    Examples: see the module's.
    """
    for span in projection.statuses.get(policy, ()):
        if _covers(span, on):
            return span
    return NO_STATUS


def _relations(projection: Projection, kind: str) -> dict[str, set[str]]:
    """Subject -> objects of one relation kind of the projection."""
    found: dict[str, set[str]] = defaultdict(set)
    for subject, obj, edge_kind in projection.graph.edges(data="kind"):
        if edge_kind == kind:
            found[subject].add(obj)
    return found


def in_force(projection: Projection, on: dt.date) -> set[str]:
    """IRIs of the policies in force on ``on`` (status "in force"; "unknown" is not).

    Examples: see the module's.
    """
    return {
        policy
        for policy, spans in projection.statuses.items()
        if any(span.kind == "in force" and _covers(span, on) for span in spans)
    }


def controls_in_force(
    projection: Projection, on: dt.date, country: str | None = None
) -> dict[str, list[str]]:
    """Items controlled on ``on`` by export controls in force -> the controlling policies.

    Args:
        projection: the network view.
        on: the day.
        country: only policies under this country's jurisdiction (an IRI).
    """
    active = in_force(projection, on)
    jurisdictions = _relations(projection, "jurisdiction")
    found: dict[str, list[str]] = defaultdict(list)
    for policy, items in sorted(_relations(projection, "controls").items()):
        window = projection.policies.get(policy)
        if policy not in active or window is None or not window.export_control:
            continue
        if country is not None and country not in jurisdictions.get(policy, set()):
            continue
        for item in sorted(items):
            found[item].append(policy)
    return dict(found)
