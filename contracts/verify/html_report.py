"""The HTML report: one self-contained page that reads well at 1,000 findings.

A summary with links (the verdict, root causes, rules), then what to fix first (root causes with
their fix and a reproduce command), then every rule with "N of M shown" and collapsible examples
(request and response side by side, JSON pretty-printed with the failing path highlighted, copy
buttons), then the run itself: seed, options, phases run and skipped, the scenarios that passed.

Everything from the adapter is escaped and secrets are redacted; the page's one script (the copy
buttons) is allowed by hash in a Content-Security-Policy, so no other script can ever run in it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterator
from typing import Any

from contracts.redact import Redactor, redactor
from contracts.rules import RULES
from contracts.verify.causes import Cause, root_causes
from contracts.verify.options import Observation, Report
from contracts.verify.transport import Received, Sent
from contracts.verify.verdict import BODY_LIMIT, reproduce, shown_body, verdict

__all__ = ["as_html"]

SHOWN = 5  # examples per rule on the page (the JSON report keeps more)
e = html.escape

_SCRIPT = (
    "document.addEventListener('click',function(ev){var b=ev.target.closest('button[data-copy]');"
    "if(!b)return;var t=document.getElementById(b.dataset.copy).textContent;"
    "var done=function(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy'},1500)};"
    "var old=function(){var a=document.createElement('textarea');a.value=t;"
    "document.body.appendChild(a);a.select();document.execCommand('copy');a.remove();done()};"
    "if(navigator.clipboard){navigator.clipboard.writeText(t).then(done,old)}else{old()}});"
)
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-"
    + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    + "'"
)
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1f3a5f;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}
header .verdict{font-weight:700;margin-top:6px}header a{color:#cfe0ff}
nav{padding:8px 32px;background:#e9edf5;font-size:14px}nav a{margin-right:16px;color:#1f3a5f}
main{padding:16px 32px;max-width:1240px}h2{font-size:19px;margin:26px 0 10px}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px #0002}
td,th{padding:6px 10px;border-bottom:1px solid #e6e8ef;text-align:left;vertical-align:top;font-size:14px}
th{background:#f0f2f7}td.n{text-align:right;white-space:nowrap}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;margin:14px 0;padding:14px 18px}
.card h3{font-size:16px;margin:0}.sev{font-size:12px;font-weight:700;padding:2px 8px;border-radius:10px;margin-right:8px}
.error{background:#fde2e1;color:#a4161a}.warning{background:#fff1cc;color:#8a5a00}.info{background:#e1ecfd;color:#1f4e99}
.fix{color:#374056;margin:6px 0}.muted{color:#667085;font-size:13px}.ok{color:#1a7f37;font-weight:600}
.incomplete{background:#fff1cc;color:#8a5a00;padding:8px 12px;border-radius:8px;font-weight:600}
details{border-top:1px solid #e6e8ef;padding:8px 0}summary{cursor:pointer}summary code{font-size:13px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:8px}
pre{background:#0f172a;color:#e2e8f0;padding:10px;border-radius:6px;overflow:auto;max-height:360px;
font-size:12px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
pre mark{background:#facc15;color:#111;border-radius:2px}
.cmd{display:flex;gap:8px;align-items:flex-start}.cmd pre{flex:1;max-height:120px}
button{font:inherit;font-size:12px;padding:3px 10px;border:1px solid #c7cede;border-radius:6px;background:#fff;cursor:pointer}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:#667085}
@media(max-width:760px){.pair{grid-template-columns:1fr}main,header,nav{padding-left:14px;padding-right:14px}}
"""


class _Page:
    """Builds the page's parts, with one counter for element ids (copy targets)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.redact: Redactor = redactor(report.options.secrets())
        self.ids = 0

    def copyable(self, text: str, *, label: str = "") -> str:
        self.ids += 1
        ident = f"c{self.ids}"
        return (
            f"<div class=cmd><pre id={ident}>{e(self.redact.text(text))}</pre>"
            f"<button type=button data-copy={ident} aria-label='Copy {e(label)}'>Copy</button></div>"
        )


def as_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    page = _Page(report)
    causes = root_causes(report)
    groups: dict[str, list[Observation]] = {}
    for o in report.observations:
        groups.setdefault(o.finding.rule, []).append(o)
    url = e(page.redact.text(report.options.url))
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f'<meta http-equiv=Content-Security-Policy content="{_CSP}">',
        "<meta name=viewport content='width=device-width'>",
        f"<title>lookupkit verify: {url}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>Lookup Adapter verification</h1><div>{url} · profile "
        f"{e(report.options.profile)} · {len(report.requests)} requests in "
        f"{report.duration:.1f} s · seed {report.options.seed}</div>"
        f"<div class=verdict>{e(verdict(report))}</div></header>",
        "<nav><a href=#summary>Summary</a><a href=#causes>What to fix first</a>"
        "<a href=#rules>Rules</a><a href=#run>The run</a></nav><main>",
    ]
    if report.incomplete:
        parts.append(f"<p class=incomplete>INCOMPLETE: {e(report.incomplete)}</p>")
    parts += _summary(report, causes, groups)
    parts.append("<h2 id=causes>What to fix first</h2>")
    if not causes:
        parts.append(
            "<p class=ok>No findings: the adapter met every rule of this profile the run exercised.</p>"
        )
    for number, cause in enumerate(causes, 1):
        first = cause.observations[0]
        rules = ", ".join(f"<a href='#rule-{e(r)}'><code>{e(r)}</code></a>" for r in cause.rules)
        parts.append(
            f"<section class=card id=cause-{number}><h3><span class='sev {cause.severity}'>"
            f"{cause.severity.upper()}</span>{number}. {e(page.redact.text(cause.title))}</h3>"
            f"<p class=fix>Fix: {e(cause.fix)}</p><p class=muted>{len(cause.observations)} "
            f"finding(s) · rules {rules} · e.g. {e(page.redact.text(first.scenario))}</p>"
        )
        if first.sent is not None and reproduce(first.sent, report.options):
            parts.append(page.copyable(reproduce(first.sent, report.options), label="reproduce"))
        parts.append("</section>")
    parts.append("<h2 id=rules>Rules</h2>")
    for rule_id, group in groups.items():
        parts += _rule(page, rule_id, group)
    parts += _run(page, report)
    parts.append(f"</main><script>{_SCRIPT}</script></body></html>")
    return "".join(parts)


def _summary(
    report: Report, causes: list[Cause], groups: dict[str, list[Observation]]
) -> list[str]:
    parts = [
        "<h2 id=summary>Summary</h2><p>"
        f"<b>{report.errors}</b> errors · <b>{report.count('warning')}</b> warnings · "
        f"<b>{report.count('info')}</b> info · {len(causes)} root cause(s) · "
        f"{sum(report.scenarios.values())} of {len(report.scenarios)} scenarios passed</p>"
    ]
    if causes:
        rows = "".join(
            f"<tr><td><span class='sev {c.severity}'>{c.severity}</span></td>"
            f"<td><a href=#cause-{n}>{e(c.title)}</a></td><td class=n>{len(c.observations)}</td></tr>"
            for n, c in enumerate(causes, 1)
        )
        parts.append(
            f"<table><tr><th>Severity</th><th>Root cause</th><th>Findings</th></tr>{rows}</table>"
        )
    if groups:
        rows = "".join(
            f"<tr><td><span class='sev {g[0].finding.severity}'>{g[0].finding.severity}</span></td>"
            f"<td><a href='#rule-{e(r)}'><code>{e(r)}</code></a> {e(RULES[r].title)}</td>"
            f"<td class=n>{len(g)}</td></tr>"
            for r, g in groups.items()
        )
        parts.append(
            f"<p></p><table><tr><th>Severity</th><th>Rule</th><th>Findings</th></tr>{rows}</table>"
        )
    return parts


def _rule(page: _Page, rule_id: str, group: list[Observation]) -> Iterator[str]:
    rule, severity = RULES[rule_id], group[0].finding.severity
    shown = min(SHOWN, len(group))
    yield (
        f"<section class=card id='rule-{e(rule_id)}'><h3><span class='sev {severity}'>"
        f"{severity.upper()}</span>{e(rule.title)} <small><code>{e(rule_id)}</code></small></h3>"
        f"<p class=fix>Fix: {e(rule.hint)}</p><p class=muted>{shown} of {len(group)} shown"
        + (" (the JSON report keeps up to 50 of each rule)" if len(group) > shown else "")
        + "</p>"
    )
    for index, o in enumerate(group[:SHOWN]):
        where = o.finding.path or "(root)"
        yield (
            f"<details{' open' if index == 0 else ''}><summary>{e(page.redact.text(o.scenario))}"
            f" at <code>{e(where)}</code></summary>"
            f"<pre>{e(page.redact.text(o.finding.message))}</pre><div class=pair>"
            f"<div>Request{_request(page, o.sent)}</div>"
            f"<div>Response{_response(page, o.received, o.finding.path)}</div></div></details>"
        )
    yield "</section>"


def _request(page: _Page, sent: Sent | None) -> str:
    if sent is None:
        return "<pre>(none)</pre>"
    head = f"{sent.method} {sent.url}\n" + "\n".join(
        f"{k}: {v}" for k, v in page.redact.headers(sent.headers).items()
    )
    return f"<pre>{e(page.redact.text(head))}\n\n{_pretty(page, sent.body, '')}</pre>"


def _response(page: _Page, received: Received | None, path: str) -> str:
    if received is None:
        return "<pre>(none)</pre>"
    status = received.status if received.status is not None else "(none)"
    head = f"HTTP {status}  {received.elapsed * 1000:.0f} ms" + (
        f"  {received.error}" if received.error else ""
    )
    head += "\n" + "\n".join(f"{k}: {v}" for k, v in page.redact.headers(received.headers).items())
    return f"<pre>{e(page.redact.text(head))}\n\n{_pretty(page, received.body, path)}</pre>"


def _pretty(page: _Page, raw: bytes, path: str) -> str:
    """The body: JSON pretty-printed with the lines at ``path`` marked, else the text as sent."""
    try:
        value = json.loads(raw.decode("utf-8", "replace")) if len(raw) <= BODY_LIMIT else None
    except (ValueError, RecursionError):
        value = None
    if value is None:
        return e(page.redact.text(shown_body(raw)))
    out = []
    for line_path, line in _lines(value, "", 0, ""):
        shown = e(page.redact.text(line))
        hit = path and (line_path == path or line_path.startswith((path + ".", path + "[")))
        out.append(f"<mark>{shown}</mark>" if hit else shown)
    return "\n".join(out)


def _lines(value: Any, path: str, depth: int, key: str) -> Iterator[tuple[str, str]]:
    """JSON as indented lines, each with the path of the value it belongs to."""
    pad, label = "  " * depth, (json.dumps(key, ensure_ascii=False) + ": ") if key else ""
    if isinstance(value, dict) and value:
        yield path, f"{pad}{label}{{"
        for i, (k, v) in enumerate(value.items()):
            child = f"{path}.{k}" if path else str(k)
            lines = list(_lines(v, child, depth + 1, str(k)))
            if i < len(value) - 1:
                lines[-1] = (lines[-1][0], lines[-1][1] + ",")
            yield from lines
        yield path, f"{pad}}}"
    elif isinstance(value, list) and value:
        yield path, f"{pad}{label}["
        for i, v in enumerate(value):
            lines = list(_lines(v, f"{path}[{i}]", depth + 1, ""))
            if i < len(value) - 1:
                lines[-1] = (lines[-1][0], lines[-1][1] + ",")
            yield from lines
        yield path, f"{pad}]"
    else:
        yield path, f"{pad}{label}{json.dumps(value, ensure_ascii=False)}"


def _run(page: _Page, report: Report) -> Iterator[str]:
    o = report.options
    options = {
        "URL": page.redact.text(o.url),
        "profile": o.profile,
        "seed": str(o.seed),
        "max examples": str(o.max_examples),
        "time budget": f"{o.time_budget:g} s",
        "request timeout": f"{o.request_timeout:g} s",
        "query form": report.query_form or o.query_form,
        "signing key": "given" if o.signing_key else "none",
        "Basic credentials": "given" if o.basic_auth else "none",
        "known customers": str(len(o.known)),
        "customers from the OMS": "; ".join(f"{page.redact.text(m)} ({w})" for m, w in o.picked)
        or "none",
        "search attributes": ", ".join(o.search_attributes),
        "rules": ", ".join(o.rules) or "all",
        "skipped rules": ", ".join(o.skip_rules) or "none",
        "submits": "off (--no-submit)" if o.no_submit else "on",
    }
    yield "<h2 id=run>The run</h2><section class=card><dl>"
    yield "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in options.items())
    yield (
        f"<dt>requests</dt><dd>{len(report.requests)} ({report.fuzzed} generated)</dd>"
        f"<dt>duration</dt><dd>{report.duration:.1f} s</dd>"
    )
    if report.stopped:
        yield f"<dt>stopped</dt><dd>{e(page.redact.text(report.stopped))}</dd>"
    yield "</dl>"
    if report.skipped:
        items = "".join(f"<li>{e(page.redact.text(s))}</li>" for s in report.skipped)
        yield f"<h3>Not done</h3><ul>{items}</ul>"
    passed = [s for s, ok in report.scenarios.items() if ok]
    failed = [s for s, ok in report.scenarios.items() if not ok]
    for title, names in (("Scenarios with findings", failed), ("Scenarios passed", passed)):
        items = "".join(f"<li>{e(page.redact.text(s))}</li>" for s in names)
        yield f"<details><summary>{title} ({len(names)})</summary><ul>{items}</ul></details>"
    yield "</section>"
