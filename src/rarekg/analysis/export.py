"""Write the network projection for other tools: GraphML for Gephi, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from rarekg.analysis.projection import Projection

_SCALARS = (str, int, float, bool)


def _scalar(value: Any) -> str | int | float | bool | None:
    """A GraphML-safe attribute value: scalars as they are, lists joined by spaces.

    Examples:
        >>> _scalar(["a", "b"]), _scalar(2.5), _scalar(None)
        ('a b', 2.5, None)
    """
    if value is None:
        return None
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(str(v) for v in value)
    return str(value)


def scalar_graph(projection: Projection) -> nx.MultiDiGraph:
    """A copy of the projection graph whose attributes are all scalars (GraphML's rule)."""
    graph = nx.MultiDiGraph()
    for node, data in projection.graph.nodes(data=True):
        graph.add_node(
            node, **{k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        )
    for subject, obj, key, data in projection.graph.edges(keys=True, data=True):
        attrs = {k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        graph.add_edge(subject, obj, key=key, **attrs)
    return graph


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place.

    A reader never sees a half-written file, and a failed write leaves ``path`` as it was.
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    os.close(descriptor)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_graphml(projection: Projection, path: Path) -> None:
    """Write the projection as GraphML (scalar attributes only), atomically."""
    graph = scalar_graph(projection)
    write_atomically(Path(path), lambda tmp: nx.write_graphml(graph, tmp))
