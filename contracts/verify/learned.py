"""Scenarios built from what the adapter itself answered, and what an attacker would search for.

- Every email and every MOBILE phone of a known customer, each alone, must auto-link it (Gladly
  sends whichever the profile has).
- The same emails in other case and with spaces must still find it (Gladly compares trimmed,
  case-insensitively).
- A well-formed id that does not exist gets 200 with no result, never an error or someone else.
- Contacts of two customers in one auto-link must return both (Gladly then links neither).
- Quotes, wildcards and patterns in every search attribute and auto-link field match only
  themselves; anything else returned is another customer's data.
"""

from __future__ import annotations

from typing import Any

from contracts import rules as R
from contracts.attacks import INJECTION_VALUES, unicode_variants
from contracts.checks import LOOKUP_CHECKS, response_leaks_nothing
from contracts.exchange import Exchange
from contracts.probes import finds_customer, injection_leaks, returns_both, unknown_id_is_empty
from contracts.rules import Violation, shown
from contracts.verify.verifier import GLADLY_ID, Verifier, detailed_request

__all__ = ["contacts_of", "injection", "learned", "unknown_like"]


def contacts_of(profile: Any) -> tuple[list[str], list[str]]:
    """(emails, MOBILE phones) of a profile as the adapter sent them."""
    if not isinstance(profile, dict):
        return [], []
    emails = [
        str(e["original"])
        for e in profile.get("emails") or []
        if isinstance(e, dict) and e.get("original")
    ]
    mobiles = [
        str(p["original"])
        for p in profile.get("phones") or []
        if isinstance(p, dict) and p.get("original") and str(p.get("type", "")).upper() == "MOBILE"
    ]
    return emails, mobiles


def unknown_like(known: str) -> str:
    """An id shaped like ``known`` (same length and kind of characters) that is very likely unused;
    should it exist after all, the adapter echoing it is no finding."""
    tail = "4813" if known.isdigit() else "zqzq"
    if known[-4:] == tail:
        tail = "4814" if known.isdigit() else "zqzr"
    return known[:-4] + tail if len(known) > 4 else known + tail


def _auto_link(query: dict[str, Any]) -> dict[str, Any]:
    return {
        "lookupLevel": "BASIC",
        "query": {"id": GLADLY_ID, "name": "Learned Contact"} | query,
        "uniqueMatchRequired": False,
    }


def _results(exchange: Exchange | None) -> Any:
    body = exchange.response if exchange is not None else None
    return body.get("results") if isinstance(body, dict) else None


def _expect_found(
    v: Verifier, scenario: str, query: dict[str, Any], customer_id: str, rule: R.Rule
) -> None:
    exchange, _ = v.lookup(scenario, _auto_link(query))
    if exchange is not None:
        results = exchange.response.get("results") if isinstance(exchange.response, dict) else None
        v.record(scenario, finds_customer(rule, customer_id, exchange.status, results, scenario))


def learned(v: Verifier, answers: dict[str, Exchange]) -> None:
    """The scenarios above, from each known customer's detailed answer."""
    firsts: list[tuple[str, str]] = []
    for customer_id, exchange in answers.items():
        results = exchange.response.get("results") if isinstance(exchange.response, dict) else None
        profile = results[0] if isinstance(results, list) and results else None
        emails, mobiles = contacts_of(profile)
        for email in emails:
            if v.out_of_time():
                return
            _expect_found(
                v,
                f"auto-link by its email {email} alone",
                {"emails": [email]},
                customer_id,
                R.EVERY_CONTACT,
            )
            variant = f"  {email.upper()} "
            _expect_found(
                v,
                f"auto-link by {variant.strip()!r} with spaces",
                {"emails": [variant]},
                customer_id,
                R.EMAIL_CASE,
            )
        for phone in mobiles:
            if not v.out_of_time():
                _expect_found(
                    v,
                    f"auto-link by its MOBILE phone {phone} alone",
                    {"phones": [phone]},
                    customer_id,
                    R.EVERY_CONTACT,
                )
        if emails:
            firsts.append((customer_id, emails[0]))
        if not v.out_of_time():
            unknown(v, customer_id)
    if len({c for c, _ in firsts}) >= 2 and not v.out_of_time():
        (a, a_email), (b, b_email) = firsts[0], next(f for f in firsts if f[0] != firsts[0][0])
        scenario = f"auto-link with the emails of two customers ({a} and {b})"
        request = _auto_link({"emails": [a_email, b_email]})
        sent, received = v.send("POST", v.options.url, request)
        both = v.exchange(request, received)
        # Two results are right here: the single-result rule is for one customer's contacts.
        violations = v.transport_violations(received) + [
            found
            for check in LOOKUP_CHECKS
            for found in check(both)
            if found.rule is not R.AUTO_LINK_SINGLE
        ]
        violations += returns_both((a, b), received.status, _results(both))
        v.record(scenario, violations, sent, received)


def unknown(v: Verifier, known: str) -> None:
    candidate = unknown_like(known)
    scenario = f"detailed lookup of an unknown id shaped like {known} ({candidate})"
    sent, received = v.send("POST", v.options.url, detailed_request(candidate))
    exchange = v.exchange(detailed_request(candidate), received)
    violations = v.transport_violations(received)
    violations += unknown_id_is_empty(candidate, received.status, _results(exchange))
    v.record(scenario, violations, sent, received)


def injection(v: Verifier, known_emails: list[str]) -> None:
    """Hostile values in every configured search attribute and in the auto-link fields."""
    values = list(INJECTION_VALUES)
    for email in known_emails[:1]:
        values += unicode_variants(email)
    requests: list[tuple[str, str, dict[str, Any]]] = []
    for value in values:
        for attribute in v.options.search_attributes:
            query = {attribute: value}
            requests.append(
                (
                    value,
                    f"basic search on {attribute}",
                    {"lookupLevel": "BASIC", "query": query, "uniqueMatchRequired": False},
                )
            )
        requests.append((value, "auto-link by email", _auto_link({"emails": [value]})))
        requests.append((value, "auto-link by phone", _auto_link({"phones": [value]})))
    for value, where, request in requests:
        if v.out_of_time():
            return
        sent, received = v.send("POST", v.options.url, request)
        violations = v.transport_violations(received)
        if received.status is not None and received.status >= 500:
            violations.append(
                Violation(R.SERVER_ERROR, "", "200 or a 4xx", f"HTTP {received.status}")
            )
        exchange = v.exchange(request, received)
        if received.status == 200 and isinstance(exchange.response, dict):
            probe = f"{where} = {shown(value, 40)}"
            violations += injection_leaks(value, exchange.response.get("results"), probe)
        violations += response_leaks_nothing(exchange)
        v.record(f"injection: {where} with {shown(value, 40)}", violations, sent, received)
