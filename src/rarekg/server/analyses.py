"""The analyses and explorer pages the API serves, answered whole from one knowledge graph.

They run in a worker process of their own (:mod:`rarekg.server.workers`), like the
queries: past the time limit or the memory ceiling the worker is replaced, and the
server process never computes them. Parameters are read strictly here
(:mod:`rarekg.server.params`), so bad input is a 400 that names the parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rarekg.analysis import (
    AnalysisInputError,
    Projection,
    chains_report,
    chokepoints_report,
    project,
    simulate_report,
)
from rarekg.analysis.projection import Run
from rarekg.kg import KnowledgeGraph
from rarekg.server.execute import JSON_TYPE, Answer
from rarekg.server.params import ParameterError, text, whole_number
from rarekg.viz import Explorer, FocusNotFound, explore, explorer_page

#: Bounds of the analyses' numbers, as the command line has them.
MAX_CHAIN_LENGTH, MAX_CHAINS, MAX_TOP, MAX_DEPTH = 20, 1000, 1000, 6
_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class AnalysisJob:
    """One analysis to answer: its route name and the request's parameters."""

    route: str
    params: tuple[tuple[str, str], ...] = ()


class Analyses:
    """Answers analysis jobs for one knowledge graph; its projection is built on first use.

    With ``run`` (a remote store's, under ``--store``) the analyses read their
    projection through it; the explorer pages still read ``kg``.
    """

    def __init__(self, kg: KnowledgeGraph, run: Run | None = None) -> None:
        self.kg = kg
        self.run = run
        self._projection: Projection | None = None
        self._explorer: Explorer | None = None
        self._routes: dict[str, Callable[[Mapping[str, str]], Answer]] = {
            "chains": self._chains,
            "chokepoints": self._chokepoints,
            "simulate": self._simulate,
            "graph": self._graph,
        }

    def warm(self) -> None:
        """Build the projection and the explorer's view now, before the first request."""
        self._explorer = explore(self.kg)
        _ = self.projection

    @property
    def projection(self) -> Projection:
        """The network projection the analyses read."""
        if self._projection is None:
            self._projection = project(self.kg, self.run)
        return self._projection

    def answer(self, job: AnalysisJob) -> Answer:
        """The whole HTTP answer to a job; bad input is 400, an unknown focus 404."""
        try:
            return self._routes[job.route](dict(job.params))
        except (ParameterError, AnalysisInputError) as error:
            return Answer.error(400, str(error))
        except FocusNotFound as error:
            return Answer.error(404, str(error))

    @staticmethod
    def _json(report: dict[str, Any]) -> Answer:
        return Answer(200, json.dumps(report).encode(), JSON_TYPE)

    def _chains(self, params: Mapping[str, str]) -> Answer:
        source = text(params, "from", required=True) or ""
        target = text(params, "to", required=True) or ""
        max_length = whole_number(params, "max_length", 6, 1, MAX_CHAIN_LENGTH)
        limit = whole_number(params, "limit", 50, 1, MAX_CHAINS)
        return self._json(chains_report(self.projection, source, target, max_length, limit))

    def _chokepoints(self, params: Mapping[str, str]) -> Answer:
        top = whole_number(params, "top", 20, 1, MAX_TOP)
        return self._json(chokepoints_report(self.projection, top=top, on=text(params, "on")))

    def _simulate(self, params: Mapping[str, str]) -> Answer:
        restrict = text(params, "restrict", required=True) or ""
        listed = text(params, "items")
        items = listed.split(",") if listed else None
        report = simulate_report(self.projection, restrict, items, on=text(params, "on"))
        return self._json(report)

    def _graph(self, params: Mapping[str, str]) -> Answer:
        focus = text(params, "focus")
        depth = whole_number(params, "depth", 1, 1, MAX_DEPTH)
        if self._explorer is None:
            self._explorer = explore(self.kg)
        page = explorer_page(self._explorer, focus=focus, depth=depth)
        return Answer(200, page.encode(), _HTML)
