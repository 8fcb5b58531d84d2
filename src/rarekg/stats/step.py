"""The statistics step of ``rarekg build``: stream the datasets' rows into the store as N-Quads.

The rows are read, mapped and written one at a time and handed to Oxigraph's bulk loader
through a file-like stream, so memory stays flat however many rows there are. The step is a
:class:`rarekg.build.Derived`: the build makes the graphs again only when its key changes
(the installed release, the code table, the graph files it reads, the package's version).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from rarekg.build import Derived, Progress
from rarekg.paths import Artefacts
from rarekg.stats import (
    BACI_GRAPH,
    STATS_GRAPHS,
    TERRITORIES_GRAPH,
    WGI_GRAPH,
    WMD_GRAPH,
    tables,
    triples,
)
from rarekg.stats.mapping import CODES_FILE, CodeMapping, Places, graph_resolver, read_codes
from rarekg.stats.package import INSTALL_HINT, Release, StatsDataError, find_release
from rarekg.store import SourceFile

#: Bumped when what the statistics graphs hold changes (any change to this package's
#: output), so that built stores make them again.
_LAYOUT = "2"
_BATCH = 2048


class LineStream(io.RawIOBase):
    r"""A readable binary stream over an iterator of text lines, read as they are made.

    Examples:
        >>> stream = LineStream(iter(["a\n", "b\n"]))
        >>> stream.read()
        b'a\nb\n'
    """

    def __init__(self, lines: Iterator[str]) -> None:
        super().__init__()
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        """Always: the stream is for reading."""
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``target`` with the next bytes; 0 at the end."""
        while len(self._pending) < len(target):
            chunk = "".join(islice(self._lines, _BATCH))
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def statistics(artefacts: Artefacts, sources: Sequence[SourceFile]) -> Derived:
    """The statistics graphs of a data root, as the build's derived graphs.

    A root without the code table (``graph/statistics-codes.csv``) has no statistics. When
    the extra is not installed, or not the release the sources cite, the graphs are left
    out and the build says why.
    """
    codes = artefacts.graph_dir / CODES_FILE
    if not codes.is_file():
        return Derived("", ())
    try:
        release = find_release()
    except StatsDataError as error:
        return Derived("", STATS_GRAPHS, note=f"statistics graphs left out: {error}")
    if release is None:
        return Derived("", STATS_GRAPHS, note=f"statistics graphs left out: {INSTALL_HINT}")
    names = artefacts.queries_dir / "projections" / "names.rq"
    key = "\0".join([_LAYOUT, release.version, _digest(codes), _digest(names)])
    return Derived(
        key,
        STATS_GRAPHS,
        make=lambda store, progress: make_statistics(
            store, release, codes, names, sources, progress
        ),
        reads=lambda store: _reads_digest(*_resolved(store, release, codes, names, sources)),
    )


def _resolved(
    store: ox.Store,
    release: Release,
    codes_file: Path,
    names_query: Path,
    sources: Sequence[SourceFile],
) -> tuple[list[CodeMapping], Places]:
    """What the statistics read from the curated graphs: the code table's items, the countries."""
    curated = [ox.NamedNode(str(s.graph)) for s in sources]
    resolver = graph_resolver(store, curated, names_query.read_text("utf-8"))
    mappings = read_codes(codes_file, resolver)
    return mappings, Places.from_store(tables.territories(release.baci), store, curated)


def _reads_digest(mappings: list[CodeMapping], places: Places) -> str:
    """A digest of what was resolved: the same digest, the same statistics graphs."""
    text = repr((mappings, sorted(places.countries.items())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def make_statistics(
    store: ox.Store,
    release: Release,
    codes_file: Path,
    names_query: Path,
    sources: Sequence[SourceFile],
    progress: Progress,
) -> dict[str, int]:
    """Write the statistics graphs into ``store``, whose curated graphs are loaded.

    Returns:
        How many quads each statistics graph received.

    Raises:
        rarekg.stats.mapping.MappingError: the code table names something the graph lacks.
        StatsDataError: the data is not as expected.
    """
    mappings, places = _resolved(store, release, codes_file, names_query, sources)
    counts: Counter[str] = Counter()

    def counted(graph: str, lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            counts[graph] += 1
            yield line

    with progress.step("making the statistics graphs (BACI, World Mining Data, WGI)"):
        stream = LineStream(_lines(release, mappings, places, counted))
        store.bulk_load(input=io.BufferedReader(stream), format=ox.RdfFormat.N_QUADS)
    return {graph: counts[graph] for graph in STATS_GRAPHS}


def _lines(
    release: Release,
    mappings: Sequence[CodeMapping],
    places: Places,
    counted: Callable[[str, Iterator[str]], Iterator[str]],
) -> Iterator[str]:
    """Every quad of the statistics graphs, dataset by dataset, the territories last."""
    items = {m.code: m for m in mappings if m.dataset == "baci"}
    for row in tables.trade_rows(release.baci, items):
        exporter, importer = _place(places, row.exporter), _place(places, row.importer)
        quads = triples.trade_quads(row, exporter, importer, items[row.product].item, BACI_GRAPH)
        yield from counted(BACI_GRAPH, quads)
    commodities = {m.code: m for m in mappings if m.dataset == "wmd"}
    for commodity, mapping in commodities.items():
        for production in tables.production_rows(release.wmd, commodity):
            quads = triples.production_quads(
                production,
                _place(places, production.country),
                mapping.item,
                mapping.stage,
                mapping.basis,
                WMD_GRAPH,
            )
            yield from counted(WMD_GRAPH, quads)
    for rate in tables.recycling_rates(release.wmd, commodities):
        quads = triples.recycling_quads(rate, commodities[rate.commodity].item, WMD_GRAPH)
        yield from counted(WMD_GRAPH, quads)
    for governance in tables.governance_rows(release.wgi):
        code = places.code_of(governance.country, governance.iso3)
        if code is None:
            continue  # a territory BACI's table lacks (docs/statistics.md lists them)
        quads = triples.governance_quads(governance, code, places.iri(code), WGI_GRAPH)
        yield from counted(WGI_GRAPH, quads)
    for territory in places.minted():
        quads = triples.territory_quads(territory, places.iri(territory.code), TERRITORIES_GRAPH)
        yield from counted(TERRITORIES_GRAPH, quads)


def _place(places: Places, code: str) -> str:
    try:
        return places.iri(code)
    except KeyError:
        raise StatsDataError(f"BACI's country table lacks the code {code!r}") from None
