"""Criticality by published methods: GeoPolRisk, EU supply risk, HHI per stage and element.

Each method is a versioned module with ``NAME``, ``VERSION``, ``TITLE``, ``FORMULA``,
``REFERENCE`` and a ``compute`` function over the projection and the statements of
:mod:`rarekg.analysis.criticality.inputs`; :data:`METHODS` is the registry the CLI
(``rarekg criticality``), ``/api/criticality`` and the explorer read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
