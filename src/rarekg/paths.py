"""Where the artefacts are: one resolver for the ontology, graph and query files.

The data lives at the top of a checkout (edited by domain experts) and inside the
package in an installed wheel. The resolver looks, in order, at ``RAREKG_HOME``, the
checkout this module sits in (also an editable install), then the wheel's copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_ARTEFACTS = ("ontology", "graph", "queries")


@dataclass(frozen=True)
class Artefacts:
    """The folders holding the ontology, the curated graph and the query library."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        """Folder of the OWL ontology and the SHACL shapes."""
        return self.root / "ontology"

    @property
    def ontology_file(self) -> Path:
        """The ontology in Turtle."""
        return self.ontology_dir / "rarekg.ttl"

    @property
    def shapes_file(self) -> Path:
        """The SHACL shapes in Turtle."""
        return self.ontology_dir / "shapes.ttl"

    @property
    def graph_dir(self) -> Path:
        """Folder of the curated Turtle files, one named graph each."""
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        """Folder of the SPARQL query library."""
        return self.root / "queries"

    def graph_files(self) -> list[Path]:
        """Return the curated graph files in a stable order."""
        return sorted(self.graph_dir.glob("*.ttl"))


def _holds_artefacts(root: Path) -> bool:
    return all((root / name).is_dir() for name in _ARTEFACTS)


def find_artefacts(root: str | Path | None = None) -> Artefacts:
    """Locate the artefacts.

    Args:
        root: an explicit folder holding ``ontology/``, ``graph/`` and ``queries/``;
            when omitted, ``RAREKG_HOME``, then the checkout, then the installed wheel.

    Raises:
        FileNotFoundError: no candidate folder holds all three.
    """
    candidates: list[Path] = []
    if root is not None:
        candidates.append(Path(root))
    elif env := os.environ.get("RAREKG_HOME"):
        candidates.append(Path(env))
    else:
        candidates += [_PACKAGE_DIR.parent.parent, _PACKAGE_DIR / "_data"]
    for candidate in candidates:
        if _holds_artefacts(candidate):
            return Artefacts(candidate.resolve())
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"no ontology/, graph/ and queries/ found in: {tried}")


def cache_dir() -> Path:
    """Folder for generated files (the reasoner's cache): ``RAREKG_CACHE`` or the XDG cache."""
    if env := os.environ.get("RAREKG_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rarekg"
