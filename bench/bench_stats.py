"""Statistics: the stats build against a bulk load of its triples; queries against Oxigraph server.

Measured, each build step in a fresh process (its peak resident memory is its own):

- the statistics step of ``rarekg build`` (reading the packaged SQLite files, mapping,
  streaming N-Quads into the bulk loader) on a store holding the curated graphs, against
  ``Store.bulk_load`` of the very same statistics graphs from N-Triples files into a fresh
  on-disk store (the target: at most 3x, memory flat);
- the quads added per statistics graph;
- p50 of each statistics library query with its example parameters, embedded
  (``KnowledgeGraph.run``, the engine substitutes the parameters) and on ``oxigraph
  serve-read-only`` over a dump of the same store, the parameters bound as rarekg binds them
  for a store without substitutions (``rarekg.remote.with_bindings``: a VALUES block, which
  the subqueries that aggregate the flows do not see).

Needs the extra ``stats``. Usage: python bench/bench_stats.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import rarekg
from rarekg.queries import bind_parameters, read_query
from rarekg.remote import with_bindings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from servers import oxigraph_read_only, running

QUERIES = (
    "bilateral-trade-by-year",
    "exports-by-partner",
    "imports-by-origin",
    "top-importers-outside-china",
    "curated-vs-statistics",
)

STATS_STEP = """
import io, resource, time
import pyoxigraph as ox
from rarekg.build import Progress, _bulk_load
from rarekg.kg import source_files
from rarekg.paths import find_artefacts
from rarekg.stats.step import statistics
artefacts = find_artefacts(None)
sources = source_files(artefacts)
store = ox.Store({location!r})
for source in sources:
    _bulk_load(store, source)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
derived = statistics(artefacts, sources)
assert derived.make is not None, derived.note
started = time.perf_counter()
counts = derived.make(store, Progress(None))
store.flush()
seconds = time.perf_counter() - started
for graph in counts:
    store.dump({folder!r} + "/" + graph.rsplit("/", 1)[-1] + ".nt",
               format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
result = {{"seconds": seconds, "before_mib": before, "quads": counts}}
"""

BULK_LOAD = """
import glob, time
import pyoxigraph as ox
from rarekg.stats import GRAPH_BASE
store = ox.Store({location!r})
started = time.perf_counter()
for path in sorted(glob.glob({folder!r} + "/*.nt")):
    name = GRAPH_BASE + "stats/" + path.rsplit("/", 1)[-1][:-3]
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
store.flush()
result = {{"seconds": time.perf_counter() - started}}
"""


def child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh Python; return its ``result`` with its peak RSS in MiB."""
    script = (
        "import json, resource\n"
        f"{code}\n"
        "result['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def p50(run: object, times: int) -> float:
    """Median seconds of ``times`` calls of ``run``."""
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        taken.append(time.perf_counter() - started)
    return statistics.median(taken)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        made = child(STATS_STEP.format(location=folder + "/stats", folder=folder))
        loaded = child(BULK_LOAD.format(location=folder + "/bulk", folder=folder))
    quads: dict[str, int] = made["quads"]  # type: ignore[assignment]
    ratio = float(made["seconds"]) / float(loaded["seconds"])  # type: ignore[arg-type]
    print(
        f"statistics step     {made['seconds']:8.1f} s  peak {made['peak_mib']:7.0f} MiB"
        f"  (curated graphs loaded first: {made['before_mib']:.0f} MiB)"
    )
    print(f"bulk_load of its NT {loaded['seconds']:8.1f} s  peak {loaded['peak_mib']:7.0f} MiB")
    print(f"ratio               {ratio:8.2f} (target <= 3)")
    for graph, count in quads.items():
        print(f"  {graph}: {count} quads")
    print(f"  total: {sum(quads.values())} quads")

    kg = rarekg.load()
    queries = [read_query(kg.artefacts.queries_dir / f"{name}.rq") for name in QUERIES]
    with tempfile.TemporaryDirectory() as folder:
        command, base = oxigraph_read_only(kg.store, Path(folder))
        print(
            f"\n{'query':32} {'rows':>6} {'embedded p50 s':>15} {'oxigraph p50 s':>15} {'ratio':>6}"
        )
        with running(command, base + "/"), httpx.Client(timeout=600) as client:
            for query in queries:
                params = {p.name: p.example for p in query.parameters}
                bindings = bind_parameters(query, params, kg)
                rows = sum(1 for _ in kg.run(query.text, bindings))  # type: ignore[union-attr]
                text = with_bindings(query.text, bindings)

                def remote(text: str = text, rows: int = rows, name: str = query.name) -> None:
                    answer = client.post(
                        base + "/query",
                        content=text.encode(),
                        headers={
                            "content-type": "application/sparql-query",
                            "accept": "application/sparql-results+json",
                        },
                    )
                    answer.raise_for_status()
                    assert len(answer.json()["results"]["bindings"]) == rows, name

                def embedded(text: str = query.text, bindings: dict = bindings) -> None:  # type: ignore[type-arg]
                    sum(1 for _ in kg.run(text, bindings))  # type: ignore[union-attr]

                ours, theirs = p50(embedded, args.runs), p50(remote, args.runs)
                print(f"{query.name:32} {rows:6} {ours:15.3f} {theirs:15.3f} {ours / theirs:6.2f}")


if __name__ == "__main__":
    main()
