"""Wheel build hook: a wheel must carry the pages' built scripts, or not be built at all.

The scripts are bundled from npm packages by ``web/build.mjs`` (``make`` runs it) into
``src/rarekg/server/static/dist``, which git ignores; a wheel built without them would
serve pages that cannot work, so the build stops here and says how to make them.
An editable install reads them from the checkout and is not held up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DIST = Path("src/rarekg/server/static/dist")


class BuiltAssetsHook(BuildHookInterface):
    """Refuse to build a wheel whose page bundles are missing."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Check the manifest the npm build writes last, and every bundle it lists."""
        if version == "editable":
            return
        dist = Path(self.root) / DIST
        manifest = dist / "manifest.json"
        missing = [str(manifest)] if not manifest.is_file() else []
        if not missing:
            pages = json.loads(manifest.read_text(encoding="utf-8"))["pages"]
            missing = [str(dist / f"{p}.js") for p in pages if not (dist / f"{p}.js").is_file()]
        if missing:
            raise RuntimeError(
                "the pages' scripts are not built (missing: "
                + ", ".join(missing)
                + "): run `make assets` (npm ci && npm run build in web/) before building the wheel"
            )
