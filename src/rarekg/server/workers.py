"""Killable query workers: processes that each hold a copy of the store.

pyoxigraph cannot cancel a running query, so queries run in worker processes. A
query that outlives its time limit has its worker killed (the runaway work stops
with it) and a fresh worker takes its place, while the other workers keep serving.
Each worker loads the store from an N-Quads dump the pool writes once at start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from rarekg.kg import KnowledgeGraph
from rarekg.server.execute import Answer, QueryJob, answer
from rarekg.settings import Settings

log = logging.getLogger(__name__)

_READY = "ready"
_LENGTH = struct.Struct("!Q")


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


def worker_main(dump: str, service_hosts: list[str]) -> None:
    """Load the dump, then answer jobs from standard input on standard output.

    Standard output is kept for the answers; anything else printed goes to stderr.
    """
    jobs, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    settings = Settings(service_hosts=tuple(service_hosts))
    store = ox.Store()
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    _write(answers, _READY)
    while (job := _read(jobs)) is not None:
        assert isinstance(job, QueryJob)
        try:
            result = answer(store, job, settings.allows_service)
        except Exception as error:  # a worker must answer every job it takes
            result = Answer.error(500, f"the query failed: {error}")
        _write(answers, result)


class _Worker:
    """One worker process, started with a fresh interpreter, and its pipes.

    A fresh interpreter (not a fork) because the server runs an event loop and
    threads whose held locks a fork would copy into the child.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, dump: Path, settings: Settings) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "rarekg.server.workers",
            str(dump),
            *settings.service_hosts,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    def send(self, job: QueryJob) -> None:
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

    def kill(self) -> None:
        """Stop the process at once, whatever it is doing."""
        if self.process.returncode is None:
            self.process.kill()


class WorkerPool:
    """A fixed number of query workers; each job gets one worker to itself."""

    def __init__(self, kg: KnowledgeGraph, settings: Settings) -> None:
        self.kg = kg
        self.settings = settings
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()

    @property
    def dump(self) -> Path:
        """The N-Quads file the workers load."""
        assert self._folder is not None, "the pool is not started"
        return Path(self._folder.name) / "store.nq"

    async def start(self) -> None:
        """Write the dump and start every worker; return when all are ready."""
        self._folder = tempfile.TemporaryDirectory(prefix="rarekg-workers-")
        self.kg.store.dump(self.dump, format=ox.RdfFormat.N_QUADS)
        await asyncio.gather(*(self._spawn() for _ in range(self.settings.workers)))

    async def _spawn(self) -> None:
        worker = await _Worker.start(self.dump, self.settings)
        self._workers.add(worker)
        try:
            if await worker.receive() != _READY:
                raise RuntimeError("query worker did not start")
        except BaseException:
            self._retire(worker, replace=False)
            raise
        self._idle.put_nowait(worker)

    def _retire(self, worker: _Worker, *, replace: bool = True) -> None:
        worker.kill()
        self._workers.discard(worker)
        if replace:
            task = asyncio.get_running_loop().create_task(self._spawn())
            self._spawning.add(task)
            task.add_done_callback(self._spawning.discard)

    async def run(self, job: QueryJob) -> Answer:
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
            return Answer.error(500, "the query worker died while answering")
        except asyncio.CancelledError:
            self._retire(worker)  # the client went away; its query must not run on
            raise
        self._idle.put_nowait(worker)
        assert isinstance(result, Answer)
        return result

    async def close(self) -> None:
        """Stop every worker and remove the dump."""
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
        self._workers.clear()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _timeout(seconds: float, why: str) -> Answer:
    return Answer.error(503, f"{why}: time limit {seconds:g} s exceeded")


if __name__ == "__main__":
    worker_main(sys.argv[1], sys.argv[2:])
