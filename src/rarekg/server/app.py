"""The ASGI app: ``create_app(kg, settings)`` wires the endpoint, pages and API together.

Nothing lives at module level: each app owns its engine (the embedded store's query
workers, or a remote store), its answer cache and its service description.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from rarekg.formats import GRAPH, RESULTS, negotiate
from rarekg.kg import KnowledgeGraph
from rarekg.remote import RemoteStore, RemoteStoreError, with_bindings
from rarekg.server import api, explorer, pages
from rarekg.server.execute import Answer, Engine, QueryJob, shape
from rarekg.server.service import Counts, count, describe
from rarekg.server.sparql import ProtocolError, parse
from rarekg.server.sparql import Request as ProtocolRequest
from rarekg.server.workers import WorkerPool
from rarekg.settings import Settings

TRUNCATED = "X-Rarekg-Truncated"


class RemoteEngine:
    """Answers jobs from a remote SPARQL 1.1 store; its time limit is the client's."""

    def __init__(self, store: RemoteStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    async def start(self) -> None:
        """Open the connection pool."""
        await self.store.start()

    async def close(self) -> None:
        """Close the connection pool."""
        await self.store.close()

    async def run(self, job: QueryJob) -> Answer:
        """Forward the job, asking for the formats the client accepts."""
        wanted = [negotiate(job.accept, kind) for kind in (RESULTS, GRAPH)]
        accept = ", ".join(f.media_type for f in wanted if f is not None)
        try:
            got = await self.store.query(
                with_bindings(job.text, dict(job.bindings)),
                accept=accept,
                timeout=self.settings.timeout,
                default_graph=job.default_graph,
                named_graphs=job.named_graphs,
            )
        except TimeoutError as error:
            return Answer.error(503, f"{error}: time limit {self.settings.timeout:g} s exceeded")
        except RemoteStoreError as error:
            return Answer.error(502, str(error))
        if got.status != 200:
            status = got.status if 400 <= got.status < 500 else 502
            return Answer.error(status, f"the store answered {got.status}: {got.body.decode()}")
        # Re-read the store's answer so the row cap and our formats apply as they do
        # for the embedded store.
        results_format = ox.QueryResultsFormat.from_media_type(got.media_type)
        if results_format is not None:
            return shape(ox.parse_query_results(got.body, results_format), RESULTS, job)
        graph_format = ox.RdfFormat.from_media_type(got.media_type)
        if graph_format is None:
            return Answer.error(502, f"the store answered in an unknown format {got.media_type}")
        quads = ox.parse(got.body, format=graph_format)
        return shape((q.triple for q in quads), GRAPH, job)


class _Cache:
    """Whole answers to repeated identical jobs, least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[QueryJob, Answer] = OrderedDict()

    def get(self, job: QueryJob) -> Answer | None:
        found = self._answers.get(job)
        if found is not None:
            self._answers.move_to_end(job)
        return found

    def put(self, job: QueryJob, answer: Answer) -> None:
        if self.size and answer.status == 200:
            self._answers[job] = answer
            if len(self._answers) > self.size:
                self._answers.popitem(last=False)


def _response(answer: Answer, settings: Settings) -> Response:
    headers = {"Vary": "Accept"}
    if answer.status == 200 and answer.media_type != "application/json":
        headers[TRUNCATED] = "true" if answer.truncated else "false"
        headers["X-Rarekg-Row-Cap"] = str(settings.row_cap)
    return Response(answer.body, answer.status, headers, media_type=answer.media_type)


def create_app(kg: KnowledgeGraph, settings: Settings | None = None) -> Starlette:
    """Build the endpoint for a loaded knowledge graph.

    With ``settings.store`` set, SPARQL is answered by that remote store and ``kg``
    serves only the query library and parameter lookups.
    """
    settings = settings or Settings()
    engine: Engine
    if settings.store:
        engine = RemoteEngine(RemoteStore(settings.store, kg.graph_names), settings)
    else:
        engine = WorkerPool(kg, settings)
    # The embedded store does not change while served, so its answers can be reused.
    cache = _Cache(0 if settings.store else settings.cache_size)
    counts: list[Counts] = []  # counted on the first request for the description

    async def run(job: QueryJob) -> Response:
        answer = cache.get(job)
        if answer is None:
            answer = await engine.run(job)
            cache.put(job, answer)
        return _response(answer, settings)

    async def sparql(request: Request) -> Response:
        body = await request.body() if request.method == "POST" else b""
        protocol = ProtocolRequest(
            request.method,
            request.scope["query_string"],
            request.headers.get("content-type"),
            body,
            request.headers.get("accept"),
        )
        try:
            job = parse(protocol, settings)
        except ProtocolError as error:
            return _response(error.answer, settings)
        if job is not None:
            return await run(job)
        if not counts:
            counts.append(await count(engine))
        text = describe(counts[0], str(request.url_for("sparql")), settings)
        return Response(text, media_type="text/turtle")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            await engine.close()

    routes: list[BaseRoute] = [
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        *pages.routes(),
        *api.routes(kg, settings, run),
        *explorer.routes(kg),
    ]
    middleware = []
    if settings.cors:
        middleware.append(
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"])
        )
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(kg: KnowledgeGraph, settings: Settings) -> None:
    """Run the endpoint with uvicorn until interrupted."""
    uvicorn.run(create_app(kg, settings), host=settings.host, port=settings.port)
