"""A remote SPARQL 1.1 store, queried through the SPARQL 1.1 Protocol.

``rarekg load`` fills the store (:mod:`rarekg.graph_store`), one named graph per source
file plus the inferred graph. ``rarekg serve --store URL`` then answers from the store's
query endpoint. A store's own default graph varies (Oxigraph server's is empty unless
``--union-default-graph``; Virtuoso's is the union of all its graphs, its system graphs
included), so how a query that names no dataset is sent is the operator's choice
(``--dataset``): ``graphs`` sends our graphs as its dataset (default graph the union of
them, every one of them named), ``union`` sends none and takes the store's own.

References:
    SPARQL 1.1 Protocol and SPARQL 1.1 Graph Store HTTP Protocol, W3C
    Recommendations 21 March 2013.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
from rdflib.term import Node

from rarekg.kg import to_oxigraph
from rarekg.namespaces import sparql_prologue
from rarekg.sparql_text import declares_dataset, where_position

_JSON_RESULTS = "application/sparql-results+json"

#: A blank node as Virtuoso writes it in SPARQL JSON results (``nodeID://b10006``), which
#: is no blank node label the format allows: pyoxigraph refuses the whole answer.
_VIRTUOSO_BLANK = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


class RemoteStoreError(Exception):
    """The remote store refused a request or could not be reached."""


@dataclass(frozen=True)
class RemoteAnswer:
    """What the remote store answered."""

    status: int
    body: bytes
    media_type: str


def with_bindings(text: str, bindings: Mapping[str, Node]) -> str:
    r"""Bind variables for a store without substitutions: ``VALUES`` opening the WHERE group.

    Placed first in the outermost group, the values are seen by its filters, optional
    parts and ``EXISTS`` tests, as an engine's substitution would be (not by
    subqueries, which are evaluated first). The values are written in N-Triples
    syntax by the RDF library, never pasted from user text; our predeclared prefixes
    are declared in front.

    Examples:
        >>> from rdflib import Literal
        >>> with_bindings("SELECT ?x { }", {"x": Literal('a"b')}).splitlines()[-1]
        'SELECT ?x { VALUES (?x) { ("a\\"b") } }'
    """
    prologue = sparql_prologue()
    if not bindings:
        return prologue + text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(to_oxigraph(value)) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    at = where_position(text)
    if at is None:
        return f"{prologue}{text}\n{block}"
    return prologue + text[:at] + block + text[at:]


def excerpt(said: bytes | str, limit: int = 300) -> str:
    r"""A short, printable excerpt of what a store said, safe to show on a terminal.

    Examples:
        >>> excerpt(b"bad\x1b[31m query\n\n here " + b"x" * 400, 20)
        'bad [31m query here…'
    """
    head = said[: limit * 4]
    text = head if isinstance(head, str) else head.decode(errors="replace")
    printable = "".join(c if c.isprintable() else " " for c in text)
    flat = " ".join(printable.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _Capped:
    """Collects a response body within a byte cap, decompressing gzip and deflate itself.

    httpx would decompress a chunk whole; a small compressed answer can grow a
    thousandfold, so the body is read raw and inflated at most ``cap`` bytes at a time.
    """

    def __init__(self, encoding: str, cap: int, url: str) -> None:
        self.cap, self.url = cap, url
        self.raw = 0
        self.body = bytearray()
        encoding = encoding.strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            self._inflate: zlib._Decompress | None = zlib.decompressobj(wbits=47)
        elif encoding in ("", "identity"):
            self._inflate = None
        else:
            raise RemoteStoreError(f"{url} answered in an encoding we do not read: {encoding}")

    def add(self, chunk: bytes) -> None:
        """Take one raw chunk.

        Raises:
            RemoteStoreError: past the cap, compressed or not, or a broken stream.
        """
        self.raw += len(chunk)
        if self.raw > self.cap:
            raise RemoteStoreError(f"{self.url} sent an answer over {self.cap} bytes")
        if self._inflate is None:
            self.body += chunk
        else:
            try:
                while chunk:
                    room = self.cap - len(self.body) + 1
                    self.body += self._inflate.decompress(chunk, room)
                    chunk = self._inflate.unconsumed_tail
                    if len(self.body) > self.cap:
                        break
            except zlib.error as error:
                raise RemoteStoreError(f"{self.url} sent a broken compressed answer") from error
        if len(self.body) > self.cap:
            raise RemoteStoreError(
                f"{self.url} sent an answer over {self.cap} bytes once decompressed"
            )


class RemoteStore:
    """A SPARQL 1.1 query endpoint holding the graph that ``push`` put there.

    The store is not trusted: each answer must arrive whole within the time limit and
    fit the byte cap, compressed or not.

    Args:
        url: the query endpoint, e.g. ``http://127.0.0.1:7878/query`` for Oxigraph server.
        graphs: the named graphs making up the dataset when a query names none.
        max_bytes: the largest answer read, before and after decompression.
        dataset: ``graphs`` to send ``graphs`` as the dataset of a query that names
            none, ``union`` to leave it to the store's own default graph.
    """

    def __init__(
        self, url: str, graphs: Sequence[str], max_bytes: int, dataset: str = "graphs"
    ) -> None:
        self.url = url
        self.graphs = tuple(graphs)
        self.max_bytes = max_bytes
        self.dataset = dataset
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        self._client = httpx.AsyncClient()

    async def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def query(
        self,
        text: str,
        *,
        accept: str,
        timeout: float,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> RemoteAnswer:
        """Send a query by POST form and return the store's whole answer.

        Raises:
            TimeoutError: the whole answer took longer than ``timeout`` seconds.
            RemoteStoreError: the store could not be reached, or its answer was too large
                or broken.
        """
        assert self._client is not None, "the remote store is not started"
        names_none = default_graph is None and named_graphs is None
        if names_none and self.dataset == "graphs" and not declares_dataset(text):
            default_graph = named_graphs = self.graphs
        form = {
            "query": text,
            "default-graph-uri": list(default_graph or ()),
            "named-graph-uri": list(named_graphs or ()),
        }
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
        try:
            async with asyncio.timeout(timeout):
                request = self._client.build_request(
                    "POST", self.url, data=form, headers=headers, timeout=timeout
                )
                response = await self._client.send(request, stream=True)
                try:
                    body = _Capped(
                        response.headers.get("content-encoding", ""), self.max_bytes, self.url
                    )
                    async for chunk in response.aiter_raw():
                        body.add(chunk)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException) as error:
            raise TimeoutError(f"{self.url} did not answer in full within {timeout:g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot reach {self.url}: {error}") from error
        media = response.headers.get("content-type", "application/octet-stream")
        return RemoteAnswer(response.status_code, bytes(body.body), media.split(";")[0])


def plain_blank_labels(body: bytes) -> bytes:
    """SPARQL JSON results with Virtuoso's ``nodeID://`` blank node labels made plain.

    Examples:
        >>> plain_blank_labels(b'{"o": { "type": "bnode", "value": "nodeID://b106" }}')
        b'{"o": { "type": "bnode", "value": "b106" }}'
    """
    return _VIRTUOSO_BLANK.sub(rb"\1", body)


def select_through(
    store: RemoteStore, timeout: float
) -> Callable[[str, Mapping[str, Node], Sequence[str] | None], ox.QuerySolutions]:
    """Run SELECT queries through ``store`` from a process without an event loop.

    The analysis worker reads its projection this way, so ``/api/chains``,
    ``/api/chokepoints`` and ``/api/simulate`` answer from the remote store, under the
    same time limit and byte cap as every query sent there.

    Returns:
        A function of a query's text, its variables' values and its default graph
        (IRIs, or ``None`` for the store's dataset as ``store`` names it) to its
        solutions.

    Raises:
        RemoteStoreError: (from the function) the store refused the query or its answer
            was not SPARQL JSON results.
    """

    def run(
        text: str, bindings: Mapping[str, Node], default_graph: Sequence[str] | None
    ) -> ox.QuerySolutions:
        async def ask() -> RemoteAnswer:
            await store.start()
            try:
                return await store.query(
                    with_bindings(text, bindings),
                    accept=_JSON_RESULTS,
                    timeout=timeout,
                    default_graph=default_graph,
                )
            finally:
                await store.close()

        got = asyncio.run(ask())
        if got.status != 200:
            raise RemoteStoreError(f"{store.url} answered {got.status}: {excerpt(got.body)}")
        try:
            body = plain_blank_labels(got.body)
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise RemoteStoreError(f"{store.url} sent malformed results: {error}") from error
        if not isinstance(results, ox.QuerySolutions):
            raise RemoteStoreError(f"{store.url} did not answer with solutions")
        return results

    return run
