"""The ``rarekg`` command line: thin click commands over the library API."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from rarekg import __version__
from rarekg.analysis import (
    AnalysisInputError,
    chains_report,
    chains_text,
    chokepoints_report,
    chokepoints_text,
    criticality_report,
    criticality_text,
    exposure_csv,
    exposure_html,
    exposure_report,
    exposure_text,
    simulate_report,
    simulate_text,
    to_json,
)
from rarekg.analysis.chains import DEFAULT_LIMIT, DEFAULT_MAX_LENGTH, LIMIT_BOUND, MAX_LENGTH_BOUND
from rarekg.analysis.chokepoint_methods import DEFAULT_WEIGHTING, WEIGHTINGS
from rarekg.analysis.chokepoints import DEFAULT_TOP, TOP_BOUND
from rarekg.analysis.criticality import METHODS
from rarekg.analysis.criticality.compare import comparison_text
from rarekg.analysis.projection import dataset_horizon
from rarekg.analysis.reports import YEARS, comparison_report
from rarekg.build import STORE_DIR_ENV, to_stderr
from rarekg.export import EXPORTERS, export
from rarekg.formats import FORMATS, RESULTS, by_name, kind_of, serialize
from rarekg.imports.convert import LAYOUTS, ImportFailure, convert_file, layout_mapping
from rarekg.kg import KnowledgeGraph, QueryError, build_store, load
from rarekg.paths import find_artefacts
from rarekg.queries import (
    LibraryQuery,
    QueryNotFoundError,
    discover,
    run_library_query,
)
from rarekg.settings import MIB, Settings, format_size, parse_size
from rarekg.store import LoadError
from rarekg.user_data import DATA_ENV
from rarekg.viz.network import DEFAULT_DEPTH, MAX_DEPTH

R = TypeVar("R")


def _version(ctx: click.Context, given: bool) -> None:
    """Print the version and the dataset's horizon (it needs the shipped graph loaded)."""
    if not given or ctx.resilient_parsing:
        return
    horizon = dataset_horizon(load())
    checked = horizon.isoformat() if horizon else "an unstated day"
    click.echo(f"rarekg {__version__}; policy statuses checked up to {checked}")
    ctx.exit()


_FORMAT_HELP = "table for people, json for machines"

_format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", help=_FORMAT_HELP
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _, given: _version(ctx, given),
    help="Show the version and the day up to which policy statuses were checked.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RAREKG_HOME",
    help="Folder holding ontology/, graph/ and queries/ (default: the shipped data).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    help="Your own data beside the shipped graph, for every command: a folder of .ttl, "
    ".trig and .csv files (each CSV with its CSVW mapping NAME.csv-metadata.json), each "
    "loaded into the graph user/NAME (docs/import.md). Nothing is written into it.",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None, data: Path | None) -> None:
    """A knowledge graph of the global rare earth trade.

    Every fact is sourced and dated. Start with `rarekg serve` for the SPARQL
    endpoint and the explorer, or `rarekg validate` to check the data.
    """
    ctx.obj = {"root": root, "data": data}


@main.command("validate")
@_format_option
@click.pass_obj
def validate_command(obj: dict[str, Path | None], fmt: str) -> None:
    """Check syntax, SHACL shapes, integrity checks and OWL consistency.

    Exits 0 only when the ontology and graph (and the graphs of --data) are clean;
    otherwise prints every violation with its rule, node and file, and exits 1.
    """
    from rarekg.validate import validate  # pySHACL and owlready2: only for this command

    report = validate(obj["root"], obj["data"])
    click.echo(report.to_json() if fmt == "json" else report.text)
    sys.exit(0 if report.conforms else 1)


# --- the store: build, and loading for every other command -------------------------------


def _load(obj: dict[str, Path | None], store_dir: Path | None = None) -> KnowledgeGraph:
    """The knowledge graph, its store built first when an input changed (progress on stderr).

    A file that cannot be read or parsed is reported as file:line:column; a bad row of
    a CSV file of --data as file:row:column, exiting 2.
    """
    try:
        return load(obj["root"], store_path=store_dir, echo=to_stderr, data=obj["data"])
    except ImportFailure as error:
        _fail(str(error))
    except LoadError as error:
        raise click.ClickException(str(error)) from None


@main.command("build")
@click.option(
    "--store-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=STORE_DIR_ENV,
    default=None,
    help=f"Folder of the store (default: ${STORE_DIR_ENV}, which every command reads, "
    "else one per data root under the cache folder).",
)
@click.option("--fresh", is_flag=True, help="Rebuild every graph and reason afresh.")
@click.pass_obj
def build_command(obj: dict[str, Path | None], store_dir: Path | None, fresh: bool) -> None:
    """Build the on-disk store from the files; only what changed since the last build.

    Each changed file is bulk-loaded into its named graph, then the inferred graph is
    made; a build that fails leaves the previous store as it was. serve, query and the
    analyses build implicitly; this command does it ahead of time.
    """
    try:
        opened = build_store(
            obj["root"],
            store_path=store_dir,
            use_cache=not fresh,
            echo=to_stderr,
            data=obj["data"],
        )
    except ImportFailure as error:
        _fail(str(error))
    except LoadError as error:
        raise click.ClickException(str(error)) from None
    if not opened.built:
        click.echo(f"up to date: {opened.path}")
        return
    loaded = [name.rsplit("/", 1)[-1] for name in opened.manifest.rebuilt]
    how = "from the cache" if opened.reasoning.from_cache else "by the reasoner"
    click.echo(f"built {opened.path}: loaded {', '.join(loaded) or 'no graph'}; inferred {how}")


# --- analysis: chains, chokepoints, simulate, exposure, export ----------------------------


def _analysis_output(call: Callable[[], R], fmt: str, text: Callable[[R], str]) -> None:
    """Run an analysis and print its result; bad input is a usage error naming candidates."""
    try:
        report = call()
    except AnalysisInputError as error:
        raise click.UsageError(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(to_json(report), indent=2, ensure_ascii=False))
    else:
        click.echo(text(report))


_on_option = click.option(
    "--on", "on", metavar="DATE", default=None, help="As of this day, YYYY-MM-DD (default: today)."
)


@main.command("chains")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option(
    "--max-length",
    type=click.IntRange(1, MAX_LENGTH_BOUND),
    default=DEFAULT_MAX_LENGTH,
    show_default=True,
    help="Longest chain, in relations.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, LIMIT_BOUND),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Most chains to list.",
)
@_format_option
@click.pass_obj
def chains_command(
    obj: dict[str, Path | None], source: str, target: str, max_length: int, limit: int, fmt: str
) -> None:
    """Every dependency chain from FROM to TO (labels, symbols or IRIs), shortest first.

    Each relation is shown with its sources. Example: rarekg chains Dy "wind energy".
    """
    kg = _load(obj)
    _analysis_output(lambda: chains_report(kg, source, target, max_length, limit), fmt, chains_text)


@main.command("chokepoints")
@click.option(
    "--top",
    type=click.IntRange(1, TOP_BOUND),
    default=DEFAULT_TOP,
    show_default=True,
    help="How many to list.",
)
@click.option(
    "--method",
    type=click.Choice(list(WEIGHTINGS)),
    default=DEFAULT_WEIGHTING,
    show_default=True,
    help="The weighting of the score; each weight's basis is in docs/criticality.md.",
)
@_on_option
@_format_option
@click.pass_obj
def chokepoints_command(
    obj: dict[str, Path | None], top: int, method: str, on: str | None, fmt: str
) -> None:
    """Rank the chokepoints of the supply chain, with the measures and evidence behind each.

    The composite weighs concentration, dominance, betweenness, minimum cut and control;
    --method concentration, network or equal ranks by another weighting.
    """
    kg = _load(obj)
    _analysis_output(
        lambda: chokepoints_report(kg, top=top, on=on, method=method), fmt, chokepoints_text
    )


@main.command("criticality")
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default=None,
    help="One published method (default: all): geopolrisk, eu-sr or hhi.",
)
@click.option("--item", default=None, metavar="ITEM", help="The item or material (name or IRI).")
@click.option(
    "--year", type=click.IntRange(*YEARS), default=None, help="The year (default: the latest)."
)
@click.option(
    "--importer",
    default=None,
    metavar="COUNTRY",
    help="The importing country, for GeoPolRisk (default: the largest importers).",
)
@click.option(
    "--compare",
    is_flag=True,
    help="Instead: the rank correlation of the composite chokepoint score with each method.",
)
@_on_option
@_format_option
@click.pass_obj
def criticality_command(
    obj: dict[str, Path | None],
    method: str | None,
    item: str | None,
    year: int | None,
    importer: str | None,
    compare: bool,
    on: str | None,
    fmt: str,
) -> None:
    """Criticality by published methods, each input shown with its sources.

    GeoPolRisk (per importer, material and year), EU supply risk (the Commission's 2017
    method) and the HHI per stage and element. An input the graph lacks is listed as
    insufficient data, never filled in. The statistics come from the stats extra.
    Example: rarekg criticality --method geopolrisk --importer Japan --year 2022.
    """
    kg = _load(obj)
    if compare:
        _analysis_output(lambda: comparison_report(kg, on=on), fmt, comparison_text)
        return
    _analysis_output(
        lambda: criticality_report(
            kg, method=method, item=item, year=year, importer=importer, on=on
        ),
        fmt,
        criticality_text,
    )


@main.command("simulate")
@click.option(
    "--restrict",
    required=True,
    metavar="COUNTRY",
    help="The restricting country: ISO code or name.",
)
@click.option(
    "--items",
    default=None,
    metavar="A,B",
    help="Restricted items (default: all its export controls in force control).",
)
@_on_option
@_format_option
@click.pass_obj
def simulate_command(
    obj: dict[str, Path | None], restrict: str, items: str | None, on: str | None, fmt: str
) -> None:
    """Model what an export restriction by COUNTRY cuts, and who is exposed (modelled)."""
    kg = _load(obj)
    names = None if items is None else items.split(",")
    _analysis_output(lambda: simulate_report(kg, restrict, names, on=on), fmt, simulate_text)


#: The exposure report's formats besides json (rarekg.analysis.exposure_results).
_EXPOSURE_WRITERS: dict[str, Callable[[Any], str]] = {
    "table": exposure_text,
    "csv": exposure_csv,
    "html": exposure_html,
}


@main.command("exposure")
@click.argument("bom", metavar="BOM.csv", type=click.Path(dir_okay=False, path_type=Path))
@_on_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*_EXPOSURE_WRITERS, "json"]),
    default="table",
    help="table for people, json for machines (docs/exposure.md), csv, or an html page.",
)
@click.pass_obj
def exposure_command(obj: dict[str, Path | None], bom: Path, on: str | None, fmt: str) -> None:
    """Which export controls a bill of materials depends on, and their status on a day.

    BOM.csv has the columns part,parent,quantity,unit,item,supplier,supplier_country
    (docs/exposure.md). Bad input exits 2 naming the row and column; nothing is written.
    Example: rarekg exposure examples/ev-drive-unit-bom.csv --on 2025-06-01
    """
    try:
        data = bom.read_bytes()
    except OSError as error:
        raise click.UsageError(f"cannot read {bom}: {error.strerror}") from None
    kg = _load(obj)
    writer = _EXPOSURE_WRITERS.get(fmt, exposure_text)
    _analysis_output(lambda: exposure_report(kg, data, on=on), fmt, writer)


@main.command("import")
@click.argument("layout", type=click.Choice(LAYOUTS))
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="DIR/NAME.ttl",
    help="The Turtle file to write (replaced atomically); put it in your --data folder "
    "to load it as the graph user/NAME.",
)
@click.pass_obj
def import_command(obj: dict[str, Path | None], layout: str, csv_file: Path, output: Path) -> None:
    """Convert a CSV file of a known LAYOUT to Turtle once, through its CSVW mapping.

    Layouts (docs/import.md): bom (part,parent,quantity,unit,item,supplier,
    supplier_country), suppliers (company,country,stage,item,capacity,unit,year) and
    comtrade (UN Comtrade's bulk CSV: refYear, refMonth or period, reporterISO,
    partnerISO, flowCode, cmdCode, netWgt, ...). Names are resolved against the graph.
    A bad row stops the import with FILE:ROW:COLUMN and the reason, exit 2; nothing is
    written. Example: rarekg import comtrade examples/comtrade-extract.csv -o my/trade.ttl
    """
    if not output.parent.is_dir():
        raise click.UsageError(f"no such folder: {output.parent}")
    if not csv_file.is_file():
        raise click.UsageError(f"no such file: {csv_file}")
    kg = _load(obj)

    def progress(rows: int) -> None:
        to_stderr(f"{rows:,} rows converted")

    try:
        rows = convert_file(csv_file, layout_mapping(layout), output, kg, progress=progress)
    except ImportFailure as error:
        _fail(str(error))
    click.echo(f"wrote {output}: {rows} rows as the graph user/{output.stem}")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORTERS)),
    required=True,
    help="turtle, nt, jsonld, rdfxml: the reasoned graph (all graphs merged, inferred triples "
    "included); trig, nquads: the same with each named graph kept, as `rarekg load` puts "
    "them in a store; graphml: the network projection for Gephi (scalar attributes only).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced atomically).",
)
@click.pass_obj
def export_command(obj: dict[str, Path | None], fmt: str, output: Path) -> None:
    """Write the graph, or its network projection, to a file."""
    if not output.parent.is_dir():
        raise click.UsageError(f"no such folder: {output.parent}")
    export(_load(obj), fmt, output)
    click.echo(f"wrote {output}")


# --- server: serve, load ---------------------------------------------------------------------


class _SizeType(click.ParamType[int]):
    """A size in bytes, with an optional unit: 1048576, 512KiB, 64MiB, 1GiB."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def _settings_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command one option per :class:`Settings` field, its help and default read there."""
    for name, default, meta in reversed(Settings.options()):
        flag = meta.get("option", "--" + name.replace("_", "-"))
        kwargs: dict[str, Any] = {"help": meta["help"], "metavar": meta.get("metavar")}
        if isinstance(default, bool):
            command = click.option(flag, name, is_flag=True, **kwargs)(command)
            continue
        # A default computed on this machine (the worker count) is left to Settings.
        if not meta.get("computed"):
            kwargs |= {"default": default, "show_default": default not in (None, ())}
        if meta.get("choices"):
            kwargs |= {"type": click.Choice(meta["choices"])}
        elif isinstance(default, tuple):
            kwargs |= {"multiple": True}
        elif meta.get("size"):
            kwargs |= {"type": _SizeType(), "show_default": format_size(default), "metavar": "SIZE"}
        elif isinstance(default, float):
            kwargs |= {"type": click.FloatRange(min=0, min_open=True), "metavar": "S"}
        elif isinstance(default, int):
            kwargs |= {"type": click.IntRange(meta.get("low", 1), meta.get("high"))}
        command = click.option(flag, name, **kwargs)(command)
    return command


@main.command("serve")
@_settings_options
@click.pass_obj
def serve_command(obj: dict[str, Path | None], /, **options: Any) -> None:
    """Serve the SPARQL endpoint, the query page, the JSON API and the graph explorer.

    Read-only: SPARQL Update is refused. Binds to the loopback address unless --host
    says otherwise. Memory stays under workers x --worker-memory + --cache-bytes plus
    the server's base (about 150 MiB with the shipped graph); every request is bounded
    by --timeout, --max-body, --max-url, --max-headers and --read-timeout.
    """
    from rarekg.server.app import serve

    given = {name: value for name, value in options.items() if value is not None}
    serve(_load(obj), Settings(**given))


@main.command("load")
@click.option(
    "--store",
    metavar="URL",
    required=True,
    help="The store's SPARQL 1.1 query endpoint, as for `rarekg serve --store` (e.g. "
    "Oxigraph server's http://HOST:PORT/query, Virtuoso's http://HOST:PORT/sparql).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="The store's Graph Store Protocol endpoint. Found from --store for Oxigraph "
    "server (/query -> /store) and Virtuoso (/sparql -> /sparql-graph-crud-auth), told "
    "apart by the Server header they send; needed for any other store.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds the store may take to take each part of a graph, its answer included.",
)
@click.option(
    "--part-size",
    type=_SizeType(),
    default=4 * MIB,
    show_default="4MiB",
    help="Most N-Triples bytes sent in one request; a larger graph is sent in parts.",
)
@click.pass_obj
def load_command(
    obj: dict[str, Path | None],
    store: str,
    graph_store: str | None,
    timeout: float,
    part_size: int,
) -> None:
    """Push the reasoned graph into a remote store, one named graph per source file.

    Each graph replaces the store's graph of the same name. Credentials, when the store
    asks (basic or digest), come from RAREKG_STORE_USER and RAREKG_STORE_PASSWORD, else
    from ~/.netrc, and are never shown. Progress goes to standard error; the store's
    answers are read within --timeout and shown as a short excerpt when it refuses.
    """
    from rarekg.graph_store import graph_store_url, push, shown
    from rarekg.remote import RemoteStoreError

    def progress(name: str, number: int, total: int, done: int) -> None:
        click.echo(f"{name}: part {number}/{total}, {format_size(done)} sent", err=True)

    try:
        target = graph_store or graph_store_url(store)
        sent = push(_load(obj), target, timeout=timeout, part_size=part_size, progress=progress)
    except RemoteStoreError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"pushed {sum(sent.values())} triples in {len(sent)} graphs to {shown(target)}")


# --- query library: queries, query ---------------------------------------------------------


def _fail(message: str) -> NoReturn:
    """Report bad input on one line and exit 2, as click does for usage errors."""
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    sys.exit(2)


@main.command("queries")
@_format_option
@click.pass_obj
def queries_command(obj: dict[str, Path | None], fmt: str) -> None:
    """List the query library: each question's name, title and parameters."""
    found = discover(find_artefacts(obj["root"]).queries_dir)
    if fmt == "json":
        click.echo(json.dumps([q.describe() for q in found], indent=2, ensure_ascii=False))
        return
    for q in found:
        params = " ".join(
            f"{p.name}={p.example}" + ("" if p.required else " (optional)") for p in q.parameters
        )
        click.echo(f"{q.name}\n    {q.title}" + (f"\n    --param {params}" if params else ""))


@main.command("query")
@click.argument("query", metavar="NAME|FILE.rq|-")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query (repeatable); `rarekg queries` lists them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted({f.name for f in FORMATS})),
    default=None,
    help="table (default), json (SPARQL JSON results), csv, tsv, xml; for CONSTRUCT: "
    "turtle (default), nt, jsonld, rdfxml.",
)
@click.pass_obj
def query_command(
    obj: dict[str, Path | None], query: str, params: tuple[str, ...], fmt: str | None
) -> None:
    """Run a library query by NAME, a SPARQL file, or SPARQL read from standard input (-).

    Example: rarekg query controls-in-force --param date=2025-12-01
    """
    values: dict[str, str] = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name.strip():
            _fail(f"--param {param!r}: write NAME=VALUE")
        if name.strip() in values:
            _fail(f"--param {name.strip()!r} given twice")
        values[name.strip()] = value
    try:
        if query == "-":
            target: str | Path | LibraryQuery = LibraryQuery.from_text(sys.stdin.read(), "-")
        elif query.endswith(".rq"):
            target = Path(query)
        else:
            target = query
        results = run_library_query(_load(obj), target, values)
        kind = kind_of(results)
        output = by_name(fmt or ("table" if kind == RESULTS else "turtle"), kind)
        click.echo(serialize(results, output), nl=False)
    except (QueryNotFoundError, QueryError, ValueError) as error:
        # ValueError covers bad parameters and formats, and a malformed `#+ param:` line.
        _fail(str(error))


# --- viz: the offline explorer page ---------------------------------------------------------


@main.command("viz")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/explorer.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option(
    "--focus",
    metavar="THING",
    help="Show only the neighbourhood of this thing (a name, code or IRI).",
)
@click.option(
    "--depth",
    type=click.IntRange(1, MAX_DEPTH),
    default=DEFAULT_DEPTH,
    show_default=True,
    help="How many edges out from --focus.",
)
@click.pass_obj
def viz_command(obj: dict[str, Path | None], output: Path, focus: str | None, depth: int) -> None:
    """Write the graph explorer as one self-contained HTML file that works offline.

    Example: rarekg viz -o dysprosium.html --focus Dy --depth 2
    """
    from rarekg.viz import FocusNotFound, write_page

    try:
        written = write_page(_load(obj), output, focus=focus, depth=depth)
    except FocusNotFound as error:
        _fail(str(error))
    click.echo(f"wrote {written}")
