"""Scale: the store built from files of synthetic trade observations, against pyoxigraph.

Adds N synthetic monthly bilateral trade-flow observations, shaped like those of
``graph/trade.ttl``, as one more graph file in a temporary data root, then measures in
one run, each step in a fresh process:

- a cold build (``rarekg build``: no store, no reasoner cache) against pyoxigraph's own
  ``bulk_load`` of the same files into an on-disk store (the ratio is the target);
- a build after only the observations changed (the reasoner's skeleton is cached);
- ``rarekg serve`` up: seconds from start to ``/healthz``, and the resident memory of
  the server and its workers once the analysis worker is warm (served with
  ``--cache-bytes 0``: no answer cache, which would add at most its bound);
- an aggregate over the observations (China's exports by partner): p50 of
  :data:`AGGREGATE_RUNS` requests to that server, against Oxigraph server
  (``serve-read-only``) on the store pyoxigraph's ``bulk_load`` made;
- a query worker's respawn: seconds from start to ready;
- ``rarekg chokepoints`` on the built store.

The observations are synthetic and say nothing about the real trade: they exist only
in the temporary root. Usage: python bench/bench_scale.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from rarekg.stats.mapping import CODES_FILE
from servers import at_rest, free_port, oxigraph_binary, running, tree_rss

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MIB = 1 << 20
COUNTRIES = [
    *("China", "UnitedStates", "Japan", "Germany", "SouthKorea", "India", "Vietnam"),
    *("Malaysia", "Thailand", "France", "UnitedKingdom", "Netherlands", "Poland", "Brazil"),
]
ITEMS = ["RareEarthPermanentMagnets", "RareEarthsCustomsCategory", "RareEarthCompoundsAndMetals"]
HEADER = """@prefix rkg: <https://w3id.org/rarekg/ontology#> .
@prefix rkr: <https://w3id.org/rarekg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix unit: <http://qudt.org/vocab/unit/> .

rkr:src-synthetic-bench a rkg:Source ;
    dcterms:title "Synthetic observations made by bench/bench_scale.py (not data)" .

"""
OBSERVATION = """rkr:obs-synthetic-{n} a rkg:TradeFlowObservation ;
    rdfs:label "synthetic flow {n}: {exporter} to {importer}, {year}-{month:02d}"@en ;
    rkg:exporter rkr:{exporter} ;
    rkg:importer rkr:{importer} ;
    rkg:observedItem rkr:{item} ;
    rkg:period "{year}-{month:02d}"^^xsd:gYearMonth ;
    rkg:value {value:.1f} ;
    rkg:unit unit:TONNE ;
    rkg:estimateKind "measured" ;
    rkg:confidence "high" ;
    prov:wasDerivedFrom rkr:src-synthetic-bench .
"""


def write_observations(path: Path, count: int) -> None:
    """Write ``count`` synthetic observations (seeded, so every run writes the same file)."""
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(count):
            exporter, importer = rng.sample(COUNTRIES, 2)
            out.write(
                OBSERVATION.format(
                    n=n,
                    exporter=exporter,
                    importer=importer,
                    item=rng.choice(ITEMS),
                    year=2000 + n // 12 % 25,
                    month=n % 12 + 1,
                    value=rng.uniform(1, 5000),
                )
            )


def make_root(folder: Path, count: int) -> Path:
    """A data root: the shipped ontology, queries and graph, plus the observations.

    Without the statistics' code table, so without the statistics graphs: those are made
    from the extra's SQLite files, of which ``bulk_load`` has no copy, and the baseline
    would read another dataset (``bench/bench_stats.py`` measures them).
    """
    root = folder / "root"
    for name in ("ontology", "queries", "graph"):
        shutil.copytree(REPO / name, root / name)
    (root / "graph" / CODES_FILE).unlink()
    write_observations(root / "graph" / "synthetic-trade.ttl", count)
    return root


def child(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run Python ``code`` in a fresh process; it prints a JSON dict, returned with its peak RSS.

    The peak is the child's own maximum resident set (its workers are not children of it).
    """
    script = (
        "import json, resource, time\n"
        f"{code}\n"
        "result['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


BUILD = """
import rarekg
started = time.perf_counter()
kg = rarekg.load({root!r})
result = {{'seconds': time.perf_counter() - started, 'quads': len(kg.store)}}
"""

BULK_LOAD = """
import pyoxigraph as ox
from rarekg.kg import source_files
from rarekg.paths import find_artefacts
started = time.perf_counter()
store = ox.Store({target!r})
for source in source_files(find_artefacts({root!r})):
    store.bulk_load(path=source.path, format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(str(source.graph)))
store.flush()
result = {{'seconds': time.perf_counter() - started}}
"""

RESPAWN = """
import dataclasses, json, subprocess, sys, rarekg
from rarekg.server.workers import copies_in_memory
from rarekg.settings import Settings
kg = rarekg.load({root!r})
settings = Settings()
copy = 'copy' if copies_in_memory(kg, settings.worker_copy_quads) else 'disk'
times = []
for _ in range(3):
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, '-m', 'rarekg.server.workers', 'query', str(kg.location),
         str(kg.artefacts.root), json.dumps(dataclasses.asdict(settings)), copy],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    worker.stdout.read(8)  # the length of the first message: the worker is ready
    times.append(time.perf_counter() - started)
    worker.kill(); worker.wait()
result = {{'seconds': sorted(times)[1]}}
"""


#: China's exports by partner: an aggregate over every observation of one exporter.
AGGREGATE = """PREFIX rkg: <https://w3id.org/rarekg/ontology#>
PREFIX rkr: <https://w3id.org/rarekg/resource/>
SELECT ?partner (SUM(?value) AS ?total) (COUNT(?flow) AS ?flows)
WHERE {
  ?flow a rkg:TradeFlowObservation ; rkg:exporter rkr:China ; rkg:importer ?partner ;
      rkg:value ?value .
}
GROUP BY ?partner ORDER BY DESC(?total)
"""
AGGREGATE_RUNS = 15


def tree_cpu(pid: int) -> float:
    """CPU seconds a process and its descendants have used so far, read from /proc."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # it ended meanwhile
        total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        pending.extend(int(child) for child in children)
    return total


def wait_at_rest(pid: int, seconds: float = 600) -> None:
    """Wait until a server and its workers idle (query workers copy the store meanwhile)."""
    deadline = time.monotonic() + seconds
    used = tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = tree_cpu(pid)
        if now - used < 0.05:
            return
        used = now
    raise RuntimeError(f"the server did not come to rest within {seconds} s")


def aggregate_p50(url: str) -> float:
    """Median seconds of :data:`AGGREGATE` at the SPARQL endpoint ``url``, after a warm-up."""
    headers = {"Accept": "application/sparql-results+json"}
    times = []
    for run in range(AGGREGATE_RUNS + 2):
        started = time.perf_counter()
        answer = httpx.get(url, params={"query": AGGREGATE}, headers=headers, timeout=600)
        answer.raise_for_status()
        if run >= 2:
            times.append(time.perf_counter() - started)
    if not answer.json()["results"]["bindings"]:
        raise RuntimeError(f"{url} found no trade flows")
    return statistics.median(times)


def oxigraph_p50(location: str) -> float:
    """:func:`aggregate_p50` of Oxigraph server reading the store at ``location``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [oxigraph_binary(), "serve-read-only", "--location", location]
    command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with running(command, base + "/"):
        return aggregate_p50(base + "/query")


def serve_up(root: Path, env: dict[str, str]) -> tuple[float, float, float, str]:
    """Seconds from ``rarekg serve`` to ``/healthz``, RSS once warm (MiB), aggregate p50 (s).

    The RSS and the p50 are taken once the analysis worker is warm and the query
    workers have copied the store into memory (when it is small enough for them to).
    The last value is the analyses' readiness: ``failed`` when the analysis worker died
    warming up (its memory ceiling, say), and the RSS is then without it.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(VENV_BIN / "rarekg"), "--root", str(root), "serve", "--port", str(port)]
    # No answer cache, and a time limit as loose as Oxigraph server's absent one: at 10^6
    # observations the aggregate runs past the default 10 s and would be answered 503.
    command += ["--cache-bytes", "0", "--timeout", "600"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"rarekg serve exited with {process.returncode}")
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        up = time.perf_counter() - started
        warmed = "ready"
        try:
            at_rest(lambda: httpx.get(base + "/healthz", timeout=30).json(), seconds=1800)
        except RuntimeError as error:  # the analysis worker died warming up: say so
            print(f"{root}: {error}", file=sys.stderr)
            warmed = "failed"
        wait_at_rest(process.pid)  # the query workers' copies made, if they make one
        p50 = aggregate_p50(base + "/sparql")
        return up, tree_rss(process.pid) / MIB, p50, warmed
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed_command(args: list[str], env: dict[str, str]) -> float:
    """Seconds a ``rarekg`` command takes, start to exit."""
    started = time.perf_counter()
    subprocess.run([str(VENV_BIN / "rarekg"), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(count: int) -> dict[str, float | str]:
    """Every figure for one size, in one temporary folder."""
    with tempfile.TemporaryDirectory(prefix="rarekg-bench-scale-") as folder:
        root = make_root(Path(folder), count)
        env = {**os.environ, "RAREKG_CACHE": str(Path(folder) / "cache")}
        env.pop("RAREKG_STORE_DIR", None)
        figures: dict[str, float | str] = {"observations": count}
        baseline = child(BULK_LOAD.format(root=str(root), target=f"{folder}/plain"), env)
        cold = child(BUILD.format(root=str(root)), env)
        figures |= {
            "bulk_load_s": baseline["seconds"],
            "cold_build_s": cold["seconds"],
            "cold_ratio": cold["seconds"] / baseline["seconds"],
            "build_peak_mib": cold["peak_mib"],
            "quads": cold["quads"],
        }
        # New observations, same skeleton: what a data update costs.
        write_observations(root / "graph" / "synthetic-trade.ttl", count + 1)
        changed = child(BUILD.format(root=str(root)), env)
        figures |= {
            "changed_build_s": changed["seconds"],
            "changed_ratio": changed["seconds"] / baseline["seconds"],
        }
        figures["respawn_s"] = child(RESPAWN.format(root=str(root)), env)["seconds"]
        up, rss, p50, warmed = serve_up(root, env)
        figures |= {"serve_up_s": up, "serve_rss_mib": rss, "aggregate_p50_s": p50}
        figures["analyses"] = warmed
        figures["oxigraph_p50_s"] = oxigraph_p50(f"{folder}/plain")
        figures["aggregate_ratio"] = p50 / figures["oxigraph_p50_s"]
        figures["chokepoints_s"] = timed_command(["--root", str(root), "chokepoints"], env)
    return figures


def _cell(column: str, value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:,.2f}" if column.endswith(("_s", "ratio")) else f"{value:,.0f}"


def main() -> None:
    """Print one row of figures per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    columns = [
        *("observations", "quads", "bulk_load_s", "cold_build_s", "cold_ratio"),
        *("changed_build_s", "changed_ratio", "build_peak_mib", "serve_up_s"),
        *("serve_rss_mib", "aggregate_p50_s", "oxigraph_p50_s", "aggregate_ratio"),
        *("respawn_s", "chokepoints_s", "analyses"),
    ]
    print(" | ".join(columns))
    for count in args.sizes:
        figures = measure(count)
        print(
            " | ".join(_cell(c, figures[c]) for c in columns),
            flush=True,
        )


if __name__ == "__main__":
    main()
