"""The exposure report: which controls a bill of materials depends on, on a day, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rarekg.analysis import exposure_report, exposure_text, to_json
from rarekg.analysis.asof import status_on
from rarekg.analysis.exposure_results import ExposureReport, PartExposure
from rarekg.analysis.reports import as_projection
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR

EXAMPLE = Path(__file__).parent.parent / "examples" / "ev-drive-unit-bom.csv"
ANN_18 = str(RKR["MOFCOM-GAC-2025-18"])
HEADER = "part,parent,quantity,unit,item,supplier,supplier_country\n"
#: A line of the Tb/Dy-containing NdFeB grade Announcement No. 18 controls.
DY_MAGNET = (
    HEADER + "motor,,1,piece,EV traction motor,,\nmagnets,motor,2,kg,Tb/Dy-containing NdFeB,,CN\n"
)


def _part(report: ExposureReport, name: str) -> PartExposure:
    return next(p for p in report.parts if p.part == name)


def _statuses(part: PartExposure, policy: str) -> set[str]:
    return {e.status for e in part.exposures if e.policy.iri == policy}


def test_example_bom_found() -> None:
    assert EXAMPLE.is_file()


@pytest.mark.parametrize(
    ("on", "status"),
    [("2025-04-03", "not yet in force"), ("2025-06-01", "in force")],
    ids=["before-ann-18", "ann-18-in-force"],
)
def test_dy_magnet_line_status_of_ann_18(kg: KnowledgeGraph, on: str, status: str) -> None:
    report = exposure_report(kg, DY_MAGNET, on)
    magnets = _part(report, "magnets")
    assert _statuses(magnets, ANN_18) == {status}
    direct = next(e for e in magnets.exposures if len(e.chain) == 1)
    assert direct.controlled.iri == str(RKR["TbDyContainingSinteredNdFeB"])
    assert direct.official_number and "No. 18" in direct.official_number
    assert report.horizon is None


def test_dy_magnet_line_past_the_horizon_keeps_the_last_checked_status_and_says_so(
    kg: KnowledgeGraph,
) -> None:
    projection = as_projection(kg)
    assert projection.horizon is not None
    on = projection.horizon.replace(year=projection.horizon.year + 1)
    report = exposure_report(kg, DY_MAGNET, on)
    assert report.horizon == projection.horizon.isoformat()
    # No change to Ann. No. 18 is foreseen in the graph: its last checked status stands,
    # and the report (every format) says up to which day statuses were checked.
    assert _statuses(_part(report, "magnets"), ANN_18) == {status_on(projection, ANN_18, on).kind}
    assert projection.horizon.isoformat() in exposure_text(report)


def test_past_the_horizon_the_report_says_so_and_changes_after_it_are_unknown(
    kg: KnowledgeGraph,
) -> None:
    projection = as_projection(kg)
    assert projection.horizon is not None
    on = projection.horizon.replace(year=projection.horizon.year + 1)
    # 8505.11.10: rare earth permanent magnets, Ann. No. 61 item (ii), suspended to 2026-11-10.
    bom = DY_MAGNET + "customs-coded magnets,motor,1,kg,8505.11.10,,CN\n"
    report = exposure_report(kg, bom, on)
    assert report.horizon == projection.horizon.isoformat()
    coded = _part(report, "customs-coded magnets")
    assert coded.exposures and {e.status for e in coded.exposures} == {"unknown"}
    for part in report.parts:  # the one in-force rule, not a second one
        for e in part.exposures:
            assert e.status == status_on(projection, e.policy.iri, on).kind


def test_every_chain_runs_from_the_controlled_thing_to_the_line(kg: KnowledgeGraph) -> None:
    report = exposure_report(kg, EXAMPLE.read_bytes(), "2025-06-01")
    assert report.parts and any(p.exposures for p in report.parts)
    for part in report.parts:
        for e in part.exposures:
            assert e.chain[0] == e.controlled
            assert part.item is not None and e.chain[-1] == part.item
            if e.share is not None:
                assert e.share.country.iri not in {a.iri for a in e.alternatives}


def test_a_general_licence_shows_once_granted(kg: KnowledgeGraph) -> None:
    def general(on: str) -> bool:
        magnets = _part(exposure_report(kg, DY_MAGNET, on), "magnets")
        direct = next(e for e in magnets.exposures if len(e.chain) == 1)
        return direct.licences.general_licence

    assert not general("2025-06-01")
    assert general("2025-12-15")  # the first general licences of 2025-12-02


def test_rollup_reaches_the_product_and_unresolved_lines_are_listed(kg: KnowledgeGraph) -> None:
    report = exposure_report(kg, EXAMPLE.read_bytes(), "2025-06-01")
    below = {e.policy.iri for p in report.parts for e in p.exposures}
    assert {r.policy.iri for r in report.product.rollup} == below
    ann_18 = next(r for r in report.product.rollup if r.policy.iri == ANN_18)
    exposed = [p for p in report.parts if ANN_18 in {e.policy.iri for e in p.exposures}]
    assert ann_18.lines == len(exposed)
    assert {"EV drive unit", "rotor magnet set"} <= set(ann_18.via)
    magnets = _part(report, "rotor magnet set")
    assert [r.via for r in magnets.rollup if r.policy.iri == ANN_18] == [
        ("rotor magnet set", "grain-boundary dysprosium")
    ]
    unresolved = {u.part for u in report.unresolved}
    assert "stator copper windings" in unresolved
    assert {p.part for p in report.parts} >= unresolved  # listed, never dropped


def test_json_has_the_documented_shape(kg: KnowledgeGraph) -> None:
    data = to_json(exposure_report(kg, EXAMPLE.read_bytes(), "2025-06-01"))
    assert {"on", "product", "parts", "unresolved"} <= set(data)
    part = next(p for p in data["parts"] if p["exposures"])
    assert {"part", "item", "quantity", "exposures"} <= set(part)
    exposure = part["exposures"][0]
    wanted = {"policy", "officialNumber", "status", "until", "licences", "chain", "share"}
    assert wanted | {"alternatives"} <= set(exposure)
    assert {"row", "part", "item"} <= set(data["unresolved"][0])


def _cli(tmp_path: Path, data: bytes, *args: str) -> tuple[int, str, str]:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(data)
    result = CliRunner().invoke(main, ["exposure", str(bom), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "html"])
def test_cli_writes_each_format(tmp_path: Path, fmt: str) -> None:
    code, out, _ = _cli(tmp_path, EXAMPLE.read_bytes(), "--on", "2025-06-01", "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert json.loads(out)["on"] == "2025-06-01"
    else:
        assert "No. 18 of 2025" in out


BAD = {
    "unknown-column": (HEADER.replace("unit", "units") + "m,,1,kg,Dy,,\n", "row 1", "units"),
    "missing-column": ("part,parent,quantity\nm,,1\n", "row 1", "item"),
    "not-utf8": (
        HEADER.encode() + "m,,1,kg,Dysprosium \u00e9,,\n".encode("latin-1"),
        "row 2",
        "UTF-8",
    ),
    "cycle": (HEADER + "p,,1,,Dy,,\na,b,1,,Dy,,\nb,a,1,,Dy,,\n", "row 3, column parent", "cycle"),
    "negative-quantity": (HEADER + "p,,1,,Dy,,\nq,p,-2,,Dy,,\n", "row 3, column quantity", "-2"),
    "unknown-parent": (HEADER + "p,,1,,Dy,,\nq,x,1,,Dy,,\n", "row 3, column parent", "'x'"),
    "two-products": (HEADER + "p,,1,,Dy,,\nq,,1,,Dy,,\n", "column parent", "exactly one"),
}


@pytest.mark.parametrize("case", sorted(BAD), ids=sorted(BAD))
def test_bad_input_exits_2_naming_row_and_column(tmp_path: Path, case: str) -> None:
    data, where, what = BAD[case]
    code, out, err = _cli(tmp_path, data if isinstance(data, bytes) else data.encode())
    assert code == 2
    assert out == ""  # nothing half-written
    assert where in err and what in err


def test_a_day_before_any_share_figure_is_a_listed_warning(kg: KnowledgeGraph) -> None:
    report = exposure_report(kg, DY_MAGNET, "1950-01-01")
    assert any("no share figure" in w for w in report.warnings)
    assert all(e.share is None for p in report.parts for e in p.exposures)
    assert not any(
        "no share figure" in w for w in exposure_report(kg, DY_MAGNET, "2025-06-01").warnings
    )


def test_unknown_country_code_is_a_listed_warning(kg: KnowledgeGraph) -> None:
    report = exposure_report(kg, HEADER + "p,,1,,Dysprosium,,XQ\n", "2025-06-01")
    assert any("row 2, column supplier_country" in w and "XQ" in w for w in report.warnings)
    assert report.parts[0].exposures  # the line is still reported
