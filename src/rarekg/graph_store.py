"""Fill a remote store through the SPARQL 1.1 Graph Store HTTP Protocol: ``rarekg load``.

Each named graph of the reasoned graph replaces the store's graph of the same name: its
first part is sent with ``PUT``, the rest of a large graph with ``POST`` (which adds),
so no request carries more than a part. Triples with blank nodes all travel in the
first part, since a blank node's label means the same node only within one request.

A store may ask for credentials, with HTTP basic or digest authentication (Virtuoso's
``/sparql-graph-crud-auth`` asks digest): they are read from ``RAREKG_STORE_USER`` and
``RAREKG_STORE_PASSWORD``, else from ``~/.netrc`` for the store's host, and never shown.

References:
    SPARQL 1.1 Graph Store HTTP Protocol, W3C Recommendation 21 March 2013;
    RFC 7617 (Basic) and RFC 7616 (Digest) HTTP authentication.
"""

from __future__ import annotations

import netrc
import os
import time
from collections.abc import Callable, Generator, Mapping
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from rarekg.kg import KnowledgeGraph
from rarekg.remote import RemoteStoreError, excerpt

#: Environment variables holding the store's user name and password.
USER_ENV, PASSWORD_ENV = "RAREKG_STORE_USER", "RAREKG_STORE_PASSWORD"
#: Where a store we recognise by its ``Server`` header takes graphs, given its query path:
#: server name -> (query path ending, Graph Store path ending).
KNOWN_GRAPH_STORES = {
    "oxigraph": ("/query", "/store"),
    "virtuoso": ("/sparql", "/sparql-graph-crud-auth"),
}
#: Progress of a push: graph IRI, part number, parts, bytes of the graph sent so far.
Progress = Callable[[str, int, int, int], None]


def credentials(url: str, environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """The user name and password for the store at ``url``: the environment, else ~/.netrc.

    Examples:
        >>> env = {"RAREKG_STORE_USER": "dba", "RAREKG_STORE_PASSWORD": "secret"}
        >>> credentials("http://127.0.0.1:8890/sparql-graph-crud-auth", env)
        ('dba', 'secret')
    """
    user, password = environ.get(USER_ENV), environ.get(PASSWORD_ENV)
    if user is not None and password is not None:
        return user, password
    host = urlsplit(url).hostname or ""
    try:
        found = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None  # no ~/.netrc, or one we cannot read: no credentials from it
    return (found[0], found[2]) if found else None


class StoreAuth(httpx.Auth):
    """Basic or digest authentication, whichever the store's first challenge asks for.

    The first request goes out without credentials; the scheme named by the store's
    ``401`` answer is then used for it and every later request (digest reuses the
    store's challenge, so only the first request is sent twice).
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request``, answering the store's challenge when it makes one."""
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if response.status_code != 401 or scheme not in ("basic", "digest"):
            return
        if scheme == "basic":
            self._chosen = self._basic
            yield from self._basic.auth_flow(request)
            return
        self._chosen = self._digest
        flow = self._digest.auth_flow(request)
        next(flow)  # the unauthenticated request, which we sent already
        yield flow.send(response)  # the store's challenge answered


def shown(url: str) -> str:
    """``url`` without any user name or password in it, fit to print.

    Examples:
        >>> shown("http://dba:dba@127.0.0.1:8890/sparql")
        'http://127.0.0.1:8890/sparql'
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def graph_store_url(query_url: str, timeout: float = 10.0) -> str:
    """Where the store whose query endpoint is ``query_url`` takes graphs.

    Only a store that names itself in its ``Server`` header and whose query path is
    its known one is answered; any other needs ``--graph-store``.

    Raises:
        RemoteStoreError: the store is not one we know, or cannot be reached.
    """
    try:
        with httpx.stream("GET", query_url, timeout=timeout) as response:
            server = response.headers.get("server", "")
    except httpx.HTTPError as error:
        raise RemoteStoreError(f"cannot reach {shown(query_url)}: {error}") from error
    name = server.split("/", 1)[0].strip().lower()
    path = urlsplit(query_url).path
    if name in KNOWN_GRAPH_STORES:
        query_end, store_end = KNOWN_GRAPH_STORES[name]
        if path.endswith(query_end):
            parts = urlsplit(query_url)
            store_path = path[: -len(query_end)] + store_end
            return urlunsplit(parts._replace(path=store_path, query=""))
    raise RemoteStoreError(
        f"cannot tell where {shown(query_url)} takes graphs: give --graph-store URL "
        "(Oxigraph server: http://HOST:PORT/store; Virtuoso: "
        "http://HOST:PORT/sparql-graph-crud-auth)"
    )


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def parts(kg: KnowledgeGraph, name: str, size: int) -> list[bytes]:
    """The N-Triples of graph ``name`` in parts of at most ``size`` bytes.

    Triples with blank nodes all make the first part, whatever its size; a part is
    otherwise cut between lines. A graph without triples is one empty part.

    Examples:
        >>> import rarekg
        >>> kg = rarekg.load()
        >>> cut = parts(kg, kg.graph_names[1], 4096)
        >>> len(cut) > 1 and all(len(part) <= 4096 for part in cut[1:])
        True
    """
    quads = list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    linked = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if _has_blank_node(q)]
    plain = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if not _has_blank_node(q)]
    cut: list[bytes] = []
    if linked:
        data = ox.serialize(linked, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None, "serialising to memory returns the bytes"
        cut.append(data)
    part = bytearray()
    data = ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None, "serialising to memory returns the bytes"
    for line in data.splitlines(keepends=True):
        if part and len(part) + len(line) > size:
            cut.append(bytes(part))
            part = bytearray()
        part += line
    if part or not cut:
        cut.append(bytes(part))
    return cut


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    name: str,
    body: bytes,
    timeout: float,
    max_reply: int,
) -> None:
    """Send one part of graph ``name``; its reply must arrive within ``timeout``."""
    deadline = time.monotonic() + timeout
    try:
        with client.stream(
            method,
            url,
            params={"graph": name},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        ) as response:
            reply = bytearray()
            for chunk in response.iter_raw():
                reply += chunk[: max_reply - len(reply)]
                if len(reply) >= max_reply or time.monotonic() > deadline:
                    break
    except httpx.TimeoutException as error:
        raise RemoteStoreError(
            f"{shown(url)} did not take graph {name} within {timeout:g} s"
        ) from error
    except httpx.HTTPError as error:
        raise RemoteStoreError(f"cannot reach {shown(url)}: {error}") from error
    if time.monotonic() > deadline:
        raise RemoteStoreError(f"{shown(url)} did not take graph {name} within {timeout:g} s")
    if response.status_code == 401:
        raise RemoteStoreError(
            f"{shown(url)} refused our credentials, or asked for some: set {USER_ENV} and "
            f"{PASSWORD_ENV}, or give its host a line in ~/.netrc"
        )
    if response.status_code >= 300:
        said = f"HTTP {response.status_code} {excerpt(bytes(reply))}"
        raise RemoteStoreError(f"{shown(url)} refused graph {name}: {said}")


def push(
    kg: KnowledgeGraph,
    url: str,
    *,
    timeout: float = 60.0,
    part_size: int = 4 << 20,
    progress: Progress | None = None,
    max_reply: int = 64 * 1024,
) -> dict[str, int]:
    """Put every graph of ``kg`` into the store at ``url`` with the Graph Store Protocol.

    Each graph replaces the store's graph of the same name (``PUT ?graph=IRI``, then
    ``POST`` for its further parts). The store's reply to each part must arrive within
    ``timeout`` seconds; at most ``max_reply`` bytes of it are read, and an error shows
    a short printable excerpt.

    Args:
        kg: the loaded, reasoned knowledge graph.
        url: the Graph Store Protocol endpoint, e.g. ``http://127.0.0.1:7878/store``.
        timeout: seconds for each part, sending and answer included.
        part_size: most bytes of N-Triples in one request (bar the blank-node part).
        progress: told after each part is taken.
        max_reply: most bytes of the store's reply read.

    Returns:
        Graph IRI to the number of triples sent.

    Raises:
        RemoteStoreError: the store refused a graph or our credentials, could not be
            reached or was too slow.
    """
    found = credentials(url)
    auth = StoreAuth(*found) if found else None
    sent: dict[str, int] = {}
    with httpx.Client(timeout=timeout, auth=auth) as client:
        for name in kg.graph_names:
            cut = parts(kg, name, part_size)
            done = 0
            for number, body in enumerate(cut, 1):
                method = "PUT" if number == 1 else "POST"
                _send(client, method, url, name, body, timeout, max_reply)
                done += len(body)
                if progress is not None:
                    progress(name, number, len(cut), done)
            graph = ox.NamedNode(name)
            sent[name] = sum(1 for _ in kg.store.quads_for_pattern(None, None, None, graph))
    return sent
