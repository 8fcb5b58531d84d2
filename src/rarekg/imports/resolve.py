"""What a mapping's ``rarekg:resolve`` kinds turn a cell into: a node of the graph, or a literal.

A CSVW mapping (:mod:`rarekg.imports.convert`) says which columns name things with the
non-core annotation ``"rarekg:resolve": KIND``. Names of things go through the one
resolver (:mod:`rarekg.names`); HS codes through the HS table kept as data (the HS
rows of ``graph/statistics-codes.csv``, shared with :mod:`rarekg.stats`); country codes
through ISO 3166 as ``pycountry`` ships it. Each kind returns an N-Triples term, or
``None`` for "no triple" (a partner that is the world, a month an annual row lacks).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pycountry
from rdflib.namespace import XSD

from rarekg.kg import KnowledgeGraph
from rarekg.names import ResolveError, Resolver
from rarekg.namespaces import RKG, UNIT
from rarekg.stats.mapping import CODES_FILE

#: The rows of the statistics' code table (:mod:`rarekg.stats.mapping`, in the graph
#: folder) whose codes are six-digit HS products: the HS code -> item table, kept as data.
HS_DATASET = "baci"
#: Comtrade's partner code for the world as a whole (no counterpart country).
WORLD_CODES = frozenset({"W00", "WLD", "0", "World"})
#: The first year a trade, capacity or production figure can be about.
FIRST_YEAR = 1900
#: Unit names a supplier list may use, to QUDT units (the graph's rkg:unit values).
UNITS = {
    "t": UNIT.TONNE,
    "tonne": UNIT.TONNE,
    "tonnes": UNIT.TONNE,
    "t/yr": UNIT.TONNE,
    "tpa": UNIT.TONNE,
    "kg": UNIT.KiloGM,
    "kg/yr": UNIT.KiloGM,
}
_YEAR_MONTH = re.compile(r"([0-9]{4})-?([0-9]{2})")


class CellError(ValueError):
    """A cell a resolver cannot read; the converter adds the file, row and column."""


def iri_term(iri: str) -> str:
    """An IRI as an N-Triples term.

    Examples:
        >>> iri_term("https://w3id.org/rarekg/resource/China")
        '<https://w3id.org/rarekg/resource/China>'
    """
    return f"<{iri}>"


def literal_term(value: str, datatype: str) -> str:
    """A typed literal as an N-Triples term (``value`` holds no quote or backslash)."""
    return f'"{value}"^^<{datatype}>'


def hs_table(kg: KnowledgeGraph) -> dict[str, str]:
    """HS code (digits only) -> item IRI: the HS rows of the statistics' code table.

    One table serves the BACI statistics and the imports alike; its ``item`` column holds
    any name the resolver knows. A root without the table has no HS codes.
    """
    path = kg.artefacts.graph_dir / CODES_FILE
    if not path.is_file():
        return {}
    resolver = kg.cached(Resolver.from_graph)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r.get("dataset") == HS_DATASET]
    return {r["code"].replace(".", ""): resolver.resolve(r["item"]) for r in rows}


@dataclass
class Resolvers:
    """The resolve kinds of one import, against one knowledge graph.

    Args:
        kg: the graph names are resolved in (the shipped graph, with any user graphs).
        minted: where minted nodes live: ``https://w3id.org/rarekg/user/<stem>/``.
        source: the IRI of the node that stands for the imported file (its provenance).
        today: the last day a figure can be about.
    """

    kg: KnowledgeGraph
    minted: str
    source: str
    today: datetime.date = field(default_factory=datetime.date.today)
    #: Triples describing nodes minted along the way, written once per file.
    extra: list[str] = field(default_factory=list)
    _hs: dict[str, str] = field(default_factory=dict)
    _countries: dict[str, str | None] = field(default_factory=dict)
    _names: dict[tuple[str, str], str] = field(default_factory=dict)
    _periods: dict[tuple[str | None, ...], tuple[int, int | None]] = field(default_factory=dict)

    @property
    def kinds(self) -> Mapping[str, Callable[[str | None, Mapping[str, str]], str | None]]:
        """Resolve kind -> function of (cell value, the row's cells) to a term or ``None``."""
        return {
            "thing": lambda v, _: self.thing(v),
            "country": lambda v, _: self.country(v),
            "hs": lambda v, _: self.hs(v),
            "unit": lambda v, _: self.unit(v),
            "exporter": lambda _, row: self.trade_party(row, exporter=True),
            "importer": lambda _, row: self.trade_party(row, exporter=False),
            "month": lambda _, row: self.month(row),
            "year": lambda v, row: self.year(v, row),
            "source": lambda _v, _r: iri_term(self.source),
        }

    def _resolver(self) -> Resolver:
        return self.kg.cached(Resolver.from_graph)

    def thing(self, text: str | None) -> str:
        """A node of the graph by any of its names (:mod:`rarekg.names`)."""
        key = ("thing", text or "")
        if key not in self._names:
            try:
                self._names[key] = iri_term(self._resolver().resolve(text or ""))
            except ResolveError as error:
                raise CellError(str(error)) from None
        return self._names[key]

    def country(self, code: str | None) -> str | None:
        """A country by ISO 3166-1 alpha-2 or alpha-3 code; ``None`` for the world.

        A country the graph does not hold is minted under the import's namespace, with
        its ISO name and alpha-2 code (``extra``).
        """
        code = (code or "").strip()
        if code in WORLD_CODES:
            return None
        if code not in self._countries:
            self._countries[code] = self._country(code)
        return self._countries[code]

    def _country(self, code: str) -> str:
        found = None
        if re.fullmatch(r"[A-Z]{2,3}", code):
            try:
                found = pycountry.countries.lookup(code)
            except LookupError:
                found = None
        if found is None:
            raise CellError(
                f"{code!r} is no ISO 3166-1 country code (e.g. CN or CHN; W00 the world)"
            )
        alpha2 = str(found.alpha_2)
        resolver = self._resolver()
        country_type = str(RKG.Country)
        for iri in self._typed(country_type):
            if alpha2 in resolver.names_of(iri):
                return iri_term(iri)
        minted = f"{self.minted}country/{alpha2}"
        name = str(found.name).replace("\\", "").replace('"', "'")
        self.extra += [
            f"<{minted}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{country_type}> .",
            f'<{minted}> <http://www.w3.org/2000/01/rdf-schema#label> "{name}"@en .',
            f'<{minted}> <{RKG.isoCode}> "{alpha2}" .',
            f"<{minted}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{self.source}> .",
        ]
        return iri_term(minted)

    def _typed(self, type_iri: str) -> list[str]:
        key = ("type", type_iri)
        if key not in self._names:
            rows = self.kg.query(f"SELECT ?x WHERE {{ ?x a <{type_iri}> }}")
            self._names[key] = "\n".join(str(r["x"]) for r in rows)
        return self._names[key].split("\n")

    def hs(self, code: str | None) -> str:
        """The item of an HS code: the table's longest code that starts the given one."""
        if not self._hs:
            self._hs = hs_table(self.kg)
        digits = (code or "").replace(".", "").strip()
        for length in range(len(digits), 3, -1):
            if digits[:length] in self._hs:
                return iri_term(self._hs[digits[:length]])
        raise CellError(f"HS code {code!r} has no item in the HS rows of {CODES_FILE}")

    def unit(self, name: str | None) -> str:
        """A QUDT unit from a short name (t, tonnes, kg, ...)."""
        unit = UNITS.get((name or "").strip().lower())
        if unit is None:
            raise CellError(f"unknown unit {name!r}; use one of {', '.join(UNITS)}")
        return iri_term(str(unit))

    def trade_party(self, row: Mapping[str, str], *, exporter: bool) -> str | None:
        """Comtrade: the exporter or importer, from the reporter, partner and flow code.

        An export (``X``) is the reporter's to the partner; an import (``M``) the partner's
        to the reporter. The world as partner gives no triple.
        """
        flow = row.get("flowCode", "")
        if flow not in ("X", "M"):
            raise CellError(f"flowCode {flow!r}: want X (export) or M (import)")
        reporter_exports = flow == "X"
        column = "reporterISO" if reporter_exports == exporter else "partnerISO"
        return self.country(row.get(column))

    def _check_year(self, year: int) -> None:
        if not FIRST_YEAR <= year <= self.today.year:
            raise CellError(f"year {year} is outside any data ({FIRST_YEAR} to {self.today.year})")

    def _year_month(self, row: Mapping[str, str]) -> tuple[int, int | None]:
        """Comtrade's period: ``period`` (YYYY or YYYYMM), else ``refYear`` and ``refMonth``."""
        key = (row.get("period"), row.get("refYear"), row.get("refMonth"))
        if key not in self._periods:
            self._periods[key] = self._read_year_month(row)
        return self._periods[key]

    def _read_year_month(self, row: Mapping[str, str]) -> tuple[int, int | None]:
        period = (row.get("period") or "").strip()
        if period:
            if re.fullmatch(r"[0-9]{4}", period):
                return int(period), None
            match = _YEAR_MONTH.fullmatch(period)
            if not match:
                raise CellError(f"period {period!r}: want YYYY or YYYYMM")
            return int(match.group(1)), int(match.group(2))
        year = (row.get("refYear") or "").strip()
        if not year.isdigit():
            raise CellError("no period: give period, or refYear (and refMonth)")
        month = (row.get("refMonth") or "").strip()
        # Comtrade writes refMonth 52 on annual rows.
        return int(year), int(month) if month and month != "52" else None

    def month(self, row: Mapping[str, str]) -> str | None:
        """The month of a monthly row as ``xsd:gYearMonth``; ``None`` on an annual row."""
        year, month = self._year_month(row)
        self._check_year(year)
        if month is None:
            return None
        if not 1 <= month <= 12:
            raise CellError(f"month {month} is not 1 to 12")
        if datetime.date(year, month, 1) > self.today:
            raise CellError(f"{year}-{month:02d} is outside any data (after today)")
        return literal_term(f"{year}-{month:02d}", str(XSD.gYearMonth))

    def year(self, value: str | None, row: Mapping[str, str]) -> str | None:
        """A year as ``xsd:gYear``: the cell's, else (Comtrade) an annual row's year."""
        if value is None:
            found, month = self._year_month(row)
            if month is not None:
                return None
        elif re.fullmatch(r"[0-9]{4}", value.strip()):
            found = int(value)
        else:
            raise CellError(f"{value!r} is not a year (YYYY)")
        self._check_year(found)
        return literal_term(str(found), str(XSD.gYear))
