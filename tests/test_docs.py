"""The README's command table and the question table are what the code says (rarekg.docs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from rarekg import docs
from rarekg.cli import main


def test_generated_tables_are_current() -> None:
    assert docs.stale(REPO) == [], "run `make docs-tables` and commit the READMEs"


def test_a_changed_help_makes_the_readme_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main.commands["chains"], "help", "Something else entirely.")
    assert docs.stale(REPO) == [REPO / "README.md"]


def test_a_new_option_makes_the_readme_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    command = main.commands["serve"]
    monkeypatch.setattr(command, "params", [*command.params, *main.commands["viz"].params[-1:]])
    assert docs.stale(REPO) == [REPO / "README.md"]
    assert "[--depth N]" in docs.commands_table().split("rarekg serve")[1].splitlines()[0]


def test_check_fails_on_a_stale_table_and_the_rewrite_mends_it(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    shutil.copy(REPO / "queries" / "README.md", tmp_path / "queries" / "README.md")
    for path in (REPO / "queries").glob("*.rq"):
        shutil.copy(path, tmp_path / "queries" / path.name)
    readme = (REPO / "README.md").read_text("utf-8")
    (tmp_path / "README.md").write_text(readme.replace("| `rarekg chains", "| `rarekg chainz"))
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1
    assert docs.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text("utf-8") == readme
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
