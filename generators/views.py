"""Two views of the same person: what Gladly should be told, and what the OMS (Shopify) holds.

The Gladly view is exactly what a correct adapter answers for a detailed lookup. The OMS view
is Shopify Admin REST shaped; mapping it with the documented rules gives the Gladly view back.
"""

from __future__ import annotations

from typing import Any

from generators.build import Address, Order, Person, iso
from generators.money import format_money
from generators.shopify_docs import shopify_records, status_url

__all__ = ["gladly_order", "gladly_profile", "shopify_records"]


def _one_line(a: Address) -> str:
    parts = [a.street1, a.street2, a.city, f"{a.state} {a.zip}".strip(), a.country]
    return ", ".join(p for p in parts if p)


def _gladly_address(a: Address) -> dict[str, str]:
    out = {
        "name": a.name,
        "phone": a.phone,
        "street1": a.street1,
        "street2": a.street2,
        "city": a.city,
        "state": a.state,
        "country": a.country,
        "zip": a.zip,
    }
    return {k: v for k, v in out.items() if v}


def _line_status(order: Order, shipped: bool) -> str:
    if order.outcome == "canceled":
        return "canceled"
    return "fulfilled" if shipped else "unfulfilled"


def gladly_order(order: Order, shop: str) -> dict[str, Any]:
    """The ORDER transaction for one order."""
    return {
        "type": "ORDER",
        "orderNumber": f"#{order.number}",
        "createdAt": iso(order.created),
        "orderStatus": order.status,
        "orderTotal": format_money(order.total, order.currency),
        "currencyCode": order.currency,
        "itemCount": sum(line.quantity for line in order.lines),
        "customerOrderUrl": status_url(order, shop),
        "orderLink": f"https://admin.shopify.com/store/{shop}/orders/{order.id}",
        **({"note": order.note} if order.note else {}),
        "products": [
            {
                "id": str(line.id),
                "productId": str(line.product.id),
                "name": line.product.title,
                "sku": line.product.sku,
                "quantity": str(line.quantity),
                "status": _line_status(order, line.shipped),
                "unitPrice": format_money(line.price, order.currency),
                "imageUrl": line.product.image,
            }
            for line in order.lines
        ],
        "fulfillments": [
            {
                "productIds": [str(i) for i in s.line_ids],
                "carrier": s.carrier,
                "trackingNumber": s.number,
                "trackingUrl": s.url,
                "shippingSpeed": s.speed,
                "status": s.progress,
                "shippingAddress": _gladly_address(order.shipping),
            }
            for s in order.shipped
        ],
        "billingAddress": _gladly_address(order.billing),
    }


def gladly_profile(person: Person, shop: str = "lookupkit-demo") -> dict[str, Any]:
    """The profile a correct adapter returns for this person's detailed lookup."""
    spent = person.spent
    return {
        "externalCustomerId": str(person.id),
        "name": person.name,
        "address": _one_line(person.address),
        "emails": [{"original": person.email}] if person.email else [],
        "phones": [{"original": person.phone, "type": "MOBILE"}],
        "customAttributes": {
            "ordersCount": str(len(person.orders)),
            "totalSpent": format_money(spent, person.locale.currency),
            "customerSince": iso(person.created)[:10],
        },
        "transactions": [gladly_order(o, shop) for o in person.orders] + list(person.others),
    }
