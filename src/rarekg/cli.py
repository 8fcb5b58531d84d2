"""The ``rarekg`` command line: thin click commands over the library API."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rarekg import __version__
from rarekg.validate import validate

_FORMAT_HELP = "table for people, json for machines"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rarekg")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RAREKG_HOME",
    help="Folder holding ontology/, graph/ and queries/ (default: the shipped data).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """A knowledge graph of the global rare earth trade.

    Every fact is sourced and dated. Start with `rarekg serve` for the SPARQL
    endpoint and the explorer, or `rarekg validate` to check the data.
    """
    ctx.obj = {"root": root}


@main.command("validate")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", help=_FORMAT_HELP
)
@click.pass_obj
def validate_command(obj: dict[str, Path | None], fmt: str) -> None:
    """Check syntax, SHACL shapes, integrity checks and OWL consistency.

    Exits 0 only when the ontology and graph are clean; otherwise prints every
    violation with its rule, node and file, and exits 1.
    """
    report = validate(obj["root"])
    click.echo(report.to_json() if fmt == "json" else report.text)
    sys.exit(0 if report.conforms else 1)
