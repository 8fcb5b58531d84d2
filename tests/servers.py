"""Real servers for tests on free loopback ports: ``rarekg serve``, Oxigraph server, Virtuoso."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on now, chosen by the kernel."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60
) -> None:
    """Poll ``url`` until it answers; fail with the server's output if it dies or stalls."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = log.read_text(errors="replace")
            raise RuntimeError(f"server exited with {process.returncode}:\n{out}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server at {url} did not answer within {seconds} s")


@contextmanager
def running(
    command: Sequence[str],
    probe: str,
    seconds: float = 60,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server command until the block ends; stop it by its own process.

    Its output goes to a file (a pipe nobody reads would fill and stall the server).
    """
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(command),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=os.environ.copy() if env is None else env,
            )
        try:
            wait_until_up(probe, process, log, seconds)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def rarekg_server(
    *args: str, root: Path | None = None, analyses: str = "ready"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``rarekg serve`` on a free loopback port, once its analyses are ``analyses``.

    Yields its URL and its process.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = ["--root", str(root)] if root else []
    command = [str(VENV_BIN / "rarekg"), *data, "serve", "--port", str(port), *args]
    with running(command, base + "/healthz") as process:
        at_rest(lambda: httpx.get(base + "/healthz", timeout=30).json(), analyses=analyses)
        yield base, process


def at_rest(health: Callable[[], Any], seconds: float = 180, analyses: str = "ready") -> None:
    """Wait until ``/healthz`` (read by ``health``) says the analyses are past warming up.

    The analysis worker warms up after the endpoint is up, and an analysis asked
    meanwhile may get 503 past the time limit: tests start from a server at rest.

    Raises:
        RuntimeError: the analyses ended otherwise than ``analyses`` says (``ready``, or
            ``failed``: the worker died warming up), or still warm up after ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while (readiness := health().get("analyses")) == "warming":
        if time.monotonic() > deadline:
            raise RuntimeError(f"the analyses did not warm up within {seconds} s")
        time.sleep(0.2)
    if readiness != analyses:
        raise RuntimeError(f"the analyses are {readiness}, not {analyses}: see the server's stderr")


@contextmanager
def rarekg_serve(*args: str, root: Path | None = None) -> Iterator[str]:
    """``rarekg serve`` on a free loopback port (data from ``root`` if given); yields its URL."""
    with rarekg_server(*args, root=root) as (base, _):
        yield base


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants, read from /proc."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # it ended meanwhile
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        pending.extend(int(child) for child in children)
    return total


def children(pid: int) -> set[int]:
    """The direct child processes of a process (a server's query workers)."""
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def client_from(address: str, timeout: float = 30) -> httpx.Client:
    """An HTTP client whose connections come from another loopback address.

    The server gives each client address its own share of the workers, so a test of
    "another client is served meanwhile" must really be another address.
    """
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def oxigraph_binary() -> str:
    """The ``oxigraph`` binary of the oxigraph package; fails clearly when missing."""
    found = shutil.which("oxigraph", path=str(VENV_BIN)) or shutil.which("oxigraph")
    if found is None:
        raise RuntimeError(
            "the oxigraph server binary is missing: install the test extras "
            "(pip install -e '.[test]', which brings the oxigraph package)"
        )
    return found


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: A fresh Virtuoso's administrator account (Debian's virtuoso-opensource package).
VIRTUOSO_ADMIN = ("dba", "dba")


def virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's Virtuoso ini, with every file in ``folder`` and both ports ours.

    The [Database] and [TempDatabase] sections need different file names, or the two
    databases overwrite each other. ``ResultSetMaxRows`` is lifted, since Virtuoso
    would otherwise cut answers at 10,000 rows without an error.
    """
    files = {"DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"}
    section, lines = "", []
    for line in VIRTUOSO_INI.read_text().splitlines():
        key = line.split("=", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[] ")
        elif section in ("Database", "TempDatabase") and key in files:
            suffix = Path(line.split("=", 1)[1].split(";")[0].strip()).suffix
            line = f"{key} = {folder / (section.lower() + suffix)}"
        elif key == "ServerPort" and section in ("Parameters", "HTTPServer"):
            line = f"ServerPort = {sql_port if section == 'Parameters' else http_port}"
        elif key == "ResultSetMaxRows":
            line = "ResultSetMaxRows = 1000000"
        lines.append(line)
    return "\n".join(lines) + "\n"


@contextmanager
def virtuoso() -> Iterator[str]:
    """OpenLink Virtuoso 7 on free loopback ports, in a temp folder; yields its base URL.

    Fails with a clear message when Virtuoso is not installed (``make system-deps``).
    """
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        raise RuntimeError(
            "OpenLink Virtuoso is missing: install Debian's virtuoso-opensource "
            "(make system-deps) to run the tests against it"
        )
    sql_port, http_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        ini = Path(folder) / "virtuoso.ini"
        ini.write_text(virtuoso_ini(Path(folder), sql_port, http_port))
        base = f"http://127.0.0.1:{http_port}"
        # -f keeps it in the foreground, so stopping our process stops Virtuoso.
        with running([binary, "-f", "-c", str(ini)], base + "/sparql", seconds=120):
            yield base


def oxigraph_read_only(store: ox.Store, folder: Path) -> tuple[list[str], str]:
    """Copy ``store`` into an Oxigraph server folder under ``folder``.

    Returns the ``serve-read-only`` command over it (the default graph the union of the
    named graphs, as rarekg answers) and the base URL it will answer on: the baseline
    the benches compare rarekg with.
    """
    dump, location = folder / "graph.nq", folder / "oxigraph"
    store.dump(dump, format=ox.RdfFormat.N_QUADS)
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)], check=True)
    port = free_port()
    bind = f"127.0.0.1:{port}"
    command = [binary, "serve-read-only", "--location", str(location), "--bind", bind]
    return [*command, "--union-default-graph"], f"http://{bind}"
