"""The JSON API: the query library by name, and the analyses (chains, chokepoints, ...).

Library queries run in the query workers like any SPARQL request, and the analyses in
the analysis worker, under the same limits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rarekg.kg import KnowledgeGraph
from rarekg.queries import (
    QueryNotFoundError,
    QueryParameterError,
    bind_parameters,
    find_query,
    library,
)
from rarekg.server.compute import Compute
from rarekg.server.execute import Answer, QueryJob
from rarekg.server.limits import LimitExceeded, read_body, respond
from rarekg.settings import Settings

#: Runs a job and turns its answer into a response (the app's shared path).
Runner = Callable[[QueryJob, Request], Awaitable[Response]]


def routes(kg: KnowledgeGraph, run: Runner, compute: Compute, settings: Settings) -> list[Route]:
    """The ``/api`` routes: the library's list and each query by name."""

    async def queries(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "returns": q.returns,
                    "text": q.text,
                    "parameters": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "example": p.example,
                            "description": p.description,
                            "required": p.required,
                        }
                        for p in q.parameters
                    ],
                }
                for q in library(kg)
            ]
        )

    async def exposure(request: Request) -> Response:
        """A bill of materials (CSV body, within ``--max-body``) -> its exposure report."""
        try:
            body = await read_body(request, settings)
        except LimitExceeded as error:
            return respond(Answer.error(error.status, error.message))
        if not body:
            message = "send the bill of materials as the request body (CSV)"
            return respond(Answer.error(400, message))
        return await compute(request, "exposure", body)

    async def query(request: Request) -> Response:
        try:
            found = find_query(kg, request.path_params["name"])
            bindings = bind_parameters(found, dict(request.query_params), kg)
        except QueryNotFoundError as error:
            return respond(Answer.error(404, str(error)))
        except QueryParameterError as error:
            return respond(Answer.error(400, str(error)))
        job = QueryJob(found.text, request.headers.get("accept"), tuple(bindings.items()))
        return await run(job, request)

    return [
        Route("/api/queries", queries, methods=["GET"]),
        Route("/api/query/{name}", query, methods=["GET"]),
        *analysis_routes(compute),
        Route("/api/exposure", exposure, methods=["POST"]),
    ]


def analysis_routes(compute: Compute) -> list[Route]:
    """``/api/chains``, ``/api/chokepoints``, ``/api/criticality``, ``/api/simulate``: JSON.

    ``/api/timeline`` is the time control's data and the controls with their reach
    (:func:`rarekg.viz.controls.controls_in_time`), which the map and flows pages read;
    it takes no parameters, so every request shares one cached answer.

    Bad input is a 400 that names the parameter.

    Each is answered by the analysis worker (:mod:`rarekg.server.analyses`).
    """

    def endpoint(route: str) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            return await compute(request, route)

        return handle

    async def timeline(request: Request) -> Response:
        return await compute(request, "timeline", params=())

    return [
        *(
            Route(f"/api/{route}", endpoint(route), methods=["GET"])
            for route in ("chains", "chokepoints", "criticality", "simulate")
        ),
        Route("/api/timeline", timeline, methods=["GET"]),
    ]
