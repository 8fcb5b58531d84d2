"""How closely the composite chokepoint score ranks items like the published methods do.

Rank correlation over the items both rank: Spearman's rho (Pearson's correlation of the
ranks, ties given their mean rank) and Kendall's tau-b (concordant minus discordant pairs,
corrected for ties). A method that ranks fewer than three common items gets no figure and
says why.

References:
    Spearman, C., The proof and measurement of association between two things, Am. J.
    Psychol. 15 (1904) 72-101; Kendall, M. G., The treatment of ties in ranking problems,
    Biometrika 33 (1945) 239-251.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from rarekg.analysis.chokepoint_methods import WEIGHTINGS
from rarekg.analysis.chokepoints import rank
from rarekg.analysis.criticality import eu_sr, geopolrisk, hhi
from rarekg.analysis.criticality.inputs import Statistics
from rarekg.analysis.projection import Projection
from rarekg.formats import text_table

#: Fewest common items a correlation is reported for.
MIN_ITEMS = 3


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank.

    Examples:
        >>> ranks([10.0, 30.0, 20.0, 30.0])
        [1.0, 3.5, 2.0, 3.5]
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho; ``None`` when either side is constant.

    Examples:
        >>> spearman([1, 2, 3, 4], [10, 20, 30, 40])
        1.0
        >>> spearman([1, 2, 3], [3, 2, 1])
        -1.0
    """
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return None
    return round(cov / math.sqrt(vx * vy), 4)


def kendall(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b; ``None`` when either side is constant.

    Examples:
        >>> kendall([1, 2, 3, 4], [1, 3, 2, 4])
        0.6667
    """
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    if denominator == 0:
        return None
    return round((concordant - discordant) / denominator, 4)


@dataclass(frozen=True)
class Correlation:
    """The composite against one method over the items both rank."""

    method: str
    items: int
    spearman: float | None
    kendall: float | None
    note: str


@dataclass(frozen=True)
class ComparisonReport:
    """The composite's rank correlation with each published method, as of a day."""

    on: str
    composite: str
    correlations: tuple[Correlation, ...]


def _correlate(
    method: str, composite: dict[str, float], other: dict[str, float], note: str
) -> Correlation:
    common = sorted(set(composite) & set(other))
    if len(common) < MIN_ITEMS:
        return Correlation(
            method,
            len(common),
            None,
            None,
            f"{note}; fewer than {MIN_ITEMS} items ranked by both: no correlation",
        )
    x = [composite[i] for i in common]
    y = [other[i] for i in common]
    return Correlation(method, len(common), spearman(x, y), kendall(x, y), note)


def compare(projection: Projection, stats: Statistics, on: dt.date) -> ComparisonReport:
    """Rank correlations of the composite score with HHI, GeoPolRisk and EU supply risk."""
    composite = {c.iri: c.score for c in rank(projection, on)}
    results = []
    by_hhi: dict[str, float] = {}
    for r in hhi.compute(projection, stats, None, None, on):
        if r.measure.startswith("HHI (curated") and r.value is not None:
            by_hhi[r.item.iri] = max(by_hhi.get(r.item.iri, 0.0), r.value)
    results.append(
        _correlate(
            "hhi",
            composite,
            by_hhi,
            "HHI of the curated shares, the item's most concentrated stage",
        )
    )
    concentration = {
        c.iri: c.score for c in rank(projection, on, None, WEIGHTINGS["concentration"].values())
    }
    results.append(
        _correlate(
            "concentration weighting",
            composite,
            concentration,
            "the top share alone (rarekg chokepoints --method concentration)",
        )
    )
    gpr: dict[str, float] = {}
    for r in geopolrisk.compute(projection, stats, None, None, None):
        if r.value is not None:
            gpr[r.item.iri] = max(gpr.get(r.item.iri, 0.0), r.value)
    results.append(
        _correlate(
            "geopolrisk",
            composite,
            gpr,
            "largest GeoPolRisk score over the largest importers, per material",
        )
    )
    sr: dict[str, float] = {}
    for r in eu_sr.compute(projection, stats, None, None):
        if r.value is not None:
            sr[r.item.iri] = max(sr.get(r.item.iri, 0.0), r.value)
    results.append(
        _correlate("eu-sr", composite, sr, "EU supply risk, the higher stage, per material")
    )
    return ComparisonReport(on.isoformat(), WEIGHTINGS["composite"].formula(), tuple(results))


def comparison_text(report: ComparisonReport) -> str:
    """The comparison as a table for people."""
    rows = [
        [
            c.method,
            str(c.items),
            "" if c.spearman is None else f"{c.spearman:.3f}",
            "" if c.kendall is None else f"{c.kendall:.3f}",
            c.note,
        ]
        for c in report.correlations
    ]
    head = f"Rank correlation of the composite ({report.composite}) on {report.on}"
    return head + "\n\n" + text_table(["method", "items", "spearman", "kendall", "what"], rows)
