"""Criticality by published methods: inputs shown, gaps named, the chokepoint weights cited."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import rarekg
from conftest import DATA, make_root
from rarekg.analysis import (
    Projection,
    chokepoints_report,
    criticality_report,
    project,
    to_json,
)
from rarekg.analysis.chokepoint_methods import COMPOSITE, MEASURES, WEIGHTINGS
from rarekg.analysis.criticality import METHODS, eu_sr
from rarekg.analysis.criticality.compare import kendall, spearman
from rarekg.analysis.criticality.geopolrisk import WGI_NORMALISED
from rarekg.analysis.criticality.inputs import BACI, Score, Statistics, Trade
from rarekg.analysis.projection import CountryFigure
from rarekg.analysis.reports import comparison_report
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR
from rarekg.server.analyses import Analyses, AnalysisJob
from rarekg.server.params import MAX_TEXT
from rarekg.viz import explore

DIAMOND = DATA / "analysis" / "diamond" / "graph.ttl"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_root(tmp_path_factory.mktemp("diamond") / "root", [DIAMOND])


@pytest.fixture(scope="module")
def diamond(root: Path) -> KnowledgeGraph:
    return rarekg.load(root)


def test_hand_made_graph_found() -> None:
    assert DIAMOND.is_file()


def test_every_method_is_versioned_and_cited() -> None:
    assert set(METHODS) == {"geopolrisk", "eu-sr", "hhi"}
    for method in METHODS.values():
        assert method.info.version and method.info.reference and method.info.formula


def test_hhi_per_element_from_the_curated_shares(diamond: KnowledgeGraph) -> None:
    # Xland 60% and Yland 40% of mining: 60^2 + 40^2 = 5200 points for each element.
    report = criticality_report(diamond, method="hhi", on="2026-01-01")
    found = {(r.item.iri, r.stage): r.value for r in report.results}
    mining = str(RKR["Mining"])
    assert found == {(str(RKR["E"]), mining): 5200.0, (str(RKR["F"]), mining): 5200.0}
    assert all(r.insufficient_data == () for r in report.results)


def test_methods_without_statistics_say_what_is_missing(diamond: KnowledgeGraph) -> None:
    report = criticality_report(diamond, method="geopolrisk")
    assert [r.value for r in report.results] == [None]
    reason = report.results[0].insufficient_data[0].reason
    assert "no BACI trade and World Mining Data production" in reason
    eu = criticality_report(diamond, method="eu-sr")
    assert {r.stage for r in eu.results} == {str(RKR["Mining"]), str(RKR["Separation"])}
    assert all(r.value is None and r.insufficient_data for r in eu.results)


def test_an_item_outside_a_method_is_named_insufficient(diamond: KnowledgeGraph) -> None:
    report = criticality_report(diamond, method="geopolrisk", item="Elementium")
    assert report.results[0].value is None
    assert report.results[0].insufficient_data[0].input == "material"


def test_criticality_command(root: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["--root", str(root), "criticality", "--method", "hhi", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["methods"][0]["name"] == "hhi"
    assert {r["value"] for r in data["results"]} == {5200.0}
    bad = runner.invoke(main, ["--root", str(root), "criticality", "--method", "nope"])
    assert bad.exit_code == 2
    late = runner.invoke(main, ["--root", str(root), "criticality", "--year", "3000"])
    assert late.exit_code == 2
    unknown = runner.invoke(main, ["--root", str(root), "criticality", "--item", "Unobtainium"])
    assert unknown.exit_code == 2
    compare = runner.invoke(main, ["--root", str(root), "criticality", "--compare"])
    assert compare.exit_code == 0, compare.output
    assert "spearman" in compare.output


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"method": "nope"}, "method"),
        ({"year": "3000"}, "year"),
        ({"year": "²"}, "year"),
        ({"item": "x" * (MAX_TEXT + 1)}, "item"),
        ({"importer": "y" * (MAX_TEXT + 1)}, "importer"),
    ],
    ids=["method", "year-range", "year-digits", "item-length", "importer-length"],
)
def test_api_parameters_past_their_limits_are_400(
    diamond: KnowledgeGraph, params: dict[str, str], named: str
) -> None:
    answer = Analyses(diamond).answer(AnalysisJob("criticality", tuple(params.items())))
    assert answer.status == 400
    assert named in answer.body.decode()


def test_api_answers_json(diamond: KnowledgeGraph) -> None:
    job = AnalysisJob("criticality", (("method", "hhi"), ("on", "2026-01-01")))
    answer = Analyses(diamond).answer(job)
    assert answer.status == 200
    assert {r["value"] for r in json.loads(answer.body)["results"]} == {5200.0}


def test_composite_weights_are_documented_and_unchanged() -> None:
    assert COMPOSITE.values() == {
        "concentration": 0.35,
        "dominance": 0.25,
        "betweenness": 0.15,
        "cut": 0.10,
        "control": 0.15,
    }
    for weighting in WEIGHTINGS.values():
        assert sum(weighting.values().values()) == pytest.approx(1.0, abs=1e-3)
        assert set(weighting.values()) == set(MEASURES)
        assert all(w.basis for w in weighting.weights.values())


def test_chokepoints_rank_by_another_weighting(diamond: KnowledgeGraph) -> None:
    projection = project(diamond)
    composite = chokepoints_report(projection, top=None, on="2026-01-01")
    assert composite.formula.startswith("score = 0.35 concentration + 0.25 dominance")
    only = chokepoints_report(projection, top=None, on="2026-01-01", method="concentration")
    assert only.formula == "score = 1.00 concentration (concentration)"
    assert all(c.score == c.measures.concentration.value for c in only.chokepoints)
    with pytest.raises(rarekg.analysis.AnalysisInputError):
        chokepoints_report(projection, method="nope")


def test_rank_correlations() -> None:
    assert spearman([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall([1, 2, 3], [3, 2, 1]) == -1.0
    assert spearman([1, 1, 1], [1, 2, 3]) is None


def test_comparison_reports_each_method(diamond: KnowledgeGraph) -> None:
    report = comparison_report(diamond, on="2026-01-01")
    methods = {c.method: c for c in report.correlations}
    assert set(methods) == {"hhi", "concentration weighting", "geopolrisk", "eu-sr"}
    assert methods["geopolrisk"].spearman is None
    assert "no correlation" in methods["geopolrisk"].note
    assert to_json(report)["composite"] == COMPOSITE.formula()


def test_explorer_panel_shows_methods_beside_the_score(diamond: KnowledgeGraph) -> None:
    explorer = explore(diamond)
    facts = explorer.details[str(RKR["E"])]["facts"]
    names = [f[0] for f in facts]
    assert names[0] == "chokepoint score"
    assert facts[1] == ["HHI (Mining, 2024)", "5200"]


def test_eu_supply_risk_arithmetic_on_hand_made_statements() -> None:
    """Processing stage: GS from the stage's shares, EUS from EU imports, as the guidelines."""
    projection = Projection(nx.MultiDiGraph())
    for code in ("CN", "AU", "DE"):
        projection.graph.add_node(code, type="country", label=code)
    projection.graph.add_node("Ee", type="element", label="Ee", rare_earth=True)
    reo = str(RKR["RareEarthOxides"])
    projection.graph.add_node(reo, type="material", label="REO")
    separation = str(RKR["Separation"])
    projection.figures = [
        CountryFigure("o", "share", "CN", separation, None, 2024, 0.9, None, None, "high", ("s",))
    ]
    trade = str(RKR["OtherRareEarthCompounds"])
    stats = Statistics(
        trade=[
            Trade("CN", "DE", trade, 2024, 90.0, 900.0, "g", (BACI,)),
            Trade("AU", "DE", trade, 2024, 10.0, 100.0, "g", (BACI,)),
        ],
        scores=[
            Score(WGI_NORMALISED, "CN", None, 2024, 0.5, "g", ("w",)),
            Score(WGI_NORMALISED, "AU", None, 2024, 0.1, "g", ("w",)),
            Score(eu_sr.EOL_RIR, None, reo, 2023, 0.01, "g", ("e",)),
            Score(eu_sr.SUBSTITUTION_INDEX, None, reo, 2023, 0.9, "g", ("i",)),
        ],
    )
    results = {r.stage: r for r in eu_sr.compute(projection, stats, None, 2024)}
    processing = results[separation]
    assert processing.insufficient_data == ()
    # GS = 0.9^2 x 5 = 4.05; EUS = 0.9^2 x 5 + 0.1^2 x 1 = 4.06; IR = 1.
    assert processing.value == pytest.approx((4.05 / 2 + 4.06 / 2) * 0.99 * 0.9, abs=1e-4)
    assert results[str(RKR["Mining"])].value is None
