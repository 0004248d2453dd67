"""Judgements on probe answers: did the adapter refuse what it must refuse and accept what it must accept?

Each function takes what came back (status, and the body where it matters) and yields Violations,
so the verifier, the pytest plugin and unit tests share one definition of each verdict.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from contracts import rules as R
from contracts.actions import submit_answer_is_documented
from contracts.gladly import origin_of, same_origin
from contracts.rules import Rule, Violation, shown

__all__ = [
    "finds_customer",
    "foreign_origin",
    "form_target_refused",
    "injection_leaks",
    "must_accept",
    "must_refuse_as_client_error",
    "must_reject",
    "query_form_found",
    "returns_both",
    "reveals",
    "submit_is_robust",
    "unknown_id_is_empty",
]


def must_reject(rule: Rule, status: int, probe: str) -> Iterator[Violation]:
    """The adapter must answer 401 or 403 to ``probe``."""
    if status >= 500:
        yield Violation(R.SERVER_ERROR, "", "HTTP 401 or 403", f"HTTP {status} to {probe}")
    elif status not in (401, 403):
        yield Violation(
            rule, "", "HTTP 401 or 403", f"HTTP {status} to {probe}", f"{rule.title}: {probe}"
        )


def must_accept(rule: Rule, status: int, probe: str) -> Iterator[Violation]:
    """The adapter must answer 200 to ``probe``, a request Gladly may legitimately send."""
    if status >= 500:
        yield Violation(R.SERVER_ERROR, "", "HTTP 200", f"HTTP {status} to {probe}")
    elif status != 200:
        yield Violation(rule, "", "HTTP 200", f"HTTP {status} to {probe}", f"{rule.title}: {probe}")


def must_refuse_as_client_error(
    status: int | None, probe: str, *, elapsed: float | None = None
) -> Iterator[Violation]:
    """A malformed request gets a 4xx: never a 2xx (accepted), a 5xx (crashed) or no answer (hang)."""
    if status is None:
        yield Violation(R.LATENCY_TIMEOUT, "", "an answer within 15 s", f"no answer to {probe}")
    elif status >= 500:
        yield Violation(R.SERVER_ERROR, "", "a 4xx", f"HTTP {status} to {probe}")
    elif not 400 <= status < 500:
        yield Violation(
            R.REJECTS_INVALID,
            "",
            "a 4xx",
            f"HTTP {status} to {probe}",
            f"{R.REJECTS_INVALID.title}: {probe}",
        )
    if elapsed is not None and elapsed > 15:
        yield Violation(
            R.LATENCY_TIMEOUT, "", "an answer within 15 s", f"{elapsed:.1f} s for {probe}"
        )


# -- refusals that say too much -------------------------------------------------------------------


def reveals(
    secrets: tuple[str, ...], body: bytes, headers: Mapping[str, str], probe: str
) -> Iterator[Violation]:
    """A refusal that shows any of ``secrets`` (in any case) hands out what forging needs."""
    text = (
        body.decode("utf-8", errors="replace")
        + "\n"
        + "\n".join(f"{k}: {v}" for k, v in headers.items())
    ).lower()
    for index, secret in enumerate(secrets):
        if secret.lower() in text:
            what = "the key" if index == 0 else "a value derived from the key and the request"
            yield Violation(
                R.NO_ORACLE, "", "a refusal that gives only the reason",
                f"the answer to {probe} contains {what}",
            )  # fmt: skip
            return


# -- searches -------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _contacts(result: Mapping[str, Any]) -> set[str]:
    found = {_fold(str(result.get(k, ""))) for k in ("externalCustomerId", "name")}
    for key in ("emails", "phones"):
        for item in result.get(key) or []:
            if isinstance(item, dict):
                found.add(_fold(str(item.get("original", ""))))
    for value in (result.get("customAttributes") or {}).values():
        found.add(_fold(str(value)))
    return {f for f in found if f}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def injection_leaks(value: str, results: Any, probe: str) -> Iterator[Violation]:
    """Results of a search for a hostile ``value`` must contain it, literally: anything else leaks."""
    if not isinstance(results, list):
        return
    wanted = _fold(value)
    strangers = []
    for result in results:
        if not isinstance(result, dict):
            continue
        contacts = _contacts(result)
        name_words = set(_fold(str(result.get("name", ""))).split())
        digits = _digits(value)
        if wanted in contacts or wanted in name_words:
            continue
        if len(digits) >= 6 and any(_digits(c).endswith(digits[-10:]) for c in contacts):
            continue
        strangers.append(str(result.get("externalCustomerId", "?")))
    if strangers:
        yield Violation(
            R.SEARCH_INJECTION, "results",
            f"only customers whose data contains {shown(value, 40)} literally",
            f"{len(strangers)} other customer(s) for {probe}: {', '.join(strangers[:5])}",
        )  # fmt: skip


# -- what the adapter's own answers promise -----------------------------------------------------


def _ids(results: Any) -> list[str]:
    return [
        str(r.get("externalCustomerId"))
        for r in (results if isinstance(results, list) else [])
        if isinstance(r, dict) and r.get("externalCustomerId") is not None
    ]


def finds_customer(
    rule: Rule, customer_id: str, status: int | None, results: Any, probe: str
) -> Iterator[Violation]:
    """An auto-link by one of the customer's own contacts must find the customer."""
    if status == 200 and customer_id not in _ids(results):
        yield Violation(
            rule, "results", f"customer {customer_id}", f"ids {_ids(results)} for {probe}"
        )


def returns_both(wanted: tuple[str, str], status: int | None, results: Any) -> Iterator[Violation]:
    """Contacts of two customers in one auto-link: both come back (Gladly then links neither)."""
    if status == 200 and not set(wanted) <= set(_ids(results)):
        yield Violation(
            R.ALL_MATCHES, "results", f"both {wanted[0]} and {wanted[1]}", f"ids {_ids(results)}"
        )


def unknown_id_is_empty(candidate: str, status: int | None, results: Any) -> Iterator[Violation]:
    """A detailed lookup of an unknown id: 200 and no result (the id itself, if it exists after all)."""
    if status is None:
        return
    if status >= 500:
        yield Violation(R.SERVER_ERROR, "", "HTTP 200 with results []", f"HTTP {status}")
    elif status != 200:
        yield Violation(R.UNKNOWN_ID, "", "HTTP 200 with results []", f"HTTP {status}")
    elif _ids(results) not in ([], [candidate]):
        yield Violation(R.UNKNOWN_ID, "results", "no result", f"customer(s) {_ids(results)}")


def form_target_refused(status: int | None, url: str) -> Iterator[Violation]:
    """A form URL for nothing that exists gets a 4xx."""
    if status is not None and status >= 500:
        yield Violation(R.SERVER_ERROR, "", "a 4xx", f"HTTP {status} to {url}")
    elif status is not None and 200 <= status < 300:
        yield Violation(R.FORM_UNKNOWN_TARGET, "", "a 4xx such as 404", f"HTTP {status} to {url}")


def submit_is_robust(status: int | None, body: Any, probe: str) -> Iterator[Violation]:
    """A submit with values the form cannot produce: 200, or 400/406 in the documented shape."""
    if status is None:
        return
    if status >= 500:
        yield Violation(
            R.SUBMIT_ROBUST, "", "200, or 400/406 with errors", f"HTTP {status} to {probe}"
        )
        return
    for found in submit_answer_is_documented(status, body):
        yield Violation(R.SUBMIT_ROBUST, found.path, found.expected, f"{found.received} to {probe}")


def query_form_found(form: str, target: str, status: int | None) -> Iterator[Violation]:
    """Which query-string form the adapter's action URLs took (info; a warning if only the other)."""
    rule = R.QUERY_FORM if form == "documented" else R.QUERY_FORM_UNDOCUMENTED
    what = "the documented form" if form == "documented" else "only the path-with-query form"
    yield Violation(rule, "", "the documented form", f"accepts {what} (HTTP {status} to {target})")


def foreign_origin(base: str, url: str, what: str) -> Iterator[Violation]:
    """An action URL on another scheme, host or port: signing and sending to it would hand
    Gladly's credentials to whoever runs it."""
    if not same_origin(base, url):
        yield Violation(
            R.FOREIGN_ORIGIN, what, f"a URL on {origin_text(base)}", f"{url[:120]} (not followed)"
        )


def origin_text(url: str) -> str:
    scheme, host, port = origin_of(url)
    return f"{scheme}://{host}:{port}"
