"""Where the artefacts are: one resolver for the ontology, graph and query files.

The data lives at the top of a checkout (edited by domain experts) and inside the
package in an installed wheel. The resolver looks, in order, at ``RAREKG_HOME``, the
checkout this module sits in (also an editable install), then the wheel's copy.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
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


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place.

    A reader never sees a half-written file, and a failed write leaves ``path`` as it
    was: the one way the package writes a file (exports, the reasoner's cache).
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


_HEADER = "#+"


def parse_header(text: str) -> dict[str, list[str]]:
    r"""Read the ``#+`` header of a query file into a dict of key to values.

    A query file opens with ``#+ key: value`` comment lines (grlc's convention); a line
    ``#+   more`` continues the previous key. :mod:`rarekg.queries` reads the library's
    headers with it, :mod:`rarekg.validate` the checks'.

    Examples:
        >>> parse_header("#+ title: Uses\n#+ param: element | iri | rkr:Dy | it\nSELECT")
        {'title': ['Uses'], 'param': ['element | iri | rkr:Dy | it']}
        >>> parse_header("#+ description: one\n#+   two\nASK {}")["description"]
        ['one two']
    """
    header: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith(_HEADER):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[len(_HEADER) :]
        if body.startswith("   ") and last is not None:
            header[last][-1] += " " + body.strip()
            continue
        key, sep, value = body.strip().partition(":")
        if not sep:
            continue
        last = key.strip()
        header.setdefault(last, []).append(value.strip())
    return header
