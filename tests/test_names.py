"""One name means one thing everywhere: query parameters, analyses, the API and the explorer."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from rarekg.analysis import AnalysisInputError, project
from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.names import ResolveError, Resolver
from rarekg.namespaces import RKR
from rarekg.queries import LibraryQuery, QueryParameterError, bind_parameters
from rarekg.server.analyses import Analyses, AnalysisJob
from rarekg.server.execute import Answer

NAMES = ["CN", "china", "Dy", "dysprosium", "United States", "Separation", "rkr:Holmium"]
THING = LibraryQuery.from_text("#+ param: thing | iri | rkr:X | a thing\n", "t")


@pytest.fixture(scope="module")
def resolver(kg: KnowledgeGraph) -> Resolver:
    return kg.cached(Resolver.from_graph)


GraphPage = Callable[[str], Answer]


@pytest.fixture(scope="module")
def graph_page(kg: KnowledgeGraph) -> GraphPage:
    """``GET /graph?focus=NAME`` answered in-process, as the analysis worker answers it."""
    analyses = Analyses(kg)
    return lambda focus: analyses.answer(AnalysisJob("graph", (("focus", focus),)))


def focus_of(html: str) -> str:
    found = re.search(r'"focus": \{[^}]*"id": "([^"]+)"', html)
    assert found, "the page has no focus"
    return found.group(1)


@pytest.mark.parametrize("name", NAMES)
def test_a_query_parameter_and_the_analyses_mean_the_same_thing(
    kg: KnowledgeGraph, resolver: Resolver, name: str
) -> None:
    meant = resolver.resolve(name)
    assert str(bind_parameters(THING, {"thing": name}, kg)["thing"]) == meant
    projection = kg.cached(project)
    if meant in projection.graph:
        assert projection.resolve(name) == meant
    else:  # the analysis names what it found, and why it will not do
        with pytest.raises(AnalysisInputError, match="not in the network") as error:
            projection.resolve(name)
        assert error.value.candidates == [meant]


@pytest.mark.parametrize("name", NAMES)
def test_the_explorer_focus_means_the_same_thing(
    graph_page: GraphPage, resolver: Resolver, name: str
) -> None:
    meant = resolver.resolve(name)
    answer = graph_page(name)
    if answer.status == 200:
        assert focus_of(answer.body.decode()) == meant
    else:
        assert answer.status == 404 and b"not drawn in the explorer" in answer.body
        assert str(RKR.Separation) == meant


def test_focus_cn_is_china(graph_page: GraphPage) -> None:
    answer = graph_page("CN")
    assert answer.status == 200 and focus_of(answer.body.decode()) == str(RKR.China)


def test_separation_is_the_stage_for_chains_and_queries() -> None:
    chains = CliRunner().invoke(main, ["chains", "Separation", "wind energy"])
    assert chains.exit_code == 2 and "rkr:Separation" in chains.output
    query = CliRunner().invoke(
        main, ["query", "stage-capacity", "--param", "stage=Separation", "--format", "csv"]
    )
    assert query.exit_code == 0 and query.output.count("\n") > 1, query.output


def test_ambiguity_lists_every_candidate(resolver: Resolver, kg: KnowledgeGraph) -> None:
    with pytest.raises(ResolveError, match="ambiguous: ") as error:
        resolver.resolve("oxide")
    assert {str(RKR.DysprosiumOxide), str(RKR.TerbiumOxide)} <= set(error.value.candidates)
    with pytest.raises(QueryParameterError, match="ambiguous: "):
        bind_parameters(THING, {"thing": "oxide"}, kg)


def test_a_kind_filter_picks_among_namesakes(kg: KnowledgeGraph) -> None:
    projection = kg.cached(project)
    assert projection.resolve("China", ["country"]) == str(RKR.China)
    with pytest.raises(AnalysisInputError, match="of type country"):
        projection.resolve("Dy", ["country"])


def test_case_tells_apart_what_folding_merges(resolver: Resolver) -> None:
    assert resolver.resolve("Eu") == str(RKR.Europium)
    assert resolver.resolve("EU") == str(RKR.EuropeanUnion)
    with pytest.raises(ResolveError, match="ambiguous"):
        resolver.resolve("eu")
