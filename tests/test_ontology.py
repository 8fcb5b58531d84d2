"""The ontology carries the core vocabulary of ONTOLOGY.md, documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import REPO
from rarekg.namespaces import ONTOLOGY_IRI, RKG

ONTOLOGY = Graph().parse(REPO / "ontology" / "rarekg.ttl")

CORE_CLASSES = [
    "ChemicalElement",
    "RareEarthElement",
    "Material",
    "Magnet",
    "Component",
    "Application",
    "Industry",
    "Technology",
    "Country",
    "Company",
    "GovernmentBody",
    "Facility",
    "Mine",
    "SeparationPlant",
    "MetalAlloyPlant",
    "MagnetPlant",
    "RecyclingPlant",
    "SupplyChainStage",
    "Policy",
    "ExportControl",
    "ExportProhibition",
    "Suspension",
    "ProcurementRestriction",
    "Investment",
    "TradeAgreement",
    "Law",
    "LicenceType",
    "Licence",
    "Event",
    "Observation",
    "ProductionObservation",
    "ReservesObservation",
    "ShareObservation",
    "TradeFlowObservation",
    "PriceObservation",
    "Source",
    "ControlledItem",
    "ExposedIndustry",
]

CORE_PROPERTIES = [
    "dependsOn",
    "directlyDependsOn",
    "containsElement",
    "madeFrom",
    "usesComponent",
    "hasApplication",
    "requiresTechnology",
    "produces",
    "operates",
    "operatedBy",
    "locatedIn",
    "headquarteredIn",
    "atStage",
    "supplies",
    "subsidiaryOf",
    "issuedBy",
    "jurisdiction",
    "controls",
    "targetsCountry",
    "requiresLicence",
    "suspends",
    "amends",
    "implements",
    "follows",
    "affects",
    "holder",
    "licenceType",
    "grantedUnder",
    "covers",
    "validFrom",
    "validUntil",
    "observedCountry",
    "observedCompany",
    "observedItem",
    "observedStage",
    "exporter",
    "importer",
    "year",
    "period",
    "value",
    "unit",
    "share",
    "basis",
    "estimateKind",
    "symbol",
    "atomicNumber",
    "isoCode",
    "hsCode",
    "officialNumber",
    "announcedOn",
    "effectiveFrom",
    "effectiveUntil",
    "date",
    "status",
    "confidence",
]

OWN_TERMS = sorted(
    {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in ONTOLOGY.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(RKG))
    }
)


def test_own_terms_found() -> None:
    assert len(OWN_TERMS) > 80


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_class_exists(name: str) -> None:
    assert (RKG[name], RDF.type, OWL.Class) in ONTOLOGY


@pytest.mark.parametrize("name", CORE_PROPERTIES)
def test_core_property_exists(name: str) -> None:
    kinds = set(ONTOLOGY.objects(RKG[name], RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


@pytest.mark.parametrize("term", OWN_TERMS, ids=lambda t: t.split("#")[1])
def test_every_term_has_label_and_definition(term: URIRef) -> None:
    labels = list(ONTOLOGY.objects(term, RDFS.label))
    assert labels and all(label.language == "en" for label in labels)
    assert ONTOLOGY.value(term, SKOS.definition) is not None


def test_depends_on_is_transitive_with_the_dependency_kinds_beneath_it() -> None:
    assert (RKG.dependsOn, RDF.type, OWL.TransitiveProperty) in ONTOLOGY
    assert (RKG.directlyDependsOn, RDFS.subPropertyOf, RKG.dependsOn) in ONTOLOGY
    for kind in ("containsElement", "madeFrom", "usesComponent", "hasApplication"):
        assert (RKG[kind], RDFS.subPropertyOf, RKG.directlyDependsOn) in ONTOLOGY


def test_header_names_version_licence_and_dates() -> None:
    predicates = {p.split("/")[-1].split("#")[-1] for p in ONTOLOGY.predicates(ONTOLOGY_IRI)}
    assert {
        "versionIRI",
        "versionInfo",
        "title",
        "description",
        "license",
        "created",
        "modified",
    } <= predicates


def test_no_imports() -> None:
    """owlready2 would fetch an import over the network."""
    assert not list(ONTOLOGY.triples((None, OWL.imports, None)))


def test_documentation_renders_offline(tmp_path: Path) -> None:
    """`make docs`: pyLODE writes one page naming every class, loading nothing remote."""
    page = tmp_path / "ontology.html"
    pylode = Path(sys.executable).with_name("pylode")
    subprocess.run(
        [pylode, REPO / "ontology" / "rarekg.ttl", "-o", page, "-c", "true", "-s"],
        check=True,
        capture_output=True,
    )
    html = page.read_text("utf-8")
    for term in OWN_TERMS:
        label = str(ONTOLOGY.value(term, RDFS.label))
        assert label in html, label
    assert not re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"https?://", html)
