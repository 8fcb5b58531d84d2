"""The interactive graph explorer: projection, layout and the offline page around vis-network."""

from __future__ import annotations

from rarekg.viz.explore import Explorer, explore
from rarekg.viz.page import (
    ASSETS,
    FocusNotFound,
    explorer_page,
    ontology_page,
    write_page,
)

__all__ = [
    "ASSETS",
    "Explorer",
    "FocusNotFound",
    "explore",
    "explorer_page",
    "ontology_page",
    "write_page",
]
