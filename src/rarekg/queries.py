"""The SPARQL query library: discover ``.rq`` files and read their ``#+`` headers.

Each file holds one question. Its header is a block of ``#+ key: value`` comment
lines (grlc's convention); a line ``#+   more`` continues the previous key, and each
parameter is one ``#+ param: name | type | example | description`` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_HEADER = "#+"


@dataclass(frozen=True)
class Parameter:
    """A value a query needs, bound by the engine to the variable ``?name``."""

    name: str
    type: str
    example: str
    description: str


@dataclass(frozen=True)
class LibraryQuery:
    """One question of the library."""

    name: str
    path: Path
    text: str
    title: str
    description: str
    returns: str
    parameters: tuple[Parameter, ...]


def parse_header(text: str) -> dict[str, list[str]]:
    r"""Read the ``#+`` header of a query into a dict of key to values.

    Examples:
        >>> parse_header("#+ title: Uses\n#+ param: element | iri | rkr:Dy | it\nSELECT")
        {'title': ['Uses'], 'param': ['element | iri | rkr:Dy | it']}
        >>> parse_header("#+ description: one\n#+   two\nASK {}")["description"]
        ['one two']
    """
    header: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith(_HEADER):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[len(_HEADER) :]
        if body.startswith("   ") and last is not None:
            header[last][-1] += " " + body.strip()
            continue
        key, sep, value = body.strip().partition(":")
        if not sep:
            continue
        last = key.strip()
        header.setdefault(last, []).append(value.strip())
    return header


def _parameter(spec: str, path: Path) -> Parameter:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 4 or not parts[0].isidentifier():
        raise ValueError(
            f"{path}: bad '#+ param:' line {spec!r}: want 'name | type | example | text'"
        )
    return Parameter(*parts)


def read_query(path: Path) -> LibraryQuery:
    """Read one ``.rq`` file with its header.

    Raises:
        ValueError: a ``#+ param:`` line is malformed.
        OSError: the file cannot be read.
    """
    text = path.read_text("utf-8")
    header = parse_header(text)

    def first(key: str) -> str:
        return header.get(key, [""])[0]

    return LibraryQuery(
        name=path.stem,
        path=path,
        text=text,
        title=first("title") or first("summary") or path.stem,
        description=first("description") or first("summary"),
        returns=first("returns"),
        parameters=tuple(_parameter(spec, path) for spec in header.get("param", [])),
    )


def discover(directory: Path) -> list[LibraryQuery]:
    """Return the queries directly in ``directory``, sorted by name."""
    return [read_query(path) for path in sorted(directory.glob("*.rq"))]
