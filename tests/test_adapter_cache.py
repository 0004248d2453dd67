"""The reference adapter's cache through real sockets: one OMS fetch per customer however many
lookups arrive at once, stale answers served while one refresh runs, and nothing older than
twice the TTL; an action's change is seen by the next lookup."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.adapter.cache import AnswerCache
from mockserver.adapter.oms_client import OmsError
from mockserver.oms.store import Store
from mockserver.runner import Running, start, stop
from tests.helpers import KEY, SHOPIFY, TOKEN, gladly

TTL = 1.0


def detailed(customer_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": customer_id},
        "uniqueMatchRequired": True,
    }


@pytest.fixture
async def adapter(store: Store) -> AsyncIterator[str]:
    running = Running()
    oms = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = AdapterConfig(oms + SHOPIFY, TOKEN, signing_key=KEY, cache_ttl=TTL)
    yield await start(running, "adapter", roles.adapter_app(store, config)) + "/"
    await stop(running)


def fetches(store: Store, customer_id: str) -> int:
    """How many times the OMS was asked for the customer's record."""
    path = f"/customers/{customer_id}.json"
    return sum(1 for r in store.requests if r.role == "oms" and r.path.endswith(path))


async def lookups(http: Any, url: str, customer_id: str, count: int = 20) -> list[Any]:
    answers = await asyncio.gather(
        *(gladly(http, url, detailed(customer_id)) for _ in range(count))
    )
    assert {status for status, _ in answers} == {200}
    return [body for _, body in answers]


async def test_lookups_arriving_together_share_one_fetch(store, adapter, http):
    customer = str(store.known_customers(1)[0]["id"])
    bodies = await lookups(http, adapter, customer)
    assert fetches(store, customer) == 1
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["results"][0]["externalCustomerId"] == customer


async def test_an_expired_answer_is_served_while_one_refresh_runs(store, adapter, http):
    customer = str(store.known_customers(1)[0]["id"])
    await lookups(http, adapter, customer, 1)
    await asyncio.sleep(TTL * 1.3)  # stale, not yet too old to serve
    await lookups(http, adapter, customer)  # no stampede: one refresh, not twenty
    await asyncio.sleep(0.3)
    assert fetches(store, customer) == 2
    await lookups(http, adapter, customer)  # the refreshed answer is fresh: no fetch
    assert fetches(store, customer) == 2


async def test_an_answer_older_than_twice_the_ttl_is_never_served(store, adapter, http):
    customer = str(store.known_customers(1)[0]["id"])
    (before,) = await lookups(http, adapter, customer, 1)
    order_id = int(before["results"][0]["transactions"][0]["orderNumber"].lstrip("#"))
    order = store.order_by_number(order_id)
    assert order is not None
    order["note"] = "changed behind the adapter's back"
    order["fulfillment_status"] = None
    order["cancelled_at"] = "2026-11-28T10:00:00+00:00"
    store.save_order(order)
    started = time.monotonic()
    await asyncio.sleep(TTL * 2.1)
    (after,) = await lookups(http, adapter, customer, 1)  # waits for the fetch, shows the change
    statuses = {t["orderNumber"]: t.get("orderStatus") for t in after["results"][0]["transactions"]}
    assert statuses[order["name"]] == "canceled", statuses
    assert time.monotonic() - started < TTL * 2.1 + 2
    assert fetches(store, customer) == 2


class SlowOms:
    """A fetch that waits until released, counting its calls (the cache's unit under test)."""

    def __init__(self) -> None:
        self.calls, self.release, self.fail = 0, asyncio.Event(), False

    async def __call__(self, key: str, deadline: float) -> dict[str, Any] | None:
        self.calls += 1
        version = self.calls
        await self.release.wait()
        if self.fail:
            raise OmsError("the order system answered HTTP 503")
        return {"externalCustomerId": key, "version": version}


def version(answer: dict[str, Any] | None) -> int:
    assert answer is not None
    return int(answer["version"])


async def test_a_fetch_under_way_when_an_action_forgets_is_not_kept():
    oms = SlowOms()
    cache = AnswerCache(oms, ttl=60, size=10, budget=5)
    deadline = time.monotonic() + 5
    before = asyncio.ensure_future(cache.get("1", deadline))  # began before the action
    await asyncio.sleep(0.01)
    cache.forget("1")  # the action changed the customer's order
    after = asyncio.ensure_future(cache.get("1", deadline))  # a new fetch, not the old one
    await asyncio.sleep(0.01)
    oms.release.set()
    assert version(await before) == 1
    assert version(await after) == 2
    assert oms.calls == 2
    assert version(await cache.get("1", deadline)) == 2  # the newer answer is the kept one
    assert oms.calls == 2


async def test_a_failed_fetch_reaches_every_waiter_and_is_not_kept():
    oms = SlowOms()
    cache = AnswerCache(oms, ttl=60, size=10, budget=5)
    deadline = time.monotonic() + 5
    waiting = [asyncio.ensure_future(cache.get("1", deadline)) for _ in range(3)]
    await asyncio.sleep(0.01)
    oms.fail = True
    oms.release.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert [type(r) for r in results] == [OmsError] * 3
    assert oms.calls == 1
    assert len(cache) == 0
    oms.fail = False
    assert version(await cache.get("1", deadline)) == 2  # asked again


async def test_a_lookup_out_of_time_gets_504_while_the_shared_fetch_goes_on():
    oms = SlowOms()
    cache = AnswerCache(oms, ttl=60, size=10, budget=5)
    hurried = asyncio.ensure_future(cache.get("1", time.monotonic() + 0.05))
    patient = asyncio.ensure_future(cache.get("1", time.monotonic() + 5))
    with pytest.raises(OmsError) as refused:
        await hurried
    assert refused.value.status == 504
    oms.release.set()
    assert version(await patient) == 1
    assert oms.calls == 1
