"""What an entity page adds to a thing's statements: figures, controls on a day, chains, sources.

The page for people (:mod:`rarekg.server.resource`) shows, beside what the graph states,
the thing's observations (as a table with bars), the controls that apply to it with
their status on the chosen day, the shortest chain from it to each industry that needs
it, and its sources with the confidence the graph gives each figure. The status is the
load-time rule's (:func:`rarekg.analysis.asof.status_on`), the chains the analysis's
(:func:`rarekg.analysis.chains.find_chains`), both over the one projection; the facts
are the explorer panel's (:mod:`rarekg.viz.panel`), so the page and the panel agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from rarekg.analysis.asof import status_on
from rarekg.analysis.chains import find_chains
from rarekg.analysis.projection import POLICY, Projection
from rarekg.namespaces import page_path
from rarekg.viz.timeline import past_horizon, time_data
from rarekg.viz.view import Explorer

#: Longest chain looked for from a thing to an industry, in relations.
CHAIN_LENGTH = 8


def entity_view(
    explorer: Explorer, projection: Projection, iri: str, on: dt.date
) -> dict[str, Any]:
    """The entity page's sections for ``iri`` on the day ``on`` (JSON-ready).

    ``explorer`` is the drawing of ``projection`` (:func:`rarekg.viz.view.explore`).
    Things the explorer does not draw (a source, an observation) get only the day and
    the horizon.

    Examples:
        >>> import rarekg
        >>> from rarekg.analysis import project
        >>> from rarekg.viz.view import explore
        >>> kg = rarekg.load()
        >>> drawn, projection = kg.cached(explore), kg.cached(project)
        >>> dy = "https://w3id.org/rarekg/resource/Dysprosium"
        >>> early = entity_view(drawn, projection, dy, dt.date(2025, 3, 1))
        >>> ann18 = "https://w3id.org/rarekg/resource/MOFCOM-GAC-2025-18"
        >>> [c["status"] for c in early["controls"] if c["id"] == ann18]
        ['not yet in force']
        >>> later = entity_view(drawn, projection, dy, dt.date(2025, 6, 1))
        >>> [c["status"] for c in later["controls"] if c["id"] == ann18]
        ['in force']
    """
    found: dict[str, Any] = {
        "on": on.isoformat(),
        "horizon": projection.horizon.isoformat() if projection.horizon else None,
        "pastHorizon": past_horizon(projection, on),
        "status": None,
        "controls": [],
        "observations": [],
        "chains": [],
        "sources": [],
        "time": time_data(projection, [], on),
    }
    details = explorer.details.get(iri)
    if details is None:
        return found
    policies = [c["id"] for c in details["controls"]]
    if projection.role(iri) == POLICY:
        policies.append(iri)
        found["status"] = _status(projection, iri, on)
    found["controls"] = [
        {"id": c["id"], "label": c["label"], "href": page_path(c["id"]),
         **_status(projection, c["id"], on)}
        for c in details["controls"]
    ]  # fmt: skip
    found["observations"] = _with_bars(details["observations"], explorer.sources)
    found["chains"] = [
        [{"label": n.label, "href": page_path(n.iri)} for n in chain.nodes]
        for industry in details["industries"]
        for chain in find_chains(projection, iri, industry["id"], CHAIN_LENGTH, 1)
    ]
    cited = set(details["sources"]) | {s for o in details["observations"] for s in o["sources"]}
    found["sources"] = [
        {**explorer.sources[s], "iri": s, "href": page_path(s)}
        for s in sorted(cited, key=lambda s: explorer.sources.get(s, {}).get("title", s))
        if s in explorer.sources
    ]
    found["time"] = time_data(projection, policies, on)
    return found


def _status(projection: Projection, policy: str, on: dt.date) -> dict[str, Any]:
    span = status_on(projection, policy, on)
    return {
        "status": span.kind,
        "since": span.start.isoformat() if span.start else None,
        "until": span.end.isoformat() if span.end else None,
    }


def _with_bars(
    observations: list[dict[str, Any]], sources: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """The observations with a bar length (0 to 1) against the largest of the same unit."""
    largest: dict[str, float] = defaultdict(float)
    for o in observations:
        if o.get("number") is not None:
            largest[o["unit"]] = max(largest[o["unit"]], abs(o["number"]))
    return [
        {
            **o,
            "bar": abs(o["number"]) / largest[o["unit"]]
            if o.get("number") is not None and largest[o["unit"]]
            else 0.0,
            "cited": [
                {"title": sources[s]["title"], "url": sources[s]["url"]}
                for s in o["sources"]
                if s in sources
            ],
        }
        for o in observations
    ]
