"""Fair admission of requests to the service's worker slots: per client, then overall.

Phase: service.  Input: a client key (the peer address) per request.  Output: an async
context manager that holds one worker slot while the request runs.

Why: with one first-come queue for ``workers`` slots, a client that sends eight slow
(hostile) compiles fills every slot and the queue behind them, and a valid request of
another client waits for all of them (10 s on 2 workers, issue 22).  Here a client first
takes one of its own ``per_client`` places (``workers // 2``, at least 1), and only then
queues for a worker slot; so one client holds at most half the workers, and its further
requests wait in its own queue, not in front of other clients.  Behind a proxy every
request has the proxy's address: the service then falls back to one queue per proxy.

The per-client queues live only while a request of that client is in flight or waiting:
a dict of at most the number of requests the server holds.

Codes: none.
"""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

import anyio


class Admission:
    def __init__(self, workers: int, per_client: int | None = None) -> None:
        self.workers = max(1, workers)
        self.per_client = per_client or max(1, self.workers // 2)
        self.slots = anyio.CapacityLimiter(self.workers)
        self._clients: dict[str, list] = {}  # key -> [limiter, requests holding or waiting]

    @contextlib.asynccontextmanager
    async def admit(self, client: str) -> AsyncIterator[None]:
        entry = self._clients.get(client)
        if entry is None:
            entry = self._clients[client] = [anyio.CapacityLimiter(self.per_client), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                async with self.slots:
                    yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._clients[client]

    def clients(self) -> int:
        """Clients with a request in flight or waiting (for tests and metrics)."""
        return len(self._clients)
