"""The wheel ships the package with its ontology, graph and queries, and works on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from conftest import REPO
from servers import free_port, running

#: The pages whose scripts the npm build step bundles (web/build.mjs).
BUNDLES = ("editor", "map", "flows")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    (built,) = out.glob("rarekg-*.whl")
    return built


def data_files(folder: str, pattern: str) -> set[str]:
    return {
        f"rarekg/_data/{folder}/{p.relative_to(REPO / folder).as_posix()}"
        for p in (REPO / folder).rglob(pattern)
    }


def test_wheel_holds_package_and_data_and_nothing_stray(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = {n for n in names if n.startswith("rarekg/")}
    expected_data = (
        data_files("ontology", "*.ttl")
        | data_files("graph", "*.ttl")
        | data_files("queries", "*.rq")
    )
    assert expected_data <= package
    assert "rarekg/cli.py" in package and "rarekg/py.typed" in package
    stray = [n for n in names if "__pycache__" in n or n.startswith(("tests/", ".venv", "bench/"))]
    assert stray == []
    code = {n for n in package if not n.startswith("rarekg/_data/")}
    bundles = {n for n in code if n.startswith("rarekg/server/static/dist/")}
    assert {f"rarekg/server/static/dist/{page}.js" for page in BUNDLES} <= bundles
    assert "rarekg/server/static/dist/manifest.json" in bundles
    code -= {"rarekg/server/static/dist/manifest.json"}
    # .json: the CSVW mappings of the import layouts (rarekg/imports/mappings).
    assert all(n.endswith((".py", ".typed", ".html", ".js", ".css", ".json")) for n in code), code


def test_a_wheel_without_the_built_scripts_is_refused(tmp_path: Path) -> None:
    """A wheel whose pages cannot work is never made: the build says how to make them."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    checkout = tmp_path / "checkout"
    for name in filter(None, tracked.split("\0")):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    assert not (checkout / "src/rarekg/server/static/dist").exists()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "out"),
            str(checkout),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "the pages' scripts are not built" in result.stdout + result.stderr
    assert not list((tmp_path / "out").glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and its runtime dependencies only (no extras)."""
    venv = tmp_path_factory.mktemp("plain") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    return venv


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory far from the checkout."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"RAREKG_HOME", "VIRTUAL_ENV"}}


def test_installed_wheel_validates_from_another_directory(installed: Path, elsewhere: Path) -> None:
    env = plain_env()
    result = subprocess.run(
        [installed / "bin" / "rarekg", "validate"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid: no violations" in result.stdout
    location = subprocess.run(
        [
            installed / "bin" / "python",
            "-c",
            "import rarekg.paths as p; print(p.find_artefacts().root)",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert location.startswith(str(installed)), location


def test_installed_wheel_serves_without_extras(installed: Path, elsewhere: Path) -> None:
    extras = subprocess.run(
        [installed / "bin" / "python", "-c", "import pytest"], capture_output=True, check=False
    )
    assert extras.returncode != 0, "the plain install must hold no test extras"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(installed / "bin" / "rarekg"), "serve", "--port", str(port)]
    with running(command, base + "/healthz", cwd=elsewhere, env=plain_env()):
        answer = httpx.get(
            base + "/sparql",
            params={"query": "ASK { rkr:Dysprosium rkg:symbol 'Dy' }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["boolean"] is True
        for page in ("/", "/map", "/flows"):
            assert httpx.get(base + page, timeout=30).status_code == 200, page
        for bundle in BUNDLES:
            script = httpx.get(f"{base}/static/dist/{bundle}.js", timeout=30)
            assert script.status_code == 200 and len(script.content) > 1000, bundle
