"""The explorer's data, layout, page and routes, without a browser (see test_browser.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from rarekg.cli import main
from rarekg.kg import KnowledgeGraph
from rarekg.namespaces import RKR
from rarekg.viz import ASSETS, Explorer, FocusNotFound, explore, explorer_page, panel
from rarekg.viz.overview import CHAIN, RULES, WHO, groups
from rarekg.viz.page import page_data as page_data_of
from rarekg.viz.panel import Facts, details
from rarekg.viz.view import scaled
from servers import rarekg_serve

DY = str(RKR.Dysprosium)
STAGES = ["element", "material", "magnet", "component", "application", "industry"]


@pytest.fixture(scope="module")
def explorer(kg: KnowledgeGraph) -> Explorer:
    return explore(kg)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """``rarekg serve``, which mounts the explorer's routes, on a free loopback port."""
    with rarekg_serve() as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


def page_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries no graph data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_nodes_are_the_curated_things_with_their_kind(explorer: Explorer) -> None:
    kinds = {
        str(RKR.Dysprosium): "element",
        str(RKR.SinteredNdFeB): "magnet",
        str(RKR.China): "country",
        str(RKR.MPMaterials): "company",
        str(RKR["MOFCOM-GAC-2025-18"]): "export-control",
        str(RKR["MOFCOM-GAC-2025-70"]): "suspension",
        str(RKR.AutomotiveIndustry): "industry",
    }
    assert {n: explorer.nodes[n]["cls"] for n in kinds} == kinds
    assert not any("/src-" in n or "/obs-" in n for n in explorer.nodes)


def test_edges_are_asserted_relations_styled_by_kind(explorer: Explorer) -> None:
    edges = set(explorer.edges)
    assert (str(RKR.SinteredNdFeB), DY, "contains element", "dependency") in edges
    assert (str(RKR["MOFCOM-GAC-2025-18"]), DY, "controls", "control") in edges
    # dependsOn is the reasoner's closure: drawn as the asserted steps only.
    assert not any(label == "depends on" for _, _, label, _ in edges)


def test_overview_groups_run_from_elements_to_industries(explorer: Explorer) -> None:
    drawn = groups(explorer, set(explorer.nodes))
    column = {g.cls: g.column for g in drawn if g.band == CHAIN}
    assert [column[stage] for stage in STAGES] == sorted(column[stage] for stage in STAGES)
    assert len({column[stage] for stage in STAGES}) == len(STAGES), "one column per stage"
    assert column["country"] < column["element"], "countries stand before the chain"
    bands = {g.cls: g.band for g in drawn}
    assert bands["export-control"] == RULES and bands["company"] == WHO
    members = [m for g in drawn for m in g.members]
    assert sorted(members) == sorted(explorer.nodes), "every node in exactly one group"
    ann18 = str(RKR["MOFCOM-GAC-2025-18"])
    assert any(ann18 in g.members and g.column == 0 for g in drawn), "beside what it controls"


def test_ten_times_the_graph_still_opens_on_a_few_groups(explorer: Explorer) -> None:
    big = scaled(explorer, 10)
    assert len(big.nodes) == 10 * len(explorer.nodes)
    data = page_data_of(big, title="10x", server=False)
    assert len(data["groups"]) == len(groups(explorer, set(explorer.nodes)))
    assert data["expanded"] == []


def test_dysprosium_panel_has_sources_controls_and_industries(explorer: Explorer) -> None:
    details = explorer.details[DY]
    assert {str(RKR["src-usgs-mcs-2025"]), str(RKR["src-wikidata-elements"])} <= set(
        details["sources"]
    )
    assert str(RKR["MOFCOM-GAC-2025-18"]) in {c["id"] for c in details["controls"]}
    assert str(RKR.AutomotiveIndustry) in {i["id"] for i in details["industries"]}
    assert str(RKR.China) in {p["id"] for p in details["producers"]}
    links = {link["href"].split("?")[0] for link in details["links"]}
    assert links == {"/resource/Dysprosium", "/api/chains", "/api/simulate", "/sparql"}


def test_find_by_label_symbol_alternative_label_and_iri(explorer: Explorer) -> None:
    assert {explorer.find(t) for t in ["Dysprosium", "dy", "rkr:Dysprosium", DY]} == {DY}
    with pytest.raises(FocusNotFound, match="'no such thing'"):
        explorer.find("no such thing")


def test_nodes_are_sized_by_chokepoint_score(explorer: Explorer) -> None:
    assert explorer.scored
    sizes = {n: explorer.nodes[n]["size"] for n in explorer.nodes}
    assert explorer.chokepoints[0] in explorer.nodes
    assert sizes[explorer.chokepoints[0]] == max(sizes.values()) > min(sizes.values())


def test_served_page_loads_its_files_from_us(client: httpx.Client) -> None:
    answer = client.get("/graph")
    assert answer.status_code == 200, answer.text
    html = answer.text
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert loaded and all(url.startswith("/") and not url.startswith("//") for url in loaded)
    for url in loaded:
        if url.startswith("/graph/static/"):
            assert client.get(url).status_code == 200


def test_vis_network_is_served_from_the_installed_pyvis(client: httpx.Client) -> None:
    answer = client.get("/graph/static/vis-network.min.js")
    assert answer.status_code == 200
    assert answer.content == ASSETS["vis-network.min.js"].read_bytes()
    assert "site-packages/pyvis/lib/vis-9.1.2" in str(ASSETS["vis-network.min.js"])
    assert client.get("/graph/static/app.py").status_code == 404


def test_focus_shows_a_neighbourhood(client: httpx.Client) -> None:
    whole = page_data(client.get("/graph").text)["nodes"]
    focus = page_data(client.get("/graph", params={"focus": "Dy", "depth": "1"}).text)
    ids = {n["id"] for n in focus["nodes"]}
    assert DY in ids and str(RKR["MOFCOM-GAC-2025-18"]) in ids
    assert 2 < len(ids) < len(whole)
    assert focus["focus"]["id"] == DY


def test_bad_focus_and_depth_are_refused_clearly(client: httpx.Client) -> None:
    missing = client.get("/graph", params={"focus": "Unobtainium"})
    assert missing.status_code == 404 and "Unobtainium" in missing.text
    deep = client.get("/graph", params={"focus": "Dy", "depth": "ten"})
    assert deep.status_code == 400 and "depth" in deep.text
    for day in ["2025-02-30", "April", "2025-04-04" * 60]:
        wrong = client.get("/graph", params={"on": day})
        assert wrong.status_code == 400 and "on" in wrong.text


def test_the_page_starts_on_the_day_in_its_address(client: httpx.Client) -> None:
    data = page_data(client.get("/graph", params={"on": "2025-03-01"}).text)
    time = data["time"]
    assert time["on"] == "2025-03-01" and time["parameter"] == "on"
    ann18 = str(RKR["MOFCOM-GAC-2025-18"])
    assert {"date": "2025-04-04", "policy": ann18} in [
        {"date": e["date"], "policy": e["policy"]} for e in time["events"]
    ]
    assert time["horizon"] and time["statuses"][ann18]


def test_ontology_view_draws_classes_and_properties(client: httpx.Client) -> None:
    data = page_data(client.get("/graph/ontology").text)
    labels = {n["label"] for n in data["nodes"]}
    assert {"rare earth element", "chemical element"} <= {label.lower() for label in labels}
    kinds = {e["kind"] for e in data["edges"]}
    assert kinds == {"subclass", "property"}


def test_viz_command_writes_one_self_contained_file(tmp_path: Path) -> None:
    out = tmp_path / "dy.html"
    result = CliRunner().invoke(main, ["viz", "-o", str(out), "--focus", "Dy", "--depth", "2"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=", html), "it loads no file"
    assert "vis.Network" in html and page_data(html)["focus"]["id"] == DY


def test_viz_command_names_an_unknown_focus(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["viz", "-o", str(tmp_path / "x.html"), "--focus", "Xx"])
    assert result.exit_code == 2 and "'Xx'" in result.output


def test_data_cannot_close_the_script_element() -> None:
    hostile = "</script><script>window.injected = 1</script><!--"
    node = {"label": hostile, "title": hostile, "cls": "element", "color": "#000"}
    node |= {"shape": "dot", "size": 12, "search": [hostile]}
    html = explorer_page(Explorer(nodes={"urn:x": node}, layers={"urn:x": 0}), server=False)
    data_block = html.split('<script id="graph-data" type="application/json">')[1]
    assert json.loads(data_block.split("</script>")[0])["nodes"][0]["title"] == hostile


def test_the_panel_lists_the_newest_observations_of_each_kind(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    china = str(RKR.China)
    every = Facts(kg)
    assert china not in every.cut, "the curated graph is listed whole"
    monkeypatch.setattr(panel, "NEWEST_OBSERVATIONS", 3)
    newest = Facts(kg)
    shown = details(newest, china, {}, {}, {})
    assert shown["observationsNote"].startswith("The newest 3 of each kind")

    def when(obs: str) -> str:
        return next(o["when"] for o in details(every, china, {}, {}, {})["observations"]
                    if o["text"] == every.label(obs))  # fmt: skip

    kinds = {kind for obs in every.observations(china) for kind in every.types[obs]}
    assert len(kinds) > 1
    for kind in kinds:
        of_kind = [o for o in every.observations(china) if kind in every.types[o]]
        kept = [o for o in newest.observations(china) if kind in newest.types[o]]
        assert len(kept) == min(3, len(of_kind)) and set(kept) <= set(of_kind)
        dropped = set(of_kind) - set(kept)
        assert all(when(k) >= when(d) for k in kept for d in dropped), kind
