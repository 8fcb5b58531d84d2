"""The time control's data for the map and the flows: the explorer's, with each control's reach.

The map and flows pages (``web/src/``) mount the same control as the explorer and the
entity pages (``assets/time.js``) and read the same data: the explorer's time data
(:attr:`rarekg.viz.view.Explorer.timeline`, the load-time rule's status spans, the
events that tick the slider, the horizon), so the day's in-force set is the same set in
every view. Beside it, each export control and suspension drawn in the explorer, with
the countries and elements the explorer's filters give it (its facets), so a page lists
the controls that concern what it shows.
"""

from __future__ import annotations

from typing import Any

from rarekg.namespaces import page_path
from rarekg.viz.view import Explorer

#: The explorer's node styles (:data:`rarekg.viz.view.NODE_STYLES`) that count as controls.
CONTROL_STYLES = ("export-control", "suspension")


def controls_in_time(explorer: Explorer) -> dict[str, Any]:
    """The time data and the controls, for a page outside the explorer (JSON-ready).

    Each control is ``id``, ``label`` (as drawn), ``href`` (its entity page), ``kind``
    (a key of :data:`CONTROL_STYLES`), ``countries`` (its law's, its targets') and
    ``elements`` (those it controls, or that what it controls is made from).

    Examples:
        >>> e = Explorer(nodes={"https://w3id.org/rarekg/resource/R": {"label": "R", "cls":
        ...     "export-control"}, "x": {"label": "X", "cls": "element"}},
        ...     facets={"https://w3id.org/rarekg/resource/R": {"countries": ["c"],
        ...     "elements": ["e"]}}, timeline={"statuses": {}})
        >>> data = controls_in_time(e)
        >>> [(c["label"], c["href"], c["countries"]) for c in data["controls"]]
        [('R', '/resource/R', ['c'])]
    """
    controls = [
        {
            "id": iri,
            "label": node["label"],
            "href": page_path(iri),
            "kind": node["cls"],
            "countries": explorer.facets.get(iri, {}).get("countries", []),
            "elements": explorer.facets.get(iri, {}).get("elements", []),
        }
        for iri, node in explorer.nodes.items()
        if node.get("cls") in CONTROL_STYLES
    ]
    return {"time": explorer.timeline, "controls": sorted(controls, key=lambda c: c["label"])}
