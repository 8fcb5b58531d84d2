"""The explorer's side panel: what the graph says about one thing, with its sources.

This is the one part of the explorer that reads triples, through two queries
(``queries/projections/facts.rq`` and ``observations.rq``): the panel shows facts the
network projection does not carry (literals, observations, source titles, the inferred
dependencies). Every value it returns is plain text or an IRI, so the page can show it
without markup.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from rarekg.kg import KnowledgeGraph, Run
from rarekg.names import local_name
from rarekg.namespaces import INFERRED_GRAPH, PREFIXES, RKG, page_path
from rarekg.queries import read_query
from rarekg.stats import STATISTICS_BINDING

_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_COMMENT = PREFIXES["rdfs"] + "comment"
_SOURCE = PREFIXES["prov"] + "wasDerivedFrom"
_UNIT_SYMBOLS = {"TONNE": "t", "KiloGM": "kg", "GM": "g"}  # QUDT local names
_HIDDEN_FACTS = {_LABEL, _COMMENT}

#: The most observations of one kind the panel lists for a thing, the newest first: the
#: curated graph's most observed thing (China) has 143 in all, while a data file of a
#: million trade flows would fill the page, and the worker, with them.
NEWEST_OBSERVATIONS = 200

#: What dates an observation, in this order: its year, its period, the end of its years.
_WHEN = ("year", "period", "endYear")

#: The columns of ``observations.rq`` that the panel keeps of an observation, as
#: properties: literals, then IRIs.
_OBSERVATION_LITERALS = {
    name: str(RKG[name])
    for name in ("value", "share", "basis", "year", "period", "endYear", "confidence")
} | {"label": _LABEL}
_OBSERVATION_LINKS = {"unit": str(RKG.unit), "source": _SOURCE}

#: Where goods of an item come from: pairs (item, country) to the latest observation's
#: amount in words and a number to rank producers by.
ProducedIn = Mapping[tuple[str, str], tuple[str, float]]


def words(name: str) -> str:
    """Turn a camelCase local name into lower-case words.

    Examples:
        >>> words("effectiveFrom")
        'effective from'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


class Facts:
    """Indexes over the asserted graph, plus the inferred classes, dependsOn and starts.

    Observations are indexed only as the newest :data:`NEWEST_OBSERVATIONS` of each kind
    for each thing they are about (:meth:`observations`); :attr:`cut` names the things
    that have more.
    """

    def __init__(self, kg: KnowledgeGraph, run: Run | None = None) -> None:
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.literal: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.depends: dict[str, set[str]] = defaultdict(set)
        self.needed_by: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.observed: dict[str, set[str]] = defaultdict(set)
        self.cut: set[str] = set()
        queries = kg.artefacts.queries_dir / "projections"
        bindings = {"inferredGraph": INFERRED_GRAPH, **STATISTICS_BINDING}
        facts = read_query(queries / "facts.rq")
        self._index(kg.solutions(facts.text, bindings, run=run))
        observations = read_query(queries / "observations.rq")
        self._index_newest(kg.solutions(observations.text, bindings, run=run))
        # Sorted once, so that every list reads alike whatever order a store sent rows in.
        for index in (self.out, self.into, self.literal):
            for values in index.values():
                for listed in values.values():
                    listed.sort()

    def _index(self, rows: Iterable[ox.QuerySolution]) -> None:
        depends_on, types = str(RKG.dependsOn), _RDF_TYPE
        for row in rows:
            s, p, o = row["s"].value, row["p"].value, row["o"]
            inferred = row["g"].value == str(INFERRED_GRAPH)
            if p == types:
                self.types[s].add(o.value)
            if isinstance(o, ox.Literal):
                self.literal[s][p].append(o.value)
            elif inferred and p == depends_on:
                self.depends[s].add(o.value)
                self.needed_by[o.value].add(s)
            elif not inferred:
                self.out[s][p].append(o.value)
                self.into[o.value][p].append(s)

    def _index_newest(self, rows: Iterable[ox.QuerySolution]) -> None:
        """Index the newest observations of each kind of each thing, in bounded memory.

        Each (thing, kind) keeps a heap of its newest observations by (when, IRI). An
        observation's rows are held while some heap has it, and indexed at the end; it
        is listed under the things whose heaps kept it.
        """
        newest: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        members: dict[tuple[str, str], set[str]] = defaultdict(set)
        held: dict[str, list[ox.QuerySolution]] = {}
        holders: dict[str, int] = defaultdict(int)
        for row in rows:
            obs, key = row["obs"].value, (row["node"].value, row["kind"].value)
            if obs not in members[key]:
                when = next((row[c].value for c in _WHEN if row[c]), "")
                heap, entry = newest[key], (when, obs)
                if len(heap) == NEWEST_OBSERVATIONS:
                    self.cut.add(key[0])
                    if entry < heap[0]:
                        continue
                    _, dropped = heapq.heappop(heap)
                    members[key].discard(dropped)
                    holders[dropped] -= 1
                    if not holders[dropped]:
                        del held[dropped], holders[dropped]
                heapq.heappush(heap, entry)
                members[key].add(obs)
                holders[obs] += 1
            held.setdefault(obs, []).append(row)
        for obs, kept in held.items():
            for row in kept:
                self._index_observation(obs, row)
                if obs in members[row["node"].value, row["kind"].value]:
                    self.observed[row["node"].value].add(obs)

    def _index_observation(self, obs: str, row: ox.QuerySolution) -> None:
        """Index one row of ``observations.rq`` as the triples it stands for."""
        self.types[obs].add(row["kind"].value)
        for column, p in _OBSERVATION_LITERALS.items():
            if row[column] is not None and row[column].value not in self.literal[obs][p]:
                self.literal[obs][p].append(row[column].value)
        links = {**_OBSERVATION_LINKS, "node": row["about"].value}
        for column, p in links.items():
            if row[column] is not None and row[column].value not in self.out[obs][p]:
                self.out[obs][p].append(row[column].value)

    def observations(self, iri: str) -> list[str]:
        """The observations about the thing that the panel lists (see :class:`Facts`)."""
        return sorted(self.observed.get(iri, ()))

    def label(self, iri: str) -> str:
        """The thing's label or title, else its local name in words."""
        labels = self.literal[iri].get(_LABEL) or self.literal[iri].get(
            PREFIXES["dcterms"] + "title"
        )
        return labels[0] if labels else words(local_name(iri))

    def first(self, iri: str, prop: str) -> str | None:
        """The least value of an ``rkg:`` literal property, or ``None``."""
        values = self.literal[iri].get(str(RKG[prop]))
        return min(values) if values else None

    def objects(self, iri: str, prop: str) -> list[str]:
        """What the thing relates to by an asserted ``rkg:`` property."""
        return self.out[iri].get(str(RKG[prop]), [])

    def subjects(self, iri: str, prop: str) -> list[str]:
        """What relates to the thing by an asserted ``rkg:`` property."""
        return self.into[iri].get(str(RKG[prop]), [])

    def is_a(self, iri: str, cls: str) -> bool:
        """Tell whether the thing is a member of the ``rkg:`` class (inferred included)."""
        return str(RKG[cls]) in self.types[iri]


def produced_in(facts: Facts) -> dict[tuple[str, str], tuple[str, float]]:
    """(item, country) pairs from production and share observations (see :data:`ProducedIn`).

    The number ranks producers: the share, or the quantity when only a quantity is known.
    """
    pairs: dict[tuple[str, str], tuple[str, str, float]] = {}
    for obs, types in facts.types.items():
        if not types & {str(RKG.ProductionObservation), str(RKG.ShareObservation)}:
            continue
        amount = _observation(facts, obs, [])
        share, value = facts.first(obs, "share"), facts.first(obs, "value")
        weight = float(share) if share else float(value or 0)
        for item in facts.objects(obs, "observedItem"):
            for country in facts.objects(obs, "observedCountry"):
                if (item, country) not in pairs or pairs[item, country][0] < amount["when"]:
                    text = f"{amount['amount']} ({amount['when']})".replace(" ()", "")
                    pairs[item, country] = (amount["when"], text, weight)
    return {pair: (text, weight) for pair, (_, text, weight) in pairs.items()}


def _supplied_items(facts: Facts, s: str) -> set[str]:
    """The thing and the materials made of it: what its supply is measured in."""
    return {s} | {m for m in facts.needed_by[s] if facts.is_a(m, "Material")}


def _ref(facts: Facts, iri: str, shown: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": iri, "label": facts.label(iri), "shown": iri in shown}


def details(
    facts: Facts,
    s: str,
    shown: Mapping[str, Any],
    producing: ProducedIn,
    sources: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """What the side panel shows for one node; every value is plain text or an IRI.

    Args:
        facts: the graph's facts.
        s: the node.
        shown: the nodes drawn (a relation to one of them is a link on the page).
        producing: where items come from (:func:`produced_in`).
        sources: filled with the title, URL, publisher and date of every source cited.
    """
    facts_shown = [
        [facts.label(p), value]
        for p, values in sorted(facts.literal[s].items())
        if p not in _HIDDEN_FACTS
        for value in sorted(values)
    ]
    relations = [
        {"p": facts.label(p), **_ref(facts, o, shown)}
        for p, objects in sorted(facts.out[s].items())
        if p not in (_RDF_TYPE, _SOURCE)
        for o in objects
        if o in shown or _LABEL in facts.literal[o]
    ]
    relations += [
        {"p": "← " + facts.label(p), **_ref(facts, o, shown)}
        for p, subjects in sorted(facts.into[s].items())
        if p != str(RKG.controls)
        for o in subjects
        if o in shown
    ]
    cited = set(facts.out[s].get(_SOURCE, []))
    observations = []
    for obs in facts.observations(s):
        obs_sources = facts.out[obs].get(_SOURCE, [])
        cited |= set(obs_sources)
        observations.append(_observation(facts, obs, obs_sources))
    for src in cited:
        sources.setdefault(src, _source(facts, src))
    controls = [
        {
            **_ref(facts, p, shown),
            "from": facts.first(p, "effectiveFrom"),
            "until": facts.first(p, "effectiveUntil"),
        }
        for p in sorted(facts.subjects(s, "controls"))
    ]
    controlled_inputs = [
        _ref(facts, i, shown)
        for i in sorted(facts.depends[s])
        if facts.is_a(i, "ControlledItem") and i in shown
    ]
    industries = [
        _ref(facts, i, shown) for i in sorted(facts.needed_by[s]) if facts.is_a(i, "Industry")
    ]
    supply = sorted(
        {(item, c) for (item, c) in producing if item in _supplied_items(facts, s)},
        key=lambda pair: (-producing[pair][1], pair),
    )
    producers = [
        {**_ref(facts, c, shown), "via": facts.label(item), "amount": producing[item, c][0]}
        for item, c in supply
    ]
    producers += [
        {**_ref(facts, f, shown), "via": facts.label(item), "amount": ""}
        for item in sorted(_supplied_items(facts, s))
        for f in sorted(facts.subjects(item, "produces"))
    ]
    return {
        "iri": s,
        "label": facts.label(s),
        "comment": " ".join(facts.literal[s].get(_COMMENT, [])),
        "facts": facts_shown,
        "relations": relations,
        "sources": sorted(cited & set(facts.out[s].get(_SOURCE, []))),
        "observations": sorted(observations, key=lambda o: o["when"], reverse=True),
        "observationsNote": (
            f"The newest {NEWEST_OBSERVATIONS} of each kind; the query library has them all."
            if s in facts.cut
            else ""
        ),
        "controls": controls,
        "controlledInputs": controlled_inputs,
        "industries": industries,
        "producers": producers,
        "links": _links(facts, s, industries, supply),
    }


def _observation(facts: Facts, obs: str, obs_sources: list[str]) -> dict[str, Any]:
    value, share = facts.first(obs, "value"), facts.first(obs, "share")
    unit = facts.objects(obs, "unit")
    amount = f"{float(share):.0%}" if share else ""
    number, symbol = (float(share) * 100, "%") if share else (None, "")
    if value:
        symbol = _UNIT_SYMBOLS.get(local_name(unit[0]), local_name(unit[0])) if unit else ""
        amount = f"{float(value):,g} {symbol}".strip()
        number = float(value)
    basis = facts.first(obs, "basis")
    when = next((found for c in _WHEN if (found := facts.first(obs, c))), "")
    return {
        "text": facts.label(obs),
        "amount": amount + (f" {basis}" if basis else ""),
        "when": when,
        "sources": sorted(obs_sources),
        "number": number,
        "unit": symbol,
        "confidence": facts.first(obs, "confidence") or "",
    }


def _source(facts: Facts, src: str) -> dict[str, str]:
    url = next(iter(facts.out[src].get(PREFIXES["schema"] + "url", [])), None)
    url = url or next(iter(facts.literal[src].get(PREFIXES["schema"] + "url", [])), "")
    return {
        "title": facts.label(src),
        "url": url if url.startswith(("https://", "http://")) else "",
        "publisher": ", ".join(facts.literal[src].get(PREFIXES["dcterms"] + "publisher", [])),
        "issued": ", ".join(facts.literal[src].get(PREFIXES["dcterms"] + "issued", [])),
    }


def _links(
    facts: Facts, s: str, industries: list[dict[str, Any]], supply: list[tuple[str, str]]
) -> list[dict[str, str]]:
    """Links to the server's chains, scenario and SPARQL DESCRIBE for one node."""
    links = [
        {
            "text": f"Chains to {i['label']}",
            "href": "/api/chains?" + urlencode({"from": s, "to": i["id"]}),
        }
        for i in industries
    ]
    restrict = s if facts.is_a(s, "Country") else None
    items = {"items": s} if restrict is None else {}
    if restrict is None and supply:
        restrict = supply[0][1]
    if restrict:
        links.append(
            {
                "text": f"Scenario: {facts.label(restrict)} restricts exports",
                "href": "/api/simulate?" + urlencode({"restrict": restrict, **items}),
            }
        )
    describe = urlencode({"query": f"DESCRIBE <{s}>"})
    links.append({"text": "SPARQL DESCRIBE", "href": "/sparql?" + describe})
    page = page_path(s)
    if page:
        links.insert(0, {"text": "Its page", "href": page})
    return links
