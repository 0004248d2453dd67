"""Shopify's own GraphQL Admin client (npm ``@shopify/admin-api-client``, installed by
``make test`` into ``tests/sdk``) against the fake: it finds a customer by email, pages their
orders two at a time to the last page with their tracking, gets a bad query's errors in its own
shape, is refused a bad token, writes a note the store keeps, and retries a 429 itself."""

from __future__ import annotations

import json
from pathlib import Path

from mockserver.oms.store import OrderQuery
from tests.helpers import ADMIN, TOKEN, run_node

SDK = Path(__file__).parent / "sdk"


async def test_shopifys_graphql_client_reads_and_writes_the_fake(servers, http):
    store = servers.store
    customer = store.known_customers(1)[0]
    fault = {"kind": "status", "status": 429, "times": 1, "route": "/admin/api/*/graphql.json"}
    async with http.post(servers.oms + "/_mock/faults", json=fault, headers=ADMIN) as answer:
        assert answer.status == 201  # the client's first request is refused
    got = await run_node(
        "shopify_graphql.mjs",
        servers.oms,
        TOKEN,
        customer["email"],
        package="@shopify/admin-api-client",
    )
    assert got["lookup"]["errors"] is None, got["lookup"]
    [node] = got["lookup"]["data"]["customers"]["nodes"]
    assert node["id"] == f"gid://shopify/Customer/{customer['id']}"
    rest = [
        json.loads(doc)
        for _, _, doc in store.list_orders(
            OrderQuery(customer_id=customer["id"], status="any"), limit=10
        )
    ]
    assert [o["name"] for o in node["orders"]["nodes"]] == [o["name"] for o in rest]
    assert got["lookup"]["extensions"]["cost"]["actualQueryCost"] > 0
    every = [json.loads(doc) for _, _, doc in store.list_orders(
        OrderQuery(customer_id=customer["id"], status="any"), limit=1000)]  # fmt: skip
    assert node["numberOfOrders"] == str(len(every))  # an UnsignedInt64, as a string
    assert [name for page in got["pages"] for name in page] == [o["name"] for o in every]
    assert len(got["pages"]) == (len(every) + 1) // 2 > 1  # two a page, to the last
    assert got["tracking"] == [
        n for o in every for f in o["fulfillments"] if f["status"] == "success"
        for n in f["tracking_numbers"]
    ]  # fmt: skip
    assert got["tracking"]  # the seeded customer has shipped orders
    assert got["badToken"] == 401
    assert "graphQLErrors" in got["bad"]["message"]  # the client's own summary of them
    assert "colour" in got["bad"]["graphQLErrors"][0]["message"]
    assert got["bad"]["graphQLErrors"][0]["locations"]
    assert got["update"]["errors"] is None, got["update"]
    written = got["update"]["data"]["orderUpdate"]["order"]
    assert written["note"] == "Written by @shopify/admin-api-client"
    order_id = int(written["id"].rsplit("/", 1)[1])
    assert store.order(order_id)["note"] == written["note"]
    statuses = [r.status for r in store.requests if r.path.endswith("/graphql.json")]
    assert statuses[:2] == [429, 200]  # refused once, then the client's own retry
