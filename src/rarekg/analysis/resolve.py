"""Resolve what a person typed (label, symbol, ISO code, IRI) to one node of the projection."""

from __future__ import annotations

import difflib
import re

from rarekg.analysis.projection import Projection
from rarekg.namespaces import PREFIXES

_MAX_CANDIDATES = 10


class AnalysisInputError(ValueError):
    """Bad input to an analysis: an unknown or ambiguous name, a bad date or option.

    Attributes:
        candidates: IRIs the name might have meant (empty when there is no close match).
    """

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _expand(name: str) -> str:
    prefix, sep, rest = name.partition(":")
    if sep and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return name


def resolve(projection: Projection, name: str, types: frozenset[str] | None = None) -> str:
    """Return the IRI of the one node ``name`` means.

    ``name`` is an IRI (full or prefixed, e.g. ``rkr:China``), or a label, alternative
    label, symbol or ISO code (case-insensitive); failing an exact match, a unique
    node whose name contains it.

    Raises:
        AnalysisInputError: no node or several nodes match; the message lists candidates.

    Examples:
        >>> import networkx as nx
        >>> p = Projection(nx.MultiDiGraph(), names={"dy": {"ex:Dy"}, "dysprosium": {"ex:Dy"}})
        >>> p.graph.add_node("ex:Dy", type="element", label="Dysprosium")
        >>> resolve(p, "DY")
        'ex:Dy'
    """
    wanted = name.strip()
    if not wanted:
        raise AnalysisInputError("empty name: give a label, symbol, ISO code or IRI")
    graph = projection.graph

    def allowed(iri: str) -> bool:
        return iri in graph and (types is None or graph.nodes[iri].get("type") in types)

    iri = _expand(wanted)
    if allowed(iri):
        return iri
    exact = {n for n in projection.names.get(wanted.casefold(), set()) if allowed(n)}
    if not exact:
        squashed = _squash(wanted)
        exact = {
            n
            for key, nodes in projection.names.items()
            if _squash(key) == squashed
            for n in nodes
            if allowed(n)
        }
    if len(exact) == 1:
        return exact.pop()
    if exact:
        raise _error(projection, f"{name!r} is ambiguous", exact)
    squashed = _squash(wanted)
    partial = {
        n
        for key, nodes in projection.names.items()
        if squashed and squashed in _squash(key)
        for n in nodes
        if allowed(n)
    }
    if len(partial) == 1:
        return partial.pop()
    kinds = f" of type {', '.join(sorted(types))}" if types else ""
    if partial:
        raise _error(projection, f"{name!r} matches several things{kinds}", partial)
    close = difflib.get_close_matches(wanted.casefold(), list(projection.names), n=20, cutoff=0.6)
    near = {n for key in close for n in projection.names[key] if allowed(n)}
    if near:
        raise _error(projection, f"nothing{kinds} is called {name!r}; did you mean", near)
    raise AnalysisInputError(f"nothing{kinds} is called {name!r}")


def _error(projection: Projection, message: str, iris: set[str]) -> AnalysisInputError:
    ordered = sorted(iris, key=lambda i: (projection.label(i).casefold(), i))
    shown = [f"{projection.label(i)} <{i}> ({projection.node_type(i)})" for i in ordered]
    more = len(ordered) - _MAX_CANDIDATES
    listing = "; ".join(shown[:_MAX_CANDIDATES]) + (f"; and {more} more" if more > 0 else "")
    return AnalysisInputError(f"{message}: {listing}", ordered)
