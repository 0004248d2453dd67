"""The npm ``shopify-api-node`` client (installed by ``make test`` into ``tests/sdk``) against
the fake Shopify REST: customer search by email, a customer's orders paged to the last page by
its own ``nextPageParameters``, the order count, fulfilments with tracking, a bad token refused,
and a 429 its own retry survives."""

from __future__ import annotations

import json

from mockserver.oms.store import OrderQuery
from tests.helpers import ADMIN, TOKEN, run_node


async def test_shopify_api_node_reads_the_fake_and_retries_a_429(servers, http):
    store = servers.store
    customer = store.known_customers(1)[0]
    fault = {"kind": "status", "status": 429, "times": 1}  # the SDK's first call is refused
    async with http.post(servers.oms + "/_mock/faults", json=fault, headers=ADMIN) as answer:
        assert answer.status == 201
    got = await run_node(
        "shopify_rest.mjs", servers.oms, TOKEN, customer["email"], package="shopify-api-node"
    )
    rows = store.list_orders(OrderQuery(customer_id=customer["id"], status="any"), limit=250)
    expected = [json.loads(doc)["name"] for _, _, doc in rows]
    assert got["customerId"] == customer["id"]  # found after the retried 429
    assert got["names"] == expected  # every page, newest first, as Shopify lists them
    assert got["pages"] == -(-len(expected) // 2)
    assert got["count"] == store.count_orders(OrderQuery(status="any"))
    assert got["tracking"]
    assert all(got["tracking"])
    assert got["badToken"] == 401
    statuses = [r.status for r in store.requests if r.path.endswith("/customers/search.json")]
    assert statuses[:2] == [429, 200]  # refused once, then the SDK's own retry
