"""The store is built once from the files, rebuilt only where they changed, shared read-only."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import rarekg
from rarekg.build import Manifest, Progress, _bulk_load, default_store_dir
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import graph_iri
from rarekg.paths import find_artefacts
from rarekg.store import LoadError, SourceFile
from servers import children, rarekg_server

PREFIXES = "@prefix rkr: <https://w3id.org/rarekg/resource/> .\n"
PREFIXES += "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
LABEL = "SELECT ?label WHERE {{ rkr:{name} rdfs:label ?label }}"


def labels(kg: KnowledgeGraph, name: str) -> list[str]:
    return [str(row["label"]) for row in kg.query(LABEL.format(name=name))]


def generations(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("store-*") if p.is_dir())


def test_a_changed_file_reloads_only_its_graph(fixture_root: Path) -> None:
    extra = fixture_root / "graph" / "extra.ttl"
    extra.write_text(PREFIXES + 'rkr:Extra rdfs:label "first" .\n')
    first = rarekg.load(fixture_root)
    assert first.manifest is not None
    assert set(first.manifest.rebuilt) == {str(s.graph) for s in first.sources}

    extra.write_text(PREFIXES + 'rkr:Extra rdfs:label "second" .\n')
    again = rarekg.load(fixture_root)
    assert again.manifest is not None
    assert again.manifest.rebuilt == [str(graph_iri("extra"))]
    assert labels(again, "Extra") == ["second"]
    assert labels(again, "Dysprosium") == ["Dysprosium"], "the unchanged graphs came along"
    # The graph opened before still answers from the generation it opened.
    assert labels(first, "Extra") == ["first"]

    extra.unlink()
    gone = rarekg.load(fixture_root)
    assert gone.manifest is not None and gone.manifest.rebuilt == []
    assert labels(gone, "Extra") == []
    same = rarekg.load(fixture_root)
    assert same.location == gone.location, "nothing changed: the store is only opened"


def test_a_syntax_error_names_file_line_column_and_keeps_the_previous_store(
    fixture_root: Path,
) -> None:
    before = rarekg.load(fixture_root)
    assert before.location is not None
    folder = before.location.parent
    chain = fixture_root / "graph" / "chain.ttl"
    good = chain.read_text()
    assert good.endswith("\n")
    chain.write_text(good + '\nrkr:Dysprosium rdfs:label "open .\n')
    with pytest.raises(LoadError) as caught:
        rarekg.load(fixture_root)
    line = good.count("\n") + 2
    assert (caught.value.path, caught.value.line) == (chain, line)
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{chain}:{line}:{caught.value.column}: ")

    manifest = Manifest.read(folder)
    assert manifest is not None and manifest.generation == before.location.name
    assert generations(folder) == [before.location.name], "the failed build left nothing"
    assert labels(before, "Dysprosium") == ["Dysprosium"]

    chain.write_text(good)
    after = rarekg.load(fixture_root)
    assert after.location == before.location, "the same bytes again: nothing to rebuild"


def test_blank_nodes_of_two_files_stay_apart(fixture_root: Path) -> None:
    for name in ("one", "two"):
        (fixture_root / "graph" / f"{name}.ttl").write_text("_:b <http://a/p> 1 .\n")
    kg = rarekg.load(fixture_root)
    rows = kg.query("SELECT DISTINCT ?b WHERE { ?b <http://a/p> 1 }")
    assert len(rows) == 2


def test_the_build_command_builds_once_then_finds_the_store_up_to_date(
    fixture_root: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    args = ["--root", str(fixture_root), "build", "--store-dir", str(store)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "loaded ontology, chain" in first.output
    assert Manifest.read(store) is not None
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "up to date" in second.output

    (fixture_root / "graph" / "chain.ttl").write_text("rkr:x .\n")
    broken = CliRunner().invoke(main, args)
    assert broken.exit_code == 1
    assert "chain.ttl:1:" in broken.output


def test_a_slow_step_is_announced_and_a_quick_one_is_not() -> None:
    said: list[str] = []
    progress = Progress(said.append, delay=0.2)
    with progress.step("quick"):
        pass
    with progress.step("slow"):
        time.sleep(1.0)
    assert said[0] == "slow ..."
    assert said[1].startswith("slow: done in ")
    assert len(said) == 2


def _workers_of(pid: int) -> dict[int, list[bytes]]:
    """The worker processes of a server, with their command lines."""
    found = {}
    for child in children(pid):
        command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        if b"rarekg.server.workers" in command:
            found[child] = command
    return found


def _open_files(pid: int) -> list[str]:
    files = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            files.append(os.readlink(fd))
        except OSError:
            continue  # closed meanwhile
    return files


def test_workers_open_the_built_store_read_only_and_write_no_dump(fixture_root: Path) -> None:
    folder = default_store_dir(find_artefacts(fixture_root))
    with rarekg_server("--workers", "2", root=fixture_root) as (base, server):
        answer = httpx.post(
            base + "/sparql",
            content="ASK { rkr:Dysprosium a rkg:ChemicalElement }",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert answer.json()["boolean"] is True
        workers = _workers_of(server.pid)
        assert len(workers) == 3, "two query workers and one analysis worker"
        manifest = Manifest.read(folder)
        assert manifest is not None, "the server built the store of its data root"
        store = str(folder / manifest.generation)
        for command in workers.values():
            assert store.encode() in command
        reading = [w for w in workers if any(f.startswith(store) for f in _open_files(w))]
        assert reading, "the workers have the store's own files open"
        # Earlier servers dumped the store for each worker into such a folder of theirs.
        assert not list(Path(tempfile.gettempdir()).glob(f"rarekg-workers-{server.pid}-*"))


def _graph_triples(store: ox.Store, source: SourceFile) -> set[str]:
    """The graph's triples as N-Triples lines, blank nodes named by what they carry."""
    lines = set()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(source.graph))):
        terms = [quad.subject, quad.predicate, quad.object]
        lines.add(" ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms))
    return lines


def test_a_large_file_is_streamed_in_batches_into_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rarekg.build.STREAM_BATCH", 7)  # a blank node's triples split
    path = tmp_path / "flows.ttl"
    flow = 'rkr:f{n} rdfs:label "flow {n}" ; rdfs:comment [ rdfs:label "b{n}" ] .\n'
    path.write_text(PREFIXES + "".join(flow.format(n=n) for n in range(500)))
    source = SourceFile.for_path(path)
    whole, streamed = ox.Store(), ox.Store()
    _bulk_load(whole, source)
    _bulk_load(streamed, source, stream_above=0)
    assert len(streamed) == len(whole) == 1500
    assert _graph_triples(streamed, source) == _graph_triples(whole, source)
    blank_nodes = {q.object for q in streamed if isinstance(q.object, ox.BlankNode)}
    assert len(blank_nodes) == 500, "each [ ] stays a node of its own"


def test_a_streamed_file_with_a_syntax_error_names_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "flows.ttl"
    path.write_text(PREFIXES + 'rkr:a rdfs:label "a" .\nrkr:x .\n')
    with pytest.raises(LoadError) as raised:
        _bulk_load(ox.Store(), SourceFile.for_path(path), stream_above=0)
    assert (raised.value.path, raised.value.line, raised.value.column) == (path, 4, 7)
