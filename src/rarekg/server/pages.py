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


def healthz(readiness: Callable[[], str]) -> Callable[[Request], Awaitable[Response]]:
    """Liveness, and whether the analyses have warmed up (``readiness``).

    The endpoint answers queries as soon as it is up; the analysis worker builds its
    projection and the explorer's view meanwhile, and an analysis asked before then
    waits for it. ``"analyses": "ready"`` says that wait is over, ``"failed"`` that the
    worker died getting ready (the server's stderr says why).
    """

    async def answer(request: Request) -> Response:
        return JSONResponse({"status": "ok", "analyses": readiness()})

    return answer


def routes(readiness: Callable[[], str]) -> list[BaseRoute]:
    """``/``, ``/map``, ``/flows``, ``/exposure``, ``/healthz`` and the assets under ``/static``."""
    return [
        Route("/", bundled_page("index.html", "editor"), methods=["GET"]),
        Route("/map", bundled_page("map.html", "map"), methods=["GET"]),
        Route("/flows", bundled_page("flows.html", "flows"), methods=["GET"]),
        Route("/exposure", exposure, methods=["GET"]),
        Route("/healthz", healthz(readiness), methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
