"""Dependency chains on the curated graph: who depends on what, through what, with sources."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rarekg.analysis import chains_report
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR


def test_dysprosium_reaches_wind_power_through_a_magnet(kg: KnowledgeGraph) -> None:
    report = chains_report(kg, "Dy", "wind energy industry")
    assert report.chains, "no chain from Dy to wind energy"
    for chain in report.chains:
        assert chain.nodes[0].iri == str(RKR["Dysprosium"])
        assert chain.nodes[-1].iri == str(RKR["WindEnergyIndustry"])
        assert "magnet" in {n.type for n in chain.nodes}
        assert all(edge.sources for edge in chain.edges)
    lengths = [len(c.nodes) for c in report.chains]
    assert lengths == sorted(lengths), "shortest first"
    assert str(RKR["SinteredNdFeB"]) in {n.iri for n in report.chains[0].nodes}


def test_max_length_bounds_the_chains(kg: KnowledgeGraph) -> None:
    report = chains_report(kg, "rkr:Dysprosium", "wind power generation", max_length=3)
    assert report.chains
    assert all(len(c.edges) <= 3 for c in report.chains)
    assert chains_report(kg, "Dy", "wind power generation", max_length=2).chains == ()


def test_chains_follow_the_supply_to_a_country(kg: KnowledgeGraph) -> None:
    report = chains_report(kg, "China", "sintered NdFeB magnet", max_length=3)
    kinds = {e.kind for c in report.chains for e in c.edges}
    assert "produces" in kinds


def test_chains_cli_json() -> None:
    result = CliRunner().invoke(main, ["chains", "Tb", "wind energy", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"from", "to", "max_length", "chains"}
    assert set(report["chains"][0]) == {"nodes", "edges"}
    assert set(report["chains"][0]["nodes"][0]) == {"iri", "label", "type"}


def test_chains_cli_unknown_name() -> None:
    result = CliRunner().invoke(main, ["chains", "Dy", "flux capacitor"])
    assert result.exit_code == 2
    assert "flux capacitor" in result.output
