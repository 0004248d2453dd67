"""The rules of the attack probes and the learned scenarios: a failing and a passing literal
example each, judged by the same functions verify uses (``contracts.probes``)."""

from __future__ import annotations

import pytest

from contracts import rules as R
from contracts.checks import judge
from contracts.probes import (
    finds_customer,
    foreign_origin,
    form_target_refused,
    injection_leaks,
    query_form_found,
    returns_both,
    reveals,
    submit_is_robust,
    unknown_id_is_empty,
)
from contracts.rules import RULES
from tests.helpers import ATTACK_RULES, PROFILE, Case, levels_of, reject

SIG = b"5" * 64
ORACLE = ("lookupkit-secret-key", SIG.decode())
CASES = [
    Case(
        "actions.foreign-origin",
        "EEE",
        lambda p: judge(foreign_origin("http://a.test/", "http://b.test/actions/x", "formUrl"), p),
        lambda p: judge(
            foreign_origin("http://a.test/", "http://a.test:80/actions/x", "formUrl"), p
        ),
    ),
    Case(
        "security.rejects-near-miss",
        "EEE",
        reject(R.REJECTS_NEAR_MISS, 200),
        reject(R.REJECTS_NEAR_MISS, 401),
    ),
    Case(
        "security.rejects-replayed-signature",
        "EEE",
        reject(R.REJECTS_REPLAY, 200),
        reject(R.REJECTS_REPLAY, 403),
    ),
    Case(
        "security.no-signature-oracle",
        "EEE",
        lambda p: judge(reveals(ORACLE, b'{"expected": "' + SIG + b'"}', {}, "a probe"), p),
        lambda p: judge(reveals(ORACLE, b'{"error": "signature mismatch"}', {}, "a probe"), p),
    ),
    Case(
        "security.action-endpoints-signed",
        "EEE",
        reject(R.ACTIONS_GUARDED, 200),
        reject(R.ACTIONS_GUARDED, 401),
    ),
    Case(
        "security.search-injection",
        "EEE",
        lambda p: judge(injection_leaks("*", [PROFILE], "a search for '*'"), p),
        lambda p: judge(injection_leaks("ana@example.com", [PROFILE], "a search"), p),
    ),
    Case(
        "security.query-form",
        "III",
        lambda p: judge(query_form_found("documented", "/a?x=1", 200), p),
        lambda p: judge(query_form_found("path-with-query", "/a?x=1", 200), p),
    ),
    Case(
        "security.query-form-undocumented",
        "WWW",
        lambda p: judge(query_form_found("path-with-query", "/a?x=1", 200), p),
        lambda p: judge(query_form_found("documented", "/a?x=1", 200), p),
    ),
    Case(
        "auto-link.every-contact",
        "WWE",
        lambda p: judge(finds_customer(R.EVERY_CONTACT, "c1", 200, [], "by phone"), p),
        lambda p: judge(finds_customer(R.EVERY_CONTACT, "c1", 200, [PROFILE], "by phone"), p),
    ),
    Case(
        "auto-link.email-case-insensitive",
        "WWE",
        lambda p: judge(finds_customer(R.EMAIL_CASE, "c1", 200, [], "ANA@EXAMPLE.COM"), p),
        lambda p: judge(finds_customer(R.EMAIL_CASE, "c1", 200, [PROFILE], "ANA@EXAMPLE.COM"), p),
    ),
    Case(
        "auto-link.all-matches",
        "WWE",
        lambda p: judge(returns_both(("c1", "c2"), 200, [PROFILE]), p),
        lambda p: judge(
            returns_both(("c1", "c2"), 200, [PROFILE, dict(PROFILE, externalCustomerId="c2")]), p
        ),
    ),
    Case(
        "detailed.unknown-id",
        "EEE",
        lambda p: judge(unknown_id_is_empty("c9", 404, None), p),
        lambda p: judge(unknown_id_is_empty("c9", 200, []), p),
    ),
    Case(
        "action-submit.robust",
        "EEE",
        lambda p: judge(submit_is_robust(200, {"ok": True}, "a list for 'note'"), p),
        lambda p: judge(
            submit_is_robust(400, {"errors": [{"attr": "note", "detail": "x"}]}, "a list"), p
        ),
    ),
    Case(
        "action-form.unknown-target",
        "WWW",
        lambda p: judge(form_target_refused(200, "/actions/x?order=nope"), p),
        lambda p: judge(form_target_refused(404, "/actions/x?order=nope"), p),
    ),
]


def test_these_are_the_attack_rules():
    assert sorted(c.rule for c in CASES) == sorted(ATTACK_RULES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_fails_on_its_bad_example_with_the_stated_severities(case):
    assert levels_of(case.bad, case.rule) == case.levels


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_passes_on_its_good_example(case):
    assert levels_of(case.good, case.rule) == "---"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_catalogue_states_the_same_severities(case):
    assert RULES[case.rule].levels == case.levels
