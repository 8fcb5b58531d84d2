"""A runaway query is stopped at the time limit while other clients keep being served."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from servers import client_from, rarekg_serve

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "ASK { rkr:Dysprosium a rkg:ChemicalElement }"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with rarekg_serve("--timeout", "1", "--workers", "2") as base:
        yield base


@pytest.mark.slow
def test_runaway_query_gets_503_json_while_another_client_is_served(server: str) -> None:
    slow: dict[str, httpx.Response] = {}

    def runaway() -> None:
        slow["response"] = httpx.get(server + "/sparql", params={"query": CROSS_JOIN}, timeout=30)

    thread = threading.Thread(target=runaway)
    started = time.monotonic()
    thread.start()
    time.sleep(0.2)  # the cross join is running now
    with client_from("127.0.0.2") as other:
        quick = other.get(server + "/sparql", params={"query": SIMPLE})
    answered_after = time.monotonic() - started
    thread.join()
    stopped_after = time.monotonic() - started

    assert quick.status_code == 200
    assert json.loads(quick.content) == {"head": {}, "boolean": True}
    assert answered_after < 1.0, "the simple query waited for the runaway one"
    response = slow["response"]
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert "time limit 1 s exceeded" in response.json()["error"]
    assert stopped_after < 5


@pytest.mark.slow
def test_the_endpoint_recovers_after_a_runaway_query(server: str) -> None:
    first = httpx.get(server + "/sparql", params={"query": CROSS_JOIN}, timeout=30)
    assert first.status_code == 503
    answers = [
        httpx.get(server + "/sparql", params={"query": SIMPLE}, timeout=30).status_code
        for _ in range(4)
    ]
    assert answers == [200] * 4
