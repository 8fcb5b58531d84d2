"""Benchmark: the exposure report's time against the length of a bill of materials.

Builds synthetic bills of materials on the shipped graph: a product and lines whose
parent is an earlier line (random depth), whose items are labels of the graph's items
and parts drawn at random, one in twenty a name the graph does not hold (unresolved).
Times ``exposure_report`` (reading the CSV included; the graph loaded, projected and
its policy terms read beforehand) for each size, best of ``--repeat``, and each time's
ratio to the smallest size. Issue 11 asks for 10,000 lines in at most 10x the time
of 100.

    python bench/bench_exposure.py --sizes 100,10000
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time

import rarekg
from rarekg.analysis import exposure_report
from rarekg.analysis.exposure import LINE_TYPES, granted_licences, policy_terms
from rarekg.analysis.reports import as_projection

ON = "2025-06-01"


def synthetic_bom(labels: list[str], lines: int, seed: int = 11) -> str:
    """A bill of materials of ``lines`` lines as CSV text (see the module doc)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["part", "parent", "quantity", "unit", "item", "supplier", "supplier_country"])
    writer.writerow(["product", "", 1, "piece", rng.choice(labels), "", ""])
    for n in range(1, lines):
        parent = "product" if n == 1 else f"line {rng.randrange(1, n)}"
        item = f"unknown item {n}" if rng.random() < 0.05 else rng.choice(labels)
        country = rng.choice(["CN", "JP", "DE", "US", ""])
        writer.writerow([f"line {n}", parent, rng.randint(1, 8), "piece", item, "", country])
    return out.getvalue()


def main() -> None:
    """Time the report for each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100,10000", help="line counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    args = parser.parse_args()
    kg = rarekg.load()
    projection = as_projection(kg)
    kg.cached(policy_terms)
    kg.cached(granted_licences)
    labels = sorted({projection.label(n) for n in projection.nodes_of(*LINE_TYPES)})
    sizes = [int(s) for s in args.sizes.split(",")]
    times = {}
    for size in sizes:
        bom = synthetic_bom(labels, size)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = exposure_report(kg, bom, ON)
            best = min(best, time.perf_counter() - start)
        times[size] = best
        exposures = sum(len(p.exposures) for p in report.parts)
        print(
            f"{size:>7} lines: {best:8.3f} s  ({exposures} exposures, "
            f"{len(report.unresolved)} unresolved)  x{best / times[sizes[0]]:.1f}"
        )


if __name__ == "__main__":
    main()
