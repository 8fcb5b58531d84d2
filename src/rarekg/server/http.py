"""The HTTP connection layer: uvicorn's h11 protocol with deadlines and answers for oversize heads.

uvicorn waits for a request's headers for as long as the client cares to drip them,
and answers a head over its buffer size by resetting the connection. Here a client
has ``read_timeout`` seconds to send each request's head (then 408 and the connection
is closed), and a head too large to buffer gets 414 (an endless request line) or 431
(endless headers) before the connection is closed. Heads that fit are checked against
the finer limits by :mod:`rarekg.server.limits`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from rarekg.server.execute import Answer
from rarekg.settings import Settings

_REASONS = {408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def head_buffer(settings: Settings) -> int:
    """Bytes of an unfinished request head kept: room for the longest target and headers."""
    return settings.max_url + settings.max_headers + 1024


def raw_refusal(status: int, message: str) -> bytes:
    r"""A whole HTTP/1.1 refusal, written before the request could be read.

    Examples:
        >>> raw_refusal(408, "slow").split(b"\r\n")[0]
        b'HTTP/1.1 408 Request Timeout'
    """
    body = Answer.error(status, message).body
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """h11 connections that refuse slow or endless request heads with an answer."""

    settings: Settings  # set on the subclass that :func:`protocol_for` makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's head."""
        super().connection_made(transport)
        self._await_head()

    def _await_head(self) -> None:
        self._stop_waiting()
        self._head_deadline = self.loop.call_later(self.settings.read_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _awaiting_head(self) -> bool:
        return self.conn.their_state in (h11.IDLE,) and (
            self.cycle is None or self.cycle.response_complete
        )

    def _refuse(self, status: int, message: str) -> None:
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.write(raw_refusal(status, message))
            self.transport.close()

    def _too_slow(self) -> None:
        self._head_deadline = None
        if self._awaiting_head():
            seconds = self.settings.read_timeout
            self._refuse(408, f"the request head took over {seconds:g} s to arrive")

    def data_received(self, data: bytes) -> None:
        """Refuse a head that outgrows the buffer; hand the rest to h11."""
        if self._awaiting_head():
            buffered, _ = self.conn.trailing_data
            limit = head_buffer(self.settings)
            if len(buffered) + len(data) > limit:
                head = (buffered + data)[: limit + 4]
                if b"\r\n\r\n" not in head and b"\n\n" not in head:
                    if b"\n" not in head[: self.settings.max_url + 16]:
                        self._refuse(414, "the request line is too long; send long queries by POST")
                    else:
                        self._refuse(431, "the request headers are too large")
                    return
            if self._head_deadline is None:
                self._await_head()
        super().data_received(data)
        if not self._awaiting_head():
            self._stop_waiting()

    def on_response_complete(self) -> None:
        """Start the clock again for the next request on this connection."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._stop_waiting()
        super().connection_lost(exc)


def protocol_for(settings: Settings) -> type[GuardedH11Protocol]:
    """The connection class for a server with these settings."""
    return type("Protocol", (GuardedH11Protocol,), {"settings": settings})


def serve_app(app: Any, settings: Settings) -> None:
    """Run an ASGI app with uvicorn on guarded connections until interrupted."""
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        http=protocol_for(settings),
        h11_max_incomplete_event_size=head_buffer(settings) + 1024,
    )
