"""A Shopify-shaped order as BigCommerce's v2 order, with the fields BigCommerce documents.

Money is 4-decimal strings; taxes, discounts and refunds follow the Shopify document's
(``taxes_included`` decides whether the line prices hold the tax); dates are RFC 2822.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from mockserver.oms.platforms import amount, lifecycle, money_of, parse_time, shipped_quantities

__all__ = ["STATUSES", "STATUS_OF", "address", "money", "render_order", "rfc2822"]

STATUSES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
FREE = (  # the shop charges no shipping, handling or wrapping and takes no store credit
    "base_shipping_cost", "shipping_cost_ex_tax", "shipping_cost_inc_tax", "shipping_cost_tax",
    "base_handling_cost", "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax",
    "base_wrapping_cost", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax", "wrapping_cost_tax",
    "store_credit_amount", "gift_certificate_amount",
)  # fmt: skip
STATUS_OF = {"cancelled": 5, "review": 12, "shipped": 2, "partial": 3, "unpaid": 7, "open": 11}


def rfc2822(text: str | None) -> str:
    return format_datetime(parse_time(text)) if text else ""


def money(value: Any) -> str:
    return f"{amount(str(value)):.4f}"


def address(a: dict[str, Any] | None, email: str = "") -> dict[str, Any]:
    a = a or {}
    name = (a.get("name") or "").split(" ", 1)
    return {
        "first_name": a.get("first_name") or name[0],
        "last_name": a.get("last_name") or (name[1] if len(name) > 1 else ""),
        "company": a.get("company") or "",
        "street_1": a.get("address1") or "",
        "street_2": a.get("address2") or "",
        "city": a.get("city") or "",
        "state": a.get("province") or "",
        "zip": a.get("zip") or "",
        "country": a.get("country") or "",
        "country_iso2": a.get("country_code") or "",
        "phone": a.get("phone") or "",
        "email": email,
        "form_fields": [],
    }


def _totals(order: dict[str, Any]) -> dict[str, str]:
    """BigCommerce's subtotal/total pairs, with and without tax, from Shopify's amounts."""
    m, total = money_of(order), amount(order["total_price"])
    return {
        "subtotal_ex_tax": money(m.subtotal),
        "subtotal_inc_tax": money(m.subtotal + m.tax),
        "subtotal_tax": money(m.tax),
        "total_ex_tax": money(total - m.tax),
        "total_inc_tax": money(total),
        "total_tax": money(m.tax),
        "discount_amount": money(m.discount),
        "coupon_discount": money(m.discount),
        "refunded_amount": money(m.refunded),
    }


def _payment(order: dict[str, Any]) -> dict[str, Any]:
    status = {
        "paid": "captured",
        "refunded": "refunded",
        "partially_refunded": "partially refunded",
        "voided": "void",
    }.get(order["financial_status"], "pending")
    return {
        "payment_status": status,
        "payment_method": "Credit Card",
        "payment_provider_id": None,
        "credit_card_type": None,
    }


def _currency(code: str) -> dict[str, Any]:
    """The order is in the store's transactional currency, at a rate of one."""
    return {
        "currency_id": 1,
        "currency_code": code,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": code,
        "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
    }


def render_order(order: dict[str, Any], base: str) -> dict[str, Any]:
    """A Shopify-shaped order as a BigCommerce v2 order."""
    number = order["order_number"]
    shipped = shipped_quantities(order)
    status_id = STATUS_OF[lifecycle(order)]
    dates = [
        f["created_at"] for f in order.get("fulfillments") or [] if f.get("status") == "success"
    ]
    customer = order.get("customer") or {}
    included = bool(order.get("taxes_included"))
    links = {
        key: {"url": f"{base}/v2/orders/{number}/{key}", "resource": f"/orders/{number}/{key}"}
        for key in ("products", "shipping_addresses", "coupons")
    }
    return {
        "id": number,
        "customer_id": customer.get("id", 0),
        "date_created": rfc2822(order["created_at"]),
        "date_modified": rfc2822(order["updated_at"]),
        "date_shipped": rfc2822(max(dates)) if status_id == 2 and dates else "",
        "status_id": status_id,
        "status": STATUSES[status_id],
        "custom_status": STATUSES[status_id],
        **_payment(order),
        **_totals(order),
        **dict.fromkeys(FREE, "0.0000"),
        "shipping_cost_tax_class_id": 2,
        "handling_cost_tax_class_id": 2,
        "wrapping_cost_tax_class_id": 3,
        "is_tax_inclusive_pricing": included,
        "tax_provider_id": "BasicTaxProvider",
        "items_total": sum(li["quantity"] for li in order["line_items"]),
        "items_shipped": sum(shipped.values()),
        **_currency(order["currency"]),
        "customer_message": order.get("note") or "",
        "staff_notes": "",
        "billing_address": address(order.get("billing_address"), order.get("email") or ""),
        "is_email_opt_in": False,
        "ip_address": "",
        "ip_address_v6": "",
        "geoip_country": (order.get("billing_address") or {}).get("country") or "",
        "geoip_country_iso2": (order.get("billing_address") or {}).get("country_code") or "",
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "external_order_id": None,
        "ebay_order_id": "0",
        "cart_id": order.get("token"),
        "order_is_digital": False,
        "is_deleted": False,
        "shipping_address_count": 1 if order.get("shipping_address") else 0,
        "customer_locale": "en",
        **links,
    }
