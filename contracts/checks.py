"""Semantic checks: pure functions over one captured exchange, yielding rule violations.

A check takes an Exchange and yields Violations; ``evaluate`` runs them all and judges each in a
conformance profile. Checks never raise on odd input: whatever the adapter sent is data.

Example:
    >>> from contracts.exchange import Exchange
    >>> evaluate(Exchange({"results": [{"externalCustomerId": 7}]}), "core")[0].rule
    'profile.external-id'
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from contracts import rules as R
from contracts.actions import check_actions
from contracts.exchange import NOT_JSON, Exchange
from contracts.formats import is_e164, is_email, phone_digits
from contracts.redact import redactor
from contracts.rules import SEVERITY_ORDER, Finding, Profile, Violation, shown
from contracts.transactions import TRANSACTION_CHECKS

__all__ = ["LOOKUP_CHECKS", "evaluate", "results_are_stable"]

Check = Callable[[Exchange], Iterable[Violation]]

PROFILE_FIELDS = frozenset(
    {
        "externalCustomerId",
        "name",
        "address",
        "emails",
        "phones",
        "customAttributes",
        "transactions",
        "actions",
    }
)
PHONE_TYPES = frozenset({"MOBILE", "HOME", "WORK", "OTHER"})
# Every branch starts with a literal character, so the engine skips ahead to candidates (a
# leading \b would make it try every branch at every offset: 27x slower on a 256 KiB body).
# Matches starting with a word character must start a word: _leak() checks the character before.
_LEAK_PATTERNS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|"
    r"\n\s+at [\w$.<>\[\] ]+ \(?[^()\s]+:\d+(:\d+)?\)?|at [\w$.]+\([\w$]+\.java:\d+\)|"
    r"Exception in thread|NullPointerException|SQLSTATE\[|syntax error at or near|"
    r"ORA-\d{5}\b|node_modules/|site-packages/|/usr/lib/python"
)


def _leak(text: str) -> re.Match[str] | None:
    """The first stack trace or internal detail in ``text``; 'at ...' and 'ORA-' only as words."""
    for match in _LEAK_PATTERNS.finditer(text):
        start = match.start()
        if not (match.group(0)[:1] in "aO" and start and text[start - 1].isalnum()):
            return match
    return None


def _results(ex: Exchange) -> list[Any]:
    results = ex.response.get("results") if isinstance(ex.response, dict) else None
    return results if isinstance(results, list) else []


def profiles(ex: Exchange) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each result that is an object, with its JSON path."""
    for index, result in enumerate(_results(ex)):
        if isinstance(result, dict):
            yield f"results[{index}]", result


# --- envelope -------------------------------------------------------------------------------


def lookup_is_answered_with_200_json(ex: Exchange) -> Iterator[Violation]:
    if ex.status is not None:
        if ex.status >= 500:
            yield Violation(R.SERVER_ERROR, "", "a status below 500", f"HTTP {ex.status}")
        elif ex.status != 200:
            yield Violation(R.HTTP_STATUS, "", "HTTP 200", f"HTTP {ex.status}")
    if ex.headers is not None:
        ctype = next((v for k, v in ex.headers.items() if k.lower() == "content-type"), None)
        if ctype is None or ctype.split(";")[0].strip().lower() != "application/json":
            yield Violation(R.CONTENT_TYPE, "", "Content-Type: application/json", shown(ctype))
    if ex.elapsed is not None:
        if ex.elapsed > 15:
            yield Violation(R.LATENCY_TIMEOUT, "", "an answer within 15 s", f"{ex.elapsed:.1f} s")
        elif ex.elapsed > 5:
            yield Violation(R.LATENCY_SLOW, "", "an answer within 5 s", f"{ex.elapsed:.1f} s")


def response_has_results_array(ex: Exchange) -> Iterator[Violation]:
    if ex.status is not None and ex.status != 200:
        return
    body = ex.response
    if not isinstance(body, dict):
        received = (
            "a body that is not JSON" if body is NOT_JSON else f"a JSON {type(body).__name__}"
        )
        yield Violation(R.JSON_OBJECT, "", "a JSON object", received)
        return
    if "results" not in body:
        yield Violation(R.RESULTS_ARRAY, "results", "a 'results' key", f"keys {sorted(body)!r}")
    elif not isinstance(body["results"], list):
        yield Violation(R.RESULTS_ARRAY, "results", "an array", shown(body["results"]))


LEAK_SCAN = 256 * 1024  # the part of a body searched for leaks: scanning 5 MiB costs seconds


def response_leaks_nothing(ex: Exchange) -> Iterator[Violation]:
    text = ex.text if ex.text is not None else json.dumps(ex.response, ensure_ascii=False)
    text = text[:LEAK_SCAN]
    # In any encoding (an echoed Basic header is base64); short values would match innocent text.
    if redactor(tuple(s for s in ex.secrets if len(s) >= 8)).found(text):
        yield Violation(
            R.ERROR_LEAK,
            "",
            "no configured secret in the body",
            "a configured secret (redacted)",
            "The response contains a secret",
        )
        return
    match = _leak(text)
    if match:
        yield Violation(
            R.ERROR_LEAK,
            "",
            "no stack trace or internal detail",
            shown(match.group(0).strip()),
            "The response contains a stack trace",
        )


# --- profiles -------------------------------------------------------------------------------


def results_are_profile_objects(ex: Exchange) -> Iterator[Violation]:
    for index, result in enumerate(_results(ex)):
        if not isinstance(result, dict):
            yield Violation(R.PROFILE_OBJECT, f"results[{index}]", "an object", shown(result))


def profile_has_string_external_id(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        value = profile.get("externalCustomerId")
        if isinstance(value, str) and value.strip():
            continue
        yield Violation(
            R.EXTERNAL_ID,
            f"{path}.externalCustomerId",
            "a non-empty string",
            "no externalCustomerId" if value is None else shown(value),
            "externalCustomerId is a number" if isinstance(value, int | float) else "",
        )


def _items(profile: dict[str, Any], key: str, path: str) -> Iterator[tuple[str, Any]]:
    """Each element of profile[key] with its path; nothing when the field is not a list."""
    value = profile.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}.{key}[{index}]", item


def profile_fields_have_documented_types(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        for key in ("name", "address"):
            if key in profile and not isinstance(profile[key], str):
                yield Violation(R.FIELD_TYPES, f"{path}.{key}", "a string", shown(profile[key]))
        for key in ("emails", "phones", "transactions", "actions"):
            if key in profile and not isinstance(profile[key], list):
                yield Violation(R.FIELD_TYPES, f"{path}.{key}", "an array", shown(profile[key]))
        for key in ("emails", "phones"):
            for item_path, item in _items(profile, key, path):
                if not isinstance(item, dict):
                    yield Violation(
                        R.FIELD_TYPES, item_path, "an object like {'original': ...}", shown(item)
                    )
                elif not isinstance(item.get("original"), str):
                    yield Violation(
                        R.FIELD_TYPES,
                        f"{item_path}.original",
                        "a string",
                        shown(item.get("original")),
                    )
        unknown = sorted(set(profile) - PROFILE_FIELDS)
        if unknown:
            yield Violation(
                R.UNKNOWN_FIELD,
                path,
                f"only {', '.join(sorted(PROFILE_FIELDS))}",
                f"also {', '.join(map(repr, unknown))}",
            )


def custom_attributes_are_flat_strings(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        attrs = profile.get("customAttributes")
        if attrs is None:
            continue
        if not isinstance(attrs, dict):
            yield Violation(R.ATTRS_FLAT, f"{path}.customAttributes", "an object", shown(attrs))
            continue
        for key, value in attrs.items():
            where = f"{path}.customAttributes.{key}"
            if isinstance(value, dict | list):
                yield Violation(R.ATTRS_FLAT, where, "a string", shown(value))
            elif not isinstance(value, str):
                yield Violation(
                    R.ATTRS_STRINGS,
                    where,
                    f"a string such as {json.dumps(str(value))}",
                    shown(value),
                )


def contacts_are_well_formed(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        for item_path, item in _items(profile, "emails", path):
            original = item.get("original") if isinstance(item, dict) else None
            if isinstance(original, str) and not is_email(original):
                yield Violation(
                    R.EMAIL_FORMAT, f"{item_path}.original", "an email address", shown(original)
                )
        for item_path, item in _items(profile, "phones", path):
            if not isinstance(item, dict):
                continue
            original, kind = item.get("original"), item.get("type")
            if isinstance(original, str) and not is_e164(original):
                yield Violation(
                    R.PHONE_E164,
                    f"{item_path}.original",
                    "E.164, e.g. '+14155550123'",
                    shown(original),
                )
            if kind is not None and (not isinstance(kind, str) or kind.upper() not in PHONE_TYPES):
                yield Violation(
                    R.PHONE_TYPE,
                    f"{item_path}.type",
                    "one of " + ", ".join(sorted(PHONE_TYPES)),
                    shown(kind),
                )


def basic_lookup_has_no_transactions(ex: Exchange) -> Iterator[Violation]:
    if ex.kind not in ("auto-link", "basic-search"):
        return
    for path, profile in profiles(ex):
        for key in ("transactions", "actions"):
            if profile.get(key):
                yield Violation(
                    R.BASIC_NO_TXN,
                    f"{path}.{key}",
                    f"no {key} in a BASIC answer",
                    f"{len(profile[key])} {key}"
                    if isinstance(profile[key], list)
                    else shown(profile[key]),
                )


def profile_actions_are_well_formed(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        yield from check_actions(profile.get("actions"), f"{path}.actions")


# --- cardinality ----------------------------------------------------------------------------


def detailed_lookup_returns_requested_customer(ex: Exchange) -> Iterator[Violation]:
    if ex.kind != "detailed":
        return
    results = _results(ex)
    if len(results) > 1:
        yield Violation(
            R.DETAILED_SINGLE, "results", "at most one result", f"{len(results)} results"
        )
    wanted = ex.query.get("externalCustomerId")
    if wanted is None:
        return
    for path, profile in profiles(ex):
        got = profile.get("externalCustomerId")
        if str(got) != str(wanted):
            yield Violation(
                R.DETAILED_ECHO,
                f"{path}.externalCustomerId",
                f"externalCustomerId == {wanted!r} (from the request)",
                f"externalCustomerId == {got!r}",
                "Detailed lookup returned a different customer",
            )


def _emails_of(profile: dict[str, Any]) -> set[str]:
    emails = profile.get("emails")
    items = emails if isinstance(emails, list) else []
    return {
        e["original"].strip().lower()
        for e in items
        if isinstance(e, dict) and isinstance(e.get("original"), str)
    }


def _phones_of(profile: dict[str, Any], *, mobile_only: bool) -> set[str]:
    phones = profile.get("phones")
    items = phones if isinstance(phones, list) else []
    return {
        phone_digits(p["original"])
        for p in items
        if isinstance(p, dict)
        and isinstance(p.get("original"), str)
        and (not mobile_only or str(p.get("type", "")).upper() == "MOBILE")
    }


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def auto_link_yields_one_matching_customer(ex: Exchange) -> Iterator[Violation]:
    if ex.kind != "auto-link":
        return
    results = _results(ex)
    if len(results) > 1:
        yield Violation(
            R.AUTO_LINK_SINGLE,
            "results",
            "0 or 1 result (Gladly links only on one)",
            f"{len(results)} results",
        )
        return
    emails = {e.strip().lower() for e in _strings(ex.query.get("emails"))}
    phones = {phone_digits(p) for p in _strings(ex.query.get("phones"))}
    if not emails and not phones:
        return
    for path, profile in profiles(ex):
        if emails & _emails_of(profile) or phones & _phones_of(profile, mobile_only=True):
            continue
        yield Violation(
            R.AUTO_LINK_MATCH,
            path,
            "an email or MOBILE phone equal to one on the Gladly profile",
            f"emails {sorted(_emails_of(profile))!r}, MOBILE phones "
            f"{sorted(_phones_of(profile, mobile_only=True))!r}",
            "Gladly will not auto-link this result",
        )


def _result_matches(profile: dict[str, Any], key: str, values: list[str]) -> bool | None:
    """Whether a result matches one searched attribute; None when the result cannot tell."""
    wanted = [v.strip().lower() for v in values if v.strip()]
    if not wanted:
        return None
    if key in ("email", "emails"):
        return bool(set(wanted) & _emails_of(profile))
    if key in ("phone", "phones"):
        have = _phones_of(profile, mobile_only=False)
        return any(
            phone_digits(w) in have or any(h.endswith(phone_digits(w)[-7:]) for h in have)
            for w in wanted
            if len(phone_digits(w)) >= 7
        )
    attrs = profile.get("customAttributes")
    candidates = [profile.get(key), attrs.get(key) if isinstance(attrs, dict) else None]
    present = [str(c).strip().lower() for c in candidates if isinstance(c, str | int | float)]
    if not present:
        return None
    if key == "name":
        return any(w in p for w in wanted for p in present)
    return bool(set(wanted) & set(present))


def basic_search_results_match_query(ex: Exchange) -> Iterator[Violation]:
    if ex.kind != "basic-search" or not ex.query:
        return
    for path, profile in profiles(ex):
        verdicts = {
            key: _result_matches(profile, key, _strings(value)) for key, value in ex.query.items()
        }
        judged = {key: v for key, v in verdicts.items() if v is not None}
        if judged and not any(judged.values()):
            yield Violation(
                R.SEARCH_MATCH,
                path,
                "a result matching " + ", ".join(f"{k}={ex.query[k]!r}" for k in judged),
                f"externalCustomerId {profile.get('externalCustomerId')!r}, which matches none",
                "Basic search returned a customer that does not match the query",
            )


def results_are_stable(first: Exchange, second: Exchange) -> Iterator[Violation]:
    """Two answers to the same request name the same customers with the same transaction counts."""

    def shape(ex: Exchange) -> Counter[tuple[str, int]]:
        return Counter(
            (
                str(p.get("externalCustomerId")),
                len(p["transactions"]) if isinstance(p.get("transactions"), list) else 0,
            )
            for _, p in profiles(ex)
        )

    before, after = shape(first), shape(second)
    if before != after:
        yield Violation(
            R.STABLE,
            "results",
            f"the same results as before: {sorted(before.elements())!r}",
            f"{sorted(after.elements())!r}",
        )


def transactions_follow_the_contract(ex: Exchange) -> Iterator[Violation]:
    for path, profile in profiles(ex):
        transactions = profile.get("transactions")
        if not isinstance(transactions, list):
            continue
        for index, txn in enumerate(transactions):
            for check in TRANSACTION_CHECKS:
                yield from check(txn, f"{path}.transactions[{index}]")


LOOKUP_CHECKS: tuple[Check, ...] = (
    lookup_is_answered_with_200_json,
    response_has_results_array,
    response_leaks_nothing,
    results_are_profile_objects,
    profile_has_string_external_id,
    profile_fields_have_documented_types,
    custom_attributes_are_flat_strings,
    contacts_are_well_formed,
    basic_lookup_has_no_transactions,
    profile_actions_are_well_formed,
    detailed_lookup_returns_requested_customer,
    auto_link_yields_one_matching_customer,
    basic_search_results_match_query,
    transactions_follow_the_contract,
)


def judge(violations: Iterable[Violation], profile: Profile) -> list[Finding]:
    """Turn violations into findings of ``profile``, most severe first; unjudged rules drop out."""
    findings = []
    for violation in violations:
        severity = violation.rule.severity(profile)
        if severity is not None:
            findings.append(
                Finding(violation.rule.id, severity, violation.message(), violation.path)
            )
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def evaluate(ex: Exchange, profile: Profile = "agent") -> list[Finding]:
    """Run every lookup check on one exchange and judge the violations in ``profile``."""
    return judge((v for check in LOOKUP_CHECKS for v in check(ex)), profile)
