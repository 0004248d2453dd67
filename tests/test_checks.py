"""The checks as functions: messages, hints, probes, secrets, kinds and hostile shapes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from contracts import rules as R
from contracts.checks import evaluate, judge, response_leaks_nothing
from contracts.exchange import Exchange
from contracts.probes import must_accept, must_refuse_as_client_error, must_reject
from contracts.rules import PROFILES
from tests.helpers import AUTO_LINK, BASIC_PROFILE, DETAILED, PROFILE, SEARCH


def test_external_id_number_gets_the_strings_hint():
    findings = evaluate(Exchange({"results": [{"externalCustomerId": 7}]}), "core")
    assert findings[0].rule == "profile.external-id"
    assert "send ids as strings" in findings[0].message
    assert findings[0].path == "results[0].externalCustomerId"


def test_failure_message_has_expected_received_and_path():
    findings = evaluate(
        Exchange({"results": [dict(PROFILE, externalCustomerId="c2")]}, request=DETAILED), "core"
    )
    (finding,) = findings
    assert finding.message.splitlines()[:4] == [
        "Detailed lookup returned a different customer",
        "",
        "Expected: externalCustomerId == 'c1' (from the request)",
        "Received: externalCustomerId == 'c2'",
    ]
    assert finding.path == "results[0].externalCustomerId"


def test_probes_report_crashes_and_hangs_under_their_own_rules():
    assert [f.rule for f in judge(must_reject(R.REJECTS_UNSIGNED, 500, "x"), "core")] == [
        "robustness.no-server-error"
    ]
    assert [f.rule for f in judge(must_accept(R.ACCEPTS_VARIANTS, 502, "x"), "core")] == [
        "robustness.no-server-error"
    ]
    assert [f.rule for f in judge(must_refuse_as_client_error(None, "x"), "core")] == [
        "envelope.latency-timeout"
    ]
    assert [f.rule for f in judge(must_refuse_as_client_error(400, "x", elapsed=20), "core")] == [
        "envelope.latency-timeout"
    ]


def test_leaked_secret_is_reported_without_showing_it():
    findings = evaluate(
        Exchange({"results": []}, text='{"error": "bad key s3cr3t-key"}', secrets=("s3cr3t-key",)),
        "core",
    )
    assert [f.rule for f in findings] == ["security.error-leak"]
    assert "s3cr3t-key" not in findings[0].message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('Traceback (most recent call last):\n  File "app.py", line 3', "Traceback"),
        ("Error\n    at Object.<anonymous> (/app/index.js:10:5)", "/app/index.js:10:5"),
        ("\tat com.shop.Orders(Orders.java:12)", "Orders.java:12"),
        ("order FLORA-12345: ORA-00942: table or view does not exist", "ORA-00942"),
        ("SQLSTATE[42S02]: Base table not found", "SQLSTATE["),
        ("/srv/app/node_modules/express/lib/router.js", "node_modules/"),
    ],
)
def test_leaks_are_found_and_shown(text, shown):
    findings = evaluate(Exchange({"results": []}, text=text), "core")
    assert [f.rule for f in findings] == ["security.error-leak"]
    assert shown in findings[0].message


@pytest.mark.parametrize(
    "text",
    ["order FLORA-12345 shipped", "Format com.x(Y.java:1)", "arrives at 5 pm at the depot"],
)
def test_innocent_text_is_not_a_leak(text):
    assert evaluate(Exchange({"results": []}, text=text), "core") == []


def test_a_large_body_is_searched_for_leaks_quickly():
    """Every branch of the leak pattern starts with a literal, so the engine skips to candidates:
    scanning 256 KiB of '[' took 70 ms with a leading \\b, and about 3 ms without."""
    body = "[" * (256 * 1024)
    exchange = Exchange(None, text=body)
    started = time.perf_counter()
    for _ in range(10):
        list(response_leaks_nothing(exchange))
    assert (time.perf_counter() - started) / 10 < 0.03


def test_kind_is_inferred_from_request_and_response():
    assert Exchange({"results": []}, request=AUTO_LINK).kind == "auto-link"
    assert Exchange({"results": []}, request=SEARCH).kind == "basic-search"
    assert Exchange({"results": []}, request=DETAILED).kind == "detailed"
    assert Exchange({"results": [PROFILE]}).kind == "detailed"
    assert Exchange({"results": [BASIC_PROFILE]}).kind is None


def test_checks_survive_hostile_shapes():
    bodies: list[Any] = [
        None,
        1,
        "x",
        [],
        {"results": [None, 1, [], {"transactions": [None, {"type": 1}]}]},
        {
            "results": [
                {
                    "externalCustomerId": "a",
                    "emails": [None],
                    "phones": [1],
                    "transactions": [{"type": "ORDER", "products": [None], "fulfillments": "x"}],
                }
            ]
        },
    ]
    for body in bodies:
        for p in PROFILES:
            for request in (DETAILED, {"lookupLevel": 5, "query": []}):
                findings = evaluate(Exchange(body, request=request, status=200), p)
                assert any(f.severity == "error" for f in findings), (body, p)
