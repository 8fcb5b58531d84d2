"""Answer one SPARQL request against a store: check, run, cap and serialise it.

This is what a query worker does with each job, so everything here is plain data in,
plain data out (both cross a process boundary). An answer is always whole: rows past
the cap are dropped at a row boundary and the answer says so, never a cut-off body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

import pyoxigraph as ox
from rdflib.term import Node

from rarekg.formats import FORMATS, GRAPH, RESULTS, Format, kind_of, negotiate, serialize
from rarekg.kg import QueryError, run_query
from rarekg.namespaces import PREFIXES
from rarekg.server.guard import READ_ONLY, is_update, service_refusal

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class QueryJob:
    """A query to answer, with everything the protocol request said about it.

    Attributes:
        text: the SPARQL query.
        accept: the client's ``Accept`` header (``None``: no preference).
        bindings: variable name to value, bound by the engine.
        default_graph: ``default-graph-uri`` values, or ``None`` for the union.
        named_graphs: ``named-graph-uri`` values, or ``None`` for all graphs.
        row_cap: most rows or triples in the answer.
    """

    text: str
    accept: str | None = None
    bindings: tuple[tuple[str, Node], ...] = ()
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    row_cap: int = 10_000


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer: status, body, media type, and whether rows were dropped."""

    status: int
    body: bytes
    media_type: str
    truncated: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        """A JSON error answer.

        Examples:
            >>> Answer.error(400, "bad").body
            b'{"error": "bad", "status": 400}'
        """
        body = json.dumps({"error": message, "status": status}).encode("utf-8")
        return cls(status, body, JSON_TYPE)


def not_acceptable(kind: str | None = None) -> Answer:
    """The 406 answer, listing the media types that could be served."""
    kinds = (kind,) if kind else (RESULTS, GRAPH)
    types = [f.media_type for f in FORMATS if f.kind in kinds and f.oxigraph is not None]
    return Answer.error(
        406, "cannot answer in any accepted media type; available: " + ", ".join(types)
    )


def json_term(term: Term) -> dict[str, object]:
    """Write a term as SPARQL 1.1 Query Results JSON.

    Examples:
        >>> json_term(ox.Literal("Dy", language="en"))
        {'type': 'literal', 'value': 'Dy', 'xml:lang': 'en'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    parts = zip(("subject", "predicate", "object"), term, strict=True)
    return {"type": "triple", "value": {k: json_term(v) for k, v in parts}}


def _solutions(results: ox.QuerySolutions, fmt: Format, cap: int) -> Answer:
    names = [v.value for v in results.variables]
    rows = list(islice(results, cap + 1))
    truncated = len(rows) > cap
    bindings = [{n: json_term(t) for n in names if (t := row[n]) is not None} for row in rows[:cap]]
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()
    if fmt.name != "json":
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        body = serialize(parsed, fmt)
    return Answer(200, body, fmt.media_type, truncated)


def _triples(results: Iterable[ox.Triple], fmt: Format, cap: int) -> Answer:
    triples = list(islice(results, cap + 1))
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    prefixes = PREFIXES if fmt.oxigraph == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples[:cap], format=fmt.oxigraph, prefixes=prefixes)
    assert body is not None, "serialising to memory returns the bytes"
    return Answer(200, body, fmt.media_type, len(triples) > cap)


def _query_error(error: QueryError, text: str) -> Answer:
    if isinstance(error.__cause__, SyntaxError):
        if is_update(text):
            return Answer.error(403, READ_ONLY)
        return Answer.error(400, str(error))
    return Answer.error(500, str(error))


def answer(store: ox.Store, job: QueryJob, allowed: Callable[[str], bool]) -> Answer:
    """Run a job against a store and return the whole HTTP answer.

    Args:
        store: the store to query (a worker's copy of the knowledge graph).
        job: the query and what the request said about it.
        allowed: tells whether a ``SERVICE`` endpoint IRI may be called.

    Examples:
        >>> answer(ox.Store(), QueryJob("ASK {}"), lambda iri: False).body
        b'{"head":{},"boolean":true}'
        >>> answer(ox.Store(), QueryJob("DROP ALL"), lambda iri: False).status
        403
    """
    refusal = service_refusal(job.text, allowed)
    if refusal:
        return Answer.error(403, refusal)
    try:
        results = run_query(
            store, job.text, dict(job.bindings), job.default_graph, job.named_graphs
        )
    except QueryError as error:
        return _query_error(error, job.text)
    return shape(results, kind_of(results), job)


def shape(
    results: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple], kind: str, job: QueryJob
) -> Answer:
    """Cap, negotiate and serialise query results into the whole HTTP answer.

    Shared by the embedded store and remote stores, so both cut answers at the row
    cap on a row boundary and serve every negotiated format.

    Examples:
        >>> triple = ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c"))
        >>> shape([triple, triple], GRAPH, QueryJob("", accept="text/turtle", row_cap=1)).truncated
        True
    """
    fmt = negotiate(job.accept, kind)
    if fmt is None:
        return not_acceptable(kind)
    try:
        if isinstance(results, ox.QuerySolutions):
            return _solutions(results, fmt, job.row_cap)
        if isinstance(results, ox.QueryBoolean):
            return Answer(200, serialize(results, fmt), fmt.media_type)
        return _triples(results, fmt, job.row_cap)
    except OSError as error:  # Oxigraph evaluates lazily: failures surface while reading
        return Answer.error(500, f"query failed: {error}")


class Engine(Protocol):
    """Where jobs are answered: the embedded store's workers or a remote endpoint."""

    async def start(self) -> None:
        """Get ready to answer."""

    async def run(self, job: QueryJob) -> Answer:
        """Answer a job within the time limit (503 past it)."""

    async def close(self) -> None:
        """Release processes and connections."""
