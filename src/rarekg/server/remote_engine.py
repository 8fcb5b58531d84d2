"""The engine for ``--store URL``: jobs answered by a remote SPARQL 1.1 store, which is not trusted.

The store's answer must arrive whole within the time limit (504 past it) and fit the
byte cap (502 past it). It is then read in a worker process, like a query on the
embedded store: a huge or hostile answer (a hundred thousand variables) can take
neither the server's event loop nor its interpreter lock, and a worker that takes too
long or too much memory is replaced. A malformed answer is the store's fault (502),
never ours (500). The row cap, the answer-size cap and our formats then apply as for
the embedded store.
"""

from __future__ import annotations

from rarekg.formats import GRAPH, RESULTS, negotiate
from rarekg.remote import RemoteStore, RemoteStoreError, excerpt, with_bindings
from rarekg.server.execute import Answer, QueryJob, Reshape
from rarekg.server.workers import WorkerPool
from rarekg.settings import Settings
from rarekg.sparql_text import answers_with_graph


class RemoteEngine:
    """Answers jobs from a remote SPARQL 1.1 store within the client's time limit."""

    def __init__(self, store: RemoteStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.readers = WorkerPool(None, settings)

    async def start(self) -> None:
        """Open the connection pool and start the workers that read answers."""
        await self.store.start()
        await self.readers.start()

    async def close(self) -> None:
        """Close the connection pool and stop the readers."""
        await self.store.close()
        await self.readers.close()

    async def run(self, job: QueryJob) -> Answer:
        """Forward the job, asking for the formats the client accepts for its kind of answer.

        Only the formats of the query's kind are asked for: Virtuoso writes a
        ``CONSTRUCT`` answer as SPARQL results when those are acceptable.
        """
        kind = GRAPH if answers_with_graph(job.text) else RESULTS
        # Nothing acceptable: the default is asked for; the reshaping answers 406.
        wanted = negotiate(job.accept, kind) or negotiate(None, kind)
        assert wanted is not None, "every kind has a default format"
        try:
            got = await self.store.query(
                with_bindings(job.text, dict(job.bindings)),
                accept=wanted.media_type,
                timeout=self.settings.timeout,
                default_graph=job.default_graph,
                named_graphs=job.named_graphs,
            )
        except TimeoutError as error:
            return Answer.error(504, f"{error}: time limit {self.settings.timeout:g} s exceeded")
        except RemoteStoreError as error:
            return Answer.error(502, str(error))
        if got.status != 200:
            status = got.status if 400 <= got.status < 500 else 502
            return Answer.error(status, f"the store answered {got.status}: {excerpt(got.body)}")
        return await self.readers.run(Reshape(got.body, got.media_type, job))
