"""Network analysis of the knowledge graph: chains, chokepoints, scenarios, exposure.

The public API returns typed results (:mod:`rarekg.analysis.results`, written as JSON by
:func:`to_json`) and raises :class:`AnalysisInputError` on bad input; the CLI and the
server's ``/api/chains``, ``/api/chokepoints``, ``/api/criticality``, ``/api/simulate`` and
``/api/exposure`` call these functions.
"""

from __future__ import annotations

from rarekg.analysis.bom import BomError
from rarekg.analysis.criticality.results import criticality_text
from rarekg.analysis.exposure_results import exposure_csv, exposure_html, exposure_text
from rarekg.analysis.projection import AnalysisInputError, Projection, project, supply_graph
from rarekg.analysis.reports import (
    chains_report,
    chokepoints_report,
    criticality_report,
    exposure_report,
    simulate_report,
)
from rarekg.analysis.results import chains_text, chokepoints_text, simulate_text, to_json

__all__ = [
    "AnalysisInputError",
    "BomError",
    "Projection",
    "chains_report",
    "chains_text",
    "chokepoints_report",
    "chokepoints_text",
    "criticality_report",
    "criticality_text",
    "exposure_csv",
    "exposure_html",
    "exposure_report",
    "exposure_text",
    "project",
    "simulate_report",
    "simulate_text",
    "supply_graph",
    "to_json",
]
