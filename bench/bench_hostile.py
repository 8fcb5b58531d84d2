"""Hostile load on `rarekg serve`, loopback only: each attack once, then a soak.

Part one sends each attack of issue 9 once to a server with its default limits and
prints attack → status, time, and server + workers RSS before and after. Part two is
a soak: 32 clients (each its own loopback address) for ``--seconds`` mixing library
queries, slow queries abandoned after a second, and hostile requests; it reports the
answers with an unexpected status (target 0), the p50 and p99 of the library queries,
and the RSS before, at its peak and after (target: under 10% growth after the soak).
Every loop is bounded in count and time.

Run: ``.venv/bin/python bench/bench_hostile.py [--seconds 60] [--clients 32]``
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import rarekg
from rarekg.queries import library
from servers import client_from, rarekg_server, tree_rss

MIB = 1 << 20
DIRECT = {"Content-Type": "application/sparql-query"}
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _post(base: str, query: str, timeout: float = 30, address: str = "127.0.0.2") -> int:
    with client_from(address, timeout=timeout) as client:
        try:
            return client.post(base + "/sparql", content=query, headers=DIRECT).status_code
        except httpx.TimeoutException:
            return 0  # we hung up


def _raw(base: str, data: bytes, wait: float = 15) -> int:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(data)
        try:
            head = sock.recv(64)
        except (TimeoutError, ConnectionResetError):
            return 0
    return int(head.split()[1]) if head.startswith(b"HTTP/") else 0


def _crowd(base: str) -> int:
    statuses: list[int] = []

    def visit(n: int) -> None:
        with client_from(f"127.0.1.{n + 1}", timeout=60) as client:
            focus = ["Dy", "Tb", "Nd", "Pr", "Sm", "Gd", "Lu", "Y"][n % 8]
            statuses.append(client.get(f"{base}/graph?focus={focus}&depth=6").status_code)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses).most_common(1)[0][0]


def attacks(base: str) -> list[tuple[str, Callable[[], int]]]:
    """Each attack of issue 9 as a call returning the status the client saw."""
    big_body = b"ASK {} #" + b"x" * (20 * MIB)
    concat = (
        'SELECT (GROUP_CONCAT(STR(?o); separator=" ") AS ?all) '
        "{ ?s ?p ?o FILTER(!isBlank(?o)) VALUES ?n { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 } }"
    )
    wide = "SELECT " + " ".join(f"?v{i}" for i in range(10_000)) + " {}"
    lateral = "SELECT * {?s ?p ?o LATERAL {SELECT ?service {BIND(1 AS ?service)}}} LIMIT 1"

    def hang_up_twice_then_ask() -> int:
        for _ in range(2):
            _post(base, CROSS, timeout=0.1)
        return _post(base, "ASK {}", timeout=30)

    return [
        (
            "1 20 MB body",
            lambda: httpx.post(base + "/sparql", content=big_body, headers=DIRECT).status_code,
        ),
        ("1 16 MiB GROUP_CONCAT answer", lambda: _post(base, concat)),
        (
            "2 ORDER BY over a cross join",
            lambda: _post(base, "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c"),
        ),
        ("2 10,000-variable SELECT", lambda: _post(base, wide)),
        ("3 two hang-ups, then ASK", hang_up_twice_then_ask),
        ("5 5,000-deep nesting", lambda: _post(base, "ASK " + "{" * 5000 + "}" * 5000)),
        ("6 top=³", lambda: httpx.get(base + "/api/chokepoints?top=%C2%B3").status_code),
        ("7 32 clients on /graph depth 6", lambda: _crowd(base)),
        ("8 LATERAL with ?service", lambda: _post(base, lateral)),
        ("8 empty POST", lambda: _post(base, "")),
        (
            "9 Host: rebound.example",
            lambda: httpx.get(base + "/healthz", headers={"Host": "rebound.example"}).status_code,
        ),
        ("9 headers dripped", lambda: _raw(base, b"GET / HTTP/1.1\r\nHost: localhost\r\nX: ")),
        (
            "9 40 KiB query string",
            lambda: _raw(
                base, b"GET /sparql?query=" + b"x" * 40960 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
            ),
        ),
        (
            "9 40 KiB header",
            lambda: _raw(
                base, b"GET / HTTP/1.1\r\nHost: localhost\r\nX: " + b"x" * 40960 + b"\r\n\r\n"
            ),
        ),
    ]


def soak(base: str, pid: int, seconds: float, clients: int) -> None:
    """Many clients at once; report unexpected statuses, latency and memory."""
    kg = rarekg.load()
    fast = [f"/api/query/{q.name}" for q in library(kg) if not q.parameters]
    expected = {"fast": {200}, "slow": {0}, "body": {413}, "nest": {400}, "service": {403}}
    seen: Counter[tuple[str, int]] = Counter()
    latencies: list[float] = []
    peak = before = tree_rss(pid)
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n: int) -> None:
        address = f"127.0.2.{n + 1}"
        step = 0
        with client_from(address, timeout=30) as http:
            while time.monotonic() < stop:
                step += 1
                kind = ("fast", "fast", "fast", "slow", "body", "nest", "service")[step % 7]
                started = time.monotonic()
                try:
                    if kind == "fast":
                        status = http.get(base + fast[step % len(fast)]).status_code
                    elif kind == "slow":
                        status = _post(base, CROSS, timeout=1, address=address)
                    elif kind == "body":
                        body = b"x" * (2 * MIB)
                        status = http.post(
                            base + "/sparql", content=body, headers=DIRECT
                        ).status_code
                    elif kind == "nest":
                        status = http.post(
                            base + "/sparql", content="ASK" + "{" * 999, headers=DIRECT
                        ).status_code
                    else:
                        query = "ASK { SERVICE <http://127.0.0.1:9/> {} }"
                        status = http.post(
                            base + "/sparql", content=query, headers=DIRECT
                        ).status_code
                except httpx.HTTPError:
                    status = -1
                with lock:
                    seen[(kind, status)] += 1
                    if kind == "fast" and status == 200:
                        latencies.append(time.monotonic() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, tree_rss(pid))
        time.sleep(0.5)
    time.sleep(2)
    after = tree_rss(pid)
    unexpected = {k: v for k, v in seen.items() if k[1] not in expected[k[0]]}
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"\nsoak: {clients} clients, {seconds:g} s, {sum(seen.values())} requests")
    print(f"  by kind and status: {dict(sorted(seen.items()))}")
    print(f"  unexpected statuses: {sum(unexpected.values())} {unexpected}")
    print(
        f"  library queries: p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms"
    )
    print(
        f"  RSS server + workers: before {before / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB, "
        f"after {after / MIB:.0f} MiB ({(after - before) / before:+.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    with rarekg_server() as (base, process):
        httpx.get(base + "/api/chokepoints?top=1", timeout=60)  # the analysis worker is warm
        print(f"{'attack':34} {'status':>6} {'seconds':>8} {'RSS before':>11} {'after':>8}")
        for name, attack in attacks(base):
            before = tree_rss(process.pid)
            started = time.monotonic()
            status = attack()
            took = time.monotonic() - started
            time.sleep(1)
            after = tree_rss(process.pid)
            print(f"{name:34} {status:6} {took:8.2f} {before / MIB:9.0f}Mi {after / MIB:6.0f}Mi")
            assert httpx.get(base + "/healthz", timeout=10).status_code == 200
        soak(base, process.pid, args.seconds, args.clients)


if __name__ == "__main__":
    main()
