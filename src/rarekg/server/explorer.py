"""The explorer's routes: ``/graph``, ``/graph/ontology`` and the files those pages load."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from rarekg.kg import KnowledgeGraph
from rarekg.viz import ASSETS, FocusNotFound, explore, explorer_page, ontology_page

_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_MAX_DEPTH = 6


def _whole_page(kg: KnowledgeGraph) -> str:
    return explorer_page(kg.cached(explore))


def routes(kg: KnowledgeGraph) -> list[BaseRoute]:
    """The explorer's routes, to mount in the server's app.

    ``GET /graph`` is the whole graph, ``GET /graph?focus=THING&depth=N`` a
    neighbourhood (THING: anything :mod:`rarekg.names` resolves; depth 1 to 6, default 1),
    ``GET /graph/ontology`` the ontology view and ``GET /graph/static/NAME`` the page's
    scripts and styles (vis-network from the installed pyvis package). The explorer
    (and the chokepoint scores sizing its nodes) is built on the first request and
    kept with the graph (``kg.cached``); so are the whole-graph and ontology pages.
    """

    def graph(request: Request) -> Response:
        focus = request.query_params.get("focus") or None
        depth_text = request.query_params.get("depth", "1")
        if not depth_text.isdigit() or not 1 <= int(depth_text) <= _MAX_DEPTH:
            return PlainTextResponse(
                f"depth must be a whole number from 1 to {_MAX_DEPTH}, not {depth_text!r}", 400
            )
        if focus is None:
            return HTMLResponse(kg.cached(_whole_page))
        try:
            page = explorer_page(kg.cached(explore), focus=focus, depth=int(depth_text))
        except FocusNotFound as error:
            return PlainTextResponse(str(error), 404)
        return HTMLResponse(page)

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
