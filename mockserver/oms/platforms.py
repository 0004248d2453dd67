"""What BigCommerce and Magento share: reading Shopify-shaped documents the store keeps."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "CARRIER_CODES",
    "LIFECYCLES",
    "cancel",
    "cancellable",
    "lifecycle",
    "money_of",
    "now_like",
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


@dataclass(frozen=True)
class Money:
    """An order's amounts as BigCommerce and Magento show them, from the Shopify document."""

    subtotal: Decimal  # the line items before tax (their prices hold it where taxes_included)
    tax: Decimal
    discount: Decimal
    refunded: Decimal


def money_of(order: dict[str, Any]) -> Money:
    tax = amount(order.get("total_tax") or "0")
    lines = amount(order.get("total_line_items_price") or order["total_price"])
    refunds = (
        amount(t["amount"]) for r in order.get("refunds") or [] for t in r.get("transactions") or []
    )
    return Money(
        lines - tax if order.get("taxes_included") else lines,
        tax,
        amount(order.get("total_discounts") or "0"),
        sum(refunds, Decimal(0)),
    )


def now_like(order: dict[str, Any]) -> str:
    """Now, written with the shop's UTC offset as the order's other times are."""
    created = datetime.fromisoformat(order["created_at"].replace("Z", "+00:00"))
    now = datetime.now(UTC).astimezone(created.tzinfo).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


def cancellable(order: dict[str, Any]) -> bool:
    """Open and unfulfilled: what Shopify lets a merchant cancel."""
    return not order.get("cancelled_at") and order.get("fulfillment_status") not in (
        "fulfilled",
        "partial",
    )


def cancel(order: dict[str, Any], reason: str = "other") -> None:
    """Cancel a (Shopify-shaped) order in place, as Shopify's cancel route does."""
    now = now_like(order)
    order.update(
        cancelled_at=now,
        cancel_reason=reason,
        updated_at=now,
        current_total_price="0.00",
        financial_status="voided"
        if order["financial_status"] in ("pending", "authorized")
        else "refunded",
    )
    for line in order["line_items"]:
        line.update(current_quantity=0, fulfillable_quantity=0)
