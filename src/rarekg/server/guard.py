r"""The entry check every query passes before any engine sees it.

One pass over the query's tokens, in the server process, for the embedded and remote
engines alike: an empty query is refused (400), nesting past the limit is refused
before a parser's stack can overflow on it (400), an update is refused (403: the
endpoint is read-only) and every ``SERVICE`` endpoint must be on the operator's
allow-list (403). The engine that runs the query is the only parser: a query that
passes here and is not valid SPARQL is refused by it with the engine's own message.

Codepoint escapes are replaced first, as the grammar says, so ``SERV\u0049CE`` is
checked as the ``SERVICE`` it is. Anything after ``SERVICE`` that is not a plain IRI
or a prefixed name this query or our prologue declares is refused: the check fails
closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from rarekg.namespaces import PREFIXES
from rarekg.sparql_text import Token, code_tokens, nesting_depth, unescape_codepoints

READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, "
    "COPY, MOVE, ADD) is not accepted"
)

# The keywords an update operation can open with (SPARQL 1.1 Update, section 3).
_UPDATE_OPENERS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@dataclass(frozen=True)
class Refusal:
    """Why a query may not run: the HTTP status and a message for the client."""

    status: int
    message: str


def _prologue_end(found: list[Token]) -> int:
    """Index of the first token after the ``BASE`` and ``PREFIX`` declarations."""
    at = 0
    while at < len(found):
        if found[at].is_word("BASE"):
            at += 2
        elif found[at].is_word("PREFIX"):
            at += 3
        else:
            break
    return at


def _declared(found: list[Token]) -> tuple[dict[str, str], str | None]:
    """The prefixes (ours, then the query's own) and the base IRI a query declares."""
    prefixes, base = dict(PREFIXES), None
    for at, token in enumerate(found):
        if token.is_word("PREFIX") and at + 2 < len(found):
            name, iri = found[at + 1], found[at + 2]
            if name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text.rstrip(":").split(":")[0]] = iri.text[1:-1]
        elif token.is_word("BASE") and at + 1 < len(found) and found[at + 1].kind == "iri":
            base = found[at + 1].text[1:-1]
    return prefixes, base


def _service_endpoints(found: list[Token]) -> Iterator[Token | None]:
    """The token naming each ``SERVICE`` endpoint (``None`` where the query ends)."""
    for at, token in enumerate(found):
        if token.is_word("SERVICE"):
            after = at + 1
            if after < len(found) and found[after].is_word("SILENT"):
                after += 1
            yield found[after] if after < len(found) else None


def _endpoint_iri(token: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    """The absolute IRI a ``SERVICE`` endpoint token names, or ``None`` if it names none."""
    if token is None:
        return None
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def check(text: str, allowed: Callable[[str], bool], max_depth: int) -> Refusal | None:
    """Say why a query may not run, or ``None`` if it may go to the engine.

    Args:
        text: the query.
        allowed: tells whether an endpoint IRI is on the operator's allow-list.
        max_depth: the deepest nesting of braces, parentheses and brackets accepted.

    Examples:
        >>> check("SELECT * { ?s ?p ?o }", lambda iri: False, 64) is None
        True
        >>> check("  ", lambda iri: False, 64).status
        400
        >>> check("INSERT DATA { <http://a> <http://b> 1 }", lambda iri: False, 64).status
        403
        >>> check("ASK { SERVICE <http://x.example/q> { } }", lambda iri: False, 64).message[:26]
        'SERVICE <http://x.example/'
        >>> check("ASK " + "{" * 99 + "}" * 99, lambda iri: False, 64).status
        400
    """
    found = list(code_tokens(unescape_codepoints(text)))
    if not found:
        return Refusal(400, "the query is empty")
    deepest = nesting_depth(found)
    if deepest > max_depth:
        return Refusal(
            400, f"the query nests {deepest} levels of brackets; this endpoint accepts {max_depth}"
        )
    first = _prologue_end(found)
    if first < len(found) and found[first].is_word(*_UPDATE_OPENERS):
        return Refusal(403, READ_ONLY)
    prefixes, base = _declared(found)
    for token in _service_endpoints(found):
        iri = _endpoint_iri(token, prefixes, base)
        if iri is None:
            named = token.text if token else "nothing"
            return Refusal(
                403, f"SERVICE {named} is not allowed: only a declared endpoint IRI can be checked"
            )
        if not allowed(iri):
            return Refusal(
                403,
                f"SERVICE <{iri}> is not allowed: this endpoint calls no other hosts "
                "unless its operator allows them (--service-host)",
            )
    return None
