"""Security probes: unsigned, wrongly keyed, tampered and stale requests must be refused,
every signed variant Gladly may send must be accepted, and no refusal may leak anything."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import rules as R
from contracts.attacks import near_misses, oracle_values
from contracts.checks import response_leaks_nothing
from contracts.gladly import gladly_json, gladly_request, target_of
from contracts.probes import must_accept, must_reject, reveals
from contracts.rules import Violation
from contracts.signing import basic_auth_headers
from contracts.verify.transport import Received, Sent
from contracts.verify.verifier import Endpoint, Verifier, detailed_request

__all__ = ["security"]


def security(v: Verifier, customer_id: str) -> None:
    """Every refusal probe on the lookup URL, then on each action URL the scenarios learned."""
    url, request = v.options.url, detailed_request(customer_id)
    if v.out_of_time():
        return
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
        near_miss_probes(v, R.REJECTS_NEAR_MISS, "POST", url, request)
        replay(v, request)
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
        basic_probes(v, R.BASIC_AUTH, "POST", url, request)
    for endpoint in v.endpoints:
        if v.out_of_time():
            return
        if endpoint.method == "POST" and v.options.no_submit:
            continue  # an unguarded submit would act: a read-only run sends none
        endpoint_probes(v, endpoint)


def endpoint_probes(v: Verifier, endpoint: Endpoint) -> None:
    """An action URL must refuse what the lookup URL refuses (under its own rule)."""
    rule, method, url, body = R.ACTIONS_GUARDED, endpoint.method, endpoint.url, endpoint.body
    where = f"{endpoint.name} ({method} {target_of(url)})"
    if v.options.signing_key:
        probe_rejected(
            v, rule, f"an unsigned request to {where}", *v.send(method, url, body, key=False)
        )
        probe_rejected(
            v,
            rule,
            f"a request with another key to {where}",
            *v.send(method, url, body, key="lookupkit-wrong-key-0"),
        )
        if method == "POST":
            sent, received = signed_then_changed(v, body, body=True, url=url)
            probe_rejected(v, rule, f"a body changed after signing to {where}", sent, received)
        else:  # a GET has no body: its query is what an attacker changes
            signed, _ = v.send(method, url, key=True)
            changed = url + ("&" if "?" in url else "?") + "lookupkit-tampered=1"
            tampered = Sent(method, changed, signed.headers, signed.body)
            what = f"a query changed after signing to {where}"
            probe_rejected(v, rule, what, tampered, v.send_as_is(tampered))
        near_miss_probes(v, rule, method, url, body, where=f" to {where}")
    if v.options.basic_auth:
        basic_probes(v, rule, method, url, body, where=f" to {where}")


def near_miss_probes(
    v: Verifier, rule: R.Rule, method: str, url: str, body: Any, *, where: str = ""
) -> None:
    assert v.options.signing_key is not None
    creds = (*v.options.basic_auth, "") if v.options.basic_auth else None
    for miss in near_misses(
        v.options.signing_key,
        method,
        url,
        body,
        basic_auth=creds,
        custom=v.options.headers,
        query_form=v.query_form(url),
    ):
        if v.out_of_time():
            return
        sent = Sent(method, url, miss.headers, miss.body, miss.repeated)
        received = v.send_as_is(sent)
        if miss.must_refuse:
            probe_rejected(v, rule, miss.what + where, sent, received)
        elif received.status is not None and received.status >= 500:
            v.record(
                f"security: {miss.what}{where}",
                [Violation(R.SERVER_ERROR, "", "200, 401 or 403", f"HTTP {received.status}")],
                sent,
                received,
            )


def replay(v: Verifier, request: dict[str, Any]) -> None:
    """A genuine request, then its headers again over another body: the second must be refused."""
    sent, received = v.send("POST", v.options.url, request)
    if received.status != 200:
        return  # nothing was accepted, so nothing can be replayed
    other = request | {"query": request["query"] | {"name": "Replayed Request"}}
    replayed = Sent("POST", v.options.url, sent.headers, gladly_json(other))
    probe_rejected(
        v,
        R.REJECTS_REPLAY,
        "a signature seen before, sent again over another body",
        replayed,
        v.send_as_is(replayed),
    )


def basic_probes(
    v: Verifier, rule: R.Rule, method: str, url: str, body: Any, *, where: str = ""
) -> None:
    assert v.options.basic_auth is not None
    user, password = v.options.basic_auth
    probe_rejected(
        v,
        rule,
        f"a request without Basic credentials{where}",
        *v.send(method, url, body, basic=False),
    )
    for what, (u, p) in (
        ("the right user and a wrong password", (user, "lookupkit-wrong-password")),
        ("a wrong user and the right password", ("lookupkit-wrong-user", password)),
        ("the right user and an empty password", (user, "")),
    ):
        sent, received = v.send(method, url, body, basic=False, headers=_authorization(u, p))
        probe_rejected(v, rule, f"Basic credentials with {what}{where}", sent, received)


def probe_rejected(v: Verifier, rule: R.Rule, what: str, sent: Sent, received: Received) -> None:
    violations = v.transport_violations(received) or list(
        must_reject(rule, received.status or 0, what)
    )
    violations += response_leaks_nothing(v.exchange(None, received))
    if v.options.signing_key and received.status is not None:
        secrets = oracle_values(
            v.options.signing_key, sent.method, target_of(sent.url), sent.headers, sent.body
        )
        violations += reveals(secrets, received.body, received.headers, what)
    v.record(f"security: rejects {what}", violations, sent, received)


def signed_then_changed(
    v: Verifier, request: Any, *, body: bool, url: str | None = None
) -> tuple[Sent, Received]:
    """A genuine signed POST, then changed: its body (a space added) or a signed header's value."""
    url = url or v.options.url
    data, headers = gladly_request(
        "POST",
        url,
        request,
        key=v.options.signing_key,
        custom=v.options.headers,
        query_form=v.query_form(url),
    )
    if v.options.basic_auth:
        headers |= _authorization(*v.options.basic_auth)
    if body:
        data = data[:1] + b" " + data[1:]
    else:
        headers["X-B3-Traceid"] = "0" * 32
    sent = Sent("POST", url, headers, data)
    return sent, v.send_as_is(sent)


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
    lowered = {name.lower(): value for name, value in headers.items()}
    sent = Sent("POST", url, lowered, data)
    yield "lower-case header names", (sent, v.send_as_is(sent))


def _authorization(user: str, password: str) -> dict[str, str]:
    """Only the Authorization header of a Basic pair, for probes that set it by hand."""
    return {"Authorization": basic_auth_headers(user, password)["Authorization"]}
