"""``verify --oms``: the adapter's answers checked against the fake OMS it reads (``truth.*``).

The kit picks customers from the store when no ``--known`` is given, looks each one up as
Gladly would (auto-link by email, then DETAILED), and judges every detailed answer against the
OMS record (``/_mock/truth``) with ``contracts.truth``. With the OMS's admin token it also
injects OMS faults (a burst of 429s, then 5xx) and checks that no fault turns into a wrong
answer. Requests to the OMS carry no Gladly credential; only the fault API gets the admin token.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlsplit

from contracts import rules as R
from contracts.exchange import Exchange
from contracts.formats import contact_field
from contracts.probes import finds_customer
from contracts.truth import (
    OmsCustomer,
    OmsOrder,
    answers_under_faults,
    beyond_the_orders_shown,
    check_answer,
    shows_action,
    shows_change,
    silent_failure,
)
from contracts.verify.transport import Received, Sent, Transport
from contracts.verify.verifier import GLADLY_ID, Verifier, detailed_request

__all__ = [
    "after_action",
    "contacts",
    "fresh",
    "pick_customers",
    "truth",
    "under_faults",
]

ADMIN_HEADER = "Lookupkit-Admin-Token"
PICKED = 6
CANDIDATES = 40  # customers whose orders are read to find the kinds above
PAGE = 50  # orders in a page of Shopify's and BigCommerce's listings, by default
KINDS = (  # the customers pick_customers looks for, each a different one where the store has it
    "the most orders", "a name beyond ASCII", "a cancelled order", "a refunded order", "no orders",
    "only a phone",
)  # fmt: skip
BURST = 2  # 429s in a burst an adapter has the budget to retry
FAULTS: tuple[tuple[str, dict[str, Any]], ...] = (  # what the OMS does while a lookup runs
    ("a burst of two 429s", {"kind": "status", "status": 429, "times": BURST}),
    ("the OMS rate limiting throughout", {"kind": "status", "status": 429, "times": 100}),
    ("the OMS answering 503", {"kind": "status", "status": 503, "times": 100}),
    ("the OMS taking 10 s", {"kind": "latency", "delayMs": 10_000, "times": 100}),
    ("malformed OMS JSON", {"kind": "malformed", "times": 100}),
    ("the OMS resetting connections", {"kind": "reset", "times": 100}),
)


def _base(oms: str) -> str:
    parts = urlsplit(oms)
    return f"{parts.scheme}://{parts.netloc}"


def _get(transport: Transport, url: str) -> Received:
    return transport.send(Sent("GET", url, {"Accept": "application/json"}))


def _truth_url(oms: str, contact: str) -> str:
    return f"{_base(oms)}/_mock/truth?{contact_field(contact)}={quote(contact)}"


def pick_customers(
    oms: str, timeout: float = 10.0, platform: str = "shopify"
) -> list[tuple[str, str]]:
    """Up to PICKED customers of the store as (email, or phone when they have no email; why
    they were picked), as different as the store allows: the most orders, a name beyond ASCII,
    a cancelled order, a refunded order, no orders, only a phone (not on Magento, whose
    customers have no phone of their own to be found by)."""
    transport = Transport(timeout=timeout)
    try:
        received = _get(transport, f"{_base(oms)}/_mock/customers?limit=200")
        rows = received.json.get("customers") if isinstance(received.json, dict) else None
        if received.status != 200 or not isinstance(rows, list):
            return []
        rows = [r for r in rows if isinstance(r, dict) and (r.get("email") or r.get("phone"))]
        if platform == "magento":
            rows = [r for r in rows if r.get("email")]
        for row in rows:
            row["contact"] = str(row.get("email") or row["phone"])
        orders = {}
        for row in rows[:CANDIDATES]:
            record = _get(transport, _truth_url(oms, row["contact"])).json
            found = record.get("orders") or [] if isinstance(record, dict) else []
            orders[row["contact"]] = found
    finally:
        transport.close()

    def has(key: str, *values: str) -> Any:
        return lambda r: any(o.get(key) in values for o in orders.get(r["contact"], []))

    tests = (  # one per KINDS, in its order
        lambda r: True,  # the list comes most orders first
        lambda r: not str(r.get("name", "")).isascii(),
        has("state", "cancelled"),
        has("financialStatus", "refunded", "partially_refunded"),
        lambda r: not r.get("orders"),
        lambda r: not r.get("email"),
    )
    chosen: dict[str, str] = {}
    for why, kind in zip(KINDS, tests, strict=True):
        pool = rows if why != "no orders" else list(reversed(rows))
        found = next((r for r in pool if r["contact"] not in chosen and kind(r)), None)
        if found:
            count = int(found.get("orders") or 0)
            paged = ", more than a page" if count > PAGE else ""
            chosen[found["contact"]] = f"{why}{paged}: {count} order(s)"
    return list(chosen.items())[:PICKED]


def _record(v: Verifier, contact: str) -> OmsCustomer | None:
    received = _get(v.transport, _truth_url(v.options.oms or "", contact))
    if received.status != 200 or not isinstance(received.json, dict):
        v.skip(
            f"truth checks for {contact}: the OMS has no record of them (HTTP {received.status})"
        )
        return None
    try:
        return OmsCustomer.from_json(received.json)
    except (KeyError, TypeError, ValueError):
        v.skip(f"truth checks for {contact}: the OMS record could not be read")
        return None


def _linked_id(v: Verifier, contact: str) -> str:
    field = contact_field(contact)
    request = {
        "lookupLevel": "BASIC",
        "query": {field + "s": [contact], "id": GLADLY_ID, "name": "Truth Check"},
        "uniqueMatchRequired": False,
    }
    exchange, _ = v.lookup(f"truth: auto-link by {field} {contact}", request)
    results = (
        exchange.response.get("results")
        if exchange and isinstance(exchange.response, dict)
        else None
    )
    ids = [str(r.get("externalCustomerId")) for r in results or [] if isinstance(r, dict)]
    return ids[0] if len(ids) == 1 else ""


def _say_what_the_store_lacks(v: Verifier) -> None:
    """Customers picked from the store: name the kinds it had none of, so no one reads the
    verdict as covering them."""
    have = {why.split(":")[0].split(",")[0] for _, why in v.options.picked}
    missing = [kind for kind in KINDS if kind not in have]
    if v.options.picked and not any("more than a page" in why for _, why in v.options.picked):
        missing.append(f"orders across more than a page ({PAGE})")
    if v.options.picked and missing:
        v.skip("customers of these kinds: the store has none (" + "; ".join(missing) + ")")


def truth(v: Verifier) -> None:
    """Each known customer with an email (or only a phone): the detailed answer against the
    OMS record."""
    _say_what_the_store_lacks(v)
    for field, contact in v.options.known:
        if field not in ("email", "phone") or v.out_of_time():
            continue
        record = _record(v, contact)
        if record is None:
            continue
        scenario = f"truth: {contact} ({len(record.orders)} order(s) in the OMS)"
        customer_id = _linked_id(v, contact)
        if not customer_id:  # lookup.finds-known-customer judges that in the scenarios
            v.skip(f"truth checks for {contact}: auto-link by {field} found no single customer")
            continue
        sent, received = v.send("POST", v.options.url, detailed_request(customer_id))
        if received.status != 200 or not isinstance(received.json, dict):
            continue  # the envelope rules judge this answer in the scenarios
        results = received.json.get("results")
        if not isinstance(results, list) or not results or not isinstance(results[0], dict):
            v.record(
                scenario, silent_failure(record, received.status, received.json), sent, received
            )
            continue
        v.record(scenario, check_answer(record, results[0], v.options.platform), sent, received)


DECOY = "nobody-{}@lookupkit.invalid"  # an email no store has, sent before the customer's


def contacts(v: Verifier) -> None:
    """Gladly profiles hold several emails, or only a phone (an SMS conversation): auto-link
    with an unknown email before the customer's, and with only the phone the OMS has for them
    (which the adapter's own answer may leave out), must still find that customer
    (``auto-link.every-contact``). One customer with orders is enough."""
    for field, email in v.options.known:
        if field != "email" or v.out_of_time():
            continue
        record = _record(v, email)
        customer_id = _linked_id(v, email) if record is not None and record.orders else ""
        if not customer_id:
            continue
        tries = [
            ("several emails, an unknown one first", {"emails": [DECOY.format(customer_id), email]})
        ]
        if not record or not record.phones:
            v.skip(f"truth: a phone-only profile: {email} has no phone in the OMS")
        elif v.options.platform == "magento":
            v.skip(
                "truth: a phone-only profile on Magento (its customers have no phone of their own to search)"
            )
        else:
            tries.append((f"only the phone {record.phones[0]}", {"phones": [record.phones[0]]}))
        for how, query in tries:
            request = {
                "lookupLevel": "BASIC",
                "query": {"id": GLADLY_ID, "name": "Truth Check"} | query,
                "uniqueMatchRequired": False,
            }
            sent, received = v.send("POST", v.options.url, request)
            results = received.json.get("results") if isinstance(received.json, dict) else None
            scenario = f"truth: auto-link {email} by {how}"
            found = finds_customer(R.EVERY_CONTACT, customer_id, received.status, results, how)
            v.record(scenario, list(found) + v.transport_violations(received), sent, received)
        return
    v.skip(
        "truth: several emails and phone-only profiles: no picked customer with orders was found"
    )


def under_faults(v: Verifier) -> None:
    """OMS faults while looking up a customer with orders: a 429 burst it has the budget to
    retry must not make the adapter fail, and no fault may make it answer wrongly."""
    token = v.options.oms_admin_token
    emails = [e for f, e in v.options.known if f == "email"]
    if token and not v.options.oms_faults:
        v.skip("OMS faults while looking up (--no-oms-faults)")
    if not token or not emails or not v.options.oms_faults:
        return
    for email in emails:
        record = _record(v, email)
        if record is not None and record.orders:
            break
    else:
        return
    customer_id = _linked_id(v, email)
    if not customer_id:
        return
    for label, fault in FAULTS:
        if v.out_of_time():
            return
        _fault(v, token, fault)
        try:
            sent, received = v.send("POST", v.options.url, detailed_request(customer_id))
        finally:
            _fault(v, token, None)
        wrong = v.transport_violations(received)  # still an answer within Gladly's 15 s
        wrong += silent_failure(record, received.status, received.json)
        if fault["times"] == BURST:
            wrong = wrong or list(answers_under_faults(fault["status"], received.status))
        v.record(f"truth: {email} while {label}", wrong, sent, received)


def _fault(v: Verifier, token: str, fault: dict[str, Any] | None) -> None:
    base = _base(v.options.oms or "")
    path = "/_mock/faults" if fault else "/_mock/faults/clear"
    headers = {"Content-Type": "application/json", ADMIN_HEADER: token}
    body = json.dumps(fault or {}).encode()
    received = v.transport.send(Sent("POST", base + path, headers, body))
    if received.status not in (200, 201):
        v.skip(
            f"OMS faults: the fault API answered HTTP {received.status} (check --oms-admin-token)"
        )


POLL = 2.0  # seconds between the detailed lookups that watch for a change
FRESH_TRIES = 10  # customers tried for an order the OMS can change
CHANGES = (  # what the OMS does (its admin API's word), and how a scenario says it
    ("cancel", "cancelled"),
    ("fulfil", "shipped"),
    ("new-order", "placed"),
)


def fresh(v: Verifier) -> None:
    """Change the store through the OMS's admin API, as the platform would (cancel an open
    order, ship one with a tracking number, place a new one), and watch the adapter's detailed
    answers until each change shows, or the staleness limit."""
    token = v.options.oms_admin_token
    if not token:
        return
    emails, linked = _emails_to_change(v), {}
    for kind, done in CHANGES:
        if v.out_of_time():
            return
        for email in emails:
            if email not in linked:
                linked[email] = _linked_id(v, email)
            if linked[email] and _changed(v, token, email, linked[email], kind, done):
                break
        else:
            v.skip(
                f"freshness: no customer of the store had an order the OMS could have {done}"
                " among the orders the adapter shows"
            )


def _changed(v: Verifier, token: str, email: str, customer_id: str, kind: str, done: str) -> bool:
    """Make the change for this customer and watch for it; False when the OMS had nothing of
    theirs to change, or changed an order older than every one the adapter shows (an adapter
    that shows the most recent orders only cannot show it)."""
    headers = {"Content-Type": "application/json", ADMIN_HEADER: token}
    body = json.dumps({"email": email, "change": kind}).encode()
    base = _base(v.options.oms or "")
    changed = v.transport.send(Sent("POST", base + "/_mock/truth/change", headers, body))
    if changed.status != 200 or not isinstance(changed.json, dict):
        return False
    order, limit = OmsOrder.from_json(changed.json["order"]), v.options.max_staleness
    started = time.monotonic()
    while True:
        sent, received = v.send("POST", v.options.url, detailed_request(customer_id))
        results = received.json.get("results") if isinstance(received.json, dict) else None
        profile = results[0] if isinstance(results, list) and results else None
        waited = time.monotonic() - started
        if beyond_the_orders_shown(order, profile):  # older than the orders the adapter shows
            return False  # another customer's order, then
        late = list(shows_change(order, profile, waited, limit, v.options.platform))
        if not late or waited + POLL > limit:
            label = order.label(v.options.platform)
            v.record(f"truth: {email} after the OMS {done} {label}", late, sent, received)
            return True
        if v.out_of_time():  # not watched long enough to say it is stale
            v.skip("freshness: the time budget ended before --max-staleness")
            return True
        time.sleep(POLL)


def after_action(
    v: Verifier, scenario: str, before: Exchange, after: Exchange, evidence: tuple[Sent, Received]
) -> None:
    """The detailed answer right after an action the adapter said it did, against the OMS as
    the action left it: an adapter that serves its cached answer shows the old state."""
    results = before.response.get("results") if isinstance(before.response, dict) else None
    profile = results[0] if isinstance(results, list) and results else {}
    emails = [
        str(e.get("original"))
        for e in (profile.get("emails") or [] if isinstance(profile, dict) else [])
        if isinstance(e, dict) and e.get("original")
    ]
    record = _record(v, emails[0]) if emails else None
    answer = after.response.get("results") if isinstance(after.response, dict) else None
    if record is None or not isinstance(answer, list) or not answer:
        return
    wrong = shows_action(record, answer[0], v.options.platform)
    v.record(f"{scenario}, against the OMS", wrong, *evidence)


def _emails_to_change(v: Verifier) -> list[str]:
    """The known customers first, then the store's others (the scenarios' actions may have
    cancelled the known ones' open orders already)."""
    emails = [e for f, e in v.options.known if f == "email"]
    received = _get(v.transport, f"{_base(v.options.oms or '')}/_mock/customers?limit=50")
    rows = received.json.get("customers") if isinstance(received.json, dict) else None
    emails += [str(r["email"]) for r in rows or [] if isinstance(r, dict) and r.get("email")]
    return list(dict.fromkeys(emails))[:FRESH_TRIES]
