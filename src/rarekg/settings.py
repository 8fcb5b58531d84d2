"""Server settings: one frozen record of how ``rarekg serve`` runs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Settings:
    """How the endpoint runs.

    Attributes:
        host: address to bind; loopback unless the operator opens it up.
        port: TCP port.
        timeout: seconds a query may run before it is stopped and the client gets 503.
        row_cap: most result rows (or triples) one answer carries; past it the answer
            is cut at a row boundary and says so in the ``X-Rarekg-Truncated`` header.
        cors: send ``Access-Control-Allow-Origin: *`` so pages elsewhere may query us.
        service_hosts: hosts a query's ``SERVICE`` clause may reach; empty refuses all.
        store: URL of a remote SPARQL 1.1 endpoint to answer from instead of the
            embedded store.
        workers: query worker processes for the embedded store.
        cache_size: answers kept for repeated identical requests (the embedded store
            does not change while it is served); 0 turns the cache off.

    Examples:
        >>> Settings().host, Settings().timeout
        ('127.0.0.1', 10.0)
        >>> Settings(service_hosts=("example.org",)).allows_service("http://example.org/sparql")
        True
    """

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    row_cap: int = 10_000
    cors: bool = False
    service_hosts: tuple[str, ...] = ()
    store: str | None = None
    workers: int = max(2, os.cpu_count() or 2)
    cache_size: int = 512

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")
        if self.row_cap < 1:
            raise ValueError(f"row cap must be at least 1, not {self.row_cap}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")

    def allows_service(self, iri: str) -> bool:
        """Tell whether a ``SERVICE`` clause may call the endpoint at ``iri``."""
        host = urlsplit(iri).hostname
        return host is not None and host.lower() in {h.lower() for h in self.service_hosts}
