"""The explorer's routes: ``/graph``, ``/graph/ontology`` and the files those pages load."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from rarekg.kg import KnowledgeGraph
from rarekg.server.compute import Compute
from rarekg.viz import ASSETS, ontology_page

_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def routes(kg: KnowledgeGraph, compute: Compute) -> list[BaseRoute]:
    """The explorer's routes, to mount in the server's app.

    ``GET /graph`` is the whole graph, ``GET /graph?focus=THING&depth=N`` a
    neighbourhood (THING: anything :mod:`rarekg.names` resolves; depth 1 to 6, default 1),
    both made by the analysis worker; ``GET /graph/ontology`` the ontology view and
    ``GET /graph/static/NAME`` the page's scripts and styles (vis-network from the
    installed pyvis package).
    """

    async def graph(request: Request) -> Response:
        return await compute(request, "graph")

    def ontology(request: Request) -> Response:
        return HTMLResponse(kg.cached(ontology_page))

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return PlainTextResponse(f"no such file: {name}", 404)
        path = ASSETS[name]
        return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix])

    return [
        Route("/graph", graph, methods=["GET"]),
        Route("/graph/ontology", ontology, methods=["GET"]),
        Route("/graph/static/{name}", asset, methods=["GET"]),
    ]
