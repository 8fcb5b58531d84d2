"""The explorer page: our template around vis-network, served by us or written as one file.

vis-network comes from the installed pyvis package (``pyvis/lib/vis-9.1.2/``), never
from a CDN and never copied into the repository: the server serves it from there, and
the self-contained file inlines it, read at build time.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from rarekg.kg import KnowledgeGraph
from rarekg.viz.network import neighbourhood, to_network
from rarekg.viz.ontology import ontology_explorer
from rarekg.viz.overview import BANDS
from rarekg.viz.view import Explorer, explore

#: The page's own template, script and style, owned by viz.
OWN_ASSETS = Path(__file__).resolve().parent / "assets"


def _package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it.

    pyvis is found, not imported here: importing it brings IPython, half a second.
    """
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"{name} is not installed")
    return Path(spec.origin).resolve().parent


VIS_DIR = _package_dir("pyvis") / "lib" / "vis-9.1.2"

#: The files the page loads, by the name it asks for them under.
ASSETS: dict[str, Path] = {
    "vis-network.min.js": VIS_DIR / "vis-network.min.js",
    "vis-network.css": VIS_DIR / "vis-network.css",
    "time.js": OWN_ASSETS / "time.js",
    "explorer.js": OWN_ASSETS / "explorer.js",
    "explorer.css": OWN_ASSETS / "explorer.css",
    "entity.js": OWN_ASSETS / "entity.js",
    "entity.css": OWN_ASSETS / "entity.css",
}

_ENV = Environment(loader=FileSystemLoader(OWN_ASSETS), autoescape=select_autoescape(["html"]))


def script_json(data: Any) -> Markup:
    """Serialise data as JSON that is safe inside a ``<script>`` element.

    Examples:
        >>> text = str(script_json({"label": "</script><b>x</b> & y"}))
        >>> "<" in text or ">" in text or "&" in text, json.loads(text)["label"]
        (False, '</script><b>x</b> & y')
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)


def _inline(name: str) -> Markup:
    """An asset's text, checked not to close the element it is inlined into."""
    text = ASSETS[name].read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it closes its own element")
    return Markup(text)


def page_data(
    explorer: Explorer,
    *,
    title: str,
    server: bool,
    focus: str | None = None,
    depth: int = 1,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the page script reads: nodes and their groups, edges, panel facts, legend.

    Args:
        explorer: the projected graph.
        title: the page heading.
        server: whether the page is served (its links to the API and SPARQL then work).
        focus: a node id to show only its neighbourhood.
        depth: how many edges out from ``focus``.
        on: the day the time control starts on; ``None``: today, in the browser.
    """
    keep = neighbourhood(explorer, focus, depth) if focus else None
    net = to_network(explorer, keep)
    nodes, edges, options = net.nodes, net.edges, net.options
    ids = [node["id"] for node in nodes]
    details = {n: explorer.details[n] for n in ids if n in explorer.details}
    if not server:
        details = {n: {**d, "links": []} for n, d in details.items()}
    cited = {s for d in details.values() for s in d.get("sources", [])}
    cited |= {s for d in details.values() for o in d.get("observations", []) for s in o["sources"]}
    counts = {kind.key: 0 for kind in explorer.node_classes}
    for node in nodes:
        counts[node["cls"]] += 1

    def choices(*classes: str) -> list[list[str]]:
        found = [[n, explorer.nodes[n]["label"]] for n in explorer.nodes]
        return sorted((c for c in found if explorer.nodes[c[0]]["cls"] in classes), key=str)

    drawn = net.groups
    return {
        "title": title,
        "server": server,
        "focus": {"id": focus, "label": explorer.nodes[focus]["label"], "depth": depth}
        if focus
        else None,
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "details": details,
        "facets": {n: explorer.facets[n] for n in ids if n in explorer.facets},
        "sources": {s: explorer.sources[s] for s in sorted(cited) if s in explorer.sources},
        "legend": [
            {
                "key": k.key,
                "label": k.label,
                "colour": k.colour,
                "shape": k.shape,
                "count": counts[k.key],
            }
            for k in explorer.node_classes
            if counts[k.key]
        ],
        "edgeKinds": [
            {"key": k.key, "label": k.label, "colour": k.colour, "dashes": k.dashes}
            for k in explorer.edge_kinds
        ],
        "sizeNote": "Node size: chokepoint score (rarekg chokepoints)"
        if explorer.scored
        else "Node size: uniform (chokepoint scores not available)",
        "chokepoints": [[n, explorer.nodes[n]["label"]] for n in explorer.chokepoints[:8]],
        "countries": choices("country"),
        "elements": choices("element", "other-element"),
        "groups": [
            {
                "id": g.id,
                "label": g.label,
                "cls": g.cls,
                "column": g.column,
                "band": g.band,
                "members": list(g.members),
            }
            for g in drawn
        ],
        "bands": list(BANDS),
        # A neighbourhood is small enough to show whole; the overview opens on its groups.
        "expanded": [g.id for g in drawn] if focus else [],
        "time": {**explorer.timeline, "on": on.isoformat() if on else None},
    }


def render_page(data: dict[str, Any], *, inline: bool, asset_base: str = "/graph/static/") -> str:
    """Render the explorer page around ``data`` (see :func:`page_data`).

    Args:
        data: the page's data.
        inline: put vis-network and our script and style inside the page (one
            self-contained file) instead of linking them under ``asset_base``.
        asset_base: where the served page finds its assets.
    """
    assets = {name: _inline(name) for name in ASSETS} if inline else None
    return _ENV.get_template("explorer.html").render(
        data=script_json(data), title=data["title"], inline=assets, base=asset_base,
        ontology=data.get("mode") == "ontology", server=data["server"],
    )  # fmt: skip


def explorer_page(
    explorer: Explorer,
    *,
    focus: str | None = None,
    depth: int = 1,
    server: bool = True,
    inline: bool = False,
    on: dt.date | None = None,
) -> str:
    """The explorer page of the whole graph or of ``focus``'s neighbourhood.

    Args:
        explorer: the projected graph.
        focus: IRI, label, symbol or alternative label of the node to centre on.
        depth: how many edges out from the focus.
        server: whether the page is served by ``rarekg serve``.
        inline: write one self-contained file.
        on: the day the time control starts on (``None``: today).

    Raises:
        FocusNotFound: ``focus`` names no node of the explorer, or several.
    """
    node = explorer.find(focus) if focus else None
    title = "rarekg explorer" + (f": {explorer.nodes[node]['label']}" if node else "")
    data = page_data(explorer, title=title, server=server, focus=node, depth=depth, on=on)
    return render_page(data, inline=inline)


def ontology_page(kg: KnowledgeGraph, *, server: bool = True, inline: bool = False) -> str:
    """The ontology view: class hierarchy and object properties of ``ontology/rarekg.ttl``."""
    data = page_data(ontology_explorer(kg), title="rarekg ontology", server=server)
    data["mode"] = "ontology"
    data["expanded"] = [g["id"] for g in data["groups"]]
    return render_page(data, inline=inline)


def write_page(
    kg: KnowledgeGraph,
    path: str | Path,
    *,
    focus: str | None = None,
    depth: int = 1,
) -> Path:
    """Write the explorer as one self-contained, offline HTML file.

    Args:
        kg: the loaded knowledge graph.
        path: the file to write; its folder is created.
        focus: IRI, label or symbol of a node to show only its neighbourhood.
        depth: how many edges out from the focus.

    Raises:
        FocusNotFound: ``focus`` names no node.
    """
    html = explorer_page(kg.cached(explore), focus=focus, depth=depth, server=False, inline=True)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
