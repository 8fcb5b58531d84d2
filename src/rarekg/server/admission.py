"""Fair shares of the engine: one client address cannot take every worker or queue without end.

Each client address may hold ``settings.workers_per_client`` jobs in the engine at once
(all workers but one, by default), so another client always finds a worker; its other
requests wait their turn, at most ``settings.client_queue`` of them, and past that it
is told to come back later (429 with ``Retry-After``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request

from rarekg.settings import Settings


def client_of(request: Request) -> str:
    """Who a request comes from, for fair shares: the peer's address."""
    return request.client.host if request.client else "unknown"


class TooManyRequests(Exception):
    """A client has more requests waiting than it may; it should retry later."""

    retry_after = 1

    def __init__(self, client: str, waiting: int) -> None:
        super().__init__(
            f"{client} already has {waiting} requests waiting (--client-queue); "
            f"retry after {self.retry_after} s"
        )


class Admission:
    """Who holds how many engine slots, and who waits for one.

    Examples:
        >>> async def two_at_once() -> list[str]:
        ...     admission, log = Admission(Settings(workers=2, client_queue=1)), []
        ...     async def job(client: str, name: str) -> None:
        ...         async with admission.slot(client):
        ...             log.append(name)
        ...             await asyncio.sleep(0.01)
        ...     await asyncio.gather(job("a", "a1"), job("a", "a2"), job("b", "b1"))
        ...     return log
        >>> asyncio.run(two_at_once())  # a2 waits for a1: a holds one of the two workers
        ['a1', 'b1', 'a2']
    """

    def __init__(self, settings: Settings) -> None:
        self.per_client = settings.workers_per_client
        self.queue = settings.client_queue
        self._holding: Counter[str] = Counter()
        self._waiting: Counter[str] = Counter()
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        """Hold one of the client's slots for the block; wait for one if they are all taken.

        Raises:
            TooManyRequests: the client already has its whole queue waiting.
        """
        async with self._changed:
            if self._holding[client] >= self.per_client:
                if self._waiting[client] >= self.queue:
                    raise TooManyRequests(client, self._waiting[client])
                self._waiting[client] += 1
                try:
                    await self._changed.wait_for(lambda: self._holding[client] < self.per_client)
                finally:
                    self._waiting[client] -= 1
                    if not self._waiting[client]:
                        del self._waiting[client]
            self._holding[client] += 1
        try:
            yield
        finally:
            # Counted back at once, so a cancelled client never keeps its slot.
            self._holding[client] -= 1
            if not self._holding[client]:
                del self._holding[client]
            await asyncio.shield(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
