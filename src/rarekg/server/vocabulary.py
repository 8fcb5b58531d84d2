"""``GET /api/vocabulary``: the prefixes and terms the query editor completes.

The editor offers our own vocabulary as the user types: the prefixes every query may
use without declaring them, the ontology's classes and properties, and the curated
things (``rkr:``) by name, each with its label so that ``rkr:Dy`` finds Dysprosium by
label as well as by name. It is read from the loaded graph once and kept.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import PREFIXES, RKG, RKR
from rarekg.stats import STATISTICS_BINDING

#: Each term once, with the kind the editor shows beside it and its English label. The
#: things of the statistics graphs (about 100,000 observations) are left out.
_TERMS = """
SELECT ?term ?statistics (SAMPLE(?kind0) AS ?kind) (SAMPLE(?label0) AS ?label) WHERE {
  {
    VALUES (?type ?kind0) {
      (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
      (owl:AnnotationProperty "property")
    }
    ?term a ?type .
    FILTER(STRSTARTS(STR(?term), STR(rkg:)))
  } UNION {
    GRAPH ?g { ?term rdfs:label ?any }
    FILTER(STRSTARTS(STR(?term), STR(rkr:)) && !STRSTARTS(STR(?g), STR(?statistics)))
    BIND("thing" AS ?kind0)
  }
  OPTIONAL {
    ?term rdfs:label ?label0
    FILTER(LANGMATCHES(LANG(?label0), "en") || LANG(?label0) = "")
  }
}
GROUP BY ?term ?statistics
ORDER BY ?term
"""


def vocabulary(kg: KnowledgeGraph) -> dict[str, Any]:
    """The editor's completions: ``prefixes`` (name -> IRI) and ``terms``.

    Each term is ``{"name": "rkg:Facility", "kind": "class", "label": "facility"}``;
    ``kind`` is ``class``, ``property`` or ``thing``.
    """
    namespaces = {str(RKG): "rkg:", str(RKR): "rkr:"}
    terms = []
    for row in kg.query(_TERMS, STATISTICS_BINDING):
        iri = str(row["term"])
        ns, prefix = next((ns, p) for ns, p in namespaces.items() if iri.startswith(ns))
        name = prefix + iri[len(ns) :]
        terms.append({"name": name, "kind": str(row["kind"]), "label": str(row.get("label", ""))})
    return {"prefixes": dict(PREFIXES), "terms": terms}


def routes(kg: KnowledgeGraph) -> list[Route]:
    """``GET /api/vocabulary``."""

    async def handle(request: Request) -> Response:
        return JSONResponse(kg.cached(vocabulary))

    return [Route("/api/vocabulary", handle, methods=["GET"])]
