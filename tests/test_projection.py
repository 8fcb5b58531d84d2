"""One projection, its kinds read from the ontology: a new sub-property needs no code change."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import rarekg
from conftest import DATA, REPO, make_root
from rarekg.analysis import chains_report, project, simulate_report
from rarekg.analysis.projection import FAMILIES, ROLES
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import ONTOLOGY_GRAPH, RKG, RKR
from rarekg.viz import explore

NEW_KIND = DATA / "subproperty"


def r(name: str) -> str:
    return str(RKR[name])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root whose ontology declares rkg:usesCoating, and a graph that uses it."""
    target = make_root(tmp_path_factory.mktemp("subproperty") / "root", [NEW_KIND / "graph.ttl"])
    ontology = target / "ontology" / "rarekg.ttl"
    ontology.write_text(
        ontology.read_text("utf-8") + "\n" + (NEW_KIND / "ontology.ttl").read_text("utf-8"),
        encoding="utf-8",
    )
    return target


@pytest.fixture(scope="module")
def coated(root: Path) -> KnowledgeGraph:
    return rarekg.load(root)


def test_the_code_has_never_heard_of_the_new_kind() -> None:
    source = Path(rarekg.__file__).parent
    assert not [p for p in source.rglob("*.py") if "usesCoating" in p.read_text("utf-8")]
    assert "usesCoating" not in (REPO / "ontology" / "rarekg.ttl").read_text("utf-8")


def test_a_new_dependency_kind_makes_chains(coated: KnowledgeGraph) -> None:
    report = chains_report(coated, "Ee", "Industry I")
    assert [[n.iri for n in c.nodes] for c in report.chains] == [
        [r("E"), r("K"), r("M"), r("P"), r("I")]
    ]
    assert "usesCoating" in [e.kind for e in report.chains[0].edges]


def test_a_new_dependency_kind_carries_a_restriction(coated: KnowledgeGraph) -> None:
    report = simulate_report(coated, "AA", ["E"], on="2025-06-01")
    exposure = {a.iri: a.exposure for a in report.affected}
    assert exposure[r("I")] == 0.8 == exposure[r("P")]


def test_a_new_dependency_kind_is_exported_to_graphml(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "coated.graphml"
    result = CliRunner().invoke(
        main, ["--root", str(root), "export", "--format", "graphml", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    edges = {(u, v, d["kind"], d["family"]) for u, v, d in nx.read_graphml(target).edges(data=True)}
    assert (r("M"), r("K"), "usesCoating", "dependency") in edges


def test_a_new_dependency_kind_is_drawn_in_the_explorer(coated: KnowledgeGraph) -> None:
    assert (r("M"), r("K"), "uses coating", "dependency") in explore(coated, {}).edges


def test_every_family_and_role_names_a_term_of_the_ontology(kg: KnowledgeGraph) -> None:
    ontology = kg.dataset.graph(ONTOLOGY_GRAPH)
    terms = {str(s) for s in ontology.subjects()}
    assert {str(RKG[f.property]) for f in FAMILIES} <= terms
    assert {str(RKG[r.cls]) for r in ROLES} <= terms


def test_the_explorer_draws_what_the_analysis_reads(kg: KnowledgeGraph) -> None:
    projection = kg.cached(project)
    explorer = kg.cached(explore)
    assert set(explorer.nodes) == set(projection.graph)
    drawn = {(u, v) for u, v, _, _ in explorer.edges}
    assert drawn == {(u, v) for u, v in projection.graph.edges()}
