"""Python's Shopify and BigCommerce SDKs against the fake over HTTPS, as a user runs them: a
subprocess with the kit's CA in SSL_CERT_FILE / REQUESTS_CA_BUNDLE and BC_API_ENDPOINT set.
Usage: python python_sdks.py ORIGIN TOKEN EMAIL [rate-limited]  (ORIGIN is https://127.0.0.1:PORT;
prints JSON; ``rate-limited`` calls past each platform's rate limit instead)
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import bigcommerce
import shopify
from pyactiveresource.connection import ClientError, UnauthorizedAccess


def shopify_calls(origin: str, token: str, email: str) -> dict[str, Any]:
    session = shopify.Session("lookupkit-demo.myshopify.com", "2025-01", token)
    shopify.ShopifyResource.activate_session(session)
    shopify.ShopifyResource.set_site(f"{origin}/admin/api/2025-01")  # the fake, on its port
    [customer] = shopify.Customer.search(query=f"email:{email}")
    names, page, pages = [], shopify.Order.find(customer_id=customer.id, status="any", limit=2), 0
    while pages < 20:
        names += [o.name for o in page]
        pages += 1
        if not page.has_next_page():
            break
        page = page.next_page()
    shipped = next(o for o in shopify.Order.find(status="any", limit=250) if o.fulfillments)
    tracking = [f.tracking_number for f in shipped.fulfillments]
    graphql = json.loads(
        shopify.GraphQL().execute(
            "query($q: String!) { customers(first: 1, query: $q) { nodes { email } } }",
            {"q": f"email:{email}"},
        )
    )
    count = shopify.Order.count(status="any")
    shopify.ShopifyResource.set_headers({"X-Shopify-Access-Token": "not-the-token"})
    try:
        shopify.Order.count()
        refused = False
    except UnauthorizedAccess:
        refused = True
    return {
        "customerId": customer.id,
        "orders": names,
        "pages": pages,
        "count": count,
        "tracking": tracking,
        "graphql": graphql,
        "badTokenRefused": refused,
    }


def bigcommerce_calls(token: str, email: str) -> dict[str, Any]:
    api = bigcommerce.api.BigcommerceApi(
        client_id="lookupkit", store_hash="lookupkit", access_token=token
    )
    [customer] = api.Customers.all(email=email)
    numbers, page = [], 1
    while page < 20:
        batch = api.Orders.all(customer_id=customer.id, limit=2, page=page)
        if not isinstance(batch, list) or not batch:  # past the last page: BigCommerce's 204
            break
        numbers += [o.id for o in batch]
        page += 1
    shipped = []
    for o in api.Orders.all(limit=50):
        found = api.OrderShipments.all(parentid=o.id)  # an order without shipments is a 204
        shipped += [s.tracking_number for s in found] if isinstance(found, list) else []
    bad = bigcommerce.api.BigcommerceApi(
        client_id="lookupkit", store_hash="lookupkit", access_token="nope"
    )
    try:
        bad.Orders.count()
        refused = False
    except bigcommerce.exception.ClientRequestException as exc:
        refused = exc.status_code == 401
    return {
        "customerId": customer.id,
        "orders": numbers,
        "count": api.Orders.count(),
        "tracking": shipped,
        "badTokenRefused": refused,
    }


def rate_limited(origin: str, token: str) -> dict[str, Any]:
    """Past each platform's rate limit: neither SDK retries a 429 itself; each raises its own
    exception, with the platform's hint of when to try again, and a call after it works."""
    session = shopify.Session("lookupkit-demo.myshopify.com", "2025-01", token)
    shopify.ShopifyResource.activate_session(session)
    shopify.ShopifyResource.set_site(f"{origin}/admin/api/2025-01")
    shop: dict[str, Any] = {}
    started = time.monotonic()
    for calls in range(1, 200):  # the bucket holds 40 and leaks 2 a second
        try:
            shopify.Order.count(status="any")
        except ClientError as exc:
            wait = float(exc.response.headers.get("Retry-After") or 0)
            shop = {"status": exc.response.code, "calls": calls, "retryAfter": wait,
                    "seconds": time.monotonic() - started}  # fmt: skip
            time.sleep(wait)
            shop["after"] = shopify.Order.count(status="any")
            break
    api = bigcommerce.api.BigcommerceApi(
        client_id="lookupkit", store_hash="lookupkit", access_token=token
    )
    bc: dict[str, Any] = {}
    for calls in range(1, 200):  # 150 a window
        try:
            api.Orders.count()
        except bigcommerce.exception.RateLimitingException as exc:
            bc = {"status": exc.status_code, "calls": calls, "retryAfterMs": int(exc.retry_after)}
            break
    return {"shopify": shop, "bigcommerce": bc}


if __name__ == "__main__":
    origin, token, email = sys.argv[1:4]
    if sys.argv[4:] == ["rate-limited"]:
        print(json.dumps(rate_limited(origin, token)))
        sys.exit(0)
    answers = {
        "shopify": shopify_calls(origin, token, email),
        "bigcommerce": bigcommerce_calls(token, email),
    }
    print(json.dumps(answers))
