"""Security probes: unsigned, wrongly keyed, tampered and stale requests must be refused,
every signed variant Gladly may send must be accepted, and no refusal may leak anything."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import rules as R
from contracts.checks import response_leaks_nothing
from contracts.gladly import gladly_request
from contracts.probes import must_accept, must_reject
from contracts.signing import basic_auth_headers
from contracts.verify.transport import Received, Sent
from contracts.verify.verifier import Verifier, detailed_request

__all__ = ["security"]


def security(v: Verifier, customer_id: str) -> None:
    url, request = v.options.url, detailed_request(customer_id)
    if v.options.signing_key:
        probes: list[tuple[R.Rule, str, dict[str, Any]]] = [
            (R.REJECTS_UNSIGNED, "a request without Gladly-Authorization", {"key": False}),
            (
                R.REJECTS_WRONG_KEY,
                "a request signed with another key",
                {"key": "lookupkit-wrong-key-0"},
            ),
        ]
        for rule, what, how in probes:
            probe_rejected(v, rule, what, *v.send("POST", url, request, key=how["key"]))
        sent, received = signed_then_changed(v, request, body=True)
        probe_rejected(v, R.REJECTS_TAMPERED, "a body changed after signing", sent, received)
        sent, received = signed_then_changed(v, request, body=False)
        probe_rejected(
            v, R.REJECTS_OTHER_HEADERS, "a signature over other header values", sent, received
        )
        stale = datetime.now(UTC) - timedelta(hours=1)
        probe_rejected(
            v,
            R.STALE_TIME,
            "a Gladly-Time an hour old",
            *v.send("POST", url, request, time_=stale),
        )
        for what, sent_received in variants(v, request):
            sent, received = sent_received
            v.record(
                f"security: accepts {what}",
                v.transport_violations(received)
                or must_accept(R.ACCEPTS_VARIANTS, received.status or 0, what),
                sent,
                received,
            )
    if v.options.basic_auth:
        probe_rejected(
            v,
            R.BASIC_AUTH,
            "a request without Basic credentials",
            *v.send("POST", url, request, basic=False),
        )
        user = v.options.basic_auth[0]
        sent, received = v.send(
            "POST",
            url,
            request,
            basic=False,
            headers=_authorization(user, "lookupkit-wrong-password"),
        )
        probe_rejected(v, R.BASIC_AUTH, "a request with a wrong Basic password", sent, received)


def probe_rejected(v: Verifier, rule: R.Rule, what: str, sent: Sent, received: Received) -> None:
    violations = v.transport_violations(received) or list(
        must_reject(rule, received.status or 0, what)
    )
    violations += response_leaks_nothing(v.exchange(None, received))
    v.record(f"security: rejects {what}", violations, sent, received)


def signed_then_changed(
    v: Verifier, request: dict[str, Any], *, body: bool
) -> tuple[Sent, Received]:
    data, headers = gladly_request(
        "POST",
        v.options.url,
        request,
        key=v.options.signing_key,
        custom=v.options.headers,
    )
    if v.options.basic_auth:
        headers |= _authorization(*v.options.basic_auth)
    if body:
        data = data.replace(b'"DETAILED"', b'"DETAILED" ', 1)
    else:
        headers["X-B3-Traceid"] = "0" * 32
    sent = Sent("POST", v.options.url, headers, data)
    received = v.transport.send(sent)
    v.report.requests.append(sent)
    return sent, received


def variants(v: Verifier, request: dict[str, Any]) -> Iterable[tuple[str, tuple[Sent, Received]]]:
    url = v.options.url
    query = request["query"] | {
        "name": "Zoë <Ångström> & Söhne \u2028",
        "favoriteFood": "Crème brûlée",
    }
    yield (
        "escapes like \\u003c and non-ASCII text",
        v.send("POST", url, request | {"query": query}),
    )
    yield (
        "extra query attributes",
        v.send(
            "POST",
            url,
            request
            | {
                "query": request["query"]
                | {"customAttributes": {"tier": "gold"}, "loyaltyNumber": "12345"}
            },
        ),
    )
    reordered = json.dumps(
        {"uniqueMatchRequired": True, "query": request["query"], "lookupLevel": "DETAILED"},
        indent=2,
    ).encode()
    yield "reordered, pretty-printed keys", v.send("POST", url, raw=reordered)
    data, headers = gladly_request(
        "POST",
        url,
        request,
        key=v.options.signing_key,
        custom=v.options.headers,
        basic_auth=(*v.options.basic_auth, "") if v.options.basic_auth else None,
    )
    lowered = {k.lower(): v for k, v in headers.items()}
    sent = Sent("POST", url, lowered, data)
    v.report.requests.append(sent)
    yield "lower-case header names", (sent, v.transport.send(sent))


def _authorization(user: str, password: str) -> dict[str, str]:
    """Only the Authorization header of a Basic pair, for probes that set it by hand."""
    return {"Authorization": basic_auth_headers(user, password)["Authorization"]}
