"""The reference adapter's BigCommerce and Magento mappings, on literal documents shaped as the
platforms document them: statuses, times, totals, items and tracking."""

from __future__ import annotations

import pytest

from mockserver.adapter import bigcommerce, magento


@pytest.mark.parametrize(
    ("status_id", "expected"),
    [(11, "pending"), (3, "pending"), (7, "pending"), (2, "complete"), (10, "complete"),
     (5, "canceled"), (6, "canceled"), (12, "reviewing"), (13, "reviewing"), (99, "pending")],
)  # fmt: skip
def test_bigcommerce_status_ids_map_to_gladly_statuses(status_id, expected):
    assert bigcommerce.order_status({"status_id": status_id, "status": "Relabelled"}) == expected


BC_ORDER = {
    "id": 1042,
    "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
    "status_id": 3,
    "total_inc_tax": "1234.5000",
    "currency_code": "EUR",
    "items_total": 3,
    "customer_message": "Leave it at the door",
    "billing_address": {"first_name": "Ana", "last_name": "Silva", "street_1": "Rua 1",
                        "city": "Lisboa", "state": "", "zip": "1000", "country_iso2": "PT"},
}  # fmt: skip
BC_LINES = [
    {"id": 7, "product_id": 70, "name": "Mug", "sku": "MUG-1", "quantity": 2,
     "quantity_shipped": 2, "base_price": "10.0000"},
    {"id": 8, "product_id": 0, "name": "Gift wrap", "sku": "", "quantity": 1,
     "quantity_shipped": 0, "base_price": "1.5000"},
]  # fmt: skip
BC_SHIPMENTS = [
    {"items": [{"order_product_id": 7, "quantity": 2}], "tracking_number": "1Z999",
     "shipping_provider_display_name": "UPS", "tracking_link": "",
     "generated_tracking_link": "https://www.ups.com/track?tracknum=1Z999",
     "shipping_method": "UPS Ground", "shipping_address": {"street_1": "Rua 1", "city": "Lisboa"}},
]  # fmt: skip


def test_a_bigcommerce_order_as_a_gladly_order():
    txn = bigcommerce.order(BC_ORDER, BC_LINES, BC_SHIPMENTS)
    assert txn["orderNumber"] == "1042"
    assert txn["createdAt"] == "2019-03-05T21:40:11+00:00"
    assert txn["orderStatus"] == "pending"  # partially shipped
    assert txn["orderTotal"] == "1.234,50 €"
    assert txn["itemCount"] == 3
    assert [p["status"] for p in txn["products"]] == ["fulfilled", "unfulfilled"]
    assert "sku" not in txn["products"][1]  # an empty SKU is left out, not sent as ""
    shipped = txn["fulfillments"][0]
    assert shipped["productIds"] == ["7"]
    assert shipped["trackingUrl"] == "https://www.ups.com/track?tracknum=1Z999"
    assert shipped["carrier"] == "UPS"
    assert txn["billingAddress"]["country"] == "PT"
    assert "state" not in txn["billingAddress"]


def test_a_bigcommerce_date_it_cannot_read_is_left_out():
    assert "createdAt" not in bigcommerce.order(dict(BC_ORDER, date_created="someday"), [], [])


@pytest.mark.parametrize(
    ("state", "status", "expected"),
    [("processing", "processing", "pending"), ("new", "pending", "pending"),
     ("pending_payment", "pending_payment", "pending"), ("complete", "complete", "complete"),
     ("closed", "closed", "complete"), ("canceled", "canceled", "canceled"),
     ("payment_review", "fraud", "reviewing"), ("processing", "fraud", "reviewing"),
     ("holded", "holded", "pending")],
)  # fmt: skip
def test_magento_states_map_to_gladly_statuses(state, status, expected):
    assert magento.order_status({"state": state, "status": status}) == expected


MG_ORDER = {
    "entity_id": 42,
    "increment_id": "000000042",
    "state": "complete",
    "status": "complete",
    "created_at": "2026-11-20 01:00:00",
    "grand_total": 12900,
    "order_currency_code": "JPY",
    "shipping_description": "Flat Rate - Fixed",
    "items": [
        {"item_id": 1, "product_id": 10, "product_type": "configurable", "sku": "HOOD-M",
         "name": "Hoodie", "qty_ordered": 2, "qty_shipped": 2, "price": 4000, "parent_item_id": None},
        {"item_id": 11, "product_id": 10, "product_type": "simple", "sku": "HOOD-M",
         "name": "Hoodie - M", "qty_ordered": 2, "qty_shipped": 2, "price": 0, "parent_item_id": 1},
        {"item_id": 2, "product_id": 20, "product_type": "simple", "sku": "MUG-1",
         "name": "Mug", "qty_ordered": 1, "qty_shipped": 1, "price": 4900, "parent_item_id": None},
    ],
    "extension_attributes": {"shipping_assignments": [
        {"shipping": {"address": {"street": ["1-2-3 Shibuya"], "city": "Tokyo", "country_id": "JP",
                                  "postcode": "150-0002", "region_code": "13"}}}]},
}  # fmt: skip
MG_SHIPMENTS = [
    {"items": [{"order_item_id": 1}, {"order_item_id": 2}],
     "tracks": [{"track_number": "1Z 999/AA", "carrier_code": "ups", "title": "UPS"}]},
]  # fmt: skip


def test_a_magento_order_as_a_gladly_order():
    txn = magento.order(MG_ORDER, MG_SHIPMENTS)
    assert txn["orderNumber"] == "000000042"
    assert txn["createdAt"] == "2026-11-20T01:00:00Z"  # Magento's times are UTC
    assert txn["orderStatus"] == "complete"
    assert txn["orderTotal"] == "¥12,900"
    assert txn["itemCount"] == 3  # the configurable's child row is not counted again
    assert [p["id"] for p in txn["products"]] == ["1", "2"]
    shipped = txn["fulfillments"][0]
    assert shipped["productIds"] == ["1", "2"]
    assert shipped["trackingNumber"] == "1Z 999/AA"
    assert shipped["trackingUrl"] == "https://www.ups.com/track?tracknum=1Z%20999%2FAA"
    assert shipped["shippingAddress"]["city"] == "Tokyo"


def test_a_magento_track_of_an_unknown_carrier_has_no_made_up_url():
    shipments = [{"items": [], "tracks": [{"track_number": "X1", "carrier_code": "custom"}]}]
    assert "trackingUrl" not in magento.order(MG_ORDER, shipments)["fulfillments"][0]


def test_magento_search_criteria_are_one_group_per_filter():
    params = magento.criteria(("email", "a@b.c", "eq"), ("x", "1", "in"), sort="created_at", size=5)
    assert params["searchCriteria[filterGroups][1][filters][0][field]"] == "x"
    assert params["searchCriteria[sortOrders][0][direction]"] == "DESC"
    assert params["searchCriteria[pageSize]"] == "5"
