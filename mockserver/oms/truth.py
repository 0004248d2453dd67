"""The OMS record ``verify --oms`` checks answers against: a customer and every order, newest
first, in platform-neutral terms (``contracts.truth.OmsCustomer``).

Derived from the stored orders with the store's own lifecycle (``platforms.lifecycle``), never
with the reference adapter's mapping: a bug there must not be mirrored here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from mockserver.oms.platforms import cancel, cancellable, lifecycle

__all__ = ["MAX_ORDERS", "cancel_newest", "truth_of", "truth_record"]

MAX_ORDERS = 1000


class _Store(Protocol):  # the Store's reads this module uses (it must not import the Store)
    def search_customers(self, terms: Sequence[tuple[str, str]], limit: int) -> list[str]: ...

    def list_orders(self, query: Any, *, limit: int) -> list[tuple[int, int, str]]: ...

    def change_order(
        self, order_id: int, change: Callable[[dict[str, Any]], None]
    ) -> tuple[dict[str, Any] | None, bool]: ...


# Gladly's orderStatus values consistent with each lifecycle (SPEC §5's four definitions).
STATUSES = {
    "cancelled": ("canceled",),
    "review": ("reviewing",),
    "shipped": ("complete",),
    "partial": ("pending",),
    "unpaid": ("pending",),
    "open": ("pending",),
}
STATES = {
    "cancelled": "cancelled",
    "review": "under risk review",
    "shipped": "fully fulfilled",
    "partial": "partially fulfilled",
    "unpaid": "awaiting payment",
    "open": "unfulfilled",
}


def _order(order: dict[str, Any]) -> dict[str, Any]:
    number = int(order["order_number"])
    stage = lifecycle(order)
    tracking = [
        str(n)
        for f in order.get("fulfillments") or []
        if f.get("status") == "success"
        for n in (f.get("tracking_numbers") or [f.get("tracking_number")])
        if n
    ]
    lines = order.get("line_items") or []
    return {
        "numbers": {
            "shopify": [order["name"], str(number), str(order["id"])],
            "bigcommerce": [str(number)],
            "magento": [f"{number:09d}", str(number)],
        },
        "createdAt": order["created_at"],
        "total": order["total_price"],
        "currency": order["currency"],
        "quantity": sum(int(line.get("quantity") or 0) for line in lines),
        "trackingNumbers": list(dict.fromkeys(tracking)),
        "skus": list(dict.fromkeys(str(line["sku"]) for line in lines if line.get("sku"))),
        "statuses": list(STATUSES[stage]),
        "state": STATES[stage],
        "financialStatus": order.get("financial_status") or "",
    }


def truth_record(customer: dict[str, Any], orders: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of a stored customer and their orders (newest first)."""
    return {
        "customer": {
            "id": str(customer["id"]),
            "name": f"{customer.get('first_name') or ''} {customer.get('last_name') or ''}".strip(),
            "emails": [customer["email"]] if customer.get("email") else [],
            "phones": [customer["phone"]] if customer.get("phone") else [],
        },
        "orders": [_order(order) for order in orders],
    }


def _customer_and_orders(
    store: _Store, email: str, query: Callable[..., Any]
) -> tuple[dict[str, Any], list[tuple[int, int, str]]] | None:
    """The customer with ``email`` and their order rows, newest first (at most MAX_ORDERS)."""
    found = store.search_customers([("email", email)], 1)
    if not found:
        return None
    customer = json.loads(found[0])
    rows = store.list_orders(query(customer_id=customer["id"], status="any"), limit=MAX_ORDERS)
    return customer, rows


def truth_of(store: _Store, email: str, query: Callable[..., Any]) -> dict[str, Any] | None:
    """The customer with ``email`` and all their orders (at most MAX_ORDERS, newest first),
    platform-neutral; None when no customer has it. ``query`` builds the store's OrderQuery."""
    found = _customer_and_orders(store, email, query)
    if found is None:
        return None
    customer, rows = found
    return truth_record(customer, [json.loads(doc) for _, _, doc in rows])


def cancel_newest(store: _Store, email: str, query: Callable[..., Any]) -> dict[str, Any] | None:
    """Cancel the newest order of the customer with ``email`` that can still be cancelled, as
    Shopify's cancel route would; its record afterwards, or None when there is none."""
    found = _customer_and_orders(store, email, query)
    if found is None:
        return None
    for _, order_id, doc in found[1]:
        if cancellable(json.loads(doc)):
            changed, _ = store.change_order(order_id, cancel)
            return _order(changed) if changed else None
    return None
