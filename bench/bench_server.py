"""Load benchmark: `rarekg serve` against Oxigraph server on the same triples, same run.

Both servers get the same mix: every query of the library (with its example
parameters, bound as a ``VALUES`` block so both engines see the same text), sent by
``wrk`` with 8 connections over GET ``/sparql?query=``. Reports requests per second,
p50 and p99 latency for each server and the throughput ratio. ``rarekg serve`` is
measured with its answer cache on (its default) and off.

Run: ``.venv/bin/python bench/bench_server.py [--seconds 10] [--connections 8]``
(needs ``wrk``: ``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import rarekg
from rarekg.queries import bind_parameters, library
from rarekg.remote import with_bindings
from servers import oxigraph_read_only, rarekg_serve, running

ACCEPT = "application/sparql-results+json, text/turtle"
_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "%s"})
end
"""


def query_paths(kg: rarekg.KnowledgeGraph) -> list[str]:
    """The library's queries with their example parameters, as GET query strings."""
    paths = []
    for query in library(kg):
        params = {p.name: p.example for p in query.parameters if p.required}
        text = with_bindings(query.text, bind_parameters(query, params, kg))
        paths.append("?query=" + quote(text, safe=""))
    return paths


def wrk(base: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    """Run wrk against ``base`` and read throughput and latency percentiles."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"errors while benchmarking {base}:\n{out}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": latency("50%"), "p99": latency("99%")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    kg = rarekg.load()
    paths = query_paths(kg)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "mix.lua"

        def mix(endpoint: str) -> None:
            listed = ", ".join(f'"{endpoint}{p}"' for p in paths)
            script.write_text(_LUA % (listed, ACCEPT))

        mix("/query")
        command, base = oxigraph_read_only(kg.store, Path(folder))
        with running(command, base + "/"):
            wrk(base + "/query", script, 2, args.connections)  # warm up
            results["oxigraph serve-read-only"] = wrk(
                base + "/query", script, args.seconds, args.connections
            )
        script.write_text(script.read_text().replace("/query?", "/sparql?"))
        # wrk is one client address: let it use every worker, as many real clients would.
        one_client = ("--client-workers", "64", "--client-queue", "64")
        for label, extra in (
            ("rarekg serve", ()),
            ("rarekg serve, no cache", ("--cache-bytes", "0")),
        ):
            with rarekg_serve(*one_client, *extra) as base:
                wrk(base + "/sparql", script, 2, args.connections)
                results[label] = wrk(base + "/sparql", script, args.seconds, args.connections)
    print(f"{len(paths)} library queries, {args.connections} connections, {args.seconds} s each")
    print(f"{'server':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
    reference = results["oxigraph serve-read-only"]["rps"]
    for label, r in results.items():
        ratio = r["rps"] / reference
        print(f"{label:28} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
