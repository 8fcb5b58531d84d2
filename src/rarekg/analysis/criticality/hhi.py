"""Concentration per supply-chain stage and per element: the Herfindahl-Hirschman index.

Two bases, each labelled: the curated country shares as of a date (the table the
chokepoint ranking reads, :func:`rarekg.analysis.shares.share_tables`, per element where
a figure names it or the element inherits the stage's share), and the full production
series of the statistics graphs (every producing country of a year).

    HHI = Σ_c (100 · s_c)²   (points, 0-10,000; above 1,800 highly concentrated)

References:
    U.S. Department of Justice and Federal Trade Commission, Merger Guidelines (2023),
    section 2.1.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rarekg.analysis.criticality.inputs import WMD, Statistics
from rarekg.analysis.criticality.results import Input, MethodResult, Missing
from rarekg.analysis.projection import Projection
from rarekg.analysis.shares import HIGHLY_CONCENTRATED_HHI, share_tables

NAME = "hhi"
VERSION = "1.0"
TITLE = "Herfindahl-Hirschman index per stage and element"
FORMULA = "HHI = sum over countries of (100 x share)^2, points 0-10,000"
REFERENCE = "U.S. DOJ & FTC, Merger Guidelines (2023), s. 2.1"


def points(shares: dict[str, float]) -> float:
    """HHI in points of fractional shares.

    Examples:
        >>> points({"a": 0.5, "b": 0.5})
        5000.0
    """
    return round(sum((100.0 * s) ** 2 for s in shares.values()), 1)


def compute(
    projection: Projection, stats: Statistics, item: str | None, year: int | None, on: dt.date
) -> list[MethodResult]:
    """HHI of every item (or ``item``) per stage: curated shares as of ``on``, then statistics."""
    results = []
    for node, stages in sorted(share_tables(projection, on).items()):
        if item is not None and node != item:
            continue
        for stage, table in sorted(stages.items()):
            if year is not None and table.year != year:
                continue
            country, share = table.top
            sources = tuple(sorted({s for f in table.evidence for s in f.sources}))
            missing: tuple[Missing, ...] = ()
            if table.unattributed > 0:
                missing = (
                    Missing(
                        "shares of the other countries",
                        f"{100 * table.unattributed:.1f}% of the stage is attributed to no "
                        "country: the index is a lower bound",
                    ),
                )
            results.append(
                MethodResult(
                    NAME,
                    VERSION,
                    "HHI (curated shares)",
                    projection.describe(node),
                    table.hhi,
                    (
                        Input("top share", share, "fraction", sources, projection.label(country)),
                        Input("countries", float(len(table.shares)), "count"),
                        Input("highly concentrated above", HIGHLY_CONCENTRATED_HHI, "points"),
                    ),
                    missing,
                    year=table.year,
                    stage=stage,
                )
            )
    series: dict[tuple[str, str | None, int], dict[str, float]] = defaultdict(dict)
    cited: dict[tuple[str, str | None, int], set[str]] = defaultdict(set)
    for p in stats.production:
        if WMD not in p.sources:
            continue  # curated outputs are partial: they feed the shares above
        if (item is None or p.item == item) and (year is None or p.year == year):
            key = (p.item, p.stage, p.year)
            series[key][p.country] = series[key].get(p.country, 0.0) + p.tonnes
            cited[key].update(p.sources)
    for (produced, at, y), output in sorted(series.items(), key=lambda kv: (kv[0][0], kv[0][2])):
        total = sum(output.values())
        if total <= 0:
            continue
        shares = {c: v / total for c, v in output.items()}
        top = max(shares, key=lambda c: (shares[c], c))
        results.append(
            MethodResult(
                NAME,
                VERSION,
                "HHI (World Mining Data)",
                projection.describe(produced),
                points(shares),
                (
                    Input(
                        "top share",
                        round(shares[top], 4),
                        "fraction",
                        tuple(sorted(cited[(produced, at, y)])),
                        projection.label(top),
                    ),
                    Input("production", round(total, 1), "t"),
                    Input("countries", float(len(shares)), "count"),
                ),
                year=y,
                stage=at,
            )
        )
    return results
