"""Answer one SPARQL request against a store: check, run, cap and serialise it.

This is what a query worker does with each job, so everything here is plain data in,
plain data out (both cross a process boundary). An answer is always whole: rows past
the cap are dropped at a row boundary and the answer says so, never a cut-off body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, TypeVar

import pyoxigraph as ox
from rdflib.term import Node

from rarekg.formats import FORMATS, GRAPH, RESULTS, Format, kind_of, negotiate, serialize
from rarekg.kg import QueryError, run_query
from rarekg.namespaces import PREFIXES
from rarekg.settings import Settings

T = TypeVar("T")
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JSON_TYPE = "application/json"
#: Where Oxigraph's SPARQL parser says it stopped: ``error at LINE:COLUMN: ...``.
_ERROR_AT = re.compile(r"\berror at (\d+):(\d+)\b")


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
        max_bytes: largest answer body.
    """

    text: str
    accept: str | None = None
    bindings: tuple[tuple[str, Node], ...] = ()
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    row_cap: int = Settings.row_cap
    max_bytes: int = Settings.max_answer_bytes


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer: status, body, media type, and whether rows were dropped."""

    status: int
    body: bytes
    media_type: str
    truncated: bool = False

    @classmethod
    def error(cls, status: int, message: str, where: dict[str, int] | None = None) -> Answer:
        """A JSON error answer; ``where`` adds the ``line`` and ``column`` it is about.

        Examples:
            >>> Answer.error(400, "bad").body
            b'{"error": "bad", "status": 400}'
            >>> Answer.error(400, "bad", {"line": 2, "column": 5}).body
            b'{"error": "bad", "status": 400, "line": 2, "column": 5}'
        """
        body = json.dumps({"error": message, "status": status, **(where or {})})
        return cls(status, body.encode("utf-8"), JSON_TYPE)


def error_position(message: str) -> dict[str, int] | None:
    """The line and column (from 1, in characters) a SPARQL parser's message names.

    Oxigraph's parser reports the furthest place it read before it failed; the query
    editor marks that place in the text.

    Examples:
        >>> error_position("invalid SPARQL: error at 3:21: expected one of BIND, [_]")
        {'line': 3, 'column': 21}
        >>> error_position("query failed: timeout") is None
        True
    """
    found = _ERROR_AT.search(message)
    if found is None:
        return None
    return {"line": int(found[1]), "column": int(found[2])}


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


def _fit(items: list[T], render: Callable[[list[T]], bytes], max_bytes: int) -> tuple[bytes, int]:
    """Render as many leading items as fit in ``max_bytes``; return the body and how many.

    The items were gathered against an estimate of their size; a format more verbose
    than the estimate (XML) drops rows from the end until the body fits.

    Examples:
        >>> _fit(list("abcdef"), lambda xs: "".join(xs).encode(), 4)
        (b'abc', 3)
    """
    kept = len(items)
    body = render(items)
    while len(body) > max_bytes and kept:
        kept = min(kept - 1, kept * max_bytes * 9 // (10 * len(body)))
        body = render(items[:kept])
    return body, kept


def _gather(results: Iterable[T], size: Callable[[T], int], job: QueryJob) -> tuple[list[T], bool]:
    """Take results while they fit the row cap and, by estimate, the byte cap."""
    taken: list[T] = []
    used = 0
    for item in islice(results, job.row_cap + 1):
        used += size(item)
        if len(taken) == job.row_cap or used > job.max_bytes:
            return taken, True
        taken.append(item)
    return taken, False


def _solutions(results: ox.QuerySolutions, fmt: Format, job: QueryJob) -> Answer:
    names = [v.value for v in results.variables]
    rows = ({n: json_term(t) for n in names if (t := row[n]) is not None} for row in results)
    bindings, truncated = _gather(rows, lambda row: len(json.dumps(row)), job)

    def render(kept: list[dict[str, dict[str, object]]]) -> bytes:
        head = {"head": {"vars": names}, "results": {"bindings": kept}}
        body = json.dumps(head).encode()
        if fmt.name == "json":
            return body
        return serialize(ox.parse_query_results(body, ox.QueryResultsFormat.JSON), fmt)

    body, kept = _fit(bindings, render, job.max_bytes)
    return Answer(200, body, fmt.media_type, truncated or kept < len(bindings))


def _triples(results: Iterable[ox.Triple], fmt: Format, job: QueryJob) -> Answer:
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    rdf_format = fmt.oxigraph
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
    triples, truncated = _gather(results, lambda triple: len(str(triple)), job)

    def render(kept: list[ox.Triple]) -> bytes:
        body = ox.serialize(kept, format=rdf_format, prefixes=prefixes)
        assert body is not None, "serialising to memory returns the bytes"
        return body

    body, kept = _fit(triples, render, job.max_bytes)
    return Answer(200, body, fmt.media_type, truncated or kept < len(triples))


def answer(store: ox.Store, job: QueryJob) -> Answer:
    """Run a job against a store and return the whole HTTP answer.

    The job has passed the entry check (:func:`rarekg.server.guard.check`); the
    engine's parser is the only one, so a syntax error is the client's (400).

    Args:
        store: the store to query (a worker's copy of the knowledge graph).
        job: the query and what the request said about it.

    Examples:
        >>> answer(ox.Store(), QueryJob("ASK {}")).body
        b'{"head":{},"boolean":true}'
        >>> answer(ox.Store(), QueryJob("ASK {")).status
        400
    """
    try:
        results = run_query(
            store, job.text, dict(job.bindings), job.default_graph, job.named_graphs
        )
    except QueryError as error:
        if isinstance(error.__cause__, SyntaxError):
            return Answer.error(400, str(error), error_position(str(error)))
        return Answer.error(500, str(error))
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
            return _solutions(results, fmt, job)
        if isinstance(results, ox.QueryBoolean):
            return Answer(200, serialize(results, fmt), fmt.media_type)
        return _triples(results, fmt, job)
    except OSError as error:  # Oxigraph evaluates lazily: failures surface while reading
        return Answer.error(500, f"query failed: {error}")


@dataclass(frozen=True)
class Reshape:
    """A remote store's answer to read, cap and serialise as the job's client asked."""

    body: bytes
    media_type: str
    job: QueryJob


def reshape(got: Reshape) -> Answer:
    """Read a store's answer and cap and serialise it; a malformed answer is the store's fault.

    Examples:
        >>> reshape(Reshape(b"{oops", "application/sparql-results+json", QueryJob(""))).status
        502
    """
    try:
        results_format = ox.QueryResultsFormat.from_media_type(got.media_type)
        if results_format is not None:
            results = ox.parse_query_results(got.body, results_format)
            return shape(results, RESULTS, got.job)
        graph_format = ox.RdfFormat.from_media_type(got.media_type)
        if graph_format is None:
            return Answer.error(502, f"the store answered in an unknown format {got.media_type}")
        triples = [quad.triple for quad in ox.parse(got.body, format=graph_format)]
        return shape(triples, GRAPH, got.job)
    except (SyntaxError, ValueError, OSError) as error:
        from rarekg.remote import excerpt  # with httpx: a query worker of no remote skips it

        return Answer.error(502, f"the store's answer is malformed: {excerpt(str(error))}")


class Engine(Protocol):
    """Where jobs are answered: the embedded store's workers or a remote endpoint."""

    async def start(self) -> None:
        """Get ready to answer."""

    async def run(self, job: QueryJob) -> Answer:
        """Answer a job within the time limit (503 past it)."""

    async def close(self) -> None:
        """Release processes and connections."""
