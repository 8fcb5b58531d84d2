"""The one name resolver: what a person typed (a name, a code or an IRI) to the node it means.

Every command, the query library's ``iri`` parameters, the analyses, the JSON API and the
explorer's ``focus`` resolve names here, so a name means the same node everywhere. The
names of a node are its labels, alternative labels, element symbol, ISO country code, HS
codes and its IRI's local name (``queries/projections/names.rq``). Matching, first step
that finds something wins:

1. an IRI, full (``https://...``, also in ``<...>``) or prefixed (``rkr:China``);
2. a name, ignoring case (``CN``, ``dysprosium``, ``Separation``);
3. a name, ignoring case, spaces and punctuation (``wind-energy industry``);
4. the one node whose name contains the text (``sintered ndfeb``).

Several matches at one step are an error listing them ("ambiguous: A, B, C"); so is no
match, with the closest names. An optional filter (``among``) keeps only the nodes a
caller can use, such as the countries of the network projection.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

from rdflib import URIRef

from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import PREFIXES

_MAX_CANDIDATES = 10
_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*):([\w.-]*)")
_NAME_ONLY = 9  #: the rank of a name that is no label (names.rq)
_EXISTS = "SELECT ?thing WHERE { { ?thing ?p ?o } UNION { ?s ?p ?thing } } LIMIT 1"


class ResolveError(ValueError):
    """A name means no node, or several.

    Attributes:
        candidates: IRIs the name might have meant, best first (empty when none is close).
    """

    def __init__(self, message: str, candidates: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``/`` or ``#``.

    Examples:
        >>> local_name("https://w3id.org/rarekg/ontology#containsElement")
        'containsElement'
    """
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells (full, in angle brackets, or with a known prefix), else ``None``.

    Examples:
        >>> as_iri("rkr:China"), as_iri("<https://example.org/x>"), as_iri("China")
        ('https://w3id.org/rarekg/resource/China', 'https://example.org/x', None)
    """
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if _IRI.fullmatch(text):
        return text
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed and prefixed.group(1) in PREFIXES:
        return PREFIXES[prefixed.group(1)] + prefixed.group(2)
    return None


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


class Resolver:
    """Names to nodes, built once per graph (see the module doc for the matching rules).

    Args:
        names: node IRI to its names; the IRI's local name is added.
        labels: node IRI to the label shown for it (default: its first name).
        exists: tells whether an IRI without a name is in the graph (default: never).

    Examples:
        >>> names = Resolver({"ex:Dy": ["Dysprosium", "Dy"], "ex:Tb": ["Terbium", "Tb"]})
        >>> names.resolve("DY"), names.resolve("terb")
        ('ex:Dy', 'ex:Tb')
        >>> names.resolve("ium")
        Traceback (most recent call last):
        ...
        rarekg.names.ResolveError: 'ium' is ambiguous: Dysprosium <ex:Dy>; Terbium <ex:Tb>
    """

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        labels: Mapping[str, str] | None = None,
        exists: Callable[[str], bool] | None = None,
    ) -> None:
        self._names: dict[str, list[str]] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._cased: dict[str, set[str]] = defaultdict(set)
        self._squashed: dict[str, set[str]] = defaultdict(set)
        for node, given in names.items():
            own = list(dict.fromkeys([*given, local_name(node)]))
            self._names[node] = own
            for name in own:
                self._exact[name.casefold()].add(node)
                self._cased[name].add(node)
                self._squashed[_squash(name)].add(node)
        self._labels = (
            dict(labels) if labels is not None else {n: ns[0] for n, ns in self._names.items()}
        )
        self._exists = exists or (lambda _iri: False)
        self._joined = "\n".join(self._squashed)

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Resolver:
        """Read every node's names from the graph (``queries/projections/names.rq``).

        Build it once per graph with ``kg.cached(Resolver.from_graph)``.
        """
        text = (kg.artefacts.queries_dir / "projections" / "names.rq").read_text("utf-8")
        names: dict[str, list[str]] = defaultdict(list)
        labels: dict[str, tuple[int, str]] = {}
        for row in kg.query(text):
            node, name, rank = str(row["node"]), str(row["name"]), int(str(row["rank"]))
            names[node].append(name)
            if rank < min(labels.get(node, (_NAME_ONLY, ""))[0], _NAME_ONLY):
                labels[node] = (rank, name)

        def exists(iri: str) -> bool:
            return bool(kg.query(_EXISTS, {"thing": URIRef(iri)}))

        return cls(names, {n: label for n, (_, label) in labels.items()}, exists)

    def label(self, iri: str) -> str:
        """The node's label (its English label first), else its IRI's local name."""
        return self._labels.get(iri) or local_name(iri)

    def names_of(self, iri: str) -> list[str]:
        """Every name the node answers to, its label first."""
        return list(dict.fromkeys([self.label(iri), *self._names.get(iri, [])]))

    def known(self, iri: str) -> bool:
        """Tell whether the IRI is a node of the graph."""
        return iri in self._names or self._exists(iri)

    def resolve(
        self,
        text: str,
        among: Collection[str] | None = None,
        what: str = "in the graph",
        *,
        suggest: bool = True,
    ) -> str:
        """Return the IRI of the one node ``text`` means.

        Args:
            text: an IRI, prefixed name, label, alternative label, symbol or code.
            among: only these nodes will do (``None``: every node of the graph).
            what: the words that say which nodes will do, for messages ("of type country").
            suggest: on no match, look for the closest names to suggest (the costly step:
                a caller resolving many names may suggest for the first few only).

        Raises:
            ResolveError: no node, or several, match; the message lists the candidates.
        """
        wanted = text.strip()
        if not wanted:
            raise ResolveError("empty name: give a label, symbol, code or IRI")

        def usable(found: Iterable[str]) -> set[str]:
            return {n for n in found if among is None or n in among}

        iri = as_iri(wanted)
        if iri is not None:
            if usable([iri]) and self.known(iri):
                return iri
            if not self.known(iri):
                raise ResolveError(f"{wanted} is not in the graph")
            raise ResolveError(f"{wanted} is not {what}")
        squashed = _squash(wanted)
        exact = set(self._exact.get(wanted.casefold(), set()))
        resource = PREFIXES["rkr"] + wanted
        if not exact and re.fullmatch(r"[\w.-]+", wanted) and self.known(resource):
            exact.add(resource)  # a resource's local name, named or not
        steps: tuple[Callable[[], set[str]], ...] = (
            lambda: exact,
            lambda: self._squashed.get(squashed, set()),
            lambda: self._containing(squashed),
        )
        for step, finding in enumerate(steps):  # each step computed only when reached
            found = finding()
            kept = usable(found)
            if len(kept) > 1 and step == 0:
                # Case tells apart what folding merges: "Eu" is europium, "EU" the Union.
                kept = usable(self._cased.get(wanted, ())) or kept
            if len(kept) == 1:
                return kept.pop()
            if kept:
                raise self._error(f"{wanted!r} is ambiguous", kept)
            if found and step < 2:
                shown = self._listing(found)
                raise ResolveError(f"{wanted!r} names {shown}, which is not {what}", found)
        if not suggest:
            raise ResolveError(f"nothing {what} is called {wanted!r}")
        close = difflib.get_close_matches(wanted.casefold(), list(self._exact), n=20, cutoff=0.6)
        near = usable(n for key in close for n in self._exact[key])
        if near:
            raise self._error(f"nothing {what} is called {wanted!r}; did you mean", near)
        raise ResolveError(f"nothing {what} is called {wanted!r}")

    def _containing(self, squashed: str) -> set[str]:
        """The nodes one of whose squashed names contains ``squashed``."""
        # One search of all names joined (squashed names hold no newline) rules most
        # unknown names out before the scan name by name.
        if not squashed or squashed not in self._joined:
            return set()
        return {n for key, ns in self._squashed.items() if squashed in key for n in ns}

    def _listing(self, iris: Iterable[str]) -> str:
        ordered = sorted(iris, key=lambda i: (self.label(i).casefold(), i))
        shown = [f"{self.label(i)} <{_compact(i)}>" for i in ordered[:_MAX_CANDIDATES]]
        more = len(ordered) - _MAX_CANDIDATES
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")

    def _error(self, message: str, iris: set[str]) -> ResolveError:
        ordered = sorted(iris, key=lambda i: (self.label(i).casefold(), i))
        return ResolveError(f"{message}: {self._listing(ordered)}", ordered)


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and "/" not in local:
            return f"{prefix}:{local}"
    return iri
