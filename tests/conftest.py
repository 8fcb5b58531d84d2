"""Shared fixtures: the shipped knowledge graph and a small hand-made one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import rarekg
from rarekg.kg import KnowledgeGraph

TESTS = Path(__file__).parent
REPO = TESTS.parent
DATA = TESTS / "data"
GRAPH = REPO / "graph"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the reasoner's cache of the test run out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAREKG_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


def make_root(target: Path, graph_files: list[Path]) -> Path:
    """Lay out a data root: the real ontology and queries, and the given graph files."""
    shutil.copytree(REPO / "ontology", target / "ontology")
    shutil.copytree(REPO / "queries", target / "queries")
    (target / "graph").mkdir()
    for path in graph_files:
        shutil.copy(path, target / "graph" / path.name)
    return target


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    """A writable data root holding the small fixture graph of tests/data/fixture."""
    return make_root(tmp_path / "root", sorted((DATA / "fixture" / "graph").glob("*.ttl")))


@pytest.fixture(scope="session")
def fixture_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The fixture graph, loaded and reasoned once."""
    root = make_root(
        tmp_path_factory.mktemp("fixture") / "root",
        sorted((DATA / "fixture" / "graph").glob("*.ttl")),
    )
    return rarekg.load(root)


@pytest.fixture(scope="session")
def curated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped curated graph without the statistics (its code table is left out).

    For tests that push the whole graph to remote stores: the statistics add about 1 M
    quads, minutes of loading into each engine, and say nothing of how an engine answers.
    """
    return make_root(tmp_path_factory.mktemp("curated") / "root", sorted(GRAPH.glob("*.ttl")))


@pytest.fixture(scope="session")
def curated_kg(curated_root: Path) -> KnowledgeGraph:
    """The curated graph of :func:`curated_root`, built and reasoned once."""
    return rarekg.load(curated_root)


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The shipped knowledge graph, loaded and reasoned once."""
    return rarekg.load()
