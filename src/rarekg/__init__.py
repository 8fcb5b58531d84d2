"""rarekg: a knowledge graph of the global rare earth trade.

``rarekg.load()`` returns the loaded, reasoned knowledge graph that the command line
and the server use.
"""

from __future__ import annotations

__version__ = "0.1.0"

from rarekg.kg import KnowledgeGraph, QueryError, load

__all__ = ["KnowledgeGraph", "QueryError", "__version__", "load"]
