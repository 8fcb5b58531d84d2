"""The user's own data beside the shipped graph: a folder given by ``--data`` or ``RAREKG_DATA``.

Each file of the folder becomes one named graph ``https://w3id.org/rarekg/graph/user/<stem>``:

* ``NAME.ttl`` and ``NAME.nt``: loaded as they are;
* ``NAME.trig``: its quads, whatever graphs they name, go into the one user graph;
* ``NAME.csv`` with ``NAME.csv-metadata.json`` beside it (a CSVW mapping, or
  ``{"rarekg:layout": "comtrade"}`` for a shipped one): converted on load
  (:mod:`rarekg.imports.convert`), names resolved against the shipped graph.

Converted files are kept in the cache folder, keyed by the bytes of the file, its mapping
and the shipped graph's inputs, so an unchanged file is converted once; nothing is ever
written into the data folder or into ``graph/``. The built store then holds the user
graphs like any other (:mod:`rarekg.build`), rebuilding only what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from rarekg import __version__
from rarekg.namespaces import GRAPH_BASE
from rarekg.paths import cache_dir, write_atomically
from rarekg.store import LoadError, SourceFile

if TYPE_CHECKING:
    from rarekg.kg import KnowledgeGraph, Run

#: The environment variable naming the user's data folder, for every command alike.
DATA_ENV = "RAREKG_DATA"
#: Named graphs of user files: ``USER_GRAPH_BASE + stem``.
USER_GRAPH_BASE = GRAPH_BASE + "user/"
_RDF = {".ttl", ".nt"}
_TRIG = ".trig"
_CSV = ".csv"
_METADATA = ".csv-metadata.json"


def is_user_graph(iri: str) -> bool:
    """Tell whether a named graph holds the user's data.

    Examples:
        >>> is_user_graph("https://w3id.org/rarekg/graph/user/bom"), is_user_graph(
        ...     "https://w3id.org/rarekg/graph/policies")
        (True, False)
    """
    return iri.startswith(USER_GRAPH_BASE)


def _digest(*paths: Path, extra: str = "") -> str:
    digest = hashlib.sha256(f"{__version__}\0{extra}\0".encode())
    for path in paths:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _trig_as_turtle(path: Path, target: Path) -> None:
    """Write the triples of a TriG file, graph names dropped, as N-Triples (valid Turtle)."""
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TRIG, rename_blank_nodes=True)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as error:
        reason = str(error.msg).split(": ", 1)[-1]
        raise LoadError(path, reason, error.lineno, error.offset) from error
    except OSError as error:
        raise LoadError(path, error.strerror or str(error)) from error

    def put(temporary: Path) -> None:
        ox.serialize(triples, output=str(temporary), format=ox.RdfFormat.N_TRIPLES)

    write_atomically(target, put)


def user_sources(
    folder: Path, shipped: Callable[[], KnowledgeGraph], inputs_key: Callable[[], str]
) -> list[SourceFile]:
    """The user graphs of ``folder``, converting TriG and CSV files into the cache first.

    Args:
        folder: the data folder.
        shipped: the shipped graph, loaded only when a CSV file must be converted (its
            names resolve the CSV's cells).
        inputs_key: a digest of the shipped graph's inputs, part of a conversion's key.

    Raises:
        LoadError: a file cannot be read or parsed, a CSV file has no mapping, or two
            files would make the same graph.
        rarekg.imports.convert.ImportFailure: a CSV row is bad (file, row, column).
    """
    store = cache_dir() / "user-data"
    sources: dict[str, SourceFile] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith(_METADATA) or not path.is_file():
            continue
        stem, suffix = path.stem, path.suffix.lower()
        if suffix in _RDF:
            source = path
        elif suffix == _TRIG:
            store.mkdir(parents=True, exist_ok=True)
            source = store / f"{stem}-{_digest(path)}.nt"
            if not source.exists():
                _trig_as_turtle(path, source)
        elif suffix == _CSV:
            source = _converted(path, store, shipped, inputs_key)
        else:
            raise LoadError(path, "not a user data file: want .ttl, .nt, .trig or .csv")
        name = USER_GRAPH_BASE + stem
        if name in sources:
            raise LoadError(path, f"{sources[name].path.name} makes graph user/{stem} already")
        sources[name] = SourceFile.for_path(source, "user/" + stem)
    return list(sources.values())


def _converted(
    path: Path, store: Path, shipped: Callable[[], KnowledgeGraph], inputs_key: Callable[[], str]
) -> Path:
    from rarekg.imports.convert import convert_file

    mapping = path.with_name(path.name + "-metadata.json")
    if not mapping.is_file():
        raise LoadError(path, f"a CSV file needs its mapping beside it: {mapping.name}")
    store.mkdir(parents=True, exist_ok=True)
    target = store / f"{path.stem}-{_digest(path, mapping, extra=inputs_key())}.ttl"
    if not target.exists():
        convert_file(path, mapping, target, shipped(), stem=path.stem)
    return target


def user_nodes(kg: KnowledgeGraph, run: Run | None = None) -> dict[str, str]:
    """Each node a user graph describes (gives a type) -> the name of that graph (``user/NAME``).

    For the explorer, which marks these nodes as the user's; read through ``run`` (a
    remote store's) when given.
    """
    text = f"""SELECT ?node (MIN(STR(?g)) AS ?graph) WHERE {{
      GRAPH ?g {{ ?node a ?type }}
      FILTER (STRSTARTS(STR(?g), "{USER_GRAPH_BASE}"))
    }} GROUP BY ?node"""
    found = kg.solutions(text, run=run)
    return {r["node"].value: r["graph"].value.removeprefix(GRAPH_BASE) for r in found}
