"""Every search the fake OMS serves for a lookup is answered through an index: each request
below goes through a real socket, and SQLite's plan for every statement it ran shows no scan
of the customers, orders or products tables (nor an unconstrained scan of the trigram index).

The requests are the ones Gladly's lookups make through an adapter and the SDKs call: a
customer by email, phone, name, id or free text; their orders by customer, email, number or
time; one order, its lines, shipments and addresses, on each platform."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.helpers import SHOPIFY, TOKEN

BC = "/stores/abc123"
MAGENTO = "/rest/V1"
HEADERS = {
    "shopify": {"X-Shopify-Access-Token": TOKEN},
    "bigcommerce": {"X-Auth-Token": TOKEN},
    "magento": {"Authorization": f"Bearer {TOKEN}"},
}
SCAN = re.compile(r"^SCAN (customers|orders|products)\b(?!.*\bUSING\b)")
UNCONSTRAINED_FTS = re.compile(r"^SCAN customers_fts VIRTUAL TABLE INDEX \d+:$")


def _criteria(*filters: tuple[str, str, str]) -> dict[str, str]:
    params = {"searchCriteria[pageSize]": "20"}
    for group, (field, value, op) in enumerate(filters):
        base = f"searchCriteria[filter_groups][{group}][filters][0]"
        params |= {f"{base}[field]": field, f"{base}[value]": value, f"{base}[condition_type]": op}
    return params


def _requests(c: dict[str, Any], order: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(label, platform, path, query parameters or a GraphQL query) for one customer."""
    first, last = c["first_name"].lower(), c["last_name"].lower()
    cid, oid, number = c["id"], order["id"], order["order_number"]
    gql_customer = (
        f'{{ customers(first: 1, query: "email:{c["email"]}") {{ nodes {{ id email'
        " orders(first: 10) { nodes { id name fulfillments { trackingInfo { number } } } } } } }"
    )
    gql_orders = (
        f'{{ orders(first: 5, query: "customer_id:{cid} status:any") {{ nodes {{ id }} }} }}'
    )
    return [
        ("search by email", "shopify", "/customers/search.json", {"query": f"email:{c['email']}"}),
        ("search by phone", "shopify", "/customers/search.json", {"query": f"phone:{c['phone']}"}),
        ("search by name", "shopify", "/customers/search.json",
         {"query": f"first_name:{first} last_name:{last}"}),
        ("free-text search", "shopify", "/customers/search.json", {"query": last}),
        ("a customer", "shopify", f"/customers/{cid}.json", {}),
        ("customers by id", "shopify", "/customers.json", {"ids": str(cid)}),
        ("a customer's orders", "shopify", f"/customers/{cid}/orders.json", {"status": "any"}),
        ("their order count", "shopify", f"/customers/{cid}/orders/count.json", {"status": "any"}),
        ("orders by customer", "shopify", "/orders.json", {"status": "any", "customer_id": str(cid)}),
        ("orders by number", "shopify", "/orders.json", {"status": "any", "name": str(number)}),
        ("orders in a week", "shopify", "/orders.json", {"status": "any",
         "created_at_min": "2026-11-01T00:00:00Z", "created_at_max": "2026-11-08T00:00:00Z"}),
        ("an order", "shopify", f"/orders/{oid}.json", {}),
        ("its fulfilments", "shopify", f"/orders/{oid}/fulfillments.json", {}),
        ("GraphQL: a customer and orders", "shopify", "/graphql.json", gql_customer),
        ("GraphQL: orders by customer", "shopify", "/graphql.json", gql_orders),
        ("customers by email", "bigcommerce", "/v3/customers", {"email:in": c["email"]}),
        ("customers by phone", "bigcommerce", "/v3/customers", {"phone:in": c["phone"]}),
        ("customers by name", "bigcommerce", "/v3/customers", {"name:in": f"{first} {last}"}),
        ("customers by part of a name", "bigcommerce", "/v3/customers", {"name:like": last}),
        ("customers by id", "bigcommerce", "/v3/customers", {"id:in": str(cid)}),
        ("orders by customer", "bigcommerce", "/v2/orders", {"customer_id": str(cid)}),
        ("orders by email", "bigcommerce", "/v2/orders", {"email": c["email"]}),
        ("order count", "bigcommerce", "/v2/orders/count", {"customer_id": str(cid)}),
        ("an order", "bigcommerce", f"/v2/orders/{number}", {}),
        ("its products", "bigcommerce", f"/v2/orders/{number}/products", {}),
        ("its shipments", "bigcommerce", f"/v2/orders/{number}/shipments", {}),
        ("its addresses", "bigcommerce", f"/v2/orders/{number}/shipping_addresses", {}),
        ("customers by email", "magento", "/customers/search",
         _criteria(("email", c["email"], "eq"))),
        ("customers by name", "magento", "/customers/search",
         _criteria(("firstname", f"%{first}%", "like"), ("lastname", f"%{last}%", "like"))),
        ("customers by id", "magento", "/customers/search", _criteria(("entity_id", str(cid), "eq"))),
        ("orders by email", "magento", "/orders", _criteria(("customer_email", c["email"], "eq"))),
        ("orders by customer", "magento", "/orders", _criteria(("customer_id", str(cid), "eq"))),
        ("orders by number", "magento", "/orders",
         _criteria(("increment_id", f"{number:09d}", "eq"))),
        ("an order", "magento", f"/orders/{number}", {}),
        ("shipments of orders", "magento", "/shipments", _criteria(("order_id", str(number), "in"))),
    ]  # fmt: skip


def scans(plan: list[str]) -> list[str]:
    return [step for step in plan if SCAN.search(step) or UNCONSTRAINED_FTS.search(step)]


@pytest.mark.parametrize(
    ("step", "scan"),
    [
        ("SCAN customers", True),
        ("SCAN orders", True),
        ("SCAN customers USING COVERING INDEX customers_email", False),
        ("SEARCH customers USING INDEX customers_email (email_lc=?)", False),
        ("SCAN customers_fts VIRTUAL TABLE INDEX 0:", True),
        ("SCAN customers_fts VIRTUAL TABLE INDEX 0:L2", False),
        ("SCAN f VIRTUAL TABLE INDEX 3:", False),  # one order's fulfilments (json_each)
    ],
)
def test_what_counts_as_a_scan(step, scan):
    assert bool(scans([step])) is scan


async def test_every_lookup_search_is_answered_through_an_index(servers, http):
    store = servers.store
    # a customer whose names are three letters or more: shorter parts of a name are answered
    # by a scan of the name itself (see queries.trigram_safe)
    customer = next(
        store.customer(c["id"])
        for c in store.known_customers(30)
        if c["orders"] and all(len(p) >= 3 and p.isascii() for p in c["name"].split())
    )
    assert customer is not None
    order = store.orders_page(_orders_of(customer["id"]), limit=1)[0]
    prefixes = {"shopify": SHOPIFY, "bigcommerce": BC, "magento": MAGENTO}
    failures = []
    for label, platform, path, params in _requests(customer, order):
        url = servers.oms + prefixes[platform] + path
        with store.traced() as statements:
            if isinstance(params, str):
                request = http.post(url, json={"query": params}, headers=HEADERS[platform])
            else:
                request = http.get(url, params=params, headers=HEADERS[platform])
            async with request as response:
                body = await response.text()
                assert response.status == 200, (platform, label, response.status, body[:300])
                assert '"errors"' not in body, (label, body[:300])  # GraphQL's come with a 200
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert selects, (platform, label)
        failures += [
            (platform, label, sql[:160], scanned)
            for sql in selects
            if (scanned := scans(store.plan(sql)))
        ]
    assert failures == [], "\n".join(map(str, failures))


def _orders_of(customer_id: int) -> Any:
    from mockserver.oms.store import OrderQuery

    return OrderQuery(customer_id=customer_id, status="any")


def test_an_escaped_or_short_pattern_still_finds_what_like_finds(store):
    """Patterns the trigram index cannot answer exactly (a literal % or _, a run of fewer than
    three characters, CJK included) fall back to the columns: a free-text search finds the
    customers whose email or names contain the text, whichever way it is answered."""
    people = [store.customer(c["id"]) for c in store.known_customers(30)]
    parts = ["%", "_", "a_b", "50%"]
    for c in people[:12]:
        parts += [c["last_name"], c["last_name"][-2:], c["first_name"][:1], c["first_name"][1:4]]
    for part in parts:
        wanted = sorted(
            p["id"]
            for p in people
            if any(
                part.lower() in (v or "").lower()
                for v in (p["email"], p["first_name"], p["last_name"])
            )
        )
        found = sorted(
            json.loads(doc)["id"] for doc in store.search_customers([("any", part)], 100)
        )
        assert found == wanted, part
