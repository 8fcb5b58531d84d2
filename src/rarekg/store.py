"""The Oxigraph-backed store: parse the Turtle sources, one named graph per file.

Every file is parsed before anything is written, so a syntax error anywhere stops
the load with the file, line and column and leaves the store untouched. The store is
exposed as a ``pyoxigraph.Store`` (for SPARQL in Oxigraph's engine), and through
:mod:`rarekg.rdflib_view` as an rdflib ``Dataset`` (for the rdflib API).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from rarekg.namespaces import graph_iri

#: What pyoxigraph accepts as a query's default graph.
GraphList = list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]

#: What a pyoxigraph query returns.
QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def graph_nodes(sources: Iterable[SourceFile]) -> GraphList:
    """The named-graph nodes of ``sources``, for a query's default graph."""
    return [ox.NamedNode(str(s.graph)) for s in sources]


class LoadError(Exception):
    """A source file could not be read or parsed.

    Attributes:
        path: the file.
        line: 1-based line of the error, when the parser gave one.
        column: 1-based column of the error, when the parser gave one.
        reason: what went wrong, in the parser's or the operating system's words.
    """

    def __init__(
        self, path: Path, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class SourceFile:
    """A Turtle file and the named graph it is loaded into."""

    path: Path
    graph: URIRef

    @classmethod
    def for_path(cls, path: Path, graph_name: str | None = None) -> SourceFile:
        """Name the graph after the file stem unless a name is given."""
        return cls(path, graph_iri(graph_name or path.stem))


def parse_file(source: SourceFile) -> list[ox.Quad]:
    """Parse one Turtle file into quads in its named graph.

    Blank nodes are renamed so that ``_:x`` in two files stays two nodes.

    Raises:
        LoadError: the file is missing, unreadable, not UTF-8 or not valid Turtle.
    """
    try:
        data = source.path.read_bytes()
    except OSError as error:
        raise LoadError(source.path, error.strerror or str(error)) from error
    graph = ox.NamedNode(str(source.graph))
    try:
        triples = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=None, rename_blank_nodes=True)
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    except SyntaxError as error:
        # pyoxigraph reports "Parser error between line L column C and ...": keep the
        # reason after the position, which we give in our own form.
        reason = str(error.msg).split(": ", 1)[-1]
        raise LoadError(source.path, reason, error.lineno, error.offset) from error


def parse_files(sources: Iterable[SourceFile]) -> list[ox.Quad]:
    """Parse every file first; raise on the first bad one so nothing is half-loaded."""
    quads: list[ox.Quad] = []
    for source in sources:
        quads.extend(parse_file(source))
    return quads


def new_store(path: str | Path | None = None) -> ox.Store:
    """Return an in-memory Oxigraph store, or one on disk at ``path``."""
    return ox.Store(str(path)) if path is not None else ox.Store()


def load_into(store: ox.Store, sources: Sequence[SourceFile]) -> int:
    """Parse ``sources`` and add them to ``store`` in one transaction.

    Returns:
        The number of quads added.

    Raises:
        LoadError: a file is missing or malformed; the store is left unchanged.
    """
    quads = parse_files(sources)
    for source in sources:
        store.clear_graph(ox.NamedNode(str(source.graph)))
    store.extend(quads)
    return len(quads)
