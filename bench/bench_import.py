"""Benchmark: importing a Comtrade-layout CSV against pyoxigraph's bulk load of its triples.

Writes a synthetic file in UN Comtrade's bulk CSV layout (reporters, partners, flows,
the HS codes of the HS table and months drawn at random; the figures are made up),
converts it with ``rarekg.imports.convert.convert_file`` (the shipped graph loaded
beforehand), then bulk-loads the N-Triples the import wrote into a fresh on-disk
Oxigraph store, the baseline, in the same run. Issue 11 asks for the import in at most
5x the bulk load at 10^6 rows, in flat memory: the resident memory is sampled during
each import, and its peak over the memory before it printed, so growth with the row
count shows.

    python bench/bench_import.py --rows 100000,1000000
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

import rarekg
from rarekg.imports.convert import convert_file, layout_mapping

COLUMNS = [
    "typeCode",
    "freqCode",
    "refYear",
    "refMonth",
    "period",
    "reporterISO",
    "flowCode",
    "partnerISO",
    "cmdCode",
    "netWgt",
    "primaryValue",
]
#: ISO codes of the graph's countries and of some it does not hold (minted on import).
COUNTRIES = ["CHN", "USA", "JPN", "DEU", "KOR", "FRA", "GBR", "IND", "VNM", "MEX", "TUR", "W00"]


def synthetic(path: Path, rows: int, seed: int = 11) -> None:
    """A Comtrade-layout file of ``rows`` monthly rows (see the module doc)."""
    rng = random.Random(seed)
    codes = ["280530", "284610", "284690"]  # the HS rows of graph/statistics-codes.csv
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for _ in range(rows):
            year, month = rng.randint(2015, 2025), rng.randint(1, 12)
            reporter = rng.choice(COUNTRIES[:-1])
            weight = rng.randint(1, 10_000_000)
            writer.writerow(
                [
                    "C",
                    "M",
                    year,
                    month,
                    f"{year}{month:02d}",
                    reporter,
                    rng.choice("XM"),
                    rng.choice([c for c in COUNTRIES if c != reporter]),
                    rng.choice(codes),
                    weight,
                    weight * rng.randint(5, 80),
                ]
            )


def rss() -> int:
    """This process's resident memory now, in bytes (``VmRSS``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class PeakRss:
    """The highest resident memory seen while the block runs, sampled every 20 ms."""

    def __enter__(self) -> PeakRss:
        self.peak, self._done = rss(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, rss())

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def main() -> None:
    """Time the import and the bulk load for each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", default="100000,1000000", help="row counts, comma-separated")
    args = parser.parse_args()
    kg = rarekg.load()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        folder = Path(scratch)
        # Warm up: the resolver and the csvw mapping are built once per import.
        synthetic(folder / "warm.csv", 1000)
        convert_file(folder / "warm.csv", layout_mapping("comtrade"), folder / "warm.ttl", kg)
        print(f"RSS after loading the graph and a 1,000-row import: {rss() >> 20} MiB")
        for rows in (int(r) for r in args.rows.split(",")):
            source, output = folder / f"trade-{rows}.csv", folder / f"trade-{rows}.ttl"
            synthetic(source, rows)
            before = rss()
            with PeakRss() as memory:
                start = time.perf_counter()
                convert_file(source, layout_mapping("comtrade"), output, kg)
                imported = time.perf_counter() - start
            triples = sum(1 for _ in output.open("rb"))
            store = ox.Store(str(folder / f"store-{rows}"))
            start = time.perf_counter()
            store.bulk_load(path=str(output), format=ox.RdfFormat.N_TRIPLES)
            store.flush()
            loaded = time.perf_counter() - start
            del store
            print(
                f"{rows:>9,} rows, {triples:>10,} triples: import {imported:7.1f} s, "
                f"bulk load {loaded:6.1f} s, ratio x{imported / loaded:.1f}; "
                f"import's peak RSS {memory.peak >> 20} MiB (+{(memory.peak - before) >> 20} MiB)"
            )
            source.unlink()
            output.unlink()


if __name__ == "__main__":
    main()
