"""The store's durability and the /_mock admin API with every fault kind."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from mockserver import roles
from mockserver.oms.store import OrderQuery, Store
from mockserver.runner import Running, start, stop
from tests.helpers import ADMIN, REF, SHOPIFY, TOKEN

H = {"X-Shopify-Access-Token": TOKEN}


async def test_data_written_through_the_api_survives_a_restart(tmp_path, http):
    path = str(tmp_path / "oms.sqlite3")
    store = Store(path)
    store.seed(3, customers=5, reference=REF)
    order_id = store.list_orders(OrderQuery(status="any"), limit=1)[0][1]
    running = Running()
    url = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    async with http.put(
        f"{url}{SHOPIFY}/orders/{order_id}.json",
        headers=H,
        json={"order": {"note": "written before the restart"}},
    ) as response:
        assert response.status == 200
    await stop(running)
    store.close()

    again = Store(path)
    running = Running()
    url = await start(running, "oms", roles.oms_app(again, token=TOKEN))
    async with http.get(f"{url}{SHOPIFY}/orders/{order_id}.json", headers=H) as response:
        assert (await response.json())["order"]["note"] == "written before the restart"
    assert again.count_customers() == 5
    await stop(running)
    again.close()


def _delete_then_crash(store: Store) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM customers")
        raise RuntimeError("crash mid-write")


def test_a_failed_write_leaves_the_previous_state():
    store = Store()
    store.seed(1, customers=3, reference=REF)
    before = store.known_customers(3)
    with pytest.raises(RuntimeError, match="mid-write"):
        _delete_then_crash(store)
    assert store.known_customers(3) == before
    broken = {
        "customer": {
            "id": 1,
            "email": "a@b.c",
            "first_name": "A",
            "last_name": "B",
            "created_at": "2026-01-01T00:00:00Z",
        },
        "orders": [{"id": None}],
        "products": [],
    }
    with pytest.raises(KeyError):
        store.load([broken])
    assert store.customer(1) is None
    assert store.known_customers(3) == before


def test_seed_is_deterministic_and_reset_empties():
    a, b = Store(), Store()
    a.seed(5, customers=10, reference=REF)
    b.seed(5, customers=10, reference=REF)
    assert a.known_customers(10) == b.known_customers(10)
    a.reset()
    assert a.count_customers() == 0


async def test_admin_reset_seed_journal_and_customers(servers, http):
    async with http.post(
        servers.oms + "/_mock/seed",
        json={"seed": 9, "customers": 4, "referenceDate": "2026-01-01"},
        headers=ADMIN,
    ) as r:
        assert (await r.json()) == {"ok": True, "customers": 4}
    async with http.get(servers.oms + "/_mock/customers") as r:
        assert len((await r.json())["customers"]) == 4
    async with http.get(servers.oms + "/_mock/customers?limit=2") as r:
        assert len((await r.json())["customers"]) == 2
    for bad in ("0", "10001", "two", "9" * 5000, "\u0663"):  # Arabic-Indic 3 is no ASCII digit
        async with http.get(servers.oms + "/_mock/customers", params={"limit": bad}) as r:
            assert r.status == 400, bad
            assert (await r.json())["field"] == "limit"
    async with http.get(servers.shopify + "/orders/count.json", headers=H) as r:
        assert r.status == 200
    async with http.get(servers.oms + "/_mock/requests") as r:
        journal = await r.json()
    assert [(e["method"], e["path"], e["status"]) for e in journal["requests"]] == [
        ("GET", SHOPIFY + "/orders/count.json", 200)
    ]
    async with http.post(servers.adapter + "/_mock/reset", json={}, headers=ADMIN) as r:
        assert r.status == 200
    assert servers.store.count_customers() == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/_mock/seed", {"seed": "seven"}, "seed"),
        ("/_mock/seed", {"customers": 10**7}, "customers"),
        ("/_mock/seed", {"referenceDate": "tomorrow"}, "referenceDate"),
        ("/_mock/faults", {"kind": "gremlins"}, "kind"),
        ("/_mock/faults", {"kind": "status", "status": 999}, "status"),
        ("/_mock/faults", {"kind": "latency", "delayMs": -1}, "delayMs"),
        ("/_mock/faults", {"kind": "status", "probability": 2}, "probability"),
        ("/_mock/faults", {"kind": "status", "times": 0}, "times"),
        ("/_mock/faults", {"kind": "status", "status": 429, "retryAfter": 1.5}, "retryAfter"),
        ("/_mock/settings", {"mutant": "godzilla"}, "mutant"),
        ("/_mock/settings", {"rateLimit": "yes"}, "rateLimit"),
    ],
)
async def test_admin_rejects_bad_input_by_name(servers, http, path, body, field):
    async with http.post(servers.oms + path, json=body, headers=ADMIN) as r:
        assert r.status == 400
        assert (await r.json())["field"] == field
    headers = ADMIN | {"Content-Type": "application/json"}
    async with http.post(servers.oms + path, data=b"{oops", headers=headers) as r:
        assert r.status == 400


async def add_fault(http, servers, **spec) -> None:
    async with http.post(
        servers.oms + "/_mock/faults",
        json={"route": SHOPIFY + "/orders/count.json"} | spec,
        headers=ADMIN,
    ) as r:
        assert r.status == 201, await r.text()


async def count(http, servers) -> tuple[int | None, float]:
    started = time.perf_counter()
    try:
        async with http.get(
            servers.shopify + "/orders/count.json",
            headers=H,
            timeout=aiohttp.ClientTimeout(total=5),
        ) as r:
            await r.json()
            return r.status, time.perf_counter() - started
    except (aiohttp.ClientError, ValueError):
        return None, time.perf_counter() - started


async def test_status_fault_for_n_requests(servers, http):
    await add_fault(http, servers, kind="status", status=503, times=2)
    assert [(await count(http, servers))[0] for _ in range(3)] == [503, 503, 200]


async def test_latency_fault(servers, http):
    await add_fault(http, servers, kind="latency", delayMs=300, times=1)
    status, elapsed = await count(http, servers)
    assert status == 200
    assert elapsed >= 0.3


async def raw_get(url: str, path: str) -> bytes:
    """One HTTP/1.1 GET over a plain socket: what the server sent, with no client retries or parsing."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Shopify-Access-Token: {TOKEN}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    try:
        return await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:
        return b"<reset>"
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        (
            "malformed",
            lambda raw: raw.startswith(b"HTTP/1.1 200") and raw.endswith(b'"items": [1, 2'),
        ),
        (
            "truncated",
            lambda raw: b"Content-Length: 4096" in raw and len(raw.split(b"\r\n\r\n", 1)[1]) < 4096,
        ),
        ("reset", lambda raw: raw in (b"", b"<reset>")),
    ],
)
async def test_broken_answer_faults(servers, http, kind, check):
    await add_fault(http, servers, kind=kind, times=1)
    path = SHOPIFY + "/orders/count.json"
    assert check(await raw_get(servers.oms, path))
    assert (await raw_get(servers.oms, path)).startswith(b"HTTP/1.1 200")


async def test_probability_fault_and_clear(servers, http):
    await add_fault(http, servers, kind="status", status=500, probability=0.5)
    statuses = [(await count(http, servers))[0] for _ in range(40)]
    assert 5 < statuses.count(500) < 35
    async with http.post(servers.oms + "/_mock/faults/clear", json={}, headers=ADMIN) as r:
        assert r.status == 200
    assert {(await count(http, servers))[0] for _ in range(5)} == {200}


async def test_unknown_routes_answer_json_and_are_recorded(servers, http):
    async with http.get(servers.oms + "/no/such/thing") as r:
        body = await r.json()
    assert r.status == 404
    assert body["error"] == "no such route"
    assert "/_mock/requests" in body["known_routes"]
    assert [u.path for u in servers.store.unexpected] == ["/no/such/thing"]
    servers.store.unexpected.clear()


async def test_concurrent_writes_do_not_interleave(servers, http):
    order_id = servers.store.list_orders(OrderQuery(status="any"), limit=1)[0][1]
    notes = [f"note {i}" for i in range(20)]
    await asyncio.gather(
        *(
            http.put(
                f"{servers.shopify}/orders/{order_id}.json", headers=H, json={"order": {"note": n}}
            )
            for n in notes
        )
    )
    assert servers.store.order(order_id)["note"] in notes


# -- admin routes no web page can drive ------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "data", "status", "field"),
    [
        ({"Content-Type": "text/plain"}, '{"mutant": "accept-unsigned"}', 415, "Content-Type"),
        (
            {"Content-Type": "application/x-www-form-urlencoded"},
            "mutant=accept-unsigned",
            415,
            "Content-Type",
        ),
        ({"Content-Type": "application/json"}, '{"mutant": "accept-unsigned"}', 401, ""),
        (
            {"Content-Type": "application/json", "Lookupkit-Admin-Token": "guess"},
            '{"mutant": "accept-unsigned"}',
            401,
            "",
        ),
    ],
)
async def test_admin_writes_need_json_and_the_run_token(servers, headers, data, status, field):
    """What a web page could send (a form, text/plain, no token) changes nothing."""
    async with aiohttp.ClientSession() as bare:  # no token by default, unlike the http fixture
        for path in ("/_mock/settings", "/_mock/reset", "/_mock/seed", "/_mock/faults"):
            async with bare.post(servers.adapter + path, data=data, headers=headers) as r:
                body = await r.json()
                assert r.status == status, (path, body)
                assert body["field"] == (field or "Lookupkit-Admin-Token"), body
        async with bare.get(servers.adapter + "/_mock/settings") as r:  # reads stay open
            assert (await r.json())["settings"]["mutant"] is None
    assert servers.store.count_customers() > 0
    assert servers.store.faults == {}


async def test_admin_bodies_are_bounded_and_deep_json_is_a_400(servers, http):
    headers = ADMIN | {"Content-Type": "application/json"}
    async with http.post(servers.oms + "/_mock/faults", data=b"[" * 5000, headers=headers) as r:
        assert (r.status, (await r.json())["error"]) == (400, "body is not valid JSON")
    async with http.post(
        servers.oms + "/_mock/faults",
        data=b" " * (65 * 1024),
        headers=headers,
    ) as r:
        assert r.status == 413


async def test_seeding_runs_off_the_event_loop_one_at_a_time(servers, http):
    """While a large seed runs, every role keeps answering, and a second seed is refused."""
    seeding = asyncio.create_task(
        http.post(servers.oms + "/_mock/seed", json={"seed": 3, "customers": 2000}, headers=ADMIN)
    )
    await asyncio.sleep(0.3)
    started = time.monotonic()
    async with http.get(servers.adapter + "/_mock/health") as r:
        assert r.status == 200
    answered = time.monotonic() - started
    async with http.post(servers.oms + "/_mock/seed", json={"customers": 1}, headers=ADMIN) as r:
        second = r.status
    response = await seeding
    assert (await response.json())["customers"] == 2000
    response.release()
    assert second == 409
    assert answered < 0.5, answered
