"""No 5xx on any input, to any route of any role: a bad-input corpus built from the routes the
apps register (a new route is covered without editing this file), sent byte for byte over a
raw socket: malformed and non-UTF-8 bodies, headers and query strings, deep nesting, wrong JSON
types, extreme numbers and dates, long paths, forged cursors and pathological patterns. Each
must get a 4xx (or a 2xx) within 1 s, and every role must be healthy afterwards.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from contracts.gladly import gladly_request
from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.gladly import GladlyConfig
from mockserver.oms.store import Store
from mockserver.runner import Running, start, stop
from tests.helpers import ADMIN_TOKEN, KEY, REF, SHOPIFY, TOKEN

SAMPLES = {
    "version": "2025-01",
    "hash": "lookupkit",
    "json": "",
    "store": "default",
    "name": "app.js",
}
# The query parameters each platform's fakes read (a name a route ignores costs one request).
QUERY_NAMES = {
    "/admin/api/": (
        "limit", "page_info", "since_id", "ids", "email", "query", "fields", "status",
        "financial_status", "fulfillment_status", "created_at_min", "created_at_max",
        "updated_at_min", "updated_at_max", "name", "order",
    ),
    "/stores/": (
        "page", "limit", "sort", "customer_id", "email", "status_id", "min_id", "max_id",
        "min_date_created", "max_date_created", "id:in", "email:in", "include",
    ),
    "/rest/": (
        "searchCriteria[filter_groups][0][filters][0][value]",
        "searchCriteria[filter_groups][0][filters][0][field]",
        "searchCriteria[filter_groups][0][filters][0][condition_type]",
        "searchCriteria[sortOrders][0][field]", "searchCriteria[pageSize]",
        "searchCriteria[currentPage]",
    ),
    "": ("orderId", "id", "q", "limit"),
}  # fmt: skip
QUERY_VALUES = (
    "%ff%fe", "%ed%a0%80", "9" * 5000, "-1", "1e309", "99999-12-31T00:00:00Z",
    "0001-01-01T00:00:00-23:59", "Thu, 01 Jan 99999 00:00:00 +0000", "0000-00-00",
    "%25%27%25%27%25%27%25%27%25%27%25%27%25%27%23", "%00", "a" * 5000,
    "eyJsYXN0X2lkIjogImZvcmdlZCJ9", "eyJsYXN0X2lkIjpbXSwiZGlyZWN0aW9uIjoxfQ", "forged-cursor",
    "%5B%5D", "1,2,x", "created_at", "like", "DESC",
)  # fmt: skip
BODIES = (
    b"\xff\xfe\xfd",
    b"[" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'"x"',
    b"[]",
    b"null",
    b'{"query": "x", "lookupLevel": 7, "uniqueMatchRequired": "yes"}',
    b'{"mutant": [], "rateLimit": {}, "seed": 1e999, "customers": -1}',
    b'{"name": "\\ud800", "emails": ["\\udfff@example.com"], "note": "\\ud800"}',
    b'{"order": [], "note": {"a": 1}, "tags": 5}',
    b'{"order": {"note": "\\ud800", "tags": [1], "shipping_address": "x"}}',
    b'{"n": ' + b"9" * 5000 + b"}",
    b'{"query": {"email": "\\u0000%\'%\'%\'%\'%\'%\'%#"}, "values": {"a": 1}}',
    b'{"route": "' + b"*" * 5000 + b'", "kind": "status"}',
)
HEADER_VALUES = (b"\xff\xfe", b"\xc3\x28", "é".encode("latin-1"), b"x" * 8000)


@dataclass(frozen=True)
class Route:
    role: str
    method: str
    path: str  # with sample values filled in


def routes_of(role: str, app: web.Application) -> Iterator[Route]:
    """Every route an app registers (sub-apps included), with its path parameters filled."""
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        if "app" in info or route.method == "HEAD":
            continue
        template = info.get("formatter") or info.get("path") or info.get("prefix")
        if not template:
            continue
        path = re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLES.get(m.group(1), "1"), template)
        yield Route(role, route.method, path)


def _credentials(route: Route) -> dict[str, str]:
    if route.path.startswith("/admin/api/"):
        return {"X-Shopify-Access-Token": TOKEN}
    if route.path.startswith("/stores/"):
        return {"X-Auth-Token": TOKEN}
    if route.path.startswith("/rest/"):
        return {"Authorization": f"Bearer {TOKEN}"}
    if route.path.startswith("/_mock/"):
        return {"Lookupkit-Admin-Token": ADMIN_TOKEN}
    return {}


def requests_for(route: Route, port: int) -> Iterator[tuple[str, bytes]]:
    """(what, raw request bytes) for one route: the bad inputs that fit its method."""
    base = _credentials(route)
    if route.method in ("GET", "DELETE"):
        prefix = next(p for p in QUERY_NAMES if route.path.startswith(p))
        for name in QUERY_NAMES[prefix]:
            for value in QUERY_VALUES:
                yield f"query {name}={value[:12]}", _raw(route, port, f"?{name}={value}", base)
    else:
        for body in BODIES:
            yield f"body {body[:16]!r}", _raw(route, port, "", base, body)
    long = re.sub(r"/1(?=/|\.|$)", "/" + "9" * 5000, route.path, count=1)
    if long != route.path:
        yield "a 5,000-digit id", _raw(Route(route.role, route.method, long), port, "", base)
    longer = Route(route.role, route.method, route.path.rstrip("/") + "/" + "a" * 5000)
    yield "a 5,000-character path", _raw(longer, port, "", base)
    if route.path.startswith("/rest/") and route.method == "GET":
        f = "searchCriteria[filter_groups][0][filters][0]"
        pattern = "%25%27%25%27%25%27%25%27%25%27%25%27%25%27%23" * 20
        query = f"?{f}[field]=customer_email&{f}[value]={pattern}&{f}[condition_type]=like"
        yield "a pathological like pattern", _raw(route, port, query, base)
    yield "a non-UTF-8 path", _raw(route, port, "%ff%c0/..%2f", base, path_suffix=True)
    for name in [*base, "Gladly-Authorization", "Content-Type", "Gladly-Time"]:
        for header in HEADER_VALUES:
            yield f"header {name} {header[:6]!r}", _raw(route, port, "", base | {name: header})


def _raw(
    route: Route,
    port: int,
    query: str,
    headers: dict[str, Any],
    body: bytes | None = None,
    *,
    path_suffix: bool = False,
) -> bytes:
    path = route.path + (query if not path_suffix else "/" + query)
    if route.role == "adapter" and "Gladly-Authorization" not in headers:
        _, signed = gladly_request(
            route.method, f"http://127.0.0.1:{port}{path}", body, key=KEY
        )  # signed over the bad input, so the handler behind the signature check sees it
        headers = signed | headers
    elif body is not None:
        headers = {"Content-Type": "application/json"} | headers
    data = body or b""
    lines = [f"{route.method} {path} HTTP/1.1".encode(), f"Host: 127.0.0.1:{port}".encode()]
    for name, value in headers.items():
        encoded = value if isinstance(value, bytes) else str(value).encode("latin-1", "replace")
        lines.append(name.encode() + b": " + encoded)
    lines += [f"Content-Length: {len(data)}".encode(), b"Connection: close", b"", b""]
    return b"\r\n".join(lines) + data


async def _send(port: int, raw: bytes) -> tuple[int | None, float]:
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 1.0)
        await asyncio.wait_for(reader.read(), 1.0)
    except (TimeoutError, ConnectionError):
        return None, time.monotonic() - started
    finally:
        writer.close()
    match = re.match(rb"HTTP/1\.[01] (\d{3})", line)
    return (int(match.group(1)) if match else None), time.monotonic() - started


@pytest.fixture
async def kit() -> AsyncIterator[dict[str, Any]]:
    store = Store(admin_token=ADMIN_TOKEN)
    store.seed(7, customers=10, reference=REF)
    store.settings["rateLimit"] = False
    running = Running()
    apps: dict[str, web.Application] = {"oms": roles.oms_app(store, token=TOKEN)}
    ports = {"oms": int((await start(running, "oms", apps["oms"])).rsplit(":", 1)[1])}
    config = AdapterConfig(f"http://127.0.0.1:{ports['oms']}{SHOPIFY}", TOKEN, signing_key=KEY)
    apps["adapter"] = roles.adapter_app(store, config)
    ports["adapter"] = int((await start(running, "adapter", apps["adapter"])).rsplit(":", 1)[1])
    gladly = GladlyConfig(f"http://127.0.0.1:{ports['adapter']}/", signing_key=KEY)
    apps["gladly"] = roles.gladly_app(store, gladly)
    ports["gladly"] = int((await start(running, "gladly", apps["gladly"])).rsplit(":", 1)[1])
    yield {"store": store, "apps": apps, "ports": ports}
    await stop(running)
    store.close()


@pytest.mark.parametrize("role", ["oms", "adapter", "gladly"])
async def test_no_input_gets_a_5xx_or_hangs(kit, role):
    routes = list(routes_of(role, kit["apps"][role]))
    assert len(routes) >= {"oms": 40, "adapter": 10, "gladly": 15}[role]
    port, failures, statuses = kit["ports"][role], [], Counter[int | None]()
    for route in routes:
        for what, raw in requests_for(route, port):
            status, elapsed = await _send(port, raw)
            statuses[status] += 1
            if status is None or status >= 500 or elapsed > 1.0:
                failures.append(
                    f"{route.method} {route.path[:60]} {what}: {status} in {elapsed:.2f} s"
                )
    sent = sum(statuses.values())
    assert sent < 250 * len(routes), (sent, len(routes))  # bounded: a fixed corpus per route
    assert failures == [], f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])
    # the corpus reaches the handlers: many refused as bad input, some answered
    assert statuses[400] > sent // 20, statuses
    assert statuses[200] > 0, statuses
    crashes = [u.note for u in kit["store"].unexpected if u.note.startswith("crash")]
    assert crashes == []
    for other, other_port in kit["ports"].items():  # every role still healthy
        status, _ = await _send(
            other_port, b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert status == 200, other


async def test_half_sent_requests_are_closed_and_the_server_keeps_answering():
    """Clients that never finish a request head lose their connection after the header
    timeout; complete requests, also slow ones, are served meanwhile."""
    store = Store(admin_token=ADMIN_TOKEN)
    running = Running()
    url = await start(running, "oms", roles.oms_app(store, token=TOKEN), header_timeout=1.0)
    port = int(url.rsplit(":", 1)[1])
    try:
        half = []
        for _ in range(200):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            half.append((reader, writer))
        status, _ = await _send(
            port, b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert status == 200
        started = time.monotonic()
        closed = await asyncio.wait_for(
            asyncio.gather(*(reader.read() for reader, _ in half)), timeout=5
        )
        assert time.monotonic() - started < 3
        assert all(data == b"" for data in closed)  # closed without an answer
        for _, writer in half:
            writer.close()
    finally:
        await stop(running)
        store.close()
