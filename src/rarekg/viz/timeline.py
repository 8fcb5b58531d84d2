"""The time control's data: policy status spans, the events that tick the slider, the horizon.

Every view that moves with the date (the explorer, the entity pages) ships this to the
browser, whose script (``assets/time.js``) only looks a date up in the spans: the spans
are the load-time rule's (``queries/rules/70-policy-status.rq``, read through
:attr:`rarekg.analysis.projection.Projection.statuses`), so no view restates the rule.
The date travels in the address as ``?on=YYYY-MM-DD`` (:data:`DATE_PARAMETER`), which
every view reads, so a link keeps the day it was made on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from rarekg.analysis.asof import NO_STATUS
from rarekg.analysis.projection import Projection

#: The query parameter every view reads its date from.
DATE_PARAMETER = "on"

#: How a status span's start reads as an event on the slider.
_EVENT_WORDS = {
    "in force": "enters into force",
    "suspended": "is suspended",
    "ended": "ends",
    "unknown": "status unknown (past its horizon)",
}


def status_spans(projection: Projection, policies: Iterable[str]) -> dict[str, list[list[Any]]]:
    """Each policy's status spans as ``[kind, first day, last day]`` (ISO dates or ``None``).

    Examples:
        >>> import networkx as nx
        >>> from rarekg.analysis.projection import PolicyStatus
        >>> p = Projection(nx.MultiDiGraph())
        >>> p.statuses = {"r": [PolicyStatus("in force", dt.date(2025, 4, 4), None)]}
        >>> status_spans(p, ["r", "other"])
        {'r': [['in force', '2025-04-04', None]], 'other': []}
    """
    return {
        policy: [
            [span.kind, _iso(span.start), _iso(span.end)]
            for span in projection.statuses.get(policy, ())
        ]
        for policy in policies
    }


def events(projection: Projection, policies: Iterable[str]) -> list[dict[str, str]]:
    """The days the status of one of ``policies`` changes, each with what happens, in order.

    Examples:
        >>> import networkx as nx
        >>> from rarekg.analysis.projection import PolicyStatus
        >>> p = Projection(nx.MultiDiGraph())
        >>> p.graph.add_node("r", label="Rule 1")
        >>> p.statuses = {"r": [PolicyStatus("not yet in force", None, dt.date(2025, 4, 3)),
        ...                     PolicyStatus("in force", dt.date(2025, 4, 4), None)]}
        >>> events(p, ["r"])
        [{'date': '2025-04-04', 'policy': 'r', 'text': 'Rule 1 enters into force'}]
    """
    found = []
    for policy in policies:
        for span in projection.statuses.get(policy, ()):
            if span.start is not None and span.kind in _EVENT_WORDS:
                text = f"{projection.label(policy)} {_EVENT_WORDS[span.kind]}"
                found.append({"date": span.start.isoformat(), "policy": policy, "text": text})
    return sorted(found, key=lambda e: (e["date"], e["text"]))


def time_data(
    projection: Projection, policies: Iterable[str], on: dt.date | None = None
) -> dict[str, Any]:
    """What the time control needs: spans, event ticks, the horizon and the starting day.

    Args:
        projection: the network view.
        policies: the policies the view shows.
        on: the day to start on; ``None`` lets the page start today.
    """
    chosen = sorted(set(policies))
    horizon = projection.horizon
    return {
        "statuses": status_spans(projection, chosen),
        "events": events(projection, chosen),
        "horizon": _iso(horizon),
        "on": _iso(on),
        "parameter": DATE_PARAMETER,
        "noStatus": NO_STATUS.kind,
    }


def past_horizon(projection: Projection, on: dt.date) -> bool:
    """Tell whether ``on`` is after the day the graph's statuses were checked until."""
    return projection.horizon is not None and on > projection.horizon


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
