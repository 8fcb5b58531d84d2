"""Time `rarekg.load()` cold (reasoning with HermiT) against warm (reasoner cache), same run.

Usage: python bench/bench_load.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import rarekg


def timed_load(*, use_cache: bool) -> float:
    start = time.perf_counter()
    rarekg.load(use_cache=use_cache)
    return time.perf_counter() - start


def main() -> None:
    """Print the median cold and warm load times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["RAREKG_CACHE"] = cache
        rarekg.load()  # fill the cache once
        cold, warm = [], []
        for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
            cold.append(timed_load(use_cache=False))
            warm.append(timed_load(use_cache=True))
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    print(f"load() cold (no cache, HermiT): median {cold_median:.3f} s of {args.repeat}")
    print(f"load() warm (reasoner cache):   median {warm_median:.3f} s of {args.repeat}")
    print(f"cold / warm: {cold_median / warm_median:.1f}x")


if __name__ == "__main__":
    main()
