"""What every request must respect before a route sees it, and the headers every answer carries.

A pure ASGI middleware (no response buffering, so a client's disconnect still reaches
the route): the ``Host`` header must name this server (DNS rebinding), the request
target and the header block must fit their limits (414, 431), and every answer gets
the security headers. Bodies are read by :func:`read_body`, which stops at the size
limit without buffering past it and gives a slow sender a deadline.

References:
    RFC 9110 sections 15.5.9 (408), 15.5.14 (413), 15.5.15 (414); RFC 6585 sections
    4 (429) and 5 (431); W3C Content Security Policy Level 3 (``frame-ancestors``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from rarekg.server.admission import TooManyRequests
from rarekg.server.execute import Answer
from rarekg.settings import Settings, format_size

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: How far past ``--max-body`` a body is read on (and dropped) so its client reads the 413.
_DRAINED = 4

#: Our pages load only our own files; nothing may frame them.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class LimitExceeded(Exception):
    """A request went past a limit; carries the status and the message for the client."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def respond(answer: Answer, headers: Mapping[str, str] | None = None) -> Response:
    """The HTTP response carrying an answer, with the headers its status calls for.

    Every route answers through here: a 429 says when to come back, and a 408 or 413
    closes the connection (the rest of that body is never read).
    """
    given = dict(headers or {})
    if answer.status == 429:
        given["Retry-After"] = str(TooManyRequests.retry_after)
    if answer.status in (408, 413):
        given["Connection"] = "close"
    return Response(answer.body, answer.status, given or None, media_type=answer.media_type)


async def read_body(request: Request, settings: Settings) -> bytes:
    """Read a request's body within ``settings.max_body`` bytes and ``read_timeout`` seconds.

    Past the size nothing more is kept: a body of up to :data:`_DRAINED` times the
    limit is read on and dropped, so that its client is not reset mid-send and reads
    its 413; a larger one is not read at all.

    Raises:
        LimitExceeded: 413 past the size, 408 past the time.
    """
    limit = settings.max_body
    too_large = LimitExceeded(413, f"the request body is over {format_size(limit)} (--max-body)")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > _DRAINED * limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0

    async def gather() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > _DRAINED * limit:
                break
            if size <= limit:
                chunks.append(chunk)

    try:
        await asyncio.wait_for(gather(), settings.read_timeout)
    except TimeoutError:
        raise LimitExceeded(
            408, f"the request body took over {settings.read_timeout:g} s to arrive"
        ) from None
    if size > limit:
        raise too_large
    return b"".join(chunks)


def _check(scope: Scope, settings: Settings) -> LimitExceeded | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    host = next((value for name, value in headers if name == b"host"), b"")
    if not settings.allows_host(host.decode("latin-1")):
        return LimitExceeded(421, "this server does not answer to that Host name (--allowed-host)")
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1
    if target > settings.max_url:
        return LimitExceeded(
            414,
            f"the request target is over {format_size(settings.max_url)} (--max-url); "
            "send a long query by POST",
        )
    header_bytes = sum(len(name) + len(value) + 4 for name, value in headers)
    if header_bytes > settings.max_headers:
        return LimitExceeded(
            431,
            f"the request headers are over {format_size(settings.max_headers)} (--max-headers)",
        )
    return None


def limited(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Wrap an ASGI app with the request checks and the answer headers."""
    extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        refused = _check(scope, settings)
        if refused is None:
            await app(scope, receive, send_with_headers)
            return
        body = Answer.error(refused.status, refused.message).body
        await send_with_headers(
            {
                "type": "http.response.start",
                "status": refused.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return guarded
