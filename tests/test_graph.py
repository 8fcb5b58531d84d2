"""The curated graph: coverage, key facts and provenance, asserted as invariants (it grows)."""

from __future__ import annotations

import pytest

from rarekg.kg import KnowledgeGraph

RARE_EARTHS = {
    "Scandium": ("Sc", 21), "Yttrium": ("Y", 39), "Lanthanum": ("La", 57),
    "Cerium": ("Ce", 58), "Praseodymium": ("Pr", 59), "Neodymium": ("Nd", 60),
    "Promethium": ("Pm", 61), "Samarium": ("Sm", 62), "Europium": ("Eu", 63),
    "Gadolinium": ("Gd", 64), "Terbium": ("Tb", 65), "Dysprosium": ("Dy", 66),
    "Holmium": ("Ho", 67), "Erbium": ("Er", 68), "Thulium": ("Tm", 69),
    "Ytterbium": ("Yb", 70), "Lutetium": ("Lu", 71),
}  # fmt: skip

#: The issue's coverage bar, per class (at least).
COVERAGE = {
    "RareEarthElement": 17,
    "Magnet": 7,
    "Industry": 10,
    "Country": 16,
    "Company": 30,
    "Facility": 25,
    "LicenceType": 4,
    "Licence": 3,
    "Suspension": 2,
    "Source": 30,
    "TradeFlowObservation": 8,
    "ProductionObservation": 24,
    "ReservesObservation": 10,
    "ShareObservation": 3,
}


def count(kg: KnowledgeGraph, cls: str) -> int:
    rows = kg.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a rkg:{cls} }}")
    return int(rows[0]["n"].toPython())


@pytest.mark.parametrize(("cls", "least"), COVERAGE.items())
def test_coverage_per_class(kg: KnowledgeGraph, cls: str, least: int) -> None:
    assert count(kg, cls) >= least


def test_components_and_applications_coverage(kg: KnowledgeGraph) -> None:
    assert count(kg, "Component") + count(kg, "Application") >= 15


def test_all_seventeen_rare_earths_with_symbol_number_and_wikidata(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?e ?symbol ?z ?wd WHERE { ?e a rkg:RareEarthElement ; rkg:symbol ?symbol ;
           rkg:atomicNumber ?z ; skos:exactMatch ?wd }"""
    )
    found = {r["e"].split("/")[-1]: (str(r["symbol"]), r["z"].toPython()) for r in rows}
    assert found == RARE_EARTHS
    assert all(str(r["wd"]).startswith("http://www.wikidata.org/entity/Q") for r in rows)


def test_magnet_inputs_and_related_controlled_items_present(kg: KnowledgeGraph) -> None:
    rows = kg.query("SELECT ?s WHERE { ?e a rkg:ChemicalElement ; rkg:symbol ?s }")
    assert {"Fe", "B", "Co", "Ga", "Ge", "Sb"} <= {str(r["s"]) for r in rows}
    assert kg.query("SELECT ?g WHERE { BIND(rkr:Graphite AS ?g) ?g a rkg:Material }")


def test_announcement_18_of_2025_controls_exactly_the_seven_elements(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?symbol WHERE {
           ?policy rkg:officialNumber "MOFCOM & GAC Announcement No. 18 of 2025" ;
                   rkg:controls ?e . ?e a rkg:ChemicalElement ; rkg:symbol ?symbol }"""
    )
    assert sorted(str(r["symbol"]) for r in rows) == sorted(
        ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"]
    )


def test_the_two_announcements_no_57_are_kept_apart(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?policy ?announced WHERE { ?policy rkg:officialNumber ?n ;
           rkg:announcedOn ?announced .
           FILTER (STRSTARTS(?n, "MOFCOM & ") && CONTAINS(?n, "No. 57 of"))
           FILTER NOT EXISTS { ?policy rkg:partOf ?whole } }"""
    )
    assert {str(r["announced"]) for r in rows} == {"2023-12-21", "2025-10-09"}


def test_suspensions_are_bounded(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?s ?from ?until WHERE { ?s a rkg:Suspension ; rkg:suspends ?p ;
           rkg:effectiveFrom ?from ; rkg:effectiveUntil ?until }"""
    )
    bounds = {(str(r["from"]), str(r["until"])) for r in rows}
    assert ("2025-11-07", "2026-11-10") in bounds  # Ann. 70 of 2025
    assert ("2025-11-09", "2026-11-27") in bounds  # Ann. 72 of 2025


def test_december_2025_general_licences(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?holder ?from WHERE { ?l a rkg:Licence ; rkg:holder ?holder ;
           rkg:validFrom ?from ; rkg:licenceType rkr:DualUseGeneralLicence }"""
    )
    holders = {r["holder"].split("/")[-1] for r in rows}
    assert {"JLMag", "NingboYunsheng", "ZhongKeSanHuan"} <= holders
    assert {str(r["from"]) for r in rows} == {"2025-12-02"}


def test_usgs_2024_mine_production_china_leads(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?country ?value WHERE { ?o a rkg:ProductionObservation ;
           rkg:observedCountry ?country ; rkg:observedStage rkr:Mining ;
           rkg:year "2024"^^xsd:gYear ; rkg:value ?value }
           ORDER BY DESC(?value)"""
    )
    assert rows[0]["country"].split("/")[-1] == "China"
    assert rows[0]["value"].toPython() == 270000


@pytest.mark.parametrize(
    "industry",
    ["Automotive", "WindEnergy", "ConsumerElectronics", "DataStorage", "Defence",
     "Robotics", "IndustrialMachinery", "HVAC", "Healthcare"],
)  # fmt: skip
def test_magnet_chains_reach_the_industries(kg: KnowledgeGraph, industry: str) -> None:
    """Element -> magnet -> component -> application -> industry exists for each."""
    rows = kg.query(
        f"""SELECT ?app ?component ?magnet ?element WHERE {{
            rkr:{industry}Industry rkg:hasApplication ?app .
            ?app rkg:dependsOn ?component . ?component a rkg:Component .
            ?component rkg:dependsOn ?magnet . ?magnet a rkg:Magnet .
            ?magnet rkg:containsElement ?element . ?element a rkg:RareEarthElement }} LIMIT 1"""
    )
    assert rows


def test_every_curated_node_is_labelled_and_sourced(kg: KnowledgeGraph) -> None:
    """SHACL checks this too; here as a plain count a reader can trust."""
    rows = kg.query(
        """SELECT ?x WHERE { GRAPH ?g { ?x a ?c } FILTER (?g NOT IN
           (<https://w3id.org/rarekg/graph/ontology>, <https://w3id.org/rarekg/graph/inferred>))
           FILTER (?c != rkg:Source && ?c != skos:ConceptScheme)
           FILTER NOT EXISTS { ?x rdfs:label ?l ; prov:wasDerivedFrom ?s . ?s a rkg:Source } }"""
    )
    assert rows == []


def test_observations_carry_estimate_kind_and_confidence(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?o WHERE { ?o a rkg:Observation .
           FILTER NOT EXISTS { ?o rkg:estimateKind ?k ; rkg:confidence ?c } }"""
    )
    assert rows == []
