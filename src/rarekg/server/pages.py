"""The landing page (an offline query editor), the exposure page and ``/healthz``.

The page, its script and its style are our own files, served from the package: the
browser loads nothing from anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


async def landing(request: Request) -> Response:
    """The query editor with the library's questions."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


async def exposure(request: Request) -> Response:
    """Drop a bill of materials, read its exposure (``/api/exposure``)."""
    return FileResponse(STATIC / "exposure.html", media_type="text/html")


async def healthz(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


def routes() -> list[BaseRoute]:
    """``/``, ``/exposure``, ``/healthz`` and the pages' own assets under ``/static``."""
    return [
        Route("/", landing, methods=["GET"]),
        Route("/exposure", exposure, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
