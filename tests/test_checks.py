"""The checks as functions: messages, hints, probes, secrets, kinds and hostile shapes."""

from __future__ import annotations

from typing import Any

from contracts import rules as R
from contracts.checks import evaluate, judge
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
