"""Server settings: one frozen record of how ``rarekg serve`` runs, every default once.

Each field carries its own help text; ``rarekg serve``'s options are made from these
fields, so a default or a limit is stated here and nowhere else.

The endpoint faces hostile clients, so every input has a limit. Its memory is bounded
by ``(workers + analysis_workers) * worker_memory + cache_bytes`` plus the server's own
base (about 150 MiB with the shipped graph), and every request by ``timeout``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
_SIZE = re.compile(r"(?P<number>[0-9]+)\s*(?P<unit>[KMG]i?B|B)?", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3}
_UNITS |= {"KIB": KIB, "MIB": MIB, "GIB": GIB}

# An answer larger than this share of the cache is served but not kept.
_CACHE_ENTRY_SHARE = 16


def parse_size(text: str) -> int:
    """Read a size in bytes, with an optional unit (``B``, ``KiB``, ``MiB``, ``GiB``, ``MB``…).

    Examples:
        >>> parse_size("64MiB"), parse_size("1000"), parse_size("2 kb")
        (67108864, 1000, 2000)
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a size (examples: 1048576, 512KiB, 64MiB, 1GiB)")
    return int(match.group("number")) * _UNITS[(match.group("unit") or "").upper()]


def format_size(size: int) -> str:
    """Write a size in bytes with the largest binary unit that divides it.

    Examples:
        >>> format_size(8 * MIB), format_size(1000), format_size(0)
        ('8MiB', '1000B', '0B')
    """
    for unit, scale in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if size and size % scale == 0:
            return f"{size // scale}{unit}"
    return f"{size}B"


def _help(text: str, **more: Any) -> dict[str, Any]:
    return {"help": text, **more}


def is_loopback(host: str) -> bool:
    """Tell whether a bind address or host name stays on this machine.

    Examples:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
        (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")

#: How a query naming no dataset is sent to a remote store (see ``Settings.dataset``).
DATASETS = ("graphs", "union")


@dataclass(frozen=True)
class Settings:
    """How the endpoint runs; see each field's ``help`` for what it means.

    Examples:
        >>> Settings().host, Settings().timeout
        ('127.0.0.1', 10.0)
        >>> Settings(service_hosts=("example.org",)).allows_service("http://example.org/sparql")
        True
        >>> Settings().allows_host("localhost:8000"), Settings().allows_host("evil.example")
        (True, False)
    """

    host: str = field(default="127.0.0.1", metadata=_help("Address to bind."))
    port: int = field(default=8000, metadata=_help("TCP port.", low=0, high=65535))
    store: str | None = field(
        default=None,
        metadata=_help(
            "Answer SPARQL from this remote SPARQL 1.1 query endpoint (e.g. Oxigraph "
            "server's http://HOST:PORT/query) instead of the embedded store; fill it first "
            "with `rarekg load --store`.",
            metavar="URL",
        ),
    )
    dataset: str = field(
        default="graphs",
        metadata=_help(
            "How a query that names no dataset is sent to --store: graphs names our graphs "
            "(default-graph-uri and named-graph-uri, one per graph: right on any store "
            "that follows the SPARQL Protocol, e.g. Oxigraph server as installed); union "
            "names none and relies on the store's own default graph being the union of "
            "our graphs (Oxigraph server with --union-default-graph; a Virtuoso's default "
            "graph also holds its own system graphs).",
            choices=DATASETS,
        ),
    )
    timeout: float = field(
        default=10.0,
        metadata=_help(
            "Seconds a request may take, waiting for a worker included; past it the query "
            "is stopped and the client gets 503 (504 from a remote store)."
        ),
    )
    row_cap: int = field(
        default=10_000,
        metadata=_help("Most rows in one answer; a cut answer says so in X-Rarekg-Truncated."),
    )
    max_answer_bytes: int = field(
        default=8 * MIB,
        metadata=_help(
            "Largest answer body; past it the answer is cut on a row boundary and says so "
            "in X-Rarekg-Truncated.",
            size=True,
        ),
    )
    max_store_answer: int = field(
        default=64 * MIB,
        metadata=_help(
            "Largest answer read from a remote store (--store), compressed and again "
            "decompressed; past it the client gets 502.",
            size=True,
        ),
    )
    cors: bool = field(
        default=False, metadata=_help("Let web pages from any origin query the endpoint.")
    )
    service_hosts: tuple[str, ...] = field(
        default=(),
        metadata=_help(
            "A host SPARQL SERVICE clauses may call (repeatable; default: none).",
            option="--service-host",
            metavar="HOST",
        ),
    )
    allowed_hosts: tuple[str, ...] = field(
        default=(),
        metadata=_help(
            "A name clients may use in the Host header (repeatable; default: the loopback "
            "names when bound to loopback, any name otherwise). Stops DNS rebinding.",
            option="--allowed-host",
            metavar="NAME",
        ),
    )
    workers: int = field(
        default=max(2, os.cpu_count() or 2),
        metadata=_help(
            "Query worker processes (default: the number of CPUs, at least 2).",
            low=1,
            computed=True,
        ),
    )
    analysis_workers: int = field(
        default=1,
        metadata=_help(
            "Worker processes for the analyses and explorer pages (each holds the graph "
            "and its network projection).",
            low=1,
        ),
    )
    # A copy takes about 440 bytes a quad (480 MiB for 1.1 M quads, measured here): at
    # half a million quads it stays well under the default --worker-memory.
    worker_copy_quads: int = field(
        default=500_000,
        metadata=_help(
            "Graphs of up to this many quads are copied into each query worker's memory "
            "(about four times faster queries, about 440 bytes a quad; a worker answers "
            "from disk while it copies); larger ones are read from the one store on disk. "
            "The shipped graph with its statistics (about 1 M quads) is read from disk. "
            "0 always reads from disk.",
            low=0,
        ),
    )
    worker_memory: int = field(
        default=1 * GIB,
        metadata=_help(
            "Memory ceiling of each query worker, enforced by the OS; a query needing more "
            "gets 503 and its worker is replaced.",
            size=True,
        ),
    )
    client_workers: int = field(
        default=0,
        metadata=_help(
            "Most workers one client address holds at once (default: all but one, at "
            "least one), so one client cannot take them all.",
            low=0,
        ),
    )
    client_queue: int = field(
        default=16,
        metadata=_help(
            "Most requests one client address may have waiting; past it the client gets "
            "429 with Retry-After.",
            low=1,
        ),
    )
    cache_bytes: int = field(
        default=64 * MIB,
        metadata=_help(
            "Memory for answers kept for repeated identical requests (answers over a "
            "sixteenth of it are not kept); 0 turns the cache off.",
            size=True,
        ),
    )
    max_body: int = field(
        default=1 * MIB,
        metadata=_help("Largest request body; past it the client gets 413.", size=True),
    )
    max_url: int = field(
        default=32 * KIB,
        metadata=_help("Longest request target (path and query string); past it 414.", size=True),
    )
    max_headers: int = field(
        default=32 * KIB,
        metadata=_help("Largest block of request headers; past it 431.", size=True),
    )
    max_depth: int = field(
        default=64,
        metadata=_help("Deepest nesting of brackets a query may have; past it 400.", low=1),
    )
    read_timeout: float = field(
        default=10.0,
        metadata=_help(
            "Seconds a client may take to send its request headers, and again its body; "
            "a slower client is answered 408 and disconnected."
        ),
    )

    def __post_init__(self) -> None:
        for name in ("timeout", "read_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, not {self.dataset!r}")
        positive = ("row_cap", "workers", "analysis_workers", "max_answer_bytes", "max_body")
        for name in (*positive, "max_depth"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")

    @property
    def workers_per_client(self) -> int:
        """Most workers one client holds at once: as set, or all but one (at least one)."""
        return self.client_workers or max(1, self.workers - 1)

    @property
    def cache_entry_limit(self) -> int:
        """Largest answer the cache keeps."""
        return self.cache_bytes // _CACHE_ENTRY_SHARE

    def allows_service(self, iri: str) -> bool:
        """Tell whether a ``SERVICE`` clause may call the endpoint at ``iri``."""
        host = urlsplit(iri).hostname
        return host is not None and host.lower() in {h.lower() for h in self.service_hosts}

    def allows_host(self, header: str) -> bool:
        """Tell whether a request's ``Host`` header names this server."""
        names = self.allowed_hosts or (LOOPBACK_NAMES if is_loopback(self.host) else ())
        if not names:
            return True
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        return name.lower() in {n.lower() for n in names}

    @classmethod
    def options(cls) -> list[tuple[str, Any, dict[str, Any]]]:
        """Each field's name, default and metadata, for the command line to offer."""
        return [(f.name, f.default, dict(f.metadata)) for f in fields(cls)]
