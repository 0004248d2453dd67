"""The fake BigCommerce and Magento render the same store in their own shapes."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from mockserver.oms.store import OrderQuery, Store
from tests.helpers import TOKEN

BC = "/stores/abc123"
BH = {"X-Auth-Token": TOKEN}
MH = {"Authorization": f"Bearer {TOKEN}"}


def orders(store: Store) -> list[dict[str, Any]]:
    return [
        json.loads(r[2])
        for r in store.list_orders(OrderQuery(status="any"), limit=10_000, order="id_asc")
    ]


async def fetch(
    http, url: str, headers: dict[str, str], **params: str
) -> tuple[int, dict[str, str], Any]:
    async with http.get(url, headers=headers, params=params) as response:
        raw = await response.read()
        return response.status, dict(response.headers), json.loads(raw) if raw else None


# -- BigCommerce -----------------------------------------------------------------------------------


async def test_bigcommerce_customers_by_email_and_id(servers, http):
    c = servers.store.known_customers(2)
    status, _, body = await fetch(
        http,
        servers.oms + BC + "/v3/customers",
        BH,
        **{"email:in": f"{c[0]['email']},{c[1]['email'].upper()}"},
    )
    assert status == 200
    assert sorted(x["id"] for x in body["data"]) == sorted([c[0]["id"], c[1]["id"]])
    assert body["meta"]["pagination"]["total"] == 2
    _, _, body = await fetch(
        http, servers.oms + BC + "/v3/customers", BH, **{"id:in": str(c[0]["id"])}
    )
    assert [x["email"] for x in body["data"]] == [c[0]["email"]]
    _, _, body = await fetch(
        http, servers.oms + BC + "/v3/customers", BH, **{"email:in": "nobody@example.com"}
    )
    assert body["data"] == []


async def test_bigcommerce_customers_by_phone_and_name(servers, http):
    c = servers.store.known_customers(1)[0]
    url = servers.oms + BC + "/v3/customers"
    digits = "".join(ch for ch in c["phone"] if ch.isdigit())
    for phone in (c["phone"], digits, f"{c['phone']},+10000000000"):
        _, _, body = await fetch(http, url, BH, **{"phone:in": phone})
        assert [x["id"] for x in body["data"]] == [c["id"]], phone
    first, last = c["name"].split(" ", 1)
    _, _, body = await fetch(http, url, BH, **{"name:like": last[1:].upper()})
    assert c["id"] in [x["id"] for x in body["data"]]
    _, _, body = await fetch(http, url, BH, **{"name:in": c["name"].lower()})
    assert [x["id"] for x in body["data"]] == [c["id"]]
    got, _, body = await fetch(http, url, BH, **{"name:like": "%", "email:in": c["email"]})
    assert got == 422  # the caller's wildcards are not the API's: nothing is left to match
    _, _, body = await fetch(http, url, BH, **{"name:like": first, "email:in": "x@example.com"})
    assert body["data"] == []  # filters are ANDed
    got, _, body = await fetch(http, url, BH, **{"phone:in": ","})
    assert got == 422
    assert "phone:in" in str(body)


async def test_bigcommerce_orders_list_filters_and_204(servers, http):
    all_orders = orders(servers.store)
    customer = all_orders[0]["customer"]["id"]
    status, _, body = await fetch(
        http, servers.oms + BC + "/v2/orders", BH, customer_id=str(customer), limit="250"
    )
    assert status == 200
    assert {o["customer_id"] for o in body} == {customer}
    assert len(body) == sum(o["customer"]["id"] == customer for o in all_orders)
    first = body[0]
    assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000", first["date_created"])
    assert re.fullmatch(r"\d+\.\d{4}", first["total_inc_tax"])
    assert first["products"]["url"].startswith(servers.oms + BC + "/v2/orders/")
    _, _, by_email = await fetch(
        http, servers.oms + BC + "/v2/orders", BH, email=all_orders[0]["email"].upper()
    )
    assert {o["id"] for o in by_email} == {o["id"] for o in body}
    status, headers, empty = await fetch(http, servers.oms + BC + "/v2/orders", BH, customer_id="1")
    assert (status, empty, headers.get("Content-Length", "0")) == (204, None, "0")
    for status_id in (2, 5, 11, 12):
        got, _, listed = await fetch(
            http, servers.oms + BC + "/v2/orders", BH, status_id=str(status_id), limit="250"
        )
        assert got in (200, 204)
        assert all(o["status_id"] == status_id for o in listed or [])
    _, _, page1 = await fetch(
        http, servers.oms + BC + "/v2/orders", BH, limit="5", page="1", sort="date_created:desc"
    )
    _, _, page2 = await fetch(
        http, servers.oms + BC + "/v2/orders", BH, limit="5", page="2", sort="date_created:desc"
    )
    assert len(page1) == len(page2) == 5
    assert not {o["id"] for o in page1} & {o["id"] for o in page2}
    _, _, counted = await fetch(http, servers.oms + BC + "/v2/orders/count", BH)
    assert counted == {"count": len(all_orders)}


async def test_bigcommerce_order_products_shipments_and_statuses(servers, http):
    order = next(o for o in orders(servers.store) if o["fulfillments"])
    number = order["order_number"]
    _, _, body = await fetch(http, f"{servers.oms}{BC}/v2/orders/{number}.json", BH)
    assert (body["id"], body["items_total"]) == (
        number,
        sum(li["quantity"] for li in order["line_items"]),
    )
    _, _, products = await fetch(http, f"{servers.oms}{BC}/v2/orders/{number}/products", BH)
    assert [p["sku"] for p in products] == [li["sku"] for li in order["line_items"]]
    _, _, shipments = await fetch(http, f"{servers.oms}{BC}/v2/orders/{number}/shipments", BH)
    assert shipments[0]["tracking_number"] == order["fulfillments"][0]["tracking_number"]
    assert shipments[0]["tracking_carrier"] in ("ups", "usps", "fedex", "dhl")
    unshipped = next(o for o in orders(servers.store) if not o["fulfillments"])
    status, _, _ = await fetch(
        http, f"{servers.oms}{BC}/v2/orders/{unshipped['order_number']}/shipments", BH
    )
    assert status == 204
    _, _, statuses = await fetch(http, f"{servers.oms}{BC}/v2/order_statuses", BH)
    assert len(statuses) == 15
    pid = order["line_items"][0]["product_id"]
    _, _, images = await fetch(http, f"{servers.oms}{BC}/v3/catalog/products/{pid}/images", BH)
    assert images["data"][0]["url_standard"].startswith("https://")


@pytest.mark.parametrize(
    ("path", "params", "status", "shape"),
    [
        ("/v2/orders/999999", {}, 404, list),
        ("/v2/orders", {"limit": "500"}, 413, list),
        ("/v2/orders", {"customer_id": "abc"}, 400, list),
        ("/v2/orders", {"min_date_created": "someday"}, 400, list),
        ("/v2/orders", {"sort": "price:up"}, 400, list),
        ("/v3/customers", {"id:in": "1,x"}, 422, dict),
        ("/v3/catalog/products/1", {}, 404, dict),
    ],
)
async def test_bigcommerce_errors_in_its_shapes(servers, http, path, params, status, shape):
    got, _, body = await fetch(http, servers.oms + BC + path, BH, **params)
    assert got == status
    assert isinstance(body, shape)
    assert (body[0] if shape is list else body)["status"] == status


async def test_bigcommerce_auth_and_rate_limit_headers(servers, http):
    got, _, body = await fetch(http, servers.oms + BC + "/v2/orders", {"X-Auth-Token": "nope"})
    assert (got, body[0]["status"]) == (401, 401)
    servers.store.settings["rateLimit"] = True
    _, headers, _ = await fetch(http, servers.oms + BC + "/v2/order_statuses", BH)
    assert headers["X-Rate-Limit-Requests-Quota"] == "150"
    assert int(headers["X-Rate-Limit-Requests-Left"]) == 149
    results = await asyncio.gather(
        *(fetch(http, servers.oms + BC + "/v2/order_statuses", BH) for _ in range(155))
    )
    limited = [h for s, h, _ in results if s == 429]
    assert len(limited) == 6
    assert int(limited[0]["X-Retry-After"]) >= 1


# -- Magento ---------------------------------------------------------------------------------------


def criteria(
    field: str,
    value: str,
    condition: str = "eq",
    group: int = 0,
    index: int = 0,
    camel: bool = False,
) -> dict[str, str]:
    groups, cond = (
        ("filterGroups", "conditionType") if camel else ("filter_groups", "condition_type")
    )
    base = f"searchCriteria[{groups}][{group}][filters][{index}]"
    return {f"{base}[field]": field, f"{base}[value]": value, f"{base}[{cond}]": condition}


async def test_magento_customer_search_both_spellings(servers, http):
    c = servers.store.known_customers(1)[0]
    for camel in (False, True):
        for prefix in ("/rest/V1", "/rest/default/V1"):
            status, _, body = await fetch(
                http,
                servers.oms + prefix + "/customers/search",
                MH,
                **criteria("email", c["email"].upper(), camel=camel),
            )
            assert status == 200
            assert [x["id"] for x in body["items"]] == [c["id"]]
            assert body["total_count"] == 1


async def test_magento_orders_search_sort_and_pages(servers, http):
    all_orders = orders(servers.store)
    email = all_orders[0]["email"]
    params = criteria("customer_email", email) | {
        "searchCriteria[sortOrders][0][field]": "created_at",
        "searchCriteria[sortOrders][0][direction]": "DESC",
    }
    _, _, body = await fetch(http, servers.oms + "/rest/V1/orders", MH, **params)
    mine = [o for o in all_orders if o["email"] == email]
    assert body["total_count"] == len(mine)
    assert [o["created_at"] for o in body["items"]] == sorted(
        (o["created_at"] for o in body["items"]), reverse=True
    )
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", o["created_at"]) for o in body["items"]
    )
    assert all(isinstance(o["grand_total"], float) for o in body["items"])
    assert all(o["increment_id"] == f"{o['entity_id']:09d}" for o in body["items"])
    either = criteria("state", "complete") | criteria("state", "canceled", index=1)
    _, _, body = await fetch(http, servers.oms + "/rest/V1/orders", MH, **either)
    assert body["items"]
    assert {o["state"] for o in body["items"]} <= {"complete", "canceled"}
    both = criteria("state", "complete") | criteria("customer_email", email, group=1)
    _, _, body = await fetch(http, servers.oms + "/rest/V1/orders", MH, **both)
    assert all(o["state"] == "complete" and o["customer_email"] == email for o in body["items"])
    _, _, page = await fetch(
        http,
        servers.oms + "/rest/V1/orders",
        MH,
        **{"searchCriteria[pageSize]": "4", "searchCriteria[currentPage]": "2"},
    )
    assert len(page["items"]) == 4
    assert page["search_criteria"]["current_page"] == 2


async def test_magento_order_items_shipments_and_configurable_rows(servers, http):
    order = next(o for o in orders(servers.store) if o["fulfillments"])
    _, _, body = await fetch(http, f"{servers.oms}/rest/V1/orders/{order['order_number']}", MH)
    top = [i for i in body["items"] if i["parent_item_id"] is None]
    assert sum(i["qty_ordered"] for i in top) == body["total_qty_ordered"]
    assert (
        body["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"][
            "address_type"
        ]
        == "shipping"
    )
    all_rows = [
        i
        for o in orders(servers.store)
        for i in (await fetch(http, f"{servers.oms}/rest/V1/orders/{o['order_number']}", MH))[2][
            "items"
        ]
    ]
    assert any(i["parent_item_id"] for i in all_rows)
    _, _, shipments = await fetch(
        http,
        servers.oms + "/rest/V1/shipments",
        MH,
        **criteria("order_id", str(order["order_number"])),
    )
    assert (
        shipments["items"][0]["tracks"][0]["track_number"]
        == order["fulfillments"][0]["tracking_number"]
    )


@pytest.mark.parametrize(
    ("path", "params", "headers", "status", "needle"),
    [
        ("/rest/V1/orders/999999999", {}, MH, 404, "doesn't exist"),
        ("/rest/V1/nothing", {}, MH, 404, "does not match any route"),
        (
            "/rest/V1/orders",
            criteria("state", "x", "sounds-like"),
            MH,
            400,
            "Invalid condition type",
        ),
        ("/rest/V1/orders", {"searchCriteria[pageSize]": "-1"}, MH, 400, "positive whole number"),
        ("/rest/V1/orders", criteria("items", "x"), MH, 400, "can be filtered on"),
        (
            "/rest/V1/orders",
            {"searchCriteria[sortOrders][0][field]": "payment"},
            MH,
            400,
            "can be sorted by",
        ),
        (
            "/rest/V1/orders",
            {"searchCriteria[filter_groups][" + "9" * 5000 + "][filters][0][field]": "state"},
            MH,
            400,
            "is not a searchCriteria parameter",
        ),
        ("/rest/V1/orders", {}, MH, 400, '"%fieldName" is required'),
        ("/rest/V1/customers/search", {}, MH, 400, '"%fieldName" is required'),
        ("/rest/V1/shipment/999999999", {}, MH, 404, "doesn't exist"),
        ("/rest/V1/orders", {}, {"Authorization": "Bearer wrong"}, 401, "isn't authorized"),
        ("/rest/V1/orders", {}, {}, 401, "isn't authorized"),
    ],
)
async def test_magento_errors_in_its_shape(servers, http, path, params, headers, status, needle):
    got, _, body = await fetch(http, servers.oms + path, headers, **params)
    assert got == status
    assert needle in body["message"]
    if "fieldName" in needle:
        assert body["parameters"] == {"fieldName": "searchCriteria"}
    servers.store.unexpected.clear()  # the 404s were asked for


async def test_magento_shipment_by_id_is_the_one_the_search_lists(servers, http):
    _, _, listed = await fetch(
        http, servers.oms + "/rest/V1/shipments", MH, **{"searchCriteria[pageSize]": "3"}
    )
    for shipment in listed["items"]:
        url = f"{servers.oms}/rest/V1/shipment/{shipment['entity_id']}"
        status, _, one = await fetch(http, url, MH)
        assert status == 200
        assert one == shipment


async def test_magento_admin_token(servers, http):
    async with http.post(
        servers.oms + "/rest/V1/integration/admin/token",
        json={"username": "admin", "password": TOKEN},
    ) as r:
        assert (r.status, await r.json()) == (200, TOKEN)
    async with http.post(
        servers.oms + "/rest/V1/integration/admin/token",
        json={"username": "admin", "password": "x"},
    ) as r:
        assert r.status == 401


async def test_all_platforms_agree_on_one_order(servers, http):
    order = next(o for o in orders(servers.store) if o["fulfillments"])
    _, _, bc = await fetch(http, f"{servers.oms}{BC}/v2/orders/{order['order_number']}", BH)
    _, _, mg = await fetch(http, f"{servers.oms}/rest/V1/orders/{order['order_number']}", MH)
    assert float(bc["total_inc_tax"]) == mg["grand_total"] == float(order["total_price"])
    assert bc["currency_code"] == mg["order_currency_code"] == order["currency"]


async def test_bigcommerce_v2_customers_and_an_orders_shipping_addresses(servers, http):
    c = servers.store.known_customers(1)[0]
    url = servers.oms + BC + "/v2/customers"
    status, _, body = await fetch(http, url, BH, email=c["email"].upper())
    assert status == 200
    assert [x["id"] for x in body] == [c["id"]]
    assert body[0]["date_created"].endswith("+0000")  # RFC 2822, as v2 writes dates
    _, _, one = await fetch(http, f"{url}/{c['id']}", BH)
    assert one == body[0]
    _, _, counted = await fetch(http, url + "/count", BH)
    assert counted == {"count": 30}
    _, _, body = await fetch(http, url, BH, min_id=str(c["id"] + 1), limit="250")
    assert all(x["id"] > c["id"] for x in body)
    status, _, _ = await fetch(http, url, BH, email="nobody@example.com")
    assert status == 204
    status, _, body = await fetch(http, url, BH, min_id="x")
    assert status == 400
    assert isinstance(body, list)
    order = next(o for o in orders(servers.store) if o.get("shipping_address"))
    _, _, shown = await fetch(http, f"{servers.oms}{BC}/v2/orders/{order['order_number']}", BH)
    link = shown["shipping_addresses"]["url"]
    assert link.endswith(f"/v2/orders/{order['order_number']}/shipping_addresses")
    async with http.get(link, headers=BH) as response:  # the order's own link works
        assert response.status == 200
        [address] = await response.json()
    assert address["city"] == order["shipping_address"]["city"]
    assert address["order_id"] == order["order_number"]
