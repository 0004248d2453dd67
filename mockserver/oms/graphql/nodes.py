"""The store's Shopify-shaped documents as GraphQL Admin objects: global ids, camelCase fields,
money as ``MoneyBag``, display statuses. A field with arguments is a function of them (the
executor calls it), so a connection is only read when a query asks for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.oms.graphql.paging import listed

__all__ = ["customer_node", "gid", "order_node", "parse_gid", "product_node"]

FINANCIAL = {
    "pending": "PENDING",
    "authorized": "AUTHORIZED",
    "partially_paid": "PARTIALLY_PAID",
    "paid": "PAID",
    "partially_refunded": "PARTIALLY_REFUNDED",
    "refunded": "REFUNDED",
    "voided": "VOIDED",
}
FULFILMENT = {"": "UNFULFILLED", "partial": "PARTIALLY_FULFILLED", "fulfilled": "FULFILLED"}
SHIPMENT = {
    "label_printed": "LABEL_PRINTED",
    "label_purchased": "LABEL_PURCHASED",
    "attempted_delivery": "ATTEMPTED_DELIVERY",
    "ready_for_pickup": "READY_FOR_PICKUP",
    "confirmed": "CONFIRMED",
    "in_transit": "IN_TRANSIT",
    "out_for_delivery": "OUT_FOR_DELIVERY",
    "delivered": "DELIVERED",
    "failure": "FAILURE",
}

Products = Callable[[int], dict[str, Any] | None]


def gid(kind: str, number: Any) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: str, kind: str | None = None) -> tuple[str, int] | None:
    """(kind, id) of a ``gid://shopify/Kind/123``, or None when it is not one (of ``kind``)."""
    prefix, _, rest = value.partition("gid://shopify/")
    name, _, number = rest.partition("/")
    number = number.split("?", 1)[0]
    if prefix or not name or not (number.isascii() and number.isdigit()) or len(number) > 19:
        return None
    if kind is not None and name != kind:
        return None
    return (name, int(number)) if int(number) < 2**63 else None


def _money(amount: Any, currency: str) -> dict[str, Any]:
    value = {"amount": str(amount or "0"), "currencyCode": currency}
    return {"shopMoney": value, "presentmentMoney": value}


def _tags(text: Any) -> list[str]:
    return [t.strip() for t in str(text or "").split(",") if t.strip()]


def address_node(a: dict[str, Any] | None, owner: int, n: int = 0) -> dict[str, Any] | None:
    if not a:
        return None
    return {
        "__typename": "MailingAddress",
        "id": gid("MailingAddress", f"{owner * 10 + n}?model_name=CustomerAddress"),
        "address1": a.get("address1"),
        "address2": a.get("address2"),
        "city": a.get("city"),
        "company": a.get("company"),
        "country": a.get("country"),
        "countryCodeV2": a.get("country_code"),
        "firstName": a.get("first_name"),
        "lastName": a.get("last_name"),
        "name": a.get("name"),
        "phone": a.get("phone"),
        "province": a.get("province"),
        "provinceCode": a.get("province_code"),
        "zip": a.get("zip"),
    }


def customer_node(c: dict[str, Any], orders: Callable[..., Any]) -> dict[str, Any]:
    """A customer; ``orders(info, **args)`` answers its orders connection."""
    name = f"{c.get('first_name') or ''} {c.get('last_name') or ''}".strip()
    addresses = c.get("addresses") or []
    return {
        "__typename": "Customer",
        "id": gid("Customer", c["id"]),
        "legacyResourceId": str(c["id"]),
        "firstName": c.get("first_name"),
        "lastName": c.get("last_name"),
        "displayName": name or c.get("email") or c.get("phone") or "",
        "email": c.get("email"),
        "phone": c.get("phone"),
        "defaultEmailAddress": {"emailAddress": c["email"]} if c.get("email") else None,
        "defaultPhoneNumber": {"phoneNumber": c["phone"]} if c.get("phone") else None,
        "verifiedEmail": bool(c.get("verified_email")),
        "note": c.get("note"),
        "tags": _tags(c.get("tags")),
        "createdAt": c["created_at"],
        "updatedAt": c["updated_at"],
        "numberOfOrders": str(c.get("orders_count") or 0),
        "amountSpent": {
            "amount": str(c.get("total_spent") or "0"),
            "currencyCode": c.get("currency") or "USD",
        },
        "defaultAddress": address_node(c.get("default_address"), c["id"]),
        "addresses": lambda info, first=None: [
            address_node(a, c["id"], n) for n, a in enumerate(addresses[:first])
        ],
        "orders": orders,
    }


def product_node(p: dict[str, Any]) -> dict[str, Any]:
    image = p.get("image") or {}
    return {
        "__typename": "Product",
        "id": gid("Product", p["id"]),
        "legacyResourceId": str(p["id"]),
        "title": p.get("title") or "",
        "vendor": p.get("vendor") or "",
        "handle": p.get("handle") or "",
        "featuredImage": {
            "id": gid("ProductImage", image["id"]),
            "url": image["src"],
            "altText": None,
        }
        if image.get("src")
        else None,
    }


def _line_node(line: dict[str, Any], currency: str, products: Products) -> dict[str, Any]:
    product = products(line["product_id"]) if line.get("product_id") else None
    shown = product_node(product) if product else None
    return {
        "__typename": "LineItem",
        "id": gid("LineItem", line["id"]),
        "name": line.get("name") or line.get("title") or "",
        "title": line.get("title") or "",
        "sku": line.get("sku"),
        "variantTitle": line.get("variant_title"),
        "vendor": line.get("vendor"),
        "quantity": int(line.get("quantity") or 0),
        "currentQuantity": int(line.get("current_quantity", line.get("quantity")) or 0),
        "unfulfilledQuantity": int(line.get("fulfillable_quantity") or 0),
        "requiresShipping": bool(line.get("requires_shipping", True)),
        "originalUnitPriceSet": _money(line.get("price"), currency),
        "image": shown["featuredImage"] if shown else None,
        "product": shown,
        "variant": {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", line["variant_id"]),
            "title": line.get("variant_title") or "Default Title",
            "sku": line.get("sku"),
        }
        if line.get("variant_id")
        else None,
    }


def _fulfillment_node(f: dict[str, Any], line: Callable[[Any], Any]) -> dict[str, Any]:
    numbers = f.get("tracking_numbers") or [f.get("tracking_number")]
    urls = f.get("tracking_urls") or [f.get("tracking_url")]
    tracking = [
        {
            "company": f.get("tracking_company"),
            "number": n,
            "url": urls[i] if i < len(urls) else None,
        }
        for i, n in enumerate(numbers)
        if n
    ]
    items = [
        {
            "__typename": "FulfillmentLineItem",
            "id": gid("FulfillmentLineItem", f["id"] * 100 + i),
            "quantity": int(item.get("quantity") or 0),
            "lineItem": line(item),
        }
        for i, item in enumerate(f.get("line_items") or [])
    ]
    shipment = f.get("shipment_status")
    return {
        "__typename": "Fulfillment",
        "id": gid("Fulfillment", f["id"]),
        "legacyResourceId": str(f["id"]),
        "name": f.get("name") or "",
        "status": str(f.get("status") or "success").upper(),
        "displayStatus": SHIPMENT.get(shipment or "", "FULFILLED")
        if f.get("status") == "success"
        else ("CANCELED" if f.get("status") == "cancelled" else None),
        "createdAt": f["created_at"],
        "updatedAt": f.get("updated_at") or f["created_at"],
        "deliveredAt": f.get("updated_at") if shipment == "delivered" else None,
        "estimatedDeliveryAt": None,
        "trackingInfo": lambda info, first=None: tracking[:first],
        "fulfillmentLineItems": lambda info, **args: listed(items, args, lambda x: x),
    }


def order_node(o: dict[str, Any], products: Products, customer: Callable[[int], Any]) -> Any:
    """An order; ``products(id)`` reads a product, ``customer(id)`` the order's customer node."""
    currency = o["currency"]

    def line(item: dict[str, Any]) -> dict[str, Any]:
        return _line_node(item, currency, products)

    lines = o.get("line_items") or []
    shipping = next(iter(o.get("shipping_lines") or []), None)
    owner = (o.get("customer") or {}).get("id")
    return {
        "__typename": "Order",
        "id": gid("Order", o["id"]),
        "legacyResourceId": str(o["id"]),
        "name": o["name"],
        "number": int(o.get("number") or 0),
        "email": o.get("email"),
        "phone": o.get("phone"),
        "createdAt": o["created_at"],
        "updatedAt": o["updated_at"],
        "processedAt": o.get("processed_at") or o["created_at"],
        "cancelledAt": o.get("cancelled_at"),
        "cancelReason": str(o["cancel_reason"]).upper() if o.get("cancel_reason") else None,
        "closed": bool(o.get("closed_at")),
        "closedAt": o.get("closed_at"),
        "confirmed": bool(o.get("confirmed", True)),
        "test": bool(o.get("test")),
        "displayFinancialStatus": FINANCIAL.get(o.get("financial_status") or ""),
        "displayFulfillmentStatus": FULFILMENT.get(
            o.get("fulfillment_status") or "", "UNFULFILLED"
        ),
        "currencyCode": currency,
        "presentmentCurrencyCode": o.get("presentment_currency") or currency,
        "totalPriceSet": _money(o["total_price"], currency),
        "subtotalPriceSet": _money(o.get("subtotal_price"), currency),
        "currentTotalPriceSet": _money(o.get("current_total_price"), currency),
        "totalTaxSet": _money(o.get("total_tax"), currency),
        "totalDiscountsSet": _money(o.get("total_discounts"), currency),
        "subtotalLineItemsQuantity": sum(int(li.get("quantity") or 0) for li in lines),
        "note": o.get("note"),
        "tags": _tags(o.get("tags")),
        "statusPageUrl": o.get("order_status_url") or "",
        "customer": (lambda info: customer(owner)) if owner else None,
        "billingAddress": address_node(o.get("billing_address"), o["id"], 1),
        "shippingAddress": address_node(o.get("shipping_address"), o["id"], 2),
        "shippingLine": {"title": shipping.get("title") or "", "code": shipping.get("code")}
        if shipping
        else None,
        "lineItems": lambda info, **args: listed(lines, args, line),
        "fulfillments": lambda info, first=None: [
            _fulfillment_node(f, line) for f in (o.get("fulfillments") or [])[:first]
        ],
    }
