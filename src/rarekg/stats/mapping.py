"""How the datasets' codes map to the graph's things: items by a data table, places by ISO code.

The table is ``graph/statistics-codes.csv``, one row per code a dataset uses: the dataset
(``baci``, ``wmd``), its code (a six-digit HS 1992 product, a World Mining Data commodity),
the item it counts (any name the resolver of :mod:`rarekg.names` knows: an IRI, a label, a
code) and, for production, the stage and the basis. A country is the curated one with the
same ISO 3166-1 alpha-2 code (``graph/countries.ttl``); a territory the curated graph lacks
gets a node of its own in the territories graph, named after its BACI code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rarekg.names import ResolveError, Resolver
from rarekg.namespaces import RKR, sparql_prologue
from rarekg.stats.tables import Territory

#: The file of the table, in the graph folder.
CODES_FILE = "statistics-codes.csv"
_COLUMNS = ("dataset", "code", "item", "stage", "basis")
_DATASETS = ("baci", "wmd")

_COUNTRIES = "SELECT ?country ?code WHERE { ?country a rkg:Country ; rkg:isoCode ?code }"


class MappingError(ValueError):
    """The code table is malformed or names something the graph lacks."""


@dataclass(frozen=True)
class CodeMapping:
    """One row of the code table, its names resolved to IRIs."""

    dataset: str
    code: str
    item: str
    stage: str | None
    basis: str | None


def read_codes(path: Path, resolver: Resolver) -> list[CodeMapping]:
    """Read the code table and resolve its items and stages.

    Raises:
        MappingError: a missing column, an unknown dataset, or a name the graph lacks;
            the message names the file and line.
    """
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise MappingError(f"{path}: the header must be {','.join(_COLUMNS)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            if row["dataset"] not in _DATASETS:
                raise MappingError(f"{path}:{line}: unknown dataset {row['dataset']!r}")
            try:
                item = resolver.resolve(row["item"])
                stage = resolver.resolve(row["stage"]) if row["stage"] else None
            except ResolveError as error:
                raise MappingError(f"{path}:{line}: {error}") from error
            rows.append(CodeMapping(row["dataset"], row["code"], item, stage, row["basis"] or None))
    return rows


def _select(store: ox.Store, text: str, graphs: list[ox.NamedNode]) -> ox.QuerySolutions:
    results = store.query(sparql_prologue() + text, default_graph=list(graphs))
    assert isinstance(results, ox.QuerySolutions)
    return results


def graph_resolver(store: ox.Store, graphs: list[ox.NamedNode], names_query: str) -> Resolver:
    """The one resolver (:class:`rarekg.names.Resolver`) over the curated graphs of a store.

    ``names_query`` is the resolver's own query (``queries/projections/names.rq``).
    """
    names: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, names_query, graphs):
        node, name = row["node"], row["name"]
        assert node is not None and name is not None
        names[node.value].append(name.value)
    return Resolver(names)


class Places:
    """The IRI of each BACI territory, and the nodes minted for those the graph lacks.

    Args:
        territories: BACI's country table, by code.
        countries: the curated countries' IRIs by ISO alpha-2 code.

    Examples:
        >>> places = Places({"104": Territory("104", "Myanmar", "MM", "MMR"),
        ...                  "418": Territory("418", "Lao People's Dem. Rep.", "LA", "LAO")},
        ...                 {"MM": "https://w3id.org/rarekg/resource/Myanmar"})
        >>> places.iri("104"), places.iri("418")
        ('https://w3id.org/rarekg/resource/Myanmar', 'https://w3id.org/rarekg/resource/baci-territory-418')
        >>> [t.name for t in places.minted()]
        ["Lao People's Dem. Rep."]
    """

    def __init__(self, territories: dict[str, Territory], countries: dict[str, str]) -> None:
        self.territories = territories
        self.countries = countries
        self._by_iso3 = {t.iso3: t for t in territories.values()}
        self._minted: dict[str, Territory] = {}

    @classmethod
    def from_store(
        cls, territories: dict[str, Territory], store: ox.Store, graphs: list[ox.NamedNode]
    ) -> Places:
        """Match the territories to the countries of the store's curated graphs."""
        countries = {}
        for row in _select(store, _COUNTRIES, graphs):
            country, code = row["country"], row["code"]
            assert country is not None and code is not None
            countries[code.value] = country.value
        return cls(territories, countries)

    def code_of(self, code: str, iso3: str = "") -> str | None:
        """The BACI code of a territory known by its code, else by its ISO alpha-3 code."""
        if code in self.territories:
            return code
        found = self._by_iso3.get(iso3)
        return found.code if found is not None else None

    def iri(self, code: str) -> str:
        """The IRI of the territory with this BACI code (minting its node if need be).

        Raises:
            KeyError: BACI's table has no such code.
        """
        territory = self.territories[code]
        if territory.iso2 in self.countries:
            return self.countries[territory.iso2]
        self._minted[code] = territory
        return territory_iri(code)

    def minted(self) -> Iterable[Territory]:
        """The territories given a node of their own so far, by code."""
        return [self._minted[code] for code in sorted(self._minted, key=int)]


def territory_iri(code: str) -> str:
    """The IRI of a territory the curated graph lacks: ``rkr:baci-territory-<BACI code>``."""
    return f"{RKR}baci-territory-{code}"
