"""Linked Data pages: ``GET /resource/NAME`` describes ``https://w3id.org/rarekg/resource/NAME``.

Content negotiation as Linked Data clients expect: a browser (``text/html`` first in
its ``Accept``) gets a page for people; anyone else gets the description as RDF in the
graph format it accepts (Turtle by default; ``?format=turtle|jsonld|nt|rdfxml`` forces
one). Both are answered through the endpoint's one path for queries (entry check,
cache, fair shares, workers), with the queries of ``queries/pages/``. Every ``rkr:``
IRI on the page links to its own page.

References:
    Cool URIs for the Semantic Web, W3C Interest Group Note 3 December 2008, section 4.2
    (content negotiation for hash-less URIs).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from rarekg.formats import GRAPH, FormatError, by_name, compact, prefers_html
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR, page_path, resource_name
from rarekg.queries import read_query
from rarekg.server.compute import Compute
from rarekg.server.execute import JSON_TYPE, Answer, QueryJob
from rarekg.server.limits import respond
from rarekg.server.params import ParameterError, date
from rarekg.stats import STATISTICS_BINDING
from rarekg.viz.page import script_json
from rarekg.viz.timeline import DATE_PARAMETER

#: Answers a query job as the endpoint does (limits, cache, fair shares).
Asker = Callable[[QueryJob, Request], Awaitable[Answer]]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DEFINITIONS = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
)


@dataclass(frozen=True)
class Shown:
    """A term as the page shows it: its text, a link for ``rkr:`` things, its full IRI."""

    text: str
    href: str | None = None
    title: str = ""


def _shown(term: dict[str, str], label: str = "") -> Shown:
    if term["type"] != "uri":
        return Shown(term["value"])
    iri = term["value"]
    return Shown(label or compact_iri(iri), page_path(iri), iri)


def compact_iri(iri: str) -> str:
    """An IRI as a prefixed name where one of our prefixes fits.

    Examples:
        >>> compact_iri("https://w3id.org/rarekg/ontology#controls")
        'rkg:controls'
    """
    return compact(ox.NamedNode(iri))


def render(
    iri: str, rows: list[dict[str, Any]], truncated: bool, view: dict[str, Any] | None = None
) -> str:
    """The page for people: the rows of ``queries/pages/entity.rq``, and ``view``.

    ``view`` holds the sections of :func:`rarekg.viz.entity.entity_view`.
    """
    outgoing = [r for r in rows if r["direction"]["value"] == "out"]
    labels = [r["value"]["value"] for r in outgoing if r["property"]["value"] == _LABEL]
    kinds = [
        _shown(r["value"], r["valueLabel"]["value"])
        for r in outgoing
        if r["property"]["value"] == _RDF_TYPE
    ]
    definition = next(
        (r["value"]["value"] for r in outgoing if r["property"]["value"] in _DEFINITIONS), ""
    )

    def table(direction: str) -> list[dict[str, Shown]]:
        return [
            {
                "property": _shown(r["property"], r["propertyLabel"]["value"]),
                "value": _shown(r["value"], r["valueLabel"]["value"]),
            }
            for r in rows
            if r["direction"]["value"] == direction
        ]

    return _TEMPLATES.get_template("resource.html").render(
        iri=iri,
        path=page_path(iri),
        label=next((v for v in labels if v), compact_iri(iri)),
        kinds=kinds,
        definition=definition,
        outgoing=table("out"),
        incoming=table("in"),
        truncated=truncated,
        view=view or {},
        time_data=script_json((view or {}).get("time", {})),
    )


def routes(kg: KnowledgeGraph, ask: Asker, compute: Compute) -> list[Route]:
    """``GET /resource/{name}``: the thing's page, or its description as RDF.

    The page for people takes ``?on=YYYY-MM-DD``, the day its controls' status is given
    for (today by default); its sections beyond the statements come from the analysis
    worker (``entity``).
    """
    pages = kg.artefacts.queries_dir / "pages"
    described = read_query(pages / "entity.rq").text
    as_graph = read_query(pages / "entity-graph.rq").text

    async def resource(request: Request) -> Response:
        name = request.path_params["name"]
        if resource_name(name) is None:
            return _not_found(name)
        iri = str(RKR) + name
        bindings = (("this", URIRef(iri)),)
        rows_job = QueryJob(described, JSON_TYPE, (*bindings, *STATISTICS_BINDING.items()))
        rows_answer = await ask(rows_job, request)
        if rows_answer.status != 200:
            return respond(rows_answer)
        rows = json.loads(rows_answer.body)["results"]["bindings"]
        if not rows:
            return _not_found(name)
        forced = request.query_params.get("format")
        if forced is None and prefers_html(request.headers.get("accept")):
            try:
                on = date(request.query_params, DATE_PARAMETER) or dt.date.today()
            except ParameterError as error:
                return respond(Answer.error(400, str(error)))
            params = (("iri", iri), (DATE_PARAMETER, on.isoformat()))
            sections = await compute(request, "entity", params=params)
            if sections.status_code != 200:
                return sections
            view = json.loads(bytes(sections.body))
            page = render(iri, rows, rows_answer.truncated, view)
            return HTMLResponse(page, headers={"Vary": "Accept"})
        accept = request.headers.get("accept")
        if forced is not None:
            try:
                accept = by_name(forced[:40], GRAPH).media_type
            except FormatError as error:
                return respond(Answer.error(400, str(error)))
        answer = await ask(QueryJob(as_graph, accept, bindings), request)
        return respond(answer, {"Vary": "Accept"})

    return [Route("/resource/{name:path}", resource, methods=["GET"])]


def _not_found(name: str) -> Response:
    shown = name if len(name) <= 60 else name[:60] + "…"
    return respond(Answer.error(404, f"the graph says nothing of rkr:{shown}"))
