"""The reference adapter over BigCommerce: v3 customers, v2 orders with their products and
shipments, mapped to Gladly profiles and ORDER transactions.

BigCommerce's order ``id`` is the order number merchants and customers see; dates are RFC 2822
and written here as ISO-8601; ``status_id`` (not the merchant's relabelled ``status``) decides
Gladly's ``orderStatus``. Each order needs two more calls (products, shipments), made a few at
a time for the newest ``max_orders`` only.
"""

from __future__ import annotations

import asyncio
import re
from email.utils import parsedate_to_datetime
from typing import Any

from mockserver.adapter.mapping import without_none
from mockserver.adapter.money import money
from mockserver.adapter.oms_client import OmsClient, is_id

__all__ = ["BigCommerce", "order_status"]

# status_id -> Gladly orderStatus (BigCommerce's fixed ids; merchants relabel only the names).
STATUS = {
    0: "pending",  # Incomplete
    1: "pending",  # Pending
    2: "complete",  # Shipped
    3: "pending",  # Partially Shipped
    4: "canceled",  # Refunded: the sale was undone
    5: "canceled",  # Cancelled
    6: "canceled",  # Declined
    7: "pending",  # Awaiting Payment
    8: "pending",  # Awaiting Pickup
    9: "pending",  # Awaiting Shipment
    10: "complete",  # Completed
    11: "pending",  # Awaiting Fulfillment
    12: "reviewing",  # Manual Verification Required
    13: "reviewing",  # Disputed
    14: "complete",  # Partially Refunded (shipped, part of it paid back)
}
PARALLEL = 6  # order sub-resource calls at once
PHONE = re.compile(r"\+?[0-9]{7,15}")


def order_status(order: dict[str, Any]) -> str:
    return STATUS.get(int(order.get("status_id") or 0), "pending")


def _iso(text: Any) -> str | None:
    try:
        return parsedate_to_datetime(str(text)).isoformat() if text else None
    except (TypeError, ValueError):
        return None


def _address(a: dict[str, Any] | None) -> dict[str, str]:
    a = a or {}
    parts = {
        "name": f"{a.get('first_name') or ''} {a.get('last_name') or ''}".strip(),
        "phone": a.get("phone"),
        "street1": a.get("street_1"),
        "street2": a.get("street_2"),
        "city": a.get("city"),
        "state": a.get("state"),
        "country": a.get("country_iso2") or a.get("country"),
        "zip": a.get("zip"),
    }
    return {key: str(value) for key, value in parts.items() if value}


def profile(customer: dict[str, Any]) -> dict[str, Any]:
    """A v3 customer as a Gladly profile (without transactions)."""
    return {
        "externalCustomerId": str(customer["id"]),
        "name": f"{customer.get('first_name') or ''} {customer.get('last_name') or ''}".strip(),
        "emails": [{"original": customer["email"]}] if customer.get("email") else [],
        "phones": [{"original": customer["phone"], "type": "MOBILE"}]
        if customer.get("phone")
        else [],
        "customAttributes": {"customerSince": str(customer.get("date_created", ""))[:10]},
    }


def order(o: dict[str, Any], lines: list[dict[str, Any]], shipments: list[dict[str, Any]]) -> Any:
    """A v2 order, its products and its shipments as a Gladly ORDER transaction."""
    currency = o.get("currency_code") or o.get("default_currency_code") or "USD"
    cancelled = order_status(o) == "canceled"
    products = [
        without_none(
            {
                "id": str(line["id"]),
                "productId": str(line.get("product_id")),
                "name": line.get("name_customer") or line.get("name"),
                "sku": line.get("sku") or None,
                "quantity": str(line.get("quantity")),
                "status": "canceled"
                if cancelled
                else "fulfilled"
                if int(line.get("quantity_shipped") or 0) >= int(line.get("quantity") or 0)
                else "unfulfilled",
                "unitPrice": money(str(line.get("base_price") or "0"), currency),
            }
        )
        for line in lines
    ]
    fulfillments = [
        without_none(
            {
                "productIds": [str(item["order_product_id"]) for item in s.get("items") or []],
                "carrier": s.get("shipping_provider_display_name") or None,
                "trackingNumber": s.get("tracking_number") or None,
                "trackingUrl": s.get("tracking_link") or s.get("generated_tracking_link") or None,
                "shippingSpeed": s.get("shipping_method") or None,
                "shippingAddress": _address(s.get("shipping_address")) or None,
            }
        )
        for s in shipments
    ]
    return without_none(
        {
            "type": "ORDER",
            "orderNumber": str(o["id"]),
            "createdAt": _iso(o.get("date_created")),
            "orderStatus": order_status(o),
            "orderTotal": money(str(o.get("total_inc_tax") or "0"), currency),
            "currencyCode": currency,
            "itemCount": int(o.get("items_total") or 0),
            "note": o.get("customer_message") or None,
            "products": products,
            "fulfillments": fulfillments,
            "billingAddress": _address(o.get("billing_address")) or None,
        }
    )


class BigCommerce:
    """Finds customers and reads their orders through a BigCommerce store's API
    (``https://api.bigcommerce.com/stores/{hash}``)."""

    platform = "bigcommerce"

    def __init__(self, base: str, token: str, *, max_orders: int = 10) -> None:
        self.client = OmsClient(base, {"X-Auth-Token": token})
        self.max_orders = max_orders

    def clear(self) -> None:
        """Nothing is remembered between lookups."""

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        """Customers whose ``attr`` is ``value`` (email, phone, name, externalCustomerId)."""
        if "," in value:  # a comma would add a second value to an ``:in`` filter
            return []
        if attr == "externalCustomerId":
            params = {"id:in": value} if is_id(value) else None
        elif attr == "email":
            params = {"email:in": value}
        elif attr == "phone":
            params = {"phone:in": value} if PHONE.fullmatch(value) else None
        elif attr == "name":
            params = {"name:like": value} if value else None
        else:
            params = None
        if params is None:
            return []
        found = await self.client.call("GET", "/v3/customers", deadline, params=params)
        rows = (found or {}).get("data") or [] if isinstance(found, dict) else []
        return [profile(c) for c in rows if isinstance(c, dict) and "id" in c]

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not is_id(customer_id):
            return None
        found = await self.client.call(
            "GET", "/v3/customers", deadline, params={"id:in": customer_id}
        )
        rows = (found or {}).get("data") or [] if isinstance(found, dict) else []
        if not rows:
            return None
        params = {
            "customer_id": customer_id,
            "sort": "date_created:desc",
            "limit": str(self.max_orders),
        }
        orders = await self.client.call("GET", "/v2/orders", deadline, params=params) or []
        gate = asyncio.Semaphore(PARALLEL)

        async def sub(order_id: int, what: str) -> list[dict[str, Any]]:
            async with gate:
                got = await self.client.call("GET", f"/v2/orders/{order_id}/{what}", deadline)
            return [row for row in got or [] if isinstance(row, dict)]

        details = await asyncio.gather(
            *(sub(o["id"], what) for o in orders for what in ("products", "shipments"))
        )
        shown = profile(rows[0])
        shown["transactions"] = [
            order(o, details[2 * i], details[2 * i + 1]) for i, o in enumerate(orders)
        ]
        return shown
