"""The landing page (the query editor), the map and flows pages, exposure and ``/healthz``.

The pages and their styles are our own files, served from the package; their scripts
are bundled from npm packages by the build step (``web/``, run by ``make``) into
``static/dist``. The browser loads nothing from anywhere else. A page whose bundle was
not built answers 503 saying so, rather than a page that cannot work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
NOT_BUILT = (
    "this page's scripts were not built: run `make` in the rarekg checkout "
    "(it runs `npm ci && npm run build` in web/), or install a wheel that carries them"
)


def bundled_page(html: str, bundle: str) -> Callable[[Request], Awaitable[Response]]:
    """A route serving ``static/HTML``, whose script is ``static/dist/BUNDLE.js``."""

    async def page(request: Request) -> Response:
        if not (STATIC / "dist" / f"{bundle}.js").is_file():
            return PlainTextResponse(NOT_BUILT, 503)
        return FileResponse(STATIC / html, media_type="text/html")

    return page


async def exposure(request: Request) -> Response:
    """Drop a bill of materials, read its exposure (``/api/exposure``)."""
    return FileResponse(STATIC / "exposure.html", media_type="text/html")


async def healthz(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


def routes() -> list[BaseRoute]:
    """``/``, ``/map``, ``/flows``, ``/exposure``, ``/healthz`` and the assets under ``/static``."""
    return [
        Route("/", bundled_page("index.html", "editor"), methods=["GET"]),
        Route("/map", bundled_page("map.html", "map"), methods=["GET"]),
        Route("/flows", bundled_page("flows.html", "flows"), methods=["GET"]),
        Route("/exposure", exposure, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
