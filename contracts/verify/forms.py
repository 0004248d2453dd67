"""Action robustness: a form URL for nothing that exists gets a 4xx, and a submit with values
the form cannot produce gets a documented answer (never a 5xx, a hang or a stack trace)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from contracts.attacks import hostile_values
from contracts.checks import response_leaks_nothing
from contracts.probes import form_target_refused, submit_is_robust
from contracts.rules import shown
from contracts.verify.verifier import Verifier

__all__ = ["hostile_submits", "unknown_target"]

UNKNOWN = "lookupkit-unknown-0"


def unknown_url(url: str) -> str:
    """The same form URL pointing at nothing: every query value replaced, or one added."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, UNKNOWN) for k, _ in pairs] if pairs else [("id", UNKNOWN)])
    return urlunsplit(parts._replace(query=query))


def unknown_target(v: Verifier, scenario: str, url: str) -> None:
    target = unknown_url(url)
    sent, received = v.send("GET", target)
    violations = v.transport_violations(received)
    violations += form_target_refused(received.status, target)
    violations += response_leaks_nothing(v.exchange(None, received))
    v.record(f"{scenario}: a form URL for nothing that exists", violations, sent, received)


def hostile_submits(
    v: Verifier, scenario: str, url: str, form: dict[str, Any], good: dict[str, Any]
) -> None:
    for hostile in hostile_values(form, good):
        if v.out_of_time():
            return
        sent, received = v.send("POST", url, hostile.values)
        what = f"{scenario}: a submit with {hostile.what} ({shown(hostile.values, 60)})"
        violations = v.transport_violations(received)
        violations += submit_is_robust(received.status, received.json, hostile.what)
        violations += response_leaks_nothing(v.exchange(None, received))
        v.record(what, violations, sent, received)
