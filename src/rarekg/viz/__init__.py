"""The interactive graph explorer: views of the projection, layout and the offline page."""

from __future__ import annotations

from rarekg.viz.page import ASSETS, explorer_page, ontology_page, write_page
from rarekg.viz.view import Explorer, FocusNotFound, explore

__all__ = [
    "ASSETS",
    "Explorer",
    "FocusNotFound",
    "explore",
    "explorer_page",
    "ontology_page",
    "write_page",
]
