"""The analysis API for the CLI, the server and Python: check the input, run, return results.

Each ``*_report`` takes the knowledge graph (or a ready :class:`Projection`), checks and
resolves the input, and returns a typed result (:mod:`rarekg.analysis.results`, which
also writes it as JSON or a table). Bad input raises :class:`AnalysisInputError` with
the candidates it might have meant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rarekg.analysis import chains as chains_module
from rarekg.analysis.asof import parse_date
from rarekg.analysis.bom import read_bom
from rarekg.analysis.chokepoint_methods import DEFAULT_WEIGHTING, WEIGHTINGS
from rarekg.analysis.chokepoints import DEFAULT_TOP, rank
from rarekg.analysis.criticality import METHODS, Query, Statistics, criticality, read_statistics
from rarekg.analysis.criticality.compare import ComparisonReport, compare
from rarekg.analysis.criticality.results import CriticalityReport
from rarekg.analysis.exposure import ExposureFinder, exposure, granted_licences, policy_terms
from rarekg.analysis.exposure_results import ExposureReport
from rarekg.analysis.projection import (
    ITEM,
    PART,
    AnalysisInputError,
    Projection,
    project,
    types_of,
)
from rarekg.analysis.results import Chain, ChainsReport, ChokepointsReport, ScenarioReport
from rarekg.analysis.simulate import simulate
from rarekg.kg import KnowledgeGraph

#: What an export restriction may name: the items and parts of the supply chain.
ITEM_TYPES = types_of(ITEM, PART)


def as_projection(kg: KnowledgeGraph | Projection) -> Projection:
    """The projection of ``kg``, built once per graph (a projection is returned as it is)."""
    return kg if isinstance(kg, Projection) else kg.cached(project)


def _date(on: dt.date | str | None) -> dt.date:
    try:
        return parse_date(on)
    except ValueError as error:
        raise AnalysisInputError(str(error)) from None


def chains_report(
    kg: KnowledgeGraph | Projection,
    source: str,
    target: str,
    max_length: int = chains_module.DEFAULT_MAX_LENGTH,
    limit: int = chains_module.DEFAULT_LIMIT,
) -> ChainsReport:
    """Dependency chains from ``source`` to ``target`` (names, codes or IRIs), shortest first.

    Raises:
        AnalysisInputError: an unknown or ambiguous name, or a bad length or limit.
    """
    if max_length < 1 or limit < 1:
        raise AnalysisInputError("max_length and limit must be at least 1")
    projection = as_projection(kg)
    start, end = projection.resolve(source), projection.resolve(target)
    found: list[Chain] = chains_module.find_chains(projection, start, end, max_length, limit)
    return ChainsReport(
        projection.describe(start), projection.describe(end), max_length, tuple(found)
    )


def chokepoints_report(
    kg: KnowledgeGraph | Projection,
    top: int | None = DEFAULT_TOP,
    on: dt.date | str | None = None,
    method: str = DEFAULT_WEIGHTING,
) -> ChokepointsReport:
    """The ranked chokepoints as of ``on`` (default today), ``top`` of them (``None``: all).

    ``method`` names the weighting of the score (:data:`WEIGHTINGS`; default the composite).

    Raises:
        AnalysisInputError: a bad date, ``top`` or method.
    """
    if top is not None and top < 1:
        raise AnalysisInputError("top must be at least 1")
    if method not in WEIGHTINGS:
        raise AnalysisInputError(f"unknown method {method!r}: choose from {', '.join(WEIGHTINGS)}")
    weighting = WEIGHTINGS[method]
    day = _date(on)
    projection = as_projection(kg)
    formula = f"score = {weighting.formula()}"
    if method != DEFAULT_WEIGHTING:
        formula += f" ({weighting.name})"
    return ChokepointsReport(
        day.isoformat(),
        formula,
        tuple(rank(projection, day, top, weighting.values())),
        _horizon(projection),
    )


def simulate_report(
    kg: KnowledgeGraph | Projection,
    restrict: str,
    items: list[str] | None = None,
    on: dt.date | str | None = None,
) -> ScenarioReport:
    """What an export restriction by ``restrict`` (ISO code or name) of ``items`` cuts.

    ``items`` defaults to everything the country's export controls in force on ``on``
    control.

    Raises:
        AnalysisInputError: an unknown country or item, a bad date, or nothing to restrict.
    """
    day = _date(on)
    projection = as_projection(kg)
    country = projection.resolve(restrict, ["country"])
    resolved = None
    if items is not None:
        names = [i.strip() for i in items if i.strip()]
        if not names:
            raise AnalysisInputError("--items is empty: name at least one item")
        resolved = list(dict.fromkeys(projection.resolve(n, ITEM_TYPES) for n in names))
    return replace(simulate(projection, country, resolved, day), horizon=_horizon(projection))


#: The years a criticality query may name.
YEARS = (1900, 2100)


def criticality_report(
    kg: KnowledgeGraph | Projection,
    stats: Statistics | None = None,
    method: str | None = None,
    item: str | None = None,
    year: int | None = None,
    importer: str | None = None,
    on: dt.date | str | None = None,
) -> CriticalityReport:
    """Criticality of ``item`` by ``method`` (default: every method), with inputs and gaps.

    ``stats`` are the statements the methods read (default: read from ``kg``, once);
    ``importer`` is a country (GeoPolRisk), ``on`` the day curated shares are read as of
    (default: today).

    Raises:
        AnalysisInputError: an unknown method, item or country, or a bad year or date.
    """
    day = _date(on)
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise AnalysisInputError(f"year must be from {YEARS[0]} to {YEARS[1]}, not {year}")
    projection = as_projection(kg)
    if stats is None:
        stats = Statistics() if isinstance(kg, Projection) else kg.cached(read_statistics)
    resolved_item = None if item is None else projection.resolve(item, ITEM_TYPES)
    resolved_importer = None if importer is None else projection.resolve(importer, ["country"])
    methods = list(METHODS) if method is None else [method]
    query = Query(resolved_item, year, resolved_importer, day)
    return criticality(projection, stats, methods, query)


def comparison_report(
    kg: KnowledgeGraph | Projection,
    stats: Statistics | None = None,
    on: dt.date | str | None = None,
) -> ComparisonReport:
    """The composite chokepoint score's rank correlation with the published methods.

    Raises:
        AnalysisInputError: a bad date.
    """
    day = _date(on)
    projection = as_projection(kg)
    if stats is None:
        stats = Statistics() if isinstance(kg, Projection) else kg.cached(read_statistics)
    return compare(projection, stats, day)


def exposure_report(
    kg: KnowledgeGraph, bom: bytes | str, on: dt.date | str | None = None
) -> ExposureReport:
    """The exposure of a bill of materials (CSV bytes or text) to export controls on ``on``.

    Unresolved items are listed in the report, never dropped; unknown supplier countries
    are listed as warnings.

    Raises:
        BomError: the CSV cannot be read (the message names the row and column).
        AnalysisInputError: a bad date.
    """
    day = _date(on)
    checked = read_bom(bom)
    projection = as_projection(kg)
    finder = ExposureFinder(projection, kg.cached(policy_terms), kg.cached(granted_licences), day)
    return exposure(finder, checked, projection.horizon)


def _horizon(projection: Projection) -> str | None:
    return projection.horizon.isoformat() if projection.horizon else None
