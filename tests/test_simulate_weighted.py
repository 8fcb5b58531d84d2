"""Scenarios weigh propagation by stated dependency strengths (hand-made graph)."""

from __future__ import annotations

from pathlib import Path

import pytest

import rarekg
from conftest import DATA, make_root
from rarekg.analysis import Projection, project, simulate_report
from rarekg.validate import validate

GRAPH = DATA / "criticality" / "weighted" / "graph.ttl"


@pytest.fixture(scope="module")
def weighted(tmp_path_factory: pytest.TempPathFactory) -> Projection:
    root = make_root(tmp_path_factory.mktemp("weighted") / "root", [GRAPH])
    return project(rarekg.load(root))


def test_hand_made_graph_found() -> None:
    assert GRAPH.is_file()


def test_strengths_are_read_from_the_graph(weighted: Projection) -> None:
    stated = {
        (k[0].rsplit("/", 1)[-1], k[1].rsplit("/", 1)[-1]): s.strength
        for k, s in weighted.strengths.items()
    }
    assert stated == {("Speaker", "D"): 0.1, ("Hybrid", "Motor"): 0.5}


def test_exposure_is_weighted_by_stated_strengths(weighted: Projection) -> None:
    report = simulate_report(weighted, "XL", ["Dysprosium D"], on="2025-06-01")
    found = {a.label: (a.exposure, a.basis) for a in report.affected if a.type != "company"}
    assert found == {
        "EV": (pytest.approx(0.8), "unweighted"),
        "Hybrid": (pytest.approx(0.4), "weighted"),
        "Audio": (pytest.approx(0.08), "weighted"),
        "Auto": (pytest.approx(0.6), "weighted"),
        "Electronics": (pytest.approx(0.08), "weighted"),
    }
    assert "weighted by the stated dependency strengths" in report.scenario.model


def test_without_strengths_the_bottleneck_is_unchanged(weighted: Projection) -> None:
    bare = Projection(
        weighted.graph,
        weighted.figures,
        weighted.policies,
        weighted.classes,
        weighted.resolver,
        weighted.statuses,
        weighted.horizon,
    )
    report = simulate_report(bare, "XL", ["Dysprosium D"], on="2025-06-01")
    exposures = {a.label: (a.exposure, a.basis) for a in report.affected}
    assert exposures == {
        name: (pytest.approx(0.8), "unweighted")
        for name in ("EV", "Hybrid", "Audio", "Auto", "Electronics")
    }


def test_a_strength_outside_zero_to_one_fails_validation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        GRAPH.read_text("utf-8").replace("rkg:strength 0.1", "rkg:strength 1.5"), "utf-8"
    )
    report = validate(make_root(tmp_path / "root", [bad]))
    assert not report.conforms
    assert "rkg:strength is one xsd:decimal fraction in [0, 1]" in report.text
