"""The curated graph: coverage, key facts and provenance, asserted as invariants (it grows)."""

from __future__ import annotations

import datetime as dt

import pytest

from rarekg.analysis.projection import dataset_horizon
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR
from rarekg.queries import run_library_query

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
    "Company": 61,
    "Facility": 51,
    "LicenceType": 4,
    "Licence": 3,
    "Suspension": 3,
    "Source": 150,
    "TradeFlowObservation": 150,
    "ProductionObservation": 24,
    "ReservesObservation": 10,
    "ShareObservation": 3,
    "QuotaObservation": 10,
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
    """SHACL checks this too; here as a plain count a reader can trust.

    The statistics graphs (docs/statistics.md) are made, not curated: left out here.

    The dataset's own description (graph/dataset.ttl) is metadata about the graph, not a
    fact from a publication, so it is the one node without a source.
    """
    rows = kg.query(
        """SELECT ?x WHERE { GRAPH ?g { ?x a ?c } FILTER (?g NOT IN
           (<https://w3id.org/rarekg/graph/ontology>, <https://w3id.org/rarekg/graph/inferred>))
           FILTER (!STRSTARTS(STR(?g), "https://w3id.org/rarekg/graph/stats/"))
           FILTER (?c NOT IN (rkg:Source, skos:ConceptScheme, <http://rdfs.org/ns/void#Dataset>))
           FILTER NOT EXISTS { ?x rdfs:label ?l ; prov:wasDerivedFrom ?s . ?s a rkg:Source } }"""
    )
    assert rows == []


def test_observations_carry_estimate_kind_and_confidence(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?o WHERE { ?o a rkg:Observation .
           FILTER NOT EXISTS { GRAPH ?g { ?o a [] }
             FILTER STRSTARTS(STR(?g), "https://w3id.org/rarekg/graph/stats/") }
           FILTER NOT EXISTS { ?o rkg:estimateKind ?k ; rkg:confidence ?c } }"""
    )
    assert rows == []


# ----------------------------------------------------------------- corrections (issue 12)


def ask(kg: KnowledgeGraph, text: str) -> bool:
    return bool(kg.run(text))


def test_announcement_18_controls_the_tb_dy_grade_not_all_sintered_ndfeb(
    kg: KnowledgeGraph,
) -> None:
    controlled = {
        str(r["item"]).split("/")[-1]
        for r in kg.query("SELECT ?item WHERE { rkr:MOFCOM-GAC-2025-18 rkg:controls ?item }")
    }
    assert "TbDyContainingSinteredNdFeB" in controlled
    assert "SinteredNdFeB" not in controlled
    # The grade says what it is a kind of and what it contains.
    assert ask(
        kg,
        """ASK { rkr:TbDyContainingSinteredNdFeB rkg:kindOf rkr:SinteredNdFeB ;
                 rkg:containsElement rkr:Terbium , rkr:Dysprosium }""",
    )
    # No export control catches plain sintered NdFeB, so it is no controlled item.
    assert not ask(kg, "ASK { rkr:SinteredNdFeB a rkg:ControlledItem }")


def test_general_licences_under_announcement_18_cover_what_it_controls(kg: KnowledgeGraph) -> None:
    uncovered = kg.query(
        """SELECT ?licence ?item WHERE { ?licence rkg:grantedUnder rkr:MOFCOM-GAC-2025-18 ;
           rkg:covers ?item . FILTER NOT EXISTS { rkr:MOFCOM-GAC-2025-18 rkg:controls ?item } }"""
    )
    assert uncovered == []


def test_kalgoorlie_cracks_and_leaches_and_is_no_separator(kg: KnowledgeGraph) -> None:
    assert ask(kg, "ASK { rkr:KalgoorliePlant a rkg:CrackingLeachingPlant }")
    assert ask(kg, "ASK { rkr:KalgoorliePlant rkg:atStage rkr:CrackingLeaching }")
    assert not ask(kg, "ASK { rkr:KalgoorliePlant a rkg:SeparationPlant }")
    results = run_library_query(kg, "suppliers-outside-china", {"stage": "rkr:Separation"})
    facilities = {str(row["facility"].value) for row in results if row["facility"] is not None}  # type: ignore[index,union-attr]
    assert str(RKR["LynasMalaysia"]) in facilities
    assert str(RKR["KalgoorliePlant"]) not in facilities


def test_stages_are_ordered_from_ore_to_component(kg: KnowledgeGraph) -> None:
    rows = kg.query("SELECT ?stage ?n WHERE { ?stage a rkg:SupplyChainStage ; rkg:stageOrder ?n }")
    order = sorted((int(r["n"].toPython()), str(r["stage"]).split("/")[-1]) for r in rows)
    names = [name for _, name in order]
    assert names.index("Mining") < names.index("CrackingLeaching") < names.index("Separation")
    assert len({n for n, _ in order}) == len(order) == count(kg, "SupplyChainStage")


def test_announcement_46_clause_2_bans_ga_ge_sb_but_only_reviews_graphite(
    kg: KnowledgeGraph,
) -> None:
    banned = kg.query(
        """SELECT ?item WHERE { ?ban a rkg:ExportProhibition ; rkg:partOf+ rkr:MOFCOM-2024-46 ;
           rkg:controls ?item }"""
    )
    assert {str(r["item"]).split("/")[-1] for r in banned} == {"Gallium", "Germanium", "Antimony"}
    assert ask(
        kg,
        """ASK { ?review rkg:partOf rkr:MOFCOM-2024-46-Clause2 ; rkg:controls rkr:Graphite .
                 FILTER NOT EXISTS { ?review a rkg:ExportProhibition } }""",
    )


def test_the_magnet_scrap_restriction_is_a_proposal_never_in_force(kg: KnowledgeGraph) -> None:
    proposal = "https://w3id.org/rarekg/resource/EC-MagnetScrapExportRestriction-Proposal"
    assert ask(kg, f"ASK {{ <{proposal}> a rkg:PolicyProposal }}")
    assert not ask(
        kg,
        f"""ASK {{ ?span rkg:statusOf <{proposal}> ; rkg:statusKind ?kind .
                  FILTER (?kind != "not yet in force") }}""",
    )


def test_facility_status_corrections(kg: KnowledgeGraph) -> None:
    assert ask(kg, 'ASK { rkr:SumterPlant rkg:status "operating" }')
    assert ask(
        kg,
        """ASK { ?event rkg:atFacility rkr:SeadriftPlant ;
                        rkg:dateMonth "2025-11"^^xsd:gYearMonth }""",
    )


# ----------------------------------------------------------------- the horizon


def test_every_policy_has_a_horizon_no_later_than_the_datasets(kg: KnowledgeGraph) -> None:
    horizon = dataset_horizon(kg)
    assert horizon is not None and horizon <= dt.date.today()
    rows = kg.query(
        """SELECT ?policy ?h WHERE { ?policy a rkg:Policy . FILTER isIRI(?policy)
           OPTIONAL { ?policy rkg:statusKnownUntil ?h } }"""
    )
    assert all(r["h"] is not None and r["h"].toPython() <= horizon for r in rows)


def test_the_october_2025_controls_are_unknown_after_their_suspension(kg: KnowledgeGraph) -> None:
    results = run_library_query(kg, "controls-in-force", {"date": "2026-11-29"})
    status = {row["policy"].value.split("/")[-1]: row["status"].value for row in results}  # type: ignore[union-attr,index]
    for policy in ("MOFCOM-GAC-2025-55", "MOFCOM-GAC-2025-57", "MOFCOM-2025-61", "MOFCOM-2025-62"):
        assert status[policy] == "unknown", policy
    assert status["MOFCOM-2024-46-Clause2-Ban"] == "unknown"
    assert status["MOFCOM-GAC-2025-18"] == "in force"


@pytest.mark.parametrize("element", ["Dysprosium", "Terbium"])
def test_heavy_rare_earths_have_their_own_separation_share(
    kg: KnowledgeGraph, element: str
) -> None:
    rows = kg.query(
        f"""SELECT ?share WHERE {{ ?o a rkg:ShareObservation ; rkg:observedItem rkr:{element} ;
           rkg:observedStage rkr:Separation ; rkg:observedCountry rkr:China ; rkg:share ?share }}"""
    )
    assert rows and all(float(r["share"].toPython()) > 0.95 for r in rows)


# ----------------------------------------------------------------- depth (issue 12)


@pytest.mark.parametrize("stage", ["Mining", "Separation"])
def test_china_quotas_for_every_year_2020_to_2024_are_limits_not_output(
    kg: KnowledgeGraph, stage: str
) -> None:
    rows = kg.query(
        f"""SELECT ?year ?o WHERE {{ ?o a rkg:QuotaObservation ; rkg:observedCountry rkr:China ;
           rkg:observedStage rkr:{stage} ; rkg:year ?year ; rkg:value ?v }}"""
    )
    assert {"2020", "2021", "2022", "2023", "2024"} <= {str(r["year"]) for r in rows}
    assert not ask(kg, "ASK { ?o a rkg:QuotaObservation , rkg:ProductionObservation }")


def test_myanmar_feeds_china(kg: KnowledgeGraph) -> None:
    assert ask(
        kg,
        """ASK { ?o a rkg:TradeFlowObservation ; rkg:exporter rkr:Myanmar ;
                    rkg:importer rkr:China ; rkg:value ?v }""",
    )
    assert ask(kg, "ASK { ?e a rkg:Event ; rkg:affects rkr:Myanmar ; rkg:date ?d }")
    rows = kg.query(
        """SELECT ?share WHERE { ?o a rkg:TradeFlowObservation ; rkg:exporter rkr:Myanmar ;
           rkg:importer rkr:China ; rkg:observedItem rkr:MixedRareEarthOxidesCustomsCategory ;
           rkg:share ?share }"""
    )
    assert rows and all(float(r["share"].toPython()) > 0.5 for r in rows)


def test_the_us_affiliates_rule_is_unknown_after_its_suspension(kg: KnowledgeGraph) -> None:
    results = run_library_query(kg, "policy-status", {"date": "2026-11-29"})
    status = {row["policy"].value.split("/")[-1]: row["status"].value for row in results}  # type: ignore[union-attr,index]
    assert status["USCommerce-BIS-AffiliatesRule-2025"] == "unknown"
    during = run_library_query(kg, "policy-status", {"date": "2026-06-01"})
    status = {row["policy"].value.split("/")[-1]: row["status"].value for row in during}  # type: ignore[union-attr,index]
    assert status["USCommerce-BIS-AffiliatesRule-2025"] == "suspended"


@pytest.mark.parametrize(
    ("operator", "facility", "country"),
    [
        ("IREL", "IRELAluva", "India"),
        ("Maaden", "MaadenMPRefinery", "SaudiArabia"),
        ("Caremag", "LacqPlant", "France"),
    ],
)
def test_new_operators_run_their_sites(
    kg: KnowledgeGraph, operator: str, facility: str, country: str
) -> None:
    assert ask(
        kg,
        f"""ASK {{ rkr:{operator} rkg:operates rkr:{facility} .
                   rkr:{facility} rkg:locatedIn rkr:{country} }}""",
    )


def test_japan_buys_heavy_rare_earths_from_caremag(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?item WHERE { ?a a rkg:SupplyAgreement ; rkg:supplier rkr:Caremag ;
           rkg:buyer rkr:Iwatani ; rkg:covers ?item }"""
    )
    assert {r["item"].split("/")[-1] for r in rows} == {"DysprosiumOxide", "TerbiumOxide"}
