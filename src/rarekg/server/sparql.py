"""The SPARQL 1.1 Protocol, query half: read a request into a job, or refuse it.

Queries arrive by GET (``?query=``), by POST of a URL-encoded form, or by POST of the
query itself (``application/sparql-query``). ``default-graph-uri`` and
``named-graph-uri`` give the dataset; without them the default graph is the union of
all graphs and every graph is named. Updates are refused: the endpoint is read-only.

References:
    SPARQL 1.1 Protocol, W3C Recommendation 21 March 2013, section 2.1 (query
    operation) and its test manifest (bad-* and query-* cases).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from rarekg.formats import GRAPH, RESULTS, negotiate
from rarekg.server.execute import Answer, QueryJob, not_acceptable
from rarekg.server.guard import READ_ONLY

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_DATASET = ("default-graph-uri", "named-graph-uri")


class ProtocolError(Exception):
    """A request the protocol does not allow; carries the HTTP answer to give."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        super().__init__(answer.body.decode("utf-8"))


def _refuse(status: int, message: str) -> ProtocolError:
    return ProtocolError(Answer.error(status, message))


@dataclass(frozen=True)
class Request:
    """What an HTTP request to the endpoint carries, before it is interpreted."""

    method: str
    query_string: bytes
    content_type: str | None
    body: bytes
    accept: str | None


def media_type(header: str | None) -> tuple[str | None, str | None]:
    """Split a ``Content-Type`` header into its media type and charset.

    Examples:
        >>> media_type("application/sparql-query; charset=UTF-8")
        ('application/sparql-query', 'utf-8')
        >>> media_type(None)
        (None, None)
    """
    if not header:
        return None, None
    media, *params = (p.strip() for p in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _utf8(data: bytes, what: str, status: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refuse(status, f"{what} is not UTF-8: {error}") from None


def _pairs(encoded: bytes, what: str, status: int) -> list[tuple[str, str]]:
    text = _utf8(encoded, what, status)
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise _refuse(status, f"{what} holds %-escapes that are not UTF-8: {error}") from None


def _graphs(pairs: Sequence[tuple[str, str]], key: str) -> tuple[str, ...]:
    iris = tuple(value for name, value in pairs if name == key)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise _refuse(400, f"{key} {iri!r} is not an absolute IRI: {error}") from None
    return iris


def parse(request: Request) -> QueryJob | None:
    """Turn a protocol request into a job; ``None`` asks for the service description.

    Examples:
        >>> job = parse(Request("GET", b"query=ASK%20%7B%7D", None, b"", None))
        >>> job.text, job.default_graph
        ('ASK {}', None)
        >>> parse(Request("GET", b"", None, b"", None)) is None
        True

    Raises:
        ProtocolError: 400 for a missing, repeated or undecodable query or a bad graph
            IRI; 403 for an update; 415 for a body of another media type or charset;
            406 when no acceptable media type can be served.
    """
    pairs = _pairs(request.query_string, "the query string", 400)
    text: str | None = None
    if request.method == "POST":
        media, charset = media_type(request.content_type)
        if media == UPDATE:
            raise _refuse(403, READ_ONLY)
        if media not in (FORM, DIRECT):
            given = f"media type {media}" if media else "no media type"
            raise _refuse(415, f"a query POST needs {FORM} or {DIRECT}, not {given}")
        if charset not in (None, "utf-8"):
            raise _refuse(415, f"the request body must be UTF-8, not {charset}")
        if media == FORM:
            pairs += _pairs(request.body, "the form body", 415)
        else:
            text = _utf8(request.body, "the query body", 415)
    if any(name == "update" for name, _ in pairs):
        raise _refuse(403, READ_ONLY)
    queries = [value for name, value in pairs if name == "query"]
    if text is not None:
        queries.append(text)
    if len(queries) > 1:
        raise _refuse(400, f"the request carries {len(queries)} queries; send exactly one")
    if not queries:
        if request.method == "GET" and not pairs:
            return None
        raise _refuse(400, "the request carries no query (the 'query' parameter)")
    if negotiate(request.accept, RESULTS) is None and negotiate(request.accept, GRAPH) is None:
        raise ProtocolError(not_acceptable())
    dataset = any(name in _DATASET for name, _ in pairs)
    return QueryJob(
        text=queries[0],
        accept=request.accept,
        default_graph=_graphs(pairs, "default-graph-uri") if dataset else None,
        named_graphs=_graphs(pairs, "named-graph-uri") if dataset else None,
    )
