"""Two views of the same person: what Gladly should be told, and what the OMS (Shopify) holds.

The Gladly view is exactly what a correct adapter answers for a detailed lookup. The OMS view
is Shopify Admin REST shaped; mapping it with the documented rules gives the Gladly view back.
"""

from __future__ import annotations

import hashlib
from typing import Any

from generators.build import Address, Order, Person, iso
from generators.money import decimal_string, format_money

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
        "customerOrderUrl": _status_url(order, shop),
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
                "status": "delivered" if s.delivered else "in_transit",
                "shippingAddress": _gladly_address(order.shipping),
            }
            for s in order.shipments
        ],
        "billingAddress": _gladly_address(order.billing),
    }


def _status_url(order: Order, shop: str) -> str:
    key = hashlib.sha256(order.token.encode()).hexdigest()[:32]
    return f"https://{shop}.myshopify.com/68111122/orders/{order.token}/authenticate?key={key}"


def gladly_profile(person: Person, shop: str = "lookupkit-demo") -> dict[str, Any]:
    """The profile a correct adapter returns for this person's detailed lookup."""
    spent = sum(o.total for o in person.orders if o.outcome != "canceled")
    return {
        "externalCustomerId": str(person.id),
        "name": person.name,
        "address": _one_line(person.address),
        "emails": [{"original": person.email}],
        "phones": [{"original": person.phone, "type": "MOBILE"}],
        "customAttributes": {
            "ordersCount": str(len(person.orders)),
            "totalSpent": format_money(spent, person.locale.currency),
            "customerSince": iso(person.created)[:10],
        },
        "transactions": [gladly_order(o, shop) for o in person.orders] + list(person.others),
    }


def _shopify_address(a: Address, *, first: str = "", last: str = "") -> dict[str, Any]:
    return {
        "first_name": first,
        "last_name": last,
        "name": a.name,
        "address1": a.street1,
        "address2": a.street2 or None,
        "city": a.city,
        "province": a.state,
        "province_code": a.state,
        "zip": a.zip,
        "country": a.country,
        "country_code": a.country,
        "phone": a.phone,
        "company": None,
    }


def _money(minor: int, currency: str) -> str:
    return decimal_string(minor, currency, places=2)


def _shopify_order(order: Order, person: Person, shop: str) -> dict[str, Any]:
    shipped = [line for line in order.lines if line.shipped]
    fulfillment_status = None
    if order.lines and len(shipped) == len(order.lines):
        fulfillment_status = "fulfilled"
    elif shipped:
        fulfillment_status = "partial"
    financial = {
        "refunded": "refunded",
        "canceled": "voided",
        "reviewing": "authorized",
        "pending": "pending",
    }.get(order.outcome, "paid")
    created = iso(order.created)
    lines: dict[int, dict[str, Any]] = {
        line.id: {
            "id": line.id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line.id}",
            "product_id": line.product.id,
            "variant_id": line.product.variant_id,
            "sku": line.product.sku,
            "name": f"{line.product.title} - {line.product.variant}",
            "title": line.product.title,
            "variant_title": line.product.variant,
            "vendor": line.product.vendor,
            "quantity": line.quantity,
            "current_quantity": 0 if order.outcome == "canceled" else line.quantity,
            "fulfillable_quantity": 0
            if line.shipped or order.outcome == "canceled"
            else line.quantity,
            "price": _money(line.price, order.currency),
            "fulfillment_status": "fulfilled" if line.shipped else None,
            "requires_shipping": True,
            "gift_card": False,
            "properties": [],
        }
        for line in order.lines
    }
    total = _money(order.total, order.currency)
    return {
        "id": order.id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order.id}",
        "name": f"#{order.number}",
        "number": order.number - 1000,
        "order_number": order.number,
        "token": order.token,
        "confirmation_number": order.token[:9].upper(),
        "email": person.email,
        "contact_email": person.email,
        "phone": person.phone,
        "created_at": created,
        "processed_at": created,
        "updated_at": created,
        "cancelled_at": created if order.outcome == "canceled" else None,
        "cancel_reason": "customer" if order.outcome == "canceled" else None,
        "closed_at": iso(order.closed) if order.closed else None,
        "financial_status": financial,
        "fulfillment_status": fulfillment_status,
        "confirmed": True,
        "test": False,
        "currency": order.currency,
        "presentment_currency": order.currency,
        "total_price": total,
        "subtotal_price": total,
        "total_line_items_price": total,
        "current_total_price": "0.00" if order.outcome in ("refunded", "canceled") else total,
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "total_outstanding": "0.00",
        "tags": "fraud-review" if order.outcome == "reviewing" else "",
        "note": order.note or None,
        "order_status_url": _status_url(order, shop),
        "customer": {
            "id": person.id,
            "email": person.email,
            "first_name": person.first,
            "last_name": person.last,
            "phone": person.phone,
            "currency": person.locale.currency,
        },
        "billing_address": _shopify_address(order.billing),
        "shipping_address": _shopify_address(order.shipping),
        "shipping_lines": [{"title": order.speed, "price": "0.00", "code": order.speed}],
        "line_items": list(lines.values()),
        "fulfillments": [
            {
                "id": s.id,
                "order_id": order.id,
                "name": f"#{order.number}.{n}",
                "status": "success",
                "shipment_status": "delivered" if s.delivered else "in_transit",
                "tracking_company": s.carrier,
                "tracking_number": s.number,
                "tracking_numbers": [s.number],
                "tracking_url": s.url,
                "tracking_urls": [s.url],
                "service": "manual",
                "created_at": iso(s.created),
                "updated_at": iso(s.created),
                "line_items": [lines[i] for i in s.line_ids],
            }
            for n, s in enumerate(order.shipments, start=1)
        ],
    }


def shopify_records(person: Person, shop: str = "lookupkit-demo") -> dict[str, Any]:
    """The person as the fake Shopify stores them: customer, orders and referenced products."""
    orders = [_shopify_order(o, person, shop) for o in person.orders]
    address = dict(
        _shopify_address(person.address, first=person.first, last=person.last), default=True
    )
    live = [o for o in person.orders if o.outcome != "canceled"]
    products = {line.product.id: line.product for o in person.orders for line in o.lines}
    customer = {
        "id": person.id,
        "admin_graphql_api_id": f"gid://shopify/Customer/{person.id}",
        "email": person.email,
        "first_name": person.first,
        "last_name": person.last,
        "phone": person.phone,
        "state": "enabled",
        "verified_email": True,
        "tags": "",
        "currency": person.locale.currency,
        "note": None,
        "orders_count": len(orders),
        "total_spent": _money(sum(o.total for o in live), person.locale.currency),
        "last_order_id": orders[0]["id"] if orders else None,
        "last_order_name": orders[0]["name"] if orders else None,
        "created_at": iso(person.created),
        "updated_at": iso(person.created),
        "addresses": [address],
        "default_address": address,
    }
    return {
        "customer": customer,
        "orders": orders,
        "products": [
            {
                "id": p.id,
                "title": p.title,
                "vendor": p.vendor,
                "handle": p.title.lower().replace(" ", "-"),
                "variants": [
                    {
                        "id": p.variant_id,
                        "product_id": p.id,
                        "title": p.variant,
                        "sku": p.sku,
                        "price": _money(p.usd_cents, "USD"),
                    }
                ],
                "image": {"id": p.id + 1, "product_id": p.id, "src": p.image},
                "images": [{"id": p.id + 1, "product_id": p.id, "src": p.image}],
            }
            for p in products.values()
        ],
    }
