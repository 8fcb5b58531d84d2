"""The SPARQL query library: discover ``.rq`` files, read their headers, bind and run them.

Each file holds one question. Its header is a block of ``#+ key: value`` comment
lines (grlc's convention); a line ``#+   more`` continues the previous key, and each
parameter is one ``#+ param: name | type | example | description`` line. A type
ending in ``?`` marks the parameter optional. Values arrive as the strings a user
typed and are bound by the engine to the variable ``?name``, never pasted into text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from rarekg.kg import KnowledgeGraph
from rarekg.names import ResolveError, Resolver, as_iri
from rarekg.paths import parse_header
from rarekg.store import QueryResults

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_NAME = 100


class QueryNotFoundError(LookupError):
    """No library query has the name asked for, or the file does not exist."""


class QueryParameterError(ValueError):
    """A parameter is unknown, missing or not of its declared type.

    Attributes:
        parameter: the parameter's name, or ``None`` when the problem is not one value.
    """

    def __init__(self, parameter: str | None, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


@dataclass(frozen=True)
class Parameter:
    """A value a query needs, bound by the engine to the variable ``?name``."""

    name: str
    type: str
    example: str
    description: str
    required: bool = True


@dataclass(frozen=True)
class LibraryQuery:
    """One question of the library."""

    name: str
    path: Path | None
    text: str
    title: str
    description: str
    returns: str
    parameters: tuple[Parameter, ...]

    def describe(self) -> dict[str, Any]:
        r"""The header as plain data, for ``rarekg queries --format json`` and the server.

        Examples:
            >>> LibraryQuery.from_text("#+ title: T\n", "t").describe()["title"]
            'T'
        """
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "returns": self.returns,
            "parameters": [asdict(p) for p in self.parameters],
        }

    @classmethod
    def from_text(cls, text: str, name: str, path: Path | None = None) -> LibraryQuery:
        r"""Read a query and its header from text (a file's or standard input's).

        Examples:
            >>> q = LibraryQuery.from_text("#+ title: T\n#+ param: x | year? | 2024 | y\n", "t")
            >>> q.title, q.parameters[0].type, q.parameters[0].required
            ('T', 'year', False)

        Raises:
            ValueError: a ``#+ param:`` line is malformed or names an unknown type.
        """
        header = parse_header(text)

        def first(key: str) -> str:
            return header.get(key, [""])[0]

        return cls(
            name=name,
            path=path,
            text=text,
            title=first("title") or first("summary") or name,
            description=first("description") or first("summary"),
            returns=first("returns"),
            parameters=tuple(_parameter(spec, path or name) for spec in header.get("param", [])),
        )


def _parameter(spec: str, where: Path | str) -> Parameter:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 4 or not parts[0].isidentifier():
        raise ValueError(
            f"{where}: bad '#+ param:' line {spec!r}: want 'name | type | example | text'"
        )
    name, kind, example, description = parts
    required = not kind.endswith("?")
    kind = kind.rstrip("?")
    if kind not in PARAMETER_TYPES:
        raise ValueError(
            f"{where}: parameter {name!r} has unknown type {kind!r}; "
            f"use one of {', '.join(PARAMETER_TYPES)}"
        )
    return Parameter(name, kind, example, description, required)


def read_query(path: Path) -> LibraryQuery:
    """Read one ``.rq`` file with its header; its name is the file name without ``.rq``.

    Raises:
        ValueError: a ``#+ param:`` line is malformed.
        OSError: the file cannot be read.
    """
    return LibraryQuery.from_text(path.read_text("utf-8"), path.stem, path)


def discover(directory: Path) -> list[LibraryQuery]:
    """Return the queries directly in ``directory``, sorted by name."""
    return [read_query(path) for path in sorted(directory.glob("*.rq"))]


def library(kg: KnowledgeGraph) -> list[LibraryQuery]:
    """Return the query library of a knowledge graph, sorted by name."""
    return discover(kg.artefacts.queries_dir)


def find_query(kg: KnowledgeGraph, query: str | Path) -> LibraryQuery:
    """Find a query: a ``str`` is a library name only, a ``Path`` a ``.rq`` file.

    Names are kebab-case, so a name from a URL can never reach outside the library.

    Raises:
        QueryNotFoundError: no such library query or file; the message suggests
            close names.
    """
    if isinstance(query, Path):
        if not query.is_file():
            raise QueryNotFoundError(f"no query file {query}")
        return read_query(query)
    # A name past any file name's length is no query (and must not reach the OS).
    if len(query) <= _MAX_NAME and _NAME.fullmatch(query):
        path = kg.artefacts.queries_dir / f"{query}.rq"
        if path.is_file():
            return read_query(path)
    names = [q.stem for q in kg.artefacts.queries_dir.glob("*.rq")]
    close = difflib.get_close_matches(query[:_MAX_NAME], names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `rarekg queries` lists them"
    shown = query if len(query) <= _MAX_NAME else query[:_MAX_NAME] + "…"
    raise QueryNotFoundError(f"no library query named {shown!r}{hint}")


# --------------------------------------------------------------------------- binding


def _expected(kind: str, example: str) -> str:
    return f"expected {PARAMETER_TYPES[kind][0]}, e.g. {example}"


def _date(text: str) -> Node:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)


def _year(text: str) -> Node:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(text)
    return Literal(text, datatype=XSD.gYear)


def _integer(text: str) -> Node:
    return Literal(str(int(text)), datatype=XSD.integer)


def _decimal(text: str) -> Node:
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not number.is_finite():
        raise ValueError(text)
    return Literal(str(number), datatype=XSD.decimal)


def _string(text: str) -> Node:
    return Literal(text)


def _iri(text: str) -> Node:
    iri = as_iri(text)
    if iri is None:
        raise ValueError(text)
    return URIRef(iri)


#: Parameter types: name -> (what the value looks like, parser of the typed text).
PARAMETER_TYPES: dict[str, tuple[str, Callable[[str], Node]]] = {
    "iri": ("an IRI, a prefixed name such as rkr:China, or a label", _iri),
    "date": ("a date YYYY-MM-DD", _date),
    "year": ("a year YYYY", _year),
    "string": ("text", _string),
    "integer": ("a whole number", _integer),
    "decimal": ("a decimal number", _decimal),
}


def _resolve_iri(kg: KnowledgeGraph, parameter: Parameter, text: str) -> Node:
    """Resolve a typed value to an IRI that is in the graph, by the one resolver.

    Takes an IRI, a prefixed name, a resource's local name (``Separation`` for
    ``rkr:Separation``) or a name of exactly one thing (:mod:`rarekg.names`).
    """
    try:
        return URIRef(kg.cached(Resolver.from_graph).resolve(text))
    except ResolveError as error:
        raise QueryParameterError(
            parameter.name, f"parameter {parameter.name!r}: {error}"
        ) from None


def bind_parameters(
    query: LibraryQuery, params: Mapping[str, str], kg: KnowledgeGraph | None = None
) -> dict[str, Node]:
    r"""Check and type the parameter values a user gave, for the engine to bind.

    Args:
        query: the query whose header declares the parameters.
        params: parameter name to the text typed.
        kg: the graph to resolve labels and check IRIs against; without it an ``iri``
            parameter takes only IRIs and prefixed names, unchecked.

    Examples:
        >>> q = LibraryQuery.from_text("#+ param: year | year | 2024 | a year\n", "q")
        >>> bind_parameters(q, {"year": "2024"})["year"].datatype.endswith("gYear")
        True
        >>> bind_parameters(q, {"year": "24"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        rarekg.queries.QueryParameterError: parameter 'year': '24' is not valid (expected a year...

    Raises:
        QueryParameterError: an unknown parameter, a missing required one, or a value
            not of the declared type (the message names the parameter and the type).
    """
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryParameterError(
            unknown[0], f"{query.name} has no parameter {unknown[0]!r} (parameters: {known})"
        )
    missing = [p.name for p in query.parameters if p.required and p.name not in params]
    if missing:
        spec = declared[missing[0]]
        raise QueryParameterError(
            spec.name,
            f"{query.name} needs parameter {spec.name!r} ({_expected(spec.type, spec.example)})",
        )
    bindings: dict[str, Node] = {}
    for name, text in params.items():
        spec = declared[name]
        value = text.strip()
        if spec.type == "iri" and kg is not None:
            bindings[name] = _resolve_iri(kg, spec, value)
            continue
        try:
            bindings[name] = PARAMETER_TYPES[spec.type][1](value)
        except ValueError:
            raise QueryParameterError(
                name,
                f"parameter {name!r}: {value!r} is not valid "
                f"({_expected(spec.type, spec.example)})",
            ) from None
    return bindings


def run_library_query(
    kg: KnowledgeGraph,
    query: str | Path | LibraryQuery,
    params: Mapping[str, str] | None = None,
) -> QueryResults:
    """Run a library query (by name), a ``.rq`` file or a parsed query with parameters.

    Args:
        kg: the knowledge graph.
        query: a library name such as ``"controls-in-force"``, a ``Path`` to a ``.rq``
            file, or a :class:`LibraryQuery`.
        params: parameter name to the text a user typed, typed and checked against
            the query's header.

    Returns:
        The native pyoxigraph results (serialise them with :mod:`rarekg.formats`).

    Raises:
        QueryNotFoundError: no such query.
        QueryParameterError: a parameter is unknown, missing or of the wrong type.
        rarekg.QueryError: the query text is not valid SPARQL.
    """
    if not isinstance(query, LibraryQuery):
        query = find_query(kg, query)
    return kg.run(query.text, bind_parameters(query, params or {}, kg))
