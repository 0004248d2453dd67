"""The rule catalogue: every rule has a failing and a passing literal example.

Each case states the rule's severities per profile literally (core, agent, sidekick: E, W, I or
- for not judged), so a change to the catalogue's severities shows up here as a failing test.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from contracts import rules as R
from contracts.actions import action_form_is_well_formed, submit_answer_is_documented
from contracts.checks import evaluate, judge, results_are_stable
from contracts.exchange import Exchange
from contracts.probes import must_accept, must_refuse_as_client_error
from contracts.rules import CATALOGUE, PROFILES, RULES, Violation
from contracts.spec import load_examples
from tests.helpers import (
    ATTACK_CASES,
    ATTACK_RULES,
    AUTO_LINK,
    BASIC_PROFILE,
    DETAILED,
    ORDER,
    PROFILE,
    SEARCH,
    SUBSCRIPTION,
    Case,
    Run,
    levels_of,
    reject,
)
from tests.truth_cases import TRUTH_CASES, TRUTH_RULES


def profile(**changes: Any) -> dict[str, Any]:
    """PROFILE with top-level changes; a value of None removes the key."""
    out = copy.deepcopy(PROFILE)
    for key, value in changes.items():
        out.pop(key, None) if value is None else out.__setitem__(key, value)
    return out


def with_txn(txn: dict[str, Any]) -> dict[str, Any]:
    return profile(transactions=[txn])


def order(edit: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """A copy of ORDER changed in place by ``edit``, in a detailed response."""
    txn = copy.deepcopy(ORDER)
    edit(txn)
    return with_txn(txn)


def sub(**changes: Any) -> dict[str, Any]:
    txn = {k: v for k, v in {**SUBSCRIPTION, **changes}.items() if v is not None}
    return with_txn(txn)


def lookup(
    result: Any = None, *, request: Any = DETAILED, results: Any = None, **fields: Any
) -> Run:
    body = {
        "results": results if results is not None else [result if result is not None else PROFILE]
    }
    return lambda p: evaluate(Exchange(body, request=request, **fields), p)


def raw(body: Any, **fields: Any) -> Run:
    return lambda p: evaluate(Exchange(body, request=DETAILED, **fields), p)


def stable(second: list[Any]) -> Run:
    first = Exchange({"results": [PROFILE]}, request=DETAILED)
    return lambda p: judge(
        results_are_stable(first, Exchange({"results": second}, request=DETAILED)), p
    )


FORM = load_examples()["action-form"]["value"]


def form(edit: Callable[[dict[str, Any]], Any]) -> Run:
    value = copy.deepcopy(FORM)
    edit(value)
    return lambda p: judge(action_form_is_well_formed(value), p)


def accept(rule: Any, status: int) -> Run:
    return lambda p: judge(must_accept(rule, status, "a reordered body"), p)


def refuse(status: int | None) -> Run:
    return lambda p: judge(must_refuse_as_client_error(status, "malformed JSON"), p)


def submit(status: int, body: Any) -> Run:
    return lambda p: judge(submit_answer_is_documented(status, body), p)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d.__setitem__(key, value)


def _del(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d.pop(key)


def _fulfil(key: str, value: Any = None) -> Callable[[dict[str, Any]], Any]:
    def edit(txn: dict[str, Any]) -> None:
        target = txn["fulfillments"][0]
        target.pop(key) if value is None else target.__setitem__(key, value)

    return edit


def _ship(key: str, value: Any = None) -> Callable[[dict[str, Any]], Any]:
    def edit(txn: dict[str, Any]) -> None:
        target = txn["fulfillments"][0]["shippingAddress"]
        target.pop(key) if value is None else target.__setitem__(key, value)

    return edit


def _product(key: str, value: Any = None) -> Callable[[dict[str, Any]], Any]:
    def edit(txn: dict[str, Any]) -> None:
        target = txn["products"][0]
        target.pop(key) if value is None else target.__setitem__(key, value)

    return edit


CASES = [
    Case("envelope.http-status", "EEE", lookup(status=404), lookup(status=200)),
    Case(
        "envelope.content-type",
        "WWW",
        lookup(headers={"Content-Type": "text/html"}),
        lookup(headers={"content-type": "application/json; charset=utf-8"}),
    ),
    Case("envelope.latency-slow", "WWW", lookup(elapsed=6.0), lookup(elapsed=4.9)),
    Case("envelope.latency-timeout", "EEE", lookup(elapsed=15.5), lookup(elapsed=6.0)),
    Case("envelope.json-object", "EEE", raw([PROFILE]), lookup()),
    Case("envelope.results-array", "EEE", raw({"results": None}), raw({"results": []})),
    Case("profile.object", "EEE", lookup(results=["c1"]), lookup()),
    Case("profile.external-id", "EEE", lookup(profile(externalCustomerId=12345)), lookup()),
    Case("profile.field-types", "EEE", lookup(profile(emails="ana@example.com")), lookup()),
    Case(
        "profile.custom-attributes-flat",
        "EEE",
        lookup(profile(customAttributes={"tier": {"level": 1}})),
        lookup(profile(customAttributes={"tier": ""})),
    ),
    Case(
        "profile.custom-attributes-strings",
        "WWW",
        lookup(profile(customAttributes={"points": 12})),
        lookup(profile(customAttributes={"points": "12"})),
    ),
    Case(
        "profile.email-format",
        "WWE",
        lookup(profile(emails=[{"original": "ana at example"}])),
        lookup(),
    ),
    Case(
        "profile.phone-e164",
        "WWW",
        lookup(profile(phones=[{"original": "(415) 555-0123", "type": "MOBILE"}])),
        lookup(),
    ),
    Case(
        "profile.phone-type",
        "WWW",
        lookup(profile(phones=[{"original": "+14155550123", "type": "CELL"}])),
        lookup(profile(phones=[{"original": "+14155550123", "type": "mobile"}])),
    ),
    Case("profile.unknown-field", "III", lookup(profile(email="ana@example.com")), lookup()),
    Case(
        "profile.basic-no-transactions",
        "IWW",
        lookup(request=SEARCH),
        lookup(BASIC_PROFILE, request=SEARCH),
    ),
    Case("detailed.single-result", "EEE", lookup(results=[PROFILE, PROFILE]), lookup()),
    Case("detailed.echoes-id", "EEE", lookup(profile(externalCustomerId="c2")), lookup()),
    Case(
        "auto-link.single-result",
        "WWW",
        lookup(request=AUTO_LINK, results=[BASIC_PROFILE, BASIC_PROFILE]),
        lookup(BASIC_PROFILE, request=AUTO_LINK),
    ),
    Case(
        "auto-link.contact-match",
        "WWE",
        lookup(dict(BASIC_PROFILE, emails=[{"original": "other@example.com"}]), request=AUTO_LINK),
        lookup(dict(BASIC_PROFILE, emails=[{"original": " ANA@example.com "}]), request=AUTO_LINK),
    ),
    Case(
        "basic-search.results-match",
        "EEE",
        lookup(dict(BASIC_PROFILE, emails=[{"original": "bob@example.com"}]), request=SEARCH),
        lookup(BASIC_PROFILE, request=SEARCH),
    ),
    Case(
        "lookup.stable-results",
        "EEE",
        stable([profile(externalCustomerId="c9")]),
        stable([PROFILE]),
    ),
    Case(
        "transaction.type-known",
        "EEE",
        lookup(with_txn({"type": "order"})),
        lookup(with_txn({"type": "GENERIC"})),
    ),
    Case(
        "transaction.flat",
        "EEE",
        lookup(with_txn({"type": "FLIGHT", "legs": [{"origin": "SEA"}]})),
        lookup(with_txn({"type": "FLIGHT", "legs": "2"})),
    ),
    Case("transaction.reserved-types", "WEE", lookup(order(_set("itemCount", "2"))), lookup()),
    Case(
        "transaction.string-values",
        "IWW",
        lookup(with_txn({"type": "GENERIC", "points": 5})),
        lookup(with_txn({"type": "GENERIC", "points": "5"})),
    ),
    Case(
        "transaction.iso-dates",
        "IWE",
        lookup(order(_set("createdAt", "01/08/2020"))),
        lookup(order(_set("createdAt", "2020-08-01T12:00:00.000+02:00"))),
    ),
    Case(
        "transaction.absolute-urls",
        "WEE",
        lookup(order(_set("customerOrderUrl", "/orders/1001"))),
        lookup(),
    ),
    Case(
        "transaction.https-images",
        "-WE",
        lookup(order(_product("imageUrl", "http://img.example.com/1.jpg"))),
        lookup(),
    ),
    Case(
        "transaction.actions-allowed",
        "WWW",
        lookup(with_txn({"type": "FLIGHT", "actions": [{"name": "Rebook", "formUrl": "/rebook"}]})),
        lookup(),
    ),
    Case("order.required-fields", "-WE", lookup(order(_del("orderNumber"))), lookup()),
    Case(
        "order.status-definition",
        "-WW",
        lookup(order(_set("orderStatus", "Shipped"))),
        lookup(order(_set("orderStatus", "Canceled"))),
    ),
    Case("order.total-symbol", "-WE", lookup(order(_set("orderTotal", "50.00"))), lookup()),
    Case(
        "order.total-currency",
        "WEE",
        lookup(order(_set("currencyCode", "EUR"))),
        lookup(order(lambda o: o.update(currencyCode="EUR", orderTotal="50,00 €"))),
    ),
    Case("order.currency-code", "WWW", lookup(order(_set("currencyCode", "usd"))), lookup()),
    Case("order.unique-product-ids", "WEE", lookup(order(_product("id", "p2"))), lookup()),
    Case(
        "order.fulfillment-products-resolve",
        "WEE",
        lookup(order(_fulfil("productIds", ["p1", "p7"]))),
        lookup(),
    ),
    Case("product.required-fields", "-WE", lookup(order(_product("sku"))), lookup()),
    Case("fulfillment.tracking-fields", "-WE", lookup(order(_fulfil("trackingNumber"))), lookup()),
    Case("fulfillment.sidekick-fields", "--E", lookup(order(_fulfil("carrier"))), lookup()),
    Case("fulfillment.known-keys", "-II", lookup(order(_fulfil("weight", "2 kg"))), lookup()),
    Case("address.sidekick-fields", "--E", lookup(order(_ship("zip"))), lookup()),
    Case("address.phone-e164", "-WW", lookup(order(_ship("phone", "555-0100"))), lookup()),
    Case("subscription.required-fields", "WEE", lookup(sub(subscriptionId=None)), lookup(sub())),
    Case(
        "subscription.status-enum",
        "-EE",
        lookup(sub(status="active")),
        lookup(sub(status="Non-Renewing")),
    ),
    Case(
        "subscription.billing-interval",
        "-EE",
        lookup(sub(billingIntervalNumber=None)),
        lookup(sub(billingIntervalUnit="quarter")),
    ),
    Case(
        "subscription.integer-strings",
        "-EE",
        lookup(sub(quantity="five")),
        lookup(sub(quantity="12")),
    ),
    Case("action.shape", "EEE", lookup(profile(actions=[{"name": "Add note"}])), lookup()),
    Case(
        "action-form.shape",
        "EEE",
        form(
            lambda f: f["sections"].append(
                {"type": "input", "attr": "sample-text", "input": {"type": "text"}}
            )
        ),
        form(lambda f: None),
    ),
    Case(
        "action-submit.shape",
        "EEE",
        submit(200, {"ok": True}),
        submit(400, {"errors": [{"attr": "x", "detail": "y"}]}),
    ),
    Case("robustness.no-server-error", "EEE", lookup(status=502), lookup(status=200)),
    Case("robustness.rejects-invalid", "EEE", refuse(200), refuse(400)),
    Case(
        "envelope.complete-answer",
        "EEE",
        lambda p: judge([Violation(R.COMPLETE_ANSWER, "", "an answer", "reset")], p),
        lambda p: judge([], p),
    ),
    Case(
        "envelope.response-schema",
        "EEE",
        lambda p: judge([Violation(R.RESPONSE_SCHEMA, "", "a valid body", "results: null")], p),
        lambda p: judge([], p),
    ),
    Case(
        "lookup.finds-known-customer",
        "WEE",
        lambda p: judge([Violation(R.FINDS_KNOWN, "", "1 result", "0")], p),
        lambda p: judge([], p),
    ),
    Case(
        "robustness.refuses-unsent-shapes",
        "III",
        lambda p: judge([Violation(R.ACCEPTS_ONLY_VALID, "", "a 4xx", "HTTP 200")], p),
        lambda p: judge([], p),
    ),
    Case(
        "security.rejects-unsigned",
        "EEE",
        reject(R.REJECTS_UNSIGNED, 200),
        reject(R.REJECTS_UNSIGNED, 401),
    ),
    Case(
        "security.rejects-wrong-key",
        "EEE",
        reject(R.REJECTS_WRONG_KEY, 200),
        reject(R.REJECTS_WRONG_KEY, 403),
    ),
    Case(
        "security.rejects-tampered-body",
        "EEE",
        reject(R.REJECTS_TAMPERED, 200),
        reject(R.REJECTS_TAMPERED, 401),
    ),
    Case(
        "security.rejects-other-headers",
        "EEE",
        reject(R.REJECTS_OTHER_HEADERS, 404),
        reject(R.REJECTS_OTHER_HEADERS, 401),
    ),
    Case("security.stale-time", "WWW", reject(R.STALE_TIME, 200), reject(R.STALE_TIME, 401)),
    Case("security.basic-auth", "EEE", reject(R.BASIC_AUTH, 200), reject(R.BASIC_AUTH, 401)),
    Case(
        "security.accepts-gladly-variants",
        "EEE",
        accept(R.ACCEPTS_VARIANTS, 401),
        accept(R.ACCEPTS_VARIANTS, 200),
    ),
    Case(
        "security.error-leak",
        "EEE",
        lookup(text='Traceback (most recent call last):\n  File "/app/adapter.py", line 12'),
        lookup(text='{"results": []}'),
    ),
]


ALL_CASES = CASES + ATTACK_CASES + TRUTH_CASES


def test_every_rule_has_a_case():
    assert not {c.rule for c in CASES} & set(ATTACK_RULES + TRUTH_RULES)
    assert sorted(c.rule for c in ALL_CASES) == sorted(RULES)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.rule)
def test_rule_fails_on_its_bad_example_with_the_stated_severities(case):
    assert levels_of(case.bad, case.rule) == case.levels


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.rule)
def test_rule_passes_on_its_good_example(case):
    assert levels_of(case.good, case.rule) == "---"


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.rule)
def test_catalogue_states_the_same_severities(case):
    assert RULES[case.rule].levels == case.levels


def test_reference_profile_is_clean_in_every_profile():
    for p in PROFILES:
        assert evaluate(Exchange({"results": [PROFILE]}, request=DETAILED), p) == []


def test_severity_never_drops_from_one_profile_to_the_next():
    rank = {"-": 0, "I": 1, "W": 2, "E": 3}
    for rule in CATALOGUE:
        ranks = [rank[c] for c in rule.levels]
        assert ranks == sorted(ranks), f"{rule.id} {rule.levels}"


def test_rules_have_ids_titles_and_hints():
    for rule in CATALOGUE:
        assert rule.id == rule.id.lower()
        assert "." in rule.id
        assert rule.title
        assert rule.hint
        assert len(rule.levels) == 3


def test_severity_rejects_unknown_profiles():
    with pytest.raises(ValueError, match="profile='gold'"):
        CATALOGUE[0].severity("gold")  # type: ignore[arg-type]
