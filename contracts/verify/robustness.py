"""Robustness probes: malformed, empty, oversized and deeply nested bodies get a 4xx, never a
5xx or a hang; valid JSON under a wrong content type may be accepted or refused, never a 5xx."""

from __future__ import annotations

from contracts import rules as R
from contracts.checks import response_leaks_nothing
from contracts.gladly import gladly_json
from contracts.probes import must_refuse_as_client_error
from contracts.rules import Violation
from contracts.verify.verifier import UNKNOWN_ID, Verifier, detailed_request

__all__ = ["robustness"]


def robustness(v: Verifier) -> None:
    url = v.options.url
    valid = gladly_json(detailed_request(UNKNOWN_ID))
    probes = [
        ("malformed JSON", valid[:-7], None),
        ("an empty body", b"", None),
        (
            "an unknown lookupLevel",
            gladly_json({"lookupLevel": "SOMETIMES", "query": {}, "uniqueMatchRequired": False}),
            None,
        ),
        (
            "a query that is not an object",
            gladly_json({"lookupLevel": "BASIC", "query": "x", "uniqueMatchRequired": False}),
            None,
        ),
        ("a 2 MiB body", b'{"pad":"' + b"x" * (2 * 1024 * 1024) + b'"}', None),
        ("JSON nested 10,000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, None),
    ]
    for what, raw, _ in probes:
        if v.out_of_time():
            return
        sent, received = v.send("POST", url, raw=raw)
        violations = list(
            must_refuse_as_client_error(received.status, what, elapsed=received.elapsed)
        )
        if received.error and received.status is not None:
            violations += v.transport_violations(received)
        violations += response_leaks_nothing(v.exchange(None, received))
        v.record(f"robustness: refuses {what}", violations, sent, received)
    sent, received = v.send(
        "POST", url, detailed_request(UNKNOWN_ID), headers={"Content-Type": "text/plain"}
    )
    violations = v.transport_violations(received)
    if received.status is not None and received.status >= 500:
        violations.append(
            Violation(
                R.SERVER_ERROR,
                "",
                "200 or a 4xx",
                f"HTTP {received.status} to a text/plain body",
            )
        )
    v.record("robustness: valid JSON under a wrong content type", violations, sent, received)
