"""Reports of a verification run: JSON, JUnit XML, one self-contained HTML page, a terminal table.

Secrets never leave the run: configured keys, passwords and secret-looking header values are
replaced by ``***`` everywhere, and reproduce commands take the key from the environment.
"""

from __future__ import annotations

import html
import json
import shlex
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

import click

from contracts.files import atomic_file
from contracts.redact import REDACTED, Redactor, secret_header
from contracts.rules import CATALOGUE, PROFILES, RULES
from contracts.verify.causes import Cause, root_causes
from contracts.verify.options import Observation, Report, VerifyOptions
from contracts.verify.transport import Received, Sent

__all__ = ["REPORT_SCHEMA", "as_json", "summary_table", "write_report"]

REPORT_SCHEMA = Path(__file__).parent.parent / "spec" / "verify-report.schema.json"
BODY_LIMIT = 16 * 1024
PER_RULE = 50
COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def _body(raw: bytes, redact: Redactor) -> str:
    text = raw[:BODY_LIMIT].decode("utf-8", errors="replace")
    if len(raw) > BODY_LIMIT:
        text += f"\n... ({len(raw):,} bytes in all; the rest is not shown)"
    return redact.text(text)


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


def _observation(o: Observation, report: Report, redact: Redactor) -> dict[str, Any]:
    out: dict[str, Any] = o.finding.as_dict() | {
        "message": redact.text(o.finding.message),
        "scenario": o.scenario,
    }
    if o.sent is not None:
        out["request"] = {
            "method": o.sent.method,
            "url": o.sent.url,
            "headers": redact.headers(o.sent.headers),
            "body": _body(o.sent.body, redact),
        }
        out["reproduce"] = redact.text(reproduce(o.sent, report.options))
    if o.received is not None:
        out["response"] = _response(o.received, redact)
    return out


def _response(r: Received, redact: Redactor) -> dict[str, Any]:
    return {
        "status": r.status,
        "headers": redact.headers(r.headers),
        "body": _body(r.body, redact),
        "elapsedMs": round(r.elapsed * 1000, 1),
        "error": r.error,
    }


def grouped(report: Report) -> OrderedDict[str, list[Observation]]:
    """Observations by rule, most severe rules first, at most PER_RULE examples each."""
    groups: OrderedDict[str, list[Observation]] = OrderedDict()
    for o in report.observations:
        groups.setdefault(o.finding.rule, []).append(o)
    return groups


def as_json(report: Report) -> dict[str, Any]:
    """The ``lookupkit check --format json`` shape, plus evidence per finding and a run summary."""
    redact = Redactor(report.options.secrets())
    findings = [
        _observation(o, report, redact)
        for group in grouped(report).values()
        for o in group[:PER_RULE]
    ]
    counts = Counter(o.finding.rule for o in report.observations)
    return {
        "summary": {"errors": report.errors, "warnings": report.count("warning")},
        "findings": findings,
        "run": {
            "url": redact.text(report.options.url),
            "profile": report.options.profile,
            "seed": report.options.seed,
            "requests": len(report.requests),
            "fuzzedCases": report.fuzzed,
            "durationSeconds": round(report.duration, 2),
            "stopped": report.stopped,
            "skipped": report.skipped,
            "incomplete": report.incomplete,
            "queryForm": report.query_form,
            "scenarios": [
                {"name": redact.text(n), "passed": ok} for n, ok in report.scenarios.items()
            ],
            "ruleCounts": dict(counts),
        },
    }


def as_junit(report: Report) -> bytes:
    """One test case per catalogue rule judged in the profile, and one per scenario."""
    redact = Redactor(report.options.secrets())
    groups = grouped(report)
    suite = ET.Element("testsuite", name="lookupkit verify", time=f"{report.duration:.2f}")
    cases = 0
    failures = 0
    for rule in CATALOGUE:
        if rule.severity(report.options.profile) is None:
            continue
        case = ET.SubElement(suite, "testcase", classname="lookupkit.rules", name=rule.id)
        errors = [o for o in groups.get(rule.id, []) if o.finding.severity == "error"]
        if errors:
            failure = ET.SubElement(case, "failure", message=redact.text(rule.title), type=rule.id)
            failure.text = redact.text(
                "\n\n".join(
                    f"[{o.scenario}] at {o.finding.path or '(root)'}\n{o.finding.message}"
                    for o in errors[:10]
                )
            )
            failures += 1
        warnings = [o for o in groups.get(rule.id, []) if o.finding.severity == "warning"]
        if warnings:  # not a failure, but never a silent pass either
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="warnings", value=str(len(warnings)))
            out = ET.SubElement(case, "system-out")
            out.text = redact.text(
                "\n\n".join(
                    f"WARNING [{o.scenario}] at {o.finding.path or '(root)'}\n{o.finding.message}"
                    for o in warnings[:10]
                )
            )
        cases += 1
    for name, passed in report.scenarios.items():
        case = ET.SubElement(
            suite, "testcase", classname="lookupkit.scenarios", name=redact.text(name)
        )
        if not passed:
            ET.SubElement(case, "failure", message="an error-severity finding in this scenario")
            failures += 1
        cases += 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    return bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1f3a5f;color:#fff;padding:24px 32px}header h1{margin:0 0 4px;font-size:22px}
main{padding:24px 32px;max-width:1200px}.stats span{display:inline-block;margin-right:18px}
.rule{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;margin:18px 0;padding:16px 20px}
.rule h2{font-size:17px;margin:0}.sev{font-size:12px;font-weight:700;padding:2px 8px;border-radius:10px;margin-right:8px}
.error{background:#fde2e1;color:#a4161a}.warning{background:#fff1cc;color:#8a5a00}.info{background:#e1ecfd;color:#1f4e99}
.hint{color:#475069;margin:6px 0 10px}.ex{border-top:1px solid #e6e8ef;padding-top:10px;margin-top:10px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px}pre{background:#0f172a;color:#e2e8f0;padding:10px;border-radius:6px;
overflow:auto;max-height:320px;font-size:12px;white-space:pre-wrap;word-break:break-all}.ok{color:#1a7f37}
@media(max-width:760px){.pair{grid-template-columns:1fr}main,header{padding:16px}}
"""


def as_html(report: Report) -> str:
    """One self-contained page: findings grouped by rule with fix hints, request and response side by side."""
    redact = Redactor(report.options.secrets())
    e = html.escape
    data = as_json(report)
    parts = [
        f"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>lookupkit verify: {e(data['run']['url'])}</title><style>{_CSS}</style>"
        f"<header><h1>Lookup Adapter verification</h1><div>{e(data['run']['url'])} · profile "
        f"{e(report.options.profile)} · {data['run']['requests']} requests in {data['run']['durationSeconds']} s</div>"
        f"</header><main><p class=stats><span><b>{report.errors}</b> errors</span>"
        f"<span><b>{report.count('warning')}</b> warnings</span><span><b>{report.count('info')}</b> info</span></p>"
    ]
    if not report.observations:
        parts.append(
            "<p class=ok><b>No findings.</b> The adapter met every rule of this profile that the run exercised.</p>"
        )
    for rule_id, group in grouped(report).items():
        rule = RULES[rule_id]
        severity = group[0].finding.severity
        parts.append(
            f"<section class=rule><h2><span class='sev {severity}'>{severity.upper()}</span>{e(rule.title)}"
            f" <small>({e(rule_id)}, {len(group)}&times;)</small></h2><p class=hint>Fix: {e(rule.hint)}</p>"
        )
        for o in group[:5]:
            message = e(redact.text(o.finding.message))
            request = response = ""
            if o.sent is not None:
                request = e(
                    f"{o.sent.method} {o.sent.url}\n"
                    + "\n".join(f"{k}: {v}" for k, v in redact.headers(o.sent.headers).items())
                    + "\n\n"
                    + _body(o.sent.body, redact)
                )
            if o.received is not None:
                r = o.received
                response = e(
                    f"HTTP {r.status if r.status is not None else '(none)'}  {r.elapsed * 1000:.0f} ms"
                    + (f"  {r.error}" if r.error else "")
                    + "\n"
                    + "\n".join(f"{k}: {v}" for k, v in redact.headers(r.headers).items())
                    + "\n\n"
                    + _body(r.body, redact)
                )
            parts.append(
                f"<div class=ex><b>{e(redact.text(o.scenario))}</b> at <code>{e(o.finding.path or '(root)')}</code>"
                f"<pre>{message}</pre><div class=pair><div>Request<pre>{request}</pre></div>"
                f"<div>Response<pre>{response}</pre></div></div></div>"
            )
        parts.append("</section>")
    parts.append("</main></html>")
    return "".join(parts)


def summary_table(report: Report, *, verbose: bool = False, color: bool = False) -> str:
    """What to fix first: one block per root cause (headline, where, what came back, the fix, a
    reproduce command), info causes only when verbose; then the verdict, which says INCOMPLETE
    first and last when the run could not check enough."""
    causes = root_causes(report)
    shown_causes = [c for c in causes if verbose or c.severity != "info"]
    redact = Redactor(report.options.secrets())
    lines = [f"INCOMPLETE: {report.incomplete}"] if report.incomplete else []
    for number, cause in enumerate(shown_causes, 1):
        block = _cause_lines(number, cause, report, redact)
        if color:
            block[0] = click.style(block[0], fg=COLORS[cause.severity], bold=True)
        lines += block
    if not causes:
        lines.append("No findings.")
    last = verdict(report, hidden=len(causes) - len(shown_causes))
    if color and (report.incomplete or report.errors):
        last = click.style(last, fg="red" if report.errors else "yellow", bold=True)
    if color and report.incomplete:
        lines[0] = click.style(lines[0], fg="yellow", bold=True)
    lines.append(last)
    return "\n".join(lines)


def _profile_of(cause: Cause) -> str:
    for profile in PROFILES:
        if any(RULES[r].severity(profile) == cause.severity for r in cause.rules):
            return profile
    return "-"


def _received(message: str) -> str:
    return next((line[10:] for line in message.splitlines() if line.startswith("Received: ")), "")


def _cause_lines(number: int, cause: Cause, report: Report, redact: Redactor) -> list[str]:
    first = cause.observations[0]
    count = len(cause.observations)
    rules = ", ".join(cause.rules)
    head = f"{number}. {cause.severity.upper()} ({_profile_of(cause)}) {cause.title}"
    lines = [head, f"   {count} finding(s) under {rules}"]
    where = f" at {first.finding.path}" if first.finding.path else ""
    lines.append(redact.text(f"   e.g. {first.scenario}{where}"))
    received = _received(first.finding.message)
    if received:
        lines.append(redact.text(f"   received: {received[:160]}"))
    lines.append(f"   fix: {cause.fix}")
    if first.sent is not None:
        command = reproduce(first.sent, report.options)
        if command:
            lines.append(redact.text(f"   reproduce: {command[:400]}"))
    return [*lines, ""]


def verdict(report: Report, *, hidden: int = 0) -> str:
    """One line: the counts, what ran, the seed that repeats it, and INCOMPLETE when it is."""
    more = f" ({hidden} info cause(s) hidden; -v shows them)" if hidden else ""
    line = (
        f"{report.errors} error(s), {report.count('warning')} warning(s), {report.count('info')} info{more}; "
        f"{len(report.requests)} requests in {report.duration:.1f} s, profile {report.options.profile}, "
        f"seed {report.options.seed} (--seed {report.options.seed} repeats it)"
    )
    return f"INCOMPLETE: {line}" if report.incomplete else line


def write_report(report: Report, kind: str, path: str) -> None:
    """Write one report atomically (a temporary file renamed into place); ``-`` is stdout."""
    if kind == "json":
        content = (json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n").encode()
    elif kind == "junit":
        content = as_junit(report)
    else:
        content = as_html(report).encode()
    if path == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    with atomic_file(path, binary=True) as handle:
        handle.write(content)
