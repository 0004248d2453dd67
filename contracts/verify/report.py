"""Reports of a verification run: JSON, JUnit XML, one self-contained HTML page, a terminal table.

Secrets never leave the run: configured keys, passwords and secret-looking header values are
replaced by ``***`` everywhere, and reproduce commands take the key from the environment.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any

import click

from contracts.files import atomic_file
from contracts.formats import contact_field
from contracts.redact import Redactor, redactor
from contracts.rules import CATALOGUE, PROFILES, RULES
from contracts.verify.causes import Cause, root_causes
from contracts.verify.html_report import as_html
from contracts.verify.options import Observation, Report
from contracts.verify.transport import Received
from contracts.verify.verdict import reproduce, shown_body, verdict

__all__ = ["REPORT_SCHEMA", "as_json", "summary_table", "write_report"]

REPORT_SCHEMA = Path(__file__).parent.parent / "spec" / "verify-report.schema.json"

PER_RULE = 50
COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def _body(raw: bytes, redact: Redactor) -> str:
    return redact.text(shown_body(raw))


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
    redact = redactor(report.options.secrets())
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
            "requests": len(report.requests) + report.counted,
            "fuzzedCases": report.fuzzed,
            "durationSeconds": round(report.duration, 2),
            "stopped": report.stopped,
            "skipped": report.skipped,
            "incomplete": report.incomplete,
            "queryForm": report.query_form,
            "customersFromOms": [
                {contact_field(contact): redact.text(contact), "why": why}
                for contact, why in report.options.picked
            ],
            "scenarios": [
                {"name": redact.text(n), "passed": ok} for n, ok in report.scenarios.items()
            ],
            "ruleCounts": dict(counts),
        },
    }


def as_junit(report: Report) -> bytes:
    """One test case per catalogue rule judged in the profile, and one per scenario."""
    redact = redactor(report.options.secrets())
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


def summary_table(report: Report, *, verbose: bool = False, color: bool = False) -> str:
    """What to fix first: one block per root cause (headline, where, what came back, the fix, a
    reproduce command), info causes only when verbose; then the verdict, which says INCOMPLETE
    first and last when the run could not check enough."""
    causes = root_causes(report)
    shown_causes = [c for c in causes if verbose or c.severity != "info"]
    redact = redactor(report.options.secrets())
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
