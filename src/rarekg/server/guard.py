"""What a read-only endpoint refuses: SPARQL Update, and SERVICE calls to hosts not allowed.

Oxigraph's engine would follow a ``SERVICE`` clause to any host it names, so a query
that mentions ``SERVICE`` is parsed (by rdflib's parser, only then: it is slow) and
every service IRI is checked against the operator's allow-list before it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyparsing import ParseException
from rdflib import URIRef
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from rarekg.namespaces import PREFIXES

_SERVICE = re.compile(r"service", re.IGNORECASE)

READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, "
    "COPY, MOVE, ADD) is not accepted"
)


def is_update(text: str) -> bool:
    """Tell whether text that is not a valid query is a SPARQL Update request.

    Examples:
        >>> is_update("INSERT DATA { <http://a> <http://b> <http://c> }")
        True
        >>> is_update("SELEKT * WHERE {}")
        False
    """
    try:
        parseUpdate(text)
    except (ParseException, ValueError, TypeError):
        return False
    return True


def service_refusal(text: str, allowed: Callable[[str], bool]) -> str | None:
    """Say why a query may not run because of a ``SERVICE`` clause, or ``None`` if it may.

    Args:
        text: the query.
        allowed: tells whether an endpoint IRI is on the operator's allow-list.

    Examples:
        >>> service_refusal("SELECT * { ?s ?p ?o }", lambda iri: False) is None
        True
        >>> service_refusal("SELECT * { SERVICE <http://x.example/q> { ?s ?p ?o } }",
        ...                 lambda iri: False).split(":")[0]
        'SERVICE <http'
    """
    if not _SERVICE.search(text):
        return None
    try:
        algebra = translateQuery(parseQuery(text), initNs=PREFIXES).algebra
    except Exception as error:  # rdflib's parser raises many kinds
        # Fail closed: a query whose SERVICE clauses cannot be checked does not run.
        return f"the query mentions SERVICE and its SERVICE clauses could not be checked: {error}"
    endpoints: list[object] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            endpoints.append(node.get("term"))

    traverse(algebra, visitPre=visit)
    for endpoint in endpoints:
        if not isinstance(endpoint, URIRef):
            return "SERVICE with a variable endpoint is not allowed on this endpoint"
        if not allowed(str(endpoint)):
            return (
                f"SERVICE <{endpoint}> is not allowed: this endpoint calls no other hosts "
                "unless its operator allows them (--service-host)"
            )
    return None
