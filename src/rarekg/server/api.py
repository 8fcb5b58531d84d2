"""The JSON API: the query library by name, and the analyses (chains, chokepoints, simulate).

Library queries run in the query workers like any SPARQL request, under the same time
limit. The analyses run on the network projection built once per graph (``kg.cached``),
in a thread so the event loop keeps serving.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rarekg.analysis import (
    AnalysisInputError,
    Projection,
    chains_report,
    chokepoints_report,
    project,
    simulate_report,
    to_json,
)
from rarekg.analysis.chains import DEFAULT_LIMIT, DEFAULT_MAX_LENGTH
from rarekg.analysis.chokepoints import DEFAULT_TOP
from rarekg.kg import KnowledgeGraph
from rarekg.queries import (
    QueryNotFoundError,
    QueryParameterError,
    bind_parameters,
    find_query,
    library,
)
from rarekg.server.execute import Answer, QueryJob
from rarekg.settings import Settings

#: Runs a job and turns its answer into a response (the app's shared path).
Runner = Callable[[QueryJob], Awaitable[Response]]


def routes(kg: KnowledgeGraph, settings: Settings, run: Runner) -> list[Route]:
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

    async def query(request: Request) -> Response:
        try:
            found = find_query(kg, request.path_params["name"])
            bindings = bind_parameters(found, dict(request.query_params), kg)
        except QueryNotFoundError as error:
            return _error(404, str(error))
        except QueryParameterError as error:
            return _error(400, str(error))
        job = QueryJob(
            found.text,
            request.headers.get("accept"),
            tuple(bindings.items()),
            row_cap=settings.row_cap,
        )
        return await run(job)

    return [
        Route("/api/queries", queries, methods=["GET"]),
        Route("/api/query/{name}", query, methods=["GET"]),
        *analysis_routes(kg),
    ]


def _number(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit():
        raise AnalysisInputError(f"{name} must be a whole number, not {text!r}")
    return int(text)


def analysis_routes(kg: KnowledgeGraph) -> list[Route]:
    """``/api/chains``, ``/api/chokepoints`` and ``/api/simulate``: JSON, 400 on bad input."""

    def projection() -> Projection:
        return kg.cached(project)

    def chains(request: Request) -> object:
        params = request.query_params
        if "from" not in params or "to" not in params:
            raise AnalysisInputError("give from= and to= (labels, symbols or IRIs)")
        max_length = _number(request, "max_length", DEFAULT_MAX_LENGTH)
        limit = _number(request, "limit", DEFAULT_LIMIT)
        return chains_report(projection(), params["from"], params["to"], max_length, limit)

    def chokepoints(request: Request) -> object:
        top = _number(request, "top", DEFAULT_TOP)
        return chokepoints_report(projection(), top=top, on=request.query_params.get("on"))

    def simulate(request: Request) -> object:
        params = request.query_params
        if "restrict" not in params:
            raise AnalysisInputError("give restrict= (a country: ISO code or name)")
        items = params["items"].split(",") if "items" in params else None
        return simulate_report(projection(), params["restrict"], items, on=params.get("on"))

    def endpoint(report: Callable[[Request], object]) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            try:
                return JSONResponse(to_json(await run_in_threadpool(report, request)))
            except AnalysisInputError as error:
                return _error(400, str(error))

        return handle

    return [
        Route("/api/chains", endpoint(chains), methods=["GET"]),
        Route("/api/chokepoints", endpoint(chokepoints), methods=["GET"]),
        Route("/api/simulate", endpoint(simulate), methods=["GET"]),
    ]


def _error(status: int, message: str) -> Response:
    answer = Answer.error(status, message)
    return Response(answer.body, status, media_type=answer.media_type)
