"""Reasoning: HermiT (through owlready2) classifies the skeleton; SPARQL rules do the rest.

HermiT gets only the skeleton (ontology, items, dependencies, controls, organisations),
never the observation nodes: a numeric defined class took 82 s in HermiT on 3,000 share
nodes and 0.7 s as a SPARQL rule (measured on this project's graph). Property entailments
(sub-properties, so ``rkg:directlyDependsOn``; inverses; the transitive closure of
``rkg:dependsOn``) are SPARQL rules in ``queries/rules/``, run in Oxigraph's engine.
Everything inferred goes into the named graph ``.../graph/inferred``, and is cached
under a key derived from the input files so that a second start runs no Java
(:mod:`rarekg.build` keys it and keeps it in the built store).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rarekg import __version__
from rarekg.namespaces import INFERRED_GRAPH, RKG, sparql_prologue
from rarekg.paths import write_atomically
from rarekg.store import GraphList, SourceFile, graph_nodes

log = logging.getLogger(__name__)

INFERRED_NODE = ox.NamedNode(str(INFERRED_GRAPH))
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

#: Drops from the inferred graph what a file asserts already.
_DROP_ASSERTED = f"""
DELETE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}
WHERE {{
  GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
  FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>) }}
}}
"""

#: The classes whose members HermiT is not given: every kind of observation, and the
#: sources (the bulk of the graph, and nothing a defined class needs). The provenance
#: links pointing at them are left out too.
_LEFT_OUT_CLASSES = """SELECT DISTINCT ?class WHERE {
  { ?class rdfs:subClassOf* rkg:Observation } UNION { VALUES ?class { rkg:Source } }
}"""

#: What HermiT is given. MINUS finds the left-out members once (Oxigraph evaluates it
#: as a hash anti-join); a per-triple ``FILTER NOT EXISTS`` took 33 s at 10^4
#: observations on disk, and with ``a/rdfs:subClassOf*`` in it grew with their square.
_SKELETON_QUERY = """
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  ?s ?p ?o .
  FILTER (?p != prov:wasDerivedFrom)
  MINUS {{ ?s a ?class VALUES ?class {{ {classes} }} }}
}}
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
    """How the inferred graph was obtained.

    Attributes:
        from_cache: no reasoner ran: the graph came from the cache or a store built before.
        cache_file: the cache file read or written, if any.
    """

    from_cache: bool
    cache_file: Path | None


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
    left_out = " ".join(str(row["class"]) for row in _select(store, _LEFT_OUT_CLASSES, graphs))
    triples = _construct(store, _SKELETON_QUERY.format(classes=left_out), graphs)
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
    triples = _construct(store, text, [*graphs, INFERRED_NODE])
    new = [ox.Quad(t.subject, t.predicate, t.object, INFERRED_NODE) for t in triples]
    store.extend(new)
    return len(new)


def classified(skeleton: bytes, cache: Path | None) -> set[tuple[str, str]]:
    """HermiT's memberships for ``skeleton``, from ``cache`` when it was classified before.

    Keyed by the skeleton itself: new or changed observations leave it as it was, so a
    data update runs no Java. (Blank nodes are renamed whenever a file is loaded, so the
    key holds for the store whose unchanged graphs carry them over, not across stores.)

    Raises:
        owlready2.OwlReadyInconsistentOntologyError: HermiT found a contradiction.
    """
    if cache is None:
        return classify(skeleton)
    lines = b"\n".join(sorted(skeleton.splitlines()))
    key = hashlib.sha256(__version__.encode() + b"\0" + lines).hexdigest()[:32]
    path = cache / f"hermit-{key}.tsv"
    if path.is_file():
        pairs = (line.split("\t") for line in path.read_text("utf-8").splitlines())
        return {(node, cls) for node, cls in pairs}
    memberships = classify(skeleton)
    text = "".join(f"{node}\t{cls}\n" for node, cls in sorted(memberships))

    def put(temporary: Path) -> None:
        temporary.write_text(text, "utf-8")

    cache.mkdir(parents=True, exist_ok=True)
    write_atomically(path, put)
    return memberships


def infer(
    store: ox.Store, sources: Sequence[SourceFile], rules_dir: Path, cache: Path | None = None
) -> None:
    """Compute the inferred graph of ``store`` from the asserted graphs of ``sources``.

    ``cache`` is the folder of HermiT's cached memberships, if any.

    Raises:
        InconsistentOntology: HermiT found a contradiction; the clashes name the nodes.
    """
    import owlready2

    graphs = graph_nodes(sources)
    store.clear_graph(INFERRED_NODE)
    try:
        memberships = classified(skeleton_ntriples(store, graphs), cache)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        raise InconsistentOntology(disjointness_clashes(store, graphs)) from error
    store.extend(
        ox.Quad(ox.NamedNode(node), _RDF_TYPE, ox.NamedNode(cls), INFERRED_NODE)
        for node, cls in memberships
    )
    # Rules run in name order: sub-properties first, so that directlyDependsOn
    # exists before its closure is taken.
    for rule in sorted(rules_dir.glob("*.rq")):
        added = _run_rule(store, rule.read_text("utf-8"), graphs)
        log.debug("rule %s added %d triples", rule.name, added)
    # A triple the files assert already is not inferred: drop it, in the engine (a
    # Python set of every asserted quad would grow with the observations).
    store.update(_DROP_ASSERTED)


def reason(
    store: ox.Store,
    sources: Sequence[SourceFile],
    rules_dir: Path,
    cache_file: Path | None,
) -> Reasoning:
    """Fill the inferred graph of ``store``, from ``cache_file`` when it exists.

    Args:
        store: holds the asserted graphs of ``sources``; written to.
        sources: the ontology and graph files.
        rules_dir: the SPARQL rules (``queries/rules``).
        cache_file: the cache of this very input (its name carries the inputs' key),
            or ``None`` to reason afresh and cache nothing; HermiT's memberships are
            cached beside it.
    """
    store.clear_graph(INFERRED_NODE)
    if cache_file is not None and cache_file.is_file():
        store.load(path=cache_file, format=ox.RdfFormat.N_TRIPLES, to_graph=INFERRED_NODE)
        return Reasoning(True, cache_file)
    infer(store, sources, rules_dir, cache_file.parent if cache_file is not None else None)
    if cache_file is not None:

        def put(temporary: Path) -> None:
            store.dump(temporary, format=ox.RdfFormat.N_TRIPLES, from_graph=INFERRED_NODE)

        write_atomically(cache_file, put)
    return Reasoning(False, cache_file)
