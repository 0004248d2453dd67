"""The OMS documents the generators store read like the real platforms': Shopify's addresses, money
sets, taxes, discounts, refunds and fulfilment statuses, and BigCommerce's and Magento's totals."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import cache
from typing import Any

from generators.dataset import DatasetOptions, records
from mockserver.oms.bigcommerce_orders import render_order as bigcommerce_order
from mockserver.oms.magento import render_order as magento_order
from tests.helpers import REF

D = Decimal


@cache
def dataset() -> tuple[dict[str, Any], ...]:
    return tuple(records(DatasetOptions(customers=60, seed=11, reference=REF)))


def orders() -> list[dict[str, Any]]:
    return [o for r in dataset() for o in r["oms"]["orders"]]


def test_addresses_have_names_and_the_countrys_name_beside_its_code():
    for record in dataset():
        customer = record["oms"]["customer"]
        address = customer["default_address"]
        assert (address["first_name"], address["last_name"]) == (
            customer["first_name"] or None,
            customer["last_name"] or None,
        )
        assert len(address["country_code"]) == 2
        assert address["country"] != address["country_code"]  # "United States", "US"
    us = [o["billing_address"] for o in orders() if o["billing_address"]["country_code"] == "US"]
    assert us, "the dataset has US orders"
    assert {a["country"] for a in us} == {"United States"}
    assert all(len(a["province_code"]) == 2 and len(a["province"]) > 2 for a in us)


def test_money_has_its_set_twin_and_the_totals_add_up():
    for o in orders():
        for name in ("total_price", "subtotal_price", "total_tax", "total_discounts"):
            money = o[f"{name}_set"]["shop_money"]
            assert (money["amount"], money["currency_code"]) == (o[name], o["currency"])
            assert o[f"{name}_set"]["presentment_money"] == money
        lines, tax = D(o["total_line_items_price"]), D(o["total_tax"])
        assert D(o["subtotal_price"]) == lines - D(o["total_discounts"])
        added = D(0) if o["taxes_included"] else tax
        assert D(o["total_price"]) == D(o["subtotal_price"]) + added, o["name"]
        assert sum(D(t["price"]) for li in o["line_items"] for t in li["tax_lines"]) == tax
        assert sum(D(c["amount"]) for c in o["discount_codes"]) == D(o["total_discounts"])


def test_refunds_explain_what_is_left_to_pay():
    statuses = Counter(o["financial_status"] for o in orders())
    assert statuses["partially_refunded"], statuses
    assert statuses["refunded"], statuses
    for o in orders():
        refunded = sum(D(t["amount"]) for r in o["refunds"] for t in r["transactions"])
        if o["financial_status"] in ("refunded", "partially_refunded"):
            assert refunded > 0, o["name"]
            assert D(o["current_total_price"]) == D(o["total_price"]) - refunded, o["name"]
        else:
            assert o["refunds"] == []


def test_fulfilments_vary_and_only_the_ones_that_shipped_reach_gladly():
    kinds = Counter(f["status"] for o in orders() for f in o["fulfillments"])
    assert {"success", "cancelled", "open", "pending", "error", "failure"} <= set(kinds), kinds
    progress = Counter(
        f["shipment_status"]
        for o in orders()
        for f in o["fulfillments"]
        if f["status"] == "success"
    )
    assert {"delivered", "in_transit"} <= set(progress), progress
    for record in dataset():
        shown = {
            f.get("trackingNumber")
            for t in record["gladly"]["transactions"]
            for f in t.get("fulfillments") or []
        }
        for o in record["oms"]["orders"]:
            for f in o["fulfillments"]:
                if f["status"] != "success" and f["tracking_number"]:
                    assert f["tracking_number"] not in shown  # a voided label is not a shipment


BIGCOMMERCE_FIELDS = {
    "id", "customer_id", "date_created", "date_modified", "date_shipped", "status_id", "status",
    "custom_status", "subtotal_ex_tax", "subtotal_inc_tax", "subtotal_tax", "base_shipping_cost",
    "shipping_cost_ex_tax", "shipping_cost_inc_tax", "shipping_cost_tax",
    "shipping_cost_tax_class_id", "base_handling_cost", "handling_cost_ex_tax",
    "handling_cost_inc_tax", "handling_cost_tax", "handling_cost_tax_class_id",
    "base_wrapping_cost", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax", "wrapping_cost_tax",
    "wrapping_cost_tax_class_id", "total_ex_tax", "total_inc_tax", "total_tax", "items_total",
    "items_shipped", "payment_method", "payment_provider_id", "payment_status",
    "refunded_amount", "order_is_digital", "store_credit_amount", "gift_certificate_amount",
    "ip_address", "ip_address_v6", "geoip_country", "geoip_country_iso2", "currency_id",
    "currency_code", "currency_exchange_rate", "default_currency_id", "default_currency_code",
    "staff_notes", "customer_message", "discount_amount", "coupon_discount",
    "shipping_address_count", "is_deleted", "ebay_order_id", "cart_id", "billing_address",
    "is_email_opt_in", "credit_card_type", "order_source", "channel_id", "external_source",
    "products", "shipping_addresses", "coupons", "external_id", "external_merchant_id",
    "tax_provider_id", "customer_locale", "store_default_currency_code",
    "store_default_to_transactional_exchange_rate", "is_tax_inclusive_pricing",
}  # fmt: skip


def test_bigcommerce_orders_have_the_documented_fields_and_coherent_totals():
    for o in orders():
        order = bigcommerce_order(o, "https://api.bigcommerce.com/stores/x")
        assert set(order) >= BIGCOMMERCE_FIELDS, BIGCOMMERCE_FIELDS - set(order)
        assert D(order["total_inc_tax"]) == D(o["total_price"])
        assert D(order["total_ex_tax"]) + D(order["total_tax"]) == D(order["total_inc_tax"])
        assert D(order["subtotal_ex_tax"]) + D(order["subtotal_tax"]) == D(
            order["subtotal_inc_tax"]
        )
        if not o["cancelled_at"]:  # a cancelled order owes nothing and was refunded nothing
            assert D(order["refunded_amount"]) == D(o["total_price"]) - D(o["current_total_price"])


def test_magento_grand_totals_are_subtotal_plus_tax_less_discount():
    for o in orders():
        order = magento_order(o)
        parts = (
            D(str(order["subtotal"]))
            + D(str(order["tax_amount"]))
            + D(str(order["discount_amount"]))
        )
        assert parts.quantize(D("0.01")) == D(str(order["grand_total"])).quantize(D("0.01")), o[
            "name"
        ]
