"""Network analysis of the knowledge graph: dependency chains, chokepoints, scenarios.

The public API returns JSON-ready dicts and raises :class:`AnalysisInputError` on bad
input; the CLI and the server's ``/api/chains``, ``/api/chokepoints`` and ``/api/simulate``
call these functions.
"""

from __future__ import annotations

from rarekg.analysis.export import write_atomically, write_graphml
from rarekg.analysis.projection import AnalysisInputError, Projection, project, supply_graph
from rarekg.analysis.reports import (
    chains_report,
    chains_text,
    chokepoints_report,
    chokepoints_text,
    simulate_report,
    simulate_text,
)

__all__ = [
    "AnalysisInputError",
    "Projection",
    "chains_report",
    "chains_text",
    "chokepoints_report",
    "chokepoints_text",
    "project",
    "simulate_report",
    "simulate_text",
    "supply_graph",
    "write_atomically",
    "write_graphml",
]
