"""Convert a CSV file to RDF through its CSVW mapping, streaming, or stop at the first bad cell.

The mapping is data: a W3C CSVW metadata document ("Metadata Vocabulary for Tabular Data"),
read and checked by the ``csvw`` library (its table schema, dialect, column datatypes and
their constraints). Rows become triples as in W3C "Generating RDF from Tabular Data on
the Web" (CSV2RDF, minimal mode): the subject from ``aboutUrl``, the predicate from
``propertyUrl``, the object from ``valueUrl`` or else the cell as a literal of the
column's datatype; null cells give no triple; virtual columns add constant triples.

rarekg adds two non-core annotations, which a generic CSVW processor ignores:

* ``"rarekg:resolve": KIND`` on a column: the cell names a thing, and
  :mod:`rarekg.imports.resolve` turns it into a node (or a literal); templates that name
  the column see the node's IRI;
* ``"rarekg:check": "bill-of-materials"`` on the table: the rows must also make one tree
  of parts (:func:`rarekg.analysis.bom.read_bom`, the one reader of bills of materials).

URI templates may use ``{name}`` and ``{+name}`` (RFC 6570 levels 1 and 2); relative IRIs
resolve against ``https://w3id.org/rarekg/user/<stem>/``, prefixed names
(``rkg:exporter``) against :data:`rarekg.namespaces.PREFIXES`. Output is N-Triples (so
also Turtle), written through :func:`rarekg.paths.write_atomically`: a bad row leaves
nothing behind.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urljoin

from csvw.metadata import Column, Table

from rarekg.analysis.bom import BomError, read_bom
from rarekg.imports.resolve import CellError, Resolvers, iri_term, literal_term
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import PREFIXES
from rarekg.paths import write_atomically
from rarekg.store import LoadError

#: Where minted nodes of an import named ``stem`` live: ``USER_BASE + stem + "/"``.
USER_BASE = "https://w3id.org/rarekg/user/"
#: The shipped mappings, one per layout.
MAPPINGS = Path(__file__).parent / "mappings"
LAYOUTS = ("bom", "suppliers", "comtrade")
#: A CSVW mapping beside ``NAME.csv`` is ``NAME.csv-metadata.json`` (CSVW's default location).
METADATA_SUFFIX = "-metadata.json"
_TEMPLATE = re.compile(r"\{(\+?)([A-Za-z_][A-Za-z0-9_]*)\}")
_PREFIXED = re.compile(r"([A-Za-z][\w-]*):(\S*)")
_RESERVED = ":/?#[]@!$&'()*+,;=%"
_XSD = PREFIXES["xsd"]
#: CSVW's datatype names that are not XSD names, to their XSD datatype.
_DATATYPES = {"number": _XSD + "double", "any": _XSD + "anyAtomicType"}


class ImportFailure(LoadError):
    """A CSV file or its mapping cannot be imported; nothing was written.

    Attributes:
        path: the CSV file (or the mapping, for a bad mapping).
        row: the row, counted as a spreadsheet does (the header is row 1), if known.
        column_name: the column's name, if known.
        reason: what is wrong.
    """

    def __init__(
        self, path: Path, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.path, self.reason, self.line, self.column = path, reason, row, None
        self.row, self.column_name = row, column
        Exception.__init__(self, str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.row is not None:
            where += f":{self.row}"
            if self.column_name is not None:
                where += f":{self.column_name}"
        return f"{where}: {self.reason}"


def layout_mapping(layout: str) -> Path:
    """The shipped mapping of a layout (``bom``, ``suppliers`` or ``comtrade``)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; the layouts are {', '.join(LAYOUTS)}")
    return MAPPINGS / f"{layout}.csv{METADATA_SUFFIX}"


class Template:
    """A URI template of levels 1-2, compiled once, expanded per row.

    Examples:
        >>> Template("obs/{_row}", "https://w3id.org/rarekg/user/t/").expand({"_row": "7"})
        'https://w3id.org/rarekg/user/t/obs/7'
        >>> Template("rkg:exporter", "x:").expand({})
        'https://w3id.org/rarekg/ontology#exporter'
    """

    def __init__(self, text: str, base: str) -> None:
        self.text, self.base = text, base
        self.parts = _TEMPLATE.split(text)
        if "{" in _TEMPLATE.sub("", text) or "}" in _TEMPLATE.sub("", text):
            raise ValueError(f"URI template {text!r}: only {{name}} and {{+name}} are supported")
        self.names = [self.parts[i + 1] for i in range(1, len(self.parts), 3)]
        self.constant = None if self.names else self._absolute(text)
        # A plain relative path ("trade/{_row}") joins the base by concatenation, which
        # is what urljoin does for it, without parsing both IRIs on every row.
        head = self.parts[0]
        self._under_base = bool(head) and head[0].isalnum() and ":" not in head and "." not in head

    def _absolute(self, text: str) -> str:
        if "://" in text:
            return text
        prefixed = _PREFIXED.fullmatch(text)
        if prefixed and prefixed.group(1) in PREFIXES:
            return PREFIXES[prefixed.group(1)] + prefixed.group(2)
        return urljoin(self.base, text)

    def expand(self, values: Mapping[str, str]) -> str:
        """The IRI for one row's values (missing values expand to nothing)."""
        if self.constant is not None:
            return self.constant
        out = []
        for i, part in enumerate(self.parts):
            kind = i % 3
            if kind == 0:
                out.append(part)
            elif kind == 2:
                value = values.get(part) or ""
                reserved = self.parts[i - 1] == "+"
                out.append(quote(value, safe=_RESERVED if reserved else ""))
        if self._under_base:
            return self.base + "".join(out)
        return self._absolute("".join(out))


_NEEDS_ESCAPE = re.compile(r'["\\\n\r]')


@dataclass
class _Column:
    """One column of the mapping, compiled: how to read its cells and what they become."""

    name: str
    virtual: bool
    required: bool
    null: frozenset[str]
    default: str | None
    read: Callable[[str], Any] | None
    datatype: str | None
    lang: str | None
    resolve: str | None
    about: Template | None
    property: Template | None
    value: Template | None
    text: str | None
    output: bool

    def literal(self, text: str) -> str:
        """The cell as an N-Triples literal of the column's datatype."""
        plain = not _NEEDS_ESCAPE.search(text)
        escaped = f'"{text}"' if plain else json.dumps(text, ensure_ascii=False)
        if self.datatype in (None, _XSD + "string"):
            return f"{escaped}@{self.lang}" if self.lang else escaped
        return f"{escaped}^^<{self.datatype}>"


#: Numeric datatypes every plain unsigned integer ("12345") is a valid value of.
_UNSIGNED_OK = frozenset({"decimal", "integer", "double", "float", "number", "nonNegativeInteger"})


def _plain_unsigned_valid(column: Column) -> bool:
    """Tell whether every plain unsigned integer passes the column's datatype and constraints.

    True for a numeric datatype whose only constraint is a minimum of 0 or less: then
    csvw's check of such a cell is known to pass, and is skipped (the hot path of a large
    import: weights and values rarely repeat). Anything else goes through csvw.
    """
    datatype = column.inherit("datatype")
    if datatype is None or str(datatype.base) not in _UNSIGNED_OK:
        return False
    limits: tuple[str, ...] = ("format", "length", "minLength", "maxLength", "maximum")
    limits += ("minExclusive", "maxExclusive", "maxInclusive")
    if any(getattr(datatype, name, None) is not None for name in limits):
        return False
    low = datatype.minimum if datatype.minimum is not None else datatype.minInclusive
    return low is None or float(low) <= 0


def _reader(column: Column) -> Callable[[str], Any] | None:
    """The column's cell check through csvw, each distinct cell checked once.

    Most cells of an import repeat (codes, years, units); a cache of the values seen
    keeps csvw's datatype check off the hot path without a second implementation.
    """
    if column.inherit("datatype") is None:
        return None
    seen: dict[str, Any] = {}
    unsigned = _plain_unsigned_valid(column)

    def read(text: str) -> Any:
        if text in seen or (unsigned and text.isascii() and text.isdigit()):
            return None
        value = column.read(text)
        if len(seen) < 4096:
            seen[text] = value
        return value

    return read


def _datatype_iri(column: Column) -> str | None:
    datatype = column.inherit("datatype")
    if datatype is None:
        return None
    base = str(datatype.base)
    return _DATATYPES.get(base, base if ":" in base else _XSD + base)


def _compile(column: Column, table: Table, base: str, path: Path) -> _Column:
    def template(attribute: str) -> Template | None:
        found = column.inherit(attribute) if attribute != "aboutUrl" else column.aboutUrl
        if found is None:
            return None
        try:
            return Template(str(found.uri if hasattr(found, "uri") else found), base)
        except ValueError as error:
            raise ImportFailure(path, f"column {column.name}: {error}") from None

    props = column.common_props
    default = column.inherit("default")
    return _Column(
        name=str(column.name),
        virtual=bool(column.virtual),
        required=bool(column.inherit("required")),
        null=frozenset(column.inherit_null() or [""]),
        default=str(default) if default else None,
        read=_reader(column),
        datatype=_datatype_iri(column),
        lang=column.inherit("lang") if column.inherit("lang") not in (None, "und") else None,
        resolve=props.get("rarekg:resolve"),
        about=template("aboutUrl"),
        property=template("propertyUrl"),
        value=template("valueUrl"),
        text=props.get("rarekg:text"),
        output=not column.suppressOutput and column.inherit("propertyUrl") is not None,
    )


@dataclass
class Mapping_:
    """A checked mapping: the table, its compiled columns, and what the table asks for."""

    path: Path
    table: Table
    columns: list[_Column]
    about: Template | None
    check: str | None

    @classmethod
    def read(cls, path: Path, stem: str) -> Mapping_:
        """Read a CSVW metadata file; ``"rarekg:layout": NAME`` means a shipped mapping.

        Raises:
            ImportFailure: not JSON, not CSVW metadata, or using what we cannot run.
        """
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise ImportFailure(path, f"cannot read the mapping: {error}") from None
        if isinstance(data, dict) and "rarekg:layout" in data:
            try:
                shipped = layout_mapping(str(data["rarekg:layout"]))
            except ValueError as error:
                raise ImportFailure(path, str(error)) from None
            return cls.read(shipped, stem)
        try:
            table = Table.fromvalue(data)
        except Exception as error:  # csvw raises ValueError, TypeError, KeyError alike
            raise ImportFailure(path, f"not a CSVW table description: {error}") from None
        base = f"{USER_BASE}{quote(stem, safe='')}/"
        columns = [_compile(c, table, base, path) for c in table.tableSchema.columns]
        about = table.tableSchema.inherit("aboutUrl")
        return cls(
            path,
            table,
            columns,
            Template(str(about.uri), base) if about is not None else None,
            table.common_props.get("rarekg:check"),
        )


def _lines(path: Path, stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, each decoded alone so a non-UTF-8 byte names its line."""
    for number, line in enumerate(stream, 1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailure(
                path, f"not UTF-8 (byte {error.start} of the line); save it as UTF-8 CSV", number
            ) from None


def _rows(path: Path, stream: IO[bytes], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows, each with the line it starts on (the header is line 1)."""
    reader = csv.reader(_lines(path, stream), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFailure(path, f"not CSV: {error}", start) from None
        yield start, raw


def _header(path: Path, mapping: Mapping_, header: list[str]) -> list[_Column]:
    """Each header cell's column; unknown, missing and repeated columns are errors."""
    by_name = {c.name: c for c in mapping.columns if not c.virtual}
    names = [h.strip().lstrip("\ufeff") for h in header]
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ImportFailure(
            path,
            f"unknown column(s) {', '.join(map(repr, unknown))}; the mapping "
            f"{mapping.path.name} has {', '.join(by_name)}",
            1,
        )
    missing = [c.name for c in by_name.values() if c.required and c.name not in names]
    if missing:
        raise ImportFailure(path, f"missing required column(s) {', '.join(missing)}", 1)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ImportFailure(path, f"column(s) named twice: {', '.join(repeated)}", 1)
    return [by_name[n] for n in names]


def source_triples(source: str, csv_path: Path, mapping: Mapping_) -> list[str]:
    """The node standing for the imported file, as rks:SourceShape wants a source."""
    issued = datetime.date.fromtimestamp(csv_path.stat().st_mtime).isoformat()
    title = mapping.table.common_props.get("dc:title") or "imported table"
    rdf, dct = PREFIXES["rdf"], PREFIXES["dcterms"]
    return [
        f"<{source}> <{rdf}type> <{PREFIXES['rkg']}Source> .",
        f"<{source}> <{dct}title> {json.dumps(f'{csv_path.name} ({title})')} .",
        f'<{source}> <{dct}publisher> "the user (local data, not curated by rarekg)" .',
        f"<{source}> <{dct}issued> {literal_term(issued, _XSD + 'date')} .",
    ]


class Converter:
    """Turns the rows of one CSV file into N-Triples lines, row by row."""

    def __init__(self, path: Path, mapping: Mapping_, resolvers: Resolvers) -> None:
        self.path, self.mapping, self.resolvers = path, mapping, resolvers
        self.kinds = resolvers.kinds
        for column in mapping.columns:
            if column.resolve is not None and column.resolve not in self.kinds:
                raise ImportFailure(
                    mapping.path,
                    f"column {column.name}: unknown rarekg:resolve {column.resolve!r}; "
                    f"the kinds are {', '.join(self.kinds)}",
                )
        self.virtual = [c for c in mapping.columns if c.virtual]
        # Virtual columns with only a constant value or default give the same term on
        # every row: worked out once.
        self._constant: dict[str, str] = {}

        # Columns whose cells give no triple and need no check are skipped.
        self._skipped = {
            c.name
            for c in mapping.columns
            if not (c.required or c.read or c.resolve or c.output or c.virtual)
        }

    def _cell(
        self, column: _Column, text: str, row: int, cells: dict[str, str], iris: dict[str, str]
    ) -> str | None:
        """The term of one cell, or ``None`` for no triple.

        ``cells`` holds the row's cells as written (what resolvers and text read),
        ``iris`` the same with resolved columns as their nodes (what URI templates read).
        """
        value: str | None = text.strip()
        if value in column.null or value is None:
            value = column.default
        if value is None:
            if column.required:
                raise ImportFailure(self.path, "required, but empty", row, column.name)
            if not column.virtual or (column.resolve, column.text, column.value) == (None,) * 3:
                return None
        try:
            if value is not None and column.read is not None:
                column.read(value)
        except ValueError as error:
            raise ImportFailure(self.path, f"{value!r}: {error}", row, column.name) from None
        try:
            if column.resolve is not None:
                return self.kinds[column.resolve](value, cells)
        except (CellError, ValueError) as error:
            raise ImportFailure(self.path, str(error), row, column.name) from None
        if column.value is not None:
            return iri_term(column.value.expand(iris))
        if column.text is not None:
            return column.literal(_TEMPLATE.sub(lambda m: cells.get(m.group(2), ""), column.text))
        assert value is not None
        return column.literal(value)

    def convert(self, number: int, row: int, header: list[_Column], raw: list[str]) -> list[str]:
        """The triples of one data row (``number`` is CSVW's ``_row``, ``row`` the line)."""
        if len(raw) > len(header):
            raise ImportFailure(self.path, f"more values than the {len(header)} columns", row)
        cells = {c.name: v.strip() for c, v in zip(header, raw, strict=False)}
        cells["_row"] = str(number)
        iris = dict(cells)
        for column in header[len(raw) :]:
            if column.required:
                raise ImportFailure(self.path, "required, but missing", row, column.name)
        terms: list[tuple[_Column, str]] = []
        for column, text in zip(header, raw, strict=False):
            if column.name in self._skipped:
                continue
            term = self._cell(column, text, row, cells, iris)
            if term is not None:
                terms.append((column, term))
                if column.resolve is not None and term.startswith("<"):
                    iris[column.name] = term[1:-1]
        for column in self.virtual:
            if column.name in self._constant:
                terms.append((column, self._constant[column.name]))
                continue
            term = self._cell(column, "", row, cells, iris)
            if (
                term is not None
                and column.resolve is None
                and column.text is None
                and (column.value is None or column.value.constant is not None)
            ):
                self._constant[column.name] = term
            if term is not None:
                terms.append((column, term))
        default_subject = (
            iri_term(self.mapping.about.expand(iris)) if self.mapping.about else f"_:r{number}"
        )
        lines = []
        for column, term in terms:
            if not column.output or column.property is None:
                continue
            subject = iri_term(column.about.expand(iris)) if column.about else default_subject
            lines.append(f"{subject} <{column.property.expand(iris)}> {term} .\n")
        return lines


def _check_tree(path: Path, mapping: Mapping_) -> None:
    """The table-level checks the mapping asks for (``rarekg:check``)."""
    if mapping.check is None:
        return
    if mapping.check != "bill-of-materials":
        raise ImportFailure(mapping.path, f"unknown rarekg:check {mapping.check!r}")
    try:
        read_bom(path.read_bytes())
    except BomError as error:
        found = re.match(r"row (\d+)(?:, column (\w+))?: (.*)", str(error), re.DOTALL)
        if found:
            raise ImportFailure(path, found.group(3), int(found.group(1)), found.group(2)) from None
        raise ImportFailure(path, str(error)) from None


def convert_file(
    csv_path: Path,
    mapping_path: Path,
    output: Path,
    kg: KnowledgeGraph,
    *,
    stem: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Convert ``csv_path`` through the mapping into ``output`` (N-Triples, valid Turtle).

    Streams: one row in memory at a time. ``stem`` names the user graph and the
    namespace of minted nodes (default: ``output``'s stem).

    Returns:
        The number of data rows converted.

    Raises:
        ImportFailure: the mapping, the header or a row is bad (file, row, column and
            reason); ``output`` is then left as it was.
    """
    stem = stem or output.stem
    mapping = Mapping_.read(mapping_path, stem)
    _check_tree(csv_path, mapping)
    source = f"{USER_BASE}{quote(stem, safe='')}/source"
    resolvers = Resolvers(kg, f"{USER_BASE}{quote(stem, safe='')}/", source)
    converter = Converter(csv_path, mapping, resolvers)
    delimiter = str(mapping.table.dialect.delimiter) if mapping.table.dialect else ","
    count = 0

    def write(temporary: Path) -> None:
        nonlocal count
        try:
            stream = csv_path.open("rb")
        except OSError as error:
            raise ImportFailure(csv_path, error.strerror or str(error)) from None
        with stream, temporary.open("w", encoding="utf-8") as out:
            rows = _rows(csv_path, stream, delimiter)
            first = next(rows, None)
            if first is None:
                raise ImportFailure(csv_path, "empty file: no header", 1)
            header = _header(csv_path, mapping, first[1])
            for line, raw in rows:
                if not any(v.strip() for v in raw):
                    continue
                out.writelines(converter.convert(count + 1, line, header, raw))
                count += 1
                if progress is not None and count % 100_000 == 0:
                    progress(count)
            if count == 0:
                raise ImportFailure(csv_path, "no data rows", 2)
            out.writelines(f"{line}\n" for line in source_triples(source, csv_path, mapping))
            out.writelines(f"{line}\n" for line in dict.fromkeys(resolvers.extra))

    write_atomically(output, write)
    return count


__all__ = [
    "LAYOUTS",
    "METADATA_SUFFIX",
    "USER_BASE",
    "ImportFailure",
    "convert_file",
    "layout_mapping",
]
