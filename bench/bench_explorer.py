"""Benchmark: the explorer's first paint in Chromium, the shipped graph against ten times it.

Both pages are the explorer as ``rarekg viz`` writes it (one self-contained file, so
both are loaded alike); the larger one is :func:`rarekg.viz.view.scaled`, ``--times``
copies of the shipped graph. Each is opened ``--runs`` times in a fresh headless
Chromium page (Debian's, through Playwright, network cut off) and the medians are
reported: first contentful paint (the browser's own paint timing) and the moment the
graph is drawn (the page's first ``afterDrawing`` with the overview laid out), both in
milliseconds from navigation; then the ratios of the larger to the shipped one. The
served ``/graph`` of ``rarekg serve`` is measured in the same run for the shipped graph.

With ``--shots DIR`` it also writes the screenshots of the docs there (``--only NAME``,
repeated, writes just those).

Run: ``.venv/bin/python bench/bench_explorer.py [--runs 5] [--times 10] [--shots docs]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path

from playwright.sync_api import Browser, Route, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import rarekg
from rarekg.viz import explore, explorer_page
from rarekg.viz.view import scaled
from servers import rarekg_serve

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TIMINGS = """() => ({
  fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
  drawn: window.rarekgDrawnAt,
  nodes: DATA.nodes.length,
  drawnNodes: nodes.length,
})"""


def _local_only(route: Route) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:", "blob:", "http://127.0.0.1")):
        route.continue_()
    else:
        route.abort()


def measure(browser: Browser, url: str, runs: int) -> dict[str, float]:
    """Median first contentful paint and graph-drawn times of ``runs`` fresh loads."""
    found: list[dict[str, float]] = []
    for run in range(runs + 1):  # the first load only warms the browser process up
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        page.route("**/*", _local_only)
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        if run:
            found.append(page.evaluate(TIMINGS))
        context.close()
    return {key: statistics.median(run[key] for run in found) for key in found[0]}


def screenshots(
    browser: Browser, base: str, big: Path, folder: Path, only: Collection[str] = ()
) -> list[Path]:
    """The docs' screenshots (those named in ``only``, or all).

    The overview, a group opened, the day before No. 18, an entity page, and the map and
    flows (2024's figures on a day No. 18 is in force), whole pages.
    """
    shots = [
        ("explorer-overview.png", base + "/graph", None),
        ("explorer-opened-materials.png", base + "/graph", "explorer.toggle('material@1')"),
        ("explorer-before-announcement-18.png", base + "/graph?on=2025-04-03", None),
        ("explorer-ten-times.png", big.as_uri(), None),
        ("entity-page.png", base + "/resource/Dysprosium?on=2025-06-01", None),
        ("map.png", base + "/map?stage=Mining&year=2024&on=2025-06-01", None),
        ("flows-dy-2024.png", base + "/flows?element=Dysprosium&year=2024&on=2025-06-01", None),
    ]
    written = []
    for name, url, action in shots:
        if only and name not in only:
            continue
        whole = url.startswith((base + "/map", base + "/flows"))
        width = 1400 if whole else 1600
        context = browser.new_context(viewport={"width": width, "height": 1000})
        page = context.new_page()
        page.route("**/*", _local_only)
        page.goto(url)
        if "/resource/" not in url:
            page.wait_for_selector("body[data-ready=true]", timeout=120_000)
        if action:
            page.evaluate(action)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(folder / name), full_page=whole)
        written.append(folder / name)
        context.close()
    return written


def main() -> None:
    """Parse the options, write both pages, measure them and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="loads per page (median)")
    parser.add_argument("--times", type=int, default=10, help="copies of the shipped graph")
    parser.add_argument("--shots", type=Path, help="write the docs' screenshots here")
    parser.add_argument(
        "--only", action="append", default=[], help="write only this screenshot (repeatable)"
    )
    options = parser.parse_args()

    kg = rarekg.load()
    shipped = kg.cached(explore)
    big = scaled(shipped, options.times)
    with tempfile.TemporaryDirectory() as folder, rarekg_serve() as base:
        pages = {}
        for name, explorer in (("shipped", shipped), (f"{options.times}x", big)):
            start = time.perf_counter()
            html = explorer_page(explorer, server=False, inline=True)
            built = time.perf_counter() - start
            path = Path(folder) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            pages[name] = (path, built, len(html))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            rows = {name: measure(browser, path.as_uri(), options.runs)
                    for name, (path, _, _) in pages.items()}  # fmt: skip
            rows["served /graph"] = measure(browser, base + "/graph", options.runs)
            if options.shots:
                options.shots.mkdir(parents=True, exist_ok=True)
                for shot in screenshots(
                    browser, base, pages[f"{options.times}x"][0], options.shots, options.only
                ):
                    print(f"wrote {shot}")
            browser.close()
    print(f"{'page':<14} {'things':>7} {'drawn':>6} {'MB':>6} {'build s':>8} "
          f"{'FCP ms':>8} {'graph ms':>9}")  # fmt: skip
    for name, row in rows.items():
        _, built, size = pages.get(name, (None, float("nan"), 0))
        print(f"{name:<14} {row['nodes']:>7.0f} {row['drawnNodes']:>6.0f} {size / 1e6:>6.1f} "
              f"{built:>8.2f} {row['fcp']:>8.0f} {row['drawn']:>9.0f}")  # fmt: skip
    small, large = rows["shipped"], rows[f"{options.times}x"]
    print(
        f"ratio {options.times}x / shipped: first contentful paint "
        f"{large['fcp'] / small['fcp']:.2f}, graph drawn {large['drawn'] / small['drawn']:.2f}"
    )


if __name__ == "__main__":
    main()
