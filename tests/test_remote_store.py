"""A remote SPARQL 1.1 store: `rarekg load --store` fills it, `serve --store` answers from it.

The store is a real Oxigraph server (the ``oxigraph`` package's binary) on a free
loopback port; its default graph is its own (empty), so the answers prove that our
graphs were pushed as named graphs and queried as our union.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from rarekg.kg import KnowledgeGraph
from rarekg.queries import bind_parameters, library
from servers import VENV_BIN, free_port, oxigraph_binary, rarekg_serve, running


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-write Oxigraph server; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        oxigraph_binary(),
        "serve",
        "--location",
        str(tmp_path_factory.mktemp("oxigraph")),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with running(command, base + "/"):
        yield base


@pytest.fixture(scope="module", autouse=True)
def _curated(curated_kg: KnowledgeGraph) -> Iterator[None]:
    """Run every command here on the curated graph (``RAREKG_HOME``).

    The statistics' million quads would only make each push minutes longer.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAREKG_HOME", str(curated_kg.artefacts.root))
        yield


def rarekg_load(store: str, *more: str) -> subprocess.CompletedProcess[str]:
    """Run `rarekg load --store STORE MORE` as a user would."""
    return subprocess.run(
        [str(VENV_BIN / "rarekg"), "load", "--store", store, *more],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def loaded(oxigraph: str) -> str:
    result = rarekg_load(oxigraph + "/query")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("pushed ")
    assert result.stdout.rstrip().endswith(" to " + oxigraph + "/store")
    return oxigraph


@pytest.fixture(scope="module")
def through_store(loaded: str) -> Iterator[str]:
    with rarekg_serve("--store", loaded + "/query") as base:
        yield base


@pytest.mark.slow
def test_load_pushes_one_named_graph_per_source_file(
    loaded: str, curated_kg: KnowledgeGraph
) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = httpx.post(
        loaded + "/query",
        data={"query": query},
        headers={"accept": "application/sparql-results+json"},
    )
    rows = response.json()["results"]["bindings"]
    got = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    assert set(got) == set(curated_kg.graph_names)
    assert sum(got.values()) == len(curated_kg.store)


@pytest.mark.slow
def test_load_replaces_rather_than_duplicates(loaded: str, curated_kg: KnowledgeGraph) -> None:
    again = rarekg_load(loaded + "/query", "--graph-store", loaded + "/store")
    assert again.returncode == 0, again.stderr
    response = httpx.post(
        loaded + "/query",
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"accept": "application/sparql-results+json"},
    )
    count = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert count == len(curated_kg.store)


@pytest.mark.slow
def test_load_to_a_store_that_is_not_there_fails_clearly() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = rarekg_load(url)
    assert result.returncode == 1
    assert f"cannot reach {url}" in result.stderr
    store = f"http://127.0.0.1:{free_port()}/store"
    told = rarekg_load(url, "--graph-store", store)
    assert told.returncode == 1
    assert f"cannot reach {store}" in told.stderr


@pytest.mark.slow
def test_load_asks_for_the_graph_store_where_it_cannot_tell(loaded: str) -> None:
    result = rarekg_load(loaded + "/sparql")  # not Oxigraph server's query path
    assert result.returncode == 1
    assert "--graph-store" in result.stderr


@pytest.mark.slow
def test_the_library_runs_through_the_remote_store(
    through_store: str, curated_kg: KnowledgeGraph
) -> None:
    queries = library(curated_kg)
    assert queries, "the query library is empty"
    for query in queries:
        params = {p.name: p.example for p in query.parameters if p.required}
        remote = httpx.get(f"{through_store}/api/query/{query.name}", params=params, timeout=30)
        assert remote.status_code == 200, f"{query.name}: {remote.text}"
        local = curated_kg.run(query.text, bind_parameters(query, params, curated_kg))
        if isinstance(local, ox.QueryTriples):
            got = list(ox.parse(remote.content, format=ox.RdfFormat.TURTLE))
        else:
            got = remote.json()["results"]["bindings"]
        assert len(got) == sum(1 for _ in local), query.name  # type: ignore[union-attr]


@pytest.mark.slow
def test_sparql_through_the_remote_store_sees_our_union(through_store: str) -> None:
    ask = 'ASK { rkr:Dysprosium rkg:symbol "Dy" . rkg:Magnet a owl:Class }'
    response = httpx.get(through_store + "/sparql", params={"query": ask})
    assert response.status_code == 200
    assert response.json()["boolean"] is True
    bad = httpx.get(through_store + "/sparql", params={"query": "ASK {"})
    assert bad.status_code == 400


@pytest.mark.slow
def test_row_cap_and_formats_apply_to_answers_from_the_remote_store(loaded: str) -> None:
    cases = [  # query, media type, lines in a capped answer
        ("SELECT ?e WHERE { ?e a rkg:RareEarthElement }", "text/tab-separated-values", 1 + 3),
        ("CONSTRUCT WHERE { ?e a rkg:RareEarthElement }", "application/n-triples", 3),
    ]
    with rarekg_serve("--store", loaded + "/query", "--row-cap", "3") as base:
        for query, media_type, lines in cases:
            answer = httpx.get(
                base + "/sparql", params={"query": query}, headers={"accept": media_type}
            )
            assert answer.status_code == 200, answer.text
            assert answer.headers["X-Rarekg-Truncated"] == "true"
            assert len(answer.text.strip().splitlines()) == lines, media_type
