"""The reference adapter over Magento 2 REST: customers and orders through ``searchCriteria``,
tracking from shipments, mapped to Gladly profiles and ORDER transactions.

Magento's ``increment_id`` is the order number customers see; ``created_at`` is UTC without an
offset and is written here as ISO-8601 with ``Z``; the order's ``state`` (with ``status`` for
fraud holds) decides Gladly's ``orderStatus``. A configurable product is a parent row and a
child row: only parent rows are products. Magento customers have no phone of their own (phones
live on addresses), so phones are not searched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mockserver.adapter.mapping import without_none
from mockserver.adapter.money import money
from mockserver.adapter.oms_client import OmsClient, is_id

__all__ = ["Magento", "order_status"]

REVIEW = ("payment_review", "fraud", "suspected_fraud")
# Magento keeps a carrier code and a number; the customer's tracking page is the carrier's.
TRACKING_PAGES = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "dhl": "https://www.dhl.com/en/express/tracking.html?AWB={}&brand=DHL",
}


def tracking_url(track: dict[str, Any]) -> str | None:
    page, number = TRACKING_PAGES.get(str(track.get("carrier_code"))), track.get("track_number")
    return page.format(quote(str(number), safe="")) if page and number else None


def order_status(o: dict[str, Any]) -> str:
    state, status = str(o.get("state") or ""), str(o.get("status") or "")
    if state == "canceled" or status == "canceled":
        return "canceled"
    if state in REVIEW or status in REVIEW:
        return "reviewing"
    if state in ("complete", "closed"):
        return "complete"
    return "pending"  # new, pending_payment, processing, holded


def criteria(*filters: tuple[str, str, str], sort: str = "", size: int = 0) -> dict[str, str]:
    """``searchCriteria`` query parameters: each (field, value, condition) its own group (AND)."""
    params: dict[str, str] = {}
    for n, (field, value, condition) in enumerate(filters):
        key = f"searchCriteria[filterGroups][{n}][filters][0]"
        params |= {
            f"{key}[field]": field,
            f"{key}[value]": value,
            f"{key}[conditionType]": condition,
        }
    if sort:
        params |= {
            "searchCriteria[sortOrders][0][field]": sort,
            "searchCriteria[sortOrders][0][direction]": "DESC",
        }
    if size:
        params |= {"searchCriteria[pageSize]": str(size), "searchCriteria[currentPage]": "1"}
    return params


def _iso(text: Any) -> str | None:
    return f"{str(text).replace(' ', 'T')}Z" if text else None


def _address(a: dict[str, Any] | None) -> dict[str, str]:
    a = a or {}
    street = list(a.get("street") or [])
    parts = {
        "name": f"{a.get('firstname') or ''} {a.get('lastname') or ''}".strip(),
        "phone": a.get("telephone"),
        "street1": street[0] if street else None,
        "street2": street[1] if len(street) > 1 else None,
        "city": a.get("city"),
        "state": a.get("region_code") or a.get("region"),
        "country": a.get("country_id"),
        "zip": a.get("postcode"),
    }
    return {key: str(value) for key, value in parts.items() if value}


def profile(customer: dict[str, Any]) -> dict[str, Any]:
    """A Magento customer as a Gladly profile (without transactions)."""
    return {
        "externalCustomerId": str(customer["id"]),
        "name": f"{customer.get('firstname') or ''} {customer.get('lastname') or ''}".strip(),
        "emails": [{"original": customer["email"]}] if customer.get("email") else [],
        "phones": [],
        "customAttributes": {"customerSince": str(customer.get("created_at", ""))[:10]},
    }


def order(o: dict[str, Any], shipments: list[dict[str, Any]]) -> dict[str, Any]:
    """A sales order and its shipments as a Gladly ORDER transaction."""
    currency = o.get("order_currency_code") or o.get("base_currency_code") or "USD"
    lines = [i for i in o.get("items") or [] if not i.get("parent_item_id")]
    status = order_status(o)
    assignments = (o.get("extension_attributes") or {}).get("shipping_assignments") or [{}]
    assignment: dict[str, Any] = assignments[0] if isinstance(assignments[0], dict) else {}
    shipping = _address((assignment.get("shipping") or {}).get("address"))

    def line_status(line: dict[str, Any]) -> str:
        if status == "canceled":
            return "canceled"
        shipped = float(line.get("qty_shipped") or 0) >= float(line.get("qty_ordered") or 0)
        return "fulfilled" if shipped else "unfulfilled"

    return without_none(
        {
            "type": "ORDER",
            "orderNumber": str(o["increment_id"]),
            "createdAt": _iso(o.get("created_at")),
            "orderStatus": status,
            "orderTotal": money(str(o.get("grand_total") or "0"), currency),
            "currencyCode": currency,
            "itemCount": int(sum(float(line.get("qty_ordered") or 0) for line in lines)),
            "products": [
                without_none(
                    {
                        "id": str(line["item_id"]),
                        "productId": str(line.get("product_id")),
                        "name": line.get("name"),
                        "sku": line.get("sku"),
                        "quantity": str(int(float(line.get("qty_ordered") or 0))),
                        "status": line_status(line),
                        "unitPrice": money(str(line.get("price") or "0"), currency),
                    }
                )
                for line in lines
            ],
            "fulfillments": [
                without_none(
                    {
                        "productIds": [str(i["order_item_id"]) for i in s.get("items") or []],
                        "carrier": track.get("title") or None,
                        "trackingNumber": track.get("track_number") or None,
                        "trackingUrl": tracking_url(track),
                        "shippingSpeed": o.get("shipping_description") or None,
                        "shippingAddress": shipping or None,
                    }
                )
                for s in shipments
                for track in (s.get("tracks") or [{}])
            ],
            "billingAddress": _address(o.get("billing_address")) or None,
        }
    )


class Magento:
    """Finds customers and reads their orders through Magento's REST API
    (``https://shop.example.com/rest/V1``), with an integration's Bearer token."""

    platform = "magento"

    def __init__(self, base: str, token: str, *, max_orders: int = 25) -> None:
        self.client = OmsClient(base, {"Authorization": f"Bearer {token}"})
        self.max_orders = max_orders

    def clear(self) -> None:
        """Nothing is remembered between lookups."""

    async def _items(self, path: str, deadline: float, params: dict[str, str]) -> list[Any]:
        found = await self.client.call("GET", path, deadline, params=params)
        items = found.get("items") if isinstance(found, dict) else None
        return [i for i in items or [] if isinstance(i, dict)]

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        """Customers whose ``attr`` is ``value`` (email, name, externalCustomerId)."""
        clean = value.replace("%", "").replace("_", " ").strip()  # no wildcards of the caller's
        if attr == "externalCustomerId" and is_id(value):
            filters = [("entity_id", value, "eq")]
        elif attr == "email" and clean == value:
            filters = [("email", value, "eq")]
        elif attr == "name" and clean:
            words = clean.split()
            filters = [("firstname", f"%{words[0]}%", "like")]
            if words[1:]:
                filters.append(("lastname", f"%{words[-1]}%", "like"))
        else:
            return []
        rows = await self._items("/customers/search", deadline, criteria(*filters, size=50))
        wanted = clean.lower()
        return [
            profile(c)
            for c in rows
            if attr != "name"
            or wanted in f"{c.get('firstname') or ''} {c.get('lastname') or ''}".lower()
        ]

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not is_id(customer_id):
            return None
        found = await self._items(
            "/customers/search", deadline, criteria(("entity_id", customer_id, "eq"))
        )
        if not found:
            return None
        orders = await self._items(
            "/orders",
            deadline,
            criteria(("customer_id", customer_id, "eq"), sort="created_at", size=self.max_orders),
        )
        shipments: dict[Any, list[dict[str, Any]]] = {}
        if orders:
            ids = ",".join(str(o["entity_id"]) for o in orders)
            for s in await self._items("/shipments", deadline, criteria(("order_id", ids, "in"))):
                shipments.setdefault(s.get("order_id"), []).append(s)
        shown = profile(found[0])
        shown["transactions"] = [order(o, shipments.get(o["entity_id"], [])) for o in orders]
        return shown
