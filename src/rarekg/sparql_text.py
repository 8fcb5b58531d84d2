"""SPARQL query text as tokens: what the entry check and remote binding need, without parsing.

The engine that runs a query parses it; this module only splits the text into the
tokens that matter around it (comments, IRIs, strings, variables, prefixed names,
words and brackets), so that a keyword is found only where it is one: ``FROM`` in
``?from``, ``"FROM"`` or ``# FROM`` is no keyword. It is the one lexer of the package.

References:
    SPARQL 1.1 Query Language, W3C Recommendation 21 March 2013, section 19 (grammar:
    19.2 codepoint escapes are replaced before parsing; 19.4 comments; 19.8 terminals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Order matters: whole IRIs, strings and comments are taken before anything inside
# them could be read as a keyword or a bracket. A comment ends at either line break.
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''
                  | "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*')
      | (?P<variable>[?$]\w+)
      | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%.-]|\\.)*)
      | (?P<word>[^\W\d]\w*)
      | (?P<open>[{(\[]) | (?P<close>[})\]])
      | (?P<other>\S)""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name of the lexer), text and place in the query."""

    kind: str
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        """Tell whether the token is one of these keywords, in any case.

        Examples:
            >>> next(tokens("select ?x {}")).is_word("SELECT", "ASK")
            True
        """
        return self.kind == "word" and self.text.upper() in words


def unescape_codepoints(text: str) -> str:
    r"""Replace ``\uXXXX`` and ``\UXXXXXXXX`` escapes, as the grammar does before parsing.

    A check that reads the text must read what the engine reads: ``SERV\u0049CE`` is
    the keyword ``SERVICE``.

    Examples:
        >>> unescape_codepoints(r"SERV\u0049CE")
        'SERVICE'
    """

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(replace, text)


_FROM = re.compile("from", re.IGNORECASE)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a query, whitespace left out.

    Examples:
        >>> [t.kind for t in tokens('SELECT ?s { <http://a#b> ex:p "}" } # {')]
        ['word', 'variable', 'open', 'iri', 'pname', 'string', 'close', 'comment']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None, "every alternative of the lexer is named"
        yield Token(kind, match.group(), match.start(), match.end())


def code_tokens(text: str) -> Iterator[Token]:
    """The tokens of a query without its comments."""
    return (token for token in tokens(text) if token.kind != "comment")


def declares_dataset(text: str) -> bool:
    """Tell whether a query names its own dataset with ``FROM`` or ``FROM NAMED``.

    Examples:
        >>> declares_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
        True
        >>> declares_dataset('SELECT * WHERE { ?s ?p "FROM" } # FROM here is a comment')
        False
        >>> declares_dataset("SELECT ?from WHERE { ?x rkg:from ?from }")
        False
    """
    # Most queries hold no "from" at all: then no token is the word (a query worker asks
    # this of every query, and lexing one costs more than answering many).
    if _FROM.search(text) is None:
        return False
    return any(token.is_word("FROM") for token in code_tokens(text))


def answers_with_graph(text: str) -> bool:
    """Tell whether a query's answer is a graph (``CONSTRUCT``, ``DESCRIBE``), not results.

    The first of the four form keywords decides: a subquery's ``SELECT`` comes after.

    Examples:
        >>> answers_with_graph("PREFIX ex: <http://e/> CONSTRUCT { ?s ex:p ?o } WHERE { }")
        True
        >>> answers_with_graph('SELECT ?describe WHERE { ?s ?p "CONSTRUCT" }')
        False
    """
    forms = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    first = next((t for t in code_tokens(text) if t.is_word(*forms)), None)
    return first is not None and first.is_word("CONSTRUCT", "DESCRIBE")


def nesting_depth(found: Iterable[Token]) -> int:
    """The deepest nesting of braces, parentheses and brackets among a query's tokens.

    Examples:
        >>> nesting_depth(tokens("ASK { { FILTER((1)) } }"))
        4
    """
    depth = deepest = 0
    for token in found:
        if token.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "close":
            depth -= 1
    return deepest


def where_position(text: str) -> int | None:
    r"""Find where the query's outermost ``WHERE`` group opens: just after its ``{``.

    Comments, IRIs and strings are skipped, so braces in them do not count.

    Examples:
        >>> text = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
        >>> text[where_position(text):]
        ' ?s ?p ?o }'
        >>> where_position("# {\nASK { }")
        9
    """
    depth, after_where, construct, groups = 0, False, False, 0
    for token in code_tokens(text):
        if depth == 0 and token.is_word("WHERE", "CONSTRUCT"):
            after_where |= token.is_word("WHERE")
            construct |= token.is_word("CONSTRUCT")
        elif token.text == "{":
            if depth == 0:
                groups += 1
                if after_where or groups == (2 if construct else 1):
                    return token.end
            depth += 1
        elif token.text == "}":
            depth -= 1
    return None
