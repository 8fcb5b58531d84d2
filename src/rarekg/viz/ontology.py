"""The ontology view's data: the class hierarchy and object properties, drawn without Java."""

from __future__ import annotations

from collections import defaultdict

from rarekg.kg import KnowledgeGraph
from rarekg.names import local_name
from rarekg.namespaces import ONTOLOGY_GRAPH, RKG
from rarekg.viz.panel import words
from rarekg.viz.view import EdgeStyle, Explorer, NodeStyle

ONTOLOGY_CLASSES = (
    NodeStyle("rarekg-class", "rarekg class", (), 0, "#1f77b4", "box"),
    NodeStyle("reused-class", "Reused class", (), 0, "#c7c7c7", "box"),
)
ONTOLOGY_EDGES = (
    EdgeStyle("subclass", "subclass of", "#555555", False),
    EdgeStyle("property", "object property (domain → range)", "#ff7f0e", True),
)
THING = "http://www.w3.org/2002/07/owl#Thing"

_CLASSES = """
SELECT ?class ?label ?definition ?comment WHERE {
  ?class a owl:Class . FILTER(isIRI(?class))
  OPTIONAL { ?class rdfs:label ?label }
  OPTIONAL { ?class skos:definition ?definition }
  OPTIONAL { ?class rdfs:comment ?comment }
}"""
_SUBCLASSES = "SELECT ?sub ?super WHERE { ?sub rdfs:subClassOf ?super FILTER(isIRI(?super)) }"
# A domain or range is a named class or a union of them.
_PROPERTIES = """
SELECT ?property ?label ?definition ?domain ?range WHERE {
  ?property a owl:ObjectProperty .
  OPTIONAL { ?property rdfs:label ?label }
  OPTIONAL { ?property skos:definition ?definition }
  OPTIONAL { ?property rdfs:domain/(owl:unionOf/rdf:rest*/rdf:first)? ?domain
             FILTER(isIRI(?domain)) }
  OPTIONAL { ?property rdfs:range/(owl:unionOf/rdf:rest*/rdf:first)? ?range
             FILTER(isIRI(?range)) }
}"""


def ontology_explorer(kg: KnowledgeGraph) -> Explorer:
    """Project the ontology onto explorer nodes (classes) and edges (subclass, properties).

    Classes sit in layers by their depth below the top of the hierarchy; an object
    property is an edge from each class of its domain to each class of its range
    (``owl:Thing`` where it declares none).

    Examples:
        >>> import rarekg
        >>> view = ontology_explorer(rarekg.load())
        >>> rkg = "https://w3id.org/rarekg/ontology#"
        >>> edge = (rkg + "RareEarthElement", rkg + "ChemicalElement", "subclass of", "subclass")
        >>> edge in view.edges
        True
    """
    graph = [str(ONTOLOGY_GRAPH)]
    view = Explorer(node_classes=ONTOLOGY_CLASSES, edge_kinds=ONTOLOGY_EDGES)
    for row in _rows(kg, _CLASSES, graph):
        iri = row["class"]
        label = row.get("label") or words(local_name(iri))
        ours = iri.startswith(str(RKG))
        kind = ONTOLOGY_CLASSES[0 if ours else 1]
        view.nodes.setdefault(iri, {
            "label": label, "title": f"{label}\n{iri}", "cls": kind.key, "color": kind.colour,
            "shape": kind.shape, "size": 14, "search": [label, local_name(iri)],
        })  # fmt: skip
        view.details.setdefault(iri, _class_details(iri, label, row))
    supers: dict[str, set[str]] = defaultdict(set)
    for row in _rows(kg, _SUBCLASSES, graph):
        if row["sub"] in view.nodes and row["super"] in view.nodes:
            supers[row["sub"]].add(row["super"])
            view.edges.append((row["sub"], row["super"], "subclass of", "subclass"))
            view.details[row["sub"]]["relations"].append(_ref(view, "subclass of", row["super"]))
            view.details[row["super"]]["relations"].append(_ref(view, "← subclass of", row["sub"]))
    seen: set[tuple[str, str, str]] = set()
    for row in _rows(kg, _PROPERTIES, graph):
        domain, range_ = row.get("domain", THING), row.get("range", THING)
        label = row.get("label") or words(local_name(row["property"]))
        for end in (domain, range_):
            if end not in view.nodes:
                _add_thing(view, end)
        if (domain, range_, label) not in seen:
            seen.add((domain, range_, label))
            view.edges.append((domain, range_, label, "property"))
            view.details[domain]["relations"].append(_ref(view, label, range_))
            if range_ != domain:
                view.details[range_]["relations"].append(_ref(view, "← " + label, domain))
    view.layers = {c: _depth(c, supers) for c in view.nodes}
    return view


def _rows(kg: KnowledgeGraph, text: str, graph: list[str]) -> list[dict[str, str]]:
    results = kg.run(text, default_graph=graph)
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [
        {name: row[name].value for name in names if row[name] is not None}
        for row in results  # type: ignore[union-attr]
    ]


def _ref(view: Explorer, prop: str, iri: str) -> dict[str, object]:
    return {"p": prop, "id": iri, "label": view.nodes[iri]["label"], "shown": True}


def _add_thing(view: Explorer, iri: str) -> None:
    label = "Thing" if iri == THING else words(local_name(iri))
    kind = ONTOLOGY_CLASSES[1]
    view.nodes[iri] = {"label": label, "title": iri, "cls": kind.key, "color": kind.colour,
                       "shape": kind.shape, "size": 14, "search": [label]}  # fmt: skip
    view.details[iri] = _class_details(iri, label, {})


def _class_details(iri: str, label: str, row: dict[str, str]) -> dict[str, object]:
    facts = [["definition", row["definition"]]] if "definition" in row else []
    return {
        "iri": iri, "label": label, "comment": row.get("comment", ""), "facts": facts,
        "relations": [], "sources": [], "observations": [], "controls": [],
        "controlledInputs": [], "industries": [], "producers": [], "links": [],
    }  # fmt: skip


def _depth(node: str, supers: dict[str, set[str]], seen: frozenset[str] = frozenset()) -> int:
    """Length of the longest chain of superclasses above a class (cycles cut)."""
    above = supers.get(node, set()) - seen - {node}
    return 1 + max((_depth(s, supers, seen | {node}) for s in above), default=-1)
