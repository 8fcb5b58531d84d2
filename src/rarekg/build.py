"""The on-disk store: built once from the files at engine speed, then opened read-only.

``rarekg build`` (and, when an input changed, every command that reads the graph)
bulk-loads the ontology and each graph file straight from the file into its named
graph of an on-disk Oxigraph store, reasons into the inferred graph, and writes a
manifest of the input digests. A changed file reloads only its graph (and the
inferred graph), unless removing its old quads would take longer than loading every
file afresh. Each build writes a new *generation* beside the current one, starting
from a hard-linked copy of it (RocksDB's checkpoint, ``Store.backup``), and the
manifest is swapped in atomically last: a build that fails, on a syntax error say,
leaves the previous store as it was. Processes open the generation the manifest names
read-only and hold a shared lock on it, so a later build removes an old generation
only once nobody reads it.

Graphs that code makes rather than a file holds (the statistics graphs of
:mod:`rarekg.stats`) come in as :class:`Derived`: written after the reasoning, which never
sees them, and keyed by their own inputs, so they are made again only when those change.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import shutil
import sys
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from rarekg import __version__
from rarekg.paths import Artefacts, cache_dir, write_atomically
from rarekg.reason import Reasoning, reason
from rarekg.store import LoadError, SourceFile

MANIFEST = "manifest.json"
#: The environment variable naming the store folder, for every command alike.
STORE_DIR_ENV = "RAREKG_STORE_DIR"
_BUILD_LOCK = "build.lock"
_GENERATION = "store-"
#: A step still running after this many seconds is announced on stderr.
PROGRESS_DELAY = 1.0
#: How many times longer Oxigraph takes to clear a graph than to bulk-load it (330,000
#: quads of synthetic observations: 91 s against 28 s, measured on a busy machine).
CLEAR_COST = 3
#: Files larger than this (bytes) are streamed into the store in batches (see _bulk_load).
STREAM_ABOVE = 16 << 20
#: Triples per batch of a streamed file: the build's memory stays near 400 MiB.
STREAM_BATCH = 200_000
#: Bumped when the layout of a generation or of the manifest changes.
_LAYOUT = 2


@dataclass(frozen=True)
class FileState:
    """What the manifest knows of one input file: where, how big, when, which bytes."""

    path: str
    size: int
    mtime_ns: int
    digest: str


@dataclass(frozen=True)
class Manifest:
    """The inputs a generation was built from, and what its build rewrote.

    Attributes:
        generation: the generation's folder name inside the store folder.
        graphs: each asserted graph's IRI and the state of its file.
        rules: the state of each rule file, by name.
        inferred: the key of the inputs the inferred graph was computed from.
        rebuilt: IRIs of the graphs this build (re)loaded or made.
        built_at: when the build started (``time.time_ns()``).
        quads: how many quads the generation holds (counted by the engine at build
            time, so that a reader need not count them).
        derived: the key of the derived graphs' own inputs (:attr:`Derived.own_key`).
        derived_reads: the digest of what they read from the asserted graphs.
        derived_quads: how many quads each derived graph holds.
    """

    generation: str
    graphs: dict[str, FileState]
    rules: dict[str, FileState]
    inferred: str
    rebuilt: list[str]
    built_at: int
    quads: int
    derived: str = ""
    derived_reads: str = ""
    derived_quads: dict[str, int] = field(default_factory=dict)
    layout: int = _LAYOUT
    version: str = __version__

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest of the store folder, or ``None`` when there is none usable."""
        try:
            data = json.loads((folder / MANIFEST).read_text("utf-8"))
            if data.get("layout") != _LAYOUT or data.get("version") != __version__:
                return None
            data["graphs"] = {k: FileState(**v) for k, v in data["graphs"].items()}
            data["rules"] = {k: FileState(**v) for k, v in data["rules"].items()}
            manifest = cls(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return manifest if (folder / manifest.generation).is_dir() else None

    def write(self, folder: Path) -> None:
        """Swap this manifest in, atomically."""
        text = json.dumps(asdict(self), indent=1, sort_keys=True)

        def put(path: Path) -> None:
            path.write_text(text, "utf-8")

        write_atomically(folder / MANIFEST, put)


@dataclass
class OpenStore:
    """A generation opened read-only, with the shared lock that keeps it on disk.

    Attributes:
        store: the store, read-only.
        path: the generation's folder, for other processes to open too.
        manifest: what it was built from.
        reasoning: how its inferred graph was obtained in this call.
        built: whether this call wrote the generation (else it only opened it).
    """

    store: ox.Store
    path: Path
    manifest: Manifest
    reasoning: Reasoning
    built: bool
    _lock: ReaderLock = field(repr=False)


class ReaderLock:
    """A shared lock on a generation's lock file, held until this object is collected.

    A raw descriptor, not a file object: it is closed by a finaliser, quietly.
    """

    def __init__(self, path: Path) -> None:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        weakref.finalize(self, os.close, descriptor)


@dataclass(frozen=True)
class Derived:
    """Graphs made by code, not loaded from a file: the statistics graphs.

    They are made again when their own inputs change (``key``) or when what they read
    from the asserted graphs changes (``reads``), not whenever any graph file is edited:
    an edit that leaves the names they resolve alone rebuilds only its own graph.

    Attributes:
        key: digest of what they are made from outside the graph files (a package
            version, a mapping table); empty when there is nothing to make.
        graphs: the IRIs of the graphs they fill.
        make: writes them into the store (whose asserted graphs are loaded) and returns
            how many quads each holds.
        reads: digest of what ``make`` reads from the store's asserted graphs.
        note: said when a build writes a generation without them (why they are missing).
    """

    key: str
    graphs: tuple[str, ...]
    make: Callable[[ox.Store, Progress], dict[str, int]] | None = None
    reads: Callable[[ox.Store], str] | None = None
    note: str | None = None

    @property
    def own_key(self) -> str:
        """The key of their own inputs, this package's version included ("" for none)."""
        if not self.key:
            return ""
        return hashlib.sha256(f"{__version__}\0{self.key}".encode()).hexdigest()[:32]


def default_store_dir(artefacts: Artefacts, data: Path | None = None) -> Path:
    """The store folder of a data root: ``RAREKG_STORE_DIR``, else one under the cache folder.

    Under the cache folder the store is keyed by the root's path: two data roots never
    share a store, and the same root always finds its own again. With the user's data
    folder ``data`` (``--data``) the key holds its path too, and under
    ``RAREKG_STORE_DIR`` such a store is a subfolder: a store with user graphs never
    replaces the one without, nor one with another folder's.
    """
    user = f"-with-{data.name}-{_key(str(data))}" if data is not None else ""
    if env := os.environ.get(STORE_DIR_ENV):
        return Path(env) / user.lstrip("-") if user else Path(env)
    return cache_dir() / "stores" / f"{artefacts.root.name}-{_key(str(artefacts.root))}{user}"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_state(path: Path, known: FileState | None, built_at: int) -> FileState:
    """The state of ``path``, its digest reused from ``known`` when it cannot have changed.

    The bytes are hashed again unless the size and modification time are the ones
    recorded and the file was last modified before the recorded build started (a file
    written during that build might have changed within the clock's resolution).

    Raises:
        LoadError: the file is missing or unreadable.
    """
    try:
        stat = path.stat()
        unchanged = (
            known is not None
            and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
            and stat.st_mtime_ns < built_at
        )
        digest = known.digest if unchanged and known else _digest(path)
    except OSError as error:
        raise LoadError(path, error.strerror or str(error)) from error
    return FileState(str(path), stat.st_size, stat.st_mtime_ns, digest)


def inferred_key(graphs: dict[str, FileState], rules: dict[str, FileState]) -> str:
    """Digest of the package version and every input of the reasoning."""
    digest = hashlib.sha256(__version__.encode())
    for name, state in [*sorted(graphs.items()), *sorted(rules.items())]:
        digest.update(f"{name}\0{state.digest}\0".encode())
    return digest.hexdigest()[:32]


class Progress:
    """Announces on stderr the build steps that take more than a moment.

    A step is announced only once it has run for :data:`PROGRESS_DELAY` seconds, and
    then again when it ends, with its duration: a quick build prints nothing.
    """

    def __init__(self, echo: Callable[[str], None] | None, delay: float = PROGRESS_DELAY):
        self.echo = echo
        self.delay = delay

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Run the block as the step ``what``."""
        if self.echo is None:
            yield
            return
        echo, started, said = self.echo, time.monotonic(), threading.Event()

        def announce() -> None:
            said.set()
            echo(f"{what} ...")

        timer = threading.Timer(self.delay, announce)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            if said.is_set():
                echo(f"{what}: done in {time.monotonic() - started:.1f} s")


def to_stderr(message: str) -> None:
    """Print a progress line on standard error (the command line's progress reporter)."""
    print(f"rarekg: {message}", file=sys.stderr, flush=True)


@contextmanager
def _locked(path: Path, kind: int) -> Iterator[IO[bytes]]:
    stream = path.open("ab")
    try:
        fcntl.flock(stream, kind)
        yield stream
    finally:
        stream.close()


def _bulk_load(store: ox.Store, source: SourceFile, stream_above: int = STREAM_ABOVE) -> None:
    """Load one file into its named graph at engine speed, in bounded memory.

    A file of up to ``stream_above`` bytes goes to Oxigraph's bulk loader whole. The
    bulk loader holds about a million quads in memory before it writes them (its own
    peak: 935 MiB for 1.1 M quads, 1.6 GiB and growing for 11 M, measured here), so a
    larger file is parsed as a stream and bulk-loaded :data:`STREAM_BATCH` triples at a
    time: 364 MiB at 1.1 M quads, for 1.5 times the CPU.

    Raises:
        LoadError: the file is missing, unreadable or not valid Turtle.
    """
    graph = ox.NamedNode(str(source.graph))
    store.clear_graph(graph)
    try:
        if source.path.stat().st_size <= stream_above:
            store.bulk_load(path=source.path, format=ox.RdfFormat.TURTLE, to_graph=graph)
            return
        triples = ox.parse(path=source.path, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
        while batch := list(itertools.islice(triples, STREAM_BATCH)):
            store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in batch])
    except SyntaxError as error:
        # "Parser error between line L column C and ...": keep the reason after it.
        reason_text = str(error.msg).split(": ", 1)[-1]
        raise LoadError(source.path, reason_text, error.lineno, error.offset) from error
    except OSError as error:
        raise LoadError(source.path, error.strerror or str(error)) from error


def _remove_unused(folder: Path, keep: str) -> None:
    """Remove the generations other than ``keep`` that no process holds open."""
    for old in folder.glob(_GENERATION + "*"):
        if old.name == keep or old.suffix == ".lock":
            continue
        lock = folder / f"{old.name}.lock"
        with lock.open("ab") as stream:
            try:
                fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # still read by some process: a later build removes it
            shutil.rmtree(old, ignore_errors=True)
            lock.unlink(missing_ok=True)


def _cheaper_afresh(known: dict[str, FileState], graphs: dict[str, FileState]) -> bool:
    """Tell whether loading every file beats clearing the graphs that changed or went.

    Oxigraph removes a graph's quads one by one, about :data:`CLEAR_COST` times slower
    than it bulk-loads them; file sizes stand in for quad counts.

    Examples:
        >>> a, b = FileState("a", 100, 0, "1"), FileState("b", 10, 0, "2")
        >>> _cheaper_afresh({"a": a, "b": b}, {"a": a, "b": replace(b, digest="3")})
        False
        >>> _cheaper_afresh({"a": a, "b": b}, {"a": replace(a, digest="3"), "b": b})
        True
    """
    cleared = sum(
        state.size
        for name, state in known.items()
        if name not in graphs or graphs[name].digest != state.digest
    )
    return cleared * CLEAR_COST > sum(state.size for state in graphs.values())


def _build(
    folder: Path,
    sources: Sequence[SourceFile],
    rules_dir: Path,
    *,
    reuse: bool,
    cache: Path | None,
    progress: Progress,
    derived: Derived | None = None,
    seed: OpenStore | None = None,
) -> tuple[Manifest, Reasoning | None]:
    """Bring the store folder up to date; return its manifest and how it reasoned.

    The reasoning is ``None`` when nothing changed and no generation was written.
    """
    old = Manifest.read(folder) if reuse else None
    origin = folder
    if old is None and reuse and seed is not None:
        old, origin = seed.manifest, seed.path.parent
    built_at = time.time_ns()
    known = old.graphs if old else {}
    graphs = {
        str(s.graph): file_state(s.path, known.get(str(s.graph)), old.built_at if old else 0)
        for s in sources
    }
    old_rules = old.rules if old else {}
    rules = {
        p.name: file_state(p, old_rules.get(p.name), old.built_at if old else 0)
        for p in sorted(rules_dir.glob("*.rq"))
    }
    key = inferred_key(graphs, rules)
    digests = {name: state.digest for name, state in graphs.items()}
    same = old is not None and {n: s.digest for n, s in known.items()} == digests
    derived_key = derived.own_key if derived is not None else ""
    if old is not None and same and old.inferred == key and old.derived == derived_key:
        if (old.graphs, old.rules) != (graphs, rules):  # touched, not changed
            old = replace(old, graphs=graphs, rules=rules, built_at=built_at)
            old.write(folder)
        return old, None
    remake = old is None or old.derived != derived_key
    base = old if old is not None and not _cheaper_afresh(known, graphs) else None
    if base is not None and remake and any(base.derived_quads.values()):
        base = None  # clearing the old derived quads costs more than a fresh build
    changed = [
        s
        for s in sources
        if base is None
        or str(s.graph) not in known
        or known[str(s.graph)].digest != graphs[str(s.graph)].digest
    ]
    generation = folder / f"{_GENERATION}{uuid.uuid4().hex[:12]}"
    try:
        if base is not None:
            ox.Store.read_only(str(origin / base.generation)).backup(str(generation))
        store = ox.Store(str(generation))
        for gone in set(known) - set(graphs) if base is not None else ():
            store.clear_graph(ox.NamedNode(gone))
        for source in changed:
            size = source.path.stat().st_size / (1 << 20)
            with progress.step(f"loading {source.path.name} ({size:.0f} MiB)"):
                _bulk_load(store, source)
        cache_file = cache / f"inferred-{key}.nt" if cache is not None else None
        with progress.step("reasoning into the inferred graph"):
            reasoning = reason(store, sources, rules_dir, cache_file)
        reads = derived.reads(store) if derived is not None and derived.reads else ""
        remake = remake or base is None or reads != base.derived_reads
        if remake or base is None:
            derived_quads = _make_derived(store, derived, progress)
        else:
            derived_quads = dict(base.derived_quads)
        store.flush()
        quads = len(store)
        del store
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    rebuilt = [str(s.graph) for s in changed] + (list(derived_quads) if remake else [])
    manifest = Manifest(
        generation.name,
        graphs,
        rules,
        key,
        rebuilt,
        built_at,
        quads,
        derived_key,
        reads,
        derived_quads,
    )
    manifest.write(folder)
    return manifest, reasoning


def _make_derived(store: ox.Store, derived: Derived | None, progress: Progress) -> dict[str, int]:
    """Clear the derived graphs and make them afresh; return their quad counts."""
    if derived is None:
        return {}
    for name in derived.graphs:
        store.clear_graph(ox.NamedNode(name))
    if derived.make is None:
        if derived.note and progress.echo is not None:
            progress.echo(derived.note)
        return {}
    return derived.make(store, progress)


def build(
    sources: Sequence[SourceFile],
    rules_dir: Path,
    folder: Path,
    *,
    reuse: bool = True,
    cache: Path | None = None,
    echo: Callable[[str], None] | None = None,
    derived: Derived | None = None,
    seed: OpenStore | None = None,
) -> OpenStore:
    """Build the store in ``folder`` when an input changed, then open it read-only.

    Args:
        sources: the ontology and graph files, one named graph each.
        rules_dir: the SPARQL rules (``queries/rules``); they are inputs too.
        folder: the store folder (see :func:`default_store_dir`).
        reuse: start from the current generation, reloading only changed files;
            ``False`` builds every graph afresh.
        cache: folder of the inferred-graph cache shared by all stores (keyed by the
            inputs' digests), or ``None`` to run the reasoner whenever it must.
        echo: where to announce steps that take more than a moment.
        derived: the graphs made by code (the statistics), if any.
        seed: an opened store whose generation a first build in ``folder`` starts from
            (the shipped store, for a store with the user's graphs): only what differs
            from it is loaded, reasoned or made.

    Raises:
        rarekg.store.LoadError: a file is missing or malformed; the store is unchanged.
        rarekg.reason.InconsistentOntology: the reasoner found a contradiction; the
            store is unchanged.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / _BUILD_LOCK, fcntl.LOCK_EX):
        manifest, reasoning = _build(
            folder,
            sources,
            rules_dir,
            reuse=reuse,
            cache=cache,
            progress=Progress(echo),
            derived=derived,
            seed=seed,
        )
        # Taken before the build lock is let go: no build can remove it in between.
        lock = ReaderLock(folder / f"{manifest.generation}.lock")
        _remove_unused(folder, manifest.generation)
    path = folder / manifest.generation
    store = ox.Store.read_only(str(path))
    if reasoning is None:
        return OpenStore(store, path, manifest, Reasoning(True, None), False, lock)
    return OpenStore(store, path, manifest, reasoning, True, lock)
