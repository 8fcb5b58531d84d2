"""Policy state as of a date: which policies are in force, and what they control.

A policy is in force on day D from its effective date (or, lacking one, its announcement
day, month or year) through its end date, both inclusive, and not while a suspension of
it, or of the policy it is part of, is itself in force on D. A clause is also out of force
whenever the policy it is part of is.

Examples:
    A rule from 2025-01-01, paused for June 2025:

    >>> import networkx as nx
    >>> from rarekg.analysis.projection import PolicyWindow
    >>> p = Projection(nx.MultiDiGraph())
    >>> p.policies = {
    ...     "rule": PolicyWindow("rule", True, False, dt.date(2025, 1, 1), None),
    ...     "pause": PolicyWindow(
    ...         "pause", False, True, dt.date(2025, 6, 1), dt.date(2025, 6, 30)
    ...     ),
    ... }
    >>> _ = p.graph.add_edge("pause", "rule", kind="suspends")
    >>> sorted(in_force(p, dt.date(2025, 6, 15))), sorted(in_force(p, dt.date(2025, 7, 1)))
    (['pause'], ['rule'])
    >>> in_force_windows(p)["rule"]
    [(datetime.date(2025, 1, 1), datetime.date(2025, 5, 31)), (datetime.date(2025, 7, 1), None)]
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rarekg.analysis.projection import PolicyWindow, Projection


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


def _within(window: PolicyWindow, on: dt.date) -> bool:
    if window.start is None or window.start > on:
        return False
    return window.end is None or on <= window.end


def _relations(projection: Projection, kind: str) -> dict[str, set[str]]:
    """Subject -> objects of one relation kind of the projection."""
    found: dict[str, set[str]] = defaultdict(set)
    for subject, obj, edge_kind in projection.graph.edges(data="kind"):
        if edge_kind == kind:
            found[subject].add(obj)
    return found


def in_force(projection: Projection, on: dt.date) -> set[str]:
    """IRIs of the policies in force on ``on``.

    References:
        MOFCOM & GAC Announcement No. 70 of 2025 (suspends Nos. 55-58, 61, 62 of 2025 from
        2025-11-07 to 2026-11-10) and MOFCOM Announcement No. 72 of 2025 are the cases this
        rule was written for: a suspended policy keeps its own dates but is not in force.

    Examples: see the module's, where a pause suspends a rule for June 2025.
    """
    suspended_by = defaultdict(set)
    for suspension, targets in _relations(projection, "suspends").items():
        for target in targets:
            suspended_by[target].add(suspension)
    parents = _relations(projection, "partOf")
    own = {iri for iri, window in projection.policies.items() if _within(window, on)}

    def active(iri: str, seen: frozenset[str]) -> bool:
        if iri not in own or iri in seen:
            return False
        if any(active(s, seen | {iri}) for s in suspended_by.get(iri, ())):
            return False
        return all(active(parent, seen | {iri}) for parent in parents.get(iri, ()))

    return {iri for iri in own if active(iri, frozenset())}


def in_force_windows(projection: Projection) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    """The spans of days each policy is in force, by :func:`in_force`'s rule.

    The state can only change on a day some window starts or the day after one ends,
    so :func:`in_force` is asked once per such day; consecutive spans are merged. A
    client that has no Python (the explorer's page) filters by these spans instead of
    restating the rule.

    Returns:
        policy IRI -> ``(first day, last day or None for open-ended)`` spans, in order.

    Examples: see the module's.
    """
    changes = sorted(
        {w.start for w in projection.policies.values() if w.start is not None}
        | {w.end + dt.timedelta(days=1) for w in projection.policies.values() if w.end is not None}
    )
    windows: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for i, day in enumerate(changes):
        last = changes[i + 1] - dt.timedelta(days=1) if i + 1 < len(changes) else None
        for policy in in_force(projection, day):
            spans = windows[policy]
            if spans and spans[-1][1] == day - dt.timedelta(days=1):
                spans[-1] = (spans[-1][0], last)
            else:
                spans.append((day, last))
    return dict(windows)


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
