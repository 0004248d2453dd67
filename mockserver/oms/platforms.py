"""What BigCommerce and Magento share: reading Shopify-shaped documents the store keeps."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "CARRIER_CODES",
    "LIFECYCLES",
    "lifecycle",
    "parse_time",
    "same_secret",
    "shipped_quantities",
]

LIFECYCLES = ("cancelled", "review", "shipped", "partial", "unpaid", "open")
CARRIER_CODES = {
    "UPS": "ups",
    "FedEx": "fedex",
    "FedEx Ground": "fedex",
    "USPS": "usps",
    "DHL Express": "dhl",
}


def same_secret(given: str, expected: str) -> bool:
    """A constant-time compare of a credential as received (a header may hold any bytes,
    which aiohttp keeps as surrogates) with the configured one."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def shipped_quantities(order: dict[str, Any]) -> dict[int, int]:
    """Line item id -> quantity shipped, from the order's successful fulfilments."""
    shipped: dict[int, int] = {}
    for fulfillment in order.get("fulfillments") or []:
        if fulfillment.get("status") == "success":
            for line in fulfillment.get("line_items") or []:
                shipped[line["id"]] = shipped.get(line["id"], 0) + int(line["quantity"])
    return shipped


def lifecycle(order: dict[str, Any]) -> str:
    """cancelled / review / shipped / partial / unpaid / open: the facts each platform words its own way."""
    if order.get("cancelled_at"):
        return "cancelled"
    if "fraud-review" in str(order.get("tags") or ""):
        return "review"
    if order.get("fulfillment_status") == "fulfilled":
        return "shipped"
    if order.get("fulfillment_status") == "partial":
        return "partial"
    return "unpaid" if order.get("financial_status") == "pending" else "open"


def amount(value: str) -> Decimal:
    return Decimal(value or "0")
