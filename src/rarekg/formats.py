"""Result formats: one table of names and media types for the CLI and the server.

SELECT and ASK results serialise as SPARQL JSON, XML, CSV or TSV (or a plain-text
table for people); CONSTRUCT and DESCRIBE graphs as Turtle, N-Triples, JSON-LD or
RDF/XML. Content negotiation reads an HTTP ``Accept`` header against the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from rarekg.namespaces import PREFIXES
from rarekg.store import QueryResults

RESULTS = "results"  #: the kind of SELECT and ASK answers
GRAPH = "graph"  #: the kind of CONSTRUCT and DESCRIBE answers


@dataclass(frozen=True)
class Format:
    """A serialisation of query answers.

    Attributes:
        name: what the CLI's ``--format`` and the server's ``format`` parameter call it.
        kind: :data:`RESULTS` or :data:`GRAPH`.
        media_type: the media type it is served as.
        accepts: further media types a client may ask for it by.
        oxigraph: pyoxigraph's format, or ``None`` for our plain-text table.
    """

    name: str
    kind: str
    media_type: str
    accepts: tuple[str, ...] = ()
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat | None = None


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        RESULTS,
        "application/sparql-results+json",
        ("application/json",),
        ox.QueryResultsFormat.JSON,
    ),
    Format(
        "xml",
        RESULTS,
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        ox.QueryResultsFormat.XML,
    ),
    Format("csv", RESULTS, "text/csv", (), ox.QueryResultsFormat.CSV),
    Format("tsv", RESULTS, "text/tab-separated-values", (), ox.QueryResultsFormat.TSV),
    Format("table", RESULTS, "text/plain"),
    Format("turtle", GRAPH, "text/turtle", ("application/x-turtle",), ox.RdfFormat.TURTLE),
    Format("nt", GRAPH, "application/n-triples", ("text/plain",), ox.RdfFormat.N_TRIPLES),
    Format("jsonld", GRAPH, "application/ld+json", ("application/json",), ox.RdfFormat.JSON_LD),
    Format(
        "rdfxml",
        GRAPH,
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ox.RdfFormat.RDF_XML,
    ),
)

#: The format served when a client states no preference.
DEFAULTS = {RESULTS: "json", GRAPH: "turtle"}
#: What ``--format json`` or ``table`` means for a graph.
_GRAPH_ALIASES = {"json": "jsonld", "table": "turtle"}


class FormatError(ValueError):
    """A format was asked for that this kind of answer cannot be given in."""


def kind_of(results: QueryResults) -> str:
    """Tell whether native results are a result set (SELECT, ASK) or a graph."""
    return GRAPH if isinstance(results, ox.QueryTriples) else RESULTS


def by_name(name: str, kind: str) -> Format:
    """Find a format by its name for a kind of answer.

    Examples:
        >>> by_name("csv", RESULTS).media_type
        'text/csv'
        >>> by_name("json", GRAPH).name
        'jsonld'

    Raises:
        FormatError: no such format for that kind; the message lists the choices.
    """
    wanted = _GRAPH_ALIASES.get(name, name) if kind == GRAPH else name
    for fmt in FORMATS:
        if fmt.kind == kind and fmt.name == wanted:
            return fmt
    choices = ", ".join(f.name for f in FORMATS if f.kind == kind)
    answer = "SELECT and ASK" if kind == RESULTS else "CONSTRUCT and DESCRIBE"
    raise FormatError(f"format {name!r} is not available for {answer} answers; use {choices}")


def _accept_ranges(accept: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    return sorted(ranges)


def prefers_html(accept: str | None) -> bool:
    """Tell whether an ``Accept`` header asks for a page for people before any RDF.

    Browsers put ``text/html`` first; RDF clients name a graph format, and ``*/*`` or
    no header at all takes our default graph format.

    Examples:
        >>> prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
        True
        >>> prefers_html("text/turtle, text/html;q=0.5"), prefers_html(None)
        (False, False)
    """
    for _, _, media in _accept_ranges(accept or ""):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media == "*/*" or negotiate(media, GRAPH) is not None:
            return False
    return False


def negotiate(accept: str | None, kind: str) -> Format | None:
    """Pick the format an HTTP ``Accept`` header prefers for a kind of answer.

    Quality values order the choices; ``*/*`` and ``type/*`` take the default or the
    first match. An empty header means no preference.

    Examples:
        >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS).name
        'xml'
        >>> negotiate("*/*", GRAPH).name
        'turtle'
        >>> negotiate("image/png", RESULTS) is None
        True

    Returns:
        The format, or ``None`` when nothing acceptable can be served (HTTP 406).
    """
    if not accept or not accept.strip():
        return by_name(DEFAULTS[kind], kind)
    candidates = [f for f in FORMATS if f.kind == kind and f.oxigraph is not None]
    for _, _, media in _accept_ranges(accept):
        if media == "*/*":
            return by_name(DEFAULTS[kind], kind)
        for fmt in candidates:
            types = (fmt.media_type, *fmt.accepts)
            if media in types or (media.endswith("/*") and fmt.media_type.startswith(media[:-1])):
                return fmt
    return None


def compact(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """Write a term briefly for people: prefixed names, plain literal values.

    Examples:
        >>> compact(ox.NamedNode("https://w3id.org/rarekg/resource/Dysprosium"))
        'rkr:Dysprosium'
        >>> compact(ox.Literal("Dy"))
        'Dy'
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and local and "/" not in local:
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Fixed-width columns under a ruled header: the one table printer for people.

    Examples:
        >>> print(text_table(["name", "n"], [["Dy", "66"]]))
        name  n
        ----  --
        Dy    66
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [list(header), ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def table(results: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """Render SELECT rows as fixed-width columns, or an ASK answer as yes or no."""
    if isinstance(results, ox.QueryBoolean):
        return "yes" if bool(results) else "no"
    names = [v.value for v in results.variables]
    rows = [[compact(solution[name]) for name in names] for solution in results]
    counted = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return text_table(names, rows) + "\n" + counted


def serialize(results: QueryResults, fmt: Format) -> bytes:
    """Serialise native query results in a format of their kind.

    Raises:
        FormatError: the format does not fit the kind of results.
    """
    if fmt.kind != kind_of(results):
        raise FormatError(f"{fmt.name} cannot hold {kind_of(results)} answers")
    if isinstance(results, ox.QueryTriples):
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        prefixes = PREFIXES if fmt.oxigraph == ox.RdfFormat.TURTLE else None
        data = ox.serialize(results, format=fmt.oxigraph, prefixes=prefixes)
    elif fmt.oxigraph is None:
        data = (table(results) + "\n").encode("utf-8")
    else:
        assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
        data = results.serialize(format=fmt.oxigraph)
    assert data is not None, "serialising to memory returns the bytes"
    return data
