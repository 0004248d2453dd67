"""``lookupkit replay REPORT.json [--finding N]``: resend a finding's request, signed afresh (a new
Gladly-Time, the key from the environment), and show what the adapter answers now."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from contracts.cli import InputError, user_password
from contracts.exchange import NOT_JSON
from contracts.gladly import gladly_request, same_origin
from contracts.redact import REDACTED, redactor
from contracts.verify.options import VerifyOptions
from contracts.verify.transport import Sent, Transport

__all__ = ["replay"]

TRANSPORT = {"user-agent", "accept-encoding", "content-length", "host", "connection"}
SIGNED_ANEW = {"gladly-authorization", "gladly-time", "authorization", "www-authenticate"}


def _finding(path: str, number: int | None) -> tuple[dict[str, Any], dict[str, Any], int]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        findings = document["findings"]
        url = document["run"]["url"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{path!r} is not a lookupkit verify JSON report ({type(exc).__name__})",
            "write one with --report json:PATH",
        ) from None
    with_request = [i for i, f in enumerate(findings, 1) if isinstance(f.get("request"), dict)]
    if not with_request:
        raise InputError(f"{path!r} has no finding with a request", "run verify again")
    chosen = number or with_request[0]
    if chosen not in with_request:
        raise InputError(
            f"finding {chosen} has no request to replay",
            f"pick one of {', '.join(map(str, with_request[:20]))}",
        )
    return findings[chosen - 1], {"url": url}, chosen


@click.command()
@click.argument("report", metavar="REPORT.json")
@click.option(
    "--finding", type=click.IntRange(1), help="Which finding (1-based; default the first)."
)
@click.option("--signing-key", envvar="GLADLY_SIGNING_KEY", show_envvar=True, metavar="KEY")
@click.option("--basic-auth", metavar="USER:PASS")
@click.option("--timeout", type=click.FloatRange(0.1, 60), default=15.0, show_default=True)
def replay(
    report: str,
    finding: int | None,
    signing_key: str | None,
    basic_auth: str | None,
    timeout: float,
) -> None:
    """Resend the request of one finding of a verify report, signed afresh, and show the answer."""
    chosen, run, number = _finding(report, finding)
    request = chosen["request"]
    url, method = str(request["url"]), str(request["method"])
    if not same_origin(run["url"], url):
        raise InputError(f"{url!r} is not on the verified adapter's origin", "replay refuses it")
    body = str(request.get("body", ""))
    if "bytes in all; the rest is not shown" in body:
        raise InputError("that request's body was too large to keep in the report", "rerun verify")
    custom = {
        k: v
        for k, v in dict(request.get("headers") or {}).items()
        if k.lower() not in TRANSPORT | SIGNED_ANEW and v != REDACTED
    }
    creds = user_password(basic_auth)
    raw, headers = gladly_request(
        method,
        url,
        body.encode() if method == "POST" else None,
        key=signing_key or None,
        basic_auth=(*creds, "") if creds else None,
        custom=custom,
    )
    transport = Transport(timeout=timeout)
    try:
        received = transport.send(Sent(method, url, headers, raw))
    finally:
        transport.close()
    click.echo(
        f"Finding {number}: {chosen.get('rule')} ({chosen.get('severity')}) in {chosen.get('scenario')}"
    )
    was = (chosen.get("response") or {}).get("status")
    click.echo(
        f"{method} {url}  ->  HTTP {received.status} (was {was}) in {received.elapsed * 1000:.0f} ms"
    )
    if received.error:
        click.echo(f"  {received.error}")
    parsed = received.json
    pretty = parsed is not NOT_JSON
    text = json.dumps(parsed, indent=2, ensure_ascii=False) if pretty else received.text
    options = VerifyOptions(url, signing_key=signing_key, basic_auth=creds, headers=custom)
    click.echo(redactor(options.secrets()).text(text[:20_000]))
