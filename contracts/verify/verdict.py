"""One line for the verdict, and the command that repeats a request: shared by the terminal
summary and every report."""

from __future__ import annotations

import shlex

from contracts.redact import REDACTED, secret_header
from contracts.verify.options import Report, VerifyOptions
from contracts.verify.transport import Sent

__all__ = ["BODY_LIMIT", "reproduce", "shown_body", "verdict"]

BODY_LIMIT = 16 * 1024


def shown_body(raw: bytes) -> str:
    """The part of a body a report shows (``BODY_LIMIT`` bytes), saying how much more there was."""
    text = raw[:BODY_LIMIT].decode("utf-8", errors="replace")
    if len(raw) > BODY_LIMIT:
        text += f"\n... ({len(raw):,} bytes in all; the rest is not shown)"
    return text


def reproduce(sent: Sent, options: VerifyOptions) -> str:
    """A shell command that re-sends the request, re-signed with a fresh Gladly-Time."""
    if len(sent.body) > BODY_LIMIT:
        return ""  # too large to inline (the 2 MiB and deep-nesting probes say what they sent)
    parts = ["lookupkit", "sign", "--method", sent.method, "--url", sent.url, "--curl"]
    for name, value in options.headers.items():
        parts += ["--header", f"{name}: {REDACTED if secret_header(name) else value}"]
    command = shlex.join(parts)
    if options.basic_auth:
        command += f' --basic-auth {shlex.quote(options.basic_auth[0])}:"$LOOKUPKIT_BASIC_PASSWORD"'
    if sent.method == "POST":
        body = sent.body.decode("utf-8", errors="replace")
        command = f"printf '%s' {shlex.quote(body)} | {command} --body-file -"
    exports = "export GLADLY_SIGNING_KEY=...; " if options.signing_key else ""
    if options.basic_auth:
        exports += "export LOOKUPKIT_BASIC_PASSWORD=...; "
    return f"{exports}{command} | sh"


def verdict(report: Report, *, hidden: int = 0) -> str:
    """One line: the counts, what ran, the seed that repeats it, and INCOMPLETE when it is."""
    more = f" ({hidden} info cause(s) hidden; -v shows them)" if hidden else ""
    line = (
        f"{report.errors} error(s), {report.count('warning')} warning(s), {report.count('info')} info{more}; "
        f"{len(report.requests)} requests in {report.duration:.1f} s, profile {report.options.profile}, "
        f"seed {report.options.seed} (--seed {report.options.seed} repeats it)"
    )
    return f"INCOMPLETE: {line}" if report.incomplete else line
