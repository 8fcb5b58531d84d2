"""The loaded, reasoned knowledge graph: ``rarekg.load()`` and its query methods.

Queries always run in Oxigraph's engine on query *text* (never an rdflib-prepared
query, which oxrdflib silently hands back to rdflib's 45x slower engine). Parameters
are bound by the engine through substitutions, never by string formatting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from rarekg.build import Manifest, OpenStore, build, default_store_dir
from rarekg.namespaces import INFERRED_GRAPH, PREFIXES
from rarekg.paths import Artefacts, cache_dir, find_artefacts
from rarekg.reason import Reasoning
from rarekg.sparql_text import declares_dataset
from rarekg.stats import STATS_GRAPHS
from rarekg.store import GraphList, QueryResults, SourceFile

if TYPE_CHECKING:
    from rdflib import Dataset

log = logging.getLogger(__name__)

Row = dict[str, Node]
T = TypeVar("T")


class QueryError(Exception):
    """A query could not be parsed or evaluated; the message is the engine's."""


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term.

    Examples:
        >>> to_rdflib(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equivalent pyoxigraph term.

    Examples:
        >>> to_oxigraph(URIRef("https://w3id.org/rarekg/resource/Dysprosium"))
        <NamedNode value=https://w3id.org/rarekg/resource/Dysprosium>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


#: Runs a SELECT query's text, with variables bound, over a default graph (IRIs; ``None``
#: for the union) and returns its solutions: a remote store's, where the views read one.
Run = Callable[[str, Mapping[str, Node], Sequence[str] | None], ox.QuerySolutions]


def run_query(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    default_graph: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> QueryResults:
    """Run SPARQL query text on a store the way :meth:`KnowledgeGraph.run` does.

    For code that holds only the store, such as a query worker process.

    Raises:
        QueryError: the text is not valid SPARQL or evaluation failed.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]
    substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
    default: GraphList | None = None
    if default_graph is not None:
        default = [ox.NamedNode(g) for g in default_graph]
    named: list[ox.NamedNode | ox.BlankNode] | None = None
    if named_graphs is not None:
        named = [ox.NamedNode(g) for g in named_graphs]
    try:
        return store.query(
            text,
            prefixes=PREFIXES,
            substitutions=substitutions,
            # The union is our default dataset; the query's own FROM wins over it.
            use_default_graph_as_union=default is None and not declares_dataset(text),
            default_graph=default,
            named_graphs=named,
        )
    except SyntaxError as error:
        raise QueryError(f"invalid SPARQL: {error.msg}") from error
    except (OSError, RuntimeError) as error:
        # Oxigraph substitutes only variables the query projects (SEP-0007), and
        # says so in a RuntimeError; evaluation failures arrive as OSError.
        raise QueryError(f"query failed: {error}") from error


def source_files(artefacts: Artefacts) -> list[SourceFile]:
    """The ontology (graph ``ontology``) and every curated graph file, in load order."""
    return [
        SourceFile.for_path(artefacts.ontology_file, "ontology"),
        *(SourceFile.for_path(path) for path in artefacts.graph_files()),
    ]


@dataclass
class KnowledgeGraph:
    """The knowledge graph: an Oxigraph store holding one named graph per source file.

    The default graph of every query is the union of all named graphs, the inferred
    graph included. The store is the built one on disk, opened read-only; ``location``
    is its folder, for other processes (the server's workers) to open too.
    """

    store: ox.Store
    artefacts: Artefacts
    sources: list[SourceFile]
    reasoning: Reasoning | None
    location: Path | None = None
    manifest: Manifest | None = None
    #: The user's data folder (``--data``) whose graphs the store holds, if any.
    data: Path | None = None
    #: Keeps the built store's generation from removal while this graph is in use.
    _hold: object = field(default=None, repr=False, compare=False)
    _made: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False, compare=False)

    def cached(self, make: Callable[[KnowledgeGraph], T]) -> T:
        """What ``make`` builds from this graph, built on first use and kept.

        The one caching idiom for views of the graph (the name resolver, the network
        projection, the explorer): a loaded graph does not change, so a view of it is
        built once per graph.
        """
        if make not in self._made:
            self._made[make] = make(self)
        return cast(T, self._made[make])

    @property
    def dataset(self) -> Dataset:
        """The same store through rdflib's Dataset API (default graph: the union)."""
        from rarekg.rdflib_view import as_dataset  # rdflib's SPARQL machinery: only here

        return as_dataset(self.store)

    @property
    def graph_names(self) -> list[str]:
        """IRIs of the named graphs: per source file, inferred, then the statistics ones.

        The statistics graphs (:mod:`rarekg.stats`) are listed when the build made them,
        so that ``rarekg load`` sends them to a remote store too.
        """
        made = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        built = [name for name in STATS_GRAPHS if name in made]
        return [str(s.graph) for s in self.sources] + [str(INFERRED_GRAPH), *built]

    def run(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResults:
        """Run SPARQL query text in Oxigraph's engine and return its native results.

        Args:
            text: the query; the prefixes of :data:`rarekg.namespaces.PREFIXES` are
                predeclared.
            bindings: values for variables, bound by the engine; Oxigraph binds only
                variables the query projects (SEP-0007), so library queries list
                their parameters in the SELECT clause.
            default_graph: IRIs making up the default graph instead of the union.
            named_graphs: IRIs that ``GRAPH`` may see instead of all.

        Raises:
            QueryError: the text is not valid SPARQL or evaluation failed.
        """
        return run_query(self.store, text, bindings, default_graph, named_graphs)

    def solutions(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        default_graph: Sequence[str] | None = None,
        run: Run | None = None,
    ) -> ox.QuerySolutions:
        """A SELECT query's solutions, from ``run`` (a remote store's) when given.

        The one place the views (the projection, the explorer's panel, the user's nodes)
        choose between this graph's own store and the store ``rarekg serve --store`` reads.

        Raises:
            TypeError: the query is not a SELECT.
        """
        if run is None:
            results = self.run(text, bindings, default_graph=default_graph)
        else:
            results = run(text, bindings or {}, default_graph)
        if not isinstance(results, ox.QuerySolutions):
            raise TypeError(f"expected a SELECT query: {text[:60]!r}")
        return results

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> list[Row]:
        """Run a SELECT query and return its rows as dicts of rdflib terms.

        Unbound variables are left out of a row.

        Raises:
            QueryError: invalid SPARQL, or the query is not a SELECT.
        """
        results = self.run(text, bindings)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("query() takes a SELECT query; use run() for ASK and CONSTRUCT")
        names = [v.value for v in results.variables]
        rows: list[Row] = []
        for solution in results:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows


def _sources(
    artefacts: Artefacts, data: Path | None, echo: Callable[[str], None] | None
) -> list[SourceFile]:
    """The shipped files, then the user's graphs of ``data`` (:mod:`rarekg.user_data`)."""
    shipped = source_files(artefacts)
    if data is None:
        return shipped
    from rarekg.user_data import user_sources

    loaded: list[KnowledgeGraph] = []

    def names() -> KnowledgeGraph:
        if not loaded:
            loaded.append(load(artefacts.root, echo=echo))
        return loaded[0]

    def key() -> str:
        manifest = names().manifest
        return manifest.inferred if manifest else ""

    return shipped + user_sources(data, names, key)


def build_store(
    root: str | Path | None = None,
    *,
    store_path: str | Path | None = None,
    use_cache: bool = True,
    echo: Callable[[str], None] | None = None,
    data: str | Path | None = None,
) -> OpenStore:
    """Build the on-disk store of ``root`` when an input changed, and open it read-only.

    Each changed file is bulk-loaded into its named graph, then the inferred graph is
    made (:func:`rarekg.build.build`), then the statistics graphs when their inputs
    changed (:mod:`rarekg.stats`); an unchanged store is only opened.

    Args:
        root: folder holding ``ontology/``, ``graph/``, ``queries/``; found by
            :func:`rarekg.paths.find_artefacts` when omitted.
        store_path: the store folder (default: :func:`rarekg.build.default_store_dir`).
        use_cache: reuse the built store and the reasoner's cache; ``False`` builds
            every graph afresh and runs the reasoner.
        echo: where to announce build steps that take more than a moment.
        data: the user's data folder, whose graphs join the shipped ones
            (:mod:`rarekg.user_data`); the store is then one of its own.

    Raises:
        rarekg.store.LoadError: a file is missing or malformed (the store is unchanged).
        rarekg.reason.InconsistentOntology: the reasoner found a contradiction.
    """
    # Imported here: the statistics resolve names through rarekg.names, which imports this.
    from rarekg.stats.step import statistics

    artefacts = find_artefacts(root)
    folder = Path(data).resolve() if data is not None else None
    store = Path(store_path) if store_path is not None else default_store_dir(artefacts, folder)
    sources = _sources(artefacts, folder, echo)
    # A store with the user's graphs starts from the shipped one: only they are new.
    seed = build_store(artefacts.root, echo=echo) if folder is not None and use_cache else None
    return build(
        sources,
        artefacts.queries_dir / "rules",
        store,
        reuse=use_cache,
        cache=cache_dir() if use_cache else None,
        echo=echo,
        derived=statistics(artefacts, source_files(artefacts)),
        seed=seed,
    )


def load(
    root: str | Path | None = None,
    *,
    store_path: str | Path | None = None,
    use_cache: bool = True,
    echo: Callable[[str], None] | None = None,
    data: str | Path | None = None,
) -> KnowledgeGraph:
    """Return the reasoned knowledge graph, its store built first when an input changed.

    Takes the arguments of :func:`build_store`, and raises what it raises.
    """
    artefacts = find_artefacts(root)
    folder = Path(data).resolve() if data is not None else None
    opened = build_store(
        artefacts.root, store_path=store_path, use_cache=use_cache, echo=echo, data=folder
    )
    sources = source_files(artefacts)
    if folder is not None:
        from rarekg.user_data import is_user_graph

        graphs = sorted(opened.manifest.graphs.items())
        sources += [SourceFile(Path(s.path), URIRef(g)) for g, s in graphs if is_user_graph(g)]
    return KnowledgeGraph(
        opened.store,
        artefacts,
        sources,
        opened.reasoning,
        opened.path,
        opened.manifest,
        folder,
        opened,
    )


def open_built(
    root: str | Path | None, location: str | Path, data: str | Path | None = None
) -> KnowledgeGraph:
    """Open, read-only, the store another process built at ``location`` for ``root``.

    For the server's worker processes: they read exactly the store the server opened,
    and check and build nothing (the user graphs are those the store holds).
    """
    artefacts = find_artefacts(root)
    store = ox.Store.read_only(str(location))
    sources = source_files(artefacts)
    if data:
        from rarekg.user_data import is_user_graph

        sources += [
            SourceFile(Path(g.value), URIRef(g.value))
            for g in sorted(store.named_graphs(), key=str)
            if isinstance(g, ox.NamedNode) and is_user_graph(g.value)
        ]
    return KnowledgeGraph(
        store,
        artefacts,
        sources,
        Reasoning(True, None),
        Path(location),
        data=Path(data) if data else None,
    )
