"""Judgements on probe answers: did the adapter refuse what it must refuse and accept what it must accept?

Each function takes what came back (status, and the body where it matters) and yields Violations,
so the verifier, the pytest plugin and unit tests share one definition of each verdict.
"""

from __future__ import annotations

from collections.abc import Iterator

from contracts import rules as R
from contracts.rules import Rule, Violation

__all__ = ["must_accept", "must_refuse_as_client_error", "must_reject"]


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
