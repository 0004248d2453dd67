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
