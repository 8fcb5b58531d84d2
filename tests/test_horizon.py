"""An honest horizon: a status that depends on anything after it is unknown, never in force.

The hand-made graph of tests/data/horizon has a control K suspended until 2026-11-10 by a
suspension whose status was checked only to that day, a control L never suspended, a
dataset horizon of 2026-11-29 and a proposal P. The query library and the analyses must
give the same status on every day, from the one rule computed at load.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

import rarekg
from conftest import DATA, make_root
from rarekg.analysis import Projection, chokepoints_report, project, simulate_report
from rarekg.analysis.asof import controls_in_force, in_force, status_on
from rarekg.analysis.projection import dataset_horizon
from rarekg.analysis.results import chokepoints_text, simulate_text
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKG, RKR
from rarekg.queries import run_library_query
from rarekg.server.service import Counts, describe
from rarekg.settings import Settings

DAY = dt.timedelta(days=1)


def r(name: str) -> str:
    return str(RKR[name])


@pytest.fixture(scope="module")
def hand_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    root = make_root(tmp_path_factory.mktemp("horizon") / "root", [DATA / "horizon" / "graph.ttl"])
    return rarekg.load(root)


@pytest.fixture(scope="module")
def hand(hand_kg: KnowledgeGraph) -> Projection:
    return project(hand_kg)


def library_statuses(kg: KnowledgeGraph, day: str) -> dict[str, str]:
    results = run_library_query(kg, "controls-in-force", {"date": day})
    return {row["policy"].value: row["status"].value for row in results}  # type: ignore[union-attr,index]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-05-01", "in force"),
        ("2025-11-07", "suspended"),
        ("2026-11-10", "suspended"),  # the suspension's last day, its horizon
        ("2026-11-11", "unknown"),  # did the suspension end? not checked
        ("2026-11-29", "unknown"),
        ("2030-01-01", "unknown"),
    ],
)
def test_a_suspension_ending_after_the_horizon_leaves_the_status_unknown(
    hand_kg: KnowledgeGraph, hand: Projection, day: str, expected: str
) -> None:
    on = dt.date.fromisoformat(day)
    assert status_on(hand, r("K"), on).kind == expected
    library = library_statuses(hand_kg, day)
    assert library.get(r("K"), "suspended") == expected
    assert (r("K") in in_force(hand, on)) is (expected == "in force")


def test_suspended_says_until_when(hand: Projection) -> None:
    status = status_on(hand, r("K"), dt.date(2026, 1, 1))
    assert (status.kind, status.end, status.horizon) == (
        "suspended",
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 10),
    )


def test_a_status_with_nothing_scheduled_after_the_horizon_carries_on(
    hand_kg: KnowledgeGraph, hand: Projection
) -> None:
    today = dt.date(2026, 12, 1)
    assert status_on(hand, r("L"), today).kind == "in force"
    assert status_on(hand, r("L"), today).horizon == dt.date(2026, 11, 29)
    assert library_statuses(hand_kg, today.isoformat())[r("L")] == "in force"


def test_the_datasets_horizon(hand_kg: KnowledgeGraph) -> None:
    assert dataset_horizon(hand_kg) == dt.date(2026, 11, 29)


def test_control_counting_leaves_unknown_out(hand: Projection) -> None:
    assert controls_in_force(hand, dt.date(2025, 5, 1)) == {r("E"): [r("K")], r("F"): [r("L")]}
    assert controls_in_force(hand, dt.date(2026, 11, 29)) == {r("F"): [r("L")]}

    def control(day: str) -> float:
        report = chokepoints_report(hand, top=None, on=day)
        found = [e for e in report.chokepoints if e.iri == r("E")]
        return found[0].measures.control.value if found else 0.0

    assert (control("2025-05-01"), control("2026-01-01"), control("2026-11-29")) == (1.0, 0.0, 0.0)


def test_a_proposal_is_never_in_force(hand_kg: KnowledgeGraph, hand: Projection) -> None:
    days = [dt.date(2025, 12, 3) + n * 30 * DAY for n in range(30)]
    assert all(status_on(hand, r("P"), d).kind == "not yet in force" for d in days)
    assert all(r("P") not in library_statuses(hand_kg, d.isoformat()) for d in days)


def test_status_spans_cover_every_day_once(hand: Projection) -> None:
    for policy, spans in hand.statuses.items():
        assert spans[0].start is None, policy
        assert spans[-1].end is None, policy
        for before, after in itertools.pairwise(spans):
            assert before.end is not None and after.start == before.end + DAY, policy
            assert before.kind != after.kind, policy


def test_without_a_horizon_nothing_is_unknown(tmp_path: Path) -> None:
    source = (DATA / "horizon" / "graph.ttl").read_text("utf-8")
    lines = [line for line in source.splitlines() if "statusCheckedUntil" not in line]
    graph = tmp_path / "graph.ttl"
    graph.write_text("\n".join(lines), "utf-8")
    projection = project(rarekg.load(make_root(tmp_path / "root", [graph])))
    assert status_on(projection, r("K"), dt.date(2026, 11, 11)).kind == "in force"
    assert all(s.kind != "unknown" for spans in projection.statuses.values() for s in spans)


# --- the horizon is shown beside every answer that passes it ------------------------------


def test_an_analysis_past_the_horizon_says_so_and_one_before_does_not(kg: KnowledgeGraph) -> None:
    horizon = dataset_horizon(kg)
    assert horizon is not None
    after, on = (horizon + DAY).isoformat(), horizon.isoformat()
    assert "checked up to" in chokepoints_text(chokepoints_report(kg, top=1, on=after))
    assert "checked up to" not in chokepoints_text(chokepoints_report(kg, top=1, on=on))
    scenario = simulate_report(kg, "CN", ["Dy"], on=after)
    assert scenario.horizon == on and "checked up to" in simulate_text(scenario)


def test_version_and_service_description_name_the_horizon(kg: KnowledgeGraph) -> None:
    horizon = dataset_horizon(kg)
    assert horizon is not None
    shown = CliRunner().invoke(main, ["--version"])
    assert shown.exit_code == 0 and f"checked up to {horizon.isoformat()}" in shown.output
    described = Graph().parse(
        data=describe(Counts(1, ()), "http://h/sparql", Settings(), horizon), format="turtle"
    )
    assert set(described.objects(None, RKG.statusCheckedUntil)) == {Literal(horizon)}
