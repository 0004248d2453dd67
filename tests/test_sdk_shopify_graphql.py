"""Shopify's own GraphQL Admin client (npm ``@shopify/admin-api-client``, installed by
``make test`` into ``tests/sdk``) against the fake: it reads a customer's orders, gets a bad
query's errors in its own shape, and writes a note the store keeps."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from mockserver.oms.store import OrderQuery
from tests.helpers import TOKEN

SDK = Path(__file__).parent / "sdk"


async def run_node(*args: str) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is missing: run make test (it installs Node.js and the SDKs)"
    assert (SDK / "node_modules/@shopify/admin-api-client").is_dir(), (
        "the npm SDKs are missing: run make test (npm ci --prefix tests/sdk)"
    )
    proc = await asyncio.create_subprocess_exec(
        node, str(SDK / "shopify_graphql.mjs"), *args,
        cwd=SDK, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return dict(json.loads(out))


async def test_shopifys_graphql_client_reads_and_writes_the_fake(servers):
    store = servers.store
    customer = store.known_customers(1)[0]
    got = await run_node(servers.oms, TOKEN, customer["email"])
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
    assert "graphQLErrors" in got["bad"]["message"]  # the client's own summary of them
    assert "colour" in got["bad"]["graphQLErrors"][0]["message"]
    assert got["bad"]["graphQLErrors"][0]["locations"]
    assert got["update"]["errors"] is None, got["update"]
    written = got["update"]["data"]["orderUpdate"]["order"]
    assert written["note"] == "Written by @shopify/admin-api-client"
    order_id = int(written["id"].rsplit("/", 1)[1])
    assert store.order(order_id)["note"] == written["note"]
