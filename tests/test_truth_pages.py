"""A seeded store of 38 customers or more has one whose orders span pages (60, where Shopify and
BigCommerce list 50 a page), and of 39 or more one who never ordered: verify --oms picks both,
the conforming adapter shows the first's most recent orders without a gap, and an adapter that
reads the first page of an oldest-first listing is caught under truth.orders-complete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from contracts.verify.engine import VerifyOptions, run
from contracts.verify.report import as_json
from mockserver.oms import Store
from tests.helpers import ADMIN_TOKEN, REF, json_call, serving, set_mutant
from tests.helpers import VERIFY_KEY as KEY


def test_a_store_of_39_or_more_has_one_customer_across_pages_and_one_without_orders():
    for customers, deepest, empty in ((37, 4, 0), (38, 60, 0), (40, 60, 1)):
        store = Store()
        store.seed(7, customers=customers, reference=REF)
        counts = sorted((c["orders"] for c in store.known_customers(customers)), reverse=True)
        store.close()
        assert len(counts) == customers
        assert counts[0] == deepest, (customers, counts[:3])
        assert counts[1] <= 4  # one such customer, the others as before
        assert counts.count(0) == empty, (customers, counts[-3:])


@pytest.fixture(scope="module")
def deep(lookupkit: str) -> Iterator[dict[str, Any]]:
    args = ["all", "--port", "0", "--db", ":memory:", "--signing-key", KEY, "--no-rate-limit",
            "--customers", "40", "--reference-date", "2026-11-28", "--cache-ttl", "0",
            "--admin-token", ADMIN_TOKEN]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, _lines):
        yield {"oms": urls["oms"], "adapter": urls["adapter"] + "/", "admin": urls["oms"]}


def _verify(deep: dict[str, Any]) -> Any:
    options = VerifyOptions(
        deep["adapter"], signing_key=KEY, max_examples=0, seed=1, oms=deep["oms"],
        platform="shopify", no_submit=True,
    )  # fmt: skip
    return run(options, phases=("scenarios",))


def test_verify_picks_the_customer_whose_orders_span_pages_and_catches_the_first_page(deep):
    report = _verify(deep)
    email, why = report.options.picked[0]
    assert why == "the most orders, more than a page: 60 order(s)", report.options.picked
    assert "no orders: 0 order(s)" in dict(report.options.picked).values()
    assert not [s for s in report.skipped if "the store has none" in s], report.skipped
    wrong = [(o.finding.rule, o.finding.message[:200]) for o in report.observations
             if o.finding.rule.startswith("truth.")]  # fmt: skip
    assert wrong == []
    assert report.scenarios[f"truth: {email} (60 order(s) in the OMS)"] is True
    set_mutant(deep, "first-page-only")
    try:
        report = _verify(deep)
    finally:
        set_mutant(deep, None)
    caught = [o for o in report.observations if o.finding.rule == "truth.orders-complete"]
    assert caught, [o.finding.rule for o in report.observations]
    assert caught[0].scenario == f"truth: {email} (60 order(s) in the OMS)"


def test_a_store_of_40_or_more_has_one_customer_with_only_a_phone():
    for customers, phone_only in ((39, 0), (40, 1), (50, 1)):
        store = Store()
        store.seed(7, customers=customers, reference=REF)
        rows = store.known_customers(customers)
        store.close()
        without = [r for r in rows if not r["email"]]
        assert len(without) == phone_only, (customers, without)
        assert all(r["phone"].startswith("+") for r in without)
    smaller, larger = Store(), Store()  # no one else changes: the 39 are the same people
    smaller.seed(7, customers=39, reference=REF)
    larger.seed(7, customers=40, reference=REF)
    assert smaller.known_customers(39) == [r for r in larger.known_customers(40) if r["email"]]
    smaller.close()
    larger.close()


def test_the_truth_api_finds_a_customer_by_phone(deep):
    rows = json_call(deep["oms"] + "/_mock/customers?limit=100")[1]["customers"]
    (row,) = [r for r in rows if not r["email"]]
    status, record = json_call(deep["oms"] + "/_mock/truth?phone=" + quote(row["phone"]))
    assert status == 200
    assert record["customer"]["emails"] == []
    assert record["customer"]["phones"] == [row["phone"]]
    assert len(record["orders"]) == row["orders"] >= 1
    for query, field in (("email=ana", "email"), ("phone=12", "phone"), ("", "email")):
        status, body = json_call(deep["oms"] + "/_mock/truth?" + query)
        assert (status, body["field"]) == (400, field), body


def test_verify_picks_the_customer_with_only_a_phone_and_looks_them_up_by_it(deep, tmp_path):
    report = _verify(deep)
    phones = [(c, why) for c, why in report.options.picked if "@" not in c]
    assert len(phones) == 1, report.options.picked
    phone, why = phones[0]
    assert why.startswith("only a phone: "), why
    scenario = next(s for s in report.scenarios if s.startswith(f"truth: {phone} ("))
    assert report.scenarios[scenario] is True
    assert f"truth: auto-link by phone {phone}" in report.scenarios
    document = as_json(report)
    assert {"phone": phone, "why": why} in document["run"]["customersFromOms"]
    set_mutant(deep, "auto-link-ignores-phones")
    try:
        report = _verify(deep)
    finally:
        set_mutant(deep, None)
    caught = {
        o.finding.rule
        for o in report.observations
        if phone in o.scenario and o.finding.severity == "error"
    }
    assert caught, [(o.scenario, o.finding.rule) for o in report.observations]
