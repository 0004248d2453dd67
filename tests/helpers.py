"""What several test modules share: constants, sample documents, Gladly-style requests, and
the installed lookupkit command. Test modules import from here, never from each other."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from contracts import rules as R
from contracts.checks import judge
from contracts.gladly import gladly_request
from contracts.probes import (
    finds_customer,
    foreign_origin,
    form_target_refused,
    injection_leaks,
    must_reject,
    query_form_found,
    returns_both,
    reveals,
    submit_is_robust,
    unknown_id_is_empty,
)
from contracts.rules import PROFILES, Finding, Profile
from generators.build import TYPES
from generators.dataset import DatasetOptions, records, today

REF = date(2026, 11, 28)
SHOTS = Path(__file__).parent.parent / "artifacts" / "screenshots"  # the browser tests' artifacts
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KEY = "adapter-test-signing-key"
TOKEN = "shpat_test_token_0123456789"
SHOPIFY = "/admin/api/2025-01"


# -- sample documents ---------------------------------------------------------------------------

ADDRESS = {
    "street1": "1 Market St",
    "city": "San Francisco",
    "state": "CA",
    "country": "US",
    "zip": "94105",
}
ORDER: dict[str, Any] = {
    "type": "ORDER",
    "createdAt": "2024-05-01T12:00:00Z",
    "orderNumber": "#1001",
    "orderStatus": "complete",
    "orderTotal": "$50.00",
    "currencyCode": "USD",
    "itemCount": 2,
    "customerOrderUrl": "https://shop.example.com/orders/1001",
    "products": [
        {"id": "p1", "name": "Socks", "sku": "SOCK-1", "imageUrl": "https://img.example.com/1.jpg"},
        {"id": "p2", "name": "Scarf", "sku": "SCARF-1"},
    ],
    "fulfillments": [
        {
            "productIds": ["p1", "p2"],
            "trackingUrl": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
            "trackingNumber": "1Z999AA10123456784",
            "carrier": "UPS",
            "shippingSpeed": "Ground",
            "shippingAddress": dict(ADDRESS, phone="+14155550123"),
        }
    ],
    "actions": [{"name": "Cancel order", "formUrl": "/actions/cancel?order=1001"}],
}
SUBSCRIPTION: dict[str, Any] = {
    "type": "SUBSCRIPTION",
    "subscriptionId": "S1",
    "status": "Active",
    "billingIntervalUnit": "month",
    "billingIntervalNumber": "1",
    "quantity": "1",
}
PROFILE: dict[str, Any] = {
    "externalCustomerId": "c1",
    "name": "Ana Díaz",
    "address": "1 Market St, San Francisco",
    "emails": [{"original": "ana@example.com"}],
    "phones": [{"original": "+14155550123", "type": "MOBILE"}],
    "customAttributes": {"tier": "gold"},
    "transactions": [ORDER, SUBSCRIPTION, {"type": "GENERIC", "name": "RES 1"}],
    "actions": [{"name": "Add note", "formUrl": "https://adapter.example.com/actions/note"}],
}
DETAILED = {
    "lookupLevel": "DETAILED",
    "query": {"externalCustomerId": "c1"},
    "uniqueMatchRequired": True,
}

AUTO_LINK = {
    "lookupLevel": "BASIC",
    "query": {"emails": ["ana@example.com"], "id": "Br1zuiBMTA-daPVl50x45w"},
    "uniqueMatchRequired": False,
}
SEARCH = {
    "lookupLevel": "BASIC",
    "query": {"email": "ana@example.com"},
    "uniqueMatchRequired": False,
}
BASIC_PROFILE = {k: v for k, v in PROFILE.items() if k not in ("transactions", "actions")}


# -- rule cases ---------------------------------------------------------------------------------

Run = Callable[[Profile], list[Finding]]
CODES = {"error": "E", "warning": "W", "info": "I"}


@dataclass(frozen=True)
class Case:
    """A rule's severities per profile (E, W, I or -), an example that breaks it, one that keeps it."""

    rule: str
    levels: str
    bad: Run
    good: Run


def levels_of(run: Run, rule: str) -> str:
    out = ""
    for p in PROFILES:
        severities = {f.severity for f in run(p) if f.rule == rule}
        assert len(severities) <= 1, f"{rule} has mixed severities in {p}: {severities}"
        out += CODES[severities.pop()] if severities else "-"
    return out


def reject(rule: Any, status: int) -> Run:
    return lambda p: judge(must_reject(rule, status, "an unsigned request"), p)


SIG = b"5" * 64
ORACLE = ("lookupkit-secret-key", SIG.decode())
# The rules of the attack probes and the learned scenarios, judged by contracts.probes as
# verify judges them; test_rules runs them with the rest of the catalogue.
ATTACK_CASES = [
    Case(
        "actions.foreign-origin",
        "EEE",
        lambda p: judge(foreign_origin("http://a.test/", "http://b.test/actions/x", "formUrl"), p),
        lambda p: judge(
            foreign_origin("http://a.test/", "http://a.test:80/actions/x", "formUrl"), p
        ),
    ),
    Case(
        "security.rejects-near-miss",
        "EEE",
        reject(R.REJECTS_NEAR_MISS, 200),
        reject(R.REJECTS_NEAR_MISS, 401),
    ),
    Case(
        "security.rejects-replayed-signature",
        "EEE",
        reject(R.REJECTS_REPLAY, 200),
        reject(R.REJECTS_REPLAY, 403),
    ),
    Case(
        "security.no-signature-oracle",
        "EEE",
        lambda p: judge(reveals(ORACLE, b'{"expected": "' + SIG + b'"}', {}, "a probe"), p),
        lambda p: judge(reveals(ORACLE, b'{"error": "signature mismatch"}', {}, "a probe"), p),
    ),
    Case(
        "security.action-endpoints-signed",
        "EEE",
        reject(R.ACTIONS_GUARDED, 200),
        reject(R.ACTIONS_GUARDED, 401),
    ),
    Case(
        "security.search-injection",
        "EEE",
        lambda p: judge(injection_leaks("*", [PROFILE], "a search for '*'"), p),
        lambda p: judge(injection_leaks("ana@example.com", [PROFILE], "a search"), p),
    ),
    Case(
        "security.query-form",
        "III",
        lambda p: judge(query_form_found("documented", "/a?x=1", 200), p),
        lambda p: judge(query_form_found("path-with-query", "/a?x=1", 200), p),
    ),
    Case(
        "security.query-form-undocumented",
        "WWW",
        lambda p: judge(query_form_found("path-with-query", "/a?x=1", 200), p),
        lambda p: judge(query_form_found("documented", "/a?x=1", 200), p),
    ),
    Case(
        "auto-link.every-contact",
        "WWE",
        lambda p: judge(finds_customer(R.EVERY_CONTACT, "c1", 200, [], "by phone"), p),
        lambda p: judge(finds_customer(R.EVERY_CONTACT, "c1", 200, [PROFILE], "by phone"), p),
    ),
    Case(
        "auto-link.email-case-insensitive",
        "WWE",
        lambda p: judge(finds_customer(R.EMAIL_CASE, "c1", 200, [], "ANA@EXAMPLE.COM"), p),
        lambda p: judge(finds_customer(R.EMAIL_CASE, "c1", 200, [PROFILE], "ANA@EXAMPLE.COM"), p),
    ),
    Case(
        "auto-link.all-matches",
        "WWE",
        lambda p: judge(returns_both(("c1", "c2"), 200, [PROFILE]), p),
        lambda p: judge(
            returns_both(("c1", "c2"), 200, [PROFILE, dict(PROFILE, externalCustomerId="c2")]), p
        ),
    ),
    Case(
        "detailed.unknown-id",
        "EEE",
        lambda p: judge(unknown_id_is_empty("c9", 404, None), p),
        lambda p: judge(unknown_id_is_empty("c9", 200, []), p),
    ),
    Case(
        "action-submit.robust",
        "EEE",
        lambda p: judge(submit_is_robust(200, {"ok": True}, "a list for 'note'"), p),
        lambda p: judge(
            submit_is_robust(400, {"errors": [{"attr": "note", "detail": "x"}]}, "a list"), p
        ),
    ),
    Case(
        "action-form.unknown-target",
        "WWW",
        lambda p: judge(form_target_refused(200, "/actions/x?order=nope"), p),
        lambda p: judge(form_target_refused(404, "/actions/x?order=nope"), p),
    ),
]
ATTACK_RULES = tuple(case.rule for case in ATTACK_CASES)


# -- requests as Gladly sends them --------------------------------------------------------------


async def gladly(
    http: aiohttp.ClientSession,
    url: str,
    body: Any = None,
    *,
    method: str = "POST",
    key: str | None = KEY,
    **options: Any,
) -> tuple[int, Any]:
    """Send a request as Gladly would and return (status, parsed JSON or None)."""
    raw, headers = gladly_request(method, url, body, key=key, **options)
    async with http.request(
        method, url, data=raw if body is not None else None, headers=headers
    ) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text) if text else None
        except ValueError:
            return response.status, text


# -- the lookupkit command, as users run it -----------------------------------------------------


def run(
    lookupkit: str, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "GLADLY_SIGNING_KEY"} | (env or {})
    return subprocess.run(
        [lookupkit, *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
        check=False,
    )


@contextmanager
def serving(
    lookupkit: str, *args: str, cwd: Path | None = None
) -> Iterator[tuple[subprocess.Popen[str], dict[str, str], list[str]]]:
    proc = subprocess.Popen(
        [lookupkit, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if "Press Ctrl-C" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    assert ready.wait(30), lines
    urls = {
        m.group(1).lower(): m.group(2)
        for line in lines
        if (m := re.match(r"^(Fake OMS|Fake Gladly|Adapter)\s+(https?://\S+?)/?\s", line + " "))
    }
    names = {"fake oms": "oms", "fake gladly": "gladly"}
    urls = {names.get(k, k): v.rstrip("/") for k, v in urls.items()}
    try:
        yield proc, urls, lines
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)
        reader.join(10)
        assert proc.stdout is not None
        proc.stdout.close()


# -- lookupkit verify against a served kit --------------------------------------------------------

VERIFY_KEY = "verify-test-signing-key-7f3a"


ADMIN_TOKEN = "test-admin-token-5b2c"
ADMIN = {"Lookupkit-Admin-Token": ADMIN_TOKEN}  # what /_mock writes carry


def open_gladly(page: Any, base: str) -> None:
    """Load the fake Gladly's page and wait until its script has wired every control (a click
    before that would do nothing)."""
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready]", state="attached")


def admin_post(base: str, path: str, body: dict[str, Any]) -> Any:
    """A /_mock write to a served kit (started with ``--admin-token ADMIN_TOKEN``)."""
    request = urllib.request.Request(
        base + "/_mock" + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **ADMIN},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)
        return json.loads(response.read())


def json_call(request: str | urllib.request.Request) -> tuple[int, Any]:
    """The status and JSON body of a request to a served kit, error statuses included."""
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def set_mutant(served: dict[str, Any], name: str | None) -> None:
    admin_post(served["admin"], "/settings", {"mutant": name})


def verify(
    lookupkit: str, *args: str, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [lookupkit, "verify", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin"},
    )
    return result, time.monotonic() - started


def known(served: dict[str, Any]) -> list[str]:
    return [
        "--known",
        f"email={served['emails'][0]}",
        "--known",
        f"phone={served['phones'][1]}",
        "--known",
        f"email={served['emails'][2]}",
    ]


# -- an adapter with every transaction type, for the cards ---------------------------------------


def all_types_profiles() -> dict[str, dict[str, Any]]:
    options = DatasetOptions(
        customers=4, seed=3, types=TYPES, min_orders=2, max_orders=3, reference=today()
    )
    return {r["gladly"]["emails"][0]["original"]: r["gladly"] for r in records(options, "gladly")}


def all_types_app() -> web.Application:
    people = all_types_profiles()
    by_id = {p["externalCustomerId"]: p for p in people.values()}

    async def lookup(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        query = body["query"]
        if body["lookupLevel"] == "DETAILED":
            found = by_id.get(query["externalCustomerId"])
            return web.json_response({"results": [found] if found else []})
        emails = query.get("emails") or [query.get("email", "")]
        return web.json_response(
            {
                "results": [
                    {k: v for k, v in people[e].items() if k != "transactions"}
                    for e in emails
                    if e in people
                ]
            }
        )

    app = web.Application()
    app.router.add_post("/", lookup)
    return app


# -- the npm SDKs the compatibility tests drive (installed by make test into tests/sdk) ------------

SDK = Path(__file__).parent / "sdk"


async def run_node(script: str, *args: str, package: str) -> dict[str, Any]:
    """Run ``tests/sdk/SCRIPT`` with node (it prints one JSON document) and return what it
    printed; a missing node or package fails with the command that installs it."""
    node = shutil.which("node")
    assert node, "node is missing: run make test (it installs Node.js and the SDKs)"
    assert (SDK / "node_modules" / package).is_dir(), (
        f"the npm SDK {package} is missing: run make test (npm ci --prefix tests/sdk)"
    )
    proc = await asyncio.create_subprocess_exec(
        node, str(SDK / script), *args,
        cwd=SDK, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return dict(json.loads(out))
