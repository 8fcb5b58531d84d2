"""The same answers on every engine: the embedded store, Oxigraph server and Virtuoso.

Each store is started once for the module and filled by ``rarekg load`` as a user
would, with the curated graph (the statistics are left out: a million quads more say
nothing of how an engine answers): Oxigraph server with its default graph the union
of its graphs, queried with ``--dataset union``; Virtuoso through its digest-protected
Graph Store endpoint, queried with the default ``--dataset graphs``. Each library
query, with its example parameters, is then asked of ``rarekg serve`` over each
engine, and the answers are compared as multisets of rows (graphs as isomorphic
graphs); so are the analyses (``/api/chains``, ``/api/chokepoints``,
``/api/simulate``, and ``/api/timeline`` for the map and flows pages), whose projection
is read through the remote store, and the explorer's pages (``/graph`` and the entity
pages), byte for byte.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from conftest import REPO
from rarekg.kg import KnowledgeGraph
from rarekg.paths import find_artefacts
from rarekg.queries import LibraryQuery, discover
from servers import (
    VENV_BIN,
    VIRTUOSO_ADMIN,
    free_port,
    oxigraph_binary,
    rarekg_serve,
    running,
    virtuoso,
)

pytestmark = pytest.mark.slow

LIBRARY = discover(find_artefacts(None).queries_dir)
ENGINES = ("oxigraph", "virtuoso")
#: Media types asked of every engine: SPARQL JSON results, N-Triples graphs.
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


def rarekg_load(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `rarekg --root ROOT load ARGS` as a user would."""
    return subprocess.run(
        [str(VENV_BIN / "rarekg"), "--root", str(root), "load", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )


ADMIN_ENV = {"RAREKG_STORE_USER": VIRTUOSO_ADMIN[0], "RAREKG_STORE_PASSWORD": VIRTUOSO_ADMIN[1]}


@pytest.fixture(scope="module")
def oxigraph_union(
    tmp_path_factory: pytest.TempPathFactory, curated_kg: KnowledgeGraph
) -> Iterator[str]:
    """Oxigraph server whose default graph is the union of its graphs, filled; its query URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    location = str(tmp_path_factory.mktemp("oxigraph"))
    command = [oxigraph_binary(), "serve", "--location", location, "--bind", f"127.0.0.1:{port}"]
    with running([*command, "--union-default-graph"], base + "/"):
        loaded = rarekg_load(curated_kg.artefacts.root, "--store", base + "/query")
        assert loaded.returncode == 0, loaded.stderr
        yield base + "/query"


@pytest.fixture(scope="module")
def virtuoso_base() -> Iterator[str]:
    """A fresh Virtuoso; its base URL."""
    with virtuoso() as base:
        yield base


@pytest.fixture(scope="module")
def virtuoso_loaded(virtuoso_base: str, curated_kg: KnowledgeGraph) -> str:
    """Virtuoso filled by `rarekg load` in small parts; its query URL."""
    loaded = rarekg_load(
        curated_kg.artefacts.root,
        "--store",
        virtuoso_base + "/sparql",
        "--part-size",
        "64KiB",
        env=ADMIN_ENV,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "part 2/" in loaded.stderr, "a graph over 64 KiB is sent in parts"
    return virtuoso_base + "/sparql"


@pytest.fixture(scope="module")
def endpoints(
    oxigraph_union: str, virtuoso_loaded: str, curated_kg: KnowledgeGraph
) -> Iterator[dict[str, str]]:
    """`rarekg serve` over each engine: engine name -> base URL."""
    root = curated_kg.artefacts.root
    with (
        rarekg_serve(root=root) as embedded,
        rarekg_serve("--store", oxigraph_union, "--dataset", "union", root=root) as oxigraph,
        rarekg_serve("--store", virtuoso_loaded, root=root) as virtuoso_serve,
    ):
        yield {"embedded": embedded, "oxigraph": oxigraph, "virtuoso": virtuoso_serve}


def test_library_found() -> None:
    assert len(LIBRARY) > 10


#: ``GROUP_CONCAT(... ; separator="S") AS ?name`` in a query: its separator and name.
_GROUP_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\([^;)]*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)',
    re.IGNORECASE,
)


XSD = "http://www.w3.org/2001/XMLSchema#"


def _term(term: dict[str, str], separator: str | None) -> tuple[str, ...] | None:
    """One binding as a comparable tuple, ``None`` for no value.

    Normalised, and only this, each where engines may differ:
    - a plain literal's ``xsd:string`` datatype: RDF 1.1 makes ``"a"`` and
      ``"a"^^xsd:string`` one term, and stores differ in writing it;
    - a ``GROUP_CONCAT`` (``separator`` given): SPARQL leaves the order of its parts to
      the engine (sorted here); engines keep or drop a common language tag (dropped);
      over no values Virtuoso gives ``""`` where Oxigraph leaves it unbound (unbound);
    - booleans: Virtuoso has no boolean type and writes ``true`` as the integer 1;
    - numbers: Virtuoso divides decimals to 15 significant digits, Oxigraph to 18
      (compared to 12 decimal places), and writes the double 8489 as ``8489.0``.
    """
    value, datatype = term["value"], term.get("datatype", "")
    if datatype == XSD + "string":
        datatype = ""
    if separator is not None:
        parts = sorted(value.split(separator)) if separator else [value]
        return (term["type"], separator.join(parts), datatype) if value else None
    if datatype == XSD + "boolean":
        value, datatype = ("1" if value == "true" else "0"), XSD + "integer"
    elif datatype == XSD + "decimal":
        value = str(Decimal(value).quantize(Decimal("1e-12")).normalize())
    elif datatype == XSD + "double":
        value = repr(float(value))
    return (term["type"], value, datatype, term.get("xml:lang", ""))


def _answer(response: httpx.Response, query: LibraryQuery) -> Any:
    """A whole answer, comparable: a multiset of rows, a boolean or a graph."""
    if response.headers["content-type"].startswith("application/n-triples"):
        return Graph().parse(data=response.text, format="nt")
    body = response.json()
    if "boolean" in body:
        return body["boolean"]
    joined = {name: separator for separator, name in _GROUP_CONCAT.findall(query.text)}
    rows = body["results"]["bindings"]
    return Counter(
        frozenset((k, t) for k, v in row.items() if (t := _term(v, joined.get(k))) is not None)
        for row in rows
    )


def _ask(base: str, query: LibraryQuery) -> Any:
    params = {p.name: p.example for p in query.parameters if p.required}
    response = httpx.get(
        f"{base}/api/query/{query.name}", params=params, headers={"accept": ACCEPT}, timeout=60
    )
    assert response.status_code == 200, f"{query.name}: {response.text}"
    return _answer(response, query)


def _same(expected: Any, got: Any, where: str) -> None:
    if isinstance(expected, Graph):
        _, missing, extra = graph_diff(expected, got)
        assert isomorphic(expected, got), f"{where}: missing {len(missing)}, extra {len(extra)}"
    elif isinstance(expected, Counter):
        missing, extra = expected - got, got - expected
        assert not missing and not extra, (
            f"{where}: missing {list(missing)[:3]}, extra {list(extra)[:3]}"
        )
    else:
        assert expected == got, where


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_library_query_answers_alike(
    endpoints: dict[str, str], query: LibraryQuery, engine: str
) -> None:
    expected = _ask(endpoints["embedded"], query)
    _same(expected, _ask(endpoints[engine], query), f"{query.name} on {engine}")


def test_load_refuses_without_credentials_and_shows_none(virtuoso_base: str) -> None:
    refused = rarekg_load(
        REPO, "--store", virtuoso_base + "/sparql", env={"HOME": str(Path("/nonexistent"))}
    )
    assert refused.returncode == 1
    assert "RAREKG_STORE_USER" in refused.stderr
    wrong = rarekg_load(
        REPO,
        "--store",
        virtuoso_base + "/sparql",
        env={**ADMIN_ENV, "RAREKG_STORE_PASSWORD": "not-the-password-42"},
    )
    assert wrong.returncode == 1
    assert "not-the-password-42" not in wrong.stderr + wrong.stdout


def test_load_in_parts_sends_every_triple_into_its_graph(
    virtuoso_loaded: str, curated_kg: KnowledgeGraph
) -> None:
    kg = curated_kg
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = httpx.post(
        virtuoso_loaded,
        data={"query": query},
        headers={"accept": "application/sparql-results+json"},
    )
    rows = response.json()["results"]["bindings"]
    got = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    graph = ox.NamedNode
    expected = {
        name: sum(1 for _ in kg.store.quads_for_pattern(None, None, None, graph(name)))
        for name in kg.graph_names
    }
    assert {name: got.get(name) for name in expected} == expected


#: Each analysis with parameters a user would give (as in the README's examples).
ANALYSES = {
    "chains": {"from": "Dy", "to": "wind energy"},
    "chokepoints": {"top": "10", "on": "2025-12-01"},
    "simulate": {"restrict": "CN", "on": "2025-12-01"},
    "timeline": {},
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("analysis", sorted(ANALYSES))
def test_analysis_answers_alike(endpoints: dict[str, str], analysis: str, engine: str) -> None:
    answers = []
    for base in (endpoints["embedded"], endpoints[engine]):
        response = httpx.get(f"{base}/api/{analysis}", params=ANALYSES[analysis], timeout=60)
        assert response.status_code == 200, f"{analysis} on {engine}: {response.text}"
        answers.append(response.json())
    assert answers[0] == answers[1]


#: Explorer pages, read through the store like the analyses: each with its parameters.
PAGES = {
    "/graph": {"focus": "Dy", "depth": "2", "on": "2025-12-01"},
    "/resource/Dysprosium": {"on": "2025-12-01"},
    "/resource/MOFCOM-GAC-2025-18": {"on": "2025-06-01"},
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_explorer_pages_alike(endpoints: dict[str, str], page: str, engine: str) -> None:
    bodies = []
    for base in (endpoints["embedded"], endpoints[engine]):
        response = httpx.get(
            base + page, params=PAGES[page], headers={"accept": "text/html"}, timeout=60
        )
        assert response.status_code == 200, f"{page} on {engine}: {response.text[:300]}"
        bodies.append(response.text)
    assert bodies[0] == bodies[1], f"{page} differs on {engine}"
