"""A seeded store of 38 customers or more has one whose orders span pages (60, where Shopify and
BigCommerce list 50 a page), and of 39 or more one who never ordered: verify --oms picks both,
the conforming adapter shows the first's most recent orders without a gap, and an adapter that
reads the first page of an oldest-first listing is caught under truth.orders-complete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts.verify.engine import VerifyOptions, run
from mockserver.oms import Store
from tests.helpers import ADMIN_TOKEN, REF, serving, set_mutant
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
