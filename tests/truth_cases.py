"""Literal cases for the truth rules (``contracts.truth``): one OMS record, an answer that is
true to it, and for each rule an answer that breaks it; ``test_rules`` runs them with the rest
of the catalogue, and ``test_truth`` checks the parsing they rest on."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from contracts.checks import judge
from contracts.truth import (
    OmsCustomer,
    OmsOrder,
    answers_under_faults,
    check_answer,
    shows_action,
    shows_change,
    silent_failure,
)
from tests.helpers import Case

__all__ = ["ANSWER", "CUSTOMER", "SHIPPED", "TRUTH_CASES", "TRUTH_RULES"]


def _order(number: int, created: str, **extra: Any) -> OmsOrder:
    fields: dict[str, Any] = {
        "numbers": {"shopify": (f"#{number}", str(number)), "magento": (f"{number:09d}",)},
        "created_at": created,
        "total": "12900.00",
        "currency": "JPY",
        "quantity": 3,
        "tracking": ("1Z999",),
        "skus": ("MUG-1", "HOOD-2"),
        "statuses": ("complete",),
        "state": "fully fulfilled",
    } | extra
    return OmsOrder(**fields)


CUSTOMER = OmsCustomer(
    emails=("ana@example.com",),
    phones=("+819036363405",),
    orders=(
        _order(
            1003, "2026-11-20T10:00:00+09:00", statuses=("pending",), state="partially fulfilled"
        ),
        _order(1002, "2026-11-10T10:00:00+09:00"),
        _order(1001, "2026-11-01T10:00:00+09:00"),
    ),
)


CANCELLED = _order(1003, "2026-11-20T10:00:00+09:00", statuses=("canceled",), state="cancelled")
SHIPPED = _order(1003, "2026-11-20T10:00:00+09:00", tracking=("1Z999", "1Z777"))
AFTER_CANCEL = OmsCustomer(
    emails=CUSTOMER.emails,
    phones=CUSTOMER.phones,
    orders=(CANCELLED, *CUSTOMER.orders[1:]),
)


def _txn(number: str, created: str, status: str = "complete") -> dict[str, Any]:
    return {
        "type": "ORDER",
        "orderNumber": number,
        "createdAt": created,
        "orderStatus": status,
        "orderTotal": "¥12,900",
        "currencyCode": "JPY",
        "itemCount": 3,
        "products": [{"id": "1", "sku": "MUG-1"}, {"id": "2", "sku": "HOOD-2"}],
        "fulfillments": [{"productIds": ["1"], "trackingNumber": "1Z999"}],
    }


ANSWER: dict[str, Any] = {
    "externalCustomerId": "7100000000000",
    "emails": [{"original": "Ana@Example.com"}],
    "phones": [{"original": "+81 90 3636 3405", "type": "MOBILE"}],
    "transactions": [
        # other notations of the same facts: UTC for +09:00, the bare number for the name
        _txn("#1003", "2026-11-20T01:00:00Z", "Pending"),
        _txn("1002", "2026-11-10T10:00:00+09:00"),
    ],
}


def _with(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    answer = copy.deepcopy(ANSWER)
    change(answer)
    return answer


def _first(key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda a: a["transactions"][0].__setitem__(key, value)


def _truth(answer: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda p: judge(check_answer(CUSTOMER, answer), p)


TRUTH_CASES = [
    Case("truth.own-orders", "EEE", _truth(_with(_first("orderNumber", "#2001"))), _truth(ANSWER)),
    Case(
        "truth.orders-complete",
        "EEE",
        _truth(_with(lambda a: a["transactions"].pop(0))),  # the newest order is missing
        _truth(_with(lambda a: a["transactions"].pop(1))),  # only the newest: no gap
    ),
    Case(
        "truth.created-at",
        "EEE",
        _truth(_with(_first("createdAt", "2026-11-20T10:00:00Z"))),  # local time labelled UTC
        _truth(_with(_first("createdAt", "2026-11-20T02:00:00+01:00"))),
    ),
    Case(
        "truth.order-total",
        "EEE",
        _truth(_with(_first("orderTotal", "$12,900"))),
        _truth(_with(_first("orderTotal", "12.900 JPY"))),
    ),
    Case(
        "truth.item-count",
        "WEE",
        _truth(_with(_first("itemCount", 2))),  # the number of lines, not of items
        _truth(ANSWER),
    ),
    Case(
        "truth.tracking-numbers",
        "WEE",
        _truth(_with(_first("fulfillments", []))),
        _truth(ANSWER),
    ),
    Case(
        "truth.skus",
        "WEE",
        _truth(_with(_first("products", [{"id": "1", "sku": "MUG-1"}]))),
        _truth(ANSWER),
    ),
    Case(
        "truth.order-status",
        "EEE",
        _truth(_with(_first("orderStatus", "complete"))),  # partially fulfilled shown complete
        _truth(_with(_first("orderStatus", "PENDING"))),
    ),
    Case(
        "truth.contacts",
        "EEE",
        _truth(_with(lambda a: a.__setitem__("phones", [{"original": "+14155550100"}]))),
        _truth(_with(lambda a: a.__setitem__("phones", []))),
    ),
    Case(
        "truth.silent-failure",
        "EEE",
        lambda p: judge(silent_failure(CUSTOMER, 200, {"results": []}), p),
        lambda p: judge(silent_failure(CUSTOMER, 503, {"error": "OMS unavailable"}), p),
    ),
    Case(
        "truth.fresh",
        "WEE",
        lambda p: judge(shows_change(CANCELLED, ANSWER, 60, 60), p),  # still pending
        lambda p: judge(
            shows_change(CANCELLED, _with(_first("orderStatus", "Canceled")), 2, 60), p
        ),
    ),
    Case(
        "truth.action-effect",
        "WEE",
        lambda p: judge(shows_action(AFTER_CANCEL, ANSWER), p),  # the cached, pending order
        lambda p: judge(shows_action(AFTER_CANCEL, _with(_first("orderStatus", "canceled"))), p),
    ),
    Case(
        "truth.answers-under-faults",
        "WWW",
        lambda p: judge(answers_under_faults(429, 503), p),
        lambda p: judge(answers_under_faults(429, 200), p),
    ),
]
TRUTH_RULES = tuple(case.rule for case in TRUTH_CASES)
