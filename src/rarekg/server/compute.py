"""The analyses and explorer pages, served under the endpoint's limits.

They are answered by their own worker process (:mod:`rarekg.server.analyses`), which
is replaced past the time limit or the memory ceiling, so the server process stays
free for every other client. Each client holds its fair share
(:mod:`rarekg.server.admission`). A request for what is being computed already waits
for that answer instead of computing it again, and answers are kept in the
byte-bounded cache: a crowd asking for the same page costs one computation. A job
with a body (an uploaded bill of materials) is never cached: the upload and what is
computed from it stay in memory for that request only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from rarekg.server.admission import Admission, TooManyRequests, client_of
from rarekg.server.analyses import AnalysisJob
from rarekg.server.cache import AnswerCache, digest
from rarekg.server.execute import Answer
from rarekg.server.limits import respond
from rarekg.server.workers import WorkerPool


class Compute(Protocol):
    """Answers a request with the named analysis.

    The analyses are ``chains``, ``chokepoints``, ``criticality``, ``simulate``,
    ``graph``, ``entity``, ``timeline`` and ``exposure``; parameters come from the request's query
    string (or ``params``, where the route reads some from its path) and, for
    ``exposure``, the body already read within the limits.
    """

    def __call__(
        self,
        request: Request,
        route: str,
        body: bytes = b"",
        params: tuple[tuple[str, str], ...] | None = None,
    ) -> Awaitable[Response]:
        """Answer ``request`` with the analysis ``route``."""


def computer(pool: WorkerPool, admission: Admission, cache: AnswerCache) -> Compute:
    """Make the function that answers analysis requests, for one app."""
    running: dict[bytes, asyncio.Future[Answer]] = {}

    async def compute(
        request: Request,
        route: str,
        body: bytes = b"",
        params: tuple[tuple[str, str], ...] | None = None,
    ) -> Response:
        given = tuple(request.query_params.multi_items()) if params is None else params
        job = AnalysisJob(route, given, body)
        key = digest(repr(job).encode())
        found = None if body else cache.get(key)
        if found is not None:
            return respond(found)
        if key in running:
            try:
                answer = await asyncio.wait_for(asyncio.shield(running[key]), pool.settings.timeout)
            except TimeoutError:
                answer = Answer.error(503, f"time limit {pool.settings.timeout:g} s exceeded")
            return respond(answer)
        client = client_of(request)
        running[key] = asyncio.get_running_loop().create_future()
        try:
            async with admission.slot(client):
                answer = await pool.run(job)
        except TooManyRequests as error:
            answer = Answer.error(429, str(error))
        finally:
            shared = running.pop(key)
        if not shared.done():  # cancelled meanwhile: the waiters get a 503 of their own
            shared.set_result(answer)
        if answer.status == 429:
            return respond(answer)
        if not body:
            cache.put(key, answer)
        return respond(answer)

    return compute
