"""The OMS record ``verify --oms`` checks answers against: a customer and every order, newest
first, in platform-neutral terms (``contracts.truth.OmsCustomer``).

Derived from the stored orders with the store's own lifecycle (``platforms.lifecycle``), never
with the reference adapter's mapping: a bug there must not be mirrored here.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from contracts.formats import contact_field
from generators.tracking import tracking_number, tracking_url
from mockserver.oms.platforms import cancel, cancellable, lifecycle, now_like

__all__ = ["CHANGES", "MAX_ORDERS", "change_for", "truth_of", "truth_record"]

MAX_ORDERS = 1000


class _Store(Protocol):  # the Store's reads this module uses (it must not import the Store)
    def search_customers(self, terms: Sequence[tuple[str, str]], limit: int) -> list[str]: ...

    def list_orders(
        self, query: Any, *, limit: int, order: str = ...
    ) -> list[tuple[int, int, str]]: ...

    def orders_page(
        self, query: Any, *, sort: str = ..., descending: bool = ..., limit: int
    ) -> list[dict[str, Any]]: ...

    def load(self, oms_records: Iterable[dict[str, Any]]) -> int: ...

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
    store: _Store, contact: str, query: Callable[..., Any]
) -> tuple[dict[str, Any], list[tuple[int, int, str]]] | None:
    """The customer with this email or phone and their order rows, newest first (at most
    MAX_ORDERS)."""
    found = store.search_customers([(contact_field(contact), contact)], 1)
    if not found:
        return None
    customer = json.loads(found[0])
    rows = store.list_orders(query(customer_id=customer["id"], status="any"), limit=MAX_ORDERS)
    return customer, rows


def truth_of(store: _Store, contact: str, query: Callable[..., Any]) -> dict[str, Any] | None:
    """The customer with this email or phone and all their orders (at most MAX_ORDERS, newest
    first), platform-neutral; None when no customer has it. ``query`` builds the store's
    OrderQuery."""
    found = _customer_and_orders(store, contact, query)
    if found is None:
        return None
    customer, rows = found
    return truth_record(customer, [json.loads(doc) for _, _, doc in rows])


def _cancel(store: _Store, _: dict[str, Any], rows: list[dict[str, Any]], __: Any) -> Any:
    """Cancel the newest order that can still be cancelled, as Shopify's cancel route does."""
    for order in rows:
        if cancellable(order):
            return store.change_order(order["id"], cancel)[0]
    return None


def fulfil(order: dict[str, Any]) -> None:
    """Ship every line not yet shipped, in one fulfilment with a UPS tracking number."""
    shipped = {item["id"] for f in order.get("fulfillments") or [] for item in f["line_items"]}
    lines = [line for line in order["line_items"] if line["id"] not in shipped]
    number = tracking_number(random.Random(order["id"]), "UPS")
    now = now_like(order)
    for line in lines:
        line.update(fulfillment_status="fulfilled", fulfillable_quantity=0)
    fulfilments = order.setdefault("fulfillments", [])
    fulfilments.append(
        {
            "id": order["id"] * 10 + len(fulfilments) + 1,
            "order_id": order["id"],
            "name": f"{order['name']}.{len(fulfilments) + 1}",
            "status": "success",
            "shipment_status": "in_transit",
            "tracking_company": "UPS",
            "tracking_number": number,
            "tracking_numbers": [number],
            "tracking_url": tracking_url("UPS", number),
            "tracking_urls": [tracking_url("UPS", number)],
            "service": "manual",
            "created_at": now,
            "updated_at": now,
            "line_items": copy.deepcopy(lines),
        }
    )
    order.update(fulfillment_status="fulfilled", updated_at=now)


def _fulfil(store: _Store, _: dict[str, Any], rows: list[dict[str, Any]], __: Any) -> Any:
    """Fulfil the newest order that waits for shipping, with a tracking number."""
    for order in rows:
        if lifecycle(order) in ("open", "unpaid", "partial") and order.get("line_items"):
            return store.change_order(order["id"], fulfil)[0]
    return None


def _new_order(
    store: _Store, customer: dict[str, Any], rows: list[dict[str, Any]], query: Callable[..., Any]
) -> Any:
    """A new, paid and unshipped order for the customer, like their newest one, placed now."""
    if not rows:
        return None
    everyone = query(status="any")
    newest_id = store.list_orders(everyone, limit=1, order="id_desc")[0][1]
    top = store.orders_page(everyone, sort="number", descending=True, limit=1)[0]
    order, number = copy.deepcopy(rows[0]), int(top["order_number"]) + 1
    now = now_like(order)
    order.update(
        id=newest_id + 1,
        admin_graphql_api_id=f"gid://shopify/Order/{newest_id + 1}",
        name=f"#{number}",
        number=number - 1000,
        order_number=number,
        created_at=now,
        processed_at=now,
        updated_at=now,
        cancelled_at=None,
        cancel_reason=None,
        closed_at=None,
        financial_status="paid",
        fulfillment_status=None,
        current_total_price=order["total_price"],
        tags="",
        note=None,
        fulfillments=[],
    )
    for line in order["line_items"]:
        line.update(
            current_quantity=line["quantity"],
            fulfillable_quantity=line["quantity"],
            fulfillment_status=None,
        )
    spent = Decimal(customer.get("total_spent") or "0") + Decimal(order["total_price"])
    customer.update(
        orders_count=int(customer.get("orders_count") or 0) + 1,
        total_spent=f"{spent:.2f}",
        last_order_id=order["id"],
        last_order_name=order["name"],
        updated_at=now,
    )
    store.load([{"customer": customer, "orders": [order], "products": []}])
    return order


Change = Callable[[_Store, dict[str, Any], list[dict[str, Any]], Callable[..., Any]], Any]
CHANGES: dict[str, Change] = {
    "cancel": _cancel,
    "fulfil": _fulfil,
    "new-order": _new_order,
}


def change_for(
    store: _Store, contact: str, kind: str, query: Callable[..., Any]
) -> dict[str, Any] | None:
    """Change the store for the customer with this email or phone (a ``CHANGES`` kind) as the
    platform would; the changed order's record afterwards, or None when nothing of theirs can
    change."""
    found = _customer_and_orders(store, contact, query)
    if found is None:
        return None
    customer, rows = found
    changed = CHANGES[kind](store, customer, [json.loads(doc) for _, _, doc in rows], query)
    return _order(changed) if changed else None
