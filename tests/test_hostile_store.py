"""A remote store is not trusted: drips, bombs, junk and floods from it leave the endpoint healthy.

The hostile store is a small HTTP server in this test process, on loopback; what it
does is chosen by a word in the query it receives (a comment), so one ``rarekg serve
--store`` meets every behaviour.
"""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

from servers import VENV_BIN, rarekg_server, tree_rss

MIB = 1 << 20
RESULTS_JSON = "application/sparql-results+json"
pytestmark = pytest.mark.slow


@functools.cache
def _bomb() -> bytes:
    """About 100 KiB of gzip that inflates to 100 MiB."""
    return gzip.compress(b" " * (100 * MIB), compresslevel=9)


@functools.cache
def _wide_answer(columns: int) -> bytes:
    names = [f"v{i}" for i in range(columns)]
    row = {name: {"type": "literal", "value": "x"} for name in names}
    return json.dumps({"head": {"vars": names}, "results": {"bindings": [row]}}).encode()


class HostileStore(BaseHTTPRequestHandler):
    """Answers queries and graph uploads in the way the request's text asks for."""

    seen: list[str] = []  # noqa: RUF012 - one list for the test module, on purpose

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""

    def _query(self) -> str:
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        query = form.get("query", [""])[0]
        self.seen.append(query)
        return query

    def _send(self, status: int, body: bytes, media: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """A query: drip, bomb, junk, wide, or a plain answer."""
        query = self._query()
        if "#drip" in query:
            self.send_response(200)
            self.send_header("Content-Type", RESULTS_JSON)
            self.end_headers()
            for _ in range(20):  # bounded: ten seconds at most
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
        elif "#bomb" in query:
            self._send(200, _bomb(), RESULTS_JSON, Content_Encoding="gzip")
        elif "#junk" in query:
            self._send(200, b'{"head": {"vars": [', RESULTS_JSON)
        elif "#wide" in query:
            self._send(200, _wide_answer(100_000), RESULTS_JSON)
        else:
            self._send(200, b'{"head": {}, "boolean": true}', RESULTS_JSON)

    def do_PUT(self) -> None:
        """A graph upload: refused with a long, escape-laden body, or dripped."""
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/drip"):
            self.send_response(201)
            self.end_headers()
            time.sleep(8)
            return
        evil = b"\x1b[31mno\x1b[0m\r\n" + b"\x07" * 1000 + b"x" * (5 * MIB)
        self._send(400, evil, "text/plain")


@pytest.fixture(scope="module")
def store() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostileStore)
    server.daemon_threads = True
    _bomb(), _wide_answer(100_000)  # made before the clock starts on any request
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(store: str) -> Iterator[tuple[str, int]]:
    args = ("--store", store + "/sparql", "--timeout", "2", "--max-store-answer", "8MiB")
    # The store answers no solutions to the analyses' reads: they fail, the endpoint serves.
    with rarekg_server(*args, analyses="failed") as (base, process):
        yield base, process.pid


def ask(base: str, mode: str) -> httpx.Response:
    return httpx.post(
        base + "/sparql",
        content=f"ASK {{ }} #{mode}\n",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )


def test_a_dripping_store_gets_504_at_the_deadline(served: tuple[str, int]) -> None:
    started = time.monotonic()
    answer = ask(served[0], "drip")
    assert answer.status_code == 504
    assert "time limit 2 s" in answer.json()["error"]
    assert time.monotonic() - started < 4


def test_a_compression_bomb_gets_502_in_bounded_memory(served: tuple[str, int]) -> None:
    base, pid = served
    before = tree_rss(pid)
    answer = ask(base, "bomb")
    assert answer.status_code == 502
    assert "decompressed" in answer.json()["error"]
    assert tree_rss(pid) - before < 64 * MIB


def test_a_malformed_answer_is_the_stores_fault(served: tuple[str, int]) -> None:
    answer = ask(served[0], "junk")
    assert answer.status_code == 502
    assert "malformed" in answer.json()["error"]


def test_a_huge_answer_is_parsed_while_other_clients_are_served(served: tuple[str, int]) -> None:
    base, _ = served
    done: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: done.append(ask(base, "wide")))
    thread.start()
    time.sleep(0.3)
    latencies = []
    while thread.is_alive() and len(latencies) < 50:
        started = time.monotonic()
        assert httpx.get(base + "/healthz", timeout=10).status_code == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    thread.join()
    # Read in a worker: answered, or stopped at the time limit (503), never a frozen server.
    assert done[0].status_code in (200, 503)
    # Liveness: read on the event loop, it froze every client for 26 s.
    assert max(latencies, default=0) < 5.0


def test_service_is_checked_before_the_store_sees_the_query(
    served: tuple[str, int], store: str
) -> None:
    HostileStore.seen.clear()
    answer = httpx.post(
        served[0] + "/sparql",
        content="ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 403
    assert HostileStore.seen == []


def _load(graph_store: str, *more: str) -> subprocess.CompletedProcess[str]:
    query = graph_store.rsplit("/", 1)[0] + "/query"
    return subprocess.run(
        [str(VENV_BIN / "rarekg"), "load", "--store", query, "--graph-store", graph_store, *more],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_load_shows_a_short_printable_excerpt_of_a_stores_refusal(store: str) -> None:
    done = _load(store + "/store")
    assert done.returncode != 0
    assert "HTTP 400" in done.stderr
    assert len(done.stderr) < 1000
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr


def test_load_gives_up_on_a_store_that_never_finishes(store: str) -> None:
    started = time.monotonic()
    done = _load(store + "/drip", "--timeout", "2")
    assert done.returncode != 0
    assert "within 2 s" in done.stderr
    assert time.monotonic() - started < 60
