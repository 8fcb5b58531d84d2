"""Killable query workers: processes that each open the built store read-only.

pyoxigraph cannot cancel a running query, so queries run in worker processes. A
query that outlives its time limit has its worker killed (the runaway work stops
with it) and a fresh worker takes its place, while the other workers keep serving.
Every worker opens the store the server opened (:mod:`rarekg.build`), read-only: one
copy on disk, shared through the page cache, nothing written anywhere. A query worker
answers a graph of up to ``--worker-copy-quads`` from a copy in its own memory (four
times faster), a larger one from the shared store.

Each worker's memory is capped by the OS (``RLIMIT_DATA``): a query that needs more
fails inside the worker, and the client is told which limit it met.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
import resource
import struct
import sys
import threading
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, BinaryIO

import pyoxigraph as ox

from rarekg.kg import KnowledgeGraph
from rarekg.server.execute import Answer, QueryJob, Reshape, answer, reshape
from rarekg.settings import Settings, format_size

if TYPE_CHECKING:
    from rarekg.kg import Run

log = logging.getLogger(__name__)

_READY = "ready"
#: A pool's readiness (:meth:`WorkerPool.readiness`), as ``/healthz`` says it.
WARMING, READY, FAILED = "warming", _READY, "failed"
QUERY, ANALYSIS = "query", "analysis"
_ANALYSIS_NICENESS = 10
_LENGTH = struct.Struct("!Q")
# What the Rust allocator prints before it aborts a worker that met its memory limit.
_OUT_OF_MEMORY = b"memory allocation of"
_STDERR_TAIL = 4096
# How a query worker is told to copy the store into memory, or to read it on disk.
_COPY, _DISK = "copy", "disk"


def _write(stream: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _read(stream: BinaryIO) -> object | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    message: object = pickle.loads(stream.read(_LENGTH.unpack(head)[0]))
    return message


def _over_memory(limit: int) -> Answer:
    return Answer.error(
        503,
        f"the query needed more memory than a query worker may use ({format_size(limit)}, "
        "--worker-memory); its worker was replaced",
    )


def worker_main(
    role: str, location: str, root: str, data: str, settings: Settings, copy: bool
) -> None:
    """Cap this process's memory, get ready for its role, then answer jobs from stdin.

    Roles: ``query`` opens the built store at ``location`` read-only (none when it is
    ``""``: it then only reads remote stores' answers), and with ``copy`` copies it into
    memory meanwhile; ``analysis`` opens the knowledge graph of the data root ``root``
    (and the user's folder ``data``, if not ``""``) from the same store and answers
    analyses and pages. Standard output is kept for the answers; anything else printed
    goes to stderr.
    """
    memory = settings.worker_memory
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    jobs, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    handle = _handler(role, location, root, data, settings, copy)
    _write(answers, _READY)
    while (job := _read(jobs)) is not None:
        try:
            result = handle(job)
        except MemoryError:
            result = _over_memory(memory)
        except Exception as error:  # a worker must answer every job it takes
            result = Answer.error(500, f"the work failed: {error}")
        _write(answers, result)


def _remote_run(kg: KnowledgeGraph, settings: Settings) -> Run | None:
    """How the analyses read the remote store of ``--store``; ``None`` without one."""
    if not settings.store:
        return None
    from rarekg.remote import RemoteStore, select_through

    store = RemoteStore(settings.store, kg.graph_names, settings.max_store_answer, settings.dataset)
    return select_through(store, settings.timeout)


def _handler(
    role: str, location: str, root: str, data: str, settings: Settings, copy: bool
) -> Callable[[object], Answer]:
    if role == ANALYSIS:
        # Queries come first: the analyses (and warming up after a restart) yield the CPU.
        os.nice(_ANALYSIS_NICENESS)
        # Only this worker imports the analysis and viz layers (and builds the graph).
        from rarekg.kg import open_built
        from rarekg.server.analyses import Analyses, AnalysisJob

        kg = open_built(root or None, location, data or None)
        analyses = Analyses(kg, _remote_run(kg, settings))
        analyses.warm()

        def analyse(job: object) -> Answer:
            assert isinstance(job, AnalysisJob)
            return analyses.answer(job)

        return analyse
    source = WorkingStore(ox.Store.read_only(location) if location else ox.Store(), copy=copy)

    def query(job: object) -> Answer:
        if isinstance(job, Reshape):
            return reshape(job)
        assert isinstance(job, QueryJob)
        return answer(source.store, job)

    return query


class WorkingStore:
    """The store a query worker answers from: the shared one, then its copy in memory.

    Oxigraph answers the library's questions about four times faster from memory than
    from the store on disk (0.28 s against 1.07 s for the library on the shipped graph,
    measured here), but reading the store on disk costs about 12 us of CPU a quad: a
    million quads take many seconds. So the worker is ready at once, answering from
    the shared store, and copies it into memory in a thread; each job takes whichever
    store is the latest. The copy streams N-Quads from one engine call to the other
    through a pipe: both run without Python's lock (copying quad by quad through Python
    held it, and starved the jobs), and no serialisation is ever whole in memory. The
    shared store stays open either way (its files are the build this worker serves).
    Blank nodes get new labels in the copy, as in any SPARQL answer.

    Examples:
        >>> small = ox.Store()
        >>> small.add(ox.Quad(ox.BlankNode("b"), ox.NamedNode("http://b"), ox.Literal("c")))
        >>> working = WorkingStore(small, copy=True)
        >>> working.wait()
        >>> working.store is small, len(working.store)
        (False, 1)
        >>> WorkingStore(small, copy=False).store is small
        True
    """

    def __init__(self, shared: ox.Store, *, copy: bool) -> None:
        self.shared = shared
        self.store = shared
        self._copying: threading.Thread | None = None
        if copy:
            self._copying = threading.Thread(target=self._copy, name="copy", daemon=True)
            self._copying.start()

    def _copy(self) -> None:
        copy = ox.Store()
        failed: list[Exception] = []
        read, write = os.pipe()

        def dump() -> None:
            try:
                with os.fdopen(write, "wb") as out:
                    self.shared.dump(out, format=ox.RdfFormat.N_QUADS)
            except (OSError, ValueError) as error:  # the reader gave up, or the disk failed
                failed.append(error)

        dumping = threading.Thread(target=dump, name="dump", daemon=True)
        dumping.start()
        try:
            with os.fdopen(read, "rb") as stream:
                copy.load(stream, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as error:
            failed.append(error)
        dumping.join()
        if failed:  # a partial copy would answer wrongly: keep answering from disk
            log.warning("the copy into memory failed (%s); reading the store on disk", failed[0])
            return
        self.store = copy

    def wait(self) -> None:
        """Return once the copy is made (at once when none is being made)."""
        if self._copying is not None:
            self._copying.join()


def copies_in_memory(kg: KnowledgeGraph | None, most: int) -> bool:
    """Whether query workers copy ``kg``'s built store into memory: it has at most ``most`` quads.

    The count is the manifest's (the build counted it); a graph with no manifest is
    read where it is.
    """
    return kg is not None and kg.manifest is not None and kg.manifest.quads <= most


class _Worker:
    """One worker process, started with a fresh interpreter, and its pipes.

    A fresh interpreter (not a fork) because the server runs an event loop and
    threads whose held locks a fork would copy into the child.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self._stderr_tail: deque[bytes] = deque()
        self._drain = asyncio.get_running_loop().create_task(self._read_stderr())

    @classmethod
    async def start(
        cls, role: str, location: str, root: str, data: str, settings: Settings, copy: bool
    ) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "rarekg.server.workers",
            role,
            location,
            root,
            data,
            json.dumps(asdict(settings)),
            _COPY if copy else _DISK,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _read_stderr(self) -> None:
        """Pass the worker's messages on, keeping the last few to explain its death."""
        assert self.process.stderr is not None
        while chunk := await self.process.stderr.read(_STDERR_TAIL):
            sys.stderr.buffer.write(chunk)
            sys.stderr.flush()
            self._stderr_tail.append(chunk)
            while sum(map(len, self._stderr_tail)) > 2 * _STDERR_TAIL:
                self._stderr_tail.popleft()

    async def ran_out_of_memory(self) -> bool:
        """After the worker died: tell whether it died for want of memory."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._drain), 1.0)
        return _OUT_OF_MEMORY in b"".join(self._stderr_tail)

    def send(self, job: object) -> None:
        """Hand the worker a job."""
        assert self.process.stdin is not None
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.write(_LENGTH.pack(len(data)) + data)

    async def receive(self) -> object:
        """Wait, without blocking the event loop, for the worker's next message.

        Raises:
            EOFError: the worker died.
        """
        assert self.process.stdout is not None
        try:
            head = await self.process.stdout.readexactly(_LENGTH.size)
            data = await self.process.stdout.readexactly(_LENGTH.unpack(head)[0])
        except asyncio.IncompleteReadError as error:
            raise EOFError("the query worker exited") from error
        message: object = pickle.loads(data)
        return message

    async def stop(self) -> None:
        """Stop the process at once, whatever it is doing, and close its pipes."""
        if self.process.returncode is None:
            self.process.kill()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        await self.process.stdout.read()  # to the end: the pipe closes itself there
        await asyncio.gather(self._drain, return_exceptions=True)
        await self.process.wait()


class WorkerPool:
    """A fixed number of workers of one role; each job gets one worker to itself.

    Query workers each open the knowledge graph's built store read-only (none when
    ``kg`` is ``None``: a remote store serves the queries and the workers only read its
    answers). Analysis workers each open the knowledge graph of ``kg``'s data root from
    the same store.
    """

    def __init__(self, kg: KnowledgeGraph | None, settings: Settings, *, role: str = QUERY) -> None:
        self.kg = kg
        self.settings = settings
        self.role = role
        self.size = settings.analysis_workers if role == ANALYSIS else settings.workers
        self._location = str(kg.location) if kg is not None and kg.location else ""
        self._root = str(kg.artefacts.root) if kg is not None else ""
        self._copy = role == QUERY and copies_in_memory(kg, settings.worker_copy_quads)
        self._data = str(kg.data) if kg is not None and kg.data else ""
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._stopping: set[asyncio.Task[None]] = set()
        self._readiness = WARMING

    async def start(self) -> None:
        """Start every worker; return when all are ready.

        Raises:
            EOFError: a worker died getting ready (an analysis worker whose remote
                store cannot be read, say); :meth:`readiness` then says ``failed``.
        """
        if self.role == ANALYSIS:
            assert self.kg is not None, "analysis workers need the knowledge graph"
        try:
            await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        except EOFError:
            self._readiness = FAILED
            raise
        self._readiness = READY

    def readiness(self) -> str:
        """How far the pool is: ``warming``, ``ready`` or ``failed``.

        ``ready`` once every worker has been ready (an analysis worker: warmed up),
        ``failed`` when one died getting ready (its error is on the server's stderr).
        """
        return self._readiness

    async def _spawn(self) -> None:
        worker = await _Worker.start(
            self.role, self._location, self._root, self._data, self.settings, self._copy
        )
        self._workers.add(worker)
        try:
            if await worker.receive() != _READY:
                raise RuntimeError("query worker did not start")
        except BaseException:
            self._retire(worker, replace=False)
            # Reaped before the loop may close (a server stopped while a worker warms
            # up): its pipes close with it instead of being collected after the loop.
            await asyncio.shield(worker.process.wait())
            raise
        self._idle.put_nowait(worker)

    def _retire(self, worker: _Worker, *, replace: bool = True) -> None:
        self._workers.discard(worker)
        self._background(worker.stop(), self._stopping)
        if replace:
            self._background(self._spawn(), self._spawning)

    @staticmethod
    def _background(work: Coroutine[Any, Any, None], tasks: set[asyncio.Task[None]]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def run(self, job: object) -> Answer:
        """Answer a job within the time limit, or answer 503 and stop the work.

        The limit covers waiting for a free worker as well as running the query.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.settings.timeout)
        except TimeoutError:
            return _timeout(self.settings.timeout, "no query worker became free")
        try:
            worker.send(job)
            result = await asyncio.wait_for(worker.receive(), deadline - loop.time())
        except TimeoutError:
            self._retire(worker)
            return _timeout(self.settings.timeout, "the query ran too long and was stopped")
        except (EOFError, OSError):
            self._retire(worker)
            if await worker.ran_out_of_memory():
                return _over_memory(self.settings.worker_memory)
            return Answer.error(500, "the query worker died while answering")
        except asyncio.CancelledError:
            self._retire(worker)  # the client went away; its query must not run on
            raise
        self._idle.put_nowait(worker)
        assert isinstance(result, Answer)
        return result

    async def close(self) -> None:
        """Stop every worker, those being replaced too."""
        for task in list(self._spawning):
            task.cancel()
        await asyncio.gather(*self._spawning, return_exceptions=True)
        await asyncio.gather(*self._stopping, *(worker.stop() for worker in self._workers))
        self._workers.clear()


def _timeout(seconds: float, why: str) -> Answer:
    return Answer.error(503, f"{why}: time limit {seconds:g} s exceeded")


def _settings(text: str) -> Settings:
    """The server's settings, as sent to a worker in JSON (which has lists for tuples).

    Examples:
        >>> given = Settings(service_hosts=("example.org",))
        >>> _settings(json.dumps(asdict(given))) == given
        True
    """
    given: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in json.loads(text).items()
    }
    return Settings(**given)


if __name__ == "__main__":
    worker_main(
        sys.argv[1],
        sys.argv[2],
        sys.argv[3],
        sys.argv[4],
        _settings(sys.argv[5]),
        sys.argv[6] == _COPY,
    )
