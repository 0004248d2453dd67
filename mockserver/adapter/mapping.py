"""Shopify Admin REST records -> Gladly profiles and ORDER transactions.

The mapping follows the documented rules: ``name`` is the order number, ``order_status_url`` the
customer-facing link, the status comes from cancellation, review tags and fulfilment, and the
total is written in the order's own currency with its symbol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mockserver.adapter.money import money

__all__ = ["gladly_address", "gladly_order", "gladly_profile", "order_status", "without_none"]

REVIEW_TAGS = frozenset({"fraud-review", "review", "manual-review"})


def order_status(order: Mapping[str, Any]) -> str:
    """pending / reviewing / complete / canceled, by Gladly's definitions."""
    if order.get("cancelled_at"):
        return "canceled"
    tags = {t.strip().lower() for t in str(order.get("tags") or "").split(",")}
    if tags & REVIEW_TAGS:
        return "reviewing"
    if order.get("fulfillment_status") == "fulfilled":
        return "complete"
    return "pending"  # unfulfilled, partial, awaiting payment


def gladly_address(address: Mapping[str, Any] | None) -> dict[str, str]:
    """A Shopify address as Gladly's structured Address (empty parts left out)."""
    if not address:
        return {}
    parts = {
        "name": address.get("name"),
        "phone": address.get("phone"),
        "street1": address.get("address1"),
        "street2": address.get("address2"),
        "city": address.get("city"),
        "state": address.get("province_code") or address.get("province"),
        "country": address.get("country_code") or address.get("country"),
        "zip": address.get("zip"),
    }
    return {key: str(value) for key, value in parts.items() if value}


def _product_status(order: Mapping[str, Any], line: Mapping[str, Any]) -> str:
    if order.get("cancelled_at"):
        return "canceled"
    return "fulfilled" if line.get("fulfillment_status") == "fulfilled" else "unfulfilled"


def gladly_order(order: Mapping[str, Any], images: Mapping[int, str], shop: str) -> dict[str, Any]:
    """One Shopify order as a Gladly ORDER transaction.

    Args:
        order: the order as ``orders.json`` returns it.
        images: product id -> image URL (from ``products/{id}.json``).
        shop: the shop handle, for the admin link.
    """
    currency = order["currency"]
    lines = order.get("line_items") or []
    speed = next(
        (s.get("title") for s in order.get("shipping_lines") or [] if s.get("title")), None
    )
    shipping = gladly_address(order.get("shipping_address"))
    txn: dict[str, Any] = {
        "type": "ORDER",
        "orderNumber": order["name"],
        "createdAt": order["created_at"],
        "orderStatus": order_status(order),
        "orderTotal": money(order["total_price"], currency),
        "currencyCode": currency,
        "itemCount": sum(int(line.get("quantity") or 0) for line in lines),
        "customerOrderUrl": order.get("order_status_url"),
        "orderLink": f"https://admin.shopify.com/store/{shop}/orders/{order['id']}",
        "note": order.get("note"),
        "products": [
            {
                "id": str(line["id"]),
                "productId": str(line.get("product_id")),
                "name": line.get("title"),
                "sku": line.get("sku"),
                "quantity": str(line.get("quantity")),
                "status": _product_status(order, line),
                "unitPrice": money(line["price"], currency),
                "imageUrl": images.get(line.get("product_id") or 0),
            }
            for line in lines
        ],
        "fulfillments": [
            {
                "productIds": [str(item["id"]) for item in f.get("line_items") or []],
                "carrier": f.get("tracking_company"),
                "trackingNumber": f.get("tracking_number"),
                "trackingUrl": f.get("tracking_url"),
                "shippingSpeed": speed,
                "status": f.get("shipment_status") or f.get("status"),
                "shippingAddress": shipping,
            }
            for f in order.get("fulfillments") or []
            if f.get("status") == "success"
        ],
        "billingAddress": gladly_address(order.get("billing_address")),
    }
    txn["products"] = [without_none(p) for p in txn["products"]]
    txn["fulfillments"] = [without_none(f) for f in txn["fulfillments"]]
    return without_none(txn)


def without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != {}}


def _created(order: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(order["created_at"])


def gladly_profile(
    customer: Mapping[str, Any],
    orders: Sequence[Mapping[str, Any]] | None,
    images: Mapping[int, str],
    shop: str,
) -> dict[str, Any]:
    """A Shopify customer as a Gladly profile; with ``orders`` (DETAILED) it carries transactions."""
    address = customer.get("default_address") or {}
    line = ", ".join(
        str(p)
        for p in (
            address.get("address1"),
            address.get("address2"),
            address.get("city"),
            f"{address.get('province_code') or address.get('province') or ''} "
            f"{address.get('zip') or ''}".strip(),
            address.get("country_code"),
        )
        if p
    )
    currency = customer.get("currency") or "USD"
    profile: dict[str, Any] = {
        "externalCustomerId": str(customer["id"]),
        "name": f"{customer.get('first_name') or ''} {customer.get('last_name') or ''}".strip(),
        "address": line,
        "emails": [{"original": customer["email"]}] if customer.get("email") else [],
        "phones": [{"original": customer["phone"], "type": "MOBILE"}]
        if customer.get("phone")
        else [],
        "customAttributes": {
            "ordersCount": str(customer.get("orders_count", 0)),
            "totalSpent": money(customer.get("total_spent") or "0", currency),
            "customerSince": str(customer.get("created_at", ""))[:10],
        },
    }
    if orders is not None:
        newest_first = sorted(orders, key=_created, reverse=True)
        profile["transactions"] = [gladly_order(o, images, shop) for o in newest_first]
    return profile
