"""`rarekg validate`: clean data passes; each kind of bad input fails with a usable message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import DATA, REPO
from rarekg.cli import main
from rarekg.validate import validate

INVALID = sorted((DATA / "invalid").glob("*.ttl"))
SHAPES = Graph().parse(REPO / "ontology" / "shapes.ttl")
SHAPE_NAMES = sorted(str(s).split("#")[1] for s in SHAPES.subjects(RDF.type, SH.NodeShape))
CHECKS = sorted((REPO / "queries" / "checks").glob("*-violation.rq"))


def run_validate(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), "validate", *args])
    return result.exit_code, result.output


def test_negative_fixtures_found_for_every_shape() -> None:
    assert INVALID, "no tests/data/invalid/*.ttl found"
    covered = {path.name.split("--")[0] for path in INVALID}
    assert covered == set(SHAPE_NAMES)


def test_checks_found() -> None:
    assert len(CHECKS) >= 5


def test_fixture_graph_is_valid(fixture_root: Path) -> None:
    report = validate(fixture_root)
    assert report.conforms, report.text
    assert report.stages == ["parse", "shacl", "checks", "owl"]


def test_shipped_graph_is_valid() -> None:
    report = validate()
    assert report.conforms, report.text


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_each_negative_fixture_breaks_exactly_its_shape(fixture_root: Path, fixture: Path) -> None:
    shutil.copy(fixture, fixture_root / "graph" / fixture.name)
    report = validate(fixture_root)
    shape = fixture.name.split("--")[0]
    assert {v.rule for v in report.violations if v.stage == "shacl"} == {f"rks:{shape}"}
    assert all(v.node and v.file for v in report.violations if v.stage == "shacl")


def test_syntax_error_gives_file_line_and_column(fixture_root: Path) -> None:
    broken = fixture_root / "graph" / "broken.ttl"
    broken.write_text("@prefix rkr: <https://w3id.org/rarekg/resource/> .\n\nrkr:a rkr:b rkr:c ;\n")
    code, output = run_validate(fixture_root)
    assert code == 1
    assert "broken.ttl" in output and "line 4" in output and "column" in output


def test_failing_check_names_the_check_and_node(fixture_root: Path) -> None:
    (fixture_root / "graph" / "typo.ttl").write_text(
        "@prefix rkg: <https://w3id.org/rarekg/ontology#> .\n"
        "@prefix rkr: <https://w3id.org/rarekg/resource/> .\n"
        "rkr:SinteredNdFeB rkg:containsElement rkr:Dysprosiun .\n"
    )
    code, output = run_validate(fixture_root)
    assert code == 1
    assert "dangling-reference-violation" in output and "Dysprosiun" in output


def test_inconsistency_names_the_node_and_classes(fixture_root: Path) -> None:
    (fixture_root / "graph" / "clash.ttl").write_text(
        "@prefix rkg: <https://w3id.org/rarekg/ontology#> .\n"
        "@prefix rkr: <https://w3id.org/rarekg/resource/> .\n"
        "rkr:Control rkg:controls rkr:China .\n"
    )
    code, output = run_validate(fixture_root, "--format", "json")
    assert code == 1
    owl = [v for v in json.loads(output)["violations"] if v["stage"] == "owl"]
    assert owl and all(v["node"].endswith("/China") for v in owl)
    assert any("Country" in v["message"] for v in owl)
    assert "Exception" not in output and "java" not in output.lower()


def test_missing_file_is_reported(fixture_root: Path) -> None:
    (fixture_root / "ontology" / "rarekg.ttl").unlink()
    code, output = run_validate(fixture_root)
    assert code == 1
    assert "rarekg.ttl" in output and "No such file" in output


def test_unreadable_file_is_reported(fixture_root: Path) -> None:
    (fixture_root / "graph" / "folder.ttl").mkdir()
    code, output = run_validate(fixture_root)
    assert code == 1
    assert "folder.ttl" in output and "Is a directory" in output


def test_missing_data_folder_is_reported(tmp_path: Path) -> None:
    code, output = run_validate(tmp_path)
    assert code == 1
    assert "no ontology/, graph/ and queries/" in output


def test_json_report_is_machine_readable(fixture_root: Path) -> None:
    code, output = run_validate(fixture_root, "--format", "json")
    assert code == 0
    assert json.loads(output) == {
        "conforms": True,
        "stages": ["parse", "shacl", "checks", "owl"],
        "violations": [],
    }
