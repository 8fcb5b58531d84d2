"""Reasoning: defined classes classified, dependencies closed, the result cached."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest

import rarekg
from rarekg.kg import KnowledgeGraph
from rarekg.reason import INFERRED_NODE, InconsistentOntology

INFERRED = "<https://w3id.org/rarekg/graph/inferred>"


def inferred(kg: KnowledgeGraph, pattern: str) -> bool:
    rows = kg.query(f"SELECT * WHERE {{ GRAPH {INFERRED} {{ {pattern} }} }} LIMIT 1")
    return bool(rows)


def inferred_quads(kg: KnowledgeGraph) -> set[str]:
    return {str(q) for q in kg.store.quads_for_pattern(None, None, None, INFERRED_NODE)}


def test_defined_classes_are_classified(fixture_kg: KnowledgeGraph) -> None:
    assert inferred(fixture_kg, "rkr:Dysprosium a rkg:ControlledItem")
    assert inferred(fixture_kg, "rkr:WindPower a rkg:ExposedIndustry")
    assert not inferred(fixture_kg, "rkr:Neodymium a rkg:ControlledItem")
    assert not inferred(fixture_kg, "rkr:Glass a rkg:ExposedIndustry")


def test_direct_dependencies_are_materialised_from_their_kinds(fixture_kg: KnowledgeGraph) -> None:
    assert inferred(fixture_kg, "rkr:SinteredNdFeB rkg:directlyDependsOn rkr:Dysprosium")
    assert inferred(fixture_kg, "rkr:WindPower rkg:directlyDependsOn rkr:OffshoreWind")


def test_depends_on_is_the_transitive_closure(fixture_kg: KnowledgeGraph) -> None:
    rows = fixture_kg.query(
        f"SELECT ?input WHERE {{ GRAPH {INFERRED} {{ rkr:WindPower rkg:dependsOn ?input }} }}"
    )
    names = {r["input"].split("/")[-1] for r in rows}
    assert names == {"OffshoreWind", "WindGenerator", "SinteredNdFeB", "Dysprosium", "Neodymium"}


def test_inverses_and_superclasses_are_inferred(fixture_kg: KnowledgeGraph) -> None:
    assert inferred(fixture_kg, "rkr:Dysprosium rkg:controlledBy rkr:Control")
    assert inferred(fixture_kg, "rkr:Dysprosium a rkg:ChemicalElement")
    assert inferred(fixture_kg, "rkr:Control a rkg:Policy")


def test_most_specific_types_leave_out_superclasses(fixture_kg: KnowledgeGraph) -> None:
    def kinds(node: str) -> set[str]:
        rows = fixture_kg.query(f"SELECT ?type WHERE {{ {node} rkg:mostSpecificType ?type }}")
        return {r["type"].split("#")[-1] for r in rows}

    assert kinds("rkr:Control") == {"ExportControl"}
    assert "ChemicalElement" not in kinds("rkr:Dysprosium")
    assert "RareEarthElement" in kinds("rkr:Dysprosium")


def test_observations_are_not_given_to_hermit(fixture_kg: KnowledgeGraph) -> None:
    assert not inferred(fixture_kg, "rkr:obs-mine-CN-2024 a ?class")


def reasoned_afresh_then_no_java(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> KnowledgeGraph:
    """Load ``root`` with a fresh cache (HermiT runs), then make any later HermiT run fail."""
    monkeypatch.setenv("RAREKG_CACHE", str(tmp_path / "fresh-cache"))
    first = rarekg.load(root)
    assert first.reasoning is not None and not first.reasoning.from_cache

    def no_java(*args: object, **kwargs: object) -> None:
        raise AssertionError("HermiT ran although its input was unchanged")

    monkeypatch.setattr(owlready2, "sync_reasoner_hermit", no_java)
    return first


def test_second_load_uses_the_cache_and_runs_no_java(
    fixture_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = reasoned_afresh_then_no_java(fixture_root, tmp_path, monkeypatch)
    second = rarekg.load(fixture_root)
    assert second.reasoning is not None and second.reasoning.from_cache
    assert inferred_quads(second) == inferred_quads(first)


def test_new_observations_run_no_java(
    fixture_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HermiT sees only the skeleton, which new observations leave as it was."""
    reasoned_afresh_then_no_java(fixture_root, tmp_path, monkeypatch)
    (fixture_root / "graph" / "more.ttl").write_text(
        "@prefix rkg: <https://w3id.org/rarekg/ontology#> .\n"
        "@prefix rkr: <https://w3id.org/rarekg/resource/> .\n"
        "rkr:obs-more a rkg:TradeFlowObservation ; rkg:exporter rkr:China ; rkg:value 1.0 .\n"
    )
    again = rarekg.load(fixture_root)
    assert again.reasoning is not None and not again.reasoning.from_cache, "the rules ran"
    assert inferred(again, "rkr:Dysprosium a rkg:ControlledItem")


def test_changed_input_invalidates_the_cache(fixture_root: Path) -> None:
    rarekg.load(fixture_root)
    chain = fixture_root / "graph" / "chain.ttl"
    chain.write_text(chain.read_text() + "\nrkr:Glass rkg:hasApplication rkr:OffshoreWind .\n")
    again = rarekg.load(fixture_root)
    assert again.reasoning is not None and not again.reasoning.from_cache
    assert inferred(again, "rkr:Glass a rkg:ExposedIndustry")


def test_inconsistency_names_node_and_classes(fixture_root: Path) -> None:
    (fixture_root / "graph" / "clash.ttl").write_text(
        "@prefix rkg: <https://w3id.org/rarekg/ontology#> .\n"
        "@prefix rkr: <https://w3id.org/rarekg/resource/> .\n"
        "rkr:Control rkg:controls rkr:China .\n"
    )
    with pytest.raises(InconsistentOntology) as caught:
        rarekg.load(fixture_root, use_cache=False)
    clashes = caught.value.clashes
    assert ("https://w3id.org/rarekg/resource/China",) in {(n,) for n, _, _ in clashes}
    assert any("Country" in a + b for _, a, b in clashes)
