"""The app built in-process: protocol answers and limits, read without a server's log.

Starlette's TestClient runs the app's lifespan, so the query workers are real
processes over the small fixture graph; no socket is opened.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from rarekg.kg import KnowledgeGraph
from rarekg.server.app import create_app
from rarekg.server.cache import AnswerCache, digest
from rarekg.server.execute import Answer
from rarekg.settings import Settings
from servers import free_port

DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def client(fixture_kg: KnowledgeGraph) -> Iterator[TestClient]:
    settings = Settings(
        workers=1, allowed_hosts=("testserver",), row_cap=2, max_body=1024, cache_bytes=0
    )
    with TestClient(create_app(fixture_kg, settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("method", "headers", "content", "status"),
    [
        ("PUT", DIRECT, "ASK {}", 405),
        ("POST", {"Content-Type": "text/plain"}, "ASK {}", 415),
        ("POST", {**DIRECT, "Accept": "image/png"}, "ASK {}", 406),
        ("POST", DIRECT, "ASK {", 400),
        ("POST", DIRECT, "CLEAR ALL", 403),
        ("POST", DIRECT, "ASK {} #" + "x" * 2000, 413),
        ("POST", DIRECT, "ASK {}", 200),
    ],
    ids=["method", "media-type", "accept", "syntax", "update", "body-size", "fine"],
)
def test_the_protocol_answers_each_request_as_the_recommendation_says(
    client: TestClient, method: str, headers: dict[str, str], content: str, status: int
) -> None:
    answer = client.request(method, "/sparql", headers=headers, content=content)
    assert answer.status_code == status, answer.text


def test_a_capped_answer_says_so(client: TestClient) -> None:
    answer = client.post("/sparql", headers=DIRECT, content="SELECT * { ?s ?p ?o }")
    assert answer.headers["x-rarekg-truncated"] == "true"
    assert len(answer.json()["results"]["bindings"]) == 2


def test_another_host_name_is_refused_and_every_answer_has_security_headers(
    client: TestClient,
) -> None:
    refused = client.get("/healthz", headers={"Host": "rebound.example"})
    assert refused.status_code == 421
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in client.get("/").headers["content-security-policy"]


def test_health_says_when_the_analyses_have_warmed_up(fixture_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(fixture_kg, Settings(allowed_hosts=("testserver",)))) as fresh:
        said = [fresh.get("/healthz").json()]
        while said[-1]["analyses"] != "ready" and len(said) < 600:
            time.sleep(0.1)
            said.append(fresh.get("/healthz").json())
        assert {s["status"] for s in said} == {"ok"}, "alive throughout"
        assert said[-1]["analyses"] == "ready", said[-1]
        assert {s["analyses"] for s in said} <= {"warming", "ready"}
        # Ready means warm: an analysis now answers within the time limit (503 past it).
        assert fresh.get("/api/chokepoints", params={"top": "1"}).status_code == 200


def test_the_answer_cache_stays_within_its_bytes() -> None:
    cache = AnswerCache(Settings(cache_bytes=64 * 1024))
    for n in range(1000):
        cache.put(digest(str(n).encode()), Answer(200, b"x" * 3000, "text/plain"))
    assert 0 < cache.size <= 64 * 1024
    assert cache.get(digest(b"999")) is not None, "the most recent answer is kept"
    assert cache.get(digest(b"0")) is None, "the oldest went first"


def test_health_says_when_the_analyses_failed_to_warm_up(fixture_kg: KnowledgeGraph) -> None:
    # Nothing listens on the port: the analysis worker cannot read its projection.
    store = f"http://127.0.0.1:{free_port()}/sparql"
    settings = Settings(allowed_hosts=("testserver",), store=store)
    with TestClient(create_app(fixture_kg, settings)) as fresh:
        said = [fresh.get("/healthz").json()]
        while said[-1]["analyses"] == "warming" and len(said) < 600:
            time.sleep(0.1)
            said.append(fresh.get("/healthz").json())
        assert said[-1] == {"status": "ok", "analyses": "failed"}
