"""Whole answers kept for repeated identical requests, bounded in bytes.

The embedded store does not change while it is served, so an answer can be reused.
Keys are digests, so a kept answer does not keep the (possibly large) request that
asked for it; answers over ``settings.cache_entry_limit`` are served but not kept.
"""

from __future__ import annotations

import hashlib
import pickle

from cachetools import LRUCache

from rarekg.server.execute import Answer, QueryJob
from rarekg.settings import Settings

# What an entry costs beyond its body: its key, the Answer record, the cache's links.
_ENTRY_OVERHEAD = 256


def job_key(job: QueryJob) -> bytes:
    """The digest a query job is cached under."""
    return digest(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))


def digest(request: bytes) -> bytes:
    """The digest any request is cached under.

    Examples:
        >>> len(digest(b"GET /api/chokepoints?top=5"))
        32
    """
    return hashlib.sha256(request).digest()


class AnswerCache:
    """Least recently used answers out first, within ``settings.cache_bytes``.

    Examples:
        >>> cache = AnswerCache(Settings(cache_bytes=1024))
        >>> cache.put(digest(b"a"), Answer(200, b"x" * 100, "text/plain"))
        >>> cache.get(digest(b"a")) is None  # over a sixteenth of 1 KiB: not kept
        True
        >>> cache.put(digest(b"b"), Answer(200, b"x" * 10, "text/plain"))
        >>> cache.get(digest(b"b")).body
        b'xxxxxxxxxx'
    """

    def __init__(self, settings: Settings) -> None:
        self.entry_limit = settings.cache_entry_limit
        self._answers: LRUCache[bytes, Answer] | None = None
        if settings.cache_bytes:
            self._answers = LRUCache(
                settings.cache_bytes, getsizeof=lambda a: len(a.body) + _ENTRY_OVERHEAD
            )

    @property
    def size(self) -> int:
        """Bytes the kept answers take, by the cache's own count."""
        return 0 if self._answers is None else int(self._answers.currsize)

    def get(self, key: bytes) -> Answer | None:
        """The kept answer under this key, if any."""
        return None if self._answers is None else self._answers.get(key)

    def put(self, key: bytes, answer: Answer) -> None:
        """Keep a successful answer that is small enough."""
        small = len(answer.body) <= self.entry_limit
        if self._answers is not None and answer.status == 200 and small:
            self._answers[key] = answer
