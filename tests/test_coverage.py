"""Issue 12's depth: the trade flows, feed routes, customs lines and positions analysts rely on.

The per-class floors live in ``tests/test_graph.py``; this file holds what a count cannot:
that Myanmar's feed into China is observed across the years, that every flow says which way
it goes, that customs lines keep the tariff numbers their sources give, and that any position
a facility carries is a whole WGS84 coordinate in range.
"""

from __future__ import annotations

import re

from rarekg.kg import KnowledgeGraph

GEO = "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"

#: Years in which a source states Myanmar -> China flows (2018 and 2021-2024 as shares or
#: months, 2019-2020 as tonnages); 2022 has none in the sources read.
MYANMAR_FEED_YEARS = {2018, 2019, 2020, 2021, 2023, 2024}


def _year(row: dict[str, object]) -> int:
    return int(str(row["when"])[:4])


def test_myanmar_feed_into_china_is_observed_across_the_years(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?o ?when WHERE { ?o a rkg:TradeFlowObservation ;
             rkg:exporter rkr:Myanmar ; rkg:importer rkr:China .
           { ?o rkg:year ?when } UNION { ?o rkg:period ?when } }"""
    )
    assert len({r["o"] for r in rows}) >= 16
    assert {_year(r) for r in rows} >= MYANMAR_FEED_YEARS


def test_every_trade_flow_says_which_way_it_goes(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?o WHERE { ?o a rkg:TradeFlowObservation .
           FILTER NOT EXISTS { ?o rkg:exporter ?x }
           FILTER NOT EXISTS { ?o rkg:importer ?y } }"""
    )
    assert rows == []


def test_an_import_total_without_an_exporter_names_the_importing_country(
    kg: KnowledgeGraph,
) -> None:
    rows = kg.query(
        """SELECT ?o WHERE { ?o a rkg:TradeFlowObservation ; rkg:importer ?c .
           FILTER NOT EXISTS { ?o rkg:exporter ?x }
           FILTER NOT EXISTS { ?o rkg:observedCountry ?c } }"""
    )
    assert rows == []


def test_us_compound_imports_are_continuous_from_2014_to_2020(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?when ?v WHERE { ?o a rkg:TradeFlowObservation ;
             rkg:importer rkr:UnitedStates ;
             rkg:observedItem rkr:USGSRareEarthCompoundsTradeCategory ;
             rkg:year ?when ; rkg:value ?v ; rkg:basis "REO" }"""
    )
    years = [_year(r) for r in rows]
    assert sorted(years) == list(range(2014, 2021)), "one figure per year, none twice"


def test_chinas_magnet_exports_to_four_destinations_in_december_2020(
    kg: KnowledgeGraph,
) -> None:
    rows = kg.query(
        """SELECT ?to WHERE { ?o a rkg:TradeFlowObservation ; rkg:exporter rkr:China ;
             rkg:importer ?to ; rkg:observedItem rkr:RareEarthPermanentMagnets ;
             rkg:period "2020-12"^^xsd:gYearMonth }"""
    )
    assert {str(r["to"]).rsplit("/", 1)[1] for r in rows} >= {
        "Germany",
        "UnitedStates",
        "SouthKorea",
        "Vietnam",
    }


def test_customs_lines_keep_their_sources_tariff_numbers(kg: KnowledgeGraph) -> None:
    rows = kg.query("SELECT ?item ?code WHERE { ?item rkg:hsCode ?code }")
    codes = {str(r["item"]).rsplit("/", 1)[1]: str(r["code"]) for r in rows}
    assert codes["RareEarthOxideCustomsLine"] == "2846.90.19"
    assert codes["RareEarthCarbonateCustomsLine"] == "2846.90.48"
    every = [str(r["code"]) for r in rows]
    assert all(re.fullmatch(r"\d{4}(\.\d{2}){0,3}", c) for c in every), every


def test_controlled_items_carry_their_chinese_tariff_lines(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?item ?code WHERE { rkr:MOFCOM-GAC-2025-18 rkg:controls ?item .
           ?item rkg:hsCode ?code }"""
    )
    codes = {(str(r["item"]).rsplit("/", 1)[1], str(r["code"])) for r in rows}
    assert codes >= {("DysprosiumMetal", "2805.30.12"), ("TerbiumMetal", "2805.30.13")}


def test_facility_positions_are_whole_and_in_range(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        GEO
        + """SELECT ?f ?lat ?long WHERE { ?f a rkg:Facility .
             OPTIONAL { ?f geo:lat ?lat } OPTIONAL { ?f geo:long ?long }
             FILTER (BOUND(?lat) || BOUND(?long)) }"""
    )
    for row in rows:
        assert row.get("lat") is not None and row.get("long") is not None, row["f"]
        assert -90 <= float(str(row["lat"])) <= 90, row["f"]
        assert -180 <= float(str(row["long"])) <= 180, row["f"]


def test_position_vocabulary_is_declared_for_the_map(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        GEO
        + """SELECT ?p WHERE { VALUES ?p { geo:lat geo:long }
             ?p a owl:DatatypeProperty ; rdfs:label ?l ; skos:definition ?d }"""
    )
    assert len(rows) == 2


def test_per_element_shares_reached(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT DISTINCT ?e ?stage WHERE { ?o a rkg:ShareObservation ;
             rkg:observedItem ?e ; rkg:observedStage ?stage . ?e a rkg:RareEarthElement }"""
    )
    pairs = {(str(r["e"]).rsplit("/", 1)[1], str(r["stage"]).rsplit("/", 1)[1]) for r in rows}
    assert pairs >= {
        ("Dysprosium", "Separation"),
        ("Terbium", "Separation"),
        ("Yttrium", "Mining"),
    }
