"""Chokepoints, restriction scenarios and policy dates: hand-worked graphs and invariants."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import rarekg
from conftest import DATA, make_root
from rarekg.analysis import (
    AnalysisInputError,
    Projection,
    chains_report,
    chokepoints_report,
    project,
    simulate_report,
    to_json,
)
from rarekg.analysis.asof import in_force
from rarekg.analysis.chokepoints import dominated_industries, minimum_cuts, network
from rarekg.analysis.results import Chokepoint, ChokepointsReport, CutIndustry, ScenarioReport
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR

HAND = DATA / "analysis"


def r(name: str) -> str:
    return str(RKR[name])


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Projection]:
    """Each hand-made graph of tests/data/analysis, loaded, reasoned and projected."""
    loaded = {}
    for folder in sorted(p for p in HAND.iterdir() if p.is_dir()):
        root = make_root(tmp_path_factory.mktemp(folder.name) / "root", [folder / "graph.ttl"])
        loaded[folder.name] = project(rarekg.load(root))
    return loaded


def test_hand_made_graphs_found() -> None:
    assert {p.name for p in HAND.iterdir() if p.is_dir()} == {"diamond", "suppliers", "suspension"}


def entry(report: ChokepointsReport, iri: str) -> Chokepoint:
    found = [e for e in report.chokepoints if e.iri == iri]
    assert found, f"{iri} is not in the ranking"
    return found[0]


# ----------------------------------------------------------------- the diamond


def test_diamond_has_one_supply_side_dominator(hand: dict[str, Projection]) -> None:
    net = network(hand["diamond"], dt.date(2026, 1, 1))
    dominated = dominated_industries(net)
    supply_side = {
        n
        for n in dominated
        if hand["diamond"].node_type(n) not in {"component", "application", "industry"}
    }
    assert supply_side == {r("M")}
    assert minimum_cuts(net) == {r("I"): {r("M")}}


def test_diamond_ranks_the_dominator_first(hand: dict[str, Projection]) -> None:
    report = chokepoints_report(hand["diamond"], top=None, on="2026-01-01")
    first = report.chokepoints[0]
    assert first.iri == r("M")
    # 0.25 dominance + 0.15 betweenness (the largest) + 0.10 cut; no share, no control.
    assert first.score == pytest.approx(0.5)
    assert first.measures.dominance.value == 1.0
    assert first.measures.betweenness.value == 1.0
    assert first.measures.cut.industries == (CutIndustry(r("I"), "Industry I", "industry", 1),)
    stages = entry(report, r("E")).measures.concentration.stages
    assert stages is not None and stages[0].top_country.iri == r("X")
    assert (stages[0].top_share, stages[0].hhi) == (0.6, 5200.0)


def test_every_measure_cites_its_reference(hand: dict[str, Projection]) -> None:
    for item in chokepoints_report(hand["diamond"], top=None, on="2026-01-01").chokepoints:
        measures = to_json(item)["measures"]
        assert set(measures) == {"concentration", "dominance", "betweenness", "cut", "control"}
        assert all(m["reference"] for m in measures.values())


# ----------------------------------------------------------------- two suppliers


def exposures(report: ScenarioReport) -> dict[str, float]:
    return {a.iri: a.exposure for a in report.affected}


def test_two_suppliers_split_the_flow(hand: dict[str, Projection]) -> None:
    alpha = simulate_report(hand["suppliers"], "AA", ["Ee"], on="2025-06-01")
    beta = simulate_report(hand["suppliers"], "Betaland", ["E"], on="2025-06-01")
    # P needs C needs M needs E: Alpha withholds 70%, Beta 30%. J = mean(P, Q); Q needs no E.
    assert {k: v for k, v in exposures(alpha).items() if k in {r("P"), r("I"), r("J")}} == {
        r("P"): 0.7,
        r("I"): 0.7,
        r("J"): 0.35,
    }
    assert {k: v for k, v in exposures(beta).items() if k in {r("P"), r("I"), r("J")}} == {
        r("P"): 0.3,
        r("I"): 0.3,
        r("J"): 0.15,
    }
    assert r("Q") not in exposures(alpha)
    assert to_json(alpha)["scenario"]["estimateKind"] == "modelled"


def test_exposed_companies_carry_hop_distance(hand: dict[str, Projection]) -> None:
    alpha = simulate_report(hand["suppliers"], "AA", ["E"], on="2025-06-01")
    companies = {a.iri: (a.exposure, a.hops) for a in alpha.affected if a.type == "company"}
    # Maker makes M (E -> M -> Maker); Buyer buys from Maker.
    assert companies == {r("Maker"): (0.7, 2), r("Buyer"): (0.7, 3)}
    beta = simulate_report(hand["suppliers"], "BB", ["E"], on="2025-06-01")
    assert not [a for a in beta.affected if a.type == "company"], "home firms are not cut"


def test_shares_and_hhi_of_two_suppliers(hand: dict[str, Projection]) -> None:
    report = chokepoints_report(hand["suppliers"], top=None, on="2025-06-01")
    stages = entry(report, r("E")).measures.concentration.stages
    assert stages is not None
    assert (stages[0].top_share, stages[0].hhi, stages[0].year) == (0.7, 5800.0, 2024)
    assert {e.iri for e in entry(report, r("E")).evidence} == {r("obs-alpha"), r("obs-beta")}


def test_chain_through_a_magnet(hand: dict[str, Projection]) -> None:
    report = chains_report(hand["suppliers"], "Ee", "Industry I")
    assert [[n.iri for n in c.nodes] for c in report.chains] == [
        [r("E"), r("M"), r("C"), r("P"), r("I")]
    ]
    assert [e.kind for e in report.chains[0].edges] == [
        "containsElement",
        "madeFrom",
        "usesComponent",
        "hasApplication",
    ]
    assert all(e.sources == (r("src-hand"),) for e in report.chains[0].edges)
    backwards = chains_report(hand["suppliers"], "Industry I", "Ee")
    assert [n.iri for n in backwards.chains[0].nodes] == [
        r("I"),
        r("P"),
        r("C"),
        r("M"),
        r("E"),
    ]


# ----------------------------------------------------------------- a suspension window


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-04-03", set()),
        ("2025-05-01", {"K"}),
        ("2025-11-07", {"S"}),  # the suspension starts: K out
        ("2025-12-15", {"S"}),  # K2 is due, but its parent is suspended
        ("2026-11-10", {"S"}),  # last day of the suspension
        ("2026-11-11", {"K", "K2"}),
    ],
)
def test_suspension_window(hand: dict[str, Projection], day: str, expected: set[str]) -> None:
    assert in_force(hand["suspension"], dt.date.fromisoformat(day)) == {r(n) for n in expected}


def test_restriction_defaults_to_controls_in_force(hand: dict[str, Projection]) -> None:
    with pytest.raises(AnalysisInputError, match="no export control in force"):
        simulate_report(hand["suspension"], "XL", on="2025-12-15")
    after = simulate_report(hand["suspension"], "XL", on="2026-11-11")
    assert [i.iri for i in after.scenario.items] == [r("E"), r("F")]
    assert exposures(after)[r("I")] == 0.8


def test_control_measure_follows_the_date(hand: dict[str, Projection]) -> None:
    def control(day: str) -> float:
        report = chokepoints_report(hand["suspension"], top=None, on=day)
        return entry(report, r("E")).measures.control.value

    assert (control("2025-05-01"), control("2025-12-15"), control("2026-11-11")) == (1.0, 0.0, 1.0)


# ----------------------------------------------------------------- the curated graph


KEY_INDUSTRIES = ("AutomotiveIndustry", "WindEnergyIndustry", "DefenceIndustry")


def test_china_restricting_dy_and_tb_exposes_key_industries(kg: KnowledgeGraph) -> None:
    report = simulate_report(kg, "CN", ["Dy", "Tb"], on="2026-01-15")
    found = exposures(report)
    for industry in KEY_INDUSTRIES:
        assert found.get(r(industry), 0) > 0.5, industry
    assert all(a.paths for a in report.affected if a.type == "industry")


@pytest.mark.parametrize("minor", ["MY", "Australia", "US"])
def test_a_minor_producer_exposes_them_less(kg: KnowledgeGraph, minor: str) -> None:
    china = exposures(simulate_report(kg, "CN", ["Dy", "Tb"], on="2026-01-15"))
    other = exposures(simulate_report(kg, minor, ["Dy", "Tb"], on="2026-01-15"))
    for industry in KEY_INDUSTRIES:
        assert other.get(r(industry), 0.0) < china[r(industry)], industry


def test_curated_chokepoints(kg: KnowledgeGraph) -> None:
    report = chokepoints_report(kg, top=10, on="2026-01-15")
    ranked = [e.iri for e in report.chokepoints]
    assert len(ranked) == 10
    assert r("SinteredNdFeB") in ranked[:3]
    china = entry(chokepoints_report(kg, top=None, on="2026-01-15"), r("China"))
    assert r("MOFCOM-GAC-2025-18") in china.measures.control.policies


def test_ann_57_is_suspended_until_november_2026(kg: KnowledgeGraph) -> None:
    def controlled(day: str) -> set[str]:
        report = simulate_report(kg, "CN", on=day)
        return {i.iri for i in report.scenario.items}

    assert r("Dysprosium") in controlled("2025-05-01")
    assert r("Holmium") not in controlled("2025-12-01")
    # After the suspension's end its status was not checked: unknown, so not counted.
    assert r("Holmium") not in controlled("2026-11-11")


BadCall = Callable[[KnowledgeGraph], object]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda kg: simulate_report(kg, "Atlantis"), "nothing of type country"),
        (lambda kg: simulate_report(kg, "CN", ["Dy", "unobtainium"]), "unobtainium"),
        (lambda kg: simulate_report(kg, "CN", on="yesterday"), "not a date"),
        (lambda kg: chokepoints_report(kg, on="2025-13-01"), "not a date"),
        (lambda kg: chains_report(kg, "oxide", "Dy"), "ambiguous: "),
    ],
)
def test_bad_input_fails_clearly(kg: KnowledgeGraph, call: BadCall, message: str) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        call(kg)


def test_ambiguous_names_list_candidates(kg: KnowledgeGraph) -> None:
    with pytest.raises(AnalysisInputError) as error:
        chains_report(kg, "oxide", "Dy")
    assert {r("DysprosiumOxide"), r("TerbiumOxide")} <= set(error.value.candidates)


# ----------------------------------------------------------------- command line


def test_cli_commands_answer_in_json_and_tables() -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["chokepoints", "--top", "5", "--on", "2026-01-15", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["chokepoints"]) == 5
    result = runner.invoke(
        main, ["simulate", "--restrict", "CN", "--items", "Dy,Tb", "--on", "2026-01-15"]
    )
    assert result.exit_code == 0, result.output
    assert "modelled" in result.output and "wind energy industry" in result.output
    result = runner.invoke(main, ["chokepoints", "--top", "3"])
    assert result.exit_code == 0 and "score" in result.output


def test_cli_bad_input_exits_with_candidates() -> None:
    result = CliRunner().invoke(main, ["simulate", "--restrict", "Chinaa"])
    assert result.exit_code == 2
    assert "China" in result.output


def test_export_graphml(tmp_path: Path) -> None:
    target = tmp_path / "rarekg.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "-o", str(target)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(target)
    assert graph.nodes[r("Dysprosium")]["type"] == "element"
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert {"containsElement", "produces", "controls", "suspends"} <= kinds
    assert [p.name for p in tmp_path.iterdir()] == ["rarekg.graphml"], "no temporary file left"
