"""Checks for transactions (all five types), their products, fulfilments, addresses and actions.

Each check takes one transaction (whatever JSON the adapter sent) and its JSON path, and yields
Violations. The reserved-field tables below encode the documented transaction cards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from contracts import rules as R
from contracts.actions import check_actions
from contracts.formats import (
    CURRENCY_SYMBOLS,
    currency_symbol_of,
    is_absolute_url,
    is_e164,
    is_https_url,
    is_integer_string,
    is_iso8601,
)
from contracts.rules import Violation, shown

__all__ = [
    "ORDER_STATUSES",
    "RESERVED_FIELDS",
    "SUBSCRIPTION_INTERVAL_UNITS",
    "SUBSCRIPTION_STATUSES",
    "TRANSACTION_CHECKS",
    "TRANSACTION_TYPES",
]

TransactionCheck = Callable[[Any, str], Iterable[Violation]]

TRANSACTION_TYPES = ("ORDER", "FLIGHT", "STAY", "SUBSCRIPTION", "GENERIC")
ORDER_STATUSES = ("pending", "reviewing", "complete", "canceled")
SUBSCRIPTION_STATUSES = (
    "Active",
    "Cancelled",
    "Expired",
    "Future",
    "In Trial",
    "Non-Renewing",
    "Paused",
)
SUBSCRIPTION_INTERVAL_UNITS = ("day", "week", "month", "quarter", "year")

# Field kinds: str, int, date (ISO-8601 string), url (absolute URL string), image (HTTPS URL
# string), any (any scalar), and the nested kinds products, fulfillments, address, actions, ids.
PRODUCT_FIELDS = {
    "id": "str",
    "name": "str",
    "status": "str",
    "sku": "str",
    "productId": "str",
    "imageUrl": "image",
    "quantity": "any",
    "unitPrice": "str",
    "total": "str",
}
FULFILLMENT_FIELDS = {
    "productIds": "ids",
    "estimatedDeliveryDate": "date",
    "trackingUrl": "url",
    "trackingNumber": "str",
    "status": "str",
    "carrier": "str",
    "shippingSpeed": "str",
    "shippingAddress": "address",
}
ADDRESS_FIELDS = dict.fromkeys(
    ("name", "phone", "street1", "street2", "city", "state", "country", "zip"), "str"
)
RESERVED_FIELDS: dict[str, dict[str, str]] = {
    "ORDER": {
        "type": "str",
        "createdAt": "date",
        "orderNumber": "str",
        "orderStatus": "str",
        "orderLink": "url",
        "orderTotal": "str",
        "currencyCode": "str",
        "itemCount": "int",
        "customerOrderUrl": "url",
        "note": "str",
        "products": "products",
        "fulfillments": "fulfillments",
        "billingAddress": "address",
        "actions": "actions",
    },
    "FLIGHT": {
        "type": "str",
        "departureTime": "date",
        "destination": "str",
        "flightNumber": "str",
        "origin": "str",
        "pnrCode": "str",
        "status": "str",
    },
    "STAY": {
        "type": "str",
        "checkInTime": "date",
        "checkOutTime": "date",
        "timezone": "str",
        "url": "url",
        "title": "str",
        "address": "str",
        "neighborhood": "str",
    },
    "SUBSCRIPTION": {
        "type": "str",
        "subscriptionId": "str",
        "status": "str",
        "createdAt": "date",
        "updatedAt": "date",
        "billingIntervalUnit": "str",
        "billingIntervalNumber": "str",
        "nextBillingAt": "date",
        "cancellationDate": "date",
        "cancellationReason": "str",
        "quantity": "str",
        "price": "str",
        "products": "products",
        "actions": "actions",
    },
    "GENERIC": {"type": "str"},
}
NESTED_KINDS = {
    "products": list,
    "fulfillments": list,
    "ids": list,
    "actions": list,
    "address": dict,
}
ORDER_REQUIRED = (
    "createdAt",
    "orderNumber",
    "orderStatus",
    "orderTotal",
    "products",
    "fulfillments",
)
ADDRESS_REQUIRED = ("street1", "city", "state", "country", "zip")


def _kind_name(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else type(value).__name__


def _scalar_fields(obj: dict[str, Any], path: str, table: dict[str, str]) -> Iterator[Violation]:
    """Type, date, URL and flatness checks for one flat object against its field table."""
    for key, value in obj.items():
        where = f"{path}.{key}"
        kind = table.get(key)
        if kind is None:
            if isinstance(value, dict | list):
                yield Violation(
                    R.TXN_FLAT, where, "a single value", f"a nested {_kind_name(value)}"
                )
            elif not isinstance(value, str) and value is not None:
                yield Violation(R.TXN_STRINGS, where, "a string", shown(value))
        elif kind in NESTED_KINDS:
            if not isinstance(value, NESTED_KINDS[kind]):
                expected = "an object" if kind == "address" else "an array"
                yield Violation(R.TXN_TYPES, where, expected, shown(value))
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                yield Violation(
                    R.TXN_TYPES, where, "an integer (the one numeric field)", shown(value)
                )
        elif kind == "any":
            if isinstance(value, dict | list):
                yield Violation(
                    R.TXN_FLAT, where, "a single value", f"a nested {_kind_name(value)}"
                )
        elif not isinstance(value, str):
            yield Violation(R.TXN_TYPES, where, "a string", shown(value))
        elif kind == "date" and not is_iso8601(value):
            yield Violation(
                R.TXN_DATES, where, "an ISO-8601 date such as '2024-05-01T12:00:00Z'", shown(value)
            )
        elif kind in ("url", "image") and value and not is_absolute_url(value):
            yield Violation(R.TXN_URLS, where, "an absolute http(s) URL", shown(value))
        elif kind == "image" and value and not is_https_url(value):
            yield Violation(R.TXN_HTTPS_IMAGES, where, "an https:// URL", shown(value))


def _objects(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield f"{path}[{index}]", item


def _missing(obj: dict[str, Any], keys: Iterable[str]) -> list[str]:
    return [key for key in keys if obj.get(key) in (None, "")]


def transaction_has_known_type(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict):
        yield Violation(R.TXN_TYPE, path, "an object", shown(txn))
        return
    kind = txn.get("type")
    if kind in TRANSACTION_TYPES:
        return
    hint = (
        " (types are upper case)"
        if isinstance(kind, str) and kind.upper() in TRANSACTION_TYPES
        else ""
    )
    yield Violation(
        R.TXN_TYPE,
        f"{path}.type",
        "one of " + ", ".join(TRANSACTION_TYPES),
        ("no type" if kind is None else shown(kind)) + hint,
    )


def transaction_fields_have_documented_shapes(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") not in RESERVED_FIELDS:
        return
    kind = txn["type"]
    yield from _scalar_fields(txn, path, RESERVED_FIELDS[kind])
    if "actions" in txn and kind not in ("ORDER", "SUBSCRIPTION"):
        yield Violation(
            R.TXN_ACTIONS,
            f"{path}.actions",
            "actions only on ORDER or SUBSCRIPTION",
            f"actions on a {kind}",
        )
    yield from check_actions(txn.get("actions"), f"{path}.actions")
    for product_path, product in _objects(txn.get("products"), f"{path}.products"):
        yield from _scalar_fields(product, product_path, PRODUCT_FIELDS)
    for f_path, fulfillment in _objects(txn.get("fulfillments"), f"{path}.fulfillments"):
        yield from _scalar_fields(fulfillment, f_path, FULFILLMENT_FIELDS)
        ids = fulfillment.get("productIds")
        for index, item in enumerate(ids if isinstance(ids, list) else []):
            if not isinstance(item, str):
                yield Violation(
                    R.TXN_TYPES, f"{f_path}.productIds[{index}]", "a string id", shown(item)
                )
    for a_path, address in _addresses(txn, path):
        yield from _scalar_fields(address, a_path, ADDRESS_FIELDS)


def _addresses(txn: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(txn.get("billingAddress"), dict):
        yield f"{path}.billingAddress", txn["billingAddress"]
    for f_path, fulfillment in _objects(txn.get("fulfillments"), f"{path}.fulfillments"):
        if isinstance(fulfillment.get("shippingAddress"), dict):
            yield f"{f_path}.shippingAddress", fulfillment["shippingAddress"]


def order_has_sidekick_fields(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") != "ORDER":
        return
    missing = _missing(txn, ORDER_REQUIRED)
    if missing:
        yield Violation(R.ORDER_FIELDS, path, ", ".join(ORDER_REQUIRED), "no " + ", ".join(missing))
    for p_path, product in _objects(txn.get("products"), f"{path}.products"):
        missing = _missing(product, ("id", "name", "sku"))
        if missing:
            yield Violation(R.PRODUCT_FIELDS, p_path, "id, name, sku", "no " + ", ".join(missing))
    for f_path, fulfillment in _objects(txn.get("fulfillments"), f"{path}.fulfillments"):
        wanted = ["productIds", "trackingUrl"] + (
            ["trackingNumber"] if fulfillment.get("trackingUrl") else []
        )
        missing = _missing(fulfillment, wanted)
        if missing:
            yield Violation(
                R.FULFILLMENT_TRACKING, f_path, ", ".join(wanted), "no " + ", ".join(missing)
            )
        missing = _missing(fulfillment, ("carrier", "shippingSpeed", "shippingAddress"))
        if missing:
            yield Violation(
                R.FULFILLMENT_SIDEKICK,
                f_path,
                "carrier, shippingSpeed, shippingAddress",
                "no " + ", ".join(missing),
            )
        extra = sorted(set(fulfillment) - set(FULFILLMENT_FIELDS))
        if extra:
            yield Violation(
                R.FULFILLMENT_KEYS,
                f_path,
                "only documented fulfilment keys",
                "also " + ", ".join(map(repr, extra)),
            )
    for a_path, address in _addresses(txn, path):
        missing = _missing(address, ADDRESS_REQUIRED)
        if missing:
            yield Violation(
                R.ADDRESS_FIELDS, a_path, ", ".join(ADDRESS_REQUIRED), "no " + ", ".join(missing)
            )
        phone = address.get("phone")
        if isinstance(phone, str) and phone and not is_e164(phone):
            yield Violation(
                R.ADDRESS_PHONE, f"{a_path}.phone", "E.164, e.g. '+14155550123'", shown(phone)
            )


def order_status_follows_definitions(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") != "ORDER":
        return
    status = txn.get("orderStatus")
    if isinstance(status, str) and status and status.strip().lower() not in ORDER_STATUSES:
        yield Violation(
            R.ORDER_STATUS,
            f"{path}.orderStatus",
            "one of " + ", ".join(ORDER_STATUSES),
            shown(status),
        )


def order_total_matches_currency(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") != "ORDER":
        return
    total, code = txn.get("orderTotal"), txn.get("currencyCode")
    if isinstance(code, str) and not (len(code) == 3 and code.isascii() and code.isupper()):
        yield Violation(
            R.ORDER_CURRENCY_CODE,
            f"{path}.currencyCode",
            "an ISO-4217 code like 'USD'",
            shown(code),
        )
    if not isinstance(total, str) or not total:
        return
    symbol = currency_symbol_of(total)
    if not symbol:
        yield Violation(
            R.ORDER_TOTAL_SYMBOL,
            f"{path}.orderTotal",
            "an amount with its currency symbol",
            shown(total),
        )
    elif (
        isinstance(code, str)
        and code in CURRENCY_SYMBOLS
        and symbol not in (*CURRENCY_SYMBOLS[code], code)
    ):
        yield Violation(
            R.ORDER_TOTAL_CURRENCY,
            f"{path}.orderTotal",
            f"a {code} amount ({' or '.join(CURRENCY_SYMBOLS[code])})",
            f"{total!r} (symbol {symbol!r})",
        )


def order_product_ids_resolve(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") != "ORDER":
        return
    ids = [p.get("id") for _, p in _objects(txn.get("products"), "")]
    counts = Counter(i for i in ids if isinstance(i, str))
    for dup in sorted(i for i, n in counts.items() if n > 1):
        yield Violation(
            R.ORDER_PRODUCT_IDS,
            f"{path}.products",
            "unique product ids",
            f"id {dup!r} on {counts[dup]} products",
        )
    for f_path, fulfillment in _objects(txn.get("fulfillments"), f"{path}.fulfillments"):
        refs = fulfillment.get("productIds")
        for index, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and ref not in counts:
                yield Violation(
                    R.ORDER_FULFILLMENT_IDS,
                    f"{f_path}.productIds[{index}]",
                    f"one of the order's product ids {sorted(counts)!r}",
                    shown(ref),
                )


def subscription_follows_the_card(txn: Any, path: str) -> Iterator[Violation]:
    if not isinstance(txn, dict) or txn.get("type") != "SUBSCRIPTION":
        return
    missing = _missing(txn, ("subscriptionId", "status"))
    if missing:
        yield Violation(R.SUB_FIELDS, path, "subscriptionId, status", "no " + ", ".join(missing))
    status = txn.get("status")
    if isinstance(status, str) and status and status not in SUBSCRIPTION_STATUSES:
        near = next((s for s in SUBSCRIPTION_STATUSES if s.lower() == status.strip().lower()), None)
        yield Violation(
            R.SUB_STATUS,
            f"{path}.status",
            repr(near) if near else "one of " + ", ".join(SUBSCRIPTION_STATUSES),
            shown(status),
        )
    unit, number = txn.get("billingIntervalUnit"), txn.get("billingIntervalNumber")
    if (unit is None) != (number is None):
        present, absent = ("billingIntervalUnit", "billingIntervalNumber")[
            :: 1 if number is None else -1
        ]
        yield Violation(
            R.SUB_INTERVAL, path, f"{absent} together with {present}", f"only {present}"
        )
    if isinstance(unit, str) and unit not in SUBSCRIPTION_INTERVAL_UNITS:
        yield Violation(
            R.SUB_INTERVAL,
            f"{path}.billingIntervalUnit",
            "one of " + ", ".join(SUBSCRIPTION_INTERVAL_UNITS),
            shown(unit),
        )
    for key in ("billingIntervalNumber", "quantity"):
        value = txn.get(key)
        if isinstance(value, str) and not is_integer_string(value):
            yield Violation(
                R.SUB_INTEGERS,
                f"{path}.{key}",
                'a string holding an integer, e.g. "4"',
                shown(value),
            )


TRANSACTION_CHECKS: tuple[TransactionCheck, ...] = (
    transaction_has_known_type,
    transaction_fields_have_documented_shapes,
    order_has_sidekick_fields,
    order_status_follows_definitions,
    order_total_matches_currency,
    order_product_ids_resolve,
    subscription_follows_the_card,
)
