"""Reasoning: HermiT (through owlready2) classifies the skeleton; SPARQL rules do the rest.

HermiT gets only the skeleton (ontology, items, dependencies, controls, organisations),
never the observation nodes: a numeric defined class took 82 s in HermiT on 3,000 share
nodes and 0.7 s as a SPARQL rule (measured on this project's graph). Property entailments
(sub-properties, so ``rkg:directlyDependsOn``; inverses; the transitive closure of
``rkg:dependsOn``) are SPARQL rules in ``queries/rules/``, run in Oxigraph's engine.
Everything inferred goes into the named graph ``.../graph/inferred``, and is cached
under a key derived from the input files so that a second start runs no Java.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rarekg import __version__
from rarekg.namespaces import INFERRED_GRAPH, RKG, sparql_prologue
from rarekg.paths import write_atomically
from rarekg.store import GraphList, SourceFile, graph_nodes

log = logging.getLogger(__name__)

_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

#: What HermiT is not given: observations and sources (the bulk of the graph, and
#: nothing a defined class needs) and the provenance links pointing at them.
_SKELETON_QUERY = """
CONSTRUCT { ?s ?p ?o } WHERE {
  ?s ?p ?o .
  FILTER NOT EXISTS { ?s a/rdfs:subClassOf* rkg:Observation }
  FILTER NOT EXISTS { ?s a rkg:Source }
  FILTER (?p != prov:wasDerivedFrom)
}
"""


class InconsistentOntology(Exception):
    """The reasoner found the ontology plus graph inconsistent.

    Attributes:
        clashes: ``(node, class, class)`` triples of IRIs found to be members of two
            disjoint classes, when the cause could be traced; empty otherwise.
    """

    def __init__(self, clashes: Sequence[tuple[str, str, str]]) -> None:
        self.clashes = list(clashes)
        if self.clashes:
            detail = "; ".join(f"{n} is both {a} and {b}" for n, a, b in self.clashes)
        else:
            detail = "no disjointness clash found by the type check; inspect recent edits"
        super().__init__(f"the ontology plus graph is inconsistent: {detail}")


@dataclass(frozen=True)
class Reasoning:
    """The inferred graph and how it was obtained."""

    triples: list[ox.Triple]
    from_cache: bool
    cache_file: Path | None


def cache_key(files: Iterable[Path]) -> str:
    """Digest of the package version and the names and bytes of the input files."""
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _select(store: ox.Store, text: str, graphs: GraphList) -> ox.QuerySolutions:
    results = store.query(sparql_prologue() + text, default_graph=graphs)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query: {text[:60]!r}")
    return results


def _construct(store: ox.Store, text: str, graphs: GraphList) -> ox.QueryTriples:
    results = store.query(sparql_prologue() + text, default_graph=graphs)
    if not isinstance(results, ox.QueryTriples):
        raise TypeError(f"expected a CONSTRUCT query: {text[:60]!r}")
    return results


def skeleton_ntriples(store: ox.Store, graphs: GraphList) -> bytes:
    """Serialise the part of the asserted graphs HermiT needs as N-Triples."""
    triples = _construct(store, _SKELETON_QUERY, graphs)
    out = io.BytesIO()
    ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


_TYPES = "SELECT ?node ?class WHERE { ?node a ?class FILTER (isIRI(?node) && isIRI(?class)) }"
_REQUIRED = """SELECT ?node ?class WHERE {
  { ?node ?p [] . ?p rdfs:subPropertyOf*/rdfs:domain ?class }
  UNION { [] ?p ?node . ?p rdfs:subPropertyOf*/rdfs:range ?class }
  FILTER isIRI(?node) }"""
_SUPERCLASSES = "SELECT ?node ?class WHERE { ?node rdfs:subClassOf ?class FILTER isIRI(?class) }"
_UNION_MEMBERS = "SELECT ?node ?class WHERE { ?node owl:unionOf/rdf:rest*/rdf:first ?class }"
_DISJOINT = """SELECT ?node ?class WHERE {
  ?node a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?class }"""


def _pairs(store: ox.Store, text: str, graphs: GraphList) -> dict[str, set[str]]:
    """Run a two-column (?node ?class) query into a map of node to classes."""
    found: dict[str, set[str]] = {}
    for row in _select(store, text, graphs):
        found.setdefault(str(row["node"]), set()).add(row["class"].value)
    return found


def disjointness_clashes(store: ox.Store, graphs: GraphList) -> list[tuple[str, str, str]]:
    """Explain an inconsistency: nodes whose classes are disjoint with what they must be.

    A node has its asserted classes and their superclasses; the domain and range of
    every property it is used with require a class, or one member of a union. A clash
    is a class the node has that is disjoint with a required class, or with every
    member of a required union.

    Returns:
        ``(node, class it has, class it must be)`` IRIs; a union reads "A or B".
    """
    supers = _pairs(store, _SUPERCLASSES, graphs)
    unions = _pairs(store, _UNION_MEMBERS, graphs)
    disjoint_sets = list(_pairs(store, _DISJOINT, graphs).values())

    def ancestors(cls: str) -> set[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in supers.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def disjoint(a: str, b: str) -> bool:
        return any(
            x != y and x in group and y in group
            for x in ancestors(a)
            for y in ancestors(b)
            for group in disjoint_sets
        )

    has = _pairs(store, _TYPES, graphs)
    clashes: set[tuple[str, str, str]] = set()
    for node, required in _pairs(store, _REQUIRED, graphs).items():
        for need in required | has.get(node, set()):
            members = sorted(unions.get(f"_:{need}", {need}))
            for cls in has.get(node, set()):
                if all(disjoint(cls, member) for member in members):
                    clashes.add((node.strip("<>"), cls, " or ".join(members)))
    return sorted(clashes)


def classify(skeleton: bytes) -> set[tuple[str, str]]:
    """Run HermiT on the skeleton; return every ``(individual, rkg class)`` membership.

    Raises:
        owlready2.OwlReadyInconsistentOntologyError: HermiT found a contradiction.
    """
    import owlready2  # here, not above: Java's wrapper is heavy and query workers skip it

    world = owlready2.World()
    world.get_ontology("http://rarekg.invalid/skeleton").load(
        fileobj=io.BytesIO(skeleton), format="ntriples"
    )
    owlready2.sync_reasoner_hermit(
        world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
    )
    memberships: set[tuple[str, str]] = set()
    for (subject,) in world.sparql("SELECT DISTINCT ?s WHERE { ?s a ?c }"):
        if not isinstance(subject, owlready2.Thing):
            continue  # a class or property, not an individual
        for cls in subject.INDIRECT_is_a:
            cls_iri = getattr(cls, "iri", "")
            if isinstance(cls_iri, str) and cls_iri.startswith(str(RKG)):
                memberships.add((subject.iri, cls_iri))
    return memberships


def _run_rule(store: ox.Store, text: str, graphs: GraphList) -> int:
    """Add what a CONSTRUCT rule yields (and the store lacks) to the inferred graph."""
    triples = _construct(store, text, [*graphs, _INFERRED])
    new = [ox.Quad(t.subject, t.predicate, t.object, _INFERRED) for t in triples]
    store.extend(new)
    return len(new)


def infer(store: ox.Store, sources: Sequence[SourceFile], rules_dir: Path) -> list[ox.Triple]:
    """Compute the inferred graph from the asserted graphs of ``sources`` in ``store``.

    The inferred graph is written into ``store`` and returned.

    Raises:
        InconsistentOntology: HermiT found a contradiction; the clashes name the nodes.
    """
    import owlready2

    graphs = graph_nodes(sources)
    store.clear_graph(_INFERRED)
    try:
        memberships = classify(skeleton_ntriples(store, graphs))
    except owlready2.OwlReadyInconsistentOntologyError as error:
        raise InconsistentOntology(disjointness_clashes(store, graphs)) from error
    store.extend(
        ox.Quad(ox.NamedNode(node), _RDF_TYPE, ox.NamedNode(cls), _INFERRED)
        for node, cls in memberships
    )
    # Rules run in name order: sub-properties first, so that directlyDependsOn
    # exists before its closure is taken.
    for rule in sorted(rules_dir.glob("*.rq")):
        added = _run_rule(store, rule.read_text("utf-8"), graphs)
        log.debug("rule %s added %d triples", rule.name, added)
    asserted = set(store.quads_for_pattern(None, None, None, None))
    inferred = list(store.quads_for_pattern(None, None, None, _INFERRED))
    asserted_triples = {q.triple for q in asserted if q.graph_name != _INFERRED}
    redundant = [q for q in inferred if q.triple in asserted_triples]
    for quad in redundant:
        store.remove(quad)
    return [q.triple for q in inferred if q.triple not in asserted_triples]


def reason(
    store: ox.Store,
    sources: Sequence[SourceFile],
    rules_dir: Path,
    cache: Path | None,
) -> Reasoning:
    """Fill the inferred graph, from the cache when its key matches the inputs.

    Args:
        store: holds the asserted graphs of ``sources``.
        sources: the ontology and graph files; their bytes make the cache key.
        rules_dir: the SPARQL rules (``queries/rules``).
        cache: folder for the cache, or ``None`` to reason afresh and cache nothing.
    """
    cache_file = None
    if cache is not None:
        inputs = [s.path for s in sources] + sorted(rules_dir.glob("*.rq"))
        cache_file = cache / f"inferred-{cache_key(inputs)}.nt"
        if cache_file.is_file():
            triples = list(ox.parse(path=str(cache_file), format=ox.RdfFormat.N_TRIPLES))
            store.clear_graph(_INFERRED)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, _INFERRED) for t in triples)
            return Reasoning([t.triple for t in triples], True, cache_file)
    triples = infer(store, sources, rules_dir)
    if cache_file is not None:
        _write_cache(cache_file, triples)
    return Reasoning(triples, False, cache_file)


def _write_cache(path: Path, triples: list[ox.Triple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)

    def put(temporary: Path) -> None:
        ox.serialize(triples, str(temporary), format=ox.RdfFormat.N_TRIPLES)

    write_atomically(path, put)
