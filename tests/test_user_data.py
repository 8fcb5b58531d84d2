"""``--data``: the user's own graphs beside the shipped one, in the store, analyses and server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import rarekg
from rarekg.analysis import exposure_report
from rarekg.build import default_store_dir
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKG, RKR
from rarekg.paths import find_artefacts
from rarekg.store import LoadError
from servers import rarekg_serve

EXAMPLE_DATA = Path(__file__).parent.parent / "examples" / "data"
USER_GRAPH = "https://w3id.org/rarekg/graph/user/"
ANN_18 = str(RKR["MOFCOM-GAC-2025-18"])
#: A drive unit of the user's own, in Turtle: a part that depends on Dy-bearing magnets.
MY_PARTS = """\
@prefix rkg: <https://w3id.org/rarekg/ontology#> .
@prefix rkr: <https://w3id.org/rarekg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix my: <https://example.org/my/> .

my:rotor a rkg:Component ;
    rdfs:label "Zephyr rotor assembly"@en ;
    rkg:directlyDependsOn rkr:TbDyContainingSinteredNdFeB ;
    prov:wasDerivedFrom my:drawings .

my:drawings a rkg:Source ;
    dcterms:title "our drawings" ; dcterms:publisher "us" ;
    dcterms:issued "2025"^^xsd:gYear .
"""
MY_TRIG = """\
@prefix rkg: <https://w3id.org/rarekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/my/plans> {
    <https://example.org/my/stator> rdfs:label "Zephyr stator"@en .
}
"""


def _data(folder: Path) -> Path:
    folder.mkdir()
    for path in EXAMPLE_DATA.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "parts.ttl").write_text(MY_PARTS)
    (folder / "plans.trig").write_text(MY_TRIG)
    return folder


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _data(tmp_path_factory.mktemp("user") / "data")


@pytest.fixture(scope="module")
def user_kg(data: Path) -> KnowledgeGraph:
    return rarekg.load(data=data)


def _graphs(kg: KnowledgeGraph) -> set[str]:
    rows = kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {str(r["g"]) for r in rows}


def test_each_file_is_a_user_graph_reasoned_with_the_shipped_graph(user_kg: KnowledgeGraph) -> None:
    users = {g.removeprefix(USER_GRAPH) for g in _graphs(user_kg) if g.startswith(USER_GRAPH)}
    assert users == {"comtrade-extract", "magnet-suppliers", "parts", "plans"}
    assert {str(s.graph) for s in user_kg.sources} >= {USER_GRAPH + u for u in users}
    # Reasoned with the shipped graph: the user's rotor depends on dysprosium, transitively.
    rotor = "https://example.org/my/rotor"
    ask = f"ASK {{ <{rotor}> rkg:dependsOn <{RKR.Dysprosium}> }}"
    assert bool(user_kg.run(ask))
    # The TriG file's triples land in its one user graph, whatever graph it named.
    trig = f"ASK {{ GRAPH <{USER_GRAPH}plans> {{ ?s ?p 'Zephyr stator'@en }} }}"
    assert bool(user_kg.run(trig))


def test_an_analysis_sees_the_users_parts(user_kg: KnowledgeGraph) -> None:
    bom = "part,parent,quantity,item\nmotor,,1,Zephyr rotor assembly\n"
    report = exposure_report(user_kg, bom, "2025-06-01")
    assert ANN_18 in {e.policy.iri for e in report.parts[0].exposures}
    trade = user_kg.query(
        "SELECT ?o WHERE { ?o a rkg:TradeFlowObservation ; rkg:exporter ?c ; rkg:period ?p "
        "FILTER (STRSTARTS(STR(?o), 'https://w3id.org/rarekg/user/')) }"
    )
    assert len(trade) == 6  # the extract's monthly rows, now beside the shipped flows


def test_the_default_store_is_not_touched(user_kg: KnowledgeGraph, data: Path) -> None:
    artefacts = find_artefacts()
    assert default_store_dir(artefacts, data) != default_store_dir(artefacts)
    assert user_kg.location is not None and user_kg.location.parent == default_store_dir(
        artefacts, data
    )
    plain = rarekg.load()
    assert not any(g.startswith(USER_GRAPH) for g in _graphs(plain))
    assert list(data.iterdir()) and not any(p.suffix == ".nt" for p in data.iterdir())


def test_a_changed_user_file_reloads_only_its_graph(tmp_path: Path) -> None:
    data = _data(tmp_path / "data")
    first = rarekg.load(data=data)
    assert first.manifest is not None
    (data / "parts.ttl").write_text(MY_PARTS.replace("Zephyr rotor", "Boreas rotor"))
    second = rarekg.load(data=data)
    assert second.manifest is not None and second.manifest.rebuilt == [USER_GRAPH + "parts"]
    labels = second.query("SELECT ?l WHERE { <https://example.org/my/rotor> rdfs:label ?l }")
    assert [str(r["l"]) for r in labels] == ["Boreas rotor assembly"]


def test_a_turtle_error_names_file_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "broken.ttl").write_text(MY_PARTS.replace("rkg:Component ;", "rkg:Component ; }"))
    with pytest.raises(LoadError) as caught:
        rarekg.load(data=data)
    assert "broken.ttl:" in str(caught.value) and caught.value.line is not None
    result = CliRunner().invoke(main, ["--data", str(data), "chokepoints"])
    assert result.exit_code == 1 and "broken.ttl:" in result.output


def test_a_bad_csv_row_in_data_exits_2_naming_row_and_column(tmp_path: Path) -> None:
    data = _data(tmp_path / "data")
    extract = data / "comtrade-extract.csv"
    extract.write_text(extract.read_text().replace(",CHN,China,X,392", ",XQZ,China,X,392", 1))
    result = CliRunner().invoke(main, ["--data", str(data), "chokepoints"])
    assert result.exit_code == 2
    assert "comtrade-extract.csv:3:" in result.output and "XQZ" in result.output


def test_a_csv_without_its_mapping_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(EXAMPLE_DATA / "magnet-suppliers.csv", data)
    with pytest.raises(LoadError, match=r"magnet-suppliers\.csv-metadata\.json"):
        rarekg.load(data=data)


def test_validate_checks_user_graphs_with_the_same_shapes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "parts.ttl").write_text(MY_PARTS.replace("prov:wasDerivedFrom my:drawings .", "."))
    result = CliRunner().invoke(main, ["--data", str(data), "validate"])
    assert result.exit_code == 1
    assert "rks:SourcedShape" in result.output and "https://example.org/my/rotor" in result.output


@pytest.fixture(scope="module")
def server(data: Path, user_kg: KnowledgeGraph) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAREKG_DATA", str(data))
        with rarekg_serve() as base:
            yield base


def test_serve_with_data_answers_from_the_user_graphs(server: str) -> None:
    query = f"SELECT ?s WHERE {{ GRAPH <{USER_GRAPH}parts> {{ ?s a <{RKG.Component}> }} }}"
    answer = httpx.get(
        f"{server}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert answer.status_code == 200
    rows = answer.json()["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == ["https://example.org/my/rotor"]
    bom = b"part,parent,quantity,item\nmotor,,1,Zephyr rotor assembly\n"
    report = httpx.post(f"{server}/api/exposure?on=2025-06-01", content=bom, timeout=120)
    assert report.status_code == 200, report.text
    policies = {e["policy"]["iri"] for e in report.json()["parts"][0]["exposures"]}
    assert ANN_18 in policies


def test_the_explorer_marks_the_users_nodes(user_kg: KnowledgeGraph) -> None:
    from rarekg.viz.view import explore

    explorer = explore(user_kg, scores={})
    rotor = explorer.nodes["https://example.org/my/rotor"]
    assert "your data (user/parts)" in rotor["title"]
    assert ["your data", "graph user/parts"] in explorer.details["https://example.org/my/rotor"][
        "facts"
    ]
    assert "your data" not in explorer.nodes[str(RKR.Dysprosium)]["title"]
