"""Truth checks: an adapter's detailed answer against the OMS record it was built from.

Only a kit that plays both sides can say whether an answer is *true*, not just well-formed. The
OMS record is platform-neutral (``OmsCustomer``, ``OmsOrder``; the fake OMS serves it at
``/_mock/truth``), and every check is stated so that any correct mapping passes: an order
number may be any of the order's identifiers on the platform, a time any notation of the same
instant, an amount any formatting of the same number with a symbol of the order's currency.

Each check is a pure function over (OMS record, adapter profile) yielding Violations of the
``truth.*`` rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contracts import rules as R
from contracts.formats import CURRENCY_SYMBOLS, currency_symbol_of
from contracts.rules import Violation, shown

__all__ = [
    "PLATFORMS",
    "OmsCustomer",
    "OmsOrder",
    "amount_of",
    "answers_under_faults",
    "check_answer",
    "shows_action",
    "shows_change",
    "silent_failure",
]

PLATFORMS = ("shopify", "bigcommerce", "magento")
_NUMBER = re.compile(r"[0-9][0-9.,'\s\u00a0\u202f]*")


@dataclass(frozen=True)
class OmsOrder:
    """One order as the OMS holds it."""

    numbers: Mapping[str, tuple[str, ...]]  # platform -> identifiers an adapter may show
    created_at: str  # ISO-8601 with an offset
    total: str  # the amount, e.g. "12900.00"
    currency: str  # ISO-4217
    quantity: int  # the sum of the line items' quantities
    tracking: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("pending",)  # Gladly orderStatus values consistent with it
    state: str = ""  # the OMS state in words, for messages

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OmsOrder:
        return cls(
            numbers={k: tuple(str(n) for n in v) for k, v in data["numbers"].items()},
            created_at=str(data["createdAt"]),
            total=str(data["total"]),
            currency=str(data["currency"]),
            quantity=int(data["quantity"]),
            tracking=tuple(data.get("trackingNumbers") or ()),
            skus=tuple(data.get("skus") or ()),
            statuses=tuple(data.get("statuses") or ("pending",)),
            state=str(data.get("state") or ""),
        )

    def shown_as(self, platform: str | None) -> tuple[str, ...]:
        if platform:
            return self.numbers.get(platform, ())
        return tuple(n for numbers in self.numbers.values() for n in numbers)

    def label(self, platform: str | None = None) -> str:
        first = next(iter(self.shown_as(platform) or self.shown_as(None)), "?")
        return f"OMS order {first}"

    def record(self) -> str:
        """The OMS record as findings show it, beside the adapter's answer."""
        return json.dumps(
            {
                "numbers": {k: list(v) for k, v in self.numbers.items()},
                "createdAt": self.created_at,
                "total": f"{self.total} {self.currency}",
                "quantity": self.quantity,
                "trackingNumbers": list(self.tracking),
                "skus": list(self.skus),
                "state": self.state,
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class OmsCustomer:
    """A customer as the OMS holds it, with every order, newest first."""

    emails: tuple[str, ...]
    phones: tuple[str, ...] = ()
    orders: tuple[OmsOrder, ...] = field(default=())

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OmsCustomer:
        customer = data["customer"]
        return cls(
            emails=tuple(customer.get("emails") or ()),
            phones=tuple(customer.get("phones") or ()),
            orders=tuple(OmsOrder.from_json(o) for o in data.get("orders") or ()),
        )


def amount_of(text: str) -> Decimal | None:
    """The number in a formatted amount: "$1,234.50", "1.234,50 €", "¥12,900", "CHF 5'000"."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    digits = re.sub(r"[\s\u00a0\u202f']", "", match.group()).rstrip(".,")
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 in (1, 2):  # a decimal separator
        whole, fraction = digits[:last], digits[last + 1 :]
        digits = re.sub(r"[.,]", "", whole) + "." + fraction
    else:  # separators of thousands only
        digits = re.sub(r"[.,]", "", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _instant(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _orders(profile: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, t)
        for i, t in enumerate(profile.get("transactions") or [])
        if isinstance(t, dict) and t.get("type") == "ORDER"
    ]


def check_answer(
    oms: OmsCustomer, profile: Mapping[str, Any], platform: str | None = None
) -> Iterator[Violation]:
    """Every truth rule over one detailed answer's profile for the customer ``oms``."""
    yield from _contacts(oms, profile)
    by_number = {n: o for o in oms.orders for n in o.shown_as(platform)}
    displayed: list[OmsOrder] = []
    for index, txn in _orders(profile):
        path = f"results[0].transactions[{index}]"
        number = str(txn.get("orderNumber", ""))
        order = by_number.get(number)
        if order is None:
            yield Violation(
                R.TRUTH_OWN_ORDERS,
                f"{path}.orderNumber",
                "an order of this customer in the OMS "
                f"(their numbers: {', '.join(sorted(by_number)[:12]) or 'none'})",
                shown(number),
            )
            continue
        displayed.append(order)
        yield from _order(order, txn, path)
    yield from _complete(oms, displayed)


def _complete(oms: OmsCustomer, displayed: list[OmsOrder]) -> Iterator[Violation]:
    """The orders shown are all of the customer's, or the most recent ones without a gap."""
    if not oms.orders:
        return
    wanted = oms.orders[: len(displayed)] if displayed else oms.orders[:1]
    missing = [o for o in wanted if o not in displayed]
    if missing:
        first = missing[0]
        yield Violation(
            R.TRUTH_COMPLETE,
            "results[0].transactions",
            f"the customer's {len(wanted)} most recent order(s), with {first.label()} "
            f"({first.created_at}); OMS record: {first.record()}",
            f"{len(displayed)} of {len(oms.orders)} order(s); {len(missing)} more recent one(s) "
            "not shown",
        )


def _order(order: OmsOrder, txn: Mapping[str, Any], path: str) -> Iterator[Violation]:
    record = f"; OMS record: {order.record()}"
    expected_at, created = _instant(order.created_at), _instant(txn.get("createdAt"))
    if created is None or created != expected_at:
        yield Violation(
            R.TRUTH_CREATED_AT,
            f"{path}.createdAt",
            f"the instant {order.created_at} (any offset){record}",
            shown(txn.get("createdAt")),
        )
    total = txn.get("orderTotal")
    text = total if isinstance(total, str) else ""
    symbols = (*CURRENCY_SYMBOLS.get(order.currency, ()), order.currency)
    symbol = currency_symbol_of(text).strip()
    amount_ok = amount_of(text) == Decimal(order.total)
    symbol_ok = order.currency not in CURRENCY_SYMBOLS or any(s in symbol for s in symbols)
    if not (amount_ok and symbol_ok):
        yield Violation(
            R.TRUTH_TOTAL,
            f"{path}.orderTotal",
            f"{order.total} with a symbol of {order.currency} ({', '.join(symbols)}){record}",
            shown(total),
        )
    if txn.get("itemCount") != order.quantity:
        yield Violation(
            R.TRUTH_ITEM_COUNT,
            f"{path}.itemCount",
            f"{order.quantity} (the sum of the line items' quantities){record}",
            shown(txn.get("itemCount")),
        )
    shown_tracking = {
        str(f.get("trackingNumber"))
        for f in txn.get("fulfillments") or []
        if isinstance(f, dict) and f.get("trackingNumber")
    }
    missing = [t for t in order.tracking if t not in shown_tracking]
    if missing:
        yield Violation(
            R.TRUTH_TRACKING,
            f"{path}.fulfillments",
            f"every tracking number of the order ({', '.join(order.tracking)}){record}",
            f"missing {', '.join(missing)}",
        )
    skus = {str(p.get("sku")) for p in txn.get("products") or [] if isinstance(p, dict)}
    absent = [s for s in order.skus if s not in skus]
    if absent:
        yield Violation(
            R.TRUTH_SKUS,
            f"{path}.products",
            f"every product SKU of the order ({', '.join(order.skus)}){record}",
            f"missing {', '.join(absent)}",
        )
    status = txn.get("orderStatus")
    if not isinstance(status, str) or status.strip().lower() not in order.statuses:
        yield Violation(
            R.TRUTH_STATUS,
            f"{path}.orderStatus",
            f"{' or '.join(order.statuses)} (the OMS order is {order.state}){record}",
            shown(status),
        )


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _contacts(oms: OmsCustomer, profile: Mapping[str, Any]) -> Iterator[Violation]:
    emails = {
        str(e.get("original", "")).strip().lower()
        for e in profile.get("emails") or []
        if isinstance(e, dict)
    }
    wanted = {e.strip().lower() for e in oms.emails}
    if wanted and not wanted & emails:
        yield Violation(
            R.TRUTH_CONTACTS,
            "results[0].emails",
            f"the customer's email ({', '.join(sorted(wanted))})",
            shown(sorted(emails)),
        )
    elif not wanted and emails - {""}:  # a customer with only a phone: any email is someone else's
        yield Violation(
            R.TRUTH_CONTACTS,
            "results[0].emails",
            "no email (the customer has none in the OMS, only a phone)",
            shown(sorted(emails)),
        )
    phones = [
        str(p.get("original", "")) for p in profile.get("phones") or [] if isinstance(p, dict)
    ]
    for i, phone in enumerate(phones):
        if _digits(phone) not in {_digits(p) for p in oms.phones}:
            yield Violation(
                R.TRUTH_CONTACTS,
                f"results[0].phones[{i}]",
                f"one of the customer's phones ({', '.join(oms.phones) or 'none'})",
                shown(phone),
            )


def silent_failure(oms: OmsCustomer, status: int | None, response: Any) -> Iterator[Violation]:
    """A customer with orders shown as missing, or with no orders, is a wrong answer (Sidekick
    tells the customer they have no order); an honest error status is not."""
    if status != 200 or not isinstance(response, dict):
        return
    results = response.get("results")
    if not isinstance(results, list):
        return
    if not results:
        yield Violation(
            R.TRUTH_SILENT_FAILURE,
            "results",
            "the customer (the OMS has them), or an error status",
            "no results",
        )
    elif oms.orders and isinstance(results[0], dict) and not _orders(results[0]):
        yield Violation(
            R.TRUTH_SILENT_FAILURE,
            "results[0].transactions",
            f"their {len(oms.orders)} order(s), or an error status",
            "no orders",
        )


def answers_under_faults(fault: int, status: int | None) -> Iterator[Violation]:
    """A short burst of 429s (``fault``) is for the adapter to retry within its budget: it
    should still answer 200. Other faults may end in an honest error status."""
    if fault == 429 and status != 200:
        yield Violation(
            R.TRUTH_UNDER_FAULTS, "", "HTTP 200 after retrying the 429s", f"HTTP {status}"
        )


def beyond_the_orders_shown(order: OmsOrder, profile: Any) -> bool:
    """Whether ``order`` is older than every order the answer shows: an adapter that shows a
    customer's most recent orders only (``truth.orders-complete`` allows it) cannot show a
    change to an older one, so that change says nothing about how fresh its answers are."""
    txns = _orders(profile) if isinstance(profile, Mapping) else []
    created = _instant(order.created_at)
    times = [_instant(t.get("createdAt")) for _, t in txns]
    return bool(times) and created is not None and all(t is not None and t > created for t in times)


def shows_change(
    order: OmsOrder, profile: Any, waited: float, limit: float, platform: str | None = None
) -> Iterator[Violation]:
    """After the OMS changed ``order`` (its record now: cancelled, shipped, or newly placed),
    the adapter's answer shows the change: the order is there, with an ``orderStatus`` its new
    state allows and every tracking number it has. ``waited`` is how long the answers were
    watched, ``limit`` the staleness allowed."""
    numbers = set(order.shown_as(platform))
    txns = _orders(profile) if isinstance(profile, Mapping) else []
    shown_txns = [t for _, t in txns if str(t.get("orderNumber", "")) in numbers]
    txn = shown_txns[0] if shown_txns else {}
    status = str(txn.get("orderStatus", "")).strip().lower()
    tracking = {
        str(f.get("trackingNumber"))
        for f in txn.get("fulfillments") or []
        if isinstance(f, dict) and f.get("trackingNumber")
    }
    missing = [t for t in order.tracking if t not in tracking]
    if not txn or status not in order.statuses or missing:
        with_tracking = f" with tracking {', '.join(order.tracking)}" if order.tracking else ""
        if not txn:
            seen = "not shown"
        elif status not in order.statuses:
            seen = f"still {status or 'without a status'}"
        else:
            seen = f"without tracking {', '.join(missing)}"
        yield Violation(
            R.TRUTH_FRESH,
            "results[0].transactions",
            f"{order.label(platform)} {' or '.join(order.statuses)}{with_tracking} within {limit:g} s "
            f"(the OMS order is {order.state} now); OMS record: {order.record()}",
            f"{seen} after {waited:.0f} s",
        )


def shows_action(
    oms: OmsCustomer, profile: Mapping[str, Any], platform: str | None = None
) -> Iterator[Violation]:
    """The answer right after an action the adapter said it did, against the OMS as the action
    left it: every truth check, under ``truth.action-effect`` (a cached answer shows the old
    state)."""
    for wrong in check_answer(oms, profile, platform):
        title = f"After the action: {wrong.rule.title[0].lower()}{wrong.rule.title[1:]}"
        yield Violation(R.TRUTH_ACTION_EFFECT, wrong.path, wrong.expected, wrong.received, title)
