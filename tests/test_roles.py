"""The roles as assembled: the adapter on its own, its logs, one harness on every role, and a
reset that puts every piece of state back."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from generators.money import CURRENCIES, format_money
from mockserver import adapter, roles
from mockserver.adapter.money import money
from mockserver.gladly import GladlyConfig
from mockserver.oms.store import Store
from mockserver.runner import Running, start, stop
from tests.helpers import ADMIN, ADMIN_TOKEN, KEY, REF, SHOPIFY, TOKEN, gladly

LOOKUP = {
    "lookupLevel": "DETAILED",
    "query": {"externalCustomerId": "1"},
    "uniqueMatchRequired": True,
}


async def test_the_adapter_serves_on_its_own_without_the_kit(store, http):
    running = Running()
    oms = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = adapter.AdapterConfig(oms + SHOPIFY, TOKEN, signing_key=KEY)
    url = await start(running, "adapter", adapter.create_app(config)) + "/"
    try:
        customer = str(store.known_customers(1)[0]["id"])
        request = dict(LOOKUP, query={"externalCustomerId": customer})
        status, body = await gladly(http, url, request)
        assert status == 200
        assert body["results"][0]["externalCustomerId"] == customer
        assert (await gladly(http, url, request, key=None))[0] == 401
        assert (await gladly(http, url, request, key="another-key"))[0] == 401
        async with http.get(url + "_mock/requests") as response:
            assert (
                response.status == 401
            )  # no back door: the admin API is the kit's, not the adapter's
    finally:
        await stop(running)


async def test_the_adapter_logs_refusals_and_oms_failures_without_secrets(servers, http, caplog):
    caplog.set_level(logging.INFO, logger="lookupkit.adapter")
    url = servers.adapter + "/"
    assert (await gladly(http, url, LOOKUP, key="wrong-key-Zq81"))[0] == 401
    async with http.post(
        servers.oms + "/_mock/faults",
        json={"route": f"{SHOPIFY}/customers/*", "status": 503},
        headers=ADMIN,
    ) as response:
        assert response.status == 201
    customer = str(servers.store.known_customers(1)[0]["id"])
    status, _ = await gladly(http, url, dict(LOOKUP, query={"externalCustomerId": customer}))
    assert status == 502
    lines = [r.getMessage() for r in caplog.records if r.name == "lookupkit.adapter"]
    assert any("event=refused reason=mismatch" in line for line in lines), lines
    assert any("event=oms-failed status=502" in line for line in lines), lines
    text = "\n".join(lines)
    assert KEY not in text
    assert TOKEN not in text
    assert "wrong-key-Zq81" not in text


def test_the_adapter_config_never_shows_its_secrets():
    config = adapter.AdapterConfig(
        "http://127.0.0.1:1", TOKEN, signing_key=KEY, basic_auth=("u", "pw-Zq81")
    )
    shown = repr(config)
    assert KEY not in shown
    assert TOKEN not in shown
    assert "pw-Zq81" not in shown
    assert "oms_url='http://127.0.0.1:1'" in shown


@pytest.mark.parametrize("code", sorted(CURRENCIES))
def test_the_adapters_money_writes_amounts_as_the_generators_do(code):
    decimals = CURRENCIES[code].decimals
    for minor in (0, 5, 99, 100, 123456, 1000000, 987654321):
        amount = str(Decimal(minor).scaleb(-decimals))
        assert money(amount, code) == format_money(minor, code), (amount, code)
    assert money("12.5", "CHF") == "CHF 12.50"


async def test_every_role_mounts_the_harness_and_journals_its_requests(store, http):
    running = Running()
    gladly_url = await start(
        running, "gladly", roles.gladly_app(store, GladlyConfig("http://127.0.0.1:9/"))
    )
    try:
        async with http.get(gladly_url + "/_mock/health") as response:
            assert (await response.json()) == {"ok": True, "role": "gladly"}
        async with http.post(gladly_url + "/api/profiles", json={"name": ""}) as response:
            assert response.status == 400
            assert await response.json() == {"error": "Give the profile a name.", "field": "name"}
        async with http.post(
            gladly_url + "/_mock/seed", json={"seed": "x"}, headers=ADMIN
        ) as response:
            assert response.status == 400
            assert await response.json() == {
                "error": "seed must be an integer (got 'x')",
                "field": "seed",
            }
        journal = [(r.role, r.method, r.path, r.status) for r in store.requests]
        assert ("gladly", "POST", "/api/profiles", 400) in journal
    finally:
        await stop(running)


async def test_reset_puts_every_piece_of_state_back(http):
    store = Store(settings={"rateLimit": False}, admin_token=ADMIN_TOKEN)
    store.seed(7, customers=5, reference=REF)
    running = Running()
    oms = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = adapter.AdapterConfig(oms + SHOPIFY, TOKEN, signing_key=KEY, cache_ttl=3600)
    adapter_app = roles.adapter_app(store, config)
    adapter_url = await start(running, "adapter", adapter_app)
    gladly_app = roles.gladly_app(store, GladlyConfig(adapter_url + "/", signing_key=KEY))
    gladly_url = await start(running, "gladly", gladly_app)
    try:
        customer = str(store.known_customers(1)[0]["id"])
        request = dict(LOOKUP, query={"externalCustomerId": customer})
        assert (await gladly(http, adapter_url + "/", request))[0] == 200
        async with http.post(gladly_url + "/api/profiles", json={"name": "Ana"}) as response:
            assert response.status == 201
        async with http.post(
            oms + "/_mock/settings",
            json={"mutant": "wrong-status", "rateLimit": True},
            headers=ADMIN,
        ) as response:
            assert (await response.json())["settings"] == {
                "rateLimit": True,
                "mutant": "wrong-status",
            }
        async with http.post(
            oms + "/_mock/faults", json={"probability": 0.5}, headers=ADMIN
        ) as response:
            assert (await response.json())["fault"]["id"] == 1
        service = adapter_app[adapter.ADAPTER]
        assert service.cache
        assert store.requests
        assert store.faults

        async with http.post(adapter_url + "/_mock/reset", json={}, headers=ADMIN) as response:
            assert response.status == 200
        assert store.count_customers() == 0
        assert store.settings == {"rateLimit": False, "mutant": None}
        assert not store.faults
        assert not store.unexpected
        assert len(store.requests) == 0
        assert not service.cache
        assert service.shopify is not None
        assert not service.shopify.images
        async with http.get(gladly_url + "/api/profiles") as response:
            assert (await response.json()) == {"profiles": []}
        async with http.post(
            oms + "/_mock/faults", json={"kind": "latency"}, headers=ADMIN
        ) as response:
            assert (await response.json())["fault"]["id"] == 1  # the sequence starts again
    finally:
        await stop(running)
        store.close()
