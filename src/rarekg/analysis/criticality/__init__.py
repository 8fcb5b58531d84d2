"""Criticality by published methods: GeoPolRisk, EU supply risk, HHI per stage and element.

Each method is a versioned module with ``NAME``, ``VERSION``, ``TITLE``, ``FORMULA``,
``REFERENCE`` and a ``compute`` function over the projection and the statements of
:mod:`rarekg.analysis.criticality.inputs`; :data:`METHODS` is the registry the CLI
(``rarekg criticality``), ``/api/criticality`` and the explorer read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from rarekg.analysis.criticality import eu_sr, geopolrisk, hhi
from rarekg.analysis.criticality.inputs import Statistics, read_statistics
from rarekg.analysis.criticality.results import (
    CriticalityReport,
    MethodInfo,
    MethodResult,
    criticality_text,
)
from rarekg.analysis.projection import AnalysisInputError, Projection


@dataclass(frozen=True)
class Query:
    """What is asked: resolved IRIs, a year, and the day curated shares are read as of."""

    item: str | None
    year: int | None
    importer: str | None
    on: dt.date


@dataclass(frozen=True)
class Method:
    """A registered method: how it is named and cited, and the function computing it."""

    info: MethodInfo
    compute: Callable[[Projection, Statistics, Query], list[MethodResult]]
    #: Whether the method reads an importing country.
    per_importer: bool = False


def _info(module: ModuleType) -> MethodInfo:
    return MethodInfo(
        module.NAME,
        module.VERSION,
        module.TITLE,
        module.FORMULA,
        module.REFERENCE,
    )


METHODS: dict[str, Method] = {
    "geopolrisk": Method(
        _info(geopolrisk),
        lambda p, s, q: geopolrisk.compute(p, s, q.item, q.year, q.importer),
        per_importer=True,
    ),
    "eu-sr": Method(_info(eu_sr), lambda p, s, q: eu_sr.compute(p, s, q.item, q.year)),
    "hhi": Method(_info(hhi), lambda p, s, q: hhi.compute(p, s, q.item, q.year, q.on)),
}


def criticality(
    projection: Projection, stats: Statistics, methods: list[str], query: Query
) -> CriticalityReport:
    """Run ``methods`` (names of :data:`METHODS`) for ``query``.

    Raises:
        AnalysisInputError: an unknown method.
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise AnalysisInputError(
            f"unknown method {', '.join(unknown)}: choose from {', '.join(METHODS)}"
        )
    results: list[MethodResult] = []
    for name in methods:
        results += METHODS[name].compute(projection, stats, query)
    return CriticalityReport(tuple(METHODS[m].info for m in methods), tuple(results))


__all__ = [
    "METHODS",
    "CriticalityReport",
    "Query",
    "Statistics",
    "criticality",
    "criticality_text",
    "read_statistics",
]


def panel_facts(
    projection: Projection,
    stats: Statistics,
    on: dt.date,
    methods: Sequence[str] = ("geopolrisk", "eu-sr"),
) -> dict[str, list[list[str]]]:
    """Node IRI -> one ``[name, value]`` row per method result, for the explorer's panel.

    The concentration row names the item's most concentrated stage; GeoPolRisk its
    highest score among the largest importers of the latest year; a method that lacks
    inputs says "insufficient data" and what is missing. ``methods`` are the methods
    beyond the curated concentration that get a row.
    """
    rows: dict[str, list[list[str]]] = {}
    query = Query(None, None, None, on)
    best: dict[str, MethodResult] = {}
    for result in METHODS["hhi"].compute(projection, stats, query):
        if result.value is None or not result.measure.startswith("HHI (curated"):
            continue
        if result.item.iri not in best or result.value > (best[result.item.iri].value or 0.0):
            best[result.item.iri] = result
    for iri, result in best.items():
        stage = (result.stage or "").rsplit("/", 1)[-1]
        rows.setdefault(iri, []).append([f"HHI ({stage}, {result.year})", f"{result.value:.0f}"])
    for name in methods:
        method = METHODS[name]
        per_item: dict[str, list[MethodResult]] = {}
        for result in method.compute(projection, stats, query):
            per_item.setdefault(result.item.iri, []).append(result)
        for iri, results in per_item.items():
            valued = [r for r in results if r.value is not None]
            label = f"{method.info.name} v{method.info.version}"
            if valued:
                top = max(valued, key=lambda r: r.value or 0.0)
                where = ", ".join(
                    x
                    for x in (top.importer.label if top.importer else "", str(top.year or ""))
                    if x
                )
                rows.setdefault(iri, []).append([label, f"{top.value:.3f} ({where})"])
            else:
                missing = sorted({m.input for r in results for m in r.insufficient_data})
                rows.setdefault(iri, []).append([label, "insufficient data: " + ", ".join(missing)])
    return rows
