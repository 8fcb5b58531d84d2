"""Benchmark: analysis time against graph size on synthetic supply graphs.

The graphs have the curated graph's shape: layers of elements, materials, magnets,
components, applications and industries joined by dependency relations; companies and
facilities producing items, located in countries with Zipf-like shares per element and
stage; a few export controls. Sizes are node counts. Each size reports the time to build
the graph and to run the full chokepoint ranking, a restriction scenario and a chain
search, and each time's ratio to the smallest size measured in the same run.

    python bench/bench_analysis.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

from rarekg.analysis.chains import find_chains
from rarekg.analysis.chokepoints import rank
from rarekg.analysis.projection import CountryFigure, PolicyStatus, PolicyWindow, Projection
from rarekg.analysis.simulate import simulate
from rarekg.namespaces import RKR

ON = dt.date(2025, 6, 1)
STAGES = (str(RKR["Mining"]), str(RKR["Separation"]))

#: Fractions of the nodes per type (countries and industries are capped, as in the world).
SHAPE = {
    "element": 0.04,
    "material": 0.14,
    "magnet": 0.04,
    "component": 0.14,
    "application": 0.07,
    "company": 0.27,
    "facility": 0.27,
}


#: The family (rarekg.analysis.projection.FAMILIES) of each relation the synthetic graph
#: states, as the ontology would give it.
FAMILY = {
    **dict.fromkeys(
        ["containsElement", "madeFrom", "usesComponent", "usesMaterial", "hasApplication"],
        "dependency",
    ),
    "headquarteredIn": "location",
    "locatedIn": "location",
    "produces": "production",
    "supplies": "trade",
    "operates": "operation",
    "controls": "control",
}


def synthetic(n: int, seed: int = 1) -> Projection:
    """A synthetic projection of about ``n`` nodes with the curated graph's shape."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    counts = {t: max(2, int(n * f)) for t, f in SHAPE.items()}
    counts["country"] = min(200, max(10, n // 100))
    counts["industry"] = min(100, max(15, n // 1000))
    nodes = {t: [f"urn:{t}:{i}" for i in range(c)] for t, c in counts.items()}
    for kind, iris in nodes.items():
        for i, iri in enumerate(iris):
            graph.add_node(iri, type=kind, label=f"{kind} {i}")
    for iri in nodes["element"]:
        graph.nodes[iri]["rare_earth"] = True

    def link(subject: str, kind: str, targets: list[str], low: int, high: int) -> None:
        for obj in rng.sample(targets, min(len(targets), rng.randint(low, high))):
            graph.add_edge(
                subject, obj, key=kind, kind=kind, family=FAMILY[kind], sources=["urn:source:bench"]
            )

    for i, material in enumerate(nodes["material"]):
        link(material, "containsElement", nodes["element"], 1, 3)
        link(material, "madeFrom", nodes["material"][:i], 0, 1)
    for magnet in nodes["magnet"]:
        link(magnet, "containsElement", nodes["element"], 2, 5)
        link(magnet, "madeFrom", nodes["material"], 1, 3)
    for component in nodes["component"]:
        link(component, "madeFrom", nodes["magnet"] + nodes["material"], 1, 2)
    for application in nodes["application"]:
        link(application, "usesComponent", nodes["component"], 1, 4)
        link(application, "usesMaterial", nodes["material"], 0, 1)
    for industry in nodes["industry"]:
        link(industry, "hasApplication", nodes["application"], 2, 8)
    zipf = [1.0 / (rank + 1) for rank in range(counts["country"])]
    products = nodes["material"] + nodes["magnet"] + nodes["component"]
    for company in nodes["company"]:
        home = rng.choices(nodes["country"], weights=zipf)[0]
        link(company, "headquarteredIn", [home], 1, 1)
        link(company, "produces", products, 1, 3)
        link(company, "supplies", nodes["company"], 0, 2)
    for facility in nodes["facility"]:
        link(facility, "locatedIn", rng.choices(nodes["country"], weights=zipf), 1, 1)
        link(rng.choice(nodes["company"]), "operates", [facility], 1, 1)
        link(facility, "produces", products, 1, 2)
    figures = []
    for element in nodes["element"]:
        for stage in STAGES:
            producers = rng.sample(nodes["country"], 5)
            weights = [rng.paretovariate(1.2) for _ in producers]
            for country, weight in zip(producers, weights, strict=True):
                figures.append(
                    CountryFigure(
                        f"urn:obs:{element}:{stage}:{country}",
                        "share",
                        country,
                        stage,
                        element,
                        2024,
                        round(weight / sum(weights), 4),
                        None,
                        None,
                        "high",
                        ("urn:source:bench",),
                    )
                )
    policies, statuses = {}, {}
    top = nodes["country"][0]
    for i in range(5):
        policy = f"urn:policy:{i}"
        graph.add_node(policy, type="policy", label=f"control {i}")
        graph.add_edge(
            policy, top, key="jurisdiction", kind="jurisdiction", family="jurisdiction", sources=[]
        )
        link(policy, "controls", nodes["element"], 2, 4)
        policies[policy] = PolicyWindow(policy, True, False, dt.date(2025, 1, 1), None)
        statuses[policy] = [PolicyStatus("in force", dt.date(2025, 1, 1), None)]
    return Projection(graph, figures, policies, statuses=statuses)


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="node counts, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'nodes':>8} {'edges':>8} {'build s':>8} {'rank s':>8} {'simulate s':>10} "
        f"{'chains s':>9} {'rank ratio':>10}"
    )
    baseline = None
    for n in sizes:
        build_start = time.perf_counter()
        projection = synthetic(n)
        build = time.perf_counter() - build_start
        ranking = timed(lambda p=projection: rank(p, ON, top=20))
        scenario = timed(lambda p=projection: simulate(p, "urn:country:0", None, ON))
        chains = timed(
            lambda p=projection: find_chains(p, "urn:element:0", "urn:industry:0", 6, 20)
        )
        baseline = baseline or ranking
        graph = projection.graph
        print(
            f"{graph.number_of_nodes():>8} {graph.number_of_edges():>8} {build:>8.2f} "
            f"{ranking:>8.2f} {scenario:>10.2f} {chains:>9.2f} {ranking / baseline:>10.1f}"
        )


if __name__ == "__main__":
    main()
