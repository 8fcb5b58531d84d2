"""The query library answers an analyst's questions, with typed, engine-bound parameters."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import rarekg
from conftest import DATA, REPO, make_root
from rarekg.formats import compact
from rarekg.kg import KnowledgeGraph, to_oxigraph
from rarekg.queries import (
    LibraryQuery,
    QueryNotFoundError,
    QueryParameterError,
    bind_parameters,
    discover,
    run_library_query,
)

LIBRARY = discover(REPO / "queries")
REQUIRED = {
    "controls-in-force": ["date"],
    "industry-exposure": ["element"],
    "dependency-chains": ["from", "to"],
    "production-by-country": ["stage", "year"],
    "stage-concentration": ["stage", "year"],
    "policy-timeline": ["country"],
    "licence-holders": [],
    "company-facilities": ["company"],
    "suppliers-outside-china": ["stage"],
    "element-uses": ["element"],
    "trade-flows": ["exporter", "from", "to"],
}

Row = tuple[str, ...]


@pytest.fixture(scope="module")
def library_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The hand-made graph of tests/data/queries with worked-out answers."""
    root = tmp_path_factory.mktemp("queries") / "root"
    return rarekg.load(make_root(root, sorted((DATA / "queries" / "graph").glob("*.ttl"))))


def rows(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, *names: str) -> set[Row]:
    """The chosen columns of SELECT results, terms written briefly, as a set."""
    assert isinstance(results, ox.QuerySolutions)
    return {tuple(compact(solution[name]) for name in names) for solution in results}


def test_library_found() -> None:
    assert len(LIBRARY) >= 20
    for query in LIBRARY:
        assert query.title and query.title != query.name, query.name
        assert query.description, query.name
        assert query.returns, query.name
        for param in query.parameters:
            assert param.example and param.description, (query.name, param.name)
    declared = {q.name: [p.name for p in q.parameters] for q in LIBRARY}
    assert {name: declared.get(name) for name in REQUIRED} == REQUIRED


@pytest.mark.parametrize("query", LIBRARY, ids=[q.name for q in LIBRARY])
def test_query_answers_with_its_example(kg: KnowledgeGraph, query: LibraryQuery) -> None:
    params = {p.name: p.example for p in query.parameters}
    results = run_library_query(kg, query.name, params)
    answers = list(results)
    assert answers, f"{query.name} found nothing for {params}"
    if isinstance(results, ox.QuerySolutions):
        for param in params:  # each parameter is echoed, so the engine did bind it
            assert {str(a[param]) for a in answers} != {"None"}, (query.name, param)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-12-31", set()),
        ("2025-04-30", {"ControlA", "ControlB", "ControlC", "ControlD", "ControlD1"}),
        ("2025-05-01", {"ControlA", "ControlB", "ControlD", "ControlD1"}),
        ("2025-06-01", {"ControlA", "ControlD", "ControlD1"}),
        ("2025-07-15", {"ControlA"}),
        ("2025-08-31", {"ControlA", "ControlD", "ControlD1"}),
        ("2025-09-01", {"ControlA", "ControlB", "ControlD", "ControlD1"}),
    ],
    ids=[
        "before",
        "last-day-of-C",
        "after-C-ended",
        "suspension-starts",
        "clause-via-parent",
        "suspension-last-day",
        "after-suspension",
    ],
)
def test_controls_in_force_respects_end_dates_and_suspensions(
    library_kg: KnowledgeGraph, day: str, expected: set[str]
) -> None:
    results = run_library_query(library_kg, "controls-in-force", {"date": day})
    assert {p.removeprefix("rkr:") for (p,) in rows(results, "policy")} == expected


def test_controls_in_force_says_what_each_controls_and_its_licence(
    library_kg: KnowledgeGraph,
) -> None:
    results = run_library_query(library_kg, "controls-in-force", {"date": "2025-05-15"})
    assert rows(results, "date", "policy", "item", "licences") == {
        ("2025-05-15", "rkr:ControlA", "rkr:Dysprosium", "licence L"),
        ("2025-05-15", "rkr:ControlB", "rkr:Terbium", ""),
        ("2025-05-15", "rkr:ControlD", "", ""),
        ("2025-05-15", "rkr:ControlD1", "rkr:Neodymium", ""),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 60/30/10 t: shares 0.6, 0.3, 0.1; HHI 3600 + 900 + 100. The reported 0.5 is ignored.
        (
            {"stage": "rkr:Mining", "year": "2024"},
            {
                ("rkr:China", "0.6", "production", "4600", "1"),
                ("rkr:UnitedStates", "0.3", "production", "4600", "1"),
                ("rkr:Australia", "0.1", "production", "4600", "1"),
            },
        ),
        # China 0.9 and 0.8 average to 0.85: HHI 7225 + 25 = 7250, covering 0.9 of the whole.
        (
            {"stage": "Separation", "year": "2024"},
            {
                ("rkr:China", "0.85", "reported share", "7250", "0.9"),
                ("rkr:UnitedStates", "0.05", "reported share", "7250", "0.9"),
            },
        ),
    ],
    ids=["from-production", "from-reported-shares"],
)
def test_stage_concentration(
    library_kg: KnowledgeGraph, params: dict[str, str], expected: set[tuple[str, ...]]
) -> None:
    results = run_library_query(library_kg, "stage-concentration", params)
    assert rows(results, "country", "share", "basis", "hhi", "coverage") == expected


def test_dependency_chains_are_the_edges_between(library_kg: KnowledgeGraph) -> None:
    results = run_library_query(library_kg, "dependency-chains", {"from": "Vehicles", "to": "Dy"})
    assert rows(results, "consumer", "relation", "input") == {
        ("rkr:Vehicles", "rkg:hasApplication", "rkr:EVs"),
        ("rkr:EVs", "rkg:usesComponent", "rkr:Motor"),
        ("rkr:Motor", "rkg:madeFrom", "rkr:Magnet"),
        ("rkr:Magnet", "rkg:containsElement", "rkr:Dysprosium"),
    }


def test_industry_exposure_and_element_uses(library_kg: KnowledgeGraph) -> None:
    exposure = run_library_query(library_kg, "industry-exposure", {"element": "Nd"})
    assert rows(exposure, "industry", "application", "controlled", "exposed") == {
        ("rkr:Vehicles", "rkr:EVs", "true", "true")
    }
    uses = run_library_query(library_kg, "element-uses", {"element": "rkr:Dysprosium"})
    assert rows(uses, "kind", "user", "direct") == {
        ("rkg:Magnet", "rkr:Magnet", "true"),
        ("rkg:Component", "rkr:Motor", "false"),
        ("rkg:Application", "rkr:EVs", "false"),
        ("rkg:Industry", "rkr:Vehicles", "false"),
    }


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (("2025-05-01", "2025-05-31"), {("obs-trade-CN-US-2025-05", "month")}),
        (
            ("2025-01-01", "2025-12-31"),
            {("obs-trade-CN-US-2025-05", "month"), ("obs-trade-CN-US-2025", "year")},
        ),
        (("2025-05-02", "2025-12-31"), set()),
    ],
    ids=["one-month", "whole-year", "period-not-inside"],
)
def test_trade_flows_lie_inside_the_window(
    library_kg: KnowledgeGraph, window: tuple[str, str], expected: set[tuple[str, str]]
) -> None:
    params = {"exporter": "CN", "from": window[0], "to": window[1]}
    results = run_library_query(library_kg, "trade-flows", params)
    found = rows(results, "flow", "granularity")
    assert {(flow.removeprefix("rkr:"), kind) for flow, kind in found} == expected


def test_optional_parameter_may_be_left_out(library_kg: KnowledgeGraph) -> None:
    every = run_library_query(library_kg, "controlled-inputs", {"item": "EVs"})
    assert rows(every, "input", "policy") == {
        ("rkr:Dysprosium", "rkr:ControlA"),
        ("rkr:Neodymium", "rkr:ControlD1"),
    }
    july = run_library_query(library_kg, "controlled-inputs", {"item": "EVs", "date": "2025-07-15"})
    assert rows(july, "input", "policy") == {("rkr:Dysprosium", "rkr:ControlA")}


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"date": "2025-13-01"}, "date", "expected a date YYYY-MM-DD"),
        ({"date": "tomorrow"}, "date", "expected a date YYYY-MM-DD"),
        ({}, "date", "needs parameter 'date'"),
        ({"date": "2025-01-01", "day": "x"}, "day", "has no parameter 'day'"),
    ],
    ids=["impossible-date", "not-a-date", "missing", "unknown"],
)
def test_bad_parameters_are_named(
    library_kg: KnowledgeGraph, params: dict[str, str], parameter: str, words: str
) -> None:
    with pytest.raises(QueryParameterError, match=words) as caught:
        run_library_query(library_kg, "controls-in-force", params)
    assert caught.value.parameter == parameter


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("rkr:Dysprosum", "rkr:Dysprosum is not in the graph"),
        ("Unobtainium", "nothing in the graph is called 'Unobtainium'"),
        ("foo:bar", "nothing in the graph is called 'foo:bar'"),
    ],
)
def test_unknown_things_are_refused(library_kg: KnowledgeGraph, value: str, words: str) -> None:
    with pytest.raises(QueryParameterError, match=words):
        run_library_query(library_kg, "element-uses", {"element": value})


@pytest.mark.parametrize(
    ("value", "iri"),
    [
        ("rkr:Dysprosium", "rkr:Dysprosium"),
        ("<https://w3id.org/rarekg/resource/Dysprosium>", "rkr:Dysprosium"),
        ("https://w3id.org/rarekg/resource/Dysprosium", "rkr:Dysprosium"),
        ("Dy", "rkr:Dysprosium"),
        ("dysprosium", "rkr:Dysprosium"),
        ("Separation", "rkr:Separation"),
        ("United States", "rkr:UnitedStates"),
        ("CN", "rkr:China"),
    ],
)
def test_iri_parameters_take_names(library_kg: KnowledgeGraph, value: str, iri: str) -> None:
    query = LibraryQuery.from_text("#+ param: thing | iri | rkr:X | a thing\n", "t")
    bound = bind_parameters(query, {"thing": value}, library_kg)["thing"]
    assert compact(to_oxigraph(bound)) == iri


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("year", "2024", "2024"),
        ("integer", "42", "42"),
        ("decimal", "0.25", "0.25"),
        ("string", "NdFeB", "NdFeB"),
    ],
)
def test_literal_types(kind: str, text: str, value: str) -> None:
    query = LibraryQuery.from_text(f"#+ param: x | {kind} | {text} | x\n", "t")
    assert str(bind_parameters(query, {"x": text})["x"]) == value


@pytest.mark.parametrize(("kind", "text"), [("year", "24"), ("integer", "4.2"), ("decimal", "nan")])
def test_bad_literals(kind: str, text: str) -> None:
    query = LibraryQuery.from_text(f"#+ param: x | {kind} | 1 | x\n", "t")
    with pytest.raises(QueryParameterError, match=f"parameter 'x': '{text}' is not valid"):
        bind_parameters(query, {"x": text})


def test_unknown_parameter_type_is_a_header_error() -> None:
    with pytest.raises(ValueError, match="unknown type 'colour'"):
        LibraryQuery.from_text("#+ param: x | colour | red | x\n", "t")


@pytest.mark.parametrize("name", ["../graph/elements", "controls-in-forse", "x.rq"])
def test_only_library_names_are_found(library_kg: KnowledgeGraph, name: str) -> None:
    with pytest.raises(QueryNotFoundError, match="no library query named"):
        run_library_query(library_kg, name, {})


def test_a_file_outside_the_library_runs(library_kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("#+ param: e | iri | Dy | e\nSELECT ?e ?n WHERE { ?e rkg:symbol ?n }\n")
    assert rows(run_library_query(library_kg, path, {"e": "Dy"}), "n") == {("Dy",)}
