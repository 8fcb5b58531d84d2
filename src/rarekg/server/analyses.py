"""The analyses and explorer pages the API serves, answered whole from one knowledge graph.

They run in a worker process of their own (:mod:`rarekg.server.workers`), like the
queries: past the time limit or the memory ceiling the worker is replaced, and the
server process never computes them. Parameters are read strictly here
(:mod:`rarekg.server.params`), so bad input is a 400 that names the parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rarekg.analysis import (
    AnalysisInputError,
    Projection,
    chains_report,
    chokepoints_report,
    criticality_report,
    exposure_report,
    project,
    simulate_report,
    to_json,
)
from rarekg.analysis.chains import DEFAULT_LIMIT, DEFAULT_MAX_LENGTH, LIMIT_BOUND, MAX_LENGTH_BOUND
from rarekg.analysis.chokepoint_methods import DEFAULT_WEIGHTING, WEIGHTINGS
from rarekg.analysis.chokepoints import DEFAULT_TOP, TOP_BOUND
from rarekg.analysis.criticality import METHODS, Statistics, read_statistics
from rarekg.analysis.reports import YEARS
from rarekg.kg import KnowledgeGraph, Run
from rarekg.server.execute import JSON_TYPE, Answer
from rarekg.server.params import ParameterError, date, text, whole_number
from rarekg.viz import Explorer, FocusNotFound, explore, explorer_page
from rarekg.viz.controls import controls_in_time
from rarekg.viz.entity import entity_view
from rarekg.viz.network import DEFAULT_DEPTH, MAX_DEPTH
from rarekg.viz.timeline import DATE_PARAMETER

_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class AnalysisJob:
    """One analysis to answer: its route name, the request's parameters and body.

    The body (an uploaded bill of materials) lives only as long as the job.
    """

    route: str
    params: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


def _params_only(call: Callable[[Mapping[str, str]], Answer]) -> Callable[[AnalysisJob], Answer]:
    return lambda job: call(dict(job.params))


class Analyses:
    """Answers analysis jobs for one knowledge graph; its projection is built on first use.

    With ``run`` (a remote store's, under ``--store``) the analyses and the explorer's
    pages read the graph through it.
    """

    def __init__(self, kg: KnowledgeGraph, run: Run | None = None) -> None:
        self.kg = kg
        self.run = run
        self._routes: dict[str, Callable[[AnalysisJob], Answer]] = {
            "chains": _params_only(self._chains),
            "chokepoints": _params_only(self._chokepoints),
            "criticality": _params_only(self._criticality),
            "simulate": _params_only(self._simulate),
            "graph": _params_only(self._graph),
            "entity": _params_only(self._entity),
            "timeline": _params_only(self._timeline),
            "exposure": self._exposure,
        }

    def warm(self) -> None:
        """Build the projection and the explorer's view now, before the first request."""
        self.kg.cached(self._explore)

    @property
    def explorer(self) -> Explorer:
        """The explorer's drawing of :attr:`projection`, built once per graph."""
        return self.kg.cached(self._explore)

    def _explore(self, kg: KnowledgeGraph) -> Explorer:
        return explore(kg, run=self.run, projection=self.projection)

    @property
    def projection(self) -> Projection:
        """The network projection the analyses read, built once per graph."""
        return self.kg.cached(self._project)

    def _project(self, kg: KnowledgeGraph) -> Projection:
        return project(kg, self.run)

    @property
    def statistics(self) -> Statistics:
        """The statements the criticality methods read, read once per graph."""
        return self.kg.cached(self._statistics)

    def _statistics(self, kg: KnowledgeGraph) -> Statistics:
        return read_statistics(kg, self.run)

    def answer(self, job: AnalysisJob) -> Answer:
        """The whole HTTP answer to a job; bad input is 400, an unknown focus 404."""
        try:
            return self._routes[job.route](job)
        except (ParameterError, AnalysisInputError) as error:
            return Answer.error(400, str(error))
        except FocusNotFound as error:
            return Answer.error(404, str(error))

    @staticmethod
    def _json(report: object) -> Answer:
        return Answer(200, json.dumps(to_json(report)).encode(), JSON_TYPE)

    def _chains(self, params: Mapping[str, str]) -> Answer:
        source = text(params, "from", required=True) or ""
        target = text(params, "to", required=True) or ""
        max_length = whole_number(params, "max_length", DEFAULT_MAX_LENGTH, 1, MAX_LENGTH_BOUND)
        limit = whole_number(params, "limit", DEFAULT_LIMIT, 1, LIMIT_BOUND)
        return self._json(chains_report(self.projection, source, target, max_length, limit))

    def _chokepoints(self, params: Mapping[str, str]) -> Answer:
        top = whole_number(params, "top", DEFAULT_TOP, 1, TOP_BOUND)
        method = text(params, "method") or DEFAULT_WEIGHTING
        if method not in WEIGHTINGS:
            raise ParameterError(f"method must be one of {', '.join(WEIGHTINGS)}, not {method!r}")
        report = chokepoints_report(self.projection, top=top, on=text(params, "on"), method=method)
        return self._json(report)

    def _criticality(self, params: Mapping[str, str]) -> Answer:
        method = text(params, "method")
        if method is not None and method not in METHODS:
            raise ParameterError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        listed = text(params, "year")
        year = None if listed is None else whole_number(params, "year", 0, *YEARS)
        report = criticality_report(
            self.projection,
            self.statistics,
            method=method,
            item=text(params, "item"),
            year=year,
            importer=text(params, "importer"),
            on=text(params, "on"),
        )
        return self._json(report)

    def _simulate(self, params: Mapping[str, str]) -> Answer:
        restrict = text(params, "restrict", required=True) or ""
        listed = text(params, "items")
        items = listed.split(",") if listed else None
        report = simulate_report(self.projection, restrict, items, on=text(params, "on"))
        return self._json(report)

    def _exposure(self, job: AnalysisJob) -> Answer:
        on = text(dict(job.params), "on")
        return self._json(exposure_report(self.kg, job.body, on=on))

    def _graph(self, params: Mapping[str, str]) -> Answer:
        focus = text(params, "focus")
        depth = whole_number(params, "depth", DEFAULT_DEPTH, 1, MAX_DEPTH)
        on = date(params, DATE_PARAMETER)
        page = explorer_page(self.explorer, focus=focus, depth=depth, on=on)
        return Answer(200, page.encode(), _HTML)

    def _timeline(self, params: Mapping[str, str]) -> Answer:
        """The time control's data and the controls, for the map and flows pages."""
        view = controls_in_time(self.explorer)
        return Answer(200, json.dumps(view).encode(), JSON_TYPE)

    def _entity(self, params: Mapping[str, str]) -> Answer:
        """An entity page's sections (:func:`rarekg.viz.entity.entity_view`) as JSON."""
        iri = text(params, "iri", required=True) or ""
        on = date(params, DATE_PARAMETER) or dt.date.today()
        view = entity_view(self.explorer, self.projection, iri, on)
        return Answer(200, json.dumps(view).encode(), JSON_TYPE)
