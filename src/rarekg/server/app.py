"""The ASGI app: ``create_app(kg, settings)`` wires the endpoint, pages and API together.

Nothing lives at module level: each app owns its engine (the embedded store's query
workers, or a remote store), its answer cache, its fair shares of the engine and its
service description. Every job takes one path: the entry check
(:mod:`rarekg.server.guard`), the cache, the client's share of the engine
(:mod:`rarekg.server.admission`), then the engine, raced against the client going away.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from rarekg.analysis.projection import dataset_horizon
from rarekg.kg import KnowledgeGraph
from rarekg.remote import RemoteStore
from rarekg.server import api, explorer, pages, resource, vocabulary
from rarekg.server.admission import Admission, TooManyRequests, client_of
from rarekg.server.cache import AnswerCache, job_key
from rarekg.server.compute import computer
from rarekg.server.execute import Answer, Engine, QueryJob
from rarekg.server.guard import check
from rarekg.server.http import serve_app
from rarekg.server.limits import ASGIApp, LimitExceeded, limited, read_body, respond
from rarekg.server.remote_engine import RemoteEngine
from rarekg.server.service import Counts, count, describe
from rarekg.server.sparql import ProtocolError, parse
from rarekg.server.sparql import Request as ProtocolRequest
from rarekg.server.workers import ANALYSIS, WorkerPool
from rarekg.settings import Settings

TRUNCATED = "X-Rarekg-Truncated"
ROW_CAP = "X-Rarekg-Row-Cap"
#: Headers of ours a script on another origin may read under ``--cors``.
EXPOSED_HEADERS = [TRUNCATED, ROW_CAP, "Retry-After"]


def _response(answer: Answer, settings: Settings) -> Response:
    headers = {"Vary": "Accept"}
    if answer.status == 200 and answer.media_type != "application/json":
        headers[TRUNCATED] = "true" if answer.truncated else "false"
        headers[ROW_CAP] = str(settings.row_cap)
    return respond(answer, headers)


async def _until_disconnect(request: Request) -> None:
    """Return when the client goes away (the request body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def create_app(kg: KnowledgeGraph, settings: Settings | None = None) -> ASGIApp:
    """Build the endpoint for a loaded knowledge graph.

    With ``settings.store`` set, SPARQL is answered by that remote store and ``kg``
    serves only the query library and parameter lookups.
    """
    settings = settings or Settings()
    engine: Engine
    if settings.store:
        remote = RemoteStore(
            settings.store, kg.graph_names, settings.max_store_answer, settings.dataset
        )
        engine = RemoteEngine(remote, settings)
    else:
        engine = WorkerPool(kg, settings)
    # The embedded store does not change while served, so its answers can be reused.
    cache = AnswerCache(replace(settings, cache_bytes=0) if settings.store else settings)
    admission = Admission(settings)
    analyses = WorkerPool(kg, settings, role=ANALYSIS)
    compute = computer(analyses, admission, cache)
    counts: list[Counts] = []  # counted on the first request for the description

    async def answer(job: QueryJob, request: Request) -> Answer:
        refusal = check(job.text, settings.allows_service, settings.max_depth)
        if refusal is not None:
            return Answer.error(refusal.status, refusal.message)
        job = replace(job, row_cap=settings.row_cap, max_bytes=settings.max_answer_bytes)
        key = job_key(job)
        found = cache.get(key)
        if found is not None:
            return found

        async def in_turn() -> Answer:
            async with admission.slot(client_of(request)):
                return await engine.run(job)

        work = asyncio.ensure_future(in_turn())
        gone = asyncio.ensure_future(_until_disconnect(request))
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            work.cancel()  # out of the queue, or the engine stops the query and its worker
            await asyncio.gather(work, return_exceptions=True)
            return Answer.error(499, "the client went away")
        gone.cancel()
        try:
            result = work.result()
        except TooManyRequests as error:
            return Answer.error(429, str(error))
        cache.put(key, result)
        return result

    async def run(job: QueryJob, request: Request) -> Response:
        return _response(await answer(job, request), settings)

    async def sparql(request: Request) -> Response:
        try:
            body = await read_body(request, settings) if request.method == "POST" else b""
        except LimitExceeded as error:
            return _response(Answer.error(error.status, error.message), settings)
        protocol = ProtocolRequest(
            request.method,
            request.scope["query_string"],
            request.headers.get("content-type"),
            body,
            request.headers.get("accept"),
        )
        try:
            job = parse(protocol)
        except ProtocolError as error:
            return _response(error.answer, settings)
        if job is not None:
            return await run(job, request)
        if not counts:
            counts.append(await count(engine))
        horizon = kg.cached(dataset_horizon)
        text = describe(counts[0], str(request.url_for("sparql")), settings, horizon)
        return Response(text, media_type="text/turtle")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The analysis worker builds its projection meanwhile: the endpoint is up first.
        warming = asyncio.ensure_future(analyses.start())
        await engine.start()
        try:
            yield
        finally:
            warming.cancel()
            await asyncio.gather(warming, return_exceptions=True)
            await asyncio.gather(engine.close(), analyses.close())

    routes: list[BaseRoute] = [
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        *pages.routes(analyses.readiness),
        *api.routes(kg, run, compute, settings),
        *explorer.routes(kg, compute),
        *resource.routes(kg, answer, compute),
        *vocabulary.routes(kg),
    ]
    middleware = []
    if settings.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                expose_headers=EXPOSED_HEADERS,
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    return limited(app, settings)


def serve(kg: KnowledgeGraph, settings: Settings) -> None:
    """Run the endpoint until interrupted."""
    serve_app(create_app(kg, settings), settings)
