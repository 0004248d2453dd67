"""The reference adapter reading Shopify's GraphQL Admin API: one query per lookup (a customer
with their newest orders, line items, product images and tracking), its calculated cost kept
under Shopify's 1,000 points, and ``THROTTLED`` answers waited out as ``throttleStatus`` says.

The GraphQL objects are read into the REST shapes ``mapping.py`` already maps, so both modes show
the same answer. Actions still write through REST (``service.py``), on the same connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.forms import order_actions
from mockserver.adapter.mapping import gladly_profile
from mockserver.adapter.oms_client import OmsError, is_id
from mockserver.adapter.shopify_client import Shopify

__all__ = ["ShopifyGraphQLBackend"]

log = logging.getLogger("lookupkit.adapter")

# The newest 10 orders, 8 lines, 3 fulfilments of 5 lines each: 910 points, under Shopify's 1,000.
ORDERS, LINES, FULFILMENTS, SHIPPED_LINES = 10, 8, 3, 5
CUSTOMER = """id legacyResourceId firstName lastName email phone createdAt numberOfOrders
  amountSpent { amount currencyCode }
  defaultAddress { address1 address2 city province provinceCode zip countryCodeV2 }"""
ADDRESS = "name phone address1 address2 city province provinceCode zip countryCodeV2"
ORDER = f"""legacyResourceId name createdAt cancelledAt tags note statusPageUrl
  displayFinancialStatus displayFulfillmentStatus currencyCode
  totalPriceSet {{ shopMoney {{ amount currencyCode }} }}
  shippingLine {{ title }}
  shippingAddress {{ {ADDRESS} }} billingAddress {{ {ADDRESS} }}
  lineItems(first: {LINES}) {{ nodes {{ id title sku quantity unfulfilledQuantity
    originalUnitPriceSet {{ shopMoney {{ amount }} }}
    product {{ legacyResourceId featuredImage {{ url }} }} }} }}
  fulfillments(first: {FULFILMENTS}) {{ status displayStatus
    trackingInfo(first: 1) {{ company number url }}
    fulfillmentLineItems(first: {SHIPPED_LINES}) {{ nodes {{ lineItem {{ id }} }} }} }}"""
DETAILED = f"""query Detailed($id: ID!) {{ customer(id: $id) {{ {CUSTOMER}
  orders(first: {ORDERS}, sortKey: CREATED_AT, reverse: true) {{ nodes {{ {ORDER} }} }} }} }}"""
SEARCH = (
    f"query Find($q: String!) {{ customers(first: 10, query: $q) {{ nodes {{ {CUSTOMER} }} }} }}"
)
BY_ID = f"query One($id: ID!) {{ customer(id: $id) {{ {CUSTOMER} }} }}"


def _legacy(gid: str) -> int:
    return int(gid.rsplit("/", 1)[-1])


def _address(a: dict[str, Any] | None) -> dict[str, Any] | None:
    if not a:
        return None
    return {
        "name": a.get("name"),
        "phone": a.get("phone"),
        "address1": a.get("address1"),
        "address2": a.get("address2"),
        "city": a.get("city"),
        "province": a.get("province"),
        "province_code": a.get("provinceCode"),
        "zip": a.get("zip"),
        "country_code": a.get("countryCodeV2"),
    }


def rest_customer(c: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL Customer in the REST shape ``mapping.gladly_profile`` reads."""
    spent = c.get("amountSpent") or {}
    return {
        "id": int(c["legacyResourceId"]),
        "first_name": c.get("firstName"),
        "last_name": c.get("lastName"),
        "email": c.get("email"),
        "phone": c.get("phone"),
        "created_at": c.get("createdAt"),
        "orders_count": int(c.get("numberOfOrders") or 0),
        "total_spent": spent.get("amount"),
        "currency": spent.get("currencyCode"),
        "default_address": _address(c.get("defaultAddress")),
    }


def rest_order(o: dict[str, Any]) -> tuple[dict[str, Any], dict[int, str]]:
    """A GraphQL Order in the REST shape, and its products' images."""
    lines, images = [], {}
    for line in (o.get("lineItems") or {}).get("nodes") or []:
        product = line.get("product") or {}
        pid = int(product["legacyResourceId"]) if product.get("legacyResourceId") else None
        if pid and (product.get("featuredImage") or {}).get("url"):
            images[pid] = product["featuredImage"]["url"]
        shipped = line.get("quantity") and not line.get("unfulfilledQuantity")
        lines.append(
            {
                "id": _legacy(line["id"]),
                "product_id": pid,
                "title": line.get("title"),
                "sku": line.get("sku"),
                "quantity": line.get("quantity"),
                "price": line["originalUnitPriceSet"]["shopMoney"]["amount"],
                "fulfillment_status": "fulfilled" if shipped else None,
            }
        )
    fulfilment = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}
    status = str(o.get("displayFulfillmentStatus") or "")
    return {
        "id": int(o["legacyResourceId"]),
        "name": o["name"],
        "created_at": o["createdAt"],
        "cancelled_at": o.get("cancelledAt"),
        "tags": ", ".join(o.get("tags") or []),
        "note": o.get("note"),
        "order_status_url": o.get("statusPageUrl"),
        "financial_status": str(o.get("displayFinancialStatus") or "").lower() or None,
        "fulfillment_status": fulfilment.get(status),
        "currency": o["totalPriceSet"]["shopMoney"]["currencyCode"],
        "total_price": o["totalPriceSet"]["shopMoney"]["amount"],
        "shipping_lines": [{"title": o["shippingLine"]["title"]}] if o.get("shippingLine") else [],
        "shipping_address": _address(o.get("shippingAddress")),
        "billing_address": _address(o.get("billingAddress")),
        "line_items": lines,
        "fulfillments": [_rest_fulfillment(f) for f in o.get("fulfillments") or []],
    }, images


def _rest_fulfillment(f: dict[str, Any]) -> dict[str, Any]:
    tracking = (f.get("trackingInfo") or [{}])[0]
    return {
        "status": str(f.get("status") or "").lower(),
        "shipment_status": str(f.get("displayStatus") or "").lower() or None,
        "tracking_company": tracking.get("company"),
        "tracking_number": tracking.get("number"),
        "tracking_url": tracking.get("url"),
        "line_items": [
            {"id": _legacy(n["lineItem"]["id"])}
            for n in (f.get("fulfillmentLineItems") or {}).get("nodes") or []
        ],
    }


class ShopifyGraphQLBackend:
    """Shopify through ``POST graphql.json``: customers(query:) for searches, one query for a
    customer with orders."""

    platform = "shopify"

    def __init__(self, config: AdapterConfig) -> None:
        self.client = Shopify(config.oms_url, config.oms_token, cache_size=config.cache_size)
        self.shop = config.shop

    def clear(self) -> None:
        """Nothing is remembered between lookups."""

    async def query(self, text: str, variables: dict[str, Any], deadline: float) -> Any:
        """The ``data`` of a query; THROTTLED is waited out while the deadline allows."""
        for attempt in range(8):  # bounded; the deadline usually ends it first
            got = await self.client.call(
                "POST", "/graphql.json", deadline, body={"query": text, "variables": variables}
            )
            errors = (got or {}).get("errors") if isinstance(got, dict) else None
            if not errors:
                if not isinstance(got, dict) or not isinstance(got.get("data"), dict):
                    raise OmsError("the order system's GraphQL answer had no data")
                return got["data"]
            codes = {
                str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)
            }
            if "THROTTLED" not in codes:
                first = errors[0].get("message") if isinstance(errors[0], dict) else None
                raise OmsError(f"the order system refused the GraphQL query: {str(first)[:200]}")
            status = ((got.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {}
            need = float(
                ((got.get("extensions") or {}).get("cost") or {}).get("requestedQueryCost") or 0
            )
            wait = max(
                0.2,
                (need - float(status.get("currentlyAvailable") or 0))
                / float(status.get("restoreRate") or 50),
            )
            if time.monotonic() + wait >= deadline or attempt == 7:
                raise OmsError("the order system is throttling our GraphQL queries", 503)
            log.info("event=oms-throttled api=graphql attempt=%d wait=%.1f", attempt, wait)
            await asyncio.sleep(wait)
        raise OmsError("the order system kept throttling us", 503)  # pragma: no cover

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        if attr == "externalCustomerId":
            if not is_id(value):
                return []
            data = await self.query(BY_ID, {"id": f"gid://shopify/Customer/{value}"}, deadline)
            found = [data["customer"]] if data.get("customer") else []
        elif attr in ("email", "phone"):
            data = await self.query(SEARCH, {"q": f'{attr}:"{value}"'}, deadline)
            found = data["customers"]["nodes"]
        elif attr == "name":
            words = value.split()
            q = f'first_name:"{words[0]}" last_name:"{words[-1]}"' if words[1:] else words[0]
            data = await self.query(SEARCH, {"q": q}, deadline)
            wanted = value.lower()
            found = [
                c
                for c in data["customers"]["nodes"]
                if wanted in f"{c.get('firstName') or ''} {c.get('lastName') or ''}".lower()
            ]
        else:
            found = []
        return [gladly_profile(rest_customer(c), None, {}, self.shop) for c in found]

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not is_id(customer_id):
            return None
        data = await self.query(DETAILED, {"id": f"gid://shopify/Customer/{customer_id}"}, deadline)
        customer = data.get("customer")
        if not customer:
            return None
        orders: list[dict[str, Any]] = []
        images: dict[int, str] = {}
        for node in customer["orders"]["nodes"]:
            order, found = rest_order(node)
            orders.append(order)
            images |= found
        profile = gladly_profile(rest_customer(customer), orders, images, self.shop)
        by_number = {o["name"]: o for o in orders}
        for txn in profile["transactions"]:
            txn["actions"] = order_actions(by_number[txn["orderNumber"]])
        return profile
