"""Validation: parse, SHACL, integrity-check queries and OWL consistency, in one report.

A report names, for every problem, the stage, the rule (the SHACL shape, the check
query or the reasoner), the offending node and the file it is in, in words a curator
can act on. Parsing comes first: when a file cannot be read, nothing else runs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from rarekg.kg import source_files
from rarekg.namespaces import sparql_prologue
from rarekg.paths import Artefacts, find_artefacts, parse_header
from rarekg.reason import InconsistentOntology, reason
from rarekg.store import LoadError, SourceFile, graph_nodes, load_into, new_store, parse_file


@dataclass(frozen=True)
class Violation:
    """One problem found by validation.

    Attributes:
        stage: ``parse``, ``shacl``, ``check`` or ``owl``.
        rule: the shape, check query or reasoner rule that was broken.
        message: what is wrong, for a person.
        node: the offending node's IRI, when there is one.
        file: the file that holds the node (or could not be read).
    """

    stage: str
    rule: str
    message: str
    node: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = f" in {self.file}" if self.file else ""
        node = f" {self.node}" if self.node else ""
        return f"[{self.stage}] {self.rule}:{node}{where}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`; it conforms when nothing was found."""

    violations: list[Violation] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when no stage found a problem."""
        return not self.violations

    @property
    def text(self) -> str:
        """The report for a person, one line per violation."""
        ran = ", ".join(self.stages)
        if self.conforms:
            return f"valid: no violations ({ran})"
        lines = [str(v) for v in self.violations]
        lines.append(f"{len(self.violations)} violation(s) ({ran})")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The report for a machine."""
        data = {
            "conforms": self.conforms,
            "stages": self.stages,
            "violations": [asdict(v) for v in self.violations],
        }
        return json.dumps(data, indent=2)


def _files_by_subject(store: ox.Store, sources: list[SourceFile]) -> dict[str, str]:
    """Map each subject IRI to the first source file that describes it."""
    owner: dict[str, str] = {}
    for source in sources:
        graph = ox.NamedNode(str(source.graph))
        for quad in store.quads_for_pattern(None, None, None, graph):
            if isinstance(quad.subject, ox.NamedNode):
                owner.setdefault(quad.subject.value, source.path.name)
    return owner


def _rdflib_graph(store: ox.Store, sources: list[SourceFile]) -> Graph:
    graph = Graph()
    for source in sources:
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(str(source.graph)))
        data = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
        graph.parse(data=data, format="nt")
    return graph


def _node_shape(shapes: Graph, shape: URIRef) -> str:
    """Name the node shape a (possibly anonymous) property shape belongs to."""
    if isinstance(shape, URIRef):
        return shapes.namespace_manager.normalizeUri(shape)
    for parent in shapes.subjects(SH.property, shape):
        return _node_shape(shapes, parent)
    return "anonymous shape"


def shacl_violations(
    store: ox.Store, artefacts: Artefacts, data_sources: list[SourceFile], owner: dict[str, str]
) -> list[Violation]:
    """Run the SHACL shapes over the curated graph (the ontology gives the class tree)."""
    shapes = Graph().parse(artefacts.shapes_file, format="turtle")
    ontology = Graph().parse(artefacts.ontology_file, format="turtle")
    data = _rdflib_graph(store, data_sources)
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    found: set[Violation] = set()
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = str(results.value(result, SH.resultMessage) or "violates the shape")
        if path is not None and isinstance(path, URIRef):
            message = f"{shapes.namespace_manager.normalizeUri(path)}: {message}"
        node = str(focus) if focus is not None else None
        shape = _node_shape(shapes, results.value(result, SH.sourceShape))
        # A node reached through two target classes is reported once per target.
        found.add(Violation("shacl", shape, message, node, owner.get(node or "")))
    return sorted(found, key=lambda v: (v.file or "", v.node or "", v.rule, v.message))


def check_violations(
    store: ox.Store, artefacts: Artefacts, sources: list[SourceFile], owner: dict[str, str]
) -> list[Violation]:
    """Run every ``queries/checks/*-violation.rq``; each row is a violation."""
    graphs = graph_nodes(sources)
    found = []
    for path in sorted((artefacts.queries_dir / "checks").glob("*.rq")):
        text = path.read_text("utf-8")
        title = (parse_header(text).get("title") or [path.stem])[0]
        rows = store.query(sparql_prologue() + text, default_graph=graphs)
        if not isinstance(rows, ox.QuerySolutions):
            raise ValueError(f"{path}: a check must be a SELECT query")
        names = [v.value for v in rows.variables]
        for row in rows:
            values = {n: row[n] for n in names if row[n] is not None}
            node = values.get(names[0])
            detail = ", ".join(f"{n}={v.value}" for n, v in values.items())
            node_iri = node.value if isinstance(node, ox.NamedNode) else None
            found.append(
                Violation(
                    "check",
                    path.stem,
                    f"{title} ({detail})",
                    node_iri,
                    owner.get(node_iri or ""),
                )
            )
    return found


def owl_violations(
    store: ox.Store, artefacts: Artefacts, sources: list[SourceFile], owner: dict[str, str]
) -> list[Violation]:
    """Reason afresh with HermiT; an inconsistency names the nodes and classes involved."""
    try:
        reason(store, sources, artefacts.queries_dir / "rules", cache_file=None)
    except InconsistentOntology as error:
        if not error.clashes:
            return [Violation("owl", "consistency", str(error))]
        return [
            Violation(
                "owl", "consistency", f"member of disjoint classes {a} and {b}", n, owner.get(n)
            )
            for n, a, b in error.clashes
        ]
    except owlready2.OwlReadyJavaError as error:
        first_line = str(error).strip().splitlines()[-1] if str(error).strip() else "no output"
        return [Violation("owl", "reasoner", f"HermiT failed to run: {first_line}")]
    except FileNotFoundError as error:
        return [Violation("owl", "reasoner", f"cannot run Java for HermiT: {error}")]
    return []


def validate(root: str | Path | None = None, data: str | Path | None = None) -> ValidationReport:
    """Validate the ontology, shapes, curated graph and checks found under ``root``.

    With ``data``, the user's graphs of that folder (:mod:`rarekg.user_data`) are
    validated too, with the same shapes, checks and reasoner, beside the shipped graph.
    """
    report = ValidationReport(stages=["parse"])
    try:
        artefacts = find_artefacts(root)
    except FileNotFoundError as error:
        report.violations.append(Violation("parse", "layout", str(error)))
        return report
    sources = source_files(artefacts)
    store = new_store()
    if data is not None:
        from rarekg.kg import load

        try:
            sources = load(artefacts.root, data=data).sources
        except LoadError as error:
            found = Violation("parse", "syntax", str(error), None, str(error.path))
            report.violations.append(found)
            return report
    try:
        load_into(store, sources)
        parse_file(SourceFile.for_path(artefacts.shapes_file, "shapes"))
    except LoadError as error:
        location = f"line {error.line}, column {error.column}: " if error.line else ""
        report.violations.append(
            Violation("parse", "syntax", location + error.reason, None, str(error.path))
        )
        return report
    owner = _files_by_subject(store, sources)
    report.stages.append("shacl")
    report.violations += shacl_violations(store, artefacts, sources[1:], owner)
    report.stages.append("checks")
    report.violations += check_violations(store, artefacts, sources, owner)
    report.stages.append("owl")
    report.violations += owl_violations(store, artefacts, sources, owner)
    return report
