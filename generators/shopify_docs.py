"""A person as Shopify Admin REST keeps them: customer, orders and the products they reference.

Shaped as Shopify documents them: addresses with first and last names, the country's name beside
its code; money as strings with ``*_set`` twins (shop and presentment money); tax lines, discount
codes and refunds; fulfilments that are open, cancelled or failed beside the ones that shipped,
and the carrier's shipment status on those.
"""

from __future__ import annotations

import hashlib
from typing import Any

from generators.build import Address, Line, Order, Person, Shipment, iso
from generators.money import decimal_string
from generators.pricing import Pricing

__all__ = ["COUNTRIES", "shopify_order", "shopify_records", "status_url"]

COUNTRIES = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
    "FR": "France", "ES": "Spain", "MX": "Mexico", "BR": "Brazil", "AU": "Australia",
    "IN": "India", "JP": "Japan", "CN": "China", "KR": "South Korea", "SA": "Saudi Arabia",
}  # fmt: skip
PROVINCES = {
    "US": {
        "AK": "Alaska", "AL": "Alabama", "AR": "Arkansas", "AS": "American Samoa",
        "AZ": "Arizona", "CA": "California", "CO": "Colorado", "CT": "Connecticut",
        "DC": "District of Columbia", "DE": "Delaware", "FL": "Florida",
        "FM": "Federated States of Micronesia", "GA": "Georgia", "GU": "Guam", "HI": "Hawaii",
        "IA": "Iowa", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "KS": "Kansas",
        "KY": "Kentucky", "LA": "Louisiana", "MA": "Massachusetts", "MD": "Maryland",
        "ME": "Maine", "MH": "Marshall Islands", "MI": "Michigan", "MN": "Minnesota",
        "MO": "Missouri", "MP": "Northern Mariana Islands", "MS": "Mississippi",
        "MT": "Montana", "NC": "North Carolina", "ND": "North Dakota", "NE": "Nebraska",
        "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NV": "Nevada",
        "NY": "New York", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
        "PR": "Puerto Rico", "PW": "Palau", "RI": "Rhode Island", "SC": "South Carolina",
        "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VA": "Virginia",
        "VI": "U.S. Virgin Islands", "VT": "Vermont", "WA": "Washington", "WI": "Wisconsin",
        "WV": "West Virginia", "WY": "Wyoming",
    },
    "CA": {"AB": "Alberta", "BC": "British Columbia", "NS": "Nova Scotia", "ON": "Ontario",
           "QC": "Quebec"},
    "AU": {"ACT": "Australian Capital Territory", "NSW": "New South Wales",
           "NT": "Northern Territory", "QLD": "Queensland", "SA": "South Australia",
           "TAS": "Tasmania", "VIC": "Victoria", "WA": "Western Australia"},
}  # fmt: skip


def _address(a: Address, first: str = "", last: str = "") -> dict[str, Any]:
    names = PROVINCES.get(a.country, {})
    coded = a.state in names or (a.state.isascii() and a.state.replace(". ", "").isupper())
    return {
        "first_name": first or None,
        "last_name": last or None,
        "name": a.name,
        "address1": a.street1,
        "address2": a.street2 or None,
        "city": a.city,
        "province": names.get(a.state, a.state),
        "province_code": a.state if coded else None,
        "zip": a.zip,
        "country": COUNTRIES.get(a.country, a.country),
        "country_code": a.country,
        "phone": a.phone,
        "company": None,
    }


def _names(a: Address, person: Person) -> tuple[str, str]:
    return (person.first, person.last) if a.name == person.name else ("", "")


def _money(minor: int, currency: str) -> str:
    return decimal_string(minor, currency, places=2)


def money_set(minor: int, currency: str) -> dict[str, Any]:
    """Shopify's *_set twin of an amount: the same money in shop and presentment currency."""
    money = {"amount": _money(minor, currency), "currency_code": currency}
    return {"shop_money": money, "presentment_money": dict(money)}


def _priced(name: str, minor: int, currency: str) -> dict[str, Any]:
    return {name: _money(minor, currency), f"{name}_set": money_set(minor, currency)}


def _tax_line(p: Pricing, minor: int, currency: str) -> dict[str, Any]:
    return {
        "title": p.tax_title,
        "rate": float(p.tax_rate),
        "channel_liable": False,
        **_priced("price", minor, currency),
    }


def _line(line: Line, order: Order, p: Pricing) -> dict[str, Any]:
    currency, off = order.currency, p.line_discounts.get(line.id, 0)
    cancelled = order.outcome == "canceled"
    refunded = line.id in p.refunded_lines
    return {
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
        "current_quantity": 0 if cancelled or refunded else line.quantity,
        "fulfillable_quantity": 0 if line.shipped or cancelled else line.quantity,
        **_priced("price", line.price, currency),
        **_priced("total_discount", off, currency),
        "discount_allocations": [
            {
                "amount": _money(off, currency),
                "amount_set": money_set(off, currency),
                "discount_application_index": 0,
            }
        ]
        if off
        else [],
        "tax_lines": [_tax_line(p, p.line_taxes.get(line.id, 0), currency)] if p.tax_rate else [],
        "taxable": bool(p.tax_rate),
        "fulfillment_status": "fulfilled" if line.shipped else None,
        "requires_shipping": True,
        "gift_card": False,
        "properties": [],
    }


def _fulfilment(n: int, s: Shipment, order: Order, lines: dict[int, Any]) -> dict[str, Any]:
    tracked = bool(s.number)
    return {
        "id": s.id,
        "order_id": order.id,
        "admin_graphql_api_id": f"gid://shopify/Fulfillment/{s.id}",
        "name": f"#{order.number}.{n}",
        "status": s.status,
        "shipment_status": s.progress if s.status == "success" else None,
        "tracking_company": s.carrier if tracked else None,
        "tracking_number": s.number or None,
        "tracking_numbers": [s.number] if tracked else [],
        "tracking_url": s.url or None,
        "tracking_urls": [s.url] if tracked else [],
        "service": "manual",
        "created_at": iso(s.created),
        "updated_at": iso(s.created),
        "line_items": [lines[i] for i in s.line_ids],
    }


def _refunds(order: Order, p: Pricing, lines: dict[int, Any]) -> list[dict[str, Any]]:
    if not p.refunded:
        return []
    currency = order.currency
    when = iso(order.closed or max((s.created for s in order.shipped), default=order.created))
    amounts = {line.id: line.price * line.quantity for line in order.lines}
    items = [
        {
            "id": line_id + 1,
            "line_item_id": line_id,
            "quantity": lines[line_id]["quantity"],
            "restock_type": "return" if lines[line_id]["fulfillment_status"] else "cancel",
            **_priced("subtotal", amounts[line_id] - p.line_discounts.get(line_id, 0), currency),
            **_priced("total_tax", p.line_taxes.get(line_id, 0), currency),
            "line_item": lines[line_id],
        }
        for line_id in p.refunded_lines
    ]
    transaction = {
        "id": order.id + 8,
        "kind": "refund",
        "status": "success",
        "gateway": "shopify_payments",
        "amount": _money(p.refunded, currency),
        "currency": currency,
    }
    return [
        {
            "id": order.id + 7,
            "order_id": order.id,
            "created_at": when,
            "processed_at": when,
            "note": "Refunded in full" if order.outcome == "refunded" else "Damaged in transit",
            "restock": True,
            "refund_line_items": items,
            "transactions": [transaction],
        }
    ]


def _financial(order: Order, p: Pricing) -> str:
    if order.outcome == "refunded":
        return "refunded"
    if p.refunded:
        return "partially_refunded"
    return {"canceled": "voided", "reviewing": "authorized", "pending": "pending"}.get(
        order.outcome, "paid"
    )


def _discounts(p: Pricing, currency: str) -> dict[str, Any]:
    if not p.discount_code:
        return {"discount_codes": [], "discount_applications": []}
    return {
        "discount_codes": [
            {"code": p.discount_code, "amount": _money(p.discount, currency), "type": "percentage"}
        ],
        "discount_applications": [
            {"type": "discount_code", "code": p.discount_code, "value": "10.0",
             "value_type": "percentage", "allocation_method": "across", "target_selection": "all",
             "target_type": "line_item"}
        ],
    }  # fmt: skip


def _fulfillment_status(order: Order) -> str | None:
    shipped = [line for line in order.lines if line.shipped]
    if order.lines and len(shipped) == len(order.lines):
        return "fulfilled"
    return "partial" if shipped else None


def _amounts(p: Pricing, currency: str, current: int) -> dict[str, Any]:
    """The order's money fields, each with its *_set, and its tax lines and discounts."""
    return {
        "taxes_included": p.taxes_included,
        **_priced("total_price", p.total, currency),
        **_priced("subtotal_price", p.subtotal, currency),
        **_priced("total_line_items_price", p.lines, currency),
        **_priced("current_total_price", current, currency),
        **_priced("total_tax", p.tax, currency),
        **_priced("current_total_tax", 0 if current == 0 else p.tax, currency),
        **_priced("total_discounts", p.discount, currency),
        **_priced("total_shipping_price", 0, currency),
        "total_outstanding": "0.00",
        "tax_lines": [_tax_line(p, p.tax, currency)] if p.tax_rate else [],
        **_discounts(p, currency),
    }


def shopify_order(order: Order, person: Person, shop: str) -> dict[str, Any]:
    """One order as Shopify Admin REST returns it."""
    p = order.pricing or Pricing(order.total)
    currency, created = order.currency, iso(order.created)
    cancelled = order.outcome == "canceled"
    lines = {line.id: _line(line, order, p) for line in order.lines}
    current = 0 if cancelled or order.outcome == "refunded" else p.current
    return {
        "id": order.id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order.id}",
        "name": f"#{order.number}",
        "number": order.number - 1000,
        "order_number": order.number,
        "token": order.token,
        "confirmation_number": order.token[:9].upper(),
        "email": person.email or None,
        "contact_email": person.email or None,
        "phone": person.phone,
        "created_at": created,
        "processed_at": created,
        "updated_at": created,
        "cancelled_at": created if cancelled else None,
        "cancel_reason": "customer" if cancelled else None,
        "closed_at": iso(order.closed) if order.closed else None,
        "financial_status": _financial(order, p),
        "fulfillment_status": _fulfillment_status(order),
        "confirmed": True,
        "test": False,
        "currency": currency,
        "presentment_currency": currency,
        **_amounts(p, currency, current),
        "tags": "fraud-review" if order.outcome == "reviewing" else "",
        "note": order.note or None,
        "order_status_url": status_url(order, shop),
        "customer": {
            "id": person.id,
            "email": person.email or None,
            "first_name": person.first,
            "last_name": person.last,
            "phone": person.phone,
            "currency": person.locale.currency,
        },
        "billing_address": _address(order.billing, *_names(order.billing, person)),
        "shipping_address": _address(order.shipping, *_names(order.shipping, person)),
        "shipping_lines": [
            {
                "title": order.speed,
                "code": order.speed,
                "source": "shopify",
                **_priced("price", 0, currency),
            }
        ],
        "line_items": list(lines.values()),
        "fulfillments": [
            _fulfilment(n, s, order, lines) for n, s in enumerate(order.shipments, start=1)
        ],
        "refunds": _refunds(order, p, lines),
    }


def shopify_records(person: Person, shop: str = "lookupkit-demo") -> dict[str, Any]:
    """The person as the fake Shopify stores them: customer, orders and referenced products."""
    orders = [shopify_order(o, person, shop) for o in person.orders]
    address = dict(_address(person.address, person.first, person.last), default=True)
    spent = sum(
        o.total - (o.pricing.refunded if o.pricing else 0)
        for o in person.orders
        if o.outcome != "canceled"
    )
    products = {line.product.id: line.product for o in person.orders for line in o.lines}
    customer = {
        "id": person.id,
        "admin_graphql_api_id": f"gid://shopify/Customer/{person.id}",
        "email": person.email or None,
        "first_name": person.first,
        "last_name": person.last,
        "phone": person.phone,
        "state": "enabled",
        "verified_email": bool(person.email),
        "tags": "",
        "currency": person.locale.currency,
        "note": None,
        "orders_count": len(orders),
        "total_spent": _money(spent, person.locale.currency),
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
        "products": [_product(p) for p in products.values()],
    }


def _product(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "vendor": p.vendor,
        "handle": p.title.lower().replace(" ", "-"),
        "variants": [
            {"id": p.variant_id, "product_id": p.id, "title": p.variant, "sku": p.sku,
             "price": _money(p.usd_cents, "USD")}
        ],
        "image": {"id": p.id + 1, "product_id": p.id, "src": p.image},
        "images": [{"id": p.id + 1, "product_id": p.id, "src": p.image}],
    }  # fmt: skip


def status_url(order: Order, shop: str) -> str:
    """The customer's order status page, as Shopify links it."""
    key = hashlib.sha256(order.token.encode()).hexdigest()[:32]
    return f"https://{shop}.myshopify.com/68111122/orders/{order.token}/authenticate?key={key}"
