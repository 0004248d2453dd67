"""``verify --oms``: answers checked against the fake OMS the adapter reads. The conforming
reference adapter is clean; each truth mutant is caught under its own rule; the parsing the
rules rest on (amounts, instants) takes every notation of the same fact."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.formats import contact_field
from contracts.truth import (
    OmsCustomer,
    amount_of,
    beyond_the_orders_shown,
    check_answer,
    shows_change,
)
from contracts.verify.engine import VerifyOptions, run
from contracts.verify.grounded import pick_customers
from mockserver.mutants import MUTANTS
from tests.helpers import ADMIN, ADMIN_TOKEN, json_call, serving, set_mutant, verify
from tests.helpers import VERIFY_KEY as KEY
from tests.truth_cases import ANSWER, CUSTOMER, SHIPPED

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,234.50", "1234.50"),
        ("1.234,50 €", "1234.50"),
        ("¥12,900", "12900"),
        ("12.900 JPY", "12900"),
        ("CHF 5'000.05", "5000.05"),
        ("£7", "7"),
        ("US$ 0.5", "0.5"),
        ("free", None),
    ],
)
def test_amounts_in_any_notation(text, amount):
    assert amount_of(text) == (Decimal(amount) if amount else None)


def test_a_customer_with_only_a_phone_is_shown_with_no_email():
    phone_only = dataclasses.replace(CUSTOMER, emails=())
    answer = copy.deepcopy(ANSWER)
    assert [v.rule.id for v in check_answer(phone_only, answer)] == ["truth.contacts"]
    answer["emails"] = []
    assert list(check_answer(phone_only, answer)) == []


def test_a_change_to_an_order_older_than_every_one_shown_cannot_be_seen():
    """An adapter that shows the most recent orders only: a change to an older order says
    nothing about freshness; one to an order within or after those shown does."""
    oldest_shown = min(t["createdAt"] for t in ANSWER["transactions"])
    older = dataclasses.replace(SHIPPED, created_at="2020-01-01T00:00:00Z")
    assert beyond_the_orders_shown(older, ANSWER)
    assert not beyond_the_orders_shown(
        dataclasses.replace(SHIPPED, created_at=oldest_shown), ANSWER
    )
    assert not beyond_the_orders_shown(SHIPPED, ANSWER)  # the newest, shown or not
    assert not beyond_the_orders_shown(older, {"transactions": []})  # nothing shown: not seen


def test_a_shipped_order_shows_with_its_new_tracking_number():
    shown_complete = copy.deepcopy(ANSWER)
    shown_complete["transactions"][0]["orderStatus"] = "complete"
    late = list(shows_change(SHIPPED, shown_complete, 60, 60))
    assert [v.rule.id for v in late] == ["truth.fresh"]
    assert "1Z777" in late[0].expected
    assert "without tracking 1Z777" in late[0].received
    shown_complete["transactions"][0]["fulfillments"] = [
        {"trackingNumber": n} for n in SHIPPED.tracking
    ]
    assert list(shows_change(SHIPPED, shown_complete, 2, 60)) == []
    assert "not shown" in next(shows_change(SHIPPED, {"transactions": []}, 5, 60)).received


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def records(served: dict[str, Any]) -> list[tuple[str, OmsCustomer, dict[str, Any]]]:
    rows = get(served["oms"] + "/_mock/customers?limit=100")["customers"]
    out = []
    for row in rows:
        raw = get(served["oms"] + "/_mock/truth?email=" + urllib.parse.quote(row["email"]))
        out.append((row["email"], OmsCustomer.from_json(raw), raw))
    return out


def one_with(served: dict[str, Any], test: Any) -> str:
    found = [email for email, customer, raw in records(served) if test(customer, raw)]
    assert found, "the seeded store has no customer for this mutant"
    return found[0]


def truth_findings(
    served: dict[str, Any],
    *known: str,
    faults: bool = False,
    staleness: float = 60,
    submits: bool = True,
) -> Any:
    options = VerifyOptions(
        served["adapter"],
        signing_key=KEY,
        known=[("email", e) for e in known],
        max_examples=0,
        seed=1,
        oms=served["oms"],
        platform="shopify",
        oms_admin_token=ADMIN_TOKEN if faults else None,
        max_staleness=staleness,
        no_submit=not submits,  # a submitted action (a cancellation) changes the store
    )
    report = run(options, phases=("scenarios",))
    return report, {
        o.finding.rule for o in report.observations if o.finding.rule.startswith("truth.")
    }


def test_the_oms_record_is_every_order_newest_first(served):
    email, customer, raw = max(records(served), key=lambda r: len(r[1].orders))
    assert len(customer.orders) >= 3
    times = [o["createdAt"] for o in raw["orders"]]
    assert [o.created_at for o in customer.orders] == times
    from datetime import datetime

    instants = [datetime.fromisoformat(t) for t in times]
    assert instants == sorted(instants, reverse=True)
    assert customer.emails == (email,)


def test_the_conforming_adapter_is_true_to_the_store_even_under_oms_faults(served):
    report, found = truth_findings(served, faults=True)  # customers picked from the store
    assert found == set(), [
        o.finding.message for o in report.observations if o.finding.rule in found
    ]
    names = list(report.scenarios)
    assert sum(n.startswith("truth: ") and "order(s) in the OMS" in n for n in names) >= 2
    from contracts.verify.grounded import FAULTS

    for label, _ in FAULTS:  # each fault was injected, and the answer under it was judged
        assert any(n.endswith(f"while {label}") for n in names), (label, names)
    for done in ("cancelled", "shipped", "placed"):  # each change in the OMS, and it showed
        changed = [n for n in names if f"after the OMS {done}" in n]
        assert changed, (done, names, report.skipped)
        assert report.scenarios[changed[0]] is True
    after = [n for n in names if n.endswith("after the action, against the OMS")]
    assert after, names  # the scenarios' submits, and the refresh judged against the OMS
    assert all(report.scenarios[n] is True for n in after)


@pytest.mark.parametrize(
    ("mutant", "customer"),
    [
        ("first-page-only", lambda c, raw: len(c.orders) >= 3),
        ("local-time-as-utc", lambda c, raw: any(not o.created_at.endswith(("Z", "+00:00")) for o in c.orders)),
        ("partial-is-complete", lambda c, raw: any(o.state == "partially fulfilled" and o.tracking for o in c.orders)),
        ("shop-currency", lambda c, raw: any(o.currency != "USD" for o in c.orders)),
        ("swallows-oms-errors", lambda c, raw: bool(c.orders)),
        ("stale-cache", lambda c, raw: any(o.state in ("unfulfilled", "awaiting payment") for o in c.orders)),
        ("stale-after-action", lambda c, raw: any(o.state in ("unfulfilled", "awaiting payment") for o in c.orders)),
    ],
)  # fmt: skip
def test_each_truth_mutant_is_caught_under_its_rule(served, mutant, customer):
    email = one_with(served, customer)
    set_mutant(served, mutant)
    try:
        needs_admin = mutant in ("swallows-oms-errors", "stale-cache")
        submits = mutant == "stale-after-action"  # its defect shows after an action only
        report, found = truth_findings(
            served, email, faults=needs_admin, staleness=4, submits=submits
        )
    finally:
        set_mutant(served, None)
    assert MUTANTS[mutant].rule in found, (
        mutant,
        found,
        report.skipped,
        [
            o.finding.message[:400]
            for o in report.observations
            if o.finding.rule.startswith("truth")
        ],
        email,
    )


def test_several_emails_and_a_phone_only_profile_find_the_customer_from_the_oms(served):
    """The OMS knows the customer's phone: auto-link with only that phone, and with an unknown
    email before theirs, finds them; an adapter that searches the first email only is caught."""
    email = one_with(served, lambda c, raw: bool(c.orders) and bool(c.phones))
    report, _ = truth_findings(served, email, submits=False)
    tried = [n for n in report.scenarios if n.startswith(f"truth: auto-link {email} by ")]
    assert len(tried) == 2, (tried, report.skipped)  # several emails; only the phone
    assert all(report.scenarios[n] for n in tried), tried
    set_mutant(served, "first-email-only")
    try:
        report, _ = truth_findings(served, email, submits=False)
    finally:
        set_mutant(served, None)
    caught = [o for o in report.observations if o.finding.rule == "auto-link.every-contact"]
    assert [o.scenario for o in caught] == [
        f"truth: auto-link {email} by several emails, an unknown one first"
    ]


def test_every_truth_rule_has_a_mutant():
    rules = {m.rule for m in MUTANTS.values() if m.needs == "oms"}
    assert rules >= {
        "truth.orders-complete",
        "truth.created-at",
        "truth.order-status",
        "truth.order-total",
        "truth.silent-failure",
        "truth.fresh",
        "truth.action-effect",
    }


def test_verify_oms_on_the_command_line(lookupkit, served, tmp_path):
    report = tmp_path / "verify.json"
    result, _ = verify(
        lookupkit, served["adapter"], "--signing-key", KEY, "--oms", served["oms"],
        "--oms-admin-token", ADMIN_TOKEN, "--platform", "shopify", "--max-examples", "0",
        "--no-oms-faults", "--time-budget", "90", "--report", f"json:{report}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(report.read_text())
    assert not [f for f in document["findings"] if f["rule"].startswith("truth.")]
    truth = [s["name"] for s in document["run"]["scenarios"] if s["name"].startswith("truth: ")]
    assert truth, document["run"]["scenarios"]
    schema = Path(__file__).parent.parent / "contracts" / "spec" / "verify-report.schema.json"
    jsonschema.validate(document, json.loads(schema.read_text()))
    picked = document["run"]["customersFromOms"]  # which customers, and why each
    assert picked[0]["why"].startswith("the most orders: "), picked
    kinds = {"the most orders", "a name beyond ASCII", "a cancelled order", "a refunded order"}
    assert {p["why"].split(":")[0] for p in picked} <= kinds | {"no orders"}, picked
    assert len(picked) >= 3, picked
    lacks = "customers of these kinds: the store has none (no orders; only a phone; orders across more than a page (50))"
    assert (
        lacks in document["run"]["skipped"]
    )  # 30 customers: none without orders, paged or phone-only
    assert any(f"truth: {p['email']} (" in name for p in picked for name in truth)
    assert ADMIN_TOKEN not in result.stdout + result.stderr + report.read_text()


def test_a_bad_oms_url_is_one_line_and_exit_2(lookupkit):
    result = subprocess.run(
        [lookupkit, "verify", "http://127.0.0.1:1/", "--oms", "ftp://x"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--oms" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def change(served: dict[str, Any], email: str, kind: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        served["oms"] + "/_mock/truth/change",
        data=json.dumps({"email": email, "change": kind}).encode(),
        headers={"Content-Type": "application/json", **ADMIN},
        method="POST",
    )
    return json_call(request)


def test_the_oms_changes_a_customer_as_the_platform_would(served):
    email = one_with(
        served,
        lambda c, raw: sum(o.state in ("unfulfilled", "awaiting payment") for o in c.orders) >= 1,
    )
    before = OmsCustomer.from_json(
        get(served["oms"] + "/_mock/truth?email=" + urllib.parse.quote(email))
    )
    status, body = change(served, email, "fulfil")
    assert status == 200, body
    shipped = body["order"]
    assert shipped["state"] == "fully fulfilled"
    assert shipped["statuses"] == ["complete"]
    assert shipped["trackingNumbers"][-1].startswith("1Z")
    status, body = change(served, email, "new-order")
    assert status == 200, body
    placed = body["order"]
    after = get(served["oms"] + "/_mock/truth?email=" + urllib.parse.quote(email))
    assert len(after["orders"]) == len(before.orders) + 1
    assert after["orders"][0]["numbers"] == placed["numbers"]  # the newest, first
    assert placed["state"] == "unfulfilled"
    assert placed["trackingNumbers"] == []
    numbers = [o["numbers"]["shopify"][1] for o in after["orders"]]
    assert len(set(numbers)) == len(numbers)
    status, body = change(served, email, "cancel")
    assert status == 200, body
    assert body["order"]["numbers"] == placed["numbers"]  # the new one is the newest open order
    assert body["order"]["state"] == "cancelled"


@pytest.mark.parametrize(
    ("email", "kind", "status", "field"),
    [
        ("nobody@example.invalid", "cancel", 404, "email"),
        ("nobody@example.invalid", "new-order", 404, "email"),
        ("", "cancel", 400, "email"),
        ("ana@example.com", "refund", 400, "change"),
        ("ana@example.com", ["cancel"], 400, "change"),
    ],
)
def test_a_change_the_oms_cannot_make_is_a_clear_error(served, email, kind, status, field):
    got, body = change(served, email, kind)
    assert got == status, body
    assert body["field"] == field, body
    assert body["error"], body


# local-time-as-utc rewrites a time's offset as Z; BigCommerce and Magento give times in UTC,
# which the adapter passes on as they are, so on them it changes nothing to catch.
# stale-after-action needs the order actions, which the reference adapter has on Shopify only.
PLATFORM_MUTANTS = (
    "first-page-only", "partial-is-complete", "shop-currency", "swallows-oms-errors", "stale-cache",
)  # fmt: skip


@pytest.mark.parametrize("platform", ["bigcommerce", "magento"])
def test_the_reference_adapter_is_true_to_bigcommerce_and_magento_stores(lookupkit, platform):
    """The reference adapter reading the fake's BigCommerce or Magento API: the scenarios and
    the three changes pass, with the platform's own order numbers, and the truth mutants are
    caught under their rules there too, the swallowed OMS error and the stale cache included."""
    args = [
        "all", "--port", "0", "--db", ":memory:", "--signing-key", KEY, "--no-rate-limit",
        "--customers", "40", "--reference-date", "2026-11-28", "--cache-ttl", "0",
        "--admin-token", ADMIN_TOKEN, "--platform", platform,
    ]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, lines):
        for mutant in PLATFORM_MUTANTS:  # the store's customers, picked; nothing submitted
            set_mutant({"admin": urls["oms"]}, mutant)
            try:
                admin = mutant in ("swallows-oms-errors", "stale-cache")  # faults, changes
                picked = VerifyOptions(
                    urls["adapter"] + "/", signing_key=KEY, max_examples=0, seed=1,
                    oms=urls["oms"], platform=platform, no_submit=True,
                    oms_admin_token=ADMIN_TOKEN if admin else None, max_staleness=4,
                    oms_faults=mutant == "swallows-oms-errors",
                )  # fmt: skip
                found = {o.finding.rule for o in run(picked, phases=("scenarios",)).observations}
            finally:
                set_mutant({"admin": urls["oms"]}, None)
            assert MUTANTS[mutant].rule in found, (platform, mutant, found)
        assert any(platform in line.lower() for line in lines if line.startswith("Adapter")), lines
        someone = get(urls["oms"] + "/_mock/customers?limit=1")["customers"][0]
        searched = [("name", someone["name"])]  # Magento customers have no phone to search
        if platform == "bigcommerce":
            searched.append(("phone", someone["phone"]))
        options = VerifyOptions(
            urls["adapter"] + "/",
            signing_key=KEY,
            known=[
                (contact_field(contact), contact)
                for contact, _ in pick_customers(urls["oms"], platform=platform)
            ]
            + searched,
            search_attributes=("email", *(field for field, _ in searched)),
            max_examples=0,
            seed=1,
            oms=urls["oms"],
            platform=platform,
            oms_admin_token=ADMIN_TOKEN,  # for the three changes; faults are Shopify's test's
            oms_faults=False,
        )
        report = run(options, phases=("scenarios",))
    wrong = [
        (o.finding.rule, o.finding.message[:300])
        for o in report.observations
        if o.finding.severity in ("error", "warning")
    ]
    assert wrong == [], [
        o.finding.message for o in report.observations if o.finding.severity != "info"
    ]
    assert "OMS faults while looking up (--no-oms-faults)" in report.skipped  # said, not hidden
    names = list(report.scenarios)
    for field, value in searched:  # found by the search the platform's API offers
        assert report.scenarios[f"basic search on {field}={value}"] is True, names
    truths = [n for n in names if n.startswith("truth: ") and "order(s) in the OMS" in n]
    assert len(truths) >= 3, names
    for done in ("cancelled", "shipped", "placed"):
        changed = [n for n in names if f"after the OMS {done}" in n]
        assert changed, (done, names, report.skipped)
        assert report.scenarios[changed[0]] is True
        number = changed[0].rsplit(" ", 1)[-1]
        assert not number.startswith("#"), changed  # the platform's number, not Shopify's name
