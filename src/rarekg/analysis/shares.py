"""Country shares per item and supply-chain stage as of a date, and their concentration.

Which figures apply to which item:

* a figure naming an item applies to that item, and, at the mining and separation stages
  (the stages that yield the elements), to the rare earth elements the item contains;
* a figure naming no item is a share of the whole stage ("rare earths") and applies to
  every rare earth element.

For each item and stage the latest year not after the date is used. Low-confidence
(contested) figures count only where nothing better exists for that item and stage.
Output figures become shares of the world total implied by a share observation of the
same stage and year (USGS gives China 69.2% of 2024 mining: the world is China's output
over 0.692); without such an anchor, of the sum of the countries observed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from rarekg.analysis.projection import CountryFigure, Projection
from rarekg.namespaces import RKR

#: Stages whose output is the elements themselves (mined, then separated).
ELEMENT_STAGES = frozenset({str(RKR["Mining"]), str(RKR["Separation"])})

#: HHI above which a market is "highly concentrated".
HIGHLY_CONCENTRATED_HHI = 1800.0

_CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class StageShares:
    """Country shares of one item at one stage in one year, with the figures behind them."""

    item: str
    stage: str
    year: int
    shares: dict[str, float]
    evidence: tuple[CountryFigure, ...]

    @property
    def top(self) -> tuple[str, float]:
        """The country with the largest share, and that share."""
        country = max(self.shares, key=lambda c: (self.shares[c], c))
        return country, self.shares[country]

    @property
    def hhi(self) -> float:
        """Herfindahl-Hirschman index of the attributed shares, in points (0-10,000).

        Shares nobody is named for count as spread thinly, so this is a lower bound.

        References:
            U.S. Department of Justice and Federal Trade Commission, Merger Guidelines
            (2023), section 2.1: HHI is the sum of squared market shares in percent;
            above 1,800 a market is highly concentrated.

        Examples:
            >>> StageShares("x", "s", 2024, {"a": 0.6, "b": 0.4}, ()).hhi
            5200.0
        """
        return round(sum((100.0 * s) ** 2 for s in self.shares.values()), 1)

    @property
    def unattributed(self) -> float:
        """The part of the stage no observed country accounts for."""
        return round(max(0.0, 1.0 - sum(self.shares.values())), 4)


def _scope(projection: Projection, figure: CountryFigure, rare_earths: list[str]) -> list[str]:
    graph = projection.graph
    if figure.item is None:
        return rare_earths
    targets = [figure.item] if figure.item in graph else []
    if figure.stage in ELEMENT_STAGES and figure.item in graph:
        targets += [
            obj
            for _, obj, kind in graph.out_edges(figure.item, data="kind")
            if kind == "containsElement" and graph.nodes[obj].get("rare_earth")
        ]
    return targets


def _rank(figure: CountryFigure) -> tuple[int, int, str]:
    # An explicit share beats a share computed from output; then higher confidence.
    return (
        0 if figure.kind == "share" else 1,
        _CONFIDENCE_RANK.get(figure.confidence or "", 1),
        figure.observation,
    )


def _computed(figures: list[CountryFigure]) -> list[CountryFigure]:
    """Shares of the world total computed from output figures (see the module doc)."""
    anchors = {
        (f.stage, f.year, f.country, f.item): f.share
        for f in figures
        if f.kind == "share" and f.share
    }
    groups: dict[tuple[str, str | None, int, str | None], list[CountryFigure]] = defaultdict(list)
    for f in figures:
        if f.kind == "production" and f.value is not None and f.value > 0:
            groups[(f.stage, f.item, f.year, f.unit)].append(f)
    computed = []
    for (stage, item, year, _unit), group in groups.items():
        total = sum(f.value or 0.0 for f in group)
        for f in group:
            anchor = anchors.get((stage, year, f.country, item)) or anchors.get(
                (stage, year, f.country, None)
            )
            if anchor:
                total = max(total, (f.value or 0.0) / anchor)
                break
        for f in group:
            share = round((f.value or 0.0) / total, 4)
            computed.append(
                CountryFigure(**{**f.__dict__, "share": share})  # keeps kind "production"
            )
    return computed


def share_tables(projection: Projection, on: dt.date) -> dict[str, dict[str, StageShares]]:
    """Item IRI -> stage IRI -> the country shares in force on ``on``.

    Examples:
        >>> import networkx as nx
        >>> p = Projection(nx.MultiDiGraph())
        >>> p.graph.add_node("Dy", type="element", rare_earth=True)
        >>> p.figures = [CountryFigure("o", "share", "CN", "S", None, 2024, 0.9, None, None,
        ...                            "high", ("src",))]
        >>> share_tables(p, dt.date(2025, 1, 1))["Dy"]["S"].shares
        {'CN': 0.9}
    """
    usable = [f for f in projection.figures if f.year <= on.year]
    rare_earths = [n for n, flag in projection.graph.nodes(data="rare_earth") if flag]
    candidates: dict[tuple[str, str], list[CountryFigure]] = defaultdict(list)
    for figure in [f for f in usable if f.kind == "share"] + _computed(usable):
        if figure.share is None:
            continue
        for item in _scope(projection, figure, rare_earths):
            candidates[(item, figure.stage)].append(figure)
    tables: dict[str, dict[str, StageShares]] = defaultdict(dict)
    for (item, stage), figures in sorted(candidates.items()):
        if any(f.confidence != "low" for f in figures):
            figures = [f for f in figures if f.confidence != "low"]
        year = max(f.year for f in figures)
        best: dict[str, CountryFigure] = {}
        for f in sorted((f for f in figures if f.year == year), key=_rank):
            best.setdefault(f.country, f)
        shares = {c: float(f.share or 0.0) for c, f in sorted(best.items())}
        evidence = tuple(sorted(best.values(), key=lambda f: (-float(f.share or 0), f.country)))
        tables[item][stage] = StageShares(item, stage, year, shares, evidence)
    return dict(tables)


def country_share(
    tables: dict[str, dict[str, StageShares]], item: str, country: str
) -> tuple[float, StageShares | None]:
    """A country's share of an item: its largest share over the item's stages.

    The most concentrated stage bounds what the others can supply, so a country that
    withholds an item withholds at least its share of that stage.

    Examples:
        >>> t = {"Dy": {"mine": StageShares("Dy", "mine", 2024, {"CN": 0.7}, ()),
        ...             "sep": StageShares("Dy", "sep", 2024, {"CN": 0.9}, ())}}
        >>> country_share(t, "Dy", "CN")[0]
        0.9
    """
    best: tuple[float, StageShares | None] = (0.0, None)
    for table in tables.get(item, {}).values():
        share = table.shares.get(country, 0.0)
        if share > best[0]:
            best = (share, table)
    return best
