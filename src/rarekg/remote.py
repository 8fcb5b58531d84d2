"""A remote SPARQL 1.1 store: queried through the Protocol, filled through the Graph Store Protocol.

``rarekg load --store URL`` pushes the reasoned graph into any store that speaks the
SPARQL 1.1 Graph Store HTTP Protocol, one named graph per source file plus the
inferred graph. ``rarekg serve --store URL`` then answers from the store's query
endpoint. A store's own default graph varies (Oxigraph server's is empty unless
``--union-default-graph``), so a query that names no dataset is sent with our graphs
as its dataset: default graph the union of them, every one of them named.

References:
    SPARQL 1.1 Protocol and SPARQL 1.1 Graph Store HTTP Protocol, W3C
    Recommendations 21 March 2013.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
from rdflib.term import Node

from rarekg.kg import KnowledgeGraph, to_oxigraph
from rarekg.namespaces import sparql_prologue


class RemoteStoreError(Exception):
    """The remote store refused a request or could not be reached."""


@dataclass(frozen=True)
class RemoteAnswer:
    """What the remote store answered."""

    status: int
    body: bytes
    media_type: str


_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*
        | <[^<>"{}|^`\\\s]*>
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''
        | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*')
      | (?P<open>\{) | (?P<close>\})
      | (?<![?$\w:])(?P<keyword>WHERE|CONSTRUCT)\b""",
    re.VERBOSE | re.IGNORECASE,
)


def where_position(text: str) -> int | None:
    r"""Find where the query's outermost ``WHERE`` group opens: just after its ``{``.

    Comments, IRIs and strings are skipped, so braces in them do not count.

    Examples:
        >>> text = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
        >>> text[where_position(text):]
        ' ?s ?p ?o }'
        >>> where_position("# {\nASK { }")
        9
    """
    depth, after_where, construct, groups = 0, False, False, 0
    for token in _TOKENS.finditer(text):
        kind = token.lastgroup
        if kind == "keyword" and depth == 0:
            after_where |= token.group().upper() == "WHERE"
            construct |= token.group().upper() == "CONSTRUCT"
        elif kind == "open":
            if depth == 0:
                groups += 1
                if after_where or groups == (2 if construct else 1):
                    return token.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


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


class RemoteStore:
    """A SPARQL 1.1 query endpoint holding the graph that ``push`` put there.

    Args:
        url: the query endpoint, e.g. ``http://127.0.0.1:7878/query`` for Oxigraph server.
        graphs: the named graphs making up the dataset when a query names none.
    """

    def __init__(self, url: str, graphs: Sequence[str]) -> None:
        self.url = url
        self.graphs = tuple(graphs)
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
            TimeoutError: the store took longer than ``timeout`` seconds.
            RemoteStoreError: the store could not be reached.
        """
        assert self._client is not None, "the remote store is not started"
        if default_graph is None and named_graphs is None:
            default_graph = named_graphs = self.graphs
        form = {
            "query": text,
            "default-graph-uri": list(default_graph or ()),
            "named-graph-uri": list(named_graphs or ()),
        }
        try:
            response = await self._client.post(
                self.url, data=form, headers={"Accept": accept}, timeout=timeout
            )
        except httpx.TimeoutException as error:
            raise TimeoutError(f"{self.url} did not answer within {timeout:g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot reach {self.url}: {error}") from error
        media = response.headers.get("content-type", "application/octet-stream")
        return RemoteAnswer(response.status_code, response.content, media.split(";")[0])


def push(kg: KnowledgeGraph, url: str, *, timeout: float = 60.0) -> dict[str, int]:
    """Put every graph of ``kg`` into the store at ``url`` with the Graph Store Protocol.

    Each graph replaces the store's graph of the same name (``PUT ?graph=IRI``).

    Args:
        kg: the loaded, reasoned knowledge graph.
        url: the Graph Store Protocol endpoint, e.g. ``http://127.0.0.1:7878/store``.
        timeout: seconds to wait for each graph.

    Returns:
        Graph IRI to the number of triples sent.

    Raises:
        RemoteStoreError: the store refused a graph or could not be reached.
    """
    sent: dict[str, int] = {}
    with httpx.Client(timeout=timeout) as client:
        for name in kg.graph_names:
            graph = ox.NamedNode(name)
            data = kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            assert data is not None, "dumping to memory returns the bytes"
            try:
                response = client.put(
                    url,
                    params={"graph": name},
                    content=data,
                    headers={"Content-Type": "application/n-triples"},
                )
            except httpx.HTTPError as error:
                raise RemoteStoreError(f"cannot reach {url}: {error}") from error
            if response.status_code >= 300:
                raise RemoteStoreError(
                    f"{url} refused graph {name}: HTTP {response.status_code} {response.text}"
                )
            sent[name] = sum(1 for _ in kg.store.quads_for_pattern(None, None, None, graph))
    return sent
