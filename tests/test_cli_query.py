"""`rarekg queries`, `rarekg query` and `rarekg export`: formats, standard input, clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph

from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKG, RKR


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_queries_lists_the_library() -> None:
    code, out, _ = run("queries", "--format", "json")
    assert code == 0
    listed = {q["name"]: q for q in json.loads(out)}
    assert len(listed) >= 20
    assert listed["controls-in-force"]["parameters"] == [
        {
            "name": "date",
            "type": "date",
            "example": "2025-12-01",
            "description": "the day to look at",
            "required": True,
        }
    ]
    code, out, _ = run("queries")
    assert code == 0 and "trade-flows" in out and "--param exporter=rkr:China" in out


def test_query_json_is_sparql_results() -> None:
    code, out, _ = run(
        "query", "controls-in-force", "--param", "date=2025-12-01", "--format", "json"
    )
    assert code == 0
    answer = json.loads(out)
    assert "policy" in answer["head"]["vars"]
    policies = {b["policy"]["value"] for b in answer["results"]["bindings"]}
    assert str(RKR["MOFCOM-GAC-2025-18"]) in policies
    assert str(RKR["MOFCOM-GAC-2025-57"]) not in policies  # suspended on that day


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv(fmt: str, delimiter: str) -> None:
    code, out, _ = run("query", "element-uses", "-p", "element=Dy", "--format", fmt)
    assert code == 0
    table = list(csv.reader(io.StringIO(out), delimiter=delimiter))
    assert table[0][:3] == (
        ["element", "kind", "user"] if fmt == "csv" else ["?element", "?kind", "?user"]
    )
    assert len(table) > 5


def test_query_table_is_the_default() -> None:
    code, out, _ = run("query", "licence-holders")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["licence", "licenceLabel", "holder"]
    assert "rkr:JLMag" in out and out.rstrip().endswith("(3 rows)")


def test_construct_defaults_to_turtle() -> None:
    code, out, _ = run("query", "neighbourhood", "-p", "thing=Dy")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert (RKR.Dysprosium, RKG.symbol, None) in graph
    code, out, _ = run("query", "neighbourhood", "-p", "thing=Dy", "--format", "nt")
    assert code == 0 and f"<{RKR.Dysprosium}>" in out


def test_query_reads_standard_input() -> None:
    text = "#+ param: e | iri | Dy | e\nSELECT ?e ?n WHERE { ?e rkg:symbol ?n }\n"
    code, out, _ = run("query", "-", "-p", "e=Tb", "--format", "csv", stdin=text)
    assert code == 0
    assert out.splitlines() == ["e,n", f"{RKR.Terbium},Tb"]


def test_query_runs_a_file(tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?e a rkg:RareEarthElement }\n")
    code, out, _ = run("query", str(path), "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "17"]


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (["query", "controls-in-force", "-p", "date=2025-02-30"], None, "parameter 'date'"),
        (["query", "controls-in-force"], None, "needs parameter 'date'"),
        (["query", "controls-in-force", "-p", "date"], None, "write NAME=VALUE"),
        (["query", "element-uses", "-p", "element=Dy", "-p", "x=1"], None, "no parameter 'x'"),
        (["query", "element-usez"], None, "did you mean element-uses"),
        (["query", "nowhere.rq"], None, "no query file nowhere.rq"),
        (["query", "-"], "SELECT ?x WHERE { ?x ", "invalid SPARQL"),
        (["query", "neighbourhood", "-p", "thing=Dy", "--format", "csv"], None, "turtle"),
        (["query", "licence-holders", "--format", "turtle"], None, "not available for SELECT"),
    ],
    ids=[
        "bad-date",
        "missing",
        "no-equals",
        "unknown",
        "typo",
        "no-file",
        "bad-sparql",
        "csv-for-graph",
        "turtle-for-rows",
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], stdin: str | None, words: str) -> None:
    code, out, err = run(*args, stdin=stdin)
    assert code == 2, out
    assert err.startswith("Error: ") and words in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_export_writes_the_reasoned_graph(
    tmp_path: Path, fmt: str, rdf_format: ox.RdfFormat, curated_kg: KnowledgeGraph
) -> None:
    # The curated graph: with the statistics each format would write a million quads more.
    root = str(curated_kg.artefacts.root)
    target = tmp_path / f"graph.{fmt}"
    code, _, err = run("--root", root, "export", "--format", fmt, "-o", str(target))
    assert code == 0, err
    triples = {
        (str(t.subject.value), str(t.predicate.value), str(t.object.value))
        for t in ox.parse(path=target, format=rdf_format)
    }
    assert (str(RKR.Dysprosium), str(RKG.symbol), "Dy") in triples
    # Inferred triples are in: the dependsOn closure and the defined class ControlledItem.
    assert (str(RKR.AutomotiveIndustry), str(RKG.dependsOn), str(RKR.Dysprosium)) in triples
    assert (str(RKR.Dysprosium), str(RDF.type), str(RKG.ControlledItem)) in triples


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS)]
)
def test_export_keeps_the_named_graphs_in_a_dataset_format(
    tmp_path: Path, fmt: str, rdf_format: ox.RdfFormat, curated_kg: KnowledgeGraph
) -> None:
    root = str(curated_kg.artefacts.root)
    target = tmp_path / f"dataset.{fmt}"
    code, _, err = run("--root", root, "export", "--format", fmt, "-o", str(target))
    assert code == 0, err
    exported = ox.Store()
    exported.load(path=target, format=rdf_format)
    # Every quad, each in the graph it came from (blank nodes are renamed on parsing).
    assert _by_graph(exported) == _by_graph(curated_kg.store)


def _by_graph(store: ox.Store) -> dict[str, tuple[int, set[ox.Quad]]]:
    """Each graph's number of quads, and its quads without blank nodes."""
    graphs: dict[str, tuple[int, set[ox.Quad]]] = {}
    for quad in store:
        count, plain = graphs.get(str(quad.graph_name), (0, set()))
        if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode):
            plain.add(quad)
        graphs[str(quad.graph_name)] = (count + 1, plain)
    return graphs
