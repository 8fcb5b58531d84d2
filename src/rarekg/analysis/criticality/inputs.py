"""The statements the criticality methods read: production, trade and indicator scores.

Read once per graph through ``queries/projections/statistics.rq`` (the one projection's
query folder), so every number a method uses is a statement of the graph with its
sources and the named graph that holds it. The statistics graphs the build adds from the
optional ``stats`` extra (``…/graph/stats/baci``, ``…/graph/stats/wmd``, ``…/graph/stats/wgi``)
and the curated files are read alike; a method says which dataset (source) it takes a
series from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rarekg.analysis.projection import select
from rarekg.kg import KnowledgeGraph, Run
from rarekg.namespaces import RKR

#: QUDT units read as a quantity in tonnes, and as money in US dollars.
TONNE = "http://qudt.org/vocab/unit/TONNE"
USD = ("http://qudt.org/vocab/unit/USD", "http://qudt.org/vocab/unit/CCY_USD")
KILO_USD = "http://qudt.org/vocab/unit/KiloCCY_USD"

#: The datasets of the statistics graphs (graph/sources.ttl): a method takes a series from
#: the observations derived from its dataset, whichever named graph holds them.
BACI = str(RKR["src-cepii-baci-hs92-v202401b"])
WMD = str(RKR["src-bmf-worldminingdata-2026"])


@dataclass(frozen=True)
class Production:
    """A country's output of an item in a year, in tonnes."""

    country: str
    item: str
    stage: str | None
    year: int
    tonnes: float
    graph: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Trade:
    """One bilateral flow of an item in a year: tonnes and thousands of US dollars."""

    exporter: str
    importer: str
    item: str
    year: int
    tonnes: float | None
    kusd: float | None
    graph: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """An indicator's value: a governance score of a country, or a rate of an item."""

    indicator: str
    country: str | None
    item: str | None
    year: int | None
    value: float
    graph: str
    sources: tuple[str, ...]


@dataclass
class Statistics:
    """Every statement the methods read, indexed as they look them up."""

    production: list[Production] = field(default_factory=list)
    trade: list[Trade] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)

    def graphs(self) -> set[str]:
        """The named graphs any statement comes from."""
        found = {p.graph for p in self.production} | {t.graph for t in self.trade}
        return found | {s.graph for s in self.scores}


def _year(row: dict[str, Any]) -> int | None:
    text = str(row.get("year") or row.get("period") or "")
    return int(text[:4]) if text[:4].isdigit() else None


def _money_kusd(row: dict[str, Any]) -> float | None:
    """A value in thousands of US dollars, from rkg:monetaryAmount or a currency unit."""
    if row.get("amount") is not None and str(row.get("currency", "USD")).upper() == "USD":
        return float(row["amount"]) / 1000.0
    if row.get("unit") in USD and row.get("value") is not None:
        return float(row["value"]) / 1000.0
    if row.get("unit") == KILO_USD and row.get("value") is not None:
        return float(row["value"])
    return None


def statistics_from_rows(rows: Iterable[dict[str, Any]]) -> Statistics:
    """Turn the rows of ``statistics.rq`` into :class:`Statistics` (one entry per observation).

    A trade flow stated as two observations, one in tonnes and one in money, becomes one
    :class:`Trade` with both figures.
    """
    merged: dict[str, dict[str, Any]] = {}
    sources: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        seen = merged.setdefault(row["observation"], dict(row))
        if "source" in row:
            sources[row["observation"]].add(row["source"])
        for key, value in row.items():
            seen.setdefault(key, value)
    stats = Statistics()
    flows: dict[tuple[str, str, str, int, str], dict[str, Any]] = {}
    for obs, row in sorted(merged.items()):
        year = _year(row)
        cited = tuple(sorted(sources[obs]))
        kind = row["kind"]
        if kind == "production" and "country" in row and "item" in row and year is not None:
            if row.get("unit") == TONNE and row.get("value") is not None:
                stats.production.append(
                    Production(
                        row["country"],
                        row["item"],
                        row.get("stage"),
                        year,
                        float(row["value"]),
                        row["graph"],
                        cited,
                    )
                )
        elif kind == "trade" and {"exporter", "importer", "item"} <= row.keys() and year:
            where = (row["exporter"], row["importer"], row["item"], year, row["graph"])
            flow = flows.setdefault(where, {"tonnes": None, "kusd": None, "sources": set()})
            if row.get("unit") == TONNE and row.get("value") is not None:
                flow["tonnes"] = (flow["tonnes"] or 0.0) + float(row["value"])
            money = _money_kusd(row)
            if money is not None:
                flow["kusd"] = (flow["kusd"] or 0.0) + money
            flow["sources"].update(cited)
        elif kind in {"governance", "indicator"} and "indicator" in row:
            figure = row.get("value", row.get("share"))
            if figure is not None:
                stats.scores.append(
                    Score(
                        row["indicator"],
                        row.get("country"),
                        row.get("item"),
                        year,
                        float(figure),
                        row["graph"],
                        cited,
                    )
                )
    for (exporter, importer, item, year, graph), flow in sorted(flows.items()):
        stats.trade.append(
            Trade(
                exporter,
                importer,
                item,
                year,
                flow["tonnes"],
                flow["kusd"],
                graph,
                tuple(sorted(flow["sources"])),
            )
        )
    return stats


def read_statistics(kg: KnowledgeGraph, run: Run | None = None) -> Statistics:
    """The graph's production, trade and indicator statements (build once: ``kg.cached``)."""
    return statistics_from_rows(select(kg, "statistics", run=run))
