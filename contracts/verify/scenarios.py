"""The Gladly scenarios: reachability, auto-link and search for the known customers, detailed
lookups (twice, for stability), each offered action, and the OpenAPI document's examples."""

from __future__ import annotations

from contracts import rules as R
from contracts.actions import (
    action_form_is_well_formed,
    actions_of,
    submit_answer_is_documented,
    values_from,
)
from contracts.checks import LOOKUP_CHECKS, results_are_stable
from contracts.exchange import Exchange
from contracts.gladly import resolve_url
from contracts.probes import foreign_origin
from contracts.rules import Violation
from contracts.verify import forms, grounded
from contracts.verify.options import Unreachable
from contracts.verify.verifier import (
    GLADLY_ID,
    UNKNOWN_ID,
    Endpoint,
    Verifier,
    detailed_request,
)

__all__ = ["detailed", "documented_examples", "known_customers", "reachability"]


def reachability(v: Verifier) -> str:
    """The first request; returns a diagnosis when the adapter refuses it outright, else ""."""
    request = detailed_request(UNKNOWN_ID)
    sent, received = v.send("POST", v.options.url, request)
    if received.status is None:
        raise Unreachable(f"{v.options.url} did not answer: {received.error}")
    v.record(
        "reachability: detailed lookup of an unknown id",
        v.transport_violations(received)
        + [found for check in LOOKUP_CHECKS for found in check(v.exchange(request, received))],
        sent,
        received,
    )
    if received.status in (401, 403):
        if not v.options.signing_key and not v.options.basic_auth:
            return (
                f"the adapter refuses requests without credentials (HTTP {received.status}): "
                "pass --signing-key (or GLADLY_SIGNING_KEY) and, if configured, --basic-auth"
            )
        return (
            f"the adapter refuses our signed request (HTTP {received.status}): check the signing "
            "key, --basic-auth and the URL (a proxy or a path that is not the adapter?)"
        )
    return ""


def known_customers(v: Verifier) -> list[str]:
    """Auto-link and search for each named customer; returns the externalCustomerIds found."""
    found: list[str] = []
    for field_name, value in v.options.known:
        if field_name == "externalCustomerId":
            found.append(value)
            continue
        if field_name in ("email", "phone"):
            key = field_name + "s"
            request = {
                "lookupLevel": "BASIC",
                "query": {key: [value], "id": GLADLY_ID, "name": "Known Customer"},
                "uniqueMatchRequired": False,
            }
            scenario = f"auto-link by {field_name} {value}"
            exchange, _ = v.lookup(scenario, request)
            found += found_ids(v, scenario, exchange, f"{field_name} {value}")
        for attribute in v.options.search_attributes:
            if attribute.rstrip("s") != field_name.rstrip("s") and attribute != field_name:
                continue
            request = {
                "lookupLevel": "BASIC",
                "query": {attribute: value},
                "uniqueMatchRequired": False,
            }
            scenario = f"basic search on {attribute}={value}"
            exchange, _ = v.lookup(scenario, request)
            found += found_ids(v, scenario, exchange, f"{attribute}={value}")
    return list(dict.fromkeys(found))


def found_ids(v: Verifier, scenario: str, exchange: Exchange | None, what: str) -> list[str]:
    results = (
        exchange.response.get("results")
        if exchange and isinstance(exchange.response, dict)
        else None
    )
    ids = [
        str(r["externalCustomerId"])
        for r in results or []
        if isinstance(r, dict) and r.get("externalCustomerId")
    ]
    if exchange is not None and exchange.status == 200 and not ids:
        v.record(
            scenario,
            [Violation(R.FINDS_KNOWN, "results", f"the customer with {what}", "no results")],
        )
    return ids


def detailed(v: Verifier, customer_id: str) -> Exchange | None:
    """Look the customer up twice (the answers must agree), then try its actions."""
    scenario = f"detailed lookup of {customer_id}"
    first, _ = v.lookup(scenario, detailed_request(customer_id))
    if first is None or first.status != 200:
        return None
    second, _ = v.lookup(scenario, detailed_request(customer_id))
    if second is not None:
        v.record(scenario, results_are_stable(first, second))
    actions(v, customer_id, first)
    return first


def actions(v: Verifier, customer_id: str, exchange: Exchange) -> None:
    """Fetch each distinct action's form (signed GET) and submit it once with values from the form;
    then the same form with values it cannot produce, and a form URL for nothing that exists."""
    seen: set[str] = set()
    for action in actions_of(exchange.response):
        name, form_url = action.get("name"), action.get("formUrl")
        if not isinstance(form_url, str) or name in seen or v.out_of_time():
            continue
        seen.add(str(name))
        scenario = f"action {name!r}"
        url = resolve_url(v.options.url, form_url)
        if not v.record(scenario, foreign_origin(v.options.url, url, "formUrl")):
            continue  # never sign or send Gladly's credentials to another origin
        sent, received = v.send("GET", url)
        form = received.json
        if (
            not v.record(
                scenario,
                v.transport_violations(received) + list(action_form_is_well_formed(form)),
                sent,
                received,
            )
            or received.status != 200
        ):
            continue
        v.endpoints.append(Endpoint(f"the form of {scenario}", "GET", url))
        forms.unknown_target(v, scenario, url)
        values = values_from(form)
        submit_url = resolve_url(v.options.url, form["actionUrl"])
        if not v.record(scenario, foreign_origin(v.options.url, submit_url, "actionUrl")):
            continue
        v.endpoints.append(Endpoint(f"the submit of {scenario}", "POST", submit_url, values))
        if v.options.no_submit:
            v.skip("action submits, and the probes of submit URLs (--no-submit)")
            continue
        sent, received = v.send("POST", submit_url, values)
        violations = v.transport_violations(received) or list(
            submit_answer_is_documented(received.status or 0, received.json)
        )
        v.record(scenario, violations, sent, received)
        if received.status == 200:
            refresh = f"{scenario}: detailed lookup after the action"
            request = detailed_request(customer_id)
            sent, received = v.send("POST", v.options.url, request)
            after, _ = v.judged(refresh, request, sent, received)
            if v.options.oms and after is not None:
                grounded.after_action(v, refresh, exchange, after, (sent, received))
        forms.hostile_submits(v, scenario, submit_url, form, values)


def documented_examples(v: Verifier) -> None:
    """The request examples of the OpenAPI document, sent as they are (Schemathesis' examples phase)."""
    from contracts.spec import load_spec

    operation = load_spec()["paths"]["/"]["post"]
    examples = operation["requestBody"]["content"]["application/json"].get("examples", {})
    for name, example in examples.items():
        if not v.out_of_time():
            v.lookup(f"documented example {name!r}", example["value"])
