"""The fake Shopify, through real sockets: endpoints, filters, pagination, limits, writes, bad input."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest

from mockserver.oms.store import Store, to_timestamp
from tests.helpers import SHOPIFY, TOKEN

H = {"X-Shopify-Access-Token": TOKEN}


async def get(http, url: str, **params: str) -> tuple[int, Any, Any]:
    async with http.get(url, headers=H, params=params) as response:
        return response.status, response.headers, await response.json(content_type=None)


def a_customer(store: Store) -> dict[str, Any]:
    return store.customer(store.known_customers(1)[0]["id"])  # type: ignore[return-value]


def all_orders(store: Store) -> list[dict[str, Any]]:
    from mockserver.oms.store import OrderQuery

    return [json.loads(row[2]) for row in store.list_orders(OrderQuery(status="any"), limit=10_000)]


async def test_customer_search_by_each_field(servers, http):
    c = a_customer(servers.store)
    for query in (
        f"email:{c['email'].upper()}",
        f"phone:{c['phone']}",
        f'first_name:"{c["first_name"]}" last_name:"{c["last_name"]}"',
        f"email:*{c['email'][c['email'].index('@') :]}",
    ):
        status, _, body = await get(http, servers.shopify + "/customers/search.json", query=query)
        assert status == 200
        assert c["id"] in [x["id"] for x in body["customers"]], query
    status, _, body = await get(
        http, servers.shopify + "/customers/search.json", query=f"email:{c['email']} last_name:zzz"
    )
    assert body["customers"] == []


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE customers; --", 'email:"x\\" OR 1=1 --"', "%", "_", "phone:1"]
)
async def test_injection_looking_searches_are_plain_text(servers, http, query):
    status, _, body = await get(http, servers.shopify + "/customers/search.json", query=query)
    assert status == 200
    assert body["customers"] == []
    assert servers.store.count_customers() == 30


async def test_customer_and_customer_orders(servers, http):
    c = a_customer(servers.store)
    status, _, body = await get(http, f"{servers.shopify}/customers/{c['id']}.json")
    assert (status, body["customer"]["email"]) == (200, c["email"])
    status, _, body = await get(
        http, f"{servers.shopify}/customers/{c['id']}/orders.json", status="any"
    )
    assert status == 200
    assert body["orders"]
    assert {o["customer"]["id"] for o in body["orders"]} == {c["id"]}
    status, _, body = await get(http, f"{servers.shopify}/customers/12345.json")
    assert (status, body) == (404, {"errors": "Not Found"})


async def test_orders_status_defaults_to_open_as_shopify_does(servers, http):
    orders = all_orders(servers.store)
    open_ = [o for o in orders if not o["cancelled_at"] and not o["closed_at"]]
    assert len(open_) < len(orders)
    _, _, default = await get(http, servers.shopify + "/orders.json", limit="250")
    assert sorted(o["id"] for o in default["orders"]) == sorted(o["id"] for o in open_)
    for status, expected in (
        ("any", orders),
        ("cancelled", [o for o in orders if o["cancelled_at"]]),
        ("closed", [o for o in orders if o["closed_at"]]),
    ):
        _, _, body = await get(http, servers.shopify + "/orders.json", limit="250", status=status)
        assert sorted(o["id"] for o in body["orders"]) == sorted(o["id"] for o in expected), status
    _, _, counted = await get(http, servers.shopify + "/orders/count.json")
    assert counted == {"count": len(open_)}


async def test_order_filters(servers, http):
    orders = all_orders(servers.store)
    some = orders[:3]
    url = servers.shopify + "/orders.json"
    _, _, body = await get(http, url, status="any", ids=",".join(str(o["id"]) for o in some))
    assert sorted(o["id"] for o in body["orders"]) == sorted(o["id"] for o in some)
    _, _, body = await get(http, url, status="any", name=some[0]["name"])
    assert [o["id"] for o in body["orders"]] == [some[0]["id"]]
    _, _, body = await get(http, url, status="any", name=some[0]["name"].lstrip("#"))
    assert [o["id"] for o in body["orders"]] == [some[0]["id"]]
    customer = some[0]["customer"]["id"]
    _, _, body = await get(http, url, status="any", customer_id=str(customer), limit="250")
    assert {o["customer"]["id"] for o in body["orders"]} == {customer}
    assert len(body["orders"]) == sum(o["customer"]["id"] == customer for o in orders)
    for financial in ("paid", "voided", "pending"):
        _, _, body = await get(http, url, status="any", financial_status=financial, limit="250")
        assert len(body["orders"]) == sum(o["financial_status"] == financial for o in orders)
    for filt, match in (("shipped", "fulfilled"), ("partial", "partial"), ("unshipped", None)):
        _, _, body = await get(http, url, status="any", fulfillment_status=filt, limit="250")
        assert len(body["orders"]) == sum(o["fulfillment_status"] == match for o in orders), filt
    middle = sorted(o["created_at"] for o in orders)[len(orders) // 2]
    _, _, late = await get(http, url, status="any", created_at_min=middle, limit="250")
    _, _, early = await get(http, url, status="any", created_at_max=middle, limit="250")
    pivot_ts = to_timestamp(middle)
    assert late["orders"]
    assert early["orders"]
    assert all(to_timestamp(o["created_at"]) >= pivot_ts for o in late["orders"])
    assert all(to_timestamp(o["created_at"]) <= pivot_ts for o in early["orders"])
    assert (
        len(late["orders"]) + len(early["orders"]) == len(orders) + 1
    )  # the pivot order is in both
    _, _, body = await get(http, url, status="any", updated_at_min="2000-01-01", limit="250")
    assert len(body["orders"]) == len(orders)
    pivot = sorted(o["id"] for o in orders)[5]
    _, _, body = await get(http, url, status="any", since_id=str(pivot), limit="250")
    assert [o["id"] for o in body["orders"]] == sorted(o["id"] for o in orders if o["id"] > pivot)
    _, _, body = await get(http, url, status="any", fields="id,name", limit="2")
    assert [set(o) for o in body["orders"]] == [{"id", "name"}] * 2


async def test_unknown_filters_are_ignored_as_shopify_ignores_them(servers, http):
    _, _, plain = await get(http, servers.shopify + "/orders.json", status="any", limit="250")
    _, _, odd = await get(
        http, servers.shopify + "/orders.json", status="any", limit="250", email="nobody@x.y"
    )
    assert plain == odd


async def test_pagination_walks_every_page_once_both_ways(servers, http):
    expected = len(all_orders(servers.store))
    url: str | None = servers.shopify + "/orders.json?status=any&limit=7"
    seen: list[int] = []
    pages: list[list[int]] = []
    previous = None
    while url:
        async with http.get(url, headers=H) as response:
            ids = [o["id"] for o in (await response.json())["orders"]]
            links = dict(
                reversed(part.split(";"))
                for part in response.headers.get("Link", "").split(", ")
                if part
            )
        pages.append(ids)
        seen += ids
        url = links.get(' rel="next"', "").strip()[1:-1] or None
        previous = links.get(' rel="previous"', "").strip()[1:-1] or previous
    assert len(seen) == len(set(seen)) == expected
    assert previous is not None
    async with http.get(previous, headers=H) as response:
        assert [o["id"] for o in (await response.json())["orders"]] == pages[-2]


async def test_link_header_is_built_from_the_request_host(servers, http):
    async with http.get(
        servers.shopify + "/orders.json?status=any&limit=2",
        headers=H | {"Host": "shop.example.test:8443"},
    ) as response:
        assert response.headers["Link"].startswith(
            "<http://shop.example.test:8443/admin/api/2025-01/orders.json?"
        )


async def test_page_info_refuses_other_filters_and_garbage(servers, http):
    async with http.get(servers.shopify + "/orders.json?status=any&limit=2", headers=H) as response:
        token = response.headers["Link"].split("page_info=")[1].split(">")[0]
    status, _, body = await get(
        http, servers.shopify + "/orders.json", page_info=token, status="any"
    )
    assert (status, body) == (
        400,
        {"errors": {"status": "status cannot be passed when page_info is present"}},
    )
    for bad in ("garbage", "eyJwYXRoIjoiL290aGVyIn0", token[:-3]):
        status, _, body = await get(http, servers.shopify + "/orders.json", page_info=bad)
        assert status == 400
        assert "page_info" in body["errors"]


async def test_order_fulfillments_and_products(servers, http):
    order = next(o for o in all_orders(servers.store) if o["fulfillments"])
    status, _, body = await get(
        http, f"{servers.shopify}/orders/{order['id']}.json", fields="id,name"
    )
    assert (status, body) == (200, {"order": {"id": order["id"], "name": order["name"]}})
    _, _, body = await get(http, f"{servers.shopify}/orders/{order['id']}/fulfillments.json")
    assert body["fulfillments"] == order["fulfillments"]
    fid = order["fulfillments"][0]["id"]
    _, _, body = await get(http, f"{servers.shopify}/orders/{order['id']}/fulfillments/{fid}.json")
    assert body["fulfillment"]["tracking_number"] == order["fulfillments"][0]["tracking_number"]
    pid = order["line_items"][0]["product_id"]
    _, _, body = await get(http, f"{servers.shopify}/products/{pid}.json", fields="id,image")
    assert body["product"]["image"]["src"].startswith("https://")


@pytest.mark.parametrize(
    ("path", "params", "status", "key"),
    [
        ("/orders.json", {"limit": "251"}, 400, "limit"),
        ("/orders.json", {"limit": "0"}, 400, "limit"),
        ("/orders.json", {"ids": "1,two"}, 400, "ids"),
        ("/orders.json", {"status": "archived"}, 400, "status"),
        ("/orders.json", {"created_at_min": "yesterday"}, 400, "created_at_min"),
        ("/orders.json", {"since_id": "-5"}, 400, "since_id"),
        ("/orders.json", {"fulfillment_status": "lost"}, 400, "fulfillment_status"),
        ("/orders/abc.json", {}, 404, None),
        ("/orders/99999999999999999999.json", {}, 404, None),
        ("/orders/1.json", {}, 404, None),
        ("/customers/0/orders.json", {}, 404, None),
        ("/products/1.json", {}, 404, None),
    ],
)
async def test_bad_reads_get_shopify_4xx_bodies(servers, http, path, params, status, key):
    got, _, body = await get(http, servers.shopify + path, **params)
    assert got == status
    assert "errors" in body
    if key:
        assert key in body["errors"]
    unmatched = [u.path for u in servers.store.unexpected]
    assert unmatched == ([SHOPIFY + path] if path == "/orders/abc.json" else [])
    servers.store.unexpected.clear()


async def test_auth_is_required(servers, http):
    for headers in ({}, {"X-Shopify-Access-Token": "wrong"}):
        async with http.get(servers.shopify + "/orders.json", headers=headers) as response:
            assert response.status == 401
            assert "Invalid API key or access token" in (await response.json())["errors"]


async def test_rate_limit_answers_429_with_retry_after(servers, http):
    servers.store.settings["rateLimit"] = True

    async def one() -> tuple[int, Any]:
        async with http.get(servers.shopify + "/orders/count.json", headers=H) as response:
            return response.status, response.headers

    results = await asyncio.gather(*(one() for _ in range(60)))
    statuses = [s for s, _ in results]
    assert statuses.count(429) >= 15
    assert statuses.count(200) >= 40
    limited = next(h for s, h in results if s == 429)
    assert float(limited["Retry-After"]) > 0
    assert {h["X-Shopify-Shop-Api-Call-Limit"].split("/")[1] for _, h in results} == {"40"}


async def test_cancel_order_writes_and_refuses_twice(servers, http):
    order = next(
        o
        for o in all_orders(servers.store)
        if not o["cancelled_at"] and not o["fulfillment_status"]
    )
    url = f"{servers.shopify}/orders/{order['id']}/cancel.json"
    async with http.post(url, headers=H, json={"reason": "customer"}) as response:
        body = await response.json()
        assert response.status == 200
    assert body["order"]["cancelled_at"]
    assert servers.store.order(order["id"])["cancel_reason"] == "customer"
    async with http.post(url, headers=H, json={"reason": "customer"}) as response:
        assert response.status == 422
        assert "already been cancelled" in json.dumps(await response.json())


async def test_shipped_orders_cannot_be_cancelled(servers, http):
    order = next(
        o
        for o in all_orders(servers.store)
        if o["fulfillment_status"] == "fulfilled" and not o["cancelled_at"]
    )
    async with http.post(
        f"{servers.shopify}/orders/{order['id']}/cancel.json", headers=H
    ) as response:
        assert response.status == 422
    assert servers.store.order(order["id"]) == order


async def test_update_order_note_tags_and_address(servers, http):
    order = all_orders(servers.store)[0]
    change = {
        "order": {
            "id": order["id"],
            "note": "Call before delivery",
            "tags": "vip",
            "shipping_address": {"address1": "9 New Street", "zip": "10001"},
            "unknown": 1,
        }
    }
    async with http.put(
        f"{servers.shopify}/orders/{order['id']}.json", headers=H, json=change
    ) as response:
        assert response.status == 200
    stored = servers.store.order(order["id"])
    assert stored is not None
    assert (stored["note"], stored["tags"], stored["shipping_address"]["address1"]) == (
        "Call before delivery",
        "vip",
        "9 New Street",
    )
    assert stored["shipping_address"]["city"] == order["shipping_address"]["city"]


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [
        ("PUT", b"{not json", 400),
        ("PUT", b"[1, 2]", 400),
        ("PUT", json.dumps({"order": {"note": 5}}).encode(), 422),
        ("PUT", json.dumps({"order": {"shipping_address": "here"}}).encode(), 422),
        ("PUT", json.dumps({"order": {"note": "x" * 6000}}).encode(), 422),
        ("PUT", b'{"order": {"note": "' + b"x" * (2 * 1024 * 1024) + b'"}}', 413),
        ("POST", b"{not json", 400),
        ("POST", json.dumps({"reason": "boredom"}).encode(), 422),
        ("POST", b'"cancel"', 400),
    ],
)
async def test_bad_writes_change_nothing(servers, http, method, body, status):
    order = next(
        o
        for o in all_orders(servers.store)
        if not o["cancelled_at"] and not o["fulfillment_status"]
    )
    path = (
        f"/orders/{order['id']}.json" if method == "PUT" else f"/orders/{order['id']}/cancel.json"
    )
    async with http.request(
        method,
        servers.shopify + path,
        headers=H | {"Content-Type": "application/json"},
        data=io.BytesIO(body),
    ) as response:
        assert response.status == status
        assert "errors" in await response.json()
    assert servers.store.order(order["id"]) == order


async def test_unknown_route_inside_shopify_is_a_404_and_recorded(servers, http):
    status, _, body = await get(http, servers.shopify + "/draft_orders.json")
    assert (status, body) == (404, {"errors": "Not Found"})
    assert [u.path for u in servers.store.unexpected] == [SHOPIFY + "/draft_orders.json"]
    servers.store.unexpected.clear()


async def walk(http, url: str | None) -> tuple[list[list[int]], str | None]:
    """Every page of a customer listing by its Link header (bounded), and the last previous link."""
    pages: list[list[int]] = []
    previous = None
    while url and len(pages) < 50:
        async with http.get(url, headers=H) as response:
            assert response.status == 200, await response.text()
            pages.append([c["id"] for c in (await response.json())["customers"]])
            links = dict(
                reversed(part.split(";"))
                for part in response.headers.get("Link", "").split(", ")
                if part
            )
        url = links.get(' rel="next"', "").strip()[1:-1] or None
        previous = links.get(' rel="previous"', "").strip()[1:-1] or previous
    return pages, previous


@pytest.mark.parametrize(
    "listing", ["/customers.json?limit=7", "/customers/search.json?limit=7&query=email:*"]
)
async def test_customer_listings_page_by_cursor_both_ways(servers, http, listing):
    pages, previous = await walk(http, servers.shopify + listing)
    seen = [i for page in pages for i in page]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == servers.store.count_customers() == 30
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert previous is not None
    async with http.get(previous, headers=H) as response:
        assert [c["id"] for c in (await response.json())["customers"]] == pages[-2]


async def test_customer_list_filters_and_counts(servers, http):
    store = servers.store
    everyone = [json.loads(d) for d in store.search_customers([], 100)]
    pivot = everyone[10]
    _, _, body = await get(http, servers.shopify + "/customers.json", since_id=str(pivot["id"]))
    assert [c["id"] for c in body["customers"]] == [c["id"] for c in everyone[11:]]
    wanted = f"{everyone[3]['id']},{everyone[1]['id']},999"
    _, _, body = await get(http, servers.shopify + "/customers.json", ids=wanted)
    assert [c["id"] for c in body["customers"]] == [everyone[1]["id"], everyone[3]["id"]]
    newest = max(everyone, key=lambda c: to_timestamp(c["created_at"]))
    since = newest["created_at"]
    _, _, body = await get(http, servers.shopify + "/customers.json", created_at_min=since)
    assert [c["id"] for c in body["customers"]] == [newest["id"]]
    _, _, body = await get(http, servers.shopify + "/customers/count.json")
    assert body == {"count": 30}
    _, _, body = await get(http, servers.shopify + "/customers/count.json", created_at_min=since)
    assert body == {"count": 1}
    c = a_customer(store)
    url = f"{servers.shopify}/customers/{c['id']}/orders/count.json"
    _, _, every = await get(http, url, status="any")
    assert every["count"] == len([o for o in all_orders(store) if o["customer"]["id"] == c["id"]])
    status, _, _ = await get(http, f"{servers.shopify}/customers/1/orders/count.json")
    assert status == 404
    status, _, body = await get(http, servers.shopify + "/customers.json", since_id="x")
    assert status == 400
    assert "since_id" in body["errors"]
