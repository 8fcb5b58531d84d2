"""GeoPolRisk: the geopolitical supply risk of a material for an importing country in a year.

    score = HHI · WTA,  HHI = Σ_c p_c² / (Σ_c p_c)²,  WTA = Σ_e q_e · w_e / (Σ_e q_e + p_i)
    CF = score · price / CF_Cu

``p_c`` is country c's production of the material (World Mining Data), ``q_e`` what the
importer ``i`` bought from exporter ``e`` (BACI, tonnes), ``w_e`` the exporter's WGI
political stability normalised to [0, 1] (1 least stable), ``p_i`` the importer's own
production, ``price`` the mean import price (thousand USD per tonne, i.e. USD/kg) and
``CF_Cu`` the mean characterisation factor of copper the package divides by.

References:
    Santillán-Saldivar, J., Gemechu, E., Muller, S., Villeneuve, J., Young, S. B. and
    Sonnemann, G., An improved resource midpoint characterization method for supply risk
    of resources: integrated assessment of Li-ion batteries, Int. J. Life Cycle Assess.
    27 (2022) 457-468; Koyamparambath, A. et al., geopolrisk-py: a Python library for the
    GeoPolRisk method (2024; version 2.0.1, ``core.py``: ``HHI``, ``importrisk``,
    ``GeoPolRisk``), whose rules this module follows: the codes grouped per material, an
    exporter without a score weighted 0.5, a flow without a quantity counted as 0 t.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rarekg.analysis.criticality.inputs import BACI, WMD, Statistics
from rarekg.analysis.criticality.results import Input, MethodResult, Missing
from rarekg.analysis.projection import Projection
from rarekg.namespaces import RKR

NAME = "geopolrisk"
VERSION = "1.0"
TITLE = "GeoPolRisk (Santillán-Saldivar et al.; as geopolrisk-py 2.0.1 computes it)"
FORMULA = (
    "score = HHI(production) x sum(q_e w_e) / (sum(q_e) + own production); "
    "CF = score x price / CF_Cu"
)
REFERENCE = (
    "Santillán-Saldivar et al., Int. J. Life Cycle Assess. 27 (2022) 457-468; "
    "Koyamparambath et al., geopolrisk-py 2.0.1 (JOSS)"
)

#: The governance indicator exporters are weighted by (graph/statistics-items.ttl).
WGI_NORMALISED = str(RKR["WGIPoliticalStabilityNormalised"])
#: The weight geopolrisk-py gives an exporter without a score for the year.
MISSING_WGI = 0.5
#: Copper's mean characterisation factor, OECD countries 2017-2021 (geopolrisk-py core.py),
#: the unit GeoPolRisk characterisation factors are expressed in (kg Cu eq per kg).
CF_COPPER = 0.409412948
#: How many importers a year lists when none is named: the largest by tonnes imported.
DEFAULT_IMPORTERS = 10


@dataclass(frozen=True)
class Material:
    """A material as the method groups it: its production series and its trade codes.

    The grouping is geopolrisk-py's "HS Code Map": rare earths are World Mining Data's
    "Rare Earths (REO)" with HS 2846.90, 2846.10 and 2805.30 traded.
    """

    label: str
    production: str
    trade: tuple[str, ...]

    def items(self) -> set[str]:
        """Every item of the material: what is produced and what is traded."""
        return {self.production, *self.trade}


MATERIALS: tuple[Material, ...] = (
    Material(
        "rare earths",
        str(RKR["RareEarthOxides"]),
        (
            str(RKR["OtherRareEarthCompounds"]),
            str(RKR["CeriumCompounds"]),
            str(RKR["RareEarthMetals"]),
        ),
    ),
)


@dataclass(frozen=True)
class Flow:
    """What one importer bought from one exporter in a year, codes of the material summed."""

    exporter: str
    tonnes: float
    kusd: float
    wgi: float | None


@dataclass(frozen=True)
class Components:
    """The terms of a GeoPolRisk result."""

    hhi: float
    numerator: float
    total_trade: float
    own_production: float
    price: float
    wta: float
    score: float
    cf: float


def hhi(production: Iterable[float]) -> float:
    """The Herfindahl-Hirschman index of production shares, on a 0-1 scale.

    Examples:
        >>> hhi([60.0, 40.0])
        0.52
    """
    values = list(production)
    total = sum(values)
    if total <= 0:
        raise ValueError("no production to take shares of")
    return sum(v * v for v in values) / (total * total)


def components(
    flows: Sequence[Flow], production: Iterable[float], own_production: float
) -> Components:
    """The GeoPolRisk terms from the importer's flows and every country's production.

    An exporter's missing score weighs :data:`MISSING_WGI`, as in geopolrisk-py.

    Examples:
        >>> c = components([Flow("CN", 90.0, 900.0, 0.6), Flow("AU", 10.0, 110.0, 0.2)],
        ...                [80.0, 20.0], 0.0)
        >>> round(c.hhi, 2), round(c.wta, 2), round(c.score, 4), round(c.price, 2)
        (0.68, 0.56, 0.3808, 10.1)
    """
    numerator = sum(f.tonnes * (MISSING_WGI if f.wgi is None else f.wgi) for f in flows)
    total = sum(f.tonnes for f in flows)
    value = sum(f.kusd for f in flows)
    price = value / total if total else 0.0
    concentration = hhi(production)
    denominator = total + own_production
    wta = numerator / denominator if denominator else 0.0
    score = concentration * wta
    return Components(
        concentration,
        numerator,
        total,
        own_production,
        price,
        wta,
        score,
        score * price / CF_COPPER,
    )


def material_of(item: str) -> Material | None:
    """The material an item belongs to, ``None`` when the method has none for it."""
    return next((m for m in MATERIALS if item in m.items()), None)


def _flows(
    stats: Statistics, material: Material, importer: str, year: int
) -> tuple[list[Flow], int, set[str]]:
    by_exporter: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    unquantified = 0
    sources: set[str] = set()
    for t in stats.trade:
        if (
            BACI in t.sources
            and t.importer == importer
            and t.year == year
            and t.item in material.trade
        ):
            if t.tonnes is None:
                unquantified += 1
            by_exporter[t.exporter][0] += t.tonnes or 0.0
            by_exporter[t.exporter][1] += t.kusd or 0.0
            sources.update(t.sources)
    scores = {
        s.country: s.value
        for s in stats.scores
        if s.indicator == WGI_NORMALISED and s.year == year and s.country is not None
    }
    flows = [
        Flow(exporter, tonnes, kusd, 0.0 if exporter == importer else scores.get(exporter))
        for exporter, (tonnes, kusd) in sorted(by_exporter.items())
    ]
    return flows, unquantified, sources


def _importers(stats: Statistics, material: Material, year: int) -> list[str]:
    totals: dict[str, float] = defaultdict(float)
    for t in stats.trade:
        if BACI in t.sources and t.year == year and t.item in material.trade:
            totals[t.importer] += t.tonnes or 0.0
    return sorted(totals, key=lambda c: (-totals[c], c))[:DEFAULT_IMPORTERS]


def _years(stats: Statistics, material: Material) -> list[int]:
    produced = {
        p.year for p in stats.production if WMD in p.sources and p.item == material.production
    }
    traded = {t.year for t in stats.trade if BACI in t.sources and t.item in material.trade}
    return sorted(produced & traded)


def compute(
    projection: Projection,
    stats: Statistics,
    item: str | None,
    year: int | None,
    importer: str | None,
) -> list[MethodResult]:
    """GeoPolRisk results for the material of ``item`` (default: every material)."""
    materials = list(MATERIALS) if item is None else [m for m in MATERIALS if item in m.items()]
    if item is not None and not materials:
        return [
            _insufficient(
                projection,
                item,
                year,
                importer,
                Missing(
                    "material",
                    "GeoPolRisk needs a material with a World Mining Data production "
                    "series and BACI trade codes; this item is not one "
                    "(rarekg.analysis.criticality.geopolrisk.MATERIALS)",
                ),
            )
        ]
    results = []
    for material in materials:
        years = _years(stats, material)
        if not years:
            results.append(
                _insufficient(
                    projection,
                    material.production,
                    year,
                    importer,
                    Missing(
                        "statistics",
                        "no BACI trade and World Mining Data production of the same year "
                        "in the graph (install the stats extra, then rarekg build)",
                    ),
                )
            )
            continue
        for y in [year] if year is not None else [years[-1]]:
            importers = [importer] if importer is not None else _importers(stats, material, y)
            for country in importers:
                results.append(one(projection, stats, material, country, y))
    return results


def _insufficient(
    projection: Projection, item: str, year: int | None, importer: str | None, missing: Missing
) -> MethodResult:
    return MethodResult(
        NAME,
        VERSION,
        "GeoPolRisk score",
        projection.describe(item),
        None,
        (),
        (missing,),
        year=year,
        importer=None if importer is None else projection.describe(importer),
    )


def one(
    projection: Projection, stats: Statistics, material: Material, importer: str, year: int
) -> MethodResult:
    """The GeoPolRisk result of one importer, material and year, or what it lacks."""
    production = [
        p
        for p in stats.production
        if WMD in p.sources and p.item == material.production and p.year == year
    ]
    flows, unquantified, trade_sources = _flows(stats, material, importer, year)
    missing = []
    if not production:
        missing.append(
            Missing(
                "production",
                f"no World Mining Data production of "
                f"{projection.label(material.production)} in {year}",
            )
        )
    if not flows:
        missing.append(
            Missing("imports", f"no BACI imports by {projection.label(importer)} in {year}")
        )
    described = projection.describe(material.production)
    who = projection.describe(importer)
    if missing:
        return MethodResult(
            NAME,
            VERSION,
            "GeoPolRisk score",
            described,
            None,
            (),
            tuple(missing),
            year=year,
            importer=who,
        )
    own = sum(p.tonnes for p in production if p.country == importer)
    c = components(flows, [p.tonnes for p in production], own)
    prod_sources = tuple(sorted({s for p in production for s in p.sources}))
    wgi_sources = tuple(
        sorted({s.sources[0] for s in stats.scores if s.indicator == WGI_NORMALISED and s.sources})
    )[:1]
    assumptions = [
        f"{projection.label(f.exporter)} has no normalised WGI score for {year}: weighted "
        f"{MISSING_WGI} (geopolrisk-py's rule)"
        for f in flows
        if f.wgi is None
    ]
    if unquantified:
        assumptions.append(
            f"{unquantified} flow(s) without a quantity count 0 t (geopolrisk-py's rule)"
        )
    inputs = (
        Input(
            "HHI of production",
            c.hhi,
            "0-1",
            prod_sources,
            f"{len(production)} producing countries",
        ),
        Input("own production", c.own_production, "t", prod_sources),
        Input(
            "imports",
            c.total_trade,
            "t",
            tuple(sorted(trade_sources)),
            f"from {len(flows)} exporters",
        ),
        Input("stability-weighted imports", c.numerator, "t", wgi_sources),
        Input("import risk (WTA)", c.wta, "0-1"),
        Input("import price", c.price, "USD/kg", tuple(sorted(trade_sources))),
        Input("characterisation factor", c.cf, "kg Cu eq/kg", (), f"CF_Cu = {CF_COPPER}"),
    )
    return MethodResult(
        NAME,
        VERSION,
        "GeoPolRisk score",
        described,
        c.score,
        inputs,
        (),
        tuple(assumptions),
        year=year,
        importer=who,
    )
