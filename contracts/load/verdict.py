"""The verdict of a ``lookupkit load`` run against Gladly's limits, and its reports.

Latency per request kind (p50/p95/p99/max, the share over 5 s: a warning, over 15 s: an error,
Gladly gives up), failures by status, transport failures, the contacts achieved against those
asked, and the findings of the answers judged, as named rules of the catalogue. The JSON report
is ``lookupkit verify``'s shape with a ``load`` section; the JUnit report has a test case per
request kind and per rule found.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import click

from contracts import rules as R
from contracts.files import atomic_file
from contracts.load.model import KINDS
from contracts.redact import redactor
from contracts.rules import SEVERITY_ORDER, Finding
from contracts.verify.options import Observation, Report, VerifyOptions
from contracts.verify.report import as_json
from contracts.verify.transport import Received, Sent

__all__ = ["SHORTFALL", "finish", "load_report"]

SHORTFALL = 0.9  # under this share of the contacts asked, the verdict covers a lower rate


def _findings(measured: dict[str, Any]) -> list[dict[str, Any]]:
    """The tally's findings, plus latency from Locust's statistics, most severe first."""
    found = [dict(seen) for seen in measured["tally"]["findings"].values()]
    timed_out = {f["kind"] for f in found if f["rule"] == R.LATENCY_TIMEOUT.id}
    for kind, stats in measured["kinds"].items():
        if stats["over15s"] and kind not in timed_out:
            found.append(_latency(R.LATENCY_TIMEOUT, "error", kind, stats["over15s"], stats))
        if stats["over5s"]:
            found.append(_latency(R.LATENCY_SLOW, "warning", kind, stats["over5s"], stats))
    found.sort(key=lambda f: (SEVERITY_ORDER[f["severity"]], -f["count"]))
    return found


def _latency(rule: R.Rule, severity: str, kind: str, count: int, stats: dict[str, Any]) -> Any:
    limit = "15 s" if rule is R.LATENCY_TIMEOUT else "5 s"
    message = (
        f"{rule.title}\n\nExpected: every {kind} answer within {limit}\n"
        f"Received: {count} of {stats['requests']} over {limit} (max {stats['maxMs']:.0f} ms)\n"
        f"Hint: {rule.hint}"
    )
    return {"rule": rule.id, "severity": severity, "message": message, "path": "",
            "kind": kind, "count": count, "example": None}  # fmt: skip


def load_report(config: dict[str, Any], measured: dict[str, Any], interrupted: bool) -> Report:
    """The run as a verify ``Report`` (findings with their first example) plus ``load``."""
    basic = config["basic_auth"]
    options = VerifyOptions(
        config["url"],
        signing_key=config["signing_key"],
        basic_auth=(basic[0], basic[1]) if basic else None,
        headers=config["headers"],
        profile=config["profile"],
        seed=config["seed"],
    )
    report = Report(options)
    report.duration = measured["elapsedSeconds"]
    report.counted = measured["total"]["requests"]
    if interrupted:
        report.stopped = "interrupted before the end"
    for kind in measured["kinds"]:
        report.scenarios[kind] = True
    for found in _findings(measured):
        message = f"{found['count']} {found['kind']} answer(s): {found['message']}"
        finding = Finding(found["rule"], found["severity"], message, found["path"])
        sent = received = None
        if found.get("example"):
            ex = found["example"]
            sent = Sent(ex["method"], ex["url"], ex["headers"], ex["body"].encode())
            received = Received(ex["status"], {}, ex["answer"].encode())
        report.observations.append(Observation(finding, f"load: {found['kind']}", sent, received))
        if found["severity"] == "error":
            report.scenarios[found["kind"]] = False
    report.load = _load_section(config, measured)
    share = report.load["contacts"]["share"]
    if share is not None and share < SHORTFALL and not interrupted:
        report.incomplete = (
            f"the run sent {share:.0%} of the contacts asked, so the verdict covers a lower rate: "
            "add --users or --processes (or the adapter is too slow for this rate)"
        )
    return report


def _load_section(config: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    elapsed = min(measured["elapsedSeconds"], config["duration"])
    asked = config["contacts_per_second"] * config["asked_share"] * elapsed
    contacts = measured["tally"]["contacts"]
    total = measured["total"]
    return {
        "ramp": config["ramp"],
        "users": config["users"],
        "durationSeconds": config["duration"],
        "elapsedSeconds": round(measured["elapsedSeconds"], 2),
        "contacts": {
            "asked": round(asked, 1),
            "sent": contacts,
            "share": round(contacts / asked, 3) if asked >= 1 else None,
            "unlinked": measured["tally"]["unlinked"],
        },
        "requestsPerSecond": round(total["requests"] / elapsed, 2) if elapsed else 0.0,
        "kinds": measured["kinds"],
        "total": total,
        "statuses": measured["tally"]["statuses"],
        "errors": measured["errors"],
        "judged": measured["tally"]["judged"],
        "checkEvery": config["check_every"],
    }


def as_junit(report: Report) -> bytes:
    """A test case per request kind (failed on an error finding) and per rule found."""
    redact = redactor(report.options.secrets())
    suite = ET.Element("testsuite", name="lookupkit load", time=f"{report.duration:.2f}")
    failures = 0
    for kind, passed in report.scenarios.items():
        case = ET.SubElement(suite, "testcase", classname="lookupkit.load", name=kind)
        for o in report.observations:
            if o.scenario == f"load: {kind}" and o.finding.severity in ("error", "warning"):
                tag = "failure" if o.finding.severity == "error" else "system-out"
                element = ET.SubElement(case, tag, message=o.finding.rule)
                element.text = redact.text(o.finding.message)
        failures += not passed
    suite.set("tests", str(len(report.scenarios)))
    suite.set("failures", str(failures))
    return bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def summary_text(report: Report) -> str:
    load = report.load or {}
    contacts = load["contacts"]
    share = "" if contacts["share"] is None else f", {contacts['share']:.0%} of those asked"
    lines = [
        f"lookupkit load: {load['elapsedSeconds']:g} s, {load['ramp']}, {load['users']} agent(s): "
        f"{contacts['sent']} contacts (asked {contacts['asked']:g}{share}), "
        f"{load['total']['requests']} requests, {load['requestsPerSecond']:g}/s",
        "",
        f"{'request kind':<15}{'requests':>9}{'failed':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'max':>8}{'>5 s':>7}{'>15 s':>7}   (ms)",
    ]
    order = {kind: i for i, kind in enumerate(KINDS)}
    for kind, s in sorted(load["kinds"].items(), key=lambda kv: order.get(kv[0], 99)):
        lines.append(
            f"{kind:<15}{s['requests']:>9}{s['failures']:>8}{_ms(s['p50Ms']):>8}"
            f"{_ms(s['p95Ms']):>8}{_ms(s['p99Ms']):>8}{_ms(s['maxMs']):>8}"
            f"{s['over5s']:>7}{s['over15s']:>7}"
        )
    statuses = [
        f"{kind} " + ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
        for kind, counts in load["statuses"].items()
    ]
    lines += ["", "HTTP statuses: " + ("; ".join(statuses) or "none")]
    lines.append(
        f"Checked: every answer for what breaks under load; {load['judged']} "
        f"(1 in {load['checkEvery']}) with the whole catalogue."
    )
    redact = redactor(report.options.secrets())
    for o in report.observations:
        first = o.finding.message.split("\n")
        received = next((x for x in first if x.startswith("Received: ")), "")
        hint = next((x for x in first if x.startswith("Hint: ")), "")
        lines.append(redact.text(f"  {o.finding.severity.upper():<8}{o.finding.rule}  {first[0]}"))
        lines.append(redact.text(f"          {received[:200]}  {hint}"))
    return "\n".join(lines)


def verdict_line(report: Report) -> str:
    errors, warnings = report.errors, report.count("warning")
    if report.stopped:
        return f"INCOMPLETE: {report.stopped} ({errors} error(s), {warnings} warning(s) so far)"
    if errors:
        return f"FAIL: {errors} error finding(s), {warnings} warning(s): the adapter did not hold"
    if report.incomplete:
        return f"INCOMPLETE: {report.incomplete}"
    return f"PASS: the adapter held ({warnings} warning(s))"


def finish(
    config: dict[str, Any], measured: dict[str, Any], params: dict[str, Any], *, interrupted: bool
) -> int:
    """Print the verdict, write the kit's reports, and return the exit code."""
    report = load_report(config, measured, interrupted)
    click.echo(summary_text(report))
    click.echo(verdict_line(report))
    for kind, path in params["reports"]:
        if kind == "json":
            document = as_json(report) | {"load": report.load}
            content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
        elif kind == "junit":
            content = as_junit(report)
        else:
            click.echo(f"Wrote Locust's {kind} report to {path}")
            continue
        with atomic_file(path, binary=True) as handle:
            handle.write(content)
        click.echo(f"Wrote the {kind} report to {path}")
    failed = report.errors > 0 or bool(report.stopped)
    if params["fail_on"] == "warning":
        failed = failed or report.count("warning") > 0
    return 1 if failed else 0
