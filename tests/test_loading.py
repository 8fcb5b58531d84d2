"""Loading: one named graph per file, all-or-nothing, queries in Oxigraph's engine."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib.plugins.sparql.evaluate
from rdflib import URIRef

import rarekg
from rarekg.kg import KnowledgeGraph, QueryError
from rarekg.namespaces import RKR, graph_iri
from rarekg.store import LoadError, SourceFile, load_into, new_store

COUNT_DY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { rkr:Dysprosium ?p ?o } }"


def test_each_file_is_its_own_named_graph(fixture_kg: KnowledgeGraph) -> None:
    rows = fixture_kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {str(r["g"]) for r in rows} == {
        str(graph_iri("ontology")),
        str(graph_iri("chain")),
        str(graph_iri("inferred")),
    }


def test_default_graph_is_the_union(fixture_kg: KnowledgeGraph) -> None:
    rows = fixture_kg.query(
        "SELECT ?label WHERE { rkr:Dysprosium rdfs:label ?label ; a rkg:ControlledItem }"
    )
    assert [str(r["label"]) for r in rows] == ["Dysprosium"]


def test_parameters_are_bound_by_the_engine(fixture_kg: KnowledgeGraph) -> None:
    rows = fixture_kg.query(
        "SELECT ?element ?symbol WHERE { ?element rkg:symbol ?symbol }", {"element": RKR.Neodymium}
    )
    assert [str(r["symbol"]) for r in rows] == ["Nd"]


def test_bad_sparql_is_a_clear_error(fixture_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="invalid SPARQL"):
        fixture_kg.query("SELEC ?x WHERE { ?x ?y ?z }")


def test_rdflib_sparql_engine_never_runs(
    fixture_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oxrdflib falls back to rdflib's 45x slower engine for prepared queries."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's SPARQL evaluator ran")

    monkeypatch.setattr(rdflib.plugins.sparql.evaluate, "evalQuery", forbidden)
    assert fixture_kg.query("SELECT ?x WHERE { ?x a rkg:Magnet }")
    assert len(fixture_kg.dataset.query("SELECT ?x WHERE { ?x a rkg:Magnet }")) == 1


def test_syntax_error_names_file_line_and_column_and_loads_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("<http://a/x> <http://a/p> 1 .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://a/x> <http://a/p> 1 .\n<http://a/x> <http://a/p> "open .\n')
    store = new_store()
    with pytest.raises(LoadError) as caught:
        load_into(store, [SourceFile.for_path(good), SourceFile.for_path(bad)])
    assert (caught.value.path, caught.value.line) == (bad, 2)
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{bad}:2:")
    assert len(store) == 0


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="No such file"):
        load_into(new_store(), [SourceFile.for_path(tmp_path / "absent.ttl")])


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.ttl").write_text("_:b <http://a/p> 1 .\n")
    store = new_store()
    load_into(store, [SourceFile.for_path(tmp_path / n) for n in ("one.ttl", "two.ttl")])
    assert len({q.subject for q in store}) == 2


def test_store_on_disk(fixture_root: Path, tmp_path: Path) -> None:
    kg = rarekg.load(fixture_root, store_path=tmp_path / "store")
    assert (tmp_path / "store").is_dir()
    assert kg.query(COUNT_DY)[0]["n"].toPython() > 0


def test_shipped_graph_loads_through_the_resolver(kg: KnowledgeGraph) -> None:
    assert kg.artefacts.graph_files(), "no graph/*.ttl found"
    names = {str(s.graph) for s in kg.sources}
    assert str(graph_iri("ontology")) in names
    assert isinstance(kg.store, ox.Store)
    elements = {r["x"] for r in kg.query("SELECT ?x WHERE { ?x a rkg:RareEarthElement }")}
    assert URIRef(str(RKR.Dysprosium)) in elements


def test_a_query_naming_its_dataset_sees_only_that(fixture_kg: KnowledgeGraph) -> None:
    """The union is the default dataset; a query's own FROM overrides it."""
    ontology_only = (
        "SELECT ?x FROM <https://w3id.org/rarekg/graph/ontology> WHERE { ?x a rkg:Magnet }"
    )
    assert fixture_kg.query(ontology_only) == []
    assert len(fixture_kg.query("SELECT ?x WHERE { ?x a rkg:Magnet }")) == 1
