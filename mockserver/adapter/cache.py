"""The adapter's cache of detailed answers: single flight, stale while revalidating, and
forgotten at once when the adapter's own action changes an order.

- A fresh answer (younger than ``ttl``) is served as it is.
- A stale one (younger than ``2 * ttl``) is served too, while one refresh runs in the
  background: the first request after expiry does not wait, and the OMS gets one call, not one
  per request that arrives meanwhile (no stampede at every expiry).
- Without an answer, concurrent lookups of one customer share one fetch.
- ``forget`` drops the answer and any fetch under way, whose result is then thrown away: a
  fetch that began before an action cannot put the old order back.

So an answer is never older than ``2 * ttl`` (10 s by default), well within the minute a
reader of the OMS is allowed to lag (``verify --oms --max-staleness``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from mockserver.adapter.oms_client import OmsError

__all__ = ["AnswerCache"]

log = logging.getLogger("lookupkit.adapter")
Profile = dict[str, Any]
Fetch = Callable[[str, float], Awaitable[Profile | None]]


class AnswerCache:
    """Detailed answers by customer id, at most ``size`` of them, fetched through ``fetch(id,
    deadline)``; ``budget`` is the deadline a background refresh gets, in seconds."""

    def __init__(self, fetch: Fetch, *, ttl: float, size: int, budget: float) -> None:
        self.fetch, self.ttl, self.size, self.budget = fetch, ttl, size, budget
        self.entries: OrderedDict[str, tuple[float, Profile]] = OrderedDict()  # (stored, answer)
        self.flights: dict[str, asyncio.Task[Profile | None]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    async def get(self, key: str, deadline: float) -> Profile | None:
        """The customer's answer (None: no such customer), from the cache when it may be."""
        if self.ttl <= 0:
            return await self.fetch(key, deadline)
        now = time.monotonic()
        stored, answer = self.entries.get(key, (-1.0, None))
        if answer is not None and now - stored < self.ttl:
            return answer
        if answer is not None and now - stored < 2 * self.ttl:
            self._flight(key, now + self.budget)  # refreshed for the next request
            return answer
        task = self._flight(key, deadline)
        try:
            return await asyncio.wait_for(asyncio.shield(task), max(0.0, deadline - now))
        except TimeoutError:  # this request's budget ended; the shared fetch goes on
            raise OmsError("the order system did not answer in time", 504) from None

    def forget(self, key: str) -> None:
        """The customer's order changed: drop the answer, and the result of any fetch under way."""
        self.entries.pop(key, None)
        self.flights.pop(key, None)

    def clear(self) -> None:
        self.entries.clear()
        self.flights.clear()

    def _flight(self, key: str, deadline: float) -> asyncio.Task[Profile | None]:
        """The fetch of ``key`` under way, or a new one."""
        task = self.flights.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(key, deadline))
            task.add_done_callback(_quiet)
            self.flights[key] = task
        return task

    async def _fetch(self, key: str, deadline: float) -> Profile | None:
        task = asyncio.current_task()
        try:
            answer = await self.fetch(key, deadline)
        finally:
            current = self.flights.get(key) is task
            if current:
                self.flights.pop(key, None)
        if current and answer is not None:  # not forgotten meanwhile
            self.entries[key] = (time.monotonic(), answer)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return answer


def _quiet(task: asyncio.Task[Any]) -> None:
    """A background refresh that failed: logged, and the stale answer served until it ages out
    (a lookup waiting on the fetch gets the error itself)."""
    if not task.cancelled() and task.exception() is not None:
        log.info("event=cache-refresh-failed error=%s", type(task.exception()).__name__)
