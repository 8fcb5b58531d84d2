"""``POST /api/exposure`` answers what ``rarekg exposure --format json`` prints, within limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rarekg.analysis import exposure_report, to_json
from rarekg.kg import KnowledgeGraph
from servers import rarekg_serve

EXAMPLE = Path(__file__).parent.parent / "examples" / "ev-drive-unit-bom.csv"
MAX_BODY = 16_384


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with rarekg_serve("--max-body", str(MAX_BODY)) as base:
        yield base


def test_the_api_answers_the_cli_json(server: str, kg: KnowledgeGraph) -> None:
    data = EXAMPLE.read_bytes()
    answer = httpx.post(f"{server}/api/exposure?on=2025-06-01", content=data, timeout=60)
    assert answer.status_code == 200
    assert answer.json() == to_json(exposure_report(kg, data, "2025-06-01"))


def test_bad_input_is_a_400_naming_row_and_column(server: str) -> None:
    bad = b"part,parent,quantity,item\np,,1,Dy\nq,p,-1,Dy\n"
    answer = httpx.post(f"{server}/api/exposure", content=bad, timeout=60)
    assert answer.status_code == 400
    assert "row 3, column quantity" in answer.json()["error"]


def test_a_body_past_the_limit_is_a_413(server: str) -> None:
    header = b"part,parent,quantity,item\nproduct,,1,Dy\n"
    lines = b"".join(b"p%d,product,1,Dy\n" % n for n in range(MAX_BODY // 10))
    answer = httpx.post(f"{server}/api/exposure", content=header + lines, timeout=60)
    assert answer.status_code == 413


def test_the_page_is_served(server: str) -> None:
    page = httpx.get(f"{server}/exposure", timeout=60)
    assert page.status_code == 200
    assert '<script src="/static/exposure.js">' in page.text
